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

/** Host metrics of the adapter (bttcd_<plugin>_<name>), fed from the client's counters. */
enum evm_metric {
    EVM_M_REQUESTS,
    EVM_M_ERR_TRANSPORT,
    EVM_M_ERR_TIMEOUT,
    EVM_M_ERR_REMOTE,
    EVM_M_ERR_INVALID,
    EVM_M_ERR_CHAIN,
    EVM_M_RECONNECTS,
    EVM_M_HEAD,
    EVM_M_FINALIZED,
    EVM_M_N
};

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
    uint32_t metric[EVM_M_N]; /* 0: not registered (host without metrics) */
    uint64_t pushed[EVM_M_N]; /* counter values already added to the host's metrics */
    char err[512];            /* message of the failing status last passed to a callback */
    char last_err[512];       /* last failure of any request (status) */
};

/** Record a failure (status, error_message) or a success (last_ok_ms). */
void evm_note(struct bts_evmchain *c, bt_status st, const char *err);
/** Set the message that goes with a failing callback status (error_message); "" on BT_OK. */
void evm_set_err(struct bts_evmchain *c, bt_status st, const char *err);
/** Bring the host's metrics up to the client's counters and the heights. */
void evm_metrics_sync(struct bts_evmchain *c);
/** Answer every pending send with BT_ECANCELED. */
void evm_send_cancel_all(struct bts_evmchain *c);

#endif
