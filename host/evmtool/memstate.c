/* In-memory state over a sorted allocation (memstate_int.h). Binary search keeps lookups
 * cheap for the thousands of state-test cases; inserts move the tail (states are small). */
#include "memstate_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

/* Index of the first of n records (stride bytes apart, each starting with its key) whose key
 * is >= key: accounts start with their address, slots with their key (alloc_int.h). */
static size_t lower_bound(const void *base, size_t n, size_t stride, const uint8_t *key,
                          size_t key_len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp((const uint8_t *)base + mid * stride, key, key_len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

_Static_assert(offsetof(struct alloc_account, addr) == 0, "accounts start with the address");
_Static_assert(offsetof(struct alloc_slot, key) == 0, "slots start with the key");

static size_t acct_pos(const struct alloc *a, const uint8_t addr[20])
{
    return lower_bound(a->accounts, a->n, sizeof(*a->accounts), addr, 20);
}

static struct alloc_account *acct_find(const struct alloc *a, const uint8_t addr[20])
{
    size_t i = acct_pos(a, addr);
    return i < a->n && !memcmp(a->accounts[i].addr.bytes, addr, 20) ? &a->accounts[i] : NULL;
}

struct alloc_account *memstate_account(struct alloc *a, const uint8_t addr[20])
{
    size_t i = acct_pos(a, addr);
    if (i < a->n && !memcmp(a->accounts[i].addr.bytes, addr, 20))
        return &a->accounts[i];
    struct alloc_account *n = realloc(a->accounts, (a->n + 1) * sizeof(*n));
    if (!n)
        return NULL;
    a->accounts = n;
    memmove(&n[i + 1], &n[i], (a->n - i) * sizeof(*n));
    memset(&n[i], 0, sizeof(*n));
    memcpy(n[i].addr.bytes, addr, 20);
    a->n++;
    return &n[i];
}

static void acct_clear(struct alloc_account *acc)
{
    free(acc->code);
    free(acc->storage);
    acc->code = NULL;
    acc->code_len = 0;
    acc->storage = NULL;
    acc->n_storage = 0;
}

static void acct_remove(struct alloc *a, const uint8_t addr[20])
{
    struct alloc_account *acc = acct_find(a, addr);
    if (!acc)
        return;
    size_t i = (size_t)(acc - a->accounts);
    acct_clear(acc);
    memmove(&a->accounts[i], &a->accounts[i + 1], (a->n - i - 1) * sizeof(*acc));
    a->n--;
}

static size_t slot_pos(const struct alloc_account *acc, const uint8_t key[32])
{
    return lower_bound(acc->storage, acc->n_storage, sizeof(*acc->storage), key, 32);
}

static const uint8_t zero32[32];

/* Set one slot; zero deletes it. Returns BT_OK or BT_ENOMEM. */
static bt_status slot_set(struct alloc_account *acc, const uint8_t key[32], const uint8_t val[32])
{
    size_t i = slot_pos(acc, key);
    int found = i < acc->n_storage && !memcmp(acc->storage[i].key.bytes, key, 32);
    int is_zero = !memcmp(val, zero32, 32);
    if (found && is_zero) {
        memmove(&acc->storage[i], &acc->storage[i + 1],
                (acc->n_storage - i - 1) * sizeof(acc->storage[0]));
        acc->n_storage--;
    } else if (found) {
        memcpy(acc->storage[i].value.bytes, val, 32);
    } else if (!is_zero) {
        struct alloc_slot *n = realloc(acc->storage, (acc->n_storage + 1) * sizeof(*n));
        if (!n)
            return BT_ENOMEM;
        acc->storage = n;
        memmove(&n[i + 1], &n[i], (acc->n_storage - i) * sizeof(*n));
        memcpy(n[i].key.bytes, key, 32);
        memcpy(n[i].value.bytes, val, 32);
        acc->n_storage++;
    }
    return BT_OK;
}

/* keccak256 of no bytes: the code hash of every account without code. */
static const uint8_t empty_code_hash[32] = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static void code_hash(struct memstate *m, const uint8_t *code, size_t len, uint8_t out[32])
{
    if (!len) {
        memcpy(out, empty_code_hash, 32);
        return;
    }
    for (unsigned i = 0; code && i < MEMSTATE_HASHES; i++) {
        if (m->hashes[i].code == code && m->hashes[i].len == len) {
            memcpy(out, m->hashes[i].hash, 32);
            return;
        }
    }
    bts_keccak256(out, code, len);
    if (!code)
        return;
    unsigned i = m->next_hash++ % MEMSTATE_HASHES;
    m->hashes[i].code = code;
    m->hashes[i].len = len;
    memcpy(m->hashes[i].hash, out, 32);
}

static void forget_hashes(struct memstate *m)
{
    memset(m->hashes, 0, sizeof(m->hashes));
}

static bt_status ms_get_account(void *ctx, const uint8_t addr[20], uint64_t *out_nonce,
                                uint8_t out_balance[32], uint8_t out_code_hash[32])
{
    struct memstate *m = ctx;
    const struct alloc_account *acc = acct_find(&m->a, addr);
    if (!acc) {
        *out_nonce = 0;
        memset(out_balance, 0, 32);
        memcpy(out_code_hash, empty_code_hash, 32);
        return BT_ENOTFOUND;
    }
    *out_nonce = acc->nonce;
    bts_u256_store_be(out_balance, &acc->balance);
    code_hash(m, acc->code, acc->code_len, out_code_hash);
    return BT_OK;
}

static bt_status ms_get_code(void *ctx, const uint8_t addr[20], struct bt_value *out)
{
    const struct alloc_account *acc = acct_find(&((struct memstate *)ctx)->a, addr);
    memset(out, 0, sizeof(*out));
    if (acc) {
        out->data = acc->code;
        out->len = acc->code_len;
    }
    return BT_OK;
}

static bt_status ms_get_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32],
                                uint8_t out_value[32])
{
    const struct alloc_account *acc = acct_find(&((struct memstate *)ctx)->a, addr);
    memset(out_value, 0, 32);
    if (!acc)
        return BT_OK;
    size_t i = slot_pos(acc, key);
    if (i < acc->n_storage && !memcmp(acc->storage[i].key.bytes, key, 32))
        memcpy(out_value, acc->storage[i].value.bytes, 32);
    return BT_OK;
}

static bt_status ms_get_block_hash(void *ctx, uint64_t number, uint8_t out_hash[32])
{
    (void)ctx;
    char s[24];
    int len = snprintf(s, sizeof(s), "%llu", (unsigned long long)number);
    bts_keccak256(out_hash, s, (size_t)len);
    return BT_OK;
}

static bt_status ms_has_storage(void *ctx, const uint8_t addr[20], int *out_has)
{
    const struct alloc_account *acc = acct_find(&((struct memstate *)ctx)->a, addr);
    *out_has = acc && acc->n_storage > 0;
    return BT_OK;
}

const struct bt_evm_state_iface memstate_iface = {
    .struct_size = sizeof(struct bt_evm_state_iface),
    .get_account = ms_get_account,
    .get_code = ms_get_code,
    .get_storage = ms_get_storage,
    .get_block_hash = ms_get_block_hash,
    .has_storage = ms_has_storage,
};

bt_status memstate_apply(struct memstate *m, const struct bt_evm_result *r)
{
    struct alloc *a = &m->a;
    forget_hashes(m); /* code buffers are freed and replaced below */
    for (size_t i = 0; i < r->n_changes; i++) {
        const struct bt_evm_account_change *c = &r->changes[i];
        if (c->flags & (BT_EVM_ACCOUNT_DESTROYED | BT_EVM_ACCOUNT_TOUCHED_EMPTY)) {
            acct_remove(a, c->address);
            continue;
        }
        struct alloc_account *acc = memstate_account(a, c->address);
        if (!acc)
            return BT_ENOMEM;
        if (c->flags & BT_EVM_ACCOUNT_CREATED)
            acc->n_storage = 0;
        acc->nonce = c->nonce;
        bts_u256_load_be(&acc->balance, c->balance);
        if (c->flags & BT_EVM_ACCOUNT_CODE) {
            uint8_t *code = NULL;
            if (c->code_len && !(code = malloc(c->code_len)))
                return BT_ENOMEM;
            if (c->code_len)
                memcpy(code, c->code, c->code_len);
            free(acc->code);
            acc->code = code;
            acc->code_len = c->code_len;
        }
        for (size_t k = 0; k < c->n_storage; k++) {
            bt_status st = slot_set(acc, c->storage[k].key, c->storage[k].value);
            if (st != BT_OK)
                return st;
        }
    }
    return BT_OK;
}

void memstate_free(struct memstate *m)
{
    alloc_free(&m->a);
    forget_hashes(m);
}

bt_status memstate_copy(struct memstate *m, const struct alloc *src)
{
    memset(m, 0, sizeof(*m));
    struct alloc *dst = &m->a;
    if (!src->n)
        return BT_OK;
    dst->accounts = calloc(src->n, sizeof(*dst->accounts));
    if (!dst->accounts)
        return BT_ENOMEM;
    dst->n = src->n;
    for (size_t i = 0; i < src->n; i++) {
        const struct alloc_account *s = &src->accounts[i];
        struct alloc_account *d = &dst->accounts[i];
        *d = *s;
        d->code = NULL;
        d->storage = NULL;
        if (s->code_len && !(d->code = malloc(s->code_len)))
            goto oom;
        if (s->code_len)
            memcpy(d->code, s->code, s->code_len);
        if (s->n_storage && !(d->storage = malloc(s->n_storage * sizeof(*d->storage))))
            goto oom;
        if (s->n_storage)
            memcpy(d->storage, s->storage, s->n_storage * sizeof(*d->storage));
    }
    return BT_OK;
oom:
    alloc_free(dst);
    return BT_ENOMEM;
}
