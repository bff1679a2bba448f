/* A fake rootchain adapter (abi/bt/rootchain.h) for the bridge tests: it holds logs and the
 * state of RootChain / StakeManager views, answers every call later (callbacks are queued and
 * run by fake_run, as the loop would), refuses or fails calls on demand and records what was
 * sent. Header-only: each test file includes it once. */
#ifndef TEST_DLVBRIDGE_FAKE_H
#define TEST_DLVBRIDGE_FAKE_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <bt/rootchain.h>
#include <bts/solabi.h>
#include <bts/test.h>

#define FAKE_MAX_LOGS    128
#define FAKE_MAX_PENDING 64
#define FAKE_MAX_HB      16

enum fake_op { FAKE_HEIGHTS = 1, FAKE_LOGS, FAKE_CALL, FAKE_SEND, FAKE_BLOCK };

struct fake_pending {
    enum fake_op op;
    void *cb;
    void *arg;
    uint64_t from, to; /* FAKE_LOGS */
    size_t n_addrs;    /* FAKE_LOGS: address filter (0: any) */
    uint8_t addrs[4][20];
    size_t n_t0; /* FAKE_LOGS: topic0 filter (0: any) */
    uint8_t t0[8][32];
    uint8_t call[64]; /* FAKE_CALL: call data */
    size_t call_len;
    uint8_t to_addr[20];
    uint64_t number; /* FAKE_BLOCK */
};

struct fake_hb {
    uint8_t root[32];
    uint64_t start, end, created_at;
    uint8_t proposer[20];
};

struct fake_rc {
    uint32_t type;
    uint64_t head, finalized;
    /* logs held by the chain (data points into data[i]) */
    struct bt_rootchain_log logs[FAKE_MAX_LOGS];
    uint8_t data[FAKE_MAX_LOGS][512];
    size_t n_logs;
    /* contract state */
    uint64_t current_header;        /* currentHeaderBlock() */
    struct fake_hb hb[FAKE_MAX_HB]; /* headerBlocks(i * 10000) */
    uint64_t last_child;            /* getLastChildBlock() */
    uint64_t nonce;                 /* validatorNonce(any) */
    uint64_t synced;                /* getCurrentSyncedCheckpoint(any) */
    /* faults */
    int refuse_next;      /* next call returns BT_EIO synchronously */
    int fail_next_cb;     /* next callback carries BT_EIO */
    uint64_t max_range;   /* get_logs answers BT_ERANGE above this span (0: none) */
    uint32_t send_status; /* receipt tx_status for sends */
    /* records */
    struct fake_pending q[FAKE_MAX_PENDING];
    size_t n_q;
    uint64_t ranges[64][2];
    size_t n_ranges;
    size_t n_calls, n_sends;
    uint8_t sent[4096];
    size_t sent_len;
    uint8_t sent_to[20];
    char sent_key[64];
};

static inline uint32_t fake_chain_type(void *self)
{
    return ((struct fake_rc *)self)->type;
}

static inline bt_status fake_enqueue(struct fake_rc *f, const struct fake_pending *p)
{
    if (f->refuse_next) {
        f->refuse_next = 0;
        return BT_EIO;
    }
    CU_ASSERT_FATAL(f->n_q < FAKE_MAX_PENDING);
    f->q[f->n_q++] = *p;
    return BT_OK;
}

static inline bt_status fake_heights(void *self, bt_rootchain_heights_fn cb, void *arg)
{
    struct fake_pending p = {.op = FAKE_HEIGHTS, .cb = (void *)cb, .arg = arg};
    return fake_enqueue(self, &p);
}

static inline bt_status fake_get_logs(void *self, const struct bt_rootchain_filter *flt,
                                      bt_rootchain_logs_fn cb, void *arg)
{
    struct fake_pending p = {.op = FAKE_LOGS, .cb = (void *)cb, .arg = arg};
    p.from = flt->from_block;
    p.to = flt->to_block;
    CU_ASSERT_FATAL(flt->n_addresses <= 4 && flt->n_topics[0] <= 8);
    p.n_addrs = flt->n_addresses;
    for (size_t i = 0; i < flt->n_addresses; i++)
        memcpy(p.addrs[i], flt->addresses[i], 20);
    p.n_t0 = flt->topics[0] ? flt->n_topics[0] : 0;
    for (size_t i = 0; i < p.n_t0; i++)
        memcpy(p.t0[i], flt->topics[0][i], 32);
    return fake_enqueue(self, &p);
}

static inline bt_status fake_call(void *self, const uint8_t to[20], const uint8_t *data, size_t len,
                                  uint64_t block, bt_rootchain_call_fn cb, void *arg)
{
    (void)block;
    struct fake_pending p = {.op = FAKE_CALL, .cb = (void *)cb, .arg = arg};
    CU_ASSERT_FATAL(len <= sizeof(p.call));
    memcpy(p.call, data, len);
    p.call_len = len;
    memcpy(p.to_addr, to, 20);
    return fake_enqueue(self, &p);
}

static inline bt_status fake_send(void *self, const struct bt_rootchain_send_req *req,
                                  bt_rootchain_receipt_fn cb, void *arg)
{
    struct fake_rc *f = self;
    struct fake_pending p = {.op = FAKE_SEND, .cb = (void *)cb, .arg = arg};
    bt_status st = fake_enqueue(f, &p);
    if (st != BT_OK)
        return st;
    CU_ASSERT_FATAL(req->data_len <= sizeof(f->sent));
    memcpy(f->sent, req->data, req->data_len);
    f->sent_len = req->data_len;
    memcpy(f->sent_to, req->to, 20);
    snprintf(f->sent_key, sizeof(f->sent_key), "%s", req->key_id);
    f->n_sends++;
    return BT_OK;
}

/* Block n's hash: n in the first 8 bytes, 0xb1 after (parent: the same of n - 1). */
static inline void fake_block_hash(uint8_t out[32], uint64_t n)
{
    memset(out, 0xb1, 32);
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(n >> (56 - 8 * i));
}

static inline bt_status fake_get_block(void *self, uint64_t number, bt_rootchain_block_fn cb,
                                       void *arg)
{
    struct fake_pending p = {.op = FAKE_BLOCK, .cb = (void *)cb, .arg = arg, .number = number};
    return fake_enqueue(self, &p);
}

static inline bt_status fake_status(void *self, struct bt_rootchain_status *out)
{
    (void)self;
    (void)out;
    return BT_ENOTSUP;
}

static inline const char *fake_error_message(void *self)
{
    (void)self;
    return "fake failure";
}

static const struct bt_rootchain_vtbl fake_vtbl = {
    .struct_size = sizeof(struct bt_rootchain_vtbl),
    .chain_type = fake_chain_type,
    .heights = fake_heights,
    .get_logs = fake_get_logs,
    .call = fake_call,
    .send = fake_send,
    .status = fake_status,
    .error_message = fake_error_message,
    .get_block = fake_get_block,
};

/* The same adapter as built before get_block was appended (its table ends at error_message). */
static const struct bt_rootchain_vtbl fake_vtbl_old = {
    .struct_size = offsetof(struct bt_rootchain_vtbl, get_block),
    .chain_type = fake_chain_type,
    .heights = fake_heights,
    .get_logs = fake_get_logs,
    .call = fake_call,
    .send = fake_send,
    .status = fake_status,
    .error_message = fake_error_message,
    .get_block = fake_get_block, /* beyond struct_size: must not be called */
};

/* Add a log to the chain. */
static inline struct bt_rootchain_log *fake_add_log(struct fake_rc *f, const uint8_t addr[20],
                                                    uint64_t block, uint32_t log_index,
                                                    const uint8_t (*topics)[32], uint32_t n_topics,
                                                    const uint8_t *data, size_t data_len)
{
    CU_ASSERT_FATAL(f->n_logs < FAKE_MAX_LOGS && data_len <= 512 && n_topics <= 4);
    struct bt_rootchain_log *l = &f->logs[f->n_logs];
    memset(l, 0, sizeof(*l));
    memcpy(l->address, addr, 20);
    l->n_topics = n_topics;
    memcpy(l->topics, topics, 32 * (size_t)n_topics);
    if (data_len)
        memcpy(f->data[f->n_logs], data, data_len);
    l->data = f->data[f->n_logs];
    l->data_len = data_len;
    l->block_number = block;
    l->log_index = log_index;
    memset(l->tx_hash, 0, 32);
    l->tx_hash[0] = (uint8_t)(block >> 8);
    l->tx_hash[1] = (uint8_t)block;
    l->tx_hash[31] = (uint8_t)log_index;
    f->n_logs++;
    return l;
}

static inline int fake_log_matches(const struct fake_pending *p, const struct bt_rootchain_log *l)
{
    if (l->block_number < p->from || l->block_number > p->to)
        return 0;
    int ok = p->n_addrs == 0;
    for (size_t i = 0; i < p->n_addrs; i++)
        ok |= memcmp(p->addrs[i], l->address, 20) == 0;
    if (!ok)
        return 0;
    if (p->n_t0 == 0)
        return 1;
    for (size_t i = 0; i < p->n_t0; i++)
        if (l->n_topics && memcmp(p->t0[i], l->topics[0], 32) == 0)
            return 1;
    return 0;
}

static inline void fake_answer_call(struct fake_rc *f, const struct fake_pending *p, uint8_t *out,
                                    size_t *out_len)
{
    static const uint8_t chb[4] = {0xec, 0x7e, 0x48, 0x55}, hbs[4] = {0x41, 0x53, 0x9d, 0x4a},
                         lcb[4] = {0xb8, 0x7e, 0x1b, 0x66}, vn[4] = {0xeb, 0xde, 0x9f, 0x93},
                         scp[4] = {0xd1, 0xc4, 0x07, 0xad};
    uint64_t arg = 0;
    if (p->call_len == 36)
        CU_ASSERT(bts_solabi_word_to_u64(&arg, p->call + 4) == BT_OK);
    *out_len = 32;
    memset(out, 0, 160);
    if (memcmp(p->call, chb, 4) == 0) {
        bts_solabi_word_u64(out, f->current_header);
    } else if (memcmp(p->call, lcb, 4) == 0) {
        bts_solabi_word_u64(out, f->last_child);
    } else if (memcmp(p->call, vn, 4) == 0) {
        bts_solabi_word_u64(out, f->nonce);
    } else if (memcmp(p->call, scp, 4) == 0) {
        bts_solabi_word_u64(out, f->synced);
    } else if (memcmp(p->call, hbs, 4) == 0) {
        *out_len = 160;
        uint64_t i = arg / 10000;
        if (arg % 10000 == 0 && i < FAKE_MAX_HB) {
            const struct fake_hb *h = &f->hb[i];
            memcpy(out, h->root, 32);
            bts_solabi_word_u64(out + 32, h->start);
            bts_solabi_word_u64(out + 64, h->end);
            bts_solabi_word_u64(out + 96, h->created_at);
            bts_solabi_word_address(out + 128, h->proposer);
        }
    } else {
        CU_FAIL("fake: unknown selector");
    }
}

/* Run one queued callback (FIFO). Returns 0 when the queue is empty. */
static inline int fake_step(struct fake_rc *f)
{
    if (f->n_q == 0)
        return 0;
    struct fake_pending p = f->q[0];
    memmove(f->q, f->q + 1, (f->n_q - 1) * sizeof(f->q[0]));
    f->n_q--;
    bt_status st = BT_OK;
    if (f->fail_next_cb) {
        f->fail_next_cb = 0;
        st = BT_EIO;
    }
    switch (p.op) {
    case FAKE_HEIGHTS:
        ((bt_rootchain_heights_fn)p.cb)(p.arg, st, f->head, f->finalized);
        break;
    case FAKE_LOGS: {
        if (st == BT_OK && f->n_ranges < 64) {
            f->ranges[f->n_ranges][0] = p.from;
            f->ranges[f->n_ranges][1] = p.to;
            f->n_ranges++;
        }
        if (st == BT_OK && f->max_range && p.to - p.from + 1 > f->max_range)
            st = BT_ERANGE;
        static struct bt_rootchain_log out[FAKE_MAX_LOGS];
        size_t n = 0;
        for (size_t i = 0; st == BT_OK && i < f->n_logs; i++)
            if (fake_log_matches(&p, &f->logs[i]))
                out[n++] = f->logs[i];
        ((bt_rootchain_logs_fn)p.cb)(p.arg, st, st == BT_OK ? out : NULL, st == BT_OK ? n : 0);
        break;
    }
    case FAKE_CALL: {
        uint8_t out[160];
        size_t n = 0;
        f->n_calls++;
        if (st == BT_OK)
            fake_answer_call(f, &p, out, &n);
        ((bt_rootchain_call_fn)p.cb)(p.arg, st, st == BT_OK ? out : NULL, n);
        break;
    }
    case FAKE_SEND: {
        struct bt_rootchain_receipt r = {.struct_size = sizeof(r),
                                         .tx_status = f->send_status ? f->send_status
                                                                     : BT_ROOTCHAIN_TX_SUCCESS,
                                         .block_number = f->head + 1};
        memset(r.tx_hash, 0xab, 32);
        ((bt_rootchain_receipt_fn)p.cb)(p.arg, st, st == BT_OK ? &r : NULL);
        break;
    }
    case FAKE_BLOCK: {
        struct bt_rootchain_block b = {.struct_size = sizeof(b), .number = p.number};
        if (st == BT_OK && p.number > f->head)
            st = BT_ENOTFOUND;
        fake_block_hash(b.hash, p.number);
        fake_block_hash(b.parent_hash, p.number - 1);
        b.timestamp = 1600000000 + 12 * p.number;
        ((bt_rootchain_block_fn)p.cb)(p.arg, st, st == BT_OK ? &b : NULL);
        break;
    }
    }
    return 1;
}

/* Run queued callbacks until none is left (callbacks may queue more). */
static inline void fake_run(struct fake_rc *f)
{
    for (int guard = 0; fake_step(f); guard++)
        CU_ASSERT_FATAL(guard < 100000);
}

#endif /* TEST_DLVBRIDGE_FAKE_H */
