/* Unit tests of ofp-buf: cursor bounds, write buffer growth, arena reuse. */
#include <config.h>
#include "ofproto/ofp-buf.h"

#include <string.h>
#include "test/test-util.h"

START_TEST(test_rd_reads_big_endian)
{
    static const uint8_t in[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,
                                 10, 11, 12, 13, 14, 15, 16, 17, 18};
    struct ofp_rd rd;
    ofp_rd_init(&rd, in, sizeof in);
    ck_assert_uint_eq(ofp_rd_u8(&rd), 1);
    ck_assert_uint_eq(ofp_rd_be16(&rd), 0x0203);
    ck_assert_uint_eq(ofp_rd_be24(&rd), 0x040506);
    ck_assert_uint_eq(ofp_rd_be32(&rd), 0x0708090a);
    ck_assert_uint_eq(ofp_rd_be64(&rd), 0x0b0c0d0e0f101112ull);
    ck_assert(rd.ok);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(ofp_rd_u8(&rd), 0);
    ck_assert(!rd.ok);
}
END_TEST

START_TEST(test_rd_sticky_error)
{
    static const uint8_t in[] = {0xaa, 0xbb, 0xcc};
    struct ofp_rd rd;
    ofp_rd_init(&rd, in, sizeof in);
    ck_assert_uint_eq(ofp_rd_be32(&rd), 0);
    ck_assert(!rd.ok);
    /* Once failed, even a read that would fit returns zero. */
    ck_assert_uint_eq(ofp_rd_u8(&rd), 0);
    ck_assert_uint_eq(rd.left, 0);
}
END_TEST

START_TEST(test_rd_sub)
{
    static const uint8_t in[] = {1, 2, 3, 4, 5};
    struct ofp_rd rd, sub;
    ofp_rd_init(&rd, in, sizeof in);
    ck_assert(ofp_rd_sub(&rd, 3, &sub));
    ck_assert_uint_eq(sub.left, 3);
    ck_assert_uint_eq(rd.left, 2);
    ck_assert_uint_eq(ofp_rd_be16(&rd), 0x0405);
    ck_assert(!ofp_rd_sub(&sub, 4, &rd));
    ck_assert(!sub.ok);
    ck_assert(!rd.ok);
}
END_TEST

START_TEST(test_wbuf_grows_and_pads)
{
    struct ofp_wbuf b;
    ofp_wbuf_init(&b);
    for (int i = 0; i < 1000; i++) {
        ofp_wbuf_be32(&b, (uint32_t) i);
    }
    ck_assert_uint_eq(b.len, 4000);
    ck_assert_uint_eq(b.data[3999], 999 & 0xff);
    size_t start = b.len;
    ofp_wbuf_u8(&b, 1);
    ofp_wbuf_pad_to(&b, start, 8);
    ck_assert_uint_eq(b.len, start + 8);
    ofp_wbuf_set_be16(&b, start, 0xbeef);
    ck_assert_uint_eq(b.data[start], 0xbe);
    ck_assert_uint_eq(b.data[start + 1], 0xef);
    size_t cap = b.cap;
    ofp_wbuf_clear(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, cap);
    ofp_wbuf_uninit(&b);
}
END_TEST

START_TEST(test_wbuf_fixed_overflow)
{
    uint8_t store[6];
    struct ofp_wbuf b;
    ofp_wbuf_use_fixed(&b, store, sizeof store);
    ofp_wbuf_be32(&b, 0x01020304);
    ck_assert(!b.overflow);
    ofp_wbuf_be32(&b, 0x05060708);
    ck_assert(b.overflow);
    ck_assert_uint_eq(b.len, 4);
    ofp_wbuf_u8(&b, 9); /* sticky: nothing more is written */
    ck_assert_uint_eq(b.len, 4);
    ofp_wbuf_uninit(&b);
}
END_TEST

START_TEST(test_arena_reuse)
{
    struct ofp_arena a;
    ofp_arena_init(&a);
    for (int i = 0; i < 100; i++) {
        uint8_t *p = ofp_arena_alloc(&a, 1000);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq(((uintptr_t) p) % 8, 0);
        ck_assert_uint_eq(p[999], 0);
        memset(p, 0xff, 1000);
    }
    ofp_arena_reset(&a);
    /* After a reset the arena holds one block big enough for all of it. */
    void *first = ofp_arena_alloc(&a, 1000);
    for (int i = 1; i < 100; i++) {
        ck_assert_ptr_nonnull(ofp_arena_alloc(&a, 1000));
    }
    ofp_arena_reset(&a);
    ck_assert_ptr_eq(ofp_arena_alloc(&a, 1000), first);
    ck_assert_ptr_null(ofp_arena_calloc(&a, SIZE_MAX / 2, 4));
    ofp_arena_uninit(&a);
}
END_TEST

START_TEST(test_arena_alloc_uninit)
{
    struct ofp_arena a;
    ofp_arena_init(&a);

    /* The first allocation adds a block; n == 0 gives a usable pointer. */
    uint8_t *zero = ofp_arena_alloc_uninit(&a, 0);
    ck_assert_ptr_nonnull(zero);
    ck_assert_uint_eq(a.total, 0);

    /* Sizes are rounded to 8, pieces are aligned and do not overlap, and
     * 'total' counts what was handed out, as for ofp_arena_alloc(). */
    uint8_t *prev = NULL;
    size_t total = 0;
    for (size_t n = 1; n < 300; n++) {
        uint8_t *p = ofp_arena_alloc_uninit(&a, n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq(((uintptr_t) p) % 8, 0);
        memset(p, 0xee, n);
        total += ofp_round8(n);
        ck_assert_uint_eq(a.total, total);
        if (prev && p > prev) {
            ck_assert_uint_ge((size_t) (p - prev), ofp_round8(n - 1));
        }
        prev = p;
    }

    /* Bigger than any block: a block of its own. */
    uint8_t *big = ofp_arena_alloc_uninit(&a, 100000);
    ck_assert_ptr_nonnull(big);
    memset(big, 0xee, 100000);

    /* After a reset the memory comes back with its old contents, except
     * through ofp_arena_alloc(), which zeroes it. */
    ofp_arena_reset(&a);
    uint8_t *p = ofp_arena_alloc(&a, 64);
    for (size_t i = 0; i < 64; i++) {
        ck_assert_uint_eq(p[i], 0);
    }
    memset(p, 0xee, 64);
    ofp_arena_reset(&a);
    ck_assert_ptr_eq(ofp_arena_alloc_uninit(&a, 64), p);

    /* Sizes that cannot be rounded up fail cleanly. */
    ck_assert_ptr_null(ofp_arena_alloc_uninit(&a, SIZE_MAX - 3));
    ofp_arena_uninit(&a);
}
END_TEST

static Suite *
buf_suite(void)
{
    Suite *s = suite_create("ofp-buf");
    TCase *tc = tcase_create("buf");
    tcase_add_test(tc, test_rd_reads_big_endian);
    tcase_add_test(tc, test_rd_sticky_error);
    tcase_add_test(tc, test_rd_sub);
    tcase_add_test(tc, test_wbuf_grows_and_pads);
    tcase_add_test(tc, test_wbuf_fixed_overflow);
    tcase_add_test(tc, test_arena_reuse);
    tcase_add_test(tc, test_arena_alloc_uninit);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(buf_suite());
}
