/* Unit tests of controller/list.h and controller/hmap.[ch]: insertion,
 * lookup by hash with colliding keys, removal during iteration, growth
 * keeping every element reachable, and the hash functions' spread. */
#include <config.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "controller/hmap.h"
#include "controller/list.h"
#include "test/test-util.h"

struct item {
    uint64_t key;
    struct sl_hmap_node node;
    struct sl_list link;
};

static struct item *
find(const struct sl_hmap *map, uint64_t key, uint32_t hash)
{
    struct item *it;
    SL_HMAP_FOR_EACH_HASH (it, node, hash, map) {
        if (it->key == key) {
            return it;
        }
    }
    return NULL;
}

START_TEST(test_list_push_remove_iterate)
{
    struct sl_list head = SL_LIST_INITIALIZER(&head);
    struct item items[5], *it, *next;
    uint64_t sum = 0;
    int n = 0;

    ck_assert(sl_list_is_empty(&head));
    for (int i = 0; i < 5; i++) {
        items[i].key = i;
        sl_list_push_back(&head, &items[i].link);
    }
    SL_LIST_FOR_EACH (it, link, &head) {
        ck_assert_uint_eq(it->key, (uint64_t) n);
        n++;
    }
    ck_assert_int_eq(n, 5);
    SL_LIST_FOR_EACH_SAFE (it, next, link, &head) {
        if (it->key % 2 == 0) {
            sl_list_remove(&it->link);
        }
    }
    SL_LIST_FOR_EACH (it, link, &head) {
        sum += it->key;
    }
    ck_assert_uint_eq(sum, 1 + 3);
    sl_list_remove(&items[1].link);
    sl_list_remove(&items[1].link);     /* Twice is harmless. */
    sl_list_remove(&items[3].link);
    ck_assert(sl_list_is_empty(&head));
}
END_TEST

START_TEST(test_list_splice_moves_in_order)
{
    struct sl_list a = SL_LIST_INITIALIZER(&a);
    struct sl_list b = SL_LIST_INITIALIZER(&b);
    struct item items[6], *it;
    uint64_t want = 0;

    for (int i = 0; i < 6; i++) {
        items[i].key = i;
        sl_list_push_back(i < 2 ? &a : &b, &items[i].link);
    }
    sl_list_splice(&a, &b);
    ck_assert(sl_list_is_empty(&b));
    SL_LIST_FOR_EACH (it, link, &a) {
        ck_assert_uint_eq(it->key, want);
        want++;
    }
    ck_assert_uint_eq(want, 6);
    sl_list_splice(&a, &b);     /* An empty source changes nothing. */
    ck_assert_ptr_eq(a.prev, &items[5].link);
    sl_list_splice(&b, &a);     /* Into an empty destination. */
    ck_assert(sl_list_is_empty(&a));
    ck_assert_ptr_eq(b.next, &items[0].link);
    ck_assert_ptr_eq(items[5].link.next, &b);
}
END_TEST

START_TEST(test_hmap_insert_find_grow)
{
    enum { N = 10000 };
    struct item *items = calloc(N, sizeof *items);
    struct sl_hmap map;

    sl_hmap_init(&map);
    ck_assert_ptr_null(find(&map, 1, sl_hash_u64(1)));
    for (int i = 0; i < N; i++) {
        items[i].key = (uint64_t) i * 7919;
        sl_hmap_insert(&map, &items[i].node, sl_hash_u64(items[i].key));
    }
    ck_assert_uint_eq(map.n, N);
    ck_assert_uint_ge(map.mask + 1, N / 2);
    for (int i = 0; i < N; i++) {
        uint64_t k = (uint64_t) i * 7919;
        ck_assert_ptr_eq(find(&map, k, sl_hash_u64(k)), &items[i]);
    }
    ck_assert_ptr_null(find(&map, 3, sl_hash_u64(3)));
    for (int i = 0; i < N; i += 2) {
        sl_hmap_remove(&map, &items[i].node);
    }
    ck_assert_uint_eq(map.n, N / 2);
    for (int i = 0; i < N; i++) {
        uint64_t k = (uint64_t) i * 7919;
        ck_assert_ptr_eq(find(&map, k, sl_hash_u64(k)),
                         i % 2 ? &items[i] : NULL);
    }
    sl_hmap_uninit(&map);
    free(items);
}
END_TEST

START_TEST(test_hmap_colliding_hashes_compare_keys)
{
    struct item a = {.key = 1}, b = {.key = 2}, c = {.key = 3};
    struct sl_hmap map;

    sl_hmap_init(&map);
    sl_hmap_insert(&map, &a.node, 42);
    sl_hmap_insert(&map, &b.node, 42);
    sl_hmap_insert(&map, &c.node, 42 + 16);     /* Same bucket. */
    ck_assert_ptr_eq(find(&map, 1, 42), &a);
    ck_assert_ptr_eq(find(&map, 2, 42), &b);
    ck_assert_ptr_null(find(&map, 3, 42));
    ck_assert_ptr_eq(find(&map, 3, 42 + 16), &c);
    sl_hmap_remove(&map, &a.node);
    ck_assert_ptr_null(find(&map, 1, 42));
    ck_assert_ptr_eq(find(&map, 2, 42), &b);
    sl_hmap_uninit(&map);
}
END_TEST

START_TEST(test_hmap_remove_all_while_iterating)
{
    enum { N = 300 };
    struct item items[N], *it;
    struct sl_hmap map;
    int seen = 0;

    sl_hmap_init(&map);
    for (int i = 0; i < N; i++) {
        items[i].key = i;
        sl_hmap_insert(&map, &items[i].node, sl_hash_u64(i));
    }
    SL_HMAP_FOR_EACH_SAFE (it, node, &map) {
        ck_assert_uint_lt(it->key, N);
        sl_hmap_remove(&map, &it->node);
        seen++;
    }
    ck_assert_int_eq(seen, N);
    ck_assert_uint_eq(map.n, 0);
    ck_assert_ptr_null(sl_hmap_next(&map, NULL));
    sl_hmap_uninit(&map);
}
END_TEST

START_TEST(test_hmap_empty_map_iterates_nothing)
{
    struct sl_hmap map;
    struct item *it;
    int n = 0;

    sl_hmap_init(&map);
    SL_HMAP_FOR_EACH_SAFE (it, node, &map) {
        n++;
    }
    ck_assert_int_eq(n, 0);
    sl_hmap_uninit(&map);
}
END_TEST

START_TEST(test_hash_spreads_sequential_keys)
{
    /* Sequential datapath ids must fill 256 buckets evenly: no bucket may
     * hold more than 3x its share of 25600 keys. */
    unsigned counts[256] = {0};
    for (uint64_t k = 1; k <= 25600; k++) {
        counts[sl_hash_u64(k) & 255]++;
    }
    for (int i = 0; i < 256; i++) {
        ck_assert_uint_lt(counts[i], 300);
    }
    ck_assert_uint_ne(sl_hash_bytes("ab", 2, 0), sl_hash_bytes("ba", 2, 0));
    ck_assert_uint_ne(sl_hash_bytes("ab", 2, 0), sl_hash_bytes("ab", 2, 1));
    ck_assert_uint_eq(sl_hash_bytes("ab", 2, 7), sl_hash_bytes("ab", 2, 7));
}
END_TEST

static Suite *
hmap_suite(void)
{
    Suite *s = suite_create("hmap");
    TCase *tc = tcase_create("hmap");

    tcase_add_test(tc, test_list_push_remove_iterate);
    tcase_add_test(tc, test_list_splice_moves_in_order);
    tcase_add_test(tc, test_hmap_insert_find_grow);
    tcase_add_test(tc, test_hmap_colliding_hashes_compare_keys);
    tcase_add_test(tc, test_hmap_remove_all_while_iterating);
    tcase_add_test(tc, test_hmap_empty_map_iterates_nothing);
    tcase_add_test(tc, test_hash_spreads_sequential_keys);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(hmap_suite());
}
