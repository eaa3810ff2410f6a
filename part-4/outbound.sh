#!/bin/sh
# outbound.sh: let part-4's containers reach past their host ends (the
# LAN, the internet), and take that back.  Opt-in, run by hand, as root:
#
#   part-4/outbound.sh up [RANGE]   RANGE: the containers' --net-range
#                                   (default 10.200.0.0/16, isolate's)
#   part-4/outbound.sh down
#   part-4/outbound.sh status
#
# up does two things, both in the network namespace it runs in (each
# network namespace has its own forwarding switch and its own nftables
# rules; nothing else on the machine changes):
#   1. forwarding on (net.ipv4.ip_forward = 1): the host passes a
#      container's packets from its host end on to its uplink;
#   2. masquerade: a packet from RANGE that leaves for anywhere outside
#      RANGE gets, as its source, the address of the link it leaves by.
#      Nothing past the host knows a route back to 10.200.x.y; with the
#      host's address, replies come to the host, which maps them back
#      to the container (nft(8): masquerade; the kernel's conntrack).
# The rules are one nftables table, "ip isolate".  Turning forwarding
# on or off also sets every link's forwarding to match, and
# net.ipv4.conf.all.accept_redirects to the opposite (the kernel's
# ip-sysctl.rst): up notes what both were in the table's comment, so
# that down, which deletes the table, can put them back; and up refuses
# a host whose links do not all forward as ip_forward says.
#
# What it does not do: filter.  A container can reach whatever the host
# can, the host's LAN included, as with docker run (docs/boundaries.md).
set -eu

table=isolate

fail() {
	echo "isolate: outbound: $*" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" -eq 0 ] || fail "$1 needs root (sudo $0 $1)"
	command -v nft >/dev/null 2>&1 || fail "$1 needs nft: apt-get install nftables"
}

# What up found and down puts back, from the table's comment: "F R",
# ip_forward and accept_redirects; nothing when there is no table.
saved_state() {
	nft list table ip "$table" 2>/dev/null |
		sed -n 's/.*comment "ip_forward was \([01]\), accept_redirects was \([01]\)".*/\1 \2/p'
}

up() {
	range=${1:-10.200.0.0/16}
	need_root up
	echo "$range" | grep -Eqx '[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}' ||
		fail "up: '$range' is not an IPv4 range like 10.200.0.0/16"
	[ -z "$(saved_state)" ] || fail "up: already up (table ip $table): run $0 down first"
	was=$(cat /proc/sys/net/ipv4/ip_forward)
	redirects=$(cat /proc/sys/net/ipv4/conf/all/accept_redirects)
	for file in /proc/sys/net/ipv4/conf/*/forwarding; do
		value=$(cat "$file")
		[ "$value" = "$was" ] ||
			fail "up: $file is $value, not $was as ip_forward: up and down would reset it"
	done
	# One nft run, one transaction: all of it, or none.
	nft -f - <<-EOF || fail "up: nft refused the table ip $table for $range (above)"
		table ip $table {
			comment "ip_forward was $was, accept_redirects was $redirects"
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				ip saddr $range ip daddr != $range masquerade
			}
		}
	EOF
	echo 1 >/proc/sys/net/ipv4/ip_forward ||
		{ nft delete table ip "$table"; fail "up: cannot turn on net.ipv4.ip_forward"; }
	echo "outbound: up: $range masqueraded, forwarding on (it was $was)"
}

down() {
	need_root down
	state=$(saved_state)
	[ -n "$state" ] || { echo "outbound: down: not up (no table ip $table): nothing to undo"; return 0; }
	was=${state% *} redirects=${state#* }
	nft delete table ip "$table" || fail "down: nft could not delete table ip $table (above)"
	echo "$was" >/proc/sys/net/ipv4/ip_forward ||
		fail "down: cannot set net.ipv4.ip_forward back to $was"
	echo "$redirects" >/proc/sys/net/ipv4/conf/all/accept_redirects ||
		fail "down: cannot set net.ipv4.conf.all.accept_redirects back to $redirects"
	echo "outbound: down: masquerade gone, forwarding back to $was"
}

status() {
	need_root status
	state=$(saved_state)
	if [ -z "$state" ]; then
		echo "outbound: down (forwarding $(cat /proc/sys/net/ipv4/ip_forward))"
	else
		echo "outbound: up (forwarding $(cat /proc/sys/net/ipv4/ip_forward), ${state% *} before up)"
		nft list table ip "$table"
	fi
}

case ${1:-}:$# in
up:1 | up:2) shift; up "$@" ;;
down:1) down ;;
status:1) status ;;
*)
	echo "usage: $0 up [RANGE] | down | status" >&2
	exit 2
	;;
esac
