# helpers.bash: loaded by every suite.
#
# - isolate ARGS...: runs the stage under test (PART, set by the suite)
#   in the build under test (ISOLATE_VARIANT: normal or sanitized).
# - require_root / require_userns: skip, saying why, where the machine
#   cannot run a test.
# - setup/teardown check that the test's own runs left nothing behind:
#   no process carrying its mark, no host end of an isolate it started,
#   no mount under a path its runs could reach, no change to the rootfs.
#   Only what this test could have made is looked at, so that whatever
#   else the machine does meanwhile (another suite, a mount under /tmp)
#   never fails it.
# - wait_until CMD...: poll instead of sleeping a fixed time.
# - The test's own output (echo) is shown only when it fails: tests print
#   the values they compare, so a failure shows observed and expected.

# shellcheck disable=SC2034,SC2154 # the suites use what is set here; bats run sets $lines
bats_require_minimum_version 1.5.0

# A test that hangs: tests/run stops its file's run after 600 s and
# names it (bats's own BATS_TEST_TIMEOUT costs three processes a test).

# The checkout: the directory above tests/ (bats makes BATS_TEST_DIRNAME
# absolute; no $(cd ...; pwd), which would fork once per test).
REPO=${BATS_TEST_DIRNAME%/tests}
[[ $REPO != "$BATS_TEST_DIRNAME" ]] || REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
: "${ISOLATE_VARIANT:=normal}"
NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups)
ROOTFS_ARGS=()

# A sanitizer report must fail the test loudly, not pass as a 1.
# LeakSanitizer costs 40 ms per run here, most of the sanitized pass's
# time, and isolate allocates nothing on the heap (no malloc anywhere in
# it): it checks for leaks in the contract suite only, whose tests take
# every way out of isolate (success, usage errors, 126, 127, 128+N).
# make valgrind's memcheck checks the main paths too.
export ASAN_OPTIONS=exitcode=86:detect_leaks=${DETECT_LEAKS:-0}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86

# How the lab suites grade (tests/grade.sh): make test by each lesson's
# own suite, make test-labs (ISOLATE_GRADE_WHOLE=1) by the whole suite.
GRADE_SCOPE=(--lesson)
[[ -z ${ISOLATE_GRADE_WHOLE:-} ]] || GRADE_SCOPE=()

# The build under test, and the mark every process the test starts
# carries in its environment, so that teardown can find any that
# outlived the test, even when tests run in parallel.  Plain variables:
# a test runs isolate hundreds of times, and each $(...) is a fork.
# A shared suite (tests/suites/NAME.bats) runs once per stage, through
# its links tests/part-N-NAME.bats: the stage under test is in that name.
if [[ -z ${PART:-} && $BATS_TEST_FILENAME == */part-[0-9]-*.bats ]]; then
	PART=${BATS_TEST_FILENAME##*/part-}
	PART=${PART%%-*}
fi
case $ISOLATE_VARIANT in
normal) ISOLATE_REAL=$REPO/part-${PART:-0}/isolate ;;
sanitized) ISOLATE_REAL=$REPO/part-${PART:-0}/isolate-sanitized ;;
*) echo "unknown ISOLATE_VARIANT $ISOLATE_VARIANT" >&2; exit 1 ;;
esac
TEST_MARK=ISOLATE_TEST_MARK=${BATS_TEST_TMPDIR##*/}-$$

# Every isolate a test starts goes through tests/launch (built by make
# test-tools), which puts the test's mark in the environment, notes its
# pid, then execs the real binary (so the pid is isolate's): the host
# ends a test's runs could leave are named iso<pid>, and teardown looks
# for exactly those.
LAUNCH=$REPO/tests/launch

# isolate_binary: the same as a path to run the stage under test by, for
# tests that hand it to another program: a three-line script.  bash, not
# sh: dash resets an ignored SIGCHLD, and a test needs the caller's to
# reach isolate as it is.  make_wrapper sets ISOLATE_WRAPPER to its path,
# without the fork that $(isolate_binary) costs.
make_wrapper() {
	ISOLATE_WRAPPER=$BATS_TEST_TMPDIR/isolate
	[[ -x $ISOLATE_WRAPPER ]] && return
	printf '#!/bin/bash\nexport %q\necho $$ >>%q 2>/dev/null\nexec %q "$@"\n' \
		"$TEST_MARK" "$BATS_TEST_TMPDIR/isolate.pids" "$ISOLATE_REAL" >"$ISOLATE_WRAPPER"
	chmod 755 "$ISOLATE_WRAPPER"
}

isolate_binary() {
	make_wrapper
	echo "$ISOLATE_WRAPPER"
}

test_mark() {
	echo "$TEST_MARK"
}

# From part-3 on, the command runs in a root filesystem: $REPO/rootfs, or
# the private copy that container_path made for this test.
# The command's environment is its own from part-3 on: the mark goes in
# with --env, so that teardown finds the container's processes too.
rootfs_args() {
	ROOTFS_ARGS=()
	if ((PART >= 3)); then
		ROOTFS_ARGS=(--rootfs "${ROOTFS:-$REPO/rootfs}" --env "$TEST_MARK")
	fi
}

# IN_NET: a command prefix that runs isolate in another network
# namespace (part-4.bats's own_host_network), or nothing.
IN_NET=()

isolate() {
	rootfs_args
	"${IN_NET[@]}" "$LAUNCH" "$BATS_TEST_TMPDIR/isolate.pids" "$TEST_MARK" "$ISOLATE_REAL" \
		"${ROOTFS_ARGS[@]}" "$@"
}

# container_path NAME: a file the test prepares for the command.  Sets
# HOST_PATH, where the test writes it, and INSIDE_PATH, where the command
# finds it: the same path for part-1 and part-2 (a directory every user
# can reach, since from part-2 on root inside is unprivileged); from
# part-3 on, /tmp/NAME in a private copy of the rootfs, so that tests
# never write to the shared one.
container_path() {
	local dir
	if ((PART >= 3)); then
		if [[ -z ${ROOTFS:-} ]]; then
			world_writable_dir dir
			ROOTFS=$dir/rootfs
			copy_rootfs "$ROOTFS"
		fi
		HOST_PATH=$ROOTFS/tmp/$1
		INSIDE_PATH=/tmp/$1
	else
		[[ -n ${SHARED_DIR:-} ]] || world_writable_dir SHARED_DIR
		HOST_PATH=$SHARED_DIR/$1
		INSIDE_PATH=$HOST_PATH
	fi
	rootfs_args
}

# copy_rootfs DEST: a private copy of the rootfs.  Its directories and
# files are its own; its symlinks (270 of busybox's 280 entries) are
# hard links to those of a copy made once per bats run: a copy and its
# removal take 30 ms here instead of 100 (ext4 makes and frees an inode
# per symlink).  A symlink cannot be written through to its own inode
# (writing to bin/ls writes the copy's own bin/busybox), so no test and
# no bug can change another test's copy.  The copy belongs to whoever
# runs the suite: root, or root of make grade's sandbox, where a file of
# the host's root would show as uid 65534 and cp -a give it to nobody.
copy_rootfs() {
	local master=$BATS_RUN_TMPDIR/rootfs files=()
	if [[ ! -e $master.files ]]; then
		rm -rf "$master"
		cp -a --no-preserve=ownership "$REPO/rootfs" "$master"
		(cd "$master" && find . -type f) >"$master.files"
	fi
	mapfile -t files <"$master.files"
	if cp -al "$master" "$1" 2>/dev/null; then
		(cd "$master" && exec cp -a --remove-destination --parents -t "$1" "${files[@]}")
	else	# $TMPDIR on another filesystem than /tmp: no hard links
		rm -rf "$1"
		cp -a --no-preserve=ownership "$REPO/rootfs" "$1"
	fi
}

# For `isolate_in_background ARGS... &`: exec makes $! isolate's own pid,
# and launch sets the signals that a non-interactive shell ignores in
# background jobs (SIGINT, SIGQUIT) back to their defaults.
isolate_in_background() {
	rootfs_args
	exec "${IN_NET[@]}" "$LAUNCH" --default-signals "$BATS_TEST_TMPDIR/isolate.pids" "$TEST_MARK" \
		"$ISOLATE_REAL" "${ROOTFS_ARGS[@]}" "$@"
}

# tests/probe.c, built static by `make test-tools`, copied where the
# command finds it: sets PROBE to its path inside (busybox has no tool
# for TIOCSTI, ptys or queues).
build_probe() {
	[[ -x $REPO/tests/probe ]] || skip "tests/probe is not built: run make test-tools"
	container_path probe
	cp "$REPO/tests/probe" "$HOST_PATH"
	PROBE=$INSIDE_PATH
}

# LD_PRELOAD for tests/faults.so, which makes a rare moment happen every
# time (see there): sets FAULTS_PRELOAD, or skips.
faults_preload() {
	local faults=$REPO/tests/faults.so asan
	[[ -e $faults ]] || skip "tests/faults.so is not built: run make test-tools"
	FAULTS_PRELOAD=$faults
	if [[ $ISOLATE_VARIANT == sanitized ]]; then
		# The ASan runtime must come first in the list.
		asan=$(ldd "$ISOLATE_REAL" | awk '$1 ~ /^libasan\./ { print $3 }')
		[[ -n $asan ]] || skip "the sanitized build links no ASan runtime to preload first"
		FAULTS_PRELOAD=$asan:$faults
	fi
}

# tests/ptyrun.c, the suite's terminal: sets PTYRUN to its path.
build_ptyrun() {
	PTYRUN=$REPO/tests/ptyrun
	[[ -x $PTYRUN ]] || skip "tests/ptyrun is not built: run make test-tools"
}

# For a test the sanitized build adds nothing to: said once, with why.
normal_build_only() {
	[[ $ISOLATE_VARIANT == normal ]] || skip "on the normal build only: $1"
}

require_root() {
	[[ $EUID -eq 0 ]] || skip "needs root: ${1:-this stage creates namespaces that need CAP_SYS_ADMIN}"
}

# Rootless tests need the kernel to let an unprivileged user create a
# user namespace (Debian's kernel.unprivileged_userns_clone, Ubuntu's
# AppArmor restriction, user.max_user_namespaces can forbid it).
# require_host_root WHY: skip in make grade's sandbox (ISOLATE_SANDBOXED),
# whose root is not the host's: a test that shows what root inside can
# do to the host (a negative control) has nothing to show there.
require_host_root() {
	[[ -z ${ISOLATE_SANDBOXED:-} ]] ||
		skip "make grade's sandbox: its root is not the host's, and $1"
}

require_unprivileged_userns() {
	"${NOBODY[@]}" unshare --user true 2>/dev/null ||
		skip "this kernel does not let an unprivileged user create a user namespace"
}

# Poll CMD until it succeeds, for at most $WAIT_SECONDS (default 10;
# whole seconds).  EPOCHREALTIME, in microseconds, not SECONDS: SECONDS
# ticks once a second, so a one-second wait could end at once.
wait_until() {
	local deadline=$((${EPOCHREALTIME//[.,]/} + ${WAIT_SECONDS:-10} * 1000000)) status
	until "$@"; do
		status=$?
		# A check that can never succeed any more says so: fail now, not
		# at the deadline (a lab's failing stage must not cost minutes).
		if ((status == NEVER)); then
			echo "gave up waiting for: $* (the process has ended)" >&2
			return 1
		fi
		if ((${EPOCHREALTIME//[.,]/} >= deadline)); then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		pause 0.02
	done
}

# pause SECONDS: sleep(1) without a process: wait_until polls 50 times a
# second, and on a small VM a fork and exec cost more than the check.
# read -t waits on a FIFO opened for reading and writing (so the open
# does not block), to which no one ever writes.
pause() {
	local fifo=${BATS_RUN_TMPDIR:-$BATS_TEST_TMPDIR}/pause.fifo fd
	[[ -p $fifo ]] || mkfifo "$fifo" 2>/dev/null || [[ -p $fifo ]] || { sleep "$1"; return 0; }
	exec {fd}<>"$fifo"
	read -rt "$1" -u "$fd" || true
	exec {fd}<&-
}

# The pids of live processes that carry this test's mark.
marked_pids() {
	local line
	while read -r line; do
		line=${line#process: }
		echo "${line%% *}"
	done < <(leftovers --mark "$TEST_MARK")
}

# A check's status when what it waits for can never come (wait_until
# gives up at once).
NEVER=99

# ready FILE PID: FILE exists (the command made it once it was ready);
# if PID, which was to lead to it, has ended first, it never will.
ready() {
	[[ -e $1 ]] && return 0
	process_gone "$2" || return 1
	[[ -e $1 ]] || return "$NEVER"
}

# The pid of a descendant of PID (child, grandchild...) named COMM; if
# PID has ended, none will come (status NEVER).
# Polled often, so it forks nothing but its own subshell: it reads each
# /proc/*/stat once (the field after "(comm) STATE" is the parent's pid)
# and walks down from PID.  The subshell drops bats' DEBUG trap, which
# otherwise runs before every command of a loop like this one.
descendant() (
	trap - DEBUG
	local dir stat ppid pid child name
	local -A children=()
	process_gone "$1" && exit "$NEVER"
	for dir in /proc/[0-9]*; do
		read -r stat 2>/dev/null <"$dir/stat" || continue
		stat=${stat##*) }
		stat=${stat#* }
		ppid=${stat%% *}
		children[$ppid]+=" ${dir#/proc/}"
	done
	local queue=("$1")
	while ((${#queue[@]})); do
		pid=${queue[0]}
		queue=("${queue[@]:1}")
		for child in ${children[$pid]:-}; do
			name=
			read -r name 2>/dev/null <"/proc/$child/comm"
			if [[ $name == "$2" ]]; then
				echo "$child"
				exit 0
			fi
			queue+=("$child")
		done
	done
	exit 1
)

# The pid of the child of ISOLATE_PID once it runs a program named COMM.
child_running() {
	local child
	child=$(descendant "$1" "$2") || return
	[[ $(ppid_of "$child") == "$1" ]] || return 1
	echo "$child"
}

# The parent's pid of PID, as its /proc/PID/stat says.
ppid_of() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	stat=${stat#* }
	echo "${stat%% *}"
}

# The children of PID.
children_of() (
	trap - DEBUG
	local dir stat
	for dir in /proc/[0-9]*; do
		read -r stat 2>/dev/null <"$dir/stat" || continue
		stat=${stat##*) }
		stat=${stat#* }
		[[ ${stat%% *} == "$1" ]] && echo "${dir#/proc/}"
	done
	exit 0
)

# world_writable_dir [VAR]: a new directory every user may write to
# (mode 1777, outside the bats directories, which only root can enter),
# removed in teardown; its path in VAR, or on stdout.  mkdir fails on a
# name that exists, whoever made it: it tries another.
world_writable_dir() {
	local made	# (VAR must not be "made")
	until made=/tmp/isolate-test.$$.$RANDOM$RANDOM && mkdir -m 1777 "$made" 2>/dev/null; do
		[[ -w /tmp ]] || { mkdir -m 1777 "$made"; return 1; }
	done
	echo "$made" >>"$BATS_TEST_TMPDIR/remove-after"
	if [[ -n ${1:-} ]]; then
		printf -v "$1" %s "$made"
	else
		echo "$made"
	fi
}

# A copy of the stage's binary that uid 65534 can run, wherever the
# checkout lives; its path on stdout.
binary_for_nobody() {
	local dir
	dir=$(world_writable_dir)
	cp "$ISOLATE_REAL" "$dir/isolate"
	chmod 755 "$dir/isolate"
	echo "$dir/isolate"
}

# Run ARGS as uid and gid 65534 with no groups, marked like isolate().
as_nobody() {
	env "$TEST_MARK" "${NOBODY[@]}" "$@"
}

# same OBSERVED EXPECTED: whether they are equal; if not, it says both
# (a failed [[ ]] shows only its own text, not the values it compared).
# error_is EXACT [OBJECT...]: isolate's stderr is one error line,
# "isolate: ..." naming what failed, and nothing else but hint lines
# ("isolate: hint: ...") and the usage line ("Try 'isolate --help'...").
# The reference stages must print EXACT, their documented message
# (docs/troubleshooting.md).  A lab (ISOLATE_LAB=1, set by make grade)
# is graded on what the line must carry, not on its wording: each
# OBJECT (the path, option, value or system's reason the user needs).
error_is() {
	local exact=$1 object line
	shift
	if [[ ${stderr_lines[0]:-} != "isolate: "* ]]; then
		printf 'isolate printed: %s\nexpected a line starting "isolate: "\n' "${stderr_lines[0]:-(nothing)}"
		return 1
	fi
	for line in "${stderr_lines[@]:1}"; do
		if [[ $line != "isolate: hint: "* && $line != "Try 'isolate --help'"* ]]; then
			printf 'isolate printed: %s\nand then: %s\nexpected one line, and hints\n' "${stderr_lines[0]}" "$line"
			return 1
		fi
	done
	if [[ -z ${ISOLATE_LAB:-} ]]; then
		same "${stderr_lines[0]}" "$exact"
		return
	fi
	for object; do
		if [[ ${stderr_lines[0]} != *"$object"* ]]; then
			printf 'isolate printed: %s\nexpected it to name: %s\n' "${stderr_lines[0]}" "$object"
			return 1
		fi
	done
}

# error_matches REGEX [OBJECT...]: the same, where the reference's
# message holds a value the test cannot know (a pid): it must match REGEX.
error_matches() {
	local regex=$1
	shift
	if [[ -z ${ISOLATE_LAB:-} && ! ${stderr_lines[0]:-} =~ $regex ]]; then
		printf 'isolate printed: %s\nexpected it to match: %s\n' "${stderr_lines[0]:-(nothing)}" "$regex"
		return 1
	fi
	error_is "${stderr_lines[0]:-}" "$@"
}

# hint_is EXACT: the line after the error is the reference's hint.  Hints
# are the reference's documentation (each has its entry in
# troubleshooting.md): a lab is not graded on them.
hint_is() {
	[[ -n ${ISOLATE_LAB:-} ]] && return 0
	same "${stderr_lines[1]:-}" "$1"
}

same() {
	[[ $1 == "$2" ]] && return 0
	printf 'observed: %s\nexpected: %s\n' "$1" "$2"
	return 1
}

# Wait for the background job PID and set $status to its exit status
# (`run wait` cannot: run's subshell is not the job's parent).
wait_status() {
	status=0
	wait "$1" || status=$?
}

# Host ends (iso<pid>) of the isolates this test started, still there
# although their isolate is gone: leaked links.  The kernel deletes a
# pair asynchronously, so callers poll.
orphan_host_ends() {
	leftovers --pids "$BATS_TEST_TMPDIR/isolate.pids"
}

no_orphan_host_ends() {
	[[ -z $(orphan_host_ends) ]]
}

# PID has ended: it is gone, or a zombie (dead; its new parent, often
# the machine's PID 1, may take its time to reap it).
process_gone() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
	stat=${stat##*) }
	[[ ${stat:0:1} == Z ]]
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
# are other tests' containers, coming and going, so they are left out,
# with what ip says of one that went while it listed them).
links_probe='ip -o link 2>/dev/null | awk -F": " "{print \$2}" | cut -d@ -f1 | grep -v "^iso" | sort'
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

# tests/leftovers.c, built by `make test-tools`, reads in one process
# what a test's runs could leave on the host (a fork costs milliseconds
# here, and a test has a setup and a teardown).
LEFTOVERS=$REPO/tests/leftovers
leftovers() {
	"$LEFTOVERS" "$@"
}

# What of the host the test's runs could change; teardown compares.
# A test that follows a clean one in the same file starts from what that
# one's teardown saw (nothing of either test's own is in it): one run of
# leftovers a test instead of two.  It is written now, so that its time
# is when this test began (host_snapshot's --since).
snapshot_host() {
	[[ -x $LEFTOVERS && -x $LAUNCH ]] ||
		skip "tests/leftovers and tests/launch are not built: run make test-tools"
	local clean=''
	if [[ -s $BATS_FILE_TMPDIR/clean.snapshot ]]; then
		read -r -d '' clean <"$BATS_FILE_TMPDIR/clean.snapshot" || true
		printf '%s\n' "$clean" >"$BATS_TEST_TMPDIR/host.before"
	else
		host_snapshot >"$BATS_TEST_TMPDIR/host.before"
	fi
}

# The mounts a test's runs could make, were isolate to leak one: under
# the checkout (its rootfs), under the test's own directories, and on
# the host's own /proc, /dev, /sys, /tmp and /etc files, where a stage
# that forgot its own mount namespace would mount.  Mounts anywhere else
# are other programs' business.  Sets WATCHED: leftovers' arguments.
watched_mounts() {
	local own
	WATCHED=(--under "$REPO/" --under "$BATS_TEST_TMPDIR/")
	if [[ -e $BATS_TEST_TMPDIR/remove-after ]]; then
		while read -r own; do
			WATCHED+=(--under "$own/")
		done <"$BATS_TEST_TMPDIR/remove-after"
	fi
	WATCHED+=(--at / --at /proc --at /sys --at /dev --at /dev/pts --at /dev/shm
		--at /dev/mqueue --at /tmp --at /run
		--at /etc/hostname --at /etc/hosts --at /etc/resolv.conf)
}

# What teardown compares, in one run of leftovers: the host name, the
# watched mounts; then, were anything left, the processes that carry
# the test's mark, the host ends of the isolates it started, and from
# part-3 on the files of the shared rootfs whose status changed since
# the test began (tests never write to it: container_path copies it;
# a file's ctime moves when it is written, chmod'ed or chown'ed, a
# directory's when an entry is added, removed or renamed).
host_snapshot() {
	local args
	watched_mounts
	args=("${WATCHED[@]}" --hostname --mark "$TEST_MARK" --pids "$BATS_TEST_TMPDIR/isolate.pids")
	if ((${PART:-0} >= 3)) && [[ -d $REPO/rootfs ]]; then
		args+=(--rootfs "$REPO/rootfs" --since "$BATS_TEST_TMPDIR/host.before")
	fi
	leftovers "${args[@]}"
}

# The watched mounts alone, as host_snapshot lists them.
host_mounts() {
	watched_mounts
	leftovers "${WATCHED[@]}"
}

# Whether SNAPSHOT tells of something still going away: a process of
# the test's, a host end that the kernel is deleting.
still_ending() {
	[[ $'\n'$1 == *$'\n'"process: "* || $'\n'$1 == *$'\n'"host end: "* ]]
}

setup() {
	snapshot_host
}

teardown() {
	# A test skipped in setup never took its snapshot, nor started anything.
	[[ -e $BATS_TEST_TMPDIR/host.before ]] || return 0
	local before=$BATS_TEST_TMPDIR/host.before after=$BATS_TEST_TMPDIR/host.after
	local was='' now='' pid
	# Processes and host ends go asynchronously: the kernel tears network
	# namespaces down in a background worker, which falls behind when many
	# die at once.  Poll until nothing is ending any more.  (read, not
	# $(...): a fork costs more than the whole check.)
	local deadline=$((SECONDS + ${TEARDOWN_WAIT:-30}))
	# A test that failed has said why; what it left is shown at once.
	[[ -n ${BATS_TEST_COMPLETED:-} ]] || deadline=$SECONDS
	host_snapshot >"$after"
	read -r -d '' now <"$after" || true
	while still_ending "$now" && ((SECONDS < deadline)); do
		pause 0.05
		host_snapshot >"$after"
		read -r -d '' now <"$after" || true
	done
	# Before removing the test's directories: a mount leaked under one
	# must be seen, not have its files deleted through it.
	read -r -d '' was <"$before" || true
	if [[ $now != "$was" ]]; then
		: >"$BATS_FILE_TMPDIR/clean.snapshot"
		diff -u "$before" "$after" >&2
		echo "the test left the above behind (+) or changed it (-)" >&2
		for pid in $(marked_pids); do
			kill -KILL "$pid" 2>/dev/null
		done
		remove_own_dirs "$now"
		return 1
	fi
	printf '%s\n' "$now" >"$BATS_FILE_TMPDIR/clean.snapshot"
	remove_own_dirs "$now"
}

# remove_own_dirs SNAPSHOT: the test's directories outside the bats ones
# (world_writable_dir), but not one with a mount left under it (the
# teardown has reported it): rm would delete files through it.
remove_own_dirs() {
	local own=() dir
	[[ -e $BATS_TEST_TMPDIR/remove-after ]] || return 0
	mapfile -t own <"$BATS_TEST_TMPDIR/remove-after"
	for dir in "${own[@]}"; do
		[[ $'\n'$1 == *$'\n'"mount: $dir/"* ]] || rm -rf "$dir"
	done
}
