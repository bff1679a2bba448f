/* Private to sdk/src/ethrpc_chain*.c: the EVM root-chain adapter instance. */
#ifndef BTS_ETHRPC_CHAIN_INT_H
#define BTS_ETHRPC_CHAIN_INT_H

#include <bts/conf.h>
#include <bts/ethrpc.h>

struct evm_conf {
    struct bts_conf_list urls;
    uint64_t chain_id, confirmations, poll_ms, max_log_range, request_timeout_ms;
    uint32_t retries;
    int finalized_tag;
    char *root_chain, *state_sender, *stake_manager, *staking_info, *signer;
    uint64_t max_fee_gwei;
    uint32_t fee_bump_percent, gas_headroom_percent, max_bumps;
    uint64_t tx_timeout_ms, receipt_poll_ms;
};

struct evm_send;

struct bts_evmchain {
    const struct bts_evmchain_rules *rules;
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct bts_conf_key keys[24];
    struct evm_conf conf;
    struct bts_ethrpc *rpc;
    uint64_t timer;
    int stopped, polling;
    uint64_t head, finalized, last_ok_ms;
    int nonce_valid;
    uint64_t next_nonce;
    struct evm_send *sends;
    char err[512];      /* message of the failing status last passed to a callback */
    char last_err[512]; /* last failure of any request (status) */
};

/** Record a failure (status, error_message) or a success (last_ok_ms). */
void evm_note(struct bts_evmchain *c, bt_status st, const char *err);
/** Answer every pending send with BT_ECANCELED. */
void evm_send_cancel_all(struct bts_evmchain *c);

#endif
