/* sluicectl-show: human-readable output from the API's answers (see
 * sluicectl-show.h). */
#include <config.h>
#include "tools/sluicectl-show.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Port numbers of the reserved ports Ryu names. */
static const struct {
    const char *name;
    uint32_t port;
} reserved_ports[] = {
    {"IN_PORT", 0xfffffff8u}, {"TABLE", 0xfffffff9u},
    {"NORMAL", 0xfffffffau},  {"FLOOD", 0xfffffffbu},
    {"ALL", 0xfffffffcu},     {"CONTROLLER", 0xfffffffdu},
    {"LOCAL", 0xfffffffeu},   {"ANY", 0xffffffffu},
};

/* OpenFlow's port config and state bits. */
#define PORT_CONFIG_DOWN 1 /* OFPPC_PORT_DOWN */
#define PORT_STATE_LINK_DOWN 1
#define PORT_STATE_BLOCKED 2

/* ---- values ---- */

bool
ctl_show_u64(const json_t *value, uint64_t *v)
{
    if (json_is_integer(value) && json_integer_value(value) >= 0) {
        *v = (uint64_t) json_integer_value(value);
        return true;
    }
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        char *end;
        if (*s < '0' || *s > '9') {
            return false;
        }
        errno = 0;
        unsigned long long x = strtoull(s, &end, 10);
        if (errno || *end) {
            return false;
        }
        *v = x;
        return true;
    }
    return false;
}

void
ctl_show_duration(double secs, char *buf, size_t size)
{
    uint64_t s = secs > 0 ? (uint64_t) secs : 0;

    if (s < 60) {
        snprintf(buf, size, "%" PRIu64 "s", s);
    } else if (s < 3600) {
        snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
    } else if (s < 86400) {
        snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
                 s / 60 % 60);
    } else {
        snprintf(buf, size, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
                 s / 3600 % 24);
    }
}

/* Writes 'value' as text into 'buf': a string as it is, "-" when absent
 * or null, anything else as compact JSON.  Cut to fit. */
static const char *
cell_text(const json_t *value, char *buf, size_t size)
{
    if (!value || json_is_null(value)) {
        snprintf(buf, size, "-");
    } else if (json_is_string(value)) {
        snprintf(buf, size, "%s", json_string_value(value));
    } else {
        size_t n =
            json_dumpb(value, buf, size - 1, JSON_COMPACT | JSON_ENCODE_ANY);
        buf[n < size - 1 ? n : size - 1] = '\0';
    }
    return buf;
}

/* Writes the unsigned counter 'value' into 'buf', or "-". */
static const char *
count_text(const json_t *value, char *buf, size_t size)
{
    uint64_t v;

    if (ctl_show_u64(value, &v)) {
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
    }
    return cell_text(value, buf, size);
}

/* Prints 'value' as cell_text() does, without a length limit. */
static void
print_value(FILE *out, const json_t *value)
{
    if (json_is_string(value)) {
        fputs(json_string_value(value), out);
    } else if (!value || json_is_null(value)) {
        fputc('-', out);
    } else if (json_is_real(value)) {
        /* Seconds and the like: people need no 17 digits. */
        fprintf(out, "%.3f", json_real_value(value));
    } else {
        json_dumpf(value, out, JSON_COMPACT | JSON_ENCODE_ANY);
    }
}

/* ---- tables ---- */

struct column {
    const char *title;
    bool right; /* aligned to the right (numbers) */
};

struct table {
    const struct column *cols;
    size_t n_cols;
    char **cells; /* row after row, 'n_cols' each */
    size_t n_rows, cap_rows;
};

static void
table_init(struct table *t, const struct column *cols, size_t n_cols)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->n_cols = n_cols;
}

/* Adds a row of 'n_cols' texts (copied). */
static void
table_add(struct table *t, const char *const row[])
{
    if (t->n_rows == t->cap_rows) {
        t->cap_rows = t->cap_rows ? 2 * t->cap_rows : 16;
        t->cells =
            realloc(t->cells, t->cap_rows * t->n_cols * sizeof *t->cells);
        if (!t->cells) {
            abort();
        }
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        char *copy = strdup(row[i]);
        if (!copy) {
            abort();
        }
        t->cells[t->n_rows * t->n_cols + i] = copy;
    }
    t->n_rows++;
}

static void
table_print_row(const struct table *t, const char *const row[],
                const size_t widths[], FILE *out)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        size_t len = strlen(row[i]);
        size_t pad = widths[i] - len;
        bool last = i + 1 == t->n_cols;

        if (i) {
            fputs("  ", out);
        }
        if (t->cols[i].right) {
            fprintf(out, "%*s%s", (int) pad, "", row[i]);
        } else {
            fprintf(out, "%s%*s", row[i], last ? 0 : (int) pad, "");
        }
    }
    fputc('\n', out);
}

/* Prints the header and the rows, columns as wide as their widest text. */
static void
table_print(const struct table *t, FILE *out)
{
    size_t widths[16];
    const char *titles[16];

    for (size_t i = 0; i < t->n_cols && i < 16; i++) {
        titles[i] = t->cols[i].title;
        widths[i] = strlen(titles[i]);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t len = strlen(t->cells[r * t->n_cols + i]);
            widths[i] = len > widths[i] ? len : widths[i];
        }
    }
    table_print_row(t, titles, widths, out);
    for (size_t r = 0; r < t->n_rows; r++) {
        table_print_row(t, (const char *const *) &t->cells[r * t->n_cols],
                        widths, out);
    }
}

static void
table_uninit(struct table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
        free(t->cells[i]);
    }
    free(t->cells);
}

/* ---- switches ---- */

int
ctl_show_switches(FILE *out, const json_t *answer, char *err, size_t errlen)
{
    static const struct column cols[] = {
        {"DPID", false},  {"ADDRESS", false}, {"PORTS", true},
        {"UPTIME", true}, {"FLOWS", true},    {"SYNCED", false},
    };
    const json_t *switches = json_object_get(answer, "switches");
    const json_t *sw;
    struct table t;
    size_t i;

    if (!json_is_array(switches)) {
        snprintf(err, errlen, "no \"switches\" array");
        return EINVAL;
    }
    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    json_array_foreach(switches, i, sw)
    {
        const json_t *flows = json_object_get(sw, "flows");
        const json_t *since = json_object_get(sw, "connected_seconds");
        const json_t *synced = json_object_get(flows, "synced");
        char dpid[64], address[128], ports[24], uptime[24], n_flows[24];

        snprintf(ports, sizeof ports, "%zu",
                 json_array_size(json_object_get(sw, "ports")));
        if (json_is_number(since)) {
            ctl_show_duration(json_number_value(since), uptime, sizeof uptime);
        } else {
            snprintf(uptime, sizeof uptime, "-");
        }
        const char *row[] = {
            cell_text(json_object_get(sw, "dpid"), dpid, sizeof dpid),
            cell_text(json_object_get(sw, "address"), address, sizeof address),
            ports,
            uptime,
            count_text(json_object_get(flows, "desired"), n_flows,
                       sizeof n_flows),
            json_is_boolean(synced) ? json_is_true(synced) ? "yes" : "no"
                                    : "-",
        };
        table_add(&t, row);
    }
    table_print(&t, out);
    table_uninit(&t);
    return 0;
}

/* ---- flows ---- */

const json_t *
ctl_show_ryu_entry(const json_t *answer, uint64_t dpid, char *err,
                   size_t errlen)
{
    char key[24];

    snprintf(key, sizeof key, "%" PRIu64, dpid);
    const json_t *entry = json_object_get(answer, key);
    if (!entry && json_is_object(answer) && json_object_size(answer) == 1) {
        entry = json_object_iter_value(json_object_iter((json_t *) answer));
    }
    if (!entry) {
        snprintf(err, errlen, "no entry for datapath %s", key);
    }
    return entry;
}

/* Prints a list of Ryu's action strings, comma-separated; an object
 * {"WRITE_ACTIONS": [...]} as WRITE_ACTIONS(...). */
static void
print_action_list(FILE *out, const json_t *actions)
{
    const json_t *action;
    size_t i;

    json_array_foreach(actions, i, action)
    {
        void *iter = json_is_object(action) && json_object_size(action) == 1
                         ? json_object_iter((json_t *) action)
                         : NULL;
        const json_t *inner = iter ? json_object_iter_value(iter) : NULL;

        if (i) {
            fputc(',', out);
        }
        if (json_is_array(inner)) {
            fprintf(out, "%s(", json_object_iter_key(iter));
            print_action_list(out, inner);
            fputc(')', out);
        } else {
            print_value(out, action);
        }
    }
}

/* Prints the value of 'flow''s member 'key' as a counter. */
static void
print_count(FILE *out, const json_t *flow, const char *key)
{
    char buf[32];

    fputs(count_text(json_object_get(flow, key), buf, sizeof buf), out);
}

static void
print_flow(FILE *out, const json_t *flow)
{
    const json_t *match = json_object_get(flow, "match");
    const json_t *actions = json_object_get(flow, "actions");
    const json_t *value;
    const char *key;
    uint64_t cookie = 0, sec = 0, nsec = 0, hard = 0;

    ctl_show_u64(json_object_get(flow, "cookie"), &cookie);
    ctl_show_u64(json_object_get(flow, "duration_sec"), &sec);
    ctl_show_u64(json_object_get(flow, "duration_nsec"), &nsec);
    ctl_show_u64(json_object_get(flow, "hard_timeout"), &hard);

    fputs("table=", out);
    print_count(out, flow, "table_id");
    fputs(", priority=", out);
    print_count(out, flow, "priority");
    fputs(", n_packets=", out);
    print_count(out, flow, "packet_count");
    fputs(", n_bytes=", out);
    print_count(out, flow, "byte_count");
    fprintf(out,
            ", cookie=0x%" PRIx64 ", duration=%" PRIu64 ".%03" PRIu64
            "s, idle=",
            cookie, sec, nsec / 1000000 % 1000);
    print_count(out, flow, "idle_timeout");
    if (hard) {
        fprintf(out, ", hard=%" PRIu64, hard);
    }
    json_object_foreach((json_t *) match, key, value)
    {
        fprintf(out, ", %s=", key);
        print_value(out, value);
    }
    fputs(", actions=", out);
    if (json_array_size(actions)) {
        print_action_list(out, actions);
    } else {
        fputs("drop", out);
    }
    fputc('\n', out);
}

int
ctl_show_flows(FILE *out, const json_t *answer, uint64_t dpid, char *err,
               size_t errlen)
{
    const json_t *flows = ctl_show_ryu_entry(answer, dpid, err, errlen);
    const json_t *flow;
    size_t i;

    if (!flows) {
        return EINVAL;
    }
    if (!json_is_array(flows)) {
        snprintf(err, errlen, "the flows are not an array");
        return EINVAL;
    }
    json_array_foreach(flows, i, flow)
    {
        print_flow(out, flow);
    }
    return 0;
}

/* ---- ports ---- */

/* The number of a port_no value (a number or Ryu's name of a reserved
 * port), or UINT64_MAX. */
static uint64_t
port_number(const json_t *port_no)
{
    uint64_t v;

    if (ctl_show_u64(port_no, &v)) {
        return v;
    }
    for (size_t i = 0; i < sizeof reserved_ports / sizeof *reserved_ports;
         i++) {
        if (json_is_string(port_no) &&
            !strcmp(json_string_value(port_no), reserved_ports[i].name)) {
            return reserved_ports[i].port;
        }
    }
    return UINT64_MAX;
}

/* Returns the port in 'ports' whose port_no is the same as 'port_no'. */
static json_t *
find_port(json_t *ports, const json_t *port_no)
{
    uint64_t number = port_number(port_no);
    json_t *port;
    size_t i;

    json_array_foreach(ports, i, port)
    {
        const json_t *other = json_object_get(port, "port_no");
        if (number != UINT64_MAX
                ? port_number(other) == number
                : json_equal((json_t *) other, (json_t *) port_no)) {
            return port;
        }
    }
    return NULL;
}

struct sorted_port {
    uint64_t number;
    size_t index;
    json_t *port;
};

static int
compare_ports(const void *a_, const void *b_)
{
    const struct sorted_port *a = a_, *b = b_;

    if (a->number != b->number) {
        return a->number < b->number ? -1 : 1;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Returns 'ports' sorted by port number (stable), stealing it. */
static json_t *
sort_ports(json_t *ports)
{
    size_t n = json_array_size(ports);
    struct sorted_port *sorted = calloc(n ? n : 1, sizeof *sorted);
    json_t *result = json_array();

    if (!sorted || !result) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i].port = json_array_get(ports, i);
        sorted[i].number =
            port_number(json_object_get(sorted[i].port, "port_no"));
        sorted[i].index = i;
    }
    qsort(sorted, n, sizeof *sorted, compare_ports);
    for (size_t i = 0; i < n; i++) {
        json_array_append(result, sorted[i].port);
    }
    free(sorted);
    json_decref(ports);
    return result;
}

/* Returns the port list of a Ryu answer for 'dpid', or NULL. */
static const json_t *
port_list(const json_t *answer, uint64_t dpid, const char *what, char *err,
          size_t errlen)
{
    const json_t *list = ctl_show_ryu_entry(answer, dpid, err, errlen);
    const json_t *port;
    size_t i;

    if (!list) {
        return NULL;
    }
    if (!json_is_array(list)) {
        snprintf(err, errlen, "the %s are not an array", what);
        return NULL;
    }
    json_array_foreach(list, i, port)
    {
        if (!json_is_object(port)) {
            snprintf(err, errlen, "the %s hold a non-object", what);
            return NULL;
        }
    }
    return list;
}

json_t *
ctl_show_ports_merge(const json_t *desc_answer, const json_t *stats_answer,
                     uint64_t dpid, char *err, size_t errlen)
{
    const json_t *desc =
        port_list(desc_answer, dpid, "port descriptions", err, errlen);
    const json_t *stats =
        desc ? port_list(stats_answer, dpid, "port counters", err, errlen)
             : NULL;
    json_t *ports, *port;
    const json_t *entry;
    size_t i;

    if (!stats) {
        return NULL;
    }
    ports = json_array();
    json_array_foreach(desc, i, entry)
    {
        json_array_append_new(ports, json_copy((json_t *) entry));
    }
    json_array_foreach(stats, i, entry)
    {
        port = find_port(ports, json_object_get(entry, "port_no"));
        if (port) {
            json_object_update_missing(port, (json_t *) entry);
        } else {
            json_array_append_new(ports, json_copy((json_t *) entry));
        }
    }
    return sort_ports(ports);
}

/* A port's state in a word. */
static const char *
port_state(const json_t *port)
{
    const json_t *config = json_object_get(port, "config");
    const json_t *state = json_object_get(port, "state");

    if (!json_is_integer(config) && !json_is_integer(state)) {
        return "-";
    }
    if (json_integer_value(config) & PORT_CONFIG_DOWN) {
        return "admin-down";
    }
    if (json_integer_value(state) & PORT_STATE_LINK_DOWN) {
        return "down";
    }
    if (json_integer_value(state) & PORT_STATE_BLOCKED) {
        return "blocked";
    }
    return "up";
}

/* Receive plus transmit errors, or "-" without counters. */
static const char *
port_errors(const json_t *port, char *buf, size_t size)
{
    uint64_t rx, tx;

    if (ctl_show_u64(json_object_get(port, "rx_errors"), &rx) &&
        ctl_show_u64(json_object_get(port, "tx_errors"), &tx)) {
        snprintf(buf, size, "%" PRIu64, rx + tx);
    } else {
        snprintf(buf, size, "-");
    }
    return buf;
}

void
ctl_show_ports(FILE *out, const json_t *ports)
{
    static const struct column cols[] = {
        {"PORT", false},    {"NAME", false},    {"MAC", false},
        {"STATE", false},   {"RX_PKTS", true},  {"TX_PKTS", true},
        {"RX_BYTES", true}, {"TX_BYTES", true}, {"ERRORS", true},
    };
    const json_t *port;
    struct table t;
    size_t i;

    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    json_array_foreach(ports, i, port)
    {
        char no[32], name[64], mac[32], rxp[24], txp[24], rxb[24], txb[24],
            errors[24];
        const char *row[] = {
            count_text(json_object_get(port, "port_no"), no, sizeof no),
            cell_text(json_object_get(port, "name"), name, sizeof name),
            cell_text(json_object_get(port, "hw_addr"), mac, sizeof mac),
            port_state(port),
            count_text(json_object_get(port, "rx_packets"), rxp, sizeof rxp),
            count_text(json_object_get(port, "tx_packets"), txp, sizeof txp),
            count_text(json_object_get(port, "rx_bytes"), rxb, sizeof rxb),
            count_text(json_object_get(port, "tx_bytes"), txb, sizeof txb),
            port_errors(port, errors, sizeof errors),
        };
        table_add(&t, row);
    }
    table_print(&t, out);
    table_uninit(&t);
}

/* ---- topology ---- */

json_t *
ctl_show_topology_list(const json_t *answer, const char *member, bool filter,
                       uint64_t dpid, char *err, size_t errlen)
{
    const json_t *list = json_object_get(answer, member);
    bool links = !strcmp(member, "links");
    const json_t *entry;
    char want[17];
    json_t *result;
    size_t i;

    if (!json_is_array(list)) {
        snprintf(err, errlen, "no \"%s\" array", member);
        return NULL;
    }
    snprintf(want, sizeof want, "%016" PRIx64, dpid);
    result = json_array();
    json_array_foreach(list, i, entry)
    {
        const json_t *owner = links ? json_object_get(entry, "src") : entry;
        const json_t *d = json_object_get(owner, "dpid");

        if (!json_is_object(entry)) {
            snprintf(err, errlen, "the %s hold a non-object", member);
            json_decref(result);
            return NULL;
        }
        if (!filter ||
            (json_is_string(d) && !strcmp(json_string_value(d), want))) {
            json_array_append(result, (json_t *) entry);
        }
    }
    return result;
}

/* Writes 'value' (a number of milliseconds) as "0.123", or "-". */
static const char *
millis_text(const json_t *value, char *buf, size_t size)
{
    if (json_is_number(value)) {
        snprintf(buf, size, "%.3f", json_number_value(value));
    } else {
        snprintf(buf, size, "-");
    }
    return buf;
}

/* Writes the strings of array 'list' comma-separated, or "-". */
static const char *
list_text(const json_t *list, char *buf, size_t size)
{
    const json_t *item;
    size_t i, n = 0;

    buf[0] = '\0';
    json_array_foreach(list, i, item)
    {
        if (json_is_string(item) && n < size) {
            n += (size_t) snprintf(buf + n, size - n, "%s%s", n ? "," : "",
                                   json_string_value(item));
        }
    }
    if (!buf[0]) {
        snprintf(buf, size, "-");
    }
    return buf;
}

static const char *
yes_no(const json_t *value)
{
    return json_is_boolean(value) ? json_is_true(value) ? "yes" : "no" : "-";
}

void
ctl_show_links(FILE *out, const json_t *links)
{
    static const struct column cols[] = {
        {"SRC", false},      {"PORT", true},       {"DST", false},
        {"PORT", true},      {"LATENCY_MS", true}, {"TREE", false},
        {"UP_SINCE", false},
    };
    const json_t *link;
    struct table t;
    size_t i;

    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    json_array_foreach(links, i, link)
    {
        const json_t *src = json_object_get(link, "src");
        const json_t *dst = json_object_get(link, "dst");
        char sd[32], sp[24], dd[32], dp[24], latency[32], since[40];
        const char *row[] = {
            cell_text(json_object_get(src, "dpid"), sd, sizeof sd),
            count_text(json_object_get(src, "port_no"), sp, sizeof sp),
            cell_text(json_object_get(dst, "dpid"), dd, sizeof dd),
            count_text(json_object_get(dst, "port_no"), dp, sizeof dp),
            millis_text(json_object_get(link, "latency_ms"), latency,
                        sizeof latency),
            yes_no(json_object_get(link, "tree")),
            cell_text(json_object_get(link, "up_since"), since, sizeof since),
        };
        table_add(&t, row);
    }
    table_print(&t, out);
    table_uninit(&t);
}

void
ctl_show_hosts(FILE *out, const json_t *hosts)
{
    static const struct column cols[] = {
        {"MAC", false},  {"VLAN", true},  {"DPID", false},      {"PORT", true},
        {"IPV4", false}, {"IPV6", false}, {"LAST_SEEN", false},
    };
    const json_t *host;
    struct table t;
    size_t i;

    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    json_array_foreach(hosts, i, host)
    {
        char mac[32], vlan[16], dpid[32], port[24], v4[256], v6[512], seen[40];
        const char *row[] = {
            cell_text(json_object_get(host, "mac"), mac, sizeof mac),
            count_text(json_object_get(host, "vlan"), vlan, sizeof vlan),
            cell_text(json_object_get(host, "dpid"), dpid, sizeof dpid),
            count_text(json_object_get(host, "port_no"), port, sizeof port),
            list_text(json_object_get(host, "ipv4"), v4, sizeof v4),
            list_text(json_object_get(host, "ipv6"), v6, sizeof v6),
            cell_text(json_object_get(host, "last_seen"), seen, sizeof seen),
        };
        table_add(&t, row);
    }
    table_print(&t, out);
    table_uninit(&t);
}

int
ctl_show_path(FILE *out, const json_t *answer, char *err, size_t errlen)
{
    static const struct column cols[] = {
        {"HOP", true},
        {"DPID", false},
        {"IN", true},
        {"OUT", true},
    };
    const json_t *hops = json_object_get(answer, "hops");
    const json_t *length = json_object_get(answer, "length");
    const json_t *metric = json_object_get(answer, "metric");
    const json_t *hop;
    struct table t;
    char latency[32];
    size_t i;

    if (!json_is_array(hops) || !json_is_integer(length)) {
        snprintf(err, errlen, "no \"hops\" array and \"length\"");
        return EINVAL;
    }
    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    json_array_foreach(hops, i, hop)
    {
        char n[24], dpid[32], in[24], hop_out[24];

        snprintf(n, sizeof n, "%zu", i + 1);
        const char *row[] = {
            n,
            cell_text(json_object_get(hop, "dpid"), dpid, sizeof dpid),
            count_text(json_object_get(hop, "in_port"), in, sizeof in),
            count_text(json_object_get(hop, "out_port"), hop_out,
                       sizeof hop_out),
        };
        table_add(&t, row);
    }
    table_print(&t, out);
    table_uninit(&t);
    fprintf(out, "%" JSON_INTEGER_FORMAT " link%s, %s ms, by %s\n",
            json_integer_value(length),
            json_integer_value(length) == 1 ? "" : "s",
            millis_text(json_object_get(answer, "latency_ms"), latency,
                        sizeof latency),
            json_is_string(metric) ? json_string_value(metric) : "hops");
    return 0;
}

/* ---- objects and events ---- */

void
ctl_show_object(FILE *out, const json_t *obj)
{
    const char *key;
    const json_t *value;
    int width = 0;

    json_object_foreach((json_t *) obj, key, value)
    {
        int len = (int) strlen(key) + 1;
        width = len > width ? len : width;
    }
    json_object_foreach((json_t *) obj, key, value)
    {
        fprintf(out, "%s:%*s ", key, width - (int) strlen(key) - 1, "");
        print_value(out, value);
        fputc('\n', out);
    }
}

/* Whether the string 's' must be quoted to stay one word of a line. */
static bool
needs_quotes(const char *s)
{
    return !*s || strpbrk(s, " \t\r\n\"=") != NULL;
}

/* Prints an event's value: a plain word when it can be one, else JSON. */
static void
print_event_value(FILE *out, const json_t *value)
{
    if (json_is_string(value) && !needs_quotes(json_string_value(value))) {
        fputs(json_string_value(value), out);
    } else {
        json_dumpf(value, out, JSON_COMPACT | JSON_ENCODE_ANY);
    }
}

void
ctl_show_event(FILE *out, const char *type, const char *data)
{
    json_t *obj = json_loads(data, 0, NULL);
    const json_t *value;
    const char *key;

    if (!json_is_object(obj)) {
        fprintf(out, "- %s - %s\n", type, data);
        json_decref(obj);
        return;
    }
    const json_t *time = json_object_get(obj, "time");
    const json_t *dpid = json_object_get(obj, "dpid");
    const json_t *data_type = json_object_get(obj, "type");
    if (!strcmp(type, "message") && json_is_string(data_type)) {
        type = json_string_value(data_type);
    }
    print_value(out, time);
    fprintf(out, " %s ", type);
    print_value(out, dpid);
    json_object_foreach(obj, key, value)
    {
        if (strcmp(key, "time") && strcmp(key, "dpid") &&
            strcmp(key, "type")) {
            fprintf(out, " %s=", key);
            print_event_value(out, value);
        }
    }
    fputc('\n', out);
    json_decref(obj);
}
