/*
 * tiocsti.c: the terminal escape, as a probe for the suite.
 *
 * A process that shares its caller's terminal can push bytes into that
 * terminal's input queue with the TIOCSTI ioctl (ioctl_tty(2)); whatever
 * reads the terminal next, such as the caller's shell once the container
 * has ended, reads them as if they had been typed.  This probe tries it
 * on each of its fds 0, 1 and 2 with "echo INJECTED\n" and prints, per
 * fd, "fd N: pushed" or "fd N: refused: REASON".
 *
 * Built static by the suite, so that it runs in the busybox rootfs:
 *   cc -static -o tiocsti tests/tiocsti.c
 * Needs dev.tty.legacy_tiocsti = 1 to be a threat at all (Linux 6.2+
 * can turn TIOCSTI off for everyone but CAP_SYS_ADMIN).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(void)
{
	static const char keys[] = "echo INJECTED\n";

	for (int fd = 0; fd <= 2; fd++) {
		int err = 0;

		for (const char *k = keys; *k != '\0' && err == 0; k++)
			if (ioctl(fd, TIOCSTI, k) == -1)
				err = errno;
		if (err == 0)
			printf("fd %d: pushed\n", fd);
		else
			printf("fd %d: refused: %s\n", fd, strerror(err));
	}
	return 0;
}
