/* sb-stats: summaries, quantiles and a radix sort for sluice-bench.
 *
 * Pure functions over caller-owned arrays (see sb-stats.h).  The emulator
 * sorts up to millions of round-trip times after a run, so sorting u64 is
 * an LSD radix sort, one byte per pass, skipping the bytes every value
 * shares; the few per-loop rates go through qsort(). */
#include <config.h>
#include "test/bench/sb-stats.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Orders doubles ascending, NaNs last (so the sort is total). */
static int
sb_stats_cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_;
    double b = *(const double *) b_;

    if (isnan(a) || isnan(b)) {
        return isnan(a) - isnan(b);
    }
    return (a > b) - (a < b);
}

void
sb_summarize(double *v, size_t n, struct sb_summary *s)
{
    memset(s, 0, sizeof *s);
    if (n == 0) {
        return;
    }
    qsort(v, n, sizeof *v, sb_stats_cmp_double);
    s->n = n;
    s->min = v[0];
    s->max = v[n - 1];
    s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t
sb_quantile_u64(const uint64_t *v, size_t n, double q)
{
    double rank;
    size_t k;

    if (n == 0) {
        return 0;
    }
    if (!(q > 0)) { /* also NaN */
        return v[0];
    }
    if (q >= 1) {
        return v[n - 1];
    }
    /* Nearest rank: the 1-based rank ceil(q * n).  q * n may carry a
     * rounding error just above a whole number (0.07 * 100 is
     * 7.000000000000001), which must not push the rank up by one. */
    rank = q * (double) n;
    k = (size_t) rank; /* rounded down */
    if (rank - (double) k > 1e-9 * (rank > 1 ? rank : 1)) {
        k++;
    }
    if (k < 1) {
        k = 1;
    } else if (k > n) {
        k = n;
    }
    return v[k - 1];
}

int
sb_sort_u64(uint64_t *v, size_t n, uint64_t *tmp)
{
    /* counts[b][x]: how many values have byte 'b' equal to 'x'. */
    static const size_t n_bytes = 8;
    size_t counts[8][256];
    bool pass[8];
    size_t n_passes = 0;
    uint64_t *owned = NULL;
    uint64_t *src = v, *dst;

    if (n < 2) {
        return 0;
    }
    memset(counts, 0, sizeof counts);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = v[i];
        for (size_t b = 0; b < n_bytes; b++) {
            counts[b][(x >> (8 * b)) & 0xff]++;
        }
    }
    /* A byte that is the same in every value leaves the order as it is. */
    for (size_t b = 0; b < n_bytes; b++) {
        pass[b] = counts[b][(v[0] >> (8 * b)) & 0xff] != n;
        n_passes += pass[b];
    }
    if (n_passes == 0) {
        return 0;
    }
    if (!tmp) {
        if (n > SIZE_MAX / sizeof *v) {
            return ENOMEM;
        }
        owned = malloc(n * sizeof *v);
        if (!owned) {
            return ENOMEM;
        }
        tmp = owned;
    }
    dst = tmp;
    for (size_t b = 0; b < n_bytes; b++) {
        size_t start[256];
        size_t sum = 0;

        if (!pass[b]) {
            continue;
        }
        for (size_t x = 0; x < 256; x++) {
            start[x] = sum;
            sum += counts[b][x];
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t x = src[i];
            dst[start[(x >> (8 * b)) & 0xff]++] = x;
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) {
        memcpy(v, src, n * sizeof *v);
    }
    free(owned);
    return 0;
}
