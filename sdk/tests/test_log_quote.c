/* bts_log_quote / BTS_LOG_Q: quoted logfmt values for plugin log fields (escapes, NULL, cut on
 * a whole escape, tiny buffers). */
#include <bts/log.h>
#include <bts/test.h>

#include <stdio.h>
#include <string.h>

static void test_log_quote_escapes(void)
{
    char q[64];
    CU_ASSERT_STRING_EQUAL(bts_log_quote(q, sizeof(q), "a\"b\\c\nd\te\rf\x1b\x7f"),
                           "\"a\\\"b\\\\c\\nd\\te\\rf\\x1b\\x7f\"");
    CU_ASSERT_STRING_EQUAL(bts_log_quote(q, sizeof(q), NULL), "\"\"");
    CU_ASSERT_STRING_EQUAL(bts_log_quote(q, sizeof(q), "plain = text"), "\"plain = text\"");
    char f[256];
    snprintf(f, sizeof(f), "what=%s err=%s", BTS_LOG_Q("/bor/span/1"), BTS_LOG_Q("said \"no\""));
    CU_ASSERT_STRING_EQUAL(f, "what=\"/bor/span/1\" err=\"said \\\"no\\\"\"");
}

static void test_log_quote_cut(void)
{
    char q[12]; /* a whole value of up to 9 bytes; cut ones keep 6 and "..." */
    CU_ASSERT_STRING_EQUAL(bts_log_quote(q, sizeof(q), "012345678"), "\"012345678\"");
    CU_ASSERT_STRING_EQUAL(bts_log_quote(q, sizeof(q), "0123456789"), "\"012345...\"");
    /* Never half an escape: \x1b needs four bytes and only two are left. */
    CU_ASSERT_STRING_EQUAL(bts_log_quote(q, sizeof(q), "0123\x1b+++++"), "\"0123...\"");
    char tiny[6];
    CU_ASSERT_STRING_EQUAL(bts_log_quote(tiny, sizeof(tiny), "abc"), "\"abc\"");
    CU_ASSERT_STRING_EQUAL(bts_log_quote(tiny, sizeof(tiny), "abcd"), "\"...\"");
    char none[5] = "xxxx";
    CU_ASSERT_STRING_EQUAL(bts_log_quote(none, sizeof(none), "abc"), "");
    char big[BTS_LOG_Q_MAX * 2];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    const char *r = BTS_LOG_Q(big);
    CU_ASSERT_EQUAL(strlen(r), BTS_LOG_Q_MAX - 1);
    CU_ASSERT_STRING_EQUAL(r + strlen(r) - 4, "...\"");
}

BTS_TEST_SUITE("log_quote", NULL, NULL, BTS_TEST(test_log_quote_escapes),
               BTS_TEST(test_log_quote_cut));
