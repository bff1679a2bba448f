/* Delivery bridge: dlv_oracle.h implemented over the rootchain adapters (dlvb_oracle.h). Every
 * adapter query is a small context linked into the oracle until its callback arrives, so
 * cancel_all and free can silence callbacks that are still owed by the adapters. */
#include <stdlib.h>
#include <string.h>

#include "dlvb_oracle.h"

struct oq {
    struct dlvb_oracle *o;
    struct oq *prev, *next;
    int cancelled;
    dlv_oracle_done_fn done;
    void *arg;
    struct dlv_oracle_query q;
    const struct dlvb_oracle_chain *c;
};

#define NOTES 4096u

struct note {
    uint8_t tx_hash[32];
    uint64_t log_index, block;
    uint8_t root, used;
};

struct dlvb_oracle {
    struct note notes[NOTES]; /* ring of logs the listeners delivered */
    size_t next_note;
    struct dlvb_oracle_chain chains[DLV_ROOT_COUNT];
    int has[DLV_ROOT_COUNT];
    struct dlvb_local local;
    struct oq *pending;
    size_t n_pending;
    int dead;
};

bt_status dlvb_oracle_new(struct dlvb_oracle **out, const struct dlvb_oracle_chain *chains,
                          size_t n, const struct dlvb_local *local)
{
    *out = NULL;
    if (n > DLV_ROOT_COUNT || (n && !chains))
        return BT_EINVAL;
    struct dlvb_oracle *o = calloc(1, sizeof(*o));
    if (!o)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned r = (unsigned)chains[i].root;
        if (r == 0 || r >= DLV_ROOT_COUNT || o->has[r] || !chains[i].vt) {
            free(o);
            return BT_EINVAL;
        }
        o->chains[r] = chains[i];
        o->has[r] = 1;
    }
    o->local = *local;
    *out = o;
    return BT_OK;
}

static void cancel_all(void *self)
{
    struct dlvb_oracle *o = self;
    for (struct oq *q = o->pending; q; q = q->next)
        q->cancelled = 1;
}

void dlvb_oracle_free(struct dlvb_oracle *o)
{
    if (!o)
        return;
    cancel_all(o);
    if (o->n_pending) {
        o->dead = 1; /* the last callback frees it */
        return;
    }
    free(o);
}

void dlvb_oracle_note_log(struct dlvb_oracle *o, enum dlv_root root, const uint8_t tx_hash[32],
                          uint64_t log_index, uint64_t block_number)
{
    struct note *n = &o->notes[o->next_note++ % NOTES];
    memcpy(n->tx_hash, tx_hash, 32);
    n->log_index = log_index;
    n->block = block_number;
    n->root = (uint8_t)root;
    n->used = 1;
}

/* The block of a noted log, 0 if unknown (newest note first). */
static uint64_t noted_block(const struct dlvb_oracle *o, const struct dlv_oracle_query *q)
{
    for (size_t i = 0; i < NOTES; i++) {
        const struct note *n = &o->notes[(o->next_note + NOTES - 1 - i) % NOTES];
        if (!n->used)
            break;
        if (n->root == (uint8_t)q->root && n->log_index == q->log_index &&
            memcmp(n->tx_hash, q->tx_hash, 32) == 0)
            return n->block;
    }
    return 0;
}

size_t dlvb_oracle_pending(const struct dlvb_oracle *o)
{
    return o->n_pending;
}

static struct oq *oq_new(struct dlvb_oracle *o, const struct dlv_oracle_query *q,
                         const struct dlvb_oracle_chain *c, dlv_oracle_done_fn done, void *arg)
{
    struct oq *x = calloc(1, sizeof(*x));
    if (!x)
        return NULL;
    x->o = o;
    x->q = *q;
    x->c = c;
    x->done = done;
    x->arg = arg;
    x->next = o->pending;
    if (o->pending)
        o->pending->prev = x;
    o->pending = x;
    o->n_pending++;
    return x;
}

/* Unlink and free without answering (the adapter refused the call synchronously). */
static void oq_drop(struct oq *x)
{
    struct dlvb_oracle *o = x->o;
    if (x->prev)
        x->prev->next = x->next;
    else
        o->pending = x->next;
    if (x->next)
        x->next->prev = x->prev;
    o->n_pending--;
    free(x);
}

static void oq_finish(struct oq *x, const struct dlv_oracle_answer *a)
{
    struct dlvb_oracle *o = x->o;
    if (!x->cancelled)
        x->done(x->arg, a);
    oq_drop(x);
    if (o->dead && o->n_pending == 0)
        free(o);
}

static void oq_fail(struct oq *x, bt_status st)
{
    struct dlv_oracle_answer a = {.status = st};
    oq_finish(x, &a);
}

/* --- root-chain reads ----------------------------------------------------------------------- */

static void on_header(void *arg, bt_status st, uint64_t id, const struct dlvb_header_block *hb)
{
    (void)id;
    struct oq *x = arg;
    struct dlv_oracle_answer a = {.status = st};
    if (st == BT_OK && hb->created_at == 0)
        a.status = BT_ENOTFOUND; /* unset slot */
    if (a.status == BT_OK) {
        memcpy(a.header.root, hb->root, 32);
        a.header.start = hb->start;
        a.header.end = hb->end;
        a.header.created_at = hb->created_at;
        memcpy(a.header.proposer, hb->proposer, 20);
    }
    oq_finish(x, &a);
}

static void on_u64(void *arg, bt_status st, uint64_t v)
{
    struct dlv_oracle_answer a = {.status = st, .number = v};
    oq_finish(arg, &a);
}

static void on_block_logs(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n)
{
    struct oq *x = arg;
    if (st != BT_OK) {
        oq_fail(x, st);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct bt_rootchain_log *l = &logs[i];
        if (l->log_index != x->q.log_index || memcmp(l->tx_hash, x->q.tx_hash, 32) != 0)
            continue;
        struct dlv_oracle_answer a = {.status = BT_OK};
        memcpy(a.log.address, l->address, 20);
        a.log.n_topics = l->n_topics > DLV_LOG_TOPICS_MAX ? DLV_LOG_TOPICS_MAX : l->n_topics;
        memcpy(a.log.topics, l->topics, 32 * a.log.n_topics);
        a.log.data = l->data;
        a.log.data_len = l->data_len;
        a.log.block_number = l->block_number;
        oq_finish(x, &a);
        return;
    }
    oq_fail(x, BT_ENOTFOUND);
}

static void on_eth_block(void *arg, bt_status st, const struct bt_rootchain_block *b)
{
    struct oq *x = arg;
    struct dlv_oracle_answer a = {.status = st};
    if (st == BT_OK && (!b || b->number != x->q.a))
        a.status = BT_EPROTO; /* another block than asked: never a seed */
    if (a.status == BT_OK)
        memcpy(a.hash, b->hash, 32);
    oq_finish(x, &a);
}

/* Receipt logs and the span seed are read only from a block confirmed on its chain. */
static void on_heights(void *arg, bt_status st, uint64_t head, uint64_t finalized)
{
    struct oq *x = arg;
    if (st != BT_OK) {
        oq_fail(x, st);
        return;
    }
    uint64_t block = x->q.a;
    uint64_t conf = x->c->confirmations;
    if (block > finalized || (conf && (head < conf || head - conf < block))) {
        oq_fail(x, BT_EBUSY); /* not confirmed yet: Skip, the next validator round retries */
        return;
    }
    if (x->q.kind == DLV_Q_ETH_BLOCK_HASH) {
        st = x->c->vt->get_block(x->c->self, block, on_eth_block, x);
    } else {
        struct bt_rootchain_filter f = {
            .struct_size = sizeof(f), .from_block = block, .to_block = block};
        st = x->c->vt->get_logs(x->c->self, &f, on_block_logs, x);
    }
    if (st != BT_OK)
        oq_fail(x, st);
}

/* --- the query entry ------------------------------------------------------------------------ */

static bt_status answer_local(struct dlvb_oracle *o, const struct dlv_oracle_query *q,
                              dlv_oracle_done_fn done, void *arg)
{
    struct dlv_oracle_answer a = {0};
    if (q->kind == DLV_Q_BTTC_HEAD) {
        a.status = o->local.head(o->local.arg, &a.number);
    } else {
        uint64_t head = 0;
        a.status = o->local.head(o->local.arg, &head);
        if (a.status == BT_OK && (q->b > head || q->a > q->b))
            a.status = BT_ENOTFOUND;
        if (a.status == BT_OK)
            a.status = o->local.root_hash(o->local.arg, q->a, q->b, a.hash);
    }
    done(arg, &a);
    return BT_OK;
}

static bt_status query(void *self, const struct dlv_oracle_query *q, dlv_oracle_done_fn done,
                       void *arg)
{
    struct dlvb_oracle *o = self;
    const struct dlvb_oracle_chain *c = NULL;
    switch (q->kind) {
    case DLV_Q_BTTC_HEAD:
    case DLV_Q_BTTC_ROOT_HASH:
        return answer_local(o, q, done, arg);
    case DLV_Q_ETH_BLOCK_HASH:
        /* The seed always comes from Ethereum, whatever chain holds the staking (§4.5.2).
         * A network without Ethereum (a TRON-only dev net; upstream has none) takes it from
         * its TRON chain instead: every validator reads the same chain, so the seed is still
         * common, and spans after span 0 can be frozen at all. */
        if (o->has[DLV_ROOT_ETH])
            c = &o->chains[DLV_ROOT_ETH];
        else if (o->has[DLV_ROOT_TRON])
            c = &o->chains[DLV_ROOT_TRON];
        else
            return BT_ENOTFOUND;
        if (!BT_HAS(struct bt_rootchain_vtbl, c->vt, get_block))
            return BT_ENOTSUP; /* an adapter built before the entry */
        break;
    case DLV_Q_HEADER_BLOCK:
    case DLV_Q_RECEIPT_LOG:
    case DLV_Q_VALIDATOR_NONCE:
        if ((unsigned)q->root == 0 || (unsigned)q->root >= DLV_ROOT_COUNT || !o->has[q->root])
            return BT_ENOTFOUND;
        c = &o->chains[q->root];
        break;
    case DLV_Q_SYNCED_CHECKPOINT:
        if (!o->has[DLV_ROOT_TRON])
            return BT_ENOTFOUND;
        c = &o->chains[DLV_ROOT_TRON];
        break;
    }
    if (!c)
        return BT_EINVAL;
    struct dlv_oracle_query qq = *q;
    if (qq.kind == DLV_Q_RECEIPT_LOG && qq.a == 0 && (qq.a = noted_block(o, q)) == 0) {
        struct dlv_oracle_answer a = {.status = BT_EBUSY}; /* not seen here yet: Skip */
        done(arg, &a);
        return BT_OK;
    }
    struct oq *x = oq_new(o, &qq, c, done, arg);
    if (!x)
        return BT_ENOMEM;
    bt_status st = BT_EINVAL;
    switch (q->kind) {
    case DLV_Q_HEADER_BLOCK:
        st = dlvb_read_header(c->vt, c->self, c->root_chain, qq.a, on_header, x);
        break;
    case DLV_Q_RECEIPT_LOG:
    case DLV_Q_ETH_BLOCK_HASH:
        st = c->vt->heights(c->self, on_heights, x);
        break;
    case DLV_Q_VALIDATOR_NONCE:
        st = dlvb_read_u64(c->vt, c->self, c->stake_manager, dlvb_sel_validator_nonce, 1, qq.a,
                           on_u64, x);
        break;
    case DLV_Q_SYNCED_CHECKPOINT:
        st = dlvb_read_u64(c->vt, c->self, c->stake_manager, dlvb_sel_synced_checkpoint, 1, qq.a,
                           on_u64, x);
        break;
    case DLV_Q_BTTC_HEAD:
    case DLV_Q_BTTC_ROOT_HASH:
        break;
    }
    if (st != BT_OK)
        oq_drop(x);
    return st;
}

const struct dlv_oracle_iface dlvb_oracle_iface = {
    .struct_size = sizeof(struct dlv_oracle_iface),
    .query = query,
    .cancel_all = cancel_all,
};
