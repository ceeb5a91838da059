/* test-openapi: rest/openapi.yaml against the routes the daemon registers.
 *
 * The document (OPENAPI_YAML: the source tree's file, set by automake) is
 * loaded with libyaml.  Its form: OpenAPI 3.0.3 with the error schema,
 * every local $ref resolves, every path parameter of a path template is
 * declared (and every declared one is in the template), every operation
 * has responses with descriptions, writes carry the bearer token and their
 * error answers.  Its coverage, both ways: the route table that the real
 * registration code (rest_ryu_create(), rest_native_create(),
 * rest_topology_create()) builds on a bare server of a controller without
 * listeners or apps must be exactly what the document describes, but for
 * the generic entry of the apps' routes (/api/v1/apps/{app}/{path}), which
 * stands for whatever apps register.  HEAD is implied by GET.
 *
 * A path of the document matches a registered pattern when their segments
 * pair up: equal literals, or anything against a parameter of the
 * registered pattern (so /stats/flowentry/add is served by a route
 * "/stats/flowentry/{cmd}"), a tail parameter "{x...}" taking the rest.
 * Parameter names need not agree.  Every miss is reported by name. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>
#include <yaml.h>
#include "controller/config.h"
#include "controller/controller.h"
#include "rest/native.h"
#include "rest/ryu.h"
#include "rest/server.h"
#include "rest/topology.h"
#include "test/test-util.h"

#ifndef OPENAPI_YAML
#error "OPENAPI_YAML must name rest/openapi.yaml"
#endif

/* The generic entry of the apps' routes: its last parameter stands for one
 * or more segments, and it need not be registered. */
#define APP_ROUTES "/api/v1/apps/{app}/{path}"

/* Methods of the document that the server cannot register. */
#define M_OTHER (1u << 8)

#define MAX_SEGS 32
#define REPORT_MAX 6000

/* ---- the document ---- */

static yaml_document_t doc;
static bool doc_loaded;

static void
doc_setup(void)
{
    yaml_parser_t parser;
    FILE *f = fopen(OPENAPI_YAML, "rb");

    ck_assert_msg(f != NULL, "cannot open %s: %s", OPENAPI_YAML,
                  strerror(errno));
    ck_assert(yaml_parser_initialize(&parser));
    yaml_parser_set_input_file(&parser, f);
    doc_loaded = yaml_parser_load(&parser, &doc);
    ck_assert_msg(doc_loaded, "%s:%zu:%zu: %s", OPENAPI_YAML,
                  parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                  parser.problem ? parser.problem : "not YAML");
    yaml_parser_delete(&parser);
    fclose(f);
    ck_assert_msg(yaml_document_get_root_node(&doc) != NULL, "%s is empty",
                  OPENAPI_YAML);
}

static void
doc_teardown(void)
{
    if (doc_loaded) {
        yaml_document_delete(&doc);
        doc_loaded = false;
    }
}

static yaml_node_t *
doc_root(void)
{
    return yaml_document_get_root_node(&doc);
}

/* The text of scalar 'node', or NULL if it is not a scalar. */
static const char *
scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE
               ? (const char *) node->data.scalar.value
               : NULL;
}

static bool
scalar_is(const yaml_node_t *node, const char *s)
{
    const char *v = scalar(node);
    return v && !strcmp(v, s);
}

/* The pairs of mapping 'node': returns the first, '*end' the end (both
 * NULL for another node or NULL). */
static yaml_node_pair_t *
pairs(const yaml_node_t *node, yaml_node_pair_t **end)
{
    bool map = node && node->type == YAML_MAPPING_NODE;

    *end = map ? node->data.mapping.pairs.top : NULL;
    return map ? node->data.mapping.pairs.start : NULL;
}

/* The items of sequence 'node', as pairs() does. */
static yaml_node_item_t *
items(const yaml_node_t *node, yaml_node_item_t **end)
{
    bool seq = node && node->type == YAML_SEQUENCE_NODE;

    *end = seq ? node->data.sequence.items.top : NULL;
    return seq ? node->data.sequence.items.start : NULL;
}

static yaml_node_t *
node_at(int id)
{
    return yaml_document_get_node(&doc, id);
}

/* The value of key 'key' of mapping 'map', or NULL. */
static yaml_node_t *
map_get(const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p_end, *p = pairs(map, &p_end); p != p_end; p++) {
        if (scalar_is(node_at(p->key), key)) {
            return node_at(p->value);
        }
    }
    return NULL;
}

static size_t
map_size(const yaml_node_t *map)
{
    return map && map->type == YAML_MAPPING_NODE
               ? (size_t) (map->data.mapping.pairs.top -
                           map->data.mapping.pairs.start)
               : 0;
}

/* Follows the local JSON pointer 'ref' ("#/components/schemas/Error") from
 * the root.  Returns the node, or NULL. */
static yaml_node_t *
pointer_get(const char *ref)
{
    char seg[256];
    yaml_node_t *node = doc_root();
    const char *p;

    if (strncmp(ref, "#/", 2)) {
        return NULL;
    }
    for (p = ref + 2; node;) {
        size_t n = 0;
        for (; *p && *p != '/'; p++) {
            char c = *p;
            if (c == '~' && (p[1] == '0' || p[1] == '1')) {
                c = p[1] == '0' ? '~' : '/';
                p++;
            }
            if (n + 1 >= sizeof seg) {
                return NULL;
            }
            seg[n++] = c;
        }
        seg[n] = '\0';
        if (node->type == YAML_MAPPING_NODE) {
            node = map_get(node, seg);
        } else if (node->type == YAML_SEQUENCE_NODE) {
            char *end;
            long i = strtol(seg, &end, 10);
            yaml_node_item_t *first = node->data.sequence.items.start;
            long len = node->data.sequence.items.top - first;
            node = *end || i < 0 || i >= len ? NULL : node_at(first[i]);
        } else {
            node = NULL;
        }
        if (!*p) {
            break;
        }
        p++;
    }
    return node;
}

/* 'node', or what its "$ref" designates (followed up to 16 times).  NULL
 * if a reference does not resolve. */
static yaml_node_t *
resolve(yaml_node_t *node)
{
    for (int i = 0; node && i < 16; i++) {
        const char *ref = scalar(map_get(node, "$ref"));
        if (!ref) {
            return node;
        }
        node = pointer_get(ref);
    }
    return NULL;
}

/* ---- reports ---- */

/* Misses, one per line, for the failure message (and as TAP comments). */
struct report {
    char text[REPORT_MAX];
    size_t len;
    unsigned n;
};

static void report_add(struct report *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
report_add(struct report *r, const char *fmt, ...)
{
    char line[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    printf("# %s\n", line);
    fflush(stdout);
    r->n++;
    if (r->len + strlen(line) + 32 < sizeof r->text) {
        r->len += (size_t) snprintf(r->text + r->len, sizeof r->text - r->len,
                                    "\n  %s", line);
    } else if (r->len + 8 < sizeof r->text) {
        r->len += (size_t) snprintf(r->text + r->len, sizeof r->text - r->len,
                                    "\n  ...");
    }
}

#define REPORT_CHECK(R, WHAT)                                                 \
    ck_assert_msg((R)->n == 0, "%u %s:%s", (R)->n, WHAT, (R)->text)

/* ---- paths and methods ---- */

static const struct {
    const char *name;
    unsigned method;
} methods[] = {
    {"get", REST_GET},       {"put", REST_PUT},   {"post", REST_POST},
    {"delete", REST_DELETE}, {"head", REST_HEAD}, {"options", M_OTHER},
    {"patch", M_OTHER},      {"trace", M_OTHER},
};

/* The method bit of key 'name' of a path item, or 0 if it is not one. */
static unsigned
method_of(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        if (name && !strcmp(name, methods[i].name)) {
            return methods[i].method;
        }
    }
    return 0;
}

static const char *
method_name(unsigned m)
{
    switch (m) {
    case REST_GET:
        return "GET";
    case REST_POST:
        return "POST";
    case REST_PUT:
        return "PUT";
    case REST_DELETE:
        return "DELETE";
    case REST_HEAD:
        return "HEAD";
    }
    return "OTHER";
}

static yaml_node_t *
doc_paths(void)
{
    yaml_node_t *paths = map_get(doc_root(), "paths");
    ck_assert_msg(paths && paths->type == YAML_MAPPING_NODE &&
                      map_size(paths) > 0,
                  "no \"paths\" mapping");
    return paths;
}

/* The methods (mask) a path item describes. */
static unsigned
item_methods(yaml_node_t *item)
{
    unsigned mask = 0;

    for (yaml_node_pair_t *p_end, *p = pairs(resolve(item), &p_end);
         p != p_end; p++) {
        mask |= method_of(scalar(node_at(p->key)));
    }
    return mask;
}

enum seg_kind { SEG_LITERAL, SEG_PARAM, SEG_TAIL };

struct seg {
    enum seg_kind kind;
    char text[128]; /* literal, or the parameter's name */
};

/* Splits 'path' ("/a/{b}/{c...}") into 'segs'.  Returns how many, or -1 if
 * it is not an absolute path of at most MAX_SEGS well-formed segments. */
static int
split_path(const char *path, struct seg *segs)
{
    int n = 0;

    if (path[0] != '/') {
        return -1;
    }
    for (const char *p = path + 1; *p;) {
        const char *end = strchr(p, '/');
        size_t seglen = end ? (size_t) (end - p) : strlen(p);
        size_t len = seglen;
        struct seg *s = &segs[n];

        if (n >= MAX_SEGS || len == 0 || len >= sizeof s->text) {
            return -1;
        }
        s->kind = SEG_LITERAL;
        if (p[0] == '{') {
            if (len < 3 || p[len - 1] != '}') {
                return -1;
            }
            s->kind = SEG_PARAM;
            len -= 2;
            memcpy(s->text, p + 1, len);
            s->text[len] = '\0';
            if (len > 3 && !strcmp(s->text + len - 3, "...")) {
                s->kind = SEG_TAIL;
                s->text[len - 3] = '\0';
            }
        } else {
            memcpy(s->text, p, len);
            s->text[len] = '\0';
        }
        if (s->kind == SEG_LITERAL && strpbrk(s->text, "{}")) {
            return -1;
        }
        n++;
        p += seglen;
        if (*p == '/') {
            p++;
            if (!*p) {
                return -1;
            }
        }
    }
    return n;
}

/* True if the documented path 'dpath' is served by the registered pattern
 * 'rpattern' (see the file comment). */
static bool
path_served_by(const char *dpath, const char *rpattern)
{
    struct seg d[MAX_SEGS], r[MAX_SEGS];
    int nd = split_path(dpath, d);
    int nr = split_path(rpattern, r);
    bool d_tail = !strcmp(dpath, APP_ROUTES);

    if (nd < 0 || nr < 0) {
        return false;
    }
    for (int i = 0;; i++) {
        if (i < nr && r[i].kind == SEG_TAIL) {
            return i < nd;
        }
        if (d_tail && i == nd - 1) {
            return i < nr;
        }
        if (i == nd || i == nr) {
            return nd == nr;
        }
        /* The generic entry's {app} stands for any app's name. */
        if (r[i].kind == SEG_LITERAL &&
            !(d_tail && d[i].kind != SEG_LITERAL) &&
            (d[i].kind != SEG_LITERAL || strcmp(d[i].text, r[i].text))) {
            return false;
        }
    }
}

/* ---- the route table of the real registration code ---- */

struct route {
    unsigned methods;
    char *pattern;
    char *owner;
};

static struct event_base *base;
static struct sl_controller ctl;
static bool ctl_inited;
static struct rest_server *server;
static struct rest_ryu *ryu;
static struct rest_native *native;
static struct rest_topology *topology;
static struct route *routes;
static size_t n_routes;

static void
collect_route(unsigned route_methods, const char *pattern, const char *owner,
              void *aux)
{
    struct route *r;

    (void) aux;
    routes = realloc(routes, (n_routes + 1) * sizeof *routes);
    ck_assert_ptr_nonnull(routes);
    r = &routes[n_routes++];
    r->methods = route_methods;
    r->pattern = strdup(pattern);
    r->owner = owner ? strdup(owner) : NULL;
    ck_assert_ptr_nonnull(r->pattern);
}

static void
routes_setup(void)
{
    static const char bare[] =
        "openflow:\n  listen: []\nlog:\n  level: warn\napps: []\n";
    struct rest_server_config scfg;
    struct sl_config cfg;
    char err[512] = "";
    int error = 0;

    doc_setup();
    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    ck_assert_msg(!sl_config_load_string(bare, strlen(bare), "bare", &cfg, err,
                                         sizeof err),
                  "%s", err);
    ck_assert_uint_eq(cfg.n_listeners, 0);
    ck_assert_uint_eq(cfg.n_apps, 0);
    ck_assert_msg(
        !sl_controller_init(&ctl, base, &cfg, NULL, NULL, err, sizeof err),
        "%s", err);
    ctl_inited = true;

    memset(&scfg, 0, sizeof scfg);
    scfg.address = "127.0.0.1";
    scfg.port = 0;
    rest_server_limits_default(&scfg.limits);
    server = rest_server_create(base, &scfg, err, sizeof err);
    ck_assert_msg(server != NULL, "%s", err);
    ryu = rest_ryu_create(server, &ctl, &error);
    ck_assert_msg(ryu != NULL, "rest_ryu_create: %s", strerror(error));
    native = rest_native_create(server, &ctl, &error);
    ck_assert_msg(native != NULL, "rest_native_create: %s", strerror(error));
    topology = rest_topology_create(server, &ctl, &error);
    ck_assert_msg(topology != NULL, "rest_topology_create: %s",
                  strerror(error));
    rest_route_foreach(server, collect_route, NULL);
}

static void
routes_teardown(void)
{
    rest_server_destroy(server);
    rest_ryu_destroy(ryu);
    rest_native_destroy(native);
    rest_topology_destroy(topology);
    topology = NULL;
    server = NULL;
    ryu = NULL;
    native = NULL;
    if (ctl_inited) {
        sl_controller_uninit(&ctl);
        ctl_inited = false;
    }
    if (base) {
        event_base_free(base);
        base = NULL;
    }
    for (size_t i = 0; i < n_routes; i++) {
        free(routes[i].pattern);
        free(routes[i].owner);
    }
    free(routes);
    routes = NULL;
    n_routes = 0;
    doc_teardown();
}

/* ---- the document's form ---- */

START_TEST(document_is_openapi_3_0_3)
{
    yaml_node_t *root = doc_root();
    yaml_node_t *info = map_get(root, "info");
    yaml_node_t *error = resolve(pointer_get("#/components/schemas/Error"));
    yaml_node_t *props = map_get(error, "properties");
    yaml_node_t *bearer =
        pointer_get("#/components/securitySchemes/bearerAuth");

    ck_assert_msg(scalar_is(map_get(root, "openapi"), "3.0.3"),
                  "openapi is not \"3.0.3\"");
    ck_assert_msg(scalar(map_get(info, "title")) != NULL, "no info.title");
    ck_assert_msg(scalar(map_get(info, "version")) != NULL, "no info.version");
    (void) doc_paths();
    ck_assert_msg(props != NULL, "no schema Error with properties");
    ck_assert_msg(map_get(props, "error") && map_get(props, "detail"),
                  "schema Error lacks \"error\" or \"detail\"");
    ck_assert_msg(scalar_is(map_get(bearer, "type"), "http") &&
                      scalar_is(map_get(bearer, "scheme"), "bearer"),
                  "no http bearer security scheme \"bearerAuth\"");
}
END_TEST

/* Checks every "$ref" under 'node' ('where' names it for the report). */
static void
check_refs(yaml_node_t *node, const char *where, int depth, struct report *r)
{
    if (!node || depth > 64) {
        return;
    }
    for (yaml_node_pair_t *p_end, *p = pairs(node, &p_end); p != p_end; p++) {
        const char *key = scalar(node_at(p->key));
        yaml_node_t *value = node_at(p->value);
        char sub[400];

        if (key && !strcmp(key, "$ref")) {
            const char *ref = scalar(value);
            if (!ref || !pointer_get(ref)) {
                report_add(r, "%s: $ref %s does not resolve", where,
                           ref ? ref : "(not a string)");
            }
            continue;
        }
        snprintf(sub, sizeof sub, "%s/%s", where, key ? key : "?");
        check_refs(value, sub, depth + 1, r);
    }
    for (yaml_node_item_t *it_end, *it = items(node, &it_end); it != it_end;
         it++) {
        char sub[400];
        snprintf(sub, sizeof sub, "%s/%ld", where,
                 (long) (it - node->data.sequence.items.start));
        check_refs(node_at(*it), sub, depth + 1, r);
    }
}

START_TEST(every_ref_resolves)
{
    struct report r = {.len = 0};

    check_refs(doc_root(), "#", 0, &r);
    REPORT_CHECK(&r, "unresolved references");
}
END_TEST

/* Adds the path parameters declared in 'params' (a sequence) to 'names'
 * (up to MAX_SEGS; a name declared again replaces nothing).  Reports
 * malformed ones. */
static void
declared_params(yaml_node_t *params, const char *where, char names[][128],
                int *n, struct report *r)
{
    for (yaml_node_item_t *it_end, *it = items(params, &it_end); it != it_end;
         it++) {
        yaml_node_t *param = resolve(node_at(*it));
        const char *name = scalar(map_get(param, "name"));
        const char *in = scalar(map_get(param, "in"));

        if (!name || !in) {
            report_add(r, "%s: a parameter without name or in", where);
            continue;
        }
        if (strcmp(in, "path")) {
            continue;
        }
        if (!scalar_is(map_get(param, "required"), "true")) {
            report_add(r, "%s: path parameter %s is not required: true", where,
                       name);
        }
        if (!map_get(param, "schema")) {
            report_add(r, "%s: path parameter %s has no schema", where, name);
        }
        if (*n < MAX_SEGS) {
            snprintf(names[(*n)++], 128, "%s", name);
        }
    }
}

static bool
name_in(const char *name, char names[][128], int n)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(names[i], name)) {
            return true;
        }
    }
    return false;
}

START_TEST(path_parameters_are_declared)
{
    struct report r = {.len = 0};

    for (yaml_node_pair_t *p_end, *p = pairs(doc_paths(), &p_end); p != p_end;
         p++) {
        const char *path = scalar(node_at(p->key));
        yaml_node_t *item = resolve(node_at(p->value));
        struct seg segs[MAX_SEGS];
        int n_segs = path ? split_path(path, segs) : -1;
        char common[MAX_SEGS][128];
        int n_common = 0;

        if (n_segs < 0) {
            report_add(&r, "path %s is not a well-formed template",
                       path ? path : "(not a string)");
            continue;
        }
        declared_params(map_get(item, "parameters"), path, common, &n_common,
                        &r);
        for (yaml_node_pair_t *q_end, *q = pairs(item, &q_end); q != q_end;
             q++) {
            const char *m = scalar(node_at(q->key));
            char names[MAX_SEGS][128];
            char where[400];
            int n = n_common;

            if (!method_of(m)) {
                continue;
            }
            snprintf(where, sizeof where, "%s %s", m, path);
            memcpy(names, common, sizeof names);
            declared_params(map_get(resolve(node_at(q->value)), "parameters"),
                            where, names, &n, &r);
            for (int i = 0; i < n_segs; i++) {
                if (segs[i].kind != SEG_LITERAL &&
                    !name_in(segs[i].text, names, n)) {
                    report_add(&r, "%s: path parameter {%s} not declared",
                               where, segs[i].text);
                }
            }
            for (int i = 0; i < n; i++) {
                bool found = false;
                for (int j = 0; j < n_segs; j++) {
                    found |= segs[j].kind != SEG_LITERAL &&
                             !strcmp(segs[j].text, names[i]);
                }
                if (!found) {
                    report_add(&r,
                               "%s: declared path parameter %s is not "
                               "in the path",
                               where, names[i]);
                }
            }
        }
    }
    REPORT_CHECK(&r, "path parameter problems");
}
END_TEST

/* Calls 'fn' for every operation of the document. */
static void
for_each_operation(void (*fn)(const char *path, const char *method,
                              yaml_node_t *op, struct report *r),
                   struct report *r)
{
    for (yaml_node_pair_t *p_end, *p = pairs(doc_paths(), &p_end); p != p_end;
         p++) {
        const char *path = scalar(node_at(p->key));
        yaml_node_t *item = resolve(node_at(p->value));

        for (yaml_node_pair_t *q_end, *q = pairs(item, &q_end); q != q_end;
             q++) {
            const char *m = scalar(node_at(q->key));
            if (path && method_of(m)) {
                fn(path, m, resolve(node_at(q->value)), r);
            }
        }
    }
}

static char op_ids[256][128];
static int n_op_ids;

static void
check_responses(const char *path, const char *method, yaml_node_t *op,
                struct report *r)
{
    yaml_node_t *responses = map_get(op, "responses");
    const char *id = scalar(map_get(op, "operationId"));

    if (!op || op->type != YAML_MAPPING_NODE) {
        report_add(r, "%s %s: not an operation object", method, path);
        return;
    }
    if (map_size(responses) == 0) {
        report_add(r, "%s %s: no responses", method, path);
    }
    for (yaml_node_pair_t *p_end, *p = pairs(responses, &p_end); p != p_end;
         p++) {
        const char *code = scalar(node_at(p->key));
        yaml_node_t *resp = resolve(node_at(p->value));
        bool ok_code =
            code && (!strcmp(code, "default") ||
                     (strlen(code) == 3 && code[0] >= '1' && code[0] <= '5'));

        if (!ok_code) {
            report_add(r, "%s %s: response key %s is not a status", method,
                       path, code ? code : "?");
        }
        if (!scalar(map_get(resp, "description"))) {
            report_add(r, "%s %s: response %s has no description", method,
                       path, code ? code : "?");
        }
    }
    if (!id) {
        report_add(r, "%s %s: no operationId", method, path);
    } else if (name_in(id, op_ids, n_op_ids)) {
        report_add(r, "%s %s: operationId %s used twice", method, path, id);
    } else if (n_op_ids < 256) {
        snprintf(op_ids[n_op_ids++], sizeof op_ids[0], "%s", id);
    }
}

START_TEST(operations_have_responses)
{
    struct report r = {.len = 0};

    n_op_ids = 0;
    for_each_operation(check_responses, &r);
    REPORT_CHECK(&r, "operation problems");
}
END_TEST

static bool
has_response(yaml_node_t *op, const char *code)
{
    return map_get(map_get(op, "responses"), code) != NULL;
}

/* The error answers every route can give, and those of writes, of bodies
 * and of switches. */
static void
check_error_answers(const char *path, const char *method, yaml_node_t *op,
                    struct report *r)
{
    bool write = strcmp(method, "get") && strcmp(method, "head");
    bool has_dpid = strstr(path, "{dpid}") != NULL;
    bool is_ryu = !strncmp(path, "/stats/", 7);
    /* Ryu's reads with a filter body are POSTs, but nothing is written. */
    bool ryu_read = !strncmp(path, "/stats/flow/", 12) ||
                    !strncmp(path, "/stats/aggregateflow/", 21);
    const char *need[8];
    int n = 0;

    need[n++] = "405";
    need[n++] = "503";
    if (write) {
        need[n++] = "400";
        need[n++] = "401";
    }
    if (map_get(op, "requestBody")) {
        need[n++] = "413";
    }
    if (has_dpid || (is_ryu && write)) {
        need[n++] = "404";
    }
    if (is_ryu && strcmp(path, "/stats/switches")) {
        need[n++] = "504";
    }
    for (int i = 0; i < n; i++) {
        if (!has_response(op, need[i])) {
            report_add(r, "%s %s: no %s response", method, path, need[i]);
        }
    }
    if (write) {
        bool bearer = false;
        for (yaml_node_item_t *it_end,
             *it = items(map_get(op, "security"), &it_end);
             it != it_end; it++) {
            bearer |= map_get(node_at(*it), "bearerAuth") != NULL;
        }
        if (!bearer) {
            report_add(r, "%s %s: a write without bearerAuth security", method,
                       path);
        }
    }
    if (is_ryu && write && !ryu_read) {
        /* The OFPT_ERROR answer: err_type, code and name. */
        yaml_node_t *resp = resolve(map_get(map_get(op, "responses"), "400"));
        yaml_node_t *schema = resolve(map_get(
            map_get(map_get(resp, "content"), "application/json"), "schema"));
        bool err_type = false, code = false, name = false;

        for (yaml_node_item_t *it_end,
             *it = items(map_get(schema, "allOf"), &it_end);
             it != it_end; it++) {
            yaml_node_t *props = map_get(resolve(node_at(*it)), "properties");
            err_type |= map_get(props, "err_type") != NULL;
            code |= map_get(props, "code") != NULL;
            name |= map_get(props, "name") != NULL;
        }
        if (!err_type || !code || !name) {
            report_add(r,
                       "%s %s: its 400 does not describe the OFPT_ERROR "
                       "(err_type, code, name)",
                       method, path);
        }
    }
}

START_TEST(error_answers_are_described)
{
    struct report r = {.len = 0};

    for_each_operation(check_error_answers, &r);
    REPORT_CHECK(&r, "missing error answers");
}
END_TEST

/* ---- coverage ---- */

/* True if the document describes 'method' (one bit) on a path that
 * registered pattern 'pattern' serves. */
static bool
documented(const char *pattern, unsigned method)
{
    for (yaml_node_pair_t *p_end, *p = pairs(doc_paths(), &p_end); p != p_end;
         p++) {
        const char *path = scalar(node_at(p->key));
        unsigned mask = item_methods(node_at(p->value));

        if (method == REST_HEAD && (mask & REST_GET)) {
            mask |= REST_HEAD;
        }
        if (path && (mask & method) && path_served_by(path, pattern)) {
            return true;
        }
    }
    return false;
}

START_TEST(registered_routes_are_documented)
{
    struct report r = {.len = 0};

    ck_assert_msg(n_routes > 0, "no route registered at all");
    for (size_t i = 0; i < n_routes; i++) {
        unsigned mask = routes[i].methods;

        if (mask & REST_GET) {
            mask &= ~(unsigned) REST_HEAD;
        }
        for (unsigned m = 1; m <= REST_HEAD; m <<= 1) {
            if ((mask & m) && !documented(routes[i].pattern, m)) {
                report_add(&r,
                           "%s %s (owner %s) is registered but not in "
                           "rest/openapi.yaml",
                           method_name(m), routes[i].pattern,
                           routes[i].owner ? routes[i].owner : "core");
            }
        }
    }
    printf("# %zu routes registered\n", n_routes);
    fflush(stdout);
    REPORT_CHECK(&r, "undocumented routes");
}
END_TEST

/* True if some registered route serves 'method' on documented 'path'. */
static bool
registered(const char *path, unsigned method)
{
    for (size_t i = 0; i < n_routes; i++) {
        unsigned mask = routes[i].methods;

        if (mask & REST_GET) {
            mask |= REST_HEAD;
        }
        if ((mask & method) && path_served_by(path, routes[i].pattern)) {
            return true;
        }
    }
    return false;
}

START_TEST(documented_routes_are_registered)
{
    struct report r = {.len = 0};
    unsigned n_ops = 0;

    for (yaml_node_pair_t *p_end, *p = pairs(doc_paths(), &p_end); p != p_end;
         p++) {
        const char *path = scalar(node_at(p->key));

        for (yaml_node_pair_t *q_end,
             *q = pairs(resolve(node_at(p->value)), &q_end);
             q != q_end; q++) {
            const char *name = scalar(node_at(q->key));
            unsigned m = method_of(name);

            if (!m || !path) {
                continue;
            }
            n_ops++;
            if (!strcmp(path, APP_ROUTES)) {
                continue;
            }
            if (m == M_OTHER) {
                report_add(&r,
                           "%s %s is documented but the server has no "
                           "such method",
                           name, path);
            } else if (!registered(path, m)) {
                report_add(&r,
                           "%s %s is in rest/openapi.yaml but not "
                           "registered",
                           method_name(m), path);
            }
        }
    }
    printf("# %u operations documented\n", n_ops);
    fflush(stdout);
    REPORT_CHECK(&r, "documented routes not registered");
}
END_TEST

/* The matching rule itself, so a lax rule cannot hide misses. */
START_TEST(path_matching_rule)
{
    ck_assert(path_served_by("/stats/flow/{dpid}", "/stats/flow/{dpid}"));
    ck_assert(path_served_by("/stats/flow/{dpid}", "/stats/flow/{id}"));
    ck_assert(
        path_served_by("/stats/flowentry/add", "/stats/flowentry/{cmd}"));
    ck_assert(
        !path_served_by("/stats/flowentry/{cmd}", "/stats/flowentry/add"));
    ck_assert(!path_served_by("/stats/flow/{dpid}", "/stats/flow"));
    ck_assert(!path_served_by("/stats/flow", "/stats/flow/{dpid}"));
    ck_assert(!path_served_by("/stats/flow/{dpid}", "/stats/desc/{dpid}"));
    ck_assert(path_served_by(APP_ROUTES, "/api/v1/apps/{app}/{rest...}"));
    ck_assert(path_served_by(APP_ROUTES, "/api/v1/apps/hub/a/b/{c}"));
    ck_assert(!path_served_by(APP_ROUTES, "/api/v1/apps"));
    ck_assert(!path_served_by(APP_ROUTES, "/api/v1/apps/{app}"));
    ck_assert(path_served_by("/a/b/c", "/a/{x...}"));
    ck_assert(!path_served_by("/a", "/a/{x...}"));
}
END_TEST

static Suite *
openapi_suite(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc;

    tc = tcase_create("document");
    tcase_add_checked_fixture(tc, doc_setup, doc_teardown);
    tcase_add_test(tc, document_is_openapi_3_0_3);
    tcase_add_test(tc, every_ref_resolves);
    tcase_add_test(tc, path_parameters_are_declared);
    tcase_add_test(tc, operations_have_responses);
    tcase_add_test(tc, error_answers_are_described);
    tcase_add_test(tc, path_matching_rule);
    suite_add_tcase(s, tc);

    tc = tcase_create("coverage");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, routes_setup, routes_teardown);
    tcase_add_test(tc, registered_routes_are_documented);
    tcase_add_test(tc, documented_routes_are_registered);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(openapi_suite());
}
