/* test-util: small helpers shared by the libcheck test programs. */
#ifndef TEST_TEST_UTIL_H
#define TEST_TEST_UTIL_H 1

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs 'suite' with TAP output (CK_TAP_LOG_FILE_NAME=- is set by the test
 * harness) and returns the process exit status. */
int test_run_suite(Suite *suite);

/* Returns the corpus folder (../shared/corpus, or $SLUICE_CORPUS) if it
 * exists, else NULL.  Static storage. */
const char *test_corpus_dir(void);

/* Reads a whole file into a malloc'd buffer of exactly its size (so ASan
 * sees an over-read); *len gets the size.  Returns NULL if it cannot be
 * read. */
uint8_t *test_read_file(const char *path, size_t *len);

/* Reads the corpus file named by 'fmt' (relative to the corpus folder) as
 * test_read_file() does.  Returns NULL after printing a TAP "# SKIP" line
 * when the corpus is absent; fails the running test if the file cannot be
 * read. */
uint8_t *test_read_corpus(size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses hex text (whitespace and "0x"-free; '#' comments to end of line
 * ignored) into a malloc'd buffer of exactly the parsed length, so ASan
 * reports a one-byte over-read.  Returns NULL on a bad digit. */
uint8_t *test_parse_hex(const char *text, size_t *len);

/* Like test_parse_hex() but fails the running test on a bad fixture. */
uint8_t *test_hex_fixture(const char *text, size_t *len);

/* Fails the running test, showing both in hex, unless 'got' ('got_len'
 * bytes) equals 'want' ('want_len' bytes). */
void test_assert_bytes(const void *got, size_t got_len, const void *want,
                       size_t want_len);

/* Formats 'n' bytes as lowercase hex into a static buffer (first 2 KiB). */
const char *test_hex(const void *data, size_t n);

/* Calls 'fn' for every regular file in 'dir' whose name ends in 'suffix'
 * (sorted by name).  Returns the number of files visited. */
size_t test_for_each_file(const char *dir, const char *suffix,
                          void (*fn)(const char *path, const char *name,
                                     void *aux),
                          void *aux);

#endif /* TEST_TEST_UTIL_H */
