/* controller: the daemon's context and the glue between its services.
 *
 * Sits at the top of controller/: one 'struct sl_controller' owns the
 * running configuration, the TLS context, the listeners, the set of switch
 * sessions (datapath.c), the flow programmer (flowprog.c) and the app host
 * (apphost.c), and wires them together:
 *
 *   listener accepts    -> new session
 *   session READY       -> table-miss flows of the default pipeline
 *                          desired, SL_EV_SWITCH_UP to the apps (which
 *                          state their flows), then reconciliation starts
 *   message from switch -> flow programmer first, then the apps
 *   session ends        -> flow programmer told, SL_EV_SWITCH_DOWN
 *
 * There is no global mutable state besides logging: everything hangs off
 * this struct, which is passed around (DESIGN.md, Threading). */
#ifndef CONTROLLER_CONTROLLER_H
#define CONTROLLER_CONTROLLER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include "controller/apphost.h"
#include "controller/config.h"
#include "controller/conn.h"
#include "controller/datapath.h"
#include "controller/flowprog.h"
#include "controller/xact.h"

/* The default pipeline (DESIGN.md, Pipeline). */
enum sl_table {
    SL_TABLE_VLAN = 0,
    SL_TABLE_ACL = 1,
    SL_TABLE_L3 = 2,
    SL_TABLE_L2 = 3,
    SL_N_TABLES
};

/* Sees what the REST event stream reports (sl_controller_set_observer()):
 * SL_EV_SWITCH_UP (after the apps), SL_EV_SWITCH_DOWN ('detail' the
 * reason), SL_EV_PORT_STATUS, and SL_EV_ERROR: an OFPT_ERROR from a switch
 * ('ev->msg' set) or a flow a switch refused ('ev->error.flow' set,
 * 'detail' the owner's name).  Runs on the loop; must not block. */
typedef void sl_controller_observer(void *aux, const struct sl_event *ev,
                                    const char *detail);

/* Event-loop lag: a timer every SL_LAG_INTERVAL s measures how late it
 * runs.  Histogram buckets as the flow programmer's. */
#define SL_LAG_INTERVAL 0.25
#define SL_LAG_N_BOUNDS 8
extern const double sl_lag_bounds[SL_LAG_N_BOUNDS];
struct sl_loop_lag {
    double last, max;               /* seconds */
    uint64_t buckets[SL_LAG_N_BOUNDS];
    uint64_t count;
    double sum;
};

struct topo;

/* The service between the sessions and the apps (the topology, which sits
 * above the controller and hooks itself in: sl_controller_set_hooks()).
 * Each hook runs before the apps hear of the same thing. */
struct sl_controller_hooks {
    /* The handshake finished (before the apps' SWITCH_UP). */
    void (*switch_up)(void *aux, struct sl_datapath *dp);
    /* The session ended (before the apps' SWITCH_DOWN); 'dp' is still
     * valid and its switch still described. */
    void (*switch_down)(void *aux, struct sl_datapath *dp);
    /* A PORT_STATUS, after the session's port table took it in. */
    void (*port_status)(void *aux, struct sl_datapath *dp,
                        const struct ofp_port_status *ps);
    /* A PACKET_IN within the budget ('ev' as the apps would get it).
     * Returns true when the hook consumed it (LLDP): the apps never see
     * it. */
    bool (*packet_in)(void *aux, struct sl_datapath *dp,
                      const struct sl_event *ev);
};

struct sl_controller {
    struct event_base *base;      /* borrowed */
    struct sl_config cfg;         /* running configuration (owned) */
    char *config_path;            /* NULL: embedded defaults */
    char *app_path;               /* app search path */
    SSL_CTX *ssl_ctx;             /* NULL without ssl: listeners */
    struct sl_listener **listeners;
    size_t n_listeners;
    struct sl_datapaths dps;
    struct sl_flowprog *flowprog;
    struct sl_xacts *xacts;       /* requests waiting for answers (REST) */
    struct sl_apps *apps;
    bool started;
    double started_at;            /* wall clock of sl_controller_start() */
    struct event *lag_timer;
    double lag_due;               /* monotonic time the timer is due */
    struct sl_loop_lag lag;
    sl_controller_observer *observer;
    void *observer_aux;
    const struct sl_controller_hooks *hooks; /* NULL: none */
    void *hooks_aux;
    struct topo *topo;            /* set by topo_create(); NULL without */
};

/* Builds the controller from 'cfg' (ownership of its contents passes to
 * 'ctl'; 'cfg' is zeroed): TLS context, flow programmer, apps loaded and
 * initialised, listeners bound.  'config_path' (may be NULL) is remembered
 * for reloads; 'app_path' is the app search path (NULL: the default).
 * Returns 0, or an errno with one line in 'err' and nothing left behind
 * (no half-started daemon). */
int sl_controller_init(struct sl_controller *ctl, struct event_base *base,
                       struct sl_config *cfg, const char *config_path,
                       const char *app_path, char *err, size_t errlen);
/* Starts the apps, then accepts switches.  Returns 0 or an errno with one
 * line in 'err'. */
int sl_controller_start(struct sl_controller *ctl, char *err,
                        size_t errlen);
/* Orderly shutdown: stops listening, stops the apps, closes every session
 * (flows stay on the switches), frees everything.  Safe after a failed
 * start. */
void sl_controller_uninit(struct sl_controller *ctl);

/* SIGHUP: re-reads the config file (nothing to do with embedded defaults)
 * and applies log levels, keepalive and packet-in settings, pins and app
 * configs; listeners, TLS files and the app list need a restart, and the
 * log says so for each that changed.  A bad file changes nothing.  Returns
 * 0 or an errno with one line in 'err'. */
int sl_controller_reload(struct sl_controller *ctl, char *err,
                         size_t errlen);

/* Sets the one observer (NULL to clear). */
void sl_controller_set_observer(struct sl_controller *ctl,
                                sl_controller_observer *cb, void *aux);

/* Sets the hooks of the service above the controller (NULL to clear). */
void sl_controller_set_hooks(struct sl_controller *ctl,
                             const struct sl_controller_hooks *hooks,
                             void *aux);

/* Tells the apps about 'ev' (sl_apps_dispatch()), then the observer (with
 * 'detail', may be NULL): for events that services above the controller
 * raise (the topology's). */
void sl_controller_publish(struct sl_controller *ctl,
                           const struct sl_event *ev, const char *detail);

/* Returns the table id of pipeline table 'name', or -1. */
int sl_controller_table_id(const char *name);

#endif /* CONTROLLER_CONTROLLER_H */
