/* EIP-2124 fork identifiers and their validation. */
#include <bts/forkid.h>

#include <string.h>

uint32_t bts_forkid_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    /* Bitwise reflected CRC32 (polynomial 0xedb88320): fork ids are computed once per
     * handshake over a few dozen bytes, so a table buys nothing. */
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

/* The smallest fork block above `after`, or 0 if none: walks the list in ascending, distinct
 * order without sorting a copy. */
static uint64_t next_fork(const uint64_t *forks, size_t n, uint64_t after)
{
    uint64_t best = 0;
    for (size_t i = 0; i < n; i++)
        if (forks[i] > after && (best == 0 || forks[i] < best))
            best = forks[i];
    return best;
}

static uint32_t crc_block(uint32_t crc, uint64_t block)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(block >> (56 - 8 * i));
    return bts_forkid_crc32(crc, be, 8);
}

void bts_forkid_compute(struct bts_forkid *out, const uint8_t genesis[32], const uint64_t *forks,
                        size_t n_forks, uint64_t head)
{
    uint32_t hash = bts_forkid_crc32(0, genesis, 32);
    uint64_t f = 0;
    while ((f = next_fork(forks, n_forks, f)) != 0) {
        if (f > head) {
            out->hash = hash;
            out->next = f;
            return;
        }
        hash = crc_block(hash, f);
    }
    out->hash = hash;
    out->next = 0;
}

bt_status bts_forkid_validate(const uint8_t genesis[32], const uint64_t *forks, size_t n_forks,
                              uint64_t head, const struct bts_forkid *remote)
{
    /* Walk the checksums sums[0..]: sums[j] is the hash with the first j forks applied, and
     * fork(j) the j-th fork block (1-based). Position i is the first fork not yet passed
     * locally (or the end of the list). */
    uint32_t sum = bts_forkid_crc32(0, genesis, 32);
    uint64_t f = 0, fork_i;
    /* Rule 2 needs, for a past sum, the fork that followed it; rule 3 the future sums. */
    for (;;) {
        fork_i = next_fork(forks, n_forks, f);
        if (fork_i == 0 || head < fork_i)
            break;
        if (sum == remote->hash) /* rule 2: remote is on a past fork of ours */
            return remote->next == fork_i ? BT_OK : BTS_FORKID_EREMOTE_STALE;
        sum = crc_block(sum, fork_i);
        f = fork_i;
    }
    if (sum == remote->hash) {
        /* Rule 1: same fork state. 1a: the remote's next fork already passed here. */
        if (remote->next > 0 && head >= remote->next)
            return BTS_FORKID_ELOCAL_INCOMPATIBLE;
        return BT_OK;
    }
    /* Rule 3: the remote is ahead on forks we know but have not reached. */
    while (fork_i != 0) {
        sum = crc_block(sum, fork_i);
        if (sum == remote->hash)
            return BT_OK;
        fork_i = next_fork(forks, n_forks, fork_i);
    }
    return BTS_FORKID_ELOCAL_INCOMPATIBLE; /* rule 4 */
}

bt_status bts_forkid_encode(struct bts_buf *out, const struct bts_forkid *id)
{
    uint8_t h[4] = {(uint8_t)(id->hash >> 24), (uint8_t)(id->hash >> 16), (uint8_t)(id->hash >> 8),
                    (uint8_t)id->hash};
    bt_status st = bts_rlp_encode_list_header(out, 5 + bts_rlp_u64_len(id->next));
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, h, 4);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, id->next);
    return st;
}

bt_status bts_forkid_decode(struct bts_forkid *out, const struct bts_rlp_item *item)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item a, b, c;
    uint8_t h[4];
    memset(out, 0, sizeof(*out));
    if (!item->is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&it, item);
    if (bts_rlp_iter_next(&it, &a) != BT_OK || bts_rlp_item_fixed(&a, h, 4) != BT_OK ||
        bts_rlp_iter_next(&it, &b) != BT_OK || bts_rlp_item_u64(&b, &out->next) != BT_OK ||
        bts_rlp_iter_next(&it, &c) != BT_ENOTFOUND) {
        out->next = 0;
        return BT_EPROTO;
    }
    out->hash = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    return BT_OK;
}
