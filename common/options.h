/*
 * options.h: helpers for parsing isolate's command line.  Each stage
 * declares its own options; these check the values and report mistakes
 * the same way everywhere: one line, a pointer to --help, exit 125.
 */
#ifndef ISOLATE_OPTIONS_H
#define ISOLATE_OPTIONS_H

#include <stdnoreturn.h>
#include <sys/types.h>

/* "isolate: <message>" and "Try 'isolate --help'.", then exit 125. */
noreturn void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Report the option getopt_long(3) rejected (it returned '?' or ':'). */
noreturn void bad_option(int getopt_result, const char *word, int short_opt);

/* Refuse `value` of `option` when empty or longer than `max` bytes. */
void check_length(const char *option, const char *value, size_t max);

/* A user or group id for `option`: a decimal number below 2^32 - 1
 * (which the kernel keeps for "no id"), or a usage error. */
unsigned int parse_id(const char *option, const char *value);

/* A number of things for `option`: 1 to `max`, or a usage error. */
unsigned int parse_count(const char *option, const char *value, unsigned int max);

/* A number of seconds for `option`: 0 to 86400, or a usage error. */
int parse_seconds(const char *option, const char *value);

#endif
