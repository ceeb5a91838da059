/* test-tls: a throwaway PKI for the TLS tests (test-conn, test-datapath).
 *
 * Made at test time with the OpenSSL 3 API (EC P-256 keys, X.509 v3
 * certificates signed with SHA-256); nothing is committed.  The files
 * test_tls_make() writes into a directory, all PEM:
 *
 *   ca.crt, ca.key              the CA the controller trusts ("Sluice Test
 *                               CA", self-signed, CA:TRUE)
 *   server.crt, server.key      the controller (CN "sluice", SAN
 *                               DNS:sluice, IP:127.0.0.1, IP:::1), by ca
 *   switch.crt, switch.key      a switch (CN "switch"), by ca
 *   switch2.crt, switch2.key    a second switch identity (CN "switch2"),
 *                               by ca
 *   other-ca.crt, other-ca.key  an unrelated CA ("Other Test CA")
 *   rogue.crt, rogue.key        a switch (CN "rogue") signed by other-ca
 *   expired.crt, expired.key    a switch (CN "expired") by ca whose
 *                               validity ended yesterday
 *
 * Certificates are valid from yesterday for 30 days (except expired.crt).
 * Each call makes new keys, so two directories never share a key. */
#ifndef TEST_TLS_H
#define TEST_TLS_H 1

#include <check.h>
#include <stdint.h>
#include <openssl/ssl.h>

/* Writes the files listed above into the existing directory 'dir'
 * (typically from mkdtemp()).  Returns 0, or -1 after printing what
 * failed to stderr. */
int test_tls_make(const char *dir);

/* Creates a fresh directory under $TMPDIR (or /tmp) and fills it with
 * test_tls_make().  Returns the directory's path, malloc'd (the caller
 * frees it, after test_tls_rmdir()), or NULL after printing why. */
char *test_tls_make_temp(void);

/* Returns "DIR/FILE" in one of 8 rotating static buffers, so a few calls
 * can appear in one expression.  Aborts if the path does not fit. */
const char *test_tls_path(const char *dir, const char *file);

/* Returns a client-side SSL_CTX (TLS 1.2 or later) that trusts 'dir'/ca.crt
 * and verifies the server's certificate against it.  With 'id' non-NULL
 * (e.g. "switch", "rogue", "expired") it presents 'dir'/ID.crt with key
 * 'dir'/ID.key; with 'id' NULL it presents no certificate.  Returns NULL
 * after printing why on failure.  Free with SSL_CTX_free(). */
SSL_CTX *test_tls_client_ctx(const char *dir, const char *id);

/* Computes the SHA-256 of the DER encoding of the first certificate in the
 * PEM file 'path' into 'out', independently of X509_digest().  Returns 0,
 * or -1 if the file holds no certificate. */
int test_tls_fingerprint(const char *path, uint8_t out[32]);

/* Removes every entry of the directory 'dir' (not recursively) and 'dir'
 * itself.  Errors are ignored; NULL is ignored. */
void test_tls_rmdir(const char *dir);

/* The main() of a test program whose tests need a PKI: ignores SIGPIPE
 * (writes to a peer that went away fail with EPIPE, as in the daemon),
 * makes a fresh PKI into '*dir' (test_tls_make_temp()), runs 'suite'
 * (test_run_suite()), removes the PKI and returns the exit status (99,
 * "Bail out!", when the PKI cannot be made). */
int test_tls_run_suite(Suite *suite, char **dir);

#endif /* TEST_TLS_H */
