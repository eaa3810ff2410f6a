/*
 * launch.c: how the suite starts isolate.  tests/helpers.bash runs every
 * isolate of a test through it:
 *
 *   launch [--default-signals] PIDS MARK PROGRAM [ARG...]
 *
 * It appends its own pid to the file PIDS, puts MARK (NAME=VALUE) in the
 * environment, with --default-signals sets every signal back to its
 * default action (a shell's background job starts with SIGINT and SIGQUIT
 * ignored, signal(7)), and execs PROGRAM: the pid noted is isolate's, so
 * teardown knows which host ends (iso<pid>) the test's runs could leave,
 * and the mark lets it find any process they left.
 *
 * A two-line shell script did the same; this costs one exec instead of
 * a shell's start, and a suite starts isolate thousands of times.
 * Exit 127 if PROGRAM cannot be run, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int arg = 1, fd;
	char line[32];

	if (arg < argc && strcmp(argv[arg], "--default-signals") == 0) {
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL); /* SIGKILL, SIGSTOP, 32, 33: EINVAL, fine */
		arg++;
	}
	if (argc - arg < 3 || !strchr(argv[arg + 1], '=')) {
		fprintf(stderr, "usage: launch [--default-signals] PIDS NAME=VALUE PROGRAM [ARG...]\n");
		return 2;
	}
	/* Best effort, as the shell's `echo $$ >>PIDS 2>/dev/null` was. */
	fd = open(argv[arg], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		int len = snprintf(line, sizeof(line), "%d\n", (int)getpid());

		if (write(fd, line, (size_t)len) != len)
			perror("launch: note the pid");
		close(fd);
	}
	if (putenv(argv[arg + 1]) != 0) {
		perror("launch: putenv");
		return 2;
	}
	execv(argv[arg + 2], argv + arg + 2);
	fprintf(stderr, "launch: %s: ", argv[arg + 2]);
	perror("exec");
	return 127;
}
