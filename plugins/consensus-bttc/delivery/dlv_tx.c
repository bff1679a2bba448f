/* Delivery tx envelope: digest, signature, JSON envelope; and the side-sign bytes of each
 * message (dlv_msg.h). */
#include <stdlib.h>
#include <string.h>

#include <bts/dlvckpt.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/solabi.h>

#include "dlv_msg.h"

static bt_status put_word_u64(struct bts_buf *out, uint64_t v)
{
    uint8_t w[32];
    bts_solabi_word_u64(w, v);
    return bts_buf_append(out, w, 32);
}

static bt_status put_word_addr(struct bts_buf *out, const uint8_t a[20])
{
    uint8_t w[32];
    bts_solabi_word_address(w, a);
    return bts_buf_append(out, w, 32);
}

static bt_status parse_chain_id(uint64_t *out, const char *s)
{
    uint64_t x = 0;
    if (!*s)
        return BT_EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
            return BT_EINVAL;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *out = x;
    return BT_OK;
}

bt_status dlv_msg_side_sign_bytes(struct bts_buf *out, const struct dlv_msg *m)
{
    bt_status st = BT_OK;
    uint8_t addr[20];
    switch (m->type) {
    case DLV_MSG_CHECKPOINT: {
        const struct dlv_msg_checkpoint *c = &m->u.checkpoint;
        uint64_t chain;
        uint8_t data[BTS_DLVCKPT_SIGN_LEN];
        /* Upstream parses the chain id with ParseUint and ignores the error (0 then). */
        if (parse_chain_id(&chain, c->bor_chain_id) != BT_OK)
            chain = 0;
        bts_dlvckpt_sign_data(data, c->proposer, c->start_block, c->end_block, c->root_hash,
                              c->account_root_hash, chain, c->epoch);
        return bts_buf_append(out, data, sizeof data);
    }
    case DLV_MSG_CHECKPOINT_SYNC: {
        const struct dlv_msg_checkpoint_sync *c = &m->u.ckpt_sync;
        uint8_t data[BTS_DLVCKPT_SYNC_SIGN_LEN];
        bts_dlvckpt_sync_sign_data(data, c->proposer, c->start_block, c->end_block, c->number,
                                   (uint64_t)c->root);
        return bts_buf_append(out, data, sizeof data);
    }
    case DLV_MSG_VALIDATOR_JOIN: {
        /* 10^18 as a word: upstream fixes the amount (msg.go comments out msg.Amount). */
        static const uint8_t e18[32] = {[24] = 0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00};
        if (bts_secp_pubkey_to_address(addr, m->u.join.pub_key, 65) != BT_OK)
            return BT_EINVAL;
        if ((st = put_word_u64(out, m->u.join.id)) != BT_OK ||
            (st = put_word_u64(out, m->u.join.nonce)) != BT_OK ||
            (st = bts_buf_append(out, e18, 32)) != BT_OK ||
            (st = put_word_u64(out, m->u.join.activation_epoch)) != BT_OK ||
            (st = put_word_u64(out, 0)) != BT_OK)
            return st;
        return put_word_addr(out, addr);
    }
    case DLV_MSG_VALIDATOR_EXIT:
        if ((st = put_word_u64(out, m->u.exit.id)) != BT_OK ||
            (st = put_word_u64(out, m->u.exit.nonce)) != BT_OK)
            return st;
        return put_word_u64(out, m->u.exit.deactivation_epoch);
    case DLV_MSG_SIGNER_UPDATE:
        if (bts_secp_pubkey_to_address(addr, m->u.signer_update.new_pub_key, 65) != BT_OK)
            return BT_EINVAL;
        if ((st = put_word_u64(out, m->u.signer_update.id)) != BT_OK ||
            (st = put_word_u64(out, m->u.signer_update.nonce)) != BT_OK)
            return st;
        return put_word_addr(out, addr);
    case DLV_MSG_STAKING_SYNC:
    case DLV_MSG_STAKING_SYNC_ACK:
    case DLV_MSG_TOPUP:
    case DLV_MSG_PROPOSE_SPAN:
    case DLV_MSG_CHECKPOINT_ACK:
    case DLV_MSG_CHECKPOINT_NOACK:
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
    case DLV_MSG_EVENT_RECORD:
        return BT_OK;
    }
    return BT_EINVAL;
}

bt_status dlv_tx_digest(uint8_t out[32], const struct dlv_msg *m, const char *chain_id)
{
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = bts_buf_append_str(&b, chain_id);
    if (st == BT_OK)
        st = dlv_msg_canonical(&b, m);
    if (st == BT_OK)
        bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

bt_status dlv_tx_sign(struct dlv_tx *out, const struct dlv_msg *m, const char *chain_id,
                      const uint8_t seckey[32])
{
    uint8_t digest[32];
    memset(out, 0, sizeof *out);
    bt_status st = dlv_tx_digest(digest, m, chain_id);
    if (st != BT_OK)
        return st;
    if ((st = bts_secp_sign(out->sig, seckey, digest)) != BT_OK ||
        (st = bts_secp_seckey_to_address(out->from, seckey)) != BT_OK)
        return st;
    return dlv_msg_copy(&out->msg, m);
}

bt_status dlv_tx_verify(const struct dlv_tx *tx, const char *chain_id)
{
    uint8_t digest[32], who[20];
    bt_status st = dlv_tx_digest(digest, &tx->msg, chain_id);
    if (st != BT_OK)
        return st;
    if (bts_secp_recover(who, digest, tx->sig, 0) != BT_OK || memcmp(who, tx->from, 20) != 0)
        return BT_EINVAL;
    return memcmp(dlv_msg_signer(&tx->msg), tx->from, 20) == 0 ? BT_OK : BT_EINVAL;
}

bt_status dlv_tx_encode(struct bts_buf *out, const struct dlv_tx *tx)
{
    json_t *msg;
    bt_status st = dlv_msg_to_json(&msg, &tx->msg);
    if (st != BT_OK)
        return st;
    json_t *env = json_object();
    char from[43], sig[133];
    size_t n;
    if (!env || json_object_set_new(env, "msg", msg) != 0) {
        json_decref(env);
        json_decref(msg);
        return BT_ENOMEM;
    }
    if (bts_hex_encode(from, sizeof from, &n, tx->from, 20, BTS_HEX_0X) != BT_OK ||
        bts_hex_encode(sig, sizeof sig, &n, tx->sig, 65, BTS_HEX_0X) != BT_OK ||
        json_object_set_new(env, "from", json_string(from)) != 0 ||
        json_object_set_new(env, "sig", json_string(sig)) != 0) {
        json_decref(env);
        return BT_ENOMEM;
    }
    char *s = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(env);
    if (!s)
        return BT_ENOMEM;
    st = bts_buf_append_str(out, s);
    free(s);
    return st;
}

bt_status dlv_tx_decode(struct dlv_tx *out, const uint8_t *data, size_t len, char *err,
                        size_t err_cap)
{
    memset(out, 0, sizeof *out);
    if (!data && len)
        return BT_EINVAL;
    json_error_t jerr;
    json_t *env = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(env)) {
        json_decref(env);
        if (err && err_cap)
            snprintf(err, err_cap, "tx: not a JSON object");
        return BT_EINVAL;
    }
    const json_t *from = json_object_get(env, "from");
    const json_t *sig = json_object_get(env, "sig");
    bt_status st = BT_EINVAL;
    if (!json_is_string(from) || !json_is_string(sig) ||
        bts_hex_decode_exact(out->from, 20, json_string_value(from), json_string_length(from),
                             BTS_HEX_0X) != BT_OK ||
        bts_hex_decode_exact(out->sig, 65, json_string_value(sig), json_string_length(sig),
                             BTS_HEX_0X) != BT_OK) {
        if (err && err_cap)
            snprintf(err, err_cap, "tx: bad from or sig");
        goto out;
    }
    st = dlv_msg_from_json(&out->msg,
                           json_object_get(env, "msg") ? json_object_get(env, "msg") : json_null(),
                           err, err_cap);
out:
    json_decref(env);
    if (st != BT_OK)
        dlv_tx_free(out);
    return st;
}

void dlv_tx_free(struct dlv_tx *tx)
{
    if (!tx)
        return;
    dlv_msg_free(&tx->msg);
    memset(tx, 0, sizeof *tx);
}
