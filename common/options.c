/* options.c: command-line value checks; see options.h. */
#define _GNU_SOURCE
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("isolate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'isolate --help' for more information.\n", stderr);
	va_end(ap);
	exit_now(EXIT_SETUP_FAILED);
}

noreturn void bad_option(int getopt_result, const char *word, int short_opt)
{
	/*
	 * getopt_long(3) leaves optopt (`short_opt`) 0 for an unknown long
	 * option, which is then `word`; it sets it for an unknown short one,
	 * and to the option's own letter for "--verbose=1".
	 */
	if (getopt_result == ':')
		usage_error("option %s needs a value", word);
	if (strncmp(word, "--", 2) == 0 && strchr(word, '=') != NULL)
		usage_error("option %.*s takes no value",
			    (int)(strchr(word, '=') - word), word);
	if (short_opt != 0)
		usage_error("unknown option -%c", short_opt);
	usage_error("unknown or ambiguous option %s", word);
}

void check_length(const char *option, const char *value, size_t max)
{
	size_t len = strlen(value);

	if (len == 0)
		usage_error("%s: the value is empty", option);
	if (len > max)
		usage_error("%s: '%.20s...' is %zu bytes long; the most is %zu",
			    option, value, len, max);
}

/*
 * A decimal number from `min` to `max` for `option`, or a usage error naming
 * `what` it should be.  strtoull(3) would take "-1", " 7" and "" as
 * numbers: refuse them.
 */
static unsigned long long parse_number(const char *option, const char *value,
				       unsigned long long min, unsigned long long max,
				       const char *what)
{
	unsigned long long number;
	char *end;

	if (!isdigit((unsigned char)value[0]))
		usage_error("%s: '%s' is not %s", option, value, what);
	errno = 0;
	number = strtoull(value, &end, 10);
	if (*end != '\0')
		usage_error("%s: '%s' is not %s", option, value, what);
	if (errno == ERANGE || number < min || number > max)
		usage_error("%s: %s is out of range (%llu to %llu)", option, value,
			    min, max);
	return number;
}

unsigned int parse_id(const char *option, const char *value)
{
	/* 2^32 - 1 is the kernel's "no id". */
	return (unsigned int)parse_number(option, value, 0, 4294967294ULL,
					  "a user or group id");
}

unsigned int parse_count(const char *option, const char *value, unsigned int max)
{
	return (unsigned int)parse_number(option, value, 1, max, "a number");
}

int parse_seconds(const char *option, const char *value)
{
	return (int)parse_number(option, value, 0, 86400, "a number of seconds");
}
