#!/bin/sh
# mkdebian.sh: `make rootfs-debian`.  A Debian 12 (bookworm) root
# filesystem for part-3 and part-4, DIR/fs, owned by a range of host
# ids, so that root inside, mapped to that range, owns it:
#
#   common/mkdebian.sh DIR [BASE]
#
# debootstrap(8) downloads and unpacks Debian's smallest system
# (--variant=minbase: apt, dpkg, bash, coreutils; about 40 MB to fetch,
# 175 MB on disk).  Its files belong to ids 0 to 65535, as on any
# Debian system; the script then shifts each owner by BASE (default
# 1000000), so that a file of root's belongs to host uid BASE, one of
# _apt's (uid 42) to BASE+42.  Run the container with the same range:
#
#   isolate --rootfs DIR/fs --map-uid BASE --map-gid BASE --map-count 65536 ...
#
# Without the shift, root inside would see every file as nobody's
# (an id outside the map reads as 65534) and could write none.
#
# DIR itself is BASE's, mode 700: the system holds set-user-ID programs
# (su, passwd, mount), which on the host run as BASE+their owner, and no
# other host user may reach them.  Root inside, BASE on the host, can.
#
# It builds next to DIR and renames at the end: an interrupted build
# leaves no half system, and a finished DIR is kept (make skips it).
set -eu

dir=${1:?usage: $0 DIR [BASE]}
base=${2:-1000000}
suite=bookworm
mirror=http://deb.debian.org/debian

case $base in
'' | *[!0-9]*)
	echo "isolate: rootfs-debian: ID_BASE '$base' is not a number" >&2
	exit 1
	;;
esac
# The shifted ids must not meet the ids being shifted (0 to 65535), and
# the last one, BASE+65535, must be a valid uid (below 2^32-1).
if [ "$base" -lt 65536 ] || [ "$base" -gt 4294901759 ]; then
	echo "isolate: rootfs-debian: ID_BASE $base is not between 65536 and 4294901759" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "isolate: rootfs-debian: debootstrap needs root (sudo make rootfs-debian)" >&2
	exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
	echo "isolate: rootfs-debian needs debootstrap: apt-get install debootstrap" >&2
	exit 1
fi
# debootstrap checks the archive's signature (Ubuntu lacks Debian's key).
if [ ! -e /usr/share/keyrings/debian-archive-keyring.gpg ]; then
	echo "isolate: rootfs-debian needs Debian's archive key: apt-get install debian-archive-keyring" >&2
	exit 1
fi

new="$dir.new.$$"
fs="$new/fs"
# dash runs no EXIT trap when a signal kills it: exit on those first.
# --one-file-system: a /proc debootstrap left mounted is not deleted.
trap 'rm -rf --one-file-system "$new"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
mkdir -m 700 "$new"
debootstrap --variant=minbase "$suite" "$fs" "$mirror"
# The packages debootstrap fetched, 30 MB: apt fetches again if need be.
rm -f "$fs"/var/cache/apt/archives/*.deb

# chown(2) clears the set-user-ID and set-group-ID bits (su, passwd,
# mount...): note them first, and set them again after.
find "$fs" -xdev -perm /6000 ! -type l -printf '%m %p\n' >"$new/modes"

# One chown per id found, each over the whole tree: "--from" picks the
# files that id owns, "-h" changes symlinks themselves, never the file
# they name (a symlink in the tree can name any file of the host).
for id in $(find "$fs" -xdev -printf '%U\n' | sort -un); do
	chown -hR --from="$id" "$((base + id))" "$fs"
done
for id in $(find "$fs" -xdev -printf '%G\n' | sort -un); do
	chown -hR --from=":$id" ":$((base + id))" "$fs"
done
while read -r mode path; do
	chmod "$mode" "$path"
done <"$new/modes"
rm -f "$new/modes"

# part-4 covers /etc/hostname, /etc/hosts and /etc/resolv.conf with its
# own, by a bind mount over a regular file: make sure each is one.
for file in hostname hosts resolv.conf; do
	[ -f "$fs/etc/$file" ] && [ ! -L "$fs/etc/$file" ] && continue
	rm -f "$fs/etc/$file"
	: >"$fs/etc/$file"
	chown "$base:$base" "$fs/etc/$file"
done
chown "$base:$base" "$new"

rm -rf --one-file-system "$dir"
mv "$new" "$dir"
trap - EXIT
echo "rootfs-debian: $dir/fs, Debian $suite, owned by ids $base to $((base + 65535)) ($(du -sh "$dir" | cut -f1))"
