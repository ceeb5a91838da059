/* rest/native-metrics: GET /metrics, the Prometheus exposition (text
 * format 0.0.4) of the controller's counters, rendered at scrape time with
 * controller/prom.h from the counters each service keeps (the topology's
 * too: zero when there is none).
 *
 * Every family is always declared, with the same label sets from one
 * scrape to the next: per-type series (messages, errors, app events) are
 * written for every type even at zero, so rate() sees each from its
 * start.  Only sluice_rest_requests_total has a series per HTTP status
 * seen, as status codes are open-ended, and
 * sluice_switch_packet_in_dropped_total one per connected switch. */
#include <config.h>
#include "rest/native-private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <event2/buffer.h>
#include "controller/prom.h"
#include "controller/util.h"
#include "ofproto/ofp-errors.h"
#include "topology/topo.h"

/* A family with its one unlabelled sample. */
static void
native_metric(struct sl_prom *p, const char *name, const char *type,
              const char *help, uint64_t value)
{
    sl_prom_family(p, name, type, help);
    sl_prom_u64(p, name, value, NULL);
}

static void
native_metric_double(struct sl_prom *p, const char *name, const char *type,
                     const char *help, double value)
{
    sl_prom_family(p, name, type, help);
    sl_prom_double(p, name, value, NULL);
}

/* The label value of OpenFlow message type 'i' (SL_DP_N_TYPES: the
 * others). */
static const char *
native_type_label(size_t i, char *buf, size_t size)
{
    const char *name = i < SL_DP_N_TYPES ? ofp_type_name((uint8_t) i) : NULL;

    if (i == SL_DP_N_TYPES) {
        return "OTHER";
    }
    if (name == NULL) {
        snprintf(buf, size, "TYPE_%zu", i);
        return buf;
    }
    return name;
}

/* The label value of error type 'i' (the last slot: the others). */
static const char *
native_err_type_label(size_t i, char *buf, size_t size)
{
    const char *name =
        i < SL_DP_N_ERR_TYPES - 1 ? ofperr_type_name((uint16_t) i) : NULL;

    if (i == SL_DP_N_ERR_TYPES - 1) {
        return "OTHER";
    }
    if (name == NULL) {
        snprintf(buf, size, "OFPET_%zu", i);
        return buf;
    }
    return name;
}

/* The per-switch family of the packet-in budget's drops: one series per
 * READY session, labelled with its datapath id as the REST API writes it
 * ("0000000000000001"), in dpid order.  A switch's series starts at zero
 * with its session and goes with it. */
static void
native_metrics_switch_drops(struct sl_prom *p, struct sl_datapaths *dps)
{
    static const char name[] = "sluice_switch_packet_in_dropped_total";
    size_t n = sl_datapaths_list(dps, NULL, 0);
    uint64_t *dpids = sl_xcalloc(n ? n : 1, sizeof *dpids);
    char label[17];

    sl_prom_family(p, name, "counter",
                   "PACKET_INs dropped by the per-switch budget, by switch "
                   "(connected switches only).");
    n = sl_datapaths_list(dps, dpids, n);
    for (size_t i = 0; i < n; i++) {
        const struct sl_datapath *dp = sl_datapaths_find(dps, dpids[i]);
        if (dp != NULL) {
            snprintf(label, sizeof label, "%016" PRIx64, dpids[i]);
            sl_prom_u64(p, name, sl_datapath_packet_in_dropped(dp), "dpid",
                        label, NULL);
        }
    }
    free(dpids);
}

static void
native_metrics_sessions(struct sl_prom *p, const struct sl_datapaths *dps)
{
    char buf[32];

    native_metric(p, "sluice_switches", "gauge",
                  "Switch sessions past their handshake (READY).",
                  dps->n_ready);
    native_metric(p, "sluice_connections_accepted_total", "counter",
                  "OpenFlow connections accepted.", dps->n_accepted);
    native_metric(p, "sluice_switches_replaced_total", "counter",
                  "Sessions closed because a new connection claimed their "
                  "datapath id.",
                  dps->n_replaced);
    native_metric(p, "sluice_handshake_timeouts_total", "counter",
                  "Sessions closed for not finishing the handshake in time.",
                  dps->n_handshake_timeouts);
    native_metric(p, "sluice_dead_peers_total", "counter",
                  "Sessions closed for unanswered echo requests.",
                  dps->n_dead_peers);
    native_metric(p, "sluice_decode_errors_total", "counter",
                  "Messages from switches that did not decode.",
                  dps->n_decode_errors);
    native_metric(p, "sluice_packet_in_dropped_total", "counter",
                  "PACKET_INs dropped by the per-switch budget.",
                  dps->n_packet_in_dropped);

    sl_prom_family(p, "sluice_messages_received_total", "counter",
                   "OpenFlow messages received from switches, by type.");
    for (size_t i = 0; i <= SL_DP_N_TYPES; i++) {
        sl_prom_u64(p, "sluice_messages_received_total", dps->rx_by_type[i],
                    "type", native_type_label(i, buf, sizeof buf), NULL);
    }
    sl_prom_family(p, "sluice_messages_sent_total", "counter",
                   "OpenFlow messages sent to switches, by type.");
    for (size_t i = 0; i <= SL_DP_N_TYPES; i++) {
        sl_prom_u64(p, "sluice_messages_sent_total", dps->tx_by_type[i],
                    "type", native_type_label(i, buf, sizeof buf), NULL);
    }
    sl_prom_family(p, "sluice_errors_received_total", "counter",
                   "OFPT_ERROR messages received from switches, by error "
                   "type.");
    for (size_t i = 0; i < SL_DP_N_ERR_TYPES; i++) {
        sl_prom_u64(p, "sluice_errors_received_total",
                    dps->rx_errors_by_type[i], "type",
                    native_err_type_label(i, buf, sizeof buf), NULL);
    }
    native_metric(p, "sluice_packet_ins_total", "counter",
                  "PACKET_INs received (before the budget).",
                  dps->rx_by_type[OFPT_PACKET_IN]);
}

static void
native_metrics_flowprog(struct sl_prom *p, const struct sl_flowprog *fp)
{
    static const struct sl_flowprog_stats zero;
    const struct sl_flowprog_stats *st = fp ? sl_flowprog_stats(fp) : &zero;

    native_metric(p, "sluice_flow_mods_total", "counter",
                  "FLOW_MODs sent by the flow programmer.", st->flow_mods);
    native_metric(p, "sluice_barriers_total", "counter",
                  "BARRIER_REQUESTs sent by the flow programmer.",
                  st->barriers);
    native_metric(p, "sluice_flow_errors_total", "counter",
                  "Flows refused by switches.", st->errors);
    native_metric(p, "sluice_reconciliations_total", "counter",
                  "Reconciliations of a switch's flows finished.",
                  st->reconciliations);
    sl_prom_family(p, "sluice_barrier_rtt_seconds", "histogram",
                   "Round trips from BARRIER_REQUEST to BARRIER_REPLY.");
    sl_prom_histogram(p, "sluice_barrier_rtt_seconds", sl_flowprog_rtt_bounds,
                      st->rtt_buckets, SL_FLOWPROG_RTT_N_BOUNDS, st->rtt_sum,
                      st->rtt_count, NULL);
}

static void
native_metrics_rest(struct sl_prom *p, const struct rest_server *server)
{
    const struct rest_server_stats *st = rest_server_stats(server);
    char code[8];

    sl_prom_family(p, "sluice_rest_requests_total", "counter",
                   "REST requests answered, by HTTP status.");
    for (int i = 0; i < 600; i++) {
        if (st->by_status[i] != 0) {
            snprintf(code, sizeof code, "%d", i);
            sl_prom_u64(p, "sluice_rest_requests_total", st->by_status[i],
                        "code", code, NULL);
        }
    }
    native_metric(p, "sluice_rest_connections", "gauge",
                  "REST client connections open.", st->connections);
    native_metric(p, "sluice_rest_connections_refused_total", "counter",
                  "REST connections refused over the connection limit.",
                  st->refused_connections);
    native_metric(p, "sluice_rest_connections_evicted_total", "counter",
                  "REST connections idle 1 s or more closed at the "
                  "connection limit to make room for a new one.",
                  st->evicted_connections);
    native_metric(p, "sluice_rest_streams", "gauge", "Event streams open.",
                  st->streams);
    native_metric(p, "sluice_rest_streams_dropped_total", "counter",
                  "Event streams dropped for a slow consumer.",
                  st->dropped_streams);
}

static void
native_metrics_topology(struct sl_prom *p, const struct topo *t)
{
    static const struct topo_stats zero;
    const struct topo_stats *st = t ? topo_stats(t) : &zero;
    static const char lldp[] = "sluice_lldp_received_total";
    static const char links[] = "sluice_topology_link_events_total";
    static const char hosts[] = "sluice_topology_host_events_total";

    native_metric(p, "sluice_lldp_probes_sent_total", "counter",
                  "LLDP probes sent (PACKET_OUTs).", st->probes_sent);
    native_metric(p, "sluice_lldp_probes_failed_total", "counter",
                  "LLDP probes that could not be built or sent.",
                  st->probes_failed);
    sl_prom_family(p, lldp, "counter",
                   "LLDP frames received, by what they were: ok (a verified "
                   "probe), malformed, foreign (another agent's), bad_hmac "
                   "(forged or altered), stale, unknown_port.");
    sl_prom_u64(p, lldp, st->lldp_ok, "result", "ok", NULL);
    sl_prom_u64(p, lldp, st->lldp_malformed, "result", "malformed", NULL);
    sl_prom_u64(p, lldp, st->lldp_foreign, "result", "foreign", NULL);
    sl_prom_u64(p, lldp, st->lldp_bad_hmac, "result", "bad_hmac", NULL);
    sl_prom_u64(p, lldp, st->lldp_stale, "result", "stale", NULL);
    sl_prom_u64(p, lldp, st->lldp_unknown_port, "result", "unknown_port",
                NULL);
    native_metric(p, "sluice_topology_links", "gauge",
                  "Directed links discovered (both directions seen).",
                  st->n_links);
    native_metric(p, "sluice_topology_one_way_links", "gauge",
                  "Directions seen without their reverse: not links, their "
                  "ports are blocked.",
                  st->n_one_way);
    native_metric(p, "sluice_topology_hosts", "gauge", "Hosts known.",
                  st->n_hosts);
    native_metric(p, "sluice_topology_tree_links", "gauge",
                  "Links (cables, both directions once) on the flooding "
                  "spanning tree.",
                  st->n_tree_links);
    native_metric(p, "sluice_topology_edge_ports", "gauge",
                  "Live ports without a link (where hosts are learned).",
                  st->n_edge_ports);
    sl_prom_family(p, links, "counter",
                   "Directed links discovered (up) and lost (down).");
    sl_prom_u64(p, links, st->link_up, "event", "up", NULL);
    sl_prom_u64(p, links, st->link_down, "event", "down", NULL);
    sl_prom_family(p, hosts, "counter",
                   "Hosts learned (add), seen at another port (move) and "
                   "forgotten (remove).");
    sl_prom_u64(p, hosts, st->host_add, "event", "add", NULL);
    sl_prom_u64(p, hosts, st->host_move, "event", "move", NULL);
    sl_prom_u64(p, hosts, st->host_remove, "event", "remove", NULL);
    native_metric(p, "sluice_topology_hosts_not_learned_total", "counter",
                  "Hosts not learned because the host table was full.",
                  st->hosts_not_learned);
    native_metric(p, "sluice_topology_tree_computations_total", "counter",
                  "Spanning-tree computations.", st->tree_computations);
    native_metric(p, "sluice_topology_tree_changes_total", "counter",
                  "Spanning-tree computations that changed the tree.",
                  st->tree_changes);
}

/* The label values of app event types. */
static const char *const native_app_event_labels[SL_EV_N_TYPES] = {
    [SL_EV_SWITCH_UP] = "switch_up",       [SL_EV_SWITCH_DOWN] = "switch_down",
    [SL_EV_PORT_STATUS] = "port_status",   [SL_EV_PACKET_IN] = "packet_in",
    [SL_EV_FLOW_REMOVED] = "flow_removed", [SL_EV_ERROR] = "error",
    [SL_EV_STATS_REPLY] = "stats_reply",   [SL_EV_PORT_UP] = "port_up",
    [SL_EV_PORT_DOWN] = "port_down",       [SL_EV_LINK_UP] = "link_up",
    [SL_EV_LINK_DOWN] = "link_down",       [SL_EV_HOST_ADD] = "host_add",
    [SL_EV_HOST_MOVE] = "host_move",       [SL_EV_HOST_REMOVE] = "host_remove",
    [SL_EV_TREE_CHANGED] = "tree_changed",
};

static void
native_metrics_apps(struct sl_prom *p, const struct sl_apps *apps)
{
    struct sl_app_info info;

    sl_prom_family(p, "sluice_app_events_total", "counter",
                   "Events delivered to apps, by app and event type.");
    for (size_t i = 0; apps != NULL && sl_apps_info(apps, i, &info); i++) {
        for (int t = 0; t < SL_EV_N_TYPES; t++) {
            sl_prom_u64(p, "sluice_app_events_total", info.events[t], "app",
                        info.name, "event", native_app_event_labels[t], NULL);
        }
    }
    sl_prom_family(p, "sluice_app_handler_seconds_total", "counter",
                   "Time spent in apps' event handlers (sampled estimate), "
                   "by app and event type.");
    for (size_t i = 0; apps != NULL && sl_apps_info(apps, i, &info); i++) {
        for (int t = 0; t < SL_EV_N_TYPES; t++) {
            sl_prom_double(p, "sluice_app_handler_seconds_total",
                           info.handler_seconds[t], "app", info.name, "event",
                           native_app_event_labels[t], NULL);
        }
    }
}

void
rest_native_metrics(struct rest_req *req, void *native_)
{
    struct rest_native *native = native_;
    const struct sl_controller *ctl = native->ctl;
    struct evbuffer *out = evbuffer_new();
    struct sl_prom p;

    if (out == NULL) {
        sl_out_of_memory();
    }
    sl_prom_init(&p, out);

    sl_prom_family(&p, "sluice_build_info", "gauge",
                   "Always 1; the version of this sluice as a label.");
    sl_prom_u64(&p, "sluice_build_info", 1, "version", PACKAGE_VERSION, NULL);
    double uptime =
        ctl->started_at > 0 ? sl_wall_clock() - ctl->started_at : 0.0;
    native_metric_double(&p, "sluice_uptime_seconds", "gauge",
                         "Seconds since the controller started.",
                         uptime > 0 ? uptime : 0.0);

    native_metrics_sessions(&p, &ctl->dps);
    native_metrics_switch_drops(&p, &native->ctl->dps);
    native_metrics_flowprog(&p, ctl->flowprog);
    native_metric(&p, "sluice_xacts_open", "gauge",
                  "REST requests waiting for a switch's answer.",
                  ctl->xacts ? sl_xacts_count(ctl->xacts) : 0);
    native_metrics_rest(&p, native->server);
    native_metrics_topology(&p, ctl->topo);

    sl_prom_family(&p, "sluice_loop_lag_seconds", "histogram",
                   "How late the event loop ran a periodic timer.");
    sl_prom_histogram(&p, "sluice_loop_lag_seconds", sl_lag_bounds,
                      ctl->lag.buckets, SL_LAG_N_BOUNDS, ctl->lag.sum,
                      ctl->lag.count, NULL);
    native_metric_double(&p, "sluice_loop_lag_max_seconds", "gauge",
                         "The largest event-loop lag seen.", ctl->lag.max);

    native_metrics_apps(&p, ctl->apps);
    sl_apps_collect_metrics(ctl->apps, &p);

    size_t len = evbuffer_get_length(out);
    rest_reply_data(req, 200, "text/plain; version=0.0.4",
                    evbuffer_pullup(out, -1), len);
    evbuffer_free(out);
}
