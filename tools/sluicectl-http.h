/* sluicectl-http: the HTTP(S) client of sluicectl, on libevent's evhttp.
 *
 * A client is a base URL, a bearer token and TLS settings.  Each request
 * runs its own event loop on its own connection ("Connection: close"):
 * sluicectl makes one or two requests per run, so keeping connections
 * alive would buy nothing.  The host is resolved once, when the client is
 * created; a request tries the addresses in order until one accepts the
 * connection (so "localhost" works whether the server listens on 127.0.0.1
 * or ::1).
 *
 * HTTPS (an https:// URL) verifies the server's certificate, name or IP
 * address included, against the CAs of 'ca' or, without one, OpenSSL's
 * default paths; 'insecure' skips the verification.
 *
 * Failures are one line for a human in 'err' ("cannot connect to
 * 127.0.0.1:8080: Connection refused", "TLS: cannot verify the server's
 * certificate: ..."), and a positive errno value for the program. */
#ifndef TOOLS_SLUICECTL_HTTP_H
#define TOOLS_SLUICECTL_HTTP_H 1

#include <stdbool.h>
#include <stddef.h>

struct ctl_http;

/* Seconds an event stream may stay silent once it has started.  The
 * controller sends a heartbeat every 15 s; three missed ones mean the
 * connection is gone. */
#define CTL_HTTP_STREAM_IDLE 45

struct ctl_http_config {
    const char *url;   /* "http[s]://host[:port][/prefix]" */
    const char *token; /* sent as "Authorization: Bearer TOKEN" on every
                        * request; NULL or "" for none */
    const char *ca;    /* https: a PEM file of CA certificates or an
                        * OpenSSL hashed directory; NULL for OpenSSL's
                        * default paths */
    bool insecure;     /* https: do not verify the server's certificate */
    double timeout;    /* seconds for a whole request, or for a stream
                        * until its answer's headers */
};

/* An answer.  Every pointer is malloc'd and owned by the response. */
struct ctl_http_response {
    int status;         /* 100..599 */
    char *reason;       /* the reason phrase ("Not Found"), maybe "" */
    char *content_type; /* NULL if the answer had none */
    char *body;         /* NUL-terminated; 'body_len' bytes before it */
    size_t body_len;
};

/* Creates a client for 'cfg' (copied) in '*http'.  Returns 0, EINVAL if
 * the URL is malformed (then the error is the user's), or another positive
 * errno value if the host cannot be resolved or TLS cannot be set up (the
 * CA file cannot be read).  On failure 'err' says why and '*http' is
 * NULL. */
int ctl_http_create(const struct ctl_http_config *cfg, struct ctl_http **http,
                    char *err, size_t errlen);
/* Frees 'http'.  NULL is ignored. */
void ctl_http_destroy(struct ctl_http *http);

/* Sends 'method' ("GET", "POST", "PUT" or "DELETE") for 'path' (which must
 * start with '/'; the URL's own path is put before it) with 'body' (NULL for
 * none; sent as application/json) and waits for the whole answer.  Returns
 * 0 with the answer, whatever its status, in '*resp' (release it with
 * ctl_http_response_uninit()), or a positive errno value with 'err' set
 * and '*resp' empty: ETIMEDOUT (no whole answer within the timeout),
 * ECONNREFUSED and the like (no connection), EPROTO (TLS or a malformed
 * answer), EPIPE (the server closed the connection). */
int ctl_http_request(struct ctl_http *http, const char *method,
                     const char *path, const char *body,
                     struct ctl_http_response *resp, char *err, size_t errlen);

/* Receives one piece of a streamed body.  Returns false to end the
 * stream. */
typedef bool ctl_http_data_cb(const char *data, size_t len, void *aux);

/* GETs 'path' and, if the answer is 2xx, hands its body to 'cb' piece by
 * piece as it arrives (resp->body stays empty).  Returns 0 when the server
 * ends the body, when 'cb' returns false, or when SIGINT or SIGTERM arrives
 * (then '*interrupted' is true); a non-2xx answer is collected whole into
 * '*resp' as ctl_http_request() does.  The timeout bounds the wait for the
 * answer's headers; then the stream may stay silent CTL_HTTP_STREAM_IDLE
 * seconds.  Errors are those of ctl_http_request(); a stream that breaks
 * after it started returns EPIPE. */
int ctl_http_stream(struct ctl_http *http, const char *path,
                    ctl_http_data_cb *cb, void *aux,
                    struct ctl_http_response *resp, bool *interrupted,
                    char *err, size_t errlen);

/* Frees what 'resp' holds and empties it.  Safe on an empty response. */
void ctl_http_response_uninit(struct ctl_http_response *resp);

#endif /* TOOLS_SLUICECTL_HTTP_H */
