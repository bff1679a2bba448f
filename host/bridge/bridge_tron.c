/* `bttcd bridge --rootchain tron`: transactions through TRON's HTTP API, as on java-tron, whose
 * JSON-RPC has no writes and no nonces (ROOTCHAINS.md §1.7). A call is first run as
 * wallet/triggerconstantcontract (a revert is refused with its reason and costs nothing), then
 * built here as a TriggerSmartContract (TaPoS reference from wallet/getnowblock, txID =
 * sha256(raw), ROOTCHAINS.md §1.2-§1.5), signed with the dev key, sent with wallet/broadcasthex
 * and followed with wallet/gettransactioninfobyid. The TransactionInfo is handed back in the
 * shape of a JSON-RPC receipt (transactionHash, blockNumber, status, logs) so the callers read
 * one shape for every root chain. */
#include "bridge_int.h"
#include "jrpc_client.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/secp.h>
#include <bts/solabi.h>
#include <bts/tron.h>
#include <bts/tron_http.h>

#define TRON_TIMEOUT_MS 30000
/* fee_limit of a send in sun (1000 TRX): the dev TRON chain turns it into the gas limit at 420
 * sun per energy (2.38 M), ample for approve, depositERC20ForUser and an exit. */
#define TRON_FEE_LIMIT     1000000000LL
#define TRON_EXPIRATION_MS 60000 /* after the reference block, as java-tron's default */
#define TRON_RECEIPT_TRIES 600   /* 100 ms apart: 60 s */

/* POST `req` (consumed) to tron_api + path; *out_body: the answer as compact JSON (free). */
static bt_status post(const struct br_ctx *ctx, const char *path, json_t *req, char **out_body,
                      char *err, size_t err_cap)
{
    char url[600];
    snprintf(url, sizeof(url), "%s%s", ctx->tron_api, path);
    json_t *ans = NULL;
    *out_body = NULL;
    bt_status st = jrpc_post(url, req, TRON_TIMEOUT_MS, &ans, err, err_cap);
    if (st == BT_OK && !(*out_body = json_dumps(ans, JSON_COMPACT)))
        st = BT_ENOMEM;
    json_decref(ans);
    return st;
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
    struct bts_buf b = BTS_BUF_INIT;
    json_t *v = NULL;
    if (bts_hex_encode_buf(&b, p, n, 0) == BT_OK)
        v = json_stringn((const char *)b.data, b.len);
    bts_buf_free(&b);
    return v;
}

/* The dry run: a revert is refused here with the contract's reason. */
static bt_status dry_run(const struct br_ctx *ctx, const uint8_t owner[21], const uint8_t to[21],
                         const uint8_t *data, size_t len, char *err, size_t err_cap)
{
    json_t *req =
        json_pack("{s:o,s:o,s:o,s:b}", "owner_address", hex_json(owner, 21), "contract_address",
                  hex_json(to, 21), "data", hex_json(data, len), "visible", 0);
    char *body = NULL, why[400] = "";
    bt_status st = post(ctx, "/wallet/triggerconstantcontract", req, &body, err, err_cap);
    struct bts_buf res = BTS_BUF_INIT;
    uint64_t energy = 0;
    if (st == BT_OK) {
        st = bts_tron_parse_constant(&res, &energy, body, strlen(body), why, sizeof(why));
        struct bts_solabi_revert rv;
        /* java-tron's message is only "REVERT opcode executed": the reason is in the output */
        if (st == BTS_TRON_EREVERT && bts_solabi_decode_revert(&rv, res.data, res.len) == BT_OK &&
            rv.kind == BTS_SOLABI_REVERT_ERROR)
            snprintf(err, err_cap, "triggerconstantcontract: execution reverted: %.*s",
                     (int)(rv.reason_len > 200 ? 200 : rv.reason_len), (const char *)rv.reason);
        else if (st == BTS_TRON_EREVERT && res.len >= 4) /* a custom error: its selector */
            snprintf(err, err_cap,
                     "triggerconstantcontract: execution reverted (error 0x%02x%02x%02x%02x, %zu "
                     "bytes of revert data)",
                     res.data[0], res.data[1], res.data[2], res.data[3], res.len);
        else if (st != BT_OK)
            snprintf(err, err_cap, "triggerconstantcontract: %s",
                     why[0] ? why : bts_status_str(st));
    }
    bts_buf_free(&res);
    free(body);
    return st == BT_OK ? BT_OK : st == BT_ENOMEM || st == BT_EIO ? st : BT_EPROTO;
}

/* Build, sign and broadcast; out_id: the txID. */
static bt_status broadcast(const struct br_ctx *ctx, const uint8_t owner[21], const uint8_t to[21],
                           const uint8_t *data, size_t len, uint8_t out_id[32], char *err,
                           size_t err_cap)
{
    char *body = NULL, why[300] = "";
    bt_status st = post(ctx, "/wallet/getnowblock", json_object(), &body, err, err_cap);
    struct bts_tron_block ref;
    if (st == BT_OK &&
        (st = bts_tron_parse_block(&ref, body, strlen(body), why, sizeof(why))) != BT_OK)
        snprintf(err, err_cap, "getnowblock: %s", why[0] ? why : bts_status_str(st));
    free(body);
    body = NULL;
    if (st != BT_OK)
        return st;
    struct bts_tron_tx tx = {.expiration = (int64_t)(ref.timestamp_ms + TRON_EXPIRATION_MS),
                             .timestamp = (int64_t)ref.timestamp_ms,
                             .fee_limit = TRON_FEE_LIMIT,
                             .type = BTS_TRON_TRIGGER_SMART_CONTRACT,
                             .data = data,
                             .data_len = len};
    bts_tron_tx_set_ref(&tx, ref.id);
    memcpy(tx.owner, owner, 21);
    memcpy(tx.to, to, 21);
    struct bts_buf raw = BTS_BUF_INIT, wrapped = BTS_BUF_INIT;
    uint8_t sig[1][BTS_TRON_SIG_LEN];
    if ((st = bts_tron_tx_encode(&raw, &tx)) == BT_OK &&
        (st = bts_tron_tx_id(out_id, raw.data, raw.len)) == BT_OK &&
        (st = bts_secp_sign(sig[0], ctx->key, out_id)) == BT_OK)
        st = bts_tron_tx_wrap(&wrapped, raw.data, raw.len, (const uint8_t(*)[65])sig, 1);
    explicit_bzero(sig, sizeof(sig));
    bts_buf_free(&raw);
    if (st != BT_OK) {
        snprintf(err, err_cap, "building the TRON transaction: %s", bts_status_str(st));
        bts_buf_free(&wrapped);
        return st;
    }
    json_t *req = json_pack("{s:o}", "transaction", hex_json(wrapped.data, wrapped.len));
    bts_buf_free(&wrapped);
    st = post(ctx, "/wallet/broadcasthex", req, &body, err, err_cap);
    struct bts_tron_broadcast b;
    if (st == BT_OK &&
        (st = bts_tron_parse_broadcast(&b, out_id, body, strlen(body), why, sizeof(why))) != BT_OK)
        snprintf(err, err_cap, "broadcasthex: %s", why[0] ? why : bts_status_str(st));
    free(body);
    if (st == BT_OK && b.action != BTS_TRON_BCAST_ACCEPTED && b.action != BTS_TRON_BCAST_KNOWN) {
        snprintf(err, err_cap, "broadcasthex refused it: %s %s", b.code, b.message);
        st = BT_EPROTO;
    }
    return st;
}

/* The TransactionInfo of `id` as a JSON-RPC receipt. */
static json_t *receipt_json(const struct bts_tron_txinfo *ti)
{
    char q[BTS_HEX_U64_CAP];
    size_t n;
    json_t *logs = json_array();
    for (size_t i = 0; logs && i < ti->n_logs; i++) {
        const struct bt_rootchain_log *l = &ti->logs[i];
        json_t *topics = json_array();
        for (uint32_t k = 0; topics && k < l->n_topics; k++)
            json_array_append_new(topics, br_hex_json(l->topics[k], 32));
        json_array_append_new(logs, json_pack("{s:o,s:o,s:o}", "address",
                                              br_hex_json(l->address, 20), "topics", topics, "data",
                                              br_hex_json(l->data, l->data_len)));
    }
    if (bts_hex_format_u64(q, sizeof(q), &n, ti->block_number) != BT_OK)
        q[0] = '\0';
    return json_pack("{s:o,s:s,s:s,s:o}", "transactionHash", br_hex_json(ti->id, 32), "blockNumber",
                     q, "status", ti->failed ? "0x0" : "0x1", "logs", logs);
}

bt_status br_tron_transact(const struct br_ctx *ctx, const uint8_t to[20], const uint8_t *data,
                           size_t len, uint8_t out_hash[32], json_t **out_receipt, char *err,
                           size_t err_cap)
{
    *out_receipt = NULL;
    uint8_t owner[21], contract[21];
    bts_tron_address_from_evm(owner, ctx->from);
    bts_tron_address_from_evm(contract, to);
    bt_status st = dry_run(ctx, owner, contract, data, len, err, err_cap);
    if (st == BT_OK)
        st = broadcast(ctx, owner, contract, data, len, out_hash, err, err_cap);
    if (st != BT_OK)
        return st;
    char idhex[65];
    size_t n;
    if (bts_hex_encode(idhex, sizeof(idhex), &n, out_hash, 32, 0) != BT_OK)
        return BT_EINTERNAL;
    for (int i = 0; i < TRON_RECEIPT_TRIES; i++) {
        char *body = NULL, why[300] = "";
        st = post(ctx, "/wallet/gettransactioninfobyid", json_pack("{s:s}", "value", idhex), &body,
                  err, err_cap);
        if (st != BT_OK)
            return st;
        struct bts_tron_txinfo ti;
        st = bts_tron_parse_txinfo(&ti, out_hash, body, strlen(body), why, sizeof(why));
        free(body);
        if (st == BT_OK) {
            if (ti.failed)
                snprintf(err, err_cap, "the transaction failed on TRON (%s%s%s)",
                         ti.receipt_result[0] ? ti.receipt_result : "FAILED",
                         ti.message[0] ? ": " : "", ti.message);
            else if (!(*out_receipt = receipt_json(&ti)))
                st = BT_ENOMEM;
            st = st == BT_OK && ti.failed ? BT_EINVAL : st;
            bts_tron_txinfo_free(&ti);
            return st;
        }
        bts_tron_txinfo_free(&ti);
        if (st != BT_ENOTFOUND) {
            snprintf(err, err_cap, "gettransactioninfobyid: %s", why[0] ? why : bts_status_str(st));
            return st;
        }
        usleep(100 * 1000);
    }
    snprintf(err, err_cap, "no TransactionInfo after 60 s (is the TRON chain producing blocks?)");
    return BT_ETIMEDOUT;
}
