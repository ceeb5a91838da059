/* test-config: libcheck tests for controller/config (the YAML loader).
 *
 * Every accepted key, every default, and for each key its type, range and
 * unknown-key errors with the exact "FILE:LINE:COL: message" line. */
#include <config.h>
#include "controller/config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/test-util.h"

#define FP32 "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:" \
             "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F"

/* The DESIGN.md example, with real values where it has "...". */
static const char design_example[] =
    "openflow:\n"
    "  listen: [\"tcp:0.0.0.0:6653\", \"ssl:0.0.0.0:6654\"]\n"
    "  tls:\n"
    "    certificate: /etc/sluice/controller.crt\n"
    "    private_key: /etc/sluice/controller.key\n"
    "    ca_certificate: /etc/sluice/ca.crt\n"
    "    verify_peer: true\n"
    "    pin: {\"0x0000000000000001\": \"sha256:" FP32 "\"}\n"
    "  echo_interval: 5\n"
    "  echo_misses: 3\n"
    "  packet_in_rate: 1000\n"
    "  delete_foreign_flows: true\n"
    "rest:\n"
    "  listen: \"127.0.0.1:8080\"\n"
    "  token: null\n"
    "topology:\n"
    "  enabled: true\n"
    "  lldp_interval: 1.0\n"
    "  link_timeout: 3.0\n"
    "  lldp_key: null\n"
    "  host_timeout: 300\n"
    "  max_hosts: 65536\n"
    "log:\n"
    "  level: info\n"
    "  syslog: false\n"
    "apps:\n"
    "  - name: l2_learning\n"
    "  - name: acl\n"
    "    config: {default: allow, rules: [{src: 10.0.0.1, action: deny}]}\n";

static char errbuf[512];

static int
load(const char *text, struct sl_config *cfg)
{
    return sl_config_load_string(text, strlen(text), "sluice.yaml", cfg,
                                 errbuf, sizeof errbuf);
}

/* Asserts that 'text' fails to load with exactly 'want'. */
static void
assert_error(const char *text, const char *want)
{
    struct sl_config cfg;
    int error = load(text, &cfg);

    ck_assert_int_eq(error, EINVAL);
    ck_assert_str_eq(errbuf, want);
    /* Never partially filled. */
    ck_assert_ptr_null(cfg.listeners);
    ck_assert_ptr_null(cfg.apps);
    ck_assert_ptr_null(cfg.doc);
    sl_config_destroy(&cfg);
}

static void
assert_defaults(const struct sl_config *cfg)
{
    ck_assert_uint_eq(cfg->n_listeners, 1);
    ck_assert_int_eq(cfg->listeners[0].kind, SL_CONFIG_LISTEN_TCP);
    ck_assert_str_eq(cfg->listeners[0].address, "0.0.0.0");
    ck_assert_uint_eq(cfg->listeners[0].port, 6653);
    ck_assert(!cfg->listeners[0].ipv6);
    ck_assert(!cfg->has_tls);
    ck_assert(cfg->tls_verify_peer);
    ck_assert_ptr_null(cfg->tls_certificate);
    ck_assert_uint_eq(cfg->n_tls_pins, 0);
    ck_assert_double_eq(cfg->echo_interval, 5.0);
    ck_assert_uint_eq(cfg->echo_misses, 3);
    ck_assert_uint_eq(cfg->packet_in_rate, 1000);
    ck_assert(!cfg->delete_foreign_flows);
    ck_assert_str_eq(cfg->rest_address, "127.0.0.1");
    ck_assert_uint_eq(cfg->rest_port, 8080);
    ck_assert_ptr_null(cfg->rest_token);
    ck_assert_double_eq(cfg->lldp_interval, 1.0);
    ck_assert_double_eq(cfg->link_timeout, 3.0);
    ck_assert_ptr_null(cfg->lldp_key);
    ck_assert(cfg->topo_enabled);
    ck_assert_double_eq(cfg->host_timeout, 300.0);
    ck_assert_uint_eq(cfg->max_hosts, 65536);
    ck_assert_uint_eq(cfg->n_log_levels, 1);
    ck_assert_str_eq(cfg->log_levels[0].module, "default");
    ck_assert_str_eq(cfg->log_levels[0].level, "info");
    ck_assert(!cfg->log_syslog);
    ck_assert_uint_eq(cfg->n_apps, 1);
    ck_assert_str_eq(cfg->apps[0].name, "l2_learning");
    ck_assert_ptr_null(cfg->apps[0].config);
}

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *p;

    ck_assert_int_eq(map->type, YAML_MAPPING_NODE);
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (!strcmp((char *) k->data.scalar.value, key)) {
            return yaml_document_get_node(doc, p->value);
        }
    }
    return NULL;
}

static void
assert_design_example(const struct sl_config *cfg)
{
    yaml_node_t *acl, *n;
    size_t i;

    ck_assert_uint_eq(cfg->n_listeners, 2);
    ck_assert_int_eq(cfg->listeners[0].kind, SL_CONFIG_LISTEN_TCP);
    ck_assert_str_eq(cfg->listeners[0].address, "0.0.0.0");
    ck_assert_uint_eq(cfg->listeners[0].port, 6653);
    ck_assert_int_eq(cfg->listeners[1].kind, SL_CONFIG_LISTEN_SSL);
    ck_assert_str_eq(cfg->listeners[1].address, "0.0.0.0");
    ck_assert_uint_eq(cfg->listeners[1].port, 6654);
    ck_assert(cfg->has_tls);
    ck_assert_str_eq(cfg->tls_certificate, "/etc/sluice/controller.crt");
    ck_assert_str_eq(cfg->tls_private_key, "/etc/sluice/controller.key");
    ck_assert_str_eq(cfg->tls_ca_certificate, "/etc/sluice/ca.crt");
    ck_assert(cfg->tls_verify_peer);
    ck_assert_uint_eq(cfg->n_tls_pins, 1);
    ck_assert_uint_eq(cfg->tls_pins[0].dpid, 1);
    for (i = 0; i < 32; i++) {
        ck_assert_uint_eq(cfg->tls_pins[0].sha256[i], i);
    }
    ck_assert_double_eq(cfg->echo_interval, 5.0);
    ck_assert_uint_eq(cfg->echo_misses, 3);
    ck_assert_uint_eq(cfg->packet_in_rate, 1000);
    ck_assert(cfg->delete_foreign_flows);
    ck_assert_str_eq(cfg->rest_address, "127.0.0.1");
    ck_assert_uint_eq(cfg->rest_port, 8080);
    ck_assert_ptr_null(cfg->rest_token);
    ck_assert_double_eq(cfg->lldp_interval, 1.0);
    ck_assert_double_eq(cfg->link_timeout, 3.0);
    ck_assert_ptr_null(cfg->lldp_key);
    ck_assert(cfg->topo_enabled);
    ck_assert_double_eq(cfg->host_timeout, 300.0);
    ck_assert_uint_eq(cfg->max_hosts, 65536);
    ck_assert_uint_eq(cfg->n_log_levels, 1);
    ck_assert_str_eq(cfg->log_levels[0].module, "default");
    ck_assert_str_eq(cfg->log_levels[0].level, "info");
    ck_assert(!cfg->log_syslog);
    ck_assert_uint_eq(cfg->n_apps, 2);
    ck_assert_str_eq(cfg->apps[0].name, "l2_learning");
    ck_assert_ptr_null(cfg->apps[0].config);
    ck_assert_str_eq(cfg->apps[1].name, "acl");
    acl = cfg->apps[1].config;
    ck_assert_ptr_nonnull(acl);
    n = map_get(cfg->doc, acl, "default");
    ck_assert_ptr_nonnull(n);
    ck_assert_str_eq((char *) n->data.scalar.value, "allow");
    n = map_get(cfg->doc, acl, "rules");
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->type, YAML_SEQUENCE_NODE);
    ck_assert_int_eq(n->data.sequence.items.top
                     - n->data.sequence.items.start, 1);
    n = yaml_document_get_node(cfg->doc, n->data.sequence.items.start[0]);
    n = map_get(cfg->doc, n, "action");
    ck_assert_str_eq((char *) n->data.scalar.value, "deny");
}

START_TEST(design_example_loads_every_value)
{
    struct sl_config cfg;

    ck_assert_int_eq(load(design_example, &cfg), 0);
    ck_assert_str_eq(errbuf, "");
    assert_design_example(&cfg);
    sl_config_destroy(&cfg);
}
END_TEST

START_TEST(dump_round_trips_design_example)
{
    struct sl_config cfg, again;
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    ck_assert_int_eq(load(design_example, &cfg), 0);
    out = open_memstream(&text, &len);
    ck_assert_int_eq(sl_config_dump(&cfg, out), 0);
    fclose(out);
    ck_assert_int_eq(sl_config_load_string(text, len, "dump", &again,
                                           errbuf, sizeof errbuf), 0);
    assert_design_example(&again);
    sl_config_destroy(&again);
    sl_config_destroy(&cfg);
    free(text);
}
END_TEST

START_TEST(dump_round_trips_defaults)
{
    struct sl_config cfg, again;
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    sl_config_defaults(&cfg);
    out = open_memstream(&text, &len);
    ck_assert_int_eq(sl_config_dump(&cfg, out), 0);
    fclose(out);
    ck_assert_int_eq(sl_config_load_string(text, len, "dump", &again,
                                           errbuf, sizeof errbuf), 0);
    assert_defaults(&again);
    sl_config_destroy(&again);
    sl_config_destroy(&cfg);
    free(text);
}
END_TEST

START_TEST(empty_input_gives_defaults)
{
    static const char *const inputs[] = {
        "", "\n\n", "# only a comment\n", "---\n", "---\n...\n", "~\n",
    };
    size_t i;

    for (i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        struct sl_config cfg;
        ck_assert_int_eq(load(inputs[i], &cfg), 0);
        assert_defaults(&cfg);
        sl_config_destroy(&cfg);
    }
}
END_TEST

START_TEST(defaults_function_matches_design)
{
    struct sl_config cfg;

    sl_config_defaults(&cfg);
    assert_defaults(&cfg);
    sl_config_destroy(&cfg);
    ck_assert_ptr_null(cfg.listeners);
}
END_TEST

START_TEST(null_sections_keep_defaults)
{
    struct sl_config cfg;

    ck_assert_int_eq(load("openflow:\nrest:\ntopology:\nlog:\napps:\n",
                          &cfg), 0);
    assert_defaults(&cfg);
    sl_config_destroy(&cfg);
}
END_TEST

START_TEST(destroy_accepts_zeroed_and_null)
{
    struct sl_config cfg;

    memset(&cfg, 0, sizeof cfg);
    sl_config_destroy(&cfg);
    sl_config_destroy(NULL);
    ck_assert_ptr_null(cfg.doc);
}
END_TEST

START_TEST(non_mapping_top_level_is_error)
{
    assert_error("- a\n- b\n", "sluice.yaml:1:1: the configuration must be "
                 "a mapping, got a sequence");
    assert_error("hello\n", "sluice.yaml:1:1: the configuration must be a "
                 "mapping, got 'hello'");
    assert_error("\n  \"x\"\n", "sluice.yaml:2:3: the configuration must be "
                 "a mapping, got a quoted string");
}
END_TEST

START_TEST(unknown_keys_at_every_level)
{
    assert_error("opnflow: {}\n", "sluice.yaml:1:1: unknown key 'opnflow' "
                 "at top level (known: user, openflow, rest, topology, log, "
                 "apps)");
    assert_error("openflow:\n  listen: []\n  echo_interval: 5\n"
                 "  echo_intervall: 5\n",
                 "sluice.yaml:4:3: unknown key 'echo_intervall' in openflow "
                 "(known: listen, tls, echo_interval, echo_misses, "
                 "packet_in_rate, delete_foreign_flows)");
    assert_error("openflow:\n  tls:\n    cert: x\n",
                 "sluice.yaml:3:5: unknown key 'cert' in openflow.tls "
                 "(known: certificate, private_key, ca_certificate, "
                 "verify_peer, pin, allow_insecure_key)");
    assert_error("rest: {port: 80}\n", "sluice.yaml:1:8: unknown key "
                 "'port' in rest (known: enabled, listen, token, https)");
    assert_error("topology:\n  lldp: 1\n", "sluice.yaml:2:3: unknown key "
                 "'lldp' in topology (known: enabled, lldp_interval, "
                 "link_timeout, lldp_key, host_timeout, max_hosts)");
    assert_error("log:\n  file: x\n", "sluice.yaml:2:3: unknown key 'file' "
                 "in log (known: level, syslog)");
    assert_error("apps:\n  - name: a\n    cfg: {}\n", "sluice.yaml:3:5: "
                 "unknown key 'cfg' in apps entry (known: name, config)");
}
END_TEST

START_TEST(type_errors_name_key_and_kind)
{
    assert_error("openflow: 5\n", "sluice.yaml:1:11: openflow: expected a "
                 "mapping, got '5'");
    assert_error("openflow:\n  echo_interval: [1]\n", "sluice.yaml:2:18: "
                 "openflow.echo_interval: expected a number, got a "
                 "sequence");
    assert_error("openflow:\n  echo_interval: \"5\"\n", "sluice.yaml:2:18: "
                 "openflow.echo_interval: expected a number, got a quoted "
                 "string");
    assert_error("openflow:\n  echo_misses: three\n", "sluice.yaml:2:16: "
                 "openflow.echo_misses: expected an integer, got 'three'");
    assert_error("openflow:\n  echo_misses: 2.5\n", "sluice.yaml:2:16: "
                 "openflow.echo_misses: expected an integer, got '2.5'");
    assert_error("openflow:\n  packet_in_rate: {}\n", "sluice.yaml:2:19: "
                 "openflow.packet_in_rate: expected an integer, got a "
                 "mapping");
    assert_error("openflow:\n  listen: tcp:0.0.0.0:1\n", "sluice.yaml:2:11: "
                 "openflow.listen: expected a sequence, got "
                 "'tcp:0.0.0.0:1'");
    assert_error("openflow:\n  listen: [[1]]\n", "sluice.yaml:2:12: "
                 "openflow.listen: expected a string like tcp:ADDR:PORT, "
                 "got a sequence");
    assert_error("openflow:\n  tls: []\n", "sluice.yaml:2:8: openflow.tls: "
                 "expected a mapping, got a sequence");
    assert_error("openflow:\n  tls: {certificate: [a]}\n", "sluice.yaml:2:22: "
                 "openflow.tls.certificate: expected a string, got a "
                 "sequence");
    assert_error("openflow:\n  tls: {verify_peer: yes}\n", "sluice.yaml:2:22: "
                 "openflow.tls.verify_peer: expected true or false, got "
                 "'yes'");
    assert_error("openflow:\n  tls: {pin: [1]}\n", "sluice.yaml:2:14: "
                 "openflow.tls.pin: expected a mapping of dpid: fingerprint, "
                 "got a sequence");
    assert_error("rest:\n  listen: [a]\n", "sluice.yaml:2:11: rest.listen: "
                 "expected a string ADDR:PORT, got a sequence");
    assert_error("rest:\n  token: {a: b}\n", "sluice.yaml:2:10: rest.token: "
                 "expected a string or null, got a mapping");
    assert_error("rest:\n  token: \"\"\n", "sluice.yaml:2:10: rest.token: "
                 "must not be empty");
    assert_error("topology:\n  lldp_interval: fast\n", "sluice.yaml:2:18: "
                 "topology.lldp_interval: expected a number, got 'fast'");
    assert_error("topology:\n  link_timeout: 3s\n", "sluice.yaml:2:17: "
                 "topology.link_timeout: expected a number, got '3s'");
    assert_error("topology:\n  lldp_key: [k]\n", "sluice.yaml:2:13: "
                 "topology.lldp_key: expected a string or null, got a "
                 "sequence");
    assert_error("log:\n  level: 42\n", "sluice.yaml:2:10: log.level: "
                 "expected a log level (error, warn, info, debug, off), got "
                 "'42'");
    assert_error("log:\n  level: [info]\n", "sluice.yaml:2:10: log.level: "
                 "expected a log level or a mapping module: level, got a "
                 "sequence");
    assert_error("log:\n  syslog: no\n", "sluice.yaml:2:11: log.syslog: "
                 "expected true or false, got 'no'");
    assert_error("apps: {name: a}\n", "sluice.yaml:1:7: apps: expected a "
                 "sequence, got a mapping");
    assert_error("apps: [acl]\n", "sluice.yaml:1:8: apps: expected a "
                 "mapping {name: ..., config: ...}, got 'acl'");
    assert_error("apps: [{name: [a]}]\n", "sluice.yaml:1:15: apps.name: "
                 "expected a string, got a sequence");
    assert_error("apps: [{config: {}}]\n", "sluice.yaml:1:8: apps: entry "
                 "has no 'name'");
    assert_error("apps: [{name: ../evil}]\n", "sluice.yaml:1:15: apps.name: "
                 "bad app name '../evil' (letters, digits, '_' and '-' "
                 "only)");
}
END_TEST

START_TEST(range_errors)
{
    assert_error("openflow: {echo_interval: 0}\n", "sluice.yaml:1:27: "
                 "openflow.echo_interval: 0 is out of range (must be > 0 "
                 "and <= 1e9)");
    assert_error("openflow: {echo_interval: -1}\n", "sluice.yaml:1:27: "
                 "openflow.echo_interval: -1 is out of range (must be > 0 "
                 "and <= 1e9)");
    assert_error("openflow: {echo_interval: 1e999}\n", "sluice.yaml:1:27: "
                 "openflow.echo_interval: 1e999 is out of range (must be > "
                 "0 and <= 1e9)");
    assert_error("openflow: {echo_interval: nan}\n", "sluice.yaml:1:27: "
                 "openflow.echo_interval: expected a number, got 'nan'");
    assert_error("openflow: {echo_interval: .inf}\n", "sluice.yaml:1:27: "
                 "openflow.echo_interval: expected a number, got '.inf'");
    assert_error("openflow: {echo_misses: 0}\n", "sluice.yaml:1:25: "
                 "openflow.echo_misses: 0 is out of range (1 to 1000)");
    assert_error("openflow: {echo_misses: 99999999999999999999}\n",
                 "sluice.yaml:1:25: openflow.echo_misses: "
                 "99999999999999999999 is out of range (1 to 1000)");
    assert_error("openflow: {packet_in_rate: 0}\n", "sluice.yaml:1:28: "
                 "openflow.packet_in_rate: 0 is out of range (1 to "
                 "100000000)");
    assert_error("openflow: {packet_in_rate: 12abc}\n", "sluice.yaml:1:28: "
                 "openflow.packet_in_rate: expected an integer, got "
                 "'12abc'");
    assert_error("topology: {enabled: maybe}\n", "sluice.yaml:1:21: "
                 "topology.enabled: expected true or false, got 'maybe'");
    assert_error("topology: {host_timeout: 0}\n", "sluice.yaml:1:26: "
                 "topology.host_timeout: 0 is out of range (must be > 0 "
                 "and <= 1e9)");
    assert_error("topology: {max_hosts: -1}\n", "sluice.yaml:1:23: "
                 "topology.max_hosts: -1 is out of range (0 to 16777216)");
    assert_error("topology: {max_hosts: many}\n", "sluice.yaml:1:23: "
                 "topology.max_hosts: expected an integer, got 'many'");
    assert_error("topology: {lldp_interval: 0}\n", "sluice.yaml:1:27: "
                 "topology.lldp_interval: 0 is out of range (must be > 0 "
                 "and <= 1e9)");
    assert_error("topology: {lldp_interval: 2, link_timeout: 2}\n",
                 "sluice.yaml:1:11: topology: link_timeout (2) must exceed "
                 "lldp_interval (2)");
    assert_error("topology: {link_timeout: 0.5}\n", "sluice.yaml:1:11: "
                 "topology: link_timeout (0.5) must exceed lldp_interval "
                 "(1)");
}
END_TEST

START_TEST(numbers_accept_valid_forms)
{
    struct sl_config cfg;

    ck_assert_int_eq(load("openflow: {echo_interval: 0.25, echo_misses: 0x10,"
                          " packet_in_rate: 1}\ntopology: {lldp_interval: "
                          "1e-1, link_timeout: 10}\nlog: {syslog: true}\n",
                          &cfg), 0);
    ck_assert_double_eq(cfg.echo_interval, 0.25);
    ck_assert_uint_eq(cfg.echo_misses, 16);
    ck_assert_uint_eq(cfg.packet_in_rate, 1);
    ck_assert_double_eq(cfg.lldp_interval, 0.1);
    ck_assert_double_eq(cfg.link_timeout, 10.0);
    ck_assert(cfg.log_syslog);
    sl_config_destroy(&cfg);
}
END_TEST

START_TEST(listeners_parse_ipv4_and_ipv6)
{
    struct sl_config cfg;

    ck_assert_int_eq(load("openflow:\n  listen: [\"tcp:[::]:6653\", "
                          "\"tcp:10.1.2.3:1\", \"tcp:[fe80::1]:65535\"]\n",
                          &cfg), 0);
    ck_assert_uint_eq(cfg.n_listeners, 3);
    ck_assert(cfg.listeners[0].ipv6);
    ck_assert_str_eq(cfg.listeners[0].address, "::");
    ck_assert_uint_eq(cfg.listeners[0].port, 6653);
    ck_assert(!cfg.listeners[1].ipv6);
    ck_assert_str_eq(cfg.listeners[1].address, "10.1.2.3");
    ck_assert_uint_eq(cfg.listeners[1].port, 1);
    ck_assert_str_eq(cfg.listeners[2].address, "fe80::1");
    ck_assert_uint_eq(cfg.listeners[2].port, 65535);
    ck_assert_int_eq(cfg.listeners[2].kind, SL_CONFIG_LISTEN_TCP);
    sl_config_destroy(&cfg);

    ck_assert_int_eq(load("openflow: {listen: []}\nrest: {listen: "
                          "\"[::1]:9000\", token: s3cret}\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_listeners, 0);
    ck_assert(cfg.rest_ipv6);
    ck_assert_str_eq(cfg.rest_address, "::1");
    ck_assert_uint_eq(cfg.rest_port, 9000);
    ck_assert_str_eq(cfg.rest_token, "s3cret");
    sl_config_destroy(&cfg);
}
END_TEST

START_TEST(listener_syntax_errors)
{
    assert_error("openflow: {listen: [\"tcp:0.0.0.0:0\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:0.0.0.0:0': bad "
                 "port (1 to 65535)");
    assert_error("openflow: {listen: [\"tcp:0.0.0.0:65536\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:0.0.0.0:65536': "
                 "bad port (1 to 65535)");
    assert_error("openflow: {listen: [\"tcp:0.0.0.0:66x\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:0.0.0.0:66x': bad "
                 "port (1 to 65535)");
    assert_error("openflow: {listen: [\"tcp:0.0.0.0:\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:0.0.0.0:': bad "
                 "port (1 to 65535)");
    assert_error("openflow: {listen: [\"tcp:0.0.0.0:-1\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:0.0.0.0:-1': bad "
                 "port (1 to 65535)");
    assert_error("openflow: {listen: [\"0.0.0.0:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: '0.0.0.0:6653': missing "
                 "kind (tcp:ADDR:PORT or ssl:ADDR:PORT)");
    assert_error("openflow: {listen: [\"[::]:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: '[::]:6653': missing "
                 "kind (tcp:ADDR:PORT or ssl:ADDR:PORT)");
    assert_error("openflow: {listen: [\"udp:0.0.0.0:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: unknown listener kind "
                 "'udp' (tcp or ssl)");
    assert_error("openflow: {listen: [\"tcp:::1:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:::1:6653': an IPv6 "
                 "address must be in brackets, e.g. [::]:6653");
    assert_error("openflow: {listen: [\"tcp:[::1:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:[::1:6653': "
                 "missing ']' after IPv6 address");
    assert_error("openflow: {listen: [\"tcp:[::1]6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:[::1]6653': "
                 "expected ':PORT' after ']'");
    assert_error("openflow: {listen: [\"tcp:300.1.1.1:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:300.1.1.1:6653': "
                 "bad IPv4 address '300.1.1.1'");
    assert_error("openflow: {listen: [\"tcp:[1.2.3.4]:6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp:[1.2.3.4]:6653': "
                 "bad IPv6 address '1.2.3.4'");
    assert_error("openflow: {listen: [\"tcp::6653\"]}\n",
                 "sluice.yaml:1:21: openflow.listen: 'tcp::6653': bad "
                 "address");
    assert_error("rest: {listen: \"8080\"}\n", "sluice.yaml:1:16: "
                 "rest.listen: '8080': expected ADDR:PORT");
}
END_TEST

START_TEST(ssl_listener_needs_tls)
{
    struct sl_config cfg;

    assert_error("openflow:\n  listen: [\"ssl:0.0.0.0:6654\"]\n",
                 "sluice.yaml:2:3: openflow: an ssl: listener needs an "
                 "openflow.tls section");
    assert_error("openflow:\n  tls: {certificate: a.crt}\n",
                 "sluice.yaml:2:8: openflow.tls: certificate and private_key "
                 "are required");
    assert_error("openflow:\n  tls: {certificate: a, private_key: b}\n",
                 "sluice.yaml:2:8: openflow.tls: ca_certificate is required "
                 "unless verify_peer is false");
    ck_assert_int_eq(load("openflow:\n  listen: [\"ssl:[::]:6654\"]\n"
                          "  tls: {certificate: a, private_key: b, "
                          "verify_peer: false}\n", &cfg), 0);
    ck_assert(cfg.has_tls);
    ck_assert(!cfg.tls_verify_peer);
    ck_assert_ptr_null(cfg.tls_ca_certificate);
    ck_assert_int_eq(cfg.listeners[0].kind, SL_CONFIG_LISTEN_SSL);
    sl_config_destroy(&cfg);
}
END_TEST

START_TEST(allow_insecure_key_is_a_boolean)
{
    struct sl_config cfg;

    ck_assert_int_eq(load("openflow:\n  tls: {certificate: a, private_key: "
                          "b, verify_peer: false}\n", &cfg), 0);
    ck_assert(!cfg.tls_allow_insecure_key);
    sl_config_destroy(&cfg);
    ck_assert_int_eq(load("openflow:\n  tls: {certificate: a, private_key: "
                          "b, verify_peer: false, allow_insecure_key: "
                          "true}\n", &cfg), 0);
    ck_assert(cfg.tls_allow_insecure_key);
    sl_config_destroy(&cfg);
    assert_error("openflow:\n  tls: {certificate: a, private_key: b, "
                 "verify_peer: false, allow_insecure_key: yes}\n",
                 "sluice.yaml:2:81: openflow.tls.allow_insecure_key: "
                 "expected true or false, got 'yes'");
}
END_TEST

/* Asserts that "user: 'value'" loads as 'user' and 'group' (NULL: none). */
static void
assert_user(const char *text, const char *user, const char *group)
{
    struct sl_config cfg;

    ck_assert_msg(load(text, &cfg) == 0, "%s: %s", text, errbuf);
    if (user) {
        ck_assert_str_eq(cfg.user, user);
    } else {
        ck_assert_ptr_null(cfg.user);
    }
    if (group) {
        ck_assert_str_eq(cfg.group, group);
    } else {
        ck_assert_ptr_null(cfg.group);
    }
    sl_config_destroy(&cfg);
}

START_TEST(user_good_forms)
{
    struct sl_config cfg;

    sl_config_defaults(&cfg);
    ck_assert_ptr_null(cfg.user);
    ck_assert_ptr_null(cfg.group);
    sl_config_destroy(&cfg);
    assert_user("openflow: {}\n", NULL, NULL);
    assert_user("user: sluice\n", "sluice", NULL);
    assert_user("user: \"sluice\"\n", "sluice", NULL);
    assert_user("user: sluice:netadmin\n", "sluice", "netadmin");
    assert_user("user: 'sluice:netadmin'\n", "sluice", "netadmin");
    assert_user("user: _sluice.d-2\n", "_sluice.d-2", NULL);
    assert_user("user: host$:Domain.Users\n", "host$", "Domain.Users");
    assert_user("user: 0sluice\n", "0sluice", NULL);
    assert_user("user: null\n", NULL, NULL);
    assert_user("user:\n", NULL, NULL);
    /* 32 characters, the most. */
    assert_user("user: abcdefghijklmnopqrstuvwxyz012345\n",
                "abcdefghijklmnopqrstuvwxyz012345", NULL);
}
END_TEST

START_TEST(user_bad_forms)
{
    assert_error("user: ''\n", "sluice.yaml:1:7: user: must not be empty");
    assert_error("user: [sluice]\n", "sluice.yaml:1:7: user: expected a "
                 "string or null, got a sequence");
    assert_error("user: {name: sluice}\n", "sluice.yaml:1:7: user: "
                 "expected a string or null, got a mapping");
    assert_error("user: 1000\n", "sluice.yaml:1:7: user: the user name of "
                 "'1000' is a number: give a name, not an id (want NAME or "
                 "NAME:GROUP)");
    assert_error("user: sluice:100\n", "sluice.yaml:1:7: user: the group "
                 "name of 'sluice:100' is a number: give a name, not an id "
                 "(want NAME or NAME:GROUP)");
    assert_error("user: -sluice\n", "sluice.yaml:1:7: user: the user name of "
                 "'-sluice' must start with a letter, a digit, '_' or '.' "
                 "(want NAME or NAME:GROUP)");
    assert_error("user: \"slu ice\"\n", "sluice.yaml:1:7: user: the user "
                 "name of 'slu ice' may hold only letters, digits, '_', '.' "
                 "and '-' (want NAME or NAME:GROUP)");
    assert_error("user: \"slu/ice\"\n", "sluice.yaml:1:7: user: the user "
                 "name of 'slu/ice' may hold only letters, digits, '_', '.' "
                 "and '-' (want NAME or NAME:GROUP)");
    assert_error("user: \"sl$uice\"\n", "sluice.yaml:1:7: user: the user "
                 "name of 'sl$uice' may hold only letters, digits, '_', '.' "
                 "and '-' (want NAME or NAME:GROUP)");
    assert_error("user: $\n", "sluice.yaml:1:7: user: the user name of '$' "
                 "must start with a letter, a digit, '_' or '.' (want NAME "
                 "or NAME:GROUP)");
    assert_error("user: \":wheel\"\n", "sluice.yaml:1:7: user: the user "
                 "name of ':wheel' is empty (want NAME or NAME:GROUP)");
    assert_error("user: \"sluice:\"\n", "sluice.yaml:1:7: user: the group "
                 "name of 'sluice:' is empty (want NAME or NAME:GROUP)");
    assert_error("user: \"a:b:c\"\n", "sluice.yaml:1:7: user: 'a:b:c' has "
                 "more than one ':' (want NAME or NAME:GROUP)");
    assert_error("user: abcdefghijklmnopqrstuvwxyz0123456\n",
                 "sluice.yaml:1:7: user: the user name of "
                 "'abcdefghijklmnopqrstuvwxyz0123456' is longer than 32 "
                 "characters (want NAME or NAME:GROUP)");
    assert_error("user: \"sl\\tuice\"\n", "sluice.yaml:1:7: user: the user "
                 "name of 'sl?uice' may hold only letters, digits, '_', '.' "
                 "and '-' (want NAME or NAME:GROUP)");
    assert_error("user: \"sl\\0uice\"\n", "sluice.yaml:1:7: user: contains "
                 "a NUL character");
}
END_TEST

/* Loads "user: 'spec'" and resolves it; returns what resolving did. */
static int
resolve(const char *spec, uid_t *uid, gid_t *gid)
{
    struct sl_config cfg;
    char text[256];

    snprintf(text, sizeof text, "user: \"%s\"\n", spec);
    ck_assert_msg(load(text, &cfg) == 0, "%s: %s", text, errbuf);
    int error = sl_config_resolve_user(&cfg, "sluice.yaml", uid, gid,
                                       errbuf, sizeof errbuf);
    sl_config_destroy(&cfg);
    return error;
}

START_TEST(user_resolves_names)
{
    uid_t uid = 12345;
    gid_t gid = 12345;

    /* "nobody" is on every Linux system this builds on; its group's name
     * varies (nogroup, nobody), so it is looked up. */
    const struct passwd *pw = getpwnam("nobody");
    ck_assert_ptr_nonnull(pw);
    uid_t nobody_uid = pw->pw_uid;
    gid_t nobody_gid = pw->pw_gid;
    ck_assert_int_eq(resolve("nobody", &uid, &gid), 0);
    ck_assert_uint_eq(uid, nobody_uid);
    ck_assert_uint_eq(gid, nobody_gid);

    const struct group *gr = getgrgid(0);
    ck_assert_ptr_nonnull(gr);
    char spec[128];
    snprintf(spec, sizeof spec, "nobody:%s", gr->gr_name);
    ck_assert_int_eq(resolve(spec, &uid, &gid), 0);
    ck_assert_uint_eq(uid, nobody_uid);
    ck_assert_uint_eq(gid, 0);
}
END_TEST

START_TEST(user_resolve_errors)
{
    uid_t uid;
    gid_t gid;

    ck_assert_int_eq(resolve("no-such-user.sluice", &uid, &gid), ENOENT);
    ck_assert_str_eq(errbuf, "sluice.yaml:1:7: user: no such user "
                     "'no-such-user.sluice'");
    ck_assert_int_eq(resolve("nobody:no-such-group.sl", &uid, &gid), ENOENT);
    ck_assert_str_eq(errbuf, "sluice.yaml:1:7: user: no such group "
                     "'no-such-group.sl'");
    ck_assert_int_eq(resolve("root", &uid, &gid), EPERM);
    ck_assert_str_eq(errbuf, "sluice.yaml:1:7: user: 'root' is uid 0: "
                     "dropping to it protects nothing; name an unprivileged "
                     "user, or remove the key");
}
END_TEST

START_TEST(user_and_allow_insecure_key_round_trip_through_dump)
{
    static const char text[] =
        "user: \"nobody:daemon\"\n"
        "openflow:\n"
        "  tls: {certificate: a, private_key: b, verify_peer: false,\n"
        "        allow_insecure_key: true}\n";
    struct sl_config cfg, again;
    char *dump = NULL;
    size_t len = 0;
    FILE *out;

    ck_assert_int_eq(load(text, &cfg), 0);
    out = open_memstream(&dump, &len);
    ck_assert_int_eq(sl_config_dump(&cfg, out), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(dump, "user: \"nobody:daemon\"\n"));
    ck_assert_ptr_nonnull(strstr(dump, "    allow_insecure_key: true\n"));
    ck_assert_int_eq(sl_config_load_string(dump, len, "dump", &again,
                                           errbuf, sizeof errbuf), 0);
    ck_assert_str_eq(again.user, "nobody");
    ck_assert_str_eq(again.group, "daemon");
    ck_assert(again.tls_allow_insecure_key);
    sl_config_destroy(&again);
    sl_config_destroy(&cfg);
    free(dump);

    /* Without: "user: null" and allow_insecure_key false. */
    ck_assert_int_eq(load("user: sluice\n", &cfg), 0);
    dump = NULL;
    out = open_memstream(&dump, &len);
    ck_assert_int_eq(sl_config_dump(&cfg, out), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(dump, "user: \"sluice\"\n"));
    ck_assert_int_eq(sl_config_load_string(dump, len, "dump", &again,
                                           errbuf, sizeof errbuf), 0);
    ck_assert_str_eq(again.user, "sluice");
    ck_assert_ptr_null(again.group);
    sl_config_destroy(&again);
    sl_config_destroy(&cfg);
    free(dump);
}
END_TEST

START_TEST(check_config_looks_up_user)
{
    char path[] = "/tmp/test-config-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs("# a comment\nuser: no-such-user.sluice\n", f);
    fclose(f);
    /* Loading touches no user database: the file loads... */
    struct sl_config cfg;
    ck_assert_int_eq(sl_config_load_file(path, &cfg, errbuf, sizeof errbuf),
                     0);
    sl_config_destroy(&cfg);
    /* ...and --check-config looks the user up. */
    ck_assert_int_eq(sl_config_check(path, errbuf, sizeof errbuf), ENOENT);
    ck_assert_int_eq(strncmp(errbuf, path, strlen(path)), 0);
    ck_assert_str_eq(errbuf + strlen(path), ":2:7: user: no such user "
                     "'no-such-user.sluice'");

    f = fopen(path, "w");
    fputs("user: nobody\n", f);
    fclose(f);
    ck_assert_int_eq(sl_config_check(path, errbuf, sizeof errbuf), 0);
    unlink(path);
}
END_TEST

#define TLS_PREFIX "openflow:\n  tls:\n    certificate: a\n" \
                   "    private_key: b\n    ca_certificate: c\n    pin:\n"

START_TEST(pins_accept_dpid_forms)
{
    struct sl_config cfg;

    ck_assert_int_eq(load(TLS_PREFIX
                          "      0x00000000000000ff: \"sha256:" FP32 "\"\n"
                          "      42: \"sha256:" FP32 "\"\n"
                          "      0x1a: \"sha256:" FP32 "\"\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_tls_pins, 3);
    ck_assert_uint_eq(cfg.tls_pins[0].dpid, 255);
    ck_assert_uint_eq(cfg.tls_pins[1].dpid, 42);
    ck_assert_uint_eq(cfg.tls_pins[2].dpid, 26);
    ck_assert_uint_eq(cfg.tls_pins[2].sha256[31], 0x1f);
    sl_config_destroy(&cfg);
}
END_TEST

START_TEST(pin_format_errors)
{
    assert_error(TLS_PREFIX "      dp1: \"sha256:" FP32 "\"\n",
                 "sluice.yaml:7:7: openflow.tls.pin: bad datapath id 'dp1' "
                 "(0x + up to 16 hex digits, or a decimal integer)");
    assert_error(TLS_PREFIX "      0x00000000000000001: x\n",
                 "sluice.yaml:7:7: openflow.tls.pin: bad datapath id "
                 "'0x00000000000000001' (0x + up to 16 hex digits, or a "
                 "decimal integer)");
    assert_error(TLS_PREFIX "      18446744073709551616: x\n",
                 "sluice.yaml:7:7: openflow.tls.pin: bad datapath id "
                 "'18446744073709551616' (0x + up to 16 hex digits, or a "
                 "decimal integer)");
    assert_error(TLS_PREFIX "      1: \"sha1:" FP32 "\"\n",
                 "sluice.yaml:7:10: openflow.tls.pin: bad fingerprint a "
                 "quoted string (expected sha256: followed by 32 hex bytes "
                 "separated by ':')");
    assert_error(TLS_PREFIX "      1: sha256:AB:CD\n",
                 "sluice.yaml:7:10: openflow.tls.pin: bad fingerprint "
                 "'sha256:AB:CD' (expected sha256: followed by 32 hex bytes "
                 "separated by ':')");
    assert_error(TLS_PREFIX "      1: \"sha256:" FP32 ":00\"\n",
                 "sluice.yaml:7:10: openflow.tls.pin: bad fingerprint a "
                 "quoted string (expected sha256: followed by 32 hex bytes "
                 "separated by ':')");
    assert_error(TLS_PREFIX "      1: [x]\n",
                 "sluice.yaml:7:10: openflow.tls.pin: bad fingerprint a "
                 "sequence (expected sha256: followed by 32 hex bytes "
                 "separated by ':')");
    assert_error(TLS_PREFIX "      1: \"sha256:" FP32 "\"\n"
                 "      0x1: \"sha256:" FP32 "\"\n",
                 "sluice.yaml:8:7: openflow.tls.pin: datapath id "
                 "0x0000000000000001 pinned twice");
}
END_TEST

START_TEST(log_level_both_forms)
{
    struct sl_config cfg;

    ck_assert_int_eq(load("log: {level: debug}\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_log_levels, 1);
    ck_assert_str_eq(cfg.log_levels[0].module, "default");
    ck_assert_str_eq(cfg.log_levels[0].level, "debug");
    sl_config_destroy(&cfg);

    ck_assert_int_eq(load("log:\n  level: {conn: debug, default: warn, "
                          "rest: off}\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_log_levels, 3);
    ck_assert_str_eq(cfg.log_levels[0].module, "default");
    ck_assert_str_eq(cfg.log_levels[0].level, "warn");
    ck_assert_str_eq(cfg.log_levels[1].module, "conn");
    ck_assert_str_eq(cfg.log_levels[1].level, "debug");
    ck_assert_str_eq(cfg.log_levels[2].module, "rest");
    ck_assert_str_eq(cfg.log_levels[2].level, "off");
    sl_config_destroy(&cfg);

    ck_assert_int_eq(load("log:\n  level: {conn: error}\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_log_levels, 2);
    ck_assert_str_eq(cfg.log_levels[0].level, "info");
    ck_assert_str_eq(cfg.log_levels[1].module, "conn");
    sl_config_destroy(&cfg);

    assert_error("log:\n  level: {conn: loud}\n", "sluice.yaml:2:17: "
                 "log.level: expected a log level (error, warn, info, debug, "
                 "off), got 'loud'");
    assert_error("log:\n  level: {\"a b\": info}\n", "sluice.yaml:2:11: "
                 "log.level: bad module name 'a b'");
}
END_TEST

START_TEST(apps_with_and_without_config)
{
    struct sl_config cfg;

    ck_assert_int_eq(load("apps:\n  - name: hub\n  - name: acl\n"
                          "    config:\n      rules: [1, 2]\n"
                          "  - name: l3\n    config: 7\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_apps, 3);
    ck_assert_str_eq(cfg.apps[0].name, "hub");
    ck_assert_ptr_null(cfg.apps[0].config);
    ck_assert_str_eq(cfg.apps[1].name, "acl");
    ck_assert_int_eq(cfg.apps[1].config->type, YAML_MAPPING_NODE);
    ck_assert_int_eq(cfg.apps[1].config->start_mark.line, 4);
    ck_assert_str_eq(cfg.apps[2].name, "l3");
    ck_assert_str_eq((char *) cfg.apps[2].config->data.scalar.value, "7");
    sl_config_destroy(&cfg);

    ck_assert_int_eq(load("apps: []\n", &cfg), 0);
    ck_assert_uint_eq(cfg.n_apps, 0);
    sl_config_destroy(&cfg);

    assert_error("apps:\n  - name: acl\n  - name: hub\n  - name: acl\n",
                 "sluice.yaml:4:5: apps: app 'acl' listed twice");
}
END_TEST

START_TEST(yaml_syntax_error_position)
{
    assert_error("openflow:\n  listen: [\"tcp:0.0.0.0:1\"\n  echo: 1\n",
                 "sluice.yaml:3:3: did not find expected ',' or ']' while "
                 "parsing a flow sequence");
    assert_error("a: b: c\n", "sluice.yaml:1:5: mapping values are not "
                 "allowed in this context");
    assert_error("rest:\n\tlisten: x\n", "sluice.yaml:2:1: found character "
                 "that cannot start any token while scanning for the next "
                 "token");
    assert_error("log: {}\n---\nlog: {}\n", "sluice.yaml:2:1: more than one "
                 "YAML document");
}
END_TEST

START_TEST(duplicate_keys_are_errors)
{
    assert_error("log: {}\nrest: {}\nlog: {}\n", "sluice.yaml:3:1: "
                 "duplicate key 'log'");
    assert_error("openflow:\n  echo_misses: 1\n  echo_misses: 2\n",
                 "sluice.yaml:3:3: duplicate key 'echo_misses'");
    assert_error("apps:\n  - name: a\n    config: {x: 1, y: 2, x: 3}\n",
                 "sluice.yaml:3:26: duplicate key 'x'");
    assert_error("log:\n  level: {conn: info, conn: debug}\n",
                 "sluice.yaml:2:23: duplicate key 'conn'");
}
END_TEST

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
    char *s = malloc(hl + ul * n + tl + 1);
    char *p = s;

    ck_assert_ptr_nonnull(s);
    memcpy(p, head, hl);
    p += hl;
    for (i = 0; i < n; i++) {
        memcpy(p, unit, ul);
        p += ul;
    }
    memcpy(p, tail, tl + 1);
    return s;
}

START_TEST(deep_nesting_is_bounded)
{
    struct sl_config cfg;
    char *text;

    /* 200000 unclosed levels: a syntax error, not a crash. */
    text = repeat("apps:\n- name: a\n  config: ", "[", 200000, "");
    ck_assert_int_eq(load(text, &cfg), EINVAL);
    ck_assert_str_eq(errbuf, "sluice.yaml:3:72: nesting deeper than 64 "
                     "levels");
    free(text);

    /* Balanced but too deep: a clean error at the 65th level. */
    {
        char *open = repeat("apps:\n- name: a\n  config: ", "[", 100, "");
        char *all = repeat(open, "]", 100, "\n");
        ck_assert_int_eq(load(all, &cfg), EINVAL);
        ck_assert_str_eq(errbuf, "sluice.yaml:3:72: nesting deeper than 64 "
                         "levels");
        free(open);
        free(all);
    }
    {
        char *open = repeat("apps:\n- name: a\n  config: ", "[", 40, "");
        char *all = repeat(open, "]", 40, "\n");
        ck_assert_int_eq(load(all, &cfg), 0);
        ck_assert_int_eq(cfg.apps[0].config->type, YAML_SEQUENCE_NODE);
        sl_config_destroy(&cfg);
        free(open);
        free(all);
    }
}
END_TEST

START_TEST(alias_bombs_are_bounded)
{
    static const char bomb[] =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    struct sl_config cfg;

    ck_assert_int_eq(load(bomb, &cfg), EINVAL);
    ck_assert_ptr_nonnull(strstr(errbuf, "document too large (aliases "
                                 "expand to more than"));
    ck_assert_ptr_null(cfg.doc);
    assert_error("apps: [{name: a, config: &a [*a]}]\n", "sluice.yaml:1:26: "
                 "nesting deeper than 64 levels (or a recursive alias)");
    assert_error("apps: [{name: a, config: &a {x: *a}}]\n",
                 "sluice.yaml:1:26: nesting deeper than 64 levels (or a "
                 "recursive alias)");
}
END_TEST

START_TEST(huge_input_is_rejected)
{
    struct sl_config cfg;
    size_t len = SL_CONFIG_MAX_SIZE + 1;
    char *text = malloc(len);

    ck_assert_ptr_nonnull(text);
    memset(text, '#', len);
    ck_assert_int_eq(sl_config_load_string(text, len, "big.yaml", &cfg,
                                           errbuf, sizeof errbuf), EINVAL);
    ck_assert_str_eq(errbuf, "big.yaml:1:1: larger than 4194304 bytes");
    free(text);
}
END_TEST

START_TEST(non_utf8_input_is_an_error)
{
    assert_error("log:\n  level: inf\xff\n", "sluice.yaml:2:13: invalid "
                 "leading UTF-8 octet (byte 0xff)");
    assert_error("rest:\n  token: \"a\xc3\"\n", "sluice.yaml:2:13: "
                 "invalid trailing UTF-8 octet (byte 0x22)");
}
END_TEST

START_TEST(nul_byte_is_an_error)
{
    struct sl_config cfg;
    static const char text[] = "rest: {token: a\0b}\n";

    ck_assert_int_eq(sl_config_load_string(text, sizeof text - 1, "n.yaml",
                                           &cfg, errbuf, sizeof errbuf),
                     EINVAL);
    ck_assert_str_eq(errbuf, "n.yaml:1:16: control characters are not "
                     "allowed (byte 0x00)");
}
END_TEST

/* Found by fuzz-config: a key quoted in the message carried the input's
 * carriage returns, so the "one line" error spanned several. */
START_TEST(error_quoting_control_characters_stays_one_line)
{
    struct sl_config cfg;
    static const char text[] = "openflow/ nam /,\r\r\r true]}]\n";

    ck_assert_int_eq(sl_config_load_string(text, sizeof text - 1, "c.yaml",
                                           &cfg, errbuf, sizeof errbuf),
                     EINVAL);
    ck_assert_msg(!strncmp(errbuf, "c.yaml:", 7), "%s", errbuf);
    for (const char *p = errbuf; *p != '\0'; p++) {
        ck_assert_msg((unsigned char) *p >= 0x20 && *p != 0x7f,
                      "control character in '%s'", errbuf);
    }
}
END_TEST

START_TEST(load_file_and_check)
{
    char path[] = "/tmp/test-config-XXXXXX";
    struct sl_config cfg;
    int fd = mkstemp(path);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs(design_example, f);
    fclose(f);
    ck_assert_int_eq(sl_config_load_file(path, &cfg, errbuf, sizeof errbuf),
                     0);
    assert_design_example(&cfg);
    sl_config_destroy(&cfg);
    ck_assert_int_eq(sl_config_check(path, errbuf, sizeof errbuf), 0);

    f = fopen(path, "w");
    fputs("openflow:\n  echo_misses: 0\n", f);
    fclose(f);
    ck_assert_int_eq(sl_config_check(path, errbuf, sizeof errbuf), EINVAL);
    ck_assert_ptr_nonnull(strstr(errbuf, ":2:16: openflow.echo_misses: 0 is "
                                 "out of range"));
    ck_assert_int_eq(strncmp(errbuf, path, strlen(path)), 0);
    unlink(path);

    ck_assert_int_eq(sl_config_load_file("/nonexistent/sluice.yaml", &cfg,
                                         errbuf, sizeof errbuf), ENOENT);
    ck_assert_str_eq(errbuf, "/nonexistent/sluice.yaml: No such file or "
                     "directory");
    ck_assert_ptr_null(cfg.listeners);
}
END_TEST

START_TEST(small_errbuf_is_safe)
{
    struct sl_config cfg;
    char small[12];

    ck_assert_int_eq(sl_config_load_string("x: 1\n", 5, "sluice.yaml", &cfg,
                                           small, sizeof small), EINVAL);
    ck_assert_str_eq(small, "sluice.yaml");
    ck_assert_int_eq(sl_config_load_string("x: 1\n", 5, "s", &cfg, NULL, 0),
                     EINVAL);
}
END_TEST

/* Loads 'text' (one app, its section under "config:") and asserts that
 * sl_config_node_text() gives 'want' for the section. */
static void
assert_section_text(const char *text, const char *want)
{
    struct sl_config cfg;
    char *got;

    ck_assert_int_eq(load(text, &cfg), 0);
    ck_assert_uint_eq(cfg.n_apps, 1);
    got = sl_config_node_text(cfg.doc, cfg.apps[0].config);
    ck_assert_str_eq(got, want);
    free(got);
    sl_config_destroy(&cfg);
}

/* The same for the section written inline as 'section'. */
static void
assert_inline_section_text(const char *section, const char *want)
{
    char text[256];

    snprintf(text, sizeof text, "apps:\n  - name: a\n    config: %s\n",
             section);
    assert_section_text(text, want);
}

START_TEST(node_text_writes_any_section_in_flow_style)
{
    static const char want[] = "{b: [1, \"x y\", null], c: {d: true}}";

    assert_inline_section_text("{b: [1, 'x y', ~], c: {d: true}}", want);
    assert_section_text("apps:\n  - name: a\n    config:\n"
                        "      b:\n        - 1\n        - 'x y'\n"
                        "        -\n      c:\n        d: true\n",
                        want);
    assert_inline_section_text("7", "7");
    assert_inline_section_text("[]", "[]");
    assert_inline_section_text("{}", "{}");
    /* Aliases are followed: compared by value. */
    assert_inline_section_text("{a: &x [1], b: *x}", "{a: [1], b: [1]}");
    /* Keys keep their order. */
    assert_inline_section_text("{b: 2, a: 1}", "{b: 2, a: 1}");
}
END_TEST

START_TEST(node_text_spells_every_null_alike)
{
    assert_inline_section_text("~", "null");
    assert_inline_section_text("null", "null");
    assert_inline_section_text("Null", "null");
    assert_inline_section_text("NULL", "null");
    assert_inline_section_text("", "null");
    assert_inline_section_text("{a: ~, b: NULL, c: }",
                               "{a: null, b: null, c: null}");
    /* No section at all reads like a null one. */
    assert_section_text("apps:\n  - name: a\n", "null");
    /* Quoted, these are strings. */
    assert_inline_section_text("'null'", "\"null\"");
    assert_inline_section_text("\"~\"", "\"~\"");
    assert_inline_section_text("''", "\"\"");
}
END_TEST

START_TEST(node_text_tells_quoted_words_from_plain)
{
    /* Numbers and booleans must be plain: quoting changes the meaning. */
    assert_inline_section_text("{p: 7}", "{p: 7}");
    assert_inline_section_text("{p: '7'}", "{p: \"7\"}");
    assert_inline_section_text("{p: \"7\"}", "{p: \"7\"}");
    assert_inline_section_text("[true, 'true', 0x1F, '0x1F']",
                               "[true, \"true\", 0x1F, \"0x1F\"]");
    /* A plain scalar that can only be a string equals its quoted form. */
    assert_inline_section_text("{p: a b}", "{p: \"a b\"}");
    assert_inline_section_text("{p: 'a b'}", "{p: \"a b\"}");
    assert_inline_section_text("[/x, '/x']", "[\"/x\", \"/x\"]");
}
END_TEST

START_TEST(node_text_escapes_quotes_and_control_characters)
{
    assert_inline_section_text("\"q\\\"\\tz\\\\\"", "\"q\\\"\\x09z\\\\\"");
    assert_inline_section_text("{\"a: b\": \"\\x7f\"}",
                               "{\"a: b\": \"\\x7f\"}");
}
END_TEST

static Suite *
config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, design_example_loads_every_value);
    tcase_add_test(tc, dump_round_trips_design_example);
    tcase_add_test(tc, dump_round_trips_defaults);
    tcase_add_test(tc, empty_input_gives_defaults);
    tcase_add_test(tc, defaults_function_matches_design);
    tcase_add_test(tc, null_sections_keep_defaults);
    tcase_add_test(tc, destroy_accepts_zeroed_and_null);
    tcase_add_test(tc, non_mapping_top_level_is_error);
    tcase_add_test(tc, unknown_keys_at_every_level);
    tcase_add_test(tc, type_errors_name_key_and_kind);
    tcase_add_test(tc, range_errors);
    tcase_add_test(tc, numbers_accept_valid_forms);
    tcase_add_test(tc, listeners_parse_ipv4_and_ipv6);
    tcase_add_test(tc, listener_syntax_errors);
    tcase_add_test(tc, ssl_listener_needs_tls);
    tcase_add_test(tc, allow_insecure_key_is_a_boolean);
    tcase_add_test(tc, user_good_forms);
    tcase_add_test(tc, user_bad_forms);
    tcase_add_test(tc, user_resolves_names);
    tcase_add_test(tc, user_resolve_errors);
    tcase_add_test(tc, user_and_allow_insecure_key_round_trip_through_dump);
    tcase_add_test(tc, check_config_looks_up_user);
    tcase_add_test(tc, pins_accept_dpid_forms);
    tcase_add_test(tc, pin_format_errors);
    tcase_add_test(tc, log_level_both_forms);
    tcase_add_test(tc, apps_with_and_without_config);
    tcase_add_test(tc, yaml_syntax_error_position);
    tcase_add_test(tc, duplicate_keys_are_errors);
    tcase_add_test(tc, deep_nesting_is_bounded);
    tcase_add_test(tc, alias_bombs_are_bounded);
    tcase_add_test(tc, huge_input_is_rejected);
    tcase_add_test(tc, non_utf8_input_is_an_error);
    tcase_add_test(tc, nul_byte_is_an_error);
    tcase_add_test(tc, error_quoting_control_characters_stays_one_line);
    tcase_add_test(tc, load_file_and_check);
    tcase_add_test(tc, small_errbuf_is_safe);
    tcase_add_test(tc, node_text_writes_any_section_in_flow_style);
    tcase_add_test(tc, node_text_spells_every_null_alike);
    tcase_add_test(tc, node_text_tells_quoted_words_from_plain);
    tcase_add_test(tc, node_text_escapes_quotes_and_control_characters);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(config_suite());
}
