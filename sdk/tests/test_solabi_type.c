/* Solidity ABI types: parsing and canonical form, derived sizes, the limits that keep decoding
 * bounded, function selectors and event topics (Solidity ABI spec examples). */
#include <bts/solabi.h>

#include <string.h>

#include <bts/test.h>

/* Parse s, expect success and the canonical form want (NULL: same as s). */
static struct bts_solabi_type *parse_ok(const char *s, const char *want)
{
    struct bts_solabi_type *t = NULL;
    bt_status st = bts_solabi_type_parse(&t, s, strlen(s));
    CU_ASSERT_EQUAL(st, BT_OK);
    if (st != BT_OK) {
        fprintf(stderr, "parse failed: %s\n", s);
        return NULL;
    }
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_type_format(&b, t), BT_OK);
    CU_ASSERT_STRING_EQUAL((const char *)b.data, want ? want : s);
    bts_buf_free(&b);
    return t;
}

static void test_solabi_type_parses_and_formats(void)
{
    static const struct {
        const char *in, *canon;
    } cases[] = {
        {"uint256", NULL},
        {"uint", "uint256"},
        {"int", "int256"},
        {"uint8", NULL},
        {"int72", NULL},
        {"address", NULL},
        {"bool", NULL},
        {"bytes1", NULL},
        {"bytes32", NULL},
        {"bytes", NULL},
        {"string", NULL},
        {"uint256[]", NULL},
        {"uint[3][]", "uint256[3][]"},
        {"(uint256,bool)", NULL},
        {"(uint,(bytes,string[])[2])[]", "(uint256,(bytes,string[])[2])[]"},
        {"()", NULL},
        {"((address))", NULL},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cases); i++)
        bts_solabi_type_free(parse_ok(cases[i].in, cases[i].canon));
}

static void test_solabi_type_derived_sizes(void)
{
    struct bts_solabi_type *t = parse_ok("(uint8,bytes3[2],(bool,address))", NULL);
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT_EQUAL(t->kind, BTS_SOLABI_TUPLE);
    CU_ASSERT_FALSE(t->is_dynamic);
    CU_ASSERT_EQUAL(t->head_size, 5 * 32);
    CU_ASSERT_EQUAL(t->depth, 2);
    CU_ASSERT_EQUAL(t->n_fields, 3);
    CU_ASSERT_EQUAL(t->fields[0].kind, BTS_SOLABI_UINT);
    CU_ASSERT_EQUAL(t->fields[0].bits, 8);
    CU_ASSERT_EQUAL(t->fields[1].kind, BTS_SOLABI_ARRAY);
    CU_ASSERT_EQUAL(t->fields[1].array_len, 2);
    CU_ASSERT_EQUAL(t->fields[1].elem->kind, BTS_SOLABI_FIXED_BYTES);
    CU_ASSERT_EQUAL(t->fields[1].elem->bits, 3);
    CU_ASSERT_EQUAL(t->fields[1].head_size, 64);
    bts_solabi_type_free(t);

    t = parse_ok("(uint256,string[2])", NULL);
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT_TRUE(t->is_dynamic);
    CU_ASSERT_EQUAL(t->head_size, 32);
    CU_ASSERT_TRUE(t->fields[1].is_dynamic);
    CU_ASSERT_EQUAL(t->fields[1].head_size, 32);
    bts_solabi_type_free(t);
}

static void test_solabi_type_rejects_malformed(void)
{
    static const char *bad[] = {
        "",           "uint7",         "uint0",       "uint08",     "uint264",    "int257",
        "uint512",    "bytes0",        "bytes33",     "bytes01",    "address1",   "bool8",
        "string1",    "fixed128x18",   "ufixed",      "function",   "Uint256",    " uint256",
        "uint256 ",   "uint256[0]",    "uint256[01]", "uint256[",   "uint256[]]", "uint256[-1]",
        "uint256[x]", "(uint256",      "(uint256,)",  "(,uint256)", "(uint256))", "(uint256 ,bool)",
        "(())",       "()[]",          "()[1]",       "(bool,())",  "uint256)",   "[]",
        "tuple",      "uint256[2][0]", "(bool)x",     "bytes32[]a",
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        struct bts_solabi_type *t = (struct bts_solabi_type *)1;
        bt_status st = bts_solabi_type_parse(&t, bad[i], strlen(bad[i]));
        if (st != BT_EINVAL)
            fprintf(stderr, "accepted: '%s'\n", bad[i]);
        CU_ASSERT_EQUAL(st, BT_EINVAL);
        CU_ASSERT_PTR_NULL(t);
    }
    /* Length-delimited: a NUL inside the given length is just a bad character. */
    struct bts_solabi_type *t = NULL;
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, "uint8\0", 6), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, "uint8[]junk", 7), BT_OK);
    bts_solabi_type_free(t);
}

static void test_solabi_type_depth_limit(void)
{
    char s[256];
    struct bts_solabi_type *t = NULL;
    /* 32 levels of arrays is the limit; 33 is refused. */
    strcpy(s, "uint8");
    for (int i = 0; i < BTS_SOLABI_MAX_DEPTH; i++)
        strcat(s, "[]");
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, s, strlen(s)), BT_OK);
    CU_ASSERT_EQUAL(t->depth, BTS_SOLABI_MAX_DEPTH);
    bts_solabi_type_free(t);
    strcat(s, "[]");
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, s, strlen(s)), BT_EINVAL);

    /* The same with tuples, and mixed. */
    s[0] = 0;
    for (int i = 0; i < BTS_SOLABI_MAX_DEPTH; i++)
        strcat(s, "(");
    strcat(s, "bool");
    for (int i = 0; i < BTS_SOLABI_MAX_DEPTH; i++)
        strcat(s, ")");
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, s, strlen(s)), BT_OK);
    bts_solabi_type_free(t);
    char deeper[300];
    snprintf(deeper, sizeof(deeper), "(%s)", s);
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, deeper, strlen(deeper)), BT_EINVAL);
    snprintf(deeper, sizeof(deeper), "%s[]", s);
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, deeper, strlen(deeper)), BT_EINVAL);

    /* A deep unbalanced prefix is refused without deep recursion. */
    char many[4096];
    memset(many, '(', sizeof(many));
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, many, sizeof(many)), BT_EINVAL);
}

static void test_solabi_type_static_size_limit(void)
{
    struct bts_solabi_type *t = NULL;
    static const char *ok = "uint256[33554432]"; /* 2^25 * 32 = 2^30 bytes */
    CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, ok, strlen(ok)), BT_OK);
    CU_ASSERT_EQUAL(t->head_size, BTS_SOLABI_MAX_STATIC);
    bts_solabi_type_free(t);
    static const char *bad[] = {
        "uint256[33554433]",
        "uint256[4294967296]",
        "uint256[99999999999999999999999999999]",
        "uint256[65536][65536]",
        "(uint256[33554432],bool)",
        "string[33554433]",
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++)
        CU_ASSERT_EQUAL(bts_solabi_type_parse(&t, bad[i], strlen(bad[i])), BT_EINVAL);
}

static void test_solabi_type_selectors(void)
{
    static const struct {
        const char *sig, *sel;
    } cases[] = {
        {"transfer(address,uint256)", "a9059cbb"},
        {"baz(uint32,bool)", "cdcd77c0"},
        {"bar(bytes3[2])", "fce353f6"},
        {"sam(bytes,bool,uint256[])", "a5643bf2"},
        {"sam(bytes,bool,uint[])", "a5643bf2"}, /* canonicalised */
        {"f(uint256,uint32[],bytes10,bytes)", "8be65246"},
        {"f(uint,uint32[],bytes10,bytes)", "8be65246"},
        {"g(uint256[][],string[])", "2289b18c"},
        {"Error(string)", "08c379a0"},
        {"Panic(uint256)", "4e487b71"},
        {"balanceOf(address)", "70a08231"},
        {"totalSupply()", "18160ddd"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cases); i++) {
        uint8_t sel[4];
        CU_ASSERT_EQUAL(bts_solabi_selector(sel, cases[i].sig), BT_OK);
        BTS_ASSERT_HEX(sel, 4, cases[i].sel);
    }
}

static void test_solabi_type_event_topics(void)
{
    uint8_t topic[32];
    CU_ASSERT_EQUAL(bts_solabi_event_topic(topic, "Transfer(address,address,uint256)"), BT_OK);
    BTS_ASSERT_HEX(topic, 32, "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    /* The StateSender event the bridge listens to (PROTOCOL.md). */
    CU_ASSERT_EQUAL(bts_solabi_event_topic(topic, "StateSynced(uint256,address,bytes)"), BT_OK);
    BTS_ASSERT_HEX(topic, 32, "103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392");
}

static void test_solabi_type_sig_parse_gives_args(void)
{
    uint8_t h[32];
    struct bts_solabi_type *args = NULL;
    const char *sig = "submit(bytes,(uint256,address)[])";
    CU_ASSERT_EQUAL_FATAL(bts_solabi_sig_parse(h, &args, sig, strlen(sig)), BT_OK);
    CU_ASSERT_EQUAL(args->kind, BTS_SOLABI_TUPLE);
    CU_ASSERT_EQUAL(args->n_fields, 2);
    CU_ASSERT_EQUAL(args->fields[1].kind, BTS_SOLABI_DYN_ARRAY);
    CU_ASSERT_EQUAL(args->fields[1].elem->n_fields, 2);
    bts_solabi_type_free(args);

    static const char *bad[] = {
        "transfer(address, uint256)",
        "(uint256)",
        "1f()",
        "f",
        "f(uint256)[]",
        "f(uint256)x",
        "f-g()",
        "",
        "f(())",
        "f(uint256",
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        args = (struct bts_solabi_type *)1;
        CU_ASSERT_EQUAL(bts_solabi_sig_parse(h, &args, bad[i], strlen(bad[i])), BT_EINVAL);
        CU_ASSERT_PTR_NULL(args);
    }
    uint8_t sel[4];
    CU_ASSERT_EQUAL(bts_solabi_selector(sel, "_$x9()"), BT_OK);
    bts_solabi_type_free(NULL);
}

BTS_TEST_SUITE("solabi_type", NULL, NULL, BTS_TEST(test_solabi_type_parses_and_formats),
               BTS_TEST(test_solabi_type_derived_sizes),
               BTS_TEST(test_solabi_type_rejects_malformed), BTS_TEST(test_solabi_type_depth_limit),
               BTS_TEST(test_solabi_type_static_size_limit), BTS_TEST(test_solabi_type_selectors),
               BTS_TEST(test_solabi_type_event_topics),
               BTS_TEST(test_solabi_type_sig_parse_gives_args));
