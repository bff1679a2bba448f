/* The plugin's bridge glue (dlvbridge.h): its config keys and the duration syntax of the poll
 * intervals (bridge_poll_tron = 3s, checkpoint_poll_interval = 30m, ...). */
#include <string.h>

#include <bts/test.h>

#include "dlvbridge.h"

static void test_dlvbridge_glue_durations(void)
{
    uint64_t ms = 0;
    CU_ASSERT(bttc_dlvb_duration("3s", &ms) == BT_OK && ms == 3000);
    CU_ASSERT(bttc_dlvb_duration("1m", &ms) == BT_OK && ms == 60000);
    CU_ASSERT(bttc_dlvb_duration("30m", &ms) == BT_OK && ms == 1800000);
    CU_ASSERT(bttc_dlvb_duration("2h", &ms) == BT_OK && ms == 7200000);
    CU_ASSERT(bttc_dlvb_duration("500ms", &ms) == BT_OK && ms == 500);
    CU_ASSERT(bttc_dlvb_duration("10", &ms) == BT_OK && ms == 10000); /* bare: seconds */
    const char *bad[] = {"",
                         "s",
                         "0s",
                         "0",
                         "3x",
                         "3 s",
                         "-1s",
                         "1.5s",
                         "3sec",
                         "99999999999999999999s",
                         "18446744073709551615h"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ms = 7;
        CU_ASSERT(bttc_dlvb_duration(bad[i], &ms) == BT_EINVAL);
        CU_ASSERT(ms == 7); /* untouched on error */
    }
}

static void test_dlvbridge_glue_conf_keys(void)
{
    const char *keys[] = {"bridge",
                          "bridge_poll_tron",
                          "bridge_poll_eth",
                          "bridge_poll_bsc",
                          "checkpoint_poll_interval",
                          "span_poll_interval",
                          "bridge_noack_wait",
                          "bridge_tron_confirmations",
                          "bridge_start_block_tron",
                          "bridge_start_block_eth",
                          "bridge_start_block_bsc",
                          "staking_poll_interval"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        CU_ASSERT(bttc_dlvb_conf_key(keys[i]));
    CU_ASSERT(!bttc_dlvb_conf_key("bridge_poll"));
    CU_ASSERT(!bttc_dlvb_conf_key("delivery"));
    CU_ASSERT(!bttc_dlvb_conf_key("bridge_start_block"));
    CU_ASSERT(!bttc_dlvb_conf_key(""));
}

/* The oracle proxy answers "not accepted" until the bridge found its adapters. */
static void no_done(void *arg, const struct dlv_oracle_answer *a)
{
    (void)a;
    (*(int *)arg)++;
}

static void test_dlvbridge_glue_oracle_before_start(void)
{
    struct bttc_dlvb x;
    memset(&x, 0, sizeof x);
    struct dlv_oracle_query q = {.kind = DLV_Q_BTTC_HEAD};
    int called = 0;
    CU_ASSERT(bttc_dlvb_oracle_iface.query(&x, &q, no_done, &called) == BT_EBUSY);
    bttc_dlvb_oracle_iface.cancel_all(&x); /* nothing to cancel: no crash */
    CU_ASSERT(called == 0);
}

BTS_TEST_SUITE("dlvbridge_glue", NULL, NULL, BTS_TEST(test_dlvbridge_glue_durations),
               BTS_TEST(test_dlvbridge_glue_conf_keys),
               BTS_TEST(test_dlvbridge_glue_oracle_before_start));
