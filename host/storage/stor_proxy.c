/* The proxy's read and commit paths: namespaces as key prefixes, the current database under a
 * read-write lock, and the commit lock where a swap captures writes, pauses and mirrors. */
#include "stor_core_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/common.h>

#include "config_int.h"

const struct stor_ns stor_ns_chain = {1, {0x01}};
const struct stor_ns stor_ns_state = {1, {0x02}};
const struct stor_ns stor_ns_consensus = {1, {0x03}};
const struct stor_ns stor_ns_txpool = {1, {0x04}};
const struct stor_ns stor_ns_meta = {1, {0x05}};

#define STOR_NS_PLUGIN_TAG 0x10

bt_status stor_ns_plugin(struct stor_ns *out, const char *name)
{
    memset(out, 0, sizeof(*out));
    if (!config_name_ok(name))
        return BT_EINVAL;
    size_t n = strlen(name);
    out->bytes[0] = STOR_NS_PLUGIN_TAG;
    memcpy(out->bytes + 1, name, n);
    out->bytes[n + 1] = 0; /* names hold no NUL: no plugin prefix is a prefix of another */
    out->len = (uint8_t)(n + 2);
    return BT_OK;
}

bt_status stor_open(const struct stor_backend *be, const char *path, int create, struct stor **out,
                    char *err, size_t err_cap)
{
    *out = NULL;
    struct stor *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    bt_status st = db_open(be, path, create, &s->cur, err, err_cap);
    if (st != BT_OK) {
        free(s);
        return st;
    }
    pthread_rwlock_init(&s->cur_lock, NULL);
    pthread_mutex_init(&s->commit_lock, NULL);
    *out = s;
    return BT_OK;
}

void stor_close(struct stor *s)
{
    if (!s)
        return;
    db_retire_wait(s->cur);
    db_close_retired(s->cur);
    db_unref(s->cur);
    stor_log_clear(&s->log);
    pthread_rwlock_destroy(&s->cur_lock);
    pthread_mutex_destroy(&s->commit_lock);
    free(s);
}

const char *stor_backend_name(const struct stor *s)
{
    return s->cur->be->name;
}

const char *stor_path(const struct stor *s)
{
    return s->cur->path;
}

uint64_t stor_generation(const struct stor *s)
{
    return __atomic_load_n(&s->generation, __ATOMIC_SEQ_CST);
}

int stor_swap_running(const struct stor *s)
{
    return s->swap != NULL;
}

struct stor_db *stor_cur_enter(struct stor *s)
{
    /* The switch replaces cur under the write lock after the old database stopped taking
     * commits, so an operation entered here may finish on the old one (DESIGN.md §6). */
    pthread_rwlock_rdlock(&s->cur_lock);
    struct stor_db *d = s->cur;
    __atomic_add_fetch(&d->active, 1, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(&s->cur_lock);
    return d;
}

/* ns || key into buf (cap STOR_NS_MAX + BT_STORAGE_KEY_MAX). */
static bt_status prefix_key(uint8_t *buf, const struct stor_ns *ns, const uint8_t *key,
                            size_t key_len, size_t *out_len)
{
    if (key_len > (size_t)BT_STORAGE_KEY_MAX - ns->len)
        return BT_EINVAL;
    memcpy(buf, ns->bytes, ns->len);
    if (key_len)
        memcpy(buf + ns->len, key, key_len);
    *out_len = ns->len + key_len;
    return BT_OK;
}

bt_status stor_get(struct stor *s, const struct stor_ns *ns, const struct stor_snap *snap,
                   const uint8_t *key, size_t key_len, struct bt_value *out)
{
    memset(out, 0, sizeof(*out));
    uint8_t kb[BT_STORAGE_KEY_MAX];
    size_t kl;
    bt_status st = prefix_key(kb, ns, key, key_len, &kl);
    if (st != BT_OK)
        return st;
    struct stor_db *d;
    if (snap) {
        d = snap->h.d;
        if (!db_enter(d))
            return BT_ESTALE;
    } else {
        d = stor_cur_enter(s);
    }
    if (snap && !snap->bs)
        st = BT_ESTALE;
    else
        st = d->be->vt->get(d->be->self, d->db, snap ? snap->bs : NULL, kb, kl, out);
    db_leave(d);
    return st;
}

bt_status stor_stats(struct stor *s, struct bt_storage_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    struct stor_db *d = stor_cur_enter(s);
    bt_status st = d->be->vt->stats(d->be->self, d->db, out);
    db_leave(d);
    return st;
}

/* --- the write log ---------------------------------------------------------------------- */

void stor_log_clear(struct stor_log *l)
{
    struct stor_log_batch *b = l->head;
    while (b) {
        struct stor_log_batch *next = b->next;
        free(b);
        b = next;
    }
    memset(l, 0, sizeof(*l));
}

/* Copy a committed batch (keys already prefixed) to the end of the log. */
static bt_status log_append(struct stor_log *l, const struct bt_storage_op *ops, size_t n)
{
    size_t bytes = sizeof(struct stor_log_batch) + n * sizeof(struct bt_storage_op);
    for (size_t i = 0; i < n; i++)
        bytes += ops[i].key_len + (ops[i].type == BT_STORAGE_PUT ? ops[i].value_len : 0);
    struct stor_log_batch *b = malloc(bytes);
    if (!b)
        return BT_ENOMEM;
    b->next = NULL;
    b->n_ops = n;
    uint8_t *p = (uint8_t *)&b->ops[n];
    for (size_t i = 0; i < n; i++) {
        b->ops[i] = ops[i];
        b->ops[i].key = p;
        memcpy(p, ops[i].key, ops[i].key_len);
        p += ops[i].key_len;
        if (ops[i].type == BT_STORAGE_PUT) {
            b->ops[i].value = p;
            if (ops[i].value_len)
                memcpy(p, ops[i].value, ops[i].value_len);
            p += ops[i].value_len;
        } else {
            b->ops[i].value = NULL;
            b->ops[i].value_len = 0;
        }
    }
    if (l->tail)
        l->tail->next = b;
    else
        l->head = b;
    l->tail = b;
    l->n_batches++;
    l->n_ops += n;
    return BT_OK;
}

bt_status stor_log_apply(const struct stor_log *l, struct stor_db *d)
{
    /* Many small commits become a few large backend batches: a backend that syncs each
     * commit (LMDB) would otherwise fall behind a busy writer and never catch up. Order is
     * kept, and within one batch a later op on the same key wins, so merging is exact. */
    enum { MERGE_OPS = 32768 };
    struct bt_storage_op *ops = malloc(MERGE_OPS * sizeof(*ops));
    if (!ops)
        return BT_ENOMEM;
    bt_status st = BT_OK;
    size_t n = 0;
    for (const struct stor_log_batch *b = l->head; st == BT_OK; b = b->next) {
        if (n > 0 && (!b || n + b->n_ops > MERGE_OPS)) {
            struct bt_storage_batch bb = {.struct_size = sizeof(bb), .ops = ops, .n_ops = n};
            st = d->be->vt->write(d->be->self, d->db, &bb);
            n = 0;
        }
        if (!b)
            break;
        if (b->n_ops > MERGE_OPS) {
            struct bt_storage_batch bb = {
                .struct_size = sizeof(bb), .ops = b->ops, .n_ops = b->n_ops};
            st = d->be->vt->write(d->be->self, d->db, &bb);
            continue;
        }
        memcpy(ops + n, b->ops, b->n_ops * sizeof(*ops));
        n += b->n_ops;
    }
    free(ops);
    return st;
}

/* --- commits ---------------------------------------------------------------------------- */

/* Apply a prefixed batch under the commit lock: the current database first (its success is
 * the acknowledgement), then what a swap needs: the capture log before the pause, the mirror
 * after it. A failure on the swap's side never fails the commit; it aborts the swap. */
static bt_status commit_locked(struct stor *s, const struct bt_storage_batch *b)
{
    struct stor_db *d = s->cur;
    bt_status st = d->be->vt->write(d->be->self, d->db, b);
    if (st != BT_OK)
        return st;
    if (s->is_capturing && s->capture_st == BT_OK)
        s->capture_st = log_append(&s->log, b->ops, b->n_ops);
    if (s->mirror && s->mirror_st == BT_OK) {
        struct stor_db *m = s->mirror;
        s->mirror_st = m->be->vt->write(m->be->self, m->db, b);
    }
    return BT_OK;
}

bt_status stor_write(struct stor *s, const struct stor_op *ops, size_t n_ops, uint32_t flags)
{
    size_t key_bytes = 0;
    for (size_t i = 0; i < n_ops; i++) {
        if (ops[i].type != BT_STORAGE_PUT && ops[i].type != BT_STORAGE_DELETE)
            return BT_EINVAL;
        if (ops[i].key_len > (size_t)BT_STORAGE_KEY_MAX - ops[i].ns->len)
            return BT_EINVAL;
        key_bytes += ops[i].ns->len + ops[i].key_len;
    }
    struct bt_storage_op *bops = malloc(n_ops * sizeof(*bops) + key_bytes + 1);
    if (!bops)
        return BT_ENOMEM;
    uint8_t *p = (uint8_t *)&bops[n_ops];
    for (size_t i = 0; i < n_ops; i++) {
        size_t kl = 0;
        (void)prefix_key(p, ops[i].ns, ops[i].key, ops[i].key_len, &kl);
        bops[i] = (struct bt_storage_op){.type = ops[i].type,
                                         .key = p,
                                         .key_len = kl,
                                         .value = ops[i].value,
                                         .value_len = ops[i].value_len};
        p += kl;
    }
    struct bt_storage_batch b = {
        .struct_size = sizeof(b), .ops = bops, .n_ops = n_ops, .flags = flags};
    double t0 = stor_now_ms();
    pthread_mutex_lock(&s->commit_lock);
    if (s->is_measuring) {
        double w = stor_now_ms() - t0;
        if (w > s->max_wait_ms)
            s->max_wait_ms = w;
    }
    bt_status st = commit_locked(s, &b);
    pthread_mutex_unlock(&s->commit_lock);
    free(bops);
    return st;
}

bt_status stor_write_raw(struct stor *s, const struct bt_storage_batch *b)
{
    pthread_mutex_lock(&s->commit_lock);
    bt_status st = commit_locked(s, b);
    pthread_mutex_unlock(&s->commit_lock);
    return st;
}
