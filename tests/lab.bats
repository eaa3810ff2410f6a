#!/usr/bin/env bats
# make lab: a fresh lab fails its stage's suite; with the solution (this
# repository's own part-N) put back, the same suite passes.  The suite
# here is the stage's own lesson tests (tests/part-N.bats, in the lab's
# copy); the shared suites already run on the solution as part-N.

load helpers

setup() {
	require_root "the lab runs the part-1 suite, which needs root"
	snapshot_host
}

@test "lab: a fresh part-1 lab fails its stage's suite, and the solution passes it" {
	lab=$BATS_TEST_TMPDIR/lab
	run -0 make -s -C "$REPO" lab PART=1 DEST="$lab"
	grep -q 'TODO(lab): write prepare_uts()' "$lab/part-1/isolate.c"
	# The stub builds warning-free, and the stage's own suite catches it.
	run -0 make -s -C "$lab" part-1 tests/leftovers tests/launch
	run -1 env ISOLATE_VARIANT=normal bats "$lab/tests/part-1.bats"
	grep -q '^not ok .* --hostname sets the host name inside' <<<"$output"
	cp "$REPO/part-1/isolate.c" "$lab/part-1/isolate.c"
	run -0 make -s -C "$lab" part-1
	run -0 env ISOLATE_VARIANT=normal bats "$lab/tests/part-1.bats"
}
