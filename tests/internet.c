/*
 * internet.c: "the internet" of the outbound tests (tests/part-4.bats),
 * run in a network namespace of the test's own, never on the host's.
 *
 *   internet ADDRESS NAME READY
 *
 * On ADDRESS it serves
 *   - TCP port 80: to each connection, one line, "hello from the
 *     internet, you are PEER\n", PEER the address the connection came
 *     from (behind masquerade: the host's, not the container's);
 *   - UDP port 53: DNS.  An A query for NAME gets ADDRESS; an AAAA query
 *     for NAME, no answer; any other name, NXDOMAIN (RFC 1035 4.1).
 * It creates the file READY once both listen, and runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(struct in_addr addr, int type, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr = addr };
	int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 16) == -1)) {
		perror("internet: listen");
		exit(1);
	}
	return fd;
}

static void greet(int server)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	char line[96];
	int fd = accept4(server, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);

	if (fd == -1)
		return;
	snprintf(line, sizeof line, "hello from the internet, you are %s\n",
		 inet_ntoa(peer.sin_addr));
	if (write(fd, line, strlen(line)) == -1)
		perror("internet: write");
	close(fd);
}

/* The query's name as "a.b.c", from its labels; its end in *end. */
static int read_name(const unsigned char *msg, size_t len, size_t *end, char *name,
		     size_t size)
{
	size_t at = 12, used = 0;

	while (at < len && msg[at] != 0) {
		size_t label = msg[at++];

		if (label > 63 || at + label > len || used + label + 2 > size)
			return -1;
		if (used > 0)
			name[used++] = '.';
		memcpy(name + used, msg + at, label);
		used += label;
		at += label;
	}
	if (at + 5 > len)
		return -1;
	name[used] = '\0';
	*end = at + 1;	/* past the root label; then QTYPE, QCLASS */
	return 0;
}

static void answer(int server, struct in_addr addr, const char *name)
{
	unsigned char msg[512];
	struct sockaddr_in peer;
	socklen_t peer_len = sizeof peer;
	char asked[256];
	size_t end;
	ssize_t len = recvfrom(server, msg, sizeof msg, 0, (struct sockaddr *)&peer, &peer_len);

	if (len < 12 || read_name(msg, (size_t)len, &end, asked, sizeof asked) == -1)
		return;
	int qtype = msg[end] << 8 | msg[end + 1];
	int known = strcasecmp(asked, name) == 0;
	size_t out = end + 4;	/* the header and the question, echoed */

	msg[2] = 0x80 | (msg[2] & 0x01);	/* a response; RD as asked */
	msg[3] = 0x80 | (known ? 0 : 3);	/* RA; NOERROR or NXDOMAIN */
	msg[6] = msg[7] = msg[8] = msg[9] = msg[10] = msg[11] = 0;
	if (known && qtype == 1 && out + 16 <= sizeof msg) {
		static const unsigned char a_record[] = {
			0xc0, 0x0c,		/* the name: the question's */
			0x00, 0x01, 0x00, 0x01,	/* type A, class IN */
			0x00, 0x00, 0x00, 0x3c,	/* TTL 60 s */
			0x00, 0x04,		/* 4 bytes of address */
		};
		memcpy(msg + out, a_record, sizeof a_record);
		memcpy(msg + out + sizeof a_record, &addr, 4);
		out += sizeof a_record + 4;
		msg[7] = 1;	/* one answer */
	}
	msg[5] = 1;	/* one question */
	msg[4] = 0;
	sendto(server, msg, out, 0, (struct sockaddr *)&peer, peer_len);
}

int main(int argc, char **argv)
{
	struct in_addr addr;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &addr) != 1) {
		fprintf(stderr, "usage: internet ADDRESS NAME READY\n");
		return 2;
	}
	struct pollfd fds[2] = {
		{ .fd = listen_on(addr, SOCK_STREAM, 80), .events = POLLIN },
		{ .fd = listen_on(addr, SOCK_DGRAM, 53), .events = POLLIN },
	};
	int ready = open(argv[3], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	if (ready == -1 || close(ready) == -1) {
		perror("internet: ready file");
		return 1;
	}
	for (;;) {
		if (poll(fds, 2, -1) == -1)
			continue;
		if (fds[0].revents & POLLIN)
			greet(fds[0].fd);
		if (fds[1].revents & POLLIN)
			answer(fds[1].fd, addr, argv[2]);
	}
}
