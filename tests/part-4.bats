#!/usr/bin/env bats
# part-4: the network namespace, with a veth pair made over rtnetlink,
# and the IPC and cgroup namespaces.  Traffic in these tests goes only
# between a container and its own host end, or, for outbound.sh, to an
# "internet" of the test's own (own_internet): forwarding and NAT are
# turned on only in a network namespace that stands for the host.

PART=4
load helpers

setup() {
	require_root "the host end of a veth pair needs CAP_NET_ADMIN on the host"
	require_rootfs
	snapshot_host
}

# /sys/class/net lists the links of the network namespace that mounted
# /sys: the host's (no fork, where `ip link show` costs one).
no_link() { [[ ! -e /sys/class/net/$1 ]]; }

# The host end exists before its address does: wait for the address.
# has_address PID: isolate PID's host end has its address (none will
# come once PID has ended).
has_address() {
	[[ -n $("${IN_NET[@]}" ip -o -4 addr show dev "iso$1" 2>/dev/null) ]] && return 0
	process_gone "$1" && return "$NEVER"
	return 1
}

# own_host_network: the test's isolates run in a network namespace of
# the test's own, which stands for the host, so that the address ranges
# it picks are its alone, whatever else the machine runs (another
# clone's suite picks the same ones).  Sets IN_NET (helpers.bash); the
# namespace goes with the process that holds it, which
# end_own_host_network kills.
own_host_network() {
	# lo up and a default route, as on any host (the route leads nowhere:
	# only its being there counts, for isolate's route lookups).
	env "$TEST_MARK" unshare -n sh -c 'ip link set lo up && ip route add default dev lo && exec sleep 1000' &
	HOST_NETWORK=$!
	wait_until runs_sleep "$HOST_NETWORK"
	IN_NET=(nsenter -t "$HOST_NETWORK" -n)
}
runs_sleep() {
	local comm
	read -r comm 2>/dev/null <"/proc/$1/comm" && [[ $comm == sleep ]]
}
end_own_host_network() {
	kill "$HOST_NETWORK"
	wait "$HOST_NETWORK" || true
}

# own_internet: beyond own_host_network's "host", a network namespace
# that stands for the internet.  The host's uplink, a veth named enp0s3
# with 198.51.100.2/24 and the default route, leads to its eth0,
# 198.51.100.1, where tests/internet serves a web page and DNS for
# internet.test.  It knows no route to the containers' range: only a
# masqueraded packet gets an answer.  (198.51.100.0/24 is TEST-NET-2,
# RFC 5737: no real network uses it.)  end_own_internet ends both.
own_internet() {
	[[ -x $REPO/tests/internet ]] || skip "tests/internet is not built: run make test-tools"
	local ready=$BATS_TEST_TMPDIR/internet.ready
	env "$TEST_MARK" unshare -n sh -c 'ip link set lo up && exec sleep 1000' &
	INTERNET=$!
	wait_until runs_sleep "$INTERNET"
	ip link add enp0s3 netns "$HOST_NETWORK" type veth peer name eth0 netns "$INTERNET"
	# Forwarding off, as on a fresh host (a new network namespace starts
	# with the real host's IPv4 settings: see devconf_inherit_init_net
	# in the kernel's ip-sysctl.rst), and no ICMP redirects accepted, as
	# on a hardened one.
	"${IN_NET[@]}" sh -c 'ip addr add 198.51.100.2/24 dev enp0s3 && ip link set enp0s3 up &&
		ip route replace default via 198.51.100.1 && echo 0 >/proc/sys/net/ipv4/ip_forward &&
		echo 0 >/proc/sys/net/ipv4/conf/all/accept_redirects'
	nsenter -t "$INTERNET" -n sh -c 'ip addr add 198.51.100.1/24 dev eth0 && ip link set eth0 up'
	nsenter -t "$INTERNET" -n env "$TEST_MARK" "$REPO/tests/internet" 198.51.100.1 internet.test "$ready" &
	INTERNET_SERVER=$!
	wait_until ready "$ready" "$INTERNET_SERVER"
}
end_own_internet() {
	kill "$INTERNET_SERVER" "$INTERNET"
	wait "$INTERNET_SERVER" "$INTERNET" || true
}

# What outbound.sh and own_internet must never change on the real host:
# forwarding, the nftables rules, the default route; and no uplink or
# address of the test's own may show up there.  (Not every link and
# route: other suites' containers come and go meanwhile.)
host_network_state() {
	cat /proc/sys/net/ipv4/ip_forward
	nft list ruleset
	ip route show default
	ip -o addr show to 198.51.100.0/24
	[[ ! -e /sys/class/net/enp0s3 ]] || echo "a link enp0s3 on the host"
}

# outbound UP|DOWN: outbound.sh in the test's host, and the real host
# as it was just before.  (Compared around the run only: a reader may
# well run outbound.sh on the real host while the suite runs.)
outbound() {
	local before
	before=$(host_network_state)
	run -0 "${IN_NET[@]}" "$REPO/part-4/outbound.sh" "$1"
	same "$(host_network_state)" "$before"
}

# Inside: "name state" of each link, and eth0's IPv4 address and the
# default gateway.
probe='ip -o link | awk -F": " "{print \$2}" | cut -d@ -f1 | tr "\n" " "; echo
ip -o -4 addr show dev eth0 2>/dev/null | awk "{print \$4}"
ip route | awk "/^default/ {print \$3}"'

@test "part-4: the command runs in new network, IPC and cgroup namespaces" {
	run -0 isolate sh -c 'for ns in net ipc cgroup; do readlink /proc/self/ns/$ns; done'
	[[ ${lines[0]} == net:\[*\] && ${lines[0]} != "$(namespace_of net)" ]]
	[[ ${lines[1]} == ipc:\[*\] && ${lines[1]} != "$(namespace_of ipc)" ]]
	[[ ${lines[2]} == cgroup:\[*\] && ${lines[2]} != "$(namespace_of cgroup)" ]]
}

@test "part-4: every namespace type but time is new; time is still the host's" {
	run -0 isolate sh -c 'for ns in uts user mnt pid net ipc cgroup time; do readlink /proc/self/ns/$ns; done'
	i=0
	for ns in uts user mnt pid net ipc cgroup; do
		[[ ${lines[i]} != "$(namespace_of "$ns")" ]]
		i=$((i + 1))
	done
	[[ ${lines[7]} == "$(namespace_of time)" ]]
}

@test "part-4: inside, the links are exactly lo and eth0, eth0 has a /30 and the route goes to the host end" {
	run -0 isolate sh -c "$probe"
	[[ ${lines[0]} == "lo eth0 " ]]
	[[ ${lines[1]} =~ ^10\.200\.[0-9]+\.[0-9]+/30$ ]]
	# The gateway is the other address of the /30: eth0's minus one.
	eth0=${lines[1]%/30}
	[[ ${lines[2]} == "${eth0%.*}.$((${eth0##*.} - 1))" ]]
}

@test "part-4: the container's mount table is part-3's, with /dev/mqueue, /etc/hostname, /etc/hosts and /etc/resolv.conf" {
	run -0 isolate sh -c 'awk "{print \$5}" /proc/self/mountinfo | sort'
	[[ $(echo $output) == "/ /dev /dev/full /dev/mqueue /dev/null /dev/pts /dev/random /dev/shm /dev/tty /dev/urandom /dev/zero /etc/hostname /etc/hosts /etc/resolv.conf /proc" ]]
}

@test "part-4: /dev/mqueue shows the IPC namespace's queues: none of the host's, and the container's stay inside" {
	build_probe
	queue=/isolate-test-$$-$RANDOM
	run -0 "$HOST_PATH" mqueue create "$queue"
	# No check before the host's queue is gone again: a failure here
	# must not leave it behind.
	run isolate sh -c '"$1" mqueue exists "$2"; ls -A /dev/mqueue; "$1" mqueue create "$2-inside"; ls /dev/mqueue' \
		sh "$PROBE" "$queue"
	inside=$output
	inside_status=$status
	run "$HOST_PATH" mqueue exists "$queue-inside"
	host=$output
	"$HOST_PATH" mqueue unlink "$queue" >/dev/null
	[[ $host == absent ]] || "$HOST_PATH" mqueue unlink "$queue-inside"
	[[ $inside_status -eq 0 ]]
	[[ $(echo $inside) == "absent created ${queue#/}-inside" ]]
	[[ $host == absent ]]
}

@test "part-4: a System V shared memory segment of the host's is not listed inside" {
	id=$(ipcmk -M 4096 | awk '{print $NF}')
	run isolate cat /proc/sysvipc/shm
	host=$(awk -v id="$id" '$2 == id' /proc/sysvipc/shm)
	ipcrm -m "$id"
	[[ $status -eq 0 && -n $host ]]
	# The header line only: no segment at all in the new namespace.
	[[ ${#lines[@]} -eq 1 && ${lines[0]} == *shmid* ]] || { echo "$output"; false; }
}

@test "part-4: /etc/hostname and /etc/hosts name the container and its address, and the rootfs's files stay as they were" {
	container_path ready
	before=$(cat "$ROOTFS/etc/hostname" "$ROOTFS/etc/hosts"; find "$ROOTFS" -printf '%P %M %U:%G %s\n' | sort)
	run -0 isolate --hostname box sh -c 'cat /etc/hostname; grep box /etc/hosts; ip -o -4 addr show dev eth0 | awk "{print \$4}"'
	[[ ${lines[0]} == box ]]
	[[ $(echo ${lines[1]}) == "${lines[2]%/30} box" ]]
	run -0 isolate --net none sh -c 'grep -c localhost /etc/hosts; grep "$(hostname)" /etc/hosts'
	[[ $(echo $output) == "2 127.0.1.1 $(hostname)" ]]
	same "$(cat "$ROOTFS/etc/hostname" "$ROOTFS/etc/hosts"; find "$ROOTFS" -printf '%P %M %U:%G %s\n' | sort)" "$before"
}

@test "part-4: lo and eth0 are up inside" {
	run -0 isolate sh -c 'ip -o link show lo; ip -o link show eth0'
	[[ ${lines[0]} == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	[[ ${lines[1]} == *",UP,LOWER_UP"* ]]
}

@test "part-4: on the host, the host end is named from isolate's pid, has the gateway address and is up" {
	isolate_in_background --init sleep 1000 &
	local pid=$!
	wait_until has_address "$pid"
	run -0 ip -o -4 addr show dev "iso$pid"
	[[ $output =~ inet\ 10\.200\.[0-9]+\.[0-9]+/30 ]]
	run -0 ip -o link show "iso$pid"
	[[ $output == *",UP,LOWER_UP"* ]]
	kill -TERM "$pid"
	wait_status "$pid"
	[[ $status -eq 143 ]]
	WAIT_SECONDS=30 wait_until no_link "iso$pid"
}

@test "part-4: the veth's two ends are the host end on the host and eth0 in the container, and nothing else" {
	# What a veth request built wrong gives (part-4's netlink lab): with
	# no VETH_INFO_PEER, or a nest whose length leaves it out, the kernel
	# makes the peer itself, named vethN, on the host, beside the host end.
	container_path eth0
	isolate_in_background --init sh -c \
		'ip -o link show eth0 >"$1.tmp" && mv "$1.tmp" "$1" && exec sleep 1000' sh "$INSIDE_PATH" &
	local pid=$!
	wait_until ready "$HOST_PATH" "$pid"
	local host_end inside
	read -r host_end <"/sys/class/net/iso$pid/ifindex"
	inside=$(cut -d' ' -f2 "$HOST_PATH")
	run -0 ip -o link show "iso$pid"
	echo "inside: $inside; on the host: $output"
	# eth0's peer is the host end, and the host end's is in another
	# network namespace ("link-netnsid"), not a link of the host's.
	same "$inside" "eth0@if$host_end:"
	[[ $output == "$host_end: iso$pid@if"*" link-netnsid "* ]]
	kill -TERM "$pid"
	wait_status "$pid"
	[[ $status -eq 143 ]]
}

@test "part-4: the container pings its host end" {
	run -0 isolate sh -c 'ping -c 1 -W 5 $(ip route | awk "/^default/ {print \$3}")'
	[[ $output == *"1 packets transmitted, 1 packets received"* ]]
}

# Read one line from TCP port PORT of ADDR (bash's /dev/tcp), in a
# subshell so that bats' own file descriptors are left alone.
read_from() (
	exec 8<>"/dev/tcp/$1/$2" || exit 1
	read -r line <&8
	[[ -n $line ]] && echo "$line"
)

@test "part-4: a TCP server in the container answers a client on the host" {
	isolate_in_background --init sh -c 'echo hello-from-inside | nc -l -p 8080' &
	local pid=$!
	wait_until has_address "$pid"
	host_addr=$(ip -o -4 addr show dev "iso$pid" | awk '{print $4}')
	host_addr=${host_addr%/30}
	container=${host_addr%.*}.$((${host_addr##*.} + 1))
	wait_until read_from "$container" 8080 >"$BATS_TEST_TMPDIR/reply" 2>/dev/null
	same "$(cat "$BATS_TEST_TMPDIR/reply")" hello-from-inside
	wait_status "$pid"
	[[ $status -eq 0 ]]
}

@test "part-4: 20 containers at once get distinct addresses, all reach their host ends, and leave nothing" {
	local pids=() i
	# Each pings its host end, the default route's gateway, and prints its
	# own address: both read from one `ip route` ("default via HOST ...",
	# "NET/30 dev eth0 ... src ADDRESS").
	for i in $(seq 20); do
		isolate_in_background sh -c 'set -- $(ip -4 route)
			while [ $# -gt 1 ]; do
				case $1 in via) host=$2 ;; src) address=$2 ;; esac
				shift
			done
			ping -c 1 -W 5 "$host" >/dev/null && echo "$address"' >"$BATS_TEST_TMPDIR/c$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait_status "${pids[i]}"
		[[ $status -eq 0 ]] || { cat "$BATS_TEST_TMPDIR/c$((i + 1))"; false; }
	done
	echo "addresses: $(cat "$BATS_TEST_TMPDIR"/c* | sort -u | paste -sd ' ')"
	[[ $(cat "$BATS_TEST_TMPDIR"/c* | grep -cE '^[0-9]+(\.[0-9]+){3}$') -eq 20 ]]
	[[ $(cat "$BATS_TEST_TMPDIR"/c* | sort -u | wc -l) -eq 20 ]]
	WAIT_SECONDS=30 wait_until no_orphan_host_ends
	for pid in "${pids[@]}"; do
		no_link "iso$pid" || { echo "iso$pid is left"; false; }
	done
}

@test "part-4: when isolate is killed with SIGKILL, the container and its host end are gone" {
	isolate_in_background sleep 1000 &
	local pid=$!
	wait_until child_running "$pid" sleep >/dev/null
	ip link show "iso$pid" >/dev/null
	kill -KILL "$pid"
	wait_until no_marked_processes
	# Torn down asynchronously, with the namespace: poll, generously.
	WAIT_SECONDS=30 wait_until no_link "iso$pid"
}

@test "part-4: --net none gives only lo, up, and no host end" {
	run -0 isolate --net none sh -c "$probe; ip -o link show lo"
	[[ ${lines[0]} == "lo " ]]
	[[ ${lines[-1]} == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	isolate_in_background --net none --init sleep 1000 &
	local pid=$!
	wait_until descendant "$pid" sleep >/dev/null
	no_link "iso$pid"
	kill -TERM "$pid"
	wait_status "$pid"
	[[ $status -eq 143 ]]
}

@test "part-4: containers never share a /30, even when the range is small" {
	# A /29 holds two /30s: whichever the pids pick first, the second
	# container finds the first's gateway in use and takes the other.
	own_host_network
	isolate_in_background --net-range 10.202.0.0/29 --init sleep 1000 &
	local first=$!
	wait_until has_address "$first"
	run -0 isolate --net-range 10.202.0.0/29 sh -c "$probe; ping -c 1 -W 5 \$(ip route | awk '/^default/ {print \$3}') >/dev/null && echo reached"
	ours=${lines[1]%/30}	# our eth0: .2 of our /30
	theirs=$("${IN_NET[@]}" ip -o -4 addr show dev "iso$first" | awk '{print $4}')
	theirs=${theirs%/30}	# their gateway: .1 of theirs
	[[ $((${ours##*.} - 2)) -ne $((${theirs##*.} - 1)) ]]
	[[ ${lines[-1]} == reached ]]
	# A /30 holds one: the second is refused.
	run --separate-stderr -125 isolate --net-range "${theirs%.*}.$((${theirs##*.} - 1))/30" true
	error_is "isolate: --net-range: no /30 of it is free: the host already routes every one" --net-range
	hint_is "isolate: hint: each is another container's, or in a network of the host's (ip route get fibmatch ADDRESS): choose another --net-range"
	kill -TERM "$first"
	wait_status "$first"
	end_own_host_network
}

@test "part-4: --net-range picks where the /30 comes from" {
	own_host_network
	run -0 isolate --net-range 10.201.0.0/30 sh -c "$probe"
	[[ ${lines[1]} == 10.201.0.2/30 ]]
	[[ ${lines[2]} == 10.201.0.1 ]]
	end_own_host_network
}

# not_routed PREFIX: the test's host has no route for PREFIX.
not_routed() {
	[[ -z $("${IN_NET[@]}" ip route show "$1") ]]
}

@test "part-4: a /30 in a network the host routes is never taken, and a range it routes whole is refused" {
	# Three of the four /30s of 10.203.0.0/28 are in networks of the
	# "host" (on lo: any link will do): whichever /30 the pid picks
	# first, the container gets the fourth, or it would shadow them.
	own_host_network
	"${IN_NET[@]}" ip route add 10.203.0.0/29 dev lo
	"${IN_NET[@]}" ip route add 10.203.0.8/30 dev lo
	for try in 1 2 3 4; do
		run -0 isolate --net-range 10.203.0.0/28 sh -c "$probe"
		echo "try $try: eth0 is ${lines[1]}"
		[[ ${lines[1]} == 10.203.0.14/30 ]]
		# The last container's host end goes with its namespace, which the
		# kernel tears down in the background (slowly, under load): until
		# then its /30 is rightly in use, and no other is free.
		WAIT_SECONDS=30 wait_until not_routed 10.203.0.12/30
	done
	"${IN_NET[@]}" ip route add 10.204.0.0/16 dev lo
	run --separate-stderr -125 isolate --net-range 10.204.0.0/29 true
	error_is "isolate: --net-range: no /30 of it is free: the host already routes every one" --net-range
	end_own_host_network
}

@test "part-4: /etc/resolv.conf names the host's nameservers, never one on its loopback, and --dns wins" {
	local conf=$BATS_TEST_TMPDIR/resolv.conf
	# The host's files as a mount namespace of the test's own shows them.
	IN_NET=(unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$conf")
	printf 'nameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch example\n' >"$conf"
	run -0 isolate --net none cat /etc/resolv.conf
	same "$output" "nameserver 192.0.2.1"
	# A stub alone (systemd-resolved): the servers it asks, from its file.
	printf 'nameserver 127.0.0.53\n' >"$conf"
	mkdir -p "$BATS_TEST_TMPDIR/run/systemd/resolve"
	printf 'nameserver 192.0.2.7\nnameserver 192.0.2.8\n' >"$BATS_TEST_TMPDIR/run/systemd/resolve/resolv.conf"
	IN_NET=(unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && mount --bind "$1" /run && shift && exec "$@"' \
		"$conf" "$BATS_TEST_TMPDIR/run")
	run -0 isolate --net none cat /etc/resolv.conf
	same "$(echo $output)" "nameserver 192.0.2.7 nameserver 192.0.2.8"
	run -0 isolate --net none --dns 198.51.100.1 cat /etc/resolv.conf
	same "$output" "nameserver 198.51.100.1"
	run --separate-stderr -125 isolate --dns dns.example true
	error_is "isolate: --dns: 'dns.example' is not an IPv4 address" --dns dns.example
}

@test "part-4: with outbound.sh up, containers reach an internet by address and by name, masqueraded; down cuts them off" {
	command -v nft >/dev/null || skip "outbound.sh needs nft: apt-get install nftables"
	local get first
	own_host_network
	own_internet
	# By address, then by name (through the nameserver of
	# /etc/resolv.conf).  The server greets whoever connects: nc reads
	# its line.
	get='nc -w 5 198.51.100.1 80 </dev/null && nc -w 5 internet.test 80 </dev/null'
	# Forwarding off: the host end is as far as a packet goes.
	run ! isolate --dns 198.51.100.1 nc -w 1 198.51.100.1 80
	# A link that forwards on its own would lose that to up and down.
	"${IN_NET[@]}" sh -c 'echo 1 >/proc/sys/net/ipv4/conf/enp0s3/forwarding'
	run -1 "${IN_NET[@]}" "$REPO/part-4/outbound.sh" up
	[[ $output == "isolate: outbound: up: /proc/sys/net/ipv4/conf/enp0s3/forwarding is 1"* ]]
	"${IN_NET[@]}" sh -c 'echo 0 >/proc/sys/net/ipv4/conf/enp0s3/forwarding'
	outbound up
	# A container that stays, and a second one meanwhile: both get out,
	# under the host's uplink address (198.51.100.2), and back.
	container_path go
	isolate_in_background --dns 198.51.100.1 --init sh -c \
		"$get && while [ ! -e $INSIDE_PATH ]; do sleep 0.1; done && $get" >"$BATS_TEST_TMPDIR/first" &
	first=$!
	run -0 isolate --dns 198.51.100.1 sh -c "$get"
	same "$(echo $output)" "hello from the internet, you are 198.51.100.2 hello from the internet, you are 198.51.100.2"
	: >"$HOST_PATH"
	wait_status "$first"
	same "$status $(cat "$BATS_TEST_TMPDIR/first" | sort | uniq -c | xargs)" \
		"0 4 hello from the internet, you are 198.51.100.2"
	# The host's default resolver, as isolate finds it, works too.
	printf 'nameserver 127.0.0.53\nnameserver 198.51.100.1\n' >"$BATS_TEST_TMPDIR/resolv.conf"
	IN_NET=(nsenter -t "$HOST_NETWORK" -n unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
		"$BATS_TEST_TMPDIR/resolv.conf")
	run -0 isolate nc -w 5 internet.test 80
	same "$output" "hello from the internet, you are 198.51.100.2"
	# down: forwarding and redirects as they were, the table gone, and
	# no way out.
	IN_NET=(nsenter -t "$HOST_NETWORK" -n)
	outbound down
	same "$("${IN_NET[@]}" cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/accept_redirects |
		xargs) $("${IN_NET[@]}" nft list ruleset | wc -l)" "0 0 0"
	run ! isolate --dns 198.51.100.1 nc -w 1 198.51.100.1 80
	end_own_internet
	end_own_host_network
}

@test "part-4: bad --net and --net-range values are refused (125)" {
	run --separate-stderr -125 isolate --net bridge true
	error_is "isolate: --net: 'bridge' is not veth or none" --net bridge
	run --separate-stderr -125 isolate --net-range 10.0.0.0 true
	error_is "isolate: --net-range: '10.0.0.0' is not an IPv4 range like 10.200.0.0/16" --net-range 10.0.0.0
	run --separate-stderr -125 isolate --net-range 10.0.0.0/31 true
	error_is "isolate: --net-range: /31 is not between /8 and /30" --net-range 31
	run --separate-stderr -125 isolate --net-range 300.0.0.0/16 true
	error_matches "^isolate: --net-range: .*is not an IPv4 range" --net-range
	run --separate-stderr -125 isolate --net-range 10.200.3.7/16 true
	error_is "isolate: --net-range: 10.200.3.7 has host bits set for /16" --net-range 10.200.3.7
	run --separate-stderr -125 isolate --net-range 127.0.0.0/8 true
	error_is "isolate: --net-range: 127.0.0.0/8 is not a unicast range" --net-range 127.0.0.0
	run --separate-stderr -125 isolate --net-range 224.0.0.0/8 true
	error_is "isolate: --net-range: 224.0.0.0/8 is not a unicast range" --net-range 224.0.0.0
}

@test "part-4: rootless, a veth is refused with a hint, and --net none works" {
	container_path ready
	require_unprivileged_userns
	bin=$(binary_for_nobody)
	run --separate-stderr -125 as_nobody "$bin" --rootfs "$ROOTFS" true
	error_matches '^isolate: create veth iso[0-9]+: Operation not permitted$' iso "Operation not permitted"
	hint_is "isolate: hint: the host end needs root (CAP_NET_ADMIN on the host); rootless, use --net none"
	run -0 as_nobody "$bin" --rootfs "$ROOTFS" --net none sh -c 'echo $$; ip -o link | wc -l'
	[[ $(echo $output) == "1 1" ]]
}

@test "part-4: an /etc/hostname that is a symlink is left alone: nothing of the rootfs is covered through it" {
	# Covering it would follow the symlink, and cover what it names.
	container_path marker
	ln -sfn passwd "$ROOTFS/etc/hostname"
	run -0 isolate --hostname box cat /etc/passwd
	echo "saw: $output"
	[[ $output == "$(cat "$ROOTFS/etc/passwd")" ]]
}
