#!/usr/bin/env bash
# stress.sh: `make stress`.  What the default suite does 50 times, done
# 1000 times: isolate killed with SIGKILL at a random moment, from the
# first microseconds of its setup to a running command; then 200 part-4
# containers at once.  Afterwards nothing may be left: no process, no
# mount, no host end.
#
#   tests/stress.sh part-1 [part-2 ...]     (as root; N=1000 by default)
set -u
cd "$(dirname "$0")/.." || exit 1
n=${N:-1000}
failed=0

# Every isolate this script starts carries this mark in its environment,
# and its pid is noted: what it left is told apart from what other runs
# on the machine (another suite, another checkout) are doing.
mark=ISOLATE_STRESS_MARK=$$
started=()

marked_processes() {
	grep -lzxF "$mark" /proc/[0-9]*/environ 2>/dev/null
}

# Host ends (iso<pid>) of the isolates started here, whose isolate is gone.
orphan_host_ends() {
	local pid comm
	for pid in "${started[@]}"; do
		[[ -e /sys/class/net/iso$pid ]] || continue
		comm=$(cat "/proc/$pid/comm" 2>/dev/null)
		[[ $comm == isolate* ]] || echo "iso$pid"
	done
}

leftovers() {
	local waited=0
	# Processes and host ends go asynchronously: give them 30 s.
	while ((waited < 300)); do
		if [[ -z $(marked_processes) && -z $(orphan_host_ends) ]]; then
			return 1
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	marked_processes
	orphan_host_ends
	return 0
}

# Mounts under the checkout (its rootfs), or on the host's own /proc,
# /dev, /sys: where a leaking isolate would leave one.
watched_mounts() {
	awk -v repo="$PWD/" '
		index($5 "/", repo) == 1 || $5 ~ "^/(proc|dev|sys)(/|$)" { print $5, $9 }' \
		/proc/self/mountinfo | sort
}
mounts_before=$(watched_mounts)
for stage in "$@"; do
	start=$SECONDS
	# From part-3 on the command's environment is its own: pass the mark.
	inside=()
	[[ ${stage#part-} -ge 3 ]] && inside=(--env "$mark")
	for ((i = 0; i < n; i++)); do
		env --default-signal "$mark" "$stage/isolate" "${inside[@]}" sleep 1000 >/dev/null 2>&1 &
		pid=$!
		started+=("$pid")
		sleep "0.0$((RANDOM % 40))"
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
	done
	if leftovers; then
		echo "FAIL $stage: left behind after $n kills (above)"
		failed=$((failed + 1))
	else
		echo "ok   $stage: $n random SIGKILLs, nothing left ($((SECONDS - start)) s)"
	fi
done

if [[ " $* " == *" part-4 "* ]]; then
	dir=$(mktemp -d)
	# Stopped midway (make flake ends its stress loop with SIGTERM; a
	# Ctrl-C), leave no directory behind: bash runs the EXIT trap on exit.
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 143' TERM HUP
	trap 'exit 130' INT
	pids=()
	for ((i = 0; i < 200; i++)); do
		env "$mark" part-4/isolate --env "$mark" sh -c 'ping -c 1 -W 10 $(ip route | awk "/^default/ {print \$3}") >/dev/null &&
			ip -o -4 addr show dev eth0 | awk "{print \$4}"' >"$dir/$i" 2>&1 &
		pids+=($!)
		started+=($!)
	done
	bad=0
	for pid in "${pids[@]}"; do wait "$pid" || bad=$((bad + 1)); done
	distinct=$(cat "$dir"/* | grep -c '/30$' | tr -d ' ')
	unique=$(cat "$dir"/* | sort -u | grep -c '/30$' | tr -d ' ')
	rm -rf "$dir"
	if [[ $bad -ne 0 || $distinct -ne 200 || $unique -ne 200 ]] || leftovers; then
		echo "FAIL part-4: 200 at once: $bad failed, $unique distinct addresses of $distinct"
		failed=$((failed + 1))
	else
		echo "ok   part-4: 200 containers at once, 200 distinct addresses, nothing left"
	fi
fi

if [[ $(watched_mounts) != "$mounts_before" ]]; then
	echo "FAIL: the host's mount table changed"
	failed=$((failed + 1))
fi
echo "stress: $failed failed"
[[ $failed -eq 0 ]]
