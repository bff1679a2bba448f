/* A small stateful java-tron stand-in for the adapter's tests: libevent evhttp on its own thread,
 * serving the endpoints rootchain-tron uses (ROOTCHAINS.md §1.6, §1.7) over a toy chain whose
 * blocks follow TRON's id rule (8-byte number ‖ 24 bytes). Broadcasts are checked as java-tron
 * checks them (canonical raw_data, one TriggerSmartContract, signature recovers to the owner,
 * TaPoS against a known block, expiration window) and included in the next block. Faults are
 * switched on per test: dead URL (just do not start one), truncated or hostile bodies, refusals,
 * a black hole for broadcasts, a solidity endpoint that errs. */
#ifndef MOCK_TRON_H
#define MOCK_TRON_H

#include <stddef.h>
#include <stdint.h>

struct mock_tron;

/** Faults and knobs; change them with mock_tron_set under the server's lock. */
struct mock_tron_knobs {
    uint64_t solid_lag;   /* walletsolidity head = head - solid_lag */
    int solid_error;      /* walletsolidity/getnowblock answers {"Error":...} */
    int solid_hostile;    /* walletsolidity/getnowblock answers a block with a wrong id */
    int solid_404;        /* walletsolidity paths answer HTTP 404, as a fullnode port does */
    int truncate;         /* every answer cut to half its length */
    int hostile;          /* every getnowblock answers a wrong-chain block */
    int http_500;         /* every answer is HTTP 500 */
    const char *refuse;   /* broadcasthex answers this Return code (e.g. "SIGERROR") */
    int refuse_once;      /* ... only for the next broadcast */
    int blackhole;        /* answer this many broadcasts with success and drop them */
    int mine_on_nowblock; /* every getnowblock first adds an empty block (+3 s) */
    uint64_t log_limit;   /* eth_getLogs windows above this are refused (-32005); 0: none */
    uint64_t chain_id;    /* eth_chainId */
};

/** Start a server on 127.0.0.1 (a free port) with blocks 0..head. */
struct mock_tron *mock_tron_start(uint64_t head);
void mock_tron_stop(struct mock_tron *m);
/** "http://127.0.0.1:<port>" */
const char *mock_tron_url(const struct mock_tron *m);
/** Read or change the knobs (copied under the lock). */
void mock_tron_get(struct mock_tron *m, struct mock_tron_knobs *out);
void mock_tron_set(struct mock_tron *m, const struct mock_tron_knobs *k);
/** Add n blocks (pending transactions go into the first). */
void mock_tron_mine(struct mock_tron *m, unsigned n);
uint64_t mock_tron_head(struct mock_tron *m);
/** Counters: requests per path prefix ("" for all), accepted broadcasts, included txs. */
unsigned mock_tron_requests(struct mock_tron *m, const char *path);
unsigned mock_tron_included(struct mock_tron *m);
/** Emitted log count of the included txs with this txID (for exactly-once checks). */
unsigned mock_tron_included_id(struct mock_tron *m, const uint8_t id[32]);

#endif
