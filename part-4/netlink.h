/*
 * netlink.h: the few rtnetlink requests part-4 needs, made by hand over
 * a raw NETLINK_ROUTE socket (netlink(7), rtnetlink(7)): no libnl, no
 * `ip`.  Each request is one message; the kernel answers each with an
 * acknowledgement that carries 0 or an errno, or, asked for a route,
 * with the route.
 *
 * A netlink socket speaks to the network namespace it was created in.
 */
#ifndef ISOLATE_NETLINK_H
#define ISOLATE_NETLINK_H

#include <netinet/in.h>
#include <sys/types.h>

/* A NETLINK_ROUTE socket in the caller's network namespace, or -1. */
int netlink_open(void);

/* RTM_NEWLINK: a veth pair `name` <-> `peer`, the peer created directly
 * in the network namespace of process `peer_pid`. */
int netlink_create_veth(int nl, const char *name, const char *peer,
			pid_t peer_pid);

/* RTM_NEWLINK on an existing link: set IFF_UP. */
int netlink_link_up(int nl, const char *name);

/* RTM_NEWADDR: give link `name` the IPv4 address `addr`/`prefix`. */
int netlink_add_address(int nl, const char *name, struct in_addr addr,
			int prefix);

/* RTM_NEWROUTE: the default route, via `gateway`. */
int netlink_add_default_route(int nl, struct in_addr gateway);

/* RTM_GETROUTE, as `ip route get fibmatch ADDR`: the prefix length of
 * the route the kernel would take to `addr` (32 for an address of its
 * own, 0 for a default route), or -1 and errno (ENETUNREACH: no route
 * at all). */
int netlink_route_prefix(int nl, struct in_addr addr);

#endif
