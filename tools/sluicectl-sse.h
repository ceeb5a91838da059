/* sluicectl-sse: an incremental parser of text/event-stream (Server-Sent
 * Events, as the HTML Living Standard defines the format).
 *
 * Bytes go in as they arrive, cut anywhere; complete events come out
 * through a callback.  Lines end with CRLF, LF or CR; a line starting with
 * ':' is a comment (the server's heartbeat); "event: T" names the event,
 * "data: D" lines make its data (joined with '\n'); "id" and "retry" and
 * unknown fields are ignored; a blank line dispatches the event if it has
 * data.  A line, or an event's data, longer than CTL_SSE_MAX_LINE bytes is
 * cut there. */
#ifndef TOOLS_SLUICECTL_SSE_H
#define TOOLS_SLUICECTL_SSE_H 1

#include <stdbool.h>
#include <stddef.h>

#define CTL_SSE_MAX_LINE (1024 * 1024)

/* Receives one event: its type ("message" when the stream named none) and
 * its data, both NUL-terminated and valid during the call only.  Returns
 * false to stop the parser. */
typedef bool ctl_sse_event_cb(const char *type, const char *data, void *aux);

struct ctl_sse {
    ctl_sse_event_cb *cb;
    void *aux;
    char *line; /* the line being received (not terminated) */
    size_t line_len, line_cap;
    bool after_cr; /* the last line ended with CR: skip a LF next */
    char *type;    /* of the event being built, NULL for "message" */
    char *data;    /* its data lines, each followed by '\n' */
    size_t data_len, data_cap;
    bool has_data;
    bool stopped; /* 'cb' returned false */
};

/* Initialises 'sse' to call 'cb(type, data, aux)' for each event. */
void ctl_sse_init(struct ctl_sse *sse, ctl_sse_event_cb *cb, void *aux);
/* Frees what 'sse' holds.  An event not yet ended by a blank line is
 * dropped, as the standard says. */
void ctl_sse_uninit(struct ctl_sse *sse);

/* Parses 'len' bytes at 'data'.  Returns false once the callback has
 * returned false (the rest is ignored, now and later). */
bool ctl_sse_feed(struct ctl_sse *sse, const char *data, size_t len);

#endif /* TOOLS_SLUICECTL_SSE_H */
