/* consensus-bttc: header verification (PROTOCOL.md §3.1-§3.5). Every refusal names its rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "bttc_int.h"

/* keccak(rlp([])) */
static const uint8_t EMPTY_UNCLES[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* The header list of a sprint-end block must equal getBorValidators(number+1) at the parent
 * state, in address order (§3.2). */
static bt_status check_list(struct bttc *b, const struct bts_header *h, size_t k)
{
    struct bts_validator *want;
    size_t n;
    bt_status st = bttc_call_validators(b, h->parent_hash.bytes, h->number + 1, &want, &n);
    if (st != BT_OK)
        return st;
    int same = n == k;
    for (size_t i = 0; same && i < k; i++) {
        struct bt_address a;
        struct bts_u256 p;
        if (bts_header_bor_validator(h->extra, h->extra_len, i, &a, &p) != BT_OK ||
            memcmp(a.bytes, want[i].address, 20) != 0 || p.w[1] || p.w[2] || p.w[3] ||
            p.w[0] != (uint64_t)want[i].power)
            same = 0;
    }
    free(want);
    if (!same)
        return bttc_fail(b, BT_EINVAL,
                         "invalid validator list: block %llu lists %zu producers that differ "
                         "from the validator contract (%zu)",
                         (unsigned long long)h->number, k, n);
    return BT_OK;
}

bt_status bttc_verify_header(void *self, const struct bt_header *abi_h,
                             const struct bt_header *abi_parent, uint32_t flags)
{
    struct bttc *b = self;
    struct bttc_hdr hd;
    if (!abi_h->rlp || bttc_hdr_from_rlp(&hd, abi_h->rlp, abi_h->rlp_len) != BT_OK)
        return bttc_fail(b, BT_EINVAL, "header does not decode");
    const struct bts_header *h = &hd.h;
    uint64_t number = h->number;
    bt_status st = BT_OK;
    uint64_t now = b->host->wall_ms(b->hctx) / 1000;

    if (h->time > now + b->future_max_s) {
        st = bttc_fail(b, BT_EINVAL, "far-future timestamp: block %llu time %llu, now %llu",
                       (unsigned long long)number, (unsigned long long)h->time,
                       (unsigned long long)now);
        goto out;
    }
    if (h->time > now + b->future_allow_s) {
        st = bttc_fail(b, BT_EBUSY, "future block: block %llu time %llu, now %llu",
                       (unsigned long long)number, (unsigned long long)h->time,
                       (unsigned long long)now);
        goto out;
    }
    size_t k = 0;
    bt_status es = bts_header_bor_extra_check(h->extra, h->extra_len, number, b->p.sprint, &k);
    if (es != BT_OK) {
        st = bttc_fail(b, BT_EINVAL, "%s: block %llu", bts_header_strerror(es),
                       (unsigned long long)number);
        goto out;
    }
    if (!all_zero(h->mix_hash.bytes, 32)) {
        st = bttc_fail(b, BT_EINVAL, "non-zero mix digest: block %llu", (unsigned long long)number);
        goto out;
    }
    if (memcmp(h->uncle_hash.bytes, EMPTY_UNCLES, 32) != 0) {
        st = bttc_fail(b, BT_EINVAL, "non empty uncle hash: uncles not allowed: block %llu",
                       (unsigned long long)number);
        goto out;
    }
    if (number > 0 && bts_u256_is_zero(&h->difficulty)) {
        st = bttc_fail(b, BT_EINVAL, "invalid difficulty: block %llu has zero",
                       (unsigned long long)number);
        goto out;
    }
    if (h->gas_used > h->gas_limit) {
        st = bttc_fail(b, BT_EINVAL, "invalid gasUsed: have %llu, gasLimit %llu",
                       (unsigned long long)h->gas_used, (unsigned long long)h->gas_limit);
        goto out;
    }
    if (number == 0)
        goto out;
    if (!abi_parent || abi_parent->number + 1 != number ||
        memcmp(abi_parent->hash, h->parent_hash.bytes, 32) != 0) {
        st = bttc_fail(b, BT_ENOTFOUND, "unknown ancestor: parent of block %llu",
                       (unsigned long long)number);
        goto out;
    }
    if (h->time < abi_parent->time + b->p.period) {
        st = bttc_fail(b, BT_EINVAL,
                       "invalid timestamp: block %llu time %llu is before parent %llu "
                       "+ period %llu",
                       (unsigned long long)number, (unsigned long long)h->time,
                       (unsigned long long)abi_parent->time, (unsigned long long)b->p.period);
        goto out;
    }
    if (k > 0 && (st = check_list(b, h, k)) != BT_OK)
        goto out;
    if (!(flags & BT_VERIFY_SEAL))
        goto out;

    /* verifySeal: signer of the parent snapshot, timing by succession, difficulty. */
    uint8_t signer[20];
    es = bttc_signer(b, h, hd.hash, signer);
    if (es != BT_OK) {
        st = bttc_fail(b, BT_EINVAL, "invalid seal: block %llu: %s", (unsigned long long)number,
                       bts_header_strerror(es));
        goto out;
    }
    struct bttc_snap *snap;
    st = bttc_snapshot(b, abi_parent->number, abi_parent->hash, &snap);
    if (st != BT_OK)
        goto out;
    long succ = bttc_succession(snap, signer);
    if (succ < 0) {
        char a[41];
        for (int i = 0; i < 20; i++)
            snprintf(a + 2 * i, 3, "%02x", signer[i]);
        st = bttc_fail(b, BT_EINVAL, "unauthorized signer: block %llu signed by 0x%s",
                       (unsigned long long)number, a);
        goto out;
    }
    uint64_t delay = bttc_delay(&b->p, number, (uint64_t)succ);
    if (h->time < abi_parent->time + delay) {
        st = bttc_fail(b, BT_EINVAL,
                       "block too soon: block %llu at succession %ld needs time >= %llu, has %llu",
                       (unsigned long long)number, succ,
                       (unsigned long long)(abi_parent->time + delay), (unsigned long long)h->time);
        goto out;
    }
    uint64_t want = snap->vs.n - (uint64_t)succ;
    if (!bts_u256_fits_u64(&h->difficulty) || h->difficulty.w[0] != want) {
        char have[80];
        bts_u256_to_dec(have, &h->difficulty);
        st = bttc_fail(b, BT_EINVAL, "wrong difficulty: block %llu has %s, want %llu",
                       (unsigned long long)number, have, (unsigned long long)want);
        goto out;
    }
out:
    bttc_hdr_free(&hd);
    return st;
}

bt_status bttc_author(void *self, const struct bt_header *abi_h, uint8_t out_addr[20])
{
    struct bttc *b = self;
    struct bttc_hdr hd;
    if (!abi_h->rlp || bttc_hdr_from_rlp(&hd, abi_h->rlp, abi_h->rlp_len) != BT_OK)
        return bttc_fail(b, BT_EINVAL, "header does not decode");
    bt_status st = bttc_signer(b, &hd.h, hd.hash, out_addr);
    bttc_hdr_free(&hd);
    if (st != BT_OK)
        return bttc_fail(b, BT_EINVAL, "invalid seal: %s", bts_header_strerror(st));
    return BT_OK;
}
