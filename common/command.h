/*
 * command.h: run the command, relay signals to it, and turn the way it
 * ended into isolate's exit status, with the conventions of docker run(1):
 * its own status, 128+N when signal N killed it, 126 when it cannot be
 * executed, 127 when it does not exist.
 *
 * Stopping follows docker stop: a stop request (SIGTERM or SIGINT to
 * isolate, a hang-up of its terminal, the death of its parent) is passed
 * on; a command still running stop_timeout seconds later is killed with
 * SIGKILL, and a second stop request kills it at once.
 */
#ifndef ISOLATE_COMMAND_H
#define ISOLATE_COMMAND_H

#include <signal.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>
#include <termios.h>

/* docker stop's grace period, and the default of --stop-timeout. */
#define DEFAULT_STOP_TIMEOUT 10

struct relay {
	sigset_t forwarded;	/* the signals passed on to the command */
	sigset_t caller_mask;	/* the mask isolate was started with */
	pid_t caller;		/* isolate's parent, to notice its death */
	int stop_timeout;	/* seconds from a stop request to SIGKILL */
	bool own_session;	/* the command left our session (console.h) */
	bool command_is_pid1;	/* so it ignores signals it does not handle */
	int pty;		/* the command's terminal, relayed; -1: none */
	struct termios caller_modes;	/* our terminal's, while pty is relayed */
	bool modes_saved;	/* caller_modes holds them, to restore */
};

/* Parent, before clone(2): block the forwarded signals (but those the
 * caller ignores) and SIGCHLD, so none is lost between clone and the
 * wait; wait_command() collects them.  Have the kernel send SIGHUP when
 * our own parent dies. */
void block_signals(struct relay *r);

/* Child: restore the caller's signal mask, keep no fd but 0, 1 and 2,
 * and execvp(3) the command.  On failure, print why and exit 126 or 127. */
noreturn void exec_command(char *const argv[], const struct relay *r);

/* Parent: pass on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2
 * and act on stop requests until the child `pid` ends, relaying its
 * terminal if it has one; reap any other child that ends on the way;
 * restore our terminal; return isolate's exit status. */
int wait_command(pid_t pid, struct relay *r);

/* --init, as PID 1 of the container: pass on the signals sent to us (not
 * the terminal's: the command got those too), reap every orphan, and
 * return the command's status when `pid` ends. */
int wait_command_as_init(pid_t pid, const struct relay *r);

/* --init, once the command is forked: be unreadable to it (not
 * dumpable), and show `name` in ps instead of isolate's command line,
 * wiping that and the caller's environment from our memory; `argument`
 * is one of isolate's arguments, to check that memory is where the
 * kernel says (not under valgrind, which runs us elsewhere). */
void hide_init(const char *name, const char *argument);

#endif
