/* route: the REST server's path patterns, parsed and matched.
 *
 * A pattern is "/"-separated segments: literals, "{param}" (one non-empty
 * segment) and a final "{param...}" (the rest of the path, at least one
 * segment, none empty).  Parameter names are [A-Za-z0-9_-]+, each used
 * once.  The REST server (rest/server.c) routes requests with these, and
 * the apps' test harness (test/app-harness.c) routes an app's calls the
 * same way.  Plain libc: no logging, no event loop. */
#ifndef REST_ROUTE_H
#define REST_ROUTE_H 1

#include <stdbool.h>
#include <stddef.h>

/* The kinds of a pattern's segments, in the order of preference. */
enum rest_seg_kind {
    REST_SEG_LITERAL,
    REST_SEG_PARAM,
    REST_SEG_TAIL,
};

struct rest_seg {
    enum rest_seg_kind kind;
    char *text; /* the literal, or the parameter's name */
};

struct rest_pattern {
    size_t n_segs;
    struct rest_seg *segs;
};

/* Parses 'pattern' (starting with '/'; "/" has no segments) into 'p',
 * which must be zeroed.  Returns 0, EINVAL (a bad pattern) or ENOMEM;
 * after an error 'p' holds what was parsed so far: free it. */
int rest_pattern_parse(struct rest_pattern *p, const char *pattern);
/* Frees what 'p' holds (and zeroes it). */
void rest_pattern_free(struct rest_pattern *p);
/* Do 'a' and 'b' match the same paths (whatever their names)? */
bool rest_pattern_same_shape(const struct rest_pattern *a,
                             const struct rest_pattern *b);
/* Does 'p' match the path of the 'n' decoded segments 'segs'? */
bool rest_pattern_matches(const struct rest_pattern *p, char *const *segs,
                          size_t n);
/* Is 'a' more specific than 'b' (both matching one path)?  The first
 * segment where their kinds differ decides: literal, parameter, tail. */
bool rest_pattern_better(const struct rest_pattern *a,
                         const struct rest_pattern *b);

#endif /* REST_ROUTE_H */
