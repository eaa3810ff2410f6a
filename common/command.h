/*
 * command.h: run the command, relay signals to it, and turn the way it
 * ended into isolate's exit status, with the conventions of docker run(1):
 * its own status, 128+N when signal N killed it, 126 when it cannot be
 * executed, 127 when it does not exist.
 */
#ifndef ISOLATE_COMMAND_H
#define ISOLATE_COMMAND_H

#include <signal.h>
#include <stdnoreturn.h>
#include <sys/types.h>

struct relay {
	sigset_t forwarded;	/* the signals passed on to the command */
	sigset_t caller_mask;	/* the mask isolate was started with */
};

/* Parent, before clone(2): block the forwarded signals and SIGCHLD, so
 * none is lost between clone and the wait; wait_command() collects them. */
void block_signals(struct relay *r);

/* Child: restore the caller's signal mask, keep no fd but 0, 1 and 2,
 * and execvp(3) the command.  On failure, print why and exit 126 or 127. */
noreturn void exec_command(char *const argv[], const struct relay *r);

/* Parent: pass on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2
 * until the child `pid` ends, reaping any other child that ends on the
 * way; return isolate's exit status. */
int wait_command(pid_t pid, const struct relay *r);

#endif
