/*
 * isolate, part 1: run a command in a new UTS namespace.
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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/command.h"
#include "../common/error.h"
#include "../common/handshake.h"
#include "../common/options.h"

static const char usage[] =
	"Usage: isolate [OPTION...] [--] COMMAND [ARG...]\n"
	"Run COMMAND in new namespaces: part 1, the UTS namespace.\n"
	"\n"
	"  --hostname NAME  the host name inside (default: the host's)\n"
	"  --stop-timeout S seconds from SIGTERM or SIGINT to SIGKILL, when\n"
	"                   the command is still running (default: 10)\n"
	"  -v, --verbose    print each setup step on stderr\n"
	"  -h, --help       print this help and exit\n"
	"\n"
	"Exit status: the command's; 128+N if signal N killed it; 125 if\n"
	"isolate failed; 126 if COMMAND cannot run; 127 if it is not found.\n";

struct options {
	const char *hostname;	/* NULL: keep the host's */
	int stop_timeout;	/* --stop-timeout, in seconds */
	bool verbose;
	char **command;		/* NULL-terminated, as execvp(3) wants it */
};

/* What the child needs from main(); clone(2) passes one pointer. */
struct container {
	const struct options *opts;
	struct handshake sync;
	struct relay signals;
};

static void parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, 'n' },
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

static int child(void *arg)
{
	struct container *c = arg;

	await_setup(&c->sync);
	prepare_uts(c->opts);
	die_with_parent(&c->sync);
	exec_command(c->opts->command, &c->signals);
}

int main(int argc, char **argv)
{
	struct options opts = { .stop_timeout = DEFAULT_STOP_TIMEOUT };
	struct container c = { .opts = &opts };
	int flags = CLONE_NEWUTS;
	pid_t pid;
	/*
	 * clone(2) wants a stack for the child.  Without CLONE_VM the child
	 * runs in its own copy of our memory, so any buffer will do: this
	 * one is unused by us, and lives only as long as main().
	 */
	char child_stack[256 * 1024] __attribute__((aligned(16)));

	parse_options(argc, argv, &opts);
	handshake_open(&c.sync);
	block_signals(&c.signals);
	c.signals.stop_timeout = opts.stop_timeout;

	/* SIGCHLD: tell us when the child ends, as fork(2) would. */
	pid = clone(child, child_stack + sizeof child_stack, flags | SIGCHLD, &c);
	if (pid == -1) {
		report_errno("clone with CLONE_NEWUTS");
		if (errno == EPERM)
			hint("a new UTS namespace needs CAP_SYS_ADMIN: run part-1 as root");
		exit_now(EXIT_SETUP_FAILED);
	}
	trace(opts.verbose, "cloned pid %d into a new UTS namespace", (int)pid);
	/* The parent's setup goes here: none yet; part-2 writes the maps. */

	trace(opts.verbose, "releasing pid %d to run %s", (int)pid, opts.command[0]);
	release_child(&c.sync);
	return wait_command(pid, &c.signals);
}
