/* The devp2p node (issue #11, transport half): RLPx connections over libevent (listener and
 * dialer), discovery v4 on the same port (UDP), the eth/66 protocol answering from a chain
 * backend, and the dlv/1 capability that carries plugin topics. Private to the host.
 * Everything runs on the host loop thread. */
#ifndef BTTCD_P2P_INT_H
#define BTTCD_P2P_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/host.h>
#include <bts/buf.h>
#include <bts/ethwire.h>
#include <bts/rlp.h>

struct event_base;
struct rpc_server;
struct p2p;

/** Command-line settings (geth's flag names where geth has one). */
struct p2p_opts {
    int is_enabled;            /* run the p2p node (default 1 for `run`) */
    const char *listen_addr;   /* --p2p.addr, default 0.0.0.0 */
    int port;                  /* --p2p.port, default 30303; 0: any free port */
    int is_nodiscover;         /* --nodiscover */
    const char *bootnodes;     /* --bootnodes: comma-separated enode URLs */
    const char *static_nodes;  /* --p2p.static: enode URLs always kept connected */
    const char *trusted_nodes; /* --p2p.trusted: enode URLs exempt from the peer limits */
    int max_peers;             /* --maxpeers, default 50 */
    int dial_ratio;            /* at most max_peers/dial_ratio outbound (geth: 3) */
    const char *chain;         /* --p2p.chain: a preset name or a genesis.json path */
    const char *client_id;     /* Hello client id; NULL: "bttcd/v<version>" */
};
/** Fill the defaults. */
void p2p_opts_default(struct p2p_opts *o);

/** Head of the local chain, as Status reports it. */
struct p2p_head {
    uint64_t number;
    uint8_t hash[32];
    uint8_t td[32]; /* big-endian */
};

/** What eth/66 needs from the chain. Lookups append RLP to `out` and return BT_OK or
 *  BT_ENOTFOUND; the `on_*` notifications may be NULL (ignored). All calls on the loop thread,
 *  none may block for long (the chain keeps an in-memory index or a fast store). */
struct p2p_backend {
    void *self;
    void (*head)(void *self, struct p2p_head *out);
    /** Canonical header `number`. */
    bt_status (*header_by_number)(void *self, uint64_t number, struct bts_buf *out);
    /** Header `hash` (any branch); *out_number its number. */
    bt_status (*header_by_hash)(void *self, const uint8_t hash[32], struct bts_buf *out,
                                uint64_t *out_number);
    /** Body of block `hash`: RLP [transactions, uncles]. */
    bt_status (*body)(void *self, const uint8_t hash[32], struct bts_buf *out);
    /** Receipts of block `hash`: RLP list of receipts (consensus encoding). */
    bt_status (*receipts)(void *self, const uint8_t hash[32], struct bts_buf *out);
    /** A pool transaction by hash, in its network encoding. */
    bt_status (*pooled_tx)(void *self, const uint8_t hash[32], struct bts_buf *out);
    /** Whether the pool (or chain) knows tx `hash`: announced hashes we lack are fetched. */
    int (*has_tx)(void *self, const uint8_t hash[32]);
    /** A transaction from a peer (Transactions or PooledTransactions). BT_EINVAL: invalid,
     *  the peer is penalised; anything else is accepted. */
    bt_status (*on_tx)(void *self, uint64_t peer, const uint8_t *tx, size_t tx_len);
    /** NewBlock (the block and td borrow from the message). */
    void (*on_new_block)(void *self, uint64_t peer, const struct bts_eth_new_block *b);
    /** One NewBlockHashes entry. */
    void (*on_block_hash)(void *self, uint64_t peer, const uint8_t hash[32], uint64_t number);
    /** A BlockHeaders, BlockBodies or Receipts response (for sync; the list borrows). */
    void (*on_response)(
        void *self, uint64_t peer, int code,
        const struct bts_eth_list
            *l); /** Optional (NULL: none): around the on_tx calls of one message, so the backend
                  * can do per-message work once (the pool journal written once for a message's
                  * hundreds of transactions). Every txs_begin is followed by one txs_end. */
    void (*txs_begin)(void *self);
    void (*txs_end)(void *self);
};

/** Chain identity announced in Status. */
struct p2p_chain {
    uint64_t network_id;
    uint8_t genesis[32];
    uint64_t forks[16]; /* block-number forks (EIP-2124) */
    size_t n_forks;
};

struct cli_opts;
/** `bttcd keys nodekey`: print the enode URL (creating the node key when missing). Returns a
 *  CLI exit status. */
int p2p_cmd_nodekey(const struct cli_opts *o);

/** Load or create <datadir>/nodekey (64 hex digits, mode 0600, go-ethereum's format).
 *  Returns: BT_OK; BT_EIO or BT_EINVAL (unreadable or invalid file) with a message. */
bt_status p2p_nodekey_load(const char *datadir, uint8_t out_seckey[32], char *err, size_t err_cap);

/** The chain identity of a preset name or genesis.json (the node's --genesis, --chain or --dev
 *  choice; the deprecated --p2p.chain without a chain), and its genesis header
 *  RLP (for the genesis backend; NULL allowed) .
 *  Returns: BT_OK; BT_EINVAL/BT_EIO/BT_ENOTFOUND with a message; BT_ENOMEM. */
bt_status p2p_chain_load(const char *chain, struct p2p_chain *out, struct bts_buf *out_header,
                         char *err, size_t err_cap);

/** A backend serving one block, the genesis (hash; header RLP copied, none when header_len
 *  is 0): what a node without a chain serves, and what serves before p2p_attach_chain. Free with
 * p2p_genesis_backend_free. NULL on ENOMEM. */
struct p2p_backend *p2p_genesis_backend_new(const uint8_t genesis[32], const uint8_t *header,
                                            size_t header_len);
void p2p_genesis_backend_free(struct p2p_backend *b);

/** Start the node: listen (TCP and UDP on the same port), start discovery and dial static
 *  nodes. `backend` is borrowed for the node's life. rpc: where admin_peers, admin_addPeer,
 *  net_peerCount and net_listening are registered (NULL: none). Logs "p2p started" with the
 *  enode URL.
 *  Returns: BT_OK; BT_EBUSY (the port is taken, TCP or UDP), BT_EIO (cannot listen),
 *           BT_EINVAL (bad address or enode URL), BT_ENOMEM; with a message in err. */
bt_status p2p_start(struct event_base *base, const struct p2p_opts *o, const uint8_t seckey[32],
                    const struct p2p_chain *chain, const struct p2p_backend *backend,
                    struct rpc_server *rpc, struct p2p **out, char *err, size_t err_cap);
/** Disconnect every peer (reason: quitting), close the sockets, free. NULL ok. */
void p2p_stop(struct p2p *p);

/** The enode URL of the node (ip: the listen address, 127.0.0.1 when it is 0.0.0.0). */
const char *p2p_enode(const struct p2p *p);
/** TCP port listened on. */
uint16_t p2p_port(const struct p2p *p);
/** Peers with a completed handshake (Hello, and Status for eth peers). */
size_t p2p_peer_count(const struct p2p *p);
/** Dial `url` (an enode URL) as a static node (kept connected). Returns: BT_OK, BT_EINVAL. */
bt_status p2p_add_peer(struct p2p *p, const char *url, int is_trusted);
/** Undo p2p_add_peer (go-ethereum's admin_removePeer): forget `url` as a static node and
 *  disconnect it (reason: disconnect requested); is_trusted_only: only drop its trusted mark
 *  (admin_removeTrustedPeer). An unknown node is no error. Returns: BT_OK, BT_EINVAL (bad URL). */
bt_status p2p_remove_peer(struct p2p *p, const char *url, int is_trusted_only);

struct json_t;
/** admin_nodeInfo's "enode", "id", "ip", "listenAddr", "ports" and "protocols" members, added
 *  to `obj`. */
void p2p_node_info(const struct p2p *p, struct json_t *obj);
/** admin_peers' answer (a new array). */
struct json_t *p2p_peers_json(const struct p2p *p);

/* --- plugin topics (dlv/1), behind host->topic_register / topic_send ----------------------- */

/** Most topics. */
#define P2P_MAX_TOPICS 64
/** Longest topic name. */
#define P2P_TOPIC_NAME_MAX 64
/** Largest message a topic may declare (the dlv/1 message limit is the largest declared). */
#define P2P_TOPIC_MSG_MAX (4u * 1024 * 1024)

/** Register `topic` for `owner`. Returns BT_OK, BT_EEXIST, BT_EINVAL (name empty or over
 *  P2P_TOPIC_NAME_MAX, size 0 or over P2P_TOPIC_MSG_MAX, too many topics), BT_ENOMEM. */
bt_status p2p_topic_register(struct p2p *p, void *owner, const char *topic, size_t max_msg,
                             bt_topic_fn fn, void *arg, uint32_t *out_id);
/** Send to one peer or BT_PEER_BROADCAST (every dlv/1 peer). Returns BT_OK, BT_ENOTFOUND
 *  (unknown topic or peer), BT_ERANGE (over the topic's size), BT_EINVAL, BT_ENOMEM. */
bt_status p2p_topic_send(struct p2p *p, void *owner, uint32_t topic_id, uint64_t peer,
                         const uint8_t *msg, size_t msg_len);
/** Drop owner's topics (instance destroyed). */
void p2p_topic_drop_owner(struct p2p *p, void *owner);
/** Penalise a peer (a plugin's or the chain's report): logged, disconnected and banned for a
 *  while. */
void p2p_penalise(struct p2p *p, uint64_t peer, const char *reason);

/* --- block and transaction propagation (for the chain core) ------------------------------- */

/** Announce a new block: the full block to sqrt(n) eth peers that do not know it, the hash to
 *  the rest (go-ethereum eth/handler.go BroadcastBlock). block: its RLP. */
void p2p_announce_block(struct p2p *p, const uint8_t hash[32], uint64_t number,
                        const uint8_t *block, size_t block_len, const uint8_t td[32]);
/** Announce transaction hashes (NewPooledTransactionHashes) to peers that do not know them. */
void p2p_announce_txs(struct p2p *p, const uint8_t *hashes, size_t n);
/** A transaction's network form appended to out (typed: an RLP string of type || payload).
 *  BT_OK, BT_ENOTFOUND (gone: skipped), BT_ENOMEM. */
typedef bt_status (*p2p_tx_get_fn)(void *arg, const uint8_t hash[32], struct bts_buf *out);
/** Broadcast new transactions as go-ethereum's eth/handler.go BroadcastTransactions: in full
 *  (Transactions) to sqrt(n) peers, by hash (NewPooledTransactionHashes) to the rest; a peer
 *  that knows a transaction (sent it, or was sent it) gets neither. At most
 *  BTS_ETH_MAX_HASHES per peer and call. */
void p2p_broadcast_txs(struct p2p *p, const uint8_t *hashes, size_t n, p2p_tx_get_fn get,
                       void *arg);

/* --- the chain as the eth/66 backend (link.c, sync.c) ------------------------------------- */

struct chain;
struct p2p_link;
/** Serve eth/66 from the chain `c` (Status with its genesis, head, TD and fork id; headers,
 *  bodies, receipts, pool transactions), import announced blocks, put peers' transactions into
 *  the pool, announce produced and imported blocks and new pool transactions to peers, and sync
 *  from the best peer when behind. The chain identity replaces the one given to p2p_start.
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO (chain read). Out: out: for p2p_detach_chain.
 *  Thread: loop; `c` must stay open until p2p_detach_chain. */
bt_status p2p_attach_chain(struct p2p *p, struct chain *c, struct p2p_link **out);
/** Undo p2p_attach_chain (before the chain closes): the previous backend serves again. NULL ok. */
void p2p_detach_chain(struct p2p_link *l);

#endif /* BTTCD_P2P_INT_H */
