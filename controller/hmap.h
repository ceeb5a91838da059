/* hmap: an intrusive hash map with chaining (the OVS hmap pattern).
 *
 * Sits under the controller modules that look objects up by key (switches
 * by datapath id, desired flows by match, in-flight requests by xid).  The
 * element embeds a 'struct sl_hmap_node'; the caller computes the hash and
 * compares keys itself while walking one bucket with SL_HMAP_FOR_EACH_HASH,
 * so the map knows nothing of keys and never allocates per insert (only
 * when it doubles its bucket array, which keeps lookups O(1) on average). */
#ifndef CONTROLLER_HMAP_H
#define CONTROLLER_HMAP_H 1

#include <stddef.h>
#include <stdint.h>
#include "controller/list.h"

struct sl_hmap_node {
    uint32_t hash;
    struct sl_hmap_node *next;  /* In the bucket. */
};

struct sl_hmap {
    struct sl_hmap_node **buckets;
    size_t mask;                /* n_buckets - 1 (a power of two). */
    size_t n;                   /* Elements. */
};

/* Makes 'map' empty.  Allocates nothing until the first insert. */
void sl_hmap_init(struct sl_hmap *map);
/* Frees the bucket array (not the elements: empty 'map' first). */
void sl_hmap_uninit(struct sl_hmap *map);
/* Inserts 'node' with 'hash'.  Duplicates are allowed (the caller checks
 * first when keys must be unique).  Aborts on out-of-memory. */
void sl_hmap_insert(struct sl_hmap *map, struct sl_hmap_node *node,
                    uint32_t hash);
/* Removes 'node', which must be in 'map'. */
void sl_hmap_remove(struct sl_hmap *map, struct sl_hmap_node *node);

/* Returns the first node of the bucket of 'hash' (or NULL); walk on with
 * sl_hmap_next_with_hash().  Nodes of other hashes are skipped. */
struct sl_hmap_node *sl_hmap_first_with_hash(const struct sl_hmap *map,
                                             uint32_t hash);
struct sl_hmap_node *sl_hmap_next_with_hash(const struct sl_hmap_node *node);

/* Returns any node after 'node' in an unspecified order, or the first when
 * 'node' is NULL; NULL at the end.  For teardown and dumps, not for lookup.
 * Removing the returned node before asking for the next is safe. */
struct sl_hmap_node *sl_hmap_next(const struct sl_hmap *map,
                                  const struct sl_hmap_node *node);

/* Iterates 'ITER' (pointer to the element type, linked by 'MEMBER') over
 * the elements with 'HASH'; the body compares keys. */
#define SL_HMAP_FOR_EACH_HASH(ITER, MEMBER, HASH, MAP)                      \
    for (struct sl_hmap_node *sl_hn_ = sl_hmap_first_with_hash(MAP, HASH);  \
         sl_hn_ != NULL                                                     \
         && ((ITER = SL_CONTAINER_OF(sl_hn_, __typeof__(*ITER), MEMBER)),   \
             1);                                                            \
         sl_hn_ = sl_hmap_next_with_hash(sl_hn_))

/* Iterates over every element; removing 'ITER' in the body is safe. */
#define SL_HMAP_FOR_EACH_SAFE(ITER, MEMBER, MAP)                            \
    for (struct sl_hmap_node *sl_hn_ = sl_hmap_next(MAP, NULL), *sl_hx_;    \
         sl_hn_ != NULL                                                     \
         && ((sl_hx_ = sl_hmap_next(MAP, sl_hn_)),                          \
             (ITER = SL_CONTAINER_OF(sl_hn_, __typeof__(*ITER), MEMBER)),   \
             1);                                                            \
         sl_hn_ = sl_hx_)

/* Hashes: a 64-bit mix (datapath ids, xids) and bytes (keys). */
uint32_t sl_hash_u64(uint64_t x);
uint32_t sl_hash_bytes(const void *data, size_t len, uint32_t basis);

#endif /* CONTROLLER_HMAP_H */
