/* sluicectl: the command line of Sluice's REST API.
 *
 *   sluicectl [OPTIONS] COMMAND [ARGS]
 *
 * Each command is one or two requests to the API (rest/ryu.c's Ryu-style
 * /stats/..., rest/native.c's /api/v1/..., rest/topology.c's
 * /api/v1/topology and /api/v1/paths) and an answer printed for a
 * human -- an aligned table, flows as ovs-ofctl prints them -- or, with
 * --json, the API's own JSON, pretty-printed, for scripts.  The pieces:
 * sluicectl-http (the evhttp client, TLS), sluicectl-spec (flow SPECs into
 * Ryu bodies), sluicectl-sse (the event stream), sluicectl-show (tables and
 * lines).  This file holds the options and the commands.
 *
 * Exit status: 0 success, 1 the API answered an error (or an answer we
 * cannot read), 2 a usage or SPEC error (nothing was sent), 3 no answer
 * (cannot connect, timeout, TLS failure).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/sluicectl-http.h"
#include "tools/sluicectl-show.h"
#include "tools/sluicectl-spec.h"
#include "tools/sluicectl-sse.h"

enum {
    EXIT_API = 1,
    EXIT_USAGE = 2,
    EXIT_NO_ANSWER = 3,
};

#define DEFAULT_URL "http://127.0.0.1:8080"
#define DEFAULT_TIMEOUT 10.0

static const char *program_name = "sluicectl";

/* What every command works with. */
struct ctl {
    struct ctl_http_config cfg;
    struct ctl_http *http; /* created by the first request */
    bool json;             /* --json */
};

static void
usage(FILE *stream)
{
    fprintf(stream,
            "usage: %s [OPTIONS] COMMAND [ARGS]\n"
            "\n"
            "Commands:\n"
            "  switches               the connected switches\n"
            "  flows DPID             a switch's flows, as ovs-ofctl\n"
            "  ports DPID             a switch's ports and counters\n"
            "  add-flow DPID SPEC     add a flow\n"
            "  del-flows DPID [SPEC]  delete all flows, or SPEC's\n"
            "  links [DPID]           the links LLDP discovered (those\n"
            "                         leaving DPID)\n"
            "  hosts [DPID]           the hosts learned (those on DPID)\n"
            "  path SRC DST [--latency]\n"
            "                         a shortest path; SRC and DST are\n"
            "                         DPIDs or hosts' MAC or IP addresses\n"
            "  topology               the topology's counts\n"
            "  events                 follow the events (until Ctrl-C)\n"
            "  metrics                the Prometheus metrics\n"
            "  health                 the controller's health\n"
            "  get PATH               raw requests: print the answer\n"
            "  post PATH JSON\n"
            "  delete PATH\n"
            "\n"
            "Options, before the command:\n"
            "  --url URL        the API (default $SLUICE_URL, else\n"
            "                   %s)\n"
            "  --token TOKEN    bearer token (default $SLUICE_TOKEN)\n"
            "  --json           print the API's JSON, not tables\n"
            "  --timeout SECS   give up after SECS seconds (default %g)\n"
            "  --insecure       https: do not verify the server's\n"
            "                   certificate (else it must chain to\n"
            "                   $SLUICE_CA, or to the system's CAs)\n"
            "  -h, --help       print this help\n"
            "  --version        print the version\n"
            "\n"
            "DPID: decimal, 0x-hex, or 16 hex digits.\n"
            "SPEC: key=value,... as in 'priority=100,in_port=1,\n"
            "  eth_type=0x0800,ipv4_dst=10.0.0.0/24,actions=output:2':\n"
            "  table, priority (default 32768), idle_timeout,\n"
            "  hard_timeout, cookie, match fields by OXM name, and last\n"
            "  actions=A,A...: output:N|controller|in_port|flood|all|\n"
            "  normal|local, drop, goto_table:N, set_field:VALUE->FIELD,\n"
            "  push_vlan:ETHERTYPE, pop_vlan, group:N, meter:N,\n"
            "  write_metadata:V[/M].  del-flows: table and match fields.\n"
            "\n"
            "Exit status: 0 success, 1 the API answered an error, 2 usage\n"
            "or SPEC error (nothing sent), 3 no answer (connection,\n"
            "timeout, TLS).\n"
            "\n"
            "More: sluicectl(8) ('man sluicectl': every command, SPEC,\n"
            "examples), sluice(8) and sluice.yaml(5) (the daemon, its\n"
            "rest.* keys), the README of the sources (the REST API).\n",
            program_name, DEFAULT_URL, DEFAULT_TIMEOUT);
}

/* ---- arguments ---- */

/* Parses a datapath id: 16 hex digits, 0x-hex, or decimal. */
static bool
parse_dpid(const char *s, uint64_t *dpid)
{
    size_t len = strlen(s);
    int base = 10;
    char *end;

    if (len == 16 && strspn(s, "0123456789abcdefABCDEF") == 16) {
        base = 16;
    } else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s || strspn(s, "0123456789abcdefABCDEF") != strlen(s)) {
            return false;
        }
    } else if (!len || strspn(s, "0123456789") != len) {
        return false;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end) {
        return false;
    }
    *dpid = v;
    return true;
}

/* Parses 'arg' as a DPID into '*dpid'.  Returns 0 or EXIT_USAGE after
 * saying why. */
static int
dpid_arg(const char *arg, uint64_t *dpid)
{
    if (!parse_dpid(arg, dpid)) {
        fprintf(stderr,
                "%s: '%s' is not a datapath id (decimal, 0x-hex, or 16 hex "
                "digits)\n",
                program_name, arg);
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- requests ---- */

/* Prints why a request got an error answer: the API's {"error",
 * "detail"}, else the first line of the body, else the reason phrase. */
static void
report_api_error(const struct ctl_http_response *resp)
{
    json_t *body = json_loadb(resp->body, resp->body_len, 0, NULL);
    const char *error = json_string_value(json_object_get(body, "error"));
    const char *detail = json_string_value(json_object_get(body, "detail"));

    if (error && detail && *detail) {
        fprintf(stderr, "%s: HTTP %d: %s: %s\n", program_name, resp->status,
                error, detail);
    } else if (error) {
        fprintf(stderr, "%s: HTTP %d: %s\n", program_name, resp->status,
                error);
    } else if (resp->body_len) {
        int len = (int) strcspn(resp->body, "\r\n");
        fprintf(stderr, "%s: HTTP %d: %.*s\n", program_name, resp->status,
                len > 200 ? 200 : len, resp->body);
    } else {
        fprintf(stderr, "%s: HTTP %d: %s\n", program_name, resp->status,
                resp->reason);
    }
    json_decref(body);
}

/* Creates the HTTP client on first use.  Returns 0 or an exit status
 * after saying why. */
static int
ctl_connect(struct ctl *ctl)
{
    char err[512];

    if (ctl->http) {
        return 0;
    }
    int error = ctl_http_create(&ctl->cfg, &ctl->http, err, sizeof err);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, err);
        return error == EINVAL ? EXIT_USAGE : EXIT_NO_ANSWER;
    }
    return 0;
}

/* Sends 'method' 'path' with 'body' (NULL: none).  Returns 0 with a 2xx
 * answer in '*resp' (the caller uninits it), or an exit status after
 * saying why ('*resp' is then empty). */
static int
ctl_call(struct ctl *ctl, const char *method, const char *path,
         const char *body, struct ctl_http_response *resp)
{
    char err[512];

    memset(resp, 0, sizeof *resp);
    int status = ctl_connect(ctl);
    if (status) {
        return status;
    }
    int error =
        ctl_http_request(ctl->http, method, path, body, resp, err, sizeof err);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, err);
        return error == EINVAL ? EXIT_USAGE : EXIT_NO_ANSWER;
    }
    if (resp->status < 200 || resp->status > 299) {
        report_api_error(resp);
        ctl_http_response_uninit(resp);
        return EXIT_API;
    }
    return 0;
}

/* GETs 'path' and parses the answer.  Returns 0 with the JSON in
 * '*answer' (the caller's reference), or an exit status after saying
 * why. */
static int
ctl_get_json(struct ctl *ctl, const char *path, json_t **answer)
{
    struct ctl_http_response resp;
    json_error_t error;

    *answer = NULL;
    int status = ctl_call(ctl, "GET", path, NULL, &resp);
    if (status) {
        return status;
    }
    *answer = json_loadb(resp.body, resp.body_len, JSON_DECODE_ANY, &error);
    ctl_http_response_uninit(&resp);
    if (!*answer) {
        fprintf(stderr, "%s: GET %s: the answer is not JSON: %s\n",
                program_name, path, error.text);
        return EXIT_API;
    }
    return 0;
}

/* Says that the answer to GET 'path' lacks what we need ('why'). */
static int
unexpected_answer(const char *path, const char *why)
{
    fprintf(stderr, "%s: GET %s: unexpected answer: %s\n", program_name, path,
            why);
    return EXIT_API;
}

/* Prints 'json' pretty, for --json. */
static void
print_json(const json_t *json)
{
    json_dumpf(json, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
    putchar('\n');
}

/* Prints the body of a raw request's answer: JSON pretty, anything else
 * as it came; nothing for an empty body. */
static void
print_body(const struct ctl_http_response *resp)
{
    json_t *json;

    if (!resp->body_len) {
        return;
    }
    json = json_loadb(resp->body, resp->body_len, JSON_DECODE_ANY, NULL);
    if (json) {
        print_json(json);
        json_decref(json);
    } else {
        fwrite(resp->body, 1, resp->body_len, stdout);
    }
}

/* ---- commands ---- */

static int
cmd_switches(struct ctl *ctl, char *argv[])
{
    static const char path[] = "/api/v1/switches";
    char err[256];
    json_t *answer;

    (void) argv;
    int status = ctl_get_json(ctl, path, &answer);
    if (status) {
        return status;
    }
    if (ctl->json) {
        print_json(answer);
    } else if (ctl_show_switches(stdout, answer, err, sizeof err)) {
        status = unexpected_answer(path, err);
    }
    json_decref(answer);
    return status;
}

static int
cmd_flows(struct ctl *ctl, char *argv[])
{
    char path[64], err[256];
    json_t *answer;
    uint64_t dpid;

    int status = dpid_arg(argv[0], &dpid);
    if (status) {
        return status;
    }
    snprintf(path, sizeof path, "/stats/flow/%" PRIu64, dpid);
    status = ctl_get_json(ctl, path, &answer);
    if (status) {
        return status;
    }
    if (ctl->json) {
        print_json(answer);
    } else if (ctl_show_flows(stdout, answer, dpid, err, sizeof err)) {
        status = unexpected_answer(path, err);
    }
    json_decref(answer);
    return status;
}

/* With --json, prints {"<dpid>": [merged ports]}, the Ryu shape. */
static int
cmd_ports(struct ctl *ctl, char *argv[])
{
    char desc_path[64], stats_path[64], err[256];
    json_t *desc = NULL, *stats = NULL;
    uint64_t dpid;

    int status = dpid_arg(argv[0], &dpid);
    if (status) {
        return status;
    }
    snprintf(desc_path, sizeof desc_path, "/stats/portdesc/%" PRIu64, dpid);
    snprintf(stats_path, sizeof stats_path, "/stats/port/%" PRIu64, dpid);
    status = ctl_get_json(ctl, desc_path, &desc);
    if (!status) {
        status = ctl_get_json(ctl, stats_path, &stats);
    }
    if (!status) {
        json_t *ports =
            ctl_show_ports_merge(desc, stats, dpid, err, sizeof err);
        if (!ports) {
            status = unexpected_answer(desc_path, err);
        } else if (ctl->json) {
            char key[24];
            snprintf(key, sizeof key, "%" PRIu64, dpid);
            json_t *answer = json_pack("{s:o}", key, ports);
            print_json(answer);
            json_decref(answer);
        } else {
            ctl_show_ports(stdout, ports);
            json_decref(ports);
        }
    }
    json_decref(desc);
    json_decref(stats);
    return status;
}

/* links [DPID] and hosts [DPID]: the 'member' list of /api/v1/topology,
 * filtered by switch.  With --json, prints the (filtered) list. */
static int
topology_list(struct ctl *ctl, char *argv[], const char *member)
{
    static const char path[] = "/api/v1/topology";
    uint64_t dpid = 0;
    char err[256];
    json_t *answer;

    int status = argv[0] ? dpid_arg(argv[0], &dpid) : 0;
    if (status) {
        return status;
    }
    status = ctl_get_json(ctl, path, &answer);
    if (status) {
        return status;
    }
    json_t *list = ctl_show_topology_list(answer, member, argv[0] != NULL,
                                          dpid, err, sizeof err);
    if (!list) {
        status = unexpected_answer(path, err);
    } else if (ctl->json) {
        print_json(list);
    } else if (!strcmp(member, "links")) {
        ctl_show_links(stdout, list);
    } else {
        ctl_show_hosts(stdout, list);
    }
    json_decref(list);
    json_decref(answer);
    return status;
}

static int
cmd_links(struct ctl *ctl, char *argv[])
{
    return topology_list(ctl, argv, "links");
}

static int
cmd_hosts(struct ctl *ctl, char *argv[])
{
    return topology_list(ctl, argv, "hosts");
}

/* Checks that 'arg' can be one end of a path in a URL as it is: a DPID, a
 * MAC or an IP address needs nothing else.  Returns 0 or EXIT_USAGE after
 * saying why. */
static int
endpoint_arg(const char *arg)
{
    size_t len = strlen(arg);

    if (!len || len > 64 ||
        strspn(arg, "0123456789abcdefABCDEFxX:.-") != len) {
        fprintf(stderr,
                "%s: '%s' is not a datapath id, a MAC or an IP address\n",
                program_name, arg);
        return EXIT_USAGE;
    }
    return 0;
}

/* path SRC DST [--latency]: the option may come anywhere after "path". */
static int
cmd_path(struct ctl *ctl, char *argv[])
{
    const char *ends[2] = {NULL, NULL};
    bool latency = false;
    size_t n_ends = 0;
    char err[256];

    for (size_t i = 0; argv[i]; i++) {
        if (!strcmp(argv[i], "--latency")) {
            latency = true;
        } else if (n_ends < 2 && argv[i][0] != '-') {
            ends[n_ends++] = argv[i];
        } else {
            fprintf(stderr, "%s: usage: %s path SRC DST [--latency]\n",
                    program_name, program_name);
            return EXIT_USAGE;
        }
    }
    if (n_ends != 2) {
        fprintf(stderr, "%s: usage: %s path SRC DST [--latency]\n",
                program_name, program_name);
        return EXIT_USAGE;
    }
    int status = endpoint_arg(ends[0]);
    if (!status) {
        status = endpoint_arg(ends[1]);
    }
    if (status) {
        return status;
    }

    char *path = NULL;
    json_t *answer;
    if (asprintf(&path, "/api/v1/paths/%s/%s%s", ends[0], ends[1],
                 latency ? "?metric=latency" : "") < 0) {
        fprintf(stderr, "%s: out of memory\n", program_name);
        return EXIT_API;
    }
    status = ctl_get_json(ctl, path, &answer);
    if (!status) {
        if (ctl->json) {
            print_json(answer);
        } else if (ctl_show_path(stdout, answer, err, sizeof err)) {
            status = unexpected_answer(path, err);
        }
        json_decref(answer);
    }
    free(path);
    return status;
}

/* GETs 'path' and prints the object it answers as "key: value" lines
 * (its JSON with --json, or when it is not an object). */
static int
show_object(struct ctl *ctl, const char *path)
{
    json_t *answer;
    int status = ctl_get_json(ctl, path, &answer);

    if (status) {
        return status;
    }
    if (ctl->json || !json_is_object(answer)) {
        print_json(answer);
    } else {
        ctl_show_object(stdout, answer);
    }
    json_decref(answer);
    return 0;
}

static int
cmd_topology(struct ctl *ctl, char *argv[])
{
    (void) argv;
    return show_object(ctl, "/api/v1/topology/summary");
}

/* Parses 'spec' for 'dpid' and POSTs the body to 'path'. */
static int
post_spec(struct ctl *ctl, const char *path, const char *spec,
          enum ctl_spec_kind kind, uint64_t dpid)
{
    struct ctl_http_response resp;
    char err[512];

    json_t *body = ctl_spec_parse(spec, kind, dpid, err, sizeof err);
    if (!body) {
        fprintf(stderr, "%s: bad SPEC: %s\n", program_name, err);
        return EXIT_USAGE;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        fprintf(stderr, "%s: out of memory\n", program_name);
        return EXIT_API;
    }
    int status = ctl_call(ctl, "POST", path, text, &resp);
    free(text);
    if (!status) {
        if (ctl->json) {
            print_body(&resp);
        }
        ctl_http_response_uninit(&resp);
    }
    return status;
}

static int
cmd_add_flow(struct ctl *ctl, char *argv[])
{
    uint64_t dpid;

    int status = dpid_arg(argv[0], &dpid);
    if (status) {
        return status;
    }
    return post_spec(ctl, "/stats/flowentry/add", argv[1], CTL_SPEC_ADD, dpid);
}

static int
cmd_del_flows(struct ctl *ctl, char *argv[])
{
    struct ctl_http_response resp;
    char path[64];
    uint64_t dpid;

    int status = dpid_arg(argv[0], &dpid);
    if (status) {
        return status;
    }
    if (argv[1]) {
        return post_spec(ctl, "/stats/flowentry/delete", argv[1],
                         CTL_SPEC_DELETE, dpid);
    }
    snprintf(path, sizeof path, "/stats/flowentry/clear/%" PRIu64, dpid);
    status = ctl_call(ctl, "DELETE", path, NULL, &resp);
    if (!status) {
        if (ctl->json) {
            print_body(&resp);
        }
        ctl_http_response_uninit(&resp);
    }
    return status;
}

/* The event command's state. */
struct events {
    struct ctl_sse sse;
    bool json;
    bool output_failed;
};

/* Prints one event: a line of ctl_show_event(), or its data as one line
 * of JSON. */
static bool
on_event(const char *type, const char *data, void *events_)
{
    struct events *events = events_;

    if (events->json) {
        json_t *json = json_loads(data, JSON_DECODE_ANY, NULL);
        if (json) {
            json_dumpf(json, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
            putchar('\n');
            json_decref(json);
        } else {
            puts(data);
        }
    } else {
        ctl_show_event(stdout, type, data);
    }
    if (fflush(stdout) == EOF) {
        events->output_failed = true;
        return false;
    }
    return true;
}

static bool
on_stream_data(const char *data, size_t len, void *events_)
{
    struct events *events = events_;

    return ctl_sse_feed(&events->sse, data, len);
}

static int
cmd_events(struct ctl *ctl, char *argv[])
{
    struct ctl_http_response resp;
    struct events events = {.json = ctl->json};
    bool interrupted;
    char err[512];

    (void) argv;
    int status = ctl_connect(ctl);
    if (status) {
        return status;
    }
    ctl_sse_init(&events.sse, on_event, &events);
    int error = ctl_http_stream(ctl->http, "/api/v1/events", on_stream_data,
                                &events, &resp, &interrupted, err, sizeof err);
    ctl_sse_uninit(&events.sse);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, err);
        status = EXIT_NO_ANSWER;
    } else if (events.output_failed) {
        status = EXIT_API;
    } else if (!interrupted && resp.status &&
               (resp.status < 200 || resp.status > 299)) {
        report_api_error(&resp);
        status = EXIT_API;
    }
    ctl_http_response_uninit(&resp);
    return status;
}

static int
cmd_metrics(struct ctl *ctl, char *argv[])
{
    struct ctl_http_response resp;

    (void) argv;
    int status = ctl_call(ctl, "GET", "/metrics", NULL, &resp);
    if (!status) {
        fwrite(resp.body, 1, resp.body_len, stdout);
        ctl_http_response_uninit(&resp);
    }
    return status;
}

static int
cmd_health(struct ctl *ctl, char *argv[])
{
    (void) argv;
    return show_object(ctl, "/api/v1/health");
}

/* get, post and delete: 'argv[0]' is the path, 'argv[1]' a body. */
static int
raw_request(struct ctl *ctl, const char *method, char *argv[])
{
    struct ctl_http_response resp;
    json_error_t error;

    if (argv[0][0] != '/') {
        fprintf(stderr, "%s: '%s': a PATH starts with '/'\n", program_name,
                argv[0]);
        return EXIT_USAGE;
    }
    if (argv[1]) {
        json_t *body = json_loads(argv[1], JSON_DECODE_ANY, &error);
        if (!body) {
            fprintf(stderr,
                    "%s: the body is not JSON: line %d column %d: "
                    "%s\n",
                    program_name, error.line, error.column, error.text);
            return EXIT_USAGE;
        }
        json_decref(body);
    }
    int status = ctl_call(ctl, method, argv[0], argv[1], &resp);
    if (!status) {
        print_body(&resp);
        ctl_http_response_uninit(&resp);
    }
    return status;
}

static int
cmd_get(struct ctl *ctl, char *argv[])
{
    return raw_request(ctl, "GET", argv);
}

static int
cmd_post(struct ctl *ctl, char *argv[])
{
    return raw_request(ctl, "POST", argv);
}

static int
cmd_delete(struct ctl *ctl, char *argv[])
{
    return raw_request(ctl, "DELETE", argv);
}

struct command {
    const char *name;
    const char *args; /* for messages */
    int min_args, max_args;
    /* Runs the command with its arguments in 'argv' (NULL after the
     * last).  Returns the exit status. */
    int (*run)(struct ctl *, char *argv[]);
};

static const struct command commands[] = {
    {"switches", "", 0, 0, cmd_switches},
    {"flows", " DPID", 1, 1, cmd_flows},
    {"ports", " DPID", 1, 1, cmd_ports},
    {"links", " [DPID]", 0, 1, cmd_links},
    {"hosts", " [DPID]", 0, 1, cmd_hosts},
    {"path", " SRC DST [--latency]", 2, 3, cmd_path},
    {"topology", "", 0, 0, cmd_topology},
    {"add-flow", " DPID SPEC", 2, 2, cmd_add_flow},
    {"del-flows", " DPID [SPEC]", 1, 2, cmd_del_flows},
    {"events", "", 0, 0, cmd_events},
    {"metrics", "", 0, 0, cmd_metrics},
    {"health", "", 0, 0, cmd_health},
    {"get", " PATH", 1, 1, cmd_get},
    {"post", " PATH JSON", 2, 2, cmd_post},
    {"delete", " PATH", 1, 1, cmd_delete},
};

static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(name, commands[i].name)) {
            return &commands[i];
        }
    }
    return NULL;
}

/* ---- main ---- */

/* Parses the --timeout value. */
static bool
parse_timeout(const char *arg, double *timeout)
{
    char *end;

    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(v) || v <= 0 || v > 1e6) {
        return false;
    }
    *timeout = v;
    return true;
}

/* Parses the options into 'ctl'.  Returns -1 to go on with the command at
 * argv[optind], or the exit status. */
static int
parse_options(int argc, char *argv[], struct ctl *ctl)
{
    enum {
        OPT_URL = 256,
        OPT_TOKEN,
        OPT_JSON,
        OPT_TIMEOUT,
        OPT_INSECURE,
        OPT_VERSION
    };
    static const struct option options[] = {
        {"url", required_argument, NULL, OPT_URL},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"json", no_argument, NULL, OPT_JSON},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"insecure", no_argument, NULL, OPT_INSECURE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        switch (c) {
        case OPT_URL:
            ctl->cfg.url = optarg;
            break;
        case OPT_TOKEN:
            ctl->cfg.token = optarg;
            break;
        case OPT_JSON:
            ctl->json = true;
            break;
        case OPT_TIMEOUT:
            if (!parse_timeout(optarg, &ctl->cfg.timeout)) {
                fprintf(stderr,
                        "%s: --timeout '%s': not a number of "
                        "seconds above 0\n",
                        program_name, optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_INSECURE:
            ctl->cfg.insecure = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("%s (%s) %s\n", program_name, PACKAGE_NAME,
                   PACKAGE_VERSION);
            return 0;
        default:
            fprintf(stderr, "Try '%s --help'.\n", program_name);
            return EXIT_USAGE;
        }
    }
    return -1;
}

/* Runs the command at 'argv[0]', after checking its arguments. */
static int
run_command(struct ctl *ctl, int argc, char *argv[])
{
    if (argc < 1) {
        fprintf(stderr, "%s: missing command\n", program_name);
        usage(stderr);
        return EXIT_USAGE;
    }
    const struct command *cmd = find_command(argv[0]);
    if (!cmd) {
        fprintf(stderr, "%s: unknown command '%s' (try '%s --help')\n",
                program_name, argv[0], program_name);
        return EXIT_USAGE;
    }
    int n_args = argc - 1;
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        bool option =
            n_args > cmd->max_args && argv[cmd->max_args + 1][0] == '-';
        fprintf(stderr, "%s: usage: %s %s%s%s\n", program_name, program_name,
                cmd->name, cmd->args,
                option ? " (options go before the command)" : "");
        return EXIT_USAGE;
    }
    return cmd->run(ctl, argv + 1);
}

int
main(int argc, char *argv[])
{
    struct ctl ctl = {
        .cfg =
            {
                .url = getenv("SLUICE_URL"),
                .token = getenv("SLUICE_TOKEN"),
                .ca = getenv("SLUICE_CA"),
                .timeout = DEFAULT_TIMEOUT,
            },
    };

    signal(SIGPIPE, SIG_IGN);
    if (!ctl.cfg.url || !*ctl.cfg.url) {
        ctl.cfg.url = DEFAULT_URL;
    }
    if (ctl.cfg.ca && !*ctl.cfg.ca) {
        ctl.cfg.ca = NULL;
    }
    int status = parse_options(argc, argv, &ctl);
    if (status >= 0) {
        return status;
    }
    status = run_command(&ctl, argc - optind, argv + optind);
    ctl_http_destroy(ctl.http);
    if (fflush(stdout) == EOF && !status) {
        fprintf(stderr, "%s: writing the output failed\n", program_name);
        status = EXIT_API;
    }
    return status;
}
