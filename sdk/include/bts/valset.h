/* Validator sets with Tendermint's proposer-priority rotation (PROTOCOL.md §4.4): the one
 * implementation shared by Bttc's producer snapshot (§3.4) and Delivery's checkpoint proposer.
 * Integer rules are upstream's exactly: int64 with clipping additions, Go truncating division in
 * the rescale, a floor (Euclidean) average over a wide sum, ties to the lower address. */
#ifndef BTS_VALSET_H
#define BTS_VALSET_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest total voting power of a set: INT64_MAX / 8 (`MaxTotalVotingPower`). */
#define BTS_VALSET_MAX_TOTAL (INT64_MAX / 8)

/** One validator: address, voting power and proposer priority ("accum" in Delivery's JSON). */
struct bts_validator {
    uint8_t address[20];
    int64_t power;
    int64_t priority;
};

/** A set, kept sorted ascending by address. `total` is the cached total power, as upstream
 *  caches it (bts_valset_bor_apply depends on that). `proposer` is an index into `v`, or
 *  SIZE_MAX when not known yet (bts_valset_proposer finds it). Zero-initialise, or use
 *  bts_valset_init; free with bts_valset_free. */
struct bts_valset {
    struct bts_validator *v;
    size_t n;
    size_t cap;
    int64_t total;
    size_t proposer;
};

/** Make an empty set (no allocation). Thread: any. */
BTS_API void bts_valset_init(struct bts_valset *s) BT_NONNULL(1);

/** Release a set's memory and leave it empty. Thread: any. */
BTS_API void bts_valset_free(struct bts_valset *s) BT_NONNULL(1);

/** Deep copy `src` into `dst` (whose old contents are freed).
 *  Returns: BT_OK, BT_ENOMEM (dst left empty). Thread: any. */
BTS_API bt_status bts_valset_copy(struct bts_valset *dst,
                                  const struct bts_valset *src) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Index of `address` in the set, or -1. Binary search. Thread: any. */
BTS_API long bts_valset_find(const struct bts_valset *s, const uint8_t address[20])
    BT_NONNULL(1, 2);

/** Apply a change set (`UpdateWithChangeSet`): power 0 removes, a known address takes the new
 *  power and keeps its priority, a new one starts at -(T + T/8) where T is the cached total
 *  plus the power deltas of the updates (removals not subtracted); then the total is
 *  recomputed, priorities are rescaled to a window of 2*total and centred on their average.
 *  Nothing changes on error.
 *  Returns: BT_OK; BT_EINVAL (duplicate address, negative power, power or new total above
 *           BTS_VALSET_MAX_TOTAL, removal of an unknown address, result would be empty, or a
 *           removal while `allow_removals` is 0); BT_ENOMEM.
 *  In:      changes, n: borrowed (priorities ignored); n == 0 is a no-op.
 *  Thread:  any (one writer per set).
 *  Source:  bttcprotocol/bttc@v1.0.8:consensus/bor/validator_set.go (updateWithChangeSet). */
BTS_API bt_status bts_valset_update(struct bts_valset *s, const struct bts_validator *changes,
                                    size_t n, int allow_removals) BT_MUST_CHECK BT_NONNULL(1);

/** Build a new set from a list (`NewValidatorSet`): an update of an empty set that refuses
 *  removals, then one priority increment when the list is not empty. `s` is overwritten.
 *  Returns: as bts_valset_update. Thread: any.
 *  Source:  same file (NewValidatorSet). */
BTS_API bt_status bts_valset_new(struct bts_valset *s, const struct bts_validator *list,
                                 size_t n) BT_MUST_CHECK BT_NONNULL(1);

/** Rotate `times` rounds (`IncrementProposerPriority`): rescale to 2*total, centre, then each
 *  round adds every power to its priority, picks the highest (ties: lower address) as proposer
 *  and subtracts the total from it.
 *  Returns: BT_OK; BT_EINVAL (empty set or times == 0). Thread: any (one writer per set).
 *  Source:  same file (IncrementProposerPriority). */
BTS_API bt_status bts_valset_increment(struct bts_valset *s, uint32_t times) BT_MUST_CHECK
    BT_NONNULL(1);

/** The proposer's index: the one chosen by the last increment, else the highest priority (ties:
 *  lower address), which is then remembered. SIZE_MAX for an empty set. Thread: one per set. */
BTS_API size_t bts_valset_proposer(struct bts_valset *s) BT_NONNULL(1);

/** Bor's sprint-end update (`getUpdatedValidatorSet`): every member absent from `list` gets
 *  power 0 (removal), present ones take the listed power, listed newcomers are appended, and the
 *  change set is applied. As upstream, members' powers are overwritten *before* the update, so
 *  the total used for newcomers' priority is the old cached total plus the newcomers' powers.
 *  Does not increment (the caller does, §3.4).
 *  Returns: as bts_valset_update (on error the set is unchanged). Thread: any.
 *  Source:  bttcprotocol/bttc@v1.0.8:consensus/bor/bor.go (getUpdatedValidatorSet). */
BTS_API bt_status bts_valset_bor_apply(struct bts_valset *s, const struct bts_validator *list,
                                       size_t n) BT_MUST_CHECK BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_VALSET_H */
