/* acl: ordered access-control rules, installed proactively in pipeline
 * table "acl" (after "vlan", before "l3").
 *
 * Rules come from the config section and from REST, in order: the first
 * rule matching a frame decides.  A rule matches on any of in_port,
 * eth_src/eth_dst (optionally masked), eth_type, vlan, IPv4/IPv6 source
 * and destination prefixes, ip_proto, TCP/UDP ports and ICMP type/code,
 * and says deny (drop), allow (go on to table "l3") or mirror (a copy out
 * of 'mirror_port', then as allow).  Prerequisites are filled in as
 * OpenFlow needs them: ipv4_src implies eth_type ipv4, tcp_dst implies
 * ip_proto tcp, icmp_type implies ICMPv4 (ICMPv6 when the rule is IPv6).
 * A rule with an ip_proto (given or implied) but no IP version becomes two
 * flows, one for IPv4 and one for IPv6 (ip_proto icmp means IPv4 only,
 * icmpv6 IPv6 only).  vlan is the outer tag as the frame reaches table
 * "acl", after the "vlan" table has classified it (none: untagged, any:
 * tagged).  An invalid rule is refused with a message naming it:
 * 'rule 3 ("no-iperf"): tcp_dst needs ip_proto tcp, not udp'.
 *
 * Flows.  On every target switch (all switches, or those listed) rule i
 * (0-based) of n has priority 1000 + (n - 1 - i): below the topology's
 * LLDP punt (65535) and above its ARP/IPv6-ND copy flows (priority 1).
 * deny has no instructions (drop), allow is goto "l3", mirror is
 * apply(output:mirror_port) + goto "l3".  Inserting or deleting a rule
 * renumbers the rules before it -- appending renumbers every rule -- and
 * the whole set is stated again: flow_add of an unchanged flow sends
 * nothing, and flows whose identity (priority, match) no longer exists are
 * deleted.  Changes made over REST are applied together ACL_SETTLE seconds
 * after the first, so a burst costs one pass.
 *
 * Default policy.  deny is one more flow, priority 2, matching everything,
 * with no instructions.  It lies ABOVE the topology's ARP/IPv6-ND copy
 * flows (priority 1), so with default deny ARP (eth_type arp) and IPv6
 * neighbour discovery (icmpv6, icmp_type 135 and 136) must be allowed by
 * rules, or hosts cannot resolve each other and the topology learns no
 * hosts.  allow adds nothing: the core's table-miss flow goes on to "l3".
 *
 * Counters.  Every stats_interval seconds (0: whenever the rules are read
 * over REST) each connected target switch is asked for the flow statistics
 * of table "acl"; a flow is attributed to its rule by (priority, match) as
 * last installed, and a rule's packets and bytes are the sum of the last
 * answers of the switches.  They are what the switches say: a rule whose
 * flows are installed again at another priority (renumbered) starts again
 * from zero, a deleted rule's counts go with it, and a GET shows the
 * counts of the last poll.
 *
 * Config:
 *     default: allow          # or deny
 *     switches: all           # or a list of dpids: [1, "0x2"]
 *     stats_interval: 10      # seconds, 0..86400
 *     rules:                  # ids 1, 2, ... in this order
 *       - {name: no-iperf, tcp_dst: 5001, action: deny}
 * A reload (SIGHUP) applies what changed in the file since it was read:
 * changed rules replace all the rules, under new ids (changes made over
 * REST are dropped); unchanged rules stay as they are, REST changes
 * included; likewise the default.
 *
 * REST, under /api/v1/apps/<name>: GET and POST /rules, GET and DELETE
 * /rules/{id}, GET and PUT /default.  A rule in JSON has the config's keys
 * (values as strings or numbers) and, in a POST, an optional "position"
 * (0-based; default: the end); rules are shown normalised, with id,
 * position, packets and bytes.  Metrics: sluice_acl_rules,
 * _rule_packets_total{rule}, _rule_bytes_total{rule}, _rejected_total
 * (rules refused over REST), _stats_polls_total. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sluice/app.h"
#include "app-json.h"
#include "app-util.h"

#define ACL_MAX_RULES 4096
#define ACL_PBASE 1000         /* priority of the last rule */
#define ACL_DENY_PRIO 2        /* the default-deny flow */
#define ACL_SETTLE 0.05        /* s: REST changes applied together */
#define ACL_MAX_INTERVAL 86400 /* stats_interval, s */
#define ACL_DEF_INTERVAL 10
#define ACL_STATS_TIMEOUT 10.0 /* s before an unanswered poll is resent */
#define ACL_MAX_TARGETS 1024   /* listed switches */
#define ACL_MAX_OXMS 16
#define ACL_NAME_MAX 63
#define ACL_VAL_LEN 128 /* longest value text */
#define ACL_MSG_LEN 256
#define ACL_JSON_TOKS 128

static const struct sl_host *host;

/* ---- rules ---- */

enum acl_field {
    AF_NAME,
    AF_IN_PORT,
    AF_ETH_SRC,
    AF_ETH_DST,
    AF_ETH_TYPE,
    AF_VLAN,
    AF_IPV4_SRC,
    AF_IPV4_DST,
    AF_IPV6_SRC,
    AF_IPV6_DST,
    AF_IP_PROTO,
    AF_TCP_SRC,
    AF_TCP_DST,
    AF_UDP_SRC,
    AF_UDP_DST,
    AF_ICMP_TYPE,
    AF_ICMP_CODE,
    AF_ACTION,
    AF_MIRROR_PORT,
    AF_N
};

static const char *const acl_field_names[AF_N] = {
    "name",      "in_port",   "eth_src",  "eth_dst",     "eth_type",
    "vlan",      "ipv4_src",  "ipv4_dst", "ipv6_src",    "ipv6_dst",
    "ip_proto",  "tcp_src",   "tcp_dst",  "udp_src",     "udp_dst",
    "icmp_type", "icmp_code", "action",   "mirror_port",
};

#define AF_BIT(F) (1u << (F))
#define AF_IPV4 (AF_BIT(AF_IPV4_SRC) | AF_BIT(AF_IPV4_DST))
#define AF_IPV6 (AF_BIT(AF_IPV6_SRC) | AF_BIT(AF_IPV6_DST))
#define AF_TCP (AF_BIT(AF_TCP_SRC) | AF_BIT(AF_TCP_DST))
#define AF_UDP (AF_BIT(AF_UDP_SRC) | AF_BIT(AF_UDP_DST))
#define AF_ICMP (AF_BIT(AF_ICMP_TYPE) | AF_BIT(AF_ICMP_CODE))

enum acl_action { ACL_DENY, ACL_ALLOW, ACL_MIRROR };
static const char *const acl_action_names[] = {"deny", "allow", "mirror"};

#define ETH_IPV4 0x0800
#define ETH_ARP 0x0806
#define ETH_IPV6 0x86dd
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

struct acl_rule {
    uint32_t id;
    uint32_t given;              /* AF_BIT()s of the fields given */
    char name[ACL_NAME_MAX + 1]; /* "" when none */
    enum acl_action action;
    uint32_t mirror_port;
    uint32_t in_port;
    uint8_t eth[2][6];      /* [0] eth_src, [1] eth_dst */
    uint8_t eth_mask[2][6]; /* all ones: exact */
    uint16_t eth_type;      /* as given */
    uint16_t vlan_vid, vlan_mask;
    uint8_t ip[4][16]; /* ipv4_src, ipv4_dst, ipv6_src, ipv6_dst,
                        * network order */
    uint8_t plen[4];
    uint8_t ip_proto; /* given or implied, if has_proto */
    bool has_proto;
    uint16_t port[4]; /* tcp_src, tcp_dst, udp_src, udp_dst */
    uint8_t icmp_type, icmp_code;
    uint16_t etypes[2]; /* the flows' eth_type: none, one, or */
    uint8_t n_etypes;   /* IPv4 and IPv6 (two flows) */

    int32_t installed_prio;  /* priority of its flows, -1: none */
    uint64_t packets, bytes; /* summed flow stats */
};

/* Copies 's' into 'out' (at least 48 bytes) for a message: printable
 * ASCII but '"' and '\\', anything else as '?', cut after 40. */
static const char *
acl_printable(const char *s, char *out)
{
    size_t i;

    for (i = 0; s[i] && i < 40; i++) {
        unsigned char c = (unsigned char) s[i];
        out[i] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?';
    }
    if (s[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* Reads field 'f' from 'v' as a number in min..max. */
static bool
acl_get_uint(enum acl_field f, const char *v, uint64_t min, uint64_t max,
             uint64_t *out, char *msg, size_t len)
{
    char p[48];
    int error = au_parse_u64(v, UINT64_MAX, out);

    if (error == EINVAL) {
        au_msgf(msg, len, "%s \"%s\" is not a number", acl_field_names[f],
                acl_printable(v, p));
        return false;
    }
    if (error || *out < min || *out > max) {
        au_msgf(msg, len, "%s %s out of range %" PRIu64 "..%" PRIu64,
                acl_field_names[f], acl_printable(v, p), min, max);
        return false;
    }
    return true;
}

/* Parses field 'f' given as one of the keywords 'names' (NULL-terminated,
 * any case) or as a number in min..max (into '*out').  Returns the index
 * of the keyword, -1 for a number, or -2 with a message in 'msg': "<field>
 * \"v\" is not <expected>" when it is neither keyword nor number, else
 * acl_get_uint()'s. */
static int
acl_get_keyword(enum acl_field f, const char *v, const char *const *names,
                const char *expected, uint64_t min, uint64_t max,
                uint64_t *out, char *msg, size_t len)
{
    char p[48];

    for (int i = 0; names[i]; i++) {
        if (!strcasecmp(v, names[i])) {
            return i;
        }
    }
    if (au_parse_u64(v, UINT64_MAX, out) == EINVAL) {
        au_msgf(msg, len, "%s \"%s\" is not %s", acl_field_names[f],
                acl_printable(v, p), expected);
        return -2;
    }
    return acl_get_uint(f, v, min, max, out, msg, len) ? -1 : -2;
}

/* Parses the 'n' bytes at 's' as "aa:bb:cc:dd:ee:ff". */
static bool
acl_parse_mac(const char *s, size_t n, uint8_t mac[6])
{
    if (n != 17) {
        return false;
    }
    for (size_t i = 0; i < 6; i++) {
        int hi = au_hex(s[3 * i]), lo = au_hex(s[3 * i + 1]);

        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t) (hi << 4 | lo);
    }
    return true;
}

/* The byte 'i' of the mask of a 'plen'-bit prefix. */
static uint8_t
acl_mask_byte(unsigned plen, size_t i)
{
    return (plen >= 8 * i + 8 ? 0xff
            : plen <= 8 * i   ? 0
                              : (uint8_t) (0xff << (8 * i + 8 - plen)));
}

/* Parses "addr" or "addr/len" of family 'af' into 'addr' (network order)
 * and '*plen'.  Returns 0, EINVAL (not a prefix) or EEXIST (host bits
 * set: 'addr' then holds the prefix's network). */
static int
acl_parse_prefix(int af, const char *v, uint8_t addr[16], uint8_t *plen)
{
    unsigned max = af == AF_INET ? 32 : 128;
    const char *slash = strchr(v, '/');
    size_t n = slash ? (size_t) (slash - v) : strlen(v);
    char buf[64];
    int error = 0;

    memset(addr, 0, 16);
    if (n >= sizeof buf) {
        return EINVAL;
    }
    memcpy(buf, v, n);
    buf[n] = '\0';
    if (inet_pton(af, buf, addr) != 1) {
        return EINVAL;
    }
    *plen = (uint8_t) max;
    if (slash) {
        const char *d = slash + 1;
        unsigned l = 0;

        if (!*d || strlen(d) > 3 || strspn(d, "0123456789") != strlen(d)) {
            return EINVAL;
        }
        for (; *d; d++) {
            l = l * 10 + (unsigned) (*d - '0');
        }
        if (l > max) {
            return EINVAL;
        }
        *plen = (uint8_t) l;
    }
    for (size_t i = 0; i < max / 8; i++) {
        uint8_t m = acl_mask_byte(*plen, i);
        if (addr[i] & ~m) {
            addr[i] &= m;
            error = EEXIST;
        }
    }
    return error;
}

/* Writes prefix 'i' (0..3, as in struct acl_rule) of 'r' as text. */
static void
acl_prefix_text(const struct acl_rule *r, size_t i, char *buf, size_t len)
{
    int af = i < 2 ? AF_INET : AF_INET6;
    unsigned max = i < 2 ? 32 : 128;
    char a[INET6_ADDRSTRLEN];

    if (!inet_ntop(af, r->ip[i], a, sizeof a)) {
        a[0] = '\0';
    }
    if (r->plen[i] == max) {
        snprintf(buf, len, "%s", a);
    } else {
        snprintf(buf, len, "%s/%u", a, r->plen[i]);
    }
}

static const char *
acl_etype_name(uint16_t type, char *buf, size_t len)
{
    switch (type) {
    case ETH_IPV4:
        return "ipv4";
    case ETH_IPV6:
        return "ipv6";
    case ETH_ARP:
        return "arp";
    default:
        snprintf(buf, len, "0x%04" PRIx16, type);
        return buf;
    }
}

static const char *
acl_proto_name(uint8_t proto, char *buf, size_t len)
{
    switch (proto) {
    case PROTO_ICMP:
        return "icmp";
    case PROTO_TCP:
        return "tcp";
    case PROTO_UDP:
        return "udp";
    case PROTO_ICMPV6:
        return "icmpv6";
    default:
        snprintf(buf, len, "%u", proto);
        return buf;
    }
}

static bool
acl_name_ok(const char *s)
{
    size_t n = strlen(s);

    return (n >= 1 && n <= ACL_NAME_MAX &&
            strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_.-") == n);
}

/* Sets eth_src ('k' 0) or eth_dst ('k' 1) of 'r' from 'v'. */
static bool
acl_set_eth(struct acl_rule *r, enum acl_field f, const char *v, char *msg,
            size_t len)
{
    size_t k = f == AF_ETH_SRC ? 0 : 1;
    const char *slash = strchr(v, '/');
    size_t n = slash ? (size_t) (slash - v) : strlen(v);
    char p[48];

    memset(r->eth_mask[k], 0xff, 6);
    if (!acl_parse_mac(v, n, r->eth[k]) ||
        (slash &&
         !acl_parse_mac(slash + 1, strlen(slash + 1), r->eth_mask[k]))) {
        au_msgf(msg, len,
                "%s \"%s\" is not a MAC address "
                "(aa:bb:cc:dd:ee:ff, optionally /mask)",
                acl_field_names[f], acl_printable(v, p));
        return false;
    }
    for (size_t i = 0; i < 6; i++) {
        if (r->eth[k][i] & ~r->eth_mask[k][i]) {
            au_msgf(msg, len, "%s %s has bits set outside its mask",
                    acl_field_names[f], acl_printable(v, p));
            return false;
        }
    }
    return true;
}

static bool
acl_set_prefix(struct acl_rule *r, enum acl_field f, const char *v, char *msg,
               size_t len)
{
    size_t i = (size_t) (f - AF_IPV4_SRC);
    int af = i < 2 ? AF_INET : AF_INET6;
    char p[48], net[64];
    int error = acl_parse_prefix(af, v, r->ip[i], &r->plen[i]);

    if (error == EINVAL) {
        au_msgf(msg, len, "%s \"%s\" is not an %s address or prefix",
                acl_field_names[f], acl_printable(v, p),
                af == AF_INET ? "IPv4" : "IPv6");
        return false;
    }
    if (error) {
        acl_prefix_text(r, i, net, sizeof net);
        au_msgf(msg, len, "%s %s has host bits set (%s?)", acl_field_names[f],
                acl_printable(v, p), net);
        return false;
    }
    return true;
}

/* Sets field 'f' of 'r' from the text 'v'.  Returns false with a message
 * in 'msg'. */
static bool
acl_rule_set(struct acl_rule *r, enum acl_field f, const char *v, char *msg,
             size_t len)
{
    const char *name = acl_field_names[f];
    char p[48];
    uint64_t n;

    switch (f) {
    case AF_NAME:
        if (!acl_name_ok(v)) {
            au_msgf(msg, len,
                    "name \"%s\" must be 1 to %d of A-Z a-z 0-9 "
                    "_ . -",
                    acl_printable(v, p), ACL_NAME_MAX);
            return false;
        }
        snprintf(r->name, sizeof r->name, "%s", v);
        return true;
    case AF_IN_PORT:
    case AF_MIRROR_PORT:
        if (!acl_get_uint(f, v, 1, OFPP_MAX, &n, msg, len)) {
            return false;
        }
        *(f == AF_IN_PORT ? &r->in_port : &r->mirror_port) = (uint32_t) n;
        return true;
    case AF_ETH_SRC:
    case AF_ETH_DST:
        return acl_set_eth(r, f, v, msg, len);
    case AF_ETH_TYPE: {
        static const char *const names[] = {"ipv4", "ipv6", "arp", NULL};
        static const uint16_t types[] = {ETH_IPV4, ETH_IPV6, ETH_ARP};
        int k = acl_get_keyword(f, v, names, "ipv4, ipv6, arp or a number",
                                0x600, UINT16_MAX, &n, msg, len);

        if (k < -1) {
            return false;
        }
        r->eth_type = k >= 0 ? types[k] : (uint16_t) n;
        return true;
    }
    case AF_VLAN: {
        static const char *const names[] = {"none", "any", NULL};
        int k = acl_get_keyword(f, v, names, "a VLAN id, none or any", 0,
                                4095, &n, msg, len);

        if (k < -1) {
            return false;
        }
        r->vlan_mask = k == 1 ? OFPVID_PRESENT : 0x1fff;
        r->vlan_vid = (k == 0   ? OFPVID_NONE
                       : k == 1 ? OFPVID_PRESENT
                                : (uint16_t) (OFPVID_PRESENT | n));
        return true;
    }
    case AF_IPV4_SRC:
    case AF_IPV4_DST:
    case AF_IPV6_SRC:
    case AF_IPV6_DST:
        return acl_set_prefix(r, f, v, msg, len);
    case AF_IP_PROTO: {
        static const char *const names[] = {"tcp", "udp", "icmp", "icmpv6",
                                            NULL};
        static const uint8_t protos[] = {PROTO_TCP, PROTO_UDP, PROTO_ICMP,
                                         PROTO_ICMPV6};
        int k = acl_get_keyword(f, v, names,
                                "tcp, udp, icmp, icmpv6 or a number", 0,
                                UINT8_MAX, &n, msg, len);

        if (k < -1) {
            return false;
        }
        r->ip_proto = k >= 0 ? protos[k] : (uint8_t) n;
        return true;
    }
    case AF_TCP_SRC:
    case AF_TCP_DST:
    case AF_UDP_SRC:
    case AF_UDP_DST:
        if (!acl_get_uint(f, v, 0, UINT16_MAX, &n, msg, len)) {
            return false;
        }
        r->port[f - AF_TCP_SRC] = (uint16_t) n;
        return true;
    case AF_ICMP_TYPE:
    case AF_ICMP_CODE:
        if (!acl_get_uint(f, v, 0, UINT8_MAX, &n, msg, len)) {
            return false;
        }
        *(f == AF_ICMP_TYPE ? &r->icmp_type : &r->icmp_code) = (uint8_t) n;
        return true;
    case AF_ACTION:
        for (size_t i = 0; i < 3; i++) {
            if (!strcasecmp(v, acl_action_names[i])) {
                r->action = (enum acl_action) i;
                return true;
            }
        }
        au_msgf(msg, len, "action \"%s\" is not deny, allow or mirror",
                acl_printable(v, p));
        return false;
    case AF_N:
    default:
        break;
    }
    au_msgf(msg, len, "%s: no such field", name);
    return false;
}

/* Sets the field called 'key' of 'r' from 'v', once. */
static bool
acl_rule_kv(struct acl_rule *r, const char *key, const char *v, char *msg,
            size_t len)
{
    char p[48];
    int f = 0;

    while (f < AF_N && strcmp(key, acl_field_names[f])) {
        f++;
    }
    if (f == AF_N) {
        au_msgf(msg, len, "unknown key \"%s\"", acl_printable(key, p));
        return false;
    }
    if (r->given & AF_BIT(f)) {
        au_msgf(msg, len, "%s given twice", key);
        return false;
    }
    if (!acl_rule_set(r, (enum acl_field) f, v, msg, len)) {
        return false;
    }
    r->given |= AF_BIT(f);
    return true;
}

/* The name of the first field of 'r' among 'mask'. */
static const char *
acl_first(const struct acl_rule *r, uint32_t mask)
{
    for (int f = 0; f < AF_N; f++) {
        if (r->given & mask & AF_BIT(f)) {
            return acl_field_names[f];
        }
    }
    return "?";
}

/* Checks that the fields of 'r' go together and fills in what they imply:
 * ip_proto, the IP version(s), the flows' eth_type(s). */
static bool
acl_rule_finish(struct acl_rule *r, char *msg, size_t len)
{
    uint32_t g = r->given;
    uint32_t l4 = g & (AF_TCP | AF_UDP | AF_ICMP);
    char a[16], b[16];
    int ver = 0; /* 4 or 6: the rule is about that IP version only */

    if (!(g & AF_BIT(AF_ACTION))) {
        au_msgf(msg, len, "action missing (deny, allow or mirror)");
        return false;
    }
    if (r->action == ACL_MIRROR && !(g & AF_BIT(AF_MIRROR_PORT))) {
        au_msgf(msg, len, "action mirror needs mirror_port");
        return false;
    }
    if (r->action != ACL_MIRROR && (g & AF_BIT(AF_MIRROR_PORT))) {
        au_msgf(msg, len, "mirror_port needs action mirror, not %s",
                acl_action_names[r->action]);
        return false;
    }

    if ((g & AF_IPV4) && (g & AF_IPV6)) {
        au_msgf(msg, len, "%s and %s: a rule is IPv4 or IPv6, not both",
                acl_first(r, AF_IPV4), acl_first(r, AF_IPV6));
        return false;
    }
    ver = g & AF_IPV4 ? 4 : g & AF_IPV6 ? 6 : 0;
    if (g & AF_BIT(AF_ETH_TYPE)) {
        uint16_t want = ver == 4 ? ETH_IPV4 : ETH_IPV6;
        if (ver && r->eth_type != want) {
            au_msgf(msg, len, "%s needs eth_type %s, not %s",
                    acl_first(r, AF_IPV4 | AF_IPV6),
                    ver == 4 ? "ipv4" : "ipv6",
                    acl_etype_name(r->eth_type, a, sizeof a));
            return false;
        }
        ver = (r->eth_type == ETH_IPV4 ? 4 : r->eth_type == ETH_IPV6 ? 6 : -1);
    }

    /* The transport: ports and ICMP fields need their ip_proto. */
    r->has_proto = (g & AF_BIT(AF_IP_PROTO)) != 0;
    if (!r->has_proto && l4) {
        r->has_proto = true;
        r->ip_proto = (l4 & AF_TCP   ? PROTO_TCP
                       : l4 & AF_UDP ? PROTO_UDP
                       : ver == 6    ? PROTO_ICMPV6
                                     : PROTO_ICMP);
    }
    for (int f = AF_TCP_SRC; f <= AF_ICMP_CODE; f++) {
        bool ok;
        const char *need;

        if (!(g & AF_BIT(f))) {
            continue;
        }
        if (f <= AF_TCP_DST) {
            ok = r->ip_proto == PROTO_TCP;
            need = "tcp";
        } else if (f <= AF_UDP_DST) {
            ok = r->ip_proto == PROTO_UDP;
            need = "udp";
        } else {
            ok = r->ip_proto == PROTO_ICMP || r->ip_proto == PROTO_ICMPV6;
            need = "icmp or icmpv6";
        }
        if (!ok) {
            au_msgf(msg, len, "%s needs ip_proto %s, not %s",
                    acl_field_names[f], need,
                    acl_proto_name(r->ip_proto, b, sizeof b));
            return false;
        }
    }
    if (r->has_proto) {
        const char *why =
            (g & AF_BIT(AF_IP_PROTO) ? "ip_proto" : acl_first(r, l4));
        if (ver < 0) {
            au_msgf(msg, len, "%s needs eth_type ipv4 or ipv6, not %s", why,
                    acl_etype_name(r->eth_type, a, sizeof a));
            return false;
        }
        if (l4 & AF_ICMP) {
            if (r->ip_proto == PROTO_ICMP && ver == 6) {
                au_msgf(msg, len,
                        "%s: ip_proto icmp is ICMPv4 but the rule "
                        "is IPv6 (use icmpv6)",
                        acl_first(r, AF_ICMP));
                return false;
            }
            if (r->ip_proto == PROTO_ICMPV6 && ver == 4) {
                au_msgf(msg, len,
                        "%s: ip_proto icmpv6 is ICMPv6 but the "
                        "rule is IPv4 (use icmp)",
                        acl_first(r, AF_ICMP));
                return false;
            }
        }
        if (!ver) {
            ver = (r->ip_proto == PROTO_ICMP     ? 4
                   : r->ip_proto == PROTO_ICMPV6 ? 6
                                                 : 0);
        }
    }

    r->n_etypes = 0;
    if (g & AF_BIT(AF_ETH_TYPE)) {
        r->etypes[r->n_etypes++] = r->eth_type;
    } else if (ver == 4 || ver == 6) {
        r->etypes[r->n_etypes++] = ver == 4 ? ETH_IPV4 : ETH_IPV6;
    } else if (r->has_proto) {
        r->etypes[r->n_etypes++] = ETH_IPV4;
        r->etypes[r->n_etypes++] = ETH_IPV6;
    }
    return true;
}

/* How many flows 'r' needs. */
static size_t
acl_rule_n_flows(const struct acl_rule *r)
{
    return r->n_etypes ? r->n_etypes : 1;
}

static struct ofp_oxm *
acl_oxm(struct ofp_oxm *o, uint8_t field, uint8_t width)
{
    memset(o, 0, sizeof *o);
    o->cls = OFPXMC_OPENFLOW_BASIC;
    o->field = field;
    o->length = width;
    return o;
}

static void
acl_oxm_mask(struct ofp_oxm *o)
{
    o->has_mask = true;
    o->length = (uint8_t) (o->length * 2);
}

/* Writes the match of flow 'v' (< acl_rule_n_flows()) of 'r' into 'o' (at
 * least ACL_MAX_OXMS) and returns how many OXMs it has. */
static size_t
acl_rule_oxms(const struct acl_rule *r, size_t v, struct ofp_oxm *o)
{
    static const uint8_t eth_fields[2] = {OFPXMT_OFB_ETH_SRC,
                                          OFPXMT_OFB_ETH_DST};
    static const uint8_t ip_fields[4] = {
        OFPXMT_OFB_IPV4_SRC,
        OFPXMT_OFB_IPV4_DST,
        OFPXMT_OFB_IPV6_SRC,
        OFPXMT_OFB_IPV6_DST,
    };
    static const uint8_t port_fields[4] = {
        OFPXMT_OFB_TCP_SRC,
        OFPXMT_OFB_TCP_DST,
        OFPXMT_OFB_UDP_SRC,
        OFPXMT_OFB_UDP_DST,
    };
    static const uint8_t zero[6];
    static const uint8_t ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint32_t g = r->given;
    uint16_t etype = r->n_etypes ? r->etypes[v] : 0;
    size_t n = 0;

    if (g & AF_BIT(AF_IN_PORT)) {
        acl_oxm(&o[n++], OFPXMT_OFB_IN_PORT, 4)->value.u32 = r->in_port;
    }
    for (size_t k = 0; k < 2; k++) {
        if (!(g & AF_BIT(AF_ETH_SRC + k)) ||
            !memcmp(r->eth_mask[k], zero, 6)) {
            continue;
        }
        struct ofp_oxm *x = acl_oxm(&o[n++], eth_fields[k], 6);
        memcpy(x->value.mac, r->eth[k], 6);
        if (memcmp(r->eth_mask[k], ones, 6)) {
            acl_oxm_mask(x);
            memcpy(x->mask.mac, r->eth_mask[k], 6);
        }
    }
    if (r->n_etypes) {
        acl_oxm(&o[n++], OFPXMT_OFB_ETH_TYPE, 2)->value.u16 = etype;
    }
    if (g & AF_BIT(AF_VLAN)) {
        struct ofp_oxm *x = acl_oxm(&o[n++], OFPXMT_OFB_VLAN_VID, 2);
        x->value.u16 = r->vlan_vid;
        if (r->vlan_mask != 0x1fff) {
            acl_oxm_mask(x);
            x->mask.u16 = r->vlan_mask;
        }
    }
    if (r->has_proto) {
        acl_oxm(&o[n++], OFPXMT_OFB_IP_PROTO, 1)->value.u8 = r->ip_proto;
    }
    for (size_t i = 0; i < 4; i++) {
        unsigned max = i < 2 ? 32 : 128;
        struct ofp_oxm *x;

        if (!(g & AF_BIT(AF_IPV4_SRC + i)) || !r->plen[i]) {
            continue; /* a /0 prefix: only the eth_type remains */
        }
        if (i < 2) {
            x = acl_oxm(&o[n++], ip_fields[i], 4);
            x->value.u32 =
                ((uint32_t) r->ip[i][0] << 24 | (uint32_t) r->ip[i][1] << 16 |
                 (uint32_t) r->ip[i][2] << 8 | r->ip[i][3]);
            if (r->plen[i] < max) {
                acl_oxm_mask(x);
                x->mask.u32 = UINT32_MAX << (32 - r->plen[i]);
            }
        } else {
            x = acl_oxm(&o[n++], ip_fields[i], 16);
            memcpy(x->value.ipv6, r->ip[i], 16);
            if (r->plen[i] < max) {
                acl_oxm_mask(x);
                for (size_t b = 0; b < 16; b++) {
                    x->mask.ipv6[b] = acl_mask_byte(r->plen[i], b);
                }
            }
        }
    }
    for (size_t i = 0; i < 4; i++) {
        if (g & AF_BIT(AF_TCP_SRC + i)) {
            acl_oxm(&o[n++], port_fields[i], 2)->value.u16 = r->port[i];
        }
    }
    if (g & AF_BIT(AF_ICMP_TYPE)) {
        acl_oxm(&o[n++],
                etype == ETH_IPV6 ? OFPXMT_OFB_ICMPV6_TYPE
                                  : OFPXMT_OFB_ICMPV4_TYPE,
                1)
            ->value.u8 = r->icmp_type;
    }
    if (g & AF_BIT(AF_ICMP_CODE)) {
        acl_oxm(&o[n++],
                etype == ETH_IPV6 ? OFPXMT_OFB_ICMPV6_CODE
                                  : OFPXMT_OFB_ICMPV4_CODE,
                1)
            ->value.u8 = r->icmp_code;
    }
    return n;
}

/* The value width of the basic fields the rules use, 0 for others. */
static size_t
acl_oxm_width(uint8_t field)
{
    switch (field) {
    case OFPXMT_OFB_IP_PROTO:
    case OFPXMT_OFB_ICMPV4_TYPE:
    case OFPXMT_OFB_ICMPV4_CODE:
    case OFPXMT_OFB_ICMPV6_TYPE:
    case OFPXMT_OFB_ICMPV6_CODE:
        return 1;
    case OFPXMT_OFB_ETH_TYPE:
    case OFPXMT_OFB_VLAN_VID:
    case OFPXMT_OFB_TCP_SRC:
    case OFPXMT_OFB_TCP_DST:
    case OFPXMT_OFB_UDP_SRC:
    case OFPXMT_OFB_UDP_DST:
        return 2;
    case OFPXMT_OFB_IN_PORT:
    case OFPXMT_OFB_IPV4_SRC:
    case OFPXMT_OFB_IPV4_DST:
        return 4;
    case OFPXMT_OFB_ETH_SRC:
    case OFPXMT_OFB_ETH_DST:
        return 6;
    case OFPXMT_OFB_IPV6_SRC:
    case OFPXMT_OFB_IPV6_DST:
        return 16;
    default:
        return 0;
    }
}

static bool
acl_value_equal(size_t width, const union ofp_oxm_value *a,
                const union ofp_oxm_value *b)
{
    switch (width) {
    case 1:
        return a->u8 == b->u8;
    case 2:
        return a->u16 == b->u16;
    case 4:
        return a->u32 == b->u32;
    case 6:
        return !memcmp(a->mac, b->mac, 6);
    case 16:
        return !memcmp(a->ipv6, b->ipv6, 16);
    default:
        return false;
    }
}

static bool
acl_oxm_equal(const struct ofp_oxm *a, const struct ofp_oxm *b)
{
    size_t width = acl_oxm_width(a->field);

    return (ofp_oxm_is_known(a) && ofp_oxm_is_known(b) &&
            a->field == b->field && a->has_mask == b->has_mask && width &&
            acl_value_equal(width, &a->value, &b->value) &&
            (!a->has_mask || acl_value_equal(width, &a->mask, &b->mask)));
}

/* True if 'a' holds an OXM equal to each of the 'n' of 'b'. */
static bool
acl_oxms_cover(const struct ofp_oxm *a, size_t na, const struct ofp_oxm *b,
               size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        size_t j = 0;
        while (j < na && !acl_oxm_equal(&a[j], &b[i])) {
            j++;
        }
        if (j == na) {
            return false;
        }
    }
    return true;
}

/* True if the 'n' OXMs 'b' are the match 'a', in any order. */
static bool
acl_match_equal(const struct ofp_oxm *a, size_t na, const struct ofp_oxm *b,
                size_t nb)
{
    return (na == nb && acl_oxms_cover(a, na, b, nb) &&
            acl_oxms_cover(b, nb, a, na));
}

/* True if one of the flows of 'r' has the match 'oxms'. */
static bool
acl_rule_has_match(const struct acl_rule *r, const struct ofp_oxm *oxms,
                   size_t n)
{
    struct ofp_oxm mine[ACL_MAX_OXMS];

    for (size_t v = 0; v < acl_rule_n_flows(r); v++) {
        size_t k = acl_rule_oxms(r, v, mine);
        if (acl_match_equal(mine, k, oxms, n)) {
            return true;
        }
    }
    return false;
}

/* Writes "rule", "rule N" (N > 0), and ' ("name")' if 'r' has a valid one,
 * into 'buf'. */
static void
acl_rule_label(const struct acl_rule *r, size_t number, char *buf, size_t len)
{
    int n = number ? snprintf(buf, len, "rule %zu", number)
                   : snprintf(buf, len, "rule");

    if (r->name[0] && n > 0 && (size_t) n < len) {
        snprintf(buf + n, len - (size_t) n, " (\"%s\")", r->name);
    }
}

static struct acl_rule *
acl_rule_create(void)
{
    struct acl_rule *r = calloc(1, sizeof *r);

    if (r) {
        r->installed_prio = -1;
    }
    return r;
}

/* ---- the app ---- */

/* A flow-stats answer: the counts of one rule's flow on one switch. */
struct acl_count {
    uint32_t rule_id;
    uint64_t packets, bytes;
};

/* A target switch that came up at least once. */
struct acl_switch {
    uint64_t dpid;
    bool pending; /* a flow-stats request is out */
    uint32_t xid;
    double sent_at;
    struct acl_count *counts; /* the last complete answer */
    size_t n_counts, cap_counts;
    struct acl_count *partial; /* the answer being received */
    size_t n_partial, cap_partial;
};

/* What the config section says. */
struct acl_conf {
    bool deny;         /* default policy */
    bool all;          /* every switch, else 'targets' */
    uint64_t *targets; /* sorted */
    size_t n_targets;
    unsigned interval;       /* stats_interval */
    struct acl_rule **rules; /* [ACL_MAX_RULES], in order */
    size_t n_rules;
};

struct acl {
    struct sl_ctx *ctx;
    uint8_t table, next_table; /* "acl" and "l3" */
    struct acl_conf conf;      /* rules: as now, maybe not applied yet */
    struct acl_rule **by_id;   /* [ACL_MAX_RULES], the rules by id */
    uint32_t next_id;

    /* What the switches were last told (acl_apply()). */
    struct acl_rule *by_prio[ACL_MAX_RULES]; /* [priority - ACL_PBASE] */
    struct acl_rule **removed; /* [ACL_MAX_RULES] deleted since */
    size_t n_removed;
    bool deny_installed;

    struct acl_switch *switches;
    size_t n_switches, cap_switches;

    struct sl_timer *apply_timer; /* a change waits */
    struct sl_timer *poll_timer;
    uint64_t rejected, polls;
    double rl_start; /* rate limit of peer-triggered logs */
    unsigned rl_n;

    /* The config file as last read, for reloads. */
    char *file_rules; /* its rules, canonical (acl_rules_sig()) */
    bool file_deny;
};

static void
acl_conf_free(struct acl_conf *c)
{
    if (c->rules) {
        for (size_t i = 0; i < c->n_rules; i++) {
            free(c->rules[i]);
        }
    }
    free(c->rules);
    free(c->targets);
    memset(c, 0, sizeof *c);
}

/* True if a log line a peer caused may go out now: at most 5 in 10 s. */
static bool
acl_rl(struct acl *acl)
{
    double now = host->now(acl->ctx);

    if (now - acl->rl_start >= 10.0 || now < acl->rl_start) {
        acl->rl_start = now;
        acl->rl_n = 0;
    }
    return acl->rl_n++ < 5;
}

static bool
acl_targeted(const struct acl *acl, uint64_t dpid)
{
    size_t lo = 0, hi = acl->conf.n_targets;

    if (acl->conf.all) {
        return true;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (acl->conf.targets[mid] == dpid) {
            return true;
        }
        if (acl->conf.targets[mid] < dpid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}

static struct acl_switch *
acl_switch_find(struct acl *acl, uint64_t dpid)
{
    for (size_t i = 0; i < acl->n_switches; i++) {
        if (acl->switches[i].dpid == dpid) {
            return &acl->switches[i];
        }
    }
    return NULL;
}

/* Returns the switch 'dpid', added if new, or NULL without memory. */
static struct acl_switch *
acl_switch_add(struct acl *acl, uint64_t dpid)
{
    struct acl_switch *s = acl_switch_find(acl, dpid);

    if (s) {
        return s;
    }
    if (acl->n_switches == acl->cap_switches) {
        size_t cap = acl->cap_switches ? 2 * acl->cap_switches : 8;
        struct acl_switch *p = realloc(acl->switches, cap * sizeof *p);
        if (!p) {
            return NULL;
        }
        acl->switches = p;
        acl->cap_switches = cap;
    }
    s = &acl->switches[acl->n_switches++];
    memset(s, 0, sizeof *s);
    s->dpid = dpid;
    return s;
}

static void
acl_switch_uninit(struct acl_switch *s)
{
    free(s->counts);
    free(s->partial);
}

static uint16_t
acl_prio(const struct acl *acl, size_t i)
{
    return (uint16_t) (ACL_PBASE + acl->conf.n_rules - 1 - i);
}

/* The index of the rule 'id' in acl->by_id, or -1. */
static long
acl_find_id(const struct acl *acl, uint32_t id)
{
    size_t lo = 0, hi = acl->conf.n_rules;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (acl->by_id[mid]->id == id) {
            return (long) mid;
        }
        if (acl->by_id[mid]->id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

static size_t
acl_position(const struct acl *acl, const struct acl_rule *r)
{
    size_t i = 0;

    while (i < acl->conf.n_rules && acl->conf.rules[i] != r) {
        i++;
    }
    return i;
}

/* ---- flows ---- */

static void
acl_flow_failed(struct acl *acl, bool *logged, uint64_t dpid, uint32_t id,
                int error)
{
    if (!*logged) {
        *logged = true;
        host->log(acl->ctx, SL_APP_LOG_ERR,
                  "switch %016" PRIx64 ": flow_add refused the flow of "
                  "%s %" PRIu32 ": %s",
                  dpid, id ? "rule" : "the default deny, priority",
                  id ? id : ACL_DENY_PRIO, strerror(error));
    }
}

/* States the flows of 'r' at 'prio' on 'dpid'. */
static void
acl_rule_add(struct acl *acl, uint64_t dpid, const struct acl_rule *r,
             uint16_t prio, bool *logged)
{
    struct ofp_oxm oxms[ACL_MAX_OXMS];
    struct ofp_action out = {OFPAT_OUTPUT, .output = {.port = r->mirror_port}};
    struct ofp_instruction inst[2];
    size_t n_inst = 0;

    if (r->action == ACL_MIRROR) {
        inst[n_inst].type = OFPIT_APPLY_ACTIONS;
        inst[n_inst].actions.n = 1;
        inst[n_inst++].actions.actions = &out;
    }
    if (r->action != ACL_DENY) {
        inst[n_inst].type = OFPIT_GOTO_TABLE;
        inst[n_inst++].table_id = acl->next_table;
    }
    for (size_t v = 0; v < acl_rule_n_flows(r); v++) {
        struct sl_flow_spec spec = {
            .table_id = acl->table,
            .priority = prio,
            .match = {.type = OFPMT_OXM,
                      .n_oxms = (uint16_t) acl_rule_oxms(r, v, oxms),
                      .oxms = oxms},
            .instructions = {n_inst, inst},
        };
        int error = host->flow_add(acl->ctx, dpid, &spec, NULL, NULL);
        if (error) {
            acl_flow_failed(acl, logged, dpid, r->id, error);
        }
    }
}

static void
acl_deny_add(struct acl *acl, uint64_t dpid, bool *logged)
{
    struct sl_flow_spec spec = {
        .table_id = acl->table,
        .priority = ACL_DENY_PRIO,
        .match = {.type = OFPMT_OXM, .n_oxms = 0},
    };
    int error = host->flow_add(acl->ctx, dpid, &spec, NULL, NULL);

    if (error) {
        acl_flow_failed(acl, logged, dpid, 0, error);
    }
}

/* States every flow of the rules as they are now on 'dpid'. */
static void
acl_state_switch(struct acl *acl, uint64_t dpid)
{
    bool logged = false;

    for (size_t i = 0; i < acl->conf.n_rules; i++) {
        acl_rule_add(acl, dpid, acl->conf.rules[i], acl_prio(acl, i), &logged);
    }
    if (acl->conf.deny) {
        acl_deny_add(acl, dpid, &logged);
    }
}

/* True if the rules as they are now have a flow (prio, oxms). */
static bool
acl_identity_wanted(const struct acl *acl, uint16_t prio,
                    const struct ofp_oxm *oxms, size_t n)
{
    size_t k = (size_t) prio - ACL_PBASE;

    if (prio < ACL_PBASE || k >= acl->conf.n_rules) {
        return false;
    }
    return acl_rule_has_match(acl->conf.rules[acl->conf.n_rules - 1 - k], oxms,
                              n);
}

/* Deletes the flows 'r' had at 'prio' from every switch, except those the
 * rules as they are now have too (flow_add replaced them already). */
static void
acl_rule_del_stale(struct acl *acl, const struct acl_rule *r, uint16_t prio)
{
    struct ofp_oxm oxms[ACL_MAX_OXMS];

    for (size_t v = 0; v < acl_rule_n_flows(r); v++) {
        size_t n = acl_rule_oxms(r, v, oxms);
        struct ofp_match match = {
            .type = OFPMT_OXM, .n_oxms = (uint16_t) n, .oxms = oxms};

        if (acl_identity_wanted(acl, prio, oxms, n)) {
            continue;
        }
        for (size_t i = 0; i < acl->n_switches; i++) {
            host->flow_del(acl->ctx, acl->switches[i].dpid, acl->table, prio,
                           &match, NULL, NULL);
        }
    }
}

/* Makes the switches' flows those of the rules as they are now: adds
 * first (so no frame slips through a gap), then deletes what went. */
static void
acl_apply(struct acl *acl)
{
    struct acl_conf *c = &acl->conf;

    if (acl->apply_timer) {
        host->timer_cancel(acl->ctx, acl->apply_timer);
        acl->apply_timer = NULL;
    }
    for (size_t i = 0; i < acl->n_switches; i++) {
        acl_state_switch(acl, acl->switches[i].dpid);
    }
    for (size_t i = 0; i < c->n_rules; i++) {
        const struct acl_rule *r = c->rules[i];
        if (r->installed_prio >= 0 && r->installed_prio != acl_prio(acl, i)) {
            acl_rule_del_stale(acl, r, (uint16_t) r->installed_prio);
        }
    }
    for (size_t i = 0; i < acl->n_removed; i++) {
        const struct acl_rule *r = acl->removed[i];
        acl_rule_del_stale(acl, r, (uint16_t) r->installed_prio);
    }
    if (!c->deny && acl->deny_installed) {
        struct ofp_match all = {.type = OFPMT_OXM, .n_oxms = 0};
        for (size_t i = 0; i < acl->n_switches; i++) {
            host->flow_del(acl->ctx, acl->switches[i].dpid, acl->table,
                           ACL_DENY_PRIO, &all, NULL, NULL);
        }
    }

    memset(acl->by_prio, 0, sizeof acl->by_prio);
    for (size_t i = 0; i < c->n_rules; i++) {
        uint16_t prio = acl_prio(acl, i);
        c->rules[i]->installed_prio = prio;
        acl->by_prio[prio - ACL_PBASE] = c->rules[i];
    }
    for (size_t i = 0; i < acl->n_removed; i++) {
        free(acl->removed[i]);
    }
    acl->n_removed = 0;
    acl->deny_installed = c->deny;
}

static void
acl_apply_cb(struct sl_ctx *ctx, void *aux)
{
    struct acl *acl = aux;

    (void) ctx;
    acl->apply_timer = NULL; /* freed by the host as we return */
    acl_apply(acl);
}

/* Applies the rules soon: changes within ACL_SETTLE go together. */
static void
acl_schedule(struct acl *acl)
{
    if (!acl->apply_timer) {
        acl->apply_timer =
            host->timer_add(acl->ctx, ACL_SETTLE, false, acl_apply_cb, acl);
        if (!acl->apply_timer) {
            acl_apply(acl);
        }
    }
}

/* ---- counters ---- */

/* Asks switch 's' for the flow stats of table "acl", unless a request is
 * out (and not older than ACL_STATS_TIMEOUT) or it is not connected. */
static void
acl_poll_switch(struct acl *acl, struct acl_switch *s)
{
    double now = host->now(acl->ctx);
    struct ofp_msg msg;
    uint32_t xid = 0;

    if ((s->pending && now - s->sent_at < ACL_STATS_TIMEOUT) ||
        !host->switch_get(acl->ctx, s->dpid)) {
        return;
    }
    memset(&msg, 0, sizeof msg);
    msg.version = OFP13_VERSION;
    msg.type = OFPT_MULTIPART_REQUEST;
    msg.mp_request.type = OFPMP_FLOW;
    msg.mp_request.flow.table_id = acl->table;
    msg.mp_request.flow.out_port = OFPP_ANY;
    msg.mp_request.flow.out_group = OFPG_ANY;
    msg.mp_request.flow.match.type = OFPMT_OXM;
    if (!host->send(acl->ctx, s->dpid, &msg, &xid)) {
        s->pending = true;
        s->xid = xid;
        s->sent_at = now;
        s->n_partial = 0;
        acl->polls++;
    }
}

static void
acl_poll_all(struct acl *acl)
{
    for (size_t i = 0; i < acl->n_switches; i++) {
        acl_poll_switch(acl, &acl->switches[i]);
    }
}

static void
acl_poll_cb(struct sl_ctx *ctx, void *aux)
{
    (void) ctx;
    acl_poll_all(aux);
}

/* Sums the last answers of the switches into the rules' counters. */
static void
acl_recount(struct acl *acl)
{
    for (size_t i = 0; i < acl->conf.n_rules; i++) {
        acl->conf.rules[i]->packets = acl->conf.rules[i]->bytes = 0;
    }
    for (size_t i = 0; i < acl->n_switches; i++) {
        const struct acl_switch *s = &acl->switches[i];
        for (size_t j = 0; j < s->n_counts; j++) {
            long k = acl_find_id(acl, s->counts[j].rule_id);
            if (k >= 0) {
                acl->by_id[k]->packets += s->counts[j].packets;
                acl->by_id[k]->bytes += s->counts[j].bytes;
            }
        }
    }
}

/* The rule whose installed flow is (prio, match), or NULL. */
static const struct acl_rule *
acl_flow_rule(const struct acl *acl, uint16_t prio,
              const struct ofp_match *match)
{
    const struct acl_rule *r;

    if (prio < ACL_PBASE || prio - ACL_PBASE >= ACL_MAX_RULES) {
        return NULL;
    }
    r = acl->by_prio[prio - ACL_PBASE];
    if (!r || (match->n_oxms && !match->oxms) ||
        !acl_rule_has_match(r, match->oxms, match->n_oxms)) {
        return NULL;
    }
    return r;
}

static enum sl_verdict
acl_stats_reply(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct acl *acl = aux;
    const struct ofp_msg *msg = ev->msg;
    struct acl_switch *s = acl_switch_find(acl, ev->dpid);
    const struct ofp_multipart_reply *mp;

    (void) ctx;
    if (!msg || !s || !s->pending || msg->xid != s->xid ||
        msg->type != OFPT_MULTIPART_REPLY ||
        msg->mp_reply.type != OFPMP_FLOW) {
        return SL_CONTINUE;
    }
    mp = &msg->mp_reply;
    for (size_t i = 0; i < mp->flow.n; i++) {
        const struct ofp_flow_stats *fs = &mp->flow.stats[i];
        const struct acl_rule *r;

        if (fs->table_id != acl->table ||
            !(r = acl_flow_rule(acl, fs->priority, &fs->match))) {
            continue;
        }
        if (s->n_partial == s->cap_partial) {
            size_t cap = s->cap_partial ? 2 * s->cap_partial : 64;
            struct acl_count *p = realloc(s->partial, cap * sizeof *p);
            if (!p) {
                break; /* counts stay short until the next poll */
            }
            s->partial = p;
            s->cap_partial = cap;
        }
        s->partial[s->n_partial++] = (struct acl_count){
            .rule_id = r->id,
            .packets = fs->packet_count,
            .bytes = fs->byte_count,
        };
    }
    if (!(mp->flags & OFPMPF_REPLY_MORE)) {
        struct acl_count *old = s->counts;
        size_t old_cap = s->cap_counts;

        s->counts = s->partial;
        s->n_counts = s->n_partial;
        s->cap_counts = s->cap_partial;
        s->partial = old;
        s->cap_partial = old_cap;
        s->n_partial = 0;
        s->pending = false;
        acl_recount(acl);
    }
    return SL_CONTINUE;
}

/* ---- reading rules: YAML ---- */

/* True if 'n' is absent or a plain null scalar ("", "~", "null"). */
static bool
acl_yaml_null(const yaml_node_t *n)
{
    return (!n || (n->type == YAML_SCALAR_NODE &&
                   n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                   (!n->data.scalar.length || sl_app_config_key_is(n, "~") ||
                    sl_app_config_key_is(n, "null"))));
}

/* Reads rule 'number' (1-based) from mapping 'node' into 'r'. */
static bool
acl_yaml_rule(const struct sl_app_config *cfg, const yaml_node_t *node,
              size_t number, struct acl_rule *r, char *err, size_t errlen)
{
    char msg[ACL_MSG_LEN], label[96], key[ACL_VAL_LEN], val[ACL_VAL_LEN];
    bool ok = true;

    if (!node || node->type != YAML_MAPPING_NODE) {
        au_msgf(msg, sizeof msg,
                "must be a mapping of fields, such as "
                "{tcp_dst: 5001, action: deny}");
        acl_rule_label(r, number, label, sizeof label);
        snprintf(err, errlen, "%s: %s", label, msg);
        return false;
    }
    /* The name first, so that messages can name the rule. */
    for (const yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        if (sl_app_config_key_is(sl_app_config_node(cfg, p->key), "name") &&
            au_yaml_scalar(sl_app_config_node(cfg, p->value), val,
                           sizeof val) &&
            acl_name_ok(val)) {
            snprintf(r->name, sizeof r->name, "%s", val);
            break;
        }
    }
    for (const yaml_node_pair_t *p = node->data.mapping.pairs.start;
         ok && p < node->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);

        if (!au_yaml_scalar(k, key, sizeof key)) {
            au_msgf(msg, sizeof msg, "a key is not a field name");
            ok = false;
        } else if (!v || v->type != YAML_SCALAR_NODE) {
            char pk[48];
            au_msgf(msg, sizeof msg,
                    "%s must be one value, not a list or "
                    "a mapping",
                    acl_printable(key, pk));
            ok = false;
        } else if (!au_yaml_scalar(v, val, sizeof val)) {
            char pk[48];
            au_msgf(msg, sizeof msg, "%s: value too long",
                    acl_printable(key, pk));
            ok = false;
        } else {
            ok = acl_rule_kv(r, key, val, msg, sizeof msg);
        }
    }
    if (ok) {
        ok = acl_rule_finish(r, msg, sizeof msg);
    }
    if (!ok) {
        acl_rule_label(r, number, label, sizeof label);
        snprintf(err, errlen, "%s: %s", label, msg);
    }
    return ok;
}

/* Parses a datapath id: decimal, 0x-hex or "00:00:00:00:00:00:00:01". */
static bool
acl_parse_dpid(const char *s, uint64_t *dpid)
{
    if (strlen(s) == 23) {
        uint64_t v = 0;
        for (size_t i = 0; i < 8; i++) {
            int hi = au_hex(s[3 * i]), lo = au_hex(s[3 * i + 1]);
            if (hi < 0 || lo < 0 || (i < 7 && s[3 * i + 2] != ':')) {
                return false;
            }
            v = v << 8 | (uint64_t) (hi << 4 | lo);
        }
        *dpid = v;
        return true;
    }
    return !au_parse_u64(s, UINT64_MAX, dpid);
}

static int
acl_u64_cmp(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;

    return a < b ? -1 : a > b;
}

static bool
acl_yaml_switches(const struct sl_app_config *cfg, const yaml_node_t *v,
                  struct acl_conf *c, char *err, size_t errlen)
{
    char val[ACL_VAL_LEN], p[48];
    size_t n, k = 0;

    if (v && v->type == YAML_SCALAR_NODE && sl_app_config_key_is(v, "all")) {
        c->all = true;
        return true;
    }
    if (!v || v->type != YAML_SEQUENCE_NODE) {
        snprintf(err, errlen,
                 "switches: want all or a list of datapath "
                 "ids, such as [1, \"0x2\"]");
        return false;
    }
    n = (size_t) (v->data.sequence.items.top - v->data.sequence.items.start);
    if (n > ACL_MAX_TARGETS) {
        snprintf(err, errlen, "switches: %zu switches listed, at most %d", n,
                 ACL_MAX_TARGETS);
        return false;
    }
    c->all = false;
    c->targets = calloc(n ? n : 1, sizeof *c->targets);
    if (!c->targets) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item =
            sl_app_config_node(cfg, v->data.sequence.items.start[i]);
        if (!au_yaml_scalar(item, val, sizeof val) ||
            !acl_parse_dpid(val, &c->targets[k])) {
            snprintf(err, errlen,
                     "switches: item %zu \"%s\" is not a "
                     "datapath id (1, \"0x2\" or \"00:00:00:00:00:00:00:02\")",
                     i + 1,
                     item && item->type == YAML_SCALAR_NODE
                         ? acl_printable(val, p)
                         : "(not a scalar)");
            return false;
        }
        k++;
    }
    qsort(c->targets, k, sizeof *c->targets, acl_u64_cmp);
    c->n_targets = 0;
    for (size_t i = 0; i < k; i++) {
        if (!c->n_targets || c->targets[c->n_targets - 1] != c->targets[i]) {
            c->targets[c->n_targets++] = c->targets[i];
        }
    }
    return true;
}

static bool
acl_yaml_rules(const struct sl_app_config *cfg, const yaml_node_t *v,
               uint32_t first_id, struct acl_conf *c, char *err, size_t errlen)
{
    size_t n;

    if (acl_yaml_null(v)) {
        return true;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        snprintf(err, errlen, "rules: want a list of rules");
        return false;
    }
    n = (size_t) (v->data.sequence.items.top - v->data.sequence.items.start);
    if (n > ACL_MAX_RULES) {
        snprintf(err, errlen, "rules: %zu rules, at most %d", n,
                 ACL_MAX_RULES);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        struct acl_rule *r = acl_rule_create();
        if (!r) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        r->id = first_id + (uint32_t) i;
        c->rules[c->n_rules++] = r;
        if (!acl_yaml_rule(
                cfg, sl_app_config_node(cfg, v->data.sequence.items.start[i]),
                i + 1, r, err, errlen)) {
            return false;
        }
    }
    return true;
}

/* Reads the config section into 'c' (rules numbered from 'first_id').
 * Returns 0, or EINVAL/ENOMEM with a message in 'err'; 'c' is then empty
 * (acl_conf_free() is not needed). */
static int
acl_conf_read(const struct sl_app_config *cfg, uint32_t first_id,
              struct acl_conf *c, char *err, size_t errlen)
{
    static const char *const keys[] = {"default", "switches", "stats_interval",
                                       "rules"};
    const yaml_node_t *map = cfg ? cfg->node : NULL;
    uint32_t seen = 0;
    bool ok = true;

    memset(c, 0, sizeof *c);
    c->all = true;
    c->interval = ACL_DEF_INTERVAL;
    c->rules = calloc(ACL_MAX_RULES, sizeof *c->rules);
    if (!c->rules) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    if (acl_yaml_null(map)) {
        return 0;
    }
    if (map->type != YAML_MAPPING_NODE) {
        snprintf(err, errlen,
                 "want a mapping: {default: allow|deny, "
                 "switches: all|[dpids], stats_interval: N, rules: [...]}");
        acl_conf_free(c);
        return EINVAL;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         ok && p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        char key[ACL_VAL_LEN], val[ACL_VAL_LEN], pk[48];
        uint64_t n = 0;
        size_t i = 0;

        if (!au_yaml_scalar(k, key, sizeof key)) {
            key[0] = '\0';
        }
        while (i < 4 && strcmp(key, keys[i])) {
            i++;
        }
        if (i == 4) {
            snprintf(err, errlen,
                     "unknown key \"%s\" (default, switches, "
                     "stats_interval, rules)",
                     acl_printable(key, pk));
            ok = false;
        } else if (seen & (1u << i)) {
            snprintf(err, errlen, "%s given twice", key);
            ok = false;
        } else if (i == 0) {
            if (!au_yaml_scalar(v, val, sizeof val) ||
                (strcmp(val, "allow") && strcmp(val, "deny"))) {
                snprintf(err, errlen, "default: want allow or deny");
                ok = false;
            } else {
                c->deny = !strcmp(val, "deny");
            }
        } else if (i == 1) {
            ok = acl_yaml_switches(cfg, v, c, err, errlen);
        } else if (i == 2) {
            if (!au_yaml_scalar(v, val, sizeof val) ||
                au_parse_u64(val, ACL_MAX_INTERVAL, &n)) {
                snprintf(err, errlen,
                         "stats_interval: want seconds, 0..%d "
                         "(0: poll when the rules are read)",
                         ACL_MAX_INTERVAL);
                ok = false;
            }
            c->interval = (unsigned) n;
        } else {
            ok = acl_yaml_rules(cfg, v, first_id, c, err, errlen);
        }
        seen |= 1u << i;
    }
    if (!ok) {
        acl_conf_free(c);
        return EINVAL;
    }
    return 0;
}

/* ---- reading rules: JSON ---- */

/* Copies the scalar value 't' (a string, unescaped, or a number's text)
 * into 'buf'. */
static bool
acl_json_text(const char *text, const struct aj_tok *t, char *buf, size_t cap)
{
    size_t n = t->end - t->start;

    if (t->type == AJ_STRING) {
        return aj_string(text, t, buf, cap);
    }
    if (t->type != AJ_NUMBER || n >= cap) {
        return false;
    }
    memcpy(buf, text + t->start, n);
    buf[n] = '\0';
    return true;
}

/* Does string token 't' of 'text' hold an escaped NUL (\u0000)? */
static bool
acl_json_has_nul(const char *text, const struct aj_tok *t)
{
    if (t->type != AJ_STRING) {
        return false;
    }
    for (uint32_t i = t->start; i + 1 < t->end; i++) {
        if (text[i] != '\\') {
            continue;
        }
        if (text[i + 1] == 'u' && t->end - i >= 6 &&
            !memcmp(text + i + 2, "0000", 4)) {
            return true;
        }
        i++; /* the escaped character */
    }
    return false;
}

/* Reads one rule object from the JSON 'body' into 'r', and its optional
 * "position" into '*position' (untouched when absent).  On error returns
 * false with the kind of error in '*what' and the detail in 'err'. */
static bool
acl_json_rule(const char *body, size_t len, struct acl_rule *r,
              uint64_t *position, const char **what, char *err, size_t errlen)
{
    struct aj_tok toks[ACL_JSON_TOKS];
    char msg[ACL_MSG_LEN], label[96], key[ACL_VAL_LEN], val[ACL_VAL_LEN];
    char pk[48];
    bool ok = true, seen_position = false;
    size_t n = 0, k = 1;
    int error, name;

    error = aj_parse(body, len, toks, ACL_JSON_TOKS, &n, msg, sizeof msg);
    if (error) {
        *what = "bad JSON";
        if (error == E2BIG) {
            snprintf(msg, sizeof msg, "too many values for one rule");
        }
        snprintf(err, errlen, "%s", msg);
        return false;
    }
    *what = "invalid rule";
    if (toks[0].type != AJ_OBJECT) {
        snprintf(err, errlen,
                 "rule: want a JSON object such as "
                 "{\"tcp_dst\": 5001, \"action\": \"deny\"}");
        return false;
    }
    name = aj_member(body, toks, 0, "name");
    if (name >= 0 && toks[name].type == AJ_STRING &&
        aj_string(body, &toks[name], val, sizeof val) && acl_name_ok(val)) {
        snprintf(r->name, sizeof r->name, "%s", val);
    }
    for (size_t i = 0; ok && i < toks[0].size; i++, k = toks[k + 1].next) {
        const struct aj_tok *kt = &toks[k], *vt = &toks[k + 1];

        if (!aj_string(body, kt, key, sizeof key)) {
            au_msgf(msg, sizeof msg, "unknown key (too long or not text)");
            ok = false;
        } else if (!strcmp(key, "position")) {
            if (seen_position) {
                au_msgf(msg, sizeof msg, "position given twice");
                ok = false;
            } else if (vt->type != AJ_NUMBER ||
                       !aj_uint64(body, vt, position)) {
                au_msgf(msg, sizeof msg,
                        "position must be a whole number "
                        "from 0");
                ok = false;
            }
            seen_position = true;
        } else if (vt->type != AJ_STRING && vt->type != AJ_NUMBER) {
            au_msgf(msg, sizeof msg, "%s must be a string or a number",
                    acl_printable(key, pk));
            ok = false;
        } else if (!acl_json_text(body, vt, val, sizeof val)) {
            au_msgf(msg, sizeof msg, "%s: %s", acl_printable(key, pk),
                    acl_json_has_nul(body, vt) ? "\\u0000 (NUL) in the value"
                                               : "value too long");
            ok = false;
        } else {
            ok = acl_rule_kv(r, key, val, msg, sizeof msg);
        }
    }
    if (ok) {
        ok = acl_rule_finish(r, msg, sizeof msg);
    }
    if (!ok) {
        acl_rule_label(r, 0, label, sizeof label);
        snprintf(err, errlen, "%s: %s", label, msg);
    }
    return ok;
}

/* ---- writing rules: JSON ---- */

static void
acl_w_mac(struct aj_w *w, const uint8_t mac[6], const uint8_t mask[6])
{
    static const uint8_t ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    char buf[40];
    size_t n;

    au_mac_str(mac, buf, sizeof buf);
    n = strlen(buf);
    if (memcmp(mask, ones, 6)) {
        buf[n++] = '/';
        au_mac_str(mask, buf + n, sizeof buf - n);
    }
    aj_w_str(w, buf);
}

/* Writes field 'f' of 'r', normalised, as its value. */
static void
acl_w_field(struct aj_w *w, const struct acl_rule *r, enum acl_field f)
{
    char buf[64];

    switch (f) {
    case AF_NAME:
        aj_w_str(w, r->name);
        break;
    case AF_IN_PORT:
        aj_w_uint(w, r->in_port);
        break;
    case AF_MIRROR_PORT:
        aj_w_uint(w, r->mirror_port);
        break;
    case AF_ETH_SRC:
    case AF_ETH_DST:
        acl_w_mac(w, r->eth[f - AF_ETH_SRC], r->eth_mask[f - AF_ETH_SRC]);
        break;
    case AF_ETH_TYPE:
        aj_w_str(w, acl_etype_name(r->eth_type, buf, sizeof buf));
        break;
    case AF_VLAN:
        if (r->vlan_mask != 0x1fff) {
            aj_w_str(w, "any");
        } else if (r->vlan_vid == OFPVID_NONE) {
            aj_w_str(w, "none");
        } else {
            aj_w_uint(w, r->vlan_vid & 0xfff);
        }
        break;
    case AF_IPV4_SRC:
    case AF_IPV4_DST:
    case AF_IPV6_SRC:
    case AF_IPV6_DST:
        acl_prefix_text(r, (size_t) (f - AF_IPV4_SRC), buf, sizeof buf);
        aj_w_str(w, buf);
        break;
    case AF_IP_PROTO:
        if (r->ip_proto == PROTO_ICMP || r->ip_proto == PROTO_TCP ||
            r->ip_proto == PROTO_UDP || r->ip_proto == PROTO_ICMPV6) {
            aj_w_str(w, acl_proto_name(r->ip_proto, buf, sizeof buf));
        } else {
            aj_w_uint(w, r->ip_proto);
        }
        break;
    case AF_TCP_SRC:
    case AF_TCP_DST:
    case AF_UDP_SRC:
    case AF_UDP_DST:
        aj_w_uint(w, r->port[f - AF_TCP_SRC]);
        break;
    case AF_ICMP_TYPE:
        aj_w_uint(w, r->icmp_type);
        break;
    case AF_ICMP_CODE:
        aj_w_uint(w, r->icmp_code);
        break;
    case AF_ACTION:
        aj_w_str(w, acl_action_names[r->action]);
        break;
    case AF_N:
    default:
        aj_w_null(w);
        break;
    }
}

/* Writes 'r' (at 'position') as a JSON object: id, name, position, the
 * fields given (normalised), action, mirror_port, packets, bytes; only the
 * name and the fields unless 'full'. */
static void
acl_w_rule(struct aj_w *w, const struct acl_rule *r, size_t position,
           bool full)
{
    aj_w_obj_begin(w);
    if (full) {
        aj_w_key(w, "id");
        aj_w_uint(w, r->id);
    }
    if (r->given & AF_BIT(AF_NAME)) {
        aj_w_key(w, "name");
        aj_w_str(w, r->name);
    }
    if (full) {
        aj_w_key(w, "position");
        aj_w_uint(w, position);
    }
    for (int f = AF_IN_PORT; f < AF_N; f++) {
        if (r->given & AF_BIT(f)) {
            aj_w_key(w, acl_field_names[f]);
            acl_w_field(w, r, (enum acl_field) f);
        }
    }
    if (full) {
        aj_w_key(w, "packets");
        aj_w_uint(w, r->packets);
        aj_w_key(w, "bytes");
        aj_w_uint(w, r->bytes);
    }
    aj_w_obj_end(w);
}

/* Returns the rules of 'c' as canonical text (malloc'd), to tell whether a
 * reloaded file changed them, or NULL without memory. */
static char *
acl_rules_sig(const struct acl_conf *c)
{
    struct aj_w w;
    char *sig;

    aj_w_init(&w);
    aj_w_arr_begin(&w);
    for (size_t i = 0; i < c->n_rules; i++) {
        acl_w_rule(&w, c->rules[i], i, false);
    }
    aj_w_arr_end(&w);
    sig = aj_w_ok(&w) ? w.buf : NULL;
    if (!sig) {
        aj_w_free(&w);
    }
    return sig;
}

/* ---- REST ---- */

/* The body of a 500 when writing a reply ran out of memory. */
static const char acl_oom[] = "{\"error\": \"out of memory\", "
                              "\"detail\": \"the reply\"}";

/* Sends what 'w' holds (500 if writing it failed) and frees it. */
static void
acl_reply(struct sl_ctx *ctx, const struct sl_rest_request *req, int status,
          struct aj_w *w)
{
    au_reply(host, ctx, req, status, w, acl_oom);
}

static void
acl_reply_error(struct sl_ctx *ctx, const struct sl_rest_request *req,
                int status, const char *error, const char *detail)
{
    au_reply_error(host, ctx, req, status, error, detail, acl_oom);
}

static void
acl_reply_rule(struct acl *acl, const struct sl_rest_request *req, int status,
               const struct acl_rule *r)
{
    struct aj_w w;

    aj_w_init(&w);
    acl_w_rule(&w, r, acl_position(acl, r), true);
    acl_reply(acl->ctx, req, status, &w);
}

static void
acl_rest_post(struct acl *acl, const struct sl_rest_request *req)
{
    struct acl_conf *c = &acl->conf;
    struct acl_rule *r = acl_rule_create();
    uint64_t position = c->n_rules;
    const char *what = "invalid rule";
    char err[ACL_MSG_LEN + 128], label[96];

    if (!r) {
        acl_reply_error(acl->ctx, req, 500, "out of memory", "the rule");
        return;
    }
    if (acl_json_rule(req->body, req->body_len, r, &position, &what, err,
                      sizeof err)) {
        acl_rule_label(r, 0, label, sizeof label);
        if (c->n_rules >= ACL_MAX_RULES) {
            snprintf(err, sizeof err, "%s: too many rules (at most %d)", label,
                     ACL_MAX_RULES);
        } else if (position > c->n_rules) {
            snprintf(err, sizeof err,
                     "%s: position %" PRIu64 " is past the "
                     "end (%zu rules)",
                     label, position, c->n_rules);
        } else {
            what = NULL;
        }
    }
    if (what) {
        acl->rejected++;
        free(r);
        acl_reply_error(acl->ctx, req, 400, what, err);
        return;
    }
    r->id = acl->next_id++;
    memmove(&c->rules[position + 1], &c->rules[position],
            (c->n_rules - position) * sizeof *c->rules);
    c->rules[position] = r;
    acl->by_id[c->n_rules++] = r;
    acl_schedule(acl);
    acl_reply_rule(acl, req, 201, r);
}

/* GET, POST /rules. */
static void
acl_rest_rules(struct sl_ctx *ctx, const struct sl_rest_request *req,
               void *aux)
{
    struct acl *acl = aux;
    struct aj_w w;

    if (req->method == SL_REST_POST) {
        acl_rest_post(acl, req);
        return;
    }
    if (!acl->conf.interval) {
        acl_poll_all(acl);
    }
    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, "default");
    aj_w_str(&w, acl->conf.deny ? "deny" : "allow");
    aj_w_key(&w, "rules");
    aj_w_arr_begin(&w);
    for (size_t i = 0; i < acl->conf.n_rules; i++) {
        acl_w_rule(&w, acl->conf.rules[i], i, true);
    }
    aj_w_arr_end(&w);
    aj_w_obj_end(&w);
    acl_reply(ctx, req, 200, &w);
}

/* Does 'req' carry a body (anything but white space)? */
static bool
acl_has_body(const struct sl_rest_request *req)
{
    for (size_t i = 0; i < req->body_len; i++) {
        if (!req->body[i] || !strchr(" \t\r\n", req->body[i])) {
            return true;
        }
    }
    return false;
}

/* GET, DELETE /rules/{id}. */
static void
acl_rest_rule(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    struct acl *acl = aux;
    struct acl_conf *c = &acl->conf;
    const char *text = req->n_params ? req->param_values[0] : "";
    char detail[96], p[48];
    uint64_t id = 0;
    long k;

    if (au_parse_u64(text, UINT32_MAX, &id) || !id) {
        snprintf(detail, sizeof detail,
                 "rule id \"%s\" is not a number "
                 "from 1",
                 acl_printable(text, p));
        acl_reply_error(ctx, req, 400, "bad rule id", detail);
        return;
    }
    if (req->method == SL_REST_DELETE && acl_has_body(req)) {
        acl_reply_error(ctx, req, 400, "unexpected body",
                        "DELETE /rules/{id} takes no body");
        return;
    }
    k = acl_find_id(acl, (uint32_t) id);
    if (k < 0) {
        snprintf(detail, sizeof detail, "no rule %" PRIu64, id);
        acl_reply_error(ctx, req, 404, "no such rule", detail);
        return;
    }
    struct acl_rule *r = acl->by_id[k];
    if (req->method == SL_REST_GET) {
        if (!c->interval) {
            acl_poll_all(acl);
        }
        acl_reply_rule(acl, req, 200, r);
        return;
    }

    size_t i = acl_position(acl, r);
    memmove(&c->rules[i], &c->rules[i + 1],
            (c->n_rules - i - 1) * sizeof *c->rules);
    memmove(&acl->by_id[k], &acl->by_id[k + 1],
            (c->n_rules - (size_t) k - 1) * sizeof *acl->by_id);
    c->n_rules--;
    if (r->installed_prio >= 0) {
        acl->removed[acl->n_removed++] = r; /* its flows go at the apply */
    } else {
        free(r);
    }
    acl_schedule(acl);

    struct aj_w w;
    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, "deleted");
    aj_w_uint(&w, id);
    aj_w_obj_end(&w);
    acl_reply(ctx, req, 200, &w);
}

/* GET, PUT /default: {"default": "allow" | "deny"}. */
static void
acl_rest_default(struct sl_ctx *ctx, const struct sl_rest_request *req,
                 void *aux)
{
    struct acl *acl = aux;
    struct aj_tok toks[2 * AJ_MAX_DEPTH + 4];
    char msg[ACL_MSG_LEN], key[32], pk[48];
    size_t n = 0;
    struct aj_w w;

    if (req->method == SL_REST_PUT) {
        int error = aj_parse(req->body, req->body_len, toks,
                             sizeof toks / sizeof *toks, &n, msg, sizeof msg);
        int v;

        if (error) {
            acl_reply_error(ctx, req, 400, "bad JSON",
                            error == E2BIG
                                ? "too many values: want {\"default\": "
                                  "\"allow\" or \"deny\"}"
                                : msg);
            return;
        }
        if (toks[0].type == AJ_OBJECT && toks[0].size == 2 &&
            aj_eq(req->body, &toks[1], "default") &&
            aj_eq(req->body, &toks[toks[2].next], "default")) {
            acl_reply_error(ctx, req, 400, "invalid default",
                            "default given twice");
            return;
        }
        if (toks[0].type != AJ_OBJECT || toks[0].size != 1 ||
            !aj_string(req->body, &toks[1], key, sizeof key) ||
            strcmp(key, "default")) {
            if (toks[0].type == AJ_OBJECT && toks[0].size == 1 &&
                aj_string(req->body, &toks[1], key, sizeof key)) {
                snprintf(msg, sizeof msg,
                         "unknown key \"%s\": want "
                         "{\"default\": \"allow\" or \"deny\"}",
                         acl_printable(key, pk));
            } else {
                snprintf(msg, sizeof msg,
                         "want {\"default\": \"allow\" or "
                         "\"deny\"}");
            }
            acl_reply_error(ctx, req, 400, "invalid default", msg);
            return;
        }
        v = 2;
        if (toks[2].type == AJ_STRING && aj_eq(req->body, &toks[2], "allow")) {
            v = 0;
        } else if (toks[2].type == AJ_STRING &&
                   aj_eq(req->body, &toks[2], "deny")) {
            v = 1;
        }
        if (v == 2) {
            acl_reply_error(ctx, req, 400, "invalid default",
                            "default: want \"allow\" or \"deny\"");
            return;
        }
        if (acl->conf.deny != (v == 1)) {
            acl->conf.deny = v == 1;
            acl_schedule(acl);
            host->log(ctx, SL_APP_LOG_INFO, "default policy now %s",
                      acl->conf.deny ? "deny" : "allow");
        }
    }
    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, "default");
    aj_w_str(&w, acl->conf.deny ? "deny" : "allow");
    aj_w_obj_end(&w);
    acl_reply(ctx, req, 200, &w);
}

/* ---- metrics ---- */

static void
acl_metrics(struct sl_ctx *ctx, struct sl_metrics *m, void *aux)
{
    struct acl *acl = aux;
    char id[16];
    const char *labels[] = {"rule", id, NULL};

    (void) ctx;
    host->metric_family(m, "rules", "gauge", "ACL rules in force");
    host->metric_sample(m, NULL, (double) acl->conf.n_rules);
    host->metric_family(m, "rule_packets_total", "counter",
                        "Packets matched by each rule, summed over the "
                        "switches' flow stats at the last poll");
    for (size_t i = 0; i < acl->conf.n_rules; i++) {
        snprintf(id, sizeof id, "%" PRIu32, acl->conf.rules[i]->id);
        host->metric_sample(m, labels, (double) acl->conf.rules[i]->packets);
    }
    host->metric_family(m, "rule_bytes_total", "counter",
                        "Bytes matched by each rule, summed over the "
                        "switches' flow stats at the last poll");
    for (size_t i = 0; i < acl->conf.n_rules; i++) {
        snprintf(id, sizeof id, "%" PRIu32, acl->conf.rules[i]->id);
        host->metric_sample(m, labels, (double) acl->conf.rules[i]->bytes);
    }
    host->metric_family(m, "rejected_total", "counter",
                        "Rules refused over REST (invalid or bad JSON)");
    host->metric_sample(m, NULL, (double) acl->rejected);
    host->metric_family(m, "stats_polls_total", "counter",
                        "Flow-stats requests sent to switches for the rule "
                        "counters");
    host->metric_sample(m, NULL, (double) acl->polls);
}

/* ---- events ---- */

static enum sl_verdict
acl_switch_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct acl *acl = aux;

    if (!acl_targeted(acl, ev->dpid)) {
        return SL_CONTINUE;
    }
    if (!acl_switch_add(acl, ev->dpid)) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "switch %016" PRIx64
                  ": out of memory: its rules are not installed",
                  ev->dpid);
        return SL_CONTINUE;
    }
    acl_state_switch(acl, ev->dpid);
    return SL_CONTINUE;
}

static enum sl_verdict
acl_switch_down(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct acl_switch *s = acl_switch_find(aux, ev->dpid);

    (void) ctx;
    if (s) {
        s->pending = false; /* its answer will not come */
        s->n_partial = 0;
    }
    return SL_CONTINUE;
}

static enum sl_verdict
acl_error(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct acl *acl = aux;
    const struct sl_flow_spec *f = ev->error.flow;
    const struct acl_rule *r;

    if (!f || f->table_id != acl->table || !acl_rl(acl)) {
        return SL_CONTINUE;
    }
    r = acl_flow_rule(acl, f->priority, &f->match);
    if (r) {
        host->log(ctx, SL_APP_LOG_WARN,
                  "switch %016" PRIx64 " refused the flow of rule %" PRIu32
                  " (priority %u): OpenFlow error %d",
                  ev->dpid, r->id, f->priority, (int) ev->error.code);
    } else {
        host->log(ctx, SL_APP_LOG_WARN,
                  "switch %016" PRIx64
                  " refused an acl flow (priority %u): OpenFlow error %d",
                  ev->dpid, f->priority, (int) ev->error.code);
    }
    return SL_CONTINUE;
}

/* A packet-in from table "acl" is nobody else's: no rule sends one, and
 * the topology takes its own copies before the apps. */
static enum sl_verdict
acl_packet_in(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct acl *acl = aux;

    (void) ctx;
    return (ev->msg && ev->msg->packet_in.table_id == acl->table
                ? SL_STOP
                : SL_CONTINUE);
}

/* ---- lifecycle ---- */

/* Adds the connected target switches not known yet, and states their
 * flows. */
static void
acl_add_connected(struct acl *acl)
{
    uint64_t dpids[256];
    size_t n = host->switch_list(acl->ctx, dpids, 256);

    for (size_t i = 0; i < n && i < 256; i++) {
        if (acl_targeted(acl, dpids[i]) && !acl_switch_find(acl, dpids[i]) &&
            acl_switch_add(acl, dpids[i])) {
            acl_state_switch(acl, dpids[i]);
        }
    }
}

static void
acl_poll_start(struct acl *acl)
{
    if (acl->poll_timer) {
        host->timer_cancel(acl->ctx, acl->poll_timer);
        acl->poll_timer = NULL;
    }
    if (acl->conf.interval) {
        acl->poll_timer = host->timer_add(acl->ctx, acl->conf.interval, true,
                                          acl_poll_cb, acl);
    }
}

static int
acl_init(struct sl_ctx *ctx, const struct sl_host *h,
         const struct sl_app_config *cfg)
{
    struct acl *acl = calloc(1, sizeof *acl);
    char err[ACL_MSG_LEN + 128];
    int table, next, error;

    host = h;
    if (!acl) {
        return ENOMEM;
    }
    host->set_data(ctx, acl); /* fini frees it, even after a failed init */
    acl->ctx = ctx;
    acl->next_id = 1;
    table = host->table_id(ctx, "acl");
    next = host->table_id(ctx, "l3");
    if (next < 0) {
        next = table + 1;
    }
    if (table < 0 || next <= table || next > OFPTT_MAX) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "the pipeline has no table \"acl\" followed by another");
        return EINVAL;
    }
    acl->table = (uint8_t) table;
    acl->next_table = (uint8_t) next;
    acl->by_id = calloc(ACL_MAX_RULES, sizeof *acl->by_id);
    acl->removed = calloc(ACL_MAX_RULES, sizeof *acl->removed);
    if (!acl->by_id || !acl->removed) {
        return ENOMEM;
    }
    error = acl_conf_read(cfg, acl->next_id, &acl->conf, err, sizeof err);
    if (error) {
        host->log(ctx, SL_APP_LOG_ERR, "config: %s", err);
        return error;
    }
    memcpy(acl->by_id, acl->conf.rules,
           acl->conf.n_rules * sizeof *acl->by_id);
    acl->next_id += (uint32_t) acl->conf.n_rules;
    acl->file_rules = acl_rules_sig(&acl->conf);
    acl->file_deny = acl->conf.deny;
    if (!acl->file_rules) {
        return ENOMEM;
    }

    host->subscribe(ctx, SL_EV_SWITCH_UP, 0, acl_switch_up, acl);
    host->subscribe(ctx, SL_EV_SWITCH_DOWN, 0, acl_switch_down, acl);
    host->subscribe(ctx, SL_EV_STATS_REPLY, 0, acl_stats_reply, acl);
    host->subscribe(ctx, SL_EV_ERROR, 0, acl_error, acl);
    host->subscribe(ctx, SL_EV_PACKET_IN, 300, acl_packet_in, acl);
    if (host->rest_route(ctx, SL_REST_GET | SL_REST_POST, "/rules",
                         acl_rest_rules, acl) ||
        host->rest_route(ctx, SL_REST_GET | SL_REST_DELETE, "/rules/{id}",
                         acl_rest_rule, acl) ||
        host->rest_route(ctx, SL_REST_GET | SL_REST_PUT, "/default",
                         acl_rest_default, acl) ||
        host->metrics_register(ctx, acl_metrics, acl)) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "cannot register REST routes or metrics");
        return EINVAL;
    }
    return 0;
}

static int
acl_start(struct sl_ctx *ctx)
{
    struct acl *acl = host->get_data(ctx);

    acl_poll_start(acl);
    acl_add_connected(acl);
    acl_apply(acl);
    host->log(ctx, SL_APP_LOG_INFO, "%zu rules, default %s, on %s",
              acl->conf.n_rules, acl->conf.deny ? "deny" : "allow",
              acl->conf.all ? "all switches" : "the listed switches");
    return 0;
}

static void
acl_stop(struct sl_ctx *ctx)
{
    struct acl *acl = host->get_data(ctx);

    /* The host cancels our timers; the flows stay on the switches. */
    acl->apply_timer = NULL;
    acl->poll_timer = NULL;
}

static void
acl_fini(struct sl_ctx *ctx)
{
    struct acl *acl = host->get_data(ctx);

    if (!acl) {
        return;
    }
    acl_conf_free(&acl->conf);
    for (size_t i = 0; i < acl->n_removed; i++) {
        free(acl->removed[i]);
    }
    free(acl->removed);
    free(acl->by_id);
    for (size_t i = 0; i < acl->n_switches; i++) {
        acl_switch_uninit(&acl->switches[i]);
    }
    free(acl->switches);
    free(acl->file_rules);
    free(acl);
    host->set_data(ctx, NULL);
}

/* Applies what changed in the file since it was last read: the rules (all
 * replaced, under new ids, REST changes to them dropped), the default (a
 * REST change of it is kept unless the file's changed), the switches, the
 * stats interval.  The host calls it on every reload, changed or not. */
static int
acl_reconfigure(struct sl_ctx *ctx, const struct sl_app_config *cfg)
{
    struct acl *acl = host->get_data(ctx);
    struct acl_conf c;
    char err[ACL_MSG_LEN + 128];
    char *sig;
    bool new_rules;
    int error = acl_conf_read(cfg, acl->next_id, &c, err, sizeof err);

    if (error) {
        host->log(ctx, SL_APP_LOG_ERR, "config: %s (nothing changed)", err);
        return error;
    }
    sig = acl_rules_sig(&c);
    if (!sig) {
        acl_conf_free(&c);
        return ENOMEM;
    }
    new_rules = strcmp(sig, acl->file_rules) != 0;
    if (new_rules) {
        struct acl_rule **old = acl->conf.rules;

        for (size_t i = 0; i < acl->conf.n_rules; i++) {
            if (old[i]->installed_prio >= 0) {
                acl->removed[acl->n_removed++] = old[i];
            } else {
                free(old[i]);
            }
        }
        acl->conf.rules = c.rules;
        acl->conf.n_rules = c.n_rules;
        c.rules = old;
        c.n_rules = 0;
        memcpy(acl->by_id, acl->conf.rules,
               acl->conf.n_rules * sizeof *acl->by_id);
        acl->next_id += (uint32_t) acl->conf.n_rules;
    }
    free(acl->file_rules);
    acl->file_rules = sig;
    if (c.deny != acl->file_deny) {
        acl->conf.deny = acl->file_deny = c.deny;
    }
    free(acl->conf.targets);
    acl->conf.all = c.all;
    acl->conf.targets = c.targets;
    acl->conf.n_targets = c.n_targets;
    c.targets = NULL;
    if (acl->conf.interval != c.interval) {
        acl->conf.interval = c.interval;
        acl_poll_start(acl);
    }
    acl_conf_free(&c);

    /* Switches no longer targeted lose our flows. */
    for (size_t i = 0; i < acl->n_switches;) {
        struct acl_switch *s = &acl->switches[i];
        if (acl_targeted(acl, s->dpid)) {
            i++;
            continue;
        }
        host->flow_del_all(ctx, s->dpid);
        acl_switch_uninit(s);
        *s = acl->switches[--acl->n_switches];
    }
    acl_add_connected(acl);
    acl_apply(acl);
    acl_recount(acl);
    host->log(ctx, SL_APP_LOG_INFO, "reloaded: %zu rules (%s), default %s",
              acl->conf.n_rules, new_rules ? "replaced" : "unchanged",
              acl->conf.deny ? "deny" : "allow");
    return 0;
}

/* The one symbol the host looks for. */
const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "acl",
    .description = "ordered ACL rules in table \"acl\", from config and REST",
    .init = acl_init,
    .start = acl_start,
    .stop = acl_stop,
    .fini = acl_fini,
    .reconfigure = acl_reconfigure,
};
