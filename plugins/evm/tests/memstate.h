/* A tiny in-memory state behind struct bt_evm_state_iface for the EVM's unit tests, fuzz
 * target and benchmark: a fixed array of accounts, each with a few storage slots. */
#ifndef EVM_TESTS_MEMSTATE_H
#define EVM_TESTS_MEMSTATE_H

#include "evm_int.h"

#include <string.h>

#define MS_MAX_ACCTS 8
#define MS_MAX_SLOTS 8

struct ms_acct {
    uint8_t addr[20];
    uint64_t nonce;
    uint8_t balance[32];
    const uint8_t *code;
    size_t code_len;
    uint8_t slot_key[MS_MAX_SLOTS][32], slot_val[MS_MAX_SLOTS][32];
    size_t n_slots;
};

struct ms_state {
    struct ms_acct a[MS_MAX_ACCTS];
    size_t n;
};

static inline struct ms_acct *ms_find(struct ms_state *s, const uint8_t addr[20])
{
    for (size_t i = 0; i < s->n; i++) {
        if (memcmp(s->a[i].addr, addr, 20) == 0)
            return &s->a[i];
    }
    return NULL;
}

static inline struct ms_acct *ms_add(struct ms_state *s, const uint8_t addr[20], uint64_t bal,
                                     const uint8_t *code, size_t code_len)
{
    struct ms_acct *a = &s->a[s->n++];
    memset(a, 0, sizeof(*a));
    memcpy(a->addr, addr, 20);
    for (int i = 0; i < 8; i++)
        a->balance[31 - i] = (uint8_t)(bal >> (8 * i));
    a->code = code;
    a->code_len = code_len;
    return a;
}

static inline bt_status ms_get_account(void *ctx, const uint8_t addr[20], uint64_t *nonce,
                                       uint8_t bal[32], uint8_t hash[32])
{
    struct ms_acct *a = ms_find(ctx, addr);
    if (!a)
        return BT_ENOTFOUND;
    *nonce = a->nonce;
    memcpy(bal, a->balance, 32);
    bts_keccak256(hash, a->code, a->code_len);
    return BT_OK;
}

static inline bt_status ms_get_code(void *ctx, const uint8_t addr[20], struct bt_value *out)
{
    struct ms_acct *a = ms_find(ctx, addr);
    memset(out, 0, sizeof(*out));
    if (a) {
        out->data = a->code;
        out->len = a->code_len;
    }
    return BT_OK;
}

static inline bt_status ms_get_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32],
                                       uint8_t out[32])
{
    struct ms_acct *a = ms_find(ctx, addr);
    memset(out, 0, 32);
    for (size_t i = 0; a && i < a->n_slots; i++) {
        if (memcmp(a->slot_key[i], key, 32) == 0)
            memcpy(out, a->slot_val[i], 32);
    }
    return BT_OK;
}

static inline bt_status ms_get_block_hash(void *ctx, uint64_t n, uint8_t out[32])
{
    (void)ctx;
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++)
        out[31 - i] = (uint8_t)(n >> (8 * i));
    return BT_OK;
}

static const struct bt_evm_state_iface ms_iface = {sizeof(struct bt_evm_state_iface),
                                                   ms_get_account,
                                                   ms_get_code,
                                                   ms_get_storage,
                                                   ms_get_block_hash,
                                                   NULL};

#endif
