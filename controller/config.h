/* config: the daemon's YAML configuration (DESIGN.md "Configuration").
 *
 * Sits at the bottom of controller/: the daemon loads a file (or the
 * embedded defaults) into a 'struct sl_config' once at start-up and on
 * SIGHUP, then hands the values to the connection, topology, REST, logging
 * and plugin layers.  Loading has no side effects beyond memory: it opens
 * no socket, reads no certificate and looks up no user, so it can run on
 * any input (the fuzz target does); --check-config is a load, the lookup
 * of 'user' (sl_config_resolve_user()) and a destroy.
 *
 * Every key of DESIGN.md is parsed strictly: unknown keys, duplicate keys,
 * wrong types and out-of-range values are errors reported as one line
 * "FILE:LINE:COL: what is wrong" (1-based, from the YAML node's mark).  On
 * error the output config is left zeroed: never half filled.
 *
 * Scalars: booleans are only true/false (YAML 1.2 core schema; "yes"/"no"
 * are rejected, not guessed).  Numbers and booleans must be plain
 * (unquoted) scalars.  null is "null", "~" or an empty value.  A section
 * given as null (e.g. "rest:" with nothing under it) means its defaults. */
#ifndef CONTROLLER_CONFIG_H
#define CONTROLLER_CONFIG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <yaml.h>

/* Largest input accepted (bytes); a bigger file is an error. */
#define SL_CONFIG_MAX_SIZE (4u * 1024 * 1024)
/* Deepest nesting of YAML collections accepted anywhere in the file. */
#define SL_CONFIG_MAX_DEPTH 64
/* Longest user or group name in 'user' (useradd's limit on Linux). */
#define SL_CONFIG_ACCOUNT_NAME_MAX 32

enum sl_config_listen_kind {
    SL_CONFIG_LISTEN_TCP,
    SL_CONFIG_LISTEN_SSL,
};

/* One "tcp:ADDR:PORT" / "ssl:ADDR:PORT" listener.  'address' is numeric
 * (checked with inet_pton), without the brackets of an IPv6 address. */
struct sl_config_listener {
    enum sl_config_listen_kind kind;
    bool ipv6;
    char *address;
    uint16_t port;
};

/* One openflow.tls.pin entry: datapath id -> SHA-256 certificate
 * fingerprint. */
struct sl_config_pin {
    uint64_t dpid;
    uint8_t sha256[32];
};

/* One log level setting.  module "default" is always entry 0 of
 * 'log_levels'.  'level' is one of error, warn, info, debug, off. */
struct sl_config_log_level {
    char *module;
    char *level;
};

/* One entry of 'apps'.  'config' is the app's "config:" node (any YAML
 * node), or NULL when absent; it points into 'struct sl_config''s 'doc'
 * and stays valid until sl_config_destroy(). */
struct sl_config_app {
    char *name;
    yaml_node_t *config;
};

struct sl_config {
    /* openflow */
    struct sl_config_listener *listeners;
    size_t n_listeners;
    bool has_tls;                  /* true if openflow.tls was given */
    char *tls_certificate;         /* paths; NULL when not given */
    char *tls_private_key;
    char *tls_ca_certificate;
    bool tls_verify_peer;          /* default true */
    bool tls_allow_insecure_key;   /* use a private key file that others
                                    * can read (sl_tls_check_key());
                                    * default false */
    struct sl_config_pin *tls_pins;
    size_t n_tls_pins;
    double echo_interval;          /* seconds, > 0, default 5 */
    unsigned int echo_misses;      /* >= 1, default 3 */
    unsigned int packet_in_rate;   /* packet-ins/s per switch, default 1000 */
    bool delete_foreign_flows;     /* reconciliation deletes flows without
                                    * a Sluice cookie; default false */

    /* rest */
    char *rest_address;            /* default "127.0.0.1" */
    bool rest_ipv6;
    uint16_t rest_port;            /* default 8080 */
    char *rest_token;              /* NULL = no token */
    bool rest_enabled;             /* default true */
    bool rest_https;               /* serve HTTPS with openflow.tls's
                                    * certificate and key; default false */
    yaml_mark_t rest_https_mark;   /* where 'https' was set (errors) */

    /* topology */
    double lldp_interval;          /* seconds, default 1.0 */
    double link_timeout;           /* seconds, default 3.0, > lldp_interval */
    char *lldp_key;                /* NULL = generate at start */
    bool topo_enabled;             /* default true */
    double host_timeout;           /* seconds, default 300 */
    unsigned int max_hosts;        /* default 65536 */

    /* log */
    struct sl_config_log_level *log_levels;
    size_t n_log_levels;
    bool log_syslog;               /* default false */

    /* user: the account to run as once started as root ("NAME" or
     * "NAME:GROUP"); NULL = none */
    char *user;                    /* the user name */
    char *group;                   /* the group name; NULL = the user's
                                    * login group */
    yaml_mark_t user_mark;         /* where 'user' was set (errors) */

    /* apps, in load order */
    struct sl_config_app *apps;
    size_t n_apps;

    /* The parsed document the app config nodes point into (NULL for the
     * defaults).  Owned. */
    yaml_document_t *doc;
};

/* Fills 'cfg' (whatever it held is overwritten, not freed) with the
 * embedded defaults of DESIGN.md.  The caller owns the result and frees it
 * with sl_config_destroy().  Aborts on out-of-memory. */
void sl_config_defaults(struct sl_config *cfg);

/* Parses the 'len' bytes of YAML at 'text' (need not be NUL-terminated)
 * into 'cfg'; 'name' names the input in messages.  Keys not in the text
 * get their defaults; empty text gives all defaults.  Returns 0 on success
 * (the caller owns 'cfg' and frees it with sl_config_destroy()), or EINVAL
 * with 'cfg' zeroed and a one-line "NAME:LINE:COL: message" in 'errbuf'
 * ('errlen' bytes, may be 0). */
int sl_config_load_string(const char *text, size_t len, const char *name,
                          struct sl_config *cfg, char *errbuf,
                          size_t errlen);

/* Reads the file at 'path' and parses it as sl_config_load_string() does,
 * naming it 'path' in messages.  Returns 0, EINVAL for a bad config, or
 * the positive errno of a failed read ("PATH: strerror" in 'errbuf'); on
 * error 'cfg' is zeroed. */
int sl_config_load_file(const char *path, struct sl_config *cfg,
                        char *errbuf, size_t errlen);

/* Loads and validates the file at 'path' without keeping anything (the
 * daemon's --check-config): sl_config_load_file(), then, when 'user' is
 * set, sl_config_resolve_user().  Opens no key or certificate file.
 * Returns as those two. */
int sl_config_check(const char *path, char *errbuf, size_t errlen);

/* Looks up the account of 'cfg''s 'user' key (which must be set) in the
 * system's user and group databases (getpwnam(), getgrnam()): the user's
 * uid, and the gid of 'group' if given, else the user's login group.
 * 'name' names the config in messages, as the loader does.  Returns 0 with
 * '*uid' and '*gid' set, or ENOENT ("NAME:LINE:COL: user: no such user
 * 'sluice'", likewise for a group), EPERM (the user is uid 0: dropping to
 * it protects nothing), or the errno of a failed lookup, with one line in
 * 'errbuf'.  Not done by the loader, which touches nothing but memory. */
int sl_config_resolve_user(const struct sl_config *cfg, const char *name,
                           uid_t *uid, gid_t *gid, char *errbuf,
                           size_t errlen);

/* Calls 'cb' with 'aux' for every key the loader accepts, in the loader's
 * order, depth first, each named by its path from the top: the keys of
 * nested mappings joined by '.', and "[]" after a key whose value is a
 * sequence of mappings ("openflow", "openflow.tls",
 * "openflow.tls.certificate", ..., "apps", "apps[].name").  The inside of
 * a mapping whose keys are data (openflow.tls.pin, log.level) and of an
 * app's 'config' is not listed: the app reads it.  'path' is valid only
 * during the call.  The daemon's --list-config-keys; sluice.yaml(5) is
 * tested against it. */
void sl_config_keys(void (*cb)(const char *path, void *aux), void *aux);

/* Frees everything 'cfg' owns and zeroes it.  Accepts a zeroed (never
 * loaded) config and NULL. */
void sl_config_destroy(struct sl_config *cfg);

/* Writes the effective configuration 'cfg' to 'out' as YAML that
 * sl_config_load_string() accepts.  App config nodes are written in flow
 * style.  Returns 0, or EIO if writing failed. */
int sl_config_dump(const struct sl_config *cfg, FILE *out);

/* Returns node 'node' of 'doc' (a loaded config's document) as
 * sl_config_dump() writes it, in flow style ("null" when 'node' is NULL),
 * as a string owned by the caller.  Two nodes give the same text exactly
 * when the loader reads them alike: the same structure with keys in the
 * same order, equal scalars, any spelling of null the same; a plain scalar
 * of letters, digits and "_.+-" only (how numbers, booleans and null are
 * spelled) differs from its quoted form, other plain scalars do not.  For
 * telling whether an app's section changed on reload. */
char *sl_config_node_text(yaml_document_t *doc, yaml_node_t *node);

#endif /* CONTROLLER_CONFIG_H */
