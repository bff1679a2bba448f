/* consensus-dev: the development engine (DESIGN.md §2). One signer from the host keystore (the
 * key never enters the plugin: seals go through host->sign). Headers use the Bor layout
 * (PROTOCOL.md §3.2, §3.3): extraData = 32-byte vanity || 65-byte seal, no validator bytes,
 * difficulty 1, zero coinbase (fees go to the author, the signer). `period = 0` seals as soon
 * as a transaction is pending; `period = N` seals every N seconds, empty blocks included (as
 * geth --dev.period does).
 * Keys of [plugin consensus-dev]: signer = 0x<address> (required; `bttcd run --dev` fills it),
 * period = seconds (default 0), follow = 1 (verify-only: the signer is another node's, whose
 * blocks arrive over p2p; this node never produces and needs no key; `--dev.follow ADDR`). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <bt/consensus.h>
#include <bt/plugin.h>

#include <bts/header.h>
#include <bts/hex.h>

#define DEV_EXTRA_LEN (BTS_HEADER_BOR_VANITY_LEN + BTS_HEADER_BOR_SEAL_LEN)
/* A block may be at most this far ahead of the wall clock (go-ethereum allowedFutureBlockTime). */
#define DEV_FUTURE_S 15

struct dev {
    const struct bt_host *host;
    struct bt_host_ctx *h;
    char signer_id[43]; /* "0x" + 40 hex */
    uint8_t signer[20];
    uint64_t period;
    uint64_t is_follow; /* verify-only */
};

static bt_status conf_u64(struct dev *d, const char *key, uint64_t *out)
{
    struct bt_conf_entry e;
    if (d->host->conf_get(d->h, key, &e) != BT_OK)
        return BT_OK;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(e.value, &end, 10);
    if (errno || end == e.value || *end || e.value[0] == '-') {
        d->host->set_error(d->h, "%s:%u: %s: not a number of seconds: \"%s\"", e.file, e.line, key,
                           e.value);
        return BT_EINVAL;
    }
    *out = v;
    return BT_OK;
}

static bt_status dev_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    struct dev *d = host->mem_alloc(hctx, sizeof(*d));
    if (!d)
        return BT_ENOMEM;
    memset(d, 0, sizeof(*d));
    d->host = host;
    d->h = hctx;
    size_t it = 0;
    struct bt_conf_entry e;
    bt_status st = BT_OK;
    while (st == BT_OK && host->conf_next(hctx, &it, &e) == BT_OK) {
        if (strcmp(e.key, "signer") != 0 && strcmp(e.key, "period") != 0 &&
            strcmp(e.key, "follow") != 0) {
            host->set_error(hctx, "%s:%u: unknown key \"%s\" (known: signer, period, follow)",
                            e.file, e.line, e.key);
            st = BT_EINVAL;
        }
    }
    if (st == BT_OK)
        st = conf_u64(d, "period", &d->period);
    if (st == BT_OK)
        st = conf_u64(d, "follow", &d->is_follow);
    if (st == BT_OK && host->conf_get(hctx, "signer", &e) != BT_OK) {
        host->set_error(hctx, "signer: missing (the address of a keystore key; `bttcd run --dev` "
                              "creates one)");
        st = BT_EINVAL;
    }
    size_t n;
    if (st == BT_OK &&
        (strlen(e.value) != 42 ||
         bts_hex_decode(d->signer, sizeof(d->signer), &n, e.value, 42, BTS_HEX_0X) != BT_OK ||
         n != 20)) {
        host->set_error(hctx, "%s:%u: signer: not an address: \"%s\"", e.file, e.line, e.value);
        st = BT_EINVAL;
    }
    if (st != BT_OK) {
        host->mem_free(hctx, d);
        return st;
    }
    memcpy(d->signer_id, e.value, 43);
    *out_self = d;
    return BT_OK;
}

static bt_status dev_start(void *self)
{
    struct dev *d = self;
    uint8_t a[20];
    if (d->is_follow) {
        d->host->log(d->h, BT_LOG_INFO, "dev consensus", "signer=%s follow=1", d->signer_id);
        return BT_OK;
    }
    bt_status st = d->host->key_address(d->h, d->signer_id, a);
    if (st != BT_OK) {
        d->host->set_error(d->h, "signer %s: not in the keystore (or not unlocked)", d->signer_id);
        return st;
    }
    d->host->log(d->h, BT_LOG_INFO, "dev consensus", "signer=%s period=%" PRIu64, d->signer_id,
                 d->period);
    return BT_OK;
}

static void dev_destroy(void *self)
{
    struct dev *d = self;
    d->host->mem_free(d->h, d);
}

static bt_status decode(struct dev *d, const struct bt_header *bh, struct bts_header *out)
{
    bt_status st = bts_header_decode(out, bh->rlp, bh->rlp_len);
    if (st != BT_OK)
        d->host->set_error(d->h, "header: %s", bts_header_strerror(st));
    return st == BT_OK ? BT_OK : BT_EINVAL;
}

static bt_status dev_author(void *self, const struct bt_header *bh, uint8_t out_addr[20])
{
    struct dev *d = self;
    struct bts_header h;
    bt_status st = decode(d, bh, &h);
    if (st != BT_OK)
        return st;
    struct bt_address a;
    if ((st = bts_header_bor_signer(&a, &h, 0)) != BT_OK) {
        d->host->set_error(d->h, "%s", bts_header_strerror(st));
        return BT_EINVAL;
    }
    memcpy(out_addr, a.bytes, 20);
    return BT_OK;
}

static bt_status dev_verify(void *self, const struct bt_header *h, const struct bt_header *parent,
                            uint32_t flags)
{
    struct dev *d = self;
    if (h->number != parent->number + 1 || memcmp(h->parent_hash, parent->hash, 32) != 0) {
        d->host->set_error(d->h, "unknown ancestor");
        return BT_ENOTFOUND;
    }
    if (h->time <= parent->time) {
        d->host->set_error(d->h, "invalid timestamp: %" PRIu64 " not after parent %" PRIu64,
                           h->time, parent->time);
        return BT_EINVAL;
    }
    if (h->time > d->host->wall_ms(d->h) / 1000 + DEV_FUTURE_S + 3600 * 24 * 365) {
        /* Blocks on demand run ahead of the clock (one second per block), so only absurd
         * times are refused. */
        d->host->set_error(d->h, "block in the future");
        return BT_EBUSY;
    }
    if (h->extra_len != DEV_EXTRA_LEN) {
        d->host->set_error(d->h, "invalid extra-data: %zu bytes, want %d", h->extra_len,
                           DEV_EXTRA_LEN);
        return BT_EINVAL;
    }
    static const uint8_t one[32] = {[31] = 1};
    if (memcmp(h->difficulty, one, 32) != 0) {
        d->host->set_error(d->h, "wrong difficulty: want 1");
        return BT_EINVAL;
    }
    if (h->gas_limit != parent->gas_limit) {
        d->host->set_error(d->h, "invalid gas limit: have %" PRIu64 ", want %" PRIu64, h->gas_limit,
                           parent->gas_limit);
        return BT_EINVAL;
    }
    if (flags & BT_VERIFY_SEAL) {
        uint8_t a[20];
        bt_status st = dev_author(d, h, a);
        if (st != BT_OK)
            return st;
        if (memcmp(a, d->signer, 20) != 0) {
            d->host->set_error(d->h, "unauthorized signer");
            return BT_EINVAL;
        }
    }
    return BT_OK;
}

static bt_status dev_schedule(void *self, const struct bt_header *parent, uint64_t n_pending,
                              uint64_t *out_time_ms)
{
    struct dev *d = self;
    if (d->is_follow)
        return BT_ENOTFOUND; /* a follower never produces */
    if (d->period == 0) {
        if (n_pending == 0)
            return BT_ENOTFOUND;
        *out_time_ms = d->host->wall_ms(d->h);
        return BT_OK;
    }
    *out_time_ms = (parent->time + d->period) * 1000;
    return BT_OK;
}

static bt_status dev_prepare(void *self, const struct bt_header *parent,
                             struct bt_header_draft *draft)
{
    struct dev *d = self;
    if (draft->extra_cap < DEV_EXTRA_LEN) {
        draft->extra_len = DEV_EXTRA_LEN;
        return BT_ERANGE;
    }
    uint64_t now = d->host->wall_ms(d->h) / 1000;
    draft->number = parent->number + 1;
    draft->time = now > parent->time ? now : parent->time + 1;
    draft->gas_limit = parent->gas_limit;
    memset(draft->coinbase, 0, 20);
    memset(draft->difficulty, 0, 32);
    draft->difficulty[31] = 1;
    memset(draft->mix_digest, 0, 32);
    memset(draft->nonce, 0, 8);
    memset(draft->extra, 0, DEV_EXTRA_LEN);
    draft->extra_len = DEV_EXTRA_LEN;
    return BT_OK;
}

static bt_status dev_finalize(void *self, const struct bt_header *h,
                              const struct bt_block_state_ops *ops, void *state)
{
    (void)self, (void)h, (void)ops, (void)state;
    return BT_OK; /* no system contracts on a dev chain */
}

static bt_status dev_seal(void *self, const struct bt_header *bh, uint8_t *extra, size_t extra_len)
{
    struct dev *d = self;
    struct bts_header h;
    bt_status st = decode(d, bh, &h);
    if (st != BT_OK)
        return st;
    if (extra_len < BTS_HEADER_BOR_SEAL_LEN) {
        d->host->set_error(d->h, "extra-data 65 byte signature suffix missing");
        return BT_EINVAL;
    }
    uint8_t digest[32], sig[65];
    if ((st = bts_header_bor_seal_hash(digest, &h, 0)) != BT_OK)
        return st;
    if ((st = d->host->sign(d->h, sig, d->signer_id, digest)) != BT_OK) {
        d->host->set_error(d->h, "signer %s: %s", d->signer_id, d->host->last_error(d->h));
        return st == BT_ENOTFOUND ? BT_EPERM : st;
    }
    memcpy(extra + extra_len - BTS_HEADER_BOR_SEAL_LEN, sig, 65);
    return BT_OK;
}

static const struct bt_consensus_vtbl dev_vtbl = {
    .struct_size = sizeof(struct bt_consensus_vtbl),
    .verify_header = dev_verify,
    .schedule = dev_schedule,
    .prepare = dev_prepare,
    .finalize = dev_finalize,
    .seal = dev_seal,
    .author = dev_author,
    .on_head = NULL,
};

BT_PLUGIN_DEFINE(dev_vtbl, .kind = BT_KIND_CONSENSUS, .name = "consensus-dev", .version = "0.1.0",
                 .create = dev_create, .start = dev_start, .destroy = dev_destroy);
