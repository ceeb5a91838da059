/* graph: shortest paths and a spanning forest over the switch graph (see
 * graph.h).
 *
 * topo_graph_create() copies the arcs and builds three adjacency tables,
 * each a compressed array (one start offset per node, then the entries of
 * every node in a row) sorted once, by a counting sort on the node and a
 * sort of each node's few entries:
 *
 *   - 'out': the arcs leaving each node, by (from_port, to, to_port, arc
 *     index); an arc's position here is its 'rank', the order in which
 *     ties between equally short first arcs are broken;
 *   - 'in': the arcs entering each node, by (to_port, from, from_port, arc
 *     index), which the searches walk backwards from the destination;
 *   - 'adj': the cables at each node, by (local port, neighbour, remote
 *     port), for the spanning forest.  A cable is the unordered pair of
 *     endpoints {(from, from_port), (to, to_port)}; both arcs of a link,
 *     and any repeats of an arc, map to the same cable.
 *
 * Self-arcs appear in none of the tables.
 *
 * Every path query runs backwards from the destination, so that
 * topo_graph_path() gives exactly the path that following
 * topo_graph_toward() from the source gives: at every node the next arc is
 * the lowest-ranked arc among those that start a shortest path (by hops,
 * or by (weight, hops) for latency).  The answer therefore depends only on
 * the set of arcs, not on the order of the search.
 *
 * The queries allocate their work arrays once per call, never per step.
 */
#include <config.h>
#include "topology/graph.h"

#include <stdlib.h>
#include <string.h>

#define UNSEEN UINT32_MAX /* hop count of a node not reached yet */
#define NOT_IN_HEAP UINT32_MAX

struct topo_graph {
    size_t n_nodes;
    size_t n_arcs;
    struct topo_arc *arcs; /* the caller's arcs, weights made >= 0 */

    uint32_t *out_start; /* n_nodes + 1 offsets into 'out' */
    uint32_t *out;       /* arc indices, see the file comment */
    uint32_t *in_start;  /* n_nodes + 1 offsets into 'in' */
    uint32_t *in;        /* arc indices, see the file comment */
    uint32_t *rank;      /* rank[a]: a's position in 'out' (not for
                          * self-arcs) */

    uint32_t *cable; /* cable[a]: a's cable, TOPO_GRAPH_NONE for a
                      * self-arc */
    size_t n_cables;
    uint32_t *adj_start; /* n_nodes + 1 offsets into the two below */
    uint32_t *adj_node;  /* neighbour across each cable end */
    uint32_t *adj_cable; /* the cable */
};

/* A sort key: four fields compared in order, then the index it stands for
 * (an arc or a cable), so that equal keys still sort the same way. */
struct sort_key {
    uint32_t k[4];
    uint32_t idx;
};

static int
sort_key_cmp(const void *a_, const void *b_)
{
    const struct sort_key *a = a_;
    const struct sort_key *b = b_;

    for (int i = 0; i < 4; i++) {
        if (a->k[i] != b->k[i]) {
            return a->k[i] < b->k[i] ? -1 : 1;
        }
    }
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Sorts the 'n' keys of 'keys': by insertion when they are few (a node's
 * arcs, typically), else with qsort(). */
static void
sort_keys(struct sort_key *keys, size_t n)
{
    if (n > 16) {
        qsort(keys, n, sizeof *keys, sort_key_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct sort_key key = keys[i];
        size_t j = i;
        for (; j > 0 && sort_key_cmp(&keys[j - 1], &key) > 0; j--) {
            keys[j] = keys[j - 1];
        }
        keys[j] = key;
    }
}

static bool
sort_key_same(const struct sort_key *a, const struct sort_key *b)
{
    return !memcmp(a->k, b->k, sizeof a->k);
}

static void
sort_key_set(struct sort_key *key, uint32_t k0, uint32_t k1, uint32_t k2,
             uint32_t k3, uint32_t idx)
{
    key->k[0] = k0;
    key->k[1] = k1;
    key->k[2] = k2;
    key->k[3] = k3;
    key->idx = idx;
}

/* Allocates an array of 'n' elements of 'size' bytes (at least one, so
 * that an empty array is not mistaken for a failure), or NULL. */
static void *
alloc_array(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* Sorts the 'n' keys of 'keys', whose k[0] is a node < 'n_nodes', into
 * 'sorted', stores each node's first position in 'start' ('n_nodes' + 1
 * entries) and, unless 'list' is null, the keys' indices in 'list'. */
static void
build_rows(const struct sort_key *keys, struct sort_key *sorted, size_t n,
           size_t n_nodes, uint32_t *start, uint32_t *list)
{
    memset(start, 0, (n_nodes + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++) {
        start[keys[i].k[0] + 1]++;
    }
    for (size_t u = 0; u < n_nodes; u++) {
        start[u + 1] += start[u];
    }
    /* Place each key at its node's cursor, which leaves start[u] at the
     * end of node u's row, then move the starts back. */
    for (size_t i = 0; i < n; i++) {
        sorted[start[keys[i].k[0]]++] = keys[i];
    }
    for (size_t u = n_nodes; u > 0; u--) {
        start[u] = start[u - 1];
    }
    start[0] = 0;

    for (size_t u = 0; u < n_nodes; u++) {
        sort_keys(&sorted[start[u]], start[u + 1] - start[u]);
    }
    for (size_t i = 0; list && i < n; i++) {
        list[i] = sorted[i].idx;
    }
}

/* Builds 'g''s cables and their per-node table from its arcs, with 'keys'
 * and 'sorted' (room for 2 * n_arcs each) as scratch. */
static void
build_cables(struct topo_graph *g, struct sort_key *keys,
             struct sort_key *sorted)
{
    size_t n_keys = 0;
    for (size_t a = 0; a < g->n_arcs; a++) {
        const struct topo_arc *arc = &g->arcs[a];
        g->cable[a] = TOPO_GRAPH_NONE;
        if (arc->from == arc->to) {
            continue;
        }
        if (arc->from < arc->to) {
            sort_key_set(&keys[n_keys++], arc->from, arc->from_port, arc->to,
                         arc->to_port, a);
        } else {
            sort_key_set(&keys[n_keys++], arc->to, arc->to_port, arc->from,
                         arc->from_port, a);
        }
    }
    /* Repeats of one cable end up side by side ('adj_start' serves as
     * scratch here); each new one gives two ends, stored in 'keys'. */
    build_rows(keys, sorted, n_keys, g->n_nodes, g->adj_start, NULL);
    size_t n_cables = 0, n_ends = 0;
    for (size_t i = 0; i < n_keys; i++) {
        const struct sort_key *key = &sorted[i];
        if (i == 0 || !sort_key_same(key, &sorted[i - 1])) {
            uint32_t c = n_cables++;
            sort_key_set(&keys[n_ends++], key->k[0], key->k[1], key->k[2],
                         key->k[3], c);
            sort_key_set(&keys[n_ends++], key->k[2], key->k[3], key->k[0],
                         key->k[1], c);
        }
        g->cable[key->idx] = n_cables - 1;
    }
    g->n_cables = n_cables;

    build_rows(keys, sorted, n_ends, g->n_nodes, g->adj_start, g->adj_cable);
    for (size_t i = 0; i < n_ends; i++) {
        g->adj_node[i] = sorted[i].k[2];
    }
}

/* Builds the graph of 'n_nodes' nodes (at most UINT32_MAX) and the 'n_arcs'
 * arcs of 'arcs' (at most UINT32_MAX / 2, so that an arc index is never
 * TOPO_GRAPH_NONE and the two ends of every cable fit a uint32_t offset).
 * The arcs are copied; a weight that is negative or not a number is taken
 * as 0.  Returns NULL when an arc names a node >= 'n_nodes', when a count
 * is out of range, or without memory.  The caller frees the graph with
 * topo_graph_destroy().  O(V + E log E), and O(V + E) when no node has
 * many arcs. */
struct topo_graph *
topo_graph_create(size_t n_nodes, const struct topo_arc *arcs, size_t n_arcs)
{
    if ((uint64_t) n_nodes > UINT32_MAX || n_arcs > UINT32_MAX / 2 ||
        (n_arcs && !arcs)) {
        return NULL;
    }
    for (size_t a = 0; a < n_arcs; a++) {
        if (arcs[a].from >= n_nodes || arcs[a].to >= n_nodes) {
            return NULL;
        }
    }

    struct sort_key *keys = alloc_array(2 * n_arcs, sizeof *keys);
    struct sort_key *sorted = alloc_array(2 * n_arcs, sizeof *sorted);
    struct topo_graph *g = calloc(1, sizeof *g);
    if (!keys || !sorted || !g) {
        goto error;
    }
    g->n_nodes = n_nodes;
    g->n_arcs = n_arcs;
    g->arcs = alloc_array(n_arcs, sizeof *g->arcs);
    g->out_start = alloc_array(n_nodes + 1, sizeof *g->out_start);
    g->out = alloc_array(n_arcs, sizeof *g->out);
    g->in_start = alloc_array(n_nodes + 1, sizeof *g->in_start);
    g->in = alloc_array(n_arcs, sizeof *g->in);
    g->rank = alloc_array(n_arcs, sizeof *g->rank);
    g->cable = alloc_array(n_arcs, sizeof *g->cable);
    g->adj_start = alloc_array(n_nodes + 1, sizeof *g->adj_start);
    g->adj_node = alloc_array(2 * n_arcs, sizeof *g->adj_node);
    g->adj_cable = alloc_array(2 * n_arcs, sizeof *g->adj_cable);
    if (!g->arcs || !g->out_start || !g->out || !g->in_start || !g->in ||
        !g->rank || !g->cable || !g->adj_start || !g->adj_node ||
        !g->adj_cable) {
        goto error;
    }

    if (n_arcs) {
        memcpy(g->arcs, arcs, n_arcs * sizeof *arcs);
    }
    size_t n_keys = 0;
    for (size_t a = 0; a < n_arcs; a++) {
        struct topo_arc *arc = &g->arcs[a];
        if (!(arc->weight >= 0)) {
            arc->weight = 0;
        }
        g->rank[a] = TOPO_GRAPH_NONE;
        if (arc->from != arc->to) {
            sort_key_set(&keys[n_keys++], arc->from, arc->from_port, arc->to,
                         arc->to_port, a);
        }
    }
    build_rows(keys, sorted, n_keys, n_nodes, g->out_start, g->out);
    for (size_t i = 0; i < n_keys; i++) {
        g->rank[g->out[i]] = i;
    }

    n_keys = 0;
    for (size_t a = 0; a < n_arcs; a++) {
        const struct topo_arc *arc = &g->arcs[a];
        if (arc->from != arc->to) {
            sort_key_set(&keys[n_keys++], arc->to, arc->to_port, arc->from,
                         arc->from_port, a);
        }
    }
    build_rows(keys, sorted, n_keys, n_nodes, g->in_start, g->in);

    build_cables(g, keys, sorted);

    free(sorted);
    free(keys);
    return g;

error:
    topo_graph_destroy(g);
    free(sorted);
    free(keys);
    return NULL;
}

/* Frees 'g' and everything it holds (NULL is ignored). */
void
topo_graph_destroy(struct topo_graph *g)
{
    if (!g) {
        return;
    }
    free(g->arcs);
    free(g->out_start);
    free(g->out);
    free(g->in_start);
    free(g->in);
    free(g->rank);
    free(g->cable);
    free(g->adj_start);
    free(g->adj_node);
    free(g->adj_cable);
    free(g);
}

/* Returns the number of nodes 'g' was created with. */
size_t
topo_graph_n_nodes(const struct topo_graph *g)
{
    return g->n_nodes;
}

/* Returns the number of arcs 'g' was created with, self-arcs included. */
size_t
topo_graph_n_arcs(const struct topo_graph *g)
{
    return g->n_arcs;
}

/* ---- fewest hops ---- */

/* Breadth-first search from 'dst' over the reversed arcs of 'g': sets
 * 'dist[u]' to the number of arcs of a fewest-hop path from u to 'dst', or
 * UNSEEN.  Stops as soon as 'stop' is reached (pass UINT32_MAX to search
 * everything); the distances below dist[stop] are then all final.  'queue'
 * has room for every node. */
static void
bfs_to(const struct topo_graph *g, uint32_t dst, uint32_t stop, uint32_t *dist,
       uint32_t *queue)
{
    for (size_t u = 0; u < g->n_nodes; u++) {
        dist[u] = UNSEEN;
    }
    size_t head = 0, tail = 0;
    dist[dst] = 0;
    queue[tail++] = dst;
    if (dst == stop) {
        return;
    }
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint32_t i = g->in_start[v]; i < g->in_start[v + 1]; i++) {
            uint32_t u = g->arcs[g->in[i]].from;
            if (dist[u] == UNSEEN) {
                dist[u] = dist[v] + 1;
                if (u == stop) {
                    return;
                }
                queue[tail++] = u;
            }
        }
    }
}

/* Returns the lowest-ranked arc out of 'u' into a node one hop closer to
 * the destination of 'dist' (as bfs_to() left it), or TOPO_GRAPH_NONE when
 * 'u' is the destination or cannot reach it. */
static uint32_t
bfs_first_arc(const struct topo_graph *g, uint32_t u, const uint32_t *dist)
{
    if (dist[u] == UNSEEN || dist[u] == 0) {
        return TOPO_GRAPH_NONE;
    }
    for (uint32_t i = g->out_start[u]; i < g->out_start[u + 1]; i++) {
        uint32_t a = g->out[i];
        if (dist[g->arcs[a].to] == dist[u] - 1) {
            return a;
        }
    }
    return TOPO_GRAPH_NONE; /* not reached: dist[u] came from such an arc */
}

static bool
path_by_hops(const struct topo_graph *g, uint32_t src, uint32_t dst,
             uint32_t *path, size_t max, size_t *n_arcs)
{
    uint32_t *work = alloc_array(g->n_nodes, 2 * sizeof *work);
    if (!work) {
        return false;
    }
    uint32_t *dist = work;
    uint32_t *queue = work + g->n_nodes;
    bfs_to(g, dst, src, dist, queue);

    bool ok = dist[src] != UNSEEN;
    if (ok) {
        size_t n = 0;
        for (uint32_t u = src; u != dst; n++) {
            uint32_t a = bfs_first_arc(g, u, dist);
            if (n < max) {
                path[n] = a;
            }
            u = g->arcs[a].to;
        }
        *n_arcs = n;
    }
    free(work);
    return ok;
}

/* ---- least weight, then fewest hops ---- */

/* Dijkstra's search from the destination over the reversed arcs, with an
 * indexed binary heap of the nodes reached but not yet final.  A heap entry
 * carries its node's key, so that sifting reads only the heap. */
struct heap_entry {
    double dist;
    uint32_t hops;
    uint32_t node;
};

struct dijkstra {
    const struct topo_graph *g;
    double *dist;   /* least weight to the destination */
    uint32_t *hops; /* arcs on that path, UNSEEN when not reached */
    uint32_t *next; /* its first arc */
    uint32_t *pos;  /* pos[u]: u's place in 'heap', or NOT_IN_HEAP */
    struct heap_entry *heap;
    size_t n_heap;
};

/* The heap's order: (dist, hops, node). */
static bool
entry_less(const struct heap_entry *a, const struct heap_entry *b)
{
    if (a->dist != b->dist) {
        return a->dist < b->dist;
    }
    if (a->hops != b->hops) {
        return a->hops < b->hops;
    }
    return a->node < b->node;
}

static void
heap_place(struct dijkstra *d, size_t i, const struct heap_entry *e)
{
    d->heap[i] = *e;
    d->pos[e->node] = i;
}

static void
heap_up(struct dijkstra *d, size_t i)
{
    struct heap_entry e = d->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!entry_less(&e, &d->heap[parent])) {
            break;
        }
        heap_place(d, i, &d->heap[parent]);
        i = parent;
    }
    heap_place(d, i, &e);
}

static void
heap_down(struct dijkstra *d, size_t i)
{
    struct heap_entry e = d->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= d->n_heap) {
            break;
        }
        if (child + 1 < d->n_heap &&
            entry_less(&d->heap[child + 1], &d->heap[child])) {
            child++;
        }
        if (!entry_less(&d->heap[child], &e)) {
            break;
        }
        heap_place(d, i, &d->heap[child]);
        i = child;
    }
    heap_place(d, i, &e);
}

/* Sets the key of 'u' (new, or lower than it was) and sifts it up. */
static void
heap_set(struct dijkstra *d, uint32_t u, double dist, uint32_t hops)
{
    struct heap_entry e = {.dist = dist, .hops = hops, .node = u};
    size_t i = d->pos[u] == NOT_IN_HEAP ? d->n_heap++ : d->pos[u];

    d->dist[u] = dist;
    d->hops[u] = hops;
    heap_place(d, i, &e);
    heap_up(d, i);
}

static uint32_t
heap_pop(struct dijkstra *d)
{
    uint32_t u = d->heap[0].node;
    d->pos[u] = NOT_IN_HEAP;
    if (--d->n_heap > 0) {
        heap_place(d, 0, &d->heap[d->n_heap]);
        heap_down(d, 0);
    }
    return u;
}

/* Offers 'u' the path that starts with arc 'a' into the final node 'v'. */
static void
dijkstra_relax(struct dijkstra *d, uint32_t u, uint32_t v, uint32_t a)
{
    const struct topo_graph *g = d->g;
    double dist = d->dist[v] + g->arcs[a].weight;
    uint32_t hops = d->hops[v] + 1;

    if (d->hops[u] == UNSEEN) {
        d->next[u] = a;
        heap_set(d, u, dist, hops);
    } else if (d->pos[u] == NOT_IN_HEAP) {
        /* Final already: nothing that comes later is shorter. */
    } else if (dist < d->dist[u] ||
               (dist == d->dist[u] && hops < d->hops[u])) {
        d->next[u] = a;
        heap_set(d, u, dist, hops);
    } else if (dist == d->dist[u] && hops == d->hops[u] &&
               g->rank[a] < g->rank[d->next[u]]) {
        d->next[u] = a;
    }
}

static bool
path_by_latency(const struct topo_graph *g, uint32_t src, uint32_t dst,
                uint32_t *path, size_t max, size_t *n_arcs)
{
    size_t n = g->n_nodes;
    double *dist = alloc_array(n, sizeof *dist);
    struct heap_entry *heap = alloc_array(n, sizeof *heap);
    uint32_t *work = alloc_array(n, 3 * sizeof *work);
    if (!dist || !heap || !work) {
        free(dist);
        free(heap);
        free(work);
        return false;
    }
    struct dijkstra d = {
        .g = g,
        .dist = dist,
        .hops = work,
        .next = work + n,
        .pos = work + 2 * n,
        .heap = heap,
        .n_heap = 0,
    };
    for (size_t u = 0; u < n; u++) {
        d.hops[u] = UNSEEN;
        d.next[u] = TOPO_GRAPH_NONE;
        d.pos[u] = NOT_IN_HEAP;
    }

    heap_set(&d, dst, 0, 0);
    while (d.n_heap > 0) {
        uint32_t v = heap_pop(&d);
        if (v == src) {
            break;
        }
        for (uint32_t i = g->in_start[v]; i < g->in_start[v + 1]; i++) {
            uint32_t a = g->in[i];
            dijkstra_relax(&d, g->arcs[a].from, v, a);
        }
    }

    /* 'src' is final when it was reached: it was popped, or the search
     * ended with an empty heap. */
    bool ok = d.hops[src] != UNSEEN;
    if (ok) {
        size_t k = 0;
        for (uint32_t u = src; u != dst; k++) {
            uint32_t a = d.next[u];
            if (k < max) {
                path[k] = a;
            }
            u = g->arcs[a].to;
        }
        *n_arcs = k;
    }
    free(work);
    free(heap);
    free(dist);
    return ok;
}

/* ---- queries ---- */

/* Finds a shortest path from 'src' to 'dst' by 'metric' (see graph.h).
 * Among equally short paths it takes, at every node from 'src' on, the arc
 * with the lowest (from_port, to, to_port, arc index) that still starts a
 * shortest path, which is the arc topo_graph_toward() names for the hop
 * metric.  'path' may be NULL when 'max' is 0 (to learn the length only).
 * Returns false, with '*n_arcs' 0, when 'dst' is unreachable, a node is
 * out of range, 'metric' is unknown, or without memory. */
bool
topo_graph_path(const struct topo_graph *g, uint32_t src, uint32_t dst,
                enum sl_path_metric metric, uint32_t *path, size_t max,
                size_t *n_arcs)
{
    *n_arcs = 0;
    if (src >= g->n_nodes || dst >= g->n_nodes) {
        return false;
    }
    switch (metric) {
    case SL_PATH_HOPS:
        return path_by_hops(g, src, dst, path, max, n_arcs);
    case SL_PATH_LATENCY:
        return path_by_latency(g, src, dst, path, max, n_arcs);
    default:
        return false;
    }
}

/* Stores in 'next[u]', for every node u, the first arc of a fewest-hop path
 * from u to 'dst' (see graph.h): the arc with the lowest (from_port, to,
 * to_port, arc index) among those into a node one hop closer.  Returns
 * false, with every entry TOPO_GRAPH_NONE, when 'dst' is out of range or
 * without memory. */
bool
topo_graph_toward(const struct topo_graph *g, uint32_t dst, uint32_t *next)
{
    size_t n = g->n_nodes;
    for (size_t u = 0; u < n; u++) {
        next[u] = TOPO_GRAPH_NONE;
    }
    if (dst >= n) {
        return false;
    }
    uint32_t *work = alloc_array(n, 2 * sizeof *work);
    if (!work) {
        return false;
    }
    uint32_t *dist = work;
    uint32_t *queue = work + n;
    bfs_to(g, dst, UINT32_MAX, dist, queue);
    for (size_t u = 0; u < n; u++) {
        next[u] = bfs_first_arc(g, u, dist);
    }
    free(work);
    return true;
}

/* Returns true if node 'u' is a better root than node 'v': a smaller id,
 * or the same id (which the contract rules out) and a lower index.  A null
 * 'ids' orders the nodes by index. */
static bool
root_less(const uint64_t *ids, uint32_t u, uint32_t v)
{
    if (ids && ids[u] != ids[v]) {
        return ids[u] < ids[v];
    }
    return u < v;
}

/* Computes the spanning forest of the undirected view (see graph.h): each
 * component is grown breadth first from its node with the smallest
 * 'ids' value (a null 'ids' stands for the node indices), taking a node's
 * cables by ascending (local port, neighbour, remote port).  Sets
 * 'in_tree[a]' for every arc a of a chosen cable, self-arcs never.
 * Returns the number of cables chosen, or SIZE_MAX without memory (with
 * 'in_tree' all false).  O(V + E). */
size_t
topo_graph_tree(const struct topo_graph *g, const uint64_t *ids, bool *in_tree)
{
    size_t n = g->n_nodes;
    for (size_t a = 0; a < g->n_arcs; a++) {
        in_tree[a] = false;
    }
    if (n == 0) {
        return 0;
    }

    uint32_t *work = alloc_array(n, 2 * sizeof *work);
    uint8_t *seen = alloc_array(n, sizeof *seen);
    uint8_t *chosen = alloc_array(g->n_cables, sizeof *chosen);
    if (!work || !seen || !chosen) {
        free(work);
        free(seen);
        free(chosen);
        return SIZE_MAX;
    }
    uint32_t *queue = work;
    uint32_t *roots = work + n;

    /* First find the components and each one's root... */
    size_t n_roots = 0;
    for (size_t s = 0; s < n; s++) {
        if (seen[s]) {
            continue;
        }
        uint32_t root = s;
        size_t head = 0, tail = 0;
        seen[s] = 1;
        queue[tail++] = s;
        while (head < tail) {
            uint32_t u = queue[head++];
            if (root_less(ids, u, root)) {
                root = u;
            }
            for (uint32_t i = g->adj_start[u]; i < g->adj_start[u + 1]; i++) {
                uint32_t v = g->adj_node[i];
                if (!seen[v]) {
                    seen[v] = 1;
                    queue[tail++] = v;
                }
            }
        }
        roots[n_roots++] = root;
    }

    /* ...then grow each one's tree from its root. */
    size_t n_chosen = 0;
    for (size_t r = 0; r < n_roots; r++) {
        size_t head = 0, tail = 0;
        seen[roots[r]] = 2;
        queue[tail++] = roots[r];
        while (head < tail) {
            uint32_t u = queue[head++];
            for (uint32_t i = g->adj_start[u]; i < g->adj_start[u + 1]; i++) {
                uint32_t v = g->adj_node[i];
                if (seen[v] != 2) {
                    seen[v] = 2;
                    chosen[g->adj_cable[i]] = 1;
                    n_chosen++;
                    queue[tail++] = v;
                }
            }
        }
    }

    for (size_t a = 0; a < g->n_arcs; a++) {
        in_tree[a] = g->cable[a] != TOPO_GRAPH_NONE && chosen[g->cable[a]];
    }
    free(work);
    free(seen);
    free(chosen);
    return n_chosen;
}
