/* sb-topo: the topologies sluice-bench's fabric mode emulates.
 *
 * A topology is a set of switches (index 0..n-1; the emulator gives
 * switch i the datapath id i + 1) with numbered ports, and undirected
 * links between (switch, port) pairs.  Ports 1..n_link_ports of each
 * switch carry its links in the order they were made; then come
 * 'hosts_per_switch' edge ports with no peer.  No I/O except reading a
 * topology file; no threads. */
#ifndef SB_TOPO_H
#define SB_TOPO_H 1

#include <stddef.h>
#include <stdint.h>

/* One end of a link. */
struct sb_end {
    uint32_t sw;   /* switch index */
    uint32_t port; /* 1-based port number */
};

struct sb_link {
    struct sb_end a, b;
};

/* Per switch: its ports, and each port's peer. */
struct sb_topo_switch {
    uint32_t n_ports;     /* link ports + host ports */
    struct sb_end *peers; /* [n_ports]; peers[p - 1] is port p's peer:
                           * sw == UINT32_MAX for an edge port */
};

struct sb_topo {
    char *name;       /* canonical spec, e.g. "tree,3,2" */
    uint32_t n_switches;
    struct sb_topo_switch *switches; /* [n_switches] */
    size_t n_links;                  /* undirected */
    struct sb_link *links;           /* [n_links] */
};

/* Builds a topology from 'spec':
 *   linear,N            N switches in a line (N >= 1)
 *   ring,N              a cycle of N switches (N >= 3)
 *   tree,D,F            depth D (>= 1) and fanout F (>= 1), like Mininet's
 *                       TreeTopo: (F^D - 1) / (F - 1) switches
 *                       (D switches when F == 1)
 *   fattree,K           a K-ary fat tree (K even, >= 2): (K/2)^2 core,
 *                       K pods of K/2 aggregation + K/2 edge switches
 *   random,N,D[,SEED]   a connected random graph of N switches with mean
 *                       degree about D (a random spanning tree plus random
 *                       extra links, no duplicates, no self-loops), the
 *                       same graph for the same SEED (default 1)
 *   file:PATH           an edge list ("A B" or "A:PA B:PB" per line,
 *                       switch numbers are dpids 1..N, '#' comments) or,
 *                       if PATH ends in .yaml/.yml, YAML
 *                       {switches: N, links: [[A, B], ...]} (or
 *                       [["A:PA", "B:PB"], ...])
 * then gives every switch 'hosts_per_switch' edge ports after its link
 * ports.  Limits: at most 1,000,000 switches and 10,000,000 links; a port
 * number given in a file must not be used twice.  On success returns 0
 * and sets '*topop' (free with sb_topo_destroy()).  On failure returns
 * EINVAL (or ENOMEM, or the errno of opening the file) and writes a
 * one-line message naming the problem (and the file line) to 'err'. */
int sb_topo_build(const char *spec, uint32_t hosts_per_switch,
                  struct sb_topo **topop, char *err, size_t errlen);

void sb_topo_destroy(struct sb_topo *);

/* The peer of 'port' (1-based) of switch 'sw': returns 1 and sets '*peer',
 * or 0 for an edge port or a port or switch out of range.  O(1). */
int sb_topo_peer(const struct sb_topo *, uint32_t sw, uint32_t port,
                 struct sb_end *peer);

#endif /* SB_TOPO_H */
