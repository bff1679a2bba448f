/* Bridge submissions (dlvb_submit.h): submitCheckpoint call data against a hand-assembled vector
 * (PROTOCOL.md §5.1 layout with the §7.5 checkpoint and signature) and the SDK's generic ABI
 * encoder; the sig list from real secp256k1 votes (wrong recovery, short sig, No, other tx
 * refused; ascending by address); the progress check and send through a fake adapter. */
#include <stdio.h>
#include <string.h>

#include <bts/dlvckpt.h>
#include <bts/secp.h>
#include <bts/test.h>

#include "dlvb_msgs.h"
#include "dlvb_read.h"
#include "dlvb_submit.h"
#include "test_dlvbridge_fake.h"

#define PROPOSER "dcc05b56f58af80dba0f6751c223f231dcab3e1a"
#define ROOT     "155f6ab0fa491d21bba5646453326f4a404e72aceca9c60b3b87021d52a2cec0"
#define ACCT     "27fd52451d2605605fae2a2501dcc5fe148006a591d37e801e914f286da469b1"
#define KEY75    "8feff7dc90be293fd74c168f00f0029e8b82a9f926fee687d0df240b66b0b238"
#define R75      "89ed2b4cd5e6824277d8f93ff0e6fb8cbf50e9024471a9fc068857126df04174"
#define S75      "1e155b77805edb27ef532219e8f9db61bf97e0552f4c8aa77fbef57d06253bb3"
#define Z24      "000000000000000000000000"
#define Z48      "000000000000000000000000000000000000000000000000"
#define Z32      "0000000000000000000000000000000000000000000000000000000000000000"

static void unhex(uint8_t *out, size_t n, const char *hex)
{
    size_t len = 0;
    uint8_t *b = bts_test_unhex(hex, &len);
    CU_ASSERT_FATAL(b && len == n);
    memcpy(out, b, n);
    free(b);
}

/* The §7.5 checkpoint: proposer, 0..255, the §7.4 root, the genesis account root, 199, 1. */
static void ckpt_data(uint8_t data[224], uint64_t start, uint64_t end)
{
    uint8_t proposer[20], root[32], acct[32];
    unhex(proposer, 20, PROPOSER);
    unhex(root, 32, ROOT);
    unhex(acct, 32, ACCT);
    bts_dlvckpt_sign_data(data, proposer, start, end, root, acct, 199, 1);
}

static void test_dlvbridge_submit_calldata_vector(void)
{
    uint8_t data[224], key[32], digest[32], sig[65];
    ckpt_data(data, 0, 255);
    bts_dlvckpt_sign_digest(digest, data, sizeof(data));
    BTS_ASSERT_HEX(digest, 32, "ffd6c44d9dc48bb8d460051224a0c4a3b9eac84708d24eb4de984dc410a84d8f");
    unhex(key, 32, KEY75);
    CU_ASSERT_FATAL(bts_secp_sign(sig, key, digest) == BT_OK);
    BTS_ASSERT_HEX(sig, 64, R75 S75);

    uint8_t addr[20];
    CU_ASSERT_FATAL(bts_secp_seckey_to_address(addr, key) == BT_OK);
    uint8_t tx[32];
    memset(tx, 0x3c, 32);
    struct bts_dlvside_vote vote = {.result = BTS_DLVSIDE_YES, .sig = sig, .sig_len = 65};
    memcpy(vote.validator, addr, 20);
    memcpy(vote.tx_hash, tx, 32);
    struct bts_buf sigs = BTS_BUF_INIT, cd = BTS_BUF_INIT;
    size_t n = 0;
    CU_ASSERT_FATAL(dlvb_collect_sigs(&sigs, &n, &vote, 1, tx, data, sizeof(data)) == BT_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_FATAL(dlvb_calldata_submit(&cd, dlvb_sel_submit_checkpoint, data, sizeof(data),
                                         sigs.data, n) == BT_OK);
    /* selector ‖ word(0x40) ‖ word(0x140) ‖ word(224) ‖ data ‖ word(1) ‖ r ‖ s ‖ word(27) */
    const char *want = "4e43e495" Z48 "0000000000000040" Z48 "0000000000000140" Z48
                       "00000000000000e0" Z24 PROPOSER Z32 Z48 "00000000000000ff" ROOT ACCT Z48
                       "00000000000000c7" Z48 "0000000000000001" Z48 "0000000000000001" R75 S75 Z48
                       "000000000000001b";
    CU_ASSERT_EQUAL(cd.len, 4 + 32 * 3 + 224 + 32 + 96);
    BTS_ASSERT_HEX(cd.data, cd.len, want);

    /* the SDK's generic encoder agrees */
    struct bts_solabi_type *t = NULL;
    const char *ty = "(bytes,uint256[3][])";
    CU_ASSERT_FATAL(bts_solabi_type_parse(&t, ty, strlen(ty)) == BT_OK);
    struct bts_solabi_value words[3], triple, arr, args[2], tuple;
    for (int i = 0; i < 3; i++)
        bts_solabi_val_word(&words[i], BTS_SOLABI_UINT, sigs.data + 32 * i);
    bts_solabi_val_list(&triple, BTS_SOLABI_ARRAY, words, 3);
    bts_solabi_val_list(&arr, BTS_SOLABI_DYN_ARRAY, &triple, 1);
    bts_solabi_val_bytes(&args[0], data, sizeof(data));
    args[1] = arr;
    bts_solabi_val_list(&tuple, BTS_SOLABI_TUPLE, args, 2);
    struct bts_buf ref = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_solabi_encode_call(&ref, dlvb_sel_submit_checkpoint, t, &tuple) == BT_OK);
    CU_ASSERT(ref.len == cd.len && memcmp(ref.data, cd.data, cd.len) == 0);
    /* odd-length data is zero-padded; no sigs gives an empty array */
    bts_buf_reset(&cd);
    uint8_t five[5] = {1, 2, 3, 4, 5};
    CU_ASSERT_FATAL(dlvb_calldata_submit(&cd, dlvb_sel_submit_checkpoint, five, 5, NULL, 0) ==
                    BT_OK);
    BTS_ASSERT_HEX(cd.data, cd.len,
                   "4e43e495" Z48 "0000000000000040" Z48 "0000000000000080" Z48 "0000000000000005"
                   "0102030405000000000000000000000000000000000000000000000000000000" Z32);
    bts_buf_free(&ref);
    bts_solabi_type_free(t);
    bts_buf_free(&sigs);
    bts_buf_free(&cd);
}

/* --- the sig list ------------------------------------------------------------------------- */

static uint8_t KEYS[4][32], ADDRS[4][20];

static void keys_init(void)
{
    for (int i = 0; i < 4; i++) {
        memset(KEYS[i], 0, 32);
        KEYS[i][31] = (uint8_t)(0x11 * (i + 1));
        KEYS[i][0] = (uint8_t)(0x20 + i);
        CU_ASSERT_FATAL(bts_secp_seckey_to_address(ADDRS[i], KEYS[i]) == BT_OK);
    }
}

static void vote(struct bts_dlvside_vote *v, uint8_t sig[65], int who, int signer,
                 const uint8_t digest[32], const uint8_t tx[32], uint8_t result, size_t sig_len)
{
    CU_ASSERT_FATAL(bts_secp_sign(sig, KEYS[signer], digest) == BT_OK);
    memset(v, 0, sizeof(*v));
    memcpy(v->validator, ADDRS[who], 20);
    memcpy(v->tx_hash, tx, 32);
    v->result = result;
    v->sig = sig;
    v->sig_len = sig_len;
}

static void test_dlvbridge_submit_sigs_filter_and_sort(void)
{
    keys_init();
    uint8_t data[224], digest[32], tx[32], other[32];
    ckpt_data(data, 256, 511);
    bts_dlvckpt_sign_digest(digest, data, sizeof(data));
    memset(tx, 0x42, 32);
    memset(other, 0x43, 32);
    struct bts_dlvside_vote v[8];
    uint8_t s[8][65];
    vote(&v[0], s[0], 2, 2, digest, tx, BTS_DLVSIDE_YES, 65);
    vote(&v[1], s[1], 0, 0, digest, tx, BTS_DLVSIDE_YES, 65);
    vote(&v[2], s[2], 3, 3, digest, tx, BTS_DLVSIDE_NO, 65);     /* No */
    vote(&v[3], s[3], 1, 1, digest, tx, BTS_DLVSIDE_YES, 64);    /* short */
    vote(&v[4], s[4], 1, 0, digest, tx, BTS_DLVSIDE_YES, 65);    /* recovers to key 0 */
    vote(&v[5], s[5], 3, 3, digest, other, BTS_DLVSIDE_YES, 65); /* other tx */
    vote(&v[6], s[6], 3, 3, digest, tx, BTS_DLVSIDE_YES, 65);
    vote(&v[7], s[7], 1, 1, digest, tx, BTS_DLVSIDE_SKIP, 65); /* Skip */
    struct bts_buf out = BTS_BUF_INIT;
    size_t n = 0;
    CU_ASSERT_FATAL(dlvb_collect_sigs(&out, &n, v, 8, tx, data, sizeof(data)) == BT_OK);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(out.len, 3 * 96);
    uint8_t prev[20] = {0};
    int seen[4] = {0};
    for (size_t i = 0; i < n; i++) {
        const uint8_t *t = out.data + 96 * i;
        uint8_t addr[20];
        CU_ASSERT_FATAL(bts_secp_ecrecover(addr, digest, t + 64, t, t + 32) == BT_OK);
        CU_ASSERT(t[95] == 27 || t[95] == 28);
        CU_ASSERT(memcmp(prev, addr, 20) < 0); /* strictly ascending */
        memcpy(prev, addr, 20);
        for (int k = 0; k < 4; k++)
            seen[k] += memcmp(addr, ADDRS[k], 20) == 0;
    }
    CU_ASSERT(seen[0] == 1 && seen[1] == 0 && seen[2] == 1 && seen[3] == 1);
    /* nothing valid → nothing */
    bts_buf_reset(&out);
    CU_ASSERT(dlvb_collect_sigs(&out, &n, v + 2, 2, tx, data, sizeof(data)) == BT_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT(dlvb_collect_sigs(&out, &n, NULL, 0, tx, data, sizeof(data)) == BT_OK && n == 0);
    bts_buf_free(&out);
}

static void test_dlvbridge_submit_decoders(void)
{
    uint8_t out[160] = {0};
    struct dlvb_header_block hb;
    memset(out, 0x99, 32);
    bts_solabi_word_u64(out + 32, 256);
    bts_solabi_word_u64(out + 64, 511);
    bts_solabi_word_u64(out + 96, 1700000000);
    memset(out + 140, 0x0a, 20);
    CU_ASSERT_FATAL(dlvb_decode_header_block(&hb, out, 160) == BT_OK);
    CU_ASSERT(hb.start == 256 && hb.end == 511 && hb.created_at == 1700000000);
    CU_ASSERT(hb.root[0] == 0x99 && hb.proposer[0] == 0x0a);
    CU_ASSERT(dlvb_decode_header_block(&hb, out, 159) == BT_EINVAL);
    CU_ASSERT(dlvb_decode_header_block(&hb, NULL, 0) == BT_EINVAL);
    out[130] = 1;
    CU_ASSERT(dlvb_decode_header_block(&hb, out, 160) == BT_EINVAL);
    out[130] = 0;
    out[40] = 1;
    CU_ASSERT(dlvb_decode_header_block(&hb, out, 160) == BT_ERANGE);
    uint64_t v = 0;
    CU_ASSERT(dlvb_decode_u64(&v, out + 64, 32) == BT_OK && v == 511);
    CU_ASSERT(dlvb_decode_u64(&v, out, 31) == BT_EINVAL);
    uint8_t cd[36];
    CU_ASSERT_EQUAL(dlvb_calldata_view(cd, dlvb_sel_get_last_child_block, 0, 0), 4);
    CU_ASSERT_EQUAL(dlvb_calldata_view(cd, dlvb_sel_header_blocks, 1, 20000), 36);
    BTS_ASSERT_HEX(cd, 36, "41539d4a" Z48 "0000000000004e20");
}

/* --- dlvb_submit through the fake adapter --------------------------------------------------- */

struct result {
    int calls;
    bt_status st;
    enum dlvb_submit_outcome oc;
    int had_receipt;
};

static void on_done(void *arg, bt_status st, enum dlvb_submit_outcome oc,
                    const struct bt_rootchain_receipt *r)
{
    struct result *res = arg;
    res->calls++;
    res->st = st;
    res->oc = oc;
    res->had_receipt = r != NULL;
}

/* Votes of all four keys for `data` under tx. */
static void all_votes(struct bts_dlvside_vote v[4], uint8_t s[4][65], const uint8_t *data,
                      size_t len, const uint8_t tx[32])
{
    uint8_t digest[32];
    bts_dlvckpt_sign_digest(digest, data, len);
    for (int i = 0; i < 4; i++)
        vote(&v[i], s[i], i, i, digest, tx, BTS_DLVSIDE_YES, 65);
}

static void req_init(struct dlvb_submit_req *r, struct fake_rc *f, enum dlvb_submit_kind kind,
                     const uint8_t *data, size_t len, struct bts_dlvside_vote *v, size_t nv,
                     const uint8_t tx[32])
{
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->vt = &fake_vtbl;
    r->self = f;
    memset(r->to, 0x7c, 20);
    r->key_id = "0x0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d";
    r->sign_data = data;
    r->sign_data_len = len;
    memcpy(r->tx_hash, tx, 32);
    r->votes = v;
    r->n_votes = nv;
}

static void test_dlvbridge_submit_checkpoint_flow(void)
{
    keys_init();
    struct fake_rc f = {.type = BT_ROOTCHAIN_ETH, .last_child = 255};
    uint8_t data[224], tx[32], s[4][65];
    memset(tx, 0x42, 32);
    ckpt_data(data, 256, 511);
    struct bts_dlvside_vote v[4];
    all_votes(v, s, data, sizeof(data), tx);
    struct dlvb_submit_req r;
    req_init(&r, &f, DLVB_SUBMIT_CHECKPOINT, data, sizeof(data), v, 4, tx);
    struct result res = {0};
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    CU_ASSERT_EQUAL(res.calls, 0); /* asynchronous */
    fake_run(&f);
    CU_ASSERT(res.calls == 1 && res.st == BT_OK && res.oc == DLVB_SUBMIT_LANDED && res.had_receipt);
    CU_ASSERT_EQUAL(f.n_sends, 1);
    CU_ASSERT_EQUAL(f.sent_len, 4 + 96 + 224 + 32 + 4 * 96);
    CU_ASSERT(memcmp(f.sent, dlvb_sel_submit_checkpoint, 4) == 0);
    CU_ASSERT(f.sent_to[0] == 0x7c);
    CU_ASSERT_STRING_EQUAL(f.sent_key, r.key_id);

    /* the chain is already past it: not sent */
    f.last_child = 511;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.calls == 1 && res.oc == DLVB_SUBMIT_NOT_NEEDED && f.n_sends == 1);
    /* a gap (the chain is behind) is not sent either */
    f.last_child = 100;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_NOT_NEEDED && f.n_sends == 1);

    /* fresh chain: start must equal the activation height */
    ckpt_data(data, 0, 255);
    all_votes(v, s, data, sizeof(data), tx);
    f.last_child = 0;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_LANDED && f.n_sends == 2);
    r.activation = 100;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_NOT_NEEDED && f.n_sends == 2);
    r.activation = 0;

    /* reverted, dropped, a failing read, a refused send */
    f.send_status = BT_ROOTCHAIN_TX_REVERTED;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_REVERTED && res.st != BT_OK && res.had_receipt);
    f.send_status = BT_ROOTCHAIN_TX_DROPPED;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_DROPPED);
    f.send_status = 0;
    f.fail_next_cb = 1;
    memset(&res, 0, sizeof(res));
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.calls == 1 && res.oc == DLVB_SUBMIT_FAILED && res.st == BT_EIO);
    f.refuse_next = 1;
    memset(&res, 0, sizeof(res));
    CU_ASSERT(dlvb_submit(&r, on_done, &res) == BT_EIO);
    fake_run(&f);
    CU_ASSERT_EQUAL(res.calls, 0);

    /* nothing to send without a valid Yes signature; wrong data size */
    r.n_votes = 0;
    CU_ASSERT(dlvb_submit(&r, on_done, &res) == BT_ENOTFOUND);
    r.n_votes = 4;
    r.sign_data_len = 160;
    CU_ASSERT(dlvb_submit(&r, on_done, &res) == BT_EINVAL);
    CU_ASSERT_EQUAL(f.n_q, 0);
}

static void test_dlvbridge_submit_sync_and_staking(void)
{
    keys_init();
    struct fake_rc f = {.type = BT_ROOTCHAIN_TRON};
    uint8_t data[160], tx[32], s[4][65], proposer[20];
    memset(tx, 0x24, 32);
    unhex(proposer, 20, PROPOSER);
    bts_dlvckpt_sync_sign_data(data, proposer, 0, 255, 1, 2);
    uint8_t digest[32];
    bts_dlvckpt_sign_digest(digest, data, sizeof(data));
    BTS_ASSERT_HEX(digest, 32, "1d436cd11dbd1febd9f6424eeb9162defb896c48fadd0d644e2ad37bc81f84d2");
    struct bts_dlvside_vote v[4];
    all_votes(v, s, data, sizeof(data), tx);
    struct dlvb_submit_req r;
    req_init(&r, &f, DLVB_SUBMIT_CHECKPOINT_SYNC, data, sizeof(data), v, 4, tx);
    struct result res = {0};
    f.synced = 0;
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_LANDED && f.n_sends == 1);
    CU_ASSERT(memcmp(f.sent, dlvb_sel_submit_checkpoint_sync, 4) == 0);
    f.synced = 1;
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_NOT_NEEDED && f.n_sends == 1);

    /* staking sync: validatorJoin data id, nonce, 10^18, activationEpoch, 0, signer */
    uint8_t join[192] = {0};
    bts_solabi_word_u64(join, 7);
    bts_solabi_word_u64(join + 32, 4);
    bts_solabi_word_u64(join + 96, 1);
    bts_solabi_word_address(join + 160, ADDRS[0]);
    all_votes(v, s, join, sizeof(join), tx);
    req_init(&r, &f, DLVB_SUBMIT_VALIDATOR_JOIN, join, sizeof(join), v, 4, tx);
    f.nonce = 3;
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_LANDED && f.n_sends == 2);
    CU_ASSERT(memcmp(f.sent, dlvb_sel_validator_join, 4) == 0);
    f.nonce = 4;
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_NOT_NEEDED && f.n_sends == 2);
    r.kind = DLVB_SUBMIT_SIGNER_UPDATE;
    f.nonce = 0;
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(memcmp(f.sent, dlvb_sel_signer_update, 4) == 0);
    r.kind = DLVB_SUBMIT_VALIDATOR_EXIT;
    CU_ASSERT_FATAL(dlvb_submit(&r, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(memcmp(f.sent, dlvb_sel_validator_exit, 4) == 0);
    r.sign_data_len = 32; /* no nonce word */
    CU_ASSERT(dlvb_submit(&r, on_done, &res) == BT_EINVAL);
}

static void test_dlvbridge_submit_committed_msg(void)
{
    keys_init();
    struct fake_rc f = {.type = BT_ROOTCHAIN_TRON};
    struct dlv_msg m;
    memset(&m, 0, sizeof(m));
    m.type = DLV_MSG_CHECKPOINT;
    unhex(m.u.checkpoint.proposer, 20, PROPOSER);
    m.u.checkpoint.end_block = 255;
    unhex(m.u.checkpoint.root_hash, 32, ROOT);
    unhex(m.u.checkpoint.account_root_hash, 32, ACCT);
    strcpy(m.u.checkpoint.bor_chain_id, "199");
    m.u.checkpoint.epoch = 1;
    m.u.checkpoint.root = DLV_ROOT_TRON;
    uint8_t data[224], tx[32], s[4][65];
    ckpt_data(data, 0, 255); /* the msg's side-sign bytes are the §7.5 data */
    memset(tx, 0x61, 32);
    struct bts_dlvside_vote v[4];
    all_votes(v, s, data, sizeof(data), tx);
    struct dlvb_submit_target t = {.vt = &fake_vtbl, .self = &f, .key_id = "k"};
    memset(t.to, 0x0b, 20);
    struct result res = {0};
    CU_ASSERT_FATAL(dlvb_submit_msg(&m, tx, v, 4, &t, on_done, &res) == BT_OK);
    fake_run(&f);
    CU_ASSERT(res.oc == DLVB_SUBMIT_LANDED && f.n_sends == 1 && f.sent_to[0] == 0x0b);
    CU_ASSERT_FATAL(f.sent_len == 4 + 96 + 224 + 32 + 4 * 96);
    CU_ASSERT(memcmp(f.sent + 4 + 96, data, 224) == 0);
    enum dlvb_submit_kind k;
    m.type = DLV_MSG_CHECKPOINT_SYNC;
    CU_ASSERT(dlvb_msg_submit_kind(&k, &m) == BT_OK && k == DLVB_SUBMIT_CHECKPOINT_SYNC);
    m.type = DLV_MSG_SIGNER_UPDATE;
    CU_ASSERT(dlvb_msg_submit_kind(&k, &m) == BT_OK && k == DLVB_SUBMIT_SIGNER_UPDATE);
    m.type = DLV_MSG_TOPUP;
    CU_ASSERT(dlvb_msg_submit_kind(&k, &m) == BT_ENOTSUP);
    CU_ASSERT(dlvb_submit_msg(&m, tx, v, 4, &t, on_done, &res) == BT_ENOTSUP);
}

BTS_TEST_SUITE("dlvbridge_submit", NULL, NULL, BTS_TEST(test_dlvbridge_submit_calldata_vector),
               BTS_TEST(test_dlvbridge_submit_sigs_filter_and_sort),
               BTS_TEST(test_dlvbridge_submit_decoders),
               BTS_TEST(test_dlvbridge_submit_checkpoint_flow),
               BTS_TEST(test_dlvbridge_submit_sync_and_staking),
               BTS_TEST(test_dlvbridge_submit_committed_msg));
