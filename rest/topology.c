/* rest/topology: see topology.h.
 *
 * Two families over the same data.  Ryu's rest_topology shapes (GET
 * /v1.0/topology/...) are lists of SWITCH {"dpid", "ports": [PORT]},
 * LINK {"src": PORT, "dst": PORT} and HOST {"mac", "ipv4", "ipv6",
 * "port": PORT}, with PORT {"dpid": 16 hex digits, "port_no": 8 hex
 * digits, "hw_addr", "name"}; reserved ports (LOCAL) are not listed, and
 * a dpid that is not connected gets [] as from Ryu.  The native shapes
 * (/api/v1/topology, /summary, /paths) use rest/native.c's conventions:
 * dpids as 16 hex digits, port numbers as integers ("LOCAL"), ISO 8601
 * times.
 *
 * Nothing is cached: switches and port tables come from the sessions,
 * links, roles, hosts and paths from the topology, each request reading
 * what it needs once. */
#include <config.h>
#include "rest/topology.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "controller/log.h"
#include "controller/util.h"
#include "rest/native-private.h"
#include "topology/topo.h"

SL_LOG_MODULE(rest_topology);

struct rest_topology {
    struct rest_server *server; /* borrowed */
    struct sl_controller *ctl;  /* borrowed */
};

/* ---- parsing ---- */

/* Parses a dpid as native URLs spell it: 16 hex digits (Ryu's form), "0x"
 * and 1 to 16 hex digits, or a decimal number.  Returns true with it in
 * '*dpid'. */
static bool
topology_parse_dpid(const char *s, uint64_t *dpid)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    size_t len = strlen(s);
    const char *digits = s;
    int base = 10;

    if (len == 16 && strspn(s, hex) == 16) {
        base = 16;
    } else if (len > 2 && len <= 18 && s[0] == '0' &&
               (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        digits = s + 2;
        if (strspn(digits, hex) != len - 2) {
            return false;
        }
    } else if (len == 0 || len > 20 || strspn(s, "0123456789") != len) {
        return false;
    }

    errno = 0;
    char *end;
    unsigned long long v = strtoull(digits, &end, base);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    *dpid = v;
    return true;
}

/* Parses a MAC address "aa:bb:cc:dd:ee:ff" (or with '-').  Returns true
 * with it in 'mac'. */
static bool
topology_parse_mac(const char *s, uint8_t mac[6])
{
    static const char hex[] = "0123456789abcdefABCDEF";

    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *p = s + 3 * i;
        char byte[3] = {p[0], p[1], '\0'};

        if (strspn(byte, hex) != 2 || (i < 5 && p[2] != ':' && p[2] != '-') ||
            (i > 0 && p[-1] != s[2])) {
            return false;
        }
        mac[i] = (uint8_t) strtoul(byte, NULL, 16);
    }
    return true;
}

/* ---- JSON pieces ---- */

json_t *
rest_topology_json_mac(const uint8_t a[6])
{
    char text[18];

    snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1],
             a[2], a[3], a[4], a[5]);
    return json_string(text);
}

json_t *
rest_topology_json_vlan(uint16_t vlan)
{
    return vlan == SL_HOST_NO_VLAN ? json_null() : json_integer(vlan);
}

json_t *
rest_topology_json_ipv4s(const struct sl_topo_host *host)
{
    json_t *list = json_array();

    for (size_t i = 0; i < host->n_ipv4 && i < SL_HOST_MAX_ADDRS; i++) {
        char text[INET_ADDRSTRLEN];
        uint32_t ip = htonl(host->ipv4[i]);

        inet_ntop(AF_INET, &ip, text, sizeof text);
        json_array_append_new(list, json_string(text));
    }
    return list;
}

json_t *
rest_topology_json_ipv6s(const struct sl_topo_host *host)
{
    json_t *list = json_array();

    for (size_t i = 0; i < host->n_ipv6 && i < SL_HOST_MAX_ADDRS; i++) {
        char text[INET6_ADDRSTRLEN];

        inet_ntop(AF_INET6, host->ipv6[i], text, sizeof text);
        json_array_append_new(list, json_string(text));
    }
    return list;
}

/* A port number on a path: the number, or null for 0 (none). */
static json_t *
topology_json_hop_port(uint32_t port_no)
{
    return port_no ? rest_native_json_port_no(port_no) : json_null();
}

/* Ryu's PORT for port 'port_no' of switch 'dpid', with the hardware
 * address and name of the switch's port table ("" when unknown). */
static json_t *
topology_ryu_port(struct sl_controller *ctl, uint64_t dpid, uint32_t port_no)
{
    struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);
    const struct ofp_port *port = dp ? sl_datapath_port(dp, port_no) : NULL;
    char no[9];
    json_t *j = json_object();

    snprintf(no, sizeof no, "%08" PRIx32, port_no);
    json_object_set_new(j, "dpid", rest_native_json_dpid(dpid));
    json_object_set_new(j, "port_no", json_string(no));
    if (port != NULL) {
        json_object_set_new(j, "hw_addr",
                            rest_topology_json_mac(port->hw_addr));
        json_object_set_new(j, "name", rest_native_json_str(port->name));
    } else {
        json_object_set_new(j, "hw_addr", json_string(""));
        json_object_set_new(j, "name", json_string(""));
    }
    return j;
}

/* ---- what the topology holds, as arrays owned by the caller ---- */

/* Returns the links leaving 'dpid' (0: all), sorted by (src_dpid,
 * src_port), in a new array (free()) of '*n' links. */
static struct sl_link *
topology_links(const struct topo *t, uint64_t dpid, size_t *n)
{
    size_t max = t ? topo_stats(t)->n_links + 1 : 1;
    struct sl_link *links = sl_xcalloc(max, sizeof *links);

    *n = 0;
    if (t == NULL) {
        return links;
    }
    for (;;) {
        size_t got = topo_links(t, dpid, links, max);
        if (got <= max) {
            *n = got;
            return links;
        }
        max = got;
        links = sl_xrealloc(links, max * sizeof *links);
    }
}

/* Returns the hosts attached to 'dpid' (0: all), sorted by (dpid,
 * port_no, mac, vlan), in a new array (free()) of '*n' borrowed
 * pointers. */
static const struct sl_topo_host **
topology_hosts(const struct topo *t, uint64_t dpid, size_t *n)
{
    size_t max = t ? topo_stats(t)->n_hosts + 1 : 1;
    const struct sl_topo_host **hosts = sl_xcalloc(max, sizeof *hosts);

    *n = 0;
    if (t == NULL) {
        return hosts;
    }
    for (;;) {
        size_t got = topo_hosts(t, dpid, hosts, max);
        if (got <= max) {
            *n = got;
            return hosts;
        }
        max = got;
        hosts = sl_xrealloc(hosts, max * sizeof *hosts);
    }
}

/* Returns the dpids of the READY sessions, sorted, in a new array
 * (free()) of '*n'. */
static uint64_t *
topology_dpids(struct sl_controller *ctl, size_t *n)
{
    size_t max = sl_datapaths_list(&ctl->dps, NULL, 0);
    uint64_t *dpids = sl_xcalloc(max + 1, sizeof *dpids);

    *n = sl_datapaths_list(&ctl->dps, dpids, max);
    if (*n > max) {
        *n = max;
    }
    return dpids;
}

/* Reads the optional path parameter "dpid" of 'req' into '*dpid' (0 when
 * absent).  Returns false after replying 400 when it is not a dpid. */
static bool
topology_dpid_param(struct rest_req *req, uint64_t *dpid)
{
    const char *text = rest_req_param(req, "dpid");

    *dpid = 0;
    if (text != NULL && !topology_parse_dpid(text, dpid)) {
        rest_reply_error(req, 400, "bad dpid",
                         "'%s' is not 16 hex digits, 0x-hex or decimal", text);
        return false;
    }
    return true;
}

/* ---- Ryu: /v1.0/topology/... ---- */

/* Ryu's SWITCH for the READY session 'dp'. */
static json_t *
topology_ryu_switch(const struct sl_datapath *dp)
{
    const struct sl_switch *sw = sl_datapath_switch(dp);
    json_t *j = json_object();
    json_t *ports = json_array();

    json_object_set_new(j, "dpid", rest_native_json_dpid(sw->dpid));
    for (size_t i = 0; i < sw->n_ports; i++) {
        const struct ofp_port *port = &sw->ports[i];
        char no[9];

        if (port->port_no > OFPP_MAX) {
            continue;
        }
        json_t *p = json_object();
        snprintf(no, sizeof no, "%08" PRIx32, port->port_no);
        json_object_set_new(p, "dpid", rest_native_json_dpid(sw->dpid));
        json_object_set_new(p, "port_no", json_string(no));
        json_object_set_new(p, "hw_addr",
                            rest_topology_json_mac(port->hw_addr));
        json_object_set_new(p, "name", rest_native_json_str(port->name));
        json_array_append_new(ports, p);
    }
    json_object_set_new(j, "ports", ports);
    return j;
}

static void
topology_ryu_switches(struct rest_req *req, void *module_)
{
    struct rest_topology *module = module_;
    struct sl_controller *ctl = module->ctl;
    json_t *list = json_array();
    uint64_t dpid;

    if (!topology_dpid_param(req, &dpid)) {
        json_decref(list);
        return;
    }
    if (rest_req_param(req, "dpid") != NULL) {
        struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpid);
        if (dp != NULL) {
            json_array_append_new(list, topology_ryu_switch(dp));
        }
    } else {
        size_t n;
        uint64_t *dpids = topology_dpids(ctl, &n);
        for (size_t i = 0; i < n; i++) {
            struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpids[i]);
            if (dp != NULL) {
                json_array_append_new(list, topology_ryu_switch(dp));
            }
        }
        free(dpids);
    }
    rest_reply_json(req, 200, list);
}

static void
topology_ryu_links(struct rest_req *req, void *module_)
{
    struct rest_topology *module = module_;
    struct sl_controller *ctl = module->ctl;
    uint64_t dpid;
    size_t n;

    if (!topology_dpid_param(req, &dpid)) {
        return;
    }
    bool one = rest_req_param(req, "dpid") != NULL;
    json_t *list = json_array();
    struct sl_link *links = NULL;
    /* topo_links() takes 0 for "all": a switch whose dpid is 0 has none
     * to show here. */
    if (!one || dpid != 0) {
        links = topology_links(ctl->topo, dpid, &n);
        for (size_t i = 0; i < n; i++) {
            const struct sl_link *l = &links[i];
            json_t *j = json_object();

            json_object_set_new(
                j, "src", topology_ryu_port(ctl, l->src_dpid, l->src_port));
            json_object_set_new(
                j, "dst", topology_ryu_port(ctl, l->dst_dpid, l->dst_port));
            json_array_append_new(list, j);
        }
    }
    free(links);
    rest_reply_json(req, 200, list);
}

static void
topology_ryu_hosts(struct rest_req *req, void *module_)
{
    struct rest_topology *module = module_;
    struct sl_controller *ctl = module->ctl;
    uint64_t dpid;
    size_t n;

    if (!topology_dpid_param(req, &dpid)) {
        return;
    }
    bool one = rest_req_param(req, "dpid") != NULL;
    json_t *list = json_array();
    const struct sl_topo_host **hosts = NULL;
    if (!one || dpid != 0) {
        hosts = topology_hosts(ctl->topo, dpid, &n);
        for (size_t i = 0; i < n; i++) {
            const struct sl_topo_host *h = hosts[i];
            json_t *j = json_object();

            json_object_set_new(j, "mac", rest_topology_json_mac(h->mac));
            json_object_set_new(j, "ipv4", rest_topology_json_ipv4s(h));
            json_object_set_new(j, "ipv6", rest_topology_json_ipv6s(h));
            json_object_set_new(j, "port",
                                topology_ryu_port(ctl, h->dpid, h->port_no));
            json_array_append_new(list, j);
        }
    }
    free(hosts);
    rest_reply_json(req, 200, list);
}

/* ---- native: /api/v1/topology ---- */

static const char *
topology_role_name(enum sl_port_role role)
{
    switch (role) {
    case SL_PORT_PENDING:
        return "pending";
    case SL_PORT_EDGE:
        return "edge";
    case SL_PORT_TREE:
        return "tree";
    case SL_PORT_BLOCKED:
        return "blocked";
    case SL_PORT_NONE:
    default:
        return "none";
    }
}

/* The switch of READY session 'dp' with its ports' roles. */
static json_t *
topology_native_switch(const struct topo *t, const struct sl_datapath *dp)
{
    const struct sl_switch *sw = sl_datapath_switch(dp);
    json_t *j = json_object();
    json_t *ports = json_array();

    json_object_set_new(j, "dpid", rest_native_json_dpid(sw->dpid));
    for (size_t i = 0; i < sw->n_ports; i++) {
        const struct ofp_port *port = &sw->ports[i];
        enum sl_port_role role =
            t ? topo_port_role(t, sw->dpid, port->port_no) : SL_PORT_NONE;
        json_t *p = json_object();

        json_object_set_new(p, "port_no",
                            rest_native_json_port_no(port->port_no));
        json_object_set_new(p, "name", rest_native_json_str(port->name));
        json_object_set_new(p, "hw_addr",
                            rest_topology_json_mac(port->hw_addr));
        json_object_set_new(p, "role", json_string(topology_role_name(role)));
        json_array_append_new(ports, p);
    }
    json_object_set_new(j, "ports", ports);
    return j;
}

/* One end of a native link: {"dpid", "port_no"}. */
static json_t *
topology_native_end(uint64_t dpid, uint32_t port_no)
{
    json_t *j = json_object();

    json_object_set_new(j, "dpid", rest_native_json_dpid(dpid));
    json_object_set_new(j, "port_no", rest_native_json_port_no(port_no));
    return j;
}

static json_t *
topology_native_link(const struct topo *t, const struct sl_link *l)
{
    char when[REST_NATIVE_TIME_LEN];
    json_t *j = json_object();

    rest_native_format_time(l->up_since, true, when);
    json_object_set_new(j, "src",
                        topology_native_end(l->src_dpid, l->src_port));
    json_object_set_new(j, "dst",
                        topology_native_end(l->dst_dpid, l->dst_port));
    json_object_set_new(j, "latency_ms",
                        json_real(l->latency > 0 ? l->latency * 1e3 : 0.0));
    json_object_set_new(j, "up_since", json_string(when));
    json_object_set_new(
        j, "tree",
        json_boolean(topo_port_role(t, l->src_dpid, l->src_port) ==
                     SL_PORT_TREE));
    return j;
}

static json_t *
topology_native_host(const struct sl_topo_host *h)
{
    char first[REST_NATIVE_TIME_LEN], last[REST_NATIVE_TIME_LEN];
    json_t *j = json_object();

    rest_native_format_time(h->first_seen, true, first);
    rest_native_format_time(h->last_seen, true, last);
    json_object_set_new(j, "mac", rest_topology_json_mac(h->mac));
    json_object_set_new(j, "vlan", rest_topology_json_vlan(h->vlan));
    json_object_set_new(j, "ipv4", rest_topology_json_ipv4s(h));
    json_object_set_new(j, "ipv6", rest_topology_json_ipv6s(h));
    json_object_set_new(j, "dpid", rest_native_json_dpid(h->dpid));
    json_object_set_new(j, "port_no", rest_native_json_port_no(h->port_no));
    json_object_set_new(j, "first_seen", json_string(first));
    json_object_set_new(j, "last_seen", json_string(last));
    return j;
}

static void
topology_native(struct rest_req *req, void *module_)
{
    struct rest_topology *module = module_;
    struct sl_controller *ctl = module->ctl;
    const struct topo *t = ctl->topo;
    json_t *body = json_object();
    json_t *list;
    size_t n;

    list = json_array();
    uint64_t *dpids = topology_dpids(ctl, &n);
    for (size_t i = 0; i < n; i++) {
        struct sl_datapath *dp = sl_datapaths_find(&ctl->dps, dpids[i]);
        if (dp != NULL) {
            json_array_append_new(list, topology_native_switch(t, dp));
        }
    }
    free(dpids);
    json_object_set_new(body, "switches", list);

    list = json_array();
    struct sl_link *links = topology_links(t, 0, &n);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, topology_native_link(t, &links[i]));
    }
    free(links);
    json_object_set_new(body, "links", list);

    list = json_array();
    const struct sl_topo_host **hosts = topology_hosts(t, 0, &n);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, topology_native_host(hosts[i]));
    }
    free(hosts);
    json_object_set_new(body, "hosts", list);

    json_object_set_new(body, "enabled", json_boolean(t && topo_enabled(t)));
    json_object_set_new(body, "version",
                        json_integer((json_int_t) (t ? topo_version(t) : 0)));
    rest_reply_json(req, 200, body);
}

static void
topology_summary(struct rest_req *req, void *module_)
{
    static const struct topo_stats zero;
    struct rest_topology *module = module_;
    const struct sl_controller *ctl = module->ctl;
    const struct topo *t = ctl->topo;
    const struct topo_stats *st = t ? topo_stats(t) : &zero;
    json_t *body = json_object();

    json_object_set_new(body, "enabled", json_boolean(t && topo_enabled(t)));
    json_object_set_new(body, "version",
                        json_integer((json_int_t) (t ? topo_version(t) : 0)));
    json_object_set_new(body, "switches",
                        json_integer((json_int_t) ctl->dps.n_ready));
    json_object_set_new(body, "links", json_integer((json_int_t) st->n_links));
    json_object_set_new(body, "hosts", json_integer((json_int_t) st->n_hosts));
    json_object_set_new(body, "tree_links",
                        json_integer((json_int_t) st->n_tree_links));
    json_object_set_new(body, "edge_ports",
                        json_integer((json_int_t) st->n_edge_ports));
    rest_reply_json(req, 200, body);
}

/* ---- native: /api/v1/paths/{src}/{dst} ---- */

/* One end of a path, resolved. */
struct topology_end {
    const char *text;                /* as the client wrote it */
    uint64_t dpid;                   /* the switch, or the host's */
    const struct sl_topo_host *host; /* NULL: a switch */
};

/* Resolves 'e->text': a dpid of a connected switch, or the MAC, IPv4 or
 * IPv6 address of a known host.  Returns 0, or the HTTP status after
 * replying (400 unparseable, 404 unknown). */
static int
topology_resolve(struct rest_req *req, struct sl_controller *ctl,
                 struct topology_end *e)
{
    const struct topo *t = ctl->topo;
    const char *s = e->text;
    uint8_t mac[6], ip6[16];
    struct in_addr ip;

    e->host = NULL;
    if (topology_parse_dpid(s, &e->dpid)) {
        if (sl_datapaths_find(&ctl->dps, e->dpid) == NULL) {
            rest_reply_error(req, 404, "no such switch",
                             "%016" PRIx64 " is not connected", e->dpid);
            return 404;
        }
        return 0;
    }
    if (topology_parse_mac(s, mac)) {
        e->host = t ? topo_host_by_mac(t, mac) : NULL;
    } else if (inet_pton(AF_INET, s, &ip) == 1) {
        e->host = t ? topo_host_by_ipv4(t, ntohl(ip.s_addr)) : NULL;
    } else if (strchr(s, ':') && inet_pton(AF_INET6, s, ip6) == 1) {
        e->host = t ? topo_host_by_ipv6(t, ip6) : NULL;
    } else {
        rest_reply_error(req, 400, "bad endpoint",
                         "'%s' is not a dpid (16 hex digits, 0x-hex or "
                         "decimal), a MAC, an IPv4 or an IPv6 address",
                         s);
        return 400;
    }
    if (e->host == NULL) {
        rest_reply_error(req, 404, "no such host", "no host is known as %s",
                         s);
        return 404;
    }
    e->dpid = e->host->dpid;
    return 0;
}

static json_t *
topology_end_json(const struct topology_end *e)
{
    json_t *j = json_object();

    if (e->host == NULL) {
        json_object_set_new(j, "type", json_string("switch"));
        json_object_set_new(j, "dpid", rest_native_json_dpid(e->dpid));
        return j;
    }
    const struct sl_topo_host *h = e->host;
    json_object_set_new(j, "type", json_string("host"));
    json_object_set_new(j, "mac", rest_topology_json_mac(h->mac));
    json_object_set_new(j, "vlan", rest_topology_json_vlan(h->vlan));
    json_object_set_new(j, "ipv4", rest_topology_json_ipv4s(h));
    json_object_set_new(j, "ipv6", rest_topology_json_ipv6s(h));
    json_object_set_new(j, "dpid", rest_native_json_dpid(h->dpid));
    json_object_set_new(j, "port_no", rest_native_json_port_no(h->port_no));
    return j;
}

/* Stores in '*hops' (a new array, free()) the shortest path from switch
 * 'src' to switch 'dst' by 'metric'; returns its number of switches, 0
 * when there is none. */
static size_t
topology_path(struct sl_controller *ctl, uint64_t src, uint64_t dst,
              enum sl_path_metric metric, struct sl_path_hop **hops)
{
    struct topo *t = ctl->topo;
    size_t max = ctl->dps.n_ready + 1;

    *hops = sl_xcalloc(max, sizeof **hops);
    if (t == NULL) {
        /* Without a topology there is no link: one switch at most. */
        if (src != dst) {
            return 0;
        }
        (*hops)[0].dpid = src;
        return 1;
    }
    for (;;) {
        size_t n = topo_path(t, src, dst, metric, *hops, max);
        if (n <= max) {
            return n;
        }
        max = n;
        *hops = sl_xrealloc(*hops, max * sizeof **hops);
    }
}

/* Returns the latency in seconds of the link leaving 'dpid' by 'port_no',
 * or a negative number when there is no such link. */
static double
topology_link_latency(const struct topo *t, uint64_t dpid, uint32_t port_no)
{
    size_t n;
    struct sl_link *links = topology_links(t, dpid, &n);
    double latency = -1.0;

    for (size_t i = 0; i < n; i++) {
        if (links[i].src_port == port_no) {
            latency = links[i].latency > 0 ? links[i].latency : 0.0;
            break;
        }
    }
    free(links);
    return latency;
}

static void
topology_paths(struct rest_req *req, void *module_)
{
    struct rest_topology *module = module_;
    struct sl_controller *ctl = module->ctl;
    const char *metric_text = rest_req_query(req, "metric");
    enum sl_path_metric metric = SL_PATH_HOPS;
    const char *src_text = rest_req_param(req, "src");
    const char *dst_text = rest_req_param(req, "dst");
    struct topology_end src = {.text = src_text ? src_text : ""};
    struct topology_end dst = {.text = dst_text ? dst_text : ""};

    if (metric_text == NULL || !strcmp(metric_text, "hops")) {
        metric = SL_PATH_HOPS;
    } else if (!strcmp(metric_text, "latency")) {
        metric = SL_PATH_LATENCY;
    } else {
        rest_reply_error(req, 400, "bad metric", "'%s' is not hops or latency",
                         metric_text);
        return;
    }
    if (topology_resolve(req, ctl, &src) || topology_resolve(req, ctl, &dst)) {
        return;
    }

    struct sl_path_hop *hops;
    size_t n = topology_path(ctl, src.dpid, dst.dpid, metric, &hops);
    if (n == 0) {
        free(hops);
        rest_reply_error(req, 404, "no path",
                         "no path from %016" PRIx64 " to %016" PRIx64,
                         src.dpid, dst.dpid);
        return;
    }
    if (src.host != NULL) {
        hops[0].in_port = src.host->port_no;
    }
    if (dst.host != NULL) {
        hops[n - 1].out_port = dst.host->port_no;
    }

    json_t *list = json_array();
    double latency = 0.0;
    for (size_t i = 0; i < n; i++) {
        json_t *hop = json_object();

        json_object_set_new(hop, "dpid", rest_native_json_dpid(hops[i].dpid));
        json_object_set_new(hop, "in_port",
                            topology_json_hop_port(hops[i].in_port));
        json_object_set_new(hop, "out_port",
                            topology_json_hop_port(hops[i].out_port));
        json_array_append_new(list, hop);
        if (i + 1 < n && latency >= 0) {
            double l = topology_link_latency(ctl->topo, hops[i].dpid,
                                             hops[i].out_port);
            latency = l >= 0 ? latency + l : -1.0;
        }
    }
    free(hops);

    json_t *body = json_object();
    json_object_set_new(body, "src", topology_end_json(&src));
    json_object_set_new(body, "dst", topology_end_json(&dst));
    json_object_set_new(
        body, "metric",
        json_string(metric == SL_PATH_LATENCY ? "latency" : "hops"));
    json_object_set_new(body, "hops", list);
    json_object_set_new(body, "latency_ms",
                        latency >= 0 ? json_real(latency * 1e3) : json_null());
    json_object_set_new(body, "length", json_integer((json_int_t) (n - 1)));
    rest_reply_json(req, 200, body);
}

/* ---- the module ---- */

struct rest_topology *
rest_topology_create(struct rest_server *server, struct sl_controller *ctl,
                     int *error)
{
    static const struct {
        const char *pattern;
        rest_handler *handler;
    } routes[] = {
        {"/v1.0/topology/switches", topology_ryu_switches},
        {"/v1.0/topology/switches/{dpid}", topology_ryu_switches},
        {"/v1.0/topology/links", topology_ryu_links},
        {"/v1.0/topology/links/{dpid}", topology_ryu_links},
        {"/v1.0/topology/hosts", topology_ryu_hosts},
        {"/v1.0/topology/hosts/{dpid}", topology_ryu_hosts},
        {"/api/v1/topology", topology_native},
        {"/api/v1/topology/summary", topology_summary},
        {"/api/v1/paths/{src}/{dst}", topology_paths},
    };
    struct rest_topology *module = sl_xcalloc(1, sizeof *module);

    module->server = server;
    module->ctl = ctl;
    *error = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        *error = rest_route_add(server, REST_GET, routes[i].pattern,
                                routes[i].handler, module, NULL);
        if (*error) {
            SL_ERR("cannot register %s (%s)", routes[i].pattern,
                   strerror(*error));
            rest_topology_destroy(module);
            return NULL;
        }
    }
    return module;
}

void
rest_topology_destroy(struct rest_topology *module)
{
    free(module);
}
