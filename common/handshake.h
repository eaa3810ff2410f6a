/*
 * handshake.h: the pipe between isolate and the child it cloned.
 *
 * The child is created stopped at a gate: it must not run the command
 * until the parent has finished its part of the setup (in later stages,
 * the uid/gid maps and the network).  The parent opens the gate by
 * writing one byte, and keeps the pipe open for as long as it lives, so
 * the same pipe also tells the child whether the parent is still alive.
 */
#ifndef ISOLATE_HANDSHAKE_H
#define ISOLATE_HANDSHAKE_H

struct handshake {
	int gate[2];	/* [0]: the child reads; [1]: the parent writes */
};

/* Parent, before clone(2): make the pipe (close-on-exec). */
void handshake_open(struct handshake *h);

/* Parent, after its setup: let the child go on. */
void release_child(struct handshake *h);

/* Child, first thing: wait for release_child().  If the parent dies
 * before that, exit quietly: the setup is unfinished. */
void await_setup(struct handshake *h);

/* Child, last thing before execve(2): have the kernel kill us when the
 * parent dies, and exit now if it already has. */
void die_with_parent(const struct handshake *h);

#endif
