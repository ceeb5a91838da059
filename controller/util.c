/* util: see util.h. */
#include <config.h>
#include "controller/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
sl_out_of_memory(void)
{
    fprintf(stderr, "sluice: out of memory\n");
    abort();
}

void *
sl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        sl_out_of_memory();
    }
    return p;
}

void *
sl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        sl_out_of_memory();
    }
    return p;
}

void *
sl_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        sl_out_of_memory();
    }
    return p;
}

char *
sl_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(sl_xmalloc(n), s, n);
}

char *
sl_xasprintf(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    int n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    size_t size = n < 0 ? 1 : (size_t) n + 1;
    char *s = sl_xmalloc(size);
    va_start(args, fmt);
    if (vsnprintf(s, size, fmt, args) < 0) {
        s[0] = '\0';
    }
    va_end(args);
    return s;
}

void
sl_format_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(err, errlen, fmt, args);
        va_end(args);
    }
}

static double
sl_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

double
sl_wall_clock(void)
{
    return sl_clock(CLOCK_REALTIME);
}

double
sl_monotonic(void)
{
    return sl_clock(CLOCK_MONOTONIC);
}
