/* test-json: comparing our JSON with Ryu's, for the tests that check
 * shapes against the corpus (test-ofp-json, test-rest-ryu). */
#ifndef TEST_TEST_JSON_H
#define TEST_TEST_JSON_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Decodes base64 'text' into 'out' (room for 'cap' bytes); returns the
 * length, or -1 on a bad digit or too little room. */
long test_base64_decode(const char *text, uint8_t *out, size_t cap);

/* True if number 'exp' (integer or real) equals 'got', which may be a
 * number or, above INT64_MAX, a decimal string. */
bool test_json_number_equal(const json_t *exp, const json_t *got);

/* What a comparison leaves out. */
struct test_json_rules {
    const char *const *ignored; /* NULL-terminated keys Ryu has that we
                                 * fill differently (NULL: none) */
    const char *names_only;     /* a key whose array we may extend with
                                 * numbers (flag bits Ryu has no name for) */
};

/* Checks that everything in Ryu's 'exp' is in our 'got' with the same
 * value: extra keys of ours are allowed; a number may be a decimal string
 * above INT64_MAX; Ryu's bytes as a list of numbers may be our base64.  On
 * a difference, writes where ('path' first) into 'why'. */
bool test_json_subset(const json_t *exp, const json_t *got, const char *path,
                      const struct test_json_rules *rules, char *why,
                      size_t size);

/* Member 'key' of object 'j' as a string, an integer, a real or a
 * boolean; fails the running libcheck test when it is missing or of
 * another type.  The string is borrowed from 'j'. */
const char *test_json_str(const json_t *j, const char *key);
json_int_t test_json_int(const json_t *j, const char *key);
double test_json_real(const json_t *j, const char *key);
bool test_json_bool(const json_t *j, const char *key);

#endif /* TEST_TEST_JSON_H */
