/* file.c: one-shot file writes; see file.h. */
#define _GNU_SOURCE
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

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
