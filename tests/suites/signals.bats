#!/usr/bin/env bats
# How a command ends, in every stage: the signals isolate passes on, the
# exit status 128+N, the stop timeout and a second signal, and what a
# dying parent or a SIGKILLed isolate leaves (nothing).
#
# This file runs once per stage: tests/part-N-signals.bats is a symlink
# to it, and the stage under test comes from that name.

load helpers

setup() {
	require_root "part-$PART's signal tests run as root"
	snapshot_host
}

@test "part-$PART: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 reach the command" {
	# One isolate per signal, all at once; each command traps all six,
	# says it is ready, and says which one came.  (wait returns as soon as
	# a trapped signal comes, and the trap runs: sh(1), "wait".  The sleep
	# it leaves behind, from part-1 on the host, ends within a second.)
	local signal pid
	local -A pids=()
	for signal in INT TERM HUP QUIT USR1 USR2; do
		container_path "ready.$signal"
		isolate_in_background sh -c '
			for s in INT TERM HUP QUIT USR1 USR2; do
				trap "echo got $s; exit 100" "$s"
			done
			: >"$1"
			while :; do sleep 1 & wait; done' sh "$INSIDE_PATH" \
			>"$BATS_TEST_TMPDIR/out.$signal" &
		pids[$signal]=$!
	done
	for signal in "${!pids[@]}"; do
		container_path "ready.$signal"
		wait_until ready "$HOST_PATH" "${pids[$signal]}"
		kill -s "$signal" "${pids[$signal]}"
	done
	for signal in "${!pids[@]}"; do
		pid=${pids[$signal]}
		# Bounded: if the signal is lost, fail instead of hanging.
		wait_until process_gone "$pid" || kill -KILL "$pid"
		wait_status "$pid"
		echo "SIG$signal: exit $status, the command said: $(cat "$BATS_TEST_TMPDIR/out.$signal")"
		# 100 is the command's trap; isolate dying itself would be 128+N.
		[[ $status -eq 100 ]]
		[[ $(cat "$BATS_TEST_TMPDIR/out.$signal") == "got $signal" ]]
	done
}

@test "part-$PART: a signal the caller ignores stays ignored: under nohup, the parent's death is no stop request" {
	# nohup(1) sets SIGHUP to ignored; isolate's parent-death signal is
	# SIGHUP.  Had isolate taken it for a stop request anyway, the SIGTERM
	# after it would be a second one, and SIGKILL the command at once.
	container_path ready
	ready=$HOST_PATH inside_ready=$INSIDE_PATH
	container_path got-term
	env --default-signal --ignore-signal=HUP "$TEST_MARK" sh -c \
		'"$@" 2>"$0.stderr" & echo $! >"$0"; wait' "$BATS_TEST_TMPDIR/isolate.pid" \
		"$(isolate_binary)" "${ROOTFS_ARGS[@]}" --stop-timeout 1000 sh -c '
			trap "echo got TERM >\"\$1\"; exit 100" TERM; : >"$2"
			while :; do sleep 1 & wait; done' sh "$INSIDE_PATH" "$inside_ready" &
	local parent=$!
	wait_until ready "$ready" "$parent" || { cat "$BATS_TEST_TMPDIR/isolate.pid.stderr"; false; }
	pid=$(cat "$BATS_TEST_TMPDIR/isolate.pid")
	kill -KILL "$parent"
	wait "$parent" || true
	kill -TERM "$pid"
	wait_until process_gone "$pid"
	echo "isolate's stderr:"
	cat "$BATS_TEST_TMPDIR/isolate.pid.stderr"
	same "$(cat "$HOST_PATH" 2>/dev/null)" "got TERM"
}

@test "part-$PART: the command starts with the caller's signal mask, not isolate's" {
	without=$(grep '^SigBlk' /proc/self/status)
	run -0 isolate grep '^SigBlk' /proc/self/status
	[[ $output == "$without" ]]
}

@test "part-$PART: a caller that ignores SIGCHLD still gets the exit status" {
	# With SIGCHLD ignored the kernel would reap the child unseen; isolate
	# resets it.  timeout turns a hang into a failure.
	rootfs_args
	run -7 timeout -s KILL 20 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' \
		env "$TEST_MARK" "$(isolate_binary)" "${ROOTFS_ARGS[@]}" sh -c 'exit 7'
}

@test "part-$PART: the command dies when isolate is killed with SIGKILL" {
	isolate_in_background sleep 1000 &
	local isolate_pid=$!
	wait_until child_running "$isolate_pid" sleep >/dev/null
	child=$(child_running "$isolate_pid" sleep)
	[[ -d /proc/$child ]]
	kill -KILL "$isolate_pid"
	# PR_SET_PDEATHSIG kills it; whoever inherits it reaps it.
	wait_until process_gone "$child"
}

@test "part-$PART: a parent that dies right after releasing the child never lets the command run" {
	# The child arms PR_SET_PDEATHSIG last thing before exec.  Had isolate
	# died between releasing it and that moment, the signal would never
	# come, and the command would run on with no one to stop it: so the
	# child then looks whether the setup pipe still has a writer.  The
	# window is microseconds wide; faults.so holds it open: isolate dies
	# as soon as it has released the child, which arms only after that.
	faults_preload
	rootfs_args
	run --separate-stderr -137 env "$TEST_MARK" ISOLATE_FAULT=parent-dies-after-release \
		LD_PRELOAD="$FAULTS_PRELOAD" "$(isolate_binary)" "${ROOTFS_ARGS[@]}" \
		sh -c 'echo the command ran'
	echo "stdout: $output"
	echo "stderr: $stderr"
	# The moment came (run returns once the child and the command, had it
	# run, closed their stdout)...
	[[ $stderr == *"its child arms PR_SET_PDEATHSIG only now"* ]]
	# ...and the command never ran; nothing is left.
	[[ -z $output ]]
	wait_until no_marked_processes
}

@test "part-$PART: a bad --stop-timeout is refused (125)" {
	run --separate-stderr -125 isolate --stop-timeout soon true
	error_is "isolate: --stop-timeout: 'soon' is not a number of seconds" --stop-timeout soon
	run --separate-stderr -125 isolate --stop-timeout 86401 true
	error_is "isolate: --stop-timeout: 86401 is out of range (0 to 86400)" --stop-timeout 86401
}

# Start `isolate ARGS...` in the background, its stderr in
# $BATS_TEST_TMPDIR/stderr$STDERR_SUFFIX, and wait until the command in
# it runs sleep: sets $pid to isolate's.
start_stoppable() {
	isolate_in_background "$@" 2>"$BATS_TEST_TMPDIR/stderr${STDERR_SUFFIX:-}" &
	pid=$!
	wait_until descendant "$pid" sleep >/dev/null ||
		{ cat "$BATS_TEST_TMPDIR/stderr${STDERR_SUFFIX:-}"; return 1; }
}

@test "part-$PART: a command that ignores SIGTERM gets SIGKILL after --stop-timeout: 137, and one line" {
	start_stoppable --stop-timeout 1 sh -c 'trap "" TERM; exec sleep 1000'
	kill -TERM "$pid"
	wait_status "$pid"
	[[ $status -eq 137 ]]
	mapfile -t stderr_lines <"$BATS_TEST_TMPDIR/stderr"
	[[ ${stderr_lines[0]} == "isolate: stop the command: still running 1 s after SIGTERM; sent SIGKILL" ]] ||
		{ cat "$BATS_TEST_TMPDIR/stderr"; false; }
	if ((PART >= 3)); then
		# The command is PID 1: the hint names --init.
		[[ ${stderr_lines[1]} == "isolate: hint: as PID 1, a program ignores the signals it has no handler for: try --init" ]]
	else
		[[ ${#stderr_lines[@]} -eq 1 ]]
	fi
}

either_gone() {
	process_gone "$1" || process_gone "$2"
}

@test "part-$PART: a second SIGTERM or SIGINT kills the command at once" {
	local second
	local -A pids=()
	for second in TERM INT; do
		STDERR_SUFFIX=.$second start_stoppable --stop-timeout 1000 \
			sh -c 'trap "" TERM INT; exec sleep 1000'
		pids[$second]=$pid
		kill -TERM "$pid"
	done
	# The stop timeouts run: both commands are still there a second later.
	if WAIT_SECONDS=1 wait_until either_gone "${pids[@]}" 2>/dev/null; then
		echo "a command ended on the first SIGTERM"
		false
	fi
	for second in TERM INT; do
		kill -s "$second" "${pids[$second]}"
	done
	for second in TERM INT; do
		wait_until process_gone "${pids[$second]}"
		wait_status "${pids[$second]}"
		echo "a second SIG$second: exit $status, stderr: $(cat "$BATS_TEST_TMPDIR/stderr.$second")"
		[[ $status -eq 137 ]]
		grep -qx "isolate: stop the command: a second SIG$second; sent SIGKILL" \
			"$BATS_TEST_TMPDIR/stderr.$second"
	done
}

@test "part-$PART: when isolate's parent dies, the command is stopped and nothing is left" {
	# sh starts isolate, then is killed: isolate gets SIGHUP (its
	# PR_SET_PDEATHSIG), passes it on, and SIGKILLs after the timeout.
	rootfs_args
	env "$TEST_MARK" sh -c '"$@" & echo $! >"$0"; wait' "$BATS_TEST_TMPDIR/isolate.pid" \
		"$(isolate_binary)" "${ROOTFS_ARGS[@]}" --stop-timeout 1 sleep 1000 &
	local parent=$!
	wait_until test -s "$BATS_TEST_TMPDIR/isolate.pid"
	pid=$(cat "$BATS_TEST_TMPDIR/isolate.pid")
	wait_until descendant "$pid" sleep >/dev/null
	kill -KILL "$parent"
	wait "$parent" || true
	wait_until process_gone "$pid"
	wait_until no_marked_processes
}

@test "part-$PART: a command killed by each common signal gives 128+N" {
	local init=() sig
	local -A pids=()
	# From part-3 on the command is PID 1, which ignores signals it has
	# no handler for: --init makes it PID 2.
	((PART >= 3)) && init=(--init)
	ulimit -c 0	# no core files from the signals that dump one
	# One isolate per signal, all at once.  Each command says it is ready
	# just before it becomes sleep: one look for the sleep then finds it
	# (polling for it from the start would scan /proc dozens of times).
	for sig in HUP INT QUIT ILL ABRT FPE SEGV PIPE ALRM TERM USR1 USR2; do
		container_path "ready.$sig"
		isolate_in_background "${init[@]}" sh -c ': >"$1"; exec sleep 1000' sh "$INSIDE_PATH" &
		pids[$sig]=$!
	done
	for sig in "${!pids[@]}"; do
		container_path "ready.$sig"
		wait_until ready "$HOST_PATH" "${pids[$sig]}"
		wait_until descendant "${pids[$sig]}" sleep >/dev/null
		kill -s "$sig" "$(descendant "${pids[$sig]}" sleep)"
	done
	for sig in "${!pids[@]}"; do
		wait_status "${pids[$sig]}"
		echo "SIG$sig gave $status"
		[[ $status -eq $((128 + $(kill -l "$sig"))) ]]
	done
}

@test "part-$PART: isolate killed with SIGKILL at random moments, 50 times, leaves nothing behind" {
	normal_build_only "a sanitizer cannot report from a process killed with SIGKILL"
	# From the first microseconds of setup to a running command: every
	# run must leave no process, mount or link (teardown checks too).
	for i in $(seq 50); do
		isolate_in_background sleep 1000 >/dev/null 2>&1 &
		pid=$!
		pause "0.0$((RANDOM % 40))"
		kill -KILL "$pid"
		wait "$pid" || true
	done
	wait_until no_marked_processes
	WAIT_SECONDS=30 wait_until no_orphan_host_ends
}
