/* rest/native-events: GET /api/v1/events, the controller's events as
 * Server-Sent Events (see native.h and the REST contract).
 *
 * The module is the controller's one observer (controller.h).  Each event
 * is turned into JSON once and queued on every open stream; a stream whose
 * consumer does not keep up is dropped by the server (its queue limit) and
 * forgotten here when its 'closed' callback runs.  A heartbeat comment
 * goes to every stream each 'heartbeat_interval' seconds, from one timer
 * that runs only while a stream is open.  With no stream open an event
 * costs one list test. */
#include <config.h>
#include "rest/native-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-errors.h"
#include "rest/topology.h"

SL_LOG_MODULE(rest_events);

/* One open event stream. */
struct rest_native_stream {
    struct sl_list node; /* in rest_native's 'streams' */
    struct rest_native *native;
    struct rest_stream *stream; /* owned by the server */
};

static void
native_heartbeat_arm(struct rest_native *native)
{
    double s = native->heartbeat_interval;
    struct timeval tv;

    tv.tv_sec = (time_t) s;
    tv.tv_usec = (suseconds_t) ((s - floor(s)) * 1e6);
    event_add(native->heartbeat, &tv);
}

static void
native_heartbeat_cb(evutil_socket_t fd, short what, void *native_)
{
    struct rest_native *native = native_;
    struct rest_native_stream *s;

    (void) fd;
    (void) what;
    SL_LIST_FOR_EACH(s, node, &native->streams)
    {
        /* A failure means the stream is closing: 'closed' follows. */
        (void) rest_stream_heartbeat(s->stream);
    }
}

static void
native_stream_closed(void *s_)
{
    struct rest_native_stream *s = s_;
    struct rest_native *native = s->native;

    sl_list_remove(&s->node);
    free(s);
    if (sl_list_is_empty(&native->streams)) {
        event_del(native->heartbeat);
    }
}

void
rest_native_events(struct rest_req *req, void *native_)
{
    struct rest_native *native = native_;
    struct rest_native_stream *s = sl_xcalloc(1, sizeof *s);

    s->native = native;
    if (sl_list_is_empty(&native->streams)) {
        native_heartbeat_arm(native);
    }
    sl_list_push_back(&native->streams, &s->node);
    s->stream = rest_stream_start(req, native_stream_closed, s);
}

void
rest_native_set_heartbeat(struct rest_native *native, double seconds)
{
    native->heartbeat_interval = seconds > 0 ? seconds : REST_EVENTS_HEARTBEAT;
    if (!sl_list_is_empty(&native->streams)) {
        native_heartbeat_arm(native);
    }
}

/* ---- events -> JSON ---- */

static const char *
native_port_reason(uint8_t reason)
{
    switch (reason) {
    case OFPPR_ADD:
        return "add";
    case OFPPR_DELETE:
        return "delete";
    default:
        return "modify";
    }
}

/* Adds the fields of an OFPT_ERROR event to 'data'; returns its type
 * name. */
static const char *
native_error_fields(json_t *data, const struct sl_event *ev,
                    const char *detail)
{
    enum ofperr code = ev->error.code;
    const char *name = code != 0 ? ofperr_name(code) : "OFPERR_UNKNOWN";

    if (ev->error.flow != NULL) {
        const struct sl_flow_spec *flow = ev->error.flow;

        json_object_set_new(data, "owner",
                            rest_native_json_str(detail ? detail : "unknown"));
        json_object_set_new(data, "table_id", json_integer(flow->table_id));
        json_object_set_new(data, "priority", json_integer(flow->priority));
        json_object_set_new(data, "error", json_string(name));
        json_object_set_new(data, "err_type",
                            json_integer(code ? ofperr_type(code) : 0));
        json_object_set_new(data, "code",
                            json_integer(code ? ofperr_code(code) : 0));
        return "flow_error";
    }
    const struct ofp_msg *msg = ev->msg;
    json_object_set_new(data, "xid", json_integer(msg ? msg->xid : 0));
    json_object_set_new(data, "error", json_string(name));
    json_object_set_new(data, "err_type",
                        json_integer(msg ? msg->error.type : 0));
    json_object_set_new(data, "code", json_integer(msg ? msg->error.code : 0));
    return "switch_error";
}

/* One end of a link: {"dpid", "port_no"}. */
static json_t *
native_link_end(uint64_t dpid, uint32_t port_no)
{
    json_t *j = json_object();

    json_object_set_new(j, "dpid", rest_native_json_dpid(dpid));
    json_object_set_new(j, "port_no", rest_native_json_port_no(port_no));
    return j;
}

/* Adds the fields of a LINK_UP or LINK_DOWN event to 'data'; returns its
 * type name, or NULL when the event has no link. */
static const char *
native_link_fields(json_t *data, const struct sl_event *ev, const char *detail)
{
    const struct sl_link *link = ev->link.link;

    if (link == NULL) {
        return NULL;
    }
    json_object_set_new(data, "src",
                        native_link_end(link->src_dpid, link->src_port));
    json_object_set_new(data, "dst",
                        native_link_end(link->dst_dpid, link->dst_port));
    json_object_set_new(
        data, "latency_ms",
        json_real(link->latency > 0 ? link->latency * 1e3 : 0.0));
    if (ev->type == SL_EV_LINK_UP) {
        return "link_up";
    }
    const char *reason = ev->link.reason ? ev->link.reason : detail;
    json_object_set_new(data, "reason",
                        rest_native_json_str(reason ? reason : ""));
    return "link_down";
}

/* Adds the fields of a HOST_ADD, HOST_MOVE or HOST_REMOVE event to 'data';
 * returns its type name, or NULL when the event has no host. */
static const char *
native_host_fields(json_t *data, const struct sl_event *ev)
{
    const struct sl_topo_host *host = ev->host.host;

    if (host == NULL) {
        return NULL;
    }
    json_object_set_new(data, "mac", rest_topology_json_mac(host->mac));
    json_object_set_new(data, "vlan", rest_topology_json_vlan(host->vlan));
    json_object_set_new(data, "ipv4", rest_topology_json_ipv4s(host));
    json_object_set_new(data, "ipv6", rest_topology_json_ipv6s(host));
    json_object_set_new(data, "port_no",
                        rest_native_json_port_no(host->port_no));
    switch (ev->type) {
    case SL_EV_HOST_ADD:
        return "host_add";
    case SL_EV_HOST_MOVE:
        json_object_set_new(data, "old_dpid",
                            rest_native_json_dpid(ev->host.old_dpid));
        json_object_set_new(data, "old_port_no",
                            rest_native_json_port_no(ev->host.old_port));
        return "host_move";
    default:
        return "host_remove";
    }
}

/* Returns the data of 'ev' (a new reference) and its type in '*type', or
 * NULL for an event the stream does not carry. */
static json_t *
native_event_json(const struct sl_event *ev, const char *detail,
                  const char **type)
{
    char when[REST_NATIVE_TIME_LEN];
    json_t *data = json_object();

    rest_native_format_time(sl_wall_clock(), true, when);
    /* "type" first: the keys keep their insertion order. */
    json_object_set_new(data, "type", json_null());
    json_object_set_new(data, "time", json_string(when));
    json_object_set_new(data, "dpid", rest_native_json_dpid(ev->dpid));

    switch (ev->type) {
    case SL_EV_SWITCH_UP:
        *type = "switch_up";
        json_object_set_new(
            data, "address",
            rest_native_json_str(ev->sw && ev->sw->peer ? ev->sw->peer : ""));
        break;
    case SL_EV_SWITCH_DOWN:
        *type = "switch_down";
        json_object_set_new(data, "reason",
                            rest_native_json_str(detail ? detail : ""));
        break;
    case SL_EV_PORT_STATUS: {
        const struct ofp_port *port = ev->port_status.port;
        uint8_t reason = ev->msg ? ev->msg->port_status.reason : OFPPR_MODIFY;

        if (port == NULL) {
            json_decref(data);
            return NULL;
        }
        *type = "port_status";
        json_object_set_new(data, "port_no",
                            rest_native_json_port_no(port->port_no));
        json_object_set_new(data, "name", rest_native_json_str(port->name));
        json_object_set_new(data, "reason",
                            json_string(native_port_reason(reason)));
        json_object_set_new(data, "up",
                            json_boolean(!(port->config & OFPPC_PORT_DOWN) &&
                                         !(port->state & OFPPS_LINK_DOWN)));
        break;
    }
    case SL_EV_ERROR:
        *type = native_error_fields(data, ev, detail);
        break;
    case SL_EV_PORT_UP:
    case SL_EV_PORT_DOWN: {
        const struct ofp_port *port = ev->port.port;

        if (port == NULL) {
            json_decref(data);
            return NULL;
        }
        *type = ev->type == SL_EV_PORT_UP ? "port_up" : "port_down";
        json_object_set_new(data, "port_no",
                            rest_native_json_port_no(port->port_no));
        json_object_set_new(data, "name", rest_native_json_str(port->name));
        break;
    }
    case SL_EV_LINK_UP:
    case SL_EV_LINK_DOWN:
        *type = native_link_fields(data, ev, detail);
        break;
    case SL_EV_HOST_ADD:
    case SL_EV_HOST_MOVE:
    case SL_EV_HOST_REMOVE:
        *type = native_host_fields(data, ev);
        break;
    case SL_EV_TREE_CHANGED:
        *type = "tree_changed";
        json_object_set_new(data, "links",
                            json_integer((json_int_t) ev->tree.n_tree_links));
        json_object_set_new(data, "switches",
                            json_integer((json_int_t) ev->tree.n_switches));
        break;
    case SL_EV_PACKET_IN:
    case SL_EV_FLOW_REMOVED:
    case SL_EV_STATS_REPLY:
    case SL_EV_N_TYPES:
    default:
        json_decref(data);
        return NULL;
    }
    if (*type == NULL) {
        json_decref(data);
        return NULL;
    }
    json_object_set_new(data, "type", json_string(*type));
    return data;
}

static void
native_observe(void *native_, const struct sl_event *ev, const char *detail)
{
    struct rest_native *native = native_;
    struct rest_native_stream *s;
    const char *type = NULL;

    if (sl_list_is_empty(&native->streams)) {
        return;
    }
    json_t *data = native_event_json(ev, detail, &type);
    if (data == NULL) {
        return;
    }
    char *text = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    if (text == NULL) {
        SL_ERR("cannot serialise a %s event", type);
        return;
    }
    SL_LIST_FOR_EACH(s, node, &native->streams)
    {
        /* ENOBUFS drops a slow consumer, EPIPE is a stream closing: either
         * way 'closed' follows from the loop, which forgets it. */
        (void) rest_stream_send(s->stream, type, text);
    }
    free(text);
}

/* ---- set-up ---- */

int
rest_native_events_init(struct rest_native *native)
{
    native->heartbeat = event_new(native->ctl->base, -1, EV_PERSIST,
                                  native_heartbeat_cb, native);
    if (native->heartbeat == NULL) {
        return ENOMEM;
    }
    sl_controller_set_observer(native->ctl, native_observe, native);
    return 0;
}

void
rest_native_events_uninit(struct rest_native *native)
{
    struct rest_native_stream *s, *next;
    struct sl_controller *ctl = native->ctl;

    if (ctl->observer == native_observe && ctl->observer_aux == native) {
        sl_controller_set_observer(ctl, NULL, NULL);
    }
    /* The server was destroyed first, so every stream's 'closed' has run
     * and the list is empty. */
    SL_LIST_FOR_EACH_SAFE(s, next, node, &native->streams)
    {
        SL_ERR("an event stream outlived the REST server");
        sl_list_remove(&s->node);
        free(s);
    }
    if (native->heartbeat != NULL) {
        event_free(native->heartbeat);
        native->heartbeat = NULL;
    }
}
