/* rest/ui: see ui.h.
 *
 * The files come from rest/ui-assets.inc, which rest/ui-embed.sh writes
 * into the build tree from rest/ui/ (one byte array per file and the
 * table 'ui_assets').  Their ETags are computed once, when the module is
 * made.  Nothing here touches the file system. */
#include <config.h>
#include "rest/ui.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>
#include "controller/log.h"
#include "controller/util.h"

#include "rest/ui-assets.inc"

SL_LOG_MODULE(rest);

/* Only the page's own origin; no inline script or style, no plugins, no
 * framing, no forms. */
#define UI_CSP                                                                \
    "default-src 'self'; script-src 'self'; style-src 'self'; "               \
    "img-src 'self'; connect-src 'self'; object-src 'none'; "                 \
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* "\"" + 32 hex digits (the first 16 bytes of the SHA-256) + "\"". */
#define UI_ETAG_LEN 34

/* The longest If-None-Match list entry compared. */
#define UI_TAG_MAX 128

struct rest_ui_file {
    const struct rest_ui_asset *asset;
    const char *content_type;
    char etag[UI_ETAG_LEN + 1];
};

struct rest_ui {
    struct rest_server *server;
    struct rest_ui_file files[sizeof ui_assets / sizeof ui_assets[0]];
};

#define UI_N_FILES (sizeof ui_assets / sizeof ui_assets[0])

const struct rest_ui_asset *
rest_ui_assets(size_t *n)
{
    *n = UI_N_FILES;
    return ui_assets;
}

const char *
rest_ui_content_type(const char *name)
{
    static const struct {
        const char *ext;
        const char *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
    };
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++) {
        if (!strcmp(dot, types[i].ext)) {
            return types[i].type;
        }
    }
    return "application/octet-stream";
}

/* The headers of every reply under /ui. */
static void
ui_common_headers(struct rest_req *req)
{
    (void) rest_reply_header(req, "Cache-Control", "no-cache");
    (void) rest_reply_header(req, "X-Content-Type-Options", "nosniff");
    (void) rest_reply_header(req, "Content-Security-Policy", UI_CSP);
    (void) rest_reply_header(req, "Referrer-Policy", "no-referrer");
}

/* Does the If-None-Match list 'list' name 'etag' (or "*")?  Entries are
 * compared weakly, as RFC 9110 asks for this header: "W/" is ignored. */
static bool
ui_etag_listed(const char *list, const char *etag)
{
    const char *p = list;

    while (*p) {
        char tag[UI_TAG_MAX];
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;

        while (s < e && (*s == ' ' || *s == '\t')) {
            s++;
        }
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }
        if (e - s >= 2 && s[0] == 'W' && s[1] == '/') {
            s += 2;
        }
        if ((size_t) (e - s) < sizeof tag) {
            memcpy(tag, s, (size_t) (e - s));
            tag[e - s] = '\0';
            if (!strcmp(tag, "*") || !strcmp(tag, etag)) {
                return true;
            }
        }
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    return false;
}

static const struct rest_ui_file *
ui_find(const struct rest_ui *ui, const char *name)
{
    for (size_t i = 0; i < UI_N_FILES; i++) {
        if (!strcmp(ui->files[i].asset->name, name)) {
            return &ui->files[i];
        }
    }
    return NULL;
}

/* Answers 'req' with the file 'name' of the page. */
static void
ui_send(struct rest_ui *ui, struct rest_req *req, const char *name)
{
    const struct rest_ui_file *f = ui_find(ui, name);

    ui_common_headers(req);
    if (f == NULL) {
        rest_reply_error(req, 404, "not found",
                         "the topology page has no file \"%s\" (the page "
                         "is /ui/)",
                         name);
        return;
    }
    (void) rest_reply_header(req, "ETag", f->etag);
    const char *inm = rest_req_header(req, "If-None-Match");
    if (inm && ui_etag_listed(inm, f->etag)) {
        rest_reply_data(req, 304, NULL, NULL, 0);
        return;
    }
    rest_reply_data(req, 200, f->content_type, f->asset->data, f->asset->size);
}

/* GET /ui: the page is the directory /ui/, where its relative links
 * resolve. */
static void
ui_redirect(struct rest_req *req, void *ui_)
{
    static const char body[] = "the topology page is at /ui/\n";
    const char *query = rest_req_raw_query(req);
    char *location = sl_xmalloc(strlen(query) + 6);

    (void) ui_;
    snprintf(location, strlen(query) + 6, "/ui/%s%s", query[0] ? "?" : "",
             query);
    ui_common_headers(req);
    if (rest_reply_header(req, "Location", location)) {
        (void) rest_reply_header(req, "Location", "/ui/");
    }
    free(location);
    rest_reply_data(req, 301, "text/plain; charset=utf-8", body,
                    sizeof body - 1);
}

static void
ui_index(struct rest_req *req, void *ui)
{
    ui_send(ui, req, "index.html");
}

static void
ui_file(struct rest_req *req, void *ui)
{
    ui_send(ui, req, rest_req_param(req, "name"));
}

struct rest_ui *
rest_ui_create(struct rest_server *server, int *error)
{
    static const struct {
        const char *pattern;
        bool slash;
        rest_handler *handler;
    } routes[] = {
        {"/ui", false, ui_redirect},
        {"/ui", true, ui_index},
        {"/ui/{name}", false, ui_file},
    };
    struct rest_ui *ui = sl_xcalloc(1, sizeof *ui);

    ui->server = server;
    for (size_t i = 0; i < UI_N_FILES; i++) {
        struct rest_ui_file *f = &ui->files[i];
        unsigned char sha[SHA256_DIGEST_LENGTH];

        f->asset = &ui_assets[i];
        f->content_type = rest_ui_content_type(f->asset->name);
        SHA256(f->asset->data, f->asset->size, sha);
        f->etag[0] = '"';
        for (size_t j = 0; j < (UI_ETAG_LEN - 2) / 2; j++) {
            snprintf(&f->etag[1 + 2 * j], 3, "%02x", sha[j]);
        }
        f->etag[UI_ETAG_LEN - 1] = '"';
        f->etag[UI_ETAG_LEN] = '\0';
    }
    *error = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        *error = (routes[i].slash ? rest_route_add_slash : rest_route_add)(
            server, REST_GET, routes[i].pattern, routes[i].handler, ui, NULL);
        if (*error) {
            SL_ERR("cannot register %s%s (%s)", routes[i].pattern,
                   routes[i].slash ? "/" : "", strerror(*error));
            rest_ui_destroy(ui);
            return NULL;
        }
    }
    return ui;
}

void
rest_ui_destroy(struct rest_ui *ui)
{
    free(ui);
}
