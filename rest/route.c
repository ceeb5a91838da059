/* route: see route.h. */
#include <config.h>
#include "rest/route.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool
param_name_ok(const char *s, size_t n)
{
    if (!n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

/* Appends a segment of 'kind' with the 'n' bytes of 'text'. */
static int
pattern_push(struct rest_pattern *p, enum rest_seg_kind kind,
             const char *text, size_t n)
{
    struct rest_seg *segs = realloc(p->segs, (p->n_segs + 1) * sizeof *segs);
    char *copy = malloc(n + 1);

    if (segs) {
        p->segs = segs;
    }
    if (!segs || !copy) {
        free(copy);
        return ENOMEM;
    }
    memcpy(copy, text, n);
    copy[n] = '\0';
    p->segs[p->n_segs++] = (struct rest_seg) {kind, copy};
    return 0;
}

int
rest_pattern_parse(struct rest_pattern *p, const char *pattern)
{
    if (pattern[0] != '/') {
        return EINVAL;
    }
    const char *s = pattern + 1;
    if (!*s) {
        return 0; /* "/": no segments. */
    }
    while (true) {
        const char *end = strchr(s, '/');
        size_t n = end ? (size_t) (end - s) : strlen(s);
        int error;

        if (!n) {
            return EINVAL;
        }
        if (s[0] == '{') {
            if (s[n - 1] != '}') {
                return EINVAL;
            }
            bool tail = n > 5 && !memcmp(s + n - 4, "...}", 4);
            size_t name_len = n - 2 - (tail ? 3 : 0);
            if (!param_name_ok(s + 1, name_len) || (tail && end)) {
                return EINVAL;
            }
            for (size_t i = 0; i < p->n_segs; i++) {
                if (p->segs[i].kind != REST_SEG_LITERAL &&
                    strlen(p->segs[i].text) == name_len &&
                    !memcmp(p->segs[i].text, s + 1, name_len)) {
                    return EINVAL;
                }
            }
            error = pattern_push(p, tail ? REST_SEG_TAIL : REST_SEG_PARAM,
                                 s + 1, name_len);
        } else {
            if (memchr(s, '{', n) || memchr(s, '}', n)) {
                return EINVAL;
            }
            error = pattern_push(p, REST_SEG_LITERAL, s, n);
        }
        if (error) {
            return error;
        }
        if (!end) {
            return 0;
        }
        s = end + 1;
    }
}

void
rest_pattern_free(struct rest_pattern *p)
{
    for (size_t i = 0; i < p->n_segs; i++) {
        free(p->segs[i].text);
    }
    free(p->segs);
    p->segs = NULL;
    p->n_segs = 0;
}

bool
rest_pattern_same_shape(const struct rest_pattern *a,
                        const struct rest_pattern *b)
{
    if (a->n_segs != b->n_segs) {
        return false;
    }
    for (size_t i = 0; i < a->n_segs; i++) {
        if (a->segs[i].kind != b->segs[i].kind ||
            (a->segs[i].kind == REST_SEG_LITERAL &&
             strcmp(a->segs[i].text, b->segs[i].text))) {
            return false;
        }
    }
    return true;
}

bool
rest_pattern_matches(const struct rest_pattern *p, char *const *segs,
                     size_t n)
{
    if (p->n_segs && p->segs[p->n_segs - 1].kind == REST_SEG_TAIL) {
        if (n < p->n_segs) {
            return false;
        }
    } else if (n != p->n_segs) {
        return false;
    }
    for (size_t i = 0; i < p->n_segs; i++) {
        const struct rest_seg *seg = &p->segs[i];
        if (seg->kind == REST_SEG_LITERAL ? strcmp(seg->text, segs[i]) != 0
                                          : !segs[i][0]) {
            return false;
        }
        if (seg->kind == REST_SEG_TAIL) {
            for (size_t j = i; j < n; j++) {
                if (!segs[j][0]) {
                    return false;
                }
            }
        }
    }
    return true;
}

bool
rest_pattern_better(const struct rest_pattern *a,
                    const struct rest_pattern *b)
{
    for (size_t i = 0; i < a->n_segs && i < b->n_segs; i++) {
        if (a->segs[i].kind != b->segs[i].kind) {
            return a->segs[i].kind < b->segs[i].kind;
        }
    }
    return a->n_segs > b->n_segs;
}
