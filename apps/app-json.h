/* app-json: a tiny JSON reader and writer for Sluice apps, header-only.
 *
 * Apps link nothing but libc, yet they take JSON bodies on their REST routes
 * and answer JSON.  This header gives them both halves, as static inline
 * functions:
 *
 *   - aj_parse() tokenises a request body in place (a jsmn-like flat array
 *     of tokens, no allocation), strictly by RFC 8259; aj_member(),
 *     aj_element(), aj_eq(), aj_string(), aj_int64(), aj_uint64() and
 *     aj_bool() read the tokens;
 *   - struct aj_w builds a reply in a growable malloc'd buffer, with the
 *     commas placed automatically and every string escaped.
 *
 * The parser never reads outside 'text'/'len'; the readers trust only what
 * aj_parse() produced (they take 'text' and tokens from it) and check every
 * span they read.  Nothing here logs or keeps global state.
 *
 * Reading a body:
 *     struct aj_tok toks[64];
 *     size_t n;
 *     char err[80];
 *     int prio;
 *     int64_t v;
 *     if (aj_parse(req->body, req->body_len, toks, 64, &n, err, sizeof err)
 *         || toks[0].type != AJ_OBJECT) {
 *         ... 400 {"error": "bad JSON", "detail": err} ...
 *     }
 *     prio = aj_member(req->body, toks, 0, "priority");
 *     if (prio >= 0 && !aj_int64(req->body, &toks[prio], &v)) { ... }
 * Iterating: an array's elements are at arr + 1, then toks[i].next; an
 * object's keys at obj + 1 (value at key + 1), then toks[key + 1].next.
 *
 * Writing a reply:
 *     struct aj_w w;
 *     aj_w_init(&w);
 *     aj_w_obj_begin(&w);
 *     aj_w_key(&w, "name");
 *     aj_w_str(&w, name);
 *     aj_w_obj_end(&w);
 *     if (aj_w_ok(&w)) { ... reply w.buf, w.len ... }
 *     aj_w_free(&w);
 */
#ifndef SLUICE_APP_JSON_H
#define SLUICE_APP_JSON_H 1

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The deepest nesting of arrays and objects either side accepts. */
#define AJ_MAX_DEPTH 32

/* ---- reader ------------------------------------------------------------ */

enum aj_type {
    AJ_NONE,
    AJ_OBJECT,
    AJ_ARRAY,
    AJ_STRING,
    AJ_NUMBER,
    AJ_TRUE,
    AJ_FALSE,
    AJ_NULL
};

/* One value (or object key) of a parsed text.  Tokens are in document
 * order: a container is followed by its subtree; an object member is a key
 * token (AJ_STRING) followed by the tokens of its value. */
struct aj_tok {
    enum aj_type type;
    uint32_t start, end; /* byte span in the text; strings: inside the
                            quotes (escapes not decoded); containers: from
                            the bracket to just after the closing one */
    uint32_t size;       /* object: number of members; array: elements;
                            0 otherwise */
    uint32_t next;       /* index of the first token after this value's
                            subtree */
};

/* Returns the index of the first byte at or after 'pos' that is not JSON
 * whitespace, or 'len'. */
static inline size_t
aj__ws(const unsigned char *p, size_t len, size_t pos)
{
    while (pos < len
           && (p[pos] == ' ' || p[pos] == '\t' || p[pos] == '\n'
               || p[pos] == '\r')) {
        pos++;
    }
    return pos;
}

/* Returns the length (1..4) of the well-formed UTF-8 sequence at 'p' of at
 * most 'n' bytes, storing its code point in '*cp', or 0 if it is not one
 * (overlong forms, surrogates, code points above U+10FFFF, truncations). */
static inline size_t
aj__utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c;
    unsigned char lo = 0x80, hi = 0xbf;
    size_t k, i;
    uint32_t v;

    if (!n) {
        return 0;
    }
    c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c < 0xc2) {
        return 0;
    } else if (c < 0xe0) {
        k = 2;
        v = c & 0x1f;
    } else if (c < 0xf0) {
        k = 3;
        v = c & 0x0f;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }
    } else if (c < 0xf5) {
        k = 4;
        v = c & 0x07;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }
    } else {
        return 0;
    }
    if (n < k || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (p[i] & 0x3f);
    }
    *cp = v;
    return k;
}

/* Returns the value of the 4 hex digits at p[pos] (before 'end'), or -1. */
static inline long
aj__hex4(const unsigned char *p, size_t end, size_t pos)
{
    long v = 0;
    size_t i;

    if (pos > end || end - pos < 4) {
        return -1;
    }
    for (i = pos; i < pos + 4; i++) {
        unsigned char c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v |= c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v |= c - 'A' + 10;
        } else {
            return -1;
        }
    }
    return v;
}

/* Decodes the escape sequence starting with the backslash at p[pos] (and
 * ending before 'end') into the code point '*cp'.  Returns its length (2, 6
 * or 12 for a surrogate pair), or 0 with a reason in '*msg'.  A lone
 * surrogate is an error: it has no UTF-8 form. */
static inline size_t
aj__escape(const unsigned char *p, size_t end, size_t pos, uint32_t *cp,
           const char **msg)
{
    long hi, lo;

    if (pos >= end || end - pos < 2) {
        *msg = "unterminated string";
        return 0;
    }
    switch (p[pos + 1]) {
    case '"': *cp = '"'; return 2;
    case '\\': *cp = '\\'; return 2;
    case '/': *cp = '/'; return 2;
    case 'b': *cp = '\b'; return 2;
    case 'f': *cp = '\f'; return 2;
    case 'n': *cp = '\n'; return 2;
    case 'r': *cp = '\r'; return 2;
    case 't': *cp = '\t'; return 2;
    case 'u':
        break;
    default:
        *msg = "invalid escape in string";
        return 0;
    }
    hi = aj__hex4(p, end, pos + 2);
    if (hi < 0) {
        *msg = "invalid \\u escape";
        return 0;
    }
    if (hi >= 0xdc00 && hi <= 0xdfff) {
        *msg = "unpaired UTF-16 surrogate in \\u escape";
        return 0;
    }
    if (hi < 0xd800 || hi > 0xdbff) {
        *cp = (uint32_t) hi;
        return 6;
    }
    if (end - pos < 8 || p[pos + 6] != '\\' || p[pos + 7] != 'u') {
        *msg = "unpaired UTF-16 surrogate in \\u escape";
        return 0;
    }
    lo = aj__hex4(p, end, pos + 8);
    if (lo < 0) {
        *msg = "invalid \\u escape";
        return 0;
    }
    if (lo < 0xdc00 || lo > 0xdfff) {
        *msg = "unpaired UTF-16 surrogate in \\u escape";
        return 0;
    }
    *cp = 0x10000 + (((uint32_t) hi - 0xd800) << 10)
          + ((uint32_t) lo - 0xdc00);
    return 12;
}

/* Scans the string whose opening quote is at p[*pos].  On success stores
 * the position of the closing quote in '*pos' and returns true; otherwise
 * stores the culprit's position and a reason in '*msg'. */
static inline bool
aj__scan_string(const unsigned char *p, size_t len, size_t *pos,
                const char **msg)
{
    size_t i = *pos + 1;

    while (i < len) {
        unsigned char c = p[i];
        uint32_t cp;
        size_t k;

        if (c == '"') {
            *pos = i;
            return true;
        } else if (c < 0x20) {
            *msg = "control character in string (escape it)";
            k = 0;
        } else if (c == '\\') {
            k = aj__escape(p, len, i, &cp, msg);
        } else if (c >= 0x80) {
            k = aj__utf8_seq(p + i, len - i, &cp);
            if (!k) {
                *msg = "invalid UTF-8 in string";
            }
        } else {
            k = 1;
        }
        if (!k) {
            *pos = i;
            return false;
        }
        i += k;
    }
    *pos = len;
    *msg = "unterminated string";
    return false;
}

/* Scans the number starting at p[*pos]; on success stores the position
 * just after it in '*pos' and returns true, otherwise stores the culprit's
 * position and a reason in '*msg'. */
static inline bool
aj__scan_number(const unsigned char *p, size_t len, size_t *pos,
                const char **msg)
{
    size_t i = *pos;

#define AJ__DIGIT(I) ((I) < len && p[I] >= '0' && p[I] <= '9')
    if (i < len && p[i] == '-') {
        i++;
    }
    if (!AJ__DIGIT(i)) {
        *msg = "expected a digit";
        goto fail;
    }
    if (p[i] == '0') {
        i++;
        if (AJ__DIGIT(i)) {
            *msg = "leading zero in number";
            goto fail;
        }
    } else {
        while (AJ__DIGIT(i)) {
            i++;
        }
    }
    if (i < len && p[i] == '.') {
        i++;
        if (!AJ__DIGIT(i)) {
            *msg = "expected a digit after '.'";
            goto fail;
        }
        while (AJ__DIGIT(i)) {
            i++;
        }
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-')) {
            i++;
        }
        if (!AJ__DIGIT(i)) {
            *msg = "expected a digit in the exponent";
            goto fail;
        }
        while (AJ__DIGIT(i)) {
            i++;
        }
    }
#undef AJ__DIGIT
    *pos = i;
    return true;

fail:
    *pos = i;
    return false;
}

/* Parses the 'len' bytes of 'text' (no NUL needed; never read past 'len')
 * into at most 'max' tokens of 'toks'.  Strict RFC 8259: exactly one value
 * with optional whitespace around it, no trailing commas, comments, leading
 * zeros, NaN or Infinity; control characters in strings, invalid UTF-8 and
 * unpaired surrogate escapes are rejected; nesting deeper than
 * AJ_MAX_DEPTH is rejected; duplicate keys are kept (aj_member() finds the
 * first).
 *
 * Returns 0 and the number of tokens in '*n' (toks[0] is the value);
 * EINVAL if the text is not JSON, or E2BIG as soon as it needs more than
 * 'max' tokens (what follows is then not checked).  On error '*n' is 0 and
 * 'err' (if not NULL, 'errlen' bytes) holds one line such as "at byte 17:
 * expected ',' or '}'" (bytes count from 0); the tokens are then garbage.
 * 'toks' may be NULL when 'max' is 0.  Texts over 4 GiB are refused. */
static inline int
aj_parse(const char *text, size_t len, struct aj_tok *toks, size_t max,
         size_t *n, char *err, size_t errlen)
{
    const unsigned char *p = (const unsigned char *) text;
    uint32_t stack[AJ_MAX_DEPTH];
    int depth = 0;
    size_t pos = 0, ntok = 0, start;
    const char *msg;
    struct aj_tok *t, *top;

    if (n) {
        *n = 0;
    }
    if (err && errlen) {
        err[0] = '\0';
    }
    if (!text) {
        len = 0;
    }
    if (len > UINT32_MAX) {
        msg = "input longer than 4 GiB";
        goto fail;
    }
    if (!toks) {
        max = 0;
    } else if (max > INT_MAX) {
        max = INT_MAX;
    }

    pos = aj__ws(p, len, 0);
value:
    if (pos >= len) {
        msg = "unexpected end of input (expected a value)";
        goto fail;
    }
    if (ntok >= max) {
        goto too_many;
    }
    t = &toks[ntok];
    t->start = (uint32_t) pos;
    t->size = 0;
    switch (p[pos]) {
    case '{':
    case '[':
        if (depth >= AJ_MAX_DEPTH) {
            msg = "nesting deeper than 32";
            goto fail;
        }
        t->type = p[pos] == '{' ? AJ_OBJECT : AJ_ARRAY;
        t->end = t->next = 0;
        stack[depth++] = (uint32_t) ntok++;
        pos = aj__ws(p, len, pos + 1);
        if (pos < len && p[pos] == (t->type == AJ_OBJECT ? '}' : ']')) {
            goto close;
        }
        if (t->type == AJ_OBJECT) {
            goto key;
        }
        goto value;
    case '"':
        start = pos;
        if (!aj__scan_string(p, len, &pos, &msg)) {
            goto fail;
        }
        t->type = AJ_STRING;
        t->start = (uint32_t) (start + 1);
        t->end = (uint32_t) pos++;
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const words[] = {"true", "false", "null"};
        static const enum aj_type types[] = {AJ_TRUE, AJ_FALSE, AJ_NULL};
        int w = p[pos] == 't' ? 0 : p[pos] == 'f' ? 1 : 2;
        size_t wlen = strlen(words[w]);

        if (len - pos < wlen || memcmp(p + pos, words[w], wlen)) {
            msg = "invalid literal (expected true, false or null)";
            goto fail;
        }
        t->type = types[w];
        pos += wlen;
        t->end = (uint32_t) pos;
        break;
    }
    default:
        if (p[pos] != '-' && (p[pos] < '0' || p[pos] > '9')) {
            msg = "expected a value";
            goto fail;
        }
        if (!aj__scan_number(p, len, &pos, &msg)) {
            goto fail;
        }
        t->type = AJ_NUMBER;
        t->end = (uint32_t) pos;
        break;
    }
    t->next = (uint32_t) ++ntok;

after:
    pos = aj__ws(p, len, pos);
    if (!depth) {
        if (pos < len) {
            msg = "unexpected data after the value";
            goto fail;
        }
        if (n) {
            *n = ntok;
        }
        return 0;
    }
    top = &toks[stack[depth - 1]];
    top->size++;
    if (pos < len && p[pos] == ',') {
        pos = aj__ws(p, len, pos + 1);
        if (top->type == AJ_OBJECT) {
            goto key;
        }
        goto value;
    }
    if (pos < len && p[pos] == (top->type == AJ_OBJECT ? '}' : ']')) {
        goto close;
    }
    msg = top->type == AJ_OBJECT ? "expected ',' or '}'"
                                 : "expected ',' or ']'";
    goto fail;

close:
    top = &toks[stack[--depth]];
    top->end = (uint32_t) (pos + 1);
    top->next = (uint32_t) ntok;
    pos++;
    goto after;

key:
    if (pos >= len || p[pos] != '"') {
        msg = "expected a string (an object key)";
        goto fail;
    }
    if (ntok >= max) {
        goto too_many;
    }
    t = &toks[ntok];
    start = pos;
    if (!aj__scan_string(p, len, &pos, &msg)) {
        goto fail;
    }
    t->type = AJ_STRING;
    t->start = (uint32_t) (start + 1);
    t->end = (uint32_t) pos;
    t->size = 0;
    t->next = (uint32_t) ++ntok;
    pos = aj__ws(p, len, pos + 1);
    if (pos >= len || p[pos] != ':') {
        msg = "expected ':'";
        goto fail;
    }
    pos = aj__ws(p, len, pos + 1);
    goto value;

too_many:
    if (err && errlen) {
        snprintf(err, errlen, "at byte %zu: more than %zu tokens", pos, max);
    }
    return E2BIG;

fail:
    if (err && errlen) {
        snprintf(err, errlen, "at byte %zu: %s", pos, msg);
    }
    return EINVAL;
}

/* Decodes the next byte(s) of string token 't' at '*pos' into 'out' (1..4
 * bytes, count in '*k'), advancing '*pos'.  Returns false if the token is
 * malformed there. */
static inline bool
aj__str_next(const unsigned char *p, const struct aj_tok *t, size_t *pos,
             unsigned char out[4], size_t *k)
{
    const char *msg;
    uint32_t cp;
    size_t n;

    if (p[*pos] != '\\') {
        out[0] = p[(*pos)++];
        *k = 1;
        return true;
    }
    n = aj__escape(p, t->end, *pos, &cp, &msg);
    if (!n) {
        return false;
    }
    *pos += n;
    if (cp < 0x80) {
        out[0] = (unsigned char) cp;
        *k = 1;
    } else if (cp < 0x800) {
        out[0] = (unsigned char) (0xc0 | (cp >> 6));
        out[1] = (unsigned char) (0x80 | (cp & 0x3f));
        *k = 2;
    } else if (cp < 0x10000) {
        out[0] = (unsigned char) (0xe0 | (cp >> 12));
        out[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char) (0x80 | (cp & 0x3f));
        *k = 3;
    } else {
        out[0] = (unsigned char) (0xf0 | (cp >> 18));
        out[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
        out[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
        out[3] = (unsigned char) (0x80 | (cp & 0x3f));
        *k = 4;
    }
    return true;
}

/* Returns true if 't' is a string token of 'text' whose unescaped value
 * equals the NUL-terminated 's' (a value holding \u0000 equals nothing). */
static inline bool
aj_eq(const char *text, const struct aj_tok *t, const char *s)
{
    const unsigned char *p = (const unsigned char *) text;
    const unsigned char *q = (const unsigned char *) s;
    size_t pos, i = 0;

    if (!text || !t || !s || t->type != AJ_STRING || t->start > t->end) {
        return false;
    }
    for (pos = t->start; pos < t->end;) {
        unsigned char out[4];
        size_t k, j;

        if (!aj__str_next(p, t, &pos, out, &k)) {
            return false;
        }
        for (j = 0; j < k; j++, i++) {
            if (!q[i] || q[i] != out[j]) {
                return false;
            }
        }
    }
    return !q[i];
}

/* Unescapes string token 't' of 'text' into 'buf' of 'cap' bytes, NUL
 * included.  Returns false, leaving "" in 'buf' (if 'cap' > 0), if 't' is
 * not a string, does not fit, or contains a NUL character (\u0000). */
static inline bool
aj_string(const char *text, const struct aj_tok *t, char *buf, size_t cap)
{
    const unsigned char *p = (const unsigned char *) text;
    size_t pos, o = 0;

    if (!buf || !cap) {
        return false;
    }
    buf[0] = '\0';
    if (!text || !t || t->type != AJ_STRING || t->start > t->end) {
        return false;
    }
    for (pos = t->start; pos < t->end;) {
        unsigned char out[4];
        size_t k, j;

        if (!aj__str_next(p, t, &pos, out, &k) || k >= cap - o) {
            buf[0] = '\0';
            return false;
        }
        for (j = 0; j < k; j++) {
            if (!out[j]) {
                buf[0] = '\0';
                return false;
            }
            buf[o++] = (char) out[j];
        }
    }
    buf[o] = '\0';
    return true;
}

/* Reads number token 't' of 'text' as an integer (an optional '-' and
 * digits only: no fraction or exponent) into '*mag' (the magnitude) and
 * '*neg'.  Returns false if it is not one or exceeds UINT64_MAX. */
static inline bool
aj__integer(const char *text, const struct aj_tok *t, uint64_t *mag,
            bool *neg)
{
    size_t pos;
    uint64_t u = 0;

    if (!text || !t || t->type != AJ_NUMBER || t->start >= t->end) {
        return false;
    }
    pos = t->start;
    *neg = text[pos] == '-';
    if (*neg) {
        pos++;
    }
    if (pos >= t->end) {
        return false;
    }
    for (; pos < t->end; pos++) {
        unsigned d = (unsigned char) text[pos] - (unsigned) '0';

        if (d > 9 || u > (UINT64_MAX - d) / 10) {
            return false;
        }
        u = u * 10 + d;
    }
    *mag = u;
    return true;
}

/* Stores integer token 't' of 'text' in '*v'.  Returns false (leaving '*v'
 * alone) if 't' is not a number without fraction or exponent in the range
 * of int64_t ("1.0" and "1e2" are refused). */
static inline bool
aj_int64(const char *text, const struct aj_tok *t, int64_t *v)
{
    uint64_t u;
    bool neg;

    if (!v || !aj__integer(text, t, &u, &neg)) {
        return false;
    }
    if (neg) {
        if (u > (uint64_t) INT64_MAX + 1) {
            return false;
        }
        *v = u == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) u;
    } else {
        if (u > INT64_MAX) {
            return false;
        }
        *v = (int64_t) u;
    }
    return true;
}

/* Stores integer token 't' of 'text' in '*v'.  Returns false (leaving '*v'
 * alone) if 't' is not a number without fraction or exponent in the range
 * of uint64_t ("-0" is 0; any other negative number is refused). */
static inline bool
aj_uint64(const char *text, const struct aj_tok *t, uint64_t *v)
{
    uint64_t u;
    bool neg;

    if (!v || !aj__integer(text, t, &u, &neg) || (neg && u)) {
        return false;
    }
    *v = u;
    return true;
}

/* Stores the value of token 't' in '*v' if it is true or false.  Returns
 * false (leaving '*v' alone) for any other token. */
static inline bool
aj_bool(const struct aj_tok *t, bool *v)
{
    if (!t || !v || (t->type != AJ_TRUE && t->type != AJ_FALSE)) {
        return false;
    }
    *v = t->type == AJ_TRUE;
    return true;
}

/* Returns the index of the value of the first member named 'key' of object
 * token 'obj' (an index into 'toks' as aj_parse() filled it from 'text'),
 * or -1 if there is none or 'obj' is not an object. */
static inline int
aj_member(const char *text, const struct aj_tok *toks, int obj,
          const char *key)
{
    uint32_t i;
    int k;

    if (!text || !toks || obj < 0 || toks[obj].type != AJ_OBJECT) {
        return -1;
    }
    k = obj + 1;
    for (i = 0; i < toks[obj].size; i++) {
        if (aj_eq(text, &toks[k], key)) {
            return k + 1;
        }
        if (toks[k + 1].next <= (uint32_t) k + 1
            || toks[k + 1].next > INT_MAX) {
            return -1; /* not from aj_parse() */
        }
        k = (int) toks[k + 1].next;
    }
    return -1;
}

/* Returns the index of element 'i' (from 0) of array token 'arr' (an index
 * into 'toks' as aj_parse() filled it), or -1 if 'arr' is not an array or
 * has no element 'i'. */
static inline int
aj_element(const struct aj_tok *toks, int arr, size_t i)
{
    size_t j;
    int k;

    if (!toks || arr < 0 || toks[arr].type != AJ_ARRAY
        || i >= toks[arr].size) {
        return -1;
    }
    k = arr + 1;
    for (j = 0; j < i; j++) {
        if (toks[k].next <= (uint32_t) k || toks[k].next > INT_MAX) {
            return -1; /* not from aj_parse() */
        }
        k = (int) toks[k].next;
    }
    return k;
}

/* ---- writer ------------------------------------------------------------ */

/* A JSON text under construction.  'buf' (malloc'd, NUL-terminated once
 * anything was written, NULL before) holds 'len' bytes.  'oom' is set by an
 * allocation failure or a misuse (nesting deeper than AJ_MAX_DEPTH, an end
 * without a begin); every later call is then a no-op and the text is not
 * to be used.  'need_comma[d]': a value was already written at depth 'd'. */
struct aj_w {
    char *buf;
    size_t len, cap;
    bool oom;
    int depth;
    bool need_comma[AJ_MAX_DEPTH + 1];
};

/* Initialises 'w' empty (allocates nothing). */
static inline void
aj_w_init(struct aj_w *w)
{
    memset(w, 0, sizeof *w);
}

/* Frees what 'w' holds and leaves it empty, as aj_w_init() does. */
static inline void
aj_w_free(struct aj_w *w)
{
    if (w) {
        free(w->buf);
        aj_w_init(w);
    }
}

/* Returns true if 'w' holds one complete JSON value: nothing failed, every
 * container was closed, and something was written. */
static inline bool
aj_w_ok(const struct aj_w *w)
{
    return w && !w->oom && !w->depth && w->len && w->buf;
}

/* Appends the 'n' bytes of 's' to 'w'. */
static inline void
aj__w_put(struct aj_w *w, const char *s, size_t n)
{
    if (w->oom) {
        return;
    }
    if (n >= SIZE_MAX - w->len) {
        w->oom = true;
        return;
    }
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        char *buf;

        while (cap < w->len + n + 1) {
            cap = cap > SIZE_MAX / 2 ? w->len + n + 1 : cap * 2;
        }
        buf = realloc(w->buf, cap);
        if (!buf) {
            w->oom = true;
            return;
        }
        w->buf = buf;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/* Starts a value: the comma before it if one is due.  Returns false if 'w'
 * failed. */
static inline bool
aj__w_value(struct aj_w *w)
{
    if (!w || w->oom) {
        return false;
    }
    if (w->depth < 0 || w->depth > AJ_MAX_DEPTH) {
        w->oom = true;
        return false;
    }
    if (w->need_comma[w->depth]) {
        aj__w_put(w, ",", 1);
    }
    w->need_comma[w->depth] = true;
    return !w->oom;
}

/* Opens a container with 'c'. */
static inline void
aj__w_begin(struct aj_w *w, const char *c)
{
    if (!aj__w_value(w)) {
        return;
    }
    if (w->depth >= AJ_MAX_DEPTH) {
        w->oom = true;
        return;
    }
    aj__w_put(w, c, 1);
    w->need_comma[++w->depth] = false;
}

/* Closes a container with 'c'. */
static inline void
aj__w_end(struct aj_w *w, const char *c)
{
    if (!w || w->oom) {
        return;
    }
    if (w->depth <= 0 || w->depth > AJ_MAX_DEPTH) {
        w->oom = true;
        return;
    }
    aj__w_put(w, c, 1);
    w->depth--;
}

/* Writes '{' (a value: the comma before it is automatic). */
static inline void
aj_w_obj_begin(struct aj_w *w)
{
    aj__w_begin(w, "{");
}

/* Writes '}', closing the innermost container. */
static inline void
aj_w_obj_end(struct aj_w *w)
{
    aj__w_end(w, "}");
}

/* Writes '[' (a value: the comma before it is automatic). */
static inline void
aj_w_arr_begin(struct aj_w *w)
{
    aj__w_begin(w, "[");
}

/* Writes ']', closing the innermost container. */
static inline void
aj_w_arr_end(struct aj_w *w)
{
    aj__w_end(w, "]");
}

/* Writes 's' (NUL-terminated; NULL is "") as the body of a JSON string,
 * quotes not included: '"', '\\' and control characters escaped, every
 * byte that is not part of well-formed UTF-8 replaced by \ufffd. */
static inline void
aj__w_escaped(struct aj_w *w, const char *s)
{
    const unsigned char *p = (const unsigned char *) (s ? s : "");
    size_t n = strlen((const char *) p);
    size_t i = 0, run = 0;

    while (i < n) {
        unsigned char c = p[i];
        char esc[8];
        const char *rep = NULL;
        uint32_t cp;
        size_t k = 1;

        if (c == '"') {
            rep = "\\\"";
        } else if (c == '\\') {
            rep = "\\\\";
        } else if (c < 0x20) {
            switch (c) {
            case '\b': rep = "\\b"; break;
            case '\f': rep = "\\f"; break;
            case '\n': rep = "\\n"; break;
            case '\r': rep = "\\r"; break;
            case '\t': rep = "\\t"; break;
            default:
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned) c);
                rep = esc;
                break;
            }
        } else if (c >= 0x80) {
            k = aj__utf8_seq(p + i, n - i, &cp);
            if (!k) {
                rep = "\\ufffd";
                k = 1;
            }
        }
        if (rep) {
            aj__w_put(w, (const char *) p + run, i - run);
            aj__w_put(w, rep, strlen(rep));
            run = i + k;
        }
        i += k;
    }
    aj__w_put(w, (const char *) p + run, n - run);
}

/* Writes 'key' (NUL-terminated; NULL is "") as the name of the next member
 * of the current object; the next value written is its value. */
static inline void
aj_w_key(struct aj_w *w, const char *key)
{
    if (!aj__w_value(w)) {
        return;
    }
    aj__w_put(w, "\"", 1);
    aj__w_escaped(w, key);
    aj__w_put(w, "\":", 2);
    w->need_comma[w->depth] = false;
}

/* Writes 's' (NUL-terminated) as a JSON string, escaped; bytes that are
 * not well-formed UTF-8 become \ufffd.  NULL writes null. */
static inline void
aj_w_str(struct aj_w *w, const char *s)
{
    if (!aj__w_value(w)) {
        return;
    }
    if (!s) {
        aj__w_put(w, "null", 4);
        return;
    }
    aj__w_put(w, "\"", 1);
    aj__w_escaped(w, s);
    aj__w_put(w, "\"", 1);
}

/* Writes the integer 'v'. */
static inline void
aj_w_int(struct aj_w *w, int64_t v)
{
    char num[24];
    int n;

    if (!aj__w_value(w)) {
        return;
    }
    n = snprintf(num, sizeof num, "%lld", (long long) v);
    aj__w_put(w, num, (size_t) n);
}

/* Writes the integer 'v'. */
static inline void
aj_w_uint(struct aj_w *w, uint64_t v)
{
    char num[24];
    int n;

    if (!aj__w_value(w)) {
        return;
    }
    n = snprintf(num, sizeof num, "%llu", (unsigned long long) v);
    aj__w_put(w, num, (size_t) n);
}

/* Writes 'v' with the fewest significant digits (at most 17) that read
 * back as the same double, in %g form but without an exponent below 1e17
 * ("100", not "1e+02"); NaN and infinities, which JSON cannot say, write
 * null. */
static inline void
aj_w_double(struct aj_w *w, double v)
{
    char num[40];
    int prec, n = 0, i, exp10;
    const char *e;

    if (!aj__w_value(w)) {
        return;
    }
    if (!isfinite(v)) {
        aj__w_put(w, "null", 4);
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        n = snprintf(num, sizeof num, "%.*g", prec, v);
        if (strtod(num, NULL) == v) {
            break;
        }
    }
    e = strchr(num, 'e');
    if (e && e[1] == '+' && (exp10 = atoi(e + 2)) < 17) {
        /* "1e+02": say 100, with as many digits as the integer part. */
        n = snprintf(num, sizeof num, "%.*g", exp10 + 1, v);
    }
    for (i = 0; i < n; i++) {
        if (num[i] == ',') { /* a locale's decimal comma */
            num[i] = '.';
        }
    }
    aj__w_put(w, num, (size_t) n);
}

/* Writes true or false. */
static inline void
aj_w_bool(struct aj_w *w, bool v)
{
    if (aj__w_value(w)) {
        aj__w_put(w, v ? "true" : "false", v ? 4 : 5);
    }
}

/* Writes null. */
static inline void
aj_w_null(struct aj_w *w)
{
    if (aj__w_value(w)) {
        aj__w_put(w, "null", 4);
    }
}

/* Writes 'json', which must already be one valid JSON value (not checked;
 * NULL writes null), as the next value. */
static inline void
aj_w_raw(struct aj_w *w, const char *json)
{
    if (aj__w_value(w)) {
        if (json) {
            aj__w_put(w, json, strlen(json));
        } else {
            aj__w_put(w, "null", 4);
        }
    }
}

#endif /* app-json.h */
