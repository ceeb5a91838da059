/* rest-app: a test plugin for test-rest-native that serves REST routes
 * through the host (sluice/app.h, ABI minor 1), loaded as
 *
 *     apps: [{name: rest-app}]
 *
 * Routes, under /api/v1/apps/rest-app:
 *
 *     GET ""                  {"app": "rest-app"} (application/json)
 *     GET, POST, DELETE /items/{id}
 *                             200 text/plain, one "key=value" line each:
 *                             method, path, subpath, query, params (as
 *                             "name:value,..."), body_len, body
 *     GET /files/{rest...}    the same echo (the tail parameter)
 *     GET /silent             no answer: the host answers 500
 *     GET /after/{id}         204, then reads the whole request (ASan
 *                             sees whether it is still valid) and logs
 *                             "after LEN" with the total length
 *     POST /created           201 with an empty JSON object
 *
 * It subscribes to PACKET_IN and SWITCH_UP (doing nothing) so that its
 * event counters move. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"

static const struct sl_host *ra_host;

static const char *
ra_method(unsigned m)
{
    switch (m) {
    case SL_REST_GET:
        return "GET";
    case SL_REST_POST:
        return "POST";
    case SL_REST_PUT:
        return "PUT";
    case SL_REST_DELETE:
        return "DELETE";
    default:
        return "?";
    }
}

static void
ra_root(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    static const char body[] = "{\"app\": \"rest-app\"}";

    (void) aux;
    ra_host->rest_reply(ctx, req, 200, NULL, body, sizeof body - 1);
}

static void
ra_echo(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    char params[256] = "";
    size_t used = 0;

    (void) aux;
    for (size_t i = 0; i < req->n_params && used < sizeof params; i++) {
        int n =
            snprintf(params + used, sizeof params - used, "%s%s:%s",
                     i ? "," : "", req->param_names[i], req->param_values[i]);
        if (n < 0) {
            break;
        }
        used += (size_t) n;
    }

    size_t size = strlen(req->path) + strlen(req->subpath) +
                  strlen(req->query) + strlen(params) + req->body_len + 128;
    char *text = malloc(size);
    if (text == NULL) {
        ra_host->rest_reply(ctx, req, 500, "text/plain", "no memory", 9);
        return;
    }
    int n = snprintf(text, size,
                     "method=%s\npath=%s\nsubpath=%s\nquery=%s\nparams=%s\n"
                     "body_len=%zu\nbody=%s\n",
                     ra_method(req->method), req->path, req->subpath,
                     req->query, params, req->body_len, req->body);
    ra_host->rest_reply(ctx, req, 200, "text/plain", text,
                        n > 0 ? (size_t) n : 0);
    free(text);
}

static void
ra_silent(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    (void) ctx;
    (void) req;
    (void) aux;
}

static void
ra_after(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    size_t n;

    (void) aux;
    ra_host->rest_reply(ctx, req, 204, "text/plain", "", 0);
    n = strlen(req->path) + strlen(req->subpath) + strlen(req->query) +
        strlen(req->body);
    for (size_t i = 0; i < req->n_params; i++) {
        n += strlen(req->param_names[i]) + strlen(req->param_values[i]);
    }
    ra_host->log(ctx, SL_APP_LOG_INFO, "after %zu", n);
}

static void
ra_created(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    (void) aux;
    ra_host->rest_reply(ctx, req, 201, NULL, "{}", 2);
}

static enum sl_verdict
ra_event(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) ctx;
    (void) ev;
    (void) aux;
    return SL_CONTINUE;
}

static int
ra_init(struct sl_ctx *ctx, const struct sl_host *host,
        const struct sl_app_config *cfg)
{
    (void) cfg;
    ra_host = host;
    if (host->abi_minor < 1) {
        return ENOTSUP;
    }
    int error = host->rest_route(ctx, SL_REST_GET, "", ra_root, NULL);
    if (!error) {
        error =
            host->rest_route(ctx, SL_REST_GET | SL_REST_POST | SL_REST_DELETE,
                             "/items/{id}", ra_echo, NULL);
    }
    if (!error) {
        error = host->rest_route(ctx, SL_REST_GET, "/files/{rest...}", ra_echo,
                                 NULL);
    }
    if (!error) {
        error = host->rest_route(ctx, SL_REST_GET, "/silent", ra_silent, NULL);
    }
    if (!error) {
        error =
            host->rest_route(ctx, SL_REST_GET, "/after/{id}", ra_after, NULL);
    }
    if (!error) {
        error =
            host->rest_route(ctx, SL_REST_POST, "/created", ra_created, NULL);
    }
    if (!error) {
        error = host->subscribe(ctx, SL_EV_PACKET_IN, 0, ra_event, NULL);
    }
    if (!error) {
        error = host->subscribe(ctx, SL_EV_SWITCH_UP, 0, ra_event, NULL);
    }
    return error;
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "rest-app",
    .description = "test plugin serving REST routes",
    .init = ra_init,
};
