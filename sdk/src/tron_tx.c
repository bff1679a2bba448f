/* bts/tron.h transactions: Transaction.raw for one TriggerSmartContract or TransferContract,
 * through protobuf-c (DESIGN.md §7) and the schema in sdk/proto/tron_tx.proto. java-tron hashes
 * its own re-serialization of what it receives (ROOTCHAINS.md §1.2), so the decoder accepts only
 * bytes that re-encode to themselves: a txID we compute is then the one the node computes. */
#include <bts/tron.h>

#include <stdlib.h>
#include <string.h>

#include <bts/hash.h>
#include <bts/keccak.h>
#include <bts/secp.h>

#include "tron_tx.pb-c.h"

#define TYPE_URL_PREFIX "type.googleapis.com/protocol."

static const char *tx_type_url(uint32_t type)
{
    return type == BTS_TRON_TRIGGER_SMART_CONTRACT  ? TYPE_URL_PREFIX "TriggerSmartContract"
           : type == BTS_TRON_TRANSFER_CONTRACT     ? TYPE_URL_PREFIX "TransferContract"
           : type == BTS_TRON_CREATE_SMART_CONTRACT ? TYPE_URL_PREFIX "CreateSmartContract"
                                                    : NULL;
}

static ProtobufCBinaryData bin(const void *p, size_t n)
{
    ProtobufCBinaryData b = {.len = n, .data = (uint8_t *)p};
    return b;
}

void bts_tron_tx_set_ref(struct bts_tron_tx *tx, const uint8_t block_id[32])
{
    memcpy(tx->ref_block_bytes, block_id + 6, 2);
    memcpy(tx->ref_block_hash, block_id + 8, 8);
}

static bt_status tx_check(const struct bts_tron_tx *tx)
{
    if (!tx_type_url(tx->type) || tx->expiration <= 0 || tx->timestamp < 0 || tx->fee_limit < 0 ||
        tx->amount < 0 || tx->permission_id < 0)
        return BT_EINVAL;
    static const uint8_t zero[BTS_TRON_ADDR_LEN];
    if (tx->owner[0] != BTS_TRON_PREFIX)
        return BT_EINVAL;
    if (tx->type == BTS_TRON_CREATE_SMART_CONTRACT) {
        if (memcmp(tx->to, zero, sizeof(zero)) != 0 || tx->consume_user_resource_percent < 0 ||
            tx->consume_user_resource_percent > 100 || tx->origin_energy_limit < 0 ||
            (tx->origin[0] != BTS_TRON_PREFIX && memcmp(tx->origin, zero, sizeof(zero)) != 0) ||
            (tx->abi_len && !tx->abi) || (tx->name_len && !tx->name))
            return BT_EINVAL;
    } else if (tx->to[0] != BTS_TRON_PREFIX || tx->abi_len || tx->name_len ||
               tx->consume_user_resource_percent || tx->origin_energy_limit ||
               memcmp(tx->origin, zero, sizeof(zero)) != 0) {
        return BT_EINVAL;
    }
    if (tx->type == BTS_TRON_TRANSFER_CONTRACT && tx->data_len)
        return BT_EINVAL;
    if (tx->data_len && !tx->data)
        return BT_EINVAL;
    return BT_OK;
}

/* Pack a message into a new heap block (protobuf-c needs the size first). */
static uint8_t *pack_new(const ProtobufCMessage *m, size_t *out_len)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        return NULL;
    *out_len = protobuf_c_message_pack(m, p);
    return p;
}

static bt_status abi_check(const ProtobufCBinaryData *abi);

bt_status bts_tron_tx_encode(struct bts_buf *out, const struct bts_tron_tx *tx)
{
    bt_status st = tx_check(tx);
    if (st == BT_OK && tx->type == BTS_TRON_CREATE_SMART_CONTRACT && tx->abi_len) {
        ProtobufCBinaryData abi = bin(tx->abi, tx->abi_len);
        st = abi_check(&abi);
    }
    if (st != BT_OK)
        return st;
    uint8_t *param = NULL;
    size_t param_len = 0;
    if (tx->type == BTS_TRON_TRIGGER_SMART_CONTRACT) {
        BtsTronpb__TriggerSmartContract t = BTS_TRONPB__TRIGGER_SMART_CONTRACT__INIT;
        t.owner_address = bin(tx->owner, BTS_TRON_ADDR_LEN);
        t.contract_address = bin(tx->to, BTS_TRON_ADDR_LEN);
        t.call_value = tx->amount;
        t.data = bin(tx->data, tx->data_len);
        param = pack_new(&t.base, &param_len);
    } else if (tx->type == BTS_TRON_CREATE_SMART_CONTRACT) {
        static const uint8_t zero[BTS_TRON_ADDR_LEN];
        BtsTronpb__SmartContract sc = BTS_TRONPB__SMART_CONTRACT__INIT;
        BtsTronpb__CreateSmartContract t = BTS_TRONPB__CREATE_SMART_CONTRACT__INIT;
        char *name = malloc(tx->name_len + 1);
        if (!name)
            return BT_ENOMEM;
        if (tx->name_len)
            memcpy(name, tx->name, tx->name_len);
        name[tx->name_len] = 0;
        if (memcmp(tx->origin, zero, sizeof(zero)) != 0)
            sc.origin_address = bin(tx->origin, BTS_TRON_ADDR_LEN);
        sc.abi = bin(tx->abi, tx->abi_len);
        sc.bytecode = bin(tx->data, tx->data_len);
        sc.call_value = tx->amount;
        sc.consume_user_resource_percent = tx->consume_user_resource_percent;
        sc.name = name;
        sc.origin_energy_limit = tx->origin_energy_limit;
        t.owner_address = bin(tx->owner, BTS_TRON_ADDR_LEN);
        t.new_contract = &sc;
        param = pack_new(&t.base, &param_len);
        free(name);
    } else {
        BtsTronpb__TransferContract t = BTS_TRONPB__TRANSFER_CONTRACT__INIT;
        t.owner_address = bin(tx->owner, BTS_TRON_ADDR_LEN);
        t.to_address = bin(tx->to, BTS_TRON_ADDR_LEN);
        t.amount = tx->amount;
        param = pack_new(&t.base, &param_len);
    }
    if (!param)
        return BT_ENOMEM;
    BtsTronpb__Any any = BTS_TRONPB__ANY__INIT;
    any.type_url = (char *)tx_type_url(tx->type);
    any.value = bin(param, param_len);
    BtsTronpb__Contract c = BTS_TRONPB__CONTRACT__INIT;
    c.type = (int32_t)tx->type;
    c.parameter = &any;
    c.permission_id = tx->permission_id;
    BtsTronpb__Contract *cs[1] = {&c};
    BtsTronpb__Raw raw = BTS_TRONPB__RAW__INIT;
    raw.ref_block_bytes = bin(tx->ref_block_bytes, 2);
    raw.ref_block_hash = bin(tx->ref_block_hash, 8);
    raw.expiration = tx->expiration;
    raw.n_contract = 1;
    raw.contract = cs;
    raw.timestamp = tx->timestamp;
    raw.fee_limit = tx->fee_limit;
    size_t n = bts_tronpb__raw__get_packed_size(&raw);
    st = bts_buf_reserve(out, n);
    if (st == BT_OK) {
        size_t w = bts_tronpb__raw__pack(&raw, out->data + out->len);
        out->len += w;
        out->data[out->len] = 0;
    }
    free(param);
    return st;
}

static int is_addr(const ProtobufCBinaryData *b)
{
    return b->len == BTS_TRON_ADDR_LEN && b->data[0] == BTS_TRON_PREFIX;
}

/* new_contract.abi must be a SmartContract.ABI that java-tron parses: it decodes as one with no
 * field unknown to it and packs back to the same bytes. */
static bt_status abi_check(const ProtobufCBinaryData *abi)
{
    BtsTronpb__Abi *a = bts_tronpb__abi__unpack(NULL, abi->len, abi->data);
    if (!a)
        return BT_EINVAL;
    int ok = !a->base.n_unknown_fields;
    for (size_t i = 0; ok && i < a->n_entrys; i++) {
        const BtsTronpb__AbiEntry *e = a->entrys[i];
        ok = !e->base.n_unknown_fields;
        for (size_t k = 0; ok && k < e->n_inputs; k++)
            ok = !e->inputs[k]->base.n_unknown_fields;
        for (size_t k = 0; ok && k < e->n_outputs; k++)
            ok = !e->outputs[k]->base.n_unknown_fields;
    }
    bt_status st = BT_EINVAL;
    if (ok) {
        size_t n = 0;
        uint8_t *again = pack_new(&a->base, &n);
        st = !again                                              ? BT_ENOMEM
             : n == abi->len && memcmp(again, abi->data, n) == 0 ? BT_OK
                                                                 : BT_EINVAL;
        free(again);
    }
    bts_tronpb__abi__free_unpacked(a, NULL);
    return st;
}

/* The CreateSmartContract parameter: bytecode, abi and name are copied into out_data one after
 * the other, and the pointers set once the buffer no longer moves. */
static bt_status create_from_pb(struct bts_tron_tx *out, struct bts_buf *out_data,
                                const ProtobufCBinaryData *v)
{
    BtsTronpb__CreateSmartContract *t =
        bts_tronpb__create_smart_contract__unpack(NULL, v->len, v->data);
    if (!t)
        return BT_EINVAL;
    const BtsTronpb__SmartContract *sc = t->new_contract;
    bt_status st = sc && sc->abi.len ? abi_check(&sc->abi) : BT_OK;
    if (st != BT_OK) {
        bts_tronpb__create_smart_contract__free_unpacked(t, NULL);
        return st;
    }
    st = BT_EINVAL;
    if (!t->base.n_unknown_fields && is_addr(&t->owner_address) && sc &&
        !sc->base.n_unknown_fields && !t->call_token_value && !t->token_id &&
        !sc->contract_address.len && !sc->code_hash.len && !*sc->trx_hash && !sc->version &&
        (!sc->origin_address.len || is_addr(&sc->origin_address))) {
        size_t name_len = strlen(sc->name);
        memcpy(out->owner, t->owner_address.data, BTS_TRON_ADDR_LEN);
        if (sc->origin_address.len)
            memcpy(out->origin, sc->origin_address.data, BTS_TRON_ADDR_LEN);
        out->amount = sc->call_value;
        out->consume_user_resource_percent = sc->consume_user_resource_percent;
        out->origin_energy_limit = sc->origin_energy_limit;
        st = bts_buf_append(out_data, sc->bytecode.data, sc->bytecode.len);
        if (st == BT_OK)
            st = bts_buf_append(out_data, sc->abi.data, sc->abi.len);
        if (st == BT_OK)
            st = bts_buf_append(out_data, sc->name, name_len);
        if (st == BT_OK) {
            const uint8_t *p = out_data->data;
            out->data = sc->bytecode.len ? p : NULL;
            out->data_len = sc->bytecode.len;
            out->abi = sc->abi.len ? p + sc->bytecode.len : NULL;
            out->abi_len = sc->abi.len;
            out->name = name_len ? (const char *)p + sc->bytecode.len + sc->abi.len : NULL;
            out->name_len = name_len;
        }
    }
    bts_tronpb__create_smart_contract__free_unpacked(t, NULL);
    return st;
}

void bts_tron_contract_address(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t txid[32],
                               const uint8_t owner[BTS_TRON_ADDR_LEN])
{
    uint8_t in[32 + BTS_TRON_ADDR_LEN], h[32];
    memcpy(in, txid, 32);
    memcpy(in + 32, owner, BTS_TRON_ADDR_LEN);
    bts_keccak256(h, in, sizeof(in));
    out[0] = BTS_TRON_PREFIX;
    memcpy(out + 1, h + 12, 20);
}

/* Fill out from an unpacked raw; BT_EINVAL for anything the struct cannot represent. */
static bt_status tx_from_pb(struct bts_tron_tx *out, struct bts_buf *out_data,
                            const BtsTronpb__Raw *raw)
{
    if (raw->base.n_unknown_fields || raw->ref_block_num || raw->data.len || raw->scripts.len ||
        raw->n_contract != 1 || raw->ref_block_bytes.len != 2 || raw->ref_block_hash.len != 8)
        return BT_EINVAL;
    const BtsTronpb__Contract *c = raw->contract[0];
    if (c->base.n_unknown_fields || c->provider.len || c->contractname.len || !c->parameter ||
        c->parameter->base.n_unknown_fields)
        return BT_EINVAL;
    const char *url = c->type >= 0 ? tx_type_url((uint32_t)c->type) : NULL;
    if (!url || strcmp(url, c->parameter->type_url) != 0)
        return BT_EINVAL;
    out->type = (uint32_t)c->type;
    out->permission_id = c->permission_id;
    memcpy(out->ref_block_bytes, raw->ref_block_bytes.data, 2);
    memcpy(out->ref_block_hash, raw->ref_block_hash.data, 8);
    out->expiration = raw->expiration;
    out->timestamp = raw->timestamp;
    out->fee_limit = raw->fee_limit;
    const ProtobufCBinaryData *v = &c->parameter->value;
    bt_status st = BT_EINVAL;
    if (out->type == BTS_TRON_TRIGGER_SMART_CONTRACT) {
        BtsTronpb__TriggerSmartContract *t =
            bts_tronpb__trigger_smart_contract__unpack(NULL, v->len, v->data);
        if (!t)
            return BT_EINVAL;
        if (!t->base.n_unknown_fields && is_addr(&t->owner_address) &&
            is_addr(&t->contract_address) && !t->call_token_value && !t->token_id) {
            memcpy(out->owner, t->owner_address.data, BTS_TRON_ADDR_LEN);
            memcpy(out->to, t->contract_address.data, BTS_TRON_ADDR_LEN);
            out->amount = t->call_value;
            st = bts_buf_append(out_data, t->data.data, t->data.len);
        }
        bts_tronpb__trigger_smart_contract__free_unpacked(t, NULL);
    } else if (out->type == BTS_TRON_CREATE_SMART_CONTRACT) {
        st = create_from_pb(out, out_data, v);
    } else {
        BtsTronpb__TransferContract *t =
            bts_tronpb__transfer_contract__unpack(NULL, v->len, v->data);
        if (!t)
            return BT_EINVAL;
        if (!t->base.n_unknown_fields && is_addr(&t->owner_address) && is_addr(&t->to_address)) {
            memcpy(out->owner, t->owner_address.data, BTS_TRON_ADDR_LEN);
            memcpy(out->to, t->to_address.data, BTS_TRON_ADDR_LEN);
            out->amount = t->amount;
            st = BT_OK;
        }
        bts_tronpb__transfer_contract__free_unpacked(t, NULL);
    }
    if (st != BT_OK)
        return st;
    if (out->type == BTS_TRON_CREATE_SMART_CONTRACT)
        return BT_OK; /* create_from_pb set the pointers into out_data */
    out->data = out_data->len ? out_data->data : NULL;
    out->data_len = out_data->len;
    return BT_OK;
}

bt_status bts_tron_tx_decode(struct bts_tron_tx *out, struct bts_buf *out_data, const uint8_t *raw,
                             size_t raw_len)
{
    memset(out, 0, sizeof(*out));
    bts_buf_reset(out_data);
    if (raw_len && !raw)
        return BT_EINVAL;
    BtsTronpb__Raw *m = bts_tronpb__raw__unpack(NULL, raw_len, raw);
    if (!m)
        return BT_EINVAL;
    bt_status st = tx_from_pb(out, out_data, m);
    bts_tronpb__raw__free_unpacked(m, NULL);
    if (st == BT_OK) {
        /* Canonical: our encoding of what we read must be the input, byte for byte. */
        struct bts_buf again = BTS_BUF_INIT;
        st = bts_tron_tx_encode(&again, out);
        if (st == BT_OK && (again.len != raw_len || memcmp(again.data, raw, raw_len) != 0))
            st = BT_EINVAL;
        bts_buf_free(&again);
    }
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        bts_buf_reset(out_data);
    }
    return st;
}

bt_status bts_tron_tx_id(uint8_t out[32], const uint8_t *raw, size_t raw_len)
{
    return bts_sha256(out, raw, raw_len) == BT_OK ? BT_OK : BT_EINTERNAL;
}

bt_status bts_tron_tx_wrap(struct bts_buf *out, const uint8_t *raw, size_t raw_len,
                           const uint8_t (*sigs)[BTS_TRON_SIG_LEN], size_t n_sigs)
{
    struct bts_tron_tx tx;
    struct bts_buf data = BTS_BUF_INIT;
    bt_status st = bts_tron_tx_decode(&tx, &data, raw, raw_len);
    bts_buf_free(&data);
    if (st != BT_OK)
        return st;
    if (n_sigs && !sigs)
        return BT_EINVAL;
    /* raw is canonical (checked above), so packing its unpacked form gives it back inside. */
    BtsTronpb__Raw *m = bts_tronpb__raw__unpack(NULL, raw_len, raw);
    ProtobufCBinaryData *sb = n_sigs ? calloc(n_sigs, sizeof(*sb)) : NULL;
    if (!m || (n_sigs && !sb)) {
        st = m ? BT_ENOMEM : BT_EINVAL;
        goto done;
    }
    for (size_t i = 0; i < n_sigs; i++)
        sb[i] = bin(sigs[i], BTS_TRON_SIG_LEN);
    BtsTronpb__Transaction t = BTS_TRONPB__TRANSACTION__INIT;
    t.raw_data = m;
    t.n_signature = n_sigs;
    t.signature = sb;
    size_t n = bts_tronpb__transaction__get_packed_size(&t);
    st = bts_buf_reserve(out, n);
    if (st == BT_OK) {
        out->len += bts_tronpb__transaction__pack(&t, out->data + out->len);
        out->data[out->len] = 0;
    }
done:
    free(sb);
    if (m)
        bts_tronpb__raw__free_unpacked(m, NULL);
    return st;
}

bt_status bts_tron_sig_recover(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t txid[32],
                               const uint8_t sig[BTS_TRON_SIG_LEN])
{
    memset(out, 0, BTS_TRON_ADDR_LEN);
    if (bts_secp_recover(out + 1, txid, sig, 0) != BT_OK) {
        memset(out, 0, BTS_TRON_ADDR_LEN);
        return BT_EINVAL;
    }
    out[0] = BTS_TRON_PREFIX;
    return BT_OK;
}
