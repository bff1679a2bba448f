/* consensus-bttc: the producer snapshot (PROTOCOL.md §3.4). A snapshot after block n holds the
 * validator set whose proposer is in turn for block n+1. Snapshots are cached in memory by block
 * hash and checkpointed to the host storage every 1024 blocks (as upstream's checkpointInterval),
 * so a restart replays at most 1023 headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bttc_int.h"

uint64_t bttc_delay(const struct bttc_params *p, uint64_t number, uint64_t succession)
{
    uint64_t d = number % p->sprint == 0 ? p->producer_delay : p->period;
    return d + succession * p->backup_multiplier;
}

bt_status bttc_signer(struct bttc *b, const struct bts_header *h, const uint8_t hash[32],
                      uint8_t out[20])
{
    struct bttc_sigent *e = &b->sigs[(hash[0] | hash[1] << 8) % BTTC_SIG_CACHE];
    if (e->used && memcmp(e->hash, hash, 32) == 0) {
        memcpy(out, e->signer, 20);
        return BT_OK;
    }
    struct bt_address a;
    bt_status st = bts_header_bor_signer(&a, h, 0);
    if (st != BT_OK)
        return st;
    memcpy(out, a.bytes, 20);
    memcpy(e->hash, hash, 32);
    memcpy(e->signer, a.bytes, 20);
    e->used = 1;
    return BT_OK;
}

long bttc_succession(struct bttc_snap *s, const uint8_t signer[20])
{
    long si = bts_valset_find(&s->vs, signer);
    size_t pi = bts_valset_proposer(&s->vs);
    if (si < 0 || pi == SIZE_MAX)
        return -1;
    long n = (long)s->vs.n;
    return ((si - (long)pi) % n + n) % n;
}

static void hex20(char out[41], const uint8_t a[20])
{
    for (int i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", a[i]);
}

bt_status bttc_snap_apply(struct bttc *b, struct bttc_snap *s, const struct bts_header *h,
                          const uint8_t hash[32])
{
    uint8_t signer[20];
    bt_status st = bttc_signer(b, h, hash, signer);
    if (st != BT_OK)
        return bttc_fail(b, BT_EINVAL, "invalid seal: block %llu: %s",
                         (unsigned long long)h->number, bts_header_strerror(st));
    if (bts_valset_find(&s->vs, signer) < 0) {
        char a[41];
        hex20(a, signer);
        return bttc_fail(b, BT_EINVAL, "unauthorized signer: block %llu signed by 0x%s",
                         (unsigned long long)h->number, a);
    }
    uint64_t n = h->number;
    if (n > 0 && (n + 1) % b->p.sprint == 0) {
        size_t k;
        st = bts_header_bor_extra_check(h->extra, h->extra_len, n, b->p.sprint, &k);
        if (st != BT_OK)
            return bttc_fail(b, BT_EINVAL, "invalid extra-data: block %llu: %s",
                             (unsigned long long)n, bts_header_strerror(st));
        struct bts_validator *list = calloc(k ? k : 1, sizeof(*list));
        if (!list)
            return BT_ENOMEM;
        for (size_t i = 0; i < k; i++) {
            struct bt_address a;
            struct bts_u256 p;
            if (bts_header_bor_validator(h->extra, h->extra_len, i, &a, &p) != BT_OK) {
                free(list);
                return bttc_fail(b, BT_EINVAL, "invalid validator list on sprint end block");
            }
            memcpy(list[i].address, a.bytes, 20);
            list[i].power = (int64_t)p.w[0]; /* big.Int.Int64: the low 64 bits */
        }
        st = bts_valset_bor_apply(&s->vs, list, k);
        free(list);
        if (st == BT_OK)
            st = bts_valset_increment(&s->vs, 1);
        if (st != BT_OK)
            return bttc_fail(b, st == BT_ENOMEM ? st : BT_EINVAL,
                             "invalid validator list on sprint end block %llu",
                             (unsigned long long)n);
    }
    s->number = n;
    memcpy(s->hash, hash, 32);
    return BT_OK;
}

/* --- storage encoding: number(8) hash(32) n(4) proposer(4) total(8) n x (addr 20, power 8,
 *     priority 8), integers big-endian -------------------------------------------------------- */

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

bt_status bttc_snap_encode(const struct bttc_snap *s, uint8_t **out, size_t *out_len)
{
    size_t len = 56 + 36 * s->vs.n;
    uint8_t *p = malloc(len);
    if (!p)
        return BT_ENOMEM;
    put64(p, s->number);
    memcpy(p + 8, s->hash, 32);
    put64(p + 40, (uint64_t)s->vs.n << 32 |
                      (s->vs.proposer == SIZE_MAX ? 0xffffffffu : (uint32_t)s->vs.proposer));
    put64(p + 48, (uint64_t)s->vs.total);
    for (size_t i = 0; i < s->vs.n; i++) {
        uint8_t *q = p + 56 + 36 * i;
        memcpy(q, s->vs.v[i].address, 20);
        put64(q + 20, (uint64_t)s->vs.v[i].power);
        put64(q + 28, (uint64_t)s->vs.v[i].priority);
    }
    *out = p;
    *out_len = len;
    return BT_OK;
}

bt_status bttc_snap_decode(struct bttc_snap *s, const uint8_t *p, size_t len)
{
    if (len < 56)
        return BT_EINVAL;
    uint64_t np = get64(p + 40);
    size_t n = (size_t)(np >> 32);
    uint32_t prop = (uint32_t)np;
    if (len != 56 + 36 * n || n == 0 || (prop != 0xffffffffu && prop >= n))
        return BT_EINVAL;
    struct bts_valset vs;
    bts_valset_init(&vs);
    vs.v = calloc(n, sizeof(*vs.v));
    if (!vs.v)
        return BT_ENOMEM;
    vs.n = vs.cap = n;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *q = p + 56 + 36 * i;
        memcpy(vs.v[i].address, q, 20);
        vs.v[i].power = (int64_t)get64(q + 20);
        vs.v[i].priority = (int64_t)get64(q + 28);
        if (i && memcmp(vs.v[i - 1].address, vs.v[i].address, 20) >= 0) {
            bts_valset_free(&vs);
            return BT_EINVAL;
        }
    }
    vs.proposer = prop == 0xffffffffu ? SIZE_MAX : prop;
    vs.total = (int64_t)get64(p + 48);
    bts_valset_free(&s->vs);
    s->vs = vs;
    s->number = get64(p);
    memcpy(s->hash, p + 8, 32);
    return BT_OK;
}

/* --- cache and storage ---------------------------------------------------------------------- */

static struct bttc_snap *cache_find(struct bttc *b, const uint8_t hash[32])
{
    for (size_t i = 0; i < BTTC_SNAP_CACHE; i++)
        if (b->cache[i].vs.n && memcmp(b->cache[i].hash, hash, 32) == 0)
            return &b->cache[i];
    return NULL;
}

static struct bttc_snap *cache_put(struct bttc *b, const struct bttc_snap *s)
{
    struct bttc_snap *e = cache_find(b, s->hash);
    if (!e) {
        e = &b->cache[b->cache_next];
        b->cache_next = (b->cache_next + 1) % BTTC_SNAP_CACHE;
    }
    if (bts_valset_copy(&e->vs, &s->vs) != BT_OK)
        return NULL;
    e->number = s->number;
    memcpy(e->hash, s->hash, 32);
    return e;
}

static void store_key(uint8_t key[37], const uint8_t hash[32])
{
    memcpy(key, "snap-", 5);
    memcpy(key + 5, hash, 32);
}

static void snap_store(struct bttc *b, const struct bttc_snap *s)
{
    if (!b->stor)
        return;
    uint8_t *val;
    size_t len;
    if (bttc_snap_encode(s, &val, &len) != BT_OK)
        return;
    uint8_t key[37];
    store_key(key, s->hash);
    struct bt_storage_op op = {
        .type = BT_STORAGE_PUT, .key = key, .key_len = sizeof(key), .value = val, .value_len = len};
    struct bt_storage_batch batch = {.struct_size = sizeof(batch), .ops = &op, .n_ops = 1};
    bt_status st = b->stor->write(b->stor_self, b->hctx, &batch);
    if (st != BT_OK)
        b->host->log(b->hctx, BT_LOG_WARN, "snapshot not stored", "number=%llu err=%s",
                     (unsigned long long)s->number, bts_status_str(st));
    free(val);
}

static bt_status snap_load(struct bttc *b, const uint8_t hash[32], struct bttc_snap *out)
{
    if (!b->stor)
        return BT_ENOTFOUND;
    uint8_t key[37];
    store_key(key, hash);
    struct bt_value v = {0};
    bt_status st = b->stor->get(b->stor_self, b->hctx, NULL, key, sizeof(key), &v);
    if (st != BT_OK)
        return st;
    st = bttc_snap_decode(out, v.data, v.len);
    if (v.release)
        v.release(&v);
    if (st == BT_OK && memcmp(out->hash, hash, 32) != 0)
        st = BT_EINVAL;
    return st;
}

/* Snapshot at genesis: NewValidatorSet(getBorValidators(1)) at the genesis state. */
static bt_status snap_genesis(struct bttc *b, const uint8_t hash[32], struct bttc_snap *out)
{
    struct bts_validator *list;
    size_t n;
    bt_status st = bttc_call_validators(b, hash, 1, &list, &n);
    if (st != BT_OK)
        return st;
    st = bts_valset_new(&out->vs, list, n);
    free(list);
    if (st == BT_OK && n == 0)
        st = BT_EINVAL;
    if (st != BT_OK)
        return bttc_fail(b, st == BT_ENOMEM ? st : BT_EINVAL,
                         "genesis validator set from getBorValidators(1) is unusable");
    out->number = 0;
    memcpy(out->hash, hash, 32);
    return BT_OK;
}

bt_status bttc_snapshot(struct bttc *b, uint64_t number, const uint8_t hash[32],
                        struct bttc_snap **out)
{
    struct bttc_snap *hit = cache_find(b, hash);
    if (hit) {
        *out = hit;
        return BT_OK;
    }
    /* Walk back to a known snapshot keeping only hashes (32 bytes a block, so a replay from far
     * back stays small), then fetch and apply the headers forward. */
    uint8_t(*back)[32] = NULL;
    size_t n = 0, cap = 0;
    struct bttc_snap s = {0};
    bts_valset_init(&s.vs);
    uint8_t cur[32];
    memcpy(cur, hash, 32);
    uint64_t num = number;
    bt_status st;
    for (;;) {
        struct bttc_snap *c = cache_find(b, cur);
        if (c) {
            st = bts_valset_copy(&s.vs, &c->vs);
            s.number = c->number;
            memcpy(s.hash, c->hash, 32);
            break;
        }
        if (num % BTTC_SNAP_CHECKPOINT == 0 && snap_load(b, cur, &s) == BT_OK) {
            st = cache_put(b, &s) ? BT_OK : BT_ENOMEM;
            break;
        }
        if (num == 0) {
            st = snap_genesis(b, cur, &s);
            if (st == BT_OK) {
                snap_store(b, &s);
                st = cache_put(b, &s) ? BT_OK : BT_ENOMEM;
            }
            break;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            uint8_t(*g)[32] = realloc(back, nc * sizeof(*g));
            if (!g) {
                st = BT_ENOMEM;
                break;
            }
            back = g;
            cap = nc;
        }
        struct bttc_hdr hd;
        st = bttc_header_by_hash(b, cur, &hd);
        if (st != BT_OK)
            break;
        if (hd.h.number != num) {
            st = bttc_fail(b, BT_EINVAL, "header %llu has number %llu", (unsigned long long)num,
                           (unsigned long long)hd.h.number);
            bttc_hdr_free(&hd);
            break;
        }
        memcpy(back[n++], cur, 32);
        memcpy(cur, hd.h.parent_hash.bytes, 32);
        bttc_hdr_free(&hd);
        num--;
    }
    for (size_t i = n; st == BT_OK && i-- > 0;) {
        struct bttc_hdr hd;
        st = bttc_header_by_hash(b, back[i], &hd);
        if (st == BT_OK)
            st = bttc_snap_apply(b, &s, &hd.h, hd.hash);
        bttc_hdr_free(&hd);
        if (st == BT_OK && (i < BTTC_SNAP_CACHE || s.number % b->p.sprint == 0))
            st = cache_put(b, &s) ? BT_OK : BT_ENOMEM;
        if (st == BT_OK && s.number % BTTC_SNAP_CHECKPOINT == 0)
            snap_store(b, &s);
    }
    free(back);
    if (st == BT_OK) {
        hit = cache_put(b, &s);
        st = hit ? BT_OK : BT_ENOMEM;
    }
    bts_valset_free(&s.vs);
    if (st == BT_OK)
        *out = hit;
    return st;
}
