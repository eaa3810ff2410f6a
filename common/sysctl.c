/* sysctl.c: the settings behind a refused user namespace; see sysctl.h. */
#define _GNU_SOURCE
#include "sysctl.h"

#include <stdio.h>
#include <unistd.h>

/* The value of /proc/sys/<path> as a number, or -1 if there is none. */
static long read_sysctl(const char *path)
{
	char file[128];
	long value;
	FILE *f;

	snprintf(file, sizeof file, "/proc/sys/%s", path);
	f = fopen(file, "re");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &value) != 1)
		value = -1;
	fclose(f);
	return value;
}

const char *userns_restriction(char *buf, size_t size)
{
	static const struct {
		const char *path, *name;
		long forbids;
		int unprivileged_only;
	} settings[] = {
		{ "user/max_user_namespaces", "user.max_user_namespaces", 0, 0 },
		{ "kernel/unprivileged_userns_clone",
		  "kernel.unprivileged_userns_clone", 0, 1 },
		{ "kernel/apparmor_restrict_unprivileged_userns",
		  "kernel.apparmor_restrict_unprivileged_userns", 1, 1 },
	};

	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		if (settings[i].unprivileged_only && geteuid() == 0)
			continue;
		if (read_sysctl(settings[i].path) == settings[i].forbids) {
			snprintf(buf, size, "%s = %ld", settings[i].name,
				 settings[i].forbids);
			return buf;
		}
	}
	return NULL;
}
