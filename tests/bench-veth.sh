#!/usr/bin/env bash
# bench-veth.sh: what it costs to give a container its end of a veth
# pair, created in its network namespace directly (what part-4 does) or
# created on the host and then moved there.  Run as root:
#
#   tests/bench-veth.sh [N]      (N pairs each way, default 50)
#
# It uses only its own namespaces and links (named isob*), and removes
# them.  The times include starting `ip`: once per pair in place, twice
# when moved (starting `ip` costs about a millisecond).
set -eu
n=${1:-50}

unshare --net sleep 1000 &
target=$!
trap 'kill $target 2>/dev/null; for i in $(seq "$n"); do ip link del "isob$i" 2>/dev/null; done; true' EXIT
until [[ $(readlink /proc/$target/ns/net) != "$(readlink /proc/self/ns/net)" ]]; do sleep 0.01; done

# Microseconds per pair, printed as milliseconds with two decimals.
ms() {
	local us=$((($2 - $1) / 1000 / n))
	printf '%d.%02d' $((us / 1000)) $((us % 1000 / 10))
}
cleanup() {
	for i in $(seq "$n"); do ip link del "isob$i"; done
	# Deleting is asynchronous; let the kernel finish before timing more.
	while ip -o link | grep -q 'isob'; do sleep 0.01; done
}

start=$(date +%s%N)
for i in $(seq "$n"); do
	ip link add "isob$i" type veth peer name "c$i" netns "$target"
done
end=$(date +%s%N)
echo "created in place:     $(ms "$start" "$end") ms per pair"
cleanup

start=$(date +%s%N)
for i in $(seq "$n"); do
	ip link add "isob$i" type veth peer name "m$i"
	ip link set "m$i" netns "$target"
done
end=$(date +%s%N)
echo "created, then moved:  $(ms "$start" "$end") ms per pair (two ip calls)"
cleanup
