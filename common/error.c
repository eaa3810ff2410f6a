/* error.c: one-line error messages and hints; see error.h. */
#define _GNU_SOURCE
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * Build the whole line first and write it with one write(2): the parent
 * and the child may both be printing, and one write keeps lines whole.
 */
static void print_line(const char *prefix, const char *fmt, va_list ap,
		       int err)
{
	char line[1024];
	size_t room = sizeof line - 1;	/* keep one byte for the newline */
	size_t n;

	n = snprintf(line, room, "isolate: %s", prefix);
	if (n < room)
		n += vsnprintf(line + n, room - n, fmt, ap);
	if (err && n < room)
		n += snprintf(line + n, room - n, ": %s", strerror(err));
	if (n >= room)
		n = room - 1;	/* truncated: snprintf stopped at room - 1 */
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nowhere left to report it. */
	}
}

noreturn void exit_now(int code)
{
	_exit(code);
}

noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("", fmt, ap, 0);
	va_end(ap);
	exit_now(EXIT_SETUP_FAILED);
}

void report(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	print_line("", fmt, ap, 0);
	va_end(ap);
	errno = err;
}

void report_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	print_line("", fmt, ap, err);
	va_end(ap);
	errno = err;
}

noreturn void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	print_line("", fmt, ap, err);
	va_end(ap);
	exit_now(EXIT_SETUP_FAILED);
}

void hint(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	print_line("hint: ", fmt, ap, 0);
	va_end(ap);
	errno = err;
}

void trace(bool enabled, const char *fmt, ...)
{
	va_list ap;

	if (!enabled)
		return;
	va_start(ap, fmt);
	print_line("", fmt, ap, 0);
	va_end(ap);
}
