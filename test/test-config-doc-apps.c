/* test-config-doc-apps: the apps' keys of sluice.yaml(5) against the apps.
 *
 * The daemon's keys are checked against its parser by
 * test/test-config-doc.sh; an app's 'config' section is read by the app
 * alone, so this test loads each shipped app in the app harness
 * (test/app-harness.h) and feeds it what the page says.  The section APPS
 * of docs/sluice.yaml.5 (read from $top_srcdir) has one subsection (.SS)
 * per app and, in it, an entry per key, written as the page's top comment
 * says: ".TP", ".B APP.KEY", ".\" sample: SECTION".  For every entry:
 *
 *   - the app accepts the sample as its section;
 *   - with the key misspelt (its last letter doubled) the app refuses the
 *     section, and its log names the misspelt key.
 *
 * And every shipped app (apps_LTLIBRARIES) has a subsection with keys and
 * starts without a section, and every subsection is a shipped app.
 *
 * The apps do not list their keys (they are read by hand-written code), so
 * the other direction -- every key an app accepts is documented -- is not
 * checked here; an app refusing every key it does not know (checked above
 * for a misspelling of each documented key) is what keeps a typo from
 * being ignored. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/app-harness.h"
#include "test/test-util.h"

#ifndef DOC_TOP_SRCDIR
#define DOC_TOP_SRCDIR "."
#endif
#ifndef SHIPPED_APPS
#define SHIPPED_APPS ""
#endif

/* One key entry of APPS. */
struct doc_key {
    char *app;    /* the .SS it is in */
    char *path;   /* "l2_learning.vlans.VID.tagged" */
    char *sample; /* NULL when the entry has none */
};

/* What the page says, read once by main() before the suite is built. */
static struct doc_key *keys;
static size_t n_keys;
static char **doc_apps; /* the .SS names of APPS, in order */
static size_t n_doc_apps;
static char **shipped; /* the app names of SHIPPED_APPS */
static size_t n_shipped;
static char page_error[512]; /* why the page could not be read, or "" */

/* The apps whose refusal does not name the key: hub checks its keys with
 * sl_app_config_check_keys() (include/sluice/app.h), which names nothing,
 * and logs what its section should look like.  The start still fails. */
static const char *const apps_not_naming[] = {"hub"};

static char *
xstrdup(const char *s)
{
    char *copy = strdup(s);

    if (!copy) {
        abort();
    }
    return copy;
}

static void
push(char ***list, size_t *n, const char *s)
{
    char **p = realloc(*list, (*n + 1) * sizeof **list);

    if (!p) {
        abort();
    }
    *list = p;
    (*list)[(*n)++] = xstrdup(s);
}

/* Reads the entries of section APPS of 'path' into 'keys' and
 * 'doc_apps'.  Returns false with a message in 'page_error'. */
static bool
read_page(const char *path)
{
    static const char sample_tag[] = ".\\\" sample: ";
    FILE *f = fopen(path, "r");
    char line[4096];
    bool in_apps = false, after_tp = false;
    char *app = NULL;

    if (!f) {
        snprintf(page_error, sizeof page_error, "%.400s: cannot open", path);
        return false;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        bool tp = false;

        if (!strncmp(line, ".SH ", 4)) {
            in_apps = !strcmp(line + 4, "APPS");
        } else if (!in_apps) {
            /* Not ours. */
        } else if (!strncmp(line, ".SS ", 4)) {
            push(&doc_apps, &n_doc_apps, line + 4);
            app = doc_apps[n_doc_apps - 1];
        } else if (!strcmp(line, ".TP")) {
            tp = true;
        } else if (after_tp && !strncmp(line, ".B ", 3)) {
            struct doc_key *k;

            if (!app) {
                snprintf(page_error, sizeof page_error,
                         "%.300s: key '%.100s' of APPS is in no app's .SS",
                         path, line + 3);
                fclose(f);
                return false;
            }
            k = realloc(keys, (n_keys + 1) * sizeof *keys);
            if (!k) {
                abort();
            }
            keys = k;
            k = &keys[n_keys++];
            k->app = app;
            k->path = xstrdup(line + 3);
            k->sample = NULL;
        } else if (n_keys && !keys[n_keys - 1].sample &&
                   !strncmp(line, sample_tag, strlen(sample_tag))) {
            keys[n_keys - 1].sample = xstrdup(line + strlen(sample_tag));
        }
        after_tp = tp;
    }
    fclose(f);
    if (!n_keys) {
        snprintf(page_error, sizeof page_error,
                 "%.400s: no key entries in section APPS", path);
        return false;
    }
    return true;
}

/* Splits SHIPPED_APPS ("apps/hub.la apps/l2_learning.la ...") into
 * 'shipped'. */
static void
read_shipped(void)
{
    char *list = xstrdup(SHIPPED_APPS), *save = NULL;

    for (char *w = strtok_r(list, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        char *base = strrchr(w, '/') ? strrchr(w, '/') + 1 : w;
        char *dot = strstr(base, ".la");

        if (dot) {
            *dot = '\0';
        }
        push(&shipped, &n_shipped, base);
    }
    free(list);
}

static bool
in_list(char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(list[i], s)) {
            return true;
        }
    }
    return false;
}

/* The last name of 'path' ("tagged" of "l2_learning.vlans.VID.tagged",
 * "name" of "acl.rules[].name"), in 'buf'. */
static const char *
leaf_of(const char *path, char *buf, size_t len)
{
    const char *dot = strrchr(path, '.');

    snprintf(buf, len, "%s", dot ? dot + 1 : path);
    size_t n = strlen(buf);
    if (n > 2 && !strcmp(buf + n - 2, "[]")) {
        buf[n - 2] = '\0';
    }
    return buf;
}

static bool
is_name_char(char c)
{
    return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '_');
}

/* Returns a copy of 'sample' with the key 'leaf' (written "leaf:" after a
 * character that is no part of a name) spelt 'wrong', or NULL unless it
 * is written exactly once. */
static char *
misspell(const char *sample, const char *leaf, const char *wrong)
{
    size_t n = strlen(leaf);
    const char *at = NULL;
    int found = 0;

    for (const char *p = strstr(sample, leaf); p; p = strstr(p + 1, leaf)) {
        if ((p == sample || !is_name_char(p[-1])) && p[n] == ':') {
            at = p;
            found++;
        }
    }
    if (found != 1) {
        return NULL;
    }
    size_t len = strlen(sample) + strlen(wrong) - n + 1;
    char *out = malloc(len);
    if (!out) {
        abort();
    }
    snprintf(out, len, "%.*s%s%s", (int) (at - sample), sample, wrong, at + n);
    return out;
}

/* ---- tests ---- */

START_TEST(page_is_read)
{
    ck_assert_msg(!page_error[0], "%s", page_error);
    ck_assert_msg(n_shipped > 0, "SHIPPED_APPS is empty");
}
END_TEST

START_TEST(shipped_app_documented)
{
    const char *app = shipped[_i];
    size_t n = 0;
    int error = -1;

    ck_assert_msg(in_list(doc_apps, n_doc_apps, app),
                  "app %s ships, but sluice.yaml(5) has no '.SS %s' in "
                  "APPS",
                  app, app);
    for (size_t i = 0; i < n_keys; i++) {
        n += !strcmp(keys[i].app, app);
    }
    ck_assert_msg(n > 0, "sluice.yaml(5): '.SS %s' documents no key", app);

    struct ah *ah = ah_new(app, NULL, &error);
    ck_assert_msg(ah != NULL,
                  "%s does not start without a section (%d): "
                  "%s",
                  app, error, ah_last_log());
    ah_free(ah);
}
END_TEST

START_TEST(documented_app_ships)
{
    ck_assert_msg(in_list(shipped, n_shipped, doc_apps[_i]),
                  "sluice.yaml(5) documents app '%s', which is not built "
                  "(apps_LTLIBRARIES: %s)",
                  doc_apps[_i], SHIPPED_APPS);
}
END_TEST

START_TEST(key_sample_accepted)
{
    const struct doc_key *k = &keys[_i];
    size_t n = strlen(k->app);
    int error = -1;

    ck_assert_msg(!strncmp(k->path, k->app, n) && k->path[n] == '.',
                  "key '%s' is under '.SS %s': want %s.KEY", k->path, k->app,
                  k->app);
    ck_assert_msg(k->sample != NULL, "key '%s' has no '.\\\" sample:' line",
                  k->path);
    struct ah *ah = ah_new(k->app, k->sample, &error);
    ck_assert_msg(ah != NULL, "%s: %s refused the sample %s (%d): %s", k->path,
                  k->app, k->sample, error, ah_last_log());
    ah_free(ah);
}
END_TEST

START_TEST(key_misspelt_refused)
{
    const struct doc_key *k = &keys[_i];
    char leaf[128], wrong[130];
    int error = 0;

    ck_assert_msg(k->sample != NULL, "key '%s' has no sample", k->path);
    leaf_of(k->path, leaf, sizeof leaf);
    snprintf(wrong, sizeof wrong, "%s%c", leaf, leaf[strlen(leaf) - 1]);
    char *bad = misspell(k->sample, leaf, wrong);
    ck_assert_msg(bad != NULL, "%s: the sample %s must write '%s:' once",
                  k->path, k->sample, leaf);

    struct ah *ah = ah_new(k->app, bad, &error);
    if (ah) {
        ah_free(ah);
    }
    ck_assert_msg(ah == NULL, "%s: %s accepted %s, with the key misspelt",
                  k->path, k->app, bad);
    ck_assert_msg(error != 0, "%s: refused without an error", k->path);
    bool names = true;
    for (size_t i = 0; i < sizeof apps_not_naming / sizeof *apps_not_naming;
         i++) {
        names &= strcmp(k->app, apps_not_naming[i]) != 0;
    }
    if (names) {
        ck_assert_msg(strstr(ah_last_log(), wrong) != NULL,
                      "%s: %s refused %s without naming '%s': %s", k->path,
                      k->app, bad, wrong, ah_last_log());
    } else {
        ck_assert_msg(strstr(ah_last_log(), "config") != NULL,
                      "%s: %s refused %s without a config line: %s", k->path,
                      k->app, bad, ah_last_log());
    }
    free(bad);
}
END_TEST

static Suite *
doc_suite(void)
{
    Suite *s = suite_create("config-doc-apps");
    TCase *tc = tcase_create("page");

    tcase_add_test(tc, page_is_read);
    if (!page_error[0]) {
        tcase_add_loop_test(tc, shipped_app_documented, 0, (int) n_shipped);
        tcase_add_loop_test(tc, documented_app_ships, 0, (int) n_doc_apps);
    }
    suite_add_tcase(s, tc);

    /* One case per app, so that each line names the app. */
    for (size_t a = 0; !page_error[0] && a < n_doc_apps; a++) {
        size_t first = 0, last = 0;

        while (first < n_keys && strcmp(keys[first].app, doc_apps[a])) {
            first++;
        }
        last = first;
        while (last < n_keys && !strcmp(keys[last].app, doc_apps[a])) {
            last++;
        }
        if (first == last) {
            continue;
        }
        tc = tcase_create(doc_apps[a]);
        tcase_add_loop_test(tc, key_sample_accepted, (int) first, (int) last);
        tcase_add_loop_test(tc, key_misspelt_refused, (int) first, (int) last);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    int status;

    snprintf(path, sizeof path, "%s/docs/sluice.yaml.5",
             top && *top ? top : DOC_TOP_SRCDIR);
    read_shipped();
    read_page(path);
    status = test_run_suite(doc_suite());

    for (size_t i = 0; i < n_keys; i++) {
        free(keys[i].path);
        free(keys[i].sample);
    }
    free(keys);
    for (size_t i = 0; i < n_doc_apps; i++) {
        free(doc_apps[i]);
    }
    free(doc_apps);
    for (size_t i = 0; i < n_shipped; i++) {
        free(shipped[i]);
    }
    free(shipped);
    return status;
}
