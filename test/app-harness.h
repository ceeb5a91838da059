/* app-harness: runs one app plugin (a built .so) against a fake host, for
 * the apps' unit tests.
 *
 * The harness is the whole world the app sees through 'struct sl_host'
 * (sluice/app.h, every function of the current ABI minor):
 *   - a fake network: switches with ports, bidirectional cables between
 *     them, hosts; from these it answers the topo_* functions as the real
 *     topology does (shortest paths by hops with the real tie-break rule:
 *     fewest hops, then lowest next-hop dpid, then lowest port; a
 *     spanning tree by breadth-first search from the lowest dpid, visiting
 *     neighbours in (dpid, port) order; cable ports off the tree BLOCKED,
 *     on it TREE, other live ports EDGE; a version that changes on every
 *     change of links or ports);
 *   - a recording flow programmer: the desired flows per switch, keyed by
 *     (table, priority, match) like the real one (OXM order does not
 *     matter; re-adding an identity replaces it; flow_del of another
 *     app's or a missing flow says so), and a log of every call;
 *   - records of packet_out and send calls;
 *   - a fake clock (host->now) and timers fired by ah_advance();
 *   - REST: the app's routes, called through ah_rest();
 *   - metrics: the app's collector, rendered through ah_metrics();
 *   - the core's table-miss flows of the default pipeline (each table
 *     goes to the next, the last to the controller) for ah_trace().
 * Events reach the app only when a test emits them (ah_emit_*), so a test
 * controls their order exactly: changing the fake network does not emit
 * anything by itself.
 *
 * Nothing here is thread-safe; one harness at a time per test case is the
 * intended use.  Every function asserts (libcheck) on misuse. */
#ifndef TEST_APP_HARNESS_H
#define TEST_APP_HARNESS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sluice/app.h"

struct ah;

/* Loads "<top_builddir>/apps/.libs/<name>.so" (top_builddir from the
 * environment, "." if unset), checks its descriptor, calls init with
 * 'yaml' parsed as the app's config section ("{mode: reactive}"; NULL: no
 * section) and then start.  Returns the harness, or NULL when init or
 * start failed, with the errno in '*error' (may be NULL); the app's log
 * lines of a failed start are kept for ah_last_log() until the next
 * ah_new(). */
struct ah *ah_new(const char *name, const char *yaml, int *error);
/* Stops the app, calls fini, unloads it and frees everything. */
void ah_free(struct ah *);
/* The log of the last failed ah_new() (static storage; "" if none). */
const char *ah_last_log(void);
/* Calls the app's reconfigure with 'yaml'; returns its result (ENOTSUP
 * when the app has none). */
int ah_reconfigure(struct ah *, const char *yaml);

/* ---- the fake network (no events are emitted by these) ---- */

/* Adds connected switch 'dpid' with ports 1..n_ports, all up, named
 * "s<dpid>-eth<port>", plus OFPP_LOCAL. */
void ah_switch_add(struct ah *, uint64_t dpid, uint32_t n_ports);
/* Removes switch 'dpid', its cables and its hosts. */
void ah_switch_del(struct ah *, uint64_t dpid);
/* Sets port 'port' of 'dpid' up or down (a down port's cable carries
 * nothing: no links over it, role NONE). */
void ah_port_set(struct ah *, uint64_t dpid, uint32_t port, bool up);
/* Adds a cable a:pa <-> b:pb (two directed links). */
void ah_cable_add(struct ah *, uint64_t a, uint32_t pa, uint64_t b,
                  uint32_t pb);
/* Removes the cable at a:pa. */
void ah_cable_del(struct ah *, uint64_t a, uint32_t pa);
/* Adds (or moves) host 'mac' on 'vlan' (SL_HOST_NO_VLAN: untagged) at
 * dpid:port, with IPv4 'ipv4' (host order; 0: none).  Returns the host as
 * topo_host_find() will return it. */
const struct sl_topo_host *ah_host_add(struct ah *, const char *mac,
                                       uint16_t vlan, uint64_t dpid,
                                       uint32_t port, uint32_t ipv4);
/* Removes host 'mac' on 'vlan'. */
void ah_host_del(struct ah *, const char *mac, uint16_t vlan);
/* The fake topology's version (what topo_version answers). */
uint64_t ah_topo_version(struct ah *);

/* ---- events (the app's handlers run before these return) ---- */

void ah_emit_switch_up(struct ah *, uint64_t dpid);
void ah_emit_switch_down(struct ah *, uint64_t dpid);
void ah_emit_port_up(struct ah *, uint64_t dpid, uint32_t port);
void ah_emit_port_down(struct ah *, uint64_t dpid, uint32_t port);
/* LINK_UP / LINK_DOWN for both directions of the cable at a:pa. */
void ah_emit_link_up(struct ah *, uint64_t a, uint32_t pa);
void ah_emit_link_down(struct ah *, uint64_t a, uint32_t pa,
                       const char *reason);
void ah_emit_tree_changed(struct ah *);
/* HOST_ADD / HOST_MOVE (with where it was) / HOST_REMOVE for 'mac' on
 * 'vlan'; for HOST_REMOVE call it before ah_host_del(). */
void ah_emit_host_add(struct ah *, const char *mac, uint16_t vlan);
void ah_emit_host_move(struct ah *, const char *mac, uint16_t vlan,
                       uint64_t old_dpid, uint32_t old_port);
void ah_emit_host_remove(struct ah *, const char *mac, uint16_t vlan);
/* A PACKET_IN of 'frame' ('len' bytes) on dpid:in_port from table
 * 'table_id' (reason OFPR_NO_MATCH, cookie all ones: a table miss), parsed
 * as the host parses it.  Returns the verdict of the last handler run. */
enum sl_verdict ah_emit_packet_in(struct ah *, uint64_t dpid,
                                  uint32_t in_port, uint8_t table_id,
                                  const void *frame, size_t len);
/* A multipart reply (decoded 'msg', type OFPT_MULTIPART_REPLY, its xid
 * set by the test to the one the app sent) from 'dpid'. */
void ah_emit_stats_reply(struct ah *, uint64_t dpid,
                         const struct ofp_msg *msg);
/* An OFPT_ERROR 'code' for desired flow (table, priority, match) of the
 * app on 'dpid' (the flow stays recorded; the app is told, as the real
 * host tells the owner). */
void ah_emit_flow_error(struct ah *, uint64_t dpid, uint8_t table_id,
                        uint16_t priority, const struct ofp_match *match,
                        enum ofperr code);

/* ---- time ---- */

/* The fake clock starts at 1000.0 s. */
double ah_now(struct ah *);
/* Moves the clock forward 'seconds', firing due timers in order. */
void ah_advance(struct ah *, double seconds);

/* ---- the recording flow programmer ---- */

/* The app's desired flows on 'dpid' in table 'table_id' (-1: all tables):
 * how many. */
size_t ah_flow_count(struct ah *, uint64_t dpid, int table_id);
/* The desired flow (table, priority, match) on 'dpid', or NULL. */
const struct sl_flow_spec *ah_flow_get(struct ah *, uint64_t dpid,
                                       uint8_t table_id, uint16_t priority,
                                       const struct ofp_match *match);
/* The 'i'th desired flow on 'dpid' (i < ah_flow_count(dpid, -1)), in
 * (table, descending priority, insertion) order, or NULL. */
const struct sl_flow_spec *ah_flow_at(struct ah *, uint64_t dpid, size_t i);
/* Counts of flow_add / flow_del / flow_del_all calls since the last
 * ah_reset_counts() (replacing an identical flow counts as an add). */
struct ah_counts {
    size_t flow_adds, flow_dels, flow_del_alls;
    size_t packet_outs, sends;
};
struct ah_counts ah_counts(struct ah *);
void ah_reset_counts(struct ah *);
/* Calls the done callbacks of every flow change not yet completed, with
 * 'error' (0: confirmed). */
void ah_complete_flows(struct ah *, enum ofperr error);

/* ---- packet-outs and messages sent ---- */

struct ah_packet_out {
    uint64_t dpid;
    uint32_t in_port;
    uint32_t buffer_id;
    size_t n_actions;
    struct ofp_action *actions; /* deep copies */
    size_t len;
    uint8_t *data;
};
/* The packet-outs recorded since the last ah_clear_packet_outs(), oldest
 * first; '*n' is how many. */
const struct ah_packet_out *ah_packet_outs(struct ah *, size_t *n);
void ah_clear_packet_outs(struct ah *);
/* Every port a packet-out sends the frame out of: its OUTPUT actions'
 * ports in order (OFPP_* reserved ports as they are). */
size_t ah_packet_out_ports(const struct ah_packet_out *, uint32_t *ports,
                           size_t max);

struct ah_sent {
    uint64_t dpid;
    uint32_t xid;
    enum ofp_type type;
    uint16_t mp_type; /* multipart requests: enum ofp_multipart_type */
    uint8_t table_id; /* OFPMP_FLOW / OFPMP_AGGREGATE requests */
};
/* The messages sent with host->send since the last ah_clear_sent(). */
const struct ah_sent *ah_sent(struct ah *, size_t *n);
void ah_clear_sent(struct ah *);

/* ---- a frame through the desired flows ---- */

#define AH_TRACE_MAX_OUT 64
struct ah_trace {
    bool to_controller;  /* an output to OFPP_CONTROLLER happened */
    bool dropped;        /* no output at all */
    size_t n_out;
    struct {
        uint32_t port;       /* a physical port (OFPP_IN_PORT resolved;
                              * OFPP_FLOOD/ALL expanded over the switch's
                              * live ports but in_port, as OVS does) */
        uint8_t frame[2048]; /* the frame as it leaves, after set-fields,
                              * VLAN pushes/pops and TTL decrements */
        size_t len;
    } out[AH_TRACE_MAX_OUT];
    size_t n_tables;     /* tables visited, in order */
    uint8_t tables[16];
};
/* Sends 'frame' through switch 'dpid' as OVS would, from table 0: in each
 * table the highest-priority matching desired flow (the app's, or the
 * core's table-miss) runs; apply-actions in order (output, set_field of
 * eth/vlan/ipv4/ipv6/tcp/udp fields, push_vlan, pop_vlan, dec_nw_ttl --
 * a TTL reaching 0 drops, group: unsupported (asserts)), write-actions at
 * the end, goto_table.  Matches every OXM the apps use (in_port,
 * eth_dst/src/type masked, vlan_vid masked with OFPVID_PRESENT semantics,
 * vlan_pcp, ip_proto, ip_dscp, ipv4/ipv6 src/dst masked, tcp/udp/sctp
 * ports, icmpv4/icmpv6 type and code, arp_op/spa/tpa/sha/tha,
 * ipv6_nd_target/sll/tll, metadata masked); an OXM it does not know
 * asserts.  Flows of other apps are not there: a test of one app sees
 * that app's flows and the table-miss flows only. */
void ah_trace(struct ah *, uint64_t dpid, uint32_t in_port,
              const void *frame, size_t len, struct ah_trace *out);

/* ---- REST and metrics ---- */

/* Calls the app's route for 'method' (SL_REST_*) on 'subpath' (after
 * "/api/v1/apps/<name>", e.g. "/rules/3"; query after '?') with 'body'
 * (NULL: none).  Returns the status the app answered (404 when no route
 * matches, 405 when the path matches but not the method), and the body
 * in '*reply' (malloc'd, NUL-terminated; the caller frees; may be
 * NULL). */
int ah_rest(struct ah *, unsigned method, const char *subpath,
            const char *body, char **reply);
/* Calls the app's route like ah_rest() and asserts that it answers 400
 * with 'detail' somewhere in the reply (a hostile or malformed body). */
void ah_rest_expect_400(struct ah *, unsigned method, const char *subpath,
                        const char *body, const char *detail);
/* Runs the app's metrics collector and returns the Prometheus text
 * (malloc'd; "" when it has none). */
char *ah_metrics(struct ah *);
/* The value of sample 'name' with labels 'labels' ("" for none, else
 * exactly as rendered, e.g. "rule=\"3\""), or NAN when absent. */
double ah_metric(struct ah *, const char *name, const char *labels);

/* ---- the app's log ---- */

/* True if a line the app logged since ah_new() (or the last
 * ah_clear_log()) contains 'needle'. */
bool ah_log_contains(struct ah *, const char *needle);
void ah_clear_log(struct ah *);

/* ---- frames for tests ---- */

/* Parses "aa:bb:cc:dd:ee:ff" (asserts on a bad one). */
void ah_mac(const char *text, uint8_t mac[6]);
/* Parses dotted IPv4 to host order; IPv6 text to 16 bytes. */
uint32_t ah_ipv4(const char *text);
void ah_ipv6(const char *text, uint8_t addr[16]);
/* Writes a frame into 'buf' (at least 1514 bytes) and returns its length.
 * 'vlan' SL_HOST_NO_VLAN: untagged.  IPv4/IPv6 checksums are right. */
size_t ah_frame_eth(uint8_t *buf, const char *dst, const char *src,
                    uint16_t vlan, uint16_t eth_type, size_t payload_len);
size_t ah_frame_arp(uint8_t *buf, uint16_t vlan, uint16_t op,
                    const char *sha, const char *spa, const char *tha,
                    const char *tpa);
/* ICMP echo request (type 8) from src to dst with 'ttl'. */
size_t ah_frame_icmp4(uint8_t *buf, const char *eth_dst, const char *eth_src,
                      uint16_t vlan, const char *ip_src, const char *ip_dst,
                      uint8_t ttl, uint8_t type, uint8_t code);
size_t ah_frame_tcp4(uint8_t *buf, const char *eth_dst, const char *eth_src,
                     uint16_t vlan, const char *ip_src, const char *ip_dst,
                     uint16_t sport, uint16_t dport);
size_t ah_frame_udp4(uint8_t *buf, const char *eth_dst, const char *eth_src,
                     uint16_t vlan, const char *ip_src, const char *ip_dst,
                     uint16_t sport, uint16_t dport);
/* ICMPv6 echo (type 128) or any ICMPv6 'type'; for ND (135/136) 'target'
 * is the target address and 'lladdr' the SLL (NS) or TLL (NA) option
 * (NULL: none). */
size_t ah_frame_icmp6(uint8_t *buf, const char *eth_dst, const char *eth_src,
                      uint16_t vlan, const char *ip_src, const char *ip_dst,
                      uint8_t hop_limit, uint8_t type, const char *target,
                      const char *lladdr);

/* Builds a match from text, "eth_dst=aa:..,vlan_vid=0x100a,in_port=3",
 * OXM names as in ofproto (Ryu's names); the OXMs live in 'm' (up to 16;
 * the storage is inside 'm').  Asserts on bad text. */
struct ah_match {
    struct ofp_match match;
    struct ofp_oxm oxms[16];
};
const struct ofp_match *ah_match(struct ah_match *m, const char *text);

#endif /* TEST_APP_HARNESS_H */
