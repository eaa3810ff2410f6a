#!/usr/bin/env bash
# valgrind.sh: `make valgrind`.  Run each stage under memcheck through
# its main paths (success, exit status, exec failure, usage error, and
# --init where the stage has it) and fail on any error or leak.
#
#   tests/valgrind.sh part-1 [part-2 ...]
#
# memcheck follows isolate's own process only: the child is isolate's
# code too until it execs, and it runs under memcheck with its parent.
set -u
cd "$(dirname "$0")/.." || exit 1
command -v valgrind >/dev/null || { echo "valgrind: apt-get install valgrind" >&2; exit 1; }

failed=0
check() { # EXPECTED-STATUS STAGE ARGS...
	local expected=$1 stage=$2 status
	shift 2
	valgrind -q --suppressions=tests/valgrind.supp --leak-check=full \
		--show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 "$stage/isolate" "$@" >/dev/null 2>"$log"
	status=$?
	if [[ $status -ne $expected ]]; then
		echo "FAIL $stage $*: status $status, expected $expected"
		cat "$log"
		failed=$((failed + 1))
	else
		echo "ok   $stage $*"
	fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for stage in "$@"; do
	check 0 "$stage" --hostname vg true
	check 42 "$stage" sh -c 'exit 42'
	check 127 "$stage" no-such-command
	check 125 "$stage" --no-such-option
	check 0 "$stage" --help
	if "$stage/isolate" --help | grep -q -- --init; then
		check 3 "$stage" --init sh -c 'exit 3'
	fi
done
echo "valgrind: $failed failed"
[[ $failed -eq 0 ]]
