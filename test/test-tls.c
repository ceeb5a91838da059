/* test-tls: the throwaway PKI of the TLS tests; see test-tls.h. */
#include <config.h>
#include "test/test-tls.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "test/test-util.h"

#define DAY (24L * 60 * 60)

/* One certificate to make. */
struct cert_spec {
    const char *cn;
    bool ca;
    const char *san; /* subjectAltName value, or NULL */
    long not_before; /* seconds from now */
    long not_after;  /* seconds from now */
};

static void
print_ssl_errors(const char *what)
{
    unsigned long e = ERR_get_error();

    fprintf(stderr, "test-tls: %s failed: %s\n", what,
            e ? ERR_reason_error_string(e) : "unknown error");
    ERR_clear_error();
}

static bool
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ext) {
        return false;
    }
    bool ok = X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* Makes a certificate for 'key' as 'spec' says, signed by 'issuer' with
 * 'issuer_key' (self-signed when 'issuer' is NULL). */
static X509 *
make_cert(const struct cert_spec *spec, EVP_PKEY *key, X509 *issuer,
          EVP_PKEY *issuer_key, long serial)
{
    X509 *x = X509_new();
    if (!x) {
        return NULL;
    }

    X509_NAME *name = X509_get_subject_name(x);
    X509V3_CTX ctx;
    bool ok = (X509_set_version(x, 2) &&
               ASN1_INTEGER_set(X509_get_serialNumber(x), serial) &&
               X509_gmtime_adj(X509_getm_notBefore(x), spec->not_before) &&
               X509_gmtime_adj(X509_getm_notAfter(x), spec->not_after) &&
               X509_NAME_add_entry_by_txt(
                   name, "O", MBSTRING_ASC,
                   (const unsigned char *) "Sluice tests", -1, -1, 0) &&
               X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                          (const unsigned char *) spec->cn, -1,
                                          -1, 0) &&
               X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
                                              : name) &&
               X509_set_pubkey(x, key));
    if (ok) {
        X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
        if (spec->ca) {
            ok =
                (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
                 add_ext(x, &ctx, NID_key_usage,
                         "critical,keyCertSign,cRLSign") &&
                 add_ext(x, &ctx, NID_subject_key_identifier, "hash"));
        } else {
            ok =
                (add_ext(x, &ctx, NID_basic_constraints,
                         "critical,CA:FALSE") &&
                 add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature"));
        }
        if (ok && spec->san) {
            ok = add_ext(x, &ctx, NID_subject_alt_name, spec->san);
        }
    }
    if (ok) {
        ok = X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
    }
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static int
write_pem(const char *dir, const char *file, X509 *x, EVP_PKEY *key)
{
    const char *path = test_tls_path(dir, file);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "test-tls: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (key) {
        fchmod(fileno(f), 0600);
    }
    bool ok = (x ? PEM_write_X509(f, x)
                 : PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "test-tls: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

/* Makes a key and a certificate 'ID'.crt / 'ID'.key in 'dir'.  On success
 * returns 0 and, if 'xp'/'keyp' are non-NULL, hands the certificate and key
 * to the caller. */
static int
make_identity(const char *dir, const char *id, const struct cert_spec *spec,
              X509 *issuer, EVP_PKEY *issuer_key, long serial, X509 **xp,
              EVP_PKEY **keyp)
{
    char file[64];
    int error = -1;
    X509 *x = NULL;
    EVP_PKEY *key = EVP_EC_gen("P-256");

    if (!key) {
        print_ssl_errors("EC key generation");
        goto out;
    }
    x = make_cert(spec, key, issuer, issuer_key, serial);
    if (!x) {
        print_ssl_errors(id);
        goto out;
    }
    snprintf(file, sizeof file, "%s.crt", id);
    if (write_pem(dir, file, x, NULL)) {
        goto out;
    }
    snprintf(file, sizeof file, "%s.key", id);
    if (write_pem(dir, file, NULL, key)) {
        goto out;
    }
    error = 0;
    if (xp) {
        *xp = x;
        x = NULL;
    }
    if (keyp) {
        *keyp = key;
        key = NULL;
    }

out:
    X509_free(x);
    EVP_PKEY_free(key);
    return error;
}

int
test_tls_make(const char *dir)
{
    static const struct cert_spec ca_spec = {"Sluice Test CA", true, NULL,
                                             -DAY, 30 * DAY};
    static const struct cert_spec other_ca_spec = {"Other Test CA", true, NULL,
                                                   -DAY, 30 * DAY};
    static const struct cert_spec server_spec = {
        "sluice", false, "DNS:sluice,IP:127.0.0.1,IP:::1", -DAY, 30 * DAY};
    static const struct cert_spec switch_spec = {"switch", false, NULL, -DAY,
                                                 30 * DAY};
    static const struct cert_spec switch2_spec = {"switch2", false, NULL, -DAY,
                                                  30 * DAY};
    static const struct cert_spec rogue_spec = {"rogue", false, NULL, -DAY,
                                                30 * DAY};
    static const struct cert_spec expired_spec = {"expired", false, NULL,
                                                  -2 * DAY, -DAY};
    X509 *ca = NULL, *other_ca = NULL;
    EVP_PKEY *ca_key = NULL, *other_ca_key = NULL;
    int error = -1;

    if (make_identity(dir, "ca", &ca_spec, NULL, NULL, 1, &ca, &ca_key) ||
        make_identity(dir, "other-ca", &other_ca_spec, NULL, NULL, 1,
                      &other_ca, &other_ca_key) ||
        make_identity(dir, "server", &server_spec, ca, ca_key, 2, NULL,
                      NULL) ||
        make_identity(dir, "switch", &switch_spec, ca, ca_key, 3, NULL,
                      NULL) ||
        make_identity(dir, "switch2", &switch2_spec, ca, ca_key, 4, NULL,
                      NULL) ||
        make_identity(dir, "expired", &expired_spec, ca, ca_key, 5, NULL,
                      NULL) ||
        make_identity(dir, "rogue", &rogue_spec, other_ca, other_ca_key, 2,
                      NULL, NULL)) {
        goto out;
    }
    error = 0;

out:
    X509_free(ca);
    X509_free(other_ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_ca_key);
    return error;
}

char *
test_tls_make_temp(void)
{
    const char *tmp = getenv("TMPDIR");
    char templ[4096];

    snprintf(templ, sizeof templ, "%s/sluice-tls-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(templ)) {
        fprintf(stderr, "test-tls: mkdtemp %s: %s\n", templ, strerror(errno));
        return NULL;
    }
    if (test_tls_make(templ)) {
        test_tls_rmdir(templ);
        return NULL;
    }
    return strdup(templ);
}

const char *
test_tls_path(const char *dir, const char *file)
{
    static char bufs[8][4096];
    static unsigned int next;
    char *buf = bufs[next++ % 8];
    int n = snprintf(buf, sizeof bufs[0], "%s/%s", dir, file);

    if (n < 0 || (size_t) n >= sizeof bufs[0]) {
        abort();
    }
    return buf;
}

SSL_CTX *
test_tls_client_ctx(const char *dir, const char *id)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char file[64];

    if (!ctx) {
        print_ssl_errors("SSL_CTX_new");
        return NULL;
    }
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
        !SSL_CTX_load_verify_locations(ctx, test_tls_path(dir, "ca.crt"),
                                       NULL)) {
        print_ssl_errors("client CA");
        goto error;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (id) {
        snprintf(file, sizeof file, "%s.crt", id);
        if (SSL_CTX_use_certificate_file(ctx, test_tls_path(dir, file),
                                         SSL_FILETYPE_PEM) != 1) {
            print_ssl_errors(file);
            goto error;
        }
        snprintf(file, sizeof file, "%s.key", id);
        if (SSL_CTX_use_PrivateKey_file(ctx, test_tls_path(dir, file),
                                        SSL_FILETYPE_PEM) != 1) {
            print_ssl_errors(file);
            goto error;
        }
    }
    return ctx;

error:
    SSL_CTX_free(ctx);
    return NULL;
}

int
test_tls_fingerprint(const char *path, uint8_t out[32])
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!x) {
        ERR_clear_error();
        return -1;
    }

    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    unsigned int mdlen = 0;
    int ok = len > 0 &&
             EVP_Digest(der, (size_t) len, out, &mdlen, EVP_sha256(), NULL);
    OPENSSL_free(der);
    X509_free(x);
    return ok && mdlen == 32 ? 0 : -1;
}

void
test_tls_rmdir(const char *dir)
{
    if (!dir) {
        return;
    }
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                unlink(test_tls_path(dir, de->d_name));
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

int
test_tls_run_suite(Suite *suite, char **dir)
{
    signal(SIGPIPE, SIG_IGN);
    *dir = test_tls_make_temp();
    if (*dir == NULL) {
        printf("Bail out! cannot make the test PKI\n");
        return 99;
    }
    int status = test_run_suite(suite);
    test_tls_rmdir(*dir);
    free(*dir);
    *dir = NULL;
    return status;
}
