#!/usr/bin/env bats
# A root of its own, from part-3 on: the /dev real programs expect, an
# environment of its own, the rootfs found wherever isolate runs, and an
# --init the command cannot look into.
#
# Runs for parts 3 and 4: tests/part-N-rootfs.bats links here.

load helpers

setup() {
	require_root "the tests compare the container with the host"
	require_rootfs
	snapshot_host
}

@test "part-$PART: /dev/stdout and /dev/stderr reach isolate's, 1 MB too, and leave no file in /dev" {
	# Through pipes, as a caller's pipeline gives them.
	run -0 sh -c '"$@" | wc -c' sh "$(isolate_binary)" "${ROOTFS_ARGS[@]}" \
		sh -c 'echo out >/dev/stdout && head -c 1048576 /dev/zero >/dev/stdout'
	[[ $output == 1048580 ]]
	rootfs_args
	run -0 sh -c '"$@" 2>&1 >/dev/null | cat' sh "$(isolate_binary)" "${ROOTFS_ARGS[@]}" \
		sh -c 'echo err >/dev/stderr; find /dev -type f'
	[[ $output == err ]]
}

@test "part-$PART: a pty opens inside, and /dev/pts holds only the container's own" {
	build_probe
	run -0 isolate "$PROBE" openpty
	# The first pty of a devpts of its own, and its ptmx: nothing of
	# the host's /dev/pts (where this test's own terminal may be).
	[[ $(echo $output) == "/dev/pts/0 0 ptmx" ]]
}

@test "part-$PART: /dev/shm is the container's own: not the host's, not another container's" {
	container_path ready
	isolate_in_background --init sh -c \
		'echo x >/dev/shm/isolate-shm-test && : >/tmp/ready && exec sleep 1000' &
	local pid=$!
	wait_until ready "$HOST_PATH" "$pid"
	run -0 isolate sh -c 'ls -A /dev/shm; touch /dev/shm/second && echo writable'
	host=$(ls -A /dev/shm 2>/dev/null | grep -c isolate-shm-test || true)
	kill -TERM "$pid"
	wait "$pid" || true
	[[ $output == writable ]]
	[[ $host == 0 ]]
}

@test "part-$PART: the environment is PATH, HOME, HOSTNAME and TERM, and the --env values" {
	rootfs_args
	run -0 env -i TERM=xterm-test SECRET=caller-only PASSED=from-caller \
		"$(isolate_binary)" --rootfs "${ROOTFS:-$REPO/rootfs}" --hostname box \
		-e A=1 --env B=x=y -e PASSED -e UNSET_HERE env
	[[ $(sort <<<"$output" | paste -sd ' ') == "A=1 B=x=y HOME=/root HOSTNAME=box PASSED=from-caller PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm-test" ]] ||
		{ echo "$output"; false; }
	# Without TERM, none; and --env overrides a default.
	run -0 env -i "$(isolate_binary)" --rootfs "${ROOTFS:-$REPO/rootfs}" -e PATH=/bin env
	[[ $(sort <<<"$output" | paste -sd ' ') == "HOME=/root HOSTNAME=$(hostname) PATH=/bin" ]]
}

@test "part-$PART: a bad --env is refused (125)" {
	run --separate-stderr -125 isolate --env =x true
	error_is "isolate: --env: '=x' has no variable name" --env =x
}

# Inside, with --init: what the command can learn of PID 1, and whether
# the caller's secret is anywhere to be read ([i]: grep must not find
# its own command line).
init_probe='for f in environ maps mem; do cat /proc/1/$f >/dev/null 2>&1 && echo "read $f"; done
readlink /proc/1/exe >/dev/null 2>&1 && echo "read exe"
"$1" ptrace 1
cat /proc/1/comm; tr "\0" " " </proc/1/cmdline | tr -s " "; echo
grep -l "[i]solate-secret-value" /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null; true'

@test "part-$PART: with --init, PID 1 is out of the command's reach, as root and rootless" {
	build_probe
	expected="refused: Operation not permitted isolate-init isolate-init"
	# As root, with root inside mapped to host root (the most it can be).
	run -0 env SECRET=isolate-secret-value "$(isolate_binary)" --rootfs "$ROOTFS" \
		--env "$TEST_MARK" --init --map-uid 0 --map-gid 0 sh -c "$init_probe" sh "$PROBE"
	[[ $(echo $output) == "$expected" ]] || { echo "as root: $output"; false; }
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	net=()
	((PART >= 4)) && net=(--net none)	# a veth needs root
	run -0 as_nobody env SECRET=isolate-secret-value "$bin" --rootfs "$ROOTFS" \
		--env "$TEST_MARK" "${net[@]}" --init sh -c "$init_probe" sh "$PROBE"
	[[ $(echo $output) == "$expected" ]] || { echo "rootless: $output"; false; }
}

@test "part-$PART: with --init, the command cannot look at PID 1 before it is hidden, however slow the init" {
	command -v strace >/dev/null || skip "needs strace, to slow the init down"
	build_probe
	# Delay each process's second prctl(2) by a second: in the init,
	# PR_SET_DUMPABLE in hide_init().  The probe makes no prctl call; it
	# must still find PID 1 hidden, as it waits for the init.
	# (LeakSanitizer cannot run under ptrace: no leak check here.)
	ASAN_OPTIONS=exitcode=86:detect_leaks=0 run -0 strace -f -qq -o /dev/null -e trace=prctl \
		-e inject=prctl:delay_enter=1000000:when=2 \
		"$(isolate_binary)" "${ROOTFS_ARGS[@]}" --init "$PROBE" read /proc/1/cmdline
	[[ $(echo $output) == isolate-init ]] || { echo "PID 1 was: $output"; false; }
}

# A distribution's files belong to many users (root, _apt, nobody...):
# shifted to a range of host ids, and that range mapped (--map-count),
# they are each user's inside (make rootfs-debian builds such a rootfs).
@test "part-$PART: a rootfs owned by a range of ids, mapped with --map-count, is root's inside; su to a user of the range cannot write root's files" {
	local dir
	world_writable_dir dir
	# A copy of its own: copy_rootfs's copies share their symlinks.
	cp -a "$REPO/rootfs" "$dir/rootfs"
	echo 'user:x:1000:1000::/tmp:/bin/sh' >>"$dir/rootfs/etc/passwd"
	echo 'user:x:1000:' >>"$dir/rootfs/etc/group"
	chown -hR 30000:30000 "$dir/rootfs"
	ROOTFS=$dir/rootfs
	run -0 isolate --map-uid 30000 --map-gid 30000 --map-count 2000 sh -c \
		'stat -c %u:%g / /root; touch /root/made && echo root wrote
		su user -c "id -u; touch /root/by-user"; echo "user wrote: $?"
		su user -c "touch /tmp/by-user"'
	[[ $(echo ${lines[@]:0:4}) == "0:0 0:0 root wrote 1000" ]]
	[[ $output == *"/root/by-user: Permission denied"* && ${lines[-1]} == "user wrote: 1" ]]
	same "$(stat -c %u:%g "$dir/rootfs/root/made" "$dir/rootfs/tmp/by-user" | tr '\n' ' ')" "30000:30000 31000:31000 "
	# Negative control: root alone mapped (to nobody, as plain root is),
	# root inside owns nothing of it: / is the overflow id's.
	run ! env -u SUDO_UID -u SUDO_GID "$(isolate_binary)" "${ROOTFS_ARGS[@]}" sh -c 'stat -c %u /root; touch /root/x'
	[[ ${lines[0]} == 65534 && $output == *"/root/x: Permission denied"* ]]
}

@test "part-$PART: with a range mapped, dpkg installs a local package whose files keep their user; without, they lose it" {
	command -v dpkg-deb >/dev/null || skip "no dpkg-deb here to build the package"
	local dir
	world_writable_dir dir
	# A package of one file of uid 1000's, as Debian's packages hold
	# files of their own users (the owners are kept in the .deb).
	mkdir -p "$dir/pkg/DEBIAN" "$dir/pkg/srv/hello"
	printf '%s\n' 'Package: hello-isolate' 'Version: 1.0' 'Architecture: all' \
		'Maintainer: isolate <isolate@example.invalid>' 'Description: a file of a user of its own' \
		>"$dir/pkg/DEBIAN/control"
	echo hello >"$dir/pkg/srv/hello/greeting"
	chown -R 1000:1000 "$dir/pkg/srv"
	dpkg-deb --build "$dir/pkg" "$dir/hello.deb" >/dev/null
	cp -a "$REPO/rootfs" "$dir/rootfs"
	mkdir -p "$dir/rootfs/var/lib/dpkg/info"
	: >"$dir/rootfs/var/lib/dpkg/status"
	cp "$dir/hello.deb" "$dir/rootfs/tmp/"
	chown -hR 30000:30000 "$dir/rootfs"
	ROOTFS=$dir/rootfs
	# busybox's dpkg, the same steps as Debian's: unpack, chown, record.
	run -0 isolate --map-uid 30000 --map-gid 30000 --map-count 2000 sh -c \
		'dpkg -i /tmp/hello.deb >/dev/null && stat -c %u:%g /srv/hello/greeting && dpkg -l hello-isolate | tail -n 1'
	[[ ${lines[0]} == 1000:1000 && ${lines[1]} == "ii  hello-isolate  1.0"* ]]
	same "$(stat -c %u:%g "$dir/rootfs/srv/hello/greeting")" 31000:31000
	# Negative control: root alone mapped, there is no uid 1000 to give
	# the file to (busybox's dpkg goes on; Debian's stops there).
	rm -r "$dir/rootfs/srv"
	run -0 isolate --map-uid 30000 --map-gid 30000 sh -c \
		'dpkg -i /tmp/hello.deb >/dev/null; stat -c %u:%g /srv/hello/greeting'
	same "${lines[-1]}" 0:0
}

@test "part-$PART: /dev, /dev/pts, /dev/shm and /proc are nosuid and noexec: a program written to /dev cannot run" {
	run -0 isolate sh -c '
		printf "#!/bin/sh\necho RAN\n" >/dev/program && chmod 755 /dev/program
		/dev/program 2>/dev/null || echo "refused $?"
		for m in /dev /dev/pts /dev/shm /proc; do
			awk -v m="$m" "\$5 == m { print m, \$6 }" /proc/self/mountinfo
		done'
	echo "saw: $output"
	[[ ${lines[0]} == "refused 126" ]]
	for m in /dev /dev/pts /dev/shm /proc; do
		[[ $output == *"$m "*nosuid* && $output == *"$m "*noexec* ]] ||
			{ echo "$m is not nosuid and noexec"; false; }
	done
}

@test "part-$PART: with a shared / (in a throwaway mount namespace), a mount the host makes under the rootfs never reaches the container" {
	# systemd makes / shared.  Were the container's mounts not private,
	# the host's new mounts under the rootfs would appear inside.  The
	# rootfs is made a mount of its own first: a slave of it would not
	# be changed by making only / private.
	container_path go
	mkdir "$ROOTFS/tmp/from-host"
	run -0 env "$TEST_MARK" unshare -m --propagation unchanged sh -c '
		rootfs=$1; shift
		mount --make-rshared / || exit 90
		mount --bind "$rootfs" "$rootfs" && mount --make-shared "$rootfs" || exit 91
		"$@" sh -c "
			: >/tmp/ready
			n=0; while [ ! -e /tmp/go ] && [ \$((n += 1)) -lt 1000 ]; do sleep 0.01; done
			grep -c host-made /proc/self/mountinfo; ls /tmp/from-host" &
		# (Until isolate has ended: then it never will be ready.)
		n=0; while [ ! -e "$rootfs/tmp/ready" ]; do
			kill -0 $! 2>/dev/null && [ $((n += 1)) -lt 1000 ] || exit 93
			sleep 0.01
		done
		mount -t tmpfs host-made "$rootfs/tmp/from-host" || exit 92
		: >"$rootfs/tmp/from-host/host-file"
		: >"$rootfs/tmp/go"
		wait $!' sh "$ROOTFS" "$(isolate_binary)" "${ROOTFS_ARGS[@]}"
	echo "inside, the count of host-made mounts and what /tmp/from-host holds: $output"
	[[ $(echo $output) == 0 ]]
}

@test "part-$PART: a proc swapped for a symlink after the rootfs check is refused (125), nothing mounted through it" {
	# runc's CVE-2021-30465: a path that is checked, then swapped for a
	# symlink before the mount, mounts wherever the symlink points.
	# faults.so makes the swap happen at that very moment.
	faults_preload
	container_path ready
	target=$(world_writable_dir)
	run --separate-stderr -125 env "$TEST_MARK" \
		ISOLATE_FAULT="proc-becomes-symlink:$target" LD_PRELOAD="$FAULTS_PRELOAD" \
		"$(isolate_binary)" "${ROOTFS_ARGS[@]}" --map-uid 0 --map-gid 0 echo the command ran
	echo "stdout: $output"
	echo "stderr: $stderr"
	[[ $stderr == *"faults: proc is now a symlink to $target"* ]]
	[[ -z $output ]]
	# One isolate line, naming what it refused to mount on.
	[[ $(grep -c '^isolate: ' <<<"$stderr") -eq 1 && $stderr == *"isolate: "*proc* ]]
	[[ -z $(ls -A "$target") ]]
}
