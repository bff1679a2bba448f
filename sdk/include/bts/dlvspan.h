/* Delivery span producer selection (PROTOCOL.md §4.5.3): which validators produce Bttc blocks
 * in the next span, chosen from the span-eligible set with an Ethereum block hash as seed. Two
 * algorithms exist: the old swap-or-not shuffle of power slots (heights < 375300) and the newer
 * weighted random draw with Go's math/rand (bts/gorand.h). Pure functions, no allocation except
 * where stated. */
#ifndef BTS_DLVSPAN_H
#define BTS_DLVSPAN_H

#include <bts/common.h>
#include <bts/gorand.h>

#ifdef __cplusplus
extern "C" {
#endif

/** First Delivery height at which the new (weighted random) selection is used; the post-handler
 *  height (side-tx height + 2) is compared (`helper.GetNewSelectionAlgoHeight`). */
#define BTS_DLVSPAN_NEW_SELECT_HEIGHT 375300u
/** Swap-or-not shuffle rounds (prysm `shuffleRoundCount`). */
#define BTS_DLVSPAN_SHUFFLE_ROUNDS 90u
/** Most slots the old algorithm will expand (sum of powers); bounds its allocation. The
 *  upstream limit is 2^40 list entries, far above any real validator set. */
#define BTS_DLVSPAN_MAX_SLOTS (1u << 24)

/** A span-eligible validator as the selection sees it. */
struct bts_dlvspan_val {
    uint64_t id;        /**< validator ID (staking contract) */
    int64_t power;      /**< voting power; in a result, the number of slots won */
    uint8_t signer[20]; /**< signer address: the sort key of results */
};

/** Prefix sums of powers (`createWeightedRanges`): out[i] = power[0] + ... + power[i].
 *  Returns: BT_OK; BT_EINVAL if a power is negative; BT_ERANGE if the sum overflows uint64.
 *  Out:    out: n entries (untouched on error). In: vals, n: the validators (n may be 0).
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:bor/selection.go. */
BTS_API bt_status bts_dlvspan_weighted_ranges(uint64_t *out, const struct bts_dlvspan_val *vals,
                                              size_t n) BT_MUST_CHECK;

/** Smallest index i with ranges[i] >= target, by upstream's binary search (l=0, r=n-1,
 *  mid=(l+r)/2); when every range is below target it returns n-1 as upstream does.
 *  Returns: the index, or -1 when n is 0. In: ranges, n (ranges may be NULL if n is 0).
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:bor/selection.go (binarySearch). */
BTS_API long bts_dlvspan_binary_search(const uint64_t *ranges, size_t n, uint64_t target);

/** Draw uniformly in [min, max] from r as upstream `randomRangeInclusive`: if max <= min,
 *  max; else rejection of Uint64 values >= (2^64-1) - (2^64-1) % L - 1 with L = max-min+1,
 *  then min + v % L. (max - min = 2^64-1 makes L wrap to 0, which upstream would divide by;
 *  here that case draws one raw Uint64 instead.)
 *  Args:   r: a seeded generator. In: min, max. Thread: r exclusive.
 *  Source: bttcprotocol/delivery@v1.0.9:bor/selection.go. */
BTS_API uint64_t bts_dlvspan_random_range(struct bts_gorand *r, uint64_t min, uint64_t max)
    BT_NONNULL(1);

/** New selection (`SelectNextProducers`, heights >= BTS_DLVSPAN_NEW_SELECT_HEIGHT): when
 *  n <= count, the IDs of all validators in order; else seed Go's math/rand with
 *  int64(be64(seed[0:8])) and make `count` weighted draws (duplicates allowed).
 *  Returns: BT_OK; BT_EINVAL if n is 0, a power is negative or the total power is 0;
 *           BT_ERANGE if the total power overflows, or out_cap is too small (it needs
 *           min(n, count) entries; *out_len then says how many).
 *  Out:    out_ids, out_cap: IDs in draw order; out_len: entries written (or needed).
 *  In:     seed: 32 bytes (the Ethereum block hash); vals, n: eligible validators in
 *          signer order; count: producer count.
 *  Thread: any (private generator). Source: bttcprotocol/delivery@v1.0.9:bor/selection.go. */
BTS_API bt_status bts_dlvspan_new_select(uint64_t *out_ids, size_t out_cap, size_t *out_len,
                                         const uint8_t seed[32], const struct bts_dlvspan_val *vals,
                                         size_t n, uint64_t count) BT_MUST_CHECK
    BT_NONNULL(3, 4, 5);

/** The swap-or-not shuffle (`ShuffleList`, 90 rounds) with Keccak-256 as hash and little-endian
 *  pivot decoding, as pinned prysm 1be950f does, applied in place.
 *  Returns: BT_OK (lists of 0 or 1 entries are unchanged); BT_ERANGE if n >= 2^40.
 *  Args:   list, n: the list to permute (list may be NULL if n is 0).
 *  In:     seed: 32 bytes. Thread: any.
 *  Source: prysmaticlabs/prysm@1be950f:shared/sliceutil (ShuffleList), via
 *          bttcprotocol/delivery@v1.0.9:bor/shuffle.go. */
BTS_API bt_status bts_dlvspan_shuffle(uint64_t *list, size_t n,
                                      const uint8_t seed[32]) BT_MUST_CHECK BT_NONNULL(3);

/** Old selection (heights < BTS_DLVSPAN_NEW_SELECT_HEIGHT): when n <= count, the IDs of all
 *  validators; else each validator's ID repeated `power` times (slot cost 1), shuffled with
 *  bts_dlvspan_shuffle, first `count` kept. Allocates the slot list temporarily.
 *  Returns: BT_OK; BT_EINVAL if n is 0 or a power is negative; BT_ERANGE if the slots exceed
 *           BTS_DLVSPAN_MAX_SLOTS, count exceeds the slots, or out_cap is too small
 *           (*out_len then says how many are needed); BT_ENOMEM.
 *  Out/In: as for bts_dlvspan_new_select.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:bor/selection.go. */
BTS_API bt_status bts_dlvspan_old_select(uint64_t *out_ids, size_t out_cap, size_t *out_len,
                                         const uint8_t seed[32], const struct bts_dlvspan_val *vals,
                                         size_t n, uint64_t count) BT_MUST_CHECK
    BT_NONNULL(3, 4, 5);

/** The keeper's `SelectNextProducers`: when n <= count the producers are the eligible
 *  validators with their stored powers; else the old or new selection by `height`, each
 *  selected ID becomes one producer whose power is its number of slots, sorted by signer
 *  address ascending. IDs not found in `vals` are dropped as upstream does.
 *  Returns: BT_OK; errors of the selection used; BT_ERANGE if out_cap < min(n, count)
 *           (*out_len then says how many are needed); BT_ENOMEM.
 *  Out:    out, out_cap: producers; out_len: number written (or needed).
 *  In:     seed: 32-byte Ethereum block hash (§4.5.2); vals, n: span-eligible validators in
 *          signer order; count: producer_count; height: Delivery height of the post-handler.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:bor/keeper.go. */
BTS_API bt_status bts_dlvspan_select_producers(struct bts_dlvspan_val *out, size_t out_cap,
                                               size_t *out_len, const uint8_t seed[32],
                                               const struct bts_dlvspan_val *vals, size_t n,
                                               uint64_t count, uint64_t height) BT_MUST_CHECK
    BT_NONNULL(3, 4, 5);

#ifdef __cplusplus
}
#endif

#endif /* BTS_DLVSPAN_H */
