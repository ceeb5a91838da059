/* prom: the Prometheus text exposition format (version 0.0.4), written.
 *
 * /metrics is rendered on demand: each module keeps plain counters in its
 * own structs (the hot path only increments integers) and, at scrape
 * time, a collector walks them and writes samples here.  This module only
 * formats: metric families with their HELP and TYPE lines, samples with
 * escaped label values, and histograms with cumulative buckets.
 *
 *     struct sl_prom p;
 *     sl_prom_init(&p, out);
 *     sl_prom_family(&p, "sluice_switches", "gauge", "Switches connected.");
 *     sl_prom_u64(&p, "sluice_switches", 3, NULL);
 *     sl_prom_family(&p, "sluice_messages_received_total", "counter",
 *                    "OpenFlow messages received, by type.");
 *     sl_prom_u64(&p, "sluice_messages_received_total", 42,
 *                 "type", "PACKET_IN", NULL);
 *
 * Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and label names
 * [a-zA-Z_][a-zA-Z0-9_]*; a bad one is a programming error (asserted).
 * Label values are escaped (backslash, double quote, newline). */
#ifndef CONTROLLER_PROM_H
#define CONTROLLER_PROM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/buffer.h>

struct sl_prom {
    struct evbuffer *out; /* borrowed */
};

/* Writes into 'out' (appending). */
void sl_prom_init(struct sl_prom *, struct evbuffer *out);

/* Starts family 'name' of 'type' ("counter", "gauge", "histogram") with
 * the one-line 'help' (escaped). */
void sl_prom_family(struct sl_prom *, const char *name, const char *type,
                    const char *help);

/* Writes one sample "name{l1="v1",...} value".  The variadic arguments are
 * label name/value string pairs ending with NULL. */
void sl_prom_u64(struct sl_prom *, const char *name, uint64_t value, ...)
    __attribute__((sentinel));
void sl_prom_double(struct sl_prom *, const char *name, double value, ...)
    __attribute__((sentinel));

/* Writes one sample "name{l1="v1",...} value" with the labels given as a
 * NULL-terminated array of name, value strings ('labels' may be NULL):
 * for label sets built at run time (apps' metrics). */
void sl_prom_sample(struct sl_prom *, const char *name, double value,
                    const char *const *labels);
/* True if 's' is a valid metric name (with 'colon': ':' allowed) or, with
 * 'colon' false, a valid label name. */
bool sl_prom_name_ok(const char *s, bool colon);

/* Writes histogram 'name' (family already started): for each of the 'n'
 * upper bounds 'le[i]' (ascending) a "name_bucket{...,le="..."}" sample of
 * the cumulative count of 'counts[0..i]', then le="+Inf" with 'count',
 * "name_sum" 'sum' and "name_count" 'count'.  'counts[i]' is the number of
 * observations in (le[i-1], le[i]]; observations above le[n-1] are in
 * 'count' only.  Label pairs as for sl_prom_u64(). */
void sl_prom_histogram(struct sl_prom *, const char *name, const double *le,
                       const uint64_t *counts, size_t n, double sum,
                       uint64_t count, ...) __attribute__((sentinel));

#endif /* CONTROLLER_PROM_H */
