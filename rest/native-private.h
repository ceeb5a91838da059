/* rest/native-private: what the parts of rest/native share -- native.c
 * (routes, switches, apps, the apps' routes), native-metrics.c (/metrics)
 * and native-events.c (the event stream).  Not for other modules. */
#ifndef REST_NATIVE_PRIVATE_H
#define REST_NATIVE_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include <jansson.h>
#include "controller/controller.h"
#include "controller/list.h"
#include "rest/native.h"
#include "rest/server.h"

/* One route of an app, as registered on the server. */
struct rest_native_app_route {
    struct rest_native *native;
    size_t index; /* sl_apps_route()'s */
    char *prefix; /* "/api/v1/apps/<app>" */
    size_t n_params;
    char **param_names; /* the pattern's "{name}" segments, in order */
};

struct rest_native {
    struct rest_server *server; /* borrowed */
    struct sl_controller *ctl;  /* borrowed */
    struct rest_native_app_route *routes;
    size_t n_routes;

    /* Event streams (native-events.c). */
    struct sl_list streams;    /* struct rest_native_stream */
    struct event *heartbeat;   /* pending while 'streams' is not
                                * empty */
    double heartbeat_interval; /* seconds */
};

/* Length of "2026-11-21T10:00:00.123Z" plus its NUL. */
#define REST_NATIVE_TIME_LEN 32

/* Formats 't' (seconds since the epoch) as ISO 8601 UTC into 'buf':
 * "2026-11-21T10:00:00Z", or with 'millis' "2026-11-21T10:00:00.123Z". */
void rest_native_format_time(double t, bool millis,
                             char buf[REST_NATIVE_TIME_LEN]);

/* Returns a JSON string of 's' (a new reference): 's' itself if it is
 * valid UTF-8, else a copy with every byte above 0x7f replaced by '?'
 * (switches send what they like in names and descriptions). */
json_t *rest_native_json_str(const char *s);

/* Returns the JSON of dpid 'dpid': "0000000000000001" (a new reference). */
json_t *rest_native_json_dpid(uint64_t dpid);

/* Returns the JSON of port number 'port_no': the number, or "LOCAL". */
json_t *rest_native_json_port_no(uint32_t port_no);

/* The handlers of /metrics and /api/v1/events ('aux' is the module). */
void rest_native_metrics(struct rest_req *req, void *native);
void rest_native_events(struct rest_req *req, void *native);

/* Sets up and tears down the event part of 'native' (its heartbeat timer
 * and the controller's observer).  Returns 0 or an errno. */
int rest_native_events_init(struct rest_native *native);
void rest_native_events_uninit(struct rest_native *native);

#endif /* REST_NATIVE_PRIVATE_H */
