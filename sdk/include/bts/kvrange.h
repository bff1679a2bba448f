/* Key ranges for ordered key-value iterators: the [lower, upper) bounds a storage backend's
 * iterator is confined to (struct bt_storage_range in <bt/storage.h>), owned copies of them,
 * and the clamping every backend applies before it seeks. Keys compare as unsigned bytes, a
 * prefix before any longer key (the order of <bt/storage.h>). */
#ifndef BTS_KVRANGE_H
#define BTS_KVRANGE_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One bound of a range: an owned copy of the key, or unset (no bound on that side). */
struct bts_kvbound {
    uint8_t *key; /* never NULL when is_set, even for the empty key */
    size_t len;
    int is_set;
};

/** The bounds of an iterator: keys k with lower <= k < upper (a bound unset: unbounded). A
 *  zeroed struct is the whole key space. */
struct bts_kvrange {
    struct bts_kvbound lower, upper;
};

/** Compare two keys bytewise (memcmp order, a proper prefix first).
 *  Returns: <0, 0 or >0 as a sorts before, equal to or after b.
 *  In:      a, a_len; b, b_len: the keys (may be NULL when the length is 0). Thread: any. */
BTS_API int bts_kvrange_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/** Copy the bounds of a range into r (which must be zeroed or freed). A NULL bound pointer
 *  leaves that side unbounded; a non-NULL one with length 0 is the empty key.
 *  Returns: BT_OK; BT_ENOMEM (r may hold one bound: free it with bts_kvrange_free).
 *  Out:     r: owns its copies until bts_kvrange_free.
 *  In:      lower, lower_len; upper, upper_len: the bounds, copied. Thread: any. */
BTS_API bt_status bts_kvrange_set(struct bts_kvrange *r, const uint8_t *lower, size_t lower_len,
                                  const uint8_t *upper, size_t upper_len) BT_MUST_CHECK;

/** Free the copies of r and zero it (whole key space). r may be NULL. Thread: the owner's. */
BTS_API void bts_kvrange_free(struct bts_kvrange *r);

/** Whether key lies inside r: lower <= key < upper.
 *  Returns: 1 inside, 0 outside. In: r; key, key_len. Thread: any (r is read only). */
BTS_API int bts_kvrange_contains(const struct bts_kvrange *r, const uint8_t *key, size_t key_len);

/** Clamp the target of a forward seek (to the first key >= target) to the lower bound: a NULL
 *  target (the first key) or one below the lower bound becomes the lower bound.
 *  In/Out:  *key, *key_len: the target; on return it may point into r (valid while r is).
 *  In:      r. Thread: any (r is read only). */
BTS_API void bts_kvrange_clamp_seek(const struct bts_kvrange *r, const uint8_t **key,
                                    size_t *key_len);

/** Clamp the target of a backward seek (to the last key <= target) to the upper bound: a NULL
 *  target (the last key) or one at or above the upper bound becomes the upper bound, which is
 *  itself outside the range.
 *  Returns: 1 when the target became the upper bound (seek to the last key < target), 0 when
 *           it is kept (the target itself qualifies).
 *  In/Out:  *key, *key_len: the target; on return it may point into r (valid while r is).
 *  In:      r. Thread: any (r is read only). */
BTS_API int bts_kvrange_clamp_seek_prev(const struct bts_kvrange *r, const uint8_t **key,
                                        size_t *key_len);

#ifdef __cplusplus
}
#endif

#endif /* BTS_KVRANGE_H */
