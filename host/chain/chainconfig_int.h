/* Chain configuration: chain id, fork schedule and the Bor/Bttc engine parameters, read from the
 * "config" object of a geth-style genesis.json or taken from a preset (PROTOCOL.md §2, §3.10).
 * Private to host/chain and its users in the host. */
#ifndef BTTCD_CHAINCONFIG_INT_H
#define BTTCD_CHAINCONFIG_INT_H

#include <jansson.h>

#include <bt/evm.h>

#include <bts/common.h>
#include <bts/tx.h>
#include <bts/u256.h>

#include "alloc_int.h"

/** A fork block or time that is not scheduled (geth: the field is absent or null). */
#define CHAINCFG_NEVER UINT64_MAX

/** Bor's overrideStateSyncRecords entry: at `block`, apply only `count` state-sync records. */
struct chaincfg_override {
    uint64_t block;
    uint64_t count;
};

/** Bor's blockAlloc entry: at `block`, these accounts are overwritten (the 0x..1010 code swap,
 *  PROTOCOL.md §2). */
struct chaincfg_block_alloc {
    uint64_t block;
    struct alloc alloc;
};

/** The Bor engine section ("bor"), field names as bttcprotocol/bttc@v1.0.8:params/config.go
 *  (BorConfig). v1.0.8 has no Jaipur fork and no burn contract. */
struct chaincfg_bor {
    uint64_t period;            /* "period": minimum seconds between blocks */
    uint64_t producer_delay;    /* "producerDelay": seconds before a sprint's first block */
    uint64_t sprint;            /* "sprint": blocks per sprint (> 0) */
    uint64_t backup_multiplier; /* "backupMultiplier": seconds per succession step */
    struct bt_address validator_contract;      /* "validatorContract" */
    struct bt_address state_receiver_contract; /* "stateReceiverContract" */
    struct chaincfg_override *overrides;       /* "overrideStateSyncRecords", sorted by block */
    size_t n_overrides;
    struct chaincfg_block_alloc *block_allocs; /* "blockAlloc", sorted by block */
    size_t n_block_allocs;
};

/** A chain configuration. Fork blocks/times are CHAINCFG_NEVER when not scheduled. Blocks up to
 *  Istanbul are always 0: bttcd executes Istanbul and later rules only (abi/bt/evm.h). */
struct chaincfg {
    uint64_t chain_id;   /* "chainId" */
    uint64_t network_id; /* devp2p network id: the chain id for every preset and genesis file */
    uint64_t berlin_block;
    uint64_t london_block;
    int has_ttd; /* "terminalTotalDifficulty" present: only 0 (merged at genesis) */
    uint64_t shanghai_time;
    uint64_t cancun_time;
    int has_bor; /* a "bor" section: Bttc engine, Bttc synthetic logs (PROTOCOL.md §3.10) */
    struct chaincfg_bor bor;
};

/** Which built-in chain. */
enum chaincfg_preset {
    CHAINCFG_DEV = 0,    /* chain id 1337, every fork through Cancun at block/time 0 */
    CHAINCFG_DONAU = 1,  /* Bttc Donau testnet, chain id 1029 */
    CHAINCFG_MAINNET = 2 /* Bttc mainnet, chain id 199 */
};

/** Parse the "config" object of a genesis.json (geth field names: chainId, homesteadBlock,
 *  eip150Block, eip155Block, eip158Block, byzantiumBlock, constantinopleBlock, petersburgBlock,
 *  istanbulBlock, muirGlacierBlock, berlinBlock, londonBlock, arrowGlacierBlock,
 *  grayGlacierBlock, mergeNetsplitBlock, terminalTotalDifficulty,
 *  terminalTotalDifficultyPassed, shanghaiTime, cancunTime, daoForkBlock, daoForkSupport,
 *  eip150Hash, and the "bor" section). Fork blocks are JSON integers (or null: never); every
 *  fork up to istanbulBlock must be 0; forks must be scheduled in order (go-ethereum
 *  CheckConfigForkOrder: "unsupported fork ordering: ..."). Unknown members are ignored, as geth
 *  does, except the clique engine (refused) and Bor fields newer than BTTC v1.0.8
 *  (jaipurBlock, burnContract, delhiBlock, indoreBlock: refused).
 *  Returns: BT_OK; BT_EINVAL or BT_ERANGE (number too large), with a message naming the
 *           field ("config.berlinBlock: ..."); BT_ENOMEM.
 *  Out:     out: free with chaincfg_free() (also after a failure).
 *  In:      obj: borrowed. */
bt_status chaincfg_parse(struct chaincfg *out, const json_t *obj, char *err, size_t err_cap);

/** Fill a preset (PROTOCOL.md §2 and §3.10 for Donau and mainnet). Bor blockAlloc code swaps
 *  are not bundled (FIXME: needs the MRC20 bytecode data file, see docs/operator.md "Chains"):
 *  the presets carry no blockAlloc entries, so a preset node cannot import past block 841500
 *  (mainnet) / 1416202 (Donau) yet.
 *  Returns: BT_OK, BT_EINVAL (unknown preset), BT_ENOMEM. Out: free with chaincfg_free(). */
bt_status chaincfg_preset(struct chaincfg *out, enum chaincfg_preset preset);

/** Release a configuration's allocations; leaves it zeroed. */
void chaincfg_free(struct chaincfg *c);

/** The EVM fork of a block: Cancun/Shanghai by time, Paris when merged, London/Berlin by
 *  number, otherwise Istanbul. Returns an enum bt_evm_fork value. */
uint32_t chaincfg_fork_at(const struct chaincfg *c, uint64_t number, uint64_t time);

/** The transaction rules of a block (fork and chain id), for bts_tx_check/bts_tx_sender. */
void chaincfg_tx_rules(const struct chaincfg *c, uint64_t number, uint64_t time,
                       struct bts_tx_rules *out);

/** Whether the EVM runs with BT_EVM_F_BTTC_LOGS: 1 for a Bor chain (PROTOCOL.md §3.10). */
int chaincfg_bttc_logs(const struct chaincfg *c);

/** Bor: whether `number` is the last block of a sprint ((number + 1) % sprint == 0, PROTOCOL.md
 *  §3.2). 0 for a chain without Bor. */
int chaincfg_is_sprint_end(const struct chaincfg *c, uint64_t number);

/** The blockAlloc entry to apply at `number`, or NULL. */
const struct alloc *chaincfg_block_alloc(const struct chaincfg *c, uint64_t number);

#endif /* BTTCD_CHAINCONFIG_INT_H */
