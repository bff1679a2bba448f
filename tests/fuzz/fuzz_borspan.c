/* libFuzzer target for what consensus-bttc reads from outside: Delivery's span and event-record
 * JSON (bts/borspan.h), Bor extraData validator lists, and the proposer-priority updates they
 * drive (bts/valset.h). The first byte picks the mode. Parsed values must encode to the system
 * call payloads without failure; a valset must stay sorted with a total that matches its
 * powers and a proposer inside it. Any disagreement aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/borspan.h>
#include <bts/header.h>
#include <bts/rlp.h>
#include <bts/valset.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_borspan: %s\n", what);
        abort();
    }
}

static void valset_sane(struct bts_valset *s)
{
    int64_t total = 0;
    for (size_t i = 0; i < s->n; i++) {
        check(s->v[i].power > 0, "member with power <= 0");
        total += s->v[i].power;
        if (i)
            check(memcmp(s->v[i - 1].address, s->v[i].address, 20) < 0, "not sorted");
    }
    check(total == s->total, "cached total differs");
    if (s->n)
        check(bts_valset_proposer(s) < s->n, "proposer outside the set");
}

static void span_mode(const uint8_t *p, size_t n)
{
    struct bts_span s;
    char err[200];
    if (bts_span_parse_json(&s, (const char *)p, n, err, sizeof(err)) != BT_OK) {
        check(s.validators == NULL && s.producers == NULL, "error left arrays");
        return;
    }
    struct bts_buf b;
    bts_buf_init(&b);
    check(bts_span_commit_calldata(&b, &s) == BT_OK, "commitSpan call data failed");
    check(b.len >= 4 + 7 * 32 && (b.len - 4) % 32 == 0, "call data not word aligned");
    bts_buf_free(&b);
    bts_span_free(&s);
}

static void records_mode(const uint8_t *p, size_t n)
{
    struct bts_event_list l = {0};
    char err[200];
    if (bts_event_list_parse_json(&l, (const char *)p, n, err, sizeof(err)) != BT_OK)
        check(err[0] != 0, "error without a message");
    for (size_t i = 0; i < l.n; i++) {
        struct bts_buf b;
        bts_buf_init(&b);
        check(bts_event_record_bytes(&b, &l.v[i]) == BT_OK, "recordBytes failed");
        struct bts_rlp_item it;
        check(bts_rlp_decode(&it, b.data, b.len) == BT_OK, "recordBytes is not one RLP item");
        size_t count = 0;
        check(bts_rlp_list_count(&it, &count) == BT_OK && count == 6, "recordBytes not 6 items");
        bts_buf_reset(&b);
        check(bts_event_commit_calldata(&b, &l.v[i]) == BT_OK, "commitState call data failed");
        bts_buf_free(&b);
    }
    bts_event_list_free(&l);
}

/* extraData of a sprint-end block applied to a set built from the first half. */
static void extra_mode(const uint8_t *p, size_t n)
{
    size_t k;
    if (bts_header_bor_extra_check(p, n, 63, 64, &k) != BT_OK)
        return;
    struct bts_validator *list = calloc(k + 1, sizeof(*list));
    for (size_t i = 0; i < k; i++) {
        struct bt_address a;
        struct bts_u256 pw;
        check(bts_header_bor_validator(p, n, i, &a, &pw) == BT_OK, "validator unreadable");
        memcpy(list[i].address, a.bytes, 20);
        list[i].power = (int64_t)(pw.w[0] & 0xffff);
    }
    struct bts_valset s;
    bts_valset_init(&s);
    size_t half = k / 2;
    if (bts_valset_new(&s, list, half) == BT_OK && s.n) {
        valset_sane(&s);
        if (bts_valset_bor_apply(&s, list + half, k - half) == BT_OK) {
            valset_sane(&s);
            check(bts_valset_increment(&s, 1 + (uint32_t)(k % 5)) == BT_OK, "increment failed");
            valset_sane(&s);
        }
    }
    bts_valset_free(&s);
    free(list);
}

/* Raw validators: 28-byte records (address 20, power 8) with extreme powers and priorities. */
static void valset_mode(const uint8_t *p, size_t n)
{
    size_t k = n / 36;
    if (k == 0)
        return;
    struct bts_validator *list = calloc(k, sizeof(*list));
    for (size_t i = 0; i < k; i++) {
        const uint8_t *q = p + 36 * i;
        memcpy(list[i].address, q, 20);
        uint64_t pw = 0, pr = 0;
        for (int j = 0; j < 8; j++) {
            pw = pw << 8 | q[20 + j];
            pr = pr << 8 | q[28 + j];
        }
        list[i].power = (int64_t)pw;
        list[i].priority = (int64_t)pr;
    }
    struct bts_valset s;
    bts_valset_init(&s);
    if (bts_valset_new(&s, list, k) == BT_OK) {
        valset_sane(&s);
        /* priorities from the input: exercise rescale and clipping */
        for (size_t i = 0; i < s.n && i < k; i++)
            s.v[i].priority = list[i].priority;
        check(bts_valset_increment(&s, 3) == BT_OK, "increment failed");
        valset_sane(&s);
        if (bts_valset_update(&s, list, k, 1) == BT_OK)
            check(s.proposer == SIZE_MAX, "update kept a stale proposer");
        valset_sane(&s);
    }
    bts_valset_free(&s);
    free(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 4) {
    case 0:
        span_mode(data + 1, size - 1);
        break;
    case 1:
        records_mode(data + 1, size - 1);
        break;
    case 2:
        extra_mode(data + 1, size - 1);
        break;
    default:
        valset_mode(data + 1, size - 1);
        break;
    }
    return 0;
}
