#!/usr/bin/env bash
# grade.sh: `make grade PART=N LAB=DIR`.  Grades a student's lab with
# this checkout's own tests, whatever the lab's copy of them says.
#
#   tests/grade.sh [--lesson] PART LAB        (as root, as make test is)
#
# It copies this checkout (its tracked files and its rootfs) to a
# directory of its own, puts in the student's files of stage PART (the
# ones a lab hands out: part-N/isolate.c, and part-4/netlink.c for lab 4),
# builds that stage and runs its suite as a lab is graded (ISOLATE_LAB=1:
# on what the program does, not on the reference's wording), in new
# user, mount, PID, network, UTS and IPC namespaces (tests/sandbox.c).
# With --lesson (make grade ONLY=lesson), only the lesson's own suite,
# tests/part-N.bats: a quick look, in about a third of the time; without,
# the stage's whole suite, the shared suites included.
# It prints one line per test (PASS, or FAIL and why) and a score:
#   score: N/M
# Exit status: 0 every test passed, 1 some failed, 2 the lab could not be
# graded (no such stage, the student's code does not build).
set -u
cd "$(dirname "$0")/.." || exit 2

scope=()
if [[ ${1:-} == --lesson ]]; then
	scope=(--lesson)
	shift
fi
part=${1:?usage: $0 [--lesson] PART LAB}
lab=${2:?usage: $0 [--lesson] PART LAB}
[[ $EUID -eq 0 ]] || { echo "grade: run as root, as make test is" >&2; exit 2; }
[[ -f part-$part/isolate.c ]] || { echo "grade: no part-$part here" >&2; exit 2; }
[[ -f $lab/part-$part/isolate.c ]] || { echo "grade: $lab has no part-$part/isolate.c" >&2; exit 2; }
[[ -x rootfs/bin/busybox || $part -lt 3 ]] || { echo "grade: no rootfs: run make rootfs" >&2; exit 2; }

# The files a student writes: what make lab stubs (tests/mklab.sh).
student_files=("part-$part/isolate.c")
[[ $part == 4 ]] && student_files+=("part-4/netlink.c")

work=$(mktemp -d /tmp/isolate-grade.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Root inside a container is an unprivileged user on the host: it must
# be able to reach the copy's rootfs.
chmod 755 "$work"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z | xargs -0 cp --parents -P -t "$work"
else
	tar --exclude=./rootfs --exclude=./.git -cf - . | tar -xf - -C "$work"
fi
[[ -d rootfs ]] && cp -a rootfs "$work/rootfs"
# Regular files only: a symlink would have the grader read (and the
# compiler quote) whatever it points to.
for file in "${student_files[@]}"; do
	if [[ ! -f $lab/$file || -L $lab/$file ]]; then
		echo "grade: $lab/$file is not a regular file" >&2
		exit 2
	fi
	cp "$lab/$file" "$work/$file"
done

# The test tools are the grader's, built from the grader's sources: the
# ones built here, if up to date, made newer than the copied sources so
# that make takes them as they are.
if make -s -q test-tools 2>/dev/null; then
	for tool in $(make -s -p -q test-tools 2>/dev/null | sed -n 's/^TEST_TOOLS := //p'); do
		cp "$tool" "$work/$tool" && touch "$work/$tool"
	done
fi
if ! make -s -C "$work" "part-$part" test-tools >"$work/build.log" 2>&1; then
	cat "$work/build.log"
	echo "grade: part-$part of $lab does not build (above)"
	echo "score: 0/?"
	exit 2
fi

# The student's code runs as root only in tests/sandbox: root of user,
# mount, PID, network, UTS and IPC namespaces of its own, whose ids are
# host ids 100000 to 165535, which own nothing here; what it does as
# "root" stays there.
"$work/tests/sandbox" env ISOLATE_LAB=1 ISOLATE_SANDBOXED=1 "$work/tests/run" --jobs "${JOBS:-$(nproc)}" --part "$part" "${scope[@]}" -- normal \
	>"$work/run.log" 2>&1

# The score table, from the TAP that tests/run printed: for a failure,
# the first line isolate printed, or the check's own words, or the
# command that failed.
awk '
	function flush() {
		if (name == "") return
		if (state == "pass") printf "PASS  %s\n", name
		else if (state == "skip") printf "SKIP  %s\n", name
		else {
			if (why == "") why = (failed_line != "" ? failed_line : "failed")
			gsub(/\r|\^M|\\r\\n$/, "", why)	# a terminal test quotes its pty
			printf "FAIL  %s\n      %s\n", name, why
		}
		name = ""
	}
	/^ok / || /^not ok / {
		flush()
		state = /^not ok / ? "fail" : / # skip/ ? "skip" : "pass"
		if (state != "skip") total++
		if (state == "pass") passed++
		name = $0; sub(/^(not )?ok [0-9]+ /, "", name)
		why = ""; failed_line = ""
		next
	}
	state != "fail" { next }
	/^# (isolate printed|observed|expected it|expected a line)/ && why == "" { why = substr($0, 3); next }
	/^# expected: / && why ~ /^observed: / && why !~ /\n/ { why = why "\n      " substr($0, 3); next }
	/^# isolate: / && why == "" { why = substr($0, 3); next }
	/^#   `.*. failed/ && failed_line == "" { failed_line = substr($0, 5); next }
	END {
		flush()
		printf "score: %d/%d\n", passed, total
	}' "$work/run.log" >"$work/score"
cat "$work/score"
ran=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p' "$work/run.log")
[[ -n $ran ]] || { echo "grade: the suite did not finish:"; tail -n 20 "$work/run.log"; exit 2; }
[[ $ran -eq 0 ]]
