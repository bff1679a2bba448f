/* Go's math/rand source and the derived draws (PROTOCOL.md §4.5.4), written from the algorithm
 * description of golang/go@go1.19.8:src/math/rand/{rng.go,rand.go}. All arithmetic that Go does
 * on wrapping int64 is done here on uint64 so that C never overflows a signed type. */
#include "gorand_int.h"

#define GR_M 2147483647 /* 2^31 - 1, modulus of the Lehmer seeding generator */
#define GR_A 48271
#define GR_Q 44488 /* M / A */
#define GR_R 3399  /* M % A */

/* x' = 48271·x mod (2^31-1) via Schrage's method, exactly as Go's seedrand (truncating int32
 * division on possibly negative x is C99's too). */
static int32_t seedrand(int32_t x)
{
    int32_t hi = x / GR_Q;
    int32_t lo = x % GR_Q;
    x = GR_A * lo - GR_R * hi;
    if (x < 0)
        x += GR_M;
    return x;
}

void bts_gorand_seed(struct bts_gorand *r, int64_t seed)
{
    r->tap = 0;
    r->feed = BTS_GORAND_LEN - BTS_GORAND_TAP;
    seed %= GR_M; /* C99 and Go both truncate towards zero */
    if (seed < 0)
        seed += GR_M;
    if (seed == 0)
        seed = 89482311;
    int32_t x = (int32_t)seed;
    for (int i = -20; i < BTS_GORAND_LEN; i++) {
        x = seedrand(x);
        if (i < 0)
            continue;
        /* Go shifts int64(x) left, discarding bits above 63; unsigned shifts do the same
         * without C's undefined signed overflow (x is non-negative here). */
        uint64_t u = (uint64_t)(uint32_t)x << 40;
        x = seedrand(x);
        u ^= (uint64_t)(uint32_t)x << 20;
        x = seedrand(x);
        u ^= (uint64_t)(uint32_t)x;
        u ^= (uint64_t)bts_gorand_cooked_[i];
        r->vec[i] = u;
    }
}

uint64_t bts_gorand_uint64(struct bts_gorand *r)
{
    if (--r->tap < 0)
        r->tap += BTS_GORAND_LEN;
    if (--r->feed < 0)
        r->feed += BTS_GORAND_LEN;
    uint64_t x = r->vec[r->feed] + r->vec[r->tap];
    r->vec[r->feed] = x;
    return x;
}

int64_t bts_gorand_int63(struct bts_gorand *r)
{
    return (int64_t)(bts_gorand_uint64(r) & (uint64_t)INT64_MAX);
}

int32_t bts_gorand_int31(struct bts_gorand *r)
{
    return (int32_t)(bts_gorand_int63(r) >> 32);
}

bt_status bts_gorand_int63n(struct bts_gorand *r, int64_t *out, int64_t n)
{
    if (n <= 0)
        return BT_EINVAL;
    if ((n & (n - 1)) == 0) {
        *out = bts_gorand_int63(r) & (n - 1);
        return BT_OK;
    }
    /* max = (1<<63) - 1 - (1<<63) % n, computed in uint64 as Go's constant expression. */
    int64_t max = (int64_t)(((uint64_t)1 << 63) - 1 - ((uint64_t)1 << 63) % (uint64_t)n);
    int64_t v = bts_gorand_int63(r);
    while (v > max)
        v = bts_gorand_int63(r);
    *out = v % n;
    return BT_OK;
}

bt_status bts_gorand_int31n(struct bts_gorand *r, int32_t *out, int32_t n)
{
    if (n <= 0)
        return BT_EINVAL;
    if ((n & (n - 1)) == 0) {
        *out = bts_gorand_int31(r) & (n - 1);
        return BT_OK;
    }
    int32_t max = (int32_t)(((uint32_t)1 << 31) - 1 - ((uint32_t)1 << 31) % (uint32_t)n);
    int32_t v = bts_gorand_int31(r);
    while (v > max)
        v = bts_gorand_int31(r);
    *out = v % n;
    return BT_OK;
}

bt_status bts_gorand_intn(struct bts_gorand *r, int64_t *out, int64_t n)
{
    if (n <= 0)
        return BT_EINVAL;
    if (n <= INT32_MAX) {
        int32_t v;
        bt_status st = bts_gorand_int31n(r, &v, (int32_t)n);
        *out = v;
        return st;
    }
    return bts_gorand_int63n(r, out, n);
}

/* Go's unexported Rand.int31n: Lemire's multiply-shift with rejection on the low half. Only
 * Shuffle (and Perm's successor code paths) use it; its stream differs from Int31n. */
static int32_t lemire31n(struct bts_gorand *r, int32_t n)
{
    uint32_t v = (uint32_t)(bts_gorand_int63(r) >> 31);
    uint64_t prod = (uint64_t)v * (uint64_t)n;
    uint32_t low = (uint32_t)prod;
    if (low < (uint32_t)n) {
        uint32_t thresh = (uint32_t)(-(uint32_t)n) % (uint32_t)n;
        while (low < thresh) {
            v = (uint32_t)(bts_gorand_int63(r) >> 31);
            prod = (uint64_t)v * (uint64_t)n;
            low = (uint32_t)prod;
        }
    }
    return (int32_t)(prod >> 32);
}

bt_status bts_gorand_shuffle(struct bts_gorand *r, size_t n, bts_gorand_swap_fn swap, void *ctx)
{
    if ((uint64_t)n > (uint64_t)INT64_MAX)
        return BT_ERANGE;
    if (n < 2)
        return BT_OK;
    int64_t i = (int64_t)n - 1;
    /* Go draws with Int63n while i exceeds 2^31-2, then switches to int31n. */
    for (; i > (int64_t)INT32_MAX - 1; i--) {
        int64_t j = 0;
        bt_status st = bts_gorand_int63n(r, &j, i + 1);
        if (st != BT_OK)
            return st;
        swap(ctx, (size_t)i, (size_t)j);
    }
    for (; i > 0; i--) {
        int32_t j = lemire31n(r, (int32_t)(i + 1));
        swap(ctx, (size_t)i, (size_t)j);
    }
    return BT_OK;
}
