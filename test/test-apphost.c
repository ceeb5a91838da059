/* test-apphost: libcheck tests for controller/apphost (plugin loader,
 * lifecycle, dispatch, host functions, timers, reloads) and for the apps
 * hub driven through it (the other apps have their own tests, on
 * test/app-harness.h).
 *
 * The controller services are fakes that record their calls.  The plugins
 * are the fixtures of test/plugins (built as test/plugins/.libs/NAME.so)
 * and the real apps (apps/.libs/NAME.so), found from $top_builddir.  The
 * fixture 'good' logs every call it gets through the host; a log sink turns
 * those lines into a trace "app|message;..." that the tests compare. */
#include <config.h>
#include "controller/apphost.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include "controller/flowprog.h"
#include "controller/log.h"
#include "controller/prom.h"
#include "test/test-util.h"

/* ---- paths ---- */

static char plugin_dir[PATH_MAX]; /* test/plugins/.libs */
static char app_dir[PATH_MAX];    /* apps/.libs */
static char tmp_dir[PATH_MAX];    /* good_a.so... symlinks, junk.so */
static char search[3 * PATH_MAX + 3];

static void
make_paths(void)
{
    const char *top = getenv("top_builddir");
    char good[PATH_MAX + 16], real[PATH_MAX], link[PATH_MAX + 16];

    top = top && *top ? top : ".";
    snprintf(plugin_dir, sizeof plugin_dir, "%s/test/plugins/.libs", top);
    snprintf(app_dir, sizeof app_dir, "%s/apps/.libs", top);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test-apphost-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
    snprintf(search, sizeof search, "%s:%s:%s", tmp_dir, plugin_dir, app_dir);

    snprintf(good, sizeof good, "%s/good.so", plugin_dir);
    ck_assert_msg(realpath(good, real), "%s missing: run make check", good);
    for (const char *n = "abc"; *n; n++) {
        snprintf(link, sizeof link, "%s/good_%c.so", tmp_dir, *n);
        ck_assert_int_eq(symlink(real, link), 0);
    }
    snprintf(link, sizeof link, "%s/good-a.so", tmp_dir);
    ck_assert_int_eq(symlink(real, link), 0);
}

static void
remove_paths(void)
{
    char path[PATH_MAX + 16];

    for (const char *n = "abc"; *n; n++) {
        snprintf(path, sizeof path, "%s/good_%c.so", tmp_dir, *n);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/good-a.so", tmp_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/junk.so", tmp_dir);
    unlink(path);
    rmdir(tmp_dir);
}

/* ---- log capture ---- */

static char trace[16384];  /* "module|message;" of the apps' lines */
static char logall[16384]; /* the same for every module */

static void
append(char *buf, size_t size, const char *module, const char *msg, size_t len)
{
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s|%.*s;", module, (int) len, msg);
}

static void
capture(void *aux, enum sl_log_target target, int priority,
        enum sl_log_level level, const char *module, const char *text,
        size_t len)
{
    const char *msg = text;

    (void) aux;
    (void) priority;
    (void) level;
    /* "TIME|level|module|message\n" on stderr, "level|module|message" on
     * syslog. */
    for (int bars = target == SL_LOG_TO_STDERR ? 3 : 2; bars > 0; bars--) {
        msg = strchr(msg, '|') + 1;
    }
    len -= (size_t) (msg - text);
    if (len && msg[len - 1] == '\n') {
        len--;
    }
    append(logall, sizeof logall, module, msg, len);
    if (strcmp(module, "apphost") && strcmp(module, "libevent")) {
        append(trace, sizeof trace, module, msg, len);
    }
}

static void
trace_reset(void)
{
    trace[0] = '\0';
    logall[0] = '\0';
}

/* ---- fake services ---- */

struct flow_call {
    uint64_t dpid;
    uint16_t owner;
    uint8_t table_id;
    uint16_t priority;
    uint16_t n_oxms;
    struct ofp_oxm oxm0;
    size_t n_inst;
    uint16_t inst0_type;
    size_t n_actions;
    struct ofp_action act0;
    uint16_t idle, hard;
    sl_flow_done_cb *done;
    void *done_aux;
};

struct send_call {
    uint64_t dpid;
    uint8_t type;
    bool want_xid;
    struct ofp_packet_out po;
    struct ofp_action act0;
};

#define MAX_CALLS 32

static struct fake {
    struct flow_call adds[MAX_CALLS];
    size_t n_adds;
    struct send_call sends[MAX_CALLS];
    size_t n_sends;
    size_t adds_total;       /* every flow_add, also beyond MAX_CALLS */
    uint32_t last_out_port;  /* of the last PACKET_OUT's first action */
    int add_ret, send_ret, del_ret;
    /* flow_del */
    size_t n_dels;
    uint64_t del_dpid;
    uint16_t del_owner;
    uint8_t del_table;
    uint16_t del_priority;
    const struct ofp_match *del_match;
    sl_flow_done_cb *del_done;
    void *del_aux;
    /* flow_del_all */
    size_t n_del_alls;
    uint64_t del_all_dpid;
    uint16_t del_all_owner;
    /* queries */
    uint64_t last_dpid;
    uint32_t last_port;
    size_t last_max;
    char last_table[16];
    void *aux_seen;
} fake;

static struct sl_switch fake_switch = {.dpid = 1, .n_tables = 254};
static struct ofp_port fake_port = {.port_no = 7, .name = "eth7"};

static int
fake_flow_add(void *aux, uint64_t dpid, uint16_t owner,
              const struct sl_flow_spec *spec, sl_flow_done_cb *done,
              void *done_aux)
{
    fake.aux_seen = aux;
    fake.adds_total++;
    if (fake.n_adds < MAX_CALLS) {
        struct flow_call *c = &fake.adds[fake.n_adds++];
        memset(c, 0, sizeof *c);
        c->dpid = dpid;
        c->owner = owner;
        c->table_id = spec->table_id;
        c->priority = spec->priority;
        c->n_oxms = spec->match.n_oxms;
        if (spec->match.n_oxms) {
            c->oxm0 = spec->match.oxms[0];
        }
        c->n_inst = spec->instructions.n;
        if (spec->instructions.n) {
            const struct ofp_instruction *i =
                &spec->instructions.instructions[0];
            c->inst0_type = i->type;
            if (i->type == OFPIT_APPLY_ACTIONS && i->actions.n) {
                c->n_actions = i->actions.n;
                c->act0 = i->actions.actions[0];
            }
        }
        c->idle = spec->idle_timeout;
        c->hard = spec->hard_timeout;
        c->done = done;
        c->done_aux = done_aux;
    }
    return fake.add_ret;
}

static int
fake_flow_del(void *aux, uint64_t dpid, uint16_t owner, uint8_t table_id,
              uint16_t priority, const struct ofp_match *match,
              sl_flow_done_cb *done, void *done_aux)
{
    fake.aux_seen = aux;
    fake.n_dels++;
    fake.del_dpid = dpid;
    fake.del_owner = owner;
    fake.del_table = table_id;
    fake.del_priority = priority;
    fake.del_match = match;
    fake.del_done = done;
    fake.del_aux = done_aux;
    return fake.del_ret;
}

static size_t
fake_flow_del_all(void *aux, uint64_t dpid, uint16_t owner)
{
    fake.aux_seen = aux;
    fake.n_del_alls++;
    fake.del_all_dpid = dpid;
    fake.del_all_owner = owner;
    return 3;
}

static int
fake_send(void *aux, uint64_t dpid, const struct ofp_msg *msg, uint32_t *xid)
{
    fake.aux_seen = aux;
    if (msg->type == OFPT_PACKET_OUT && msg->packet_out.actions.n) {
        fake.last_out_port = msg->packet_out.actions.actions[0].output.port;
    }
    if (fake.n_sends < MAX_CALLS) {
        struct send_call *c = &fake.sends[fake.n_sends++];
        memset(c, 0, sizeof *c);
        c->dpid = dpid;
        c->type = msg->type;
        c->want_xid = xid != NULL;
        if (msg->type == OFPT_PACKET_OUT) {
            c->po = msg->packet_out;
            if (msg->packet_out.actions.n) {
                c->act0 = msg->packet_out.actions.actions[0];
            }
        }
    }
    if (xid) {
        *xid = 1234;
    }
    return fake.send_ret;
}

static const struct sl_switch *
fake_switch_get(void *aux, uint64_t dpid)
{
    fake.aux_seen = aux;
    fake.last_dpid = dpid;
    return dpid == 1 ? &fake_switch : NULL;
}

static size_t
fake_switch_list(void *aux, uint64_t *dpids, size_t max)
{
    fake.aux_seen = aux;
    fake.last_max = max;
    for (size_t i = 0; i < max && i < 2; i++) {
        dpids[i] = i + 1;
    }
    return 2;
}

static const struct ofp_port *
fake_port_get(void *aux, uint64_t dpid, uint32_t port_no)
{
    fake.aux_seen = aux;
    fake.last_dpid = dpid;
    fake.last_port = port_no;
    return dpid == 1 && port_no == 7 ? &fake_port : NULL;
}

static int
fake_table_id(void *aux, const char *name)
{
    static const char *const names[] = {"acl", "l3", "l2"};

    fake.aux_seen = aux;
    snprintf(fake.last_table, sizeof fake.last_table, "%s", name);
    for (int i = 0; i < 3; i++) {
        if (!strcmp(name, names[i])) {
            return i;
        }
    }
    return -1;
}

static const struct sl_apps_services fake_services = {
    .flow_add = fake_flow_add,
    .flow_del = fake_flow_del,
    .flow_del_all = fake_flow_del_all,
    .send = fake_send,
    .switch_get = fake_switch_get,
    .switch_list = fake_switch_list,
    .port_get = fake_port_get,
    .table_id = fake_table_id,
};

static int fake_aux_token;

/* ---- fixture ---- */

static struct event_base *base;
static struct sl_apps *apps;
static struct sl_config cfg, cfg2;
static char err[512];

static void
setup(void)
{
    memset(&fake, 0, sizeof fake);
    memset(&cfg, 0, sizeof cfg);
    memset(&cfg2, 0, sizeof cfg2);
    err[0] = '\0';
    trace_reset();
    unsetenv("SLUICE_TEST_PLUGIN_RAN");
    sl_log_reset();
    sl_log_set_sink(capture, NULL);
    make_paths();
    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    apps = sl_apps_create(base, &fake_services, &fake_aux_token);
    ck_assert_ptr_nonnull(apps);
}

static void
teardown(void)
{
    sl_apps_destroy(apps);
    apps = NULL;
    sl_config_destroy(&cfg);
    sl_config_destroy(&cfg2);
    event_base_free(base);
    base = NULL;
    remove_paths();
    sl_log_set_sink(NULL, NULL);
    sl_log_reset();
}

static void
parse_config(const char *yaml, struct sl_config *c)
{
    char perr[256];
    int error = sl_config_load_string(yaml, strlen(yaml), "test.yaml", c, perr,
                                      sizeof perr);
    ck_assert_msg(!error, "%s", perr);
}

/* Loads the apps of config text 'yaml' into 'apps'. */
static int
load(const char *yaml)
{
    parse_config(yaml, &cfg);
    return sl_apps_load(apps, &cfg, search, err, sizeof err);
}

static void
load_ok(const char *yaml)
{
    int error = load(yaml);
    ck_assert_msg(!error, "load: %s", err);
}

static void
start_ok(void)
{
    int error = sl_apps_start(apps, err, sizeof err);
    ck_assert_msg(!error, "start: %s", err);
}

/* The 'good' fixture's test hooks. */
static const struct sl_host *
good_host(void)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/good.so", plugin_dir);
    void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    ck_assert_msg(h, "good.so not loaded: %s", dlerror());
    const struct sl_host *const *host = dlsym(h, "good_host");
    ck_assert_ptr_nonnull(host);
    const struct sl_host *result = *host;
    dlclose(h);
    return result;
}

/* The context of the 'good' instance initialised 'back' inits ago (0: the
 * last one). */
static struct sl_ctx *
good_ctx(unsigned int back)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/good.so", plugin_dir);
    void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    ck_assert_msg(h, "good.so not loaded: %s", dlerror());
    struct sl_ctx **ctxs = dlsym(h, "good_ctxs");
    unsigned int *n = dlsym(h, "good_n_ctxs");
    ck_assert_ptr_nonnull(ctxs);
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_gt(*n, back);
    struct sl_ctx *ctx = ctxs[*n - 1 - back];
    dlclose(h);
    return ctx;
}

static struct sl_event
event(enum sl_event_type type, uint64_t dpid)
{
    struct sl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.dpid = dpid;
    ev.sw = &fake_switch;
    return ev;
}

static const char two_goods[] = "apps:\n"
                                "  - name: good_a\n"
                                "    config: {greeting: a}\n"
                                "  - name: good_b\n"
                                "    config: {greeting: b}\n";

/* The flow owner id of app 'name'. */
static uint16_t
owner(const char *name)
{
    return sl_apps_owner_id(name);
}

/* An owner id that is neither 'a' nor 'b' (nor 0). */
static uint16_t
other_owner(uint16_t a, uint16_t b)
{
    uint16_t id = 1;
    while (id == a || id == b) {
        id++;
    }
    return id;
}

/* ---- loading ---- */

START_TEST(test_load_good_passes_config_node)
{
    load_ok("apps:\n"
            "  - name: good\n"
            "    config: {greeting: hello, priority: 5}\n");
    ck_assert_uint_eq(sl_apps_count(apps), 1);
    ck_assert_str_eq(trace, "good|init greeting=hello priority=5;"
                            "good|bad type=22,22,22;");
    ck_assert_str_eq(sl_apps_owner_name(apps, owner("good")), "good");
    ck_assert_str_eq(sl_apps_owner_name(apps, SL_OWNER_CORE), "sluice");
    ck_assert_ptr_null(
        sl_apps_owner_name(apps, other_owner(owner("good"), 0)));
    ck_assert_ptr_nonnull(strstr(logall, "apphost|app 'good' loaded from "));
}
END_TEST

START_TEST(test_load_without_config_gives_null_node)
{
    load_ok("apps:\n  - name: good\n");
    ck_assert_str_eq(trace, "good|init greeting=(none) priority=0;"
                            "good|bad type=22,22,22;");
}
END_TEST

START_TEST(test_load_empty_list)
{
    load_ok("apps: []\n");
    ck_assert_uint_eq(sl_apps_count(apps), 0);
    start_ok();
    struct sl_event ev = event(SL_EV_PACKET_IN, 1);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "");
}
END_TEST

START_TEST(test_lifecycle_order_two_apps)
{
    load_ok(two_goods);
    ck_assert_uint_eq(sl_apps_count(apps), 2);
    trace_reset();
    start_ok();
    ck_assert_str_eq(trace, "good_a|start subscribe=0;"
                            "good_b|start subscribe=0;");
    trace_reset();
    sl_apps_stop(apps);
    ck_assert_str_eq(trace, "good_b|stop;good_a|stop;");
    trace_reset();
    sl_apps_destroy(apps);
    apps = NULL;
    ck_assert_str_eq(trace, "good_b|fini;good_a|fini;");
}
END_TEST

START_TEST(test_destroy_stops_first)
{
    load_ok(two_goods);
    start_ok();
    trace_reset();
    sl_apps_destroy(apps);
    apps = NULL;
    ck_assert_str_eq(trace, "good_b|stop;good_a|stop;"
                            "good_b|fini;good_a|fini;");
}
END_TEST

START_TEST(test_same_file_twice_keeps_state_per_app)
{
    load_ok(two_goods);
    const struct sl_host *host = good_host();
    struct sl_ctx *b = good_ctx(0), *a = good_ctx(1);

    ck_assert_ptr_ne(a, b);
    ck_assert_str_eq(host->name(a), "good_a");
    ck_assert_str_eq(host->name(b), "good_b");
    ck_assert_ptr_ne(host->get_data(a), host->get_data(b));
    ck_assert_ptr_eq(sl_apps_owner_name(apps, owner("good_b")), host->name(b));
}
END_TEST

START_TEST(test_missing_file_names_app_and_path)
{
    ck_assert_int_eq(load("apps:\n  - name: good\n  - name: nope\n"), ENOENT);
    char want[sizeof search + 64];
    snprintf(want, sizeof want, "app 'nope': not found in %s", search);
    ck_assert_str_eq(err, want);
    /* 'good' was unwound. */
    ck_assert_uint_eq(sl_apps_count(apps), 0);
    ck_assert_ptr_nonnull(strstr(trace, "good|fini;"));
}
END_TEST

START_TEST(test_default_search_path_used_without_one)
{
    parse_config("apps:\n  - name: surely_not_installed\n", &cfg);
    ck_assert_int_eq(sl_apps_load(apps, &cfg, NULL, err, sizeof err), ENOENT);
    char want[PATH_MAX];
    snprintf(want, sizeof want, "app 'surely_not_installed': not found in %s",
             sl_apps_default_path());
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_path_name_loads_that_file)
{
    char path[PATH_MAX + 16];
    struct sl_config_app app = {path, NULL};
    struct sl_config c = {.apps = &app, .n_apps = 1};

    snprintf(path, sizeof path, "%s/good.so", plugin_dir);
    ck_assert_int_eq(sl_apps_load(apps, &c, "/nonexistent", err, sizeof err),
                     0);
    ck_assert_str_eq(sl_apps_owner_name(apps, owner(path)), path);
}
END_TEST

START_TEST(test_unloadable_file_reports_dlerror)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/junk.so", tmp_dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not an ELF file\n", f);
    fclose(f);

    ck_assert_int_eq(load("apps:\n  - name: junk\n"), ELIBBAD);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "app 'junk': cannot load %s: ", path);
    ck_assert_msg(!strncmp(err, want, strlen(want)), "got: %s", err);
    /* dlerror() follows, naming the file again. */
    ck_assert_ptr_nonnull(strstr(err + strlen(want), "junk.so"));
}
END_TEST

/* Expects 'name' to be refused with "app 'NAME': DIR/NAME.so: 'rest'". */
static void
assert_refused(const char *name, int want_error, const char *rest)
{
    char yaml[128], want[PATH_MAX + 256];

    snprintf(yaml, sizeof yaml, "apps:\n  - name: %s\n", name);
    ck_assert_int_eq(load(yaml), want_error);
    snprintf(want, sizeof want, "app '%s': %s/%s.so%s", name, plugin_dir, name,
             rest);
    ck_assert_str_eq(err, want);
    ck_assert_uint_eq(sl_apps_count(apps), 0);
    ck_assert_ptr_null(getenv("SLUICE_TEST_PLUGIN_RAN"));
}

START_TEST(test_bad_abi_major_refused_before_plugin_code)
{
    char rest[64];
    snprintf(rest, sizeof rest, ": ABI %d.0, this sluice speaks %d.%d",
             SL_APP_ABI_MAJOR + 1, SL_APP_ABI_MAJOR, SL_APP_ABI_MINOR);
    assert_refused("bad_abi", ENOEXEC, rest);
}
END_TEST

/* Runs 'fn' with bad_abi's (writable) descriptor loaded and reachable. */
static struct sl_app_def *
open_bad_abi(void **handle)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/bad_abi.so", plugin_dir);
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(*handle, "%s", dlerror());
    struct sl_app_def *def = dlsym(*handle, "sluice_app");
    ck_assert_ptr_nonnull(def);
    return def;
}

START_TEST(test_abi_minor_too_new_refused)
{
    void *h;
    struct sl_app_def *def = open_bad_abi(&h);
    def->abi_major = SL_APP_ABI_MAJOR;
    def->abi_minor = SL_APP_ABI_MINOR + 1;
    char rest[64];
    snprintf(rest, sizeof rest, ": ABI %d.%d, this sluice speaks %d.%d",
             SL_APP_ABI_MAJOR, SL_APP_ABI_MINOR + 1, SL_APP_ABI_MAJOR,
             SL_APP_ABI_MINOR);
    assert_refused("bad_abi", ENOEXEC, rest);
    dlclose(h);
}
END_TEST

START_TEST(test_descriptor_without_init_refused)
{
    void *h;
    struct sl_app_def *def = open_bad_abi(&h);
    def->abi_major = SL_APP_ABI_MAJOR;
    def->init = NULL;
    assert_refused("bad_abi", EINVAL, ": descriptor has no init");
    dlclose(h);
}
END_TEST

START_TEST(test_older_minor_with_its_size_accepted)
{
    void *h;
    struct sl_app_def *def = open_bad_abi(&h);
    def->abi_major = SL_APP_ABI_MAJOR;
    load_ok("apps:\n  - name: bad_abi\n");
    /* Its init ran, once the descriptor was right. */
    ck_assert_str_eq(getenv("SLUICE_TEST_PLUGIN_RAN"), "bad_abi");
    sl_apps_destroy(apps);
    apps = NULL;
    dlclose(h);
}
END_TEST

START_TEST(test_descriptor_without_flags_refused)
{
    void *h;
    struct sl_app_def *def = open_bad_abi(&h);
    char rest[128];

    def->abi_major = SL_APP_ABI_MAJOR;
    def->size = offsetof(struct sl_app_def, flags);
    snprintf(rest, sizeof rest, ": descriptor of %zu bytes, ABI %d.%d needs %zu",
             offsetof(struct sl_app_def, flags), SL_APP_ABI_MAJOR,
             def->abi_minor, sizeof(struct sl_app_def));
    assert_refused("bad_abi", ENOEXEC, rest);
    dlclose(h);
}
END_TEST

START_TEST(test_descriptor_flags_are_read)
{
    void *h;
    struct sl_app_def *def = open_bad_abi(&h);

    def->abi_major = SL_APP_ABI_MAJOR;
    ck_assert_uint_eq(def->size, sizeof(struct sl_app_def));
    def->flags = SL_APP_F_ADOPT_FLOWS;
    load_ok("apps:\n  - name: bad_abi\n");
    ck_assert(sl_apps_owner_adopts(apps, owner("bad_abi")));
    sl_apps_destroy(apps);
    apps = NULL;
    dlclose(h);
}
END_TEST

START_TEST(test_size_too_small_refused)
{
    char rest[128];
    snprintf(rest, sizeof rest, ": descriptor of 8 bytes, ABI %d.%d needs %zu",
             SL_APP_ABI_MAJOR, SL_APP_ABI_MINOR, sizeof(struct sl_app_def));
    assert_refused("bad_size", ENOEXEC, rest);
}
END_TEST

START_TEST(test_no_symbol_refused)
{
    assert_refused("no_symbol", ELIBBAD,
                   " has no 'sluice_app' descriptor (not a Sluice app?)");
}
END_TEST

START_TEST(test_refusal_unwinds_earlier_apps)
{
    ck_assert_int_eq(load("apps:\n  - name: good_a\n  - name: good_b\n"
                          "  - name: bad_abi\n"),
                     ENOEXEC);
    ck_assert_ptr_nonnull(strstr(err, "app 'bad_abi': "));
    ck_assert_ptr_nonnull(strstr(trace, "good_b|fini;good_a|fini;"));
    ck_assert_uint_eq(sl_apps_count(apps), 0);
}
END_TEST

START_TEST(test_failing_init_unwinds_everything)
{
    ck_assert_int_eq(load("apps:\n  - name: good\n  - name: fail_init\n"),
                     EPERM);
    char want[PATH_MAX + 128];
    snprintf(want, sizeof want,
             "app 'fail_init': %s/fail_init.so: init failed: %s", plugin_dir,
             strerror(EPERM));
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(trace, "good|init greeting=(none) priority=0;"
                            "good|bad type=22,22,22;"
                            "fail_init|init;fail_init|fini;good|fini;");
    ck_assert_uint_eq(sl_apps_count(apps), 0);
    /* The failed app's timer went with it. */
    ck_assert_int_eq(event_base_loop(base, EVLOOP_NONBLOCK), 1);
}
END_TEST

START_TEST(test_load_twice_is_ebusy)
{
    load_ok("apps:\n  - name: good\n");
    ck_assert_int_eq(sl_apps_load(apps, &cfg, search, err, sizeof err), EBUSY);
    ck_assert_uint_eq(sl_apps_count(apps), 1);
}
END_TEST

START_TEST(test_start_failure_stops_started_in_reverse)
{
    load_ok("apps:\n  - name: good_a\n"
            "  - name: good_b\n    config: {fail_start: true}\n"
            "  - name: good_c\n");
    trace_reset();
    ck_assert_int_eq(sl_apps_start(apps, err, sizeof err), ECONNREFUSED);
    char want[128];
    snprintf(want, sizeof want, "app 'good_b': start failed: %s",
             strerror(ECONNREFUSED));
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(trace, "good_a|start subscribe=0;"
                            "good_b|start subscribe=0;good_b|stop;"
                            "good_a|stop;");

    /* Nobody receives events now. */
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 1);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "");

    sl_apps_destroy(apps);
    apps = NULL;
    ck_assert_str_eq(trace, "good_c|fini;good_b|fini;good_a|fini;");
}
END_TEST

/* ---- dispatch ---- */

START_TEST(test_dispatch_by_priority)
{
    load_ok("apps:\n"
            "  - name: good_a\n    config: {priority: 1}\n"
            "  - name: good_b\n    config: {priority: 5}\n");
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 9);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "good_b|h1 dpid=9;good_b|h2 dpid=9;"
                            "good_a|h1 dpid=9;good_a|h2 dpid=9;");
}
END_TEST

START_TEST(test_dispatch_ties_follow_config_order)
{
    load_ok("apps:\n"
            "  - name: good_b\n    config: {priority: 3}\n"
            "  - name: good_a\n    config: {priority: 3}\n");
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 2);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "good_b|h1 dpid=2;good_b|h2 dpid=2;"
                            "good_a|h1 dpid=2;good_a|h2 dpid=2;");
}
END_TEST

START_TEST(test_dispatch_negative_priority_last)
{
    load_ok("apps:\n"
            "  - name: good_a\n    config: {priority: -4}\n"
            "  - name: good_b\n");
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 2);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "good_b|h1 dpid=2;good_b|h2 dpid=2;"
                            "good_a|h1 dpid=2;good_a|h2 dpid=2;");
}
END_TEST

START_TEST(test_dispatch_stop_ends_walk)
{
    load_ok("apps:\n"
            "  - name: good_a\n    config: {priority: 1}\n"
            "  - name: good_b\n    config: {priority: 5, stop: true}\n");
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 3);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "good_b|h1 dpid=3;");
}
END_TEST

START_TEST(test_dispatch_only_to_subscribers_of_type)
{
    load_ok(two_goods);
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_FLOW_REMOVED, 1);
    sl_apps_dispatch(apps, &ev);
    ev = event(SL_EV_N_TYPES, 1);
    sl_apps_dispatch(apps, &ev);
    sl_apps_dispatch(apps, NULL);
    ck_assert_str_eq(trace, "");
    /* Subscribed in start: delivered. */
    ev = event(SL_EV_SWITCH_UP, 4);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "good_a|up dpid=4;good_b|up dpid=4;");
}
END_TEST

START_TEST(test_nothing_before_start_or_after_stop)
{
    load_ok(two_goods);
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 1);
    sl_apps_dispatch(apps, &ev);
    sl_apps_dispatch_to_owner(apps, owner("good_a"), &ev);
    ck_assert_str_eq(trace, "");
    start_ok();
    sl_apps_stop(apps);
    trace_reset();
    sl_apps_dispatch(apps, &ev);
    sl_apps_dispatch_to_owner(apps, owner("good_b"), &ev);
    ck_assert_str_eq(trace, "");
}
END_TEST

START_TEST(test_dispatch_to_owner_only)
{
    load_ok("apps:\n"
            "  - name: good_a\n    config: {priority: 9, stop: true}\n"
            "  - name: good_b\n");
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_PACKET_IN, 5);
    sl_apps_dispatch_to_owner(apps, owner("good_b"), &ev);
    ck_assert_str_eq(trace, "good_b|h1 dpid=5;good_b|h2 dpid=5;");
    trace_reset();
    /* STOP ends the owner's own walk too. */
    sl_apps_dispatch_to_owner(apps, owner("good_a"), &ev);
    ck_assert_str_eq(trace, "good_a|h1 dpid=5;");
    trace_reset();
    sl_apps_dispatch_to_owner(apps, SL_OWNER_CORE, &ev);
    sl_apps_dispatch_to_owner(
        apps, other_owner(owner("good_a"), owner("good_b")), &ev);
    ck_assert_str_eq(trace, "");
}
END_TEST

START_TEST(test_subscribe_after_start_refused)
{
    load_ok("apps:\n  - name: good\n");
    start_ok();
    trace_reset();
    struct sl_event ev = event(SL_EV_SWITCH_DOWN, 1);
    sl_apps_dispatch(apps, &ev);
    char want[64];
    snprintf(want, sizeof want, "good|late subscribe=%d;", EINVAL);
    ck_assert_str_eq(trace, want);
    ck_assert_ptr_nonnull(strstr(logall, "apphost|app 'good': subscribe "
                                         "outside init and start refused"));
    /* Nothing was added for SL_EV_ERROR. */
    trace_reset();
    ev = event(SL_EV_ERROR, 1);
    sl_apps_dispatch(apps, &ev);
    ck_assert_str_eq(trace, "");
}
END_TEST

START_TEST(test_subscribe_bad_type_einval)
{
    load_ok("apps:\n  - name: good\n");
    char want[64];
    snprintf(want, sizeof want, "good|bad type=%d,%d,%d;", EINVAL, EINVAL,
             EINVAL);
    ck_assert_ptr_nonnull(strstr(trace, want));
}
END_TEST

/* ---- owner ids ---- */

/* Each of the four contexts of two hosts, [good_a, good_b] and [good_b,
 * good_a], adds a flow: the owner passed on is its name's id. */
START_TEST(test_owner_ids_follow_names_not_order)
{
    struct sl_apps *apps2 =
        sl_apps_create(base, &fake_services, &fake_aux_token);
    struct sl_flow_spec spec;

    load_ok(two_goods);
    parse_config("apps:\n  - name: good_b\n  - name: good_a\n", &cfg2);
    ck_assert_int_eq(sl_apps_load(apps2, &cfg2, search, err, sizeof err), 0);
    ck_assert_uint_ne(owner("good_a"), owner("good_b"));

    const struct sl_host *host = good_host();
    memset(&spec, 0, sizeof spec);
    spec.match.type = OFPMT_OXM;
    for (unsigned int back = 0; back < 4; back++) {
        struct sl_ctx *ctx = good_ctx(back);
        ck_assert_int_eq(host->flow_add(ctx, 1, &spec, NULL, NULL), 0);
        ck_assert_uint_eq(fake.adds[back].owner, owner(host->name(ctx)));
    }
    ck_assert_str_eq(host->name(good_ctx(0)), "good_a"); /* apps2's */
    ck_assert_str_eq(host->name(good_ctx(3)), "good_a"); /* apps' */
    ck_assert_uint_eq(fake.adds[0].owner, fake.adds[3].owner);
    ck_assert_uint_eq(fake.adds[1].owner, fake.adds[2].owner);
    for (int i = 0; i < 2; i++) {
        struct sl_apps *h = i ? apps2 : apps;
        ck_assert_str_eq(sl_apps_owner_name(h, owner("good_a")), "good_a");
        ck_assert_str_eq(sl_apps_owner_name(h, owner("good_b")), "good_b");
    }
    sl_apps_destroy(apps2);
}
END_TEST

/* The ids live in cookies on switches: the function must never change. */
START_TEST(test_owner_id_is_fixed_and_never_reserved)
{
    char name[32];

    ck_assert_uint_eq(sl_apps_owner_id("hub"), 0x4980);
    ck_assert_uint_eq(sl_apps_owner_id("l2_learning"), 0x2c47);
    ck_assert_uint_eq(sl_apps_owner_id("hub"), sl_apps_owner_id("hub"));
    for (unsigned int i = 0; i < 300000; i++) {
        snprintf(name, sizeof name, "app-%u", i);
        uint16_t id = sl_apps_owner_id(name);
        ck_assert_uint_ne(id, SL_OWNER_CORE);
        ck_assert_uint_ne(id, 0xffff);
    }
}
END_TEST

/* Finds two names "appN" with the same owner id. */
static void
colliding_names(char *a, char *b, size_t size)
{
    static uint32_t first[UINT16_MAX + 1]; /* N + 1 of the first "appN" */

    memset(first, 0, sizeof first);
    for (uint32_t n = 0; n < 1000000; n++) {
        snprintf(b, size, "app%" PRIu32, n);
        uint16_t id = sl_apps_owner_id(b);
        if (first[id]) {
            snprintf(a, size, "app%" PRIu32, first[id] - 1);
            return;
        }
        first[id] = n + 1;
    }
    ck_abort_msg("no collision found");
}

START_TEST(test_owner_id_collision_refused_before_loading)
{
    char a[32], b[32], yaml[256], want[256];

    colliding_names(a, b, sizeof a);
    ck_assert_str_ne(a, b);
    ck_assert_uint_eq(sl_apps_owner_id(a), sl_apps_owner_id(b));
    snprintf(yaml, sizeof yaml,
             "apps:\n  - name: good\n  - name: %s\n  - name: %s\n", a, b);
    ck_assert_int_eq(load(yaml), EINVAL);
    snprintf(want, sizeof want,
             "apps '%s' and '%s' have the same flow owner id 0x%04x: "
             "rename one",
             a, b, (unsigned int) sl_apps_owner_id(a));
    ck_assert_str_eq(err, want);
    ck_assert_uint_eq(sl_apps_count(apps), 0);
    ck_assert_str_eq(trace, ""); /* not even 'good' was loaded */
}
END_TEST

START_TEST(test_owner_adopts_only_flagged_apps)
{
    load_ok("apps:\n  - name: good\n  - name: l2_learning\n");
    ck_assert(sl_apps_owner_adopts(apps, owner("l2_learning")));
    ck_assert(!sl_apps_owner_adopts(apps, owner("good")));
    ck_assert(!sl_apps_owner_adopts(apps, SL_OWNER_CORE));
    ck_assert(!sl_apps_owner_adopts(
        apps, other_owner(owner("good"), owner("l2_learning"))));
}
END_TEST

START_TEST(test_hub_does_not_adopt)
{
    load_ok("apps:\n  - name: hub\n");
    ck_assert(!sl_apps_owner_adopts(apps, owner("hub")));
}
END_TEST

START_TEST(test_packet_l2_only_when_every_reader_says_so)
{
    /* Both flag SL_APP_F_PACKET_L2. */
    load_ok("apps:\n  - name: l2_learning\n  - name: hub\n");
    ck_assert(sl_apps_packet_l2_only(apps));
}
END_TEST

START_TEST(test_packet_whole_for_one_unflagged_reader)
{
    /* 'good' handles PACKET_INs without the flag: it may read L3. */
    load_ok("apps:\n  - name: l2_learning\n  - name: good\n");
    ck_assert(!sl_apps_packet_l2_only(apps));
}
END_TEST

START_TEST(test_packet_l2_only_without_readers)
{
    ck_assert(sl_apps_packet_l2_only(apps));
    load_ok("apps: []\n");
    ck_assert(sl_apps_packet_l2_only(apps));
}
END_TEST

/* ---- host functions ---- */

static int done_calls;

static void
done_cb(void *aux, uint64_t dpid, enum ofperr error)
{
    (void) aux;
    (void) dpid;
    (void) error;
    done_calls++;
}

START_TEST(test_flow_functions_pass_owner)
{
    load_ok(two_goods);
    const struct sl_host *host = good_host();
    struct sl_ctx *b = good_ctx(0);
    struct ofp_oxm oxm;
    struct sl_flow_spec spec;
    int tok;

    memset(&spec, 0, sizeof spec);
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = 3;
    spec.table_id = 2;
    spec.priority = 10;
    spec.match.type = OFPMT_OXM;
    spec.match.n_oxms = 1;
    spec.match.oxms = &oxm;
    spec.idle_timeout = 4;

    fake.add_ret = 0;
    ck_assert_int_eq(host->flow_add(b, 7, &spec, done_cb, &tok), 0);
    ck_assert_uint_eq(fake.n_adds, 1);
    ck_assert_uint_eq(fake.adds[0].dpid, 7);
    ck_assert_uint_eq(fake.adds[0].owner, owner("good_b"));
    ck_assert_uint_eq(fake.adds[0].table_id, 2);
    ck_assert_uint_eq(fake.adds[0].priority, 10);
    ck_assert_uint_eq(fake.adds[0].idle, 4);
    ck_assert_uint_eq(fake.adds[0].oxm0.value.u32, 3);
    ck_assert_ptr_eq(fake.adds[0].done, done_cb);
    ck_assert_ptr_eq(fake.adds[0].done_aux, &tok);
    ck_assert_ptr_eq(fake.aux_seen, &fake_aux_token);
    fake.add_ret = EINVAL;
    ck_assert_int_eq(host->flow_add(b, 7, &spec, NULL, NULL), EINVAL);
    ck_assert_int_eq(host->flow_add(b, 7, NULL, NULL, NULL), EINVAL);
    ck_assert_uint_eq(fake.n_adds, 2);

    fake.del_ret = EPERM;
    ck_assert_int_eq(
        host->flow_del(good_ctx(1), 8, 2, 10, &spec.match, done_cb, &tok),
        EPERM);
    ck_assert_uint_eq(fake.n_dels, 1);
    ck_assert_uint_eq(fake.del_dpid, 8);
    ck_assert_uint_eq(fake.del_owner, owner("good_a"));
    ck_assert_uint_eq(fake.del_table, 2);
    ck_assert_uint_eq(fake.del_priority, 10);
    ck_assert_ptr_eq(fake.del_match, &spec.match);
    ck_assert_ptr_eq(fake.del_done, done_cb);
    ck_assert_ptr_eq(fake.del_aux, &tok);
    ck_assert_int_eq(host->flow_del(b, 8, 2, 10, NULL, NULL, NULL), EINVAL);
    ck_assert_uint_eq(fake.n_dels, 1);

    ck_assert_uint_eq(host->flow_del_all(b, 0), 3);
    ck_assert_uint_eq(fake.del_all_owner, owner("good_b"));
    ck_assert_uint_eq(fake.del_all_dpid, 0);
}
END_TEST

START_TEST(test_send_and_packet_out)
{
    load_ok(two_goods);
    const struct sl_host *host = good_host();
    struct sl_ctx *a = good_ctx(1);
    struct ofp_action act = {.type = OFPAT_OUTPUT, .output = {.port = 3}};
    uint8_t data[4] = {1, 2, 3, 4};
    struct ofp_packet_out po = {
        .buffer_id = OFP_NO_BUFFER,
        .in_port = 2,
        .actions = {1, &act},
        .len = sizeof data,
        .data = data,
    };

    ck_assert_int_eq(host->packet_out(a, 6, &po), 0);
    ck_assert_uint_eq(fake.n_sends, 1);
    ck_assert_uint_eq(fake.sends[0].dpid, 6);
    ck_assert_uint_eq(fake.sends[0].type, OFPT_PACKET_OUT);
    ck_assert(!fake.sends[0].want_xid);
    ck_assert_uint_eq(fake.sends[0].po.buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(fake.sends[0].po.in_port, 2);
    ck_assert_uint_eq(fake.sends[0].act0.output.port, 3);
    ck_assert_ptr_eq(fake.sends[0].po.data, data);
    ck_assert_uint_eq(fake.sends[0].po.len, 4);
    ck_assert_int_eq(host->packet_out(a, 6, NULL), EINVAL);

    struct ofp_msg msg;
    uint32_t xid = 0;
    memset(&msg, 0, sizeof msg);
    msg.version = OFP13_VERSION;
    msg.type = OFPT_ECHO_REQUEST;
    ck_assert_int_eq(host->send(a, 6, &msg, &xid), 0);
    ck_assert_uint_eq(xid, 1234);
    ck_assert_uint_eq(fake.sends[1].type, OFPT_ECHO_REQUEST);
    fake.send_ret = ENOBUFS;
    ck_assert_int_eq(host->send(a, 6, &msg, NULL), ENOBUFS);

    /* FLOW_MODs belong to the flow programmer. */
    msg.type = OFPT_FLOW_MOD;
    ck_assert_int_eq(host->send(a, 6, &msg, &xid), EINVAL);
    ck_assert_int_eq(host->send(a, 6, NULL, &xid), EINVAL);
    ck_assert_uint_eq(fake.n_sends, 3);
}
END_TEST

START_TEST(test_queries_pass_through)
{
    load_ok("apps:\n  - name: good\n");
    const struct sl_host *host = good_host();
    struct sl_ctx *ctx = good_ctx(0);
    uint64_t dpids[4] = {0};

    ck_assert_uint_eq(host->abi_major, SL_APP_ABI_MAJOR);
    ck_assert_uint_eq(host->abi_minor, SL_APP_ABI_MINOR);
    ck_assert_uint_eq(host->size, sizeof(struct sl_host));
    ck_assert_ptr_eq(host->switch_get(ctx, 1), &fake_switch);
    ck_assert_ptr_null(host->switch_get(ctx, 2));
    ck_assert_uint_eq(fake.last_dpid, 2);
    ck_assert_uint_eq(host->switch_list(ctx, dpids, 1), 2);
    ck_assert_uint_eq(fake.last_max, 1);
    ck_assert_uint_eq(dpids[0], 1);
    ck_assert_uint_eq(dpids[1], 0);
    ck_assert_ptr_eq(host->port_get(ctx, 1, 7), &fake_port);
    ck_assert_uint_eq(fake.last_port, 7);
    ck_assert_ptr_null(host->port_get(ctx, 1, 8));
    ck_assert_int_eq(host->table_id(ctx, "l2"), 2);
    ck_assert_str_eq(fake.last_table, "l2");
    ck_assert_int_eq(host->table_id(ctx, "nope"), -1);
    ck_assert_int_eq(host->table_id(ctx, NULL), -1);
    ck_assert_str_eq(host->name(ctx), "good");
}
END_TEST

START_TEST(test_data_is_per_app)
{
    load_ok(two_goods);
    const struct sl_host *host = good_host();
    struct sl_ctx *a = good_ctx(1), *b = good_ctx(0);
    void *da = host->get_data(a), *db = host->get_data(b);
    int x;

    host->set_data(a, &x);
    ck_assert_ptr_eq(host->get_data(a), &x);
    ck_assert_ptr_eq(host->get_data(b), db);
    host->set_data(a, da); /* fini frees it */
}
END_TEST

START_TEST(test_log_goes_through_app_module)
{
    load_ok("apps:\n  - name: good\n");
    const struct sl_host *host = good_host();
    struct sl_ctx *ctx = good_ctx(0);

    ck_assert(sl_log_module_exists("good"));
    ck_assert(host->log_enabled(ctx, SL_APP_LOG_INFO));
    ck_assert(!host->log_enabled(ctx, SL_APP_LOG_DBG));
    trace_reset();
    host->log(ctx, SL_APP_LOG_DBG, "hidden %d", 1);
    host->log(ctx, SL_APP_LOG_WARN, "shown %d", 2);
    ck_assert_str_eq(trace, "good|shown 2;");

    ck_assert_int_eq(sl_log_set_level("good", SL_LOG_DBG), 0);
    ck_assert(host->log_enabled(ctx, SL_APP_LOG_DBG));
    trace_reset();
    host->log(ctx, SL_APP_LOG_DBG, "now %s", "shown");
    ck_assert_str_eq(trace, "good|now shown;");

    sl_apps_destroy(apps);
    apps = NULL;
    ck_assert(!sl_log_module_exists("good"));
}
END_TEST

/* ---- clock and metrics (minor 3) ---- */

static void
no_metrics(struct sl_ctx *ctx, struct sl_metrics *m, void *aux)
{
    (void) ctx;
    (void) m;
    (void) aux;
}

START_TEST(test_now_is_monotonic)
{
    load_ok("apps:\n  - name: good\n");
    const struct sl_host *host = good_host();
    struct sl_ctx *ctx = good_ctx(0);
    double a = host->now(ctx), b = host->now(ctx);

    ck_assert(a > 0);
    ck_assert(b >= a);
}
END_TEST

START_TEST(test_app_metrics_rendered_with_prefix)
{
    struct evbuffer *out = evbuffer_new();
    struct sl_prom prom;
    char text[2048];
    size_t len;

    load_ok("apps:\n  - name: good-a\n    config: {greeting: 'hi \"x\"'}\n"
            "  - name: good_b\n");
    /* Not running yet: nothing. */
    sl_prom_init(&prom, out);
    sl_apps_collect_metrics(apps, &prom);
    ck_assert_uint_eq(evbuffer_get_length(out), 0);

    start_ok();
    const int *errors = NULL;
    {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s/good.so", plugin_dir);
        void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
        ck_assert_ptr_nonnull(h);
        errors = dlsym(h, "good_metrics_errors");
        ck_assert_ptr_nonnull(errors);
        dlclose(h);
    }
    ck_assert_int_eq(errors[0], 0);
    ck_assert_int_eq(errors[1], EEXIST);
    ck_assert_int_eq(errors[2], EINVAL);
    /* Too late once running. */
    ck_assert_int_eq(good_host()->metrics_register(good_ctx(0), no_metrics,
                                                   NULL), EINVAL);

    trace_reset();
    sl_apps_collect_metrics(apps, &prom);
    len = evbuffer_copyout(out, text, sizeof text - 1);
    text[len] = '\0';
    ck_assert_msg(strstr(text, "# HELP sluice_good_a_greetings_total "
                               "Greetings \\\\ said.\n"
                               "# TYPE sluice_good_a_greetings_total "
                               "counter\n"
                               "sluice_good_a_greetings_total{greeting="
                               "\"hi \\\"x\\\"\"} 1\n"), "%s", text);
    ck_assert_msg(strstr(text, "sluice_good_b_greetings_total{greeting="
                               "\"(none)\"} 1\n"), "%s", text);
    ck_assert_msg(!strstr(text, "bad"), "%s", text);
    ck_assert_msg(!strstr(text, "odd_type"), "%s", text);
    ck_assert_msg(!strstr(text, " 2\n") && !strstr(text, " 3\n") &&
                  !strstr(text, " 4\n"), "%s", text);
    /* Logged once per app, not per scrape. */
    ck_assert_msg(strstr(logall, "app 'good-a': label '1bad' refused"),
                  "%s", logall);
    trace_reset();
    sl_apps_collect_metrics(apps, &prom);
    ck_assert_msg(!strstr(logall, "refused"), "%s", logall);
    evbuffer_free(out);
}
END_TEST

/* ---- timers ---- */

struct tick {
    const struct sl_host *host;
    struct sl_timer *timer;
    int count;
    int cancel_at; /* cancel inside the callback at this count */
};

static void
tick_cb(struct sl_ctx *ctx, void *aux)
{
    struct tick *t = aux;
    t->count++;
    if (t->count == t->cancel_at) {
        t->host->timer_cancel(ctx, t->timer);
    }
}

static bool deadline_hit;

static void
deadline_cb(evutil_socket_t fd, short what, void *aux)
{
    (void) fd;
    (void) what;
    (void) aux;
    deadline_hit = true;
}

/* Runs the loop until '*count' reaches 'want' or 'seconds' pass. */
static void
run_loop(const int *count, int want, double seconds)
{
    struct timeval tv = {(time_t) seconds,
                         (suseconds_t) (fmod(seconds, 1.0) * 1e6)};
    struct event *deadline = evtimer_new(base, deadline_cb, NULL);

    deadline_hit = false;
    evtimer_add(deadline, &tv);
    while (!deadline_hit && (!count || *count < want)) {
        event_base_loop(base, EVLOOP_ONCE);
    }
    event_free(deadline);
}

START_TEST(test_timer_repeats)
{
    load_ok("apps:\n  - name: good\n");
    start_ok();
    struct tick t = {good_host(), NULL, 0, 0};
    t.timer = t.host->timer_add(good_ctx(0), 0.01, true, tick_cb, &t);
    ck_assert_ptr_nonnull(t.timer);
    run_loop(&t.count, 3, 5.0);
    ck_assert_int_ge(t.count, 3);
    t.host->timer_cancel(good_ctx(0), t.timer);
    int seen = t.count;
    run_loop(NULL, 0, 0.05);
    ck_assert_int_eq(t.count, seen);
}
END_TEST

START_TEST(test_timer_one_shot_fires_once)
{
    load_ok("apps:\n  - name: good\n");
    start_ok();
    struct tick t = {good_host(), NULL, 0, 0};
    t.timer = t.host->timer_add(good_ctx(0), 0.01, false, tick_cb, &t);
    ck_assert_ptr_nonnull(t.timer);
    run_loop(&t.count, 1, 5.0);
    run_loop(NULL, 0, 0.05);
    ck_assert_int_eq(t.count, 1);
}
END_TEST

START_TEST(test_timer_cancel_inside_callback)
{
    load_ok("apps:\n  - name: good\n");
    start_ok();
    struct tick t = {good_host(), NULL, 0, 2};
    t.timer = t.host->timer_add(good_ctx(0), 0.01, true, tick_cb, &t);
    run_loop(&t.count, 2, 5.0);
    run_loop(NULL, 0, 0.05);
    ck_assert_int_eq(t.count, 2);

    /* A one-shot timer may cancel itself too. */
    struct tick o = {t.host, NULL, 0, 1};
    o.timer = o.host->timer_add(good_ctx(0), 0.01, false, tick_cb, &o);
    run_loop(&o.count, 1, 5.0);
    ck_assert_int_eq(o.count, 1);
}
END_TEST

START_TEST(test_timers_cancelled_at_stop)
{
    load_ok(two_goods);
    start_ok();
    int before = event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED);
    struct tick t = {good_host(), NULL, 0, 0};
    t.timer = t.host->timer_add(good_ctx(0), 0.01, true, tick_cb, &t);
    ck_assert_ptr_nonnull(
        t.host->timer_add(good_ctx(1), 0.01, false, tick_cb, &t));
    ck_assert_int_eq(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
                     before + 2);
    sl_apps_stop(apps);
    ck_assert_int_eq(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
                     before);
    run_loop(NULL, 0, 0.05);
    ck_assert_int_eq(t.count, 0);
    /* No new timers after stop. */
    ck_assert_ptr_null(
        t.host->timer_add(good_ctx(0), 0.01, true, tick_cb, &t));
}
END_TEST

START_TEST(test_timers_cancelled_at_destroy_before_start)
{
    load_ok("apps:\n  - name: good\n");
    struct tick t = {good_host(), NULL, 0, 0};
    t.timer = t.host->timer_add(good_ctx(0), 5.0, true, tick_cb, &t);
    ck_assert_ptr_nonnull(t.timer);
    sl_apps_destroy(apps);
    apps = NULL;
    ck_assert_int_eq(event_base_loop(base, EVLOOP_NONBLOCK), 1);
}
END_TEST

START_TEST(test_timer_bad_interval_refused)
{
    load_ok("apps:\n  - name: good\n");
    const struct sl_host *host = good_host();
    struct sl_ctx *ctx = good_ctx(0);
    struct tick t = {host, NULL, 0, 0};

    ck_assert_ptr_null(host->timer_add(ctx, 0, true, tick_cb, &t));
    ck_assert_ptr_null(host->timer_add(ctx, -1, true, tick_cb, &t));
    ck_assert_ptr_null(host->timer_add(ctx, NAN, true, tick_cb, &t));
    ck_assert_ptr_null(host->timer_add(ctx, INFINITY, true, tick_cb, &t));
    ck_assert_ptr_null(host->timer_add(ctx, 1.0, true, NULL, &t));
    host->timer_cancel(ctx, NULL);
}
END_TEST

/* ---- reconfigure ---- */

START_TEST(test_reconfigure_hands_new_section)
{
    load_ok("apps:\n  - name: good\n    config: {greeting: hi}\n");
    start_ok();
    trace_reset();
    parse_config("apps:\n  - name: good\n    config: {greeting: bye}\n",
                 &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), 0);
    ck_assert_str_eq(trace, "good|reconfigure greeting=bye;");
}
END_TEST

START_TEST(test_reconfigure_changed_list_ebusy)
{
    load_ok(two_goods);
    trace_reset();
    parse_config("apps:\n  - name: good_b\n  - name: good_a\n", &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), EBUSY);
    ck_assert_str_eq(err, "the app list changed: restart sluice to apply it");
    sl_config_destroy(&cfg2);
    parse_config("apps:\n  - name: good_a\n", &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), EBUSY);
    ck_assert_str_eq(trace, "");
}
END_TEST

START_TEST(test_reconfigure_refusal_reported_others_applied)
{
    load_ok(two_goods);
    trace_reset();
    parse_config("apps:\n"
                 "  - name: good_a\n    config: {reject: true}\n"
                 "  - name: good_b\n    config: {greeting: b2}\n",
                 &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err),
                     EINVAL);
    char want[128];
    snprintf(want, sizeof want,
             "app 'good_a': new config refused (%s): it keeps the old one",
             strerror(EINVAL));
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(trace, "good_a|reconfigure greeting=(none);"
                            "good_b|reconfigure greeting=b2;");
}
END_TEST

START_TEST(test_reconfigure_without_hook_warns_on_change)
{
    static const char warning[] = "apphost|app 'hub' cannot reload its "
                                  "config: restart sluice to apply it;";

    load_ok("apps:\n  - name: hub\n    config: {priority: 7}\n");
    trace_reset();
    /* Same content, other spelling: nothing to say. */
    parse_config("apps:\n  - name: hub\n    config:\n      priority: 7\n",
                 &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), 0);
    ck_assert_ptr_null(strstr(logall, "cannot reload"));

    sl_config_destroy(&cfg2);
    parse_config("apps:\n  - name: hub\n    config: {priority: '7'}\n", &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), 0);
    ck_assert_str_eq(logall, warning);

    /* Still not applied: the next reload says it again. */
    trace_reset();
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), 0);
    ck_assert_str_eq(logall, warning);

    trace_reset();
    sl_config_destroy(&cfg2);
    parse_config("apps:\n  - name: hub\n", &cfg2);
    ck_assert_int_eq(sl_apps_reconfigure(apps, &cfg2, err, sizeof err), 0);
    ck_assert_str_eq(logall, warning);
}
END_TEST

/* ---- hub ---- */

struct pin {
    uint8_t frame[60];
    struct ofp_packet pkt;
    struct ofp_msg msg;
    struct sl_event ev;
};

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xb};

/* Fills 'p' with a PACKET_IN event of a frame 'src' -> 'dst'. */
static void
packet_in(struct pin *p, uint64_t dpid, const uint8_t *src, const uint8_t *dst,
          uint16_t eth_type, uint32_t in_port, uint32_t buffer_id)
{
    memset(p, 0, sizeof *p);
    memcpy(p->frame, dst, 6);
    memcpy(p->frame + 6, src, 6);
    p->frame[12] = (uint8_t) (eth_type >> 8);
    p->frame[13] = (uint8_t) eth_type;
    ofp_packet_parse(&p->pkt, p->frame, sizeof p->frame);
    ck_assert_int_ge(p->pkt.layer, OFP_PACKET_L2);

    p->msg.version = OFP13_VERSION;
    p->msg.type = OFPT_PACKET_IN;
    p->msg.packet_in.buffer_id = buffer_id;
    p->msg.packet_in.total_len = sizeof p->frame;
    p->msg.packet_in.table_id = 2;
    p->msg.packet_in.len = sizeof p->frame;
    p->msg.packet_in.data = p->frame;

    p->ev = event(SL_EV_PACKET_IN, dpid);
    p->ev.msg = &p->msg;
    p->ev.packet_in.pkt = &p->pkt;
    p->ev.packet_in.in_port = in_port;
}

START_TEST(test_hub_states_flood_flow_on_switch_up)
{
    load_ok("apps:\n  - name: good\n  - name: hub\n"
            "    config: {priority: 7}\n");
    start_ok();
    struct sl_event ev = event(SL_EV_SWITCH_UP, 0x10);
    sl_apps_dispatch(apps, &ev);

    ck_assert_uint_eq(fake.n_adds, 1);
    const struct flow_call *c = &fake.adds[0];
    ck_assert_uint_eq(c->dpid, 0x10);
    ck_assert_uint_eq(c->owner, owner("hub"));
    ck_assert_uint_eq(c->table_id, 2);
    ck_assert_uint_eq(c->priority, 7);
    ck_assert_uint_eq(c->n_oxms, 0);
    ck_assert_uint_eq(c->n_inst, 1);
    ck_assert_uint_eq(c->inst0_type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(c->n_actions, 1);
    ck_assert_uint_eq(c->act0.type, OFPAT_OUTPUT);
    ck_assert_uint_eq(c->act0.output.port, OFPP_FLOOD);
    ck_assert_uint_eq(c->idle, 0);
    ck_assert_uint_eq(c->hard, 0);
    ck_assert_ptr_nonnull(c->done);

    /* The done callback logs the outcome. */
    trace_reset();
    c->done(c->done_aux, 0x10, 0);
    ck_assert_str_eq(trace, "hub|switch 0000000000000010: flood flow "
                            "installed (0);");
    trace_reset();
    c->done(c->done_aux, 0x10, OFPERR_OFPBAC_BAD_OUT_PORT);
    ck_assert_ptr_nonnull(strstr(trace, "hub|switch 0000000000000010: "
                                        "flood flow not installed ("));
}
END_TEST

START_TEST(test_hub_defaults_to_priority_1)
{
    load_ok("apps:\n  - name: hub\n");
    start_ok();
    struct sl_event ev = event(SL_EV_SWITCH_UP, 1);
    sl_apps_dispatch(apps, &ev);
    ck_assert_uint_eq(fake.n_adds, 1);
    ck_assert_uint_eq(fake.adds[0].priority, 1);
    ck_assert_uint_eq(fake.adds[0].owner, owner("hub"));
}
END_TEST

START_TEST(test_hub_floods_packet_in)
{
    struct pin p;

    load_ok("apps:\n  - name: hub\n");
    start_ok();
    packet_in(&p, 3, mac_a, mac_b, 0x88b5, 4, OFP_NO_BUFFER);
    sl_apps_dispatch(apps, &p.ev);
    ck_assert_uint_eq(fake.n_sends, 1);
    const struct send_call *s = &fake.sends[0];
    ck_assert_uint_eq(s->dpid, 3);
    ck_assert_uint_eq(s->type, OFPT_PACKET_OUT);
    ck_assert_uint_eq(s->po.buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(s->po.in_port, 4);
    ck_assert_uint_eq(s->po.actions.n, 1);
    ck_assert_uint_eq(s->act0.type, OFPAT_OUTPUT);
    ck_assert_uint_eq(s->act0.output.port, OFPP_FLOOD);
    ck_assert_ptr_eq(s->po.data, p.frame);
    ck_assert_uint_eq(s->po.len, sizeof p.frame);

    /* A buffered packet is sent by its id, without its bytes. */
    packet_in(&p, 3, mac_a, mac_b, 0x88b5, 4, 77);
    sl_apps_dispatch(apps, &p.ev);
    ck_assert_uint_eq(fake.n_sends, 2);
    ck_assert_uint_eq(fake.sends[1].po.buffer_id, 77);
    ck_assert_uint_eq(fake.sends[1].po.len, 0);
}
END_TEST

START_TEST(test_hub_bad_config_refused)
{
    char want[PATH_MAX + 128];

    ck_assert_int_eq(load("apps:\n  - name: hub\n"
                          "    config: {priority: high}\n"),
                     EINVAL);
    snprintf(want, sizeof want, "app 'hub': %s/hub.so: init failed: %s",
             app_dir, strerror(EINVAL));
    ck_assert_str_eq(err, want);
    ck_assert_ptr_nonnull(strstr(trace, "hub|config: want {priority: "
                                        "0..65535};"));
    sl_config_destroy(&cfg);
    ck_assert_int_eq(load("apps:\n  - name: hub\n    config: [1]\n"), EINVAL);
    sl_config_destroy(&cfg);
    ck_assert_int_eq(load("apps:\n  - name: hub\n"
                          "    config: {prio: 1}\n"),
                     EINVAL);
    sl_config_destroy(&cfg);
    ck_assert_int_eq(load("apps:\n  - name: hub\n"
                          "    config: {priority: 65536}\n"),
                     EINVAL);
}
END_TEST

/* ---- the config helpers ---- */

/* The config helpers of sluice/app.h, on sections as the loader builds
 * them. */
static void
app_section(const char *yaml, struct sl_config *c, struct sl_app_config *ac)
{
    parse_config(yaml, c);
    ck_assert_uint_eq(c->n_apps, 1);
    ac->doc = c->doc;
    ac->node = c->apps[0].config;
}

START_TEST(test_app_config_get_uint)
{
    static const char *const keys[] = {"priority", "size"};
    struct sl_app_config ac;
    struct sl_config c;
    unsigned long v = 12345;

    app_section("apps:\n  - name: x\n    config: {priority: 300, size: 0}\n",
                &c, &ac);
    ck_assert_int_eq(sl_app_config_get_uint(&ac, "priority", 65535, &v), 0);
    ck_assert_uint_eq(v, 300);
    ck_assert_int_eq(sl_app_config_get_uint(&ac, "size", 0, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(sl_app_config_get_uint(&ac, "priority", 299, &v),
                     EINVAL);
    ck_assert_int_eq(sl_app_config_get_uint(&ac, "absent", 10, &v), ENOENT);
    ck_assert_int_eq(sl_app_config_check_keys(&ac, keys, 2), 0);
    ck_assert_int_eq(sl_app_config_check_keys(&ac, keys, 1), EINVAL);
    sl_config_destroy(&c);

    /* No section at all: every key is absent, no key is unknown. */
    app_section("apps:\n  - name: x\n", &c, &ac);
    ck_assert_ptr_null(ac.node);
    ck_assert_int_eq(sl_app_config_get_uint(&ac, "priority", 10, &v), ENOENT);
    ck_assert_int_eq(sl_app_config_check_keys(&ac, keys, 2), 0);
    sl_config_destroy(&c);

    /* Shapes that are not a plain decimal in a mapping. */
    static const char *const bad[] = {
        "apps:\n  - name: x\n    config: {priority: -1}\n",
        "apps:\n  - name: x\n    config: {priority: 1x}\n",
        "apps:\n  - name: x\n    config: {priority: [1]}\n",
        "apps:\n  - name: x\n    config: {priority: '7'}\n",
        "apps:\n  - name: x\n    config: {priority: 99999999999999999999}\n",
        "apps:\n  - name: x\n    config: [1, 2]\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        app_section(bad[i], &c, &ac);
        ck_assert_msg(sl_app_config_get_uint(&ac, "priority", ULONG_MAX, &v)
                          == EINVAL,
                      "accepted: %s", bad[i]);
        sl_config_destroy(&c);
    }
    /* Out-of-range node ids are NULL, not a read past the array. */
    app_section("apps:\n  - name: x\n    config: {a: 1}\n", &c, &ac);
    ck_assert_ptr_null(sl_app_config_node(&ac, 0));
    ck_assert_ptr_null(sl_app_config_node(&ac, 100000));
    ck_assert_ptr_nonnull(sl_app_config_node(&ac, 1));
    sl_config_destroy(&c);
}
END_TEST

static Suite *
apphost_suite(void)
{
    Suite *s = suite_create("apphost");
    TCase *tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_load_good_passes_config_node);
    tcase_add_test(tc, test_load_without_config_gives_null_node);
    tcase_add_test(tc, test_load_empty_list);
    tcase_add_test(tc, test_lifecycle_order_two_apps);
    tcase_add_test(tc, test_destroy_stops_first);
    tcase_add_test(tc, test_same_file_twice_keeps_state_per_app);
    tcase_add_test(tc, test_missing_file_names_app_and_path);
    tcase_add_test(tc, test_default_search_path_used_without_one);
    tcase_add_test(tc, test_path_name_loads_that_file);
    tcase_add_test(tc, test_unloadable_file_reports_dlerror);
    tcase_add_test(tc, test_bad_abi_major_refused_before_plugin_code);
    tcase_add_test(tc, test_abi_minor_too_new_refused);
    tcase_add_test(tc, test_descriptor_without_init_refused);
    tcase_add_test(tc, test_older_minor_with_its_size_accepted);
    tcase_add_test(tc, test_descriptor_without_flags_refused);
    tcase_add_test(tc, test_descriptor_flags_are_read);
    tcase_add_test(tc, test_size_too_small_refused);
    tcase_add_test(tc, test_no_symbol_refused);
    tcase_add_test(tc, test_refusal_unwinds_earlier_apps);
    tcase_add_test(tc, test_failing_init_unwinds_everything);
    tcase_add_test(tc, test_load_twice_is_ebusy);
    tcase_add_test(tc, test_start_failure_stops_started_in_reverse);
    suite_add_tcase(s, tc);

    tc = tcase_create("dispatch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_dispatch_by_priority);
    tcase_add_test(tc, test_dispatch_ties_follow_config_order);
    tcase_add_test(tc, test_dispatch_negative_priority_last);
    tcase_add_test(tc, test_dispatch_stop_ends_walk);
    tcase_add_test(tc, test_dispatch_only_to_subscribers_of_type);
    tcase_add_test(tc, test_nothing_before_start_or_after_stop);
    tcase_add_test(tc, test_dispatch_to_owner_only);
    tcase_add_test(tc, test_subscribe_after_start_refused);
    tcase_add_test(tc, test_subscribe_bad_type_einval);
    suite_add_tcase(s, tc);

    tc = tcase_create("owners");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_owner_ids_follow_names_not_order);
    tcase_add_test(tc, test_owner_id_is_fixed_and_never_reserved);
    tcase_add_test(tc, test_owner_id_collision_refused_before_loading);
    tcase_add_test(tc, test_owner_adopts_only_flagged_apps);
    tcase_add_test(tc, test_packet_l2_only_when_every_reader_says_so);
    tcase_add_test(tc, test_packet_whole_for_one_unflagged_reader);
    tcase_add_test(tc, test_packet_l2_only_without_readers);
    tcase_add_test(tc, test_hub_does_not_adopt);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_flow_functions_pass_owner);
    tcase_add_test(tc, test_send_and_packet_out);
    tcase_add_test(tc, test_queries_pass_through);
    tcase_add_test(tc, test_data_is_per_app);
    tcase_add_test(tc, test_log_goes_through_app_module);
    tcase_add_test(tc, test_timer_repeats);
    tcase_add_test(tc, test_timer_one_shot_fires_once);
    tcase_add_test(tc, test_timer_cancel_inside_callback);
    tcase_add_test(tc, test_timers_cancelled_at_stop);
    tcase_add_test(tc, test_timers_cancelled_at_destroy_before_start);
    tcase_add_test(tc, test_timer_bad_interval_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("reconfigure");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reconfigure_hands_new_section);
    tcase_add_test(tc, test_reconfigure_changed_list_ebusy);
    tcase_add_test(tc, test_reconfigure_refusal_reported_others_applied);
    tcase_add_test(tc, test_reconfigure_without_hook_warns_on_change);
    suite_add_tcase(s, tc);

    tc = tcase_create("apps");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_app_config_get_uint);
    tcase_add_test(tc, test_hub_states_flood_flow_on_switch_up);
    tcase_add_test(tc, test_hub_defaults_to_priority_1);
    tcase_add_test(tc, test_hub_floods_packet_in);
    tcase_add_test(tc, test_hub_bad_config_refused);
    tcase_add_test(tc, test_now_is_monotonic);
    tcase_add_test(tc, test_app_metrics_rendered_with_prefix);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(apphost_suite());
}
