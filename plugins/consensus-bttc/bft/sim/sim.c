/* One simulated network of BFT engines (see sim.h). The simulator plays the host: it carries
 * out the engines' actions, answers the application's questions, keeps each validator's WAL
 * record on its "disk", and watches every signature, commit and evidence report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "bft.h"
#include "sim.h"

#define MAXN 64
#define MAXH 512

enum byz { HONEST = 0, BYZ_SILENT, BYZ_EQUIVOCATE, BYZ_MALFORMED };

struct node {
    struct bft_engine *e;
    int up;
    uint32_t epoch;
    enum byz byz;
    uint8_t secret[32];
    uint64_t committed; /* heights committed (== last committed height) */
    struct bft_wal_rec wal;
    struct bft_msg wal_pol[3 * MAXN]; /* the record's lock proof, copied */
    int has_wal;
    int crash_at_wal; /* crash right after the next durable WAL write */
    int crashed_now;
    int group; /* partition side */
    uint64_t attacked_h;
    int32_t attacked_r;
    uint64_t catchup_at[MAXN];
};

/* Honest signatures seen, to catch double signing: (validator, height, round, type) -> value. */
struct sig_rec {
    uint64_t key;
    uint8_t used, has_value;
    uint8_t value[32];
    uint8_t ext[32]; /* precommits: the extension hash signed */
};

struct sim {
    const struct sim_opts *o;
    struct sim_result *r;
    struct sim_rng g;
    struct sim_queue q;
    uint64_t now;
    uint32_t n;
    struct node nodes[MAXN];
    struct bts_valset sets[MAXH + 2]; /* sets[h]: the set of height h (lazily built) */
    uint64_t sets_n;
    int decided[MAXH + 2];
    uint8_t decision[MAXH + 2][32];
    uint8_t cert[MAXH + 2][MAXN][BFT_MSG_MAX];
    size_t cert_len[MAXH + 2][MAXN];
    size_t cert_n[MAXH + 2];
    uint8_t stale[64][BFT_MSG_MAX]; /* honest messages Byzantine ones replay later */
    size_t stale_len[64];
    struct sig_rec *sigs;
    size_t sigs_cap, sigs_n;
    /* network */
    uint32_t loss_pm, dup_pm, delay_min, delay_max;
    int partitioned;
    int failed;
};

static void fail(struct sim *s, const char *fmt, ...)
{
    va_list ap;
    if (s->failed)
        return;
    s->failed = 1;
    va_start(ap, fmt);
    vsnprintf(s->r->why, sizeof s->r->why, fmt, ap);
    va_end(ap);
}

static void trace(struct sim *s, const char *fmt, ...)
{
    va_list ap;
    if (!s->o->verbose)
        return;
    fprintf(stderr, "[%8llu ms] ", (unsigned long long)s->now);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static struct bts_valset *set_at(struct sim *s, uint64_t h)
{
    while (s->sets_n <= h && s->sets_n <= MAXH) {
        struct bts_valset *d = &s->sets[s->sets_n];
        bts_valset_init(d);
        if (bts_valset_copy(d, &s->sets[s->sets_n - 1]) != BT_OK ||
            bts_valset_increment(d, 1) != BT_OK)
            fail(s, "valset for height %llu", (unsigned long long)s->sets_n);
        s->sets_n++;
    }
    return &s->sets[h <= MAXH ? h : MAXH];
}

static uint32_t proposer_of(struct sim *s, uint64_t h, int32_t round)
{
    struct bts_valset c;
    bts_valset_init(&c);
    if (bts_valset_copy(&c, set_at(s, h)) != BT_OK)
        return 0;
    if (round > 0 && bts_valset_increment(&c, (uint32_t)round) != BT_OK)
        round = 0;
    uint32_t p = (uint32_t)bts_valset_proposer(&c);
    bts_valset_free(&c);
    return p;
}

/* --- the network ------------------------------------------------------------------------ */

static int connected(struct sim *s, uint32_t a, uint32_t b)
{
    return !s->partitioned || s->nodes[a].group == s->nodes[b].group;
}

static void send_bytes(struct sim *s, uint32_t from, uint32_t to, const uint8_t *p, size_t len)
{
    struct sim_event ev;
    if (len > sizeof ev.bytes)
        return;
    s->r->msgs++;
    if (!connected(s, from, to) || sim_below(&s->g, 1000) < s->loss_pm) {
        s->r->dropped++;
        return;
    }
    int copies = sim_below(&s->g, 1000) < s->dup_pm ? 2 : 1;
    for (int c = 0; c < copies; c++) {
        memset(&ev, 0, offsetof(struct sim_event, bytes));
        ev.kind = SIM_EV_DELIVER;
        ev.t = s->now + s->delay_min + sim_below(&s->g, s->delay_max - s->delay_min + 1);
        ev.node = to;
        ev.from = from;
        ev.len = (uint16_t)len;
        memcpy(ev.bytes, p, len);
        if (!sim_queue_push(&s->q, &ev))
            fail(s, "out of memory");
    }
}

static void broadcast_bytes(struct sim *s, uint32_t from, const uint8_t *p, size_t len)
{
    for (uint32_t j = 0; j < s->n; j++)
        if (j != from)
            send_bytes(s, from, j, p, len);
}

/* --- signatures: a keyed hash per validator stands in for secp256k1 (the engine only sees
 * the callbacks; the real signer is the host's service). ---------------------------------- */

static void mac(const uint8_t secret[32], const uint8_t *b, size_t n, uint8_t sig[BFT_SIG_LEN])
{
    struct bts_keccak k;
    memset(sig, 0, BFT_SIG_LEN);
    bts_keccak_init(&k);
    bts_keccak_update(&k, secret, 32);
    bts_keccak_update(&k, b, n);
    bts_keccak_final(&k, sig);
}

struct cbctx {
    struct sim *s;
    uint32_t i;
};
static struct cbctx ctxs[MAXN];

static uint64_t sig_key(uint32_t v, uint64_t h, int32_t r, int type)
{
    return ((uint64_t)v << 56) ^ (h << 34) ^ ((uint64_t)(uint32_t)r << 2) ^ (uint64_t)type;
}

static void note_signed(struct sim *s, const struct bft_msg *m)
{
    if (s->sigs_n * 2 >= s->sigs_cap) {
        size_t cap = s->sigs_cap ? s->sigs_cap * 2 : 4096;
        struct sig_rec *t = calloc(cap, sizeof *t);
        if (!t) {
            fail(s, "out of memory");
            return;
        }
        for (size_t i = 0; i < s->sigs_cap; i++) {
            if (!s->sigs[i].used)
                continue;
            size_t j = s->sigs[i].key % cap;
            while (t[j].used)
                j = (j + 1) % cap;
            t[j] = s->sigs[i];
        }
        free(s->sigs);
        s->sigs = t;
        s->sigs_cap = cap;
    }
    uint64_t key = sig_key(m->validator, m->height, m->round, m->type);
    size_t j = key % s->sigs_cap;
    while (s->sigs[j].used) {
        if (s->sigs[j].key == key) {
            if (s->sigs[j].has_value != m->has_value ||
                (m->has_value && memcmp(s->sigs[j].value, m->value, 32)) ||
                memcmp(s->sigs[j].ext, m->ext_hash, 32))
                fail(s,
                     "double signing: honest validator %u signed two values at h=%llu r=%d "
                     "type=%d",
                     m->validator, (unsigned long long)m->height, m->round, m->type);
            return;
        }
        j = (j + 1) % s->sigs_cap;
    }
    s->sigs[j].used = 1;
    s->sigs[j].key = key;
    s->sigs[j].has_value = m->has_value;
    memcpy(s->sigs[j].value, m->value, 32);
    memcpy(s->sigs[j].ext, m->ext_hash, 32);
    s->sigs_n++;
}

/* Every honest signature is watched when it is made (not only when it leaves: a validator
 * killed right after signing may still have sent it). The sign bytes are
 * ["dlv/1", chain, type, height, round, pol + 1, value]. */
static void watch_sig(struct sim *s, uint32_t v, const uint8_t *b, size_t n)
{
    struct bts_rlp_item top, it;
    struct bts_rlp_iter iter;
    uint64_t f[4];
    const uint8_t *p;
    size_t len;
    struct bft_msg m;
    memset(&m, 0, sizeof m);
    if (bts_rlp_decode(&top, b, n) != BT_OK) {
        fail(s, "unreadable sign bytes");
        return;
    }
    bts_rlp_iter_init(&iter, &top);
    for (int k = 0; k < 2; k++)
        if (bts_rlp_iter_next(&iter, &it) != BT_OK)
            return;
    for (int k = 0; k < 4; k++)
        if (bts_rlp_iter_next(&iter, &it) != BT_OK || bts_rlp_item_u64(&it, &f[k]) != BT_OK)
            return;
    if (bts_rlp_iter_next(&iter, &it) != BT_OK || bts_rlp_item_bytes(&it, &p, &len) != BT_OK)
        return;
    m.type = (uint8_t)f[0];
    m.height = f[1];
    m.round = (int32_t)f[2];
    m.validator = v;
    m.has_value = len == 32;
    if (len == 32)
        memcpy(m.value, p, 32);
    /* the extension hash, when present, is part of what was signed */
    if (bts_rlp_iter_next(&iter, &it) == BT_OK && bts_rlp_item_bytes(&it, &p, &len) == BT_OK &&
        len == 32)
        memcpy(m.ext_hash, p, 32);
    note_signed(s, &m);
}

static bt_status cb_sign(void *ctx, const uint8_t *b, size_t n, uint8_t sig[BFT_SIG_LEN])
{
    struct cbctx *c = ctx;
    mac(c->s->nodes[c->i].secret, b, n, sig);
    watch_sig(c->s, c->i, b, n);
    return BT_OK;
}

static int cb_verify(void *ctx, uint32_t index, const uint8_t address[20], const uint8_t *b,
                     size_t n, const uint8_t sig[BFT_SIG_LEN])
{
    struct cbctx *c = ctx;
    uint8_t want[BFT_SIG_LEN];
    (void)address;
    if (index >= c->s->n)
        return 0;
    mac(c->s->nodes[index].secret, b, n, want);
    return memcmp(want, sig, BFT_SIG_LEN) == 0;
}

static bt_status cb_wal(void *ctx, const struct bft_wal_rec *rec)
{
    struct cbctx *c = ctx;
    struct node *nd = &c->s->nodes[c->i];
    nd->wal = *rec;
    nd->wal.lock_pol_n = rec->lock_pol_n <= 3 * MAXN ? rec->lock_pol_n : 0;
    if (nd->wal.lock_pol_n)
        memcpy(nd->wal_pol, rec->lock_pol, nd->wal.lock_pol_n * sizeof *nd->wal_pol);
    nd->wal.lock_pol = nd->wal_pol;
    nd->has_wal = 1;
    if (nd->crash_at_wal) {
        /* killed between the durable record and the signature leaving: the worst moment */
        nd->crash_at_wal = 0;
        nd->crashed_now = 1;
    }
    return BT_OK;
}

/* --- precommit extensions ---------------------------------------------------------------- */

/* An honest validator's extension blob at height h: it names the node's current life (epoch),
 * so a validator restarted at a height where it already precommitted would sign a different
 * extension unless the engine reuses the recorded one (which note_signed checks). */
#define EXT_LEN 14
static void ext_blob(uint64_t h, uint32_t v, uint32_t epoch, uint8_t out[EXT_LEN])
{
    out[0] = 'd';
    out[1] = 'x';
    for (int k = 0; k < 8; k++)
        out[2 + k] = (uint8_t)(h >> (56 - 8 * k));
    out[10] = (uint8_t)v;
    out[11] = (uint8_t)(epoch >> 16);
    out[12] = (uint8_t)(epoch >> 8);
    out[13] = (uint8_t)epoch;
}

static void cb_ext(void *ctx, uint64_t h, uint8_t out_hash[32])
{
    struct cbctx *c = ctx;
    uint8_t blob[EXT_LEN];
    ext_blob(h, c->i, c->s->nodes[c->i].epoch, blob);
    bts_keccak256(out_hash, blob, sizeof blob);
}

/* Encode a message with its extension blob, found again by its hash (as a host keeps blobs by
 * hash to relay others' votes). Returns BT_EINVAL when no blob matches. */
static bt_status sim_encode(struct sim *s, const struct bft_msg *m, uint8_t out[BFT_MSG_MAX],
                            size_t *out_len)
{
    static const uint8_t zero[32];
    if (!memcmp(m->ext_hash, zero, 32) || m->validator >= s->n)
        return bft_msg_encode(m, out, out_len);
    for (uint32_t ep = 0; ep <= s->nodes[m->validator].epoch; ep++) {
        uint8_t blob[EXT_LEN], h[32];
        ext_blob(m->height, m->validator, ep, blob);
        bts_keccak256(h, blob, sizeof blob);
        if (!memcmp(h, m->ext_hash, 32))
            return bft_msg_encode_ext(m, blob, sizeof blob, out, BFT_MSG_MAX, out_len);
    }
    *out_len = 0;
    return BT_EINVAL;
}

static bt_status sim_decode(struct bft_msg *m, const uint8_t *p, size_t len)
{
    const uint8_t *ext;
    size_t ext_len;
    return bft_msg_decode_ext(m, p, len, &ext, &ext_len);
}

/* --- the host side of one honest validator ----------------------------------------------- */

static void crash(struct sim *s, uint32_t i);

static void value_for(struct sim *s, uint64_t h, int32_t r, uint32_t i, uint8_t out[32])
{
    uint64_t x[4] = {s->o->seed, h, (uint64_t)(uint32_t)r, i};
    bts_keccak256(out, x, sizeof x);
    out[0] &= 0x7f; /* honest values are valid: first byte < 0x80 */
}

static void apply(struct sim *s, uint32_t i, struct bft_actions *acts);

static void apply_one(struct sim *s, uint32_t i, const struct bft_action *a)
{
    struct node *nd = &s->nodes[i];
    struct bft_actions out = {.n = 0};
    uint8_t enc[BFT_MSG_MAX];
    size_t len;
    struct sim_event ev;

    switch (a->kind) {
    case BFT_ACT_BROADCAST:
        if (a->msg.validator == i)
            note_signed(s, &a->msg); /* else: a relayed vote of another validator */
        if (s->o->verbose > 1)
            trace(s, "v%u sends type=%d h=%llu r=%d pol=%d value=%s%02x", i, a->msg.type,
                  (unsigned long long)a->msg.height, a->msg.round, a->msg.pol_round,
                  a->msg.has_value ? "" : "nil/", a->msg.value[0]);
        if (sim_encode(s, &a->msg, enc, &len) != BT_OK) {
            fail(s, "validator %u produced an unencodable message", i);
            return;
        }
        if (s->r->n && sim_below(&s->g, 4) == 0) {
            size_t k = sim_below(&s->g, 64);
            memcpy(s->stale[k], enc, len);
            s->stale_len[k] = len;
        }
        broadcast_bytes(s, i, enc, len);
        return;
    case BFT_ACT_TIMER:
        if (s->o->verbose > 1 && a->timer != BFT_TIMER_REBROADCAST)
            trace(s, "v%u arms timer %d h=%llu r=%d +%llu", i, a->timer,
                  (unsigned long long)a->height, a->round, (unsigned long long)a->delay_ms);
        memset(&ev, 0, offsetof(struct sim_event, bytes));
        ev.kind = SIM_EV_TIMER;
        ev.t = s->now + a->delay_ms;
        ev.node = i;
        ev.epoch = nd->epoch;
        ev.timer = (int)a->timer;
        ev.height = a->height;
        ev.round = a->round;
        if (!sim_queue_push(&s->q, &ev))
            fail(s, "out of memory");
        return;
    case BFT_ACT_GET_VALUE: {
        uint8_t v[32];
        value_for(s, a->height, a->round, i, v);
        (void)bft_engine_on_value(nd->e, a->height, a->round, v, &out);
        break;
    }
    case BFT_ACT_VALIDATE:
        (void)bft_engine_on_valid(nd->e, a->height, a->round, a->value, a->value[0] < 0x80, &out);
        break;
    case BFT_ACT_COMMIT: {
        uint64_t h = a->height;
        if (h != nd->committed + 1)
            fail(s, "validator %u committed height %llu after %llu", i, (unsigned long long)h,
                 (unsigned long long)nd->committed);
        if (a->value[0] >= 0x80)
            fail(s, "validator %u committed an invalid value at %llu", i, (unsigned long long)h);
        if (h > MAXH) {
            fail(s, "height limit");
            return;
        }
        if (s->decided[h] && memcmp(s->decision[h], a->value, 32) != 0)
            fail(s, "SAFETY: validator %u committed a different value at height %llu", i,
                 (unsigned long long)h);
        if (!s->decided[h]) {
            s->decided[h] = 1;
            memcpy(s->decision[h], a->value, 32);
            static const uint8_t zero[32];
            for (size_t k = 0; k < a->cert_n && k < MAXN; k++) {
                if (sim_encode(s, &a->cert[k], s->cert[h][k], &s->cert_len[h][k]) != BT_OK)
                    fail(s, "certificate not encodable");
                if (a->cert[k].validator < s->n && s->nodes[a->cert[k].validator].byz == HONEST &&
                    !memcmp(a->cert[k].ext_hash, zero, 32))
                    fail(s, "certificate of %llu lost validator %u's extension",
                         (unsigned long long)h, a->cert[k].validator);
            }
            s->cert_n[h] = a->cert_n < MAXN ? a->cert_n : MAXN;
        }
        nd->committed = h;
        s->r->commits++;
        if (h > s->r->top_height)
            s->r->top_height = h;
        if (a->round > (int32_t)s->r->max_round)
            s->r->max_round = (uint64_t)a->round;
        trace(s, "v%u commits h=%llu r=%d", i, (unsigned long long)h, a->round);
        return;
    }
    case BFT_ACT_EVIDENCE:
        s->r->evidence++;
        if (s->nodes[a->msg.validator].byz == HONEST)
            fail(s, "evidence against honest validator %u at h=%llu r=%d", a->msg.validator,
                 (unsigned long long)a->height, a->round);
        return;
    case BFT_ACT_CATCHUP: {
        uint32_t p = a->validator;
        uint64_t h = a->height;
        if (p >= s->n || h == 0 || h > MAXH || !s->decided[h] || nd->committed < h)
            return;
        if (nd->catchup_at[p] && nd->catchup_at[p] + 200 > s->now)
            return;
        nd->catchup_at[p] = s->now;
        /* the certificate travels as one message (the first committer's, equally valid) */
        s->r->msgs++;
        if (!connected(s, i, p) || sim_below(&s->g, 1000) < s->loss_pm) {
            s->r->dropped++;
            return;
        }
        memset(&ev, 0, offsetof(struct sim_event, bytes));
        ev.kind = SIM_EV_CERT;
        ev.t = s->now + s->delay_min + sim_below(&s->g, s->delay_max - s->delay_min + 1);
        ev.node = p;
        ev.from = i;
        ev.height = h;
        if (!sim_queue_push(&s->q, &ev))
            fail(s, "out of memory");
        return;
    }
    }
    apply(s, i, &out);
}

static void apply(struct sim *s, uint32_t i, struct bft_actions *acts)
{
    struct node *nd = &s->nodes[i];
    if (acts->overflow)
        fail(s, "validator %u: action list overflow", i);
    if (nd->crashed_now) {
        nd->crashed_now = 0;
        crash(s, i); /* the actions of this step never happen */
        return;
    }
    for (size_t k = 0; k < acts->n && nd->up; k++)
        apply_one(s, i, &acts->a[k]);
}

static void boot(struct sim *s, uint32_t i)
{
    struct node *nd = &s->nodes[i];
    struct bft_config cfg = {
        .chain_id = "delivery-sim",
        .self = (int32_t)i,
        .propose_base_ms = 300,
        .propose_delta_ms = 100,
        .prevote_base_ms = 100,
        .prevote_delta_ms = 50,
        .precommit_base_ms = 100,
        .precommit_delta_ms = 50,
        .rebroadcast_ms = 400,
        .sign = cb_sign,
        .verify = cb_verify,
        .wal_write = cb_wal,
        .ext = cb_ext,
        .ctx = &ctxs[i],
    };
    uint64_t h = nd->committed + 1;
    struct bft_actions out = {.n = 0};
    if (bft_engine_init(&nd->e, &cfg, h, set_at(s, h), nd->has_wal ? &nd->wal : NULL) != BT_OK) {
        fail(s, "engine init failed for %u", i);
        return;
    }
    nd->up = 1;
    nd->epoch++;
    (void)bft_engine_start(nd->e, &out);
    apply(s, i, &out);
}

static void crash(struct sim *s, uint32_t i)
{
    struct node *nd = &s->nodes[i];
    if (!nd->up)
        return;
    trace(s, "v%u crashes at height %llu", i, (unsigned long long)nd->committed + 1);
    bft_engine_free(nd->e);
    nd->e = NULL;
    nd->up = 0;
    nd->epoch++;
    s->r->crashes++;
}

/* --- Byzantine validators ------------------------------------------------------------------ */

static void byz_send(struct sim *s, uint32_t b, uint32_t to, uint8_t type, uint64_t h, int32_t r,
                     int has, const uint8_t v[32])
{
    struct bft_msg m;
    uint8_t sb[BFT_MSG_MAX], enc[BFT_MSG_MAX];
    size_t n, len;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.height = h;
    m.round = r;
    m.pol_round = -1;
    m.has_value = (uint8_t)has;
    if (has)
        memcpy(m.value, v, 32);
    m.validator = b;
    if (bft_msg_sign_bytes("delivery-sim", &m, sb, &n) != BT_OK)
        return;
    mac(s->nodes[b].secret, sb, n, m.sig);
    if (bft_msg_encode(&m, enc, &len) == BT_OK)
        send_bytes(s, b, to, enc, len);
}

static void byz_react(struct sim *s, uint32_t b, const struct bft_msg *seen)
{
    struct node *nd = &s->nodes[b];
    if (seen->height < nd->attacked_h ||
        (seen->height == nd->attacked_h && seen->round <= nd->attacked_r))
        return;
    nd->attacked_h = seen->height;
    nd->attacked_r = seen->round;
    uint8_t vals[3][32];
    memcpy(vals[0], seen->value, 32);
    for (int k = 1; k < 3; k++)
        for (int j = 0; j < 32; j++)
            vals[k][j] = (uint8_t)sim_rand(&s->g);
    vals[2][0] |= 0x80; /* an invalid value */
    int proposer = proposer_of(s, seen->height, seen->round) == b;
    for (uint32_t to = 0; to < s->n; to++) {
        if (to == b)
            continue;
        int pick = (int)sim_below(&s->g, 4); /* 3: nil */
        const uint8_t *v = vals[pick < 3 ? pick : 0];
        if (proposer)
            byz_send(s, b, to, BFT_PROPOSAL, seen->height, seen->round, 1,
                     vals[1 + sim_below(&s->g, 2)]);
        byz_send(s, b, to, BFT_PREVOTE, seen->height, seen->round, pick < 3, v);
        pick = (int)sim_below(&s->g, 4);
        byz_send(s, b, to, BFT_PRECOMMIT, seen->height, seen->round, pick < 3,
                 vals[pick < 3 ? pick : 0]);
    }
}

static void byz_garbage(struct sim *s, uint32_t b, const uint8_t *p, size_t len)
{
    uint8_t buf[BFT_MSG_MAX];
    uint32_t to = (uint32_t)sim_below(&s->g, s->n);
    if (to == b || sim_below(&s->g, 3) != 0)
        return;
    switch (sim_below(&s->g, 4)) {
    case 0: /* a bit flipped in a real message */
        memcpy(buf, p, len);
        buf[sim_below(&s->g, len)] ^= (uint8_t)(1u << sim_below(&s->g, 8));
        send_bytes(s, b, to, buf, len);
        break;
    case 1: /* random bytes */
        len = 1 + sim_below(&s->g, sizeof buf);
        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)sim_rand(&s->g);
        send_bytes(s, b, to, buf, len);
        break;
    case 2: { /* a stale honest message replayed */
        size_t k = sim_below(&s->g, 64);
        if (s->stale_len[k])
            send_bytes(s, b, to, s->stale[k], s->stale_len[k]);
        break;
    }
    default: /* truncated */
        send_bytes(s, b, to, p, len / 2);
        break;
    }
}

/* --- the run ----------------------------------------------------------------------------- */

static void deliver(struct sim *s, const struct sim_event *ev)
{
    struct node *nd = &s->nodes[ev->node];
    struct bft_msg m;
    if (sim_decode(&m, ev->bytes, ev->len) != BT_OK) {
        s->r->malformed++;
        return;
    }
    if (nd->byz == BYZ_EQUIVOCATE)
        byz_react(s, ev->node, &m);
    if (nd->byz == BYZ_MALFORMED)
        byz_garbage(s, ev->node, ev->bytes, ev->len);
    if (nd->byz != HONEST || !nd->up)
        return;
    struct bft_actions out = {.n = 0};
    (void)bft_engine_on_message(nd->e, &m, &out);
    apply(s, ev->node, &out);
}

static void deliver_cert(struct sim *s, const struct sim_event *ev)
{
    struct node *nd = &s->nodes[ev->node];
    struct bft_msg cert[MAXN];
    size_t n = s->cert_n[ev->height];
    if (nd->byz != HONEST || !nd->up)
        return;
    for (size_t k = 0; k < n; k++)
        if (sim_decode(&cert[k], s->cert[ev->height][k], s->cert_len[ev->height][k]) != BT_OK) {
            fail(s, "stored certificate does not decode");
            return;
        }
    struct bft_actions out = {.n = 0};
    bt_status st = bft_engine_on_commit_cert(nd->e, cert, n, &out);
    if (st != BT_OK)
        fail(s, "validator %u refused a valid certificate for %llu: %d", ev->node,
             (unsigned long long)ev->height, (int)st);
    apply(s, ev->node, &out);
}

static void schedule(struct sim *s, enum sim_ev_kind k, uint64_t t, uint32_t node)
{
    struct sim_event ev;
    memset(&ev, 0, offsetof(struct sim_event, bytes));
    ev.kind = k;
    ev.t = t;
    ev.node = node;
    if (!sim_queue_push(&s->q, &ev))
        fail(s, "out of memory");
}

static uint64_t honest_min_height(struct sim *s)
{
    uint64_t m = UINT64_MAX;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->nodes[i].byz == HONEST && s->nodes[i].committed < m)
            m = s->nodes[i].committed;
    return m;
}

static int setup(struct sim *s)
{
    uint32_t f = sim_below(&s->g, 3) == 0 ? 2 : 1;
    if (s->o->f)
        f = s->o->f <= (MAXN - 1) / 3 ? s->o->f : (MAXN - 1) / 3;
    struct bts_validator vs[MAXN];
    s->n = 3 * f + 1;
    s->r->n = s->n;
    s->r->f = f;
    for (uint32_t i = 0; i < s->n; i++) {
        for (int k = 0; k < 20; k++)
            vs[i].address[k] = (uint8_t)sim_rand(&s->g);
        vs[i].power = 10;
        vs[i].priority = 0;
    }
    bts_valset_init(&s->sets[0]);
    if (bts_valset_new(&s->sets[0], vs, s->n) != BT_OK)
        return 0;
    /* height 1 uses the set as bts_valset_new leaves it (already incremented once) */
    bts_valset_init(&s->sets[1]);
    if (bts_valset_copy(&s->sets[1], &s->sets[0]) != BT_OK)
        return 0;
    s->sets_n = 2;
    for (uint32_t i = 0; i < s->n; i++) {
        ctxs[i].s = s;
        ctxs[i].i = i;
        uint64_t x[2] = {s->o->seed, i};
        bts_keccak256(s->nodes[i].secret, x, sizeof x);
    }
    /* f Byzantine validators, each with its own misbehaviour */
    for (uint32_t k = 0; k < f; k++) {
        uint32_t b;
        do
            b = (uint32_t)sim_below(&s->g, s->n);
        while (s->nodes[b].byz != HONEST);
        s->nodes[b].byz = (enum byz)(1 + sim_below(&s->g, 3));
        if (s->o->calm)
            s->nodes[b].byz = BYZ_SILENT;
    }
    return 1;
}

int sim_run(const struct sim_opts *o, struct sim_result *r)
{
    struct sim *s = calloc(1, sizeof *s);
    memset(r, 0, sizeof *r);
    if (!s) {
        snprintf(r->why, sizeof r->why, "out of memory");
        return 0;
    }
    s->o = o;
    s->r = r;
    s->g.s = o->seed * 0x2545f4914f6cdd1dull + 1;
    s->delay_min = 2;
    s->delay_max = 30 + (uint32_t)sim_below(&s->g, 120);
    s->dup_pm = (uint32_t)sim_below(&s->g, 80);
    s->loss_pm = (uint32_t)sim_below(&s->g, 60);
    if (!setup(s))
        fail(s, "setup");
    for (uint32_t i = 0; i < s->n && !s->failed; i++)
        if (s->nodes[i].byz == HONEST)
            boot(s, i);

    /* the disturbance: a partition (sides drawn at random) from t1 to heal, crashes of honest
     * validators inside it (some at the worst moment: right after a WAL write), heavy loss */
    uint64_t t1 = 1000 + sim_below(&s->g, 3000);
    uint64_t heal = t1 + 1000 + sim_below(&s->g, 6000);
    int phase = 0;
    r->heal_ms = heal;
    uint32_t ncrash = o->calm ? 0 : (uint32_t)sim_below(&s->g, 3);
    if (o->calm)
        s->loss_pm = s->dup_pm = 0;
    for (uint32_t k = 0; k < ncrash; k++) {
        uint32_t i = (uint32_t)sim_below(&s->g, s->n);
        if (s->nodes[i].byz != HONEST)
            continue;
        uint64_t t = t1 + sim_below(&s->g, heal - t1);
        schedule(s, SIM_EV_CRASH, t, i);
        schedule(s, SIM_EV_RESTART, t + 200 + sim_below(&s->g, heal - t1), i);
    }
    uint64_t target = 0;
    uint64_t first_bound = 0, end_bound = 0;
    uint64_t heights = o->heights ? o->heights : 1;
    struct sim_event ev;
    while (!s->failed && sim_queue_pop(&s->q, &ev)) {
        s->now = ev.t;
        r->events++;
        if (phase == 0 && s->now >= t1) {
            phase = 1;
            s->partitioned = !o->calm;
            for (uint32_t i = 0; i < s->n; i++)
                s->nodes[i].group = (int)sim_below(&s->g, 2);
            if (!o->calm)
                s->loss_pm += (uint32_t)sim_below(&s->g, 300);
            trace(s, "partition and loss %u/1000", s->loss_pm);
        }
        if (phase == 1 && s->now >= heal) {
            phase = 2;
            s->partitioned = 0;
            s->loss_pm = o->calm ? 0 : (uint32_t)sim_below(&s->g, 30);
            for (uint32_t i = 0; i < s->n; i++) {
                s->nodes[i].crash_at_wal = 0;
                if (s->nodes[i].byz == HONEST && !s->nodes[i].up)
                    boot(s, i); /* every honest validator is back */
            }
            target = s->r->top_height + heights;
            /* bounds: rounds may have grown during the partition (timeouts grow per round) */
            first_bound = s->now + 60000;
            end_bound = first_bound + heights * 10000;
            trace(s, "heal; target height %llu", (unsigned long long)target);
        }
        switch (ev.kind) {
        case SIM_EV_DELIVER:
            deliver(s, &ev);
            break;
        case SIM_EV_TIMER: {
            struct node *nd = &s->nodes[ev.node];
            if (!nd->up || ev.epoch != nd->epoch)
                break;
            struct bft_actions out = {.n = 0};
            if (s->o->verbose > 1)
                trace(s, "v%u timer %d h=%llu r=%d", ev.node, ev.timer,
                      (unsigned long long)ev.height, ev.round);
            (void)bft_engine_on_timeout(nd->e, (enum bft_timer)ev.timer, ev.height, ev.round, &out);
            apply(s, ev.node, &out);
            break;
        }
        case SIM_EV_CERT:
            deliver_cert(s, &ev);
            break;
        case SIM_EV_CRASH:
            if (phase >= 2)
                break;
            if (sim_below(&s->g, 2))
                s->nodes[ev.node].crash_at_wal = 1;
            else
                crash(s, ev.node);
            break;
        case SIM_EV_RESTART:
            s->nodes[ev.node].crash_at_wal = 0;
            if (!s->nodes[ev.node].up && phase < 2)
                boot(s, ev.node);
            break;
        }
        if (phase == 2) {
            uint64_t m = honest_min_height(s);
            if (m >= target)
                break;
            if (s->now > first_bound && s->r->top_height < target - heights + 1)
                fail(s, "LIVENESS: no commit within %llu ms after the heal",
                     (unsigned long long)(first_bound - heal));
            if (s->now > end_bound)
                fail(s, "LIVENESS: honest validators at %llu, target %llu, %llu ms after heal",
                     (unsigned long long)m, (unsigned long long)target,
                     (unsigned long long)(s->now - heal));
        }
    }
    if (!s->failed && phase < 2)
        fail(s, "event queue ran dry before the heal");
    for (uint32_t i = 0; i < s->n && s->failed; i++) {
        uint64_t h = 0;
        int32_t rd = 0;
        enum bft_step st = BFT_STEP_PROPOSE;
        if (s->nodes[i].e)
            bft_engine_status(s->nodes[i].e, &h, &rd, &st);
        trace(s, "v%u: %s up=%d committed=%llu at h=%llu r=%d step=%d", i,
              s->nodes[i].byz ? "byzantine" : "honest", s->nodes[i].up,
              (unsigned long long)s->nodes[i].committed, (unsigned long long)h, rd, (int)st);
    }
    r->sim_ms = s->now;
    r->ok = !s->failed;
    for (uint32_t i = 0; i < s->n; i++)
        bft_engine_free(s->nodes[i].e);
    for (uint64_t h = 0; h < s->sets_n; h++)
        bts_valset_free(&s->sets[h]);
    sim_queue_free(&s->q);
    free(s->sigs);
    free(s);
    return r->ok;
}
