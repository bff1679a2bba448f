/* consensus-bttc internals: the Bttc producer rules (PROTOCOL.md §3) behind the consensus table.
 * One instance per node; every function runs on the host loop thread. */
#ifndef BTTC_INT_H
#define BTTC_INT_H

#include <bt/consensus.h>
#include <bt/host.h>
#include <bt/plugin.h>
#include <bt/storage_service.h>

#include <bts/borspan.h>
#include <bts/header.h>
#include <bts/valset.h>

/* --- parameters (PROTOCOL.md §2) --------------------------------------------------------- */

struct bttc_alloc {
    uint64_t number;
    uint8_t address[20];
    uint8_t *code;
    size_t code_len;
};

struct bttc_params {
    uint64_t chain_id;
    char chain_id_str[24];
    uint64_t sprint;
    uint64_t period;
    uint64_t producer_delay;
    uint64_t backup_multiplier;
    uint8_t validator_contract[20];
    uint8_t state_receiver[20];
    struct bttc_alloc *allocs; /* BlockAlloc code swaps */
    size_t n_allocs;
    uint64_t *override_keys; /* OverrideStateSyncRecords (Donau) */
    uint64_t *override_vals;
    size_t n_overrides;
};

/** Mainnet values (chain 199). */
void bttc_params_mainnet(struct bttc_params *p);
void bttc_params_free(struct bttc_params *p);

/* --- a header fetched from the chain, owning its RLP ------------------------------------- */

struct bttc_hdr {
    struct bts_header h;
    uint8_t hash[32];
    uint8_t *rlp;
    size_t rlp_len;
};

bt_status bttc_hdr_from_rlp(struct bttc_hdr *out, const uint8_t *rlp, size_t len);
void bttc_hdr_free(struct bttc_hdr *h);

/* --- snapshots (§3.4) ------------------------------------------------------------------- */

struct bttc_snap {
    uint64_t number;
    uint8_t hash[32];
    struct bts_valset vs;
};

#define BTTC_SNAP_CACHE      128
#define BTTC_SNAP_CHECKPOINT 1024 /* upstream checkpointInterval */
#define BTTC_SIG_CACHE       1024

struct bttc_sigent {
    uint8_t hash[32];
    uint8_t signer[20];
    int used;
};

/* Checkpoint leaves of canonical blocks, by number modulo the capacity (§3.11). */
struct bttc_leafent {
    uint64_t number;
    uint8_t hash[32];
    uint8_t leaf[32];
    int used;
};
#define BTTC_LEAF_CACHE 65536

struct bttc_rest;
struct bttc_filesrc;

struct dlv_host;
struct dlv_host_config;
struct bttc_dlv;
struct bttc {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct dlv_host *dlv;    /* the Delivery node with the kv app (delivery_app = kv) */
    struct bttc_dlv *dlvapp; /* the Delivery node with the real application (dlvrun.c) */
    int dlv_on;              /* delivery = on */
    struct bttc_params p;
    char key_id[48];
    uint8_t signer[20];
    int has_signer;
    uint8_t vanity[32];
    uint64_t future_allow_s; /* deferral bound: time > now + this -> BT_EBUSY */
    uint64_t future_max_s;   /* refusal bound: time > now + this -> BT_EINVAL */

    const struct bt_chain_iface *chain;
    void *chain_self;
    const struct bt_storage_svc *stor;
    void *stor_self;
    const struct bts_span_source_iface *src;
    void *src_self;

    struct bttc_snap cache[BTTC_SNAP_CACHE];
    size_t cache_next;
    struct bttc_sigent sigs[BTTC_SIG_CACHE];
    struct bttc_leafent *leaves;

    struct bttc_filesrc *filesrc;
    struct bttc_rest *rest;
    uint64_t span_logged_id, span_logged_at; /* the last "span committed" line (no repeats) */
    char rpc_err[256];
    void *rpc_args; /* host memory: one arg per registered method */
};

extern const struct bt_consensus_vtbl bttc_vtbl;
bt_status bttc_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self);
bt_status bttc_start(void *self);
void bttc_stop(void *self);
void bttc_destroy(void *self);

/* --- chain service helpers (chain.c) ------------------------------------------------------ */

bt_status bttc_header_by_hash(struct bttc *b, const uint8_t hash[32], struct bttc_hdr *out);
bt_status bttc_header_by_number(struct bttc *b, uint64_t number, struct bttc_hdr *out);
/** getBorValidators(number) at the state after block_hash, sorted by address. */
bt_status bttc_call_validators(struct bttc *b, const uint8_t block_hash[32], uint64_t number,
                               struct bts_validator **out, size_t *out_n);
bt_status bttc_call_current_span(struct bttc *b, const uint8_t block_hash[32], uint64_t *out_id,
                                 uint64_t *out_start, uint64_t *out_end);
bt_status bttc_call_last_state_id(struct bttc *b, const uint8_t block_hash[32], uint64_t *out);

/* --- snapshot (snap.c) ------------------------------------------------------------------- */

/** The block's signer (cached by hash). */
bt_status bttc_signer(struct bttc *b, const struct bts_header *h, const uint8_t hash[32],
                      uint8_t out[20]);
/** The snapshot after block (number, hash); points into the cache (valid until the next
 *  snapshot call). Returns BT_OK, BT_ENOTFOUND (missing header or state), BT_EINVAL (a header
 *  on the way breaks a rule; message set), BT_ENOMEM. */
bt_status bttc_snapshot(struct bttc *b, uint64_t number, const uint8_t hash[32],
                        struct bttc_snap **out);
/** Apply one header to a snapshot (signer membership, sprint-end list). */
bt_status bttc_snap_apply(struct bttc *b, struct bttc_snap *s, const struct bts_header *h,
                          const uint8_t hash[32]);
/** Succession of `signer` relative to the proposer; -1 if not a member. */
long bttc_succession(struct bttc_snap *s, const uint8_t signer[20]);
/** Storage encoding of a snapshot. */
bt_status bttc_snap_encode(const struct bttc_snap *s, uint8_t **out, size_t *out_len);
bt_status bttc_snap_decode(struct bttc_snap *s, const uint8_t *p, size_t len);

/** Producer delay (§3.5). */
uint64_t bttc_delay(const struct bttc_params *p, uint64_t number, uint64_t succession);

/* --- verification and production (verify.c, produce.c) ----------------------------------- */

bt_status bttc_verify_header(void *self, const struct bt_header *h, const struct bt_header *parent,
                             uint32_t flags);
bt_status bttc_schedule(void *self, const struct bt_header *parent, uint64_t n_pending,
                        uint64_t *out_time_ms);
bt_status bttc_prepare(void *self, const struct bt_header *parent, struct bt_header_draft *draft);
bt_status bttc_seal(void *self, const struct bt_header *h, uint8_t *extra, size_t extra_len);
bt_status bttc_author(void *self, const struct bt_header *h, uint8_t out_addr[20]);
void bttc_on_head(void *self, const struct bt_header *head);

/* --- finalisation (finalize.c) ------------------------------------------------------------ */

bt_status bttc_finalize(void *self, const struct bt_header *h, const struct bt_block_state_ops *ops,
                        void *state);
/** needToCommitSpan (§3.7). */
int bttc_need_commit_span(const struct bttc_params *p, uint64_t span_end, uint64_t number);

/* --- sources (filesrc.c, rest.c) ----------------------------------------------------------- */

extern const struct bts_span_source_iface bttc_filesrc_iface;
bt_status bttc_filesrc_open(struct bttc_filesrc **out, const char *span_path,
                            const char *event_path, char *err, size_t errcap);
void bttc_filesrc_free(struct bttc_filesrc *f);

extern const struct bts_span_source_iface bttc_rest_iface;
bt_status bttc_rest_new(struct bttc_rest **out, struct bttc *b, const char *url);
void bttc_rest_free(struct bttc_rest *r);

/* --- JSON-RPC (rpc.c) --------------------------------------------------------------------- */

bt_status bttc_rpc_register(struct bttc *b);
/** bor_getRootHash core: lowercase hex without 0x into out[65]; on error a message in
 *  b->rpc_err. Returns BT_OK, BT_EINVAL (range), BT_ENOTFOUND (missing header). */
bt_status bttc_root_hash(struct bttc *b, uint64_t start, uint64_t end, char out[65]);

/* --- errors -------------------------------------------------------------------------------- */

/** Leave a message through host->set_error and return st. */
/* dlvrun.c: the Delivery application in the plugin. create: offers "bttc/span-source"
 * (answers BT_EBUSY until start); start: opens the app over "storage" (genesis on first
 * start), runs the node with it, registers its REST routes and dlv_* RPC methods. */
bt_status bttc_dlv_create(struct bttc *b, const struct dlv_host_config *dc);
bt_status bttc_dlv_start(struct bttc *b, const struct dlv_host_config *dc);
void bttc_dlv_stop(struct bttc *b);
/** A new Bttc head: the bridge's checkpoint proposer (dlvbridge.h). */
void bttc_dlv_on_head(struct bttc *b, uint64_t number);
/** Whether `key` is one of the bridge's config keys (dlvbridge.c). */
int bttc_dlvb_conf_key(const char *key);
void bttc_dlv_free(struct bttc *b);

bt_status bttc_fail(struct bttc *b, bt_status st, const char *fmt, ...) BT_PRINTF(3, 4);

#endif /* BTTC_INT_H */
