/* ofp-buf: the only way OpenFlow and packet bytes are read or written.
 *
 * Three small tools, all free of I/O:
 *
 *  - struct ofp_rd, a read cursor over a byte range with a sticky error:
 *    every pull checks bounds; after the first short read every further
 *    pull returns zeroes and 'ok' stays false, so a decoder can read a whole
 *    fixed header and test once.
 *
 *  - struct ofp_wbuf, a growable write buffer that encoders append to.  It
 *    keeps its capacity across ofp_wbuf_clear(), so a connection that reuses
 *    one buffer allocates nothing in steady state.  It can also wrap caller
 *    storage that never grows (ofp_wbuf_use_fixed()), in which case writes
 *    past the end set 'overflow' and are dropped.
 *
 *  - struct ofp_arena, a bump allocator for the variable parts of decoded
 *    messages (OXM lists, action lists, stats entries).  ofp_arena_reset()
 *    keeps the largest block, so decoding the same shape of message again
 *    allocates nothing.
 */
#ifndef OFPROTO_OFP_BUF_H
#define OFPROTO_OFP_BUF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Rounds 'n' up to a multiple of 8: OpenFlow pads matches, actions,
 * instructions, elements and properties to 8 bytes. */
static inline size_t
ofp_round8(size_t n)
{
    return (n + 7) & ~(size_t) 7;
}

/* ---- unaligned big-endian loads and stores ---- */

/* These compile to a load or store and a byte swap.  Callers have checked
 * that the bytes are there. */
static inline uint16_t
ofp_load_be16(const uint8_t *p)
{
    uint16_t x;
    memcpy(&x, p, sizeof x);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap16(x);
#endif
    return x;
}

static inline uint32_t
ofp_load_be32(const uint8_t *p)
{
    uint32_t x;
    memcpy(&x, p, sizeof x);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap32(x);
#endif
    return x;
}

static inline uint64_t
ofp_load_be64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline void
ofp_store_be16(uint8_t *p, uint16_t x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap16(x);
#endif
    memcpy(p, &x, sizeof x);
}

static inline void
ofp_store_be32(uint8_t *p, uint32_t x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap32(x);
#endif
    memcpy(p, &x, sizeof x);
}

static inline void
ofp_store_be64(uint8_t *p, uint64_t x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, sizeof x);
}

/* ---- read cursor ---- */

struct ofp_rd {
    const uint8_t *p; /* next byte to read */
    size_t left;      /* bytes remaining */
    bool ok;          /* false after any out-of-bounds pull (sticky);
                       * 'left' is then 0, so a decoder may test 'left'
                       * alone before loading from 'p' */
};

static inline void
ofp_rd_init(struct ofp_rd *rd, const void *data, size_t len)
{
    rd->p = data;
    rd->left = len;
    rd->ok = true;
}

/* Returns a pointer to the next 'n' bytes and advances past them, or NULL
 * (and marks the cursor failed) if fewer than 'n' remain. */
static inline const uint8_t *
ofp_rd_pull(struct ofp_rd *rd, size_t n)
{
    if (!rd->ok || rd->left < n) {
        rd->ok = false;
        rd->left = 0;
        return NULL;
    }
    const uint8_t *p = rd->p;
    rd->p += n;
    rd->left -= n;
    return p;
}

static inline uint8_t
ofp_rd_u8(struct ofp_rd *rd)
{
    const uint8_t *p = ofp_rd_pull(rd, 1);
    return p ? p[0] : 0;
}

static inline uint16_t
ofp_rd_be16(struct ofp_rd *rd)
{
    const uint8_t *p = ofp_rd_pull(rd, 2);
    return p ? ofp_load_be16(p) : 0;
}

static inline uint32_t
ofp_rd_be24(struct ofp_rd *rd)
{
    const uint8_t *p = ofp_rd_pull(rd, 3);
    return p ? ((uint32_t) p[0] << 16) | ((uint32_t) p[1] << 8) | p[2] : 0;
}

static inline uint32_t
ofp_rd_be32(struct ofp_rd *rd)
{
    const uint8_t *p = ofp_rd_pull(rd, 4);
    return p ? ofp_load_be32(p) : 0;
}

static inline uint64_t
ofp_rd_be64(struct ofp_rd *rd)
{
    const uint8_t *p = ofp_rd_pull(rd, 8);
    return p ? ofp_load_be64(p) : 0;
}

/* Copies the next 'n' bytes into 'dst' (zeroes on failure). */
static inline void
ofp_rd_bytes(struct ofp_rd *rd, void *dst, size_t n)
{
    const uint8_t *p = ofp_rd_pull(rd, n);
    if (p) {
        memcpy(dst, p, n);
    } else if (n) {
        memset(dst, 0, n);
    }
}

/* Skips 'n' bytes of padding.  Padding content is not checked. */
static inline void
ofp_rd_skip(struct ofp_rd *rd, size_t n)
{
    ofp_rd_pull(rd, n);
}

/* Splits off the next 'n' bytes as a sub-cursor 'sub' and advances 'rd' past
 * them.  Returns false (both cursors failed) if fewer than 'n' remain. */
static inline bool
ofp_rd_sub(struct ofp_rd *rd, size_t n, struct ofp_rd *sub)
{
    const uint8_t *p = ofp_rd_pull(rd, n);
    if (!p) {
        sub->p = NULL;
        sub->left = 0;
        sub->ok = false;
        return false;
    }
    ofp_rd_init(sub, p, n);
    return true;
}

/* ---- write buffer ---- */

struct ofp_wbuf {
    uint8_t *data;
    size_t len;    /* bytes written */
    size_t cap;    /* bytes allocated (or available, if fixed) */
    bool fixed;    /* wraps caller storage; never reallocated */
    bool overflow; /* a write did not fit a fixed buffer */
};

/* Initialises an empty growable buffer (no allocation yet). */
void ofp_wbuf_init(struct ofp_wbuf *);
/* Wraps 'cap' bytes of caller storage; the buffer never grows. */
void ofp_wbuf_use_fixed(struct ofp_wbuf *, void *storage, size_t cap);
/* Frees what a growable buffer owns.  Safe on a fixed buffer. */
void ofp_wbuf_uninit(struct ofp_wbuf *);
/* Forgets the content and keeps the capacity. */
void ofp_wbuf_clear(struct ofp_wbuf *);

/* Makes room for 'n' more bytes, growing a growable buffer, and returns a
 * pointer to them (their content undefined) with 'len' advanced; or NULL,
 * with 'overflow' set, if a fixed buffer is full or memory ran out.  The
 * out-of-line slow path of ofp_wbuf_reserve(). */
void *ofp_wbuf_reserve_slow(struct ofp_wbuf *, size_t n);

/* Returns a pointer to 'n' new bytes at the end, content undefined, or NULL
 * if a fixed buffer is full or memory ran out ('overflow' is then set and
 * stays set: nothing more is written).  The pointer is valid until the
 * next write.  Inline: encoders call the writers below per field. */
static inline uint8_t *
ofp_wbuf_reserve(struct ofp_wbuf *b, size_t n)
{
    if (!b->overflow && b->cap - b->len >= n) {
        uint8_t *p = b->data + b->len;
        b->len += n;
        return p;
    }
    return ofp_wbuf_reserve_slow(b, n);
}

/* Like ofp_wbuf_reserve(), with the new bytes zero-filled. */
static inline void *
ofp_wbuf_put_zeros(struct ofp_wbuf *b, size_t n)
{
    uint8_t *p = ofp_wbuf_reserve(b, n);
    if (p) {
        memset(p, 0, n);
    }
    return p;
}

/* Appends 'n' bytes from 'src'. */
static inline void
ofp_wbuf_put(struct ofp_wbuf *b, const void *src, size_t n)
{
    uint8_t *p = ofp_wbuf_reserve(b, n);
    if (p && n) {
        memcpy(p, src, n);
    }
}

/* Append one big-endian value of 8, 16, 24, 32 or 64 bits. */
static inline void
ofp_wbuf_u8(struct ofp_wbuf *b, uint8_t v)
{
    uint8_t *p = ofp_wbuf_reserve(b, 1);
    if (p) {
        p[0] = v;
    }
}

static inline void
ofp_wbuf_be16(struct ofp_wbuf *b, uint16_t v)
{
    uint8_t *p = ofp_wbuf_reserve(b, 2);
    if (p) {
        ofp_store_be16(p, v);
    }
}

static inline void
ofp_wbuf_be24(struct ofp_wbuf *b, uint32_t v)
{
    uint8_t *p = ofp_wbuf_reserve(b, 3);
    if (p) {
        p[0] = (uint8_t) (v >> 16);
        p[1] = (uint8_t) (v >> 8);
        p[2] = (uint8_t) v;
    }
}

static inline void
ofp_wbuf_be32(struct ofp_wbuf *b, uint32_t v)
{
    uint8_t *p = ofp_wbuf_reserve(b, 4);
    if (p) {
        ofp_store_be32(p, v);
    }
}

static inline void
ofp_wbuf_be64(struct ofp_wbuf *b, uint64_t v)
{
    uint8_t *p = ofp_wbuf_reserve(b, 8);
    if (p) {
        ofp_store_be64(p, v);
    }
}

/* Overwrites a 16-bit big-endian value at 'ofs' (for length fields written
 * after their body).  Does nothing if 'ofs' is not inside the buffer. */
static inline void
ofp_wbuf_set_be16(struct ofp_wbuf *b, size_t ofs, uint16_t v)
{
    if (!b->overflow && ofs + 2 <= b->len) {
        ofp_store_be16(b->data + ofs, v);
    }
}

/* Appends zeroes until 'len' - 'start' is a multiple of 'align' (a power
 * of 2 no larger than 8, as OpenFlow's paddings are). */
static inline void
ofp_wbuf_pad_to(struct ofp_wbuf *b, size_t start, size_t align)
{
    size_t n = (align - ((b->len - start) & (align - 1))) & (align - 1);
    uint8_t *p = n ? ofp_wbuf_reserve(b, n) : NULL;
    for (size_t i = 0; p && i < n; i++) {
        p[i] = 0;
    }
}

/* ---- arena ---- */

/* A block of arena memory.  Visible only so that allocation can be inline;
 * callers use the functions below. */
struct ofp_arena_block {
    struct ofp_arena_block *next; /* older, smaller blocks */
    size_t size;                  /* usable bytes in 'mem', a multiple
                                   * of 8 */
    size_t used;                  /* a multiple of 8 */
    _Alignas(16) uint8_t mem[];
};

struct ofp_arena {
    struct ofp_arena_block *head; /* block being filled */
    size_t total;                 /* bytes handed out since reset */
};

void ofp_arena_init(struct ofp_arena *);
void ofp_arena_uninit(struct ofp_arena *);
/* Releases everything handed out; keeps one block as large as the sum of
 * all blocks, so the next decode of similar size does not allocate. */
void ofp_arena_reset(struct ofp_arena *);
/* Returns 'n' zeroed bytes aligned to 8, owned by the arena, or NULL when
 * memory runs out. */
void *ofp_arena_alloc(struct ofp_arena *, size_t n);
/* Allocates 'n' elements of 'size' bytes, NULL on overflow or no memory.
 * Returns a non-NULL pointer for n == 0. */
void *ofp_arena_calloc(struct ofp_arena *, size_t n, size_t size);
/* Copies 'n' bytes into the arena. */
const uint8_t *ofp_arena_dup(struct ofp_arena *, const void *, size_t n);

/* The out-of-line slow path of ofp_arena_alloc_uninit(): adds a block. */
void *ofp_arena_alloc_slow(struct ofp_arena *, size_t n);

/* Like ofp_arena_alloc() but the 'n' bytes are not zeroed: for a decoder
 * that writes every byte of what it allocates before anyone reads it.
 * Inline: decoders call it for every OXM, action and instruction list. */
static inline void *
ofp_arena_alloc_uninit(struct ofp_arena *a, size_t n)
{
    struct ofp_arena_block *b = a->head;

    /* 'size' and 'used' are multiples of 8, so when 'n' fits so does
     * 'n' rounded up to 8 (and the rounding cannot overflow). */
    if (b && b->size - b->used >= n) {
        size_t need = ofp_round8(n);
        void *p = b->mem + b->used;
        b->used += need;
        a->total += need;
        return p;
    }
    return ofp_arena_alloc_slow(a, n);
}

#endif /* OFPROTO_OFP_BUF_H */
