/* The RLPx session state machine (sess_int.h). Source of the rules: ethereum/devp2p rlpx.md
 * (handshake, framing, Hello, Disconnect), EIP-8 (forward-compatible handshake), EIP-706
 * (Snappy after Hello for p2p version >= 5; the declared decompressed size is checked against
 * the message limit before the output is allocated, as go-ethereum p2p/rlpx does). */
#include "sess_int.h"

#include <stdlib.h>
#include <string.h>

#include <snappy-c.h>

static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
}

static bt_status fail(struct sess *s, const char *why)
{
    if (!s->error)
        s->error = why;
    sess_disconnect(s, BTS_RLPX_DISC_PROTOCOL_ERROR);
    return BT_EPROTO;
}

/* Random inputs of one sealed handshake packet: EIP-8 padding of 100..199 bytes. */
static void seal_rand(const struct sess *s, struct bts_rlpx_seal_rand *r, uint8_t pad[200])
{
    s->cfg->rand(r->ecies_seckey, sizeof(r->ecies_seckey));
    s->cfg->rand(r->iv, sizeof(r->iv));
    uint8_t n;
    s->cfg->rand(&n, 1);
    s->cfg->rand(pad, 200);
    r->pad = pad;
    r->pad_len = 100 + (size_t)(n % 100);
}

/* A valid secp256k1 key from the random source (a zero or >= n draw is astronomically rare;
 * the SDK refuses it and we draw again). */
static void rand_key(const struct sess *s, uint8_t key[32], int attempt)
{
    s->cfg->rand(key, 32);
    if (attempt > 0)
        key[0] &= 0x7f; /* certainly below n */
}

bt_status sess_init(struct sess *s, const struct sess_cfg *cfg, const struct sess_events *ev,
                    const uint8_t *remote_id)
{
    memset(s, 0, sizeof(*s));
    s->cfg = cfg;
    s->ev = *ev;
    bts_buf_init(&s->in);
    bts_buf_init(&s->out);
    s->is_initiator = remote_id != NULL;
    uint8_t eph[32], nonce[32];
    bt_status st = BT_EINVAL;
    for (int attempt = 0; attempt < 2 && st == BT_EINVAL; attempt++) {
        rand_key(s, eph, attempt);
        cfg->rand(nonce, sizeof(nonce));
        st = remote_id
                 ? bts_rlpx_handshake_init_initiator(&s->hs, cfg->seckey, remote_id, eph, nonce)
                 : bts_rlpx_handshake_init_recipient(&s->hs, cfg->seckey, eph, nonce);
    }
    wipe(eph, sizeof(eph));
    if (st != BT_OK)
        return st;
    if (!remote_id) {
        s->state = SESS_AUTH_WAIT;
        return BT_OK;
    }
    memcpy(s->remote_id, remote_id, 64);
    struct bts_rlpx_seal_rand r;
    uint8_t pad[200];
    seal_rand(s, &r, pad);
    st = bts_rlpx_auth_make(&s->hs, &s->out, &r, 0);
    wipe(&r, sizeof(r));
    s->state = SESS_ACK_WAIT;
    return st;
}

void sess_free(struct sess *s)
{
    bts_rlpx_handshake_clear(&s->hs);
    bts_rlpx_session_free(s->rs);
    s->rs = NULL;
    bts_buf_free(&s->in);
    bts_buf_free(&s->out);
}

size_t sess_frame_limit(const struct sess *s)
{
    if (s->state != SESS_ACTIVE)
        return SESS_PRE_HELLO_MAX;
    size_t max = SESS_BASE_MSG_MAX;
    for (size_t i = 0; i < s->n_shared; i++) {
        size_t m = s->cfg->caps[s->shared_local[i]].max_msg;
        if (m > max)
            max = m;
    }
    /* msg-id (at most 9 bytes) + the message, compressed (Snappy can expand a little). */
    return 16 + (s->is_snappy ? snappy_max_compressed_length(max) : max);
}

/* Frame msg-id || data, compressing data when Snappy is on, and encrypt it into s->out. */
static bt_status send_raw(struct sess *s, uint64_t code, const uint8_t *data, size_t len,
                          int may_compress)
{
    struct bts_buf frame;
    bts_buf_init(&frame);
    bt_status st;
    if (may_compress && s->is_snappy) {
        size_t clen = snappy_max_compressed_length(len);
        st = bts_rlpx_msg_build(&frame, code, NULL, 0);
        if (st == BT_OK)
            st = bts_buf_reserve(&frame, clen);
        if (st == BT_OK) {
            char *dst = (char *)frame.data + frame.len;
            if (snappy_compress((const char *)data, len, dst, &clen) != SNAPPY_OK)
                st = BT_EINTERNAL;
            else
                frame.len += clen;
        }
    } else {
        st = bts_rlpx_msg_build(&frame, code, data, len);
    }
    size_t before = s->out.len;
    if (st == BT_OK)
        st = bts_rlpx_frame_write(s->rs, &s->out, frame.data, frame.len);
    size_t frame_len = frame.len;
    bts_buf_free(&frame);
    if (st == BT_OK) {
        s->bytes_out += s->out.len - before;
        s->msgs_out++;
        if (s->on_wire)
            s->on_wire(s->ev.arg, s, code, frame_len, 1);
    }
    return st;
}

static bt_status send_hello(struct sess *s)
{
    struct bts_rlpx_hello h;
    memset(&h, 0, sizeof(h));
    h.version = BTS_RLPX_P2P_VERSION;
    h.client_id = (const uint8_t *)s->cfg->client_id;
    h.client_id_len = strlen(s->cfg->client_id);
    h.n_caps = s->cfg->n_caps;
    for (size_t i = 0; i < s->cfg->n_caps && i < BTS_RLPX_MAX_CAPS; i++)
        h.caps[i] = s->cfg->caps[i].cap;
    h.listen_port = s->cfg->listen_port;
    memcpy(h.id, s->cfg->our_id, 64);
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = bts_rlpx_hello_encode(&b, &h);
    if (st == BT_OK)
        st = send_raw(s, BTS_RLPX_MSG_HELLO, b.data, b.len, 0);
    bts_buf_free(&b);
    return st;
}

/* Both packets are known: derive the secrets, start framing and send our Hello. */
static bt_status start_framing(struct sess *s)
{
    struct bts_rlpx_secrets sec;
    bt_status st = bts_rlpx_secrets_derive(&sec, &s->hs);
    if (st == BT_OK)
        st = bts_rlpx_session_new(&s->rs, &sec);
    wipe(&sec, sizeof(sec));
    if (st == BT_EPROTO)
        return fail(s, "bad ephemeral key");
    if (st != BT_OK)
        return st;
    memcpy(s->remote_id, s->hs.remote_id, 64);
    bts_rlpx_handshake_clear(&s->hs); /* the ephemeral secrets are no longer needed */
    s->state = SESS_HELLO_WAIT;
    return send_hello(s);
}

/* Auth (recipient) or ack (initiator). *used: bytes consumed, 0 when more are needed. */
static bt_status on_handshake(struct sess *s, size_t *used)
{
    *used = 0;
    size_t n = 0;
    bt_status st = s->state == SESS_AUTH_WAIT
                       ? bts_rlpx_auth_read(&s->hs, s->in.data, s->in.len, &n)
                       : bts_rlpx_ack_read(&s->hs, s->in.data, s->in.len, &n);
    if (st == BT_ERANGE)
        return n > SESS_HANDSHAKE_MAX ? fail(s, "handshake packet too large") : BT_OK;
    if (st == BT_EPROTO)
        return fail(s, s->state == SESS_AUTH_WAIT ? "bad auth packet" : "bad ack packet");
    if (st != BT_OK)
        return st;
    *used = n;
    if (s->state == SESS_AUTH_WAIT) {
        struct bts_rlpx_seal_rand r;
        uint8_t pad[200];
        seal_rand(s, &r, pad);
        st = bts_rlpx_ack_make(&s->hs, &s->out, &r);
        wipe(&r, sizeof(r));
        if (st != BT_OK)
            return st;
    }
    return start_framing(s);
}

static bt_status on_hello(struct sess *s, const uint8_t *data, size_t len)
{
    struct bts_rlpx_hello h;
    if (bts_rlpx_hello_decode(&h, data, len) != BT_OK)
        return fail(s, "bad hello");
    if (memcmp(h.id, s->remote_id, 64) != 0) {
        s->error = "hello id differs from the handshake's";
        sess_disconnect(s, BTS_RLPX_DISC_UNEXPECTED_IDENTITY);
        return BT_EPROTO;
    }
    s->remote_version = h.version;
    size_t n = h.client_id_len < BTS_RLPX_CLIENT_ID_MAX ? h.client_id_len : BTS_RLPX_CLIENT_ID_MAX;
    for (size_t i = 0; i < n; i++) /* printable ASCII only: it ends up in logs and RPC */
        s->remote_client[i] =
            h.client_id[i] >= 0x20 && h.client_id[i] < 0x7f ? (char)h.client_id[i] : '?';
    s->remote_client[n] = 0;
    s->remote_port = h.listen_port;
    s->n_remote_caps = h.n_caps;
    memcpy(s->remote_caps, h.caps, h.n_caps * sizeof(h.caps[0]));
    struct bts_rlpx_cap local[BTS_RLPX_MAX_CAPS];
    uint64_t lens[BTS_RLPX_MAX_CAPS];
    size_t nl = s->cfg->n_caps < BTS_RLPX_MAX_CAPS ? s->cfg->n_caps : BTS_RLPX_MAX_CAPS;
    for (size_t i = 0; i < nl; i++) {
        local[i] = s->cfg->caps[i].cap;
        lens[i] = s->cfg->caps[i].length;
    }
    if (bts_rlpx_caps_negotiate(s->shared, &s->n_shared, local, lens, nl, h.caps, h.n_caps) !=
        BT_OK)
        return fail(s, "capability negotiation failed");
    for (size_t i = 0; i < s->n_shared; i++)
        for (size_t j = 0; j < nl; j++)
            if (strcmp(local[j].name, s->shared[i].cap.name) == 0 &&
                local[j].version == s->shared[i].cap.version)
                s->shared_local[i] = j;
    s->is_snappy = h.version >= 5;
    s->state = SESS_ACTIVE;
    if (s->n_shared == 0) {
        s->error = "no shared capability";
        sess_disconnect(s, BTS_RLPX_DISC_USELESS_PEER);
        return BT_OK;
    }
    int reason = s->ev.on_hello ? s->ev.on_hello(s->ev.arg, s) : 0;
    if (reason)
        sess_disconnect(s, (uint64_t)reason);
    return BT_OK;
}

/* The size limit of message `code` (absolute), or 0 for an id no shared capability uses. */
static size_t msg_limit(const struct sess *s, uint64_t code, size_t *out_cap)
{
    if (code < BTS_RLPX_MSG_BASE)
        return SESS_BASE_MSG_MAX;
    for (size_t i = 0; i < s->n_shared; i++) {
        if (code >= s->shared[i].offset && code - s->shared[i].offset < s->shared[i].length) {
            *out_cap = i;
            return s->cfg->caps[s->shared_local[i]].max_msg;
        }
    }
    return 0;
}

static bt_status dispatch(struct sess *s, uint64_t code, const uint8_t *data, size_t len,
                          size_t cap)
{
    int reason = 0;
    switch (code) {
    case BTS_RLPX_MSG_HELLO:
        return fail(s, "second hello");
    case BTS_RLPX_MSG_DISCONNECT: {
        uint64_t r = 0;
        if (bts_rlpx_disconnect_decode(&r, data, len) != BT_OK)
            r = BTS_RLPX_DISC_REQUESTED; /* still a disconnect; the peer is gone either way */
        s->has_disc = 1;
        s->is_disc_remote = 1;
        s->disc_reason = r;
        s->state = SESS_CLOSED;
        return BT_OK;
    }
    case BTS_RLPX_MSG_PING: {
        static const uint8_t empty[] = {0xc0};
        return send_raw(s, BTS_RLPX_MSG_PONG, empty, 1, 1);
    }
    case BTS_RLPX_MSG_PONG:
        if (s->ev.on_pong)
            s->ev.on_pong(s->ev.arg, s);
        return BT_OK;
    default:
        if (code < BTS_RLPX_MSG_BASE)
            return BT_OK; /* reserved p2p ids: ignored, as go-ethereum does */
        reason = s->ev.on_msg
                     ? s->ev.on_msg(s->ev.arg, s, cap, code - s->shared[cap].offset, data, len)
                     : 0;
        if (reason)
            sess_disconnect(s, (uint64_t)reason);
        return BT_OK;
    }
}

/* One decrypted frame: msg-id || msg-data. */
static bt_status on_frame(struct sess *s, const uint8_t *frame, size_t frame_len)
{
    uint64_t code;
    const uint8_t *data;
    size_t len;
    if (bts_rlpx_msg_split(&code, &data, &len, frame, frame_len) != BT_OK)
        return fail(s, "bad message id");
    s->msgs_in++;
    if (s->on_wire)
        s->on_wire(s->ev.arg, s, code, frame_len, 0);
    if (s->state == SESS_HELLO_WAIT) {
        if (code == BTS_RLPX_MSG_HELLO)
            return on_hello(s, data, len);
        if (code == BTS_RLPX_MSG_DISCONNECT)
            return dispatch(s, code, data, len, 0); /* uncompressed before Hello */
        return fail(s, "message before hello");
    }
    size_t cap = 0, limit = msg_limit(s, code, &cap);
    if (limit == 0)
        return fail(s, "message id of no shared capability");
    if (!s->is_snappy) {
        if (len > limit)
            return fail(s, "message too large");
        return dispatch(s, code, data, len, cap);
    }
    size_t ulen;
    /* @ethereumjs/devp2p sends Disconnect uncompressed even after a v5 Hello (and on
     * receipt retries that one message raw itself). Its payload, RLP of the reason, is never
     * valid Snappy, so a Disconnect that does not decompress is taken raw: the peer is
     * leaving, not misbehaving, and must not be banned for it. */
    if (code == BTS_RLPX_MSG_DISCONNECT && len <= SESS_BASE_MSG_MAX &&
        (snappy_uncompressed_length((const char *)data, len, &ulen) != SNAPPY_OK || ulen > limit ||
         snappy_validate_compressed_buffer((const char *)data, len) != SNAPPY_OK))
        return dispatch(s, code, data, len, cap);
    if (snappy_uncompressed_length((const char *)data, len, &ulen) != SNAPPY_OK)
        return fail(s, "bad snappy header");
    if (ulen > limit)
        return fail(s, "message too large"); /* checked before allocating */
    uint8_t *u = malloc(ulen ? ulen : 1);
    if (!u)
        return BT_ENOMEM;
    bt_status st;
    if (snappy_uncompress((const char *)data, len, (char *)u, &ulen) != SNAPPY_OK)
        st = fail(s, "bad snappy data");
    else
        st = dispatch(s, code, u, ulen, cap);
    free(u);
    return st;
}

/* Frames: header (32 bytes), then its body. *used: bytes consumed (0: need more). */
static bt_status on_framed(struct sess *s, size_t *used)
{
    *used = 0;
    if (!s->has_header) {
        if (s->in.len < BTS_RLPX_HEADER_LEN)
            return BT_OK;
        if (bts_rlpx_frame_read_header(s->rs, s->in.data, &s->body_len, &s->frame_size) != BT_OK)
            return fail(s, "bad frame header");
        if (s->frame_size > sess_frame_limit(s))
            return fail(s, "frame too large");
        s->has_header = 1;
        *used = BTS_RLPX_HEADER_LEN;
        return BT_OK;
    }
    if (s->in.len < s->body_len)
        return BT_OK;
    struct bts_buf frame;
    bts_buf_init(&frame);
    bt_status st = bts_rlpx_frame_read_body(s->rs, s->in.data, s->body_len, &frame);
    s->has_header = 0;
    *used = s->body_len;
    if (st == BT_EPROTO)
        st = fail(s, "bad frame mac");
    else if (st == BT_OK)
        st = on_frame(s, frame.data, frame.len);
    bts_buf_free(&frame);
    return st;
}

static void consume(struct sess *s, size_t n)
{
    memmove(s->in.data, s->in.data + n, s->in.len - n);
    s->in.len -= n;
    s->in.data[s->in.len] = 0;
}

bt_status sess_feed(struct sess *s, const uint8_t *data, size_t len)
{
    if (s->state == SESS_CLOSED)
        return BT_OK; /* whatever follows a Disconnect is ignored */
    s->bytes_in += len;
    bt_status st = bts_buf_append(&s->in, data, len);
    while (st == BT_OK && s->state != SESS_CLOSED) {
        size_t used = 0;
        if (s->state == SESS_AUTH_WAIT || s->state == SESS_ACK_WAIT)
            st = on_handshake(s, &used);
        else
            st = on_framed(s, &used);
        if (used == 0)
            break;
        consume(s, used);
    }
    if (st != BT_OK)
        s->state = SESS_CLOSED;
    return st;
}

bt_status sess_send(struct sess *s, size_t cap, uint64_t code, const uint8_t *data, size_t len)
{
    if (s->state != SESS_ACTIVE || cap >= s->n_shared || code >= s->shared[cap].length)
        return BT_EINVAL;
    if (len > s->cfg->caps[s->shared_local[cap]].max_msg)
        return BT_ERANGE;
    return send_raw(s, s->shared[cap].offset + code, data, len, 1);
}

bt_status sess_ping(struct sess *s)
{
    static const uint8_t empty[] = {0xc0};
    if (s->state != SESS_ACTIVE)
        return BT_EINVAL;
    return send_raw(s, BTS_RLPX_MSG_PING, empty, 1, 1);
}

void sess_disconnect(struct sess *s, uint64_t reason)
{
    if (s->state == SESS_CLOSED)
        return;
    if (!s->has_disc) {
        s->has_disc = 1;
        s->disc_reason = reason;
    }
    if (s->rs && (s->state == SESS_HELLO_WAIT || s->state == SESS_ACTIVE)) {
        struct bts_buf b;
        bts_buf_init(&b);
        if (bts_rlpx_disconnect_encode(&b, reason) == BT_OK)
            (void)send_raw(s, BTS_RLPX_MSG_DISCONNECT, b.data, b.len, s->state == SESS_ACTIVE);
        bts_buf_free(&b);
    }
    s->state = SESS_CLOSED;
}

int sess_find_cap(const struct sess *s, const char *name)
{
    for (size_t i = 0; i < s->n_shared; i++)
        if (strcmp(s->shared[i].cap.name, name) == 0)
            return (int)i;
    return -1;
}
