/*
 * sysctl.h: read the kernel settings that explain a refusal, so that an
 * error can name the setting in its hint line.
 */
#ifndef ISOLATE_SYSCTL_H
#define ISOLATE_SYSCTL_H

#include <stddef.h>

/*
 * The setting that forbids this process a new user namespace, as
 * "name = value" in `buf`, or NULL when none of the known ones does:
 *   user.max_user_namespaces = 0                       (any kernel)
 *   kernel.unprivileged_userns_clone = 0               (Debian's patch)
 *   kernel.apparmor_restrict_unprivileged_userns = 1   (Ubuntu 23.10+)
 * The last two restrict only unprivileged callers.
 */
const char *userns_restriction(char *buf, size_t size);

#endif
