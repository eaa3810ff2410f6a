#!/usr/bin/env bats
# make grade on solutions as correct as the reference but written
# otherwise (tests/reword.sh): each must get every point.  Apart from
# tests/lab.bats, so that tests/run grades them while the rest runs.

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
	run "$REPO/tests/grade.sh" "$1" "$lab"
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
