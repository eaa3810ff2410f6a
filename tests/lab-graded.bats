#!/usr/bin/env bats
# make grade, stage by stage: a fresh lab fails, each failure naming
# the function not written; a solution as correct as the reference but
# written otherwise (tests/reword.sh) gets every point.  Apart from
# tests/lab.bats (which grades a fresh part-1 lab), so that tests/run
# grades one stage per run (-f part-N) while the rest runs.
#
# What it costs: a whole grading runs a stage's suite again; eight of
# them more than doubled make test's time, and eight by the lessons'
# suites were still two fifths of it.  So make test grades the newest
# stage's lab written otherwise only (tests/run: -f part-4.written),
# by its lesson's suite (make grade ONLY=lesson: tests/part-N.bats; a
# fresh lab is graded by tests/lab.bats, part-1's), and make test-labs
# (ISOLATE_GRADE_WHOLE=1) every stage's both ways, by the whole suite,
# the shared suites too: run it after changing the tests.  One test at a time in
# each grading: the other runs keep the CPUs busy, and on the 2-CPU
# reference machine two at a time cost three quarters more CPU.

load helpers


setup() {
	require_root "grading runs a stage's suite, which needs root"
	require_rootfs
	snapshot_host
}

# A solution as correct as the reference, written otherwise: every
# message reworded, no comment, other line breaks, the /dev nodes in
# another order (tests/reword.sh).  It must get every point.
grade_reworded() {
	local lab=$BATS_TEST_TMPDIR/lab-$1
	make -s -C "$REPO" lab PART="$1" DEST="$lab" >/dev/null
	cp "$REPO/part-$1/isolate.c" "$lab/part-$1/"
	[[ $1 == 4 ]] && cp "$REPO/part-4/netlink.c" "$lab/part-4/"
	"$REPO/tests/reword.sh" "$lab"/part-"$1"/*.c
	run -1 cmp -s "$REPO/part-$1/isolate.c" "$lab/part-$1/isolate.c"
	JOBS=1 run "$REPO/tests/grade.sh" "${GRADE_SCOPE[@]}" "$1" "$lab"
	echo "$output"
	[[ $status -eq 0 && ${lines[-1]} =~ ^score:\ ([0-9]+)/([0-9]+)$ ]]
	[[ ${BASH_REMATCH[1]} -eq ${BASH_REMATCH[2]} ]]
}

@test "lab: graded, part-1 written otherwise than the reference gets every point" {
	grade_reworded 1
}

@test "lab: graded, part-2 written otherwise than the reference gets every point" {
	grade_reworded 2
}

@test "lab: graded, part-3 written otherwise than the reference gets every point" {
	grade_reworded 3
}

@test "lab: graded, part-4 written otherwise than the reference gets every point" {
	grade_reworded 4
}

# A fresh lab of stage N fails grading, and (nearly) every failure says
# which function is not written yet: the first stub the stage reaches.
# (A few tests fail on what follows from it: a process that never
# started.)  Every failure has a line of why.
grade_fresh() {
	local lab=$BATS_TEST_TMPDIR/lab-$1 failed named
	make -s -C "$REPO" lab PART="$1" DEST="$lab" >/dev/null
	JOBS=1 run -1 "$REPO/tests/grade.sh" "${GRADE_SCOPE[@]}" "$1" "$lab"
	failed=$(grep -c '^FAIL  ' <<<"$output")
	named=$(grep -A1 '^FAIL  ' <<<"$output" | grep -c 'isolate: lab: [a-z_]*() is not written yet')
	echo "$failed failed, $named of them naming the function not written"
	((failed > 0 && named * 10 >= failed * 9))
	[[ $(grep -A1 '^FAIL  ' <<<"$output" | grep -c '^      .') -eq $failed ]]
}

@test "lab: graded, a fresh part-2 lab fails, each failure naming the function not written" {
	grade_fresh 2
}

@test "lab: graded, a fresh part-3 lab fails, each failure naming the function not written" {
	grade_fresh 3
}

@test "lab: graded, a fresh part-4 lab fails, each failure naming the function not written" {
	grade_fresh 4
}
