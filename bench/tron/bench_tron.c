/* bench_tron: decode throughput of what rootchain-tron reads from java-tron (ROOTCHAINS.md §1.6):
 * wallet/gettransactioninfobyid answers carrying StateSynced logs (PROTOCOL.md §4.8) parsed by
 * bts_tron_parse_txinfo, wallet/getnowblock answers by bts_tron_parse_block, and the
 * Transaction.raw codec (encode + txID, canonical decode). CPU time, best of several rounds.
 * --quick: tiny sizes, checks results only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bts/buf.h>
#include <bts/tron.h>
#include <bts/tron_http.h>

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One transaction info with n_logs StateSynced logs (id in topic 1, 96 bytes of data). */
static int make_txinfo(struct bts_buf *b, size_t seq, size_t n_logs)
{
    int ok = bts_buf_printf(b,
                            "{\"id\":\"%064zx\",\"fee\":1000,\"blockNumber\":%zu,"
                            "\"blockTimeStamp\":1700000003000,\"contractResult\":[\"\"],"
                            "\"contract_address\":\"415d8702466692a9174667821741b7e7799a0a0560\","
                            "\"receipt\":{\"energy_usage_total\":21350,\"result\":\"SUCCESS\"},"
                            "\"log\":[",
                            seq + 1, seq / 4 + 1) == BT_OK;
    for (size_t i = 0; i < n_logs && ok; i++)
        ok = bts_buf_printf(
                 b,
                 "%s{\"address\":\"5d8702466692a9174667821741b7e7799a0a0560\",\"topics\":["
                 "\"103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392\","
                 "\"%064zx\","
                 "\"000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266\"],"
                 "\"data\":\"0000000000000000000000000000000000000000000000000000000000000020"
                 "0000000000000000000000000000000000000000000000000000000000000007"
                 "636f6e666f726d00000000000000000000000000000000000000000000000000\"}",
                 i ? "," : "", seq * n_logs + i + 1) == BT_OK;
    return ok && bts_buf_append_str(b, "]}") == BT_OK;
}

static int bench_txinfo(int quick)
{
    size_t n_tx = quick ? 10 : 20000, n_logs = 10;
    struct bts_buf *bodies = calloc(n_tx, sizeof(*bodies));
    size_t bytes = 0;
    for (size_t i = 0; i < n_tx; i++) {
        bts_buf_init(&bodies[i]);
        if (!make_txinfo(&bodies[i], i, n_logs))
            return 1;
        bytes += bodies[i].len;
    }
    double best = 1e9;
    uint64_t sum = 0;
    for (int r = 0; r < (quick ? 1 : 5); r++) {
        double t0 = cpu_s();
        for (size_t i = 0; i < n_tx; i++) {
            struct bts_tron_txinfo t;
            char err[200];
            if (bts_tron_parse_txinfo(&t, NULL, (const char *)bodies[i].data, bodies[i].len, err,
                                      sizeof(err)) != BT_OK ||
                t.n_logs != n_logs)
                return fprintf(stderr, "bench_tron: txinfo %zu: %s\n", i, err), 1;
            for (size_t k = 0; k < t.n_logs; k++) {
                uint64_t id = 0;
                for (int j = 24; j < 32; j++)
                    id = id << 8 | t.logs[k].topics[1][j];
                if (id != i * n_logs + k + 1 || t.logs[k].data_len != 96 ||
                    memcmp(t.logs[k].data + 64, "conform", 7) != 0)
                    return fprintf(stderr, "bench_tron: wrong decode at %zu/%zu\n", i, k), 1;
                sum += id;
            }
            bts_tron_txinfo_free(&t);
        }
        double dt = cpu_s() - t0;
        if (dt < best)
            best = dt;
    }
    printf("bench_tron: gettransactioninfobyid: %zu answers x %zu StateSynced logs, %.1f MB: "
           "%.0f answers/s, %.0f events/s, %.1f MB/s (checksum %llu)\n",
           n_tx, n_logs, (double)bytes / 1e6, (double)n_tx / best, (double)(n_tx * n_logs) / best,
           (double)bytes / 1e6 / best, (unsigned long long)sum);
    for (size_t i = 0; i < n_tx; i++)
        bts_buf_free(&bodies[i]);
    free(bodies);
    return 0;
}

static int bench_block(int quick)
{
    size_t n = quick ? 10 : 200000;
    char body[600];
    int len = snprintf(
        body, sizeof(body),
        "{\"blockID\":\"00000000000003e8c0dfc0a0c8d75a7e0c0f5729f6b98567cd0b66599c4f63ac\","
        "\"block_header\":{\"raw_data\":{\"number\":1000,\"txTrieRoot\":"
        "\"0000000000000000000000000000000000000000000000000000000000000000\","
        "\"witness_address\":\"41a0f9d7a2ae9ae0e7a5e6f0a9a1c4b3e2d1c0b9a8\","
        "\"parentHash\":\"00000000000003e7000000000000000000000000000000000000000000000000\","
        "\"version\":30,\"timestamp\":1700000000000},\"witness_signature\":\"00\"}}");
    double t0 = cpu_s();
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        struct bts_tron_block b;
        if (bts_tron_parse_block(&b, body, (size_t)len, NULL, 0) != BT_OK || b.number != 1000)
            return fprintf(stderr, "bench_tron: block parse failed\n"), 1;
        sum += b.number;
    }
    double dt = cpu_s() - t0;
    printf("bench_tron: getnowblock: %.0f blocks/s (checksum %llu)\n", (double)n / dt,
           (unsigned long long)sum);
    return 0;
}

static int bench_tx(int quick)
{
    size_t n = quick ? 10 : 200000;
    uint8_t data[4 + 32 * 9] = {0x4e, 0x43, 0xe4, 0x95}; /* submitCheckpoint-sized calldata */
    struct bts_tron_tx tx = {.expiration = 1700000060000,
                             .timestamp = 1700000000000,
                             .fee_limit = 200000000,
                             .type = BTS_TRON_TRIGGER_SMART_CONTRACT,
                             .owner = {0x41, 0x9d},
                             .to = {0x41, 0x83},
                             .data = data,
                             .data_len = sizeof(data)};
    struct bts_buf raw = BTS_BUF_INIT, d = BTS_BUF_INIT;
    uint8_t id[32];
    double t0 = cpu_s();
    for (size_t i = 0; i < n; i++) {
        tx.expiration = 1700000060000 + (int64_t)i;
        bts_buf_reset(&raw);
        if (bts_tron_tx_encode(&raw, &tx) != BT_OK ||
            bts_tron_tx_id(id, raw.data, raw.len) != BT_OK)
            return fprintf(stderr, "bench_tron: encode failed\n"), 1;
    }
    double enc = cpu_s() - t0;
    t0 = cpu_s();
    for (size_t i = 0; i < n; i++) {
        struct bts_tron_tx back;
        if (bts_tron_tx_decode(&back, &d, raw.data, raw.len) != BT_OK ||
            back.data_len != sizeof(data))
            return fprintf(stderr, "bench_tron: decode failed\n"), 1;
    }
    double dec = cpu_s() - t0;
    printf("bench_tron: Transaction.raw (%zu bytes): encode+txID %.0f tx/s, canonical decode "
           "%.0f tx/s\n",
           raw.len, (double)n / enc, (double)n / dec);
    bts_buf_free(&raw);
    bts_buf_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && !strcmp(argv[1], "--quick");
    if (bench_txinfo(quick) || bench_block(quick) || bench_tx(quick))
        return 1;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_tron: peak RSS %ld KiB\n", ru.ru_maxrss);
    return 0;
}
