/* The ABCI adapter (delivery/dlv_abci_app.h): the node's table over the application gives the
 * same app hashes as the direct API, puts the state writes ("app/" keys) into the node's
 * commit batch, and carries side results both ways. */
#include "test_dlv_util.h"

#include "dlv_abci_app.h"
#include "dlv_node_int.h"

static void test_dlv_abci_same_chain_as_direct(void)
{
    struct tchain direct, via;
    tchain_init(&direct);
    tchain_init(&via);
    struct dlv_abci_app *w;
    struct dlv_app t;
    CU_ASSERT_EQUAL_FATAL(dlv_abci_app_new(&w, via.app, &t), BT_OK);
    uint64_t h;
    uint8_t hash[32], hd[32];
    CU_ASSERT_EQUAL(t.info(t.self, &h, hash), BT_OK);
    CU_ASSERT_EQUAL(h, 0);
    struct bts_valset vs;
    bts_valset_init(&vs);
    CU_ASSERT_EQUAL(t.valset(t.self, 1, &vs), BT_OK);
    CU_ASSERT_EQUAL(vs.n, 1);
    bts_valset_free(&vs);

    /* Heights 1..5: joins at 3 (as the scenario), votes of the single genesis validator. */
    struct bts_buf tx[4];
    for (int k = 1; k <= 4; k++)
        t_join(&via, &tx[k - 1], k, (uint64_t)k + 1, 1, (uint8_t)(0x10 + k), 500 + (uint64_t)k);
    for (int k = 1; k <= 4; k++) {
        struct bts_buf dup;
        t_join(&direct, &dup, k, (uint64_t)k + 1, 1, (uint8_t)(0x10 + k), 500 + (uint64_t)k);
        bts_buf_free(&dup);
    }
    uint64_t time_ms = direct.time_ms;
    size_t updates_at_5 = 0;
    for (uint64_t height = 1; height <= 6; height++) {
        size_t ntx = height == 3 ? 4 : 0;
        tchain_block(&direct, tx, ntx, NULL, hd);
        /* The same height through the table. */
        struct dlv_side_result sr[DLV_SIDE_MAX];
        size_t nsr = 0;
        if (height > 2)
            CU_ASSERT_EQUAL(t.side_results(t.self, height - 2, sr, DLV_SIDE_MAX, &nsr), BT_OK);
        CU_ASSERT_EQUAL(dlv_app_valset(via.app, &vs), BT_OK);
        struct dlv_commit_vote votes[8];
        memset(votes, 0, sizeof votes);
        for (size_t i = 0; i < vs.n && i < 8; i++) {
            memcpy(votes[i].validator, vs.v[i].address, 20);
            votes[i].power = vs.v[i].power;
            votes[i].signed_block = 1;
            votes[i].side = sr;
            votes[i].side_n = nsr;
        }
        struct dlv_last_commit last = {height - 1, 0, votes, vs.n};
        struct dlv_block_info bi;
        memset(&bi, 0, sizeof bi);
        time_ms += 5000;
        bi.height = height;
        bi.time_ms = time_ms;
        memcpy(bi.proposer, tkeys[0].addr, 20);
        CU_ASSERT_EQUAL_FATAL(t.begin_block(t.self, &bi, &last), BT_OK);
        for (size_t i = 0; i < ntx; i++) {
            uint32_t code = 9;
            CU_ASSERT_EQUAL(t.deliver_tx(t.self, tx[i].data, tx[i].len, &code), BT_OK);
            CU_ASSERT_EQUAL(code, 0);
        }
        const struct dlv_valset_update *u;
        size_t nu;
        CU_ASSERT_EQUAL_FATAL(t.end_block(t.self, height, &u, &nu), BT_OK);
        if (height == 5)
            updates_at_5 = nu;
        struct dlv_batch batch;
        dlv_batch_init(&batch);
        CU_ASSERT_EQUAL_FATAL(t.commit(t.self, &batch, hash), BT_OK);
        CU_ASSERT(batch.n > 0);
        for (size_t i = 0; i < batch.n; i++)
            CU_ASSERT(batch.ops[i].key_len > 4 && memcmp(batch.ops[i].key, "app/", 4) == 0);
        dlv_batch_free(&batch);
        CU_ASSERT(memcmp(hash, hd, 32) == 0);
        bts_valset_free(&vs);
    }
    CU_ASSERT_EQUAL(updates_at_5, 4);
    CU_ASSERT_EQUAL(t.check_tx(t.self, (const uint8_t *)"x", 1), BT_EINVAL);
    for (int k = 0; k < 4; k++)
        bts_buf_free(&tx[k]);
    dlv_abci_app_free(w);
    tchain_free(&direct);
    tchain_free(&via);
}

BTS_TEST_SUITE("dlv_abci", NULL, NULL, BTS_TEST(test_dlv_abci_same_chain_as_direct));
