/* hmap: see hmap.h. */
#include <config.h>
#include "controller/hmap.h"

#include <stdlib.h>
#include "controller/util.h"

void
sl_hmap_init(struct sl_hmap *map)
{
    map->buckets = NULL;
    map->mask = 0;
    map->n = 0;
}

void
sl_hmap_uninit(struct sl_hmap *map)
{
    free(map->buckets);
    sl_hmap_init(map);
}

static void
sl_hmap_resize(struct sl_hmap *map, size_t n_buckets)
{
    struct sl_hmap_node **buckets = sl_xcalloc(n_buckets, sizeof *buckets);
    if (map->buckets != NULL) {
        for (size_t i = 0; i <= map->mask; i++) {
            struct sl_hmap_node *node = map->buckets[i];
            while (node != NULL) {
                struct sl_hmap_node *next = node->next;
                size_t b = node->hash & (n_buckets - 1);
                node->next = buckets[b];
                buckets[b] = node;
                node = next;
            }
        }
        free(map->buckets);
    }
    map->buckets = buckets;
    map->mask = n_buckets - 1;
}

void
sl_hmap_insert(struct sl_hmap *map, struct sl_hmap_node *node, uint32_t hash)
{
    if (map->buckets == NULL) {
        sl_hmap_resize(map, 16);
    } else if (map->n >= (map->mask + 1) * 2) {
        sl_hmap_resize(map, (map->mask + 1) * 4);
    }
    struct sl_hmap_node **bucket = &map->buckets[hash & map->mask];
    node->hash = hash;
    node->next = *bucket;
    *bucket = node;
    map->n++;
}

void
sl_hmap_remove(struct sl_hmap *map, struct sl_hmap_node *node)
{
    struct sl_hmap_node **p = &map->buckets[node->hash & map->mask];
    while (*p != node) {
        p = &(*p)->next;
    }
    *p = node->next;
    map->n--;
}

struct sl_hmap_node *
sl_hmap_first_with_hash(const struct sl_hmap *map, uint32_t hash)
{
    if (map->buckets == NULL) {
        return NULL;
    }
    struct sl_hmap_node *node = map->buckets[hash & map->mask];
    while (node != NULL && node->hash != hash) {
        node = node->next;
    }
    return node;
}

struct sl_hmap_node *
sl_hmap_next_with_hash(const struct sl_hmap_node *node)
{
    uint32_t hash = node->hash;
    for (node = node->next; node != NULL; node = node->next) {
        if (node->hash == hash) {
            return (struct sl_hmap_node *) node;
        }
    }
    return NULL;
}

struct sl_hmap_node *
sl_hmap_next(const struct sl_hmap *map, const struct sl_hmap_node *node)
{
    size_t b = 0;
    if (map->buckets == NULL) {
        return NULL;
    }
    if (node != NULL) {
        if (node->next != NULL) {
            return node->next;
        }
        b = (node->hash & map->mask) + 1;
    }
    for (; b <= map->mask; b++) {
        if (map->buckets[b] != NULL) {
            return map->buckets[b];
        }
    }
    return NULL;
}

uint32_t
sl_hash_u64(uint64_t x)
{
    /* splitmix64's finaliser: every input bit reaches every output bit. */
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (uint32_t) x;
}

uint32_t
sl_hash_bytes(const void *data, size_t len, uint32_t basis)
{
    /* FNV-1a over the bytes, then the 64-bit mix for avalanche. */
    const uint8_t *p = data;
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ basis;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    }
    return sl_hash_u64(h);
}
