/* Merkle proofs of the state for eth_getProof (state_int.h): the account trie path of an
 * address and the storage trie path of a slot, over the stored trie nodes.
 * Source: EIP-1186 (eth_getProof), go-ethereum internal/ethapi GetProof. */
#include <string.h>

#include <bts/rlp.h>
#include <bts/trie.h>

#include "state_priv.h"

bt_status state_prove_account(struct state *st, const uint8_t addr[20], struct bts_buf *out)
{
    bt_status rc = bts_trie_prove(st->trie, addr, 20, out);
    return rc == BT_OK || rc == BT_ENOMEM ? rc : BT_EIO;
}

bt_status state_storage_root(struct state *st, const uint8_t addr[20], uint8_t out_root[32])
{
    struct state_acct *a;
    bt_status rc = state_acct_get(st, addr, &a);
    if (rc == BT_OK)
        memcpy(out_root, a->storage_root, 32);
    return rc;
}

bt_status state_prove_storage(struct state *st, const uint8_t addr[20], const uint8_t key[32],
                              struct bts_buf *out)
{
    struct state_acct *a;
    bt_status rc = state_acct_get(st, addr, &a);
    if (rc != BT_OK)
        return rc;
    if (!a->is_live) /* no account, no storage trie: the empty proof */
        return bts_rlp_encode_list_header(out, 0);
    if ((rc = state_acct_trie(st, a)) != BT_OK)
        return rc;
    rc = bts_trie_prove(a->trie, key, 32, out);
    return rc == BT_OK || rc == BT_ENOMEM ? rc : BT_EIO;
}
