/* Scenario per basechain (issue 10 "Real peers in the tests"), for rootchain-ethereum (anvil as
 * chain 1, EIP-1559, "finalized" tag) and rootchain-bsc (anvil as chain 56, zero base fee,
 * head - confirmations): deploy the contracts/ root-chain set (scenario/setup.js, ethers), emit
 * StateSynced and staking events, read them back through the adapter and compare block numbers,
 * log indexes, tx hashes and decoded fields with what ethers saw; submit a checkpoint through
 * the adapter and see its receipt and NewHeaderBlock; then stop the node in the middle of a send
 * and restart it from its saved state: the adapter reports the outage, reconnects (metric), and
 * the send lands exactly once (sender nonce + 1, StateSender counter + 1, one StateSynced).
 * Finally `bttcd rootchain status --json` on the same node. Exit 77 when anvil or node is
 * missing (scripts/setup runs npm ci in tests/rootchain and contracts). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/tron.h>
#include <bts/u256.h>

#include "anvil_util.h"

static int fails;

static void failf(const char *fmt, ...) BT_PRINTF(1, 2);
static void failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("    FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fails++;
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void addr_of(uint8_t out[20], const json_t *o, const char *k)
{
    const char *s = jstr(o, k);
    if (bts_hex_parse_address(out, s, strlen(s)) != BT_OK)
        memset(out, 0, 20);
}

static void hash_of(uint8_t out[32], const char *s)
{
    if (bts_hex_parse_hash(out, s, strlen(s)) != BT_OK)
        memset(out, 0, 32);
}

static int bytes_of(struct bts_buf *b, const char *s)
{
    bts_buf_init(b);
    if (!strncmp(s, "0x", 2))
        s += 2;
    return bts_hex_decode_buf(b, s, strlen(s), 0) == BT_OK ? 0 : -1;
}

static json_t *run_setup(const char *script, const char *url, const char *url2)
{
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "%s %s %s %s", NODE_PATH, script, url, url2 ? url2 : "");
    FILE *p = popen(cmd, "r");
    json_t *j = p ? json_loadf(p, 0, NULL) : NULL;
    if (p && pclose(p) != 0) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* The logs of one event kind, as the adapter returns them, against ethers' view. */
static void check_events(struct adapter *ad, const json_t *setup, const char *name,
                         const char *addr_key, uint64_t head)
{
    uint8_t addr[20], topic0[32];
    addr_of(addr, setup, addr_key);
    hash_of(topic0, jstr(json_object_get(setup, "topics"), name));
    struct bt_rootchain_log *logs = NULL;
    uint8_t *arena = NULL;
    size_t n = 0, k = 0, i;
    bt_status st = adapter_logs(ad, addr, topic0, 0, head, &logs, &n, &arena);
    if (st != BT_OK) {
        failf("%s: get_logs: %s: %s", name, bts_status_str(st), ad->vt->error_message(ad->self));
        return;
    }
    json_t *e;
    json_array_foreach(json_object_get(setup, "events"), i, e)
    {
        if (strcmp(jstr(e, "name"), name))
            continue;
        if (k >= n) {
            failf("%s: adapter returned %zu logs, ethers saw more", name, n);
            break;
        }
        const struct bt_rootchain_log *l = &logs[k++];
        uint8_t tx[32], t[32];
        hash_of(tx, jstr(e, "tx"));
        uint64_t blk = (uint64_t)json_integer_value(json_object_get(e, "block"));
        uint64_t idx = (uint64_t)json_integer_value(json_object_get(e, "index"));
        if (l->block_number != blk || l->log_index != idx || memcmp(l->tx_hash, tx, 32) ||
            memcmp(l->address, addr, 20))
            failf("%s %zu: block %llu index %u, ethers: block %llu index %llu (or tx/address)",
                  name, k, (unsigned long long)l->block_number, l->log_index,
                  (unsigned long long)blk, (unsigned long long)idx);
        const json_t *topics = json_object_get(e, "topics");
        if (l->n_topics != json_array_size(topics))
            failf("%s %zu: %u topics, ethers %zu", name, k, l->n_topics, json_array_size(topics));
        for (uint32_t j = 0; j < l->n_topics && j < json_array_size(topics); j++) {
            hash_of(t, json_string_value(json_array_get(topics, j)));
            if (memcmp(l->topics[j], t, 32))
                failf("%s %zu: topic %u differs", name, k, j);
        }
        struct bts_buf d;
        if (bytes_of(&d, jstr(e, "data")) || d.len != l->data_len || memcmp(d.data, l->data, d.len))
            failf("%s %zu: data differs (%zu bytes, ethers %zu)", name, k, l->data_len, d.len);
        bts_buf_free(&d);
        /* Decoded fields, as Delivery's listeners read them (PROTOCOL.md §4.3.2, §4.8). */
        struct bts_u256 v, want;
        char dec[BTS_U256_DEC_MAX];
        if (!strcmp(name, "StateSynced")) {
            const char *id = jstr(e, "id");
            bts_u256_load_be(&v, l->topics[1]);
            bts_u256_to_dec(dec, &v);
            uint8_t rcv[20];
            addr_of(rcv, e, "contractAddress");
            struct bts_buf p;
            uint64_t off = 0, len = 0;
            for (int b = 24; b < 32 && l->data_len >= 64; b++)
                off = off << 8 | l->data[b], len = len << 8 | l->data[32 + b];
            if (strcmp(dec, id) || memcmp(l->topics[2] + 12, rcv, 20) ||
                bytes_of(&p, jstr(e, "payload")) || off != 32 || len != p.len ||
                l->data_len < 64 + len || memcmp(l->data + 64, p.data, len))
                failf("StateSynced %zu: id %s (ethers %s), receiver or bytes payload differ", k,
                      dec, id);
            bts_buf_free(&p);
        } else {
            uint8_t signer[20];
            addr_of(signer, e, "signer");
            const char *amount = jstr(e, "amount");
            bts_u256_load_be(&v, l->data_len >= 64 ? l->data + 32 : l->topics[0]);
            if (bts_u256_from_dec(&want, amount, strlen(amount)) != BT_OK ||
                memcmp(&v, &want, sizeof(v)) || memcmp(l->topics[1] + 12, signer, 20) ||
                l->topics[2][31] != (uint8_t)atoi(jstr(e, "validatorId")))
                failf("Staked %zu: signer, validator id or amount differ", k);
        }
    }
    if (k != n)
        failf("%s: adapter returned %zu logs, ethers saw %zu", name, n, k);
    printf("  %s: %zu logs read back and decoded\n", name, n);
    free(logs);
    free(arena);
}

struct send_wait {
    int done;
    bt_status st;
    uint32_t tx_status;
    uint64_t block;
    int n_header_logs;
    uint8_t header_id[32];
};

static const uint8_t *topic_nhb;

static void on_receipt(void *arg, bt_status st, const struct bt_rootchain_receipt *r)
{
    struct send_wait *w = arg;
    w->done = 1, w->st = st;
    if (!r)
        return;
    w->tx_status = r->tx_status;
    w->block = r->block_number;
    for (size_t i = 0; i < r->n_logs; i++)
        if (topic_nhb && r->logs[i].n_topics == 4 && !memcmp(r->logs[i].topics[0], topic_nhb, 32)) {
            w->n_header_logs++;
            memcpy(w->header_id, r->logs[i].topics[2], 32);
        }
}

static int start_send(struct adapter *ad, const uint8_t to[20], const char *calldata_hex,
                      struct send_wait *w)
{
    struct bts_buf cd;
    if (bytes_of(&cd, calldata_hex))
        return -1;
    struct bt_rootchain_send_req req = {
        .struct_size = sizeof(req), .data = cd.data, .data_len = cd.len};
    memcpy(req.to, to, 20);
    memset(w, 0, sizeof(*w));
    bt_status st = ad->vt->send(ad->self, &req, on_receipt, w);
    bts_buf_free(&cd);
    if (st != BT_OK)
        failf("send refused: %s: %s", bts_status_str(st), bts_mockhost_error(ad->m));
    return st == BT_OK ? 0 : -1;
}

static uint64_t counter_of(struct adapter *ad, const uint8_t sender[20])
{
    static const uint8_t sel[4] = {0x61, 0xbc, 0x22, 0x1a}; /* counter() */
    uint8_t out[64];
    size_t n = 0;
    if (adapter_call(ad, sender, sel, 4, out, sizeof(out), &n) != BT_OK || n != 32)
        return UINT64_MAX;
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | out[i];
    return v;
}

static void checkpoint(struct adapter *ad, const json_t *setup)
{
    uint8_t rc_addr[20], t[32];
    addr_of(rc_addr, setup, "rootChain");
    hash_of(t, jstr(json_object_get(setup, "topics"), "NewHeaderBlock"));
    topic_nhb = t;
    struct send_wait w;
    if (start_send(ad, rc_addr, jstr(setup, "checkpoint"), &w) ||
        !adapter_pump(ad, &w.done, 60000)) {
        failf("checkpoint: no receipt");
        return;
    }
    if (w.st != BT_OK || w.tx_status != BT_ROOTCHAIN_TX_SUCCESS || w.n_header_logs != 1 ||
        w.header_id[30] != 0x27 || w.header_id[31] != 0x10)
        failf("checkpoint: %s tx_status %u, %d NewHeaderBlock logs: %s", bts_status_str(w.st),
              w.tx_status, w.n_header_logs, ad->vt->error_message(ad->self));
    static const uint8_t sel[4] = {0xec, 0x7e, 0x48, 0x55}; /* currentHeaderBlock() */
    uint8_t out[32];
    size_t n = 0;
    if (adapter_call(ad, rc_addr, sel, 4, out, sizeof(out), &n) != BT_OK || n != 32 ||
        out[30] != 0x27 || out[31] != 0x10)
        failf("checkpoint: currentHeaderBlock() is not 10000");
    struct bt_rootchain_log *logs = NULL;
    uint8_t *arena = NULL;
    size_t nl = 0;
    if (adapter_logs(ad, rc_addr, t, w.block, w.block, &logs, &nl, &arena) != BT_OK || nl != 1)
        failf("checkpoint: NewHeaderBlock not found by get_logs in block %llu",
              (unsigned long long)w.block);
    free(logs);
    free(arena);
    printf("  checkpoint: receipt in block %llu, header block 10000\n",
           (unsigned long long)w.block);
    topic_nhb = NULL;
}

static int restart(struct anvil *a)
{
    struct anvil old = *a; /* anvil_start rewrites *a from its arguments */
    return anvil_start(a, old.path, old.port, old.chain_id, old.base_fee, old.state);
}

/* SIGKILL the node while a send is in its pool, restart it on the same port from its state
 * (anvil: the --state file dumped every second; bttcd: the datadir, whose txpool journal keeps
 * the transaction). `node_url`: the node's Ethereum JSON-RPC (nonces), also for TRON. */
static void outage(struct adapter *ad, struct anvil *a, const json_t *setup, const char *ad_url)
{
    uint8_t sender[20];
    addr_of(sender, setup, "stateSender");
    const char *owner = jstr(setup, "owner");
    /* Interval sealing: the transaction waits in the pool, where the outage finds it. anvil
     * has evm_setIntervalMining; bttcd has --dev.period, so it restarts with one (a clean
     * stop, not the outage). */
    if (a->tron_port || strstr(a->path, "bttcd")) {
        anvil_stop(a);
        a->dev_period = 3;
        if (restart(a) != 0) {
            failf("outage: cannot restart the node with --dev.period");
            return;
        }
        /* Sealing as transactions came, the setup's blocks got timestamps 1 s apart, ahead of
         * the clock; a period sealer waits until the clock passes the head's time. */
        json_t *b = anvil_rpc(a->url, "eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
        const char *ts = json_string_value(json_object_get(b, "timestamp"));
        time_t head_time = ts ? (time_t)strtoull(ts, NULL, 16) : 0;
        json_decref(b);
        while (time(NULL) <= head_time)
            usleep(200000);
    } else {
        json_decref(anvil_rpc(a->url, "evm_setAutomine", json_pack("[b]", 0)));
        json_decref(anvil_rpc(a->url, "evm_setIntervalMining", json_pack("[i]", 5)));
        usleep(1500000); /* a --state dump after the setup */
    }
    uint64_t n0 = anvil_nonce(a->url, owner, "latest"), c0 = counter_of(ad, sender);
    struct send_wait w;
    if (start_send(ad, sender, jstr(setup, "sync"), &w))
        return;
    uint64_t t0 = real_ms();
    while (!w.done && anvil_nonce(a->url, owner, "pending") == n0 && real_ms() - t0 < 20000) {
        int tick = 0;
        adapter_pump(ad, &tick, 20);
    }
    if (w.done) {
        failf("outage: the send ended before the node went down (%s)", bts_status_str(w.st));
        return;
    }
    uint64_t pending = anvil_nonce(a->url, owner, "pending");
    anvil_kill(a, SIGKILL);
    printf("  node killed (SIGKILL) with the send in its pool (pending nonce %llu)\n",
           (unsigned long long)pending);
    int tick = 0;
    adapter_pump(ad, &tick, 2000);
    struct bt_rootchain_status s = {.struct_size = sizeof(s)};
    ad->vt->status(ad->self, &s);
    printf("  outage reported: %s\n", s.last_error);
    if (!s.last_error[0] || !strstr(s.last_error, ad_url))
        failf("outage: status() does not report it: \"%s\"", s.last_error);
    if (restart(a) != 0) {
        failf("outage: cannot restart the node");
        return;
    }
    if (!adapter_pump(ad, &w.done, 90000) || w.st != BT_OK ||
        w.tx_status != BT_ROOTCHAIN_TX_SUCCESS) {
        failf("outage: send %s tx_status %u: %s", bts_status_str(w.st), w.tx_status,
              ad->vt->error_message(ad->self));
        return;
    }
    uint64_t n1 = anvil_nonce(a->url, owner, "latest"), c1 = counter_of(ad, sender);
    double reconnects = -1;
    bts_mockhost_metric(ad->m, "reconnects_total", &reconnects);
    struct bt_rootchain_status s2 = {.struct_size = sizeof(s2)};
    ad->vt->status(ad->self, &s2);
    printf("  after restart: nonce %llu -> %llu, counter %llu -> %llu, reconnects %.0f\n",
           (unsigned long long)n0, (unsigned long long)n1, (unsigned long long)c0,
           (unsigned long long)c1, reconnects);
    if (n1 != n0 + 1 || c1 != c0 + 1)
        failf("outage: the send did not land exactly once");
    if (reconnects < 1)
        failf("outage: no reconnect counted");
    uint8_t t[32];
    hash_of(t, jstr(json_object_get(setup, "topics"), "StateSynced"));
    struct bt_rootchain_log *logs = NULL;
    uint8_t *arena = NULL;
    size_t n = 0, same = 0;
    if (adapter_logs(ad, sender, t, 0, w.block, &logs, &n, &arena) == BT_OK)
        for (size_t i = 0; i < n; i++)
            same += logs[i].topics[1][31] == (uint8_t)c1 && logs[i].data_len == 96 &&
                    logs[i].data[64] == 0xc0;
    if (same != 1)
        failf("outage: %zu StateSynced logs of id %llu, expected 1", same, (unsigned long long)c1);
    free(logs);
    free(arena);
}

/* bttcd rootchain status --json on the live node (url), plus an adapter whose node is dead. */
static void status_cmd(const char *plugin, const char *name, const struct anvil *a, const char *url)
{
    int tron = !strcmp(name, "rootchain-tron");
    char dir[] = "/tmp/bt-rcstatus.XXXXXX", conf[600], cmd[1400];
    if (!mkdtemp(dir))
        return;
    snprintf(conf, sizeof(conf), "%s/plugins.conf", dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return;
    fprintf(f,
            "[node]\ndatadir = %s/dd\n[plugin %s]\npath = %s\nurl = %s\n%s%s\n"
            "confirmations = 2\n[plugin %s]\npath = %s\nurl = http://127.0.0.1:%u\n"
            "request_timeout = 1s\nretries = 2\n",
            dir, name, plugin, url, tron ? "" : "chain_id = ", tron ? "" : a->chain_id,
            strcmp(name, "rootchain-bsc") ? "rootchain-bsc" : "rootchain-ethereum",
            strcmp(name, "rootchain-bsc") ? BSC_PLUGIN : ETH_PLUGIN, anvil_free_port());
    fclose(f);
    snprintf(cmd, sizeof(cmd), "%s --config %s --log.level error rootchain status --json", BTTCD,
             conf);
    FILE *p = popen(cmd, "r");
    json_t *j = p ? json_loadf(p, 0, NULL) : NULL;
    int rc = p ? pclose(p) : -1;
    const json_t *live = json_array_get(j, 0), *dead = json_array_get(j, 1);
    const json_t *m = json_object_get(live, "metrics");
    if (!json_is_true(json_object_get(live, "ok")) ||
        json_integer_value(json_object_get(live, "head")) <= 0 ||
        json_real_value(json_object_get(m, tron ? "head" : "rpc_requests_total")) < 1 ||
        json_is_true(json_object_get(dead, "ok")) || !strstr(jstr(dead, "error"), "127.0.0.1") ||
        json_real_value(
            json_object_get(json_object_get(dead, "metrics"), "rpc_errors_transport_total")) < 1 ||
        !WIFEXITED(rc) || WEXITSTATUS(rc) != 1)
        failf("bttcd rootchain status: unexpected answer (exit %d)", rc);
    else
        printf("  bttcd rootchain status: head %lld finalized %lld; dead adapter: %s\n",
               (long long)json_integer_value(json_object_get(live, "head")),
               (long long)json_integer_value(json_object_get(live, "finalized")),
               jstr(dead, "error"));
    json_decref(j);
    unlink(conf);
    rmdir(dir);
}

static void scenario(const char *node, const char *plugin, const char *name, const char *chain_id,
                     const char *base_fee, const char *const *conf)
{
    char state[] = "/tmp/bt-rcstate.XXXXXX";
    int fd = mkstemp(state);
    if (fd >= 0)
        close(fd);
    unlink(state); /* anvil creates it on the way out, bttcd makes it its datadir */
    struct anvil a = {0};
    printf("== %s scenario on %s (chain %s)\n", name, node, chain_id);
    fflush(stdout);
    if (anvil_start(&a, node, 0, chain_id, base_fee, state) != 0) {
        failf("cannot start %s", node);
        anvil_state_remove(&a);
        return;
    }
    json_t *setup = run_setup(SETUP_JS, a.url, NULL);
    struct adapter ad = {0}; /* adapter_close on it is safe when setup fails */
    const char *pairs[40];
    size_t np = 0;
    const char *base[] = {"url", a.url, "chain_id", chain_id, "receipt_poll", "200ms", "tx_timeout",
                          /* bttcd's period sealer may take a period and more (outage) */
                          strstr(node, "bttcd") ? "12s" : "3s", "request_timeout", "2s", "retries",
                          "3", "poll_interval", "1h", NULL};
    for (const char *const *p = base; *p; p++)
        pairs[np++] = *p;
    for (const char *const *p = conf; p && *p; p++)
        pairs[np++] = *p;
    pairs[np] = NULL;
    if (!setup) {
        failf("scenario/setup.js failed");
    } else if (adapter_open(&ad, plugin, pairs) != 0) {
        failf("cannot open the adapter");
    } else {
        uint64_t head = 0, fin = 0;
        bt_status st = adapter_heights(&ad, &head, &fin);
        printf("  heights: head %llu finalized %llu\n", (unsigned long long)head,
               (unsigned long long)fin);
        if (st != BT_OK || head < (uint64_t)json_integer_value(json_object_get(setup, "head")) ||
            fin > head)
            failf("heights: %s head %llu finalized %llu", bts_status_str(st),
                  (unsigned long long)head, (unsigned long long)fin);
        check_events(&ad, setup, "StateSynced", "stateSender", head);
        check_events(&ad, setup, "Staked", "stakingInfo", head);
        checkpoint(&ad, setup);
        outage(&ad, &a, setup, a.url);
        status_cmd(plugin, name, &a, a.url);
    }
    adapter_close(&ad);
    json_decref(setup);
    anvil_stop(&a);
    anvil_state_remove(&a);
}

/* The TRON scenario: `bttcd run --dev --tron-api.port N` (its Ethereum JSON-RPC beside it for
 * nonces), the contracts deployed through tronweb (tests/tronapi/scenario/setup.js), read and
 * written through rootchain-tron. */
static void scenario_tron(void)
{
    char state[] = "/tmp/bt-rctron.XXXXXX", tron_url[64];
    int fd = mkstemp(state);
    if (fd >= 0)
        close(fd);
    unlink(state); /* bttcd makes it its datadir */
    struct anvil a = {0};
    a.tron_port = anvil_free_port();
    snprintf(tron_url, sizeof(tron_url), "http://127.0.0.1:%u", a.tron_port);
    printf("== rootchain-tron scenario on the dev TRON API of bttcd (%s)\n", tron_url);
    fflush(stdout);
    if (anvil_start(&a, BTTCD, 0, "1337", "1000000000", state) != 0) {
        failf("cannot start bttcd with --tron-api.port");
        anvil_state_remove(&a);
        return;
    }
    json_t *setup = run_setup(SETUP_TRON_JS, tron_url, a.url);
    struct adapter ad = {0};
    char rc[BTS_TRON_HEX_CAP], ss[BTS_TRON_HEX_CAP], sm[BTS_TRON_HEX_CAP], si[BTS_TRON_HEX_CAP];
    snprintf(rc, sizeof(rc), "%s", jstr(setup, "rootChainTron"));
    snprintf(ss, sizeof(ss), "%s", jstr(setup, "stateSenderTron"));
    snprintf(sm, sizeof(sm), "%s", jstr(setup, "stakeManagerTron"));
    snprintf(si, sizeof(si), "%s", jstr(setup, "stakingInfoTron"));
    const char *pairs[] = {"url",
                           tron_url,
                           "receipt_poll",
                           "200ms",
                           "rebroadcast",
                           "2s",
                           "request_timeout",
                           "2s",
                           "retries",
                           "3",
                           "poll_interval",
                           "1h",
                           "root_chain",
                           rc,
                           "state_sender",
                           ss,
                           "stake_manager",
                           sm,
                           "staking_info",
                           si,
                           "fee_limit",
                           "1000000000",
                           NULL};
    if (!setup) {
        failf("tests/tronapi/scenario/setup.js failed");
    } else if (adapter_open(&ad, TRON_PLUGIN, pairs) != 0) {
        failf("cannot open rootchain-tron");
    } else {
        uint64_t head = 0, fin = 0;
        bt_status st = adapter_heights(&ad, &head, &fin);
        printf("  heights: head %llu finalized %llu\n", (unsigned long long)head,
               (unsigned long long)fin);
        if (st != BT_OK || head < (uint64_t)json_integer_value(json_object_get(setup, "head")) ||
            fin > head)
            failf("heights: %s head %llu finalized %llu", bts_status_str(st),
                  (unsigned long long)head, (unsigned long long)fin);
        check_events(&ad, setup, "StateSynced", "stateSender", head);
        check_events(&ad, setup, "Staked", "stakingInfo", head);
        checkpoint(&ad, setup);
        outage(&ad, &a, setup, tron_url);
        status_cmd(TRON_PLUGIN, "rootchain-tron", &a, tron_url);
    }
    adapter_close(&ad);
    json_decref(setup);
    anvil_stop(&a);
    anvil_state_remove(&a);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--tron")) {
        if (access(BTTCD, X_OK) != 0 || access(NODE_PATH, X_OK) != 0 ||
            access(ETHERS_DIR, R_OK) != 0 || access(TRONWEB_DIR, R_OK) != 0) {
            fprintf(stderr, "SKIPPED: node, contracts/node_modules or tests/tronapi/node_modules "
                            "missing (scripts/setup)\n");
            return 77;
        }
        signal(SIGPIPE, SIG_IGN);
        scenario_tron();
        printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
        return fails ? 1 : 0;
    }
    /* --bttcd: the same scenarios with `bttcd run --dev` as both root chains (issue 10). */
    int dev = argc > 1 && !strcmp(argv[1], "--bttcd");
    const char *node = dev ? BTTCD : ANVIL_PATH;
    if (access(node, X_OK) != 0 || access(NODE_PATH, X_OK) != 0 || access(ETHERS_DIR, R_OK) != 0) {
        fprintf(stderr, "SKIPPED: %s, node or contracts/node_modules missing (scripts/setup)\n",
                dev ? "bttcd" : "anvil");
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    static const char *const bsc_conf[] = {"finalized_tag", "false", "confirmations", "2", NULL};
    /* anvil: Ethereum as chain 1; bttcd: its dev chain 1337 (--dev refuses no Ethereum id, but
     * 1337 is the preset every wallet knows). BSC: chain 56 (anvil) or 97 (bttcd), base fee 0. */
    scenario(node, ETH_PLUGIN, "rootchain-ethereum", dev ? "1337" : "1", "1000000000", NULL);
    scenario(node, BSC_PLUGIN, "rootchain-bsc", dev ? "97" : "56", "0", bsc_conf);
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails ? 1 : 0;
}
