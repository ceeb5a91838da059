/* sluicectl-http: the HTTP(S) client of sluicectl (see sluicectl-http.h).
 *
 * One request is one "exchange": a connection to one address, one evhttp
 * request on it, and a private run of the event loop until evhttp reports
 * the end, the deadline passes, a signal arrives (streams) or the stream's
 * consumer has had enough.  evhttp (2.1) says little about why a request
 * failed -- a refused connection and a failed TLS handshake both end in the
 * request callback without an answer -- so while the connection is being
 * made the exchange wraps evhttp's bufferevent event callback to see the
 * socket error, OpenSSL's error and the certificate verification result
 * first.  Once connected, evhttp installs its own callbacks again and the
 * wrapper is gone.
 *
 * Running out of memory aborts, here and in the other sluicectl modules: a
 * command-line tool has nothing better to do. */
#include <config.h>
#include "tools/sluicectl-http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Addresses of one host we try, at most. */
#define MAX_ADDRS 8

struct ctl_http {
    struct event_base *base;
    SSL_CTX *ssl_ctx; /* NULL for http:// */
    bool insecure;
    char *host;      /* the URL's host, without IPv6 brackets */
    char *authority; /* "host:port" for the Host header and messages */
    uint16_t port;
    char *prefix;        /* the URL's path without trailing '/', maybe "" */
    char *authorization; /* "Bearer TOKEN", or NULL */
    double timeout;
    char *addrs[MAX_ADDRS]; /* numeric addresses of 'host', in order */
    size_t n_addrs;
};

/* One request on its own connection to one address. */
struct exchange {
    struct ctl_http *http;
    const char *addr;
    struct evhttp_connection *evcon;
    SSL *ssl; /* https: owned by the connection's bufferevent */
    struct event *deadline;
    struct event *signals[2]; /* streams: SIGINT, SIGTERM */

    /* evhttp's event callback while connecting, which connect_cb()
     * wraps. */
    bufferevent_event_cb evhttp_event_cb;
    void *evhttp_event_arg;

    ctl_http_data_cb *on_data; /* streams only */
    void *aux;

    /* What happened. */
    bool done;        /* evhttp is finished with the request */
    bool answered;    /* ...and it had an answer, now in 'resp' */
    bool streaming;   /* a 2xx stream's headers came: body to 'on_data' */
    bool timed_out;   /* our deadline passed */
    bool interrupted; /* SIGINT or SIGTERM */
    bool stopped;     /* 'on_data' returned false */
    bool evhttp_failed;
    enum evhttp_request_error evhttp_error;
    short connect_events; /* bufferevent events while connecting */
    int connect_errno;
    unsigned long tls_error;
    long verify_result;

    struct evbuffer *body;
    struct ctl_http_response *resp;
};

static char *
xstrdup(const char *s)
{
    char *copy = strdup(s);
    if (!copy) {
        abort();
    }
    return copy;
}

/* Returns a malloc'd "'a''b'". */
static char *
concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (!s) {
        abort();
    }
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    return s;
}

static void
timeval_from_seconds(double secs, struct timeval *tv)
{
    tv->tv_sec = (time_t) secs;
    tv->tv_usec = (suseconds_t) ((secs - (double) tv->tv_sec) * 1e6);
}

/* ---- the client ---- */

/* Fills the URL's parts of 'http' from 'url'.  Returns 0, or EINVAL with
 * 'err' set; '*https' tells the scheme. */
static int
parse_url(struct ctl_http *http, const char *url, bool *https, char *err,
          size_t errlen)
{
    struct evhttp_uri *uri = evhttp_uri_parse(url);
    if (!uri) {
        snprintf(err, errlen, "'%s' is not a URL", url);
        return EINVAL;
    }

    const char *scheme = evhttp_uri_get_scheme(uri);
    const char *host = evhttp_uri_get_host(uri);
    const char *path = evhttp_uri_get_path(uri);
    int port = evhttp_uri_get_port(uri);
    int error = EINVAL;
    if (!scheme ||
        (strcasecmp(scheme, "http") && strcasecmp(scheme, "https"))) {
        snprintf(err, errlen,
                 "'%s': the URL must start with http:// or "
                 "https://",
                 url);
    } else if (!host || !*host) {
        snprintf(err, errlen, "'%s': the URL has no host", url);
    } else if (port == 0) {
        snprintf(err, errlen, "'%s': port 0 is not a port", url);
    } else if (evhttp_uri_get_userinfo(uri) || evhttp_uri_get_query(uri) ||
               evhttp_uri_get_fragment(uri)) {
        snprintf(err, errlen,
                 "'%s': the URL must not have user info, a "
                 "query or a fragment",
                 url);
    } else {
        *https = !strcasecmp(scheme, "https");
        http->port = port > 0 ? (uint16_t) port : *https ? 443 : 80;

        size_t hlen = strlen(host);
        if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
            http->host = strndup(host + 1, hlen - 2);
        } else {
            http->host = strdup(host);
        }
        char authority[300];
        snprintf(authority, sizeof authority, "%s:%u", host,
                 (unsigned) http->port);
        http->authority = xstrdup(authority);

        size_t plen = path ? strlen(path) : 0;
        while (plen && path[plen - 1] == '/') {
            plen--;
        }
        http->prefix = strndup(path ? path : "", plen);
        if (!http->host || !http->prefix) {
            abort();
        }
        error = 0;
    }
    evhttp_uri_free(uri);
    return error;
}

/* Resolves the host into numeric addresses.  Returns 0, or ENOENT with
 * 'err' set. */
static int
resolve(struct ctl_http *http, char *err, size_t errlen)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_NUMERICSERV,
    };
    struct addrinfo *res;
    char port[8];

    snprintf(port, sizeof port, "%u", (unsigned) http->port);
    int rc = getaddrinfo(http->host, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "cannot resolve '%s': %s", http->host,
                 gai_strerror(rc));
        return ENOENT;
    }
    for (struct addrinfo *ai = res; ai && http->n_addrs < MAX_ADDRS;
         ai = ai->ai_next) {
        char addr[NI_MAXHOST];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, NULL,
                        0, NI_NUMERICHOST)) {
            continue;
        }
        bool seen = false;
        for (size_t i = 0; i < http->n_addrs; i++) {
            seen = seen || !strcmp(http->addrs[i], addr);
        }
        if (!seen) {
            http->addrs[http->n_addrs++] = xstrdup(addr);
        }
    }
    freeaddrinfo(res);
    if (!http->n_addrs) {
        snprintf(err, errlen, "cannot resolve '%s': no address", http->host);
        return ENOENT;
    }
    return 0;
}

/* Returns the reason of OpenSSL's most recent error, and clears them. */
static const char *
tls_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    ERR_clear_error();
    return reason ? reason : "unknown error";
}

/* Loads the CAs to verify the server with: 'ca' (a file or a hashed
 * directory) or OpenSSL's default paths.  Returns 0, or EPROTO with 'err'
 * set. */
static int
tls_load_cas(SSL_CTX *ctx, const char *ca, char *err, size_t errlen)
{
    if (!ca) {
        if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
            snprintf(err, errlen, "TLS: cannot load the default CAs: %s",
                     tls_reason());
            return EPROTO;
        }
        return 0;
    }

    struct stat st;
    if (stat(ca, &st)) {
        snprintf(err, errlen, "TLS: cannot read CA certificates from %s: %s",
                 ca, strerror(errno));
        return EPROTO;
    }
    bool dir = S_ISDIR(st.st_mode);
    if (SSL_CTX_load_verify_locations(ctx, dir ? NULL : ca, dir ? ca : NULL) !=
        1) {
        snprintf(err, errlen, "TLS: cannot load CA certificates from %s: %s",
                 ca, tls_reason());
        return EPROTO;
    }
    return 0;
}

/* Creates the TLS context of an https:// client.  Returns 0, or EPROTO
 * with 'err' set. */
static int
tls_setup(struct ctl_http *http, const struct ctl_http_config *cfg, char *err,
          size_t errlen)
{
    http->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (!http->ssl_ctx) {
        snprintf(err, errlen, "TLS: %s", tls_reason());
        return EPROTO;
    }
    SSL_CTX_set_min_proto_version(http->ssl_ctx, TLS1_2_VERSION);
    http->insecure = cfg->insecure;
    if (cfg->insecure) {
        SSL_CTX_set_verify(http->ssl_ctx, SSL_VERIFY_NONE, NULL);
        return 0;
    }
    SSL_CTX_set_verify(http->ssl_ctx, SSL_VERIFY_PEER, NULL);
    return tls_load_cas(http->ssl_ctx, cfg->ca, err, errlen);
}

int
ctl_http_create(const struct ctl_http_config *cfg, struct ctl_http **httpp,
                char *err, size_t errlen)
{
    struct ctl_http *http = calloc(1, sizeof *http);
    bool https = false;
    int error;

    *httpp = NULL;
    if (!http) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    http->timeout = cfg->timeout;
    if (cfg->token && *cfg->token) {
        http->authorization = concat("Bearer ", cfg->token);
    }
    error = parse_url(http, cfg->url, &https, err, errlen);
    if (!error) {
        error = resolve(http, err, errlen);
    }
    if (!error && https) {
        error = tls_setup(http, cfg, err, errlen);
    }
    if (!error) {
        http->base = event_base_new();
        if (!http->base) {
            snprintf(err, errlen, "cannot create an event loop");
            error = ENOMEM;
        }
    }
    if (error) {
        ctl_http_destroy(http);
        return error;
    }
    *httpp = http;
    return 0;
}

void
ctl_http_destroy(struct ctl_http *http)
{
    if (!http) {
        return;
    }
    if (http->base) {
        event_base_free(http->base);
    }
    SSL_CTX_free(http->ssl_ctx);
    for (size_t i = 0; i < http->n_addrs; i++) {
        free(http->addrs[i]);
    }
    free(http->host);
    free(http->authority);
    free(http->prefix);
    free(http->authorization);
    free(http);
}

void
ctl_http_response_uninit(struct ctl_http_response *resp)
{
    free(resp->reason);
    free(resp->content_type);
    free(resp->body);
    memset(resp, 0, sizeof *resp);
}

/* ---- one exchange: callbacks ---- */

static bool
exchange_finished(const struct exchange *ex)
{
    return ex->done || ex->timed_out || ex->interrupted || ex->stopped;
}

/* evhttp is finished with the request: 'req' holds an answer, or is NULL
 * or without a status after a failure. */
static void
done_cb(struct evhttp_request *req, void *ex_)
{
    struct exchange *ex = ex_;

    ex->done = true;
    if (!req || !evhttp_request_get_response_code(req)) {
        return;
    }
    struct ctl_http_response *resp = ex->resp;
    const char *reason = evhttp_request_get_response_code_line(req);
    const char *type = evhttp_find_header(
        evhttp_request_get_input_headers(req), "Content-Type");

    ex->answered = true;
    resp->status = evhttp_request_get_response_code(req);
    free(resp->reason);
    resp->reason = xstrdup(reason ? reason : "");
    free(resp->content_type);
    resp->content_type = type ? xstrdup(type) : NULL;
    if (!ex->streaming) {
        evbuffer_add_buffer(ex->body, evhttp_request_get_input_buffer(req));
    }
}

/* The answer's headers are in: a 2xx stream starts. */
static int
headers_cb(struct evhttp_request *req, void *ex_)
{
    struct exchange *ex = ex_;
    int status = evhttp_request_get_response_code(req);

    if (ex->on_data && status >= 200 && status < 300) {
        struct timeval idle = {CTL_HTTP_STREAM_IDLE, 0};

        ex->streaming = true;
        event_del(ex->deadline);
        evhttp_connection_set_timeout_tv(ex->evcon, &idle);
    }
    return 0;
}

/* Part of the body came (only when 'on_data' is set). */
static void
chunk_cb(struct evhttp_request *req, void *ex_)
{
    struct exchange *ex = ex_;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);

    if (!ex->streaming) {
        evbuffer_add_buffer(ex->body, in);
        return;
    }
    size_t len = evbuffer_get_length(in);
    if (len && !ex->stopped) {
        const char *data = (const char *) evbuffer_pullup(in, -1);
        if (!ex->on_data(data, len, ex->aux)) {
            ex->stopped = true;
        }
    }
    evbuffer_drain(in, len);
}

static void
error_cb(enum evhttp_request_error error, void *ex_)
{
    struct exchange *ex = ex_;

    ex->evhttp_failed = true;
    ex->evhttp_error = error;
}

/* The socket error behind a connection failure on 'bev'. */
static int
socket_error(struct bufferevent *bev, int saved_errno)
{
    evutil_socket_t fd = bufferevent_getfd(bev);
    int so_error = 0;
    socklen_t len = sizeof so_error;

    if (fd >= 0 && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) &&
        so_error) {
        return so_error;
    }
    return saved_errno;
}

/* Wraps evhttp's event callback while connecting, to keep why it failed. */
static void
connect_cb(struct bufferevent *bev, short what, void *ex_)
{
    struct exchange *ex = ex_;
    int saved_errno = errno;

    if (!(what & BEV_EVENT_CONNECTED)) {
        ex->connect_events |= what;
        ex->connect_errno = socket_error(bev, saved_errno);
        if (ex->ssl) {
            unsigned long e;
            while ((e = bufferevent_get_openssl_error(bev))) {
                if (!ex->tls_error) {
                    ex->tls_error = e;
                }
            }
            ex->verify_result = SSL_get_verify_result(ex->ssl);
        }
    }
    errno = saved_errno;
    ex->evhttp_event_cb(bev, what, ex->evhttp_event_arg);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *ex_)
{
    struct exchange *ex = ex_;

    (void) fd;
    (void) what;
    ex->timed_out = true;
}

static void
signal_cb(evutil_socket_t sig, short what, void *ex_)
{
    struct exchange *ex = ex_;

    (void) sig;
    (void) what;
    ex->interrupted = true;
}

/* ---- one exchange: running it ---- */

/* Returns a new SSL for a connection to the client's host, verifying its
 * name or address unless insecure, or NULL. */
static SSL *
tls_new(const struct ctl_http *http)
{
    SSL *ssl = SSL_new(http->ssl_ctx);
    unsigned char buf[sizeof(struct in6_addr)];
    bool is_ip = inet_pton(AF_INET, http->host, buf) == 1 ||
                 inet_pton(AF_INET6, http->host, buf) == 1;

    if (!ssl) {
        return NULL;
    }
    if (!http->insecure) {
        X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
        int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, http->host)
                       : X509_VERIFY_PARAM_set1_host(param, http->host, 0);
        if (ok != 1) {
            SSL_free(ssl);
            return NULL;
        }
    }
    if (!is_ip) {
        SSL_set_tlsext_host_name(ssl, http->host);
    }
    return ssl;
}

/* Creates the connection of 'ex' to its address.  Returns 0 or EPROTO,
 * ENOMEM with 'err' set. */
static int
exchange_connect(struct exchange *ex, char *err, size_t errlen)
{
    struct ctl_http *http = ex->http;
    struct bufferevent *bev = NULL;
    struct timeval tv;

    if (http->ssl_ctx) {
        ex->ssl = tls_new(http);
        if (!ex->ssl) {
            snprintf(err, errlen, "TLS: %s", tls_reason());
            return EPROTO;
        }
        bev = bufferevent_openssl_socket_new(
            http->base, -1, ex->ssl, BUFFEREVENT_SSL_CONNECTING,
            BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
        if (!bev) {
            SSL_free(ex->ssl);
            ex->ssl = NULL;
            snprintf(err, errlen, "cannot create a TLS connection");
            return ENOMEM;
        }
        bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    }
    ex->evcon = evhttp_connection_base_bufferevent_new(http->base, NULL, bev,
                                                       ex->addr, http->port);
    if (!ex->evcon) {
        if (bev) {
            bufferevent_free(bev);
            ex->ssl = NULL;
        }
        snprintf(err, errlen, "cannot create a connection");
        return ENOMEM;
    }
    timeval_from_seconds(http->timeout, &tv);
    evhttp_connection_set_timeout_tv(ex->evcon, &tv);
    evhttp_connection_set_retries(ex->evcon, 0);
    return 0;
}

/* Returns a new request of 'ex' with its headers and 'body'. */
static struct evhttp_request *
exchange_new_request(struct exchange *ex, const char *body)
{
    const struct ctl_http *http = ex->http;
    struct evhttp_request *req = evhttp_request_new(done_cb, ex);
    if (!req) {
        return NULL;
    }
    evhttp_request_set_header_cb(req, headers_cb);
    evhttp_request_set_error_cb(req, error_cb);
    if (ex->on_data) {
        evhttp_request_set_chunked_cb(req, chunk_cb);
    }

    struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "Host", http->authority);
    evhttp_add_header(headers, "User-Agent", "sluicectl/" PACKAGE_VERSION);
    evhttp_add_header(headers, "Connection", "close");
    if (ex->on_data) {
        evhttp_add_header(headers, "Accept", "text/event-stream");
    }
    if (http->authorization) {
        evhttp_add_header(headers, "Authorization", http->authorization);
    }
    if (body) {
        char len[32];
        snprintf(len, sizeof len, "%zu", strlen(body));
        evhttp_add_header(headers, "Content-Type", "application/json");
        evhttp_add_header(headers, "Content-Length", len);
        evbuffer_add(evhttp_request_get_output_buffer(req), body,
                     strlen(body));
    }
    return req;
}

/* Puts connect_cb() in front of evhttp's event callback (evhttp set it
 * when it started connecting). */
static void
exchange_watch_connect(struct exchange *ex)
{
    struct bufferevent *bev = evhttp_connection_get_bufferevent(ex->evcon);
    bufferevent_data_cb readcb, writecb;

    bufferevent_getcb(bev, &readcb, &writecb, &ex->evhttp_event_cb,
                      &ex->evhttp_event_arg);
    if (ex->evhttp_event_cb) {
        bufferevent_setcb(bev, readcb, writecb, connect_cb, ex);
    }
}

/* Adds the deadline and, for streams, the signal events. */
static int
exchange_add_events(struct exchange *ex)
{
    struct event_base *base = ex->http->base;
    struct timeval tv;

    timeval_from_seconds(ex->http->timeout, &tv);
    ex->deadline = evtimer_new(base, deadline_cb, ex);
    if (!ex->deadline || evtimer_add(ex->deadline, &tv)) {
        return ENOMEM;
    }
    if (ex->on_data) {
        static const int sigs[2] = {SIGINT, SIGTERM};
        for (int i = 0; i < 2; i++) {
            ex->signals[i] = evsignal_new(base, sigs[i], signal_cb, ex);
            if (!ex->signals[i] || evsignal_add(ex->signals[i], NULL)) {
                return ENOMEM;
            }
        }
    }
    return 0;
}

/* Sends the request and runs the loop until the exchange is finished.
 * Returns 0, or an errno value with 'err' set if it could not start. */
static int
exchange_run(struct exchange *ex, enum evhttp_cmd_type type, const char *uri,
             const char *body, char *err, size_t errlen)
{
    int error = exchange_connect(ex, err, errlen);
    if (error) {
        return error;
    }
    if (exchange_add_events(ex)) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    struct evhttp_request *req = exchange_new_request(ex, body);
    if (!req || evhttp_make_request(ex->evcon, req, type, uri)) {
        snprintf(err, errlen, "cannot send a request to %s",
                 ex->http->authority);
        return ENOMEM;
    }
    if (!ex->done) {
        exchange_watch_connect(ex);
    }
    while (!exchange_finished(ex)) {
        if (event_base_loop(ex->http->base, EVLOOP_ONCE) == 1) {
            break; /* Nothing left to wait for: cannot happen. */
        }
    }
    return 0;
}

/* Frees what 'ex' holds; a request still pending is dropped. */
static void
exchange_uninit(struct exchange *ex)
{
    if (ex->evcon) {
        evhttp_connection_free(ex->evcon);
    }
    if (ex->deadline) {
        event_free(ex->deadline);
    }
    for (int i = 0; i < 2; i++) {
        if (ex->signals[i]) {
            event_free(ex->signals[i]);
        }
    }
    evbuffer_free(ex->body);
    ERR_clear_error();
}

/* ---- one exchange: what went wrong ---- */

static bool
is_connect_errno(int e)
{
    return e == ECONNREFUSED || e == ENETUNREACH || e == EHOSTUNREACH ||
           e == EADDRNOTAVAIL || e == ENETDOWN || e == EHOSTDOWN ||
           e == ETIMEDOUT;
}

/* Says that connecting to the exchange's address failed with 'e' (the
 * address is named when the host is not it).  Returns 'e'. */
static int
describe_connect_error(const struct exchange *ex, int e, char *err,
                       size_t errlen)
{
    if (strcmp(ex->http->host, ex->addr)) {
        snprintf(err, errlen, "cannot connect to %s (%s): %s",
                 ex->http->authority, ex->addr, strerror(e));
    } else {
        snprintf(err, errlen, "cannot connect to %s: %s", ex->http->authority,
                 strerror(e));
    }
    return e;
}

/* Describes a failure to connect (TCP or TLS) in 'err'.  Returns the
 * errno value. */
static int
connect_failure(const struct exchange *ex, char *err, size_t errlen)
{
    const struct ctl_http *http = ex->http;
    const char *where = ex->http->authority;
    int e = ex->connect_errno;

    if (is_connect_errno(e)) {
        return describe_connect_error(ex, e, err, errlen);
    }
    if (ex->ssl && !http->insecure && ex->verify_result != X509_V_OK) {
        snprintf(err, errlen,
                 "TLS: cannot verify the certificate of %s: %s (set "
                 "SLUICE_CA to the CA that signed it, or use --insecure)",
                 where, X509_verify_cert_error_string(ex->verify_result));
        return EPROTO;
    }
    if (ex->ssl) {
        const char *reason =
            ex->tls_error ? ERR_reason_error_string(ex->tls_error) : NULL;
        snprintf(err, errlen, "TLS handshake with %s failed: %s", where,
                 reason ? reason
                 : e    ? strerror(e)
                        : "the connection was closed");
        return EPROTO;
    }
    return describe_connect_error(ex, e ? e : ECONNREFUSED, err, errlen);
}

/* Returns 0 if 'ex' ended well (an answer, a signal, a consumer that had
 * enough), else an errno value with 'err' set.  '*no_connection' tells
 * whether no connection was made (another address may do better). */
static int
exchange_result(const struct exchange *ex, bool *no_connection, char *err,
                size_t errlen)
{
    const char *where = ex->http->authority;
    bool timeout =
        ex->timed_out ||
        (ex->evhttp_failed && ex->evhttp_error == EVREQ_HTTP_TIMEOUT) ||
        (ex->connect_events & BEV_EVENT_TIMEOUT);

    *no_connection = false;
    if (ex->answered || ex->interrupted || ex->stopped) {
        return 0;
    }
    if (ex->streaming) {
        if (timeout) {
            snprintf(err, errlen,
                     "the event stream from %s was silent for "
                     "%d s",
                     where, CTL_HTTP_STREAM_IDLE);
        } else {
            snprintf(err, errlen,
                     "the event stream from %s broke: the "
                     "connection was lost",
                     where);
        }
        return EPIPE;
    }
    if (timeout) {
        snprintf(err, errlen, "no answer from %s within %g s", where,
                 ex->http->timeout);
        return ETIMEDOUT;
    }
    if (ex->connect_events || !ex->evhttp_failed) {
        int e = connect_failure(ex, err, errlen);
        *no_connection = e != EPROTO;
        return e;
    }
    if (ex->evhttp_error == EVREQ_HTTP_EOF) {
        snprintf(err, errlen, "%s closed the connection without an answer",
                 where);
        return EPIPE;
    }
    snprintf(err, errlen, "malformed answer from %s", where);
    return EPROTO;
}

/* ---- requests ---- */

static int
method_type(const char *method, enum evhttp_cmd_type *type)
{
    static const struct {
        const char *name;
        enum evhttp_cmd_type type;
    } methods[] = {
        {"GET", EVHTTP_REQ_GET},
        {"POST", EVHTTP_REQ_POST},
        {"PUT", EVHTTP_REQ_PUT},
        {"DELETE", EVHTTP_REQ_DELETE},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!strcmp(method, methods[i].name)) {
            *type = methods[i].type;
            return 0;
        }
    }
    return EINVAL;
}

/* Runs one request against each address in turn until one connects. */
static int
perform(struct ctl_http *http, enum evhttp_cmd_type type, const char *path,
        const char *body, ctl_http_data_cb *cb, void *aux,
        struct ctl_http_response *resp, bool *interrupted, char *err,
        size_t errlen)
{
    int error = 0;

    memset(resp, 0, sizeof *resp);
    if (path[0] != '/') {
        snprintf(err, errlen, "'%s': a path must start with '/'", path);
        return EINVAL;
    }
    char *uri = concat(http->prefix, path);
    for (size_t i = 0; i < http->n_addrs; i++) {
        struct exchange ex = {
            .http = http,
            .addr = http->addrs[i],
            .on_data = cb,
            .aux = aux,
            .verify_result = X509_V_OK,
            .body = evbuffer_new(),
            .resp = resp,
        };
        bool no_connection = false;

        if (!ex.body) {
            abort();
        }
        error = exchange_run(&ex, type, uri, body, err, errlen);
        if (!error) {
            error = exchange_result(&ex, &no_connection, err, errlen);
        }
        if (!error && ex.answered) {
            size_t len = evbuffer_get_length(ex.body);
            resp->body = malloc(len + 1);
            if (!resp->body) {
                abort();
            }
            evbuffer_remove(ex.body, resp->body, len);
            resp->body[len] = '\0';
            resp->body_len = len;
        }
        if (interrupted) {
            *interrupted = ex.interrupted;
        }
        exchange_uninit(&ex);
        if (!no_connection) {
            break;
        }
    }
    free(uri);
    if (error || !resp->body) {
        ctl_http_response_uninit(resp);
    }
    return error;
}

int
ctl_http_request(struct ctl_http *http, const char *method, const char *path,
                 const char *body, struct ctl_http_response *resp, char *err,
                 size_t errlen)
{
    enum evhttp_cmd_type type;

    if (method_type(method, &type)) {
        memset(resp, 0, sizeof *resp);
        snprintf(err, errlen, "unknown method '%s'", method);
        return EINVAL;
    }
    return perform(http, type, path, body, NULL, NULL, resp, NULL, err,
                   errlen);
}

int
ctl_http_stream(struct ctl_http *http, const char *path, ctl_http_data_cb *cb,
                void *aux, struct ctl_http_response *resp, bool *interrupted,
                char *err, size_t errlen)
{
    *interrupted = false;
    return perform(http, EVHTTP_REQ_GET, path, NULL, cb, aux, resp,
                   interrupted, err, errlen);
}
