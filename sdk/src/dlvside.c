/* Side-tx votes and replay sequences (PROTOCOL.md §4.1, §4.2), written from the rule
 * descriptions of bttcprotocol/delivery@v1.0.9 (app/side_tx_processor.go, helper/util.go). */
#include <bts/dlvside.h>

#include <stdlib.h>
#include <string.h>

#include <bts/secp.h>

bt_status bts_dlvside_quorum(int64_t *out, int64_t total)
{
    if (total < 0)
        return BT_EINVAL;
    if (total > INT64_MAX / 2)
        return BT_ERANGE;
    *out = total * 2 / 3 + 1;
    return BT_OK;
}

bt_status bts_dlvside_tally(enum bts_dlvside_result *out, int64_t yes, int64_t no, int64_t total)
{
    if (yes < 0 || no < 0 || total < 0 || yes > total || no > total - yes)
        return BT_EINVAL;
    int64_t q;
    bt_status st = bts_dlvside_quorum(&q, total);
    if (st != BT_OK)
        return st;
    *out = yes >= q ? BTS_DLVSIDE_YES : no >= q ? BTS_DLVSIDE_NO : BTS_DLVSIDE_SKIP;
    return BT_OK;
}

struct kept {
    uint8_t addr[20];
    const uint8_t *sig;
};

static int cmp_kept(const void *a, const void *b)
{
    const struct kept *x = a, *y = b;
    return memcmp(x->addr, y->addr, 20);
}

bt_status bts_dlvside_collect_sigs(uint8_t *out, size_t out_cap, size_t *out_n,
                                   const struct bts_dlvside_vote *votes, size_t n,
                                   const uint8_t tx_hash[32], const uint8_t digest[32])
{
    struct kept *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return BT_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct bts_dlvside_vote *v = &votes[i];
        if (v->sig_len != 65 || !v->sig || v->result != BTS_DLVSIDE_YES ||
            memcmp(v->tx_hash, tx_hash, 32) != 0)
            continue;
        uint8_t addr[20];
        if (bts_secp_recover(addr, digest, v->sig, 0) != BT_OK ||
            memcmp(addr, v->validator, 20) != 0)
            continue;
        memcpy(k[m].addr, addr, 20);
        k[m].sig = v->sig;
        m++;
    }
    *out_n = m;
    if (out_cap / BTS_DLVSIDE_SIG_WORDS_LEN < m) {
        free(k);
        return BT_ERANGE;
    }
    /* Equal addresses (duplicate votes) carry valid signatures by the same key; their order
     * does not matter to the contract, which skips repeats. */
    qsort(k, m, sizeof *k, cmp_kept);
    for (size_t i = 0; i < m; i++) {
        uint8_t *w = out + BTS_DLVSIDE_SIG_WORDS_LEN * i;
        memcpy(w, k[i].sig, 64);
        memset(w + 64, 0, 31);
        uint8_t v = k[i].sig[64];
        w[95] = v < 27 ? (uint8_t)(v + 27) : v;
    }
    free(k);
    return BT_OK;
}

bt_status bts_dlvside_sequence(uint64_t *out, uint64_t block, uint64_t log_index)
{
    if (block > (UINT64_MAX - log_index) / BTS_DLVSIDE_LOG_INDEX_UNIT)
        return BT_ERANGE;
    *out = block * BTS_DLVSIDE_LOG_INDEX_UNIT + log_index;
    return BT_OK;
}

bt_status bts_dlvside_clerk_sequence(uint64_t *out, uint64_t block, uint64_t log_index,
                                     uint64_t root_id)
{
    uint64_t s;
    bt_status st = bts_dlvside_sequence(&s, block, log_index);
    if (st != BT_OK)
        return st;
    if (s > (UINT64_MAX - root_id) / 100)
        return BT_ERANGE;
    *out = s * 100 + root_id;
    return BT_OK;
}
