/* l3_routing: a distributed IPv4/IPv6 router, as a Sluice app.
 *
 * Every connected switch is one port group of a single router: the same
 * flows go on every switch, in pipeline table "l3" (between the acl and
 * l2 forwarding).  The router has interfaces from the config (or REST),
 * each a set of "dpid:port"s or a VLAN, with a gateway IPv4 and/or IPv6
 * address and a MAC; connected routes (one per interface subnet) and
 * static routes (prefix -> next hop inside an interface subnet).
 *
 * Flows in "l3" (every switch, stated at SWITCH_UP and re-stated as a
 * difference on every change):
 *   - control, priority 40000, output to the controller: ARP requests for
 *     a gateway, ARP to a router MAC, IPv4 to a gateway, NS for a gateway,
 *     NA to a router MAC, IPv6 to a gateway;
 *   - routes, priority 1000 + prefix length, only for frames sent to a
 *     router MAC (one copy per distinct router MAC; two, untagged and
 *     tagged, when a VLAN interface exists): to a resolved neighbour (host
 *     routes /32 and /128 of every resolved neighbour, static routes via a
 *     resolved next hop) they rewrite the Ethernet addresses, fix the VLAN
 *     tag for the egress interface, decrement the TTL and go to table
 *     "l2", which delivers the frame to the neighbour's MAC; otherwise
 *     (connected subnets, static routes with an unresolved next hop) they
 *     send the packet to the controller.
 *
 * The controller path answers ARP and NS for the gateways (from the
 * interface MAC), ICMP and ICMPv6 echo requests to them, learns
 * neighbours from the ARP and ND it sees (senders inside the subnet of the
 * interface the frame came in on), and routes packets that reached it: a
 * resolved destination gets the packet at once (rewritten here, TTL and
 * checksum included); an unresolved one queues it (per destination, at
 * most 'max_pending' packets in all, the oldest dropped first) and is
 * resolved with ARP or NS (3 requests 1 s apart, then the queue is
 * dropped).  Resolved neighbours are probed again (unicast) after
 * 'arp_timeout' and forgotten if they do not answer.
 *
 * Frames built by the controller leave as follows.  Toward a port
 * interface they are untagged: replies go back out of OFPP_IN_PORT,
 * requests out of every listed port, packets for a neighbour out of the
 * port where it was last heard.  Toward a VLAN interface they are tagged
 * and go through the pipeline (OFPP_TABLE, in_port OFPP_CONTROLLER) so
 * that l2 forwarding delivers or floods them on the VLAN with its own
 * knowledge of tagged and untagged member ports.
 *
 * REST under /api/v1/apps/l3_routing: interfaces, routes, neighbors.
 * Metrics: sluice_l3_routing_*. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"
#include "app-json.h"
#include "app-util.h"

#define L3_MAX_IFACES 64      /* interfaces */
#define L3_MAX_PORTS 256      /* "dpid:port"s of one interface */
#define L3_MAX_ROUTES 1024    /* static routes */
#define L3_MAX_NEIGHBORS 4096 /* neighbour entries, resolving ones too */
#define L3_NB_BUCKETS 1024
#define L3_TRIES 3     /* requests before giving up */
#define L3_RETRY 1.0   /* seconds between them */
#define L3_DELAY 0.001 /* coalescing recomputes */
#define L3_PRIO_CTL 40000
#define L3_PRIO_ROUTE 1000
#define L3_MAX_IP 9216 /* longest IP packet routed or queued */
#define L3_SCRATCH (L3_MAX_IP + 64)
#define L3_JSON_TOKS 1024
#define L3_ERR 256 /* error message buffers */
#define L3_DEF_ARP_TIMEOUT 300
#define L3_DEF_MAX_PENDING 256

static const struct sl_host *host;

/* ---- addresses ---- */

/* An IPv4 (af 4, bytes 0..3) or IPv6 (af 6) address in network order;
 * af 0: none.  Unused bytes are zero, so memcmp compares. */
struct l3_addr {
    uint8_t af;
    uint8_t b[16];
};

static size_t
l3_alen(int af)
{
    return af == 4 ? 4 : 16;
}

static unsigned
l3_abits(int af)
{
    return af == 4 ? 32 : 128;
}

static bool
l3_addr_eq(const struct l3_addr *a, const struct l3_addr *b)
{
    return a->af == b->af && !memcmp(a->b, b->b, 16);
}

static uint32_t
l3_addr_u32(const struct l3_addr *a)
{
    return ((uint32_t) a->b[0] << 24 | (uint32_t) a->b[1] << 16 |
            (uint32_t) a->b[2] << 8 | a->b[3]);
}

static struct l3_addr
l3_addr4(uint32_t v)
{
    struct l3_addr a = {.af = 4};

    a.b[0] = (uint8_t) (v >> 24);
    a.b[1] = (uint8_t) (v >> 16);
    a.b[2] = (uint8_t) (v >> 8);
    a.b[3] = (uint8_t) v;
    return a;
}

static struct l3_addr
l3_addr6(const uint8_t *b)
{
    struct l3_addr a = {.af = 6};

    memcpy(a.b, b, 16);
    return a;
}

/* True if the first 'plen' bits of 'a' and 'p' are equal. */
static bool
l3_prefix_has(const uint8_t *p, unsigned plen, const uint8_t *a)
{
    unsigned whole = plen / 8, rest = plen % 8;

    if (memcmp(p, a, whole)) {
        return false;
    }
    if (rest) {
        uint8_t m = (uint8_t) (0xff << (8 - rest));
        return !((p[whole] ^ a[whole]) & m);
    }
    return true;
}

/* Zeroes the bits of 'a' after the first 'plen'. */
static void
l3_mask(struct l3_addr *a, unsigned plen)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bit = i * 8;
        if (bit >= plen) {
            a->b[i] = 0;
        } else if (plen - bit < 8) {
            a->b[i] &= (uint8_t) (0xff << (8 - (plen - bit)));
        }
    }
}

/* True if every bit of 'a' after the first 'plen' is 'one'. */
static bool
l3_host_bits_all(const struct l3_addr *a, unsigned plen, bool one)
{
    unsigned n = l3_abits(a->af);

    for (unsigned i = plen; i < n; i++) {
        bool bit = (a->b[i / 8] >> (7 - i % 8)) & 1;
        if (bit != one) {
            return false;
        }
    }
    return true;
}

static void
l3_addr_str(const struct l3_addr *a, char *buf, size_t cap)
{
    if (!a->af || !inet_ntop(a->af == 4 ? AF_INET : AF_INET6, a->b, buf,
                             (socklen_t) cap)) {
        snprintf(buf, cap, "?");
    }
}

static void
l3_prefix_str(const struct l3_addr *a, unsigned plen, char *buf, size_t cap)
{
    char s[INET6_ADDRSTRLEN];

    l3_addr_str(a, s, sizeof s);
    snprintf(buf, cap, "%s/%u", s, plen);
}

static bool
l3_mac_unicast(const uint8_t *mac)
{
    static const uint8_t zero[6];

    return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

/* Parses an address (either family) from 's'. */
static bool
l3_parse_addr(const char *s, struct l3_addr *a)
{
    memset(a, 0, sizeof *a);
    if (strchr(s, ':')) {
        a->af = 6;
        return inet_pton(AF_INET6, s, a->b) == 1;
    }
    a->af = 4;
    return inet_pton(AF_INET, s, a->b) == 1;
}

/* Parses "ADDR/LEN" into 'a' and '*plen'.  Returns false with a message
 * in 'err'. */
static bool
l3_parse_cidr(const char *s, struct l3_addr *a, unsigned *plen, char *err,
              size_t errlen)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t) (slash - s) : 0;
    unsigned len = 0;

    if (!slash || !n || n >= sizeof buf) {
        snprintf(err, errlen, "'%s' is not ADDRESS/LENGTH", s);
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!l3_parse_addr(buf, a)) {
        snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", buf);
        return false;
    }
    const char *p = slash + 1;
    if (!*p || strlen(p) > 3) {
        snprintf(err, errlen, "'%s': bad prefix length", s);
        return false;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9') {
            snprintf(err, errlen, "'%s': bad prefix length", s);
            return false;
        }
        len = len * 10 + (unsigned) (*p - '0');
    }
    if (len > l3_abits(a->af)) {
        snprintf(err, errlen, "'%s': prefix length above %u", s,
                 l3_abits(a->af));
        return false;
    }
    *plen = len;
    return true;
}

static bool
l3_parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;

    if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1],
                                  &v[2], &v[3], &v[4], &v[5], &tail) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (s[i * 3] == ' ' || s[i * 3] == '+' || s[i * 3] == '-' ||
            s[i * 3 + 1] == ' ' || (i < 5 && s[i * 3 + 2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t) v[i];
    }
    return true;
}

/* ---- configuration ---- */

struct l3_port {
    uint64_t dpid;
    uint32_t port;
};

struct l3_iface {
    char name[32];
    uint16_t vlan; /* 1..4094: a VLAN interface; 0: ports */
    size_t n_ports;
    struct l3_port *ports; /* port interface: where it is */
    struct l3_addr gw4;    /* af 0: no IPv4 */
    unsigned len4;
    struct l3_addr gw6; /* af 0: no IPv6 */
    unsigned len6;
    bool has_mac; /* 'mac' set; else the router's */
    uint8_t mac[6];
    uint32_t id4, id6; /* ids of its connected routes */
};

struct l3_sroute {
    uint32_t id;
    struct l3_addr prefix; /* host bits zero */
    unsigned plen;
    struct l3_addr nh;
};

struct l3_conf {
    uint8_t router_mac[6];
    unsigned long arp_timeout;
    unsigned long max_pending;
    size_t n_ifaces;
    struct l3_iface *ifaces;
    size_t n_routes;
    struct l3_sroute *routes;
};

static const uint8_t l3_default_mac[6] = {0x02, 0x5c, 0, 0, 0, 1};

static const uint8_t *
l3_iface_mac(const struct l3_conf *c, const struct l3_iface *ifc)
{
    return ifc->has_mac ? ifc->mac : c->router_mac;
}

static const struct l3_addr *
l3_iface_gw(const struct l3_iface *ifc, int af, unsigned *plen)
{
    const struct l3_addr *gw = af == 4 ? &ifc->gw4 : &ifc->gw6;

    if (plen) {
        *plen = af == 4 ? ifc->len4 : ifc->len6;
    }
    return gw->af ? gw : NULL;
}

static void
l3_iface_uninit(struct l3_iface *ifc)
{
    free(ifc->ports);
    ifc->ports = NULL;
    ifc->n_ports = 0;
}

static void
l3_conf_uninit(struct l3_conf *c)
{
    for (size_t i = 0; i < c->n_ifaces; i++) {
        l3_iface_uninit(&c->ifaces[i]);
    }
    free(c->ifaces);
    free(c->routes);
    memset(c, 0, sizeof *c);
}

static void
l3_conf_init(struct l3_conf *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->router_mac, l3_default_mac, 6);
    c->arp_timeout = L3_DEF_ARP_TIMEOUT;
    c->max_pending = L3_DEF_MAX_PENDING;
}

/* Deep-copies 'src' into 'dst' with room for one more interface and one
 * more route.  Returns false without memory ('dst' then empty). */
static bool
l3_conf_copy(struct l3_conf *dst, const struct l3_conf *src)
{
    *dst = *src;
    dst->ifaces = calloc(src->n_ifaces + 1, sizeof *dst->ifaces);
    dst->routes = calloc(src->n_routes + 1, sizeof *dst->routes);
    dst->n_ifaces = 0;
    if (!dst->ifaces || !dst->routes) {
        goto fail;
    }
    if (src->n_routes) { /* 'routes' is NULL without static routes */
        memcpy(dst->routes, src->routes,
               src->n_routes * sizeof *src->routes);
    }
    for (size_t i = 0; i < src->n_ifaces; i++) {
        struct l3_iface *d = &dst->ifaces[i];
        *d = src->ifaces[i];
        d->ports = NULL;
        if (d->n_ports) {
            d->ports = malloc(d->n_ports * sizeof *d->ports);
            if (!d->ports) {
                goto fail;
            }
            memcpy(d->ports, src->ifaces[i].ports,
                   d->n_ports * sizeof *d->ports);
        }
        dst->n_ifaces++;
    }
    return true;

fail:
    l3_conf_uninit(dst);
    return false;
}

/* The interface whose subnet holds 'a', or -1. */
static int
l3_iface_of(const struct l3_conf *c, const struct l3_addr *a)
{
    for (size_t i = 0; i < c->n_ifaces; i++) {
        unsigned plen;
        const struct l3_addr *gw = l3_iface_gw(&c->ifaces[i], a->af, &plen);
        if (gw && l3_prefix_has(gw->b, plen, a->b)) {
            return (int) i;
        }
    }
    return -1;
}

/* The interface whose gateway is 'a', or -1. */
static int
l3_iface_by_gw(const struct l3_conf *c, const struct l3_addr *a)
{
    for (size_t i = 0; i < c->n_ifaces; i++) {
        const struct l3_addr *gw = l3_iface_gw(&c->ifaces[i], a->af, NULL);
        if (gw && l3_addr_eq(gw, a)) {
            return (int) i;
        }
    }
    return -1;
}

static int
l3_iface_by_name(const struct l3_conf *c, const char *name)
{
    for (size_t i = 0; i < c->n_ifaces; i++) {
        if (!strcmp(c->ifaces[i].name, name)) {
            return (int) i;
        }
    }
    return -1;
}

/* True if 'a' may be a neighbour in a subnet 'gw'/'plen': not the subnet's
 * network or broadcast address (IPv4 /30 and shorter), not the IPv6
 * subnet-router anycast address, not the gateway. */
static bool
l3_host_ok(const struct l3_addr *gw, unsigned plen, const struct l3_addr *a)
{
    if (l3_addr_eq(gw, a)) {
        return false;
    }
    if (a->af == 4 && plen <= 30 &&
        (l3_host_bits_all(a, plen, false) ||
         l3_host_bits_all(a, plen, true))) {
        return false;
    }
    if (a->af == 6 && l3_host_bits_all(a, plen, false)) {
        return false;
    }
    return true;
}

/* l3_host_ok() for 'a' in the subnet of interface 'ifx' of 'c'. */
static bool
l3_iface_host_ok(const struct l3_conf *c, int ifx, const struct l3_addr *a)
{
    unsigned plen;
    const struct l3_addr *gw = l3_iface_gw(&c->ifaces[ifx], a->af, &plen);

    return gw && l3_host_ok(gw, plen, a);
}

static bool
l3_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 1 || n > 31) {
        return false;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')) {
            return false;
        }
    }
    return true;
}

/* Field setters shared by the YAML and JSON readers: each returns false
 * with a message (naming the field) in 'err'. */

static bool
l3_iface_set_name(struct l3_iface *ifc, const char *s, char *err,
                  size_t errlen)
{
    if (!l3_name_ok(s)) {
        snprintf(err, errlen, "name '%.40s': want 1..31 of [A-Za-z0-9_-]", s);
        return false;
    }
    memcpy(ifc->name, s, strlen(s) + 1);
    return true;
}

static bool
l3_iface_add_port(struct l3_iface *ifc, const char *s, char *err,
                  size_t errlen)
{
    char buf[64];
    const char *colon = strchr(s, ':');
    uint64_t dpid, port;

    if (!colon || strchr(colon + 1, ':') ||
        (size_t) (colon - s) >= sizeof buf) {
        snprintf(err, errlen, "ports: '%.40s' is not \"dpid:port\"", s);
        return false;
    }
    memcpy(buf, s, (size_t) (colon - s));
    buf[colon - s] = '\0';
    if (au_parse_u64(buf, UINT64_MAX, &dpid) || !dpid) {
        snprintf(err, errlen,
                 "ports: '%.40s': bad datapath id (decimal or "
                 "0x-hex, not 0)",
                 s);
        return false;
    }
    if (au_parse_u64(colon + 1, OFPP_MAX, &port) || !port) {
        snprintf(err, errlen, "ports: '%.40s': bad port number (1..%u)", s,
                 (unsigned) OFPP_MAX);
        return false;
    }
    for (size_t i = 0; i < ifc->n_ports; i++) {
        if (ifc->ports[i].dpid == dpid && ifc->ports[i].port == port) {
            snprintf(err, errlen, "ports: '%.40s' listed twice", s);
            return false;
        }
    }
    if (ifc->n_ports >= L3_MAX_PORTS) {
        snprintf(err, errlen, "ports: more than %d", L3_MAX_PORTS);
        return false;
    }
    struct l3_port *p =
        realloc(ifc->ports, (ifc->n_ports + 1) * sizeof *ifc->ports);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    ifc->ports = p;
    ifc->ports[ifc->n_ports++] = (struct l3_port){dpid, (uint32_t) port};
    return true;
}

static bool
l3_iface_set_vlan(struct l3_iface *ifc, uint64_t v, char *err, size_t errlen)
{
    if (v < 1 || v > 4094) {
        snprintf(err, errlen, "vlan: want 1..4094");
        return false;
    }
    ifc->vlan = (uint16_t) v;
    return true;
}

/* Sets the gateway of family 'af' (4: "ipv4", 6: "ipv6") from 's'. */
static bool
l3_iface_set_gw(struct l3_iface *ifc, int af, const char *s, char *err,
                size_t errlen)
{
    const char *field = af == 4 ? "ipv4" : "ipv6";
    struct l3_addr a;
    unsigned plen;
    char msg[L3_ERR];

    if (!l3_parse_cidr(s, &a, &plen, msg, sizeof msg)) {
        au_msgf(err, errlen, "%s: %s", field, msg);
        return false;
    }
    if (a.af != af) {
        snprintf(err, errlen, "%s: '%.60s' is not an IPv%d address", field, s,
                 af);
        return false;
    }
    if (af == 4) {
        uint32_t v = l3_addr_u32(&a);
        if (plen < 1 || plen > 31) {
            snprintf(err, errlen, "ipv4: '%.60s': prefix length 1..31", s);
            return false;
        }
        if ((v >> 24) == 0 || (v >> 24) == 127 || (v >> 28) >= 14) {
            snprintf(err, errlen, "ipv4: '%.60s' is not a unicast address", s);
            return false;
        }
        if (plen <= 30 && (l3_host_bits_all(&a, plen, false) ||
                           l3_host_bits_all(&a, plen, true))) {
            snprintf(err, errlen,
                     "ipv4: '%.60s': the gateway is the subnet's "
                     "%s address",
                     s,
                     l3_host_bits_all(&a, plen, false) ? "network"
                                                       : "broadcast");
            return false;
        }
        ifc->gw4 = a;
        ifc->len4 = plen;
    } else {
        static const uint8_t zero[16];
        static const uint8_t one[16] = {[15] = 1};
        if (plen < 1 || plen > 127) {
            snprintf(err, errlen, "ipv6: '%.60s': prefix length 1..127", s);
            return false;
        }
        if (a.b[0] == 0xff || !memcmp(a.b, zero, 16) ||
            !memcmp(a.b, one, 16)) {
            snprintf(err, errlen, "ipv6: '%.60s' is not a unicast address", s);
            return false;
        }
        if (l3_host_bits_all(&a, plen, false)) {
            snprintf(err, errlen,
                     "ipv6: '%.60s': the gateway is the subnet's "
                     "network (subnet-router anycast) address",
                     s);
            return false;
        }
        ifc->gw6 = a;
        ifc->len6 = plen;
    }
    return true;
}

static bool
l3_iface_set_mac(struct l3_iface *ifc, const char *s, char *err, size_t errlen)
{
    if (!l3_parse_mac(s, ifc->mac) || !l3_mac_unicast(ifc->mac)) {
        snprintf(err, errlen,
                 "mac: '%.40s' is not a unicast MAC "
                 "(aa:bb:cc:dd:ee:ff)",
                 s);
        return false;
    }
    ifc->has_mac = true;
    return true;
}

/* Checks what the setters cannot: the fields an interface needs. */
static bool
l3_iface_finish(const struct l3_iface *ifc, bool has_ports, bool has_vlan,
                char *err, size_t errlen)
{
    if (!ifc->name[0]) {
        snprintf(err, errlen, "name missing");
    } else if (has_ports == has_vlan) {
        snprintf(err, errlen, "want exactly one of 'ports' and 'vlan'");
    } else if (has_ports && !ifc->n_ports) {
        snprintf(err, errlen, "ports: empty");
    } else if (!ifc->gw4.af && !ifc->gw6.af) {
        snprintf(err, errlen, "want 'ipv4' or 'ipv6' (or both)");
    } else {
        return true;
    }
    return false;
}

/* Parses a static route. */
static bool
l3_route_parse(struct l3_sroute *r, const char *prefix, const char *nh,
               char *err, size_t errlen)
{
    char msg[L3_ERR];

    memset(r, 0, sizeof *r);
    if (!l3_parse_cidr(prefix, &r->prefix, &r->plen, msg, sizeof msg)) {
        au_msgf(err, errlen, "prefix: %s", msg);
        return false;
    }
    struct l3_addr net = r->prefix;
    l3_mask(&net, r->plen);
    if (!l3_addr_eq(&net, &r->prefix)) {
        char s[64];
        l3_prefix_str(&net, r->plen, s, sizeof s);
        snprintf(err, errlen,
                 "prefix: '%.60s' has host bits set (did you "
                 "mean %s?)",
                 prefix, s);
        return false;
    }
    if (!l3_parse_addr(nh, &r->nh)) {
        snprintf(err, errlen,
                 "next_hop: '%.60s' is not an IPv4 or IPv6 "
                 "address",
                 nh);
        return false;
    }
    if (r->nh.af != r->prefix.af) {
        snprintf(err, errlen,
                 "next_hop: '%.60s' is not of the prefix's "
                 "family",
                 nh);
        return false;
    }
    return true;
}

struct l3_port_owner {
    struct l3_port p;
    size_t ifx;
};

static int
l3_port_owner_cmp(const void *a_, const void *b_)
{
    const struct l3_port_owner *a = a_, *b = b_;

    if (a->p.dpid != b->p.dpid) {
        return a->p.dpid < b->p.dpid ? -1 : 1;
    }
    if (a->p.port != b->p.port) {
        return a->p.port < b->p.port ? -1 : 1;
    }
    return a->ifx < b->ifx ? -1 : a->ifx > b->ifx;
}

/* Checks that no port belongs to two interfaces (sorting them all). */
static bool
l3_ports_unique(const struct l3_conf *c, char *err, size_t errlen)
{
    struct l3_port_owner *v;
    size_t n = 0;
    bool ok = true;

    for (size_t i = 0; i < c->n_ifaces; i++) {
        n += c->ifaces[i].n_ports;
    }
    if (!n) {
        return true;
    }
    v = malloc(n * sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    n = 0;
    for (size_t i = 0; i < c->n_ifaces; i++) {
        for (size_t j = 0; j < c->ifaces[i].n_ports; j++) {
            v[n++] = (struct l3_port_owner){c->ifaces[i].ports[j], i};
        }
    }
    qsort(v, n, sizeof *v, l3_port_owner_cmp);
    for (size_t i = 1; ok && i < n; i++) {
        if (v[i].p.dpid == v[i - 1].p.dpid && v[i].p.port == v[i - 1].p.port) {
            snprintf(err, errlen,
                     "interface '%s': port %" PRIu64 ":%" PRIu32
                     " is interface '%s''s",
                     c->ifaces[v[i].ifx].name, v[i].p.dpid, v[i].p.port,
                     c->ifaces[v[i - 1].ifx].name);
            ok = false;
        }
    }
    free(v);
    return ok;
}

/* Checks a whole configuration: names, VLANs, ports and subnets unique,
 * every static route's next hop inside an interface subnet, no static
 * route twice or equal to a connected subnet.  Returns false with a
 * message naming the culprit. */
static bool
l3_conf_check(const struct l3_conf *c, char *err, size_t errlen)
{
    char s[64];

    if (c->n_ifaces > L3_MAX_IFACES) {
        snprintf(err, errlen, "more than %d interfaces", L3_MAX_IFACES);
        return false;
    }
    if (c->n_routes > L3_MAX_ROUTES) {
        snprintf(err, errlen, "more than %d routes", L3_MAX_ROUTES);
        return false;
    }
    for (size_t i = 0; i < c->n_ifaces; i++) {
        const struct l3_iface *a = &c->ifaces[i];
        for (size_t j = 0; j < i; j++) {
            const struct l3_iface *b = &c->ifaces[j];
            if (!strcmp(a->name, b->name)) {
                snprintf(err, errlen, "interface '%s': name used twice",
                         a->name);
                return false;
            }
            if (a->vlan && a->vlan == b->vlan) {
                snprintf(err, errlen,
                         "interface '%s': vlan %u is interface "
                         "'%s''s",
                         a->name, a->vlan, b->name);
                return false;
            }
            for (int af = 4; af <= 6; af += 2) {
                unsigned la, lb;
                const struct l3_addr *ga = l3_iface_gw(a, af, &la);
                const struct l3_addr *gb = l3_iface_gw(b, af, &lb);
                if (ga && gb &&
                    l3_prefix_has(ga->b, la < lb ? la : lb, gb->b)) {
                    struct l3_addr net = *gb;
                    l3_mask(&net, lb);
                    l3_prefix_str(&net, lb, s, sizeof s);
                    snprintf(err, errlen,
                             "interface '%s': its subnet "
                             "overlaps interface '%s''s (%s)",
                             a->name, b->name, s);
                    return false;
                }
            }
        }
    }
    if (!l3_ports_unique(c, err, errlen)) {
        return false;
    }
    for (size_t i = 0; i < c->n_routes; i++) {
        const struct l3_sroute *r = &c->routes[i];
        char nh[INET6_ADDRSTRLEN];
        int x = l3_iface_of(c, &r->nh);

        l3_prefix_str(&r->prefix, r->plen, s, sizeof s);
        l3_addr_str(&r->nh, nh, sizeof nh);
        if (x < 0) {
            snprintf(err, errlen,
                     "route %s: next hop %s is not inside any "
                     "interface subnet",
                     s, nh);
            return false;
        }
        unsigned plen;
        const struct l3_addr *gw = l3_iface_gw(&c->ifaces[x], r->nh.af, &plen);
        if (!l3_host_ok(gw, plen, &r->nh)) {
            snprintf(err, errlen,
                     "route %s: next hop %s is interface '%s''s "
                     "gateway, network or broadcast address",
                     s, nh, c->ifaces[x].name);
            return false;
        }
        for (size_t k = 0; k < c->n_ifaces; k++) {
            const struct l3_addr *g =
                l3_iface_gw(&c->ifaces[k], r->prefix.af, &plen);
            if (g && plen == r->plen &&
                l3_prefix_has(g->b, plen, r->prefix.b)) {
                snprintf(err, errlen,
                         "route %s: is interface '%s''s "
                         "connected subnet",
                         s, c->ifaces[k].name);
                return false;
            }
        }
        for (size_t j = 0; j < i; j++) {
            if (c->routes[j].plen == r->plen &&
                l3_addr_eq(&c->routes[j].prefix, &r->prefix)) {
                snprintf(err, errlen, "route %s: prefix routed twice", s);
                return false;
            }
        }
    }
    return true;
}

/* ---- state ---- */

enum l3_nstate {
    L3_N_INCOMPLETE, /* resolving: no MAC yet, packets may wait */
    L3_N_REACHABLE,  /* resolved, heard from within arp_timeout */
    L3_N_PROBE,      /* resolved but stale: unicast requests sent */
};

struct l3;
struct l3_pkt;

struct l3_neigh {
    struct l3_neigh *next; /* in its bucket */
    struct l3 *l3;
    struct l3_addr ip;
    int ifx; /* its interface (by subnet) */
    enum l3_nstate state;
    uint8_t mac[6]; /* REACHABLE, PROBE */
    uint64_t dpid;  /* where it was last heard (0: never) */
    uint32_t port;
    double confirmed;               /* when it was last heard */
    unsigned tries;                 /* requests sent in this round */
    bool unsent;                    /* the last request found no way out */
    struct sl_timer *timer;         /* retry, or expiry; always armed */
    struct l3_pkt *q_head, *q_tail; /* packets waiting, oldest first */
    size_t n_q;
};

/* A packet waiting for its destination's MAC: the IP packet as received
 * (TTL not yet decremented), and the PCP of its VLAN tag. */
struct l3_pkt {
    struct l3_pkt *gprev, *gnext; /* every waiting packet, oldest first */
    struct l3_pkt *next;          /* its neighbour's, oldest first */
    struct l3_neigh *n;
    uint8_t pcp;
    uint16_t len;
    uint8_t data[];
};

/* What a flow matches (its identity, with the priority).  Zero-filled
 * before use so that memcmp orders and compares. */
enum l3_fkind {
    L3_F_ARP_GW,  /* arp_op=1, arp_tpa=addr */
    L3_F_ARP_MAC, /* ARP, eth_dst=mac */
    L3_F_IP4_GW,  /* ipv4_dst=addr */
    L3_F_NS_GW,   /* NS, nd_target=addr */
    L3_F_NA_MAC,  /* NA, eth_dst=mac */
    L3_F_IP6_GW,  /* ipv6_dst=addr */
    L3_F_ROUTE,   /* ip dst addr/plen, eth_dst=mac, vlan */
};

enum l3_vmatch {
    L3_VM_ANY,      /* no vlan_vid match: no VLAN interface exists */
    L3_VM_UNTAGGED, /* vlan_vid=OFPVID_NONE */
    L3_VM_TAGGED,   /* vlan_vid=0x1000/0x1000 */
};

struct l3_fid {
    uint16_t priority;
    uint8_t kind;
    uint8_t vlan;
    uint8_t af;
    uint8_t plen;
    uint8_t mac[6];
    uint8_t addr[16];
};

/* What a route flow does: to the controller, or rewrite toward a
 * neighbour out of an interface. */
struct l3_fval {
    uint8_t to_controller;
    uint8_t pad;
    uint16_t egress_vid; /* 0: a port interface */
    uint8_t eth_src[6];
    uint8_t eth_dst[6];
};

struct l3_flow {
    struct l3_fid id;
    struct l3_fval val;
};

struct l3 {
    struct sl_ctx *ctx;
    int t_l3, t_l2;
    struct l3_conf conf;
    uint32_t next_id; /* of routes */

    struct l3_neigh *nb[L3_NB_BUCKETS];
    size_t n_neigh;    /* entries */
    size_t n_resolved; /* of which with a MAC */

    struct l3_pkt *q_head, *q_tail;
    size_t n_pending;

    struct l3_flow *flows; /* stated on every switch, sorted by id */
    size_t n_flows;
    uint64_t *dpids; /* switches we stated flows on */
    size_t n_dpids, cap_dpids;
    struct sl_timer *recompute;
    bool stopped;

    uint64_t arp_requests, nd_solicits, arp_replies, nd_adverts;
    uint64_t echo_replies, routed;
    uint64_t drop_queue_full, drop_unresolved, drop_ttl, drop_no_route;

    double rl_tokens, rl_last; /* rate limit of peer-triggered logs */

    uint8_t scratch[L3_SCRATCH];
};

/* Logs a line a peer can trigger: at most 10 in a burst, then 1 a
 * second. */
static void l3_log_rl(struct l3 *, enum sl_app_log_level, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
l3_log_rl(struct l3 *l3, enum sl_app_log_level level, const char *fmt, ...)
{
    double now = host->now(l3->ctx);
    char buf[400];
    va_list args;

    l3->rl_tokens += now - l3->rl_last;
    l3->rl_last = now;
    if (l3->rl_tokens > 10) {
        l3->rl_tokens = 10;
    }
    if (l3->rl_tokens < 1 || !host->log_enabled(l3->ctx, level)) {
        return;
    }
    l3->rl_tokens -= 1;
    va_start(args, fmt);
    vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    host->log(l3->ctx, level, "%s", buf);
}

/* ---- flows ---- */

struct l3_flowbuf {
    struct l3_flow *v;
    size_t n, cap;
    bool oom;
};

static void
l3_fb_push(struct l3_flowbuf *fb, const struct l3_flow *f)
{
    if (fb->oom) {
        return;
    }
    if (fb->n == fb->cap) {
        size_t cap = fb->cap ? 2 * fb->cap : 64;
        struct l3_flow *v = realloc(fb->v, cap * sizeof *v);
        if (!v) {
            fb->oom = true;
            return;
        }
        fb->v = v;
        fb->cap = cap;
    }
    fb->v[fb->n++] = *f;
}

static int
l3_flow_cmp(const void *a_, const void *b_)
{
    const struct l3_flow *a = a_, *b = b_;

    return memcmp(&a->id, &b->id, sizeof a->id);
}

/* The distinct MACs of the interfaces with an address of family 'af'. */
static size_t
l3_router_macs(const struct l3_conf *c, int af, uint8_t macs[][6])
{
    size_t n = 0;

    for (size_t i = 0; i < c->n_ifaces; i++) {
        const uint8_t *m = l3_iface_mac(c, &c->ifaces[i]);
        size_t j = 0;
        if (!l3_iface_gw(&c->ifaces[i], af, NULL)) {
            continue;
        }
        while (j < n && memcmp(macs[j], m, 6)) {
            j++;
        }
        if (j == n) {
            memcpy(macs[n++], m, 6);
        }
    }
    return n;
}

static bool
l3_any_vlan(const struct l3_conf *c)
{
    for (size_t i = 0; i < c->n_ifaces; i++) {
        if (c->ifaces[i].vlan) {
            return true;
        }
    }
    return false;
}

static void
l3_ctl_flow(struct l3_flowbuf *fb, enum l3_fkind kind, const struct l3_addr *a,
            const uint8_t *mac)
{
    struct l3_flow f;

    memset(&f, 0, sizeof f);
    f.id.priority = L3_PRIO_CTL;
    f.id.kind = (uint8_t) kind;
    if (a) {
        f.id.af = a->af;
        memcpy(f.id.addr, a->b, 16);
    }
    if (mac) {
        memcpy(f.id.mac, mac, 6);
    }
    f.val.to_controller = 1;
    l3_fb_push(fb, &f);
}

/* Adds the flows of route 'prefix'/'plen': to the controller when
 * 'egress' is NULL, else rewriting toward 'dst_mac' out of 'egress'. */
static void
l3_route_flows(const struct l3_conf *c, struct l3_flowbuf *fb,
               const struct l3_addr *prefix, unsigned plen,
               const struct l3_iface *egress, const uint8_t *dst_mac)
{
    uint8_t macs[L3_MAX_IFACES][6];
    size_t n_macs = l3_router_macs(c, prefix->af, macs);
    bool vlans = l3_any_vlan(c);
    struct l3_flow f;

    for (size_t m = 0; m < n_macs; m++) {
        for (int v = vlans ? L3_VM_UNTAGGED : L3_VM_ANY;
             v <= (vlans ? L3_VM_TAGGED : L3_VM_ANY); v++) {
            memset(&f, 0, sizeof f);
            f.id.priority = (uint16_t) (L3_PRIO_ROUTE + plen);
            f.id.kind = L3_F_ROUTE;
            f.id.vlan = (uint8_t) v;
            f.id.af = prefix->af;
            f.id.plen = (uint8_t) plen;
            memcpy(f.id.mac, macs[m], 6);
            memcpy(f.id.addr, prefix->b, 16);
            if (egress) {
                f.val.egress_vid = egress->vlan;
                memcpy(f.val.eth_src, l3_iface_mac(c, egress), 6);
                memcpy(f.val.eth_dst, dst_mac, 6);
            } else {
                f.val.to_controller = 1;
            }
            l3_fb_push(fb, &f);
        }
    }
}

static struct l3_neigh *l3_nb_find(const struct l3 *, const struct l3_addr *);

static bool
l3_nb_resolved(const struct l3_neigh *n)
{
    return n && n->state != L3_N_INCOMPLETE;
}

/* True if a static route covers exactly the one address 'a'. */
static bool
l3_static_host(const struct l3_conf *c, const struct l3_addr *a)
{
    for (size_t i = 0; i < c->n_routes; i++) {
        const struct l3_sroute *r = &c->routes[i];
        if (r->plen == l3_abits(a->af) && l3_addr_eq(&r->prefix, a)) {
            return true;
        }
    }
    return false;
}

/* Computes every flow the router wants, sorted.  Returns false without
 * memory. */
static bool
l3_flows_build(const struct l3 *l3, struct l3_flowbuf *fb)
{
    const struct l3_conf *c = &l3->conf;
    uint8_t macs[L3_MAX_IFACES][6];
    size_t n;

    memset(fb, 0, sizeof *fb);
    for (size_t i = 0; i < c->n_ifaces; i++) {
        const struct l3_iface *ifc = &c->ifaces[i];
        if (ifc->gw4.af) {
            struct l3_addr net = ifc->gw4;
            l3_ctl_flow(fb, L3_F_ARP_GW, &ifc->gw4, NULL);
            l3_ctl_flow(fb, L3_F_IP4_GW, &ifc->gw4, NULL);
            l3_mask(&net, ifc->len4);
            l3_route_flows(c, fb, &net, ifc->len4, NULL, NULL);
        }
        if (ifc->gw6.af) {
            struct l3_addr net = ifc->gw6;
            l3_ctl_flow(fb, L3_F_NS_GW, &ifc->gw6, NULL);
            l3_ctl_flow(fb, L3_F_IP6_GW, &ifc->gw6, NULL);
            l3_mask(&net, ifc->len6);
            l3_route_flows(c, fb, &net, ifc->len6, NULL, NULL);
        }
    }
    n = l3_router_macs(c, 4, macs);
    for (size_t i = 0; i < n; i++) {
        l3_ctl_flow(fb, L3_F_ARP_MAC, NULL, macs[i]);
    }
    n = l3_router_macs(c, 6, macs);
    for (size_t i = 0; i < n; i++) {
        l3_ctl_flow(fb, L3_F_NA_MAC, NULL, macs[i]);
    }
    for (size_t i = 0; i < c->n_routes; i++) {
        const struct l3_sroute *r = &c->routes[i];
        const struct l3_neigh *nh = l3_nb_find(l3, &r->nh);
        if (l3_nb_resolved(nh) && nh->ifx >= 0) {
            l3_route_flows(c, fb, &r->prefix, r->plen, &c->ifaces[nh->ifx],
                           nh->mac);
        } else {
            l3_route_flows(c, fb, &r->prefix, r->plen, NULL, NULL);
        }
    }
    for (size_t b = 0; b < L3_NB_BUCKETS; b++) {
        for (const struct l3_neigh *nb = l3->nb[b]; nb; nb = nb->next) {
            if (l3_nb_resolved(nb) && nb->ifx >= 0 &&
                !l3_static_host(c, &nb->ip)) {
                l3_route_flows(c, fb, &nb->ip, l3_abits(nb->ip.af),
                               &c->ifaces[nb->ifx], nb->mac);
            }
        }
    }
    if (fb->oom) {
        free(fb->v);
        memset(fb, 0, sizeof *fb);
        return false;
    }
    if (fb->n) {
        qsort(fb->v, fb->n, sizeof *fb->v, l3_flow_cmp);
    }
    /* Identities are unique by construction; keep the first if not. */
    size_t k = 0;
    for (size_t i = 0; i < fb->n; i++) {
        if (!k || l3_flow_cmp(&fb->v[k - 1], &fb->v[i])) {
            fb->v[k++] = fb->v[i];
        }
    }
    fb->n = k;
    return true;
}

/* Storage for one flow spec. */
struct l3_spec {
    struct sl_flow_spec spec;
    struct ofp_oxm oxms[8];
    struct ofp_action acts[8];
    struct ofp_instruction insts[2];
};

static struct ofp_oxm *
l3_oxm(struct l3_spec *s, uint8_t field, uint8_t width)
{
    struct ofp_oxm *o = &s->oxms[s->spec.match.n_oxms++];

    memset(o, 0, sizeof *o);
    o->cls = OFPXMC_OPENFLOW_BASIC;
    o->field = field;
    o->length = width;
    return o;
}

static void
l3_oxm_u16(struct l3_spec *s, uint8_t field, uint16_t v)
{
    l3_oxm(s, field, 2)->value.u16 = v;
}

static void
l3_oxm_u8(struct l3_spec *s, uint8_t field, uint8_t v)
{
    l3_oxm(s, field, 1)->value.u8 = v;
}

static void
l3_oxm_mac(struct l3_spec *s, uint8_t field, const uint8_t *mac)
{
    memcpy(l3_oxm(s, field, 6)->value.mac, mac, 6);
}

/* ipv4_dst or ipv6_dst (or nd_target) 'addr'/'plen'; nothing for /0. */
static void
l3_oxm_ip(struct l3_spec *s, uint8_t field, int af, const uint8_t *addr,
          unsigned plen)
{
    struct l3_addr m = {.af = (uint8_t) af};
    struct ofp_oxm *o;

    if (!plen) {
        return;
    }
    memset(m.b, 0xff, l3_alen(af));
    l3_mask(&m, plen);
    o = l3_oxm(s, field, (uint8_t) l3_alen(af));
    if (plen < l3_abits(af)) {
        o->has_mask = true;
        o->length *= 2;
    }
    if (af == 4) {
        struct l3_addr a = {.af = 4};
        memcpy(a.b, addr, 4);
        o->value.u32 = l3_addr_u32(&a);
        o->mask.u32 = o->has_mask ? l3_addr_u32(&m) : 0;
    } else {
        memcpy(o->value.ipv6, addr, 16);
        if (o->has_mask) {
            memcpy(o->mask.ipv6, m.b, 16);
        }
    }
}

static struct ofp_action *
l3_act(struct l3_spec *s, uint16_t type)
{
    struct ofp_instruction *apply = &s->insts[0];
    struct ofp_action *a = &s->acts[apply->actions.n++];

    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static void
l3_act_set(struct l3_spec *s, uint8_t field, const uint8_t *mac, uint16_t vid)
{
    struct ofp_action *a = l3_act(s, OFPAT_SET_FIELD);

    a->set_field.cls = OFPXMC_OPENFLOW_BASIC;
    a->set_field.field = field;
    if (mac) {
        a->set_field.length = 6;
        memcpy(a->set_field.value.mac, mac, 6);
    } else {
        a->set_field.length = 2;
        a->set_field.value.u16 = vid;
    }
}

/* Fills 's' with the flow spec of 'f'. */
static void
l3_flow_spec(const struct l3 *l3, const struct l3_flow *f, struct l3_spec *s)
{
    const struct l3_fid *id = &f->id;
    const struct l3_fval *v = &f->val;

    memset(s, 0, sizeof *s);
    s->spec.table_id = (uint8_t) l3->t_l3;
    s->spec.priority = id->priority;
    s->spec.match.type = OFPMT_OXM;
    s->spec.match.oxms = s->oxms;
    switch ((enum l3_fkind) id->kind) {
    case L3_F_ARP_GW:
        l3_oxm_u16(s, OFPXMT_OFB_ETH_TYPE, OFP_ETH_TYPE_ARP);
        l3_oxm_u16(s, OFPXMT_OFB_ARP_OP, OFP_ARP_OP_REQUEST);
        l3_oxm_ip(s, OFPXMT_OFB_ARP_TPA, 4, id->addr, 32);
        break;
    case L3_F_ARP_MAC:
        l3_oxm_u16(s, OFPXMT_OFB_ETH_TYPE, OFP_ETH_TYPE_ARP);
        l3_oxm_mac(s, OFPXMT_OFB_ETH_DST, id->mac);
        break;
    case L3_F_IP4_GW:
        l3_oxm_u16(s, OFPXMT_OFB_ETH_TYPE, OFP_ETH_TYPE_IPV4);
        l3_oxm_ip(s, OFPXMT_OFB_IPV4_DST, 4, id->addr, 32);
        break;
    case L3_F_NS_GW:
    case L3_F_NA_MAC:
        l3_oxm_u16(s, OFPXMT_OFB_ETH_TYPE, OFP_ETH_TYPE_IPV6);
        l3_oxm_u8(s, OFPXMT_OFB_IP_PROTO, OFP_IPPROTO_ICMPV6);
        if (id->kind == L3_F_NS_GW) {
            l3_oxm_u8(s, OFPXMT_OFB_ICMPV6_TYPE, OFP_ICMPV6_ND_NS);
            l3_oxm_ip(s, OFPXMT_OFB_IPV6_ND_TARGET, 6, id->addr, 128);
        } else {
            l3_oxm_u8(s, OFPXMT_OFB_ICMPV6_TYPE, OFP_ICMPV6_ND_NA);
            l3_oxm_mac(s, OFPXMT_OFB_ETH_DST, id->mac);
        }
        break;
    case L3_F_IP6_GW:
        l3_oxm_u16(s, OFPXMT_OFB_ETH_TYPE, OFP_ETH_TYPE_IPV6);
        l3_oxm_ip(s, OFPXMT_OFB_IPV6_DST, 6, id->addr, 128);
        break;
    case L3_F_ROUTE:
        l3_oxm_u16(s, OFPXMT_OFB_ETH_TYPE,
                   id->af == 4 ? OFP_ETH_TYPE_IPV4 : OFP_ETH_TYPE_IPV6);
        l3_oxm_ip(s, id->af == 4 ? OFPXMT_OFB_IPV4_DST : OFPXMT_OFB_IPV6_DST,
                  id->af, id->addr, id->plen);
        l3_oxm_mac(s, OFPXMT_OFB_ETH_DST, id->mac);
        if (id->vlan == L3_VM_UNTAGGED) {
            l3_oxm_u16(s, OFPXMT_OFB_VLAN_VID, OFPVID_NONE);
        } else if (id->vlan == L3_VM_TAGGED) {
            struct ofp_oxm *o = l3_oxm(s, OFPXMT_OFB_VLAN_VID, 4);
            o->has_mask = true;
            o->value.u16 = OFPVID_PRESENT;
            o->mask.u16 = OFPVID_PRESENT;
        }
        break;
    }

    s->insts[0].type = OFPIT_APPLY_ACTIONS;
    s->insts[0].actions.actions = s->acts;
    s->spec.instructions.instructions = s->insts;
    s->spec.instructions.n = 1;
    if (v->to_controller) {
        struct ofp_action *a = l3_act(s, OFPAT_OUTPUT);
        a->output.port = OFPP_CONTROLLER;
        a->output.max_len = OFPCML_NO_BUFFER;
        return;
    }
    if (v->egress_vid) {
        if (id->vlan != L3_VM_TAGGED) {
            l3_act(s, OFPAT_PUSH_VLAN)->ethertype = OFP_ETH_TYPE_VLAN;
        }
        l3_act_set(s, OFPXMT_OFB_VLAN_VID, NULL,
                   (uint16_t) (OFPVID_PRESENT | v->egress_vid));
    } else if (id->vlan == L3_VM_TAGGED) {
        l3_act(s, OFPAT_POP_VLAN);
    }
    l3_act_set(s, OFPXMT_OFB_ETH_SRC, v->eth_src, 0);
    l3_act_set(s, OFPXMT_OFB_ETH_DST, v->eth_dst, 0);
    l3_act(s, OFPAT_DEC_NW_TTL);
    s->insts[1].type = OFPIT_GOTO_TABLE;
    s->insts[1].table_id = (uint8_t) l3->t_l2;
    s->spec.instructions.n = 2;
}

static void
l3_flow_add(struct l3 *l3, uint64_t dpid, const struct l3_flow *f)
{
    struct l3_spec s;
    int error;

    l3_flow_spec(l3, f, &s);
    error = host->flow_add(l3->ctx, dpid, &s.spec, NULL, NULL);
    if (error) {
        l3_log_rl(l3, SL_APP_LOG_WARN,
                  "switch %016" PRIx64 ": flow_add "
                  "(priority %u): %s",
                  dpid, f->id.priority, strerror(error));
    }
}

static void
l3_flow_del(struct l3 *l3, uint64_t dpid, const struct l3_flow *f)
{
    struct l3_spec s;
    int error;

    l3_flow_spec(l3, f, &s);
    error = host->flow_del(l3->ctx, dpid, s.spec.table_id, s.spec.priority,
                           &s.spec.match, NULL, NULL);
    if (error && error != ENOENT) {
        l3_log_rl(l3, SL_APP_LOG_WARN,
                  "switch %016" PRIx64 ": flow_del "
                  "(priority %u): %s",
                  dpid, f->id.priority, strerror(error));
    }
}

/* Computes the flows and states the difference from what was stated on
 * every switch we know. */
static void
l3_recompute_now(struct l3 *l3)
{
    struct l3_flowbuf fb;
    size_t i = 0, j = 0;

    if (l3->recompute) {
        host->timer_cancel(l3->ctx, l3->recompute);
        l3->recompute = NULL;
    }
    if (!l3_flows_build(l3, &fb)) {
        host->log(l3->ctx, SL_APP_LOG_ERR, "out of memory computing flows");
        return;
    }
    while (i < l3->n_flows || j < fb.n) {
        int cmp = (i == l3->n_flows ? 1
                   : j == fb.n      ? -1
                                    : l3_flow_cmp(&l3->flows[i], &fb.v[j]));
        if (cmp < 0) {
            for (size_t d = 0; d < l3->n_dpids; d++) {
                l3_flow_del(l3, l3->dpids[d], &l3->flows[i]);
            }
            i++;
        } else if (cmp > 0 || memcmp(&l3->flows[i].val, &fb.v[j].val,
                                     sizeof fb.v[j].val)) {
            for (size_t d = 0; d < l3->n_dpids; d++) {
                l3_flow_add(l3, l3->dpids[d], &fb.v[j]);
            }
            i += cmp == 0;
            j++;
        } else {
            i++;
            j++;
        }
    }
    free(l3->flows);
    l3->flows = fb.v;
    l3->n_flows = fb.n;
}

static void
l3_recompute_cb(struct sl_ctx *ctx, void *aux)
{
    struct l3 *l3 = aux;

    (void) ctx;
    l3->recompute = NULL; /* a one-shot timer: freed by the host */
    l3_recompute_now(l3);
}

/* Recomputes the flows soon (bursts of learning coalesce). */
static void
l3_schedule(struct l3 *l3)
{
    if (!l3->recompute && !l3->stopped) {
        l3->recompute =
            host->timer_add(l3->ctx, L3_DELAY, false, l3_recompute_cb, l3);
    }
}

/* ---- frames ---- */

static void
l3_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static uint32_t
l3_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        sum += (uint32_t) p[n - 1] << 8;
    }
    return sum;
}

static uint16_t
l3_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* Writes an Ethernet header (tagged with 'vid' and 'pcp' when 'vid' is
 * not 0) at 'p'; returns its length. */
static size_t
l3_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t vid,
       uint8_t pcp, uint16_t type)
{
    size_t n = 12;

    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    if (vid) {
        l3_put16(p + 12, OFP_ETH_TYPE_VLAN);
        l3_put16(p + 14, (uint16_t) ((pcp & 7) << 13 | (vid & 0xfff)));
        n = 16;
    }
    l3_put16(p + n, type);
    return n + 2;
}

/* Writes an IPv4 header without options at 'p'. */
static void
l3_ip4(uint8_t *p, uint16_t total, uint8_t proto, uint8_t ttl,
       const uint8_t *src, const uint8_t *dst)
{
    memset(p, 0, 20);
    p[0] = 0x45;
    l3_put16(p + 2, total);
    p[6] = 0x40; /* DF */
    p[8] = ttl;
    p[9] = proto;
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    l3_put16(p + 10, l3_fold(l3_sum(p, 20, 0)));
}

/* Writes an IPv6 header at 'p'. */
static void
l3_ip6(uint8_t *p, uint16_t plen, uint8_t nh, uint8_t hop, const uint8_t *src,
       const uint8_t *dst)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    l3_put16(p + 4, plen);
    p[6] = nh;
    p[7] = hop;
    memcpy(p + 8, src, 16);
    memcpy(p + 24, dst, 16);
}

/* Sets the ICMPv6 checksum of the 'len' bytes at 'icmp' behind the IPv6
 * header 'ip6'. */
static void
l3_icmp6_csum(const uint8_t *ip6, uint8_t *icmp, size_t len)
{
    uint32_t sum = l3_sum(ip6 + 8, 32, 0);

    sum += (uint32_t) (len >> 16) + (uint32_t) (len & 0xffff);
    sum += OFP_IPPROTO_ICMPV6;
    icmp[2] = icmp[3] = 0;
    l3_put16(icmp + 2, l3_fold(l3_sum(icmp, len, sum)));
}

/* Pads a frame of 'len' bytes at 'p' to 60 bytes. */
static size_t
l3_pad(uint8_t *p, size_t len)
{
    if (len < 60) {
        memset(p + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

static size_t
l3_frame_arp(uint8_t *p, const uint8_t *eth_dst, uint16_t vid, uint8_t pcp,
             uint16_t op, const uint8_t *sha, const uint8_t *spa,
             const uint8_t *tha, const uint8_t *tpa)
{
    static const uint8_t zero[6];
    size_t n = l3_eth(p, eth_dst, sha, vid, pcp, OFP_ETH_TYPE_ARP);
    uint8_t *a = p + n;

    l3_put16(a, 1);
    l3_put16(a + 2, OFP_ETH_TYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    l3_put16(a + 6, op);
    memcpy(a + 8, sha, 6);
    memcpy(a + 14, spa, 4);
    memcpy(a + 18, tha ? tha : zero, 6);
    memcpy(a + 24, tpa, 4);
    return l3_pad(p, n + 28);
}

/* An NS (type 135) for 'target' or an NA (136, flags R|S|O) for it, with
 * a link-layer address option 'lladdr'. */
static size_t
l3_frame_nd(uint8_t *p, const uint8_t *eth_dst, const uint8_t *eth_src,
            uint16_t vid, uint8_t pcp, const uint8_t *src, const uint8_t *dst,
            uint8_t type, const uint8_t *target, const uint8_t *lladdr)
{
    size_t n = l3_eth(p, eth_dst, eth_src, vid, pcp, OFP_ETH_TYPE_IPV6);
    uint8_t *ip = p + n, *icmp = ip + 40;

    l3_ip6(ip, 32, OFP_IPPROTO_ICMPV6, 255, src, dst);
    memset(icmp, 0, 32);
    icmp[0] = type;
    if (type == OFP_ICMPV6_ND_NA) {
        icmp[4] = OFP_ND_NA_ROUTER | OFP_ND_NA_SOLICITED | OFP_ND_NA_OVERRIDE;
    }
    memcpy(icmp + 8, target, 16);
    icmp[24] = type == OFP_ICMPV6_ND_NA ? OFP_ND_OPT_TLL : OFP_ND_OPT_SLL;
    icmp[25] = 1;
    memcpy(icmp + 26, lladdr, 6);
    l3_icmp6_csum(ip, icmp, 32);
    return n + 72;
}

/* ---- sending ---- */

/* A packet-out of 'len' bytes of 'data' on 'dpid' out of the 'n' ports
 * 'ports', as if from 'in_port'. */
static bool
l3_po(struct l3 *l3, uint64_t dpid, uint32_t in_port, const uint32_t *ports,
      size_t n, const uint8_t *data, size_t len)
{
    struct ofp_action acts[L3_MAX_PORTS];
    struct ofp_packet_out po = {
        .buffer_id = OFP_NO_BUFFER,
        .in_port = in_port,
        .actions = {n, acts},
        .len = len,
        .data = data,
    };
    int error;

    for (size_t i = 0; i < n && i < L3_MAX_PORTS; i++) {
        acts[i] =
            (struct ofp_action){OFPAT_OUTPUT, .output = {.port = ports[i]}};
    }
    error = host->packet_out(l3->ctx, dpid, &po);
    if (error && error != ENOENT) {
        l3_log_rl(l3, SL_APP_LOG_DBG,
                  "switch %016" PRIx64 ": packet_out: "
                  "%s",
                  dpid, strerror(error));
    }
    return !error;
}

/* Sends a frame the controller built back to where a packet-in came from:
 * untagged out of OFPP_IN_PORT, tagged through the pipeline (l2 knows
 * whether the VLAN is tagged on that port). */
static void
l3_reply(struct l3 *l3, uint64_t dpid, uint32_t in_port, bool tagged,
         const uint8_t *frame, size_t len)
{
    uint32_t out = tagged ? OFPP_TABLE : OFPP_IN_PORT;

    l3_po(l3, dpid, tagged ? OFPP_CONTROLLER : in_port, &out, 1, frame, len);
}

/* Sends 'frame' to neighbour 'n' of interface 'ifc': out of the port it
 * was last heard on, or (VLAN) through the pipeline of its switch. */
static bool
l3_to_neigh(struct l3 *l3, const struct l3_neigh *n,
            const struct l3_iface *ifc, const uint8_t *frame, size_t len)
{
    uint32_t out = ifc->vlan ? OFPP_TABLE : n->port;

    if (!n->dpid) {
        return false;
    }
    return l3_po(l3, n->dpid, OFPP_CONTROLLER, &out, 1, frame, len);
}

/* Sends 'frame' (a request) everywhere on interface 'ifc': out of each of
 * its ports on every connected switch, or for a VLAN interface through
 * the pipeline of one switch ('pref' if connected), to be flooded on the
 * VLAN.  Returns true if it went anywhere. */
static bool
l3_to_iface(struct l3 *l3, const struct l3_iface *ifc, uint64_t pref,
            const uint8_t *frame, size_t len)
{
    bool sent = false;

    if (ifc->vlan) {
        uint64_t dpid = pref;
        uint32_t out = OFPP_TABLE;
        if (!dpid || !host->switch_get(l3->ctx, dpid)) {
            if (!host->switch_list(l3->ctx, &dpid, 1)) {
                return false;
            }
        }
        return l3_po(l3, dpid, OFPP_CONTROLLER, &out, 1, frame, len);
    }
    for (size_t i = 0; i < ifc->n_ports; i++) {
        uint64_t dpid = ifc->ports[i].dpid;
        uint32_t ports[L3_MAX_PORTS];
        size_t n = 0;
        bool seen = false;

        for (size_t j = 0; j < i && !seen; j++) {
            seen = ifc->ports[j].dpid == dpid;
        }
        if (seen || !host->switch_get(l3->ctx, dpid)) {
            continue;
        }
        for (size_t j = i; j < ifc->n_ports; j++) {
            if (ifc->ports[j].dpid == dpid) {
                ports[n++] = ifc->ports[j].port;
            }
        }
        sent |= l3_po(l3, dpid, OFPP_CONTROLLER, ports, n, frame, len);
    }
    return sent;
}

/* Sends an ARP request or NS for 'n': unicast to its MAC when 'unicast'
 * and it has one, else broadcast (IPv6: to its solicited-node group). */
static void
l3_solicit(struct l3 *l3, struct l3_neigh *n, bool unicast)
{
    const struct l3_conf *c = &l3->conf;
    const struct l3_iface *ifc;
    const struct l3_addr *gw;
    const uint8_t *mac;
    uint8_t *p = l3->scratch;
    uint8_t dst[6];
    size_t len;
    bool sent;

    if (n->ifx < 0 || (size_t) n->ifx >= c->n_ifaces) {
        return;
    }
    ifc = &c->ifaces[n->ifx];
    gw = l3_iface_gw(ifc, n->ip.af, NULL);
    if (!gw) {
        return;
    }
    mac = l3_iface_mac(c, ifc);
    unicast = unicast && l3_nb_resolved(n) && n->dpid;
    if (n->ip.af == 4) {
        memset(dst, 0xff, 6);
        len = l3_frame_arp(p, unicast ? n->mac : dst, ifc->vlan, 0,
                           OFP_ARP_OP_REQUEST, mac, gw->b,
                           unicast ? n->mac : NULL, n->ip.b);
    } else {
        uint8_t group[16] = {0xff, 0x02, [11] = 1, [12] = 0xff};
        memcpy(group + 13, n->ip.b + 13, 3);
        dst[0] = dst[1] = 0x33;
        memcpy(dst + 2, group + 12, 4);
        len = l3_frame_nd(p, unicast ? n->mac : dst, mac, ifc->vlan, 0, gw->b,
                          unicast ? n->ip.b : group, OFP_ICMPV6_ND_NS, n->ip.b,
                          mac);
    }
    sent = (unicast ? l3_to_neigh(l3, n, ifc, p, len)
                    : l3_to_iface(l3, ifc, n->dpid, p, len));
    n->unsent = !sent;
    if (sent) {
        if (n->ip.af == 4) {
            l3->arp_requests++;
        } else {
            l3->nd_solicits++;
        }
    }
}

/* Builds in the scratch buffer the IP packet 'ip' ('len' bytes, TTL not
 * yet decremented, at least 2) routed to 'dst_mac' out of 'ifc': new
 * Ethernet header, tag for a VLAN interface (PCP 'pcp'), TTL - 1, IPv4
 * header checksum.  Returns the frame's length, 0 if it cannot be
 * built. */
static size_t
l3_build_routed(struct l3 *l3, const struct l3_iface *ifc,
                const uint8_t *dst_mac, uint8_t pcp, const uint8_t *ip,
                size_t len)
{
    uint8_t *p = l3->scratch;
    bool v4 = (ip[0] >> 4) == 4;
    size_t n;

    if (len > L3_MAX_IP || len < (v4 ? 20u : 40u)) {
        return 0;
    }
    n = l3_eth(p, dst_mac, l3_iface_mac(&l3->conf, ifc), ifc->vlan, pcp,
               v4 ? OFP_ETH_TYPE_IPV4 : OFP_ETH_TYPE_IPV6);
    memcpy(p + n, ip, len);
    if (v4) {
        size_t ihl = (size_t) (ip[0] & 0xf) * 4;
        if (ihl < 20 || ihl > len) {
            return 0;
        }
        p[n + 8]--;
        p[n + 10] = p[n + 11] = 0;
        l3_put16(p + n + 10, l3_fold(l3_sum(p + n, ihl, 0)));
    } else {
        p[n + 7]--;
    }
    return n + len;
}

/* ---- neighbours and the queue ---- */

static size_t
l3_nb_hash(const struct l3_addr *a)
{
    uint32_t h = 2166136261u ^ a->af;

    for (size_t i = 0; i < 16; i++) {
        h = (h ^ a->b[i]) * 16777619u;
    }
    return h % L3_NB_BUCKETS;
}

static struct l3_neigh *
l3_nb_find(const struct l3 *l3, const struct l3_addr *a)
{
    struct l3_neigh *n = l3->nb[l3_nb_hash(a)];

    while (n && !l3_addr_eq(&n->ip, a)) {
        n = n->next;
    }
    return n;
}

static void l3_nb_timer(struct sl_ctx *, void *);

static void
l3_nb_arm(struct l3 *l3, struct l3_neigh *n, double seconds)
{
    if (n->timer) {
        host->timer_cancel(l3->ctx, n->timer);
        n->timer = NULL;
    }
    if (!l3->stopped) {
        n->timer =
            host->timer_add(l3->ctx, seconds > L3_DELAY ? seconds : L3_DELAY,
                            false, l3_nb_timer, n);
    }
}

/* Creates the entry of 'a' (interface 'ifx') in state INCOMPLETE, or
 * returns NULL when the table is full. */
static struct l3_neigh *
l3_nb_create(struct l3 *l3, const struct l3_addr *a, int ifx)
{
    struct l3_neigh *n;
    size_t b = l3_nb_hash(a);

    if (l3->n_neigh >= L3_MAX_NEIGHBORS) {
        return NULL;
    }
    n = calloc(1, sizeof *n);
    if (!n) {
        return NULL;
    }
    n->l3 = l3;
    n->ip = *a;
    n->ifx = ifx;
    n->state = L3_N_INCOMPLETE;
    n->next = l3->nb[b];
    l3->nb[b] = n;
    l3->n_neigh++;
    return n;
}

/* Takes the oldest packet off 'n''s queue and the global one. */
static struct l3_pkt *
l3_q_pop(struct l3 *l3, struct l3_neigh *n)
{
    struct l3_pkt *p = n->q_head;

    if (!p) {
        return NULL;
    }
    n->q_head = p->next;
    if (!n->q_head) {
        n->q_tail = NULL;
    }
    n->n_q--;
    if (p->gprev) {
        p->gprev->gnext = p->gnext;
    } else {
        l3->q_head = p->gnext;
    }
    if (p->gnext) {
        p->gnext->gprev = p->gprev;
    } else {
        l3->q_tail = p->gprev;
    }
    l3->n_pending--;
    return p;
}

/* Drops the packets waiting for 'n', counting them as 'unresolved'. */
static void
l3_q_drop(struct l3 *l3, struct l3_neigh *n)
{
    struct l3_pkt *p;

    while ((p = l3_q_pop(l3, n))) {
        l3->drop_unresolved++;
        free(p);
    }
}

/* Queues the IP packet 'ip' ('len' bytes) for 'n', dropping the oldest
 * waiting packet (of any destination) when 'max_pending' are waiting. */
static void
l3_q_push(struct l3 *l3, struct l3_neigh *n, const uint8_t *ip, size_t len,
          uint8_t pcp)
{
    struct l3_pkt *p;

    if (!l3->conf.max_pending || len > L3_MAX_IP) {
        l3->drop_queue_full++;
        return;
    }
    while (l3->n_pending >= l3->conf.max_pending && l3->q_head) {
        free(l3_q_pop(l3, l3->q_head->n)); /* the oldest is its head */
        l3->drop_queue_full++;
    }
    p = malloc(sizeof *p + len);
    if (!p) {
        l3->drop_queue_full++;
        return;
    }
    p->n = n;
    p->pcp = pcp;
    p->len = (uint16_t) len;
    memcpy(p->data, ip, len);
    p->next = NULL;
    if (n->q_tail) {
        n->q_tail->next = p;
    } else {
        n->q_head = p;
    }
    n->q_tail = p;
    n->n_q++;
    p->gnext = NULL;
    p->gprev = l3->q_tail;
    if (l3->q_tail) {
        l3->q_tail->gnext = p;
    } else {
        l3->q_head = p;
    }
    l3->q_tail = p;
    l3->n_pending++;
}

/* Sends every packet waiting for 'n', which has a MAC now. */
static void
l3_q_flush(struct l3 *l3, struct l3_neigh *n)
{
    const struct l3_iface *ifc = &l3->conf.ifaces[n->ifx];
    struct l3_pkt *p;

    while ((p = l3_q_pop(l3, n))) {
        size_t len = l3_build_routed(l3, ifc, n->mac, p->pcp, p->data, p->len);
        if (len && l3_to_neigh(l3, n, ifc, l3->scratch, len)) {
            l3->routed++;
        }
        free(p);
    }
}

/* Removes 'n' (its waiting packets are dropped as unresolved). */
static void
l3_nb_remove(struct l3 *l3, struct l3_neigh *n)
{
    struct l3_neigh **pp = &l3->nb[l3_nb_hash(&n->ip)];

    while (*pp && *pp != n) {
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = n->next;
    }
    l3_q_drop(l3, n);
    if (n->timer) {
        host->timer_cancel(l3->ctx, n->timer);
    }
    if (l3_nb_resolved(n)) {
        l3->n_resolved--;
    }
    l3->n_neigh--;
    free(n);
}

/* Starts resolving 'n' (INCOMPLETE): first request now. */
static void
l3_nb_start(struct l3 *l3, struct l3_neigh *n)
{
    n->tries = 1;
    l3_solicit(l3, n, false);
    l3_nb_arm(l3, n, L3_RETRY);
}

static void
l3_nb_timer(struct sl_ctx *ctx, void *aux)
{
    struct l3_neigh *n = aux;
    struct l3 *l3 = n->l3;
    double now = host->now(ctx);

    n->timer = NULL; /* a one-shot timer: freed by the host */
    if (n->state == L3_N_REACHABLE) {
        double due = n->confirmed + (double) l3->conf.arp_timeout;
        if (now < due) {
            l3_nb_arm(l3, n, due - now);
            return;
        }
        n->state = L3_N_PROBE;
        n->tries = 0;
    }
    if (n->tries >= L3_TRIES) {
        char s[INET6_ADDRSTRLEN];
        bool resolved = l3_nb_resolved(n);

        l3_addr_str(&n->ip, s, sizeof s);
        l3_log_rl(l3, SL_APP_LOG_DBG,
                  "neighbour %s: no answer to %d "
                  "requests, %zu packets dropped",
                  s, L3_TRIES, n->n_q);
        l3_nb_remove(l3, n);
        if (resolved) {
            l3_schedule(l3);
        }
        return;
    }
    n->tries++;
    l3_solicit(l3, n, n->state == L3_N_PROBE);
    l3_nb_arm(l3, n, L3_RETRY);
}

/* Learns that 'a' is at 'mac', heard on dpid:port of interface 'ingress'.
 * Ignored unless 'a' belongs to that interface's subnet. */
static void
l3_learn(struct l3 *l3, const struct l3_addr *a, const uint8_t *mac,
         uint64_t dpid, uint32_t port, int ingress)
{
    const struct l3_conf *c = &l3->conf;
    int ifx = l3_iface_of(c, a);
    struct l3_neigh *n;
    bool resolved, changed;

    if (ifx < 0 || ifx != ingress || !l3_mac_unicast(mac)) {
        return;
    }
    if (!l3_iface_host_ok(c, ifx, a)) {
        return;
    }
    n = l3_nb_find(l3, a);
    if (!n) {
        n = l3_nb_create(l3, a, ifx);
        if (!n) {
            char s[INET6_ADDRSTRLEN];
            l3_addr_str(a, s, sizeof s);
            l3_log_rl(l3, SL_APP_LOG_WARN,
                      "neighbour table full (%d): %s "
                      "not learned",
                      L3_MAX_NEIGHBORS, s);
            return;
        }
    }
    resolved = l3_nb_resolved(n);
    changed = !resolved || memcmp(n->mac, mac, 6);
    memcpy(n->mac, mac, 6);
    n->dpid = dpid;
    n->port = port;
    n->confirmed = host->now(l3->ctx);
    n->tries = 0;
    if (!resolved) {
        l3->n_resolved++;
    }
    if (n->state != L3_N_REACHABLE || !n->timer) {
        n->state = L3_N_REACHABLE;
        l3_nb_arm(l3, n, (double) c->arp_timeout);
    }
    if (!resolved) {
        l3_q_flush(l3, n);
    }
    if (changed) {
        l3_schedule(l3);
    }
}

/* Re-reads every neighbour's interface after a configuration change;
 * those no interface holds any more go. */
static void
l3_nb_reindex(struct l3 *l3)
{
    for (size_t b = 0; b < L3_NB_BUCKETS; b++) {
        struct l3_neigh *n = l3->nb[b];
        while (n) {
            struct l3_neigh *next = n->next;
            int ifx = l3_iface_of(&l3->conf, &n->ip);
            if (ifx < 0 || !l3_iface_host_ok(&l3->conf, ifx, &n->ip)) {
                l3_nb_remove(l3, n);
            } else {
                n->ifx = ifx;
            }
            n = next;
        }
    }
}

/* Starts resolving the next hops of static routes that have no entry. */
static void
l3_resolve_static(struct l3 *l3)
{
    for (size_t i = 0; i < l3->conf.n_routes; i++) {
        const struct l3_addr *nh = &l3->conf.routes[i].nh;
        if (!l3_nb_find(l3, nh)) {
            int ifx = l3_iface_of(&l3->conf, nh);
            struct l3_neigh *n = ifx < 0 ? NULL : l3_nb_create(l3, nh, ifx);
            if (n) {
                l3_nb_start(l3, n);
            }
        }
    }
}

/* Asks again for the neighbours being resolved whose last request found
 * no switch to leave by (a switch came up). */
static void
l3_resolve_unsent(struct l3 *l3)
{
    for (size_t b = 0; b < L3_NB_BUCKETS; b++) {
        for (struct l3_neigh *n = l3->nb[b]; n; n = n->next) {
            if (n->state == L3_N_INCOMPLETE && n->unsent) {
                l3_solicit(l3, n, false);
            }
        }
    }
}

/* ---- the controller path ---- */

/* The interface a frame came in on: the VLAN interface of its outer tag,
 * else the port interface listing dpid:port; -1 if none. */
static int
l3_ingress(const struct l3 *l3, uint64_t dpid, uint32_t port,
           const struct ofp_packet *pkt)
{
    const struct l3_conf *c = &l3->conf;

    if (pkt->n_vlans) {
        for (size_t i = 0; i < c->n_ifaces; i++) {
            if (c->ifaces[i].vlan == pkt->vlans[0].vid) {
                return (int) i;
            }
        }
    }
    for (size_t i = 0; i < c->n_ifaces; i++) {
        const struct l3_iface *ifc = &c->ifaces[i];
        for (size_t j = 0; j < ifc->n_ports; j++) {
            if (ifc->ports[j].dpid == dpid && ifc->ports[j].port == port) {
                return (int) i;
            }
        }
    }
    return -1;
}

struct l3_rx {
    uint64_t dpid;
    uint32_t in_port;
    const struct ofp_packet *pkt;
    int ingress; /* interface, or -1 */
    bool tagged;
    uint16_t vid; /* outer tag */
    uint8_t pcp;
};

static void
l3_rx_arp(struct l3 *l3, const struct l3_rx *rx)
{
    const struct ofp_packet_arp *a = &rx->pkt->arp;
    const struct l3_conf *c = &l3->conf;
    struct l3_addr spa = l3_addr4(a->spa), tpa = l3_addr4(a->tpa);
    int owner = l3_iface_by_gw(c, &tpa);

    if (a->spa) {
        l3_learn(l3, &spa, a->sha, rx->dpid, rx->in_port, rx->ingress);
    }
    if (a->op != OFP_ARP_OP_REQUEST || owner < 0) {
        return;
    }
    if (owner != rx->ingress) {
        char s[INET6_ADDRSTRLEN];
        l3_addr_str(&tpa, s, sizeof s);
        l3_log_rl(l3, SL_APP_LOG_INFO,
                  "ARP for gateway %s (interface '%s') "
                  "from %016" PRIx64 ":%" PRIu32 "%s: not that interface's; "
                  "ignored",
                  s, c->ifaces[owner].name, rx->dpid, rx->in_port,
                  rx->tagged ? " (tagged)" : "");
        return;
    }
    const struct l3_iface *ifc = &c->ifaces[owner];
    const uint8_t *mac = l3_iface_mac(c, ifc);
    size_t len =
        l3_frame_arp(l3->scratch, a->sha, rx->tagged ? rx->vid : 0, rx->pcp,
                     OFP_ARP_OP_REPLY, mac, tpa.b, a->sha, spa.b);
    l3_reply(l3, rx->dpid, rx->in_port, rx->tagged, l3->scratch, len);
    l3->arp_replies++;
}

/* Answers an ICMP (af 4) or ICMPv6 echo request to gateway 'gw' of
 * interface 'ifc'. */
static void
l3_echo(struct l3 *l3, const struct l3_rx *rx, const struct l3_iface *ifc,
        const struct l3_addr *gw)
{
    const struct ofp_packet *pkt = rx->pkt;
    size_t ilen = pkt->end - pkt->l4_ofs;
    const uint8_t *src_mac = l3_iface_mac(&l3->conf, ifc);
    uint8_t *p = l3->scratch, *ip, *icmp;
    size_t n;

    if (ilen < 8 || ilen > L3_MAX_IP - 40 || (pkt->flags & OFP_PACKET_F_CUT) ||
        pkt->ip.frag) {
        return;
    }
    n = l3_eth(p, pkt->eth_src, src_mac, rx->tagged ? rx->vid : 0, rx->pcp,
               gw->af == 4 ? OFP_ETH_TYPE_IPV4 : OFP_ETH_TYPE_IPV6);
    ip = p + n;
    if (gw->af == 4) {
        struct l3_addr src = l3_addr4(pkt->ipv4.src);
        icmp = ip + 20;
        memcpy(icmp, pkt->frame + pkt->l4_ofs, ilen);
        icmp[0] = 0;
        icmp[1] = 0;
        icmp[2] = icmp[3] = 0;
        l3_put16(icmp + 2, l3_fold(l3_sum(icmp, ilen, 0)));
        l3_ip4(ip, (uint16_t) (20 + ilen), OFP_IPPROTO_ICMP, 64, gw->b, src.b);
        n += 20 + ilen;
    } else {
        icmp = ip + 40;
        memcpy(icmp, pkt->frame + pkt->l4_ofs, ilen);
        icmp[0] = 129;
        icmp[1] = 0;
        l3_ip6(ip, (uint16_t) ilen, OFP_IPPROTO_ICMPV6, 64, gw->b,
               pkt->ipv6.src);
        l3_icmp6_csum(ip, icmp, ilen);
        n += 40 + ilen;
    }
    l3_reply(l3, rx->dpid, rx->in_port, rx->tagged, p, l3_pad(p, n));
    l3->echo_replies++;
}

/* Finds the route for 'dst': longest prefix first among the connected
 * subnets and the static routes.  Sets the address to resolve in
 * '*target' and its interface in '*ifx'.  Returns false if none. */
static bool
l3_lookup(const struct l3 *l3, const struct l3_addr *dst,
          struct l3_addr *target, int *ifx)
{
    const struct l3_conf *c = &l3->conf;
    int best = -1;

    for (size_t i = 0; i < c->n_ifaces; i++) {
        unsigned plen;
        const struct l3_addr *gw = l3_iface_gw(&c->ifaces[i], dst->af, &plen);
        if (gw && (int) plen > best && l3_prefix_has(gw->b, plen, dst->b)) {
            if (!l3_host_ok(gw, plen, dst)) {
                return false; /* network, broadcast: not routed */
            }
            best = (int) plen;
            *ifx = (int) i;
            *target = *dst;
        }
    }
    for (size_t i = 0; i < c->n_routes; i++) {
        const struct l3_sroute *r = &c->routes[i];
        if (r->prefix.af == dst->af && (int) r->plen > best &&
            l3_prefix_has(r->prefix.b, r->plen, dst->b)) {
            int x = l3_iface_of(c, &r->nh);
            if (x >= 0) {
                best = (int) r->plen;
                *ifx = x;
                *target = r->nh;
            }
        }
    }
    return best >= 0;
}

/* Routes a packet that reached the controller. */
static void
l3_route(struct l3 *l3, const struct l3_rx *rx, const struct l3_addr *dst)
{
    const struct ofp_packet *pkt = rx->pkt;
    const uint8_t *ip = pkt->frame + pkt->l3_ofs;
    size_t len = pkt->end - pkt->l3_ofs;
    struct l3_addr target;
    struct l3_neigh *n;
    int ifx;

    if ((pkt->flags & OFP_PACKET_F_CUT) || pkt->n_vlans > 1 ||
        len > L3_MAX_IP) {
        l3->drop_no_route++;
        return;
    }
    if (pkt->ip.ttl <= 1) {
        l3->drop_ttl++;
        return;
    }
    if ((dst->af == 4 && dst->b[0] >= 224) ||
        (dst->af == 6 && dst->b[0] == 0xff) ||
        !l3_lookup(l3, dst, &target, &ifx)) {
        l3->drop_no_route++;
        return;
    }
    n = l3_nb_find(l3, &target);
    if (l3_nb_resolved(n)) {
        const struct l3_iface *ifc = &l3->conf.ifaces[n->ifx];
        size_t flen = l3_build_routed(l3, ifc, n->mac, rx->pcp, ip, len);
        if (flen && l3_to_neigh(l3, n, ifc, l3->scratch, flen)) {
            l3->routed++;
        }
        return;
    }
    if (!n) {
        n = l3_nb_create(l3, &target, ifx);
        if (!n) {
            l3->drop_unresolved++;
            l3_log_rl(l3, SL_APP_LOG_WARN,
                      "neighbour table full (%d): "
                      "packet dropped",
                      L3_MAX_NEIGHBORS);
            return;
        }
        l3_nb_start(l3, n);
    }
    l3_q_push(l3, n, ip, len, rx->pcp);
}

static void
l3_rx_ip4(struct l3 *l3, const struct l3_rx *rx)
{
    const struct ofp_packet *pkt = rx->pkt;
    struct l3_addr dst = l3_addr4(pkt->ipv4.dst);
    int owner = l3_iface_by_gw(&l3->conf, &dst);

    if (owner < 0) {
        l3_route(l3, rx, &dst);
    } else if (pkt->layer >= OFP_PACKET_L4 &&
               pkt->ip.proto == OFP_IPPROTO_ICMP && pkt->icmp.type == 8 &&
               pkt->icmp.code == 0) {
        l3_echo(l3, rx, &l3->conf.ifaces[owner], &dst);
    }
}

static void
l3_rx_ip6(struct l3 *l3, const struct l3_rx *rx)
{
    static const uint8_t unspec[16];
    const struct ofp_packet *pkt = rx->pkt;
    const struct l3_conf *c = &l3->conf;
    struct l3_addr dst = l3_addr6(pkt->ipv6.dst);
    struct l3_addr src = l3_addr6(pkt->ipv6.src);
    bool icmp =
        pkt->layer >= OFP_PACKET_L4 && pkt->ip.proto == OFP_IPPROTO_ICMPV6;
    int owner;

    if (icmp && (pkt->icmp.type == OFP_ICMPV6_ND_NS ||
                 pkt->icmp.type == OFP_ICMPV6_ND_NA)) {
        struct l3_addr target = l3_addr6(pkt->nd.target);
        if (pkt->ip.ttl != 255 || pkt->icmp.code != 0) {
            return; /* not from the link (RFC 4861 7.1) */
        }
        if (pkt->icmp.type == OFP_ICMPV6_ND_NA) {
            l3_learn(l3, &target, pkt->nd.tll ? pkt->nd.tll : pkt->eth_src,
                     rx->dpid, rx->in_port, rx->ingress);
            return;
        }
        if (!memcmp(src.b, unspec, 16)) {
            return; /* duplicate address detection */
        }
        l3_learn(l3, &src, pkt->nd.sll ? pkt->nd.sll : pkt->eth_src, rx->dpid,
                 rx->in_port, rx->ingress);
        owner = l3_iface_by_gw(c, &target);
        if (owner >= 0 && owner == rx->ingress) {
            const uint8_t *mac = l3_iface_mac(c, &c->ifaces[owner]);
            size_t len = l3_frame_nd(
                l3->scratch, pkt->nd.sll ? pkt->nd.sll : pkt->eth_src, mac,
                rx->tagged ? rx->vid : 0, rx->pcp, target.b, src.b,
                OFP_ICMPV6_ND_NA, target.b, mac);
            l3_reply(l3, rx->dpid, rx->in_port, rx->tagged, l3->scratch, len);
            l3->nd_adverts++;
        } else if (owner >= 0) {
            char s[INET6_ADDRSTRLEN];
            l3_addr_str(&target, s, sizeof s);
            l3_log_rl(l3, SL_APP_LOG_INFO,
                      "NS for gateway %s (interface "
                      "'%s') from %016" PRIx64 ":%" PRIu32 ": not that "
                      "interface's; ignored",
                      s, c->ifaces[owner].name, rx->dpid, rx->in_port);
        }
        return;
    }
    owner = l3_iface_by_gw(c, &dst);
    if (owner < 0) {
        l3_route(l3, rx, &dst);
    } else if (icmp && pkt->icmp.type == 128 && pkt->icmp.code == 0) {
        l3_echo(l3, rx, &c->ifaces[owner], &dst);
    }
}

static enum sl_verdict
l3_packet_in(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l3 *l3 = aux;
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    struct l3_rx rx;

    (void) ctx;
    if (!ev->msg || ev->msg->packet_in.table_id != l3->t_l3) {
        return SL_CONTINUE;
    }
    if (!pkt || pkt->layer < OFP_PACKET_L3 || !ev->packet_in.in_port ||
        ev->packet_in.in_port > OFPP_MAX) {
        return SL_STOP;
    }
    rx = (struct l3_rx){
        .dpid = ev->dpid,
        .in_port = ev->packet_in.in_port,
        .pkt = pkt,
        .ingress = l3_ingress(l3, ev->dpid, ev->packet_in.in_port, pkt),
        .tagged = pkt->n_vlans > 0,
        .vid = pkt->n_vlans ? pkt->vlans[0].vid : 0,
        .pcp = pkt->n_vlans ? pkt->vlans[0].pcp : 0,
    };
    if (pkt->eth_type == OFP_ETH_TYPE_ARP) {
        l3_rx_arp(l3, &rx);
    } else if (pkt->eth_type == OFP_ETH_TYPE_IPV4) {
        l3_rx_ip4(l3, &rx);
    } else if (pkt->eth_type == OFP_ETH_TYPE_IPV6) {
        l3_rx_ip6(l3, &rx);
    }
    return SL_STOP;
}

/* ---- switches ---- */

static void
l3_state_all(struct l3 *l3, uint64_t dpid)
{
    for (size_t i = 0; i < l3->n_flows; i++) {
        l3_flow_add(l3, dpid, &l3->flows[i]);
    }
}

/* Remembers 'dpid' as a switch we state flows on.  Returns false without
 * memory. */
static bool
l3_dpid_add(struct l3 *l3, uint64_t dpid)
{
    for (size_t i = 0; i < l3->n_dpids; i++) {
        if (l3->dpids[i] == dpid) {
            return true;
        }
    }
    if (l3->n_dpids == l3->cap_dpids) {
        size_t cap = l3->cap_dpids ? 2 * l3->cap_dpids : 16;
        uint64_t *v = realloc(l3->dpids, cap * sizeof *v);
        if (!v) {
            return false;
        }
        l3->dpids = v;
        l3->cap_dpids = cap;
    }
    l3->dpids[l3->n_dpids++] = dpid;
    return true;
}

static enum sl_verdict
l3_switch_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l3 *l3 = aux;

    if (!ev->dpid || !l3_dpid_add(l3, ev->dpid)) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "switch %016" PRIx64 ": out of "
                  "memory",
                  ev->dpid);
        return SL_CONTINUE;
    }
    if (l3->recompute) {
        l3_recompute_now(l3);
    }
    l3_state_all(l3, ev->dpid);
    l3_resolve_unsent(l3);
    l3_resolve_static(l3);
    return SL_CONTINUE;
}

/* ---- configuration from YAML ---- */

/* Copies scalar node 'id' into 'buf'.  Returns false if it is not a
 * scalar, does not fit or holds a NUL. */
static bool
l3_yscalar(const struct sl_app_config *cfg, yaml_node_item_t id, char *buf,
           size_t cap, const yaml_node_t **node)
{
    const yaml_node_t *n = sl_app_config_node(cfg, id);

    if (node) {
        *node = n;
    }
    return au_yaml_scalar(n, buf, cap);
}

/* True if 'n' is YAML's null (a plain "", "~" or "null"). */
static bool
l3_ynull(const yaml_node_t *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

    if (!n || n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return false;
    }
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++) {
        if (sl_app_config_key_is(n, nulls[i])) {
            return true;
        }
    }
    return false;
}

/* Reads a plain decimal scalar in [lo, hi]. */
static bool
l3_yuint(const struct sl_app_config *cfg, yaml_node_item_t id,
         unsigned long lo, unsigned long hi, unsigned long *v)
{
    const yaml_node_t *n;
    char buf[24];
    uint64_t x;

    if (!l3_yscalar(cfg, id, buf, sizeof buf, &n) ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !au_parse_dec(buf, strlen(buf), hi, &x) || x < lo) {
        return false;
    }
    *v = (unsigned long) x;
    return true;
}

static bool
l3_yiface(const struct sl_app_config *cfg, const yaml_node_t *map,
          struct l3_iface *ifc, char *err, size_t errlen)
{
    bool has_ports = false, has_vlan = false;
    char buf[128];

    if (!map || map->type != YAML_MAPPING_NODE) {
        snprintf(err, errlen, "not a mapping");
        return false;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        bool ok = true;

        if (sl_app_config_key_is(k, "name")) {
            ok = l3_yscalar(cfg, p->value, buf, sizeof buf, NULL)
                     ? l3_iface_set_name(ifc, buf, err, errlen)
                     : (snprintf(err, errlen, "name: not a string"), false);
        } else if (sl_app_config_key_is(k, "ports")) {
            has_ports = true;
            if (!v || v->type != YAML_SEQUENCE_NODE) {
                snprintf(err, errlen, "ports: want a list of \"dpid:port\"");
                return false;
            }
            for (const yaml_node_item_t *it = v->data.sequence.items.start;
                 ok && it < v->data.sequence.items.top; it++) {
                ok = l3_yscalar(cfg, *it, buf, sizeof buf, NULL)
                         ? l3_iface_add_port(ifc, buf, err, errlen)
                         : (snprintf(err, errlen,
                                     "ports: want a list of "
                                     "\"dpid:port\""),
                            false);
            }
        } else if (sl_app_config_key_is(k, "vlan")) {
            unsigned long vid;
            has_vlan = true;
            if (!l3_yuint(cfg, p->value, 1, 4094, &vid)) {
                snprintf(err, errlen, "vlan: want 1..4094");
                return false;
            }
            ok = l3_iface_set_vlan(ifc, vid, err, errlen);
        } else if (sl_app_config_key_is(k, "ipv4") ||
                   sl_app_config_key_is(k, "ipv6")) {
            int af = sl_app_config_key_is(k, "ipv4") ? 4 : 6;
            if (l3_ynull(v)) {
                continue;
            }
            ok =
                l3_yscalar(cfg, p->value, buf, sizeof buf, NULL)
                    ? l3_iface_set_gw(ifc, af, buf, err, errlen)
                    : (snprintf(err, errlen, "ipv%d: want ADDRESS/LENGTH", af),
                       false);
        } else if (sl_app_config_key_is(k, "mac")) {
            if (l3_ynull(v)) {
                continue;
            }
            ok = l3_yscalar(cfg, p->value, buf, sizeof buf, NULL)
                     ? l3_iface_set_mac(ifc, buf, err, errlen)
                     : (snprintf(err, errlen, "mac: not a string"), false);
        } else {
            if (k && k->type == YAML_SCALAR_NODE &&
                l3_yscalar(cfg, p->key, buf, 40, NULL)) {
                snprintf(err, errlen,
                         "unknown key '%s' (want name, ports, "
                         "vlan, ipv4, ipv6, mac)",
                         buf);
            } else {
                snprintf(err, errlen, "a key is not a short string");
            }
            return false;
        }
        if (!ok) {
            return false;
        }
    }
    return l3_iface_finish(ifc, has_ports, has_vlan, err, errlen);
}

static bool
l3_yroute(const struct sl_app_config *cfg, const yaml_node_t *map,
          struct l3_sroute *r, char *err, size_t errlen)
{
    char prefix[128] = "", nh[128] = "";
    bool has_prefix = false, has_nh = false;

    if (!map || map->type != YAML_MAPPING_NODE) {
        snprintf(err, errlen, "not a mapping {prefix, next_hop}");
        return false;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        if (sl_app_config_key_is(k, "prefix")) {
            has_prefix =
                l3_yscalar(cfg, p->value, prefix, sizeof prefix, NULL);
            if (!has_prefix) {
                snprintf(err, errlen, "prefix: want ADDRESS/LENGTH");
                return false;
            }
        } else if (sl_app_config_key_is(k, "next_hop")) {
            has_nh = l3_yscalar(cfg, p->value, nh, sizeof nh, NULL);
            if (!has_nh) {
                snprintf(err, errlen, "next_hop: want an address");
                return false;
            }
        } else {
            char buf[40];
            if (l3_yscalar(cfg, p->key, buf, sizeof buf, NULL)) {
                snprintf(err, errlen,
                         "unknown key '%s' (want prefix, "
                         "next_hop)",
                         buf);
            } else {
                snprintf(err, errlen, "a key is not a short string");
            }
            return false;
        }
    }
    if (!has_prefix || !has_nh) {
        snprintf(err, errlen, "want both prefix and next_hop");
        return false;
    }
    return l3_route_parse(r, prefix, nh, err, errlen);
}

/* Reads the app's section into 'c' (initialised with the defaults);
 * assigns route ids from '*next_id'.  Returns false with a message naming
 * the culprit. */
static bool
l3_conf_read(const struct sl_app_config *cfg, struct l3_conf *c,
             uint32_t *next_id, char *err, size_t errlen)
{
    const yaml_node_t *map = cfg ? cfg->node : NULL;
    char msg[L3_ERR];

    if (!map || l3_ynull(map)) {
        return true;
    }
    if (map->type != YAML_MAPPING_NODE) {
        snprintf(err, errlen, "the section is not a mapping");
        return false;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        char buf[64];

        if (sl_app_config_key_is(k, "router_mac")) {
            if (!l3_yscalar(cfg, p->value, buf, sizeof buf, NULL) ||
                !l3_parse_mac(buf, c->router_mac) ||
                !l3_mac_unicast(c->router_mac)) {
                snprintf(err, errlen,
                         "router_mac: want a unicast MAC "
                         "(aa:bb:cc:dd:ee:ff)");
                return false;
            }
        } else if (sl_app_config_key_is(k, "arp_timeout")) {
            if (!l3_yuint(cfg, p->value, 1, 86400, &c->arp_timeout)) {
                snprintf(err, errlen, "arp_timeout: want 1..86400 seconds");
                return false;
            }
        } else if (sl_app_config_key_is(k, "max_pending")) {
            if (!l3_yuint(cfg, p->value, 0, 65536, &c->max_pending)) {
                snprintf(err, errlen, "max_pending: want 0..65536 packets");
                return false;
            }
        } else if (sl_app_config_key_is(k, "interfaces")) {
            if (l3_ynull(v)) {
                continue;
            }
            if (!v || v->type != YAML_SEQUENCE_NODE) {
                snprintf(err, errlen, "interfaces: want a list");
                return false;
            }
            size_t n = (size_t) (v->data.sequence.items.top -
                                 v->data.sequence.items.start);
            if (n > L3_MAX_IFACES) {
                snprintf(err, errlen, "interfaces: more than %d",
                         L3_MAX_IFACES);
                return false;
            }
            for (size_t i = 0; i < c->n_ifaces; i++) {
                l3_iface_uninit(&c->ifaces[i]);
            }
            free(c->ifaces);
            c->n_ifaces = 0;
            c->ifaces = calloc(n + 1, sizeof *c->ifaces);
            if (!c->ifaces) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
            for (size_t i = 0; i < n; i++) {
                struct l3_iface *ifc = &c->ifaces[i];
                c->n_ifaces++;
                if (!l3_yiface(cfg,
                               sl_app_config_node(
                                   cfg, v->data.sequence.items.start[i]),
                               ifc, msg, sizeof msg)) {
                    au_msgf(err, errlen, "interfaces[%zu]%s%s%s: %s", i,
                            ifc->name[0] ? " '" : "", ifc->name,
                            ifc->name[0] ? "'" : "", msg);
                    return false;
                }
                ifc->id4 = ifc->gw4.af ? (*next_id)++ : 0;
                ifc->id6 = ifc->gw6.af ? (*next_id)++ : 0;
            }
        } else if (sl_app_config_key_is(k, "routes")) {
            if (l3_ynull(v)) {
                continue;
            }
            if (!v || v->type != YAML_SEQUENCE_NODE) {
                snprintf(err, errlen, "routes: want a list");
                return false;
            }
            size_t n = (size_t) (v->data.sequence.items.top -
                                 v->data.sequence.items.start);
            if (n > L3_MAX_ROUTES) {
                snprintf(err, errlen, "routes: more than %d", L3_MAX_ROUTES);
                return false;
            }
            free(c->routes);
            c->n_routes = 0;
            c->routes = calloc(n + 1, sizeof *c->routes);
            if (!c->routes) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
            for (size_t i = 0; i < n; i++) {
                if (!l3_yroute(cfg,
                               sl_app_config_node(
                                   cfg, v->data.sequence.items.start[i]),
                               &c->routes[i], msg, sizeof msg)) {
                    au_msgf(err, errlen, "routes[%zu]: %s", i, msg);
                    return false;
                }
                c->routes[i].id = (*next_id)++;
                c->n_routes++;
            }
        } else {
            if (l3_yscalar(cfg, p->key, buf, 40, NULL)) {
                snprintf(err, errlen,
                         "unknown key '%s' (want router_mac, "
                         "interfaces, routes, arp_timeout, max_pending)",
                         buf);
            } else {
                snprintf(err, errlen, "a key is not a short string");
            }
            return false;
        }
    }
    return l3_conf_check(c, err, errlen);
}

/* ---- applying a configuration ---- */

/* Makes 'c' the configuration (taking its memory): neighbours follow,
 * flows are re-stated now, static next hops are resolved. */
static void
l3_commit(struct l3 *l3, struct l3_conf *c)
{
    l3_conf_uninit(&l3->conf);
    l3->conf = *c;
    memset(c, 0, sizeof *c);
    l3_nb_reindex(l3);
    l3_recompute_now(l3);
    l3_resolve_static(l3);
}

/* ---- REST ---- */

/* The body of a 500 when writing a reply ran out of memory. */
static const char l3_oom[] = "{\"error\": \"internal error\", \"detail\": "
                             "\"out of memory\"}";

static void
l3_reply_json(struct l3 *l3, const struct sl_rest_request *req, int status,
              struct aj_w *w)
{
    au_reply(host, l3->ctx, req, status, w, l3_oom);
}

static void
l3_reply_error(struct l3 *l3, const struct sl_rest_request *req, int status,
               const char *detail)
{
    au_reply_error(host, l3->ctx, req, status,
                   status == 404   ? "not found"
                   : status == 400 ? "bad request"
                                   : "error",
                   detail, l3_oom);
}

static void
l3_w_gw(struct aj_w *w, const char *key, const struct l3_addr *gw,
        unsigned plen)
{
    char s[64];

    aj_w_key(w, key);
    if (gw->af) {
        char a[INET6_ADDRSTRLEN];
        l3_addr_str(gw, a, sizeof a);
        snprintf(s, sizeof s, "%s/%u", a, plen);
        aj_w_str(w, s);
    } else {
        aj_w_null(w);
    }
}

static void
l3_w_iface(const struct l3 *l3, struct aj_w *w, const struct l3_iface *ifc)
{
    char s[48];

    aj_w_obj_begin(w);
    aj_w_key(w, "name");
    aj_w_str(w, ifc->name);
    if (ifc->vlan) {
        aj_w_key(w, "vlan");
        aj_w_uint(w, ifc->vlan);
    } else {
        aj_w_key(w, "ports");
        aj_w_arr_begin(w);
        for (size_t i = 0; i < ifc->n_ports; i++) {
            snprintf(s, sizeof s, "%" PRIu64 ":%" PRIu32, ifc->ports[i].dpid,
                     ifc->ports[i].port);
            aj_w_str(w, s);
        }
        aj_w_arr_end(w);
    }
    l3_w_gw(w, "ipv4", &ifc->gw4, ifc->len4);
    l3_w_gw(w, "ipv6", &ifc->gw6, ifc->len6);
    aj_w_key(w, "mac");
    au_mac_str(l3_iface_mac(&l3->conf, ifc), s, sizeof s);
    aj_w_str(w, s);
    aj_w_obj_end(w);
}

/* Writes a route: connected (interface 'ifc', family 'af') or static
 * ('r'). */
static void
l3_w_route(const struct l3 *l3, struct aj_w *w, const struct l3_iface *ifc,
           int af, const struct l3_sroute *r)
{
    char s[64];

    aj_w_obj_begin(w);
    aj_w_key(w, "id");
    if (r) {
        const struct l3_neigh *n = l3_nb_find(l3, &r->nh);
        int x = l3_iface_of(&l3->conf, &r->nh);
        aj_w_uint(w, r->id);
        aj_w_key(w, "prefix");
        l3_prefix_str(&r->prefix, r->plen, s, sizeof s);
        aj_w_str(w, s);
        aj_w_key(w, "next_hop");
        l3_addr_str(&r->nh, s, sizeof s);
        aj_w_str(w, s);
        aj_w_key(w, "type");
        aj_w_str(w, "static");
        aj_w_key(w, "interface");
        aj_w_str(w, x >= 0 ? l3->conf.ifaces[x].name : "");
        aj_w_key(w, "resolved");
        aj_w_bool(w, l3_nb_resolved(n));
    } else {
        unsigned plen;
        struct l3_addr net = *l3_iface_gw(ifc, af, &plen);
        l3_mask(&net, plen);
        aj_w_uint(w, af == 4 ? ifc->id4 : ifc->id6);
        aj_w_key(w, "prefix");
        l3_prefix_str(&net, plen, s, sizeof s);
        aj_w_str(w, s);
        aj_w_key(w, "next_hop");
        aj_w_null(w);
        aj_w_key(w, "type");
        aj_w_str(w, "connected");
        aj_w_key(w, "interface");
        aj_w_str(w, ifc->name);
        aj_w_key(w, "resolved");
        aj_w_bool(w, true);
    }
    aj_w_obj_end(w);
}

/* Parses 'req''s body as JSON: an object.  Returns the tokens (malloc'd,
 * '*n' of them) or NULL after answering 400. */
static struct aj_tok *
l3_body(struct l3 *l3, const struct sl_rest_request *req, size_t *n)
{
    struct aj_tok *toks = malloc(L3_JSON_TOKS * sizeof *toks);
    char err[128], detail[160];
    int error;

    if (!toks) {
        l3_reply_error(l3, req, 500, "out of memory");
        return NULL;
    }
    error = aj_parse(req->body, req->body_len, toks, L3_JSON_TOKS, n, err,
                     sizeof err);
    if (error || toks[0].type != AJ_OBJECT) {
        snprintf(detail, sizeof detail, "body: %s",
                 error == E2BIG ? "too many JSON values"
                 : error        ? err
                                : "want a JSON object");
        l3_reply_error(l3, req, 400, detail);
        free(toks);
        return NULL;
    }
    /* A key given twice would mean whichever the reader takes. */
    int k = 1;
    for (uint32_t i = 0; i < toks[0].size; i++, k = (int) toks[k + 1].next) {
        char key[64];
        int m = (int) toks[k + 1].next;

        if (!aj_string(req->body, &toks[k], key, sizeof key)) {
            continue; /* refused as an unknown field */
        }
        for (uint32_t j = i + 1; j < toks[0].size;
             j++, m = (int) toks[m + 1].next) {
            if (aj_eq(req->body, &toks[m], key)) {
                snprintf(detail, sizeof detail, "body: '%s' given twice", key);
                l3_reply_error(l3, req, 400, detail);
                free(toks);
                return NULL;
            }
        }
    }
    return toks;
}

/* Does 'req' carry a body (anything but white space)? */
static bool
l3_has_body(const struct sl_rest_request *req)
{
    for (size_t i = 0; i < req->body_len; i++) {
        if (!req->body[i] || !strchr(" \t\r\n", req->body[i])) {
            return true;
        }
    }
    return false;
}

/* Reads string member value 't' into 'buf'. */
static bool
l3_jstr(const char *text, const struct aj_tok *t, char *buf, size_t cap)
{
    return t->type == AJ_STRING && aj_string(text, t, buf, cap);
}

static bool
l3_jiface(const char *text, const struct aj_tok *toks, struct l3_iface *ifc,
          char *err, size_t errlen)
{
    bool has_ports = false, has_vlan = false;
    char buf[128], key[40];
    int k = 1;

    for (uint32_t i = 0; i < toks[0].size; i++, k = (int) toks[k + 1].next) {
        const struct aj_tok *v = &toks[k + 1];
        bool ok = true;

        if (aj_eq(text, &toks[k], "name")) {
            ok = l3_jstr(text, v, buf, sizeof buf)
                     ? l3_iface_set_name(ifc, buf, err, errlen)
                     : (snprintf(err, errlen, "name: want a string"), false);
        } else if (aj_eq(text, &toks[k], "ports")) {
            has_ports = true;
            if (v->type != AJ_ARRAY) {
                snprintf(err, errlen,
                         "ports: want an array of "
                         "\"dpid:port\"");
                return false;
            }
            int e = k + 2;
            for (uint32_t j = 0; ok && j < v->size;
                 j++, e = (int) toks[e].next) {
                ok = l3_jstr(text, &toks[e], buf, sizeof buf)
                         ? l3_iface_add_port(ifc, buf, err, errlen)
                         : (snprintf(err, errlen,
                                     "ports[%u]: want a string "
                                     "\"dpid:port\"",
                                     j),
                            false);
            }
        } else if (aj_eq(text, &toks[k], "vlan")) {
            uint64_t vid;
            if (v->type == AJ_NULL) {
                continue;
            }
            has_vlan = true;
            ok = v->type == AJ_NUMBER && aj_uint64(text, v, &vid)
                     ? l3_iface_set_vlan(ifc, vid, err, errlen)
                     : (snprintf(err, errlen, "vlan: want 1..4094"), false);
        } else if (aj_eq(text, &toks[k], "ipv4") ||
                   aj_eq(text, &toks[k], "ipv6")) {
            int af = aj_eq(text, &toks[k], "ipv4") ? 4 : 6;
            if (v->type == AJ_NULL) {
                continue;
            }
            ok = l3_jstr(text, v, buf, sizeof buf)
                     ? l3_iface_set_gw(ifc, af, buf, err, errlen)
                     : (snprintf(err, errlen, "ipv%d: want \"ADDRESS/LENGTH\"",
                                 af),
                        false);
        } else if (aj_eq(text, &toks[k], "mac")) {
            if (v->type == AJ_NULL) {
                continue;
            }
            ok = l3_jstr(text, v, buf, sizeof buf)
                     ? l3_iface_set_mac(ifc, buf, err, errlen)
                     : (snprintf(err, errlen, "mac: want a string"), false);
        } else {
            if (!aj_string(text, &toks[k], key, sizeof key)) {
                snprintf(key, sizeof key, "...");
            }
            snprintf(err, errlen,
                     "unknown field '%s' (want name, ports, "
                     "vlan, ipv4, ipv6, mac)",
                     key);
            return false;
        }
        if (!ok) {
            return false;
        }
    }
    return l3_iface_finish(ifc, has_ports, has_vlan, err, errlen);
}

static void
l3_rest_ifaces_get(struct sl_ctx *ctx, const struct sl_rest_request *req,
                   void *aux)
{
    struct l3 *l3 = aux;
    struct aj_w w;

    (void) ctx;
    aj_w_init(&w);
    if (req->n_params) {
        int x = l3_iface_by_name(&l3->conf, req->param_values[0]);
        if (x < 0) {
            l3_reply_error(l3, req, 404, "no such interface");
            return;
        }
        l3_w_iface(l3, &w, &l3->conf.ifaces[x]);
    } else {
        aj_w_arr_begin(&w);
        for (size_t i = 0; i < l3->conf.n_ifaces; i++) {
            l3_w_iface(l3, &w, &l3->conf.ifaces[i]);
        }
        aj_w_arr_end(&w);
    }
    l3_reply_json(l3, req, 200, &w);
}

static void
l3_rest_ifaces_post(struct sl_ctx *ctx, const struct sl_rest_request *req,
                    void *aux)
{
    struct l3 *l3 = aux;
    struct l3_conf c;
    struct l3_iface ifc;
    struct aj_tok *toks;
    char err[L3_ERR];
    size_t n;

    (void) ctx;
    toks = l3_body(l3, req, &n);
    if (!toks) {
        return;
    }
    memset(&ifc, 0, sizeof ifc);
    if (!l3_jiface(req->body, toks, &ifc, err, sizeof err)) {
        free(toks);
        l3_iface_uninit(&ifc);
        l3_reply_error(l3, req, 400, err);
        return;
    }
    free(toks);
    if (!l3_conf_copy(&c, &l3->conf)) {
        l3_iface_uninit(&ifc);
        l3_reply_error(l3, req, 500, "out of memory");
        return;
    }
    c.ifaces[c.n_ifaces++] = ifc; /* 'c' owns its ports now */
    if (!l3_conf_check(&c, err, sizeof err)) {
        l3_conf_uninit(&c);
        l3_reply_error(l3, req, 400, err);
        return;
    }
    struct l3_iface *added = &c.ifaces[c.n_ifaces - 1];
    added->id4 = added->gw4.af ? l3->next_id++ : 0;
    added->id6 = added->gw6.af ? l3->next_id++ : 0;
    host->log(l3->ctx, SL_APP_LOG_INFO, "interface '%s' added", added->name);
    l3_commit(l3, &c);

    struct aj_w w;
    aj_w_init(&w);
    l3_w_iface(l3, &w, &l3->conf.ifaces[l3->conf.n_ifaces - 1]);
    l3_reply_json(l3, req, 201, &w);
}

static void
l3_rest_ifaces_delete(struct sl_ctx *ctx, const struct sl_rest_request *req,
                      void *aux)
{
    struct l3 *l3 = aux;
    struct l3_conf c;
    struct aj_w w;
    int x = l3_iface_by_name(&l3->conf, req->param_values[0]);
    size_t dropped = 0;

    (void) ctx;
    if (l3_has_body(req)) {
        l3_reply_error(l3, req, 400,
                       "DELETE /interfaces/{name} takes no body");
        return;
    }
    if (x < 0) {
        l3_reply_error(l3, req, 404, "no such interface");
        return;
    }
    aj_w_init(&w);
    l3_w_iface(l3, &w, &l3->conf.ifaces[x]);
    if (!l3_conf_copy(&c, &l3->conf)) {
        aj_w_free(&w);
        l3_reply_error(l3, req, 500, "out of memory");
        return;
    }
    l3_iface_uninit(&c.ifaces[x]);
    memmove(&c.ifaces[x], &c.ifaces[x + 1],
            (c.n_ifaces - (size_t) x - 1) * sizeof *c.ifaces);
    c.n_ifaces--;
    /* Static routes via its subnets go with it. */
    size_t k = 0;
    for (size_t i = 0; i < c.n_routes; i++) {
        if (l3_iface_of(&c, &c.routes[i].nh) >= 0) {
            c.routes[k++] = c.routes[i];
        } else {
            dropped++;
        }
    }
    c.n_routes = k;
    host->log(l3->ctx, SL_APP_LOG_INFO,
              "interface '%s' deleted (and %zu "
              "static routes)",
              req->param_values[0], dropped);
    l3_commit(l3, &c);
    l3_reply_json(l3, req, 200, &w);
}

static void
l3_rest_routes_get(struct sl_ctx *ctx, const struct sl_rest_request *req,
                   void *aux)
{
    struct l3 *l3 = aux;
    const struct l3_conf *c = &l3->conf;
    struct aj_w w;

    (void) ctx;
    aj_w_init(&w);
    if (req->n_params) {
        uint64_t id;
        if (au_parse_u64(req->param_values[0], UINT32_MAX, &id)) {
            l3_reply_error(l3, req, 404, "no such route");
            return;
        }
        for (size_t i = 0; i < c->n_ifaces; i++) {
            const struct l3_iface *ifc = &c->ifaces[i];
            if ((ifc->gw4.af && ifc->id4 == id) ||
                (ifc->gw6.af && ifc->id6 == id)) {
                l3_w_route(l3, &w, ifc, ifc->id4 == id ? 4 : 6, NULL);
                l3_reply_json(l3, req, 200, &w);
                return;
            }
        }
        for (size_t i = 0; i < c->n_routes; i++) {
            if (c->routes[i].id == id) {
                l3_w_route(l3, &w, NULL, 0, &c->routes[i]);
                l3_reply_json(l3, req, 200, &w);
                return;
            }
        }
        l3_reply_error(l3, req, 404, "no such route");
        return;
    }
    aj_w_arr_begin(&w);
    for (size_t i = 0; i < c->n_ifaces; i++) {
        if (c->ifaces[i].gw4.af) {
            l3_w_route(l3, &w, &c->ifaces[i], 4, NULL);
        }
        if (c->ifaces[i].gw6.af) {
            l3_w_route(l3, &w, &c->ifaces[i], 6, NULL);
        }
    }
    for (size_t i = 0; i < c->n_routes; i++) {
        l3_w_route(l3, &w, NULL, 0, &c->routes[i]);
    }
    aj_w_arr_end(&w);
    l3_reply_json(l3, req, 200, &w);
}

static void
l3_rest_routes_post(struct sl_ctx *ctx, const struct sl_rest_request *req,
                    void *aux)
{
    struct l3 *l3 = aux;
    char prefix[128], nh[128], err[L3_ERR], key[40];
    bool has_prefix = false, has_nh = false;
    struct l3_sroute r;
    struct l3_conf c;
    struct aj_tok *toks;
    size_t n;
    int k = 1;

    (void) ctx;
    toks = l3_body(l3, req, &n);
    if (!toks) {
        return;
    }
    for (uint32_t i = 0; i < toks[0].size; i++, k = (int) toks[k + 1].next) {
        const struct aj_tok *v = &toks[k + 1];
        if (aj_eq(req->body, &toks[k], "prefix")) {
            has_prefix = l3_jstr(req->body, v, prefix, sizeof prefix);
            if (!has_prefix) {
                snprintf(err, sizeof err, "prefix: want \"ADDRESS/LENGTH\"");
                goto bad;
            }
        } else if (aj_eq(req->body, &toks[k], "next_hop")) {
            has_nh = l3_jstr(req->body, v, nh, sizeof nh);
            if (!has_nh) {
                snprintf(err, sizeof err, "next_hop: want an address string");
                goto bad;
            }
        } else {
            if (!aj_string(req->body, &toks[k], key, sizeof key)) {
                snprintf(key, sizeof key, "...");
            }
            snprintf(err, sizeof err,
                     "unknown field '%s' (want prefix, "
                     "next_hop)",
                     key);
            goto bad;
        }
    }
    if (!has_prefix || !has_nh) {
        snprintf(err, sizeof err, "%s missing",
                 has_prefix ? "next_hop" : "prefix");
        goto bad;
    }
    if (!l3_route_parse(&r, prefix, nh, err, sizeof err)) {
        goto bad;
    }
    free(toks);
    toks = NULL;
    if (!l3_conf_copy(&c, &l3->conf)) {
        l3_reply_error(l3, req, 500, "out of memory");
        return;
    }
    c.routes[c.n_routes++] = r;
    if (!l3_conf_check(&c, err, sizeof err)) {
        l3_conf_uninit(&c);
        goto bad;
    }
    c.routes[c.n_routes - 1].id = l3->next_id++;
    host->log(l3->ctx, SL_APP_LOG_INFO, "route %s via %s added", prefix, nh);
    l3_commit(l3, &c);

    struct aj_w w;
    aj_w_init(&w);
    l3_w_route(l3, &w, NULL, 0, &l3->conf.routes[l3->conf.n_routes - 1]);
    l3_reply_json(l3, req, 201, &w);
    return;

bad:
    free(toks);
    l3_reply_error(l3, req, 400, err);
}

static void
l3_rest_routes_delete(struct sl_ctx *ctx, const struct sl_rest_request *req,
                      void *aux)
{
    struct l3 *l3 = aux;
    struct l3_conf c;
    struct aj_w w;
    uint64_t id;

    (void) ctx;
    if (l3_has_body(req)) {
        l3_reply_error(l3, req, 400, "DELETE /routes/{id} takes no body");
        return;
    }
    if (au_parse_u64(req->param_values[0], UINT32_MAX, &id)) {
        l3_reply_error(l3, req, 404, "no such route");
        return;
    }
    for (size_t i = 0; i < l3->conf.n_ifaces; i++) {
        const struct l3_iface *ifc = &l3->conf.ifaces[i];
        if ((ifc->gw4.af && ifc->id4 == id) ||
            (ifc->gw6.af && ifc->id6 == id)) {
            l3_reply_error(l3, req, 400,
                           "a connected route goes with its "
                           "interface: delete the interface");
            return;
        }
    }
    for (size_t i = 0; i < l3->conf.n_routes; i++) {
        if (l3->conf.routes[i].id != id) {
            continue;
        }
        aj_w_init(&w);
        l3_w_route(l3, &w, NULL, 0, &l3->conf.routes[i]);
        if (!l3_conf_copy(&c, &l3->conf)) {
            aj_w_free(&w);
            l3_reply_error(l3, req, 500, "out of memory");
            return;
        }
        memmove(&c.routes[i], &c.routes[i + 1],
                (c.n_routes - i - 1) * sizeof *c.routes);
        c.n_routes--;
        host->log(l3->ctx, SL_APP_LOG_INFO, "route %" PRIu64 " deleted", id);
        l3_commit(l3, &c);
        l3_reply_json(l3, req, 200, &w);
        return;
    }
    l3_reply_error(l3, req, 404, "no such route");
}

static void
l3_rest_neighbors(struct sl_ctx *ctx, const struct sl_rest_request *req,
                  void *aux)
{
    static const char *const states[] = {"incomplete", "reachable", "probe"};
    struct l3 *l3 = aux;
    double now = host->now(ctx);
    struct aj_w w;
    char s[INET6_ADDRSTRLEN];

    aj_w_init(&w);
    aj_w_arr_begin(&w);
    for (size_t b = 0; b < L3_NB_BUCKETS; b++) {
        for (const struct l3_neigh *n = l3->nb[b]; n; n = n->next) {
            aj_w_obj_begin(&w);
            aj_w_key(&w, "ip");
            l3_addr_str(&n->ip, s, sizeof s);
            aj_w_str(&w, s);
            aj_w_key(&w, "mac");
            if (l3_nb_resolved(n)) {
                au_mac_str(n->mac, s, sizeof s);
                aj_w_str(&w, s);
            } else {
                aj_w_null(&w);
            }
            aj_w_key(&w, "interface");
            aj_w_str(&w, n->ifx >= 0 ? l3->conf.ifaces[n->ifx].name : "");
            aj_w_key(&w, "state");
            aj_w_str(&w, states[n->state]);
            aj_w_key(&w, "age");
            if (l3_nb_resolved(n)) {
                aj_w_double(&w, now - n->confirmed);
            } else {
                aj_w_null(&w);
            }
            aj_w_key(&w, "dpid");
            snprintf(s, sizeof s, "%016" PRIx64, n->dpid);
            aj_w_str(&w, s);
            aj_w_key(&w, "port");
            aj_w_uint(&w, n->port);
            aj_w_key(&w, "pending");
            aj_w_uint(&w, n->n_q);
            aj_w_obj_end(&w);
        }
    }
    aj_w_arr_end(&w);
    l3_reply_json(l3, req, 200, &w);
}

/* ---- metrics ---- */

static void
l3_metrics(struct sl_ctx *ctx, struct sl_metrics *m, void *aux)
{
    static const struct {
        const char *name, *help;
        size_t ofs;
    } counters[] = {
        {"arp_requests_sent_total", "ARP requests sent to resolve neighbours",
         offsetof(struct l3, arp_requests)},
        {"nd_solicits_sent_total", "Neighbor Solicitations sent",
         offsetof(struct l3, nd_solicits)},
        {"arp_replies_sent_total", "ARP replies sent for gateway addresses",
         offsetof(struct l3, arp_replies)},
        {"nd_adverts_sent_total",
         "Neighbor Advertisements sent for gateway "
         "addresses",
         offsetof(struct l3, nd_adverts)},
        {"echo_replies_total", "ICMP and ICMPv6 echo replies sent",
         offsetof(struct l3, echo_replies)},
        {"routed_by_controller_total", "packets the controller routed",
         offsetof(struct l3, routed)},
    };
    struct l3 *l3 = aux;
    size_t n_routes = l3->conf.n_routes;

    (void) ctx;
    for (size_t i = 0; i < sizeof counters / sizeof *counters; i++) {
        const uint64_t *v =
            (const uint64_t *) (const void *) ((const char *) l3 +
                                               counters[i].ofs);
        host->metric_family(m, counters[i].name, "counter", counters[i].help);
        host->metric_sample(m, NULL, (double) *v);
    }
    host->metric_family(m, "pending", "gauge",
                        "packets waiting for a neighbour's MAC");
    host->metric_sample(m, NULL, (double) l3->n_pending);
    host->metric_family(m, "dropped_total", "counter",
                        "packets the router dropped, by reason");
    host->metric_sample(m, (const char *[]){"reason", "queue_full", NULL},
                        (double) l3->drop_queue_full);
    host->metric_sample(m, (const char *[]){"reason", "unresolved", NULL},
                        (double) l3->drop_unresolved);
    host->metric_sample(m, (const char *[]){"reason", "ttl", NULL},
                        (double) l3->drop_ttl);
    host->metric_sample(m, (const char *[]){"reason", "no_route", NULL},
                        (double) l3->drop_no_route);
    for (size_t i = 0; i < l3->conf.n_ifaces; i++) {
        n_routes += (l3->conf.ifaces[i].gw4.af != 0) +
                    (l3->conf.ifaces[i].gw6.af != 0);
    }
    host->metric_family(m, "routes", "gauge", "connected and static routes");
    host->metric_sample(m, NULL, (double) n_routes);
    host->metric_family(m, "neighbors", "gauge", "resolved neighbours");
    host->metric_sample(m, NULL, (double) l3->n_resolved);
}

/* ---- lifecycle ---- */

static int
l3_init(struct sl_ctx *ctx, const struct sl_host *h,
        const struct sl_app_config *cfg)
{
    struct l3 *l3 = calloc(1, sizeof *l3);
    char err[L3_ERR];

    host = h;
    if (!l3) {
        return ENOMEM;
    }
    host->set_data(ctx, l3);
    l3->ctx = ctx;
    l3->next_id = 1;
    l3->rl_tokens = 10;
    l3->rl_last = host->now(ctx);
    l3_conf_init(&l3->conf);
    l3->t_l3 = host->table_id(ctx, "l3");
    l3->t_l2 = host->table_id(ctx, "l2");
    if (l3->t_l3 < 0 || l3->t_l2 < 0) {
        host->log(ctx, SL_APP_LOG_ERR, "no pipeline table \"%s\"",
                  l3->t_l3 < 0 ? "l3" : "l2");
        return ENOENT;
    }
    if (!l3_conf_read(cfg, &l3->conf, &l3->next_id, err, sizeof err)) {
        host->log(ctx, SL_APP_LOG_ERR, "config: %s", err);
        return EINVAL;
    }

    static const struct {
        unsigned methods;
        const char *pattern;
        sl_rest_handler *handler;
    } routes[] = {
        {SL_REST_GET, "/interfaces", l3_rest_ifaces_get},
        {SL_REST_POST, "/interfaces", l3_rest_ifaces_post},
        {SL_REST_GET, "/interfaces/{name}", l3_rest_ifaces_get},
        {SL_REST_DELETE, "/interfaces/{name}", l3_rest_ifaces_delete},
        {SL_REST_GET, "/routes", l3_rest_routes_get},
        {SL_REST_POST, "/routes", l3_rest_routes_post},
        {SL_REST_GET, "/routes/{id}", l3_rest_routes_get},
        {SL_REST_DELETE, "/routes/{id}", l3_rest_routes_delete},
        {SL_REST_GET, "/neighbors", l3_rest_neighbors},
    };
    int error = 0;
    for (size_t i = 0; !error && i < sizeof routes / sizeof *routes; i++) {
        error = host->rest_route(ctx, routes[i].methods, routes[i].pattern,
                                 routes[i].handler, l3);
    }
    if (!error) {
        error = host->subscribe(ctx, SL_EV_PACKET_IN, 200, l3_packet_in, l3);
    }
    if (!error) {
        error = host->subscribe(ctx, SL_EV_SWITCH_UP, 0, l3_switch_up, l3);
    }
    if (!error) {
        error = host->metrics_register(ctx, l3_metrics, l3);
    }
    if (error) {
        host->log(ctx, SL_APP_LOG_ERR, "registering with the host: %s",
                  strerror(error));
        return error;
    }
    return 0;
}

static int
l3_start(struct sl_ctx *ctx)
{
    struct l3 *l3 = host->get_data(ctx);
    uint64_t dpids[256];
    size_t n = host->switch_list(ctx, dpids, 256);

    l3_recompute_now(l3);
    for (size_t i = 0; i < n && i < 256; i++) {
        if (l3_dpid_add(l3, dpids[i])) {
            l3_state_all(l3, dpids[i]);
        }
    }
    l3_resolve_static(l3);
    host->log(ctx, SL_APP_LOG_INFO,
              "%zu interfaces, %zu static routes, "
              "%zu flows per switch",
              l3->conf.n_ifaces, l3->conf.n_routes, l3->n_flows);
    return 0;
}

static void
l3_stop(struct sl_ctx *ctx)
{
    struct l3 *l3 = host->get_data(ctx);

    if (!l3) {
        return;
    }
    l3->stopped = true;
    if (l3->recompute) {
        host->timer_cancel(ctx, l3->recompute);
        l3->recompute = NULL;
    }
    for (size_t b = 0; b < L3_NB_BUCKETS; b++) {
        for (struct l3_neigh *n = l3->nb[b]; n; n = n->next) {
            if (n->timer) {
                host->timer_cancel(ctx, n->timer);
                n->timer = NULL;
            }
        }
    }
}

static void
l3_fini(struct sl_ctx *ctx)
{
    struct l3 *l3 = host->get_data(ctx);

    if (!l3) {
        return;
    }
    for (size_t b = 0; b < L3_NB_BUCKETS; b++) {
        while (l3->nb[b]) {
            struct l3_neigh *n = l3->nb[b];
            struct l3_pkt *p;
            l3->nb[b] = n->next;
            while ((p = l3_q_pop(l3, n))) {
                free(p);
            }
            free(n); /* its timer is gone: stop, or the host's unwind */
        }
    }
    l3_conf_uninit(&l3->conf);
    free(l3->flows);
    free(l3->dpids);
    free(l3);
    host->set_data(ctx, NULL);
}

/* Keeps the ids of routes that stay the same in the new 'c'. */
static void
l3_keep_ids(const struct l3_conf *old, struct l3_conf *c)
{
    for (size_t i = 0; i < c->n_ifaces; i++) {
        struct l3_iface *ifc = &c->ifaces[i];
        int x = l3_iface_by_name(old, ifc->name);
        if (x < 0) {
            continue;
        }
        const struct l3_iface *o = &old->ifaces[x];
        if (ifc->gw4.af && o->gw4.af) {
            ifc->id4 = o->id4;
        }
        if (ifc->gw6.af && o->gw6.af) {
            ifc->id6 = o->id6;
        }
    }
    for (size_t i = 0; i < c->n_routes; i++) {
        for (size_t j = 0; j < old->n_routes; j++) {
            if (c->routes[i].plen == old->routes[j].plen &&
                l3_addr_eq(&c->routes[i].prefix, &old->routes[j].prefix)) {
                c->routes[i].id = old->routes[j].id;
            }
        }
    }
}

static int
l3_reconfigure(struct sl_ctx *ctx, const struct sl_app_config *cfg)
{
    struct l3 *l3 = host->get_data(ctx);
    struct l3_conf c;
    char err[L3_ERR];

    l3_conf_init(&c);
    if (!l3_conf_read(cfg, &c, &l3->next_id, err, sizeof err)) {
        host->log(ctx, SL_APP_LOG_ERR, "config: %s (the old one stays)", err);
        l3_conf_uninit(&c);
        return EINVAL;
    }
    l3_keep_ids(&l3->conf, &c);
    l3_commit(l3, &c);
    host->log(ctx, SL_APP_LOG_INFO,
              "reconfigured: %zu interfaces, %zu "
              "static routes",
              l3->conf.n_ifaces, l3->conf.n_routes);
    return 0;
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "l3_routing",
    .description = "distributed IPv4/IPv6 router in table l3",
    .init = l3_init,
    .start = l3_start,
    .stop = l3_stop,
    .fini = l3_fini,
    .reconfigure = l3_reconfigure,
};
