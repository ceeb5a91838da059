/* Unit tests of the controller's log module: level names, per-module levels
 * and registration, line format, stderr/syslog dispatch, truncation, rate
 * limiting with an injected clock, and the libevent bridge.  Output is
 * captured through sl_log_set_sink(), so nothing is asserted on the system
 * log and nothing sleeps. */
#include <config.h>
#include "controller/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <event2/event.h>
#include "test/test-util.h"

SL_LOG_MODULE(testmod);

#define MAX_LINES 64

struct captured {
    enum sl_log_target target;
    int priority;
    enum sl_log_level level;
    char module[SL_LOG_NAME_MAX + 1];
    char text[SL_LOG_LINE_MAX + 1];
    size_t len;
};

static struct captured lines[MAX_LINES];
static int n_lines;

static struct timespec fake_real;
static struct timespec fake_mono;

static void
capture_sink(void *aux, enum sl_log_target target, int priority,
             enum sl_log_level level, const char *module, const char *text,
             size_t len)
{
    ck_assert_ptr_eq(aux, &n_lines);
    ck_assert_int_lt(n_lines, MAX_LINES);
    ck_assert_uint_le(len, SL_LOG_LINE_MAX);
    ck_assert_uint_eq(strlen(text), len);
    struct captured *c = &lines[n_lines++];
    c->target = target;
    c->priority = priority;
    c->level = level;
    snprintf(c->module, sizeof c->module, "%s", module);
    memcpy(c->text, text, len + 1);
    c->len = len;
}

static void
fake_clock(clockid_t clock, struct timespec *ts)
{
    *ts = clock == CLOCK_MONOTONIC ? fake_mono : fake_real;
}

static void
advance_ms(long ms)
{
    fake_mono.tv_sec += ms / 1000;
    fake_mono.tv_nsec += (ms % 1000) * 1000000;
    if (fake_mono.tv_nsec >= 1000000000) {
        fake_mono.tv_sec++;
        fake_mono.tv_nsec -= 1000000000;
    }
}

static void
setup(void)
{
    sl_log_reset();
    n_lines = 0;
    memset(lines, 0, sizeof lines);
    /* 2023-11-14T22:13:20.045Z */
    fake_real.tv_sec = 1700000000;
    fake_real.tv_nsec = 45000000;
    fake_mono.tv_sec = 5000;
    fake_mono.tv_nsec = 0;
    sl_log_set_sink(capture_sink, &n_lines);
    sl_log_set_clock(fake_clock);
}

static void
teardown(void)
{
    event_set_log_callback(NULL);
    sl_log_reset();
}

/* Emits 'count' rate-limited warnings through 'rl'. */
static void
warn_rl_n(struct sl_log_rl *rl, int count)
{
    for (int i = 0; i < count; i++) {
        SL_WARN_RL(rl, "peer said %d", i);
    }
}

START_TEST(test_level_names_parse)
{
    static const struct {
        const char *name;
        enum sl_log_level level;
    } cases[] = {
        {"off", SL_LOG_OFF},     {"error", SL_LOG_ERR},
        {"warn", SL_LOG_WARN},   {"info", SL_LOG_INFO},
        {"debug", SL_LOG_DBG},   {"ERROR", SL_LOG_ERR},
        {"Debug", SL_LOG_DBG},   {"err", SL_LOG_ERR},
        {"warning", SL_LOG_WARN}, {"dbg", SL_LOG_DBG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        enum sl_log_level level = SL_LOG_OFF;
        if (cases[i].level == SL_LOG_OFF) {
            level = SL_LOG_DBG;
        }
        ck_assert_int_eq(sl_log_level_from_string(cases[i].name, &level),
                         0);
        ck_assert_int_eq(level, cases[i].level);
    }
}
END_TEST

START_TEST(test_level_names_format_and_round_trip)
{
    ck_assert_str_eq(sl_log_level_to_string(SL_LOG_OFF), "off");
    ck_assert_str_eq(sl_log_level_to_string(SL_LOG_ERR), "error");
    ck_assert_str_eq(sl_log_level_to_string(SL_LOG_WARN), "warn");
    ck_assert_str_eq(sl_log_level_to_string(SL_LOG_INFO), "info");
    ck_assert_str_eq(sl_log_level_to_string(SL_LOG_DBG), "debug");
    ck_assert_str_eq(sl_log_level_to_string((enum sl_log_level) 9), "?");
    for (int l = SL_LOG_OFF; l <= SL_LOG_DBG; l++) {
        enum sl_log_level back;
        ck_assert_int_eq(
            sl_log_level_from_string(sl_log_level_to_string(l), &back), 0);
        ck_assert_int_eq(back, l);
    }
}
END_TEST

START_TEST(test_unknown_level_name_fails)
{
    static const char *const bad[] = {"verbose", "", "inf", "infoo",
                                      "warn ", "3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        enum sl_log_level level = SL_LOG_WARN;
        ck_assert_int_eq(sl_log_level_from_string(bad[i], &level), EINVAL);
        ck_assert_int_eq(level, SL_LOG_WARN);
    }
    enum sl_log_level level = SL_LOG_WARN;
    ck_assert_int_eq(sl_log_level_from_string(NULL, &level), EINVAL);
    ck_assert_int_eq(level, SL_LOG_WARN);
}
END_TEST

START_TEST(test_default_level_is_info)
{
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_INFO);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_INFO);
    SL_ERR("e");
    SL_WARN("w");
    SL_INFO("i");
    SL_DBG("d");
    ck_assert_int_eq(n_lines, 3);
    ck_assert_int_eq(lines[0].level, SL_LOG_ERR);
    ck_assert_int_eq(lines[1].level, SL_LOG_WARN);
    ck_assert_int_eq(lines[2].level, SL_LOG_INFO);
}
END_TEST

START_TEST(test_disabled_level_evaluates_nothing)
{
    int calls = 0;
    SL_DBG("%d", calls++);
    ck_assert_int_eq(calls, 0);
    ck_assert_int_eq(n_lines, 0);
    SL_INFO("%d", calls++);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(n_lines, 1);
}
END_TEST

START_TEST(test_default_level_filters_all_modules)
{
    ck_assert_int_eq(sl_log_set_level("default", SL_LOG_WARN), 0);
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_WARN);
    SL_INFO("hidden");
    SL_WARN("shown");
    ck_assert_int_eq(n_lines, 1);
    ck_assert_ptr_nonnull(strstr(lines[0].text, "|shown\n"));

    ck_assert_int_eq(sl_log_set_level("default", SL_LOG_DBG), 0);
    SL_DBG("now shown");
    ck_assert_int_eq(n_lines, 2);
    ck_assert_int_eq(lines[1].level, SL_LOG_DBG);
}
END_TEST

START_TEST(test_module_level_overrides_default)
{
    static struct sl_log_module alpha = {"alpha", SL_LOG_INFO, NULL};
    sl_log_register(&alpha);
    ck_assert_int_eq(sl_log_set_level("testmod", SL_LOG_DBG), 0);
    ck_assert_int_eq(sl_log_set_level("default", SL_LOG_ERR), 0);
    /* Setting the default later does not undo testmod's own level. */
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_DBG);
    ck_assert_int_eq(alpha.level, SL_LOG_ERR);
    SL_DBG("dbg %s", "visible");
    ck_assert_int_eq(n_lines, 1);
    ck_assert_str_eq(lines[0].module, "testmod");

    ck_assert_int_eq(sl_log_set_level("testmod", SL_LOG_WARN), 0);
    SL_INFO("hidden");
    ck_assert_int_eq(n_lines, 1);
    sl_log_unregister(&alpha);
}
END_TEST

START_TEST(test_off_silences_module)
{
    ck_assert_int_eq(sl_log_set_level("testmod", SL_LOG_OFF), 0);
    SL_ERR("not even errors");
    ck_assert_int_eq(n_lines, 0);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_OFF);
}
END_TEST

START_TEST(test_modules_register_by_name)
{
    static struct sl_log_module beta = {"beta", SL_LOG_INFO, NULL};
    /* Declared with SL_LOG_MODULE: registered by their constructors. */
    ck_assert(sl_log_module_exists("testmod"));
    ck_assert(sl_log_module_exists("libevent"));
    ck_assert(!sl_log_module_exists("beta"));
    ck_assert(!sl_log_module_exists(NULL));

    sl_log_register(&beta);
    sl_log_register(&beta);     /* Twice is harmless. */
    ck_assert(sl_log_module_exists("beta"));
    ck_assert_int_eq(sl_log_set_level("beta", SL_LOG_DBG), 0);
    ck_assert_int_eq(beta.level, SL_LOG_DBG);

    sl_log_unregister(&beta);
    ck_assert(!sl_log_module_exists("beta"));
    sl_log_unregister(&beta);   /* Absent: no-op. */
    ck_assert(sl_log_module_exists("testmod"));
}
END_TEST

START_TEST(test_same_name_modules_share_level)
{
    static struct sl_log_module a = {"shared", SL_LOG_INFO, NULL};
    static struct sl_log_module b = {"shared", SL_LOG_INFO, NULL};
    sl_log_register(&a);
    sl_log_register(&b);
    ck_assert_int_eq(sl_log_set_level("shared", SL_LOG_WARN), 0);
    ck_assert_int_eq(a.level, SL_LOG_WARN);
    ck_assert_int_eq(b.level, SL_LOG_WARN);
    sl_log_unregister(&a);
    ck_assert(sl_log_module_exists("shared"));
    sl_log_unregister(&b);
    ck_assert(!sl_log_module_exists("shared"));
}
END_TEST

START_TEST(test_level_set_before_register_is_remembered)
{
    static struct sl_log_module late = {"late", SL_LOG_INFO, NULL};
    ck_assert(!sl_log_module_exists("late"));
    ck_assert_int_eq(sl_log_set_level("late", SL_LOG_DBG), 0);
    ck_assert_int_eq(sl_log_get_level("late"), SL_LOG_DBG);
    ck_assert_int_eq(sl_log_set_level("default", SL_LOG_ERR), 0);
    sl_log_register(&late);
    ck_assert_int_eq(late.level, SL_LOG_DBG);
    sl_log_unregister(&late);

    /* A module with no level of its own takes the default on register. */
    static struct sl_log_module plain = {"plain", SL_LOG_DBG, NULL};
    sl_log_register(&plain);
    ck_assert_int_eq(plain.level, SL_LOG_ERR);
    sl_log_unregister(&plain);
}
END_TEST

START_TEST(test_set_level_rejects_bad_arguments)
{
    char name[SL_LOG_NAME_MAX + 2];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ck_assert_int_eq(sl_log_set_level(name, SL_LOG_DBG), EINVAL);
    name[SL_LOG_NAME_MAX] = '\0';
    ck_assert_int_eq(sl_log_set_level(name, SL_LOG_DBG), 0);
    ck_assert_int_eq(sl_log_set_level(NULL, SL_LOG_DBG), EINVAL);
    ck_assert_int_eq(sl_log_set_level("", SL_LOG_DBG), EINVAL);
    ck_assert_int_eq(sl_log_set_level("testmod", (enum sl_log_level) 5),
                     EINVAL);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_INFO);
}
END_TEST

START_TEST(test_set_level_table_full)
{
    char name[16];
    for (int i = 0; i < SL_LOG_SETTINGS_MAX; i++) {
        snprintf(name, sizeof name, "m%d", i);
        ck_assert_int_eq(sl_log_set_level(name, SL_LOG_DBG), 0);
    }
    ck_assert_int_eq(sl_log_set_level("onemore", SL_LOG_DBG), ENOSPC);
    /* Known names and the default still work. */
    ck_assert_int_eq(sl_log_set_level("m3", SL_LOG_ERR), 0);
    ck_assert_int_eq(sl_log_get_level("m3"), SL_LOG_ERR);
    ck_assert_int_eq(sl_log_set_level("default", SL_LOG_WARN), 0);
}
END_TEST

START_TEST(test_apply_levels_single_level)
{
    const struct sl_log_level_setting s[] = {{NULL, SL_LOG_DBG}};
    ck_assert_int_eq(sl_log_apply_levels(s, 1), 0);
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_DBG);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_DBG);
    SL_DBG("x");
    ck_assert_int_eq(n_lines, 1);
}
END_TEST

START_TEST(test_apply_levels_map_replaces_previous)
{
    const struct sl_log_level_setting first[] = {
        {"default", SL_LOG_WARN},
        {"testmod", SL_LOG_DBG},
        {"conn", SL_LOG_ERR},
    };
    ck_assert_int_eq(sl_log_apply_levels(first, 3), 0);
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_WARN);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_DBG);
    ck_assert_int_eq(sl_log_get_level("conn"), SL_LOG_ERR);
    ck_assert_int_eq(sl_log_get_level("other"), SL_LOG_WARN);

    /* A reload without "conn" and without a default: conn follows the
     * default again, which is back to info. */
    const struct sl_log_level_setting second[] = {{"testmod", SL_LOG_ERR}};
    ck_assert_int_eq(sl_log_apply_levels(second, 1), 0);
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_INFO);
    ck_assert_int_eq(sl_log_get_level("conn"), SL_LOG_INFO);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_ERR);
    SL_WARN("hidden");
    ck_assert_int_eq(n_lines, 0);

    ck_assert_int_eq(sl_log_apply_levels(NULL, 0), 0);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_INFO);
}
END_TEST

START_TEST(test_apply_levels_bad_entry_changes_nothing)
{
    const struct sl_log_level_setting good[] = {{"testmod", SL_LOG_DBG}};
    ck_assert_int_eq(sl_log_apply_levels(good, 1), 0);
    const struct sl_log_level_setting bad_level[] = {
        {"default", SL_LOG_ERR},
        {"conn", (enum sl_log_level) 7},
    };
    ck_assert_int_eq(sl_log_apply_levels(bad_level, 2), EINVAL);
    const struct sl_log_level_setting bad_name[] = {
        {"default", SL_LOG_ERR},
        {"", SL_LOG_DBG},
    };
    ck_assert_int_eq(sl_log_apply_levels(bad_name, 2), EINVAL);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_DBG);
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_INFO);

    struct sl_log_level_setting many[SL_LOG_SETTINGS_MAX + 1];
    char names[SL_LOG_SETTINGS_MAX + 1][8];
    for (int i = 0; i <= SL_LOG_SETTINGS_MAX; i++) {
        snprintf(names[i], sizeof names[i], "x%d", i);
        many[i].module = names[i];
        many[i].level = SL_LOG_ERR;
    }
    ck_assert_int_eq(sl_log_apply_levels(many, SL_LOG_SETTINGS_MAX + 1),
                     ENOSPC);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_DBG);
    ck_assert_int_eq(sl_log_apply_levels(many, SL_LOG_SETTINGS_MAX), 0);
    ck_assert_int_eq(sl_log_get_level("x0"), SL_LOG_ERR);
}
END_TEST

START_TEST(test_stderr_line_fields)
{
    SL_WARN("hello %d %s", 42, "peer");
    ck_assert_int_eq(n_lines, 1);
    ck_assert_int_eq(lines[0].target, SL_LOG_TO_STDERR);
    ck_assert_int_eq(lines[0].priority, LOG_WARNING);
    ck_assert_int_eq(lines[0].level, SL_LOG_WARN);
    ck_assert_str_eq(lines[0].module, "testmod");
    ck_assert_str_eq(lines[0].text,
                     "2023-11-14T22:13:20.045Z|warn|testmod|hello 42 peer\n");
}
END_TEST

START_TEST(test_timestamp_milliseconds_and_date_change)
{
    fake_real.tv_sec = 0;
    fake_real.tv_nsec = 999999999;
    SL_ERR("a");
    fake_real.tv_sec = 1;
    fake_real.tv_nsec = 0;
    SL_ERR("b");
    fake_real.tv_sec = 951782400;       /* 2000-02-29 */
    fake_real.tv_nsec = 7000000;
    SL_INFO("c");
    ck_assert_int_eq(n_lines, 3);
    ck_assert_str_eq(lines[0].text,
                     "1970-01-01T00:00:00.999Z|error|testmod|a\n");
    ck_assert_str_eq(lines[1].text,
                     "1970-01-01T00:00:01.000Z|error|testmod|b\n");
    ck_assert_str_eq(lines[2].text,
                     "2000-02-29T00:00:00.007Z|info|testmod|c\n");
}
END_TEST

START_TEST(test_level_field_for_each_level)
{
    ck_assert_int_eq(sl_log_set_level("testmod", SL_LOG_DBG), 0);
    SL_ERR("m");
    SL_WARN("m");
    SL_INFO("m");
    SL_DBG("m");
    ck_assert_int_eq(n_lines, 4);
    ck_assert_ptr_nonnull(strstr(lines[0].text, "Z|error|testmod|m\n"));
    ck_assert_ptr_nonnull(strstr(lines[1].text, "Z|warn|testmod|m\n"));
    ck_assert_ptr_nonnull(strstr(lines[2].text, "Z|info|testmod|m\n"));
    ck_assert_ptr_nonnull(strstr(lines[3].text, "Z|debug|testmod|m\n"));
    ck_assert_int_eq(lines[0].priority, LOG_ERR);
    ck_assert_int_eq(lines[1].priority, LOG_WARNING);
    ck_assert_int_eq(lines[2].priority, LOG_INFO);
    ck_assert_int_eq(lines[3].priority, LOG_DEBUG);
}
END_TEST

START_TEST(test_level_to_syslog_priority)
{
    ck_assert_int_eq(sl_log_level_to_syslog(SL_LOG_ERR), LOG_ERR);
    ck_assert_int_eq(sl_log_level_to_syslog(SL_LOG_WARN), LOG_WARNING);
    ck_assert_int_eq(sl_log_level_to_syslog(SL_LOG_INFO), LOG_INFO);
    ck_assert_int_eq(sl_log_level_to_syslog(SL_LOG_DBG), LOG_DEBUG);
    ck_assert_int_eq(sl_log_level_to_syslog((enum sl_log_level) 9),
                     LOG_DEBUG);
}
END_TEST

START_TEST(test_syslog_switch_changes_target_and_format)
{
    sl_log_set_syslog(true);
    SL_ERR("boom %d", 7);
    sl_log_set_syslog(false);
    SL_ERR("back");
    ck_assert_int_eq(n_lines, 2);
    ck_assert_int_eq(lines[0].target, SL_LOG_TO_SYSLOG);
    ck_assert_int_eq(lines[0].priority, LOG_ERR);
    /* syslog stamps the time itself; no newline either. */
    ck_assert_str_eq(lines[0].text, "error|testmod|boom 7");
    ck_assert_int_eq(lines[1].target, SL_LOG_TO_STDERR);
    ck_assert_str_eq(lines[1].text,
                     "2023-11-14T22:13:20.045Z|error|testmod|back\n");
}
END_TEST

START_TEST(test_real_stderr_gets_one_line)
{
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(tmp), STDERR_FILENO), 0);

    sl_log_set_sink(NULL, NULL);
    SL_WARN("to %s", "stderr");
    SL_DBG("not this");

    ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
    close(saved);
    char buf[256] = "";
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof buf - 1, tmp);
    fclose(tmp);
    ck_assert_str_eq(buf,
                     "2023-11-14T22:13:20.045Z|warn|testmod|to stderr\n");
    ck_assert_uint_eq(n, strlen(buf));
}
END_TEST

START_TEST(test_long_message_truncated)
{
    static char big[3 * SL_LOG_LINE_MAX];
    memset(big, 'x', sizeof big - 1);
    SL_INFO("%s", big);
    ck_assert_int_eq(n_lines, 1);
    const char *t = lines[0].text;
    size_t mark = strlen(SL_LOG_TRUNCATED);
    ck_assert_uint_eq(lines[0].len, SL_LOG_LINE_MAX);
    ck_assert_int_eq(t[SL_LOG_LINE_MAX - 1], '\n');
    ck_assert_int_eq(memcmp(t + SL_LOG_LINE_MAX - 1 - mark, SL_LOG_TRUNCATED,
                            mark), 0);
    ck_assert_int_eq(t[SL_LOG_LINE_MAX - 2 - mark], 'x');
    ck_assert(!strncmp(t, "2023-11-14T22:13:20.045Z|info|testmod|xxx", 41));

    sl_log_set_syslog(true);
    SL_INFO("%s", big);
    sl_log_set_syslog(false);
    ck_assert_int_eq(n_lines, 2);
    ck_assert_uint_eq(lines[1].len, SL_LOG_LINE_MAX - 1);
    ck_assert_str_eq(lines[1].text + lines[1].len - mark, SL_LOG_TRUNCATED);
}
END_TEST

START_TEST(test_message_that_just_fits_is_not_truncated)
{
    static const char prefix[] = "2023-11-14T22:13:20.045Z|info|testmod|";
    static char msg[SL_LOG_LINE_MAX];
    size_t room = SL_LOG_LINE_MAX - 1 - (sizeof prefix - 1);
    memset(msg, 'y', room);
    msg[room] = '\0';
    SL_INFO("%s", msg);
    ck_assert_int_eq(n_lines, 1);
    ck_assert_uint_eq(lines[0].len, SL_LOG_LINE_MAX);
    ck_assert_ptr_null(strstr(lines[0].text, SL_LOG_TRUNCATED));
    ck_assert_int_eq(lines[0].text[SL_LOG_LINE_MAX - 2], 'y');
}
END_TEST

START_TEST(test_control_characters_replaced)
{
    SL_WARN("line1\nline2\r\x1b[31m\x7f%s", "\tend");
    ck_assert_int_eq(n_lines, 1);
    ck_assert_str_eq(lines[0].text,
                     "2023-11-14T22:13:20.045Z|warn|testmod|"
                     "line1?line2??[31m??end\n");
}
END_TEST

START_TEST(test_rate_limit_burst)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    warn_rl_n(&rl, 25);
    ck_assert_int_eq(n_lines, 20);
    ck_assert_ptr_nonnull(strstr(lines[0].text, "|peer said 0\n"));
    ck_assert_ptr_nonnull(strstr(lines[19].text, "|peer said 19\n"));
    ck_assert_uint_eq(rl.suppressed, 5);
}
END_TEST

START_TEST(test_rate_limit_refill_reports_suppressed)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    warn_rl_n(&rl, 23);
    ck_assert_int_eq(n_lines, 20);

    /* 199 ms at 5/s is not yet a whole token. */
    advance_ms(199);
    warn_rl_n(&rl, 1);
    ck_assert_int_eq(n_lines, 20);

    advance_ms(1);
    SL_WARN_RL(&rl, "after refill");
    ck_assert_int_eq(n_lines, 22);
    ck_assert_str_eq(lines[20].text, "2023-11-14T22:13:20.045Z|warn|testmod|"
                                     "4 messages suppressed\n");
    ck_assert_int_eq(lines[20].level, SL_LOG_WARN);
    ck_assert_ptr_nonnull(strstr(lines[21].text, "|after refill\n"));
    ck_assert_uint_eq(rl.suppressed, 0);

    warn_rl_n(&rl, 1);
    ck_assert_int_eq(n_lines, 22);

    /* One second gives five more. */
    advance_ms(1000);
    warn_rl_n(&rl, 7);
    ck_assert_int_eq(n_lines, 28);
    ck_assert_str_eq(lines[22].text, "2023-11-14T22:13:20.045Z|warn|testmod|"
                                     "1 message suppressed\n");
    ck_assert_uint_eq(rl.suppressed, 2);
}
END_TEST

START_TEST(test_rate_limit_refill_caps_at_burst)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1000, 3);
    warn_rl_n(&rl, 3);
    ck_assert_int_eq(n_lines, 3);
    advance_ms(1000L * 86400 * 365);    /* A year: no overflow. */
    warn_rl_n(&rl, 10);
    /* A full bucket again: three more, the other seven dropped. */
    ck_assert_int_eq(n_lines, 6);
    ck_assert_uint_eq(rl.suppressed, 7);
}
END_TEST

START_TEST(test_rate_limit_clock_going_back_adds_nothing)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 2);
    warn_rl_n(&rl, 2);
    fake_mono.tv_sec -= 100;
    warn_rl_n(&rl, 2);
    ck_assert_int_eq(n_lines, 2);
    /* Back to where it was plus 200 ms: one token. */
    fake_mono.tv_sec += 100;
    advance_ms(200);
    warn_rl_n(&rl, 2);
    ck_assert_int_eq(n_lines, 4);
    ck_assert_ptr_nonnull(strstr(lines[2].text, "|2 messages suppressed\n"));
}
END_TEST

START_TEST(test_rate_limit_disabled_level_takes_no_token)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 1);
    int calls = 0;
    SL_DBG_RL(&rl, "%d", calls++);
    ck_assert_int_eq(calls, 0);
    ck_assert(!rl.started);
    ck_assert_uint_eq(rl.suppressed, 0);
    SL_ERR_RL(&rl, "first");
    SL_INFO_RL(&rl, "dropped");
    ck_assert_int_eq(n_lines, 1);
    ck_assert_int_eq(lines[0].level, SL_LOG_ERR);
    ck_assert_uint_eq(rl.suppressed, 1);
}
END_TEST

START_TEST(test_libevent_severity_mapping)
{
    ck_assert_int_eq(sl_log_level_from_libevent(EVENT_LOG_ERR), SL_LOG_ERR);
    ck_assert_int_eq(sl_log_level_from_libevent(EVENT_LOG_WARN),
                     SL_LOG_WARN);
    ck_assert_int_eq(sl_log_level_from_libevent(EVENT_LOG_MSG), SL_LOG_INFO);
    ck_assert_int_eq(sl_log_level_from_libevent(EVENT_LOG_DEBUG),
                     SL_LOG_DBG);
    ck_assert_int_eq(sl_log_level_from_libevent(42), SL_LOG_WARN);
}
END_TEST

START_TEST(test_libevent_warnings_routed)
{
    sl_log_route_libevent();
    /* No backend offers both O(1) and arbitrary fds: libevent warns
     * through its log callback and fails. */
    struct event_config *cfg = event_config_new();
    ck_assert_ptr_nonnull(cfg);
    ck_assert_int_eq(event_config_require_features(
                         cfg, EV_FEATURE_O1 | EV_FEATURE_FDS), 0);
    struct event_base *base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (base) {
        event_base_free(base);
    }
    ck_assert_ptr_null(base);
    ck_assert_int_ge(n_lines, 1);
    ck_assert_str_eq(lines[0].module, "libevent");
    ck_assert_int_eq(lines[0].level, SL_LOG_WARN);
    ck_assert(!strncmp(lines[0].text,
                       "2023-11-14T22:13:20.045Z|warn|libevent|", 39));

    /* The libevent module's level applies like any other. */
    int before = n_lines;
    ck_assert_int_eq(sl_log_set_level("libevent", SL_LOG_ERR), 0);
    cfg = event_config_new();
    ck_assert_ptr_nonnull(cfg);
    event_config_require_features(cfg, EV_FEATURE_O1 | EV_FEATURE_FDS);
    base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    ck_assert_ptr_null(base);
    ck_assert_int_eq(n_lines, before);
}
END_TEST

START_TEST(test_reset_restores_defaults)
{
    ck_assert_int_eq(sl_log_set_level("default", SL_LOG_OFF), 0);
    ck_assert_int_eq(sl_log_set_level("testmod", SL_LOG_DBG), 0);
    sl_log_set_syslog(true);
    sl_log_reset();
    ck_assert_int_eq(sl_log_get_level("default"), SL_LOG_INFO);
    ck_assert_int_eq(sl_log_get_level("testmod"), SL_LOG_INFO);
    ck_assert(sl_log_module_exists("testmod"));
    /* The sink is gone too: capture again to prove stderr format. */
    sl_log_set_sink(capture_sink, &n_lines);
    SL_INFO("x");
    ck_assert_int_eq(n_lines, 1);
    ck_assert_int_eq(lines[0].target, SL_LOG_TO_STDERR);
}
END_TEST

static Suite *
log_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("levels");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_level_names_parse);
    tcase_add_test(tc, test_level_names_format_and_round_trip);
    tcase_add_test(tc, test_unknown_level_name_fails);
    tcase_add_test(tc, test_default_level_is_info);
    tcase_add_test(tc, test_disabled_level_evaluates_nothing);
    tcase_add_test(tc, test_default_level_filters_all_modules);
    tcase_add_test(tc, test_module_level_overrides_default);
    tcase_add_test(tc, test_off_silences_module);
    tcase_add_test(tc, test_modules_register_by_name);
    tcase_add_test(tc, test_same_name_modules_share_level);
    tcase_add_test(tc, test_level_set_before_register_is_remembered);
    tcase_add_test(tc, test_set_level_rejects_bad_arguments);
    tcase_add_test(tc, test_set_level_table_full);
    tcase_add_test(tc, test_apply_levels_single_level);
    tcase_add_test(tc, test_apply_levels_map_replaces_previous);
    tcase_add_test(tc, test_apply_levels_bad_entry_changes_nothing);
    tcase_add_test(tc, test_reset_restores_defaults);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_stderr_line_fields);
    tcase_add_test(tc, test_timestamp_milliseconds_and_date_change);
    tcase_add_test(tc, test_level_field_for_each_level);
    tcase_add_test(tc, test_level_to_syslog_priority);
    tcase_add_test(tc, test_syslog_switch_changes_target_and_format);
    tcase_add_test(tc, test_real_stderr_gets_one_line);
    tcase_add_test(tc, test_long_message_truncated);
    tcase_add_test(tc, test_message_that_just_fits_is_not_truncated);
    tcase_add_test(tc, test_control_characters_replaced);
    suite_add_tcase(s, tc);

    tc = tcase_create("rate-limit");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rate_limit_burst);
    tcase_add_test(tc, test_rate_limit_refill_reports_suppressed);
    tcase_add_test(tc, test_rate_limit_refill_caps_at_burst);
    tcase_add_test(tc, test_rate_limit_clock_going_back_adds_nothing);
    tcase_add_test(tc, test_rate_limit_disabled_level_takes_no_token);
    suite_add_tcase(s, tc);

    tc = tcase_create("libevent");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_libevent_severity_mapping);
    tcase_add_test(tc, test_libevent_warnings_routed);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(log_suite());
}
