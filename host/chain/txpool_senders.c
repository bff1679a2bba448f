/* The pool's sender cache: transaction hash -> recovered sender, for the same transaction's
 * next recovery on this node. Under a flood every transfer is recovered when it enters the
 * pool, again when the block holding it is imported, and again when a reorg puts it back in the
 * pool; an ECDSA recovery (~50 us) is the largest single cost of a transfer, so the later ones
 * are looked up here instead (go-ethereum caches the sender in the transaction object,
 * core/types/transaction_signing.go Sender, for the same reason).
 * A direct-mapped table: a collision replaces the older entry, a miss only costs a recovery. An
 * entry counts only under the rules it was recovered with (fork and chain id: the signature
 * checks that differ between forks). Thread: loop only, like the pool. */
#include "txpool_priv.h"

#include <stdlib.h>
#include <string.h>

struct txpool_sender_slot {
    uint8_t hash[32];
    uint64_t chain_id;
    uint32_t fork;
    uint32_t is_used;
    struct bt_address from;
};

static struct txpool_sender_slot *slot_of(const struct txpool *p, const uint8_t hash[32])
{
    uint64_t w;
    memcpy(&w, hash, 8); /* a keccak hash: its bytes are already uniform */
    return &p->senders[w & (TXPOOL_SENDERS - 1)];
}

int txpool_sender_cached(const struct txpool *p, const uint8_t hash[32],
                         const struct bts_tx_rules *rules, struct bt_address *out)
{
    if (!p || !p->senders)
        return 0;
    const struct txpool_sender_slot *s = slot_of(p, hash);
    if (!s->is_used || s->fork != rules->fork || s->chain_id != rules->chain_id ||
        memcmp(s->hash, hash, 32) != 0)
        return 0;
    *out = s->from;
    return 1;
}

void txpool_sender_remember(struct txpool *p, const uint8_t hash[32],
                            const struct bts_tx_rules *rules, const struct bt_address *from)
{
    if (!p)
        return;
    if (!p->senders && !(p->senders = calloc(TXPOOL_SENDERS, sizeof(*p->senders))))
        return; /* no cache: every recovery is done again */
    struct txpool_sender_slot *s = slot_of(p, hash);
    memcpy(s->hash, hash, 32);
    s->chain_id = rules->chain_id;
    s->fork = rules->fork;
    s->is_used = 1;
    s->from = *from;
}
