/* EIP-2124 known answers: every fork id of the EIP's Mainnet, Ropsten, Rinkeby and Goerli
 * tables, every case of its validation table, its three RLP encodings, and Bttc's fork ids
 * (mainnet and Donau: every rule active at block 0, PROTOCOL.md §3.10, so FORK_HASH is the
 * CRC32 of the genesis hash and FORK_NEXT is 0). */
#include <bts/forkid.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

struct idcase {
    uint64_t head;
    uint32_t hash;
    uint64_t next;
};

static void genesis_of(uint8_t g[32], const char *hex)
{
    size_t n;
    uint8_t *p = bts_test_unhex(hex, &n);
    CU_ASSERT_FATAL(p && n == 32);
    memcpy(g, p, 32);
    free(p);
}

static void check_ids(const char *genesis, const uint64_t *forks, size_t n_forks,
                      const struct idcase *cases, size_t n_cases)
{
    uint8_t g[32];
    genesis_of(g, genesis);
    for (size_t i = 0; i < n_cases; i++) {
        struct bts_forkid id;
        bts_forkid_compute(&id, g, forks, n_forks, cases[i].head);
        CU_ASSERT_EQUAL(id.hash, cases[i].hash);
        CU_ASSERT_EQUAL(id.next, cases[i].next);
        /* A node always accepts its own fork id. */
        CU_ASSERT_EQUAL(bts_forkid_validate(g, forks, n_forks, cases[i].head, &id), BT_OK);
    }
}

#define MAINNET_GENESIS "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
/* Homestead, DAO, Tangerine, Spurious (EIP-155 and EIP-158), Byzantium, Constantinople and
 * Petersburg: the EIP's "Petersburg fork cap". */
static const uint64_t mainnet_forks[] = {1150000, 1920000, 2463000, 2675000,
                                         2675000, 4370000, 7280000, 7280000};

static void test_forkid_mainnet(void)
{
    static const struct idcase c[] = {
        {0, 0xfc64ec04, 1150000},       {1149999, 0xfc64ec04, 1150000},
        {1150000, 0x97c2c34c, 1920000}, {1919999, 0x97c2c34c, 1920000},
        {1920000, 0x91d1f948, 2463000}, {2462999, 0x91d1f948, 2463000},
        {2463000, 0x7a64da13, 2675000}, {2674999, 0x7a64da13, 2675000},
        {2675000, 0x3edd5b10, 4370000}, {4369999, 0x3edd5b10, 4370000},
        {4370000, 0xa00bc324, 7280000}, {7279999, 0xa00bc324, 7280000},
        {7280000, 0x668db0af, 0},       {7987396, 0x668db0af, 0},
    };
    check_ids(MAINNET_GENESIS, mainnet_forks, BTS_ARRAY_SIZE(mainnet_forks), c, BTS_ARRAY_SIZE(c));
}

static void test_forkid_ropsten(void)
{
    static const uint64_t forks[] = {0, 0, 10, 10, 1700000, 4230000, 4939394, 6485846};
    static const struct idcase c[] = {
        {0, 0x30c7ddbc, 10},
        {9, 0x30c7ddbc, 10},
        {10, 0x63760190, 1700000},
        {1699999, 0x63760190, 1700000},
        {1700000, 0x3ea159c7, 4230000},
        {4229999, 0x3ea159c7, 4230000},
        {4230000, 0x97b544f3, 4939394},
        {4939393, 0x97b544f3, 4939394},
        {4939394, 0xd6e2149b, 6485846},
        {6485845, 0xd6e2149b, 6485846},
        {6485846, 0x4bc66396, 0},
        {7500000, 0x4bc66396, 0},
    };
    check_ids("41941023680923e0fe4d74a34bdac8141f2540e3ae90623718e47d66d1ca4a2d", forks,
              BTS_ARRAY_SIZE(forks), c, BTS_ARRAY_SIZE(c));
}

static void test_forkid_rinkeby(void)
{
    static const uint64_t forks[] = {1, 2, 3, 3, 1035301, 3660663, 4321234, 5435345};
    static const struct idcase c[] = {
        {0, 0x3b8e0691, 1},
        {1, 0x60949295, 2},
        {2, 0x8bde40dd, 3},
        {3, 0xcb3a64bb, 1035301},
        {1035300, 0xcb3a64bb, 1035301},
        {1035301, 0x8d748b57, 3660663},
        {3660662, 0x8d748b57, 3660663},
        {3660663, 0xe49cab14, 4321234},
        {4321233, 0xe49cab14, 4321234},
        {4321234, 0xafec6b27, 5435345},
        {5435344, 0xafec6b27, 5435345},
        {5435345, 0xcbdb8838, 0},
        {6000000, 0xcbdb8838, 0},
    };
    check_ids("6341fd3daf94b748c72ced5a5b26028f2474f5f00d824504e4fa37a75767e177", forks,
              BTS_ARRAY_SIZE(forks), c, BTS_ARRAY_SIZE(c));
}

static void test_forkid_goerli(void)
{
    static const uint64_t forks[] = {0, 0, 0, 0, 0, 0, 0, 1561651};
    static const struct idcase c[] = {
        {0, 0xa3f5ab08, 1561651},
        {1561650, 0xa3f5ab08, 1561651},
        {1561651, 0xc25efa5c, 0},
        {2000000, 0xc25efa5c, 0},
    };
    check_ids("bf7e331f7f7c1dd2e05159666b3bf8bc7a8a3a9eb1d518969eab529dd9b88c1a", forks,
              BTS_ARRAY_SIZE(forks), c, BTS_ARRAY_SIZE(c));
}

static void test_forkid_validation_table(void)
{
    static const struct {
        uint64_t head;
        uint32_t hash;
        uint64_t next;
        bt_status want;
    } c[] = {
        {7987396, 0x668db0af, 0, BT_OK},
        {7987396, 0x668db0af, UINT64_MAX, BT_OK},
        {7279999, 0xa00bc324, 0, BT_OK},
        {7279999, 0xa00bc324, 7280000, BT_OK},
        {7279999, 0xa00bc324, UINT64_MAX, BT_OK},
        {7987396, 0xa00bc324, 7280000, BT_OK},
        {7987396, 0x3edd5b10, 4370000, BT_OK},
        {7279999, 0x668db0af, 0, BT_OK},
        {4369999, 0xa00bc324, 0, BT_OK},
        {7987396, 0xa00bc324, 0, BTS_FORKID_EREMOTE_STALE},
        {7987396, 0x5cddc0e1, 0, BTS_FORKID_ELOCAL_INCOMPATIBLE},
        {7279999, 0x5cddc0e1, 0, BTS_FORKID_ELOCAL_INCOMPATIBLE},
        {7987396, 0xafec6b27, 0, BTS_FORKID_ELOCAL_INCOMPATIBLE},
        {88888888, 0x668db0af, 88888888, BTS_FORKID_ELOCAL_INCOMPATIBLE},
        {7279999, 0xa00bc324, 7279999, BTS_FORKID_ELOCAL_INCOMPATIBLE},
    };
    uint8_t g[32];
    genesis_of(g, MAINNET_GENESIS);
    for (size_t i = 0; i < BTS_ARRAY_SIZE(c); i++) {
        struct bts_forkid id = {c[i].hash, c[i].next};
        CU_ASSERT_EQUAL(
            bts_forkid_validate(g, mainnet_forks, BTS_ARRAY_SIZE(mainnet_forks), c[i].head, &id),
            c[i].want);
    }
}

static void test_forkid_rlp(void)
{
    static const struct {
        uint32_t hash;
        uint64_t next;
        const char *hex;
    } c[] = {
        {0, 0, "c6840000000080"},
        {0xdeadbeef, 0xbaddcafe, "ca84deadbeef84baddcafe"},
        {UINT32_MAX, UINT64_MAX, "ce84ffffffff88ffffffffffffffff"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(c); i++) {
        struct bts_forkid id = {c[i].hash, c[i].next}, back;
        struct bts_buf b = BTS_BUF_INIT;
        CU_ASSERT_FATAL(bts_forkid_encode(&b, &id) == BT_OK);
        BTS_ASSERT_HEX(b.data, b.len, c[i].hex);
        struct bts_rlp_item item;
        CU_ASSERT_FATAL(bts_rlp_decode(&item, b.data, b.len) == BT_OK);
        CU_ASSERT_FATAL(bts_forkid_decode(&back, &item) == BT_OK);
        CU_ASSERT(back.hash == id.hash && back.next == id.next);
        bts_buf_free(&b);
    }
    /* Strict: a 3-byte hash, a third element or a plain string are refused. */
    static const char *const bad[] = {"c58300000080", "c784000000008001", "8400000000"};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        size_t n;
        uint8_t *p = bts_test_unhex(bad[i], &n);
        struct bts_rlp_item item;
        struct bts_forkid id;
        if (p && bts_rlp_decode(&item, p, n) == BT_OK)
            CU_ASSERT_EQUAL(bts_forkid_decode(&id, &item), BT_EPROTO);
        free(p);
    }
}

static void test_forkid_bttc(void)
{
    /* Every fork of Bttc mainnet and Donau is at block 0 (PROTOCOL.md §3.10), so only the
     * genesis hash counts, at any head. Donau's code swap at 1416202 and mainnet's at 841500
     * are Bor BlockAlloc entries, not ChainConfig forks: they do not enter the fork id. */
    static const uint64_t forks[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const struct idcase mainnet[] = {{0, 0xa9cb3ba5, 0}, {30000000, 0xa9cb3ba5, 0}};
    static const struct idcase donau[] = {{0, 0x7e3c5e4e, 0}, {30000000, 0x7e3c5e4e, 0}};
    check_ids("021eb3b7c4161d91f6f92632ebe6e28aa440dd23e3016c086d0fad4b119fcdc1", forks,
              BTS_ARRAY_SIZE(forks), mainnet, BTS_ARRAY_SIZE(mainnet));
    check_ids("9b0a7d8dcbdef00594103f1addbe206daa55f2e422ace24419b7680b3fb34cf5", forks,
              BTS_ARRAY_SIZE(forks), donau, BTS_ARRAY_SIZE(donau));
    /* Mainnet and Donau refuse each other. */
    uint8_t g[32];
    genesis_of(g, "021eb3b7c4161d91f6f92632ebe6e28aa440dd23e3016c086d0fad4b119fcdc1");
    struct bts_forkid d = {0x7e3c5e4e, 0};
    CU_ASSERT_EQUAL(bts_forkid_validate(g, forks, BTS_ARRAY_SIZE(forks), 100, &d),
                    BTS_FORKID_ELOCAL_INCOMPATIBLE);
}

static void test_forkid_crc32(void)
{
    CU_ASSERT_EQUAL(bts_forkid_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926u);
    CU_ASSERT_EQUAL(bts_forkid_crc32(0, NULL, 0), 0);
}

BTS_TEST_SUITE("forkid", NULL, NULL, BTS_TEST(test_forkid_mainnet), BTS_TEST(test_forkid_ropsten),
               BTS_TEST(test_forkid_rinkeby), BTS_TEST(test_forkid_goerli),
               BTS_TEST(test_forkid_validation_table), BTS_TEST(test_forkid_rlp),
               BTS_TEST(test_forkid_bttc), BTS_TEST(test_forkid_crc32));
