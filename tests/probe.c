/*
 * probe.c: what the suite tries from inside a container, where busybox
 * has no tool for it.  Built static by the suite, so that it runs in the
 * busybox rootfs too:  cc -static -o probe tests/probe.c
 *
 *   probe tiocsti          push "echo INJECTED\n" into the terminal on each
 *                          of fds 0, 1 and 2 with TIOCSTI (ioctl_tty(2));
 *                          prints "fd N: pushed" or "fd N: refused: WHY"
 *   probe openpty          open a new pty through /dev/ptmx; prints its
 *                          slave's name, then what /dev/pts holds
 *   probe ptrace PID       PTRACE_ATTACH to PID; "attached" or "refused: WHY"
 *   probe read FILE        print FILE, NULs as spaces, with no prctl(2) or
 *                          other call a delay injected by strace would hit
 *   probe mqueue create|exists|unlink NAME
 *                          a POSIX message queue (mq_overview(7));
 *                          prints "created", "exists", "absent", "unlinked"
 *
 * It prints what happened and exits 0; exit 2 is a usage error, 1 an
 * unexpected failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int tiocsti(void)
{
	static const char keys[] = "echo INJECTED\n";

	for (int fd = 0; fd <= 2; fd++) {
		int err = 0;

		for (const char *k = keys; *k != '\0' && err == 0; k++)
			if (ioctl(fd, TIOCSTI, k) == -1)
				err = errno;
		if (err == 0)
			printf("fd %d: pushed\n", fd);
		else
			printf("fd %d: refused: %s\n", fd, strerror(err));
	}
	return 0;
}

static int open_pty(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	struct dirent *entry;
	DIR *pts;

	if (master == -1 || grantpt(master) == -1 || unlockpt(master) == -1) {
		printf("refused: %s\n", strerror(errno));
		return 0;
	}
	printf("%s\n", ptsname(master));
	pts = opendir("/dev/pts");
	if (pts == NULL)
		return 1;
	while ((entry = readdir(pts)) != NULL)
		if (entry->d_name[0] != '.')
			printf("%s\n", entry->d_name);
	closedir(pts);
	return 0;
}

static int attach(const char *pid_text)
{
	pid_t pid = (pid_t)atoi(pid_text);

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == -1) {
		printf("refused: %s\n", strerror(errno));
		return 0;
	}
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	printf("attached\n");
	return 0;
}

static int read_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd == -1) {
		printf("refused: %s\n", strerror(errno));
		return 0;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			putchar(buf[i] == '\0' ? ' ' : buf[i]);
	putchar('\n');
	close(fd);
	return 0;
}

static int mqueue(const char *what, const char *name)
{
	mqd_t q;

	if (strcmp(what, "create") == 0) {
		q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
		if (q == (mqd_t)-1)
			return perror("mq_open"), 1;
		printf("created\n");
	} else if (strcmp(what, "exists") == 0) {
		q = mq_open(name, O_RDONLY);
		if (q == (mqd_t)-1 && errno != ENOENT)
			return perror("mq_open"), 1;
		printf(q == (mqd_t)-1 ? "absent\n" : "exists\n");
	} else if (strcmp(what, "unlink") == 0) {
		if (mq_unlink(name) == -1)
			return perror("mq_unlink"), 1;
		printf("unlinked\n");
	} else {
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "tiocsti") == 0)
		return tiocsti();
	if (argc == 2 && strcmp(argv[1], "openpty") == 0)
		return open_pty();
	if (argc == 3 && strcmp(argv[1], "ptrace") == 0)
		return attach(argv[2]);
	if (argc == 3 && strcmp(argv[1], "read") == 0)
		return read_file(argv[2]);
	if (argc == 4 && strcmp(argv[1], "mqueue") == 0)
		return mqueue(argv[2], argv[3]);
	fprintf(stderr, "usage: probe tiocsti | openpty | ptrace PID | read FILE | mqueue create|exists|unlink NAME\n");
	return 2;
}
