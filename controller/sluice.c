/* sluice: the daemon's entry point.
 *
 * Parses the command line, loads the configuration (a file, or the
 * embedded defaults), builds the controller (controller.c) -- everything
 * that can fail at start-up fails here, before the daemon reports itself
 * ready or detaches -- then runs the event loop until SIGTERM or SIGINT.
 * SIGHUP reloads the configuration.
 *
 * Privileges: started as root with 'user' set, the daemon does everything
 * that needs root first -- reads the TLS keys and certificates, loads and
 * starts the apps, binds every listener (OpenFlow and REST), writes the
 * pid file -- then takes the user's groups, gid and uid for good (and
 * checks that root cannot be regained) before the event loop handles a
 * single byte from a switch or a REST client.  A reload afterwards runs as
 * that user: what needs root (listeners, key files) only changes with a
 * restart anyway, and the config file must be readable by the user.
 *
 * Exit status: 0 after an orderly shutdown (and for --version, --help,
 * --dump-config, --list-config-keys and a good --check-config), 1 when the
 * daemon could not start or a config is bad, 2 for a usage error.  Start-up
 * failures and refused configurations end with where to look: the
 * documentation is docs/sluice.8, docs/sluice.yaml.5 (every key, tested
 * against config.c's tables) and docs/sluicectl.8. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include "controller/config.h"
#include "controller/controller.h"
#include "controller/log.h"
#include "rest/api.h"
#include "topology/topo.h"

SL_LOG_MODULE(sluice);

#ifndef SL_SYSCONFDIR
#define SL_SYSCONFDIR "/etc"
#endif
/* Where 'make install' puts the annotated example configuration
 * (docs/sluice.yaml). */
#define SL_EXAMPLE_CONFIG SL_SYSCONFDIR "/sluice/sluice.yaml"

struct sl_options {
    const char *config_file;   /* -c */
    const char *check_file;    /* --check-config */
    const char *log_levels;    /* --log-level */
    const char *pidfile;       /* --pidfile */
    const char *app_path;      /* --app-path */
    bool detach;               /* --detach */
    bool dump_config;          /* --dump-config */
    bool list_keys;            /* --list-config-keys */
};

static void
sl_usage(FILE *out)
{
    fprintf(out,
            "Usage: sluice [OPTIONS]\n"
            "An OpenFlow 1.3 controller.\n"
            "\n"
            "  -c, --config FILE         read the YAML configuration FILE "
            "(default:\n"
            "                            none: the embedded defaults, "
            "OpenFlow on\n"
            "                            tcp:0.0.0.0:6653 and the "
            "l2_learning app)\n"
            "      --check-config FILE   validate FILE and exit (0 if "
            "good)\n"
            "      --dump-config         print the effective configuration "
            "and exit\n"
            "      --list-config-keys    print every key the configuration "
            "accepts, one\n"
            "                            dotted path a line ('[]': each "
            "item of a list),\n"
            "                            and exit\n"
            "      --log-level SPEC      LEVEL or MODULE=LEVEL,... (error, "
            "warn, info,\n"
            "                            debug, off); overrides the "
            "config's log.level\n"
            "      --app-path DIRS       colon-separated directories to "
            "find apps in\n"
            "                            (default: $SLUICE_APP_PATH, then "
            "%s)\n"
            "      --detach              run in the background once started "
            "(logs go\n"
            "                            to syslog)\n"
            "      --pidfile FILE        write the daemon's pid to FILE\n"
            "  -V, --version             print the version and exit\n"
            "  -h, --help                print this help and exit\n"
            "\n"
            "Signals: SIGTERM/SIGINT stop (flows stay on the switches), "
            "SIGHUP reloads\n"
            "the config file (log levels, keepalive, packet-in budget, pins, "
            "app config).\n"
            "Exit status: 0 stopped in order, 1 could not start or bad "
            "configuration,\n"
            "2 usage error.\n"
            "\n"
            "Documentation: sluice(8) (options, signals, files), "
            "sluice.yaml(5) (every\n"
            "configuration key: 'man sluice.yaml'), sluicectl(8) (the REST "
            "client),\n"
            "the README of the sources; the annotated example configuration "
            "is\n"
            "%s.\n",
            sl_apps_default_path(), SL_EXAMPLE_CONFIG);
}

/* Parses the command line into 'opt'.  Returns -1 to go on, or the exit
 * status to exit with. */
static int
sl_parse_options(int argc, char *argv[], struct sl_options *opt)
{
    enum {
        OPT_CHECK = 256,
        OPT_LOG_LEVEL,
        OPT_DETACH,
        OPT_PIDFILE,
        OPT_APP_PATH,
        OPT_DUMP,
        OPT_LIST_KEYS,
    };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", required_argument, NULL, OPT_CHECK},
        {"dump-config", no_argument, NULL, OPT_DUMP},
        {"list-config-keys", no_argument, NULL, OPT_LIST_KEYS},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"detach", no_argument, NULL, OPT_DETACH},
        {"pidfile", required_argument, NULL, OPT_PIDFILE},
        {"app-path", required_argument, NULL, OPT_APP_PATH},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(opt, 0, sizeof *opt);
    while ((c = getopt_long(argc, argv, "c:Vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            opt->config_file = optarg;
            break;
        case OPT_CHECK:
            opt->check_file = optarg;
            break;
        case OPT_DUMP:
            opt->dump_config = true;
            break;
        case OPT_LIST_KEYS:
            opt->list_keys = true;
            break;
        case OPT_LOG_LEVEL:
            opt->log_levels = optarg;
            break;
        case OPT_DETACH:
            opt->detach = true;
            break;
        case OPT_PIDFILE:
            opt->pidfile = optarg;
            break;
        case OPT_APP_PATH:
            opt->app_path = optarg;
            break;
        case 'V':
            printf("sluice %s (OpenFlow 1.3; plugin ABI %d.%d; %s; "
                   "libevent %s)\n", PACKAGE_VERSION, SL_APP_ABI_MAJOR,
                   SL_APP_ABI_MINOR, OpenSSL_version(OPENSSL_VERSION),
                   event_get_version());
            return 0;
        case 'h':
            sl_usage(stdout);
            return 0;
        default:
            fprintf(stderr, "Try 'sluice --help'.\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sluice: unexpected argument '%s'\nTry 'sluice "
                "--help'.\n", argv[optind]);
        return 2;
    }
    return -1;
}

/* Applies "--log-level LEVEL" or "MOD=LEVEL,MOD=LEVEL".  Returns 0, or 2
 * with a message on stderr. */
static int
sl_apply_log_option(const char *spec)
{
    char *copy = strdup(spec);
    char *save = NULL;
    int status = 0;

    if (copy == NULL) {
        return 1;
    }
    for (char *item = strtok_r(copy, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        const char *module = "default";
        const char *name = item;
        enum sl_log_level level;

        if (eq != NULL) {
            *eq = '\0';
            module = item;
            name = eq + 1;
        }
        if (sl_log_level_from_string(name, &level)
            || sl_log_set_level(module, level)) {
            fprintf(stderr, "sluice: --log-level: '%s' is not LEVEL or "
                    "MODULE=LEVEL (levels: error, warn, info, debug, "
                    "off)\n", spec);
            status = 2;
            break;
        }
    }
    free(copy);
    return status;
}

/* ---- signals ---- */

struct sl_daemon {
    struct event_base *base;
    struct sl_controller ctl;
    struct rest_api *api;       /* NULL with rest.enabled false */
    struct topo *topo;
    const char *log_levels;     /* --log-level, re-applied after reloads */
    /* The 'user' key the daemon started with ("": none): a reload does
     * not change it. */
    char user[SL_CONFIG_ACCOUNT_NAME_MAX + 1];
    char group[SL_CONFIG_ACCOUNT_NAME_MAX + 1];
    int stop_signal;
};

/* ---- keys, config file and privileges ---- */

static bool
sl_str_equal(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && !strcmp(a, b));
}

/* Whether the name 'a' (NULL: none) is 'b' ("": none). */
static bool
sl_name_equal(const char *a, const char *b)
{
    return !strcmp(a != NULL ? a : "", b);
}

/* Whether 'cfg' makes the daemon read openflow.tls.private_key: an ssl:
 * listener, or HTTPS on the REST API. */
static bool
sl_config_reads_key(const struct sl_config *cfg)
{
    if (!cfg->has_tls || cfg->tls_private_key == NULL) {
        return false;
    }
    for (size_t i = 0; i < cfg->n_listeners; i++) {
        if (cfg->listeners[i].kind == SL_CONFIG_LISTEN_SSL) {
            return true;
        }
    }
    return cfg->rest_enabled && cfg->rest_https;
}

/* Warns about a config file 'path' that others can change, or that others
 * can read while it holds a secret of 'cfg'. */
static void
sl_check_config_mode(const char *path, const struct sl_config *cfg)
{
    struct stat st;

    if (path == NULL || stat(path, &st) < 0) {
        return;
    }
    unsigned int mode = st.st_mode & 07777;
    if (mode & S_IWOTH) {
        SL_WARN("%s: world-writable (mode %04o): anyone can change what "
                "sluice runs: chmod o-w it", path, mode);
    }
    const char *secret = (cfg->rest_token != NULL ? "rest.token"
                          : cfg->lldp_key != NULL ? "topology.lldp_key"
                          : NULL);
    if (secret != NULL && (mode & S_IROTH)) {
        SL_WARN("%s: holds a secret (%s) but is world-readable (mode "
                "%04o): chmod 600 it (640 with the group sluice runs as)",
                path, secret, mode);
    }
}

/* Becomes 'user' ('uid', 'gid') for good: its supplementary groups, then
 * the gid, then the uid (real, effective and saved), and checks that root
 * cannot be regained.  Returns 0, or an errno with one line in 'err'. */
static int
sl_drop_privileges(const char *user, uid_t uid, gid_t gid, char *err,
                   size_t errlen)
{
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;

    if (initgroups(user, gid) < 0) {
        int error = errno;
        snprintf(err, errlen, "user: cannot take the groups of '%s': %s",
                 user, strerror(error));
        return error;
    }
    if (setresgid(gid, gid, gid) < 0) {
        int error = errno;
        snprintf(err, errlen, "user: cannot set gid %u: %s",
                 (unsigned int) gid, strerror(error));
        return error;
    }
    if (setresuid(uid, uid, uid) < 0) {
        int error = errno;
        snprintf(err, errlen, "user: cannot set uid %u: %s",
                 (unsigned int) uid, strerror(error));
        return error;
    }
    if (getresuid(&ruid, &euid, &suid) < 0
        || getresgid(&rgid, &egid, &sgid) < 0
        || ruid != uid || euid != uid || suid != uid
        || rgid != gid || egid != gid || sgid != gid) {
        snprintf(err, errlen, "user: still not uid %u and gid %u after "
                 "setting them", (unsigned int) uid, (unsigned int) gid);
        return EPERM;
    }
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0
        || setegid(0) == 0) {
        snprintf(err, errlen, "user: root can be regained after becoming "
                 "'%s'", user);
        return EPERM;
    }
    return 0;
}

/* Starts the REST API of 'ctl'.  HTTPS reads openflow.tls's private key:
 * it gets the check of the ssl: listeners' (sl_tls_ctx_create()) here
 * when there are no such listeners.  Returns the API, or NULL with one
 * line in 'err'. */
static struct rest_api *
sl_rest_start(struct sl_controller *ctl, char *err, size_t errlen)
{
    if (ctl->cfg.rest_https && ctl->ssl_ctx == NULL
        && sl_tls_check_key(ctl->cfg.tls_private_key,
                            ctl->cfg.tls_allow_insecure_key, err, errlen)) {
        return NULL;
    }
    return rest_api_start(ctl, err, errlen);
}

/* What SIGHUP checks beyond what sl_controller_reload() does: 'user'
 * exists (a change needs a restart, and is named), the private key is
 * still private, and the file's own permissions.  Returns 0, or an errno
 * with one line in 'err'. */
static int
sl_reload_check(struct sl_daemon *d, char *err, size_t errlen)
{
    const char *path = d->ctl.config_path;
    struct sl_config next;
    int error;

    error = sl_config_load_file(path, &next, err, errlen);
    if (error) {
        return error;
    }
    if (next.user != NULL) {
        uid_t uid;
        gid_t gid;
        error = sl_config_resolve_user(&next, path, &uid, &gid, err,
                                       errlen);
        if (error) {
            goto out;
        }
    }
    if (!sl_name_equal(next.user, d->user)
        || !sl_name_equal(next.group, d->group)) {
        SL_WARN("reload: user changed: restart sluice to apply it");
    }
    if (sl_config_reads_key(&next)) {
        error = sl_tls_check_key(next.tls_private_key,
                                 next.tls_allow_insecure_key, err, errlen);
        if (error == EACCES
            && sl_str_equal(next.tls_private_key,
                            d->ctl.cfg.tls_private_key)) {
            /* The key that runs was checked when it was read; the user
             * sluice became may not even see it. */
            SL_DBG("reload: %s", err);
            error = 0;
        }
        if (error) {
            goto out;
        }
    }
    sl_check_config_mode(path, &next);

out:
    sl_config_destroy(&next);
    return error;
}

static void
sl_on_stop_signal(evutil_socket_t sig, short what, void *aux)
{
    struct sl_daemon *d = aux;

    (void) what;
    d->stop_signal = (int) sig;
    event_base_loopexit(d->base, NULL);
}

static void
sl_on_hup(evutil_socket_t sig, short what, void *aux)
{
    struct sl_daemon *d = aux;
    char err[512];

    (void) sig;
    (void) what;
    SL_INFO("SIGHUP: reloading the configuration");
    if ((d->ctl.config_path != NULL && sl_reload_check(d, err, sizeof err))
        || sl_controller_reload(&d->ctl, err, sizeof err)) {
        SL_ERR("reload failed, the running configuration is kept: %s", err);
    } else if (d->log_levels != NULL) {
        sl_apply_log_option(d->log_levels);
    }
}

/* ---- detaching ---- */

/* Forks; the parent waits until the child reports on a pipe whether it
 * started, and exits with that status.  Returns the pipe's write end in
 * the child (-1 on failure, reported on stderr). */
static int
sl_detach_fork(void)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0) {
        fprintf(stderr, "sluice: pipe: %s\n", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sluice: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid > 0) {
        unsigned char status = 1;
        close(fds[1]);
        if (read(fds[0], &status, 1) != 1) {
            status = 1;     /* The child died before reporting. */
        }
        _exit(status);
    }
    close(fds[0]);
    setsid();
    return fds[1];
}

/* Reports 'status' to the waiting parent and detaches the child from the
 * terminal. */
static void
sl_detach_done(int fd, unsigned char status)
{
    if (fd < 0) {
        return;
    }
    if (status == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            if (null > STDERR_FILENO) {
                close(null);
            }
        }
        if (chdir("/")) {
            /* Not fatal: the daemon keeps its start directory. */
        }
    }
    if (write(fd, &status, 1) != 1) {
        /* The parent is gone: nothing to tell. */
    }
    close(fd);
}

/* The files of openflow.tls, copied before sl_controller_init() takes the
 * configuration over (and frees it if it fails), for naming the key of a
 * file that failed ("": none, or too long to copy). */
struct sl_tls_files {
    char path[3][PATH_MAX];
};

static const char *const sl_tls_file_keys[3] = {
    "openflow.tls.certificate", "openflow.tls.private_key",
    "openflow.tls.ca_certificate",
};

static void
sl_tls_files_init(struct sl_tls_files *f, const struct sl_config *cfg)
{
    const char *paths[3] = {
        cfg->tls_certificate, cfg->tls_private_key, cfg->tls_ca_certificate,
    };

    for (size_t i = 0; i < 3; i++) {
        f->path[i][0] = '\0';
        if (paths[i] != NULL && strlen(paths[i]) < sizeof f->path[i]) {
            memcpy(f->path[i], paths[i], strlen(paths[i]) + 1);
        }
    }
}

/* Whether 'why' starts with 'prefix'. */
static bool
sl_starts_with(const char *why, const char *prefix)
{
    return !strncmp(why, prefix, strlen(prefix));
}

/* Writes into 'hint' what to do about the start-up failure 'why' (a
 * message of the controller, its apps, listeners or TLS files), or "" when
 * 'why' says it already or is not one of these. */
static void
sl_failure_hint(const char *why, const struct sl_tls_files *tls, char *hint,
                size_t len)
{
    bool listener = (sl_starts_with(why, "tcp:") || sl_starts_with(why, "ssl:")
                     || sl_starts_with(why, "rest:"));
    const char *key = sl_starts_with(why, "rest:") ? "rest.listen"
                                                   : "openflow.listen";

    hint[0] = '\0';
    if (listener && strstr(why, strerror(EADDRINUSE))) {
        snprintf(hint, len, "another process listens there ('ss -ltnp' "
                 "shows which): stop it, or change %s (sluice.yaml(5))",
                 key);
    } else if (listener && strstr(why, strerror(EADDRNOTAVAIL))) {
        snprintf(hint, len, "no interface of this host has that address: "
                 "use 0.0.0.0, [::] or one of its addresses in %s "
                 "(sluice.yaml(5))", key);
    } else if (listener && strstr(why, strerror(EACCES))) {
        snprintf(hint, len, "ports below 1024 need root: start sluice as "
                 "root with 'user:' set, or use a higher port in %s "
                 "(sluice.yaml(5))", key);
    } else if (sl_starts_with(why, "app '")) {
        if (strstr(why, ": not found in ")) {
            snprintf(hint, len, "an app is the file NAME.so in --app-path, "
                     "else $SLUICE_APP_PATH, else %s; check its name in "
                     "'apps' (sluice.yaml(5) lists the shipped apps)",
                     sl_apps_default_path());
        } else if (strstr(why, ": init failed: ")) {
            snprintf(hint, len, "the app's own log line above says why "
                     "(the keys of its 'config' section are in "
                     "sluice.yaml(5))");
        } else if (strstr(why, ": start failed: ")) {
            snprintf(hint, len, "the app's own log line above says why");
        } else if (strstr(why, "ABI") || strstr(why, "descriptor")
                   || strstr(why, "cannot load")) {
            snprintf(hint, len, "rebuild the app against this sluice's "
                     "headers (sluice --version shows its plugin ABI)");
        }
    } else if (!strstr(why, "chmod")) {
        for (size_t i = 0; i < 3; i++) {
            const char *path = tls->path[i];
            size_t n = strlen(path);
            if (n > 0 && !strncmp(why, path, n) && why[n] == ':') {
                snprintf(hint, len, "%s names it; sluice-pki(8) makes a "
                         "CA, a certificate and its key (see openflow.tls "
                         "in sluice.yaml(5))", sl_tls_file_keys[i]);
                break;
            }
        }
    }
}

/* Says why the daemon cannot start, with what to do about it when that is
 * known: in the log, and on the terminal too when the log goes to
 * syslog. */
static void
sl_report_failure(bool to_stderr_too, const struct sl_tls_files *tls,
                  const char *why)
{
    char hint[512];

    sl_failure_hint(why, tls, hint, sizeof hint);
    SL_ERR("cannot start: %s%s%s", why, hint[0] ? ": " : "", hint);
    if (to_stderr_too) {
        fprintf(stderr, "sluice: cannot start: %s%s%s\n", why,
                hint[0] ? ": " : "", hint);
    }
}

/* Prints the message 'err' of a configuration that could not be loaded
 * from 'path' and, when the configuration itself was refused (not its
 * file: "PATH:LINE:COL: ..."), where the keys are documented. */
static void
sl_report_config_error(const char *path, const char *err, bool starting)
{
    size_t n = strlen(path);
    bool refused = !strncmp(err, path, n) && err[n] == ':'
                   && err[n + 1] >= '0' && err[n + 1] <= '9';

    fprintf(stderr, "%s\n", err);
    if (refused) {
        fprintf(stderr, "%s: configuration rejected: the keys and their "
                "values are in sluice.yaml(5)%s\n", path,
                starting ? "; 'sluice --check-config FILE' checks a file "
                           "without starting" : "");
    }
}

static int
sl_write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");
    int error = 0;

    if (f == NULL || fprintf(f, "%ld\n", (long) getpid()) < 0) {
        error = errno ? errno : EIO;
    }
    if (f != NULL && fclose(f) != 0 && !error) {
        error = errno ? errno : EIO;
    }
    if (error) {
        fprintf(stderr, "sluice: --pidfile %s: %s\n", path, strerror(error));
    }
    return error;
}

static void
sl_print_key(const char *path, void *out)
{
    fprintf(out, "%s\n", path);
}

int
main(int argc, char *argv[])
{
    struct sl_options opt;
    struct sl_config cfg;
    struct sl_daemon d;
    struct sl_tls_files tls;
    struct event *ev_term = NULL, *ev_int = NULL, *ev_hup = NULL;
    char err[1024];
    int detach_fd = -1;
    int status;

    status = sl_parse_options(argc, argv, &opt);
    if (status >= 0) {
        return status;
    }

    if (opt.list_keys) {
        sl_config_keys(sl_print_key, stdout);
        return fflush(stdout) || ferror(stdout) ? 1 : 0;
    }

    if (opt.check_file != NULL) {
        if (sl_config_check(opt.check_file, err, sizeof err)) {
            sl_report_config_error(opt.check_file, err, false);
            return 1;
        }
        printf("%s: configuration is valid\n", opt.check_file);
        return 0;
    }

    if (opt.config_file != NULL) {
        if (sl_config_load_file(opt.config_file, &cfg, err, sizeof err)) {
            sl_report_config_error(opt.config_file, err, true);
            return 1;
        }
    } else {
        sl_config_defaults(&cfg);
    }
    if (opt.dump_config) {
        status = sl_config_dump(&cfg, stdout) ? 1 : 0;
        sl_config_destroy(&cfg);
        return status;
    }

    /* 'user': known, and reachable from here. */
    uid_t run_uid = 0;
    gid_t run_gid = 0;
    bool drop = false;
    if (cfg.user != NULL) {
        if (sl_config_resolve_user(&cfg, opt.config_file, &run_uid, &run_gid,
                                   err, sizeof err)) {
            sl_report_config_error(opt.config_file, err, true);
            sl_config_destroy(&cfg);
            return 1;
        }
        if (geteuid() == 0) {
            drop = true;
        } else if (geteuid() != run_uid || getegid() != run_gid) {
            fprintf(stderr, "sluice: cannot start: user: sluice runs as uid "
                    "%u gid %u, not root, so it cannot become '%s' (uid %u, "
                    "gid %u): start it as root, or remove 'user' from %s\n",
                    (unsigned int) geteuid(), (unsigned int) getegid(),
                    cfg.user, (unsigned int) run_uid,
                    (unsigned int) run_gid, opt.config_file);
            sl_config_destroy(&cfg);
            return 1;
        }
    }

    signal(SIGPIPE, SIG_IGN);
    /* The listeners are bound before the handlers of these signals are in
     * place (once everything has started): a SIGHUP in between would kill
     * the daemon, so they wait, blocked, for their handlers. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGHUP);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals, NULL);
    if (opt.detach) {
        detach_fd = sl_detach_fork();
        if (detach_fd < 0) {
            sl_config_destroy(&cfg);
            return 1;
        }
        cfg.log_syslog = true;
    }

    sl_log_route_libevent();
    memset(&d, 0, sizeof d);
    d.base = event_base_new();
    if (d.base == NULL) {
        fprintf(stderr, "sluice: cannot create the event loop\n");
        sl_config_destroy(&cfg);
        sl_detach_done(detach_fd, 1);
        return 1;
    }

    const char *app_path = opt.app_path;
    if (app_path == NULL) {
        app_path = getenv("SLUICE_APP_PATH");
    }
    d.log_levels = opt.log_levels;
    if (cfg.user != NULL) {
        snprintf(d.user, sizeof d.user, "%s", cfg.user);
        snprintf(d.group, sizeof d.group, "%s",
                 cfg.group != NULL ? cfg.group : "");
    }
    /* When the log goes to syslog, start-up failures go to stderr too. */
    bool echo_failures = opt.detach || cfg.log_syslog;
    sl_tls_files_init(&tls, &cfg);
    if (sl_controller_init(&d.ctl, d.base, &cfg, opt.config_file, app_path,
                           err, sizeof err)) {
        sl_report_failure(echo_failures, &tls, err);
        sl_config_destroy(&cfg);
        event_base_free(d.base);
        sl_detach_done(detach_fd, 1);
        return 1;
    }
    /* Command-line levels win over the file's. */
    if (opt.log_levels != NULL && sl_apply_log_option(opt.log_levels)) {
        sl_controller_uninit(&d.ctl);
        event_base_free(d.base);
        sl_detach_done(detach_fd, 2);
        return 2;
    }
    sl_check_config_mode(opt.config_file, &d.ctl.cfg);
    if (geteuid() == 0 && !drop) {
        SL_WARN("running as root: set 'user:' in the configuration to run "
                "as an unprivileged user once the listeners are bound");
    }
    d.topo = topo_create(&d.ctl, err, sizeof err);
    if (d.topo == NULL) {
        sl_report_failure(echo_failures, &tls, err);
        sl_controller_uninit(&d.ctl);
        event_base_free(d.base);
        sl_detach_done(detach_fd, 1);
        return 1;
    }
    if (sl_controller_start(&d.ctl, err, sizeof err)) {
        sl_report_failure(echo_failures, &tls, err);
        topo_destroy(d.topo);
        sl_controller_uninit(&d.ctl);
        event_base_free(d.base);
        sl_detach_done(detach_fd, 1);
        return 1;
    }
    if (d.ctl.cfg.rest_enabled) {
        d.api = sl_rest_start(&d.ctl, err, sizeof err);
        if (d.api == NULL) {
            sl_report_failure(echo_failures, &tls, err);
            topo_destroy(d.topo);
            sl_controller_uninit(&d.ctl);
            event_base_free(d.base);
            sl_detach_done(detach_fd, 1);
            return 1;
        }
    }
    if (opt.pidfile != NULL && sl_write_pidfile(opt.pidfile)) {
        rest_api_destroy(d.api);
        topo_destroy(d.topo);
        sl_controller_uninit(&d.ctl);
        event_base_free(d.base);
        sl_detach_done(detach_fd, 1);
        return 1;
    }
    /* Everything that needs root is done; the loop has not run yet. */
    if (drop && sl_drop_privileges(d.user, run_uid, run_gid, err,
                                   sizeof err)) {
        sl_report_failure(echo_failures, &tls, err);
        rest_api_destroy(d.api);
        topo_destroy(d.topo);
        sl_controller_uninit(&d.ctl);
        event_base_free(d.base);
        if (opt.pidfile != NULL) {
            unlink(opt.pidfile);
        }
        sl_detach_done(detach_fd, 1);
        return 1;
    }
    if (d.user[0] != '\0') {
        SL_INFO("running as user %s (uid %u, gid %u)", d.user,
                (unsigned int) getuid(), (unsigned int) getgid());
    }

    ev_term = evsignal_new(d.base, SIGTERM, sl_on_stop_signal, &d);
    ev_int = evsignal_new(d.base, SIGINT, sl_on_stop_signal, &d);
    ev_hup = evsignal_new(d.base, SIGHUP, sl_on_hup, &d);
    if (ev_term == NULL || ev_int == NULL || ev_hup == NULL
        || evsignal_add(ev_term, NULL) || evsignal_add(ev_int, NULL)
        || evsignal_add(ev_hup, NULL)) {
        fprintf(stderr, "sluice: cannot install signal handlers\n");
        status = 1;
        goto out;
    }
    sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);

    SL_INFO("sluice %s started (%s, %zu app%s)", PACKAGE_VERSION,
            opt.config_file != NULL ? opt.config_file : "embedded defaults",
            sl_apps_count(d.ctl.apps),
            sl_apps_count(d.ctl.apps) == 1 ? "" : "s");
    sl_detach_done(detach_fd, 0);
    detach_fd = -1;

    if (event_base_dispatch(d.base) < 0) {
        SL_ERR("event loop failed");
        status = 1;
    } else {
        status = 0;
    }
    if (d.stop_signal) {
        SL_INFO("%s: shutting down (flows stay on the switches)",
                strsignal(d.stop_signal));
    }

out:
    if (ev_term != NULL) {
        event_free(ev_term);
    }
    if (ev_int != NULL) {
        event_free(ev_int);
    }
    if (ev_hup != NULL) {
        event_free(ev_hup);
    }
    rest_api_destroy(d.api);
    topo_destroy(d.topo);
    sl_controller_uninit(&d.ctl);
    event_base_free(d.base);
    if (opt.pidfile != NULL && unlink(opt.pidfile) < 0 && errno != ENOENT) {
        /* After dropping privileges, when its directory is root's. */
        SL_WARN("%s: cannot remove the pid file: %s", opt.pidfile,
                strerror(errno));
    }
    sl_detach_done(detach_fd, (unsigned char) status);
    SL_INFO("stopped");
    return status;
}
