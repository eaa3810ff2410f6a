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

leftovers() {
	local waited=0
	# Processes and host ends go asynchronously: give them 30 s.
	while ((waited < 300)); do
		if [[ -z $(pgrep -f "part-[0-9]/isolate") ]] &&
			[[ -z $(ip -o link show | grep -oE 'iso[0-9]+@') ]]; then
			return 1
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	pgrep -fa "part-[0-9]/isolate"
	ip -o link show | grep -oE 'iso[0-9]+@'
	return 0
}

mounts_before=$(awk '{print $5}' /proc/self/mountinfo | sort)
for stage in "$@"; do
	start=$SECONDS
	for ((i = 0; i < n; i++)); do
		env --default-signal "$stage/isolate" sleep 1000 >/dev/null 2>&1 &
		pid=$!
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
	pids=()
	for ((i = 0; i < 200; i++)); do
		part-4/isolate sh -c 'ping -c 1 -W 10 $(ip route | awk "/^default/ {print \$3}") >/dev/null &&
			ip -o -4 addr show dev eth0 | awk "{print \$4}"' >"$dir/$i" 2>&1 &
		pids+=($!)
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

if [[ $(awk '{print $5}' /proc/self/mountinfo | sort) != "$mounts_before" ]]; then
	echo "FAIL: the host's mount table changed"
	failed=$((failed + 1))
fi
echo "stress: $failed failed"
[[ $failed -eq 0 ]]
