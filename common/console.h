/*
 * console.h: keep the command off the caller's terminal, and give it a
 * terminal of its own.
 *
 * A command that shares its caller's terminal can push keystrokes into
 * it with the TIOCSTI ioctl (ioctl_tty(2)); the caller's shell reads and
 * runs them once the command is gone: a way out of any container, which
 * turns an unprivileged user into the caller.  So the command runs in a
 * session of its own (setsid(2)): the caller's terminal is then not its
 * controlling terminal, and the kernel refuses TIOCSTI and TIOCSCTTY on
 * it to anyone without CAP_SYS_ADMIN on the host.
 *
 * When isolate runs in the foreground of a terminal, with stdin and
 * stdout on it, the command gets a pseudo-terminal of its own (pty(7)),
 * opened inside the container (its /dev/ptmx), as docker run -it does:
 * line editing, Ctrl-C, job control and window sizes work inside, while
 * isolate relays bytes between the two terminals and keeps the caller's
 * in raw mode meanwhile (wait_command() relays and restores it).
 */
#ifndef ISOLATE_CONSOLE_H
#define ISOLATE_CONSOLE_H

#include <stdbool.h>

#include "command.h"

struct console {
	bool wanted;		/* a pseudo-terminal for the command */
	int socket[2];		/* the child sends its master end over [1] */
};

/* Parent, before clone(2): decide whether the command gets a terminal
 * of its own; the relay passes on the terminal's signals from now on. */
void console_open(struct console *con, struct relay *r);

/* Child, after its mounts, before exec: leave the caller's session;
 * with a terminal wanted, open one, make it ours and our 0, 1 (and 2,
 * if stderr is the caller's terminal too), and send its master end to
 * the parent. */
void console_attach(struct console *con);

/* Parent, once the child is released: take the master end, and put our
 * terminal in raw mode, so that every key reaches the command's. */
void console_connect(struct console *con, struct relay *r);

#endif
