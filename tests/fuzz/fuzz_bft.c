/* libFuzzer target for Delivery's BFT engine: arbitrary bytes go through the strict dlv/1
 * decoder (anything accepted must re-encode to the same bytes), and what decodes drives an
 * engine of 4 validators (signatures accepted, so the rules themselves are reached) mixed with
 * timer expiries and application answers. Invariants: no action list overflows, our own
 * signatures never conflict for one (height, round, type), commits come at consecutive heights,
 * the height never goes back, evidence names one validator with two values. Any violation
 * aborts. Input: frames of [len][len bytes]; len 0 is a timer, len 255 an application answer.
 * Messages may carry a precommit extension (the side-tx results blob): it must round-trip too,
 * and the engine's own precommits carry one (f_ext) that must stay encodable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "bft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_bft: %s\n", what);
        abort();
    }
}

struct own {
    uint64_t h;
    int32_t r;
    uint8_t type, has;
    uint8_t v[32];
};

static struct own signed_[512];
static size_t nsigned;
static uint64_t committed;

static bt_status f_sign(void *ctx, const uint8_t *b, size_t n, uint8_t sig[BFT_SIG_LEN])
{
    (void)ctx;
    memset(sig, 0, BFT_SIG_LEN);
    for (size_t i = 0; i < n; i++)
        sig[i % BFT_SIG_LEN] ^= b[i];
    return BT_OK;
}

static int f_verify(void *ctx, uint32_t index, const uint8_t address[20], const uint8_t *b,
                    size_t n, const uint8_t sig[BFT_SIG_LEN])
{
    (void)ctx, (void)index, (void)address, (void)b, (void)n;
    return sig[0] != 0xff; /* lets the input choose a bad signature too */
}

static bt_status f_wal(void *ctx, const struct bft_wal_rec *rec)
{
    (void)ctx, (void)rec;
    return BT_OK;
}

static const uint8_t own_ext[4] = {'e', 'x', 't', '!'};

static void f_ext(void *ctx, uint64_t height, uint8_t out_hash[32])
{
    (void)ctx, (void)height;
    bts_keccak256(out_hash, own_ext, sizeof own_ext);
}

static void watch(const struct bft_actions *a)
{
    check(a->overflow == 0, "action list overflow");
    for (size_t i = 0; i < a->n; i++) {
        const struct bft_action *x = &a->a[i];
        if (x->kind == BFT_ACT_BROADCAST && x->msg.validator == 0) {
            static uint8_t enc[BFT_WIRE_MAX];
            static const uint8_t zero[32];
            size_t len;
            int ext = memcmp(x->msg.ext_hash, zero, 32) != 0;
            check(bft_msg_encode_ext(&x->msg, ext ? own_ext : NULL, ext ? sizeof own_ext : 0, enc,
                                     sizeof enc, &len) == BT_OK,
                  "own message not encodable");
            for (size_t k = 0; k < nsigned; k++) {
                const struct own *o = &signed_[k];
                if (o->h == x->msg.height && o->r == x->msg.round && o->type == x->msg.type)
                    check(o->has == x->msg.has_value &&
                              (!o->has || !memcmp(o->v, x->msg.value, 32)),
                          "double signing");
            }
            if (nsigned < 512) {
                struct own *o = &signed_[nsigned++];
                o->h = x->msg.height;
                o->r = x->msg.round;
                o->type = x->msg.type;
                o->has = x->msg.has_value;
                memcpy(o->v, x->msg.value, 32);
            }
        }
        if (x->kind == BFT_ACT_COMMIT) {
            check(x->height == committed + 1, "commit out of order");
            committed = x->height;
            check(x->cert_n > 0, "commit without certificate");
        }
        if (x->kind == BFT_ACT_EVIDENCE)
            check(x->msg.validator == x->msg2.validator &&
                      (x->msg.has_value != x->msg2.has_value ||
                       memcmp(x->msg.value, x->msg2.value, 32)),
                  "evidence without a conflict");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bts_validator v[4];
    struct bts_valset set;
    struct bft_engine *e = NULL;
    static struct bft_actions out;
    struct bft_config cfg = {.chain_id = "fuzz",
                             .self = 0,
                             .propose_base_ms = 10,
                             .propose_delta_ms = 1,
                             .prevote_base_ms = 10,
                             .precommit_base_ms = 10,
                             .rebroadcast_ms = 5,
                             .sign = f_sign,
                             .verify = f_verify,
                             .wal_write = f_wal,
                             .ext = f_ext};
    memset(v, 0, sizeof v);
    for (int i = 0; i < 4; i++) {
        v[i].address[0] = (uint8_t)(i + 1);
        v[i].power = 1 + (size > (size_t)i ? data[i] % 3 : 0);
    }
    bts_valset_init(&set);
    if (bts_valset_new(&set, v, 4) != BT_OK)
        abort();
    check(bft_engine_init(&e, &cfg, 1, &set, NULL) == BT_OK, "init");
    nsigned = 0;
    committed = 0;
    out.n = out.overflow = 0;
    (void)bft_engine_start(e, &out);
    watch(&out);
    size_t p = size > 4 ? 4 : size;
    uint64_t last_h = 1;
    while (p < size) {
        size_t len = data[p++];
        out.n = out.overflow = 0;
        if (len == 0 || len == 255) {
            if (p + 2 > size)
                break;
            uint64_t h;
            int32_t r;
            enum bft_step st;
            bft_engine_status(e, &h, &r, &st);
            uint8_t val[32];
            memset(val, data[p + 1], 32);
            if (len == 0)
                (void)bft_engine_on_timeout(e, (enum bft_timer)(data[p] % 4), h,
                                            r - (data[p + 1] & 1), &out);
            else if (data[p] & 1)
                (void)bft_engine_on_value(e, h, r, val, &out);
            else
                (void)bft_engine_on_valid(e, h, data[p] >> 1, val, data[p + 1] & 1, &out);
            p += 2;
        } else {
            if (len > size - p)
                len = size - p;
            struct bft_msg m;
            const uint8_t *ext;
            size_t ext_len;
            if (bft_msg_decode_ext(&m, data + p, len, &ext, &ext_len) == BT_OK) {
                static uint8_t enc[BFT_WIRE_MAX];
                size_t n;
                check(bft_msg_encode_ext(&m, ext, ext_len, enc, sizeof enc, &n) == BT_OK &&
                          n == len && !memcmp(enc, data + p, len),
                      "decode/encode not canonical");
                (void)bft_engine_on_message(e, &m, &out);
                struct bft_msg cert[1] = {m};
                (void)bft_engine_on_commit_cert(e, cert, 1, &out);
            }
            p += len;
        }
        watch(&out);
        uint64_t h;
        int32_t r;
        enum bft_step st;
        bft_engine_status(e, &h, &r, &st);
        check(h >= last_h && h == committed + 1, "height went back or skipped a commit");
        check(r >= 0 && (uint32_t)r < BFT_MAX_ROUND, "round out of range");
        last_h = h;
    }
    bft_engine_free(e);
    bts_valset_free(&set);
    return 0;
}
