/* Checkpoint rules: the §7.5 sign bytes, digest, signature and account-root vectors, the
 * §4.6.1 range choice on hand-computed cases, account-tree shapes and the error paths. */
#include <bts/dlvckpt.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/test.h>

static const char *const PROPOSER = "dcc05b56f58af80dba0f6751c223f231dcab3e1a";
static const char *const ROOT_0_255 =
    "155f6ab0fa491d21bba5646453326f4a404e72aceca9c60b3b87021d52a2cec0";
static const char *const ACCT_ROOT_GENESIS =
    "27fd52451d2605605fae2a2501dcc5fe148006a591d37e801e914f286da469b1";

static void unhex_into(uint8_t *out, size_t want, const char *hex)
{
    size_t len = 0;
    uint8_t *b = bts_test_unhex(hex, &len);
    CU_ASSERT_EQUAL_FATAL(len, want);
    memcpy(out, b, want);
    free(b);
}

/* §7.5: the 224 sign bytes, keccak(0x01 ‖ data) and the RFC 6979 signature of the vector key. */
static void test_dlvckpt_sign_vector(void)
{
    uint8_t prop[20], root[32], acct[32], data[BTS_DLVCKPT_SIGN_LEN], dig[32];
    unhex_into(prop, 20, PROPOSER);
    unhex_into(root, 32, ROOT_0_255);
    unhex_into(acct, 32, ACCT_ROOT_GENESIS);
    bts_dlvckpt_sign_data(data, prop, 0, 255, root, acct, 199, 1);
    BTS_ASSERT_HEX(data, 32, "000000000000000000000000dcc05b56f58af80dba0f6751c223f231dcab3e1a");
    BTS_ASSERT_HEX(data + 32, 32,
                   "0000000000000000000000000000000000000000000000000000000000000000");
    BTS_ASSERT_HEX(data + 64, 32,
                   "00000000000000000000000000000000000000000000000000000000000000ff");
    BTS_ASSERT_HEX(data + 96, 32, ROOT_0_255);
    BTS_ASSERT_HEX(data + 128, 32, ACCT_ROOT_GENESIS);
    BTS_ASSERT_HEX(data + 160, 32,
                   "00000000000000000000000000000000000000000000000000000000000000c7");
    BTS_ASSERT_HEX(data + 192, 32,
                   "0000000000000000000000000000000000000000000000000000000000000001");
    bts_dlvckpt_sign_digest(dig, data, sizeof data);
    BTS_ASSERT_HEX(dig, 32, "ffd6c44d9dc48bb8d460051224a0c4a3b9eac84708d24eb4de984dc410a84d8f");

    uint8_t key[32], sig[65], addr[20];
    unhex_into(key, 32, "8feff7dc90be293fd74c168f00f0029e8b82a9f926fee687d0df240b66b0b238");
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, key, dig), BT_OK);
    BTS_ASSERT_HEX(sig, 32, "89ed2b4cd5e6824277d8f93ff0e6fb8cbf50e9024471a9fc068857126df04174");
    BTS_ASSERT_HEX(sig + 32, 32,
                   "1e155b77805edb27ef532219e8f9db61bf97e0552f4c8aa77fbef57d06253bb3");
    CU_ASSERT_EQUAL(sig[64], 0);
    CU_ASSERT_EQUAL_FATAL(bts_secp_recover(addr, dig, sig, 0), BT_OK);
    BTS_ASSERT_HEX(addr, 20, "0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d");
}

/* §7.5: checkpoint-sync data digest (n = 1, root id 2 = eth). */
static void test_dlvckpt_sync_vector(void)
{
    uint8_t prop[20], data[BTS_DLVCKPT_SYNC_SIGN_LEN], dig[32];
    unhex_into(prop, 20, PROPOSER);
    bts_dlvckpt_sync_sign_data(data, prop, 0, 255, 1, 2);
    BTS_ASSERT_HEX(data + 96, 32,
                   "0000000000000000000000000000000000000000000000000000000000000001");
    BTS_ASSERT_HEX(data + 128, 32,
                   "0000000000000000000000000000000000000000000000000000000000000002");
    bts_dlvckpt_sign_digest(dig, data, sizeof data);
    BTS_ASSERT_HEX(dig, 32, "1d436cd11dbd1febd9f6424eeb9162defb896c48fadd0d644e2ad37bc81f84d2");
    uint8_t empty[32], want[32];
    bts_dlvckpt_sign_digest(empty, NULL, 0);
    bts_keccak256(want, "\x01", 1);
    CU_ASSERT_EQUAL(memcmp(empty, want, 32), 0);
}

static void leaf_of(uint8_t out[32], const struct bts_dlvckpt_account *a)
{
    uint8_t buf[64] = {0};
    memcpy(buf + 12, a->user, 20);
    memcpy(buf + 32, a->fee, 32);
    bts_keccak256(out, buf, 64);
}

static void pair(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    uint8_t buf[64];
    memcpy(buf, l, 32);
    memcpy(buf + 32, r, 32);
    bts_keccak256(out, buf, 64);
}

/* §7.5 single account, plus tree shapes 2, 3 and 5 built by hand from the rule. */
static void test_dlvckpt_account_root(void)
{
    struct bts_dlvckpt_account a[5];
    memset(a, 0, sizeof a);
    unhex_into(a[0].user, 20, PROPOSER);
    uint8_t root[32];
    CU_ASSERT_EQUAL_FATAL(bts_dlvckpt_account_root(root, a, 1), BT_OK);
    BTS_ASSERT_HEX(root, 32, "8a1734e1d30fc78cb86aaa545969f5d45e98ed92ec3051fd52e46a6803141d18");

    uint8_t l[5][32], x[32], y[32], z[32], want[32];
    for (int i = 0; i < 5; i++) {
        a[i].user[0] = (uint8_t)(0x10 + i);
        a[i].fee[31] = (uint8_t)i;
        leaf_of(l[i], &a[i]);
    }
    CU_ASSERT_EQUAL_FATAL(bts_dlvckpt_account_root(root, a, 2), BT_OK);
    pair(want, l[0], l[1]);
    CU_ASSERT_EQUAL(memcmp(root, want, 32), 0);
    /* 3 -> [l0 l1 l2 l2] -> 2 nodes -> root. */
    CU_ASSERT_EQUAL_FATAL(bts_dlvckpt_account_root(root, a, 3), BT_OK);
    pair(x, l[0], l[1]);
    pair(y, l[2], l[2]);
    pair(want, x, y);
    CU_ASSERT_EQUAL(memcmp(root, want, 32), 0);
    /* 5 -> 6 leaves -> 3 nodes (last pairs with itself) -> 2 -> root. */
    CU_ASSERT_EQUAL_FATAL(bts_dlvckpt_account_root(root, a, 5), BT_OK);
    pair(x, l[0], l[1]);
    pair(y, l[2], l[3]);
    pair(z, l[4], l[4]);
    uint8_t p[32], q[32];
    pair(p, x, y);
    pair(q, z, z);
    pair(want, p, q);
    CU_ASSERT_EQUAL(memcmp(root, want, 32), 0);

    memset(root, 0xee, 32);
    CU_ASSERT_EQUAL(bts_dlvckpt_account_root(root, a, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(root[0], 0xee);
}

static int range(uint64_t *s, uint64_t *e, uint64_t head, uint64_t last_end, uint64_t created,
                 uint64_t now, uint64_t act)
{
    struct bts_dlvckpt_last last = {last_end, created};
    return bts_dlvckpt_next_range(s, e, head, &last, now, act);
}

/* §4.6.1 by hand: fresh chain, full 256 multiples, the 1024 cap, short ranges (forced or not),
 * extra-chain activation, heads below the start. */
static void test_dlvckpt_next_range(void)
{
    uint64_t s, e;
    /* Fresh: head 265 -> confirmed 255, diff 256 -> [0, 255]. */
    CU_ASSERT_EQUAL(range(&s, &e, 265, 0, 0, 100, 0), 1);
    CU_ASSERT_EQUAL(s, 0);
    CU_ASSERT_EQUAL(e, 255);
    /* After [0,255]: head 1000 -> confirmed 990, start 256, diff 735 -> e 511 -> [256, 767]. */
    CU_ASSERT_EQUAL(range(&s, &e, 1000, 255, 50, 100, 0), 1);
    CU_ASSERT_EQUAL(s, 256);
    CU_ASSERT_EQUAL(e, 767);
    /* Far behind: capped at 1024 blocks. */
    CU_ASSERT_EQUAL(range(&s, &e, 100000, 255, 50, 100, 0), 1);
    CU_ASSERT_EQUAL(e, 256 + 1023);
    /* Short range, recent last checkpoint: nothing. */
    CU_ASSERT_EQUAL(range(&s, &e, 400, 255, 1000, 2000, 0), 0);
    /* Same, last checkpoint older than 2048 s: forced to the confirmed head [256, 390]. */
    CU_ASSERT_EQUAL(range(&s, &e, 400, 255, 1000, 3049, 0), 1);
    CU_ASSERT_EQUAL(s, 256);
    CU_ASSERT_EQUAL(e, 390);
    CU_ASSERT_EQUAL(range(&s, &e, 400, 255, 1000, 3048, 0), 0); /* exactly 2048: not yet */
    /* Forced but only one block confirmed: start == end, not submitted. */
    CU_ASSERT_EQUAL(range(&s, &e, 266, 255, 0, 1 << 20, 0), 0);
    /* Head below start (or below the confirmations): nothing, even when old. */
    CU_ASSERT_EQUAL(range(&s, &e, 5, 255, 0, 1 << 20, 0), 0);
    CU_ASSERT_EQUAL(range(&s, &e, 260, 255, 0, 1 << 20, 0), 0);
    /* Extra root chain from activation height 5000: fresh start 0 shifts both ends. */
    CU_ASSERT_EQUAL(range(&s, &e, 265, 0, 0, 100, 5000), 1);
    CU_ASSERT_EQUAL(s, 5000);
    CU_ASSERT_EQUAL(e, 5255);
    /* Creation time in the future: never forced. */
    CU_ASSERT_EQUAL(range(&s, &e, 400, 255, 10000, 20, 0), 0);
}

BTS_TEST_SUITE("dlvckpt", NULL, NULL,
               {"sign bytes/digest/signature §7.5", test_dlvckpt_sign_vector},
               {"checkpoint-sync digest §7.5", test_dlvckpt_sync_vector},
               {"account root §7.5 + shapes", test_dlvckpt_account_root},
               {"next range §4.6.1", test_dlvckpt_next_range});
