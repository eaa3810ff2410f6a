#!/usr/bin/env bats
# part-3: the mount and PID namespaces, in a root filesystem of its own.
# What they isolate (files, mounts, processes), PID 1's duties and
# --init, bad --rootfs values; and, as negative controls, what is still
# the host's: the network, IPC and cgroups.

PART=3
load helpers

setup() {
	require_root "these tests read the host's view of the container's processes"
	require_rootfs
	snapshot_host
}

# The processes in the PID namespace of the host's process INIT, as seen
# from the host: "state comm" per line, sorted.  Read with builtins (-ef
# compares the namespaces' inodes), in a subshell without bats' DEBUG
# trap: a fork, or a trap, per host process would take seconds.
processes_in() (
	trap - DEBUG
	local init=$1 dir stat comm
	for dir in /proc/[0-9]*; do
		[[ $dir/ns/pid -ef /proc/$init/ns/pid ]] || continue
		read -r stat 2>/dev/null <"$dir/stat" || continue
		read -r comm 2>/dev/null <"$dir/comm" || continue
		stat=${stat##*) }
		echo "${stat%% *} $comm"
	done | sort
)

# Conditions for wait_until, evaluated afresh on every try.
# The container's PID 1, seen from the host: the child of isolate PID,
# once it is in a PID namespace other than ours (for a moment, a
# subshell of isolate_in_background is isolate's child).
# If PID has ended, it never will be (NEVER).
container_init() {
	local child
	process_gone "$1" && return "$NEVER"
	for child in $(children_of "$1"); do
		[[ -e /proc/$child/ns/pid && ! /proc/$child/ns/pid -ef /proc/self/ns/pid ]] || continue
		echo "$child"
		return 0
	done
	return 1
}
has_zombie() { [[ $(processes_in "$1") == *"Z "* ]]; }
holds_exactly() { [[ $(processes_in "$1" | tr '\n' ' ') == "$2" ]]; }

@test "part-3: the command runs in new mount and PID namespaces" {
	run -0 isolate sh -c 'readlink /proc/self/ns/mnt; readlink /proc/self/ns/pid'
	[[ ${lines[0]} == mnt:\[*\] && ${lines[0]} != "$(namespace_of mnt)" ]]
	[[ ${lines[1]} == pid:\[*\] && ${lines[1]} != "$(namespace_of pid)" ]]
}

@test "part-3: the command is PID 1" {
	run -0 isolate sh -c 'echo $$'
	[[ $output == 1 ]]
}

@test "part-3: /proc and ps show only the container's processes" {
	# The glob is expanded by sh itself, PID 1, while it has no child:
	# one process, whatever the host runs.
	run -0 isolate sh -c 'echo /proc/[0-9]*; ps -o pid,comm; true'
	[[ ${lines[0]} == /proc/1 ]]
	[[ $(echo ${lines[1]}) == "PID COMMAND" ]]
	[[ $(echo ${lines[2]}) == "1 sh" ]]
	[[ $(echo ${lines[3]}) =~ ^[0-9]+\ ps$ ]]
	[[ ${#lines[@]} -eq 4 ]]
}

@test "part-3: the rootfs's files are visible, and the host's are not" {
	container_path marker
	dir=$(world_writable_dir)
	echo host-only >"$dir/host-file"
	run -0 isolate sh -c 'cat /etc/passwd; test -e "$1" && echo LEAK || echo absent' sh "$dir/host-file"
	expected=$(cat "$ROOTFS/etc/passwd"; echo absent)
	[[ $output == "$expected" ]]
}

@test "part-3: the container's mount table holds only its own mounts" {
	run -0 isolate sh -c 'awk "{print \$5}" /proc/self/mountinfo | sort'
	same "$(echo $output)" "/ /dev /dev/full /dev/null /dev/pts /dev/random /dev/shm /dev/tty /dev/urandom /dev/zero /proc"
}

@test "part-3: /dev has the usual devices and links, and they work" {
	run -0 isolate sh -c 'ls /dev; echo x >/dev/null; head -c 4 /dev/urandom | wc -c; head -c 3 /dev/zero | wc -c'
	same "$(echo $output)" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero 4 3"
}

@test "part-3: a mount made inside never reaches the host, during or after the run" {
	container_path ready
	# --init: PID 1 must act on the SIGTERM that ends the test.
	isolate_in_background --init sh -c \
		'mount -t tmpfs inside-only /root && : >/tmp/ready && exec sleep 1000' &
	local pid=$!
	wait_until ready "$HOST_PATH" "$pid"
	during=$(host_mounts)
	kill -TERM "$pid"
	wait_status "$pid"
	[[ $status -eq 143 ]]
	echo "the host's watched mounts while the container ran:"
	echo "$during"
	[[ $during == "$(grep '^mount: ' "$BATS_TEST_TMPDIR/host.before")" ]]
	[[ $during != *inside-only* ]]
}

@test "part-3: with a shared / (in a throwaway mount namespace), nothing propagates back" {
	# unshare -m: never make the host's own / shared.
	run -0 env "$TEST_MARK" unshare -m --propagation unchanged sh -c '
		mount --make-rshared / || exit 90
		findmnt -no PROPAGATION / >&2
		before=$(cat /proc/self/mountinfo)
		"$@" sh -c "mount -t tmpfs inside-only /root && echo ran" || exit 91
		[ "$before" = "$(cat /proc/self/mountinfo)" ] && echo unchanged' \
		sh "$(isolate_binary)" --rootfs "$REPO/rootfs"
	[[ $(echo $output) == "shared ran unchanged" ]]
}

@test "part-3: the rootfs on the host is the same after a run" {
	container_path ready
	before=$(find "$ROOTFS" -printf '%P %M %U:%G\n' | sort)
	run -0 isolate --init --hostname c3 sh -c 'ls / >/dev/null; echo done'
	[[ $output == done ]]
	same "$(find "$ROOTFS" -printf '%P %M %U:%G\n' | sort)" "$before"
}

@test "part-3: without --init, PID 1 ignores a signal it has no handler for" {
	# The same command is killed in part-2 (143); as PID 1 it survives.
	run -0 isolate sh -c 'kill -TERM $$; echo survived'
	[[ $output == survived ]]
}

@test "part-3: with --init, the command is not PID 1 and a SIGTERM kills it" {
	run -143 isolate --init sh -c 'echo $$ >&2; kill -TERM $$; echo survived'
	[[ $output == 2 ]]
}

@test "part-3: with --init, SIGTERM to isolate ends a sleep at once (143)" {
	isolate_in_background --init --stop-timeout 1000 sleep 1000 &
	local pid=$!
	wait_until descendant "$pid" sleep >/dev/null
	kill -TERM "$pid"
	# Long before the stop timeout: the sleep, PID 2, died of it.
	wait_until process_gone "$pid"
	wait_status "$pid"
	[[ $status -eq 143 ]]
}

@test "part-3: without --init, SIGTERM to isolate ends a sleep (PID 1) with SIGKILL after the stop timeout (137)" {
	isolate_in_background --stop-timeout 1 sleep 1000 2>"$BATS_TEST_TMPDIR/stderr" &
	local pid=$!
	wait_until descendant "$pid" sleep >/dev/null
	kill -TERM "$pid"
	wait_status "$pid"
	[[ $status -eq 137 ]]
	same "$(head -n 1 "$BATS_TEST_TMPDIR/stderr")" "isolate: stop the command: still running 1 s after SIGTERM; sent SIGKILL"
}

@test "part-3: as PID 1, a writer to a closed pipe is not killed by SIGPIPE; with --init it is (141)" {
	# PID 1 ignores SIGPIPE too: yes gets EPIPE, and says so.
	rootfs_args
	run -0 bash -c '"$@" yes 2>"$0" | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"' \
		"$BATS_TEST_TMPDIR/stderr" "$(isolate_binary)" "${ROOTFS_ARGS[@]}"
	[[ $output == 1 ]]
	grep -q 'Broken pipe' "$BATS_TEST_TMPDIR/stderr"
	run -0 bash -c '"$@" --init yes | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"' \
		sh "$(isolate_binary)" "${ROOTFS_ARGS[@]}"
	[[ $output == 141 ]]
}

@test "part-3: with --init, the exit status and exec failures pass through" {
	run -42 isolate --init sh -c 'exit 42'
	run -137 isolate --init sh -c 'kill -KILL $$'
	run --separate-stderr -127 isolate --init no-such-command
	error_is "isolate: exec no-such-command: command not found" no-such-command
}

@test "part-3: without --init an orphan stays a zombie; with --init it is reaped" {
	for with_init in no yes; do
		args=()
		[[ $with_init == yes ]] && args=(--init)
		# The orphan ends once the shell that started it has exec'd
		# sleep, which never calls wait(2); before that, sh could reap it.
		isolate_in_background "${args[@]}" sh -c 'p=$$
			(while [ "$(cat /proc/$p/comm)" != sleep ]; do sleep 0.01; done &)
			exec sleep 1000' &
		pid=$!
		wait_until container_init "$pid" >/dev/null
		init=$(container_init "$pid")
		if [[ $with_init == no ]]; then
			# PID 1 is sleep, which never calls wait(2).
			wait_until has_zombie "$init"
		else
			# Our init, under the name it gives itself, and sleep.
			wait_until holds_exactly "$init" "S isolate-init S sleep " ||
				{ echo "saw: $(processes_in "$init" | tr '\n' ' ')"; false; }
		fi
		kill -TERM "$pid"
		[[ $with_init == yes ]] || kill -KILL "$pid"
		wait "$pid" || true
	done
}

@test "part-3: when PID 1 exits, no process of the container survives" {
	# The same command leaves its sleep running in part-2.
	run -0 isolate sh -c 'sleep 1000 >/dev/null 2>&1 & exit 0'
	wait_until no_marked_processes
}

@test "part-3: a missing or non-directory --rootfs is refused (125), nothing mounted" {
	run --separate-stderr -125 isolate --rootfs /no/such/dir true
	error_is "isolate: rootfs /no/such/dir: No such file or directory" \
		/no/such/dir "No such file or directory"
	run --separate-stderr -125 isolate --rootfs /etc/passwd true
	error_is "isolate: rootfs /etc/passwd: not a directory" /etc/passwd
}

@test "part-3: a rootfs whose proc or dev is a symlink is refused (125), nothing mounted through it" {
	dir=$(world_writable_dir)
	for link in proc dev; do
		rm -rf "$dir/fs"
		mkdir -p "$dir/fs/proc" "$dir/fs/dev" "$dir/target"
		rmdir "$dir/fs/$link"
		ln -s "$dir/target" "$dir/fs/$link"
		run --separate-stderr -125 isolate --rootfs "$dir/fs" true
		# Refused by the rootfs check, which names the symlink, before
		# anything is cloned: not later, by the mount, which would not.
		[[ ${#stderr_lines[@]} -eq 1 ]]
		error_is "isolate: rootfs $dir/fs/$link: a symlink, refused as a mount point" "$dir/fs/$link"
		[[ -z $(ls -A "$dir/target") ]]
	done
}

@test "part-3: a rootfs that root inside cannot read is refused (125) with a hint" {
	container_path ready
	chmod 700 "$ROOTFS"
	run --separate-stderr -125 isolate --map-uid 65534 --map-gid 65534 true
	error_is "isolate: chdir $ROOTFS: Permission denied" "$ROOTFS" "Permission denied"
	hint_is "isolate: hint: root inside is uid 65534 on the host, which must be able to read the rootfs"
}

@test "part-3: the default rootfs is the checkout's, wherever isolate runs from" {
	cd /
	run -0 env "$TEST_MARK" "$(isolate_binary)" cat /etc/hostname
	[[ $output == isolate ]]
}

@test "part-3: a missing default rootfs names where isolate looked, and the make to run" {
	# The checkout as a fresh clone has it, before make rootfs: hidden
	# under an empty tmpfs in a mount namespace of the test's own (whose
	# mounts unshare -m makes private), isolate run from a copy outside.
	copy=$(world_writable_dir)
	cp "$ISOLATE_REAL" "$copy/isolate"
	run --separate-stderr -125 env "$TEST_MARK" unshare -m \
		sh -c 'mount -t tmpfs fresh-clone "$1" && exec "$2" true' sh "$REPO" "$copy/isolate"
	error_is "isolate: rootfs $REPO/rootfs: No such file or directory" \
		"$REPO/rootfs" "No such file or directory"
	hint_is "isolate: hint: build the default one with: make -C $REPO rootfs"
}

@test "part-3: the host's own / as the rootfs is refused (125), by any path" {
	for root in / // /proc/self/root; do
		run --separate-stderr -125 isolate --rootfs "$root" true
		error_is "isolate: rootfs $root: the host's own root, refused" "$root" ||
			{ echo "(--rootfs $root)"; false; }
	done
}

@test "part-3: rootless, an unprivileged user gets PID 1 and the rootfs" {
	container_path ready
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	run -0 as_nobody "$bin" --rootfs "$ROOTFS" sh -c 'echo $$; id -u; cat /etc/hostname'
	[[ $(echo $output) == "1 0 isolate" ]]
}

# Negative controls: part-3 still shares these with the host.

@test "part-3: not isolated: the network namespace is the host's, with the host's links" {
	assert_host_network_namespace
}

@test "part-3: not isolated: the IPC and cgroup namespaces are the host's" {
	assert_host_ipc_and_cgroup_namespaces
}
