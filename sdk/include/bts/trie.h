/* Merkle-Patricia trie (Yellow Paper appendix D, go-ethereum `trie` semantics) held in memory and
 * backed by an abstract node store: the state, storage, transaction and receipt tries.
 * Thread: every function taking a struct bts_trie * (or an iterator) needs exclusive use of that
 * trie, reads included, since they load nodes from the store into it. Different tries (even over
 * one store, if its get is thread-safe) may be used from different threads. */
#ifndef BTS_TRIE_H
#define BTS_TRIE_H

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest key accepted, in bytes (trie keys are 32-byte hashes or short RLP indexes). */
#define BTS_TRIE_MAX_KEY_LEN 256u
/** Longest value accepted, in bytes. */
#define BTS_TRIE_MAX_VALUE_LEN 0xffffffu

/** Root hash of the empty trie: keccak(rlp("")) =
 *  56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421. */
extern BTS_API const uint8_t bts_trie_empty_root[32];

/** Trie options for bts_trie_new and bts_trie_verify_proof. */
enum bts_trie_flag {
    /** "Secure" trie (state and storage tries): every key is replaced by keccak(key) before use,
     *  so iteration and bts_trie_get_prev see hashed keys. Source: go-ethereum trie/secure_trie.go.
     */
    BTS_TRIE_SECURE = 1u << 0
};

/** One node handed to a store: keccak(data) == hash. */
struct bts_trie_node {
    const uint8_t *hash; /* 32 bytes */
    const uint8_t *data; /* the node's RLP encoding */
    size_t len;
};

/** Where a trie keeps its nodes, by hash: the host backs it with its storage proxy.
 *  Nodes whose encoding is shorter than 32 bytes are embedded in their parent and never reach
 *  the store, except the root, which is always stored by hash. The trie trusts the store: node
 *  bytes it reads are decoded strictly but not re-hashed. Nothing is ever deleted from it. */
struct bts_trie_store {
    /** Read the node whose keccak is `hash`. Returns: BT_OK, BT_ENOTFOUND, or any other failure
     *  (passed to the trie's caller). On BT_OK the trie copies out->data and calls
     *  out->release(out) (if not NULL) before returning to its own caller. Mandatory. */
    bt_status (*get)(void *self, const uint8_t hash[32], struct bt_value *out);
    /** Write a batch of nodes; all pointers are borrowed for the call. The batch is one commit's
     *  worth (the host writes it with the block's other data, atomically). Mandatory. */
    bt_status (*commit)(void *self, const struct bts_trie_node *nodes, size_t n_nodes);
    void *self;
};

struct bts_trie;

/** Open a trie at `root`. Nodes are read from the store only when an operation reaches them.
 *  Returns: BT_OK; BT_ENOMEM; BT_EINVAL (unknown flag bits, or a non-empty root without a
 *           store).
 *  Out:    out_trie:  the trie, free with bts_trie_free (NULL on failure).
 *  In:     store:     NULL for a purely in-memory trie; copied, store->self must outlive the trie.
 *          root:      32 bytes, or NULL for the empty trie.
 *          flags:     bts_trie_flag bits.
 *  Thread: a trie is used by one thread at a time; reads resolve nodes and so modify it. */
BTS_API bt_status bts_trie_new(struct bts_trie **out_trie, const struct bts_trie_store *store,
                               const uint8_t *root, uint32_t flags) BT_MUST_CHECK BT_NONNULL(1);

/** Free a trie and all its memory (nothing is written to the store). NULL is accepted. */
BTS_API void bts_trie_free(struct bts_trie *t);

/** Look a key up.
 *  Returns: BT_OK; BT_ENOTFOUND (absent); BT_EINVAL (key longer than BTS_TRIE_MAX_KEY_LEN);
 *           BT_EIO (a node is missing from the store); BT_EPROTO (a stored node is malformed);
 *           BT_ENOMEM; or a store failure.
 *  Out:    out_val, out_val_len: the value, borrowed from the trie until its next modification
 *          (put, delete, commit, free). NULL and 0 unless BT_OK.
 *  In:     key, key_len: borrowed (key may be NULL when key_len is 0). */
BTS_API bt_status bts_trie_get(struct bts_trie *t, const uint8_t *key, size_t key_len,
                               const uint8_t **out_val, size_t *out_val_len) BT_MUST_CHECK
    BT_NONNULL(1, 4, 5);

/** Set the value of a key; an empty value deletes the key, as in go-ethereum (tries never hold
 *  empty values). Hashes are not computed here but at the next root or commit.
 *  Returns: BT_OK; BT_EINVAL (key longer than BTS_TRIE_MAX_KEY_LEN); BT_ERANGE (value longer
 *           than BTS_TRIE_MAX_VALUE_LEN); BT_ENOMEM (trie unchanged); or as bts_trie_get.
 *  In:     key, key_len, val, val_len: copied. */
BTS_API bt_status bts_trie_put(struct bts_trie *t, const uint8_t *key, size_t key_len,
                               const uint8_t *val, size_t val_len) BT_MUST_CHECK BT_NONNULL(1);

/** Remove a key. Removing an absent key succeeds and changes nothing.
 *  Returns: BT_OK; BT_ENOMEM (trie unchanged); or as bts_trie_get. */
BTS_API bt_status bts_trie_delete(struct bts_trie *t, const uint8_t *key,
                                  size_t key_len) BT_MUST_CHECK BT_NONNULL(1);

/** Compute the root hash, hashing only what changed since the last root or commit.
 *  Returns: BT_OK; BT_ENOMEM.
 *  Out:    out_root: 32 bytes. Source: Yellow Paper appendix D (TRIE, c(J,i), n(J,i)). */
BTS_API bt_status bts_trie_root(struct bts_trie *t, uint8_t out_root[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Write every node created or changed since the last commit to the store, in one
 *  store->commit call (none if nothing changed), and give the root hash. The nodes stay in
 *  memory; a failed store write can be retried.
 *  Returns: BT_OK; BT_EINVAL (trie has no store); BT_ENOMEM; or the store's failure.
 *  Out:    out_root: 32 bytes (NULL allowed). */
BTS_API bt_status bts_trie_commit(struct bts_trie *t, uint8_t *out_root) BT_MUST_CHECK
    BT_NONNULL(1);

/** Number of keys, counted by walking the whole trie (resolving every node): for tests.
 *  Returns: BT_OK; or as bts_trie_get. */
BTS_API bt_status bts_trie_count(struct bts_trie *t, size_t *out_count) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Build the Merkle proof of a key as eth_getProof does: the encodings of the nodes on the path
 *  from the root towards the key, root first, leaving out nodes embedded in their parent. It
 *  proves presence (the last node holds the value) or absence (the path ends or diverges).
 *  Returns: BT_OK; BT_EINVAL (key too long); BT_ENOMEM; or as bts_trie_get.
 *  Out:    out: receives (appended) one RLP list whose items are the raw node encodings, the
 *          `receiptProof` shape of PROTOCOL.md §5.4. The empty trie gives the empty list.
 *  Source: go-ethereum trie/proof.go (Prove). */
BTS_API bt_status bts_trie_prove(struct bts_trie *t, const uint8_t *key, size_t key_len,
                                 struct bts_buf *out) BT_MUST_CHECK BT_NONNULL(1, 4);

/** Check a proof made by bts_trie_prove against a root, without a trie. Each hashed node must
 *  appear in path order; nodes left over after the path ends make the proof invalid.
 *  Returns: BT_OK (key present, value given); BT_ENOTFOUND (key proven absent); BT_EPROTO
 *           (proof malformed, incomplete, or not matching the root); BT_EINVAL (key too long
 *           or unknown flag bits).
 *  Out:    out_val, out_val_len: on BT_OK the value, pointing into `proof`.
 *  In:     root: 32 bytes; flags: BTS_TRIE_SECURE if the key must be hashed first;
 *          key, key_len; proof, proof_len: an RLP list of nodes (proof may be NULL if 0).
 *  Thread: any. Source: go-ethereum trie/proof.go (VerifyProof). */
BTS_API bt_status bts_trie_verify_proof(const uint8_t root[32], uint32_t flags, const uint8_t *key,
                                        size_t key_len, const uint8_t *proof, size_t proof_len,
                                        const uint8_t **out_val, size_t *out_val_len) BT_MUST_CHECK
    BT_NONNULL(1, 7, 8);

struct bts_trie_iter;

/** Start an in-order walk (bytewise key order; a key comes before its extensions) at the first
 *  key >= start. The iterator is invalid after any modification of the trie.
 *  Returns: BT_OK; BT_EINVAL (start too long); BT_ENOMEM; or as bts_trie_get.
 *  Out:    out_it: free with bts_trie_iter_free.
 *  In:     start, start_len: borrowed; empty (NULL, 0) for the first key. On a secure trie the
 *          walk is over hashed keys and `start` is compared with them as given (not hashed). */
BTS_API bt_status bts_trie_iter_new(struct bts_trie_iter **out_it, struct bts_trie *t,
                                    const uint8_t *start, size_t start_len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Step to the next entry.
 *  Returns: BT_OK; BT_ENOTFOUND (walk finished); or as bts_trie_get.
 *  Out:    out_key, out_key_len, out_val, out_val_len: borrowed from the trie until its next
 *          modification. */
BTS_API bt_status bts_trie_iter_next(struct bts_trie_iter *it, const uint8_t **out_key,
                                     size_t *out_key_len, const uint8_t **out_val,
                                     size_t *out_val_len) BT_MUST_CHECK BT_NONNULL(1, 2, 3, 4, 5);

/** Free an iterator; NULL is accepted. */
BTS_API void bts_trie_iter_free(struct bts_trie_iter *it);

/** Find the greatest key strictly less than `key` (the "prev" of ethereum/tests
 *  trietestnextprev.json). On a secure trie keys are hashed ones, as for the iterator.
 *  Returns: BT_OK; BT_ENOTFOUND (no smaller key); or as bts_trie_get.
 *  Out:    as bts_trie_iter_next. */
BTS_API bt_status bts_trie_get_prev(struct bts_trie *t, const uint8_t *key, size_t key_len,
                                    const uint8_t **out_key, size_t *out_key_len,
                                    const uint8_t **out_val, size_t *out_val_len) BT_MUST_CHECK
    BT_NONNULL(1, 4, 5, 6, 7);

/* --- in-memory store (tests, benchmarks, scratch tries) ----------------------------------- */

struct bts_trie_memstore;

/** Create an empty in-memory node store (a hash table of copied nodes).
 *  Returns: BT_OK; BT_ENOMEM. Out: out_ms (free with bts_trie_memstore_free). */
BTS_API bt_status bts_trie_memstore_new(struct bts_trie_memstore **out_ms) BT_MUST_CHECK
    BT_NONNULL(1);

/** Free the store and its nodes; NULL is accepted. Tries using it must be freed first. */
BTS_API void bts_trie_memstore_free(struct bts_trie_memstore *ms);

/** The store interface of `ms`, for bts_trie_new. Values it returns are borrowed from the
 *  store (release is NULL). */
BTS_API const struct bts_trie_store *bts_trie_memstore_store(struct bts_trie_memstore *ms)
    BT_NONNULL(1);

/** Number of distinct nodes held. */
BTS_API size_t bts_trie_memstore_count(const struct bts_trie_memstore *ms) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_TRIE_H */
