/* config: loads the daemon's YAML configuration into 'struct sl_config'.
 *
 * The file is parsed with libyaml's document API (yaml_parser_load), so
 * every node carries its start mark and errors can name line and column.
 * Loading has three steps: parse (syntax errors come from libyaml), a
 * bounded generic walk of the whole document (nesting depth, alias
 * expansion, duplicate keys in any mapping), then the schema walk that
 * fills a private copy of the defaults.  Only on full success is that copy
 * moved into the caller's struct, so an error never leaves a half-filled
 * config. */
#include <config.h>
#include "controller/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "controller/util.h"

/* Most node visits the generic walk makes (aliases can multiply them). */
#define CFG_MAX_VISITS (2u * 1024 * 1024)

struct cfg_ctx {
    const char *name;
    yaml_document_t *doc;
    char *errbuf;
    size_t errlen;
    size_t visits;
};

/* Formats "NAME:LINE:COL: message" for 'mark' and returns EINVAL. */
static int
cfg_err_at(struct cfg_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cfg_err_at(struct cfg_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
{
    if (ctx->errlen) {
        int n = snprintf(ctx->errbuf, ctx->errlen, "%s:%zu:%zu: ",
                         ctx->name, mark.line + 1, mark.column + 1);
        if (n >= 0 && (size_t) n < ctx->errlen) {
            va_list args;
            va_start(args, fmt);
            vsnprintf(ctx->errbuf + n, ctx->errlen - n, fmt, args);
            va_end(args);
        }
        /* The message quotes the input: keep it one printable line. */
        for (char *p = ctx->errbuf; *p != '\0'; p++) {
            if ((unsigned char) *p < 0x20 || *p == 0x7f) {
                *p = '?';
            }
        }
    }
    return EINVAL;
}

static const char *
cfg_node_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a sequence";
    case YAML_SCALAR_NODE:
    case YAML_NO_NODE:
    default:
        return "a scalar";
    }
}

static const char *
cfg_scalar(const yaml_node_t *node)
{
    return (const char *) node->data.scalar.value;
}

static bool
cfg_is_plain(const yaml_node_t *node)
{
    return (node->type == YAML_SCALAR_NODE
            && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
}

static bool
cfg_is_null(const yaml_node_t *node)
{
    const char *s;

    if (!cfg_is_plain(node)) {
        return false;
    }
    s = cfg_scalar(node);
    return (!strcmp(s, "") || !strcmp(s, "~") || !strcmp(s, "null")
            || !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

/* Describes 'node' for "got ..." in messages. */
static void
cfg_describe(const yaml_node_t *node, char *buf, size_t len)
{
    if (node->type != YAML_SCALAR_NODE) {
        snprintf(buf, len, "%s", cfg_node_kind(node));
    } else if (cfg_is_null(node)) {
        snprintf(buf, len, "null");
    } else if (!cfg_is_plain(node)) {
        snprintf(buf, len, "a quoted string");
    } else {
        snprintf(buf, len, "'%.40s'", cfg_scalar(node));
    }
}

static int
cfg_expected(struct cfg_ctx *ctx, const char *key, const yaml_node_t *node,
             const char *what)
{
    char got[64];

    cfg_describe(node, got, sizeof got);
    return cfg_err_at(ctx, node->start_mark, "%s: expected %s, got %s",
                      key, what, got);
}

/* ---- Generic walk: depth, visits, duplicate keys. ---- */

static int
cfg_key_cmp(const void *a_, const void *b_)
{
    const yaml_node_t *a = *(const yaml_node_t *const *) a_;
    const yaml_node_t *b = *(const yaml_node_t *const *) b_;
    size_t la = a->data.scalar.length, lb = b->data.scalar.length;
    int c;

    if (la != lb) {
        return la < lb ? -1 : 1;
    }
    c = memcmp(a->data.scalar.value, b->data.scalar.value, la);
    if (c) {
        return c;
    }
    /* Keep document order among equal keys, so the later one is blamed. */
    if (a->start_mark.index != b->start_mark.index) {
        return a->start_mark.index < b->start_mark.index ? -1 : 1;
    }
    return 0;
}

static int
cfg_check_dup_keys(struct cfg_ctx *ctx, yaml_node_t *map)
{
    yaml_node_pair_t *p;
    yaml_node_t **keys;
    size_t n = 0, i;
    int error = 0;

    keys =
        sl_xcalloc(map->data.mapping.pairs.top - map->data.mapping.pairs.start,
                   sizeof *keys);
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *key = yaml_document_get_node(ctx->doc, p->key);
        if (key && key->type == YAML_SCALAR_NODE) {
            keys[n++] = key;
        }
    }
    qsort(keys, n, sizeof *keys, cfg_key_cmp);
    for (i = 1; i < n; i++) {
        if (keys[i]->data.scalar.length == keys[i - 1]->data.scalar.length
            && !memcmp(keys[i]->data.scalar.value,
                       keys[i - 1]->data.scalar.value,
                       keys[i]->data.scalar.length)) {
            error = cfg_err_at(ctx, keys[i]->start_mark,
                               "duplicate key '%.60s'", cfg_scalar(keys[i]));
            break;
        }
    }
    free(keys);
    return error;
}

static int
cfg_walk(struct cfg_ctx *ctx, yaml_node_t *node, int depth)
{
    int error;

    if (++ctx->visits > CFG_MAX_VISITS) {
        return cfg_err_at(ctx, node->start_mark,
                          "document too large (aliases expand to more than "
                          "%u nodes)", CFG_MAX_VISITS);
    }
    if (node->type == YAML_SCALAR_NODE) {
        return 0;
    }
    if (depth >= SL_CONFIG_MAX_DEPTH) {
        return cfg_err_at(ctx, node->start_mark,
                          "nesting deeper than %d levels (or a recursive "
                          "alias)", SL_CONFIG_MAX_DEPTH);
    }
    if (node->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it;
        for (it = node->data.sequence.items.start;
             it < node->data.sequence.items.top; it++) {
            error = cfg_walk(ctx, yaml_document_get_node(ctx->doc, *it),
                             depth + 1);
            if (error) {
                return error;
            }
        }
    } else if (node->type == YAML_MAPPING_NODE) {
        yaml_node_pair_t *p;
        for (p = node->data.mapping.pairs.start;
             p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *key = yaml_document_get_node(ctx->doc, p->key);
            if (key->type != YAML_SCALAR_NODE) {
                return cfg_err_at(ctx, key->start_mark,
                                  "mapping keys must be scalars, got %s",
                                  cfg_node_kind(key));
            }
            error = cfg_walk(ctx, yaml_document_get_node(ctx->doc, p->value),
                             depth + 1);
            if (error) {
                return error;
            }
        }
        return cfg_check_dup_keys(ctx, node);
    }
    return 0;
}

/* ---- Scalars. ---- */

static int
cfg_get_bool(struct cfg_ctx *ctx, const char *key, const yaml_node_t *node,
             bool *out)
{
    if (cfg_is_plain(node)) {
        const char *s = cfg_scalar(node);
        if (!strcmp(s, "true") || !strcmp(s, "True")
            || !strcmp(s, "TRUE")) {
            *out = true;
            return 0;
        } else if (!strcmp(s, "false") || !strcmp(s, "False")
                   || !strcmp(s, "FALSE")) {
            *out = false;
            return 0;
        }
    }
    return cfg_expected(ctx, key, node, "true or false");
}

/* Parses a plain integer scalar (decimal, or hex with 0x) into 'out'. */
static int
cfg_get_int(struct cfg_ctx *ctx, const char *key, const yaml_node_t *node,
            long long min, long long max, long long *out)
{
    const char *s;
    char *end;
    long long v;
    int base = 10;
    const char *digits;

    if (!cfg_is_plain(node) || cfg_is_null(node)) {
        return cfg_expected(ctx, key, node, "an integer");
    }
    s = cfg_scalar(node);
    digits = s + (*s == '-' || *s == '+');
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
    }
    if (!((digits[0] >= '0' && digits[0] <= '9'))) {
        return cfg_expected(ctx, key, node, "an integer");
    }
    errno = 0;
    v = strtoll(s, &end, base);
    if (*end || end == s) {
        return cfg_expected(ctx, key, node, "an integer");
    }
    if (errno == ERANGE || v < min || v > max) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: %.40s is out of range (%lld to %lld)",
                          key, s, min, max);
    }
    *out = v;
    return 0;
}

/* Parses a plain number scalar; must be finite and > 0. */
static int
cfg_get_positive(struct cfg_ctx *ctx, const char *key,
                 const yaml_node_t *node, double *out)
{
    const char *s;
    char *end;
    double v;

    if (!cfg_is_plain(node) || cfg_is_null(node)) {
        return cfg_expected(ctx, key, node, "a number");
    }
    s = cfg_scalar(node);
    if (!strchr("0123456789+-.", s[0]) || strpbrk(s, "xXnNiI")) {
        return cfg_expected(ctx, key, node, "a number");
    }
    errno = 0;
    v = strtod(s, &end);
    if (*end || end == s) {
        return cfg_expected(ctx, key, node, "a number");
    }
    if (errno == ERANGE || !isfinite(v) || v <= 0 || v > 1e9) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: %.40s is out of range (must be > 0 and "
                          "<= 1e9)", key, s);
    }
    *out = v;
    return 0;
}

/* A non-null scalar as a new string in '*out' (old value freed). */
static int
cfg_get_string(struct cfg_ctx *ctx, const char *key, const yaml_node_t *node,
               bool nullable, char **out)
{
    if (nullable && cfg_is_null(node)) {
        free(*out);
        *out = NULL;
        return 0;
    }
    if (node->type != YAML_SCALAR_NODE || cfg_is_null(node)) {
        return cfg_expected(ctx, key, node,
                            nullable ? "a string or null" : "a string");
    }
    if (!node->data.scalar.length) {
        return cfg_err_at(ctx, node->start_mark, "%s: must not be empty",
                          key);
    }
    if (strlen(cfg_scalar(node)) != node->data.scalar.length) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: contains a NUL character", key);
    }
    free(*out);
    *out = sl_xstrdup(cfg_scalar(node));
    return 0;
}

/* ---- Mapping helper: known keys. ---- */

typedef int cfg_key_fn(struct cfg_ctx *, struct sl_config *, yaml_node_t *);

/* One key of a mapping: its handler, and for sl_config_keys() the keys
 * nested in its value.  The tables are file-scope so that the listing
 * walks exactly what the parser accepts. */
struct cfg_key {
    const char *name;
    cfg_key_fn *fn;                 /* NULL: read by the parent's code */
    const struct cfg_key *children; /* the keys of the value's mapping
                                     * (listing only; NULL: none) */
    size_t n_children;
    bool items;                     /* the value is a sequence of such
                                     * mappings (listed as "key[].child") */
};

#define CFG_ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof *(ARRAY))
/* The 'children' and 'n_children' of a key whose value is a mapping. */
#define CFG_CHILDREN(TABLE) (TABLE), CFG_ARRAY_SIZE(TABLE), false
/* ...and of a key whose value is a sequence of mappings. */
#define CFG_ITEMS(TABLE) (TABLE), CFG_ARRAY_SIZE(TABLE), true

/* Returns the index in 'keys' of the key named 'name', or 'n_keys'. */
static size_t
cfg_key_find(const struct cfg_key *keys, size_t n_keys, const char *name)
{
    size_t i;

    for (i = 0; i < n_keys; i++) {
        if (!strcmp(name, keys[i].name)) {
            break;
        }
    }
    return i;
}

/* Calls each known key's handler for 'map' (a mapping, or null meaning
 * empty); 'where' names the section for messages. */
static int
cfg_map(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *map,
        const char *where, const struct cfg_key *keys, size_t n_keys)
{
    yaml_node_pair_t *p;

    if (cfg_is_null(map)) {
        return 0;
    }
    if (map->type != YAML_MAPPING_NODE) {
        return cfg_expected(ctx, where, map, "a mapping");
    }
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *key = yaml_document_get_node(ctx->doc, p->key);
        yaml_node_t *value = yaml_document_get_node(ctx->doc, p->value);
        size_t i = cfg_key_find(keys, n_keys, cfg_scalar(key));

        if (i == n_keys) {
            char known[256];
            size_t used = 0;
            for (i = 0; i < n_keys && used < sizeof known; i++) {
                int n = snprintf(known + used, sizeof known - used, "%s%s",
                                 i ? ", " : "", keys[i].name);
                used += n > 0 ? (size_t) n : 0;
            }
            return cfg_err_at(ctx, key->start_mark,
                              "unknown key '%.60s' %s%s (known: %s)",
                              cfg_scalar(key), *where ? "in " : "at top level",
                              where, known);
        }
        int error = keys[i].fn(ctx, cfg, value);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* ---- Addresses. ---- */

/* Parses "ADDR:PORT" or "[V6ADDR]:PORT" at 's' into a new '*address',
 * '*ipv6' and '*port'.  On error returns EINVAL, with a message via
 * 'node' naming 'key'. */
static int
cfg_parse_addr_port(struct cfg_ctx *ctx, const char *key,
                    const yaml_node_t *node, const char *s, bool port0_ok,
                    char **address, bool *ipv6, uint16_t *port)
{
    const char *addr, *colon;
    size_t alen;
    char buf[INET6_ADDRSTRLEN + 1];
    unsigned char bin[16];
    unsigned long v;
    char *end;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close) {
            return cfg_err_at(ctx, node->start_mark,
                              "%s: '%.60s': missing ']' after IPv6 address",
                              key, cfg_scalar(node));
        }
        addr = s + 1;
        alen = close - addr;
        colon = close + 1;
        *ipv6 = true;
        if (*colon != ':') {
            return cfg_err_at(ctx, node->start_mark,
                              "%s: '%.60s': expected ':PORT' after ']'",
                              key, cfg_scalar(node));
        }
    } else {
        colon = strchr(s, ':');
        if (!colon) {
            return cfg_err_at(ctx, node->start_mark,
                              "%s: '%.60s': expected ADDR:PORT", key,
                              cfg_scalar(node));
        }
        if (strchr(colon + 1, ':')) {
            return cfg_err_at(ctx, node->start_mark,
                              "%s: '%.60s': an IPv6 address must be in "
                              "brackets, e.g. [::]:6653", key,
                              cfg_scalar(node));
        }
        addr = s;
        alen = colon - s;
        *ipv6 = false;
    }
    if (!alen || alen >= sizeof buf) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: '%.60s': bad address", key, cfg_scalar(node));
    }
    memcpy(buf, addr, alen);
    buf[alen] = '\0';
    if (inet_pton(*ipv6 ? AF_INET6 : AF_INET, buf, bin) != 1) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: '%.60s': bad %s address '%s'", key,
                          cfg_scalar(node), *ipv6 ? "IPv6" : "IPv4", buf);
    }
    if (colon[1] < '0' || colon[1] > '9') {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: '%.60s': bad port (1 to 65535)", key,
                          cfg_scalar(node));
    }
    errno = 0;
    v = strtoul(colon + 1, &end, 10);
    if (*end || errno || v < (port0_ok ? 0 : 1) || v > 65535) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: '%.60s': bad port (%d to 65535)", key,
                          cfg_scalar(node), port0_ok ? 0 : 1);
    }
    *address = sl_xstrdup(buf);
    *port = v;
    return 0;
}

/* ---- openflow ---- */

static void
cfg_free_listeners(struct sl_config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->n_listeners; i++) {
        free(cfg->listeners[i].address);
    }
    free(cfg->listeners);
    cfg->listeners = NULL;
    cfg->n_listeners = 0;
}

static int
cfg_listener(struct cfg_ctx *ctx, const yaml_node_t *node,
             struct sl_config_listener *l)
{
    static const char key[] = "openflow.listen";
    const char *s, *colon;
    size_t klen;

    if (node->type != YAML_SCALAR_NODE || cfg_is_null(node)) {
        return cfg_expected(ctx, key, node, "a string like tcp:ADDR:PORT");
    }
    s = cfg_scalar(node);
    colon = strchr(s, ':');
    klen = colon ? (size_t) (colon - s) : 0;
    if (!colon || s[0] == '[' || (s[0] >= '0' && s[0] <= '9')) {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: '%.60s': missing kind (tcp:ADDR:PORT or "
                          "ssl:ADDR:PORT)", key, s);
    }
    if (klen == 3 && !memcmp(s, "tcp", 3)) {
        l->kind = SL_CONFIG_LISTEN_TCP;
    } else if (klen == 3 && !memcmp(s, "ssl", 3)) {
        l->kind = SL_CONFIG_LISTEN_SSL;
    } else {
        return cfg_err_at(ctx, node->start_mark,
                          "%s: unknown listener kind '%.*s' (tcp or ssl)",
                          key, (int) (klen > 20 ? 20 : klen), s);
    }
    return cfg_parse_addr_port(ctx, key, node, colon + 1, false, &l->address,
                               &l->ipv6, &l->port);
}

static int
cfg_of_listen(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    yaml_node_item_t *it;
    size_t n;

    if (node->type != YAML_SEQUENCE_NODE) {
        return cfg_expected(ctx, "openflow.listen", node, "a sequence");
    }
    cfg_free_listeners(cfg);
    n = node->data.sequence.items.top - node->data.sequence.items.start;
    cfg->listeners = sl_xcalloc(n, sizeof *cfg->listeners);
    for (it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(ctx->doc, *it);
        int error = cfg_listener(ctx, item,
                                 &cfg->listeners[cfg->n_listeners]);
        if (error) {
            return error;
        }
        cfg->n_listeners++;
    }
    return 0;
}

static int
cfg_tls_certificate(struct cfg_ctx *ctx, struct sl_config *cfg,
                    yaml_node_t *node)
{
    return cfg_get_string(ctx, "openflow.tls.certificate", node, false,
                          &cfg->tls_certificate);
}

static int
cfg_tls_private_key(struct cfg_ctx *ctx, struct sl_config *cfg,
                    yaml_node_t *node)
{
    return cfg_get_string(ctx, "openflow.tls.private_key", node, false,
                          &cfg->tls_private_key);
}

static int
cfg_tls_ca_certificate(struct cfg_ctx *ctx, struct sl_config *cfg,
                       yaml_node_t *node)
{
    return cfg_get_string(ctx, "openflow.tls.ca_certificate", node, false,
                          &cfg->tls_ca_certificate);
}

static int
cfg_tls_verify_peer(struct cfg_ctx *ctx, struct sl_config *cfg,
                    yaml_node_t *node)
{
    return cfg_get_bool(ctx, "openflow.tls.verify_peer", node,
                        &cfg->tls_verify_peer);
}

static int
cfg_hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parses a pin's datapath id: "0x" + 1..16 hex digits, or decimal. */
static bool
cfg_parse_dpid(const char *s, uint64_t *dpid)
{
    uint64_t v = 0;
    size_t i;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        for (i = 0; s[i]; i++) {
            int h = cfg_hexval((unsigned char) s[i]);
            if (h < 0 || i >= 16) {
                return false;
            }
            v = (v << 4) | h;
        }
    } else {
        for (i = 0; s[i]; i++) {
            if (s[i] < '0' || s[i] > '9'
                || v > (UINT64_MAX - (s[i] - '0')) / 10) {
                return false;
            }
            v = v * 10 + (s[i] - '0');
        }
    }
    *dpid = v;
    return i > 0;
}

/* Parses "sha256:" + 32 colon-separated hex bytes. */
static bool
cfg_parse_fingerprint(const char *s, uint8_t out[32])
{
    size_t i;

    if (strncmp(s, "sha256:", 7)) {
        return false;
    }
    s += 7;
    for (i = 0; i < 32; i++) {
        int hi = cfg_hexval((unsigned char) s[0]);
        int lo = hi < 0 ? -1 : cfg_hexval((unsigned char) s[1]);
        if (lo < 0) {
            return false;
        }
        out[i] = hi << 4 | lo;
        s += 2;
        if (i < 31 && *s++ != ':') {
            return false;
        }
    }
    return *s == '\0';
}

static int
cfg_tls_pin(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    static const char key[] = "openflow.tls.pin";
    yaml_node_pair_t *p;
    size_t n, i;

    if (cfg_is_null(node)) {
        return 0;
    }
    if (node->type != YAML_MAPPING_NODE) {
        return cfg_expected(ctx, key, node, "a mapping of dpid: fingerprint");
    }
    n = node->data.mapping.pairs.top - node->data.mapping.pairs.start;
    free(cfg->tls_pins);
    cfg->n_tls_pins = 0;
    cfg->tls_pins = sl_xcalloc(n, sizeof *cfg->tls_pins);
    for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        struct sl_config_pin *pin = &cfg->tls_pins[cfg->n_tls_pins];

        if (!cfg_parse_dpid(cfg_scalar(k), &pin->dpid)) {
            return cfg_err_at(ctx, k->start_mark,
                              "%s: bad datapath id '%.40s' (0x + up to 16 "
                              "hex digits, or a decimal integer)", key,
                              cfg_scalar(k));
        }
        for (i = 0; i < cfg->n_tls_pins; i++) {
            if (cfg->tls_pins[i].dpid == pin->dpid) {
                return cfg_err_at(ctx, k->start_mark,
                                  "%s: datapath id 0x%016"PRIx64" pinned "
                                  "twice", key, pin->dpid);
            }
        }
        if (v->type != YAML_SCALAR_NODE
            || !cfg_parse_fingerprint(cfg_scalar(v), pin->sha256)) {
            char got[64];
            cfg_describe(v, got, sizeof got);
            return cfg_err_at(ctx, v->start_mark,
                              "%s: bad fingerprint %s (expected sha256: "
                              "followed by 32 hex bytes separated by ':')",
                              key, got);
        }
        cfg->n_tls_pins++;
    }
    return 0;
}

static int
cfg_tls_allow_insecure_key(struct cfg_ctx *ctx, struct sl_config *cfg,
                           yaml_node_t *node)
{
    return cfg_get_bool(ctx, "openflow.tls.allow_insecure_key", node,
                        &cfg->tls_allow_insecure_key);
}

static const struct cfg_key cfg_tls_keys[] = {
    { "certificate", cfg_tls_certificate, NULL, 0, false },
    { "private_key", cfg_tls_private_key, NULL, 0, false },
    { "ca_certificate", cfg_tls_ca_certificate, NULL, 0, false },
    { "verify_peer", cfg_tls_verify_peer, NULL, 0, false },
    { "pin", cfg_tls_pin, NULL, 0, false },
    { "allow_insecure_key", cfg_tls_allow_insecure_key, NULL, 0, false },
};

static int
cfg_of_tls(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    int error;

    if (cfg_is_null(node)) {
        return 0;
    }
    error = cfg_map(ctx, cfg, node, "openflow.tls", cfg_tls_keys,
                    CFG_ARRAY_SIZE(cfg_tls_keys));
    if (error) {
        return error;
    }
    if (!cfg->tls_certificate || !cfg->tls_private_key) {
        return cfg_err_at(ctx, node->start_mark,
                          "openflow.tls: certificate and private_key are "
                          "required");
    }
    if (cfg->tls_verify_peer && !cfg->tls_ca_certificate) {
        return cfg_err_at(ctx, node->start_mark,
                          "openflow.tls: ca_certificate is required unless "
                          "verify_peer is false");
    }
    cfg->has_tls = true;
    return 0;
}

static int
cfg_of_echo_interval(struct cfg_ctx *ctx, struct sl_config *cfg,
                     yaml_node_t *node)
{
    return cfg_get_positive(ctx, "openflow.echo_interval", node,
                            &cfg->echo_interval);
}

static int
cfg_of_echo_misses(struct cfg_ctx *ctx, struct sl_config *cfg,
                   yaml_node_t *node)
{
    long long v = 0;
    int error = cfg_get_int(ctx, "openflow.echo_misses", node, 1, 1000, &v);

    if (!error) {
        cfg->echo_misses = v;
    }
    return error;
}

static int
cfg_of_packet_in_rate(struct cfg_ctx *ctx, struct sl_config *cfg,
                      yaml_node_t *node)
{
    long long v = 0;
    int error = cfg_get_int(ctx, "openflow.packet_in_rate", node, 1,
                            100000000, &v);

    if (!error) {
        cfg->packet_in_rate = v;
    }
    return error;
}

static int
cfg_of_delete_foreign_flows(struct cfg_ctx *ctx, struct sl_config *cfg,
                            yaml_node_t *node)
{
    return cfg_get_bool(ctx, "openflow.delete_foreign_flows", node,
                        &cfg->delete_foreign_flows);
}

static const struct cfg_key cfg_openflow_keys[] = {
    { "listen", cfg_of_listen, NULL, 0, false },
    { "tls", cfg_of_tls, CFG_CHILDREN(cfg_tls_keys) },
    { "echo_interval", cfg_of_echo_interval, NULL, 0, false },
    { "echo_misses", cfg_of_echo_misses, NULL, 0, false },
    { "packet_in_rate", cfg_of_packet_in_rate, NULL, 0, false },
    { "delete_foreign_flows", cfg_of_delete_foreign_flows, NULL, 0, false },
};

static int
cfg_openflow(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    int error;
    size_t i;

    error = cfg_map(ctx, cfg, node, "openflow", cfg_openflow_keys,
                    CFG_ARRAY_SIZE(cfg_openflow_keys));
    if (error) {
        return error;
    }
    for (i = 0; i < cfg->n_listeners; i++) {
        if (cfg->listeners[i].kind == SL_CONFIG_LISTEN_SSL
            && !cfg->has_tls) {
            return cfg_err_at(ctx, node->start_mark,
                              "openflow: an ssl: listener needs an "
                              "openflow.tls section");
        }
    }
    return 0;
}

/* ---- rest ---- */

static int
cfg_rest_listen(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    char *address = NULL;
    int error;

    if (node->type != YAML_SCALAR_NODE || cfg_is_null(node)) {
        return cfg_expected(ctx, "rest.listen", node, "a string ADDR:PORT");
    }
    error = cfg_parse_addr_port(ctx, "rest.listen", node, cfg_scalar(node), true,
                                &address, &cfg->rest_ipv6, &cfg->rest_port);
    if (!error) {
        free(cfg->rest_address);
        cfg->rest_address = address;
    }
    return error;
}

static int
cfg_rest_token(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    return cfg_get_string(ctx, "rest.token", node, true, &cfg->rest_token);
}

static int
cfg_rest_enabled(struct cfg_ctx *ctx, struct sl_config *cfg,
                 yaml_node_t *node)
{
    return cfg_get_bool(ctx, "rest.enabled", node, &cfg->rest_enabled);
}

static int
cfg_rest_https(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    int error = cfg_get_bool(ctx, "rest.https", node, &cfg->rest_https);
    if (!error) {
        cfg->rest_https_mark = node->start_mark;
    }
    return error;
}

static const struct cfg_key cfg_rest_keys[] = {
    { "enabled", cfg_rest_enabled, NULL, 0, false },
    { "listen", cfg_rest_listen, NULL, 0, false },
    { "token", cfg_rest_token, NULL, 0, false },
    { "https", cfg_rest_https, NULL, 0, false },
};

static int
cfg_rest(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    return cfg_map(ctx, cfg, node, "rest", cfg_rest_keys,
                   CFG_ARRAY_SIZE(cfg_rest_keys));
}

/* ---- topology ---- */

static int
cfg_topo_lldp_interval(struct cfg_ctx *ctx, struct sl_config *cfg,
                       yaml_node_t *node)
{
    return cfg_get_positive(ctx, "topology.lldp_interval", node,
                            &cfg->lldp_interval);
}

static int
cfg_topo_link_timeout(struct cfg_ctx *ctx, struct sl_config *cfg,
                      yaml_node_t *node)
{
    return cfg_get_positive(ctx, "topology.link_timeout", node,
                            &cfg->link_timeout);
}

static int
cfg_topo_lldp_key(struct cfg_ctx *ctx, struct sl_config *cfg,
                  yaml_node_t *node)
{
    return cfg_get_string(ctx, "topology.lldp_key", node, true,
                          &cfg->lldp_key);
}

static int
cfg_topo_enabled(struct cfg_ctx *ctx, struct sl_config *cfg,
                 yaml_node_t *node)
{
    return cfg_get_bool(ctx, "topology.enabled", node, &cfg->topo_enabled);
}

static int
cfg_topo_host_timeout(struct cfg_ctx *ctx, struct sl_config *cfg,
                      yaml_node_t *node)
{
    return cfg_get_positive(ctx, "topology.host_timeout", node,
                            &cfg->host_timeout);
}

static int
cfg_topo_max_hosts(struct cfg_ctx *ctx, struct sl_config *cfg,
                   yaml_node_t *node)
{
    long long v = 0;
    int error = cfg_get_int(ctx, "topology.max_hosts", node, 0, 1 << 24, &v);

    if (!error) {
        cfg->max_hosts = (unsigned int) v;
    }
    return error;
}

static const struct cfg_key cfg_topology_keys[] = {
    { "enabled", cfg_topo_enabled, NULL, 0, false },
    { "lldp_interval", cfg_topo_lldp_interval, NULL, 0, false },
    { "link_timeout", cfg_topo_link_timeout, NULL, 0, false },
    { "lldp_key", cfg_topo_lldp_key, NULL, 0, false },
    { "host_timeout", cfg_topo_host_timeout, NULL, 0, false },
    { "max_hosts", cfg_topo_max_hosts, NULL, 0, false },
};

static int
cfg_topology(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    int error;

    error = cfg_map(ctx, cfg, node, "topology", cfg_topology_keys,
                    CFG_ARRAY_SIZE(cfg_topology_keys));
    if (!error && cfg->link_timeout <= cfg->lldp_interval) {
        return cfg_err_at(ctx, node->start_mark,
                          "topology: link_timeout (%g) must exceed "
                          "lldp_interval (%g)", cfg->link_timeout,
                          cfg->lldp_interval);
    }
    return error;
}

/* ---- log ---- */

static void
cfg_free_log_levels(struct sl_config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->n_log_levels; i++) {
        free(cfg->log_levels[i].module);
        free(cfg->log_levels[i].level);
    }
    free(cfg->log_levels);
    cfg->log_levels = NULL;
    cfg->n_log_levels = 0;
}

static int
cfg_level_name(struct cfg_ctx *ctx, const char *key, const yaml_node_t *node)
{
    static const char *const levels[] = {
        "error", "warn", "info", "debug", "off",
    };
    size_t i;

    if (node->type == YAML_SCALAR_NODE) {
        for (i = 0; i < sizeof levels / sizeof *levels; i++) {
            if (!strcmp(cfg_scalar(node), levels[i])) {
                return 0;
            }
        }
    }
    return cfg_expected(ctx, key, node,
                        "a log level (error, warn, info, debug, off)");
}

static bool
cfg_is_name(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'
              || s[i] == '-')) {
            return false;
        }
    }
    return i > 0 && i <= 64;
}

static int
cfg_log_level(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    static const char key[] = "log.level";
    yaml_node_pair_t *p;
    const char *dflt = "info";
    size_t n;
    int error;

    if (node->type == YAML_SCALAR_NODE) {
        error = cfg_level_name(ctx, key, node);
        if (error) {
            return error;
        }
        cfg_free_log_levels(cfg);
        cfg->log_levels = sl_xcalloc(1, sizeof *cfg->log_levels);
        cfg->log_levels[0].module = sl_xstrdup("default");
        cfg->log_levels[0].level = sl_xstrdup(cfg_scalar(node));
        cfg->n_log_levels = 1;
        return 0;
    }
    if (node->type != YAML_MAPPING_NODE) {
        return cfg_expected(ctx, key, node,
                            "a log level or a mapping module: level");
    }
    /* Validate everything first, then build: "default" goes first. */
    for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);

        if (!cfg_is_name(cfg_scalar(k))) {
            return cfg_err_at(ctx, k->start_mark,
                              "%s: bad module name '%.40s'", key,
                              cfg_scalar(k));
        }
        error = cfg_level_name(ctx, key, v);
        if (error) {
            return error;
        }
        if (!strcmp(cfg_scalar(k), "default")) {
            dflt = cfg_scalar(v);
        }
    }
    cfg_free_log_levels(cfg);
    n = node->data.mapping.pairs.top - node->data.mapping.pairs.start;
    cfg->log_levels = sl_xcalloc(n + 1, sizeof *cfg->log_levels);
    cfg->log_levels[0].module = sl_xstrdup("default");
    cfg->log_levels[0].level = sl_xstrdup(dflt);
    cfg->n_log_levels = 1;
    for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        struct sl_config_log_level *ll = &cfg->log_levels[cfg->n_log_levels];

        if (strcmp(cfg_scalar(k), "default")) {
            ll->module = sl_xstrdup(cfg_scalar(k));
            ll->level = sl_xstrdup(cfg_scalar(v));
            cfg->n_log_levels++;
        }
    }
    return 0;
}

static int
cfg_log_syslog(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    return cfg_get_bool(ctx, "log.syslog", node, &cfg->log_syslog);
}

static const struct cfg_key cfg_log_keys[] = {
    { "level", cfg_log_level, NULL, 0, false },
    { "syslog", cfg_log_syslog, NULL, 0, false },
};

static int
cfg_log(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    return cfg_map(ctx, cfg, node, "log", cfg_log_keys,
                   CFG_ARRAY_SIZE(cfg_log_keys));
}

/* ---- apps ---- */

static void
cfg_free_apps(struct sl_config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->n_apps; i++) {
        free(cfg->apps[i].name);
    }
    free(cfg->apps);
    cfg->apps = NULL;
    cfg->n_apps = 0;
}

/* The keys of an apps entry, read by cfg_app() itself. */
enum { CFG_APP_NAME, CFG_APP_CONFIG };
static const struct cfg_key cfg_app_keys[] = {
    [CFG_APP_NAME] = { "name", NULL, NULL, 0, false },
    [CFG_APP_CONFIG] = { "config", NULL, NULL, 0, false },
};

static int
cfg_app(struct cfg_ctx *ctx, const yaml_node_t *node,
        struct sl_config_app *app)
{
    yaml_node_pair_t *p;
    const yaml_node_t *name = NULL;

    if (node->type != YAML_MAPPING_NODE) {
        return cfg_expected(ctx, "apps", node,
                            "a mapping {name: ..., config: ...}");
    }
    app->config = NULL;
    for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        size_t i = cfg_key_find(cfg_app_keys, CFG_ARRAY_SIZE(cfg_app_keys),
                                cfg_scalar(k));

        if (i == CFG_APP_NAME) {
            name = v;
        } else if (i == CFG_APP_CONFIG) {
            app->config = v;
        } else {
            return cfg_err_at(ctx, k->start_mark,
                              "unknown key '%.60s' in apps entry (known: "
                              "name, config)", cfg_scalar(k));
        }
    }
    if (!name) {
        return cfg_err_at(ctx, node->start_mark,
                          "apps: entry has no 'name'");
    }
    if (name->type != YAML_SCALAR_NODE || cfg_is_null(name)) {
        return cfg_expected(ctx, "apps.name", name, "a string");
    }
    if (!cfg_is_name(cfg_scalar(name))) {
        return cfg_err_at(ctx, name->start_mark,
                          "apps.name: bad app name '%.40s' (letters, "
                          "digits, '_' and '-' only)", cfg_scalar(name));
    }
    app->name = sl_xstrdup(cfg_scalar(name));
    return 0;
}

static int
cfg_apps(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    yaml_node_item_t *it;
    size_t n, i;

    if (cfg_is_null(node)) {
        return 0;
    }
    if (node->type != YAML_SEQUENCE_NODE) {
        return cfg_expected(ctx, "apps", node, "a sequence");
    }
    cfg_free_apps(cfg);
    n = node->data.sequence.items.top - node->data.sequence.items.start;
    cfg->apps = sl_xcalloc(n, sizeof *cfg->apps);
    for (it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(ctx->doc, *it);
        struct sl_config_app *app = &cfg->apps[cfg->n_apps];
        int error = cfg_app(ctx, item, app);

        if (error) {
            return error;
        }
        cfg->n_apps++;
        for (i = 0; i + 1 < cfg->n_apps; i++) {
            if (!strcmp(cfg->apps[i].name, app->name)) {
                return cfg_err_at(ctx, item->start_mark,
                                  "apps: app '%s' listed twice", app->name);
            }
        }
    }
    return 0;
}

/* ---- user ---- */

/* Returns NULL if the 'len' bytes at 's' are a user or group name as
 * useradd(8) makes them (letters, digits, '_', '.', '-', not starting with
 * '-', an optional final '$', not only digits), else what is wrong. */
static const char *
cfg_account_name_problem(const char *s, size_t len)
{
    size_t n = len;
    bool digits_only = true;

    if (len == 0) {
        return "is empty";
    }
    if (len > SL_CONFIG_ACCOUNT_NAME_MAX) {
        return "is longer than 32 characters";
    }
    if (s[n - 1] == '$') {
        n--;
    }
    if (n == 0 || s[0] == '-') {
        return "must start with a letter, a digit, '_' or '.'";
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '.'
              || c == '-')) {
            return "may hold only letters, digits, '_', '.' and '-'";
        }
        digits_only &= c >= '0' && c <= '9';
    }
    if (digits_only) {
        return "is a number: give a name, not an id";
    }
    return NULL;
}

/* user: "NAME" or "NAME:GROUP" (or null: none). */
static int
cfg_user(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *node)
{
    static const char key[] = "user";
    char *value = NULL;
    const char *problem;
    int error;

    error = cfg_get_string(ctx, key, node, true, &value);
    if (error) {
        return error;
    }
    free(cfg->user);
    free(cfg->group);
    cfg->user = cfg->group = NULL;
    cfg->user_mark = node->start_mark;
    if (value == NULL) {
        return 0;
    }

    char *colon = strchr(value, ':');
    size_t user_len = colon ? (size_t) (colon - value) : strlen(value);
    problem = cfg_account_name_problem(value, user_len);
    if (problem) {
        error = cfg_err_at(ctx, node->start_mark,
                           "user: the user name of '%.80s' %s (want NAME "
                           "or NAME:GROUP)", value, problem);
        goto out;
    }
    if (colon) {
        if (strchr(colon + 1, ':')) {
            error = cfg_err_at(ctx, node->start_mark,
                               "user: '%.80s' has more than one ':' (want "
                               "NAME or NAME:GROUP)", value);
            goto out;
        }
        problem = cfg_account_name_problem(colon + 1, strlen(colon + 1));
        if (problem) {
            error = cfg_err_at(ctx, node->start_mark,
                               "user: the group name of '%.80s' %s (want "
                               "NAME or NAME:GROUP)", value, problem);
            goto out;
        }
        cfg->group = sl_xstrdup(colon + 1);
        *colon = '\0';
    }
    cfg->user = value;
    value = NULL;

out:
    free(value);
    return error;
}

/* ---- Top level. ---- */

static const struct cfg_key cfg_top_keys[] = {
    { "user", cfg_user, NULL, 0, false },
    { "openflow", cfg_openflow, CFG_CHILDREN(cfg_openflow_keys) },
    { "rest", cfg_rest, CFG_CHILDREN(cfg_rest_keys) },
    { "topology", cfg_topology, CFG_CHILDREN(cfg_topology_keys) },
    { "log", cfg_log, CFG_CHILDREN(cfg_log_keys) },
    { "apps", cfg_apps, CFG_ITEMS(cfg_app_keys) },
};

static int
cfg_top(struct cfg_ctx *ctx, struct sl_config *cfg, yaml_node_t *root)
{
    int error;

    if (root->type != YAML_MAPPING_NODE) {
        char got[64];
        cfg_describe(root, got, sizeof got);
        return cfg_err_at(ctx, root->start_mark,
                          "the configuration must be a mapping, got %s",
                          got);
    }
    error = cfg_map(ctx, cfg, root, "", cfg_top_keys,
                    CFG_ARRAY_SIZE(cfg_top_keys));
    if (!error && cfg->rest_enabled && cfg->rest_https && !cfg->has_tls) {
        return cfg_err_at(ctx, cfg->rest_https_mark,
                          "rest.https needs the certificate and private key "
                          "of an openflow.tls section");
    }
    return error;
}

/* ---- Listing the keys. ---- */

/* Calls 'cb' for each key of 'keys' and, depth first, for the keys nested
 * in it, with its path: 'prefix' (NULL at the top) and the key's name
 * joined by '.'. */
static void
cfg_list_keys(const struct cfg_key *keys, size_t n_keys, const char *prefix,
              void (*cb)(const char *path, void *aux), void *aux)
{
    for (size_t i = 0; i < n_keys; i++) {
        const struct cfg_key *key = &keys[i];
        char path[128];

        snprintf(path, sizeof path, "%s%s%s", prefix ? prefix : "",
                 prefix ? "." : "", key->name);
        cb(path, aux);
        if (key->children) {
            char nested[sizeof path + 2];
            snprintf(nested, sizeof nested, "%s%s", path,
                     key->items ? "[]" : "");
            cfg_list_keys(key->children, key->n_children, nested, cb, aux);
        }
    }
}

void
sl_config_keys(void (*cb)(const char *path, void *aux), void *aux)
{
    cfg_list_keys(cfg_top_keys, CFG_ARRAY_SIZE(cfg_top_keys), NULL, cb, aux);
}

/* Fills 'ctx->errbuf' from a libyaml parser error. */
static int
cfg_parser_error(struct cfg_ctx *ctx, const yaml_parser_t *parser,
                 const char *text, size_t len)
{
    yaml_mark_t mark = parser->problem_mark;
    const char *problem = parser->problem ? parser->problem : "syntax error";

    if (parser->error == YAML_READER_ERROR) {
        size_t i, end = parser->problem_offset < len
                        ? parser->problem_offset : len;
        mark.line = 0;
        mark.column = 0;
        for (i = 0; i < end; i++) {
            if (text[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else if (((unsigned char) text[i] & 0xc0) != 0x80) {
                mark.column++;
            }
        }
        return cfg_err_at(ctx, mark, "%s (byte 0x%02x)", problem,
                          parser->problem_value & 0xff);
    } else if (parser->error == YAML_MEMORY_ERROR) {
        return cfg_err_at(ctx, mark, "out of memory");
    }
    if (parser->context) {
        return cfg_err_at(ctx, mark, "%s %s", problem, parser->context);
    }
    return cfg_err_at(ctx, mark, "%s", problem);
}

/* First pass over the event stream: rejects nesting deeper than
 * SL_CONFIG_MAX_DEPTH before libyaml's loader sees it (libyaml's scanner
 * is quadratic in flow nesting depth, so it must stop early), and reports
 * syntax errors.  Returns 0 or EINVAL. */
static int
cfg_prescan(struct cfg_ctx *ctx, const char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t event;
    int depth = 0, error = 0;
    bool done = false;

    if (!yaml_parser_initialize(&parser)) {
        sl_out_of_memory();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *) text, len);
    while (!done && !error) {
        if (!yaml_parser_parse(&parser, &event)) {
            error = cfg_parser_error(ctx, &parser, text, len);
            break;
        }
        switch (event.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > SL_CONFIG_MAX_DEPTH) {
                error = cfg_err_at(ctx, event.start_mark,
                                   "nesting deeper than %d levels",
                                   SL_CONFIG_MAX_DEPTH);
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SCALAR_EVENT:
        default:
            break;
        }
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return error;
}

void
sl_config_defaults(struct sl_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listeners = sl_xcalloc(1, sizeof *cfg->listeners);
    cfg->listeners[0].kind = SL_CONFIG_LISTEN_TCP;
    cfg->listeners[0].address = sl_xstrdup("0.0.0.0");
    cfg->listeners[0].port = 6653;
    cfg->n_listeners = 1;
    cfg->tls_verify_peer = true;
    cfg->echo_interval = 5;
    cfg->echo_misses = 3;
    cfg->packet_in_rate = 1000;
    cfg->rest_address = sl_xstrdup("127.0.0.1");
    cfg->rest_port = 8080;
    cfg->rest_enabled = true;
    cfg->lldp_interval = 1.0;
    cfg->link_timeout = 3.0;
    cfg->topo_enabled = true;
    cfg->host_timeout = 300.0;
    cfg->max_hosts = 65536;
    cfg->log_levels = sl_xcalloc(1, sizeof *cfg->log_levels);
    cfg->log_levels[0].module = sl_xstrdup("default");
    cfg->log_levels[0].level = sl_xstrdup("info");
    cfg->n_log_levels = 1;
    cfg->log_syslog = false;
    cfg->apps = sl_xcalloc(1, sizeof *cfg->apps);
    cfg->apps[0].name = sl_xstrdup("l2_learning");
    cfg->n_apps = 1;
}

void
sl_config_destroy(struct sl_config *cfg)
{
    if (!cfg) {
        return;
    }
    cfg_free_listeners(cfg);
    free(cfg->tls_certificate);
    free(cfg->tls_private_key);
    free(cfg->tls_ca_certificate);
    free(cfg->tls_pins);
    free(cfg->rest_address);
    free(cfg->rest_token);
    free(cfg->lldp_key);
    free(cfg->user);
    free(cfg->group);
    cfg_free_log_levels(cfg);
    cfg_free_apps(cfg);
    if (cfg->doc) {
        yaml_document_delete(cfg->doc);
        free(cfg->doc);
    }
    memset(cfg, 0, sizeof *cfg);
}

int
sl_config_load_string(const char *text, size_t len, const char *name,
                      struct sl_config *cfg, char *errbuf, size_t errlen)
{
    struct cfg_ctx ctx = { .name = name, .errbuf = errbuf,
                           .errlen = errlen };
    struct sl_config tmp;
    yaml_parser_t parser;
    yaml_document_t extra;
    yaml_node_t *root;
    int error = 0;

    memset(cfg, 0, sizeof *cfg);
    if (errlen) {
        errbuf[0] = '\0';
    }
    sl_config_defaults(&tmp);
    if (len > SL_CONFIG_MAX_SIZE) {
        yaml_mark_t mark = { 0, 0, 0 };
        sl_config_destroy(&tmp);
        return cfg_err_at(&ctx, mark, "larger than %u bytes",
                          SL_CONFIG_MAX_SIZE);
    }
    error = cfg_prescan(&ctx, text, len);
    if (error) {
        sl_config_destroy(&tmp);
        return error;
    }
    if (!yaml_parser_initialize(&parser)) {
        sl_out_of_memory();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *) text, len);
    tmp.doc = sl_xmalloc(sizeof *tmp.doc);
    if (!yaml_parser_load(&parser, tmp.doc)) {
        free(tmp.doc);
        tmp.doc = NULL;
        error = cfg_parser_error(&ctx, &parser, text, len);
        goto out;
    }
    ctx.doc = tmp.doc;
    root = yaml_document_get_root_node(tmp.doc);
    if (root) {
        /* A second document in the stream is an error, not ignored. */
        if (!yaml_parser_load(&parser, &extra)) {
            error = cfg_parser_error(&ctx, &parser, text, len);
            goto out;
        }
        if (yaml_document_get_root_node(&extra)) {
            error = cfg_err_at(&ctx, extra.start_mark,
                               "more than one YAML document");
        }
        yaml_document_delete(&extra);
        if (error) {
            goto out;
        }
        error = cfg_walk(&ctx, root, 0);
        if (!error && !cfg_is_null(root)) {
            error = cfg_top(&ctx, &tmp, root);
        }
    }

out:
    yaml_parser_delete(&parser);
    if (error) {
        sl_config_destroy(&tmp);
        return error;
    }
    *cfg = tmp;
    return 0;
}

int
sl_config_load_file(const char *path, struct sl_config *cfg, char *errbuf,
                    size_t errlen)
{
    FILE *file;
    char *text;
    size_t len;
    int error;

    memset(cfg, 0, sizeof *cfg);
    file = fopen(path, "rb");
    if (!file) {
        error = errno;
        snprintf(errbuf, errlen, "%s: %s", path, strerror(error));
        return error;
    }
    text = sl_xmalloc(SL_CONFIG_MAX_SIZE + 1);
    len = fread(text, 1, SL_CONFIG_MAX_SIZE + 1, file);
    if (ferror(file)) {
        error = errno ? errno : EIO;
        snprintf(errbuf, errlen, "%s: %s", path, strerror(error));
    } else {
        error = sl_config_load_string(text, len, path, cfg, errbuf, errlen);
    }
    fclose(file);
    free(text);
    return error;
}

int
sl_config_check(const char *path, char *errbuf, size_t errlen)
{
    struct sl_config cfg;
    int error = sl_config_load_file(path, &cfg, errbuf, errlen);

    if (!error && cfg.user) {
        uid_t uid;
        gid_t gid;
        error = sl_config_resolve_user(&cfg, path, &uid, &gid, errbuf,
                                       errlen);
    }
    sl_config_destroy(&cfg);
    return error;
}

/* errno values with which getpwnam() and getgrnam() say "no such name"
 * (getpwnam(3)), besides 0. */
static bool
cfg_lookup_not_found(int error)
{
    return (error == 0 || error == ENOENT || error == ESRCH
            || error == EBADF || error == EPERM);
}

int
sl_config_resolve_user(const struct sl_config *cfg, const char *name,
                       uid_t *uid, gid_t *gid, char *errbuf, size_t errlen)
{
    struct cfg_ctx ctx = { .name = name, .errbuf = errbuf,
                           .errlen = errlen };
    const struct passwd *pw;
    const struct group *gr;

    errno = 0;
    pw = getpwnam(cfg->user);
    if (!pw) {
        int error = errno;
        if (cfg_lookup_not_found(error)) {
            cfg_err_at(&ctx, cfg->user_mark, "user: no such user '%s'",
                       cfg->user);
            return ENOENT;
        }
        cfg_err_at(&ctx, cfg->user_mark, "user: cannot look up user "
                   "'%s': %s", cfg->user, strerror(error));
        return error;
    }
    if (pw->pw_uid == 0) {
        cfg_err_at(&ctx, cfg->user_mark, "user: '%s' is uid 0: dropping "
                   "to it protects nothing; name an unprivileged user, or "
                   "remove the key", cfg->user);
        return EPERM;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    if (cfg->group) {
        errno = 0;
        gr = getgrnam(cfg->group);
        if (!gr) {
            int error = errno;
            if (cfg_lookup_not_found(error)) {
                cfg_err_at(&ctx, cfg->user_mark, "user: no such group "
                           "'%s'", cfg->group);
                return ENOENT;
            }
            cfg_err_at(&ctx, cfg->user_mark, "user: cannot look up group "
                       "'%s': %s", cfg->group, strerror(error));
            return error;
        }
        *gid = gr->gr_gid;
    }
    return 0;
}

/* ---- Dump. ---- */

static void
cfg_dump_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\x%02x", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

static bool
cfg_plain_safe(const yaml_node_t *node)
{
    const char *s = cfg_scalar(node);

    if (!cfg_is_plain(node) || !*s) {
        return false;
    }
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789_.+-") == strlen(s);
}

/* Writes 'node' in flow style ('depth' is bounded by the load-time walk). */
static void
cfg_dump_node(FILE *out, yaml_document_t *doc, yaml_node_t *node)
{
    if (node->type == YAML_SCALAR_NODE) {
        if (cfg_is_null(node)) {
            fputs("null", out);
        } else if (cfg_plain_safe(node)) {
            fputs(cfg_scalar(node), out);
        } else {
            cfg_dump_string(out, cfg_scalar(node));
        }
    } else if (node->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it;
        fputc('[', out);
        for (it = node->data.sequence.items.start;
             it < node->data.sequence.items.top; it++) {
            if (it != node->data.sequence.items.start) {
                fputs(", ", out);
            }
            cfg_dump_node(out, doc, yaml_document_get_node(doc, *it));
        }
        fputc(']', out);
    } else if (node->type == YAML_MAPPING_NODE) {
        yaml_node_pair_t *p;
        fputc('{', out);
        for (p = node->data.mapping.pairs.start;
             p < node->data.mapping.pairs.top; p++) {
            if (p != node->data.mapping.pairs.start) {
                fputs(", ", out);
            }
            cfg_dump_node(out, doc, yaml_document_get_node(doc, p->key));
            fputs(": ", out);
            cfg_dump_node(out, doc, yaml_document_get_node(doc, p->value));
        }
        fputc('}', out);
    }
}

char *
sl_config_node_text(yaml_document_t *doc, yaml_node_t *node)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    if (!out) {
        sl_out_of_memory();
    }
    if (node) {
        cfg_dump_node(out, doc, node);
    } else {
        fputs("null", out);
    }
    /* Writing to memory fails only for want of it. */
    bool failed = ferror(out);
    if (fclose(out) || failed) {
        sl_out_of_memory();
    }
    return text;
}

static void
cfg_dump_opt(FILE *out, const char *key, const char *value)
{
    fprintf(out, "  %s: ", key);
    if (value) {
        cfg_dump_string(out, value);
    } else {
        fputs("null", out);
    }
    fputc('\n', out);
}

int
sl_config_dump(const struct sl_config *cfg, FILE *out)
{
    size_t i, j;

    if (cfg->user) {
        fputs("user: ", out);
        char *spec = sl_xasprintf("%s%s%s", cfg->user,
                                  cfg->group ? ":" : "",
                                  cfg->group ? cfg->group : "");
        cfg_dump_string(out, spec);
        free(spec);
        fputc('\n', out);
    } else {
        fputs("user: null\n", out);
    }
    fputs("openflow:\n  listen: [", out);
    for (i = 0; i < cfg->n_listeners; i++) {
        const struct sl_config_listener *l = &cfg->listeners[i];
        fprintf(out, "%s\"%s:%s%s%s:%u\"", i ? ", " : "",
                l->kind == SL_CONFIG_LISTEN_SSL ? "ssl" : "tcp",
                l->ipv6 ? "[" : "", l->address, l->ipv6 ? "]" : "",
                l->port);
    }
    fputs("]\n", out);
    if (cfg->has_tls) {
        fputs("  tls:\n  ", out);
        cfg_dump_opt(out, "certificate", cfg->tls_certificate);
        fputs("  ", out);
        cfg_dump_opt(out, "private_key", cfg->tls_private_key);
        if (cfg->tls_ca_certificate) {
            fputs("  ", out);
            cfg_dump_opt(out, "ca_certificate", cfg->tls_ca_certificate);
        }
        fprintf(out, "    verify_peer: %s\n",
                cfg->tls_verify_peer ? "true" : "false");
        fprintf(out, "    allow_insecure_key: %s\n",
                cfg->tls_allow_insecure_key ? "true" : "false");
        fputs("    pin: {", out);
        for (i = 0; i < cfg->n_tls_pins; i++) {
            fprintf(out, "%s\"0x%016"PRIx64"\": \"sha256:", i ? ", " : "",
                    cfg->tls_pins[i].dpid);
            for (j = 0; j < 32; j++) {
                fprintf(out, "%s%02X", j ? ":" : "",
                        cfg->tls_pins[i].sha256[j]);
            }
            fputc('"', out);
        }
        fputs("}\n", out);
    }
    fprintf(out, "  echo_interval: %.17g\n  echo_misses: %u\n"
            "  packet_in_rate: %u\n  delete_foreign_flows: %s\n",
            cfg->echo_interval, cfg->echo_misses, cfg->packet_in_rate,
            cfg->delete_foreign_flows ? "true" : "false");
    fprintf(out, "rest:\n  enabled: %s\n  listen: \"%s%s%s:%u\"\n"
            "  https: %s\n", cfg->rest_enabled ? "true" : "false",
            cfg->rest_ipv6 ? "[" : "", cfg->rest_address,
            cfg->rest_ipv6 ? "]" : "", cfg->rest_port,
            cfg->rest_https ? "true" : "false");
    cfg_dump_opt(out, "token", cfg->rest_token);
    fprintf(out, "topology:\n  enabled: %s\n  lldp_interval: %.17g\n"
            "  link_timeout: %.17g\n  host_timeout: %.17g\n"
            "  max_hosts: %u\n", cfg->topo_enabled ? "true" : "false",
            cfg->lldp_interval, cfg->link_timeout, cfg->host_timeout,
            cfg->max_hosts);
    cfg_dump_opt(out, "lldp_key", cfg->lldp_key);
    fputs("log:\n  level: {", out);
    for (i = 0; i < cfg->n_log_levels; i++) {
        fprintf(out, "%s%s: %s", i ? ", " : "", cfg->log_levels[i].module,
                cfg->log_levels[i].level);
    }
    fprintf(out, "}\n  syslog: %s\n", cfg->log_syslog ? "true" : "false");
    fputs(cfg->n_apps ? "apps:\n" : "apps: []\n", out);
    for (i = 0; i < cfg->n_apps; i++) {
        fprintf(out, "  - name: %s\n", cfg->apps[i].name);
        if (cfg->apps[i].config) {
            fputs("    config: ", out);
            cfg_dump_node(out, cfg->doc, cfg->apps[i].config);
            fputc('\n', out);
        }
    }
    return ferror(out) ? EIO : 0;
}
