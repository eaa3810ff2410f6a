/* command.c: exec, signal relay and exit status; see command.h. */
#define _GNU_SOURCE
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"

static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
};

void block_signals(struct relay *r)
{
	sigset_t blocked;

	sigemptyset(&r->forwarded);
	for (size_t i = 0; i < sizeof forwarded_signals / sizeof(int); i++)
		sigaddset(&r->forwarded, forwarded_signals[i]);
	/*
	 * A caller that ignores SIGCHLD would have the kernel reap the
	 * child behind our back and discard the signal (sigaction(2)): we
	 * would wait forever.  The command gets the default too.
	 */
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR)
		die_errno("reset SIGCHLD");
	blocked = r->forwarded;
	sigaddset(&blocked, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &blocked, &r->caller_mask) == -1)
		die_errno("block signals");
}

/*
 * Whether a file `name` exists in a directory of $PATH.  execvp(3) fails
 * with EACCES, not ENOENT, when it found nothing but could not search
 * some directory on the way (a mapped user and root's $PATH): that is
 * still "command not found".
 */
static bool in_path(const char *name)
{
	const char *dirs = getenv("PATH");
	char file[PATH_MAX];

	if (dirs == NULL)
		dirs = "/bin:/usr/bin";	/* what execvp(3) searches then */
	while (*dirs != '\0') {
		size_t len = strcspn(dirs, ":");

		snprintf(file, sizeof file, "%.*s/%s", (int)len, dirs, name);
		if (access(file, F_OK) == 0)
			return true;
		dirs += len + (dirs[len] == ':');
	}
	return false;
}

/*
 * Only stdin, stdout and stderr reach the command, as with docker run.
 * Any other descriptor, even one the caller left open, could be a way
 * out: an fd for a host directory lets the command fchdir(2) out of its
 * root (runc's CVE-2024-21626 was one such leaked fd).  They are marked
 * close-on-exec, so that an exec failure can still be reported.
 */
static void close_other_fds(void)
{
	if (close_range(STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC. */
	for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

noreturn void exec_command(char *const argv[], const struct relay *r)
{
	/* The blocked mask survives execve(2): give the command the
	 * caller's, or it would start deaf to SIGINT and SIGTERM. */
	if (sigprocmask(SIG_SETMASK, &r->caller_mask, NULL) == -1)
		die_errno("restore the signal mask");
	close_other_fds();

	execvp(argv[0], argv);

	if (strchr(argv[0], '/') == NULL &&
	    (errno == ENOENT || (errno == EACCES && !in_path(argv[0])))) {
		report("exec %s: command not found", argv[0]);
		exit_now(EXIT_NOT_FOUND);
	}
	if (errno == ENOENT) {
		report_errno("exec %s", argv[0]);
		if (access(argv[0], F_OK) == 0)
			hint("%s exists: the interpreter on its #! line does not",
			     argv[0]);
		exit_now(EXIT_NOT_FOUND);
	}
	report_errno("exec %s", argv[0]);
	exit_now(EXIT_CANNOT_EXEC);
}

/* The status a shell would report for the child: see wait(2). */
static int exit_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return EXIT_SIGNAL_BASE + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

int wait_command(pid_t pid, const struct relay *r)
{
	sigset_t waited = r->forwarded;
	siginfo_t info;
	int wstatus;

	/*
	 * The signals are blocked (block_signals), so they queue up and
	 * sigwaitinfo(2) takes them one at a time: no handler, no global
	 * variable, and no race between "the child exited" and "wait".
	 */
	sigaddset(&waited, SIGCHLD);
	for (;;) {
		if (sigwaitinfo(&waited, &info) == -1) {
			if (errno == EINTR)
				continue;
			die_errno("wait for signals");
		}
		/*
		 * SI_KERNEL: the terminal sent it (Ctrl-C, a hang-up...)
		 * to its whole foreground process group, the command
		 * included.  Passing it on would deliver it twice.
		 */
		if (info.si_signo != SIGCHLD && info.si_code == SI_KERNEL)
			continue;
		if (info.si_signo != SIGCHLD) {
			if (kill(pid, info.si_signo) == -1 && errno != ESRCH)
				die_errno("forward signal %d to pid %d",
					  info.si_signo, (int)pid);
			continue;
		}
		/*
		 * Reap every child that has ended, not only `pid`: as PID 1
		 * of a PID namespace (--init, from part 3) we also inherit
		 * the orphans, and a zombie is reaped only by its parent.
		 */
		pid_t done;

		while ((done = waitpid(-1, &wstatus, WNOHANG)) > 0)
			if (done == pid)
				return exit_status(wstatus);
		if (done == -1)
			die_errno("wait for pid %d", (int)pid);
	}
}
