/* Count and digest over every pair of a database in key order: what a swap compares between
 * the old and the new backend, what `storage verify` prints and what an export ends with. */
#include "stor_core_int.h"

#include <stdio.h>
#include <string.h>

#include <bts/keccak.h>

static void put_u32be(uint8_t out[4], size_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

bt_status stor_digest_db(const struct bt_storage_vtbl *vt, void *self, struct bt_storage_db *db,
                         const struct bt_storage_snapshot *snap, struct stor_digest *out)
{
    memset(out, 0, sizeof(*out));
    struct bt_storage_iter *it = NULL;
    bt_status st = vt->iter_new(self, db, snap, NULL, &it);
    if (st != BT_OK)
        return st;
    struct bts_keccak k;
    bts_keccak_init(&k);
    for (vt->iter_seek(it, NULL, 0); vt->iter_valid(it); vt->iter_next(it)) {
        const uint8_t *key, *val;
        size_t kl, vl;
        uint8_t len[4];
        vt->iter_entry(it, &key, &kl, &val, &vl);
        put_u32be(len, kl);
        bts_keccak_update(&k, len, 4);
        bts_keccak_update(&k, key, kl);
        put_u32be(len, vl);
        bts_keccak_update(&k, len, 4);
        bts_keccak_update(&k, val, vl);
        out->n_keys++;
        out->n_bytes += kl + vl;
    }
    st = vt->iter_status(it);
    vt->iter_free(it);
    bts_keccak_final(&k, out->hash);
    return st;
}

bt_status stor_digest(struct stor *s, struct stor_digest *out)
{
    struct stor_db *d = stor_cur_enter(s);
    bt_status st = stor_digest_db(d->be->vt, d->be->self, d->db, NULL, out);
    db_leave(d);
    return st;
}

void stor_digest_hex(const struct stor_digest *d, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d->hash[i]);
}
