/* topo: the topology service -- LLDP discovery, the link, port and host
 * database, paths and the flooding tree.
 *
 * Sits above controller/ (it sees switches and messages through the
 * controller's hooks, sends probes as PACKET_OUTs through the sessions and
 * states its LLDP punt flow through the flow programmer) and below the
 * apps, which read it through the host functions of sluice/app.h (ABI
 * minor 2), and the REST API, which reads it through this header.
 *
 * Discovery.  On every switch a flow at priority 65535 in table 0 sends
 * LLDP (eth_type 0x88cc) to the controller, and flows at priority 1 (above
 * the table-miss flow only: the acl table's rules come first) send it a
 * copy of ARP and of IPv6 neighbor solicitations and advertisements
 * before the frame goes on to table 1 (hosts are learned from them even
 * when the apps' flows forward the traffic; the copies are consumed
 * here, the apps never see them).  Every live port is probed
 * once per 'lldp_interval': ports sit in the slots of a wheel of
 * TOPO_WHEEL_SLOTS ticks, so probes are spread over the interval; a new
 * port (switch up, port added or back up) is probed at once and then takes
 * the slot it lands in.  A probe (topology/lldp.h) is signed with the
 * instance's HMAC key ('topology.lldp_key', or random at start) and
 * stamped with the monotonic clock; a received LLDP frame makes or
 * refreshes the link src -> (this switch, in_port) only when its HMAC
 * verifies, its timestamp is no older than 'link_timeout' (and not from
 * the future), the sender is a connected switch with that port live, and
 * it did not come back to its own port.  Everything else is counted
 * (struct topo_stats) and dropped; LLDP never reaches the apps.  A link
 * counts (is listed, used, announced) only while both of its directions
 * are seen: a host that relays the probes it receives on one edge port
 * into another makes no link, and a cable that carries frames one way
 * only is not used.  (Two colluding hosts relaying both ways -- a
 * wormhole -- can still make one: no signature tells a relayed frame
 * from a forwarded one.)
 *
 * Links age out after 'link_timeout' without a probe (kept in an LRU list:
 * aging costs O(1) per expired link, no scans); a PORT_STATUS taking a
 * port down or deleting it, and a switch going down, remove its links at
 * once, both those leaving and those arriving there.
 *
 * Ports.  A live port (not LINK_DOWN, not PORT_DOWN, not reserved) is
 * PENDING from when it comes up until its first probe has been out for
 * TOPO_PENDING_GRACE seconds; then EDGE without links, TREE or BLOCKED
 * with links, by the spanning tree.  Floods use every live port but the
 * BLOCKED ones; hosts are learned on EDGE ports only.  Probes go out at
 * once when a switch or port comes up, so in a looped network the links
 * are known (and the loop cut) within a round trip of both ends being
 * connected; frames flooded in that moment are dropped at the first
 * blocked port, and the apps flush what they learned when the tree
 * changes.
 *
 * Hosts are learned from PACKET_INs on EDGE ports (MAC, outer VLAN, IPv4
 * from ARP and the IP source, IPv6 from ND and the IP source): O(1) per
 * packet-in, no allocation (a fixed-size table of 'max_hosts' entries,
 * allocated at start; when full, new hosts are counted and not learned).
 * A host seen at another edge port moves; hosts not seen for
 * 'host_timeout' age out, and go with their port or switch.  Hosts on a
 * port that turns out to have a link are removed.
 *
 * The graph (topology/graph.h) is rebuilt lazily when links change: the
 * spanning tree after the event-loop pass that changed them, at most once
 * per TOPO_TREE_GAP (20 ms), and paths and next hops on demand, cached
 * per topology version.
 *
 * Every change is published through sl_controller_publish() (apps, then
 * the REST event stream) as the SL_EV_PORT_UP .. SL_EV_TREE_CHANGED events
 * of sluice/event.h.
 *
 * With 'topology.enabled' false nothing is probed or learned: every live
 * port is EDGE and flooding uses all of them. */
#ifndef TOPOLOGY_TOPO_H
#define TOPOLOGY_TOPO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sluice/topo.h"

struct sl_controller;
struct topo;

#define TOPO_WHEEL_SLOTS 32       /* probe ticks per interval */
#define TOPO_PENDING_GRACE 0.05   /* seconds after a port's first probe */

/* Counters for /metrics. */
struct topo_stats {
    uint64_t probes_sent;         /* LLDP PACKET_OUTs */
    uint64_t probes_failed;       /* could not be built or sent */
    uint64_t lldp_ok;             /* verified probes received */
    uint64_t lldp_malformed;
    uint64_t lldp_foreign;        /* another agent's LLDP */
    uint64_t lldp_bad_hmac;       /* forged, altered, another key */
    uint64_t lldp_stale;          /* verified, but too old or from the
                                   * future */
    uint64_t lldp_unknown_port;   /* verified, but the sender is not a
                                   * connected switch with that port live,
                                   * or it came back to its own port */
    uint64_t link_up, link_down;  /* events */
    uint64_t host_add, host_move, host_remove;
    uint64_t hosts_not_learned;   /* the host table was full */
    uint64_t tree_computations;
    uint64_t tree_changes;
    size_t n_links;               /* now (directed, both ways seen) */
    size_t n_one_way;             /* directions seen without their
                                   * reverse (their ports are blocked) */
    size_t n_hosts;
    size_t n_tree_links;          /* cables on the tree */
    size_t n_edge_ports;
};

/* Creates the topology of 'ctl' from its running config (topology.*),
 * hooks it into the controller (ctl->topo is set) and into the app host
 * (the topo_* host functions).  Call after sl_controller_init() and before
 * sl_controller_start().  Returns NULL with one line in 'err' (bad
 * lldp_key, OpenSSL failure, no memory). */
struct topo *topo_create(struct sl_controller *ctl, char *err,
                         size_t errlen);
/* Unhooks and frees 't' (NULL is ignored).  Call before
 * sl_controller_uninit(). */
void topo_destroy(struct topo *t);

bool topo_enabled(const struct topo *t);
const struct topo_stats *topo_stats(const struct topo *t);

/* Queries: as the host functions of the same names in sluice/app.h. */
size_t topo_links(const struct topo *t, uint64_t dpid, struct sl_link *links,
                  size_t max);
enum sl_port_role topo_port_role(const struct topo *t, uint64_t dpid,
                                 uint32_t port_no);
size_t topo_flood_ports(const struct topo *t, uint64_t dpid,
                        uint32_t *ports, size_t max);
bool topo_flood_all(const struct topo *t, uint64_t dpid);
uint32_t topo_next_hop(struct topo *t, uint64_t from, uint64_t to);
size_t topo_path(struct topo *t, uint64_t src, uint64_t dst,
                 enum sl_path_metric metric, struct sl_path_hop *hops,
                 size_t max);
const struct sl_topo_host *topo_host_find(const struct topo *t,
                                          const uint8_t mac[6],
                                          uint16_t vlan);
/* Stores up to 'max' hosts attached to 'dpid' (0: all), sorted by (dpid,
 * port_no, mac, vlan); returns how many there are. */
size_t topo_hosts(const struct topo *t, uint64_t dpid,
                  const struct sl_topo_host **hosts, size_t max);
uint64_t topo_version(const struct topo *t);

/* For REST's /api/v1/paths: the host with MAC 'mac' on any VLAN (the most
 * recently seen), with IPv4 address 'ip' (host order), or with IPv6
 * address 'ip6'; NULL when none.  O(hosts): not for the packet path. */
const struct sl_topo_host *topo_host_by_mac(const struct topo *t,
                                            const uint8_t mac[6]);
const struct sl_topo_host *topo_host_by_ipv4(const struct topo *t,
                                             uint32_t ip);
const struct sl_topo_host *topo_host_by_ipv6(const struct topo *t,
                                             const uint8_t ip6[16]);

#endif /* TOPOLOGY_TOPO_H */
