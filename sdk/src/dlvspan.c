/* Span producer selection (PROTOCOL.md §4.5.3), written from the rule descriptions of
 * bttcprotocol/delivery@v1.0.9:bor/{selection.go,shuffle.go,keeper.go} and the swap-or-not
 * shuffle of prysmaticlabs/prysm@1be950f. */
#include <bts/dlvspan.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

bt_status bts_dlvspan_weighted_ranges(uint64_t *out, const struct bts_dlvspan_val *vals, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (vals[i].power < 0)
            return BT_EINVAL;
        if (sum > UINT64_MAX - (uint64_t)vals[i].power)
            return BT_ERANGE;
        sum += (uint64_t)vals[i].power;
    }
    sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += (uint64_t)vals[i].power;
        out[i] = sum;
    }
    return BT_OK;
}

long bts_dlvspan_binary_search(const uint64_t *ranges, size_t n, uint64_t target)
{
    if (n == 0)
        return -1;
    size_t l = 0, r = n - 1;
    while (l < r) {
        size_t mid = (l + r) / 2;
        if (ranges[mid] >= target)
            r = mid;
        else
            l = mid + 1;
    }
    return (long)l;
}

uint64_t bts_dlvspan_random_range(struct bts_gorand *r, uint64_t min, uint64_t max)
{
    if (max <= min)
        return max;
    uint64_t len = max - min + 1;
    if (len == 0) /* the whole uint64 range: every draw is acceptable */
        return bts_gorand_uint64(r);
    uint64_t limit = UINT64_MAX - UINT64_MAX % len - 1;
    uint64_t v = bts_gorand_uint64(r);
    while (v >= limit)
        v = bts_gorand_uint64(r);
    return min + v % len;
}

/* Shared prologue: with no more validators than producers, every validator is selected. */
static bt_status take_all(uint64_t *out_ids, size_t out_cap, size_t *out_len,
                          const struct bts_dlvspan_val *vals, size_t n)
{
    *out_len = n;
    if (out_cap < n)
        return BT_ERANGE;
    for (size_t i = 0; i < n; i++)
        out_ids[i] = vals[i].id;
    return BT_OK;
}

bt_status bts_dlvspan_new_select(uint64_t *out_ids, size_t out_cap, size_t *out_len,
                                 const uint8_t seed[32], const struct bts_dlvspan_val *vals,
                                 size_t n, uint64_t count)
{
    if (n == 0)
        return BT_EINVAL;
    if ((uint64_t)n <= count)
        return take_all(out_ids, out_cap, out_len, vals, n);
    *out_len = (size_t)count; /* count < n, so it fits */
    if (out_cap < (size_t)count)
        return BT_ERANGE;
    uint64_t *ranges = malloc(n * sizeof *ranges);
    if (!ranges)
        return BT_ENOMEM;
    bt_status st = bts_dlvspan_weighted_ranges(ranges, vals, n);
    if (st == BT_OK && ranges[n - 1] == 0)
        st = BT_EINVAL;
    if (st != BT_OK) {
        free(ranges);
        return st;
    }
    uint64_t s = 0;
    for (int i = 0; i < 8; i++)
        s = s << 8 | seed[i];
    struct bts_gorand *r = malloc(sizeof *r);
    if (!r) {
        free(ranges);
        return BT_ENOMEM;
    }
    bts_gorand_seed(r, (int64_t)s); /* two's-complement reinterpretation, as Go's int64() */
    for (uint64_t k = 0; k < count; k++) {
        uint64_t t = bts_dlvspan_random_range(r, 1, ranges[n - 1]);
        out_ids[k] = vals[bts_dlvspan_binary_search(ranges, n, t)].id;
    }
    free(r);
    free(ranges);
    return BT_OK;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* State of one swap-or-not pass: buf = seed ‖ round ‖ le32(position >> 8), its hash and the
 * current byte of that hash. */
struct shuf {
    uint8_t buf[37];
    uint8_t src[32];
    uint8_t byte;
};

static void shuf_source(struct shuf *s, uint64_t pos)
{
    put_le32(s->buf + 33, (uint32_t)(pos >> 8));
    bts_keccak256(s->src, s->buf, sizeof s->buf);
}

static void swap_or_not(struct shuf *s, uint64_t *list, uint64_t i, uint64_t j)
{
    if ((j & 0xff) == 0xff)
        shuf_source(s, j);
    if ((j & 7) == 7)
        s->byte = s->src[(j & 0xff) >> 3];
    if ((s->byte >> (j & 7)) & 1) {
        uint64_t t = list[i];
        list[i] = list[j];
        list[j] = t;
    }
}

bt_status bts_dlvspan_shuffle(uint64_t *list, size_t n, const uint8_t seed[32])
{
    if (n <= 1)
        return BT_OK;
    if ((uint64_t)n >= ((uint64_t)1 << 40))
        return BT_ERANGE;
    uint64_t size = n;
    struct shuf s;
    memset(&s, 0, sizeof s);
    memcpy(s.buf, seed, 32);
    for (unsigned round = 0; round < BTS_DLVSPAN_SHUFFLE_ROUNDS; round++) {
        s.buf[32] = (uint8_t)round;
        uint8_t ph[32];
        bts_keccak256(ph, s.buf, 33);
        uint64_t le = 0;
        for (int b = 7; b >= 0; b--)
            le = le << 8 | ph[b];
        uint64_t pivot = le % size;
        uint64_t mirror = (pivot + 1) >> 1;
        shuf_source(&s, pivot);
        s.byte = s.src[(pivot & 0xff) >> 3];
        for (uint64_t i = 0, j = pivot; i < mirror; i++, j--)
            swap_or_not(&s, list, i, j);
        mirror = (pivot + size + 1) >> 1;
        uint64_t end = size - 1;
        shuf_source(&s, end);
        s.byte = s.src[(end & 0xff) >> 3];
        for (uint64_t i = pivot + 1, j = end; i < mirror; i++, j--)
            swap_or_not(&s, list, i, j);
    }
    return BT_OK;
}

bt_status bts_dlvspan_old_select(uint64_t *out_ids, size_t out_cap, size_t *out_len,
                                 const uint8_t seed[32], const struct bts_dlvspan_val *vals,
                                 size_t n, uint64_t count)
{
    if (n == 0)
        return BT_EINVAL;
    if ((uint64_t)n <= count)
        return take_all(out_ids, out_cap, out_len, vals, n);
    uint64_t slots = 0;
    for (size_t i = 0; i < n; i++) {
        if (vals[i].power < 0)
            return BT_EINVAL;
        if ((uint64_t)vals[i].power > BTS_DLVSPAN_MAX_SLOTS - slots)
            return BT_ERANGE;
        slots += (uint64_t)vals[i].power;
    }
    *out_len = (size_t)count;
    /* Upstream slices [0:count] of the shuffled slots, which panics when count exceeds them. */
    if (count > slots || out_cap < (size_t)count)
        return BT_ERANGE;
    uint64_t *list = malloc((size_t)(slots ? slots : 1) * sizeof *list);
    if (!list)
        return BT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (int64_t p = 0; p < vals[i].power; p++)
            list[k++] = vals[i].id;
    bt_status st = bts_dlvspan_shuffle(list, k, seed);
    if (st == BT_OK)
        memcpy(out_ids, list, (size_t)count * sizeof *list);
    free(list);
    return st;
}

static int cmp_signer(const void *a, const void *b)
{
    const struct bts_dlvspan_val *x = a, *y = b;
    return memcmp(x->signer, y->signer, 20);
}

bt_status bts_dlvspan_select_producers(struct bts_dlvspan_val *out, size_t out_cap, size_t *out_len,
                                       const uint8_t seed[32], const struct bts_dlvspan_val *vals,
                                       size_t n, uint64_t count, uint64_t height)
{
    if ((uint64_t)n <= count) {
        *out_len = n;
        if (out_cap < n)
            return BT_ERANGE;
        if (n)
            memcpy(out, vals, n * sizeof *vals);
        return BT_OK;
    }
    size_t need = (size_t)count;
    uint64_t *ids = malloc((need ? need : 1) * sizeof *ids);
    if (!ids)
        return BT_ENOMEM;
    size_t got = 0;
    bt_status st = height < BTS_DLVSPAN_NEW_SELECT_HEIGHT
                       ? bts_dlvspan_old_select(ids, need, &got, seed, vals, n, count)
                       : bts_dlvspan_new_select(ids, need, &got, seed, vals, n, count);
    if (st != BT_OK) {
        free(ids);
        return st;
    }
    /* Group slots by ID; producers are the distinct IDs (at most `got`). Each ID is looked up
     * in vals (first match), as the keeper's GetValidatorFromValID does. */
    size_t m = 0;
    struct bts_dlvspan_val *tmp = malloc((got ? got : 1) * sizeof *tmp);
    if (!tmp) {
        free(ids);
        return BT_ENOMEM;
    }
    for (size_t k = 0; k < got; k++) {
        size_t j = 0;
        while (j < m && tmp[j].id != ids[k])
            j++;
        if (j < m) {
            tmp[j].power++;
            continue;
        }
        size_t v = 0;
        while (v < n && vals[v].id != ids[k])
            v++;
        if (v == n)
            continue; /* cannot happen: ids come from vals */
        tmp[m] = vals[v];
        tmp[m].power = 1;
        m++;
    }
    free(ids);
    *out_len = m;
    if (out_cap < m) {
        free(tmp);
        return BT_ERANGE;
    }
    qsort(tmp, m, sizeof *tmp, cmp_signer);
    memcpy(out, tmp, m * sizeof *tmp);
    free(tmp);
    return BT_OK;
}
