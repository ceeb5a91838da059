/* app-util: small helpers the Sluice apps share, header-only.
 *
 * Apps are built only against the headers of include/sluice and libc, so
 * each one used to carry its own copy of the same little parsers and
 * writers.  This header holds the ones that are truly the same logic, as
 * static inline functions (an app that does not use one pays nothing for
 * it):
 *
 *   - au_msgf(): snprintf() into a message buffer, for messages that embed
 *     others (and may be cut short) without a truncation warning;
 *   - au_hex(), au_parse_u64(), au_parse_dec(): numbers from text;
 *   - au_mac_str(): a MAC address as "aa:bb:cc:dd:ee:ff";
 *   - au_yaml_scalar(): a YAML scalar node's text (no libyaml call, the
 *     node is only read);
 *   - au_reply(), au_reply_error(): a REST reply from a struct aj_w of
 *     apps/app-json.h, and the {"error": ..., "detail": ...} error body.
 *
 * Nothing here logs or keeps global state; the REST helpers take the host
 * the app was given at init.
 *
 *     uint64_t v;
 *     if (au_parse_u64(text, UINT32_MAX, &v)) {
 *         ... not a number (EINVAL) or above the maximum (ERANGE) ...
 *     }
 *     au_reply_error(host, ctx, req, 400, "bad rule id", detail, oom);
 */
#ifndef SLUICE_APP_UTIL_H
#define SLUICE_APP_UTIL_H 1

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "sluice/app.h"
#include "app-json.h"

/* ---- messages ---------------------------------------------------------- */

static inline void au_msgf(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes a message into 'msg' ('len' bytes), like snprintf(), cutting it
 * short if it does not fit. */
static inline void
au_msgf(char *msg, size_t len, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, len, fmt, args);
    va_end(args);
}

/* ---- numbers ----------------------------------------------------------- */

/* The value of hexadecimal digit 'c', or -1 if it is not one. */
static inline int
au_hex(char c)
{
    return (c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1);
}

/* Parses the string 's' as an unsigned number, decimal or 0x-hexadecimal
 * (at least one digit, nothing else).  Returns 0 with the number in '*v',
 * EINVAL (not a number) or ERANGE (above 'max'); '*v' is untouched on
 * error. */
static inline int
au_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    unsigned base = 10;
    uint64_t n = 0;
    bool big = false;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return EINVAL;
    }
    for (; *s; s++) {
        unsigned d;

        if (*s >= '0' && *s <= '9') {
            d = (unsigned) (*s - '0');
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = (unsigned) (*s - 'a' + 10);
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = (unsigned) (*s - 'A' + 10);
        } else {
            return EINVAL;
        }
        if (n > (UINT64_MAX - d) / base) {
            big = true;
        } else {
            n = n * base + d;
        }
    }
    if (big || n > max) {
        return ERANGE;
    }
    *v = n;
    return 0;
}

/* Parses the 'len' bytes at 's' as decimal digits (at least one, nothing
 * else) of a number at most 'max'.  Returns false, '*v' untouched, if they
 * are not. */
static inline bool
au_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *v)
{
    uint64_t n = 0;

    if (!len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        uint64_t d;
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        d = (uint64_t) (s[i] - '0');
        if (d > max || n > (max - d) / 10) {
            return false;
        }
        n = n * 10 + d;
    }
    *v = n;
    return true;
}

/* ---- MAC addresses ----------------------------------------------------- */

/* Writes 'mac' into 'buf' ('cap' bytes, 18 for all of it) as
 * "aa:bb:cc:dd:ee:ff". */
static inline void
au_mac_str(const uint8_t *mac, char *buf, size_t cap)
{
    snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
}

/* ---- YAML -------------------------------------------------------------- */

/* Copies scalar node 'n' into 'buf' ('cap' bytes, NUL-terminated).  Returns
 * false when 'n' is NULL or not a scalar, does not fit, or holds a NUL. */
static inline bool
au_yaml_scalar(const yaml_node_t *n, char *buf, size_t cap)
{
    size_t len;

    if (!n || n->type != YAML_SCALAR_NODE) {
        return false;
    }
    len = n->data.scalar.length;
    if (len >= cap || memchr(n->data.scalar.value, '\0', len)) {
        return false;
    }
    memcpy(buf, n->data.scalar.value, len);
    buf[len] = '\0';
    return true;
}

/* ---- REST replies ------------------------------------------------------ */

/* Answers 'req' with 'status' and the JSON 'w' holds, through host 'h', and
 * frees 'w'.  If writing 'w' failed (out of memory), answers 500 with
 * 'oom' instead: a constant JSON body the app chose. */
static inline void
au_reply(const struct sl_host *h, struct sl_ctx *ctx,
         const struct sl_rest_request *req, int status, struct aj_w *w,
         const char *oom)
{
    if (aj_w_ok(w)) {
        h->rest_reply(ctx, req, status, NULL, w->buf, w->len);
    } else {
        h->rest_reply(ctx, req, 500, NULL, oom, strlen(oom));
    }
    aj_w_free(w);
}

/* Answers 'req' with 'status' and {"error": 'error', "detail": 'detail'}
 * through au_reply(). */
static inline void
au_reply_error(const struct sl_host *h, struct sl_ctx *ctx,
               const struct sl_rest_request *req, int status,
               const char *error, const char *detail, const char *oom)
{
    struct aj_w w;

    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, "error");
    aj_w_str(&w, error);
    aj_w_key(&w, "detail");
    aj_w_str(&w, detail);
    aj_w_obj_end(&w);
    au_reply(h, ctx, req, status, &w, oom);
}

#endif /* app-util.h */
