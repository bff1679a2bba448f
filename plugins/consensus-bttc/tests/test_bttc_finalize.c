/* consensus-bttc end-of-block rules (PROTOCOL.md §3.6, §3.7, §3.9) over a fake chain and a file
 * source: when commitSpan runs and with which exact call data, which state-sync records are
 * committed, BlockAlloc code swaps, and the waits when a span is not there yet. Sprint 4. */
#include <unistd.h>

#include "bttc_test.h"

struct rec_call {
    uint8_t to[20];
    uint8_t *data;
    size_t len;
};

struct fake_state {
    struct rec_call calls[16];
    size_t n_calls;
    uint8_t code_addr[20];
    size_t code_len;
    int revert;
};

static bt_status st_syscall(void *state, const uint8_t to[20], const uint8_t *data, size_t data_len,
                            uint64_t gas, struct bt_value *output, uint32_t *out_reverted)
{
    struct fake_state *s = state;
    CU_ASSERT_EQUAL(gas, (uint64_t)INT64_MAX);
    CU_ASSERT_PTR_NULL(output);
    CU_ASSERT_FATAL(s->n_calls < 16);
    struct rec_call *c = &s->calls[s->n_calls++];
    memcpy(c->to, to, 20);
    c->data = malloc(data_len);
    memcpy(c->data, data, data_len);
    c->len = data_len;
    *out_reverted = (uint32_t)s->revert;
    return BT_OK;
}

static bt_status st_set_code(void *state, const uint8_t addr[20], const uint8_t *code,
                             size_t code_len)
{
    struct fake_state *s = state;
    (void)code;
    memcpy(s->code_addr, addr, 20);
    s->code_len = code_len;
    return BT_OK;
}

static const struct bt_block_state_ops OPS = {
    .struct_size = sizeof(struct bt_block_state_ops),
    .system_call = st_syscall,
    .set_code = st_set_code,
};

static void state_free(struct fake_state *s)
{
    for (size_t i = 0; i < s->n_calls; i++)
        free(s->calls[i].data);
    memset(s, 0, sizeof(*s));
}

static char SPAN_PATH[64], EVENT_PATH[64], CODE_PATH[64];

static void write_tmp(char *path, const char *text)
{
    strcpy(path, "/tmp/bttc_test_XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

static const char SPANS[] =
    "[{\"span_id\":1,\"start_block\":16,\"end_block\":31,\"bor_chain_id\":\"1337\","
    "\"validator_set\":{\"validators\":[{\"ID\":1,\"power\":2,\"signer\":"
    "\"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"accum\":0}]},"
    "\"selected_producers\":[{\"ID\":1,\"power\":2,\"signer\":"
    "\"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},{\"ID\":3,\"power\":1,\"signer\":"
    "\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}]},"
    "{\"height\":\"5\",\"result\":{\"span_id\":2,\"start_block\":32,\"end_block\":47,"
    "\"bor_chain_id\":\"199\",\"validator_set\":{\"validators\":[]},\"selected_producers\":[]}}]";

static struct fixture F;

/* Records 1..4: 1 and 2 before header(n-4).time, 3 after it; 4 would follow 3. Times are set
 * relative to the chain in setup. */
static void setup(int with_alloc)
{
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    write_tmp(SPAN_PATH, SPANS);
    /* genesis t0 = wall - 100000; blocks every 2 s (6 at sprint starts): block 4 at t0 + 12. */
    uint64_t t0 = 1767225600 - 100000;
    char ev[2048];
    snprintf(ev, sizeof(ev),
             "[{\"id\":2,\"contract\":\"0xcccccccccccccccccccccccccccccccccccccccc\","
             "\"data\":\"0x0102\",\"tx_hash\":\"0x%064d\",\"log_index\":0,\"bor_chain_id\":"
             "\"1337\",\"record_time\":\"%s\"},"
             "{\"id\":1,\"contract\":\"0xcccccccccccccccccccccccccccccccccccccccc\","
             "\"data\":\"0x\",\"tx_hash\":\"0x%064d\",\"log_index\":3,\"bor_chain_id\":"
             "\"1337\",\"record_time\":\"1970-01-01T00:00:00Z\"},"
             "{\"id\":3,\"contract\":\"0xcccccccccccccccccccccccccccccccccccccccc\","
             "\"data\":\"0x\",\"tx_hash\":\"0x%064d\",\"log_index\":0,\"bor_chain_id\":"
             "\"1337\",\"record_time\":\"2030-01-01T00:00:00Z\"}]",
             0, "2020-01-01T00:00:00.5Z", 0, 0);
    (void)t0;
    write_tmp(EVENT_PATH, ev);
    bts_mockhost_conf_set(F.m, "span_file", SPAN_PATH);
    bts_mockhost_conf_set(F.m, "event_file", EVENT_PATH);
    if (with_alloc) {
        write_tmp(CODE_PATH, "0x6001600055\n");
        char v[200];
        snprintf(v, sizeof(v), "8 0x0000000000000000000000000000000000001010 %s", CODE_PATH);
        bts_mockhost_conf_set(F.m, "block_alloc", v);
    }
    fixture_start(&F, 1);
    fixture_started(&F, 1);
    int order[FC_KEYS];
    tk_sorted(3, order);
    for (int i = 0; i < 13; i++)
        fc_add_block(&F, order[0], 2, 3);
}

static void teardown(void)
{
    fixture_free(&F);
    unlink(SPAN_PATH);
    unlink(EVENT_PATH);
    if (CODE_PATH[0])
        unlink(CODE_PATH);
    CODE_PATH[0] = 0;
}

static bt_status finalize_n(size_t n, struct fake_state *s)
{
    struct bttc_hdr k;
    struct bt_header h;
    abi_of(&h, &k, F.c->rlp[n], F.c->len[n]);
    bt_status st = bttc_vtbl.finalize(F.b, &h, &OPS, s);
    bttc_hdr_free(&k);
    return st;
}

static void test_bttc_finalize_need_commit_span(void)
{
    struct bttc_params p;
    bttc_params_mainnet(&p);
    CU_ASSERT_TRUE(bttc_need_commit_span(&p, 0, 64));    /* span not set yet */
    CU_ASSERT_TRUE(bttc_need_commit_span(&p, 255, 192)); /* first block of the last sprint */
    CU_ASSERT_FALSE(bttc_need_commit_span(&p, 255, 128));
    CU_ASSERT_FALSE(bttc_need_commit_span(&p, 255, 256));
    CU_ASSERT_TRUE(bttc_need_commit_span(&p, 6655, 6592));
    CU_ASSERT_FALSE(bttc_need_commit_span(&p, 64, 1)); /* end must exceed a sprint */
    bttc_params_free(&p);
}

static void test_bttc_finalize_commit_span(void)
{
    setup(0);
    struct fake_state s = {0};
    /* current span 0 ends at 15: block 12 is the first of its last sprint */
    F.c->span[0] = 0;
    F.c->span[1] = 0;
    F.c->span[2] = 15;
    F.c->last_state_id = 2; /* no records left after 2 that are due */
    CU_ASSERT_EQUAL_FATAL(finalize_n(12, &s), BT_OK);
    CU_ASSERT_EQUAL_FATAL(s.n_calls, 1);
    CU_ASSERT_EQUAL(s.calls[0].to[18], 0x10);
    CU_ASSERT_EQUAL(s.calls[0].to[19], 0x00);
    struct bts_span sp;
    char err[200];
    const char *one = strchr(SPANS, '{');
    const char *end = strstr(SPANS, "]},{\"height\"") + 2;
    CU_ASSERT_EQUAL_FATAL(bts_span_parse_json(&sp, one, (size_t)(end - one), err, sizeof(err)),
                          BT_OK);
    struct bts_buf want;
    bts_buf_init(&want);
    CU_ASSERT_EQUAL(bts_span_commit_calldata(&want, &sp), BT_OK);
    CU_ASSERT_EQUAL(s.calls[0].len, want.len);
    CU_ASSERT_EQUAL(memcmp(s.calls[0].data, want.data, want.len), 0);
    /* producerBytes of §7.7 sit at the end of the call data */
    static const char *const PB =
        "f0d7010294aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad7030194bbbbbbb"
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    BTS_ASSERT_HEX(s.calls[0].data + s.calls[0].len - 64, 49, PB);
    bts_buf_free(&want);
    bts_span_free(&sp);
    state_free(&s);
    /* blocks that are not sprint starts, or not in the last sprint, commit nothing */
    CU_ASSERT_EQUAL(finalize_n(11, &s), BT_OK);
    CU_ASSERT_EQUAL(finalize_n(8, &s), BT_OK);
    CU_ASSERT_EQUAL(s.n_calls, 0);
    /* span 2 is for another chain: refused */
    F.c->span[0] = 1;
    CU_ASSERT_EQUAL(finalize_n(12, &s), BT_EPROTO);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(F.m), "is for chain 199, not 1337"));
    /* span 3 is unknown to the file */
    F.c->span[0] = 2;
    CU_ASSERT_EQUAL(finalize_n(12, &s), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(s.n_calls, 0);
    state_free(&s);
    teardown();
}

static void test_bttc_finalize_commit_states(void)
{
    setup(0);
    struct fake_state s = {0};
    F.c->span[2] = 255;
    F.c->last_state_id = 0;
    s.revert = 1; /* a revert is swallowed */
    CU_ASSERT_EQUAL_FATAL(finalize_n(8, &s), BT_OK);
    /* records 1 and 2 (sorted by id) are before header(4).time; 3 is not */
    CU_ASSERT_EQUAL_FATAL(s.n_calls, 2);
    CU_ASSERT_EQUAL(s.calls[0].to[19], 0x01);
    struct bts_event_record r1 = {.id = 1, .log_index = 3, .record_time = 0};
    memset(r1.contract, 0xcc, 20);
    strcpy(r1.chain_id, "1337");
    struct bts_buf want;
    bts_buf_init(&want);
    CU_ASSERT_EQUAL(bts_event_commit_calldata(&want, &r1), BT_OK);
    CU_ASSERT_EQUAL(s.calls[0].len, want.len);
    CU_ASSERT_EQUAL(memcmp(s.calls[0].data, want.data, want.len), 0);
    bts_buf_free(&want);
    BTS_ASSERT_HEX(s.calls[1].data, 36,
                   "19494a17000000000000000000000000000000000000000000000000000"
                   "000005e0be100"); /* 2020-01-01T00:00:00.5Z floors */
    CU_ASSERT_EQUAL(bts_mockhost_log_find(F.m, "system call reverted"), 2);
    state_free(&s);
    /* lastStateId 1: only record 2 */
    F.c->last_state_id = 1;
    CU_ASSERT_EQUAL(finalize_n(8, &s), BT_OK);
    CU_ASSERT_EQUAL(s.n_calls, 1);
    state_free(&s);
    teardown();
}

static void test_bttc_finalize_block_alloc(void)
{
    setup(1);
    struct fake_state s = {0};
    F.c->last_state_id = 3;
    CU_ASSERT_EQUAL(finalize_n(8, &s), BT_OK);
    CU_ASSERT_EQUAL(s.code_len, 5);
    CU_ASSERT_EQUAL(s.code_addr[18], 0x10);
    CU_ASSERT_EQUAL(s.code_addr[19], 0x10);
    s.code_len = 0;
    CU_ASSERT_EQUAL(finalize_n(9, &s), BT_OK);
    CU_ASSERT_EQUAL(s.code_len, 0);
    state_free(&s);
    teardown();
}

static void test_bttc_finalize_bad_conf(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_use_conf(m);
    bts_mockhost_use(m, BTS_MOCK_DATADIR);
    bts_mockhost_set_datadir(m, "/tmp");
    bts_mockhost_conf_set(m, "span_file", "/nonexistent/spans.json");
    void *self = NULL;
    CU_ASSERT_EQUAL(bttc_create(bts_mockhost_host(m), bts_mockhost_ctx(m), &self), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "span source"));
    bts_mockhost_free(m);
    m = bts_mockhost_new();
    bts_mockhost_conf_set(m, "sprint", "zero");
    CU_ASSERT_EQUAL(bttc_create(bts_mockhost_host(m), bts_mockhost_ctx(m), &self), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "plugins.conf:2: sprint: not a number"));
    bts_mockhost_free(m);
    m = bts_mockhost_new();
    bts_mockhost_conf_set(m, "colour", "blue");
    CU_ASSERT_EQUAL(bttc_create(bts_mockhost_host(m), bts_mockhost_ctx(m), &self), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "unknown key colour"));
    bts_mockhost_free(m);
}

/* A span source offered in the registry (as an in-process Delivery would): it wins over the
 * files, and its duplicate ids are ordered stably (the first one sent is committed). */
static bt_status dup_span(void *self, uint64_t id, struct bts_span *out)
{
    (void)self;
    (void)id;
    (void)out;
    return BT_ENOTFOUND;
}

static bt_status dup_records(void *self, uint64_t from_id, int64_t to_time,
                             struct bts_event_list *out)
{
    (void)self;
    (void)to_time;
    CU_ASSERT_EQUAL(from_id, 1);
    static uint8_t d_a = 0xaa, d_b = 0xbb, d_2 = 0x22;
    struct bts_event_record r = {.id = 2, .data = &d_2, .data_len = 1, .record_time = 1};
    strcpy(r.chain_id, "1337");
    CU_ASSERT(bts_event_list_push(out, &r) == BT_OK);
    r.id = 1;
    r.data = &d_a;
    CU_ASSERT(bts_event_list_push(out, &r) == BT_OK);
    r.data = &d_b;
    CU_ASSERT(bts_event_list_push(out, &r) == BT_OK);
    return BT_OK;
}

static const struct bts_span_source_iface DUP_SRC = {.struct_size =
                                                         sizeof(struct bts_span_source_iface),
                                                     .span = dup_span,
                                                     .event_records = dup_records};

static void test_bttc_finalize_registry_source_stable_order(void)
{
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    fixture_start(&F, 1);
    CU_ASSERT_EQUAL(bts_mockhost_service_add(F.m, BTS_SPAN_SOURCE_SERVICE, &DUP_SRC, NULL), BT_OK);
    fixture_started(&F, 1);
    CU_ASSERT_PTR_EQUAL(F.b->src, &DUP_SRC);
    int order[FC_KEYS];
    tk_sorted(3, order);
    for (int i = 0; i < 8; i++)
        fc_add_block(&F, order[0], 2, 3);
    struct fake_state s = {0};
    CU_ASSERT_EQUAL_FATAL(finalize_n(8, &s), BT_OK);
    CU_ASSERT_EQUAL_FATAL(s.n_calls, 2);
    /* recordBytes = rlp([1, contract, 0xaa, ...]): the data byte follows the 20-byte contract */
    CU_ASSERT_EQUAL(s.calls[0].data[4 + 96 + 2 + 1 + 21], 0x81);
    CU_ASSERT_EQUAL(s.calls[0].data[4 + 96 + 2 + 1 + 22], 0xaa);
    CU_ASSERT_EQUAL(s.calls[1].data[4 + 96 + 2 + 1 + 21], 0x22); /* < 0x80: itself */
    state_free(&s);
    fixture_free(&F);
}

/* on_head of a sprint's last block asks the source for what the next block (a sprint start)
 * commits: records from lastStateId + 1 up to the time of the block a sprint earlier, the
 * request finalize makes, so a REST source has the answer ready. Other heads ask nothing. */
static size_t N_ASKED;
static uint64_t ASKED_FROM;
static int64_t ASKED_TO;

static bt_status count_records(void *self, uint64_t from_id, int64_t to_time,
                               struct bts_event_list *out)
{
    (void)self;
    (void)out;
    N_ASKED++;
    ASKED_FROM = from_id;
    ASKED_TO = to_time;
    return BT_EBUSY; /* being fetched */
}

static const struct bts_span_source_iface COUNT_SRC = {.struct_size =
                                                           sizeof(struct bts_span_source_iface),
                                                       .span = dup_span,
                                                       .event_records = count_records};

static void test_bttc_finalize_on_head_prefetches_records(void)
{
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    fixture_start(&F, 1);
    CU_ASSERT_EQUAL(bts_mockhost_service_add(F.m, BTS_SPAN_SOURCE_SERVICE, &COUNT_SRC, NULL),
                    BT_OK);
    fixture_started(&F, 1);
    int order[FC_KEYS];
    tk_sorted(3, order);
    for (int i = 0; i < 7; i++)
        fc_add_block(&F, order[0], 2, 3);
    F.c->last_state_id = 41;
    N_ASKED = 0;
    struct bttc_hdr k;
    struct bt_header head;
    abi_of(&head, &k, F.c->rlp[6], F.c->len[6]);
    bttc_vtbl.on_head(F.b, &head); /* block 7 is no sprint start */
    bttc_hdr_free(&k);
    CU_ASSERT_EQUAL(N_ASKED, 0);
    abi_of(&head, &k, F.c->rlp[7], F.c->len[7]);
    bttc_vtbl.on_head(F.b, &head); /* block 8 is */
    bttc_hdr_free(&k);
    CU_ASSERT_EQUAL(N_ASKED, 1);
    CU_ASSERT_EQUAL(ASKED_FROM, 42);
    CU_ASSERT_EQUAL(ASKED_TO, (int64_t)(F.t0 + 4 * 2)); /* header(8 - sprint).time */
    fixture_free(&F);
}

BTS_TEST_SUITE("bttc_finalize", NULL, NULL, BTS_TEST(test_bttc_finalize_need_commit_span),
               BTS_TEST(test_bttc_finalize_commit_span), BTS_TEST(test_bttc_finalize_commit_states),
               BTS_TEST(test_bttc_finalize_block_alloc), BTS_TEST(test_bttc_finalize_bad_conf),
               BTS_TEST(test_bttc_finalize_registry_source_stable_order),
               BTS_TEST(test_bttc_finalize_on_head_prefetches_records));
