/* Delivery bridge: call data of the root-chain submissions and views, the decoders of their
 * outputs, and the submission's signature list (dlvb_submit.h). */
#include <stdlib.h>
#include <string.h>

#include <bts/dlvckpt.h>
#include <bts/solabi.h>

#include "dlvb_submit.h"

const uint8_t dlvb_sel_submit_checkpoint[4] = {0x4e, 0x43, 0xe4, 0x95};
const uint8_t dlvb_sel_submit_checkpoint_sync[4] = {0xd2, 0xad, 0xa5, 0x73};
const uint8_t dlvb_sel_validator_join[4] = {0xd1, 0xfb, 0x3d, 0x90};
const uint8_t dlvb_sel_validator_exit[4] = {0xaa, 0x6c, 0xdb, 0x94};
const uint8_t dlvb_sel_signer_update[4] = {0xb3, 0xf9, 0x58, 0xb9};
const uint8_t dlvb_sel_current_header_block[4] = {0xec, 0x7e, 0x48, 0x55};
const uint8_t dlvb_sel_header_blocks[4] = {0x41, 0x53, 0x9d, 0x4a};
const uint8_t dlvb_sel_get_last_child_block[4] = {0xb8, 0x7e, 0x1b, 0x66};
const uint8_t dlvb_sel_validator_nonce[4] = {0xeb, 0xde, 0x9f, 0x93};
const uint8_t dlvb_sel_synced_checkpoint[4] = {0xd1, 0xc4, 0x07, 0xad};

bt_status dlvb_calldata_submit(struct bts_buf *out, const uint8_t selector[4], const uint8_t *data,
                               size_t data_len, const uint8_t *sigs, size_t n_sigs)
{
    size_t padded = (data_len + 31) / 32 * 32;
    if (padded < data_len || n_sigs > ((size_t)1 << 24) || padded > ((size_t)1 << 30))
        return BT_ERANGE;
    size_t total = 4 + 3 * 32 + padded + 32 + n_sigs * 96;
    size_t old = out->len;
    if (bts_buf_reserve(out, total) != BT_OK)
        return BT_ENOMEM;
    uint8_t w[32];
    bt_status st = bts_buf_append(out, selector, 4);
    bts_solabi_word_u64(w, 0x40); /* offset of data */
    if (st == BT_OK)
        st = bts_buf_append(out, w, 32);
    bts_solabi_word_u64(w, 0x40 + 32 + padded); /* offset of sigs */
    if (st == BT_OK)
        st = bts_buf_append(out, w, 32);
    bts_solabi_word_u64(w, data_len);
    if (st == BT_OK)
        st = bts_buf_append(out, w, 32);
    if (st == BT_OK && data_len)
        st = bts_buf_append(out, data, data_len);
    memset(w, 0, 32);
    if (st == BT_OK && padded > data_len)
        st = bts_buf_append(out, w, padded - data_len);
    bts_solabi_word_u64(w, n_sigs);
    if (st == BT_OK)
        st = bts_buf_append(out, w, 32);
    if (st == BT_OK && n_sigs)
        st = bts_buf_append(out, sigs, n_sigs * 96);
    if (st != BT_OK) {
        out->len = old; /* reserved above, so this does not happen; keep out unchanged anyway */
        out->data[old] = 0;
    }
    return st;
}

size_t dlvb_calldata_view(uint8_t out[36], const uint8_t selector[4], int has_arg, uint64_t arg)
{
    memcpy(out, selector, 4);
    if (!has_arg)
        return 4;
    bts_solabi_word_u64(out + 4, arg);
    return 36;
}

bt_status dlvb_decode_u64(uint64_t *out, const uint8_t *output, size_t len)
{
    if (!output || len < 32)
        return BT_EINVAL;
    return bts_solabi_word_to_u64(out, output);
}

bt_status dlvb_decode_header_block(struct dlvb_header_block *out, const uint8_t *output, size_t len)
{
    memset(out, 0, sizeof(*out));
    if (!output || len < 160)
        return BT_EINVAL;
    memcpy(out->root, output, 32);
    bt_status st = bts_solabi_word_to_u64(&out->start, output + 32);
    if (st == BT_OK)
        st = bts_solabi_word_to_u64(&out->end, output + 64);
    if (st == BT_OK)
        st = bts_solabi_word_to_u64(&out->created_at, output + 96);
    if (st != BT_OK)
        return st;
    for (int i = 0; i < 12; i++)
        if (output[128 + i])
            return BT_EINVAL;
    memcpy(out->proposer, output + 140, 20);
    return BT_OK;
}

bt_status dlvb_collect_sigs(struct bts_buf *out, size_t *out_n,
                            const struct bts_dlvside_vote *votes, size_t n_votes,
                            const uint8_t tx_hash[32], const uint8_t *sign_data, size_t sign_len)
{
    *out_n = 0;
    uint8_t digest[32];
    bts_dlvckpt_sign_digest(digest, sign_data, sign_len);
    if (n_votes == 0)
        return BT_OK;
    if (n_votes > ((size_t)1 << 24))
        return BT_ERANGE;
    uint8_t *tmp = malloc(n_votes * BTS_DLVSIDE_SIG_WORDS_LEN);
    if (!tmp)
        return BT_ENOMEM;
    size_t n = 0;
    bt_status st = bts_dlvside_collect_sigs(tmp, n_votes * BTS_DLVSIDE_SIG_WORDS_LEN, &n, votes,
                                            n_votes, tx_hash, digest);
    if (st == BT_OK && n)
        st = bts_buf_append(out, tmp, n * BTS_DLVSIDE_SIG_WORDS_LEN);
    free(tmp);
    if (st == BT_OK)
        *out_n = n;
    return st;
}
