/* console.c: the command's own session and terminal; see console.h. */
#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "file.h"

void console_open(struct console *con, struct relay *r)
{
	/* The command will not be in our process group: the signals our
	 * terminal sends (Ctrl-C, a hang-up) reach only us, to pass on. */
	r->own_session = true;
	con->socket[0] = con->socket[1] = -1;
	/* In the background, a terminal is not ours to put in raw mode. */
	con->wanted = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
		      tcgetpgrp(STDIN_FILENO) == getpgrp();
	if (!con->wanted)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, con->socket) == -1)
		die_errno("create the console socket");
	con->socket[0] = above_stdio(con->socket[0], "the console socket");
	con->socket[1] = above_stdio(con->socket[1], "the console socket");
}

/* One descriptor over a unix socket: SCM_RIGHTS, unix(7). */
static void send_fd(int socket, int fd)
{
	char byte = 'T';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control = { 0 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof control.buf,
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
	/* MSG_NOSIGNAL: a parent already gone is no reason to die silently. */
	if (sendmsg(socket, &msg, MSG_NOSIGNAL) != 1)
		die_errno("send the terminal to isolate");
}

/* The descriptor send_fd() sent, or -1 if the child ended first. */
static int receive_fd(int socket)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof control.buf,
	};
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	do
		n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	cmsg = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
	return fd;
}

/* A new pseudo-terminal whose slave end becomes our controlling
 * terminal, with the caller's modes and window size; its master end. */
static int open_terminal(void)
{
	struct termios modes;
	struct winsize size;
	int master, slave;

	/* /dev/ptmx as the child sees it: from part 3 on, the container's
	 * own devpts instance, so the pty exists only inside. */
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master == -1)
		die_errno("open /dev/ptmx");
	master = above_stdio(master, "the pseudo-terminal");
	if (unlockpt(master) == -1)
		die_errno("unlock the pseudo-terminal");
	/* TIOCGPTPEER opens the slave end from the master itself, not by a
	 * path that could name something else (ioctl_tty(2)). */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave == -1)
		die_errno("open the pseudo-terminal's slave end");
	slave = above_stdio(slave, "the pseudo-terminal");
	if (tcgetattr(STDIN_FILENO, &modes) == 0)
		tcsetattr(slave, TCSANOW, &modes);
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
		ioctl(slave, TIOCSWINSZ, &size);
	if (ioctl(slave, TIOCSCTTY, 0) == -1)
		die_errno("make the pseudo-terminal ours (TIOCSCTTY)");
	if (dup2(slave, STDIN_FILENO) == -1 || dup2(slave, STDOUT_FILENO) == -1 ||
	    (isatty(STDERR_FILENO) && dup2(slave, STDERR_FILENO) == -1))
		die_errno("put the pseudo-terminal on stdin and stdout");
	close(slave);
	return master;
}

void console_attach(struct console *con)
{
	int master;

	if (con->socket[0] != -1)
		close(con->socket[0]);	/* the parent's end */
	if (setsid() == -1)
		die_errno("setsid: leave the caller's session");
	if (!con->wanted)
		return;
	master = open_terminal();
	send_fd(con->socket[1], master);
	close(master);
	close(con->socket[1]);
}

void console_connect(struct console *con, struct relay *r)
{
	struct termios raw;
	sigset_t winch;

	if (!con->wanted)
		return;
	/* Our copy of the child's end closed, recvmsg(2) ends if it does. */
	close(con->socket[1]);
	r->pty = receive_fd(con->socket[0]);
	close(con->socket[0]);
	if (r->pty == -1)
		return;	/* the child failed; wait_command() says how */
	fcntl(r->pty, F_SETFL, O_NONBLOCK);
	/* Window size changes come as SIGWINCH, for wait_command(). */
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	/*
	 * Raw mode (termios(3)): no echo, no line editing, no signals from
	 * keys; every byte goes to the command's terminal, whose own line
	 * discipline does all that, for the command's foreground job.
	 */
	if (tcgetattr(STDIN_FILENO, &r->caller_modes) == -1) {
		report_errno("read the terminal's modes");
		return;
	}
	r->modes_saved = true;
	raw = r->caller_modes;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == -1)
		report_errno("put the terminal in raw mode");
}
