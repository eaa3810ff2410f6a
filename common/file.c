/* file.c: one-shot file writes, descriptors above stdio; see file.h. */
#define _GNU_SOURCE
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "error.h"

int write_file(const char *path, const char *fmt, ...)
{
	char content[256];
	va_list ap;
	int len, fd, err;
	ssize_t written;

	va_start(ap, fmt);
	len = vsnprintf(content, sizeof content, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof content) {
		errno = EOVERFLOW;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	written = write(fd, content, len);
	err = errno;
	close(fd);
	if (written != len) {
		errno = written == -1 ? err : EIO;
		return -1;
	}
	return 0;
}

int above_stdio(int fd, const char *what)
{
	int moved;

	if (fd > STDERR_FILENO)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (moved == -1)
		die_errno("move %s above fd 2", what);
	close(fd);
	return moved;
}
