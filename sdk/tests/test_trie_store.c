/* Trie over a store: proofs of present and absent keys and tampered proofs, commit and reload
 * (same root, same values, lazy loading), changes on a reloaded trie, and store failures. */
#include <bts/trie.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* A store wrapper that counts calls and injects failures (the sqlite test_vfs idea). */
struct wrap {
    const struct bts_trie_store *inner;
    size_t gets, commits, nodes;
    bt_status get_fails_with, commit_fails_with;
    int garbage; /* get answers with bytes that are not a node */
};

static bt_status wrap_get(void *self, const uint8_t hash[32], struct bt_value *out)
{
    struct wrap *w = self;
    static const uint8_t junk[] = {0xc3, 0x01, 0x02, 0x03};
    w->gets++;
    if (w->get_fails_with)
        return w->get_fails_with;
    if (w->garbage) {
        *out = (struct bt_value){junk, sizeof(junk), NULL, NULL};
        return BT_OK;
    }
    return w->inner->get(w->inner->self, hash, out);
}

static bt_status wrap_commit(void *self, const struct bts_trie_node *nodes, size_t n_nodes)
{
    struct wrap *w = self;
    w->commits++;
    if (w->commit_fails_with)
        return w->commit_fails_with;
    w->nodes += n_nodes;
    return w->inner->commit(w->inner->self, nodes, n_nodes);
}

struct fixture {
    struct bts_trie_memstore *ms;
    struct wrap w;
    struct bts_trie_store store;
    uint8_t keys[300][32];
    size_t key_lens[300];
};

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    CU_ASSERT_EQUAL_FATAL(bts_trie_memstore_new(&f->ms), BT_OK);
    f->w.inner = bts_trie_memstore_store(f->ms);
    f->store = (struct bts_trie_store){wrap_get, wrap_commit, &f->w};
    for (size_t i = 0; i < 300; i++) {
        f->key_lens[i] = 1 + rnd(32);
        for (size_t j = 0; j < 32; j++)
            f->keys[i][j] = (uint8_t)rnd(4); /* shared prefixes, extensions, embedded nodes */
    }
}

/* Value of key i: short values make embedded nodes, long ones hashed nodes. */
static size_t value_of(size_t i, uint8_t v[40])
{
    size_t len = 1 + i % 40;
    memset(v, (int)(i & 0xff), len);
    v[0] = (uint8_t)(i >> 8) | 1;
    return len;
}

static void fill(struct bts_trie *t, const struct fixture *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t v[40];
        CU_ASSERT_EQUAL(bts_trie_put(t, f->keys[i], f->key_lens[i], v, value_of(i, v)), BT_OK);
    }
}

static int key_seen_before(const struct fixture *f, size_t i)
{
    for (size_t j = i + 1; j < 300; j++)
        if (f->key_lens[j] == f->key_lens[i] && !memcmp(f->keys[j], f->keys[i], f->key_lens[i]))
            return 1; /* a later write of the same key wins */
    return 0;
}

static void check_proofs(struct bts_trie *t, const struct fixture *f, uint32_t flags, size_t n)
{
    uint8_t root[32];
    CU_ASSERT_EQUAL_FATAL(bts_trie_root(t, root), BT_OK);
    for (size_t i = 0; i < 300; i++) {
        if (i < n && key_seen_before(f, i))
            continue;
        struct bts_buf proof = BTS_BUF_INIT;
        const uint8_t *v;
        size_t vl;
        uint8_t want[40];
        size_t want_len = value_of(i, want);
        CU_ASSERT_EQUAL_FATAL(bts_trie_prove(t, f->keys[i], f->key_lens[i], &proof), BT_OK);
        bt_status st = bts_trie_verify_proof(root, flags, f->keys[i], f->key_lens[i], proof.data,
                                             proof.len, &v, &vl);
        /* keys past n were never inserted (unless equal to an inserted one) */
        if (i < n) {
            CU_ASSERT_EQUAL(st, BT_OK);
            CU_ASSERT(vl == want_len && memcmp(v, want, vl) == 0);
        } else {
            CU_ASSERT(st == BT_OK || st == BT_ENOTFOUND);
        }
        bts_buf_free(&proof);
    }
}

static void test_trie_store_proofs_present_and_absent(void)
{
    for (int secure = 0; secure < 2; secure++) {
        static struct fixture f;
        struct bts_trie *t;
        uint32_t flags = secure ? BTS_TRIE_SECURE : 0;
        fixture_init(&f);
        CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, flags), BT_OK);
        fill(t, &f, 200);
        check_proofs(t, &f, flags, 200);
        /* A key that is certainly absent: longer than any inserted one. */
        uint8_t absent[33] = {0}, root[32];
        struct bts_buf proof = BTS_BUF_INIT;
        const uint8_t *v;
        size_t vl;
        CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_prove(t, absent, sizeof(absent), &proof), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, flags, absent, sizeof(absent), proof.data,
                                              proof.len, &v, &vl),
                        BT_ENOTFOUND);
        CU_ASSERT_PTR_NULL(v);
        bts_buf_free(&proof);
        bts_trie_free(t);
        bts_trie_memstore_free(f.ms);
    }
}

static void test_trie_store_tampered_proofs_rejected(void)
{
    static struct fixture f;
    struct bts_trie *t;
    uint8_t root[32], v0[40];
    const uint8_t *v;
    size_t vl, flips = 0;
    fixture_init(&f);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    fill(t, &f, 200);
    CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
    for (size_t i = 0; i < 200; i += 17) {
        struct bts_buf proof = BTS_BUF_INIT, longer = BTS_BUF_INIT;
        if (key_seen_before(&f, i))
            continue;
        CU_ASSERT_EQUAL_FATAL(bts_trie_prove(t, f.keys[i], f.key_lens[i], &proof), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i], proof.data,
                                              proof.len, &v, &vl),
                        BT_OK);
        /* Every single flipped bit is caught: a node hash or the list structure breaks. */
        for (size_t b = 0; b < proof.len; b++) {
            proof.data[b] ^= 0x04;
            CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i], proof.data,
                                                  proof.len, &v, &vl),
                            BT_EPROTO);
            proof.data[b] ^= 0x04;
            flips++;
        }
        /* Truncated, wrong root, a node too many, the empty list. */
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i], proof.data,
                                              proof.len - 1, &v, &vl),
                        BT_EPROTO);
        root[5] ^= 1;
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i], proof.data,
                                              proof.len, &v, &vl),
                        BT_EPROTO);
        root[5] ^= 1;
        CU_ASSERT_EQUAL(bts_trie_prove(t, f.keys[i], f.key_lens[i], &longer), BT_OK);
        /* two proofs back to back are not one proof */
        CU_ASSERT_EQUAL(bts_buf_append(&longer, proof.data, proof.len), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i], longer.data,
                                              longer.len, &v, &vl),
                        BT_EPROTO);
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i],
                                              (const uint8_t *)"\xc0", 1, &v, &vl),
                        BT_EPROTO);
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0, f.keys[i], f.key_lens[i], NULL, 0, &v, &vl),
                        BT_EPROTO);
        /* A valid proof of one key says nothing certain about another's value. */
        size_t other = (i + 1) % 200;
        bt_status st = bts_trie_verify_proof(root, 0, f.keys[other], f.key_lens[other], proof.data,
                                             proof.len, &v, &vl);
        if (st == BT_OK)
            CU_ASSERT(vl == value_of(other, v0) && memcmp(v, v0, vl) == 0);
        bts_buf_free(&proof);
        bts_buf_free(&longer);
    }
    printf("(%zu flipped proofs) ", flips);
    /* The empty trie: the empty list proves absence, only against the empty root. */
    CU_ASSERT_EQUAL(bts_trie_verify_proof(bts_trie_empty_root, 0, f.keys[0], 1,
                                          (const uint8_t *)"\xc0", 1, &v, &vl),
                    BT_ENOTFOUND);
    bts_trie_free(t);
    bts_trie_memstore_free(f.ms);
}

static void test_trie_store_commit_and_reload(void)
{
    static struct fixture f;
    struct bts_trie *t, *r, *mem;
    uint8_t root[32], again[32], root2[32];
    fixture_init(&f);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, &f.store, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_commit(t, root), BT_OK); /* empty: nothing to write */
    CU_ASSERT(memcmp(root, bts_trie_empty_root, 32) == 0);
    CU_ASSERT_EQUAL(f.w.commits, 0);
    fill(t, &f, 250);
    CU_ASSERT_EQUAL(bts_trie_commit(t, root), BT_OK);
    CU_ASSERT_EQUAL(f.w.commits, 1);
    CU_ASSERT(f.w.nodes > 0);
    CU_ASSERT_EQUAL(bts_trie_commit(t, again), BT_OK); /* nothing changed: no store call */
    CU_ASSERT_EQUAL(f.w.commits, 1);
    CU_ASSERT(memcmp(root, again, 32) == 0);

    /* Reload: one lookup reads only the nodes on its path. */
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root, 0), BT_OK);
    CU_ASSERT_EQUAL(f.w.gets, 0);
    const uint8_t *v;
    size_t vl;
    CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[249], f.key_lens[249], &v, &vl), BT_OK);
    CU_ASSERT(f.w.gets >= 1 && f.w.gets < 20);
    check_proofs(r, &f, 0, 250);
    size_t count = 0;
    CU_ASSERT_EQUAL(bts_trie_count(r, &count), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_count(t, &count), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(r, again), BT_OK);
    CU_ASSERT(memcmp(root, again, 32) == 0);

    /* Change the reloaded trie (deletions force loading siblings) and compare with the same
     * changes made in memory from scratch. */
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&mem, NULL, NULL, 0), BT_OK);
    bts_trie_free(r);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root, 0), BT_OK);
    fill(mem, &f, 250);
    for (size_t i = 0; i < 250; i += 3) {
        CU_ASSERT_EQUAL(bts_trie_delete(r, f.keys[i], f.key_lens[i]), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_delete(mem, f.keys[i], f.key_lens[i]), BT_OK);
    }
    for (size_t i = 250; i < 300; i++) {
        uint8_t val[40];
        size_t len = value_of(i, val);
        CU_ASSERT_EQUAL(bts_trie_put(r, f.keys[i], f.key_lens[i], val, len), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_put(mem, f.keys[i], f.key_lens[i], val, len), BT_OK);
    }
    CU_ASSERT_EQUAL(bts_trie_commit(r, root2), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(mem, again), BT_OK);
    CU_ASSERT(memcmp(root2, again, 32) == 0);
    /* The old root still opens: nothing is ever removed from the store. */
    bts_trie_free(r);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[0], f.key_lens[0], &v, &vl), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_count(r, &count), BT_OK);
    bts_trie_free(r);
    /* Delete everything from a reloaded trie: back to the empty root. */
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root2, 0), BT_OK);
    for (size_t i = 0; i < 300; i++)
        CU_ASSERT_EQUAL(bts_trie_delete(r, f.keys[i], f.key_lens[i]), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(r, again), BT_OK);
    CU_ASSERT(memcmp(again, bts_trie_empty_root, 32) == 0);
    bts_trie_free(r);
    bts_trie_free(mem);
    bts_trie_free(t);
    bts_trie_memstore_free(f.ms);
}

/* A root whose encoding is shorter than 32 bytes is still stored and opened by hash. */
static void test_trie_store_tiny_root(void)
{
    static struct fixture f;
    struct bts_trie *t, *r;
    uint8_t root[32];
    const uint8_t *v;
    size_t vl;
    fixture_init(&f);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, &f.store, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_commit(t, root), BT_OK);
    CU_ASSERT_EQUAL(f.w.nodes, 1);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(r, (const uint8_t *)"a", 1, &v, &vl), BT_OK);
    CU_ASSERT(vl == 1 && v[0] == 'b');
    bts_trie_free(r);
    bts_trie_free(t);
    bts_trie_memstore_free(f.ms);
}

static void test_trie_store_failures(void)
{
    static struct fixture f;
    struct bts_trie *t, *r;
    uint8_t root[32], again[32];
    const uint8_t *v;
    size_t vl;
    struct bts_buf proof = BTS_BUF_INIT;
    fixture_init(&f);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, &f.store, NULL, 0), BT_OK);
    fill(t, &f, 100);
    /* A failed write is reported and can be retried. */
    f.w.commit_fails_with = BT_EIO;
    CU_ASSERT_EQUAL(bts_trie_commit(t, root), BT_EIO);
    f.w.commit_fails_with = BT_OK;
    CU_ASSERT_EQUAL(bts_trie_commit(t, root), BT_OK);
    CU_ASSERT_EQUAL(f.w.commits, 2);

    /* Reads: the store's own failure, a missing node (BT_EIO), a corrupt node (BT_EPROTO).
     * Failures leave the trie usable once the store recovers. */
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root, 0), BT_OK);
    f.w.get_fails_with = BT_EBUSY;
    CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[0], f.key_lens[0], &v, &vl), BT_EBUSY);
    CU_ASSERT_EQUAL(bts_trie_put(r, f.keys[0], f.key_lens[0], (const uint8_t *)"x", 1), BT_EBUSY);
    CU_ASSERT_EQUAL(bts_trie_delete(r, f.keys[0], f.key_lens[0]), BT_EBUSY);
    CU_ASSERT_EQUAL(bts_trie_prove(r, f.keys[0], f.key_lens[0], &proof), BT_EBUSY);
    f.w.get_fails_with = BT_ENOTFOUND;
    CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[0], f.key_lens[0], &v, &vl), BT_EIO);
    size_t count;
    CU_ASSERT_EQUAL(bts_trie_count(r, &count), BT_EIO);
    f.w.get_fails_with = BT_OK;
    f.w.garbage = 1;
    CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[0], f.key_lens[0], &v, &vl), BT_EPROTO);
    f.w.garbage = 0;
    CU_ASSERT_EQUAL(bts_trie_root(r, again), BT_OK);
    CU_ASSERT(memcmp(root, again, 32) == 0);
    CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[0], f.key_lens[0], &v, &vl), BT_OK);
    /* Deleting with the store down fails before changing anything: the deletions that did
     * succeed (on already loaded paths) give the same root as in a trie built in memory. */
    struct bts_trie *mem;
    size_t ok = 0;
    bts_trie_free(r);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, &f.store, root, 0), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&mem, NULL, NULL, 0), BT_OK);
    fill(mem, &f, 100);
    for (size_t i = 0; i < 100; i += 7)
        CU_ASSERT_EQUAL(bts_trie_get(r, f.keys[i], f.key_lens[i], &v, &vl), BT_OK);
    f.w.get_fails_with = BT_EIO;
    for (size_t i = 0; i < 100; i++) {
        bt_status st = bts_trie_delete(r, f.keys[i], f.key_lens[i]);
        CU_ASSERT(st == BT_OK || st == BT_EIO);
        if (st == BT_OK) {
            CU_ASSERT_EQUAL(bts_trie_delete(mem, f.keys[i], f.key_lens[i]), BT_OK);
            ok++;
        }
    }
    f.w.get_fails_with = BT_OK;
    CU_ASSERT(ok > 0 && ok < 100);
    CU_ASSERT_EQUAL(bts_trie_root(r, root), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(mem, again), BT_OK);
    CU_ASSERT(memcmp(root, again, 32) == 0);
    bts_trie_free(mem);
    bts_buf_free(&proof);
    bts_trie_free(r);
    bts_trie_free(t);
    bts_trie_memstore_free(f.ms);
}

BTS_TEST_SUITE("trie_store", NULL, NULL, BTS_TEST(test_trie_store_proofs_present_and_absent),
               BTS_TEST(test_trie_store_tampered_proofs_rejected),
               BTS_TEST(test_trie_store_commit_and_reload), BTS_TEST(test_trie_store_tiny_root),
               BTS_TEST(test_trie_store_failures));
