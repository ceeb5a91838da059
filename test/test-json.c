/* test-json: see test-json.h. */
#include <config.h>
#include "test/test-json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
b64_digit(int c)
{
    const char *digits = ("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "abcdefghijklmnopqrstuvwxyz0123456789+/");
    const char *p = c ? strchr(digits, c) : NULL;
    return p ? (int) (p - digits) : -1;
}

/* Decodes base64 'text' into 'out' (room for 'cap'); returns the length
 * or -1. */
long
test_base64_decode(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (const char *p = text; *p && *p != '='; p++) {
        int d = b64_digit(*p);
        if (d < 0) {
            return -1;
        }
        acc = acc << 6 | (uint32_t) d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap) {
                return -1;
            }
            out[n++] = (uint8_t) (acc >> bits);
        }
    }
    return (long) n;
}

static bool
is_ignored(const struct test_json_rules *rules, const char *key)
{
    for (const char *const *k = rules->ignored; k && *k; k++) {
        if (!strcmp(*k, key)) {
            return true;
        }
    }
    return false;
}

bool
test_json_number_equal(const json_t *exp, const json_t *got)
{
    double e = json_number_value(exp);
    if (json_is_string(got)) {
        return strtod(json_string_value(got), NULL) == e;
    }
    if (json_is_integer(exp) && json_is_integer(got)) {
        return json_integer_value(exp) == json_integer_value(got);
    }
    return json_is_number(got) && json_number_value(got) == e;
}

/* Checks that everything in Ryu's 'exp' is in our 'got' with the same
 * value (extra keys of ours are allowed).  On a difference, writes where
 * into 'why'. */
bool
test_json_subset(const json_t *exp, const json_t *got, const char *path,
                 const struct test_json_rules *rules, char *why, size_t size)
{
    char sub[512];

    if (!got) {
        snprintf(why, size, "%s: missing", path);
        return false;
    }
    if (json_is_object(exp)) {
        const char *key;
        json_t *v;
        if (!json_is_object(got)) {
            snprintf(why, size, "%s: not an object", path);
            return false;
        }
        json_object_foreach((json_t *) exp, key, v)
        {
            if (is_ignored(rules, key)) {
                continue;
            }
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            json_t *g = json_object_get(got, key);
            if (rules->names_only && !strcmp(key, rules->names_only) &&
                json_is_array(g)) {
                json_t *names = json_array();
                size_t i;
                json_t *e;
                json_array_foreach(g, i, e)
                {
                    if (!json_is_integer(e)) {
                        json_array_append(names, e);
                    }
                }
                bool ok = test_json_subset(v, names, sub, rules, why, size);
                json_decref(names);
                if (!ok) {
                    return false;
                }
                continue;
            }
            if (!test_json_subset(v, g, sub, rules, why, size)) {
                return false;
            }
        }
        return true;
    }
    if (json_is_array(exp)) {
        if (json_is_string(got)) {
            /* Ryu's bytes as a list of numbers, ours as base64. */
            uint8_t bytes[4096];
            long n = test_base64_decode(json_string_value(got), bytes,
                                        sizeof bytes);
            if (n < 0 || (size_t) n != json_array_size(exp)) {
                snprintf(why, size, "%s: data length", path);
                return false;
            }
            for (long i = 0; i < n; i++) {
                if (json_integer_value(json_array_get(exp, (size_t) i)) !=
                    bytes[i]) {
                    snprintf(why, size, "%s[%ld]: data byte", path, i);
                    return false;
                }
            }
            return true;
        }
        if (!json_is_array(got) ||
            json_array_size(got) != json_array_size(exp)) {
            snprintf(why, size, "%s: array size %zu, expected %zu", path,
                     json_is_array(got) ? json_array_size(got) : 0,
                     json_array_size(exp));
            return false;
        }
        for (size_t i = 0; i < json_array_size(exp); i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (!test_json_subset(json_array_get(exp, i),
                                  json_array_get(got, i), sub, rules, why,
                                  size)) {
                return false;
            }
        }
        return true;
    }
    if (json_is_number(exp)) {
        if (!test_json_number_equal(exp, got)) {
            char *g = json_dumps(got, JSON_ENCODE_ANY);
            snprintf(why, size, "%s: %g, got %s", path, json_number_value(exp),
                     g ? g : "?");
            free(g);
            return false;
        }
        return true;
    }
    if (!json_equal((json_t *) exp, (json_t *) got)) {
        char *e = json_dumps(exp, JSON_ENCODE_ANY);
        char *g = json_dumps(got, JSON_ENCODE_ANY);
        snprintf(why, size, "%s: %s, got %s", path, e ? e : "?", g ? g : "?");
        free(e);
        free(g);
        return false;
    }
    return true;
}

const char *
test_json_str(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);

    ck_assert_msg(json_is_string(v), "\"%s\" is not a string", key);
    return json_string_value(v);
}

json_int_t
test_json_int(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);

    ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", key);
    return json_integer_value(v);
}

double
test_json_real(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);

    ck_assert_msg(json_is_real(v), "\"%s\" is not a real", key);
    return json_real_value(v);
}

bool
test_json_bool(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);

    ck_assert_msg(json_is_boolean(v), "\"%s\" is not a boolean", key);
    return json_is_true(v);
}
