/* rest/topology: the topology service (topology/topo.h) over REST.
 *
 *   GET /v1.0/topology/switches[/{dpid}]   Ryu's rest_topology shapes:
 *   GET /v1.0/topology/links[/{dpid}]      dpid as 16 hex digits, port_no
 *   GET /v1.0/topology/hosts[/{dpid}]      as 8, one entry per directed
 *                                          link; an unknown dpid is []
 *   GET /api/v1/topology                   switches with port roles,
 *                                          links with latency, hosts
 *   GET /api/v1/topology/summary           counts only (cheap: polled)
 *   GET /api/v1/paths/{src}/{dst}          a shortest path between two
 *                                          switches or hosts (dpid, MAC,
 *                                          IPv4 or IPv6), ?metric=hops|
 *                                          latency
 *
 * Sits beside rest/native.c, above controller/ and topology/: everything
 * is read at request time from the controller's sessions (switches, port
 * tables) and its topology (ctl->topo, which may be NULL: then there are
 * no links, no hosts, and paths only within one switch).  The module
 * keeps no copy of either. */
#ifndef REST_TOPOLOGY_H
#define REST_TOPOLOGY_H 1

#include <stdint.h>
#include <jansson.h>
#include "controller/controller.h"
#include "rest/server.h"
#include "sluice/topo.h"

struct rest_topology;

/* Registers the routes above on 'server' for controller 'ctl' (both
 * borrowed: they must outlive the module).  Returns the module, or NULL
 * with an errno in '*error' (the routes registered so far stay on
 * 'server', which is then to be destroyed). */
struct rest_topology *rest_topology_create(struct rest_server *server,
                                           struct sl_controller *ctl,
                                           int *error);
/* Frees the module; call after rest_server_destroy().  NULL is ignored. */
void rest_topology_destroy(struct rest_topology *);

/* JSON pieces of hosts, shared with the event stream (native-events.c);
 * each returns a new reference. */
json_t *rest_topology_json_mac(const uint8_t mac[6]); /* "aa:bb:cc:..." */
json_t *rest_topology_json_vlan(uint16_t vlan); /* the id, null: untagged */
/* The IPv4 and IPv6 addresses of 'host' as arrays of strings, newest
 * first. */
json_t *rest_topology_json_ipv4s(const struct sl_topo_host *host);
json_t *rest_topology_json_ipv6s(const struct sl_topo_host *host);

#endif /* REST_TOPOLOGY_H */
