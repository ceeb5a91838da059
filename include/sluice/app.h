/* sluice/app.h: the plugin ABI.  A Sluice application is a shared object
 * that exports one data symbol,
 *
 *     const struct sl_app_def sluice_app = {
 *         SL_APP_DEF_HEADER,
 *         .name = "hub",
 *         .init = hub_init,
 *         ...
 *     };
 *
 * The loader opens it with RTLD_NOW | RTLD_LOCAL, reads 'sluice_app' and
 * checks abi_major (must equal the host's), abi_minor (must not exceed the
 * host's) and size (must be at least what that minor defines) before it
 * calls any plugin code.  Then:
 *
 *     init(ctx, host, config)  -> start(ctx) -> events... -> stop(ctx)
 *                              -> fini(ctx)
 *
 * 'init' receives the app's context handle, the table of host functions
 * and its YAML section; it subscribes to events and reads its config.  A
 * non-zero return from init or start is a start-up error naming the app:
 * the host calls fini (after a failed start: stop, then fini) and unloads
 * everything loaded so far.  After 'stop' no event reaches the app; flows
 * it programmed stay on the switches.
 *
 * Plugins call the host only through 'struct sl_host' (append-only: new
 * functions go at the end and raise SL_APP_ABI_MINOR), so a plugin links
 * against nothing but libc, and the daemon exports no symbols.
 *
 * Everything runs on the controller's one event loop: no locks are needed,
 * and no callback may block. */
#ifndef SLUICE_APP_H
#define SLUICE_APP_H 1

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <yaml.h>
#include "sluice/event.h"
#include "sluice/flow.h"
#include "sluice/ofp.h"
#include "sluice/topo.h"

#define SL_APP_ABI_MAJOR 1
#define SL_APP_ABI_MINOR 3

/* The host's handle for one loaded app (opaque). */
struct sl_ctx;
/* A timer created by 'timer_add' (opaque). */
struct sl_timer;

/* The app's YAML section: 'node' is the value of its "config:" key, or
 * NULL when there is none, a node of the libyaml document 'doc'; both are
 * valid during init and reconfigure only.  Read it with the
 * sl_app_config_*() helpers at the end of this file: they are inline and
 * call no libyaml function, so the plugin still links nothing. */
struct sl_app_config {
    yaml_document_t *doc;
    yaml_node_t *node;
};

/* Log levels for 'log'. */
enum sl_app_log_level {
    SL_APP_LOG_ERR = 1,
    SL_APP_LOG_WARN = 2,
    SL_APP_LOG_INFO = 3,
    SL_APP_LOG_DBG = 4,
};

typedef enum sl_verdict sl_event_handler(struct sl_ctx *ctx,
                                         const struct sl_event *ev,
                                         void *aux);
typedef void sl_timer_cb(struct sl_ctx *ctx, void *aux);

/* A scrape of /metrics in progress (opaque; ABI minor 3). */
struct sl_metrics;
/* Writes the app's samples into 'm' with metric_family() and
 * metric_sample(); called on each scrape. */
typedef void sl_metrics_cb(struct sl_ctx *ctx, struct sl_metrics *m,
                           void *aux);

/* REST methods (a mask for 'rest_route'). */
#define SL_REST_GET 0x1
#define SL_REST_POST 0x2
#define SL_REST_PUT 0x4
#define SL_REST_DELETE 0x8

/* One HTTP request to a route of the app (ABI minor 1).  Everything is
 * valid during the handler call only. */
struct sl_rest_request {
    unsigned method;           /* one SL_REST_* bit */
    const char *path;          /* decoded, "/api/v1/apps/acl/rules/3" */
    const char *subpath;       /* after "/api/v1/apps/<app>": "/rules/3" */
    const char *query;         /* the raw query string, "" if none */
    const char *body;          /* NUL-terminated; "" if none */
    size_t body_len;
    size_t n_params;           /* the route's {name} segments */
    const char *const *param_names;
    const char *const *param_values;
    void *host_data;           /* the host's */
};

/* Answers 'req' with host->rest_reply() before returning. */
typedef void sl_rest_handler(struct sl_ctx *ctx,
                             const struct sl_rest_request *req, void *aux);

/* Host functions.  Those returning int return 0 or a positive errno:
 * ENOENT no such switch connected, EINVAL invalid argument (e.g. a match
 * or instruction that fails the codec's checks), ENOBUFS the switch's
 * output is over its limit, ENOMEM. */
struct sl_host {
    uint16_t abi_major;  /* the host's SL_APP_ABI_MAJOR */
    uint16_t abi_minor;  /* the host's SL_APP_ABI_MINOR */
    uint32_t size;       /* sizeof (struct sl_host) in the host */

    /* ---- minor 0 ---- */

    /* Logs one line through the host's logger, module = the app's name.
     * Peer-triggered messages should be rate-limited by the app. */
    void (*log)(struct sl_ctx *ctx, enum sl_app_log_level level,
                const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    /* Returns true if 'level' is enabled for this app (to skip costly
     * formatting). */
    bool (*log_enabled)(struct sl_ctx *ctx, enum sl_app_log_level level);

    /* Calls 'handler' with 'aux' for every event of 'type'; higher
     * 'priority' first.  Returns 0, or EINVAL for a bad type.  Allowed in
     * init and start. */
    int (*subscribe)(struct sl_ctx *ctx, enum sl_event_type type,
                     int priority, sl_event_handler *handler, void *aux);

    /* Adds (or replaces) a desired flow on switch 'dpid', owned by this
     * app (see sluice/flow.h).  The switch need not be connected: the
     * flow is installed when it connects.  'done' (may be NULL) is called
     * once with the outcome.  Returns 0 or EINVAL (bad spec). */
    int (*flow_add)(struct sl_ctx *ctx, uint64_t dpid,
                    const struct sl_flow_spec *spec, sl_flow_done_cb *done,
                    void *aux);
    /* Removes the desired flow (table_id, priority, match) from switch
     * 'dpid' (and deletes it there).  Returns 0, ENOENT if no such flow is
     * desired, EPERM if another app owns it. */
    int (*flow_del)(struct sl_ctx *ctx, uint64_t dpid, uint8_t table_id,
                    uint16_t priority, const struct ofp_match *match,
                    sl_flow_done_cb *done, void *aux);
    /* Removes every desired flow of this app on 'dpid' (0: on all
     * switches).  Returns how many. */
    size_t (*flow_del_all)(struct sl_ctx *ctx, uint64_t dpid);

    /* Sends a PACKET_OUT to 'dpid'.  Returns 0 or an errno. */
    int (*packet_out)(struct sl_ctx *ctx, uint64_t dpid,
                      const struct ofp_packet_out *po);
    /* Sends any message to 'dpid' with a fresh xid, stored in '*xid' if
     * non-NULL; a multipart reply to it comes back as SL_EV_STATS_REPLY
     * (to every subscriber: compare the xid).  FLOW_MODs belong to the
     * flow programmer: sending one here is EINVAL. */
    int (*send)(struct sl_ctx *ctx, uint64_t dpid, const struct ofp_msg *msg,
                uint32_t *xid);

    /* Returns the connected switch 'dpid', or NULL. */
    const struct sl_switch *(*switch_get)(struct sl_ctx *ctx, uint64_t dpid);
    /* Stores up to 'max' datapath ids of connected switches in 'dpids'
     * (sorted) and returns how many are connected. */
    size_t (*switch_list)(struct sl_ctx *ctx, uint64_t *dpids, size_t max);
    /* Returns port 'port_no' of switch 'dpid', or NULL. */
    const struct ofp_port *(*port_get)(struct sl_ctx *ctx, uint64_t dpid,
                                       uint32_t port_no);
    /* Returns the table id of pipeline table 'name' ("acl", "l3", "l2"),
     * or -1 if there is no such table. */
    int (*table_id)(struct sl_ctx *ctx, const char *name);

    /* Calls 'cb' with 'aux' after 'seconds' (again every 'seconds' if
     * 'repeat').  Returns the timer, or NULL for a bad interval.  Timers
     * left at stop are cancelled by the host.  A one-shot timer is freed
     * when its callback returns: do not cancel it after that. */
    struct sl_timer *(*timer_add)(struct sl_ctx *ctx, double seconds,
                                  bool repeat, sl_timer_cb *cb, void *aux);
    /* Cancels and frees 'timer' (NULL is ignored); safe inside its own
     * callback. */
    void (*timer_cancel)(struct sl_ctx *ctx, struct sl_timer *timer);

    /* The app's name as configured. */
    const char *(*name)(struct sl_ctx *ctx);
    /* The app's private pointer (NULL until set). */
    void *(*get_data)(struct sl_ctx *ctx);
    void (*set_data)(struct sl_ctx *ctx, void *data);

    /* ---- minor 1 ---- */

    /* Serves 'methods' (SL_REST_* mask) on "/api/v1/apps/<name>" +
     * 'pattern': '/'-separated segments, literals or "{param}" (a final
     * "{param...}" takes the rest of the path); "" is the app's root.
     * Writes (POST, PUT, DELETE) need the API's bearer token like every
     * write.  Allowed in init and start.  Returns 0, EINVAL (bad pattern,
     * methods, or called later), EEXIST, ENOMEM. */
    int (*rest_route)(struct sl_ctx *ctx, unsigned methods,
                      const char *pattern, sl_rest_handler *handler,
                      void *aux);
    /* Answers 'req' (once, from its handler): 'status' and 'len' bytes of
     * 'body' as 'content_type' (NULL: "application/json", which is then
     * sent as is: the app writes valid JSON). */
    void (*rest_reply)(struct sl_ctx *ctx, const struct sl_rest_request *req,
                       int status, const char *content_type,
                       const char *body, size_t len);

    /* ---- minor 2: the topology (sluice/topo.h) ----
     *
     * With topology discovery turned off (topology.enabled: false) these
     * answer as for a network without links: every live port is an edge
     * port, no paths but within one switch, no hosts. */

    /* Stores up to 'max' links in 'links': those leaving switch 'dpid', or
     * all when 'dpid' is 0, sorted by (src_dpid, src_port).  Returns how
     * many there are (which may exceed 'max'). */
    size_t (*topo_links)(struct sl_ctx *ctx, uint64_t dpid,
                         struct sl_link *links, size_t max);
    /* Returns the role of port 'port_no' of switch 'dpid' for flooding and
     * learning (enum sl_port_role).  O(1). */
    enum sl_port_role (*topo_port_role)(struct sl_ctx *ctx, uint64_t dpid,
                                        uint32_t port_no);
    /* Stores in 'ports' (up to 'max', ascending) the ports a frame flooded
     * on switch 'dpid' goes out of: its live ports but the blocked ones
     * (edge, pending and spanning-tree ports).  Returns how many there
     * are. */
    size_t (*topo_flood_ports)(struct sl_ctx *ctx, uint64_t dpid,
                               uint32_t *ports, size_t max);
    /* Returns true when flooding on switch 'dpid' by its flood ports is
     * what OFPP_FLOOD does: none of its ports is blocked, so one
     * OFPP_FLOOD action may stand for the list.  O(1). */
    bool (*topo_flood_all)(struct sl_ctx *ctx, uint64_t dpid);
    /* Returns the port of switch 'from' on a shortest path (by hops)
     * toward switch 'to', or 0 when 'to' is unreachable or is 'from'.
     * Amortised O(1): one breadth-first search per destination and
     * topology version. */
    uint32_t (*topo_next_hop)(struct sl_ctx *ctx, uint64_t from,
                              uint64_t to);
    /* Stores the shortest path from switch 'src' to switch 'dst' by
     * 'metric' in 'hops' (up to 'max', from 'src' to 'dst').  Returns its
     * number of switches (1 when src == dst), or 0 when there is none or
     * a switch is unknown. */
    size_t (*topo_path)(struct sl_ctx *ctx, uint64_t src, uint64_t dst,
                        enum sl_path_metric metric, struct sl_path_hop *hops,
                        size_t max);
    /* Returns the host (mac, vlan) (vlan SL_HOST_NO_VLAN: untagged), or
     * NULL.  Borrowed: valid until the callback returns. */
    const struct sl_topo_host *(*topo_host_find)(struct sl_ctx *ctx,
                                                 const uint8_t mac[6],
                                                 uint16_t vlan);
    /* Stores up to 'max' borrowed host pointers in 'hosts': those attached
     * to switch 'dpid', or all when 'dpid' is 0.  Returns how many there
     * are. */
    size_t (*topo_hosts)(struct sl_ctx *ctx, uint64_t dpid,
                         const struct sl_topo_host **hosts, size_t max);
    /* A number that changes whenever links, port roles or the tree change:
     * apps that cache paths compare it. */
    uint64_t (*topo_version)(struct sl_ctx *ctx);

    /* ---- minor 3 ---- */

    /* Seconds on the host's monotonic clock (cheap: no system call), for
     * ages and deadlines. */
    double (*now)(struct sl_ctx *ctx);

    /* Has 'cb' called with 'aux' on every scrape of /metrics, to write the
     * app's samples.  One collector per app; allowed in init and start.
     * Returns 0, EINVAL ('cb' NULL, or called later) or EEXIST. */
    int (*metrics_register)(struct sl_ctx *ctx, sl_metrics_cb *cb,
                            void *aux);
    /* From a collector: starts the family "sluice_<app>_<name>" (a '-' in
     * the app's name becomes '_') of 'type' ("counter" or "gauge") with
     * the one-line 'help'.  'name' must match [a-zA-Z_][a-zA-Z0-9_]*
     * (counters end in "_total", by convention); a bad name or type is
     * logged once and the family's samples are dropped. */
    void (*metric_family)(struct sl_metrics *m, const char *name,
                          const char *type, const char *help);
    /* From a collector: one sample of the family last started.  'labels'
     * is NULL or a NULL-terminated array of name, value strings,
     * e.g. (const char *[]){"rule", "3", NULL}; label names must match
     * [a-zA-Z_][a-zA-Z0-9_]* (values are escaped).  A sample with a bad
     * label name, or before any family, is dropped. */
    void (*metric_sample)(struct sl_metrics *m, const char *const *labels,
                          double value);
};

/* The descriptor a plugin exports as 'sluice_app'. */
struct sl_app_def {
    uint16_t abi_major;   /* SL_APP_ABI_MAJOR the app was built with */
    uint16_t abi_minor;   /* SL_APP_ABI_MINOR the app was built with */
    uint32_t size;        /* sizeof (struct sl_app_def) */

    const char *name;        /* short name, e.g. "hub" */
    const char *description; /* one line */

    /* Required.  Returns 0 or an errno (the app logs why). */
    int (*init)(struct sl_ctx *ctx, const struct sl_host *host,
                const struct sl_app_config *config);
    /* Optional (NULL: nothing to do).  Returns 0 or an errno. */
    int (*start)(struct sl_ctx *ctx);
    /* Optional. */
    void (*stop)(struct sl_ctx *ctx);
    /* Optional: frees what init allocated. */
    void (*fini)(struct sl_ctx *ctx);
    /* Optional: applies a new YAML section on SIGHUP.  Returns 0, or an
     * errno to keep the old config (the app logs why).  NULL: the app's
     * config changes need a restart, and the host says so. */
    int (*reconfigure)(struct sl_ctx *ctx, const struct sl_app_config *cfg);
    /* SL_APP_F_* bits (0: none). */
    uint32_t flags;
};

/* Flows of this app that reconciliation finds on a switch and that the
 * app does not want (yet) are adopted into its desired table instead of
 * deleted: for apps whose flows are learned state (a learning switch)
 * rather than computed from configuration or topology.  An adopted flow is
 * the app's like any other: re-adding the same identity replaces it,
 * flow_del/flow_del_all remove it. */
#define SL_APP_F_ADOPT_FLOWS 0x1

/* The app's SL_EV_PACKET_IN handlers read only the Ethernet part of
 * 'packet_in.pkt' (addresses, VLAN tags, eth_type, l3_ofs) and the frame's
 * bytes.  When every app that handles PACKET_INs says so, the host parses
 * their frames no further than L2: 'pkt->layer' is then OFP_PACKET_L2 and
 * OFP_PACKET_F_SHALLOW is set (ofp-packet.h, in sluice/ofp.h).  A host that does not know
 * the flag parses whole frames, which such an app reads the same way. */
#define SL_APP_F_PACKET_L2 0x2

/* The first three fields of every descriptor. */
#define SL_APP_DEF_HEADER                                                   \
    .abi_major = SL_APP_ABI_MAJOR, .abi_minor = SL_APP_ABI_MINOR,           \
    .size = sizeof (struct sl_app_def)

/* Convenience logging through a host table 'HOST' kept by the app. */
#define SL_APP_LOG(HOST, CTX, LEVEL, ...) ((HOST)->log(CTX, LEVEL, __VA_ARGS__))

/* ---- reading the config section ----
 *
 * For an app whose section is a flat mapping of options, e.g.
 *
 *     static const char *const keys[] = {"priority"};
 *     unsigned long prio = 100;
 *     int error = sl_app_config_check_keys(cfg, keys, 1);
 *     if (!error) {
 *         error = sl_app_config_get_uint(cfg, "priority", 65535, &prio);
 *     }
 *     if (error && error != ENOENT) {
 *         ...log what the section should look like; return EINVAL...
 *     }
 *
 * Richer sections are walked from 'cfg->node' with sl_app_config_node(). */

/* Returns node 'id' of the section's document (an id found in a mapping
 * pair or a sequence of 'cfg->node'), as libyaml's yaml_document_get_node()
 * does, or NULL when 'id' is out of range or 'cfg' has no document.  The
 * node is borrowed: valid as long as 'cfg'. */
static inline yaml_node_t *
sl_app_config_node(const struct sl_app_config *cfg, yaml_node_item_t id)
{
    if (!cfg || !cfg->doc || id < 1 ||
        id > cfg->doc->nodes.top - cfg->doc->nodes.start) {
        return NULL;
    }
    return &cfg->doc->nodes.start[id - 1];
}

/* Returns true if 'node' (may be NULL) is a scalar spelled exactly 'key'
 * (in any YAML style: "priority" and 'priority' name the same key). */
static inline bool
sl_app_config_key_is(const yaml_node_t *node, const char *key)
{
    size_t len = strlen(key);

    return (node && node->type == YAML_SCALAR_NODE &&
            node->data.scalar.length == len &&
            !memcmp(node->data.scalar.value, key, len));
}

/* Checks that the section is absent or a mapping whose keys are all among
 * the 'n' strings of 'keys'.  Returns 0, or EINVAL (the section is not a
 * mapping, a key is not a scalar, or a key is not in 'keys'); naming the
 * culprit is left to the app's log line. */
static inline int
sl_app_config_check_keys(const struct sl_app_config *cfg,
                         const char *const *keys, size_t n)
{
    const yaml_node_t *map = cfg ? cfg->node : NULL;

    if (!map) {
        return 0;
    }
    if (map->type != YAML_MAPPING_NODE) {
        return EINVAL;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        size_t i = 0;

        if (!k || k->type != YAML_SCALAR_NODE) {
            return EINVAL;
        }
        while (i < n && !sl_app_config_key_is(k, keys[i])) {
            i++;
        }
        if (i == n) {
            return EINVAL;
        }
    }
    return 0;
}

/* Reads option 'key' of the section as an unsigned integer: a plain (not
 * quoted) scalar of decimal digits only, at most 'max'.  Returns 0 with
 * the number in '*value'; ENOENT when there is no section or the mapping
 * has no 'key' ('*value' untouched); EINVAL for any other shape (the
 * section is not a mapping, a key is not a scalar, the value is not a
 * plain scalar, not a number, or above 'max'). */
static inline int
sl_app_config_get_uint(const struct sl_app_config *cfg, const char *key,
                       unsigned long max, unsigned long *value)
{
    const yaml_node_t *map = cfg ? cfg->node : NULL;

    if (!map) {
        return ENOENT;
    }
    if (map->type != YAML_MAPPING_NODE) {
        return EINVAL;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        unsigned long number = 0;

        if (!k || k->type != YAML_SCALAR_NODE) {
            return EINVAL;
        }
        if (!sl_app_config_key_is(k, key)) {
            continue;
        }
        if (!v || v->type != YAML_SCALAR_NODE ||
            v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
            !v->data.scalar.length) {
            return EINVAL;
        }
        for (size_t i = 0; i < v->data.scalar.length; i++) {
            unsigned char c = v->data.scalar.value[i];

            if (c < '0' || c > '9') {
                return EINVAL;
            }
            /* number * 10 + digit <= max, without overflowing. */
            unsigned long digit = (unsigned long) (c - '0');
            if (digit > max || number > (max - digit) / 10) {
                return EINVAL;
            }
            number = number * 10 + digit;
        }
        *value = number;
        return 0;
    }
    return ENOENT;
}

#endif /* SLUICE_APP_H */
