/* sluice/topo.h: what the topology service tells plugins about the network.
 *
 * The host discovers links with LLDP (signed probes: a forged frame never
 * makes a link), learns hosts from packet-ins on edge ports, and keeps a
 * graph of the switches with shortest paths and a spanning tree for
 * flooding.  Plugins read it through the host functions of ABI minor 2
 * (sluice/app.h: topo_*) and hear of changes through the events
 * SL_EV_PORT_UP .. SL_EV_TREE_CHANGED (sluice/event.h).
 *
 * Everything returned is a copy or a borrowed pointer valid until the
 * plugin's callback returns: copy what you keep.
 *
 * Links are directed: a cable between s1:1 and s2:3 is two links,
 * s1:1 -> s2:3 and s2:3 -> s1:1, each discovered by its own probes. */
#ifndef SLUICE_TOPO_H
#define SLUICE_TOPO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A directed link: frames sent out of src_dpid:src_port arrive at
 * dst_dpid:dst_port. */
struct sl_link {
    uint64_t src_dpid;
    uint32_t src_port;
    uint64_t dst_dpid;
    uint32_t dst_port;
    double latency;  /* seconds, smoothed (EWMA 1/8) time from sending a
                      * probe to receiving it, through both switches'
                      * control channels; never negative */
    double up_since; /* wall clock (s since the epoch) it was discovered */
};

#define SL_HOST_MAX_ADDRS 4 /* IPv4 and IPv6 addresses kept per host: the
                             * most recently seen, newest first */

/* A host, learned from packet-ins on an edge port.  Identified by
 * (mac, vlan). */
struct sl_topo_host {
    uint8_t mac[6];
    uint16_t vlan;     /* outer VLAN id, or 0xffff when untagged */
    uint64_t dpid;     /* attachment point */
    uint32_t port_no;
    uint8_t n_ipv4, n_ipv6;
    uint32_t ipv4[SL_HOST_MAX_ADDRS]; /* host order */
    uint8_t ipv6[SL_HOST_MAX_ADDRS][16];
    double first_seen, last_seen; /* wall clock */
};

#define SL_HOST_NO_VLAN 0xffff

/* What a port is for flooding and learning (host function topo_port_role). */
enum sl_port_role {
    SL_PORT_NONE,    /* no such switch or port, a reserved port, or down */
    SL_PORT_PENDING, /* up, and probed less than a moment ago: no link
                      * known yet, so floods use it as an edge port, but
                      * hosts are not learned on it until it is EDGE */
    SL_PORT_EDGE,    /* up and no link: hosts live here */
    SL_PORT_TREE,    /* a link on the spanning tree */
    SL_PORT_BLOCKED, /* a link off the spanning tree: flooded frames
                      * arriving here are duplicates, drop them; never
                      * flood out of it */
};

/* Path metrics. */
enum sl_path_metric {
    SL_PATH_HOPS,    /* fewest links */
    SL_PATH_LATENCY, /* least sum of link latencies */
};

/* One switch on a path: the frame enters at 'in_port' (0 on the first
 * switch) and leaves by 'out_port' (0 on the last). */
struct sl_path_hop {
    uint64_t dpid;
    uint32_t in_port;
    uint32_t out_port;
};

#endif /* SLUICE_TOPO_H */
