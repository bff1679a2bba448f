/* rootchain-tron: the bodies the adapter sends for a contract call (ROOTCHAINS.md §1.2-§1.6): the
 * triggerconstantcontract request of a read or a dry run, and a signed TriggerSmartContract
 * ready for wallet/broadcasthex (TaPoS reference, expiration, fee_limit, txID = sha256(raw),
 * signature from the host's signer, checked to recover to the owner). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>

#include "tron_int.h"

bt_status tron_call_body(struct bts_buf *out, const struct tron_call *c)
{
    char owner[BTS_TRON_HEX_CAP], to[BTS_TRON_HEX_CAP];
    bts_tron_address_to_hex(owner, c->owner);
    bts_tron_address_to_hex(to, c->to);
    /* visible=false: addresses and bytes as hex, as the parsers expect (§1.6). */
    bt_status st =
        bts_buf_printf(out, "{\"owner_address\":\"%s\",\"contract_address\":\"%s\",", owner, to);
    if (st == BT_OK && c->amount)
        st = bts_buf_printf(out, "\"call_value\":%lld,", (long long)c->amount);
    if (st == BT_OK)
        st = bts_buf_append_str(out, "\"data\":\"");
    if (st == BT_OK)
        st = bts_hex_encode_buf(out, c->data, c->data_len, 0);
    if (st == BT_OK)
        st = bts_buf_append_str(out, "\",\"visible\":false}");
    return st;
}

bt_status tron_build_signed(struct tron *t, const struct tron_call *c, const char *key_id,
                            int64_t fee_limit, const struct bts_tron_block *ref,
                            struct tron_built *out, char *err, size_t cap)
{
    memset(out, 0, sizeof(*out));
    struct bts_tron_tx tx = {
        .expiration = (int64_t)(ref->timestamp_ms + t->conf.expiration_ms),
        .timestamp = (int64_t)ref->timestamp_ms,
        .fee_limit = fee_limit,
        .type = BTS_TRON_TRIGGER_SMART_CONTRACT,
        .amount = c->amount,
        .data = c->data,
        .data_len = c->data_len,
    };
    bts_tron_tx_set_ref(&tx, ref->id);
    memcpy(tx.owner, c->owner, sizeof(tx.owner));
    memcpy(tx.to, c->to, sizeof(tx.to));
    struct bts_buf raw = BTS_BUF_INIT, wrapped = BTS_BUF_INIT, body = BTS_BUF_INIT;
    uint8_t sig[1][BTS_TRON_SIG_LEN], who[BTS_TRON_ADDR_LEN];
    bt_status st = bts_tron_tx_encode(&raw, &tx);
    if (st != BT_OK) {
        snprintf(err, cap, "encode: %s", bts_status_str(st));
        goto done;
    }
    if ((st = bts_tron_tx_id(out->id, raw.data, raw.len)) != BT_OK) {
        snprintf(err, cap, "txID: %s", bts_status_str(st));
        goto done;
    }
    st = t->host->sign(t->hctx, sig[0], key_id, out->id);
    if (st != BT_OK) {
        snprintf(err, cap, "signer refused key \"%s\": %s (%s)", key_id, bts_status_str(st),
                 t->host->last_error(t->hctx));
        goto done;
    }
    /* The signature must be the owner's: a signer answering for another key is caught here
     * rather than by the node's SIGERROR. */
    if (bts_tron_sig_recover(who, out->id, sig[0]) != BT_OK || memcmp(who, c->owner, sizeof(who))) {
        st = BT_EPROTO;
        snprintf(err, cap, "signature of key \"%s\" does not recover to its address", key_id);
        goto done;
    }
    if ((st = bts_tron_tx_wrap(&wrapped, raw.data, raw.len, (const uint8_t(*)[65])sig, 1)) !=
            BT_OK ||
        (st = bts_buf_append_str(&body, "{\"transaction\":\"")) != BT_OK ||
        (st = bts_hex_encode_buf(&body, wrapped.data, wrapped.len, 0)) != BT_OK ||
        (st = bts_buf_append_str(&body, "\"}")) != BT_OK) {
        snprintf(err, cap, "wrap: %s", bts_status_str(st));
        goto done;
    }
    out->body = (char *)bts_buf_detach(&body, NULL);
    out->expiration = tx.expiration;
    if (!out->body)
        st = BT_ENOMEM;
done:
    bts_buf_free(&raw);
    bts_buf_free(&wrapped);
    bts_buf_free(&body);
    return st;
}
