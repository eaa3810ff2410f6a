/*
 * error.h: how isolate reports what went wrong, and its exit codes.
 *
 * Every message is one line on stderr that starts with "isolate:", names
 * the step and the object it was working on, and ends with the system's
 * reason.  Where the cause is well known, a second "isolate: hint:" line
 * says what to do about it.
 */
#ifndef ISOLATE_ERROR_H
#define ISOLATE_ERROR_H

#include <stdbool.h>
#include <stdnoreturn.h>

/* The exit codes of docker run(1), so scripts can tell the failures apart. */
enum {
	EXIT_SETUP_FAILED = 125,	/* isolate itself failed */
	EXIT_CANNOT_EXEC = 126,	/* the command exists but cannot be run */
	EXIT_NOT_FOUND = 127,	/* the command does not exist */
	EXIT_SIGNAL_BASE = 128,	/* + N when signal N killed the command */
};

/* "isolate: <message>", then exit 125. */
noreturn void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "isolate: <message>: <strerror(errno)>", then exit 125. */
noreturn void die_errno(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "isolate: <message>", and return, so a hint() can follow. */
void report(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Like die_errno() but returns (errno unchanged), so a hint() can follow. */
void report_errno(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "isolate: hint: <message>": what usually causes the error just printed. */
void hint(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Exit with `code` without running exit handlers: a cloned child shares
 * its parent's handlers and stdio buffers, and must not run them twice. */
noreturn void exit_now(int code);

/* With -v, "isolate: <message>" for each setup step; silent otherwise. */
void trace(bool enabled, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
