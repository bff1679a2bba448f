/* Broadcast and transaction lookups of the dev TRON API. A transaction is checked as java-tron
 * checks it (Wallet.broadcastTransaction, Manager.validateTapos / validateCommon,
 * TransactionCapsule.validateSignature; ROOTCHAINS.md §1.3-§1.4, §4.1): duplicate txID, TaPoS
 * reference to a recent canonical block, head time < expiration <= head time + 24 h, every
 * signature by the owner, fee_limit within the maximum. It is then executed as a signed EVM
 * transaction from the owner's address with the owner's dev key (tronapi_int.h). */
#include "tronapi_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/secp.h>

#include "genesis_int.h"

#define DAY_MS (24LL * 3600 * 1000)

struct refusal {
    const char *code; /* java-tron Return.response_code name */
    char msg[256];
};

static int refuse(struct refusal *r, const char *code, const char *msg)
{
    r->code = code;
    snprintf(r->msg, sizeof(r->msg), "%s", msg);
    return 0;
}

/* The index of the dev key whose address is `evm`, or -1. */
static long dev_index(struct tronapi *t, const uint8_t evm[20])
{
    if (!t->has_dev) {
        t->has_dev = 1;
        t->dev = calloc(t->o.n_dev_keys ? t->o.n_dev_keys : 1, sizeof(*t->dev));
        for (uint32_t i = 0; t->dev && i < t->o.n_dev_keys; i++)
            if (genesis_dev_address(&t->dev[t->n_dev], i) == BT_OK)
                t->n_dev++;
    }
    for (size_t i = 0; i < t->n_dev; i++)
        if (memcmp(t->dev[i].bytes, evm, 20) == 0)
            return (long)i;
    return -1;
}

/* Whether an accepted transaction's EVM form is still pending or mined. A node without a pool
 * journal (no --datadir) loses its pool in a restart while the record stays: the same TRON
 * transaction broadcast again is then executed again, not refused as a duplicate. */
static int alive(struct tronapi *t, const struct tronapi_rec *r)
{
    if (txpool_get(chain_txpool(t->o.chain), r->evm_hash.bytes))
        return 1;
    struct chain_tx ctx;
    memset(&ctx, 0, sizeof(ctx));
    bt_status st = chain_tx_by_hash(t->o.chain, r->evm_hash.bytes, &ctx);
    if (st == BT_OK)
        chain_tx_free(&ctx);
    return st != BT_ENOTFOUND;
}

/* java-tron's checks, in its order. 1: accepted. */
static int verify(struct tronapi *t, const struct tronapi_txin *in, struct refusal *r)
{
    const struct bts_tron_tx *tx = &in->tx;
    const struct tronapi_rec *known = tronapi_rec_by_txid(t, in->txid);
    if (known && alive(t, known))
        return refuse(r, "DUP_TRANSACTION_ERROR", "Dup transaction.");
    const struct chain_header *head = chain_head_header(t->o.chain);
    uint64_t hn = head->h.number;
    uint64_t ref = (uint64_t)tx->ref_block_bytes[0] << 8 | tx->ref_block_bytes[1];
    /* the newest block at or below the head whose number ends in ref (65,536-slot table) */
    uint64_t n = (hn & ~(uint64_t)0xffff) | ref;
    uint8_t hash[32];
    if (n > hn)
        n = n >= 0x10000 ? n - 0x10000 : UINT64_MAX;
    if (n == UINT64_MAX || chain_canonical_hash(t->o.chain, n, hash) != BT_OK ||
        memcmp(hash + 8, tx->ref_block_hash, 8) != 0)
        return refuse(r, "TAPOS_ERROR", "Tapos check error.");
    int64_t now = (int64_t)head->h.time * 1000;
    if (tx->expiration <= now || tx->expiration > now + DAY_MS)
        return refuse(r, "TRANSACTION_EXPIRATION_ERROR", "Transaction expired");
    if (in->n_sigs == 0)
        return refuse(r, "SIGERROR", "Validate signature error: miss sig or contract");
    for (size_t i = 0; i < in->n_sigs; i++) {
        uint8_t who[BTS_TRON_ADDR_LEN];
        if (bts_tron_sig_recover(who, in->txid, in->sigs[i]) != BT_OK)
            return refuse(r, "SIGERROR", "Validate signature error: bad signature");
        if (memcmp(who, tx->owner, BTS_TRON_ADDR_LEN) != 0) {
            char a[BTS_TRON_BASE58_CAP] = "?", txid[65];
            size_t len;
            if (bts_tron_address_to_base58(a, who) != BT_OK)
                a[0] = 0;
            if (bts_hex_encode(txid, sizeof(txid), &len, in->txid, 32, 0) != BT_OK)
                txid[0] = 0;
            snprintf(r->msg, sizeof(r->msg),
                     "Validate signature error: %s is signed by %s but it is not contained of "
                     "permission.",
                     txid, a);
            r->code = "SIGERROR";
            return 0;
        }
    }
    if (tx->fee_limit > TRONAPI_MAX_FEE_LIMIT) {
        snprintf(r->msg, sizeof(r->msg),
                 "Contract validate error : feeLimit must be >= 0 and <= %lld",
                 (long long)TRONAPI_MAX_FEE_LIMIT);
        r->code = "CONTRACT_VALIDATE_ERROR";
        return 0;
    }
    return 1;
}

/* Execute an accepted transaction on the EVM chain: a legacy EIP-155 transaction signed with
 * the owner's dev key, through the pool; a CreateSmartContract is an EVM creation whose address
 * (out_created) is then shown under the java-tron address (tronapi_alias.c). 1: submitted
 * (out_hash). */
static int execute(struct tronapi *t, const struct tronapi_txin *in, struct bt_hash *out_hash,
                   uint8_t out_created[20], struct refusal *r)
{
    const struct bts_tron_tx *tx = &in->tx;
    int is_create = tx->type == BTS_TRON_CREATE_SMART_CONTRACT;
    uint8_t from[20], to[20], key[32];
    memcpy(from, tx->owner + 1, 20); /* 0x41 ‖ 20, checked by parsing */
    if (!is_create)
        memcpy(to, tronapi_to_evm(t, tx->to + 1), 20); /* 0x41 ‖ 20, checked by parsing */
    long k = dev_index(t, from);
    if (k < 0)
        return refuse(r, "CONTRACT_VALIDATE_ERROR",
                      "Contract validate error : the owner is not a dev account: the dev TRON "
                      "API executes transactions with the dev accounts' keys only");
    const struct chain_header *head = chain_head_header(t->o.chain);
    struct bts_tx e;
    memset(&e, 0, sizeof(e));
    e.has_chain_id = 1;
    e.chain_id = bts_u256_from_u64(chain_config(t->o.chain)->chain_id);
    struct bt_address fa;
    memcpy(fa.bytes, from, 20);
    if (txpool_nonce(chain_txpool(t->o.chain), &fa, &e.nonce) != BT_OK)
        return refuse(r, "SERVER_BUSY", "Server busy.");
    struct bts_u256 gwei = bts_u256_from_u64(1000000000ULL);
    bts_u256_add(&e.gas_price, &head->h.base_fee, &head->h.base_fee);
    bts_u256_add(&e.gas_price, &e.gas_price, &gwei);
    e.gas_tip_cap = e.gas_price;
    if (tx->type == BTS_TRON_TRANSFER_CONTRACT) {
        e.gas = 21000;
    } else {
        e.gas = (uint64_t)tx->fee_limit / TRONAPI_ENERGY_FEE;
        if (e.gas > head->h.gas_limit)
            e.gas = head->h.gas_limit;
    }
    e.has_to = !is_create;
    if (!is_create)
        memcpy(e.to.bytes, to, 20);
    else
        tronapi_create_address(out_created, from, e.nonce);
    struct bts_u256 sun = bts_u256_from_u64((uint64_t)tx->amount),
                    scale = bts_u256_from_u64(1000000000000ULL);
    bts_u256_mul(&e.value, &sun, &scale);
    uint8_t digest[32], sig[65];
    struct bts_buf raw, data;
    bts_buf_init(&raw);
    bts_buf_init(&data);
    /* calldata / constructor arguments naming TRON-view addresses run on the EVM addresses */
    bt_status st = bts_buf_append(&data, tx->data, tx->data_len);
    tronapi_rewrite_words(t, data.data, data.len, 1);
    e.data = data.len ? data.data : NULL;
    e.data_len = data.len;
    if (st == BT_OK)
        st = genesis_dev_key(key, (uint32_t)k);
    if (st == BT_OK)
        st = bts_tx_signing_hash(digest, &e);
    if (st == BT_OK)
        st = bts_secp_sign(sig, key, digest);
    explicit_bzero(key, sizeof(key));
    if (st == BT_OK) {
        st = bts_tx_set_signature(&e, sig);
        if (st == BT_OK)
            st = bts_tx_encode(&raw, &e);
    }
    struct txpool_added added;
    if (st == BT_OK)
        st = chain_submit_tx(t->o.chain, raw.data, raw.len, &added);
    bts_buf_free(&raw);
    bts_buf_free(&data);
    if (st != BT_OK) {
        snprintf(r->msg, sizeof(r->msg), "Contract validate error : %s", txpool_strerror(st));
        r->code = "CONTRACT_VALIDATE_ERROR";
        return 0;
    }
    *out_hash = added.hash;
    return 1;
}

/* Verify and execute. 1: accepted; 0: refused (r). */
static int broadcast(struct tronapi *t, const struct tronapi_txin *in, struct refusal *r)
{
    struct bt_hash evm;
    uint8_t created[20];
    if (!verify(t, in, r) || !execute(t, in, &evm, created, r))
        return 0;
    /* the EVM transaction is in the pool already: a failed record only loses the lookup */
    if (tronapi_rec_add(t, in->txid, &evm, in->raw.data, in->raw.len,
                        (const uint8_t(*)[BTS_TRON_SIG_LEN])in->sigs, in->n_sigs) != BT_OK)
        return refuse(r, "OTHER_ERROR", "the transaction was executed but could not be recorded");
    if (in->tx.type == BTS_TRON_CREATE_SMART_CONTRACT) {
        uint8_t j[BTS_TRON_ADDR_LEN];
        bts_tron_contract_address(j, in->txid, in->tx.owner);
        if (tronapi_alias_add(t, j + 1, created, t->n_recs - 1) != BT_OK)
            return refuse(r, "OTHER_ERROR", "out of memory");
    }
    return 1;
}

json_t *tronapi_broadcasttransaction(struct tronapi *t, const json_t *params, int is_solid)
{
    (void)is_solid;
    struct tronapi_txin in;
    char err[256];
    tronapi_txin_init(&in);
    bt_status st = tronapi_tx_from_json(&in, params, err, sizeof(err));
    json_t *ans;
    struct refusal r;
    if (st != BT_OK) {
        ans = st == BT_ENOMEM ? NULL : tronapi_error(err);
    } else if (broadcast(t, &in, &r)) {
        ans = json_pack("{s:b,s:o}", "result", 1, "txid", tronapi_jhex(in.txid, 32));
    } else {
        /* java-tron prints Return with defaults omitted: no "result" when false */
        ans = json_pack("{s:s,s:o,s:o}", "code", r.code, "message",
                        tronapi_jhex(r.msg, strlen(r.msg)), "txid", tronapi_jhex(in.txid, 32));
    }
    tronapi_txin_free(&in);
    return ans;
}

json_t *tronapi_broadcasthex(struct tronapi *t, const json_t *params, int is_solid)
{
    (void)is_solid;
    const char *hex = json_string_value(json_object_get(params, "transaction"));
    struct bts_buf bytes;
    struct tronapi_txin in;
    char err[256];
    bts_buf_init(&bytes);
    tronapi_txin_init(&in);
    json_t *ans = NULL;
    bt_status st = BT_EINVAL;
    if (!hex || bts_hex_decode_buf(&bytes, hex, strlen(hex), 0) != BT_OK)
        snprintf(err, sizeof(err), "transaction is not a hex string");
    else
        st = tronapi_tx_from_proto(&in, bytes.data, bytes.len, err, sizeof(err));
    if (st != BT_OK) {
        ans = st == BT_ENOMEM ? NULL : tronapi_error(err);
    } else {
        struct refusal r;
        int ok = broadcast(t, &in, &r);
        json_t *txj = tronapi_tx_json(in.raw.data, in.raw.len,
                                      (const uint8_t(*)[BTS_TRON_SIG_LEN])in.sigs, in.n_sigs);
        char *text = txj ? json_dumps(txj, JSON_COMPACT) : NULL;
        json_decref(txj);
        if (text)
            ans = json_pack("{s:b,s:s,s:s,s:s,s:o}", "result", ok, "code", ok ? "SUCCESS" : r.code,
                            "message", ok ? "" : r.msg, "transaction", text, "txid",
                            tronapi_jhex(in.txid, 32));
        free(text);
    }
    bts_buf_free(&bytes);
    tronapi_txin_free(&in);
    return ans;
}

/* The accepted transaction named by params.value and, when mined (at or below the solid head
 * for /walletsolidity/), its receipt. NULL: unknown (or not yet visible). */
static const struct tronapi_rec *lookup(struct tronapi *t, const json_t *params, int is_solid,
                                        struct chain_receipts *rs, int *out_mined)
{
    uint8_t id[32];
    const char *s = json_string_value(json_object_get(params, "value"));
    *out_mined = 0;
    if (!s || bts_hex_decode_exact(id, 32, s, strlen(s), 0) != BT_OK)
        return NULL;
    const struct tronapi_rec *r = tronapi_rec_by_txid(t, id);
    if (!r)
        return NULL;
    if (chain_receipt_by_tx(t->o.chain, r->evm_hash.bytes, rs) == BT_OK) {
        if (is_solid && rs->block_number > tronapi_solid_head(t)) {
            chain_receipts_free(rs);
            return NULL;
        }
        *out_mined = 1;
    }
    return r;
}

json_t *tronapi_gettransactionbyid(struct tronapi *t, const json_t *params, int is_solid)
{
    struct chain_receipts rs;
    int mined;
    memset(&rs, 0, sizeof(rs));
    const struct tronapi_rec *r = lookup(t, params, is_solid, &rs, &mined);
    if (!r || (is_solid && !mined))
        return json_object();
    json_t *tx =
        tronapi_tx_json(r->raw, r->raw_len, (const uint8_t(*)[BTS_TRON_SIG_LEN])r->sigs, r->n_sigs);
    if (tx && mined)
        json_object_set_new(
            tx, "ret",
            json_pack("[{s:s}]", "contractRet", rs.r[0].status == 1 ? "SUCCESS" : "REVERT"));
    if (mined)
        chain_receipts_free(&rs);
    return tx;
}

/* The return or revert data of a mined transaction: re-executed on the state just before it. */
static json_t *result_data(struct tronapi *t, const struct chain_receipts *rs,
                           const struct tronapi_rec *rec, uint32_t *out_outcome)
{
    struct state *st = NULL;
    struct chain_header hd;
    struct chain_tx ctx;
    char err[256];
    memset(&hd, 0, sizeof(hd));
    memset(&ctx, 0, sizeof(ctx));
    json_t *out = NULL;
    *out_outcome = rs->r[0].status == 1 ? BT_EVM_SUCCESS : BT_EVM_REVERT;
    if (chain_tx_by_hash(t->o.chain, rec->evm_hash.bytes, &ctx) == BT_OK &&
        chain_state_before_tx(t->o.chain, rs->block_hash.bytes, rs->r[0].tx_index, &st, &hd, err,
                              sizeof(err)) == BT_OK) {
        struct chain_msg m;
        struct bt_evm_result res;
        memset(&m, 0, sizeof(m));
        memset(&res, 0, sizeof(res));
        m.from = ctx.from;
        m.has_to = ctx.tx.has_to;
        m.to = ctx.tx.to;
        m.gas = ctx.tx.gas;
        m.value = ctx.tx.value;
        m.data = ctx.tx.data;
        m.data_len = ctx.tx.data_len;
        if (chain_call(t->o.chain, st, &hd.h, &m, &res, err, sizeof(err)) == BT_OK) {
            *out_outcome = res.outcome;
            out = tronapi_jhex_view(t, res.output, res.output_len);
            if (res.release)
                res.release(&res);
        }
    }
    if (st)
        state_free(st);
    chain_header_free(&hd);
    chain_tx_free(&ctx);
    return out ? out : json_string("");
}

json_t *tronapi_gettransactioninfobyid(struct tronapi *t, const json_t *params, int is_solid)
{
    struct chain_receipts rs;
    int mined;
    memset(&rs, 0, sizeof(rs));
    const struct tronapi_rec *r = lookup(t, params, is_solid, &rs, &mined);
    if (!r || !mined)
        return json_object();
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    (void)chain_header_by_number(t->o.chain, rs.block_number, &hd);
    struct bts_tron_tx tx;
    struct bts_buf data;
    bts_buf_init(&data);
    int decoded = bts_tron_tx_decode(&tx, &data, r->raw, r->raw_len) == BT_OK;
    int is_create = decoded && tx.type == BTS_TRON_CREATE_SMART_CONTRACT;
    int is_trigger = decoded && (is_create || tx.type == BTS_TRON_TRIGGER_SMART_CONTRACT);
    uint32_t outcome = BT_EVM_SUCCESS;
    /* a create's return data is the runtime code; java-tron reports none */
    json_t *res = is_trigger && !is_create ? result_data(t, &rs, r, &outcome) : json_string("");
    if (is_create && rs.r[0].status != 1)
        outcome = BT_EVM_REVERT;
    json_t *o = json_pack("{s:o,s:I,s:I,s:[o]}", "id", tronapi_jhex(r->txid, 32), "blockNumber",
                          (json_int_t)rs.block_number, "blockTimeStamp",
                          (json_int_t)(hd.h.time * 1000), "contractResult", res);
    const struct chain_receipt *rc = &rs.r[0];
    const char *rr = rc->status == 1            ? "SUCCESS"
                     : outcome == BT_EVM_REVERT ? "REVERT"
                                                : "OUT_OF_ENERGY";
    json_t *receipt =
        is_trigger
            ? json_pack("{s:I,s:s}", "energy_usage_total", (json_int_t)rc->gas_used, "result", rr)
            : json_pack("{s:I}", "net_usage", (json_int_t)(r->raw_len + 67 * r->n_sigs + 5));
    int ok = o && receipt && json_object_set_new(o, "receipt", receipt) == 0;
    if (ok && is_create)
        bts_tron_contract_address(tx.to, r->txid, tx.owner);
    if (ok && is_trigger)
        ok =
            json_object_set_new(o, "contract_address", tronapi_jhex(tx.to, BTS_TRON_ADDR_LEN)) == 0;
    if (ok && rc->n_logs) {
        json_t *logs = json_array();
        for (size_t i = 0; logs && i < rc->n_logs; i++) {
            const struct bts_log *l = &rc->logs[i].log;
            json_t *topics = json_array();
            for (size_t j = 0; topics && j < l->n_topics; j++)
                json_array_append_new(topics, tronapi_jhex_view(t, l->topics[j].bytes, 32));
            json_t *lo =
                json_pack("{s:o,s:o}", "address",
                          tronapi_jhex(tronapi_to_tron(t, l->address.bytes), 20), "topics", topics);
            if (lo && l->data_len)
                json_object_set_new(lo, "data", tronapi_jhex_view(t, l->data, l->data_len));
            if (!lo || json_array_append_new(logs, lo) != 0)
                ok = 0;
        }
        ok = ok && logs && json_object_set_new(o, "log", logs) == 0;
    }
    if (ok && rc->status != 1) {
        static const char m[] = "REVERT opcode executed";
        ok = json_object_set_new(o, "result", json_string("FAILED")) == 0 &&
             json_object_set_new(o, "resMessage", tronapi_jhex(m, sizeof(m) - 1)) == 0;
    }
    bts_buf_free(&data);
    chain_header_free(&hd);
    chain_receipts_free(&rs);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}
