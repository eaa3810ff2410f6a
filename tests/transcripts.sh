#!/usr/bin/env bash
# transcripts.sh: type a page's terminal sessions, and compare.
#
#   tests/transcripts.sh PAGE        (as root, from anywhere)
#
# A ```console block that follows the line <!-- transcript: run --> is
# a session a reader can type as shown.  Each line starting "# " is a
# command typed as root; the lines after it, up to the next command,
# are what it printed.  All of a page's sessions run in order, in one
# bash, from the top of the checkout, so that a variable or a
# background job set in one is there in the next, as in the reader's
# terminal.
#
# They run in a throwaway "host": new network, mount, UTS (host name
# "vm", as in the pages), IPC (a message queue a page makes is its own)
# and PID namespaces (a process left running dies with the last), whose only
# links are lo and an uplink named enp0s3 (no
# eth0, as on most Debian and Ubuntu hosts), with an address and a
# default route.  Nothing a page does can reach the machine's own links
# or mounts, and what it leaves there is seen: at the end, the links
# and the mounts must be as before, and /tmp, a tmpfs of its own, as
# empty as it was.
#
# Printed output is compared loosely where a reader's must differ:
# numbers (pids, inode numbers, times, link indexes) and MAC addresses
# match any, the checkout's path matches the one the pages were made in
# (/work/main), runs of blanks match one, and job control lines ("[1]
# 4242", "[1]+  Terminated ...") are not expected, since no terminal is
# attached.  It prints one line per difference, "PAGE:LINE: ...", and
# exits 1 if there was any.
set -u
page=${1:?usage: $0 PAGE}
cd "$(dirname "$0")/.." || exit 2
[[ $EUID -eq 0 ]] || { echo "transcripts: run as root" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sessions: "LINE<TAB>cmd<TAB>COMMAND" and "LINE<TAB>out<TAB>TEXT".
awk '
	/^<!-- transcript: run -->$/ { marked = NR + 1; next }
	NR == marked && /^```console$/ { inside = 1; next }
	inside && /^```$/ { inside = 0; next }
	inside && /^# / { print NR "\tcmd\t" substr($0, 3); next }
	inside { print NR "\tout\t" $0 }
' "$page" >"$work/session"
[[ -s $work/session ]] || { echo "$page: no session marked <!-- transcript: run -->"; exit 1; }

# The script: each command after a marker line, its output and errors
# together, as a terminal shows them.
{
	# shellcheck disable=SC2016 # for the script's own $1
	echo 'cd "$1" || exit 2'
	while IFS=$'\t' read -r line kind text; do
		[[ $kind == cmd ]] || continue
		printf 'echo "@@ %s"\n%s\n' "$line" "$text"
		# A reader types the next line a moment after starting a job in
		# the background, by when it has begun (say, made its namespace).
		[[ $text == *'&' ]] && echo 'sleep 1'
	done <"$work/session"
	echo 'echo "@@ end"'
} >"$work/script"

# normalize: what may differ between two readers' terminals.
normalize() {
	sed -E -e "s|$PWD/|/work/main/|g" -e "s|$PWD\$|/work/main|" \
		-e 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g' -e 's/[0-9]+/N/g' \
		-e 's/[[:space:]]+/ /g' -e 's/ $//' -e '/^\[N\]\+? /d'
}

# shellcheck disable=SC2016 # expanded by the inner bash
unshare -n -m -u -i -p -f --mount-proc --propagation private bash -c '
	ip link set lo up
	ip link add enp0s3 type veth peer name uplink-peer
	ip addr add 192.0.2.2/24 dev enp0s3
	ip link set enp0s3 up
	ip route add default via 192.0.2.1
	hostname vm
	# A /tmp of its own, empty: two runs at once never meet there.  The
	# script and its output are opened before it covers this run'"'"'s own;
	# a checkout under /tmp is bound back where it was (the stages find
	# their default rootfs by its path; not canonicalized, or mount(8)
	# would read the link of the fd as a path, which the tmpfs now covers).
	exec 3<"$1/script" 4>"$1/printed" 5<"$2"
	mount -t tmpfs -o mode=1777 transcripts /tmp
	case $2 in
	/tmp/*) mkdir -p "$2" && mount --no-canonicalize --bind /proc/self/fd/5 "$2" || exit 1 ;;
	esac
	exec 5<&-
	cd "$2" || exit 1
	before=$(ip -o link | cut -d: -f2; cut -d" " -f5 /proc/self/mountinfo)
	bash /dev/fd/3 "$2" >&4 2>&1
	wait
	# A namespace a page ended goes in a background worker, and its
	# veth ends with it: give that 10 s.
	for try in $(seq 100); do
		after=$(ip -o link | cut -d: -f2; cut -d" " -f5 /proc/self/mountinfo)
		[ "$before" = "$after" ] && break
		sleep 0.1
	done
	[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed "s/^/left behind: /"
	checkout_top=${2#/tmp/}
	ls -A /tmp | grep -vx "${checkout_top%%/*}" | sed "s|^|left behind: /tmp/|"' bash "$work" "$PWD" >"$work/left"

# Compare, command by command: what the page shows after each, and
# what it printed (split at the markers).
status=0
while IFS=$'\t' read -r line kind text; do
	if [[ $kind == cmd ]]; then
		expected_file=$work/expected.$line
		: >"$expected_file"
	else
		printf '%s\n' "$text" >>"$expected_file"
	fi
done <"$work/session"
awk -v dir="$work" '/^@@ / { file = dir "/got." substr($0, 4); printf "" >file; next }
	file != "" { print >file }' "$work/printed"
if [[ ! -e $work/got.end ]]; then
	echo "$page: the sessions stopped before their end; the throwaway host said:"
	sed 's/^/    /' "$work/printed" "$work/left"
	exit 1
fi
while IFS=$'\t' read -r line kind text; do
	[[ $kind == cmd ]] || continue
	expected=$(normalize <"$work/expected.$line")
	got=$(normalize <"$work/got.$line" 2>/dev/null)
	if [[ $expected != "$got" ]]; then
		status=1
		echo "$page:$line: \`$text\` printed:"
		sed 's/^/    /' "$work/got.$line" 2>/dev/null
		echo "  where the page shows:"
		sed 's/^/    /' "$work/expected.$line"
	fi
done <"$work/session"
if [[ -s $work/left ]]; then
	status=1
	sed "s|^|$page: |" "$work/left"
fi
exit "$status"
