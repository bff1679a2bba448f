/* Private to bench/rootchain. */
#ifndef BENCH_ROOTCHAIN_INT_H
#define BENCH_ROOTCHAIN_INT_H

#include <stddef.h>

/** The anvil part: ingestion of n_events (adapter vs ethers), finality latency. Returns 0 or 1. */
int bench_anvil(int quick, size_t n_events);

#endif
