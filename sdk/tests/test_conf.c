/* bts_conf_parse against the mock host: every type, defaults, refusals with file:line, and the
 * release of everything on each failure path (allocation faults injected one call at a time). */
#include <bts/conf.h>
#include <bts/mockhost.h>
#include <bts/test.h>

#include <stdbool.h>
#include <string.h>

struct tconf {
    char *name;
    char *dir;
    uint32_t cache_mb;
    uint64_t big;
    bool fast;
    uint64_t poll_ms;
    uint32_t mode;
    char *url;
    struct bts_conf_list peers;
};

static const char *const modes[] = {"full", "archive", "light", NULL};

static const struct bts_conf_key keys[] = {
    {"name", BTS_CONF_STR, offsetof(struct tconf, name), "", "a label", NULL},
    {"dir", BTS_CONF_PATH, offsetof(struct tconf, dir), "chaindata", "data dir", NULL},
    {"cache_mb", BTS_CONF_U32, offsetof(struct tconf, cache_mb), "256", "cache", NULL},
    {"big", BTS_CONF_U64, offsetof(struct tconf, big), "0", "a big number", NULL},
    {"fast", BTS_CONF_BOOL, offsetof(struct tconf, fast), "no", "go fast", NULL},
    {"poll", BTS_CONF_DURATION_MS, offsetof(struct tconf, poll_ms), "2s", "poll interval", NULL},
    {"mode", BTS_CONF_ENUM, offsetof(struct tconf, mode), "full", "mode", modes},
    {"url", BTS_CONF_URL, offsetof(struct tconf, url), NULL, "endpoint (required)", NULL},
    {"peers", BTS_CONF_URL_LIST, offsetof(struct tconf, peers), "", "fallbacks", NULL},
    BTS_CONF_END};

static struct bts_mockhost *mock(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_set_datadir(m, "/var/lib/bttcd");
    bts_mockhost_use_conf(m);
    return m;
}

static bt_status parse(struct bts_mockhost *m, struct tconf *c)
{
    memset(c, 0xa5, sizeof(*c)); /* parse must not trust what was there */
    return bts_conf_parse(bts_mockhost_host(m), bts_mockhost_ctx(m), keys, c);
}

static void release(struct bts_mockhost *m, struct tconf *c)
{
    bts_conf_free(bts_mockhost_host(m), bts_mockhost_ctx(m), keys, c);
}

static void test_conf_defaults_apply(void)
{
    struct bts_mockhost *m = mock();
    struct tconf c;
    bts_mockhost_conf_set(m, "url", "https://rpc.example.org/v1");
    CU_ASSERT_EQUAL_FATAL(parse(m, &c), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.name, "");
    CU_ASSERT_STRING_EQUAL(c.dir, "/var/lib/bttcd/chaindata");
    CU_ASSERT_EQUAL(c.cache_mb, 256);
    CU_ASSERT_EQUAL(c.big, 0);
    CU_ASSERT_FALSE(c.fast);
    CU_ASSERT_EQUAL(c.poll_ms, 2000);
    CU_ASSERT_EQUAL(c.mode, 0);
    CU_ASSERT_STRING_EQUAL(c.url, "https://rpc.example.org/v1");
    CU_ASSERT_EQUAL(c.peers.n_items, 0);
    CU_ASSERT_PTR_NULL(c.peers.items);
    release(m, &c);
    CU_ASSERT_PTR_NULL(c.url);
    release(m, &c); /* twice is fine */
    bts_mockhost_free(m);
}

static void test_conf_every_type_parses(void)
{
    struct bts_mockhost *m = mock();
    struct tconf c;
    bts_mockhost_conf_set(m, "name", "my node");
    bts_mockhost_conf_set(m, "dir", "/abs/db");
    bts_mockhost_conf_set(m, "cache_mb", "4294967295");
    bts_mockhost_conf_set(m, "big", "18446744073709551615");
    bts_mockhost_conf_set(m, "fast", "on");
    bts_mockhost_conf_set(m, "poll", "3m");
    bts_mockhost_conf_set(m, "mode", "light");
    bts_mockhost_conf_set(m, "url", "ws://127.0.0.1:8546");
    bts_mockhost_conf_set(m, "peers", " http://a:1 ,https://b/x,wss://c ");
    CU_ASSERT_EQUAL_FATAL(parse(m, &c), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.name, "my node");
    CU_ASSERT_STRING_EQUAL(c.dir, "/abs/db");
    CU_ASSERT_EQUAL(c.cache_mb, UINT32_MAX);
    CU_ASSERT_EQUAL(c.big, UINT64_MAX);
    CU_ASSERT_TRUE(c.fast);
    CU_ASSERT_EQUAL(c.poll_ms, 180000);
    CU_ASSERT_EQUAL(c.mode, 2);
    CU_ASSERT_STRING_EQUAL(c.url, "ws://127.0.0.1:8546");
    CU_ASSERT_EQUAL_FATAL(c.peers.n_items, 3);
    CU_ASSERT_STRING_EQUAL(c.peers.items[0], "http://a:1");
    CU_ASSERT_STRING_EQUAL(c.peers.items[1], "https://b/x");
    CU_ASSERT_STRING_EQUAL(c.peers.items[2], "wss://c");
    release(m, &c);
    CU_ASSERT_EQUAL(bts_mockhost_mem_blocks(m), 0);
    bts_mockhost_free(m);
}

/* Parse a section whose last key is `key = value` and expect BT_EINVAL with message `want`. */
static void expect_refusal(const char *key, const char *value, const char *want)
{
    struct bts_mockhost *m = mock();
    struct tconf c;
    bts_mockhost_conf_set(m, "url", "http://x");
    bts_mockhost_conf_set(m, key, value);
    CU_ASSERT_EQUAL(parse(m, &c), BT_EINVAL);
    if (strcmp(bts_mockhost_error(m), want) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", bts_mockhost_error(m), want);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), want);
    CU_ASSERT_PTR_NULL(c.url); /* everything released and zeroed */
    CU_ASSERT_EQUAL(bts_mockhost_mem_blocks(m), 0);
    bts_mockhost_free(m);
}

static void test_conf_refuses_bad_values_naming_the_line(void)
{
    expect_refusal("cache_mb", "25x", "plugins.conf:3: cache_mb: not a number: \"25x\"");
    expect_refusal("cache_mb", "4294967296",
                   "plugins.conf:3: cache_mb: out of range: 4294967296, max 4294967295");
    expect_refusal("cache_mb", "-1", "plugins.conf:3: cache_mb: not a number: \"-1\"");
    expect_refusal("cache_mb", "", "plugins.conf:3: cache_mb: empty value, want a number");
    expect_refusal("big", "18446744073709551616",
                   "plugins.conf:3: big: out of range: 18446744073709551616, max "
                   "18446744073709551615");
    expect_refusal("fast", "maybe",
                   "plugins.conf:3: fast: not a boolean: \"maybe\" (true/false, yes/no, on/off, "
                   "1/0)");
    expect_refusal("poll", "5", "plugins.conf:3: poll: 5: unit missing or unknown (ms, s, m, h)");
    expect_refusal("poll", "s",
                   "plugins.conf:3: poll: not a duration: \"s\" (like 250ms, 5s, 2m, 1h)");
    expect_refusal("poll", "99999999999999999h",
                   "plugins.conf:3: poll: out of range: 99999999999999999h");
    expect_refusal("mode", "fast",
                   "plugins.conf:3: mode: not one of: full, archive, light: \"fast\"");
    expect_refusal("peers", "http://a,,http://b",
                   "plugins.conf:3: peers: empty item in URL list: \"http://a,,http://b\"");
    expect_refusal(
        "peers", "http://a,ftp://b",
        "plugins.conf:3: peers: not a URL: \"ftp://b\" (want http://, https://, ws:// or "
        "wss://)");
    expect_refusal("dir", "", "plugins.conf:3: dir: empty path");
}

static void test_conf_refuses_bad_url(void)
{
    struct bts_mockhost *m = mock();
    struct tconf c;
    bts_mockhost_conf_set(m, "url", "http:///path");
    CU_ASSERT_EQUAL(parse(m, &c), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m),
                           "plugins.conf:2: url: not a URL: \"http:///path\" (no host)");
    bts_mockhost_free(m);
}

static void test_conf_refuses_unknown_and_duplicate_keys(void)
{
    expect_refusal("cache_md", "1", "plugins.conf:3: cache_md: unknown key");
    expect_refusal("url", "http://y", "plugins.conf:3: url: duplicate key (first at line 2)");
}

static void test_conf_requires_keys_without_default(void)
{
    struct bts_mockhost *m = mock();
    struct tconf c;
    CU_ASSERT_EQUAL(parse(m, &c), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "url: required key missing");
    bts_mockhost_free(m);
}

static void test_conf_bad_default_is_a_plugin_bug(void)
{
    struct bts_mockhost *m = mock();
    uint32_t v;
    static const struct bts_conf_key bad[] = {{"n", BTS_CONF_U32, 0, "ten", "x", NULL},
                                              BTS_CONF_END};
    CU_ASSERT_EQUAL(bts_conf_parse(bts_mockhost_host(m), bts_mockhost_ctx(m), bad, &v),
                    BT_EINTERNAL);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "n: bad default \"ten\": not a number: \"ten\"");
    bts_mockhost_free(m);
}

static void test_conf_host_failures_pass_through(void)
{
    struct bts_mockhost *m = mock();
    struct tconf c;
    bts_mockhost_conf_set(m, "url", "http://x");
    bts_mockhost_fault(m, BTS_MOCK_CONF_GET, 1, BT_EIO, BTS_MOCK_FAULT_ONCE);
    CU_ASSERT_EQUAL(parse(m, &c), BT_EIO);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "name: cannot read: i/o error");
    bts_mockhost_fault(m, BTS_MOCK_CONF_NEXT, 1, BT_EIO, BTS_MOCK_FAULT_ONCE);
    CU_ASSERT_EQUAL(parse(m, &c), BT_EIO);
    CU_ASSERT_EQUAL(bts_mockhost_mem_blocks(m), 0);
    bts_mockhost_free(m);
}

/* SQLite's malloc test loop: fail allocation 1, 2, 3, ... until parsing succeeds. Every
 * failure must give BT_ENOMEM with nothing left allocated. */
static void test_conf_every_allocation_failure_is_clean(void)
{
    for (uint32_t nth = 1;; nth++) {
        struct bts_mockhost *m = mock();
        struct tconf c;
        bts_mockhost_conf_set(m, "name", "n");
        bts_mockhost_conf_set(m, "url", "http://x");
        bts_mockhost_conf_set(m, "peers", "http://a,http://b");
        bts_mockhost_fault(m, BTS_MOCK_MEM_ALLOC, nth, BT_ENOMEM, BTS_MOCK_FAULT_ONCE);
        bt_status st = parse(m, &c);
        int hit = bts_mockhost_fault_hits(m, BTS_MOCK_MEM_ALLOC) > 0;
        if (hit) {
            CU_ASSERT_EQUAL(st, BT_ENOMEM);
            CU_ASSERT(strstr(bts_mockhost_error(m), "out of memory") != NULL);
        } else {
            CU_ASSERT_EQUAL(st, BT_OK);
            CU_ASSERT_EQUAL(nth, 7); /* name, dir, url, the list, 2 items: 6 allocations */
            release(m, &c);
        }
        CU_ASSERT_EQUAL(bts_mockhost_mem_blocks(m), 0);
        bts_mockhost_free(m);
        if (!hit)
            break;
    }
}

BTS_TEST_SUITE("conf", NULL, NULL, BTS_TEST(test_conf_defaults_apply),
               BTS_TEST(test_conf_every_type_parses),
               BTS_TEST(test_conf_refuses_bad_values_naming_the_line),
               BTS_TEST(test_conf_refuses_bad_url),
               BTS_TEST(test_conf_refuses_unknown_and_duplicate_keys),
               BTS_TEST(test_conf_requires_keys_without_default),
               BTS_TEST(test_conf_bad_default_is_a_plugin_bug),
               BTS_TEST(test_conf_host_failures_pass_through),
               BTS_TEST(test_conf_every_allocation_failure_is_clean));
