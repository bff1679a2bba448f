/* Delivery's BFT engine: the Tendermint algorithm ("The latest gossip on BFT consensus",
 * Buchman, Kwon, Milosevic, arXiv 1807.04938, Algorithm 1) written as a pure state machine.
 *
 * Inputs are events: a received message (bft_engine_on_message), a timer expiry
 * (bft_engine_on_timeout), the application's answers (bft_engine_on_value: here is a value to
 * propose; bft_engine_on_valid: this proposed value is / is not valid). Outputs are actions
 * appended to a caller-owned struct bft_actions: broadcast a message, schedule a timer, ask the
 * application for a value or a validity verdict, commit a decision, report evidence, send a
 * lagging peer the commit of an earlier height. The engine does no I/O, reads no clock and
 * allocates only in bft_engine_init; the host (later: the consensus-bttc plugin over dlv/1
 * p2p topics; today: tests/sim) carries out the actions.
 *
 * Values are 32-byte ids (block hashes): the engine agrees on an id, the host moves the block
 * itself. Signatures come from a signer callback (later the host signer service by key id) and
 * are checked by a verify callback. Before any signature the engine writes its double-sign
 * guard record through the WAL callback; after a restart from that record it never signs a
 * vote or proposal that conflicts with one it may already have sent.
 *
 * Deviation from Algorithm 1 (documented for the p2p integration): a decision needs +2/3
 * precommits for a value id, not the proposal itself (line 49), since +2/3 precommits mean at
 * least one honest validator found the value valid; the host fetches the block by id. This
 * lets a validator that missed the proposal, or catches up from a commit certificate, decide.
 *
 * Thread: an engine is used by one thread at a time. */
#ifndef BTTC_BFT_H
#define BTTC_BFT_H

#include <stddef.h>
#include <stdint.h>

#include <bts/common.h>
#include <bts/valset.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Message types on dlv/1 (their RLP code). */
enum bft_type { BFT_PROPOSAL = 1, BFT_PREVOTE = 2, BFT_PRECOMMIT = 3 };

/** Steps of a round (Algorithm 1's step variable). */
enum bft_step { BFT_STEP_PROPOSE = 0, BFT_STEP_PREVOTE = 1, BFT_STEP_PRECOMMIT = 2 };

/** Timers the engine asks for. */
enum bft_timer {
    BFT_TIMER_PROPOSE = 0,
    BFT_TIMER_PREVOTE = 1,
    BFT_TIMER_PRECOMMIT = 2,
    BFT_TIMER_REBROADCAST = 3
};

/** Largest round number accepted (rounds above are malformed). */
#define BFT_MAX_ROUND (1u << 30)
/** Largest validator set the engine runs. */
#define BFT_MAX_VALIDATORS 256
/** Capacity of an action list; one input never produces more (see bft_actions.overflow). */
#define BFT_MAX_ACTIONS 48
/** Size of a signature (secp256k1 r || s || v). */
#define BFT_SIG_LEN 65
/** Largest encoded dlv/1 message without an extension, and largest sign bytes. */
#define BFT_MSG_MAX 192
/** Largest precommit extension blob (the side-tx results, PROTOCOL.md §4.1 step 3). */
#define BFT_EXT_MAX 2048
/** Hard cap of any encoded dlv/1 consensus message (with its extension); anything longer is
 *  refused before decoding. */
#define BFT_WIRE_MAX (BFT_MSG_MAX + BFT_EXT_MAX + 3)

/** One consensus message (decoded form). Votes for nil have has_value 0 and a zero value.
 *  pol_round is -1 ("no proof of lock") for proposals without one and always -1 for votes. */
struct bft_msg {
    uint8_t type; /* enum bft_type */
    uint8_t has_value;
    uint64_t height;
    int32_t round;
    int32_t pol_round;
    uint8_t value[32];
    uint32_t validator; /* index in the height's validator set (sorted by address) */
    uint8_t sig[BFT_SIG_LEN];
    /* Precommits for a value may carry an extension (the side-tx results of the previous
     * height, §4.1): an opaque blob that travels with the message on the wire and whose keccak
     * hash is kept here and bound into the sign bytes. All zero: no extension. The engine only
     * ever sees the hash; the host keeps the blobs (by hash) to relay votes and store the
     * commit certificate with them. */
    uint8_t ext_hash[32];
};

/** Our last signature of one type: (height, round) and the value signed (height 0: none). */
struct bft_wal_sig {
    uint64_t height;
    int32_t round;
    uint8_t has_value;
    uint8_t value[32];
    uint8_t ext_hash[32]; /* precommits: the extension signed (re-signed unchanged) */
};

/** The double-sign guard record, written through wal_write before every new signature (and
 *  read back by the host after a restart). Per type, the last (height, round, value) signed:
 *  the engine never signs that type at a lower (height, round), nor another value at the same
 *  one (privval's height/round/step rule, per type). It also carries the lock, so a restarted
 *  validator keeps the proof-of-lock rules it was bound by, and after a restart at the same
 *  height the engine signs the recorded votes again (same values) so peers that missed them
 *  can still count them. */
struct bft_wal_rec {
    struct bft_wal_sig last[3]; /* by enum bft_type - 1 */
    uint64_t round_height;      /* the highest round entered at that height (written when a */
    int32_t round_entered;      /* round above 0 starts: a restart must not fall behind it) */
    uint64_t lock_height;       /* height the lock belongs to */
    int32_t locked_round;       /* -1: none */
    uint8_t locked_value[32];
    /* The lock's proof: the +2/3 prevotes for locked_value in locked_round. In wal_write it is
     * borrowed for the call (the host copies it); in bft_engine_init it is read and copied.
     * Without it a validator locked before a crash could never show others why it is locked,
     * and with its peers also having lost the prevotes, the height would stall. */
    const struct bft_msg *lock_pol;
    size_t lock_pol_n;
};

/** Action kinds. */
enum bft_action_kind {
    BFT_ACT_BROADCAST = 1, /* send msg to every validator (signed; encode with bft_msg_encode);
                              msg.validator may be another's: a relayed vote */
    BFT_ACT_TIMER,         /* call bft_engine_on_timeout(timer, height, round) after delay_ms */
    BFT_ACT_GET_VALUE,     /* answer bft_engine_on_value(height, round, value) */
    BFT_ACT_VALIDATE,      /* answer bft_engine_on_valid(height, round, value, ok) */
    BFT_ACT_COMMIT,        /* value decided at height (cert: the +2/3 precommits) */
    BFT_ACT_EVIDENCE,      /* msg and msg2: the same signer, height, round, type, two values */
    BFT_ACT_CATCHUP        /* peer `validator` is at `height` below ours: send it the commit
                              certificate of that height (bft_engine_on_commit_cert) */
};

/** One action. Fields used per kind are noted on enum bft_action_kind. */
struct bft_action {
    enum bft_action_kind kind;
    enum bft_timer timer;
    uint64_t height;
    int32_t round;
    uint64_t delay_ms;
    uint32_t validator;
    uint8_t value[32];
    struct bft_msg msg;
    struct bft_msg msg2;
    const struct bft_msg *cert; /* COMMIT: borrowed, valid until the next engine call */
    size_t cert_n;
};

/** The caller-owned output list; set n = 0 before a call (the engine appends). overflow counts
 *  actions lost to a full list (never expected: a bug if non-zero). */
struct bft_actions {
    struct bft_action a[BFT_MAX_ACTIONS];
    size_t n;
    size_t overflow;
};

/** Sign `bytes` (the sign bytes of a message, bft_msg_sign_bytes) into sig.
 *  Returns BT_OK or an error (the engine then stays silent for that step). */
typedef bt_status (*bft_sign_fn)(void *ctx, const uint8_t *bytes, size_t len,
                                 uint8_t sig[BFT_SIG_LEN]);
/** Return 1 if `sig` is validator `index`'s (address `address`) signature over `bytes`. */
typedef int (*bft_verify_fn)(void *ctx, uint32_t index, const uint8_t address[20],
                             const uint8_t *bytes, size_t len, const uint8_t sig[BFT_SIG_LEN]);
/** The extension hash to put into our precommits for a value at `height` (the host built the
 *  blob and keeps it by hash); all zero: none. Asked once per precommit signature; after a
 *  restart a precommit of the recorded (height, round) reuses the recorded hash instead. */
typedef void (*bft_ext_fn)(void *ctx, uint64_t height, uint8_t out_hash[32]);
/** Durably store the guard record (fsync'd before returning BT_OK). Called before every new
 *  signature and when a round above 0 starts. */
typedef bt_status (*bft_wal_fn)(void *ctx, const struct bft_wal_rec *rec);

/** Configuration. Timeouts of round r are base + r * delta milliseconds (Tendermint's
 *  timeout_propose / _prevote / _precommit and their _delta). */
struct bft_config {
    const char *chain_id; /* bound into the sign bytes, e.g. "delivery-199" */
    int32_t self;         /* our index in the validator set, -1: observer (never signs) */
    uint64_t propose_base_ms, propose_delta_ms;
    uint64_t prevote_base_ms, prevote_delta_ms;
    uint64_t precommit_base_ms, precommit_delta_ms;
    uint64_t rebroadcast_ms; /* re-send our current-round messages (lossy links); 0: never */
    bft_sign_fn sign;
    bft_verify_fn verify;
    bft_wal_fn wal_write;
    bft_ext_fn ext; /* optional (NULL: precommits carry no extension) */
    void *ctx;      /* passed to the callbacks */
};

struct bft_engine; /* opaque */

/** Create an engine at `height` (the first height not yet committed) with the validator set of
 *  that height, whose priorities are already incremented for it (the round-0 proposer is the
 *  set's proposer; round r's proposer is the set incremented r more times, PROTOCOL.md §4.4).
 *  `wal` is the last guard record (NULL: none); when it has signatures at `height`, the engine
 *  starts at their highest round, at the step they reached, and keeps the lock. Call
 * bft_engine_start next. Returns: BT_OK; BT_EINVAL (empty set, set above BFT_MAX_VALIDATORS, self
 * out of range, height 0, missing callbacks); BT_ENOMEM. Out: out_e: free with bft_engine_free. In:
 * cfg (copied; chain_id must outlive the engine), set and wal borrowed. */
bt_status bft_engine_init(struct bft_engine **out_e, const struct bft_config *cfg, uint64_t height,
                          const struct bts_valset *set,
                          const struct bft_wal_rec *wal) BT_MUST_CHECK;

/** Release an engine (NULL is fine). */
void bft_engine_free(struct bft_engine *e);

/** Start the first round (Algorithm 1 StartRound). Returns BT_OK. */
bt_status bft_engine_start(struct bft_engine *e, struct bft_actions *out);

/** Feed a received message (already decoded by bft_msg_decode). Messages of other heights are
 *  dropped (a lower height from a validator produces BFT_ACT_CATCHUP).
 *  Returns: BT_OK (used, or harmlessly ignored: duplicate, old round, another height);
 *           BT_EINVAL (validator index out of range, proposal from a non-proposer, bad pol);
 *           BT_EPROTO (bad signature). */
bt_status bft_engine_on_message(struct bft_engine *e, const struct bft_msg *m,
                                struct bft_actions *out);

/** A commit certificate for the current height (what a peer sends for BFT_ACT_CATCHUP, or a
 *  block's commit during sync): n precommits of distinct validators for one value in one round
 *  with more than 2/3 of the power, each signature verified. It is checked as a whole, apart
 *  from the vote books (an equivocator's vote there must not hide its vote in the certificate),
 *  and decides the height.
 *  Returns: BT_OK (decided, or for another height: ignored); BT_EINVAL (not such a
 *           certificate); BT_EPROTO (a bad signature).
 *  In: cert, n: borrowed. */
bt_status bft_engine_on_commit_cert(struct bft_engine *e, const struct bft_msg *cert, size_t n,
                                    struct bft_actions *out);

/** A timer asked for by BFT_ACT_TIMER expired. Stale ones are ignored. Returns BT_OK. */
bt_status bft_engine_on_timeout(struct bft_engine *e, enum bft_timer t, uint64_t height,
                                int32_t round, struct bft_actions *out);

/** The application's value for our proposal at (height, round) (answer to GET_VALUE).
 *  Returns BT_OK (stale answers ignored). */
bt_status bft_engine_on_value(struct bft_engine *e, uint64_t height, int32_t round,
                              const uint8_t value[32], struct bft_actions *out);

/** The application's verdict on a proposed value (answer to VALIDATE). Returns BT_OK. */
bt_status bft_engine_on_valid(struct bft_engine *e, uint64_t height, int32_t round,
                              const uint8_t value[32], int ok, struct bft_actions *out);

/** Current height, round and step (for status and tests). */
void bft_engine_status(const struct bft_engine *e, uint64_t *out_height, int32_t *out_round,
                       enum bft_step *out_step);

/** The locked round (-1: none) and value. */
int32_t bft_engine_locked(const struct bft_engine *e, uint8_t out_value[32]);

/** Proposer index of (current height, round), by the §4.4 rotation. */
uint32_t bft_engine_proposer(struct bft_engine *e, int32_t round);

/* --- dlv/1 message encoding (bft_msg.c) -----------------------------------------------------
 * A message is the RLP list [type, height, round, pol_round + 1, value, validator, sig] with
 * value empty (nil) or 32 bytes and sig 65 bytes; integers canonical; a vote's pol_round + 1
 * is 0. A precommit for a value may add an 8th item, its extension blob (1..BFT_EXT_MAX
 * bytes; never an empty 8th item). The sign bytes are the RLP list ["dlv/1", chain_id, type,
 * height, round, pol_round + 1, value], plus keccak256(extension) as an 8th item when the
 * message has one. */

/** Encode `m`, which has no extension, into out (at most BFT_MSG_MAX bytes).
 *  Returns BT_OK, BT_EINVAL (m malformed or with an extension). */
bt_status bft_msg_encode(const struct bft_msg *m, uint8_t out[BFT_MSG_MAX], size_t *out_len);

/** Encode `m` with its extension blob (ext_len 0: none; then m->ext_hash must be zero, else
 *  keccak256(ext) must equal m->ext_hash) into out (out_cap bytes; BFT_WIRE_MAX always fit).
 *  Returns BT_OK, BT_EINVAL (m malformed, blob too long or not matching, out too small). */
bt_status bft_msg_encode_ext(const struct bft_msg *m, const uint8_t *ext, size_t ext_len,
                             uint8_t *out, size_t out_cap, size_t *out_len);

/** Strictly decode one message with an optional extension (in_len at most BFT_WIRE_MAX):
 *  the checks of bft_msg_decode, then m->ext_hash = keccak256(blob) when an 8th item is there.
 *  Returns: BT_OK; BT_EINVAL (out zeroed).
 *  Out: *out_ext, *out_ext_len: the blob, borrowed from `in` (NULL, 0: none). */
bt_status bft_msg_decode_ext(struct bft_msg *out, const uint8_t *in, size_t in_len,
                             const uint8_t **out_ext, size_t *out_ext_len);

/** Strictly decode one message without an extension (one with: BT_EINVAL): exactly one
 *  canonical RLP list of 7 items, at most BFT_MSG_MAX bytes, length limits, type 1..3, round <
 * BFT_MAX_ROUND, pol_round < round for proposals and absent for votes, validator <
 * BFT_MAX_VALIDATORS, height > 0. Returns: BT_OK; BT_EINVAL (anything else; out zeroed). */
bt_status bft_msg_decode(struct bft_msg *out, const uint8_t *in, size_t in_len);

/** The bytes a signature covers. Returns BT_OK, BT_EINVAL. out must hold BFT_MSG_MAX bytes. */
bt_status bft_msg_sign_bytes(const char *chain_id, const struct bft_msg *m,
                             uint8_t out[BFT_MSG_MAX], size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* BTTC_BFT_H */
