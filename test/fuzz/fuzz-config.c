/* fuzz-config: libFuzzer target for the YAML configuration loader.
 *
 * Loads the input as a config file.  Beyond "never crash, never leak" it
 * checks the loader's promises: an error leaves the config zeroed with a
 * one-line "NAME:LINE:COL: ..." message, and an accepted config dumps to
 * YAML that loads again and dumps to the same text (sl_config_dump()'s
 * contract).  Built by `make fuzz-build`, run by `make fuzz`. */
#include <config.h>
#include "controller/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                           \
    do {                                                                      \
        if (!(COND)) {                                                        \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,          \
                    __LINE__, #COND);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Dumps 'cfg' into a malloc'ed string (*len bytes).  Returns it. */
static char *
dump(const struct sl_config *cfg, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);

    CHECK(f != NULL);
    CHECK(sl_config_dump(cfg, f) == 0);
    CHECK(fclose(f) == 0);
    return text;
}

static int
is_zeroed(const struct sl_config *cfg)
{
    static const struct sl_config zero;
    return !memcmp(cfg, &zero, sizeof zero);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_config cfg, again;
    char err[256];
    size_t len1, len2;
    char *text1, *text2;

    err[0] = '\0';
    if (sl_config_load_string((const char *) data, size, "fuzz.yaml", &cfg,
                              err, sizeof err)) {
        CHECK(is_zeroed(&cfg));
        CHECK(!strncmp(err, "fuzz.yaml:", 10));
        CHECK(strchr(err, '\n') == NULL);
        return 0;
    }
    text1 = dump(&cfg, &len1);
    if (sl_config_load_string(text1, len1, "dump.yaml", &again, err,
                              sizeof err)) {
        fprintf(stderr, "the dump does not load again: %s\n%s", err, text1);
        abort();
    }
    text2 = dump(&again, &len2);
    if (len1 != len2 || memcmp(text1, text2, len1)) {
        fprintf(stderr, "dump differs after a reload:\n%s---\n%s", text1,
                text2);
        abort();
    }
    free(text1);
    free(text2);
    sl_config_destroy(&again);
    sl_config_destroy(&cfg);
    return 0;
}
