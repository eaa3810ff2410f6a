/*
 * isolate, part 2: run a command in new UTS and user namespaces.
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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/command.h"
#include "../common/console.h"
#include "../common/error.h"
#include "../common/file.h"
#include "../common/handshake.h"
#include "../common/options.h"
#include "../common/sysctl.h"

static const char usage[] =
	"Usage: isolate [OPTION...] [--] COMMAND [ARG...]\n"
	"Run COMMAND in new namespaces: part 2, UTS and user.\n"
	"\n"
	"  --hostname NAME  the host name inside (default: the host's)\n"
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

struct options {
	const char *hostname;	/* NULL: keep the host's */
	uid_t map_uid;		/* the host ids root inside maps to; */
	gid_t map_gid;		/* (uid_t)-1 until chosen */
	unsigned int map_count;	/* ids 0 to map_count-1 inside are mapped */
	int stop_timeout;	/* --stop-timeout, in seconds */
	bool verbose;
	char **command;		/* NULL-terminated, as execvp(3) wants it */
};

/* What the child needs from main(); clone(2) passes one pointer. */
struct container {
	const struct options *opts;
	struct handshake sync;
	struct console console;
	struct relay signals;
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

static void parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, 'n' },
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
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			check_length("--hostname", optarg, HOST_NAME_MAX);
			opts->hostname = optarg;
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

static int child(void *arg)
{
	struct container *c = arg;

	await_setup(&c->sync);
	become_root();
	prepare_uts(c->opts);
	console_attach(&c->console);
	die_with_parent(&c->sync);
	exec_command(c->opts->command, &c->signals);
}

int main(int argc, char **argv)
{
	struct options opts = { .stop_timeout = DEFAULT_STOP_TIMEOUT,
				.map_uid = (uid_t)-1, .map_gid = (gid_t)-1,
				.map_count = 1 };
	struct container c = { .opts = &opts };
	int flags = CLONE_NEWUTS | CLONE_NEWUSER;
	char why[128];
	pid_t pid;
	/*
	 * clone(2) wants a stack for the child.  Without CLONE_VM the child
	 * runs in its own copy of our memory, so any buffer will do: this
	 * one is unused by us, and lives only as long as main().
	 */
	char child_stack[256 * 1024] __attribute__((aligned(16)));

	parse_options(argc, argv, &opts);
	drop_host_groups();
	give_stdio_pipes(&opts);
	handshake_open(&c.sync);
	block_signals(&c.signals);
	c.signals.stop_timeout = opts.stop_timeout;
	console_open(&c.console, &c.signals);

	/* SIGCHLD: tell us when the child ends, as fork(2) would. */
	pid = clone(child, child_stack + sizeof child_stack, flags | SIGCHLD, &c);
	if (pid == -1) {
		report_errno("clone with CLONE_NEWUTS | CLONE_NEWUSER");
		if (userns_restriction(why, sizeof why) != NULL)
			hint("new user namespaces are turned off here: %s", why);
		exit_now(EXIT_SETUP_FAILED);
	}
	trace(opts.verbose, "cloned pid %d into new UTS and user namespaces", (int)pid);
	prepare_userns(pid, &opts);

	trace(opts.verbose, "releasing pid %d to run %s", (int)pid, opts.command[0]);
	release_child(&c.sync);
	console_connect(&c.console, &c.signals);
	return wait_command(pid, &c.signals);
}
