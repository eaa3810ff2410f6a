/*
 * isolate, part 4: run a command in new UTS, user, mount, PID, network,
 * IPC and cgroup namespaces, in a root filesystem of its own.
 *
 * The UTS namespace holds the host name and the NIS domain name
 * (uts_namespaces(7)).  In a new one, the command can change its host
 * name and the host never sees it.  It is the simplest namespace, which
 * makes it the right one to learn the shape every later stage keeps:
 *
 *   main()   parses the options, clones the child into new namespaces,
 *            does the parent's share of the setup, releases the child,
 *            and waits for the command, passing signals on to it;
 *   child()  waits to be released, does the setup that must happen
 *            inside the namespaces, and execs the command.
 *
 * The plumbing that is not about namespaces (error messages, the setup
 * pipe, exec and exit status) lives in ../common.
 *
 * Part 2 adds the user namespace (user_namespaces(7)): the command is
 * root inside, with every capability over its own namespaces, and one
 * unprivileged user outside (or, as root, with --map-count, a range of
 * host ids for a whole system's users).  Only the parent can give it
 * that mapping, after clone(2) and before the child goes on: the setup
 * pipe's job.
 *
 * Part 3 adds the mount namespace (mount_namespaces(7)), in which the
 * child makes a directory its whole file system with pivot_root(2), and
 * the PID namespace (pid_namespaces(7)), in which the command is PID 1
 * and sees only its own processes.  With a root of its own, it also gets
 * an environment of its own, and the /dev that programs expect.
 *
 * Part 4 adds the network namespace (network_namespaces(7)): the command
 * sees only lo and eth0, one end of a veth pair whose other end is on
 * the host (veth(4)).  The pair is made over rtnetlink, in netlink.c.
 * /etc/hosts and /etc/hostname inside name the container and its
 * address, and /etc/resolv.conf a nameserver it can reach.  It also adds
 * the IPC namespace, with its own /dev/mqueue, and the cgroup namespace,
 * to match docker run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/command.h"
#include "../common/console.h"
#include "../common/error.h"
#include "../common/file.h"
#include "../common/handshake.h"
#include "../common/options.h"
#include "../common/sysctl.h"
#include "netlink.h"

static const char usage[] =
	"Usage: isolate [OPTION...] [--] COMMAND [ARG...]\n"
	"Run COMMAND in new namespaces: part 4, all but time.\n"
	"\n"
	"  --net MODE       veth (default): eth0, wired to the host; none: lo only\n"
	"  --net-range CIDR where each container's /30 comes from\n"
	"                   (default: 10.200.0.0/16)\n"
	"  --dns ADDRESS    the nameserver inside (default: the host's, but\n"
	"                   not one on its loopback, like 127.0.0.53)\n"
	"  --rootfs DIR     the root filesystem (default: " DEFAULT_ROOTFS ")\n"
	"  --init           run a tiny init as PID 1, the command as its child\n"
	"  --hostname NAME  the host name inside (default: the host's)\n"
	"  -e, --env NAME=VALUE  set a variable in the command's environment;\n"
	"  -e, --env NAME   pass on the caller's (the environment is otherwise\n"
	"                   PATH, HOME, HOSTNAME and TERM: see docs/part-3.md)\n"
	"  --map-uid UID    the host uid that root inside maps to\n"
	"  --map-gid GID    the host gid that root inside maps to\n"
	"                   (default: the sudo caller's ids; without sudo,\n"
	"                   your own; as plain root, 65534, nobody)\n"
	"  --map-count N    map ids 0 to N-1 inside to N host ids from UID\n"
	"                   and GID (default 1: root alone; more need root,\n"
	"                   and --map-uid and --map-gid: see docs/part-2.md)\n"
	"  --stop-timeout S seconds from SIGTERM or SIGINT to SIGKILL, when\n"
	"                   the command is still running (default: 10)\n"
	"  -v, --verbose    print each setup step on stderr\n"
	"  -h, --help       print this help and exit\n"
	"\n"
	"Exit status: the command's; 128+N if signal N killed it; 125 if\n"
	"isolate failed; 126 if COMMAND cannot run; 127 if it is not found.\n";

/* The most --env options, and the variables every command gets. */
enum { MAX_ENV = 64, ENV_DEFAULTS = 4 };

struct options {
	bool veth;		/* --net veth, not --net none */
	struct in_addr range;	/* --net-range: the first address... */
	int range_prefix;	/* ...and its prefix length */
	const char *dns;	/* --dns: NULL for the host's nameservers */
	const char *rootfs;	/* the directory that becomes / */
	bool init;		/* --init: PID 1 is ours, not the command */
	const char *hostname;	/* NULL: keep the host's */
	const char *env[MAX_ENV];	/* each --env, in order... */
	size_t env_count;		/* ...and how many */
	uid_t map_uid;		/* the host ids root inside maps to; */
	gid_t map_gid;		/* (uid_t)-1 until chosen */
	unsigned int map_count;	/* ids 0 to map_count-1 inside are mapped */
	int stop_timeout;	/* --stop-timeout, in seconds */
	bool verbose;
	char **command;		/* NULL-terminated, as execvp(3) wants it */
};

/* The veth pair's names and addresses: a /30 of our own. */
struct network {
	char host_end[IF_NAMESIZE];	/* "iso" + isolate's pid */
	struct in_addr host_addr;	/* .1 of the /30, the gateway */
	struct in_addr container_addr;	/* .2 of the /30, on eth0 */
};

/* What the child needs from main(); clone(2) passes one pointer. */
struct container {
	const struct options *opts;
	struct network net;
	struct handshake sync;
	struct console console;
	struct relay signals;
	/* The command's environment, built by the child; see below. */
	char *environment[ENV_DEFAULTS + MAX_ENV + 1];
	char hostname_var[sizeof "HOSTNAME=" + HOST_NAME_MAX];
	/* /etc/resolv.conf inside: read by main(), from the host's. */
	char resolv_conf[128];
};

/*
 * Whom root inside is, outside.  Never host root by default: the user
 * who ran sudo, else the caller (the only id an unprivileged caller may
 * map), else nobody.
 */
static void choose_ids(struct options *opts)
{
	const char *sudo_uid = getenv("SUDO_UID");
	const char *sudo_gid = getenv("SUDO_GID");
	uid_t uid = 65534;
	gid_t gid = 65534;

	if (geteuid() != 0) {
		uid = geteuid();
		gid = getegid();
	} else if (sudo_uid != NULL && sudo_gid != NULL) {
		uid = parse_id("SUDO_UID", sudo_uid);
		gid = parse_id("SUDO_GID", sudo_gid);
		if (uid == 0) {	/* sudo run by root itself */
			uid = 65534;
			gid = 65534;
		}
	}
	/*
	 * A range that starts at a user's own id would hand root inside the
	 * ids of the users after it: the caller chooses one no one uses.
	 */
	if (opts->map_count > 1 &&
	    (opts->map_uid == (uid_t)-1 || opts->map_gid == (gid_t)-1))
		usage_error("--map-count %u needs --map-uid and --map-gid, the first host ids of the range",
			    opts->map_count);
	if (opts->map_uid == (uid_t)-1)
		opts->map_uid = uid;
	if (opts->map_gid == (gid_t)-1)
		opts->map_gid = gid;
	/* The last id of the range must be an id too: 4294967294 at most. */
	if (opts->map_uid > 4294967295u - opts->map_count ||
	    opts->map_gid > 4294967295u - opts->map_count)
		usage_error("--map-count %u: the range from uid %u, gid %u passes 4294967294, the last id",
			    opts->map_count, (unsigned int)opts->map_uid,
			    (unsigned int)opts->map_gid);
}

/*
 * Refuse an unusable rootfs before anything is cloned or mounted.  Its
 * proc and dev must be real directories: we mount over them, and a
 * symlink there could point the mount at any directory of the host.
 */
static void check_rootfs(const char *rootfs)
{
	static const char *const mount_points[] = { "proc", "dev" };
	struct stat st, host_root;
	char path[PATH_MAX];

	if (stat(rootfs, &st) == -1) {
		report_errno("rootfs %s", rootfs);
		if (errno == ENOENT && strcmp(rootfs, DEFAULT_ROOTFS) == 0)
			hint("build the default one with: make -C %s rootfs",
			     REPOSITORY);
		exit_now(EXIT_SETUP_FAILED);
	}
	if (!S_ISDIR(st.st_mode))
		die("rootfs %s: not a directory", rootfs);
	/* "/" (or a bind mount of it): the container would be the host. */
	if (stat("/", &host_root) == 0 && st.st_dev == host_root.st_dev &&
	    st.st_ino == host_root.st_ino)
		die("rootfs %s: the host's own root, refused", rootfs);
	for (size_t i = 0; i < sizeof mount_points / sizeof mount_points[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", rootfs, mount_points[i]);
		if (lstat(path, &st) == -1)
			die_errno("rootfs %s", path);
		if (S_ISLNK(st.st_mode))
			die("rootfs %s: a symlink, refused as a mount point", path);
		if (!S_ISDIR(st.st_mode))
			die("rootfs %s: not a directory", path);
	}
}

/* --net-range A.B.C.D/N, with room for at least one /30. */
static void parse_range(const char *value, struct options *opts)
{
	char addr[INET_ADDRSTRLEN];
	int prefix, end;

	if (sscanf(value, "%15[0-9.]/%d%n", addr, &prefix, &end) != 2 ||
	    value[end] != '\0' || inet_pton(AF_INET, addr, &opts->range) != 1)
		usage_error("--net-range: '%s' is not an IPv4 range like 10.200.0.0/16", value);
	if (prefix < 8 || prefix > 30)
		usage_error("--net-range: /%d is not between /8 and /30", prefix);
	uint32_t base = ntohl(opts->range.s_addr);
	uint32_t host_bits = (1u << (32 - prefix)) - 1;

	if ((base & host_bits) != 0)
		usage_error("--net-range: %s has host bits set for /%d", addr, prefix);
	/* 0/8 "this network", 127/8 loopback, 224/3 multicast and reserved. */
	if (base >> 24 == 0 || base >> 24 == 127 || base >> 29 == 7)
		usage_error("--net-range: %s/%d is not a unicast range", addr, prefix);
	opts->range_prefix = prefix;
}

static void parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "net", required_argument, NULL, 'N' },
		{ "net-range", required_argument, NULL, 'R' },
		{ "dns", required_argument, NULL, 'd' },
		{ "rootfs", required_argument, NULL, 'r' },
		{ "init", no_argument, NULL, 'i' },
		{ "hostname", required_argument, NULL, 'n' },
		{ "env", required_argument, NULL, 'e' },
		{ "map-uid", required_argument, NULL, 'u' },
		{ "map-gid", required_argument, NULL, 'g' },
		{ "map-count", required_argument, NULL, 'c' },
		{ "stop-timeout", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	/* "+": stop at the command, so "isolate ls -l" runs "ls -l";
	 * ":": report a missing value as ':' rather than '?'. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'N':
			if (strcmp(optarg, "veth") != 0 && strcmp(optarg, "none") != 0)
				usage_error("--net: '%s' is not veth or none", optarg);
			opts->veth = strcmp(optarg, "veth") == 0;
			break;
		case 'R':
			parse_range(optarg, opts);
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &(struct in_addr){ 0 }) != 1)
				usage_error("--dns: '%s' is not an IPv4 address", optarg);
			opts->dns = optarg;
			break;
		case 'r':
			check_length("--rootfs", optarg, PATH_MAX - 1);
			opts->rootfs = optarg;
			break;
		case 'i':
			opts->init = true;
			break;
		case 'n':
			check_length("--hostname", optarg, HOST_NAME_MAX);
			opts->hostname = optarg;
			break;
		case 'e':
			if (optarg[0] == '\0' || optarg[0] == '=')
				usage_error("--env: '%s' has no variable name", optarg);
			if (opts->env_count == MAX_ENV)
				usage_error("--env: more than %d variables", MAX_ENV);
			opts->env[opts->env_count++] = optarg;
			break;
		case 'u':
			opts->map_uid = parse_id("--map-uid", optarg);
			break;
		case 'g':
			opts->map_gid = parse_id("--map-gid", optarg);
			break;
		case 'c':
			opts->map_count = parse_count("--map-count", optarg, 4294967295u);
			break;
		case 's':
			opts->stop_timeout = parse_seconds("--stop-timeout", optarg);
			break;
		case 'v':
			opts->verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			bad_option(c, argv[optind - 1], optopt);
		}
	}
	if (optind == argc)
		usage_error("no command given");
	opts->command = &argv[optind];
	choose_ids(opts);
	check_rootfs(opts->rootfs);
}

/* Inside the new UTS namespace: sethostname(2) changes only our copy. */
static void prepare_uts(const struct options *opts)
{
	if (opts->hostname == NULL)
		return;
	if (sethostname(opts->hostname, strlen(opts->hostname)) == -1)
		die_errno("sethostname %s", opts->hostname);
	trace(opts->verbose, "host name set to %s", opts->hostname);
}

/* The caller's "NAME=VALUE" for `name` (up to '=' or '\0'), or NULL. */
static char *caller_variable(const char *name)
{
	size_t len = strcspn(name, "=");

	for (char **var = environ; *var != NULL; var++)
		if (strncmp(*var, name, len) == 0 && (*var)[len] == '=')
			return *var;
	return NULL;
}

/* Add "NAME=VALUE" to `vars`, replacing a variable of the same name. */
static void set_variable(char **vars, size_t *count, char *var)
{
	size_t len = strcspn(var, "=") + 1;
	size_t i = 0;

	while (i < *count && strncmp(vars[i], var, len) != 0)
		i++;
	vars[i] = var;
	if (i == *count)
		(*count)++;
}

/*
 * With a root of its own, an environment of its own, as docker run gives:
 * the caller's PATH names host directories, and its variables may hold
 * secrets.  PATH, HOME and HOSTNAME fit the container; TERM, when the
 * caller has one, names the kind of terminal, which the command's mirrors
 * (console.h).  Then each --env: NAME=VALUE, or NAME for the caller's.
 * No heap: the array and HOSTNAME live in our copy of main()'s memory,
 * and the strings in the caller's arguments and environment, until
 * execve(2) copies them for the command.
 */
static void prepare_environment(struct container *c)
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	static char home[] = "HOME=/root";
	char name[HOST_NAME_MAX + 1] = "", *var, **vars = c->environment;
	size_t count = 0;

	gethostname(name, sizeof name - 1);
	snprintf(c->hostname_var, sizeof c->hostname_var, "HOSTNAME=%s", name);
	set_variable(vars, &count, path);
	set_variable(vars, &count, home);
	set_variable(vars, &count, c->hostname_var);
	if ((var = caller_variable("TERM")) != NULL)
		set_variable(vars, &count, var);
	for (size_t i = 0; i < c->opts->env_count; i++) {
		var = (char *)c->opts->env[i];
		if (strchr(var, '=') == NULL)
			var = caller_variable(var);	/* NULL if unset */
		if (var != NULL)
			set_variable(vars, &count, var);
	}
	vars[count] = NULL;
	environ = vars;	/* what execvp(3) searches and passes on */
	trace(c->opts->verbose, "environment: %zu variables", count);
}

/* Write one line to /proc/PID/<file>: "<inside> <outside> <count>". */
static void write_id_map(pid_t pid, const char *file, unsigned int outside,
			 unsigned int count)
{
	char path[64], why[128];

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if (write_file(path, "0 %u %u\n", outside, count) == 0)
		return;
	report_errno("write %s \"0 %u %u\"", path, outside, count);
	if (errno != EPERM)
		exit_now(EXIT_SETUP_FAILED);
	if (userns_restriction(why, sizeof why) != NULL)
		hint("user namespaces are restricted here: %s", why);
	else if (geteuid() != 0 && count > 1)
		hint("without root, the kernel maps one id, your own: a range needs root (newuidmap(1) and /etc/subuid do it for users; isolate uses the kernel alone)");
	else if (geteuid() != 0)
		hint("without root, you can map only your own id (uid %u, gid %u)",
		     (unsigned int)geteuid(), (unsigned int)getegid());
	else
		hint("%u must be mapped in isolate's own user namespace too (/proc/self/%s)",
		     outside, file);
	exit_now(EXIT_SETUP_FAILED);
}

/*
 * From the parent, while the child waits: map root inside to one host
 * uid and gid, or ids 0 to map_count-1 to as many from there (a whole
 * distribution's users: apt's _apt, 42; nobody, 65534).  Until then,
 * ids read as the overflow id 65534 inside, though the child still
 * holds the caller's credentials on the host.
 */
static void prepare_userns(pid_t pid, const struct options *opts)
{
	char path[64];

	write_id_map(pid, "uid_map", opts->map_uid, opts->map_count);
	/*
	 * Without CAP_SETGID over us, the kernel accepts a gid_map only once
	 * setgroups(2) is denied in the namespace for good (CVE-2014-8989:
	 * dropping a group could unlock files that deny that group).
	 */
	if (geteuid() != 0) {
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
		if (write_file(path, "deny") == -1)
			die_errno("write %s \"deny\"", path);
	}
	write_id_map(pid, "gid_map", opts->map_gid, opts->map_count);
	trace(opts->verbose, "mapped root in pid %d to uid %u gid %u", (int)pid,
	      (unsigned int)opts->map_uid, (unsigned int)opts->map_gid);
	if (opts->map_count > 1)
		trace(opts->verbose, "and ids 1 to %u to the %u uids and gids after those",
		      opts->map_count - 1, opts->map_count - 1);
}

/* In the child, once mapped: become uid 0 and gid 0 of the namespace. */
static void become_root(void)
{
	if (setgid(0) == -1)
		die_errno("setgid 0 in the new user namespace");
	if (setuid(0) == -1)
		die_errno("setuid 0 in the new user namespace");
}

/*
 * Supplementary groups cross clone(2) unchanged: a root caller's group 0
 * would follow the command.  Drop them (an unprivileged caller cannot,
 * and its groups are its own).
 */
static void drop_host_groups(void)
{
	if (geteuid() != 0 || getgroups(0, NULL) == 0)
		return;
	if (setgroups(0, NULL) == -1)
		die_errno("setgroups: drop isolate's supplementary groups");
}

/*
 * A program may reopen its stdout by path (/dev/stdout is a link to
 * /proc/self/fd/1): the kernel then checks the file's owner and mode, as
 * for any open(2).  Our pipes belong to the caller, whom root inside is
 * not.  Give them, and sockets, to root inside, as runc does with the
 * pipes it hands a container; files and terminals stay the caller's.
 */
static void give_stdio_pipes(const struct options *opts)
{
	struct stat st;

	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (geteuid() != 0 || fstat(fd, &st) == -1 ||
		    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) ||
		    st.st_uid == opts->map_uid)
			continue;
		/* Nested in another user namespace, we may not: no harm. */
		if (fchown(fd, opts->map_uid, opts->map_gid) == -1)
			trace(opts->verbose, "fd %d stays the caller's: %s", fd,
			      strerror(errno));
	}
}

/*
 * Mount onto `dir`, a directory of the rootfs (our working directory),
 * never through a symlink: O_NOFOLLOW with O_DIRECTORY refuses one
 * (ENOTDIR), and mounting on
 * /proc/self/fd/N mounts on exactly the directory we opened, even if
 * someone swaps the path meanwhile (runc's CVE-2021-30465 was that race).
 */
static void mount_in_rootfs(const char *source, const char *dir,
			    const char *fstype, unsigned long flags,
			    const char *data)
{
	char target[64];
	int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd == -1)
		die_errno("open %s in the rootfs", dir);
	snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
	if (mount(source, target, fstype, flags, data) == -1)
		die_errno("mount %s on /%s", source, dir);
	close(fd);
}

/* A directory `name` in our new dev/, and a file system mounted on it. */
static void mount_in_dev(const char *source, const char *name,
			 const char *fstype, unsigned long flags,
			 const char *data)
{
	char dir[32];

	snprintf(dir, sizeof dir, "dev/%s", name);
	if (mkdir(dir, 0755) == -1)
		die_errno("mkdir /%s", dir);
	if (mount(source, dir, fstype, flags, data) == -1)
		die_errno("mount %s on /%s", fstype, dir);
}

/*
 * A /dev with just what ordinary programs open.  Inside a user namespace
 * mknod(2) is refused, so each node is the host's, bound onto an empty
 * file in a tmpfs of our own: the rootfs's dev/ stays untouched.  Plain
 * paths are safe here: the tmpfs was mounted a moment ago, by us, and
 * nothing in it can be a symlink.
 */
static void mount_dev(void)
{
	static const char *const devices[] = {
		"null", "zero", "full", "random", "urandom", "tty",
	};
	/* The links docker and the OCI runtime spec put there: scripts
	 * write to /dev/stdout, and ptys are opened through /dev/ptmx. */
	static const char *const links[][2] = {
		{ "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" },
		{ "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" },
		{ "pts/ptmx", "dev/ptmx" },
	};
	char host[32], inside[32];

	mount_in_rootfs("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
			"mode=755,size=64k");
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		snprintf(host, sizeof host, "/dev/%s", devices[i]);
		snprintf(inside, sizeof inside, "dev/%s", devices[i]);
		int fd = open(inside, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

		if (fd == -1)
			die_errno("create %s in the rootfs", inside);
		close(fd);
		if (mount(host, inside, NULL, MS_BIND, NULL) == -1)
			die_errno("bind %s on /%s", host, inside);
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
		if (symlink(links[i][0], links[i][1]) == -1)
			die_errno("symlink /%s", links[i][1]);
	/*
	 * A devpts of our own (newinstance, devpts in the kernel's
	 * filesystems docs): ptys opened inside are numbered from 0 and the
	 * host's are not there.  ptmxmode=0666: pts/ptmx is usable by all.
	 * No gid=5 (tty): our namespace maps only gid 0.
	 */
	mount_in_dev("devpts", "pts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620");
	/* POSIX shared memory (shm_overview(7)) is files in /dev/shm: a
	 * tmpfs of our own, or the command would share the host's. */
	mount_in_dev("shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=64m");
}

/*
 * In the child, inside the new mount namespace: make the rootfs our /.
 * The namespace starts as a copy of the host's mount table.
 */
static void prepare_mntns(const struct options *opts)
{
	/*
	 * The copy keeps the host's propagation, and systemd makes / shared:
	 * our mounts would show up on the host, and pivot_root(2) refuses
	 * (EINVAL) a shared mount.  Because this mount namespace belongs to
	 * a new user namespace, the kernel has already turned shared into
	 * slave (mount_namespaces(7)); that is why code without this line
	 * works, by accident.  Make every mount private, and rely on no one.
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		die_errno("make every mount private");
	/* pivot_root(2) needs new_root to be a mount point: bind it on itself. */
	if (mount(opts->rootfs, opts->rootfs, NULL, MS_BIND | MS_REC, NULL) == -1)
		die_errno("bind %s on itself", opts->rootfs);
	if (chdir(opts->rootfs) == -1) {
		report_errno("chdir %s", opts->rootfs);
		if (errno == EACCES)
			hint("root inside is uid %u on the host, which must be able to read the rootfs",
			     (unsigned int)opts->map_uid);
		exit_now(EXIT_SETUP_FAILED);
	}
	/*
	 * A /proc for our PID namespace, mounted while the host's /proc is
	 * still in sight: in a user namespace the kernel lets proc be mounted
	 * only where a full proc is already visible (mount_too_revealing()
	 * in fs/namespace.c), so after the old root is gone it says EPERM.
	 */
	mount_in_rootfs("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			NULL);
	mount_dev();
	/*
	 * pivot_root(".", "."): the rootfs becomes /, and the old root is
	 * stacked on top of it, where umount2() detaches it.  No put_old
	 * directory to create in the rootfs, or to remove (pivot_root(2)).
	 */
	if (syscall(SYS_pivot_root, ".", ".") == -1) {
		report_errno("pivot_root to %s", opts->rootfs);
		if (errno == EINVAL)
			hint("pivot_root(2) refuses a shared mount or an initramfs /");
		exit_now(EXIT_SETUP_FAILED);
	}
	if (umount2(".", MNT_DETACH) == -1)
		die_errno("detach the old root");
	if (chdir("/") == -1)
		die_errno("chdir /");
	trace(opts->verbose, "root is now %s", opts->rootfs);
}

/*
 * Inside the new IPC namespace, System V IPC objects and POSIX message
 * queues are the container's own (ipc_namespaces(7)).  The queues are
 * files of an mqueue file system (mq_overview(7)); mounted from here, it
 * shows this namespace's queues, and none of the host's.
 */
static void prepare_ipcns(const struct options *opts)
{
	if (mkdir("/dev/mqueue", 0755) == -1)
		die_errno("mkdir /dev/mqueue");
	if (mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == -1)
		die_errno("mount mqueue on /dev/mqueue");
	trace(opts->verbose, "/dev/mqueue shows this IPC namespace's queues");
}

/*
 * /etc/`name` with `content`, if the rootfs has that file: a file of the
 * scratch tmpfs bound over it.  The rootfs's own stays as it was: a bind
 * mount covers a file, it never writes to it.
 */
static void cover_etc_file(const char *name, const char *content)
{
	char scratch[64], target[64];
	struct stat st;
	int fd;

	snprintf(target, sizeof target, "/etc/%s", name);
	/* lstat(2): a symlink could name any file of the rootfs. */
	if (lstat(target, &st) == -1 || !S_ISREG(st.st_mode))
		return;	/* nothing to cover, and nothing we may create */
	snprintf(scratch, sizeof scratch, "/dev/.etc/%s", name);
	fd = open(scratch, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	if (fd == -1 || close(fd) == -1 || write_file(scratch, "%s", content) == -1)
		die_errno("write %s", scratch);
	if (mount(scratch, target, NULL, MS_BIND, NULL) == -1)
		die_errno("bind %s on %s", scratch, target);
}

/*
 * Add to `out` the IPv4 nameservers `file` names, up to three (resolv.conf(5)
 * reads no more), but none on the loopback network: 127.0.0.53, where
 * systemd-resolved answers the host, is the container's own lo inside.
 */
static void read_nameservers(const char *file, char *out, size_t size)
{
	char line[256], addr[INET_ADDRSTRLEN];
	struct in_addr in;
	int found = 0;
	FILE *f = fopen(file, "re");

	if (f == NULL)
		return;
	while (found < 3 && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, " nameserver %15s", addr) != 1 ||
		    inet_pton(AF_INET, addr, &in) != 1 || ntohl(in.s_addr) >> 24 == 127)
			continue;
		snprintf(out + strlen(out), size - strlen(out), "nameserver %s\n", addr);
		found++;
	}
	fclose(f);
}

/*
 * In the parent, while the host's files are in reach: the nameservers
 * the container's /etc/resolv.conf names, as docker run chooses them.
 * --dns; else the host's; else, when the host names only its own
 * loopback, the servers systemd-resolved asks on its behalf.
 */
static void choose_nameservers(const struct options *opts, struct container *c)
{
	if (opts->dns != NULL) {
		snprintf(c->resolv_conf, sizeof c->resolv_conf, "nameserver %s\n", opts->dns);
		return;
	}
	read_nameservers("/etc/resolv.conf", c->resolv_conf, sizeof c->resolv_conf);
	if (c->resolv_conf[0] == '\0')
		read_nameservers("/run/systemd/resolve/resolv.conf", c->resolv_conf,
				 sizeof c->resolv_conf);
	if (c->resolv_conf[0] == '\0')
		snprintf(c->resolv_conf, sizeof c->resolv_conf,
			 "# isolate: the host names no nameserver a container can reach\n");
}

/*
 * /etc/hostname and /etc/hosts that agree with the container's host name
 * and address, and the /etc/resolv.conf main() chose, as docker run
 * bind-mounts them.  Their content lives in a tmpfs mounted for a
 * moment on /dev/.etc: once all three are bound, it is detached from
 * there, and reachable only through the three files.
 */
static void mount_hosts_files(const struct container *c)
{
	char name[HOST_NAME_MAX + 1] = "", addr[INET_ADDRSTRLEN] = "127.0.1.1";
	char line[HOST_NAME_MAX + 2], hosts[256];

	gethostname(name, sizeof name - 1);
	if (c->opts->veth)
		inet_ntop(AF_INET, &c->net.container_addr, addr, sizeof addr);
	snprintf(line, sizeof line, "%s\n", name);
	snprintf(hosts, sizeof hosts,
		 "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n",
		 addr, name);
	if (mkdir("/dev/.etc", 0700) == -1 ||
	    mount("tmpfs", "/dev/.etc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=16k") == -1)
		die_errno("mount a tmpfs on /dev/.etc");
	cover_etc_file("hostname", line);
	cover_etc_file("hosts", hosts);
	cover_etc_file("resolv.conf", c->resolv_conf);
	if (umount2("/dev/.etc", MNT_DETACH) == -1 || rmdir("/dev/.etc") == -1)
		die_errno("remove /dev/.etc");
	trace(c->opts->verbose, "/etc/hosts: %s is %s", name, addr);
}

/*
 * --init: stay PID 1 ourselves, with the command as our child, like
 * docker run --init.  PID 1 gets no default signal actions (a SIGTERM it
 * has no handler for is dropped) and inherits every orphan, to reap:
 * a command not written for that would ignore SIGTERM and pile up
 * zombies (pid_namespaces(7)).  Our init has no handlers either, but it
 * keeps the signals blocked, and a blocked signal is queued, not dropped:
 * wait_command_as_init() collects them, forwards them, and reaps.
 */
noreturn static void run_as_init(const struct container *c)
{
	int hidden[2];
	char go;
	pid_t pid;

	/*
	 * We never exec, so exec_command()'s close-on-exec cleanup does not
	 * reach us: close every fd but 0-2 for real.  The command is root in
	 * our user namespace, as we are, and could open any fd of ours
	 * through /proc/1/fd.
	 */
	if (close_range(STDERR_FILENO + 1, ~0U, 0) == -1)
		die_errno("close isolate's descriptors in the init");
	/*
	 * Nor may the command read our memory, which holds the caller's
	 * environment and command line (/proc/1/environ, ps, ptrace(2)):
	 * it starts when hide_init() is done, and we close `hidden`.
	 */
	if (pipe2(hidden, O_CLOEXEC) == -1)
		die_errno("create the pipe to the command under --init");
	pid = fork();
	if (pid == -1)
		die_errno("fork the command under --init");
	if (pid == 0) {
		close(hidden[1]);
		if (read(hidden[0], &go, 1) != 0)
			exit_now(EXIT_SETUP_FAILED);
		exec_command(c->opts->command, &c->signals);
	}
	hide_init("isolate-init", c->opts->command[0]);
	close(hidden[1]);
	close(hidden[0]);
	exit_now(wait_command_as_init(pid, &c->signals));
}

/*
 * Whether the host already routes `addr` by something narrower than a
 * default route (`ip route get fibmatch ADDR`): the address is its own
 * (a host end's gateway), or in another container's /30, or in a
 * network of the host's, which a /30 of ours would shadow.
 */
static bool routed(int nl, struct in_addr addr)
{
	char text[INET_ADDRSTRLEN];
	int prefix = netlink_route_prefix(nl, addr);

	if (prefix == -1 && errno != ENETUNREACH)
		die_errno("look up the host's route to %s",
			  inet_ntop(AF_INET, &addr, text, sizeof text));
	return prefix > 0;
}

/*
 * Names and addresses unique among running containers, chosen before
 * clone(2) so that the child has them too: isolate's own pid names the
 * host end, and picks the first /30 of the range to try.  A /30 that
 * the host already routes belongs to another container (pids wrap
 * around) or to a network of the host's: take the next one.
 */
static void choose_network(const struct options *opts, struct network *net)
{
	uint32_t subnets = 1u << (30 - opts->range_prefix);
	uint32_t base = ntohl(opts->range.s_addr);
	int nl = netlink_open();

	if (nl == -1)
		die_errno("open a netlink socket");
	snprintf(net->host_end, sizeof net->host_end, "iso%d", (int)getpid());
	for (uint32_t i = 0; i < subnets; i++) {
		uint32_t subnet = base + ((getpid() + i) % subnets) * 4;

		net->host_addr.s_addr = htonl(subnet + 1);
		net->container_addr.s_addr = htonl(subnet + 2);
		if (!routed(nl, net->host_addr) && !routed(nl, net->container_addr)) {
			close(nl);
			return;
		}
	}
	report("--net-range: no /30 of it is free: the host already routes every one");
	hint("each is another container's, or in a network of the host's (ip route get fibmatch ADDRESS): choose another --net-range");
	exit_now(EXIT_SETUP_FAILED);
}

/*
 * In the parent, on the host: the veth pair.  Its eth0 end is created
 * directly in the child's network namespace (IFLA_NET_NS_PID): cheaper
 * than creating it here and moving it, and nothing is left on the host
 * when the namespace goes, since deleting one end deletes both.
 */
static void create_veth(pid_t pid, const struct network *net, bool verbose)
{
	char addr[INET_ADDRSTRLEN];
	int nl = netlink_open();

	if (nl == -1)
		die_errno("open a netlink socket");
	if (netlink_create_veth(nl, net->host_end, "eth0", pid) == -1) {
		report_errno("create veth %s", net->host_end);
		if (errno == EPERM)
			hint("the host end needs root (CAP_NET_ADMIN on the host); rootless, use --net none");
		else if (errno == EEXIST)
			hint("a link named %s exists already (made by hand?): ip link del %s",
			     net->host_end, net->host_end);
		else if (errno == EOPNOTSUPP)
			hint("this kernel has no veth driver: modprobe veth");
		exit_now(EXIT_SETUP_FAILED);
	}
	inet_ntop(AF_INET, &net->host_addr, addr, sizeof addr);
	if (netlink_add_address(nl, net->host_end, net->host_addr, 30) == -1)
		die_errno("add address %s/30 to %s", addr, net->host_end);
	if (netlink_link_up(nl, net->host_end) == -1)
		die_errno("bring up %s", net->host_end);
	close(nl);
	trace(verbose, "host end %s is %s/30", net->host_end, addr);
}

/*
 * In the child, inside the new network namespace, which starts with
 * only lo, down: bring lo up, and with a veth, eth0 and its route.
 */
static void prepare_netns(const struct container *c)
{
	const struct network *net = &c->net;
	char addr[INET_ADDRSTRLEN];
	int nl = netlink_open();

	if (nl == -1)
		die_errno("open a netlink socket in the container");
	if (netlink_link_up(nl, "lo") == -1)
		die_errno("bring up lo");
	if (c->opts->veth) {
		inet_ntop(AF_INET, &net->container_addr, addr, sizeof addr);
		if (netlink_add_address(nl, "eth0", net->container_addr, 30) == -1)
			die_errno("add address %s/30 to eth0", addr);
		if (netlink_link_up(nl, "eth0") == -1)
			die_errno("bring up eth0");
		if (netlink_add_default_route(nl, net->host_addr) == -1)
			die_errno("add the default route via %s",
				  inet_ntoa(net->host_addr));
		trace(c->opts->verbose, "eth0 is %s/30", addr);
	}
	close(nl);
}

static int child(void *arg)
{
	struct container *c = arg;

	await_setup(&c->sync);
	become_root();
	prepare_mntns(c->opts);
	prepare_ipcns(c->opts);
	prepare_netns(c);
	prepare_uts(c->opts);
	mount_hosts_files(c);
	prepare_environment(c);
	console_attach(&c->console);
	die_with_parent(&c->sync);
	if (c->opts->init)
		run_as_init(c);
	exec_command(c->opts->command, &c->signals);
}

int main(int argc, char **argv)
{
	struct options opts = { .veth = true, .range_prefix = 16,
				.range.s_addr = htonl(0x0ac80000),	/* 10.200.0.0 */
				.rootfs = DEFAULT_ROOTFS,
				.stop_timeout = DEFAULT_STOP_TIMEOUT,
				.map_uid = (uid_t)-1, .map_gid = (gid_t)-1,
				.map_count = 1 };
	struct container c = { .opts = &opts };
	int flags = CLONE_NEWUTS | CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
		    CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWCGROUP;
	char why[128];
	pid_t pid;
	/*
	 * clone(2) wants a stack for the child.  Without CLONE_VM the child
	 * runs in its own copy of our memory, so any buffer will do: this
	 * one is unused by us, and lives only as long as main().
	 */
	char child_stack[256 * 1024] __attribute__((aligned(16)));

	parse_options(argc, argv, &opts);
	if (opts.veth)
		choose_network(&opts, &c.net);
	choose_nameservers(&opts, &c);
	drop_host_groups();
	give_stdio_pipes(&opts);
	handshake_open(&c.sync);
	block_signals(&c.signals);
	c.signals.stop_timeout = opts.stop_timeout;
	c.signals.command_is_pid1 = !opts.init;
	console_open(&c.console, &c.signals);

	/* SIGCHLD: tell us when the child ends, as fork(2) would. */
	pid = clone(child, child_stack + sizeof child_stack, flags | SIGCHLD, &c);
	if (pid == -1) {
		report_errno("clone with CLONE_NEWUTS | CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWCGROUP");
		if (userns_restriction(why, sizeof why) != NULL)
			hint("new user namespaces are turned off here: %s", why);
		exit_now(EXIT_SETUP_FAILED);
	}
	trace(opts.verbose, "cloned pid %d into new UTS, user, mount, PID, network, IPC and cgroup namespaces", (int)pid);
	prepare_userns(pid, &opts);
	if (opts.veth)
		create_veth(pid, &c.net, opts.verbose);

	trace(opts.verbose, "releasing pid %d to run %s", (int)pid, opts.command[0]);
	release_child(&c.sync);
	console_connect(&c.console, &c.signals);
	return wait_command(pid, &c.signals);
}
