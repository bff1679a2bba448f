/* bench_rootchain, end to end on anvil: (1) log ingestion -- N StateSynced events emitted by the
 * conformance contract, read and decoded through rootchain-ethereum, and the same through ethers
 * (ethers_bench.js) in the same run for the ratio; (2) latency from a NewHeaderBlock becoming
 * final (its block `confirmations` deep) to a listener on the adapter reporting it, the listener
 * asking heights + get_logs every poll interval as Delivery's does (PROTOCOL.md §5.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <bts/hex.h>

#include "anvil_util.h"
#include "bench_rootchain_int.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *run_json(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    json_t *j = p ? json_loadf(p, 0, NULL) : NULL;
    if (p && pclose(p) != 0) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

static const uint8_t topic_state_synced[32] = {
    0x10, 0x3f, 0xed, 0x9d, 0xb6, 0x5e, 0xac, 0x19, 0xc4, 0xd8, 0x70, 0xf4, 0x9a, 0xb7, 0x52, 0x0f,
    0xe0, 0x3b, 0x99, 0xf1, 0x83, 0x8e, 0x59, 0x96, 0xca, 0xf4, 0x7e, 0x9e, 0x43, 0x30, 0x83, 0x92};
static const uint8_t topic_new_header[32] = {
    0xba, 0x5d, 0xe0, 0x6d, 0x22, 0xaf, 0x26, 0x85, 0xc6, 0xc7, 0x76, 0x5f, 0x60, 0x06, 0x7f, 0x7d,
    0x2b, 0x08, 0xc2, 0xd2, 0x9f, 0x53, 0xcd, 0xf1, 0x4d, 0x67, 0xf6, 0xd1, 0xc9, 0xbf, 0xb5, 0x27};

static size_t count_bytes(char *p, size_t sz, size_t n, void *arg)
{
    (void)p;
    *(size_t *)arg += sz * n;
    return sz * n;
}

/* The node alone: the same eth_getLogs windows as raw HTTP POSTs, answers counted and thrown
 * away (nothing parsed), `parallel` of them in flight at once (curl multi). Returns the wall
 * seconds, or -1. */
static double node_alone(const char *url, const char *contract, uint64_t from, uint64_t to,
                         uint64_t window, int parallel, size_t n_events)
{
    size_t nw = (size_t)((to - from) / window + 1), bytes = 0, next = 0, done = 0;
    char(*bodies)[256] = calloc(nw, sizeof(*bodies));
    CURLM *m = curl_multi_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (!bodies || !m || !h)
        return -1;
    for (size_t i = 0; i < nw; i++) {
        uint64_t f = from + i * window, t = f + window - 1 > to ? to : f + window - 1;
        snprintf(bodies[i], sizeof(bodies[i]),
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{"
                 "\"address\":\"%s\",\"fromBlock\":\"0x%llx\",\"toBlock\":\"0x%llx\"}]}",
                 contract, (unsigned long long)f, (unsigned long long)t);
    }
    double w0 = (double)real_ms() / 1e3;
    int running = 0, ok = 1;
    while (done < nw && ok) {
        while (running < parallel && next < nw) {
            CURL *e = curl_easy_init();
            curl_easy_setopt(e, CURLOPT_URL, url);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, bodies[next++]);
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, count_bytes);
            curl_easy_setopt(e, CURLOPT_WRITEDATA, &bytes);
            curl_easy_setopt(e, CURLOPT_TIMEOUT, 600L);
            curl_multi_add_handle(m, e);
            running++;
        }
        int still;
        curl_multi_perform(m, &still);
        curl_multi_poll(m, NULL, 0, 100, NULL);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            ok = ok && msg->data.result == CURLE_OK;
            curl_multi_remove_handle(m, msg->easy_handle);
            curl_easy_cleanup(msg->easy_handle);
            running--, done++;
        }
    }
    double wall = (double)real_ms() / 1e3 - w0;
    curl_multi_cleanup(m);
    curl_slist_free_all(h);
    free(bodies);
    /* an answer of n events is > 500 bytes each: anything less is an error object */
    return ok && bytes > n_events * 500 ? wall : -1;
}

static int ingestion(const struct anvil *a, size_t n)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s %s emit %s %zu", NODE_PATH, ETHERS_JS, a->url, n);
    json_t *e = run_json(cmd);
    if (!e)
        return fprintf(stderr, "bench_rootchain: emitting through ethers failed\n"), 1;
    const char *contract = json_string_value(json_object_get(e, "contract"));
    uint64_t from = (uint64_t)json_integer_value(json_object_get(e, "from"));
    uint64_t to = (uint64_t)json_integer_value(json_object_get(e, "to"));
    uint8_t addr[20];
    if (!contract || bts_hex_parse_address(addr, contract, strlen(contract)) != BT_OK)
        return 1;
    /* 5-block windows keep each answer (4000 events a block) under the client's 32 MiB cap. */
    static const char *const conf[] = {"chain_id", "31337", "max_log_range", "5", "poll_interval",
                                       "1h",       NULL};
    const char *pairs[16] = {"url", a->url};
    size_t np = 2;
    for (const char *const *p = conf; *p; p++)
        pairs[np++] = *p;
    pairs[np] = NULL;
    struct adapter ad;
    if (adapter_open(&ad, ETH_PLUGIN, pairs) != 0)
        return 1;
    struct bt_rootchain_log *logs = NULL;
    uint8_t *arena = NULL;
    size_t got = 0;
    double w0 = (double)real_ms() / 1e3, c0 = cpu_s();
    bt_status st = adapter_logs(&ad, addr, topic_state_synced, from, to, &logs, &got, &arena);
    uint64_t sum = 0;
    for (size_t i = 0; st == BT_OK && i < got; i++) {
        uint64_t id = 0, off = 0, len = 0;
        for (int k = 24; k < 32; k++)
            id = id << 8 | logs[i].topics[1][k];
        for (int k = 24; k < 32 && logs[i].data_len >= 64; k++)
            off = off << 8 | logs[i].data[k], len = len << 8 | logs[i].data[32 + k];
        if (off != 32 || len != 7 || logs[i].data_len < 71 ||
            memcmp(logs[i].data + 64, "conform", 7))
            st = BT_EPROTO;
        sum += id;
    }
    double wall = (double)real_ms() / 1e3 - w0, cpu = cpu_s() - c0, requests = 0;
    bts_mockhost_metric(ad.m, "rpc_requests_total", &requests);
    if (st != BT_OK || got != n || sum != (uint64_t)n * (n + 1) / 2) {
        fprintf(stderr, "bench_rootchain: adapter read %zu of %zu events: %s %s\n", got, n,
                bts_status_str(st), ad.vt->error_message(ad.self));
        return 1;
    }
    free(logs);
    free(arena);
    adapter_close(&ad);
    snprintf(cmd, sizeof(cmd), "%s %s read %s %s %llu %llu %zu", NODE_PATH, ETHERS_JS, a->url,
             contract, (unsigned long long)from, (unsigned long long)to, n);
    json_t *r = run_json(cmd);
    if (!r) {
        json_decref(e);
        return fprintf(stderr, "bench_rootchain: reading through ethers failed\n"), 1;
    }
    double ew = json_real_value(json_object_get(r, "wall_s"));
    double ec = json_real_value(json_object_get(r, "cpu_s"));
    printf("bench_rootchain: anvil ingestion of %zu StateSynced events (%llu blocks)\n"
           "  adapter: %.0f events/s wall (%.2f s), %.0f events/s of own CPU (%.2f s), "
           "%.0f requests\n"
           "  ethers:  %.0f events/s wall (%.2f s), %.0f events/s of own CPU (%.2f s)\n"
           "  ratio adapter/ethers: %.1fx wall, %.1fx CPU\n",
           n, (unsigned long long)(to - from + 1), (double)n / wall, wall, (double)n / cpu, cpu,
           requests, (double)n / ew, ew, (double)n / ec, ec, ew / wall, ec / cpu);
    json_decref(r);
    /* What the node itself allows: the same windows, nothing decoded (its ceiling), then 4 at
     * once (does the node answer concurrent eth_getLogs in parallel?) and one 25-block window
     * (does it answer a big range faster?). */
    double seq = node_alone(a->url, contract, from, to, 5, 1, n);
    double par = node_alone(a->url, contract, from, to, 5, 4, n);
    double big = node_alone(a->url, contract, from, to, 25, 1, n);
    json_decref(e); /* contract points into it */
    if (seq < 0 || par < 0 || big < 0)
        return fprintf(stderr, "bench_rootchain: raw eth_getLogs failed\n"), 1;
    printf("  node alone (raw eth_getLogs, answers discarded): %.0f events/s in 5-block "
           "windows one at a time, %.0f events/s 4 in flight, %.0f events/s in 25-block "
           "windows\n",
           (double)n / seq, (double)n / par, (double)n / big);
    return 0;
}

static int latency(const struct anvil *a, int samples, uint64_t poll_ms)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s %s %s %d", NODE_PATH, SETUP_JS, a->url, samples);
    json_t *s = run_json(cmd);
    if (!s)
        return fprintf(stderr, "bench_rootchain: scenario setup failed\n"), 1;
    const char *rc_hex = json_string_value(json_object_get(s, "rootChain"));
    const char *owner = json_string_value(json_object_get(s, "owner"));
    uint8_t rc_addr[20];
    if (!rc_hex || !owner || bts_hex_parse_address(rc_addr, rc_hex, strlen(rc_hex)) != BT_OK)
        return 1;
    static const char *const conf[] = {
        "chain_id", "31337", "finalized_tag", "false", "confirmations", "3", "poll_interval",
        "1h",       NULL};
    const char *pairs[16] = {"url", a->url};
    size_t np = 2;
    for (const char *const *p = conf; *p; p++)
        pairs[np++] = *p;
    pairs[np] = NULL;
    struct adapter ad;
    if (adapter_open(&ad, ETH_PLUGIN, pairs) != 0)
        return 1;
    uint64_t head, last_fin = 0, worst = 0, total = 0;
    if (adapter_heights(&ad, &head, &last_fin) != BT_OK)
        return 1;
    srand(42);
    int bad = 0;
    for (int i = 0; i < samples && !bad; i++) {
        const char *calldata =
            json_string_value(json_array_get(json_object_get(s, "checkpoints"), (size_t)i));
        uint64_t now = real_ms(), tick = now + poll_ms, fire = now + (uint64_t)rand() % poll_ms;
        uint64_t t_final = 0, t_report = 0;
        while (!t_report && !bad) {
            now = real_ms();
            if (!t_final && now >= fire) {
                json_t *tx = json_pack("{s:s,s:s,s:s,s:s}", "from", owner, "to", rc_hex, "data",
                                       calldata, "gas", "0x2dc6c0");
                json_decref(anvil_rpc(a->url, "eth_sendTransaction", json_pack("[o]", tx)));
                json_t *m = anvil_rpc(a->url, "anvil_mine", json_pack("[s]", "0x3"));
                bad = m == NULL;
                json_decref(m);
                t_final = real_ms(); /* its block is now 3 deep: final under this rule */
            }
            if (now >= tick) {
                tick += poll_ms;
                uint64_t fin;
                if (adapter_heights(&ad, &head, &fin) != BT_OK) {
                    bad = 1;
                    break;
                }
                if (fin > last_fin) {
                    struct bt_rootchain_log *logs = NULL;
                    uint8_t *arena = NULL;
                    size_t n = 0;
                    if (adapter_logs(&ad, rc_addr, topic_new_header, last_fin + 1, fin, &logs, &n,
                                     &arena) != BT_OK)
                        bad = 1;
                    for (size_t k = 0; k < n; k++) {
                        uint64_t id = 0;
                        for (int b = 24; b < 32; b++)
                            id = id << 8 | logs[k].topics[2][b];
                        if (id == (uint64_t)(i + 1) * 10000)
                            t_report = real_ms();
                    }
                    free(logs);
                    free(arena);
                    last_fin = fin;
                }
            }
            if (!t_report)
                usleep(500);
            if (t_final && real_ms() - t_final > 10 * poll_ms + 5000)
                bad = 1;
        }
        if (bad)
            break;
        uint64_t l = t_report - t_final;
        total += l;
        if (l > worst)
            worst = l;
    }
    adapter_close(&ad);
    json_decref(s);
    if (bad)
        return fprintf(stderr, "bench_rootchain: NewHeaderBlock not reported\n"), 1;
    printf("bench_rootchain: NewHeaderBlock finality -> report latency over %d checkpoints, poll "
           "%llu ms: mean %.0f ms, max %llu ms (target <= %llu ms)\n",
           samples, (unsigned long long)poll_ms, (double)total / samples, (unsigned long long)worst,
           (unsigned long long)(poll_ms + 50));
    return 0;
}

int bench_anvil(int quick, size_t n_events)
{
    if (access(ANVIL_PATH, X_OK) != 0 || access(NODE_PATH, X_OK) != 0 ||
        access(ETHERS_JS_DEPS, R_OK) != 0) {
        printf("bench_rootchain: anvil part skipped (anvil, node or bench/rootchain/node_modules "
               "missing: scripts/setup)\n");
        return 0;
    }
    struct anvil a = {0};
    if (anvil_start(&a, ANVIL_PATH, 0, "31337", "1000000000", NULL) != 0)
        return fprintf(stderr, "bench_rootchain: cannot start anvil\n"), 1;
    int rc = ingestion(&a, n_events ? n_events : 2000);
    if (!rc)
        rc = latency(&a, quick ? 2 : 10, quick ? 200 : 1000);
    anvil_stop(&a);
    return rc;
}
