/* Bridge event decoders (dlvb_event.h): topic0 of every event equals keccak of the signature
 * built from the contracts' build artifacts (contracts/build/london), and logs whose data is
 * ABI-encoded by the SDK's encoder decode into the right fields; malformed logs are refused. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include <bts/solabi.h>
#include <bts/test.h>

#include "dlvb_event.h"

/* --- helpers -------------------------------------------------------------------------------- */

static uint8_t DATA[1024];

static void word_u(uint8_t w[32], uint64_t x)
{
    bts_solabi_word_u64(w, x);
}

static void word_a(uint8_t w[32], uint8_t fill)
{
    uint8_t a[20];
    memset(a, fill, 20);
    bts_solabi_word_address(w, a);
}

/* ABI-encode a tuple of values with the SDK encoder into buf. */
static size_t encode(uint8_t *buf, size_t cap, const char *type, struct bts_solabi_value *items,
                     size_t n)
{
    struct bts_solabi_type *t = NULL;
    CU_ASSERT_FATAL(bts_solabi_type_parse(&t, type, strlen(type)) == BT_OK);
    struct bts_solabi_value v;
    bts_solabi_val_list(&v, BTS_SOLABI_TUPLE, items, n);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_solabi_encode(&b, t, &v) == BT_OK);
    CU_ASSERT_FATAL(b.len <= cap);
    memcpy(buf, b.data, b.len);
    size_t len = b.len;
    bts_buf_free(&b);
    bts_solabi_type_free(t);
    return len;
}

static void base_log(struct bt_rootchain_log *l, enum dlvb_event_kind k, uint32_t n_topics)
{
    memset(l, 0, sizeof(*l));
    memset(l->address, 0x5a, 20);
    memcpy(l->topics[0], dlvb_event_topics[k], 32);
    l->n_topics = n_topics;
    l->block_number = 1234;
    l->log_index = 7;
    memset(l->tx_hash, 0x77, 32);
    l->data = DATA; /* data_len 0 until a test encodes into it */
}

/* --- topics from the artifacts --------------------------------------------------------------- */

static void check_artifact(const char *file, const char *event, enum dlvb_event_kind kind)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.json", DLVB_ARTIFACTS, file);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_t *abi = json_is_array(root) ? root : json_object_get(root, "abi");
    CU_ASSERT_PTR_NOT_NULL_FATAL(abi);
    size_t i;
    json_t *e;
    int found = 0;
    json_array_foreach(abi, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "type")), "event") != 0 ||
            strcmp(json_string_value(json_object_get(e, "name")), event) != 0)
            continue;
        char sig[256];
        int n = snprintf(sig, sizeof(sig), "%s(", event);
        size_t j;
        json_t *in;
        json_array_foreach(json_object_get(e, "inputs"), j, in)
        {
            n += snprintf(sig + n, sizeof(sig) - (size_t)n, "%s%s", j ? "," : "",
                          json_string_value(json_object_get(in, "type")));
        }
        snprintf(sig + n, sizeof(sig) - (size_t)n, ")");
        uint8_t topic[32];
        CU_ASSERT_FATAL(bts_solabi_event_topic(topic, sig) == BT_OK);
        CU_ASSERT(memcmp(topic, dlvb_event_topics[kind], 32) == 0);
        enum dlvb_event_kind got;
        CU_ASSERT(dlvb_event_kind_of(&got, topic) == BT_OK && got == kind);
        found = 1;
    }
    CU_ASSERT(found);
    json_decref(root);
}

static void test_dlvbridge_event_topics_match_artifacts(void)
{
    check_artifact("StakingInfo", "Staked", DLVB_EV_STAKED);
    check_artifact("StakingInfo", "UnstakeInit", DLVB_EV_UNSTAKE_INIT);
    check_artifact("StakingInfo", "SignerChange", DLVB_EV_SIGNER_CHANGE);
    check_artifact("StakingInfo", "TopUpFee", DLVB_EV_TOPUP_FEE);
    check_artifact("StakingInfo", "CheckpointSyncAck", DLVB_EV_CHECKPOINT_SYNC_ACK);
    check_artifact("StateSender", "StateSynced", DLVB_EV_STATE_SYNCED);
    check_artifact("RootChain", "NewHeaderBlock", DLVB_EV_NEW_HEADER_BLOCK);
    uint8_t other[32] = {1};
    enum dlvb_event_kind k;
    CU_ASSERT(dlvb_event_kind_of(&k, other) == BT_ENOTFOUND);
    CU_ASSERT(dlvb_event_role(DLVB_EV_STATE_SYNCED) == DLVB_ROLE_STATE_SENDER);
    CU_ASSERT(dlvb_event_role(DLVB_EV_NEW_HEADER_BLOCK) == DLVB_ROLE_ROOT_CHAIN);
    CU_ASSERT(dlvb_event_role(DLVB_EV_TOPUP_FEE) == DLVB_ROLE_STAKING_INFO);
    CU_ASSERT_STRING_EQUAL(dlvb_event_name(DLVB_EV_CHECKPOINT_SYNC_ACK), "CheckpointSyncAck");
}

/* --- decoding ------------------------------------------------------------------------------ */

static void staked_log(struct bt_rootchain_log *l, size_t pubkey_len)
{
    base_log(l, DLVB_EV_STAKED, 4);
    word_a(l->topics[1], 0x11);
    word_u(l->topics[2], 42);
    word_u(l->topics[3], 3);
    uint8_t pub[65];
    for (int i = 0; i < 65; i++)
        pub[i] = (uint8_t)(i + 1);
    struct bts_solabi_value v[4];
    bts_solabi_val_uint(&v[0], 9);
    bts_solabi_val_uint(&v[1], 1000000);
    bts_solabi_val_uint(&v[2], 5000000);
    bts_solabi_val_bytes(&v[3], pub, pubkey_len);
    l->data = DATA;
    l->data_len = encode(DATA, sizeof(DATA), "(uint256,uint256,uint256,bytes)", v, 4);
}

static void test_dlvbridge_event_staked(void)
{
    struct bt_rootchain_log l;
    staked_log(&l, 64);
    struct dlvb_event ev;
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_TRON) == BT_OK);
    CU_ASSERT_EQUAL(ev.kind, DLVB_EV_STAKED);
    CU_ASSERT_EQUAL(ev.root_type, BT_ROOTCHAIN_TRON);
    CU_ASSERT_EQUAL(ev.block_number, 1234);
    CU_ASSERT_EQUAL(ev.log_index, 7);
    CU_ASSERT_EQUAL(ev.tx_hash[5], 0x77);
    CU_ASSERT_EQUAL(ev.contract[0], 0x5a);
    CU_ASSERT_EQUAL(ev.u.staked.signer[19], 0x11);
    CU_ASSERT_EQUAL(ev.u.staked.validator_id, 42);
    CU_ASSERT_EQUAL(ev.u.staked.activation_epoch, 3);
    CU_ASSERT_EQUAL(ev.u.staked.nonce, 9);
    uint64_t amt = 0;
    CU_ASSERT(bts_solabi_word_to_u64(&amt, ev.u.staked.amount) == BT_OK && amt == 1000000);
    CU_ASSERT(bts_solabi_word_to_u64(&amt, ev.u.staked.total) == BT_OK && amt == 5000000);
    CU_ASSERT_EQUAL(ev.u.staked.pubkey[0], 1);
    CU_ASSERT_EQUAL(ev.u.staked.pubkey[63], 64);
    /* a 65-byte key (with 0x04) is not what StakeManager logs */
    staked_log(&l, 65);
    CU_ASSERT(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_TRON) == BT_EINVAL);
}

static void test_dlvbridge_event_unstake_signer_topup(void)
{
    struct bt_rootchain_log l;
    struct dlvb_event ev;
    struct bts_solabi_value v[3];
    /* UnstakeInit(user indexed, validatorId indexed, nonce, deactivationEpoch, amount indexed) */
    base_log(&l, DLVB_EV_UNSTAKE_INIT, 4);
    word_a(l.topics[1], 0x22);
    word_u(l.topics[2], 5);
    word_u(l.topics[3], 777);
    bts_solabi_val_uint(&v[0], 4);
    bts_solabi_val_uint(&v[1], 19);
    l.data = DATA;
    l.data_len = encode(DATA, sizeof(DATA), "(uint256,uint256)", v, 2);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_TRON) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.unstake.user[0], 0x22);
    CU_ASSERT_EQUAL(ev.u.unstake.validator_id, 5);
    CU_ASSERT_EQUAL(ev.u.unstake.nonce, 4);
    CU_ASSERT_EQUAL(ev.u.unstake.deactivation_epoch, 19);
    CU_ASSERT_EQUAL(ev.u.unstake.amount[31], 777 & 0xff);
    /* SignerChange(validatorId indexed, nonce, oldSigner indexed, newSigner indexed, pubkey) */
    base_log(&l, DLVB_EV_SIGNER_CHANGE, 4);
    word_u(l.topics[1], 6);
    word_a(l.topics[2], 0x33);
    word_a(l.topics[3], 0x44);
    uint8_t pub[64];
    memset(pub, 0x99, 64);
    bts_solabi_val_uint(&v[0], 12);
    bts_solabi_val_bytes(&v[1], pub, 64);
    l.data_len = encode(DATA, sizeof(DATA), "(uint256,bytes)", v, 2);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_TRON) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.signer_change.validator_id, 6);
    CU_ASSERT_EQUAL(ev.u.signer_change.nonce, 12);
    CU_ASSERT_EQUAL(ev.u.signer_change.old_signer[3], 0x33);
    CU_ASSERT_EQUAL(ev.u.signer_change.new_signer[3], 0x44);
    CU_ASSERT_EQUAL(ev.u.signer_change.pubkey[10], 0x99);
    /* TopUpFee(user indexed, fee indexed): no data */
    base_log(&l, DLVB_EV_TOPUP_FEE, 3);
    word_a(l.topics[1], 0x55);
    word_u(l.topics[2], 31337);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_TRON) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.topup.user[0], 0x55);
    CU_ASSERT_EQUAL(ev.u.topup.fee[31], 31337 & 0xff);
}

static void test_dlvbridge_event_state_synced_and_headers(void)
{
    struct bt_rootchain_log l;
    struct dlvb_event ev;
    struct bts_solabi_value v[3];
    base_log(&l, DLVB_EV_STATE_SYNCED, 3);
    word_u(l.topics[1], 101);
    word_a(l.topics[2], 0xcc);
    static const uint8_t payload[] = "deposit payload of 33 bytes long!";
    bts_solabi_val_bytes(&v[0], payload, sizeof(payload) - 1);
    l.data = DATA;
    l.data_len = encode(DATA, sizeof(DATA), "(bytes)", v, 1);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_BSC) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.state_synced.id, 101);
    CU_ASSERT_EQUAL(ev.u.state_synced.receiver[0], 0xcc);
    CU_ASSERT_EQUAL(ev.u.state_synced.data_len, sizeof(payload) - 1);
    CU_ASSERT(memcmp(ev.u.state_synced.data, payload, sizeof(payload) - 1) == 0);
    CU_ASSERT(ev.u.state_synced.data >= DATA && ev.u.state_synced.data < DATA + l.data_len);
    /* empty data */
    bts_solabi_val_bytes(&v[0], NULL, 0);
    l.data_len = encode(DATA, sizeof(DATA), "(bytes)", v, 1);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_ETH) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.state_synced.data_len, 0);

    /* NewHeaderBlock(proposer, headerBlockId, reward indexed; start, end, root) */
    base_log(&l, DLVB_EV_NEW_HEADER_BLOCK, 4);
    word_a(l.topics[1], 0x0f);
    word_u(l.topics[2], 20000);
    word_u(l.topics[3], 5);
    uint8_t root[32];
    memset(root, 0xee, 32);
    bts_solabi_val_uint(&v[0], 256);
    bts_solabi_val_uint(&v[1], 511);
    bts_solabi_val_fixed_bytes(&v[2], root, 32);
    l.data_len = encode(DATA, sizeof(DATA), "(uint256,uint256,bytes32)", v, 3);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_ETH) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.header_block.header_block_id, 20000);
    CU_ASSERT_EQUAL(ev.u.header_block.start, 256);
    CU_ASSERT_EQUAL(ev.u.header_block.end, 511);
    CU_ASSERT_EQUAL(ev.u.header_block.proposer[19], 0x0f);
    CU_ASSERT(memcmp(ev.u.header_block.root, root, 32) == 0);

    /* CheckpointSyncAck(proposer, chainId, checkpointId indexed; start, end) */
    base_log(&l, DLVB_EV_CHECKPOINT_SYNC_ACK, 4);
    word_a(l.topics[1], 0x0e);
    word_u(l.topics[2], 2);
    word_u(l.topics[3], 4);
    bts_solabi_val_uint(&v[0], 768);
    bts_solabi_val_uint(&v[1], 1023);
    l.data_len = encode(DATA, sizeof(DATA), "(uint256,uint256)", v, 2);
    CU_ASSERT_FATAL(dlvb_event_decode(&ev, &l, BT_ROOTCHAIN_TRON) == BT_OK);
    CU_ASSERT_EQUAL(ev.u.sync_ack.root_id, 2);
    CU_ASSERT_EQUAL(ev.u.sync_ack.checkpoint_id, 4);
    CU_ASSERT_EQUAL(ev.u.sync_ack.start, 768);
    CU_ASSERT_EQUAL(ev.u.sync_ack.end, 1023);
}

static void test_dlvbridge_event_rejects_malformed(void)
{
    struct bt_rootchain_log l;
    struct dlvb_event ev;
    struct bts_solabi_value v[1];
    /* unknown topic, no topics */
    base_log(&l, DLVB_EV_STATE_SYNCED, 3);
    l.topics[0][0] ^= 1;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_ENOTFOUND);
    l.n_topics = 0;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_ENOTFOUND);
    /* wrong topic count */
    base_log(&l, DLVB_EV_STATE_SYNCED, 4);
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    /* dirty address word */
    base_log(&l, DLVB_EV_STATE_SYNCED, 3);
    word_u(l.topics[1], 1);
    word_a(l.topics[2], 0xcc);
    bts_solabi_val_bytes(&v[0], "ab", 2);
    l.data = DATA;
    l.data_len = encode(DATA, sizeof(DATA), "(bytes)", v, 1);
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_OK);
    l.topics[2][0] = 1;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    word_a(l.topics[2], 0xcc);
    /* id beyond 64 bits */
    l.topics[1][0] = 1;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_ERANGE);
    word_u(l.topics[1], 1);
    /* offset outside, length outside, truncated data */
    uint8_t save[96];
    memcpy(save, DATA, 96);
    word_u(DATA, 4096);
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    memcpy(DATA, save, 96);
    word_u(DATA + 32, 1000);
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    memcpy(DATA, save, 96);
    l.data_len = 40;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    l.data_len = 0;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    l.data = NULL;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
    /* NewHeaderBlock with two data words only */
    base_log(&l, DLVB_EV_NEW_HEADER_BLOCK, 4);
    l.data = DATA;
    l.data_len = 64;
    CU_ASSERT(dlvb_event_decode(&ev, &l, 2) == BT_EINVAL);
}

BTS_TEST_SUITE("dlvbridge_event", NULL, NULL, BTS_TEST(test_dlvbridge_event_topics_match_artifacts),
               BTS_TEST(test_dlvbridge_event_staked),
               BTS_TEST(test_dlvbridge_event_unstake_signer_topup),
               BTS_TEST(test_dlvbridge_event_state_synced_and_headers),
               BTS_TEST(test_dlvbridge_event_rejects_malformed));
