/* rest/ryu-private: what the Ryu module's files share -- rest/ryu.c (the
 * module, its routes, the reads) and rest/ryu-write.c (the writes).
 *
 * Every request that waits for a switch has a 'struct ryu_op'.  It ends
 * when nothing more is owed to it: no open xact and no completion owed by
 * the flow programmer.  Its request is answered (or dropped, when the
 * client goes away) at most once before that; a flow programmer change
 * keeps its op after the answer, since the programmer calls back exactly
 * once whatever happens, possibly after the module is gone ('ryu' is then
 * NULL). */
#ifndef REST_RYU_PRIVATE_H
#define REST_RYU_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "controller/controller.h"
#include "controller/list.h"
#include "rest/ryu.h"
#include "rest/server.h"

struct ryu_route;

/* One route bound to the module (the aux of its handler). */
struct ryu_bind {
    struct rest_ryu *ryu;
    const struct ryu_route *route;
};

struct rest_ryu {
    struct rest_server *server;
    struct sl_controller *ctl;
    struct sl_list ops; /* struct ryu_op still pending */
    struct ryu_bind *binds;
};

/* How the parts of a read's reply become the body. */
enum ryu_shape {
    RYU_LIST,         /* the parts' entries, concatenated */
    RYU_OBJECT,       /* the last part's object (DESC) */
    RYU_OBJECT_LIST,  /* one object per part (AGGREGATE, *_FEATURES) */
    RYU_QUEUE_CONFIG, /* {"port", "queues"} per reply */
    RYU_ROLE,         /* {"role", "generation_id"} per reply */
    RYU_WRITE,        /* no body: a write answered after its barrier */
};

struct ryu_op {
    struct sl_list node;  /* in ryu->ops while 'ryu' is set */
    struct rest_ryu *ryu; /* NULL once the module is gone */
    struct rest_req *req; /* NULL once answered or the client left */
    struct sl_xact *xact; /* open, or NULL */
    struct event *timer;  /* a flow programmer change's deadline */
    uint64_t dpid;
    enum ryu_shape shape;
    uint16_t mp_type;  /* the multipart kind asked for */
    json_t *result;    /* the body being merged */
    int32_t priority;  /* flow stats: Ryu's priority filter, or -1 */
    uint32_t only;     /* PORT_DESC / GROUP_DESC: the port / group
                        * wanted, or OFPP_ANY / OFPG_ALL */
    bool resync;       /* reconcile the switch after the xact */
    bool flow_pending; /* the flow programmer owes a completion */
};

/* Seconds a switch has to answer. */
double ryu_timeout(void);

/* A new op for 'req' on 'dpid': it sees the client leave. */
struct ryu_op *ryu_op_create(struct rest_ryu *, struct rest_req *,
                             uint64_t dpid);
/* Frees 'op' if nothing more is owed to it. */
void ryu_op_maybe_free(struct ryu_op *);
/* Starts the xact of 'op' for 'msg' (a write: 'op->shape' RYU_WRITE).
 * On failure replies the error and frees 'op'.  Returns true if
 * started. */
bool ryu_op_start_xact(struct ryu_op *, const struct ofp_msg *msg);

/* Replies: 200 with an empty body (Ryu's answer to a write); 400 {"error":
 * "bad request body", "detail": 'detail'}; 404 no such switch; the switch's
 * OFPT_ERROR 'type'/'code' as 400; 503 for 'error' from sending (ENOENT:
 * 404). */
void ryu_reply_done(struct rest_req *);
void ryu_reply_bad_body(struct rest_req *, const char *detail);
void ryu_reply_no_switch(struct rest_req *, uint64_t dpid);
void ryu_reply_refused(struct rest_req *, uint16_t type, uint16_t code);
void ryu_reply_send_error(struct rest_req *, uint64_t dpid, int error);

/* Parses path parameter "dpid" (Python's int(s, 0)).  Returns true, or
 * false after replying 400. */
bool ryu_path_dpid(struct rest_req *, uint64_t *dpid);
/* Reads "dpid" of write body 'body'.  Returns true, or false after
 * replying 400 (missing or bad). */
bool ryu_body_dpid(struct rest_req *, const json_t *body, uint64_t *dpid);
/* True if 'dpid' has a READY session; else replies 404. */
bool ryu_switch_ready(struct rest_ryu *, struct rest_req *, uint64_t dpid);

/* Reads JSON value 'v' as Ryu's str_to_int() (an integer or an integer
 * string, int(s, 0)) up to 'max'.  Returns 0 or EINVAL with 'err' naming
 * 'what'. */
int ryu_json_uint(const json_t *v, const char *what, uint64_t max,
                  uint64_t *out, char *err, size_t errlen);
/* Reads JSON value 'v' as a port: a number or one of Ryu's port names.
 * Returns 0 or EINVAL with 'err' set. */
int ryu_json_port(const json_t *v, uint32_t *port, char *err, size_t errlen);

/* The REST owner's cookie space: a client's cookie/mask filter, turned
 * into the one that selects the REST flows with that client cookie (a
 * mask of 0 selects everything and is left alone; so is a filter that no
 * client cookie could pass). */
void ryu_cookie_filter(uint64_t *cookie, uint64_t *mask);

/* Write handlers (ryu-write.c); 'arg' is the route's. */
void ryu_flowentry(struct rest_ryu *, struct rest_req *, unsigned cmd);
void ryu_flow_clear(struct rest_ryu *, struct rest_req *, unsigned arg);
void ryu_groupentry(struct rest_ryu *, struct rest_req *, unsigned cmd);
void ryu_meterentry(struct rest_ryu *, struct rest_req *, unsigned cmd);
void ryu_portdesc_modify(struct rest_ryu *, struct rest_req *, unsigned arg);
void ryu_role_set(struct rest_ryu *, struct rest_req *, unsigned arg);
void ryu_experimenter(struct rest_ryu *, struct rest_req *, unsigned arg);

#endif /* REST_RYU_PRIVATE_H */
