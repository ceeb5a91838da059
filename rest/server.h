/* rest/server: the HTTP(S) server of the northbound API, on libevent's
 * evhttp, in the controller's event loop.
 *
 * The server knows nothing of switches or flows: it binds, enforces the
 * limits and the bearer token, routes a request to the handler registered
 * for its method and path, parses JSON bodies (jansson) and sends JSON
 * replies and errors.  rest/api.c registers the controller's routes on it;
 * apps register theirs under /api/v1/apps/<app>/... through the plugin API.
 *
 * Every error a client gets is JSON {"error": "...", "detail": "..."}
 * with its status: 400 malformed JSON or a bad value, 401 a missing or
 * wrong token on a write, 404 no such route (or object), 405 a method the
 * path does not take (with an Allow header), 413 a body over the limit,
 * 503 too many connections, 504 a switch that did not answer in time.
 *
 * Limits (struct rest_server_limits) bound what a client can make us hold:
 * body and header sizes, simultaneous connections (over the cap a new
 * connection gets a 503 and is closed; over HTTPS it is closed at once, as
 * a 503 would need a TLS handshake first), the time to send a request, and
 * the output an event stream may queue before its consumer is dropped.
 * Headers over the limit get 400: evhttp (2.1) does not tell them from a
 * malformed request.
 *
 * Requests may be answered later (a switch's reply, a barrier): the handler
 * keeps the 'struct rest_req *' and replies from another callback.  If the
 * client goes away first, the request's cancel callback runs (see
 * rest_req_on_cancel()) and the request must not be touched again. */
#ifndef REST_SERVER_H
#define REST_SERVER_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include <jansson.h>
#include <openssl/ssl.h>

struct rest_server;
struct rest_req;
struct rest_stream;

/* Methods, as a mask. */
enum rest_method {
    REST_GET = 1 << 0,
    REST_POST = 1 << 1,
    REST_PUT = 1 << 2,
    REST_DELETE = 1 << 3,
    REST_HEAD = 1 << 4, /* answered as GET without the body */
};

struct rest_server_limits {
    size_t max_body;          /* bytes of a request body (413 beyond) */
    size_t max_headers;       /* bytes of a request's headers (400) */
    unsigned max_connections; /* open at once (beyond: the connection
                               * waiting longest for a request is closed if
                               * it waited 1 s, else 503) */
    double request_timeout;   /* seconds to receive a whole request, and
                               * idle seconds on a kept-alive connection */
    size_t stream_max_queued; /* bytes an event stream may queue */
};

/* The defaults: 1 MiB, 16 KiB, 256, 10 s, 1 MiB. */
void rest_server_limits_default(struct rest_server_limits *);

struct rest_server_config {
    const char *address;  /* "127.0.0.1", "::1", "0.0.0.0" (numeric) */
    uint16_t port;        /* 0 picks one */
    const char *token;    /* bearer token required for writes (POST,
                           * PUT, DELETE); NULL or "" = none */
    SSL_CTX *ssl_ctx;     /* non-NULL: HTTPS only (borrowed; must outlive
                           * the server) */
    struct rest_server_limits limits;
};

/* Creates a server on 'base' and starts listening.  Returns it, or NULL
 * with a one-line reason in 'err' ("rest: cannot listen on
 * 127.0.0.1:8080: Address already in use").  Logs a warning when it
 * listens on a non-loopback address without a token. */
struct rest_server *rest_server_create(struct event_base *base,
                                       const struct rest_server_config *cfg,
                                       char *err, size_t errlen);
/* Closes every connection (pending requests are cancelled: their cancel
 * callbacks run) and frees the server.  NULL is ignored. */
void rest_server_destroy(struct rest_server *);

/* The bound port (useful with port 0) and "http://127.0.0.1:8080". */
uint16_t rest_server_port(const struct rest_server *);
const char *rest_server_url(const struct rest_server *);

/* ---- routes ---- */

/* Handles 'req'.  Must reply (rest_reply_*()) exactly once, now or later. */
typedef void rest_handler(struct rest_req *req, void *aux);

/* Registers 'handler' for 'methods' (a mask of enum rest_method) on
 * 'pattern': a path of '/'-separated segments, each a literal or a
 * parameter "{name}" matching one non-empty segment ("/stats/flow/{dpid}").
 * A final segment "{name...}" matches the rest of the path (one or more
 * segments).  Literal segments win over parameters when both match.
 * 'owner' (copied; NULL for the core) tags the route so an app's routes
 * can be removed at once.  Returns 0, EEXIST if the same pattern and a
 * common method are already registered, EINVAL for a malformed pattern,
 * ENOMEM. */
int rest_route_add(struct rest_server *, unsigned methods,
                   const char *pattern, rest_handler *handler, void *aux,
                   const char *owner);
/* As rest_route_add(), for the paths of 'pattern' followed by a slash:
 * "/ui" here matches "/ui/" only (a page's folder, where the page's
 * relative links resolve).  rest_route_foreach() shows it as "/ui/".  Not
 * offered to the apps. */
int rest_route_add_slash(struct rest_server *, unsigned methods,
                         const char *pattern, rest_handler *handler,
                         void *aux, const char *owner);
/* Removes every route of 'owner'.  Returns how many. */
size_t rest_route_remove_owner(struct rest_server *, const char *owner);

/* Calls 'cb' for each registered route, in registration order. */
void rest_route_foreach(const struct rest_server *,
                        void (*cb)(unsigned methods, const char *pattern,
                                   const char *owner, void *aux),
                        void *aux);

/* ---- requests ---- */

enum rest_method rest_req_method(const struct rest_req *);
/* The decoded path, without the query ("/stats/flow/1"). */
const char *rest_req_path(const struct rest_req *);
/* The value of path parameter 'name' of the matched route, or NULL. */
const char *rest_req_param(const struct rest_req *, const char *name);
/* The decoded value of query parameter 'name' (first one), or NULL. */
const char *rest_req_query(const struct rest_req *, const char *name);
/* The query string as received, still encoded ("x=1&y=%20"); "" if
 * none. */
const char *rest_req_raw_query(const struct rest_req *);
/* A request header, or NULL. */
const char *rest_req_header(const struct rest_req *, const char *name);
/* The raw body and its length (not NUL-terminated; may be empty). */
const uint8_t *rest_req_body(const struct rest_req *, size_t *len);

/* Parses the body as JSON (UTF-8, depth at most 64).  Returns a new
 * reference, or NULL after replying 400 {"error": "malformed JSON",
 * "detail": "line 1 column 7: ..."} itself (the handler then only
 * returns).  An empty body is malformed unless 'empty_ok' (then it yields
 * an empty object). */
json_t *rest_req_json(struct rest_req *, bool empty_ok);

/* Runs 'cb(aux)' if the client disconnects before the reply is sent;
 * afterwards the request is gone.  NULL 'cb' clears it. */
void rest_req_on_cancel(struct rest_req *, void (*cb)(void *aux), void *aux);

/* ---- replies (exactly one per request) ---- */

/* Replies 'status' with 'body' serialised (compact, UTF-8,
 * application/json).  Steals the reference (NULL: "{}"). */
void rest_reply_json(struct rest_req *, int status, json_t *body);
/* Replies with 'len' bytes of 'body' as 'content_type'. */
void rest_reply_data(struct rest_req *, int status, const char *content_type,
                     const void *body, size_t len);
/* Replies {"error": 'error', "detail": formatted}; 'detail_fmt' may be
 * NULL.  Adds "Allow" for 405 (from the routes of the path). */
void rest_reply_error(struct rest_req *, int status, const char *error,
                      const char *detail_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds the header 'name': 'value' to the reply 'req' is to get: the next
 * rest_reply_*() sends it (an injected request's callback does not see
 * it).  Content-Type, Content-Length and the server's own headers are not
 * to be set this way.  Returns 0, or EINVAL (nothing added) for an empty
 * 'name', or a 'name' or 'value' holding a CR or LF. */
int rest_reply_header(struct rest_req *, const char *name, const char *value);

/* ---- event streams (text/event-stream) ---- */

/* Answers 'req' with 200 text/event-stream and keeps the connection open.
 * 'closed(aux)' runs once when the client goes away, the stream is dropped
 * for queueing more than limits.stream_max_queued bytes, or the server is
 * destroyed; the stream is freed after it returns. */
struct rest_stream *rest_stream_start(struct rest_req *,
                                      void (*closed)(void *aux), void *aux);
/* Queues one event: "event: 'event'\ndata: 'data'\n\n" ('event' NULL:
 * data only; 'data' must not contain newlines).  Returns 0, or EPIPE if the
 * stream is closing, ENOBUFS if this would exceed the queue limit (the
 * stream is then dropped: 'closed' runs from the loop), EINVAL (nothing
 * sent) if 'event' or 'data' contains a CR or LF. */
int rest_stream_send(struct rest_stream *, const char *event,
                     const char *data);
/* A comment line ": hb\n\n" that keeps proxies and clients from timing
 * out.  Returns as rest_stream_send(). */
int rest_stream_heartbeat(struct rest_stream *);
/* Ends the stream from our side ('closed' still runs, from the loop). */
void rest_stream_close(struct rest_stream *);

/* ---- in-process requests (the REST fuzz target, tests) ---- */

/* Gets the reply of a request made by rest_server_inject(): 'status',
 * 'content_type' (NULL: none), the "Allow" header ("" if none) and the
 * 'len' bytes of 'body' (nothing for HEAD), all borrowed for the call.
 * It must not destroy the server. */
typedef void rest_inject_cb(void *aux, int status, const char *content_type,
                            const char *allow, const void *body, size_t len);

/* Handles a request made in the process, without a connection: 'method' as
 * on a request line ("GET", "POST", "PUT", "DELETE", "HEAD"; any other is
 * a method no route takes), 'target' as on a request line (the
 * percent-encoded path and query, or an absolute URI), the 'n_headers'
 * name/value pairs of 'headers' ('headers[2 * i]', 'headers[2 * i + 1]')
 * and the 'len' bytes of 'body'.  It takes the steps of a request from a
 * client -- path and query decoding, routing, the bearer token, the
 * handler -- and 'cb' gets its reply once, during this call or later from
 * the loop.  An event stream is reported as its 200 and then closed from
 * the loop.  A request still pending at rest_server_destroy() is
 * cancelled as for a client that went away ('cb' is not called).
 * Returns 0, or EINVAL without handling anything for what evhttp refuses
 * before the server sees it: a target it cannot parse, a header with a
 * CR or LF. */
int rest_server_inject(struct rest_server *, const char *method,
                       const char *target, const char *const *headers,
                       size_t n_headers, const void *body, size_t len,
                       rest_inject_cb *cb, void *aux);

/* ---- statistics (for /metrics) ---- */

struct rest_server_stats {
    uint64_t requests;            /* answered */
    uint64_t by_class[6];         /* [2] 2xx ... [5] 5xx; [0], [1] unused */
    uint64_t by_status[600];      /* per status code */
    uint64_t refused_connections; /* over max_connections */
    uint64_t evicted_connections; /* closed to make room for a new one */
    uint64_t dropped_streams;     /* slow consumers */
    unsigned connections;         /* open now */
    unsigned streams;             /* open now */
};
const struct rest_server_stats *rest_server_stats(const struct rest_server *);

#endif /* REST_SERVER_H */
