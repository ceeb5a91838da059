/* test-app-json: apps/app-json.h, the apps' header-only JSON reader and
 * writer.
 *
 * The reader: hand-written JSONTestSuite-style cases (y_: must parse, n_:
 * must be refused with an "at byte N: ..." message), exact token layouts,
 * member and element lookups, unescaping (surrogate pairs, \u0000),
 * integer ranges and huge numbers, nesting at and past the limit, token
 * exhaustion.  Every parse reads a heap copy of exactly the input's size
 * (no NUL after it), so a one-byte over-read is an ASan report, and every
 * accepted parse has its token tree checked for consistency.
 * The writer: commas, escaping of every control character and of invalid
 * UTF-8, integers and doubles, misuse, and failed allocations (realloc is
 * wrapped at link time, -Wl,--wrap=realloc).
 * Both: parse -> write -> parse round trips, a differential run against
 * jansson on mutated documents, and every JSON file of the shared corpus
 * (Ryu's JSON forms) parsed, compared with jansson and round-tripped.
 */
#include <config.h>
#include "apps/app-json.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/test-util.h"

/* A check for the hot loops: ck_assert*() records every passing check
 * (one write per check), which costs seconds under valgrind. */
#define EXPECT(COND)                                                          \
    do {                                                                      \
        if (!(COND)) {                                                        \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #COND);             \
        }                                                                     \
    } while (0)

/* ---- failing allocations ---- */

void *__real_realloc(void *, size_t);
void *__wrap_realloc(void *, size_t);

/* When >= 0: the number of reallocs that still succeed before one fails. */
static long realloc_countdown = -1;

void *
__wrap_realloc(void *p, size_t n)
{
    if (realloc_countdown >= 0 && realloc_countdown-- == 0) {
        return NULL;
    }
    return __real_realloc(p, n);
}

/* ---- parsing fixture ---- */

#define MAXTOK 4096

static char *text;    /* heap copy of the last input, exactly its size */
static struct aj_tok toks[MAXTOK];
static size_t ntok;
static char err[160];

static void
teardown(void)
{
    free(text);
    text = NULL;
    realloc_countdown = -1;
}

/* Checks the subtree of 'tk[i]' in 'src' ('len' bytes) of 'n' tokens: spans
 * inside the text, strings between quotes, 'size' children reached by
 * 'next' ending exactly at the container's 'next', object keys strings.
 * Returns the index after the subtree. */
static size_t
check_subtree(const char *src, size_t len, const struct aj_tok *tk,
              size_t n, size_t i, int depth)
{
    const struct aj_tok *t;
    size_t k;

    EXPECT(i < n);
    EXPECT(depth <= AJ_MAX_DEPTH);
    t = &tk[i];
    EXPECT(t->start <= t->end);
    EXPECT(t->end <= len);
    EXPECT(t->next > i);
    EXPECT(t->next <= n);
    switch (t->type) {
    case AJ_OBJECT:
    case AJ_ARRAY:
        EXPECT(src[t->start] == (t->type == AJ_OBJECT ? '{' : '['));
        EXPECT(src[t->end - 1] == (t->type == AJ_OBJECT ? '}' : ']'));
        k = i + 1;
        for (uint32_t m = 0; m < t->size; m++) {
            if (t->type == AJ_OBJECT) {
                EXPECT(k < n);
                EXPECT(tk[k].type == AJ_STRING);
                EXPECT(tk[k].next == k + 1);
                EXPECT(tk[k].size == 0);
                k++;
            }
            k = check_subtree(src, len, tk, n, k, depth + 1);
        }
        EXPECT(k == t->next);
        return k;
    case AJ_STRING:
        EXPECT(t->start >= 1);
        EXPECT(t->end < len);
        EXPECT(src[t->start - 1] == '"');
        EXPECT(src[t->end] == '"');
        break;
    case AJ_NUMBER:
    case AJ_TRUE:
    case AJ_FALSE:
    case AJ_NULL:
        EXPECT(t->start < t->end);
        break;
    default:
        ck_abort_msg("token %zu has type %d", i, (int) t->type);
    }
    EXPECT(t->size == 0);
    EXPECT(t->next == i + 1);
    return i + 1;
}

/* Parses a heap copy of the 'len' bytes of 's' into 'toks' (at most 'max'
 * tokens) and checks what the parser promises either way. */
static int
parse_n(const char *s, size_t len, size_t max)
{
    int rc;

    free(text);
    text = malloc(len ? len : 1);
    EXPECT(text != NULL);
    memcpy(text, s, len);
    ntok = 12345;
    snprintf(err, sizeof err, "untouched");
    rc = aj_parse(text, len, toks, max, &ntok, err, sizeof err);
    if (rc) {
        ck_assert_msg(rc == EINVAL || rc == E2BIG, "rc %d", rc);
        EXPECT(ntok == 0);
        ck_assert_msg(!strncmp(err, "at byte ", 8), "err '%s'", err);
    } else {
        ck_assert_str_eq(err, "");
        EXPECT(ntok >= 1);
        EXPECT(ntok <= max);
        EXPECT(check_subtree(text, len, toks, ntok, 0, 0) == ntok);
    }
    return rc;
}

static int
parse(const char *s)
{
    return parse_n(s, strlen(s), MAXTOK);
}

/* ---- the y_ cases: must parse ---- */

struct json_case {
    const char *name;
    const char *json;
    size_t len;          /* 0: strlen(json) */
};

static const struct json_case y_cases[] = {
    {"y_array_empty", "[]", 0},
    {"y_array_empty_string", "[\"\"]", 0},
    {"y_array_arraysWithSpaces", "[[]   ]", 0},
    {"y_array_heterogeneous", "[null, 1, \"1\", {}]", 0},
    {"y_array_nested", "[[[[[]]]]]", 0},
    {"y_array_with_trailing_space", "[2] ", 0},
    {"y_array_with_leading_space", " [1]", 0},
    {"y_array_false", "[false]", 0},
    {"y_array_null", "[null]", 0},
    {"y_array_several_null", "[1,null,null,null,2]", 0},
    {"y_number_0", "0", 0},
    {"y_number_minus_zero", "-0", 0},
    {"y_number_negative_int", "[-123]", 0},
    {"y_number_simple_real", "[123.456789]", 0},
    {"y_number_real_capital_e", "[1E22]", 0},
    {"y_number_real_capital_e_neg_exp", "[1E-2]", 0},
    {"y_number_real_capital_e_pos_exp", "[1E+2]", 0},
    {"y_number_real_exponent", "[123e45]", 0},
    {"y_number_real_fraction_exponent", "[123.456e78]", 0},
    {"y_number_0e1", "[0e1]", 0},
    {"y_number_0e+1", "[0e+1]", 0},
    {"y_number_0.0", "0.0", 0},
    {"y_number_after_space", "[ 4]", 0},
    {"y_number_double_close_to_zero",
     "[-0.000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000001]", 0},
    {"y_number_huge_exp", "[0.4e00669999999999999999999999999999999999999"
     "999999999999999999999999999999999999999999999999969999999006]", 0},
    {"y_number_real_underflow", "[123e-10000000]", 0},
    {"y_number_too_big_pos_int", "[100000000000000000000]", 0},
    {"y_number_very_big_negative_int",
     "[-237462374673276894279832749832423479823246327846]", 0},
    {"y_object_basic", "{\"asd\":\"sdf\"}", 0},
    {"y_object_duplicated_key", "{\"a\":\"b\",\"a\":\"c\"}", 0},
    {"y_object_duplicated_key_and_value", "{\"a\":\"b\",\"a\":\"b\"}", 0},
    {"y_object_empty", "{}", 0},
    {"y_object_empty_key", "{\"\":0}", 0},
    {"y_object_escaped_null_in_key", "{\"foo\\u0000bar\": 42}", 0},
    {"y_object_long_strings",
     "{\"x\":[{\"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}], "
     "\"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", 0},
    {"y_object_simple", "{\"a\":[]}", 0},
    {"y_object_string_unicode", "{\"title\":\"\\u041f\\u043e\\u043b\"}", 0},
    {"y_object_with_newlines", "{\n\"a\": \"b\"\n}", 0},
    {"y_structure_whitespace_array", " \t\r\n[ \t\r\n1 \t\r\n] \t\r\n", 0},
    {"y_string_1_2_3_bytes_UTF-8_sequences", "[\"\\u0060\\u012a\\u12AB\"]",
     0},
    {"y_string_accepted_surrogate_pair", "[\"\\uD801\\udc37\"]", 0},
    {"y_string_accepted_surrogate_pairs",
     "[\"\\ud83d\\ude39\\ud83d\\udc8d\"]", 0},
    {"y_string_allowed_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", 0},
    {"y_string_backslash_and_u_escaped_zero", "[\"\\\\u0000\"]", 0},
    {"y_string_comments", "[\"a/*b*/c/*d//e\"]", 0},
    {"y_string_escaped_control_character", "[\"\\u0012\"]", 0},
    {"y_string_escaped_noncharacter", "[\"\\uFFFF\"]", 0},
    {"y_string_in_array_with_leading_space", "[ \"asd\"]", 0},
    {"y_string_last_surrogates_1_and_2", "[\"\\uDBFF\\uDFFF\"]", 0},
    {"y_string_nbsp_uescaped", "[\"new\\u00A0line\"]", 0},
    {"y_string_nonCharacterInUTF-8_U+10FFFF", "[\"\xf4\x8f\xbf\xbf\"]", 0},
    {"y_string_nonCharacterInUTF-8_U+FFFF", "[\"\xef\xbf\xbf\"]", 0},
    {"y_string_null_escape", "[\"\\u0000\"]", 0},
    {"y_string_one-byte-utf-8", "[\"\\u002c\"]", 0},
    {"y_string_pi", "[\"\xcf\x80\"]", 0},
    {"y_string_simple_ascii", "[\"asd \"]", 0},
    {"y_string_space", "\" \"", 0},
    {"y_string_u+2028_line_sep", "[\"\xe2\x80\xa8\"]", 0},
    {"y_string_utf8", "[\"\xe2\x82\xac\xf0\x9d\x84\x9e\"]", 0},
    {"y_string_with_del_character", "[\"a\x7f" "a\"]", 0},
    {"y_string_unescaped_char_delete", "[\"\x7f\"]", 0},
    {"y_structure_lonely_false", "false", 0},
    {"y_structure_lonely_int", "42", 0},
    {"y_structure_lonely_negative_real", "-0.1", 0},
    {"y_structure_lonely_null", "null", 0},
    {"y_structure_lonely_string", "\"asd\"", 0},
    {"y_structure_lonely_true", "true", 0},
    {"y_structure_string_empty", "\"\"", 0},
    {"y_structure_trailing_newline", "[\"a\"]\n", 0},
    {"y_structure_true_in_array", "[true]", 0},
    {"ryu_flow_mod",
     "{\"dpid\": 1, \"cookie\": 1, \"cookie_mask\": 1, \"table_id\": 0, "
     "\"idle_timeout\": 30, \"hard_timeout\": 30, \"priority\": 11111, "
     "\"flags\": 1, \"match\": {\"in_port\": 1}, \"actions\": "
     "[{\"type\": \"OUTPUT\", \"port\": 2}]}", 0},
};

START_TEST(test_y_cases_parse)
{
    for (size_t i = 0; i < sizeof y_cases / sizeof *y_cases; i++) {
        const struct json_case *c = &y_cases[i];
        size_t len = c->len ? c->len : strlen(c->json);
        int rc = parse_n(c->json, len, MAXTOK);

        ck_assert_msg(rc == 0, "%s: rc %d (%s)", c->name, rc, err);
    }
}
END_TEST

/* ---- the n_ cases: must be refused ---- */

static const struct json_case n_cases[] = {
    {"n_array_1_true_without_comma", "[1 true]", 0},
    {"n_array_colon_instead_of_comma", "[\"\": 1]", 0},
    {"n_array_comma_after_close", "[\"\"],", 0},
    {"n_array_comma_and_number", "[,1]", 0},
    {"n_array_double_comma", "[1,,2]", 0},
    {"n_array_double_extra_comma", "[\"x\",,]", 0},
    {"n_array_extra_close", "[\"x\"]]", 0},
    {"n_array_extra_comma", "[\"\",]", 0},
    {"n_array_incomplete", "[\"x\"", 0},
    {"n_array_incomplete_invalid_value", "[x", 0},
    {"n_array_inner_array_no_comma", "[3[4]]", 0},
    {"n_array_items_separated_by_semicolon", "[1:2]", 0},
    {"n_array_just_comma", "[,]", 0},
    {"n_array_just_minus", "[-]", 0},
    {"n_array_missing_value", "[   , \"\"]", 0},
    {"n_array_newlines_unclosed", "[\"a\",\n4\n,1,", 0},
    {"n_array_number_and_comma", "[1,]", 0},
    {"n_array_spaces_vertical_tab_formfeed", "[\"\x0b" "a\"\\f]", 0},
    {"n_array_star_inside", "[*]", 0},
    {"n_array_unclosed", "[\"\"", 0},
    {"n_array_unclosed_trailing_comma", "[1,", 0},
    {"n_array_unclosed_with_object_inside", "[{}", 0},
    {"n_incomplete_false", "[fals]", 0},
    {"n_incomplete_null", "[nul]", 0},
    {"n_incomplete_true", "[tru]", 0},
    {"n_literal_capitalized", "True", 0},
    {"n_literal_overlong", "nulll", 0},
    {"n_multidigit_number_then_00", "123\0", 4},
    {"n_number_++", "[++1234]", 0},
    {"n_number_+1", "[+1]", 0},
    {"n_number_+Inf", "[+Inf]", 0},
    {"n_number_-01", "[-01]", 0},
    {"n_number_-1.0.", "[-1.0.]", 0},
    {"n_number_-2.", "[-2.]", 0},
    {"n_number_-NaN", "[-NaN]", 0},
    {"n_number_.-1", "[.-1]", 0},
    {"n_number_.2e-3", "[.2e-3]", 0},
    {"n_number_0.1.2", "[0.1.2]", 0},
    {"n_number_0.3e+", "[0.3e+]", 0},
    {"n_number_0.3e", "[0.3e]", 0},
    {"n_number_0.e1", "[0.e1]", 0},
    {"n_number_0_capital_E+", "[0E+]", 0},
    {"n_number_0e", "[0e]", 0},
    {"n_number_1.0e+", "[1.0e+]", 0},
    {"n_number_1_000", "[1 000.0]", 0},
    {"n_number_1eE2", "[1eE2]", 0},
    {"n_number_2.e+3", "[2.e+3]", 0},
    {"n_number_9.e+", "[9.e+]", 0},
    {"n_number_Inf", "[Inf]", 0},
    {"n_number_NaN", "[NaN]", 0},
    {"n_number_U+FF11_fullwidth_digit_one", "[\xef\xbc\x91]", 0},
    {"n_number_expression", "[1+2]", 0},
    {"n_number_hex_1_digit", "[0x1]", 0},
    {"n_number_hex_2_digits", "[0x42]", 0},
    {"n_number_infinity", "[Infinity]", 0},
    {"n_number_minus_infinity", "[-Infinity]", 0},
    {"n_number_minus_sign_with_trailing_garbage", "[-foo]", 0},
    {"n_number_minus_space_1", "[- 1]", 0},
    {"n_number_neg_int_starting_with_zero", "[-012]", 0},
    {"n_number_neg_real_without_int_part", "[-.123]", 0},
    {"n_number_real_garbage_after_e", "[1ea]", 0},
    {"n_number_real_with_invalid_utf8_after_e", "[1e\xe5]", 0},
    {"n_number_real_without_fractional_part", "[1.]", 0},
    {"n_number_starting_with_dot", "[.123]", 0},
    {"n_number_with_leading_zero", "[012]", 0},
    {"n_object_bad_value", "[\"x\", truth]", 0},
    {"n_object_bracket_key", "{[: \"x\"}", 0},
    {"n_object_comma_instead_of_colon", "{\"x\", null}", 0},
    {"n_object_double_colon", "{\"x\"::\"b\"}", 0},
    {"n_object_emoji", "{\xf0\x9f\x87\xa8\xf0\x9f\x87\xad}", 0},
    {"n_object_garbage_at_end", "{\"a\":\"a\" 123}", 0},
    {"n_object_key_with_single_quotes", "{key: 'value'}", 0},
    {"n_object_missing_colon", "{\"a\" b}", 0},
    {"n_object_missing_key", "{:\"b\"}", 0},
    {"n_object_missing_semicolon", "{\"a\" \"b\"}", 0},
    {"n_object_missing_value", "{\"a\":", 0},
    {"n_object_no-colon", "{\"a\"", 0},
    {"n_object_non_string_key", "{1:1}", 0},
    {"n_object_repeated_null_null", "{null:null,null:null}", 0},
    {"n_object_single_quote", "{'a':0}", 0},
    {"n_object_trailing_comma", "{\"id\":0,}", 0},
    {"n_object_trailing_comment", "{\"a\":\"b\"}/**/", 0},
    {"n_object_trailing_comment_slash_open", "{\"a\":\"b\"}//", 0},
    {"n_object_two_commas_in_a_row", "{\"a\":\"b\",,\"c\":\"d\"}", 0},
    {"n_object_unquoted_key", "{a: \"b\"}", 0},
    {"n_object_unterminated-value", "{\"a\":\"a", 0},
    {"n_object_with_trailing_garbage", "{\"a\": true} \"x\"", 0},
    {"n_single_space", " ", 0},
    {"n_string_1_surrogate_then_escape", "[\"\\uD800\\\"]", 0},
    {"n_string_1_surrogate_then_escape_u", "[\"\\uD800\\u\"]", 0},
    {"n_string_1_surrogate_then_escape_u1", "[\"\\uD800\\u1\"]", 0},
    {"n_string_1_surrogate_then_escape_u1x", "[\"\\uD800\\u1x\"]", 0},
    {"n_string_lone_high_surrogate", "[\"\\uD800\"]", 0},
    {"n_string_lone_low_surrogate", "[\"\\uDC00\"]", 0},
    {"n_string_high_then_bmp", "[\"\\uD800\\u0041\"]", 0},
    {"n_string_high_then_high", "[\"\\uD800\\uD800\"]", 0},
    {"n_string_accentuated_char_no_quotes", "[\xc3\xa9]", 0},
    {"n_string_backslash_00", "[\"\\\0\"]", 6},
    {"n_string_escape_x", "[\"\\x00\"]", 0},
    {"n_string_escaped_backslash_bad", "[\"\\\\\\\"]", 0},
    {"n_string_escaped_ctrl_char_tab", "[\"\\\t\"]", 0},
    {"n_string_escaped_emoji", "[\"\\\xf0\x9f\x8c\x80\"]", 0},
    {"n_string_incomplete_escape", "[\"\\\"]", 0},
    {"n_string_incomplete_escaped_character", "[\"\\u00A\"]", 0},
    {"n_string_incomplete_surrogate", "[\"\\uD834\\uDd\"]", 0},
    {"n_string_invalid-utf-8-in-escape", "[\"\\u\xe5\"]", 0},
    {"n_string_invalid_backslash_esc", "[\"\\a\"]", 0},
    {"n_string_invalid_unicode_escape", "[\"\\uqqqq\"]", 0},
    {"n_string_invalid_utf8_after_escape", "[\"\\\xe5\"]", 0},
    {"n_string_leading_uescaped_thinspace", "[\\u0020\"asd\"]", 0},
    {"n_string_no_quotes_with_bad_escape", "[\\n]", 0},
    {"n_string_single_doublequote", "\"", 0},
    {"n_string_single_quote", "['single quote']", 0},
    {"n_string_single_string_no_double_quotes", "abc", 0},
    {"n_string_start_escape_unclosed", "[\"\\", 0},
    {"n_string_unescaped_ctrl_char", "[\"a\0a\"]", 7},
    {"n_string_unescaped_newline", "[\"new\nline\"]", 0},
    {"n_string_unescaped_tab", "[\"\t\"]", 0},
    {"n_string_unicode_CapitalU", "\"\\UA66D\"", 0},
    {"n_string_with_trailing_garbage", "\"\"x", 0},
    {"n_string_invalid_utf8_ff", "[\"\xff\"]", 0},
    {"n_string_invalid_utf8_continuation", "[\"\x80\"]", 0},
    {"n_string_overlong_nul", "[\"\xc0\x80\"]", 0},
    {"n_string_overlong_slash", "[\"\xc0\xaf\"]", 0},
    {"n_string_overlong_3", "[\"\xe0\x80\xaf\"]", 0},
    {"n_string_overlong_4", "[\"\xf0\x80\x80\xaf\"]", 0},
    {"n_string_utf8_surrogate_d800", "[\"\xed\xa0\x80\"]", 0},
    {"n_string_utf8_surrogate_dfff", "[\"\xed\xbf\xbf\"]", 0},
    {"n_string_utf8_above_10ffff", "[\"\xf4\x90\x80\x80\"]", 0},
    {"n_string_utf8_f5", "[\"\xf5\x80\x80\x80\"]", 0},
    {"n_string_utf8_truncated_2", "[\"\xc3\"]", 0},
    {"n_string_utf8_truncated_3", "[\"\xe6\x97\"]", 0},
    {"n_string_utf8_truncated_4", "[\"\xf0\x9f\x98\"]", 0},
    {"n_string_utf8_truncated_at_end", "\"\xe6\x97", 0},
    {"n_structure_U+2060_word_joined", "[\xe2\x81\xa0]", 0},
    {"n_structure_UTF8_BOM_no_data", "\xef\xbb\xbf", 0},
    {"n_structure_UTF8_BOM_empty_object", "\xef\xbb\xbf{}", 0},
    {"n_structure_angle_bracket_.", "<.>", 0},
    {"n_structure_angle_bracket_null", "[<null>]", 0},
    {"n_structure_array_trailing_garbage", "[1]x", 0},
    {"n_structure_array_with_extra_array_close", "[1]]", 0},
    {"n_structure_array_with_unclosed_string", "[\"asd]", 0},
    {"n_structure_ascii-unicode-identifier", "a\xc3\xa5", 0},
    {"n_structure_capitalized_True", "[True]", 0},
    {"n_structure_close_unopened_array", "1]", 0},
    {"n_structure_comma_instead_of_closing_brace", "{\"x\": true,", 0},
    {"n_structure_double_array", "[][]", 0},
    {"n_structure_end_array", "]", 0},
    {"n_structure_end_object", "}", 0},
    {"n_structure_incomplete_UTF8_BOM", "\xef\xbb{}", 0},
    {"n_structure_lone-invalid-utf-8", "\xe5", 0},
    {"n_structure_lone-open-bracket", "[", 0},
    {"n_structure_no_data", "", 0},
    {"n_structure_null-byte-outside-string", "[\0]", 3},
    {"n_structure_number_with_trailing_garbage", "2@", 0},
    {"n_structure_object_followed_by_closing_object", "{}}", 0},
    {"n_structure_object_unclosed_no_value", "{\"\":", 0},
    {"n_structure_object_with_comment", "{\"a\":/*comment*/\"b\"}", 0},
    {"n_structure_object_with_trailing_garbage", "{\"a\": true} \"x\"", 0},
    {"n_structure_open_array_apostrophe", "['", 0},
    {"n_structure_open_array_comma", "[,", 0},
    {"n_structure_open_object", "{", 0},
    {"n_structure_open_object_close_array", "{]", 0},
    {"n_structure_open_object_comma", "{,", 0},
    {"n_structure_open_object_open_array", "{[", 0},
    {"n_structure_open_object_open_string", "{\"a", 0},
    {"n_structure_open_object_string_with_apostrophes", "{'a'", 0},
    {"n_structure_single_star", "*", 0},
    {"n_structure_trailing_#", "{\"a\":\"b\"}#{}", 0},
    {"n_structure_uescaped_LF_before_string", "[\\u000A\"\"]", 0},
    {"n_structure_unclosed_array_partial_null", "[ false, nul", 0},
    {"n_structure_unclosed_array_unfinished_false", "[ true, fals", 0},
    {"n_structure_unclosed_array_unfinished_true", "[ false, tru", 0},
    {"n_structure_unclosed_object", "{\"asd\":\"asd\"", 0},
    {"n_structure_unicode-identifier", "\xc3\xa5", 0},
    {"n_structure_whitespace_U+2060_word_joiner", "[\xe2\x81\xa0]", 0},
    {"n_structure_whitespace_formfeed", "[\f]", 0},
    {"n_structure_whitespace_nbsp", "[\xc2\xa0" "1]", 0},
    {"n_structure_whitespace_vtab", "\x0b[]", 0},
    {"n_comment_line", "[1] // x", 0},
    {"n_comment_block_first", "/* x */ [1]", 0},
};

START_TEST(test_n_cases_refused)
{
    for (size_t i = 0; i < sizeof n_cases / sizeof *n_cases; i++) {
        const struct json_case *c = &n_cases[i];
        size_t len = c->len ? c->len : strlen(c->json);
        int rc = parse_n(c->json, len, MAXTOK);

        ck_assert_msg(rc == EINVAL, "%s: rc %d, want EINVAL", c->name, rc);
        ck_assert_msg(strlen(err) > 10, "%s: err '%s'", c->name, err);
    }
}
END_TEST

/* Every proper prefix of a valid document is refused (the parser never
 * reads the byte after 'len' to decide: ASan would say so). */
START_TEST(test_truncations_refused)
{
    for (size_t i = 0; i < sizeof y_cases / sizeof *y_cases; i++) {
        const char *j = y_cases[i].json;
        size_t len = y_cases[i].len ? y_cases[i].len : strlen(j);

        for (size_t k = 0; k < len; k++) {
            int rc = parse_n(j, k, MAXTOK);
            bool number_prefix = true, ws_cut = true;

            /* "123" cut to "12" is a number, "[1] " cut to "[1]" is
             * JSON; " [1]" cut to " " is not. */
            for (size_t m = 0; m < k; m++) {
                number_prefix &= (j[m] >= '0' && j[m] <= '9')
                                 || j[m] == '-' || j[m] == '.'
                                 || j[m] == 'e' || j[m] == 'E'
                                 || j[m] == '+';
            }
            for (size_t m = k; m < len; m++) {
                ws_cut &= j[m] == ' ' || j[m] == '\t' || j[m] == '\n'
                          || j[m] == '\r';
            }
            if (rc == 0) {
                ck_assert_msg(number_prefix || ws_cut,
                              "%s cut at %zu parses", y_cases[i].name, k);
            } else {
                ck_assert_int_eq(rc, EINVAL);
            }
        }
    }
}
END_TEST

/* ---- error messages ---- */

START_TEST(test_error_messages)
{
    static const struct {
        const char *json;
        const char *err;
    } cases[] = {
        {"{\"a\": 1 \"b\": 2}", "at byte 8: expected ',' or '}'"},
        {"[1 2]", "at byte 3: expected ',' or ']'"},
        {"[1,]", "at byte 3: expected a value"},
        {"{\"a\":1,}", "at byte 7: expected a string (an object key)"},
        {"{\"a\" 1}", "at byte 5: expected ':'"},
        {"", "at byte 0: unexpected end of input (expected a value)"},
        {"  [", "at byte 3: unexpected end of input (expected a value)"},
        {"[1", "at byte 2: expected ',' or ']'"},
        {"01", "at byte 1: leading zero in number"},
        {"-", "at byte 1: expected a digit"},
        {"1.", "at byte 2: expected a digit after '.'"},
        {"1e+", "at byte 3: expected a digit in the exponent"},
        {"nul", "at byte 0: invalid literal (expected true, false or null)"},
        {"[1] x", "at byte 4: unexpected data after the value"},
        {"\"ab", "at byte 3: unterminated string"},
        {"\"a\\", "at byte 2: unterminated string"},
        {"\"a\tb\"", "at byte 2: control character in string (escape it)"},
        {"\"\\q\"", "at byte 1: invalid escape in string"},
        {"\"\\u12G4\"", "at byte 1: invalid \\u escape"},
        {"\"x\\uDC00\"",
         "at byte 2: unpaired UTF-16 surrogate in \\u escape"},
        {"\"x\\uD800\\uD800\"",
         "at byte 2: unpaired UTF-16 surrogate in \\u escape"},
        {"\"x\\uD800\\u12\"", "at byte 2: invalid \\u escape"},
        {"[\"ok\", \"\xc3\x28\"]", "at byte 8: invalid UTF-8 in string"},
        {"@", "at byte 0: expected a value"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_int_eq(parse(cases[i].json), EINVAL);
        ck_assert_msg(!strcmp(err, cases[i].err), "%s: got '%s', want '%s'",
                      cases[i].json, err, cases[i].err);
    }

    /* A short or absent message buffer is fine. */
    char small[8];
    size_t n = 9;
    ck_assert_int_eq(aj_parse("[1,]", 4, toks, MAXTOK, &n, small,
                              sizeof small), EINVAL);
    ck_assert_str_eq(small, "at byte");
    ck_assert_int_eq(aj_parse("[1,]", 4, toks, MAXTOK, NULL, NULL, 0),
                     EINVAL);
    ck_assert_int_eq(aj_parse("[1]", 3, toks, MAXTOK, NULL, NULL, 0), 0);
    ck_assert_int_eq(aj_parse(NULL, 0, toks, MAXTOK, &n, NULL, 0), EINVAL);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* ---- token layout ---- */

START_TEST(test_token_layout)
{
    static const char doc[] =
        "{\"a\": [1, -2.5e3, \"x\\\"y\"], \"b\": {\"c\": null}, "
        "\"d\": true, \"e\": false, \"f\": {}, \"g\": []}";
    static const struct aj_tok want[] = {
        {AJ_OBJECT, 0, 85, 6, 18},
        {AJ_STRING, 2, 3, 0, 2},    /* a */
        {AJ_ARRAY, 6, 25, 3, 6},
        {AJ_NUMBER, 7, 8, 0, 4},
        {AJ_NUMBER, 10, 16, 0, 5},
        {AJ_STRING, 19, 23, 0, 6},
        {AJ_STRING, 28, 29, 0, 7},  /* b */
        {AJ_OBJECT, 32, 43, 1, 10},
        {AJ_STRING, 34, 35, 0, 9},  /* c */
        {AJ_NULL, 38, 42, 0, 10},
        {AJ_STRING, 46, 47, 0, 11}, /* d */
        {AJ_TRUE, 50, 54, 0, 12},
        {AJ_STRING, 57, 58, 0, 13}, /* e */
        {AJ_FALSE, 61, 66, 0, 14},
        {AJ_STRING, 69, 70, 0, 15}, /* f */
        {AJ_OBJECT, 73, 75, 0, 16},
        {AJ_STRING, 78, 79, 0, 17}, /* g */
        {AJ_ARRAY, 82, 84, 0, 18},
    };

    ck_assert_int_eq(parse(doc), 0);
    ck_assert_uint_eq(ntok, sizeof want / sizeof *want);
    for (size_t i = 0; i < ntok; i++) {
        ck_assert_msg(toks[i].type == want[i].type
                      && toks[i].start == want[i].start
                      && toks[i].end == want[i].end
                      && toks[i].size == want[i].size
                      && toks[i].next == want[i].next,
                      "token %zu: type %d [%u, %u) size %u next %u", i,
                      (int) toks[i].type, toks[i].start, toks[i].end,
                      toks[i].size, toks[i].next);
    }
    /* Spans, checked by what they cover. */
    ck_assert_uint_eq(toks[0].start, 0);
    ck_assert_uint_eq(toks[0].end, strlen(doc));
    ck_assert_int_eq(memcmp(doc + toks[2].start, "[1, -2.5e3, \"x\\\"y\"]",
                            toks[2].end - toks[2].start), 0);
    ck_assert_int_eq(memcmp(doc + toks[4].start, "-2.5e3", 6), 0);
    ck_assert_uint_eq(toks[4].end - toks[4].start, 6);
    ck_assert_int_eq(memcmp(doc + toks[5].start, "x\\\"y", 4), 0);
    ck_assert_uint_eq(toks[5].end - toks[5].start, 4);
    ck_assert_int_eq(memcmp(doc + toks[7].start, "{\"c\": null}", 11), 0);
    ck_assert_int_eq(memcmp(doc + toks[9].start, "null", 4), 0);
    ck_assert_int_eq(memcmp(doc + toks[13].start, "false", 5), 0);
    ck_assert_int_eq(memcmp(doc + toks[15].start, "{}", 2), 0);
    ck_assert_int_eq(memcmp(doc + toks[17].start, "[]", 2), 0);
    ck_assert_uint_eq(toks[17].end, strlen(doc) - 1);

    /* A bare scalar is one token; whitespace is outside every span. */
    ck_assert_int_eq(parse("  \"\"  "), 0);
    ck_assert_uint_eq(ntok, 1);
    ck_assert_int_eq(toks[0].type, AJ_STRING);
    ck_assert_uint_eq(toks[0].start, 3);
    ck_assert_uint_eq(toks[0].end, 3);
    ck_assert_int_eq(parse(" -0.5E-7 "), 0);
    ck_assert_uint_eq(toks[0].start, 1);
    ck_assert_uint_eq(toks[0].end, 8);
}
END_TEST

/* ---- lookups ---- */

START_TEST(test_member_and_element)
{
    char buf[16];
    int v, k, i;
    size_t count;

    ck_assert_int_eq(parse("{\"a\": 1, \"a\": 2, \"b\": [10, [20, 21], 30], "
                           "\"c\\u0064\": \"x\", \"\": 0, \"n\\u0000\": 5}"),
                     0);
    /* The first of duplicate keys. */
    v = aj_member(text, toks, 0, "a");
    ck_assert_int_eq(v, 2);
    ck_assert_int_eq(text[toks[v].start], '1');
    /* Escaped keys match unescaped. */
    v = aj_member(text, toks, 0, "cd");
    ck_assert_int_ge(v, 0);
    ck_assert(aj_string(text, &toks[v], buf, sizeof buf));
    ck_assert_str_eq(buf, "x");
    ck_assert_int_ge(aj_member(text, toks, 0, ""), 0);
    ck_assert_int_eq(aj_member(text, toks, 0, "c"), -1);
    ck_assert_int_eq(aj_member(text, toks, 0, "cdd"), -1);
    ck_assert_int_eq(aj_member(text, toks, 0, "n"), -1);
    ck_assert_int_eq(aj_member(text, toks, 0, "zz"), -1);
    /* Not an object, negative, NULL. */
    k = aj_member(text, toks, 0, "b");
    ck_assert_int_eq(aj_member(text, toks, k, "a"), -1);
    ck_assert_int_eq(aj_member(text, toks, -1, "a"), -1);
    ck_assert_int_eq(aj_member(NULL, toks, 0, "a"), -1);
    ck_assert_int_eq(aj_member(text, NULL, 0, "a"), -1);
    ck_assert_int_eq(aj_member(text, toks, 0, NULL), -1);

    /* Elements, nested arrays skipped whole. */
    ck_assert_int_eq(toks[k].type, AJ_ARRAY);
    ck_assert_int_eq(toks[k].size, 3);
    ck_assert_int_eq(text[toks[aj_element(toks, k, 0)].start], '1');
    i = aj_element(toks, k, 1);
    ck_assert_int_eq(toks[i].type, AJ_ARRAY);
    ck_assert_int_eq(text[toks[aj_element(toks, i, 1)].start + 1], '1');
    ck_assert_int_eq(text[toks[aj_element(toks, k, 2)].start], '3');
    ck_assert_int_eq(aj_element(toks, k, 3), -1);
    ck_assert_int_eq(aj_element(toks, k, SIZE_MAX), -1);
    ck_assert_int_eq(aj_element(toks, 0, 0), -1);  /* an object */
    ck_assert_int_eq(aj_element(toks, -5, 0), -1);
    ck_assert_int_eq(aj_element(NULL, 0, 0), -1);

    /* Iterating by 'next', as documented. */
    count = 0;
    for (i = k + 1; count < toks[k].size; i = (int) toks[i].next) {
        ck_assert_int_eq(i, aj_element(toks, k, count));
        count++;
    }
    ck_assert_uint_eq((unsigned) i, toks[k].next);
    count = 0;
    for (i = 1; count < toks[0].size; i = (int) toks[i + 1].next) {
        ck_assert_int_eq(toks[i].type, AJ_STRING);
        count++;
    }
    ck_assert_uint_eq(count, 6);
    ck_assert_uint_eq((unsigned) i, ntok);

    /* An empty object and array. */
    ck_assert_int_eq(parse("[{}, []]"), 0);
    ck_assert_int_eq(aj_member(text, toks, 1, "a"), -1);
    ck_assert_int_eq(aj_element(toks, 2, 0), -1);
    ck_assert_int_eq(aj_element(toks, 0, 1), 2);
}
END_TEST

/* ---- strings ---- */

START_TEST(test_string_unescape)
{
    char buf[64];

    ck_assert_int_eq(parse("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", "
                           "\"\\u0041\\u00e9\\u20AC\\uD834\\uDD1E\", "
                           "\"\xe2\x82\xac\", \"a\\u0000b\", \"\"]"),
                     0);
    ck_assert(aj_string(text, &toks[1], buf, sizeof buf));
    ck_assert_str_eq(buf, "\"\\/\b\f\n\r\t");
    ck_assert(aj_eq(text, &toks[1], "\"\\/\b\f\n\r\t"));
    /* U+0041, U+00E9, U+20AC, U+1D11E (a surrogate pair). */
    ck_assert(aj_string(text, &toks[2], buf, sizeof buf));
    ck_assert_str_eq(buf, "A\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e");
    ck_assert(aj_eq(text, &toks[2], "A\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e"));
    ck_assert(!aj_eq(text, &toks[2], "A\xc3\xa9\xe2\x82\xac"));
    ck_assert(!aj_eq(text, &toks[2],
                     "A\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e!"));
    /* Raw UTF-8 passes through. */
    ck_assert(aj_string(text, &toks[3], buf, sizeof buf));
    ck_assert_str_eq(buf, "\xe2\x82\xac");
    /* \u0000: valid JSON, but no C string holds it. */
    ck_assert(!aj_string(text, &toks[4], buf, sizeof buf));
    ck_assert_str_eq(buf, "");
    ck_assert(!aj_eq(text, &toks[4], "a"));
    ck_assert(!aj_eq(text, &toks[4], "ab"));
    /* Empty. */
    ck_assert(aj_string(text, &toks[5], buf, sizeof buf));
    ck_assert_str_eq(buf, "");
    ck_assert(aj_eq(text, &toks[5], ""));
    ck_assert(!aj_eq(text, &toks[5], "x"));
    ck_assert(aj_string(text, &toks[5], buf, 1));

    /* Capacity: exactly the bytes plus the NUL, one less fails. */
    ck_assert(aj_string(text, &toks[2], buf, 11));
    ck_assert(!aj_string(text, &toks[2], buf, 10));
    ck_assert_str_eq(buf, "");
    ck_assert(!aj_string(text, &toks[2], buf, 0));
    ck_assert(!aj_string(text, &toks[2], NULL, 5));

    /* Not a string token. */
    ck_assert(!aj_string(text, &toks[0], buf, sizeof buf));
    ck_assert(!aj_eq(text, &toks[0], ""));
    ck_assert(!aj_eq(text, NULL, ""));
    ck_assert(!aj_eq(NULL, &toks[1], ""));
    ck_assert(!aj_eq(text, &toks[1], NULL));

    /* Tokens that did not come from aj_parse() are read within their
     * span: a truncated escape fails instead of reading on. */
    {
        static const char raw[] = "\"ab\\u00e9\"";
        struct aj_tok t = {AJ_STRING, 1, 6, 0, 1};

        ck_assert(!aj_string(raw, &t, buf, sizeof buf));
        ck_assert(!aj_eq(raw, &t, "ab"));
        t.end = 9;
        ck_assert(aj_string(raw, &t, buf, sizeof buf));
        ck_assert_str_eq(buf, "ab\xc3\xa9");
        t.start = 10;
        ck_assert(!aj_string(raw, &t, buf, sizeof buf));
    }
}
END_TEST

/* ---- numbers ---- */

START_TEST(test_integers)
{
    static const struct {
        const char *json;
        bool i_ok;
        int64_t i;
        bool u_ok;
        uint64_t u;
    } cases[] = {
        {"0", true, 0, true, 0},
        {"-0", true, 0, true, 0},
        {"7", true, 7, true, 7},
        {"-7", true, -7, false, 0},
        {"9223372036854775807", true, INT64_MAX, true, INT64_MAX},
        {"-9223372036854775808", true, INT64_MIN, false, 0},
        {"9223372036854775808", false, 0, true, 9223372036854775808ULL},
        {"-9223372036854775809", false, 0, false, 0},
        {"18446744073709551615", false, 0, true, UINT64_MAX},
        {"18446744073709551616", false, 0, false, 0},
        {"99999999999999999999999999999999999999", false, 0, false, 0},
        {"1.0", false, 0, false, 0},
        {"1e2", false, 0, false, 0},
        {"1E0", false, 0, false, 0},
        {"0.5", false, 0, false, 0},
        {"-1e400", false, 0, false, 0},
        {"\"1\"", false, 0, false, 0},
        {"true", false, 0, false, 0},
        {"null", false, 0, false, 0},
        {"[1]", false, 0, false, 0},
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t iv = 42;
        uint64_t uv = 42;
        bool ok;

        ck_assert_int_eq(parse(cases[i].json), 0);
        ok = aj_int64(text, &toks[0], &iv);
        ck_assert_msg(ok == cases[i].i_ok, "%s: int64 %d", cases[i].json,
                      ok);
        ck_assert_msg(ok ? iv == cases[i].i : iv == 42, "%s: %lld",
                      cases[i].json, (long long) iv);
        ok = aj_uint64(text, &toks[0], &uv);
        ck_assert_msg(ok == cases[i].u_ok, "%s: uint64 %d", cases[i].json,
                      ok);
        ck_assert_msg(ok ? uv == cases[i].u : uv == 42, "%s: %llu",
                      cases[i].json, (unsigned long long) uv);
    }
    ck_assert(!aj_int64(text, &toks[0], NULL));
    ck_assert(!aj_uint64(text, NULL, NULL));

    /* A number of 100000 digits is JSON; not an integer we can hold. */
    {
        size_t n = 100000;
        char *big = malloc(n + 2);
        int64_t iv;

        ck_assert_ptr_nonnull(big);
        big[0] = '[';
        memset(big + 1, '9', n);
        big[n + 1] = ']';
        ck_assert_int_eq(parse_n(big, n + 2, MAXTOK), 0);
        ck_assert_uint_eq(toks[1].end - toks[1].start, n);
        ck_assert(!aj_int64(text, &toks[1], &iv));
        free(big);
    }

    /* Booleans. */
    {
        bool b = false;

        ck_assert_int_eq(parse("[true, false, null, 1]"), 0);
        ck_assert(aj_bool(&toks[1], &b));
        ck_assert(b);
        ck_assert(aj_bool(&toks[2], &b));
        ck_assert(!b);
        b = true;
        ck_assert(!aj_bool(&toks[3], &b));
        ck_assert(!aj_bool(&toks[4], &b));
        ck_assert(!aj_bool(&toks[0], &b));
        ck_assert(b);
        ck_assert(!aj_bool(NULL, &b));
        ck_assert(!aj_bool(&toks[1], NULL));
    }
}
END_TEST

/* ---- nesting ---- */

/* Returns '[' * depth + '1' + ']' * depth (malloc'd), length in '*len'. */
static char *
nested_arrays(size_t depth, size_t *len)
{
    char *s = malloc(2 * depth + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, '[', depth);
    s[depth] = '1';
    memset(s + depth + 1, ']', depth);
    *len = 2 * depth + 1;
    return s;
}

START_TEST(test_nesting_limit)
{
    size_t len;
    char *s;

    s = nested_arrays(AJ_MAX_DEPTH, &len);
    ck_assert_int_eq(parse_n(s, len, MAXTOK), 0);
    ck_assert_uint_eq(ntok, AJ_MAX_DEPTH + 1);
    for (size_t i = 0; i < AJ_MAX_DEPTH; i++) {
        ck_assert_int_eq(toks[i].type, AJ_ARRAY);
        ck_assert_uint_eq(toks[i].size, 1);
        ck_assert_uint_eq(toks[i].next, ntok);
        ck_assert_uint_eq(toks[i].start, i);
        ck_assert_uint_eq(toks[i].end, len - i);
    }
    free(s);

    s = nested_arrays(AJ_MAX_DEPTH + 1, &len);
    ck_assert_int_eq(parse_n(s, len, MAXTOK), EINVAL);
    ck_assert_str_eq(err, "at byte 32: nesting deeper than 32");
    free(s);

    /* Very deep input fails at the limit, without recursion. */
    s = nested_arrays(1000000, &len);
    ck_assert_int_eq(parse_n(s, len, MAXTOK), EINVAL);
    ck_assert_str_eq(err, "at byte 32: nesting deeper than 32");
    free(s);

    /* Objects count too; depth goes back down after each close. */
    {
        char doc[1024];
        size_t o = 0;

        for (int i = 0; i < AJ_MAX_DEPTH; i++) {
            o += (size_t) snprintf(doc + o, sizeof doc - o, "{\"k\":");
        }
        doc[o++] = '0';
        memset(doc + o, '}', AJ_MAX_DEPTH);
        o += AJ_MAX_DEPTH;
        ck_assert_int_eq(parse_n(doc, o, MAXTOK), 0);
        ck_assert_uint_eq(ntok, 2 * AJ_MAX_DEPTH + 1);
        doc[o - AJ_MAX_DEPTH - 1] = '[';
        ck_assert_int_eq(parse_n(doc, o, MAXTOK), EINVAL);
    }
    {
        /* 31 levels, then many siblings at level 32. */
        char doc[4096];
        size_t o = 0;

        memset(doc, '[', 31);
        o = 31;
        for (int i = 0; i < 100; i++) {
            o += (size_t) snprintf(doc + o, sizeof doc - o, "%s[1]",
                                   i ? "," : "");
        }
        memset(doc + o, ']', 31);
        o += 31;
        ck_assert_int_eq(parse_n(doc, o, MAXTOK), 0);
        ck_assert_uint_eq(toks[30].size, 100);
    }
}
END_TEST

/* ---- token exhaustion ---- */

START_TEST(test_token_exhaustion)
{
    static const char doc[] = "{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}";
    size_t need, n;

    ck_assert_int_eq(parse(doc), 0);
    need = ntok;
    ck_assert_uint_eq(need, 10);
    ck_assert_int_eq(parse_n(doc, strlen(doc), need), 0);
    ck_assert_uint_eq(ntok, need);
    for (size_t max = 0; max < need; max++) {
        ck_assert_int_eq(parse_n(doc, strlen(doc), max), E2BIG);
        ck_assert_msg(strstr(err, "more than") != NULL, "%s", err);
    }
    ck_assert_int_eq(parse_n("[1,2,3]", 7, 3), E2BIG);
    ck_assert_str_eq(err, "at byte 5: more than 3 tokens");
    /* No token array at all. */
    n = 7;
    ck_assert_int_eq(aj_parse("1", 1, NULL, 5, &n, err, sizeof err), E2BIG);
    ck_assert_uint_eq(n, 0);
    /* A syntax error before the tokens run out is EINVAL. */
    ck_assert_int_eq(parse_n("[1,,2,3]", 8, 3), EINVAL);
    /* A huge 'max' is fine. */
    ck_assert_int_eq(aj_parse("[1]", 3, toks, SIZE_MAX, &n, err, sizeof err),
                     0);
    ck_assert_uint_eq(n, 2);
}
END_TEST

/* ---- writer ---- */

/* Finishes 'w', checks it is 'want', and frees it. */
static void
check_w(struct aj_w *w, const char *want)
{
    ck_assert(aj_w_ok(w));
    ck_assert_str_eq(w->buf, want);
    ck_assert_uint_eq(w->len, strlen(want));
    ck_assert_int_eq(parse_n(w->buf, w->len, MAXTOK), 0);
    aj_w_free(w);
    ck_assert_ptr_null(w->buf);
    ck_assert_uint_eq(w->len, 0);
}

START_TEST(test_writer_structure)
{
    struct aj_w w;

    aj_w_init(&w);
    ck_assert(!aj_w_ok(&w));
    aj_w_obj_begin(&w);
    aj_w_key(&w, "a");
    aj_w_int(&w, 1);
    aj_w_key(&w, "b");
    aj_w_arr_begin(&w);
    aj_w_arr_end(&w);
    aj_w_key(&w, "c");
    aj_w_arr_begin(&w);
    aj_w_obj_begin(&w);
    aj_w_obj_end(&w);
    aj_w_null(&w);
    aj_w_bool(&w, true);
    aj_w_bool(&w, false);
    aj_w_arr_begin(&w);
    aj_w_str(&w, "x");
    aj_w_arr_end(&w);
    aj_w_uint(&w, 2);
    aj_w_arr_end(&w);
    aj_w_key(&w, "d");
    aj_w_obj_begin(&w);
    aj_w_key(&w, "e");
    aj_w_raw(&w, "{\"f\": [1, 2]}");
    aj_w_key(&w, "g");
    aj_w_raw(&w, NULL);
    aj_w_obj_end(&w);
    ck_assert(!aj_w_ok(&w));  /* still open */
    aj_w_obj_end(&w);
    check_w(&w, "{\"a\":1,\"b\":[],\"c\":[{},null,true,false,[\"x\"],2],"
                "\"d\":{\"e\":{\"f\": [1, 2]},\"g\":null}}");

    /* A bare scalar; NULL string and key. */
    aj_w_init(&w);
    aj_w_str(&w, NULL);
    check_w(&w, "null");
    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, NULL);
    aj_w_str(&w, "");
    aj_w_obj_end(&w);
    check_w(&w, "{\"\":\"\"}");

    /* Deepest allowed nesting, and a long array (buffer growth). */
    aj_w_init(&w);
    for (int i = 0; i < AJ_MAX_DEPTH; i++) {
        aj_w_arr_begin(&w);
    }
    for (int i = 0; i < 3000; i++) {
        aj_w_int(&w, i);
    }
    for (int i = 0; i < AJ_MAX_DEPTH; i++) {
        aj_w_arr_end(&w);
    }
    ck_assert(aj_w_ok(&w));
    ck_assert_int_eq(parse_n(w.buf, w.len, MAXTOK), 0);
    ck_assert_uint_eq(toks[AJ_MAX_DEPTH - 1].size, 3000);
    aj_w_free(&w);
    aj_w_free(NULL);
}
END_TEST

START_TEST(test_writer_misuse)
{
    struct aj_w w;

    /* Closing more than was opened. */
    aj_w_init(&w);
    aj_w_arr_begin(&w);
    aj_w_arr_end(&w);
    ck_assert(aj_w_ok(&w));
    aj_w_arr_end(&w);
    ck_assert(w.oom);
    ck_assert(!aj_w_ok(&w));
    aj_w_str(&w, "later");  /* a no-op now */
    ck_assert_str_eq(w.buf, "[]");
    aj_w_free(&w);

    /* Opening past the limit. */
    aj_w_init(&w);
    for (int i = 0; i < AJ_MAX_DEPTH; i++) {
        aj_w_obj_begin(&w);
        aj_w_key(&w, "k");
    }
    ck_assert(!w.oom);
    aj_w_arr_begin(&w);
    ck_assert(w.oom);
    for (int i = 0; i < AJ_MAX_DEPTH; i++) {
        aj_w_obj_end(&w);
    }
    ck_assert(!aj_w_ok(&w));
    aj_w_free(&w);

    /* A corrupted depth is refused, not used as an index. */
    aj_w_init(&w);
    w.depth = 1000;
    aj_w_int(&w, 1);
    ck_assert(w.oom);
    ck_assert_ptr_null(w.buf);
    aj_w_free(&w);
    aj_w_init(&w);
    w.depth = -1;
    aj_w_obj_end(&w);
    ck_assert(w.oom);
    aj_w_free(&w);
}
END_TEST

START_TEST(test_writer_escaping)
{
    struct aj_w w;
    char in[40], want[256];
    size_t o = 0;

    /* Every control character (NUL ends the C string). */
    for (int c = 1; c < 0x20; c++) {
        in[c - 1] = (char) c;
    }
    in[31] = '\0';
    aj_w_init(&w);
    aj_w_str(&w, in);
    o += (size_t) snprintf(want + o, sizeof want - o, "\"");
    for (int c = 1; c < 0x20; c++) {
        const char *e = c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t" : NULL;

        if (e) {
            o += (size_t) snprintf(want + o, sizeof want - o, "%s", e);
        } else {
            o += (size_t) snprintf(want + o, sizeof want - o, "\\u%04x", c);
        }
    }
    snprintf(want + o, sizeof want - o, "\"");
    ck_assert_str_eq(w.buf, want);
    ck_assert_int_eq(parse_n(w.buf, w.len, MAXTOK), 0);
    {
        char back[40];

        ck_assert(aj_string(text, &toks[0], back, sizeof back));
        ck_assert_str_eq(back, in);
    }
    aj_w_free(&w);

    /* Quotes and backslashes in keys and values; '/' and DEL as is. */
    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, "k\"\\");
    aj_w_str(&w, "a/b\x7f\"c\\");
    aj_w_obj_end(&w);
    check_w(&w, "{\"k\\\"\\\\\":\"a/b\x7f\\\"c\\\\\"}");

    /* Valid UTF-8 kept; each byte of an invalid sequence is U+FFFD. */
    aj_w_init(&w);
    aj_w_arr_begin(&w);
    aj_w_str(&w, "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf");
    aj_w_str(&w, "a\xff" "b");
    aj_w_str(&w, "\xc0\xaf");          /* overlong '/' */
    aj_w_str(&w, "\xed\xa0\x80");      /* a UTF-16 surrogate */
    aj_w_str(&w, "\xf4\x90\x80\x80");  /* above U+10FFFF */
    aj_w_str(&w, "x\xe2\x82");         /* truncated at the end */
    aj_w_str(&w, "\x80q");             /* lone continuation */
    aj_w_arr_end(&w);
    check_w(&w, "[\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf\","
                "\"a\\ufffdb\",\"\\ufffd\\ufffd\","
                "\"\\ufffd\\ufffd\\ufffd\","
                "\"\\ufffd\\ufffd\\ufffd\\ufffd\","
                "\"x\\ufffd\\ufffd\",\"\\ufffdq\"]");

    /* Whatever the bytes, the output parses and unescapes to valid
     * UTF-8. */
    for (unsigned seed = 1; seed < 2000; seed++) {
        char s[17];
        unsigned x = seed;

        for (int i = 0; i < 16; i++) {
            x = x * 1103515245 + 12345;
            s[i] = (char) ((x >> 16) % 255 + 1);
        }
        s[16] = '\0';
        aj_w_init(&w);
        aj_w_str(&w, s);
        ck_assert(aj_w_ok(&w));
        ck_assert_int_eq(parse_n(w.buf, w.len, MAXTOK), 0);
        aj_w_free(&w);
    }
}
END_TEST

START_TEST(test_writer_numbers)
{
    static const double doubles[] = {
        0.1, 1.0 / 3, -2.5, 1e300, -1e-300, 5e-324, 1.7976931348623157e308,
        123456789.125, 100, 1e21, 0.30000000000000004, 2.2250738585072014e-308,
    };
    struct aj_w w;

    aj_w_init(&w);
    aj_w_arr_begin(&w);
    aj_w_int(&w, INT64_MIN);
    aj_w_int(&w, INT64_MAX);
    aj_w_int(&w, 0);
    aj_w_uint(&w, UINT64_MAX);
    aj_w_double(&w, 0.1);
    aj_w_double(&w, 0.5);
    aj_w_double(&w, 100);
    aj_w_double(&w, -0.0);
    aj_w_double(&w, 1e21);
    aj_w_double(&w, NAN);
    aj_w_double(&w, INFINITY);
    aj_w_double(&w, -INFINITY);
    aj_w_arr_end(&w);
    check_w(&w, "[-9223372036854775808,9223372036854775807,0,"
                "18446744073709551615,0.1,0.5,100,-0,1e+21,null,null,null]");

    /* Shortest forms that read back exactly. */
    for (size_t i = 0; i < sizeof doubles / sizeof *doubles; i++) {
        aj_w_init(&w);
        aj_w_double(&w, doubles[i]);
        ck_assert(aj_w_ok(&w));
        ck_assert_msg(strtod(w.buf, NULL) == doubles[i], "%s", w.buf);
        ck_assert_int_eq(parse_n(w.buf, w.len, MAXTOK), 0);
        ck_assert_int_eq(toks[0].type, AJ_NUMBER);
        aj_w_free(&w);
    }
    aj_w_init(&w);
    aj_w_double(&w, 1.0 / 3);
    ck_assert_str_eq(w.buf, "0.3333333333333333");
    aj_w_free(&w);
    aj_w_init(&w);
    aj_w_double(&w, 0.30000000000000004);
    ck_assert_str_eq(w.buf, "0.30000000000000004");
    aj_w_free(&w);
    aj_w_init(&w);
    aj_w_double(&w, 1e16);
    ck_assert_str_eq(w.buf, "10000000000000000");
    aj_w_free(&w);
    aj_w_init(&w);
    aj_w_double(&w, 1e17);
    ck_assert_str_eq(w.buf, "1e+17");
    aj_w_free(&w);
    aj_w_init(&w);
    aj_w_double(&w, 1.5e-7);
    ck_assert_str_eq(w.buf, "1.5e-07");
    aj_w_free(&w);

    /* Integers survive a write and a read at both ends of the ranges. */
    {
        static const int64_t iv[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1,
                                     INT64_MAX};
        int64_t got;
        uint64_t ugot;

        for (size_t i = 0; i < sizeof iv / sizeof *iv; i++) {
            aj_w_init(&w);
            aj_w_int(&w, iv[i]);
            ck_assert_int_eq(parse_n(w.buf, w.len, MAXTOK), 0);
            ck_assert(aj_int64(text, &toks[0], &got));
            ck_assert(got == iv[i]);
            aj_w_free(&w);
        }
        aj_w_init(&w);
        aj_w_uint(&w, UINT64_MAX);
        ck_assert_int_eq(parse_n(w.buf, w.len, MAXTOK), 0);
        ck_assert(aj_uint64(text, &toks[0], &ugot));
        ck_assert(ugot == UINT64_MAX);
        aj_w_free(&w);
    }
}
END_TEST

/* Builds a document with the writer; the realloc number 'fail' fails. */
static void
build_doc(struct aj_w *w)
{
    aj_w_init(w);
    aj_w_obj_begin(w);
    for (int i = 0; i < 200; i++) {
        char key[16];

        snprintf(key, sizeof key, "key%d", i);
        aj_w_key(w, key);
        aj_w_arr_begin(w);
        aj_w_str(w, "some text \"quoted\"\n");
        aj_w_double(w, i / 7.0);
        aj_w_arr_end(w);
    }
    aj_w_obj_end(w);
}

START_TEST(test_writer_oom)
{
    /* volatile: GCC would otherwise warn about the write it cannot see
     * is never reached. */
    volatile size_t huge = SIZE_MAX - 1;
    struct aj_w w;
    size_t full;
    int reallocs = 0;

    build_doc(&w);
    ck_assert(aj_w_ok(&w));
    full = w.len;
    aj_w_free(&w);
    for (long fail = 0;; fail++) {
        realloc_countdown = fail;
        build_doc(&w);
        if (realloc_countdown >= 0) {
            /* Every realloc succeeded: the document is whole. */
            realloc_countdown = -1;
            ck_assert(aj_w_ok(&w));
            ck_assert_uint_eq(w.len, full);
            aj_w_free(&w);
            break;
        }
        realloc_countdown = -1;
        reallocs++;
        ck_assert(w.oom);
        ck_assert(!aj_w_ok(&w));
        /* What was written before the failure is kept, and freed. */
        ck_assert_uint_lt(w.len, full);
        aj_w_str(&w, "no-op");
        aj_w_free(&w);
    }
    ck_assert_int_ge(reallocs, 3);

    /* A length that cannot be added is refused before any allocation. */
    aj_w_init(&w);
    aj_w_int(&w, 1);
    aj__w_put(&w, "", huge);
    ck_assert(w.oom);
    aj_w_free(&w);
}
END_TEST

/* ---- round trips ---- */

/* Writes the subtree of token 'i' of 'src' to 'w'.  Returns the index after
 * it, or -1 if a string holds \u0000 (the writer takes C strings). */
static int
rewrite(const char *src, const struct aj_tok *tk, int i, struct aj_w *w)
{
    const struct aj_tok *t = &tk[i];
    size_t len = t->end - t->start;
    char *buf;
    int k;

    switch (t->type) {
    case AJ_OBJECT:
    case AJ_ARRAY:
        if (t->type == AJ_OBJECT) {
            aj_w_obj_begin(w);
        } else {
            aj_w_arr_begin(w);
        }
        k = i + 1;
        for (uint32_t m = 0; m < t->size && k >= 0; m++) {
            if (t->type == AJ_OBJECT) {
                buf = malloc(tk[k].end - tk[k].start + 1);
                EXPECT(buf != NULL);
                if (!aj_string(src, &tk[k], buf,
                               tk[k].end - tk[k].start + 1)) {
                    free(buf);
                    return -1;
                }
                aj_w_key(w, buf);
                free(buf);
                k++;
            }
            k = rewrite(src, tk, k, w);
        }
        if (t->type == AJ_OBJECT) {
            aj_w_obj_end(w);
        } else {
            aj_w_arr_end(w);
        }
        return k < 0 ? -1 : (int) t->next;
    case AJ_STRING:
        buf = malloc(len + 1);
        EXPECT(buf != NULL);
        if (!aj_string(src, t, buf, len + 1)) {
            free(buf);
            return -1;
        }
        aj_w_str(w, buf);
        free(buf);
        break;
    case AJ_NUMBER:
        buf = malloc(len + 1);
        EXPECT(buf != NULL);
        memcpy(buf, src + t->start, len);
        buf[len] = '\0';
        aj_w_raw(w, buf);
        free(buf);
        break;
    case AJ_TRUE:
    case AJ_FALSE:
        aj_w_bool(w, t->type == AJ_TRUE);
        break;
    case AJ_NULL:
        aj_w_null(w);
        break;
    default:
        ck_abort_msg("type %d", (int) t->type);
    }
    return i + 1;
}

/* Fails unless tokens 'a' of 'at' and 'b' of 'bt' (both 'n') have the same
 * shape and values. */
static void
same_tokens(const char *at, const struct aj_tok *a, const char *bt,
            const struct aj_tok *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t la = a[i].end - a[i].start, lb = b[i].end - b[i].start;

        EXPECT(a[i].type == b[i].type);
        EXPECT(a[i].size == b[i].size);
        EXPECT(a[i].next == b[i].next);
        if (a[i].type == AJ_STRING) {
            char *sa = malloc(la + 1), *sb = malloc(lb + 1);

            EXPECT(aj_string(at, &a[i], sa, la + 1));
            EXPECT(aj_string(bt, &b[i], sb, lb + 1));
            ck_assert_str_eq(sa, sb);
            EXPECT(aj_eq(bt, &b[i], sa));
            free(sa);
            free(sb);
        } else if (a[i].type == AJ_NUMBER) {
            EXPECT(la == lb);
            EXPECT(memcmp(at + a[i].start, bt + b[i].start, la) == 0);
        }
    }
}

/* Parses 'len' bytes of 's' (which must parse into at most 'max' tokens),
 * rewrites it, parses that, compares the two, and checks that a second
 * rewrite is byte-identical.  Returns false if a string holds \u0000. */
static bool
round_trip(const char *s, size_t len, struct aj_tok *a, struct aj_tok *b,
           size_t max)
{
    struct aj_w w1, w2;
    size_t na, nb;
    char e[160];
    int rc;

    rc = aj_parse(s, len, a, max, &na, e, sizeof e);
    ck_assert_msg(rc == 0, "%s", e);
    aj_w_init(&w1);
    if (rewrite(s, a, 0, &w1) < 0) {
        aj_w_free(&w1);
        return false;
    }
    EXPECT(aj_w_ok(&w1));
    rc = aj_parse(w1.buf, w1.len, b, max, &nb, e, sizeof e);
    ck_assert_msg(rc == 0, "%s: %s", w1.buf, e);
    EXPECT(na == nb);
    same_tokens(s, a, w1.buf, b, na);
    EXPECT(check_subtree(w1.buf, w1.len, b, nb, 0, 0) == nb);
    aj_w_init(&w2);
    EXPECT(rewrite(w1.buf, b, 0, &w2) == (int) nb);
    EXPECT(aj_w_ok(&w2));
    ck_assert_str_eq(w1.buf, w2.buf);
    aj_w_free(&w1);
    aj_w_free(&w2);
    return true;
}

START_TEST(test_round_trips)
{
    static struct aj_tok b[MAXTOK];
    int done = 0;

    for (size_t i = 0; i < sizeof y_cases / sizeof *y_cases; i++) {
        const char *j = y_cases[i].json;
        size_t len = y_cases[i].len ? y_cases[i].len : strlen(j);

        ck_assert_int_eq(parse_n(j, len, MAXTOK), 0);
        done += round_trip(text, len, toks, b, MAXTOK);
    }
    /* All but the two with \u0000. */
    ck_assert_int_eq(done, (int) (sizeof y_cases / sizeof *y_cases) - 2);
}
END_TEST

/* ---- against jansson ---- */

/* Unescapes string token 't' of 'src' into 'buf' (at least the span's
 * length + 1 bytes), NULs included; returns the length. */
static size_t
unescape_n(const char *src, const struct aj_tok *t, char *buf)
{
    size_t pos = t->start, o = 0;

    while (pos < t->end) {
        unsigned char out[4];
        size_t k;

        EXPECT(aj__str_next((const unsigned char *) src, t, &pos, out,
                               &k));
        memcpy(buf + o, out, k);
        o += k;
    }
    return o;
}

/* Fails unless the subtree of token 'i' of 'src' is the jansson value 'j'.
 * Returns the index after it. */
static size_t
same_as_jansson(const char *src, const struct aj_tok *tk, size_t i,
                const json_t *j)
{
    const struct aj_tok *t = &tk[i];
    size_t len = t->end - t->start, k, sl;
    char *buf;

    switch (t->type) {
    case AJ_OBJECT:
        EXPECT(json_is_object(j));
        EXPECT(json_object_size(j) <= t->size);
        k = i + 1;
        for (uint32_t m = 0; m < t->size; m++) {
            const json_t *v;

            buf = malloc(tk[k].end - tk[k].start + 1);
            EXPECT(buf != NULL);
            sl = unescape_n(src, &tk[k], buf);
            v = json_object_getn(j, buf, sl);
            free(buf);
            EXPECT(v != NULL);
            /* With duplicate keys jansson keeps the last value. */
            if (json_object_size(j) == t->size) {
                k = same_as_jansson(src, tk, k + 1, v);
            } else {
                k = tk[k + 1].next;
            }
        }
        return t->next;
    case AJ_ARRAY:
        EXPECT(json_is_array(j));
        EXPECT(json_array_size(j) == t->size);
        k = i + 1;
        for (uint32_t m = 0; m < t->size; m++) {
            k = same_as_jansson(src, tk, k, json_array_get(j, m));
        }
        return t->next;
    case AJ_STRING:
        EXPECT(json_is_string(j));
        buf = malloc(len + 1);
        EXPECT(buf != NULL);
        sl = unescape_n(src, t, buf);
        EXPECT(sl == json_string_length(j));
        EXPECT(!memcmp(buf, json_string_value(j), sl));
        free(buf);
        break;
    case AJ_NUMBER:
        if (json_is_integer(j)) {
            int64_t v;

            EXPECT(aj_int64(src, t, &v));
            EXPECT(v == (int64_t) json_integer_value(j));
        } else {
            EXPECT(json_is_real(j));
            buf = malloc(len + 1);
            EXPECT(buf != NULL);
            memcpy(buf, src + t->start, len);
            buf[len] = '\0';
            EXPECT(strtod(buf, NULL) == json_real_value(j));
            free(buf);
        }
        break;
    case AJ_TRUE:
        EXPECT(json_is_true(j));
        break;
    case AJ_FALSE:
        EXPECT(json_is_false(j));
        break;
    case AJ_NULL:
        EXPECT(json_is_null(j));
        break;
    default:
        ck_abort_msg("type %d", (int) t->type);
    }
    return i + 1;
}

/* Parses 'len' bytes of 's' with both parsers and compares.  Returns 1 if
 * both accept, 0 if both refuse, -1 where jansson's limits differ from
 * ours (its number range, its depth). */
static int
compare_with_jansson(const char *s, size_t len, struct aj_tok *tk,
                     size_t max)
{
    json_error_t jerr;
    json_t *j;
    size_t n;
    char e[160];
    int rc;

    rc = aj_parse(s, len, tk, max, &n, e, sizeof e);
    ck_assert_msg(rc != E2BIG, "too many tokens");
    j = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!j) {
        if (!rc) {
            ck_assert_msg(strstr(jerr.text, "too big")
                          || strstr(jerr.text, "overflow"),
                          "we accept what jansson refuses (%s): %.*s",
                          jerr.text, (int) len, s);
            return -1;
        }
        return 0;
    }
    if (rc) {
        json_decref(j);
        ck_assert_msg(strstr(e, "nesting deeper"),
                      "we refuse what jansson accepts (%s): %.*s", e,
                      (int) len, s);
        return -1;
    }
    EXPECT(same_as_jansson(s, tk, 0, j) == n);
    json_decref(j);
    return 1;
}

/* Documents to mutate. */
static const char *const seeds[] = {
    "{\"dpid\": 1, \"priority\": 100, \"match\": {\"in_port\": 1, "
    "\"dl_dst\": \"00:00:00:00:00:01\"}, \"actions\": [{\"type\": "
    "\"OUTPUT\", \"port\": 2}]}",
    "[1, -2.5e-3, 0, \"a\\u00e9\\ud83d\\ude00\", true, false, null, {}]",
    "{\"rules\": [{\"eth_type\": 2048, \"ipv4_dst\": \"10.0.0.0/8\", "
    "\"action\": \"deny\"}], \"default\": \"allow\"}",
    "\"\xe2\x82\xac\\n\\t\\\"\\\\\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "{\"a\":{\"b\":{\"c\":[0.5e10, 1E-7, -0, 123456789012345678]}}}",
};

START_TEST(test_differential_jansson)
{
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    static const char alphabet[] = "{}[]\",:\\/0123456789-+.eEtrufalsn \t\n"
                                   "\r\x01\x7f\x80\xbf\xc3\xe2\xf0\xed\xff"
                                   "u";
    int accepted = 0, refused = 0;

    for (int iter = 0; iter < 60000; iter++) {
        const char *seed = seeds[(unsigned) iter % (sizeof seeds
                                                    / sizeof *seeds)];
        size_t len = strlen(seed), edits;
        char buf[512];
        int r;

        memcpy(buf, seed, len);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        edits = 1 + x % 3;
        for (size_t m = 0; m < edits && len; m++) {
            size_t at;
            char c;

            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            at = (x >> 8) % len;
            c = (x >> 40) % 4 ? alphabet[(x >> 20) % (sizeof alphabet - 1)]
                              : (char) (x >> 48);
            switch (x % 3) {
            case 0:
                buf[at] = c;
                break;
            case 1:
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
                break;
            default:
                if (len < sizeof buf) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = c;
                    len++;
                }
                break;
            }
        }
        free(text);
        text = malloc(len ? len : 1);
        EXPECT(text != NULL);
        memcpy(text, buf, len);
        r = compare_with_jansson(text, len, toks, MAXTOK);
        accepted += r == 1;
        refused += r == 0;
    }
    /* Both outcomes are well represented. */
    ck_assert_int_gt(accepted, 5000);
    ck_assert_int_gt(refused, 5000);
}
END_TEST

/* ---- the shared corpus ---- */

struct corpus_run {
    int files;
    int strings_with_nul;
    int beyond_jansson;
};

/* Parses one corpus file with as few tokens as it takes (doubling 'max'
 * on E2BIG), compares it with jansson and round-trips it. */
static void
corpus_file(const char *path, const char *name, void *aux_)
{
    struct corpus_run *run = aux_;
    struct aj_tok *a = NULL, *b;
    size_t len, max = 16, n = 0;
    uint8_t *data = test_read_file(path, &len);
    char e[160];
    int rc;

    ck_assert_msg(data != NULL, "cannot read %s", path);
    for (;;) {
        free(a);
        a = malloc(max * sizeof *a);
        EXPECT(a != NULL);
        rc = aj_parse((const char *) data, len, a, max, &n, e, sizeof e);
        if (rc != E2BIG) {
            break;
        }
        max *= 2;
    }
    ck_assert_msg(rc == 0, "%s: %s", name, e);
    EXPECT(check_subtree((const char *) data, len, a, n, 0, 0) == n);
    /* -1: an integer beyond jansson's int64 (Ryu's masks are uint64). */
    rc = compare_with_jansson((const char *) data, len, a, n);
    ck_assert_msg(rc != 0, "%s", name);
    run->beyond_jansson += rc < 0;
    b = malloc(n * sizeof *b);
    EXPECT(b != NULL);
    if (!round_trip((const char *) data, len, a, b, n)) {
        run->strings_with_nul++;
    }
    run->files++;
    free(a);
    free(b);
    free(data);
}

START_TEST(test_corpus_json_parses)
{
    static const char *const dirs[] = {
        "ryu-of13/json", "ryu-ofctl-of13/ofctl_json", "ryu-ofctl-of13",
    };
    const char *corpus = test_corpus_dir();
    struct corpus_run run = {0, 0, 0};

    if (!corpus) {
        printf("# SKIP corpus absent: its JSON files not parsed\n");
        return;
    }
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char dir[4096];

        snprintf(dir, sizeof dir, "%s/%s", corpus, dirs[i]);
        test_for_each_file(dir, ".json", corpus_file, &run);
    }
    printf("# %d corpus JSON files parsed, compared with jansson (%d with "
           "integers beyond its range) and round-tripped\n", run.files,
           run.beyond_jansson);
    ck_assert_int_gt(run.files, 100);
    ck_assert_int_eq(run.strings_with_nul, 0);
}
END_TEST

static Suite *
app_json_suite(void)
{
    Suite *s = suite_create("app-json");
    TCase *tc = tcase_create("app-json");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_y_cases_parse);
    tcase_add_test(tc, test_n_cases_refused);
    tcase_add_test(tc, test_truncations_refused);
    tcase_add_test(tc, test_error_messages);
    tcase_add_test(tc, test_token_layout);
    tcase_add_test(tc, test_member_and_element);
    tcase_add_test(tc, test_string_unescape);
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_nesting_limit);
    tcase_add_test(tc, test_token_exhaustion);
    tcase_add_test(tc, test_writer_structure);
    tcase_add_test(tc, test_writer_misuse);
    tcase_add_test(tc, test_writer_escaping);
    tcase_add_test(tc, test_writer_numbers);
    tcase_add_test(tc, test_writer_oom);
    tcase_add_test(tc, test_round_trips);
    tcase_add_test(tc, test_differential_jansson);
    tcase_add_test(tc, test_corpus_json_parses);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(app_json_suite());
}
