/* graph: shortest paths and a spanning forest over the switch graph.
 *
 * Sits under topology/topo.c, which numbers its switches 0..n-1 and hands
 * the discovered links over as arcs; nothing here knows of datapath ids,
 * ports as OpenFlow objects, time or events, so it is tested alone against
 * brute-force references on generated graphs.
 *
 * A graph is built once per topology version (O(V + E log E)) and then
 * answered many times: paths by hop count (breadth-first search) or by
 * weight (Dijkstra with a binary heap; weights are >= 0), the next arc
 * toward a destination from every node at once, and a spanning forest of
 * the undirected view (the "cables"), which the topology turns into the
 * ports a flood may use.
 *
 * Arcs keep the caller's indices: every result names arcs by their index
 * in the array given to topo_graph_create().  Ties are broken the same way
 * for the same set of arcs, whatever their order: a node's first arc on a
 * path is the lowest (from_port, to, to_port, arc index) that still starts
 * a shortest path, and the tree takes a node's cables by (local port,
 * neighbour, remote port); so a recomputation over an unchanged network
 * gives the same answers, and paths and next hops agree. */
#ifndef TOPOLOGY_GRAPH_H
#define TOPOLOGY_GRAPH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sluice/topo.h"

#define TOPO_GRAPH_NONE UINT32_MAX

/* One directed arc: out of node 'from' by port 'from_port', into node 'to'
 * at port 'to_port'.  Self-arcs (from == to) are allowed and ignored by
 * every algorithm. */
struct topo_arc {
    uint32_t from, to;
    uint32_t from_port, to_port;
    double weight; /* >= 0: the link's latency (SL_PATH_LATENCY) */
};

struct topo_graph;

/* Builds the graph of 'n_nodes' nodes and the 'n_arcs' arcs of 'arcs'
 * (copied; every 'from' and 'to' must be < n_nodes, else NULL).  Returns
 * NULL without memory. */
struct topo_graph *topo_graph_create(size_t n_nodes,
                                     const struct topo_arc *arcs,
                                     size_t n_arcs);
/* Frees 'g' (NULL is ignored). */
void topo_graph_destroy(struct topo_graph *g);

size_t topo_graph_n_nodes(const struct topo_graph *g);
size_t topo_graph_n_arcs(const struct topo_graph *g);

/* Finds a shortest path from 'src' to 'dst' by 'metric' (SL_PATH_HOPS:
 * fewest arcs; SL_PATH_LATENCY: least sum of weights, then fewest arcs).
 * Stores the indices of its arcs, in order from 'src', in 'path' (up to
 * 'max' of them) and their number in '*n_arcs' (which may exceed 'max';
 * 0 when src == dst).  Returns false when 'dst' is unreachable or a node
 * is out of range ('*n_arcs' is then 0).  O(V + E) for hops, O((V + E)
 * log V) for latency; allocates its work arrays. */
bool topo_graph_path(const struct topo_graph *g, uint32_t src, uint32_t dst,
                     enum sl_path_metric metric, uint32_t *path, size_t max,
                     size_t *n_arcs);

/* For every node u, stores in 'next[u]' the index of the first arc of a
 * fewest-hop path from u to 'dst', or TOPO_GRAPH_NONE when u is 'dst' or
 * cannot reach it ('next' has topo_graph_n_nodes() entries).  One
 * breadth-first search over the reversed arcs.  Returns false when 'dst'
 * is out of range or without memory ('next' then all NONE). */
bool topo_graph_toward(const struct topo_graph *g, uint32_t dst,
                       uint32_t *next);

/* Computes a spanning forest of the undirected view: nodes u and v are
 * joined by a cable (u, from_port, v, to_port) when there is an arc
 * u:from_port -> v:to_port or v:to_port -> u:from_port (both directions of
 * one cable are one edge; parallel cables between the same two nodes are
 * distinct edges).  Each component is rooted at its node with the smallest
 * 'ids' value ('ids' has one entry per node; ids are distinct) and grown
 * breadth first, taking a node's cables by ascending port.  Sets
 * 'in_tree[a]' (one entry per arc) for every arc whose cable is in the
 * forest, false for the others, and returns the number of cables in the
 * forest (n_nodes minus the number of components).  Returns SIZE_MAX
 * without memory ('in_tree' then all false). */
size_t topo_graph_tree(const struct topo_graph *g, const uint64_t *ids,
                       bool *in_tree);

#endif /* TOPOLOGY_GRAPH_H */
