/* rest/ryu: see ryu.h.  The module, its routes, what reads and writes
 * share (ryu-private.h), and the reads; the writes are in ryu-write.c.
 *
 * A read builds the request Ryu's ofctl_v1_3 get_*() builds, sends it as
 * an xact (controller/xact.h) and merges the parts of the answer into
 * Ryu's body, each entry shaped by the ofp_json_* encoders; the answer is
 * {"<dpid in decimal>": BODY} as wrap_dpid_dict() makes it.  Where Ryu
 * filters on our side (the priority of a flow stats filter) we do too;
 * /stats/portdesc/{dpid}/{port} and /stats/groupdesc/{dpid}/{group_id},
 * OpenFlow 1.5 forms for Ryu, filter the 1.3 reply the same way.
 *
 * Path values follow Ryu: a dpid is read as Python's int(s, 0) (decimal
 * without leading zeros, 0x, 0o, 0b); ports, queue, group and meter ids are
 * numbers or the reserved names ofp-json's parsers accept ("ALL", "ANY",
 * "CONTROLLER" ...), a port "ALL" meaning every port (OFPP_ANY) as in
 * ofctl_rest. */
#include <config.h>
#include "rest/ryu.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-json.h"
#include "rest/ryu-private.h"

SL_LOG_MODULE(rest_ryu);

/* Seconds every module waits for a switch (tests shorten it). */
static double ryu_timeout_secs = REST_RYU_TIMEOUT;

void
rest_ryu_set_timeout(double seconds)
{
    ryu_timeout_secs = seconds > 0 ? seconds : REST_RYU_TIMEOUT;
}

double
ryu_timeout(void)
{
    return ryu_timeout_secs;
}

/* ---- replies ---- */

void
ryu_reply_done(struct rest_req *req)
{
    rest_reply_data(req, 200, NULL, "", 0);
}

void
ryu_reply_bad_body(struct rest_req *req, const char *detail)
{
    rest_reply_error(req, 400, "bad request body", "%s", detail);
}

void
ryu_reply_no_switch(struct rest_req *req, uint64_t dpid)
{
    rest_reply_error(req, 404, "no such switch",
                     "%016" PRIx64 " is not connected", dpid);
}

void
ryu_reply_refused(struct rest_req *req, uint16_t type, uint16_t code)
{
    enum ofperr e = ofperr_from_type_code(type, code);
    const char *name = e ? ofperr_name(e) : ofperr_type_name(type);
    char detail[128];

    if (!name) {
        name = "UNKNOWN";
    }
    snprintf(detail, sizeof detail, "%s (type %u, code %u)", name,
             (unsigned) type, (unsigned) code);
    json_t *j =
        json_pack("{s:s, s:s, s:i, s:i, s:s}", "error",
                  "switch refused the request", "detail", detail, "err_type",
                  (int) type, "code", (int) code, "name", name);
    if (!j) {
        sl_out_of_memory();
    }
    rest_reply_json(req, 400, j);
}

void
ryu_reply_send_error(struct rest_req *req, uint64_t dpid, int error)
{
    if (error == ENOENT) {
        ryu_reply_no_switch(req, dpid);
    } else {
        rest_reply_error(req, 503, "switch unavailable",
                         "cannot send to %016" PRIx64 ": %s", dpid,
                         strerror(error));
    }
}

/* Answers 'req' for an xact that ended without a reply. */
static void
ryu_reply_xact_failure(struct rest_req *req, uint64_t dpid,
                       enum sl_xact_status status, const struct ofp_msg *msg)
{
    switch (status) {
    case SL_XACT_ERROR:
        ryu_reply_refused(req, msg->error.type, msg->error.code);
        break;
    case SL_XACT_TIMEOUT:
        rest_reply_error(req, 504, "switch timeout",
                         "%016" PRIx64 " did not answer in %g s", dpid,
                         ryu_timeout());
        break;
    case SL_XACT_GONE:
    default:
        rest_reply_error(req, 503, "switch disconnected",
                         "%016" PRIx64 " went away before answering", dpid);
        break;
    }
}

/* ---- values ---- */

/* Removes the path the ofp-json parsers put before their message
 * ("action.port: unknown ...") and prefixes 'what'. */
static void
ryu_rename_err(char *err, size_t errlen, const char *what)
{
    const char *colon = strstr(err, ": ");
    char *msg = sl_xstrdup(colon ? colon + 2 : err);

    snprintf(err, errlen, "%s: %s", what, msg);
    free(msg);
}

int
ryu_json_uint(const json_t *v, const char *what, uint64_t max, uint64_t *out,
              char *err, size_t errlen)
{
    /* ofp_json_parse_dpid() reads "dpid" as str_to_int() does. */
    json_t *o = json_pack("{s:O}", "dpid", (json_t *) v);
    int e;

    if (!o) {
        sl_out_of_memory();
    }
    e = ofp_json_parse_dpid(o, out, err, errlen);
    json_decref(o);
    if (e == ENOENT) {
        snprintf(err, errlen, "%s: null is not an integer", what);
        return EINVAL;
    }
    if (e) {
        ryu_rename_err(err, errlen, what);
        return EINVAL;
    }
    if (*out > max) {
        snprintf(err, errlen,
                 "%s: %" PRIu64 " is out of range (0..%" PRIu64 ")", what,
                 *out, max);
        return EINVAL;
    }
    return 0;
}

/* Reserved-name kinds of path values. */
enum ryu_id {
    RYU_ID_PORT,
    RYU_ID_QUEUE,
    RYU_ID_GROUP,
    RYU_ID_METER,
};

/* Reads 'v' as a value of 'kind' through the parser that reads such a
 * value in a body.  Returns 0 or EINVAL with 'err' naming 'what'. */
static int
ryu_json_id(const json_t *v, enum ryu_id kind, const char *what, uint32_t *out,
            char *err, size_t errlen)
{
    struct ofp_arena arena;
    struct ofp_action a;
    struct ofp_msg msg;
    json_t *o;
    int e;

    ofp_arena_init(&arena);
    switch (kind) {
    case RYU_ID_PORT:
        o = json_pack("{s:s, s:O}", "type", "OUTPUT", "port", (json_t *) v);
        break;
    case RYU_ID_QUEUE:
        o = json_pack("{s:s, s:O}", "type", "SET_QUEUE", "queue_id",
                      (json_t *) v);
        break;
    case RYU_ID_GROUP:
        o = json_pack("{s:s, s:O}", "type", "GROUP", "group_id", (json_t *) v);
        break;
    case RYU_ID_METER:
    default:
        o = json_pack("{s:O}", "meter_id", (json_t *) v);
        break;
    }
    if (!o) {
        sl_out_of_memory();
    }
    if (kind == RYU_ID_METER) {
        e = ofp_json_parse_meter_mod(o, OFPMC_ADD, &msg, &arena, err, errlen);
        *out = e ? 0 : msg.meter_mod.meter_id;
    } else {
        e = ofp_json_parse_action(o, &a, &arena, err, errlen);
        *out = (e                      ? 0
                : kind == RYU_ID_PORT  ? a.output.port
                : kind == RYU_ID_QUEUE ? a.queue_id
                                       : a.group_id);
    }
    json_decref(o);
    ofp_arena_uninit(&arena);
    if (e) {
        ryu_rename_err(err, errlen, what);
        return EINVAL;
    }
    return 0;
}

int
ryu_json_port(const json_t *v, uint32_t *port, char *err, size_t errlen)
{
    return ryu_json_id(v, RYU_ID_PORT, "port_no", port, err, errlen);
}

/* Reads path parameter 'name' as a value of 'kind'; 'dflt' when the route
 * has no such parameter.  Returns true, or false after replying 400. */
static bool
ryu_path_id(struct rest_req *req, const char *name, enum ryu_id kind,
            uint32_t dflt, uint32_t *out)
{
    const char *text = rest_req_param(req, name);
    char err[256];

    if (!text) {
        *out = dflt;
        return true;
    }
    json_t *s = json_string(text);
    int e = s ? ryu_json_id(s, kind, name, out, err, sizeof err) : EINVAL;
    if (!s) {
        snprintf(err, sizeof err, "%s: not UTF-8", name);
    }
    json_decref(s);
    if (e) {
        rest_reply_error(req, 400, "bad path", "%s", err);
        return false;
    }
    return true;
}

/* A port in a read's path: Ryu reads "ALL" as every port. */
static bool
ryu_path_port(struct rest_req *req, uint32_t *port)
{
    if (!ryu_path_id(req, "port", RYU_ID_PORT, OFPP_ANY, port)) {
        return false;
    }
    if (*port == OFPP_ALL) {
        *port = OFPP_ANY;
    }
    return true;
}

bool
ryu_path_dpid(struct rest_req *req, uint64_t *dpid)
{
    const char *text = rest_req_param(req, "dpid");
    char err[256];
    json_t *o = json_pack("{s:s?}", "dpid", text);
    int e = o ? ofp_json_parse_dpid(o, dpid, err, sizeof err) : EINVAL;

    json_decref(o);
    if (e) {
        rest_reply_error(req, 400, "bad dpid",
                         "\"%s\" is not a datapath id (decimal, or 0x hex)",
                         text ? text : "");
        return false;
    }
    return true;
}

bool
ryu_body_dpid(struct rest_req *req, const json_t *body, uint64_t *dpid)
{
    char err[256];
    int e = ofp_json_parse_dpid(body, dpid, err, sizeof err);

    if (e == ENOENT) {
        rest_reply_error(req, 400, "bad request body", "dpid: missing");
    } else if (e) {
        ryu_reply_bad_body(req, err);
    }
    return !e;
}

bool
ryu_switch_ready(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid)
{
    if (!sl_datapaths_find(&ryu->ctl->dps, dpid)) {
        ryu_reply_no_switch(req, dpid);
        return false;
    }
    return true;
}

void
ryu_cookie_filter(uint64_t *cookie, uint64_t *mask)
{
    const uint64_t low = (UINT64_C(1) << SL_COOKIE_OWNER_SHIFT) - 1;

    if (*mask && !((*cookie & *mask) & ~low)) {
        *cookie = SL_COOKIE(sl_apps_owner_rest(), *cookie & *mask);
        *mask |= ~low;
    }
}

/* ---- ops ---- */

static void
ryu_op_free(struct ryu_op *op)
{
    if (op->ryu) {
        sl_list_remove(&op->node);
    }
    if (op->timer) {
        event_free(op->timer);
    }
    json_decref(op->result);
    free(op);
}

void
ryu_op_maybe_free(struct ryu_op *op)
{
    if (!op->xact && !op->flow_pending) {
        ryu_op_free(op);
    }
}

/* The client went away. */
static void
ryu_op_cancelled(void *op_)
{
    struct ryu_op *op = op_;

    op->req = NULL;
    if (op->xact && !op->resync) {
        /* Nothing is waiting for the answer any more.  (After a FLOW_MOD
         * sent around the flow programmer, the xact goes on: the switch
         * is reconciled once it has answered.) */
        sl_xact_cancel(op->xact);
        op->xact = NULL;
    }
    ryu_op_maybe_free(op);
}

struct ryu_op *
ryu_op_create(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid)
{
    struct ryu_op *op = sl_xcalloc(1, sizeof *op);

    op->ryu = ryu;
    op->req = req;
    op->dpid = dpid;
    op->priority = -1;
    op->only = OFPP_ANY;
    sl_list_push_back(&ryu->ops, &op->node);
    rest_req_on_cancel(req, ryu_op_cancelled, op);
    return op;
}

/* ---- reads ---- */

/* The "body" of the JSON form of multipart reply 'mp' (a new reference),
 * or NULL. */
static json_t *
ryu_mp_body(const struct ofp_multipart_reply *mp)
{
    json_t *j = ofp_json_mp_reply(mp);
    json_t *body = json_incref(json_object_get(j, "body"));

    json_decref(j);
    return body;
}

/* Shows the cookies of the REST owner's flows as the client gave them. */
static void
ryu_flow_entry_fix(json_t *entry, uint64_t cookie)
{
    if (SL_COOKIE_IS_SLUICE(cookie) &&
        SL_COOKIE_OWNER(cookie) == sl_apps_owner_rest()) {
        const uint64_t low = (UINT64_C(1) << SL_COOKIE_OWNER_SHIFT) - 1;
        json_object_set_new(entry, "cookie", ofp_json_u64(cookie & low));
    }
}

/* Appends the entries of list reply 'mp' to op->result, filtered and
 * fixed as the kind wants. */
static void
ryu_merge_list(struct ryu_op *op, const struct ofp_multipart_reply *mp)
{
    json_t *body = ryu_mp_body(mp);
    size_t i;
    json_t *e;

    if (!json_is_array(body)) {
        json_decref(body);
        return;
    }
    json_array_foreach(body, i, e)
    {
        bool keep = true;
        switch (mp->type) {
        case OFPMP_FLOW:
            if (i < mp->flow.n) {
                const struct ofp_flow_stats *fs = &mp->flow.stats[i];
                keep = op->priority < 0 || fs->priority == op->priority;
                ryu_flow_entry_fix(e, fs->cookie);
            }
            break;
        case OFPMP_PORT_DESC:
            keep = (op->only == OFPP_ANY ||
                    (i < mp->port_desc.n &&
                     mp->port_desc.ports[i].port_no == op->only));
            break;
        case OFPMP_GROUP_DESC:
            keep = (op->only == OFPG_ALL ||
                    (i < mp->group_desc.n &&
                     mp->group_desc.descs[i].group_id == op->only));
            break;
        default:
            break;
        }
        if (keep) {
            json_array_append(op->result, e);
        }
    }
    json_decref(body);
}

/* Takes one reply part of a read into op->result. */
static void
ryu_merge(struct ryu_op *op, const struct ofp_msg *msg)
{
    json_t *j;

    switch (op->shape) {
    case RYU_LIST:
    case RYU_OBJECT:
    case RYU_OBJECT_LIST:
        if (msg->type != OFPT_MULTIPART_REPLY ||
            msg->mp_reply.type != op->mp_type) {
            return;
        }
        if (op->shape == RYU_LIST) {
            ryu_merge_list(op, &msg->mp_reply);
        } else if (op->shape == RYU_OBJECT) {
            json_decref(op->result);
            op->result = ryu_mp_body(&msg->mp_reply);
        } else {
            json_array_append_new(op->result, ryu_mp_body(&msg->mp_reply));
        }
        break;
    case RYU_QUEUE_CONFIG:
        j = ofp_json_msg(msg);
        json_array_append_new(op->result,
                              json_pack("{s:O?, s:O?}", "port",
                                        json_object_get(j, "port"), "queues",
                                        json_object_get(j, "queues")));
        json_decref(j);
        break;
    case RYU_ROLE:
        j = ofp_json_msg(msg);
        json_array_append_new(
            op->result,
            json_pack("{s:O?, s:O?}", "role", json_object_get(j, "role"),
                      "generation_id", json_object_get(j, "generation_id")));
        json_decref(j);
        break;
    case RYU_WRITE:
    default:
        break;
    }
}

static void
ryu_xact_cb(enum sl_xact_status status, const struct ofp_msg *reply, bool more,
            void *op_)
{
    struct ryu_op *op = op_;

    if (status == SL_XACT_REPLY) {
        if (op->req) {
            ryu_merge(op, reply);
        }
        if (more) {
            return;
        }
    }
    op->xact = NULL;
    if (op->req) {
        if (status != SL_XACT_REPLY) {
            ryu_reply_xact_failure(op->req, op->dpid, status, reply);
        } else if (op->shape == RYU_WRITE) {
            ryu_reply_done(op->req);
        } else {
            char key[24];
            snprintf(key, sizeof key, "%" PRIu64, op->dpid);
            json_t *body = op->result ? op->result : json_object();
            op->result = NULL;
            json_t *j = json_object();
            json_object_set_new(j, key, body);
            rest_reply_json(op->req, 200, j);
        }
        op->req = NULL;
    }
    if (op->resync && op->ryu && status != SL_XACT_GONE) {
        /* A FLOW_MOD went around the flow programmer: what it removed
         * that somebody still desires comes back. */
        sl_flowprog_resync(op->ryu->ctl->flowprog, op->dpid);
    }
    ryu_op_maybe_free(op);
}

bool
ryu_op_start_xact(struct ryu_op *op, const struct ofp_msg *msg)
{
    int error = 0;

    op->xact = sl_xact_start(op->ryu->ctl->xacts, op->dpid, msg, ryu_timeout(),
                             ryu_xact_cb, op, &error);
    if (!op->xact) {
        ryu_reply_send_error(op->req, op->dpid, error);
        op->req = NULL;
        ryu_op_maybe_free(op);
        return false;
    }
    return true;
}

/* Starts read 'msg' of 'dpid' for 'req' with 'shape'; 'priority' and
 * 'only' filter as in struct ryu_op. */
static void
ryu_read_start(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid,
               const struct ofp_msg *msg, enum ryu_shape shape,
               int32_t priority, uint32_t only)
{
    struct ryu_op *op = ryu_op_create(ryu, req, dpid);

    op->shape = shape;
    op->priority = priority;
    op->only = only;
    if (msg->type == OFPT_MULTIPART_REQUEST) {
        op->mp_type = msg->mp_request.type;
    }
    if (shape != RYU_OBJECT) {
        op->result = json_array();
    }
    ryu_op_start_xact(op, msg);
}

/* GET /stats/switches: the READY dpids, sorted, as integers. */
static void
ryu_switches(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    size_t cap = 64, n;
    uint64_t *dpids = sl_xmalloc(cap * sizeof *dpids);

    (void) arg;
    while ((n = sl_datapaths_list(&ryu->ctl->dps, dpids, cap)) > cap) {
        cap = n;
        dpids = sl_xrealloc(dpids, cap * sizeof *dpids);
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, ofp_json_u64(dpids[i]));
    }
    free(dpids);
    rest_reply_json(req, 200, list);
}

/* The multipart reads but flow and aggregate: 'arg' is the OFPMP_*. */
static void
ryu_read_mp(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    enum ryu_shape shape = RYU_LIST;
    uint32_t only = OFPP_ANY;
    struct ofp_msg msg;
    uint64_t dpid;

    if (!ryu_path_dpid(req, &dpid)) {
        return;
    }
    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 0);
    struct ofp_multipart_request *mp = &msg.mp_request;
    mp->type = (uint16_t) arg;
    switch (arg) {
    case OFPMP_DESC:
        shape = RYU_OBJECT;
        break;
    case OFPMP_GROUP_FEATURES:
    case OFPMP_METER_FEATURES:
        shape = RYU_OBJECT_LIST;
        break;
    case OFPMP_PORT_STATS:
        if (!ryu_path_port(req, &mp->port_no)) {
            return;
        }
        break;
    case OFPMP_QUEUE:
        if (!ryu_path_port(req, &mp->queue.port_no) ||
            !ryu_path_id(req, "queue_id", RYU_ID_QUEUE, OFPQ_ALL,
                         &mp->queue.queue_id)) {
            return;
        }
        break;
    case OFPMP_PORT_DESC:
        if (!ryu_path_port(req, &only)) {
            return;
        }
        break;
    case OFPMP_GROUP:
        if (!ryu_path_id(req, "group_id", RYU_ID_GROUP, OFPG_ALL,
                         &mp->group_id)) {
            return;
        }
        break;
    case OFPMP_GROUP_DESC:
        if (!ryu_path_id(req, "group_id", RYU_ID_GROUP, OFPG_ALL, &only)) {
            return;
        }
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        if (!ryu_path_id(req, "meter_id", RYU_ID_METER, OFPM_ALL,
                         &mp->meter_id)) {
            return;
        }
        break;
    default: /* TABLE, TABLE_FEATURES: no parameters */
        break;
    }
    ryu_read_start(ryu, req, dpid, &msg, shape, -1, only);
}

/* GET|POST /stats/flow/{dpid} and /stats/aggregateflow/{dpid} ('arg':
 * aggregate): the filter is the body, if any. */
static void
ryu_read_flow(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    struct ofp_arena arena;
    struct ofp_msg msg;
    json_t *body = NULL;
    int32_t priority;
    uint64_t dpid;
    size_t len;
    char err[256];

    if (!ryu_path_dpid(req, &dpid)) {
        return;
    }
    rest_req_body(req, &len);
    if (len && !(body = rest_req_json(req, false))) {
        return;
    }
    ofp_arena_init(&arena);
    if (ofp_json_parse_flow_stats_request(body, arg != 0, &msg, &priority,
                                          &arena, err, sizeof err)) {
        ryu_reply_bad_body(req, err);
    } else {
        struct ofp_flow_stats_request *fs = &msg.mp_request.flow;
        ryu_cookie_filter(&fs->cookie, &fs->cookie_mask);
        ryu_read_start(ryu, req, dpid, &msg, arg ? RYU_OBJECT_LIST : RYU_LIST,
                       priority, OFPP_ANY);
    }
    ofp_arena_uninit(&arena);
    json_decref(body);
}

/* GET /stats/queueconfig/{dpid}[/{port}]. */
static void
ryu_read_queue_config(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    struct ofp_msg msg;
    uint64_t dpid;

    (void) arg;
    ofp_msg_init(&msg, OFPT_QUEUE_GET_CONFIG_REQUEST, 0);
    if (ryu_path_dpid(req, &dpid) &&
        ryu_path_port(req, &msg.queue_get_config_request.port)) {
        ryu_read_start(ryu, req, dpid, &msg, RYU_QUEUE_CONFIG, -1, OFPP_ANY);
    }
}

/* GET /stats/role/{dpid}: a ROLE_REQUEST that changes nothing. */
static void
ryu_read_role(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    struct ofp_msg msg;
    uint64_t dpid;

    (void) arg;
    ofp_msg_init(&msg, OFPT_ROLE_REQUEST, 0);
    msg.role.role = OFPCR_ROLE_NOCHANGE;
    if (ryu_path_dpid(req, &dpid)) {
        ryu_read_start(ryu, req, dpid, &msg, RYU_ROLE, -1, OFPP_ANY);
    }
}

/* ---- routes ---- */

struct ryu_route {
    unsigned methods;
    const char *pattern;
    void (*handler)(struct rest_ryu *, struct rest_req *, unsigned arg);
    unsigned arg;
};

static const struct ryu_route ryu_routes[] = {
    {REST_GET, "/stats/switches", ryu_switches, 0},
    {REST_GET, "/stats/desc/{dpid}", ryu_read_mp, OFPMP_DESC},
    {REST_GET | REST_POST, "/stats/flow/{dpid}", ryu_read_flow, 0},
    {REST_GET | REST_POST, "/stats/aggregateflow/{dpid}", ryu_read_flow, 1},
    {REST_GET, "/stats/table/{dpid}", ryu_read_mp, OFPMP_TABLE},
    {REST_GET, "/stats/tablefeatures/{dpid}", ryu_read_mp,
     OFPMP_TABLE_FEATURES},
    {REST_GET, "/stats/port/{dpid}", ryu_read_mp, OFPMP_PORT_STATS},
    {REST_GET, "/stats/port/{dpid}/{port}", ryu_read_mp, OFPMP_PORT_STATS},
    {REST_GET, "/stats/portdesc/{dpid}", ryu_read_mp, OFPMP_PORT_DESC},
    {REST_GET, "/stats/portdesc/{dpid}/{port}", ryu_read_mp, OFPMP_PORT_DESC},
    {REST_GET, "/stats/queue/{dpid}", ryu_read_mp, OFPMP_QUEUE},
    {REST_GET, "/stats/queue/{dpid}/{port}", ryu_read_mp, OFPMP_QUEUE},
    {REST_GET, "/stats/queue/{dpid}/{port}/{queue_id}", ryu_read_mp,
     OFPMP_QUEUE},
    {REST_GET, "/stats/queueconfig/{dpid}", ryu_read_queue_config, 0},
    {REST_GET, "/stats/queueconfig/{dpid}/{port}", ryu_read_queue_config, 0},
    {REST_GET, "/stats/group/{dpid}", ryu_read_mp, OFPMP_GROUP},
    {REST_GET, "/stats/group/{dpid}/{group_id}", ryu_read_mp, OFPMP_GROUP},
    {REST_GET, "/stats/groupdesc/{dpid}", ryu_read_mp, OFPMP_GROUP_DESC},
    {REST_GET, "/stats/groupdesc/{dpid}/{group_id}", ryu_read_mp,
     OFPMP_GROUP_DESC},
    {REST_GET, "/stats/groupfeatures/{dpid}", ryu_read_mp,
     OFPMP_GROUP_FEATURES},
    {REST_GET, "/stats/meter/{dpid}", ryu_read_mp, OFPMP_METER},
    {REST_GET, "/stats/meter/{dpid}/{meter_id}", ryu_read_mp, OFPMP_METER},
    {REST_GET, "/stats/meterconfig/{dpid}", ryu_read_mp, OFPMP_METER_CONFIG},
    {REST_GET, "/stats/meterconfig/{dpid}/{meter_id}", ryu_read_mp,
     OFPMP_METER_CONFIG},
    {REST_GET, "/stats/meterfeatures/{dpid}", ryu_read_mp,
     OFPMP_METER_FEATURES},
    {REST_GET, "/stats/role/{dpid}", ryu_read_role, 0},
    {REST_POST, "/stats/flowentry/add", ryu_flowentry, OFPFC_ADD},
    {REST_POST, "/stats/flowentry/modify", ryu_flowentry, OFPFC_MODIFY},
    {REST_POST, "/stats/flowentry/modify_strict", ryu_flowentry,
     OFPFC_MODIFY_STRICT},
    {REST_POST, "/stats/flowentry/delete", ryu_flowentry, OFPFC_DELETE},
    {REST_POST, "/stats/flowentry/delete_strict", ryu_flowentry,
     OFPFC_DELETE_STRICT},
    {REST_DELETE, "/stats/flowentry/clear/{dpid}", ryu_flow_clear, 0},
    {REST_POST, "/stats/groupentry/add", ryu_groupentry, OFPGC_ADD},
    {REST_POST, "/stats/groupentry/modify", ryu_groupentry, OFPGC_MODIFY},
    {REST_POST, "/stats/groupentry/delete", ryu_groupentry, OFPGC_DELETE},
    {REST_POST, "/stats/meterentry/add", ryu_meterentry, OFPMC_ADD},
    {REST_POST, "/stats/meterentry/modify", ryu_meterentry, OFPMC_MODIFY},
    {REST_POST, "/stats/meterentry/delete", ryu_meterentry, OFPMC_DELETE},
    {REST_POST, "/stats/portdesc/modify", ryu_portdesc_modify, 0},
    {REST_POST, "/stats/role", ryu_role_set, 0},
    {REST_POST, "/stats/experimenter/{dpid}", ryu_experimenter, 0},
};

#define RYU_N_ROUTES (sizeof ryu_routes / sizeof ryu_routes[0])

static void
ryu_dispatch(struct rest_req *req, void *bind_)
{
    const struct ryu_bind *b = bind_;
    b->route->handler(b->ryu, req, b->route->arg);
}

struct rest_ryu *
rest_ryu_create(struct rest_server *server, struct sl_controller *ctl,
                int *error)
{
    struct rest_ryu *ryu = calloc(1, sizeof *ryu);

    if (ryu == NULL) {
        *error = ENOMEM;
        return NULL;
    }
    ryu->server = server;
    ryu->ctl = ctl;
    sl_list_init(&ryu->ops);
    ryu->binds = calloc(RYU_N_ROUTES, sizeof *ryu->binds);
    if (ryu->binds == NULL) {
        free(ryu);
        *error = ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < RYU_N_ROUTES; i++) {
        const struct ryu_route *r = &ryu_routes[i];
        ryu->binds[i].ryu = ryu;
        ryu->binds[i].route = r;
        int e = rest_route_add(server, r->methods, r->pattern, ryu_dispatch,
                               &ryu->binds[i], NULL);
        if (e) {
            SL_ERR("cannot register %s: %s", r->pattern, strerror(e));
            /* The routes added so far point at 'binds', but the caller
             * destroys the server before it dispatches anything. */
            free(ryu->binds);
            free(ryu);
            *error = e;
            return NULL;
        }
    }
    return ryu;
}

void
rest_ryu_destroy(struct rest_ryu *ryu)
{
    struct ryu_op *op, *next;

    if (ryu == NULL) {
        return;
    }
    SL_LIST_FOR_EACH_SAFE(op, next, node, &ryu->ops)
    {
        /* Requests were cancelled with the server; what remains are
         * writes whose switch answer or completion is still owed. */
        sl_list_remove(&op->node);
        op->ryu = NULL;
        op->req = NULL;
        if (op->xact) {
            sl_xact_cancel(op->xact);
            op->xact = NULL;
        }
        if (op->timer) {
            event_free(op->timer);
            op->timer = NULL;
        }
        ryu_op_maybe_free(op);
    }
    free(ryu->binds);
    free(ryu);
}
