/* xact: requests to a switch that wait for its answer.
 *
 * The REST API reads a switch's state with fresh requests (flow, port,
 * table ... statistics, DESC, GET_CONFIG, ROLE) and must hand each HTTP
 * client the switch's answer, or a clear failure, in bounded time.  An
 * xact sends one request under a fresh xid and routes what comes back
 * under that xid to its callback: every part of a multipart reply (until
 * one without OFPMPF_REPLY_MORE), a single reply (FEATURES, GET_CONFIG,
 * ROLE, BARRIER, GET_ASYNC, QUEUE_GET_CONFIG replies) or an OFPT_ERROR.
 *
 * Every xact ends exactly once: with its last reply, an error from the
 * switch, its deadline, the switch going away, or sl_xact_cancel().  No
 * callback runs after it ended, and none runs from inside
 * sl_xact_start().
 *
 * Cost on the hot path: sl_xacts_handle() returns at once for message
 * types no xact waits for, and looks up the xid only while any xact is
 * open. */
#ifndef CONTROLLER_XACT_H
#define CONTROLLER_XACT_H 1

#include <stdbool.h>
#include <stdint.h>
#include <event2/event.h>
#include "ofproto/ofp-msgs.h"

struct sl_datapaths;
struct sl_xacts;
struct sl_xact;

/* How an xact ended, or SL_XACT_REPLY for a reply part. */
enum sl_xact_status {
    SL_XACT_REPLY,     /* 'reply' is a reply (more may follow if 'more') */
    SL_XACT_ERROR,     /* 'reply' is the switch's OFPT_ERROR; the end */
    SL_XACT_TIMEOUT,   /* no (complete) answer before the deadline */
    SL_XACT_GONE,      /* the switch disconnected (or never was there) */
    SL_XACT_CANCELLED, /* sl_xact_cancel() or shutdown; no callback */
};

/* Receives the replies of an xact.  For SL_XACT_REPLY, 'reply' is valid
 * during the call only and 'more' says whether further parts follow; the
 * xact ends after the call with 'more' false.  For SL_XACT_ERROR 'reply'
 * is the error message; for SL_XACT_TIMEOUT and SL_XACT_GONE it is NULL.
 * The callback may start new xacts, but must not cancel the one it is
 * called for. */
typedef void sl_xact_cb(enum sl_xact_status status,
                        const struct ofp_msg *reply, bool more, void *aux);

/* Creates the xact table of 'dps' (whose switches it sends to). */
struct sl_xacts *sl_xacts_create(struct event_base *base,
                                 struct sl_datapaths *dps);
/* Ends every open xact (no callbacks) and frees the table.  NULL is
 * ignored. */
void sl_xacts_destroy(struct sl_xacts *);

/* Sends 'req' (its xid is replaced) to switch 'dpid' and waits up to
 * 'timeout' seconds for the answer.  Returns the xact, or NULL with
 * '*error' set: ENOENT if no such switch is connected and ready, EINVAL if
 * 'req' is not a request that gets an answer, or the error of sending.
 * 'cb' is never called from inside this function. */
struct sl_xact *sl_xact_start(struct sl_xacts *, uint64_t dpid,
                              const struct ofp_msg *req, double timeout,
                              sl_xact_cb *cb, void *aux, int *error);
/* Ends 'x' without calling its callback (late replies are dropped).  NULL
 * is ignored. */
void sl_xact_cancel(struct sl_xact *x);

/* Offers 'msg' from switch 'dpid' to the open xacts.  Returns true if it
 * belonged to one (the caller then drops it). */
bool sl_xacts_handle(struct sl_xacts *, uint64_t dpid,
                     const struct ofp_msg *msg);
/* Switch 'dpid' went down: its xacts end with SL_XACT_GONE. */
void sl_xacts_switch_down(struct sl_xacts *, uint64_t dpid);

/* Open xacts (for tests and /metrics). */
size_t sl_xacts_count(const struct sl_xacts *);

#endif /* CONTROLLER_XACT_H */
