/*
 * faults.c: an LD_PRELOAD shim that makes a rare moment in isolate's life
 * happen every time, so that the suite can test what isolate does then.
 *
 *   cc -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC \
 *      -o tests/faults.so tests/faults.c -ldl
 *   LD_PRELOAD=tests/faults.so ISOLATE_FAULT=NAME isolate ...
 *
 * With the sanitized build the ASan runtime must come first in the list,
 * LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libasan.so.8:tests/faults.so: its
 * interceptors of write(2) and prctl(2) then call ours as the "real" ones.
 *
 * The shim acts only in a program named isolate* (not in the env(1) or
 * shell that start it) and only when ISOLATE_FAULT names a fault.  It then
 * takes LD_PRELOAD and ISOLATE_FAULT out of isolate's environment, so that
 * the command does not inherit them, and notes on stderr each thing it
 * does, on a line starting "faults: ": a test checks that the moment it
 * wanted did happen, and so cannot pass for want of it.  The clone(2)d
 * child and the --init of isolate are isolate too: same memory, same shim.
 *
 * ISOLATE_FAULT=parent-dies-after-release
 *   isolate kills itself with SIGKILL as soon as it has written the
 *   go-ahead byte to the setup pipe (release_child()), and its child, in
 *   prctl(PR_SET_PDEATHSIG) (die_with_parent()), first waits until
 *   isolate is dead (5 s at most): the parent's death signal is armed too
 *   late to ever fire.  Without the shim the window is microseconds wide.
 *
 * ISOLATE_FAULT=forward-one-at-a-time
 *   each signal that isolate (or its init) sends with kill(2), SIGKILL and
 *   0 aside, is held until its target has no signal of that number pending
 *   and is asleep again, that is, has taken the previous one and is back
 *   to waiting (2 s at most).  Standard signals do not queue: a second
 *   SIGINT that arrives while the first is pending is lost, and so is one
 *   that arrives before a shell has run its trap for the first.  Held, a
 *   signal passed on twice is seen twice, every time.
 *
 * ISOLATE_FAULT=proc-becomes-symlink:DIR
 *   in the child, just before it opens the rootfs's proc directory to
 *   mount on it (mount_in_rootfs()), proc is moved aside and replaced
 *   by a symlink to DIR: the swap runc's CVE-2021-30465 won by racing,
 *   after the rootfs check and before the mount.  isolate must refuse
 *   it, not mount through it.
 *
 * ISOLATE_FAULT=slow-id-maps
 *   isolate takes 300 ms to open each /proc/PID/uid_map or gid_map it
 *   writes: a busy machine, every time.  A child released before its
 *   maps are written would run as the overflow uid meanwhile, and fail
 *   to become root.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PARENT_DEATH_WAIT_MS 5000
#define FORWARD_HOLD_MS 2000

static enum {
	NONE, PARENT_DIES_AFTER_RELEASE, FORWARD_ONE_AT_A_TIME,
	PROC_BECOMES_SYMLINK, SLOW_ID_MAPS
} fault;
/* proc-becomes-symlink: where the symlink points. */
static char symlink_target[4096];
/* isolate's own pid: its child, cloned from it, has another. */
static pid_t isolate_pid;
/* A pidfd for isolate, which its child inherits: readable once isolate
 * has died, whichever PID namespace the child is in. */
static int isolate_pidfd = -1;

/* What the next library in the search order (libc) calls these. */
static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		static const char msg[] = "faults: dlsym failed\n";

		syscall(SYS_write, STDERR_FILENO, msg, sizeof msg - 1);
		_exit(99);
	}
	return f;
}

/* One line on stderr, written with the system call itself: not through
 * our write(), nor stdio, whose buffers the child would copy. */
__attribute__((format(printf, 1, 2)))
static void note(const char *fmt, ...)
{
	char line[256] = "faults: ";
	size_t len = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + len, sizeof line - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(line);
	line[len++] = '\n';
	syscall(SYS_write, STDERR_FILENO, line, len);
}

__attribute__((constructor))
static void choose_fault(void)
{
	const char *name = getenv("ISOLATE_FAULT");

	if (name == NULL ||
	    strncmp(program_invocation_short_name, "isolate", 7) != 0)
		return;
	if (strcmp(name, "parent-dies-after-release") == 0) {
		fault = PARENT_DIES_AFTER_RELEASE;
	} else if (strcmp(name, "forward-one-at-a-time") == 0) {
		fault = FORWARD_ONE_AT_A_TIME;
	} else if (strcmp(name, "slow-id-maps") == 0) {
		fault = SLOW_ID_MAPS;
	} else if (strncmp(name, "proc-becomes-symlink:", 21) == 0) {
		fault = PROC_BECOMES_SYMLINK;
		snprintf(symlink_target, sizeof symlink_target, "%s", name + 21);
	} else {
		note("no fault is called %s", name);
		_exit(99);
	}
	unsetenv("ISOLATE_FAULT");
	unsetenv("LD_PRELOAD");
	isolate_pid = getpid();
	if (fault == PARENT_DIES_AFTER_RELEASE) {
		/* pidfds are close-on-exec; above fd 2, like isolate's own. */
		int fd = (int)syscall(SYS_pidfd_open, isolate_pid, 0);

		if (fd != -1 && fd <= STDERR_FILENO) {
			isolate_pidfd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
			close(fd);
		} else {
			isolate_pidfd = fd;
		}
		if (isolate_pidfd == -1)
			note("pidfd_open: %s", strerror(errno));
	}
}

static int is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	ssize_t n;

	if (real_write == NULL)
		real_write = real("write");
	n = real_write(fd, buf, count);
	/* release_child(): the byte "G", alone, into the setup pipe. */
	if (fault == PARENT_DIES_AFTER_RELEASE && getpid() == isolate_pid &&
	    n == 1 && *(const char *)buf == 'G' && is_pipe(fd)) {
		note("isolate (pid %d) released its child, and dies now (SIGKILL)",
		     (int)isolate_pid);
		syscall(SYS_kill, isolate_pid, SIGKILL);
	}
	return n;
}

/* The child, before it arms PR_SET_PDEATHSIG: wait for isolate to die. */
static void wait_for_isolate_to_die(void)
{
	struct pollfd dead = { .fd = isolate_pidfd, .events = POLLIN };
	int n;

	do
		n = poll(&dead, 1, PARENT_DEATH_WAIT_MS);
	while (n == -1 && errno == EINTR);
	if (n == 1)
		note("isolate (pid %d) is dead; its child arms PR_SET_PDEATHSIG only now",
		     (int)isolate_pid);
	else
		note("isolate (pid %d) still lives %d ms after releasing its child: no fault",
		     (int)isolate_pid, PARENT_DEATH_WAIT_MS);
	close(isolate_pidfd);
	isolate_pidfd = -1;
}

/* glibc declares prctl(2) variadic; it passes on four more arguments. */
int prctl(int option, ...)
{
	static int (*real_prctl)(int, ...);
	unsigned long arg[4];
	va_list ap;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		arg[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (real_prctl == NULL)
		real_prctl = real("prctl");
	if (fault == PARENT_DIES_AFTER_RELEASE && option == PR_SET_PDEATHSIG &&
	    getpid() != isolate_pid && isolate_pidfd != -1)
		wait_for_isolate_to_die();
	return real_prctl(option, arg[0], arg[1], arg[2], arg[3]);
}

/* Whether `pid` has taken every `sig` sent to it and sleeps again, as
 * /proc/PID/status says (proc(5)): State S, and no `sig` in SigPnd (its
 * main thread's pending signals) or ShdPnd (the process's). */
static int has_taken(pid_t pid, int sig)
{
	char path[64], line[256], state = '?';
	unsigned long long pending = 0, mask;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 1;	/* gone: nothing to wait for */
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "State: %c", &state) == 1)
			continue;
		if (sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		    sscanf(line, "ShdPnd: %llx", &mask) == 1)
			pending |= mask;
	}
	fclose(f);
	return state == 'S' && !((pending >> (sig - 1)) & 1);
}

int kill(pid_t pid, int sig)
{
	static int (*real_kill)(pid_t, int);
	struct timespec tick = { .tv_nsec = 1000000 };

	if (real_kill == NULL)
		real_kill = real("kill");
	if (fault == FORWARD_ONE_AT_A_TIME && pid > 0 && sig > 0 &&
	    sig != SIGKILL) {
		int waited = 0;

		while (!has_taken(pid, sig) && waited < FORWARD_HOLD_MS) {
			nanosleep(&tick, NULL);
			waited++;
		}
		note("pid %d passes SIG%s on to pid %d%s", (int)getpid(),
		     sigabbrev_np(sig), (int)pid,
		     waited < FORWARD_HOLD_MS ? "" : ", which never took the previous one");
	}
	return real_kill(pid, sig);
}

/* isolate, about to open an id map of its child's: take our time. */
static void slow_down_id_map(const char *path)
{
	const char *file = strrchr(path, '/');
	struct timespec wait = { .tv_nsec = 300 * 1000000L };

	if (fault != SLOW_ID_MAPS || getpid() != isolate_pid || file == NULL ||
	    (strcmp(file, "/uid_map") != 0 && strcmp(file, "/gid_map") != 0))
		return;
	note("isolate opens %s 300 ms late", path);
	nanosleep(&wait, NULL);
}

/* The child's open("proc", O_PATH...) in the rootfs: swap proc first. */
static void swap_proc_for_symlink(const char *path, int flags)
{
	if (fault != PROC_BECOMES_SYMLINK || getpid() == isolate_pid ||
	    strcmp(path, "proc") != 0 || !(flags & O_PATH))
		return;
	fault = NONE;	/* once */
	if (rename("proc", "proc.moved") == -1 ||
	    symlink(symlink_target, "proc") == -1) {
		note("cannot swap proc for a symlink: %s", strerror(errno));
		return;
	}
	note("proc is now a symlink to %s", symlink_target);
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	if (real_open == NULL)
		real_open = real("open");
	swap_proc_for_symlink(path, flags);
	slow_down_id_map(path);
	return real_open(path, flags, mode);
}

/* On 64-bit glibc open64 is the same function as open: one shim serves
 * both names, whichever the caller was compiled to use. */
int open64(const char *path, int flags, ...) __attribute__((alias("open")));
