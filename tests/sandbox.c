/*
 * sandbox.c: run a program as root of new user, mount, PID, network, UTS
 * and IPC namespaces, where root is no one on the host: `make grade`
 * runs a student's code, and the suite's tests run it as root, in here.
 *
 *   tests/sandbox PROGRAM [ARG...]        (as root)
 *
 * Ids 0 to 65535 inside are host ids 100000 to 165535, which own
 * nothing on the machine (user_namespaces(7)); mounts, processes, links,
 * the host name and IPC objects made inside stay inside.  /proc and /sys
 * are the new namespaces' own, lo is up.  The sandbox's PID 1 runs
 * PROGRAM as its child, reaps every orphan, and exits with PROGRAM's
 * status when it ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIRST_HOST_ID 100000
#define IDS 65536

static int ready[2];

static void fail(const char *what)
{
	fprintf(stderr, "sandbox: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void write_map(pid_t pid, const char *file)
{
	char path[64], map[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	snprintf(map, sizeof map, "0 %d %d\n", FIRST_HOST_ID, IDS);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		fail(path);
	close(fd);
}

static void bring_up_lo(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd == -1 || ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		fail("lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		fail("bring up lo");
	close(fd);
}

/* PID 1 of the sandbox: root once the maps are written. */
static int init(void *argv)
{
	char byte;
	pid_t program;
	int status;

	close(ready[1]);
	if (read(ready[0], &byte, 1) != 0)
		fail("wait for the id maps");
	if (setgroups(0, NULL) == -1 || setresgid(0, 0, 0) == -1 ||
	    setresuid(0, 0, 0) == -1)
		fail("become root of the sandbox");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1 ||
	    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		fail("mount /proc and /sys");
	bring_up_lo();

	program = fork();
	if (program == -1)
		fail("fork");
	if (program == 0) {
		execvp(((char **)argv)[0], argv);
		fail(((char **)argv)[0]);
	}
	for (;;) {
		pid_t pid = wait(&status);

		if (pid == -1 && errno != EINTR)
			fail("wait");
		if (pid == program)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

int main(int argc, char *argv[])
{
	static char stack[256 * 1024];
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: sandbox PROGRAM [ARG...]\n");
		return 125;
	}
	if (pipe2(ready, O_CLOEXEC) == -1)
		fail("pipe");
	pid = clone(init, stack + sizeof stack,
		    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
		    CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD, argv + 1);
	if (pid == -1)
		fail("clone");
	write_map(pid, "uid_map");
	write_map(pid, "gid_map");
	close(ready[1]);
	if (waitpid(pid, &status, 0) == -1)
		fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
