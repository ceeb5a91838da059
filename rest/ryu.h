/* rest/ryu: Ryu's ofctl_rest endpoints (/stats/...), same paths and JSON
 * shapes (../shared/corpus/ryu-ofctl-of13), with real answers: reads are
 * fresh requests to the switch (504 on timeout), writes answer after the
 * switch's barrier, and an OFPT_ERROR becomes a 4xx naming it. */
#ifndef REST_RYU_H
#define REST_RYU_H 1

#include "controller/controller.h"
#include "rest/server.h"

/* Seconds a switch has to answer a read or a write's barrier. */
#define REST_RYU_TIMEOUT 5.0

struct rest_ryu;

/* Registers the routes on 'server' (owner NULL).  Returns the module, or
 * NULL with 'err' set (an errno in '*error'). */
struct rest_ryu *rest_ryu_create(struct rest_server *server,
                                 struct sl_controller *ctl, int *error);
/* Frees the module: call after rest_server_destroy() has cancelled the
 * pending requests (or before anything is pending). */
void rest_ryu_destroy(struct rest_ryu *);

#endif /* REST_RYU_H */
