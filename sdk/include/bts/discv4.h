/* Node discovery v4 packets (ethereum/devp2p discv4.md, EIP-8, EIP-868): the
 * hash || signature || type || data layout, signing, signature recovery to the sender's node
 * id, and the six packet bodies. Pure codec: no sockets, no clock (the caller passes "now").
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_DISCV4_H
#define BTS_DISCV4_H

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/rlp.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest discovery packet (discv4.md "Wire Protocol"). */
#define BTS_DISCV4_MAX_PACKET 1280
/** hash (32) || signature (65) || type (1). */
#define BTS_DISCV4_HEADER_LEN 98
/** Most nodes a Neighbors packet can hold within 1280 bytes (each takes at least 75). */
#define BTS_DISCV4_MAX_NEIGHBORS 16
/** Protocol version written into Ping. */
#define BTS_DISCV4_VERSION 4

enum bts_discv4_type {
    BTS_DISCV4_PING = 1,
    BTS_DISCV4_PONG = 2,
    BTS_DISCV4_FINDNODE = 3,
    BTS_DISCV4_NEIGHBORS = 4,
    BTS_DISCV4_ENR_REQUEST = 5,
    BTS_DISCV4_ENR_RESPONSE = 6
};

/** An endpoint: IPv4 (ip_len 4) or IPv6 (ip_len 16) address and ports. */
struct bts_discv4_endpoint {
    uint8_t ip[16];
    uint8_t ip_len; /* 4 or 16; 0 when the peer sent an empty or odd-sized address */
    uint16_t udp_port;
    uint16_t tcp_port;
};

struct bts_discv4_node {
    struct bts_discv4_endpoint ep;
    uint8_t id[64];
};

/** A decoded packet. Only the member for `type` is meaningful. enr_seq fields are 0 with
 *  has_enr_seq 0 when absent (pre-EIP-868 peers). */
struct bts_discv4_packet {
    uint8_t hash[32];    /* keccak256(signature || type || data): a Pong names its Ping by it */
    uint8_t node_id[64]; /* the sender, recovered from the signature */
    int type;            /* enum bts_discv4_type */
    uint64_t expiration; /* absolute UNIX seconds (every type but ENRResponse) */
    union {
        struct {
            uint64_t version;
            struct bts_discv4_endpoint from, to;
            uint64_t enr_seq;
            int has_enr_seq;
        } ping;
        struct {
            struct bts_discv4_endpoint to;
            uint8_t ping_hash[32];
            uint64_t enr_seq;
            int has_enr_seq;
        } pong;
        struct {
            uint8_t target[64];
        } findnode;
        struct {
            size_t n_nodes;
            struct bts_discv4_node nodes[BTS_DISCV4_MAX_NEIGHBORS];
        } neighbors;
        struct {
            uint8_t request_hash[32];
            const uint8_t *enr; /* the record's RLP, borrowed from the packet */
            size_t enr_len;
        } enr_response;
    } u;
};

/** Verify and decode a packet: the hash must match, the signature must recover a key, the
 *  type must be known, and the data must decode. As EIP-8 asks, extra list elements and bytes
 *  after the list are ignored, and the Ping version is not checked. Expiration is NOT checked
 *  here: use bts_discv4_is_expired().
 *  Returns: BT_OK, BT_EPROTO (too short or over 1280 bytes, hash mismatch, bad signature,
 *           malformed data, too many neighbors), BT_ENOTSUP (unknown packet type: drop
 *           silently, EIP-8).
 *  Out:     out: zeroed on failure; enr_response.enr borrows from `pkt`.
 *  Thread:  any. */
BTS_API bt_status bts_discv4_decode(struct bts_discv4_packet *out, const uint8_t *pkt,
                                    size_t pkt_len) BT_MUST_CHECK;

/** Encode and sign a packet of p->type from the matching member of p->u and p->expiration
 *  (p->hash and p->node_id are ignored). Empty endpoint addresses (ip_len 0) encode as the
 *  empty string.
 *  Returns: BT_OK, BT_EINVAL (unknown type, ip_len not 0/4/16, more than
 *           BTS_DISCV4_MAX_NEIGHBORS nodes, bad seckey), BT_ERANGE (over 1280 bytes),
 *           BT_ENOMEM.
 *  Out:     out: the packet is appended. out_hash (may be NULL): its hash, to match the Pong.
 *  In:      seckey: the node key (host only).
 *  Thread:  any. */
BTS_API bt_status bts_discv4_encode(struct bts_buf *out, uint8_t *out_hash,
                                    const uint8_t seckey[32],
                                    const struct bts_discv4_packet *p) BT_MUST_CHECK
    BT_NONNULL(1, 3, 4);

/** Whether an expiration time stamp lies in the past (discv4.md: such packets "may not be
 *  processed"). Returns 1 if expiration < now, else 0. Thread: any. */
BTS_API int bts_discv4_is_expired(uint64_t expiration, uint64_t now);

/** Logarithmic distance between two node ids: the bit length of keccak256(a) XOR
 *  keccak256(b), 0..256 (discv4.md "Node Identities"); selects the k-bucket.
 *  Thread: any. */
BTS_API unsigned bts_discv4_log_distance(const uint8_t a[64], const uint8_t b[64]);

#ifdef __cplusplus
}
#endif

#endif /* BTS_DISCV4_H */
