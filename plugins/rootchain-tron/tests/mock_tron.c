/* mock_tron.h: the java-tron stand-in. One lock guards the chain and the knobs; the evhttp loop
 * runs on its own thread while the adapter under test runs on the mock host in the test's. */
#include "mock_tron.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <jansson.h>

#include <bts/buf.h>
#include <bts/hash.h>
#include <bts/hex.h>
#include <bts/tron.h>

#define MAX_BLOCKS 8192
#define MAX_TXS    256
#define T0         1700000000000ull

struct mtx {
    uint8_t id[32];
    uint64_t block; /* 0: pending */
    int failed;     /* 1: REVERT, 2: OUT_OF_ENERGY */
    uint8_t contract[20];
    uint8_t *data;
    size_t data_len;
};

struct mock_tron {
    struct event_base *base;
    struct evhttp *http;
    struct event *tick; /* wakes the loop so it sees `stopping` (a loopbreak sent before the
                           thread reaches its loop would be lost) */
    int stopping;
    pthread_t thread;
    char url[64];
    pthread_mutex_t mu;
    struct mock_tron_knobs k;
    uint64_t head;
    struct mtx txs[MAX_TXS];
    size_t n_txs;
    unsigned n_requests;
    char paths[512][48];
    size_t n_paths;
};

/* The genesis id ends with the chain id (java-tron: eth_chainId is its last 4 bytes, §0);
 * set from the serving instance's knob under its lock before each answer. */
static uint32_t cur_chain = 0x2b6653dc;

static void block_id(uint8_t out[32], uint64_t n)
{
    uint8_t h[32], seed[9] = {'b'};
    for (int i = 0; i < 8; i++)
        seed[1 + i] = (uint8_t)(n >> (56 - 8 * i));
    if (bts_sha256(h, seed, sizeof(seed)) != BT_OK)
        memset(h, 0, sizeof(h));
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(n >> (56 - 8 * i));
    memcpy(out + 8, h + 8, 24);
    if (n == 0)
        for (int i = 0; i < 4; i++)
            out[28 + i] = (uint8_t)(cur_chain >> (24 - 8 * i));
}

static uint64_t block_ts(uint64_t n)
{
    return T0 + n * 3000;
}

static char *hexs(const void *p, size_t n)
{
    struct bts_buf b = BTS_BUF_INIT;
    if (bts_hex_encode_buf(&b, p, n, 0) != BT_OK)
        return strdup("");
    return (char *)bts_buf_detach(&b, NULL);
}

static json_t *block_json(uint64_t n, int hostile)
{
    uint8_t id[32], parent[32];
    block_id(id, n);
    if (hostile)
        id[0] ^= 0x5a; /* an id that does not start with the number: another chain's block */
    json_t *raw = json_pack("{s:I,s:s,s:i,s:I}", "number", (json_int_t)n, "txTrieRoot", "00",
                            "version", 30, "timestamp", (json_int_t)block_ts(n));
    if (n > 0) {
        block_id(parent, n - 1);
        char *p = hexs(parent, 32);
        json_object_set_new(raw, "parentHash", json_string(p));
        free(p);
    }
    char *h = hexs(id, 32);
    json_t *b = json_pack("{s:s,s:{s:o,s:s}}", "blockID", h, "block_header", "raw_data", raw,
                          "witness_signature", "00");
    free(h);
    return b;
}

static void mine_locked(struct mock_tron *m)
{
    if (m->head + 1 >= MAX_BLOCKS)
        return;
    m->head++;
    for (size_t i = 0; i < m->n_txs; i++)
        if (!m->txs[i].block)
            m->txs[i].block = m->head;
}

/* --- endpoints ----------------------------------------------------------------------------- */

static json_t *ep_nowblock(struct mock_tron *m, int solid)
{
    if (solid && m->k.solid_error)
        return json_pack("{s:s}", "Error", "class java.lang.IllegalStateException : no solid");
    if (!solid && m->k.mine_on_nowblock)
        mine_locked(m);
    uint64_t n = solid ? (m->head > m->k.solid_lag ? m->head - m->k.solid_lag : 0) : m->head;
    return block_json(n, solid ? m->k.solid_hostile : m->k.hostile);
}

static json_t *ep_constant(struct mock_tron *m, json_t *q)
{
    const char *data = json_string_value(json_object_get(q, "data"));
    const char *owner = json_string_value(json_object_get(q, "owner_address"));
    if (!owner)
        return json_pack("{s:s}", "Error",
                         "class java.lang.IllegalArgumentException : owner_address isn't set.");
    if (!data)
        data = "";
    if (!strncmp(data, "deadbeef", 8))
        return json_pack("{s:{s:b,s:s},s:[s],s:{s:[{s:s}]}}", "result", "result", 1, "message",
                         "524556455254206f70636f6465206578656375746564", "constant_result",
                         "08c379a0", "transaction", "ret", "ret", "FAILED");
    if (!strncmp(data, "0badc0de", 8))
        return json_pack("{s:{s:s,s:s}}", "result", "code", "CONTRACT_VALIDATE_ERROR", "message",
                         "4e6f20636f6e7472616374");
    char word[65];
    snprintf(word, sizeof(word), "%064llx", (unsigned long long)m->head);
    return json_pack("{s:{s:b},s:i,s:[s],s:{s:[{}]}}", "result", "result", 1, "energy_used", 235,
                     "constant_result", word, "transaction", "ret");
}

static json_t *ret(const char *code, const char *msg, const uint8_t *id)
{
    char *h = id ? hexs(id, 32) : strdup("");
    char *mh = hexs(msg, strlen(msg));
    json_t *r = json_pack("{s:b,s:s,s:s,s:s,s:s}", "result", !strcmp(code, "SUCCESS"), "code", code,
                          "message", mh, "transaction", "{}", "txid", h);
    free(h);
    free(mh);
    return r;
}

/* Transaction{1: raw, 2: sig65}: the shape wallet/broadcasthex takes (one signature here). */
static int split_tx(const uint8_t *p, size_t n, const uint8_t **raw, size_t *raw_len,
                    const uint8_t **sig)
{
    size_t i = 0, len = 0;
    if (n < 2 || p[i++] != 0x0a)
        return -1;
    for (int sh = 0; i < n && sh < 35; sh += 7) {
        len |= (size_t)(p[i] & 0x7f) << sh;
        if (!(p[i++] & 0x80))
            break;
    }
    if (len > n - i)
        return -1;
    *raw = p + i;
    *raw_len = len;
    i += len;
    if (n - i != 67 || p[i] != 0x12 || p[i + 1] != 0x41)
        return -1;
    *sig = p + i + 2;
    return 0;
}

static json_t *ep_broadcast(struct mock_tron *m, json_t *q)
{
    const char *hx = json_string_value(json_object_get(q, "transaction"));
    struct bts_buf bytes = BTS_BUF_INIT, data = BTS_BUF_INIT;
    const uint8_t *raw, *sig;
    size_t raw_len;
    json_t *r = NULL;
    struct bts_tron_tx tx;
    uint8_t id[32], who[21], ref[32];
    if (!hx || bts_hex_decode_buf(&bytes, hx, strlen(hx), 0) != BT_OK ||
        split_tx(bytes.data, bytes.len, &raw, &raw_len, &sig) != 0) {
        r = json_pack("{s:s}", "Error", "class java.lang.IllegalArgumentException : bad hex");
        goto done;
    }
    if (bts_tron_tx_decode(&tx, &data, raw, raw_len) != BT_OK ||
        tx.type != BTS_TRON_TRIGGER_SMART_CONTRACT || bts_tron_tx_id(id, raw, raw_len) != BT_OK) {
        r = ret("OTHER_ERROR", "bad transaction", NULL);
        goto done;
    }
    if (bts_tron_sig_recover(who, id, sig) != BT_OK || memcmp(who, tx.owner, 21) != 0) {
        r = ret("SIGERROR", "Validate signature error: not the owner", id);
        goto done;
    }
    for (size_t i = 0; i < m->n_txs; i++)
        if (!memcmp(m->txs[i].id, id, 32)) {
            r = ret("DUP_TRANSACTION_ERROR", "Dup transaction.", id);
            goto done;
        }
    /* TaPoS: a known block with these low bytes and this id slice (Manager.validateTapos). */
    int tapos = 0;
    for (uint64_t n = 0; n <= m->head && !tapos; n++) {
        block_id(ref, n);
        tapos = !memcmp(ref + 6, tx.ref_block_bytes, 2) && !memcmp(ref + 8, tx.ref_block_hash, 8);
    }
    if (!tapos) {
        r = ret("TAPOS_ERROR", "Tapos check error.", id);
        goto done;
    }
    uint64_t now = block_ts(m->head);
    if ((uint64_t)tx.expiration <= now || (uint64_t)tx.expiration > now + 86400000ull) {
        r = ret("TRANSACTION_EXPIRATION_ERROR", "Transaction expired", id);
        goto done;
    }
    if (m->k.refuse) {
        r = ret(m->k.refuse, "refused by the test", id);
        if (m->k.refuse_once)
            m->k.refuse = NULL;
        goto done;
    }
    if (m->k.blackhole > 0) { /* "accepted", then lost: never included */
        m->k.blackhole--;
        r = ret("SUCCESS", "", id);
        goto done;
    }
    if (m->n_txs == MAX_TXS) {
        r = ret("SERVER_BUSY", "Server busy.", id);
        goto done;
    }
    struct mtx *t = &m->txs[m->n_txs++];
    memset(t, 0, sizeof(*t));
    memcpy(t->id, id, 32);
    memcpy(t->contract, tx.to + 1, 20);
    t->failed = tx.data_len >= 4 && !memcmp(tx.data, "\xba\xdb\xad\x00", 4);
    /* 0e0e0e0e needs more energy than 300 TRX buys here. */
    if (tx.data_len >= 4 && !memcmp(tx.data, "\x0e\x0e\x0e\x0e", 4) && tx.fee_limit < 300000000)
        t->failed = 2;
    t->data_len = tx.data_len > 4 ? tx.data_len - 4 : 0;
    t->data = malloc(t->data_len + 1);
    if (t->data_len)
        memcpy(t->data, tx.data + 4, t->data_len);
    r = ret("SUCCESS", "", id);
done:
    bts_buf_free(&bytes);
    bts_buf_free(&data);
    return r;
}

static json_t *txinfo_json(const struct mtx *t)
{
    char *id = hexs(t->id, 32), *c = hexs(t->contract, 20), *d = hexs(t->data, t->data_len);
    char c41[43];
    snprintf(c41, sizeof(c41), "41%s", c);
    json_t *o = json_pack("{s:s,s:I,s:I,s:[s],s:s,s:{s:I,s:s}}", "id", id, "blockNumber",
                          (json_int_t)t->block, "blockTimeStamp", (json_int_t)block_ts(t->block),
                          "contractResult", "", "contract_address", c41, "receipt",
                          "energy_usage_total", (json_int_t)(1000 + t->data_len), "result",
                          t->failed == 2 ? "OUT_OF_ENERGY"
                          : t->failed    ? "REVERT"
                                         : "SUCCESS");
    if (t->failed) {
        json_object_set_new(o, "result", json_string("FAILED"));
        json_object_set_new(o, "resMessage", json_string("5245564552540a"));
    } else {
        json_object_set_new(
            o, "log",
            json_pack("[{s:s,s:[s],s:s}]", "address", c, "topics",
                      "103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392", "data",
                      d));
    }
    free(id);
    free(c);
    free(d);
    return o;
}

static json_t *ep_txinfo(struct mock_tron *m, json_t *q)
{
    const char *v = json_string_value(json_object_get(q, "value"));
    uint8_t id[32];
    if (!v || bts_hex_decode_exact(id, 32, v, strlen(v), 0) != BT_OK)
        return json_pack("{s:s}", "Error", "class java.lang.IllegalArgumentException : value");
    for (size_t i = 0; i < m->n_txs; i++)
        if (!memcmp(m->txs[i].id, id, 32) && m->txs[i].block)
            return txinfo_json(&m->txs[i]);
    return json_object();
}

static json_t *ep_by_num(struct mock_tron *m, json_t *q, int infos)
{
    json_int_t n = json_integer_value(json_object_get(q, "num"));
    if (n < 0 || (uint64_t)n > m->head)
        return json_object();
    if (!infos)
        return block_json((uint64_t)n, m->k.hostile);
    json_t *a = json_array();
    for (size_t i = 0; i < m->n_txs; i++)
        if (m->txs[i].block == (uint64_t)n)
            json_array_append_new(a, txinfo_json(&m->txs[i]));
    return a;
}

/* /jsonrpc: eth_chainId and eth_getLogs over one synthetic log per block (address 0x..aa). */
static json_t *ep_jsonrpc(struct mock_tron *m, json_t *q)
{
    json_t *id = json_object_get(q, "id");
    const char *meth = json_string_value(json_object_get(q, "method"));
    json_t *res = NULL, *err = NULL;
    if (meth && !strcmp(meth, "eth_chainId")) {
        res = json_sprintf("0x%llx", (unsigned long long)m->k.chain_id);
    } else if (meth && !strcmp(meth, "eth_getLogs")) {
        json_t *f = json_array_get(json_object_get(q, "params"), 0);
        const char *fs = json_string_value(json_object_get(f, "fromBlock"));
        const char *ts = json_string_value(json_object_get(f, "toBlock"));
        uint64_t from = fs ? strtoull(fs, NULL, 16) : m->head, to = ts ? strtoull(ts, NULL, 16) : 0;
        if (to > m->head)
            to = m->head;
        if (from > to)
            err = json_pack("{s:i,s:s}", "code", -32602, "message",
                            "please verify: fromBlock <= toBlock");
        else if (m->k.log_limit && to - from + 1 > m->k.log_limit)
            err = json_pack("{s:i,s:s}", "code", -32602, "message", "exceed max block range: 5000");
        else {
            res = json_array();
            for (uint64_t n = from; n <= to && n > 0; n++) {
                uint8_t bid[32];
                block_id(bid, n);
                char *h = hexs(bid, 32), bh[67], num[24];
                snprintf(bh, sizeof(bh), "0x%s", h);
                snprintf(num, sizeof(num), "0x%llx", (unsigned long long)n);
                free(h);
                json_array_append_new(
                    res,
                    json_pack("{s:s,s:[s],s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "address",
                              "0x00000000000000000000000000000000000000aa", "topics",
                              "0x00000000000000000000000000000000000000000000000000000000000000bb",
                              "data", "0x0102", "blockNumber", num, "blockHash", bh,
                              "transactionHash", bh, "transactionIndex", "0x0", "logIndex", "0x0",
                              "removed", 0));
            }
        }
    } else {
        err = json_pack("{s:i,s:s}", "code", -32601, "message", "method not found");
    }
    json_t *a = json_pack("{s:s,s:O}", "jsonrpc", "2.0", "id", id ? id : json_null());
    json_object_set_new(a, err ? "error" : "result", err ? err : res);
    return a;
}

static void reply(struct evhttp_request *req, int code, const char *body, size_t len)
{
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, body, len);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evhttp_send_reply(req, code, code == 200 ? "OK" : "ERR", b);
    evbuffer_free(b);
}

static void handle(struct evhttp_request *req, void *arg)
{
    struct mock_tron *m = arg;
    const char *uri = evhttp_request_get_uri(req);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    char *body = malloc(len + 1);
    evbuffer_remove(in, body, len);
    body[len] = 0;
    json_t *q = json_loads(body, 0, NULL);
    free(body);
    if (!json_is_object(q)) {
        json_decref(q);
        q = json_object();
    }
    pthread_mutex_lock(&m->mu);
    cur_chain = (uint32_t)m->k.chain_id;
    m->n_requests++;
    if (m->n_paths < 512)
        snprintf(m->paths[m->n_paths++], sizeof(m->paths[0]), "%s", uri);
    json_t *a;
    if (!strcmp(uri, "/wallet/getnowblock"))
        a = ep_nowblock(m, 0);
    else if (!strcmp(uri, "/walletsolidity/getnowblock") && m->k.solid_404)
        a = NULL;
    else if (!strcmp(uri, "/walletsolidity/getnowblock"))
        a = ep_nowblock(m, 1);
    else if (!strcmp(uri, "/wallet/triggerconstantcontract"))
        a = ep_constant(m, q);
    else if (!strcmp(uri, "/wallet/broadcasthex"))
        a = ep_broadcast(m, q);
    else if (!strcmp(uri, "/wallet/gettransactioninfobyid"))
        a = ep_txinfo(m, q);
    else if (!strcmp(uri, "/wallet/getblockbynum"))
        a = ep_by_num(m, q, 0);
    else if (!strcmp(uri, "/wallet/gettransactioninfobyblocknum"))
        a = ep_by_num(m, q, 1);
    else if (!strcmp(uri, "/jsonrpc"))
        a = ep_jsonrpc(m, q);
    else
        a = NULL;
    int truncate = m->k.truncate, e500 = m->k.http_500;
    pthread_mutex_unlock(&m->mu);
    json_decref(q);
    if (!a) {
        reply(req, 404, "not found", 9);
        return;
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    size_t n = strlen(s);
    reply(req, e500 ? 500 : 200, s, truncate ? n / 2 : n);
    free(s);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what, (void)arg;
}

static void *run(void *arg)
{
    struct mock_tron *m = arg;
    while (!__atomic_load_n(&m->stopping, __ATOMIC_ACQUIRE))
        event_base_loop(m->base, EVLOOP_ONCE);
    return NULL;
}

struct mock_tron *mock_tron_start(uint64_t head)
{
    evthread_use_pthreads();
    struct mock_tron *m = calloc(1, sizeof(*m));
    pthread_mutex_init(&m->mu, NULL);
    m->head = head;
    m->k.chain_id = 0x2b6653dc;
    m->base = event_base_new();
    m->http = evhttp_new(m->base);
    struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(m->http, "127.0.0.1", 0);
    if (!s) {
        evhttp_free(m->http);
        event_base_free(m->base);
        free(m);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&ss, &sl);
    snprintf(m->url, sizeof(m->url), "http://127.0.0.1:%u",
             ntohs(((struct sockaddr_in *)&ss)->sin_port));
    evhttp_set_gencb(m->http, handle, m);
    m->tick = event_new(m->base, -1, EV_PERSIST, on_tick, NULL);
    struct timeval tv = {0, 20000};
    event_add(m->tick, &tv);
    pthread_create(&m->thread, NULL, run, m);
    return m;
}

void mock_tron_stop(struct mock_tron *m)
{
    if (!m)
        return;
    __atomic_store_n(&m->stopping, 1, __ATOMIC_RELEASE);
    pthread_join(m->thread, NULL);
    event_free(m->tick);
    evhttp_free(m->http);
    event_base_free(m->base);
    for (size_t i = 0; i < m->n_txs; i++)
        free(m->txs[i].data);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

const char *mock_tron_url(const struct mock_tron *m)
{
    return m->url;
}

void mock_tron_get(struct mock_tron *m, struct mock_tron_knobs *out)
{
    pthread_mutex_lock(&m->mu);
    *out = m->k;
    pthread_mutex_unlock(&m->mu);
}

void mock_tron_set(struct mock_tron *m, const struct mock_tron_knobs *k)
{
    pthread_mutex_lock(&m->mu);
    m->k = *k;
    pthread_mutex_unlock(&m->mu);
}

void mock_tron_mine(struct mock_tron *m, unsigned n)
{
    pthread_mutex_lock(&m->mu);
    while (n--)
        mine_locked(m);
    pthread_mutex_unlock(&m->mu);
}

uint64_t mock_tron_head(struct mock_tron *m)
{
    pthread_mutex_lock(&m->mu);
    uint64_t h = m->head;
    pthread_mutex_unlock(&m->mu);
    return h;
}

unsigned mock_tron_requests(struct mock_tron *m, const char *path)
{
    pthread_mutex_lock(&m->mu);
    unsigned n = 0;
    for (size_t i = 0; i < m->n_paths; i++)
        n += !strncmp(m->paths[i], path, strlen(path));
    if (!path[0])
        n = m->n_requests;
    pthread_mutex_unlock(&m->mu);
    return n;
}

unsigned mock_tron_included(struct mock_tron *m)
{
    pthread_mutex_lock(&m->mu);
    unsigned n = 0;
    for (size_t i = 0; i < m->n_txs; i++)
        n += m->txs[i].block != 0;
    pthread_mutex_unlock(&m->mu);
    return n;
}

unsigned mock_tron_included_id(struct mock_tron *m, const uint8_t id[32])
{
    pthread_mutex_lock(&m->mu);
    unsigned n = 0;
    for (size_t i = 0; i < m->n_txs; i++)
        n += m->txs[i].block && !memcmp(m->txs[i].id, id, 32);
    pthread_mutex_unlock(&m->mu);
    return n;
}
