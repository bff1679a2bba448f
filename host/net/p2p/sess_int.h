/* One RLPx session as a byte-in/byte-out state machine, without sockets or clocks: the EIP-8
 * auth/ack handshake, frames, the devp2p Hello with capability negotiation, Ping/Pong,
 * Disconnect and Snappy (p2p v5, EIP-706). The connection layer (conn.c) feeds it what the
 * socket read and sends what it queued; the fuzzer (fuzz_p2p_session) feeds it directly.
 * Every size is checked before anything is allocated for it. Loop thread (one session per
 * thread). */
#ifndef BTTCD_P2P_SESS_INT_H
#define BTTCD_P2P_SESS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bts/buf.h>
#include <bts/rlpx.h>

/** Largest frame accepted before the peer's Hello (a Hello with 32 capabilities and a 512-byte
 *  client id fits in 2 KiB; devp2p keeps the Hello small). */
#define SESS_PRE_HELLO_MAX 16384
/** Largest p2p-capability message (Hello, Disconnect, Ping, Pong) after decompression. */
#define SESS_BASE_MSG_MAX 16384
/** Handshake packets: 2-byte size prefix + at most 65535 bytes (EIP-8). */
#define SESS_HANDSHAKE_MAX (2 + 65535)

enum sess_state {
    SESS_AUTH_WAIT = 0,  /* recipient: waiting for the auth packet */
    SESS_ACK_WAIT = 1,   /* initiator: auth sent, waiting for the ack */
    SESS_HELLO_WAIT = 2, /* framed; our Hello sent, waiting for theirs */
    SESS_ACTIVE = 3,     /* Hello exchanged, capabilities negotiated */
    SESS_CLOSED = 4      /* Disconnect sent or received, or a fatal error */
};

/** A local capability: name/version, the message ids it uses, and its largest message. */
struct sess_cap {
    struct bts_rlpx_cap cap;
    uint64_t length;
    size_t max_msg;
};

struct sess;

/** What the session reports to its owner. Each callback returns 0 to go on, or a disconnect
 *  reason (enum bts_rlpx_reason) to end the session with; callbacks must not free `s`. */
struct sess_events {
    /** The peer's Hello arrived and capabilities were negotiated (s->shared, s->n_shared). */
    int (*on_hello)(void *arg, struct sess *s);
    /** A capability message: `cap` indexes s->shared, `code` is relative to its offset, data is
     *  decompressed and borrowed for the call. */
    int (*on_msg)(void *arg, struct sess *s, size_t cap, uint64_t code, const uint8_t *data,
                  size_t len);
    /** A Pong (answers our Ping). NULL: ignored. */
    void (*on_pong)(void *arg, struct sess *s);
    void *arg;
};

/** Fixed inputs of a session; borrowed for its life. */
struct sess_cfg {
    const uint8_t *seckey; /* 32 bytes: the node key */
    const uint8_t *our_id; /* 64 bytes */
    const char *client_id;
    uint16_t listen_port;
    const struct sess_cap *caps; /* our capabilities */
    size_t n_caps;
    /** Fill buf with n random bytes (ephemeral keys, nonces, IVs, padding). */
    void (*rand)(void *buf, size_t n);
};

struct sess {
    enum sess_state state;
    int is_initiator;
    const struct sess_cfg *cfg;
    struct sess_events ev;
    struct bts_rlpx_handshake hs;
    struct bts_rlpx_session *rs; /* after the handshake */
    struct bts_buf in;           /* bytes received, not consumed yet */
    struct bts_buf out;          /* bytes to send (the owner drains it) */
    int has_header;              /* a frame header was read; waiting for its body */
    size_t body_len, frame_size;
    int is_snappy; /* both sides speak p2p v5: messages after Hello are compressed */
    uint8_t remote_id[64];
    uint64_t remote_version;
    char remote_client[BTS_RLPX_CLIENT_ID_MAX + 1]; /* printable copy of its client id */
    uint64_t remote_port;
    struct bts_rlpx_cap remote_caps[BTS_RLPX_MAX_CAPS];
    size_t n_remote_caps;
    struct bts_rlpx_shared_cap shared[BTS_RLPX_MAX_CAPS];
    size_t shared_local[BTS_RLPX_MAX_CAPS]; /* index into cfg->caps of each shared entry */
    size_t n_shared;
    int has_disc;         /* a Disconnect was sent or received */
    int is_disc_remote;   /* ... by the peer */
    uint64_t disc_reason; /* its reason */
    const char *error;    /* why we closed (static text), NULL if not us for an error */
    uint64_t bytes_in, bytes_out, msgs_in, msgs_out;
    /** Set by the owner after sess_init (metrics; NULL: none): every framed message sent or
     *  received, its absolute msg-id and the frame's msg-id || payload size as on the wire
     *  (after Snappy, before padding and MAC), before the message is handled. arg: ev.arg. */
    void (*on_wire)(void *arg, struct sess *s, uint64_t code, size_t wire_len, int is_out);
};

/** Start a session. initiator: remote_id (64 bytes) is the node we dial; the auth packet is
 *  queued in s->out. Recipient: remote_id NULL.
 *  Returns: BT_OK, BT_EINVAL (bad key), BT_ENOMEM. Free with sess_free (also on failure). */
bt_status sess_init(struct sess *s, const struct sess_cfg *cfg, const struct sess_events *ev,
                    const uint8_t *remote_id);
/** Wipe the secrets and free the buffers. */
void sess_free(struct sess *s);

/** Feed received bytes. Processes every complete packet/frame (callbacks run from here).
 *  Returns: BT_OK (maybe closed by the peer's Disconnect or a callback: check s->state),
 *           BT_EPROTO (the peer broke the protocol; a Disconnect is queued when framed; s->error
 *           says why), BT_ENOMEM. After anything but BT_OK the session is SESS_CLOSED. */
bt_status sess_feed(struct sess *s, const uint8_t *data, size_t len);

/** Queue a capability message: `cap` indexes s->shared, `code` relative to its offset.
 *  Returns: BT_OK, BT_EINVAL (not active, bad cap or code), BT_ERANGE (over the capability's
 *  max_msg), BT_ENOMEM. */
bt_status sess_send(struct sess *s, size_t cap, uint64_t code, const uint8_t *data, size_t len);

/** Queue a Ping (active sessions). Returns: BT_OK, BT_EINVAL, BT_ENOMEM. */
bt_status sess_ping(struct sess *s);

/** Queue a Disconnect with `reason` (when framed) and close. No-op when already closed. */
void sess_disconnect(struct sess *s, uint64_t reason);

/** Index into s->shared of capability `name` (any version), or -1. */
int sess_find_cap(const struct sess *s, const char *name);

/** Largest frame size the session accepts now (before/after Hello). */
size_t sess_frame_limit(const struct sess *s);

#endif /* BTTCD_P2P_SESS_INT_H */
