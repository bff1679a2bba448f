/* Strict RLP decoder (bts/rlp.h): header parsing with every canonical-form check, whole-tree
 * validation without recursion, list iteration. Yellow Paper appendix B defines one encoding per
 * value; go-ethereum (rlp/decode.go) rejects every other one, and so do we, because a consensus
 * hash over a re-encoding must equal the hash over the bytes received. */
#include <bts/rlp.h>

#include <stdlib.h>
#include <string.h>

/* Parse the header of the item at `p`, which must lie within `left` bytes. */
static bt_status parse_item(struct bts_rlp_item *out, const uint8_t *p, size_t left)
{
    if (left == 0)
        return BTS_RLP_ETRUNCATED;
    uint8_t b = p[0];
    if (b < 0x80) {
        *out = (struct bts_rlp_item){p, 1, p, 1, 0};
        return BT_OK;
    }
    int is_list = b >= 0xc0;
    uint8_t base = is_list ? 0xc0 : 0x80;
    size_t hl, len;
    if (b - base < 56) {
        hl = 1;
        len = (size_t)(b - base);
    } else {
        size_t ll = (size_t)(b - base - 55); /* 1..8 */
        if (left - 1 < ll)
            return BTS_RLP_ETRUNCATED;
        if (p[1] == 0)
            return BTS_RLP_ENONCANON_LEN;
        uint64_t v = 0;
        for (size_t i = 1; i <= ll; i++)
            v = v << 8 | p[i];
        if (v < 56)
            return BTS_RLP_ENONCANON_LEN;
        if (v > SIZE_MAX)
            return BTS_RLP_ELEN_OVERFLOW;
        hl = 1 + ll;
        len = (size_t)v;
    }
    if (len > left - hl)
        return BTS_RLP_ELEN_OVERFLOW;
    if (!is_list && len == 1 && hl == 1 && p[1] < 0x80)
        return BTS_RLP_ESINGLE_BYTE;
    *out = (struct bts_rlp_item){p + hl, len, p, hl + len, is_list};
    return BT_OK;
}

bt_status bts_rlp_decode_prefix(struct bts_rlp_item *out, const uint8_t *in, size_t in_len)
{
    bt_status st = parse_item(out, in, in_len);
    if (st != BT_OK)
        memset(out, 0, sizeof(*out));
    return st;
}

/* Walk every nested item of `top` (already parsed, spanning the input). Each open list's end
 * goes on an explicit stack: 64 levels live here, deeper nesting grows a heap copy up to
 * max_depth, so input can never exhaust the call stack. */
static bt_status validate_tree(const struct bts_rlp_item *top, size_t max_depth)
{
    if (!top->is_list)
        return BT_OK;
    if (max_depth < 1)
        return BTS_RLP_ETOO_DEEP;
    const uint8_t *local[64];
    const uint8_t **ends = local;
    size_t cap = BTS_ARRAY_SIZE(local), depth = 0;
    bt_status st = BT_OK;
    ends[depth++] = top->payload + top->payload_len;
    const uint8_t *p = top->payload;
    while (depth > 0) {
        if (p == ends[depth - 1]) {
            depth--;
            continue;
        }
        struct bts_rlp_item it;
        st = parse_item(&it, p, (size_t)(ends[depth - 1] - p));
        if (st != BT_OK)
            goto out;
        if (!it.is_list) {
            p += it.raw_len;
            continue;
        }
        if (depth >= max_depth) {
            st = BTS_RLP_ETOO_DEEP;
            goto out;
        }
        if (depth == cap) {
            size_t ncap = cap * 2 < max_depth ? cap * 2 : max_depth;
            const uint8_t **n = malloc(ncap * sizeof(*n));
            if (!n) {
                st = BT_ENOMEM;
                goto out;
            }
            memcpy(n, ends, depth * sizeof(*n));
            if (ends != local)
                free(ends);
            ends = n;
            cap = ncap;
        }
        ends[depth++] = it.payload + it.payload_len;
        p = it.payload;
    }
out:
    if (ends != local)
        free(ends);
    return st;
}

bt_status bts_rlp_decode_max_depth(struct bts_rlp_item *out, const uint8_t *in, size_t in_len,
                                   size_t max_depth)
{
    bt_status st = parse_item(out, in, in_len);
    if (st == BT_OK && out->raw_len != in_len)
        st = BTS_RLP_ETRAILING;
    if (st == BT_OK)
        st = validate_tree(out, max_depth);
    if (st != BT_OK)
        memset(out, 0, sizeof(*out));
    return st;
}

bt_status bts_rlp_decode(struct bts_rlp_item *out, const uint8_t *in, size_t in_len)
{
    return bts_rlp_decode_max_depth(out, in, in_len, BTS_RLP_MAX_DEPTH);
}

bt_status bts_rlp_validate(const uint8_t *in, size_t in_len, size_t max_depth)
{
    struct bts_rlp_item top;
    return bts_rlp_decode_max_depth(&top, in, in_len, max_depth);
}

void bts_rlp_iter_init(struct bts_rlp_iter *it, const struct bts_rlp_item *list)
{
    it->p = list->is_list ? list->payload : NULL;
    it->left = list->is_list ? list->payload_len : 0;
}

bt_status bts_rlp_iter_next(struct bts_rlp_iter *it, struct bts_rlp_item *out)
{
    memset(out, 0, sizeof(*out));
    if (!it->p)
        return BTS_RLP_EWRONG_TYPE;
    if (it->left == 0)
        return BT_ENOTFOUND;
    bt_status st = parse_item(out, it->p, it->left);
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    it->p += out->raw_len;
    it->left -= out->raw_len;
    return BT_OK;
}

bt_status bts_rlp_list_count(const struct bts_rlp_item *list, size_t *out_n)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item item;
    size_t n = 0;
    bt_status st;
    *out_n = 0;
    bts_rlp_iter_init(&it, list);
    while ((st = bts_rlp_iter_next(&it, &item)) == BT_OK)
        n++;
    if (st != BT_ENOTFOUND)
        return st;
    *out_n = n;
    return BT_OK;
}
