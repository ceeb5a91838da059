/* sluice/event.h: what the host tells a plugin about the network.
 *
 * A plugin subscribes to event types with a priority (host function
 * 'subscribe' in sluice/app.h).  For each event the host calls the
 * handlers of every app from the highest priority to the lowest (equal
 * priorities: in the config's app order); a handler returning SL_STOP ends
 * the walk for that event.
 *
 * Everything an event points to is borrowed: valid during the callback
 * only.  Copy what you keep. */
#ifndef SLUICE_EVENT_H
#define SLUICE_EVENT_H 1

#include <stddef.h>
#include <stdint.h>
#include "sluice/flow.h"
#include "sluice/ofp.h"
#include "sluice/topo.h"

enum sl_event_type {
    SL_EV_SWITCH_UP,    /* handshake done: features, ports, desc known */
    SL_EV_SWITCH_DOWN,  /* the session ended (flows stay on the switch) */
    SL_EV_PORT_STATUS,  /* OFPT_PORT_STATUS (the port table is updated
                         * before the event) */
    SL_EV_PACKET_IN,    /* OFPT_PACKET_IN within the switch's budget */
    SL_EV_FLOW_REMOVED, /* OFPT_FLOW_REMOVED */
    SL_EV_ERROR,        /* OFPT_ERROR */
    SL_EV_STATS_REPLY,  /* OFPT_MULTIPART_REPLY to a request an app sent */

    /* ---- ABI minor 2: from the topology service (sluice/topo.h) ---- */
    SL_EV_PORT_UP,      /* a port became live (added, or link/admin up) */
    SL_EV_PORT_DOWN,    /* a port stopped being live (or was deleted) */
    SL_EV_LINK_UP,      /* a directed link was discovered */
    SL_EV_LINK_DOWN,    /* a directed link went (port down, switch down,
                         * or no probe crossed it for link_timeout) */
    SL_EV_HOST_ADD,     /* a host was first seen */
    SL_EV_HOST_MOVE,    /* a known host was seen at another edge port */
    SL_EV_HOST_REMOVE,  /* a host aged out or its port or switch went */
    SL_EV_TREE_CHANGED, /* the flooding spanning tree changed */
    SL_EV_N_TYPES
};

enum sl_verdict {
    SL_CONTINUE, /* let the next handler see the event */
    SL_STOP,     /* the event is handled: no later handler sees it */
};

/* A connected switch as the host knows it (read-only for plugins). */
struct sl_switch {
    uint64_t dpid;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint32_t capabilities;        /* enum ofp_capabilities */
    const struct ofp_desc *desc;  /* from OFPMP_DESC */
    size_t n_ports;
    const struct ofp_port *ports; /* sorted by port_no; LOCAL included */
    const char *peer;             /* e.g. "ssl:127.0.0.1:40312" */
};

struct sl_event {
    enum sl_event_type type;
    uint64_t dpid;
    const struct sl_switch *sw;  /* the switch; also for SWITCH_DOWN */
    const struct ofp_msg *msg;   /* the message behind the event; NULL for
                                  * SWITCH_UP, SWITCH_DOWN and the
                                  * topology's events */
    union {
        /* SL_EV_PACKET_IN: the frame parsed once by the host ('pkt' is
         * NULL when it is not even Ethernet) and the match's in_port
         * (0 if absent). */
        struct {
            const struct ofp_packet *pkt;
            uint32_t in_port;
        } packet_in;
        /* SL_EV_PORT_STATUS: the port after the change ('reason' is
         * msg->port_status.reason). */
        struct {
            const struct ofp_port *port;
        } port_status;
        /* SL_EV_ERROR: 'code' is the error as an enum ofperr.  When the
         * error answers a flow this app asked the flow programmer for,
         * 'flow' is that flow and only the owning app gets the event;
         * otherwise 'flow' is NULL and every subscriber sees it. */
        struct {
            enum ofperr code;
            const struct sl_flow_spec *flow;
        } error;
        /* SL_EV_PORT_UP, SL_EV_PORT_DOWN: the port ('dpid' is its
         * switch); for a deleted port, its last description. */
        struct {
            const struct ofp_port *port;
        } port;
        /* SL_EV_LINK_UP, SL_EV_LINK_DOWN: the link ('dpid' is its
         * src_dpid); 'reason' says why it went ("port down", "switch
         * down", "timeout", "port deleted"; NULL for LINK_UP). */
        struct {
            const struct sl_link *link;
            const char *reason;
        } link;
        /* SL_EV_HOST_ADD, SL_EV_HOST_MOVE, SL_EV_HOST_REMOVE: the host
         * ('dpid' is its switch); for a move, where it was before. */
        struct {
            const struct sl_topo_host *host;
            uint64_t old_dpid;
            uint32_t old_port;
        } host;
        /* SL_EV_TREE_CHANGED ('dpid' 0): how many links (both directions
         * counted once) the tree has now, over how many switches. */
        struct {
            size_t n_tree_links;
            size_t n_switches;
        } tree;
    };
};

#endif /* SLUICE_EVENT_H */
