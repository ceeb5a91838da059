/* rest/ui: the live topology page, /ui/ on the REST server.
 *
 *   GET /ui          301 to /ui/ (the query kept)
 *   GET /ui/         the page (index.html)
 *   GET /ui/{name}   each file of rest/ui/ by its name; 404 JSON otherwise
 *
 * The files (HTML, JavaScript, CSS, SVG) are compiled into the daemon at
 * build time by rest/ui-embed.sh, so an installed sluice serves them with
 * no data directory, and the page fetches nothing from anywhere else: it
 * reads the topology and the switches through the API beside it
 * (/api/v1/topology, /api/v1/switches/{dpid}, /stats/flow/{dpid}) and
 * follows /api/v1/events.  Every reply carries "Cache-Control: no-cache",
 * "X-Content-Type-Options: nosniff" and a Content-Security-Policy that
 * allows only the page's own origin (no inline script); a file's reply
 * carries its ETag (from its SHA-256), and a matching If-None-Match gets
 * 304.  HEAD is answered as GET without the body.  Reads need no token,
 * so neither does the page.
 *
 * Sits beside rest/native.c: it knows the server, not the controller. */
#ifndef REST_UI_H
#define REST_UI_H 1

#include <stddef.h>
#include "rest/server.h"

/* One file of the page, as compiled in. */
struct rest_ui_asset {
    const char *name;          /* "index.html": its name in rest/ui/ */
    const unsigned char *data; /* its bytes (a NUL follows them) */
    size_t size;               /* in bytes */
};

struct rest_ui;

/* Registers the routes above on 'server' (borrowed: it must outlive the
 * module).  Returns the module, or NULL with an errno in '*error' (the
 * routes registered so far stay on 'server', which is then to be
 * destroyed). */
struct rest_ui *rest_ui_create(struct rest_server *server, int *error);
/* Frees the module; call after rest_server_destroy().  NULL is ignored. */
void rest_ui_destroy(struct rest_ui *);

/* The files compiled in, in the order of the build ('*n' of them); the
 * array is static.  For tests. */
const struct rest_ui_asset *rest_ui_assets(size_t *n);

/* The Content-Type the page serves a file named 'name' with
 * ("text/html; charset=utf-8" for "index.html"; by its extension, and
 * "application/octet-stream" for an unknown one). */
const char *rest_ui_content_type(const char *name);

#endif /* REST_UI_H */
