/* controller: see controller.h. */
#include <config.h>
#include "controller/controller.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "controller/log.h"
#include "controller/util.h"

SL_LOG_MODULE(controller);

/* ---- the default pipeline ---- */

static const char *const sl_table_names[SL_N_TABLES] = {
    [SL_TABLE_VLAN] = "vlan",
    [SL_TABLE_ACL] = "acl",
    [SL_TABLE_L3] = "l3",
    [SL_TABLE_L2] = "l2",
};

int
sl_controller_table_id(const char *name)
{
    for (int i = 0; i < SL_N_TABLES; i++) {
        if (name != NULL && !strcmp(name, sl_table_names[i])) {
            return i;
        }
    }
    return -1;
}

/* States the table-miss flows of the default pipeline on 'dpid': each
 * table but the last goes on to the next one, the last sends to the
 * controller. */
static void
sl_controller_table_miss(struct sl_controller *ctl, uint64_t dpid)
{
    for (int t = 0; t < SL_N_TABLES; t++) {
        struct ofp_action output = {.type = OFPAT_OUTPUT};
        struct ofp_instruction inst;
        struct sl_flow_spec spec;

        memset(&inst, 0, sizeof inst);
        if (t + 1 < SL_N_TABLES) {
            inst.type = OFPIT_GOTO_TABLE;
            inst.table_id = t + 1;
        } else {
            output.output.port = OFPP_CONTROLLER;
            output.output.max_len = OFPCML_NO_BUFFER;
            inst.type = OFPIT_APPLY_ACTIONS;
            inst.actions.n = 1;
            inst.actions.actions = &output;
        }
        memset(&spec, 0, sizeof spec);
        spec.table_id = t;
        spec.priority = 0;
        spec.match.type = OFPMT_OXM;
        spec.instructions.n = 1;
        spec.instructions.instructions = &inst;
        int error = sl_flowprog_add(ctl->flowprog, dpid, SL_OWNER_CORE,
                                    &spec, NULL, NULL);
        if (error) {
            SL_ERR("switch 0x%016" PRIx64 ": table-miss flow of table %d "
                   "refused by the flow programmer (%s)",
                   dpid, t, strerror(error));
        }
    }
}

/* ---- observer ---- */

void
sl_controller_set_observer(struct sl_controller *ctl,
                           sl_controller_observer *cb, void *aux)
{
    ctl->observer = cb;
    ctl->observer_aux = aux;
}

static void
sl_controller_observe(struct sl_controller *ctl, const struct sl_event *ev,
                      const char *detail)
{
    if (ctl->observer != NULL) {
        ctl->observer(ctl->observer_aux, ev, detail);
    }
}

void
sl_controller_set_hooks(struct sl_controller *ctl,
                        const struct sl_controller_hooks *hooks, void *aux)
{
    ctl->hooks = hooks;
    ctl->hooks_aux = aux;
}

void
sl_controller_publish(struct sl_controller *ctl, const struct sl_event *ev,
                      const char *detail)
{
    sl_apps_dispatch(ctl->apps, ev);
    sl_controller_observe(ctl, ev, detail);
}

/* ---- event-loop lag ---- */

const double sl_lag_bounds[SL_LAG_N_BOUNDS] = {
    0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0,
};

static void
sl_controller_lag_cb(evutil_socket_t fd, short what, void *ctl_)
{
    struct sl_controller *ctl = ctl_;
    double now = sl_monotonic();
    double lag = now > ctl->lag_due ? now - ctl->lag_due : 0.0;
    struct sl_loop_lag *l = &ctl->lag;

    (void) fd;
    (void) what;
    l->last = lag;
    if (lag > l->max) {
        l->max = lag;
    }
    l->count++;
    l->sum += lag;
    for (int i = 0; i < SL_LAG_N_BOUNDS; i++) {
        if (lag <= sl_lag_bounds[i]) {
            l->buckets[i]++;
            break;
        }
    }
    ctl->lag_due = now + SL_LAG_INTERVAL;
}

/* ---- sessions -> services ---- */

static void
sl_controller_dp_ready(struct sl_datapath *dp, void *aux)
{
    struct sl_controller *ctl = aux;
    uint64_t dpid = sl_datapath_dpid(dp);
    struct sl_event ev;

    sl_controller_table_miss(ctl, dpid);
    if (ctl->hooks != NULL) {
        ctl->hooks->switch_up(ctl->hooks_aux, dp);
    }

    memset(&ev, 0, sizeof ev);
    ev.type = SL_EV_SWITCH_UP;
    ev.dpid = dpid;
    ev.sw = sl_datapath_switch(dp);
    sl_apps_dispatch(ctl->apps, &ev);

    /* The apps have stated their flows for this switch: reconcile. */
    sl_flowprog_switch_up(ctl->flowprog, dpid);
    sl_controller_observe(ctl, &ev, NULL);
}

static void
sl_controller_dp_msg(struct sl_datapath *dp, const struct ofp_msg *msg,
                     const struct ofp_packet *pkt, void *aux)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    static struct sl_log_rl rl_port = SL_LOG_RL_INIT(20, 200);
    struct sl_controller *ctl = aux;
    uint64_t dpid = sl_datapath_dpid(dp);
    struct sl_event ev;

    /* Open requests and the flow programmer wait for replies only; the
     * hot path's PACKET_INs skip even the calls. */
    if (msg->type != OFPT_PACKET_IN
        && (sl_xacts_handle(ctl->xacts, dpid, msg)
            || sl_flowprog_handle(ctl->flowprog, dpid, msg))) {
        return;
    }

    memset(&ev, 0, sizeof ev);
    ev.dpid = dpid;
    ev.sw = sl_datapath_switch(dp);
    ev.msg = msg;
    switch (msg->type) {
    case OFPT_PACKET_IN: {
        const struct ofp_oxm *in_port
            = ofp_match_find(&msg->packet_in.match, OFPXMT_OFB_IN_PORT);
        ev.type = SL_EV_PACKET_IN;
        ev.packet_in.pkt = pkt;
        ev.packet_in.in_port = in_port != NULL ? in_port->value.u32 : 0;
        if (ctl->hooks != NULL
            && ctl->hooks->packet_in(ctl->hooks_aux, dp, &ev)) {
            return;
        }
        break;
    }
    case OFPT_PORT_STATUS:
        ev.type = SL_EV_PORT_STATUS;
        ev.port_status.port = &msg->port_status.desc;
        SL_INFO_RL(&rl_port, "switch 0x%016" PRIx64 " port %" PRIu32
                   " (%s) %s%s", dpid, msg->port_status.desc.port_no,
                   msg->port_status.desc.name,
                   msg->port_status.reason == OFPPR_ADD      ? "added"
                   : msg->port_status.reason == OFPPR_DELETE ? "deleted"
                                                             : "modified",
                   (msg->port_status.desc.state & OFPPS_LINK_DOWN)
                       ? ", link down" : "");
        if (ctl->hooks != NULL) {
            ctl->hooks->port_status(ctl->hooks_aux, dp, &msg->port_status);
        }
        sl_controller_observe(ctl, &ev, NULL);
        break;
    case OFPT_FLOW_REMOVED:
        ev.type = SL_EV_FLOW_REMOVED;
        break;
    case OFPT_ERROR: {
        enum ofperr code = ofperr_from_type_code(msg->error.type,
                                                 msg->error.code);
        const char *name = ofperr_name(code);
        ev.type = SL_EV_ERROR;
        ev.error.code = code;
        SL_WARN_RL(&rl, "switch 0x%016" PRIx64 " sent an error (xid %"
                   PRIu32 "): %s (type %u, code %u)", dpid, msg->xid,
                   name != NULL ? name : "unknown", msg->error.type,
                   msg->error.code);
        sl_controller_observe(ctl, &ev, NULL);
        break;
    }
    case OFPT_MULTIPART_REPLY:
        ev.type = SL_EV_STATS_REPLY;
        break;
    default:
        SL_DBG("switch 0x%016" PRIx64 ": %s (xid %" PRIu32 ") ignored",
               dpid, ofp_type_name(msg->type), msg->xid);
        return;
    }
    sl_apps_dispatch(ctl->apps, &ev);
}

static void
sl_controller_dp_down(struct sl_datapath *dp, const char *reason,
                      void *aux)
{
    struct sl_controller *ctl = aux;
    uint64_t dpid = sl_datapath_dpid(dp);
    struct sl_event ev;

    sl_xacts_switch_down(ctl->xacts, dpid);
    sl_flowprog_switch_down(ctl->flowprog, dpid);
    if (ctl->hooks != NULL) {
        ctl->hooks->switch_down(ctl->hooks_aux, dp);
    }
    memset(&ev, 0, sizeof ev);
    ev.type = SL_EV_SWITCH_DOWN;
    ev.dpid = dpid;
    ev.sw = sl_datapath_switch(dp);
    sl_apps_dispatch(ctl->apps, &ev);
    sl_controller_observe(ctl, &ev, reason);
}

static const struct sl_dp_ops sl_controller_dp_ops = {
    .ready = sl_controller_dp_ready,
    .msg = sl_controller_dp_msg,
    .down = sl_controller_dp_down,
};

/* ---- flow programmer -> sessions and apps ---- */

static int
sl_controller_fp_send(void *aux, uint64_t dpid, struct ofp_msg *msg,
                      uint32_t *xid)
{
    struct sl_controller *ctl = aux;
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);

    return dp != NULL ? sl_datapath_send(dp, msg, xid) : ENOTCONN;
}

static void
sl_controller_fp_error(void *aux, uint64_t dpid, uint16_t owner,
                       const struct sl_flow_spec *flow, enum ofperr code,
                       const struct ofp_error_msg *err)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    struct sl_controller *ctl = aux;
    const char *app = sl_apps_owner_name(ctl->apps, owner);
    const char *name = ofperr_name(code);
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);
    struct sl_event ev;

    SL_WARN_RL(&rl, "switch 0x%016" PRIx64 " refused a flow of %s (table "
               "%u, priority %u): %s", dpid,
               app != NULL ? app : "an unknown owner", flow->table_id,
               flow->priority, name != NULL ? name : "unknown error");
    memset(&ev, 0, sizeof ev);
    ev.type = SL_EV_ERROR;
    ev.dpid = dpid;
    ev.sw = dp != NULL ? sl_datapath_switch(dp) : NULL;
    ev.error.code = code;
    ev.error.flow = flow;
    (void) err;
    sl_controller_observe(ctl, &ev, app != NULL ? app : "unknown");
    if (owner != SL_OWNER_CORE) {
        sl_apps_dispatch_to_owner(ctl->apps, owner, &ev);
    }
}

static bool
sl_controller_fp_adopt(void *aux, uint16_t owner)
{
    struct sl_controller *ctl = aux;
    return sl_apps_owner_adopts(ctl->apps, owner);
}

static const struct sl_flowprog_ops sl_controller_fp_ops = {
    .send = sl_controller_fp_send,
    .error = sl_controller_fp_error,
    .adopt = sl_controller_fp_adopt,
};

/* ---- app host -> services ---- */

static int
sl_controller_app_flow_add(void *aux, uint64_t dpid, uint16_t owner,
                           const struct sl_flow_spec *spec,
                           sl_flow_done_cb *done, void *done_aux)
{
    struct sl_controller *ctl = aux;
    return sl_flowprog_add(ctl->flowprog, dpid, owner, spec, done, done_aux);
}

static int
sl_controller_app_flow_del(void *aux, uint64_t dpid, uint16_t owner,
                           uint8_t table_id, uint16_t priority,
                           const struct ofp_match *match,
                           sl_flow_done_cb *done, void *done_aux)
{
    struct sl_controller *ctl = aux;
    return sl_flowprog_del(ctl->flowprog, dpid, owner, table_id, priority,
                           match, done, done_aux);
}

static size_t
sl_controller_app_flow_del_all(void *aux, uint64_t dpid, uint16_t owner)
{
    struct sl_controller *ctl = aux;
    return sl_flowprog_del_owner(ctl->flowprog, dpid, owner);
}

static int
sl_controller_app_send(void *aux, uint64_t dpid, const struct ofp_msg *msg,
                       uint32_t *xid)
{
    struct sl_controller *ctl = aux;
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);

    return dp != NULL ? sl_datapath_send(dp, msg, xid) : ENOENT;
}

static int
sl_controller_app_packet_out(void *aux, uint64_t dpid,
                             const struct ofp_packet_out *po)
{
    struct sl_controller *ctl = aux;
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);

    return dp != NULL ? sl_datapath_packet_out(dp, po) : ENOENT;
}

static const struct sl_switch *
sl_controller_app_switch_get(void *aux, uint64_t dpid)
{
    struct sl_controller *ctl = aux;
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);
    return dp != NULL ? sl_datapath_switch(dp) : NULL;
}

static size_t
sl_controller_app_switch_list(void *aux, uint64_t *dpids, size_t max)
{
    struct sl_controller *ctl = aux;
    return sl_datapaths_list(&ctl->dps, dpids, max);
}

static const struct ofp_port *
sl_controller_app_port_get(void *aux, uint64_t dpid, uint32_t port_no)
{
    struct sl_controller *ctl = aux;
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);
    return dp != NULL ? sl_datapath_port(dp, port_no) : NULL;
}

static int
sl_controller_app_table_id(void *aux, const char *name)
{
    (void) aux;
    return sl_controller_table_id(name);
}

static const struct sl_apps_services sl_controller_app_services = {
    .flow_add = sl_controller_app_flow_add,
    .flow_del = sl_controller_app_flow_del,
    .flow_del_all = sl_controller_app_flow_del_all,
    .send = sl_controller_app_send,
    .packet_out = sl_controller_app_packet_out,
    .switch_get = sl_controller_app_switch_get,
    .switch_list = sl_controller_app_switch_list,
    .port_get = sl_controller_app_port_get,
    .table_id = sl_controller_app_table_id,
};

/* ---- listeners ---- */

static void
sl_controller_accept(struct sl_conn *conn, void *aux)
{
    struct sl_controller *ctl = aux;

    SL_DBG("connection from %s", sl_conn_name(conn));
    sl_datapath_create(&ctl->dps, conn);
}

/* ---- settings ---- */

/* Applies the log levels and the syslog switch of 'cfg'.  Returns 0 or
 * EINVAL with a line in 'err'. */
static int
sl_controller_apply_log(const struct sl_config *cfg, char *err,
                        size_t errlen)
{
    struct sl_log_level_setting settings[SL_LOG_SETTINGS_MAX];
    size_t n = 0;

    for (size_t i = 0; i < cfg->n_log_levels && n < SL_LOG_SETTINGS_MAX;
         i++) {
        enum sl_log_level level;
        if (sl_log_level_from_string(cfg->log_levels[i].level, &level)) {
            snprintf(err, errlen, "log level '%s' of '%s' is not a level",
                     cfg->log_levels[i].level, cfg->log_levels[i].module);
            return EINVAL;
        }
        settings[n].module = cfg->log_levels[i].module;
        settings[n].level = level;
        n++;
    }
    if (n > 0 && sl_log_apply_levels(settings, n)) {
        snprintf(err, errlen, "log levels could not be applied");
        return EINVAL;
    }
    sl_log_set_syslog(cfg->log_syslog);
    return 0;
}

static void
sl_controller_apply_dp_settings(struct sl_controller *ctl)
{
    struct sl_dp_settings s;

    memset(&s, 0, sizeof s);
    s.echo_interval = ctl->cfg.echo_interval;
    s.echo_misses = ctl->cfg.echo_misses;
    s.packet_in_rate = ctl->cfg.packet_in_rate;
    s.pins = ctl->cfg.tls_pins;
    s.n_pins = ctl->cfg.n_tls_pins;
    sl_datapaths_configure(&ctl->dps, &s);
}

/* ---- lifecycle ---- */

int
sl_controller_init(struct sl_controller *ctl, struct event_base *base,
                   struct sl_config *cfg, const char *config_path,
                   const char *app_path, char *err, size_t errlen)
{
    bool need_tls = false;
    int error;

    memset(ctl, 0, sizeof *ctl);
    ctl->base = base;
    ctl->cfg = *cfg;
    memset(cfg, 0, sizeof *cfg);
    ctl->config_path = config_path != NULL ? strdup(config_path) : NULL;
    ctl->app_path = strdup(app_path != NULL ? app_path
                                            : sl_apps_default_path());
    sl_datapaths_init(&ctl->dps, base, &sl_controller_dp_ops, ctl);
    if (ctl->app_path == NULL
        || (config_path != NULL && ctl->config_path == NULL)) {
        snprintf(err, errlen, "out of memory");
        error = ENOMEM;
        goto fail;
    }

    error = sl_controller_apply_log(&ctl->cfg, err, errlen);
    if (error) {
        goto fail;
    }
    sl_controller_apply_dp_settings(ctl);

    for (size_t i = 0; i < ctl->cfg.n_listeners; i++) {
        need_tls |= ctl->cfg.listeners[i].kind == SL_CONFIG_LISTEN_SSL;
    }
    if (need_tls) {
        ctl->ssl_ctx = sl_tls_ctx_create(&ctl->cfg, err, errlen);
        if (ctl->ssl_ctx == NULL) {
            error = EINVAL;
            goto fail;
        }
    }

    ctl->flowprog = sl_flowprog_create(base, &sl_controller_fp_ops, ctl,
                                       ctl->cfg.delete_foreign_flows);
    ctl->apps = sl_apps_create(base, &sl_controller_app_services, ctl);
    ctl->xacts = sl_xacts_create(base, &ctl->dps);
    ctl->lag_timer = event_new(base, -1, EV_PERSIST, sl_controller_lag_cb,
                               ctl);
    if (ctl->flowprog == NULL || ctl->apps == NULL || ctl->lag_timer == NULL) {
        snprintf(err, errlen, "out of memory");
        error = ENOMEM;
        goto fail;
    }
    error = sl_apps_load(ctl->apps, &ctl->cfg, ctl->app_path, err, errlen);
    if (error) {
        goto fail;
    }

    ctl->listeners = calloc(ctl->cfg.n_listeners + 1,
                            sizeof *ctl->listeners);
    if (ctl->listeners == NULL) {
        snprintf(err, errlen, "out of memory");
        error = ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < ctl->cfg.n_listeners; i++) {
        struct sl_listener *l = sl_listener_create(
            base, &ctl->cfg.listeners[i], ctl->ssl_ctx,
            sl_controller_accept, ctl, err, errlen);
        if (l == NULL) {
            error = EADDRNOTAVAIL;
            goto fail;
        }
        ctl->listeners[ctl->n_listeners++] = l;
    }
    return 0;

fail:
    sl_controller_uninit(ctl);
    return error;
}

int
sl_controller_start(struct sl_controller *ctl, char *err, size_t errlen)
{
    int error = sl_apps_start(ctl->apps, err, errlen);
    if (error) {
        return error;
    }
    /* The topology completes the frames it learns hosts from itself. */
    ctl->dps.packet_l2_only = sl_apps_packet_l2_only(ctl->apps);
    SL_INFO("packet-ins parsed %s", ctl->dps.packet_l2_only
                                        ? "to L2 (every app reads only L2)"
                                        : "whole");
    ctl->started = true;
    ctl->started_at = sl_wall_clock();
    struct timeval tv = {0, (int) (SL_LAG_INTERVAL * 1e6)};
    ctl->lag_due = sl_monotonic() + SL_LAG_INTERVAL;
    event_add(ctl->lag_timer, &tv);
    for (size_t i = 0; i < ctl->n_listeners; i++) {
        SL_INFO("listening on %s", sl_listener_name(ctl->listeners[i]));
    }
    return 0;
}

void
sl_controller_uninit(struct sl_controller *ctl)
{
    for (size_t i = 0; i < ctl->n_listeners; i++) {
        sl_listener_destroy(ctl->listeners[i]);
    }
    free(ctl->listeners);
    ctl->listeners = NULL;
    ctl->n_listeners = 0;

    if (ctl->apps != NULL) {
        sl_apps_stop(ctl->apps);
    }
    if (ctl->lag_timer != NULL) {
        event_free(ctl->lag_timer);
        ctl->lag_timer = NULL;
    }
    /* Open requests end silently (their REST clients are gone already:
     * the API is destroyed before the controller). */
    sl_xacts_destroy(ctl->xacts);
    ctl->xacts = NULL;
    /* Sessions go without 'down' events: the apps are stopped, and the
     * flows stay on the switches for the next run to reconcile. */
    sl_datapaths_uninit(&ctl->dps);
    /* The programmer's outstanding completions call into the (stopped but
     * still loaded) apps: destroy it before unloading them. */
    sl_flowprog_destroy(ctl->flowprog);
    ctl->flowprog = NULL;
    sl_apps_destroy(ctl->apps);
    ctl->apps = NULL;
    if (ctl->ssl_ctx != NULL) {
        SSL_CTX_free(ctl->ssl_ctx);
        ctl->ssl_ctx = NULL;
    }
    sl_config_destroy(&ctl->cfg);
    free(ctl->config_path);
    free(ctl->app_path);
    ctl->config_path = ctl->app_path = NULL;
    ctl->started = false;
}

/* ---- reload ---- */

static bool
sl_str_differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b));
}

static bool
sl_listeners_differ(const struct sl_config *a, const struct sl_config *b)
{
    if (a->n_listeners != b->n_listeners) {
        return true;
    }
    for (size_t i = 0; i < a->n_listeners; i++) {
        const struct sl_config_listener *x = &a->listeners[i];
        const struct sl_config_listener *y = &b->listeners[i];
        if (x->kind != y->kind || x->port != y->port
            || strcmp(x->address, y->address)) {
            return true;
        }
    }
    return false;
}

/* Logs each setting of 'next' that differs from the running 'cur' and
 * takes effect only after a restart. */
static void
sl_controller_warn_restart(const struct sl_config *cur,
                           const struct sl_config *next)
{
    if (sl_listeners_differ(cur, next)) {
        SL_WARN("reload: openflow.listen changed: restart sluice to apply "
                "it");
    }
    if (cur->has_tls != next->has_tls
        || sl_str_differs(cur->tls_certificate, next->tls_certificate)
        || sl_str_differs(cur->tls_private_key, next->tls_private_key)
        || sl_str_differs(cur->tls_ca_certificate, next->tls_ca_certificate)
        || cur->tls_verify_peer != next->tls_verify_peer) {
        SL_WARN("reload: openflow.tls files or verify_peer changed: restart "
                "sluice to apply them");
    }
    if (cur->delete_foreign_flows != next->delete_foreign_flows) {
        SL_WARN("reload: openflow.delete_foreign_flows changed: restart "
                "sluice to apply it");
    }
    if (sl_str_differs(cur->rest_address, next->rest_address)
        || cur->rest_port != next->rest_port
        || sl_str_differs(cur->rest_token, next->rest_token)
        || cur->rest_enabled != next->rest_enabled
        || cur->rest_https != next->rest_https) {
        SL_WARN("reload: rest settings changed: restart sluice to apply "
                "them");
    }
    if (cur->lldp_interval != next->lldp_interval
        || cur->link_timeout != next->link_timeout
        || sl_str_differs(cur->lldp_key, next->lldp_key)
        || cur->topo_enabled != next->topo_enabled
        || cur->host_timeout != next->host_timeout
        || cur->max_hosts != next->max_hosts) {
        SL_WARN("reload: topology settings changed: restart sluice to "
                "apply them");
    }
}

/* Swaps every setting that takes effect only at start-up (those
 * sl_controller_warn_restart() checks) between 'a' and 'b'. */
static void
sl_controller_keep_restart_settings(struct sl_config *a, struct sl_config *b)
{
#define SL_SWAP(FIELD)                                                      \
    do {                                                                    \
        __typeof__(a->FIELD) tmp_ = a->FIELD;                               \
        a->FIELD = b->FIELD;                                                \
        b->FIELD = tmp_;                                                    \
    } while (0)
    SL_SWAP(listeners);
    SL_SWAP(n_listeners);
    SL_SWAP(has_tls);
    SL_SWAP(tls_certificate);
    SL_SWAP(tls_private_key);
    SL_SWAP(tls_ca_certificate);
    SL_SWAP(tls_verify_peer);
    SL_SWAP(delete_foreign_flows);
    SL_SWAP(rest_address);
    SL_SWAP(rest_ipv6);
    SL_SWAP(rest_port);
    SL_SWAP(rest_token);
    SL_SWAP(rest_enabled);
    SL_SWAP(rest_https);
    SL_SWAP(lldp_interval);
    SL_SWAP(link_timeout);
    SL_SWAP(lldp_key);
    SL_SWAP(topo_enabled);
    SL_SWAP(host_timeout);
    SL_SWAP(max_hosts);
    SL_SWAP(tls_allow_insecure_key);
    SL_SWAP(user);
    SL_SWAP(group);
    SL_SWAP(user_mark);
#undef SL_SWAP
}

int
sl_controller_reload(struct sl_controller *ctl, char *err, size_t errlen)
{
    struct sl_config next, old;
    int error;

    if (ctl->config_path == NULL) {
        SL_INFO("reload: running on the embedded defaults: nothing to "
                "reload");
        return 0;
    }
    error = sl_config_load_file(ctl->config_path, &next, err, errlen);
    if (error) {
        return error;
    }
    error = sl_controller_apply_log(&next, err, errlen);
    if (error) {
        sl_config_destroy(&next);
        return error;
    }
    /* An app refusing its new section (or a changed app list) does not
     * hold back the rest of the reload: say so and go on. */
    char app_err[512];
    if (sl_apps_reconfigure(ctl->apps, &next, app_err, sizeof app_err)) {
        SL_WARN("reload: %s", app_err);
    }
    sl_controller_warn_restart(&ctl->cfg, &next);

    /* Settings that need a restart keep their running values, so that
     * ctl->cfg always describes what runs (and the next reload warns
     * again): swap them back into 'next'. */
    sl_controller_keep_restart_settings(&next, &ctl->cfg);

    old = ctl->cfg;
    ctl->cfg = next;
    sl_controller_apply_dp_settings(ctl);
    sl_config_destroy(&old);
    SL_INFO("reloaded %s", ctl->config_path);
    return 0;
}
