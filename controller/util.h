/* util: the controller's out-of-memory policy and its error-line helper.
 *
 * Sits under every controller module.  Memory the daemon cannot do without
 * (a session, a flow entry, a configuration copy) is allocated with the
 * sl_x* functions below: on failure they print "sluice: out of memory" to
 * stderr and abort, so callers never test for NULL.  Paths that must
 * survive a failed allocation (a peer's output queue) call malloc()
 * themselves and handle it.  Every function accepts a size of 0 and then
 * returns a distinct, freeable pointer. */
#ifndef CONTROLLER_UTIL_H
#define CONTROLLER_UTIL_H 1

#include <stddef.h>

/* Prints "sluice: out of memory" to stderr and aborts.  For allocators
 * other than malloc (libevent, libyaml) whose failure means exactly that. */
void sl_out_of_memory(void) __attribute__((noreturn));

/* Returns 'n' uninitialised bytes, owned by the caller (free()). */
void *sl_xmalloc(size_t n) __attribute__((malloc));
/* Returns 'n' zeroed elements of 'size' bytes, owned by the caller. */
void *sl_xcalloc(size_t n, size_t size) __attribute__((malloc));
/* Resizes 'p' (NULL: a new block) to 'n' bytes, like realloc(); returns
 * the block, owned by the caller. */
void *sl_xrealloc(void *p, size_t n);
/* Returns a copy of the string 's', owned by the caller. */
char *sl_xstrdup(const char *s) __attribute__((malloc));
/* Returns the printf-style formatting of 'fmt', owned by the caller (the
 * empty string if 'fmt' cannot be formatted). */
char *sl_xasprintf(const char *fmt, ...)
    __attribute__((malloc, format(printf, 1, 2)));

/* Formats one error line into 'err' ('errlen' bytes, truncated to fit).
 * Does nothing when 'err' is NULL or 'errlen' is 0. */
void sl_format_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds since the epoch (CLOCK_REALTIME) / since an arbitrary point
 * (CLOCK_MONOTONIC), as doubles.  Not for the hot path. */
double sl_wall_clock(void);
double sl_monotonic(void);

#endif /* CONTROLLER_UTIL_H */
