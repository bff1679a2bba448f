/* Delivery messages: amino-JSON round trips against upstream-shaped JSON
 * (bttcprotocol/delivery@v1.0.9:*\/types/msg.go field names, go-amino decimal strings), the
 * ValidateBasic rules, the side-sign bytes and the tx envelope signature. */
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/test.h>

#include "dlv_msg.h"

/* One upstream-shaped message per kind (values arbitrary, names and shapes as amino emits). */
static const char *const upstream_json[] = {
    "{\"type\":\"staking/MsgValidatorJoin\",\"value\":{\"activationEpoch\":\"1\",\"amount\":"
    "\"1000000000000000000000\",\"block_number\":\"4567\",\"from\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"8\",\"log_index\":\"3\",\"nonce\":"
    "\"0\","
    "\"pub_key\":"
    "\"0x04aa2aaf2d2c6b1b2cb41f0bd6bd8fbb77b1d4e1ad9c0b3e2e0aa00e8bb26a13c0c6e6e7f6db3fd8"
    "71aa03cbbad6db56fb26fd44a63ab5d3ad0fb9ff52f86b72c9\",\"tx_hash\":"
    "\"0x1111111111111111111111111111111111111111111111111111111111111111\"}}",
    "{\"type\":\"staking/"
    "MsgValidatorExit\",\"value\":{\"block_number\":\"9\",\"deactivationEpoch\":"
    "\"12\",\"from\":\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"3\",\"log_index\":"
    "\"0\","
    "\"nonce\":\"2\",\"tx_hash\":"
    "\"0x2222222222222222222222222222222222222222222222222222222222222222\"}}",
    "{\"type\":\"staking/MsgStakingSync\",\"value\":{\"from\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"3\",\"nonce\":\"2\",\"root\":\"eth\"}"
    "}",
    "{\"type\":\"staking/MsgStakingSyncAck\",\"value\":{\"from\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"3\",\"nonce\":\"2\",\"root\":\"bsc\"}"
    "}",
    "{\"type\":\"topup/"
    "MsgTopup\",\"value\":{\"block_number\":\"77\",\"fee\":\"5\",\"from_address\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"log_index\":\"1\",\"tx_hash\":"
    "\"0x3333333333333333333333333333333333333333333333333333333333333333\",\"user\":"
    "\"0x00000000000000000000000000000000000000aa\"}}",
    "{\"type\":\"bor/MsgProposeSpan\",\"value\":{\"bor_chain_id\":\"199\",\"end_block\":\"12799\","
    "\"proposer\":\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"seed\":"
    "\"0x4444444444444444444444444444444444444444444444444444444444444444\",\"span_id\":\"2\","
    "\"start_block\":\"6400\"}}",
    "{\"type\":\"checkpoint/MsgCheckpoint\",\"value\":{\"account_root_hash\":"
    "\"0x5555555555555555555555555555555555555555555555555555555555555555\",\"bor_chain_id\":"
    "\"199\","
    "\"end_block\":\"255\",\"epoch\":\"1\",\"proposer\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\","
    "\"root_chain_type\":\"tron\",\"root_hash\":"
    "\"0x6666666666666666666666666666666666666666666666666666666666666666\",\"start_block\":\"0\"}"
    "}",
    "{\"type\":\"checkpoint/MsgCheckpointACK\",\"value\":{\"end_block\":\"255\",\"from\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"log_index\":\"4\",\"number\":\"1\","
    "\"proposer\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"root_chain_type\":\"eth\",\"root_hash\":"
    "\"0x6666666666666666666666666666666666666666666666666666666666666666\",\"start_block\":\"0\","
    "\"tx_hash\":\"0x7777777777777777777777777777777777777777777777777777777777777777\"}}",
    "{\"type\":\"checkpoint/MsgCheckpointNoACK\",\"value\":{\"from\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\"}}",
    "{\"type\":\"checkpoint/MsgCheckpointSync\",\"value\":{\"Number\":\"5\",\"end_block\":\"1023\","
    "\"from\":\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"proposer\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"root_chain_type\":\"bsc\",\"start_block\":"
    "\"768\"}}",
    "{\"type\":\"checkpoint/"
    "MsgCheckpointSyncAck\",\"value\":{\"Number\":\"5\",\"end_block\":\"1023\","
    "\"from\":\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"proposer\":"
    "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"root_chain_type\":\"bsc\",\"start_block\":"
    "\"768\"}}",
    "{\"type\":\"cosmos-sdk/MsgEventRecord\",\"value\":{\"block_number\":\"99\",\"bor_chain_id\":"
    "\"199\",\"contract_address\":\"0x00000000000000000000000000000000000000bb\",\"data\":"
    "\"0xdeadbeef\",\"from\":\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"17\","
    "\"log_index\":\"2\",\"root_chain_type\":\"tron\",\"tx_hash\":"
    "\"0x8888888888888888888888888888888888888888888888888888888888888888\"}}",
};

static void test_dlv_msg_roundtrip_upstream_shapes(void)
{
    for (size_t i = 0; i < BTS_ARRAY_SIZE(upstream_json); i++) {
        json_error_t je;
        json_t *j = json_loads(upstream_json[i], 0, &je);
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        struct dlv_msg m;
        char err[128] = "";
        CU_ASSERT_EQUAL_FATAL(dlv_msg_from_json(&m, j, err, sizeof err), BT_OK);
        CU_ASSERT_EQUAL(dlv_msg_validate(&m, err, sizeof err), BT_OK);
        struct bts_buf b;
        bts_buf_init(&b);
        CU_ASSERT_EQUAL(dlv_msg_canonical(&b, &m), BT_OK);
        /* The inputs are already canonical (sorted keys, compact). */
        CU_ASSERT_STRING_EQUAL((const char *)b.data, upstream_json[i]);
        bts_buf_free(&b);
        dlv_msg_free(&m);
        json_decref(j);
    }
}

static void test_dlv_msg_numbers_accepted(void)
{
    json_t *j = json_loads("{\"type\":\"checkpoint/MsgCheckpointNoACK\",\"value\":{\"from\":"
                           "\"0x5973918275C01F50555D44E92C9D9B353CADAD54\"}}",
                           0, NULL);
    struct dlv_msg m;
    CU_ASSERT_EQUAL(dlv_msg_from_json(&m, j, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(m.type, DLV_MSG_CHECKPOINT_NOACK);
    CU_ASSERT_EQUAL(m.u.noack.from[0], 0x59);
    json_decref(j);
    j = json_loads("{\"type\":\"staking/MsgStakingSync\",\"value\":{\"from\":"
                   "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":3,\"nonce\":"
                   "\"18446744073709551615\","
                   "\"root\":\"eth\"}}",
                   0, NULL);
    CU_ASSERT_EQUAL(dlv_msg_from_json(&m, j, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(m.u.staking_sync.id, 3);
    CU_ASSERT_EQUAL(m.u.staking_sync.nonce, UINT64_MAX);
    CU_ASSERT_EQUAL(m.u.staking_sync.root, DLV_ROOT_ETH);
    json_decref(j);
}

static void test_dlv_msg_refuses_malformed(void)
{
    static const char *const bad[] = {
        "{\"type\":\"x/Unknown\",\"value\":{}}",
        "{\"value\":{}}",
        "{\"type\":\"checkpoint/MsgCheckpointNoACK\",\"value\":{}}",
        "{\"type\":\"checkpoint/MsgCheckpointNoACK\",\"value\":{\"from\":\"0x12\"}}",
        "{\"type\":\"staking/MsgStakingSync\",\"value\":{\"from\":"
        "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"3\",\"nonce\":"
        "\"18446744073709551616\","
        "\"root\":\"eth\"}}",
        "{\"type\":\"staking/MsgStakingSync\",\"value\":{\"from\":"
        "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"3\",\"nonce\":\"1\",\"root\":"
        "\"doge\"}}",
        "{\"type\":\"staking/MsgStakingSync\",\"value\":{\"from\":"
        "\"0x5973918275c01f50555d44e92c9d9b353cadad54\",\"id\":\"-3\",\"nonce\":\"1\",\"root\":"
        "\"eth\"}}",
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        struct dlv_msg m;
        char err[128] = "";
        CU_ASSERT_NOT_EQUAL(dlv_msg_from_json(&m, j, err, sizeof err), BT_OK);
        CU_ASSERT(err[0] != 0);
        json_decref(j);
    }
}

static void test_dlv_msg_validate_basic(void)
{
    struct dlv_msg m;
    memset(&m, 0, sizeof m);
    m.type = DLV_MSG_CHECKPOINT;
    m.u.checkpoint.proposer[0] = 1;
    m.u.checkpoint.root = DLV_ROOT_TRON;
    m.u.checkpoint.start_block = 0;
    m.u.checkpoint.end_block = 255;
    CU_ASSERT_EQUAL(dlv_msg_validate(&m, NULL, 0), BT_EINVAL); /* zero root hash */
    m.u.checkpoint.root_hash[3] = 1;
    CU_ASSERT_EQUAL(dlv_msg_validate(&m, NULL, 0), BT_OK);
    m.u.checkpoint.start_block = 255;
    CU_ASSERT_EQUAL(dlv_msg_validate(&m, NULL, 0), BT_EINVAL); /* start == end */
    m.u.checkpoint.start_block = 0;
    memset(m.u.checkpoint.proposer, 0, 20);
    CU_ASSERT_EQUAL(dlv_msg_validate(&m, NULL, 0), BT_EINVAL);
    m.type = (enum dlv_msg_type)99;
    CU_ASSERT_EQUAL(dlv_msg_validate(&m, NULL, 0), BT_EINVAL);
    CU_ASSERT_PTR_NULL(dlv_msg_type_name((enum dlv_msg_type)99));
    CU_ASSERT_FALSE(dlv_msg_is_side(DLV_MSG_CHECKPOINT_NOACK));
    CU_ASSERT_TRUE(dlv_msg_is_side(DLV_MSG_EVENT_RECORD));
}

static void test_dlv_msg_side_sign_bytes(void)
{
    /* Checkpoint: 224 bytes, the 7 words of §4.6.3; exit: 3 words. */
    json_t *j = json_loads(upstream_json[6], 0, NULL);
    struct dlv_msg m;
    CU_ASSERT_EQUAL_FATAL(dlv_msg_from_json(&m, j, NULL, 0), BT_OK);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(dlv_msg_side_sign_bytes(&b, &m), BT_OK);
    CU_ASSERT_EQUAL(b.len, 224);
    BTS_ASSERT_HEX(b.data + 12, 20, "5973918275c01f50555d44e92c9d9b353cadad54");
    CU_ASSERT_EQUAL(b.data[95], 255);   /* end */
    CU_ASSERT_EQUAL(b.data[191], 0xc7); /* 199 */
    CU_ASSERT_EQUAL(b.data[223], 1);    /* epoch */
    json_decref(j);
    bts_buf_reset(&b);
    j = json_loads(upstream_json[1], 0, NULL);
    CU_ASSERT_EQUAL_FATAL(dlv_msg_from_json(&m, j, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(dlv_msg_side_sign_bytes(&b, &m), BT_OK);
    CU_ASSERT_EQUAL(b.len, 96);
    CU_ASSERT_EQUAL(b.data[31], 3);
    CU_ASSERT_EQUAL(b.data[63], 2);
    CU_ASSERT_EQUAL(b.data[95], 12);
    json_decref(j);
    bts_buf_reset(&b);
    j = json_loads(upstream_json[5], 0, NULL); /* span: no side-sign bytes */
    CU_ASSERT_EQUAL_FATAL(dlv_msg_from_json(&m, j, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(dlv_msg_side_sign_bytes(&b, &m), BT_OK);
    CU_ASSERT_EQUAL(b.len, 0);
    json_decref(j);
    bts_buf_free(&b);
}

static void test_dlv_msg_tx_sign_verify_roundtrip(void)
{
    uint8_t key[32];
    memset(key, 0x42, sizeof key);
    uint8_t addr[20];
    CU_ASSERT_EQUAL_FATAL(bts_secp_seckey_to_address(addr, key), BT_OK);
    struct dlv_msg m;
    json_t *j = json_loads(upstream_json[11], 0, NULL);
    CU_ASSERT_EQUAL_FATAL(dlv_msg_from_json(&m, j, NULL, 0), BT_OK);
    json_decref(j);
    memcpy(m.u.record.from, addr, 20);
    struct dlv_tx tx, back;
    CU_ASSERT_EQUAL_FATAL(dlv_tx_sign(&tx, &m, "delivery-199", key), BT_OK);
    CU_ASSERT_EQUAL(dlv_tx_verify(&tx, "delivery-199"), BT_OK);
    CU_ASSERT_EQUAL(dlv_tx_verify(&tx, "delivery-1029"), BT_EINVAL);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(dlv_tx_encode(&b, &tx), BT_OK);
    char err[128];
    CU_ASSERT_EQUAL_FATAL(dlv_tx_decode(&back, b.data, b.len, err, sizeof err), BT_OK);
    CU_ASSERT_EQUAL(dlv_tx_verify(&back, "delivery-199"), BT_OK);
    CU_ASSERT_EQUAL(back.msg.u.record.data_len, 4);
    CU_ASSERT(memcmp(back.msg.u.record.data, "\xde\xad\xbe\xef", 4) == 0);
    /* A tampered message no longer verifies. */
    back.msg.u.record.id++;
    CU_ASSERT_EQUAL(dlv_tx_verify(&back, "delivery-199"), BT_EINVAL);
    dlv_tx_free(&back);
    /* Signed by someone other than the message's from. */
    m.u.record.from[0] ^= 1;
    struct dlv_tx other;
    CU_ASSERT_EQUAL_FATAL(dlv_tx_sign(&other, &m, "delivery-199", key), BT_OK);
    CU_ASSERT_EQUAL(dlv_tx_verify(&other, "delivery-199"), BT_EINVAL);
    dlv_tx_free(&other);
    CU_ASSERT_EQUAL(dlv_tx_decode(&back, (const uint8_t *)"[]", 2, err, sizeof err), BT_EINVAL);
    CU_ASSERT_EQUAL(dlv_tx_decode(&back, (const uint8_t *)"{\"msg\":1}", 9, err, sizeof err),
                    BT_EINVAL);
    bts_buf_free(&b);
    dlv_tx_free(&tx);
    dlv_msg_free(&m);
}

BTS_TEST_SUITE("dlv_msg", NULL, NULL, BTS_TEST(test_dlv_msg_roundtrip_upstream_shapes),
               BTS_TEST(test_dlv_msg_numbers_accepted), BTS_TEST(test_dlv_msg_refuses_malformed),
               BTS_TEST(test_dlv_msg_validate_basic), BTS_TEST(test_dlv_msg_side_sign_bytes),
               BTS_TEST(test_dlv_msg_tx_sign_verify_roundtrip));
