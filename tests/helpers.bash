# helpers.bash: loaded by every suite.
#
# - isolate ARGS...: runs the stage under test (PART, set by the suite)
#   in the build under test (ISOLATE_VARIANT: normal or sanitized).
# - require_root / require_userns: skip, saying why, where the machine
#   cannot run a test.
# - setup/teardown snapshot the host (host name, mounts, links) and
#   compare, and check that every process the test started has ended:
#   each test also proves that nothing leaked.
# - wait_until CMD...: poll instead of sleeping a fixed time.

# shellcheck disable=SC2034,SC2154 # the suites use what is set here; bats run sets $lines
bats_require_minimum_version 1.5.0

# A test that hangs fails instead (bats 1.7+).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
: "${ISOLATE_VARIANT:=normal}"
NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups)
ROOTFS_ARGS=()

# A sanitizer report must fail the test loudly, not pass as a 1.
export ASAN_OPTIONS=exitcode=86:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86

isolate_binary() {
	case $ISOLATE_VARIANT in
	normal) echo "$REPO/part-$PART/isolate" ;;
	sanitized) echo "$REPO/part-$PART/isolate-sanitized" ;;
	*) echo "unknown ISOLATE_VARIANT $ISOLATE_VARIANT" >&2; return 1 ;;
	esac
}

# Every process started through isolate() carries this mark in its
# environment, so teardown can find any that outlived the test, even
# when the test ran in parallel with others.
test_mark() {
	echo "ISOLATE_TEST_MARK=${BATS_TEST_TMPDIR##*/}-$$"
}

# From part-3 on, the command runs in a root filesystem: $REPO/rootfs, or
# the private copy that container_path made for this test.
# The command's environment is its own from part-3 on: the mark goes in
# with --env, so that teardown finds the container's processes too.
rootfs_args() {
	ROOTFS_ARGS=()
	if ((PART >= 3)); then
		ROOTFS_ARGS=(--rootfs "${ROOTFS:-$REPO/rootfs}" --env "$(test_mark)")
	fi
}

isolate() {
	rootfs_args
	env "$(test_mark)" "$(isolate_binary)" "${ROOTFS_ARGS[@]}" "$@"
}

# container_path NAME: a file the test prepares for the command.  Sets
# HOST_PATH, where the test writes it, and INSIDE_PATH, where the command
# finds it: the same path for part-1 and part-2 (a directory every user
# can reach, since from part-2 on root inside is unprivileged); from
# part-3 on, /tmp/NAME in a private copy of the rootfs, so that tests
# never write to the shared one.
container_path() {
	if ((PART >= 3)); then
		if [[ -z ${ROOTFS:-} ]]; then
			ROOTFS=$(world_writable_dir)/rootfs
			cp -a "$REPO/rootfs" "$ROOTFS"
		fi
		HOST_PATH=$ROOTFS/tmp/$1
		INSIDE_PATH=/tmp/$1
	else
		[[ -n ${SHARED_DIR:-} ]] || SHARED_DIR=$(world_writable_dir)
		HOST_PATH=$SHARED_DIR/$1
		INSIDE_PATH=$HOST_PATH
	fi
	rootfs_args
}

# For `isolate_in_background ARGS... &`: exec makes $! isolate's own pid,
# and env sets the signals that a non-interactive shell ignores in
# background jobs (SIGINT, SIGQUIT) back to their defaults.
isolate_in_background() {
	rootfs_args
	exec env --default-signal "$(test_mark)" "$(isolate_binary)" \
		"${ROOTFS_ARGS[@]}" "$@"
}

# tests/probe.c, built static where the command finds it: sets PROBE to
# its path inside (busybox has no tool for TIOCSTI, ptys or queues).
build_probe() {
	container_path probe
	cc -static -O2 -o "$HOST_PATH" "$REPO/tests/probe.c" ||
		skip "cannot build a static program (libc6-dev)"
	PROBE=$INSIDE_PATH
}

# tests/ptyrun.c, the suite's terminal: sets PTYRUN to its path.
build_ptyrun() {
	PTYRUN=$BATS_TEST_TMPDIR/ptyrun
	cc -O2 -o "$PTYRUN" "$REPO/tests/ptyrun.c" ||
		skip "cannot build tests/ptyrun.c"
}

require_root() {
	[[ $EUID -eq 0 ]] || skip "needs root: ${1:-this stage creates namespaces that need CAP_SYS_ADMIN}"
}

# Rootless tests need the kernel to let an unprivileged user create a
# user namespace (Debian's kernel.unprivileged_userns_clone, Ubuntu's
# AppArmor restriction, user.max_user_namespaces can forbid it).
require_unprivileged_userns() {
	"${NOBODY[@]}" unshare --user true 2>/dev/null ||
		skip "this kernel does not let an unprivileged user create a user namespace"
}

# Poll CMD until it succeeds, for at most $WAIT_SECONDS (default 10).
wait_until() {
	local deadline=$((SECONDS + ${WAIT_SECONDS:-10}))
	until "$@"; do
		if ((SECONDS >= deadline)); then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

# The pids of live processes that carry this test's mark.
marked_pids() {
	# grep -z reads the NUL-separated environ; zombies have an empty one.
	grep -lzxF "$(test_mark)" /proc/[0-9]*/environ 2>/dev/null |
		cut -d/ -f3
}

# The pid of the child of ISOLATE_PID once it runs a program named COMM.
child_running() {
	local isolate_pid=$1 comm=$2 child
	child=$(pgrep -P "$isolate_pid") || return 1
	[[ $(cat "/proc/$child/comm" 2>/dev/null) == "$comm" ]] || return 1
	echo "$child"
}

# The pid of a descendant of PID (child, grandchild...) named COMM.
descendant() {
	local child
	for child in $(pgrep -P "$1"); do
		if [[ $(cat "/proc/$child/comm" 2>/dev/null) == "$2" ]]; then
			echo "$child"
			return 0
		fi
		descendant "$child" "$2" && return 0
	done
	return 1
}

# A directory every user may write to (mode 1777, outside the bats
# directories, which only root can enter), removed in teardown.
world_writable_dir() {
	local dir
	dir=$(mktemp -d /tmp/isolate-test.XXXXXX)
	chmod 1777 "$dir"
	echo "$dir" >>"$BATS_TEST_TMPDIR/remove-after"
	echo "$dir"
}

# A copy of the stage's binary that uid 65534 can run, wherever the
# checkout lives; its path on stdout.
binary_for_nobody() {
	local dir
	dir=$(world_writable_dir)
	cp "$(isolate_binary)" "$dir/isolate"
	chmod 755 "$dir/isolate"
	echo "$dir/isolate"
}

# Run ARGS as uid and gid 65534 with no groups, marked like isolate().
as_nobody() {
	env "$(test_mark)" "${NOBODY[@]}" "$@"
}

# Wait for the background job PID and set $status to its exit status
# (`run wait` cannot: run's subshell is not the job's parent).
wait_status() {
	status=0
	wait "$1" || status=$?
}

# Host ends (iso<pid>) whose isolate process is gone: leaked links.  The
# kernel deletes a pair asynchronously, so callers poll.
orphan_host_ends() {
	local link
	for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^iso[0-9]+$'); do
		[[ $(cat "/proc/${link#iso}/comm" 2>/dev/null) == isolate* ]] || echo "$link"
	done
}

no_orphan_host_ends() {
	[[ -z $(orphan_host_ends) ]]
}

no_marked_processes() {
	[[ -z $(marked_pids) ]]
}

# The namespace a process is in, e.g. "uts:[4026531838]".
namespace_of() {
	readlink "/proc/${2:-self}/ns/$1"
}

# Negative controls: what a stage does not isolate yet.  Each runs the
# same probe in the container and on the host and compares what both saw;
# the probes use only commands busybox has too.

# The PID namespace is the host's: the command is not PID 1, and its
# PID 1 is the host's.
assert_host_pid_namespace() {
	run -0 isolate sh -c 'readlink /proc/self/ns/pid; echo $$; cat /proc/1/comm'
	[[ ${lines[0]} == "$(namespace_of pid)" ]]
	[[ ${lines[1]} -gt 1 ]]
	[[ ${lines[2]} == "$(cat /proc/1/comm)" ]]
}

# The network namespace is the host's, with the host's links (iso* links
# are other tests' containers, coming and going, so they are left out).
links_probe='ip -o link | awk -F": " "{print \$2}" | cut -d@ -f1 | grep -v "^iso" | sort'
assert_host_network_namespace() {
	run -0 isolate sh -c "readlink /proc/self/ns/net; $links_probe"
	[[ ${lines[0]} == "$(namespace_of net)" ]]
	[[ ${lines[*]:1} == "$(sh -c "$links_probe" | paste -sd ' ')" ]]
}

assert_host_ipc_and_cgroup_namespaces() {
	run -0 isolate sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/cgroup'
	[[ ${lines[0]} == "$(namespace_of ipc)" ]]
	[[ ${lines[1]} == "$(namespace_of cgroup)" ]]
}

# Without a PID namespace of its own, a background process of the
# command outlives it (and is killed here).
assert_background_outlives_command() {
	container_path sleeper.pid
	run -0 isolate sh -c 'sleep 1000 >/dev/null 2>&1 & echo $! >"$1"' sh "$INSIDE_PATH"
	local pid
	pid=$(cat "$HOST_PATH")
	[[ $(cat "/proc/$pid/comm") == sleep ]]
	kill -KILL "$pid"
}

require_rootfs() {
	[[ -x $REPO/rootfs/bin/busybox ]] || skip "no rootfs: run make rootfs"
}

# The host as it is before the test; teardown compares.
snapshot_host() {
	host_snapshot >"$BATS_TEST_TMPDIR/host.before"
}

host_snapshot() {
	echo "hostname: $(cat /proc/sys/kernel/hostname)"
	echo "mounts:"
	awk '{print $5, $9, $10}' /proc/self/mountinfo | sort
	# The project's own links (iso*) come and go with other tests and
	# tests/bench-veth.sh; orphan_host_ends checks the containers' ones.
	echo "links:"
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 |
		grep -v '^iso' | sort
	if [[ -d $REPO/rootfs ]]; then
		echo "rootfs:"
		find "$REPO/rootfs" -printf '%P %M %U:%G %s\n' | sort
	fi
}

setup() {
	snapshot_host
}

teardown() {
	# A test skipped in setup never took its snapshot, nor started anything.
	[[ -e $BATS_TEST_TMPDIR/host.before ]] || return 0
	if [[ -e $BATS_TEST_TMPDIR/remove-after ]]; then
		xargs rm -rf <"$BATS_TEST_TMPDIR/remove-after"
	fi
	if ! WAIT_SECONDS=10 wait_until no_marked_processes; then
		echo "processes started by this test are still running:" >&2
		for pid in $(marked_pids); do
			echo "  $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
			kill -KILL "$pid" 2>/dev/null
		done
		return 1
	fi
	# The kernel tears network namespaces down in a background worker,
	# which falls behind when many die at once: allow it time.
	if ! WAIT_SECONDS=30 wait_until no_orphan_host_ends; then
		echo "host ends left behind: $(orphan_host_ends)" >&2
		return 1
	fi
	host_snapshot >"$BATS_TEST_TMPDIR/host.after"
	if ! diff -u "$BATS_TEST_TMPDIR/host.before" "$BATS_TEST_TMPDIR/host.after" >&2; then
		echo "the host changed during the test (above)" >&2
		return 1
	fi
}
