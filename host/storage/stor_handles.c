/* Snapshots and namespace iterators of the proxy. Each handle belongs to the database it was
 * made on; a retired database has freed the backend object behind it, so every use answers
 * BT_ESTALE, and freeing the handle only frees the wrapper. */
#include "stor_core_int.h"

#include <stdlib.h>
#include <string.h>

static void handle_link(struct stor_db *d, struct stor_handle *h, int is_iter)
{
    h->d = d;
    h->is_iter = is_iter;
    db_ref(d);
    pthread_mutex_lock(&d->lock);
    h->prev = NULL;
    h->next = d->handles;
    if (d->handles)
        d->handles->prev = h;
    d->handles = h;
    pthread_mutex_unlock(&d->lock);
}

static void handle_unlink(struct stor_handle *h)
{
    struct stor_db *d = h->d;
    if (h->prev)
        h->prev->next = h->next;
    else
        d->handles = h->next;
    if (h->next)
        h->next->prev = h->prev;
}

bt_status stor_snapshot_new(struct stor *s, struct stor_snap **out)
{
    *out = NULL;
    struct stor_snap *sn = calloc(1, sizeof(*sn));
    if (!sn)
        return BT_ENOMEM;
    struct stor_db *d = stor_cur_enter(s);
    bt_status st = d->be->vt->snapshot_new(d->be->self, d->db, &sn->bs);
    if (st == BT_OK)
        handle_link(d, &sn->h, 0);
    db_leave(d);
    if (st != BT_OK) {
        free(sn);
        return st;
    }
    *out = sn;
    return BT_OK;
}

void stor_snapshot_free(struct stor_snap *sn)
{
    if (!sn)
        return;
    struct stor_db *d = sn->h.d;
    /* Under d->lock: either retirement already freed bs, or it has not reached this handle and
     * the database is still open (it closes only after emptying the list, under the lock). */
    pthread_mutex_lock(&d->lock);
    if (sn->bs)
        d->be->vt->snapshot_free(d->be->self, d->db, sn->bs);
    handle_unlink(&sn->h);
    pthread_mutex_unlock(&d->lock);
    db_unref(d);
    free(sn);
}

/* The first key after every key starting with ns: ns with its last byte raised (ns never ends
 * in 0xff: host prefixes are small, plugin prefixes end in NUL). */
static void ns_upper(const struct stor_ns *ns, uint8_t *out)
{
    memcpy(out, ns->bytes, ns->len);
    out[ns->len - 1]++;
}

bt_status stor_iter_new(struct stor *s, const struct stor_ns *ns, const struct stor_snap *snap,
                        const struct bt_storage_range *range, struct stor_iter **out)
{
    *out = NULL;
    uint8_t lo[BT_STORAGE_KEY_MAX], hi[BT_STORAGE_KEY_MAX];
    struct bt_storage_range r = {.lower = lo, .lower_len = ns->len, .upper = hi};
    memcpy(lo, ns->bytes, ns->len);
    ns_upper(ns, hi);
    r.upper_len = ns->len;
    if (range && range->lower) {
        if (range->lower_len > (size_t)BT_STORAGE_KEY_MAX - ns->len)
            return BT_EINVAL;
        memcpy(lo + ns->len, range->lower, range->lower_len);
        r.lower_len += range->lower_len;
    }
    if (range && range->upper) {
        if (range->upper_len > (size_t)BT_STORAGE_KEY_MAX - ns->len)
            return BT_EINVAL;
        memcpy(hi, ns->bytes, ns->len);
        memcpy(hi + ns->len, range->upper, range->upper_len);
        r.upper_len = ns->len + range->upper_len;
    }
    struct stor_iter *it = calloc(1, sizeof(*it));
    if (!it)
        return BT_ENOMEM;
    it->ns = *ns;
    struct stor_db *d;
    if (snap) {
        d = snap->h.d;
        if (!db_enter(d)) {
            free(it);
            return BT_ESTALE;
        }
    } else {
        d = stor_cur_enter(s);
    }
    bt_status st = snap && !snap->bs ? BT_ESTALE
                                     : d->be->vt->iter_new(d->be->self, d->db,
                                                           snap ? snap->bs : NULL, &r, &it->bi);
    if (st == BT_OK)
        handle_link(d, &it->h, 1);
    db_leave(d);
    if (st != BT_OK) {
        free(it);
        return st;
    }
    *out = it;
    return BT_OK;
}

/* Enter the iterator's database; 0 when it is retired. */
static int it_enter(struct stor_iter *it)
{
    if (!db_enter(it->h.d))
        return 0;
    if (!it->bi) {
        db_leave(it->h.d);
        return 0;
    }
    return 1;
}

static bt_status it_seek(struct stor_iter *it, const uint8_t *key, size_t key_len, int prev)
{
    if (key && key_len > (size_t)BT_STORAGE_KEY_MAX - it->ns.len)
        return BT_EINVAL;
    if (!it_enter(it))
        return BT_ESTALE;
    const struct bt_storage_vtbl *vt = it->h.d->be->vt;
    if (!key) {
        (prev ? vt->iter_seek_prev : vt->iter_seek)(it->bi, NULL, 0);
    } else {
        size_t need = it->ns.len + key_len;
        if (need > it->kbuf_cap) {
            uint8_t *nb = realloc(it->kbuf, need);
            if (!nb) {
                db_leave(it->h.d);
                return BT_ENOMEM;
            }
            it->kbuf = nb;
            it->kbuf_cap = need;
        }
        memcpy(it->kbuf, it->ns.bytes, it->ns.len);
        if (key_len)
            memcpy(it->kbuf + it->ns.len, key, key_len);
        (prev ? vt->iter_seek_prev : vt->iter_seek)(it->bi, it->kbuf, need);
    }
    db_leave(it->h.d);
    return BT_OK;
}

bt_status stor_iter_seek(struct stor_iter *it, const uint8_t *key, size_t key_len)
{
    return it_seek(it, key, key_len, 0);
}

bt_status stor_iter_seek_prev(struct stor_iter *it, const uint8_t *key, size_t key_len)
{
    return it_seek(it, key, key_len, 1);
}

static bt_status it_move(struct stor_iter *it, int prev)
{
    if (!it_enter(it))
        return BT_ESTALE;
    const struct bt_storage_vtbl *vt = it->h.d->be->vt;
    (prev ? vt->iter_prev : vt->iter_next)(it->bi);
    db_leave(it->h.d);
    return BT_OK;
}

bt_status stor_iter_next(struct stor_iter *it)
{
    return it_move(it, 0);
}

bt_status stor_iter_prev(struct stor_iter *it)
{
    return it_move(it, 1);
}

int stor_iter_valid(struct stor_iter *it)
{
    if (!it_enter(it))
        return 0;
    int v = it->h.d->be->vt->iter_valid(it->bi);
    db_leave(it->h.d);
    return v;
}

bt_status stor_iter_entry(struct stor_iter *it, const uint8_t **out_key, size_t *out_key_len,
                          const uint8_t **out_value, size_t *out_value_len)
{
    *out_key = *out_value = NULL;
    *out_key_len = *out_value_len = 0;
    if (!it_enter(it))
        return BT_ESTALE;
    const uint8_t *k;
    size_t kl;
    it->h.d->be->vt->iter_entry(it->bi, &k, &kl, out_value, out_value_len);
    db_leave(it->h.d);
    /* The range keeps every entry inside the namespace. */
    *out_key = k + it->ns.len;
    *out_key_len = kl - it->ns.len;
    return BT_OK;
}

bt_status stor_iter_status(struct stor_iter *it)
{
    if (!it_enter(it))
        return BT_ESTALE;
    bt_status st = it->h.d->be->vt->iter_status(it->bi);
    db_leave(it->h.d);
    return st;
}

void stor_iter_free(struct stor_iter *it)
{
    if (!it)
        return;
    struct stor_db *d = it->h.d;
    pthread_mutex_lock(&d->lock);
    if (it->bi)
        d->be->vt->iter_free(it->bi);
    handle_unlink(&it->h);
    pthread_mutex_unlock(&d->lock);
    db_unref(d);
    free(it->kbuf);
    free(it);
}
