/* enode:// URLs and node keys (devp2p: a node's id is its 64-byte secp256k1 public key,
 * x || y). URL form as go-ethereum's p2p/enode (urlv4.go) writes it:
 *   enode://<128 hex id>@<ip>:<tcp-port>[?discport=<udp-port>]
 * with IPv6 addresses in brackets. Host names are not resolved here (no I/O in the SDK): only
 * IP literals are accepted. Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_ENODE_H
#define BTS_ENODE_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest URL bts_enode_format() writes, NUL included. */
#define BTS_ENODE_URL_MAX 200

struct bts_enode {
    uint8_t id[64];
    uint8_t ip[16];
    uint8_t ip_len; /* 4 (IPv4) or 16 (IPv6) */
    uint16_t tcp_port;
    uint16_t udp_port; /* equals tcp_port unless ?discport= says otherwise */
};

/** Parse an enode URL. The id must be 128 hex digits naming a point on the curve; the port
 *  is required (0 allowed: not listening); discport is the only query key accepted.
 *  Returns: BT_OK, BT_EINVAL (any deviation; out zeroed).
 *  In:      s, s_len: the URL (not necessarily NUL-terminated).
 *  Thread:  any. */
BTS_API bt_status bts_enode_parse(struct bts_enode *out, const char *s, size_t s_len) BT_MUST_CHECK;

/** Format an enode URL (lower-case hex; ?discport only when the ports differ).
 *  Returns: BT_OK, BT_ERANGE (out_cap too small; *out_len = needed without NUL), BT_EINVAL
 *           (ip_len not 4 or 16).
 *  Out:     out, out_cap: NUL-terminated text. out_len: its length. */
BTS_API bt_status bts_enode_format(char *out, size_t out_cap, size_t *out_len,
                                   const struct bts_enode *n) BT_MUST_CHECK;

/** Node id of a public key: 65 bytes SEC1 uncompressed (0x04 || x || y) or 64 bytes x || y
 *  (out_id may alias pub: the call then checks the id is a curve point).
 *  Returns: BT_OK, BT_EINVAL (not a point; out zeroed). Thread: any. */
BTS_API bt_status bts_enode_id_from_pubkey(uint8_t out_id[64], const uint8_t *pub,
                                           size_t pub_len) BT_MUST_CHECK;

/** Node id of a node key. Host only (it handles the node's private key).
 *  Returns: BT_OK, BT_EINVAL (seckey zero or >= n), BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_enode_id_from_seckey(uint8_t out_id[64],
                                           const uint8_t seckey[32]) BT_MUST_CHECK;

/** Parse a node key file's text as go-ethereum writes it (64 hex digits, no 0x; trailing
 *  white space such as a newline allowed) and check it is a valid key.
 *  Returns: BT_OK, BT_EINVAL (out zeroed). Thread: any. Host only. */
BTS_API bt_status bts_enode_nodekey_parse(uint8_t out_seckey[32], const char *text,
                                          size_t text_len) BT_MUST_CHECK;

/** Format a node key as 64 lower-case hex digits and a NUL (the node key file's content
 *  without the newline). Thread: any. Host only; wipe `out` after writing it. */
BTS_API void bts_enode_nodekey_format(char out[65], const uint8_t seckey[32]);

#ifdef __cplusplus
}
#endif

#endif /* BTS_ENODE_H */
