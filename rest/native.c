/* rest/native: see native.h.  This part serves the read-only views of the
 * controller (/api/v1/health, /api/v1/switches[/{dpid}], /api/v1/apps)
 * and bridges the apps' own routes (sluice/app.h, 'rest_route') to the
 * server; /metrics is in native-metrics.c, the event stream in
 * native-events.c.  Everything is read from the controller at request
 * time: the module keeps no copy of its state. */
#include <config.h>
#include "rest/native.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-multipart.h"
#include "rest/native-private.h"

SL_LOG_MODULE(rest_native);

/* ---- JSON helpers ---- */

void
rest_native_format_time(double t, bool millis, char buf[REST_NATIVE_TIME_LEN])
{
    time_t secs = (time_t) t;
    long ms = (long) ((t - (double) secs) * 1000.0);
    struct tm tm;

    if (ms < 0) {
        ms = 0;
    } else if (ms > 999) {
        ms = 999;
    }
    if (gmtime_r(&secs, &tm) == NULL) {
        memset(&tm, 0, sizeof tm);
        tm.tm_year = 70;
        tm.tm_mday = 1;
    }
    size_t n = strftime(buf, REST_NATIVE_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    if (millis) {
        snprintf(buf + n, REST_NATIVE_TIME_LEN - n, ".%03ldZ", ms);
    } else {
        snprintf(buf + n, REST_NATIVE_TIME_LEN - n, "Z");
    }
}

json_t *
rest_native_json_str(const char *s)
{
    json_t *j = json_string(s);

    if (j == NULL) {
        char *copy = sl_xstrdup(s);
        for (char *p = copy; *p; p++) {
            if ((unsigned char) *p > 0x7f) {
                *p = '?';
            }
        }
        j = json_string(copy);
        free(copy);
    }
    return j;
}

json_t *
rest_native_json_dpid(uint64_t dpid)
{
    char text[17];

    snprintf(text, sizeof text, "%016" PRIx64, dpid);
    return json_string(text);
}

json_t *
rest_native_json_port_no(uint32_t port_no)
{
    return port_no == OFPP_LOCAL ? json_string("LOCAL")
                                 : json_integer(port_no);
}

/* Parses a dpid as native URLs spell it: 16 hex digits, "0x" and 1 to 16
 * hex digits, or a decimal number.  Returns true with it in '*dpid'. */
static bool
native_parse_dpid(const char *s, uint64_t *dpid)
{
    size_t len = strlen(s);
    int base = 10;
    const char *digits = s;

    if (len == 16 && strspn(s, "0123456789abcdefABCDEF") == 16) {
        base = 16;
    } else if (len > 2 && len <= 18 && s[0] == '0' &&
               (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        digits = s + 2;
        if (strspn(digits, "0123456789abcdefABCDEF") != len - 2) {
            return false;
        }
    } else if (len == 0 || len > 20 || strspn(s, "0123456789") != len) {
        return false;
    }

    errno = 0;
    char *end;
    unsigned long long v = strtoull(digits, &end, base);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    *dpid = v;
    return true;
}

/* ---- /api/v1/health ---- */

static void
native_health(struct rest_req *req, void *native_)
{
    struct rest_native *native = native_;
    struct sl_controller *ctl = native->ctl;
    double uptime =
        ctl->started_at > 0 ? sl_wall_clock() - ctl->started_at : 0.0;
    json_t *body = json_object();

    json_object_set_new(body, "status", json_string("ok"));
    json_object_set_new(body, "version", json_string(PACKAGE_VERSION));
    json_object_set_new(body, "uptime_seconds",
                        json_real(uptime > 0 ? uptime : 0.0));
    json_object_set_new(body, "switches",
                        json_integer((json_int_t) ctl->dps.n_ready));
    json_object_set_new(
        body, "apps",
        json_integer(
            (json_int_t) (ctl->apps != NULL ? sl_apps_count(ctl->apps) : 0)));
    rest_reply_json(req, 200, body);
}

/* ---- /api/v1/switches ---- */

static json_t *
native_port_json(const struct ofp_port *port)
{
    const uint8_t *a = port->hw_addr;
    char mac[18];
    json_t *j = json_object();

    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1],
             a[2], a[3], a[4], a[5]);
    json_object_set_new(j, "port_no", rest_native_json_port_no(port->port_no));
    json_object_set_new(j, "name", rest_native_json_str(port->name));
    json_object_set_new(j, "hw_addr", json_string(mac));
    json_object_set_new(j, "up",
                        json_boolean(!(port->config & OFPPC_PORT_DOWN) &&
                                     !(port->state & OFPPS_LINK_DOWN)));
    json_object_set_new(j, "config", json_integer(port->config));
    json_object_set_new(j, "state", json_integer(port->state));
    json_object_set_new(j, "curr_speed", json_integer(port->curr_speed));
    return j;
}

/* Returns SWITCH of the contract for READY session 'dp'. */
static json_t *
native_switch_json(const struct rest_native *native,
                   const struct sl_datapath *dp)
{
    const struct sl_switch *sw = sl_datapath_switch(dp);
    const struct ofp_desc *d = sw->desc;
    double since = sl_datapath_ready_since(dp);
    double connected = sl_wall_clock() - since;
    char when[REST_NATIVE_TIME_LEN];
    json_t *j = json_object();

    rest_native_format_time(since, false, when);
    json_object_set_new(j, "dpid", rest_native_json_dpid(sw->dpid));
    json_object_set_new(j, "address",
                        rest_native_json_str(sw->peer ? sw->peer : ""));
    json_object_set_new(j, "connected_since", json_string(when));
    json_object_set_new(j, "connected_seconds",
                        json_real(connected > 0 ? connected : 0.0));
    json_object_set_new(j, "of_version", json_string("1.3"));
    /* Sluice sends no ROLE_REQUEST: every switch sees it as EQUAL. */
    json_object_set_new(j, "role", json_string("EQUAL"));
    json_object_set_new(j, "n_tables", json_integer(sw->n_tables));
    json_object_set_new(j, "n_buffers", json_integer(sw->n_buffers));
    json_object_set_new(j, "capabilities", json_integer(sw->capabilities));

    json_t *desc = json_object();
    json_object_set_new(desc, "mfr_desc",
                        rest_native_json_str(d ? d->mfr_desc : ""));
    json_object_set_new(desc, "hw_desc",
                        rest_native_json_str(d ? d->hw_desc : ""));
    json_object_set_new(desc, "sw_desc",
                        rest_native_json_str(d ? d->sw_desc : ""));
    json_object_set_new(desc, "serial_num",
                        rest_native_json_str(d ? d->serial_num : ""));
    json_object_set_new(desc, "dp_desc",
                        rest_native_json_str(d ? d->dp_desc : ""));
    json_object_set_new(j, "desc", desc);

    json_t *ports = json_array();
    for (size_t i = 0; i < sw->n_ports; i++) {
        json_array_append_new(ports, native_port_json(&sw->ports[i]));
    }
    json_object_set_new(j, "ports", ports);

    const struct sl_flowprog *fp = native->ctl->flowprog;
    json_t *flows = json_object();
    json_object_set_new(
        flows, "desired",
        json_integer((
            json_int_t) (fp != NULL ? sl_flowprog_n_flows(fp, sw->dpid) : 0)));
    json_object_set_new(
        flows, "synced",
        json_boolean(fp != NULL && sl_flowprog_is_synced(fp, sw->dpid)));
    json_object_set_new(j, "flows", flows);
    return j;
}

static void
native_switches(struct rest_req *req, void *native_)
{
    struct rest_native *native = native_;
    struct sl_datapaths *dps = &native->ctl->dps;
    size_t n = sl_datapaths_list(dps, NULL, 0);
    uint64_t *dpids = sl_xcalloc(n, sizeof *dpids);
    json_t *list = json_array();

    n = sl_datapaths_list(dps, dpids, n);
    for (size_t i = 0; i < n; i++) {
        struct sl_datapath *dp = sl_datapaths_find(dps, dpids[i]);
        if (dp != NULL) {
            json_array_append_new(list, native_switch_json(native, dp));
        }
    }
    free(dpids);

    json_t *body = json_object();
    json_object_set_new(body, "switches", list);
    rest_reply_json(req, 200, body);
}

static void
native_switch(struct rest_req *req, void *native_)
{
    struct rest_native *native = native_;
    const char *text = rest_req_param(req, "dpid");
    uint64_t dpid;

    if (text == NULL || !native_parse_dpid(text, &dpid)) {
        rest_reply_error(req, 400, "bad dpid",
                         "'%s' is not 16 hex digits, 0x-hex or decimal",
                         text ? text : "");
        return;
    }
    struct sl_datapath *dp = sl_datapaths_find(&native->ctl->dps, dpid);
    if (dp == NULL) {
        rest_reply_error(req, 404, "no such switch",
                         "%016" PRIx64 " is not connected", dpid);
        return;
    }
    rest_reply_json(req, 200, native_switch_json(native, dp));
}

/* ---- /api/v1/apps ---- */

/* The names /api/v1/apps gives event types. */
static const char *const native_event_names[SL_EV_N_TYPES] = {
    [SL_EV_SWITCH_UP] = "SWITCH_UP",       [SL_EV_SWITCH_DOWN] = "SWITCH_DOWN",
    [SL_EV_PORT_STATUS] = "PORT_STATUS",   [SL_EV_PACKET_IN] = "PACKET_IN",
    [SL_EV_FLOW_REMOVED] = "FLOW_REMOVED", [SL_EV_ERROR] = "ERROR",
    [SL_EV_STATS_REPLY] = "STATS_REPLY",   [SL_EV_PORT_UP] = "PORT_UP",
    [SL_EV_PORT_DOWN] = "PORT_DOWN",       [SL_EV_LINK_UP] = "LINK_UP",
    [SL_EV_LINK_DOWN] = "LINK_DOWN",       [SL_EV_HOST_ADD] = "HOST_ADD",
    [SL_EV_HOST_MOVE] = "HOST_MOVE",       [SL_EV_HOST_REMOVE] = "HOST_REMOVE",
    [SL_EV_TREE_CHANGED] = "TREE_CHANGED",
};

static json_t *
native_app_json(const struct sl_app_info *info)
{
    char abi[16], owner[8];
    json_t *j = json_object();
    json_t *events = json_object();
    json_t *seconds = json_object();

    snprintf(abi, sizeof abi, "%u.%u", info->abi_major, info->abi_minor);
    snprintf(owner, sizeof owner, "0x%04x", info->owner);
    json_object_set_new(j, "name", rest_native_json_str(info->name));
    json_object_set_new(j, "description",
                        rest_native_json_str(info->description));
    json_object_set_new(j, "path", rest_native_json_str(info->path));
    json_object_set_new(j, "abi", json_string(abi));
    json_object_set_new(j, "state", json_string(info->state));
    json_object_set_new(j, "owner", json_string(owner));
    /* Only the types the app received; both maps have the same keys. */
    for (int t = 0; t < SL_EV_N_TYPES; t++) {
        if (info->events[t] != 0) {
            json_object_set_new(events, native_event_names[t],
                                json_integer((json_int_t) info->events[t]));
            json_object_set_new(seconds, native_event_names[t],
                                json_real(info->handler_seconds[t]));
        }
    }
    json_object_set_new(j, "events", events);
    json_object_set_new(j, "handler_seconds", seconds);
    return j;
}

static void
native_apps(struct rest_req *req, void *native_)
{
    struct rest_native *native = native_;
    const struct sl_apps *apps = native->ctl->apps;
    struct sl_app_info info;
    json_t *list = json_array();

    for (size_t i = 0; apps != NULL && sl_apps_info(apps, i, &info); i++) {
        json_array_append_new(list, native_app_json(&info));
    }
    json_t *body = json_object();
    json_object_set_new(body, "apps", list);
    rest_reply_json(req, 200, body);
}

/* ---- the apps' routes ---- */

/* An app's answer, kept until its handler returns: the request it reads
 * (path, parameters) must stay valid for the whole call, and replying
 * frees it. */
struct native_app_answer {
    bool set;
    int status;
    char *content_type;
    char *body;
    size_t len;
};

static void
native_app_reply(void *answer_, int status, const char *content_type,
                 const char *body, size_t len)
{
    struct native_app_answer *a = answer_;

    if (a->set) {
        return;
    }
    a->set = true;
    a->status = status;
    a->content_type = sl_xstrdup(content_type);
    a->body = sl_xmalloc(len + 1);
    if (len) {
        memcpy(a->body, body, len);
    }
    a->len = len;
}

static unsigned
native_app_method(enum rest_method m)
{
    switch (m) {
    case REST_POST:
        return SL_REST_POST;
    case REST_PUT:
        return SL_REST_PUT;
    case REST_DELETE:
        return SL_REST_DELETE;
    case REST_GET:
    case REST_HEAD:
    default:
        return SL_REST_GET;
    }
}

static void
native_app_handler(struct rest_req *req, void *route_)
{
    struct rest_native_app_route *route = route_;
    struct sl_apps *apps = route->native->ctl->apps;
    const struct sl_app_route *ar = sl_apps_route(apps, route->index);
    const char *path = rest_req_path(req);
    size_t prefix_len = strlen(route->prefix);
    size_t body_len;
    const uint8_t *raw = rest_req_body(req, &body_len);
    const char **values = sl_xcalloc(route->n_params, sizeof *values);
    char *body = sl_xmalloc(body_len + 1);
    struct sl_rest_request r;

    if (body_len) {
        memcpy(body, raw, body_len);
    }
    body[body_len] = '\0';
    for (size_t i = 0; i < route->n_params; i++) {
        const char *v = rest_req_param(req, route->param_names[i]);
        values[i] = v ? v : "";
    }

    memset(&r, 0, sizeof r);
    r.method = native_app_method(rest_req_method(req));
    r.path = path;
    r.subpath =
        !strncmp(path, route->prefix, prefix_len) ? path + prefix_len : "";
    /* The server hands out decoded query parameters by name only: the raw
     * string is not available through rest/server.h yet. */
    r.query = rest_req_raw_query(req);
    r.body = body;
    r.body_len = body_len;
    r.n_params = route->n_params;
    r.param_names = (const char *const *) route->param_names;
    r.param_values = values;

    struct native_app_answer answer = {.set = false};
    if (ar != NULL) {
        sl_apps_route_call(apps, ar, &r, native_app_reply, &answer);
    }
    if (answer.set) {
        rest_reply_data(req, answer.status, answer.content_type, answer.body,
                        answer.len);
    } else {
        rest_reply_error(req, 404, "not found", "no route for %s", path);
    }
    free(answer.content_type);
    free(answer.body);
    free(body);
    free(values);
}

/* Fills 'route' for app route 'ar' (number 'index'): its prefix and the
 * names of its parameters. */
static void
native_app_route_init(struct rest_native_app_route *route,
                      struct rest_native *native, size_t index,
                      const struct sl_app_route *ar)
{
    route->native = native;
    route->index = index;
    route->prefix = sl_xasprintf("/api/v1/apps/%s", ar->app);
    for (const char *p = ar->pattern; (p = strchr(p, '{')) != NULL; p++) {
        const char *end = strchr(p, '}');
        if (end == NULL) {
            break;
        }
        size_t n = (size_t) (end - p - 1);
        if (n > 3 && !memcmp(end - 3, "...", 3)) {
            n -= 3;
        }
        char *name = sl_xmalloc(n + 1);
        memcpy(name, p + 1, n);
        name[n] = '\0';
        route->param_names =
            sl_xrealloc(route->param_names,
                        (route->n_params + 1) * sizeof *route->param_names);
        route->param_names[route->n_params++] = name;
    }
}

static void
native_app_route_uninit(struct rest_native_app_route *route)
{
    for (size_t i = 0; i < route->n_params; i++) {
        free(route->param_names[i]);
    }
    free(route->param_names);
    free(route->prefix);
}

static unsigned
native_rest_methods(unsigned sl_methods)
{
    return ((sl_methods & SL_REST_GET ? REST_GET : 0) |
            (sl_methods & SL_REST_POST ? REST_POST : 0) |
            (sl_methods & SL_REST_PUT ? REST_PUT : 0) |
            (sl_methods & SL_REST_DELETE ? REST_DELETE : 0));
}

/* Registers every app route on the server.  Returns 0, or an errno after
 * logging which route was refused and removing those registered. */
static int
native_register_app_routes(struct rest_native *native)
{
    struct sl_apps *apps = native->ctl->apps;
    size_t n = apps != NULL ? sl_apps_n_routes(apps) : 0;

    native->routes = sl_xcalloc(n, sizeof *native->routes);
    for (size_t i = 0; i < n; i++) {
        const struct sl_app_route *ar = sl_apps_route(apps, i);
        struct rest_native_app_route *route = &native->routes[i];

        native_app_route_init(route, native, i, ar);
        native->n_routes++;
        int error =
            rest_route_add(native->server, native_rest_methods(ar->methods),
                           ar->pattern, native_app_handler, route, ar->app);
        if (error) {
            SL_ERR("app '%s': the REST server refused its route %s (%s)",
                   ar->app, ar->pattern, strerror(error));
            for (size_t j = 0; j <= i; j++) {
                rest_route_remove_owner(native->server,
                                        sl_apps_route(apps, j)->app);
            }
            return error;
        }
    }
    return 0;
}

/* ---- the module ---- */

struct rest_native *
rest_native_create(struct rest_server *server, struct sl_controller *ctl,
                   int *error)
{
    static const struct {
        unsigned methods;
        const char *pattern;
        rest_handler *handler;
    } routes[] = {
        {REST_GET, "/api/v1/health", native_health},
        {REST_GET, "/api/v1/switches", native_switches},
        {REST_GET, "/api/v1/switches/{dpid}", native_switch},
        {REST_GET, "/api/v1/apps", native_apps},
        {REST_GET, "/api/v1/events", rest_native_events},
        {REST_GET, "/metrics", rest_native_metrics},
    };
    struct rest_native *native = sl_xcalloc(1, sizeof *native);

    native->server = server;
    native->ctl = ctl;
    sl_list_init(&native->streams);
    native->heartbeat_interval = REST_EVENTS_HEARTBEAT;

    *error = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        *error = rest_route_add(server, routes[i].methods, routes[i].pattern,
                                routes[i].handler, native, NULL);
        if (*error) {
            SL_ERR("cannot register %s (%s)", routes[i].pattern,
                   strerror(*error));
            goto error;
        }
    }
    *error = native_register_app_routes(native);
    if (*error) {
        goto error;
    }
    *error = rest_native_events_init(native);
    if (*error) {
        goto error;
    }
    return native;

error:
    rest_native_destroy(native);
    return NULL;
}

void
rest_native_destroy(struct rest_native *native)
{
    if (native == NULL) {
        return;
    }
    rest_native_events_uninit(native);
    for (size_t i = 0; i < native->n_routes; i++) {
        native_app_route_uninit(&native->routes[i]);
    }
    free(native->routes);
    free(native);
}
