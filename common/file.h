/*
 * file.h: write a short string to a file in one write(2).
 *
 * Files under /proc such as uid_map accept a single write and take the
 * whole content at once, so stdio's buffering must not split it.
 */
#ifndef ISOLATE_FILE_H
#define ISOLATE_FILE_H

/* Write printf-style content to `path`; 0, or -1 with errno set. */
int write_file(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
