/* sb-stats: the small statistics sluice-bench reports.
 *
 * Pure functions over arrays of samples: no I/O, no threads.  The
 * emulator collects per-loop rates (a handful of doubles) and round-trip
 * times (up to millions of nanosecond samples) and summarises them here. */
#ifndef SB_STATS_H
#define SB_STATS_H 1

#include <stddef.h>
#include <stdint.h>

/* min / median / max of a set of values. */
struct sb_summary {
    double min;
    double median; /* the middle value; the mean of the two middle ones
                    * when 'n' is even */
    double max;
    size_t n;
};

/* Summarises the 'n' values of 'v' into '*s'.  Sorts 'v' in place.  With
 * 'n' == 0 every field of '*s' is 0. */
void sb_summarize(double *v, size_t n, struct sb_summary *s);

/* The 'q'-th quantile (0 <= q <= 1) of the 'n' values of 'v', which must
 * already be sorted ascending, by the nearest-rank method: the smallest
 * value such that at least q*n values are <= it ('q' == 0 gives v[0],
 * 'q' == 1 gives v[n-1]).  Returns 0 for 'n' == 0. */
uint64_t sb_quantile_u64(const uint64_t *v, size_t n, double q);

/* Sorts the 'n' values of 'v' ascending (radix sort: 'n' may be
 * millions).  'tmp' is scratch space of 'n' values, or NULL to have the
 * function allocate (and free) it; returns 0, or ENOMEM. */
int sb_sort_u64(uint64_t *v, size_t n, uint64_t *tmp);

#endif /* SB_STATS_H */
