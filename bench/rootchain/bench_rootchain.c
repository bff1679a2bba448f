/* bench_rootchain: eth_getLogs answers of StateSynced events (PROTOCOL.md §4.8) parsed by
 * bts_ethrpc_parse_reply + bts_ethrpc_parse_logs, then each event's id and data decoded.
 * Prints events/s, MB/s and peak RSS; then the anvil part (bench_rootchain_anvil.c).
 * --quick: tiny sizes, checks results only; --anvil-events N: size of the anvil run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bts/buf.h>
#include <bts/ethrpc.h>

#include "bench_rootchain_int.h"

/* CPU time of this process: the machine is shared, wall time would measure the neighbours. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && !strcmp(argv[1], "--quick");
    /* --anvil-events N: the size of the anvil ingestion run (default 100000, quick 2000). */
    size_t anvil_events = quick ? 2000 : 100000;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--anvil-events"))
            anvil_events = (size_t)strtoull(argv[i + 1], NULL, 10);
    size_t n = quick ? 100 : 100000;
    struct bts_buf b;
    bts_buf_init(&b);
    int ok = bts_buf_append_str(&b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[") == BT_OK;
    for (size_t i = 0; i < n && ok; i++)
        ok = bts_buf_printf(
                 &b,
                 "%s{\"address\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\",\"topics\":["
                 "\"0x103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392\","
                 "\"0x%064zx\","
                 "\"0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266\"],"
                 "\"data\":\"0x0000000000000000000000000000000000000000000000000000000000000020"
                 "0000000000000000000000000000000000000000000000000000000000000007"
                 "636f6e666f726d00000000000000000000000000000000000000000000000000\","
                 "\"blockNumber\":\"0x%zx\",\"blockHash\":\"0x%064zx\",\"transactionHash\":"
                 "\"0x%064zx\",\"transactionIndex\":\"0x0\",\"logIndex\":\"0x%zx\",\"removed\":"
                 "false}",
                 i ? "," : "", i + 1, i / 10 + 1, i / 10 + 1, i + 1, i % 10) == BT_OK;
    ok = ok && bts_buf_append_str(&b, "]}") == BT_OK;
    if (!ok)
        return 1;
    int rounds = quick ? 1 : 5;
    double best = 1e9;
    uint64_t sum = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now_s();
        json_t *res;
        int64_t code;
        char err[256];
        struct bts_ethrpc_logs l;
        if (bts_ethrpc_parse_reply(&res, &code, (const char *)b.data, b.len, 1, err, sizeof(err)) !=
                BT_OK ||
            bts_ethrpc_parse_logs(&l, res, err, sizeof(err)) != BT_OK || l.n_logs != n) {
            fprintf(stderr, "bench_rootchain: parse failed: %s\n", err);
            return 1;
        }
        for (size_t i = 0; i < l.n_logs; i++) {
            uint64_t id = 0;
            for (int k = 24; k < 32; k++)
                id = id << 8 | l.logs[i].topics[1][k];
            if (id != i + 1 || l.logs[i].data_len != 96 ||
                memcmp(l.logs[i].data + 64, "conform", 7))
                return fprintf(stderr, "bench_rootchain: wrong decode at %zu\n", i), 1;
            sum += id;
        }
        bts_ethrpc_logs_free(&l);
        json_decref(res);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf(
        "bench_rootchain: %zu StateSynced logs, %.1f MB answer: %.0f events/CPU-s, %.1f MB/CPU-s, "
        "peak RSS %ld KiB (checksum %llu)\n",
        n, (double)b.len / 1e6, (double)n / best, (double)b.len / 1e6 / best, ru.ru_maxrss,
        (unsigned long long)sum);
    bts_buf_free(&b);
    fflush(stdout);
    return bench_anvil(quick, anvil_events);
}
