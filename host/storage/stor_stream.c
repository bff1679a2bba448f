/* The portable export stream: "BTTCDKV\0", u32be version (1), u32be flags (0); per pair
 * u32be key length, key, u32be value length, value, in key order; then u32be 0xffffffff,
 * u64be pair count and the 32-byte digest of stor_digest. Raw keys (with their namespace
 * prefixes), so an import restores every namespace. */
#include "stor_cli_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "stor_core_int.h"

static const uint8_t MAGIC[8] = {'B', 'T', 'T', 'C', 'D', 'K', 'V', 0};
#define END_MARK    0xffffffffu
#define IMPORT_OPS  4096
#define IMPORT_SIZE (16u << 20)

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hash a pair the way stor_digest_db does. */
static void hash_pair(struct bts_keccak *k, const uint8_t *key, size_t kl, const uint8_t *v,
                      size_t vl)
{
    uint8_t len[4];
    be32(len, (uint32_t)kl);
    bts_keccak_update(k, len, 4);
    bts_keccak_update(k, key, kl);
    be32(len, (uint32_t)vl);
    bts_keccak_update(k, len, 4);
    bts_keccak_update(k, v, vl);
}

bt_status stor_export(struct stor *s, FILE *f, struct stor_digest *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    struct stor_db *d = stor_cur_enter(s);
    const struct bt_storage_vtbl *vt = d->be->vt;
    struct bt_storage_iter *it = NULL;
    bt_status st = vt->iter_new(d->be->self, d->db, NULL, NULL, &it);
    uint8_t hdr[16] = {0};
    memcpy(hdr, MAGIC, 8);
    be32(hdr + 8, 1);
    int bad = st != BT_OK || fwrite(hdr, 1, 16, f) != 16;
    struct bts_keccak k;
    bts_keccak_init(&k);
    for (vt->iter_seek(it, NULL, 0); !bad && vt->iter_valid(it); vt->iter_next(it)) {
        const uint8_t *key, *v;
        size_t kl, vl;
        uint8_t len[4];
        vt->iter_entry(it, &key, &kl, &v, &vl);
        be32(len, (uint32_t)kl);
        bad |= fwrite(len, 1, 4, f) != 4 || fwrite(key, 1, kl, f) != kl;
        be32(len, (uint32_t)vl);
        bad |= fwrite(len, 1, 4, f) != 4 || (vl && fwrite(v, 1, vl, f) != vl);
        hash_pair(&k, key, kl, v, vl);
        out->n_keys++;
        out->n_bytes += kl + vl;
    }
    if (it) {
        st = st == BT_OK ? vt->iter_status(it) : st;
        vt->iter_free(it);
    }
    db_leave(d);
    bts_keccak_final(&k, out->hash);
    uint8_t tail[44];
    be32(tail, END_MARK);
    be32(tail + 4, (uint32_t)(out->n_keys >> 32));
    be32(tail + 8, (uint32_t)out->n_keys);
    memcpy(tail + 12, out->hash, 32);
    bad |= fwrite(tail, 1, sizeof(tail), f) != sizeof(tail) || fflush(f) != 0;
    if (st != BT_OK) {
        snprintf(err, err_cap, "reading the database: %s", bts_status_str(st));
        return st;
    }
    if (bad) {
        snprintf(err, err_cap, "write error");
        return BT_EIO;
    }
    return BT_OK;
}

struct imp {
    struct bt_storage_op ops[IMPORT_OPS];
    uint8_t *buf;
    size_t n, used;
};

static bt_status flush(struct stor *s, struct imp *m)
{
    if (!m->n)
        return BT_OK;
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = m->ops, .n_ops = m->n};
    bt_status st = stor_write_raw(s, &b);
    m->n = m->used = 0;
    return st;
}

static bt_status read_pair(FILE *f, struct imp *m, int *out_end)
{
    uint8_t len[4];
    *out_end = 0;
    if (fread(len, 1, 4, f) != 4)
        return BT_EPROTO;
    uint32_t kl = rd32(len);
    if (kl == END_MARK) {
        *out_end = 1;
        return BT_OK;
    }
    if (kl > BT_STORAGE_KEY_MAX)
        return BT_EPROTO;
    uint8_t *key = m->buf + m->used;
    if (fread(key, 1, kl, f) != kl || fread(len, 1, 4, f) != 4)
        return BT_EPROTO;
    uint32_t vl = rd32(len);
    if (vl > IMPORT_SIZE - BT_STORAGE_KEY_MAX)
        return BT_EPROTO; /* larger values than a chunk: not produced by our backends' limits */
    uint8_t *v = key + kl;
    if (vl && fread(v, 1, vl, f) != vl)
        return BT_EPROTO;
    m->ops[m->n++] = (struct bt_storage_op){
        .type = BT_STORAGE_PUT, .key = key, .key_len = kl, .value = v, .value_len = vl};
    m->used += kl + vl;
    return BT_OK;
}

bt_status stor_import(struct stor *s, FILE *f, struct stor_digest *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    uint8_t hdr[16];
    if (fread(hdr, 1, 16, f) != 16 || memcmp(hdr, MAGIC, 8) != 0 || rd32(hdr + 8) != 1) {
        snprintf(err, err_cap, "not a bttcd export stream (bad header)");
        return BT_EPROTO;
    }
    struct imp *m = calloc(1, sizeof(*m));
    if (!m || !(m->buf = malloc(2 * IMPORT_SIZE))) {
        free(m);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    struct bts_keccak k;
    bts_keccak_init(&k);
    bt_status st = BT_OK;
    int end = 0;
    while (st == BT_OK && !end) {
        if (m->n == IMPORT_OPS || m->used > IMPORT_SIZE)
            st = flush(s, m);
        if (st == BT_OK && (st = read_pair(f, m, &end)) == BT_OK && !end) {
            const struct bt_storage_op *o = &m->ops[m->n - 1];
            hash_pair(&k, o->key, o->key_len, o->value, o->value_len);
            out->n_keys++;
            out->n_bytes += o->key_len + o->value_len;
        }
    }
    if (st == BT_OK)
        st = flush(s, m);
    bts_keccak_final(&k, out->hash);
    uint8_t tail[40];
    if (st == BT_OK && fread(tail, 1, sizeof(tail), f) != sizeof(tail))
        st = BT_EPROTO;
    if (st == BT_EPROTO)
        snprintf(err, err_cap, "truncated or malformed stream after %llu pairs",
                 (unsigned long long)out->n_keys);
    else if (st != BT_OK)
        snprintf(err, err_cap, "writing the database: %s", bts_status_str(st));
    if (st == BT_OK) {
        uint64_t n = (uint64_t)rd32(tail) << 32 | rd32(tail + 4);
        if (n != out->n_keys || memcmp(tail + 8, out->hash, 32) != 0) {
            snprintf(err, err_cap, "stream trailer says %llu pairs, read %llu or digest differs",
                     (unsigned long long)n, (unsigned long long)out->n_keys);
            st = BT_EPROTO;
        }
    }
    free(m->buf);
    free(m);
    return st;
}
