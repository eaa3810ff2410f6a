#!/usr/bin/env bats
# part-2: the user namespace.  Root inside, one unprivileged id outside,
# with and without sudo; and, as negative controls, what is still the
# host's: mounts, processes, network, IPC.

PART=2
load helpers

setup() {
	require_root "these tests compare root and rootless runs, and set SUDO_UID"
	snapshot_host
}

# Start `isolate ARGS... sleep 1000`; set $child to the host pid of the
# sleep.  Not in $(...): isolate stops its command when its parent, the
# subshell, exits.
start_sleeper() {
	isolate_in_background "$@" sleep 1000 >"$BATS_TEST_TMPDIR/sleeper.out" &
	echo $! >"$BATS_TEST_TMPDIR/isolate.pid"
	wait_until child_running $! sleep >/dev/null
	child=$(child_running "$(cat "$BATS_TEST_TMPDIR/isolate.pid")" sleep)
}

stop_sleeper() {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/isolate.pid")
	kill -TERM "$pid"
}

@test "part-2: the command runs in new user and UTS namespaces" {
	run -0 isolate readlink /proc/self/ns/user /proc/self/ns/uts
	[[ ${lines[0]} == user:\[*\] && ${lines[0]} != "$(namespace_of user)" ]]
	[[ ${lines[1]} == uts:\[*\] && ${lines[1]} != "$(namespace_of uts)" ]]
}

@test "part-2: the command is uid 0 and gid 0 inside, mapped as asked" {
	run -0 isolate --map-uid 1234 --map-gid 5678 sh -c \
		'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	[[ ${lines[0]} == 0 && ${lines[1]} == 0 ]]
	[[ $(echo ${lines[2]}) == "0 1234 1" ]]
	[[ $(echo ${lines[3]}) == "0 5678 1" ]]
}

@test "part-2: seen from the host, the command holds only the mapped uid and gid" {
	start_sleeper --map-uid 1234 --map-gid 5678
	status_lines=$(grep -E '^(Uid|Gid|Groups):' "/proc/$child/status")
	stop_sleeper
	[[ $(echo $status_lines) == "Uid: 1234 1234 1234 1234 Gid: 5678 5678 5678 5678 Groups:" ]]
}

@test "part-2: a root caller's supplementary groups do not follow the command" {
	isolate_in_background_with_groups() {
		exec env --default-signal "$TEST_MARK" setpriv --groups 0,27 \
			"$(isolate_binary)" --map-uid 1234 --map-gid 5678 sleep 1000
	}
	isolate_in_background_with_groups &
	local pid=$!
	wait_until child_running "$pid" sleep >/dev/null
	groups=$(grep '^Groups:' "/proc/$(child_running "$pid" sleep)/status")
	kill -TERM "$pid"
	wait "$pid" || true
	# Without the drop: "Groups: 0 27".
	[[ $(echo $groups) == "Groups:" ]]
}

@test "part-2: a file the command creates on the host belongs to the mapped ids" {
	dir=$(world_writable_dir)
	run -0 isolate --map-uid 1234 --map-gid 5678 sh -c \
		'echo made-inside >"$1/file"; stat -c %u:%g "$1/file"' sh "$dir"
	[[ $output == 0:0 ]]
	same "$(stat -c %u:%g "$dir/file")" 1234:5678
}

@test "part-2: the command reopens its stdout and stderr pipes by path, though they are the caller's" {
	# /dev/stdout is /proc/self/fd/1: open(2) checks the pipe's owner,
	# which isolate hands to the mapped user (root made the pipes).
	run -0 sh -c '"$@" 2>&1 | cat' sh "$(isolate_binary)" --map-uid 65534 --map-gid 65534 \
		sh -c 'echo out >/dev/stdout && echo err >/dev/stderr'
	[[ $(echo $output) == "out err" ]]
}

@test "part-2: root inside cannot read /etc/shadow" {
	run --separate-stderr -1 isolate cat /etc/shadow
	[[ -z $output ]]
	[[ $stderr == *"/etc/shadow: Permission denied" ]]
}

@test "part-2: root inside cannot write /proc/sysrq-trigger" {
	[[ -e /proc/sysrq-trigger ]] || skip "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ)"
	# 'h' only prints help to the kernel log, should isolation ever fail.
	run --separate-stderr -2 isolate sh -c 'echo h >/proc/sysrq-trigger'
	[[ $stderr == *"Permission denied"* ]]
}

@test "part-2: root inside cannot change a host sysctl" {
	# It writes back the current value: a failure here changes nothing.
	value=$(cat /proc/sys/vm/swappiness)
	run --separate-stderr -2 isolate sh -c 'echo "$1" >/proc/sys/vm/swappiness' sh "$value"
	[[ $stderr == *"Permission denied"* ]]
}

@test "part-2: under sudo, root inside is the sudo caller (SUDO_UID, SUDO_GID)" {
	SUDO_UID=1000 SUDO_GID=1001 run -0 isolate cat /proc/self/uid_map /proc/self/gid_map
	[[ $(echo ${lines[0]}) == "0 1000 1" ]]
	[[ $(echo ${lines[1]}) == "0 1001 1" ]]
}

@test "part-2: plain root maps to nobody (65534), never to host root" {
	run -0 env -u SUDO_UID -u SUDO_GID "$(isolate_binary)" cat /proc/self/uid_map /proc/self/gid_map
	[[ $(echo ${lines[0]}) == "0 65534 1" ]]
	[[ $(echo ${lines[1]}) == "0 65534 1" ]]
	SUDO_UID=0 SUDO_GID=0 run -0 isolate cat /proc/self/uid_map
	[[ $(echo ${lines[0]}) == "0 65534 1" ]]
}

@test "part-2: --map-uid and --map-gid win over SUDO_UID" {
	SUDO_UID=1000 SUDO_GID=1000 run -0 isolate --map-uid 42 --map-gid 43 \
		cat /proc/self/uid_map /proc/self/gid_map
	[[ $(echo ${lines[0]}) == "0 42 1" ]]
	[[ $(echo ${lines[1]}) == "0 43 1" ]]
}

@test "part-2: as root, setgroups stays allowed in the namespace" {
	run -0 isolate cat /proc/self/setgroups
	[[ $output == allow ]]
}

# A range of ids (--map-count): a whole system's users inside.  The
# ids are ones make grade's sandbox has too (it maps 0 to 65535).
@test "part-2: with --map-count, a file chowned to 1000:1001 inside belongs to the range's ids outside (31000:41001)" {
	dir=$(world_writable_dir)
	run -0 isolate --map-uid 30000 --map-gid 40000 --map-count 2000 sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map
		touch "$1/file" && chown 1000:1001 "$1/file" && stat -c %u:%g "$1/file"' sh "$dir"
	[[ $(echo ${lines[0]}) == "0 30000 2000" ]]
	[[ $(echo ${lines[1]}) == "0 40000 2000" ]]
	same "${lines[2]}" 1000:1001
	same "$(stat -c %u:%g "$dir/file")" 31000:41001
}

@test "part-2: with --map-count, a process switched to uid 1000 inside cannot write root's files" {
	dir=$(world_writable_dir)
	# setpriv(1) sets the real, effective and saved ids, as su does.
	run -0 isolate --map-uid 30000 --map-gid 30000 --map-count 2000 sh -c \
		'echo root >"$1/roots" && chmod 644 "$1/roots"
		setpriv --reuid 1000 --regid 1000 --clear-groups sh -c "id -u; echo user >>\"\$1/roots\"" sh "$1"
		echo "user wrote: $?"; cat "$1/roots"' sh "$dir"
	[[ ${lines[0]} == 1000 ]]
	[[ $output == *"Permission denied"* && ${lines[-2]} != "user wrote: 0" && ${lines[-1]} == root ]]
	# Negative control: with root alone mapped, there is no uid 1000 to
	# switch to (setresuid(2): EINVAL).
	run ! isolate --map-uid 30000 --map-gid 30000 setpriv --reuid 1000 --regid 1000 --clear-groups true
	[[ $output == *"Invalid argument"* ]]
}

@test "part-2: --map-count needs --map-uid and --map-gid, a count, and a range that ends at an id (125)" {
	run --separate-stderr -125 isolate --map-count 2000 true
	error_is "isolate: --map-count 2000 needs --map-uid and --map-gid, the first host ids of the range" \
		--map-count --map-uid --map-gid
	run --separate-stderr -125 isolate --map-uid 30000 --map-count 2000 true
	error_is "isolate: --map-count 2000 needs --map-uid and --map-gid, the first host ids of the range" \
		--map-count --map-gid
	run --separate-stderr -125 isolate --map-uid 30000 --map-gid 30000 --map-count 0 true
	error_is "isolate: --map-count: 0 is out of range (1 to 4294967295)" --map-count 0
	run --separate-stderr -125 isolate --map-uid 30000 --map-gid 30000 --map-count many true
	error_is "isolate: --map-count: 'many' is not a number" --map-count many
	run --separate-stderr -125 isolate --map-uid 4294967000 --map-gid 30000 --map-count 65536 true
	error_is "isolate: --map-count 65536: the range from uid 4294967000, gid 30000 passes 4294967294, the last id" \
		--map-count 65536 4294967000 4294967294
}

@test "part-2: bad --map-uid and --map-gid values are refused (125)" {
	run --separate-stderr -125 isolate --map-uid abc true
	error_is "isolate: --map-uid: 'abc' is not a user or group id" --map-uid abc
	run --separate-stderr -125 isolate --map-gid -1 true
	error_is "isolate: --map-gid: '-1' is not a user or group id" --map-gid -1
	run --separate-stderr -125 isolate --map-uid 4294967295 true
	error_is "isolate: --map-uid: 4294967295 is out of range (0 to 4294967294)" --map-uid 4294967295
	run --separate-stderr -125 isolate --map-uid 99999999999999999999 true
	error_matches '^isolate: --map-uid: [0-9]+ is out of range \(0 to 4294967294\)$' --map-uid
	run --separate-stderr -125 isolate --map-gid "" true
	error_is "isolate: --map-gid: '' is not a user or group id" --map-gid
}

@test "part-2: rootless, an unprivileged user is root inside, with its host name" {
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	run -0 as_nobody "$bin" --hostname rootless sh -c \
		'id -u; cat /proc/sys/kernel/hostname /proc/self/uid_map /proc/self/setgroups'
	[[ ${lines[0]} == 0 ]]
	[[ ${lines[1]} == rootless ]]
	[[ $(echo ${lines[2]}) == "0 65534 1" ]]
	[[ ${lines[3]} == deny ]]
}

@test "part-2: rootless, mapping someone else's id fails with the file named and a hint" {
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	run --separate-stderr -125 as_nobody "$bin" --map-uid 0 true
	error_matches '^isolate: write /proc/[0-9]+/uid_map "0 0 1": Operation not permitted$' \
		uid_map "Operation not permitted"
	hint_is "isolate: hint: without root, you can map only your own id (uid 65534, gid 65534)"
	run --separate-stderr -125 as_nobody "$bin" --map-gid 0 true
	error_matches '^isolate: write /proc/[0-9]+/gid_map "0 0 1": Operation not permitted$' \
		gid_map "Operation not permitted"
}

@test "part-2: rootless, a range of ids is refused with the file named and a hint" {
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	run --separate-stderr -125 as_nobody "$bin" --map-uid 65534 --map-gid 65534 --map-count 2 true
	error_matches '^isolate: write /proc/[0-9]+/uid_map "0 65534 2": Operation not permitted$' \
		uid_map "Operation not permitted"
	hint_is "isolate: hint: without root, the kernel maps one id, your own: a range needs root (newuidmap(1) and /etc/subuid do it for users; isolate uses the kernel alone)"
}

@test "part-2: where user namespaces are turned off, the error names the setting" {
	# user.max_user_namespaces is per user namespace: set to 0 inside a
	# container, it forbids new ones there and leaves the host alone.
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	run --separate-stderr -125 isolate sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$1" true' sh "$bin"
	error_is "isolate: clone with CLONE_NEWUTS | CLONE_NEWUSER: No space left on device" \
		"No space left on device"
	hint_is "isolate: hint: new user namespaces are turned off here: user.max_user_namespaces = 0"
}

# Negative controls: part-2 still shares these with the host.

@test "part-2: not isolated: the mount namespace is the host's, and host files are visible" {
	run -0 isolate sh -c 'readlink /proc/self/ns/mnt; cat /etc/os-release | head -n 1'
	[[ ${lines[0]} == "$(namespace_of mnt)" ]]
	[[ ${lines[1]} == "$(head -n 1 /etc/os-release)" ]]
}

@test "part-2: not isolated: the PID namespace is the host's, and host processes are visible" {
	assert_host_pid_namespace
}

@test "part-2: not isolated: the network namespace is the host's, with the host's links" {
	assert_host_network_namespace
}

@test "part-2: not isolated: the IPC and cgroup namespaces are the host's" {
	assert_host_ipc_and_cgroup_namespaces
}

@test "part-2: not isolated: a background process outlives the command" {
	assert_background_outlives_command
}

@test "part-2: nested, isolate maps only ids its own namespace has, and says so" {
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	# Inside, only 0 is mapped: the default 65534 cannot be.
	run --separate-stderr -125 isolate sh -c 'exec "$1" true' sh "$bin"
	error_matches '^isolate: write /proc/[0-9]+/uid_map "0 65534 1": Operation not permitted$' \
		uid_map "Operation not permitted"
	hint_is "isolate: hint: 65534 must be mapped in isolate's own user namespace too (/proc/self/uid_map)"
	# Root inside the inner one is root of the outer one: host uid 65534.
	run --separate-stderr -0 isolate sh -c \
		'exec "$1" --map-uid 0 --map-gid 0 sh -c "id -u; cat /proc/self/uid_map"' sh "$bin"
	[[ ${lines[0]} == 0 ]]
	[[ $(echo ${lines[1]}) == "0 0 1" ]]
}
