/* Unit tests of controller/prom: the exact text of families, samples with
 * and without labels, escaping, float spellings and histograms. */
#include <config.h>
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include "controller/prom.h"
#include "test/test-util.h"

static struct evbuffer *out;
static struct sl_prom prom;

static void
setup(void)
{
    out = evbuffer_new();
    ck_assert_ptr_nonnull(out);
    sl_prom_init(&prom, out);
}

static void
teardown(void)
{
    evbuffer_free(out);
}

/* Checks that the text written so far is exactly 'want'. */
static void
assert_text(const char *want)
{
    size_t n = evbuffer_get_length(out);
    char *got = malloc(n + 1);

    ck_assert_ptr_nonnull(got);
    evbuffer_copyout(out, got, n);
    got[n] = '\0';
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_family_and_plain_sample)
{
    sl_prom_family(&prom, "sluice_switches", "gauge", "Switches connected.");
    sl_prom_u64(&prom, "sluice_switches", 3, NULL);
    assert_text("# HELP sluice_switches Switches connected.\n"
                "# TYPE sluice_switches gauge\n"
                "sluice_switches 3\n");
}
END_TEST

START_TEST(test_labels_in_order)
{
    sl_prom_u64(&prom, "m_total", UINT64_MAX, "dpid", "0x0000000000000001",
                "type", "PACKET_IN", NULL);
    assert_text("m_total{dpid=\"0x0000000000000001\",type=\"PACKET_IN\"} "
                "18446744073709551615\n");
}
END_TEST

START_TEST(test_sample_with_label_array)
{
    static const char *const labels[] = {"rule", "3", "name", "a\"b", NULL};

    sl_prom_sample(&prom, "a_total", 12, labels);
    sl_prom_sample(&prom, "a_total", 0.5, NULL);
    assert_text("a_total{rule=\"3\",name=\"a\\\"b\"} 12\n"
                "a_total 0.5\n");
    ck_assert(sl_prom_name_ok("a:b_c", true));
    ck_assert(!sl_prom_name_ok("a:b", false));
    ck_assert(!sl_prom_name_ok("9a", false));
    ck_assert(!sl_prom_name_ok("", false));
    ck_assert(!sl_prom_name_ok(NULL, true));
}
END_TEST

START_TEST(test_label_values_and_help_escaped)
{
    sl_prom_family(&prom, "m", "counter", "a \\ b\nc \"q\"");
    sl_prom_u64(&prom, "m", 1, "app", "x\\y\"z\nw", NULL);
    /* HELP escapes backslash and newline only; label values also the
     * double quote. */
    assert_text("# HELP m a \\\\ b\\nc \"q\"\n"
                "# TYPE m counter\n"
                "m{app=\"x\\\\y\\\"z\\nw\"} 1\n");
}
END_TEST

START_TEST(test_null_label_value_is_empty)
{
    sl_prom_u64(&prom, "m", 0, "app", (const char *) NULL, NULL);
    assert_text("m{app=\"\"} 0\n");
}
END_TEST

START_TEST(test_double_spellings)
{
    sl_prom_double(&prom, "a", 0.005, NULL);
    sl_prom_double(&prom, "b", 1.0 / 3.0, NULL);
    sl_prom_double(&prom, "c", INFINITY, NULL);
    sl_prom_double(&prom, "d", -INFINITY, NULL);
    sl_prom_double(&prom, "e", NAN, NULL);
    sl_prom_double(&prom, "f", 1e21, NULL);
    assert_text("a 0.005\n"
                "b 0.33333333333333331\n"
                "c +Inf\n"
                "d -Inf\n"
                "e NaN\n"
                "f 1e+21\n");
}
END_TEST

START_TEST(test_histogram_is_cumulative)
{
    static const double le[] = {0.001, 0.01, 0.1};
    static const uint64_t counts[] = {2, 0, 5};

    /* 2 + 0 + 5 = 7 within the bounds, 1 above them: count 8. */
    sl_prom_histogram(&prom, "rtt_seconds", le, counts, 3, 0.42, 8, "dpid",
                      "1", NULL);
    assert_text("rtt_seconds_bucket{dpid=\"1\",le=\"0.001\"} 2\n"
                "rtt_seconds_bucket{dpid=\"1\",le=\"0.01\"} 2\n"
                "rtt_seconds_bucket{dpid=\"1\",le=\"0.1\"} 7\n"
                "rtt_seconds_bucket{dpid=\"1\",le=\"+Inf\"} 8\n"
                "rtt_seconds_sum{dpid=\"1\"} 0.42\n"
                "rtt_seconds_count{dpid=\"1\"} 8\n");
}
END_TEST

START_TEST(test_histogram_without_labels_or_buckets)
{
    sl_prom_histogram(&prom, "h", NULL, NULL, 0, 0, 0, NULL);
    assert_text("h_bucket{le=\"+Inf\"} 0\n"
                "h_sum 0\n"
                "h_count 0\n");
}
END_TEST

static Suite *
prom_suite(void)
{
    Suite *s = suite_create("prom");
    TCase *tc = tcase_create("prom");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_family_and_plain_sample);
    tcase_add_test(tc, test_labels_in_order);
    tcase_add_test(tc, test_sample_with_label_array);
    tcase_add_test(tc, test_label_values_and_help_escaped);
    tcase_add_test(tc, test_null_label_value_is_empty);
    tcase_add_test(tc, test_double_spellings);
    tcase_add_test(tc, test_histogram_is_cumulative);
    tcase_add_test(tc, test_histogram_without_labels_or_buckets);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(prom_suite());
}
