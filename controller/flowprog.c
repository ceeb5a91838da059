/* flowprog: the flow programmer (contract in flowprog.h).
 *
 * Sits between the apps' desired flows and the sessions: the only module
 * that decides which FLOW_MODs a switch receives.  It has no sockets; it
 * reaches switches through 'struct sl_flowprog_ops' and runs on one
 * libevent loop, where a deferred event sends what changed during the last
 * loop pass and delivers completions.
 *
 * Per switch ('struct fp_switch', kept for the life of the programmer) a
 * hash map holds one 'struct fp_flow' per identity: the canonical key
 * (table_id, priority, match with sorted OXMs, as ofproto encodes it) is
 * inline; the canonical instruction bytes are a second buffer.  An entry is
 * either desired or a tombstone: a flow no longer desired that may still be
 * on the switch (it leaves once a DELETE_STRICT is confirmed or
 * reconciliation shows it gone).
 *
 * An entry carries at most one queued command ('cmd', sent at the next
 * flush) and one command in flight ('sent_cmd', xid remembered until the
 * BARRIER_REPLY closing its batch).  A change requested while one is in
 * flight waits for that batch's barrier, so one flow never has two
 * FLOW_MODs in one batch.  Completion callbacks ('struct fp_waiter') hang
 * on the change they wait for: 'waiting' (not sent yet, or waiting for
 * reconciliation) or 'sent_waiters'.  A change superseded by a later one
 * ('stale') has had its waiters aborted; an error on it is ignored.
 *
 * Cookies.  'cookie' is the cookie the desired flow is added with;
 * 'sw_cookie' the one believed to be on the switch ('on_switch'), which a
 * DELETE_STRICT names with a full mask.  A changed flow is re-sent as an
 * ADD (OpenFlow 1.3 replaces a flow of identical match and priority, with
 * its cookie and timeouts, which MODIFY_STRICT would keep); MODIFY_STRICT
 * is used by reconciliation for a flow of the same owner and timeouts
 * whose instructions differ.
 *
 * A cookie chosen by the owner (sl_flowprog_add_seq(): the REST API keeps
 * its clients' cookies) is 'pinned': reconciliation then wants exactly that
 * cookie on the switch, where it otherwise compares owners only (each run
 * of the controller numbers its flows anew).
 *
 * Adoption.  A Sluice flow the switch reports that is not desired, of an
 * owner that ops->adopt accepts, becomes a desired entry on the spot (the
 * flow stats entry is the only copy of its instructions), marked
 * FP_SEEN_ADOPTED so that the end of reconciliation counts it and sends
 * nothing for it.  Its cookie is pinned.
 *
 * Forgetting and resyncing.  The REST API sends FLOW_MODs of its own
 * (non-strict DELETE and MODIFY) around the programmer: it first forgets
 * the desired flows such a FLOW_MOD hits (sl_flowprog_forget_matching(),
 * nothing sent), then, once the switch has answered, asks for a new
 * reconciliation (sl_flowprog_resync()), which restores what other owners
 * still desire.  A resync waits for the batches in flight (and sends no
 * new ones meanwhile) so that their waiters complete normally.
 *
 * Barrier round trips are timed with the loop's cached time into the
 * histogram of the stats.
 *
 * Answers that never come.  A switch that keeps its session (it answers
 * echoes) but never answers a barrier, or never ends its flow stats
 * reply, would leave its changes and their waiters stuck until it
 * disconnects.  So each switch has one timer, watching for progress:
 * while it waits for a barrier reply or for the flow stats (a request
 * sent while nothing was outstanding, or any answer, is progress), and
 * 'reply_timeout' (FP_REPLY_TIMEOUT unless set) passes without progress,
 * the programmer gives up on what it waits for: a barrier -> reconcile
 * again (the changes in flight end with SL_FLOW_ABORTED as for a
 * disconnection; the flow stats tell what the switch applied), the flow
 * stats -> add every desired flow, as when the switch refuses the
 * request.  The timer is armed once per waiting stretch and re-armed from
 * its callback, not per batch; sl_flowprog_set_reply_timeout() re-arms the
 * pending ones so that none fires later than the new length allows. */
#include <config.h>
#include "controller/flowprog.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "controller/hmap.h"
#include "controller/list.h"
#include "controller/log.h"
#include "controller/util.h"

SL_LOG_MODULE(flowprog);

const double sl_flowprog_rtt_bounds[SL_FLOWPROG_RTT_N_BOUNDS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
};

#define FP_CMD_NONE 0xff
/* Key bytes before the match: table_id, zero, priority (big-endian). */
#define FP_KEY_HDR 4
/* FLOW_MOD bytes before the match. */
#define FP_FLOW_MOD_FIXED 48
/* Completion records kept for reuse. */
#define FP_FREE_WAITERS_MAX 1024
/* Seconds without an answer to a barrier or to the flow stats request,
 * while one is awaited, before the programmer gives up on it (default of
 * 'reply_timeout'), and the most sl_flowprog_set_reply_timeout() takes. */
#define FP_REPLY_TIMEOUT 10.0
#define FP_REPLY_TIMEOUT_MAX 1e9

enum fp_state {
    FP_DISCONNECTED, /* record only */
    FP_RECONCILING,  /* flow stats requested: record only */
    FP_SYNCED,       /* changes are sent */
};

/* What the switch's flow stats said about an entry (during
 * reconciliation). */
enum fp_seen {
    FP_SEEN_NO,      /* not reported (yet) */
    FP_SEEN_SAME,    /* reported; identical (or a tombstone: present) */
    FP_SEEN_MODIFY,  /* Sluice flow, same owner and timeouts, other
                      * instructions */
    FP_SEEN_REPLACE, /* any other difference */
    FP_SEEN_ADOPTED, /* reported, not desired: adopted as it is */
};

struct fp_waiter {
    struct sl_list node;
    sl_flow_done_cb *cb;
    void *aux;
    uint64_t dpid;
    enum ofperr result;
};

struct fp_barrier {
    uint32_t xid;
    uint64_t batch;
    double sent; /* loop's cached time at sending */
};

struct fp_flow {
    struct sl_hmap_node node;     /* In fp_switch 'flows', by key. */
    struct sl_list pending_node;  /* In 'pending' while 'cmd' waits. */
    struct sl_list inflight_node; /* In 'inflight' while sent. */
    struct sl_hmap_node xid_node; /* In 'xids' while sent. */
    struct sl_list waiting;       /* Waiters of the change not yet sent. */
    struct sl_list sent_waiters;  /* Waiters of the change in flight. */
    uint8_t *inst;                /* Canonical instructions (malloc). */
    size_t inst_len;
    uint64_t cookie;    /* Sent with an ADD. */
    uint64_t sw_cookie; /* On the switch, if 'on_switch'. */
    uint64_t batch;     /* Batch of the change in flight. */
    uint32_t xid;       /* Of the change in flight. */
    uint16_t owner;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t flags;
    uint8_t cmd;      /* Queued OFPFC_* or FP_CMD_NONE. */
    uint8_t sent_cmd; /* In flight OFPFC_* or FP_CMD_NONE. */
    uint8_t seen;     /* enum fp_seen */
    bool desired;
    bool on_switch;
    bool stale;    /* The change in flight was superseded. */
    bool pinned;   /* 'cookie' was chosen by the owner (add_seq): it is
                    * part of what the switch must have. */
    bool no_adopt; /* Forgotten while reconciling: the flow stats may
                    * still show it, yet it is not to come back. */
    size_t key_len;
    uint8_t key[];
};

struct fp_switch {
    struct sl_hmap_node node;  /* In 'switches', by dpid. */
    struct sl_list dirty_node; /* In 'dirty' while 'pending' is not empty
                                * (detached otherwise). */
    struct sl_flowprog *fp;
    struct event *timer; /* 'reply_timeout' watch; pending or not, it
                          * checks fp_switch_waiting() when it fires. */
    double progress_at;  /* Loop time of the last progress (see top). */
    uint64_t dpid;
    enum fp_state state;
    struct sl_hmap flows; /* struct fp_flow, desired and tombstones. */
    size_t n_desired;
    struct sl_list pending;      /* struct fp_flow with a 'cmd' to send. */
    struct sl_list inflight;     /* struct fp_flow sent, in send order. */
    struct sl_hmap xids;         /* struct fp_flow in flight, by xid. */
    struct fp_barrier *barriers; /* Unanswered, in send order. */
    size_t n_barriers, barriers_cap;
    uint64_t next_batch;
    uint32_t stats_xid;
    bool stats_pending;
    bool resync;      /* Reconcile again once nothing is in flight. */
    size_t n_foreign; /* Reconciliation: foreign flows left alone. */
};

struct sl_flowprog {
    struct event_base *base;
    const struct sl_flowprog_ops *ops;
    void *aux;
    bool delete_foreign;
    bool destroying;
    double reply_timeout; /* Seconds (see "Answers that never come"). */
    struct event *flush_ev;
    bool flush_scheduled;
    struct sl_hmap switches;
    struct sl_list dirty;       /* struct fp_switch with pending changes. */
    struct sl_list completions; /* struct fp_waiter to call next pass. */
    struct sl_list free_waiters;
    size_t n_free_waiters;
    uint64_t cookie_seq;
    struct sl_flowprog_stats stats;
    struct ofp_wbuf key;        /* Scratch: a canonical key. */
    struct ofp_wbuf inst;       /* Scratch: canonical instructions. */
    struct ofp_arena arena;     /* Scratch: decoding for sends, checks. */
    struct ofp_arena err_arena; /* Scratch: the spec given to ops->error. */
    void *sort_mem;             /* Scratch: canonical ordering. */
    size_t sort_cap;
};

/* ---- memory ---- */

/* Returns scratch space of at least 'n' bytes (valid until the next call). */
static void *
fp_scratch(struct sl_flowprog *fp, size_t n)
{
    if (n > fp->sort_cap || !fp->sort_mem) {
        size_t cap = fp->sort_cap ? fp->sort_cap : 1024;
        while (cap < n) {
            cap *= 2;
        }
        fp->sort_mem = sl_xrealloc(fp->sort_mem, cap);
        fp->sort_cap = cap;
    }
    return fp->sort_mem;
}

/* ---- deferred work ---- */

static void
fp_schedule(struct sl_flowprog *fp)
{
    if (!fp->flush_scheduled && !fp->destroying) {
        fp->flush_scheduled = true;
        event_active(fp->flush_ev, EV_TIMEOUT, 0);
    }
}

/* ---- completion records ---- */

static struct fp_waiter *
fp_waiter_new(struct sl_flowprog *fp, uint64_t dpid, sl_flow_done_cb *cb,
              void *aux)
{
    struct fp_waiter *w;

    if (!cb) {
        return NULL;
    }
    if (!sl_list_is_empty(&fp->free_waiters)) {
        w = SL_CONTAINER_OF(fp->free_waiters.next, struct fp_waiter, node);
        sl_list_remove(&w->node);
        fp->n_free_waiters--;
    } else {
        w = sl_xmalloc(sizeof *w);
        sl_list_init(&w->node);
    }
    w->cb = cb;
    w->aux = aux;
    w->dpid = dpid;
    w->result = 0;
    return w;
}

static void
fp_waiter_release(struct sl_flowprog *fp, struct fp_waiter *w)
{
    if (fp->n_free_waiters < FP_FREE_WAITERS_MAX) {
        sl_list_push_back(&fp->free_waiters, &w->node);
        fp->n_free_waiters++;
    } else {
        free(w);
    }
}

/* Gives every waiter of 'src' the 'result' and moves it to 'dst'. */
static void
fp_waiters_finish(struct sl_list *src, enum ofperr result, struct sl_list *dst)
{
    struct fp_waiter *w;

    SL_LIST_FOR_EACH(w, node, src)
    {
        w->result = result;
    }
    sl_list_splice(dst, src);
}

/* Finishes the waiters of 'src' with 'result' on the next loop pass. */
static void
fp_waiters_finish_later(struct sl_flowprog *fp, struct sl_list *src,
                        enum ofperr result)
{
    if (!sl_list_is_empty(src)) {
        fp_waiters_finish(src, result, &fp->completions);
        fp_schedule(fp);
    }
}

/* Calls and releases every waiter of 'list'.  A callback may call back
 * into the programmer: 'list' is the caller's, so nothing it does touches
 * it. */
static void
fp_run_waiters(struct sl_flowprog *fp, struct sl_list *list)
{
    while (!sl_list_is_empty(list)) {
        struct fp_waiter *w =
            SL_CONTAINER_OF(list->next, struct fp_waiter, node);
        sl_list_remove(&w->node);
        w->cb(w->aux, w->dpid, w->result);
        fp_waiter_release(fp, w);
    }
}

/* ---- switches ---- */

static void fp_timer_cb(evutil_socket_t, short, void *sw_);

static struct fp_switch *
fp_switch_find(const struct sl_flowprog *fp, uint64_t dpid)
{
    struct fp_switch *sw;

    SL_HMAP_FOR_EACH_HASH(sw, node, sl_hash_u64(dpid), &fp->switches)
    {
        if (sw->dpid == dpid) {
            return sw;
        }
    }
    return NULL;
}

static struct fp_switch *
fp_switch_get(struct sl_flowprog *fp, uint64_t dpid)
{
    struct fp_switch *sw = fp_switch_find(fp, dpid);

    if (!sw) {
        sw = sl_xmalloc(sizeof *sw);
        memset(sw, 0, sizeof *sw);
        sw->fp = fp;
        sw->timer = event_new(fp->base, -1, 0, fp_timer_cb, sw);
        if (!sw->timer) {
            sl_out_of_memory();
        }
        sw->dpid = dpid;
        sw->state = FP_DISCONNECTED;
        sl_list_init(&sw->dirty_node);
        sl_hmap_init(&sw->flows);
        sl_list_init(&sw->pending);
        sl_list_init(&sw->inflight);
        sl_hmap_init(&sw->xids);
        sl_hmap_insert(&fp->switches, &sw->node, sl_hash_u64(dpid));
    }
    return sw;
}

/* ---- flow entries ---- */

static struct fp_flow *
fp_flow_find(const struct fp_switch *sw, uint32_t hash, const uint8_t *key,
             size_t key_len)
{
    struct fp_flow *f;

    SL_HMAP_FOR_EACH_HASH(f, node, hash, &sw->flows)
    {
        if (f->key_len == key_len && !memcmp(f->key, key, key_len)) {
            return f;
        }
    }
    return NULL;
}

static struct fp_flow *
fp_flow_create(struct fp_switch *sw, uint32_t hash, const uint8_t *key,
               size_t key_len)
{
    struct fp_flow *f = sl_xmalloc(sizeof *f + key_len);

    memset(f, 0, sizeof *f);
    sl_list_init(&f->pending_node);
    sl_list_init(&f->inflight_node);
    sl_list_init(&f->waiting);
    sl_list_init(&f->sent_waiters);
    f->cmd = FP_CMD_NONE;
    f->sent_cmd = FP_CMD_NONE;
    f->seen = FP_SEEN_NO;
    f->key_len = key_len;
    memcpy(f->key, key, key_len);
    sl_hmap_insert(&sw->flows, &f->node, hash);
    return f;
}

/* Takes 'f' out of the map of its flows and of the sending state, and
 * frees it.  Waiters left (none by the callers' logic) are aborted. */
static void
fp_flow_free(struct sl_flowprog *fp, struct fp_switch *sw, struct fp_flow *f)
{
    if (f->desired) {
        sw->n_desired--;
    }
    sl_hmap_remove(&sw->flows, &f->node);
    sl_list_remove(&f->pending_node);
    if (f->sent_cmd != FP_CMD_NONE) {
        sl_list_remove(&f->inflight_node);
        sl_hmap_remove(&sw->xids, &f->xid_node);
    }
    fp_waiters_finish_later(fp, &f->waiting, SL_FLOW_ABORTED);
    fp_waiters_finish_later(fp, &f->sent_waiters, SL_FLOW_ABORTED);
    free(f->inst);
    free(f);
}

/* Queues 'f' for the next flush if it has a command, the switch takes
 * changes and nothing of 'f' is in flight. */
static void
fp_flow_schedule(struct sl_flowprog *fp, struct fp_switch *sw,
                 struct fp_flow *f)
{
    if (sw->state != FP_SYNCED || f->cmd == FP_CMD_NONE ||
        f->sent_cmd != FP_CMD_NONE || !sl_list_is_empty(&f->pending_node)) {
        return;
    }
    sl_list_push_back(&sw->pending, &f->pending_node);
    if (sl_list_is_empty(&sw->dirty_node)) {
        sl_list_push_back(&fp->dirty, &sw->dirty_node);
    }
    fp_schedule(fp);
}

/* A newer change replaces whatever 'f' was waiting for: its waiters are
 * aborted, and the change in flight, if any, becomes stale. */
static void
fp_flow_supersede(struct sl_flowprog *fp, struct fp_flow *f)
{
    fp_waiters_finish_later(fp, &f->waiting, SL_FLOW_ABORTED);
    if (f->sent_cmd != FP_CMD_NONE && !f->stale) {
        fp_waiters_finish_later(fp, &f->sent_waiters, SL_FLOW_ABORTED);
        f->stale = true;
    }
}

/* The loop's cached time, in seconds. */
static double
fp_now(const struct sl_flowprog *fp)
{
    struct timeval tv;

    if (event_base_gettimeofday_cached(fp->base, &tv)) {
        return 0.0;
    }
    return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

/* Counts one barrier round trip of 'rtt' seconds. */
static void
fp_note_rtt(struct sl_flowprog *fp, double rtt)
{
    struct sl_flowprog_stats *st = &fp->stats;

    if (rtt < 0) {
        rtt = 0; /* the wall clock stepped back */
    }
    st->rtt_count++;
    st->rtt_sum += rtt;
    for (size_t i = 0; i < SL_FLOWPROG_RTT_N_BOUNDS; i++) {
        if (rtt <= sl_flowprog_rtt_bounds[i]) {
            st->rtt_buckets[i]++;
            break;
        }
    }
}

static uint64_t
fp_new_cookie(struct sl_flowprog *fp, uint16_t owner)
{
    return SL_COOKIE(owner, ++fp->cookie_seq);
}

/* ---- answers that never come ---- */

/* True if 'sw' waits for an answer: the flow stats of a reconciliation,
 * or a barrier reply. */
static bool
fp_switch_waiting(const struct fp_switch *sw)
{
    return (sw->state == FP_RECONCILING && sw->stats_pending) ||
           (sw->state == FP_SYNCED && sw->n_barriers > 0);
}

static void
fp_timer_arm(struct fp_switch *sw, double seconds)
{
    struct timeval tv;

    tv.tv_sec = (time_t) seconds;
    tv.tv_usec = (suseconds_t) ((seconds - (double) tv.tv_sec) * 1e6);
    event_add(sw->timer, &tv);
}

/* Something was sent to 'sw' while nothing was outstanding, or it
 * answered: the watch counts from now.  O(1), no syscall: the timer is
 * only added when it is not pending. */
static void
fp_progress(struct sl_flowprog *fp, struct fp_switch *sw)
{
    sw->progress_at = fp_now(fp);
    if (!evtimer_pending(sw->timer, NULL)) {
        fp_timer_arm(sw, fp->reply_timeout);
    }
}

/* ---- canonical forms ---- */

static int
fp_oxm_cmp(const void *a_, const void *b_)
{
    const struct ofp_oxm *a = *(const struct ofp_oxm *const *) a_;
    const struct ofp_oxm *b = *(const struct ofp_oxm *const *) b_;

    if (a->cls != b->cls) {
        return a->cls < b->cls ? -1 : 1;
    }
    if (a->field != b->field) {
        return a->field < b->field ? -1 : 1;
    }
    if (a->cls == OFPXMC_EXPERIMENTER && a->experimenter != b->experimenter) {
        return a->experimenter < b->experimenter ? -1 : 1;
    }
    /* Equal keys keep their order, so the result is deterministic. */
    return (uintptr_t) a < (uintptr_t) b ? -1 : (uintptr_t) a > (uintptr_t) b;
}

/* Writes the canonical key of (table_id, priority, match) to fp->key.
 * Returns false if it could not be encoded. */
static bool
fp_canon_key(struct sl_flowprog *fp, uint8_t table_id, uint16_t priority,
             const struct ofp_match *match)
{
    size_t n = match->n_oxms;
    struct ofp_oxm *sorted =
        fp_scratch(fp, n * (sizeof *sorted + sizeof(struct ofp_oxm *)));
    const struct ofp_oxm **order = (const struct ofp_oxm **) (sorted + n);

    for (size_t i = 0; i < n; i++) {
        order[i] = &match->oxms[i];
    }
    if (n > 1) {
        qsort(order, n, sizeof *order, fp_oxm_cmp);
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i] = *order[i];
    }

    struct ofp_match canon = {
        .type = OFPMT_OXM,
        .n_oxms = (uint16_t) n,
        .oxms = sorted,
    };
    ofp_wbuf_clear(&fp->key);
    ofp_wbuf_u8(&fp->key, table_id);
    ofp_wbuf_u8(&fp->key, 0);
    ofp_wbuf_be16(&fp->key, priority);
    ofp_match_encode(&fp->key, &canon);
    return !fp->key.overflow;
}

/* Position of an instruction type in the order OpenFlow executes an
 * instruction set (1.3.5, 5.9); each type appears at most once, so a list
 * in this order means the same as the list given. */
static int
fp_inst_rank(uint16_t type)
{
    switch (type) {
    case OFPIT_METER:
        return 0;
    case OFPIT_APPLY_ACTIONS:
        return 1;
    case OFPIT_CLEAR_ACTIONS:
        return 2;
    case OFPIT_WRITE_ACTIONS:
        return 3;
    case OFPIT_WRITE_METADATA:
        return 4;
    case OFPIT_GOTO_TABLE:
        return 5;
    default:
        return 6;
    }
}

static int
fp_inst_cmp(const void *a_, const void *b_)
{
    const struct ofp_instruction *a =
        *(const struct ofp_instruction *const *) a_;
    const struct ofp_instruction *b =
        *(const struct ofp_instruction *const *) b_;
    int ra = fp_inst_rank(a->type);
    int rb = fp_inst_rank(b->type);

    if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    return (uintptr_t) a < (uintptr_t) b ? -1 : (uintptr_t) a > (uintptr_t) b;
}

/* Writes the canonical instruction bytes of 'list' to fp->inst.  Returns
 * false if they could not be encoded. */
static bool
fp_canon_inst(struct sl_flowprog *fp, const struct ofp_instruction_list *list)
{
    size_t n = list->n;
    struct ofp_instruction *sorted = fp_scratch(
        fp, n * (sizeof *sorted + sizeof(struct ofp_instruction *)));
    const struct ofp_instruction **order =
        (const struct ofp_instruction **) (sorted + n);

    for (size_t i = 0; i < n; i++) {
        order[i] = &list->instructions[i];
    }
    if (n > 1) {
        qsort(order, n, sizeof *order, fp_inst_cmp);
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i] = *order[i];
    }

    struct ofp_instruction_list canon = {.n = n, .instructions = sorted};
    ofp_wbuf_clear(&fp->inst);
    ofp_instructions_encode(&fp->inst, &canon);
    return !fp->inst.overflow;
}

/* Decodes the flow of the stored 'key' and instruction bytes into 'spec'
 * (arrays from 'arena'; opaque bytes point into the stored bytes). */
static bool
fp_decode_stored(struct ofp_arena *arena, const uint8_t *key, size_t key_len,
                 const uint8_t *inst, size_t inst_len,
                 struct sl_flow_spec *spec)
{
    struct ofp_rd rd;

    memset(spec, 0, sizeof *spec);
    if (key_len < FP_KEY_HDR) {
        return false;
    }
    spec->table_id = key[0];
    spec->priority = ofp_load_be16(key + 2);
    ofp_rd_init(&rd, key + FP_KEY_HDR, key_len - FP_KEY_HDR);
    if (ofp_match_decode(&rd, &spec->match, arena) || rd.left) {
        return false;
    }
    ofp_rd_init(&rd, inst, inst_len);
    return !ofp_instructions_decode(&rd, &spec->instructions, arena);
}

static bool
fp_flow_decode(struct ofp_arena *arena, const struct fp_flow *f,
               struct sl_flow_spec *spec)
{
    if (!fp_decode_stored(arena, f->key, f->key_len, f->inst, f->inst_len,
                          spec)) {
        return false;
    }
    spec->idle_timeout = f->idle_timeout;
    spec->hard_timeout = f->hard_timeout;
    spec->flags = f->flags;
    return true;
}

/* Checks 'spec' and leaves its canonical key in fp->key and instructions
 * in fp->inst.  Returns 0 or EINVAL. */
static int
fp_canon_spec(struct sl_flowprog *fp, const struct sl_flow_spec *spec)
{
    struct sl_flow_spec back;

    if (spec->table_id > OFPTT_MAX || ofp_match_check(&spec->match) ||
        ofp_instructions_check(&spec->instructions)) {
        return EINVAL;
    }
    if (!fp_canon_key(fp, spec->table_id, spec->priority, &spec->match) ||
        !fp_canon_inst(fp, &spec->instructions)) {
        return EINVAL;
    }
    if (FP_FLOW_MOD_FIXED + (fp->key.len - FP_KEY_HDR) + fp->inst.len >
        UINT16_MAX) {
        return EINVAL;
    }
    /* What is stored must decode again, or it could never be sent: this
     * catches unknown action and instruction types. */
    ofp_arena_reset(&fp->arena);
    bool ok = fp_decode_stored(&fp->arena, fp->key.data, fp->key.len,
                               fp->inst.data, fp->inst.len, &back);
    ofp_arena_reset(&fp->arena);
    return ok ? 0 : EINVAL;
}

/* True if 'f' (desired) has the content in fp->inst and 'spec', and the
 * cookie '*cookie' unless 'cookie' is NULL. */
static bool
fp_flow_same(const struct sl_flowprog *fp, const struct fp_flow *f,
             uint16_t owner, const struct sl_flow_spec *spec,
             const uint64_t *cookie)
{
    return f->owner == owner && (!cookie || f->cookie == *cookie) &&
           f->idle_timeout == spec->idle_timeout &&
           f->hard_timeout == spec->hard_timeout && f->flags == spec->flags &&
           f->inst_len == fp->inst.len &&
           (!f->inst_len || !memcmp(f->inst, fp->inst.data, f->inst_len));
}

/* Gives 'f' the content in fp->inst and 'spec', owned by 'owner', with
 * cookie '*cookie' (pinned), or (NULL) its own if it is already one of
 * 'owner''s, else a new one. */
static void
fp_flow_set_content(struct sl_flowprog *fp, struct fp_flow *f, uint16_t owner,
                    const struct sl_flow_spec *spec, const uint64_t *cookie)
{
    if (fp->inst.len != f->inst_len) {
        free(f->inst);
        f->inst = fp->inst.len ? sl_xmalloc(fp->inst.len) : NULL;
        f->inst_len = fp->inst.len;
    }
    if (f->inst_len) {
        memcpy(f->inst, fp->inst.data, f->inst_len);
    }
    f->idle_timeout = spec->idle_timeout;
    f->hard_timeout = spec->hard_timeout;
    f->flags = spec->flags;
    f->owner = owner;
    f->no_adopt = false;
    f->pinned = cookie != NULL;
    if (cookie) {
        f->cookie = *cookie;
    } else if (!SL_COOKIE_IS_SLUICE(f->cookie) ||
               SL_COOKIE_OWNER(f->cookie) != owner) {
        f->cookie = fp_new_cookie(fp, owner);
    }
}

/* ---- sending ---- */

/* Sends the queued command of 'f' as a FLOW_MOD; '*xid' gets its xid.
 * Returns 0 or the send's errno. */
static int
fp_send_flow_mod(struct sl_flowprog *fp, struct fp_switch *sw,
                 struct fp_flow *f, uint32_t *xid)
{
    struct ofp_msg msg;
    struct sl_flow_spec spec;

    ofp_arena_reset(&fp->arena);
    if (!fp_flow_decode(&fp->arena, f, &spec)) {
        /* Stored bytes were proven to decode (fp_canon_spec() and
         * fp_note_switch_flow()): cannot happen. */
        abort();
    }
    ofp_msg_init(&msg, OFPT_FLOW_MOD, 0);
    struct ofp_flow_mod *fm = &msg.flow_mod;
    fm->command = f->cmd;
    fm->table_id = spec.table_id;
    fm->priority = spec.priority;
    fm->match = spec.match;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_ANY;
    fm->out_group = OFPG_ANY;
    switch (f->cmd) {
    case OFPFC_ADD:
        fm->cookie = f->cookie;
        fm->instructions = spec.instructions;
        fm->idle_timeout = spec.idle_timeout;
        fm->hard_timeout = spec.hard_timeout;
        fm->flags = spec.flags;
        break;
    case OFPFC_MODIFY_STRICT:
        fm->cookie = f->sw_cookie;
        fm->cookie_mask = UINT64_MAX;
        fm->instructions = spec.instructions;
        fm->idle_timeout = spec.idle_timeout;
        fm->hard_timeout = spec.hard_timeout;
        fm->flags = spec.flags;
        break;
    default: /* OFPFC_DELETE_STRICT */
        fm->cookie = f->sw_cookie;
        fm->cookie_mask = UINT64_MAX;
        break;
    }
    int error = fp->ops->send(fp->aux, sw->dpid, &msg, xid);
    ofp_arena_reset(&fp->arena);
    return error;
}

/* The switch cannot take messages: like sl_flowprog_switch_down(). */
static void
fp_switch_lost(struct sl_flowprog *fp, struct fp_switch *sw)
{
    if (sw->state == FP_DISCONNECTED) {
        return;
    }
    while (!sl_list_is_empty(&sw->inflight)) {
        struct fp_flow *f =
            SL_CONTAINER_OF(sw->inflight.next, struct fp_flow, inflight_node);
        sl_list_remove(&f->inflight_node);
        sl_hmap_remove(&sw->xids, &f->xid_node);
        fp_waiters_finish_later(fp, &f->sent_waiters, SL_FLOW_ABORTED);
        f->sent_cmd = FP_CMD_NONE;
        f->cmd = FP_CMD_NONE;
        f->stale = false;
    }
    while (!sl_list_is_empty(&sw->pending)) {
        struct fp_flow *f =
            SL_CONTAINER_OF(sw->pending.next, struct fp_flow, pending_node);
        sl_list_remove(&f->pending_node);
        f->cmd = FP_CMD_NONE;
    }
    sl_list_remove(&sw->dirty_node);
    sw->n_barriers = 0;
    sw->stats_pending = false;
    sw->resync = false;
    sw->state = FP_DISCONNECTED;
}

/* Starts reconciling 'sw' (anew if it was already): changes in flight end
 * as for a disconnection, queued ones are decided by the diff. */
static void
fp_reconcile_start(struct sl_flowprog *fp, struct fp_switch *sw)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    uint64_t dpid = sw->dpid;
    struct fp_flow *f;
    struct ofp_msg msg;
    uint32_t xid;

    fp_switch_lost(fp, sw);
    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        f->seen = FP_SEEN_NO;
    }
    sw->n_foreign = 0;

    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 0);
    msg.mp_request.type = OFPMP_FLOW;
    msg.mp_request.flow.table_id = OFPTT_ALL;
    msg.mp_request.flow.out_port = OFPP_ANY;
    msg.mp_request.flow.out_group = OFPG_ANY;
    msg.mp_request.flow.match.type = OFPMT_OXM;
    int error = fp->ops->send(fp->aux, dpid, &msg, &xid);
    if (error) {
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": flow stats request not sent "
                   "(%s)",
                   dpid, strerror(error));
        return;
    }
    sw->state = FP_RECONCILING;
    sw->stats_xid = xid;
    sw->stats_pending = true;
    fp_progress(fp, sw);
}

/* Sends the queued changes of 'sw' in batches closed by a barrier, as
 * many batches as the window allows; fp_handle_barrier() sends more. */
static void
fp_switch_send(struct sl_flowprog *fp, struct fp_switch *sw)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);

    while (sw->state == FP_SYNCED && !sw->resync &&
           !sl_list_is_empty(&sw->pending) &&
           sw->n_barriers < SL_FLOWPROG_WINDOW) {
        uint64_t batch = ++sw->next_batch;
        uint32_t xid;
        int error;

        for (size_t n = 0;
             n < SL_FLOWPROG_BATCH_MAX && !sl_list_is_empty(&sw->pending);
             n++) {
            struct fp_flow *f = SL_CONTAINER_OF(sw->pending.next,
                                                struct fp_flow, pending_node);
            error = fp_send_flow_mod(fp, sw, f, &xid);
            if (error) {
                goto lost;
            }
            sl_list_remove(&f->pending_node);
            f->sent_cmd = f->cmd;
            f->cmd = FP_CMD_NONE;
            f->xid = xid;
            f->batch = batch;
            sl_list_push_back(&sw->inflight, &f->inflight_node);
            sl_hmap_insert(&sw->xids, &f->xid_node, sl_hash_u64(xid));
            sl_list_splice(&f->sent_waiters, &f->waiting);
            if (f->sent_cmd == OFPFC_ADD) {
                f->on_switch = true;
                f->sw_cookie = f->cookie;
            }
            fp->stats.flow_mods++;
        }

        struct ofp_msg barrier;
        ofp_msg_init(&barrier, OFPT_BARRIER_REQUEST, 0);
        error = fp->ops->send(fp->aux, sw->dpid, &barrier, &xid);
        if (error) {
            goto lost;
        }
        if (sw->n_barriers == sw->barriers_cap) {
            sw->barriers_cap = sw->barriers_cap ? 2 * sw->barriers_cap : 4;
            sw->barriers = sl_xrealloc(sw->barriers, sw->barriers_cap *
                                                         sizeof *sw->barriers);
        }
        sw->barriers[sw->n_barriers].xid = xid;
        sw->barriers[sw->n_barriers].batch = batch;
        sw->barriers[sw->n_barriers].sent = fp_now(fp);
        sw->n_barriers++;
        fp->stats.barriers++;
        if (sw->n_barriers == 1) {
            fp_progress(fp, sw);
        }
        continue;

    lost:
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": send failed (%s): "
                   "waiting for it to reconnect",
                   sw->dpid, strerror(error));
        fp_switch_lost(fp, sw);
        return;
    }
}

static void
fp_flush_cb(evutil_socket_t fd, short what, void *fp_)
{
    struct sl_flowprog *fp = fp_;
    struct sl_list done = SL_LIST_INITIALIZER(&done);

    (void) fd;
    (void) what;
    fp->flush_scheduled = false;
    sl_list_splice(&done, &fp->completions);
    fp_run_waiters(fp, &done);
    while (!sl_list_is_empty(&fp->dirty)) {
        struct fp_switch *sw =
            SL_CONTAINER_OF(fp->dirty.next, struct fp_switch, dirty_node);
        sl_list_remove(&sw->dirty_node);
        fp_switch_send(fp, sw);
    }
}

/* ---- replies ---- */

/* Completes every change sent up to the batch of barrier 'xid'. */
static bool
fp_handle_barrier(struct sl_flowprog *fp, struct fp_switch *sw, uint32_t xid)
{
    struct sl_list done = SL_LIST_INITIALIZER(&done);
    size_t i;

    for (i = 0; i < sw->n_barriers; i++) {
        if (sw->barriers[i].xid == xid) {
            break;
        }
    }
    if (i == sw->n_barriers) {
        return false;
    }
    /* A barrier answers for everything sent before it, so earlier
     * unanswered barriers are answered too. */
    uint64_t batch = sw->barriers[i].batch;
    fp_note_rtt(fp, fp_now(fp) - sw->barriers[i].sent);
    fp_progress(fp, sw);
    sw->n_barriers -= i + 1;
    memmove(sw->barriers, sw->barriers + i + 1,
            sw->n_barriers * sizeof *sw->barriers);

    while (!sl_list_is_empty(&sw->inflight)) {
        struct fp_flow *f =
            SL_CONTAINER_OF(sw->inflight.next, struct fp_flow, inflight_node);
        if (f->batch > batch) {
            break;
        }
        sl_list_remove(&f->inflight_node);
        sl_hmap_remove(&sw->xids, &f->xid_node);
        uint8_t sent = f->sent_cmd;
        f->sent_cmd = FP_CMD_NONE;
        f->stale = false;
        fp_waiters_finish(&f->sent_waiters, 0, &done);
        if (sent == OFPFC_DELETE_STRICT) {
            f->on_switch = false;
            if (!f->desired && f->cmd == FP_CMD_NONE) {
                fp_waiters_finish(&f->waiting, 0, &done);
                fp_flow_free(fp, sw, f);
                continue;
            }
        } else {
            f->on_switch = true;
        }
        fp_flow_schedule(fp, sw, f);
    }
    if (sw->resync && sl_list_is_empty(&sw->inflight) && !sw->n_barriers) {
        /* What was in flight is answered: reconcile (what is queued is
         * decided again by it). */
        fp_reconcile_start(fp, sw);
    } else if (!sl_list_is_empty(&sw->pending) &&
               sl_list_is_empty(&sw->dirty_node)) {
        /* The window has room again for what it held back. */
        sl_list_push_back(&fp->dirty, &sw->dirty_node);
        fp_schedule(fp);
    }
    fp_run_waiters(fp, &done);
    return true;
}

/* The switch refused the change of 'f' in flight with 'err'. */
static void
fp_flow_failed(struct sl_flowprog *fp, struct fp_switch *sw, struct fp_flow *f,
               const struct ofp_error_msg *err)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    struct sl_list done = SL_LIST_INITIALIZER(&done);
    enum ofperr code = ofperr_from_type_code(err->type, err->code);

    if (!code) {
        code = OFPERR_OFPFMFC_UNKNOWN;
    }
    fp->stats.errors++;
    sl_list_remove(&f->inflight_node);
    sl_hmap_remove(&sw->xids, &f->xid_node);
    f->sent_cmd = FP_CMD_NONE;
    if (f->stale) {
        /* A newer change replaced this one and is queued behind it. */
        SL_DBG("switch 0x%016" PRIx64 ": %s for a superseded change", sw->dpid,
               ofperr_name(code));
        f->stale = false;
        fp_flow_schedule(fp, sw, f);
        return;
    }

    /* The flow leaves the desired table: it would fail again. */
    uint16_t owner = f->owner;
    struct sl_flow_spec spec;
    fp_waiters_finish(&f->sent_waiters, code, &done);
    fp_waiters_finish(&f->waiting, code, &done);
    if (f->desired) {
        sw->n_desired--;
        f->desired = false;
    }
    sl_hmap_remove(&sw->flows, &f->node);
    sl_list_remove(&f->pending_node);

    /* ops->error reports it (with the app's name); log it only when
     * nobody does. */
    if (fp->ops->error) {
        SL_DBG("switch 0x%016" PRIx64 ": flow of owner %" PRIu16
               " refused: %s",
               sw->dpid, owner, ofperr_name(code));
        ofp_arena_reset(&fp->err_arena);
        if (fp_flow_decode(&fp->err_arena, f, &spec)) {
            fp->ops->error(fp->aux, sw->dpid, owner, &spec, code, err);
        }
    } else {
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": flow of owner %" PRIu16
                   " refused: %s",
                   sw->dpid, owner, ofperr_name(code));
    }
    ofp_arena_reset(&fp->err_arena);
    free(f->inst);
    free(f);
    fp_run_waiters(fp, &done);
}

/* Ends reconciliation: 'sw' takes changes, queued ones are sent on the next
 * pass. */
static void
fp_reconcile_done(struct sl_flowprog *fp, struct fp_switch *sw, size_t kept,
                  size_t added, size_t modified, size_t deleted,
                  size_t adopted, size_t foreign, struct sl_list *done)
{
    struct fp_flow *f;

    sw->state = FP_SYNCED;
    sw->stats_pending = false;
    fp->stats.reconciliations++;
    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        fp_flow_schedule(fp, sw, f);
    }
    SL_INFO("switch 0x%016" PRIx64 ": reconciled: %zu kept, %zu added, "
            "%zu modified, %zu deleted, %zu adopted, %zu foreign left",
            sw->dpid, kept, added, modified, deleted, adopted, foreign);
    if (fp->ops->reconciled) {
        fp->ops->reconciled(fp->aux, sw->dpid, kept, added, modified, deleted,
                            adopted, foreign);
    }
    fp_run_waiters(fp, done);
}

/* The flow stats are complete: diff them against the desired table. */
static void
fp_reconcile_finish(struct sl_flowprog *fp, struct fp_switch *sw)
{
    struct sl_list done = SL_LIST_INITIALIZER(&done);
    size_t kept = 0, added = 0, modified = 0, deleted = 0, adopted = 0;
    size_t foreign = sw->n_foreign;
    struct fp_flow *f;

    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        uint8_t seen = f->seen;
        f->seen = FP_SEEN_NO;
        if (f->desired) {
            switch (seen) {
            case FP_SEEN_SAME:
                kept++;
                f->cookie = f->sw_cookie;
                fp_waiters_finish(&f->waiting, 0, &done);
                break;
            case FP_SEEN_ADOPTED:
                adopted++;
                fp_waiters_finish(&f->waiting, 0, &done);
                break;
            case FP_SEEN_MODIFY:
                modified++;
                f->cookie = f->sw_cookie;
                f->cmd = OFPFC_MODIFY_STRICT;
                break;
            case FP_SEEN_REPLACE:
                modified++;
                f->cmd = OFPFC_ADD;
                break;
            default:
                added++;
                f->on_switch = false;
                f->cmd = OFPFC_ADD;
                break;
            }
        } else if (seen != FP_SEEN_NO &&
                   (SL_COOKIE_IS_SLUICE(f->sw_cookie) || fp->delete_foreign)) {
            deleted++;
            f->cmd = OFPFC_DELETE_STRICT;
        } else {
            if (seen != FP_SEEN_NO) {
                foreign++;
            }
            fp_waiters_finish(&f->waiting, 0, &done);
            fp_flow_free(fp, sw, f);
        }
    }
    fp_reconcile_done(fp, sw, kept, added, modified, deleted, adopted, foreign,
                      &done);
}

/* The switch refused the flow stats request: add every desired flow (an
 * ADD replaces one of the same identity) and delete every tombstone that
 * may be there. */
static void
fp_reconcile_fallback(struct sl_flowprog *fp, struct fp_switch *sw)
{
    struct sl_list done = SL_LIST_INITIALIZER(&done);
    size_t added = 0, deleted = 0;
    struct fp_flow *f;

    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        f->seen = FP_SEEN_NO;
        if (f->desired) {
            added++;
            f->cmd = OFPFC_ADD;
        } else if (f->on_switch) {
            deleted++;
            f->cmd = OFPFC_DELETE_STRICT;
        } else {
            fp_waiters_finish(&f->waiting, 0, &done);
            fp_flow_free(fp, sw, f);
        }
    }
    fp_reconcile_done(fp, sw, 0, added, 0, deleted, 0, 0, &done);
}

/* Adopts the Sluice flow 'fs' the switch reported, whose key is in
 * fp->key ('hash'), and which is not desired ('f' is its tombstone, or
 * NULL): it becomes desired by the owner in its cookie, with exactly the
 * switch's content.  Returns false, changing nothing, if that content
 * fails the checks an app's flow passes (it is then deleted). */
static bool
fp_adopt(struct sl_flowprog *fp, struct fp_switch *sw, struct fp_flow *f,
         uint32_t hash, const struct ofp_flow_stats *fs)
{
    struct sl_flow_spec spec;

    if (fs->table_id > OFPTT_MAX || ofp_match_check(&fs->match) ||
        ofp_instructions_check(&fs->instructions) ||
        !fp_canon_inst(fp, &fs->instructions) ||
        FP_FLOW_MOD_FIXED + (fp->key.len - FP_KEY_HDR) + fp->inst.len >
            UINT16_MAX) {
        return false;
    }
    ofp_arena_reset(&fp->arena);
    bool ok = fp_decode_stored(&fp->arena, fp->key.data, fp->key.len,
                               fp->inst.data, fp->inst.len, &spec);
    ofp_arena_reset(&fp->arena);
    if (!ok) {
        return false;
    }

    if (!f) {
        f = fp_flow_create(sw, hash, fp->key.data, fp->key.len);
    } else {
        /* A removal the owner asked for while the switch was away: the
         * flow is back, so the removal did not happen. */
        fp_flow_supersede(fp, f);
    }
    memset(&spec, 0, sizeof spec);
    spec.idle_timeout = fs->idle_timeout;
    spec.hard_timeout = fs->hard_timeout;
    spec.flags = fs->flags;
    /* The switch's cookie is kept (its owner is the cookie's), and pinned:
     * it may be one the owner chose (sl_flowprog_add_seq()). */
    fp_flow_set_content(fp, f, SL_COOKIE_OWNER(fs->cookie), &spec,
                        &fs->cookie);
    f->desired = true;
    sw->n_desired++;
    f->on_switch = true;
    f->sw_cookie = fs->cookie;
    f->seen = FP_SEEN_ADOPTED;
    return true;
}

/* Notes one flow the switch reported. */
static void
fp_note_switch_flow(struct sl_flowprog *fp, struct fp_switch *sw,
                    const struct ofp_flow_stats *fs)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);

    if (!fp_canon_key(fp, fs->table_id, fs->priority, &fs->match)) {
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": flow stats entry "
                   "does not encode",
                   sw->dpid);
        return;
    }
    uint32_t hash = sl_hash_bytes(fp->key.data, fp->key.len, 0);
    struct fp_flow *f = fp_flow_find(sw, hash, fp->key.data, fp->key.len);
    bool sluice = SL_COOKIE_IS_SLUICE(fs->cookie);

    if (sluice && (!f || (!f->desired && !f->no_adopt)) && fp->ops->adopt &&
        fp->ops->adopt(fp->aux, SL_COOKIE_OWNER(fs->cookie)) &&
        fp_adopt(fp, sw, f, hash, fs)) {
        return;
    }
    if (!f) {
        if (!sluice && !fp->delete_foreign) {
            sw->n_foreign++;
            return;
        }
        /* Not desired: remembered as a tombstone to delete, if its key
         * decodes again (else it could not be sent). */
        struct sl_flow_spec probe;
        ofp_arena_reset(&fp->arena);
        bool ok = fp_decode_stored(&fp->arena, fp->key.data, fp->key.len, NULL,
                                   0, &probe);
        ofp_arena_reset(&fp->arena);
        if (!ok) {
            SL_WARN_RL(&rl,
                       "switch 0x%016" PRIx64 ": flow stats entry "
                       "with a match that does not decode again",
                       sw->dpid);
            return;
        }
        f = fp_flow_create(sw, hash, fp->key.data, fp->key.len);
        f->owner = sluice ? SL_COOKIE_OWNER(fs->cookie) : 0;
        f->cookie = fs->cookie;
    }
    f->on_switch = true;
    f->sw_cookie = fs->cookie;
    if (!f->desired) {
        f->seen = FP_SEEN_SAME;
        return;
    }

    bool same_inst = false;
    if (fp_canon_inst(fp, &fs->instructions)) {
        same_inst =
            f->inst_len == fp->inst.len &&
            (!f->inst_len || !memcmp(f->inst, fp->inst.data, f->inst_len));
    }
    /* Owners are compared, not sequences (each run numbers its flows
     * anew), except for a cookie the owner chose. */
    bool same_meta = sluice && SL_COOKIE_OWNER(fs->cookie) == f->owner &&
                     (!f->pinned || fs->cookie == f->cookie) &&
                     fs->idle_timeout == f->idle_timeout &&
                     fs->hard_timeout == f->hard_timeout;
    f->seen = (same_meta && same_inst ? FP_SEEN_SAME
               : same_meta            ? FP_SEEN_MODIFY
                                      : FP_SEEN_REPLACE);
}

static void
fp_handle_flow_stats(struct sl_flowprog *fp, struct fp_switch *sw,
                     const struct ofp_multipart_reply *reply)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);

    if (reply->type != OFPMP_FLOW) {
        const char *name = ofp_mp_type_name(reply->type);
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": %s reply to the flow stats "
                   "request",
                   sw->dpid, name ? name : "unknown");
        if (!(reply->flags & OFPMPF_REPLY_MORE)) {
            fp_reconcile_fallback(fp, sw);
        }
        return;
    }
    fp_progress(fp, sw);
    for (size_t i = 0; i < reply->flow.n; i++) {
        fp_note_switch_flow(fp, sw, &reply->flow.stats[i]);
    }
    if (!(reply->flags & OFPMPF_REPLY_MORE)) {
        fp_reconcile_finish(fp, sw);
    }
}

static bool
fp_handle_error(struct sl_flowprog *fp, struct fp_switch *sw,
                const struct ofp_msg *msg)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    struct fp_flow *f;

    if (sw->state == FP_RECONCILING && sw->stats_pending &&
        msg->xid == sw->stats_xid) {
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": flow stats refused (%s): "
                   "adding every desired flow instead of reconciling",
                   sw->dpid,
                   ofperr_name(ofperr_from_type_code(msg->error.type,
                                                     msg->error.code)));
        fp_reconcile_fallback(fp, sw);
        return true;
    }
    SL_HMAP_FOR_EACH_HASH(f, xid_node, sl_hash_u64(msg->xid), &sw->xids)
    {
        if (f->xid == msg->xid) {
            fp_flow_failed(fp, sw, f, &msg->error);
            return true;
        }
    }
    for (size_t i = 0; i < sw->n_barriers; i++) {
        if (sw->barriers[i].xid == msg->xid) {
            SL_WARN_RL(&rl, "switch 0x%016" PRIx64 ": barrier refused",
                       sw->dpid);
            return fp_handle_barrier(fp, sw, msg->xid);
        }
    }
    return false;
}

/* The watch of 'sw' fired: give up on an answer awaited for
 * 'reply_timeout' without progress, or watch on for the rest of it. */
static void
fp_timer_cb(evutil_socket_t fd, short what, void *sw_)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    struct fp_switch *sw = sw_;
    struct sl_flowprog *fp = sw->fp;

    (void) fd;
    (void) what;
    if (fp->destroying || !fp_switch_waiting(sw)) {
        return;
    }
    double now = fp_now(fp);
    double idle = now - sw->progress_at;
    if (idle < 0) {
        /* The wall clock stepped back: count from now. */
        sw->progress_at = now;
        idle = 0;
    }
    if (idle < fp->reply_timeout) {
        fp_timer_arm(sw, fp->reply_timeout - idle);
        return;
    }
    if (sw->state == FP_RECONCILING) {
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": no complete answer to the "
                   "flow stats request in %g s: adding every desired flow "
                   "instead of reconciling",
                   sw->dpid, fp->reply_timeout);
        fp_reconcile_fallback(fp, sw);
    } else {
        SL_WARN_RL(&rl,
                   "switch 0x%016" PRIx64 ": no barrier reply in %g s: "
                   "reading its flows again",
                   sw->dpid, fp->reply_timeout);
        fp_reconcile_start(fp, sw);
    }
}

/* ---- public interface ---- */

/* Frees 'sw' and its flows; their waiters must have been completed. */
static void
fp_switch_free(struct fp_switch *sw)
{
    struct fp_flow *f;

    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        sl_hmap_remove(&sw->flows, &f->node);
        free(f->inst);
        free(f);
    }
    sl_hmap_uninit(&sw->flows);
    sl_hmap_uninit(&sw->xids);
    free(sw->barriers);
    event_free(sw->timer);
    free(sw);
}

struct sl_flowprog *
sl_flowprog_create(struct event_base *base, const struct sl_flowprog_ops *ops,
                   void *aux, bool delete_foreign)
{
    struct sl_flowprog *fp = sl_xmalloc(sizeof *fp);

    memset(fp, 0, sizeof *fp);
    fp->base = base;
    fp->ops = ops;
    fp->aux = aux;
    fp->delete_foreign = delete_foreign;
    fp->reply_timeout = FP_REPLY_TIMEOUT;
    fp->flush_ev = event_new(base, -1, 0, fp_flush_cb, fp);
    if (!fp->flush_ev) {
        sl_out_of_memory();
    }
    sl_hmap_init(&fp->switches);
    sl_list_init(&fp->dirty);
    sl_list_init(&fp->completions);
    sl_list_init(&fp->free_waiters);
    ofp_wbuf_init(&fp->key);
    ofp_wbuf_init(&fp->inst);
    ofp_arena_init(&fp->arena);
    ofp_arena_init(&fp->err_arena);
    return fp;
}

void
sl_flowprog_destroy(struct sl_flowprog *fp)
{
    struct sl_list done = SL_LIST_INITIALIZER(&done);
    struct fp_switch *sw;

    if (!fp) {
        return;
    }
    fp->destroying = true;
    sl_list_splice(&done, &fp->completions);
    SL_HMAP_FOR_EACH_SAFE(sw, node, &fp->switches)
    {
        struct sl_hmap_node *node;
        for (node = sl_hmap_next(&sw->flows, NULL); node;
             node = sl_hmap_next(&sw->flows, node)) {
            struct fp_flow *f = SL_CONTAINER_OF(node, struct fp_flow, node);
            fp_waiters_finish(&f->sent_waiters, SL_FLOW_ABORTED, &done);
            fp_waiters_finish(&f->waiting, SL_FLOW_ABORTED, &done);
        }
    }
    fp_run_waiters(fp, &done);

    SL_HMAP_FOR_EACH_SAFE(sw, node, &fp->switches)
    {
        sl_hmap_remove(&fp->switches, &sw->node);
        fp_switch_free(sw);
    }
    sl_hmap_uninit(&fp->switches);
    while (!sl_list_is_empty(&fp->free_waiters)) {
        struct fp_waiter *w =
            SL_CONTAINER_OF(fp->free_waiters.next, struct fp_waiter, node);
        sl_list_remove(&w->node);
        free(w);
    }
    event_free(fp->flush_ev);
    ofp_wbuf_uninit(&fp->key);
    ofp_wbuf_uninit(&fp->inst);
    ofp_arena_uninit(&fp->arena);
    ofp_arena_uninit(&fp->err_arena);
    free(fp->sort_mem);
    free(fp);
}

int
sl_flowprog_set_reply_timeout(struct sl_flowprog *fp, double seconds)
{
    struct fp_switch *sw;

    if (!isfinite(seconds) || seconds <= 0 || seconds > FP_REPLY_TIMEOUT_MAX) {
        return EINVAL;
    }
    fp->reply_timeout = seconds;
    /* A pending watch keeps its start and takes the new length (a
     * waiting stretch that begins while it is pending relies on it firing
     * no later than that). */
    double now = fp_now(fp);
    SL_HMAP_FOR_EACH_SAFE(sw, node, &fp->switches)
    {
        if (evtimer_pending(sw->timer, NULL)) {
            double left = sw->progress_at + seconds - now;
            fp_timer_arm(sw, left > 0 && left <= seconds ? left : 0);
        }
    }
    return 0;
}

/* sl_flowprog_add() and, with 'cookie', sl_flowprog_add_seq(). */
static int
fp_add(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner,
       const struct sl_flow_spec *spec, const uint64_t *cookie,
       sl_flow_done_cb *done, void *aux)
{
    if (fp->destroying) {
        return ESHUTDOWN;
    }
    int error = fp_canon_spec(fp, spec);
    if (error) {
        return error;
    }

    struct fp_switch *sw = fp_switch_get(fp, dpid);
    uint32_t hash = sl_hash_bytes(fp->key.data, fp->key.len, 0);
    struct fp_flow *f = fp_flow_find(sw, hash, fp->key.data, fp->key.len);
    struct fp_waiter *w = fp_waiter_new(fp, dpid, done, aux);

    if (f && f->desired && fp_flow_same(fp, f, owner, spec, cookie)) {
        /* Nothing to send; 'done' waits for what the flow waits for. */
        if (!w) {
            return 0;
        }
        if (sw->state != FP_SYNCED || f->cmd != FP_CMD_NONE) {
            sl_list_push_back(&f->waiting, &w->node);
        } else if (f->sent_cmd != FP_CMD_NONE) {
            sl_list_push_back(&f->sent_waiters, &w->node);
        } else {
            sl_list_push_back(&fp->completions, &w->node);
            fp_schedule(fp);
        }
        return 0;
    }

    if (!f) {
        f = fp_flow_create(sw, hash, fp->key.data, fp->key.len);
    } else {
        fp_flow_supersede(fp, f);
        if (f->seen != FP_SEEN_NO) {
            /* Reconciling: what the switch has is not known to match. */
            f->seen = FP_SEEN_REPLACE;
        }
    }
    fp_flow_set_content(fp, f, owner, spec, cookie);
    if (!f->desired) {
        f->desired = true;
        sw->n_desired++;
    }
    if (w) {
        sl_list_push_back(&f->waiting, &w->node);
    }
    if (sw->state == FP_SYNCED) {
        f->cmd = OFPFC_ADD;
        fp_flow_schedule(fp, sw, f);
    }
    return 0;
}

int
sl_flowprog_add(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner,
                const struct sl_flow_spec *spec, sl_flow_done_cb *done,
                void *aux)
{
    return fp_add(fp, dpid, owner, spec, NULL, done, aux);
}

int
sl_flowprog_add_seq(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner,
                    const struct sl_flow_spec *spec, uint64_t seq,
                    sl_flow_done_cb *done, void *aux)
{
    if (seq >> SL_COOKIE_OWNER_SHIFT) {
        return EINVAL;
    }
    uint64_t cookie = SL_COOKIE(owner, seq);
    return fp_add(fp, dpid, owner, spec, &cookie, done, aux);
}

/* Makes desired flow 'f' of 'sw' a tombstone; 'w' (may be NULL) waits for
 * its removal. */
static void
fp_flow_undesire(struct sl_flowprog *fp, struct fp_switch *sw,
                 struct fp_flow *f, struct fp_waiter *w)
{
    fp_flow_supersede(fp, f);
    f->desired = false;
    sw->n_desired--;
    if (w) {
        sl_list_push_back(&f->waiting, &w->node);
    }
    if (sw->state != FP_SYNCED) {
        /* Reconciliation deletes it if the switch has it. */
        return;
    }
    if (f->sent_cmd != FP_CMD_NONE || f->on_switch) {
        f->cmd = OFPFC_DELETE_STRICT;
        fp_flow_schedule(fp, sw, f);
    } else {
        /* Never reached the switch: nothing to send. */
        fp_waiters_finish_later(fp, &f->waiting, 0);
        fp_flow_free(fp, sw, f);
    }
}

int
sl_flowprog_del(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner,
                uint8_t table_id, uint16_t priority,
                const struct ofp_match *match, sl_flow_done_cb *done,
                void *aux)
{
    if (fp->destroying) {
        return ESHUTDOWN;
    }
    struct fp_switch *sw = fp_switch_find(fp, dpid);
    if (!sw || !fp_canon_key(fp, table_id, priority, match)) {
        return ENOENT;
    }
    uint32_t hash = sl_hash_bytes(fp->key.data, fp->key.len, 0);
    struct fp_flow *f = fp_flow_find(sw, hash, fp->key.data, fp->key.len);
    if (!f || !f->desired) {
        return ENOENT;
    }
    if (f->owner != owner) {
        return EPERM;
    }
    fp_flow_undesire(fp, sw, f, fp_waiter_new(fp, dpid, done, aux));
    return 0;
}

static size_t
fp_switch_del_owner(struct sl_flowprog *fp, struct fp_switch *sw,
                    uint16_t owner)
{
    struct fp_flow *f;
    size_t n = 0;

    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        if (f->desired && f->owner == owner) {
            fp_flow_undesire(fp, sw, f, NULL);
            n++;
        }
    }
    return n;
}

size_t
sl_flowprog_del_owner(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner)
{
    struct fp_switch *sw;
    size_t n = 0;

    if (fp->destroying) {
        return 0;
    }
    if (dpid) {
        sw = fp_switch_find(fp, dpid);
        return sw ? fp_switch_del_owner(fp, sw, owner) : 0;
    }
    SL_HMAP_FOR_EACH_SAFE(sw, node, &fp->switches)
    {
        n += fp_switch_del_owner(fp, sw, owner);
    }
    return n;
}

bool
sl_flowprog_get(const struct sl_flowprog *fp_, uint64_t dpid, uint8_t table_id,
                uint16_t priority, const struct ofp_match *match,
                uint16_t *owner, uint64_t *cookie)
{
    /* Only the scratch buffers change: the programmer's state does not. */
    struct sl_flowprog *fp = (struct sl_flowprog *) fp_;
    struct fp_switch *sw = fp_switch_find(fp, dpid);

    if (!sw || !fp_canon_key(fp, table_id, priority, match)) {
        return false;
    }
    uint32_t hash = sl_hash_bytes(fp->key.data, fp->key.len, 0);
    const struct fp_flow *f =
        fp_flow_find(sw, hash, fp->key.data, fp->key.len);
    if (!f || !f->desired) {
        return false;
    }
    if (owner) {
        *owner = f->owner;
    }
    if (cookie) {
        *cookie = f->cookie;
    }
    return true;
}

/* Largest OXM a fixed scratch buffer takes: header, experimenter id, and
 * a payload of up to 255 bytes. */
#define FP_OXM_MAX (4 + 255)

/* Writes the wire form of 'oxm' to 'buf' (FP_OXM_MAX bytes); returns its
 * length, 0 if it did not fit. */
static size_t
fp_oxm_bytes(const struct ofp_oxm *oxm, uint8_t *buf)
{
    struct ofp_wbuf b;

    ofp_wbuf_use_fixed(&b, buf, FP_OXM_MAX);
    ofp_oxm_encode(&b, oxm);
    return b.overflow ? 0 : b.len;
}

/* True if flow OXM 'g' is at least as specific as filter OXM 'f' of the
 * same known basic field: every bit 'f' matches on, 'g' matches on too,
 * with the same value. */
static bool
fp_oxm_covers(const struct ofp_oxm *f, const struct ofp_oxm *g)
{
    const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(f->field);
    uint8_t fb[FP_OXM_MAX], gb[FP_OXM_MAX];

    if (!fi || !fp_oxm_bytes(f, fb) || !fp_oxm_bytes(g, gb)) {
        return false;
    }
    size_t w = fi->width;
    for (size_t i = 0; i < w; i++) {
        uint8_t fv = fb[4 + i], gv = gb[4 + i];
        uint8_t fm = f->has_mask ? fb[4 + w + i] : 0xff;
        uint8_t gm = g->has_mask ? gb[4 + w + i] : 0xff;
        if ((gm & fm) != fm || ((gv ^ fv) & fm)) {
            return false;
        }
    }
    return true;
}

/* True if 'flow' matches at least as specifically as 'filter' (the
 * non-strict OpenFlow DELETE and MODIFY): each OXM of 'filter' is covered
 * by the flow's OXM of the same field; an opaque OXM must be in the flow
 * as it is. */
static bool
fp_match_covers(const struct ofp_match *filter, const struct ofp_match *flow)
{
    for (size_t i = 0; i < filter->n_oxms; i++) {
        const struct ofp_oxm *f = &filter->oxms[i];
        bool found = false;

        for (size_t j = 0; j < flow->n_oxms && !found; j++) {
            const struct ofp_oxm *g = &flow->oxms[j];
            if (ofp_oxm_is_known(f) && ofp_oxm_is_known(g)) {
                found = f->field == g->field && fp_oxm_covers(f, g);
            } else {
                found = ofp_oxm_equal(f, g);
            }
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

/* True if an apply- or write-actions list of 'list' outputs to 'port'
 * (OFPP_ANY: always) and one sends to group 'group' (OFPG_ANY: always). */
static bool
fp_outputs_to(const struct ofp_instruction_list *list, uint32_t port,
              uint32_t group)
{
    bool port_ok = port == OFPP_ANY;
    bool group_ok = group == OFPG_ANY;

    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_instruction *inst = &list->instructions[i];
        if (inst->type != OFPIT_APPLY_ACTIONS &&
            inst->type != OFPIT_WRITE_ACTIONS) {
            continue;
        }
        for (size_t k = 0; k < inst->actions.n; k++) {
            const struct ofp_action *a = &inst->actions.actions[k];
            if (a->type == OFPAT_OUTPUT && a->output.port == port) {
                port_ok = true;
            } else if (a->type == OFPAT_GROUP && a->group_id == group) {
                group_ok = true;
            }
        }
    }
    return port_ok && group_ok;
}

/* Takes desired flow 'f' out of the desired table without sending
 * anything: its waiters are aborted.  While reconciling, the flow stats
 * under way may still show it: it stays as a tombstone that is not
 * adopted again (and deleted if the switch has it). */
static void
fp_flow_forget(struct sl_flowprog *fp, struct fp_switch *sw, struct fp_flow *f)
{
    if (sw->state != FP_RECONCILING) {
        fp_flow_free(fp, sw, f);
        return;
    }
    fp_flow_supersede(fp, f);
    sl_list_remove(&f->pending_node);
    f->cmd = FP_CMD_NONE;
    f->desired = false;
    f->no_adopt = true;
    sw->n_desired--;
}

size_t
sl_flowprog_forget_matching(struct sl_flowprog *fp, uint64_t dpid,
                            uint16_t owner, uint8_t table_id,
                            const struct ofp_match *match, uint32_t out_port,
                            uint32_t out_group, uint64_t cookie,
                            uint64_t cookie_mask)
{
    struct fp_switch *sw = fp_switch_find(fp, dpid);
    struct sl_flow_spec spec;
    struct fp_flow *f;
    size_t n = 0;

    if (fp->destroying || !sw) {
        return 0;
    }
    /* Decoding each flow costs O(n) per call: fine for the REST API. */
    SL_HMAP_FOR_EACH_SAFE(f, node, &sw->flows)
    {
        if (!f->desired || f->owner != owner ||
            (table_id != OFPTT_ALL && f->key[0] != table_id) ||
            ((f->cookie ^ cookie) & cookie_mask)) {
            continue;
        }
        ofp_arena_reset(&fp->arena);
        if (fp_flow_decode(&fp->arena, f, &spec) &&
            fp_match_covers(match, &spec.match) &&
            fp_outputs_to(&spec.instructions, out_port, out_group)) {
            fp_flow_forget(fp, sw, f);
            n++;
        }
    }
    ofp_arena_reset(&fp->arena);
    return n;
}

void
sl_flowprog_switch_up(struct sl_flowprog *fp, uint64_t dpid)
{
    if (!fp->destroying) {
        fp_reconcile_start(fp, fp_switch_get(fp, dpid));
    }
}

void
sl_flowprog_resync(struct sl_flowprog *fp, uint64_t dpid)
{
    struct fp_switch *sw = fp_switch_find(fp, dpid);

    if (fp->destroying || !sw || sw->state == FP_DISCONNECTED) {
        return;
    }
    if (sw->state == FP_SYNCED &&
        (!sl_list_is_empty(&sw->inflight) || sw->n_barriers)) {
        /* Let the batches in flight complete first (their waiters would
         * be aborted): nothing more is sent until then. */
        sw->resync = true;
        return;
    }
    fp_reconcile_start(fp, sw);
}

void
sl_flowprog_switch_down(struct sl_flowprog *fp, uint64_t dpid)
{
    struct fp_switch *sw = fp_switch_find(fp, dpid);

    if (sw && !fp->destroying) {
        fp_switch_lost(fp, sw);
    }
}

bool
sl_flowprog_handle(struct sl_flowprog *fp, uint64_t dpid,
                   const struct ofp_msg *msg)
{
    struct fp_switch *sw;

    /* Every message of every switch passes here: only the three kinds
     * the programmer waits for cost a lookup. */
    if ((msg->type != OFPT_BARRIER_REPLY && msg->type != OFPT_ERROR &&
         msg->type != OFPT_MULTIPART_REPLY) ||
        fp->destroying || !(sw = fp_switch_find(fp, dpid))) {
        return false;
    }
    switch (msg->type) {
    case OFPT_BARRIER_REPLY:
        return fp_handle_barrier(fp, sw, msg->xid);
    case OFPT_ERROR:
        return fp_handle_error(fp, sw, msg);
    case OFPT_MULTIPART_REPLY:
        if (sw->state != FP_RECONCILING || !sw->stats_pending ||
            msg->xid != sw->stats_xid) {
            return false;
        }
        fp_handle_flow_stats(fp, sw, &msg->mp_reply);
        return true;
    default:
        return false;
    }
}

size_t
sl_flowprog_n_flows(const struct sl_flowprog *fp, uint64_t dpid)
{
    const struct fp_switch *sw = fp_switch_find(fp, dpid);
    return sw ? sw->n_desired : 0;
}

bool
sl_flowprog_is_synced(const struct sl_flowprog *fp, uint64_t dpid)
{
    const struct fp_switch *sw = fp_switch_find(fp, dpid);
    return sw && sw->state == FP_SYNCED && sl_list_is_empty(&sw->pending) &&
           sl_list_is_empty(&sw->inflight) && !sw->n_barriers;
}

const struct sl_flowprog_stats *
sl_flowprog_stats(const struct sl_flowprog *fp)
{
    return &fp->stats;
}
