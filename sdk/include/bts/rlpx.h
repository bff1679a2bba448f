/* RLPx, the devp2p TCP transport, as pure codecs: ECIES, the EIP-8 (and legacy) auth/ack
 * handshake, secret derivation, frame encryption with the Keccak MAC states, and the "p2p"
 * capability messages (Hello, Disconnect, Ping, Pong). No sockets and no randomness inside:
 * the caller supplies every random value (ephemeral keys, nonces, IVs, padding), so every step
 * is reproducible in tests. Source: ethereum/devp2p rlpx.md, EIP-8, EIP-706.
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_RLPX_H
#define BTS_RLPX_H

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/keccak.h>
#include <bts/rlp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- ECIES ------------------------------------------------------------------------------- */

/** Bytes ECIES adds to a message: R (65, uncompressed point) || iv (16) || ... || tag (32). */
#define BTS_RLPX_ECIES_OVERHEAD 113

/** Encrypt `msg` for the holder of `remote_id`: secp256k1 ECDH with `eph_seckey`, NIST SP
 *  800-56 concatenation KDF over SHA-256 (32 bytes: kE = [0:16], kM = [16:32]), AES-128-CTR
 *  with `iv`, tag = HMAC-SHA-256(SHA-256(kM), iv || c || authdata).
 *  Returns: BT_OK, BT_ERANGE (out_cap < msg_len + BTS_RLPX_ECIES_OVERHEAD; *out_len = needed),
 *           BT_EINVAL (remote_id not a curve point, eph_seckey invalid), BT_ENOMEM.
 *  Out:     out, out_cap, out_len: R || iv || c || tag.
 *  In:      remote_id: 64-byte public key (x || y). msg, msg_len. authdata, authdata_len:
 *           authenticated but not sent (the EIP-8 size prefix; NULL with 0 for none).
 *           eph_seckey, iv: fresh random values from the caller.
 *  Thread:  any. Source: devp2p rlpx.md "ECIES Encryption". */
BTS_API bt_status bts_rlpx_ecies_encrypt(uint8_t *out, size_t out_cap, size_t *out_len,
                                         const uint8_t remote_id[64], const uint8_t *msg,
                                         size_t msg_len, const uint8_t *authdata,
                                         size_t authdata_len, const uint8_t eph_seckey[32],
                                         const uint8_t iv[16]) BT_MUST_CHECK
    BT_NONNULL(1, 3, 4, 9, 10);

/** Decrypt and authenticate an ECIES message with the static key `seckey`. The tag is
 *  checked (in constant time) before anything is decrypted.
 *  Returns: BT_OK, BT_EPROTO (too short, bad point R, tag mismatch), BT_ERANGE (out_cap too
 *           small; *out_len = needed), BT_EINVAL (seckey invalid), BT_ENOMEM.
 *  Out:     out, out_cap, out_len: the plaintext (ct_len - BTS_RLPX_ECIES_OVERHEAD bytes).
 *  In:      seckey: 32 bytes. ct, ct_len. authdata, authdata_len: as for encryption.
 *  Thread:  any. */
BTS_API bt_status bts_rlpx_ecies_decrypt(uint8_t *out, size_t out_cap, size_t *out_len,
                                         const uint8_t seckey[32], const uint8_t *ct, size_t ct_len,
                                         const uint8_t *authdata, size_t authdata_len) BT_MUST_CHECK
    BT_NONNULL(1, 3, 4);

/* --- handshake --------------------------------------------------------------------------- */

/** Size of a pre-EIP-8 auth packet (ECIES of sig 65 || keccak(eph-pub) 32 || pub 64 ||
 *  nonce 32 || flag 1) and of a pre-EIP-8 ack (eph-pub 64 || nonce 32 || flag 1). */
#define BTS_RLPX_AUTH_LEGACY_LEN 307
#define BTS_RLPX_ACK_LEGACY_LEN  210
/** Handshake version written into EIP-8 auth and ack bodies. */
#define BTS_RLPX_HANDSHAKE_VERSION 4

/** One side of a handshake. Plain data apart from `auth` and `ack`; holds secrets: release it
 *  with bts_rlpx_handshake_clear(), which wipes it. */
struct bts_rlpx_handshake {
    int is_initiator;
    int is_eip8;                /* the auth (initiator: sent, recipient: received) was EIP-8 */
    uint8_t seckey[32];         /* our static key */
    uint8_t eph_seckey[32];     /* our ephemeral key */
    uint8_t nonce[32];          /* our nonce */
    uint8_t remote_id[64];      /* remote static public key (initiator: known in advance) */
    uint8_t remote_eph_pub[64]; /* learnt from auth (recipient) or ack (initiator) */
    uint8_t remote_nonce[32];
    uint64_t remote_version; /* auth-vsn / ack-vsn the peer sent (4 for legacy packets) */
    struct bts_buf auth;     /* the auth packet as sent or received, size prefix included */
    struct bts_buf ack;      /* the ack packet likewise */
};

/** Secrets of an established connection (rlpx.md "Secrets generated..."). Wipe after use. */
struct bts_rlpx_secrets {
    uint8_t aes[32];
    uint8_t mac[32];
    struct bts_keccak egress_mac;
    struct bts_keccak ingress_mac;
};

/** Start the initiator's side: we know the recipient's node id.
 *  Returns: BT_OK, BT_EINVAL (seckey or eph_seckey not a valid key, remote_id not a point).
 *  In:      seckey: our static key. remote_id: the peer's 64-byte node id. eph_seckey, nonce:
 *           fresh random values. All copied.
 *  Thread:  any (one handshake per thread). */
BTS_API bt_status bts_rlpx_handshake_init_initiator(struct bts_rlpx_handshake *h,
                                                    const uint8_t seckey[32],
                                                    const uint8_t remote_id[64],
                                                    const uint8_t eph_seckey[32],
                                                    const uint8_t nonce[32]) BT_MUST_CHECK;

/** Start the recipient's side: the remote identity is learnt from the auth packet.
 *  Returns: BT_OK, BT_EINVAL (a key is invalid). */
BTS_API bt_status bts_rlpx_handshake_init_recipient(struct bts_rlpx_handshake *h,
                                                    const uint8_t seckey[32],
                                                    const uint8_t eph_seckey[32],
                                                    const uint8_t nonce[32]) BT_MUST_CHECK;

/** Wipe the secrets and free the buffers; safe on a zeroed or cleared handshake. */
BTS_API void bts_rlpx_handshake_clear(struct bts_rlpx_handshake *h);

/** Extra random inputs of one ECIES-sealed handshake packet. */
struct bts_rlpx_seal_rand {
    uint8_t ecies_seckey[32]; /* ECIES ephemeral key (not the handshake's ephemeral key) */
    uint8_t iv[16];
    const uint8_t *pad; /* EIP-8 padding bytes (100..300 recommended); NULL with pad_len 0 */
    size_t pad_len;
};

/** Initiator: build the auth packet (EIP-8, or the 307-byte legacy form when `legacy` is
 *  non-zero; the legacy form ignores the padding) and keep a copy in h->auth.
 *  Returns: BT_OK, BT_EINVAL (not an initiator, bad key, padding makes it exceed 65535),
 *           BT_ENOMEM.
 *  Out:     out: the packet is appended.
 *  Source:  EIP-8 "auth-packet"; legacy layout from rlpx.md before EIP-8. */
BTS_API bt_status bts_rlpx_auth_make(struct bts_rlpx_handshake *h, struct bts_buf *out,
                                     const struct bts_rlpx_seal_rand *rand,
                                     int legacy) BT_MUST_CHECK;

/** Recipient: read an auth packet from the start of `in` (EIP-8 or legacy, detected as EIP-8
 *  describes: a 307-byte prefix that decrypts is legacy, else the size prefix counts). Checks
 *  the signature and learns the remote id, ephemeral key, nonce and version; extra list
 *  elements and trailing bytes inside the sealed body are ignored (EIP-8).
 *  Returns: BT_OK (*out_used: bytes consumed), BT_ERANGE (incomplete: *out_used is the total
 *           number of bytes needed; call again with more), BT_EPROTO (undecryptable, bad RLP,
 *           bad signature or key), BT_ENOMEM.
 *  Thread:  any. */
BTS_API bt_status bts_rlpx_auth_read(struct bts_rlpx_handshake *h, const uint8_t *in, size_t in_len,
                                     size_t *out_used) BT_MUST_CHECK;

/** Recipient: build the ack packet (EIP-8 if the auth was, else legacy) into `out` and h->ack.
 *  Returns: BT_OK, BT_EINVAL (not a recipient or no auth read yet), BT_ENOMEM. */
BTS_API bt_status bts_rlpx_ack_make(struct bts_rlpx_handshake *h, struct bts_buf *out,
                                    const struct bts_rlpx_seal_rand *rand) BT_MUST_CHECK;

/** Initiator: read the ack packet from the start of `in` (either format).
 *  Returns: as bts_rlpx_auth_read(). */
BTS_API bt_status bts_rlpx_ack_read(struct bts_rlpx_handshake *h, const uint8_t *in, size_t in_len,
                                    size_t *out_used) BT_MUST_CHECK;

/** Derive the connection secrets once auth and ack are both known: ephemeral-key = ECDH(eph,
 *  remote-eph), shared-secret = keccak(ephemeral-key || keccak(recipient-nonce ||
 *  initiator-nonce)), aes-secret, mac-secret, and the egress/ingress MAC states seeded with
 *  (mac-secret ^ nonce) || packet as rlpx.md "MAC" lays out.
 *  Returns: BT_OK, BT_EINVAL (handshake incomplete), BT_EPROTO (bad remote ephemeral key). */
BTS_API bt_status bts_rlpx_secrets_derive(struct bts_rlpx_secrets *out,
                                          const struct bts_rlpx_handshake *h) BT_MUST_CHECK;

/* --- frames ------------------------------------------------------------------------------ */

/** Largest frame-size a 24-bit header can carry. */
#define BTS_RLPX_FRAME_MAX 0xffffffu
/** Bytes of an encrypted frame header: header-ciphertext (16) || header-mac (16). */
#define BTS_RLPX_HEADER_LEN 32

/** An established connection's framing state: AES-256-CTR streams (one per direction, both
 *  keyed with aes-secret and a zero IV), AES-256-ECB with mac-secret for the MAC updates, and
 *  the two Keccak MAC states. Opaque; holds secrets. */
struct bts_rlpx_session;

/** Create a session from derived secrets (copied; wipe yours afterwards).
 *  Returns: BT_OK, BT_ENOMEM (out_s NULL). */
BTS_API bt_status bts_rlpx_session_new(struct bts_rlpx_session **out_s,
                                       const struct bts_rlpx_secrets *sec) BT_MUST_CHECK;
/** Wipe and free; NULL is a no-op. */
BTS_API void bts_rlpx_session_free(struct bts_rlpx_session *s);

/** Encrypt one frame carrying `data` (msg-id || msg-data) and append header-ciphertext ||
 *  header-mac || frame-ciphertext || frame-mac to `out`.
 *  Returns: BT_OK, BT_ERANGE (data_len > BTS_RLPX_FRAME_MAX), BT_ENOMEM (the session is then
 *           unusable: close the connection), BT_EINTERNAL (cipher failure). */
BTS_API bt_status bts_rlpx_frame_write(struct bts_rlpx_session *s, struct bts_buf *out,
                                       const uint8_t *data, size_t data_len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Authenticate and decrypt a frame header (the first BTS_RLPX_HEADER_LEN bytes of a frame).
 *  On success the session expects the body next.
 *  Returns: BT_OK, BT_EPROTO (header MAC mismatch or bad header-data; close the connection),
 *           BT_EINVAL (a body was expected instead: misuse).
 *  Out:     out_body_len: bytes of the encrypted body to read next (padded size + 16).
 *           out_frame_size: the frame-data length the body will yield. */
BTS_API bt_status bts_rlpx_frame_read_header(struct bts_rlpx_session *s,
                                             const uint8_t in[BTS_RLPX_HEADER_LEN],
                                             size_t *out_body_len,
                                             size_t *out_frame_size) BT_MUST_CHECK;

/** Authenticate and decrypt the body announced by the last header; append the frame-data
 *  (frame_size bytes, padding dropped) to `out`.
 *  Returns: BT_OK, BT_EPROTO (frame MAC mismatch), BT_EINVAL (no header read, or body_len
 *           differs from the announced size: misuse), BT_ENOMEM. */
BTS_API bt_status bts_rlpx_frame_read_body(struct bts_rlpx_session *s, const uint8_t *in,
                                           size_t body_len, struct bts_buf *out) BT_MUST_CHECK;

/* --- "p2p" capability messages ----------------------------------------------------------- */

enum {
    BTS_RLPX_MSG_HELLO = 0x00,
    BTS_RLPX_MSG_DISCONNECT = 0x01,
    BTS_RLPX_MSG_PING = 0x02,
    BTS_RLPX_MSG_PONG = 0x03,
    /** First message id of the first shared capability. */
    BTS_RLPX_MSG_BASE = 0x10
};

/** Disconnect reasons (rlpx.md "Disconnect"). */
enum bts_rlpx_reason {
    BTS_RLPX_DISC_REQUESTED = 0x00,
    BTS_RLPX_DISC_NETWORK_ERROR = 0x01,
    BTS_RLPX_DISC_PROTOCOL_ERROR = 0x02,
    BTS_RLPX_DISC_USELESS_PEER = 0x03,
    BTS_RLPX_DISC_TOO_MANY_PEERS = 0x04,
    BTS_RLPX_DISC_ALREADY_CONNECTED = 0x05,
    BTS_RLPX_DISC_INCOMPATIBLE_VERSION = 0x06,
    BTS_RLPX_DISC_INVALID_IDENTITY = 0x07,
    BTS_RLPX_DISC_QUITTING = 0x08,
    BTS_RLPX_DISC_UNEXPECTED_IDENTITY = 0x09,
    BTS_RLPX_DISC_SELF = 0x0a,
    BTS_RLPX_DISC_READ_TIMEOUT = 0x0b,
    BTS_RLPX_DISC_SUBPROTOCOL_ERROR = 0x10
};

/** Text of a reason ("too many peers", ...); "unknown reason" outside the table. Thread: any. */
BTS_API const char *bts_rlpx_reason_str(uint64_t reason);

/** p2p protocol version we speak: 5 (Snappy after Hello, EIP-706). */
#define BTS_RLPX_P2P_VERSION 5
/** Capabilities accepted in one Hello; a peer announcing more is refused. */
#define BTS_RLPX_MAX_CAPS 32
/** Longest capability name (rlpx.md: at most eight ASCII characters). */
#define BTS_RLPX_CAP_NAME_MAX 8
/** Longest client id accepted in a Hello. */
#define BTS_RLPX_CLIENT_ID_MAX 512

struct bts_rlpx_cap {
    char name[BTS_RLPX_CAP_NAME_MAX + 1]; /* NUL-terminated */
    uint32_t version;
};

/** A Hello message. client_id points into the decoded input (borrowed) or the caller's text. */
struct bts_rlpx_hello {
    uint64_t version;
    const uint8_t *client_id;
    size_t client_id_len;
    size_t n_caps;
    struct bts_rlpx_cap caps[BTS_RLPX_MAX_CAPS];
    uint64_t listen_port;
    uint8_t id[64];
};

/** Append the RLP msg-data of a Hello (without the msg-id).
 *  Returns: BT_OK, BT_EINVAL (n_caps too large, empty or over-long cap name), BT_ENOMEM. */
BTS_API bt_status bts_rlpx_hello_encode(struct bts_buf *out,
                                        const struct bts_rlpx_hello *hello) BT_MUST_CHECK;

/** Decode a Hello's msg-data; extra list elements are ignored (EIP-8), and so are bytes after
 *  the list.
 *  Returns: BT_OK, BT_EPROTO (malformed, more than BTS_RLPX_MAX_CAPS caps, name longer than 8
 *           or containing NUL, client id too long, id not 64 bytes).
 *  Out:     out: client_id borrows from `in`. */
BTS_API bt_status bts_rlpx_hello_decode(struct bts_rlpx_hello *out, const uint8_t *in,
                                        size_t in_len) BT_MUST_CHECK;

/** Append a Disconnect's msg-data: [reason]. Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_rlpx_disconnect_encode(struct bts_buf *out, uint64_t reason) BT_MUST_CHECK;

/** Decode a Disconnect's msg-data. Accepts [reason], a bare integer (older clients) and the
 *  empty list (reason 0: requested).
 *  Returns: BT_OK, BT_EPROTO. */
BTS_API bt_status bts_rlpx_disconnect_decode(uint64_t *out_reason, const uint8_t *in,
                                             size_t in_len) BT_MUST_CHECK;

/** Split frame-data into its msg-id (an RLP integer) and msg-data (borrowed, the rest).
 *  Returns: BT_OK, BT_EPROTO (empty or bad msg-id). */
BTS_API bt_status bts_rlpx_msg_split(uint64_t *out_code, const uint8_t **out_data,
                                     size_t *out_data_len, const uint8_t *frame,
                                     size_t frame_len) BT_MUST_CHECK;

/** Append frame-data: the msg-id as an RLP integer, then `data` unchanged (already compressed
 *  by the caller for p2p version >= 5, after Hello). Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_rlpx_msg_build(struct bts_buf *out, uint64_t code, const uint8_t *data,
                                     size_t data_len) BT_MUST_CHECK BT_NONNULL(1);

/** A capability both sides speak, with its place in the message-id space. */
struct bts_rlpx_shared_cap {
    struct bts_rlpx_cap cap;
    uint64_t offset; /* first message id */
    uint64_t length; /* message ids it uses */
};

/** Negotiate capabilities (rlpx.md "Message ID-based Multiplexing"): keep each name that both
 *  lists carry with an equal version, the highest such version per name, order by name, and
 *  give each its message-id range from BTS_RLPX_MSG_BASE on.
 *  Returns: BT_OK (*out_n may be 0: nothing shared, disconnect as useless peer).
 *  Out:     out: at most BTS_RLPX_MAX_CAPS entries; out_n.
 *  In:      local, lengths, n_local: our capabilities and how many message ids each uses.
 *           remote, n_remote: from the peer's Hello. */
BTS_API bt_status bts_rlpx_caps_negotiate(struct bts_rlpx_shared_cap *out, size_t *out_n,
                                          const struct bts_rlpx_cap *local, const uint64_t *lengths,
                                          size_t n_local, const struct bts_rlpx_cap *remote,
                                          size_t n_remote) BT_MUST_CHECK BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* BTS_RLPX_H */
