/* This validator's side checks (PROTOCOL.md §4.1 step 2): per side message, the facts to read
 * through the oracle (dlv_oracle.h), the expected values captured from the committed state,
 * and the comparison that yields Yes (every fact matches) or Skip (anything else, as upstream's
 * ErrorSideTx). Sources: bttcprotocol/delivery@v1.0.9:{staking,topup,bor,checkpoint,clerk}/
 * side_handler.go; event layouts bttcprotocol/contracts@0443fdc StakingInfo.sol, StateSender.sol.
 */
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>

#include "dlv_app_int.h"

enum { R_HEAD = 1, R_HASH, R_HEADER, R_LOG, R_NUMBER };

/* topic0 of the StakingInfo / StateSender events (keccak of the signatures, §4.3.2, §4.8). */
static const char *const T_STAKED =
    "0x68c13e4125b983d7e2d6114246f443e567ec6c4ee5b4d4a7ef6100b1402bfd84";
static const char *const T_UNSTAKE_INIT =
    "0x69b288bb79cd5386c9fe0af060f650e823bcdfa96a44cdc07f862db060f57120";
static const char *const T_SIGNER_CHANGE =
    "0x086044c0612a8c965d4cccd907f0d588e40ad68438bd4c1274cac60f4c3a9d1f";
static const char *const T_TOPUP_FEE =
    "0x2c3bb5458e3dd671c31974c4ca8e8ebc2cdd892ae8602374d9a6f789b00c6b94";
static const char *const T_STATE_SYNCED =
    "0x103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392";

static int topic_is(const struct dlv_log *l, size_t i, const char *hex)
{
    uint8_t t[32];
    if (i >= l->n_topics || bts_hex_parse_hash(t, hex, strlen(hex)) != BT_OK)
        return 0;
    return memcmp(l->topics[i], t, 32) == 0;
}

/* A 32-byte word equal to a u64 / an address. */
static int word_eq_u64(const uint8_t w[32], uint64_t v)
{
    for (int i = 0; i < 24; i++)
        if (w[i])
            return 0;
    for (int i = 0; i < 8; i++)
        if (w[24 + i] != (uint8_t)(v >> (56 - 8 * i)))
            return 0;
    return 1;
}

static int word_eq_addr(const uint8_t w[32], const uint8_t a[20])
{
    for (int i = 0; i < 12; i++)
        if (w[i])
            return 0;
    return memcmp(w + 12, a, 20) == 0;
}

static const uint8_t *data_word(const struct dlv_log *l, size_t i)
{
    return l->data_len >= 32 * (i + 1) ? l->data + 32 * i : NULL;
}

/* The ABI `bytes` whose offset sits in data word i. */
static const uint8_t *data_bytes(const struct dlv_log *l, size_t i, size_t *len)
{
    const uint8_t *w = data_word(l, i);
    uint64_t off = 0, n = 0;
    if (!w)
        return NULL;
    for (int k = 0; k < 24; k++)
        if (w[k])
            return NULL;
    for (int k = 24; k < 32; k++)
        off = off << 8 | w[k];
    if (off > l->data_len || l->data_len - off < 32)
        return NULL;
    const uint8_t *lw = l->data + off;
    for (int k = 0; k < 24; k++)
        if (lw[k])
            return NULL;
    for (int k = 24; k < 32; k++)
        n = n << 8 | lw[k];
    if (n > l->data_len - off - 32)
        return NULL;
    *len = (size_t)n;
    return lw + 32;
}

static int addr_ok(const uint8_t want[20], const uint8_t got[20])
{
    static const uint8_t zero[20];
    return memcmp(want, zero, 20) == 0 || memcmp(want, got, 20) == 0;
}

static int check_log(const struct dlv_application *a, const struct dlv_msg *m,
                     const struct dlv_log *l)
{
    const uint8_t *w;
    const uint8_t *b;
    size_t blen;
    uint8_t signer[20];
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN: {
        const struct dlv_msg_validator_join *j = &m->u.join;
        if (!addr_ok(a->p.root[DLV_ROOT_TRON].staking_info, l->address) ||
            !topic_is(l, 0, T_STAKED) || l->n_topics != 4 ||
            bts_secp_pubkey_to_address(signer, j->pub_key, 65) != BT_OK ||
            !word_eq_addr(l->topics[1], signer) || !word_eq_u64(l->topics[2], j->id) ||
            !word_eq_u64(l->topics[3], j->activation_epoch) ||
            l->block_number != j->log.block_number)
            return 0;
        if (!(w = data_word(l, 0)) || !word_eq_u64(w, j->nonce) || !(w = data_word(l, 1)) ||
            memcmp(w, j->amount, 32) != 0)
            return 0;
        b = data_bytes(l, 3, &blen);
        return b && blen == 64 && memcmp(b, j->pub_key + 1, 64) == 0;
    }
    case DLV_MSG_VALIDATOR_EXIT: {
        const struct dlv_msg_validator_exit *x = &m->u.exit;
        return addr_ok(a->p.root[DLV_ROOT_TRON].staking_info, l->address) &&
               topic_is(l, 0, T_UNSTAKE_INIT) && l->n_topics == 4 &&
               word_eq_u64(l->topics[2], x->id) && l->block_number == x->log.block_number &&
               (w = data_word(l, 0)) && word_eq_u64(w, x->nonce) && (w = data_word(l, 1)) &&
               word_eq_u64(w, x->deactivation_epoch);
    }
    case DLV_MSG_SIGNER_UPDATE: {
        const struct dlv_msg_signer_update *s = &m->u.signer_update;
        if (!addr_ok(a->p.root[DLV_ROOT_TRON].staking_info, l->address) ||
            !topic_is(l, 0, T_SIGNER_CHANGE) || l->n_topics != 4 ||
            !word_eq_u64(l->topics[1], s->id) ||
            bts_secp_pubkey_to_address(signer, s->new_pub_key, 65) != BT_OK ||
            !word_eq_addr(l->topics[3], signer) || l->block_number != s->log.block_number ||
            !(w = data_word(l, 0)) || !word_eq_u64(w, s->nonce))
            return 0;
        b = data_bytes(l, 1, &blen);
        return b && blen == 64 && memcmp(b, s->new_pub_key + 1, 64) == 0;
    }
    case DLV_MSG_TOPUP: {
        const struct dlv_msg_topup *t = &m->u.topup;
        return addr_ok(a->p.root[DLV_ROOT_TRON].staking_info, l->address) &&
               topic_is(l, 0, T_TOPUP_FEE) && l->n_topics == 3 &&
               word_eq_addr(l->topics[1], t->user) && memcmp(l->topics[2], t->fee, 32) == 0 &&
               l->block_number == t->log.block_number;
    }
    case DLV_MSG_EVENT_RECORD: {
        const struct dlv_msg_event_record *r = &m->u.record;
        if (!addr_ok(a->p.root[r->root].state_sender, l->address) ||
            !topic_is(l, 0, T_STATE_SYNCED) || l->n_topics != 3 ||
            !word_eq_u64(l->topics[1], r->id) || !word_eq_addr(l->topics[2], r->contract))
            return 0;
        b = data_bytes(l, 0, &blen);
        return b && blen == r->data_len && (blen == 0 || memcmp(b, r->data, blen) == 0);
    }
    case DLV_MSG_STAKING_SYNC:
    case DLV_MSG_STAKING_SYNC_ACK:
    case DLV_MSG_PROPOSE_SPAN:
    case DLV_MSG_CHECKPOINT:
    case DLV_MSG_CHECKPOINT_ACK:
    case DLV_MSG_CHECKPOINT_NOACK:
    case DLV_MSG_CHECKPOINT_SYNC:
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
        break;
    }
    return 0;
}

static int evaluate(const struct dlv_check *c)
{
    const struct dlv_msg *m = &c->msg;
    if (c->failed)
        return 0;
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN:
    case DLV_MSG_VALIDATOR_EXIT:
    case DLV_MSG_SIGNER_UPDATE:
    case DLV_MSG_TOPUP:
    case DLV_MSG_EVENT_RECORD:
        return c->log_ok;
    case DLV_MSG_PROPOSE_SPAN:
        /* seed == nextSpanSeed() and last.start <= Bttc head <= last.end (§4.5.1) */
        return memcmp(c->hash, m->u.span.seed, 32) == 0 && c->exp_a <= c->head &&
               c->head <= c->exp_b;
    case DLV_MSG_CHECKPOINT: {
        const struct dlv_msg_checkpoint *k = &m->u.checkpoint;
        /* Bttc has block end + confirmations; the root over [start, end] matches (§4.6.2). */
        return c->head >= k->end_block + c->exp_a && memcmp(c->hash, k->root_hash, 32) == 0 &&
               k->end_block - k->start_block + 1 <= c->exp_b;
    }
    case DLV_MSG_CHECKPOINT_ACK: {
        const struct dlv_msg_checkpoint_ack *k = &m->u.ack;
        return c->header.start == k->start_block && c->header.end == k->end_block &&
               memcmp(c->header.proposer, k->proposer, 20) == 0 &&
               memcmp(c->header.root, k->root_hash, 32) == 0;
    }
    case DLV_MSG_CHECKPOINT_SYNC: {
        const struct dlv_msg_checkpoint_sync *k = &m->u.ckpt_sync;
        return c->header.start == k->start_block && c->header.end == k->end_block &&
               memcmp(c->header.proposer, k->proposer, 20) == 0;
    }
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
        return m->u.ckpt_sync.number <= c->number;
    case DLV_MSG_STAKING_SYNC:
        return c->number < m->u.staking_sync.nonce;
    case DLV_MSG_STAKING_SYNC_ACK:
        return c->number >= m->u.staking_sync.nonce;
    case DLV_MSG_CHECKPOINT_NOACK:
        break;
    }
    return 0;
}

static void finish(struct dlv_check *c)
{
    struct dlv_application *a = c->app;
    c->done = 1;
    c->result = evaluate(c) ? BTS_DLVSIDE_YES : BTS_DLVSIDE_SKIP;
    memset(c->sig, 0, sizeof c->sig);
    if (c->result != BTS_DLVSIDE_YES || !a->sign)
        return;
    struct bts_buf b;
    bts_buf_init(&b);
    /* Signed: keccak(byte(result) ‖ side-sign bytes), only where there are sign bytes. */
    if (bts_buf_append_byte(&b, c->result) == BT_OK &&
        dlv_msg_side_sign_bytes(&b, &c->msg) == BT_OK && b.len > 1) {
        uint8_t digest[32];
        bts_keccak256(digest, b.data, b.len);
        if (a->sign(a->sign_ctx, digest, c->sig) != BT_OK)
            memset(c->sig, 0, sizeof c->sig);
    }
    bts_buf_free(&b);
}

static void on_answer(void *arg, const struct dlv_oracle_answer *ans)
{
    struct dlv_qarg *q = arg;
    struct dlv_check *c = q->c;
    if (ans->status != BT_OK) {
        c->failed = 1;
    } else {
        switch (q->role) {
        case R_HEAD:
        case R_NUMBER:
            if (q->role == R_HEAD)
                c->head = ans->number;
            else
                c->number = ans->number;
            break;
        case R_HASH:
            memcpy(c->hash, ans->hash, 32);
            break;
        case R_HEADER:
            c->header = ans->header;
            break;
        case R_LOG:
            c->log_ok = check_log(c->app, &c->msg, &ans->log);
            break;
        }
    }
    if (--c->outstanding == 0)
        finish(c);
}

static void ask(struct dlv_check *c, int slot, int role, enum dlv_oracle_kind kind,
                enum dlv_root root, uint64_t qa, uint64_t qb, const struct dlv_msg_log_ref *log)
{
    struct dlv_application *a = c->app;
    struct dlv_oracle_query q;
    memset(&q, 0, sizeof q);
    q.kind = kind;
    q.root = root;
    q.a = qa;
    q.b = qb;
    if (log) {
        memcpy(q.tx_hash, log->tx_hash, 32);
        q.log_index = log->log_index;
        /* The adapters read logs by block range, not receipts by hash: the oracle needs the
         * msg's block number to find the log (dlv_oracle.h: `a` of DLV_Q_RECEIPT_LOG). */
        q.a = log->block_number;
    }
    c->qarg[slot].c = c;
    c->qarg[slot].role = role;
    c->outstanding++;
    if (!a->oracle || a->oracle->query(a->oracle_self, &q, on_answer, &c->qarg[slot]) != BT_OK) {
        c->failed = 1;
        c->outstanding--;
    }
}

bt_status dlv_side_start(struct dlv_application *a, uint64_t height, const uint8_t tx_hash[32],
                         const struct dlv_msg *m)
{
    struct dlv_check *c = calloc(1, sizeof *c);
    if (!c)
        return BT_ENOMEM;
    bt_status st = dlv_msg_copy(&c->msg, m);
    if (st != BT_OK) {
        free(c);
        return st;
    }
    c->app = a;
    c->height = height;
    memcpy(c->tx_hash, tx_hash, 32);
    c->next = a->checks;
    a->checks = c;
    /* Hold one reference while the queries are issued so a synchronous oracle cannot finish
     * the check half-way. */
    c->outstanding = 1;
    switch (m->type) {
    case DLV_MSG_VALIDATOR_JOIN:
        ask(c, 0, R_LOG, DLV_Q_RECEIPT_LOG, DLV_ROOT_TRON, 0, 0, &m->u.join.log);
        break;
    case DLV_MSG_VALIDATOR_EXIT:
        ask(c, 0, R_LOG, DLV_Q_RECEIPT_LOG, DLV_ROOT_TRON, 0, 0, &m->u.exit.log);
        break;
    case DLV_MSG_SIGNER_UPDATE:
        ask(c, 0, R_LOG, DLV_Q_RECEIPT_LOG, DLV_ROOT_TRON, 0, 0, &m->u.signer_update.log);
        break;
    case DLV_MSG_TOPUP:
        ask(c, 0, R_LOG, DLV_Q_RECEIPT_LOG, DLV_ROOT_TRON, 0, 0, &m->u.topup.log);
        break;
    case DLV_MSG_EVENT_RECORD:
        ask(c, 0, R_LOG, DLV_Q_RECEIPT_LOG, m->u.record.root, 0, 0, &m->u.record.log);
        break;
    case DLV_MSG_PROPOSE_SPAN: {
        struct dlv_span_rec last;
        struct dlv_key k;
        uint64_t last_eth = 0;
        dlv_key_init(&k, DLV_T_LAST_ETH);
        if (dlv_get_u64(a, &k, &last_eth, 1) != BT_OK)
            last_eth = 0;
        if (dlv_latest_span(a, &last, 1) == BT_OK) {
            c->exp_a = last.start_block;
            c->exp_b = last.end_block;
            dlv_span_rec_free(&last);
            ask(c, 0, R_HASH, DLV_Q_ETH_BLOCK_HASH, 0, last_eth + 1, 0, NULL);
            ask(c, 1, R_HEAD, DLV_Q_BTTC_HEAD, 0, 0, 0, NULL);
        } else {
            c->failed = 1;
        }
        break;
    }
    case DLV_MSG_CHECKPOINT:
        c->exp_a = a->p.bttc_confirmations;
        c->exp_b = a->p.max_checkpoint_length;
        ask(c, 0, R_HEAD, DLV_Q_BTTC_HEAD, 0, 0, 0, NULL);
        ask(c, 1, R_HASH, DLV_Q_BTTC_ROOT_HASH, 0, m->u.checkpoint.start_block,
            m->u.checkpoint.end_block, NULL);
        break;
    case DLV_MSG_CHECKPOINT_ACK:
        ask(c, 0, R_HEADER, DLV_Q_HEADER_BLOCK, m->u.ack.root,
            m->u.ack.number * a->p.child_block_interval, 0, NULL);
        break;
    case DLV_MSG_CHECKPOINT_SYNC:
        ask(c, 0, R_HEADER, DLV_Q_HEADER_BLOCK, m->u.ckpt_sync.root,
            m->u.ckpt_sync.number * a->p.child_block_interval, 0, NULL);
        break;
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
        ask(c, 0, R_NUMBER, DLV_Q_SYNCED_CHECKPOINT, DLV_ROOT_TRON, (uint64_t)m->u.ckpt_sync.root,
            0, NULL);
        break;
    case DLV_MSG_STAKING_SYNC:
    case DLV_MSG_STAKING_SYNC_ACK:
        ask(c, 0, R_NUMBER, DLV_Q_VALIDATOR_NONCE, m->u.staking_sync.root, m->u.staking_sync.id, 0,
            NULL);
        break;
    case DLV_MSG_CHECKPOINT_NOACK:
        c->failed = 1;
        break;
    }
    if (--c->outstanding == 0)
        finish(c);
    return BT_OK;
}

static void free_check(struct dlv_check *c)
{
    dlv_msg_free(&c->msg);
    free(c);
}

void dlv_side_free_all(struct dlv_application *a)
{
    while (a->checks) {
        struct dlv_check *c = a->checks;
        a->checks = c->next;
        free_check(c);
    }
}

void dlv_side_prune(struct dlv_application *a, uint64_t below_height)
{
    /* Finished checks of old heights go; a check still waiting for the oracle stays (its
     * callback holds a pointer into it). */
    for (struct dlv_check **pp = &a->checks; *pp;) {
        struct dlv_check *c = *pp;
        if (c->height < below_height && c->done) {
            *pp = c->next;
            free_check(c);
        } else {
            pp = &c->next;
        }
    }
}
