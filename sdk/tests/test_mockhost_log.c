/* The BTS_* log macros (bts/log.h) against the mock host's recording logger: level checks
 * happen before formatting, and the table comes from bts_plugin_init(). */
#include <bts/log.h>
#include <bts/mockhost.h>
#include <bts/test.h>

static int formatted;

static const char *count_format(void)
{
    formatted++;
    return "x";
}

static void test_mockhost_log_macros_check_level_first(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    struct bt_host_ctx *hctx = bts_mockhost_ctx(m);
    bts_mockhost_use_log(m, BT_LOG_INFO);
    bts_plugin_init(bts_mockhost_host(m));
    CU_ASSERT_PTR_EQUAL(bts_host(), bts_mockhost_host(m));
    formatted = 0;
    BTS_WARN(hctx, "rpc retry", "endpoint=%s attempt=%u", "http://a", 2u);
    BTS_INFO(hctx, "started", NULL);
    BTS_DEBUG(hctx, "poll", "v=%s", count_format());
    BTS_TRACE(hctx, "poll", "v=%s", count_format());
    BTS_ERROR(hctx, "failed", "err=%s", bts_status_str(BT_EIO));
    CU_ASSERT_EQUAL(formatted, 0); /* disabled levels never evaluate their arguments */
    CU_ASSERT_EQUAL(bts_mockhost_log_count(m), 3);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_log_line(m, 0),
                           "level=warn msg=\"rpc retry\" endpoint=http://a attempt=2");
    CU_ASSERT_STRING_EQUAL(bts_mockhost_log_line(m, 1), "level=info msg=\"started\"");
    CU_ASSERT_STRING_EQUAL(bts_mockhost_log_line(m, 2), "level=error msg=\"failed\" err=i/o error");
    CU_ASSERT(BTS_LOG_ON(hctx, BT_LOG_INFO));
    CU_ASSERT(!BTS_LOG_ON(hctx, BT_LOG_DEBUG));
    bts_plugin_init(NULL);
    bts_mockhost_free(m);
}

static void test_mockhost_log_before_init_goes_to_stderr(void)
{
    struct bts_mockhost *m = bts_mockhost_new(); /* log still a trap: it must not be called */
    bts_plugin_init(NULL);
    BTS_INFO(bts_mockhost_ctx(m), "early", NULL);
    CU_ASSERT(!BTS_LOG_ON(bts_mockhost_ctx(m), BT_LOG_ERROR));
    CU_ASSERT_EQUAL(bts_mockhost_calls(m, BTS_MOCK_LOG), 0);
    CU_ASSERT_EQUAL(bts_mockhost_failures(m), 0);
    bts_mockhost_free(m);
}

BTS_TEST_SUITE("mockhost_log", NULL, NULL, BTS_TEST(test_mockhost_log_macros_check_level_first),
               BTS_TEST(test_mockhost_log_before_init_goes_to_stderr));
