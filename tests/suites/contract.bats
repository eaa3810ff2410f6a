#!/usr/bin/env bats
# The command-line contract every stage keeps: usage, exit codes, argument
# pass-through, file descriptors, and the setup (tests/suites/signals.bats
# holds how a command ends).
#
# This file runs once per stage: tests/part-N-contract.bats is a symlink
# to it, and the stage under test comes from that name.

# On the sanitized build, LeakSanitizer runs at each exit (see helpers).
DETECT_LEAKS=1
load helpers

# part-1 needs root for its UTS namespace; later stages may run rootless.
setup() {
	require_root "part-$PART's contract tests run as root"
	snapshot_host
}

@test "part-$PART: --help prints the usage on stdout and exits 0" {
	run --separate-stderr -0 isolate --help
	[[ ${lines[0]} == "Usage: isolate [OPTION...] [--] COMMAND [ARG...]" ]]
	[[ $output == *"--hostname NAME"* ]]
	[[ -z $stderr ]]
}

@test "part-$PART: no command is a usage error (125)" {
	run --separate-stderr -125 isolate
	[[ -z $output ]]
	error_is "isolate: no command given"
	[[ ${stderr_lines[1]} == "Try 'isolate --help' for more information." ]]
}

@test "part-$PART: an unknown option is named, exit 125" {
	run --separate-stderr -125 isolate --no-such-option true
	error_is "isolate: unknown or ambiguous option --no-such-option" --no-such-option
	run --separate-stderr -125 isolate -x true
	error_is "isolate: unknown option -x" -x
}

@test "part-$PART: an option missing its value is named, exit 125" {
	run --separate-stderr -125 isolate --hostname
	error_is "isolate: option --hostname needs a value" --hostname
}

@test "part-$PART: a value given to an option that takes none is refused (125)" {
	run --separate-stderr -125 isolate --verbose=1 true
	error_is "isolate: option --verbose takes no value" --verbose
	run --separate-stderr -125 isolate --verbose -xv true
	error_is "isolate: unknown option -x" -x
}

@test "part-$PART: options stop at the command, which gets its own" {
	run --separate-stderr -0 isolate sh -c 'echo "$@"' sh -v --hostname x
	[[ $output == "-v --hostname x" ]]
}

@test "part-$PART: -- ends the options: '-- --help' runs a command named --help (127)" {
	run --separate-stderr -127 isolate -- --help
	[[ -z $output ]]
	error_is "isolate: exec --help: command not found" --help
	[[ ${#stderr_lines[@]} -eq 1 ]]
}

@test "part-$PART: arguments reach the command byte for byte" {
	local args=("with space" "" "'single'" '"double"' $'new\nline' '*' '$HOME' -)
	run --separate-stderr -0 isolate printf '[%s]\n' "${args[@]}"
	expected=$(printf '[%s]\n' "${args[@]}")
	[[ $output == "$expected" ]]
}

@test "part-$PART: the command's exit status is isolate's" {
	run --separate-stderr -0 isolate sh -c 'echo ran; exit 0'
	[[ $output == ran ]]
	run --separate-stderr -42 isolate sh -c 'echo ran; exit 42'
	[[ $output == ran ]]
	run -1 isolate false
	run -255 isolate sh -c 'exit 255'
}

@test "part-$PART: a command killed by signal N gives 128+N" {
	# From the host: even PID 1 of a PID namespace (part-3 on) cannot
	# refuse a SIGKILL from outside it.
	isolate_in_background sleep 1000 &
	local pid=$!
	wait_until child_running "$pid" sleep >/dev/null
	kill -KILL "$(child_running "$pid" sleep)"
	wait_status "$pid"
	[[ $status -eq 137 ]]
	if ((PART < 3)); then
		# From inside: PID 1 would ignore these (see part-3.bats).
		run -143 isolate sh -c 'kill -TERM $$'
		run -138 isolate sh -c 'kill -USR1 $$'
	fi
}

@test "part-$PART: a missing command gives 127 and one line" {
	run --separate-stderr -127 isolate no-such-command-here
	error_is "isolate: exec no-such-command-here: command not found" no-such-command-here
	[[ ${#stderr_lines[@]} -eq 1 ]]
	run --separate-stderr -127 isolate ""
	error_is "isolate: exec : command not found"
	run --separate-stderr -127 isolate /no/such/path
	error_is "isolate: exec /no/such/path: No such file or directory" \
		/no/such/path "No such file or directory"
	[[ ${#stderr_lines[@]} -eq 1 ]]
}

# The files these tests hand to the command live in a directory that any
# user can reach: from part-2 on, root inside is an unprivileged user.

@test "part-$PART: a command that cannot be executed gives 126 and one line" {
	container_path a-directory
	mkdir -m 755 "$HOST_PATH"
	run --separate-stderr -126 isolate "$INSIDE_PATH"
	error_is "isolate: exec $INSIDE_PATH: Permission denied" "$INSIDE_PATH" "Permission denied"
	[[ ${#stderr_lines[@]} -eq 1 ]]
	container_path not-executable
	printf 'echo hi\n' >"$HOST_PATH"
	chmod 644 "$HOST_PATH"
	run --separate-stderr -126 isolate "$INSIDE_PATH"
	error_is "isolate: exec $INSIDE_PATH: Permission denied" "$INSIDE_PATH" "Permission denied"
	[[ ${#stderr_lines[@]} -eq 1 ]]
}

@test "part-$PART: a script whose interpreter is missing gives 127 and a hint" {
	container_path script
	printf '#!/no/such/interpreter\n' >"$HOST_PATH"
	chmod 755 "$HOST_PATH"
	run --separate-stderr -127 isolate "$INSIDE_PATH"
	error_is "isolate: exec $INSIDE_PATH: No such file or directory" "$INSIDE_PATH"
	hint_is "isolate: hint: $INSIDE_PATH exists: the interpreter on its #! line does not"
}

@test "part-$PART: a command missing from a \$PATH with an unreadable directory still gives 127" {
	dir=$(world_writable_dir)
	mkdir -m 700 "$dir/private"
	PATH="$dir/private:$PATH" run --separate-stderr -127 isolate no-such-command-here
	error_is "isolate: exec no-such-command-here: command not found" no-such-command-here
	[[ ${#stderr_lines[@]} -eq 1 ]]
}

@test "part-$PART: stdin, stdout and stderr are the command's" {
	run --separate-stderr -0 isolate sh -c 'cat; echo to-stderr >&2' <<<"from stdin"
	[[ $output == "from stdin" ]]
	[[ $stderr == to-stderr ]]
	run --separate-stderr -0 isolate cat </dev/null
	[[ -z $output ]]
}

@test "part-$PART: only stdin, stdout and stderr reach the command" {
	# ls lists its own descriptors: 0, 1, 2 and the directory it reads
	# (3).  Without isolate, bats' own would be there too (fd 3 up).
	run --separate-stderr -0 isolate ls /proc/self/fd
	[[ $(echo $(sort -n <<<"$output")) == "0 1 2 3" ]]
}

@test "part-$PART: a descriptor the caller left open, for a host directory, does not reach the command" {
	# With fd 7 open on the host's /, a command could fchdir(2) out of
	# any root (runc's CVE-2024-21626).
	run -0 isolate sh -c 'ls /proc/self/fd/7 >/dev/null 2>&1 && echo LEAKED || echo closed' 7</
	[[ $output == closed ]]
	# The control: the same shell, started by the caller, has it.
	run -0 sh -c 'ls /proc/self/fd/7 >/dev/null 2>&1 && echo LEAKED || echo closed' 7</
	[[ $output == LEAKED ]]
}

@test "part-$PART: with --init, the init holds no descriptor the command could borrow" {
	((PART >= 3)) || skip "part-$PART has no --init"
	# PID 1 never execs: were its fds only close-on-exec, the command
	# could open them through /proc/1/fd (root inside may: mapped to the
	# same uid, with every capability in the namespace).  The init is
	# not dumpable either, so /proc/1/fd is closed to the command.
	run -0 isolate --init --map-uid 0 --map-gid 0 sh -c \
		'ls /proc/1/fd/7/ >/dev/null 2>&1 && echo LEAKED || echo closed' 7</
	[[ $output == closed ]]
	# Seen from the host, it holds 0, 1 and 2 only.
	isolate_in_background --init sleep 1000 7</ &
	pid=$!
	wait_until descendant "$pid" sleep >/dev/null
	init=$(pgrep -P "$pid")
	run -0 ls "/proc/$init/fd"
	kill -TERM "$pid"
	wait "$pid" || true
	[[ $(echo $output) == "0 1 2" ]]
}

@test "part-$PART: with stdin and stderr closed, isolate's setup pipe stays off them" {
	# Were the pipe on fd 0 or 2, isolate's own -v lines would go into
	# it, and the child would take them for the go-ahead, too early.
	container_path fds
	closed() { ("$@" <&- 2>&-); }
	run -0 closed env "$TEST_MARK" "$(isolate_binary)" "${ROOTFS_ARGS[@]}" -v \
		sh -c 'ls /proc/self/fd >"$1"' sh "$INSIDE_PATH"
	# ls gets its directory on the lowest free fd, 0; its stdout is 1.
	same "$(echo $(cat "$HOST_PATH"))" "0 1"
}

@test "part-$PART: with stdin and stderr closed, isolate's setup pipe stays off them while the command runs" {
	# Were its write end on 2, isolate's own messages would go into the
	# pipe.  (What isolate opens later may take a free 0 or 2: its
	# signalfd, say; the pipe, made first, must not.)
	isolate_in_background sleep 1000 <&- 2>&- &
	local pid=$!
	wait_until descendant "$pid" sleep >/dev/null
	fds=$(for fd in 0 2; do echo "$fd -> $(readlink "/proc/$pid/fd/$fd")"; done)
	kill -KILL "$pid"
	wait "$pid" || true
	echo "isolate's descriptors 0 and 2: $fds"
	[[ $fds != *pipe:* ]]
}

@test "part-$PART: isolate's own descriptors are close-on-exec, so no program it might exec inherits them" {
	# Started with no descriptor but 0, 1 and 2, isolate holds no other
	# but its own while the command runs: the setup pipe, whose both ends
	# it keeps for as long as it lives, and whatever else it opened.  The
	# command never gets them (exec_command closes them), but any other
	# program isolate came to exec would.
	{
		for fd in "/proc/$BASHPID/fd"/*; do
			fd=${fd##*/}
			((fd <= 2)) || exec {fd}>&-
		done
		isolate_in_background sleep 1000
	} &
	pid=$!
	wait_until child_running "$pid" sleep >/dev/null
	local pipes=0 leaky=0 fd target key value flags
	for fd in "/proc/$pid/fd"/*; do
		fd=${fd##*/}
		((fd > 2)) || continue
		target=$(readlink "/proc/$pid/fd/$fd")
		while read -r key value; do
			[[ $key == flags: ]] && flags=$value
		done <"/proc/$pid/fdinfo/$fd"
		# fdinfo's flags are octal: O_CLOEXEC is 02000000.
		if ((8#$flags & 8#2000000)); then
			echo "fd $fd: $target, flags $flags: close-on-exec"
		else
			echo "fd $fd: $target, flags $flags: NOT close-on-exec"
			leaky=$((leaky + 1))
		fi
		[[ $target == pipe:* ]] && pipes=$((pipes + 1))
	done
	# isolate ends with its command (137), not of a signal: no "Killed"
	# line from bash in the report of a failure.
	kill -KILL "$(child_running "$pid" sleep)"
	wait "$pid" || true
	((pipes >= 2))
	((leaky == 0))
}

@test "part-$PART: the child waits for its id maps, however slowly they are written" {
	((PART >= 2)) || skip "part-1 has no user namespace"
	# Released before its maps, the child would run unmapped (as the
	# overflow uid, nobody), and setuid(0) would fail.  faults.so makes
	# isolate take its time over them.
	faults_preload
	rootfs_args
	run --separate-stderr -0 env "$TEST_MARK" ISOLATE_FAULT=slow-id-maps \
		LD_PRELOAD="$FAULTS_PRELOAD" "$(isolate_binary)" "${ROOTFS_ARGS[@]}" id -u
	echo "stderr: $stderr"
	[[ $stderr == *"faults: isolate opens /proc/"*"/uid_map 300 ms late"* ]]
	[[ $output == 0 ]]
}

@test "part-$PART: 20000 arguments reach the command" {
	run -0 isolate sh -c 'echo $# "$1" "$20000"' sh $(seq 20000)
	[[ $output == "20000 1 20000" ]]
}

@test "part-$PART: a command that starts 100 children and waits for them ends cleanly" {
	run -0 isolate sh -c 'for i in $(seq 100); do sleep 0.01 & done; wait; echo all-done'
	[[ $output == all-done ]]
}
