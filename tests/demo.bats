#!/usr/bin/env bats
# `make demo` measures what each stage isolates; this checks that its
# table says what the stage suites prove.

load helpers

setup() {
	require_root "the demo runs every stage, and part-1 needs root"
}
teardown() { :; }

# The demo's verdict for namespace NS in the column of STAGE.
verdict() {
	awk -v ns="$1" -v stage="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == ns { print $(col[stage]); exit }' <<<"$output"
}

@test "demo: part-1's column shows the UTS namespace new and every other the host's" {
	run -0 env -u SUDO_UID -u SUDO_GID "$REPO/tests/demo.sh" part-1
	[[ $(verdict uts part-1) == NEW ]]
	for ns in user mnt pid net ipc cgroup time; do
		[[ $(verdict "$ns" part-1) == host ]]
	done
	[[ $output == *"part-1   hostname=part-1-demo uid=0 host-uid=0 "* ]]
}

@test "demo: part-2's column adds the user namespace, and the command is root inside" {
	run -0 env -u SUDO_UID -u SUDO_GID "$REPO/tests/demo.sh" part-1 part-2
	[[ $(verdict uts part-2) == NEW && $(verdict user part-2) == NEW ]]
	for ns in mnt pid net ipc cgroup time; do
		[[ $(verdict "$ns" part-2) == host ]]
	done
	[[ $(verdict user part-1) == host ]]
	[[ $output == *"part-2   hostname=part-2-demo uid=0 host-uid=65534 "* ]]
}

@test "demo: part-3's column adds the mount and PID namespaces, and the command is PID 1" {
	require_rootfs
	run -0 env -u SUDO_UID -u SUDO_GID "$REPO/tests/demo.sh" part-1 part-2 part-3
	for ns in uts user mnt pid; do
		[[ $(verdict "$ns" part-3) == NEW ]]
	done
	for ns in net ipc cgroup time; do
		[[ $(verdict "$ns" part-3) == host ]]
	done
	[[ $(verdict mnt part-2) == host && $(verdict pid part-2) == host ]]
	[[ $output == *"part-3   hostname=part-3-demo uid=0 host-uid=65534 pid=1"* ]]
}

@test "demo: part-4's column has every namespace new but time" {
	require_rootfs
	run -0 env -u SUDO_UID -u SUDO_GID "$REPO/tests/demo.sh" part-1 part-2 part-3 part-4
	for ns in uts user mnt pid net ipc cgroup; do
		[[ $(verdict "$ns" part-4) == NEW ]]
	done
	[[ $(verdict time part-4) == host ]]
	[[ $(verdict net part-3) == host && $(verdict ipc part-3) == host ]]
	[[ $output == *"part-4   hostname=part-4-demo uid=0 host-uid=65534 pid=1"* ]]
}

@test "demo: colour on a terminal, plain when piped" {
	run -0 "$REPO/tests/demo.sh" part-1
	[[ $output != *$'\033['* ]]
	# script(1) gives the demo a terminal.
	run -0 script -qec "$REPO/tests/demo.sh part-1" /dev/null
	[[ $output == *$'\033[1;32mNEW'* ]]
}
