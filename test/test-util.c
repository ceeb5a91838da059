/* test-util: helpers shared by the libcheck test programs. */
#include <config.h>
#include "test/test-util.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
test_run_suite(Suite *suite)
{
    SRunner *sr = srunner_create(suite);
    if (!getenv("CK_TAP_LOG_FILE_NAME")) {
        srunner_set_tap(sr, "-");
    }
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *
test_corpus_dir(void)
{
    static char path[4096];
    const char *env = getenv("SLUICE_CORPUS");
    const char *top = getenv("top_srcdir");
    struct stat st;

    if (env && *env) {
        snprintf(path, sizeof path, "%s", env);
    } else {
        snprintf(path, sizeof path, "%s/../shared/corpus", top ? top : ".");
    }
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

uint8_t *
test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        /* Exactly 'n' bytes (at least 1 for malloc). */
        uint8_t *exact = realloc(buf, n ? n : 1);
        if (exact) {
            buf = exact;
        }
    }
    *len = n;
    return buf;
}

uint8_t *
test_read_corpus(size_t *len, const char *fmt, ...)
{
    char rel[1024], path[4096 + 1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(rel, sizeof rel, fmt, args);
    va_end(args);

    const char *dir = test_corpus_dir();
    if (!dir) {
        printf("# SKIP corpus absent: %s not checked\n", rel);
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    uint8_t *data = test_read_file(path, len);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    return data;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

uint8_t *
test_parse_hex(const char *text, size_t *len)
{
    size_t cap = strlen(text) / 2 + 1, n = 0;
    uint8_t *buf = malloc(cap);
    int hi = -1;
    for (const char *p = text; buf && *p; p++) {
        if (*p == '#') {
            while (*p && *p != '\n') {
                p++;
            }
            if (!*p) {
                break;
            }
            continue;
        }
        if (isspace((unsigned char) *p)) {
            continue;
        }
        int v = hexval((unsigned char) *p);
        if (v < 0) {
            free(buf);
            return NULL;
        }
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (uint8_t) (hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        free(buf);
        return NULL;
    }
    /* Exactly 'n' bytes (at least 1 for malloc), so over-reads are seen. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact && n) {
        memcpy(exact, buf, n);
    }
    free(buf);
    *len = n;
    return exact;
}

uint8_t *
test_hex_fixture(const char *text, size_t *len)
{
    uint8_t *buf = test_parse_hex(text, len);
    ck_assert_msg(buf != NULL, "bad hex fixture: %s", text);
    return buf;
}

void
test_assert_bytes(const void *got, size_t got_len, const void *want,
                  size_t want_len)
{
    if (got_len == want_len && (!got_len || !memcmp(got, want, got_len))) {
        return;
    }
    char g[4100];
    snprintf(g, sizeof g, "%s", test_hex(got, got_len));
    ck_abort_msg("bytes differ\n got  (%zu) %s\n want (%zu) %s", got_len, g,
                 want_len, test_hex(want, want_len));
}

const char *
test_hex(const void *data, size_t n)
{
    static char out[4097];
    const uint8_t *p = data;
    size_t i;
    for (i = 0; i < n && i < 2048; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
    out[2 * i] = '\0';
    return out;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

size_t
test_for_each_file(const char *dir, const char *suffix,
                   void (*fn)(const char *, const char *, void *), void *aux)
{
    DIR *d = opendir(dir);
    if (!d) {
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    size_t slen = strlen(suffix);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < slen ||
            strcmp(de->d_name + len - slen, suffix)) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) {
                break;
            }
            names = nn;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    size_t visited = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            fn(path, names[i], aux);
            visited++;
        }
        free(names[i]);
    }
    free(names);
    return visited;
}
