/* Genesis of `--chain devnet`: a local Bttc network (Bttc rules of PROTOCOL.md §3.10: Berlin, no
 * London, the Bor engine with mainnet timing), chain id 1337. Its allocation holds the genesis
 * contracts built from contracts/ (genesis_devnet_code.c) at their §2 addresses, with the first
 * span (id 0, blocks 0-255) already in the validator set's storage, so getCurrentSpan() answers
 * (0, 0, 255) and the first commitSpan comes at block 192 as on mainnet. The producers of span 0
 * are the first dev accounts (power 1 each), which are also funded.
 *
 * BorValidatorSet storage (solc layout, contracts/src/child/BorValidatorSet.sol; System holds
 * only a constant): slot 0 validators (mapping uint256 => Validator[]), 1 producers (same),
 * 2 spans (mapping uint256 => Span{number,startBlock,endBlock}), 3 spanNumbers (uint256[]),
 * 4 initialValidators (Validator[]); Validator = {id, power, signer}, three words. */
#include "genesis_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>

#define ERR(...) ((void)snprintf(err, err_cap, __VA_ARGS__))

static void word_u64(uint8_t w[32], uint64_t v)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(v >> (8 * i));
}

/* keccak(word(key) || word(slot)): a mapping entry's slot. */
static void map_slot(uint8_t out[32], uint64_t key, uint64_t slot)
{
    uint8_t in[64];
    word_u64(in, key);
    word_u64(in + 32, slot);
    bts_keccak256(out, in, 64);
}

/* slot + i, as a 256-bit big-endian addition. */
static void slot_add(uint8_t out[32], const uint8_t base[32], uint64_t i)
{
    memcpy(out, base, 32);
    unsigned carry = 0;
    for (int k = 31; k >= 0; k--) {
        unsigned add = 31 - k < 8 ? (unsigned)(i >> (8 * (31 - k))) & 0xffu : 0u;
        unsigned s = out[k] + add + carry;
        out[k] = (uint8_t)s;
        carry = s >> 8;
    }
}

static bt_status put_slot(struct alloc_account *acc, const uint8_t key[32], const uint8_t val[32])
{
    struct alloc_slot *s = realloc(acc->storage, (acc->n_storage + 1) * sizeof(*s));
    if (!s)
        return BT_ENOMEM;
    acc->storage = s;
    memcpy(s[acc->n_storage].key.bytes, key, 32);
    memcpy(s[acc->n_storage].value.bytes, val, 32);
    acc->n_storage++;
    return BT_OK;
}

static int cmp_slot(const void *a, const void *b)
{
    return memcmp(((const struct alloc_slot *)a)->key.bytes,
                  ((const struct alloc_slot *)b)->key.bytes, 32);
}

/* A dynamic Validator[] whose length lives at `len_slot`: length, then three words each. */
static bt_status put_validators(struct alloc_account *acc, const uint8_t len_slot[32],
                                const struct bt_address *signers, uint32_t n)
{
    uint8_t w[32], base[32], k[32];
    word_u64(w, n);
    bt_status st = put_slot(acc, len_slot, w);
    bts_keccak256(base, len_slot, 32);
    for (uint32_t i = 0; st == BT_OK && i < n; i++) {
        slot_add(k, base, 3 * (uint64_t)i);
        word_u64(w, i + 1); /* id */
        st = put_slot(acc, k, w);
        slot_add(k, base, 3 * (uint64_t)i + 1);
        word_u64(w, 1); /* power */
        if (st == BT_OK)
            st = put_slot(acc, k, w);
        slot_add(k, base, 3 * (uint64_t)i + 2);
        memset(w, 0, 12);
        memcpy(w + 12, signers[i].bytes, 20);
        if (st == BT_OK)
            st = put_slot(acc, k, w);
    }
    return st;
}

static bt_status add_contract(struct genesis *g, uint16_t low, const char *hex,
                              const struct bts_u256 *balance, struct alloc_account **out)
{
    struct bt_address a;
    memset(&a, 0, sizeof(a));
    a.bytes[18] = (uint8_t)(low >> 8);
    a.bytes[19] = (uint8_t)low;
    bt_status st = alloc_add_balance(&g->alloc, &a, balance);
    if (st != BT_OK)
        return st;
    struct alloc_account *acc = (struct alloc_account *)alloc_find(&g->alloc, &a);
    struct bts_buf code;
    bts_buf_init(&code);
    st = bts_hex_decode_buf(&code, hex, strlen(hex), 0);
    if (st != BT_OK) {
        bts_buf_free(&code);
        return st == BT_ENOMEM ? st : BT_EINTERNAL;
    }
    acc->code = bts_buf_detach(&code, &acc->code_len);
    *out = acc;
    return BT_OK;
}

bt_status genesis_devnet(struct genesis *g, uint32_t n_dev, char *err, size_t err_cap)
{
    return genesis_devnet_signers(g, n_dev, NULL, 0, err, err_cap);
}

bt_status genesis_devnet_signers(struct genesis *g, uint32_t n_dev,
                                 const struct bt_address *producers, uint32_t n_producers,
                                 char *err, size_t err_cap)
{
    memset(g, 0, sizeof(*g));
    if (n_dev == 0 || n_dev > GENESIS_DEV_ACCOUNTS_MAX) {
        ERR("dev accounts: %u requested, want 1..%u", n_dev, GENESIS_DEV_ACCOUNTS_MAX);
        return BT_EINVAL;
    }
    if (producers && (n_producers == 0 || n_producers > GENESIS_DEV_ACCOUNTS_MAX)) {
        ERR("devnet producers: %u given, want 1..%u", n_producers, GENESIS_DEV_ACCOUNTS_MAX);
        return BT_EINVAL;
    }
    bt_status st = chaincfg_preset(&g->config, CHAINCFG_MAINNET);
    if (st != BT_OK)
        return st;
    g->config.chain_id = g->config.network_id = GENESIS_DEVNET_CHAIN_ID;
    g->timestamp = 0x5ce28211; /* the Bttc networks' genesis header fields (§3.10) */
    g->gas_limit = 0x989680;
    g->has_difficulty = 1;
    g->difficulty = bts_u256_from_u64(1);

    uint32_t n_val = n_dev < GENESIS_DEVNET_VALIDATORS ? n_dev : GENESIS_DEVNET_VALIDATORS;
    struct bt_address dev_signers[GENESIS_DEVNET_VALIDATORS];
    const struct bt_address *signers = producers ? producers : dev_signers;
    if (producers)
        n_val = n_producers;
    struct bts_u256 bal = bts_u256_from_u64(GENESIS_DEV_BALANCE_ETHER), wei, zero = {{0}};
    struct bts_u256 ether = bts_u256_from_u64(1000000000000000000u);
    bts_u256_mul(&wei, &bal, &ether);
    for (uint32_t i = 0; st == BT_OK && i < n_dev; i++) {
        struct bt_address a;
        st = genesis_dev_address(&a, i);
        if (st == BT_OK && !producers && i < n_val)
            dev_signers[i] = a;
        if (st == BT_OK)
            st = alloc_add_balance(&g->alloc, &a, &wei);
    }
    /* validator set 0x...1000 with span 0 */
    struct alloc_account *vs = NULL;
    if (st == BT_OK)
        st = add_contract(g, 0x1000, genesis_devnet_validator_set_hex, &zero, &vs);
    uint8_t k[32], w[32];
    if (st == BT_OK) {
        word_u64(k, 4);
        st = put_validators(vs, k, signers, n_val); /* initialValidators */
    }
    if (st == BT_OK) {
        map_slot(k, 0, 0);
        st = put_validators(vs, k, signers, n_val); /* validators[0] */
    }
    if (st == BT_OK) {
        map_slot(k, 0, 1);
        st = put_validators(vs, k, signers, n_val); /* producers[0] */
    }
    if (st == BT_OK) {
        uint8_t base[32];
        map_slot(base, 0, 2);
        slot_add(k, base, 2);
        word_u64(w, 255); /* spans[0] = {0, 0, 255}: zero words are not stored */
        st = put_slot(vs, k, w);
    }
    if (st == BT_OK) {
        word_u64(k, 3);
        word_u64(w, 1); /* spanNumbers = [0] */
        st = put_slot(vs, k, w);
    }
    if (st == BT_OK)
        qsort(vs->storage, vs->n_storage, sizeof(*vs->storage), cmp_slot);
    /* state receiver 0x...1001 (lastStateId 0) and the native token 0x...1010 */
    struct alloc_account *sr = NULL, *tok = NULL;
    if (st == BT_OK)
        st = add_contract(g, 0x1001, genesis_devnet_state_receiver_hex, &zero, &sr);
    struct bts_u256 supply;
    if (st == BT_OK && bts_u256_from_hex(&supply, "0x1ed09b7e473741b2481174c000000", 31) != BT_OK)
        st = BT_EINTERNAL;
    if (st == BT_OK)
        st = add_contract(g, 0x1010, genesis_devnet_mrc20_hex, &supply, &tok);
    if (st != BT_OK) {
        ERR("devnet genesis: %s", bts_status_str(st));
        return st;
    }
    g->is_alloc_known = 1;
    return BT_OK;
}
