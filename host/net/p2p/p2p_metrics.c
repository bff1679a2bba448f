/* The p2p series of /metrics (issue #11 "p2p metrics"), in the process's registry
 * (metrics_global): peers by direction, bytes and messages in and out by protocol and message
 * (the frame's msg-id and payload as sent, after Snappy, as go-ethereum's p2p/metrics.go meters
 * them), dropped peers by devp2p disconnect reason, bans by reason, dials by result, the
 * handshake time and the sync heights. Every series is looked up once (p2p_metrics_init); the
 * hot path only indexes a table and updates an atomic. Several nodes in one process (the
 * tests) add up. */
#include "p2p_priv.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "metrics_int.h"

enum { PROTO_P2P = 0, PROTO_ETH = 1, PROTO_DLV = 2, N_PROTOS = 3 };
/* Message codes tracked per protocol (eth/66 uses 0x00..0x10); others count as "Unknown". */
#define N_CODES (P2P_STAT_CODES + 1)
/* Distinct ban reasons given their own label; later ones count as "other". */
#define MAX_BAN_REASONS 32

static const char *const proto_names[N_PROTOS] = {"p2p", "eth", "dlv"};

/* devp2p base protocol (rlpx.md "Hello", "Disconnect", "Ping", "Pong"). */
static const char *const p2p_msgs[] = {"Hello", "Disconnect", "Ping", "Pong"};
static const char *const dlv_msgs[] = {"Message"};

static struct {
    struct metric *bytes[N_PROTOS][2][N_CODES]; /* [proto][is_out][code] */
    struct metric *msgs[N_PROTOS][2][N_CODES];
    struct metric *peers[2]; /* [is_inbound] */
    struct metric *dropped[P2P_STAT_REASONS + 1];
    struct metric *dials[2]; /* [is_ok] */
    struct metric *handshake;
    struct metric *sync_current, *sync_target, *syncing;
} M;
static atomic_long n_peers[2];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t ban_mu = PTHREAD_MUTEX_INITIALIZER;
static char ban_reasons[MAX_BAN_REASONS][64];
static size_t n_ban_reasons;

static const char *msg_name(size_t proto, size_t code)
{
    const char *name = NULL;
    if (proto == PROTO_P2P && code < sizeof(p2p_msgs) / sizeof(p2p_msgs[0]))
        name = p2p_msgs[code];
    else if (proto == PROTO_ETH && strcmp(bts_eth_msg_name(code), "unknown") != 0)
        name = bts_eth_msg_name(code);
    else if (proto == PROTO_DLV && code < sizeof(dlv_msgs) / sizeof(dlv_msgs[0]))
        name = dlv_msgs[code];
    return name ? name : "Unknown";
}

static void init(void)
{
    struct metrics *m = metrics_global();
    if (!m)
        return;
    char labels[128];
    for (size_t pr = 0; pr < N_PROTOS; pr++) {
        for (size_t c = 0; c < N_CODES; c++) {
            const char *name = msg_name(pr, c);
            /* Codes without a name share the "Unknown" series (same labels, same series). */
            snprintf(labels, sizeof(labels), "proto=\"%s\",msg=\"%s\"", proto_names[pr], name);
            M.bytes[pr][0][c] = metrics_counter(m, "bttcd_p2p_ingress_bytes_total", labels,
                                                "Bytes of p2p messages received (frame payload "
                                                "after compression), by protocol and message");
            M.bytes[pr][1][c] = metrics_counter(m, "bttcd_p2p_egress_bytes_total", labels,
                                                "Bytes of p2p messages sent (frame payload after "
                                                "compression), by protocol and message");
            M.msgs[pr][0][c] = metrics_counter(m, "bttcd_p2p_ingress_messages_total", labels,
                                               "p2p messages received, by protocol and message");
            M.msgs[pr][1][c] = metrics_counter(m, "bttcd_p2p_egress_messages_total", labels,
                                               "p2p messages sent, by protocol and message");
        }
    }
    static const char *const dirs[2] = {"direction=\"outbound\"", "direction=\"inbound\""};
    for (int i = 0; i < 2; i++)
        M.peers[i] = metrics_gauge(m, "bttcd_p2p_peers", dirs[i],
                                   "Connected peers (handshakes done), by direction");
    for (uint64_t r = 0; r <= P2P_STAT_REASONS; r++) {
        char esc[64];
        metrics_label_escape(esc, sizeof(esc),
                             r < P2P_STAT_REASONS ? bts_rlpx_reason_str(r) : "unknown reason");
        snprintf(labels, sizeof(labels), "reason=\"%s\"", esc);
        M.dropped[r] = metrics_counter(m, "bttcd_p2p_dropped_peers_total", labels,
                                       "Connections ended, by devp2p disconnect reason (ours "
                                       "or the peer's)");
    }
    M.dials[0] = metrics_counter(m, "bttcd_p2p_dials_total", "result=\"failed\"",
                                 "Outbound dials, by result (TCP connect)");
    M.dials[1] = metrics_counter(m, "bttcd_p2p_dials_total", "result=\"connected\"",
                                 "Outbound dials, by result (TCP connect)");
    M.handshake = metrics_histogram(m, "bttcd_p2p_handshake_seconds", NULL,
                                    "Time from connection to a ready peer (RLPx, Hello, Status)",
                                    metrics_seconds_buckets, metrics_seconds_n_buckets);
    M.sync_current = metrics_gauge(m, "bttcd_p2p_sync_current_block", NULL,
                                   "Head block number at the last sync progress report");
    M.sync_target = metrics_gauge(m, "bttcd_p2p_sync_target_block", NULL,
                                  "Block number the sync is heading to (best peer's head)");
    M.syncing = metrics_gauge(m, "bttcd_p2p_syncing", NULL, "1 while syncing from a peer");
}

void p2p_metrics_init(void)
{
    pthread_once(&once, init);
}

void p2p_metrics_wire(const struct sess *s, uint64_t code, size_t wire_len, int is_out)
{
    size_t proto = PROTO_P2P, rel = (size_t)code;
    if (code >= BTS_RLPX_MSG_BASE) {
        proto = N_PROTOS;
        for (size_t i = 0; i < s->n_shared; i++) {
            const struct bts_rlpx_shared_cap *c = &s->shared[i];
            if (code >= c->offset && code - c->offset < c->length) {
                size_t local = s->shared_local[i]; /* P2P_CAP_* */
                proto = local == P2P_CAP_ETH   ? PROTO_ETH
                        : local == P2P_CAP_DLV ? PROTO_DLV
                                               : N_PROTOS;
                rel = (size_t)(code - c->offset);
                break;
            }
        }
        if (proto == N_PROTOS)
            return; /* no shared capability: the session refuses it */
    }
    if (rel >= N_CODES)
        rel = N_CODES - 1;
    metric_add(M.bytes[proto][is_out != 0][rel], wire_len);
    metric_add(M.msgs[proto][is_out != 0][rel], 1);
}

void p2p_metrics_peer(int is_inbound, int delta)
{
    long n = atomic_fetch_add(&n_peers[is_inbound != 0], delta) + delta;
    metric_set(M.peers[is_inbound != 0], (double)(n > 0 ? n : 0));
}

void p2p_metrics_dropped(uint64_t reason)
{
    metric_add(M.dropped[reason < P2P_STAT_REASONS ? reason : P2P_STAT_REASONS], 1);
}

void p2p_metrics_banned(const char *reason)
{
    struct metrics *m = metrics_global();
    if (!m)
        return;
    char esc[64 * 2], labels[160];
    pthread_mutex_lock(&ban_mu);
    size_t i = 0;
    while (i < n_ban_reasons && strncmp(ban_reasons[i], reason, sizeof(ban_reasons[i]) - 1) != 0)
        i++;
    if (i == n_ban_reasons && n_ban_reasons < MAX_BAN_REASONS)
        snprintf(ban_reasons[n_ban_reasons++], sizeof(ban_reasons[0]), "%s", reason);
    metrics_label_escape(esc, sizeof(esc), i < n_ban_reasons ? ban_reasons[i] : "other");
    pthread_mutex_unlock(&ban_mu);
    snprintf(labels, sizeof(labels), "reason=\"%s\"", esc);
    /* Bans are rare: the lookup (registry mutex) per ban is fine. */
    metric_add(metrics_counter(m, "bttcd_p2p_banned_peers_total", labels,
                               "Peers banned, by reason (bad handshake, wrong genesis, invalid "
                               "block, rate or size limits, plugin reports)"),
               1);
}

void p2p_metrics_dial(int is_ok)
{
    metric_add(M.dials[is_ok != 0], 1);
}

void p2p_metrics_handshake(uint64_t ms)
{
    metric_observe(M.handshake, (double)ms / 1000.0);
}

void p2p_metrics_sync(int is_syncing, uint64_t current, uint64_t target)
{
    if (is_syncing >= 0)
        metric_set(M.syncing, is_syncing ? 1.0 : 0.0);
    metric_set(M.sync_current, (double)current);
    metric_set(M.sync_target, (double)target);
}
