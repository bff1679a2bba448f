/* Test and bench support for the root-chain adapters: anvil processes (npm @foundry-rs/anvil,
 * tests/rootchain/package-lock.json) on free loopback ports, blocking JSON-RPC calls to them,
 * and an adapter .so driven on a mock host whose clock follows real time. */
#ifndef BT_ANVIL_UTIL_H
#define BT_ANVIL_UTIL_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/mockhost.h>

/** anvil's first dev account (a public test key) and its address. */
extern const uint8_t anvil_key[32];
#define ANVIL_KEY_ID "scenario-key"

struct anvil {
    pid_t pid; /* process group of the npm wrapper and the binary */
    unsigned port;
    char url[64];
    char chain_id[24], base_fee[24];
    char state[512];     /* --state file, "" for none (bttcd: the --datadir) */
    char path[512];      /* the executable: anvil, or bttcd (then `bttcd run --dev`) */
    char genesis[600];   /* bttcd: the genesis file written for a non-dev chain, "" for none */
    unsigned tron_port;  /* bttcd: also --tron-api.port (set before anvil_start; 0: none) */
    unsigned dev_period; /* bttcd: --dev.period (0: seal as transactions arrive) */
};

/** A free loopback TCP port (0 on failure). */
unsigned anvil_free_port(void);
/** 1 when something accepts TCP connections on loopback `port`. */
int anvil_port_open(unsigned port);
/** Start anvil (port 0: a free one) with chain id, base fee and optionally a --state file
 *  (chain state kept across restarts). Returns 0 when it listens, -1 otherwise.
 *  When path names bttcd, start `bttcd run --dev` instead: chain 1337 with base fee 1 gwei is
 *  the dev preset, any other pair a genesis written next to state (or in /tmp) funding the
 *  anvil account 0; state, if given, is the --datadir (a directory, kept across restarts;
 *  remove it with anvil_state_remove). */
int anvil_start(struct anvil *a, const char *path, unsigned port, const char *chain_id,
                const char *base_fee, const char *state);
/** Remove a --state file, or a bttcd datadir and genesis (after anvil_stop). */
void anvil_state_remove(const struct anvil *a);
/** SIGTERM the process group and wait (anvil writes --state on the way out). */
void anvil_stop(struct anvil *a);
/** The same with another signal (SIGKILL: a crash; nothing is written on the way out). */
void anvil_kill(struct anvil *a, int sig);
/** Blocking JSON-RPC call; params stolen. Returns the "result" (new reference) or NULL. */
json_t *anvil_rpc(const char *url, const char *method, json_t *params);
/** eth_getTransactionCount(addr, tag) or UINT64_MAX on failure. */
uint64_t anvil_nonce(const char *url, const char *addr_hex, const char *tag);

/** An adapter instance on a mock host (signer: anvil_key as ANVIL_KEY_ID). */
struct adapter {
    void *so;
    const struct bt_plugin_desc *desc;
    const struct bt_rootchain_vtbl *vt;
    struct bts_mockhost *m;
    void *self;
    uint64_t real0, fake0;
};

/** dlopen the plugin, create it with `pairs` ("key", "value", ..., NULL) and start it.
 *  Returns 0 or -1 (message on stderr). */
int adapter_open(struct adapter *ad, const char *plugin, const char *const *pairs);
void adapter_close(struct adapter *ad);
/** Run the mock loop (its clock following real time) until *done or limit_ms. 1: done. */
int adapter_pump(struct adapter *ad, const int *done, uint64_t limit_ms);
uint64_t real_ms(void);

/** Blocking helpers over the vtbl (limit 60 s each). Return the callback status. */
bt_status adapter_heights(struct adapter *ad, uint64_t *head, uint64_t *finalized);
/** Logs of one address and topic0 over from..to; *out: malloc'd copies (data included: each
 *  log's data points into *out_arena). */
bt_status adapter_logs(struct adapter *ad, const uint8_t addr[20], const uint8_t topic0[32],
                       uint64_t from, uint64_t to, struct bt_rootchain_log **out, size_t *n,
                       uint8_t **out_arena);
bt_status adapter_call(struct adapter *ad, const uint8_t to[20], const uint8_t *data, size_t len,
                       uint8_t *out, size_t cap, size_t *out_len);

#endif
