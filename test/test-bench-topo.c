/* Unit tests of sluice-bench's statistics (sb-stats) and topology
 * (sb-topo) modules: summaries and nearest-rank quantiles on known data,
 * the radix sort against qsort(), every kind of generated topology (switch
 * and link counts, port numbering, peers both ways, host ports, random
 * graphs connected and reproducible), topology files (edge list and YAML,
 * written to a temporary folder at run time) and every malformed spec and
 * file. */
#include <config.h>
#include "test/bench/sb-topo.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test/bench/sb-stats.h"
#include "test/test-util.h"

/* ---- helpers ---- */

/* A reproducible sequence of test data (splitmix64). */
static uint64_t
test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int
cmp_u64(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;

    return (a > b) - (a < b);
}

/* Sorts a copy of 'v' with qsort() and with sb_sort_u64() (with scratch
 * space 'use_tmp' or not) and asserts both agree. */
static void
check_sort(const uint64_t *v, size_t n, bool use_tmp)
{
    size_t size = (n ? n : 1) * sizeof *v;
    uint64_t *want = malloc(size);
    uint64_t *got = malloc(size);
    uint64_t *tmp = use_tmp ? malloc(size) : NULL;

    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    if (n) {
        memcpy(want, v, n * sizeof *v);
        memcpy(got, v, n * sizeof *v);
    }
    qsort(want, n, sizeof *want, cmp_u64);
    ck_assert_int_eq(sb_sort_u64(got, n, tmp), 0);
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            ck_abort_msg("element %zu: got %llu, want %llu", i,
                         (unsigned long long) got[i],
                         (unsigned long long) want[i]);
        }
    }
    free(tmp);
    free(got);
    free(want);
}

/* Fills 'n' random values: every third one above 2^32, every seventh a
 * repeat of an earlier one. */
static uint64_t *
random_values(size_t n, uint64_t seed)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof *v);

    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rand(&seed);
        if (i % 7 == 6) {
            v[i] = v[r % i];
        } else if (i % 3 == 0) {
            v[i] = r | (1ull << 32);
        } else {
            v[i] = r & 0xffffffffu;
        }
    }
    return v;
}

static struct sb_topo *
build_ok(const char *spec, uint32_t hosts)
{
    char err[256] = "";
    struct sb_topo *topo = NULL;
    int error = sb_topo_build(spec, hosts, &topo, err, sizeof err);

    ck_assert_msg(error == 0, "%s: error %d: %s", spec, error, err);
    ck_assert_ptr_nonnull(topo);
    return topo;
}

/* Asserts that 'spec' fails with 'want_error' and a one-line message that
 * contains 'word'. */
static void
build_fails(const char *spec, uint32_t hosts, int want_error, const char *word)
{
    char err[512] = "";
    struct sb_topo *topo = (struct sb_topo *) 1;
    int error = sb_topo_build(spec, hosts, &topo, err, sizeof err);

    ck_assert_msg(error == want_error, "%s: error %d, want %d (%s)", spec,
                  error, want_error, err);
    ck_assert_ptr_null(topo);
    ck_assert_msg(strstr(err, word) != NULL, "%s: message '%s' lacks '%s'",
                  spec, err, word);
    ck_assert_ptr_null(strchr(err, '\n'));
}

/* Returns how many ports of switch 'sw' have a peer. */
static uint32_t
link_ports(const struct sb_topo *topo, uint32_t sw)
{
    uint32_t n = 0;

    for (uint32_t p = 1; p <= topo->switches[sw].n_ports; p++) {
        struct sb_end peer;
        n += (uint32_t) sb_topo_peer(topo, sw, p, &peer);
    }
    return n;
}

/* Asserts what every topology promises: link ports 1..degree each with a
 * peer that points back, then exactly 'hosts' edge ports; every link's two
 * ends are each other's peers; lookups out of range find nothing. */
static void
check_topo(const struct sb_topo *topo, uint32_t hosts)
{
    size_t ends = 0;
    struct sb_end peer;

    for (uint32_t sw = 0; sw < topo->n_switches; sw++) {
        const struct sb_topo_switch *s = &topo->switches[sw];
        uint32_t degree = link_ports(topo, sw);

        ck_assert_uint_eq(s->n_ports, degree + hosts);
        for (uint32_t p = 1; p <= s->n_ports; p++) {
            if (p > degree) {
                ck_assert_int_eq(sb_topo_peer(topo, sw, p, &peer), 0);
                ck_assert_uint_eq(s->peers[p - 1].sw, UINT32_MAX);
                continue;
            }
            /* contiguous: every port up to the degree is linked */
            ck_assert_int_eq(sb_topo_peer(topo, sw, p, &peer), 1);
            ck_assert_uint_lt(peer.sw, topo->n_switches);
            ck_assert_uint_ne(peer.sw, sw);
            struct sb_end back;
            ck_assert_int_eq(sb_topo_peer(topo, peer.sw, peer.port, &back), 1);
            ck_assert_uint_eq(back.sw, sw);
            ck_assert_uint_eq(back.port, p);
        }
        ck_assert_int_eq(sb_topo_peer(topo, sw, 0, &peer), 0);
        ck_assert_int_eq(sb_topo_peer(topo, sw, s->n_ports + 1, &peer), 0);
        ends += degree;
    }
    ck_assert_uint_eq(ends, 2 * topo->n_links);
    for (size_t i = 0; i < topo->n_links; i++) {
        const struct sb_link *l = &topo->links[i];

        ck_assert_int_eq(sb_topo_peer(topo, l->a.sw, l->a.port, &peer), 1);
        ck_assert_uint_eq(peer.sw, l->b.sw);
        ck_assert_uint_eq(peer.port, l->b.port);
        ck_assert_int_eq(sb_topo_peer(topo, l->b.sw, l->b.port, &peer), 1);
        ck_assert_uint_eq(peer.sw, l->a.sw);
        ck_assert_uint_eq(peer.port, l->a.port);
    }
    ck_assert_int_eq(sb_topo_peer(topo, topo->n_switches, 1, &peer), 0);
    ck_assert_int_eq(sb_topo_peer(topo, UINT32_MAX, 1, &peer), 0);
}

/* Asserts that port 'port' of switch 'sw' links to 'peer_port' of
 * 'peer_sw'. */
static void
check_peer(const struct sb_topo *topo, uint32_t sw, uint32_t port,
           uint32_t peer_sw, uint32_t peer_port)
{
    struct sb_end peer;

    ck_assert_int_eq(sb_topo_peer(topo, sw, port, &peer), 1);
    ck_assert_msg(peer.sw == peer_sw && peer.port == peer_port,
                  "switch %u port %u: peer %u:%u, want %u:%u", sw, port,
                  peer.sw, peer.port, peer_sw, peer_port);
}

/* Returns how many switches a breadth-first walk from switch 0 reaches. */
static uint32_t
reachable(const struct sb_topo *topo)
{
    uint32_t n = topo->n_switches, head = 0, tail = 0;
    uint32_t *queue = malloc(n * sizeof *queue);
    bool *seen = calloc(n, sizeof *seen);

    ck_assert_ptr_nonnull(queue);
    ck_assert_ptr_nonnull(seen);
    seen[0] = true;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t sw = queue[head++];
        for (uint32_t p = 1; p <= topo->switches[sw].n_ports; p++) {
            struct sb_end peer;
            if (sb_topo_peer(topo, sw, p, &peer) && !seen[peer.sw]) {
                seen[peer.sw] = true;
                queue[tail++] = peer.sw;
            }
        }
    }
    free(seen);
    free(queue);
    return tail;
}

/* Asserts that no two links join the same two switches. */
static void
check_simple_graph(const struct sb_topo *topo)
{
    uint64_t *keys = malloc((topo->n_links + 1) * sizeof *keys);

    ck_assert_ptr_nonnull(keys);
    for (size_t i = 0; i < topo->n_links; i++) {
        uint32_t a = topo->links[i].a.sw, b = topo->links[i].b.sw;
        ck_assert_uint_ne(a, b);
        keys[i] = a < b ? (uint64_t) a << 32 | b : (uint64_t) b << 32 | a;
    }
    qsort(keys, topo->n_links, sizeof *keys, cmp_u64);
    for (size_t i = 1; i < topo->n_links; i++) {
        ck_assert_msg(keys[i] != keys[i - 1], "duplicate link %llx",
                      (unsigned long long) keys[i]);
    }
    free(keys);
}

static bool
same_links(const struct sb_topo *x, const struct sb_topo *y)
{
    return (x->n_links == y->n_links &&
            !memcmp(x->links, y->links, x->n_links * sizeof *x->links));
}

/* ---- the temporary folder for topology files ---- */

static char tmp_dir[] = "/tmp/test-bench-topo-XXXXXX";
static char spec_buf[4200];

static void
files_setup(void)
{
    memcpy(tmp_dir + sizeof tmp_dir - 7, "XXXXXX", 6);
    ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
}

static void
files_teardown(void)
{
    DIR *dir = opendir(tmp_dir);
    struct dirent *de;

    if (!dir) {
        return;
    }
    while ((de = readdir(dir)) != NULL) {
        char path[4096];
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", tmp_dir, de->d_name);
        unlink(path);
    }
    closedir(dir);
    rmdir(tmp_dir);
}

/* Writes the 'len' bytes of 'text' to file 'name' in the temporary folder
 * and returns the spec "file:PATH" (static storage). */
static const char *
write_file_n(const char *name, const char *text, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(spec_buf, sizeof spec_buf, "file:%s", path);
    return spec_buf;
}

static const char *
write_file(const char *name, const char *text)
{
    return write_file_n(name, text, strlen(text));
}

/* ---- sb-stats: summaries ---- */

START_TEST(test_summary_odd_count_takes_middle)
{
    double v[] = {5.0, 1.0, 3.0, 9.0, 7.0};
    struct sb_summary s;

    sb_summarize(v, 5, &s);
    ck_assert_double_eq(s.min, 1.0);
    ck_assert_double_eq(s.median, 5.0);
    ck_assert_double_eq(s.max, 9.0);
    ck_assert_uint_eq(s.n, 5);
    /* sorted in place */
    ck_assert_double_eq(v[0], 1.0);
    ck_assert_double_eq(v[2], 5.0);
    ck_assert_double_eq(v[4], 9.0);
}
END_TEST

START_TEST(test_summary_even_count_averages_middle_two)
{
    double v[] = {4.0, 1.0, 3.0, 2.0};
    struct sb_summary s;

    sb_summarize(v, 4, &s);
    ck_assert_double_eq(s.min, 1.0);
    ck_assert_double_eq(s.median, 2.5);
    ck_assert_double_eq(s.max, 4.0);
    ck_assert_uint_eq(s.n, 4);
}
END_TEST

START_TEST(test_summary_empty_is_all_zero)
{
    struct sb_summary s = {1.0, 2.0, 3.0, 4};

    sb_summarize(NULL, 0, &s);
    ck_assert_double_eq(s.min, 0.0);
    ck_assert_double_eq(s.median, 0.0);
    ck_assert_double_eq(s.max, 0.0);
    ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_summary_one_value_is_min_median_max)
{
    double v[] = {42.5};
    struct sb_summary s;

    sb_summarize(v, 1, &s);
    ck_assert_double_eq(s.min, 42.5);
    ck_assert_double_eq(s.median, 42.5);
    ck_assert_double_eq(s.max, 42.5);
    ck_assert_uint_eq(s.n, 1);
}
END_TEST

START_TEST(test_summary_negative_and_repeated_values)
{
    double v[] = {-1.5, 3.0, -1.5, 3.0, 0.0, 3.0};
    struct sb_summary s;

    sb_summarize(v, 6, &s);
    ck_assert_double_eq(s.min, -1.5);
    ck_assert_double_eq(s.median, 1.5); /* (0 + 3) / 2 */
    ck_assert_double_eq(s.max, 3.0);
}
END_TEST

/* ---- sb-stats: quantiles ---- */

START_TEST(test_quantile_nearest_rank_on_known_data)
{
    uint64_t v[100];

    for (int i = 0; i < 100; i++) {
        v[i] = (uint64_t) (i + 1) * 10; /* 10, 20, ..., 1000 */
    }
    ck_assert_uint_eq(sb_quantile_u64(v, 100, 0.5), 500);
    ck_assert_uint_eq(sb_quantile_u64(v, 100, 0.99), 990);
    ck_assert_uint_eq(sb_quantile_u64(v, 100, 0.995), 1000);
    ck_assert_uint_eq(sb_quantile_u64(v, 100, 0.001), 10);
    ck_assert_uint_eq(sb_quantile_u64(v, 100, 0.011), 20);
    /* 0.07 * 100 is 7.000000000000001 in doubles: rank 7, not 8 */
    ck_assert_uint_eq(sb_quantile_u64(v, 100, 0.07), 70);
    /* odd n: ceil(0.5 * 5) = 3 */
    ck_assert_uint_eq(sb_quantile_u64(v, 5, 0.5), 30);
    ck_assert_uint_eq(sb_quantile_u64(v, 5, 0.4), 20);
    ck_assert_uint_eq(sb_quantile_u64(v, 5, 0.41), 30);
}
END_TEST

START_TEST(test_quantile_p50_p99_with_a_tail)
{
    /* 990 fast samples and a tail of 10 slow ones: p99 is still fast,
     * p99.1 is the first slow one. */
    uint64_t v[1000];

    for (int i = 0; i < 1000; i++) {
        v[i] = i < 990 ? 100 + (uint64_t) i : 1000000 + (uint64_t) i;
    }
    ck_assert_uint_eq(sb_quantile_u64(v, 1000, 0.5), 599);
    ck_assert_uint_eq(sb_quantile_u64(v, 1000, 0.99), 1089);
    ck_assert_uint_eq(sb_quantile_u64(v, 1000, 0.991), 1000990);
    ck_assert_uint_eq(sb_quantile_u64(v, 1000, 1.0), 1000999);
}
END_TEST

START_TEST(test_quantile_zero_and_one_are_min_and_max)
{
    uint64_t v[] = {3, 5, 8, 13};

    ck_assert_uint_eq(sb_quantile_u64(v, 4, 0.0), 3);
    ck_assert_uint_eq(sb_quantile_u64(v, 4, 1.0), 13);
    /* out of range clamps */
    ck_assert_uint_eq(sb_quantile_u64(v, 4, -0.5), 3);
    ck_assert_uint_eq(sb_quantile_u64(v, 4, 7.0), 13);
    ck_assert_uint_eq(sb_quantile_u64(v, 4, NAN), 3);
}
END_TEST

START_TEST(test_quantile_empty_is_zero)
{
    ck_assert_uint_eq(sb_quantile_u64(NULL, 0, 0.5), 0);
    ck_assert_uint_eq(sb_quantile_u64(NULL, 0, 0.0), 0);
    ck_assert_uint_eq(sb_quantile_u64(NULL, 0, 1.0), 0);
}
END_TEST

START_TEST(test_quantile_one_value)
{
    uint64_t v[] = {77};

    ck_assert_uint_eq(sb_quantile_u64(v, 1, 0.0), 77);
    ck_assert_uint_eq(sb_quantile_u64(v, 1, 0.5), 77);
    ck_assert_uint_eq(sb_quantile_u64(v, 1, 1.0), 77);
}
END_TEST

/* ---- sb-stats: radix sort ---- */

START_TEST(test_sort_matches_qsort_on_random_values)
{
    uint64_t *v = random_values(10007, 1);

    check_sort(v, 10007, false);
    check_sort(v, 10007, true);
    free(v);
}
END_TEST

START_TEST(test_sort_matches_qsort_on_a_million_values)
{
    uint64_t *v = random_values(1000000, 2);

    check_sort(v, 1000000, false);
    free(v);
}
END_TEST

START_TEST(test_sort_duplicates_and_extremes)
{
    uint64_t v[] = {UINT64_MAX, 0,          7, 1ull << 32, 7,
                    0,          UINT64_MAX, 1, 1ull << 63, (1ull << 32) - 1};

    check_sort(v, sizeof v / sizeof *v, false);
}
END_TEST

START_TEST(test_sort_zero_and_one_values)
{
    uint64_t one = 12345;

    ck_assert_int_eq(sb_sort_u64(NULL, 0, NULL), 0);
    ck_assert_int_eq(sb_sort_u64(&one, 1, NULL), 0);
    ck_assert_uint_eq(one, 12345);
}
END_TEST

START_TEST(test_sort_all_equal_values_unchanged)
{
    uint64_t v[64];

    for (size_t i = 0; i < 64; i++) {
        v[i] = 0x0123456789abcdefull;
    }
    ck_assert_int_eq(sb_sort_u64(v, 64, NULL), 0);
    for (size_t i = 0; i < 64; i++) {
        ck_assert_uint_eq(v[i], 0x0123456789abcdefull);
    }
}
END_TEST

START_TEST(test_sort_values_differing_in_one_byte)
{
    /* Only byte 5 varies: one pass, so the result lands in the scratch
     * array and must be copied back. */
    uint64_t v[300];
    uint64_t state = 3;

    for (size_t i = 0; i < 300; i++) {
        v[i] = 0x1100000000000022ull | (test_rand(&state) & 0xff) << 40;
    }
    check_sort(v, 300, true);
    check_sort(v, 300, false);
}
END_TEST

START_TEST(test_sort_small_values_and_reversed_input)
{
    uint64_t v[1000];

    for (size_t i = 0; i < 1000; i++) {
        v[i] = 1000 - i;
    }
    check_sort(v, 1000, false);
}
END_TEST

/* ---- sb-topo: generated topologies ---- */

START_TEST(test_linear_counts_and_ports)
{
    struct sb_topo *t = build_ok("linear,4", 2);

    ck_assert_str_eq(t->name, "linear,4");
    ck_assert_uint_eq(t->n_switches, 4);
    ck_assert_uint_eq(t->n_links, 3);
    check_topo(t, 2);
    /* a middle switch: port 1 to the left, port 2 to the right */
    check_peer(t, 0, 1, 1, 1);
    check_peer(t, 1, 2, 2, 1);
    check_peer(t, 2, 2, 3, 1);
    ck_assert_uint_eq(t->switches[0].n_ports, 3);
    ck_assert_uint_eq(t->switches[1].n_ports, 4);
    ck_assert_uint_eq(reachable(t), 4);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_linear_one_switch_has_only_host_ports)
{
    struct sb_topo *t = build_ok("linear,1", 3);
    struct sb_end peer;

    ck_assert_uint_eq(t->n_switches, 1);
    ck_assert_uint_eq(t->n_links, 0);
    ck_assert_uint_eq(t->switches[0].n_ports, 3);
    ck_assert_int_eq(sb_topo_peer(t, 0, 1, &peer), 0);
    check_topo(t, 3);
    sb_topo_destroy(t);

    t = build_ok("linear,1", 0);
    ck_assert_uint_eq(t->switches[0].n_ports, 0);
    check_topo(t, 0);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_ring_closes_the_line)
{
    struct sb_topo *t = build_ok("ring,5", 1);

    ck_assert_str_eq(t->name, "ring,5");
    ck_assert_uint_eq(t->n_switches, 5);
    ck_assert_uint_eq(t->n_links, 5);
    check_topo(t, 1);
    for (uint32_t sw = 0; sw < 5; sw++) {
        ck_assert_uint_eq(link_ports(t, sw), 2);
    }
    check_peer(t, 4, 2, 0, 2); /* the closing link */
    sb_topo_destroy(t);

    t = build_ok("ring,3", 0);
    ck_assert_uint_eq(t->n_links, 3);
    check_topo(t, 0);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_tree_counts_and_numbering)
{
    static const struct {
        const char *spec;
        uint32_t switches;
    } cases[] = {
        {"tree,1,5", 1},     {"tree,2,3", 4}, {"tree,3,2", 7},
        {"tree,4,3", 40},    {"tree,5,1", 5}, {"tree,3,4", 21},
        {"tree,10,2", 1023},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct sb_topo *t = build_ok(cases[i].spec, 2);

        ck_assert_str_eq(t->name, cases[i].spec);
        ck_assert_uint_eq(t->n_switches, cases[i].switches);
        ck_assert_uint_eq(t->n_links, cases[i].switches - 1);
        check_topo(t, 2);
        ck_assert_uint_eq(reachable(t), cases[i].switches);
        sb_topo_destroy(t);
    }
}
END_TEST

START_TEST(test_tree_breadth_first_uplink_is_port_1)
{
    /* tree,3,2: 0 -> {1, 2}, 1 -> {3, 4}, 2 -> {5, 6}. */
    struct sb_topo *t = build_ok("tree,3,2", 1);

    check_peer(t, 0, 1, 1, 1);
    check_peer(t, 0, 2, 2, 1);
    check_peer(t, 1, 2, 3, 1);
    check_peer(t, 1, 3, 4, 1);
    check_peer(t, 2, 2, 5, 1);
    check_peer(t, 2, 3, 6, 1);
    ck_assert_uint_eq(link_ports(t, 0), 2);
    ck_assert_uint_eq(link_ports(t, 1), 3);
    ck_assert_uint_eq(link_ports(t, 6), 1);
    ck_assert_uint_eq(t->switches[6].n_ports, 2); /* uplink + 1 host */
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_fattree_counts)
{
    for (uint32_t k = 2; k <= 8; k += 2) {
        char spec[32];
        struct sb_topo *t;

        snprintf(spec, sizeof spec, "fattree,%u", k);
        t = build_ok(spec, k / 2);
        ck_assert_str_eq(t->name, spec);
        ck_assert_uint_eq(t->n_switches, (k / 2) * (k / 2) + k * k);
        ck_assert_uint_eq(t->n_links, k * k * k / 2);
        check_topo(t, k / 2);
        check_simple_graph(t);
        ck_assert_uint_eq(reachable(t), t->n_switches);
        sb_topo_destroy(t);
    }
}
END_TEST

START_TEST(test_fattree_wiring)
{
    /* fattree,4: cores 0..3; pod p: aggregation 4+4p, 5+4p, edge 6+4p,
     * 7+4p. */
    struct sb_topo *t = build_ok("fattree,4", 0);
    struct sb_end peer;

    for (uint32_t core = 0; core < 4; core++) {
        ck_assert_uint_eq(link_ports(t, core), 4); /* one per pod */
        for (uint32_t pod = 0; pod < 4; pod++) {
            ck_assert_int_eq(sb_topo_peer(t, core, pod + 1, &peer), 1);
            /* aggregation j serves cores 2j and 2j + 1 */
            ck_assert_uint_eq(peer.sw, 4 + 4 * pod + core / 2);
            ck_assert_uint_eq(peer.port, core % 2 + 1);
        }
    }
    for (uint32_t pod = 0; pod < 4; pod++) {
        for (uint32_t j = 0; j < 2; j++) {
            uint32_t agg = 4 + 4 * pod + j, edge = 6 + 4 * pod + j;

            ck_assert_uint_eq(link_ports(t, agg), 4);
            ck_assert_uint_eq(link_ports(t, edge), 2);
            /* agg ports 3..4 go down to both edges of the pod, edge ports
             * 1..2 up to both aggregations */
            check_peer(t, agg, 3, 6 + 4 * pod, j + 1);
            check_peer(t, agg, 4, 7 + 4 * pod, j + 1);
            check_peer(t, edge, 1, 4 + 4 * pod, j + 3);
            check_peer(t, edge, 2, 5 + 4 * pod, j + 3);
        }
    }
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_random_connected_simple_with_mean_degree)
{
    static const char *const specs[] = {
        "random,50,4,7", "random,200,3,99", "random,1000,6",
        "random,2,5",    "random,30,2,5",
    };
    static const size_t links[] = {100, 300, 3000, 1, 30};

    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        struct sb_topo *t = build_ok(specs[i], 1);

        ck_assert_uint_eq(t->n_links, links[i]);
        check_topo(t, 1);
        check_simple_graph(t);
        ck_assert_uint_eq(reachable(t), t->n_switches);
        sb_topo_destroy(t);
    }
}
END_TEST

START_TEST(test_random_low_degree_is_a_spanning_tree)
{
    struct sb_topo *t = build_ok("random,100,1,4", 0);

    ck_assert_uint_eq(t->n_switches, 100);
    ck_assert_uint_eq(t->n_links, 99);
    ck_assert_uint_eq(reachable(t), 100);
    check_topo(t, 0);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_random_dense_uses_every_pair)
{
    struct sb_topo *t = build_ok("random,10,100,3", 0);

    ck_assert_uint_eq(t->n_links, 45); /* complete graph */
    check_topo(t, 0);
    check_simple_graph(t);
    for (uint32_t sw = 0; sw < 10; sw++) {
        ck_assert_uint_eq(link_ports(t, sw), 9);
    }
    sb_topo_destroy(t);

    /* 35 of 45 pairs: more than half, so picked by selection sampling */
    t = build_ok("random,10,7,3", 0);
    ck_assert_uint_eq(t->n_links, 35);
    check_topo(t, 0);
    check_simple_graph(t);
    ck_assert_uint_eq(reachable(t), 10);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_random_same_seed_same_graph)
{
    struct sb_topo *x = build_ok("random,300,4,12345", 2);
    struct sb_topo *y = build_ok("random,300,4,12345", 2);

    ck_assert(same_links(x, y));
    sb_topo_destroy(x);
    sb_topo_destroy(y);

    /* the default seed is 1, and the canonical name says so */
    x = build_ok("random,40,3", 0);
    y = build_ok("random,40,3,1", 0);
    ck_assert_str_eq(x->name, "random,40,3,1");
    ck_assert(same_links(x, y));
    sb_topo_destroy(x);
    sb_topo_destroy(y);
}
END_TEST

START_TEST(test_random_distinct_seeds_distinct_graphs)
{
    struct sb_topo *base = build_ok("random,60,4,1", 0);

    for (int seed = 2; seed <= 6; seed++) {
        char spec[64];
        struct sb_topo *t;

        snprintf(spec, sizeof spec, "random,60,4,%d", seed);
        t = build_ok(spec, 0);
        ck_assert_uint_eq(t->n_links, base->n_links);
        ck_assert_msg(!same_links(t, base), "seed %d gave seed 1's graph",
                      seed);
        sb_topo_destroy(t);
    }
    sb_topo_destroy(base);
}
END_TEST

START_TEST(test_random_one_switch)
{
    struct sb_topo *t = build_ok("random,1,4", 2);

    ck_assert_uint_eq(t->n_switches, 1);
    ck_assert_uint_eq(t->n_links, 0);
    check_topo(t, 2);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_peer_out_of_range_finds_nothing)
{
    struct sb_topo *t = build_ok("linear,2", 1);
    struct sb_end peer = {7, 7};

    ck_assert_int_eq(sb_topo_peer(t, 0, 0, &peer), 0);
    ck_assert_int_eq(sb_topo_peer(t, 0, 2, &peer), 0); /* host port */
    ck_assert_int_eq(sb_topo_peer(t, 0, 3, &peer), 0);
    ck_assert_int_eq(sb_topo_peer(t, 2, 1, &peer), 0);
    ck_assert_int_eq(sb_topo_peer(NULL, 0, 1, &peer), 0);
    ck_assert_uint_eq(peer.sw, 7); /* untouched */
    sb_topo_destroy(t);
    sb_topo_destroy(NULL);
}
END_TEST

START_TEST(test_build_with_no_error_buffer)
{
    struct sb_topo *t = NULL;

    ck_assert_int_eq(sb_topo_build("ring,2", 0, &t, NULL, 0), EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(sb_topo_build("ring,4", 0, &t, NULL, 0), 0);
    ck_assert_uint_eq(t->n_links, 4);
    sb_topo_destroy(t);
}
END_TEST

/* ---- sb-topo: malformed specs ---- */

static const struct {
    const char *spec;
    const char *word; /* the message names the problem */
} bad_specs[] = {
    {"", "empty"},
    {"foo,3", "unknown"},
    {"LINEAR,4", "unknown"},
    {",4", "unknown"},
    {"linear", "want linear,N"},
    {"linear,", "number"},
    {"linear,4x", "number"},
    {"linear,-1", "number"},
    {"linear, 4", "number"},
    {"linear,+4", "number"},
    {"linear,0x10", "number"},
    {"linear,,4", "number"},
    {"linear,18446744073709551616", "number"},
    {"linear,99999999999999999999999999999999", "number"},
    {"linear,0", "range"},
    {"linear,1000001", "range"},
    {"linear,4,5", "want linear,N"},
    {"ring", "want ring,N"},
    {"ring,2", "range"},
    {"ring,1", "range"},
    {"tree", "want tree"},
    {"tree,3", "want tree"},
    {"tree,3,2,1", "want tree"},
    {"tree,0,2", "depth"},
    {"tree,3,0", "fanout"},
    {"tree,30,2", "too many switches"},
    {"tree,1000001,1", "range"},
    {"fattree", "want fattree"},
    {"fattree,3", "even"},
    {"fattree,0", "even"},
    {"fattree,4,2", "want fattree"},
    {"fattree,1000", "too many switches"},
    {"fattree,300", "too many links"},
    {"fattree,18446744073709551614", "range"},
    {"random", "want random"},
    {"random,10", "want random"},
    {"random,0,3", "range"},
    {"random,10,0", "range"},
    {"random,10,3,x", "number"},
    {"random,10,3,1,2", "too many numbers"},
    {"random,1000000,100", "too many links"},
    {"random,1000001,2", "range"},
    {"file:", "needs a path"},
    {"linear,4\nlinear,5", "number"}, /* the message stays one line */
};

START_TEST(test_bad_spec_rejected)
{
    build_fails(bad_specs[_i].spec, 0, EINVAL, bad_specs[_i].word);
}
END_TEST

START_TEST(test_null_spec_rejected)
{
    build_fails(NULL, 0, EINVAL, "empty");
}
END_TEST

START_TEST(test_too_many_host_ports_rejected)
{
    /* more ports than OpenFlow can number on one switch */
    build_fails("linear,2", UINT32_MAX, EINVAL, "ports");
    build_fails("linear,2", 0xffffff00u, EINVAL, "ports");
    /* more than the topology's limit of ports in all */
    build_fails("linear,1000000", 200, EINVAL, "too many ports");
}
END_TEST

/* ---- sb-topo: files ---- */

START_TEST(test_edge_list_without_ports)
{
    const char *spec = write_file("edges.txt", "1 2\n2 3\n3 4\n4 1\n");
    struct sb_topo *t = build_ok(spec, 1);

    ck_assert_str_eq(t->name, spec);
    ck_assert_uint_eq(t->n_switches, 4);
    ck_assert_uint_eq(t->n_links, 4);
    check_topo(t, 1);
    check_peer(t, 0, 1, 1, 1); /* switch 1 = index 0: port 1 to switch 2 */
    check_peer(t, 0, 2, 3, 2); /* port 2 to switch 4 (line 4) */
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_edge_list_with_ports)
{
    const char *spec = write_file("ports.txt", "1:2 2:1\n"
                                               "1:1 3:2\n"
                                               "3:1 2:2\n");
    struct sb_topo *t = build_ok(spec, 0);

    ck_assert_uint_eq(t->n_switches, 3);
    ck_assert_uint_eq(t->n_links, 3);
    check_topo(t, 0);
    check_peer(t, 0, 2, 1, 1);
    check_peer(t, 0, 1, 2, 2);
    check_peer(t, 2, 1, 1, 2);
    ck_assert_uint_eq(t->links[1].a.sw, 0);
    ck_assert_uint_eq(t->links[1].a.port, 1);
    ck_assert_uint_eq(t->links[1].b.sw, 2);
    ck_assert_uint_eq(t->links[1].b.port, 2);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_edge_list_mixes_given_and_free_ports)
{
    /* switch 1: port 2 given on line 1, so line 2 gets its free port 1 */
    const char *spec = write_file("mixed.txt", "1:2 2\n1 3\n");
    struct sb_topo *t = build_ok(spec, 0);

    check_topo(t, 0);
    check_peer(t, 0, 2, 1, 1);
    check_peer(t, 0, 1, 2, 1);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_edge_list_comments_blank_lines_and_spaces)
{
    const char *spec = write_file("comments.txt", "# a square\n"
                                                  "\n"
                                                  "   1   2   # first\n"
                                                  "\t\n"
                                                  "2\t3\r\n"
                                                  "#3 4\n"
                                                  "3 4");
    struct sb_topo *t = build_ok(spec, 0);

    ck_assert_uint_eq(t->n_switches, 4);
    ck_assert_uint_eq(t->n_links, 3);
    check_topo(t, 0);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_edge_list_counts_up_to_largest_switch)
{
    const char *spec = write_file("sparse.txt", "1 5\n");
    struct sb_topo *t = build_ok(spec, 2);

    ck_assert_uint_eq(t->n_switches, 5);
    ck_assert_uint_eq(t->n_links, 1);
    ck_assert_uint_eq(t->switches[2].n_ports, 2); /* hosts only */
    check_topo(t, 2);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_edge_list_parallel_links)
{
    const char *spec = write_file("parallel.txt", "1 2\n2 1\n");
    struct sb_topo *t = build_ok(spec, 0);

    ck_assert_uint_eq(t->n_links, 2);
    check_topo(t, 0);
    check_peer(t, 0, 2, 1, 2);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_yaml_plain_links)
{
    const char *spec = write_file("topo.yaml", "switches: 4\n"
                                               "links: [[1, 2], [2, 3]]\n");
    struct sb_topo *t = build_ok(spec, 1);

    ck_assert_str_eq(t->name, spec);
    ck_assert_uint_eq(t->n_switches, 4); /* switch 4 has no link */
    ck_assert_uint_eq(t->n_links, 2);
    check_topo(t, 1);
    check_peer(t, 1, 2, 2, 1);
    ck_assert_uint_eq(t->switches[3].n_ports, 1);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_yaml_links_with_ports)
{
    const char *spec = write_file("ports.yml", "# two parallel links\n"
                                               "links:\n"
                                               "  - [\"1:2\", \"2:1\"]\n"
                                               "  - ['1:1', '2:2']\n"
                                               "switches: 2\n");
    struct sb_topo *t = build_ok(spec, 0);

    ck_assert_uint_eq(t->n_switches, 2);
    ck_assert_uint_eq(t->n_links, 2);
    check_topo(t, 0);
    check_peer(t, 0, 2, 1, 1);
    check_peer(t, 0, 1, 1, 2);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_yaml_without_links)
{
    const char *spec = write_file("alone.yaml", "switches: 3\n");
    struct sb_topo *t = build_ok(spec, 2);

    ck_assert_uint_eq(t->n_switches, 3);
    ck_assert_uint_eq(t->n_links, 0);
    check_topo(t, 2);
    sb_topo_destroy(t);
}
END_TEST

START_TEST(test_missing_file_is_enoent)
{
    char spec[4200];

    snprintf(spec, sizeof spec, "file:%s/no-such-file.txt", tmp_dir);
    build_fails(spec, 0, ENOENT, "cannot open");
    snprintf(spec, sizeof spec, "file:%s/no-such-file.yaml", tmp_dir);
    build_fails(spec, 0, ENOENT, "no-such-file.yaml");
}
END_TEST

START_TEST(test_directory_is_not_a_topology_file)
{
    char spec[4200];

    snprintf(spec, sizeof spec, "file:%s", tmp_dir);
    build_fails(spec, 0, EISDIR, "cannot read");
}
END_TEST

/* Malformed edge lists: the message names the problem and the line. */
static const struct {
    const char *text;
    const char *word;
    const char *line; /* ":N:", or NULL when no line is at fault */
} bad_edges[] = {
    {"", "no links", NULL},
    {"# only a comment\n\n", "no links", NULL},
    {"1\n", "two link ends", ":1:"},
    {"1 2 3\n", "two link ends", ":1:"},
    {"1 2\n1 x\n", "switch number", ":2:"},
    {"1 2x\n", "switch number", ":1:"},
    {"0 1\n", "switch 0", ":1:"},
    {"1 -2\n", "switch number", ":1:"},
    {"+1 2\n", "switch number", ":1:"},
    {"1 99999999999999999999999\n", "switch number", ":1:"},
    {"1 18446744073709551616\n", "switch number", ":1:"},
    {"1 1000001\n", "limit", ":1:"},
    {"1 2\n\n2 2\n", "self-loop", ":3:"},
    {"1:0 2\n", "port 0", ":1:"},
    {"1:x 2\n", "port number", ":1:"},
    {"1: 2\n", "port number", ":1:"},
    {"1 2:1:1\n", "port number", ":1:"},
    {"1:4294967296 2\n", "port number", ":1:"},
    {"1:4294967040 2\n", "out of range", ":1:"},
    {":1 2\n", "switch number", ":1:"},
    {"1:1 2:1\n1:1 3:1\n", "duplicate", ":2:"},
    {"1 2\n1:3 3\n", "out of range", ":2:"},
};

START_TEST(test_bad_edge_list_rejected)
{
    char err[512] = "";
    struct sb_topo *t = NULL;
    const char *spec = write_file("bad.txt", bad_edges[_i].text);

    ck_assert_int_eq(sb_topo_build(spec, 0, &t, err, sizeof err), EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, bad_edges[_i].word), "'%s' lacks '%s'", err,
                  bad_edges[_i].word);
    ck_assert_msg(strstr(err, "bad.txt"), "'%s' lacks the file name", err);
    if (bad_edges[_i].line) {
        ck_assert_msg(strstr(err, bad_edges[_i].line), "'%s' lacks '%s'", err,
                      bad_edges[_i].line);
    }
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_edge_list_nul_byte_rejected)
{
    const char *spec = write_file_n("nul.txt", "1 2\n3\0 4\n", 9);

    build_fails(spec, 0, EINVAL, "NUL");
}
END_TEST

/* Malformed YAML files. */
static const struct {
    const char *text;
    const char *word;
} bad_yaml[] = {
    {"", "empty"},
    {"# nothing\n", "empty"},
    {"- 1\n- 2\n", "not a mapping"},
    {"just a scalar\n", "not a mapping"},
    {"switches: 3\nlinks: [[1, 2]\n", "YAML error"},
    {"switches: [3\n", "YAML error"},
    {"links: [[1, 2]]\n", "missing 'switches"},
    {"switches: x\nlinks: []\n", "not a number"},
    {"switches: -3\n", "not a number"},
    {"switches: [3]\n", "not a number"},
    {"switches: 99999999999999999999999\n", "not a number"},
    {"switches: 0\n", "range"},
    {"switches: 1000001\n", "range"},
    {"switches: 3\nlinks: [[1, 4]]\n", "above switches"},
    {"switches: 3\nlinks: [[0, 1]]\n", "switch 0"},
    {"switches: 3\nlinks: [[1, 1]]\n", "self-loop"},
    {"switches: 3\nlinks: [[1, 2, 3]]\n", "two ends"},
    {"switches: 3\nlinks: [[1]]\n", "two ends"},
    {"switches: 3\nlinks: [1, 2]\n", "two ends"},
    {"switches: 3\nlinks: {a: 1}\n", "not a list"},
    {"switches: 3\nlinks: 5\n", "not a list"},
    {"switches: 3\nlinks: [[1, [2]]]\n", "link end"},
    {"switches: 3\nlinks: [[1, x]]\n", "switch number"},
    {"switches: 3\nlinks: [[\"1:0\", 2]]\n", "port 0"},
    {"switches: 3\nlinks: [[\"1:y\", 2]]\n", "port number"},
    {"switches: 3\nlinks: [['1:1', '2:1'], ['1:1', '3:1']]\n", "duplicate"},
    {"switches: 3\nlinks: [['1:2', 2]]\n", "out of range"},
    {"switches: 3\nfoo: 1\n", "unknown key"},
    {"switches: 3\nswitches: 4\n", "twice"},
    {"[1, 2]: 3\n", "not a string"},
    /* a scalar spanning lines: the message stays one line */
    {"switches: 3\nlinks: [[\"1\n\n\n2\", 2]]\n", "switch number"},
};

START_TEST(test_bad_yaml_rejected)
{
    char err[512] = "";
    struct sb_topo *t = NULL;
    const char *spec = write_file("bad.yaml", bad_yaml[_i].text);

    ck_assert_int_eq(sb_topo_build(spec, 0, &t, err, sizeof err), EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, bad_yaml[_i].word), "'%s' lacks '%s'", err,
                  bad_yaml[_i].word);
    ck_assert_msg(strstr(err, "bad.yaml"), "'%s' lacks the file name", err);
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_yaml_error_names_the_line)
{
    const char *spec = write_file("line.yaml", "switches: 3\n"
                                               "links:\n"
                                               "  - [1, 2]\n"
                                               "  - [2, 9]\n");

    build_fails(spec, 0, EINVAL, "line.yaml:4:");
}
END_TEST

static Suite *
bench_topo_suite(void)
{
    Suite *s = suite_create("bench-topo");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, test_summary_odd_count_takes_middle);
    tcase_add_test(tc, test_summary_even_count_averages_middle_two);
    tcase_add_test(tc, test_summary_empty_is_all_zero);
    tcase_add_test(tc, test_summary_one_value_is_min_median_max);
    tcase_add_test(tc, test_summary_negative_and_repeated_values);
    tcase_add_test(tc, test_quantile_nearest_rank_on_known_data);
    tcase_add_test(tc, test_quantile_p50_p99_with_a_tail);
    tcase_add_test(tc, test_quantile_zero_and_one_are_min_and_max);
    tcase_add_test(tc, test_quantile_empty_is_zero);
    tcase_add_test(tc, test_quantile_one_value);
    tcase_add_test(tc, test_sort_matches_qsort_on_random_values);
    tcase_add_test(tc, test_sort_matches_qsort_on_a_million_values);
    tcase_add_test(tc, test_sort_duplicates_and_extremes);
    tcase_add_test(tc, test_sort_zero_and_one_values);
    tcase_add_test(tc, test_sort_all_equal_values_unchanged);
    tcase_add_test(tc, test_sort_values_differing_in_one_byte);
    tcase_add_test(tc, test_sort_small_values_and_reversed_input);
    tcase_set_timeout(tc, 60); /* a million values under valgrind */
    suite_add_tcase(s, tc);

    tc = tcase_create("generated");
    tcase_add_test(tc, test_linear_counts_and_ports);
    tcase_add_test(tc, test_linear_one_switch_has_only_host_ports);
    tcase_add_test(tc, test_ring_closes_the_line);
    tcase_add_test(tc, test_tree_counts_and_numbering);
    tcase_add_test(tc, test_tree_breadth_first_uplink_is_port_1);
    tcase_add_test(tc, test_fattree_counts);
    tcase_add_test(tc, test_fattree_wiring);
    tcase_add_test(tc, test_random_connected_simple_with_mean_degree);
    tcase_add_test(tc, test_random_low_degree_is_a_spanning_tree);
    tcase_add_test(tc, test_random_dense_uses_every_pair);
    tcase_add_test(tc, test_random_same_seed_same_graph);
    tcase_add_test(tc, test_random_distinct_seeds_distinct_graphs);
    tcase_add_test(tc, test_random_one_switch);
    tcase_add_test(tc, test_peer_out_of_range_finds_nothing);
    tcase_add_test(tc, test_build_with_no_error_buffer);
    tcase_add_loop_test(tc, test_bad_spec_rejected, 0,
                        (int) (sizeof bad_specs / sizeof *bad_specs));
    tcase_add_test(tc, test_null_spec_rejected);
    tcase_add_test(tc, test_too_many_host_ports_rejected);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, files_setup, files_teardown);
    tcase_add_test(tc, test_edge_list_without_ports);
    tcase_add_test(tc, test_edge_list_with_ports);
    tcase_add_test(tc, test_edge_list_mixes_given_and_free_ports);
    tcase_add_test(tc, test_edge_list_comments_blank_lines_and_spaces);
    tcase_add_test(tc, test_edge_list_counts_up_to_largest_switch);
    tcase_add_test(tc, test_edge_list_parallel_links);
    tcase_add_test(tc, test_yaml_plain_links);
    tcase_add_test(tc, test_yaml_links_with_ports);
    tcase_add_test(tc, test_yaml_without_links);
    tcase_add_test(tc, test_missing_file_is_enoent);
    tcase_add_test(tc, test_directory_is_not_a_topology_file);
    tcase_add_loop_test(tc, test_bad_edge_list_rejected, 0,
                        (int) (sizeof bad_edges / sizeof *bad_edges));
    tcase_add_test(tc, test_edge_list_nul_byte_rejected);
    tcase_add_loop_test(tc, test_bad_yaml_rejected, 0,
                        (int) (sizeof bad_yaml / sizeof *bad_yaml));
    tcase_add_test(tc, test_yaml_error_names_the_line);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(bench_topo_suite());
}
