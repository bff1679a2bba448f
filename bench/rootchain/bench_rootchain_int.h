/* Private to bench/rootchain. */
#ifndef BENCH_ROOTCHAIN_INT_H
#define BENCH_ROOTCHAIN_INT_H

/** The anvil part (ingestion vs ethers, finality latency). Returns 0 or 1. */
int bench_anvil(int quick);

#endif
