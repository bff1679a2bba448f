/* Delivery message codec: a table of fields per message kind drives both directions, so a field
 * name is written once (dlv_msg.h gives the shapes and the sources). */
#include "dlv_msg.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/u256.h>

enum fkind {
    F_ADDR,  /* uint8_t[20], 0x-hex */
    F_HASH,  /* uint8_t[32], 0x-hex */
    F_PUB,   /* uint8_t[65], 0x-hex */
    F_U64,   /* uint64_t, decimal string */
    F_INT,   /* uint8_t[32] big-endian, decimal string (sdk.Int) */
    F_CHAIN, /* char[DLV_CHAIN_ID_MAX + 1] */
    F_ROOT,  /* enum dlv_root, "tron" / "eth" / "bsc" */
    F_DATA,  /* uint8_t *data + size_t data_len (event record only) */
    F_END,
};

struct field {
    const char *name;
    enum fkind kind;
    size_t off; /* offset inside struct dlv_msg */
};

#define U(m) (offsetof(struct dlv_msg, u) + offsetof(union dlv_msg_u_, m))
/* The union has no tag in the header; mirror it to take offsets of its members. */
union dlv_msg_u_ {
    struct dlv_msg_validator_join join;
    struct dlv_msg_validator_exit exit;
    struct dlv_msg_signer_update su;
    struct dlv_msg_staking_sync ss;
    struct dlv_msg_topup topup;
    struct dlv_msg_propose_span span;
    struct dlv_msg_checkpoint cp;
    struct dlv_msg_checkpoint_ack ack;
    struct dlv_msg_checkpoint_noack noack;
    struct dlv_msg_checkpoint_sync cs;
    struct dlv_msg_event_record rec;
};

static const struct field f_join[] = {
    {"from", F_ADDR, U(join.from)},
    {"id", F_U64, U(join.id)},
    {"activationEpoch", F_U64, U(join.activation_epoch)},
    {"amount", F_INT, U(join.amount)},
    {"pub_key", F_PUB, U(join.pub_key)},
    {"tx_hash", F_HASH, U(join.log.tx_hash)},
    {"log_index", F_U64, U(join.log.log_index)},
    {"block_number", F_U64, U(join.log.block_number)},
    {"nonce", F_U64, U(join.nonce)},
    {NULL, F_END, 0},
};
static const struct field f_exit[] = {
    {"from", F_ADDR, U(exit.from)},
    {"id", F_U64, U(exit.id)},
    {"deactivationEpoch", F_U64, U(exit.deactivation_epoch)},
    {"tx_hash", F_HASH, U(exit.log.tx_hash)},
    {"log_index", F_U64, U(exit.log.log_index)},
    {"block_number", F_U64, U(exit.log.block_number)},
    {"nonce", F_U64, U(exit.nonce)},
    {NULL, F_END, 0},
};
static const struct field f_signer[] = {
    {"from", F_ADDR, U(su.from)},
    {"id", F_U64, U(su.id)},
    {"pubKey", F_PUB, U(su.new_pub_key)},
    {"tx_hash", F_HASH, U(su.log.tx_hash)},
    {"log_index", F_U64, U(su.log.log_index)},
    {"block_number", F_U64, U(su.log.block_number)},
    {"nonce", F_U64, U(su.nonce)},
    {NULL, F_END, 0},
};
static const struct field f_ssync[] = {
    {"from", F_ADDR, U(ss.from)}, {"id", F_U64, U(ss.id)}, {"nonce", F_U64, U(ss.nonce)},
    {"root", F_ROOT, U(ss.root)}, {NULL, F_END, 0},
};
static const struct field f_topup[] = {
    {"from_address", F_ADDR, U(topup.from)},
    {"user", F_ADDR, U(topup.user)},
    {"fee", F_INT, U(topup.fee)},
    {"tx_hash", F_HASH, U(topup.log.tx_hash)},
    {"log_index", F_U64, U(topup.log.log_index)},
    {"block_number", F_U64, U(topup.log.block_number)},
    {NULL, F_END, 0},
};
static const struct field f_span[] = {
    {"span_id", F_U64, U(span.span_id)},
    {"proposer", F_ADDR, U(span.proposer)},
    {"start_block", F_U64, U(span.start_block)},
    {"end_block", F_U64, U(span.end_block)},
    {"bor_chain_id", F_CHAIN, U(span.bor_chain_id)},
    {"seed", F_HASH, U(span.seed)},
    {NULL, F_END, 0},
};
static const struct field f_cp[] = {
    {"proposer", F_ADDR, U(cp.proposer)},
    {"start_block", F_U64, U(cp.start_block)},
    {"end_block", F_U64, U(cp.end_block)},
    {"root_hash", F_HASH, U(cp.root_hash)},
    {"account_root_hash", F_HASH, U(cp.account_root_hash)},
    {"bor_chain_id", F_CHAIN, U(cp.bor_chain_id)},
    {"epoch", F_U64, U(cp.epoch)},
    {"root_chain_type", F_ROOT, U(cp.root)},
    {NULL, F_END, 0},
};
static const struct field f_ack[] = {
    {"from", F_ADDR, U(ack.from)},
    {"number", F_U64, U(ack.number)},
    {"proposer", F_ADDR, U(ack.proposer)},
    {"start_block", F_U64, U(ack.start_block)},
    {"end_block", F_U64, U(ack.end_block)},
    {"root_hash", F_HASH, U(ack.root_hash)},
    {"tx_hash", F_HASH, U(ack.log.tx_hash)},
    {"log_index", F_U64, U(ack.log.log_index)},
    {"root_chain_type", F_ROOT, U(ack.root)},
    {NULL, F_END, 0},
};
static const struct field f_noack[] = {
    {"from", F_ADDR, U(noack.from)},
    {NULL, F_END, 0},
};
static const struct field f_csync[] = {
    {"from", F_ADDR, U(cs.from)},
    {"Number", F_U64, U(cs.number)},
    {"proposer", F_ADDR, U(cs.proposer)},
    {"start_block", F_U64, U(cs.start_block)},
    {"end_block", F_U64, U(cs.end_block)},
    {"root_chain_type", F_ROOT, U(cs.root)},
    {NULL, F_END, 0},
};
static const struct field f_rec[] = {
    {"from", F_ADDR, U(rec.from)},
    {"tx_hash", F_HASH, U(rec.log.tx_hash)},
    {"log_index", F_U64, U(rec.log.log_index)},
    {"block_number", F_U64, U(rec.log.block_number)},
    {"contract_address", F_ADDR, U(rec.contract)},
    {"data", F_DATA, U(rec.data)},
    {"id", F_U64, U(rec.id)},
    {"bor_chain_id", F_CHAIN, U(rec.bor_chain_id)},
    {"root_chain_type", F_ROOT, U(rec.root)},
    {NULL, F_END, 0},
};

/* From the data pointer of an event record to its length. */
#define DATA_LEN_DELTA                                                                             \
    (offsetof(struct dlv_msg_event_record, data_len) - offsetof(struct dlv_msg_event_record, data))

struct kind {
    const char *name;
    const struct field *fields;
};

static const struct kind kinds[DLV_MSG_TYPE_MAX + 1] = {
    [DLV_MSG_VALIDATOR_JOIN] = {"staking/MsgValidatorJoin", f_join},
    [DLV_MSG_VALIDATOR_EXIT] = {"staking/MsgValidatorExit", f_exit},
    [DLV_MSG_SIGNER_UPDATE] = {"staking/MsgSignerUpdate", f_signer},
    [DLV_MSG_STAKING_SYNC] = {"staking/MsgStakingSync", f_ssync},
    [DLV_MSG_STAKING_SYNC_ACK] = {"staking/MsgStakingSyncAck", f_ssync},
    [DLV_MSG_TOPUP] = {"topup/MsgTopup", f_topup},
    [DLV_MSG_PROPOSE_SPAN] = {"bor/MsgProposeSpan", f_span},
    [DLV_MSG_CHECKPOINT] = {"checkpoint/MsgCheckpoint", f_cp},
    [DLV_MSG_CHECKPOINT_ACK] = {"checkpoint/MsgCheckpointACK", f_ack},
    [DLV_MSG_CHECKPOINT_NOACK] = {"checkpoint/MsgCheckpointNoACK", f_noack},
    [DLV_MSG_CHECKPOINT_SYNC] = {"checkpoint/MsgCheckpointSync", f_csync},
    [DLV_MSG_CHECKPOINT_SYNC_ACK] = {"checkpoint/MsgCheckpointSyncAck", f_csync},
    [DLV_MSG_EVENT_RECORD] = {"cosmos-sdk/MsgEventRecord", f_rec},
};

static const struct kind *kind_of(enum dlv_msg_type t)
{
    if ((int)t < 1 || (int)t > DLV_MSG_TYPE_MAX)
        return NULL;
    return &kinds[t];
}

const char *dlv_msg_type_name(enum dlv_msg_type t)
{
    const struct kind *k = kind_of(t);
    return k ? k->name : NULL;
}

int dlv_msg_is_side(enum dlv_msg_type t)
{
    return kind_of(t) != NULL && t != DLV_MSG_CHECKPOINT_NOACK;
}

const char *dlv_root_name(enum dlv_root r)
{
    switch (r) {
    case DLV_ROOT_TRON:
        return "tron";
    case DLV_ROOT_ETH:
        return "eth";
    case DLV_ROOT_BSC:
        return "bsc";
    }
    return NULL;
}

bt_status dlv_root_parse(enum dlv_root *out, const char *s)
{
    for (int r = DLV_ROOT_TRON; r <= DLV_ROOT_BSC; r++)
        if (strcmp(s, dlv_root_name((enum dlv_root)r)) == 0) {
            *out = (enum dlv_root)r;
            return BT_OK;
        }
    return BT_EINVAL;
}

const uint8_t *dlv_msg_signer(const struct dlv_msg *m)
{
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN:
        return m->u.join.from;
    case DLV_MSG_VALIDATOR_EXIT:
        return m->u.exit.from;
    case DLV_MSG_SIGNER_UPDATE:
        return m->u.signer_update.from;
    case DLV_MSG_STAKING_SYNC:
    case DLV_MSG_STAKING_SYNC_ACK:
        return m->u.staking_sync.from;
    case DLV_MSG_TOPUP:
        return m->u.topup.from;
    case DLV_MSG_PROPOSE_SPAN:
        return m->u.span.proposer;
    case DLV_MSG_CHECKPOINT:
        return m->u.checkpoint.proposer;
    case DLV_MSG_CHECKPOINT_ACK:
        return m->u.ack.from;
    case DLV_MSG_CHECKPOINT_NOACK:
        return m->u.noack.from;
    case DLV_MSG_CHECKPOINT_SYNC:
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
        return m->u.ckpt_sync.from;
    case DLV_MSG_EVENT_RECORD:
        return m->u.record.from;
    }
    return m->u.noack.from; /* unreachable for valid kinds; every member starts with bytes */
}

static int is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static bt_status fail(char *err, size_t cap, bt_status st, const char *fmt, const char *a,
                      const char *b)
{
    if (err && cap)
        snprintf(err, cap, fmt, a, b);
    return st;
}

bt_status dlv_msg_validate(const struct dlv_msg *m, char *err, size_t err_cap)
{
    const struct kind *k = kind_of(m->type);
    if (!k)
        return fail(err, err_cap, BT_EINVAL, "%s%s", "unknown message type", "");
    if (is_zero(dlv_msg_signer(m), 20))
        return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero from/proposer");
    /* Root-chain fields decoded or built in memory must name a known chain. */
    const uint8_t *base = (const uint8_t *)m;
    for (const struct field *f = k->fields; f->kind != F_END; f++)
        if (f->kind == F_ROOT && !dlv_root_name(*(const enum dlv_root *)(base + f->off)))
            return fail(err, err_cap, BT_EINVAL, "%s.%s: unknown root chain", k->name, f->name);
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN:
        if (m->u.join.id == 0 || m->u.join.pub_key[0] != 0x04)
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero id or bad pub_key");
        break;
    case DLV_MSG_VALIDATOR_EXIT:
        if (m->u.exit.id == 0)
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero id");
        break;
    case DLV_MSG_SIGNER_UPDATE:
        if (m->u.signer_update.id == 0 || m->u.signer_update.new_pub_key[0] != 0x04)
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero id or bad pubKey");
        break;
    case DLV_MSG_STAKING_SYNC:
    case DLV_MSG_STAKING_SYNC_ACK:
        if (m->u.staking_sync.id == 0)
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero id");
        break;
    case DLV_MSG_CHECKPOINT:
        if (is_zero(m->u.checkpoint.root_hash, 32))
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero root_hash");
        if (m->u.checkpoint.start_block >= m->u.checkpoint.end_block)
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "start_block >= end_block");
        break;
    case DLV_MSG_TOPUP:
        if (is_zero(m->u.topup.user, 20))
            return fail(err, err_cap, BT_EINVAL, "%s: %s", k->name, "zero user");
        break;
    case DLV_MSG_PROPOSE_SPAN:
    case DLV_MSG_CHECKPOINT_ACK:
    case DLV_MSG_CHECKPOINT_NOACK:
    case DLV_MSG_CHECKPOINT_SYNC:
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
    case DLV_MSG_EVENT_RECORD:
        break;
    }
    return BT_OK;
}

/* --- encode ------------------------------------------------------------------------------- */

static json_t *hex_str(const uint8_t *p, size_t n)
{
    struct bts_buf b;
    bts_buf_init(&b);
    if (bts_hex_encode_buf(&b, p, n, BTS_HEX_0X) != BT_OK) {
        bts_buf_free(&b);
        return NULL;
    }
    json_t *s = json_stringn((const char *)b.data, b.len);
    bts_buf_free(&b);
    return s;
}

static json_t *dec_u64(uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    return json_string(s);
}

static json_t *field_to_json(const struct field *f, const uint8_t *base)
{
    const uint8_t *p = base + f->off;
    switch (f->kind) {
    case F_ADDR:
        return hex_str(p, 20);
    case F_HASH:
        return hex_str(p, 32);
    case F_PUB:
        return hex_str(p, 65);
    case F_U64: {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        return dec_u64(v);
    }
    case F_INT: {
        struct bts_u256 x;
        char s[BTS_U256_DEC_MAX];
        bts_u256_load_be(&x, p);
        bts_u256_to_dec(s, &x);
        return json_string(s);
    }
    case F_CHAIN:
        return json_string((const char *)p);
    case F_ROOT: {
        enum dlv_root r;
        memcpy(&r, p, sizeof r);
        const char *n = dlv_root_name(r);
        return n ? json_string(n) : NULL;
    }
    case F_DATA: {
        uint8_t *d;
        size_t len;
        memcpy(&d, p, sizeof d);
        memcpy(&len, p + DATA_LEN_DELTA, sizeof len);
        return hex_str(d, len);
    }
    case F_END:
        break;
    }
    return NULL;
}

bt_status dlv_msg_to_json(json_t **out, const struct dlv_msg *m)
{
    *out = NULL;
    const struct kind *k = kind_of(m->type);
    if (!k)
        return BT_EINVAL;
    json_t *value = json_object();
    json_t *obj = json_object();
    if (!value || !obj)
        goto nomem;
    for (const struct field *f = k->fields; f->kind != F_END; f++) {
        json_t *v = field_to_json(f, (const uint8_t *)m);
        if (!v) {
            if (f->kind == F_ROOT) {
                json_decref(value);
                json_decref(obj);
                return BT_EINVAL;
            }
            goto nomem;
        }
        if (json_object_set_new(value, f->name, v) != 0)
            goto nomem;
    }
    if (json_object_set_new(obj, "type", json_string(k->name)) != 0 ||
        json_object_set(obj, "value", value) != 0)
        goto nomem;
    json_decref(value);
    *out = obj;
    return BT_OK;
nomem:
    json_decref(value);
    json_decref(obj);
    return BT_ENOMEM;
}

/* --- decode ------------------------------------------------------------------------------- */

static bt_status read_u64(uint64_t *out, const json_t *v)
{
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0)
            return BT_EINVAL;
        *out = (uint64_t)json_integer_value(v);
        return BT_OK;
    }
    if (!json_is_string(v))
        return BT_EINVAL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n > 20)
        return n == 0 ? BT_EINVAL : BT_ERANGE;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return BT_EINVAL;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return BT_ERANGE;
        x = x * 10 + d;
    }
    *out = x;
    return BT_OK;
}

static bt_status field_from_json(const struct field *f, uint8_t *base, const json_t *v)
{
    uint8_t *p = base + f->off;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    size_t n = s ? json_string_length(v) : 0;
    switch (f->kind) {
    case F_ADDR:
        return s ? bts_hex_decode_exact(p, 20, s, n, BTS_HEX_0X) : BT_EINVAL;
    case F_HASH:
        return s ? bts_hex_decode_exact(p, 32, s, n, BTS_HEX_0X) : BT_EINVAL;
    case F_PUB:
        return s ? bts_hex_decode_exact(p, 65, s, n, BTS_HEX_0X) : BT_EINVAL;
    case F_U64: {
        uint64_t x;
        bt_status st = read_u64(&x, v);
        if (st == BT_OK)
            memcpy(p, &x, sizeof x);
        return st;
    }
    case F_INT: {
        struct bts_u256 x;
        bt_status st;
        if (json_is_integer(v) && json_integer_value(v) >= 0)
            x = bts_u256_from_u64((uint64_t)json_integer_value(v));
        else if (!s || (st = bts_u256_from_dec(&x, s, n)) != BT_OK)
            return s ? st : BT_EINVAL;
        bts_u256_store_be(p, &x);
        return BT_OK;
    }
    case F_CHAIN:
        if (!s || n > DLV_CHAIN_ID_MAX || memchr(s, 0, n))
            return s ? BT_ERANGE : BT_EINVAL;
        memcpy(p, s, n + 1);
        return BT_OK;
    case F_ROOT: {
        enum dlv_root r;
        if (!s || dlv_root_parse(&r, s) != BT_OK)
            return BT_EINVAL;
        memcpy(p, &r, sizeof r);
        return BT_OK;
    }
    case F_DATA: {
        uint8_t **data = (uint8_t **)(void *)p;
        size_t *data_len = (size_t *)(void *)(p + DATA_LEN_DELTA);
        if (!s)
            return BT_EINVAL;
        if (n / 2 > DLV_EVENT_DATA_MAX + 1)
            return BT_ERANGE;
        struct bts_buf b;
        bts_buf_init(&b);
        bt_status st = bts_hex_decode_buf(&b, s, n, BTS_HEX_0X);
        if (st != BT_OK) {
            bts_buf_free(&b);
            return st;
        }
        free(*data);
        *data = NULL;
        *data_len = 0;
        if (b.len)
            *data = bts_buf_detach(&b, data_len);
        bts_buf_free(&b);
        return BT_OK;
    }
    case F_END:
        break;
    }
    return BT_EINVAL;
}

bt_status dlv_msg_from_json(struct dlv_msg *out, const json_t *j, char *err, size_t err_cap)
{
    memset(out, 0, sizeof *out);
    const json_t *t = json_object_get(j, "type");
    const json_t *value = json_object_get(j, "value");
    if (!json_is_string(t) || !json_is_object(value))
        return fail(err, err_cap, BT_EINVAL, "%s%s", "msg: need {\"type\",\"value\"}", "");
    const struct kind *k = NULL;
    int type = 0;
    for (int i = 1; i <= DLV_MSG_TYPE_MAX; i++)
        if (strcmp(json_string_value(t), kinds[i].name) == 0) {
            k = &kinds[i];
            type = i;
        }
    if (!k)
        return fail(err, err_cap, BT_EINVAL, "msg: unknown type \"%s\"%s", json_string_value(t),
                    "");
    out->type = (enum dlv_msg_type)type;
    for (const struct field *f = k->fields; f->kind != F_END; f++) {
        const json_t *v = json_object_get(value, f->name);
        bt_status st = v ? field_from_json(f, (uint8_t *)out, v) : BT_EINVAL;
        if (st != BT_OK) {
            dlv_msg_free(out);
            return fail(err, err_cap, st == BT_ENOMEM ? BT_ENOMEM : st, "%s.%s: missing or invalid",
                        k->name, f->name);
        }
    }
    return BT_OK;
}

bt_status dlv_msg_canonical(struct bts_buf *out, const struct dlv_msg *m)
{
    json_t *j;
    bt_status st = dlv_msg_to_json(&j, m);
    if (st != BT_OK)
        return st;
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    if (!s)
        return BT_ENOMEM;
    st = bts_buf_append_str(out, s);
    free(s);
    return st;
}

void dlv_msg_free(struct dlv_msg *m)
{
    if (!m)
        return;
    if (m->type == DLV_MSG_EVENT_RECORD)
        free(m->u.record.data);
    memset(m, 0, sizeof *m);
}

bt_status dlv_msg_copy(struct dlv_msg *dst, const struct dlv_msg *src)
{
    *dst = *src;
    if (src->type == DLV_MSG_EVENT_RECORD && src->u.record.data_len) {
        dst->u.record.data = malloc(src->u.record.data_len);
        if (!dst->u.record.data) {
            memset(dst, 0, sizeof *dst);
            return BT_ENOMEM;
        }
        memcpy(dst->u.record.data, src->u.record.data, src->u.record.data_len);
    } else if (src->type == DLV_MSG_EVENT_RECORD) {
        dst->u.record.data = NULL;
    }
    return BT_OK;
}
