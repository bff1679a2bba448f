/* Delivery message handlers: the deliver-stage checks (upstream <module>/handler.go: cheap, against
 * the state) and the post-handlers that apply a side message with its tallied result
 * (upstream <module>/side_handler.go PostHandle*). Tables: PROTOCOL.md §4.3.2, §4.3.4, §4.5.1,
 * §4.6.2, §4.6.7, §4.6.8, §4.7, §4.8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/secp.h>
#include <bts/u256.h>

#include "dlv_app_int.h"

static bt_status refuse(char *err, size_t cap, const char *why)
{
    if (err && cap)
        snprintf(err, cap, "%s", why);
    return BT_EINVAL;
}

static uint64_t now_s(const struct dlv_application *a)
{
    return a->cur_time_ms / 1000;
}

static bt_status staking_seq(uint64_t *seq, const struct dlv_msg_log_ref *l)
{
    return bts_dlvside_sequence(seq, l->block_number, l->log_index);
}

/* --- deliver stage --------------------------------------------------------------------- */

static bt_status h_join(struct dlv_application *a, const struct dlv_msg_validator_join *m,
                        char *err, size_t cap)
{
    uint64_t seq;
    struct dlv_validator v;
    uint8_t signer[20];
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_STAKING, seq))
        return refuse(err, cap, "validator-join: old tx (sequence used)");
    if (dlv_get_validator_by_id(a, m->id, &v, 0) == BT_OK)
        return refuse(err, cap, "validator-join: validator id already exists");
    if (bts_secp_pubkey_to_address(signer, m->pub_key, 65) != BT_OK)
        return refuse(err, cap, "validator-join: bad pub_key");
    if (dlv_get_validator(a, signer, &v, 0) == BT_OK)
        return refuse(err, cap, "validator-join: signer already a validator");
    return BT_OK;
}

static bt_status h_exit(struct dlv_application *a, const struct dlv_msg_validator_exit *m,
                        char *err, size_t cap)
{
    uint64_t seq;
    struct dlv_validator v;
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_STAKING, seq))
        return refuse(err, cap, "validator-exit: old tx (sequence used)");
    if (dlv_get_validator_by_id(a, m->id, &v, 0) != BT_OK)
        return refuse(err, cap, "validator-exit: no such validator");
    if (v.end_epoch != 0)
        return refuse(err, cap, "validator-exit: already exiting");
    return BT_OK;
}

static bt_status h_signer(struct dlv_application *a, const struct dlv_msg_signer_update *m,
                          char *err, size_t cap)
{
    uint64_t seq;
    struct dlv_validator v;
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_STAKING, seq))
        return refuse(err, cap, "signer-update: old tx (sequence used)");
    if (dlv_get_validator_by_id(a, m->id, &v, 0) != BT_OK)
        return refuse(err, cap, "signer-update: no such validator");
    return BT_OK;
}

static bt_status h_staking_sync(struct dlv_application *a, const struct dlv_msg_staking_sync *m,
                                int is_ack, char *err, size_t cap)
{
    struct dlv_stake_record rec;
    if (m->root == DLV_ROOT_TRON || !a->p.root[m->root].enabled)
        return refuse(err, cap, "staking-sync: not a synced root chain");
    if (dlv_stake_queue_head(a, m->root, &rec, NULL, 0) != BT_OK)
        return refuse(err, cap, "staking-sync: queue empty");
    if (rec.id != m->id || rec.nonce != m->nonce)
        return refuse(err, cap, "staking-sync: not the queue head");
    uint64_t now = now_s(a);
    if (!is_ack && rec.timestamp != 0 && now > rec.timestamp &&
        now - rec.timestamp < a->p.staking_buffer_time)
        return refuse(err, cap, "staking-sync: head in buffer time");
    return BT_OK;
}

static bt_status h_topup(struct dlv_application *a, const struct dlv_msg_topup *m, char *err,
                         size_t cap)
{
    uint64_t seq;
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_TOPUP, seq))
        return refuse(err, cap, "topup: old tx (sequence used)");
    return BT_OK;
}

static bt_status h_span(struct dlv_application *a, const struct dlv_msg_propose_span *m, char *err,
                        size_t cap)
{
    struct dlv_span_rec last;
    if (strcmp(m->bor_chain_id, a->p.bor_chain_id) != 0)
        return refuse(err, cap, "propose-span: wrong bor_chain_id");
    if (dlv_latest_span(a, &last, 0) != BT_OK)
        return refuse(err, cap, "propose-span: no last span");
    uint64_t id = last.id, end = last.end_block;
    dlv_span_rec_free(&last);
    if (m->span_id != id + 1)
        return refuse(err, cap, "propose-span: span_id is not last+1");
    if (m->start_block != end + 1)
        return refuse(err, cap, "propose-span: start_block is not last end+1");
    if (m->end_block < m->start_block)
        return refuse(err, cap, "propose-span: end_block < start_block");
    if (m->end_block - m->start_block + 1 != a->p.span_duration)
        return refuse(err, cap, "propose-span: length is not span_duration");
    return BT_OK;
}

/* The continuity rules shared by the handler and the post-handler of MsgCheckpoint. */
static bt_status ckpt_continuity(struct dlv_application *a, enum dlv_root r, uint64_t start,
                                 char *err, size_t cap)
{
    struct dlv_checkpoint last;
    uint64_t acks = dlv_ack_count(a, r, 0);
    if (acks && dlv_get_checkpoint(a, DLV_T_CKPT, r, acks, &last, 0) == BT_OK) {
        if (last.end_block > start)
            return refuse(err, cap, "checkpoint: old checkpoint");
        if (last.end_block + 1 != start)
            return refuse(err, cap, "checkpoint: discontinuous checkpoint");
    } else if (start != a->p.root[r].activation_height) {
        return refuse(err, cap, "checkpoint: first checkpoint must start at activation height");
    }
    return BT_OK;
}

static bt_status h_checkpoint(struct dlv_application *a, const struct dlv_msg_checkpoint *m,
                              char *err, size_t cap)
{
    struct dlv_checkpoint buf;
    if (!a->p.root[m->root].enabled)
        return refuse(err, cap, "checkpoint: root chain not enabled");
    if (dlv_get_checkpoint(a, DLV_T_CKPT_BUFFER, m->root, 0, &buf, 0) == BT_OK) {
        uint64_t now = now_s(a);
        if (buf.timestamp == 0 ||
            (now > buf.timestamp && now - buf.timestamp >= a->p.checkpoint_buffer_time)) {
            bt_status st = dlv_del_checkpoint(a, DLV_T_CKPT_BUFFER, m->root);
            if (st != BT_OK)
                return st;
        } else {
            return refuse(err, cap, "checkpoint: buffer not acked nor expired");
        }
    }
    bt_status st = ckpt_continuity(a, m->root, m->start_block, err, cap);
    if (st != BT_OK)
        return st;
    uint8_t root[32];
    if (dlv_account_root(a, root, 0) != BT_OK || memcmp(root, m->account_root_hash, 32) != 0)
        return refuse(err, cap, "checkpoint: account_root_hash mismatch");
    struct bts_valset vs;
    bts_valset_init(&vs);
    if (dlv_get_valset(a, &vs, 0) != BT_OK || vs.n == 0) {
        bts_valset_free(&vs);
        return refuse(err, cap, "checkpoint: no proposer in stored validator set");
    }
    size_t pi = bts_valset_proposer(&vs);
    int ok = memcmp(vs.v[pi].address, m->proposer, 20) == 0;
    bts_valset_free(&vs);
    if (!ok)
        return refuse(err, cap, "checkpoint: proposer is not the validator set's proposer");
    if (m->epoch != dlv_ack_count(a, DLV_ROOT_TRON, 0) + 1)
        return refuse(err, cap, "checkpoint: epoch is not ackCount(tron)+1");
    return BT_OK;
}

static bt_status h_ack(struct dlv_application *a, const struct dlv_msg_checkpoint_ack *m, char *err,
                       size_t cap)
{
    struct dlv_checkpoint buf;
    if (dlv_get_checkpoint(a, DLV_T_CKPT_BUFFER, m->root, 0, &buf, 0) == BT_OK) {
        if (m->start_block != buf.start_block)
            return refuse(err, cap, "checkpoint-ack: start_block differs from the buffer");
        if (m->end_block == buf.end_block && memcmp(m->root_hash, buf.root_hash, 32) != 0)
            return refuse(err, cap, "checkpoint-ack: root_hash differs from the buffer");
    }
    return BT_OK;
}

static bt_status h_noack(struct dlv_application *a, const struct dlv_msg_checkpoint_noack *m,
                         char *err, size_t cap)
{
    uint64_t now = now_s(a), buffer = a->p.checkpoint_buffer_time;
    struct dlv_checkpoint last;
    uint64_t acks = dlv_ack_count(a, DLV_ROOT_TRON, 0), last_time = 0, last_noack = 0;
    if (acks && dlv_get_checkpoint(a, DLV_T_CKPT, DLV_ROOT_TRON, acks, &last, 0) == BT_OK)
        last_time = last.timestamp;
    if (last_time > now || now - last_time < buffer)
        return refuse(err, cap, "checkpoint-noack: last checkpoint too recent");
    struct bts_valset vs;
    bts_valset_init(&vs);
    bt_status st = dlv_get_valset(a, &vs, 0);
    if (st == BT_OK && a->p.no_ack_validator_check && bts_valset_find(&vs, m->from) < 0) {
        bts_valset_free(&vs);
        return refuse(err, cap, "checkpoint-noack: sender not a validator");
    }
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_LAST_NOACK);
    if (dlv_get_u64(a, &k, &last_noack, 0) != BT_OK)
        last_noack = 0;
    if (st == BT_OK && (last_noack > now || now - last_noack < buffer))
        st = refuse(err, cap, "checkpoint-noack: too many no-acks");
    /* Effect (not a side message): new last no-ack, next proposer (§4.6.8). */
    if (st == BT_OK)
        st = dlv_put_u64(a, &k, now);
    if (st == BT_OK)
        st = bts_valset_increment(&vs, 1);
    if (st == BT_OK)
        st = dlv_put_valset(a, &vs);
    bts_valset_free(&vs);
    return st;
}

static bt_status h_ckpt_sync(struct dlv_application *a, const struct dlv_msg_checkpoint_sync *m,
                             int is_ack, char *err, size_t cap)
{
    struct dlv_checkpoint buf;
    if (m->root == DLV_ROOT_TRON || !a->p.root[m->root].enabled)
        return refuse(err, cap, "checkpoint-sync: not a synced root chain");
    if (dlv_get_checkpoint(a, DLV_T_SYNC_BUFFER, m->root, 0, &buf, 0) != BT_OK)
        return BT_OK;
    uint64_t now = now_s(a);
    uint64_t limit = is_ack ? a->p.checkpoint_buffer_time : a->p.checkpoint_buffer_time / 5;
    if (buf.timestamp == 0 || (now > buf.timestamp && now - buf.timestamp >= limit))
        return dlv_del_checkpoint(a, DLV_T_SYNC_BUFFER, m->root);
    return is_ack ? BT_OK : refuse(err, cap, "checkpoint-sync: buffer not expired");
}

static bt_status record_map_key(struct dlv_key *k, enum dlv_root r, uint64_t root_id)
{
    dlv_key_init(k, DLV_T_RECORD_MAP);
    dlv_key_u8(k, (uint8_t)r);
    dlv_key_u64(k, root_id);
    return BT_OK;
}

static bt_status h_record(struct dlv_application *a, const struct dlv_msg_event_record *m,
                          char *err, size_t cap)
{
    struct dlv_key k;
    const uint8_t *v;
    size_t n;
    uint64_t seq;
    if (!a->p.root[m->root].enabled)
        return refuse(err, cap, "event-record: root chain not enabled");
    if (strcmp(m->bor_chain_id, a->p.bor_chain_id) != 0)
        return refuse(err, cap, "event-record: wrong bor_chain_id");
    record_map_key(&k, m->root, m->id);
    if (dlv_state_get(&a->st, &k, &v, &n) == BT_OK)
        return refuse(err, cap, "event-record: already synced");
    if (bts_dlvside_clerk_sequence(&seq, m->log.block_number, m->log.log_index,
                                   (uint64_t)m->root) != BT_OK ||
        dlv_has_sequence(a, SEQ_CLERK, seq))
        return refuse(err, cap, "event-record: old tx (sequence used)");
    return BT_OK;
}

bt_status dlv_handle(struct dlv_application *a, const struct dlv_msg *m, char *err, size_t err_cap)
{
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN:
        return h_join(a, &m->u.join, err, err_cap);
    case DLV_MSG_VALIDATOR_EXIT:
        return h_exit(a, &m->u.exit, err, err_cap);
    case DLV_MSG_SIGNER_UPDATE:
        return h_signer(a, &m->u.signer_update, err, err_cap);
    case DLV_MSG_STAKING_SYNC:
        return h_staking_sync(a, &m->u.staking_sync, 0, err, err_cap);
    case DLV_MSG_STAKING_SYNC_ACK:
        return h_staking_sync(a, &m->u.staking_sync, 1, err, err_cap);
    case DLV_MSG_TOPUP:
        return h_topup(a, &m->u.topup, err, err_cap);
    case DLV_MSG_PROPOSE_SPAN:
        return h_span(a, &m->u.span, err, err_cap);
    case DLV_MSG_CHECKPOINT:
        return h_checkpoint(a, &m->u.checkpoint, err, err_cap);
    case DLV_MSG_CHECKPOINT_ACK:
        return h_ack(a, &m->u.ack, err, err_cap);
    case DLV_MSG_CHECKPOINT_NOACK:
        return h_noack(a, &m->u.noack, err, err_cap);
    case DLV_MSG_CHECKPOINT_SYNC:
        return h_ckpt_sync(a, &m->u.ckpt_sync, 0, err, err_cap);
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
        return h_ckpt_sync(a, &m->u.ckpt_sync, 1, err, err_cap);
    case DLV_MSG_EVENT_RECORD:
        return h_record(a, &m->u.record, err, err_cap);
    }
    return refuse(err, err_cap, "unknown message");
}

/* --- post-handlers ---------------------------------------------------------------------- */

static void seq_string(char out[32], uint64_t seq)
{
    snprintf(out, 32, "%llu", (unsigned long long)seq);
}

static bt_status queue_stake(struct dlv_application *a, const char *type, uint64_t id,
                             uint64_t nonce, const uint8_t tx_hash[32])
{
    struct dlv_stake_record r;
    memset(&r, 0, sizeof r);
    snprintf(r.type, sizeof r.type, "%s", type);
    r.id = id;
    r.nonce = nonce;
    r.height = (int64_t)a->cur_height;
    memcpy(r.tx_hash, tx_hash, 32);
    return dlv_stake_queue_push(a, &r);
}

static bt_status p_join(struct dlv_application *a, const struct dlv_msg_validator_join *m,
                        const uint8_t tx_hash[32])
{
    uint64_t seq;
    struct dlv_validator v;
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_STAKING, seq))
        return BT_EINVAL;
    if (dlv_get_validator_by_id(a, m->id, &v, 0) == BT_OK)
        return BT_EINVAL;
    memset(&v, 0, sizeof v);
    v.id = m->id;
    v.start_epoch = m->activation_epoch;
    v.nonce = m->nonce;
    v.power = 1; /* BTTC: every validator has power 1 (§4.3.2) */
    memcpy(v.pub_key, m->pub_key, 65);
    if (bts_secp_pubkey_to_address(v.signer, v.pub_key, 65) != BT_OK)
        return BT_EINVAL;
    seq_string(v.last_updated, seq);
    bt_status st = dlv_put_validator(a, &v);
    if (st == BT_OK)
        st = dlv_set_sequence(a, SEQ_STAKING, seq);
    if (st == BT_OK)
        st = queue_stake(a, "validatorJoin", m->id, m->nonce, tx_hash);
    return st;
}

static bt_status p_exit(struct dlv_application *a, const struct dlv_msg_validator_exit *m,
                        const uint8_t tx_hash[32])
{
    uint64_t seq;
    struct dlv_validator v;
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_STAKING, seq) ||
        dlv_get_validator_by_id(a, m->id, &v, 0) != BT_OK)
        return BT_EINVAL;
    v.end_epoch = m->deactivation_epoch;
    v.nonce = m->nonce;
    seq_string(v.last_updated, seq);
    bt_status st = dlv_put_validator(a, &v);
    if (st == BT_OK)
        st = dlv_set_sequence(a, SEQ_STAKING, seq);
    if (st == BT_OK)
        st = queue_stake(a, "validatorExit", m->id, m->nonce, tx_hash);
    return st;
}

static bt_status move_balance(struct dlv_application *a, const uint8_t from[20],
                              const uint8_t to[20])
{
    struct dlv_key kf, kt;
    const uint8_t *v;
    size_t n;
    dlv_key_init(&kf, DLV_T_FEE_BALANCE);
    dlv_key_bytes(&kf, from, 20);
    if (dlv_state_get(&a->st, &kf, &v, &n) != BT_OK || n != 32)
        return BT_OK;
    uint8_t amount[32];
    memcpy(amount, v, 32);
    struct bts_u256 x, y;
    bts_u256_load_be(&x, amount);
    dlv_key_init(&kt, DLV_T_FEE_BALANCE);
    dlv_key_bytes(&kt, to, 20);
    if (dlv_state_get(&a->st, &kt, &v, &n) == BT_OK && n == 32) {
        bts_u256_load_be(&y, v);
        bts_u256_add(&x, &x, &y);
    }
    bts_u256_store_be(amount, &x);
    bt_status st = dlv_state_del(&a->st, &kf);
    return st == BT_OK ? dlv_state_put(&a->st, &kt, amount, 32) : st;
}

static bt_status p_signer(struct dlv_application *a, const struct dlv_msg_signer_update *m,
                          const uint8_t tx_hash[32])
{
    uint64_t seq;
    struct dlv_validator v, old;
    uint8_t signer[20];
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_STAKING, seq) ||
        dlv_get_validator_by_id(a, m->id, &v, 0) != BT_OK ||
        bts_secp_pubkey_to_address(signer, m->new_pub_key, 65) != BT_OK)
        return BT_EINVAL;
    if (memcmp(signer, v.signer, 20) == 0)
        return BT_EINVAL; /* no signer change */
    old = v;
    seq_string(v.last_updated, seq);
    v.nonce = m->nonce;
    memcpy(v.signer, signer, 20);
    memcpy(v.pub_key, m->new_pub_key, 65);
    /* The old record leaves the set: power 0, end epoch = ack count (upstream). */
    old.end_epoch = dlv_ack_count(a, DLV_ROOT_TRON, 0);
    old.power = 0;
    memcpy(old.last_updated, v.last_updated, sizeof old.last_updated);
    old.nonce = m->nonce;
    bt_status st = dlv_put_validator(a, &old);
    if (st == BT_OK)
        st = dlv_put_validator(a, &v); /* the id now maps to the new signer */
    if (st == BT_OK)
        st = dlv_set_sequence(a, SEQ_STAKING, seq);
    if (st == BT_OK)
        st = move_balance(a, old.signer, v.signer);
    if (st == BT_OK)
        st = queue_stake(a, "signerUpdate", m->id, m->nonce, tx_hash);
    return st;
}

static bt_status p_staking_sync(struct dlv_application *a, const struct dlv_msg_staking_sync *m,
                                int is_ack)
{
    struct dlv_stake_record rec;
    struct dlv_key k;
    if (dlv_stake_queue_head(a, m->root, &rec, &k, 0) != BT_OK || rec.id != m->id ||
        rec.nonce != m->nonce)
        return BT_EINVAL;
    if (is_ack)
        return dlv_state_del(&a->st, &k);
    uint64_t now = now_s(a);
    if (rec.timestamp != 0 && now > rec.timestamp && now - rec.timestamp < a->p.staking_buffer_time)
        return BT_EINVAL;
    rec.timestamp = now;
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = dlv_stake_record_encode(&b, &rec);
    if (st == BT_OK)
        st = dlv_state_put(&a->st, &k, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

static bt_status p_topup(struct dlv_application *a, const struct dlv_msg_topup *m)
{
    uint64_t seq;
    if (staking_seq(&seq, &m->log) != BT_OK || dlv_has_sequence(a, SEQ_TOPUP, seq))
        return BT_EINVAL;
    struct dlv_key k;
    const uint8_t *v;
    size_t n;
    struct bts_u256 x, y;
    bts_u256_load_be(&x, m->fee);
    dlv_key_init(&k, DLV_T_FEE_BALANCE);
    dlv_key_bytes(&k, m->user, 20);
    if (dlv_state_get(&a->st, &k, &v, &n) == BT_OK && n == 32) {
        bts_u256_load_be(&y, v);
        bts_u256_add(&x, &x, &y);
    }
    uint8_t out[32];
    bts_u256_store_be(out, &x);
    bt_status st = dlv_state_put(&a->st, &k, out, 32);
    return st == BT_OK ? dlv_set_sequence(a, SEQ_TOPUP, seq) : st;
}

static bt_status p_span(struct dlv_application *a, const struct dlv_msg_propose_span *m)
{
    struct dlv_span_rec s;
    if (dlv_get_span(a, m->span_id, &s, 0) == BT_OK) {
        dlv_span_rec_free(&s);
        return BT_EINVAL; /* already stored */
    }
    return dlv_freeze_span(a, m, m->seed);
}

static bt_status p_checkpoint(struct dlv_application *a, const struct dlv_msg_checkpoint *m)
{
    struct dlv_checkpoint c;
    if (ckpt_continuity(a, m->root, m->start_block, NULL, 0) != BT_OK)
        return BT_EINVAL;
    if (dlv_get_checkpoint(a, DLV_T_CKPT_BUFFER, m->root, 0, &c, 0) == BT_OK)
        return BT_EINVAL;
    memset(&c, 0, sizeof c);
    memcpy(c.proposer, m->proposer, 20);
    c.start_block = m->start_block;
    c.end_block = m->end_block;
    memcpy(c.root_hash, m->root_hash, 32);
    memcpy(c.bor_chain_id, m->bor_chain_id, sizeof c.bor_chain_id);
    c.timestamp = now_s(a);
    return dlv_put_checkpoint(a, DLV_T_CKPT_BUFFER, m->root, 0, &c);
}

static bt_status p_ack(struct dlv_application *a, const struct dlv_msg_checkpoint_ack *m)
{
    struct dlv_checkpoint c;
    if (dlv_get_checkpoint(a, DLV_T_CKPT_BUFFER, m->root, 0, &c, 0) != BT_OK ||
        m->start_block != c.start_block ||
        (m->end_block == c.end_block && memcmp(m->root_hash, c.root_hash, 32) != 0))
        return BT_EINVAL;
    if (c.end_block > m->end_block) {
        /* Truncated on chain: keep the chain's values. */
        c.end_block = m->end_block;
        memcpy(c.root_hash, m->root_hash, 32);
        memcpy(c.proposer, m->proposer, 20);
    }
    bt_status st = dlv_put_checkpoint(a, DLV_T_CKPT, m->root, m->number, &c);
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_ACK_COUNT);
    dlv_key_u8(&k, (uint8_t)m->root);
    if (st == BT_OK)
        st = dlv_put_u64(a, &k, dlv_ack_count(a, m->root, 0) + 1);
    if (st == BT_OK)
        st = dlv_del_checkpoint(a, DLV_T_CKPT_BUFFER, m->root);
    if (st == BT_OK && m->root == DLV_ROOT_TRON) {
        /* Only TRON acks rotate the checkpoint proposer and advance the epoch (§4.6.9). */
        struct bts_valset vs;
        bts_valset_init(&vs);
        st = dlv_get_valset(a, &vs, 0);
        if (st == BT_OK)
            st = bts_valset_increment(&vs, 1);
        if (st == BT_OK)
            st = dlv_put_valset(a, &vs);
        bts_valset_free(&vs);
    }
    return st;
}

static bt_status p_ckpt_sync(struct dlv_application *a, const struct dlv_msg_checkpoint_sync *m,
                             int is_ack)
{
    struct dlv_checkpoint c;
    if (is_ack) {
        struct dlv_key k;
        dlv_key_init(&k, DLV_T_SYNC_LAST);
        dlv_key_u8(&k, (uint8_t)m->root);
        bt_status st = dlv_put_u64(a, &k, m->number);
        return st == BT_OK ? dlv_del_checkpoint(a, DLV_T_SYNC_BUFFER, m->root) : st;
    }
    if (dlv_get_checkpoint(a, DLV_T_SYNC_BUFFER, m->root, 0, &c, 0) == BT_OK)
        return BT_EINVAL;
    memset(&c, 0, sizeof c);
    memcpy(c.proposer, m->proposer, 20);
    c.start_block = m->start_block;
    c.end_block = m->end_block;
    c.timestamp = now_s(a);
    return dlv_put_checkpoint(a, DLV_T_SYNC_BUFFER, m->root, 0, &c);
}

static bt_status p_record(struct dlv_application *a, const struct dlv_msg_event_record *m)
{
    struct dlv_key k;
    const uint8_t *v;
    size_t n;
    uint64_t seq, latest = 0;
    record_map_key(&k, m->root, m->id);
    if (dlv_state_get(&a->st, &k, &v, &n) == BT_OK)
        return BT_EINVAL;
    if (bts_dlvside_clerk_sequence(&seq, m->log.block_number, m->log.log_index,
                                   (uint64_t)m->root) != BT_OK ||
        dlv_has_sequence(a, SEQ_CLERK, seq))
        return BT_EINVAL;
    struct dlv_key lk;
    dlv_key_init(&lk, DLV_T_RECORD_LATEST);
    if (dlv_get_u64(a, &lk, &latest, 0) != BT_OK)
        latest = 0;
    struct dlv_record r;
    memset(&r, 0, sizeof r);
    r.id = latest + 1; /* one global sequence across root chains (§4.8) */
    memcpy(r.contract, m->contract, 20);
    r.data = m->data;
    r.data_len = m->data_len;
    memcpy(r.tx_hash, m->log.tx_hash, 32);
    r.log_index = m->log.log_index;
    memcpy(r.bor_chain_id, m->bor_chain_id, sizeof r.bor_chain_id);
    r.record_time_ms = a->cur_time_ms;
    r.root = m->root;
    struct bts_buf b;
    bts_buf_init(&b);
    struct dlv_key rk;
    dlv_key_init(&rk, DLV_T_RECORD);
    dlv_key_u64(&rk, r.id);
    bt_status st = dlv_record_encode(&b, &r);
    if (st == BT_OK)
        st = dlv_state_put(&a->st, &rk, b.data, b.len);
    bts_buf_free(&b);
    if (st == BT_OK)
        st = dlv_put_u64(a, &k, r.id);
    if (st == BT_OK)
        st = dlv_put_u64(a, &lk, r.id);
    if (st == BT_OK) {
        struct dlv_key tk;
        dlv_key_init(&tk, DLV_T_RECORD_TIME);
        dlv_key_u64(&tk, r.record_time_ms);
        dlv_key_u64(&tk, r.id);
        st = dlv_state_put(&a->st, &tk, (const uint8_t *)"", 0);
    }
    if (st == BT_OK)
        st = dlv_set_sequence(a, SEQ_CLERK, seq);
    return st;
}

bt_status dlv_post(struct dlv_application *a, const struct dlv_msg *m, const uint8_t tx_hash[32],
                   enum bts_dlvside_result r)
{
    /* Every post-handler of v1.0.9 applies only a Yes; No and Skip leave the state alone. */
    if (r != BTS_DLVSIDE_YES)
        return BT_EINVAL;
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN:
        return p_join(a, &m->u.join, tx_hash);
    case DLV_MSG_VALIDATOR_EXIT:
        return p_exit(a, &m->u.exit, tx_hash);
    case DLV_MSG_SIGNER_UPDATE:
        return p_signer(a, &m->u.signer_update, tx_hash);
    case DLV_MSG_STAKING_SYNC:
        return p_staking_sync(a, &m->u.staking_sync, 0);
    case DLV_MSG_STAKING_SYNC_ACK:
        return p_staking_sync(a, &m->u.staking_sync, 1);
    case DLV_MSG_TOPUP:
        return p_topup(a, &m->u.topup);
    case DLV_MSG_PROPOSE_SPAN:
        return p_span(a, &m->u.span);
    case DLV_MSG_CHECKPOINT:
        return p_checkpoint(a, &m->u.checkpoint);
    case DLV_MSG_CHECKPOINT_ACK:
        return p_ack(a, &m->u.ack);
    case DLV_MSG_CHECKPOINT_SYNC:
        return p_ckpt_sync(a, &m->u.ckpt_sync, 0);
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
        return p_ckpt_sync(a, &m->u.ckpt_sync, 1);
    case DLV_MSG_EVENT_RECORD:
        return p_record(a, &m->u.record);
    case DLV_MSG_CHECKPOINT_NOACK:
        break;
    }
    return BT_EINVAL;
}
