/* Delivery's REST API (PROTOCOL.md §4.9): answers to upstream's GET routes over the committed
 * state, in upstream's JSON shapes and envelope {"height":"<decimal>","result":<JSON>}
 * (bttcprotocol/delivery@v1.0.9:types/rest/rest.go PostProcessResponse; results as Go's
 * encoding/json writes them: integers are numbers, hashes and addresses 0x-hex). Errors are
 * {"error":"..."} with 400 (bad argument) or 404 (nothing there), as upstream's
 * WriteErrorResponse / ReturnNotFoundIfNoContent.
 *
 * Routes (DLV_QUERY_ROUTES lists the patterns registered on the host's REST server):
 *   /bor/span/{id}  /bor/latest-span  /bor/next-span-seed  /bor/params
 *   /bor/prepare-next-span?span_id=I&start_block=S&chain_id=C
 *   /clerk/event-record/{id}
 *   /clerk/event-record/list?from-id=F&to-time=T&limit=L   (or ?page=P&limit=L)
 *   /checkpoints/latest/{root}  /checkpoints/buffer/{root}  /checkpoints/sync/{root}
 *   /checkpoints/count/{root}  /checkpoints/{root}/{number}  /checkpoints/last-no-ack
 *   /checkpoints/epoch  /checkpoints/activation-height/{root}
 *   /staking/validator-set  /staking/validator/{id}  /staking/signer/{address}
 *   /staking/current-proposer  /staking/totalpower  /staking/queue/{root}  /staking/next/{root}
 *   /topup/dividend-account-root  /topup/dividend-account/{address}
 *   /overview  /checkpoints/list?root=R&page=P&limit=L  /bor/span/list?page=P&limit=L
 *   /staking/proposer/{times}  /staking/validator-status/{address}   (dlv_query_more.c)
 *   /topup/account-proof/{address}  /topup/account-proof/{address}/verify?proof=P
 *   /clerk/isoldtx?txhash=H&logindex=I&rootchaintype=R   (through the oracle, dlv_rest.c)
 * (`{root}` is "tron", "eth" or "bsc"; upstream's default root for the checkpoint routes is
 * TRON.) */
#ifndef DLV_QUERY_H
#define DLV_QUERY_H

#include <bts/buf.h>
#include <bts/common.h>

#include "dlv_app.h"
#include "dlv_oracle.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The route patterns (host http_register syntax), NULL-terminated. */
extern const char *const dlv_query_routes[];

/** Answer GET `path` (no query string) with `query` (the raw query string, "" or NULL if none).
 *  /bor/next-span-seed needs an Ethereum block hash: it answers 503 here; the REST layer
 *  (dlv_rest.c) asks the oracle for block dlv_query_seed_block() and answers with
 *  dlv_query_seed_answer.
 *  Returns: BT_OK (*out_status and out_body set, also for 4xx answers); BT_ENOMEM.
 *  Thread: loop. */
bt_status dlv_query(struct dlv_application *a, const char *path, const char *query,
                    uint32_t *out_status, struct bts_buf *out_body) BT_MUST_CHECK
    BT_NONNULL(1, 2, 4, 5);

/** The Ethereum block whose hash seeds the next span (§4.5.2: last seed block + 1). */
uint64_t dlv_query_seed_block(struct dlv_application *a) BT_NONNULL(1);

/** The envelope answering /bor/next-span-seed with `hash`. Returns: BT_OK, BT_ENOMEM. */
bt_status dlv_query_seed_answer(struct dlv_application *a, const uint8_t hash[32],
                                struct bts_buf *out_body) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** Answer /bor/prepare-next-span (`query` as received) given the next span's seed: the span the
 *  committed state would freeze now (current validator set, SelectNextProducers at the last
 *  committed height, end = start + span_duration - 1). The REST layer fetches the seed as for
 *  /bor/next-span-seed. Returns: BT_OK (status 200 or 400), BT_ENOMEM.
 *  Source: bttcprotocol/delivery@v1.0.9:bor/client/rest/query.go prepareNextSpanHandlerFn. */
bt_status dlv_query_prepare_span(struct dlv_application *a, const char *query,
                                 const uint8_t seed[32], uint32_t *out_status,
                                 struct bts_buf *out_body) BT_MUST_CHECK BT_NONNULL(1, 3, 4, 5);

/** /clerk/isoldtx?txhash=H&logindex=I&rootchaintype=R, first half: parse the query into a
 *  DLV_Q_RECEIPT_LOG oracle query `q` (a = 0: the oracle finds the block among the logs this
 *  node's listeners delivered, then reads it once confirmed). *out_status 0: ask the oracle and
 *  finish with dlv_query_isoldtx_answer; otherwise the answer is in out_body (400 bad logindex,
 *  500 unknown root or malformed hash, an empty 200 when txhash or rootchaintype is missing,
 *  as upstream's handler). Returns: BT_OK, BT_ENOMEM.
 *  Source: bttcprotocol/delivery@v1.0.9:clerk/client/rest/query.go DepositTxStatusHandlerFn,
 *  clerk/querier.go handleQueryRecordSequence. */
bt_status dlv_query_isoldtx_start(struct dlv_application *a, const char *query,
                                  struct dlv_oracle_query *q, uint32_t *out_status,
                                  struct bts_buf *out_body) BT_MUST_CHECK BT_NONNULL(1, 3, 4, 5);

/** Second half: with the log's block number, the clerk sequence (§4.2) is looked up: 200
 *  result true if already processed, 404 "No sequence found" if not; an oracle failure (not
 *  confirmed, not seen by this node) is 500 "Transaction is not confirmed yet...".
 *  Returns: BT_OK, BT_ENOMEM. */
bt_status dlv_query_isoldtx_answer(struct dlv_application *a, const struct dlv_oracle_query *q,
                                   const struct dlv_oracle_answer *ans, uint32_t *out_status,
                                   struct bts_buf *out_body) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3, 4, 5);

#ifdef __cplusplus
}
#endif

#endif /* DLV_QUERY_H */
