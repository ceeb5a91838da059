/* log: the controller's logging, with one handle per module.
 *
 * Sits under every controller service (connections, flow programmer,
 * plugins host, REST): they declare themselves once with
 *
 *     SL_LOG_MODULE(conn);
 *
 * and log with SL_ERR/SL_WARN/SL_INFO/SL_DBG(fmt, ...).  Anything a peer can
 * trigger goes through the rate-limited forms:
 *
 *     static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
 *     SL_WARN_RL(&rl, "bad message from %s", peer);
 *
 * Levels: error = something broke, warn = someone must act, info = a state
 * change (switch up, link down), debug = for developers; "off" disables a
 * module.  A disabled level costs one comparison: the arguments are not even
 * evaluated.
 *
 * Levels are set by module name (sl_log_set_level()).  A name that no module
 * has registered yet is remembered and applied when a module of that name
 * registers (plugins are loaded after the configuration is read), so setting
 * a level never fails because of an unknown name; sl_log_module_exists()
 * tells whether a name is known, for callers that want to warn on a typo.
 * Modules without a level of their own follow "default" (info at start).
 *
 * Output goes to stderr, one write(2) per line:
 *
 *     2026-11-21T06:36:43.123Z|warn|conn|message
 *
 * (ISO-8601 UTC time with milliseconds, level, module, message), or to
 * syslog (ident "sluice", facility daemon, priority from the level) as
 * "warn|conn|message".  Control characters in the message become '?', so one
 * message is always one line; messages longer than SL_LOG_LINE_MAX are cut
 * and end with SL_LOG_TRUNCATED.  No allocation per message.
 *
 * Not thread-safe: the controller runs one event loop (DESIGN.md, Threading)
 * and all logging happens on it.  The module registry, the levels, the sink
 * and the clock are process-wide state. */
#ifndef CONTROLLER_LOG_H
#define CONTROLLER_LOG_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Severity, most to least severe.  A message of level L is emitted when
 * L <= the module's level; SL_LOG_OFF as a module level disables it. */
enum sl_log_level {
    SL_LOG_OFF = 0,
    SL_LOG_ERR = 1,
    SL_LOG_WARN = 2,
    SL_LOG_INFO = 3,
    SL_LOG_DBG = 4,
};

/* Longest line handed to stderr or syslog, newline included. */
#define SL_LOG_LINE_MAX 1024
/* Marker ending a message that did not fit. */
#define SL_LOG_TRUNCATED "...[truncated]"
/* Longest module name, without the terminating NUL. */
#define SL_LOG_NAME_MAX 31
/* How many per-name levels (sl_log_set_level()) can be remembered. */
#define SL_LOG_SETTINGS_MAX 64

/* One module's log handle.  Declared by SL_LOG_MODULE(); the fields are
 * read by the macros and otherwise belong to log.c. */
struct sl_log_module {
    const char *name;
    enum sl_log_level level;        /* Effective level. */
    struct sl_log_module *next;     /* In the registry. */
};

/* Declares this file's log handle, named 'NAME' (a C identifier, at most
 * SL_LOG_NAME_MAX characters), and registers it when the program or plugin
 * is loaded (unregisters it when a plugin is unloaded).  Use once per .c, at
 * file scope. */
#define SL_LOG_MODULE(NAME)                                                 \
    static struct sl_log_module sl_log_this_module = {                      \
        #NAME, SL_LOG_INFO, NULL};                                          \
    __attribute__((constructor)) static void                                \
    sl_log_ctor_##NAME(void)                                                \
    {                                                                       \
        sl_log_register(&sl_log_this_module);                               \
    }                                                                       \
    __attribute__((destructor)) static void                                 \
    sl_log_dtor_##NAME(void)                                                \
    {                                                                       \
        sl_log_unregister(&sl_log_this_module);                             \
    }                                                                       \
    struct sl_log_module_semicolon_##NAME

/* Is 'LEVEL' enabled for this file's module? */
#define SL_LOG_ENABLED(LEVEL) ((LEVEL) <= sl_log_this_module.level)

#define SL_LOG_AT(LEVEL, ...)                                               \
    do {                                                                    \
        if (SL_LOG_ENABLED(LEVEL)) {                                        \
            sl_log_emit(&sl_log_this_module, LEVEL, __VA_ARGS__);           \
        }                                                                   \
    } while (0)

#define SL_ERR(...) SL_LOG_AT(SL_LOG_ERR, __VA_ARGS__)
#define SL_WARN(...) SL_LOG_AT(SL_LOG_WARN, __VA_ARGS__)
#define SL_INFO(...) SL_LOG_AT(SL_LOG_INFO, __VA_ARGS__)
#define SL_DBG(...) SL_LOG_AT(SL_LOG_DBG, __VA_ARGS__)

/* A token bucket for one call site: 'rate' messages per second on average,
 * at most 'burst' at once.  The fields belong to log.c. */
struct sl_log_rl {
    unsigned int rate;          /* Tokens per second. */
    unsigned int burst;         /* Bucket size in tokens. */
    uint64_t tokens;            /* In thousandths of a token. */
    int64_t last_ms;            /* Monotonic time of the last refill. */
    unsigned int suppressed;    /* Dropped since the last emitted one. */
    bool started;               /* The bucket has been filled once. */
};

/* Static initializer: 'RATE' per second, burst 'BURST' (both >= 1). */
#define SL_LOG_RL_INIT(RATE, BURST) {(RATE), (BURST), 0, 0, 0, false}

#define SL_LOG_AT_RL(LEVEL, RL, ...)                                        \
    do {                                                                    \
        if (SL_LOG_ENABLED(LEVEL)) {                                        \
            sl_log_emit_rl(&sl_log_this_module, LEVEL, RL, __VA_ARGS__);    \
        }                                                                   \
    } while (0)

#define SL_ERR_RL(RL, ...) SL_LOG_AT_RL(SL_LOG_ERR, RL, __VA_ARGS__)
#define SL_WARN_RL(RL, ...) SL_LOG_AT_RL(SL_LOG_WARN, RL, __VA_ARGS__)
#define SL_INFO_RL(RL, ...) SL_LOG_AT_RL(SL_LOG_INFO, RL, __VA_ARGS__)
#define SL_DBG_RL(RL, ...) SL_LOG_AT_RL(SL_LOG_DBG, RL, __VA_ARGS__)

/* Adds 'module' to the registry and gives it its level (the one remembered
 * for its name, else the default).  Called by SL_LOG_MODULE(); 'module' is
 * borrowed until sl_log_unregister(). */
void sl_log_register(struct sl_log_module *module);

/* Removes 'module' from the registry (no-op if absent).  Called by
 * SL_LOG_MODULE() when a plugin is unloaded. */
void sl_log_unregister(struct sl_log_module *module);

/* Formats and writes one message of 'level' for 'module' to the current
 * output.  Use the SL_ERR... macros, which skip disabled levels first. */
void sl_log_emit(struct sl_log_module *module, enum sl_log_level level,
                 const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* sl_log_emit() with a va_list (for hosts of other loggers, e.g. the
 * plugins' log function). */
void sl_log_emitv(struct sl_log_module *module, enum sl_log_level level,
                  const char *fmt, va_list args)
    __attribute__((format(printf, 3, 0)));

/* Like sl_log_emit() if 'rl' has a token, else counts the message as
 * suppressed.  The first message emitted after some were suppressed is
 * preceded by a line "N messages suppressed" of the same level and module.
 * Reads the monotonic clock (see sl_log_set_clock()). */
void sl_log_emit_rl(struct sl_log_module *module, enum sl_log_level level,
                    struct sl_log_rl *rl, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses the level name 's' ("off", "error", "warn", "info", "debug"; any
 * case; "err", "warning" and "dbg" are accepted too) into '*level'.
 * Returns 0, or EINVAL (and leaves '*level' alone) for NULL or an unknown
 * name. */
int sl_log_level_from_string(const char *s, enum sl_log_level *level);

/* Returns the canonical name of 'level' ("off", "error", "warn", "info",
 * "debug"), or "?" for a value outside the enum.  Static storage. */
const char *sl_log_level_to_string(enum sl_log_level level);

/* Returns the syslog(3) priority for 'level' (LOG_ERR, LOG_WARNING,
 * LOG_INFO, LOG_DEBUG; LOG_DEBUG for anything else). */
int sl_log_level_to_syslog(enum sl_log_level level);

/* Returns our level for the libevent severity 'severity' (EVENT_LOG_ERR,
 * _WARN, _MSG, _DEBUG map to error, warn, info, debug; anything unknown to
 * warn). */
enum sl_log_level sl_log_level_from_libevent(int severity);

/* Sets the level of every module named 'name' to 'level', and remembers it
 * for modules of that name registered later.  'name' "default" sets the level
 * of every module that has no level of its own.  Returns 0; EINVAL if 'name'
 * is NULL, empty or longer than SL_LOG_NAME_MAX, or 'level' is not a level;
 * ENOSPC if SL_LOG_SETTINGS_MAX names already have levels. */
int sl_log_set_level(const char *name, enum sl_log_level level);

/* Returns the level that applies to modules named 'name' (their own if set,
 * else the default), or the default level for "default". */
enum sl_log_level sl_log_get_level(const char *name);

/* Returns true if a module named 'name' is registered now. */
bool sl_log_module_exists(const char *name);

/* One entry of the config key log.level: 'module' NULL or "default" for the
 * default level, else a module name. */
struct sl_log_level_setting {
    const char *module;
    enum sl_log_level level;
};

/* Replaces all levels by 'settings' ('n' entries): forgets every per-module
 * level, sets the default to info, then applies the entries in order.  So
 * `log.level: debug` is {{NULL, SL_LOG_DBG}} and `{default: info, conn:
 * debug}` is {{"default", SL_LOG_INFO}, {"conn", SL_LOG_DBG}}; calling it
 * again (SIGHUP) drops levels no longer in the config.  All entries are
 * checked first: on error nothing changes.  Returns 0, or EINVAL/ENOSPC as
 * sl_log_set_level() does. */
int sl_log_apply_levels(const struct sl_log_level_setting *settings,
                        size_t n);

/* Sends output to syslog (true; openlog(3) with ident "sluice") or to
 * stderr (false; closes the syslog connection).  Default false. */
void sl_log_set_syslog(bool on);

/* Where a finished line would go. */
enum sl_log_target {
    SL_LOG_TO_STDERR,
    SL_LOG_TO_SYSLOG,
};

/* Receives each finished line instead of stderr or syslog: 'target' where it
 * would have gone, 'priority' its syslog priority, 'text' the line ('len'
 * bytes; for stderr with the timestamp and the final newline, for syslog
 * without either), NUL-terminated and valid only during the call.  'level'
 * and 'module' are the message's. */
typedef void sl_log_sink_fn(void *aux, enum sl_log_target target,
                            int priority, enum sl_log_level level,
                            const char *module, const char *text,
                            size_t len);

/* Installs 'sink' (with 'aux' passed back), or with NULL restores the real
 * output.  Meant for tests. */
void sl_log_set_sink(sl_log_sink_fn *sink, void *aux);

/* Reads clock 'clock' (CLOCK_REALTIME for timestamps, CLOCK_MONOTONIC for
 * rate limits) into '*ts'. */
typedef void sl_log_clock_fn(clockid_t clock, struct timespec *ts);

/* Installs 'clock' in place of clock_gettime(3), or with NULL restores it.
 * Meant for tests. */
void sl_log_set_clock(sl_log_clock_fn *clock);

/* Installs a libevent log callback (event_set_log_callback()) that sends
 * libevent's messages to module "libevent", rate-limited (10 per second,
 * burst 50), at the level sl_log_level_from_libevent() gives. */
void sl_log_route_libevent(void);

/* Restores the start-up state: default level info and no per-module levels,
 * stderr output, no sink, the real clock.  Registered modules stay. */
void sl_log_reset(void);

#endif /* CONTROLLER_LOG_H */
