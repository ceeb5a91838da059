/* rest/api: the northbound API of a running controller -- the server of
 * rest/server.c with every route on it: the Ryu-compatible /stats/...
 * family (rest/ryu.c), the native /api/v1/..., /metrics and the event
 * stream (rest/native.c), the topology's /v1.0/topology/..., /api/v1/
 * topology and /api/v1/paths (rest/topology.c), and the apps' routes under
 * /api/v1/apps/<app>.
 *
 * Sits beside the apps, above controller/: it reads the controller's
 * services (struct sl_controller) and is never called by them, except
 * through the controller's observer hook (events). */
#ifndef REST_API_H
#define REST_API_H 1

#include <stddef.h>
#include "controller/controller.h"
#include "rest/server.h"

struct rest_api;

/* Starts serving the API of 'ctl' on 'cfg' (ctl->base is the loop).
 * Returns the API, or NULL with one line in 'err'.  Destroy it before
 * sl_controller_uninit(): pending requests are cancelled first. */
struct rest_api *rest_api_create(struct sl_controller *ctl,
                                 const struct rest_server_config *cfg,
                                 char *err, size_t errlen);
/* As rest_api_create() with the settings of ctl->cfg (rest.listen,
 * rest.token, rest.https with openflow.tls's certificate and key). */
struct rest_api *rest_api_start(struct sl_controller *ctl, char *err,
                                size_t errlen);
void rest_api_destroy(struct rest_api *);

struct rest_server *rest_api_server(const struct rest_api *);

/* Registers every route of 'ctl''s API on 'server' (what
 * rest_api_create() does; the OpenAPI coverage test calls it on a bare
 * server).  Returns 0 or an errno. */
int rest_api_register(struct rest_api *);

#endif /* REST_API_H */
