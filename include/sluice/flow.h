/* sluice/flow.h: how a plugin states the flows it wants on a switch.
 *
 * Apps never send FLOW_MODs.  They tell the host's flow programmer which
 * flows they want ("desired flows"); the programmer sends the difference in
 * batches closed by a BARRIER, keeps the desired table of every switch
 * across reconnects and controller restarts (reconciling instead of
 * wiping), and reports an OFPT_ERROR that a flow caused to the app that
 * owns it (event SL_EV_ERROR with 'flow' set, and the optional completion
 * callback below).
 *
 * A flow is identified, as OFPFC_ADD/DELETE_STRICT identify it, by
 * (table_id, priority, match).  Adding a flow with the identity of one
 * already desired replaces it (its instructions, timeouts and owner).
 * The order of the OXMs in a match does not matter. */
#ifndef SLUICE_FLOW_H
#define SLUICE_FLOW_H 1

#include <stdint.h>
#include "sluice/ofp.h"

/* One desired flow.  Every pointer is borrowed for the duration of the
 * call only: the host copies what it keeps. */
struct sl_flow_spec {
    uint8_t table_id;
    uint16_t priority;
    struct ofp_match match;                 /* n_oxms == 0: match all */
    struct ofp_instruction_list instructions;
    uint16_t idle_timeout;                  /* 0: none (proactive flows) */
    uint16_t hard_timeout;
    uint16_t flags;                         /* OFPFF_SEND_FLOW_REM... */
};

/* Called exactly once per change that asked for it: when the switch
 * confirmed it (the BARRIER closing its batch was answered: 'error' is 0),
 * refused it ('error' is the OFPT_ERROR's code), or when the session ended
 * or the change was superseded before an answer ('error' is
 * SL_FLOW_ABORTED).  A change to a switch that is not connected completes
 * when the switch next connects and reconciles.  'aux' is the caller's. */
typedef void sl_flow_done_cb(void *aux, uint64_t dpid, enum ofperr error);

/* Passed as 'error' to a completion callback when the session ended (or
 * the flow was replaced) before the switch answered. */
#define SL_FLOW_ABORTED ((enum ofperr) -1)

#endif /* SLUICE_FLOW_H */
