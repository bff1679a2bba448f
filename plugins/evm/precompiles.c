/* Precompiled contracts 0x01-0x0a (Yellow Paper appendix E; EIP-152, EIP-196, EIP-197,
 * EIP-198, EIP-1108, EIP-2565, EIP-4844). Each one charges its gas first: too little gas is an
 * exceptional halt that consumes everything the call was given, and so is invalid input
 * where the EIP says so. Output goes to the callee depth's scratch memory. */
#include "precompiles.h"
#include "evm_int.h"

#include <bts/hash.h>
#include <bts/secp.h>
#include <gmp.h>
#include <stdlib.h>

int evm_is_precompile(const struct evm_ctx *c, const uint8_t addr[20])
{
    for (int i = 0; i < 19; i++) {
        if (addr[i])
            return 0;
    }
    unsigned last = c->fork >= BT_EVM_CANCUN ? 0x0a : 0x09;
    return addr[19] >= 1 && addr[19] <= last;
}

/* A buffer of n bytes for the output, in the callee depth's memory scratch. */
static uint8_t *out_buf(struct evm_ctx *c, int depth, size_t n)
{
    struct evm_scratch *sc = evm_scratch_at(c, depth);
    if (!sc)
        return NULL;
    if (n > sc->mem_cap) {
        size_t cap = sc->mem_cap ? sc->mem_cap : 4096;
        while (cap < n)
            cap *= 2;
        uint8_t *p = realloc(sc->mem, cap);
        if (!p)
            return NULL;
        sc->mem = p;
        sc->mem_cap = cap;
    }
    return sc->mem ? sc->mem : (uint8_t *)sc->stack; /* any valid pointer when n == 0 */
}

/* Input byte i, zero past the end (inputs are implicitly right-padded with zeros). */
static void read_padded(uint8_t *dst, const uint8_t *in, size_t in_len, uint64_t off, size_t n)
{
    size_t k = 0;
    if (off < in_len)
        k = in_len - off < n ? (size_t)(in_len - off) : n;
    if (k)
        memcpy(dst, in + off, k);
    if (k < n)
        memset(dst + k, 0, n - k);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

/* --- modexp (EIP-198, EIP-2565) --------------------------------------------------------- */

static uint64_t word_len_u64(const uint8_t w[32])
{
    for (int i = 0; i < 24; i++) {
        if (w[i])
            return UINT64_MAX;
    }
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | w[i];
    return v;
}

static uint64_t modexp_gas(const struct evm_ctx *c, const uint8_t *in, size_t n, uint64_t bl,
                           uint64_t el, uint64_t ml)
{
    /* Adjusted exponent length: from the first (up to) 32 bytes of the exponent. */
    uint8_t head[32];
    uint64_t hl = el < 32 ? el : 32;
    memset(head, 0, sizeof(head));
    if (bl != UINT64_MAX && bl < UINT64_MAX - 96)
        read_padded(head + 32 - hl, in, n, 96 + bl, (size_t)hl);
    struct bts_u256 h;
    bts_u256_load_be(&h, head);
    unsigned bits = bts_u256_bit_len(&h);
    uint64_t adj = bits ? bits - 1 : 0;
    if (el > 32)
        adj = sat_add(adj, sat_mul(8, el - 32));
    if (adj < 1)
        adj = 1;
    uint64_t x = bl > ml ? bl : ml;
    if (c->fork >= BT_EVM_BERLIN) {
        uint64_t w = x / 8 + (x % 8 != 0);
        uint64_t g = sat_mul(sat_mul(w, w), adj) / 3;
        return g < 200 ? 200 : g;
    }
    uint64_t mc;
    if (x <= 64)
        mc = sat_mul(x, x);
    else if (x <= 1024)
        mc = sat_mul(x, x) / 4 + 96 * x - 3072;
    else
        mc = sat_add(sat_mul(x, x) / 16, 480 * x) - 199680;
    return sat_mul(mc, adj) / 20;
}

static int modexp_run(const uint8_t *in, size_t n, uint64_t bl, uint64_t el, uint64_t ml,
                      uint8_t *out)
{
    uint8_t *buf = malloc(bl + el + ml + 1);
    if (!buf)
        return 0;
    read_padded(buf, in, n, 96, (size_t)(bl + el + ml));
    mpz_t b, e, m, r;
    mpz_inits(b, e, m, r, NULL);
    mpz_import(b, bl, 1, 1, 0, 0, buf);
    mpz_import(e, el, 1, 1, 0, 0, buf + bl);
    mpz_import(m, ml, 1, 1, 0, 0, buf + bl + el);
    memset(out, 0, ml);
    if (mpz_sgn(m) != 0) {
        mpz_powm(r, b, e, m);
        size_t cnt = 0;
        uint8_t *tmp = mpz_export(NULL, &cnt, 1, 1, 0, 0, r);
        if (tmp) {
            memcpy(out + ml - cnt, tmp, cnt);
            free(tmp);
        }
    }
    mpz_clears(b, e, m, r, NULL);
    free(buf);
    return 1;
}

/* --- the dispatcher ---------------------------------------------------------------------- */

static int charge(struct evm_frame_result *r, int64_t gas, uint64_t cost)
{
    if (cost > (uint64_t)gas) {
        r->status = EVM_FAILED;
        r->gas_left = 0;
        return 0;
    }
    r->gas_left = gas - (int64_t)cost;
    r->status = EVM_OK;
    return 1;
}

void evm_precompile_run(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    const uint8_t *in = m->input;
    size_t n = m->input_len;
    uint64_t words = evm_words(n);
    uint8_t *out;
    r->out = NULL;
    r->out_len = 0;
    switch (m->code_address[19]) {
    case 0x01: { /* ECRECOVER */
        if (!charge(r, m->gas, 3000))
            return;
        uint8_t w[128], addr[20];
        read_padded(w, in, n, 0, sizeof(w));
        if (bts_secp_ecrecover(addr, w, w + 32, w + 64, w + 96) != BT_OK)
            return;
        if (!(out = out_buf(c, m->depth, 32)))
            goto oom;
        memset(out, 0, 12);
        memcpy(out + 12, addr, 20);
        r->out = out;
        r->out_len = 32;
        return;
    }
    case 0x02:   /* SHA2-256 */
    case 0x03: { /* RIPEMD-160 */
        int sha = m->code_address[19] == 0x02;
        if (!charge(r, m->gas, sha ? 60 + 12 * words : 600 + 120 * words))
            return;
        if (!(out = out_buf(c, m->depth, 32)))
            goto oom;
        memset(out, 0, 32);
        /* RIPEMD-160's 20 bytes are left-padded to a word. Failure means OpenSSL lacks the
         * digest: internal, not an EVM outcome. */
        if ((sha ? bts_sha256(out, in, n) : bts_ripemd160(out + 12, in, n)) != BT_OK)
            goto oom;
        r->out = out;
        r->out_len = 32;
        return;
    }
    case 0x04: /* IDENTITY */
        if (!charge(r, m->gas, 15 + 3 * words))
            return;
        if (!(out = out_buf(c, m->depth, n)))
            goto oom;
        if (n)
            memcpy(out, in, n);
        r->out = out;
        r->out_len = n;
        return;
    case 0x05: { /* MODEXP */
        uint8_t hd[96];
        read_padded(hd, in, n, 0, sizeof(hd));
        uint64_t bl = word_len_u64(hd), el = word_len_u64(hd + 32), ml = word_len_u64(hd + 64);
        uint64_t cost = modexp_gas(c, in, n, bl, el, ml);
        if (!charge(r, m->gas, cost))
            return;
        if (bl == 0 && ml == 0)
            return;
        if (bl > (1u << 30) || el > (1u << 30) || ml > (1u << 30)) { /* gas makes this moot */
            r->status = EVM_FAILED;
            r->gas_left = 0;
            return;
        }
        if (!(out = out_buf(c, m->depth, (size_t)ml)))
            goto oom;
        if (!modexp_run(in, n, bl, el, ml, out))
            goto oom;
        r->out = out;
        r->out_len = (size_t)ml;
        return;
    }
    case 0x06:   /* BN254 ADD (EIP-196, EIP-1108 price) */
    case 0x07: { /* BN254 MUL */
        int add = m->code_address[19] == 0x06;
        if (!charge(r, m->gas, add ? 150 : 6000))
            return;
        uint8_t w[128];
        read_padded(w, in, n, 0, add ? 128 : 96);
        if (!(out = out_buf(c, m->depth, 64)))
            goto oom;
        int ok = add ? evm_bn254_add(out, w, w + 64) : evm_bn254_mul(out, w, w + 64);
        if (!ok) {
            r->status = EVM_FAILED;
            r->gas_left = 0;
            return;
        }
        r->out = out;
        r->out_len = 64;
        return;
    }
    case 0x08: { /* BN254 pairing check (EIP-197, EIP-1108 price) */
        if (!charge(r, m->gas, 45000 + 34000 * (uint64_t)(n / 192)))
            return;
        if (n % 192) {
            r->status = EVM_FAILED;
            r->gas_left = 0;
            return;
        }
        if (!(out = out_buf(c, m->depth, 32)))
            goto oom;
        int res = evm_bn254_pairing(in, n / 192);
        if (res < 0) {
            r->status = EVM_FAILED;
            r->gas_left = 0;
            return;
        }
        memset(out, 0, 32);
        out[31] = (uint8_t)res;
        r->out = out;
        r->out_len = 32;
        return;
    }
    case 0x09: { /* BLAKE2F (EIP-152) */
        if (n != 213 || in[212] > 1) {
            r->status = EVM_FAILED;
            r->gas_left = 0;
            return;
        }
        uint32_t rounds =
            (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
        if (!charge(r, m->gas, rounds))
            return;
        if (!(out = out_buf(c, m->depth, 64)))
            goto oom;
        evm_blake2f(out, rounds, in + 4, in + 68, in + 196, in[212]);
        r->out = out;
        r->out_len = 64;
        return;
    }
    default: /* 0x0a point evaluation (EIP-4844): needs the KZG trusted setup */
        c->io_error = 3;
        r->status = EVM_FATAL;
        r->gas_left = 0;
        return;
    }
oom:
    c->io_error = 2;
    r->status = EVM_FATAL;
    r->gas_left = 0;
}
