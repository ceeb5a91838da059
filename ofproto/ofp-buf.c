/* ofp-buf: read cursor, write buffer and arena (see ofp-buf.h). */
#include <config.h>
#include "ofproto/ofp-buf.h"

#include <stdlib.h>
#include <string.h>

void
ofp_wbuf_init(struct ofp_wbuf *b)
{
    memset(b, 0, sizeof *b);
}

void
ofp_wbuf_use_fixed(struct ofp_wbuf *b, void *storage, size_t cap)
{
    b->data = storage;
    b->len = 0;
    b->cap = cap;
    b->fixed = true;
    b->overflow = false;
}

void
ofp_wbuf_uninit(struct ofp_wbuf *b)
{
    if (b && !b->fixed) {
        free(b->data);
    }
    if (b) {
        memset(b, 0, sizeof *b);
    }
}

void
ofp_wbuf_clear(struct ofp_wbuf *b)
{
    b->len = 0;
    b->overflow = false;
}

void *
ofp_wbuf_reserve_slow(struct ofp_wbuf *b, size_t n)
{
    if (b->overflow) {
        return NULL;
    }
    if (n > b->cap - b->len) {
        if (b->fixed || n > SIZE_MAX / 2 - b->len) {
            b->overflow = true;
            return NULL;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            cap *= 2;
        }
        uint8_t *data = realloc(b->data, cap);
        if (!data) {
            b->overflow = true;
            return NULL;
        }
        b->data = data;
        b->cap = cap;
    }
    uint8_t *p = b->data + b->len;
    b->len += n;
    return p;
}

/* ---- arena ---- */

enum { OFP_ARENA_MIN_BLOCK = 4096 };

void
ofp_arena_init(struct ofp_arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void
ofp_arena_uninit(struct ofp_arena *a)
{
    struct ofp_arena_block *b = a->head;
    while (b) {
        struct ofp_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void
ofp_arena_reset(struct ofp_arena *a)
{
    struct ofp_arena_block *b = a->head;
    if (!b) {
        return;
    }
    if (!b->next) {
        b->used = 0;
        a->total = 0;
        return;
    }
    /* Several blocks: replace them by one that holds them all. */
    size_t sum = 0;
    for (struct ofp_arena_block *i = b; i; i = i->next) {
        sum += i->size;
    }
    ofp_arena_uninit(a);
    struct ofp_arena_block *nb = malloc(sizeof *nb + sum);
    if (nb) {
        nb->next = NULL;
        nb->size = sum;
        nb->used = 0;
        a->head = nb;
    }
}

void *
ofp_arena_alloc_slow(struct ofp_arena *a, size_t n)
{
    size_t need = ofp_round8(n);
    if (need < n) {
        return NULL;
    }
    struct ofp_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = b ? b->size * 2 : OFP_ARENA_MIN_BLOCK;
        if (size < need) {
            size = need;
        }
        if (size > SIZE_MAX - sizeof *b) {
            return NULL;
        }
        b = malloc(sizeof *b + size);
        if (!b) {
            return NULL;
        }
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->mem + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *
ofp_arena_alloc(struct ofp_arena *a, size_t n)
{
    void *p = ofp_arena_alloc_uninit(a, n);
    if (p) {
        memset(p, 0, n);
    }
    return p;
}

void *
ofp_arena_calloc(struct ofp_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        return NULL;
    }
    return ofp_arena_alloc(a, n * size);
}

const uint8_t *
ofp_arena_dup(struct ofp_arena *a, const void *src, size_t n)
{
    uint8_t *p = ofp_arena_alloc(a, n);
    if (p && n) {
        memcpy(p, src, n);
    }
    return p;
}
