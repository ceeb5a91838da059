/* rest/ryu-write: the writes of Ryu's ofctl_rest (POST /stats/flowentry,
 * groupentry, meterentry, portdesc/modify, role, experimenter; DELETE
 * /stats/flowentry/clear).  See ryu.h and ryu-private.h.
 *
 * Bodies are read by ofp-json's parsers (Ryu's mod_*_entry() vocabulary).
 * Every write is answered once the switch has answered for it: a barrier
 * (controller/xact.h adds one after a message that has no reply), the
 * reply of a request (ROLE_REQUEST), or the flow programmer's completion.
 *
 * Flows and their owners.  A flow added here is a desired flow of the
 * owner "rest" in the flow programmer (sl_flowprog_add_seq(), the client's
 * cookie as the sequence of a Sluice cookie): it survives reconnects and
 * controller restarts.  The strict commands on a flow's identity (table,
 * priority, match) go through the programmer when the REST owner desires
 * it (modify_strict re-adds it with the new instructions, delete_strict
 * removes it), are refused with 409 when another owner (an app, the
 * table-miss flows) desires it -- the programmer would restore it -- and
 * go to the switch as they are for a flow nobody desires.
 *
 * The non-strict modify and delete, and clear, may hit any number of
 * flows of any owner: the programmer first forgets the REST owner's flows
 * that the FLOW_MOD hits, the FLOW_MOD goes to the switch as it is, and
 * after the switch's barrier the programmer reconciles the switch
 * (sl_flowprog_resync()): the flows other owners still desire come back;
 * REST flows a modify changed are adopted again as the switch now has
 * them.
 *
 * Cookies.  A client's cookie/cookie_mask filter names REST flows by the
 * client's cookie (ryu_cookie_filter()); a cookie must be below 2^40 to be
 * added, the top 24 bits of a Sluice cookie naming its owner. */
#include <config.h>
#include "rest/ryu-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "controller/util.h"
#include "ofproto/ofp-json.h"

#define RYU_SEQ_MAX ((UINT64_C(1) << SL_COOKIE_OWNER_SHIFT) - 1)

/* ---- flow programmer changes ---- */

/* The flow programmer completed the change of 'op'. */
static void
ryu_flow_done(void *op_, uint64_t dpid, enum ofperr error)
{
    struct ryu_op *op = op_;

    (void) dpid;
    op->flow_pending = false;
    if (op->req) {
        if (!error) {
            ryu_reply_done(op->req);
        } else if (error == SL_FLOW_ABORTED) {
            rest_reply_error(op->req, 503, "change aborted",
                             "%016" PRIx64 " went away, or the flow was "
                             "changed again, before the switch answered",
                             op->dpid);
        } else {
            ryu_reply_refused(op->req, ofperr_type(error), ofperr_code(error));
        }
        op->req = NULL;
    }
    ryu_op_maybe_free(op);
}

static void
ryu_flow_timeout(evutil_socket_t fd, short what, void *op_)
{
    struct ryu_op *op = op_;

    (void) fd;
    (void) what;
    if (op->req) {
        rest_reply_error(op->req, 504, "switch timeout",
                         "%016" PRIx64 " did not answer in %g s", op->dpid,
                         ryu_timeout());
        op->req = NULL;
    }
}

/* Ends the start of a change of the flow programmer for 'req': 'error' is
 * what sl_flowprog_add_seq() or sl_flowprog_del() returned for 'op'. */
static void
ryu_flow_started(struct ryu_op *op, int error)
{
    if (error) {
        if (error == ESHUTDOWN) {
            rest_reply_error(op->req, 503, "shutting down", NULL);
        } else {
            rest_reply_error(op->req, 400, "bad flow",
                             "the flow programmer refused it (%s)",
                             strerror(error));
        }
        op->req = NULL;
        ryu_op_maybe_free(op);
        return;
    }
    op->flow_pending = true;
    op->timer = event_new(op->ryu->ctl->base, -1, 0, ryu_flow_timeout, op);
    if (!op->timer) {
        sl_out_of_memory();
    }
    double t = ryu_timeout();
    struct timeval tv = {(time_t) t,
                         (suseconds_t) ((t - (double) (time_t) t) * 1e6)};
    event_add(op->timer, &tv);
}

/* The desired flow a FLOW_MOD describes. */
static struct sl_flow_spec
ryu_flow_spec(const struct ofp_flow_mod *fm)
{
    struct sl_flow_spec spec;

    memset(&spec, 0, sizeof spec);
    spec.table_id = fm->table_id;
    spec.priority = fm->priority;
    spec.match = fm->match;
    spec.instructions = fm->instructions;
    spec.idle_timeout = fm->idle_timeout;
    spec.hard_timeout = fm->hard_timeout;
    spec.flags = fm->flags;
    return spec;
}

/* Checks what a switch would check before the programmer takes 'fm' (the
 * programmer only says EINVAL).  Returns true, or false after replying
 * 400. */
static bool
ryu_flow_checks(struct rest_req *req, const struct ofp_flow_mod *fm)
{
    enum ofperr e;

    if (fm->table_id > OFPTT_MAX) {
        rest_reply_error(req, 400, "bad flow",
                         "table_id: %u is not a flow table",
                         (unsigned) fm->table_id);
        return false;
    }
    e = ofp_match_check(&fm->match);
    if (!e) {
        e = ofp_instructions_check(&fm->instructions);
    }
    if (e) {
        rest_reply_error(req, 400, "bad flow",
                         "%s: OpenFlow does not allow this match or these "
                         "actions",
                         ofperr_name(e));
        return false;
    }
    return true;
}

/* Answers 409: the flow is desired by 'owner', not by the REST API, so a
 * change through the API would be undone (or would take the flow from
 * its owner: the pipeline's table-miss flows, an app's). */
static void
ryu_reply_owned(struct rest_ryu *ryu, struct rest_req *req, uint16_t owner)
{
    const char *name = sl_apps_owner_name(ryu->ctl->apps, owner);
    char app[64];

    if (owner == SL_OWNER_CORE) {
        snprintf(app, sizeof app, "the controller ('%s')",
                 name ? name : "sluice");
    } else if (name) {
        snprintf(app, sizeof app, "app '%s'", name);
    } else {
        snprintf(app, sizeof app, "owner 0x%04x", (unsigned) owner);
    }
    rest_reply_error(req, 409, "flow owned by another owner",
                     "%s owns the flow of this table, priority and match; "
                     "use another priority", app);
}

/* POST /stats/flowentry/add: a desired flow of the REST owner; a flow of
 * another owner is not taken over (409). */
static void
ryu_flow_add(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid,
             const struct ofp_flow_mod *fm)
{
    uint16_t owner;
    uint64_t cookie;

    if (fm->cookie > RYU_SEQ_MAX) {
        rest_reply_error(req, 400, "bad request body",
                         "cookie: 0x%" PRIx64 " is above 2^40 - 1: Sluice "
                         "keeps the owner of a flow in the top 24 bits of "
                         "its cookie",
                         fm->cookie);
        return;
    }
    if (!ryu_flow_checks(req, fm)) {
        return;
    }
    if (sl_flowprog_get(ryu->ctl->flowprog, dpid, fm->table_id,
                        fm->priority, &fm->match, &owner, &cookie)
        && owner != sl_apps_owner_rest()) {
        ryu_reply_owned(ryu, req, owner);
        return;
    }
    struct sl_flow_spec spec = ryu_flow_spec(fm);
    struct ryu_op *op = ryu_op_create(ryu, req, dpid);
    int e = sl_flowprog_add_seq(ryu->ctl->flowprog, dpid, sl_apps_owner_rest(),
                                &spec, fm->cookie, ryu_flow_done, op);
    ryu_flow_started(op, e);
}

/* Sends FLOW_MOD 'msg' to the switch as it is; with 'resync', the flow
 * programmer reconciles the switch after it. */
static void
ryu_send_write(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid,
               const struct ofp_msg *msg, bool resync)
{
    struct ryu_op *op = ryu_op_create(ryu, req, dpid);

    op->shape = RYU_WRITE;
    op->resync = resync;
    ryu_op_start_xact(op, msg);
}

/* POST /stats/flowentry/modify_strict and delete_strict. */
static void
ryu_flow_strict(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid,
                const struct ofp_msg *msg)
{
    const struct ofp_flow_mod *fm = &msg->flow_mod;
    struct sl_flowprog *fp = ryu->ctl->flowprog;
    uint16_t rest = sl_apps_owner_rest();
    uint16_t owner;
    uint64_t cookie;

    if (!sl_flowprog_get(fp, dpid, fm->table_id, fm->priority, &fm->match,
                         &owner, &cookie)) {
        /* Nobody desires it: the switch decides. */
        ryu_send_write(ryu, req, dpid, msg, false);
        return;
    }
    if (owner != rest) {
        ryu_reply_owned(ryu, req, owner);
        return;
    }

    /* The cookie filter, as the switch would apply it. */
    uint64_t c = fm->cookie, m = fm->cookie_mask;
    ryu_cookie_filter(&c, &m);
    if ((cookie ^ c) & m) {
        ryu_reply_done(req); /* no flow matches: nothing to do */
        return;
    }

    struct ryu_op *op;
    int e;
    if (fm->command == OFPFC_MODIFY_STRICT) {
        if (!ryu_flow_checks(req, fm)) {
            return;
        }
        /* Re-added with the new instructions and the same cookie; the
         * timeouts and flags are the request's. */
        struct sl_flow_spec spec = ryu_flow_spec(fm);
        op = ryu_op_create(ryu, req, dpid);
        e = sl_flowprog_add_seq(fp, dpid, rest, &spec, cookie & RYU_SEQ_MAX,
                                ryu_flow_done, op);
    } else {
        op = ryu_op_create(ryu, req, dpid);
        e = sl_flowprog_del(fp, dpid, rest, fm->table_id, fm->priority,
                            &fm->match, ryu_flow_done, op);
    }
    ryu_flow_started(op, e);
}

/* POST /stats/flowentry/modify and delete (non-strict), and clear: around
 * the flow programmer (see the top of the file). */
static void
ryu_flow_nonstrict(struct rest_ryu *ryu, struct rest_req *req, uint64_t dpid,
                   struct ofp_msg *msg)
{
    struct ofp_flow_mod *fm = &msg->flow_mod;
    bool del = fm->command == OFPFC_DELETE;

    ryu_cookie_filter(&fm->cookie, &fm->cookie_mask);
    /* out_port and out_group filter deletes only. */
    sl_flowprog_forget_matching(
        ryu->ctl->flowprog, dpid, sl_apps_owner_rest(), fm->table_id,
        &fm->match, del ? fm->out_port : OFPP_ANY,
        del ? fm->out_group : OFPG_ANY, fm->cookie, fm->cookie_mask);
    ryu_send_write(ryu, req, dpid, msg, true);
}

void
ryu_flowentry(struct rest_ryu *ryu, struct rest_req *req, unsigned cmd)
{
    json_t *body = rest_req_json(req, false);
    struct ofp_arena arena;
    struct ofp_msg msg;
    uint64_t dpid;
    char err[256];

    if (!body) {
        return;
    }
    ofp_arena_init(&arena);
    if (!ryu_body_dpid(req, body, &dpid) ||
        !ryu_switch_ready(ryu, req, dpid)) {
        goto out;
    }
    if (ofp_json_parse_flow_mod(body, (uint8_t) cmd, &msg, &arena, err,
                                sizeof err)) {
        ryu_reply_bad_body(req, err);
        goto out;
    }
    switch (cmd) {
    case OFPFC_ADD:
        ryu_flow_add(ryu, req, dpid, &msg.flow_mod);
        break;
    case OFPFC_MODIFY_STRICT:
    case OFPFC_DELETE_STRICT:
        ryu_flow_strict(ryu, req, dpid, &msg);
        break;
    default:
        ryu_flow_nonstrict(ryu, req, dpid, &msg);
        break;
    }
out:
    ofp_arena_uninit(&arena);
    json_decref(body);
}

void
ryu_flow_clear(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    struct ofp_msg msg;
    uint64_t dpid;
    size_t len;
    const uint8_t *body = rest_req_body(req, &len);

    (void) arg;
    /* A body would look like a filter (Ryu ignored it): everything would
     * go where the client meant a part. */
    for (size_t i = 0; i < len; i++) {
        if (!strchr(" \t\r\n", body[i]) || !body[i]) {
            rest_reply_error(req, 400, "unexpected body",
                             "DELETE %s takes no body: it deletes every "
                             "flow of the switch (to delete some, POST a "
                             "filter to /stats/flowentry/delete)",
                             rest_req_path(req));
            return;
        }
    }
    if (!ryu_path_dpid(req, &dpid) || !ryu_switch_ready(ryu, req, dpid)) {
        return;
    }
    /* Ryu's delete_flow_entry(): a DELETE of every table, no match. */
    ofp_msg_init(&msg, OFPT_FLOW_MOD, 0);
    msg.flow_mod.command = OFPFC_DELETE;
    msg.flow_mod.table_id = OFPTT_ALL;
    msg.flow_mod.buffer_id = OFP_NO_BUFFER;
    msg.flow_mod.out_port = OFPP_ANY;
    msg.flow_mod.out_group = OFPG_ANY;
    ryu_flow_nonstrict(ryu, req, dpid, &msg);
}

/* ---- other writes ---- */

/* The common part of the writes whose body has "dpid" and is parsed by
 * 'parse' into a message sent as it is. */
static void
ryu_write(struct rest_ryu *ryu, struct rest_req *req, unsigned cmd,
          int (*parse)(const json_t *body, unsigned cmd, struct ofp_msg *msg,
                       struct ofp_arena *arena, char *err, size_t errlen))
{
    json_t *body = rest_req_json(req, false);
    struct ofp_arena arena;
    struct ofp_msg msg;
    uint64_t dpid;
    char err[256];

    if (!body) {
        return;
    }
    ofp_arena_init(&arena);
    if (ryu_body_dpid(req, body, &dpid) && ryu_switch_ready(ryu, req, dpid)) {
        if (parse(body, cmd, &msg, &arena, err, sizeof err)) {
            ryu_reply_bad_body(req, err);
        } else {
            ryu_send_write(ryu, req, dpid, &msg, false);
        }
    }
    ofp_arena_uninit(&arena);
    json_decref(body);
}

static int
ryu_parse_group(const json_t *body, unsigned cmd, struct ofp_msg *msg,
                struct ofp_arena *arena, char *err, size_t errlen)
{
    return ofp_json_parse_group_mod(body, (uint16_t) cmd, msg, arena, err,
                                    errlen);
}

static int
ryu_parse_meter(const json_t *body, unsigned cmd, struct ofp_msg *msg,
                struct ofp_arena *arena, char *err, size_t errlen)
{
    return ofp_json_parse_meter_mod(body, (uint16_t) cmd, msg, arena, err,
                                    errlen);
}

void
ryu_groupentry(struct rest_ryu *ryu, struct rest_req *req, unsigned cmd)
{
    ryu_write(ryu, req, cmd, ryu_parse_group);
}

void
ryu_meterentry(struct rest_ryu *ryu, struct rest_req *req, unsigned cmd)
{
    ryu_write(ryu, req, cmd, ryu_parse_meter);
}

/* POST /stats/portdesc/modify: as Ryu's mod_port_behavior(), "hw_addr"
 * and "advertise" default to the port's, and an unknown port is 404. */
void
ryu_portdesc_modify(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    json_t *body = rest_req_json(req, false);
    json_t *full = NULL;
    struct ofp_msg msg;
    uint64_t dpid;
    uint32_t port_no = 0;
    char err[256];

    (void) arg;
    if (!body) {
        return;
    }
    if (!ryu_body_dpid(req, body, &dpid) ||
        !ryu_switch_ready(ryu, req, dpid)) {
        goto out;
    }
    const json_t *v = json_object_get(body, "port_no");
    if (v && ryu_json_port(v, &port_no, err, sizeof err)) {
        ryu_reply_bad_body(req, err);
        goto out;
    }
    const struct ofp_port *port =
        sl_datapath_port(sl_datapaths_find(&ryu->ctl->dps, dpid), port_no);
    if (!port) {
        rest_reply_error(req, 404, "no such port",
                         "%016" PRIx64 " has no port %" PRIu32, dpid, port_no);
        goto out;
    }
    full = json_copy(body);
    if (!full) {
        sl_out_of_memory();
    }
    if (!json_object_get(full, "hw_addr")) {
        const uint8_t *a = port->hw_addr;
        char mac[18];
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1],
                 a[2], a[3], a[4], a[5]);
        json_object_set_new(full, "hw_addr", json_string(mac));
    }
    if (!json_object_get(full, "advertise")) {
        json_object_set_new(full, "advertise",
                            json_integer((json_int_t) port->advertised));
    }
    if (ofp_json_parse_port_mod(full, &msg, err, sizeof err)) {
        ryu_reply_bad_body(req, err);
        goto out;
    }
    ryu_send_write(ryu, req, dpid, &msg, false);
out:
    json_decref(full);
    json_decref(body);
}

/* Reads Ryu's role: a name (MASTER, SLAVE, EQUAL, NOCHANGE, with or
 * without OFPCR_ROLE_, any case) or a number. */
static int
ryu_parse_role(const json_t *v, uint32_t *role, char *err, size_t errlen)
{
    static const char *const names[] = {"NOCHANGE", "EQUAL", "MASTER",
                                        "SLAVE"};
    const char *s = json_string_value(v);
    uint64_t x;

    if (s) {
        if (!strncasecmp(s, "OFPCR_ROLE_", 11)) {
            s += 11;
        }
        for (uint32_t i = 0; i < 4; i++) {
            if (!strcasecmp(s, names[i])) {
                *role = i;
                return 0;
            }
        }
    }
    if (ryu_json_uint(v, "role", OFPCR_ROLE_SLAVE, &x, err, errlen)) {
        snprintf(err, errlen, "role: not MASTER, SLAVE, EQUAL or NOCHANGE");
        return EINVAL;
    }
    *role = (uint32_t) x;
    return 0;
}

/* POST /stats/role: a ROLE_REQUEST, answered after the ROLE_REPLY. */
void
ryu_role_set(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    json_t *body = rest_req_json(req, false);
    struct ofp_msg msg;
    uint64_t dpid, gen = 0;
    char err[256];

    (void) arg;
    if (!body) {
        return;
    }
    ofp_msg_init(&msg, OFPT_ROLE_REQUEST, 0);
    msg.role.role = OFPCR_ROLE_EQUAL;
    const json_t *role = json_object_get(body, "role");
    const json_t *g = json_object_get(body, "generation_id");
    if (!ryu_body_dpid(req, body, &dpid) ||
        !ryu_switch_ready(ryu, req, dpid)) {
        goto out;
    }
    if ((role && ryu_parse_role(role, &msg.role.role, err, sizeof err)) ||
        (g && ryu_json_uint(g, "generation_id", UINT64_MAX, &gen, err,
                            sizeof err))) {
        ryu_reply_bad_body(req, err);
        goto out;
    }
    msg.role.generation_id = gen;
    ryu_send_write(ryu, req, dpid, &msg, false);
out:
    json_decref(body);
}

/* POST /stats/experimenter/{dpid}: Ryu's send_experimenter() body
 * ("experimenter", "exp_type", "data", "data_type"). */
void
ryu_experimenter(struct rest_ryu *ryu, struct rest_req *req, unsigned arg)
{
    json_t *body = NULL, *act = NULL;
    struct ofp_arena arena;
    struct ofp_action a;
    struct ofp_msg msg;
    uint64_t dpid, exp_type = 0;
    char err[256];

    (void) arg;
    ofp_arena_init(&arena);
    if (!ryu_path_dpid(req, &dpid) || !(body = rest_req_json(req, true)) ||
        !ryu_switch_ready(ryu, req, dpid)) {
        goto out;
    }
    if (!json_is_object(body)) {
        ryu_reply_bad_body(req, "body: not an object");
        goto out;
    }
    /* The experimenter action has the same fields: its parser reads
     * them. */
    act = json_copy(body);
    if (!act) {
        sl_out_of_memory();
    }
    json_object_set_new(act, "type", json_string("EXPERIMENTER"));
    if (!json_object_get(act, "experimenter")) {
        json_object_set_new(act, "experimenter", json_integer(0));
    }
    const json_t *et = json_object_get(body, "exp_type");
    if (ofp_json_parse_action(act, &a, &arena, err, sizeof err)) {
        const char *p = !strncmp(err, "action.", 7) ? err + 7 : err;
        ryu_reply_bad_body(req, p);
        goto out;
    }
    if (et && ryu_json_uint(et, "exp_type", UINT32_MAX, &exp_type, err,
                            sizeof err)) {
        ryu_reply_bad_body(req, err);
        goto out;
    }
    ofp_msg_init(&msg, OFPT_EXPERIMENTER, 0);
    msg.experimenter.experimenter = a.experimenter.experimenter;
    msg.experimenter.exp_type = (uint32_t) exp_type;
    msg.experimenter.data = a.experimenter.data;
    msg.experimenter.len = a.experimenter.len;

    /* Followed by a barrier (xact.c): an error it causes is the answer. */
    ryu_send_write(ryu, req, dpid, &msg, false);
out:
    json_decref(act);
    json_decref(body);
    ofp_arena_uninit(&arena);
}
