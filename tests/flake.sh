#!/usr/bin/env bash
# flake.sh: `make flake RUNS=N`.  Is any test flaky on this code?  Each of
# N rounds runs the whole suite (both builds, as `make test` does) twice
# at once, in two copies of the checkout, while a third copy runs
# `make stress` over and over: the busy shared machine a class grades on.
# At the end it names every test that ever failed, with how often.
#
#   tests/flake.sh [RUNS]        (as root; RUNS=5 by default)
#
# The copies, their logs and everything they ran live in one temporary
# directory, removed at the end; the logs of failed tests are printed.
set -u
cd "$(dirname "$0")/.." || exit 1
runs=${1:-5}

[[ $EUID -eq 0 ]] || { echo "flake: run as root, as make test is" >&2; exit 2; }
[[ -x rootfs/bin/busybox ]] || { echo "flake: no rootfs: run make rootfs" >&2; exit 2; }

work=$(mktemp -d /tmp/isolate-flake.XXXXXX)
# Root inside a container is an unprivileged user on the host: it must be
# able to reach the copies' rootfs.
chmod 755 "$work"
stress_pid=
cleanup() {
	[[ -n $stress_pid ]] && kill -- -"$stress_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# copy NAME: the checkout's tracked files as they are now, and its rootfs.
copy() {
	mkdir "$work/$1"
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -P -t "$work/$1"
	cp -a rootfs "$work/$1/rootfs"
	make -s -C "$work/$1" all sanitized >/dev/null ||
		{ echo "flake: cannot build the copy $1" >&2; exit 1; }
	# A tool that does not build makes its tests skip, saying so.
	make -s -k -C "$work/$1" test-tools >/dev/null 2>&1 || true
}
for name in a b stress; do copy "$name"; done

# make stress, again and again, in a process group of its own.
set -m
(cd "$work/stress" && while :; do N=200 tests/stress.sh part-1 part-2 part-3 part-4 >/dev/null 2>&1; done) &
stress_pid=$!
set +m

start=$SECONDS
for ((round = 1; round <= runs; round++)); do
	suites=()
	for name in a b; do
		# As make test runs it: as many suite files at once as CPUs.
		"$work/$name/tests/run" --jobs "$(nproc)" -- normal sanitized \
			>"$work/$name.$round.log" 2>&1 &
		suites+=($!)
	done
	wait "${suites[@]}"
	for name in a b; do
		echo "round $round, copy $name: $(tail -n 1 "$work/$name.$round.log")"
	done
done

echo "flake: $runs rounds of two concurrent suites under make stress, $((SECONDS - start)) s"
failures=$(cat "$work"/[ab].*.log | grep '^not ok' | sed 's/^not ok [0-9]* //; s/ # timeout.*//' | sort | uniq -c | sort -rn)
if [[ -z $failures ]]; then
	echo "flake: no test failed"
	exit 0
fi
echo "flake: tests that failed at least once (count, name):"
echo "$failures"
echo "flake: their output:"
for log in "$work"/[ab].*.log; do
	awk '/^not ok/ { show = 1; print FILENAME ": " $0; next }
	     /^(ok|not ok) / { show = 0 }
	     show && /^#/ { print }' "$log"
done
exit 1
