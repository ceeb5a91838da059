/* flowprog: the flow programmer -- desired flow tables per switch, batched
 * FLOW_MODs closed by BARRIERs, error attribution, and reconciliation.
 *
 * Sits between the apps (which state desired flows through sluice/flow.h)
 * and the sessions (datapath.c), reached only through the 'ops' below, so
 * it is tested without sockets.
 *
 * Desired table.  Per datapath id (kept across disconnects for the life of
 * the process), a map from the flow's identity (table_id, priority, match
 * with its OXMs in canonical order) to the wanted flow: instructions,
 * timeouts, flags, owner, cookie.  The programmer stores a deep copy in
 * canonical wire form (ofproto encodes it), so apps keep nothing alive.
 *
 * Cookies.  Every flow Sluice installs carries SL_COOKIE_MAGIC in its top
 * byte and its owner in the next 16 bits; the low 40 bits are a sequence.
 * Reconciliation tells Sluice's flows from foreign ones by the top byte.
 *
 * Sending.  Changes to a connected, reconciled switch are queued and sent
 * once per loop pass (a deferred event), at most SL_FLOWPROG_BATCH_MAX
 * FLOW_MODs per BARRIER_REQUEST, and at most SL_FLOWPROG_WINDOW batches
 * unanswered per switch: the rest waits for BARRIER_REPLYs, so a million
 * desired flows never pile up in a connection's output.  Each FLOW_MOD's xid
 * is remembered until its batch's BARRIER_REPLY: an OFPT_ERROR with that xid
 * is attributed to the flow and its owner (ops->error); the rest of the batch
 * completes with 0 at the BARRIER_REPLY.  A failed flow leaves the desired
 * table (it would fail again on every reconnect).
 *
 * Reconciliation.  sl_flowprog_switch_up() sends an OFPMP_FLOW request for
 * all tables; when the last reply part arrives, for every flow on the
 * switch: desired and identical -> kept (no message); desired with other
 * instructions -> MODIFY_STRICT; desired with other timeouts, or carrying
 * another owner's or a foreign cookie -> ADD (which replaces it: a modify
 * keeps timeouts and cookie); not desired with a Sluice cookie
 * -> adopted if ops->adopt says its owner (from the cookie) adopts
 * flows: it enters the desired table as that owner's, with the switch's
 * cookie, instructions, timeouts and flags (no message: it is what the
 * switch has), as if the owner had added it -- also when it was a flow the
 * owner had removed while the switch was away (waiters of that removal
 * complete with SL_FLOW_ABORTED); else DELETE_STRICT (cookie-masked);
 * foreign (other cookie) -> kept, or deleted when 'delete_foreign' is set;
 * then every desired flow not found is added.  A changed desired flow is
 * sent as an ADD for the same reason.  A controller restart thus leaves
 * working flows untouched, learned ones included.  Until reconciliation
 * ends, changes are only recorded in the desired table.
 *
 * Answers that never come.  While the programmer waits for a switch's
 * barrier reply or its flow stats, 10 s (sl_flowprog_set_reply_timeout())
 * without any answer from it make it give up: an unanswered barrier -> the
 * switch is reconciled again (changes in flight complete with
 * SL_FLOW_ABORTED, as at a disconnection); flow stats that never end ->
 * every desired flow is added, as when the switch refuses the request. */
#ifndef CONTROLLER_FLOWPROG_H
#define CONTROLLER_FLOWPROG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include "ofproto/ofp-msgs.h"
#include "sluice/flow.h"

#define SL_COOKIE_MAGIC UINT64_C(0x5c)
#define SL_COOKIE_OWNER_SHIFT 40
#define SL_COOKIE(OWNER, SEQ)                                               \
    ((SL_COOKIE_MAGIC << 56) | ((uint64_t) (OWNER) << SL_COOKIE_OWNER_SHIFT) \
     | ((SEQ) & ((UINT64_C(1) << SL_COOKIE_OWNER_SHIFT) - 1)))
#define SL_COOKIE_IS_SLUICE(C) (((C) >> 56) == SL_COOKIE_MAGIC)
#define SL_COOKIE_OWNER(C) ((uint16_t) ((C) >> SL_COOKIE_OWNER_SHIFT))

/* Owner id of the controller's own flows (table-miss, LLDP punt). */
#define SL_OWNER_CORE 0

/* FLOW_MODs per BARRIER. */
#define SL_FLOWPROG_BATCH_MAX 512
/* Batches in flight per switch (about 400 KiB of FLOW_MODs at 100 bytes
 * each: enough to keep a switch busy, far below the output cap). */
#define SL_FLOWPROG_WINDOW 8

struct sl_flowprog;

struct sl_flowprog_ops {
    /* Sends 'msg' to switch 'dpid' with a fresh xid (stored in '*xid').
     * Returns 0, or an errno (ENOTCONN: not connected) -- then the
     * programmer treats the switch as disconnected until switch_up. */
    int (*send)(void *aux, uint64_t dpid, struct ofp_msg *msg,
                uint32_t *xid);
    /* The switch refused a flow of 'owner': 'flow' (valid during the call)
     * and the error 'code'; 'err' is the OFPT_ERROR as decoded. */
    void (*error)(void *aux, uint64_t dpid, uint16_t owner,
                  const struct sl_flow_spec *flow, enum ofperr code,
                  const struct ofp_error_msg *err);
    /* Reconciliation of 'dpid' ended (optional, for logs and tests):
     * flows 'kept' as they were, 'added', 'modified' (MODIFY_STRICT, or an
     * ADD replacing what the switch had), 'deleted', 'adopted' (see
     * above) and 'foreign' flows left alone. */
    void (*reconciled)(void *aux, uint64_t dpid, size_t kept, size_t added,
                       size_t modified, size_t deleted, size_t adopted,
                       size_t foreign);
    /* Optional (NULL: nothing is adopted).  Returns true if Sluice flows
     * of 'owner' that the switch has and nobody desires are to be adopted
     * rather than deleted.  Called during reconciliation, once per such
     * flow: keep it O(1). */
    bool (*adopt)(void *aux, uint16_t owner);
};

/* Upper bounds (seconds) of the barrier round-trip histogram buckets. */
#define SL_FLOWPROG_RTT_N_BOUNDS 12
extern const double sl_flowprog_rtt_bounds[SL_FLOWPROG_RTT_N_BOUNDS];

struct sl_flowprog_stats {
    uint64_t flow_mods, barriers, errors, reconciliations;
    /* BARRIER_REQUEST -> BARRIER_REPLY round trips (loop's cached time):
     * rtt_buckets[i] counts those in (bounds[i-1], bounds[i]]; those above
     * the last bound are in rtt_count only. */
    uint64_t rtt_buckets[SL_FLOWPROG_RTT_N_BOUNDS];
    uint64_t rtt_count;
    double rtt_sum;
};

/* Creates a programmer that defers its sends on 'base'.  'ops' and 'aux'
 * are borrowed.  'delete_foreign': delete flows without a Sluice cookie
 * when reconciling. */
struct sl_flowprog *sl_flowprog_create(struct event_base *base,
                                       const struct sl_flowprog_ops *ops,
                                       void *aux, bool delete_foreign);
/* Frees everything; pending completions are called with SL_FLOW_ABORTED
 * (those already decided, with their result).  While they run,
 * sl_flowprog_add() and sl_flowprog_del() return ESHUTDOWN and change
 * nothing.  NULL is ignored. */
void sl_flowprog_destroy(struct sl_flowprog *fp);
/* Sets how long the programmer waits for an answer from a switch before
 * giving up ("Answers that never come" above) to 'seconds' (10 until set).
 * A wait under way keeps its start: it ends 'seconds' after the last
 * answer.  Returns 0, or EINVAL (changing nothing) unless 'seconds' is
 * positive, finite and at most 1e9. */
int sl_flowprog_set_reply_timeout(struct sl_flowprog *fp, double seconds);

/* Adds or replaces the desired flow 'spec' of 'owner' on 'dpid' (see
 * sluice/flow.h for 'done').  Returns 0, or EINVAL if 'spec' fails
 * ofp_match_check()/ofp_instructions_check() or does not encode. */
int sl_flowprog_add(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner,
                    const struct sl_flow_spec *spec, sl_flow_done_cb *done,
                    void *aux);
/* Removes the desired flow with this identity.  Returns 0, ENOENT if not
 * desired, EPERM if owned by another owner than 'owner'. */
int sl_flowprog_del(struct sl_flowprog *fp, uint64_t dpid, uint16_t owner,
                    uint8_t table_id, uint16_t priority,
                    const struct ofp_match *match, sl_flow_done_cb *done,
                    void *aux);
/* As sl_flowprog_add(), and the flow's cookie carries 'seq' (below 2^40)
 * in its low 40 bits instead of a sequence the programmer picks: the REST
 * API keeps a client's cookie this way.  EINVAL if 'seq' >= 2^40. */
int sl_flowprog_add_seq(struct sl_flowprog *fp, uint64_t dpid,
                        uint16_t owner, const struct sl_flow_spec *spec,
                        uint64_t seq, sl_flow_done_cb *done, void *aux);
/* The desired flow with this identity: its owner and cookie.  Returns true
 * if it is desired. */
bool sl_flowprog_get(const struct sl_flowprog *fp, uint64_t dpid,
                     uint8_t table_id, uint16_t priority,
                     const struct ofp_match *match, uint16_t *owner,
                     uint64_t *cookie);
/* Removes from the desired table of 'dpid' every flow of 'owner' that
 * an OFPFC_DELETE with this filter would delete on the switch: 'table_id'
 * (OFPTT_ALL: any), 'match' (non-strict: the flow's match is at least as
 * specific), 'out_port' (OFPP_ANY: any; else the flow outputs there),
 * 'out_group' likewise, cookie & cookie_mask.  Nothing is sent: the caller
 * sends its own FLOW_MOD.  Returns how many were removed. */
size_t sl_flowprog_forget_matching(struct sl_flowprog *fp, uint64_t dpid,
                                   uint16_t owner, uint8_t table_id,
                                   const struct ofp_match *match,
                                   uint32_t out_port, uint32_t out_group,
                                   uint64_t cookie, uint64_t cookie_mask);
/* Reconciles switch 'dpid' again (it is READY): after a FLOW_MOD sent
 * around the programmer, flows it removed that are still desired come
 * back.  Nothing happens for a switch not connected. */
void sl_flowprog_resync(struct sl_flowprog *fp, uint64_t dpid);
/* Removes every desired flow of 'owner' on 'dpid' (0: every switch).
 * Returns how many. */
size_t sl_flowprog_del_owner(struct sl_flowprog *fp, uint64_t dpid,
                             uint16_t owner);

/* The session of 'dpid' is READY (and apps have stated their flows):
 * start reconciling. */
void sl_flowprog_switch_up(struct sl_flowprog *fp, uint64_t dpid);
/* The session of 'dpid' ended.  Changes already sent but not confirmed
 * complete with SL_FLOW_ABORTED (they stay desired and are installed by
 * the next reconciliation); changes not sent yet keep waiting for it. */
void sl_flowprog_switch_down(struct sl_flowprog *fp, uint64_t dpid);

/* Offers a message from READY switch 'dpid'.  Returns true if it was the
 * programmer's (a BARRIER_REPLY, an ERROR answering one of its xids, a
 * flow stats reply to its request): the caller then passes it no further. */
bool sl_flowprog_handle(struct sl_flowprog *fp, uint64_t dpid,
                        const struct ofp_msg *msg);

/* Desired flows on 'dpid'. */
size_t sl_flowprog_n_flows(const struct sl_flowprog *fp, uint64_t dpid);
/* True once 'dpid' is reconciled and nothing is in flight. */
bool sl_flowprog_is_synced(const struct sl_flowprog *fp, uint64_t dpid);
const struct sl_flowprog_stats *sl_flowprog_stats(
    const struct sl_flowprog *fp);

#endif /* CONTROLLER_FLOWPROG_H */
