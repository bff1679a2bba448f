/* The exit payload of PROTOCOL.md §5.4: its RLP form, and the checks the root chain runs on it
 * (MerklePatriciaProof.verify, WithdrawManager's inclusion check, ERC20Predicate's log read),
 * re-implemented from the contracts' rules so a payload is known good before it is sent. */
#include <bts/exitproof.h>

#include <string.h>

#include <bts/keccak.h>
#include <bts/merkle.h>
#include <bts/receipt.h>
#include <bts/rlp.h>

/* keccak("Withdraw(address,address,uint256,uint256,uint256)") */
const uint8_t bts_exit_withdraw_topic[32] = {
    0xeb, 0xff, 0x26, 0x02, 0xb3, 0xf4, 0x68, 0x25, 0x9e, 0x1e, 0x99, 0xf6, 0x13, 0xfe, 0xd6, 0x69,
    0x1f, 0x3a, 0x65, 0x26, 0xef, 0xfe, 0x6e, 0xf3, 0xe7, 0x68, 0xba, 0x7a, 0xe7, 0xa3, 0x6c, 0x4f};

bt_status bts_exit_payload_encode(struct bts_buf *out, const struct bts_exit_payload *p)
{
    if (p->receipt_len == 0 || p->receipt_proof_len == 0 || p->branch_mask_len == 0 ||
        p->block_proof_len % 32 != 0)
        return BT_EINVAL;
    size_t mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, p->header_number);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, p->block_proof, p->block_proof_len);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, p->block_number);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, p->block_time);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, p->tx_root, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, p->receipt_root, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, p->receipt, p->receipt_len);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, p->receipt_proof, p->receipt_proof_len);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, p->branch_mask, p->branch_mask_len);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, p->log_index);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

/* A string item of at most 32 bytes as a left-padded big-endian word (the contract's toUint). */
static bt_status item_word(const struct bts_rlp_item *it, uint8_t out[32])
{
    const uint8_t *p;
    size_t n;
    if (bts_rlp_item_bytes(it, &p, &n) != BT_OK || n > 32)
        return BT_EPROTO;
    memset(out, 0, 32);
    memcpy(out + 32 - n, p, n);
    return BT_OK;
}

bt_status bts_exit_payload_decode(struct bts_exit_payload *out, const uint8_t *in, size_t in_len)
{
    memset(out, 0, sizeof(*out));
    struct bts_rlp_item top, it[10];
    struct bts_rlp_iter iter;
    if (bts_rlp_decode(&top, in, in_len) != BT_OK || !top.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&iter, &top);
    for (size_t i = 0; i < 10; i++)
        if (bts_rlp_iter_next(&iter, &it[i]) != BT_OK || it[i].is_list)
            return BT_EPROTO;
    struct bts_exit_payload p;
    memset(&p, 0, sizeof(p));
    if (bts_rlp_item_u64(&it[0], &p.header_number) != BT_OK ||
        bts_rlp_item_bytes(&it[1], &p.block_proof, &p.block_proof_len) != BT_OK ||
        bts_rlp_item_u64(&it[2], &p.block_number) != BT_OK ||
        bts_rlp_item_u64(&it[3], &p.block_time) != BT_OK || item_word(&it[4], p.tx_root) ||
        item_word(&it[5], p.receipt_root) ||
        bts_rlp_item_bytes(&it[6], &p.receipt, &p.receipt_len) != BT_OK ||
        bts_rlp_item_bytes(&it[7], &p.receipt_proof, &p.receipt_proof_len) != BT_OK ||
        bts_rlp_item_bytes(&it[8], &p.branch_mask, &p.branch_mask_len) != BT_OK ||
        bts_rlp_item_u64(&it[9], &p.log_index) != BT_OK)
        return BT_EPROTO;
    *out = p;
    return BT_OK;
}

size_t bts_exit_branch_mask(uint8_t out[BTS_EXIT_MASK_MAX], uint64_t tx_index)
{
    out[0] = 0x00; /* hex-prefix flag 0: extension-style (not a leaf), even nibble count */
    return 1 + bts_receipt_index_key(out + 1, tx_index);
}

/* Hex-prefix decoding (Yellow Paper appendix C) into nibbles. Returns the nibble count, or
 * (size_t)-1 for an empty input or a flag above 3 (the contract reverts there). */
static size_t hex_prefix(uint8_t *nib, size_t cap, const uint8_t *b, size_t n, int *out_leaf)
{
    if (n == 0 || (b[0] >> 4) > 3 || 2 * n > cap + 1)
        return (size_t)-1;
    int odd = b[0] & 0x10;
    *out_leaf = (b[0] >> 4) >= 2;
    size_t j = 0;
    if (odd)
        nib[j++] = b[0] & 0x0f;
    for (size_t i = 1; i < n; i++) {
        nib[j++] = b[i] >> 4;
        nib[j++] = b[i] & 0x0f;
    }
    return j;
}

/* A child reference: a 32-byte string (anything else cannot match a node's hash). */
static int child_ref(const struct bts_rlp_item *it, uint8_t out[32])
{
    if (it->is_list || it->payload_len != 32)
        return 0;
    memcpy(out, it->payload, 32);
    return 1;
}

static int value_is(const struct bts_rlp_item *it, const uint8_t want_hash[32])
{
    uint8_t h[32];
    if (it->is_list)
        return 0;
    bts_keccak256(h, it->payload, it->payload_len);
    return memcmp(h, want_hash, 32) == 0;
}

bt_status bts_exit_mpt_verify(const uint8_t *value, size_t value_len, const uint8_t *mask,
                              size_t mask_len, const uint8_t *proof, size_t proof_len,
                              const uint8_t root[32])
{
    uint8_t path[2 * 32 + 2], part[2 * 600], want[32], value_hash[32];
    int is_leaf = 0;
    if (mask_len > 32)
        return BT_EPROTO;
    size_t path_len = hex_prefix(path, sizeof(path), mask, mask_len, &is_leaf);
    if (path_len == (size_t)-1 || path_len == 0)
        return BT_EPROTO;
    struct bts_rlp_item nodes, node;
    struct bts_rlp_iter it;
    if (bts_rlp_decode(&nodes, proof, proof_len) != BT_OK || !nodes.is_list)
        return BT_EPROTO;
    bts_keccak256(value_hash, value, value_len);
    memcpy(want, root, 32);
    size_t used = 0;
    bts_rlp_iter_init(&it, &nodes);
    while (bts_rlp_iter_next(&it, &node) == BT_OK) {
        uint8_t h[32];
        bts_keccak256(h, node.raw, node.raw_len);
        if (memcmp(h, want, 32) != 0 || !node.is_list)
            return BT_EPROTO;
        struct bts_rlp_item f[17], extra;
        struct bts_rlp_iter fi;
        size_t n = 0;
        bts_rlp_iter_init(&fi, &node);
        while (n < 17 && bts_rlp_iter_next(&fi, &f[n]) == BT_OK)
            n++;
        if (n == 17 && bts_rlp_iter_next(&fi, &extra) == BT_OK)
            return BT_EPROTO; /* 18 or more fields */
        if (n == 17) {
            if (used == path_len)
                return value_is(&f[16], value_hash) ? BT_OK : BT_EPROTO;
            if (!child_ref(&f[path[used]], want))
                return BT_EPROTO;
            used++;
        } else if (n == 2) {
            if (f[0].is_list)
                return BT_EPROTO;
            size_t k = hex_prefix(part, sizeof(part), f[0].payload, f[0].payload_len, &is_leaf);
            if (k == (size_t)-1 || used + k > path_len || memcmp(part, path + used, k) != 0)
                return BT_EPROTO;
            used += k;
            if (is_leaf)
                return used == path_len && value_is(&f[1], value_hash) ? BT_OK : BT_EPROTO;
            if (!child_ref(&f[1], want))
                return BT_EPROTO;
        } else {
            return BT_EPROTO;
        }
    }
    return BT_EPROTO; /* the proof ended before the value */
}

bt_status bts_exit_payload_verify(const struct bts_exit_payload *p,
                                  const uint8_t checkpoint_root[32], uint64_t checkpoint_start,
                                  const char **out_why)
{
    const char *why = "";
    uint8_t leaf[32];
    if (bts_exit_mpt_verify(p->receipt, p->receipt_len, p->branch_mask, p->branch_mask_len,
                            p->receipt_proof, p->receipt_proof_len, p->receipt_root) != BT_OK) {
        why = "INVALID_RECEIPT_MERKLE_PROOF";
    } else if (p->block_number < checkpoint_start) {
        why = "WITHDRAW_BLOCK_NOT_A_PART_OF_SUBMITTED_HEADER";
    } else {
        bts_merkle_leaf(leaf, p->block_number, p->block_time, p->tx_root, p->receipt_root);
        if (bts_merkle_verify(checkpoint_root, leaf, p->block_number - checkpoint_start,
                              p->block_proof, p->block_proof_len) != BT_OK)
            why = "WITHDRAW_BLOCK_NOT_A_PART_OF_SUBMITTED_HEADER";
    }
    if (!*why) {
        /* read as a big-endian integer the mask must fit 32 bits: at most 4 bytes once
         * leading zero bytes are dropped (its length is <= 32: the MPT check refuses more) */
        size_t lead = 0;
        while (lead < p->branch_mask_len && p->branch_mask[lead] == 0)
            lead++;
        if (p->branch_mask_len - lead > 4)
            why = "Branch mask should be 32 bits";
        /* "block number too large" (>= 2^95) cannot happen with a 64-bit block number */
    }
    if (out_why)
        *out_why = why;
    return *why ? BT_EPROTO : BT_OK;
}

bt_status bts_exit_burn_log(struct bts_exit_burn *out, const uint8_t *receipt, size_t receipt_len,
                            uint64_t log_index)
{
    if (receipt_len > 0 && receipt[0] < 0x80) { /* typed receipt: type ‖ rlp */
        receipt++;
        receipt_len--;
    }
    struct bts_rlp_item r, f, logs, log, addr, topics, data, t;
    struct bts_rlp_iter it;
    size_t n = 0;
    if (bts_rlp_decode(&r, receipt, receipt_len) != BT_OK || !r.is_list ||
        bts_rlp_list_count(&r, &n) != BT_OK || n != 4)
        return BT_EPROTO;
    bts_rlp_iter_init(&it, &r);
    for (int i = 0; i < 4; i++)
        if (bts_rlp_iter_next(&it, &f) != BT_OK)
            return BT_EPROTO;
    logs = f;
    if (!logs.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&it, &logs);
    for (uint64_t i = 0; i <= log_index; i++)
        if (bts_rlp_iter_next(&it, &log) != BT_OK)
            return BT_ENOTFOUND;
    struct bts_rlp_iter li;
    if (!log.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&li, &log);
    if (bts_rlp_iter_next(&li, &addr) != BT_OK || bts_rlp_iter_next(&li, &topics) != BT_OK ||
        bts_rlp_iter_next(&li, &data) != BT_OK || bts_rlp_iter_next(&li, &t) == BT_OK ||
        addr.is_list || addr.payload_len != 20 || !topics.is_list || data.is_list)
        return BT_EPROTO;
    uint8_t w[3][32];
    size_t k = 0;
    bts_rlp_iter_init(&li, &topics);
    while (bts_rlp_iter_next(&li, &t) == BT_OK) {
        if (k == 3 || item_word(&t, w[k]) != BT_OK)
            return BT_EINVAL;
        k++;
    }
    if (k != 3 || memcmp(w[0], bts_exit_withdraw_topic, 32) != 0 || data.payload_len < 32)
        return BT_EINVAL;
    memcpy(out->child_token, addr.payload, 20);
    memcpy(out->root_token, w[1] + 12, 20);
    memcpy(out->exitor, w[2] + 12, 20);
    memcpy(out->amount, data.payload, 32);
    return BT_OK;
}
