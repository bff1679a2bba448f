/* Exit payload (PROTOCOL.md §5.4): encoding against a payload built by the contracts' own JS
 * bridge helpers (contracts/test/helpers.js: encodeReceipt, singleReceiptTrie, headerLeaf,
 * merkleProof), receipt-trie proofs checked both by go-ethereum's rule (bts_trie_verify_proof)
 * and by the contract's (bts_exit_mpt_verify), the checkpoint part, the Withdraw log read and
 * the JSON receipt re-encoding. */
#include <bts/exitproof.h>
#include <bts/keccak.h>
#include <bts/merkle.h>
#include <bts/receipt.h>
#include <bts/rlp.h>
#include <bts/test.h>
#include <bts/trie.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t EMPTY_ROOT[32] = {
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

/* The receipt of the JS vector: status 1, 21000 gas, zero bloom, a plain log and a Withdraw
 * burn of 30e18 from 0x44.. of root token 0x33.. emitted by child token 0x22... */
struct fixture {
    struct bt_hash t0[1], t1[3];
    uint8_t d1[96];
    struct bts_log logs[2];
    struct bts_receipt r;
};

static void word_be(uint8_t out[32], const char *hex)
{
    size_t n = strlen(hex) / 2;
    memset(out, 0, 32);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[32 - n + i] = (uint8_t)v;
    }
}

static void fixture_init(struct fixture *f, uint8_t type)
{
    memset(f, 0, sizeof(*f));
    memset(f->t0[0].bytes, 0xaa, 32);
    memcpy(f->t1[0].bytes, bts_exit_withdraw_topic, 32);
    memset(f->t1[1].bytes + 12, 0x33, 20);
    memset(f->t1[2].bytes + 12, 0x44, 20);
    word_be(f->d1, "01a055690d9db80000");      /* 30e18 */
    word_be(f->d1 + 32, "056bc75e2d63100000"); /* 100e18 */
    word_be(f->d1 + 64, "03cb71f51fc5580000"); /* 70e18 */
    static const uint8_t one = 1;
    memset(f->logs[0].address.bytes, 0x11, 20);
    f->logs[0].topics = f->t0;
    f->logs[0].n_topics = 1;
    f->logs[0].data = &one;
    f->logs[0].data_len = 1;
    memset(f->logs[1].address.bytes, 0x22, 20);
    f->logs[1].topics = f->t1;
    f->logs[1].n_topics = 3;
    f->logs[1].data = f->d1;
    f->logs[1].data_len = 96;
    f->r.type = type;
    f->r.status = 1;
    f->r.cumulative_gas = 21000;
    f->r.logs = f->logs;
    f->r.n_logs = 2;
}

static void test_exitproof_branch_mask(void)
{
    uint8_t m[BTS_EXIT_MASK_MAX];
    CU_ASSERT_EQUAL(bts_exit_branch_mask(m, 0), 2);
    BTS_ASSERT_HEX(m, 2, "0080");
    CU_ASSERT_EQUAL(bts_exit_branch_mask(m, 1), 2);
    BTS_ASSERT_HEX(m, 2, "0001");
    CU_ASSERT_EQUAL(bts_exit_branch_mask(m, 127), 2);
    BTS_ASSERT_HEX(m, 2, "007f");
    CU_ASSERT_EQUAL(bts_exit_branch_mask(m, 128), 3);
    BTS_ASSERT_HEX(m, 3, "008180");
    CU_ASSERT_EQUAL(bts_exit_branch_mask(m, 0x10000), 5);
    BTS_ASSERT_HEX(m, 5, "0083010000");
}

/* The whole payload of contracts/test/helpers.js for the same receipt, in block 2 of the
 * checkpoint 0..2 of §7.4's headers: same bytes (keccak and length compared). */
static void test_exitproof_payload_matches_js_helpers(void)
{
    struct fixture f;
    fixture_init(&f, 0);
    struct bts_buf rc, proof, pl;
    bts_buf_init(&rc);
    bts_buf_init(&proof);
    bts_buf_init(&pl);
    CU_ASSERT_FATAL(bts_receipt_encode(&rc, &f.r) == BT_OK);
    const uint8_t *rp = rc.data;
    uint8_t trie_root[32], leaves[3 * 32], cp_root[32], bproof[64], mask[BTS_EXIT_MASK_MAX];
    /* the trie root of a one-receipt block, the JS vector's */
    static const char *const want_trie =
        "f5e9a7573587b76fd944c5a1d28df6a89706a890640a318865651137d794dae5";
    word_be(trie_root, want_trie);
    CU_ASSERT_FATAL(bts_exit_receipt_proof(&proof, &rp, &rc.len, 1, 0, trie_root) == BT_OK);
    for (uint64_t n = 0; n < 3; n++)
        bts_merkle_leaf(leaves + 32 * n, n, 1638950000 + 2 * n, EMPTY_ROOT,
                        n == 2 ? trie_root : EMPTY_ROOT);
    CU_ASSERT_FATAL(bts_merkle_root(cp_root, leaves, 3) == BT_OK);
    BTS_ASSERT_HEX(cp_root, 32, "2792c4362aeeca87e079f3db8e92ea44c4fb1a082fe55179892b922c44764030");
    size_t bl = 0;
    CU_ASSERT_FATAL(bts_merkle_proof(bproof, sizeof(bproof), &bl, leaves, 3, 2) == BT_OK);
    struct bts_exit_payload p = {
        .header_number = 10000,
        .block_proof = bproof,
        .block_proof_len = bl,
        .block_number = 2,
        .block_time = 1638950004,
        .receipt = rc.data,
        .receipt_len = rc.len,
        .receipt_proof = proof.data,
        .receipt_proof_len = proof.len,
        .branch_mask = mask,
        .branch_mask_len = bts_exit_branch_mask(mask, 0),
        .log_index = 1,
    };
    memcpy(p.tx_root, EMPTY_ROOT, 32);
    memcpy(p.receipt_root, trie_root, 32);
    CU_ASSERT_FATAL(bts_exit_payload_encode(&pl, &p) == BT_OK);
    uint8_t h[32];
    bts_keccak256(h, pl.data, pl.len);
    CU_ASSERT_EQUAL(pl.len, 1264);
    BTS_ASSERT_HEX(h, 32, "471beb84960f4ee605c1ad196846ae6c03371d3575f0033b9be78ed234a2ac00");

    /* decode gives the parts back, and the contract checks pass */
    struct bts_exit_payload d;
    const char *why = NULL;
    CU_ASSERT_FATAL(bts_exit_payload_decode(&d, pl.data, pl.len) == BT_OK);
    CU_ASSERT_EQUAL(d.header_number, 10000);
    CU_ASSERT_EQUAL(d.block_number, 2);
    CU_ASSERT_EQUAL(d.log_index, 1);
    CU_ASSERT(d.receipt_len == rc.len && memcmp(d.receipt, rc.data, rc.len) == 0);
    CU_ASSERT(memcmp(d.receipt_root, trie_root, 32) == 0);
    CU_ASSERT_EQUAL(bts_exit_payload_verify(&d, cp_root, 0, &why), BT_OK);
    CU_ASSERT_STRING_EQUAL(why, "");
    /* another checkpoint start moves the leaf index; another root is another checkpoint */
    CU_ASSERT_EQUAL(bts_exit_payload_verify(&d, cp_root, 1, &why), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(why, "WITHDRAW_BLOCK_NOT_A_PART_OF_SUBMITTED_HEADER");
    CU_ASSERT_EQUAL(bts_exit_payload_verify(&d, cp_root, 3, &why), BT_EPROTO);
    CU_ASSERT_EQUAL(bts_exit_payload_verify(&d, EMPTY_ROOT, 0, &why), BT_EPROTO);
    /* a receipt changed by one byte no longer matches its proof */
    uint8_t *bad = malloc(rc.len);
    memcpy(bad, rc.data, rc.len);
    bad[rc.len - 1] ^= 1;
    d.receipt = bad;
    CU_ASSERT_EQUAL(bts_exit_payload_verify(&d, cp_root, 0, &why), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(why, "INVALID_RECEIPT_MERKLE_PROOF");
    free(bad);

    /* the burn it carries */
    struct bts_exit_burn b;
    CU_ASSERT_EQUAL(bts_exit_burn_log(&b, rc.data, rc.len, 1), BT_OK);
    uint8_t a[20];
    memset(a, 0x22, 20);
    CU_ASSERT(memcmp(b.child_token, a, 20) == 0);
    memset(a, 0x33, 20);
    CU_ASSERT(memcmp(b.root_token, a, 20) == 0);
    memset(a, 0x44, 20);
    CU_ASSERT(memcmp(b.exitor, a, 20) == 0);
    CU_ASSERT(memcmp(b.amount, f.d1, 32) == 0);
    CU_ASSERT_EQUAL(bts_exit_burn_log(&b, rc.data, rc.len, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_exit_burn_log(&b, rc.data, rc.len, 2), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_exit_burn_log(&b, rc.data, 10, 1), BT_EPROTO);
    bts_buf_free(&rc);
    bts_buf_free(&proof);
    bts_buf_free(&pl);
}

/* A block of many receipts (some typed): every index proven, both verifiers agree, the
 * contract's refuses a wrong path, value or root; a wrong expected root is caught first. */
static void test_exitproof_receipt_trie_many(void)
{
    enum { N = 300 };
    struct fixture f;
    struct bts_buf enc[N];
    const uint8_t *ptr[N];
    size_t len[N];
    for (size_t i = 0; i < N; i++) {
        fixture_init(&f, (uint8_t)(i % 3 == 2 ? 1 : 0));
        f.r.cumulative_gas = 21000 * (i + 1);
        bts_buf_init(&enc[i]);
        CU_ASSERT_FATAL(bts_receipt_encode(&enc[i], &f.r) == BT_OK);
        ptr[i] = enc[i].data;
        len[i] = enc[i].len;
    }
    /* the root, from an independent trie build */
    struct bts_trie *t = NULL;
    uint8_t root[32], key[BTS_INDEX_KEY_MAX], mask[BTS_EXIT_MASK_MAX];
    CU_ASSERT_FATAL(bts_trie_new(&t, NULL, NULL, 0) == BT_OK);
    for (size_t i = 0; i < N; i++)
        CU_ASSERT_FATAL(bts_trie_put(t, key, bts_receipt_index_key(key, i), ptr[i], len[i]) ==
                        BT_OK);
    CU_ASSERT_FATAL(bts_trie_root(t, root) == BT_OK);
    bts_trie_free(t);
    static const size_t idx[] = {0, 1, 2, 15, 16, 127, 128, 129, 255, 256, 299};
    for (size_t k = 0; k < BTS_ARRAY_SIZE(idx); k++) {
        size_t i = idx[k];
        struct bts_buf pr;
        bts_buf_init(&pr);
        CU_ASSERT_FATAL(bts_exit_receipt_proof(&pr, ptr, len, N, i, root) == BT_OK);
        size_t ml = bts_exit_branch_mask(mask, i);
        CU_ASSERT_EQUAL(bts_exit_mpt_verify(ptr[i], len[i], mask, ml, pr.data, pr.len, root),
                        BT_OK);
        const uint8_t *v = NULL;
        size_t vl = 0;
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, mask + 1, ml - 1, pr.data, pr.len, &v, &vl),
                        BT_OK);
        CU_ASSERT(vl == len[i] && memcmp(v, ptr[i], vl) == 0);
        /* another receipt's value, path or root */
        size_t j = (i + 1) % N;
        CU_ASSERT_EQUAL(bts_exit_mpt_verify(ptr[j], len[j], mask, ml, pr.data, pr.len, root),
                        BT_EPROTO);
        uint8_t m2[BTS_EXIT_MASK_MAX];
        size_t ml2 = bts_exit_branch_mask(m2, j);
        CU_ASSERT_EQUAL(bts_exit_mpt_verify(ptr[i], len[i], m2, ml2, pr.data, pr.len, root),
                        BT_EPROTO);
        CU_ASSERT_EQUAL(bts_exit_mpt_verify(ptr[i], len[i], mask, ml, pr.data, pr.len, EMPTY_ROOT),
                        BT_EPROTO);
        CU_ASSERT_EQUAL(bts_exit_mpt_verify(ptr[i], len[i], mask, 0, pr.data, pr.len, root),
                        BT_EPROTO);
        /* a proof cut short */
        struct bts_rlp_item top;
        CU_ASSERT_FATAL(bts_rlp_decode(&top, pr.data, pr.len) == BT_OK);
        struct bts_buf cut;
        bts_buf_init(&cut);
        struct bts_rlp_iter it;
        struct bts_rlp_item first;
        bts_rlp_iter_init(&it, &top);
        CU_ASSERT_FATAL(bts_rlp_iter_next(&it, &first) == BT_OK);
        size_t mark;
        CU_ASSERT_FATAL(bts_rlp_list_begin(&cut, &mark) == BT_OK);
        CU_ASSERT_FATAL(bts_rlp_encode_raw(&cut, first.raw, first.raw_len) == BT_OK);
        CU_ASSERT_FATAL(bts_rlp_list_end(&cut, mark) == BT_OK);
        CU_ASSERT_EQUAL(bts_exit_mpt_verify(ptr[i], len[i], mask, ml, cut.data, cut.len, root),
                        BT_EPROTO);
        bts_buf_free(&cut);
        bts_buf_free(&pr);
    }
    /* the builder refuses a root that is not the block's, and bad arguments */
    struct bts_buf pr;
    bts_buf_init(&pr);
    CU_ASSERT_EQUAL(bts_exit_receipt_proof(&pr, ptr, len, N - 1, 0, root), BT_EPROTO);
    CU_ASSERT_EQUAL(bts_exit_receipt_proof(&pr, ptr, len, N, N, root), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_exit_receipt_proof(&pr, ptr, len, 0, 0, root), BT_EINVAL);
    CU_ASSERT_EQUAL(pr.len, 0);
    bts_buf_free(&pr);
    for (size_t i = 0; i < N; i++)
        bts_buf_free(&enc[i]);
}

static void test_exitproof_payload_errors(void)
{
    struct bts_exit_payload p, d;
    memset(&p, 0, sizeof(p));
    struct bts_buf b;
    bts_buf_init(&b);
    uint8_t x = 0xc0, mask[2] = {0, 0x80};
    CU_ASSERT_EQUAL(bts_exit_payload_encode(&b, &p), BT_EINVAL); /* empty receipt */
    p.receipt = &x;
    p.receipt_len = 1;
    p.receipt_proof = &x;
    p.receipt_proof_len = 1;
    p.branch_mask = mask;
    p.branch_mask_len = 2;
    p.block_proof = mask;
    p.block_proof_len = 2;
    CU_ASSERT_EQUAL(bts_exit_payload_encode(&b, &p), BT_EINVAL); /* proof not in words */
    p.block_proof_len = 0;
    CU_ASSERT_EQUAL(bts_exit_payload_encode(&b, &p), BT_OK);
    CU_ASSERT_EQUAL(bts_exit_payload_decode(&d, b.data, b.len), BT_OK);
    CU_ASSERT_EQUAL(d.block_proof_len, 0);
    CU_ASSERT_EQUAL(bts_exit_payload_decode(&d, b.data, b.len - 1), BT_EPROTO);
    static const uint8_t nine[] = {0xc9, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
    CU_ASSERT_EQUAL(bts_exit_payload_decode(&d, nine, sizeof(nine)), BT_EPROTO);
    static const uint8_t str[] = {0x82, 0x01, 0x02};
    CU_ASSERT_EQUAL(bts_exit_payload_decode(&d, str, sizeof(str)), BT_EPROTO);
    /* a 33-byte root */
    struct bts_buf big;
    bts_buf_init(&big);
    uint8_t zeros[33] = {0};
    size_t mark;
    CU_ASSERT_FATAL(bts_rlp_list_begin(&big, &mark) == BT_OK);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_FATAL(bts_rlp_encode_bytes(&big, zeros, i == 5 ? 33 : 0) == BT_OK);
    CU_ASSERT_FATAL(bts_rlp_list_end(&big, mark) == BT_OK);
    CU_ASSERT_EQUAL(bts_exit_payload_decode(&d, big.data, big.len), BT_EPROTO);
    bts_buf_free(&big);
    /* a mask wider than 32 bits fails the last check, after the proofs */
    uint8_t wide[6] = {0, 1, 2, 3, 4, 5};
    const char *why = NULL;
    p.branch_mask = wide;
    p.branch_mask_len = sizeof(wide);
    CU_ASSERT_EQUAL(bts_exit_payload_verify(&p, EMPTY_ROOT, 0, &why), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(why, "INVALID_RECEIPT_MERKLE_PROOF");
    bts_buf_free(&b);
}

static void test_exitproof_receipt_from_json(void)
{
    struct fixture f;
    fixture_init(&f, 1);
    bts_receipt_bloom(f.r.bloom, f.r.logs, f.r.n_logs);
    struct bts_buf want, got, bloom;
    bts_buf_init(&want);
    bts_buf_init(&got);
    bts_buf_init(&bloom);
    CU_ASSERT_FATAL(bts_receipt_encode(&want, &f.r) == BT_OK);
    CU_ASSERT_FATAL(bts_buf_append_str(&bloom, "\"0x") == BT_OK);
    for (size_t i = 0; i < 256; i++)
        CU_ASSERT_FATAL(bts_buf_printf(&bloom, "%02x", f.r.bloom[i]) == BT_OK);
    CU_ASSERT_FATAL(bts_buf_append(&bloom, "\"", 2) == BT_OK);
    char *text = NULL;
    size_t cap = 8192;
    text = malloc(cap);
    snprintf(text, cap,
             "{\"type\":\"0x1\",\"status\":\"0x1\",\"cumulativeGasUsed\":\"0x5208\","
             "\"logsBloom\":%s,\"logs\":[{\"address\":\"0x%s\",\"topics\":[\"0x%s\"],"
             "\"data\":\"0x01\",\"logIndex\":\"0x0\"},{\"address\":\"0x%s\",\"topics\":["
             "\"0xebff2602b3f468259e1e99f613fed6691f3a6526effe6ef3e768ba7ae7a36c4f\","
             "\"0x0000000000000000000000003333333333333333333333333333333333333333\","
             "\"0x0000000000000000000000004444444444444444444444444444444444444444\"],"
             "\"data\":\"0x000000000000000000000000000000000000000000000001a055690d9db80000"
             "0000000000000000000000000000000000000000000000056bc75e2d63100000"
             "000000000000000000000000000000000000000000000003cb71f51fc5580000\"}]}",
             (const char *)bloom.data, "1111111111111111111111111111111111111111",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "2222222222222222222222222222222222222222");
    json_t *j = json_loads(text, 0, NULL);
    CU_ASSERT_FATAL(j != NULL);
    char err[128] = "";
    CU_ASSERT_EQUAL(bts_exit_receipt_from_json(&got, j, err, sizeof(err)), BT_OK);
    CU_ASSERT(got.len == want.len && memcmp(got.data, want.data, got.len) == 0);
    CU_ASSERT_EQUAL(got.data[0], 0x01); /* typed: the type byte leads */
    struct bts_exit_burn b;
    CU_ASSERT_EQUAL(bts_exit_burn_log(&b, got.data, got.len, 1), BT_OK);
    /* errors name the field */
    json_object_del(j, "logsBloom");
    bts_buf_reset(&got);
    CU_ASSERT_EQUAL(bts_exit_receipt_from_json(&got, j, err, sizeof(err)), BT_EPROTO);
    CU_ASSERT(strstr(err, "logsBloom") != NULL);
    json_object_set_new(j, "status", json_string("0x2"));
    CU_ASSERT_EQUAL(bts_exit_receipt_from_json(&got, j, err, sizeof(err)), BT_EPROTO);
    CU_ASSERT_EQUAL(got.len, 0);
    json_decref(j);
    free(text);
    bts_buf_free(&want);
    bts_buf_free(&got);
    bts_buf_free(&bloom);
}

BTS_TEST_SUITE("exitproof", NULL, NULL, BTS_TEST(test_exitproof_branch_mask),
               BTS_TEST(test_exitproof_payload_matches_js_helpers),
               BTS_TEST(test_exitproof_receipt_trie_many), BTS_TEST(test_exitproof_payload_errors),
               BTS_TEST(test_exitproof_receipt_from_json));
