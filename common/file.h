/*
 * file.h: write a short string to a file in one write(2), and keep
 * isolate's own descriptors off stdin, stdout and stderr.
 *
 * Files under /proc such as uid_map accept a single write and take the
 * whole content at once, so stdio's buffering must not split it.
 */
#ifndef ISOLATE_FILE_H
#define ISOLATE_FILE_H

/* Write printf-style content to `path`; 0, or -1 with errno set. */
int write_file(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A caller that closed stdin, stdout or stderr would get our pipes and
 * sockets on fd 0, 1 or 2, where messages and the command's I/O would
 * go into them.  Returns `fd`, moved to fd 3 or above (close-on-exec)
 * if it was below; `what` names it in the error.
 */
int above_stdio(int fd, const char *what);

#endif
