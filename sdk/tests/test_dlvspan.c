/* Span producer selection: the upstream §7.1 selection_test expectations, every §7.3 vector of
 * both algorithms, the keeper wrapper's slot counting and sorting, and the error paths. */
#include <bts/dlvspan.h>

#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

static void seed_of(uint8_t out[32], const char *hex)
{
    size_t len = 0;
    uint8_t *b = bts_test_unhex(hex, &len);
    CU_ASSERT_EQUAL_FATAL(len, 32);
    memcpy(out, b, 32);
    free(b);
}

#define SEED_A "8f5bab218b6bb34476f51ca588e9f4553a3a7ce5e13a66c660a5283e97e9a85a"
#define SEED_B "e09cc356df20c7a2dd38cb85b680a16ec29bd8b3e1ecc1b20f2e5603d5e7ee85"

/* §7.1: validators in ID order 3,4,5,1,2, power 10000 each. */
static void upstream_vals(struct bts_dlvspan_val v[5])
{
    static const uint64_t ids[5] = {3, 4, 5, 1, 2};
    for (int i = 0; i < 5; i++) {
        memset(&v[i], 0, sizeof v[i]);
        v[i].id = ids[i];
        v[i].power = 10000;
        v[i].signer[19] = (uint8_t)(0x10 * (i + 1));
    }
}

static void unit_vals(struct bts_dlvspan_val *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&v[i], 0, sizeof v[i]);
        v[i].id = i + 1;
        v[i].power = 1;
        v[i].signer[0] = (uint8_t)(0xf0 - i); /* descending signers: sorting is visible */
    }
}

static void check_ids(const uint64_t *got, size_t got_len, const uint64_t *want, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(got_len, n);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(got[i], want[i]);
}

static void test_dlvspan_weighted_ranges(void)
{
    static const int64_t in[3][5] = {{30, 20, 50, 50, 1}, {1, 2, 1, 2, 1}, {10, 1, 20, 1, 2}};
    static const uint64_t want[3][5] = {
        {30, 50, 100, 150, 151}, {1, 3, 4, 6, 7}, {10, 11, 31, 32, 34}};
    for (int t = 0; t < 3; t++) {
        struct bts_dlvspan_val v[5];
        memset(v, 0, sizeof v);
        for (int i = 0; i < 5; i++)
            v[i].power = in[t][i];
        uint64_t r[5];
        CU_ASSERT_EQUAL_FATAL(bts_dlvspan_weighted_ranges(r, v, 5), BT_OK);
        for (int i = 0; i < 5; i++)
            CU_ASSERT_EQUAL(r[i], want[t][i]);
    }
    struct bts_dlvspan_val bad[2];
    memset(bad, 0, sizeof bad);
    uint64_t r[2] = {7, 7};
    bad[1].power = -1;
    CU_ASSERT_EQUAL(bts_dlvspan_weighted_ranges(r, bad, 2), BT_EINVAL);
    bad[0].power = INT64_MAX;
    bad[1].power = INT64_MAX;
    CU_ASSERT_EQUAL(bts_dlvspan_weighted_ranges(r, bad, 2), BT_OK);
    struct bts_dlvspan_val three[3];
    memset(three, 0, sizeof three);
    three[0].power = three[1].power = three[2].power = INT64_MAX;
    uint64_t r3[3] = {7, 7, 7};
    CU_ASSERT_EQUAL(bts_dlvspan_weighted_ranges(r3, three, 3), BT_ERANGE);
    CU_ASSERT_EQUAL(r3[0], 7);
    CU_ASSERT_EQUAL(bts_dlvspan_weighted_ranges(NULL, NULL, 0), BT_OK);
}

static void test_dlvspan_binary_search(void)
{
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search(NULL, 0, 0), -1);
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search((const uint64_t[]){1}, 1, 100), 0);
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search((const uint64_t[]){1, 1000}, 2, 100), 1);
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search((const uint64_t[]){1, 100, 1000}, 3, 2), 1);
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search((const uint64_t[]){1, 100, 1000, 1000}, 4, 1001), 3);
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search((const uint64_t[]){1, 3, 4, 6, 7}, 5, 4), 2);
    CU_ASSERT_EQUAL(bts_dlvspan_binary_search((const uint64_t[]){1, 3, 4, 6, 7}, 5, 5), 3);
}

static void test_dlvspan_random_range(void)
{
    struct bts_gorand r, s;
    bts_gorand_seed(&r, 1);
    bts_gorand_seed(&s, 1);
    CU_ASSERT_EQUAL(bts_dlvspan_random_range(&r, 5, 5), 5);
    CU_ASSERT_EQUAL(bts_dlvspan_random_range(&r, 9, 3), 3);
    /* No draw was consumed by the degenerate cases. */
    CU_ASSERT_EQUAL(bts_dlvspan_random_range(&r, 1, 100), 1 + UINT64_C(5577006791947779410) % 100);
    CU_ASSERT_EQUAL(bts_gorand_uint64(&r), UINT64_C(8674665223082153551));
    CU_ASSERT_EQUAL(bts_dlvspan_random_range(&s, 0, UINT64_MAX), UINT64_C(5577006791947779410));
    for (int i = 0; i < 100; i++) {
        uint64_t v = bts_dlvspan_random_range(&s, 10, 12);
        CU_ASSERT(v >= 10 && v <= 12);
    }
}

/* §7.1 counts and §7.3 draw orders for the new algorithm. */
static void test_dlvspan_new_select_vectors(void)
{
    struct bts_dlvspan_val v[5];
    upstream_vals(v);
    uint8_t seed[32];
    uint64_t ids[16];
    size_t len = 0;
    seed_of(seed, SEED_A);
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_new_select(ids, 16, &len, seed, v, 5, 4), BT_OK);
    check_ids(ids, len, (const uint64_t[]){2, 4, 4, 1}, 4);
    seed_of(seed, SEED_B);
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_new_select(ids, 16, &len, seed, v, 5, 4), BT_OK);
    check_ids(ids, len, (const uint64_t[]){2, 4, 3, 1}, 4);
    for (uint64_t count = 5; count <= 10; count += 5) {
        CU_ASSERT_EQUAL_FATAL(bts_dlvspan_new_select(ids, 16, &len, seed, v, 5, count), BT_OK);
        check_ids(ids, len, (const uint64_t[]){3, 4, 5, 1, 2}, 5);
    }
    struct bts_dlvspan_val u[15];
    unit_vals(u, 15);
    seed_of(seed, "88e96d4537bea4d9c05d12549907b32561d3bf31f45aae734cdc119f13406cb6");
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_new_select(ids, 16, &len, seed, u, 15, 11), BT_OK);
    check_ids(ids, len, (const uint64_t[]){15, 13, 6, 3, 5, 2, 14, 11, 1, 1, 8}, 11);
    seed_of(seed, "b495a1d7e6663152ae92708da4843337b958146015a2802f4193a410044698c9");
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_new_select(ids, 16, &len, seed, u, 15, 11), BT_OK);
    check_ids(ids, len, (const uint64_t[]){4, 13, 9, 8, 1, 15, 6, 2, 8, 3, 15}, 11);
}

/* §7.3: the Keccak swap-or-not shuffle and the old selection. */
static void test_dlvspan_old_vectors(void)
{
    uint8_t seed[32] = {0x01, 0x80, 0x0c};
    uint64_t list[10];
    for (int i = 0; i < 10; i++)
        list[i] = (uint64_t)i;
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_shuffle(list, 10, seed), BT_OK);
    check_ids(list, 10, (const uint64_t[]){6, 1, 2, 8, 0, 5, 9, 7, 4, 3}, 10);
    seed[0] = 0x02;
    for (int i = 0; i < 10; i++)
        list[i] = (uint64_t)i;
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_shuffle(list, 10, seed), BT_OK);
    check_ids(list, 10, (const uint64_t[]){3, 7, 2, 1, 5, 6, 8, 9, 0, 4}, 10);

    struct bts_dlvspan_val u[15];
    unit_vals(u, 15);
    uint64_t ids[16];
    size_t len = 0;
    seed_of(seed, "c46afc66ad9f4b237414c23a0cf0c469aeb60f52176565990644a9ee36a17667");
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_old_select(ids, 16, &len, seed, u, 15, 11), BT_OK);
    check_ids(ids, len, (const uint64_t[]){13, 9, 11, 3, 15, 14, 10, 12, 5, 6, 8}, 11);
    /* Fewer validators than producers: all, unshuffled. */
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_old_select(ids, 16, &len, seed, u, 3, 11), BT_OK);
    check_ids(ids, len, (const uint64_t[]){1, 2, 3}, 3);
    /* Trivial lists are unchanged. */
    uint64_t one = 42;
    CU_ASSERT_EQUAL(bts_dlvspan_shuffle(&one, 1, seed), BT_OK);
    CU_ASSERT_EQUAL(one, 42);
    CU_ASSERT_EQUAL(bts_dlvspan_shuffle(NULL, 0, seed), BT_OK);
}

/* A shuffle of a list longer than 256 crosses the `(j & 0xff) == 0xff` re-hash path; the result
 * must stay a permutation. */
static void test_dlvspan_shuffle_long(void)
{
    enum { N = 1000 };
    uint64_t *list = malloc(N * sizeof *list);
    uint8_t seen[N] = {0};
    uint8_t seed[32] = {7};
    for (int i = 0; i < N; i++)
        list[i] = (uint64_t)i;
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_shuffle(list, N, seed), BT_OK);
    int moved = 0;
    for (int i = 0; i < N; i++) {
        CU_ASSERT_FATAL(list[i] < N);
        seen[list[i]]++;
        moved += list[i] != (uint64_t)i;
    }
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(seen[i], 1);
    CU_ASSERT(moved > N / 2);
    free(list);
}

/* The keeper wrapper: slots become power, results sorted by signer, the height switch. */
static void test_dlvspan_select_producers(void)
{
    struct bts_dlvspan_val u[15], out[16];
    unit_vals(u, 15);
    uint8_t seed[32];
    size_t len = 0;
    seed_of(seed, "88e96d4537bea4d9c05d12549907b32561d3bf31f45aae734cdc119f13406cb6");
    /* New: draws 15 13 6 3 5 2 14 11 1 1 8 -> 10 distinct, ID 1 has 2 slots. */
    CU_ASSERT_EQUAL_FATAL(
        bts_dlvspan_select_producers(out, 16, &len, seed, u, 15, 11, BTS_DLVSPAN_NEW_SELECT_HEIGHT),
        BT_OK);
    CU_ASSERT_EQUAL_FATAL(len, 10);
    /* Signers descend with ID, so ascending signer order is descending ID. */
    static const uint64_t want_new[10] = {15, 14, 13, 11, 8, 6, 5, 3, 2, 1};
    int64_t total = 0;
    for (size_t i = 0; i < len; i++) {
        CU_ASSERT_EQUAL(out[i].id, want_new[i]);
        CU_ASSERT_EQUAL(out[i].power, out[i].id == 1 ? 2 : 1);
        CU_ASSERT_EQUAL(out[i].signer[0], (uint8_t)(0xf0 - (out[i].id - 1)));
        total += out[i].power;
    }
    CU_ASSERT_EQUAL(total, 11);
    /* Old, below the switch height: draws 13 9 11 3 15 14 10 12 5 6 8 -> 11 distinct. */
    seed_of(seed, "c46afc66ad9f4b237414c23a0cf0c469aeb60f52176565990644a9ee36a17667");
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_select_producers(out, 16, &len, seed, u, 15, 11,
                                                       BTS_DLVSPAN_NEW_SELECT_HEIGHT - 1),
                          BT_OK);
    static const uint64_t want_old[11] = {15, 14, 13, 12, 11, 10, 9, 8, 6, 5, 3};
    CU_ASSERT_EQUAL_FATAL(len, 11);
    for (size_t i = 0; i < len; i++) {
        CU_ASSERT_EQUAL(out[i].id, want_old[i]);
        CU_ASSERT_EQUAL(out[i].power, 1);
    }
    /* n <= count: the eligible set unchanged, stored powers kept. */
    struct bts_dlvspan_val v[5];
    upstream_vals(v);
    CU_ASSERT_EQUAL_FATAL(bts_dlvspan_select_producers(out, 16, &len, seed, v, 5, 5, 1 << 20),
                          BT_OK);
    CU_ASSERT_EQUAL_FATAL(len, 5);
    CU_ASSERT_EQUAL(memcmp(out, v, sizeof v), 0);
}

static void test_dlvspan_errors(void)
{
    struct bts_dlvspan_val u[15], out[16];
    unit_vals(u, 15);
    uint8_t seed[32] = {0};
    uint64_t ids[16];
    size_t len = 0;
    CU_ASSERT_EQUAL(bts_dlvspan_new_select(ids, 16, &len, seed, u, 0, 4), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvspan_old_select(ids, 16, &len, seed, u, 0, 4), BT_EINVAL);
    /* Output too small: the needed size is reported. */
    CU_ASSERT_EQUAL(bts_dlvspan_new_select(ids, 3, &len, seed, u, 15, 11), BT_ERANGE);
    CU_ASSERT_EQUAL(len, 11);
    CU_ASSERT_EQUAL(bts_dlvspan_old_select(ids, 3, &len, seed, u, 15, 11), BT_ERANGE);
    CU_ASSERT_EQUAL(len, 11);
    CU_ASSERT_EQUAL(bts_dlvspan_new_select(ids, 2, &len, seed, u, 3, 11), BT_ERANGE);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_EQUAL(bts_dlvspan_select_producers(out, 2, &len, seed, u, 15, 11, 400000), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_dlvspan_select_producers(out, 2, &len, seed, u, 5, 11, 400000), BT_ERANGE);
    CU_ASSERT_EQUAL(len, 5);
    /* Zero total power; negative power. */
    struct bts_dlvspan_val z[3];
    unit_vals(z, 3);
    z[0].power = z[1].power = z[2].power = 0;
    CU_ASSERT_EQUAL(bts_dlvspan_new_select(ids, 16, &len, seed, z, 3, 1), BT_EINVAL);
    /* Old: fewer slots than producers. */
    CU_ASSERT_EQUAL(bts_dlvspan_old_select(ids, 16, &len, seed, z, 3, 1), BT_ERANGE);
    z[1].power = -1;
    CU_ASSERT_EQUAL(bts_dlvspan_new_select(ids, 16, &len, seed, z, 3, 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvspan_old_select(ids, 16, &len, seed, z, 3, 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_dlvspan_select_producers(out, 16, &len, seed, z, 3, 1, 0), BT_EINVAL);
    /* Old: too many slots to expand. */
    z[1].power = (int64_t)BTS_DLVSPAN_MAX_SLOTS;
    z[0].power = 1;
    CU_ASSERT_EQUAL(bts_dlvspan_old_select(ids, 16, &len, seed, z, 3, 1), BT_ERANGE);
}

BTS_TEST_SUITE("dlvspan", NULL, NULL, {"weighted ranges §7.1", test_dlvspan_weighted_ranges},
               {"binary search §7.1", test_dlvspan_binary_search},
               {"random range inclusive", test_dlvspan_random_range},
               {"new select §7.1/§7.3", test_dlvspan_new_select_vectors},
               {"old select + shuffle §7.3", test_dlvspan_old_vectors},
               {"shuffle long list", test_dlvspan_shuffle_long},
               {"select producers (keeper)", test_dlvspan_select_producers},
               {"errors", test_dlvspan_errors});
