/* sb-rest: a blocking HTTP/1.0 GET for sluice-bench (see sb-rest.h). */
#include <config.h>
#include "test/bench/sb-rest.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(err, errlen, fmt, args);
        va_end(args);
    }
}

int
sb_rest_init(struct sb_rest *rest, const char *spec, double timeout, char *err,
             size_t errlen)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    size_t hlen = colon ? (size_t) (colon - spec) : 0;

    memset(rest, 0, sizeof *rest);
    if (!colon || !hlen || !colon[1] || hlen >= sizeof host ||
        strlen(spec) >= sizeof rest->spec) {
        set_err(err, errlen, "--rest: want HOST:PORT, not \"%s\"", spec);
        return EINVAL;
    }
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        memmove(host, host + 1, hlen - 2);
        host[hlen - 2] = '\0';
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    int error = getaddrinfo(host, colon + 1, &hints, &ai);
    if (error) {
        set_err(err, errlen, "--rest %s: %s", spec, gai_strerror(error));
        return EINVAL;
    }
    memcpy(&rest->addr, ai->ai_addr, ai->ai_addrlen);
    rest->addr_len = ai->ai_addrlen;
    freeaddrinfo(ai);
    snprintf(rest->spec, sizeof rest->spec, "%s", spec);
    snprintf(rest->host, sizeof rest->host, "%s", spec);
    rest->timeout = timeout > 0 ? timeout : 5.0;
    return 0;
}

static double
mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Waits until 'fd' is ready for 'events' or 'deadline' passes.  Returns
 * 0, ETIMEDOUT or the errno of poll(). */
static int
wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - mono_s();
        if (left <= 0) {
            return ETIMEDOUT;
        }
        struct pollfd pfd = {.fd = fd, .events = events};
        int n = poll(&pfd, 1, (int) (left * 1e3) + 1);
        if (n > 0) {
            return 0;
        } else if (n < 0 && errno != EINTR) {
            return errno;
        }
    }
}

/* Connects to 'rest', sends the request for 'path' and reads the reply
 * until the server closes, into '*bufp' (malloc'd, '*lenp' bytes). */
static int
fetch(const struct sb_rest *rest, const char *path, char **bufp, size_t *lenp,
      char *err, size_t errlen)
{
    double deadline = mono_s() + rest->timeout;
    char req[512];
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int error = 0;
    int fd = socket(rest->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    *bufp = NULL;
    *lenp = 0;
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.0\r\nHost: %s\r\n"
                     "Accept: application/json\r\n\r\n",
                     path, rest->host);
    if (n < 0 || (size_t) n >= sizeof req) {
        set_err(err, errlen, "GET %s: path too long", path);
        error = EINVAL;
        goto out;
    }
    if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
        error = errno;
        set_err(err, errlen, "socket: %s", strerror(error));
        goto out;
    }
    if (connect(fd, (const struct sockaddr *) &rest->addr, rest->addr_len) &&
        errno != EINPROGRESS) {
        error = errno;
        goto io_error;
    }
    error = wait_fd(fd, POLLOUT, deadline);
    if (error) {
        goto io_error;
    }
    socklen_t elen = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &elen) < 0) {
        error = errno;
    }
    if (error) {
        goto io_error;
    }
    for (size_t ofs = 0; ofs < (size_t) n;) {
        ssize_t w = send(fd, req + ofs, (size_t) n - ofs, MSG_NOSIGNAL);
        if (w > 0) {
            ofs += (size_t) w;
        } else if (w < 0 && errno == EAGAIN) {
            error = wait_fd(fd, POLLOUT, deadline);
            if (error) {
                goto io_error;
            }
        } else if (w < 0 && errno != EINTR) {
            error = errno;
            goto io_error;
        }
    }
    for (;;) {
        if (cap - len < 4096) {
            if (cap >= SB_REST_MAX_REPLY) {
                set_err(err, errlen,
                        "GET http://%s%s: reply longer than %d bytes",
                        rest->spec, path, SB_REST_MAX_REPLY);
                error = EMSGSIZE;
                goto out;
            }
            size_t ncap = cap ? cap * 2 : 16384;
            char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                set_err(err, errlen, "out of memory");
                error = ENOMEM;
                goto out;
            }
            buf = nbuf;
            cap = ncap;
        }
        ssize_t r = recv(fd, buf + len, cap - len, 0);
        if (r > 0) {
            len += (size_t) r;
        } else if (r == 0) {
            break;
        } else if (errno == EAGAIN) {
            error = wait_fd(fd, POLLIN, deadline);
            if (error) {
                goto io_error;
            }
        } else if (errno != EINTR) {
            error = errno;
            goto io_error;
        }
    }
    *bufp = buf;
    *lenp = len;
    buf = NULL;
    goto out;

io_error:
    set_err(err, errlen, "GET http://%s%s: %s", rest->spec, path,
            error == ETIMEDOUT ? "no complete answer in time"
                               : strerror(error));
out:
    free(buf);
    if (fd >= 0) {
        close(fd);
    }
    return error;
}

int
sb_rest_parse_reply(const char *buf, size_t len, int *status,
                    const char **body, size_t *body_len)
{
    /* "HTTP/1.x NNN" then a space or the end of the line. */
    if (len < 12 || memcmp(buf, "HTTP/1.", 7) || buf[7] < '0' ||
        buf[7] > '9' || buf[8] != ' ') {
        return EPROTO;
    }
    int code = 0;
    for (size_t i = 9; i < 12; i++) {
        if (buf[i] < '0' || buf[i] > '9') {
            return EPROTO;
        }
        code = code * 10 + (buf[i] - '0');
    }
    if (code < 100 || (len > 12 && buf[12] != ' ' && buf[12] != '\r')) {
        return EPROTO;
    }
    for (size_t i = 12; i + 4 <= len; i++) {
        if (!memcmp(buf + i, "\r\n\r\n", 4)) {
            *status = code;
            *body = buf + i + 4;
            *body_len = len - i - 4;
            return 0;
        }
    }
    return EPROTO;
}

int
sb_rest_get_json(const struct sb_rest *rest, const char *path, json_t **out,
                 char *err, size_t errlen)
{
    char *buf;
    size_t len;
    int status;
    const char *body;
    size_t body_len;

    *out = NULL;
    int error = fetch(rest, path, &buf, &len, err, errlen);
    if (error) {
        return error;
    }
    if (sb_rest_parse_reply(buf, len, &status, &body, &body_len)) {
        set_err(err, errlen, "GET http://%s%s: not an HTTP/1.x reply",
                rest->spec, path);
        error = EPROTO;
    } else if (status != 200) {
        set_err(err, errlen, "GET http://%s%s: status %d: %.*s", rest->spec,
                path, status, (int) (body_len < 120 ? body_len : 120), body);
        error = EBADMSG;
    } else {
        json_error_t jerr;
        *out = json_loadb(body, body_len, 0, &jerr);
        if (!*out) {
            set_err(err, errlen, "GET http://%s%s: body is not JSON: %s",
                    rest->spec, path, jerr.text);
            error = EBADMSG;
        }
    }
    free(buf);
    return error;
}

int
sb_rest_summary_links(const json_t *summary, uint64_t *links, char *err,
                      size_t errlen)
{
    if (!json_is_object(summary)) {
        set_err(err, errlen, "topology summary: not a JSON object");
        return EPROTO;
    }
    const json_t *enabled = json_object_get(summary, "enabled");
    if (json_is_false(enabled)) {
        set_err(err, errlen,
                "topology summary: discovery is disabled "
                "(topology.enabled: false)");
        return ENOTSUP;
    }
    const json_t *n = json_object_get(summary, "links");
    if (!json_is_integer(n) || json_integer_value(n) < 0) {
        set_err(err, errlen,
                "topology summary: \"links\" is not a "
                "non-negative integer");
        return EPROTO;
    }
    *links = (uint64_t) json_integer_value(n);
    return 0;
}
