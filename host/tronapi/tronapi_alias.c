/* Contracts made by a TRON CreateSmartContract on the dev chain (ROOTCHAINS.md §1.3, §4.2.1).
 * java-tron puts such a contract at 0x41 ‖ keccak256(txID ‖ owner)[12:] and tronweb computes that
 * address itself (TransactionBuilder.createSmartContract, helper.ts genContractAddress), but the
 * dev chain runs the creation as an ordinary EVM transaction, whose contract lands at
 * keccak256(rlp([sender, nonce]))[12:]: no EVM transaction can create at a chosen address, and
 * writing code outside a transaction would give blocks other nodes cannot import. So the dev
 * TRON API shows each such contract under its java-tron address (the "TRON view") and translates
 * at its edge:
 *  - in: a contract address given to an endpoint, and every ABI word (12 zero bytes ‖ 20 bytes)
 *    of calldata or init code equal to a java-tron address, become the EVM address;
 *  - out: log addresses, and every such word of topics, log data and return data equal to an
 *    EVM address of the table, become the java-tron address.
 * Words are matched at any byte offset (init code ‖ constructor arguments is not word-aligned);
 * a false match needs 12 zero bytes followed by a keccak-derived address, which data that does
 * not name the contract does not hold in practice. The table is rebuilt at start from the
 * recorded transactions. Thread: loop. */
#include "tronapi_priv.h"

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

void tronapi_create_address(uint8_t out[20], const uint8_t from[20], uint64_t nonce)
{
    /* rlp([from, nonce]): a list of a 20-byte string and a minimal big-endian integer */
    uint8_t rlp[1 + 21 + 9], h[32];
    size_t n = 1;
    rlp[n++] = 0x80 + 20;
    memcpy(rlp + n, from, 20);
    n += 20;
    if (nonce == 0) {
        rlp[n++] = 0x80;
    } else if (nonce < 0x80) {
        rlp[n++] = (uint8_t)nonce;
    } else {
        int len = 0;
        for (uint64_t x = nonce; x; x >>= 8)
            len++;
        rlp[n++] = (uint8_t)(0x80 + len);
        for (int i = len - 1; i >= 0; i--)
            rlp[n++] = (uint8_t)(nonce >> (8 * i));
    }
    rlp[0] = (uint8_t)(0xc0 + (n - 1));
    bts_keccak256(h, rlp, n);
    memcpy(out, h + 12, 20);
}

bt_status tronapi_alias_add(struct tronapi *t, const uint8_t tron[20], const uint8_t evm[20],
                            size_t rec)
{
    for (size_t i = 0; i < t->n_alias; i++)
        if (memcmp(t->alias[i].tron, tron, 20) == 0) {
            memcpy(t->alias[i].evm, evm, 20); /* the same creation, executed again */
            return BT_OK;
        }
    if (t->n_alias == t->cap_alias) {
        size_t cap = t->cap_alias ? 2 * t->cap_alias : 8;
        void *p = realloc(t->alias, cap * sizeof(*t->alias));
        if (!p)
            return BT_ENOMEM;
        t->alias = p;
        t->cap_alias = cap;
    }
    memcpy(t->alias[t->n_alias].tron, tron, 20);
    memcpy(t->alias[t->n_alias].evm, evm, 20);
    t->alias[t->n_alias].rec = rec;
    t->n_alias++;
    return BT_OK;
}

bt_status tronapi_alias_of_rec(struct tronapi *t, size_t rec)
{
    const struct tronapi_rec *r = &t->recs[rec];
    struct bts_tron_tx tx;
    struct bts_buf data;
    bts_buf_init(&data);
    bt_status st = bts_tron_tx_decode(&tx, &data, r->raw, r->raw_len);
    if (st != BT_OK || tx.type != BTS_TRON_CREATE_SMART_CONTRACT) {
        bts_buf_free(&data);
        return st == BT_ENOMEM ? st : BT_OK;
    }
    uint8_t j[BTS_TRON_ADDR_LEN], a[20];
    bts_tron_contract_address(j, r->txid, tx.owner);
    bts_buf_free(&data);
    struct chain_tx ctx;
    memset(&ctx, 0, sizeof(ctx));
    st = chain_tx_by_hash(t->o.chain, r->evm_hash.bytes, &ctx);
    if (st == BT_ENOTFOUND)
        return BT_OK; /* never mined (a pool lost in a restart): no contract */
    if (st != BT_OK)
        return st;
    tronapi_create_address(a, ctx.from.bytes, ctx.tx.nonce);
    chain_tx_free(&ctx);
    return tronapi_alias_add(t, j + 1, a, rec);
}

const struct tronapi_alias *tronapi_alias_find(const struct tronapi *t, const uint8_t tron[20])
{
    for (size_t i = 0; i < t->n_alias; i++)
        if (memcmp(t->alias[i].tron, tron, 20) == 0)
            return &t->alias[i];
    return NULL;
}

const uint8_t *tronapi_to_evm(const struct tronapi *t, const uint8_t addr[20])
{
    for (size_t i = 0; i < t->n_alias; i++)
        if (memcmp(t->alias[i].tron, addr, 20) == 0)
            return t->alias[i].evm;
    return addr;
}

const uint8_t *tronapi_to_tron(const struct tronapi *t, const uint8_t addr[20])
{
    for (size_t i = 0; i < t->n_alias; i++)
        if (memcmp(t->alias[i].evm, addr, 20) == 0)
            return t->alias[i].tron;
    return addr;
}

void tronapi_rewrite_words(const struct tronapi *t, uint8_t *p, size_t len, int to_evm)
{
    static const uint8_t zero[12];
    if (!t->n_alias || len < 32)
        return;
    for (size_t i = 0; i + 32 <= len; i++) {
        if (p[i + 11] != 0 || memcmp(p + i, zero, 12) != 0)
            continue;
        uint8_t *a = p + i + 12;
        const uint8_t *b = to_evm ? tronapi_to_evm(t, a) : tronapi_to_tron(t, a);
        if (b != a) {
            memcpy(a, b, 20);
            i += 31;
        }
    }
}
