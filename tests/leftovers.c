/*
 * leftovers.c: what a test's runs could have left on the host, read in
 * one process.  tests/helpers.bash runs it in setup and teardown of every
 * test (and make stress after its runs): a fork costs milliseconds on a
 * small VM, and the same checks written as a shell pipeline cost a dozen.
 *
 *   leftovers [--hostname] [--mark NAME=VALUE] [--pids FILE]
 *             [--under DIR/]... [--at PATH]...
 *             [--rootfs DIR --since FILE]
 *
 * Prints one line per finding, each kind only when asked for:
 *   hostname: NAME            --hostname: the host name (uname(2))
 *   mount: PATH FSTYPE SOURCE --under/--at: each mount at or below a
 *                             DIR/, or exactly at a PATH
 *                             (proc_pid_mountinfo(5))
 *   process: PID CMDLINE      --mark: each live process whose environment
 *                             holds exactly NAME=VALUE (proc_pid_environ(5))
 *   host end: isoPID          --pids: each PID listed in FILE whose link
 *                             iso<PID> exists although PID no longer runs
 *                             isolate (a leaked veth end)
 *   rootfs changed: PATH      --rootfs/--since: each file below DIR whose
 *                             status changed (ctime) after FILE was written;
 *                             nothing when FILE does not exist yet
 *
 * Exit 0; 2 on a usage error.  Built by `make test-tools`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MAX_PATHS 64

/* Read all of a small /proc file; its length, or -1. */
static ssize_t read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = 0, n;

	if (fd < 0)
		return -1;
	while ((size_t)len < size && (n = read(fd, buf + len, size - len)) > 0)
		len += n;
	close(fd);
	return len;
}

static void print_hostname(void)
{
	struct utsname uts;

	if (uname(&uts) == 0)
		printf("hostname: %s\n", uts.nodename);
}

/* mountinfo writes a space, tab, newline or backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int watched(const char *point, char **under, int n_under, char **at, int n_at)
{
	for (int i = 0; i < n_at; i++)
		if (strcmp(point, at[i]) == 0)
			return 1;
	for (int i = 0; i < n_under; i++) {
		size_t len = strlen(under[i]);

		/* DIR/ itself (point "DIR") or anything below it. */
		if (strncmp(point, under[i], len) == 0 ||
		    (strncmp(point, under[i], len - 1) == 0 && point[len - 1] == '\0'))
			return 1;
	}
	return 0;
}

/* Fields: id parent major:minor root POINT options [optional...] - TYPE SOURCE ... */
static void print_mounts(char **under, int n_under, char **at, int n_at)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t size = 0;

	if (!f)
		return;
	while (getline(&line, &size, f) > 0) {
		char *field[32], *rest = line;
		int n = 0, sep = 6;

		line[strcspn(line, "\n")] = '\0';
		while (n < 32 && (field[n] = strsep(&rest, " ")))
			n++;
		/* Optional fields end with a lone "-". */
		while (sep < n && strcmp(field[sep], "-") != 0)
			sep++;
		if (sep + 2 >= n)
			continue;
		unescape(field[4]);
		if (watched(field[4], under, n_under, at, n_at))
			printf("mount: %s %s %s\n", field[4], field[sep + 1], field[sep + 2]);
	}
	free(line);
	fclose(f);
}

/* environ is NUL-separated; a zombie's is empty, and it counts as gone. */
static int environ_holds(long pid, const char *mark)
{
	static char env[1 << 20];
	char path[64];
	ssize_t len;
	size_t mlen = strlen(mark);

	snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
	len = read_all(path, env, sizeof(env));
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(env + i) + 1) {
		if ((size_t)(len - i) > mlen && memcmp(env + i, mark, mlen + 1) == 0)
			return 1;
	}
	return 0;
}

static void print_marked(const char *mark)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	if (!proc)
		return;
	while ((d = readdir(proc))) {
		char path[64], cmd[512];
		long pid = strtol(d->d_name, NULL, 10);
		ssize_t len;

		if (pid <= 0 || !environ_holds(pid, mark))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		len = read_all(path, cmd, sizeof(cmd) - 1);
		for (ssize_t i = 0; i < len; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[len > 0 ? len : 0] = '\0';
		printf("process: %ld %s\n", pid, cmd);
	}
	closedir(proc);
}

static void print_host_ends(const char *pids)
{
	FILE *f = fopen(pids, "re");
	long pid;

	if (!f)
		return;
	while (fscanf(f, "%ld", &pid) == 1) {
		char path[64], comm[32] = "";

		snprintf(path, sizeof(path), "/sys/class/net/iso%ld", pid);
		if (access(path, F_OK) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		/* Still running isolate: its host end is not left behind yet. */
		if (read_all(path, comm, sizeof(comm) - 1) > 0 && strncmp(comm, "isolate", 7) == 0)
			continue;
		printf("host end: iso%ld\n", pid);
	}
	fclose(f);
}

static struct timespec since;
static size_t rootfs_len;

static int newer(const struct timespec *t)
{
	return t->tv_sec > since.tv_sec || (t->tv_sec == since.tv_sec && t->tv_nsec > since.tv_nsec);
}

static int print_if_changed(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	if (ftw->level > 0 && newer(&st->st_ctim))
		printf("rootfs changed: %s\n", path + rootfs_len + 1);
	return 0;
}

static void print_rootfs_changes(const char *rootfs, const char *since_file)
{
	struct stat st;

	if (stat(since_file, &st) != 0)
		return;
	since = st.st_mtim;
	rootfs_len = strlen(rootfs);
	nftw(rootfs, print_if_changed, 32, FTW_PHYS);
}

int main(int argc, char **argv)
{
	char *under[MAX_PATHS], *at[MAX_PATHS];
	const char *mark = NULL, *pids = NULL, *rootfs = NULL, *since_file = NULL;
	int n_under = 0, n_at = 0, hostname = 0;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = argv[i + 1];

		if (strcmp(arg, "--hostname") == 0) {
			hostname = 1;
			continue;
		}
		if (!value)
			goto usage;
		i++;
		if (strcmp(arg, "--mark") == 0)
			mark = value;
		else if (strcmp(arg, "--pids") == 0)
			pids = value;
		else if (strcmp(arg, "--rootfs") == 0)
			rootfs = value;
		else if (strcmp(arg, "--since") == 0)
			since_file = value;
		else if (strcmp(arg, "--under") == 0 && n_under < MAX_PATHS && value[0] &&
			 value[strlen(value) - 1] == '/')
			under[n_under++] = argv[i];
		else if (strcmp(arg, "--at") == 0 && n_at < MAX_PATHS)
			at[n_at++] = argv[i];
		else
			goto usage;
	}
	if (!rootfs != !since_file)
		goto usage;

	if (hostname)
		print_hostname();
	if (n_under || n_at)
		print_mounts(under, n_under, at, n_at);
	if (mark)
		print_marked(mark);
	if (pids)
		print_host_ends(pids);
	if (rootfs)
		print_rootfs_changes(rootfs, since_file);
	return 0;
usage:
	fprintf(stderr, "usage: leftovers [--hostname] [--mark NAME=VALUE] [--pids FILE] "
			"[--under DIR/]... [--at PATH]... [--rootfs DIR --since FILE]\n");
	return 2;
}
