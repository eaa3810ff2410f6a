#!/usr/bin/env bash
# mklab.sh: `make lab PART=N DEST=DIR`.  A copy of the repository for a
# classroom lab, in which part-N's lesson (the functions that set up the
# stage's new namespace; for part-4, the veth request's bytes too) is
# replaced by stubs with a hint each.  In the copy, `make test-part-N`
# fails until the student writes them; the solution is this repository's
# part-N, so a lab never drifts from it.
#
# The copy holds no answer to its own lab: stages 1 to N only (a later
# stage holds part-N's code); the chapters of those stages, the one for
# part-N and any page quoting part-N's files in a lab edition, without
# the quotes; none of the mutation list (tests/mutants.txt quotes lesson
# lines).  It is a git repository with one commit, so that `git diff`
# shows the student's work.
set -eu
cd "$(dirname "$0")/.."

part=${1:?usage: $0 PART DEST}
dest=${2:?usage: $0 PART DEST}
[[ -f part-$part/isolate.c ]] || { echo "mklab: no part-$part" >&2; exit 2; }
[[ ! -e $dest || -z $(ls -A "$dest") ]] || { echo "mklab: $dest is not empty" >&2; exit 2; }

# The lesson of each stage, and a hint for each function.
declare -A hints=(
	[1:prepare_uts]="when opts->hostname is set, give it to sethostname(2); uts_namespaces(7)"
	[2:write_id_map]='write "0 OUTSIDE COUNT\\n" to /proc/PID/FILE in one write (write_file); COUNT is --map-count, 1 by default; user_namespaces(7)'
	[2:prepare_userns]='uid_map first; then, if not root, "deny" to /proc/PID/setgroups (CVE-2014-8989); then gid_map'
	[2:become_root]="setgid(0), then setuid(0): ids of the new user namespace"
	[3:prepare_mntns]='make / private (MS_REC | MS_PRIVATE), bind the rootfs on itself, chdir into it, mount proc (nosuid, nodev, noexec) and dev (mount_dev), pivot_root(".", "."), umount2(".", MNT_DETACH), chdir("/")'
	[3:mount_dev]="a tmpfs on dev, nosuid and noexec (nothing written there may run); for each device, an empty file with /dev/NAME bind-mounted on it (mknod is refused in a user namespace); the links fd, stdin, stdout, stderr (to /proc/self/fd/N) and ptmx (to pts/ptmx); then mount_in_dev() a new devpts instance on pts and a tmpfs on shm, both nosuid and noexec"
	[3:run_as_init]="close every fd above 2 (close_range); hide_init() for a copy of the command; fork(); the child runs exec_command(); the parent exits with what wait_command_as_init() returns"
	[3:prepare_environment]="read TERM and each --env NAME's value first; clearenv(3); setenv(3) PATH, HOME=/root, HOSTNAME (gethostname) and TERM if set; then each --env"
	[4:prepare_ipcns]="mkdir /dev/mqueue, and mount an mqueue file system on it: it shows the new IPC namespace's queues"
	[4:create_veth]="netlink_open(), netlink_create_veth() with the peer in pid's namespace, then the host end's address (.1/30) and netlink_link_up()"
	[4:netlink_create_veth]="RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL: IFLA_IFNAME name, then the IFLA_LINKINFO nest: IFLA_INFO_KIND \"veth\", and the IFLA_INFO_DATA nest holding VETH_INFO_PEER (a struct ifinfomsg, then the peer's IFLA_IFNAME and IFLA_NET_NS_PID); end each nest, innermost first (the layout is drawn in docs/part-4.md)"
	[4:end_nest]="a nest's rta_len covers its own header and every attribute added since: the request's length now, minus where the nest starts"
	[4:prepare_netns]="netlink_open() in the child; lo up; with a veth, eth0 gets .2/30, goes up, and the default route goes via net->host_addr"
)

mkdir -p "$dest"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z | xargs -0 cp --parents -P -t "$dest"
else
	tar --exclude=./rootfs --exclude='./part-*/isolate' --exclude=./.git -cf - . | tar -xf - -C "$dest"
fi
# Later stages, their chapters and suites, and the mutation list.
for dir in "$dest"/part-[0-9]; do
	n=${dir##*/part-}
	((n > part)) || continue
	rm -rf "$dir" "$dest/docs/part-$n.md" "$dest"/tests/part-"$n".bats "$dest"/tests/part-"$n"-*.bats
done
rm -f "$dest/tests/mutants.txt" "$dest/tests/mutate.sh"

# stub FILE NAME HINT: NAME's body in FILE becomes a TODO and a die().
stub() {
	awk -v name="$2" -v hint="$3" '
		# A function definition starts at column 0 and ends at "}".
		!inside && $0 ~ "^[a-z].*[ *]" name "\\(" && $0 !~ /;$/ { header = 1 }
		header && /^\{$/ {
			print
			print "\t/*"
			print "\t * TODO(lab): write " name "()."
			print "\t * Hint: " hint
			print "\t */"
			print "\tdie(\"lab: " name "() is not written yet\");"
			header = 0; inside = 1; next
		}
		inside && /^\}$/ { inside = 0; print; next }
		inside { next }
		{ print }' "$1" >"$1.new"
	mv "$1.new" "$1"
}

stubbed=()
for key in "${!hints[@]}"; do
	[[ ${key%%:*} == "$part" ]] || continue
	name=${key#*:}
	stubbed+=("$name()")
	file=$dest/part-$part/isolate.c
	[[ $name == end_nest || $name == netlink_create_veth ]] && file=$dest/part-$part/netlink.c
	stub "$file" "$name" "${hints[$key]}"
done
# The stubs leave parameters and helpers unused: not an error in a lab.
for file in "$dest/part-$part"/*.c; do
	grep -q 'TODO(lab)' "$file" || continue
	sed -i '0,/^#define _GNU_SOURCE$/s//#define _GNU_SOURCE\n#pragma GCC diagnostic ignored "-Wunused-parameter"\n#pragma GCC diagnostic ignored "-Wunused-function"\n#pragma GCC diagnostic ignored "-Wunused-variable"/' "$file"
	grep -q '"../common/error.h"' "$file" ||
		sed -i '0,/^#include "netlink.h"$/s//#include "netlink.h"\n#include "..\/common\/error.h"/' "$file"
done

# The lab edition of the pages: each code quote of part-N's files gives
# way to a note (the experiments, explanations, transcripts and check
# your work stay).
for doc in "$dest"/docs/*.md "$dest"/README.md; do
	grep -q "^\`\`\`[a-z]* part-$part/" "$doc" || continue
	awk -v part="part-$part/" '
		!skip && $0 ~ "^```[a-z]* " part {
			skip = 1
			file = $2
			next
		}
		skip && /^```[ \t]*$/ {
			skip = 0
			print "> **Lab edition:** the code quoted here, from `" file "`, is yours"
			print "> to write: see the `TODO(lab)` comments in that file."
			next
		}
		skip { next }
		{ print }' "$doc" >"$doc.new"
	mv "$doc.new" "$doc"
done
if [[ -e $dest/docs/part-$part.md ]]; then
	sed -i '1a\
\
> **Lab edition.** This chapter is the one for your lab: its experiments,\
> explanations and checks are all here, but not the code of the lesson,\
> which you write in `part-'"$part"'/`. Grading runs this stage'"'"'s tests:\
> `make test-part-'"$part"'` shows where you are.' "$dest/docs/part-$part.md"
fi

# One commit: `git diff` is the student's work.
git -C "$dest" init -q
git -C "$dest" add -A
git -C "$dest" -c user.name=isolate -c user.email=lab@isolate.invalid \
	commit -q -m "lab: part-$part, to write: ${stubbed[*]}"
echo "lab: $dest, part-$part to write ($(cat "$dest/part-$part"/*.c | grep -c "TODO(lab)") functions); check with: make -C $dest test-part-$part"
