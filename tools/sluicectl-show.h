/* sluicectl-show: sluicectl's human-readable output, made from the
 * answers of the REST API (jansson values; nothing here talks HTTP).
 *
 * Tables have a header line and columns two blanks apart, numbers aligned
 * to the right.  Functions that read an answer return 0, or EINVAL with
 * 'err' saying what the answer lacks ("no \"switches\" array") when it does
 * not have the shape of the API's contract; nothing is printed then. */
#ifndef TOOLS_SLUICECTL_SHOW_H
#define TOOLS_SLUICECTL_SHOW_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Reads an unsigned 64-bit value as the API writes them: a JSON integer
 * >= 0, or a decimal string (above INT64_MAX).  Returns false otherwise. */
bool ctl_show_u64(const json_t *value, uint64_t *v);

/* Formats 'secs' seconds briefly: "45s", "5m07s", "3h05m", "2d04h". */
void ctl_show_duration(double secs, char *buf, size_t size);

/* GET /api/v1/switches: DPID ADDRESS PORTS UPTIME FLOWS SYNCED. */
int ctl_show_switches(FILE *out, const json_t *answer, char *err,
                      size_t errlen);

/* Returns the entry for 'dpid' of a Ryu answer {"<dpid decimal>": BODY}
 * (or its only entry), borrowed, or NULL with 'err' set. */
const json_t *ctl_show_ryu_entry(const json_t *answer, uint64_t dpid,
                                 char *err, size_t errlen);

/* GET /stats/flow/DPID: one line per flow, as ovs-ofctl dump-flows:
 * "table=0, priority=100, n_packets=3, n_bytes=238, cookie=0x0,
 * duration=12.500s, idle=0, in_port=1, dl_dst=..., actions=OUTPUT:2". */
int ctl_show_flows(FILE *out, const json_t *answer, uint64_t dpid, char *err,
                   size_t errlen);

/* Merges the answers of GET /stats/portdesc/DPID and /stats/port/DPID into
 * one object per port (the description's fields, then the counters'),
 * sorted by port number, reserved ports last.  Returns a new array, or NULL
 * with 'err' set. */
json_t *ctl_show_ports_merge(const json_t *desc_answer,
                             const json_t *stats_answer, uint64_t dpid,
                             char *err, size_t errlen);
/* Prints merged 'ports': PORT NAME MAC STATE RX_PKTS TX_PKTS RX_BYTES
 * TX_BYTES ERRORS (STATE: up, down (no link), admin-down, blocked). */
void ctl_show_ports(FILE *out, const json_t *ports);

/* Returns the members "links" or "hosts" (named 'member') of an answer of
 * GET /api/v1/topology: all of them, or with 'filter' those of switch
 * 'dpid' (links leaving it, hosts attached to it).  Returns a new array,
 * or NULL with 'err' set. */
json_t *ctl_show_topology_list(const json_t *answer, const char *member,
                               bool filter, uint64_t dpid, char *err,
                               size_t errlen);
/* Prints links of /api/v1/topology: SRC PORT DST PORT LATENCY_MS TREE
 * UP_SINCE. */
void ctl_show_links(FILE *out, const json_t *links);
/* Prints hosts of /api/v1/topology: MAC VLAN DPID PORT IPV4 IPV6
 * LAST_SEEN (addresses comma-separated). */
void ctl_show_hosts(FILE *out, const json_t *hosts);
/* GET /api/v1/paths/SRC/DST: one line per switch, HOP DPID IN OUT, then
 * "N link(s), LATENCY ms, by METRIC". */
int ctl_show_path(FILE *out, const json_t *answer, char *err, size_t errlen);

/* Prints each member of 'obj' as "key:  value", aligned. */
void ctl_show_object(FILE *out, const json_t *obj);

/* Prints one event of GET /api/v1/events on one line: "TIME TYPE DPID
 * key=value ..." ('type' from the stream, the other members of the JSON
 * 'data' in order; strings quoted only when they hold blanks, '"' or '=').
 * Data that is not a JSON object is printed as it came. */
void ctl_show_event(FILE *out, const char *type, const char *data);

#endif /* TOOLS_SLUICECTL_SHOW_H */
