/* Internals of the p2p node, shared by its files: the node (p2p.c: listener, dialer, peer
 * set, bans), one peer's connection (peer.c), eth/66 (eth.c), dlv/1 (dlv.c), discovery
 * (disc.c, table.c) and the RPC methods (p2p_rpc.c). */
#ifndef BTTCD_P2P_PRIV_H
#define BTTCD_P2P_PRIV_H

#include <bts/enode.h>
#include <bts/ethwire.h>

#include "p2p_int.h"
#include "sess_int.h"

struct bufferevent;
struct evconnlistener;
struct event;
struct disc;

/* Timing (go-ethereum p2p: handshakeTimeout 5 s, pingInterval 15 s, frameReadTimeout 30 s). */
#define P2P_HANDSHAKE_MS 5000
#define P2P_PING_MS      15000
#define P2P_IDLE_MS      30000
#define P2P_DIAL_TICK_MS 1000
/* Dial backoff: 5 s doubling up to 5 min (never below 30 s for an address that just failed
 * the handshake, as geth's dialHistoryExpiration). */
#define P2P_BACKOFF_MIN_MS 5000
#define P2P_BACKOFF_MAX_MS 300000
/* Per-peer limits: a token bucket of messages (burst, refill per second) and the most bytes
 * queued for a peer that does not read. */
#define P2P_RATE_BURST   2000.0
#define P2P_RATE_PER_SEC 1000.0
#define P2P_MAX_OUTQ     (32u * 1024 * 1024)
/* Most bytes one socket read or write moves per event-loop pass (libevent: 16 KiB). */
#define P2P_MAX_SINGLE_IO (4u * 1024 * 1024)
/* How long a ban lasts. */
#define P2P_BAN_MS (30u * 60 * 1000)
/* Hashes remembered per peer (known blocks and transactions: no echo). */
#define P2P_KNOWN 1024
/* Most dials in flight at once. */
#define P2P_MAX_PENDING_DIALS 16

/* Capabilities, in the order of struct p2p::caps. */
enum { P2P_CAP_ETH = 0, P2P_CAP_DLV = 1, P2P_N_CAPS = 2 };
/* dlv/1: one message, [topic-name, payload] (sess_cap.length = 1). */
#define P2P_DLV_MSG 0x00

/* Slots of the known set's hash index: a power of two, four times P2P_KNOWN (short probes). */
#define P2P_KNOWN_SLOTS (4 * P2P_KNOWN)

/* The last P2P_KNOWN hashes, oldest evicted first, with a linear-probing index (a flood
 * checks each transaction against every peer's set several times: a scan cost microseconds). */
struct p2p_known {
    uint64_t ring[P2P_KNOWN];      /* first 8 bytes of each hash (never 0): avoids echoes */
    uint64_t set[P2P_KNOWN_SLOTS]; /* the same keys by key & (slots - 1); 0: empty */
    size_t next, n;
};

struct p2p_peer {
    struct p2p_peer *next;
    struct p2p *p2p;
    uint64_t id; /* never 0 */
    struct bufferevent *bev;
    struct event *timer;
    struct sess sess;
    int is_inbound, is_trusted, is_static;
    int is_connected; /* TCP connected (dials) */
    int is_ready;     /* Hello done and, with eth, Status exchanged: counted as a peer */
    int is_closing;   /* flushing the Disconnect; freed when drained or after a delay */
    int is_counted;   /* counted in n_ready */
    char addr[64];    /* ip:port */
    uint8_t ip[16];
    uint8_t ip_len;
    uint64_t started_ms, last_recv_ms, ping_sent_ms;
    uint64_t n_pongs;     /* Pongs received (answers to our keepalive Pings) */
    int eth_cap, dlv_cap; /* index into sess.shared, or -1 */
    int has_status;
    struct bts_eth_status status; /* theirs */
    double tokens;
    uint64_t tokens_ms;
    struct p2p_known known_blocks, known_txs;
    /* For the sync (sync.c): the highest block number the peer is known to have, learnt from
     * its Status head (asked once by hash), NewBlock and NewBlockHashes. */
    uint64_t best_number;
    int has_best;
    /* The block number whose total difficulty status.td is (its Status head once answered, a
     * NewBlock's); below best_number, status.td is only a lower bound of the peer's (its newer
     * blocks came as NewBlockHashes, which carry no td). */
    uint64_t td_number;
    uint64_t head_req;    /* the GetBlockHeaders asking for its Status head (0: not asked yet,
                           * 1: answered) */
    uint64_t head_req_ms; /* when it was sent */
};

/* A node to keep dialling (static/trusted) or a discovered candidate. */
struct p2p_dialee {
    struct p2p_dialee *next;
    struct bts_enode node;
    int is_static, is_trusted;
    uint64_t next_ms;    /* not before */
    uint64_t backoff_ms; /* current backoff */
    int is_pending;      /* a connection to it exists (dialling or connected) */
};

struct p2p_ban {
    struct p2p_ban *next;
    uint8_t id[64];
    uint64_t until_ms;
    char reason[64];
};

struct p2p_topic {
    uint32_t id; /* 1-based index; 0 unused */
    void *owner;
    char name[P2P_TOPIC_NAME_MAX + 1];
    size_t max_msg;
    bt_topic_fn fn;
    void *arg;
};

/* Traffic and drop counters (admin_nodeInfo "stats"; the /metrics endpoint reads them when it
 * lands). Messages by capability and code: eth codes 0..16, dlv code 0. */
#define P2P_STAT_CODES   17
#define P2P_STAT_REASONS 0x11
struct p2p_stats {
    uint64_t msgs_in[P2P_N_CAPS][P2P_STAT_CODES], bytes_in[P2P_N_CAPS][P2P_STAT_CODES];
    uint64_t msgs_out[P2P_N_CAPS][P2P_STAT_CODES], bytes_out[P2P_N_CAPS][P2P_STAT_CODES];
    uint64_t dropped[P2P_STAT_REASONS + 1]; /* by devp2p reason; the last slot: others */
    uint64_t wire_in, wire_out;             /* encrypted bytes of closed connections */
};

struct p2p {
    struct event_base *base;
    struct p2p_opts o;
    char *strs; /* owned copies of o's strings, one block */
    uint8_t seckey[32], id[64];
    char enode[BTS_ENODE_URL_MAX];
    uint8_t ip[16]; /* advertised address */
    uint8_t ip_len;
    struct p2p_chain chain;
    struct p2p_backend backend;
    struct rpc_server *rpc;
    struct sess_cap caps[P2P_N_CAPS];
    struct sess_cfg scfg;
    char client_id[96];
    struct evconnlistener *lis;
    uint16_t port;
    struct p2p_peer *peers;
    size_t n_conns, n_inbound, n_outbound, n_ready;
    uint64_t next_peer_id;
    struct p2p_dialee *dialees;
    size_t n_pending_dials;
    struct p2p_ban *bans;
    struct event *dial_timer;
    struct disc *disc;
    struct p2p_topic topics[P2P_MAX_TOPICS];
    size_t n_topics;
    uint64_t n_dropped, n_banned, n_refused;
    struct p2p_stats stats;
    struct p2p_link *link; /* the chain attached (p2p_attach_chain), or NULL */
};

/* p2p.c */
uint64_t p2p_now_ms(void);
void p2p_rand(void *buf, size_t n);
int p2p_is_banned(struct p2p *p, const uint8_t id[64]);
void p2p_ban(struct p2p *p, const uint8_t id[64], const char *reason);
struct p2p_peer *p2p_find_peer(struct p2p *p, uint64_t id);
/* A verified node from discovery: a candidate for outbound dials. */
void p2p_offer_node(struct p2p *p, const struct bts_enode *n);
/* Recompute the dlv/1 size limit from the registered topics. */
void p2p_update_dlv_limit(struct p2p *p);
int p2p_known_has(const struct p2p_known *k, const uint8_t h[32]);
void p2p_known_add(struct p2p_known *k, const uint8_t h[32]);

/* peer.c */
/* A peer on an accepted (fd >= 0, remote_id NULL) or dialled connection. NULL on failure. */
struct p2p_peer *peer_new(struct p2p *p, int fd, const struct bts_enode *dial);
/* End the peer: Disconnect with reason (when framed), flush, free. `why` is logged. */
void peer_close(struct p2p_peer *pe, uint64_t reason, const char *why);
/* Free at once (shutdown). */
void peer_free(struct p2p_peer *pe);
/* Send a capability message and push it to the socket. Returns as sess_send. */
bt_status peer_send(struct p2p_peer *pe, int cap, uint64_t code, const uint8_t *data, size_t len);
/* The peer completed its protocol handshakes. */
void peer_set_ready(struct p2p_peer *pe);
/* Log, ban and disconnect with the given devp2p reason. */
void peer_misbehave(struct p2p_peer *pe, uint64_t reason, const char *why);

/* eth.c */
/* Hello done with eth/66 shared: send our Status. */
bt_status eth_start(struct p2p_peer *pe);
/* An eth message. Returns 0 or a disconnect reason. */
int eth_on_msg(struct p2p_peer *pe, uint64_t code, const uint8_t *data, size_t len);
/* Our Status (encoded). */
bt_status eth_status_make(struct p2p *p, struct bts_buf *out);
/* Check a peer's Status against our chain. Returns 0 or a disconnect reason; *why set. */
int eth_status_check(struct p2p *p, const struct bts_eth_status *st, const char **why);

/* dlv.c */
int dlv_on_msg(struct p2p_peer *pe, uint64_t code, const uint8_t *data, size_t len);

/* disc.c */
bt_status disc_start(struct p2p *p, int fd, struct disc **out, char *err, size_t err_cap);
void disc_stop(struct disc *d);
size_t disc_table_size(const struct disc *d);
/* Nodes of the table, for tests and admin (up to cap). */
size_t disc_nodes(const struct disc *d, struct bts_enode *out, size_t cap);
/* Whether discovery knows (has verified) node `id`. */
int disc_has_node(const struct disc *d, const uint8_t id[64]);

/* Count a message of our capability `cap` (P2P_CAP_*), relative `code`, `len` bytes. */
void p2p_stat_msg(struct p2p *p, const struct p2p_peer *pe, int shared_cap, uint64_t code,
                  size_t len, int is_out);

/* p2p_metrics.c: the /metrics series (metrics_global), looked up once by p2p_metrics_init
 * (idempotent, any thread); the updates are lock-free. */
void p2p_metrics_init(void);
/* A framed message (sess.on_wire): absolute msg-id, size on the wire. */
void p2p_metrics_wire(const struct sess *s, uint64_t code, size_t wire_len, int is_out);
/* A peer became ready (+1) or stopped counting (-1). */
void p2p_metrics_peer(int is_inbound, int delta);
/* A connection ended with devp2p `reason`. */
void p2p_metrics_dropped(uint64_t reason);
/* A peer was banned for `reason` (label; at most 32 distinct, then "other"). */
void p2p_metrics_banned(const char *reason);
/* An outbound dial connected (is_ok) or failed. */
void p2p_metrics_dial(int is_ok);
/* A peer became ready ms after its connection started. */
void p2p_metrics_handshake(uint64_t ms);
/* Sync progress: is_syncing (-1: unchanged), head, target. */
void p2p_metrics_sync(int is_syncing, uint64_t current, uint64_t target);

/* p2p_rpc.c */
bt_status p2p_rpc_register(struct p2p *p);

#endif /* BTTCD_P2P_PRIV_H */
