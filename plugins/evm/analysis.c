/* Jump-destination analysis (Yellow Paper section 9.4.3, D(c)): a bitmap of the JUMPDEST
 * opcodes that are not PUSH immediates, and a copy of the code padded with 33 zero bytes so
 * the interpreter reads PUSH immediates and the STOP after the end without bounds checks.
 * Analyses are cached per execution by code hash (the host's code hash, or keccak of code
 * deployed during the transaction). */
#include "evm_int.h"

#include <stdlib.h>

struct evm_code *evm_code_analyse(const uint8_t *code, size_t len)
{
    struct evm_code *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->len = len;
    c->padded = calloc(len + 33, 1);
    c->jumpdest = calloc(len / 64 + 1, sizeof(uint64_t));
    if (!c->padded || !c->jumpdest) {
        evm_code_free(c);
        return NULL;
    }
    if (len)
        memcpy(c->padded, code, len);
    for (size_t i = 0; i < len; i++) {
        uint8_t op = code[i];
        if (op == 0x5b)
            c->jumpdest[i >> 6] |= 1ull << (i & 63);
        else if (op >= 0x60 && op <= 0x7f)
            i += (size_t)(op - 0x5f);
    }
    return c;
}

void evm_code_free(struct evm_code *c)
{
    if (!c)
        return;
    free(c->padded);
    free(c->jumpdest);
    free(c);
}

static uint32_t code_slot(const uint8_t hash[32], uint32_t mask)
{
    uint32_t h;
    memcpy(&h, hash, 4);
    return h & mask;
}

struct evm_code *evm_code_get(struct evm_ctx *c, const uint8_t hash[32], const uint8_t *code,
                              size_t len)
{
    if (c->code_cap) {
        uint32_t mask = c->code_cap - 1;
        for (uint32_t i = code_slot(hash, mask); c->codes[i]; i = (i + 1) & mask) {
            if (memcmp(c->codes[i]->hash, hash, 32) == 0)
                return c->codes[i];
        }
    }
    if ((c->code_n + 1) * 2 > c->code_cap) {
        uint32_t ncap = c->code_cap ? c->code_cap * 2 : 16;
        struct evm_code **nt = calloc(ncap, sizeof(*nt));
        if (!nt)
            return NULL;
        for (uint32_t k = 0; k < c->code_cap; k++) {
            if (!c->codes[k])
                continue;
            uint32_t i = code_slot(c->codes[k]->hash, ncap - 1);
            while (nt[i])
                i = (i + 1) & (ncap - 1);
            nt[i] = c->codes[k];
        }
        free(c->codes);
        c->codes = nt;
        c->code_cap = ncap;
    }
    struct evm_code *a = evm_code_analyse(code, len);
    if (!a)
        return NULL;
    memcpy(a->hash, hash, 32);
    uint32_t mask = c->code_cap - 1, i = code_slot(hash, mask);
    while (c->codes[i])
        i = (i + 1) & mask;
    c->codes[i] = a;
    c->code_n++;
    return a;
}
