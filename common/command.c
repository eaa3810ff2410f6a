/* command.c: exec, signal relay and exit status; see command.h. */
#define _GNU_SOURCE
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
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
	for (size_t i = 0; i < sizeof forwarded_signals / sizeof(int); i++) {
		struct sigaction caller;

		/*
		 * A signal the caller ignores (SIGHUP under nohup(1)) stays
		 * ignored, by us and by the command.  Blocked, it would be
		 * queued all the same (signal(7)), and passed on.
		 */
		if (sigaction(forwarded_signals[i], NULL, &caller) == 0 &&
		    caller.sa_handler == SIG_IGN)
			continue;
		sigaddset(&r->forwarded, forwarded_signals[i]);
	}
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
	/*
	 * If our parent dies (a closed terminal window, a killed sudo), the
	 * command must not run on unseen: the kernel sends us SIGHUP then,
	 * a stop request (prctl(2)).  Ignored under nohup(1), as it should
	 * be.  Should the parent already be gone, getppid() has changed.
	 */
	r->caller = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGHUP) == -1)
		die_errno("prctl(PR_SET_PDEATHSIG) for isolate");
	r->stop_timeout = DEFAULT_STOP_TIMEOUT;
	r->own_session = false;
	r->command_is_pid1 = false;
	r->pty = -1;
	r->modes_saved = false;
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

/*
 * Reap every child that has ended, not only `pid`: as PID 1 of a PID
 * namespace (--init, from part 3) we also inherit the orphans, and a
 * zombie is reaped only by its parent.  The command's status, or -1
 * while it runs.
 */
static int reap(pid_t pid)
{
	pid_t done;
	int wstatus;

	while ((done = waitpid(-1, &wstatus, WNOHANG)) > 0)
		if (done == pid)
			return exit_status(wstatus);
	if (done == -1 && errno != ECHILD)
		report_errno("wait for pid %d", (int)pid);
	return -1;
}

int wait_command_as_init(pid_t pid, const struct relay *r)
{
	sigset_t waited = r->forwarded;
	siginfo_t info;
	int status = -1;

	/*
	 * The signals are blocked (block_signals), so they queue up and
	 * sigwaitinfo(2) takes them one at a time: no handler, no global
	 * variable, and no race between "the child exited" and "wait".
	 */
	sigaddset(&waited, SIGCHLD);
	while (status == -1) {
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
		if (info.si_signo == SIGCHLD)
			status = reap(pid);
		else if (info.si_code != SI_KERNEL &&
			 kill(pid, info.si_signo) == -1 && errno != ESRCH)
			die_errno("forward signal %d to pid %d", info.si_signo,
				  (int)pid);
	}
	return status;
}

/*
 * What wait_command() keeps track of.  A stop request starts a clock;
 * at its end, or at a second request, the command gets SIGKILL.
 */
struct waiting {
	pid_t pid;
	struct relay *r;
	int status;		/* the command's, once it has ended; else -1 */
	int stop_signal;	/* what asked the command to stop; 0: nothing */
	long long deadline;	/* when that request runs out, in now_ms() */
	bool killed;		/* SIGKILL sent: nothing more to wait for */
	char why_killed[64];	/* said once our terminal is restored */
	bool hung_up;		/* our terminal or our parent is gone */
	bool caller_gone;	/* our terminal is gone: relay nothing more */
	char input[4096];	/* read from our terminal, not yet relayed */
	size_t input_len;
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void kill_command(struct waiting *w, const char *why)
{
	if (kill(w->pid, SIGKILL) == -1 && errno != ESRCH)
		report_errno("kill pid %d", (int)w->pid);
	snprintf(w->why_killed, sizeof w->why_killed, "%s", why);
	w->killed = true;
}

/* After the end: why we killed the command, if SIGKILL is what ended it
 * (a command that ended of its first signal was already a zombie). */
static void explain_kill(const struct waiting *w)
{
	if (!w->killed || w->status != EXIT_SIGNAL_BASE + SIGKILL)
		return;
	report("stop the command: %s; sent SIGKILL", w->why_killed);
	if (w->r->command_is_pid1)
		hint("as PID 1, a program ignores the signals it has no handler for: try --init");
}

/*
 * SIGTERM, SIGINT, a hang-up or our parent's death, already passed on:
 * the command gets stop_timeout seconds to end by itself.
 */
static void request_stop(struct waiting *w, int signo)
{
	char why[64];

	if (w->killed)
		return;
	if (w->stop_signal != 0) {
		snprintf(why, sizeof why, "a second SIG%s", sigabbrev_np(signo));
		kill_command(w, why);
		return;
	}
	w->stop_signal = signo;
	w->deadline = now_ms() + w->r->stop_timeout * 1000LL;
}

/* Milliseconds poll(2) may wait: until the stop deadline, if any. */
static int poll_timeout(const struct waiting *w)
{
	long long left = w->deadline - now_ms();

	if (w->stop_signal == 0 || w->killed)
		return -1;
	return left > 0 ? (int)left : 0;
}

static void check_deadline(struct waiting *w)
{
	char why[64];

	if (w->stop_signal == 0 || w->killed || poll_timeout(w) > 0)
		return;
	snprintf(why, sizeof why, "still running %d s after SIG%s",
		 w->r->stop_timeout, sigabbrev_np(w->stop_signal));
	kill_command(w, why);
}

static void forward(const struct waiting *w, int signo)
{
	if (kill(w->pid, signo) == -1 && errno != ESRCH)
		report_errno("forward signal %d to pid %d", signo, (int)w->pid);
}

/*
 * Our terminal hung up, or our parent died: nobody is left to see the
 * command or to stop it.  It gets SIGHUP, as a terminal's session does,
 * and then the stop timeout.  Both often come together: act once.
 */
static void hang_up(struct waiting *w)
{
	if (w->hung_up)
		return;
	w->hung_up = true;
	forward(w, SIGHUP);
	request_stop(w, SIGHUP);
}

static void on_signal(struct waiting *w, const struct signalfd_siginfo *si)
{
	int signo = (int)si->ssi_signo;
	struct winsize size;

	if (signo == SIGCHLD) {
		w->status = reap(w->pid);
		return;
	}
	if (signo == SIGWINCH) {	/* our window changed: so does theirs */
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
			ioctl(w->r->pty, TIOCSWINSZ, &size);
		return;
	}
	/* From the kernel, SIGHUP is a hang-up: it went to the session's
	 * leader only (ioctl_tty(2)), which may well be us. */
	if (signo == SIGHUP &&
	    (si->ssi_code == SI_KERNEL || getppid() != w->r->caller)) {
		hang_up(w);
		return;
	}
	/*
	 * SI_KERNEL: our terminal sent it (Ctrl-C, Ctrl-\) to its whole
	 * foreground process group.  A command in our session got it too,
	 * and decides for itself; one in a session of its own did not.
	 */
	if (si->ssi_code == SI_KERNEL && !w->r->own_session)
		return;
	forward(w, signo);
	if (signo == SIGTERM || signo == SIGINT)
		request_stop(w, signo);
}

/* Write all of `len` bytes to a blocking `fd`; give up if it fails. */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* our terminal is gone: nowhere to write */
		buf += n;
		len -= n;
	}
}

/* The command's output, to our stdout.  false once its side is closed
 * (EIO: every process that had the terminal open has closed it). */
static bool relay_output(struct waiting *w)
{
	char buf[4096];
	ssize_t n = read(w->r->pty, buf, sizeof buf);

	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	write_all(STDOUT_FILENO, buf, n);
	return true;
}

/* Whether `pid` catches or ignores `signo` (SigCgt, SigIgn: proc(5)). */
static bool signal_handled(pid_t pid, int signo)
{
	char path[64], line[128];
	unsigned long long caught = 0, ignored = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return true;	/* gone: nothing to stop */
	while (fgets(line, sizeof line, f) != NULL) {
		sscanf(line, "SigCgt: %llx", &caught);
		sscanf(line, "SigIgn: %llx", &ignored);
	}
	fclose(f);
	return ((caught | ignored) >> (signo - 1)) & 1;
}

/*
 * Ctrl-C typed for a command that is PID 1, in the foreground of its own
 * terminal, with no handler for SIGINT: the kernel drops the SIGINT that
 * its terminal sends it (pid_namespaces(7)).  Take it as a stop request,
 * as Ctrl-C would be without a terminal of its own.
 */
static void check_interrupt(struct waiting *w, const char *typed, size_t len)
{
	struct termios modes;

	if (!w->r->command_is_pid1 || tcgetattr(w->r->pty, &modes) == -1 ||
	    !(modes.c_lflag & ISIG) || memchr(typed, modes.c_cc[VINTR], len) == NULL ||
	    tcgetpgrp(w->r->pty) != w->pid || signal_handled(w->pid, SIGINT))
		return;
	request_stop(w, SIGINT);
}

/* What we type, to the command's terminal.  Held here while its input
 * queue is full, so that we never block and signals are still handled. */
static void relay_input(struct waiting *w, short from_caller, short to_pty)
{
	ssize_t n;

	if (w->input_len == 0 && from_caller != 0) {
		n = read(STDIN_FILENO, w->input, sizeof w->input);
		if (n > 0) {
			w->input_len = n;
			check_interrupt(w, w->input, n);
		} else if (n == 0 || errno != EINTR) {
			/* In raw mode, end of input means our terminal hung up. */
			w->caller_gone = true;
			hang_up(w);
		}
	} else if (w->input_len > 0 && (to_pty & POLLOUT)) {
		n = write(w->r->pty, w->input, w->input_len);
		if (n > 0) {
			memmove(w->input, w->input + n, w->input_len - n);
			w->input_len -= n;
		}
	}
}

/* After the command ended: what it wrote last, until its terminal is
 * closed (at once, unless a process it left behind still holds it). */
static void drain_output(struct waiting *w)
{
	struct pollfd out = { .fd = w->r->pty, .events = POLLIN };

	while (poll(&out, 1, 100) > 0 && relay_output(w))
		;
}

static void restore_terminal(struct relay *r)
{
	sigset_t ttou, old;

	if (r->pty == -1)
		return;
	if (!r->modes_saved)
		goto close_pty;
	/* Put back the modes the caller's shell expects, even if we were
	 * moved to the background meanwhile (SIGTTOU would stop us). */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetattr(STDIN_FILENO, TCSADRAIN, &r->caller_modes);
	sigprocmask(SIG_SETMASK, &old, NULL);
close_pty:
	close(r->pty);
	r->pty = -1;
}

int wait_command(pid_t pid, struct relay *r)
{
	enum { SIGNALS, CALLER_IN, PTY };
	struct waiting w = { .pid = pid, .r = r, .status = -1 };
	sigset_t waited = r->forwarded;
	struct signalfd_siginfo si;
	struct pollfd fds[3];
	bool pty_open = r->pty != -1;

	/*
	 * The signals are blocked (block_signals), so they queue up and a
	 * signalfd(2) hands them over one at a time, in the same poll(2) as
	 * the terminal: no handler, no global variable, and no race between
	 * "the child exited" and "wait".
	 */
	sigaddset(&waited, SIGCHLD);
	if (r->pty != -1)
		sigaddset(&waited, SIGWINCH);
	fds[SIGNALS].fd = signalfd(-1, &waited, SFD_CLOEXEC | SFD_NONBLOCK);
	fds[SIGNALS].events = POLLIN;
	if (fds[SIGNALS].fd == -1) {
		report_errno("wait for signals");
		kill(pid, SIGKILL);
	}
	if (getppid() != r->caller)	/* our parent died before we looked */
		hang_up(&w);
	while (w.status == -1 && fds[SIGNALS].fd != -1) {
		bool relay_in = pty_open && !w.caller_gone;

		fds[CALLER_IN].fd = relay_in && w.input_len == 0 ? STDIN_FILENO : -1;
		fds[CALLER_IN].events = POLLIN;
		fds[PTY].fd = pty_open ? r->pty : -1;	/* poll(2) skips -1 */
		fds[PTY].events = POLLIN | (relay_in && w.input_len > 0 ? POLLOUT : 0);
		if (poll(fds, 3, poll_timeout(&w)) == -1 && errno != EINTR) {
			report_errno("wait for pid %d", (int)pid);
			break;
		}
		check_deadline(&w);
		while (read(fds[SIGNALS].fd, &si, sizeof si) == sizeof si)
			on_signal(&w, &si);
		if (pty_open && (fds[PTY].revents & (POLLIN | POLLHUP | POLLERR)))
			pty_open = relay_output(&w);
		if (pty_open && !w.caller_gone)
			relay_input(&w, fds[CALLER_IN].revents, fds[PTY].revents);
	}
	if (pty_open && !w.caller_gone)
		drain_output(&w);
	restore_terminal(r);
	explain_kill(&w);
	if (fds[SIGNALS].fd != -1)
		close(fds[SIGNALS].fd);
	return w.status == -1 ? EXIT_SETUP_FAILED : w.status;
}

/* Field `n` of /proc/self/stat, counted as in proc(5), from field 3 on. */
static unsigned long stat_field(const char *stat, int n)
{
	const char *field = strrchr(stat, ')');	/* comm may hold spaces */

	for (int i = 2; field != NULL && i < n; i++)
		field = strchr(field + 1, ' ');
	return field != NULL ? strtoul(field + 1, NULL, 10) : 0;
}

void hide_init(const char *name, const char *argument)
{
	char stat[1024] = "", *arg_start, *env_end;
	int fd;

	/*
	 * Not dumpable: /proc/1/environ, maps, mem and exe, and ptrace(2),
	 * are refused to the command, root inside though it is.  Our memory
	 * was made by isolate's execve(2) on the host, so the kernel checks
	 * for CAP_SYS_PTRACE there, which the command has not (ptrace(2),
	 * "Ptrace access mode checking").
	 */
	if (prctl(PR_SET_DUMPABLE, 0) == -1)
		die_errno("prctl(PR_SET_DUMPABLE) in the init");
	/*
	 * /proc/1/cmdline is readable by anyone: ps would show the host's
	 * path to isolate and every option.  Our arguments and environment
	 * strings lie together, from arg_start to env_end (fields 48 and 51
	 * of /proc/self/stat, proc(5)): our name goes over them, then zeros.
	 * The command, forked already, has its own copy of that memory.
	 */
	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd == -1 || read(fd, stat, sizeof stat - 1) <= 0)
		die_errno("read /proc/self/stat in the init");
	close(fd);
	arg_start = (char *)stat_field(stat, 48);
	env_end = (char *)stat_field(stat, 51);
	if (argument < arg_start || argument >= env_end)
		return;
	memset(arg_start, 0, env_end - arg_start);
	snprintf(arg_start, env_end - arg_start, "%s", name);
	prctl(PR_SET_NAME, name);
}
