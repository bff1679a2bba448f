/* consensus-bttc header rules (PROTOCOL.md §3.1-§3.5) on hand-built headers over a fake chain:
 * a valid chain with turns, backups and a sprint-end list, then one refusal per rule, each
 * with the rule named in the message. Sprint 4, period 2, producer delay 6, backup 2. */
#include "bttc_test.h"

static struct fixture F;
static int ORDER[FC_KEYS]; /* key index of the i-th lowest address */

static void setup(void)
{
    fixture_start(&F, 0);
    fixture_started(&F, 1);
    tk_sorted(3, ORDER);
}

/* Verify canonical block n (with seal) against its parent; message into err. */
static bt_status verify_n(size_t n, char *err, size_t cap)
{
    struct bttc_hdr kh, kp;
    struct bt_header h, p;
    abi_of(&h, &kh, F.c->rlp[n], F.c->len[n]);
    abi_of(&p, &kp, F.c->rlp[n - 1], F.c->len[n - 1]);
    bt_status st = bttc_vtbl.verify_header(F.b, &h, &p, BT_VERIFY_SEAL);
    snprintf(err, cap, "%s", st == BT_OK ? "" : bts_mockhost_error(F.m));
    bttc_hdr_free(&kh);
    bttc_hdr_free(&kp);
    return st;
}

/* Replace the newest block (refused) so the next test case starts from the same tip. */
static void drop_tip(void)
{
    F.c->n--;
    free(F.c->rlp[F.c->n]);
}

static void expect_refusal(bt_status want, const char *needle)
{
    char err[512];
    bt_status st = verify_n(F.c->n - 1, err, sizeof(err));
    CU_ASSERT_EQUAL(st, want);
    if (!strstr(err, needle))
        fprintf(stderr, "want \"%s\" in \"%s\"\n", needle, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
    drop_tip();
}

static void test_bttc_verify_valid_chain(void)
{
    setup();
    char err[512];
    /* blocks 1..3 in turn: the lowest address, difficulty 3 */
    for (int i = 0; i < 3; i++) {
        fc_add_block(&F, ORDER[0], i == 0 ? 2 : 2, 3);
        CU_ASSERT_EQUAL(verify_n(F.c->n - 1, err, sizeof(err)), BT_OK);
        if (err[0])
            fprintf(stderr, "block %zu: %s\n", F.c->n - 1, err);
    }
    /* block 3 ended the sprint with the list: the proposer moves to the next address; block 4
     * starts a sprint (producer delay 6) */
    fc_add_block(&F, ORDER[1], 6, 3);
    CU_ASSERT_EQUAL(verify_n(4, err, sizeof(err)), BT_OK);
    /* a backup (succession 1) seals block 5 with difficulty 2 after period + 2 */
    fc_add_block(&F, ORDER[2], 4, 2);
    CU_ASSERT_EQUAL(verify_n(5, err, sizeof(err)), BT_OK);
    /* succession 2 (wraps around to the lowest address): difficulty 1 after 2 + 4 */
    fc_add_block(&F, ORDER[0], 6, 1);
    CU_ASSERT_EQUAL(verify_n(6, err, sizeof(err)), BT_OK);
    struct bttc_snap *s;
    CU_ASSERT_EQUAL(bttc_snapshot(F.b, 6, F.c->hash[6], &s), BT_OK);
    CU_ASSERT_EQUAL(memcmp(s->vs.v[bts_valset_proposer(&s->vs)].address, tk_addr[ORDER[1]], 20), 0);
    struct bttc_hdr kh;
    struct bt_header h;
    uint8_t author[20];
    abi_of(&h, &kh, F.c->rlp[5], F.c->len[5]);
    CU_ASSERT_EQUAL(bttc_vtbl.author(F.b, &h, author), BT_OK);
    CU_ASSERT_EQUAL(memcmp(author, tk_addr[ORDER[2]], 20), 0);
    bttc_hdr_free(&kh);
    /* only the genesis set was read from the contract, plus block 3's list check */
    CU_ASSERT_EQUAL(F.c->validator_calls, 2);
    fixture_free(&F);
}

static void test_bttc_verify_wrong_seal(void)
{
    setup();
    struct bttc_hdr parent;
    CU_ASSERT_FATAL(bttc_hdr_from_rlp(&parent, F.c->rlp[0], F.c->len[0]) == BT_OK);
    struct bts_header h;
    hdr_init(&h, parent.hash, 1, F.t0 + 2, 3);
    size_t len;
    uint8_t *rlp = hdr_seal(&h, NULL, 0, -1, &len); /* r = s = 0: nothing recovers */
    fc_push(F.c, rlp, len);
    free(rlp);
    expect_refusal(BT_EINVAL, "invalid seal");
    bttc_hdr_free(&parent);
    fixture_free(&F);
}

static void test_bttc_verify_unauthorized_signer(void)
{
    setup();
    fc_add_block(&F, 4, 2, 3); /* key 4 is not in the set */
    expect_refusal(BT_EINVAL, "unauthorized signer");
    fixture_free(&F);
}

static void test_bttc_verify_wrong_difficulty(void)
{
    setup();
    fc_add_block(&F, ORDER[0], 2, 2); /* in turn writes 3 */
    expect_refusal(BT_EINVAL, "wrong difficulty: block 1 has 2, want 3");
    fc_add_block(&F, ORDER[1], 4, 3); /* a backup claiming the in-turn difficulty */
    expect_refusal(BT_EINVAL, "wrong difficulty: block 1 has 3, want 2");
    fixture_free(&F);
}

static void test_bttc_verify_early_timestamp(void)
{
    setup();
    fc_add_block(&F, ORDER[0], 1, 3); /* before parent + period */
    expect_refusal(BT_EINVAL, "invalid timestamp");
    fc_add_block(&F, ORDER[1], 2, 2); /* a backup needs period + backupMultiplier */
    expect_refusal(BT_EINVAL, "block too soon: block 1 at succession 1");
    for (int i = 0; i < 3; i++)
        fc_add_block(&F, ORDER[0], 2, 3);
    fc_add_block(&F, ORDER[1], 2, 3); /* block 4 starts a sprint: producer delay 6 */
    expect_refusal(BT_EINVAL, "block too soon: block 4 at succession 0");
    fixture_free(&F);
}

static void test_bttc_verify_future(void)
{
    setup();
    uint64_t now = bts_mockhost_host(F.m)->wall_ms(bts_mockhost_ctx(F.m)) / 1000;
    fc_add_block(&F, ORDER[0], now - F.t0 + 10, 3);
    expect_refusal(BT_EBUSY, "future block");
    fc_add_block(&F, ORDER[0], now - F.t0 + 3, 3); /* within the allowance */
    char err[512];
    CU_ASSERT_EQUAL(verify_n(1, err, sizeof(err)), BT_OK);
    drop_tip();
    fc_add_block(&F, ORDER[0], now - F.t0 + 100, 3);
    expect_refusal(BT_EINVAL, "far-future timestamp");
    fixture_free(&F);
}

/* Seal a header built from `h` with validator bytes `k` by key `key` and push it. */
static void push_custom(struct bts_header *h, const struct bts_validator *vals, size_t k, int key)
{
    size_t len;
    uint8_t *rlp = hdr_seal(h, vals, k, key, &len);
    fc_push(F.c, rlp, len);
    free(rlp);
}

static void test_bttc_verify_validators_where_none_belong(void)
{
    setup();
    struct bts_header h;
    hdr_init(&h, F.c->hash[0], 1, F.t0 + 2, 3);
    push_custom(&h, F.c->vals, 1, ORDER[0]);
    expect_refusal(BT_EINVAL, "non-sprint-end block contains extra validator list");
    fixture_free(&F);
}

static void test_bttc_verify_list_differs(void)
{
    setup();
    for (int i = 0; i < 2; i++)
        fc_add_block(&F, ORDER[0], 2, 3);
    struct bts_header h;
    hdr_init(&h, F.c->hash[2], 3, F.t0 + 6, 3);
    struct bts_validator two[2] = {F.c->vals[ORDER[0]], F.c->vals[ORDER[1]]};
    push_custom(&h, two, 2, ORDER[0]); /* the contract lists three */
    expect_refusal(BT_EINVAL, "invalid validator list");
    struct bts_validator heavy[3] = {F.c->vals[ORDER[0]], F.c->vals[ORDER[1]], F.c->vals[ORDER[2]]};
    heavy[1].power = 7; /* same members, another power */
    hdr_init(&h, F.c->hash[2], 3, F.t0 + 6, 3);
    push_custom(&h, heavy, 3, ORDER[0]);
    expect_refusal(BT_EINVAL, "invalid validator list");
    /* a sprint end with a byte count that is not 40 k */
    hdr_init(&h, F.c->hash[2], 3, F.t0 + 6, 3);
    uint8_t extra[32 + 39 + 65] = {0};
    h.extra = extra;
    h.extra_len = sizeof(extra);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_OK);
    fc_push(F.c, b.data, b.len);
    bts_buf_free(&b);
    expect_refusal(BT_EINVAL, "invalid validator list on sprint end block");
    fixture_free(&F);
}

static void test_bttc_verify_mix_digest_and_uncles(void)
{
    setup();
    struct bts_header h;
    hdr_init(&h, F.c->hash[0], 1, F.t0 + 2, 3);
    h.mix_hash.bytes[5] = 1;
    push_custom(&h, NULL, 0, ORDER[0]);
    expect_refusal(BT_EINVAL, "non-zero mix digest");
    hdr_init(&h, F.c->hash[0], 1, F.t0 + 2, 3);
    h.uncle_hash.bytes[0] ^= 1;
    push_custom(&h, NULL, 0, ORDER[0]);
    expect_refusal(BT_EINVAL, "uncles not allowed");
    /* extra shorter than vanity + seal */
    hdr_init(&h, F.c->hash[0], 1, F.t0 + 2, 3);
    uint8_t extra[40] = {0};
    h.extra = extra;
    h.extra_len = sizeof(extra);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_OK);
    fc_push(F.c, b.data, b.len);
    bts_buf_free(&b);
    expect_refusal(BT_EINVAL, "signature suffix missing");
    /* an unknown parent */
    hdr_init(&h, F.c->hash[0], 1, F.t0 + 2, 3);
    h.parent_hash.bytes[0] ^= 0xff;
    push_custom(&h, NULL, 0, ORDER[0]);
    expect_refusal(BT_ENOTFOUND, "unknown ancestor");
    fixture_free(&F);
}

/* PROTOCOL.md §7.6: the sprint-end header sealed through host->sign with the §7.5 key. */
static const char *const K75 = "8feff7dc90be293fd74c168f00f0029e8b82a9f926fee687d0df240b66b0b238";

static bt_status sign_k75(void *arg, uint8_t out[65], const char *key_id, const uint8_t d[32])
{
    (void)arg;
    CU_ASSERT_STRING_EQUAL(key_id, "0x0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d");
    uint8_t *k = bts_test_unhex(K75, NULL);
    bt_status st = bts_secp_sign(out, k, d);
    free(k);
    return st;
}

static void test_bttc_verify_seal_vector(void)
{
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    bts_mockhost_conf_set(F.m, "sprint", "64");
    bts_mockhost_conf_set(F.m, "signer", "0x0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d");
    fixture_start(&F, 1);
    bts_mockhost_set_signer(F.m, sign_k75, NULL, NULL);
    struct bts_header h;
    uint8_t parent[32];
    memset(parent, 0x11, 32);
    hdr_init(&h, parent, 63, 1638950126, 2);
    memset(h.state_root.bytes, 0x22, 32);
    uint8_t *er =
        bts_test_unhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", NULL);
    memcpy(h.tx_root.bytes, er, 32);
    memcpy(h.receipt_root.bytes, er, 32);
    free(er);
    struct bts_validator v[2];
    memset(v, 0, sizeof(v));
    memset(v[0].address, 0xaa, 20);
    memset(v[1].address, 0xbb, 20);
    v[0].power = v[1].power = 1;
    size_t len;
    uint8_t *rlp = hdr_seal(&h, v, 2, -1, &len);
    struct bttc_hdr kh;
    struct bt_header ah;
    abi_of(&ah, &kh, rlp, len);
    uint8_t digest[32];
    CU_ASSERT_EQUAL(bts_header_bor_seal_hash(digest, &kh.h, 0), BT_OK);
    BTS_ASSERT_HEX(digest, 32, "16a36793a946f62f6260127043bb1a8635ad610292171631e3481eb83ec19e27");
    CU_ASSERT_EQUAL_FATAL(bttc_vtbl.seal(F.b, &ah, (uint8_t *)kh.h.extra, kh.h.extra_len), BT_OK);
    BTS_ASSERT_HEX(kh.h.extra + kh.h.extra_len - 65, 65,
                   "89a7abfc466d4aeb8c171e20f26a1f614102486b73c999988a0fde0245e7892d6b2cdff5ffb05d2"
                   "33db738e04f36acec8c799da0c2f38f9baaa0e9446e309ce301");
    /* the sealed bytes are now in kh.rlp: hash and author */
    CU_ASSERT_EQUAL(kh.rlp_len, 682);
    uint8_t hash[32];
    bts_keccak256(hash, kh.rlp, kh.rlp_len);
    BTS_ASSERT_HEX(hash, 32, "ac9289998b2eae20bd1271de90f8f10ea50ab7cde0b12deef0c77c598638c6dc");
    struct bttc_hdr k2;
    struct bt_header h2;
    abi_of(&h2, &k2, kh.rlp, kh.rlp_len);
    uint8_t author[20];
    CU_ASSERT_EQUAL(bttc_vtbl.author(F.b, &h2, author), BT_OK);
    BTS_ASSERT_HEX(author, 20, "0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d");
    bttc_hdr_free(&k2);
    bttc_hdr_free(&kh);
    free(rlp);
    fixture_free(&F);
}

BTS_TEST_SUITE("bttc_verify", NULL, NULL, BTS_TEST(test_bttc_verify_valid_chain),
               BTS_TEST(test_bttc_verify_wrong_seal),
               BTS_TEST(test_bttc_verify_unauthorized_signer),
               BTS_TEST(test_bttc_verify_wrong_difficulty),
               BTS_TEST(test_bttc_verify_early_timestamp), BTS_TEST(test_bttc_verify_future),
               BTS_TEST(test_bttc_verify_validators_where_none_belong),
               BTS_TEST(test_bttc_verify_list_differs),
               BTS_TEST(test_bttc_verify_mix_digest_and_uncles),
               BTS_TEST(test_bttc_verify_seal_vector));
