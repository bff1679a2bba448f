/* consensus-bttc: producing blocks (PROTOCOL.md §3.2-§3.5): when this node may seal the child
 * of a parent, the fields it writes, and the seal through the host's signer. */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/merkle.h>

#include "bttc_int.h"

/* Our succession for the child of `parent`, from the parent's snapshot. */
static bt_status my_turn(struct bttc *b, const struct bt_header *parent, struct bttc_snap **snap,
                         long *succ)
{
    if (!b->has_signer)
        return BT_ENOTFOUND;
    bt_status st = bttc_snapshot(b, parent->number, parent->hash, snap);
    if (st != BT_OK)
        return st;
    *succ = bttc_succession(*snap, b->signer);
    return *succ < 0 ? BT_ENOTFOUND : BT_OK;
}

bt_status bttc_schedule(void *self, const struct bt_header *parent, uint64_t n_pending,
                        uint64_t *out_time_ms)
{
    (void)n_pending; /* Bttc seals empty blocks too */
    struct bttc *b = self;
    struct bttc_snap *snap;
    long succ;
    bt_status st = my_turn(b, parent, &snap, &succ);
    if (st != BT_OK)
        return st == BT_ENOTFOUND || st == BT_EINVAL ? BT_ENOTFOUND : st;
    uint64_t t = parent->time + bttc_delay(&b->p, parent->number + 1, (uint64_t)succ);
    *out_time_ms = t * 1000;
    return BT_OK;
}

bt_status bttc_prepare(void *self, const struct bt_header *parent, struct bt_header_draft *d)
{
    struct bttc *b = self;
    struct bttc_snap *snap;
    long succ;
    bt_status st = my_turn(b, parent, &snap, &succ);
    if (st != BT_OK)
        return st == BT_EINVAL ? BT_ENOTFOUND : st;
    uint64_t number = parent->number + 1;
    uint64_t n = snap->vs.n;
    struct bts_validator *list = NULL;
    size_t k = 0;
    if ((number + 1) % b->p.sprint == 0) {
        st = bttc_call_validators(b, parent->hash, number + 1, &list, &k);
        if (st != BT_OK)
            return st;
    }
    size_t need = BTS_HEADER_BOR_VANITY_LEN + 40 * k + BTS_HEADER_BOR_SEAL_LEN;
    if (d->extra_cap < need) {
        free(list);
        d->extra_len = need;
        return BT_ERANGE;
    }
    uint8_t *e = d->extra;
    memcpy(e, b->vanity, 32);
    e += 32;
    for (size_t i = 0; i < k; i++, e += 40) {
        memcpy(e, list[i].address, 20);
        memset(e + 20, 0, 20);
        for (int j = 0; j < 8; j++)
            e[39 - j] = (uint8_t)((uint64_t)list[i].power >> (8 * j));
    }
    memset(e, 0, BTS_HEADER_BOR_SEAL_LEN);
    free(list);
    d->extra_len = need;
    d->number = number;
    uint64_t now = b->host->wall_ms(b->hctx) / 1000;
    uint64_t t = parent->time + bttc_delay(&b->p, number, (uint64_t)succ);
    d->time = t > now ? t : now;
    memset(d->coinbase, 0, 20);
    memset(d->difficulty, 0, 32);
    uint64_t diff = n - (uint64_t)succ;
    for (int j = 0; j < 8; j++)
        d->difficulty[31 - j] = (uint8_t)(diff >> (8 * j));
    memset(d->mix_digest, 0, 32);
    memset(d->nonce, 0, 8);
    if (d->gas_limit == 0)
        d->gas_limit = parent->gas_limit;
    return BT_OK;
}

bt_status bttc_seal(void *self, const struct bt_header *abi_h, uint8_t *extra, size_t extra_len)
{
    struct bttc *b = self;
    if (!b->has_signer)
        return bttc_fail(b, BT_EPERM, "no signer key configured (signer=)");
    if (!abi_h->rlp)
        return bttc_fail(b, BT_EINVAL, "header without its encoding");
    struct bttc_hdr hd;
    if (bttc_hdr_from_rlp(&hd, abi_h->rlp, abi_h->rlp_len) != BT_OK)
        return bttc_fail(b, BT_EINVAL, "header does not decode");
    if (hd.h.extra_len != extra_len || extra_len < BTS_HEADER_BOR_VANITY_LEN + 65) {
        bttc_hdr_free(&hd);
        return bttc_fail(b, BT_EINVAL, "extra-data 65 byte signature suffix missing");
    }
    uint8_t digest[32];
    bt_status st = bts_header_bor_seal_hash(digest, &hd.h, 0);
    bttc_hdr_free(&hd);
    if (st != BT_OK)
        return st;
    uint8_t sig[65];
    st = b->host->sign(b->hctx, sig, b->key_id, digest);
    if (st != BT_OK)
        return st;
    memcpy(extra + extra_len - 65, sig, 65);
    return BT_OK;
}

/* The records the next block (a sprint start) commits: the same (from, to) as commit_states
 * asks, so a REST source has them by the time finalize does (a fetch per sprint otherwise made
 * every sprint start wait for Delivery). */
static void prefetch_records(struct bttc *b, const struct bt_header *head)
{
    uint64_t next = head->number + 1, last;
    struct bttc_hdr from;
    if (next < b->p.sprint || bttc_call_last_state_id(b, head->hash, &last) != BT_OK ||
        bttc_header_by_number(b, next - b->p.sprint, &from) != BT_OK)
        return;
    struct bts_event_list recs = {0};
    if (b->src->event_records(b->src_self, last + 1, (int64_t)from.h.time, &recs) == BT_OK)
        bts_event_list_free(&recs);
    bttc_hdr_free(&from);
}

void bttc_on_head(void *self, const struct bt_header *head)
{
    struct bttc *b = self;
    if (!b->leaves)
        return;
    struct bttc_leafent *e = &b->leaves[head->number % BTTC_LEAF_CACHE];
    e->number = head->number;
    memcpy(e->hash, head->hash, 32);
    bts_merkle_leaf(e->leaf, head->number, head->time, head->tx_root, head->receipt_root);
    e->used = 1;
    /* A reorg: walk back while the cached parents are of the old chain and refill them. */
    uint8_t want[32];
    memcpy(want, head->parent_hash, 32);
    for (uint64_t n = head->number; n-- > 0 && head->number - n < BTTC_LEAF_CACHE;) {
        struct bttc_leafent *x = &b->leaves[n % BTTC_LEAF_CACHE];
        if (!x->used || x->number != n || memcmp(x->hash, want, 32) == 0)
            break;
        struct bttc_hdr hd;
        if (bttc_header_by_hash(b, want, &hd) != BT_OK) {
            x->used = 0;
            break;
        }
        memcpy(x->hash, hd.hash, 32);
        bts_merkle_leaf(x->leaf, n, hd.h.time, hd.h.tx_root.bytes, hd.h.receipt_root.bytes);
        memcpy(want, hd.h.parent_hash.bytes, 32);
        bttc_hdr_free(&hd);
    }
    if (b->dlvapp)
        bttc_dlv_on_head(b, head->number);
    /* Prefetch the next span and records through the source so finalize rarely waits. */
    if (b->src && b->p.sprint && (head->number + 1) % b->p.sprint == 0) {
        uint64_t id, start, end;
        if (bttc_call_current_span(b, head->hash, &id, &start, &end) == BT_OK &&
            bttc_need_commit_span(&b->p, end, head->number + 1)) {
            struct bts_span s;
            if (b->src->span(b->src_self, id + 1, &s) == BT_OK)
                bts_span_free(&s);
        }
        prefetch_records(b, head);
    }
}
