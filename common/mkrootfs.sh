#!/bin/sh
# mkrootfs.sh: `make rootfs`.  Build a small root filesystem for part-3
# and part-4 from Debian's busybox-static, with no download:
#
#   common/mkrootfs.sh DIR
#
# DIR gets bin/busybox and one symlink per applet (sh, ls, cat, ps, mount,
# ip, ping, nc, ...), the directories the container mounts over (proc,
# dev, sys), tmp (mode 1777), and etc/passwd, group, hostname, hosts and
# resolv.conf (empty).  Everything
# is readable by every user, so a rootless run can use it too.
set -eu

dir=${1:?usage: $0 DIR}
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
	echo "isolate: make rootfs needs busybox: apt-get install busybox-static" >&2
	exit 1
fi
# A dynamically linked busybox would need the host's libraries inside.
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' &&
	ldd "$busybox" >/dev/null 2>&1; then
	echo "isolate: $busybox is not static: apt-get install busybox-static" >&2
	exit 1
fi

# Build next to DIR, then rename: an interrupted build leaves no half rootfs.
new="$dir.new.$$"
rm -rf "$new"
mkdir -p "$new/bin" "$new/etc" "$new/proc" "$new/dev" "$new/sys" \
	"$new/tmp" "$new/root"
chmod 1777 "$new/tmp"
cp "$busybox" "$new/bin/busybox"
chmod 755 "$new/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$new/bin/$applet"
done
ln -s bin "$new/sbin"
mkdir -p "$new/usr"
ln -s ../bin "$new/usr/bin"
ln -s ../bin "$new/usr/sbin"

cat >"$new/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$new/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo isolate >"$new/etc/hostname"
# part-4 covers these three with its own (a bind mount needs a file to cover).
printf '127.0.0.1\tlocalhost\n' >"$new/etc/hosts"
: >"$new/etc/resolv.conf"
chmod -R a+rX "$new"

rm -rf "$dir"
mv "$new" "$dir"
echo "rootfs: $dir ($("$busybox" --list | wc -l) busybox applets)"
