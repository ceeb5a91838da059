/* fuzz-app-json: libFuzzer target for apps/app-json.h, the apps' JSON
 * reader and writer.
 *
 * Parses the input (a heap copy of exactly its size).  Beyond "never
 * crash, never read outside the input" it checks the parser's promises:
 * an error is EINVAL or E2BIG with '*n' 0 and an "at byte N: ..." message
 * with N within the input; an accepted text has a consistent token tree
 * (spans inside the input, strings between quotes, 'size' children that
 * 'next' walks to the container's end, keys strings, depth <= 32), one
 * token fewer gives E2BIG, aj_member() finds the first member of each key,
 * aj_element() each element, aj_int64() reads what aj_w_int() writes
 * back; and the text, re-serialised through the writer (struct aj_w),
 * parses to the same tokens, whose second serialisation is byte for byte
 * the first.  The input as a C string through aj_w_str() always gives
 * valid JSON that unescapes to the input when that is valid UTF-8.
 * Built by `make fuzz-build`, run by `make fuzz`. */
#include <config.h>
#include "apps/app-json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                           \
    do {                                                                      \
        if (!(COND)) {                                                        \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,          \
                    __LINE__, #COND);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

#define MAXTOK 2048

static struct aj_tok toks[MAXTOK], toks2[MAXTOK], toks3[MAXTOK];

/* Checks the subtree of token 'i' of 'tk' ('n' tokens of 'src', 'len'
 * bytes) at nesting 'depth'.  Returns the index after it. */
static size_t
check_subtree(const char *src, size_t len, const struct aj_tok *tk,
              size_t n, size_t i, int depth)
{
    const struct aj_tok *t;
    size_t k;
    uint32_t m;

    CHECK(i < n);
    t = &tk[i];
    CHECK(t->start <= t->end && t->end <= len);
    CHECK(t->next > i && t->next <= n);
    switch (t->type) {
    case AJ_OBJECT:
    case AJ_ARRAY:
        CHECK(depth < AJ_MAX_DEPTH);
        CHECK(t->end - t->start >= 2);
        CHECK(src[t->start] == (t->type == AJ_OBJECT ? '{' : '['));
        CHECK(src[t->end - 1] == (t->type == AJ_OBJECT ? '}' : ']'));
        k = i + 1;
        for (m = 0; m < t->size; m++) {
            if (t->type == AJ_OBJECT) {
                CHECK(k < n && tk[k].type == AJ_STRING);
                CHECK(tk[k].next == k + 1 && tk[k].size == 0);
                CHECK(tk[k].start >= 1 && tk[k].end < len);
                k++;
            }
            k = check_subtree(src, len, tk, n, k, depth + 1);
        }
        CHECK(k == t->next);
        return k;
    case AJ_STRING:
        CHECK(t->start >= 1 && t->end < len);
        CHECK(src[t->start - 1] == '"' && src[t->end] == '"');
        break;
    case AJ_NUMBER:
    case AJ_TRUE:
    case AJ_FALSE:
    case AJ_NULL:
        CHECK(t->start < t->end);
        break;
    default:
        CHECK(!"a token type");
    }
    CHECK(t->size == 0 && t->next == i + 1);
    return i + 1;
}

/* Returns string token 't' of 'src' unescaped (malloc'd), or NULL if it
 * holds \u0000. */
static char *
unescape(const char *src, const struct aj_tok *t)
{
    size_t cap = t->end - t->start + 1;
    char *buf = malloc(cap), *short_buf;

    CHECK(buf != NULL);
    if (!aj_string(src, t, buf, cap)) {
        CHECK(buf[0] == '\0');
        free(buf);
        return NULL;
    }
    CHECK(aj_eq(src, t, buf));
    /* One byte short never fits, and leaves "". */
    cap = strlen(buf);
    short_buf = malloc(cap + 1);
    CHECK(short_buf != NULL);
    short_buf[0] = 'x';
    CHECK(!aj_string(src, t, short_buf, cap));
    CHECK(!cap || short_buf[0] == '\0');
    free(short_buf);
    return buf;
}

/* Writes the subtree of token 'i' of 'src' to 'w'.  Returns the index after
 * it, or -1 if a string holds \u0000. */
static long
rewrite(const char *src, const struct aj_tok *tk, size_t i, struct aj_w *w)
{
    const struct aj_tok *t = &tk[i];
    size_t len = t->end - t->start;
    long k;
    char *buf;
    uint32_t m;

    switch (t->type) {
    case AJ_OBJECT:
    case AJ_ARRAY:
        if (t->type == AJ_OBJECT) {
            aj_w_obj_begin(w);
        } else {
            aj_w_arr_begin(w);
        }
        k = (long) i + 1;
        for (m = 0; m < t->size && k >= 0; m++) {
            if (t->type == AJ_OBJECT) {
                buf = unescape(src, &tk[k]);
                if (!buf) {
                    return -1;
                }
                aj_w_key(w, buf);
                free(buf);
                k++;
            }
            k = rewrite(src, tk, (size_t) k, w);
        }
        if (t->type == AJ_OBJECT) {
            aj_w_obj_end(w);
        } else {
            aj_w_arr_end(w);
        }
        return k < 0 ? -1 : (long) t->next;
    case AJ_STRING:
        buf = unescape(src, t);
        if (!buf) {
            return -1;
        }
        aj_w_str(w, buf);
        free(buf);
        break;
    case AJ_NUMBER:
        buf = malloc(len + 1);
        CHECK(buf != NULL);
        memcpy(buf, src + t->start, len);
        buf[len] = '\0';
        aj_w_raw(w, buf);
        free(buf);
        break;
    case AJ_TRUE:
    case AJ_FALSE:
        aj_w_bool(w, t->type == AJ_TRUE);
        break;
    default:
        aj_w_null(w);
        break;
    }
    return (long) i + 1;
}

/* Checks the lookups and number readers on every token of 'src'. */
static void
check_readers(const char *src, const struct aj_tok *tk, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct aj_tok *t = &tk[i];
        int64_t iv;
        uint64_t uv;
        bool b;

        CHECK(aj_bool(t, &b) == (t->type == AJ_TRUE || t->type == AJ_FALSE));
        if (aj_int64(src, t, &iv)) {
            char num[32], span[32];
            size_t len = t->end - t->start;

            CHECK(t->type == AJ_NUMBER && len < sizeof span);
            memcpy(span, src + t->start, len);
            span[len] = '\0';
            snprintf(num, sizeof num, "%lld", (long long) iv);
            CHECK(!strcmp(num, span) || (!iv && !strcmp(span, "-0")));
            CHECK(aj_uint64(src, t, &uv) == (iv >= 0 || !strcmp(span, "-0")));
        }
        if (t->type == AJ_ARRAY) {
            size_t k = i + 1;

            for (uint32_t m = 0; m < t->size; m++) {
                CHECK(aj_element(tk, (int) i, m) == (int) k);
                k = tk[k].next;
            }
            CHECK(aj_element(tk, (int) i, t->size) == -1);
        } else if (t->type == AJ_OBJECT) {
            size_t k = i + 1;

            for (uint32_t m = 0; m < t->size; m++) {
                char *key = unescape(src, &tk[k]);

                if (key) {
                    int v = aj_member(src, tk, (int) i, key);
                    size_t first = i + 1;

                    /* The first member with an equal key. */
                    while (first < k && !aj_eq(src, &tk[first], key)) {
                        first = tk[first + 1].next;
                    }
                    CHECK(first <= k && v == (int) first + 1);
                    free(key);
                }
                k = tk[k + 1].next;
            }
        } else {
            CHECK(aj_element(tk, (int) i, 0) == -1);
            CHECK(aj_member(src, tk, (int) i, "") == -1);
        }
    }
}

/* Round trip: 'src' ('n' tokens) through the writer, parsed again. */
static void
check_round_trip(const char *src, size_t n)
{
    struct aj_w w1, w2;
    size_t n2 = 0, n3 = 0;
    char err[128];

    aj_w_init(&w1);
    if (rewrite(src, toks, 0, &w1) < 0) {
        aj_w_free(&w1);
        return;
    }
    if (w1.oom) {
        aj_w_free(&w1);
        return;
    }
    CHECK(aj_w_ok(&w1));
    CHECK(!aj_parse(w1.buf, w1.len, toks2, MAXTOK, &n2, err, sizeof err));
    CHECK(n2 == n);
    check_subtree(w1.buf, w1.len, toks2, n2, 0, 0);
    for (size_t i = 0; i < n; i++) {
        CHECK(toks[i].type == toks2[i].type);
        CHECK(toks[i].size == toks2[i].size);
        CHECK(toks[i].next == toks2[i].next);
        if (toks[i].type == AJ_STRING) {
            char *a = unescape(src, &toks[i]);
            char *b = unescape(w1.buf, &toks2[i]);

            CHECK(a && b && !strcmp(a, b));
            free(a);
            free(b);
        } else if (toks[i].type == AJ_NUMBER) {
            size_t len = toks[i].end - toks[i].start;

            CHECK(len == toks2[i].end - toks2[i].start);
            CHECK(!memcmp(src + toks[i].start, w1.buf + toks2[i].start,
                          len));
        }
    }
    aj_w_init(&w2);
    CHECK(rewrite(w1.buf, toks2, 0, &w2) == (long) n);
    if (!w2.oom) {
        CHECK(w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len));
        CHECK(!aj_parse(w2.buf, w2.len, toks3, MAXTOK, &n3, NULL, 0));
        CHECK(n3 == n);
    }
    aj_w_free(&w1);
    aj_w_free(&w2);
}

/* The input as a C string through aj_w_str(). */
static void
check_writer_string(const uint8_t *data, size_t size)
{
    size_t len = strnlen((const char *) data, size), pos, n = 0;
    char *s = malloc(len + 1), *back;
    struct aj_w w;
    bool utf8 = true;
    uint32_t cp;

    CHECK(s != NULL);
    memcpy(s, data, len);
    s[len] = '\0';
    for (pos = 0; pos < len;) {
        size_t k = aj__utf8_seq(data + pos, len - pos, &cp);

        if (!k) {
            utf8 = false;
            break;
        }
        pos += k;
    }
    aj_w_init(&w);
    aj_w_str(&w, s);
    if (!w.oom) {
        CHECK(aj_w_ok(&w));
        CHECK(!aj_parse(w.buf, w.len, toks2, MAXTOK, &n, NULL, 0));
        CHECK(n == 1 && toks2[0].type == AJ_STRING);
        back = unescape(w.buf, &toks2[0]);
        CHECK(back != NULL);
        CHECK(!utf8 || !strcmp(back, s));
        free(back);
    }
    aj_w_free(&w);
    free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    char err[128];
    size_t n = 777, at;
    int rc;

    CHECK(text != NULL);
    memcpy(text, data, size);
    err[0] = 'x';
    rc = aj_parse(text, size, toks, MAXTOK, &n, err, sizeof err);
    if (rc) {
        CHECK(rc == EINVAL || rc == E2BIG);
        CHECK(n == 0);
        CHECK(!strncmp(err, "at byte ", 8));
        at = strtoul(err + 8, NULL, 10);
        CHECK(at <= size);
        CHECK(strchr(err, '\n') == NULL);
    } else {
        CHECK(err[0] == '\0');
        CHECK(n >= 1 && n <= MAXTOK);
        CHECK(check_subtree(text, size, toks, n, 0, 0) == n);
        CHECK(toks[0].next == n);
        /* One token fewer is not enough. */
        CHECK(aj_parse(text, size, toks2, n - 1, &at, NULL, 0) == E2BIG);
        check_readers(text, toks, n);
        check_round_trip(text, n);
    }
    check_writer_string(data, size);
    free(text);
    return 0;
}
