/* Internal: the application's private state shared by its source files. */
#ifndef DLV_APP_INT_H
#define DLV_APP_INT_H

#include <jansson.h>

#include <bts/dlvckpt.h>
#include <bts/dlvside.h>

#include <bt/host.h>

#include "dlv_app.h"
#include "dlv_state.h"

/** Per root chain configuration (genesis "roots"). Zero addresses disable the address check. */
struct dlv_root_params {
    uint8_t enabled;
    uint64_t activation_height; /**< first Bttc block checkpointed there (0 for TRON / ETH) */
    uint8_t staking_info[20];   /**< TRON StakingInfo (emits Staked, UnstakeInit, ...) */
    uint8_t state_sender[20];   /**< StateSender (StateSynced) */
    uint8_t root_chain[20];     /**< RootChain (checkpoints; zero: unset, the bridge skips it) */
    uint8_t stake_manager[20];  /**< StakeManager (checkpoint / staking sync; zero: unset) */
};

/** Parameters (genesis; stored under DLV_T_PARAMS as canonical JSON). */
struct dlv_params {
    char chain_id[64]; /**< Delivery chain id ("delivery-199"), signed into txs */
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    uint64_t span_duration;          /* 6400 */
    uint64_t sprint_duration;        /* 64 */
    uint64_t producer_count;         /* 11 */
    uint64_t checkpoint_buffer_time; /* 1000 s */
    uint64_t avg_checkpoint_length;  /* 256 */
    uint64_t max_checkpoint_length;  /* 1024 */
    uint64_t child_block_interval;   /* 10000 */
    uint64_t bttc_confirmations;     /* 10 */
    uint64_t staking_buffer_time;    /* 600 s */
    uint64_t new_select_height;      /* 375300 */
    uint8_t no_ack_validator_check;  /* feature NoAckValidatorCheck */
    struct dlv_root_params root[DLV_ROOT_COUNT];
};

/** A side tx of a committed height being checked through the oracle (this validator's vote). */
struct dlv_check;
struct dlv_qarg {
    struct dlv_check *c;
    int role;
};
struct dlv_check {
    struct dlv_check *next;
    struct dlv_qarg qarg[3];
    struct dlv_application *app;
    uint64_t height;
    uint8_t tx_hash[32];
    struct dlv_msg msg;
    /* Expected facts captured from the committed state when the check started. */
    uint64_t exp_a, exp_b, exp_c;
    /* Answers. */
    int outstanding;
    int failed; /* any query refused / errored / mismatched: Skip */
    uint64_t head;
    uint8_t hash[32];
    struct dlv_header_block header;
    uint64_t number;
    int log_ok;
    int done;
    uint8_t result;
    uint8_t sig[65];
};

struct dlv_application {
    struct dlv_state st;
    const struct dlv_oracle_iface *oracle;
    void *oracle_self;
    dlv_sign_fn sign;
    void *sign_ctx;
    int have_genesis;
    struct dlv_params p;
    uint64_t height; /* last committed */
    uint8_t app_hash[32];
    /* Block in progress. */
    int in_block;
    uint64_t cur_height;
    uint64_t cur_time_ms;
    uint8_t cur_proposer[20];
    struct dlv_val_update *updates;
    size_t n_updates;
    /* Side txs delivered in the current block (their hashes), checked after commit. */
    uint8_t (*block_side)[32];
    size_t n_block_side, cap_block_side;
    struct dlv_check *checks;
    /* REST registration (dlv_rest.c). */
    const struct bt_host *rest_host;
    struct bt_host_ctx *rest_hctx;
};

/* dlv_genesis.c */
bt_status dlv_params_from_json(struct dlv_params *p, const json_t *j, char *err, size_t err_cap);
json_t *dlv_params_to_json(const struct dlv_params *p);
bt_status dlv_app_load_params(struct dlv_application *a);
/* Fold the block overlay into the store as `height` (meta, app hash); shared by genesis. */
bt_status dlv_app_commit_height(struct dlv_application *a, uint64_t height,
                                bt_status (*sink)(void *, const struct dlv_kv_op *, size_t),
                                void *sink_arg);

/* Typed state access (dlv_store.c). Getters return BT_OK or BT_ENOTFOUND (or BT_EIO on a
 * corrupt record); `committed` reads bypass the overlays (queries). */
bt_status dlv_get_u64(struct dlv_application *a, const struct dlv_key *k, uint64_t *out,
                      int committed);
bt_status dlv_put_u64(struct dlv_application *a, const struct dlv_key *k, uint64_t v) BT_MUST_CHECK;
bt_status dlv_get_validator(struct dlv_application *a, const uint8_t signer[20],
                            struct dlv_validator *v, int committed);
bt_status dlv_get_validator_by_id(struct dlv_application *a, uint64_t id, struct dlv_validator *v,
                                  int committed);
bt_status dlv_put_validator(struct dlv_application *a, const struct dlv_validator *v) BT_MUST_CHECK;
/* All validator records in signer order (malloc'd array). */
bt_status dlv_list_validators(struct dlv_application *a, struct dlv_validator **out, size_t *n,
                              int committed) BT_MUST_CHECK;
bt_status dlv_get_valset(struct dlv_application *a, struct bts_valset *out, int committed);
bt_status dlv_put_valset(struct dlv_application *a, const struct bts_valset *s) BT_MUST_CHECK;
uint64_t dlv_ack_count(struct dlv_application *a, enum dlv_root r, int committed);
bt_status dlv_get_checkpoint(struct dlv_application *a, uint8_t table, enum dlv_root r,
                             uint64_t number, struct dlv_checkpoint *c, int committed);
bt_status dlv_put_checkpoint(struct dlv_application *a, uint8_t table, enum dlv_root r,
                             uint64_t number, const struct dlv_checkpoint *c) BT_MUST_CHECK;
bt_status dlv_del_checkpoint(struct dlv_application *a, uint8_t table,
                             enum dlv_root r) BT_MUST_CHECK;
bt_status dlv_get_span(struct dlv_application *a, uint64_t id, struct dlv_span_rec *out,
                       int committed);
bt_status dlv_put_span(struct dlv_application *a, const struct dlv_span_rec *s) BT_MUST_CHECK;
bt_status dlv_latest_span(struct dlv_application *a, struct dlv_span_rec *out, int committed);
bt_status dlv_get_record(struct dlv_application *a, uint64_t id, struct dlv_record *out,
                         int committed);
/* Replay-sequence modules (§4.2): the `module` of dlv_has_sequence / dlv_set_sequence. */
enum { SEQ_STAKING = 1, SEQ_TOPUP = 2, SEQ_CLERK = 3 };
int dlv_has_sequence(struct dlv_application *a, uint8_t module, uint64_t seq);
bt_status dlv_set_sequence(struct dlv_application *a, uint8_t module, uint64_t seq) BT_MUST_CHECK;
bt_status dlv_stake_queue_head(struct dlv_application *a, enum dlv_root r,
                               struct dlv_stake_record *out, struct dlv_key *out_key,
                               int committed);
bt_status dlv_stake_queue_push(struct dlv_application *a,
                               const struct dlv_stake_record *rec) BT_MUST_CHECK;
/* Dividend accounts sorted by user (malloc'd). */
bt_status dlv_list_accounts(struct dlv_application *a, struct bts_dlvckpt_account **out, size_t *n,
                            int committed) BT_MUST_CHECK;
bt_status dlv_account_root(struct dlv_application *a, uint8_t out[32], int committed);
/* epoch = ackCount(tron) + 1; isCurrent / spanEligible of §4.3.1. */
int dlv_val_is_current(const struct dlv_validator *v, uint64_t ack_count);
/* Fill `out` (bts_valset changes) for the current validators; used by genesis too. */
bt_status dlv_current_validators(struct dlv_application *a, struct dlv_validator **out, size_t *n,
                                 int committed) BT_MUST_CHECK;

/* dlv_handlers.c: deliver-stage checks and effects (non-side messages apply here). */
bt_status dlv_handle(struct dlv_application *a, const struct dlv_msg *m, char *err, size_t err_cap);
/* Post-handler of a side message with the tallied result at the current block. */
bt_status dlv_post(struct dlv_application *a, const struct dlv_msg *m, const uint8_t tx_hash[32],
                   enum bts_dlvside_result r);

/* dlv_spans.c: SelectNextProducers into a span record (not stored), and FreezeSet. */
bt_status dlv_build_span(struct dlv_application *a, const struct dlv_msg_propose_span *m,
                         const uint8_t seed[32], uint64_t height, int committed,
                         struct dlv_span_rec *out) BT_MUST_CHECK;
bt_status dlv_freeze_span(struct dlv_application *a, const struct dlv_msg_propose_span *m,
                          const uint8_t seed[32]) BT_MUST_CHECK;

/* dlv_side.c: start this validator's side check of a committed side tx. */
bt_status dlv_side_start(struct dlv_application *a, uint64_t height, const uint8_t tx_hash[32],
                         const struct dlv_msg *m) BT_MUST_CHECK;
void dlv_side_free_all(struct dlv_application *a);
void dlv_side_prune(struct dlv_application *a, uint64_t below_height);

/* Format Unix ms as RFC 3339 UTC with nanoseconds trimmed like Go's time.Time JSON. */
void dlv_format_time(char out[40], uint64_t ms);

#endif /* DLV_APP_INT_H */
