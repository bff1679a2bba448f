/* Delivery node codecs and small parts: precommit extensions on the wire (bft_msg_*_ext), the
 * side-result blob, blocks, the commit batch's key rule, the mempool's limits, and the kv
 * stand-in app (check rules, state restore). */
#include <string.h>

#include <bts/buf.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/test.h>

#include "bft.h"
#include "dlv_kvapp.h"
#include "dlv_node_int.h"

static struct bft_msg precommit(void)
{
    struct bft_msg m;
    memset(&m, 0, sizeof m);
    m.type = BFT_PRECOMMIT;
    m.height = 7;
    m.round = 2;
    m.pol_round = -1;
    m.has_value = 1;
    memset(m.value, 0xab, 32);
    m.validator = 3;
    memset(m.sig, 0x5a, BFT_SIG_LEN);
    return m;
}

static void test_dlvnode_ext_wire_roundtrip_and_strict(void)
{
    static const uint8_t blob[] = {0xc3, 1, 2, 3};
    struct bft_msg m = precommit(), d;
    uint8_t enc[BFT_WIRE_MAX], sb1[BFT_MSG_MAX], sb2[BFT_MSG_MAX];
    size_t n, l1, l2, el;
    const uint8_t *ext;
    CU_ASSERT_EQUAL(bft_msg_sign_bytes("c", &m, sb1, &l1), BT_OK);
    bts_keccak256(m.ext_hash, blob, sizeof blob);
    CU_ASSERT_EQUAL(bft_msg_sign_bytes("c", &m, sb2, &l2), BT_OK);
    CU_ASSERT(l2 >= l1 + 33 && !memcmp(sb2 + l2 - 32, m.ext_hash, 32)); /* hash signed */
    CU_ASSERT_EQUAL(bft_msg_encode(&m, enc, &n), BT_EINVAL); /* its blob must travel too */
    CU_ASSERT_EQUAL(bft_msg_encode_ext(&m, blob, 3, enc, sizeof enc, &n), BT_EINVAL);
    CU_ASSERT_EQUAL(bft_msg_encode_ext(&m, blob, sizeof blob, enc, 10, &n), BT_EINVAL);
    CU_ASSERT_EQUAL(bft_msg_encode_ext(&m, blob, sizeof blob, enc, sizeof enc, &n), BT_OK);
    CU_ASSERT_EQUAL(bft_msg_decode_ext(&d, enc, n, &ext, &el), BT_OK);
    CU_ASSERT(el == sizeof blob && !memcmp(ext, blob, el));
    CU_ASSERT(!memcmp(&d.ext_hash, &m.ext_hash, 32) && d.validator == 3 && d.round == 2);
    CU_ASSERT_EQUAL(bft_msg_decode(&d, enc, n), BT_EINVAL); /* no place for the blob */
    /* an extension only on a precommit for a value */
    struct bft_msg v = m;
    v.type = BFT_PREVOTE;
    CU_ASSERT_EQUAL(bft_msg_encode_ext(&v, blob, sizeof blob, enc, sizeof enc, &n), BT_EINVAL);
    v = m;
    v.has_value = 0;
    memset(v.value, 0, 32);
    CU_ASSERT_EQUAL(bft_msg_encode_ext(&v, blob, sizeof blob, enc, sizeof enc, &n), BT_EINVAL);
    /* an empty 8th item is not canonical; an oversized blob is refused */
    struct bft_msg p = precommit();
    uint8_t base[BFT_MSG_MAX];
    size_t bl;
    CU_ASSERT_EQUAL(bft_msg_encode(&p, base, &bl), BT_OK);
    struct bts_buf b;
    size_t mark;
    struct bts_rlp_item top;
    CU_ASSERT_EQUAL(bts_rlp_decode(&top, base, bl), BT_OK);
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &mark), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_raw(&b, top.payload, top.payload_len), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, "", 0), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, mark), BT_OK);
    CU_ASSERT_EQUAL(bft_msg_decode_ext(&d, b.data, b.len, &ext, &el), BT_EINVAL);
    bts_buf_free(&b);
    static uint8_t big[BFT_EXT_MAX + 1];
    bts_keccak256(p.ext_hash, big, sizeof big);
    CU_ASSERT_EQUAL(bft_msg_encode_ext(&p, big, sizeof big, enc, sizeof enc, &n), BT_EINVAL);
    CU_ASSERT_EQUAL(bft_msg_decode_ext(&d, enc, BFT_WIRE_MAX + 1, &ext, &el), BT_EINVAL);
}

static void test_dlvnode_side_blob_roundtrip_and_limits(void)
{
    struct dlv_side_result r[DLV_SIDE_MAX + 1], d[DLV_SIDE_MAX];
    uint8_t blob[BFT_EXT_MAX];
    size_t len, n;
    memset(r, 0, sizeof r);
    for (int i = 0; i <= DLV_SIDE_MAX; i++) {
        memset(r[i].tx_hash, i + 1, 32);
        r[i].result = (uint8_t)(i % 3);
        memset(r[i].sig, 0x70 + i, DLV_SIG_LEN);
    }
    CU_ASSERT_EQUAL(dlv_side_encode(r, 0, blob, &len), BT_OK);
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_EQUAL(dlv_side_encode(r, DLV_SIDE_MAX + 1, blob, &len), BT_EINVAL);
    CU_ASSERT_EQUAL(dlv_side_encode(r, DLV_SIDE_MAX, blob, &len), BT_OK);
    CU_ASSERT(len > 0 && len <= BFT_EXT_MAX); /* the largest blob fits the hard cap */
    CU_ASSERT_EQUAL(dlv_side_decode(d, &n, blob, len), BT_OK);
    CU_ASSERT_EQUAL(n, DLV_SIDE_MAX);
    CU_ASSERT(!memcmp(d, r, sizeof d));
    r[0].result = 3; /* not a SideTxResultType */
    CU_ASSERT_EQUAL(dlv_side_encode(r, 1, blob, &len), BT_OK);
    CU_ASSERT_EQUAL(dlv_side_decode(d, &n, blob, len), BT_EINVAL);
    CU_ASSERT_EQUAL(dlv_side_decode(d, &n, blob, len - 1), BT_EINVAL);
    static const uint8_t empty_list[] = {0xc0};
    CU_ASSERT_EQUAL(dlv_side_decode(d, &n, empty_list, 1), BT_EINVAL);
}

static bt_status mk_block(struct bts_buf *out, uint64_t h, size_t nvotes)
{
    struct dlv_block_hdr hdr;
    struct bts_buf txs, votes;
    memset(&hdr, 0, sizeof hdr);
    hdr.height = h;
    hdr.time_ms = 1000;
    memset(hdr.proposer, 9, 20);
    bts_buf_init(&txs);
    bts_buf_init(&votes);
    bt_status st = bts_rlp_encode_bytes(&txs, "a=1", 3);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&txs, "b=2", 3);
    for (size_t i = 0; i < nvotes && st == BT_OK; i++)
        st = bts_rlp_encode_bytes(&votes, "vote", 4);
    if (st == BT_OK)
        st = dlv_block_encode(out, &hdr, txs.data, txs.len, votes.data, votes.len);
    bts_buf_free(&txs);
    bts_buf_free(&votes);
    return st;
}

static void test_dlvnode_block_codec(void)
{
    struct bts_buf b;
    struct dlv_block d;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(mk_block(&b, 5, 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_block_decode(&d, b.data, b.len), BT_OK);
    CU_ASSERT(d.height == 5 && d.time_ms == 1000 && d.n_txs == 2 && d.n_votes == 3);
    size_t pos = 0, len;
    const uint8_t *p;
    CU_ASSERT_EQUAL(dlv_list_next(d.txs_raw, d.txs_raw_len, &pos, &p, &len), BT_OK);
    CU_ASSERT(len == 3 && !memcmp(p, "a=1", 3));
    CU_ASSERT_EQUAL(dlv_list_next(d.txs_raw, d.txs_raw_len, &pos, &p, &len), BT_OK);
    CU_ASSERT_EQUAL(dlv_list_next(d.txs_raw, d.txs_raw_len, &pos, &p, &len), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(dlv_block_decode(&d, b.data, b.len - 1), BT_EINVAL);
    bts_buf_reset(&b);
    CU_ASSERT_EQUAL(mk_block(&b, 5, 0), BT_OK); /* above height 1 a last commit is required */
    CU_ASSERT_EQUAL(dlv_block_decode(&d, b.data, b.len), BT_EINVAL);
    bts_buf_reset(&b);
    CU_ASSERT_EQUAL(mk_block(&b, 1, 1), BT_OK); /* height 1 has none */
    CU_ASSERT_EQUAL(dlv_block_decode(&d, b.data, b.len), BT_EINVAL);
    bts_buf_reset(&b);
    CU_ASSERT_EQUAL(mk_block(&b, 1, 0), BT_OK);
    CU_ASSERT_EQUAL(dlv_block_decode(&d, b.data, b.len), BT_OK);
    bts_buf_free(&b);
}

static void test_dlvnode_batch_and_mempool(void)
{
    struct dlv_batch b;
    dlv_batch_init(&b);
    CU_ASSERT_EQUAL(dlv_batch_put(&b, (const uint8_t *)"app/x", 5, (const uint8_t *)"1", 1), BT_OK);
    CU_ASSERT_EQUAL(dlv_batch_del(&b, (const uint8_t *)"app/y", 5), BT_OK);
    CU_ASSERT_EQUAL(dlv_batch_put(&b, (const uint8_t *)"dlv/head", 8, (const uint8_t *)"1", 1),
                    BT_EINVAL); /* the node's keys are out of the app's reach */
    CU_ASSERT_EQUAL(dlv_batch_put(&b, (const uint8_t *)"", 0, NULL, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(b.n, 2);
    dlv_batch_free(&b);

    struct dlv_mempool m;
    uint8_t h[32];
    dlv_mempool_init(&m, 2, 10);
    CU_ASSERT_EQUAL(dlv_mempool_add(&m, (const uint8_t *)"a=1", 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_mempool_add(&m, (const uint8_t *)"a=1", 3), BT_EEXIST);
    CU_ASSERT_EQUAL(dlv_mempool_add(&m, (const uint8_t *)"bbbbbbb=2", 9), BT_ERANGE); /* bytes */
    CU_ASSERT_EQUAL(dlv_mempool_add(&m, (const uint8_t *)"b=2", 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_mempool_add(&m, (const uint8_t *)"c=3", 3), BT_ERANGE); /* count */
    bts_keccak256(h, "a=1", 3);
    CU_ASSERT(dlv_mempool_has(&m, h));
    dlv_mempool_remove(&m, h);
    CU_ASSERT(!dlv_mempool_has(&m, h) && m.n == 1 && m.bytes == 3);
    CU_ASSERT_EQUAL(dlv_mempool_add(&m, (const uint8_t *)"c=3", 3), BT_OK);
    dlv_mempool_free(&m);
}

static void test_dlvnode_kvapp_rules_and_restore(void)
{
    struct bts_validator v = {.address = {1}, .power = 5};
    struct bts_valset g;
    struct dlv_kvapp *a, *b;
    struct dlv_app t, t2;
    struct dlv_batch batch;
    uint8_t hash[32], hash2[32];
    uint64_t h;
    uint32_t code;
    bts_valset_init(&g);
    CU_ASSERT_FATAL(bts_valset_new(&g, &v, 1) == BT_OK);
    CU_ASSERT_FATAL(dlv_kvapp_new(&a, &g, NULL, 0, &t) == BT_OK);
    CU_ASSERT_EQUAL(t.check_tx(t.self, (const uint8_t *)"k=v", 3), BT_OK);
    CU_ASSERT_EQUAL(t.check_tx(t.self, (const uint8_t *)"=v", 2), BT_EINVAL);
    CU_ASSERT_EQUAL(t.check_tx(t.self, (const uint8_t *)"k=", 2), BT_EINVAL);
    CU_ASSERT_EQUAL(t.check_tx(t.self, (const uint8_t *)"k v", 3), BT_EINVAL);
    struct dlv_block_info bi = {.height = 1};
    struct dlv_last_commit lc = {0};
    CU_ASSERT_EQUAL(t.begin_block(t.self, &bi, &lc), BT_OK);
    CU_ASSERT_EQUAL(t.deliver_tx(t.self, (const uint8_t *)"k=v", 3, &code), BT_OK);
    CU_ASSERT_EQUAL(code, 0);
    CU_ASSERT_EQUAL(t.deliver_tx(t.self, (const uint8_t *)"bad", 3, &code), BT_OK);
    CU_ASSERT_EQUAL(code, 1);
    dlv_batch_init(&batch);
    CU_ASSERT_EQUAL(t.commit(t.self, &batch, hash), BT_OK);
    CU_ASSERT_EQUAL_FATAL(batch.n, 1);
    CU_ASSERT_STRING_EQUAL(dlv_kvapp_get(a, "k"), "v");
    /* a new instance from the stored state has the same height, hash and map */
    CU_ASSERT_FATAL(dlv_kvapp_new(&b, &g, batch.ops[0].value, batch.ops[0].value_len, &t2) ==
                    BT_OK);
    CU_ASSERT_EQUAL(t2.info(t2.self, &h, hash2), BT_OK);
    CU_ASSERT(h == 1 && !memcmp(hash, hash2, 32));
    CU_ASSERT_EQUAL(dlv_kvapp_size(b), 1);
    dlv_kvapp_free(b);
    CU_ASSERT_EQUAL(dlv_kvapp_new(&b, &g, batch.ops[0].value, 20, &t2), BT_EINVAL);
    dlv_batch_free(&batch);
    dlv_kvapp_free(a);
    bts_valset_free(&g);
}

BTS_TEST_SUITE("dlvnode_codec", NULL, NULL, BTS_TEST(test_dlvnode_ext_wire_roundtrip_and_strict),
               BTS_TEST(test_dlvnode_side_blob_roundtrip_and_limits),
               BTS_TEST(test_dlvnode_block_codec), BTS_TEST(test_dlvnode_batch_and_mempool),
               BTS_TEST(test_dlvnode_kvapp_rules_and_restore));
