/* Proposer priority (PROTOCOL.md §4.4): Tendermint's own rotation vector, equal-power rotation,
 * the floor average, the truncating rescale, Go's wrapping max-min difference with clipping, Bor's
 * sprint-end update and every refusal. */
#include <bts/valset.h>

#include <string.h>

#include <bts/test.h>

static struct bts_validator val(const char *name, int64_t power)
{
    struct bts_validator v;
    memset(&v, 0, sizeof(v));
    memcpy(v.address, name, strlen(name)); /* left-aligned: keeps the byte order of names */
    v.power = power;
    return v;
}

static const char *name_of(const struct bts_valset *s, size_t i)
{
    return (const char *)s->v[i].address;
}

/* tendermint/types/validator_set_test.go TestProposerSelection1 (99 rounds). */
static void test_valset_tendermint_selection1(void)
{
    static const char *const want =
        "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo foo "
        "baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo "
        "foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz foo bar foo foo "
        "baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo "
        "foo bar foo baz foo foo bar foo baz foo foo";
    struct bts_validator list[3] = {val("foo", 1000), val("bar", 300), val("baz", 330)};
    struct bts_valset s;
    bts_valset_init(&s);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&s, list, 3), BT_OK);
    char got[1024] = "";
    for (int i = 0; i < 99; i++) {
        if (i)
            strcat(got, " ");
        strcat(got, name_of(&s, bts_valset_proposer(&s)));
        CU_ASSERT_EQUAL(bts_valset_increment(&s, 1), BT_OK);
    }
    CU_ASSERT_STRING_EQUAL(got, want);
    bts_valset_free(&s);
}

static void test_valset_equal_power_rotates_by_address(void)
{
    struct bts_validator list[3] = {val("c", 1), val("a", 1), val("b", 1)};
    struct bts_valset s;
    bts_valset_init(&s);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&s, list, 3), BT_OK);
    CU_ASSERT_STRING_EQUAL(name_of(&s, 0), "a"); /* sorted */
    CU_ASSERT_EQUAL(s.total, 3);
    CU_ASSERT_EQUAL(s.v[0].priority, -2);
    CU_ASSERT_EQUAL(s.v[1].priority, 1);
    CU_ASSERT_EQUAL(s.v[2].priority, 1);
    const char *want[7] = {"a", "b", "c", "a", "b", "c", "a"};
    for (int i = 0; i < 7; i++) {
        CU_ASSERT_STRING_EQUAL(name_of(&s, bts_valset_proposer(&s)), want[i]);
        CU_ASSERT_EQUAL(bts_valset_increment(&s, 1), BT_OK);
    }
    /* times > 1 equals repeated single rounds */
    struct bts_valset t;
    bts_valset_init(&t);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&t, list, 3), BT_OK);
    CU_ASSERT_EQUAL(bts_valset_increment(&t, 7), BT_OK);
    CU_ASSERT_EQUAL(bts_valset_proposer(&t), bts_valset_proposer(&s));
    CU_ASSERT_EQUAL(memcmp(t.v, s.v, 3 * sizeof(*s.v)), 0);
    bts_valset_free(&s);
    bts_valset_free(&t);
}

/* Tendermint update: the new total counts power deltas (5-1 for foo) and the newcomer (1); the
 * average of -11 over 2 is floored to -6 (big.Int.Div), not truncated to -5. */
static void test_valset_update_floor_average(void)
{
    struct bts_validator list[3] = {val("a", 1), val("b", 1), val("c", 1)};
    struct bts_valset s;
    bts_valset_init(&s);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&s, list, 3), BT_OK);
    struct bts_validator ch[4] = {val("a", 5), val("b", 0), val("c", 0), val("d", 1)};
    CU_ASSERT_EQUAL_FATAL(bts_valset_update(&s, ch, 4, 1), BT_OK);
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_EQUAL(s.total, 6);
    CU_ASSERT_EQUAL(s.v[0].priority, 4);
    CU_ASSERT_EQUAL(s.v[1].priority, -3);
    bts_valset_free(&s);
}

/* Bor's sprint-end update: members' powers are overwritten before the update, so the newcomer's
 * start priority uses the old total (3) plus its own power: -(4 + 4>>3) = -4; average -6/2. */
static void test_valset_bor_apply_cached_total(void)
{
    struct bts_validator list[3] = {val("a", 1), val("b", 1), val("c", 1)};
    struct bts_valset s;
    bts_valset_init(&s);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&s, list, 3), BT_OK);
    struct bts_validator next[2] = {val("d", 1), val("a", 5)};
    CU_ASSERT_EQUAL_FATAL(bts_valset_bor_apply(&s, next, 2), BT_OK);
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_STRING_EQUAL(name_of(&s, 0), "a");
    CU_ASSERT_EQUAL(s.v[0].power, 5);
    CU_ASSERT_EQUAL(s.v[0].priority, 1);
    CU_ASSERT_EQUAL(s.v[1].priority, -1);
    CU_ASSERT_EQUAL(s.total, 6);
    CU_ASSERT_EQUAL(bts_valset_increment(&s, 1), BT_OK);
    CU_ASSERT_EQUAL(bts_valset_proposer(&s), 0);
    CU_ASSERT_EQUAL(s.v[0].priority, 0);
    /* an unchanged list still moves the proposer once the caller increments */
    struct bts_validator same[4] = {val("a", 1), val("b", 1), val("c", 1), val("d", 1)};
    struct bts_valset e;
    bts_valset_init(&e);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&e, same, 3), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_valset_bor_apply(&e, same, 4), BT_OK);
    CU_ASSERT_EQUAL(e.v[3].priority, -3); /* -(4) shifted by the floor average -1 */
    CU_ASSERT_EQUAL(bts_valset_increment(&e, 1), BT_OK);
    CU_ASSERT_STRING_EQUAL(name_of(&e, bts_valset_proposer(&e)), "b");
    bts_valset_free(&e);
    bts_valset_free(&s);
}

/* Rescale: diff 199 over a window of 4 -> ratio ceil(199/4) = 50, truncating: 99/50 = 1,
 * -100/50 = -2; floor average of -1 over 2 is -1. */
static void test_valset_rescale_truncates(void)
{
    struct bts_validator v[2] = {val("a", 1), val("b", 1)};
    v[0].priority = 99;
    v[1].priority = -100;
    struct bts_valset s = {.v = v, .n = 2, .cap = 2, .total = 2, .proposer = SIZE_MAX};
    CU_ASSERT_EQUAL(bts_valset_increment(&s, 1), BT_OK);
    CU_ASSERT_EQUAL(s.proposer, 0);
    CU_ASSERT_EQUAL(v[0].priority, 1);
    CU_ASSERT_EQUAL(v[1].priority, 0);
}

/* max - min wraps to -1 in Go, so no rescale happens; the shift and the round clip. */
static void test_valset_wrap_and_clip(void)
{
    struct bts_validator v[2] = {val("a", 1), val("b", 1)};
    v[0].priority = INT64_MAX;
    v[1].priority = INT64_MIN;
    struct bts_valset s = {.v = v, .n = 2, .cap = 2, .total = 2, .proposer = SIZE_MAX};
    CU_ASSERT_EQUAL(bts_valset_increment(&s, 1), BT_OK);
    CU_ASSERT_EQUAL(s.proposer, 0);
    CU_ASSERT_EQUAL(v[0].priority, INT64_MAX - 2);
    CU_ASSERT_EQUAL(v[1].priority, INT64_MIN + 2);
}

static void test_valset_refusals(void)
{
    struct bts_valset s;
    bts_valset_init(&s);
    struct bts_validator dup[2] = {val("a", 1), val("a", 2)};
    CU_ASSERT_EQUAL(bts_valset_new(&s, dup, 2), BT_EINVAL);
    struct bts_validator neg[1] = {val("a", -1)};
    CU_ASSERT_EQUAL(bts_valset_new(&s, neg, 1), BT_EINVAL);
    struct bts_validator big[2] = {val("a", BTS_VALSET_MAX_TOTAL), val("b", 1)};
    CU_ASSERT_EQUAL(bts_valset_new(&s, big, 2), BT_EINVAL);
    struct bts_validator zero[1] = {val("a", 0)};
    CU_ASSERT_EQUAL(bts_valset_new(&s, zero, 1), BT_EINVAL); /* no removals in a new set */
    CU_ASSERT_EQUAL(bts_valset_increment(&s, 1), BT_EINVAL); /* empty */
    CU_ASSERT_EQUAL(bts_valset_proposer(&s), SIZE_MAX);
    struct bts_validator ok[2] = {val("a", 1), val("b", 1)};
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&s, ok, 2), BT_OK);
    CU_ASSERT_EQUAL(bts_valset_increment(&s, 0), BT_EINVAL);
    struct bts_validator gone[1] = {val("z", 0)};
    CU_ASSERT_EQUAL(bts_valset_update(&s, gone, 1, 1), BT_EINVAL); /* unknown removal */
    struct bts_validator all[2] = {val("a", 0), val("b", 0)};
    CU_ASSERT_EQUAL(bts_valset_update(&s, all, 2, 1), BT_EINVAL);  /* empty result */
    CU_ASSERT_EQUAL(bts_valset_bor_apply(&s, NULL, 0), BT_EINVAL); /* empty list: empty set */
    CU_ASSERT_EQUAL(s.n, 2);                                       /* unchanged on error */
    CU_ASSERT_EQUAL(bts_valset_find(&s, ok[1].address), 1);
    CU_ASSERT_EQUAL(bts_valset_find(&s, gone[0].address), -1);
    struct bts_valset c;
    bts_valset_init(&c);
    CU_ASSERT_EQUAL(bts_valset_copy(&c, &s), BT_OK);
    CU_ASSERT_EQUAL(memcmp(c.v, s.v, 2 * sizeof(*s.v)), 0);
    bts_valset_free(&c);
    bts_valset_free(&s);
}

BTS_TEST_SUITE("valset", NULL, NULL, BTS_TEST(test_valset_tendermint_selection1),
               BTS_TEST(test_valset_equal_power_rotates_by_address),
               BTS_TEST(test_valset_update_floor_average),
               BTS_TEST(test_valset_bor_apply_cached_total),
               BTS_TEST(test_valset_rescale_truncates), BTS_TEST(test_valset_wrap_and_clip),
               BTS_TEST(test_valset_refusals));
