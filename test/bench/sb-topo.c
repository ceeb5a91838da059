/* sb-topo: builds the topologies sluice-bench's fabric mode emulates.
 *
 * Every kind of topology first collects its links, in the order they are
 * made, into a builder; a link end may name its port (files) or leave it
 * to be numbered (port 0).  sb_topo_finish() then gives each switch its
 * link ports 1..degree -- explicit ports where they were given, the free
 * ones in link order to the rest -- and its host ports after them, all in
 * one array of peers shared by every switch.  Memory is O(switches +
 * links); looking up a peer is one index. */
#include <config.h>
#include "test/bench/sb-topo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define SB_TOPO_MAX_SWITCHES 1000000u
#define SB_TOPO_MAX_LINKS 10000000u
/* Link and host ports of all switches together: the peers array. */
#define SB_TOPO_MAX_PORTS 100000000u
/* Highest port number OpenFlow allows (OFPP_MAX). */
#define SB_TOPO_MAX_PORT_NO 0xffffff00u
/* peers[].sw of an edge port. */
#define SB_TOPO_NONE UINT32_MAX
/* Longest "file:PATH:LINE" location a message names. */
#define SB_TOPO_LOC_MAX 256

/* The public topology and the one array every switch's peers live in. */
struct sb_topo_impl {
    struct sb_topo topo;
    struct sb_end *pool;
};

/* Links collected before their ports are numbered. */
struct sb_topo_builder {
    uint32_t n_switches;
    struct sb_link *links; /* port 0: to be numbered */
    uint32_t *lines;       /* file line of each link; NULL if not a file */
    size_t n_links;
    size_t max_links; /* allocated */
    const char *path; /* the file, for messages; NULL if not a file */
    char *err;
    size_t errlen;
};

static int sb_topo_fail(struct sb_topo_builder *, int error, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

/* Writes the message to the builder's 'err' and returns 'error'.  Control
 * characters (from a file or a spec) become '?': the message stays one
 * line. */
static int
sb_topo_fail(struct sb_topo_builder *b, int error, const char *fmt, ...)
{
    if (b->err && b->errlen) {
        va_list args;

        va_start(args, fmt);
        vsnprintf(b->err, b->errlen, fmt, args);
        va_end(args);
        for (char *p = b->err; *p; p++) {
            if ((unsigned char) *p < 0x20 || *p == 0x7f) {
                *p = '?';
            }
        }
    }
    return error;
}

static void
sb_topo_builder_init(struct sb_topo_builder *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    b->err = err;
    b->errlen = errlen;
}

static void
sb_topo_builder_uninit(struct sb_topo_builder *b)
{
    free(b->links);
    free(b->lines);
}

/* Makes room for 'n' links in all.  Returns 0, ENOMEM, or EINVAL over
 * the limit. */
static int
sb_topo_reserve(struct sb_topo_builder *b, size_t n)
{
    size_t max;

    if (n <= b->max_links) {
        return 0;
    }
    if (n > SB_TOPO_MAX_LINKS) {
        return sb_topo_fail(b, EINVAL, "too many links (limit %u)",
                            SB_TOPO_MAX_LINKS);
    }
    max = b->max_links ? b->max_links : 16;
    while (max < n) {
        max = max > SB_TOPO_MAX_LINKS / 2 ? SB_TOPO_MAX_LINKS : max * 2;
    }
    struct sb_link *links = realloc(b->links, max * sizeof *links);
    if (!links) {
        return sb_topo_fail(b, ENOMEM, "out of memory for %zu links", max);
    }
    b->links = links;
    if (b->path) {
        uint32_t *lines = realloc(b->lines, max * sizeof *lines);
        if (!lines) {
            return sb_topo_fail(b, ENOMEM, "out of memory for %zu links", max);
        }
        b->lines = lines;
    }
    b->max_links = max;
    return 0;
}

/* Adds the link 'x'--'y' (switch indexes; port 0 = to be numbered), made
 * at file line 'line' (ignored when not reading a file). */
static int
sb_topo_add(struct sb_topo_builder *b, struct sb_end x, struct sb_end y,
            uint32_t line)
{
    int error = sb_topo_reserve(b, b->n_links + 1);

    if (error) {
        return error;
    }
    b->links[b->n_links].a = x;
    b->links[b->n_links].b = y;
    if (b->lines) {
        b->lines[b->n_links] = line;
    }
    b->n_links++;
    return 0;
}

/* Adds a link between switches 'x' and 'y', ports to be numbered. */
static int
sb_topo_add_pair(struct sb_topo_builder *b, uint32_t x, uint32_t y)
{
    struct sb_end ex = {x, 0}, ey = {y, 0};

    return sb_topo_add(b, ex, ey, 0);
}

/* Formats where link 'i' comes from into 'loc': "PATH:LINE", or "". */
static const char *
sb_topo_where(const struct sb_topo_builder *b, size_t i, char *loc,
              size_t size)
{
    if (b->path && b->lines) {
        snprintf(loc, size, "%s:%" PRIu32 ": ", b->path, b->lines[i]);
    } else {
        loc[0] = '\0';
    }
    return loc;
}

/* Numbers the ports and turns the builder's links into '*topop', named
 * 'name' (taken over, also on failure). */
static int
sb_topo_finish(struct sb_topo_builder *b, uint32_t hosts, char *name,
               struct sb_topo **topop)
{
    char loc[SB_TOPO_LOC_MAX];
    uint32_t n = b->n_switches;
    struct sb_topo_impl *impl = NULL;
    struct sb_topo *topo;
    uint32_t *next = NULL; /* per switch: degree, then next free port */
    uint64_t total = 0;
    int error = ENOMEM;

    if (!name) {
        sb_topo_fail(b, ENOMEM, "out of memory");
        goto fail_free;
    }
    impl = calloc(1, sizeof *impl);
    next = calloc(n ? n : 1, sizeof *next);
    if (!impl || !next) {
        sb_topo_fail(b, ENOMEM, "out of memory");
        goto fail_free;
    }
    topo = &impl->topo;
    topo->name = name;
    name = NULL;
    topo->n_switches = n;
    topo->switches = calloc(n ? n : 1, sizeof *topo->switches);
    if (!topo->switches) {
        sb_topo_fail(b, ENOMEM, "out of memory for %" PRIu32 " switches", n);
        goto fail_free;
    }

    for (size_t i = 0; i < b->n_links; i++) {
        next[b->links[i].a.sw]++;
        next[b->links[i].b.sw]++;
    }
    for (uint32_t sw = 0; sw < n; sw++) {
        uint64_t n_ports = (uint64_t) next[sw] + hosts;

        if (n_ports > SB_TOPO_MAX_PORT_NO) {
            error = sb_topo_fail(b, EINVAL,
                                 "switch %" PRIu32 " would have %" PRIu64
                                 " ports, more than OpenFlow numbers",
                                 sw + 1, n_ports);
            goto fail_free;
        }
        total += n_ports;
        if (total > SB_TOPO_MAX_PORTS) {
            error = sb_topo_fail(b, EINVAL,
                                 "too many ports in all (limit %u): fewer "
                                 "hosts per switch?",
                                 SB_TOPO_MAX_PORTS);
            goto fail_free;
        }
        topo->switches[sw].n_ports = (uint32_t) n_ports;
    }
    impl->pool = malloc((total ? total : 1) * sizeof *impl->pool);
    if (!impl->pool) {
        sb_topo_fail(b, ENOMEM, "out of memory for %" PRIu64 " ports", total);
        goto fail_free;
    }
    total = 0;
    for (uint32_t sw = 0; sw < n; sw++) {
        struct sb_topo_switch *s = &topo->switches[sw];

        s->peers = impl->pool + total;
        for (uint32_t p = 0; p < s->n_ports; p++) {
            s->peers[p].sw = SB_TOPO_NONE;
            s->peers[p].port = 0;
        }
        total += s->n_ports;
        next[sw] = 0;
    }

    /* Ports given explicitly: within 1..degree, each used once.  Until the
     * last pass a used port holds its peer's switch and port 0. */
    for (size_t i = 0; i < b->n_links; i++) {
        const struct sb_link *l = &b->links[i];

        for (int side = 0; side < 2; side++) {
            const struct sb_end *e = side ? &l->b : &l->a;
            const struct sb_end *other = side ? &l->a : &l->b;
            struct sb_topo_switch *s = &topo->switches[e->sw];
            uint32_t degree = s->n_ports - hosts;

            if (!e->port) {
                continue;
            }
            if (e->port > degree) {
                error =
                    sb_topo_fail(b, EINVAL,
                                 "%sport %" PRIu32 " of switch %" PRIu32
                                 " is out of range: the switch has %" PRIu32
                                 " link(s), so its link ports are 1..%" PRIu32,
                                 sb_topo_where(b, i, loc, sizeof loc), e->port,
                                 e->sw + 1, degree, degree);
                goto fail_free;
            }
            if (s->peers[e->port - 1].sw != SB_TOPO_NONE) {
                error = sb_topo_fail(b, EINVAL,
                                     "%sduplicate port: port %" PRIu32
                                     " of switch %" PRIu32 " is used twice",
                                     sb_topo_where(b, i, loc, sizeof loc),
                                     e->port, e->sw + 1);
                goto fail_free;
            }
            s->peers[e->port - 1].sw = other->sw;
        }
    }
    /* The other ends get each switch's free ports, lowest first, in the
     * order the links were made. */
    for (size_t i = 0; i < b->n_links; i++) {
        struct sb_link *l = &b->links[i];

        for (int side = 0; side < 2; side++) {
            struct sb_end *e = side ? &l->b : &l->a;
            const struct sb_end *other = side ? &l->a : &l->b;
            struct sb_topo_switch *s = &topo->switches[e->sw];

            if (e->port) {
                continue;
            }
            while (s->peers[next[e->sw]].sw != SB_TOPO_NONE) {
                next[e->sw]++;
            }
            s->peers[next[e->sw]].sw = other->sw;
            e->port = ++next[e->sw];
        }
    }
    for (size_t i = 0; i < b->n_links; i++) {
        const struct sb_link *l = &b->links[i];

        topo->switches[l->a.sw].peers[l->a.port - 1] = l->b;
        topo->switches[l->b.sw].peers[l->b.port - 1] = l->a;
    }

    topo->n_links = b->n_links;
    if (b->n_links) {
        struct sb_link *links = realloc(b->links, b->n_links * sizeof *links);
        topo->links = links ? links : b->links;
        b->links = NULL;
        b->max_links = 0;
    }
    free(next);
    *topop = topo;
    return 0;

fail_free:
    free(next);
    free(name);
    if (impl) {
        sb_topo_destroy(&impl->topo);
    }
    return error;
}

/* ---- numbers ---- */

/* Parses the 'len' bytes at 's' as a decimal number (digits only) into
 * '*value'.  Returns 0, or EINVAL when they are not all digits or the
 * number is above 'max'. */
static int
sb_topo_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *value)
{
    char buf[32];
    char *end;
    unsigned long long v;

    if (len == 0 || len >= sizeof buf) {
        /* Too long for a 64-bit number unless zero-padded: refuse. */
        return EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') { /* strtoull takes "-1", " 1" */
            return EINVAL;
        }
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoull(buf, &end, 10);
    if (errno || *end != '\0' || v > max) {
        return EINVAL;
    }
    *value = v;
    return 0;
}

/* Parses a file's link end "A" or "A:P" ('len' bytes at 'tok') into
 * '*end' (switch index A - 1, port P or 0).  'loc' names the place for the
 * message. */
static int
sb_topo_parse_end(struct sb_topo_builder *b, const char *loc, const char *tok,
                  size_t len, struct sb_end *end)
{
    const char *colon = memchr(tok, ':', len);
    size_t sw_len = colon ? (size_t) (colon - tok) : len;
    uint64_t sw, port = 0;
    int shown = len > 40 ? 40 : (int) len;

    if (sb_topo_parse_u64(tok, sw_len, UINT64_MAX, &sw)) {
        return sb_topo_fail(b, EINVAL,
                            "%s: bad switch number in '%.*s' (want A or "
                            "A:PORT)",
                            loc, shown, tok);
    }
    if (sw == 0) {
        return sb_topo_fail(b, EINVAL,
                            "%s: switch 0 in '%.*s': switches are "
                            "numbered from 1",
                            loc, shown, tok);
    }
    if (sw > SB_TOPO_MAX_SWITCHES) {
        return sb_topo_fail(b, EINVAL,
                            "%s: switch %" PRIu64 " is over the limit of "
                            "%u switches",
                            loc, sw, SB_TOPO_MAX_SWITCHES);
    }
    if (colon) {
        const char *p = colon + 1;
        size_t p_len = len - sw_len - 1;

        if (sb_topo_parse_u64(p, p_len, SB_TOPO_MAX_PORT_NO, &port)) {
            return sb_topo_fail(b, EINVAL,
                                "%s: bad port number in '%.*s' (want "
                                "1..%u)",
                                loc, shown, tok, SB_TOPO_MAX_PORT_NO);
        }
        if (port == 0) {
            return sb_topo_fail(b, EINVAL,
                                "%s: port 0 in '%.*s': ports are numbered "
                                "from 1",
                                loc, shown, tok);
        }
    }
    end->sw = (uint32_t) (sw - 1);
    end->port = (uint32_t) port;
    return 0;
}

/* Adds the file link 'x'--'y' after checking it is not a self-loop. */
static int
sb_topo_add_file_link(struct sb_topo_builder *b, const char *loc,
                      struct sb_end x, struct sb_end y, uint32_t line)
{
    if (x.sw == y.sw) {
        return sb_topo_fail(
            b, EINVAL, "%s: self-loop: switch %" PRIu32 " linked to itself",
            loc, x.sw + 1);
    }
    return sb_topo_add(b, x, y, line);
}

/* ---- files ---- */

static bool
sb_topo_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* Reads the edge list 'f' ("A B" or "A:PA B:PB" per line, '#' comments)
 * into 'b'. */
static int
sb_topo_read_edges(struct sb_topo_builder *b, FILE *f)
{
    char loc[SB_TOPO_LOC_MAX];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint32_t lineno = 0;
    uint32_t max_sw = 0;
    int error = 0;

    for (;;) {
        const char *tok[3];
        size_t tok_len[3];
        size_t n_tok = 0;
        struct sb_end x, y;

        errno = 0;
        len = getline(&line, &cap, f);
        if (len < 0) {
            break;
        }
        lineno = lineno < UINT32_MAX ? lineno + 1 : lineno;
        snprintf(loc, sizeof loc, "%s:%" PRIu32, b->path, lineno);
        if (strlen(line) != (size_t) len) {
            error = sb_topo_fail(b, EINVAL, "%s: NUL byte in the line", loc);
            goto out;
        }
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = '\0';
        }
        for (const char *p = line; *p && n_tok < 3;) {
            while (sb_topo_is_space(*p)) {
                p++;
            }
            if (!*p) {
                break;
            }
            tok[n_tok] = p;
            while (*p && !sb_topo_is_space(*p)) {
                p++;
            }
            tok_len[n_tok] = (size_t) (p - tok[n_tok]);
            n_tok++;
        }
        if (n_tok == 0) {
            continue;
        }
        if (n_tok != 2) {
            error = sb_topo_fail(b, EINVAL,
                                 "%s: want two link ends per line, 'A B' "
                                 "or 'A:PORT B:PORT'",
                                 loc);
            goto out;
        }
        error = sb_topo_parse_end(b, loc, tok[0], tok_len[0], &x);
        if (!error) {
            error = sb_topo_parse_end(b, loc, tok[1], tok_len[1], &y);
        }
        if (!error) {
            error = sb_topo_add_file_link(b, loc, x, y, lineno);
        }
        if (error) {
            goto out;
        }
        max_sw = x.sw + 1 > max_sw ? x.sw + 1 : max_sw;
        max_sw = y.sw + 1 > max_sw ? y.sw + 1 : max_sw;
    }
    if (ferror(f)) {
        error = errno ? errno : EIO; /* e.g. EISDIR */
        error = sb_topo_fail(b, error, "%s: cannot read: %s", b->path,
                             strerror(error));
        goto out;
    }
    if (b->n_links == 0) {
        error = sb_topo_fail(b, EINVAL, "%s: no links in the file", b->path);
        goto out;
    }
    b->n_switches = max_sw;
out:
    free(line);
    return error;
}

/* Returns node 'id' of 'doc', or NULL. */
static yaml_node_t *
sb_topo_yaml_node(yaml_document_t *doc, yaml_node_item_t id)
{
    return yaml_document_get_node(doc, id);
}

/* Returns the 1-based line where 'node' starts. */
static uint32_t
sb_topo_yaml_line(const yaml_node_t *node)
{
    size_t line = node->start_mark.line + 1;

    return line > UINT32_MAX ? UINT32_MAX : (uint32_t) line;
}

/* Reads the links of YAML sequence 'seq' into 'b' (whose 'n_switches' is
 * known). */
static int
sb_topo_yaml_links(struct sb_topo_builder *b, yaml_document_t *doc,
                   yaml_node_t *seq)
{
    char loc[SB_TOPO_LOC_MAX];

    if (seq->type != YAML_SEQUENCE_NODE) {
        snprintf(loc, sizeof loc, "%s:%" PRIu32, b->path,
                 sb_topo_yaml_line(seq));
        return sb_topo_fail(b, EINVAL,
                            "%s: 'links' is not a list (want [[A, B], "
                            "...])",
                            loc);
    }
    for (yaml_node_item_t *it = seq->data.sequence.items.start;
         it < seq->data.sequence.items.top; it++) {
        yaml_node_t *link = sb_topo_yaml_node(doc, *it);
        struct sb_end ends[2];
        uint32_t line;

        if (!link) {
            return sb_topo_fail(b, EINVAL, "%s: bad YAML node", b->path);
        }
        line = sb_topo_yaml_line(link);
        snprintf(loc, sizeof loc, "%s:%" PRIu32, b->path, line);
        if (link->type != YAML_SEQUENCE_NODE ||
            link->data.sequence.items.top - link->data.sequence.items.start !=
                2) {
            return sb_topo_fail(b, EINVAL,
                                "%s: a link must be a list of two ends, "
                                "[A, B] or [\"A:PORT\", \"B:PORT\"]",
                                loc);
        }
        for (int i = 0; i < 2; i++) {
            yaml_node_t *end =
                sb_topo_yaml_node(doc, link->data.sequence.items.start[i]);
            int error;

            if (!end || end->type != YAML_SCALAR_NODE) {
                return sb_topo_fail(b, EINVAL,
                                    "%s: a link end must be a number or "
                                    "\"A:PORT\"",
                                    loc);
            }
            error = sb_topo_parse_end(b, loc,
                                      (const char *) end->data.scalar.value,
                                      end->data.scalar.length, &ends[i]);
            if (error) {
                return error;
            }
            if (ends[i].sw >= b->n_switches) {
                return sb_topo_fail(b, EINVAL,
                                    "%s: switch %" PRIu32
                                    " is above switches: %" PRIu32,
                                    loc, ends[i].sw + 1, b->n_switches);
            }
        }
        int error = sb_topo_add_file_link(b, loc, ends[0], ends[1], line);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Reads the YAML file 'f' ({switches: N, links: [[A, B], ...]}) into
 * 'b'. */
static int
sb_topo_read_yaml(struct sb_topo_builder *b, FILE *f)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *root, *switches = NULL, *links = NULL;
    uint64_t n;
    int error = 0;

    if (!yaml_parser_initialize(&parser)) {
        return sb_topo_fail(b, ENOMEM, "out of memory for a YAML parser");
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        error = sb_topo_fail(b, EINVAL, "%s:%zu: YAML error: %s", b->path,
                             parser.problem_mark.line + 1,
                             parser.problem ? parser.problem : "unknown");
        yaml_parser_delete(&parser);
        return error;
    }
    root = yaml_document_get_root_node(&doc);
    if (!root) {
        error = sb_topo_fail(b, EINVAL, "%s: the file is empty", b->path);
        goto out;
    }
    if (root->type != YAML_MAPPING_NODE) {
        error = sb_topo_fail(b, EINVAL,
                             "%s: the document is not a mapping (want "
                             "{switches: N, links: [[A, B], ...]})",
                             b->path);
        goto out;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = sb_topo_yaml_node(&doc, p->key);
        yaml_node_t *v = sb_topo_yaml_node(&doc, p->value);
        const char *key;
        yaml_node_t **slot;

        if (!k || !v || k->type != YAML_SCALAR_NODE) {
            error =
                sb_topo_fail(b, EINVAL, "%s: a key is not a string", b->path);
            goto out;
        }
        key = (const char *) k->data.scalar.value;
        if (!strcmp(key, "switches")) {
            slot = &switches;
        } else if (!strcmp(key, "links")) {
            slot = &links;
        } else {
            error = sb_topo_fail(b, EINVAL,
                                 "%s:%" PRIu32 ": unknown key '%.40s' (want "
                                 "switches and links)",
                                 b->path, sb_topo_yaml_line(k), key);
            goto out;
        }
        if (*slot) {
            error = sb_topo_fail(b, EINVAL, "%s:%" PRIu32 ": key '%s' twice",
                                 b->path, sb_topo_yaml_line(k), key);
            goto out;
        }
        *slot = v;
    }
    if (!switches) {
        error = sb_topo_fail(b, EINVAL, "%s: missing 'switches: N'", b->path);
        goto out;
    }
    if (switches->type != YAML_SCALAR_NODE ||
        sb_topo_parse_u64((const char *) switches->data.scalar.value,
                          switches->data.scalar.length, UINT64_MAX, &n)) {
        error = sb_topo_fail(b, EINVAL,
                             "%s:%" PRIu32 ": 'switches' is not a number",
                             b->path, sb_topo_yaml_line(switches));
        goto out;
    }
    if (n < 1 || n > SB_TOPO_MAX_SWITCHES) {
        error = sb_topo_fail(
            b, EINVAL,
            "%s:%" PRIu32 ": switches: %" PRIu64 " is out of range 1..%u",
            b->path, sb_topo_yaml_line(switches), n, SB_TOPO_MAX_SWITCHES);
        goto out;
    }
    b->n_switches = (uint32_t) n;
    if (links) {
        error = sb_topo_yaml_links(b, &doc, links);
    }
out:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return error;
}

/* Returns true if 'path' ends in 'suffix'. */
static bool
sb_topo_ends_with(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);

    return n >= m && !strcmp(path + n - m, suffix);
}

/* file:PATH */
static int
sb_topo_from_file(struct sb_topo_builder *b, const char *path)
{
    FILE *f;
    int error;

    if (!*path) {
        return sb_topo_fail(b, EINVAL, "file: needs a path (file:PATH)");
    }
    f = fopen(path, "r");
    if (!f) {
        error = errno;
        return sb_topo_fail(b, error, "cannot open %s: %s", path,
                            strerror(error));
    }
    b->path = path;
    error =
        (sb_topo_ends_with(path, ".yaml") || sb_topo_ends_with(path, ".yml")
             ? sb_topo_read_yaml(b, f)
             : sb_topo_read_edges(b, f));
    fclose(f);
    return error;
}

/* ---- generated topologies ---- */

/* linear,N */
static int
sb_topo_linear(struct sb_topo_builder *b, uint32_t n)
{
    int error = sb_topo_reserve(b, n - 1);

    b->n_switches = n;
    for (uint32_t i = 0; !error && i + 1 < n; i++) {
        error = sb_topo_add_pair(b, i, i + 1);
    }
    return error;
}

/* ring,N: a line closed by a link from the last switch to the first. */
static int
sb_topo_ring(struct sb_topo_builder *b, uint32_t n)
{
    int error = sb_topo_reserve(b, n);

    if (!error) {
        error = sb_topo_linear(b, n);
    }
    return error ? error : sb_topo_add_pair(b, n - 1, 0);
}

/* tree,D,F: numbered breadth first, so switch c's parent is (c - 1) / F;
 * linking the children in order gives each parent its uplink first. */
static int
sb_topo_tree(struct sb_topo_builder *b, uint64_t depth, uint64_t fanout)
{
    uint64_t count = 0, level = 1;
    int error;

    for (uint64_t d = 0; d < depth; d++) {
        count += level;
        if (count > SB_TOPO_MAX_SWITCHES) {
            return sb_topo_fail(b, EINVAL,
                                "tree,%" PRIu64 ",%" PRIu64
                                ": too many switches (limit %u)",
                                depth, fanout, SB_TOPO_MAX_SWITCHES);
        }
        level *= fanout; /* <= 10^6 * 10^6: no overflow */
    }
    error = sb_topo_reserve(b, count - 1);
    b->n_switches = (uint32_t) count;
    for (uint32_t c = 1; !error && c < count; c++) {
        error = sb_topo_add_pair(b, (uint32_t) ((c - 1) / fanout), c);
    }
    return error;
}

/* fattree,K: cores 0..(K/2)^2-1, then per pod K/2 aggregation switches
 * and K/2 edge switches.  Core-aggregation links come first, so an
 * aggregation switch's ports 1..K/2 go up and an edge switch's ports
 * 1..K/2 go up too. */
static int
sb_topo_fattree(struct sb_topo_builder *b, uint64_t k)
{
    uint64_t half = k / 2, cores = half * half;
    uint64_t count = cores + k * k;
    uint64_t n_links = k * k * k / 2;
    int error;

    if (count > SB_TOPO_MAX_SWITCHES) {
        return sb_topo_fail(
            b, EINVAL, "fattree,%" PRIu64 ": too many switches (limit %u)", k,
            SB_TOPO_MAX_SWITCHES);
    }
    if (n_links > SB_TOPO_MAX_LINKS) {
        return sb_topo_fail(b, EINVAL,
                            "fattree,%" PRIu64 ": too many links (limit %u)",
                            k, SB_TOPO_MAX_LINKS);
    }
    error = sb_topo_reserve(b, n_links);
    b->n_switches = (uint32_t) count;
    for (uint64_t c = 0; !error && c < cores; c++) {
        uint64_t j = c / half; /* the aggregation index it serves */

        for (uint64_t pod = 0; !error && pod < k; pod++) {
            error = sb_topo_add_pair(b, (uint32_t) c,
                                     (uint32_t) (cores + pod * k + j));
        }
    }
    for (uint64_t pod = 0; !error && pod < k; pod++) {
        uint64_t agg0 = cores + pod * k, edge0 = agg0 + half;

        for (uint64_t e = 0; !error && e < half; e++) {
            for (uint64_t a = 0; !error && a < half; a++) {
                error = sb_topo_add_pair(b, (uint32_t) (agg0 + a),
                                         (uint32_t) (edge0 + e));
            }
        }
    }
    return error;
}

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t
sb_topo_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform random number in 0..'bound'-1 ('bound' >= 1). */
static uint64_t
sb_topo_rand_below(uint64_t *state, uint64_t bound)
{
    uint64_t threshold = (0 - bound) % bound; /* 2^64 mod bound */
    uint64_t r;

    do {
        r = sb_topo_rand(state);
    } while (r < threshold);
    return r % bound;
}

/* A set of undirected switch pairs: open addressing, key 0 = empty. */
struct sb_topo_pairs {
    uint64_t *slots;
    size_t mask;
};

static uint64_t
sb_topo_pair_key(uint32_t x, uint32_t y)
{
    uint32_t lo = x < y ? x : y, hi = x < y ? y : x;

    return ((uint64_t) hi << 32 | lo) + 1; /* never 0: hi > lo */
}

static size_t
sb_topo_pair_hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t) key;
}

/* Adds the pair 'x'--'y'; returns false if it was there already. */
static bool
sb_topo_pairs_add(struct sb_topo_pairs *set, uint32_t x, uint32_t y)
{
    uint64_t key = sb_topo_pair_key(x, y);

    for (size_t i = sb_topo_pair_hash(key) & set->mask;;
         i = (i + 1) & set->mask) {
        if (set->slots[i] == key) {
            return false;
        }
        if (!set->slots[i]) {
            set->slots[i] = key;
            return true;
        }
    }
}

static bool
sb_topo_pairs_has(const struct sb_topo_pairs *set, uint32_t x, uint32_t y)
{
    uint64_t key = sb_topo_pair_key(x, y);

    for (size_t i = sb_topo_pair_hash(key) & set->mask;;
         i = (i + 1) & set->mask) {
        if (set->slots[i] == key) {
            return true;
        }
        if (!set->slots[i]) {
            return false;
        }
    }
}

/* random,N,D,SEED: a random spanning tree (each switch, in a random order,
 * joins one before it), then distinct extra links up to N*D/2 in all:
 * drawn at random while the graph is sparse, by selection sampling over
 * every pair when it is dense. */
static int
sb_topo_random(struct sb_topo_builder *b, uint32_t n, uint64_t degree,
               uint64_t seed)
{
    uint64_t state = seed;
    uint64_t all_pairs = (uint64_t) n * (n - 1) / 2;
    uint64_t want = (uint64_t) n * degree / 2, extra, left;
    struct sb_topo_pairs set = {NULL, 0};
    uint32_t *order = NULL;
    size_t size = 16;
    int error;

    want = want < n - 1 ? n - 1 : want;
    want = want > all_pairs ? all_pairs : want;
    if (want > SB_TOPO_MAX_LINKS) {
        return sb_topo_fail(b, EINVAL,
                            "random,%" PRIu32 ",%" PRIu64
                            ": too many links (limit %u)",
                            n, degree, SB_TOPO_MAX_LINKS);
    }
    error = sb_topo_reserve(b, want);
    if (error) {
        return error;
    }
    b->n_switches = n;
    while (size < want + want / 2) {
        size *= 2;
    }
    set.slots = calloc(size, sizeof *set.slots);
    set.mask = size - 1;
    order = malloc(n * sizeof *order);
    if (!set.slots || !order) {
        error = sb_topo_fail(b, ENOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        order[i] = i;
    }
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t) sb_topo_rand_below(&state, i + 1);
        uint32_t t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 1; !error && i < n; i++) {
        uint32_t parent = order[sb_topo_rand_below(&state, i)];

        sb_topo_pairs_add(&set, parent, order[i]);
        error = sb_topo_add_pair(b, parent, order[i]);
    }

    extra = want - (n - 1);
    left = all_pairs - (n - 1); /* pairs not linked yet */
    if (extra * 2 <= left) {
        while (!error && extra > 0) {
            uint32_t x = (uint32_t) sb_topo_rand_below(&state, n);
            uint32_t y = (uint32_t) sb_topo_rand_below(&state, n);

            if (x != y && sb_topo_pairs_add(&set, x, y)) {
                error = sb_topo_add_pair(b, x, y);
                extra--;
            }
        }
    } else {
        for (uint32_t x = 0; !error && extra > 0 && x < n; x++) {
            for (uint32_t y = x + 1; !error && extra > 0 && y < n; y++) {
                if (sb_topo_pairs_has(&set, x, y)) {
                    continue;
                }
                if (sb_topo_rand_below(&state, left) < extra) {
                    error = sb_topo_add_pair(b, x, y);
                    extra--;
                }
                left--;
            }
        }
    }
out:
    free(order);
    free(set.slots);
    return error;
}

/* ---- specs ---- */

/* The numbers after "KIND,": at most 3, each at most 'max'. */
struct sb_topo_args {
    size_t n;
    uint64_t v[3];
};

/* Parses the comma-separated numbers 'list' of spec 'spec' into 'args'. */
static int
sb_topo_parse_args(struct sb_topo_builder *b, const char *spec,
                   const char *list, struct sb_topo_args *args)
{
    const char *p = list;

    args->n = 0;
    if (!list) {
        return 0;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t) (comma - p) : strlen(p);

        if (args->n == 3) {
            return sb_topo_fail(b, EINVAL, "too many numbers in '%.80s'",
                                spec);
        }
        if (sb_topo_parse_u64(p, len, UINT64_MAX, &args->v[args->n])) {
            return sb_topo_fail(b, EINVAL,
                                "bad number '%.*s' in '%.80s' (want digits "
                                "only)",
                                len > 40 ? 40 : (int) len, p, spec);
        }
        args->n++;
        if (!comma) {
            return 0;
        }
        p = comma + 1;
    }
}

/* Checks that 'value', argument 'what' of 'spec', is within min..max. */
static int
sb_topo_check_range(struct sb_topo_builder *b, const char *spec,
                    const char *what, uint64_t value, uint64_t min,
                    uint64_t max)
{
    if (value < min || value > max) {
        return sb_topo_fail(b, EINVAL,
                            "%.80s: %s %" PRIu64 " is out of range %" PRIu64
                            "..%" PRIu64,
                            spec, what, value, min, max);
    }
    return 0;
}

/* Builds the generated topology 'spec' into 'b' and its canonical name
 * into '*namep'. */
static int
sb_topo_generate(struct sb_topo_builder *b, const char *spec, char **namep)
{
    static const char *const usage =
        "want linear,N | ring,N | tree,D,F | fattree,K | "
        "random,N,D[,SEED] | file:PATH";
    const char *comma = strchr(spec, ',');
    size_t kind_len = comma ? (size_t) (comma - spec) : strlen(spec);
    struct sb_topo_args args;
    char name[96];
    int error;

#define SB_TOPO_KIND_IS(NAME)                                                 \
    (kind_len == sizeof NAME - 1 && !memcmp(spec, NAME, kind_len))
    if (!SB_TOPO_KIND_IS("linear") && !SB_TOPO_KIND_IS("ring") &&
        !SB_TOPO_KIND_IS("tree") && !SB_TOPO_KIND_IS("fattree") &&
        !SB_TOPO_KIND_IS("random")) {
        return sb_topo_fail(b, EINVAL, "unknown topology kind '%.*s' (%s)",
                            kind_len > 40 ? 40 : (int) kind_len, spec, usage);
    }
    error = sb_topo_parse_args(b, spec, comma ? comma + 1 : NULL, &args);
    if (error) {
        return error;
    }
    if (SB_TOPO_KIND_IS("linear") || SB_TOPO_KIND_IS("ring")) {
        bool ring = SB_TOPO_KIND_IS("ring");

        if (args.n != 1) {
            return sb_topo_fail(b, EINVAL, "%.80s: want %s,N", spec,
                                ring ? "ring" : "linear");
        }
        error = sb_topo_check_range(b, spec, "N", args.v[0], ring ? 3 : 1,
                                    SB_TOPO_MAX_SWITCHES);
        if (error) {
            return error;
        }
        snprintf(name, sizeof name, "%s,%" PRIu64, ring ? "ring" : "linear",
                 args.v[0]);
        error = (ring ? sb_topo_ring(b, (uint32_t) args.v[0])
                      : sb_topo_linear(b, (uint32_t) args.v[0]));
    } else if (SB_TOPO_KIND_IS("tree")) {
        if (args.n != 2) {
            return sb_topo_fail(b, EINVAL, "%.80s: want tree,DEPTH,FANOUT",
                                spec);
        }
        error = sb_topo_check_range(b, spec, "depth", args.v[0], 1,
                                    SB_TOPO_MAX_SWITCHES);
        if (!error) {
            error = sb_topo_check_range(b, spec, "fanout", args.v[1], 1,
                                        SB_TOPO_MAX_SWITCHES);
        }
        if (error) {
            return error;
        }
        snprintf(name, sizeof name, "tree,%" PRIu64 ",%" PRIu64, args.v[0],
                 args.v[1]);
        error = sb_topo_tree(b, args.v[0], args.v[1]);
    } else if (SB_TOPO_KIND_IS("fattree")) {
        if (args.n != 1) {
            return sb_topo_fail(b, EINVAL, "%.80s: want fattree,K", spec);
        }
        if (args.v[0] < 2 || args.v[0] % 2) {
            return sb_topo_fail(b, EINVAL,
                                "%.80s: K must be even and at least 2", spec);
        }
        error = sb_topo_check_range(b, spec, "K", args.v[0], 2, 2000);
        if (error) {
            return error;
        }
        snprintf(name, sizeof name, "fattree,%" PRIu64, args.v[0]);
        error = sb_topo_fattree(b, args.v[0]);
    } else {
        uint64_t seed = args.n == 3 ? args.v[2] : 1;

        if (args.n != 2 && args.n != 3) {
            return sb_topo_fail(b, EINVAL,
                                "%.80s: want random,N,DEGREE[,SEED]", spec);
        }
        error = sb_topo_check_range(b, spec, "N", args.v[0], 1,
                                    SB_TOPO_MAX_SWITCHES);
        if (!error) {
            error = sb_topo_check_range(b, spec, "degree", args.v[1], 1,
                                        UINT32_MAX);
        }
        if (error) {
            return error;
        }
        snprintf(name, sizeof name, "random,%" PRIu64 ",%" PRIu64 ",%" PRIu64,
                 args.v[0], args.v[1], seed);
        error = sb_topo_random(b, (uint32_t) args.v[0], args.v[1], seed);
    }
#undef SB_TOPO_KIND_IS
    if (!error) {
        *namep = strdup(name);
        if (!*namep) {
            error = sb_topo_fail(b, ENOMEM, "out of memory");
        }
    }
    return error;
}

int
sb_topo_build(const char *spec, uint32_t hosts_per_switch,
              struct sb_topo **topop, char *err, size_t errlen)
{
    struct sb_topo_builder b;
    char *name = NULL;
    int error;

    *topop = NULL;
    if (err && errlen) {
        err[0] = '\0';
    }
    sb_topo_builder_init(&b, err, errlen);
    if (!spec || !*spec) {
        error = sb_topo_fail(&b, EINVAL, "empty topology spec");
    } else if (!strncmp(spec, "file:", 5)) {
        error = sb_topo_from_file(&b, spec + 5);
        if (!error) {
            name = strdup(spec);
            error = name ? 0 : sb_topo_fail(&b, ENOMEM, "out of memory");
        }
    } else {
        error = sb_topo_generate(&b, spec, &name);
    }
    if (!error) {
        error = sb_topo_finish(&b, hosts_per_switch, name, topop);
        name = NULL;
    }
    free(name);
    sb_topo_builder_uninit(&b);
    return error;
}

void
sb_topo_destroy(struct sb_topo *topo)
{
    if (topo) {
        struct sb_topo_impl *impl = (struct sb_topo_impl *) topo;

        free(impl->pool);
        free(topo->switches);
        free(topo->links);
        free(topo->name);
        free(impl);
    }
}

int
sb_topo_peer(const struct sb_topo *topo, uint32_t sw, uint32_t port,
             struct sb_end *peer)
{
    const struct sb_topo_switch *s;

    if (!topo || sw >= topo->n_switches) {
        return 0;
    }
    s = &topo->switches[sw];
    if (port == 0 || port > s->n_ports ||
        s->peers[port - 1].sw == SB_TOPO_NONE) {
        return 0;
    }
    *peer = s->peers[port - 1];
    return 1;
}
