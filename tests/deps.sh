#!/bin/sh
# deps.sh: install what a fresh Debian or Ubuntu machine lacks for a job.
#
#   tests/deps.sh build   a C compiler and make
#   tests/deps.sh rootfs  busybox-static, for make rootfs
#   tests/deps.sh test    all of the above, plus bats, iproute2, nftables,
#                         procps, util-linux, strace
#   tests/deps.sh debian  debootstrap, for make rootfs-debian
#   tests/deps.sh bench|valgrind|lint   hyperfine and bubblewrap |
#                         valgrind | cppcheck and shellcheck
#
# It installs only missing commands, with apt-get, and only as root;
# otherwise it names the packages and fails.
set -u

need() { # COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

missing=""
need cc gcc
need make make
case ${1:-build} in
build) ;;
rootfs)
	need busybox busybox-static
	;;
test)
	need busybox busybox-static
	need bats bats
	need ip iproute2
	need pgrep procps
	need setpriv util-linux
	need strace strace	# slows the --init down in one test
	need nft nftables	# part-4's outbound.sh, in a network namespace of the test's
	;;
bench)
	need hyperfine hyperfine
	need bwrap bubblewrap	# the tool people would use instead
	;;
valgrind) need valgrind valgrind ;;
debian) need debootstrap debootstrap ;;
lint)
	need cppcheck cppcheck
	need shellcheck shellcheck
	;;
*)
	echo "usage: $0 build|rootfs|debian|test|bench|valgrind|lint" >&2
	exit 2
	;;
esac
# The C library headers come with gcc on Debian, but not always.
[ -e /usr/include/stdio.h ] || missing="$missing libc6-dev"

[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "isolate: missing packages:$missing (install them, or run as root with apt-get)" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
apt-get update -qq && apt-get install -y -qq $missing >/dev/null
