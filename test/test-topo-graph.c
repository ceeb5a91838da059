/* Unit tests of topology/graph: hand-made graphs for every edge of the
 * contract (empty graph, one-way arcs, parallel cables, self-arcs, bad
 * weights, out-of-range input), then several hundred generated graphs
 * (random sparse and dense, lines, rings, grids and tori, disconnected
 * components, messy ones with shared ports, repeated arcs and self-arcs;
 * weights including 0) compared with brute-force references: Floyd-Warshall
 * for the distances, a naive scan for the tie-breaking rule, union-find
 * and breadth-first depths for the spanning forest.  Last, a 1000-node
 * graph of about 8000 arcs, checked against a simple reference search.
 *
 * The generator is a seeded xorshift, so every run sees the same graphs;
 * a failure names the graph's family and seed. */
#include <config.h>
#include "topology/graph.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/test-util.h"

#define NONE TOPO_GRAPH_NONE
#define INF_HOPS UINT32_MAX

/* ck_assert() reports every passing check to the parent process; the
 * loops over generated graphs check millions of things, so they only call
 * into libcheck on a failure. */
#define CHECK(COND, ...)                                                      \
    do {                                                                      \
        if (!(COND)) {                                                        \
            ck_abort_msg(__VA_ARGS__);                                        \
        }                                                                     \
    } while (0)

static struct topo_arc
arc(uint32_t from, uint32_t from_port, uint32_t to, uint32_t to_port,
    double weight)
{
    struct topo_arc a = {
        .from = from,
        .to = to,
        .from_port = from_port,
        .to_port = to_port,
        .weight = weight,
    };
    return a;
}

static struct topo_graph *
create_ok(size_t n_nodes, const struct topo_arc *arcs, size_t n_arcs)
{
    struct topo_graph *g = topo_graph_create(n_nodes, arcs, n_arcs);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(topo_graph_n_nodes(g), n_nodes);
    ck_assert_uint_eq(topo_graph_n_arcs(g), n_arcs);
    return g;
}

/* Asserts that the path from 'src' to 'dst' by 'metric' is exactly the
 * 'n_want' arcs of 'want' (n_want == SIZE_MAX: no path). */
static void
assert_path(const struct topo_graph *g, uint32_t src, uint32_t dst,
            enum sl_path_metric metric, const uint32_t *want, size_t n_want)
{
    uint32_t path[16];
    size_t n = 99;
    bool ok = topo_graph_path(g, src, dst, metric, path, 16, &n);
    if (n_want == SIZE_MAX) {
        ck_assert_msg(!ok, "path %u -> %u found", src, dst);
        ck_assert_uint_eq(n, 0);
        return;
    }
    ck_assert_msg(ok, "no path %u -> %u", src, dst);
    ck_assert_uint_eq(n, n_want);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(path[i] == want[i], "%u -> %u: arc %zu is %u, not %u",
                      src, dst, i, path[i], want[i]);
    }
}

/* ---- hand-made graphs ---- */

START_TEST(test_empty_graph)
{
    struct topo_graph *g = create_ok(0, NULL, 0);
    uint32_t path[1], next[1] = {7};
    size_t n = 5;
    bool in_tree[1] = {true};

    ck_assert(!topo_graph_path(g, 0, 0, SL_PATH_HOPS, path, 1, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert(!topo_graph_toward(g, 0, next));
    ck_assert_uint_eq(next[0], 7); /* no entries to write */
    ck_assert_uint_eq(topo_graph_tree(g, NULL, in_tree), 0);
    ck_assert(in_tree[0]); /* no arcs to write */
    topo_graph_destroy(g);

    /* A non-null array of no arcs is the same graph. */
    struct topo_arc none[1] = {arc(0, 1, 0, 2, 1)};
    g = create_ok(0, none, 0);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_one_node)
{
    struct topo_graph *g = create_ok(1, NULL, 0);
    uint32_t next[1] = {5};
    uint64_t ids[1] = {42};

    assert_path(g, 0, 0, SL_PATH_HOPS, NULL, 0);
    assert_path(g, 0, 0, SL_PATH_LATENCY, NULL, 0);
    ck_assert(topo_graph_toward(g, 0, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(topo_graph_tree(g, ids, NULL), 0);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_destroy_null)
{
    topo_graph_destroy(NULL);
}
END_TEST

START_TEST(test_two_nodes_both_directions)
{
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 2, 0.5),
        arc(1, 2, 0, 1, 0.25),
    };
    struct topo_graph *g = create_ok(2, arcs, 2);
    uint32_t next[2];
    bool in_tree[2];
    uint64_t ids[2] = {0x20, 0x10};

    assert_path(g, 0, 1, SL_PATH_HOPS, (uint32_t[]){0}, 1);
    assert_path(g, 1, 0, SL_PATH_HOPS, (uint32_t[]){1}, 1);
    assert_path(g, 0, 1, SL_PATH_LATENCY, (uint32_t[]){0}, 1);
    assert_path(g, 1, 0, SL_PATH_LATENCY, (uint32_t[]){1}, 1);
    assert_path(g, 1, 1, SL_PATH_HOPS, NULL, 0);

    ck_assert(topo_graph_toward(g, 1, next));
    ck_assert_uint_eq(next[0], 0);
    ck_assert_uint_eq(next[1], NONE);
    ck_assert(topo_graph_toward(g, 0, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], 1);

    ck_assert_uint_eq(topo_graph_tree(g, ids, in_tree), 1);
    ck_assert(in_tree[0] && in_tree[1]);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_one_direction_only)
{
    const struct topo_arc arcs[] = {arc(0, 1, 1, 1, 1)};
    struct topo_graph *g = create_ok(2, arcs, 1);
    uint32_t next[2];
    bool in_tree[1] = {false};

    assert_path(g, 0, 1, SL_PATH_HOPS, (uint32_t[]){0}, 1);
    assert_path(g, 0, 1, SL_PATH_LATENCY, (uint32_t[]){0}, 1);
    assert_path(g, 1, 0, SL_PATH_HOPS, NULL, SIZE_MAX);
    assert_path(g, 1, 0, SL_PATH_LATENCY, NULL, SIZE_MAX);

    ck_assert(topo_graph_toward(g, 0, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], NONE);
    ck_assert(topo_graph_toward(g, 1, next));
    ck_assert_uint_eq(next[0], 0);
    ck_assert_uint_eq(next[1], NONE);

    /* The undirected view joins them all the same. */
    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){2, 1}, in_tree), 1);
    ck_assert(in_tree[0]);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_one_way_chain_and_back_road)
{
    /* 0 -> 1 -> 2 one way; 2 -> 0 the only way back. */
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 1, 1),
        arc(1, 2, 2, 1, 1),
        arc(2, 2, 0, 2, 1),
    };
    struct topo_graph *g = create_ok(3, arcs, 3);
    uint32_t next[3];

    assert_path(g, 0, 2, SL_PATH_HOPS, (uint32_t[]){0, 1}, 2);
    assert_path(g, 2, 1, SL_PATH_HOPS, (uint32_t[]){2, 0}, 2);
    assert_path(g, 1, 0, SL_PATH_LATENCY, (uint32_t[]){1, 2}, 2);
    ck_assert(topo_graph_toward(g, 0, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], 1);
    ck_assert_uint_eq(next[2], 2);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_parallel_cables)
{
    /* Two cables between s0 and s1, the port-2 one listed first. */
    const struct topo_arc arcs[] = {
        arc(0, 2, 1, 2, 1),
        arc(1, 2, 0, 2, 1),
        arc(0, 1, 1, 1, 1),
        arc(1, 1, 0, 1, 1),
    };
    struct topo_graph *g = create_ok(2, arcs, 4);
    bool in_tree[4];
    uint32_t next[2];

    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){1, 2}, in_tree), 1);
    ck_assert(!in_tree[0] && !in_tree[1]);
    ck_assert(in_tree[2] && in_tree[3]);

    /* Rooted at s1 instead: still its lowest port. */
    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){2, 1}, in_tree), 1);
    ck_assert(!in_tree[0] && !in_tree[1]);
    ck_assert(in_tree[2] && in_tree[3]);

    assert_path(g, 0, 1, SL_PATH_HOPS, (uint32_t[]){2}, 1);
    assert_path(g, 1, 0, SL_PATH_HOPS, (uint32_t[]){3}, 1);
    ck_assert(topo_graph_toward(g, 1, next));
    ck_assert_uint_eq(next[0], 2);

    /* A lighter port-2 cable wins by latency, not by hops. */
    struct topo_arc light[4];
    memcpy(light, arcs, sizeof light);
    light[0].weight = 0.5;
    topo_graph_destroy(g);
    g = create_ok(2, light, 4);
    assert_path(g, 0, 1, SL_PATH_LATENCY, (uint32_t[]){0}, 1);
    assert_path(g, 0, 1, SL_PATH_HOPS, (uint32_t[]){2}, 1);
    assert_path(g, 1, 0, SL_PATH_LATENCY, (uint32_t[]){3}, 1);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_parallel_cables_local_port_decides)
{
    /* s0:1 <-> s1:9 and s0:2 <-> s1:3: from s0 the first is taken, from
     * s1 the second, by the port on the node the tree grows from. */
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 9, 1),
        arc(1, 9, 0, 1, 1),
        arc(0, 2, 1, 3, 1),
        arc(1, 3, 0, 2, 1),
    };
    struct topo_graph *g = create_ok(2, arcs, 4);
    bool in_tree[4];

    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){5, 6}, in_tree), 1);
    ck_assert(in_tree[0] && in_tree[1] && !in_tree[2] && !in_tree[3]);
    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){6, 5}, in_tree), 1);
    ck_assert(!in_tree[0] && !in_tree[1] && in_tree[2] && in_tree[3]);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_mismatched_directions_are_two_cables)
{
    /* s0:1 -> s1:2 and s1:3 -> s0:1 are not the same cable. */
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 2, 1),
        arc(1, 3, 0, 1, 1),
    };
    struct topo_graph *g = create_ok(2, arcs, 2);
    bool in_tree[2];

    /* From s0 both leave port 1 for s1: the remote port decides, 2
     * before 3.  From s1, its port 2 comes before its port 3. */
    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){1, 2}, in_tree), 1);
    ck_assert(in_tree[0] && !in_tree[1]);
    ck_assert_uint_eq(topo_graph_tree(g, (uint64_t[]){2, 1}, in_tree), 1);
    ck_assert(in_tree[0] && !in_tree[1]);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_repeated_arc)
{
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 1, 2), /* 0 */
        arc(1, 1, 0, 1, 2), /* 1 */
        arc(0, 1, 1, 1, 1), /* 2: 0 again, lighter */
        arc(0, 1, 1, 1, 2), /* 3: 0 again, as heavy */
    };
    struct topo_graph *g = create_ok(2, arcs, 4);
    bool in_tree[4];

    ck_assert_uint_eq(topo_graph_tree(g, NULL, in_tree), 1);
    ck_assert(in_tree[0] && in_tree[1] && in_tree[2] && in_tree[3]);
    assert_path(g, 0, 1, SL_PATH_HOPS, (uint32_t[]){0}, 1);
    assert_path(g, 0, 1, SL_PATH_LATENCY, (uint32_t[]){2}, 1);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_self_arcs_ignored)
{
    const struct topo_arc arcs[] = {
        arc(0, 1, 0, 1, 0), /* 0: a looped port */
        arc(0, 2, 0, 3, 0), /* 1: two ports joined */
        arc(0, 4, 1, 1, 5), /* 2 */
        arc(1, 1, 0, 4, 5), /* 3 */
        arc(1, 2, 1, 2, 0), /* 4: a looped port */
    };
    struct topo_graph *g = create_ok(2, arcs, 5);
    bool in_tree[5];
    uint32_t next[2];

    assert_path(g, 0, 1, SL_PATH_HOPS, (uint32_t[]){2}, 1);
    assert_path(g, 0, 1, SL_PATH_LATENCY, (uint32_t[]){2}, 1);
    assert_path(g, 0, 0, SL_PATH_LATENCY, NULL, 0);
    assert_path(g, 1, 1, SL_PATH_HOPS, NULL, 0);
    ck_assert(topo_graph_toward(g, 0, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], 3);
    ck_assert_uint_eq(topo_graph_tree(g, NULL, in_tree), 1);
    ck_assert(!in_tree[0] && !in_tree[1] && in_tree[2] && in_tree[3] &&
              !in_tree[4]);
    topo_graph_destroy(g);

    /* Self-arcs alone join nothing. */
    const struct topo_arc loops[] = {arc(0, 1, 0, 1, 0), arc(1, 1, 1, 2, 0)};
    g = create_ok(2, loops, 2);
    assert_path(g, 0, 1, SL_PATH_HOPS, NULL, SIZE_MAX);
    assert_path(g, 1, 0, SL_PATH_LATENCY, NULL, SIZE_MAX);
    ck_assert(topo_graph_toward(g, 1, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], NONE);
    in_tree[0] = in_tree[1] = true;
    ck_assert_uint_eq(topo_graph_tree(g, NULL, in_tree), 0);
    ck_assert(!in_tree[0] && !in_tree[1]);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_create_out_of_range)
{
    const struct topo_arc to_out[] = {arc(0, 1, 1, 1, 1), arc(1, 1, 2, 1, 1)};
    const struct topo_arc from_out[] = {arc(3, 1, 0, 1, 1)};
    const struct topo_arc far[] = {arc(0, 1, UINT32_MAX, 1, 1)};

    ck_assert_ptr_null(topo_graph_create(2, to_out, 2));
    ck_assert_ptr_null(topo_graph_create(3, from_out, 1));
    ck_assert_ptr_null(topo_graph_create(2, far, 1));
    ck_assert_ptr_null(topo_graph_create(0, to_out, 1));
    ck_assert_ptr_null(topo_graph_create(5, NULL, 1));
    /* More arcs than the tables can index, more nodes than a uint32_t can
     * name: refused before the arcs are read or memory is asked for. */
    ck_assert_ptr_null(topo_graph_create(2, to_out, UINT32_MAX));
    ck_assert_ptr_null(topo_graph_create(2, to_out, UINT32_MAX / 2 + 1));
    if (SIZE_MAX > UINT32_MAX) {
        ck_assert_ptr_null(
            topo_graph_create((size_t) UINT32_MAX + 1, NULL, 0));
    }
}
END_TEST

START_TEST(test_queries_out_of_range)
{
    const struct topo_arc arcs[] = {arc(0, 1, 1, 1, 1), arc(1, 1, 0, 1, 1)};
    struct topo_graph *g = create_ok(2, arcs, 2);
    uint32_t path[4] = {7, 7, 7, 7};
    uint32_t next[2] = {7, 7};
    size_t n;

    n = 9;
    ck_assert(!topo_graph_path(g, 2, 0, SL_PATH_HOPS, path, 4, &n));
    ck_assert_uint_eq(n, 0);
    n = 9;
    ck_assert(!topo_graph_path(g, 0, 2, SL_PATH_LATENCY, path, 4, &n));
    ck_assert_uint_eq(n, 0);
    n = 9;
    ck_assert(!topo_graph_path(g, UINT32_MAX, UINT32_MAX, SL_PATH_HOPS, path,
                               4, &n));
    ck_assert_uint_eq(n, 0);
    n = 9;
    ck_assert(!topo_graph_path(g, 0, 1, (enum sl_path_metric) 7, path, 4, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(path[0], 7);

    ck_assert(!topo_graph_toward(g, 2, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], NONE);
    next[0] = next[1] = 7;
    ck_assert(!topo_graph_toward(g, UINT32_MAX, next));
    ck_assert_uint_eq(next[0], NONE);
    ck_assert_uint_eq(next[1], NONE);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_path_longer_than_max)
{
    /* A line 0 - 1 - 2 - 3 - 4. */
    struct topo_arc arcs[8];
    for (uint32_t i = 0; i < 4; i++) {
        arcs[2 * i] = arc(i, 2, i + 1, 1, 1);
        arcs[2 * i + 1] = arc(i + 1, 1, i, 2, 1);
    }
    struct topo_graph *g = create_ok(5, arcs, 8);
    uint32_t path[4] = {7, 7, 7, 7};
    size_t n;

    ck_assert(topo_graph_path(g, 0, 4, SL_PATH_HOPS, path, 2, &n));
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(path[0], 0);
    ck_assert_uint_eq(path[1], 2);
    ck_assert_uint_eq(path[2], 7);
    ck_assert(topo_graph_path(g, 4, 0, SL_PATH_LATENCY, NULL, 0, &n));
    ck_assert_uint_eq(n, 4);
    path[0] = path[1] = path[2] = path[3] = 99;
    ck_assert(topo_graph_path(g, 4, 1, SL_PATH_HOPS, path, 3, &n));
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(path[0], 7);
    ck_assert_uint_eq(path[1], 5);
    ck_assert_uint_eq(path[2], 3);
    ck_assert_uint_eq(path[3], 99);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_latency_weight_then_hops)
{
    /* 0 -> 1 -> 2 weighs 2, 0 -> 2 weighs 3. */
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 1, 1),
        arc(1, 2, 2, 1, 1),
        arc(0, 2, 2, 2, 3),
    };
    struct topo_graph *g = create_ok(3, arcs, 3);
    assert_path(g, 0, 2, SL_PATH_LATENCY, (uint32_t[]){0, 1}, 2);
    assert_path(g, 0, 2, SL_PATH_HOPS, (uint32_t[]){2}, 1);
    topo_graph_destroy(g);

    /* As heavy either way: the fewer arcs win, even against a lower
     * port. */
    const struct topo_arc even[] = {
        arc(0, 1, 1, 1, 1),
        arc(1, 2, 2, 1, 1),
        arc(0, 2, 2, 2, 2),
    };
    g = create_ok(3, even, 3);
    assert_path(g, 0, 2, SL_PATH_LATENCY, (uint32_t[]){2}, 1);
    topo_graph_destroy(g);

    /* Weights of zero: still the fewest arcs among the lightest. */
    const struct topo_arc zero[] = {
        arc(0, 1, 1, 1, 0),   /* 0 */
        arc(1, 2, 2, 1, 0),   /* 1 */
        arc(2, 2, 3, 1, 0),   /* 2 */
        arc(0, 2, 3, 2, 0),   /* 3 */
        arc(0, 3, 2, 3, 0.5), /* 4 */
    };
    g = create_ok(4, zero, 5);
    assert_path(g, 0, 3, SL_PATH_LATENCY, (uint32_t[]){3}, 1);
    assert_path(g, 0, 2, SL_PATH_LATENCY, (uint32_t[]){0, 1}, 2);
    assert_path(g, 0, 2, SL_PATH_HOPS, (uint32_t[]){4}, 1);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_bad_weights_taken_as_zero)
{
    /* A negative weight and a NaN count as 0, so 0 -> 1 -> 2 (0) beats
     * 0 -> 2 (0.5); an infinite weight is kept. */
    const struct topo_arc arcs[] = {
        arc(0, 1, 1, 1, NAN),      /* 0 */
        arc(1, 2, 2, 1, -5),       /* 1 */
        arc(0, 2, 2, 2, 0.5),      /* 2 */
        arc(2, 3, 0, 3, INFINITY), /* 3 */
        arc(2, 4, 1, 4, INFINITY), /* 4 */
        arc(1, 5, 0, 5, 1),        /* 5 */
    };
    struct topo_graph *g = create_ok(3, arcs, 6);
    assert_path(g, 0, 2, SL_PATH_LATENCY, (uint32_t[]){0, 1}, 2);
    /* Infinite either way: then the fewer arcs. */
    assert_path(g, 2, 0, SL_PATH_LATENCY, (uint32_t[]){3}, 1);
    assert_path(g, 2, 1, SL_PATH_LATENCY, (uint32_t[]){4}, 1);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_ties_lowest_port_first)
{
    /* A diamond 0 -> {1, 2} -> 3 where s0 reaches s2 by its lower port:
     * the lower port wins over the lower node. */
    const struct topo_arc arcs[] = {
        arc(0, 2, 1, 1, 1),
        arc(0, 1, 2, 1, 1),
        arc(1, 2, 3, 1, 1),
        arc(2, 2, 3, 2, 1),
    };
    struct topo_graph *g = create_ok(4, arcs, 4);
    uint32_t next[4];

    assert_path(g, 0, 3, SL_PATH_HOPS, (uint32_t[]){1, 3}, 2);
    assert_path(g, 0, 3, SL_PATH_LATENCY, (uint32_t[]){1, 3}, 2);
    ck_assert(topo_graph_toward(g, 3, next));
    ck_assert_uint_eq(next[0], 1);
    ck_assert_uint_eq(next[1], 2);
    ck_assert_uint_eq(next[2], 3);
    ck_assert_uint_eq(next[3], NONE);
    topo_graph_destroy(g);

    /* Two arcs out of one port (a hub): the lower node beyond wins. */
    const struct topo_arc hub[] = {
        arc(0, 1, 2, 1, 1),
        arc(0, 1, 1, 1, 1),
        arc(1, 2, 3, 1, 1),
        arc(2, 2, 3, 2, 1),
    };
    g = create_ok(4, hub, 4);
    assert_path(g, 0, 3, SL_PATH_HOPS, (uint32_t[]){1, 2}, 2);
    assert_path(g, 0, 3, SL_PATH_LATENCY, (uint32_t[]){1, 2}, 2);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_tree_ring_rooted_at_smallest_id)
{
    /* A ring s0 - s1 - s2 - s3 - s0, every switch on ports 1 (to the
     * next) and 2 (to the previous). */
    struct topo_arc arcs[8];
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t j = (i + 1) % 4;
        arcs[2 * i] = arc(i, 1, j, 2, 1);
        arcs[2 * i + 1] = arc(j, 2, i, 1, 1);
    }
    struct topo_graph *g = create_ok(4, arcs, 8);
    bool in_tree[8];

    /* Rooted at s2: it takes s3 (port 1) and s1 (port 2); s3 then takes
     * s0.  Left out: the cable s0 - s1. */
    uint64_t ids[4] = {40, 30, 10, 20};
    ck_assert_uint_eq(topo_graph_tree(g, ids, in_tree), 3);
    for (int a = 0; a < 8; a++) {
        ck_assert_msg(in_tree[a] == (a >= 2), "arc %d", a);
    }

    /* Rooted at s0: s1 and s3, then s1 takes s2; left out: s2 - s3. */
    uint64_t ids0[4] = {UINT64_C(1) << 63, UINT64_MAX, UINT64_MAX - 1,
                        UINT64_MAX - 2};
    ck_assert_uint_eq(topo_graph_tree(g, ids0, in_tree), 3);
    for (int a = 0; a < 8; a++) {
        ck_assert_msg(in_tree[a] == (a != 4 && a != 5), "arc %d", a);
    }

    /* No ids: node indices, so the same. */
    ck_assert_uint_eq(topo_graph_tree(g, NULL, in_tree), 3);
    for (int a = 0; a < 8; a++) {
        ck_assert_msg(in_tree[a] == (a != 4 && a != 5), "arc %d", a);
    }
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_tree_components)
{
    /* {0, 3}, {1, 2, 4}, {5}. */
    const struct topo_arc arcs[] = {
        arc(0, 1, 3, 1, 1), /* 0 */
        arc(3, 1, 0, 1, 1), /* 1 */
        arc(1, 1, 2, 1, 1), /* 2 */
        arc(2, 1, 1, 1, 1), /* 3 */
        arc(2, 2, 4, 1, 1), /* 4 */
        arc(4, 1, 2, 2, 1), /* 5 */
        arc(4, 2, 1, 2, 1), /* 6: one way only */
    };
    struct topo_graph *g = create_ok(6, arcs, 7);
    bool in_tree[7];
    uint64_t ids[6] = {6, 5, 4, 3, 2, 1};

    ck_assert_uint_eq(topo_graph_tree(g, ids, in_tree), 3);
    /* {1, 2, 4} rooted at s4: port 1 to s2, port 2 to s1. */
    ck_assert(in_tree[0] && in_tree[1]);
    ck_assert(!in_tree[2] && !in_tree[3]);
    ck_assert(in_tree[4] && in_tree[5] && in_tree[6]);
    assert_path(g, 0, 1, SL_PATH_HOPS, NULL, SIZE_MAX);
    assert_path(g, 5, 5, SL_PATH_HOPS, NULL, 0);
    topo_graph_destroy(g);
}
END_TEST

START_TEST(test_tree_hub_port)
{
    /* s0:1 reaches both s1 and s2 (a hub between them). */
    const struct topo_arc arcs[] = {
        arc(0, 1, 2, 1, 1), /* 0 */
        arc(2, 1, 0, 1, 1), /* 1 */
        arc(0, 1, 1, 1, 1), /* 2 */
        arc(1, 1, 0, 1, 1), /* 3 */
        arc(1, 1, 2, 1, 1), /* 4 */
        arc(2, 1, 1, 1, 1), /* 5 */
    };
    struct topo_graph *g = create_ok(3, arcs, 6);
    bool in_tree[6];

    ck_assert_uint_eq(topo_graph_tree(g, NULL, in_tree), 2);
    ck_assert(in_tree[0] && in_tree[1] && in_tree[2] && in_tree[3]);
    ck_assert(!in_tree[4] && !in_tree[5]);
    topo_graph_destroy(g);
}
END_TEST

/* ---- generated graphs ---- */

#define GEN_MAX_NODES 32
#define GEN_MAX_ARCS 1024

struct rng {
    uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t) ((rng_next(r) >> 32) % n);
}

static uint32_t
rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

static bool
rng_chance(struct rng *r, uint32_t percent)
{
    return rng_below(r, 100) < percent;
}

enum family {
    F_SPARSE,
    F_DENSE,
    F_LINE,
    F_RING,
    F_GRID,
    F_TORUS,
    F_COMPONENTS,
    F_MESSY,
    N_FAMILIES
};

static const char *const family_names[N_FAMILIES] = {
    "sparse", "dense", "line", "ring", "grid", "torus", "components", "messy",
};

/* A generated graph: the arcs and node count to create one from, and
 * distinct ids for its spanning forest. */
struct gen {
    enum family family;
    uint64_t seed;
    size_t n;
    size_t m;
    struct topo_arc arcs[GEN_MAX_ARCS];
    uint64_t ids[GEN_MAX_NODES];
    uint32_t next_port[GEN_MAX_NODES];
    int weights; /* 0: all 1, 1: 0..4, 2: all 0, 3: 0 or 10 */
    struct rng rng;
};

static double
gen_weight(struct gen *g)
{
    switch (g->weights) {
    case 0:
        return 1;
    case 1:
        return rng_below(&g->rng, 5);
    case 2:
        return 0;
    default:
        return rng_chance(&g->rng, 50) ? 0 : 10;
    }
}

static void
gen_arc(struct gen *g, uint32_t u, uint32_t pu, uint32_t v, uint32_t pv)
{
    ck_assert_uint_lt(g->m, GEN_MAX_ARCS);
    g->arcs[g->m++] = arc(u, pu, v, pv, gen_weight(g));
}

/* Adds a cable u - v on fresh ports: both arcs, or one of them when
 * 'one_way_percent' says so. */
static void
gen_link(struct gen *g, uint32_t u, uint32_t v, uint32_t one_way_percent)
{
    uint32_t pu = ++g->next_port[u];
    uint32_t pv = ++g->next_port[v];
    if (rng_chance(&g->rng, one_way_percent)) {
        if (rng_chance(&g->rng, 50)) {
            gen_arc(g, u, pu, v, pv);
        } else {
            gen_arc(g, v, pv, u, pu);
        }
    } else {
        gen_arc(g, u, pu, v, pv);
        gen_arc(g, v, pv, u, pu);
    }
}

static void
gen_random_links(struct gen *g, uint32_t base, uint32_t n, size_t n_links,
                 uint32_t one_way_percent)
{
    if (n < 2) {
        return;
    }
    for (size_t i = 0; i < n_links; i++) {
        uint32_t u = base + rng_below(&g->rng, n);
        uint32_t v = base + rng_below(&g->rng, n - 1);
        if (v >= u) {
            v++;
        }
        gen_link(g, u, v, one_way_percent);
    }
}

static void
gen_grid(struct gen *g, uint32_t rows, uint32_t cols, bool torus)
{
    g->n = rows * cols;
    for (uint32_t r = 0; r < rows; r++) {
        for (uint32_t c = 0; c < cols; c++) {
            uint32_t u = r * cols + c;
            if (c + 1 < cols || (torus && cols > 2)) {
                gen_link(g, u, r * cols + (c + 1) % cols, 0);
            }
            if (r + 1 < rows || (torus && rows > 2)) {
                gen_link(g, u, ((r + 1) % rows) * cols + c, 0);
            }
        }
    }
}

/* Arcs with ports from a small range (so ports are shared), self-arcs,
 * one-way arcs and repeats of earlier arcs. */
static void
gen_messy(struct gen *g)
{
    g->n = rng_range(&g->rng, 2, 12);
    size_t n_arcs = rng_range(&g->rng, 1, 4 * g->n);
    for (size_t i = 0; i < n_arcs; i++) {
        uint32_t u = rng_below(&g->rng, g->n);
        uint32_t v = rng_below(&g->rng, g->n);
        uint32_t pu = rng_range(&g->rng, 1, 3);
        uint32_t pv = rng_range(&g->rng, 1, 3);
        uint32_t kind = rng_below(&g->rng, 10);
        if (kind == 0 && g->m > 0) {
            struct topo_arc copy = g->arcs[rng_below(&g->rng, g->m)];
            gen_arc(g, copy.from, copy.from_port, copy.to, copy.to_port);
        } else if (kind < 4) {
            gen_arc(g, u, pu, v, pv);
        } else {
            gen_arc(g, u, pu, v, pv);
            gen_arc(g, v, pv, u, pu);
        }
    }
}

/* Renames the nodes of 'g' by a random permutation and shuffles its arcs,
 * so that no structure follows the node or arc order. */
static void
gen_scramble(struct gen *g)
{
    uint32_t perm[GEN_MAX_NODES];
    for (uint32_t i = 0; i < g->n; i++) {
        perm[i] = i;
    }
    for (uint32_t i = g->n; i > 1; i--) {
        uint32_t j = rng_below(&g->rng, i);
        uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    for (size_t a = 0; a < g->m; a++) {
        g->arcs[a].from = perm[g->arcs[a].from];
        g->arcs[a].to = perm[g->arcs[a].to];
    }
    for (size_t a = g->m; a > 1; a--) {
        size_t b = rng_below(&g->rng, a);
        struct topo_arc t = g->arcs[a - 1];
        g->arcs[a - 1] = g->arcs[b];
        g->arcs[b] = t;
    }
}

static void
gen_ids(struct gen *g)
{
    uint32_t style = rng_below(&g->rng, 3);
    for (size_t u = 0; u < g->n; u++) {
        bool dup;
        do {
            g->ids[u] = (style == 0   ? rng_next(&g->rng)
                         : style == 1 ? rng_below(&g->rng, 1000)
                                      : (uint64_t) (g->n - u));
            dup = false;
            for (size_t v = 0; v < u; v++) {
                dup = dup || g->ids[v] == g->ids[u];
            }
        } while (dup);
    }
}

/* Fills 'g' with graph number 'seed' of 'family'. */
static void
gen_make(struct gen *g, enum family family, uint64_t seed)
{
    memset(g, 0, sizeof *g);
    g->family = family;
    g->seed = seed;
    g->rng.s = seed * UINT64_C(0x9e3779b97f4a7c15) + family + 1;
    g->weights = rng_below(&g->rng, 4);

    switch (family) {
    case F_SPARSE:
        g->n = rng_range(&g->rng, 1, GEN_MAX_NODES);
        gen_random_links(g, 0, g->n, rng_range(&g->rng, 0, 2 * g->n), 10);
        break;
    case F_DENSE:
        g->n = rng_range(&g->rng, 2, 16);
        for (uint32_t u = 0; u < g->n; u++) {
            for (uint32_t v = u + 1; v < g->n; v++) {
                if (rng_chance(&g->rng, 60)) {
                    gen_link(g, u, v, 10);
                }
            }
        }
        break;
    case F_LINE:
        g->n = rng_range(&g->rng, 1, GEN_MAX_NODES);
        for (uint32_t u = 0; u + 1 < g->n; u++) {
            gen_link(g, u, u + 1, 0);
        }
        break;
    case F_RING:
        g->n = rng_range(&g->rng, 3, GEN_MAX_NODES);
        for (uint32_t u = 0; u < g->n; u++) {
            gen_link(g, u, (u + 1) % g->n, 0);
        }
        break;
    case F_GRID:
    case F_TORUS:
        gen_grid(g, rng_range(&g->rng, 1, 5), rng_range(&g->rng, 2, 6),
                 family == F_TORUS);
        break;
    case F_COMPONENTS: {
        uint32_t k = rng_range(&g->rng, 2, 5);
        for (uint32_t c = 0; c < k; c++) {
            uint32_t size = rng_range(&g->rng, 1, 6);
            gen_random_links(g, g->n, size,
                             rng_range(&g->rng, size - 1, 2 * size), 10);
            g->n += size;
        }
        break;
    }
    case F_MESSY:
        gen_messy(g);
        break;
    case N_FAMILIES:
    default:
        ck_abort_msg("bad family");
    }
    gen_scramble(g);
    gen_ids(g);
}

/* ---- brute-force references ---- */

/* All-pairs distances of a generated graph by Floyd-Warshall: hops, then
 * (weight, hops) compared in that order, and hops in the undirected
 * view. */
struct ref {
    size_t n;
    uint32_t hops[GEN_MAX_NODES][GEN_MAX_NODES];
    double w[GEN_MAX_NODES][GEN_MAX_NODES];
    uint32_t w_hops[GEN_MAX_NODES][GEN_MAX_NODES];
    uint32_t undirected[GEN_MAX_NODES][GEN_MAX_NODES];
};

static bool
pair_less(double w1, uint32_t h1, double w2, uint32_t h2)
{
    return w1 < w2 || (w1 == w2 && h1 < h2);
}

static void
floyd_warshall(size_t n, uint32_t h[][GEN_MAX_NODES],
               double w[][GEN_MAX_NODES])
{
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < n; i++) {
            if (h[i][k] == INF_HOPS) {
                continue;
            }
            for (size_t j = 0; j < n; j++) {
                if (h[k][j] == INF_HOPS) {
                    continue;
                }
                double cw = w ? w[i][k] + w[k][j] : 0;
                uint32_t ch = h[i][k] + h[k][j];
                if (h[i][j] == INF_HOPS ||
                    (w ? pair_less(cw, ch, w[i][j], h[i][j]) : ch < h[i][j])) {
                    h[i][j] = ch;
                    if (w) {
                        w[i][j] = cw;
                    }
                }
            }
        }
    }
}

static void
ref_make(struct ref *r, const struct gen *g)
{
    r->n = g->n;
    for (size_t i = 0; i < g->n; i++) {
        for (size_t j = 0; j < g->n; j++) {
            r->hops[i][j] = r->w_hops[i][j] = r->undirected[i][j] =
                i == j ? 0 : INF_HOPS;
            r->w[i][j] = 0;
        }
    }
    for (size_t a = 0; a < g->m; a++) {
        const struct topo_arc *arc = &g->arcs[a];
        uint32_t u = arc->from, v = arc->to;
        if (u == v) {
            continue;
        }
        r->hops[u][v] = 1;
        r->undirected[u][v] = r->undirected[v][u] = 1;
        if (r->w_hops[u][v] == INF_HOPS || arc->weight < r->w[u][v]) {
            r->w[u][v] = arc->weight;
            r->w_hops[u][v] = 1;
        }
    }
    floyd_warshall(g->n, r->hops, NULL);
    floyd_warshall(g->n, r->w_hops, r->w);
    floyd_warshall(g->n, r->undirected, NULL);
}

/* The tie-breaking order among arcs out of one node. */
static bool
arc_before(const struct topo_arc *arcs, uint32_t a, uint32_t b)
{
    const struct topo_arc *x = &arcs[a], *y = &arcs[b];
    if (x->from_port != y->from_port) {
        return x->from_port < y->from_port;
    }
    if (x->to != y->to) {
        return x->to < y->to;
    }
    if (x->to_port != y->to_port) {
        return x->to_port < y->to_port;
    }
    return a < b;
}

/* The arc that the contract wants first on the way from 'u' to 'dst' by
 * 'metric', found by scanning every arc, or NONE. */
static uint32_t
ref_next(const struct gen *g, const struct ref *r, uint32_t u, uint32_t dst,
         enum sl_path_metric metric)
{
    uint32_t best = NONE;
    if (u == dst || r->hops[u][dst] == INF_HOPS) {
        return NONE;
    }
    for (uint32_t a = 0; a < g->m; a++) {
        const struct topo_arc *arc = &g->arcs[a];
        uint32_t v = arc->to;
        if (arc->from != u || v == u) {
            continue;
        }
        bool on_path;
        if (metric == SL_PATH_HOPS) {
            on_path = r->hops[v][dst] != INF_HOPS &&
                      r->hops[v][dst] + 1 == r->hops[u][dst];
        } else {
            on_path = r->w_hops[v][dst] != INF_HOPS &&
                      arc->weight + r->w[v][dst] == r->w[u][dst] &&
                      r->w_hops[v][dst] + 1 == r->w_hops[u][dst];
        }
        if (on_path && (best == NONE || arc_before(g->arcs, a, best))) {
            best = a;
        }
    }
    return best;
}

static const char *
gen_name(const struct gen *g)
{
    static char name[96];
    snprintf(name, sizeof name, "%s graph, seed %llu (%zu nodes, %zu arcs)",
             family_names[g->family], (unsigned long long) g->seed, g->n,
             g->m);
    return name;
}

/* Checks every path of 'tg' (made from 'g') by both metrics: validity,
 * length and weight against Floyd-Warshall, and each arc against the
 * naive tie-breaking scan. */
static void
check_paths(const struct topo_graph *tg, const struct gen *g,
            const struct ref *r)
{
    for (uint32_t src = 0; src < g->n; src++) {
        for (uint32_t dst = 0; dst < g->n; dst++) {
            for (int m = 0; m < 2; m++) {
                enum sl_path_metric metric =
                    m ? SL_PATH_LATENCY : SL_PATH_HOPS;
                uint32_t path[GEN_MAX_NODES];
                size_t n = 99;
                bool ok = topo_graph_path(tg, src, dst, metric, path,
                                          GEN_MAX_NODES, &n);
                uint32_t want_hops =
                    m ? r->w_hops[src][dst] : r->hops[src][dst];
                CHECK(ok == (want_hops != INF_HOPS),
                      "%s: %u -> %u metric %d: found %d", gen_name(g), src,
                      dst, m, ok);
                CHECK(n == (ok ? want_hops : 0),
                      "%s: %u -> %u metric %d: %zu arcs, not %u", gen_name(g),
                      src, dst, m, n, want_hops);
                uint32_t u = src;
                double w = 0;
                for (size_t i = 0; i < n; i++) {
                    CHECK(path[i] < g->m,
                          "%s: %u -> %u metric %d: arc %zu "
                          "is %u",
                          gen_name(g), src, dst, m, i, path[i]);
                    const struct topo_arc *arc = &g->arcs[path[i]];
                    CHECK(arc->from == u && arc->to != u,
                          "%s: %u -> %u metric %d: arc %zu does not chain",
                          gen_name(g), src, dst, m, i);
                    uint32_t want = ref_next(g, r, u, dst, metric);
                    CHECK(path[i] == want,
                          "%s: %u -> %u metric %d: arc %zu is %u, not %u",
                          gen_name(g), src, dst, m, i, path[i], want);
                    w += arc->weight;
                    u = arc->to;
                }
                CHECK(!ok || u == dst, "%s: %u -> %u metric %d: ends at %u",
                      gen_name(g), src, dst, m, u);
                CHECK(!m || !ok || w == r->w[src][dst],
                      "%s: %u -> %u weighs %g, not %g", gen_name(g), src, dst,
                      w, r->w[src][dst]);
            }
        }
    }
}

/* Checks topo_graph_toward() for every destination: each entry is the
 * naive scan's arc, following them reaches 'dst' in exactly the fewest
 * hops, and the hop path from every node is the same walk. */
static void
check_toward(const struct topo_graph *tg, const struct gen *g,
             const struct ref *r)
{
    for (uint32_t dst = 0; dst < g->n; dst++) {
        uint32_t next[GEN_MAX_NODES];
        CHECK(topo_graph_toward(tg, dst, next), "%s: toward %u failed",
              gen_name(g), dst);
        for (uint32_t u = 0; u < g->n; u++) {
            uint32_t want = ref_next(g, r, u, dst, SL_PATH_HOPS);
            CHECK(next[u] == want, "%s: toward %u: next[%u] is %u, not %u",
                  gen_name(g), dst, u, next[u], want);
            if (r->hops[u][dst] == INF_HOPS) {
                continue;
            }
            uint32_t path[GEN_MAX_NODES];
            size_t n_path;
            topo_graph_path(tg, u, dst, SL_PATH_HOPS, path, GEN_MAX_NODES,
                            &n_path);
            uint32_t v = u, steps = 0;
            while (v != dst && steps <= g->n) {
                CHECK(steps >= n_path || path[steps] == next[v],
                      "%s: toward %u from %u: path and next differ",
                      gen_name(g), dst, u);
                CHECK(next[v] < g->m, "%s: toward %u from %u: stuck at %u",
                      gen_name(g), dst, u, v);
                v = g->arcs[next[v]].to;
                steps++;
            }
            CHECK(v == dst && steps == r->hops[u][dst],
                  "%s: toward %u from %u: %u steps, not %u", gen_name(g), dst,
                  u, steps, r->hops[u][dst]);
        }
    }
}

/* Union-find over nodes, for cycles and components. */
static uint32_t
uf_find(uint32_t *parent, uint32_t u)
{
    while (parent[u] != u) {
        parent[u] = parent[parent[u]];
        u = parent[u];
    }
    return u;
}

/* One end of a cable, for the naive spanning forest. */
struct cable_end {
    uint32_t node, port, other, other_port, cable;
};

static int
cable_end_cmp(const void *a_, const void *b_)
{
    const struct cable_end *a = a_, *b = b_;
    const uint32_t ka[4] = {a->node, a->port, a->other, a->other_port};
    const uint32_t kb[4] = {b->node, b->port, b->other, b->other_port};
    for (int i = 0; i < 4; i++) {
        if (ka[i] != kb[i]) {
            return ka[i] < kb[i] ? -1 : 1;
        }
    }
    return 0;
}

/* The cable of every arc of 'g' (NONE for self-arcs) by pairwise
 * comparison; returns the number of cables, their ends in 'ends' (two per
 * cable, sorted). */
static size_t
ref_cables(const struct gen *g, uint32_t *cable, struct cable_end *ends)
{
    size_t n_cables = 0;
    for (size_t a = 0; a < g->m; a++) {
        const struct topo_arc *x = &g->arcs[a];
        cable[a] = NONE;
        if (x->from == x->to) {
            continue;
        }
        for (size_t b = 0; b < a && cable[a] == NONE; b++) {
            const struct topo_arc *y = &g->arcs[b];
            bool same = (x->from == y->from && x->from_port == y->from_port &&
                         x->to == y->to && x->to_port == y->to_port);
            bool reverse = (x->from == y->to && x->from_port == y->to_port &&
                            x->to == y->from && x->to_port == y->from_port);
            if (cable[b] != NONE && (same || reverse)) {
                cable[a] = cable[b];
            }
        }
        if (cable[a] == NONE) {
            uint32_t c = n_cables++;
            cable[a] = c;
            ends[2 * c] = (struct cable_end){x->from, x->from_port, x->to,
                                             x->to_port, c};
            ends[2 * c + 1] = (struct cable_end){x->to, x->to_port, x->from,
                                                 x->from_port, c};
        }
    }
    qsort(ends, 2 * n_cables, sizeof *ends, cable_end_cmp);
    return n_cables;
}

/* Checks topo_graph_tree() on 'g': exactly the naive forest, and the
 * properties of one (no cycle, n - components cables, spans every
 * component, both arcs of a cable together, breadth-first depths from the
 * smallest id). */
static void
check_tree(const struct topo_graph *tg, const struct gen *g,
           const struct ref *r)
{
    static struct cable_end ends[2 * GEN_MAX_ARCS];
    uint32_t cable[GEN_MAX_ARCS];
    bool in_tree[GEN_MAX_ARCS];
    size_t n = g->n;
    size_t n_cables = ref_cables(g, cable, ends);

    size_t got = topo_graph_tree(tg, g->ids, in_tree);

    /* Components and their roots. */
    uint32_t parent[GEN_MAX_NODES], root[GEN_MAX_NODES];
    for (uint32_t u = 0; u < n; u++) {
        parent[u] = u;
    }
    for (size_t i = 0; i < 2 * n_cables; i++) {
        uint32_t x = uf_find(parent, ends[i].node);
        uint32_t y = uf_find(parent, ends[i].other);
        parent[x] = y;
    }
    size_t n_comps = 0;
    for (uint32_t u = 0; u < n; u++) {
        root[u] = NONE;
    }
    for (uint32_t u = 0; u < n; u++) {
        uint32_t c = uf_find(parent, u);
        if (root[c] == NONE) {
            n_comps++;
            root[c] = u;
        } else if (g->ids[u] < g->ids[root[c]]) {
            root[c] = u;
        }
    }
    CHECK(got == n - n_comps, "%s: tree of %zu cables, not %zu", gen_name(g),
          got, n - n_comps);

    /* The naive forest: breadth first from each root, a node's cable ends
     * in sorted order. */
    bool want_cable[GEN_MAX_ARCS] = {false};
    bool seen[GEN_MAX_NODES] = {false};
    uint32_t queue[GEN_MAX_NODES];
    for (uint32_t s = 0; s < n; s++) {
        uint32_t rt = root[uf_find(parent, s)];
        if (seen[rt]) {
            continue;
        }
        size_t head = 0, tail = 0;
        seen[rt] = true;
        queue[tail++] = rt;
        while (head < tail) {
            uint32_t u = queue[head++];
            for (size_t i = 0; i < 2 * n_cables; i++) {
                if (ends[i].node == u && !seen[ends[i].other]) {
                    seen[ends[i].other] = true;
                    want_cable[ends[i].cable] = true;
                    queue[tail++] = ends[i].other;
                }
            }
        }
    }
    for (size_t a = 0; a < g->m; a++) {
        bool want = cable[a] != NONE && want_cable[cable[a]];
        CHECK(in_tree[a] == want, "%s: arc %zu %s the tree", gen_name(g), a,
              want ? "missing from" : "wrongly in");
    }

    /* The properties, from 'in_tree' alone: both arcs of a cable agree,
     * the cables make no cycle... */
    int8_t marked[GEN_MAX_ARCS];
    memset(marked, -1, sizeof marked);
    uint32_t forest[GEN_MAX_NODES];
    for (uint32_t u = 0; u < n; u++) {
        forest[u] = u;
    }
    size_t n_tree = 0;
    bool adj[GEN_MAX_NODES][GEN_MAX_NODES];
    memset(adj, 0, sizeof adj);
    for (size_t a = 0; a < g->m; a++) {
        if (cable[a] == NONE) {
            CHECK(!in_tree[a], "%s: self-arc %zu in the tree", gen_name(g), a);
            continue;
        }
        if (marked[cable[a]] >= 0) {
            CHECK(marked[cable[a]] == in_tree[a],
                  "%s: arcs of cable %u disagree", gen_name(g), cable[a]);
            continue;
        }
        marked[cable[a]] = in_tree[a];
        if (in_tree[a]) {
            uint32_t x = uf_find(forest, g->arcs[a].from);
            uint32_t y = uf_find(forest, g->arcs[a].to);
            CHECK(x != y, "%s: tree cable %u closes a cycle", gen_name(g),
                  cable[a]);
            forest[x] = y;
            n_tree++;
            adj[g->arcs[a].from][g->arcs[a].to] = true;
            adj[g->arcs[a].to][g->arcs[a].from] = true;
        }
    }
    CHECK(n_tree == got, "%s: %zu cables marked, %zu counted", gen_name(g),
          n_tree, got);

    /* ...and every node hangs from its component's smallest id at its
     * breadth-first depth. */
    uint32_t depth[GEN_MAX_NODES];
    for (uint32_t u = 0; u < n; u++) {
        depth[u] = INF_HOPS;
    }
    for (uint32_t s = 0; s < n; s++) {
        uint32_t rt = root[uf_find(parent, s)];
        if (depth[rt] != INF_HOPS) {
            continue;
        }
        size_t head = 0, tail = 0;
        depth[rt] = 0;
        queue[tail++] = rt;
        while (head < tail) {
            uint32_t u = queue[head++];
            for (uint32_t v = 0; v < n; v++) {
                if (adj[u][v] && depth[v] == INF_HOPS) {
                    depth[v] = depth[u] + 1;
                    queue[tail++] = v;
                }
            }
        }
    }
    for (uint32_t u = 0; u < n; u++) {
        uint32_t rt = root[uf_find(parent, u)];
        CHECK(depth[u] == r->undirected[rt][u],
              "%s: node %u at depth %u, %u hops from root %u", gen_name(g), u,
              depth[u], r->undirected[rt][u], rt);
    }
}

/* Runs 'fn' on the first 'per_family' generated graphs of every
 * family. */
static void
for_each_graph(void (*fn)(const struct topo_graph *, const struct gen *,
                          const struct ref *),
               uint64_t per_family)
{
    struct gen *g = malloc(sizeof *g);
    struct ref *r = malloc(sizeof *r);
    ck_assert_ptr_nonnull(g);
    ck_assert_ptr_nonnull(r);
    for (int f = 0; f < N_FAMILIES; f++) {
        for (uint64_t seed = 1; seed <= per_family; seed++) {
            gen_make(g, f, seed);
            ref_make(r, g);
            struct topo_graph *tg = topo_graph_create(g->n, g->arcs, g->m);
            CHECK(tg, "%s: not created", gen_name(g));
            fn(tg, g, r);
            topo_graph_destroy(tg);
        }
    }
    free(r);
    free(g);
}

/* Graphs of each family compared with the references (400 in all), and
 * asked again (the first 10 of each, 80 in all). */
#define N_COMPARED 50
#define N_REPEATED 10

START_TEST(test_generated_paths)
{
    for_each_graph(check_paths, N_COMPARED);
}
END_TEST

START_TEST(test_generated_toward)
{
    for_each_graph(check_toward, N_COMPARED);
}
END_TEST

START_TEST(test_generated_tree)
{
    for_each_graph(check_tree, N_COMPARED);
}
END_TEST

/* Everything 'tg' answers, for comparing two graphs: the paths of every
 * pair by both metrics one after the other in 'arcs', where 'first' says
 * where each begins. */
#define N_PAIRS (2 * GEN_MAX_NODES * GEN_MAX_NODES)
struct answers {
    size_t first[N_PAIRS + 1];
    bool found[N_PAIRS];
    uint32_t arcs[N_PAIRS * GEN_MAX_NODES];
    uint32_t next[GEN_MAX_NODES][GEN_MAX_NODES];
    bool in_tree[GEN_MAX_ARCS];
    size_t n_tree;
};

static size_t
pair_index(const struct gen *g, int m, uint32_t src, uint32_t dst)
{
    return ((size_t) m * g->n + src) * g->n + dst;
}

static void
answers_get(struct answers *ans, const struct topo_graph *tg,
            const struct gen *g)
{
    size_t used = 0;
    for (int m = 0; m < 2; m++) {
        for (uint32_t src = 0; src < g->n; src++) {
            for (uint32_t dst = 0; dst < g->n; dst++) {
                size_t i = pair_index(g, m, src, dst), n;
                ans->first[i] = used;
                ans->found[i] = topo_graph_path(
                    tg, src, dst, m ? SL_PATH_LATENCY : SL_PATH_HOPS,
                    &ans->arcs[used], GEN_MAX_NODES, &n);
                used += n;
                ans->first[i + 1] = used;
            }
        }
    }
    for (uint32_t dst = 0; dst < g->n; dst++) {
        topo_graph_toward(tg, dst, ans->next[dst]);
    }
    ans->n_tree = topo_graph_tree(tg, g->ids, ans->in_tree);
}

/* Returns the 'k'th arc of the path of pair 'i' in 'ans'. */
static uint32_t
answers_arc(const struct answers *ans, size_t i, size_t k)
{
    return ans->arcs[ans->first[i] + k];
}

static bool
answers_same(const struct answers *a, const struct answers *b,
             const struct gen *g)
{
    size_t n_pairs = 2 * g->n * g->n;
    if (memcmp(a->first, b->first, (n_pairs + 1) * sizeof *a->first) ||
        memcmp(a->found, b->found, n_pairs * sizeof *a->found) ||
        memcmp(a->arcs, b->arcs, a->first[n_pairs] * sizeof *a->arcs) ||
        memcmp(a->in_tree, b->in_tree, g->m * sizeof *a->in_tree) ||
        a->n_tree != b->n_tree) {
        return false;
    }
    for (size_t dst = 0; dst < g->n; dst++) {
        if (memcmp(a->next[dst], b->next[dst], g->n * sizeof **a->next)) {
            return false;
        }
    }
    return true;
}

static void
check_same_twice(const struct topo_graph *tg, const struct gen *g,
                 const struct ref *r)
{
    static struct answers a1, a2, a3;
    (void) r;

    answers_get(&a1, tg, g);
    answers_get(&a2, tg, g);
    struct topo_graph *tg2 = topo_graph_create(g->n, g->arcs, g->m);
    CHECK(tg2, "%s: not created", gen_name(g));
    answers_get(&a3, tg2, g);
    topo_graph_destroy(tg2);
    CHECK(answers_same(&a1, &a2, g), "%s: asked twice, answered two ways",
          gen_name(g));
    CHECK(answers_same(&a1, &a3, g), "%s: built twice, answered two ways",
          gen_name(g));
}

START_TEST(test_generated_same_input_same_output)
{
    for_each_graph(check_same_twice, N_REPEATED);
}
END_TEST

static bool
same_arc(const struct topo_arc *x, const struct topo_arc *y)
{
    return (x->from == y->from && x->from_port == y->from_port &&
            x->to == y->to && x->to_port == y->to_port);
}

/* The arcs given in another order: the same paths, next arcs and tree
 * (as arcs, not indices; repeats of one arc are interchangeable). */
static void
check_arc_order(const struct topo_graph *tg, const struct gen *g,
                const struct ref *r)
{
    static struct answers a1, a2;
    static struct gen shuffled;
    uint32_t perm[GEN_MAX_ARCS];
    (void) r;

    shuffled = *g;
    for (uint32_t a = 0; a < g->m; a++) {
        perm[a] = a;
    }
    for (size_t a = g->m; a > 1; a--) {
        size_t b = rng_below(&shuffled.rng, a);
        uint32_t t = perm[a - 1];
        perm[a - 1] = perm[b];
        perm[b] = t;
    }
    for (size_t a = 0; a < g->m; a++) {
        shuffled.arcs[a] = g->arcs[perm[a]];
    }
    struct topo_graph *tg2 = topo_graph_create(g->n, shuffled.arcs, g->m);
    CHECK(tg2, "%s: not created", gen_name(g));
    answers_get(&a1, tg, g);
    answers_get(&a2, tg2, &shuffled);
    topo_graph_destroy(tg2);

    for (uint32_t src = 0; src < g->n; src++) {
        for (uint32_t dst = 0; dst < g->n; dst++) {
            for (int m = 0; m < 2; m++) {
                size_t p = pair_index(g, m, src, dst);
                size_t n = a1.first[p + 1] - a1.first[p];
                CHECK(a1.found[p] == a2.found[p] &&
                          n == a2.first[p + 1] - a2.first[p],
                      "%s: %u -> %u: lengths differ", gen_name(g), src, dst);
                for (size_t i = 0; i < n; i++) {
                    const struct topo_arc *x =
                        &g->arcs[answers_arc(&a1, p, i)];
                    const struct topo_arc *y =
                        &shuffled.arcs[answers_arc(&a2, p, i)];
                    CHECK(same_arc(x, y) && (!m || x->weight == y->weight),
                          "%s: %u -> %u metric %d: arc %zu differs",
                          gen_name(g), src, dst, m, i);
                }
            }
            uint32_t x = a1.next[dst][src], y = a2.next[dst][src];
            CHECK((x == NONE) == (y == NONE) &&
                      (x == NONE || same_arc(&g->arcs[x], &shuffled.arcs[y])),
                  "%s: toward %u: next[%u] differs", gen_name(g), dst, src);
        }
    }
    CHECK(a1.n_tree == a2.n_tree, "%s: tree sizes differ", gen_name(g));
    for (size_t a = 0; a < g->m; a++) {
        CHECK(a2.in_tree[a] == a1.in_tree[perm[a]], "%s: arc %u: tree differs",
              gen_name(g), perm[a]);
    }
}

START_TEST(test_generated_arc_order_irrelevant)
{
    for_each_graph(check_arc_order, N_REPEATED);
}
END_TEST

/* ---- a large graph ---- */

#define BIG_NODES 1000
#define BIG_CABLES 4000

/* Reference distances to 'dst' over 'arcs' by the slowest correct means:
 * Bellman-Ford rounds until nothing changes, by hops and by (weight,
 * hops). */
static void
big_reference(const struct topo_arc *arcs, size_t m, uint32_t dst,
              uint32_t *hops, double *w, uint32_t *w_hops)
{
    for (size_t u = 0; u < BIG_NODES; u++) {
        hops[u] = w_hops[u] = INF_HOPS;
        w[u] = 0;
    }
    hops[dst] = w_hops[dst] = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t a = 0; a < m; a++) {
            uint32_t u = arcs[a].from, v = arcs[a].to;
            if (u == v) {
                continue;
            }
            if (hops[v] != INF_HOPS && hops[v] + 1 < hops[u]) {
                hops[u] = hops[v] + 1;
                changed = true;
            }
            if (w_hops[v] != INF_HOPS &&
                (w_hops[u] == INF_HOPS ||
                 pair_less(w[v] + arcs[a].weight, w_hops[v] + 1, w[u],
                           w_hops[u]))) {
                w[u] = w[v] + arcs[a].weight;
                w_hops[u] = w_hops[v] + 1;
                changed = true;
            }
        }
    }
}

START_TEST(test_large_graph)
{
    struct rng rng = {UINT64_C(0x5eed5eed5eed)};
    size_t m = 0;
    struct topo_arc *arcs = calloc(2 * BIG_CABLES, sizeof *arcs);
    uint32_t *ports = calloc(BIG_NODES, sizeof *ports);
    ck_assert_ptr_nonnull(arcs);
    ck_assert_ptr_nonnull(ports);

    /* A random tree to join everything, then random cables; a few one
     * way, weights 0..9. */
    for (uint32_t c = 0; c < BIG_CABLES; c++) {
        uint32_t u, v;
        if (c + 1 < BIG_NODES) {
            u = c + 1;
            v = rng_below(&rng, c + 1);
        } else {
            u = rng_below(&rng, BIG_NODES);
            v = rng_below(&rng, BIG_NODES - 1);
            v += v >= u;
        }
        uint32_t pu = ++ports[u], pv = ++ports[v];
        arcs[m++] = arc(u, pu, v, pv, rng_below(&rng, 10));
        if (c + 1 < BIG_NODES || !rng_chance(&rng, 3)) {
            arcs[m++] = arc(v, pv, u, pu, rng_below(&rng, 10));
        }
    }
    ck_assert_uint_gt(m, 7800);

    struct topo_graph *g = create_ok(BIG_NODES, arcs, m);
    uint32_t *next = calloc(BIG_NODES, sizeof *next);
    uint32_t *path = calloc(BIG_NODES, sizeof *path);
    uint32_t *hops = calloc(BIG_NODES, sizeof *hops);
    uint32_t *w_hops = calloc(BIG_NODES, sizeof *w_hops);
    double *w = calloc(BIG_NODES, sizeof *w);
    bool *in_tree = calloc(m, sizeof *in_tree);
    uint64_t *ids = calloc(BIG_NODES, sizeof *ids);
    ck_assert(next && path && hops && w_hops && w && in_tree && ids);

    for (int round = 0; round < 4; round++) {
        uint32_t dst = rng_below(&rng, BIG_NODES);
        big_reference(arcs, m, dst, hops, w, w_hops);
        ck_assert(topo_graph_toward(g, dst, next));
        for (uint32_t u = 0; u < BIG_NODES; u++) {
            uint32_t v = u, steps = 0;
            while (v != dst && next[v] != NONE && steps < BIG_NODES) {
                v = arcs[next[v]].to;
                steps++;
            }
            CHECK(v == dst && steps == hops[u],
                  "toward %u from %u: %u steps, not %u", dst, u, steps,
                  hops[u]);
        }
        for (int i = 0; i < 25; i++) {
            uint32_t src = rng_below(&rng, BIG_NODES);
            for (int k = 0; k < 2; k++) {
                enum sl_path_metric metric =
                    k ? SL_PATH_LATENCY : SL_PATH_HOPS;
                size_t n;
                ck_assert(
                    topo_graph_path(g, src, dst, metric, path, BIG_NODES, &n));
                ck_assert_uint_eq(n, k ? w_hops[src] : hops[src]);
                uint32_t u = src;
                double sum = 0;
                for (size_t j = 0; j < n; j++) {
                    ck_assert_uint_eq(arcs[path[j]].from, u);
                    sum += arcs[path[j]].weight;
                    u = arcs[path[j]].to;
                }
                ck_assert_uint_eq(u, dst);
                if (k) {
                    ck_assert(sum == w[src]);
                }
            }
        }
    }

    for (uint32_t u = 0; u < BIG_NODES; u++) {
        ids[u] = rng_next(&rng);
    }
    ck_assert_uint_eq(topo_graph_tree(g, ids, in_tree), BIG_NODES - 1);
    size_t n_in = 0;
    for (size_t a = 0; a < m; a++) {
        n_in += in_tree[a];
    }
    /* Every tree cable of the first BIG_NODES - 1 has both arcs; a
     * one-way cable only one. */
    ck_assert_uint_ge(n_in, BIG_NODES - 1);
    ck_assert_uint_le(n_in, 2 * (BIG_NODES - 1));

    topo_graph_destroy(g);
    free(ids);
    free(in_tree);
    free(w);
    free(w_hops);
    free(hops);
    free(path);
    free(next);
    free(ports);
    free(arcs);
}
END_TEST

static Suite *
graph_suite(void)
{
    Suite *s = suite_create("topo-graph");
    TCase *tc;

    tc = tcase_create("hand");
    tcase_add_test(tc, test_empty_graph);
    tcase_add_test(tc, test_one_node);
    tcase_add_test(tc, test_destroy_null);
    tcase_add_test(tc, test_two_nodes_both_directions);
    tcase_add_test(tc, test_one_direction_only);
    tcase_add_test(tc, test_one_way_chain_and_back_road);
    tcase_add_test(tc, test_parallel_cables);
    tcase_add_test(tc, test_parallel_cables_local_port_decides);
    tcase_add_test(tc, test_mismatched_directions_are_two_cables);
    tcase_add_test(tc, test_repeated_arc);
    tcase_add_test(tc, test_self_arcs_ignored);
    tcase_add_test(tc, test_create_out_of_range);
    tcase_add_test(tc, test_queries_out_of_range);
    tcase_add_test(tc, test_path_longer_than_max);
    tcase_add_test(tc, test_latency_weight_then_hops);
    tcase_add_test(tc, test_bad_weights_taken_as_zero);
    tcase_add_test(tc, test_ties_lowest_port_first);
    tcase_add_test(tc, test_tree_ring_rooted_at_smallest_id);
    tcase_add_test(tc, test_tree_components);
    tcase_add_test(tc, test_tree_hub_port);
    suite_add_tcase(s, tc);

    tc = tcase_create("generated");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_generated_paths);
    tcase_add_test(tc, test_generated_toward);
    tcase_add_test(tc, test_generated_tree);
    tcase_add_test(tc, test_generated_same_input_same_output);
    tcase_add_test(tc, test_generated_arc_order_irrelevant);
    tcase_add_test(tc, test_large_graph);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    return test_run_suite(graph_suite());
}
