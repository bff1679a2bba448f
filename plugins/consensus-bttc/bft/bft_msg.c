/* dlv/1 consensus messages: a compact RLP list, decoded strictly (one canonical form per
 * message, so a signature covers exactly one byte string and duplicates compare equal). */
#include <string.h>

#include <bts/buf.h>
#include <bts/keccak.h>
#include <bts/rlp.h>

#include "bft.h"

/* Writes into a caller array through a bts_buf, then checks the bound: encodings are tiny. */
static bt_status finish(struct bts_buf *b, uint8_t *out, size_t cap, size_t *out_len)
{
    if (b->len > cap) {
        bts_buf_free(b);
        return BT_EINVAL;
    }
    memcpy(out, b->data, b->len);
    *out_len = b->len;
    bts_buf_free(b);
    return BT_OK;
}

static int ext_none(const struct bft_msg *m)
{
    static const uint8_t zero[32];
    return memcmp(m->ext_hash, zero, 32) == 0;
}

static int msg_ok(const struct bft_msg *m)
{
    if (!ext_none(m) && (m->type != BFT_PRECOMMIT || !m->has_value))
        return 0; /* only a precommit for a value carries an extension */
    if (m->type < BFT_PROPOSAL || m->type > BFT_PRECOMMIT || m->height == 0 || m->round < 0 ||
        (uint32_t)m->round >= BFT_MAX_ROUND || m->validator >= BFT_MAX_VALIDATORS ||
        m->has_value > 1)
        return 0;
    if (m->type == BFT_PROPOSAL)
        return m->has_value && m->pol_round >= -1 && m->pol_round < m->round;
    return m->pol_round == -1;
}

/* The fields shared by a message and its sign bytes. */
static bt_status put_body(struct bts_buf *b, const struct bft_msg *m)
{
    bt_status st = bts_rlp_encode_u64(b, m->type);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, m->height);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, (uint64_t)m->round);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, (uint64_t)(m->pol_round + 1));
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(b, m->value, m->has_value ? 32 : 0);
    return st;
}

bt_status bft_msg_encode(const struct bft_msg *m, uint8_t out[BFT_MSG_MAX], size_t *out_len)
{
    *out_len = 0;
    if (!ext_none(m))
        return BT_EINVAL; /* its blob must travel with it: bft_msg_encode_ext */
    return bft_msg_encode_ext(m, NULL, 0, out, BFT_MSG_MAX, out_len);
}

bt_status bft_msg_encode_ext(const struct bft_msg *m, const uint8_t *ext, size_t ext_len,
                             uint8_t *out, size_t out_cap, size_t *out_len)
{
    struct bts_buf b;
    size_t mark;
    *out_len = 0;
    if (!msg_ok(m) || ext_len > BFT_EXT_MAX || (ext_len && !ext))
        return BT_EINVAL;
    if (ext_len) {
        uint8_t h[32];
        bts_keccak256(h, ext, ext_len);
        if (memcmp(h, m->ext_hash, 32) != 0)
            return BT_EINVAL;
    } else if (!ext_none(m)) {
        return BT_EINVAL;
    }
    bts_buf_init(&b);
    bt_status st = bts_rlp_list_begin(&b, &mark);
    if (st == BT_OK)
        st = put_body(&b, m);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(&b, m->validator);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&b, m->sig, BFT_SIG_LEN);
    if (st == BT_OK && ext_len)
        st = bts_rlp_encode_bytes(&b, ext, ext_len);
    if (st == BT_OK)
        st = bts_rlp_list_end(&b, mark);
    if (st != BT_OK) {
        bts_buf_free(&b);
        return st;
    }
    return finish(&b, out, out_cap, out_len);
}

bt_status bft_msg_sign_bytes(const char *chain_id, const struct bft_msg *m,
                             uint8_t out[BFT_MSG_MAX], size_t *out_len)
{
    struct bts_buf b;
    size_t mark;
    *out_len = 0;
    if (!msg_ok(m) || strlen(chain_id) > 64)
        return BT_EINVAL;
    bts_buf_init(&b);
    bt_status st = bts_rlp_list_begin(&b, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&b, "dlv/1", 5);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&b, chain_id, strlen(chain_id));
    if (st == BT_OK)
        st = put_body(&b, m);
    if (st == BT_OK && !ext_none(m))
        st = bts_rlp_encode_bytes(&b, m->ext_hash, 32); /* binds the side-tx results */
    if (st == BT_OK)
        st = bts_rlp_list_end(&b, mark);
    if (st != BT_OK) {
        bts_buf_free(&b);
        return st;
    }
    return finish(&b, out, BFT_MSG_MAX, out_len);
}

static bt_status next_u64(struct bts_rlp_iter *it, uint64_t *v)
{
    struct bts_rlp_item item;
    if (bts_rlp_iter_next(it, &item) != BT_OK || bts_rlp_item_u64(&item, v) != BT_OK)
        return BT_EINVAL;
    return BT_OK;
}

bt_status bft_msg_decode(struct bft_msg *out, const uint8_t *in, size_t in_len)
{
    const uint8_t *ext;
    size_t ext_len;
    if (in_len > BFT_MSG_MAX) {
        memset(out, 0, sizeof *out);
        return BT_EINVAL;
    }
    bt_status st = bft_msg_decode_ext(out, in, in_len, &ext, &ext_len);
    if (st == BT_OK && ext_len) {
        memset(out, 0, sizeof *out); /* the caller has nowhere to keep the blob */
        return BT_EINVAL;
    }
    return st;
}

bt_status bft_msg_decode_ext(struct bft_msg *out, const uint8_t *in, size_t in_len,
                             const uint8_t **out_ext, size_t *out_ext_len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    struct bft_msg m;
    uint64_t type, height, round, pol, validator;
    const uint8_t *p;
    size_t n;

    memset(out, 0, sizeof *out);
    memset(&m, 0, sizeof m);
    *out_ext = NULL;
    *out_ext_len = 0;
    if (in == NULL || in_len == 0 || in_len > BFT_WIRE_MAX ||
        bts_rlp_decode_max_depth(&top, in, in_len, 1) != BT_OK || !top.is_list)
        return BT_EINVAL;
    bts_rlp_iter_init(&it, &top);
    if (next_u64(&it, &type) != BT_OK || next_u64(&it, &height) != BT_OK ||
        next_u64(&it, &round) != BT_OK || next_u64(&it, &pol) != BT_OK)
        return BT_EINVAL;
    if (type < BFT_PROPOSAL || type > BFT_PRECOMMIT || round >= BFT_MAX_ROUND || pol > round)
        return BT_EINVAL;
    if (bts_rlp_iter_next(&it, &item) != BT_OK || bts_rlp_item_bytes(&item, &p, &n) != BT_OK ||
        (n != 0 && n != 32))
        return BT_EINVAL;
    m.type = (uint8_t)type;
    m.height = height;
    m.round = (int32_t)round;
    m.pol_round = (int32_t)pol - 1;
    m.has_value = n == 32;
    if (n)
        memcpy(m.value, p, 32);
    if (next_u64(&it, &validator) != BT_OK || validator >= BFT_MAX_VALIDATORS)
        return BT_EINVAL;
    m.validator = (uint32_t)validator;
    if (bts_rlp_iter_next(&it, &item) != BT_OK ||
        bts_rlp_item_fixed(&item, m.sig, BFT_SIG_LEN) != BT_OK)
        return BT_EINVAL;
    const uint8_t *ext = NULL;
    size_t ext_len = 0;
    bt_status st = bts_rlp_iter_next(&it, &item);
    if (st == BT_OK) { /* the extension: present only when non-empty (one canonical form) */
        if (bts_rlp_item_bytes(&item, &ext, &ext_len) != BT_OK || ext_len == 0 ||
            ext_len > BFT_EXT_MAX)
            return BT_EINVAL;
        bts_keccak256(m.ext_hash, ext, ext_len);
        st = bts_rlp_iter_next(&it, &item);
    }
    if (st != BT_ENOTFOUND || !msg_ok(&m))
        return BT_EINVAL;
    *out = m;
    *out_ext = ext;
    *out_ext_len = ext_len;
    return BT_OK;
}
