/* rest/ryu: Ryu's ofctl_rest endpoints (/stats/...), same paths and JSON
 * shapes (../shared/corpus/ryu-ofctl-of13), with real answers: reads are
 * fresh requests to the switch (504 on timeout), writes answer after the
 * switch's barrier, and an OFPT_ERROR becomes a 4xx naming it.
 *
 * Flows added with /stats/flowentry/add belong to the flow owner "rest"
 * (sl_apps_owner_rest()): they are desired flows of the flow programmer,
 * so they survive reconnects and restarts; their cookie on the switch is
 * SL_COOKIE(rest, client's cookie), and the Ryu view shows the client's
 * cookie back.  FLOW_MODs that may hit many flows (non-strict modify and
 * delete, clear) go to the switch as they are; the programmer forgets the
 * REST flows they hit first, and reconciles the switch after them, so
 * that what other owners (the apps, the table-miss flows) still desire
 * comes back. */
#ifndef REST_RYU_H
#define REST_RYU_H 1

#include "controller/controller.h"
#include "rest/server.h"

/* Seconds a switch has to answer a read or a write's barrier. */
#define REST_RYU_TIMEOUT 5.0

struct rest_ryu;

/* Registers the routes on 'server' (owner NULL).  Returns the module, or
 * NULL with an errno in '*error'; routes registered before the failure
 * stay, so the server must then be destroyed before it serves. */
struct rest_ryu *rest_ryu_create(struct rest_server *server,
                                 struct sl_controller *ctl, int *error);
/* Frees the module: call after rest_server_destroy() has cancelled the
 * pending requests (or before anything is pending).  Changes still owed a
 * completion by the flow programmer are left to it: they end, silently,
 * when it completes them (at the latest when it is destroyed). */
void rest_ryu_destroy(struct rest_ryu *);

/* For tests: the seconds every module waits for a switch from now on
 * ('seconds' <= 0: back to REST_RYU_TIMEOUT). */
void rest_ryu_set_timeout(double seconds);

#endif /* REST_RYU_H */
