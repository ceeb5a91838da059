/* apphost: loads plugins (sluice/app.h), runs their lifecycle, dispatches
 * events to them and serves their host function table.
 *
 * Sits above the controller's services, which it reaches only through
 * 'struct sl_apps_services' (given by the controller glue), so it is
 * tested with fake services.
 *
 * Loading.  For each app of the config, in order: find "NAME.so" in the
 * search path (a name containing '/' is a path), dlopen it with RTLD_NOW |
 * RTLD_LOCAL, look up 'sluice_app', check abi_major == SL_APP_ABI_MAJOR,
 * abi_minor <= SL_APP_ABI_MINOR, size >= the size its minor defines, init !=
 * NULL -- before calling any plugin code -- then call init.  Any failure
 * is one line naming the app ("app 'acl': /usr/lib/sluice/apps/acl.so:
 * ABI 2.0, this sluice speaks 1.0") and unwinds every app loaded so far
 * (fini in reverse order, dlclose).
 *
 * Owners.  An app's flow owner id is sl_apps_owner_id() of its configured
 * name: a 16-bit hash, never 0 (SL_OWNER_CORE, the controller's own) nor
 * 0xffff.  It is the same across restarts, reloads and edits of the app
 * list, so reconciliation after a restart recognises each app's flows by
 * their cookies.  Two apps of one config with the same id are refused
 * before anything loads ("apps 'a' and 'b' have the same flow owner id
 * 0x1234: rename one").
 *
 * Dispatch.  sl_apps_dispatch() calls the handlers subscribed to the
 * event's type, highest priority first (ties: app order, then
 * subscription order), until one returns SL_STOP.  Handlers are kept
 * sorted per type at subscription time: dispatch is a walk of one array.
 * A stopped app receives nothing.
 *
 * Rules this host applies where sluice/app.h leaves a choice:
 * - 'subscribe' works in init and start only; later (and for a bad type or
 *   a NULL handler) it returns EINVAL.  Events reach an app only between
 *   the end of its start and the beginning of its stop.
 * - Timers run from 'timer_add' until cancelled or the app stops; a
 *   one-shot timer is freed when its callback returns (its handle is then
 *   dead).  'timer_add' returns NULL once the app is stopped.
 * - A failed start is followed by that app's stop, then the stops of the
 *   apps started before it, in reverse order; fini comes from
 *   sl_apps_destroy(), for every app whose init was called (after a failed
 *   init too: sl_apps_load() calls it while unwinding).
 * - sl_apps_reconfigure() offers every app its new section even after one
 *   refused, and returns the first refusal.
 *
 * Flow completion callbacks ('done' of flow_add/flow_del) point into
 * plugin code and app data: the controller destroys the flow programmer
 * (which aborts pending completions) after sl_apps_stop() and before
 * sl_apps_destroy(). */
#ifndef CONTROLLER_APPHOST_H
#define CONTROLLER_APPHOST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include "controller/config.h"
#include "sluice/app.h"

struct sl_apps;

/* The controller services behind the host functions.  Each has the
 * semantics of the host function of the same name in sluice/app.h, with
 * the owner id of the calling app where flows are concerned. */
struct sl_apps_services {
    int (*flow_add)(void *aux, uint64_t dpid, uint16_t owner,
                    const struct sl_flow_spec *spec, sl_flow_done_cb *done,
                    void *done_aux);
    int (*flow_del)(void *aux, uint64_t dpid, uint16_t owner,
                    uint8_t table_id, uint16_t priority,
                    const struct ofp_match *match, sl_flow_done_cb *done,
                    void *done_aux);
    size_t (*flow_del_all)(void *aux, uint64_t dpid, uint16_t owner);
    int (*send)(void *aux, uint64_t dpid, const struct ofp_msg *msg,
                uint32_t *xid);
    /* Optional: a PACKET_OUT without a struct ofp_msg around it (the
     * answer to nearly every PACKET_IN); without it, 'send' is used. */
    int (*packet_out)(void *aux, uint64_t dpid,
                      const struct ofp_packet_out *po);
    const struct sl_switch *(*switch_get)(void *aux, uint64_t dpid);
    size_t (*switch_list)(void *aux, uint64_t *dpids, size_t max);
    const struct ofp_port *(*port_get)(void *aux, uint64_t dpid,
                                       uint32_t port_no);
    int (*table_id)(void *aux, const char *name);
};

/* The topology behind the topo_* host functions (sluice/app.h, minor 2):
 * each has the semantics of the host function of the same name.  Without
 * one (sl_apps_set_topo() never called) they answer: no links, every port
 * SL_PORT_NONE, no flood ports (flood_all false), no next hop, no path,
 * no hosts, version 0. */
struct sl_apps_topo {
    size_t (*links)(void *aux, uint64_t dpid, struct sl_link *links,
                    size_t max);
    enum sl_port_role (*port_role)(void *aux, uint64_t dpid,
                                   uint32_t port_no);
    size_t (*flood_ports)(void *aux, uint64_t dpid, uint32_t *ports,
                          size_t max);
    bool (*flood_all)(void *aux, uint64_t dpid);
    uint32_t (*next_hop)(void *aux, uint64_t from, uint64_t to);
    size_t (*path)(void *aux, uint64_t src, uint64_t dst,
                   enum sl_path_metric metric, struct sl_path_hop *hops,
                   size_t max);
    const struct sl_topo_host *(*host_find)(void *aux, const uint8_t mac[6],
                                            uint16_t vlan);
    size_t (*hosts)(void *aux, uint64_t dpid,
                    const struct sl_topo_host **hosts, size_t max);
    uint64_t (*version)(void *aux);
};

/* Creates an empty app host.  'services' and 'aux' are borrowed; timers
 * run on 'base'. */
struct sl_apps *sl_apps_create(struct event_base *base,
                               const struct sl_apps_services *services,
                               void *aux);
/* Loads and initialises the apps of 'cfg' (see above), searching the
 * colon-separated directories of 'search_path'.  Returns 0, or an errno
 * with one line in 'err' (nothing stays loaded). */
int sl_apps_load(struct sl_apps *apps, const struct sl_config *cfg,
                 const char *search_path, char *err, size_t errlen);
/* Starts the apps in order.  On failure stops (reverse order) those
 * started, and returns an errno with one line in 'err'. */
int sl_apps_start(struct sl_apps *apps, char *err, size_t errlen);
/* Stops the apps in reverse order and cancels their timers. */
void sl_apps_stop(struct sl_apps *apps);
/* Stops if needed, calls fini in reverse order, unloads, frees.  NULL is
 * ignored. */
void sl_apps_destroy(struct sl_apps *apps);

/* SIGHUP: hands each app its section of 'cfg' (which must list the same
 * apps in the same order, else EBUSY "the app list changed: restart
 * sluice to apply it").  An app without 'reconfigure' whose section
 * changed (its sl_config_node_text() differs from the running section's)
 * is logged as needing a restart.  Returns 0 or the first error
 * (with one line in 'err'); apps already reconfigured keep their new
 * config. */
int sl_apps_reconfigure(struct sl_apps *apps, const struct sl_config *cfg,
                        char *err, size_t errlen);

/* Sets the topology behind the topo_* host functions ('topo' and 'aux'
 * borrowed; NULL to clear). */
void sl_apps_set_topo(struct sl_apps *apps, const struct sl_apps_topo *topo,
                      void *aux);

/* Delivers 'ev' to the subscribers of its type (see above). */
void sl_apps_dispatch(struct sl_apps *apps, const struct sl_event *ev);
/* Delivers 'ev' to the app with flow owner id 'owner' only. */
void sl_apps_dispatch_to_owner(struct sl_apps *apps, uint16_t owner,
                               const struct sl_event *ev);

size_t sl_apps_count(const struct sl_apps *apps);
struct sl_prom;
/* Runs the metrics collector of every running app that registered one
 * (sluice/app.h, minor 3) into 'prom': families "sluice_<app>_<name>". */
void sl_apps_collect_metrics(struct sl_apps *apps, struct sl_prom *prom);

/* What /api/v1/apps and /metrics show of app 'i' (0 .. count - 1, in
 * load order). */
struct sl_app_info {
    const char *name;        /* as configured */
    const char *description; /* the descriptor's, or "" */
    const char *path;        /* the .so loaded */
    uint16_t abi_major, abi_minor; /* the app was built with */
    uint16_t owner;          /* flow owner id */
    const char *state;       /* "loaded", "initialised", "starting",
                              * "running", "stopped" */
    uint64_t events[SL_EV_N_TYPES];  /* events delivered, by type */
    /* Time in its event handlers, estimated from every
     * SL_APPS_TIMING_SAMPLE-th call per type (clock reads on every call
     * would cost the hot path ~10%): seconds. */
    double handler_seconds[SL_EV_N_TYPES];
};
#define SL_APPS_TIMING_SAMPLE 64
/* Fills 'info' for app 'i'; pointers stay valid while the app is loaded.
 * Returns false if there is no app 'i'. */
bool sl_apps_info(const struct sl_apps *apps, size_t i,
                  struct sl_app_info *info);

/* REST routes apps registered (host function 'rest_route', ABI minor 1)
 * under /api/v1/apps/<app>/...: the REST API reads them after start-up
 * and registers each on its server.  'pattern' is the full path pattern
 * ("/api/v1/apps/acl/rules/{id}"). */
struct sl_app_route {
    const char *app;      /* the app's name (route owner) */
    unsigned methods;     /* SL_REST_* mask (sluice/app.h) */
    const char *pattern;
    sl_rest_handler *handler;
    void *aux;
    struct sl_ctx *ctx;
};
size_t sl_apps_n_routes(const struct sl_apps *apps);
const struct sl_app_route *sl_apps_route(const struct sl_apps *apps,
                                         size_t i);
/* Calls the handler of 'route' for 'req'; the handler must call
 * host->rest_reply() before it returns, else 'reply' is called here with
 * 500 "app did not answer".  'reply' gets the status and the body (NUL
 * terminated, 'len' bytes) and its content type. */
void sl_apps_route_call(struct sl_apps *apps, const struct sl_app_route *route,
                        const struct sl_rest_request *req,
                        void (*reply)(void *reply_aux, int status,
                                      const char *content_type,
                                      const char *body, size_t len),
                        void *reply_aux);
/* The name of the app with owner id 'owner' ("sluice" for
 * SL_OWNER_CORE), or NULL. */
const char *sl_apps_owner_name(const struct sl_apps *apps, uint16_t owner);
/* True if a loaded app has owner id 'owner' and SL_APP_F_ADOPT_FLOWS in
 * its descriptor's flags (for the flow programmer's 'adopt' op). */
bool sl_apps_owner_adopts(const struct sl_apps *apps, uint16_t owner);
/* True if every app subscribed to SL_EV_PACKET_IN (none: true) has
 * SL_APP_F_PACKET_L2 in its descriptor's flags: their frames need parsing
 * no further than L2.  Subscriptions are made in init and start, so the
 * answer holds from sl_apps_start() on. */
bool sl_apps_packet_l2_only(const struct sl_apps *apps);
/* The flow owner of the REST API (flows added with /stats/flowentry):
 * sl_apps_owner_id("rest").  No app may be named "rest" or have this id;
 * sl_apps_owner_name() says "rest", sl_apps_owner_adopts() is true for it
 * (REST flows outlive controller restarts, as they do with Ryu). */
#define SL_OWNER_REST_NAME "rest"
uint16_t sl_apps_owner_rest(void);
/* Returns the flow owner id of an app named 'name' (see "Owners"). */
uint16_t sl_apps_owner_id(const char *name);

/* The default search path: the installed apps directory. */
const char *sl_apps_default_path(void);

#endif /* CONTROLLER_APPHOST_H */
