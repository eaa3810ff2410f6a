#!/bin/sh
# demo.sh: `make demo`.  Run each stage and show, measured live, which
# namespaces its command gets of its own, against the host's.
#
#   tests/demo.sh part-1 [part-2 ...]
#
# A namespace is "new" when /proc/self/ns/<type> inside differs from the
# same link outside (namespaces(7)); "host" when it is the same one.
set -u
cd "$(dirname "$0")/.." || exit 1

namespaces="uts user mnt pid net ipc cgroup time"
probe='for ns in '"$namespaces"'; do readlink /proc/self/ns/$ns; done
echo "hostname=$(cat /proc/sys/kernel/hostname) uid=$(id -u) host-uid=$(awk "{print \$2}" /proc/self/uid_map) pid=$$"'

# Colour on a terminal (NO_COLOR turns it off), plain when piped.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	new_cell=$(printf '\033[1;32m%-8s\033[0m' NEW)
	host_cell=$(printf '\033[2;31m%-8s\033[0m' host)
else
	new_cell=$(printf '%-8s' NEW)
	host_cell=$(printf '%-8s' host)
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

printf '%-10s %-20s' namespace host
for part in "$@"; do
	printf ' %-8s' "$part"
	if ! "$part/isolate" --hostname "$part-demo" sh -c "$probe" \
		>"$tmp/$part" 2>"$tmp/$part.err"; then
		echo "" >&2
		echo "demo: $part/isolate failed:" >&2
		cat "$tmp/$part.err" >&2
		exit 1
	fi
done
echo

row=1
for ns in $namespaces; do
	host=$(readlink "/proc/self/ns/$ns")
	printf '%-10s %-20s' "$ns" "$host"
	for part in "$@"; do
		inside=$(sed -n "${row}p" "$tmp/$part")
		if [ "$inside" = "$host" ]; then
			printf ' %s' "$host_cell"
		else
			printf ' %s' "$new_cell"
		fi
	done
	echo
	row=$((row + 1))
done

echo
echo "evidence (inside the command, and on the host):"
printf '  %-8s %s\n' host "hostname=$(cat /proc/sys/kernel/hostname) uid=$(id -u) host-uid=$(id -u) pid=$$"
for part in "$@"; do
	printf '  %-8s %s\n' "$part" "$(tail -n 1 "$tmp/$part")"
done
