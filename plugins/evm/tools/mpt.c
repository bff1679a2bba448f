/* Minimal Merkle-Patricia trie root over fixed 32-byte keys (Yellow Paper appendix D):
 * the sorted keys are split recursively into branch, extension and leaf nodes. */
#include "mpt.h"

#include <bts/keccak.h>
#include <stdlib.h>
#include <string.h>

struct mbuf {
    uint8_t *p;
    size_t n, cap;
    int oom;
};

static void put(struct mbuf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void put_len(struct mbuf *b, size_t len, uint8_t short_base)
{
    uint8_t h[9];
    if (len < 56) {
        h[0] = (uint8_t)(short_base + len);
        put(b, h, 1);
        return;
    }
    int nb = 0;
    for (size_t x = len; x; x >>= 8)
        nb++;
    h[0] = (uint8_t)(short_base + 55 + nb);
    for (int i = 0; i < nb; i++)
        h[1 + i] = (uint8_t)(len >> (8 * (nb - 1 - i)));
    put(b, h, 1 + (size_t)nb);
}

static void put_str(struct mbuf *b, const uint8_t *d, size_t n)
{
    if (n == 1 && d[0] < 0x80) {
        put(b, d, 1);
        return;
    }
    put_len(b, n, 0x80);
    put(b, d, n);
}

static int nib(const uint8_t *k, size_t i)
{
    return (k[i / 2] >> (i % 2 ? 0 : 4)) & 15;
}

/* Hex-prefix encoding of nibbles key[from..to). */
static void put_hp(struct mbuf *b, const uint8_t *k, size_t from, size_t to, int leaf)
{
    uint8_t tmp[40];
    size_t n = to - from, o = 0;
    int odd = n % 2;
    tmp[o++] = (uint8_t)(((leaf ? 2 : 0) + odd) << 4 | (odd ? nib(k, from) : 0));
    for (size_t i = from + (size_t)odd; i < to; i += 2)
        tmp[o++] = (uint8_t)(nib(k, i) << 4 | nib(k, i + 1));
    put_str(b, tmp, o);
}

static void node(struct mbuf *out, const struct mpt_kv *kv, size_t n, size_t depth);

/* Append the reference to a node: inline if its RLP is under 32 bytes, else its hash. */
static void ref(struct mbuf *out, const struct mpt_kv *kv, size_t n, size_t depth)
{
    struct mbuf t = {0};
    node(&t, kv, n, depth);
    if (t.oom)
        out->oom = 1;
    if (t.n < 32) {
        put(out, t.p, t.n);
    } else {
        uint8_t h[32];
        bts_keccak256(h, t.p, t.n);
        put_str(out, h, 32);
    }
    free(t.p);
}

static void node(struct mbuf *out, const struct mpt_kv *kv, size_t n, size_t depth)
{
    struct mbuf body = {0};
    if (n == 1) {
        put_hp(&body, kv[0].key, depth, 64, 1);
        put_str(&body, kv[0].val, kv[0].val_len);
    } else {
        size_t cp = depth;
        while (cp < 64 && nib(kv[0].key, cp) == nib(kv[n - 1].key, cp))
            cp++;
        if (cp > depth) {
            put_hp(&body, kv[0].key, depth, cp, 0);
            ref(&body, kv, n, cp);
        } else {
            size_t i = 0;
            for (int d = 0; d < 16; d++) {
                size_t j = i;
                while (j < n && nib(kv[j].key, depth) == d)
                    j++;
                if (j == i) {
                    uint8_t e = 0x80;
                    put(&body, &e, 1);
                } else {
                    ref(&body, kv + i, j - i, depth + 1);
                }
                i = j;
            }
            uint8_t e = 0x80;
            put(&body, &e, 1);
        }
    }
    put_len(out, body.n, 0xc0);
    put(out, body.p, body.n);
    if (body.oom)
        out->oom = 1;
    free(body.p);
}

static int cmp_kv(const void *a, const void *b)
{
    return memcmp(((const struct mpt_kv *)a)->key, ((const struct mpt_kv *)b)->key, 32);
}

int mpt_root(uint8_t out[32], struct mpt_kv *kv, size_t n)
{
    if (n == 0) {
        uint8_t e = 0x80;
        bts_keccak256(out, &e, 1);
        return 1;
    }
    qsort(kv, n, sizeof(*kv), cmp_kv);
    struct mbuf b = {0};
    node(&b, kv, n, 0);
    int ok = !b.oom;
    if (ok)
        bts_keccak256(out, b.p, b.n);
    free(b.p);
    return ok;
}
