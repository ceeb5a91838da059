/* prom: the Prometheus text exposition format; see prom.h. */
#include <config.h>
#include "controller/prom.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
sl_prom_name_ok(const char *s, bool colon)
{
    if (!s || !*s || (*s >= '0' && *s <= '9')) {
        return false;
    }
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || (colon && c == ':'))) {
            return false;
        }
    }
    return true;
}

/* Appends 's' escaped for a HELP line (backslash, newline) or, with
 * 'quote', for a label value (also double quotes). */
static void
prom_escape(struct evbuffer *out, const char *s, bool quote)
{
    const char *run = s;

    for (; *s; s++) {
        const char *esc = NULL;
        if (*s == '\\') {
            esc = "\\\\";
        } else if (*s == '\n') {
            esc = "\\n";
        } else if (quote && *s == '"') {
            esc = "\\\"";
        }
        if (esc) {
            evbuffer_add(out, run, (size_t) (s - run));
            evbuffer_add(out, esc, 2);
            run = s + 1;
        }
    }
    evbuffer_add(out, run, (size_t) (s - run));
}

void
sl_prom_init(struct sl_prom *p, struct evbuffer *out)
{
    p->out = out;
}

void
sl_prom_family(struct sl_prom *p, const char *name, const char *type,
               const char *help)
{
    assert(sl_prom_name_ok(name, true));
    evbuffer_add_printf(p->out, "# HELP %s ", name);
    prom_escape(p->out, help ? help : "", false);
    evbuffer_add_printf(p->out, "\n# TYPE %s %s\n", name, type);
}

/* Writes "name{labels" (and 'extra' = "value" as one more label, if not
 * NULL) "} " -- or just "name " without labels. */
static void
prom_head(struct sl_prom *p, const char *name, const char *suffix,
          va_list labels, const char *extra_name, const char *extra)
{
    const char *k = va_arg(labels, const char *);
    bool any = false;

    assert(sl_prom_name_ok(name, true));
    evbuffer_add_printf(p->out, "%s%s", name, suffix);
    for (; k; k = va_arg(labels, const char *)) {
        const char *v = va_arg(labels, const char *);
        assert(sl_prom_name_ok(k, false));
        evbuffer_add_printf(p->out, "%s%s=\"", any ? "," : "{", k);
        prom_escape(p->out, v ? v : "", true);
        evbuffer_add(p->out, "\"", 1);
        any = true;
    }
    if (extra_name) {
        evbuffer_add_printf(p->out, "%s%s=\"%s\"", any ? "," : "{",
                            extra_name, extra);
        any = true;
    }
    evbuffer_add(p->out, any ? "} " : " ", any ? 2 : 1);
}

/* Prometheus's spelling of a float: "+Inf", "-Inf", "NaN", or %.17g. */
static void
prom_format_double(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        snprintf(buf, size, "NaN");
    } else if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
    } else {
        /* The shortest form that reads back as 'v' ("0.005", not
         * "0.0050000000000000001"): bucket bounds stay readable. */
        snprintf(buf, size, "%.15g", v);
        if (strtod(buf, NULL) != v) {
            snprintf(buf, size, "%.17g", v);
        }
    }
}

void
sl_prom_u64(struct sl_prom *p, const char *name, uint64_t value, ...)
{
    va_list ap;

    va_start(ap, value);
    prom_head(p, name, "", ap, NULL, NULL);
    va_end(ap);
    evbuffer_add_printf(p->out, "%" PRIu64 "\n", value);
}

void
sl_prom_double(struct sl_prom *p, const char *name, double value, ...)
{
    char num[40];
    va_list ap;

    va_start(ap, value);
    prom_head(p, name, "", ap, NULL, NULL);
    va_end(ap);
    prom_format_double(num, sizeof num, value);
    evbuffer_add_printf(p->out, "%s\n", num);
}

void
sl_prom_sample(struct sl_prom *p, const char *name, double value,
               const char *const *labels)
{
    char num[40];
    bool any = false;

    assert(sl_prom_name_ok(name, true));
    evbuffer_add(p->out, name, strlen(name));
    for (size_t i = 0; labels && labels[i]; i += 2) {
        assert(sl_prom_name_ok(labels[i], false));
        evbuffer_add_printf(p->out, "%s%s=\"", any ? "," : "{", labels[i]);
        prom_escape(p->out, labels[i + 1] ? labels[i + 1] : "", true);
        evbuffer_add(p->out, "\"", 1);
        any = true;
    }
    evbuffer_add(p->out, any ? "} " : " ", any ? 2 : 1);
    prom_format_double(num, sizeof num, value);
    evbuffer_add_printf(p->out, "%s\n", num);
}

void
sl_prom_histogram(struct sl_prom *p, const char *name, const double *le,
                  const uint64_t *counts, size_t n, double sum,
                  uint64_t count, ...)
{
    uint64_t cumulative = 0;
    char bound[40];
    va_list ap;

    for (size_t i = 0; i < n; i++) {
        cumulative += counts[i];
        prom_format_double(bound, sizeof bound, le[i]);
        va_start(ap, count);
        prom_head(p, name, "_bucket", ap, "le", bound);
        va_end(ap);
        evbuffer_add_printf(p->out, "%" PRIu64 "\n", cumulative);
    }
    va_start(ap, count);
    prom_head(p, name, "_bucket", ap, "le", "+Inf");
    va_end(ap);
    evbuffer_add_printf(p->out, "%" PRIu64 "\n", count);

    prom_format_double(bound, sizeof bound, sum);
    va_start(ap, count);
    prom_head(p, name, "_sum", ap, NULL, NULL);
    va_end(ap);
    evbuffer_add_printf(p->out, "%s\n", bound);

    va_start(ap, count);
    prom_head(p, name, "_count", ap, NULL, NULL);
    va_end(ap);
    evbuffer_add_printf(p->out, "%" PRIu64 "\n", count);
}
