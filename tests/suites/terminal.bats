#!/usr/bin/env bats
# The terminal, under a real one: tests/ptyrun.c plays the terminal
# emulator, types, watches the screen, and reports what the caller's
# shell would find once isolate has exited: the exit status, bytes pushed
# into its input (TIOCSTI), and whether its modes were left changed.
#
# From part-2 on, the command is less privileged than its caller and runs
# in a session of its own, with a terminal of its own in a terminal
# (common/console.c).  part-1's command is the caller's own root, sharing
# its terminal: where that shows, the test says so and asserts it.
#
# Runs once per stage: tests/part-N-terminal.bats links here.

load helpers

setup() {
	require_root "the tests compare what the command can do with the caller's terminal"
	if ((PART >= 3)); then
		require_rootfs
	fi
	build_ptyrun
	set_isolate
	snapshot_host
}

# $ISOLATE: the stage under test, with its rootfs (again after a test
# made a private copy of it).
set_isolate() {
	rootfs_args
	ISOLATE=("$(isolate_binary)" "${ROOTFS_ARGS[@]}")
}

# on_terminal STEPS COMMAND...: run COMMAND on a new terminal, typing and
# watching as STEPS (one per line) say; $output is ptyrun's report, and
# $BATS_TEST_TMPDIR/screen what the terminal showed.  $ISOLATE is the
# stage under test, for COMMAND.
on_terminal() {
	local steps=$1
	shift
	printf '%s\n' "$steps" >"$BATS_TEST_TMPDIR/steps"
	run env "$TEST_MARK" "$PTYRUN" -o "$BATS_TEST_TMPDIR/screen" \
		"$BATS_TEST_TMPDIR/steps" -- "$@"
	((status == 0)) || { show_terminal; return 1; }
}

show_terminal() {
	echo "--- ptyrun's report (exit $status):"
	echo "$output"
	echo "--- the screen:"
	cat -v "$BATS_TEST_TMPDIR/screen"
}

# check KEY VALUE: the report says KEY: VALUE; if not, show all we saw.
check() {
	local seen
	seen=$(sed -n "s/^$1: //p" <<<"$output")
	[[ $seen == "$2" ]] && return 0
	echo "expected $1: $2, saw: $seen"
	show_terminal
	return 1
}

# A shell's prompt, whichever shell: dash's "# ", busybox's "/ # ".
prompt='# '
# A job that says when it runs: the terminal echoes what we type, so the
# word it prints (ready-2) must not be in the line typed.
job="sh -c 'echo ready-\$((1 + 1)); exec sleep 1000'"

@test "part-$PART: TIOCSTI on fds 0-2 pushes nothing into the caller's terminal, with or without a pty" {
	# Needs dev.tty.legacy_tiocsti = 1 (Linux before 6.2 has no such
	# setting, and allows it): where it is 0, only CAP_SYS_ADMIN may
	# push bytes, and from part-2 on there would be nothing to prove.
	if ((PART >= 2)) && [[ $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1) == 0 ]]; then
		skip "TIOCSTI is refused to everyone here (dev.tty.legacy_tiocsti = 0)"
	fi
	build_probe
	set_isolate
	# With a pty: fds 0-2 are the command's own terminal.
	on_terminal wait "${ISOLATE[@]}" "$PROBE" tiocsti
	check status 0
	if ((PART == 1)); then
		# not contained: the command shares its caller's session
		check injected 42
	else
		check injected 0
	fi
	# Without (stdout is a pipe): fds 0 and 2 are the caller's terminal,
	# but not the command's controlling terminal.
	on_terminal wait sh -c '"$@" | cat' sh "${ISOLATE[@]}" "$PROBE" tiocsti
	if ((PART == 1)); then
		check injected 28	# fds 0 and 2
	else
		check injected 0
		grep -q 'fd 0: refused: Operation not permitted' "$BATS_TEST_TMPDIR/screen"
	fi
}

@test "part-$PART: in a terminal, Ctrl-C ends the shell's foreground job, not the shell, and exit 7 gives 7" {
	# (A shell abandons the rest of a line whose job Ctrl-C killed: the
	# status is asked for on a line of its own.)
	on_terminal "expect $prompt
send $job\\n
expect ready-2
send \\x03
expect $prompt
send echo \"after \$?\"\\n
expect after 130
send exit 7\\n
wait" "${ISOLATE[@]}" sh -i
	check status 7
	check modes same
}

@test "part-$PART: in a terminal, Ctrl-C ends a command with no handler for it, PID 1 too (after the stop timeout)" {
	# cat has no handler for SIGINT; once it has copied a line back (the
	# terminal echoes it first), it runs, and a shell no longer does.
	on_terminal "send ready\\n
expect ready\\r\\nready
send \\x03
wait" "${ISOLATE[@]}" --stop-timeout 1 cat
	if ((PART >= 3)); then
		# PID 1 drops the SIGINT; isolate kills it when the time is up.
		check status 137
		grep -q 'isolate: stop the command: still running 1 s after SIGINT; sent SIGKILL' \
			"$BATS_TEST_TMPDIR/screen"
	else
		check status 130
	fi
}

# A command that counts the SIGINTs it gets, says when it is ready, and
# on SIGUSR1 says how many it got, and exits.  (Its sleep, in the
# background of a shell without job control, ignores SIGINT.)
counter='n=0
trap "n=\$((n + 1)); echo got INT \$n" INT
trap "kill \$sleeper; echo counted \$n; exit 0" USR1
sleep 1000 &
sleeper=$!
echo ready
while :; do wait; done'

# count_ctrl_c ISOLATE_ARGS...: run the counter under isolate on a
# terminal and type Ctrl-C once: it must count one SIGINT, with its stdin
# on the terminal and with its stdin elsewhere (no pty of its own).
count_ctrl_c() {
	faults_preload
	# isolate, or its init, got the terminal's SIGINT before the command
	# said "got INT 1", and takes signals one at a time: a SIGINT it
	# passed on reaches the command before the SIGUSR1 sent to isolate
	# then, so "counted" is the final count.  faults.so holds each signal
	# they pass on until the command has taken the previous one: else a
	# SIGINT passed on at once could merge with the terminal's, still
	# pending or not yet trapped (standard signals do not queue), and a
	# duplicate would go unseen now and then.
	local steps='expect ready
send \x03
expect got INT 1
signal USR1
expect counted
wait'
	local faulty=(env ISOLATE_FAULT=forward-one-at-a-time LD_PRELOAD="$FAULTS_PRELOAD")
	on_terminal "$steps" "${faulty[@]}" "${ISOLATE[@]}" "$@" sh -c "$counter"
	check status 0
	check_one_sigint "stdin on the terminal"
	on_terminal "$steps" sh -c 'exec "$@" </dev/null' sh \
		"${faulty[@]}" "${ISOLATE[@]}" "$@" sh -c "$counter"
	check status 0
	check_one_sigint "stdin not a terminal"
}

check_one_sigint() {
	local seen
	seen=$(grep -c 'got INT' "$BATS_TEST_TMPDIR/screen")
	if [[ $seen -ne 1 ]] || ! grep -q 'counted 1' "$BATS_TEST_TMPDIR/screen"; then
		echo "$1: one Ctrl-C, and the command got $seen SIGINTs"
		show_terminal
		return 1
	fi
}

@test "part-$PART: in a terminal, one Ctrl-C reaches the command once" {
	# part-1's command is in the terminal's foreground process group with
	# isolate: both get the SIGINT, which isolate must not pass on again.
	# From part-2 on the command is in a session of its own: it gets the
	# SIGINT from its own terminal, or, with no terminal of its own, from
	# isolate, which got the caller's terminal's and passes it on once.
	# (From part-3 on it is PID 1, which gets it because it traps it.)
	count_ctrl_c
}

@test "part-$PART: with --init, one Ctrl-C in a terminal reaches the command once" {
	((PART >= 3)) || skip "part-$PART has no --init"
	# The init and the command share the container's terminal's
	# foreground process group: both get the SIGINT, which the init must
	# not pass on again.
	count_ctrl_c --init
}

@test "part-$PART: in a terminal, Ctrl-Z stops the foreground job and the shell's job control takes over" {
	on_terminal "expect $prompt
send $job\\n
expect ready-2
send \\x1a
expect Stopped
send bg\\n
send kill %1; wait %1; echo \"killed \$?\"\\n
expect killed 143
send exit 0\\n
wait" "${ISOLATE[@]}" sh -i
	check status 0
}

@test "part-$PART: a window size change reaches the command" {
	on_terminal "expect size 24 80
resize 40 100
send \\n
expect size 40 100
wait" "${ISOLATE[@]}" sh -c 'echo "size $(stty size)"; read line; echo "size $(stty size)"'
	check status 0
}

@test "part-$PART: the caller's terminal modes are restored after the command exits, is killed, or cannot start" {
	local init=()
	# From part-3 on the command is PID 1, which SIGKILL from inside
	# cannot kill: --init makes it PID 2.
	((PART >= 3)) && init=(--init)
	on_terminal wait "${ISOLATE[@]}" sh -c 'stty raw -echo; exit 3'
	check status 3
	if ((PART == 1)); then
		# not contained: part-1's command changes the caller's own terminal
		check modes changed
	else
		check modes same
	fi
	on_terminal wait "${ISOLATE[@]}" "${init[@]}" sh -c 'stty raw -echo; kill -KILL $$'
	check status 137
	((PART == 1)) || check modes same
	on_terminal wait "${ISOLATE[@]}" no-such-command
	check status 127
	check modes same
}

# The command's status after a hang-up: from part-3 on it is PID 1, which
# ignores SIGHUP, and is killed at the end of the stop timeout.
hung_up_status() {
	if ((PART >= 3)); then
		check status 137
	else
		check status 129
	fi
}

@test "part-$PART: a hang-up of the terminal ends the command, and nothing is left" {
	on_terminal "expect started
hangup" "${ISOLATE[@]}" --stop-timeout 1 sh -c 'echo started; exec sleep 1000'
	hung_up_status
	wait_until no_marked_processes
}

@test "part-$PART: a hang-up of the terminal ends a command that has no pty, and nothing is left" {
	# stdin is not the terminal: no pty, so no end of input to notice;
	# the kernel's SIGHUP to isolate, the session leader, is the news.
	on_terminal "expect started
hangup" sh -c 'exec "$@" </dev/null' sh "${ISOLATE[@]}" --stop-timeout 1 \
		sh -c 'echo started; exec sleep 1000'
	hung_up_status
	wait_until no_marked_processes
}

@test "part-$PART: in a terminal, redirected output keeps its exact bytes, and piped input too" {
	container_path bytes
	set_isolate
	on_terminal wait sh -c 'printf "a\nb\r\n" | "$@" cat >"$0"' "$HOST_PATH" \
		"${ISOLATE[@]}"
	check status 0
	same "$(od -An -c "$HOST_PATH" | tr -s ' ')" " a \n b \r \n"
}

@test "part-$PART: in a terminal, tty names the command's own terminal" {
	on_terminal wait "${ISOLATE[@]}" tty
	check status 0
	name=$(tr -d '\r' <"$BATS_TEST_TMPDIR/screen")
	if ((PART >= 3)); then
		# the first pty of the container's own devpts
		[[ $name == /dev/pts/0 ]]
	else
		[[ $name =~ ^/dev/pts/[0-9]+$ ]]
	fi
}
