/*
 * ptyrun.c: run a command on a real pseudo-terminal and script it like a
 * tiny expect(1), so the suite can test what isolate does to a terminal.
 *
 * ptyrun plays the user's terminal emulator.  It opens a pty, starts
 * COMMAND on it as a session leader with the pty as its controlling
 * terminal, in the cooked mode a login shell starts in, types what the
 * script says and watches what comes out.  At the end it reports what
 * the next shell on that terminal would find once COMMAND has exited:
 * COMMAND's status, bytes pushed into the terminal's input queue (as
 * TIOCSTI does) that the shell would read as typed, and whether the
 * terminal's modes were left changed.
 *
 *   cc -std=gnu11 -O2 -o ptyrun tests/ptyrun.c          (libc only)
 *   ptyrun [-r ROWS] [-c COLS] [-t SECONDS] [-o FILE] SCRIPT -- COMMAND [ARG...]
 *
 *   -r, -c  window size, 24 rows and 80 columns by default
 *   -t      timeout of each step that waits, and of the final wait
 *           for COMMAND; 10 seconds by default, fractions allowed
 *   -o      also save everything COMMAND wrote, raw, in FILE
 *   SCRIPT  the steps, one a line, run in order; "-" reads them on stdin
 *
 * Steps.  Blank lines, and lines starting with #, are skipped.
 *   expect TEXT  wait until TEXT appears in the output that came after
 *                the previous expect's match; fails at once if COMMAND
 *                exits without writing it
 *   send TEXT    type TEXT (no newline is added)
 *   resize R C   set the window size; the kernel sends SIGWINCH to the
 *                terminal's foreground process group
 *   signal SIG   send SIG (TERM, SIGTERM or 15) to COMMAND itself
 *   sleep MS     wait MS milliseconds, still reading the output
 *   hangup       close the terminal as closing its window does: the
 *                session leader gets SIGHUP.  No expect, send, resize or
 *                hangup may follow.
 *   wait         wait for COMMAND to exit
 * TEXT is everything after the one space that follows the keyword,
 * other spaces included.  In TEXT, \n \r \t \\ and \xHH stand for a
 * newline, a carriage return, a tab, a backslash and the byte HH:
 * \x03 is Ctrl-C, \x04 Ctrl-D, \x1a Ctrl-Z.  Output is as a terminal
 * emulator receives it, so lines end in \r\n.
 *
 * After the script ptyrun waits for COMMAND to exit, kills it with
 * SIGKILL after the timeout, and prints on stdout:
 *   status: N             COMMAND's exit status, or 128+SIG if killed
 *   injected: N           bytes left unread in the terminal's input queue
 *   injected-bytes: TEXT  those bytes, escaped as above (when N > 0)
 *   modes: same|changed   the terminal's termios, against before COMMAND
 *   modes-diff: ...       which fields changed, before and after
 * After a hangup there is no terminal left to look at: "injected: n/a"
 * and "modes: n/a".
 *
 * Exit status: 0 when every step succeeded, whatever COMMAND's status
 * was; 3 when a step timed out or failed (the rest of the script is
 * skipped), or COMMAND had to be killed: the report is still printed,
 * and the output is written to stderr, escaped, unless -o saved it;
 * 2 for usage and script errors, found before COMMAND starts; 1 when
 * the terminal could not be set up.
 *
 * Bytes that the script sends but COMMAND does not read before it exits
 * stay in the input queue, and count as injected, as typed-ahead input
 * would reach the next shell.  A script should expect a sign that the
 * program is ready before it sends a key: Ctrl-C, say, also throws away
 * the typed input that was not read yet, as on a real terminal.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/*
 * SIGCHLD does not wake poll() unless a handler writes to a pipe, and
 * that handler would need a global: the event loop looks for the
 * child's exit with waitpid(WNOHANG) at least this often instead.
 */
#define TICK_MS 10
/* A round reads at most this much, so a flood of output cannot starve
 * the timers. */
#define DRAIN_MAX (1 << 20)
/* The output kept for expect and the final dump: past this, the older
 * half is forgotten (expect may then miss a match in it), so that a
 * runaway COMMAND cannot exhaust memory.  -o still saves all. */
#define KEEP_MAX (8 << 20)

enum kind { EXPECT, SEND, RESIZE, SIGNAL, SLEEP, HANGUP, WAIT };

struct step {
	enum kind kind;
	int line;
	char *raw;	/* TEXT as written, for messages */
	char *text;	/* TEXT decoded */
	size_t len;
	int arg[2];	/* rows and columns, the signal, or milliseconds */
};

struct script {
	struct step *steps;
	size_t n;
};

struct options {
	int rows, cols, timeout_ms;
	const char *script, *output;
	char **command;
};

struct transcript {
	char *buf;
	size_t len, cap;
	size_t mark;		/* end of the previous match */
	size_t scan;		/* where the next search for a match starts */
	size_t forgotten;	/* bytes dropped from the front */
};

struct session {
	const char *command;
	int timeout_ms;
	int master, slave;	/* both -1 after a hangup */
	bool master_eof;
	pid_t pid;
	bool exited;
	int status;
	struct termios before;
	struct transcript out;
	FILE *raw;		/* -o FILE, or NULL */
};

enum progress { WAITING, DONE, GIVE_UP };

typedef enum progress (*check_fn)(struct session *, const struct step *);

static const struct {
	const char *word;
	enum kind kind;
} keywords[] = {
	{ "expect", EXPECT }, { "send", SEND }, { "resize", RESIZE },
	{ "signal", SIGNAL }, { "sleep", SLEEP }, { "hangup", HANGUP },
	{ "wait", WAIT },
};

#define SIG(name) { #name, SIG##name }
static const struct {
	const char *name;
	int number;
} signal_names[] = {
	SIG(HUP), SIG(INT), SIG(QUIT), SIG(ILL), SIG(TRAP), SIG(ABRT),
	SIG(BUS), SIG(FPE), SIG(KILL), SIG(USR1), SIG(SEGV), SIG(USR2),
	SIG(PIPE), SIG(ALRM), SIG(TERM), SIG(CHLD), SIG(CONT), SIG(STOP),
	SIG(TSTP), SIG(TTIN), SIG(TTOU), SIG(URG), SIG(XCPU), SIG(XFSZ),
	SIG(VTALRM), SIG(PROF), SIG(WINCH), SIG(IO), SIG(SYS),
};
#undef SIG

#define CC(name) [name] = #name
static const char *const cc_names[NCCS] = {
	CC(VINTR), CC(VQUIT), CC(VERASE), CC(VKILL), CC(VEOF), CC(VTIME),
	CC(VMIN), CC(VSWTC), CC(VSTART), CC(VSTOP), CC(VSUSP), CC(VEOL),
	CC(VREPRINT), CC(VDISCARD), CC(VWERASE), CC(VLNEXT), CC(VEOL2),
};
#undef CC

static void usage(void)
{
	fputs("usage: ptyrun [-r ROWS] [-c COLS] [-t SECONDS] [-o FILE] "
	      "SCRIPT -- COMMAND [ARG...]\n", stderr);
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (p == NULL) {
		perror("ptyrun");
		exit(1);
	}
	return p;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Writes bytes with the script's escapes; `lines` breaks the line after
 * each \n, to make a transcript readable. */
static void put_escaped(FILE *f, const char *buf, size_t len, bool lines)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			fputs(lines ? "\\n\n" : "\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c >= 0x20 && c < 0x7f)
			putc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* ---- the script ---- */

static int hex_digit(char c)
{
	return isdigit((unsigned char)c) ? c - '0'
					 : tolower((unsigned char)c) - 'a' + 10;
}

/* Returns TEXT with its escapes decoded (it may hold NULs, hence *len),
 * or NULL if an escape is not one of ours. */
static char *decode(const char *in, size_t *len)
{
	char *out = xrealloc(NULL, strlen(in) + 1), *o = out;

	for (const char *p = in; *p != '\0'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case '\\': *o++ = '\\'; break;
		case 'x':
			if (!isxdigit((unsigned char)p[1]) ||
			    !isxdigit((unsigned char)p[2]))
				goto bad;
			*o++ = (char)(hex_digit(p[1]) * 16 + hex_digit(p[2]));
			p += 2;
			break;
		default:	/* including a backslash at the end */
			goto bad;
		}
	}
	*len = (size_t)(o - out);
	return out;
bad:
	free(out);
	return NULL;
}

static bool only_blanks(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Parses exactly n decimal numbers in [min, max], separated by blanks. */
static bool parse_numbers(const char *s, int *v, int n, long min, long max)
{
	for (int i = 0; i < n; i++) {
		char *end;
		long x;

		s += strspn(s, " \t");
		if (!isdigit((unsigned char)*s))
			return false;
		errno = 0;
		x = strtol(s, &end, 10);
		if (errno != 0 || x < min || x > max)
			return false;
		if (*end != '\0' && *end != ' ' && *end != '\t')
			return false;
		v[i] = (int)x;
		s = end;
	}
	return only_blanks(s);
}

/* TERM, SIGTERM, term or 15: returns the number, or 0. */
static int parse_signal(const char *arg)
{
	char name[32];
	size_t len;
	int number;

	arg += strspn(arg, " \t");
	len = strcspn(arg, " \t");
	if (len == 0 || len >= sizeof(name) || !only_blanks(arg + len))
		return 0;
	memcpy(name, arg, len);
	name[len] = '\0';
	if (parse_numbers(name, &number, 1, 1, NSIG - 1))
		return number;
	arg = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(*signal_names); i++)
		if (strcasecmp(arg, signal_names[i].name) == 0)
			return signal_names[i].number;
	return 0;
}

/* Fills *st from a line that is not blank or a comment; returns what is
 * wrong with the line, or NULL. */
static const char *parse_step(const char *line, struct step *st)
{
	size_t len = strcspn(line, " \t");
	const char *rest = line + len;
	size_t i = 0;

	while (i < sizeof(keywords) / sizeof(*keywords) &&
	       (strlen(keywords[i].word) != len ||
		strncmp(keywords[i].word, line, len) != 0))
		i++;
	memset(st, 0, sizeof(*st));
	if (i == sizeof(keywords) / sizeof(*keywords))
		return "unknown step";
	st->kind = keywords[i].kind;
	switch (st->kind) {
	case EXPECT:
	case SEND:
		if (rest[0] != ' ' || rest[1] == '\0')
			return "missing TEXT (one space after the keyword, then TEXT)";
		st->text = decode(rest + 1, &st->len);
		if (st->text == NULL)
			return "bad escape (known: \\n \\r \\t \\\\ \\xHH)";
		st->raw = strdup(rest + 1);
		return st->raw == NULL ? strerror(errno) : NULL;
	case RESIZE:
		return parse_numbers(rest, st->arg, 2, 1, USHRT_MAX) ? NULL
			: "expected: resize ROWS COLS";
	case SIGNAL:
		st->arg[0] = parse_signal(rest);
		return st->arg[0] != 0 ? NULL : "expected: signal NAME or NUMBER";
	case SLEEP:
		return parse_numbers(rest, st->arg, 1, 0, 24 * 3600 * 1000)
			? NULL : "expected: sleep MILLISECONDS";
	case HANGUP:
	case WAIT:
		return only_blanks(rest) ? NULL : "takes no argument";
	}
	return "unknown step";
}

static void free_script(struct script *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		free(sc->steps[i].raw);
		free(sc->steps[i].text);
	}
	free(sc->steps);
}

/* Checks the whole script before anything runs: a typo must be a usage
 * error, not a half-run test. */
static bool load_script(const char *path, struct script *sc)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	const char *error = NULL;
	bool hung_up = false;
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int lineno = 0;

	sc->steps = NULL;
	sc->n = 0;
	if (f == NULL) {
		fprintf(stderr, "ptyrun: %s: %s\n", path, strerror(errno));
		return false;
	}
	while (error == NULL && (n = getline(&line, &size, f)) >= 0) {
		const char *keyword = line + strspn(line, " \t");
		struct step st;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (*keyword == '\0' || *keyword == '#')
			continue;
		error = parse_step(keyword, &st);
		if (error == NULL && hung_up && st.kind != SIGNAL &&
		    st.kind != SLEEP && st.kind != WAIT)
			error = "no terminal left after hangup";
		if (error == NULL) {
			st.line = lineno;
			hung_up = hung_up || st.kind == HANGUP;
			sc->steps = xrealloc(sc->steps,
					     (sc->n + 1) * sizeof(*sc->steps));
			sc->steps[sc->n++] = st;
		} else {
			free(st.raw);
			free(st.text);
		}
	}
	if (error == NULL && ferror(f))
		error = strerror(errno);
	if (error != NULL)
		fprintf(stderr, "ptyrun: %s:%d: %s: %s\n", path, lineno, error,
			line);
	free(line);
	if (f != stdin)
		fclose(f);
	return error == NULL;
}

/* ---- options ---- */

static bool parse_options(int argc, char **argv, struct options *o)
{
	int c, number;
	double seconds;
	char *end;

	*o = (struct options){ .rows = 24, .cols = 80, .timeout_ms = 10000 };
	while ((c = getopt(argc, argv, "+r:c:t:o:")) != -1) {
		switch (c) {
		case 'r':
		case 'c':
			if (!parse_numbers(optarg, &number, 1, 1, USHRT_MAX)) {
				fprintf(stderr, "ptyrun: -%c: bad size %s\n", c, optarg);
				return false;
			}
			*(c == 'r' ? &o->rows : &o->cols) = number;
			break;
		case 't':
			seconds = strtod(optarg, &end);
			/* Written so that NaN fails too. */
			if (end == optarg || *end != '\0' ||
			    !(seconds > 0 && seconds <= 24 * 3600)) {
				fprintf(stderr, "ptyrun: -t: bad timeout %s\n", optarg);
				return false;
			}
			o->timeout_ms = (int)(seconds * 1000 + 0.999);
			break;
		case 'o':
			o->output = optarg;
			break;
		default:
			return false;
		}
	}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--") != 0)
		return false;
	o->script = argv[optind];
	o->command = argv + optind + 2;
	return true;
}

/* ---- the output ---- */

static void forget_oldest(struct transcript *t, size_t n)
{
	memmove(t->buf, t->buf + n, t->len - n);
	t->len -= n;
	t->mark = t->mark > n ? t->mark - n : 0;
	t->scan = t->scan > n ? t->scan - n : 0;
	t->forgotten += n;
}

static void remember(struct transcript *t, const char *buf, size_t n)
{
	if (t->len + n > KEEP_MAX)
		forget_oldest(t, t->len / 2);
	while (t->len + n > t->cap) {
		t->cap *= 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, buf, n);
	t->len += n;
}

static void dump(const struct transcript *t, size_t from, const char *what)
{
	fprintf(stderr, "ptyrun: %s, escaped:\n", what);
	if (from == 0 && t->forgotten > 0)
		fprintf(stderr, "[%zu earlier bytes forgotten]\n", t->forgotten);
	put_escaped(stderr, t->buf + from, t->len - from, true);
	if (t->len == from)
		fputs("(nothing)\n", stderr);
	else if (t->buf[t->len - 1] != '\n')
		putc('\n', stderr);
	fputs("ptyrun: end of output\n", stderr);
}

/* Reads what the master has.  EIO means every slave fd is closed: the
 * end of the output, not an error (it cannot happen before a hangup,
 * since we hold a slave fd ourselves). */
static void drain(struct session *s)
{
	char buf[4096];
	size_t total = 0;

	while (s->master >= 0 && !s->master_eof && total < DRAIN_MAX) {
		ssize_t n = read(s->master, buf, sizeof(buf));

		if (n > 0) {
			remember(&s->out, buf, (size_t)n);
			if (s->raw != NULL)
				fwrite(buf, 1, (size_t)n, s->raw);
			total += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			return;
		} else {
			if (n < 0 && errno != EIO)
				perror("ptyrun: read");
			s->master_eof = true;
		}
	}
	/* -o keeps what was read even if we are killed, by a bats timeout
	 * say. */
	if (s->raw != NULL && total > 0)
		fflush(s->raw);
}

/* Once the child has exited, whatever it wrote can be read: a read on
 * the master first flushes the pty's pending buffer work, so a drain
 * right after waitpid() misses nothing that the child wrote. */
static void reap(struct session *s)
{
	int status;

	if (s->exited || waitpid(s->pid, &status, WNOHANG) != s->pid)
		return;
	s->exited = true;
	s->status = WIFEXITED(status) ? WEXITSTATUS(status)
				      : 128 + WTERMSIG(status);
	drain(s);
}

/* One round of the event loop: waits up to ms for output, reads it, and
 * notices the child's exit. */
static void pump(struct session *s, int ms)
{
	struct pollfd p = { .fd = s->master, .events = POLLIN };

	if (ms > TICK_MS)
		ms = TICK_MS;
	if (s->master >= 0 && !s->master_eof) {
		if (poll(&p, 1, ms) > 0)
			drain(s);	/* POLLHUP too: the read says EIO */
	} else {
		poll(NULL, 0, ms);
	}
	reap(s);
}

/* Runs the event loop until check() says DONE or GIVE_UP, or deadline
 * passes (WAITING). */
static enum progress run_until(struct session *s, check_fn check,
			       const struct step *st, long long deadline)
{
	for (;;) {
		enum progress p = check(s, st);
		long long left = deadline - now_ms();

		if (p != WAITING || left <= 0)
			return p;
		pump(s, left < TICK_MS ? (int)left : TICK_MS);
	}
}

/* ---- the steps ---- */

static enum progress check_expect(struct session *s, const struct step *st)
{
	struct transcript *t = &s->out;
	const char *hit = memmem(t->buf + t->scan, t->len - t->scan,
				 st->text, st->len);

	if (hit != NULL) {
		t->mark = t->scan = (size_t)(hit - t->buf) + st->len;
		return DONE;
	}
	/* Next time, search only where a match can still start. */
	if (t->len - t->mark >= st->len)
		t->scan = t->len - st->len + 1;
	/* All the child wrote has been read once it has exited (reap). */
	return s->exited ? GIVE_UP : WAITING;
}

static enum progress check_exited(struct session *s, const struct step *st)
{
	(void)st;
	return s->exited ? DONE : WAITING;
}

static enum progress check_never(struct session *s, const struct step *st)
{
	(void)s;
	(void)st;
	return WAITING;
}

static bool do_expect(struct session *s, const struct step *st,
		      long long deadline)
{
	enum progress p;

	s->out.scan = s->out.mark;
	p = run_until(s, check_expect, st, deadline);
	if (p == DONE)
		return true;
	fprintf(stderr, "ptyrun: timed out expecting: %s\n", st->raw);
	if (p == GIVE_UP)
		fprintf(stderr, "ptyrun: (%s exited with status %d first)\n",
			s->command, s->status);
	dump(&s->out, s->out.mark, "output since the previous match");
	return false;
}

/* The master is non-blocking, and a child that does not read its
 * terminal fills the input queue: keep reading output between tries. */
static bool do_send(struct session *s, const struct step *st,
		    long long deadline)
{
	size_t done = 0;

	if (s->exited)
		fprintf(stderr, "ptyrun: line %d: %s has exited; what is sent "
			"stays in the input queue\n", st->line, s->command);
	while (done < st->len) {
		ssize_t n = write(s->master, st->text + done, st->len - done);

		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
			fprintf(stderr, "ptyrun: send %s: %s\n", st->raw,
				strerror(errno));
			return false;
		} else if (now_ms() >= deadline) {
			fprintf(stderr, "ptyrun: timed out sending: %s\n", st->raw);
			return false;
		} else {
			pump(s, TICK_MS);
		}
	}
	return true;
}

static bool do_resize(struct session *s, const struct step *st)
{
	struct winsize ws = { .ws_row = (unsigned short)st->arg[0],
			      .ws_col = (unsigned short)st->arg[1] };

	if (ioctl(s->master, TIOCSWINSZ, &ws) == 0)
		return true;
	perror("ptyrun: resize");
	return false;
}

static bool do_signal(struct session *s, const struct step *st)
{
	/* Once reaped, the pid may belong to another process. */
	if (s->exited) {
		fprintf(stderr, "ptyrun: line %d: %s has already exited\n",
			st->line, s->command);
		return true;
	}
	if (kill(s->pid, st->arg[0]) == 0)
		return true;
	perror("ptyrun: signal");
	return false;
}

/* A terminal emulator that goes away closes the master, and the kernel
 * hangs the terminal up (SIGHUP to the session leader).  Our own slave
 * fd goes too: no one is left holding the terminal. */
static void hang_up(struct session *s)
{
	close(s->master);
	close(s->slave);
	s->master = s->slave = -1;
}

static bool do_wait(struct session *s, const struct step *st,
		    long long deadline)
{
	if (run_until(s, check_exited, st, deadline) == DONE)
		return true;
	fprintf(stderr, "ptyrun: timed out waiting for %s to exit\n",
		s->command);
	return false;
}

static bool run_step(struct session *s, const struct step *st)
{
	long long deadline = now_ms() + s->timeout_ms;

	switch (st->kind) {
	case EXPECT:
		return do_expect(s, st, deadline);
	case SEND:
		return do_send(s, st, deadline);
	case RESIZE:
		return do_resize(s, st);
	case SIGNAL:
		return do_signal(s, st);
	case SLEEP:
		run_until(s, check_never, st, now_ms() + st->arg[0]);
		return true;
	case HANGUP:
		hang_up(s);
		return true;
	case WAIT:
		return do_wait(s, st, deadline);
	}
	return false;
}

/* Waits for the child after the script; kills it after the timeout. */
static bool finish(struct session *s)
{
	int status = 0;

	if (run_until(s, check_exited, NULL, now_ms() + s->timeout_ms) == DONE) {
		drain(s);	/* for -o, in case reap's drain hit its limit */
		return true;
	}
	fprintf(stderr, "ptyrun: %s still running\n", s->command);
	kill(s->pid, SIGKILL);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->exited = true;
	s->status = WIFEXITED(status) ? WEXITSTATUS(status)
				      : 128 + WTERMSIG(status);
	drain(s);
	return false;
}

/* ---- the terminal ---- */

/* close_range() is one system call; the loop is for older libcs and
 * kernels, and can take long with a high RLIMIT_NOFILE. */
static void close_from(int first)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	if (close_range((unsigned)first, ~0U, 0) == 0)
		return;
#endif
	for (long fd = first, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		close((int)fd);
}

/* The session leader of a new terminal window: default signal actions
 * (a shell's background job would hand down SIGINT and SIGQUIT
 * ignored) and no signal blocked, a new session whose controlling
 * terminal is the pty, and no fd but 0, 1 and 2. */
static void exec_child(int slave, char **argv)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);	/* fails harmlessly on KILL, STOP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		perror("ptyrun: controlling terminal");
		_exit(127);
	}
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			_exit(127);
	close_from(3);	/* also what we inherited, such as bats' fd 3 */
	execvp(argv[0], argv);
	fprintf(stderr, "ptyrun: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* A new pty in the modes of a login shell's terminal.  Both fds are
 * close-on-exec, so that only the child's 0, 1 and 2 reach COMMAND. */
static bool open_pty(struct session *s, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows,
			      .ws_col = (unsigned short)cols };
	struct termios tio;
	const char *name;

	s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->master < 0 || grantpt(s->master) < 0 ||
	    unlockpt(s->master) < 0 || (name = ptsname(s->master)) == NULL)
		return false;
	s->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->slave < 0 || tcgetattr(s->slave, &tio) < 0)
		return false;
	tio.c_iflag |= ICRNL;
	tio.c_oflag |= OPOST | ONLCR;
	tio.c_lflag |= ECHO | ECHOE | ECHOK | ICANON | ISIG | IEXTEN;
	return tcsetattr(s->slave, TCSANOW, &tio) == 0 &&
	       ioctl(s->master, TIOCSWINSZ, &ws) == 0 &&
	       tcgetattr(s->slave, &s->before) == 0 &&
	       fcntl(s->master, F_SETFL, O_NONBLOCK) == 0;
}

static int start_command(struct session *s, const struct options *o)
{
	sigset_t all, old;

	*s = (struct session){ .command = o->command[0], .master = -1,
			       .slave = -1, .timeout_ms = o->timeout_ms };
	s->out.cap = 4096;
	s->out.buf = xrealloc(NULL, s->out.cap);
	if (o->output != NULL && (s->raw = fopen(o->output, "we")) == NULL) {
		fprintf(stderr, "ptyrun: %s: %s\n", o->output, strerror(errno));
		return 2;
	}
	if (!open_pty(s, o->rows, o->cols)) {
		perror("ptyrun: pty");
		return 1;
	}
	fflush(NULL);	/* or the child's stdio would repeat our buffers */
	/* Until the child has set its signal actions to the defaults, a
	 * signal sent to it must wait, not meet an action we inherited
	 * (blocked signals stay pending even when ignored). */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	s->pid = fork();
	if (s->pid == 0)
		exec_child(s->slave, o->command);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (s->pid < 0) {
		perror("ptyrun: fork");
		return 1;
	}
	return 0;
}

/* ---- the report ---- */

static bool same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0;
}

static void diff_flag(const char *name, tcflag_t before, tcflag_t after,
		      const char **sep)
{
	if (before == after)
		return;
	printf("%s%s before=0x%x after=0x%x", *sep, name,
	       (unsigned)before, (unsigned)after);
	*sep = ", ";
}

static void report_modes(const struct termios *b, const struct termios *a)
{
	const char *sep = " ";

	if (same_modes(b, a)) {
		puts("modes: same");
		return;
	}
	printf("modes: changed\nmodes-diff:");
	diff_flag("c_iflag", b->c_iflag, a->c_iflag, &sep);
	diff_flag("c_oflag", b->c_oflag, a->c_oflag, &sep);
	diff_flag("c_cflag", b->c_cflag, a->c_cflag, &sep);
	diff_flag("c_lflag", b->c_lflag, a->c_lflag, &sep);
	for (int i = 0; i < NCCS; i++) {
		if (b->c_cc[i] == a->c_cc[i])
			continue;
		if (cc_names[i] != NULL)
			printf("%sc_cc[%s]", sep, cc_names[i]);
		else
			printf("%sc_cc[%d]", sep, i);
		printf(" before=0x%x after=0x%x", (unsigned)b->c_cc[i],
		       (unsigned)a->c_cc[i]);
		sep = ", ";
	}
	putchar('\n');
}

/*
 * Takes the bytes waiting in the terminal's input queue: what the next
 * shell would read as typed.  In canonical mode FIONREAD counts only
 * complete lines, so the queue is first switched to non-canonical,
 * VMIN=0 VTIME=0 (which keeps its contents; TCSANOW flushes nothing),
 * then read until empty: what was read is the count.
 */
static void report_injected(int slave)
{
	struct termios tio;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int queued = -1;

	if (tcgetattr(slave, &tio) == 0) {
		tio.c_lflag &= ~(tcflag_t)ICANON;
		tio.c_cc[VMIN] = 0;
		tio.c_cc[VTIME] = 0;
		if (tcsetattr(slave, TCSANOW, &tio) < 0)
			perror("ptyrun: tcsetattr");
	}
	if (ioctl(slave, FIONREAD, &queued) < 0)
		perror("ptyrun: FIONREAD");
	fcntl(slave, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			cap += 4096;
			buf = xrealloc(buf, cap);
		}
		n = read(slave, buf + len, cap - len);
		if (n > 0)
			len += (size_t)n;
		else if (!(n < 0 && errno == EINTR))
			break;
	}
	/* FIONREAD may count fewer: bytes just written to the master are
	 * in the queue only once the kernel's buffer work has run, which
	 * read() waits for.  More would mean bytes that we failed to read. */
	if (queued > 0 && (size_t)queued > len)
		fprintf(stderr, "ptyrun: FIONREAD counted %d bytes, read %zu\n",
			queued, len);
	printf("injected: %zu\n", len);
	if (len > 0) {
		fputs("injected-bytes: ", stdout);
		put_escaped(stdout, buf, len, false);
		putchar('\n');
	}
	free(buf);
}

static void report(struct session *s)
{
	struct termios after;

	printf("status: %d\n", s->status);
	if (s->slave < 0) {
		puts("injected: n/a\nmodes: n/a");
		return;
	}
	/* Before report_injected changes them. */
	if (tcgetattr(s->slave, &after) < 0) {
		perror("ptyrun: tcgetattr");
		after = s->before;
	}
	report_injected(s->slave);
	report_modes(&s->before, &after);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct script script;
	struct session s;
	bool ok = true;
	int error;

	if (!parse_options(argc, argv, &opt)) {
		usage();
		return 2;
	}
	if (!load_script(opt.script, &script))
		return 2;
	/* A write to a closed master must fail, not kill us; and waitpid()
	 * needs SIGCHLD not ignored, whatever our parent left. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	error = start_command(&s, &opt);
	if (error != 0) {
		free(s.out.buf);
		free_script(&script);
		return error;
	}
	for (size_t i = 0; ok && i < script.n; i++)
		ok = run_step(&s, &script.steps[i]);
	ok = finish(&s) && ok;
	report(&s);
	if (!ok && s.raw == NULL)
		dump(&s.out, 0, "everything the command wrote");
	if (s.raw != NULL && fclose(s.raw) != 0)
		perror("ptyrun: -o");
	if (s.master >= 0)
		close(s.master);
	if (s.slave >= 0)
		close(s.slave);
	free(s.out.buf);
	free_script(&script);
	return ok ? 0 : 3;
}
