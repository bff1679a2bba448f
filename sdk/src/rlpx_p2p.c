/* The "p2p" capability of RLPx (devp2p rlpx.md "p2p Capability"): Hello, Disconnect, message
 * ids and capability negotiation. Decoders follow EIP-8: extra list elements are ignored. */
#include <bts/rlpx.h>

#include <stdlib.h>
#include <string.h>

#include "rlp_wire_int.h"

const char *bts_rlpx_reason_str(uint64_t reason)
{
    static const char *const names[] = {
        "disconnect requested",     "network error",
        "breach of protocol",       "useless peer",
        "too many peers",           "already connected",
        "incompatible p2p version", "invalid node identity",
        "client quitting",          "unexpected identity",
        "connected to self",        "read timeout",
    };
    if (reason < BTS_ARRAY_SIZE(names))
        return names[reason];
    if (reason == BTS_RLPX_DISC_SUBPROTOCOL_ERROR)
        return "subprotocol error";
    return "unknown reason";
}

static int cap_name_ok(const char *name)
{
    size_t n = strnlen(name, BTS_RLPX_CAP_NAME_MAX + 1);
    return n > 0 && n <= BTS_RLPX_CAP_NAME_MAX;
}

bt_status bts_rlpx_hello_encode(struct bts_buf *out, const struct bts_rlpx_hello *hello)
{
    if (hello->n_caps > BTS_RLPX_MAX_CAPS)
        return BT_EINVAL;
    for (size_t i = 0; i < hello->n_caps; i++)
        if (!cap_name_ok(hello->caps[i].name))
            return BT_EINVAL;
    size_t mark, caps_mark, cap_mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, hello->version);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, hello->client_id, hello->client_id_len);
    if (st == BT_OK)
        st = bts_rlp_list_begin(out, &caps_mark);
    for (size_t i = 0; st == BT_OK && i < hello->n_caps; i++) {
        const struct bts_rlpx_cap *c = &hello->caps[i];
        st = bts_rlp_list_begin(out, &cap_mark);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(out, c->name, strlen(c->name));
        if (st == BT_OK)
            st = bts_rlp_encode_u64(out, c->version);
        if (st == BT_OK)
            st = bts_rlp_list_end(out, cap_mark);
    }
    if (st == BT_OK)
        st = bts_rlp_list_end(out, caps_mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, hello->listen_port);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, hello->id, 64);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

static bt_status decode_cap(struct bts_rlpx_cap *out, const struct bts_rlp_item *cap)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item name, ver;
    const uint8_t *p;
    size_t n;
    uint64_t v;
    if (!cap->is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&it, cap);
    if (rlp_wire_next(&it, &name) != BT_OK || rlp_wire_next(&it, &ver) != BT_OK ||
        bts_rlp_item_bytes(&name, &p, &n) != BT_OK || n == 0 || n > BTS_RLPX_CAP_NAME_MAX ||
        memchr(p, 0, n) || bts_rlp_item_u64(&ver, &v) != BT_OK || v > UINT32_MAX)
        return BT_EPROTO;
    memcpy(out->name, p, n);
    out->name[n] = 0;
    out->version = (uint32_t)v;
    return BT_OK;
}

bt_status bts_rlpx_hello_decode(struct bts_rlpx_hello *out, const uint8_t *in, size_t in_len)
{
    memset(out, 0, sizeof(*out));
    struct bts_rlp_item top, item, caps, cap;
    struct bts_rlp_iter it, cit;
    bt_status st = BT_EPROTO;
    if (bts_rlp_decode_prefix(&top, in, in_len) != BT_OK || !top.is_list)
        goto fail;
    bts_rlp_iter_init(&it, &top);
    if (rlp_wire_next(&it, &item) != BT_OK || bts_rlp_item_u64(&item, &out->version) != BT_OK)
        goto fail;
    if (rlp_wire_next(&it, &item) != BT_OK ||
        bts_rlp_item_bytes(&item, &out->client_id, &out->client_id_len) != BT_OK ||
        out->client_id_len > BTS_RLPX_CLIENT_ID_MAX)
        goto fail;
    if (rlp_wire_next(&it, &caps) != BT_OK || !caps.is_list)
        goto fail;
    bts_rlp_iter_init(&cit, &caps);
    bt_status cst;
    while ((cst = bts_rlp_iter_next(&cit, &cap)) == BT_OK) {
        if (out->n_caps == BTS_RLPX_MAX_CAPS || decode_cap(&out->caps[out->n_caps], &cap) != BT_OK)
            goto fail;
        out->n_caps++;
    }
    if (cst != BT_ENOTFOUND)
        goto fail;
    if (rlp_wire_next(&it, &item) != BT_OK || bts_rlp_item_u64(&item, &out->listen_port) != BT_OK)
        goto fail;
    if (rlp_wire_next(&it, &item) != BT_OK || bts_rlp_item_fixed(&item, out->id, 64) != BT_OK)
        goto fail;
    return BT_OK;
fail:
    memset(out, 0, sizeof(*out));
    return st;
}

bt_status bts_rlpx_disconnect_encode(struct bts_buf *out, uint64_t reason)
{
    bt_status st = bts_rlp_encode_list_header(out, bts_rlp_u64_len(reason));
    return st == BT_OK ? bts_rlp_encode_u64(out, reason) : st;
}

bt_status bts_rlpx_disconnect_decode(uint64_t *out_reason, const uint8_t *in, size_t in_len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    *out_reason = 0;
    if (bts_rlp_decode_prefix(&top, in, in_len) != BT_OK)
        return BT_EPROTO;
    if (!top.is_list) /* older clients send the bare integer */
        return bts_rlp_item_u64(&top, out_reason) == BT_OK ? BT_OK : BT_EPROTO;
    bts_rlp_iter_init(&it, &top);
    bt_status st = bts_rlp_iter_next(&it, &item);
    if (st == BT_ENOTFOUND)
        return BT_OK;
    if (st != BT_OK || bts_rlp_item_u64(&item, out_reason) != BT_OK) {
        *out_reason = 0;
        return BT_EPROTO;
    }
    return BT_OK;
}

bt_status bts_rlpx_msg_split(uint64_t *out_code, const uint8_t **out_data, size_t *out_data_len,
                             const uint8_t *frame, size_t frame_len)
{
    struct bts_rlp_item id;
    *out_code = 0;
    *out_data = NULL;
    *out_data_len = 0;
    if (bts_rlp_decode_prefix(&id, frame, frame_len) != BT_OK ||
        bts_rlp_item_u64(&id, out_code) != BT_OK) {
        *out_code = 0;
        return BT_EPROTO;
    }
    *out_data = frame + id.raw_len;
    *out_data_len = frame_len - id.raw_len;
    return BT_OK;
}

bt_status bts_rlpx_msg_build(struct bts_buf *out, uint64_t code, const uint8_t *data,
                             size_t data_len)
{
    bt_status st = bts_rlp_encode_u64(out, code);
    return st == BT_OK ? bts_buf_append(out, data, data_len) : st;
}

bt_status bts_rlpx_caps_negotiate(struct bts_rlpx_shared_cap *out, size_t *out_n,
                                  const struct bts_rlpx_cap *local, const uint64_t *lengths,
                                  size_t n_local, const struct bts_rlpx_cap *remote,
                                  size_t n_remote)
{
    size_t n = 0;
    /* Highest version per name that both sides list. */
    for (size_t i = 0; i < n_local; i++) {
        int both = 0;
        for (size_t j = 0; j < n_remote && !both; j++)
            both = !strcmp(local[i].name, remote[j].name) && local[i].version == remote[j].version;
        if (!both)
            continue;
        size_t k = 0;
        while (k < n && strcmp(out[k].cap.name, local[i].name) != 0)
            k++;
        if (k < n) {
            if (local[i].version > out[k].cap.version) {
                out[k].cap = local[i];
                out[k].length = lengths[i];
            }
            continue;
        }
        if (n == BTS_RLPX_MAX_CAPS)
            continue;
        out[n].cap = local[i];
        out[n].length = lengths[i];
        n++;
    }
    /* Alphabetical order (byte-wise: names are case-sensitive), then consecutive ranges. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(out[j - 1].cap.name, out[j].cap.name) > 0; j--) {
            struct bts_rlpx_shared_cap t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    uint64_t off = BTS_RLPX_MSG_BASE;
    for (size_t i = 0; i < n; i++) {
        out[i].offset = off;
        off += out[i].length;
    }
    *out_n = n;
    return BT_OK;
}
