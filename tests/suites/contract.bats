#!/usr/bin/env bats
# The command-line contract every stage keeps: usage, exit codes, argument
# pass-through, signals, file descriptors, and dying with isolate.
#
# This file runs once per stage: tests/part-N-contract.bats is a symlink
# to it, and the stage under test comes from that name.

PART=${BATS_TEST_FILENAME##*/part-}
PART=${PART%-contract.bats}
load helpers

# part-1 needs root for its UTS namespace; later stages may run rootless.
setup() {
	require_root "part-$PART's contract tests run as root"
	host_snapshot >"$BATS_TEST_TMPDIR/host.before"
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
	[[ ${stderr_lines[0]} == "isolate: no command given" ]]
	[[ ${stderr_lines[1]} == "Try 'isolate --help' for more information." ]]
}

@test "part-$PART: an unknown option is named, exit 125" {
	run --separate-stderr -125 isolate --no-such-option true
	[[ ${stderr_lines[0]} == "isolate: unknown option --no-such-option" ]]
	run --separate-stderr -125 isolate -x true
	[[ ${stderr_lines[0]} == "isolate: unknown option -x" ]]
}

@test "part-$PART: an option missing its value is named, exit 125" {
	run --separate-stderr -125 isolate --hostname
	[[ ${stderr_lines[0]} == "isolate: option --hostname needs a value" ]]
}

@test "part-$PART: options stop at the command, which gets its own" {
	run --separate-stderr -0 isolate sh -c 'echo "$@"' sh -v --hostname x
	[[ $output == "-v --hostname x" ]]
}

@test "part-$PART: -- ends the options: '-- --help' runs a command named --help (127)" {
	run --separate-stderr -127 isolate -- --help
	[[ -z $output ]]
	[[ $stderr == "isolate: exec --help: command not found" ]]
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
	run -137 isolate sh -c 'kill -KILL $$'
	run -143 isolate sh -c 'kill -TERM $$'
	run -138 isolate sh -c 'kill -USR1 $$'
}

@test "part-$PART: a missing command gives 127 and one line" {
	run --separate-stderr -127 isolate no-such-command-here
	[[ $stderr == "isolate: exec no-such-command-here: command not found" ]]
	run --separate-stderr -127 isolate ""
	[[ $stderr == "isolate: exec : command not found" ]]
	run --separate-stderr -127 isolate /no/such/path
	[[ $stderr == "isolate: exec /no/such/path: No such file or directory" ]]
}

# The files these tests hand to the command live in a directory that any
# user can reach: from part-2 on, root inside is an unprivileged user.

@test "part-$PART: a command that cannot be executed gives 126 and one line" {
	dir=$(world_writable_dir)
	run --separate-stderr -126 isolate "$dir"
	[[ $stderr == "isolate: exec $dir: Permission denied" ]]
	printf 'echo hi\n' >"$dir/not-executable"
	chmod 644 "$dir/not-executable"
	run --separate-stderr -126 isolate "$dir/not-executable"
	[[ $stderr == "isolate: exec $dir/not-executable: Permission denied" ]]
}

@test "part-$PART: a script whose interpreter is missing gives 127 and a hint" {
	dir=$(world_writable_dir)
	printf '#!/no/such/interpreter\n' >"$dir/script"
	chmod 755 "$dir/script"
	run --separate-stderr -127 isolate "$dir/script"
	[[ ${stderr_lines[0]} == "isolate: exec $dir/script: No such file or directory" ]]
	[[ ${stderr_lines[1]} == "isolate: hint: $dir/script exists: the interpreter on its #! line does not" ]]
}

@test "part-$PART: a command missing from a \$PATH with an unreadable directory still gives 127" {
	dir=$(world_writable_dir)
	mkdir -m 700 "$dir/private"
	PATH="$dir/private:$PATH" run --separate-stderr -127 isolate no-such-command-here
	[[ $stderr == "isolate: exec no-such-command-here: command not found" ]]
}

@test "part-$PART: stdin, stdout and stderr are the command's" {
	run --separate-stderr -0 isolate sh -c 'cat; echo to-stderr >&2' <<<"from stdin"
	[[ $output == "from stdin" ]]
	[[ $stderr == to-stderr ]]
	run --separate-stderr -0 isolate cat </dev/null
	[[ -z $output ]]
}

# Start the command in the background, wait until it has set its traps,
# send SIGNAL to isolate and return isolate's exit status.
signal_isolate() {
	local signal=$1 ready="$SIGNAL_DIR/ready.$1"
	isolate_in_background sh -c '
		for s in INT TERM HUP QUIT USR1 USR2; do
			trap "echo got $s; exit 100" "$s"
		done
		: >"$1"
		while :; do sleep 0.05; done' sh "$ready" \
		>"$BATS_TEST_TMPDIR/out.$signal" &
	local pid=$!
	wait_until test -e "$ready"
	kill -s "$signal" "$pid"
	wait "$pid"
}

@test "part-$PART: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 reach the command" {
	SIGNAL_DIR=$(world_writable_dir)
	for signal in INT TERM HUP QUIT USR1 USR2; do
		# 100 is the command's trap; isolate dying itself would be 128+N.
		run -100 signal_isolate "$signal"
		[[ $(cat "$BATS_TEST_TMPDIR/out.$signal") == "got $signal" ]]
	done
}

@test "part-$PART: isolate's own file descriptors do not reach the command" {
	# The same listing with and without isolate: it adds nothing.
	local list='ls /proc/$$/fd | sort -n | tr "\n" " "'
	without=$(sh -c "$list")
	run --separate-stderr -0 isolate sh -c "$list"
	[[ $output == "$without" ]]
	[[ $output == "0 1 2 "* ]]
}

@test "part-$PART: the command dies when isolate is killed with SIGKILL" {
	isolate_in_background sleep 1000 &
	local isolate_pid=$!
	wait_until child_running "$isolate_pid" sleep >/dev/null
	child=$(child_running "$isolate_pid" sleep)
	[[ -d /proc/$child ]]
	kill -KILL "$isolate_pid"
	# PR_SET_PDEATHSIG kills it; whoever inherits it reaps it.
	wait_until test ! -e "/proc/$child"
}
