/* The node's storage (keys in dlv_node.h): the block store, validator sets, the double-sign
 * guard record, evidence, and the commit of a block into the application in one batch. */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/secp.h>

#include "dlv_store.h"

static size_t key_of(uint8_t key[16], const char *prefix, uint64_t h)
{
    size_t l = strlen(prefix);
    memcpy(key, prefix, l);
    dlv_put_be64(key + l, h);
    return l + 8;
}

bt_status dlv_store_get(struct dlv_node *n, const char *prefix, uint64_t h, uint8_t **out,
                        size_t *out_len)
{
    uint8_t key[16];
    size_t kl = key_of(key, prefix, h);
    return n->env.get(n->env.self, key, kl, out, out_len);
}

/* --- validator sets ------------------------------------------------------------------------- */

bt_status dlv_store_set_load(struct dlv_node *n, uint64_t h, struct bts_valset *out)
{
    uint8_t *p;
    size_t len;
    bt_status st = dlv_store_get(n, "dlv/v/", h, &p, &len);
    if (st != BT_OK)
        return st == BT_ENOTFOUND ? BT_EIO : st;
    struct bts_validator *v = calloc(len / 36 + 1, sizeof *v);
    if (!v || len % 36 || len == 0) {
        free(p);
        free(v);
        return v ? BT_EIO : BT_ENOMEM;
    }
    int64_t total = 0;
    for (size_t i = 0; i < len / 36; i++) {
        memcpy(v[i].address, p + 36 * i, 20);
        v[i].power = (int64_t)dlv_get_be64(p + 36 * i + 20);
        v[i].priority = (int64_t)dlv_get_be64(p + 36 * i + 28);
        total += v[i].power;
    }
    free(p);
    bts_valset_free(out);
    out->v = v;
    out->n = out->cap = len / 36;
    out->total = total;
    out->proposer = SIZE_MAX;
    return BT_OK;
}

/* --- certificates -------------------------------------------------------------------------- */

bt_status dlv_store_cert_encode(struct dlv_node *n, const struct bft_msg *cert, size_t cert_n,
                                uint8_t **out, size_t *out_len)
{
    struct bts_buf b;
    size_t mark;
    bts_buf_init(&b);
    bt_status st = bts_rlp_list_begin(&b, &mark);
    for (size_t i = 0; i < cert_n && st == BT_OK; i++) {
        struct bts_buf v;
        bts_buf_init(&v);
        st = dlv_net_encode_vote(n, &cert[i], &v);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(&b, v.data, v.len);
        bts_buf_free(&v);
    }
    if (st == BT_OK)
        st = bts_rlp_list_end(&b, mark);
    if (st != BT_OK) {
        bts_buf_free(&b);
        return st;
    }
    *out = bts_buf_detach(&b, out_len);
    return *out ? BT_OK : BT_ENOMEM;
}

static int verify_vote(struct dlv_node *n, const struct bft_msg *m, const uint8_t addr[20])
{
    uint8_t sb[BFT_MSG_MAX], d[32], a[20];
    size_t len;
    if (bft_msg_sign_bytes(n->cfg.chain_id, m, sb, &len) != BT_OK)
        return 0;
    bts_keccak256(d, sb, len);
    return bts_secp_recover(a, d, m->sig, BTS_SECP_F_LOW_S) == BT_OK && !memcmp(a, addr, 20);
}

bt_status dlv_store_cert_ok(struct dlv_node *n, uint64_t h, const uint8_t value[32], int32_t round,
                            const uint8_t *votes_raw, size_t votes_len)
{
    struct bts_valset s;
    size_t pos = 0, len;
    const uint8_t *p;
    bt_status st;
    int64_t power = 0;
    bts_valset_init(&s);
    if (dlv_store_set_load(n, h, &s) != BT_OK)
        return BT_EIO;
    uint8_t *seen = calloc(s.n, 1);
    if (!seen) {
        bts_valset_free(&s);
        return BT_ENOMEM;
    }
    while ((st = dlv_list_next(votes_raw, votes_len, &pos, &p, &len)) == BT_OK) {
        struct bft_msg m;
        const uint8_t *ext;
        size_t ext_len;
        if (bft_msg_decode_ext(&m, p, len, &ext, &ext_len) != BT_OK || m.type != BFT_PRECOMMIT ||
            m.height != h || m.round != round || !m.has_value || memcmp(m.value, value, 32) ||
            m.validator >= s.n || seen[m.validator] ||
            !verify_vote(n, &m, s.v[m.validator].address))
            break;
        seen[m.validator] = 1;
        power += s.v[m.validator].power;
    }
    int ok =
        st == BT_ENOTFOUND && power > 0 && power > s.total * 2 / 3 && (power * 3 > s.total * 2);
    free(seen);
    bts_valset_free(&s);
    return ok ? BT_OK : BT_EINVAL;
}

bt_status dlv_store_block_hash(struct dlv_node *n, uint64_t h, uint8_t out[32])
{
    uint8_t *p;
    size_t len;
    bt_status st = dlv_store_get(n, "dlv/b/", h, &p, &len);
    if (st != BT_OK)
        return st;
    bts_keccak256(out, p, len);
    free(p);
    return BT_OK;
}

/* --- the WAL record -------------------------------------------------------------------------- */

#define WAL_SIG_LEN (8 + 4 + 1 + 32 + 32)

bt_status dlv_store_wal_write(struct dlv_node *n, const struct bft_wal_rec *rec, const uint8_t *ext,
                              size_t ext_len)
{
    struct bts_buf b;
    uint8_t t[WAL_SIG_LEN];
    bts_buf_init(&b);
    bt_status st = BT_OK;
    for (int k = 0; k < 3 && st == BT_OK; k++) {
        const struct bft_wal_sig *g = &rec->last[k];
        t[8] = (uint8_t)(g->round >> 24);
        t[9] = (uint8_t)(g->round >> 16);
        t[10] = (uint8_t)(g->round >> 8);
        t[11] = (uint8_t)g->round;
        dlv_put_be64(t, g->height);
        t[12] = g->has_value;
        memcpy(t + 13, g->value, 32);
        memcpy(t + 45, g->ext_hash, 32);
        st = bts_buf_append(&b, t, sizeof t);
    }
    uint8_t x[8 + 4 + 8 + 4 + 32 + 4 + 4];
    dlv_put_be64(x, rec->round_height);
    for (int i = 0; i < 4; i++)
        x[8 + i] = (uint8_t)((uint32_t)rec->round_entered >> (24 - 8 * i));
    dlv_put_be64(x + 12, rec->lock_height);
    for (int i = 0; i < 4; i++)
        x[20 + i] = (uint8_t)((uint32_t)rec->locked_round >> (24 - 8 * i));
    memcpy(x + 24, rec->locked_value, 32);
    for (int i = 0; i < 4; i++)
        x[56 + i] = (uint8_t)((uint32_t)ext_len >> (24 - 8 * i));
    for (int i = 0; i < 4; i++)
        x[60 + i] = (uint8_t)((uint32_t)rec->lock_pol_n >> (24 - 8 * i));
    if (st == BT_OK)
        st = bts_buf_append(&b, x, sizeof x);
    if (st == BT_OK && ext_len)
        st = bts_buf_append(&b, ext, ext_len);
    for (size_t i = 0; i < rec->lock_pol_n && st == BT_OK; i++) {
        uint8_t enc[BFT_MSG_MAX];
        size_t len;
        st = bft_msg_encode(&rec->lock_pol[i], enc, &len);
        if (st == BT_OK)
            st = bts_buf_append_byte(&b, (uint8_t)len);
        if (st == BT_OK)
            st = bts_buf_append(&b, enc, len);
    }
    if (st == BT_OK) {
        struct bt_storage_op op = {.type = BT_STORAGE_PUT,
                                   .key = (const uint8_t *)"dlv/wal",
                                   .key_len = 7,
                                   .value = b.data,
                                   .value_len = b.len};
        st = n->env.write(n->env.self, &op, 1);
    }
    bts_buf_free(&b);
    return st;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bt_status dlv_store_wal_read(struct dlv_node *n, struct bft_wal_rec *rec, struct bft_msg **out_pol)
{
    uint8_t *p;
    size_t len, off;
    *out_pol = NULL;
    memset(rec, 0, sizeof *rec);
    bt_status st = n->env.get(n->env.self, (const uint8_t *)"dlv/wal", 7, &p, &len);
    if (st != BT_OK)
        return st;
    st = BT_EIO;
    if (len < 3 * WAL_SIG_LEN + 64)
        goto out;
    for (int k = 0; k < 3; k++) {
        const uint8_t *t = p + k * WAL_SIG_LEN;
        rec->last[k].height = dlv_get_be64(t);
        rec->last[k].round = (int32_t)rd32(t + 8);
        rec->last[k].has_value = t[12];
        memcpy(rec->last[k].value, t + 13, 32);
        memcpy(rec->last[k].ext_hash, t + 45, 32);
    }
    const uint8_t *x = p + 3 * WAL_SIG_LEN;
    rec->round_height = dlv_get_be64(x);
    rec->round_entered = (int32_t)rd32(x + 8);
    rec->lock_height = dlv_get_be64(x + 12);
    rec->locked_round = (int32_t)rd32(x + 20);
    memcpy(rec->locked_value, x + 24, 32);
    size_t ext_len = rd32(x + 56), pol_n = rd32(x + 60);
    off = 3 * WAL_SIG_LEN + 64;
    if (ext_len > BFT_EXT_MAX || ext_len > len - off || pol_n > 3 * BFT_MAX_VALIDATORS)
        goto out;
    if (ext_len) { /* our precommit's blob: a restart re-signs that very precommit */
        dlv_blob_add(n, rec->last[BFT_PRECOMMIT - 1].height, rec->last[BFT_PRECOMMIT - 1].ext_hash,
                     p + off, ext_len);
        off += ext_len;
    }
    if (pol_n) {
        *out_pol = calloc(pol_n, sizeof **out_pol);
        if (!*out_pol) {
            st = BT_ENOMEM;
            goto out;
        }
    }
    for (size_t i = 0; i < pol_n; i++) {
        if (off >= len || p[off] > len - off - 1 ||
            bft_msg_decode(&(*out_pol)[i], p + off + 1, p[off]) != BT_OK)
            goto out;
        off += 1 + (size_t)p[off];
    }
    rec->lock_pol = *out_pol;
    rec->lock_pol_n = pol_n;
    st = BT_OK;
out:
    free(p);
    if (st != BT_OK) {
        free(*out_pol);
        *out_pol = NULL;
        memset(rec, 0, sizeof *rec);
        dlv_node_log(n, 0, "dlv_wal_unreadable", NULL);
    }
    return st;
}

bt_status dlv_store_evidence(struct dlv_node *n, const struct bft_msg *a, const struct bft_msg *b)
{
    /* RLP [vote, vote] as on dlv/cons (with their extensions when we hold the blobs), so the
     * two signatures can be checked by anyone later. Key: dlv/e/<height><validator>. */
    uint8_t key[24];
    size_t kl = strlen("dlv/e/"), mark;
    memcpy(key, "dlv/e/", kl);
    for (int i = 0; i < 8; i++)
        key[kl++] = (uint8_t)(a->height >> (56 - 8 * i));
    for (int i = 0; i < 4; i++)
        key[kl++] = (uint8_t)(a->validator >> (24 - 8 * i));
    struct bts_buf v, x, y;
    bts_buf_init(&v);
    bts_buf_init(&x);
    bts_buf_init(&y);
    bt_status st = dlv_net_encode_vote(n, a, &x);
    if (st == BT_OK)
        st = dlv_net_encode_vote(n, b, &y);
    if (st == BT_OK)
        st = bts_rlp_list_begin(&v, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&v, x.data, x.len);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(&v, y.data, y.len);
    if (st == BT_OK)
        st = bts_rlp_list_end(&v, mark);
    if (st == BT_OK) {
        struct bt_storage_op op = {
            .type = BT_STORAGE_PUT, .key = key, .key_len = kl, .value = v.data, .value_len = v.len};
        st = n->env.write(n->env.self, &op, 1);
    }
    bts_buf_free(&v);
    bts_buf_free(&x);
    bts_buf_free(&y);
    return st;
}
