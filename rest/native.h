/* rest/native: Sluice's own API -- /api/v1/health, /api/v1/switches[/{dpid}],
 * /api/v1/apps, the apps' routes under /api/v1/apps/<app>/..., Prometheus
 * /metrics and the Server-Sent Events stream /api/v1/events. */
#ifndef REST_NATIVE_H
#define REST_NATIVE_H 1

#include "controller/controller.h"
#include "rest/server.h"

/* Seconds between heartbeats on an event stream. */
#define REST_EVENTS_HEARTBEAT 15.0

struct rest_native;

/* Registers the routes on 'server' (the apps' routes with their app's name
 * as owner) and becomes the controller's observer.  Returns the module, or
 * NULL with an errno in '*error' (EINVAL: the server refused an app's
 * route, which is logged; the core routes registered so far stay on
 * 'server', which is then to be destroyed). */
struct rest_native *rest_native_create(struct rest_server *server,
                                       struct sl_controller *ctl,
                                       int *error);
/* Clears the observer and frees the module; call after
 * rest_server_destroy() (streams closed).  NULL is ignored. */
void rest_native_destroy(struct rest_native *);

/* Sets the seconds between heartbeats on the event streams of 'native'
 * (REST_EVENTS_HEARTBEAT until then); takes effect at once.  For tests. */
void rest_native_set_heartbeat(struct rest_native *native, double seconds);

#endif /* REST_NATIVE_H */
