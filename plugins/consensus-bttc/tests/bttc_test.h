/* Test support for consensus-bttc: a fake "chain" service over in-memory headers that answers
 * the genesis-contract calls from programmable values, a fake "storage" service, test keys, a
 * block builder that seals with them, and an instance set up on the mock host. Included by
 * each test file (static functions). */
#ifndef BTTC_TEST_H
#define BTTC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/mockhost.h>
#include <bts/rlp.h>
#include <bts/secp.h>
#include <bts/test.h>

#include "bttc_int.h"

#define FC_MAX  1100
#define FC_KEYS 5

struct fake_chain {
    uint8_t *rlp[FC_MAX];
    size_t len[FC_MAX];
    uint8_t hash[FC_MAX][32];
    size_t n;             /* canonical 0..n-1 */
    uint8_t *side_rlp[8]; /* known non-canonical headers */
    size_t side_len[8];
    uint8_t side_hash[8][32];
    size_t n_side;
    struct bts_validator vals[FC_KEYS]; /* getBorValidators answer, any order */
    size_t n_vals;
    uint64_t span[3];
    uint64_t last_state_id;
    unsigned validator_calls;
};

static uint8_t tk_sec[FC_KEYS][32];
static uint8_t tk_addr[FC_KEYS][20];

/* Test keys 1..5 (as scalars), and their addresses. */
static inline void tk_init(void)
{
    for (int i = 0; i < FC_KEYS; i++) {
        memset(tk_sec[i], 0, 32);
        tk_sec[i][31] = (uint8_t)(i + 1);
        tk_sec[i][0] = 0x11;
        CU_ASSERT_FATAL(bts_secp_seckey_to_address(tk_addr[i], tk_sec[i]) == BT_OK);
    }
}

static inline void fc_release(struct bt_value *v)
{
    free((void *)v->data);
}

static inline void fc_give(struct bt_value *out, const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (n)
        memcpy(c, p, n);
    out->data = c;
    out->len = n;
    out->release = fc_release;
}

static inline bt_status fc_head(void *self, uint64_t *out_number, uint8_t out_hash[32])
{
    struct fake_chain *c = self;
    if (c->n == 0)
        return BT_ENOTFOUND;
    *out_number = c->n - 1;
    memcpy(out_hash, c->hash[c->n - 1], 32);
    return BT_OK;
}

static inline bt_status fc_by_number(void *self, uint64_t number, struct bt_value *out)
{
    struct fake_chain *c = self;
    if (number >= c->n)
        return BT_ENOTFOUND;
    fc_give(out, c->rlp[number], c->len[number]);
    return BT_OK;
}

static inline bt_status fc_by_hash(void *self, const uint8_t hash[32], struct bt_value *out)
{
    struct fake_chain *c = self;
    for (size_t i = c->n; i-- > 0;)
        if (memcmp(c->hash[i], hash, 32) == 0) {
            fc_give(out, c->rlp[i], c->len[i]);
            return BT_OK;
        }
    for (size_t i = 0; i < c->n_side; i++)
        if (memcmp(c->side_hash[i], hash, 32) == 0) {
            fc_give(out, c->side_rlp[i], c->side_len[i]);
            return BT_OK;
        }
    return BT_ENOTFOUND;
}

static inline void put_word(uint8_t *w, uint64_t v)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(v >> (8 * i));
}

static inline bt_status fc_call(void *self, const uint8_t block_hash[32], const uint8_t *from20,
                                const uint8_t to[20], const uint8_t *data, size_t data_len,
                                uint64_t gas, struct bt_value *output, uint32_t *out_reverted)
{
    struct fake_chain *c = self;
    (void)from20;
    (void)to;
    (void)gas;
    (void)block_hash;
    *out_reverted = 0;
    uint8_t buf[64 + 2 * 32 * (FC_KEYS + 1)];
    size_t n = 0;
    if (data_len >= 4 && memcmp(data, "\x0c\x35\xb1\xcb", 4) == 0) {
        c->validator_calls++;
        size_t k = c->n_vals;
        put_word(buf, 64);
        put_word(buf + 32, 64 + 32 + 32 * k);
        put_word(buf + 64, k);
        for (size_t i = 0; i < k; i++) {
            memset(buf + 96 + 32 * i, 0, 12);
            memcpy(buf + 96 + 32 * i + 12, c->vals[i].address, 20);
        }
        put_word(buf + 96 + 32 * k, k);
        for (size_t i = 0; i < k; i++)
            put_word(buf + 128 + 32 * k + 32 * i, (uint64_t)c->vals[i].power);
        n = 128 + 64 * k;
    } else if (data_len >= 4 && memcmp(data, "\xaf\x26\xaa\x96", 4) == 0) {
        for (int i = 0; i < 3; i++)
            put_word(buf + 32 * i, c->span[i]);
        n = 96;
    } else if (data_len >= 4 && memcmp(data, "\x54\x07\xca\x67", 4) == 0) {
        put_word(buf, c->last_state_id);
        n = 32;
    } else {
        *out_reverted = 1;
    }
    fc_give(output, buf, n);
    return BT_OK;
}

static const struct bt_chain_iface fc_iface = {
    .struct_size = sizeof(struct bt_chain_iface),
    .head = fc_head,
    .header_by_number = fc_by_number,
    .header_by_hash = fc_by_hash,
    .call = fc_call,
};

static inline void fc_push(struct fake_chain *c, const uint8_t *rlp, size_t len)
{
    CU_ASSERT_FATAL(c->n < FC_MAX);
    c->rlp[c->n] = malloc(len);
    memcpy(c->rlp[c->n], rlp, len);
    c->len[c->n] = len;
    bts_keccak256(c->hash[c->n], rlp, len);
    c->n++;
}

static inline void fc_free(struct fake_chain *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->rlp[i]);
    for (size_t i = 0; i < c->n_side; i++)
        free(c->side_rlp[i]);
    free(c);
}

/* --- headers --------------------------------------------------------------------------------- */

static const char EMPTY_UNCLES_HEX[] =
    "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

/* A header template: the given parent/number/time, empty uncles, difficulty d. */
static inline void hdr_init(struct bts_header *h, const uint8_t parent[32], uint64_t number,
                            uint64_t time, uint64_t d)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->parent_hash.bytes, parent, 32);
    uint8_t *u = bts_test_unhex(EMPTY_UNCLES_HEX, NULL);
    memcpy(h->uncle_hash.bytes, u, 32);
    free(u);
    h->difficulty = bts_u256_from_u64(d);
    h->number = number;
    h->gas_limit = 20000000;
    h->time = time;
}

/* Encode `h` with extra = 32 zero bytes || validators || seal by key `key` (-1: zero seal).
 * Returns a malloc'd RLP. */
static uint8_t *hdr_seal(struct bts_header *h, const struct bts_validator *vals, size_t k, int key,
                         size_t *out_len)
{
    size_t elen = 32 + 40 * k + 65;
    uint8_t *extra = calloc(1, elen);
    for (size_t i = 0; i < k; i++) {
        memcpy(extra + 32 + 40 * i, vals[i].address, 20);
        for (int j = 0; j < 8; j++)
            extra[32 + 40 * i + 39 - j] = (uint8_t)((uint64_t)vals[i].power >> (8 * j));
    }
    h->extra = extra;
    h->extra_len = elen;
    if (key >= 0) {
        uint8_t digest[32];
        CU_ASSERT_FATAL(bts_header_bor_seal_hash(digest, h, 0) == BT_OK);
        CU_ASSERT_FATAL(bts_secp_sign(extra + elen - 65, tk_sec[key], digest) == BT_OK);
    }
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_FATAL(bts_header_encode(&b, h) == BT_OK);
    free(extra);
    h->extra = NULL;
    h->extra_len = 0;
    return bts_buf_detach(&b, out_len);
}

/* The ABI view of an encoded header; the decoded copy is kept in *keep (free with bttc_hdr_free).
 */
static inline void abi_of(struct bt_header *out, struct bttc_hdr *keep, const uint8_t *rlp,
                          size_t len)
{
    CU_ASSERT_FATAL(bttc_hdr_from_rlp(keep, rlp, len) == BT_OK);
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    memcpy(out->hash, keep->hash, 32);
    memcpy(out->parent_hash, keep->h.parent_hash.bytes, 32);
    memcpy(out->uncle_hash, keep->h.uncle_hash.bytes, 32);
    memcpy(out->state_root, keep->h.state_root.bytes, 32);
    memcpy(out->tx_root, keep->h.tx_root.bytes, 32);
    memcpy(out->receipt_root, keep->h.receipt_root.bytes, 32);
    bts_u256_store_be(out->difficulty, &keep->h.difficulty);
    out->number = keep->h.number;
    out->gas_limit = keep->h.gas_limit;
    out->gas_used = keep->h.gas_used;
    out->time = keep->h.time;
    out->extra = keep->h.extra;
    out->extra_len = keep->h.extra_len;
    memcpy(out->mix_digest, keep->h.mix_hash.bytes, 32);
    out->rlp = keep->rlp;
    out->rlp_len = keep->rlp_len;
}

/* --- the instance ------------------------------------------------------------------------------
 */

struct fixture {
    struct bts_mockhost *m;
    struct fake_chain *c;
    struct bttc *b;
    uint64_t t0; /* genesis time */
};

/* Validators 0..n_vals-1 of the test keys, power 1 each. */
static inline void fc_set_vals(struct fake_chain *c, size_t n_vals)
{
    c->n_vals = n_vals;
    for (size_t i = 0; i < n_vals; i++) {
        memcpy(c->vals[i].address, tk_addr[i], 20);
        c->vals[i].power = 1;
        c->vals[i].priority = 0;
    }
}

/* The sorted order of the test addresses 0..n-1: order[i] = key index of the i-th lowest. */
static inline void tk_sorted(size_t n, int *order)
{
    for (size_t i = 0; i < n; i++)
        order[i] = (int)i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (memcmp(tk_addr[order[j]], tk_addr[order[i]], 20) < 0) {
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
}

static inline void fixture_conf(struct fixture *f)
{
    bts_mockhost_conf_set(f->m, "chain", "devnet");
    bts_mockhost_conf_set(f->m, "sprint", "4");
}

/* Start an instance over a fresh chain holding only a genesis block. Extra conf keys may be set
 * on f->m before (pass preset=1). */
static inline void fixture_start(struct fixture *f, int preset)
{
    if (!preset) {
        memset(f, 0, sizeof(*f));
        f->m = bts_mockhost_new();
        fixture_conf(f);
    }
    tk_init();
    bts_mockhost_use_log(f->m, BT_LOG_DEBUG);
    bts_mockhost_use_conf(f->m);
    bts_mockhost_use_timers(f->m);
    bts_mockhost_use_services(f->m);
    bts_mockhost_use(f->m, BTS_MOCK_DATADIR);
    bts_mockhost_set_datadir(f->m, "/tmp");
    if (!f->c) {
        f->c = calloc(1, sizeof(*f->c));
        fc_set_vals(f->c, 3);
        f->c->span[2] = 255;
        f->t0 = bts_mockhost_host(f->m)->wall_ms(bts_mockhost_ctx(f->m)) / 1000 - 100000;
        uint8_t zero[32] = {0};
        struct bts_header g;
        hdr_init(&g, zero, 0, f->t0, 1);
        size_t len;
        uint8_t *rlp = hdr_seal(&g, NULL, 0, -1, &len);
        fc_push(f->c, rlp, len);
        free(rlp);
    }
    CU_ASSERT_FATAL(bts_mockhost_service_add(f->m, "chain", &fc_iface, f->c) == BT_OK);
    void *self = NULL;
    bt_status st = bttc_create(bts_mockhost_host(f->m), bts_mockhost_ctx(f->m), &self);
    if (st != BT_OK)
        fprintf(stderr, "create: %s\n", bts_mockhost_error(f->m));
    CU_ASSERT_FATAL(st == BT_OK);
    f->b = self;
}

static inline bt_status fixture_rpc_register_ok(struct bt_host_ctx *h, const char *method,
                                                bt_rpc_fn fn, void *arg)
{
    (void)h;
    (void)method;
    (void)fn;
    (void)arg;
    return BT_OK;
}

/* start(): unless the test scripted rpc_register itself (patch_rpc 0), accept registrations. */
static inline void fixture_started(struct fixture *f, int patch_rpc)
{
    if (patch_rpc)
        bts_mockhost_table(f->m)->rpc_register = fixture_rpc_register_ok;
    CU_ASSERT_FATAL(bttc_start(f->b) == BT_OK);
}

static inline void fixture_free(struct fixture *f)
{
    bttc_destroy(f->b);
    bts_mockhost_free(f->m);
    fc_free(f->c);
    memset(f, 0, sizeof(*f));
}

/* Append a block on the canonical head sealed by `key` at parent time + dt with difficulty d;
 * sprint-end blocks carry the contract's list. Returns the number. */
static inline uint64_t fc_add_block(struct fixture *f, int key, uint64_t dt, uint64_t d)
{
    struct fake_chain *c = f->c;
    struct bttc_hdr parent;
    CU_ASSERT_FATAL(bttc_hdr_from_rlp(&parent, c->rlp[c->n - 1], c->len[c->n - 1]) == BT_OK);
    uint64_t number = parent.h.number + 1;
    struct bts_header h;
    hdr_init(&h, parent.hash, number, parent.h.time + dt, d);
    struct bts_validator sorted[FC_KEYS];
    size_t k = 0;
    if ((number + 1) % f->b->p.sprint == 0) {
        memcpy(sorted, c->vals, c->n_vals * sizeof(*sorted));
        k = c->n_vals;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                if (memcmp(sorted[j].address, sorted[i].address, 20) < 0) {
                    struct bts_validator t = sorted[i];
                    sorted[i] = sorted[j];
                    sorted[j] = t;
                }
    }
    size_t len;
    uint8_t *rlp = hdr_seal(&h, sorted, k, key, &len);
    fc_push(c, rlp, len);
    free(rlp);
    bttc_hdr_free(&parent);
    return number;
}

#endif /* BTTC_TEST_H */
