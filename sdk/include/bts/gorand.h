/* Go's math/rand generator, bit-exact (PROTOCOL.md §4.5.4): Delivery's span producer selection
 * seeds the global math/rand source with part of an Ethereum block hash and draws from it, so
 * every node must reproduce Go's additive lagged Fibonacci generator (Mitchell & Reeds,
 * x[n] = x[n-273] + x[n-607] mod 2^64) and the derived Int63n / Int31n / Intn / Shuffle exactly.
 * Unlike upstream, each caller owns a private instance (no process-global state). */
#ifndef BTS_GORAND_H
#define BTS_GORAND_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Length of the feedback register (Go's rngLen). */
#define BTS_GORAND_LEN 607
/** Lag of the tap (Go's rngTap). */
#define BTS_GORAND_TAP 273

/** A Go rngSource: plain state, caller-allocated (about 4.9 KB), no resources to free.
 *  Fields are private; seed with bts_gorand_seed before any draw. */
struct bts_gorand {
    int tap;
    int feed;
    uint64_t vec[BTS_GORAND_LEN];
};

/** Seed the generator as Go's rngSource.Seed(int64) does: the seed is reduced modulo 2^31-1
 *  (negative results shifted up, 0 replaced by 89482311), stepped through the Lehmer generator
 *  x' = 48271·x mod (2^31-1) and XORed with Go's rngCooked table.
 *  Out:    r:     the generator, fully (re)initialised.
 *  In:     seed:  any int64 (seeds congruent modulo 2^31-1 give the same stream).
 *  Thread: r must not be used concurrently. Source: golang/go@go1.19.8:src/math/rand/rng.go. */
BTS_API void bts_gorand_seed(struct bts_gorand *r, int64_t seed) BT_NONNULL(1);

/** Next 64-bit value (Go's Rand.Uint64 on an rngSource: no mixing).
 *  Args:   r: a seeded generator, advanced by one step.
 *  Thread: r exclusive. Source: golang/go@go1.19.8:src/math/rand/rng.go (Uint64). */
BTS_API uint64_t bts_gorand_uint64(struct bts_gorand *r) BT_NONNULL(1);

/** Next non-negative 63-bit value: Uint64() with the top bit cleared (Go's Int63).
 *  Args:   r: a seeded generator. Thread: r exclusive.
 *  Source: golang/go@go1.19.8:src/math/rand/rng.go. */
BTS_API int64_t bts_gorand_int63(struct bts_gorand *r) BT_NONNULL(1);

/** Next non-negative 31-bit value: Int63() >> 32 (Go's Rand.Int31).
 *  Args:   r: a seeded generator. Thread: r exclusive.
 *  Source: golang/go@go1.19.8:src/math/rand/rand.go. */
BTS_API int32_t bts_gorand_int31(struct bts_gorand *r) BT_NONNULL(1);

/** Uniform value in [0, n) as Go's Rand.Int63n: a mask when n is a power of two, else
 *  rejection of Int63() values above (2^63-1) - 2^63 % n, then v % n.
 *  Returns: BT_OK; BT_EINVAL if n <= 0 (Go panics; r is then not advanced).
 *  Args:   r: a seeded generator. Out: out: the value. In: n: the bound.
 *  Thread: r exclusive. Source: golang/go@go1.19.8:src/math/rand/rand.go. */
BTS_API bt_status bts_gorand_int63n(struct bts_gorand *r, int64_t *out, int64_t n) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Uniform value in [0, n) as Go's Rand.Int31n (same shape as Int63n on Int31()).
 *  Returns: BT_OK; BT_EINVAL if n <= 0.
 *  Args:   r: a seeded generator. Out: out: the value. In: n: the bound.
 *  Thread: r exclusive. Source: golang/go@go1.19.8:src/math/rand/rand.go. */
BTS_API bt_status bts_gorand_int31n(struct bts_gorand *r, int32_t *out, int32_t n) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Uniform value in [0, n) as Go's Rand.Intn on a 64-bit platform: Int31n when n fits in
 *  31 bits, else Int63n.
 *  Returns: BT_OK; BT_EINVAL if n <= 0.
 *  Args:   r: a seeded generator. Out: out: the value. In: n: the bound.
 *  Thread: r exclusive. Source: golang/go@go1.19.8:src/math/rand/rand.go. */
BTS_API bt_status bts_gorand_intn(struct bts_gorand *r, int64_t *out, int64_t n) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Swap callback for bts_gorand_shuffle: exchange elements i and j of the caller's sequence. */
typedef void (*bts_gorand_swap_fn)(void *ctx, size_t i, size_t j);

/** Fisher-Yates shuffle as Go's Rand.Shuffle: for i = n-1 down to 1, j is drawn with the
 *  Lemire multiply-shift int31n (not Int31n) while i+1 fits in 31 bits, else Int63n; then
 *  swap(i, j). n of 0 or 1 draws nothing.
 *  Returns: BT_OK; BT_ERANGE if n > INT64_MAX (Go's int cannot hold it; nothing is drawn).
 *  Args:   r: a seeded generator; swap: called n-1 times; ctx: passed to swap (may be NULL).
 *  In:     n: length of the sequence.
 *  Thread: r exclusive. Source: golang/go@go1.19.8:src/math/rand/rand.go (Shuffle, int31n). */
BTS_API bt_status bts_gorand_shuffle(struct bts_gorand *r, size_t n, bts_gorand_swap_fn swap,
                                     void *ctx) BT_MUST_CHECK BT_NONNULL(1, 3);

#ifdef __cplusplus
}
#endif

#endif /* BTS_GORAND_H */
