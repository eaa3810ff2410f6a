#!/usr/bin/env bats
# The suite's own checks: each test's teardown must catch what the test's
# runs leave behind (a process, a host end, a mount, a change to the
# rootfs), and only that: what the rest of the machine does meanwhile
# must not fail it.  Each check runs the real teardown (tests/helpers.bash)
# in a throwaway mount and network namespace, so nothing here touches
# the host's own.

load helpers

setup() {
	require_root "the checks make mounts and links in namespaces of their own"
}
teardown() { :; }

# as_a_test SCRIPT: run SCRIPT in a fresh bash that has loaded
# helpers.bash as a part-3 test does, with its own test directory, in new
# mount and network namespaces (/sys remounted: /sys/class/net shows the
# new one's links).  SCRIPT starts the way a test does, with setup.
as_a_test() {
	local dir
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/test.XXXXXX")
	run unshare -m -n --propagation private bash -c '
		mount -t sysfs sysfs /sys || exit 90
		bats_require_minimum_version() { :; }
		skip() { echo "skip: $*"; exit 91; }
		BATS_TEST_DIRNAME=$1 BATS_TEST_TMPDIR=$2 BATS_FILE_TMPDIR=$2 PART=3 TEARDOWN_WAIT=1
		source "$1/helpers.bash"
		REPO=${FAKE_REPO:-$REPO}
		setup
		eval "$3"' bash "$REPO/tests" "$dir" "$1"
}

@test "harness: a test that leaves nothing passes its teardown" {
	as_a_test 'teardown'
	[[ $status -eq 0 ]] || { echo "$output"; false; }
}

@test "harness: a process the test started, still running, fails the teardown and is killed" {
	as_a_test '(exec env "$TEST_MARK" sleep 1000 >/dev/null 2>&1 &)
		wait_until test -n "$(marked_pids)"
		pid=$(marked_pids)
		teardown && exit 1
		WAIT_SECONDS=5 wait_until process_gone "$pid" || exit 2'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
	[[ $output == *"+process: "*sleep*"the test left the above behind"* ]]
}

@test "harness: a host end left by an isolate the test started fails the teardown" {
	# A pid that is no longer isolate's: one of a process that has ended.
	as_a_test 'pid=$(sh -c "echo \$\$")
		echo "$pid" >>"$BATS_TEST_TMPDIR/isolate.pids"
		ip link add "iso$pid" type veth peer name "peer$pid" || exit 90
		teardown && exit 1
		exit 0'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
	[[ $output == *"+host end: iso"*"the test left the above behind"* ]]
}

@test "harness: a host end of someone else's isolate does not fail the teardown" {
	as_a_test 'ip link add iso1 type veth peer name peer1 || exit 90
		teardown'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
}

@test "harness: a mount left under the test's copy of the rootfs fails the teardown" {
	as_a_test 'container_path marker
		mount -t tmpfs leaked "$ROOTFS/tmp" || exit 90
		teardown && exit 1
		umount "$ROOTFS/tmp"
		rm -rf "${ROOTFS%/rootfs}"'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
	[[ $output == *"+mount: /tmp/isolate-test."*"/rootfs/tmp tmpfs leaked"*"the test left the above behind"* ]]
}

@test "harness: a mount left under the shared rootfs fails the teardown" {
	require_rootfs
	as_a_test 'mount -t tmpfs leaked "$REPO/rootfs/tmp" || exit 90
		teardown && exit 1
		exit 0'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
	[[ $output == *"+mount: $REPO/rootfs/tmp tmpfs leaked"*"the test left the above behind"* ]]
}

@test "harness: a mount someone else makes elsewhere does not fail the teardown" {
	as_a_test 'dir=$(mktemp -d /tmp/elsewhere.XXXXXX)
		mount -t tmpfs elsewhere "$dir" || exit 90
		teardown; status=$?
		umount "$dir"; rmdir "$dir"
		exit $status'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
}

@test "harness: a file written to the shared rootfs fails the teardown" {
	# A copy stands in for the checkout, so the real rootfs stays as is.
	FAKE_REPO=$BATS_TEST_TMPDIR/repo
	mkdir -p "$FAKE_REPO/rootfs/etc"
	export FAKE_REPO
	as_a_test 'sleep 0.01; echo leaked >"$REPO/rootfs/etc/leaked"
		teardown && exit 1
		exit 0'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
	[[ $output == *"+rootfs changed: etc"* ]]
}

@test "harness: after a teardown that failed, the next test starts from a fresh snapshot" {
	require_rootfs
	# Three tests of one file: a clean one (its teardown's snapshot is the
	# next one's start), one that leaves a mount, and one that must not
	# fail for it.
	as_a_test 'teardown || exit 1
		BATS_TEST_TMPDIR=$(mktemp -d "$BATS_FILE_TMPDIR/next.XXXXXX"); setup
		mount -t tmpfs leaked "$REPO/rootfs/tmp" || exit 90
		teardown && exit 2
		BATS_TEST_TMPDIR=$(mktemp -d "$BATS_FILE_TMPDIR/next.XXXXXX"); setup
		teardown || exit 3
		umount "$REPO/rootfs/tmp"'
	[[ $status -eq 0 ]] || { echo "exit $status: $output"; false; }
}

@test "harness: a test that hangs stops its file's run, is named, and leaves no process" {
	# tests/run in a checkout of its own, whose only suite hangs in its
	# second test.
	local repo=$BATS_TEST_TMPDIR/repo
	mkdir -p "$repo/tests" "$repo/part-1"
	cp "$REPO/tests/run" "$repo/tests/"
	printf '%s\n' '@test "first" { true; }' \
		'@test "second" { env "$1" sleep 1000; }' >"$repo/tests/part-1.bats"
	sed -i "s|\"\$1\"|$TEST_MARK|" "$repo/tests/part-1.bats"
	# 15 s: time for bats to start and pass the first test, under load too
	# (2 s was not, under make flake; the time is a wait, not CPU).
	run -1 env ISOLATE_SUITE_TIMEOUT=15 "$repo/tests/run" --part 1 -- normal
	[[ $output == *"ok 1 first"*"part-1 (normal) stopped after 15 s: the test after the last one above hung"* ]]
	[[ ${lines[-1]} == "1 passed, 1 failed, 0 skipped" ]]
	WAIT_SECONDS=15 wait_until no_marked_processes
}

@test "harness: graded as a lab, an error must still be one isolate: line naming its object" {
	ISOLATE_LAB=1
	stderr_lines=("isolate: CHDIR /r: Permission denied")
	run -0 error_is "isolate: chdir /r: Permission denied" /r "Permission denied"
	stderr_lines=("isolate: CHDIR FAILED: Permission denied")
	run -1 error_is "isolate: chdir /r: Permission denied" /r "Permission denied"
	stderr_lines=("chdir /r: Permission denied")
	run -1 error_is "isolate: chdir /r: Permission denied" /r
	stderr_lines=("isolate: chdir /r: Permission denied" "and a second line")
	run -1 error_is "isolate: chdir /r: Permission denied" /r
	# The reference is held to its exact words.
	ISOLATE_LAB=
	stderr_lines=("isolate: CHDIR /r: Permission denied")
	run -1 error_is "isolate: chdir /r: Permission denied" /r
}
