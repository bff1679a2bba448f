/* RLPx framing (devp2p rlpx.md "Framing" and "MAC"): AES-256-CTR streams keyed with aes-secret
 * and a zero IV, one per direction, and the egress/ingress Keccak MAC states whose updates mix
 * in AES-256-ECB(mac-secret, digest[:16]). */
#include <bts/rlpx.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

struct bts_rlpx_session {
    EVP_CIPHER_CTX *enc; /* egress AES-256-CTR stream */
    EVP_CIPHER_CTX *dec; /* ingress AES-256-CTR stream */
    EVP_CIPHER_CTX *ecb; /* AES-256-ECB with mac-secret */
    struct bts_keccak egress;
    struct bts_keccak ingress;
    int has_header;    /* a header was read; its body comes next */
    size_t frame_size; /* frame-data length of that body */
};

static size_t pad16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

bt_status bts_rlpx_session_new(struct bts_rlpx_session **out_s, const struct bts_rlpx_secrets *sec)
{
    static const uint8_t zero_iv[16];
    struct bts_rlpx_session *s = calloc(1, sizeof(*s));
    *out_s = NULL;
    if (!s)
        return BT_ENOMEM;
    s->enc = EVP_CIPHER_CTX_new();
    s->dec = EVP_CIPHER_CTX_new(); /* CTR decryption is encryption of the key stream */
    s->ecb = EVP_CIPHER_CTX_new();
    if (!s->enc || !s->dec || !s->ecb ||
        EVP_EncryptInit_ex(s->enc, EVP_aes_256_ctr(), NULL, sec->aes, zero_iv) != 1 ||
        EVP_EncryptInit_ex(s->dec, EVP_aes_256_ctr(), NULL, sec->aes, zero_iv) != 1 ||
        EVP_EncryptInit_ex(s->ecb, EVP_aes_256_ecb(), NULL, sec->mac, NULL) != 1) {
        bts_rlpx_session_free(s);
        return BT_ENOMEM;
    }
    EVP_CIPHER_CTX_set_padding(s->ecb, 0);
    s->egress = sec->egress_mac;
    s->ingress = sec->ingress_mac;
    *out_s = s;
    return BT_OK;
}

void bts_rlpx_session_free(struct bts_rlpx_session *s)
{
    if (!s)
        return;
    EVP_CIPHER_CTX_free(s->enc);
    EVP_CIPHER_CTX_free(s->dec);
    EVP_CIPHER_CTX_free(s->ecb);
    explicit_bzero(s, sizeof(*s));
    free(s);
}

static void digest16(const struct bts_keccak *k, uint8_t out[16])
{
    struct bts_keccak copy = *k;
    uint8_t d[32];
    bts_keccak_final(&copy, d);
    memcpy(out, d, 16);
}

/* mac = update(mac, aes_ecb(digest[:16]) ^ seed); return digest[:16]. `seed` is the header
 * ciphertext for the header MAC, NULL (meaning digest[:16] itself) for the frame MAC. */
static bt_status mac_step(struct bts_rlpx_session *s, struct bts_keccak *k, const uint8_t *seed,
                          uint8_t out[16])
{
    uint8_t d[16], e[16];
    int n = 0;
    digest16(k, d);
    if (EVP_EncryptUpdate(s->ecb, e, &n, d, 16) != 1 || n != 16)
        return BT_EINTERNAL;
    for (size_t i = 0; i < 16; i++)
        e[i] ^= seed ? seed[i] : d[i];
    bts_keccak_update(k, e, 16);
    digest16(k, out);
    return BT_OK;
}

static bt_status ctr(EVP_CIPHER_CTX *c, uint8_t *out, const uint8_t *in, size_t len)
{
    int n = 0;
    while (len > 0) {
        size_t step = len > (1u << 30) ? (1u << 30) : len;
        if (EVP_EncryptUpdate(c, out, &n, in, (int)step) != 1 || (size_t)n != step)
            return BT_EINTERNAL;
        out += step, in += step, len -= step;
    }
    return BT_OK;
}

bt_status bts_rlpx_frame_write(struct bts_rlpx_session *s, struct bts_buf *out, const uint8_t *data,
                               size_t data_len)
{
    if (data_len > BTS_RLPX_FRAME_MAX)
        return BT_ERANGE;
    size_t padded = pad16(data_len), start = out->len;
    bt_status st = bts_buf_reserve(out, BTS_RLPX_HEADER_LEN + padded + 16);
    if (st != BT_OK)
        return st;
    uint8_t hdr[16] = {(uint8_t)(data_len >> 16),
                       (uint8_t)(data_len >> 8),
                       (uint8_t)data_len,
                       0xc2,
                       0x80,
                       0x80}; /* frame-size || rlp([0, 0]) || zero padding */
    uint8_t *p = out->data + start;
    st = ctr(s->enc, p, hdr, 16);
    if (st == BT_OK)
        st = mac_step(s, &s->egress, p, p + 16);
    uint8_t *body = p + BTS_RLPX_HEADER_LEN;
    if (st == BT_OK && data_len)
        st = ctr(s->enc, body, data, data_len);
    if (st == BT_OK && padded > data_len) {
        uint8_t zeros[16] = {0};
        st = ctr(s->enc, body + data_len, zeros, padded - data_len);
    }
    if (st == BT_OK) {
        bts_keccak_update(&s->egress, body, padded);
        st = mac_step(s, &s->egress, NULL, body + padded);
    }
    if (st != BT_OK)
        return st;
    out->len = start + BTS_RLPX_HEADER_LEN + padded + 16;
    out->data[out->len] = 0;
    return BT_OK;
}

bt_status bts_rlpx_frame_read_header(struct bts_rlpx_session *s,
                                     const uint8_t in[BTS_RLPX_HEADER_LEN], size_t *out_body_len,
                                     size_t *out_frame_size)
{
    *out_body_len = 0;
    *out_frame_size = 0;
    if (s->has_header)
        return BT_EINVAL;
    /* Authenticate before decrypting (rlpx.md "MAC"). A mismatch leaves the ingress state
     * advanced, so the session is dead either way: the caller must close the connection. */
    uint8_t mac[16], hdr[16];
    bt_status st = mac_step(s, &s->ingress, in, mac);
    if (st != BT_OK)
        return st;
    if (CRYPTO_memcmp(mac, in + 16, 16) != 0)
        return BT_EPROTO;
    st = ctr(s->dec, hdr, in, 16);
    if (st != BT_OK)
        return st;
    /* header-data ([capability-id, context-id]) is unused by RLPx today and is ignored, as
     * go-ethereum does. */
    size_t size = ((size_t)hdr[0] << 16) | ((size_t)hdr[1] << 8) | hdr[2];
    s->has_header = 1;
    s->frame_size = size;
    *out_frame_size = size;
    *out_body_len = pad16(size) + 16;
    return BT_OK;
}

bt_status bts_rlpx_frame_read_body(struct bts_rlpx_session *s, const uint8_t *in, size_t body_len,
                                   struct bts_buf *out)
{
    size_t padded = pad16(s->frame_size);
    if (!s->has_header || body_len != padded + 16)
        return BT_EINVAL;
    s->has_header = 0;
    uint8_t mac[16];
    bts_keccak_update(&s->ingress, in, padded);
    bt_status st = mac_step(s, &s->ingress, NULL, mac);
    if (st != BT_OK)
        return st;
    if (CRYPTO_memcmp(mac, in + padded, 16) != 0)
        return BT_EPROTO;
    if (padded == 0) /* an empty frame: nothing to append, out keeps its NUL */
        return BT_OK;
    size_t start = out->len;
    st = bts_buf_reserve(out, padded);
    if (st != BT_OK)
        return st;
    st = ctr(s->dec, out->data + start, in, padded);
    if (st != BT_OK)
        return st;
    out->len = start + s->frame_size;
    out->data[out->len] = 0;
    return BT_OK;
}
