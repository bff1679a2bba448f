/* Discovery v4 packets (devp2p discv4.md; leniency rules from EIP-8: extra list elements and
 * trailing bytes ignored, Ping version unchecked, unknown types dropped). */
#include <bts/discv4.h>

#include <string.h>

#include <bts/keccak.h>
#include <bts/secp.h>

#include "rlp_wire_int.h"

static bt_status port(struct bts_rlp_iter *it, uint16_t *out)
{
    uint64_t v;
    if (rlp_wire_next_u64(it, &v) != BT_OK || v > 0xffff)
        return BT_EPROTO;
    *out = (uint16_t)v;
    return BT_OK;
}

/* [ip, udp-port, tcp-port, ...]: an address that is neither 4 nor 16 bytes reads as "none"
 * (ip_len 0), as go-ethereum's net.IP decoding does. */
static bt_status endpoint_items(struct bts_rlp_iter *it, struct bts_discv4_endpoint *ep)
{
    struct bts_rlp_item ip;
    const uint8_t *p;
    size_t n;
    if (rlp_wire_next(it, &ip) != BT_OK || bts_rlp_item_bytes(&ip, &p, &n) != BT_OK)
        return BT_EPROTO;
    if (n == 4 || n == 16) {
        memcpy(ep->ip, p, n);
        ep->ip_len = (uint8_t)n;
    }
    if (port(it, &ep->udp_port) != BT_OK || port(it, &ep->tcp_port) != BT_OK)
        return BT_EPROTO;
    return BT_OK;
}

static bt_status endpoint(struct bts_rlp_iter *it, struct bts_discv4_endpoint *ep)
{
    struct bts_rlp_item list;
    struct bts_rlp_iter lit;
    if (rlp_wire_next(it, &list) != BT_OK || !list.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&lit, &list);
    return endpoint_items(&lit, ep);
}

/* The optional enr-seq of Ping and Pong (EIP-868): taken if the next element is an integer,
 * otherwise the packet is treated as one without it (EIP-8 extra elements). */
static void enr_seq(struct bts_rlp_iter *it, uint64_t *out, int *has)
{
    struct bts_rlp_item item;
    if (bts_rlp_iter_next(it, &item) == BT_OK && bts_rlp_item_u64(&item, out) == BT_OK)
        *has = 1;
    else
        *out = 0;
}

static bt_status neighbors(struct bts_rlp_iter *it, struct bts_discv4_packet *p)
{
    struct bts_rlp_item list, node;
    struct bts_rlp_iter lit, nit;
    bt_status st;
    if (rlp_wire_next(it, &list) != BT_OK || !list.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&lit, &list);
    while ((st = bts_rlp_iter_next(&lit, &node)) == BT_OK) {
        size_t i = p->u.neighbors.n_nodes;
        if (i == BTS_DISCV4_MAX_NEIGHBORS || !node.is_list)
            return BT_EPROTO;
        bts_rlp_iter_init(&nit, &node);
        if (endpoint_items(&nit, &p->u.neighbors.nodes[i].ep) != BT_OK ||
            rlp_wire_next_fixed(&nit, p->u.neighbors.nodes[i].id, 64) != BT_OK)
            return BT_EPROTO;
        p->u.neighbors.n_nodes++;
    }
    if (st != BT_ENOTFOUND)
        return BT_EPROTO;
    return rlp_wire_next_u64(it, &p->expiration);
}

static bt_status decode_data(struct bts_discv4_packet *p, const uint8_t *data, size_t len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    /* Bytes after the list are ignored (EIP-8), so only the first item is decoded. */
    if (bts_rlp_decode_prefix(&top, data, len) != BT_OK || !top.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&it, &top);
    switch (p->type) {
    case BTS_DISCV4_PING:
        if (rlp_wire_next_u64(&it, &p->u.ping.version) != BT_OK || endpoint(&it, &p->u.ping.from) ||
            endpoint(&it, &p->u.ping.to) || rlp_wire_next_u64(&it, &p->expiration) != BT_OK)
            return BT_EPROTO;
        enr_seq(&it, &p->u.ping.enr_seq, &p->u.ping.has_enr_seq);
        return BT_OK;
    case BTS_DISCV4_PONG:
        if (endpoint(&it, &p->u.pong.to) || rlp_wire_next_fixed(&it, p->u.pong.ping_hash, 32) ||
            rlp_wire_next_u64(&it, &p->expiration) != BT_OK)
            return BT_EPROTO;
        enr_seq(&it, &p->u.pong.enr_seq, &p->u.pong.has_enr_seq);
        return BT_OK;
    case BTS_DISCV4_FINDNODE:
        if (rlp_wire_next_fixed(&it, p->u.findnode.target, 64) ||
            rlp_wire_next_u64(&it, &p->expiration))
            return BT_EPROTO;
        return BT_OK;
    case BTS_DISCV4_NEIGHBORS:
        return neighbors(&it, p);
    case BTS_DISCV4_ENR_REQUEST:
        return rlp_wire_next_u64(&it, &p->expiration);
    case BTS_DISCV4_ENR_RESPONSE:
        if (rlp_wire_next_fixed(&it, p->u.enr_response.request_hash, 32) ||
            rlp_wire_next(&it, &item) || !item.is_list)
            return BT_EPROTO;
        p->u.enr_response.enr = item.raw;
        p->u.enr_response.enr_len = item.raw_len;
        return BT_OK;
    }
    return BT_ENOTSUP;
}

bt_status bts_discv4_decode(struct bts_discv4_packet *out, const uint8_t *pkt, size_t pkt_len)
{
    memset(out, 0, sizeof(*out));
    if (pkt_len < BTS_DISCV4_HEADER_LEN || pkt_len > BTS_DISCV4_MAX_PACKET)
        return BT_EPROTO;
    uint8_t h[32], digest[32], pub[65];
    bts_keccak256(h, pkt + 32, pkt_len - 32);
    if (memcmp(h, pkt, 32) != 0)
        return BT_EPROTO;
    int type = pkt[97];
    if (type < BTS_DISCV4_PING || type > BTS_DISCV4_ENR_RESPONSE)
        return BT_ENOTSUP;
    /* signature = sign(keccak256(packet-type || packet-data)), v in {0, 1}. */
    bts_keccak256(digest, pkt + 97, pkt_len - 97);
    if (pkt[96] > 1 || bts_secp_recover_pubkey(pub, digest, pkt + 32, 0) != BT_OK)
        return BT_EPROTO;
    out->type = type;
    bt_status st = decode_data(out, pkt + 98, pkt_len - 98);
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    memcpy(out->hash, h, 32);
    memcpy(out->node_id, pub + 1, 64);
    return BT_OK;
}

static bt_status enc_endpoint_items(struct bts_buf *b, const struct bts_discv4_endpoint *ep)
{
    if (ep->ip_len != 0 && ep->ip_len != 4 && ep->ip_len != 16)
        return BT_EINVAL;
    bt_status st = bts_rlp_encode_bytes(b, ep->ip, ep->ip_len);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, ep->udp_port);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, ep->tcp_port);
    return st;
}

static bt_status enc_endpoint(struct bts_buf *b, const struct bts_discv4_endpoint *ep)
{
    size_t mark;
    bt_status st = bts_rlp_list_begin(b, &mark);
    if (st == BT_OK)
        st = enc_endpoint_items(b, ep);
    if (st == BT_OK)
        st = bts_rlp_list_end(b, mark);
    return st;
}

static bt_status encode_data(struct bts_buf *b, const struct bts_discv4_packet *p)
{
    size_t mark, nodes_mark, node_mark;
    bt_status st = bts_rlp_list_begin(b, &mark);
    if (st != BT_OK)
        return st;
    switch (p->type) {
    case BTS_DISCV4_PING:
        st = bts_rlp_encode_u64(b, p->u.ping.version);
        if (st == BT_OK)
            st = enc_endpoint(b, &p->u.ping.from);
        if (st == BT_OK)
            st = enc_endpoint(b, &p->u.ping.to);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(b, p->expiration);
        if (st == BT_OK && p->u.ping.has_enr_seq)
            st = bts_rlp_encode_u64(b, p->u.ping.enr_seq);
        break;
    case BTS_DISCV4_PONG:
        st = enc_endpoint(b, &p->u.pong.to);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(b, p->u.pong.ping_hash, 32);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(b, p->expiration);
        if (st == BT_OK && p->u.pong.has_enr_seq)
            st = bts_rlp_encode_u64(b, p->u.pong.enr_seq);
        break;
    case BTS_DISCV4_FINDNODE:
        st = bts_rlp_encode_bytes(b, p->u.findnode.target, 64);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(b, p->expiration);
        break;
    case BTS_DISCV4_NEIGHBORS:
        if (p->u.neighbors.n_nodes > BTS_DISCV4_MAX_NEIGHBORS)
            return BT_EINVAL;
        st = bts_rlp_list_begin(b, &nodes_mark);
        for (size_t i = 0; st == BT_OK && i < p->u.neighbors.n_nodes; i++) {
            st = bts_rlp_list_begin(b, &node_mark);
            if (st == BT_OK)
                st = enc_endpoint_items(b, &p->u.neighbors.nodes[i].ep);
            if (st == BT_OK)
                st = bts_rlp_encode_bytes(b, p->u.neighbors.nodes[i].id, 64);
            if (st == BT_OK)
                st = bts_rlp_list_end(b, node_mark);
        }
        if (st == BT_OK)
            st = bts_rlp_list_end(b, nodes_mark);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(b, p->expiration);
        break;
    case BTS_DISCV4_ENR_REQUEST:
        st = bts_rlp_encode_u64(b, p->expiration);
        break;
    case BTS_DISCV4_ENR_RESPONSE:
        st = bts_rlp_encode_bytes(b, p->u.enr_response.request_hash, 32);
        if (st == BT_OK)
            st = bts_rlp_encode_raw(b, p->u.enr_response.enr, p->u.enr_response.enr_len);
        break;
    default: /* p->type is an int from the caller, not our enum */
        return BT_EINVAL;
    }
    if (st == BT_OK)
        st = bts_rlp_list_end(b, mark);
    return st;
}

bt_status bts_discv4_encode(struct bts_buf *out, uint8_t *out_hash, const uint8_t seckey[32],
                            const struct bts_discv4_packet *p)
{
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t head[BTS_DISCV4_HEADER_LEN], digest[32];
    bt_status st = bts_buf_append_byte(&b, (uint8_t)p->type);
    if (st == BT_OK)
        st = encode_data(&b, p);
    if (st == BT_OK && b.len + 97 > BTS_DISCV4_MAX_PACKET)
        st = BT_ERANGE;
    if (st == BT_OK) {
        bts_keccak256(digest, b.data, b.len);
        st = bts_secp_sign(head + 32, seckey, digest);
    }
    if (st == BT_OK) {
        struct bts_keccak k;
        bts_keccak_init(&k);
        bts_keccak_update(&k, head + 32, 65);
        bts_keccak_update(&k, b.data, b.len);
        bts_keccak_final(&k, head);
        st = bts_buf_append(out, head, 97);
    }
    if (st == BT_OK)
        st = bts_buf_append(out, b.data, b.len);
    if (st == BT_OK && out_hash)
        memcpy(out_hash, head, 32);
    bts_buf_free(&b);
    return st;
}

int bts_discv4_is_expired(uint64_t expiration, uint64_t now)
{
    return expiration < now;
}

unsigned bts_discv4_log_distance(const uint8_t a[64], const uint8_t b[64])
{
    uint8_t ha[32], hb[32];
    bts_keccak256(ha, a, 64);
    bts_keccak256(hb, b, 64);
    for (unsigned i = 0; i < 32; i++) {
        uint8_t x = ha[i] ^ hb[i];
        if (x)
            return (32 - i) * 8 - (unsigned)__builtin_clz(x) + 24;
    }
    return 0;
}
