/* bts/valset.h: Tendermint v0.32 proposer priority as Bttc and Delivery run it. Go semantics
 * are kept where C differs: wrapping int64 subtraction in the max-min difference, truncating
 * division in the rescale (with Go's MinInt64 / -1 = MinInt64), Euclidean division (floor for
 * a positive divisor) of the big-int sum in the average. */
#include <bts/valset.h>

#include <stdlib.h>
#include <string.h>

void bts_valset_init(struct bts_valset *s)
{
    memset(s, 0, sizeof(*s));
    s->proposer = SIZE_MAX;
}

void bts_valset_free(struct bts_valset *s)
{
    free(s->v);
    bts_valset_init(s);
}

static bt_status vs_reserve(struct bts_valset *s, size_t n)
{
    if (n <= s->cap)
        return BT_OK;
    size_t cap = s->cap ? s->cap : 8;
    while (cap < n)
        cap *= 2;
    struct bts_validator *v = realloc(s->v, cap * sizeof(*v));
    if (!v)
        return BT_ENOMEM;
    s->v = v;
    s->cap = cap;
    return BT_OK;
}

bt_status bts_valset_copy(struct bts_valset *dst, const struct bts_valset *src)
{
    if (dst == src)
        return BT_OK;
    bts_valset_free(dst);
    if (src->n && vs_reserve(dst, src->n) != BT_OK)
        return BT_ENOMEM;
    if (src->n)
        memcpy(dst->v, src->v, src->n * sizeof(*src->v));
    dst->n = src->n;
    dst->total = src->total;
    dst->proposer = src->proposer;
    return BT_OK;
}

long bts_valset_find(const struct bts_valset *s, const uint8_t address[20])
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(s->v[mid].address, address, 20);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int64_t add_clip(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static int64_t sub_clip(int64_t a, int64_t b)
{
    if (b > 0 && a < INT64_MIN + b)
        return INT64_MIN;
    if (b < 0 && a > INT64_MAX + b)
        return INT64_MAX;
    return a - b;
}

/* Go int64 arithmetic wraps; C's is undefined on overflow, so go through uint64. */
static int64_t wrap_sub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

static int64_t wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t go_div(int64_t a, int64_t b)
{
    if (b == -1 && a == INT64_MIN)
        return INT64_MIN;
    return a / b;
}

/* Clipping sum that fails above the cap (UpdateTotalVotingPower). */
static bt_status vs_total(const struct bts_valset *s, int64_t *out)
{
    int64_t sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        sum = add_clip(sum, s->v[i].power);
        if (sum > BTS_VALSET_MAX_TOTAL)
            return BT_EINVAL;
    }
    *out = sum;
    return BT_OK;
}

static void vs_rescale(struct bts_valset *s, int64_t diff_max)
{
    if (diff_max <= 0 || s->n == 0)
        return;
    int64_t max = INT64_MIN, min = INT64_MAX;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].priority < min)
            min = s->v[i].priority;
        if (s->v[i].priority > max)
            max = s->v[i].priority;
    }
    int64_t diff = wrap_sub(max, min);
    if (diff < 0)
        diff = (int64_t)(0 - (uint64_t)diff);
    int64_t ratio = go_div(wrap_sub(wrap_add(diff, diff_max), 1), diff_max);
    if (diff > diff_max && ratio != 0)
        for (size_t i = 0; i < s->n; i++)
            s->v[i].priority = go_div(s->v[i].priority, ratio);
}

static void vs_shift_by_avg(struct bts_valset *s)
{
    if (s->n == 0)
        return;
    __int128 sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->v[i].priority;
    __int128 n = (__int128)s->n;
    __int128 q = sum / n;
    if (sum % n != 0 && sum < 0) /* big.Int.Div is Euclidean: floor for n > 0 */
        q--;
    int64_t avg = (int64_t)q; /* an average of int64 values fits */
    for (size_t i = 0; i < s->n; i++)
        s->v[i].priority = sub_clip(s->v[i].priority, avg);
}

/* The better of two candidates: higher priority, then lower address. */
static size_t vs_better(const struct bts_valset *s, size_t a, size_t b)
{
    if (s->v[a].priority != s->v[b].priority)
        return s->v[a].priority > s->v[b].priority ? a : b;
    return memcmp(s->v[a].address, s->v[b].address, 20) < 0 ? a : b;
}

static size_t vs_most(const struct bts_valset *s)
{
    size_t best = 0;
    for (size_t i = 1; i < s->n; i++)
        best = vs_better(s, best, i);
    return best;
}

static int64_t vs_cached_total(struct bts_valset *s)
{
    if (s->total == 0) {
        int64_t t;
        if (vs_total(s, &t) == BT_OK)
            s->total = t;
    }
    return s->total;
}

bt_status bts_valset_increment(struct bts_valset *s, uint32_t times)
{
    if (s->n == 0 || times == 0)
        return BT_EINVAL;
    int64_t total = vs_cached_total(s);
    vs_rescale(s, 2 * total);
    vs_shift_by_avg(s);
    size_t p = 0;
    for (uint32_t r = 0; r < times; r++) {
        for (size_t i = 0; i < s->n; i++)
            s->v[i].priority = add_clip(s->v[i].priority, s->v[i].power);
        p = vs_most(s);
        s->v[p].priority = sub_clip(s->v[p].priority, total);
    }
    s->proposer = p;
    return BT_OK;
}

size_t bts_valset_proposer(struct bts_valset *s)
{
    if (s->n == 0)
        return SIZE_MAX;
    if (s->proposer >= s->n)
        s->proposer = vs_most(s);
    return s->proposer;
}

static int vs_cmp_addr(const void *a, const void *b)
{
    return memcmp(((const struct bts_validator *)a)->address,
                  ((const struct bts_validator *)b)->address, 20);
}

bt_status bts_valset_update(struct bts_valset *s, const struct bts_validator *changes, size_t n,
                            int allow_removals)
{
    if (n == 0)
        return BT_OK;
    if (!changes)
        return BT_EINVAL;
    struct bts_validator *ch = malloc(n * sizeof(*ch));
    if (!ch)
        return BT_ENOMEM;
    memcpy(ch, changes, n * sizeof(*ch));
    qsort(ch, n, sizeof(*ch), vs_cmp_addr);
    bt_status st = BT_EINVAL;
    size_t n_removals = 0, n_new = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && memcmp(ch[i].address, ch[i - 1].address, 20) == 0)
            goto out; /* duplicate */
        if (ch[i].power < 0 || ch[i].power > BTS_VALSET_MAX_TOTAL)
            goto out;
        if (ch[i].power == 0) {
            if (!allow_removals || bts_valset_find(s, ch[i].address) < 0)
                goto out;
            n_removals++;
        }
    }
    /* verifyUpdates: cached total plus deltas of the updates, checked after each one. */
    int64_t t = vs_cached_total(s);
    for (size_t i = 0; i < n; i++) {
        if (ch[i].power == 0)
            continue;
        long k = bts_valset_find(s, ch[i].address);
        if (k < 0) {
            t += ch[i].power;
            n_new++;
        } else {
            t += ch[i].power - s->v[k].power;
        }
        if (t > BTS_VALSET_MAX_TOTAL)
            goto out;
    }
    if (n_new == 0 && s->n == n_removals)
        goto out; /* would be empty */
    /* computeNewPriorities, then merge updates and drop removals (both sorted). */
    struct bts_valset merged;
    bts_valset_init(&merged);
    st = vs_reserve(&merged, s->n + n_new);
    if (st != BT_OK)
        goto out;
    size_t i = 0, j = 0;
    while (i < s->n || j < n) {
        int c = i >= s->n ? 1 : j >= n ? -1 : memcmp(s->v[i].address, ch[j].address, 20);
        if (c < 0) {
            merged.v[merged.n++] = s->v[i++];
            continue;
        }
        struct bts_validator u = ch[j++];
        if (c == 0) {
            u.priority = s->v[i++].priority;
        } else {
            u.priority = -(t + (t >> 3));
        }
        if (u.power != 0)
            merged.v[merged.n++] = u;
    }
    int64_t total;
    st = vs_total(&merged, &total);
    if (st != BT_OK) {
        bts_valset_free(&merged);
        goto out;
    }
    merged.total = total;
    vs_rescale(&merged, 2 * total);
    vs_shift_by_avg(&merged);
    free(s->v);
    *s = merged;
    s->proposer = SIZE_MAX;
out:
    free(ch);
    return st;
}

bt_status bts_valset_new(struct bts_valset *s, const struct bts_validator *list, size_t n)
{
    struct bts_valset t;
    bts_valset_init(&t);
    bt_status st = bts_valset_update(&t, list, n, 0);
    if (st == BT_OK && n > 0)
        st = bts_valset_increment(&t, 1);
    if (st != BT_OK) {
        bts_valset_free(&t);
        return st;
    }
    bts_valset_free(s);
    *s = t;
    return BT_OK;
}

bt_status bts_valset_bor_apply(struct bts_valset *s, const struct bts_validator *list, size_t n)
{
    if (n > 0 && !list)
        return BT_EINVAL;
    struct bts_valset work;
    bts_valset_init(&work);
    bt_status st = bts_valset_copy(&work, s);
    if (st != BT_OK)
        return st;
    size_t n_changes = 0;
    struct bts_validator *ch = malloc((s->n + n + 1) * sizeof(*ch));
    if (!ch) {
        bts_valset_free(&work);
        return BT_ENOMEM;
    }
    /* Members: overwrite the power in the working set itself (upstream mutates the copy it
     * then updates, keeping its cached total), and list the change. */
    for (size_t i = 0; i < work.n; i++) {
        int64_t p = 0;
        for (size_t k = 0; k < n; k++)
            if (memcmp(list[k].address, work.v[i].address, 20) == 0) {
                p = list[k].power;
                break;
            }
        work.v[i].power = p;
        ch[n_changes] = work.v[i];
        n_changes++;
    }
    for (size_t k = 0; k < n; k++) {
        int seen = 0;
        for (size_t c = 0; c < n_changes && !seen; c++)
            seen = memcmp(ch[c].address, list[k].address, 20) == 0;
        if (!seen)
            ch[n_changes++] = list[k];
    }
    st = bts_valset_update(&work, ch, n_changes, 1);
    free(ch);
    if (st != BT_OK) {
        bts_valset_free(&work);
        return st;
    }
    bts_valset_free(s);
    *s = work;
    return BT_OK;
}
