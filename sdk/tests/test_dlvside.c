/* Side-tx votes: the +2/3 quorum in Go integer arithmetic, tallies at the boundaries, the
 * bridge's signature filter and ordering (with the §7.5 signature), replay sequences and the
 * error paths. */
#include <bts/dlvside.h>

#include <stdlib.h>
#include <string.h>

#include <bts/dlvckpt.h>
#include <bts/secp.h>
#include <bts/test.h>

static void test_dlvside_quorum(void)
{
    static const int64_t total[] = {0, 1, 2, 3, 4, 5, 6, 7, 100, 30000};
    static const int64_t want[] = {1, 1, 2, 3, 3, 4, 5, 5, 67, 20001};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(total); i++) {
        int64_t q = -1;
        CU_ASSERT_EQUAL(bts_dlvside_quorum(&q, total[i]), BT_OK);
        CU_ASSERT_EQUAL(q, want[i]);
    }
    int64_t q = 7;
    CU_ASSERT_EQUAL(bts_dlvside_quorum(&q, INT64_MAX / 2), BT_OK);
    CU_ASSERT_EQUAL(q, (INT64_MAX / 2) * 2 / 3 + 1);
    q = 7;
    CU_ASSERT_EQUAL(bts_dlvside_quorum(&q, INT64_MAX / 2 + 1), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_dlvside_quorum(&q, -1), BT_EINVAL);
    CU_ASSERT_EQUAL(q, 7);
}

static void test_dlvside_tally(void)
{
    enum bts_dlvside_result r = BTS_DLVSIDE_SKIP;
    /* 7 validators of power 1: quorum 5. */
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 5, 0, 7), BT_OK);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_YES);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 4, 3, 7), BT_OK);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_SKIP);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 2, 5, 7), BT_OK);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_NO);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 0, 0, 7), BT_OK);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_SKIP);
    /* Exactly 2/3 is not enough: 6 validators, 4 yes -> quorum 5. */
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 4, 0, 6), BT_OK);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_SKIP);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 1, 0, 1), BT_OK);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_YES);
    r = BTS_DLVSIDE_NO;
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, -1, 0, 7), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 0, -1, 7), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 0, 0, -1), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 4, 4, 7), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 8, 0, 7), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvside_tally(&r, 0, 0, INT64_MAX), BT_ERANGE);
    CU_ASSERT_EQUAL(r, BTS_DLVSIDE_NO);
}

/* Three keys sign the same digest; the votes arrive in an order unrelated to their addresses,
 * mixed with votes to drop (No, other tx, short signature, forged validator). */
static void test_dlvside_collect_sigs(void)
{
    uint8_t digest[32], tx[32], other[32];
    uint8_t data[BTS_DLVCKPT_SIGN_LEN] = {0};
    bts_dlvckpt_sign_digest(digest, data, sizeof data);
    memset(tx, 0xab, 32);
    memset(other, 0xcd, 32);
    uint8_t keys[3][32], addrs[3][20], sigs[3][65];
    for (int i = 0; i < 3; i++) {
        memset(keys[i], 0, 32);
        keys[i][31] = (uint8_t)(i + 1);
        CU_ASSERT_EQUAL_FATAL(bts_secp_seckey_to_address(addrs[i], keys[i]), BT_OK);
        CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sigs[i], keys[i], digest), BT_OK);
    }
    struct bts_dlvside_vote votes[7];
    memset(votes, 0, sizeof votes);
    for (int i = 0; i < 3; i++) {
        memcpy(votes[i].validator, addrs[2 - i], 20);
        memcpy(votes[i].tx_hash, tx, 32);
        votes[i].result = BTS_DLVSIDE_YES;
        votes[i].sig = sigs[2 - i];
        votes[i].sig_len = 65;
    }
    votes[3] = votes[0];
    votes[3].result = BTS_DLVSIDE_NO;
    votes[4] = votes[1];
    memcpy(votes[4].tx_hash, other, 32);
    votes[5] = votes[2];
    votes[5].sig_len = 64;
    votes[6] = votes[0];
    memcpy(votes[6].validator, addrs[1], 20); /* signature by another key */

    uint8_t out[96 * 8];
    size_t m = 0;
    CU_ASSERT_EQUAL_FATAL(bts_dlvside_collect_sigs(out, sizeof out, &m, votes, 7, tx, digest),
                          BT_OK);
    CU_ASSERT_EQUAL_FATAL(m, 3);
    uint8_t prev[20] = {0};
    for (size_t i = 0; i < m; i++) {
        const uint8_t *w = out + 96 * i;
        uint8_t sig[65], addr[20];
        memcpy(sig, w, 64);
        sig[64] = w[95];
        CU_ASSERT(w[95] == 27 || w[95] == 28);
        for (int b = 64; b < 95; b++)
            CU_ASSERT_EQUAL(w[b], 0);
        CU_ASSERT_EQUAL_FATAL(bts_secp_recover(addr, digest, sig, 0), BT_OK);
        CU_ASSERT(memcmp(prev, addr, 20) < 0);
        memcpy(prev, addr, 20);
    }
    /* Too small: needed count reported. */
    CU_ASSERT_EQUAL(bts_dlvside_collect_sigs(out, 96 * 2, &m, votes, 7, tx, digest), BT_ERANGE);
    CU_ASSERT_EQUAL(m, 3);
    CU_ASSERT_EQUAL(bts_dlvside_collect_sigs(NULL, 0, &m, NULL, 0, tx, digest), BT_OK);
    CU_ASSERT_EQUAL(m, 0);
}

/* §7.5's signature ([r, s, 27]) comes out as the contract triple. */
static void test_dlvside_vector_triple(void)
{
    uint8_t *digest =
        bts_test_unhex("ffd6c44d9dc48bb8d460051224a0c4a3b9eac84708d24eb4de984dc410a84d8f", NULL);
    uint8_t *key =
        bts_test_unhex("8feff7dc90be293fd74c168f00f0029e8b82a9f926fee687d0df240b66b0b238", NULL);
    uint8_t *addr = bts_test_unhex("0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d", NULL);
    uint8_t sig[65], tx[32] = {1}, out[96];
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, key, digest), BT_OK);
    struct bts_dlvside_vote v = {.result = BTS_DLVSIDE_YES, .sig = sig, .sig_len = 65};
    memcpy(v.validator, addr, 20);
    memcpy(v.tx_hash, tx, 32);
    size_t m = 0;
    CU_ASSERT_EQUAL(bts_dlvside_collect_sigs(out, sizeof out, &m, &v, 1, tx, digest), BT_OK);
    CU_ASSERT_EQUAL(m, 1);
    BTS_ASSERT_HEX(out, 96,
                   "89ed2b4cd5e6824277d8f93ff0e6fb8cbf50e9024471a9fc068857126df04174"
                   "1e155b77805edb27ef532219e8f9db61bf97e0552f4c8aa77fbef57d06253bb3"
                   "000000000000000000000000000000000000000000000000000000000000001b");
    free(digest);
    free(key);
    free(addr);
}

static void test_dlvside_sequences(void)
{
    uint64_t s = 0;
    CU_ASSERT_EQUAL(bts_dlvside_sequence(&s, 12345678, 42), BT_OK);
    CU_ASSERT_EQUAL(s, UINT64_C(1234567800042));
    CU_ASSERT_EQUAL(bts_dlvside_clerk_sequence(&s, 12345678, 42, 2), BT_OK);
    CU_ASSERT_EQUAL(s, UINT64_C(123456780004202));
    CU_ASSERT_EQUAL(bts_dlvside_sequence(&s, 0, 0), BT_OK);
    CU_ASSERT_EQUAL(s, 0);
    uint64_t maxb = UINT64_MAX / 100000;
    CU_ASSERT_EQUAL(bts_dlvside_sequence(&s, maxb, UINT64_MAX % 100000), BT_OK);
    CU_ASSERT_EQUAL(s, UINT64_MAX);
    s = 9;
    CU_ASSERT_EQUAL(bts_dlvside_sequence(&s, maxb, UINT64_MAX % 100000 + 1), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_dlvside_sequence(&s, maxb + 1, 0), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_dlvside_clerk_sequence(&s, maxb, 0, 1), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_dlvside_clerk_sequence(&s, UINT64_MAX / 10000000 + 1, 0, 1), BT_ERANGE);
    CU_ASSERT_EQUAL(s, 9);
}

BTS_TEST_SUITE("dlvside", NULL, NULL, {"quorum +2/3", test_dlvside_quorum},
               {"tally", test_dlvside_tally}, {"collect sigs", test_dlvside_collect_sigs},
               {"§7.5 contract triple", test_dlvside_vector_triple},
               {"replay sequences §4.2", test_dlvside_sequences});
