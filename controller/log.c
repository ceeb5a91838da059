/* log: module registry, levels, line formatting, output, rate limiting and
 * the libevent bridge.  See log.h for the policy. */
#include <config.h>
#include "controller/log.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>
#include <event2/event.h>

SL_LOG_MODULE(libevent);

/* A level remembered for a module name. */
struct sl_log_setting {
    char name[SL_LOG_NAME_MAX + 1];
    enum sl_log_level level;
};

static struct sl_log_module *sl_log_modules;
static enum sl_log_level sl_log_default = SL_LOG_INFO;
static struct sl_log_setting sl_log_settings[SL_LOG_SETTINGS_MAX];
static size_t sl_log_n_settings;
static bool sl_log_syslog;
static sl_log_sink_fn *sl_log_sink;
static void *sl_log_sink_aux;
static sl_log_clock_fn *sl_log_clock;

/* The formatted "YYYY-MM-DDTHH:MM:SS" of the last second logged. */
static time_t sl_log_cached_sec = -1;
static char sl_log_cached_date[32];

static const char *const sl_log_names[] = {
    [SL_LOG_OFF] = "off",
    [SL_LOG_ERR] = "error",
    [SL_LOG_WARN] = "warn",
    [SL_LOG_INFO] = "info",
    [SL_LOG_DBG] = "debug",
};

static bool
sl_log_level_valid(enum sl_log_level level)
{
    int l = (int) level;
    return l >= (int) SL_LOG_OFF && l <= (int) SL_LOG_DBG;
}

static bool
sl_log_name_valid(const char *name)
{
    return name && name[0] && strlen(name) <= SL_LOG_NAME_MAX;
}

static struct sl_log_setting *
sl_log_find_setting(const char *name)
{
    for (size_t i = 0; i < sl_log_n_settings; i++) {
        if (!strcmp(sl_log_settings[i].name, name)) {
            return &sl_log_settings[i];
        }
    }
    return NULL;
}

static enum sl_log_level
sl_log_level_for(const char *name)
{
    const struct sl_log_setting *s = sl_log_find_setting(name);
    return s ? s->level : sl_log_default;
}

/* Recomputes the level of every registered module. */
static void
sl_log_refresh(void)
{
    for (struct sl_log_module *m = sl_log_modules; m; m = m->next) {
        m->level = sl_log_level_for(m->name);
    }
}

static void
sl_log_now(clockid_t clock, struct timespec *ts)
{
    if (sl_log_clock) {
        sl_log_clock(clock, ts);
    } else if (clock_gettime(clock, ts)) {
        ts->tv_sec = 0;
        ts->tv_nsec = 0;
    }
}

void
sl_log_register(struct sl_log_module *module)
{
    for (struct sl_log_module *m = sl_log_modules; m; m = m->next) {
        if (m == module) {
            return;
        }
    }
    module->level = sl_log_level_for(module->name);
    module->next = sl_log_modules;
    sl_log_modules = module;
}

void
sl_log_unregister(struct sl_log_module *module)
{
    for (struct sl_log_module **p = &sl_log_modules; *p; p = &(*p)->next) {
        if (*p == module) {
            *p = module->next;
            module->next = NULL;
            return;
        }
    }
}

int
sl_log_level_from_string(const char *s, enum sl_log_level *level)
{
    static const struct {
        const char *name;
        enum sl_log_level level;
    } aliases[] = {
        {"err", SL_LOG_ERR},
        {"warning", SL_LOG_WARN},
        {"dbg", SL_LOG_DBG},
    };

    if (!s) {
        return EINVAL;
    }
    for (size_t i = 0; i < sizeof sl_log_names / sizeof *sl_log_names;
         i++) {
        if (!strcasecmp(s, sl_log_names[i])) {
            *level = (enum sl_log_level) i;
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
        if (!strcasecmp(s, aliases[i].name)) {
            *level = aliases[i].level;
            return 0;
        }
    }
    return EINVAL;
}

const char *
sl_log_level_to_string(enum sl_log_level level)
{
    return sl_log_level_valid(level) ? sl_log_names[level] : "?";
}

int
sl_log_level_to_syslog(enum sl_log_level level)
{
    switch (level) {
    case SL_LOG_ERR:
        return LOG_ERR;
    case SL_LOG_WARN:
        return LOG_WARNING;
    case SL_LOG_INFO:
        return LOG_INFO;
    case SL_LOG_OFF:
    case SL_LOG_DBG:
    default:
        return LOG_DEBUG;
    }
}

enum sl_log_level
sl_log_level_from_libevent(int severity)
{
    switch (severity) {
    case EVENT_LOG_ERR:
        return SL_LOG_ERR;
    case EVENT_LOG_WARN:
        return SL_LOG_WARN;
    case EVENT_LOG_MSG:
        return SL_LOG_INFO;
    case EVENT_LOG_DEBUG:
        return SL_LOG_DBG;
    default:
        return SL_LOG_WARN;
    }
}

int
sl_log_set_level(const char *name, enum sl_log_level level)
{
    if (!sl_log_name_valid(name) || !sl_log_level_valid(level)) {
        return EINVAL;
    }
    if (!strcmp(name, "default")) {
        sl_log_default = level;
    } else {
        struct sl_log_setting *s = sl_log_find_setting(name);
        if (!s) {
            if (sl_log_n_settings >= SL_LOG_SETTINGS_MAX) {
                return ENOSPC;
            }
            s = &sl_log_settings[sl_log_n_settings++];
            memcpy(s->name, name, strlen(name) + 1);
        }
        s->level = level;
    }
    sl_log_refresh();
    return 0;
}

enum sl_log_level
sl_log_get_level(const char *name)
{
    if (!name || !strcmp(name, "default")) {
        return sl_log_default;
    }
    return sl_log_level_for(name);
}

bool
sl_log_module_exists(const char *name)
{
    for (const struct sl_log_module *m = sl_log_modules; name && m;
         m = m->next) {
        if (!strcmp(m->name, name)) {
            return true;
        }
    }
    return false;
}

int
sl_log_apply_levels(const struct sl_log_level_setting *settings, size_t n)
{
    size_t n_named = 0;

    for (size_t i = 0; i < n; i++) {
        const char *name = settings[i].module;
        if ((name && !sl_log_name_valid(name))
            || !sl_log_level_valid(settings[i].level)) {
            return EINVAL;
        }
        if (name && strcmp(name, "default")) {
            n_named++;
        }
    }
    if (n_named > SL_LOG_SETTINGS_MAX) {
        return ENOSPC;
    }

    sl_log_n_settings = 0;
    sl_log_default = SL_LOG_INFO;
    for (size_t i = 0; i < n; i++) {
        const char *name = settings[i].module;
        int error = sl_log_set_level(name ? name : "default",
                                     settings[i].level);
        if (error) {
            /* Unreachable after the checks above; keep levels sane. */
            sl_log_refresh();
            return error;
        }
    }
    sl_log_refresh();
    return 0;
}

void
sl_log_set_syslog(bool on)
{
    if (on && !sl_log_syslog) {
        openlog("sluice", LOG_PID, LOG_DAEMON);
    } else if (!on && sl_log_syslog) {
        closelog();
    }
    sl_log_syslog = on;
}

void
sl_log_set_sink(sl_log_sink_fn *sink, void *aux)
{
    sl_log_sink = sink;
    sl_log_sink_aux = aux;
}

void
sl_log_set_clock(sl_log_clock_fn *clock)
{
    sl_log_clock = clock;
    sl_log_cached_sec = -1;
}

/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ|" into 'buf' ('size' bytes) and returns
 * its length. */
static size_t
sl_log_format_time(char *buf, size_t size)
{
    struct timespec ts;
    sl_log_now(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != sl_log_cached_sec) {
        struct tm tm;
        if (!gmtime_r(&ts.tv_sec, &tm)
            || !strftime(sl_log_cached_date, sizeof sl_log_cached_date,
                         "%Y-%m-%dT%H:%M:%S", &tm)) {
            snprintf(sl_log_cached_date, sizeof sl_log_cached_date,
                     "%s", "0000-00-00T00:00:00");
        }
        sl_log_cached_sec = ts.tv_sec;
    }
    int n = snprintf(buf, size, "%s.%03dZ|", sl_log_cached_date,
                     (int) (ts.tv_nsec / 1000000));
    return n < 0 ? 0 : (size_t) n < size ? (size_t) n : size - 1;
}

/* Hands 'text' ('len' bytes, NUL-terminated) to the sink, stderr or
 * syslog. */
static void
sl_log_output(enum sl_log_target target, enum sl_log_level level,
              const char *module, const char *text, size_t len)
{
    int priority = sl_log_level_to_syslog(level);

    if (sl_log_sink) {
        sl_log_sink(sl_log_sink_aux, target, priority, level, module, text,
                    len);
    } else if (target == SL_LOG_TO_SYSLOG) {
        syslog(priority, "%s", text);
    } else {
        ssize_t n;
        do {
            n = write(STDERR_FILENO, text, len);
        } while (n < 0 && errno == EINTR);
    }
}

void
sl_log_emitv(struct sl_log_module *module, enum sl_log_level level,
             const char *fmt, va_list args)
{
    /* Room for the line, its newline and the NUL. */
    char buf[SL_LOG_LINE_MAX + 1];
    const size_t max = SL_LOG_LINE_MAX - 1;     /* Without the newline. */
    enum sl_log_target target = (sl_log_syslog ? SL_LOG_TO_SYSLOG
                                 : SL_LOG_TO_STDERR);
    size_t len = 0;

    if (target == SL_LOG_TO_STDERR) {
        len = sl_log_format_time(buf, max + 1);
    }
    int n = snprintf(buf + len, max + 1 - len, "%s|%s|",
                     sl_log_level_to_string(level), module->name);
    len += n < 0 ? 0 : (size_t) n;
    if (len > max) {
        len = max;
    }

    size_t start = len;
    n = vsnprintf(buf + len, max + 1 - len, fmt, args);
    if (n > 0) {
        len += (size_t) n;
        if (len > max) {
            const size_t mark = sizeof SL_LOG_TRUNCATED - 1;
            len = max;
            memcpy(buf + len - mark, SL_LOG_TRUNCATED, mark);
        }
    }
    for (size_t i = start; i < len; i++) {
        unsigned char c = buf[i];
        if (c < 0x20 || c == 0x7f) {
            buf[i] = '?';
        }
    }
    if (target == SL_LOG_TO_STDERR) {
        buf[len++] = '\n';
    }
    buf[len] = '\0';
    sl_log_output(target, level, module->name, buf, len);
}

void
sl_log_emit(struct sl_log_module *module, enum sl_log_level level,
            const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    sl_log_emitv(module, level, fmt, args);
    va_end(args);
}

/* Takes a token from 'rl' if it has one.  Returns true if it did. */
static bool
sl_log_rl_take(struct sl_log_rl *rl)
{
    const uint64_t one = 1000;
    uint64_t cap = (uint64_t) (rl->burst ? rl->burst : 1) * one;
    struct timespec ts;
    int64_t now;

    sl_log_now(CLOCK_MONOTONIC, &ts);
    now = (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (!rl->started) {
        rl->started = true;
        rl->tokens = cap;
        rl->last_ms = now;
    } else if (now > rl->last_ms) {
        /* Elapsed milliseconds times tokens per second = thousandths of a
         * token; stop multiplying once the bucket would be full anyway. */
        uint64_t elapsed = (uint64_t) (now - rl->last_ms);
        uint64_t rate = rl->rate ? rl->rate : 1;
        uint64_t room = cap - rl->tokens;
        rl->tokens = elapsed >= room / rate + 1 ? cap
                     : rl->tokens + elapsed * rate;
        rl->last_ms = now;
    }
    if (rl->tokens < one) {
        return false;
    }
    rl->tokens -= one;
    return true;
}

void
sl_log_emit_rl(struct sl_log_module *module, enum sl_log_level level,
               struct sl_log_rl *rl, const char *fmt, ...)
{
    if (!sl_log_rl_take(rl)) {
        if (rl->suppressed < UINT_MAX) {
            rl->suppressed++;
        }
        return;
    }
    if (rl->suppressed) {
        unsigned int n = rl->suppressed;
        rl->suppressed = 0;
        sl_log_emit(module, level, "%u message%s suppressed", n,
                    n == 1 ? "" : "s");
    }

    va_list args;
    va_start(args, fmt);
    sl_log_emitv(module, level, fmt, args);
    va_end(args);
}

static void
sl_log_libevent_cb(int severity, const char *msg)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(10, 50);
    enum sl_log_level level = sl_log_level_from_libevent(severity);

    if (SL_LOG_ENABLED(level)) {
        sl_log_emit_rl(&sl_log_this_module, level, &rl, "%s",
                       msg ? msg : "(null)");
    }
}

void
sl_log_route_libevent(void)
{
    event_set_log_callback(sl_log_libevent_cb);
}

void
sl_log_reset(void)
{
    sl_log_set_syslog(false);
    sl_log_set_sink(NULL, NULL);
    sl_log_set_clock(NULL);
    sl_log_n_settings = 0;
    sl_log_default = SL_LOG_INFO;
    sl_log_refresh();
}
