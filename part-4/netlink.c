/*
 * netlink.c: rtnetlink requests by hand; see netlink.h.
 *
 * A request is a struct nlmsghdr, a fixed header for its type (struct
 * ifinfomsg for links, ifaddrmsg for addresses, rtmsg for routes), then
 * attributes: each a struct rtattr (length, type) and its payload,
 * padded to 4 bytes.  An attribute can hold other attributes (a "nest");
 * its length then covers them all.
 */
#define _GNU_SOURCE
#include "netlink.h"

#include <errno.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The largest request here, the veth, is about 100 bytes. */
struct request {
	struct nlmsghdr hdr;
	char room[1024 - sizeof(struct nlmsghdr)];
};

/* Start a request of `type` whose fixed header is `fixed_len` bytes. */
static void *request_begin(struct request *r, int type, int flags,
			   size_t fixed_len)
{
	memset(r, 0, sizeof *r);
	r->hdr.nlmsg_len = NLMSG_LENGTH(fixed_len);
	r->hdr.nlmsg_type = type;
	r->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return NLMSG_DATA(&r->hdr);
}

/* Append an attribute; returns it, so that a nest can be closed later. */
static struct rtattr *add_attr(struct request *r, int type, const void *data,
			       size_t len)
{
	struct rtattr *attr = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->hdr.nlmsg_len));

	attr->rta_type = type;
	attr->rta_len = RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(attr), data, len);
	r->hdr.nlmsg_len = NLMSG_ALIGN(r->hdr.nlmsg_len) + RTA_ALIGN(attr->rta_len);
	return attr;
}

/* A nest's length is known once its content is in. */
static void end_nest(struct request *r, struct rtattr *nest)
{
	nest->rta_len = (char *)r + r->hdr.nlmsg_len - (char *)nest;
}

/*
 * Send the request and read the kernel's answer into `answer`: 0, or -1
 * and errno when it is an error.  One request at a time, on a socket of
 * our own: the next message in is its answer, so no sequence numbers
 * are needed to match them up.
 */
static int exchange(int nl, struct request *r, struct request *answer)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	if (sendto(nl, r, r->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof kernel) == -1)
		return -1;
	do
		n = recv(nl, answer, sizeof *answer, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (!NLMSG_OK(&answer->hdr, (size_t)n)) {
		errno = EPROTO;
		return -1;
	}
	if (answer->hdr.nlmsg_type == NLMSG_ERROR) {
		int error = ((struct nlmsgerr *)NLMSG_DATA(&answer->hdr))->error;

		if (error != 0) {
			errno = -error;
			return -1;
		}
	}
	return 0;
}

/* A request that changes something: its answer is an acknowledgement. */
static int transact(int nl, struct request *r)
{
	struct request ack;

	if (exchange(nl, r, &ack) == -1)
		return -1;
	if (ack.hdr.nlmsg_type != NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int netlink_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

int netlink_create_veth(int nl, const char *name, const char *peer,
			pid_t peer_pid)
{
	struct request r;
	struct ifinfomsg peer_info = { .ifi_family = AF_UNSPEC };
	uint32_t netns_pid = peer_pid;

	/*
	 * RTM_NEWLINK  ifinfomsg
	 *   IFLA_IFNAME    name
	 *   IFLA_LINKINFO
	 *     IFLA_INFO_KIND  "veth"
	 *     IFLA_INFO_DATA
	 *       VETH_INFO_PEER  ifinfomsg, then the peer's own attributes:
	 *         IFLA_IFNAME      peer
	 *         IFLA_NET_NS_PID  peer_pid
	 */
	struct ifinfomsg *info = request_begin(&r, RTM_NEWLINK,
					       NLM_F_CREATE | NLM_F_EXCL,
					       sizeof *info);
	info->ifi_family = AF_UNSPEC;
	add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	struct rtattr *linkinfo = add_attr(&r, IFLA_LINKINFO, NULL, 0);
	/* The kernel compares the kind by its length: no NUL needed,
	 * where IFLA_IFNAME must be a C string. */
	add_attr(&r, IFLA_INFO_KIND, "veth", strlen("veth"));
	struct rtattr *data = add_attr(&r, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *peer_attr = add_attr(&r, VETH_INFO_PEER, &peer_info,
					    sizeof peer_info);
	add_attr(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	add_attr(&r, IFLA_NET_NS_PID, &netns_pid, sizeof netns_pid);
	end_nest(&r, peer_attr);
	end_nest(&r, data);
	end_nest(&r, linkinfo);
	return transact(nl, &r);
}

int netlink_link_up(int nl, const char *name)
{
	struct request r;
	struct ifinfomsg *info = request_begin(&r, RTM_NEWLINK, 0, sizeof *info);

	info->ifi_family = AF_UNSPEC;
	info->ifi_index = if_nametoindex(name);
	if (info->ifi_index == 0)
		return -1;
	info->ifi_flags = IFF_UP;
	info->ifi_change = IFF_UP;	/* the flags this request changes */
	return transact(nl, &r);
}

int netlink_add_address(int nl, const char *name, struct in_addr addr,
			int prefix)
{
	struct request r;
	struct ifaddrmsg *ifa = request_begin(&r, RTM_NEWADDR,
					      NLM_F_CREATE | NLM_F_EXCL,
					      sizeof *ifa);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_index = if_nametoindex(name);
	if (ifa->ifa_index == 0)
		return -1;
	/* IFA_LOCAL is our address; IFA_ADDRESS the peer's, the same here. */
	add_attr(&r, IFA_LOCAL, &addr, sizeof addr);
	add_attr(&r, IFA_ADDRESS, &addr, sizeof addr);
	return transact(nl, &r);
}

int netlink_add_default_route(int nl, struct in_addr gateway)
{
	struct request r;
	struct rtmsg *rt = request_begin(&r, RTM_NEWROUTE,
					 NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);

	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = 0;		/* 0.0.0.0/0: the default route */
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	add_attr(&r, RTA_GATEWAY, &gateway, sizeof gateway);
	return transact(nl, &r);
}

int netlink_route_prefix(int nl, struct in_addr addr)
{
	struct request r, answer;
	struct rtmsg *rt = request_begin(&r, RTM_GETROUTE, 0, sizeof *rt);

	/* The answer is the route itself (RTM_NEWROUTE), or an error. */
	r.hdr.nlmsg_flags &= ~NLM_F_ACK;
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = 32;
	/* The routing table's entry that matches (`ip route get fibmatch`),
	 * with its own prefix length, not a /32 made for this address. */
	rt->rtm_flags = RTM_F_FIB_MATCH;
	add_attr(&r, RTA_DST, &addr, sizeof addr);
	if (exchange(nl, &r, &answer) == -1)
		return -1;
	if (answer.hdr.nlmsg_type != RTM_NEWROUTE) {
		errno = EPROTO;
		return -1;
	}
	return ((struct rtmsg *)NLMSG_DATA(&answer.hdr))->rtm_dst_len;
}
