#!/usr/bin/env bats
# Escapes: root inside tries to reach the host, one attempt per test.
# Each stage stops the attempts its namespaces can stop; where a stage is
# expected to fail (part-1 has no user namespace, part-1 and part-2 no
# mount or PID namespace), the test says so and asserts the leak, so the
# suite maps each stage's real boundary.
#
# Runs once per stage: tests/part-N-escapes.bats links here.

load helpers

setup() {
	require_root "the escape attempts compare the container with the host"
	if ((PART >= 3)); then
		require_rootfs
	fi
	snapshot_host
}

# What "/" looks like to a contained command, sorted: the rootfs, from
# part-3 on; the host's / before.
expected_root() {
	if ((PART >= 3)); then
		ls "${ROOTFS:-$REPO/rootfs}" | LC_ALL=C sort
	else
		ls / | LC_ALL=C sort
	fi
}

# Whether process PID now runs the program COMM.
runs() { [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]; }

@test "part-$PART: escape through /proc/1/root" {
	run isolate sh -c 'ls /proc/1/root/ 2>&1 | LC_ALL=C sort'
	case $PART in
	1) # not contained: PID 1 is the host's init, and the command gets
		# exactly what root on the host gets
		[[ $output == "$(ls /proc/1/root/ 2>&1 | LC_ALL=C sort)" ]] ;;
	2) # the host's init is not ours to look into (but see the next tests)
		[[ $output == *"Permission denied"* ]] ;;
	*) # PID 1 is the command itself: its root is the rootfs
		[[ $output == "$(expected_root)" ]] ;;
	esac
}

@test "part-$PART: escape through .. above /" {
	run -0 isolate sh -c 'cd /../../..; ls | LC_ALL=C sort'
	# part-1 and part-2: / is the host's, so this "escape" was never needed.
	[[ $output == "$(expected_root)" ]]
}

@test "part-$PART: escape from a chroot with chdir(..) and chroot(.)" {
	[[ -x $REPO/tests/escape ]] || skip "tests/escape is not built: run make test-tools"
	container_path escape
	cp "$REPO/tests/escape" "$HOST_PATH"
	run -0 isolate sh -c 'cd "$(dirname "$1")" && "$1" | LC_ALL=C sort' sh "$INSIDE_PATH"
	# part-3 on: the walk up ends at the rootfs, the old root is detached.
	[[ $output == "$(expected_root)" ]]
	if ((PART >= 3)); then
		[[ $output != *home* && $output != *var* ]]
	fi
}

@test "part-$PART: signal a host process" {
	# A host process of uid 65534, the uid that root inside maps to.
	(exec env "$TEST_MARK" "${NOBODY[@]}" sleep 1000) &
	local host_pid=$!
	# Until setpriv has made it uid 65534 and exec'd sleep, it is root's.
	wait_until runs "$host_pid" sleep
	map=()
	((PART >= 2)) && map=(--map-uid 65534 --map-gid 65534)
	run isolate "${map[@]}" sh -c "kill -0 $host_pid 2>&1 && echo signalled"
	kill -KILL "$host_pid"
	wait "$host_pid" 2>/dev/null || true
	if ((PART <= 2)); then
		# not contained: the host's PIDs are ours (and in part-2 the
		# process is our own uid outside)
		[[ $output == signalled ]]
	else
		# that pid does not exist in the container's PID namespace
		[[ $output == *"No such process"* ]]
	fi
}

@test "part-$PART: unmount /proc to see what lies under it" {
	((PART >= 3)) || skip "part-$PART shares the host's mount namespace: this would unmount the host's /proc"
	run -0 isolate sh -c 'umount /proc && ls -A /proc | wc -l'
	# Under the container's /proc: the rootfs's own empty directory.
	[[ $output == 0 ]]
}

@test "part-$PART: write a host sysctl in /proc/sys" {
	# It writes back the current value: a failure changes nothing.
	value=$(cat /proc/sys/vm/swappiness)
	((PART == 1)) && require_host_root "part-1 shows that its root inside is the host's"
	run isolate sh -c 'echo "$1" >/proc/sys/vm/swappiness 2>&1 && echo written' sh "$value"
	if ((PART == 1)); then
		# not contained: root inside is the host's root
		[[ $output == written ]]
	else
		[[ $output == *"Permission denied"* ]]
	fi
}

@test "part-$PART: create a device node" {
	container_path null-device
	((PART == 1)) && require_host_root "part-1 shows that its root inside is the host's"
	run isolate sh -c 'mknod "$1" c 1 3 2>&1 && echo created' sh "$INSIDE_PATH"
	if ((PART == 1)); then
		# not contained: root inside has CAP_MKNOD on the host
		[[ $output == created && -c $HOST_PATH ]]
	else
		[[ $output == *"Operation not permitted"* && ! -e $HOST_PATH ]]
	fi
}
