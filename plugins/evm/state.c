/* The transaction's view of the state: an account and storage cache over the host's read-only
 * view, and the journal that undoes a reverted frame's changes (Yellow Paper section 8, the
 * substate; EIP-2929 access sets; EIP-1153 transient storage). Every change goes through here
 * so that snapshots (journal lengths) revert exactly. */
#include "evm_int.h"

#include <stdlib.h>

const uint8_t evm_empty_code_hash[32] = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static uint64_t addr_hash(const uint8_t a[20])
{
    uint64_t x, y;
    memcpy(&x, a + 4, 8);
    memcpy(&y, a + 12, 8);
    return (x ^ (y * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
}

static uint64_t key_hash(const struct bts_u256 *k)
{
    uint64_t h = k->w[0] * 0x9e3779b97f4a7c15ull;
    h ^= k->w[1] * 0xc2b2ae3d27d4eb4full;
    h ^= k->w[2] * 0x165667b19e3779f9ull;
    h ^= k->w[3] * 0x27d4eb2f165667c5ull;
    return h ^ (h >> 29);
}

int evm_state_init(struct evm_ctx *c)
{
    c->acct_cap = 64;
    c->acct_tab = calloc(c->acct_cap, sizeof(*c->acct_tab));
    return c->acct_tab != NULL;
}

static void accounts_release(struct evm_ctx *c)
{
    for (uint32_t i = 0; i < c->acct_n; i++) {
        struct evm_account *a = evm_acct_at(c, i);
        if (a->code_val.release)
            a->code_val.release(&a->code_val);
        free(a->own_code);
        free(a->slots);
        free(a->tslots);
    }
}

void evm_state_free(struct evm_ctx *c)
{
    accounts_release(c);
    for (uint32_t i = 0; i < c->n_chunks; i++)
        free(c->chunks[i]);
    free(c->chunks);
    free(c->acct_tab);
    free(c->jr);
}

/* Journal entries kept between executions (bigger journals are freed). */
#define JOURNAL_KEEP 4096

int evm_state_reset(struct evm_ctx *c)
{
    accounts_release(c);
    /* The first chunk, the initial table and the journal stay for the next transaction of the
     * pooled context: most transactions touch a handful of accounts. Accounts are cleared
     * when they are taken (evm_acct). */
    for (uint32_t i = 1; i < c->n_chunks; i++)
        free(c->chunks[i]);
    c->n_chunks = c->n_chunks ? 1 : 0;
    c->acct_n = 0;
    if (c->acct_cap == 64) {
        memset(c->acct_tab, 0, 64 * sizeof(*c->acct_tab));
    } else {
        free(c->acct_tab);
        if (!evm_state_init(c))
            return 0;
    }
    if (c->jr_cap > JOURNAL_KEEP) {
        free(c->jr);
        c->jr = NULL;
        c->jr_cap = 0;
    }
    c->jr_n = 0;
    return 1;
}

static int journal(struct evm_ctx *c, uint32_t kind, uint32_t acct, const struct bts_u256 *key,
                   const struct bts_u256 *old, uint32_t idx, uint32_t flags)
{
    if (c->jr_n == c->jr_cap) {
        size_t n = c->jr_cap ? c->jr_cap * 2 : 256;
        struct evm_journal *j = realloc(c->jr, n * sizeof(*j));
        if (!j) {
            c->io_error = 2;
            return 0;
        }
        c->jr = j;
        c->jr_cap = n;
    }
    struct evm_journal *e = &c->jr[c->jr_n++];
    e->kind = kind;
    e->acct = acct;
    e->idx = idx;
    e->flags = flags;
    if (key)
        e->key = *key;
    if (old)
        e->old = *old;
    return 1;
}

static int acct_tab_insert(struct evm_ctx *c, uint32_t idx)
{
    uint32_t mask = c->acct_cap - 1;
    uint64_t h = addr_hash(evm_acct_at(c, idx)->addr);
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        if (!c->acct_tab[i]) {
            c->acct_tab[i] = idx + 1;
            return 1;
        }
    }
}

struct evm_account *evm_acct(struct evm_ctx *c, const uint8_t addr[20])
{
    uint32_t mask = c->acct_cap - 1;
    uint64_t h = addr_hash(addr);
    for (uint32_t i = (uint32_t)h & mask; c->acct_tab[i]; i = (i + 1) & mask) {
        struct evm_account *a = evm_acct_at(c, c->acct_tab[i] - 1);
        if (memcmp(a->addr, addr, 20) == 0)
            return a;
    }
    /* Not cached: read it from the host. */
    if ((c->acct_n + 1) * 2 > c->acct_cap) {
        uint32_t ncap = c->acct_cap * 2;
        uint32_t *nt = calloc(ncap, sizeof(*nt));
        if (!nt) {
            c->io_error = 2;
            return NULL;
        }
        free(c->acct_tab);
        c->acct_tab = nt;
        c->acct_cap = ncap;
        for (uint32_t k = 0; k < c->acct_n; k++)
            acct_tab_insert(c, k);
    }
    if (c->acct_n / EVM_ACCT_CHUNK == c->n_chunks) {
        struct evm_account **nc = realloc(c->chunks, (c->n_chunks + 1) * sizeof(*nc));
        if (!nc) {
            c->io_error = 2;
            return NULL;
        }
        c->chunks = nc;
        c->chunks[c->n_chunks] = calloc(EVM_ACCT_CHUNK, sizeof(struct evm_account));
        if (!c->chunks[c->n_chunks]) {
            c->io_error = 2;
            return NULL;
        }
        c->n_chunks++;
    }
    uint32_t idx = c->acct_n;
    struct evm_account *a = evm_acct_at(c, idx);
    memset(a, 0, sizeof(*a));
    memcpy(a->addr, addr, 20);
    a->idx = idx;
    uint8_t bal[32];
    bt_status st = c->st->get_account(c->st_ctx, addr, &a->nonce, bal, a->code_hash);
    if (st == BT_OK) {
        a->exists = 1;
        bts_u256_load_be(&a->balance, bal);
    } else if (st == BT_ENOTFOUND) {
        a->nonce = 0;
        memcpy(a->code_hash, evm_empty_code_hash, 32);
    } else {
        c->io_error = 1;
        return NULL;
    }
    a->orig_nonce = a->nonce;
    a->orig_balance = a->balance;
    a->orig_exists = a->exists;
    c->acct_n++;
    acct_tab_insert(c, idx);
    return a;
}

const uint8_t *evm_acct_code(struct evm_ctx *c, struct evm_account *a, size_t *out_len)
{
    if (!a->code_loaded) {
        a->code = NULL;
        a->code_len = 0;
        if (a->exists && memcmp(a->code_hash, evm_empty_code_hash, 32) != 0) {
            if (c->st->get_code(c->st_ctx, a->addr, &a->code_val) != BT_OK) {
                c->io_error = 1;
                a->code_val.release = NULL;
                *out_len = 0;
                return NULL;
            }
            a->code = a->code_val.data;
            a->code_len = a->code_val.len;
        }
        a->code_loaded = 1;
    }
    *out_len = a->code_len;
    return a->code;
}

int evm_acct_is_empty(const struct evm_account *a)
{
    return a->nonce == 0 && bts_u256_is_zero(&a->balance) &&
           memcmp(a->code_hash, evm_empty_code_hash, 32) == 0;
}

int evm_acct_is_dead(const struct evm_account *a)
{
    return !a->exists || evm_acct_is_empty(a);
}

static struct evm_slot *slot_find(struct evm_account *a, const struct bts_u256 *key)
{
    if (!a->slot_cap)
        return NULL;
    uint32_t mask = a->slot_cap - 1;
    for (uint32_t i = (uint32_t)key_hash(key) & mask; a->slots[i].used; i = (i + 1) & mask) {
        if (bts_u256_eq(&a->slots[i].key, key))
            return &a->slots[i];
    }
    return NULL;
}

static struct evm_slot *slot_insert(struct evm_account *a, const struct bts_u256 *key)
{
    if ((a->slot_n + 1) * 2 > a->slot_cap) {
        uint32_t ncap = a->slot_cap ? a->slot_cap * 2 : 16;
        struct evm_slot *ns = calloc(ncap, sizeof(*ns));
        if (!ns)
            return NULL;
        for (uint32_t k = 0; k < a->slot_cap; k++) {
            if (!a->slots[k].used)
                continue;
            uint32_t i = (uint32_t)key_hash(&a->slots[k].key) & (ncap - 1);
            while (ns[i].used)
                i = (i + 1) & (ncap - 1);
            ns[i] = a->slots[k];
        }
        free(a->slots);
        a->slots = ns;
        a->slot_cap = ncap;
    }
    uint32_t mask = a->slot_cap - 1, i = (uint32_t)key_hash(key) & mask;
    while (a->slots[i].used)
        i = (i + 1) & mask;
    a->slots[i].used = 1;
    a->slots[i].key = *key;
    a->slot_n++;
    return &a->slots[i];
}

struct evm_slot *evm_slot(struct evm_ctx *c, struct evm_account *a, const struct bts_u256 *key)
{
    struct evm_slot *s = slot_find(a, key);
    if (s)
        return s;
    struct bts_u256 v = {{0, 0, 0, 0}};
    if (!a->created && a->exists) {
        uint8_t k[32], out[32];
        bts_u256_store_be(k, key);
        if (c->st->get_storage(c->st_ctx, a->addr, k, out) != BT_OK) {
            c->io_error = 1;
            return NULL;
        }
        bts_u256_load_be(&v, out);
    }
    s = slot_insert(a, key);
    if (!s) {
        c->io_error = 2;
        return NULL;
    }
    s->orig = v;
    s->cur = v;
    s->warm = 0;
    return s;
}

void evm_slot_set(struct evm_ctx *c, struct evm_account *a, struct evm_slot *s,
                  const struct bts_u256 *v)
{
    journal(c, J_STORAGE, a->idx, &s->key, &s->cur, 0, 0);
    s->cur = *v;
    evm_touch(c, a);
}

static struct evm_tslot *tslot_find(struct evm_account *a, const struct bts_u256 *key, int add)
{
    if (a->tslot_cap) {
        uint32_t mask = a->tslot_cap - 1;
        for (uint32_t i = (uint32_t)key_hash(key) & mask; a->tslots[i].used; i = (i + 1) & mask) {
            if (bts_u256_eq(&a->tslots[i].key, key))
                return &a->tslots[i];
        }
    }
    if (!add)
        return NULL;
    if ((a->tslot_n + 1) * 2 > a->tslot_cap) {
        uint32_t ncap = a->tslot_cap ? a->tslot_cap * 2 : 8;
        struct evm_tslot *ns = calloc(ncap, sizeof(*ns));
        if (!ns)
            return NULL;
        for (uint32_t k = 0; k < a->tslot_cap; k++) {
            if (!a->tslots[k].used)
                continue;
            uint32_t i = (uint32_t)key_hash(&a->tslots[k].key) & (ncap - 1);
            while (ns[i].used)
                i = (i + 1) & (ncap - 1);
            ns[i] = a->tslots[k];
        }
        free(a->tslots);
        a->tslots = ns;
        a->tslot_cap = ncap;
    }
    uint32_t mask = a->tslot_cap - 1, i = (uint32_t)key_hash(key) & mask;
    while (a->tslots[i].used)
        i = (i + 1) & mask;
    a->tslots[i].used = 1;
    a->tslots[i].key = *key;
    memset(&a->tslots[i].val, 0, sizeof(a->tslots[i].val));
    a->tslot_n++;
    return &a->tslots[i];
}

struct bts_u256 evm_tload(struct evm_account *a, const struct bts_u256 *key)
{
    struct evm_tslot *t = tslot_find(a, key, 0);
    if (t)
        return t->val;
    struct bts_u256 z = {{0, 0, 0, 0}};
    return z;
}

int evm_tstore(struct evm_ctx *c, struct evm_account *a, const struct bts_u256 *key,
               const struct bts_u256 *v)
{
    struct evm_tslot *t = tslot_find(a, key, 1);
    if (!t) {
        c->io_error = 2;
        return 0;
    }
    journal(c, J_TSTORAGE, a->idx, key, &t->val, 0, 0);
    t->val = *v;
    return 1;
}

void evm_set_balance(struct evm_ctx *c, struct evm_account *a, const struct bts_u256 *v)
{
    journal(c, J_BALANCE, a->idx, NULL, &a->balance, 0, 0);
    a->balance = *v;
    evm_touch(c, a);
}

void evm_set_nonce(struct evm_ctx *c, struct evm_account *a, uint64_t n)
{
    struct bts_u256 old = bts_u256_from_u64(a->nonce);
    journal(c, J_NONCE, a->idx, NULL, &old, 0, 0);
    a->nonce = n;
    evm_touch(c, a);
}

#define SAVE_EXISTS  1u
#define SAVE_CREATED 2u

void evm_touch(struct evm_ctx *c, struct evm_account *a)
{
    if (!a->exists) {
        /* Any change brings a missing account into being (it may be removed again as
         * touched-and-empty at the end, EIP-161). */
        journal(c, J_CREATE, a->idx, NULL, NULL, 0, a->created ? SAVE_CREATED : 0);
        a->exists = 1;
    }
    if (a->touched)
        return;
    journal(c, J_TOUCH, a->idx, NULL, NULL, 0, 0);
    a->touched = 1;
}

int evm_warm_account(struct evm_ctx *c, struct evm_account *a)
{
    if (a->warm)
        return 0;
    journal(c, J_WARM_ACCOUNT, a->idx, NULL, NULL, 0, 0);
    a->warm = 1;
    return 1;
}

int evm_warm_slot(struct evm_ctx *c, struct evm_account *a, struct evm_slot *s)
{
    if (s->warm)
        return 0;
    journal(c, J_WARM_SLOT, a->idx, &s->key, NULL, 0, 0);
    s->warm = 1;
    return 1;
}

void evm_create_account(struct evm_ctx *c, struct evm_account *a)
{
    uint32_t f = (a->exists ? SAVE_EXISTS : 0) | (a->created ? SAVE_CREATED : 0);
    journal(c, J_CREATE, a->idx, NULL, NULL, 0, f);
    a->exists = 1;
    a->created = 1;
    /* A new contract starts with empty storage: forget what the cache read before. */
    for (uint32_t i = 0; i < a->slot_cap; i++) {
        struct evm_slot *s = &a->slots[i];
        if (s->used && !bts_u256_is_zero(&s->cur)) {
            struct bts_u256 z = {{0, 0, 0, 0}};
            journal(c, J_STORAGE, a->idx, &s->key, &s->cur, 0, 0);
            s->cur = z;
        }
    }
    evm_touch(c, a);
}

void evm_destruct(struct evm_ctx *c, struct evm_account *a)
{
    if (a->destructed)
        return;
    journal(c, J_DESTRUCT, a->idx, NULL, NULL, 0, 0);
    a->destructed = 1;
}

int evm_set_code(struct evm_ctx *c, struct evm_account *a, const uint8_t *code, size_t len)
{
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy) {
            c->io_error = 2;
            return 0;
        }
        memcpy(copy, code, len);
    }
    /* Deployed code is never replaced within a transaction except after a revert, which
     * restores the previous (empty) code; keep the old buffer alive until the end. */
    journal(c, J_CODE, a->idx, NULL, NULL, 0, 0);
    free(a->own_code);
    a->own_code = copy;
    a->code = copy;
    a->code_len = len;
    a->code_loaded = 1;
    a->code_set = 1;
    bts_keccak256(a->code_hash, code, len);
    evm_touch(c, a);
    return 1;
}

void evm_add_refund(struct evm_ctx *c, int64_t delta)
{
    struct bts_u256 old = bts_u256_from_u64((uint64_t)c->refund);
    journal(c, J_REFUND, 0, NULL, &old, 0, 0);
    c->refund += delta;
}

int evm_add_log(struct evm_ctx *c, const uint8_t addr[20], const uint8_t (*topics)[32],
                uint32_t n_topics, const uint8_t *data, size_t len)
{
    if (c->n_logs == c->logs_cap) {
        size_t n = c->logs_cap ? c->logs_cap * 2 : 16;
        struct evm_logrec *l = realloc(c->logs, n * sizeof(*l));
        if (!l) {
            c->io_error = 2;
            return 0;
        }
        c->logs = l;
        c->logs_cap = n;
    }
    if (c->logdata_len + len > c->logdata_cap) {
        size_t n = c->logdata_cap ? c->logdata_cap : 1024;
        while (n < c->logdata_len + len)
            n *= 2;
        uint8_t *d = realloc(c->logdata, n);
        if (!d) {
            c->io_error = 2;
            return 0;
        }
        c->logdata = d;
        c->logdata_cap = n;
    }
    journal(c, J_LOG, 0, NULL, NULL, (uint32_t)c->n_logs, 0);
    struct evm_logrec *l = &c->logs[c->n_logs++];
    memcpy(l->address, addr, 20);
    l->n_topics = n_topics;
    for (uint32_t i = 0; i < n_topics; i++)
        memcpy(l->topics[i], topics[i], 32);
    l->data_off = c->logdata_len;
    l->data_len = len;
    if (len)
        memcpy(c->logdata + c->logdata_len, data, len);
    c->logdata_len += len;
    return 1;
}

static int is_ripemd(const uint8_t a[20])
{
    static const uint8_t r[20] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
    return memcmp(a, r, 20) == 0;
}

size_t evm_snapshot(const struct evm_ctx *c)
{
    return c->jr_n;
}

void evm_revert(struct evm_ctx *c, size_t snap)
{
    while (c->jr_n > snap) {
        struct evm_journal *e = &c->jr[--c->jr_n];
        struct evm_account *a = evm_acct_at(c, e->acct);
        switch ((enum evm_journal_kind)e->kind) {
        case J_BALANCE:
            a->balance = e->old;
            break;
        case J_NONCE:
            a->nonce = e->old.w[0];
            break;
        case J_STORAGE:
            slot_find(a, &e->key)->cur = e->old;
            break;
        case J_TSTORAGE:
            tslot_find(a, &e->key, 0)->val = e->old;
            break;
        case J_WARM_ACCOUNT:
            a->warm = 0;
            break;
        case J_WARM_SLOT:
            slot_find(a, &e->key)->warm = 0;
            break;
        case J_TOUCH:
            /* go-ethereum keeps RIPEMD-160's touch across reverts (the mainnet block 2675119
             * consensus quirk, core/state/journal.go); the state tests encode it. */
            if (!is_ripemd(a->addr))
                a->touched = 0;
            break;
        case J_CREATE:
            a->exists = (e->flags & SAVE_EXISTS) != 0;
            a->created = (e->flags & SAVE_CREATED) != 0;
            break;
        case J_DESTRUCT:
            a->destructed = 0;
            break;
        case J_CODE:
            free(a->own_code);
            a->own_code = NULL;
            a->code = NULL;
            a->code_len = 0;
            a->code_set = 0;
            memcpy(a->code_hash, evm_empty_code_hash, 32);
            break;
        case J_LOG:
            c->n_logs = e->idx;
            break;
        case J_REFUND:
            c->refund = (int64_t)e->old.w[0];
            break;
        }
    }
}
