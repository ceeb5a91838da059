/* rest/api: see api.h. */
#include <config.h>
#include "rest/api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include "controller/conn.h"
#include "controller/log.h"
#include "rest/native.h"
#include "rest/ryu.h"
#include "rest/topology.h"
#include "rest/ui.h"

SL_LOG_MODULE(rest);

struct rest_api {
    struct sl_controller *ctl;
    struct rest_server *server;
    struct rest_ryu *ryu;
    struct rest_native *native;
    struct rest_topology *topology;
    struct rest_ui *ui;
    SSL_CTX *ssl_ctx;             /* HTTPS (owned), or NULL */
};

/* The HTTPS context of rest.https: TLS 1.2 or later with the switch side's
 * certificate and key; clients are not asked for certificates (writes are
 * guarded by the bearer token). */
static SSL_CTX *
rest_api_ssl_ctx(const struct sl_config *cfg, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL) {
        snprintf(err, errlen, "rest: cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_default_passwd_cb(ctx, sl_tls_no_passphrase);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_certificate) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_private_key,
                                       SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        char reason[256];
        ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
        snprintf(err, errlen, "rest: https: cannot use %s and %s: %s",
                 cfg->tls_certificate, cfg->tls_private_key, reason);
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

struct rest_api *
rest_api_start(struct sl_controller *ctl, char *err, size_t errlen)
{
    const struct sl_config *c = &ctl->cfg;
    struct rest_server_config cfg;
    SSL_CTX *ssl_ctx = NULL;

    memset(&cfg, 0, sizeof cfg);
    cfg.address = c->rest_address;
    cfg.port = c->rest_port;
    cfg.token = c->rest_token;
    rest_server_limits_default(&cfg.limits);
    if (c->rest_https) {
        ssl_ctx = rest_api_ssl_ctx(c, err, errlen);
        if (ssl_ctx == NULL) {
            return NULL;
        }
        cfg.ssl_ctx = ssl_ctx;
    }
    struct rest_api *api = rest_api_create(ctl, &cfg, err, errlen);
    if (api == NULL) {
        SSL_CTX_free(ssl_ctx);
        return NULL;
    }
    api->ssl_ctx = ssl_ctx;
    return api;
}

struct rest_api *
rest_api_create(struct sl_controller *ctl,
                const struct rest_server_config *cfg, char *err,
                size_t errlen)
{
    struct rest_api *api = calloc(1, sizeof *api);

    if (api == NULL) {
        snprintf(err, errlen, "rest: out of memory");
        return NULL;
    }
    api->ctl = ctl;
    api->server = rest_server_create(ctl->base, cfg, err, errlen);
    if (api->server == NULL) {
        free(api);
        return NULL;
    }
    int error = rest_api_register(api);
    if (error) {
        snprintf(err, errlen, "rest: cannot register the API's routes: %s",
                 strerror(error));
        rest_api_destroy(api);
        return NULL;
    }
    return api;
}

int
rest_api_register(struct rest_api *api)
{
    int error = 0;

    api->ryu = rest_ryu_create(api->server, api->ctl, &error);
    if (api->ryu == NULL) {
        return error;
    }
    api->native = rest_native_create(api->server, api->ctl, &error);
    if (api->native == NULL) {
        return error;
    }
    api->topology = rest_topology_create(api->server, api->ctl, &error);
    if (api->topology == NULL) {
        return error;
    }
    api->ui = rest_ui_create(api->server, &error);
    return api->ui == NULL ? error : 0;
}

void
rest_api_destroy(struct rest_api *api)
{
    if (api == NULL) {
        return;
    }
    /* The server first: its pending requests are cancelled (their xacts
     * with them) and its streams closed while the modules still exist. */
    rest_server_destroy(api->server);
    rest_ryu_destroy(api->ryu);
    rest_native_destroy(api->native);
    rest_topology_destroy(api->topology);
    rest_ui_destroy(api->ui);
    SSL_CTX_free(api->ssl_ctx);
    free(api);
}

struct rest_server *
rest_api_server(const struct rest_api *api)
{
    return api->server;
}
