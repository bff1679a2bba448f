/* The RLPx handshake (devp2p rlpx.md "Initial Handshake", EIP-8): auth and ack packets in the
 * EIP-8 format and the legacy fixed-size format, and the secrets both sides derive from them. */
#include <bts/rlpx.h>

#include <stdlib.h>
#include <string.h>

#include <bts/rlp.h>
#include <bts/secp.h>

#include "rlpx_int.h"

#define AUTH_LEGACY_PLAIN 194    /* sig 65 || keccak(eph) 32 || pub 64 || nonce 32 || flag 1 */
#define ACK_LEGACY_PLAIN  97     /* eph 64 || nonce 32 || flag 1 */
#define EIP8_MAX          65535u /* the size prefix is 16 bits */

static bt_status check_seckey(const uint8_t seckey[32], uint8_t out_id[64])
{
    uint8_t pub[65];
    bt_status st = bts_secp_seckey_to_pubkey(pub, seckey);
    if (st == BT_OK && out_id)
        memcpy(out_id, pub + 1, 64);
    return st;
}

static bt_status hs_init(struct bts_rlpx_handshake *h, int is_initiator, const uint8_t seckey[32],
                         const uint8_t eph_seckey[32], const uint8_t nonce[32])
{
    memset(h, 0, sizeof(*h));
    bts_buf_init(&h->auth);
    bts_buf_init(&h->ack);
    h->is_initiator = is_initiator;
    if (check_seckey(seckey, NULL) != BT_OK || check_seckey(eph_seckey, NULL) != BT_OK)
        return BT_EINVAL;
    memcpy(h->seckey, seckey, 32);
    memcpy(h->eph_seckey, eph_seckey, 32);
    memcpy(h->nonce, nonce, 32);
    return BT_OK;
}

bt_status bts_rlpx_handshake_init_initiator(struct bts_rlpx_handshake *h, const uint8_t seckey[32],
                                            const uint8_t remote_id[64],
                                            const uint8_t eph_seckey[32], const uint8_t nonce[32])
{
    bt_status st = hs_init(h, 1, seckey, eph_seckey, nonce);
    if (st != BT_OK)
        return st;
    uint8_t pub[65], addr[20];
    rlpx_pub65(pub, remote_id);
    if (bts_secp_pubkey_to_address(addr, pub, sizeof(pub)) != BT_OK) {
        bts_rlpx_handshake_clear(h);
        return BT_EINVAL;
    }
    memcpy(h->remote_id, remote_id, 64);
    h->is_eip8 = 1;
    return BT_OK;
}

bt_status bts_rlpx_handshake_init_recipient(struct bts_rlpx_handshake *h, const uint8_t seckey[32],
                                            const uint8_t eph_seckey[32], const uint8_t nonce[32])
{
    return hs_init(h, 0, seckey, eph_seckey, nonce);
}

void bts_rlpx_handshake_clear(struct bts_rlpx_handshake *h)
{
    if (h->auth.data)
        bts_buf_free(&h->auth);
    if (h->ack.data)
        bts_buf_free(&h->ack);
    explicit_bzero(h, sizeof(*h));
    bts_buf_init(&h->auth);
    bts_buf_init(&h->ack);
}

/* The signed value of auth: static-shared-secret ^ initiator-nonce. */
static bt_status auth_digest(uint8_t out[32], const uint8_t seckey[32], const uint8_t remote_id[64],
                             const uint8_t nonce[32])
{
    uint8_t pub[65];
    rlpx_pub65(pub, remote_id);
    bt_status st = bts_secp_ecdh_x(out, pub, sizeof(pub), seckey);
    for (size_t i = 0; i < 32; i++)
        out[i] ^= nonce[i];
    return st;
}

/* Seal `plain` for `remote_id` and append it to both `out` and `keep`. EIP-8: size prefix,
 * padding, prefix authenticated; legacy: no prefix, no padding. */
static bt_status seal(struct bts_buf *out, struct bts_buf *keep, const uint8_t remote_id[64],
                      const uint8_t *plain, size_t plain_len, const struct bts_rlpx_seal_rand *rand,
                      int eip8)
{
    uint8_t prefix[2];
    size_t pad = eip8 ? rand->pad_len : 0;
    size_t ct_len = plain_len + pad + BTS_RLPX_ECIES_OVERHEAD, got;
    if (ct_len > EIP8_MAX)
        return BT_EINVAL;
    struct bts_buf msg = BTS_BUF_INIT;
    bt_status st = bts_buf_append(&msg, plain, plain_len);
    if (st == BT_OK && pad)
        st = bts_buf_append(&msg, rand->pad, pad);
    prefix[0] = (uint8_t)(ct_len >> 8);
    prefix[1] = (uint8_t)ct_len;
    bts_buf_reset(keep);
    if (st == BT_OK && eip8)
        st = bts_buf_append(keep, prefix, 2);
    if (st == BT_OK)
        st = bts_buf_reserve(keep, ct_len);
    if (st == BT_OK)
        st = bts_rlpx_ecies_encrypt(keep->data + keep->len, ct_len, &got, remote_id, msg.data,
                                    msg.len, eip8 ? prefix : NULL, eip8 ? 2 : 0, rand->ecies_seckey,
                                    rand->iv);
    explicit_bzero(msg.data, msg.len);
    bts_buf_free(&msg);
    if (st != BT_OK) {
        bts_buf_reset(keep);
        return st;
    }
    keep->len += got;
    keep->data[keep->len] = 0;
    return bts_buf_append(out, keep->data, keep->len);
}

bt_status bts_rlpx_auth_make(struct bts_rlpx_handshake *h, struct bts_buf *out,
                             const struct bts_rlpx_seal_rand *rand, int legacy)
{
    if (!h->is_initiator)
        return BT_EINVAL;
    uint8_t digest[32], sig[65], eph_pub[65], my_id[64];
    bt_status st = auth_digest(digest, h->seckey, h->remote_id, h->nonce);
    if (st == BT_OK)
        st = bts_secp_sign(sig, h->eph_seckey, digest);
    if (st == BT_OK)
        st = check_seckey(h->seckey, my_id);
    if (st == BT_OK)
        st = bts_secp_seckey_to_pubkey(eph_pub, h->eph_seckey);
    explicit_bzero(digest, sizeof(digest));
    if (st != BT_OK)
        return st;
    h->is_eip8 = !legacy;
    if (legacy) {
        uint8_t p[AUTH_LEGACY_PLAIN];
        memcpy(p, sig, 65);
        bts_keccak256(p + 65, eph_pub + 1, 64);
        memcpy(p + 97, my_id, 64);
        memcpy(p + 161, h->nonce, 32);
        p[193] = 0;
        return seal(out, &h->auth, h->remote_id, p, sizeof(p), rand, 0);
    }
    struct bts_buf body = BTS_BUF_INIT;
    size_t mark;
    st = bts_rlp_list_begin(&body, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&body, sig, 65);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&body, my_id, 64);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&body, h->nonce, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(&body, BTS_RLPX_HANDSHAKE_VERSION);
    if (st == BT_OK)
        st = bts_rlp_list_end(&body, mark);
    if (st == BT_OK)
        st = seal(out, &h->auth, h->remote_id, body.data, body.len, rand, 1);
    bts_buf_free(&body);
    return st;
}

bt_status bts_rlpx_ack_make(struct bts_rlpx_handshake *h, struct bts_buf *out,
                            const struct bts_rlpx_seal_rand *rand)
{
    if (h->is_initiator || h->auth.len == 0)
        return BT_EINVAL;
    uint8_t eph_pub[65];
    bt_status st = bts_secp_seckey_to_pubkey(eph_pub, h->eph_seckey);
    if (st != BT_OK)
        return st;
    if (!h->is_eip8) {
        uint8_t p[ACK_LEGACY_PLAIN];
        memcpy(p, eph_pub + 1, 64);
        memcpy(p + 64, h->nonce, 32);
        p[96] = 0;
        return seal(out, &h->ack, h->remote_id, p, sizeof(p), rand, 0);
    }
    struct bts_buf body = BTS_BUF_INIT;
    size_t mark;
    st = bts_rlp_list_begin(&body, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&body, eph_pub + 1, 64);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&body, h->nonce, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(&body, BTS_RLPX_HANDSHAKE_VERSION);
    if (st == BT_OK)
        st = bts_rlp_list_end(&body, mark);
    if (st == BT_OK)
        st = seal(out, &h->ack, h->remote_id, body.data, body.len, rand, 1);
    bts_buf_free(&body);
    return st;
}

/* Find and open a sealed packet at the start of `in`, as EIP-8 "Rationale" describes: a
 * legacy_len prefix that decrypts without authdata is legacy, otherwise the 16-bit size prefix
 * gives the EIP-8 length. On BT_OK, plain holds the plaintext, keep the packet bytes. */
static bt_status unseal(const uint8_t seckey[32], const uint8_t *in, size_t in_len,
                        size_t legacy_len, size_t *out_used, uint8_t *plain, size_t *plain_len,
                        int *out_eip8, struct bts_buf *keep)
{
    if (in_len < 2) {
        *out_used = 2;
        return BT_ERANGE;
    }
    size_t total = 2 + (((size_t)in[0] << 8) | in[1]);
    if (in_len >= legacy_len && bts_rlpx_ecies_decrypt(plain, EIP8_MAX, plain_len, seckey, in,
                                                       legacy_len, NULL, 0) == BT_OK) {
        *out_eip8 = 0;
        *out_used = legacy_len;
    } else if (in_len >= total) {
        bt_status st =
            bts_rlpx_ecies_decrypt(plain, EIP8_MAX, plain_len, seckey, in + 2, total - 2, in, 2);
        if (st != BT_OK)
            return st == BT_EINVAL ? BT_EINVAL : BT_EPROTO;
        *out_eip8 = 1;
        *out_used = total;
    } else {
        *out_used = in_len < legacy_len && legacy_len < total ? legacy_len : total;
        return BT_ERANGE;
    }
    bts_buf_reset(keep);
    return bts_buf_append(keep, in, *out_used);
}

/* Next element of an EIP-8 body as a string of exactly n bytes. */
static bt_status body_fixed(struct bts_rlp_iter *it, uint8_t *out, size_t n)
{
    struct bts_rlp_item item;
    if (bts_rlp_iter_next(it, &item) != BT_OK || bts_rlp_item_fixed(&item, out, n) != BT_OK)
        return BT_EPROTO;
    return BT_OK;
}

/* Open the EIP-8 RLP body, ignoring trailing padding (EIP-8: "any trailing data"). */
static bt_status body_open(struct bts_rlp_iter *it, const uint8_t *plain, size_t plain_len)
{
    struct bts_rlp_item list;
    if (bts_rlp_decode_prefix(&list, plain, plain_len) != BT_OK || !list.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(it, &list);
    return BT_OK;
}

static bt_status body_version(struct bts_rlp_iter *it, uint64_t *out)
{
    struct bts_rlp_item item;
    if (bts_rlp_iter_next(it, &item) != BT_OK || bts_rlp_item_u64(&item, out) != BT_OK)
        return BT_EPROTO;
    return BT_OK;
}

/* Recover the initiator's ephemeral key from the auth signature. */
static bt_status auth_recover(struct bts_rlpx_handshake *h, const uint8_t sig[65])
{
    uint8_t digest[32], pub[65];
    if (auth_digest(digest, h->seckey, h->remote_id, h->remote_nonce) != BT_OK)
        return BT_EPROTO;
    bt_status st = bts_secp_recover_pubkey(pub, digest, sig, 0);
    explicit_bzero(digest, sizeof(digest));
    if (st != BT_OK || sig[64] > 1)
        return BT_EPROTO;
    memcpy(h->remote_eph_pub, pub + 1, 64);
    return BT_OK;
}

bt_status bts_rlpx_auth_read(struct bts_rlpx_handshake *h, const uint8_t *in, size_t in_len,
                             size_t *out_used)
{
    if (h->is_initiator)
        return BT_EINVAL;
    size_t plain_len;
    int eip8;
    uint8_t *plain = malloc(EIP8_MAX);
    if (!plain)
        return BT_ENOMEM;
    bt_status st = unseal(h->seckey, in, in_len, BTS_RLPX_AUTH_LEGACY_LEN, out_used, plain,
                          &plain_len, &eip8, &h->auth);
    if (st != BT_OK) {
        free(plain);
        return st;
    }
    uint8_t sig[65];
    if (!eip8) {
        memcpy(sig, plain, 65);
        memcpy(h->remote_id, plain + 97, 64);
        memcpy(h->remote_nonce, plain + 161, 32);
        h->remote_version = BTS_RLPX_HANDSHAKE_VERSION;
    } else {
        struct bts_rlp_iter it;
        st = body_open(&it, plain, plain_len);
        if (st == BT_OK)
            st = body_fixed(&it, sig, 65);
        if (st == BT_OK)
            st = body_fixed(&it, h->remote_id, 64);
        if (st == BT_OK)
            st = body_fixed(&it, h->remote_nonce, 32);
        if (st == BT_OK)
            st = body_version(&it, &h->remote_version);
    }
    h->is_eip8 = eip8;
    if (st == BT_OK)
        st = auth_recover(h, sig);
    if (st == BT_OK && !eip8) {
        /* rlpx.md step 2: the legacy body carries keccak(ephemeral-pubk); it must match. */
        uint8_t hk[32];
        bts_keccak256(hk, h->remote_eph_pub, 64);
        if (memcmp(hk, plain + 65, 32) != 0)
            st = BT_EPROTO;
    }
    explicit_bzero(plain, plain_len);
    free(plain);
    if (st != BT_OK)
        bts_buf_reset(&h->auth);
    return st;
}

bt_status bts_rlpx_ack_read(struct bts_rlpx_handshake *h, const uint8_t *in, size_t in_len,
                            size_t *out_used)
{
    if (!h->is_initiator)
        return BT_EINVAL;
    size_t plain_len;
    int eip8;
    uint8_t *plain = malloc(EIP8_MAX);
    if (!plain)
        return BT_ENOMEM;
    bt_status st = unseal(h->seckey, in, in_len, BTS_RLPX_ACK_LEGACY_LEN, out_used, plain,
                          &plain_len, &eip8, &h->ack);
    if (st != BT_OK) {
        free(plain);
        return st;
    }
    if (!eip8) {
        memcpy(h->remote_eph_pub, plain, 64);
        memcpy(h->remote_nonce, plain + 64, 32);
        h->remote_version = BTS_RLPX_HANDSHAKE_VERSION;
    } else {
        struct bts_rlp_iter it;
        st = body_open(&it, plain, plain_len);
        if (st == BT_OK)
            st = body_fixed(&it, h->remote_eph_pub, 64);
        if (st == BT_OK)
            st = body_fixed(&it, h->remote_nonce, 32);
        if (st == BT_OK)
            st = body_version(&it, &h->remote_version);
    }
    uint8_t pub[65], addr[20];
    rlpx_pub65(pub, h->remote_eph_pub);
    if (st == BT_OK && bts_secp_pubkey_to_address(addr, pub, sizeof(pub)) != BT_OK)
        st = BT_EPROTO;
    explicit_bzero(plain, plain_len);
    free(plain);
    if (st != BT_OK)
        bts_buf_reset(&h->ack);
    return st;
}

/* keccak.init((mac-secret ^ nonce) || packet) */
static void mac_init(struct bts_keccak *k, const uint8_t mac[32], const uint8_t nonce[32],
                     const struct bts_buf *packet)
{
    uint8_t x[32];
    for (size_t i = 0; i < 32; i++)
        x[i] = mac[i] ^ nonce[i];
    bts_keccak_init(k);
    bts_keccak_update(k, x, 32);
    bts_keccak_update(k, packet->data, packet->len);
    explicit_bzero(x, sizeof(x));
}

bt_status bts_rlpx_secrets_derive(struct bts_rlpx_secrets *out, const struct bts_rlpx_handshake *h)
{
    memset(out, 0, sizeof(*out));
    if (h->auth.len == 0 || h->ack.len == 0)
        return BT_EINVAL;
    uint8_t pub[65], buf[64], eph[32], shared[32];
    rlpx_pub65(pub, h->remote_eph_pub);
    bt_status st = bts_secp_ecdh_x(eph, pub, sizeof(pub), h->eph_seckey);
    if (st != BT_OK)
        return st == BT_EINVAL ? BT_EPROTO : st;
    const uint8_t *init_nonce = h->is_initiator ? h->nonce : h->remote_nonce;
    const uint8_t *resp_nonce = h->is_initiator ? h->remote_nonce : h->nonce;
    memcpy(buf, resp_nonce, 32);
    memcpy(buf + 32, init_nonce, 32);
    bts_keccak256(shared, buf, 64); /* keccak(recipient-nonce || initiator-nonce) */
    memcpy(buf, eph, 32);
    memcpy(buf + 32, shared, 32);
    bts_keccak256(shared, buf, 64); /* shared-secret = keccak(eph || keccak(rn || in)) */
    memcpy(buf + 32, shared, 32);
    bts_keccak256(out->aes, buf, 64);
    memcpy(buf + 32, out->aes, 32);
    bts_keccak256(out->mac, buf, 64);
    if (h->is_initiator) {
        mac_init(&out->egress_mac, out->mac, resp_nonce, &h->auth);
        mac_init(&out->ingress_mac, out->mac, init_nonce, &h->ack);
    } else {
        mac_init(&out->egress_mac, out->mac, init_nonce, &h->ack);
        mac_init(&out->ingress_mac, out->mac, resp_nonce, &h->auth);
    }
    explicit_bzero(buf, sizeof(buf));
    explicit_bzero(eph, sizeof(eph));
    explicit_bzero(shared, sizeof(shared));
    return BT_OK;
}
