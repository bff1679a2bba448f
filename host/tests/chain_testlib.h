/* Shared by the chain suite and bench/chain: the EVM linked directly behind its plugin table, a
 * consensus engine in the shape of consensus-dev that signs with a key in memory (no host
 * keystore), signed transfers, and a chain opened over a store. Static functions: each user
 * takes what it needs. */
#ifndef BTTCD_CHAIN_TESTLIB_H
#define BTTCD_CHAIN_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/header.h>
#include <bts/keccak.h>
#include <bts/secp.h>

#include "chain_int.h"
#include "evm_int.h"

/* --- the EVM ------------------------------------------------------------------------------- */

static __thread char ctl_evm_err[256];

static bt_status ctl_execute(void *self, const struct bt_evm_state_iface *state, void *state_ctx,
                             const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                             const struct bt_evm_config *cfg, struct bt_evm_result *out)
{
    (void)self;
    ctl_evm_err[0] = '\0';
    return evm_execute(state, state_ctx, block, tx, cfg, out, ctl_evm_err, sizeof(ctl_evm_err));
}

static const char *ctl_evm_error(void *arg)
{
    (void)arg;
    return ctl_evm_err;
}

static const struct bt_evm_vtbl ctl_evm = {sizeof(struct bt_evm_vtbl), ctl_execute};

/* --- the engine: consensus-dev's rules with an in-memory key --------------------------------- */

#define CTL_EXTRA_LEN 97

struct ctl_engine {
    uint8_t key[32];
    uint8_t addr[20];
    char err[256];
    int n_seals;
    uint8_t difficulty; /* of every block it prepares; 0: 1 */
};

static bt_status ctl_author(void *self, const struct bt_header *bh, uint8_t out[20])
{
    struct ctl_engine *e = self;
    struct bts_header h;
    struct bt_address a;
    if (bts_header_decode(&h, bh->rlp, bh->rlp_len) != BT_OK ||
        bts_header_bor_signer(&a, &h, 0) != BT_OK) {
        snprintf(e->err, sizeof(e->err), "bad seal");
        return BT_EINVAL;
    }
    memcpy(out, a.bytes, 20);
    return BT_OK;
}

static bt_status ctl_verify(void *self, const struct bt_header *h, const struct bt_header *parent,
                            uint32_t flags)
{
    struct ctl_engine *e = self;
    uint8_t a[20];
    if (h->time <= parent->time) {
        snprintf(e->err, sizeof(e->err), "invalid timestamp");
        return BT_EINVAL;
    }
    if (h->extra_len != CTL_EXTRA_LEN) {
        snprintf(e->err, sizeof(e->err), "invalid extra-data");
        return BT_EINVAL;
    }
    if ((flags & BT_VERIFY_SEAL) && (ctl_author(e, h, a) != BT_OK || memcmp(a, e->addr, 20) != 0)) {
        snprintf(e->err, sizeof(e->err), "unauthorized signer");
        return BT_EINVAL;
    }
    return BT_OK;
}

static bt_status ctl_schedule(void *self, const struct bt_header *parent, uint64_t n_pending,
                              uint64_t *out_time_ms)
{
    (void)self, (void)parent, (void)n_pending, (void)out_time_ms;
    return BT_ENOTFOUND;
}

static bt_status ctl_prepare(void *self, const struct bt_header *parent, struct bt_header_draft *d)
{
    const struct ctl_engine *e = self;
    d->number = parent->number + 1;
    d->time = parent->time + 1;
    d->gas_limit = parent->gas_limit;
    memset(d->difficulty, 0, 32);
    d->difficulty[31] = e->difficulty ? e->difficulty : 1;
    memset(d->extra, 0, CTL_EXTRA_LEN);
    d->extra_len = CTL_EXTRA_LEN;
    return BT_OK;
}

static bt_status ctl_finalize(void *self, const struct bt_header *h,
                              const struct bt_block_state_ops *ops, void *state)
{
    (void)self, (void)h, (void)ops, (void)state;
    return BT_OK;
}

static bt_status ctl_seal(void *self, const struct bt_header *bh, uint8_t *extra, size_t extra_len)
{
    struct ctl_engine *e = self;
    struct bts_header h;
    uint8_t digest[32], sig[65];
    if (bts_header_decode(&h, bh->rlp, bh->rlp_len) != BT_OK ||
        bts_header_bor_seal_hash(digest, &h, 0) != BT_OK || bts_secp_sign(sig, e->key, digest))
        return BT_EINVAL;
    memcpy(extra + extra_len - 65, sig, 65);
    e->n_seals++;
    return BT_OK;
}

static const struct bt_consensus_vtbl ctl_engine_vtbl = {sizeof(struct bt_consensus_vtbl),
                                                         ctl_verify,
                                                         ctl_schedule,
                                                         ctl_prepare,
                                                         ctl_finalize,
                                                         ctl_seal,
                                                         ctl_author,
                                                         NULL};

static const char *ctl_engine_error(void *arg)
{
    return ((struct ctl_engine *)arg)->err;
}

/* Key 0x11..11 seals. */
static void ctl_engine_init(struct ctl_engine *e)
{
    memset(e, 0, sizeof(*e));
    memset(e->key, 0x11, 32);
    if (bts_secp_seckey_to_address(e->addr, e->key) != BT_OK)
        abort();
}

/* --- transactions ---------------------------------------------------------------------------- */

/* A signed legacy EIP-155 transaction (chain 1337) into b (reset first). */
static bt_status ctl_sign_tx(struct bts_buf *b, const uint8_t key[32], uint64_t nonce,
                             uint64_t price, uint64_t gas, const uint8_t *to20, uint64_t value,
                             const uint8_t *data, size_t data_len)
{
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(1337);
    tx.nonce = nonce;
    tx.gas_price = bts_u256_from_u64(price);
    tx.gas_tip_cap = tx.gas_price;
    tx.gas = gas;
    tx.has_to = to20 != NULL;
    if (to20)
        memcpy(tx.to.bytes, to20, 20);
    tx.value = bts_u256_from_u64(value);
    tx.data = data;
    tx.data_len = data_len;
    uint8_t digest[32], sig[65];
    bt_status rc = bts_tx_signing_hash(digest, &tx);
    if (rc == BT_OK)
        rc = bts_secp_sign(sig, key, digest);
    if (rc != BT_OK)
        return rc;
    bts_u256_load_be_bytes(&tx.r, sig, 32);
    bts_u256_load_be_bytes(&tx.s, sig + 32, 32);
    tx.v = bts_u256_from_u64(1337 * 2 + 35 + sig[64]);
    bts_buf_reset(b);
    return bts_tx_encode(b, &tx);
}

/* --- a chain --------------------------------------------------------------------------------- */

static void ctl_opts(struct chain_opts *o, struct stor *s, const struct genesis *g,
                     struct ctl_engine *e, struct workers *w)
{
    memset(o, 0, sizeof(*o));
    o->s = s;
    o->g = g;
    o->exec.evm = &ctl_evm;
    o->exec.evm_error = ctl_evm_error;
    o->engine.vt = &ctl_engine_vtbl;
    o->engine.self = e;
    o->engine.error = ctl_engine_error;
    o->engine.error_arg = e;
    o->workers = w;
}

#endif /* BTTCD_CHAIN_TESTLIB_H */
