/* sluicectl-sse: an incremental text/event-stream parser (see
 * sluicectl-sse.h). */
#include <config.h>
#include "tools/sluicectl-sse.h"

#include <stdlib.h>
#include <string.h>

void
ctl_sse_init(struct ctl_sse *sse, ctl_sse_event_cb *cb, void *aux)
{
    memset(sse, 0, sizeof *sse);
    sse->cb = cb;
    sse->aux = aux;
}

void
ctl_sse_uninit(struct ctl_sse *sse)
{
    free(sse->line);
    free(sse->type);
    free(sse->data);
    memset(sse, 0, sizeof *sse);
}

/* Appends 'n' bytes at 'p' to the buffer '*buf' of '*len' bytes and
 * '*cap' capacity, keeping one byte spare for a terminator and cutting at
 * CTL_SSE_MAX_LINE. */
static void
buf_append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (n > CTL_SSE_MAX_LINE - *len) {
        n = CTL_SSE_MAX_LINE - *len;
    }
    if (*len + n + 1 > *cap) {
        size_t new_cap = *cap ? *cap : 256;
        while (new_cap < *len + n + 1) {
            new_cap *= 2;
        }
        char *new_buf = realloc(*buf, new_cap);
        if (!new_buf) {
            abort();
        }
        *buf = new_buf;
        *cap = new_cap;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
}

/* A blank line: hands the event over if it has data, and starts the next
 * one. */
static void
dispatch(struct ctl_sse *sse)
{
    if (sse->has_data) {
        sse->data[--sse->data_len] = '\0'; /* The last '\n'. */
        if (!sse->cb(sse->type ? sse->type : "message", sse->data, sse->aux)) {
            sse->stopped = true;
        }
    }
    free(sse->type);
    sse->type = NULL;
    sse->data_len = 0;
    sse->has_data = false;
}

/* Interprets one whole line of 'len' bytes at 'line'. */
static void
process_line(struct ctl_sse *sse, const char *line, size_t len)
{
    if (!len) {
        dispatch(sse);
        return;
    }
    if (line[0] == ':') {
        return; /* A comment. */
    }

    const char *colon = memchr(line, ':', len);
    size_t name_len = colon ? (size_t) (colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    size_t value_len = (size_t) (line + len - value);
    if (value_len && value[0] == ' ') {
        value++;
        value_len--;
    }

    if (name_len == 5 && !memcmp(line, "event", 5)) {
        free(sse->type);
        sse->type = strndup(value, value_len);
        if (!sse->type) {
            abort();
        }
    } else if (name_len == 4 && !memcmp(line, "data", 4)) {
        buf_append(&sse->data, &sse->data_len, &sse->data_cap, value,
                   value_len);
        buf_append(&sse->data, &sse->data_len, &sse->data_cap, "\n", 1);
        sse->has_data = true;
    }
}

bool
ctl_sse_feed(struct ctl_sse *sse, const char *data, size_t len)
{
    const char *end = data + len;
    const char *p = data;

    while (p < end && !sse->stopped) {
        if (sse->after_cr) {
            sse->after_cr = false;
            if (*p == '\n') {
                p++;
                continue;
            }
        }

        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r') {
            eol++;
        }
        buf_append(&sse->line, &sse->line_len, &sse->line_cap, p,
                   (size_t) (eol - p));
        if (eol == end) {
            break; /* The line goes on in the next piece. */
        }
        sse->after_cr = *eol == '\r';
        p = eol + 1;
        process_line(sse, sse->line ? sse->line : "", sse->line_len);
        sse->line_len = 0;
    }
    return !sse->stopped;
}
