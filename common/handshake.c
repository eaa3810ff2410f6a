/* handshake.c: the parent/child gate; see handshake.h. */
#define _GNU_SOURCE
#include "handshake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "error.h"
#include "file.h"

void handshake_open(struct handshake *h)
{
	/* O_CLOEXEC: the command must never inherit isolate's own pipe. */
	if (pipe2(h->gate, O_CLOEXEC) == -1)
		die_errno("create the setup pipe");
	h->gate[0] = above_stdio(h->gate[0], "the setup pipe");
	h->gate[1] = above_stdio(h->gate[1], "the setup pipe");
}

void release_child(struct handshake *h)
{
	/*
	 * One byte, not just close(): end-of-file is also what the child
	 * sees when the parent dies half-way through the setup, and the
	 * child must be able to tell "go on" from "your parent is gone".
	 * The write end stays open until the parent exits; see
	 * die_with_parent().  So does the parent's read end, so that this
	 * write cannot raise SIGPIPE if the child is already dead.
	 */
	if (write(h->gate[1], "G", 1) != 1)
		die_errno("release the child through the setup pipe");
}

void await_setup(struct handshake *h)
{
	char go;
	ssize_t n;

	/* clone(2) copied both ends; ours is the reading one.  Closing our
	 * copy of the write end leaves the parent as its only holder. */
	close(h->gate[1]);
	do
		n = read(h->gate[0], &go, 1);
	while (n == -1 && errno == EINTR);
	if (n != 1)	/* the parent died before the setup was done */
		exit_now(EXIT_SETUP_FAILED);
}

void die_with_parent(const struct handshake *h)
{
	struct pollfd gate = { .fd = h->gate[0], .events = POLLIN };

	/*
	 * PR_SET_PDEATHSIG (prctl(2)) survives execve(2), but not a change
	 * of credentials, so it is armed here, after any setuid(2).  It only
	 * fires if the parent dies after this call: a parent that died
	 * before it has closed the last write end of the pipe, which shows
	 * up as POLLHUP.  Checking after arming leaves no window between.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (poll(&gate, 1, 0) == -1)
		die_errno("poll the setup pipe");
	if (gate.revents & POLLHUP)
		exit_now(EXIT_SETUP_FAILED);
}
