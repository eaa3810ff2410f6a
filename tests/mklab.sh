#!/usr/bin/env bash
# mklab.sh: `make lab PART=N DEST=DIR`.  A copy of the repository for a
# classroom lab, in which part-N's lesson (the functions that set up the
# stage's new namespace) is replaced by stubs with a hint each.  In the
# copy, `make test-part-N` fails until the student writes them; the
# solution is this repository's part-N, so a lab never drifts from it.
set -eu
cd "$(dirname "$0")/.."

part=${1:?usage: $0 PART DEST}
dest=${2:?usage: $0 PART DEST}
[[ -f part-$part/isolate.c ]] || { echo "mklab: no part-$part" >&2; exit 2; }
[[ ! -e $dest || -z $(ls -A "$dest") ]] || { echo "mklab: $dest is not empty" >&2; exit 2; }

# The lesson of each stage, and a hint for each function.
declare -A hints=(
	[1:prepare_uts]="when opts->hostname is set, give it to sethostname(2); uts_namespaces(7)"
	[2:write_id_map]='write "0 OUTSIDE 1\\n" to /proc/PID/FILE in one write (write_file); user_namespaces(7)'
	[2:prepare_userns]='uid_map first; then, if not root, "deny" to /proc/PID/setgroups (CVE-2014-8989); then gid_map'
	[2:become_root]="setgid(0), then setuid(0): ids of the new user namespace"
	[3:prepare_mntns]='make / private (MS_REC | MS_PRIVATE), bind the rootfs on itself, chdir into it, mount proc and dev, pivot_root(".", "."), umount2(".", MNT_DETACH), chdir("/")'
	[3:mount_dev]="a tmpfs on dev; for each device, an empty file with /dev/NAME bind-mounted on it (mknod is refused in a user namespace); the links fd, stdin, stdout, stderr (to /proc/self/fd/N) and ptmx (to pts/ptmx); then mount_in_dev() a new devpts instance on pts and a tmpfs on shm"
	[3:run_as_init]="close every fd above 2 (close_range); hide_init() for a copy of the command; fork(); the child runs exec_command(); the parent exits with what wait_command_as_init() returns"
	[3:prepare_environment]="read TERM and each --env NAME's value first; clearenv(3); setenv(3) PATH, HOME=/root, HOSTNAME (gethostname) and TERM if set; then each --env"
	[4:prepare_ipcns]="mkdir /dev/mqueue, and mount an mqueue file system on it: it shows the new IPC namespace's queues"
	[4:create_veth]="netlink_open(), netlink_create_veth() with the peer in pid's namespace, then the host end's address (.1/30) and netlink_link_up()"
	[4:prepare_netns]="netlink_open() in the child; lo up; with a veth, eth0 gets .2/30, goes up, and the default route goes via net->host_addr"
)

mkdir -p "$dest"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z | xargs -0 cp --parents -P -t "$dest"
else
	tar --exclude=./rootfs --exclude='./part-*/isolate' -cf - . | tar -xf - -C "$dest"
fi

file=$dest/part-$part/isolate.c
for key in "${!hints[@]}"; do
	[[ ${key%%:*} == "$part" ]] || continue
	name=${key#*:}
	awk -v name="$name" -v hint="${hints[$key]}" '
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
		{ print }' "$file" >"$file.new"
	mv "$file.new" "$file"
done
# The stubs leave parameters and helpers unused: not an error in a lab.
sed -i '0,/^#define _GNU_SOURCE$/s//#define _GNU_SOURCE\n#pragma GCC diagnostic ignored "-Wunused-parameter"\n#pragma GCC diagnostic ignored "-Wunused-function"/' "$file"
echo "lab: $dest, part-$part to write ($(grep -c 'TODO(lab)' "$file") functions); check with: make -C $dest test-part-$part"
