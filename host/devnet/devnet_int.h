/* `bttcd devnet`: a local BTTC network from one command (docs/devnet.md). The basechains are
 * `bttcd run --dev` children (or given URLs), the contracts are deployed from C, and one
 * `bttcd run` per validator runs the Bttc chain; everything lives under one directory whose
 * state file (devnet.json) lets a second start resume the same network. */
#ifndef BTTCD_DEVNET_INT_H
#define BTTCD_DEVNET_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include <bt/abi.h>

#define DN_MAX_VALIDATORS 32
#define DN_STATE_FILE     "devnet.json"
/* The Bttc devnet (host/chain/genesis_devnet.c, consensus-bttc chain=devnet). */
#define DN_BTTC_CHAIN_ID 1337
/* Dev chain ids of the basechains (docs/devnet.md): distinct from each other and from Bttc's. */
#define DN_ETH_CHAIN_ID  31337      /* anvil's and hardhat's default */
#define DN_BSC_CHAIN_ID  97         /* BSC testnet's id, as tests/rootchain's BSC-like genesis */
#define DN_TRON_CHAIN_ID 3448148188 /* 0xcd8690dc, TRON Nile's id, on the dev TRON chain */
/* Bttc devnet timing (consensus-bttc overrides): blocks every second, 16-block sprints; the
 * genesis span 0 and the span file's spans stay 256 blocks (the preset genesis; BorValidatorSet
 * answers its genesis producers up to block 255 anyway), Delivery's later spans are 64 blocks
 * (BorValidatorSet wants multiples of its SPRINT 64), so a validator that joins is picked by a
 * span that starts soon after. */
#define DN_PERIOD       1
#define DN_SPRINT       16
#define DN_SPAN_LEN     256
#define DN_SPAN_COUNT   64
#define DN_DLV_SPAN_LEN 64
/* Delivery's producer_count (upstream's 11): every validator produces while there are at most
 * this many (PROTOCOL.md §4.5.3), so a validator that joins is in the next span for sure. */
#define DN_PRODUCER_COUNT 11
/* The Delivery genesis of the validators (devnet_delivery.c). */
#define DN_DLV_GENESIS "delivery-genesis.json"

enum dn_chain { DN_TRON = 0, DN_BSC = 1, DN_ETH = 2, DN_N_CHAINS = 3 };

enum dn_contract {
    DN_C_TOKEN,
    DN_C_REGISTRY,
    DN_C_STAKING_INFO,
    DN_C_STAKING_NFT,
    DN_C_SHARE_FACTORY,
    DN_C_STAKE_MANAGER,
    DN_C_ROOT_CHAIN,
    DN_C_STATE_SENDER,
    DN_C_DEPOSIT_MANAGER,
    DN_C_WITHDRAW_MANAGER,
    DN_C_ERC20_PREDICATE,
    DN_N_CONTRACTS
};

/** One basechain. */
struct dn_base {
    int is_enabled;
    int is_external;   /* --eth-url / --bsc-url: not started here */
    char url[256];     /* Ethereum JSON-RPC URL */
    int http_port;     /* own node: its JSON-RPC port */
    int tron_api_port; /* TRON: the dev TRON API port */
    uint64_t chain_id;
    int is_deployed;
    uint8_t addr[DN_N_CONTRACTS][20];
    /* The bridge's child side on Bttc for this basechain (devnet_child.c). */
    int is_mapped;
    uint8_t child_chain[20]; /* ChildChain receiving this basechain's deposits */
    uint8_t child_token[20]; /* ChildERC20 mapped to this basechain's TestToken */
};

/** One validator: dev account i (public test key), its ports and enode. */
struct dn_val {
    uint8_t addr[20];
    char addr_hex[43]; /* EIP-55 */
    int http_port, ws_port, p2p_port;
    int rest_port; /* Delivery REST (--rest.port) */
    char enode[200];
};

/** A child process of the supervisor. */
struct dn_proc {
    char name[16]; /* tron, bsc, eth, v0, v1, ... */
    pid_t pid;
    int has_exited;
    int status;
};

struct signer;

struct devnet {
    struct signer *signer; /* DIR/keystore: dev keys 0..n_val-1, unlocked (dn_setup_signer) */
    char dir[4096];        /* absolute */
    char exe[4096];        /* this bttcd */
    uint32_t n_val;
    int is_delivery_off; /* --no-delivery at the first start (kept in the state) */
    struct dn_base base[DN_N_CHAINS];
    struct dn_val val[DN_MAX_VALIDATORS];
    struct dn_proc procs[DN_N_CHAINS + DN_MAX_VALIDATORS];
    size_t n_procs;
    int status_port; /* validator 0's status page (host/status); 0: not chosen yet */
};

extern const char *const dn_chain_names[DN_N_CHAINS];
extern const char *const dn_contract_names[DN_N_CONTRACTS];

/* --- devnet_cli.c: the command ---------------------------------------------------------------- */

/** `bttcd devnet ...`: argv[0] is "devnet". Returns the process exit status. */
int devnet_main(int argc, char **argv);

/* --- devnet_state.c: DIR/devnet.json and paths -------------------------------------------- */

/** Load DIR/devnet.json into d (dir, exe set by the caller). Returns BT_OK, BT_ENOTFOUND (no
 *  file), BT_EINVAL (malformed; err). */
bt_status dn_state_load(struct devnet *d, char *err, size_t err_cap);
/** Write DIR/devnet.json (atomically, via a temporary file). */
bt_status dn_state_save(const struct devnet *d, char *err, size_t err_cap);
/** snprintf that may cut (paths and messages here are bounded by their buffers on purpose). */
void dn_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** A free loopback TCP port not in `used` (n_used entries); 0 on failure. */
int dn_free_port(const int *used, size_t n_used);
/** Path DIR/a[/b] in out. */
void dn_path(const struct devnet *d, char *out, size_t cap, const char *a, const char *b);
/** Write text to path (mode 0600 when is_secret). Returns 0 or -1 (err). */
int dn_write_file(const char *path, const char *text, int is_secret, char *err, size_t err_cap);
/** mkdir -p of one level under an existing parent (mode 0700). Returns 0 or -1. */
int dn_mkdir(const char *path);
/** 41-prefixed hex of an address (TRON form), 43 bytes with the NUL. */
void dn_tron_hex(char out[43], const uint8_t addr[20]);
/** Lower-case 0x hex of an address, 43 bytes with the NUL. */
void dn_addr_hex(char out[43], const uint8_t addr[20]);

/* --- devnet_rpc.c: a blocking JSON-RPC client (libcurl) and transactions -------------------- */

/** GET url; *out_json: the body parsed (new reference, NULL when it is not JSON), *out_code:
 *  the HTTP status. Returns BT_OK (an answer, any status), BT_EIO (transport; err). */
bt_status dn_http_get(const char *url, int timeout_ms, json_t **out_json, long *out_code, char *err,
                      size_t err_cap);
/** POST one JSON-RPC request; params is stolen. Returns BT_OK (*out_result: new reference),
 *  BT_EIO (transport; err), BT_EPROTO (an error answer or a malformed one; err holds it). */
bt_status dn_rpc(const char *url, const char *method, json_t *params, json_t **out_result,
                 int timeout_ms, char *err, size_t err_cap);
/** A QUANTITY method without params (eth_blockNumber, net_peerCount, ...). */
bt_status dn_rpc_u64(const char *url, const char *method, uint64_t *out, int timeout_ms, char *err,
                     size_t err_cap);
/** eth_call of `data` on `to` at latest; *out: malloc'd bytes. */
bt_status dn_rpc_call(const char *url, const uint8_t to[20], const uint8_t *data, size_t data_len,
                      uint8_t **out, size_t *out_len, char *err, size_t err_cap);
/** eth_getCode length at `addr`. */
bt_status dn_rpc_code_len(const char *url, const uint8_t addr[20], size_t *out_len, char *err,
                          size_t err_cap);
/** Sign a legacy EIP-155 transaction with key `from` of the host signer `sg` and send it with
 *  eth_sendRawTransaction. to NULL: contract creation. out_hash: the tx hash. */
bt_status dn_send_tx(const char *url, uint64_t chain_id, struct signer *sg, const uint8_t from[20],
                     uint64_t nonce, uint64_t gas_price, uint64_t gas, const uint8_t *to,
                     const uint8_t *data, size_t data_len, uint8_t out_hash[32], char *err,
                     size_t err_cap);
/** Wait for a receipt (polling) up to timeout_ms. Returns BT_OK (status 1), BT_EINVAL (status 0:
 *  reverted), BT_ETIMEDOUT. */
bt_status dn_wait_receipt(const char *url, const uint8_t hash[32], int timeout_ms, char *err,
                          size_t err_cap);
/** The CREATE address of (sender, nonce). */
void dn_create_address(uint8_t out[20], const uint8_t sender[20], uint64_t nonce);

/* --- devnet_deploy.c: contracts on a basechain ------------------------------------------ */

/** Directory holding the contract artifacts (contracts/build): $BTTCD_CONTRACTS_DIR, the source
 *  tree's (compile-time), or the installation's share/bttcd/contracts. NULL with err when none
 *  holds london/RootChain.json. */
const char *dn_contracts_dir(const char *exe, char *buf, size_t cap, char *err, size_t err_cap);
/** Deploy and wire the root side on every enabled basechain not deployed yet (see
 *  devnet_deploy.c) and stake the validators there; fills addr[] and sets is_deployed. On
 *  failure *out_failed names the basechain. */
bt_status dn_deploy(struct devnet *d, const char *contracts_dir, enum dn_chain *out_failed,
                    char *err, size_t err_cap);
/** Validators staked on basechain c's StakeManager (currentValidatorSetSize()). */
bt_status dn_staked_count(const struct devnet *d, enum dn_chain c, uint64_t *out, char *err,
                          size_t err_cap);

/* --- devnet_child.c: the bridge's child side on Bttc -------------------------------------- */

/** For every deployed basechain not mapped yet: deploy a ChildChain (state syncer: the
 *  StateReceiver at 0x..1001) and a ChildERC20 for its TestToken on Bttc (validator 0's RPC,
 *  from dev key 0), map them there, then on the basechain register the ChildChain in the
 *  Registry ("childChain"), map the token (Registry.mapToken) and allow the DepositManager to
 *  sync to the ChildChain (StateSender.register). Sets is_mapped. Validators must run. */
bt_status dn_deploy_child(struct devnet *d, const char *contracts_dir, char *err, size_t err_cap);

/* --- devnet_setup.c: validators' files --------------------------------------------------- */

/** First start: keystore, node key, password file, plugins.conf of every validator, the Bttc
 *  genesis and the span file. Also fills val[].enode on later starts. */
bt_status dn_setup_validators(struct devnet *d, char *err, size_t err_cap);
/** DIR/keystore with dev keys 0..n_val-1 (empty password), a host signer over it in
 *  d->signer with every key unlocked: the deployer and the validators' stake transactions. */
bt_status dn_setup_signer(struct devnet *d, char *err, size_t err_cap);
/** (Re)write every validator's plugins.conf from the state (addresses, URLs). */
bt_status dn_write_confs(const struct devnet *d, char *err, size_t err_cap);

/* --- devnet_delivery.c: Delivery in the validators ------------------------------------------ */

/** Delivery runs in the validators when TRON (the staking chain) is a basechain, unless the
 *  network was made with --no-delivery. */
int dn_has_delivery(const struct devnet *d);
/** A validator as TRON's StakeManager staked it (what its Staked event carried). */
struct dn_stake {
    uint64_t id;    /* StakeManager.signerToValidator(signer) */
    uint64_t epoch; /* validators(id).activationEpoch */
    uint64_t nonce; /* StakingInfo.validatorNonce(id) */
};
/** Read the stakes of validators 0..n_val-1 from the TRON basechain into out[]. */
bt_status dn_read_stakes(const struct devnet *d, struct dn_stake *out, char *err, size_t err_cap);
/** The Delivery genesis (plugins/consensus-bttc/delivery/dlv_genesis.c shape): the validators
 *  with their stakes (power 1), span 0 = the Bttc genesis span, dev params, and "roots" with
 *  each enabled basechain's contract addresses. malloc'd text, NULL on ENOMEM. */
char *dn_dlv_genesis_text(const struct devnet *d, const struct dn_stake *stakes);
/** Write DIR/delivery-genesis.json unless it exists or Delivery is off (stakes read from
 *  TRON). */
bt_status dn_write_dlv_genesis(const struct devnet *d, char *err, size_t err_cap);
/** Add the Delivery facts of validator i to its status object v (delivery_height, rest). */
void dn_dlv_validator_status(const struct devnet *d, uint32_t i, json_t *v);
/** The Delivery facts of the network (latest span, per root checkpoints and state syncs) from
 *  the first validator whose REST answers; adds "delivery" to root and fields to the
 *  basechains' objects in root["basechains"]. */
void dn_dlv_status(const struct devnet *d, json_t *root);
/** Why Delivery is off ("--no-delivery" or "no tron basechain"); "" when it is on. */
const char *dn_delivery_off_reason(const struct devnet *d);
/** Record why `field` of status object o is null (o["missing"][field] = why). */
void dn_missing(json_t *o, const char *field, const char *why);

/* --- devnet_proc.c: children ------------------------------------------------------------- */

/** Start basechain c's dev node (its genesis written on the first start). */
bt_status dn_start_base(struct devnet *d, enum dn_chain c, char *err, size_t err_cap);
/** Wait until basechain c's JSON-RPC answers (60 s), or report its exit. */
bt_status dn_wait_base(struct devnet *d, enum dn_chain c, char *err, size_t err_cap);
/** Start validator i. */
bt_status dn_start_validator(struct devnet *d, uint32_t i, char *err, size_t err_cap);
/** Wait until validator i's JSON-RPC answers (60 s), or report its exit. */
bt_status dn_wait_validator(struct devnet *d, uint32_t i, char *err, size_t err_cap);
/** Reap exited children (non-blocking); returns how many exited since the last call and
 *  prints one line per exit to stderr. */
size_t dn_reap(struct devnet *d);
/** Stop every child: SIGTERM, then SIGKILL after timeout_ms; remove the pid files. */
void dn_stop_all(struct devnet *d, int timeout_ms);
/** The pid recorded in DIR/run/NAME.pid when that process is alive and is a bttcd, else 0. */
pid_t dn_pid_alive(const struct devnet *d, const char *name);
/** `devnet down`: stop the supervisor and any child left (pid files); prints one line unless
 *  is_quiet. Returns an exit code. */
int dn_down(struct devnet *d, int timeout_ms, int is_quiet);

/* --- devnet_ctl.c: one process of a running devnet ---------------------------------------- */

/** `devnet restart|stop NAME...` (NAME: vI, tron, bsc, eth): asks the running supervisor through
 *  DIR/run/NAME.restart|stop, waits for its answer and, for a restart, until the process answers
 *  eth_blockNumber (timeout_ms in all). Returns an exit status (2: a name this devnet lacks). */
int dn_ctl(struct devnet *d, int is_stop, char *const *names, size_t n_names, int timeout_ms);
/** The supervisor's side: serve the pending requests (stop the child, start it again with the
 *  same command line) and answer each in DIR/run/NAME.done. */
void dn_serve_requests(struct devnet *d);
/** Remove request and answer files a supervisor left (at a start: none is for this one). */
void dn_ctl_clear(struct devnet *d);

/* --- devnet_addval.c: validators joining and leaving a running devnet ------------------ */

/** `devnet add-validator`: validator n_val's files, its stake on every basechain (TRON first),
 *  recorded in the state; SIGUSR1 to the supervisor, then wait for its JSON-RPC. Prints what it
 *  did. Returns an exit code. d: dir and exe set. */
int dn_add_validator(struct devnet *d);
/** `devnet unstake N`: StakeManager.unstake of validator N's id from its key on every
 *  basechain. Returns an exit code (2: no validator N). */
int dn_unstake(struct devnet *d, uint32_t n);
/** Supervisor side of add-validator: reload the state and start the validators beyond d->n_val
 *  (their files rewritten). */
bt_status dn_adopt_validators(struct devnet *d, char *err, size_t err_cap);

/* --- devnet_status.c ------------------------------------------------------------------------ */

/** The status as JSON (new reference). */
json_t *dn_status_json(const struct devnet *d);
/** Print the status table (is_tty: clear the screen first). */
void dn_status_print(const struct devnet *d, json_t *st, int is_tty);

#endif /* BTTCD_DEVNET_INT_H */
