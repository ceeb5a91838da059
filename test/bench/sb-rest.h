/* sb-rest: the small HTTP client sluice-bench's fabric mode polls the
 * controller's REST API with (GET /api/v1/topology/summary, every few ms,
 * to time discovery from the controller's side).
 *
 * One blocking HTTP/1.0 GET per call over a fresh TCP connection, bounded
 * by a timeout, from the main thread only: it is not on the emulator's
 * hot path (the switches run on the worker threads of sb-switch.c).  No
 * threads, no libevent; replies are parsed with jansson. */
#ifndef SB_REST_H
#define SB_REST_H 1

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SB_REST_MAX_REPLY (1024 * 1024) /* bytes of a whole reply */

/* Where the REST API answers. */
struct sb_rest {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char spec[128]; /* "HOST:PORT", for messages */
    char host[128]; /* the Host header */
    double timeout; /* seconds per request (connect to last byte) */
};

/* Resolves 'spec' ("HOST:PORT" or "[V6]:PORT") into 'rest', with
 * 'timeout' seconds per request.  Returns 0, or EINVAL with a one-line
 * message in 'err'. */
int sb_rest_init(struct sb_rest *rest, const char *spec, double timeout,
                 char *err, size_t errlen);

/* GETs 'path' (starting with '/') and, when the answer is 200 with a JSON
 * body, stores it in '*out' (owned by the caller: json_decref()).
 * Returns 0; or ETIMEDOUT, ECONNREFUSED or another errno of the socket;
 * EPROTO for a reply that is not HTTP/1.x, EBADMSG for a status other
 * than 200 or a body that is not JSON, EMSGSIZE for a reply larger than
 * SB_REST_MAX_REPLY -- each with a one-line message in 'err' ('*out' is
 * then NULL). */
int sb_rest_get_json(const struct sb_rest *rest, const char *path,
                     json_t **out, char *err, size_t errlen);

/* Parses the complete HTTP/1.x reply 'buf' ('len' bytes, not necessarily
 * NUL-terminated): its status code and its body (what follows the blank
 * line, borrowed from 'buf').  Returns 0, or EPROTO when there is no
 * "HTTP/1.x NNN" status line or no end of the headers.  Exposed for the
 * unit tests. */
int sb_rest_parse_reply(const char *buf, size_t len, int *status,
                        const char **body, size_t *body_len);

/* Reads the directed link count from 'summary' (the JSON of GET
 * /api/v1/topology/summary: {"enabled": true, "links": N, ...}).  Returns
 * 0 and sets '*links'; EPROTO when 'summary' is not an object or its
 * "links" is missing or not a non-negative integer; ENOTSUP when
 * "enabled" is false (discovery is off).  A message goes to 'err'. */
int sb_rest_summary_links(const json_t *summary, uint64_t *links, char *err,
                          size_t errlen);

#endif /* SB_REST_H */
