/* Fuzz the Merkle-Patricia trie. The first byte picks a mode:
 *   0: a sequence of put/delete ops on small keys, checked after every op against a sorted-array
 *      reference (get), then iteration, proofs, commit/reload, and the root against a trie
 *      rebuilt from the reference in reverse order;
 *   1: raw bytes as a proof for bts_trie_verify_proof (root = hash of its first node, so the walk
 *      gets past the first check);
 *   2: raw bytes as stored nodes: open a trie at the first one and walk, read and change it.
 * Any disagreement aborts. */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/trie.h>

#define MAX_KEYS 512

struct entry {
    uint8_t key[8], val[40];
    size_t key_len, val_len;
};

static struct entry ref[MAX_KEYS];
static size_t n_ref;

static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    int c = m ? memcmp(a, b, m) : 0;
    return c ? c : (al > bl) - (al < bl);
}

static size_t lower(const uint8_t *k, size_t kl)
{
    size_t lo = 0, hi = n_ref;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (key_cmp(ref[mid].key, ref[mid].key_len, k, kl) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int ref_has(size_t i, const uint8_t *k, size_t kl)
{
    return i < n_ref && key_cmp(ref[i].key, ref[i].key_len, k, kl) == 0;
}

/* Apply to the reference; returns 0 if it would overflow (the op is then skipped). */
static int ref_put(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    size_t i = lower(k, kl);
    if (vl == 0) {
        if (ref_has(i, k, kl)) {
            memmove(&ref[i], &ref[i + 1], (n_ref - i - 1) * sizeof(ref[0]));
            n_ref--;
        }
        return 1;
    }
    if (!ref_has(i, k, kl)) {
        if (n_ref == MAX_KEYS)
            return 0;
        memmove(&ref[i + 1], &ref[i], (n_ref - i) * sizeof(ref[0]));
        n_ref++;
        memcpy(ref[i].key, k, kl);
        ref[i].key_len = kl;
    }
    memcpy(ref[i].val, v, vl);
    ref[i].val_len = vl;
    return 1;
}

static void must(int cond)
{
    if (!cond)
        abort();
}

static void check_get(struct bts_trie *t, const uint8_t *k, size_t kl)
{
    const uint8_t *v;
    size_t vl, i = lower(k, kl);
    bt_status st = bts_trie_get(t, k, kl, &v, &vl);
    if (ref_has(i, k, kl))
        must(st == BT_OK && vl == ref[i].val_len && memcmp(v, ref[i].val, vl) == 0);
    else
        must(st == BT_ENOTFOUND);
}

static void check_whole(struct bts_trie *t, uint32_t flags)
{
    uint8_t root[32], other[32];
    must(bts_trie_root(t, root) == BT_OK);
    /* root independent of history */
    struct bts_trie *fresh;
    must(bts_trie_new(&fresh, NULL, NULL, flags) == BT_OK);
    for (size_t i = n_ref; i-- > 0;)
        must(bts_trie_put(fresh, ref[i].key, ref[i].key_len, ref[i].val, ref[i].val_len) == BT_OK);
    must(bts_trie_root(fresh, other) == BT_OK && memcmp(root, other, 32) == 0);
    bts_trie_free(fresh);
    /* iteration (plain tries only: secure ones walk hashed keys) */
    if (!flags) {
        struct bts_trie_iter *it;
        const uint8_t *k, *v;
        size_t kl, vl, i = 0;
        must(bts_trie_iter_new(&it, t, NULL, 0) == BT_OK);
        while (bts_trie_iter_next(it, &k, &kl, &v, &vl) == BT_OK) {
            must(i < n_ref && key_cmp(k, kl, ref[i].key, ref[i].key_len) == 0);
            must(vl == ref[i].val_len && memcmp(v, ref[i].val, vl) == 0);
            i++;
        }
        must(i == n_ref);
        bts_trie_iter_free(it);
    }
    /* proofs of every key, and commit/reload */
    struct bts_trie_memstore *ms;
    struct bts_trie *s, *r;
    must(bts_trie_memstore_new(&ms) == BT_OK);
    must(bts_trie_new(&s, bts_trie_memstore_store(ms), NULL, flags) == BT_OK);
    for (size_t i = 0; i < n_ref; i++) {
        struct bts_buf proof = BTS_BUF_INIT;
        const uint8_t *v;
        size_t vl;
        must(bts_trie_prove(t, ref[i].key, ref[i].key_len, &proof) == BT_OK);
        must(bts_trie_verify_proof(root, flags, ref[i].key, ref[i].key_len, proof.data, proof.len,
                                   &v, &vl) == BT_OK);
        must(vl == ref[i].val_len && memcmp(v, ref[i].val, vl) == 0);
        bts_buf_free(&proof);
        must(bts_trie_put(s, ref[i].key, ref[i].key_len, ref[i].val, ref[i].val_len) == BT_OK);
    }
    must(bts_trie_commit(s, other) == BT_OK && memcmp(root, other, 32) == 0);
    must(bts_trie_new(&r, bts_trie_memstore_store(ms), root, flags) == BT_OK);
    for (size_t i = 0; i < n_ref; i += 2)
        must(bts_trie_delete(r, ref[i].key, ref[i].key_len) == BT_OK);
    for (size_t i = 1; i < n_ref; i += 2)
        check_get(r, ref[i].key, ref[i].key_len);
    bts_trie_free(r);
    bts_trie_free(s);
    bts_trie_memstore_free(ms);
}

static void run_ops(const uint8_t *data, size_t size)
{
    static const uint8_t alphabet[8] = {0x00, 0x01, 0x0f, 0x10, 0x11, 0x80, 0xf0, 0xff};
    uint32_t flags = size > 0 && (data[0] & 1) ? BTS_TRIE_SECURE : 0;
    struct bts_trie *t;
    size_t pos = 1;
    n_ref = 0;
    must(bts_trie_new(&t, NULL, NULL, flags) == BT_OK);
    while (pos + 2 <= size) {
        uint8_t op = data[pos++], len = data[pos++];
        uint8_t k[8], v[40];
        size_t kl = (op >> 2) & 7, vl = (op & 3) == 3 ? 0 : (size_t)(len % 41);
        if (pos + kl > size)
            break;
        for (size_t i = 0; i < kl; i++)
            k[i] = alphabet[data[pos + i] & 7];
        pos += kl;
        for (size_t i = 0; i < vl; i++)
            v[i] = (uint8_t)(len + i * (op | 1));
        if (!ref_put(k, kl, v, vl))
            continue;
        must(bts_trie_put(t, k, kl, v, vl) == BT_OK);
        check_get(t, k, kl);
        if (op & 0x80) { /* look at a neighbour too */
            k[kl ? kl - 1 : 0] ^= 1;
            check_get(t, k, kl ? kl : 1);
        }
    }
    check_whole(t, flags);
    bts_trie_free(t);
}

static void run_proof(const uint8_t *data, size_t size)
{
    struct bts_rlp_item list, first;
    struct bts_rlp_iter it;
    uint8_t root[32];
    const uint8_t *v;
    size_t vl;
    if (size < 2)
        return;
    size_t kl = data[0] % 34; /* the key is taken from the input's tail */
    if (kl > size - 1)
        kl = size - 1;
    const uint8_t *proof = data + 1, *key = data + size - kl;
    size_t proof_len = size - 1 - kl;
    memset(root, 0, sizeof(root));
    if (bts_rlp_decode(&list, proof, proof_len) == BT_OK && list.is_list) {
        bts_rlp_iter_init(&it, &list);
        if (bts_rlp_iter_next(&it, &first) == BT_OK)
            bts_keccak256(root, first.raw, first.raw_len);
    }
    for (uint32_t flags = 0; flags < 2; flags++) {
        bt_status st = bts_trie_verify_proof(root, flags, key, kl, proof, proof_len, &v, &vl);
        must(st == BT_OK || st == BT_ENOTFOUND || st == BT_EPROTO);
        if (st == BT_OK)
            must(v >= proof && v + vl <= proof + proof_len && vl > 0);
    }
}

static void run_nodes(const uint8_t *data, size_t size)
{
    struct bts_trie_memstore *ms;
    struct bts_trie *t;
    uint8_t root[32] = {0}, hash[32];
    if (size == 0)
        return;
    must(bts_trie_memstore_new(&ms) == BT_OK);
    const struct bts_trie_store *store = bts_trie_memstore_store(ms);
    /* Nodes: a length byte, then that many bytes. */
    for (size_t pos = 0; pos < size;) {
        size_t len = data[pos++];
        if (len > size - pos)
            len = size - pos;
        bts_keccak256(hash, data + pos, len);
        if (pos == 1)
            memcpy(root, hash, 32);
        struct bts_trie_node node = {hash, data + pos, len};
        must(store->commit(store->self, &node, 1) == BT_OK);
        pos += len;
    }
    must(bts_trie_new(&t, store, root, 0) == BT_OK);
    struct bts_trie_iter *it;
    const uint8_t *k, *v;
    size_t kl, vl, n = 0;
    if (bts_trie_iter_new(&it, t, NULL, 0) == BT_OK) {
        uint8_t prev[BTS_TRIE_MAX_KEY_LEN];
        size_t prev_len = 0;
        while (bts_trie_iter_next(it, &k, &kl, &v, &vl) == BT_OK && n < 64) {
            must(vl > 0 && kl <= BTS_TRIE_MAX_KEY_LEN);
            must(n == 0 || key_cmp(prev, prev_len, k, kl) < 0); /* strictly increasing */
            memcpy(prev, k, kl);
            prev_len = kl;
            n++;
        }
        bts_trie_iter_free(it);
    }
    uint8_t probe[4] = {data[0], size > 1 ? data[1] : 0, 0x12, 0x34};
    /* Any answer is fine on arbitrary nodes, as long as nothing breaks. */
    bt_status st[4];
    st[0] = bts_trie_get(t, probe, 2, &v, &vl);
    st[1] = bts_trie_get_prev(t, probe, 3, &k, &kl, &v, &vl);
    st[2] = bts_trie_delete(t, probe, 1);
    st[3] = bts_trie_put(t, probe, 4, probe, 4);
    for (int i = 0; i < 4; i++)
        must(st[i] != BT_EINTERNAL);
    must(bts_trie_root(t, hash) == BT_OK);
    bts_trie_free(t);
    bts_trie_memstore_free(ms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        run_ops(data, size);
        break;
    case 1:
        run_proof(data + 1, size - 1);
        break;
    case 2:
        run_nodes(data + 1, size - 1);
        break;
    }
    return 0;
}
