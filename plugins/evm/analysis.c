/* Code analysis (Yellow Paper section 9.4.3, D(c)) and its caches.
 *
 * One analysis per (code hash, fork) holds, in one allocation:
 * - the code with 32 zero bytes before it and 33 after, so PUSHn reads its immediate as whole
 *   64-bit words and the interpreter runs off the end into STOP without bounds checks;
 * - the JUMPDEST bitmap (JUMPDEST opcodes that are not PUSH immediates);
 * - the basic blocks: for each block start, the block's summed constant gas, the stack items
 *   it needs on entry and its highest stack growth, so the interpreter checks the stack and
 *   charges constant gas once per block instead of once per instruction.
 *
 * Charging a whole block on entry is legal because a block runs to its end unless an
 * exceptional halt occurs, and an exceptional halt consumes all the frame's gas and reverts
 * the frame whichever instruction raises it. Blocks therefore end after every instruction that
 * can stop the frame normally or change control flow (STOP, RETURN, REVERT, SELFDESTRUCT,
 * JUMP, JUMPI, undefined opcodes) and after those that observe the exact remaining gas (GAS,
 * SSTORE's EIP-2200 sentry, CALL*, CREATE*: EIP-150's 63/64 rule); each JUMPDEST starts one.
 * A block holding an undefined opcode is poisoned (its stack need can never be met): it would
 * halt exceptionally anyway.
 *
 * Analyses live in the execution's own table; with an engine they are also shared between
 * executions and threads (refcounted, bounded by EVM_CODE_CACHE_BYTES). */
#include "evm_int.h"

#include <pthread.h>
#include <stdlib.h>

#define POISON_REQ 0x7fff

/* Instructions after which a new block starts. */
static int ends_block(uint8_t op)
{
    switch (op) {
    case 0x00: /* STOP */
    case 0x55: /* SSTORE: EIP-2200 sentry reads the exact gas */
    case 0x56: /* JUMP */
    case 0x57: /* JUMPI */
    case 0x5a: /* GAS */
    case 0xf0: /* CREATE */
    case 0xf1: /* CALL */
    case 0xf2: /* CALLCODE */
    case 0xf3: /* RETURN */
    case 0xf4: /* DELEGATECALL */
    case 0xf5: /* CREATE2 */
    case 0xfa: /* STATICCALL */
    case 0xfd: /* REVERT */
    case 0xff: /* SELFDESTRUCT */
        return 1;
    }
    return 0;
}

struct blk_acc {
    size_t start;
    uint64_t gas;
    int32_t h, req, grow;
    int poison;
};

static void blk_close(struct evm_code *c, struct blk_acc *b, size_t next)
{
    if (b->start <= c->len) {
        struct evm_block *e = &c->blk[b->start];
        e->gas = b->gas > UINT32_MAX ? UINT32_MAX : (uint32_t)b->gas;
        e->req = (int16_t)(b->poison || b->req > EVM_STACK_MAX ? POISON_REQ : b->req);
        e->grow = (int16_t)(b->grow > EVM_STACK_MAX ? EVM_STACK_MAX + 1 : b->grow);
    }
    memset(b, 0, sizeof(*b));
    b->start = next;
}

struct evm_code *evm_code_analyse(const uint8_t *code, size_t len, const struct evm_optab *t,
                                  uint32_t fork)
{
    size_t bm = (len / 64 + 1) * sizeof(uint64_t);
    size_t bl = (len + 1) * sizeof(struct evm_block);
    size_t pad = (EVM_CODE_PRE + len + EVM_CODE_POST + 7) & ~(size_t)7;
    size_t total = sizeof(struct evm_code) + bm + bl + pad;
    struct evm_code *c = calloc(1, total);
    if (!c)
        return NULL;
    c->len = len;
    c->fork = fork;
    c->bytes = total;
    c->jumpdest = (uint64_t *)(c + 1);
    c->blk = (struct evm_block *)((uint8_t *)c->jumpdest + bm);
    c->padded = (uint8_t *)c->blk + bl + EVM_CODE_PRE;
    if (len)
        memcpy(c->padded, code, len);
    struct blk_acc b;
    memset(&b, 0, sizeof(b));
    for (size_t i = 0; i < len;) {
        uint8_t op = code[i];
        if (op == 0x5b) {
            c->jumpdest[i >> 6] |= 1ull << (i & 63);
            if (i != b.start)
                blk_close(c, &b, i);
        }
        size_t next = i + 1 + (op >= 0x60 && op <= 0x7f ? (size_t)(op - 0x5f) : 0);
        if (t->req[op] == 0xffff) {
            b.poison = 1;
            blk_close(c, &b, next);
        } else {
            b.gas += t->gas[op];
            if (t->req[op] - b.h > b.req)
                b.req = t->req[op] - b.h;
            b.h += t->grow[op];
            if (b.h > b.grow)
                b.grow = b.h;
            if (ends_block(op))
                blk_close(c, &b, next);
        }
        i = next;
    }
    blk_close(c, &b, len + 1); /* the block running into the implicit STOP at len */
    return c;
}

void evm_code_free(struct evm_code *c)
{
    free(c);
}

static uint32_t code_slot(const uint8_t hash[32], uint32_t fork, uint32_t mask)
{
    uint32_t h;
    memcpy(&h, hash, 4);
    return (h ^ (fork * 0x9e3779b9u)) & mask;
}

static int code_is(const struct evm_code *a, const uint8_t hash[32], uint32_t fork)
{
    return a->fork == fork && memcmp(a->hash, hash, 32) == 0;
}

/* Insert into an open-addressing table with room to spare. */
static void tab_put(struct evm_code **tab, uint32_t cap, struct evm_code *a)
{
    uint32_t i = code_slot(a->hash, a->fork, cap - 1);
    while (tab[i])
        i = (i + 1) & (cap - 1);
    tab[i] = a;
}

/* Make room for one more entry (load factor 1/2). Returns 0 on allocation failure. */
static int tab_grow(struct evm_code ***tab, uint32_t *cap, uint32_t n)
{
    if ((n + 1) * 2 <= *cap)
        return 1;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    struct evm_code **nt = calloc(ncap, sizeof(*nt));
    if (!nt)
        return 0;
    for (uint32_t k = 0; k < *cap; k++) {
        if ((*tab)[k])
            tab_put(nt, ncap, (*tab)[k]);
    }
    free(*tab);
    *tab = nt;
    *cap = ncap;
    return 1;
}

/* --- shared cache (engine) ----------------------------------------------------------------- */

struct evm_codecache {
    pthread_mutex_t mu;
    struct evm_code **tab;
    uint32_t cap, n;
    size_t bytes;
};

struct evm_codecache *evm_codecache_new(void)
{
    struct evm_codecache *k = calloc(1, sizeof(*k));
    if (k && pthread_mutex_init(&k->mu, NULL) != 0) {
        free(k);
        return NULL;
    }
    return k;
}

void evm_codecache_free(struct evm_codecache *k)
{
    if (!k)
        return;
    for (uint32_t i = 0; i < k->cap; i++)
        evm_code_free(k->tab[i]);
    free(k->tab);
    pthread_mutex_destroy(&k->mu);
    free(k);
}

/* Drop every analysis no execution holds (called with the lock held, when over budget). */
static void cache_evict(struct evm_codecache *k)
{
    struct evm_code **keep = calloc(k->cap, sizeof(*keep));
    if (!keep)
        return;
    uint32_t n = 0;
    size_t bytes = 0;
    for (uint32_t i = 0; i < k->cap; i++) {
        struct evm_code *a = k->tab[i];
        if (!a)
            continue;
        if (a->refs) {
            tab_put(keep, k->cap, a);
            n++;
            bytes += a->bytes;
        } else {
            evm_code_free(a);
        }
    }
    free(k->tab);
    k->tab = keep;
    k->n = n;
    k->bytes = bytes;
}

static struct evm_code *cache_get(struct evm_codecache *k, const uint8_t hash[32],
                                  const uint8_t *code, size_t len, const struct evm_optab *t,
                                  uint32_t fork)
{
    pthread_mutex_lock(&k->mu);
    for (uint32_t i = k->cap ? code_slot(hash, fork, k->cap - 1) : 0; k->cap && k->tab[i];
         i = (i + 1) & (k->cap - 1)) {
        if (code_is(k->tab[i], hash, fork)) {
            k->tab[i]->refs++;
            pthread_mutex_unlock(&k->mu);
            return k->tab[i];
        }
    }
    pthread_mutex_unlock(&k->mu);
    /* Analyse outside the lock; a concurrent analysis of the same code may win the insert. */
    struct evm_code *a = evm_code_analyse(code, len, t, fork);
    if (!a)
        return NULL;
    memcpy(a->hash, hash, 32);
    a->refs = 1;
    pthread_mutex_lock(&k->mu);
    for (uint32_t i = k->cap ? code_slot(hash, fork, k->cap - 1) : 0; k->cap && k->tab[i];
         i = (i + 1) & (k->cap - 1)) {
        if (code_is(k->tab[i], hash, fork)) {
            struct evm_code *w = k->tab[i];
            w->refs++;
            pthread_mutex_unlock(&k->mu);
            evm_code_free(a);
            return w;
        }
    }
    if (k->bytes + a->bytes > EVM_CODE_CACHE_BYTES)
        cache_evict(k);
    if (tab_grow(&k->tab, &k->cap, k->n)) {
        tab_put(k->tab, k->cap, a);
        k->n++;
        k->bytes += a->bytes;
        a->shared = 1;
    }
    pthread_mutex_unlock(&k->mu);
    return a; /* not shared if the table could not grow: the execution owns it alone */
}

static void cache_put(struct evm_codecache *k, struct evm_code *a)
{
    if (!a->shared) {
        evm_code_free(a);
        return;
    }
    pthread_mutex_lock(&k->mu);
    a->refs--;
    pthread_mutex_unlock(&k->mu);
}

/* --- per-execution table ------------------------------------------------------------------- */

struct evm_code *evm_code_get(struct evm_ctx *c, const uint8_t hash[32], const uint8_t *code,
                              size_t len)
{
    if (c->code_cap) {
        uint32_t mask = c->code_cap - 1;
        for (uint32_t i = code_slot(hash, c->fork, mask); c->codes[i]; i = (i + 1) & mask) {
            if (code_is(c->codes[i], hash, c->fork))
                return c->codes[i];
        }
    }
    if (!tab_grow(&c->codes, &c->code_cap, c->code_n))
        return NULL;
    struct evm_code *a;
    if (c->cache) {
        a = cache_get(c->cache, hash, code, len, &c->tab, c->fork);
    } else {
        a = evm_code_analyse(code, len, &c->tab, c->fork);
        if (a)
            memcpy(a->hash, hash, 32);
    }
    if (!a)
        return NULL;
    tab_put(c->codes, c->code_cap, a);
    c->code_n++;
    return a;
}

void evm_code_release_all(struct evm_ctx *c)
{
    for (uint32_t i = 0; i < c->code_cap; i++) {
        struct evm_code *a = c->codes[i];
        if (!a)
            continue;
        if (c->cache)
            cache_put(c->cache, a);
        else
            evm_code_free(a);
        c->codes[i] = NULL;
    }
    c->code_n = 0;
}
