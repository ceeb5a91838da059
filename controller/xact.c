/* xact: requests to a switch that wait for its answer; see xact.h.
 *
 * Open xacts sit in one hash map keyed by (dpid, xid).  A request that
 * has a reply of its own is one entry; any other message (a GROUP_MOD, a
 * PORT_MOD ...) is followed by a BARRIER_REQUEST and the xact has a second
 * entry for the barrier's xid: an OFPT_ERROR under either xid ends it with
 * SL_XACT_ERROR, the BARRIER_REPLY with success.  Each xact has its own
 * deadline event. */
#include <config.h>
#include "controller/xact.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/time.h>
#include "controller/datapath.h"
#include "controller/hmap.h"
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-multipart.h"

SL_LOG_MODULE(xact);

/* One xid an xact listens on. */
struct xact_key {
    struct sl_hmap_node node; /* in sl_xacts.by_xid */
    struct sl_xact *x;
    uint32_t xid;
    bool linked;
};

struct sl_xact {
    struct sl_xacts *xacts;
    uint64_t dpid;
    uint8_t reply_type;        /* expected reply; BARRIER_REPLY for the
                                * barrier that follows a message */
    struct xact_key req;       /* the request's xid */
    struct xact_key barrier;   /* the barrier's, when one follows */
    struct event *deadline;
    sl_xact_cb *cb;
    void *aux;
    bool in_cb;                /* its callback is running */
    bool cancelled;            /* sl_xact_cancel() during the callback */
};

struct sl_xacts {
    struct event_base *base;
    struct sl_datapaths *dps;
    struct sl_hmap by_xid;
    size_t n;
};

static uint32_t
xact_hash(uint64_t dpid, uint32_t xid)
{
    return sl_hash_u64(dpid ^ ((uint64_t) xid << 32 | xid));
}

struct sl_xacts *
sl_xacts_create(struct event_base *base, struct sl_datapaths *dps)
{
    struct sl_xacts *xs = sl_xcalloc(1, sizeof *xs);

    xs->base = base;
    xs->dps = dps;
    sl_hmap_init(&xs->by_xid);
    return xs;
}

/* Takes 'x' out of the table and frees it (no callback). */
static void
xact_free(struct sl_xact *x)
{
    struct sl_xacts *xs = x->xacts;

    if (x->req.linked) {
        sl_hmap_remove(&xs->by_xid, &x->req.node);
    }
    if (x->barrier.linked) {
        sl_hmap_remove(&xs->by_xid, &x->barrier.node);
    }
    xs->n--;
    event_free(x->deadline);
    free(x);
}

/* Ends 'x' with 'status' ('reply' as for the callback). */
static void
xact_end(struct sl_xact *x, enum sl_xact_status status,
         const struct ofp_msg *reply)
{
    x->in_cb = true;
    x->cb(status, reply, false, x->aux);
    xact_free(x);
}

/* Returns the open xacts (each once) of switch 'dpid', or all of them
 * with 'all'; '*n' of them in a new array. */
static struct sl_xact **
xact_collect(const struct sl_xacts *xs, uint64_t dpid, bool all, size_t *n)
{
    struct sl_xact **v = sl_xcalloc(xs->n ? xs->n : 1, sizeof *v);
    struct xact_key *k;

    *n = 0;
    SL_HMAP_FOR_EACH_SAFE (k, node, &xs->by_xid) {
        if (k == &k->x->req && (all || k->x->dpid == dpid)) {
            v[(*n)++] = k->x;
        }
    }
    return v;
}

void
sl_xacts_destroy(struct sl_xacts *xs)
{
    if (!xs) {
        return;
    }
    size_t n;
    struct sl_xact **v = xact_collect(xs, 0, true, &n);

    for (size_t i = 0; i < n; i++) {
        xact_free(v[i]);
    }
    free(v);
    sl_hmap_uninit(&xs->by_xid);
    free(xs);
}

static void
xact_deadline_cb(evutil_socket_t fd, short what, void *x_)
{
    struct sl_xact *x = x_;

    (void) fd;
    (void) what;
    SL_DBG("switch 0x%016" PRIx64 ": no answer to xid %" PRIu32 " in time",
           x->dpid, x->req.xid);
    xact_end(x, SL_XACT_TIMEOUT, NULL);
}

/* The reply type a request of 'type' gets, or 0 if it gets none (then a
 * barrier follows it). */
static uint8_t
xact_reply_type(uint8_t type)
{
    switch (type) {
    case OFPT_FEATURES_REQUEST:
        return OFPT_FEATURES_REPLY;
    case OFPT_GET_CONFIG_REQUEST:
        return OFPT_GET_CONFIG_REPLY;
    case OFPT_MULTIPART_REQUEST:
        return OFPT_MULTIPART_REPLY;
    case OFPT_BARRIER_REQUEST:
        return OFPT_BARRIER_REPLY;
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        return OFPT_QUEUE_GET_CONFIG_REPLY;
    case OFPT_ROLE_REQUEST:
        return OFPT_ROLE_REPLY;
    case OFPT_GET_ASYNC_REQUEST:
        return OFPT_GET_ASYNC_REPLY;
    default:
        return 0;
    }
}

/* Messages a controller may send that get no reply: they are confirmed
 * by a barrier. */
static bool
xact_is_command(uint8_t type)
{
    switch (type) {
    case OFPT_FLOW_MOD:
    case OFPT_GROUP_MOD:
    case OFPT_PORT_MOD:
    case OFPT_TABLE_MOD:
    case OFPT_METER_MOD:
    case OFPT_SET_CONFIG:
    case OFPT_SET_ASYNC:
    case OFPT_PACKET_OUT:
    case OFPT_EXPERIMENTER:
        return true;
    default:
        return false;
    }
}

static void
xact_link(struct sl_xacts *xs, struct xact_key *k, struct sl_xact *x,
          uint32_t xid)
{
    k->x = x;
    k->xid = xid;
    k->linked = true;
    sl_hmap_insert(&xs->by_xid, &k->node, xact_hash(x->dpid, xid));
}

struct sl_xact *
sl_xact_start(struct sl_xacts *xs, uint64_t dpid, const struct ofp_msg *req,
              double timeout, sl_xact_cb *cb, void *aux, int *error)
{
    uint8_t reply_type = xact_reply_type(req->type);
    bool command = !reply_type && xact_is_command(req->type);
    struct sl_datapath *dp;
    uint32_t xid;
    int e;

    if (!reply_type && !command) {
        *error = EINVAL;
        return NULL;
    }
    dp = sl_datapaths_find(xs->dps, dpid);
    if (!dp || sl_datapath_state(dp) != SL_DP_READY) {
        *error = ENOENT;
        return NULL;
    }
    e = sl_datapath_send(dp, req, &xid);
    if (e) {
        *error = e;
        return NULL;
    }

    struct sl_xact *x = sl_xcalloc(1, sizeof *x);
    x->xacts = xs;
    x->dpid = dpid;
    x->cb = cb;
    x->aux = aux;
    x->reply_type = reply_type ? reply_type : OFPT_BARRIER_REPLY;
    x->deadline = event_new(xs->base, -1, 0, xact_deadline_cb, x);
    if (!x->deadline) {
        free(x);
        *error = ENOMEM;
        return NULL;
    }
    xs->n++;
    xact_link(xs, &x->req, x, xid);
    if (command) {
        struct ofp_msg barrier;
        uint32_t bxid;

        ofp_msg_init(&barrier, OFPT_BARRIER_REQUEST, 0);
        e = sl_datapath_send(dp, &barrier, &bxid);
        if (e) {
            xact_free(x);
            *error = e;
            return NULL;
        }
        xact_link(xs, &x->barrier, x, bxid);
    }

    struct timeval tv = {0, 0};
    if (timeout > 0) {
        tv.tv_sec = (time_t) timeout;
        tv.tv_usec = (suseconds_t) ((timeout - (double) tv.tv_sec) * 1e6);
    }
    event_add(x->deadline, &tv);
    return x;
}

void
sl_xact_cancel(struct sl_xact *x)
{
    if (!x) {
        return;
    }
    if (x->in_cb) {
        x->cancelled = true; /* freed when the callback returns */
        return;
    }
    xact_free(x);
}

/* The xact waiting on 'xid' of 'dpid', and which key matched. */
static struct xact_key *
xact_find(const struct sl_xacts *xs, uint64_t dpid, uint32_t xid)
{
    struct xact_key *k;

    SL_HMAP_FOR_EACH_HASH (k, node, xact_hash(dpid, xid), &xs->by_xid) {
        if (k->xid == xid && k->x->dpid == dpid) {
            return k;
        }
    }
    return NULL;
}

bool
sl_xacts_handle(struct sl_xacts *xs, uint64_t dpid, const struct ofp_msg *msg)
{
    if (!xs->n) {
        return false;
    }
    switch (msg->type) {
    case OFPT_ERROR:
    case OFPT_FEATURES_REPLY:
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_MULTIPART_REPLY:
    case OFPT_BARRIER_REPLY:
    case OFPT_QUEUE_GET_CONFIG_REPLY:
    case OFPT_ROLE_REPLY:
    case OFPT_GET_ASYNC_REPLY:
        break;
    default:
        return false;
    }

    struct xact_key *k = xact_find(xs, dpid, msg->xid);
    if (!k) {
        return false;
    }
    struct sl_xact *x = k->x;
    if (msg->type == OFPT_ERROR) {
        xact_end(x, SL_XACT_ERROR, msg);
        return true;
    }
    /* Under a command's own xid only an error is expected. */
    uint8_t want =
        (x->barrier.linked && k == &x->req) ? OFPT_ERROR : x->reply_type;
    if (msg->type != want) {
        /* A reply of the wrong kind under our xid: a confused switch.
         * Leave it to the others; the deadline ends us. */
        static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 " answered xid %" PRIu32
                   " with %s, not %s",
                   dpid, msg->xid, ofp_type_name(msg->type),
                   ofp_type_name(want));
        return false;
    }

    bool more = (msg->type == OFPT_MULTIPART_REPLY &&
                 (msg->mp_reply.flags & OFPMPF_REPLY_MORE));
    if (!more) {
        xact_end(x, SL_XACT_REPLY, msg);
        return true;
    }
    x->in_cb = true;
    x->cb(SL_XACT_REPLY, msg, true, x->aux);
    x->in_cb = false;
    if (x->cancelled) {
        xact_free(x);
    }
    return true;
}

void
sl_xacts_switch_down(struct sl_xacts *xs, uint64_t dpid)
{
    size_t n;
    struct sl_xact **v = xact_collect(xs, dpid, false, &n);

    /* A callback may cancel another xact of the batch: until its turn
     * that only marks it. */
    for (size_t i = 0; i < n; i++) {
        v[i]->in_cb = true;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i]->cancelled) {
            xact_free(v[i]);
        } else {
            xact_end(v[i], SL_XACT_GONE, NULL);
        }
    }
    free(v);
}

size_t
sl_xacts_count(const struct sl_xacts *xs)
{
    return xs->n;
}
