/* Checkpoint rules of Delivery (PROTOCOL.md §4.6, §4.7), written from the rule descriptions of
 * bttcprotocol/delivery@v1.0.9 (bridge/setu/processor/checkpoint.go, checkpoint/types/msg.go,
 * types/dividend-account.go) and cbergoon/merkletree@v0.2.0. */
#include <bts/dlvckpt.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

int bts_dlvckpt_next_range(uint64_t *out_start, uint64_t *out_end, uint64_t head,
                           const struct bts_dlvckpt_last *last, uint64_t now, uint64_t activation)
{
    /* Upstream subtracts in uint64 and would wrap for a head below 10 blocks; such a young chain
     * has nothing confirmed, so clamp instead. */
    uint64_t confirmed = head > BTS_DLVCKPT_CONFIRMATIONS ? head - BTS_DLVCKPT_CONFIRMATIONS : 0;
    uint64_t start = last->end == 0 ? 0 : last->end + 1;
    uint64_t end = 0;
    /* Upstream computes diff as a signed difference of uint64s, so compare before subtracting. */
    int have_diff = confirmed + 1 > start;
    uint64_t diff = have_diff ? confirmed - start + 1 : 0;
    if (have_diff) {
        uint64_t e = diff - diff % BTS_DLVCKPT_UNIT;
        if (e > 0)
            e -= 1;
        if (e > BTS_DLVCKPT_MAX_SPAN)
            e = BTS_DLVCKPT_MAX_SPAN;
        end = start + e;
    }
    if (end == 0 || end == start || diff < BTS_DLVCKPT_UNIT) {
        if (now > last->created_at && now - last->created_at > BTS_DLVCKPT_FORCE_AFTER)
            end = confirmed;
    }
    if (start == 0 && activation != 0) {
        start += activation;
        end += activation;
    }
    *out_start = start;
    *out_end = end;
    return end != 0 && start < end;
}

static void put_word(uint8_t w[32], uint64_t v)
{
    memset(w, 0, 24);
    for (int i = 0; i < 8; i++)
        w[24 + i] = (uint8_t)(v >> (56 - 8 * i));
}

static void put_addr(uint8_t w[32], const uint8_t a[20])
{
    memset(w, 0, 12);
    memcpy(w + 12, a, 20);
}

void bts_dlvckpt_sign_data(uint8_t out[BTS_DLVCKPT_SIGN_LEN], const uint8_t proposer[20],
                           uint64_t start, uint64_t end, const uint8_t root[32],
                           const uint8_t account_root[32], uint64_t bor_chain_id, uint64_t epoch)
{
    put_addr(out, proposer);
    put_word(out + 32, start);
    put_word(out + 64, end);
    memcpy(out + 96, root, 32);
    memcpy(out + 128, account_root, 32);
    put_word(out + 160, bor_chain_id);
    put_word(out + 192, epoch);
}

void bts_dlvckpt_sync_sign_data(uint8_t out[BTS_DLVCKPT_SYNC_SIGN_LEN], const uint8_t proposer[20],
                                uint64_t start, uint64_t end, uint64_t number, uint64_t root_id)
{
    put_addr(out, proposer);
    put_word(out + 32, start);
    put_word(out + 64, end);
    put_word(out + 96, number);
    put_word(out + 128, root_id);
}

void bts_dlvckpt_sign_digest(uint8_t out[32], const uint8_t *data, size_t data_len)
{
    static const uint8_t yes = 0x01;
    struct bts_keccak k;
    bts_keccak_init(&k);
    bts_keccak_update(&k, &yes, 1);
    if (data_len)
        bts_keccak_update(&k, data, data_len);
    bts_keccak_final(&k, out);
}

static void hash_pair(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    uint8_t buf[64];
    memcpy(buf, l, 32);
    memcpy(buf + 32, r, 32);
    bts_keccak256(out, buf, 64);
}

bt_status bts_dlvckpt_account_root(uint8_t out_root[32], const struct bts_dlvckpt_account *accts,
                                   size_t n)
{
    if (n == 0)
        return BT_EINVAL;
    if (n > (SIZE_MAX / 32) - 1)
        return BT_ENOMEM;
    size_t len = n + (n & 1); /* odd: the last leaf is duplicated */
    uint8_t *lvl = malloc(len * 32);
    if (!lvl)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint8_t buf[64];
        put_addr(buf, accts[i].user);
        memcpy(buf + 32, accts[i].fee, 32);
        bts_keccak256(lvl + 32 * i, buf, 64);
    }
    if (n & 1)
        memcpy(lvl + 32 * n, lvl + 32 * (n - 1), 32);
    /* len >= 2 here; each level halves (rounding up) in place until two nodes remain. */
    while (len > 2) {
        size_t next = 0;
        for (size_t i = 0; i < len; i += 2) {
            const uint8_t *l = lvl + 32 * i;
            const uint8_t *r = i + 1 < len ? lvl + 32 * (i + 1) : l;
            hash_pair(lvl + 32 * next, l, r); /* next <= i: never overwrites unread nodes */
            next++;
        }
        len = next;
    }
    hash_pair(out_root, lvl, lvl + 32);
    free(lvl);
    return BT_OK;
}
