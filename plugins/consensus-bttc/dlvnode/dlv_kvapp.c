/* dlv_kvapp.h: the key-value stand-in application. */
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/keccak.h>

#include "dlv_kvapp.h"

#define KV_MAX 4096

struct kv_ent {
    char k[64], v[64];
};

struct dlv_kvapp {
    struct bts_valset genesis;
    uint64_t height;
    uint8_t hash[32];
    struct kv_ent *e; /* sorted by key */
    size_t n;
};

static int text_ok(const uint8_t *p, size_t n, int allow_eq)
{
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e || (!allow_eq && p[i] == '='))
            return 0;
    return 1;
}

/* Split "k=v" at the first '='. Returns 1 if well formed. */
static int split(const uint8_t *tx, size_t len, size_t *klen)
{
    const uint8_t *eq = memchr(tx, '=', len);
    if (!eq)
        return 0;
    *klen = (size_t)(eq - tx);
    return text_ok(tx, *klen, 0) && text_ok(eq + 1, len - *klen - 1, 1);
}

static long find(const struct dlv_kvapp *a, const char *k, size_t *ins)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(a->e[mid].k, k);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *ins = lo;
    return -1;
}

static int set(struct dlv_kvapp *a, const char *k, const char *v)
{
    size_t ins = 0;
    long i = find(a, k, &ins);
    if (i >= 0) {
        strcpy(a->e[i].v, v);
        return 1;
    }
    if (a->n == KV_MAX)
        return 0;
    memmove(&a->e[ins + 1], &a->e[ins], (a->n - ins) * sizeof *a->e);
    strcpy(a->e[ins].k, k);
    strcpy(a->e[ins].v, v);
    a->n++;
    return 1;
}

static bt_status serialise(const struct dlv_kvapp *a, struct bts_buf *b)
{
    bt_status st = BT_OK;
    for (size_t i = 0; i < a->n && st == BT_OK; i++)
        st = bts_buf_printf(b, "%s=%s\n", a->e[i].k, a->e[i].v);
    return st;
}

static bt_status kv_info(void *self, uint64_t *h, uint8_t hash[32])
{
    struct dlv_kvapp *a = self;
    *h = a->height;
    memcpy(hash, a->hash, 32);
    return BT_OK;
}

static bt_status kv_valset(void *self, uint64_t h, struct bts_valset *out)
{
    struct dlv_kvapp *a = self;
    (void)h;
    return bts_valset_copy(out, &a->genesis);
}

static bt_status kv_check(void *self, const uint8_t *tx, size_t len)
{
    size_t kl;
    (void)self;
    return split(tx, len, &kl) ? BT_OK : BT_EINVAL;
}

static bt_status kv_begin(void *self, const struct dlv_block_info *b,
                          const struct dlv_last_commit *l)
{
    struct dlv_kvapp *a = self;
    (void)l;
    return b->height == a->height + 1 ? BT_OK : BT_EINVAL;
}

static bt_status kv_deliver(void *self, const uint8_t *tx, size_t len, uint32_t *code)
{
    struct dlv_kvapp *a = self;
    size_t kl;
    char k[64], v[64];
    *code = 1;
    if (!split(tx, len, &kl))
        return BT_OK; /* in a block but refused: code 1, no effect */
    memcpy(k, tx, kl);
    k[kl] = 0;
    memcpy(v, tx + kl + 1, len - kl - 1);
    v[len - kl - 1] = 0;
    if (set(a, k, v))
        *code = 0;
    return BT_OK;
}

static bt_status kv_end(void *self, uint64_t h, const struct dlv_valset_update **u, size_t *n)
{
    (void)self, (void)h;
    *u = NULL;
    *n = 0;
    return BT_OK;
}

static bt_status kv_commit(void *self, struct dlv_batch *batch, uint8_t out[32])
{
    struct dlv_kvapp *a = self;
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = serialise(a, &b);
    if (st == BT_OK) {
        a->height++;
        bts_keccak256(a->hash, b.data, b.len);
        memcpy(out, a->hash, 32);
        uint8_t head[40];
        for (int i = 0; i < 8; i++)
            head[i] = (uint8_t)(a->height >> (56 - 8 * i));
        memcpy(head + 8, a->hash, 32);
        struct bts_buf s;
        bts_buf_init(&s);
        st = bts_buf_append(&s, head, sizeof head);
        if (st == BT_OK)
            st = bts_buf_append(&s, b.data, b.len);
        if (st == BT_OK)
            st = dlv_batch_put(batch, (const uint8_t *)"app/kv", 6, s.data, s.len);
        bts_buf_free(&s);
    }
    bts_buf_free(&b);
    return st;
}

bt_status dlv_kvapp_new(struct dlv_kvapp **out, const struct bts_valset *genesis,
                        const uint8_t *state, size_t state_len, struct dlv_app *out_app)
{
    *out = NULL;
    struct dlv_kvapp *a = calloc(1, sizeof *a);
    if (!a || !(a->e = calloc(KV_MAX, sizeof *a->e))) {
        free(a);
        return BT_ENOMEM;
    }
    bts_valset_init(&a->genesis);
    bt_status st = bts_valset_copy(&a->genesis, genesis);
    if (st == BT_OK && state) {
        st = BT_EINVAL;
        if (state_len >= 40) {
            for (int i = 0; i < 8; i++)
                a->height = a->height << 8 | state[i];
            memcpy(a->hash, state + 8, 32);
            size_t pos = 40;
            st = BT_OK;
            while (pos < state_len && st == BT_OK) {
                const uint8_t *nl = memchr(state + pos, '\n', state_len - pos);
                size_t kl, len = nl ? (size_t)(nl - state - pos) : 0;
                if (!nl || !split(state + pos, len, &kl)) {
                    st = BT_EINVAL;
                    break;
                }
                uint32_t code;
                (void)kv_deliver(a, state + pos, len, &code);
                pos += len + 1;
            }
        }
    }
    if (st != BT_OK) {
        dlv_kvapp_free(a);
        return st;
    }
    memset(out_app, 0, sizeof *out_app);
    out_app->self = a;
    out_app->info = kv_info;
    out_app->valset = kv_valset;
    out_app->check_tx = kv_check;
    out_app->begin_block = kv_begin;
    out_app->deliver_tx = kv_deliver;
    out_app->end_block = kv_end;
    out_app->commit = kv_commit;
    *out = a;
    return BT_OK;
}

void dlv_kvapp_free(struct dlv_kvapp *a)
{
    if (!a)
        return;
    bts_valset_free(&a->genesis);
    free(a->e);
    free(a);
}

size_t dlv_kvapp_size(const struct dlv_kvapp *a)
{
    return a->n;
}

const char *dlv_kvapp_get(const struct dlv_kvapp *a, const char *key)
{
    size_t ins;
    long i = find(a, key, &ins);
    return i >= 0 ? a->e[i].v : NULL;
}
