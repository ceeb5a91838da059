/* sluicectl-spec: flow SPECs into Ryu ofctl_rest bodies (see
 * sluicectl-spec.h).
 *
 * The parser walks the SPEC token by token, building the body, and notes
 * where each part of the body came from ("match.eth_dst" from token
 * "eth_dst=zz", "actions[1]" from "output:x").  The controller's own parser
 * then checks the body; its errors name a path in the body, which the
 * notes turn back into the user's token. */
#include <config.h>
#include "tools/sluicectl-spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-json.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/openflow13.h"

/* ovs-ofctl's default priority (OFP_DEFAULT_PRIORITY). */
#define DEFAULT_PRIORITY 0x8000

/* Parts of a body we can name the token of (the rest are not named). */
#define MAX_ORIGINS 128

/* Where one part of the body came from. */
struct origin {
    char path[64];   /* "match.eth_dst", "actions[2]", "priority" */
    char token[128]; /* as the user wrote it: "eth_dst=zz" */
};

struct parser {
    enum ctl_spec_kind kind;
    json_t *body;
    json_t *match;
    json_t *actions; /* NULL until "actions=" */
    struct origin origins[MAX_ORIGINS];
    size_t n_origins;
    char *err;
    size_t errlen;
};

static bool fail(struct parser *p, const char *token, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the error "'token': message" (or "message" for a NULL 'token').
 * Returns false. */
static bool
fail(struct parser *p, const char *token, const char *fmt, ...)
{
    char msg[256];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (token) {
        snprintf(p->err, p->errlen, "'%s': %s", token, msg);
    } else {
        snprintf(p->err, p->errlen, "%s", msg);
    }
    return false;
}

static void note_origin(struct parser *p, const char *token, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

/* Notes that the body's part at path 'fmt' came from 'token'. */
static void
note_origin(struct parser *p, const char *token, const char *fmt, ...)
{
    va_list args;

    if (p->n_origins >= MAX_ORIGINS) {
        return;
    }
    struct origin *o = &p->origins[p->n_origins++];
    va_start(args, fmt);
    vsnprintf(o->path, sizeof o->path, fmt, args);
    va_end(args);
    snprintf(o->token, sizeof o->token, "%s", token);
}

/* Returns the token the body's part named at the start of 'msg' (an error
 * of the checker, "match.eth_dst: ...") came from, or NULL. */
static const char *
find_origin(const struct parser *p, const char *msg)
{
    const char *best = NULL;
    size_t best_len = 0;

    for (size_t i = 0; i < p->n_origins; i++) {
        const struct origin *o = &p->origins[i];
        size_t len = strlen(o->path);
        char next = msg[len];
        if (len > best_len && !strncmp(msg, o->path, len) &&
            (next == ':' || next == '.' || next == '[' || next == '\0')) {
            best = o->token;
            best_len = len;
        }
    }
    return best;
}

/* Parses 'text' (decimal or 0x hex, nothing else) into '*v'. */
static bool
parse_u64(const char *text, uint64_t *v)
{
    int base = 10;
    char *end;

    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
    }
    if (!isxdigit((unsigned char) text[0]) ||
        (base == 10 && !isdigit((unsigned char) text[0]))) {
        return false;
    }
    errno = 0;
    unsigned long long x = strtoull(text, &end, base);
    if (errno || *end) {
        return false;
    }
    *v = x;
    return true;
}

/* Parses the integer 'text' of 'token' within 'min'..'max' into '*v'. */
static bool
parse_number(struct parser *p, const char *token, const char *text,
             uint64_t min, uint64_t max, uint64_t *v)
{
    if (!parse_u64(text, v)) {
        return fail(p, token, "'%s' is not a number", text);
    }
    if (*v < min || *v > max) {
        return fail(p, token, "%s is out of range (%llu..%llu)", text,
                    (unsigned long long) min, (unsigned long long) max);
    }
    return true;
}

static bool
is_all_digits(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char) *s)) {
            return false;
        }
    }
    return true;
}

/* Ryu's OpenFlow 1.0 names for match fields, which its to_match() takes. */
static bool
is_ryu_alias(const char *name)
{
    static const char *const aliases[] = {
        "dl_src", "dl_dst",   "dl_type", "dl_vlan", "nw_src",
        "nw_dst", "nw_proto", "tp_src",  "tp_dst",
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (!strcmp(name, aliases[i])) {
            return true;
        }
    }
    return false;
}

/* A match value as Ryu's to_match() should see it: all-decimal text is an
 * integer, anything else the string as typed. */
static json_t *
match_value(const char *text)
{
    uint64_t v;

    if (is_all_digits(text) && parse_u64(text, &v)) {
        return ofp_json_u64(v);
    }
    return json_string(text);
}

/* A set-field value: Ryu's OFPActionSetField takes it as is, so numbers
 * (decimal or 0x hex) must be integers. */
static json_t *
set_field_value(const char *text)
{
    uint64_t v;

    if (parse_u64(text, &v)) {
        return ofp_json_u64(v);
    }
    return json_string(text);
}

/* ---- actions ---- */

/* Parses the port of "output:PORT". */
static bool
parse_port(struct parser *p, const char *token, const char *arg,
           uint64_t *port)
{
    static const struct {
        const char *name;
        uint32_t port;
    } names[] = {
        {"controller", OFPP_CONTROLLER}, {"in_port", OFPP_IN_PORT},
        {"flood", OFPP_FLOOD},           {"all", OFPP_ALL},
        {"normal", OFPP_NORMAL},         {"local", OFPP_LOCAL},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcasecmp(arg, names[i].name)) {
            *port = names[i].port;
            return true;
        }
    }
    if (!parse_u64(arg, port)) {
        return fail(p, token,
                    "'%s' is not a port (a number, or controller, "
                    "in_port, flood, all, normal, local)",
                    arg);
    }
    if (*port > OFPP_MAX) {
        return fail(p, token, "port %s is out of range (0..%u)", arg,
                    (unsigned) OFPP_MAX);
    }
    return true;
}

/* Parses "set_field:VALUE->FIELD" into '*action'. */
static bool
parse_set_field(struct parser *p, const char *token, const char *arg,
                json_t **action)
{
    const char *arrow = NULL;
    for (const char *s = strstr(arg, "->"); s; s = strstr(s + 1, "->")) {
        arrow = s;
    }
    if (!arrow || arrow == arg || !arrow[2]) {
        return fail(p, token, "expected set_field:VALUE->FIELD");
    }
    const char *field = arrow + 2;
    if (!ofp_oxm_field_by_name(field)) {
        return fail(p, token, "unknown field '%s'", field);
    }
    char *value = strndup(arg, (size_t) (arrow - arg));
    if (!value) {
        abort();
    }
    *action = json_pack("{s:s, s:s, s:o}", "type", "SET_FIELD", "field", field,
                        "value", set_field_value(value));
    free(value);
    return true;
}

/* Parses "write_metadata:V[/M]" into '*action'. */
static bool
parse_write_metadata(struct parser *p, const char *token, const char *arg,
                     json_t **action)
{
    char value[64];
    const char *slash = strchr(arg, '/');
    size_t len = slash ? (size_t) (slash - arg) : strlen(arg);
    uint64_t v, m;

    snprintf(value, sizeof value, "%.*s", (int) len, arg);
    if (!parse_number(p, token, value, 0, UINT64_MAX, &v)) {
        return false;
    }
    *action = json_pack("{s:s, s:o}", "type", "WRITE_METADATA", "metadata",
                        ofp_json_u64(v));
    if (slash) {
        if (!parse_number(p, token, slash + 1, 0, UINT64_MAX, &m)) {
            json_decref(*action);
            *action = NULL;
            return false;
        }
        json_object_set_new(*action, "metadata_mask", ofp_json_u64(m));
    }
    return true;
}

/* An action with one numeric parameter: "goto_table:N" and the like. */
struct numeric_action {
    const char *name; /* in a SPEC */
    const char *type; /* in Ryu's JSON */
    const char *key;  /* of the parameter */
    uint64_t min, max;
};

static const struct numeric_action numeric_actions[] = {
    {"goto_table", "GOTO_TABLE", "table_id", 0, OFPTT_MAX},
    {"push_vlan", "PUSH_VLAN", "ethertype", 0, 0xffff},
    {"group", "GROUP", "group_id", 0, OFPG_MAX},
    {"meter", "METER", "meter_id", 1, OFPM_MAX},
};

/* Parses one action 'token' ("output:2") into '*action' (NULL for
 * "drop"). */
static bool
parse_action(struct parser *p, char *token, json_t **action)
{
    char *colon = strchr(token, ':');
    const char *arg = colon ? colon + 1 : NULL;
    char name[32];

    snprintf(name, sizeof name, "%.*s",
             (int) (colon ? (size_t) (colon - token) : strlen(token)), token);
    *action = NULL;
    if (!strcasecmp(name, "drop") || !strcasecmp(name, "pop_vlan")) {
        if (arg) {
            return fail(p, token, "%s takes no argument", name);
        }
        if (!strcasecmp(name, "pop_vlan")) {
            *action = json_pack("{s:s}", "type", "POP_VLAN");
        }
        return true;
    }
    if (!arg || !*arg) {
        return fail(p, token, "%s needs an argument (%s:...)", name, name);
    }
    if (!strcasecmp(name, "output")) {
        uint64_t port;
        if (!parse_port(p, token, arg, &port)) {
            return false;
        }
        *action = json_pack("{s:s, s:I}", "type", "OUTPUT", "port",
                            (json_int_t) port);
        return true;
    }
    if (!strcasecmp(name, "set_field")) {
        return parse_set_field(p, token, arg, action);
    }
    if (!strcasecmp(name, "write_metadata")) {
        return parse_write_metadata(p, token, arg, action);
    }
    for (size_t i = 0; i < sizeof numeric_actions / sizeof *numeric_actions;
         i++) {
        const struct numeric_action *na = &numeric_actions[i];
        uint64_t v;
        if (strcasecmp(name, na->name)) {
            continue;
        }
        if (!parse_number(p, token, arg, na->min, na->max, &v)) {
            return false;
        }
        *action =
            json_pack("{s:s, s:I}", "type", na->type, na->key, (json_int_t) v);
        return true;
    }
    return fail(p, token, "unknown action '%s'", name);
}

/* Removes blanks around 's' in place; returns its start. */
static char *
trim(char *s)
{
    while (isspace((unsigned char) *s)) {
        s++;
    }
    size_t len = strlen(s);
    while (len && isspace((unsigned char) s[len - 1])) {
        s[--len] = '\0';
    }
    return s;
}

/* Parses the list after "actions=" (in place). */
static bool
parse_actions(struct parser *p, char *list)
{
    size_t n = 0;
    bool drop = false;

    p->actions = json_array();
    if (!*trim(list)) {
        return fail(p, NULL,
                    "'actions=' lists no action (use actions=drop "
                    "for none)");
    }
    for (char *s = list; s; n++) {
        char *comma = strchr(s, ',');
        if (comma) {
            *comma = '\0';
        }
        char *token = trim(s);
        json_t *action;
        if (!*token) {
            return fail(p, NULL,
                        "empty action in actions= (two commas in a "
                        "row, or one at an end)");
        }
        if (!parse_action(p, token, &action)) {
            return false;
        }
        drop = drop || !action;
        if (action) {
            note_origin(p, token, "actions[%zu]", json_array_size(p->actions));
            json_array_append_new(p->actions, action);
        }
        s = comma ? comma + 1 : NULL;
    }
    if (drop && n > 1) {
        return fail(p, NULL, "'drop' must be the only action");
    }
    return true;
}

/* ---- key=value tokens ---- */

/* A flow's own field: "priority=N" and the like. */
struct flow_field {
    const char *name; /* in a SPEC */
    const char *key;  /* in Ryu's JSON */
    uint64_t max;
    bool add_only;
};

static const struct flow_field flow_fields[] = {
    {"table", "table_id", OFPTT_ALL, false},
    {"priority", "priority", 0xffff, true},
    {"idle_timeout", "idle_timeout", 0xffff, true},
    {"hard_timeout", "hard_timeout", 0xffff, true},
    {"cookie", "cookie", UINT64_MAX, true},
};

static const struct flow_field *
flow_field_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof flow_fields / sizeof flow_fields[0]; i++) {
        if (!strcmp(name, flow_fields[i].name)) {
            return &flow_fields[i];
        }
    }
    return NULL;
}

/* Sets the flow's own field 'ff' from 'value' of token 'shown'. */
static bool
set_flow_field(struct parser *p, const struct flow_field *ff,
               const char *shown, const char *value)
{
    uint64_t max = ff->max;
    uint64_t v;

    if (ff->add_only && p->kind == CTL_SPEC_DELETE) {
        return fail(p, shown, "del-flows takes only table= and match fields");
    }
    if (!strcmp(ff->key, "table_id") && p->kind == CTL_SPEC_ADD) {
        max = OFPTT_MAX; /* ALL (255) only selects, in a delete. */
    }
    if (json_object_get(p->body, ff->key)) {
        return fail(p, shown, "%s is given twice", ff->name);
    }
    if (!parse_number(p, shown, value, 0, max, &v)) {
        return false;
    }
    note_origin(p, shown, "%s", ff->key);
    json_object_set_new(p->body, ff->key, ofp_json_u64(v));
    return true;
}

/* Sets match field 'key' from 'value' of token 'shown'. */
static bool
set_match_field(struct parser *p, const char *key, const char *shown,
                const char *value)
{
    if (!ofp_oxm_field_by_name(key) && !is_ryu_alias(key)) {
        return fail(p, shown, "unknown field '%s'", key);
    }
    if (json_object_get(p->match, key)) {
        return fail(p, shown, "%s is given twice", key);
    }
    note_origin(p, shown, "match.%s", key);
    json_object_set_new(p->match, key, match_value(value));
    return true;
}

/* Parses one "key=value" 'token' (in place: the '=' is cut). */
static bool
parse_token(struct parser *p, char *token)
{
    char shown[128]; /* The token as written, for messages. */
    char *eq = strchr(token, '=');

    snprintf(shown, sizeof shown, "%s", token);
    if (!eq || eq == token) {
        return fail(p, shown, "expected KEY=VALUE");
    }
    *eq = '\0';
    const char *key = trim(token);
    const char *value = trim(eq + 1);
    if (!*value) {
        return fail(p, shown, "no value");
    }

    const struct flow_field *ff = flow_field_by_name(key);
    return ff ? set_flow_field(p, ff, shown, value)
              : set_match_field(p, key, shown, value);
}

/* ---- the whole SPEC ---- */

/* Checks the body with the controller's parser and the match with the
 * specification's rules. */
static bool
check_body(struct parser *p)
{
    uint8_t command = p->kind == CTL_SPEC_ADD ? OFPFC_ADD : OFPFC_DELETE;
    struct ofp_arena arena;
    struct ofp_msg msg;
    char why[256];

    ofp_arena_init(&arena);
    int error = ofp_json_parse_flow_mod(p->body, command, &msg, &arena, why,
                                        sizeof why);
    enum ofperr match_error = error ? 0 : ofp_match_check(&msg.flow_mod.match);
    ofp_arena_uninit(&arena);

    if (error == ENOMEM) {
        return fail(p, NULL, "out of memory");
    }
    if (error) {
        return fail(p, find_origin(p, why), "%s", why);
    }
    if (match_error == OFPERR_OFPBMC_BAD_PREREQ) {
        return fail(p, NULL,
                    "a match field lacks its prerequisites "
                    "(tcp_dst=80 needs ip_proto=6 and eth_type=0x0800)");
    }
    if (match_error) {
        return fail(p, NULL, "the match breaks OpenFlow's rules (%s)",
                    ofperr_name(match_error));
    }
    return true;
}

/* If 's' starts with "actions=" (blanks allowed before the '='), returns
 * what follows the '=', else NULL. */
static char *
actions_list(char *s)
{
    if (strncmp(s, "actions", 7)) {
        return NULL;
    }
    s += 7;
    while (isspace((unsigned char) *s)) {
        s++;
    }
    return *s == '=' ? s + 1 : NULL;
}

/* Builds the body from the SPEC text 'buf' (modified in place). */
static bool
parse_spec(struct parser *p, char *buf)
{
    char *s = trim(buf);

    while (*s) {
        char *list = actions_list(s);
        if (list) {
            if (p->kind == CTL_SPEC_DELETE) {
                return fail(p, NULL, "del-flows takes no actions=");
            }
            if (!parse_actions(p, list)) {
                return false;
            }
            break;
        }
        char *comma = strchr(s, ',');
        if (comma) {
            *comma = '\0';
        }
        char *token = trim(s);
        if (!*token) {
            return fail(p, NULL,
                        "empty token (two commas in a row, or one "
                        "at an end)");
        }
        if (!parse_token(p, token)) {
            return false;
        }
        if (!comma) {
            break;
        }
        s = trim(comma + 1);
        if (!*s) {
            return fail(p, NULL,
                        "empty token (two commas in a row, or one "
                        "at an end)");
        }
    }
    if (p->kind == CTL_SPEC_ADD && !p->actions) {
        return fail(p, NULL,
                    "add-flow needs actions=... at the end (use "
                    "actions=drop for none)");
    }
    return true;
}

json_t *
ctl_spec_parse(const char *spec, enum ctl_spec_kind kind, uint64_t dpid,
               char *err, size_t errlen)
{
    struct parser p = {
        .kind = kind,
        .body = json_object(),
        .match = json_object(),
        .err = err,
        .errlen = errlen,
    };
    char *buf = strdup(spec);

    if (!buf || !p.body || !p.match) {
        abort();
    }
    bool ok = parse_spec(&p, buf);
    if (ok) {
        json_t *body = json_object();
        json_t *table = json_object_get(p.body, "table_id");
        json_object_set_new(body, "dpid", ofp_json_u64(dpid));
        json_object_set_new(
            body, "table_id",
            table ? json_incref(table)
                  : json_integer(kind == CTL_SPEC_ADD ? 0 : OFPTT_ALL));
        if (kind == CTL_SPEC_ADD && !json_object_get(p.body, "priority")) {
            json_object_set_new(body, "priority",
                                json_integer(DEFAULT_PRIORITY));
        }
        json_object_update_missing(body, p.body);
        json_object_set(body, "match", p.match);
        if (p.actions) {
            json_object_set(body, "actions", p.actions);
        }
        json_decref(p.body);
        p.body = body;
        ok = check_body(&p);
    }
    json_decref(p.match);
    json_decref(p.actions);
    free(buf);
    if (!ok) {
        json_decref(p.body);
        return NULL;
    }
    return p.body;
}
