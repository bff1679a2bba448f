/* Delivery bridge: the span proposer policy (PROTOCOL.md §4.5.1 "Bridge policy", §4.5.2 seed).
 * Every span_poll_interval a validator checks whether the Bttc head is inside the last committed
 * span; if so it asks the oracle for the next span's seed (the hash of Ethereum block
 * lastEth + 1, DLV_Q_ETH_BLOCK_HASH), previews the next span's producers with that seed (as
 * GET /bor/prepare-next-span does) and, when it is among them, proposes MsgProposeSpan
 * {id last+1, start last.end+1, end start+span_duration-1, bor_chain_id, seed}.
 * Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/span.go (checkAndPropose,
 * propose), bor/client/rest/query.go. Thread: loop. */
#ifndef DLVB_SPAN_H
#define DLVB_SPAN_H

#include "dlv_msg.h"
#include "dlv_oracle.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The last committed span and what the next one needs. */
struct dlvb_span_state {
    uint64_t last_id, last_start, last_end; /**< the latest span of the Delivery state */
    uint64_t span_duration;                 /**< params span_duration (> 0) */
    uint64_t seed_block;                    /**< Ethereum block whose hash seeds it (lastEth+1) */
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
};

/** Whether a proposal is due: the Bttc head is inside the last span (start <= head <= end).
 *  Thread: any. */
int dlvb_span_due(const struct dlvb_span_state *s, uint64_t head) BT_NONNULL(1);

/** Build MsgProposeSpan for the span after s with `seed`, proposed by `proposer`.
 *  Returns: BT_OK; BT_EINVAL (span_duration 0, chain id too long); BT_ERANGE (ids or blocks
 *  overflow). Out: out (no owned memory, dlv_msg_free is harmless). Thread: any. */
bt_status dlvb_span_msg(struct dlv_msg *out, const struct dlvb_span_state *s,
                        const uint8_t proposer[20], const uint8_t seed[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3, 4);

/** Preview of the next span's producers for a seed (the plugin answers it with
 *  dlv_query_prepare_span over its committed state). Writes up to cap addresses.
 *  Returns: BT_OK (*out_n set) or an error (nothing proposed). */
typedef bt_status (*dlvb_span_producers_fn)(void *arg, const struct dlvb_span_state *s,
                                            const uint8_t seed[32], uint8_t (*out)[20], size_t cap,
                                            size_t *out_n);

/** Outcome of dlvb_span_check: st BT_OK and m the msg to sign and send (borrowed for the call),
 *  or st BT_OK and m NULL (not a producer of the next span), or the failure (seed read,
 *  preview) with m NULL. */
typedef void (*dlvb_span_fn)(void *arg, bt_status st, const struct dlv_msg *m);

/** Run the policy once: when dlvb_span_due(s, head), read the seed through the oracle
 *  (DLV_Q_ETH_BLOCK_HASH, a = s->seed_block), preview the producers and call fn once with the
 *  proposal if `me` is among them. State s is copied.
 *  Returns: BT_OK (fn will be called exactly once, maybe before this returns); BT_EBUSY (not
 *  due: head outside the last span; fn not called); BT_ENOMEM; the oracle's refusal of the
 *  query (fn not called). In: oracle, oracle_self: borrowed, must outlive the answer; preview,
 *  preview_arg: called from the oracle's answer. Thread: loop. */
bt_status dlvb_span_check(const struct dlvb_span_state *s, uint64_t head, const uint8_t me[20],
                          const struct dlv_oracle_iface *oracle, void *oracle_self,
                          dlvb_span_producers_fn preview, void *preview_arg, dlvb_span_fn fn,
                          void *arg) BT_MUST_CHECK BT_NONNULL(1, 3, 4, 6, 8);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_SPAN_H */
