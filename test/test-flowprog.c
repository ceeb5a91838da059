/* Unit tests of the flow programmer (controller/flowprog.c).
 *
 * The programmer reaches switches only through its ops, so a fake records
 * every message it is asked to send (encoded, as a connection would) and
 * the tests answer as a switch would: barrier replies, errors, flow stats
 * replies, each encoded and decoded again into a buffer freed right after
 * the call, so nothing may keep pointers into it.  The deferred flush runs
 * with event_base_loop(EVLOOP_NONBLOCK); the tests of answers that never
 * come set a short reply timeout and run the loop, timers included, until
 * the programmer gives up (run_for(), RUN_UNTIL()): they assert what it
 * does, and that it does not give up early, never how fast it is. */
#include <config.h>
#include "controller/flowprog.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <event2/event.h>
#include "controller/log.h"
#include "test/test-util.h"

#define DPID UINT64_C(0x1)
#define DPID2 UINT64_C(0x2)
#define OWNER 7
#define OWNER2 9
#define FOREIGN_COOKIE UINT64_C(0x1234)

/* ---- the fake switch side ---- */

struct sent {
    uint64_t dpid;
    uint32_t xid;
    uint8_t *bytes;
    size_t len;
};

struct error_rec {
    uint64_t dpid;
    uint16_t owner;
    enum ofperr code;
    uint16_t err_type;
    uint16_t err_code;
    uint8_t table_id;
    uint16_t priority;
    uint32_t in_port;
    size_t n_inst;
};

static struct {
    struct sent *sent;
    size_t n_sent, cap;
    uint32_t next_xid;
    int fail; /* errno for send, 0: success */
    struct error_rec errors[8];
    size_t n_errors;
    size_t n_reconciled;
    uint64_t rec_dpid;
    size_t kept, added, modified, deleted, adopted, foreign;
    /* adopt: owners that adopt, and the calls seen */
    uint16_t adopters[4];
    size_t n_adopters;
    size_t n_adopt_calls;
    uint16_t last_adopt_owner;
} fk;

static struct event_base *base;
static struct sl_flowprog *fp;
static struct ofp_arena arena; /* decoded sent messages */
static bool in_api;            /* inside sl_flowprog_add/del */
static char last_reconciled[SL_LOG_LINE_MAX + 1];

struct done_rec {
    int calls;
    enum ofperr result;
    uint64_t dpid;
};

/* Completion records outlive the test body: the fixture's teardown
 * destroys the programmer, which completes what is still outstanding. */
static struct done_rec done_pool[64];
static size_t n_done_pool;

static int
fake_send(void *aux, uint64_t dpid, struct ofp_msg *msg, uint32_t *xid)
{
    struct ofp_wbuf b;

    ck_assert_ptr_eq(aux, &fk);
    if (fk.fail) {
        return fk.fail;
    }
    *xid = ++fk.next_xid;
    msg->xid = *xid;
    ofp_wbuf_init(&b);
    ck_assert_int_eq(ofp_msg_encode(&b, msg), 0);
    if (fk.n_sent == fk.cap) {
        fk.cap = fk.cap ? 2 * fk.cap : 64;
        fk.sent = realloc(fk.sent, fk.cap * sizeof *fk.sent);
        ck_assert_ptr_nonnull(fk.sent);
    }
    struct sent *s = &fk.sent[fk.n_sent++];
    s->dpid = dpid;
    s->xid = *xid;
    s->len = b.len;
    s->bytes = malloc(b.len);
    ck_assert_ptr_nonnull(s->bytes);
    memcpy(s->bytes, b.data, b.len);
    ofp_wbuf_uninit(&b);
    return 0;
}

static void
fake_error(void *aux, uint64_t dpid, uint16_t owner,
           const struct sl_flow_spec *flow, enum ofperr code,
           const struct ofp_error_msg *err)
{
    ck_assert_ptr_eq(aux, &fk);
    ck_assert_uint_lt(fk.n_errors, 8);
    struct error_rec *e = &fk.errors[fk.n_errors++];
    e->dpid = dpid;
    e->owner = owner;
    e->code = code;
    e->err_type = err->type;
    e->err_code = err->code;
    e->table_id = flow->table_id;
    e->priority = flow->priority;
    const struct ofp_oxm *in_port =
        ofp_match_find(&flow->match, OFPXMT_OFB_IN_PORT);
    e->in_port = in_port ? in_port->value.u32 : 0;
    e->n_inst = flow->instructions.n;
}

static void
fake_reconciled(void *aux, uint64_t dpid, size_t kept, size_t added,
                size_t modified, size_t deleted, size_t adopted,
                size_t foreign)
{
    ck_assert_ptr_eq(aux, &fk);
    fk.n_reconciled++;
    fk.rec_dpid = dpid;
    fk.kept = kept;
    fk.added = added;
    fk.modified = modified;
    fk.deleted = deleted;
    fk.adopted = adopted;
    fk.foreign = foreign;
}

static bool
fake_adopt(void *aux, uint16_t owner)
{
    ck_assert_ptr_eq(aux, &fk);
    fk.n_adopt_calls++;
    fk.last_adopt_owner = owner;
    for (size_t i = 0; i < fk.n_adopters; i++) {
        if (fk.adopters[i] == owner) {
            return true;
        }
    }
    return false;
}

static const struct sl_flowprog_ops fake_ops = {
    .send = fake_send,
    .error = fake_error,
    .reconciled = fake_reconciled,
    .adopt = fake_adopt,
};

static void
log_sink(void *aux, enum sl_log_target target, int priority,
         enum sl_log_level level, const char *module, const char *text,
         size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) level;
    /* Keep the message: after "|module|", without the newline. */
    const char *msg = strstr(text, "|flowprog|");
    if (!strcmp(module, "flowprog") && msg && strstr(msg, "reconciled")) {
        msg += strlen("|flowprog|");
        size_t n = len - (size_t) (msg - text);
        while (n && msg[n - 1] == '\n') {
            n--;
        }
        snprintf(last_reconciled, sizeof last_reconciled, "%.*s", (int) n,
                 msg);
    }
}

static void
setup(void)
{
    memset(&fk, 0, sizeof fk);
    memset(done_pool, 0, sizeof done_pool);
    n_done_pool = 0;
    last_reconciled[0] = '\0';
    sl_log_reset();
    sl_log_set_sink(log_sink, NULL);
    ofp_arena_init(&arena);
    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    fp = sl_flowprog_create(base, &fake_ops, &fk, false);
    ck_assert_ptr_nonnull(fp);
}

static void
teardown(void)
{
    sl_flowprog_destroy(fp);
    fp = NULL;
    event_base_free(base);
    for (size_t i = 0; i < fk.n_sent; i++) {
        free(fk.sent[i].bytes);
    }
    free(fk.sent);
    ofp_arena_uninit(&arena);
    sl_log_reset();
}

/* Runs one loop pass (the deferred flush). */
static void
run(void)
{
    ck_assert_int_ne(event_base_loop(base, EVLOOP_NONBLOCK), -1);
}

/* Wall-clock seconds: the programmer's watch counts in the loop's cached
 * wall time. */
static double
wall_now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

/* Runs the loop, timers included, for 'seconds'. */
static void
run_for(double seconds)
{
    struct timeval tv;

    tv.tv_sec = (time_t) seconds;
    tv.tv_usec = (suseconds_t) ((seconds - (double) tv.tv_sec) * 1e6);
    ck_assert_int_eq(event_base_loopexit(base, &tv), 0);
    ck_assert_int_ne(event_base_loop(base, 0), -1);
}

/* The longest RUN_UNTIL() waits: ample under valgrind, and below the 4 s
 * libcheck gives a forked test. */
#define RUN_CAP 3.0

/* Runs the loop in short steps until COND holds; fails the test if it
 * does not within RUN_CAP seconds. */
#define RUN_UNTIL(COND)                                                       \
    do {                                                                      \
        double run_until_start_ = wall_now();                                 \
        while (!(COND)) {                                                     \
            ck_assert_msg(wall_now() - run_until_start_ < RUN_CAP,            \
                          "not within %g s: %s", RUN_CAP, #COND);             \
            run_for(0.005);                                                   \
        }                                                                     \
    } while (0)

/* Decodes sent message 'i' (valid until teardown). */
static struct ofp_msg
sent_msg(size_t i)
{
    struct ofp_msg msg;

    ck_assert_uint_lt(i, fk.n_sent);
    ck_assert_int_eq(
        ofp_msg_decode(fk.sent[i].bytes, fk.sent[i].len, &msg, &arena), 0);
    ck_assert_uint_eq(msg.xid, fk.sent[i].xid);
    return msg;
}

static uint8_t
sent_type(size_t i)
{
    ck_assert_uint_lt(i, fk.n_sent);
    return fk.sent[i].bytes[1];
}

/* Counts sent messages of 'type' from index 'from' on. */
static size_t
count_sent(uint8_t type, size_t from)
{
    size_t n = 0;
    for (size_t i = from; i < fk.n_sent; i++) {
        n += sent_type(i) == type;
    }
    return n;
}

/* Index of the last sent message of 'type'. */
static size_t
last_sent(uint8_t type)
{
    for (size_t i = fk.n_sent; i-- > 0;) {
        if (sent_type(i) == type) {
            return i;
        }
    }
    ck_abort_msg("no %s sent", ofp_type_name(type));
    return 0;
}

/* Hands 'msg' to the programmer as a connection would: encoded, decoded
 * again into a buffer that is freed right after the call. */
static bool
deliver(uint64_t dpid, const struct ofp_msg *msg)
{
    struct ofp_wbuf b;
    struct ofp_arena a;
    struct ofp_msg copy;

    ofp_wbuf_init(&b);
    ck_assert_int_eq(ofp_msg_encode(&b, msg), 0);
    uint8_t *buf = malloc(b.len);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, b.data, b.len);
    ofp_arena_init(&a);
    ck_assert_int_eq(ofp_msg_decode(buf, b.len, &copy, &a), 0);
    bool mine = sl_flowprog_handle(fp, dpid, &copy);
    memset(buf, 0xa5, b.len);
    free(buf);
    ofp_arena_uninit(&a);
    ofp_wbuf_uninit(&b);
    return mine;
}

static bool
reply_barrier(uint64_t dpid, uint32_t xid)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_BARRIER_REPLY, xid);
    return deliver(dpid, &msg);
}

/* Answers every unanswered barrier sent so far. */
static void
reply_all_barriers(uint64_t dpid, size_t from)
{
    for (size_t i = from; i < fk.n_sent; i++) {
        if (sent_type(i) == OFPT_BARRIER_REQUEST && fk.sent[i].dpid == dpid) {
            ck_assert(reply_barrier(dpid, fk.sent[i].xid));
        }
    }
}

static bool
reply_error(uint64_t dpid, uint32_t xid, uint16_t type, uint16_t code)
{
    static const uint8_t data[8] = {4, OFPT_FLOW_MOD, 0, 8};
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_ERROR, xid);
    msg.error.type = type;
    msg.error.code = code;
    msg.error.data = data;
    msg.error.len = sizeof data;
    return deliver(dpid, &msg);
}

static bool
reply_flow_stats(uint64_t dpid, uint32_t xid, struct ofp_flow_stats *stats,
                 size_t n, bool more)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_MULTIPART_REPLY, xid);
    msg.mp_reply.type = OFPMP_FLOW;
    msg.mp_reply.flags = more ? OFPMPF_REPLY_MORE : 0;
    msg.mp_reply.flow.n = n;
    msg.mp_reply.flow.stats = stats;
    return deliver(dpid, &msg);
}

/* Connects 'dpid' and answers its flow stats request with no flows. */
static void
sync_empty(uint64_t dpid)
{
    size_t from = fk.n_sent;
    sl_flowprog_switch_up(fp, dpid);
    ck_assert_uint_eq(fk.n_sent, from + 1);
    ck_assert(reply_flow_stats(dpid, fk.sent[from].xid, NULL, 0, false));
}

/* ---- flows ---- */

struct tflow {
    struct ofp_oxm oxms[4];
    struct ofp_action actions[2];
    struct ofp_instruction inst[2];
    struct sl_flow_spec spec;
};

/* in_port=IN, ip, ipv4_dst=10.0.0.DST -> apply(output:OUT), table 0. */
static void
tflow_init(struct tflow *t, uint16_t priority, uint32_t in, uint32_t dst,
           uint32_t out)
{
    memset(t, 0, sizeof *t);
    ofp_oxm_init_basic(&t->oxms[0], OFPXMT_OFB_IN_PORT);
    t->oxms[0].value.u32 = in;
    ofp_oxm_init_basic(&t->oxms[1], OFPXMT_OFB_ETH_TYPE);
    t->oxms[1].value.u16 = 0x0800;
    ofp_oxm_init_basic(&t->oxms[2], OFPXMT_OFB_IPV4_DST);
    t->oxms[2].value.u32 = 0x0a000000 | dst;
    t->actions[0].type = OFPAT_OUTPUT;
    t->actions[0].output.port = out;
    t->inst[0].type = OFPIT_APPLY_ACTIONS;
    t->inst[0].actions.n = 1;
    t->inst[0].actions.actions = t->actions;
    t->spec.table_id = 0;
    t->spec.priority = priority;
    t->spec.match.type = OFPMT_OXM;
    t->spec.match.n_oxms = 3;
    t->spec.match.oxms = t->oxms;
    t->spec.instructions.n = 1;
    t->spec.instructions.instructions = t->inst;
}

/* What a switch would report for 't' installed with 'cookie'. */
static struct ofp_flow_stats
tflow_stats(const struct tflow *t, uint64_t cookie)
{
    struct ofp_flow_stats fs;
    memset(&fs, 0, sizeof fs);
    fs.table_id = t->spec.table_id;
    fs.priority = t->spec.priority;
    fs.idle_timeout = t->spec.idle_timeout;
    fs.hard_timeout = t->spec.hard_timeout;
    fs.flags = t->spec.flags;
    fs.cookie = cookie;
    fs.match = t->spec.match;
    fs.instructions = t->spec.instructions;
    return fs;
}

/* ---- completions ---- */

static struct done_rec *
done_new(size_t n)
{
    ck_assert_uint_le(n_done_pool + n, 64);
    struct done_rec *d = &done_pool[n_done_pool];
    n_done_pool += n;
    return d;
}

static void
done_cb(void *aux, uint64_t dpid, enum ofperr error)
{
    struct done_rec *d = aux;
    ck_assert(!in_api);
    d->calls++;
    d->result = error;
    d->dpid = dpid;
}

static int
add(uint64_t dpid, uint16_t owner, const struct tflow *t, struct done_rec *d)
{
    in_api = true;
    int error =
        sl_flowprog_add(fp, dpid, owner, &t->spec, d ? done_cb : NULL, d);
    in_api = false;
    return error;
}

static int
del(uint64_t dpid, uint16_t owner, const struct tflow *t, struct done_rec *d)
{
    in_api = true;
    int error =
        sl_flowprog_del(fp, dpid, owner, t->spec.table_id, t->spec.priority,
                        &t->spec.match, d ? done_cb : NULL, d);
    in_api = false;
    return error;
}

static uint32_t
flow_mod_in_port(const struct ofp_msg *m)
{
    const struct ofp_oxm *o =
        ofp_match_find(&m->flow_mod.match, OFPXMT_OFB_IN_PORT);
    ck_assert_ptr_nonnull(o);
    return o->value.u32;
}

/* Index of the first FLOW_MOD from 'from' on for 10.0.0.'dst'. */
static size_t
find_flow_mod(size_t from, uint32_t dst)
{
    for (size_t i = from; i < fk.n_sent; i++) {
        if (sent_type(i) != OFPT_FLOW_MOD) {
            continue;
        }
        struct ofp_msg m = sent_msg(i);
        const struct ofp_oxm *o =
            ofp_match_find(&m.flow_mod.match, OFPXMT_OFB_IPV4_DST);
        if (o && o->value.u32 == (0x0a000000 | dst)) {
            return i;
        }
    }
    ck_abort_msg("no FLOW_MOD for 10.0.0.%u", dst);
    return 0;
}

static uint32_t
flow_mod_out_port(const struct ofp_msg *m)
{
    ck_assert_uint_eq(m->flow_mod.instructions.n, 1);
    const struct ofp_instruction *i =
        &m->flow_mod.instructions.instructions[0];
    ck_assert_uint_eq(i->type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(i->actions.n, 1);
    ck_assert_uint_eq(i->actions.actions[0].type, OFPAT_OUTPUT);
    return i->actions.actions[0].output.port;
}

/* ---- tests: connecting ---- */

START_TEST(test_add_before_connect_sends_nothing)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, 0);
    ck_assert_int_eq(d->calls, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_switch_up_requests_flow_stats)
{
    sl_flowprog_switch_up(fp, DPID);
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert_uint_eq(fk.sent[0].dpid, DPID);
    struct ofp_msg m = sent_msg(0);
    ck_assert_uint_eq(m.type, OFPT_MULTIPART_REQUEST);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_FLOW);
    ck_assert_uint_eq(m.mp_request.flags, 0);
    ck_assert_uint_eq(m.mp_request.flow.table_id, OFPTT_ALL);
    ck_assert_uint_eq(m.mp_request.flow.out_port, OFPP_ANY);
    ck_assert_uint_eq(m.mp_request.flow.out_group, OFPG_ANY);
    ck_assert_uint_eq(m.mp_request.flow.cookie, 0);
    ck_assert_uint_eq(m.mp_request.flow.cookie_mask, 0);
    ck_assert_uint_eq(m.mp_request.flow.match.n_oxms, 0);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_changes_while_reconciling_are_recorded_only)
{
    struct tflow t;

    sl_flowprog_switch_up(fp, DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, NULL, 0, false));
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
}
END_TEST

START_TEST(test_empty_stats_reply_adds_then_barrier)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    tflow_init(&t, 100, 1, 1, 2);
    t.spec.idle_timeout = 30;
    t.spec.hard_timeout = 60;
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    sync_empty(DPID);
    ck_assert_uint_eq(fk.n_sent, 1); /* deferred to the loop */
    ck_assert_int_eq(d->calls, 0);
    run();
    ck_assert_uint_eq(fk.n_sent, 3);
    struct ofp_msg m = sent_msg(1);
    ck_assert_uint_eq(m.type, OFPT_FLOW_MOD);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.table_id, 0);
    ck_assert_uint_eq(m.flow_mod.priority, 100);
    ck_assert_uint_eq(m.flow_mod.idle_timeout, 30);
    ck_assert_uint_eq(m.flow_mod.hard_timeout, 60);
    ck_assert_uint_eq(m.flow_mod.buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(m.flow_mod.out_port, OFPP_ANY);
    ck_assert_uint_eq(m.flow_mod.out_group, OFPG_ANY);
    ck_assert_uint_eq(m.flow_mod.flags, 0);
    ck_assert(SL_COOKIE_IS_SLUICE(m.flow_mod.cookie));
    ck_assert_uint_eq(SL_COOKIE_OWNER(m.flow_mod.cookie), OWNER);
    ck_assert_uint_eq(m.flow_mod.match.n_oxms, 3);
    ck_assert_uint_eq(flow_mod_in_port(&m), 1);
    ck_assert_uint_eq(flow_mod_out_port(&m), 2);
    ck_assert_uint_eq(sent_type(2), OFPT_BARRIER_REQUEST);
    run();
    ck_assert_int_eq(d->calls, 0);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    ck_assert(reply_barrier(DPID, fk.sent[2].xid));
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
    ck_assert_uint_eq(d->dpid, DPID);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert_uint_eq(fk.added, 1);
    const struct sl_flowprog_stats *st = sl_flowprog_stats(fp);
    ck_assert_uint_eq(st->flow_mods, 1);
    ck_assert_uint_eq(st->barriers, 1);
    ck_assert_uint_eq(st->errors, 0);
    ck_assert_uint_eq(st->reconciliations, 1);
}
END_TEST

START_TEST(test_add_flags_only_from_spec)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    t.spec.flags = OFPFF_SEND_FLOW_REM;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.flags, OFPFF_SEND_FLOW_REM);
    ck_assert_uint_eq(m.flow_mod.flags & OFPFF_CHECK_OVERLAP, 0);
}
END_TEST

START_TEST(test_add_while_synced_one_batch_per_pass)
{
    struct tflow t[3];
    struct done_rec *d = done_new(3);

    sync_empty(DPID);
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    for (int i = 0; i < 3; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i + 1, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], &d[i]), 0);
    }
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    run();
    ck_assert_uint_eq(fk.n_sent, 5);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 1), 3);
    ck_assert_uint_eq(sent_type(4), OFPT_BARRIER_REQUEST);
    run();
    ck_assert_uint_eq(fk.n_sent, 5);
    ck_assert(reply_barrier(DPID, fk.sent[4].xid));
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(d[i].calls, 1);
        ck_assert_int_eq(d[i].result, 0);
    }
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_1200_adds_three_batches)
{
    enum { N = 1200 };
    static struct tflow t[N];
    size_t from;

    sync_empty(DPID);
    run();
    from = fk.n_sent;
    for (int i = 0; i < N; i++) {
        tflow_init(&t[i], (uint16_t) (100 + i / 250), 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], NULL), 0);
    }
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), N);
    run();
    ck_assert_uint_eq(fk.n_sent - from, N + 3);
    size_t in_batch = 0, batches = 0;
    size_t sizes[3] = {0};
    for (size_t i = from; i < fk.n_sent; i++) {
        if (sent_type(i) == OFPT_BARRIER_REQUEST) {
            ck_assert_uint_lt(batches, 3);
            sizes[batches++] = in_batch;
            in_batch = 0;
        } else {
            ck_assert_uint_eq(sent_type(i), OFPT_FLOW_MOD);
            in_batch++;
        }
    }
    ck_assert_uint_eq(in_batch, 0);
    ck_assert_uint_eq(batches, 3);
    ck_assert_uint_eq(sizes[0], SL_FLOWPROG_BATCH_MAX);
    ck_assert_uint_eq(sizes[1], SL_FLOWPROG_BATCH_MAX);
    ck_assert_uint_eq(sizes[2], N - 2 * SL_FLOWPROG_BATCH_MAX);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    reply_all_barriers(DPID, from);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(sl_flowprog_stats(fp)->flow_mods, N);
    ck_assert_uint_eq(sl_flowprog_stats(fp)->barriers, 3);
}
END_TEST

/* At most SL_FLOWPROG_WINDOW batches are unanswered: the rest of a large
 * table waits for barrier replies instead of piling up in the output. */
START_TEST(test_window_holds_back_batches_until_barriers_return)
{
    enum { N = (SL_FLOWPROG_WINDOW + 2) * SL_FLOWPROG_BATCH_MAX };
    static struct tflow t[N];

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    for (int i = 0; i < N; i++) {
        tflow_init(&t[i], (uint16_t) (100 + i / 1000), 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], NULL), 0);
    }
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from),
                      SL_FLOWPROG_WINDOW * SL_FLOWPROG_BATCH_MAX);
    ck_assert_uint_eq(count_sent(OFPT_BARRIER_REQUEST, from),
                      SL_FLOWPROG_WINDOW);
    run();
    ck_assert_uint_eq(count_sent(OFPT_BARRIER_REQUEST, from),
                      SL_FLOWPROG_WINDOW);

    /* One reply makes room for one more batch. */
    size_t first = from;
    while (sent_type(first) != OFPT_BARRIER_REQUEST) {
        first++;
    }
    ck_assert(reply_barrier(DPID, fk.sent[first].xid));
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from),
                      (SL_FLOWPROG_WINDOW + 1) * SL_FLOWPROG_BATCH_MAX);
    ck_assert_uint_eq(count_sent(OFPT_BARRIER_REQUEST, from),
                      SL_FLOWPROG_WINDOW + 1);

    for (int pass = 0; pass < 3; pass++) {
        reply_all_barriers(DPID, first + 1);
        first = fk.n_sent;
        run();
    }
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), N);
    ck_assert_uint_eq(sl_flowprog_stats(fp)->barriers, SL_FLOWPROG_WINDOW + 2);
}
END_TEST

START_TEST(test_barrier_reply_answers_earlier_batches)
{
    enum { N = 600 };
    static struct tflow t[N];
    static struct done_rec d[N];

    memset(d, 0, sizeof d);
    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    for (int i = 0; i < N; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], &d[i]), 0);
    }
    run();
    /* Only the second barrier is answered: it covers both batches. */
    ck_assert(
        reply_barrier(DPID, fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid));
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(d[i].calls, 1);
        ck_assert_int_eq(d[i].result, 0);
    }
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    /* The first barrier's late reply is no longer the programmer's. */
    ck_assert(!reply_barrier(DPID, fk.sent[from + SL_FLOWPROG_BATCH_MAX].xid));
}
END_TEST

/* ---- tests: identity and re-adds ---- */

START_TEST(test_identical_readd_sends_nothing)
{
    struct tflow t;
    struct done_rec *d1 = done_new(1);
    struct done_rec *d2 = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d1), 0);
    run();
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d1->calls, 1);
    size_t before = fk.n_sent;

    ck_assert_int_eq(add(DPID, OWNER, &t, d2), 0);
    ck_assert_int_eq(d2->calls, 0); /* never from inside add */
    run();
    ck_assert_uint_eq(fk.n_sent, before);
    ck_assert_int_eq(d2->calls, 1);
    ck_assert_int_eq(d2->result, 0);
    ck_assert_int_eq(d1->calls, 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
}
END_TEST

START_TEST(test_identical_readd_in_flight_joins_change)
{
    struct tflow t;
    struct done_rec *d1 = done_new(1);
    struct done_rec *d2 = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d1), 0);
    run();
    size_t before = fk.n_sent;
    ck_assert_int_eq(add(DPID, OWNER, &t, d2), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, before);
    ck_assert_int_eq(d2->calls, 0);
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d1->calls, 1);
    ck_assert_int_eq(d1->result, 0);
    ck_assert_int_eq(d2->calls, 1);
    ck_assert_int_eq(d2->result, 0);
}
END_TEST

START_TEST(test_changed_readd_sends_add_and_aborts_old_done)
{
    struct tflow t, t2;
    struct done_rec *d1 = done_new(1);
    struct done_rec *d2 = done_new(1);

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    tflow_init(&t, 100, 1, 1, 2);
    tflow_init(&t2, 100, 1, 1, 3);
    ck_assert_int_eq(add(DPID, OWNER, &t, d1), 0);
    ck_assert_int_eq(add(DPID, OWNER, &t2, d2), 0);
    ck_assert_int_eq(d1->calls, 0);
    run();
    ck_assert_int_eq(d1->calls, 1);
    ck_assert_int_eq(d1->result, SL_FLOW_ABORTED);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(flow_mod_out_port(&m), 3);
    reply_all_barriers(DPID, from);
    ck_assert_int_eq(d2->calls, 1);
    ck_assert_int_eq(d2->result, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
}
END_TEST

START_TEST(test_changed_readd_in_flight_waits_for_barrier)
{
    struct tflow t, t2;
    struct done_rec *d1 = done_new(1);
    struct done_rec *d2 = done_new(1);

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    tflow_init(&t, 100, 1, 1, 2);
    tflow_init(&t2, 100, 1, 1, 3);
    ck_assert_int_eq(add(DPID, OWNER, &t, d1), 0);
    run();
    uint32_t barrier1 = fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid;
    ck_assert_int_eq(add(DPID, OWNER, &t2, d2), 0);
    run();
    /* The first change is superseded, the second waits for its batch. */
    ck_assert_int_eq(d1->calls, 1);
    ck_assert_int_eq(d1->result, SL_FLOW_ABORTED);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    ck_assert(reply_barrier(DPID, barrier1));
    ck_assert_int_eq(d1->calls, 1);
    ck_assert_int_eq(d2->calls, 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 2);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(flow_mod_out_port(&m), 3);
    ck_assert(
        reply_barrier(DPID, fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid));
    ck_assert_int_eq(d2->calls, 1);
    ck_assert_int_eq(d2->result, 0);
}
END_TEST

START_TEST(test_readd_by_other_owner_replaces_cookie)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    size_t from = fk.n_sent;
    ck_assert_int_eq(add(DPID, OWNER2, &t, NULL), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(SL_COOKIE_OWNER(m.flow_mod.cookie), OWNER2);
    ck_assert_int_eq(del(DPID, OWNER, &t, NULL), EPERM);
    ck_assert_int_eq(del(DPID, OWNER2, &t, NULL), 0);
}
END_TEST

START_TEST(test_oxm_order_does_not_matter)
{
    struct tflow t, r;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    size_t before = fk.n_sent;

    tflow_init(&r, 100, 1, 1, 2);
    r.oxms[0] = t.oxms[2];
    r.oxms[1] = t.oxms[0];
    r.oxms[2] = t.oxms[1];
    ck_assert_int_eq(add(DPID, OWNER, &r, NULL), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, before);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);

    ck_assert_int_eq(del(DPID, OWNER, &r, NULL), 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
}
END_TEST

START_TEST(test_identity_is_table_priority_match)
{
    struct tflow a, b, c;

    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 101, 1, 1, 2);
    tflow_init(&c, 100, 1, 1, 2);
    c.spec.table_id = 1;
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &b, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &c, NULL), 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 3);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID2), 0);
    ck_assert_int_eq(add(DPID2, OWNER, &a, NULL), 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID2), 1);
}
END_TEST

START_TEST(test_match_all_flow)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 0, 1, 1, OFPP_CONTROLLER);
    t.spec.match.n_oxms = 0;
    t.spec.match.oxms = NULL;
    t.spec.match.type = 0; /* a zeroed match means "all" too */
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.match.type, OFPMT_OXM);
    ck_assert_uint_eq(m.flow_mod.match.n_oxms, 0);
    ck_assert_uint_eq(m.flow_mod.priority, 0);
}
END_TEST

/* ---- tests: deleting ---- */

START_TEST(test_del_sends_delete_strict_with_cookie)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    uint64_t cookie = sent_msg(last_sent(OFPT_FLOW_MOD)).flow_mod.cookie;
    reply_all_barriers(DPID, 0);
    size_t from = fk.n_sent;

    ck_assert_int_eq(del(DPID, OWNER, &t, d), 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, from + 2);
    struct ofp_msg m = sent_msg(from);
    ck_assert_uint_eq(m.type, OFPT_FLOW_MOD);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie);
    ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
    ck_assert_uint_eq(m.flow_mod.priority, 100);
    ck_assert_uint_eq(m.flow_mod.table_id, 0);
    ck_assert_uint_eq(m.flow_mod.out_port, OFPP_ANY);
    ck_assert_uint_eq(m.flow_mod.out_group, OFPG_ANY);
    ck_assert_uint_eq(m.flow_mod.match.n_oxms, 3);
    ck_assert_uint_eq(flow_mod_in_port(&m), 1);
    ck_assert_uint_eq(m.flow_mod.instructions.n, 0);
    ck_assert_uint_eq(sent_type(from + 1), OFPT_BARRIER_REQUEST);
    ck_assert_int_eq(d->calls, 0);
    ck_assert(reply_barrier(DPID, fk.sent[from + 1].xid));
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
    ck_assert_int_eq(del(DPID, OWNER, &t, NULL), ENOENT);
}
END_TEST

START_TEST(test_del_unknown_is_enoent)
{
    struct tflow t, u;

    tflow_init(&t, 100, 1, 1, 2);
    tflow_init(&u, 100, 1, 2, 2);
    ck_assert_int_eq(del(DPID, OWNER, &t, NULL), ENOENT); /* no switch */
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    ck_assert_int_eq(del(DPID, OWNER, &u, NULL), ENOENT);
    u.spec.priority = 101;
    ck_assert_int_eq(del(DPID, OWNER, &u, NULL), ENOENT);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
}
END_TEST

START_TEST(test_del_by_other_owner_is_eperm)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    ck_assert_int_eq(del(DPID, OWNER2, &t, d), EPERM);
    run();
    ck_assert_int_eq(d->calls, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
}
END_TEST

START_TEST(test_del_before_send_sends_nothing)
{
    struct tflow t;
    struct done_rec *da = done_new(1);
    struct done_rec *dd = done_new(1);

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, da), 0);
    ck_assert_int_eq(del(DPID, OWNER, &t, dd), 0);
    ck_assert_int_eq(dd->calls, 0);
    run();
    ck_assert_uint_eq(fk.n_sent, from);
    ck_assert_int_eq(da->calls, 1);
    ck_assert_int_eq(da->result, SL_FLOW_ABORTED);
    ck_assert_int_eq(dd->calls, 1);
    ck_assert_int_eq(dd->result, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_del_in_flight_follows_after_barrier)
{
    struct tflow t;
    struct done_rec *da = done_new(1);
    struct done_rec *dd = done_new(1);

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, da), 0);
    run();
    ck_assert_int_eq(del(DPID, OWNER, &t, dd), 0);
    run();
    ck_assert_int_eq(da->calls, 1);
    ck_assert_int_eq(da->result, SL_FLOW_ABORTED);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    reply_all_barriers(DPID, from);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 2);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_int_eq(dd->calls, 0);
    ck_assert(
        reply_barrier(DPID, fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid));
    ck_assert_int_eq(dd->calls, 1);
    ck_assert_int_eq(dd->result, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_del_owner_counts)
{
    struct tflow t[6];

    for (int i = 0; i < 6; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
    }
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(add(DPID, OWNER, &t[i], NULL), 0);
    }
    ck_assert_int_eq(add(DPID, OWNER2, &t[3], NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER2, &t[4], NULL), 0);
    ck_assert_int_eq(add(DPID2, OWNER, &t[5], NULL), 0);

    ck_assert_uint_eq(sl_flowprog_del_owner(fp, DPID, OWNER), 3);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID2), 1);
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, DPID, OWNER), 0);
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, 0, OWNER), 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID2), 0);
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, 0, OWNER2), 2);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, UINT64_C(0x99), OWNER), 0);
}
END_TEST

START_TEST(test_del_owner_synced_sends_deletes)
{
    struct tflow t[3];

    sync_empty(DPID);
    for (int i = 0; i < 3; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, i < 2 ? OWNER : OWNER2, &t[i], NULL), 0);
    }
    run();
    reply_all_barriers(DPID, 0);
    size_t from = fk.n_sent;
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, DPID, OWNER), 2);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 2);
    for (size_t i = from; i < from + 2; i++) {
        struct ofp_msg m = sent_msg(i);
        ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
        ck_assert_uint_eq(SL_COOKIE_OWNER(m.flow_mod.cookie), OWNER);
    }
}
END_TEST

/* ---- tests: errors ---- */

START_TEST(test_error_attributed_to_one_flow)
{
    struct tflow t[3];
    struct done_rec *d = done_new(3);

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;
    for (int i = 0; i < 3; i++) {
        tflow_init(&t[i], (uint16_t) (200 + i), (uint32_t) (10 + i),
                   (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, i == 1 ? OWNER2 : OWNER, &t[i], &d[i]), 0);
    }
    run();
    ck_assert_uint_eq(fk.n_sent, from + 4);
    /* Which FLOW_MOD carries flow 1 (send order is not specified). */
    size_t bad = SIZE_MAX;
    for (size_t i = from; i < from + 3; i++) {
        struct ofp_msg m = sent_msg(i);
        if (flow_mod_in_port(&m) == 11) {
            bad = i;
        }
    }
    ck_assert_uint_ne(bad, SIZE_MAX);
    ck_assert(reply_error(DPID, fk.sent[bad].xid, OFPET_BAD_ACTION,
                          4 /* OFPBAC_BAD_OUT_PORT */));
    ck_assert_uint_eq(fk.n_errors, 1);
    ck_assert_uint_eq(fk.errors[0].dpid, DPID);
    ck_assert_uint_eq(fk.errors[0].owner, OWNER2);
    ck_assert_int_eq(fk.errors[0].code, OFPERR_OFPBAC_BAD_OUT_PORT);
    ck_assert_uint_eq(fk.errors[0].err_type, OFPET_BAD_ACTION);
    ck_assert_uint_eq(fk.errors[0].err_code, 4);
    ck_assert_uint_eq(fk.errors[0].priority, 201);
    ck_assert_uint_eq(fk.errors[0].table_id, 0);
    ck_assert_uint_eq(fk.errors[0].in_port, 11);
    ck_assert_uint_eq(fk.errors[0].n_inst, 1);
    ck_assert_int_eq(d[1].calls, 1);
    ck_assert_int_eq(d[1].result, OFPERR_OFPBAC_BAD_OUT_PORT);
    ck_assert_int_eq(d[0].calls, 0);
    ck_assert_int_eq(d[2].calls, 0);

    ck_assert(reply_barrier(DPID, fk.sent[from + 3].xid));
    ck_assert_int_eq(d[0].calls, 1);
    ck_assert_int_eq(d[0].result, 0);
    ck_assert_int_eq(d[1].calls, 1);
    ck_assert_int_eq(d[2].calls, 1);
    ck_assert_int_eq(d[2].result, 0);
    ck_assert_uint_eq(fk.n_errors, 1);
    ck_assert_uint_eq(sl_flowprog_stats(fp)->errors, 1);
}
END_TEST

START_TEST(test_error_removes_flow_from_desired_table)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert(reply_error(DPID, fk.sent[last_sent(OFPT_FLOW_MOD)].xid,
                          OFPET_FLOW_MOD_FAILED, 1 /* TABLE_FULL */));
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    ck_assert_int_eq(del(DPID, OWNER, &t, NULL), ENOENT);
    reply_all_barriers(DPID, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    /* Adding it again is a new flow: sent again. */
    size_t from = fk.n_sent;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
}
END_TEST

START_TEST(test_error_on_superseded_change_is_ignored)
{
    struct tflow t, t2;
    struct done_rec *d1 = done_new(1);
    struct done_rec *d2 = done_new(1);

    sync_empty(DPID);
    run();
    tflow_init(&t, 100, 1, 1, 2);
    tflow_init(&t2, 100, 1, 1, 3);
    ck_assert_int_eq(add(DPID, OWNER, &t, d1), 0);
    run();
    uint32_t xid1 = fk.sent[last_sent(OFPT_FLOW_MOD)].xid;
    ck_assert_int_eq(add(DPID, OWNER, &t2, d2), 0);
    run();
    ck_assert(reply_error(DPID, xid1, OFPET_BAD_ACTION, 4));
    ck_assert_uint_eq(fk.n_errors, 0);
    ck_assert_int_eq(d1->calls, 1);
    ck_assert_int_eq(d1->result, SL_FLOW_ABORTED);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(flow_mod_out_port(&m), 3);
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d2->calls, 1);
    ck_assert_int_eq(d2->result, 0);
}
END_TEST

START_TEST(test_failed_delete_leaves_flow_out)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    size_t from = fk.n_sent;
    ck_assert_int_eq(del(DPID, OWNER, &t, d), 0);
    run();
    ck_assert(reply_error(DPID, fk.sent[from].xid, OFPET_FLOW_MOD_FAILED,
                          4 /* EPERM */));
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, OFPERR_OFPFMFC_EPERM);
    ck_assert_uint_eq(fk.n_errors, 1);
    ck_assert_uint_eq(fk.errors[0].owner, OWNER);
    ck_assert_uint_eq(fk.errors[0].priority, 100);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    reply_all_barriers(DPID, from);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_unknown_xids_are_not_ours)
{
    struct tflow t;
    struct ofp_msg m;

    ck_assert(!reply_barrier(DPID, 1)); /* unknown switch */
    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    ck_assert(!reply_barrier(DPID, 9999));
    ck_assert(!reply_error(DPID, 9999, OFPET_BAD_REQUEST, 1));
    ck_assert(!reply_flow_stats(DPID, 9999, NULL, 0, false));
    /* The stats request's xid is ours only while reconciling. */
    ck_assert(!reply_flow_stats(DPID, fk.sent[0].xid, NULL, 0, false));
    ofp_msg_init(&m, OFPT_ECHO_REPLY, fk.sent[1].xid);
    ck_assert(!deliver(DPID, &m));
    ck_assert(!reply_barrier(DPID2, fk.sent[2].xid));
    ck_assert_uint_eq(fk.n_errors, 0);
    ck_assert(reply_barrier(DPID, fk.sent[2].xid));
}
END_TEST

START_TEST(test_refused_barrier_closes_its_batch)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    run();
    ck_assert(reply_error(DPID, fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid,
                          OFPET_BAD_REQUEST, 1 /* BAD_TYPE */));
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
    ck_assert_uint_eq(fk.n_errors, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_wrong_multipart_reply_falls_back)
{
    struct tflow t;
    struct ofp_msg m;

    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    sl_flowprog_switch_up(fp, DPID);
    ofp_msg_init(&m, OFPT_MULTIPART_REPLY, fk.sent[0].xid);
    m.mp_reply.type = OFPMP_TABLE;
    ck_assert(deliver(DPID, &m));
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert_uint_eq(fk.added, 1);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    ck_assert_uint_eq(sent_msg(1).flow_mod.command, OFPFC_ADD);
}
END_TEST

START_TEST(test_optional_ops_may_be_null)
{
    static const struct sl_flowprog_ops send_only = {.send = fake_send};
    struct tflow t;
    struct done_rec *d = done_new(1);

    sl_flowprog_destroy(fp);
    fp = sl_flowprog_create(base, &send_only, &fk, false);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    sync_empty(DPID);
    ck_assert_uint_eq(fk.n_reconciled, 0);
    run();
    ck_assert(reply_error(DPID, fk.sent[last_sent(OFPT_FLOW_MOD)].xid,
                          OFPET_FLOW_MOD_FAILED, 5 /* BAD_TIMEOUT */));
    ck_assert_uint_eq(fk.n_errors, 0);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, OFPERR_OFPFMFC_BAD_TIMEOUT);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
}
END_TEST

START_TEST(test_unknown_error_code_still_fails_flow)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    run();
    ck_assert(reply_error(DPID, fk.sent[last_sent(OFPT_FLOW_MOD)].xid,
                          OFPET_FLOW_MOD_FAILED, 999));
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, OFPERR_OFPFMFC_UNKNOWN);
    ck_assert_uint_eq(fk.n_errors, 1);
    ck_assert_uint_eq(fk.errors[0].err_code, 999);
}
END_TEST

/* ---- tests: validation ---- */

START_TEST(test_invalid_specs_are_einval)
{
    struct tflow t;

    sync_empty(DPID);
    run();
    size_t from = fk.n_sent;

    /* A mask on a field that cannot be masked. */
    tflow_init(&t, 100, 1, 1, 2);
    t.oxms[0].has_mask = true;
    t.oxms[0].mask.u32 = 0xff;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    /* A prerequisite missing: ipv4_dst without eth_type. */
    tflow_init(&t, 100, 1, 1, 2);
    t.oxms[1] = t.oxms[2];
    t.spec.match.n_oxms = 2;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    /* A set-field with a mask. */
    tflow_init(&t, 100, 1, 1, 2);
    t.actions[0].type = OFPAT_SET_FIELD;
    ofp_oxm_init_basic(&t.actions[0].set_field, OFPXMT_OFB_IPV4_DST);
    t.actions[0].set_field.has_mask = true;
    t.actions[0].set_field.mask.u32 = 0xffffff00;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    /* A set-field of in_port. */
    tflow_init(&t, 100, 1, 1, 2);
    t.actions[0].type = OFPAT_SET_FIELD;
    ofp_oxm_init_basic(&t.actions[0].set_field, OFPXMT_OFB_IN_PORT);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    /* An action type that does not exist. */
    tflow_init(&t, 100, 1, 1, 2);
    t.actions[0].type = 0x7777;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    /* An instruction type that does not exist. */
    tflow_init(&t, 100, 1, 1, 2);
    t.inst[0].type = 0x0077;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    /* Table OFPTT_ALL is not a table. */
    tflow_init(&t, 100, 1, 1, 2);
    t.spec.table_id = OFPTT_ALL;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), EINVAL);

    run();
    ck_assert_uint_eq(fk.n_sent, from);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_invalid_readd_changes_nothing)
{
    struct tflow t, bad;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    size_t from = fk.n_sent;
    tflow_init(&bad, 100, 1, 1, 2);
    bad.actions[0].type = 0x7777;
    ck_assert_int_eq(add(DPID, OWNER, &bad, NULL), EINVAL);
    run();
    ck_assert_uint_eq(fk.n_sent, from);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

/* ---- tests: reconciliation ---- */

/* The switch holds: A identical (Sluice), B with other instructions
 * (Sluice), C a Sluice flow nobody wants, D a foreign flow.  Desired: A,
 * B, E (missing). */
static void
reconcile_mixed(bool delete_foreign)
{
    struct tflow a, b, b_sw, c, d, e;
    uint64_t cookie_a = SL_COOKIE(OWNER, 100);
    uint64_t cookie_b = SL_COOKIE(OWNER, 101);
    uint64_t cookie_c = SL_COOKIE(OWNER2, 102);

    if (delete_foreign) {
        sl_flowprog_destroy(fp);
        fp = sl_flowprog_create(base, &fake_ops, &fk, true);
    }
    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 100, 1, 2, 2);
    tflow_init(&b_sw, 100, 1, 2, 5);
    tflow_init(&c, 100, 1, 3, 2);
    tflow_init(&d, 50, 1, 4, 2);
    tflow_init(&e, 100, 1, 5, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &b, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &e, NULL), 0);

    sl_flowprog_switch_up(fp, DPID);
    struct ofp_flow_stats fs[4] = {
        tflow_stats(&a, cookie_a),
        tflow_stats(&b_sw, cookie_b),
        tflow_stats(&c, cookie_c),
        tflow_stats(&d, FOREIGN_COOKIE),
    };
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, fs, 4, false));
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert_uint_eq(fk.rec_dpid, DPID);
    ck_assert_uint_eq(fk.kept, 1);
    ck_assert_uint_eq(fk.added, 1);
    ck_assert_uint_eq(fk.modified, 1);
    ck_assert_uint_eq(fk.deleted, delete_foreign ? 2 : 1);
    ck_assert_uint_eq(fk.foreign, delete_foreign ? 0 : 1);
    run();

    size_t n_mods = delete_foreign ? 4 : 3;
    ck_assert_uint_eq(fk.n_sent, 1 + n_mods + 1);
    ck_assert_uint_eq(sent_type(fk.n_sent - 1), OFPT_BARRIER_REQUEST);
    bool seen_b = false, seen_c = false, seen_d = false, seen_e = false;
    for (size_t i = 1; i <= n_mods; i++) {
        struct ofp_msg m = sent_msg(i);
        ck_assert_uint_eq(m.type, OFPT_FLOW_MOD);
        const struct ofp_oxm *dst =
            ofp_match_find(&m.flow_mod.match, OFPXMT_OFB_IPV4_DST);
        ck_assert_ptr_nonnull(dst);
        switch (dst->value.u32 & 0xff) {
        case 2:
            ck_assert_uint_eq(m.flow_mod.command, OFPFC_MODIFY_STRICT);
            ck_assert_uint_eq(m.flow_mod.cookie, cookie_b);
            ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
            ck_assert_uint_eq(flow_mod_out_port(&m), 2);
            seen_b = true;
            break;
        case 3:
            ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
            ck_assert_uint_eq(m.flow_mod.cookie, cookie_c);
            ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
            seen_c = true;
            break;
        case 4:
            ck_assert(delete_foreign);
            ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
            ck_assert_uint_eq(m.flow_mod.cookie, FOREIGN_COOKIE);
            ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
            ck_assert_uint_eq(m.flow_mod.priority, 50);
            seen_d = true;
            break;
        case 5:
            ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
            ck_assert_uint_eq(SL_COOKIE_OWNER(m.flow_mod.cookie), OWNER);
            seen_e = true;
            break;
        default:
            ck_abort_msg("unexpected FLOW_MOD for 10.0.0.%u",
                         dst->value.u32 & 0xff);
        }
    }
    ck_assert(seen_b && seen_c && seen_e);
    ck_assert(seen_d == delete_foreign);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 3);
    reply_all_barriers(DPID, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));

    /* A kept flow adopted the switch's cookie: deleting it names it. */
    size_t from = fk.n_sent;
    ck_assert_int_eq(del(DPID, OWNER, &a, NULL), 0);
    run();
    struct ofp_msg m = sent_msg(from);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie_a);
}

START_TEST(test_reconcile_keeps_modifies_deletes_adds)
{
    reconcile_mixed(false);
    ck_assert_str_eq(last_reconciled,
                     "switch 0x0000000000000001: reconciled: 1 kept, 1 "
                     "added, 1 modified, 1 deleted, 0 adopted, 1 foreign "
                     "left");
    ck_assert_uint_eq(sl_flowprog_stats(fp)->reconciliations, 1);
}
END_TEST

START_TEST(test_reconcile_delete_foreign)
{
    reconcile_mixed(true);
    ck_assert_str_eq(last_reconciled,
                     "switch 0x0000000000000001: reconciled: 1 kept, 1 "
                     "added, 1 modified, 2 deleted, 0 adopted, 0 foreign "
                     "left");
}
END_TEST

START_TEST(test_reconcile_multipart_reply)
{
    enum { N = 10 };
    struct tflow t[N];
    struct ofp_flow_stats fs[N];

    for (int i = 0; i < N; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], NULL), 0);
        fs[i] = tflow_stats(&t[i], SL_COOKIE(OWNER, i + 1));
    }
    /* The switch has 0..7 (two of them with other instructions); 8 and 9
     * are missing. */
    struct tflow other3, other6;
    tflow_init(&other3, 100, 1, 3, 9);
    fs[3] = tflow_stats(&other3, SL_COOKIE(OWNER, 4));
    tflow_init(&other6, 100, 1, 6, 9);
    fs[6] = tflow_stats(&other6, SL_COOKIE(OWNER, 7));

    sl_flowprog_switch_up(fp, DPID);
    uint32_t xid = fk.sent[0].xid;
    ck_assert(reply_flow_stats(DPID, xid, fs, 3, true));
    ck_assert(reply_flow_stats(DPID, xid, fs + 3, 3, true));
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert_uint_eq(fk.n_reconciled, 0);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    ck_assert(reply_flow_stats(DPID, xid, fs + 6, 2, false));
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert_uint_eq(fk.kept, 6);
    ck_assert_uint_eq(fk.modified, 2);
    ck_assert_uint_eq(fk.added, 2);
    ck_assert_uint_eq(fk.deleted, 0);
    ck_assert_uint_eq(fk.foreign, 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 4);
    ck_assert_uint_eq(count_sent(OFPT_BARRIER_REQUEST, 0), 1);
    /* Replies after the last part are not the programmer's. */
    ck_assert(!reply_flow_stats(DPID, xid, NULL, 0, false));
}
END_TEST

START_TEST(test_reconcile_canonical_order_on_switch)
{
    struct tflow t, sw;

    /* Desired: apply(output:2), goto 1. */
    tflow_init(&t, 100, 1, 1, 2);
    t.inst[1].type = OFPIT_GOTO_TABLE;
    t.inst[1].table_id = 1;
    t.spec.instructions.n = 2;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);

    /* The switch reports OXMs and instructions in another order. */
    tflow_init(&sw, 100, 1, 1, 2);
    sw.oxms[0] = t.oxms[2];
    sw.oxms[1] = t.oxms[1];
    sw.oxms[2] = t.oxms[0];
    sw.inst[0].type = OFPIT_GOTO_TABLE;
    sw.inst[0].table_id = 1;
    sw.inst[1].type = OFPIT_APPLY_ACTIONS;
    sw.inst[1].actions.n = 1;
    sw.inst[1].actions.actions = sw.actions;
    sw.spec.instructions.n = 2;
    struct ofp_flow_stats fs = tflow_stats(&sw, SL_COOKIE(OWNER, 1));

    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, &fs, 1, false));
    run();
    ck_assert_uint_eq(fk.kept, 1);
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_reconcile_timeouts_or_owner_differ_replace)
{
    struct tflow a, b;

    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 100, 1, 2, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &b, NULL), 0);
    struct ofp_flow_stats fs[2] = {
        tflow_stats(&a, SL_COOKIE(OWNER, 1)),
        tflow_stats(&b, SL_COOKIE(OWNER2, 2)),
    };
    fs[0].idle_timeout = 10;

    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, fs, 2, false));
    ck_assert_uint_eq(fk.modified, 2);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 2);
    for (size_t i = 1; i <= 2; i++) {
        struct ofp_msg m = sent_msg(i);
        /* MODIFY_STRICT keeps timeouts and cookie: ADD replaces them. */
        ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
        ck_assert_uint_eq(m.flow_mod.idle_timeout, 0);
        ck_assert_uint_eq(SL_COOKIE_OWNER(m.flow_mod.cookie), OWNER);
    }
}
END_TEST

START_TEST(test_reconcile_desired_flow_with_foreign_cookie_replaced)
{
    struct tflow a;

    tflow_init(&a, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    struct ofp_flow_stats fs = tflow_stats(&a, FOREIGN_COOKIE);
    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, &fs, 1, false));
    ck_assert_uint_eq(fk.modified, 1);
    ck_assert_uint_eq(fk.foreign, 0);
    run();
    struct ofp_msg m = sent_msg(1);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert(SL_COOKIE_IS_SLUICE(m.flow_mod.cookie));
}
END_TEST

/* A controller restart: a new programmer with the same desired flows finds
 * them all on the switch and sends nothing. */
START_TEST(test_restart_sends_no_flow_mods)
{
    enum { N = 50 };
    static struct tflow t[N];
    static struct ofp_flow_stats fs[N];

    for (int i = 0; i < N; i++) {
        tflow_init(&t[i], (uint16_t) (100 + i % 3), (uint32_t) (1 + i % 4),
                   (uint32_t) i, (uint32_t) (2 + i % 5));
        t[i].spec.table_id = (uint8_t) (i % 3);
        t[i].spec.idle_timeout = (uint16_t) (i % 2 ? 0 : 300);
        ck_assert_int_eq(add(DPID, (uint16_t) (OWNER + i % 2), &t[i], NULL),
                         0);
    }
    sync_empty(DPID);
    run();
    reply_all_barriers(DPID, 0);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), N);

    /* The switch's table: what was sent, as OVS reports it (OXMs in its
     * own order). */
    for (size_t i = 1, n = 0; i < fk.n_sent; i++) {
        if (sent_type(i) != OFPT_FLOW_MOD) {
            continue;
        }
        struct ofp_msg m = sent_msg(i);
        ck_assert_uint_lt(n, N);
        memset(&fs[n], 0, sizeof fs[n]);
        fs[n].table_id = m.flow_mod.table_id;
        fs[n].priority = m.flow_mod.priority;
        fs[n].idle_timeout = m.flow_mod.idle_timeout;
        fs[n].hard_timeout = m.flow_mod.hard_timeout;
        fs[n].flags = m.flow_mod.flags;
        fs[n].cookie = m.flow_mod.cookie;
        fs[n].match = m.flow_mod.match;
        if (fs[n].match.n_oxms == 3) {
            struct ofp_oxm tmp = fs[n].match.oxms[0];
            fs[n].match.oxms[0] = fs[n].match.oxms[2];
            fs[n].match.oxms[2] = tmp;
        }
        fs[n].instructions = m.flow_mod.instructions;
        n++;
    }

    sl_flowprog_destroy(fp);
    fp = sl_flowprog_create(base, &fake_ops, &fk, false);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(add(DPID, (uint16_t) (OWNER + i % 2), &t[i], NULL),
                         0);
    }
    size_t from = fk.n_sent;
    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, fs, N / 2, true));
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, fs + N / 2, N - N / 2,
                               false));
    run();
    ck_assert_uint_eq(fk.n_sent, from + 1);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 0);
    ck_assert_uint_eq(fk.kept, N);
    ck_assert_uint_eq(
        fk.added + fk.modified + fk.deleted + fk.adopted + fk.foreign, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_stats_refused_falls_back_to_adds)
{
    struct tflow t[2];
    struct done_rec *d = done_new(1);

    for (int i = 0; i < 2; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], i ? NULL : d), 0);
    }
    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_error(DPID, fk.sent[0].xid, OFPET_BAD_REQUEST,
                          2 /* BAD_MULTIPART */));
    ck_assert_uint_eq(fk.n_errors, 0);
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert_uint_eq(fk.added, 2);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 2);
    for (size_t i = 1; i <= 2; i++) {
        ck_assert_uint_eq(sent_msg(i).flow_mod.command, OFPFC_ADD);
    }
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_del_while_disconnected_completes_after_reconcile)
{
    struct tflow a, b;
    struct done_rec *da = done_new(1);
    struct done_rec *db = done_new(1);

    sync_empty(DPID);
    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 100, 1, 2, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    run();
    uint64_t cookie_a = sent_msg(last_sent(OFPT_FLOW_MOD)).flow_mod.cookie;
    reply_all_barriers(DPID, 0);
    sl_flowprog_switch_down(fp, DPID);

    /* b was never on the switch. */
    ck_assert_int_eq(add(DPID, OWNER, &b, NULL), 0);
    ck_assert_int_eq(del(DPID, OWNER, &a, da), 0);
    ck_assert_int_eq(del(DPID, OWNER, &b, db), 0);
    run();
    ck_assert_int_eq(da->calls + db->calls, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);

    size_t from = fk.n_sent;
    sl_flowprog_switch_up(fp, DPID);
    struct ofp_flow_stats fs = tflow_stats(&a, cookie_a);
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, &fs, 1, false));
    ck_assert_int_eq(db->calls, 1);
    ck_assert_int_eq(db->result, 0);
    ck_assert_uint_eq(fk.deleted, 1);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie_a);
    ck_assert_int_eq(da->calls, 0);
    reply_all_barriers(DPID, from);
    ck_assert_int_eq(da->calls, 1);
    ck_assert_int_eq(da->result, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_switch_down_mid_batch_aborts_and_reconnect_reconciles)
{
    struct tflow t[2];
    struct done_rec *d = done_new(2);
    struct done_rec *again = done_new(1);

    sync_empty(DPID);
    run();
    for (int i = 0; i < 2; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], &d[i]), 0);
    }
    run();
    uint32_t barrier = fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid;
    uint32_t fm_xid = fk.sent[last_sent(OFPT_FLOW_MOD)].xid;
    sl_flowprog_switch_down(fp, DPID);
    ck_assert_int_eq(d[0].calls + d[1].calls, 0); /* deferred */
    run();
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(d[i].calls, 1);
        ck_assert_int_eq(d[i].result, SL_FLOW_ABORTED);
    }
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    /* The xids are forgotten. */
    ck_assert(!reply_barrier(DPID, barrier));
    ck_assert(!reply_error(DPID, fm_xid, OFPET_BAD_ACTION, 4));

    /* Identical re-add while down: waits for the reconnection. */
    ck_assert_int_eq(add(DPID, OWNER, &t[0], again), 0);
    run();
    ck_assert_int_eq(again->calls, 0);

    /* The switch applied flow 0 before the session died. */
    struct ofp_flow_stats fs =
        tflow_stats(&t[0], sent_msg(find_flow_mod(0, 0)).flow_mod.cookie);
    size_t from = fk.n_sent;
    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, &fs, 1, false));
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    ck_assert_uint_eq(fk.kept, 1);
    ck_assert_uint_eq(fk.added, 1);
    ck_assert_int_eq(again->calls, 1);
    ck_assert_int_eq(again->result, 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(d[i].calls, 1);
    }
    reply_all_barriers(DPID, from);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_switch_up_twice_restarts_reconciliation)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    run();
    size_t from = fk.n_sent;
    sl_flowprog_switch_up(fp, DPID);
    run();
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, SL_FLOW_ABORTED);
    ck_assert_uint_eq(fk.n_sent, from + 1);
    ck_assert_uint_eq(sent_type(from), OFPT_MULTIPART_REQUEST);
    ck_assert(!reply_flow_stats(DPID, fk.sent[0].xid, NULL, 0, false));
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, NULL, 0, false));
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
}
END_TEST

START_TEST(test_send_failure_means_disconnected)
{
    struct tflow t, u;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    run();
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    fk.fail = ENOTCONN;
    run();
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    ck_assert_int_eq(d->calls, 0);
    fk.fail = 0;
    size_t from = fk.n_sent;
    tflow_init(&u, 100, 1, 2, 2);
    ck_assert_int_eq(add(DPID, OWNER, &u, NULL), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, from);

    /* A failed stats request leaves it disconnected too. */
    fk.fail = ENOTCONN;
    sl_flowprog_switch_up(fp, DPID);
    ck_assert(!reply_flow_stats(DPID, 1, NULL, 0, false));
    fk.fail = 0;

    sync_empty(DPID);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 2);
    reply_all_barriers(DPID, from);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
}
END_TEST

/* ---- tests: completions ---- */

static struct tflow reentrant_flow;
static int reentrant_result = -1;

static void
reentrant_done(void *aux, uint64_t dpid, enum ofperr error)
{
    struct done_rec *d = aux;
    ck_assert(!in_api);
    d->calls++;
    d->result = error;
    reentrant_result =
        sl_flowprog_add(fp, dpid, OWNER, &reentrant_flow.spec, NULL, NULL);
}

START_TEST(test_done_may_call_back_into_programmer)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    run();
    tflow_init(&t, 100, 1, 1, 2);
    tflow_init(&reentrant_flow, 100, 1, 2, 2);
    reentrant_result = -1;
    in_api = true;
    ck_assert_int_eq(
        sl_flowprog_add(fp, DPID, OWNER, &t.spec, reentrant_done, d), 0);
    in_api = false;
    run();
    size_t from = fk.n_sent;
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(reentrant_result, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
}
END_TEST

static void
destroy_done(void *aux, uint64_t dpid, enum ofperr error)
{
    struct done_rec *d = aux;
    d->calls++;
    d->result = error;
    d->dpid = dpid;
    reentrant_result =
        sl_flowprog_add(fp, dpid, OWNER, &reentrant_flow.spec, NULL, NULL);
}

START_TEST(test_destroy_completes_everything_once)
{
    struct tflow t[4];
    struct done_rec d[4] = {{0}};

    tflow_init(&reentrant_flow, 100, 1, 9, 2);
    for (int i = 0; i < 4; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
    }
    /* d0: waiting for a switch that never connected. */
    ck_assert_int_eq(
        sl_flowprog_add(fp, DPID2, OWNER, &t[0].spec, destroy_done, &d[0]), 0);
    sync_empty(DPID);
    ck_assert_int_eq(add(DPID, OWNER, &t[1], NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    /* d1: decided (identical re-add of a confirmed flow), not delivered. */
    ck_assert_int_eq(
        sl_flowprog_add(fp, DPID, OWNER, &t[1].spec, destroy_done, &d[1]), 0);
    /* d2: in flight.  d3: queued, not sent. */
    ck_assert_int_eq(
        sl_flowprog_add(fp, DPID, OWNER, &t[2].spec, destroy_done, &d[2]), 0);
    run();
    ck_assert_int_eq(d[1].calls, 1);
    d[1].calls = 0;
    ck_assert_int_eq(
        sl_flowprog_add(fp, DPID, OWNER, &t[1].spec, destroy_done, &d[1]), 0);
    ck_assert_int_eq(
        sl_flowprog_add(fp, DPID, OWNER, &t[3].spec, destroy_done, &d[3]), 0);

    sl_flowprog_destroy(fp);
    fp = NULL;
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(d[i].calls, 1);
    }
    ck_assert_int_eq(d[0].result, SL_FLOW_ABORTED);
    ck_assert_uint_eq(d[0].dpid, DPID2);
    ck_assert_int_eq(d[1].result, 0);
    ck_assert_int_eq(d[2].result, SL_FLOW_ABORTED);
    ck_assert_int_eq(d[3].result, SL_FLOW_ABORTED);
    ck_assert_int_eq(reentrant_result, ESHUTDOWN);
    sl_flowprog_destroy(NULL);
}
END_TEST

START_TEST(test_is_synced_and_n_flows_unknown_switch)
{
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    sl_flowprog_switch_down(fp, DPID); /* unknown: nothing happens */
    ck_assert_uint_eq(fk.n_sent, 0);
    sync_empty(DPID);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    sl_flowprog_switch_down(fp, DPID);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    const struct sl_flowprog_stats *st = sl_flowprog_stats(fp);
    ck_assert_uint_eq(st->flow_mods, 0);
    ck_assert_uint_eq(st->barriers, 0);
    ck_assert_uint_eq(st->errors, 0);
    ck_assert_uint_eq(st->reconciliations, 1);
}
END_TEST

/* ---- tests: adoption ---- */

/* Makes 'owner' an adopting owner (ops->adopt says yes for it). */
static void
adopter(uint16_t owner)
{
    ck_assert_uint_lt(fk.n_adopters, 4);
    fk.adopters[fk.n_adopters++] = owner;
}

/* Connects DPID, whose switch reports the 'n' flows 'fs' in one reply. */
static void
reconcile_with(struct ofp_flow_stats *fs, size_t n)
{
    size_t from = fk.n_sent;
    sl_flowprog_switch_up(fp, DPID);
    ck_assert_uint_eq(fk.n_sent, from + 1);
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, fs, n, false));
    ck_assert_uint_eq(fk.n_reconciled, 1);
}

/* The switch has 'a' (idle 30, SEND_FLOW_REM) with 'cookie', nobody
 * desires it, OWNER adopts: after reconciliation it is desired. */
static void
adopt_one(struct tflow *a, uint64_t cookie)
{
    adopter(OWNER);
    tflow_init(a, 100, 1, 1, 2);
    a->spec.idle_timeout = 30;
    a->spec.flags = OFPFF_SEND_FLOW_REM;
    struct ofp_flow_stats fs = tflow_stats(a, cookie);
    reconcile_with(&fs, 1);
    run();
}

START_TEST(test_adopt_undesired_flow_sends_nothing)
{
    struct tflow a;

    adopt_one(&a, SL_COOKIE(OWNER, 77));
    ck_assert_uint_eq(fk.n_adopt_calls, 1);
    ck_assert_uint_eq(fk.last_adopt_owner, OWNER);
    ck_assert_uint_eq(fk.adopted, 1);
    ck_assert_uint_eq(fk.kept + fk.added + fk.modified + fk.deleted, 0);
    ck_assert_uint_eq(fk.foreign, 0);
    ck_assert_uint_eq(fk.n_sent, 1); /* the flow stats request only */
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(sl_flowprog_stats(fp)->flow_mods, 0);
    ck_assert_str_eq(last_reconciled,
                     "switch 0x0000000000000001: reconciled: 0 kept, 0 "
                     "added, 0 modified, 0 deleted, 1 adopted, 0 foreign "
                     "left");
}
END_TEST

START_TEST(test_adopted_flow_identical_readd_sends_nothing)
{
    struct tflow a;
    struct done_rec *d = done_new(1);

    adopt_one(&a, SL_COOKIE(OWNER, 77));
    ck_assert_int_eq(add(DPID, OWNER, &a, d), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
}
END_TEST

START_TEST(test_adopted_flow_changed_readd_sends_add_with_its_cookie)
{
    struct tflow a;
    uint64_t cookie = SL_COOKIE(OWNER, 77);

    adopt_one(&a, cookie);
    a.actions[0].output.port = 3;
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie);
    ck_assert_uint_eq(m.flow_mod.idle_timeout, 30);
    ck_assert_uint_eq(m.flow_mod.flags, OFPFF_SEND_FLOW_REM);
    ck_assert_uint_eq(flow_mod_out_port(&m), 3);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
}
END_TEST

/* The switch's timeouts and flags are the adopted flow's content: an add
 * without them is a change. */
START_TEST(test_adopted_flow_keeps_switch_timeouts_and_flags)
{
    struct tflow a, plain;

    adopt_one(&a, SL_COOKIE(OWNER, 77));
    tflow_init(&plain, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &plain, NULL), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.idle_timeout, 0);
    ck_assert_uint_eq(m.flow_mod.flags, 0);
}
END_TEST

START_TEST(test_adopted_flow_del_sends_delete_strict_with_its_cookie)
{
    struct tflow a;
    uint64_t cookie = SL_COOKIE(OWNER, 77);
    struct done_rec *d = done_new(1);

    adopt_one(&a, cookie);
    ck_assert_int_eq(del(DPID, OWNER2, &a, NULL), EPERM);
    ck_assert_int_eq(del(DPID, OWNER, &a, d), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie);
    ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
    ck_assert_uint_eq(m.flow_mod.priority, 100);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
}
END_TEST

START_TEST(test_adopted_flow_del_owner_removes_it)
{
    struct tflow a;

    adopt_one(&a, SL_COOKIE(OWNER, 77));
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, DPID, OWNER2), 0);
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, DPID, OWNER), 1);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER, 77));
}
END_TEST

START_TEST(test_adopt_refused_by_owner_deletes)
{
    struct tflow a;
    uint64_t cookie = SL_COOKIE(OWNER2, 5);

    adopter(OWNER);
    tflow_init(&a, 100, 1, 1, 2);
    struct ofp_flow_stats fs = tflow_stats(&a, cookie);
    reconcile_with(&fs, 1);
    ck_assert_uint_eq(fk.n_adopt_calls, 1);
    ck_assert_uint_eq(fk.last_adopt_owner, OWNER2);
    ck_assert_uint_eq(fk.adopted, 0);
    ck_assert_uint_eq(fk.deleted, 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    struct ofp_msg m = sent_msg(1);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie);
    ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
}
END_TEST

START_TEST(test_adopt_op_null_deletes)
{
    static const struct sl_flowprog_ops no_adopt = {
        .send = fake_send,
        .reconciled = fake_reconciled,
    };
    struct tflow a;

    sl_flowprog_destroy(fp);
    fp = sl_flowprog_create(base, &no_adopt, &fk, false);
    adopter(OWNER); /* not asked */
    tflow_init(&a, 100, 1, 1, 2);
    struct ofp_flow_stats fs = tflow_stats(&a, SL_COOKIE(OWNER, 5));
    reconcile_with(&fs, 1);
    ck_assert_uint_eq(fk.n_adopt_calls, 0);
    ck_assert_uint_eq(fk.deleted, 1);
    ck_assert_uint_eq(fk.adopted, 0);
    run();
    ck_assert_uint_eq(sent_msg(1).flow_mod.command, OFPFC_DELETE_STRICT);
}
END_TEST

/* Foreign flows and desired flows are never offered for adoption. */
START_TEST(test_adopt_only_undesired_sluice_flows)
{
    struct tflow a, a_sw, f;

    adopter(OWNER);
    adopter(0);
    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&a_sw, 100, 1, 1, 9);
    tflow_init(&f, 100, 1, 2, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    struct ofp_flow_stats fs[2] = {
        tflow_stats(&a_sw, SL_COOKIE(OWNER, 1)),
        tflow_stats(&f, FOREIGN_COOKIE),
    };
    reconcile_with(fs, 2);
    ck_assert_uint_eq(fk.n_adopt_calls, 0);
    ck_assert_uint_eq(fk.modified, 1);
    ck_assert_uint_eq(fk.foreign, 1);
    ck_assert_uint_eq(fk.adopted, 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    struct ofp_msg m = sent_msg(1);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_MODIFY_STRICT);
    ck_assert_uint_eq(flow_mod_out_port(&m), 2);
}
END_TEST

/* A flow the owner could not have added (here, ipv4_dst without its
 * eth_type prerequisite) is deleted, not adopted. */
START_TEST(test_adopt_invalid_flow_deletes)
{
    struct tflow a;

    adopter(OWNER);
    tflow_init(&a, 100, 1, 1, 2);
    a.oxms[1] = a.oxms[2];
    a.spec.match.n_oxms = 2;
    struct ofp_flow_stats fs = tflow_stats(&a, SL_COOKIE(OWNER, 5));
    reconcile_with(&fs, 1);
    ck_assert_uint_eq(fk.adopted, 0);
    ck_assert_uint_eq(fk.deleted, 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    run();
    ck_assert_uint_eq(sent_msg(1).flow_mod.command, OFPFC_DELETE_STRICT);
}
END_TEST

/* A controller restart with an app that has learned nothing yet: the
 * switch's 50 flows of that app are adopted, none is touched. */
START_TEST(test_adopt_restart_sends_no_flow_mods)
{
    enum { N = 50 };
    static struct tflow t[N];
    static struct ofp_flow_stats fs[N];

    adopter(OWNER);
    for (int i = 0; i < N; i++) {
        tflow_init(&t[i], (uint16_t) (100 + i % 3), (uint32_t) (1 + i % 4),
                   (uint32_t) i, (uint32_t) (2 + i % 5));
        t[i].spec.table_id = (uint8_t) (i % 3);
        t[i].spec.idle_timeout = (uint16_t) (i % 2 ? 0 : 300);
        fs[i] = tflow_stats(&t[i], SL_COOKIE(OWNER, 1000 + i));
    }
    sl_flowprog_switch_up(fp, DPID);
    uint32_t xid = fk.sent[0].xid;
    ck_assert(reply_flow_stats(DPID, xid, fs, N / 2, true));
    ck_assert(reply_flow_stats(DPID, xid, fs + N / 2, N - N / 2, false));
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert_uint_eq(fk.adopted, N);
    ck_assert_uint_eq(fk.kept + fk.added + fk.modified + fk.deleted, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), N);
    ck_assert(sl_flowprog_is_synced(fp, DPID));

    /* The app learns them again: still nothing to send. */
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(add(DPID, OWNER, &t[i], NULL), 0);
    }
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), N);
}
END_TEST

/* An identical add while the switch reconciles joins the adopted flow:
 * its completion comes with the end of reconciliation. */
START_TEST(test_adopt_with_identical_add_while_reconciling)
{
    struct tflow a;
    struct done_rec *d = done_new(1);

    adopter(OWNER);
    tflow_init(&a, 100, 1, 1, 2);
    struct ofp_flow_stats fs = tflow_stats(&a, SL_COOKIE(OWNER, 5));
    sl_flowprog_switch_up(fp, DPID);
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, &fs, 1, true));
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert_int_eq(add(DPID, OWNER, &a, d), 0);
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, NULL, 0, false));
    ck_assert_uint_eq(fk.adopted, 1);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
}
END_TEST

/* An adopting app removes its flows when a switch goes down.  Back with a
 * flow still installed, the switch keeps it (adopted again; the removal's
 * completion is aborted); a flow it no longer has is forgotten. */
START_TEST(test_adopt_flow_removed_while_switch_away)
{
    struct tflow a, b;
    struct done_rec *d = done_new(1);

    adopter(OWNER);
    sync_empty(DPID);
    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 100, 1, 2, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &b, NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    uint64_t cookie_a = sent_msg(find_flow_mod(0, 1)).flow_mod.cookie;
    sl_flowprog_switch_down(fp, DPID);
    ck_assert_int_eq(del(DPID, OWNER, &a, d), 0);
    ck_assert_uint_eq(sl_flowprog_del_owner(fp, DPID, OWNER), 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);

    size_t from = fk.n_sent;
    fk.n_reconciled = 0;
    struct ofp_flow_stats fs = tflow_stats(&a, cookie_a);
    reconcile_with(&fs, 1);
    ck_assert_uint_eq(fk.adopted, 1);
    ck_assert_uint_eq(fk.deleted, 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    run();
    ck_assert_uint_eq(fk.n_sent, from + 1);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, SL_FLOW_ABORTED);
    ck_assert(sl_flowprog_is_synced(fp, DPID));

    /* Deleting it now names the switch's cookie. */
    ck_assert_int_eq(del(DPID, OWNER, &a, NULL), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, cookie_a);
}
END_TEST

/* ---- tests: REST support (add_seq, get, forget_matching, resync) ---- */

static int
add_seq(uint64_t dpid, uint16_t owner, const struct tflow *t, uint64_t seq,
        struct done_rec *d)
{
    in_api = true;
    int error = sl_flowprog_add_seq(fp, dpid, owner, &t->spec, seq,
                                    d ? done_cb : NULL, d);
    in_api = false;
    return error;
}

static size_t
forget(uint16_t owner, uint8_t table_id, const struct ofp_match *match,
       uint32_t out_port, uint32_t out_group, uint64_t cookie,
       uint64_t cookie_mask)
{
    static const struct ofp_match all = {.type = OFPMT_OXM};
    return sl_flowprog_forget_matching(fp, DPID, owner, table_id,
                                       match ? match : &all, out_port,
                                       out_group, cookie, cookie_mask);
}

/* Synced DPID with 't' installed (ADD sent, barrier answered). */
static void
installed_seq(const struct tflow *t, uint16_t owner, uint64_t seq)
{
    ck_assert_int_eq(add_seq(DPID, owner, t, seq, NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}

START_TEST(test_add_seq_cookie_carries_seq)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, 0x1234, d), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER, 0x1234));
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, 0);

    uint16_t owner = 0;
    uint64_t cookie = 0;
    ck_assert(
        sl_flowprog_get(fp, DPID, 0, 100, &t.spec.match, &owner, &cookie));
    ck_assert_uint_eq(owner, OWNER);
    ck_assert_uint_eq(cookie, SL_COOKIE(OWNER, 0x1234));
}
END_TEST

START_TEST(test_add_seq_limits)
{
    struct tflow t;

    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, UINT64_C(1) << 40, NULL),
                     EINVAL);
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, UINT64_MAX, NULL), EINVAL);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, (UINT64_C(1) << 40) - 1, NULL),
                     0);
    uint64_t cookie = 0;
    ck_assert(sl_flowprog_get(fp, DPID, 0, 100, &t.spec.match, NULL, &cookie));
    ck_assert_uint_eq(cookie, SL_COOKIE(OWNER, (UINT64_C(1) << 40) - 1));
}
END_TEST

START_TEST(test_add_seq_other_seq_is_a_change)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    installed_seq(&t, OWNER, 5);
    size_t from = fk.n_sent;
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, 5, NULL), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, from); /* identical */
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, 6, NULL), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER, 6));
}
END_TEST

/* A plain add of an owner's flow keeps the cookie the owner chose. */
START_TEST(test_plain_readd_keeps_seq_cookie)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    installed_seq(&t, OWNER, 5);
    t.actions[0].output.port = 3;
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER, 5));
}
END_TEST

/* Reconciliation wants a chosen cookie exactly; other flows' sequences do
 * not matter. */
START_TEST(test_reconcile_compares_chosen_cookie)
{
    struct tflow a, b;

    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 100, 1, 2, 2);
    ck_assert_int_eq(add_seq(DPID, OWNER, &a, 5, NULL), 0);
    ck_assert_int_eq(add(DPID, OWNER, &b, NULL), 0);
    struct ofp_flow_stats fs[2] = {
        tflow_stats(&a, SL_COOKIE(OWNER, 6)),
        tflow_stats(&b, SL_COOKIE(OWNER, 999)),
    };
    reconcile_with(fs, 2);
    ck_assert_uint_eq(fk.kept, 1);
    ck_assert_uint_eq(fk.modified, 1);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    struct ofp_msg m = sent_msg(find_flow_mod(0, 1));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER, 5));

    fs[0] = tflow_stats(&a, SL_COOKIE(OWNER, 5));
    fk.n_reconciled = 0;
    reply_all_barriers(DPID, 0);
    reconcile_with(fs, 2);
    ck_assert_uint_eq(fk.kept, 2);
    ck_assert_uint_eq(fk.modified, 0);
}
END_TEST

START_TEST(test_get_desired_only)
{
    struct tflow t, other;
    uint16_t owner = 0;
    uint64_t cookie = 0;

    tflow_init(&t, 100, 1, 1, 2);
    tflow_init(&other, 101, 1, 1, 2);
    ck_assert(
        !sl_flowprog_get(fp, DPID, 0, 100, &t.spec.match, &owner, &cookie));
    ck_assert_int_eq(add(DPID, OWNER2, &t, NULL), 0);
    /* OXM order does not matter. */
    struct ofp_oxm swapped = t.oxms[0];
    t.oxms[0] = t.oxms[2];
    t.oxms[2] = swapped;
    ck_assert(
        sl_flowprog_get(fp, DPID, 0, 100, &t.spec.match, &owner, &cookie));
    ck_assert_uint_eq(owner, OWNER2);
    ck_assert(SL_COOKIE_IS_SLUICE(cookie));
    ck_assert_uint_eq(SL_COOKIE_OWNER(cookie), OWNER2);
    ck_assert(!sl_flowprog_get(fp, DPID, 0, 101, &t.spec.match, NULL, NULL));
    ck_assert(!sl_flowprog_get(fp, DPID, 1, 100, &t.spec.match, NULL, NULL));
    ck_assert(!sl_flowprog_get(fp, DPID2, 0, 100, &t.spec.match, NULL, NULL));

    /* A flow being deleted is a tombstone: not desired. */
    sync_empty(DPID);
    run();
    reply_all_barriers(DPID, 0);
    ck_assert_int_eq(del(DPID, OWNER2, &t, NULL), 0);
    ck_assert(!sl_flowprog_get(fp, DPID, 0, 100, &t.spec.match, NULL, NULL));
}
END_TEST

/* Flows of OWNER on DPID: in_port 1..3 to 10.0.0.1..3, priority 100, out
 * 2 in table 0; the third in table 1, outputs to group 7 as well. */
static void
forget_setup(struct tflow t[3])
{
    for (int i = 0; i < 3; i++) {
        tflow_init(&t[i], 100, (uint32_t) i + 1, (uint32_t) i + 1, 2);
    }
    t[2].spec.table_id = 1;
    t[2].actions[1].type = OFPAT_GROUP;
    t[2].actions[1].group_id = 7;
    t[2].inst[0].actions.n = 2;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(add_seq(DPID, OWNER, &t[i], (uint64_t) i + 1, NULL),
                         0);
    }
}

START_TEST(test_forget_by_table_owner_cookie)
{
    struct tflow t[3], mine;

    forget_setup(t);
    tflow_init(&mine, 100, 9, 9, 2);
    ck_assert_int_eq(add(DPID, OWNER2, &mine, NULL), 0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 4);

    ck_assert_uint_eq(forget(OWNER, 1, NULL, OFPP_ANY, OFPG_ANY, 0, 0), 1);
    ck_assert(
        !sl_flowprog_get(fp, DPID, 1, 100, &t[2].spec.match, NULL, NULL));
    ck_assert_uint_eq(forget(OWNER, 0, NULL, OFPP_ANY, OFPG_ANY,
                             SL_COOKIE(OWNER, 2), UINT64_MAX),
                      1);
    ck_assert(
        !sl_flowprog_get(fp, DPID, 0, 100, &t[1].spec.match, NULL, NULL));
    ck_assert_uint_eq(forget(OWNER, 0, NULL, OFPP_ANY, OFPG_ANY,
                             SL_COOKIE(OWNER, 2), UINT64_MAX),
                      0);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);
    /* Every table, another owner's flow stays. */
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, OFPP_ANY, OFPG_ANY, 0, 0),
                      1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert(sl_flowprog_get(fp, DPID, 0, 100, &mine.spec.match, NULL, NULL));
    run();
    ck_assert_uint_eq(fk.n_sent, 0);
}
END_TEST

START_TEST(test_forget_by_out_port_and_group)
{
    struct tflow t[3];

    forget_setup(t);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, OFPP_ANY, 8, 0, 0), 0);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, 3, OFPG_ANY, 0, 0), 0);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, 2, 7, 0, 0), 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, 2, OFPG_ANY, 0, 0), 2);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
}
END_TEST

START_TEST(test_forget_match_is_non_strict)
{
    struct tflow t[3], masked;
    struct ofp_oxm oxms[2];
    struct ofp_match filter = {.type = OFPMT_OXM, .n_oxms = 1, .oxms = oxms};

    forget_setup(t);
    /* 10.0.0.0/30 exact on the flows' ipv4_dst: masked flow 10.0.0.0/24
     * (less specific) is not hit. */
    tflow_init(&masked, 100, 1, 0, 2);
    masked.oxms[2].has_mask = true;
    masked.oxms[2].mask.u32 = 0xffffff00;
    ck_assert_int_eq(add_seq(DPID, OWNER, &masked, 9, NULL), 0);

    /* A field no flow has. */
    ofp_oxm_init_basic(&oxms[0], OFPXMT_OFB_VLAN_VID);
    oxms[0].value.u16 = 0x1000 | 5;
    ck_assert_uint_eq(
        forget(OWNER, OFPTT_ALL, &filter, OFPP_ANY, OFPG_ANY, 0, 0), 0);

    /* in_port 1: t[0] and the masked one. */
    ofp_oxm_init_basic(&oxms[0], OFPXMT_OFB_IN_PORT);
    oxms[0].value.u32 = 1;
    ofp_oxm_init_basic(&oxms[1], OFPXMT_OFB_ETH_TYPE);
    oxms[1].value.u16 = 0x0800;
    filter.n_oxms = 2;
    ck_assert_uint_eq(forget(OWNER, 0, &filter, 4, OFPG_ANY, 0, 0), 0);
    ck_assert_uint_eq(forget(OWNER, 0, &filter, OFPP_ANY, OFPG_ANY, 0, 0), 2);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);

    /* ipv4_dst 10.0.0.0/30 covers 10.0.0.2 and 10.0.0.3 (other table). */
    ck_assert_int_eq(add_seq(DPID, OWNER, &masked, 9, NULL), 0);
    ofp_oxm_init_basic(&oxms[0], OFPXMT_OFB_IPV4_DST);
    oxms[0].value.u32 = 0x0a000000;
    oxms[0].has_mask = true;
    oxms[0].mask.u32 = 0xfffffffc;
    filter.n_oxms = 1;
    ck_assert_uint_eq(
        forget(OWNER, OFPTT_ALL, &filter, OFPP_ANY, OFPG_ANY, 0, 0), 2);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 1);
    ck_assert(
        sl_flowprog_get(fp, DPID, 0, 100, &masked.spec.match, NULL, NULL));

    /* ipv4_dst 10.0.0.0/16 covers the /24 flow. */
    oxms[0].mask.u32 = 0xffff0000;
    ck_assert_uint_eq(
        forget(OWNER, OFPTT_ALL, &filter, OFPP_ANY, OFPG_ANY, 0, 0), 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
}
END_TEST

START_TEST(test_forget_aborts_waiters_sends_nothing)
{
    struct tflow t;
    struct done_rec *d = done_new(2);

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, 1, &d[0]), 0);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, OFPP_ANY, OFPG_ANY, 0, 0),
                      1);
    run();
    ck_assert_uint_eq(fk.n_sent, 1); /* the flow stats request only */
    ck_assert_int_eq(d[0].calls, 1);
    ck_assert_int_eq(d[0].result, SL_FLOW_ABORTED);

    /* In flight: its barrier still completes the batch. */
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, 1, &d[1]), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, OFPP_ANY, OFPG_ANY, 0, 0),
                      1);
    run();
    ck_assert_int_eq(d[1].calls, 1);
    ck_assert_int_eq(d[1].result, SL_FLOW_ABORTED);
    reply_all_barriers(DPID, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 0), 1);
}
END_TEST

/* While reconciling, the flow stats under way may still list a forgotten
 * flow: it is not adopted back but deleted. */
START_TEST(test_forget_while_reconciling_not_adopted)
{
    struct tflow t;

    adopter(OWNER);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add_seq(DPID, OWNER, &t, 3, NULL), 0);
    sl_flowprog_switch_up(fp, DPID);
    ck_assert_uint_eq(forget(OWNER, OFPTT_ALL, NULL, OFPP_ANY, OFPG_ANY, 0, 0),
                      1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    struct ofp_flow_stats fs = tflow_stats(&t, SL_COOKIE(OWNER, 3));
    ck_assert(reply_flow_stats(DPID, fk.sent[0].xid, &fs, 1, false));
    ck_assert_uint_eq(fk.adopted, 0);
    ck_assert_uint_eq(fk.deleted, 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 0);
    run();
    struct ofp_msg m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER, 3));
}
END_TEST

START_TEST(test_resync_restores_desired_flows)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    installed_seq(&t, OWNER2, 1);
    size_t from = fk.n_sent;
    sl_flowprog_resync(fp, DPID);
    ck_assert_uint_eq(fk.n_sent, from + 1);
    struct ofp_msg m = sent_msg(from);
    ck_assert_uint_eq(m.type, OFPT_MULTIPART_REQUEST);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_FLOW);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    /* Somebody deleted it on the switch. */
    fk.n_reconciled = 0;
    ck_assert(reply_flow_stats(DPID, fk.sent[from].xid, NULL, 0, false));
    ck_assert_uint_eq(fk.added, 1);
    run();
    m = sent_msg(last_sent(OFPT_FLOW_MOD));
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(OWNER2, 1));
    reply_all_barriers(DPID, from);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(sl_flowprog_stats(fp)->reconciliations, 2);
}
END_TEST

START_TEST(test_resync_waits_for_flight)
{
    struct tflow a, b;
    struct done_rec *d = done_new(2);

    sync_empty(DPID);
    tflow_init(&a, 100, 1, 1, 2);
    tflow_init(&b, 100, 1, 2, 2);
    ck_assert_int_eq(add(DPID, OWNER, &a, &d[0]), 0);
    run();
    size_t barrier = last_sent(OFPT_BARRIER_REQUEST);
    sl_flowprog_resync(fp, DPID);
    /* Nothing is sent meanwhile, not even new changes. */
    ck_assert_int_eq(add(DPID, OWNER, &b, &d[1]), 0);
    run();
    ck_assert_uint_eq(fk.n_sent, barrier + 1);
    ck_assert(reply_barrier(DPID, fk.sent[barrier].xid));
    ck_assert_int_eq(d[0].calls, 1);
    ck_assert_int_eq(d[0].result, 0);
    ck_assert_uint_eq(fk.n_sent, barrier + 2);
    struct ofp_msg m = sent_msg(barrier + 1);
    ck_assert_uint_eq(m.type, OFPT_MULTIPART_REQUEST);
    struct ofp_flow_stats fs = tflow_stats(&a, SL_COOKIE(OWNER, 1));
    ck_assert(reply_flow_stats(DPID, m.xid, &fs, 1, false));
    run();
    /* b is added by the reconciliation; a is kept. */
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, barrier), 1);
    find_flow_mod(barrier, 2);
    reply_all_barriers(DPID, barrier + 1);
    ck_assert_int_eq(d[1].calls, 1);
    ck_assert_int_eq(d[1].result, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_resync_disconnected_or_reconciling)
{
    sl_flowprog_resync(fp, DPID); /* unknown */
    sl_flowprog_switch_up(fp, DPID);
    sl_flowprog_switch_down(fp, DPID);
    sl_flowprog_resync(fp, DPID); /* disconnected */
    ck_assert_uint_eq(fk.n_sent, 1);
    sl_flowprog_switch_up(fp, DPID);
    sl_flowprog_resync(fp, DPID); /* reconciling: starts anew */
    ck_assert_uint_eq(fk.n_sent, 3);
    ck_assert(!reply_flow_stats(DPID, fk.sent[1].xid, NULL, 0, false));
    ck_assert(reply_flow_stats(DPID, fk.sent[2].xid, NULL, 0, false));
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_barrier_rtt_histogram)
{
    struct tflow t;

    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    const struct sl_flowprog_stats *st = sl_flowprog_stats(fp);
    ck_assert_uint_eq(st->rtt_count, 0);
    reply_all_barriers(DPID, 0);
    ck_assert_uint_eq(st->rtt_count, 1);
    ck_assert(st->rtt_sum >= 0 && st->rtt_sum < 1.0);
    uint64_t n = 0;
    for (size_t i = 0; i < SL_FLOWPROG_RTT_N_BOUNDS; i++) {
        n += st->rtt_buckets[i];
        if (i) {
            ck_assert(sl_flowprog_rtt_bounds[i] >
                      sl_flowprog_rtt_bounds[i - 1]);
        }
    }
    ck_assert_uint_eq(n, 1);
}
END_TEST

/* ---- tests: answers that never come ---- */

/* Reply timeouts of the tests below: short, and long enough for a step of
 * a test that answers in time to stay well inside it. */
#define FAST_TIMEOUT 0.05
#define SLOW_TIMEOUT 0.2

START_TEST(test_unanswered_barrier_reconciles_again)
{
    struct tflow t[2];
    struct done_rec *d = done_new(2);

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    sync_empty(DPID);
    for (int i = 0; i < 2; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], &d[i]), 0);
    }
    double start = wall_now();
    run();
    size_t barrier = last_sent(OFPT_BARRIER_REQUEST);
    uint32_t fm_xid = fk.sent[find_flow_mod(0, 0)].xid;
    size_t from = fk.n_sent;
    run();
    ck_assert_uint_eq(fk.n_sent, from);

    /* The switch never answers: its flows are read again. */
    RUN_UNTIL(fk.n_sent > from);
    ck_assert(wall_now() - start >= FAST_TIMEOUT / 2);
    ck_assert_uint_eq(fk.n_sent, from + 1);
    struct ofp_msg m = sent_msg(from);
    ck_assert_uint_eq(m.type, OFPT_MULTIPART_REQUEST);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_FLOW);
    ck_assert(!sl_flowprog_is_synced(fp, DPID));
    run();
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(d[i].calls, 1);
        ck_assert_int_eq(d[i].result, SL_FLOW_ABORTED);
    }
    ck_assert_uint_eq(sl_flowprog_n_flows(fp, DPID), 2);
    /* What was in flight is forgotten, as at a disconnection. */
    ck_assert(!reply_barrier(DPID, fk.sent[barrier].xid));
    ck_assert(!reply_error(DPID, fm_xid, OFPET_BAD_ACTION, 4));

    /* The switch answers now: it had applied flow 0 only. */
    struct ofp_flow_stats fs =
        tflow_stats(&t[0], sent_msg(find_flow_mod(0, 0)).flow_mod.cookie);
    ck_assert(reply_flow_stats(DPID, m.xid, &fs, 1, false));
    ck_assert_uint_eq(fk.n_reconciled, 2);
    ck_assert_uint_eq(fk.kept, 1);
    ck_assert_uint_eq(fk.added, 1);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    struct ofp_msg add1 = sent_msg(find_flow_mod(from, 1));
    ck_assert_uint_eq(add1.flow_mod.command, OFPFC_ADD);
    reply_all_barriers(DPID, from);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    ck_assert_uint_eq(sl_flowprog_stats(fp)->reconciliations, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(d[i].calls, 1);
    }

    /* Synced and idle: the watch has nothing to give up on. */
    size_t n = fk.n_sent;
    run_for(4 * FAST_TIMEOUT);
    ck_assert_uint_eq(fk.n_sent, n);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_unending_flow_stats_add_every_flow)
{
    struct tflow t[2];
    struct done_rec *d = done_new(2);

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    for (int i = 0; i < 2; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], &d[i]), 0);
    }
    double start = wall_now();
    sl_flowprog_switch_up(fp, DPID);
    ck_assert_uint_eq(fk.n_sent, 1);
    uint32_t xid = fk.sent[0].xid;

    /* A first part announcing more, then nothing. */
    struct ofp_flow_stats fs = tflow_stats(&t[0], SL_COOKIE(OWNER, 77));
    ck_assert(reply_flow_stats(DPID, xid, &fs, 1, true));
    run();
    ck_assert_uint_eq(fk.n_reconciled, 0);
    RUN_UNTIL(fk.n_reconciled == 1);
    ck_assert(wall_now() - start >= FAST_TIMEOUT / 2);
    ck_assert_uint_eq(fk.kept, 0);
    ck_assert_uint_eq(fk.added, 2);
    /* The end of the reply, too late, is no longer the programmer's. */
    ck_assert(!reply_flow_stats(DPID, xid, NULL, 0, false));
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 1), 2);
    for (uint32_t i = 0; i < 2; i++) {
        struct ofp_msg m = sent_msg(find_flow_mod(1, i));
        ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    }
    ck_assert_uint_eq(count_sent(OFPT_MULTIPART_REQUEST, 0), 1);
    ck_assert_int_eq(d[0].calls + d[1].calls, 0);
    reply_all_barriers(DPID, 1);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(d[i].calls, 1);
        ck_assert_int_eq(d[i].result, 0);
    }
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

START_TEST(test_unanswered_flow_stats_add_every_flow)
{
    struct tflow t;

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    sl_flowprog_switch_up(fp, DPID);
    RUN_UNTIL(fk.n_reconciled == 1);
    ck_assert_uint_eq(fk.added, 1);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, 1), 1);
    ck_assert_uint_eq(sent_msg(find_flow_mod(1, 1)).flow_mod.command,
                      OFPFC_ADD);
    reply_all_barriers(DPID, 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

/* Barrier replies come, each well inside the timeout, while the switch
 * never stops having one outstanding for longer than the timeout. */
START_TEST(test_slow_barrier_replies_are_waited_for)
{
    enum { N = 6 };
    struct tflow t[N];
    struct done_rec *d = done_new(N);

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, SLOW_TIMEOUT), 0);
    sync_empty(DPID);
    double start = wall_now();
    tflow_init(&t[0], 100, 1, 0, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t[0], &d[0]), 0);
    run();
    uint32_t prev = fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid;
    for (int i = 1; i < N; i++) {
        run_for(SLOW_TIMEOUT * 0.4);
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], &d[i]), 0);
        run();
        uint32_t next = fk.sent[last_sent(OFPT_BARRIER_REQUEST)].xid;
        ck_assert_uint_ne(next, prev);
        ck_assert(reply_barrier(DPID, prev));
        ck_assert_int_eq(d[i - 1].calls, 1);
        ck_assert_int_eq(d[i - 1].result, 0);
        prev = next;
    }
    run_for(SLOW_TIMEOUT * 0.4);
    ck_assert(reply_barrier(DPID, prev));
    ck_assert_int_eq(d[N - 1].calls, 1);
    ck_assert_int_eq(d[N - 1].result, 0);
    /* The wait outlasted the timeout: only progress kept it going. */
    ck_assert(wall_now() - start > 2 * SLOW_TIMEOUT);
    ck_assert_uint_eq(count_sent(OFPT_MULTIPART_REQUEST, 0), 1);
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

/* A flow stats reply whose parts come, each well inside the timeout, over
 * longer than the timeout, is a reconciliation, not a fallback. */
START_TEST(test_slow_flow_stats_are_waited_for)
{
    struct tflow t[2], foreign;
    struct ofp_flow_stats parts[3];

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, SLOW_TIMEOUT), 0);
    for (int i = 0; i < 2; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
        ck_assert_int_eq(add(DPID, OWNER, &t[i], NULL), 0);
    }
    tflow_init(&foreign, 100, 1, 9, 2);
    parts[0] = tflow_stats(&t[0], SL_COOKIE(OWNER, 1));
    parts[1] = tflow_stats(&foreign, FOREIGN_COOKIE);
    parts[2] = tflow_stats(&t[1], SL_COOKIE(OWNER, 2));
    double start = wall_now();
    sl_flowprog_switch_up(fp, DPID);
    uint32_t xid = fk.sent[0].xid;
    for (size_t i = 0; i < 3; i++) {
        run_for(SLOW_TIMEOUT * 0.4);
        ck_assert(reply_flow_stats(DPID, xid, &parts[i], 1, true));
        ck_assert_uint_eq(fk.n_reconciled, 0);
    }
    run_for(SLOW_TIMEOUT * 0.4);
    ck_assert(reply_flow_stats(DPID, xid, NULL, 0, false));
    ck_assert(wall_now() - start > SLOW_TIMEOUT);
    ck_assert_uint_eq(fk.n_reconciled, 1);
    ck_assert_uint_eq(fk.kept, 2);
    ck_assert_uint_eq(fk.added, 0);
    ck_assert_uint_eq(fk.foreign, 1);
    run();
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    run_for(1.5 * SLOW_TIMEOUT);
    ck_assert_uint_eq(fk.n_sent, 1);
    ck_assert_uint_eq(fk.n_reconciled, 1);
}
END_TEST

START_TEST(test_switch_down_while_waiting_stops_the_watch)
{
    struct tflow t;
    struct done_rec *d = done_new(1);

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_BARRIER_REQUEST, 0), 1);

    /* Down while a barrier is awaited. */
    sl_flowprog_switch_down(fp, DPID);
    run();
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, SL_FLOW_ABORTED);
    size_t n = fk.n_sent;
    run_for(4 * FAST_TIMEOUT);
    ck_assert_uint_eq(fk.n_sent, n);
    ck_assert_uint_eq(fk.n_reconciled, 1);

    /* Down while the flow stats are awaited. */
    sl_flowprog_switch_up(fp, DPID);
    sl_flowprog_switch_down(fp, DPID);
    run_for(4 * FAST_TIMEOUT);
    ck_assert_uint_eq(fk.n_sent, n + 1);
    ck_assert_uint_eq(fk.n_reconciled, 1);

    /* Up again, answering in time: nothing is given up, then or later. */
    sl_flowprog_switch_up(fp, DPID);
    ck_assert_uint_eq(fk.n_sent, n + 2);
    ck_assert(reply_flow_stats(DPID, fk.sent[n + 1].xid, NULL, 0, false));
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, n), 1);
    reply_all_barriers(DPID, n);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
    size_t m = fk.n_sent;
    run_for(4 * FAST_TIMEOUT);
    ck_assert_uint_eq(fk.n_sent, m);
    ck_assert_uint_eq(fk.n_reconciled, 2);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

/* Reconnected while a barrier was awaited: the watch, still pending from
 * then, counts the new flow stats request from when it was sent. */
START_TEST(test_reconnect_restarts_the_watch)
{
    struct tflow t;

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, SLOW_TIMEOUT), 0);
    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, NULL), 0);
    run();
    run_for(SLOW_TIMEOUT / 2);
    sl_flowprog_switch_down(fp, DPID);
    double up = wall_now();
    sl_flowprog_switch_up(fp, DPID);
    size_t from = fk.n_sent;
    ck_assert_uint_eq(sent_type(from - 1), OFPT_MULTIPART_REQUEST);
    RUN_UNTIL(fk.n_reconciled == 2);
    ck_assert(wall_now() - up >= 0.8 * SLOW_TIMEOUT);
    ck_assert_uint_eq(fk.added, 1);
    run();
    ck_assert_uint_eq(count_sent(OFPT_FLOW_MOD, from), 1);
    reply_all_barriers(DPID, from);
    ck_assert(sl_flowprog_is_synced(fp, DPID));
}
END_TEST

/* The watches go with the programmer: none fires afterwards (ASan and
 * valgrind see a use after free or a leaked event). */
START_TEST(test_destroy_while_waiting_frees_the_watches)
{
    struct tflow t[2];
    struct done_rec *d = done_new(2);

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    for (int i = 0; i < 2; i++) {
        tflow_init(&t[i], 100, 1, (uint32_t) i, 2);
    }
    /* DPID waits for a barrier, DPID2 for its flow stats. */
    sync_empty(DPID);
    ck_assert_int_eq(add(DPID, OWNER, &t[0], &d[0]), 0);
    run();
    ck_assert_uint_eq(count_sent(OFPT_BARRIER_REQUEST, 0), 1);
    ck_assert_int_eq(add(DPID2, OWNER, &t[1], &d[1]), 0);
    sl_flowprog_switch_up(fp, DPID2);

    sl_flowprog_destroy(fp);
    fp = NULL;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(d[i].calls, 1);
        ck_assert_int_eq(d[i].result, SL_FLOW_ABORTED);
    }
    size_t n = fk.n_sent;
    run_for(4 * FAST_TIMEOUT);
    ck_assert_uint_eq(fk.n_sent, n);
}
END_TEST

START_TEST(test_reply_timeout_setter)
{
    struct tflow t;
    struct done_rec *d = done_new(1);
    static const double bad[] = {0, -1, 1e10};

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, bad[i]), EINVAL);
    }
    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, NAN), EINVAL);
    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, INFINITY), EINVAL);

    /* The default (10 s) is left: a short silence is waited out. */
    sync_empty(DPID);
    tflow_init(&t, 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t, d), 0);
    run();
    run_for(2 * FAST_TIMEOUT);
    ck_assert_uint_eq(count_sent(OFPT_MULTIPART_REQUEST, 0), 1);
    ck_assert_int_eq(d->calls, 0);

    /* A shorter timeout applies to the wait under way, from its start. */
    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    RUN_UNTIL(count_sent(OFPT_MULTIPART_REQUEST, 0) == 2);
    run();
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, SL_FLOW_ABORTED);
}
END_TEST

/* Shortened while no answer is awaited but the watch of the last wait is
 * still pending (for 10 s): the next wait gets the new length. */
START_TEST(test_shorter_timeout_applies_to_a_pending_watch)
{
    struct tflow t[2];
    struct done_rec *d = done_new(1);

    sync_empty(DPID);
    tflow_init(&t[0], 100, 1, 0, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t[0], NULL), 0);
    run();
    reply_all_barriers(DPID, 0);
    ck_assert(sl_flowprog_is_synced(fp, DPID));

    ck_assert_int_eq(sl_flowprog_set_reply_timeout(fp, FAST_TIMEOUT), 0);
    tflow_init(&t[1], 100, 1, 1, 2);
    ck_assert_int_eq(add(DPID, OWNER, &t[1], d), 0);
    run();
    size_t from = fk.n_sent;
    RUN_UNTIL(fk.n_sent > from);
    ck_assert_uint_eq(sent_type(from), OFPT_MULTIPART_REQUEST);
    run();
    ck_assert_int_eq(d->calls, 1);
    ck_assert_int_eq(d->result, SL_FLOW_ABORTED);
}
END_TEST

static Suite *
flowprog_suite(void)
{
    Suite *s = suite_create("flowprog");
    TCase *tc;

    tc = tcase_create("connect");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_add_before_connect_sends_nothing);
    tcase_add_test(tc, test_switch_up_requests_flow_stats);
    tcase_add_test(tc, test_changes_while_reconciling_are_recorded_only);
    tcase_add_test(tc, test_empty_stats_reply_adds_then_barrier);
    tcase_add_test(tc, test_add_flags_only_from_spec);
    tcase_add_test(tc, test_add_while_synced_one_batch_per_pass);
    tcase_add_test(tc, test_1200_adds_three_batches);
    tcase_add_test(tc, test_window_holds_back_batches_until_barriers_return);
    tcase_add_test(tc, test_barrier_reply_answers_earlier_batches);
    tcase_add_test(tc, test_is_synced_and_n_flows_unknown_switch);
    suite_add_tcase(s, tc);

    tc = tcase_create("identity");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_identical_readd_sends_nothing);
    tcase_add_test(tc, test_identical_readd_in_flight_joins_change);
    tcase_add_test(tc, test_changed_readd_sends_add_and_aborts_old_done);
    tcase_add_test(tc, test_changed_readd_in_flight_waits_for_barrier);
    tcase_add_test(tc, test_readd_by_other_owner_replaces_cookie);
    tcase_add_test(tc, test_oxm_order_does_not_matter);
    tcase_add_test(tc, test_identity_is_table_priority_match);
    tcase_add_test(tc, test_match_all_flow);
    suite_add_tcase(s, tc);

    tc = tcase_create("delete");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_del_sends_delete_strict_with_cookie);
    tcase_add_test(tc, test_del_unknown_is_enoent);
    tcase_add_test(tc, test_del_by_other_owner_is_eperm);
    tcase_add_test(tc, test_del_before_send_sends_nothing);
    tcase_add_test(tc, test_del_in_flight_follows_after_barrier);
    tcase_add_test(tc, test_del_owner_counts);
    tcase_add_test(tc, test_del_owner_synced_sends_deletes);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_error_attributed_to_one_flow);
    tcase_add_test(tc, test_error_removes_flow_from_desired_table);
    tcase_add_test(tc, test_error_on_superseded_change_is_ignored);
    tcase_add_test(tc, test_failed_delete_leaves_flow_out);
    tcase_add_test(tc, test_unknown_xids_are_not_ours);
    tcase_add_test(tc, test_refused_barrier_closes_its_batch);
    tcase_add_test(tc, test_wrong_multipart_reply_falls_back);
    tcase_add_test(tc, test_optional_ops_may_be_null);
    tcase_add_test(tc, test_unknown_error_code_still_fails_flow);
    tcase_add_test(tc, test_invalid_specs_are_einval);
    tcase_add_test(tc, test_invalid_readd_changes_nothing);
    suite_add_tcase(s, tc);

    tc = tcase_create("reconcile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reconcile_keeps_modifies_deletes_adds);
    tcase_add_test(tc, test_reconcile_delete_foreign);
    tcase_add_test(tc, test_reconcile_multipart_reply);
    tcase_add_test(tc, test_reconcile_canonical_order_on_switch);
    tcase_add_test(tc, test_reconcile_timeouts_or_owner_differ_replace);
    tcase_add_test(tc,
                   test_reconcile_desired_flow_with_foreign_cookie_replaced);
    tcase_add_test(tc, test_restart_sends_no_flow_mods);
    tcase_add_test(tc, test_stats_refused_falls_back_to_adds);
    tcase_add_test(tc, test_del_while_disconnected_completes_after_reconcile);
    tcase_add_test(tc,
                   test_switch_down_mid_batch_aborts_and_reconnect_reconciles);
    tcase_add_test(tc, test_switch_up_twice_restarts_reconciliation);
    tcase_add_test(tc, test_send_failure_means_disconnected);
    suite_add_tcase(s, tc);

    tc = tcase_create("adopt");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_adopt_undesired_flow_sends_nothing);
    tcase_add_test(tc, test_adopted_flow_identical_readd_sends_nothing);
    tcase_add_test(tc,
                   test_adopted_flow_changed_readd_sends_add_with_its_cookie);
    tcase_add_test(tc, test_adopted_flow_keeps_switch_timeouts_and_flags);
    tcase_add_test(tc,
                   test_adopted_flow_del_sends_delete_strict_with_its_cookie);
    tcase_add_test(tc, test_adopted_flow_del_owner_removes_it);
    tcase_add_test(tc, test_adopt_refused_by_owner_deletes);
    tcase_add_test(tc, test_adopt_op_null_deletes);
    tcase_add_test(tc, test_adopt_only_undesired_sluice_flows);
    tcase_add_test(tc, test_adopt_invalid_flow_deletes);
    tcase_add_test(tc, test_adopt_restart_sends_no_flow_mods);
    tcase_add_test(tc, test_adopt_with_identical_add_while_reconciling);
    tcase_add_test(tc, test_adopt_flow_removed_while_switch_away);
    suite_add_tcase(s, tc);

    tc = tcase_create("rest");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_add_seq_cookie_carries_seq);
    tcase_add_test(tc, test_add_seq_limits);
    tcase_add_test(tc, test_add_seq_other_seq_is_a_change);
    tcase_add_test(tc, test_plain_readd_keeps_seq_cookie);
    tcase_add_test(tc, test_reconcile_compares_chosen_cookie);
    tcase_add_test(tc, test_get_desired_only);
    tcase_add_test(tc, test_forget_by_table_owner_cookie);
    tcase_add_test(tc, test_forget_by_out_port_and_group);
    tcase_add_test(tc, test_forget_match_is_non_strict);
    tcase_add_test(tc, test_forget_aborts_waiters_sends_nothing);
    tcase_add_test(tc, test_forget_while_reconciling_not_adopted);
    tcase_add_test(tc, test_resync_restores_desired_flows);
    tcase_add_test(tc, test_resync_waits_for_flight);
    tcase_add_test(tc, test_resync_disconnected_or_reconciling);
    tcase_add_test(tc, test_barrier_rtt_histogram);
    suite_add_tcase(s, tc);

    tc = tcase_create("completions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_done_may_call_back_into_programmer);
    tcase_add_test(tc, test_destroy_completes_everything_once);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_unanswered_barrier_reconciles_again);
    tcase_add_test(tc, test_unending_flow_stats_add_every_flow);
    tcase_add_test(tc, test_unanswered_flow_stats_add_every_flow);
    tcase_add_test(tc, test_slow_barrier_replies_are_waited_for);
    tcase_add_test(tc, test_slow_flow_stats_are_waited_for);
    tcase_add_test(tc, test_switch_down_while_waiting_stops_the_watch);
    tcase_add_test(tc, test_reconnect_restarts_the_watch);
    tcase_add_test(tc, test_destroy_while_waiting_frees_the_watches);
    tcase_add_test(tc, test_reply_timeout_setter);
    tcase_add_test(tc, test_shorter_timeout_applies_to_a_pending_watch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void);

int
main(void)
{
    return test_run_suite(flowprog_suite());
}
