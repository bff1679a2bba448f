/* EIP-2124 fork identifiers: FORK_HASH (IEEE CRC32 over the genesis hash and the passed fork
 * block numbers), FORK_NEXT, their RLP form [hash(4 bytes), next], and the validation rules
 * that decide whether a peer's chain is compatible. Block-number forks only (Bttc is a geth
 * 1.10 fork: no time-based forks). Unless stated otherwise, pointers must not be NULL. */
#ifndef BTS_FORKID_H
#define BTS_FORKID_H

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/rlp.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bts_forkid {
    uint32_t hash; /* FORK_HASH, as a big-endian number (0xfc64ec04 for mainnet's genesis) */
    uint64_t next; /* FORK_NEXT: next fork block, 0 if none is known */
};

/** Validation failures (sub-codes of BT_EPROTO). */
/** The remote is on a past fork and does not know the fork we passed next (rule 2 fails). */
#define BTS_FORKID_EREMOTE_STALE (BT_EPROTO | (1 << 8))
/** Our chain is incompatible with the remote, or our software is stale (rules 1a and 4). */
#define BTS_FORKID_ELOCAL_INCOMPATIBLE (BT_EPROTO | (2 << 8))

/** IEEE CRC32 (as zlib's crc32) continuing from `crc` (0 to start). Thread: any. */
BTS_API uint32_t bts_forkid_crc32(uint32_t crc, const uint8_t *p, size_t n);

/** The fork id of a chain at block `head`. `forks` lists fork block numbers in any order;
 *  zeros (rules active at genesis) and duplicates are skipped, as EIP-2124 asks.
 *  Out:     out: the fork id. Thread: any. */
BTS_API void bts_forkid_compute(struct bts_forkid *out, const uint8_t genesis[32],
                                const uint64_t *forks, size_t n_forks, uint64_t head)
    BT_NONNULL(1, 2);

/** Validate a remote fork id against our chain at `head` (EIP-2124 "Validation rules").
 *  Returns: BT_OK (connect), BTS_FORKID_EREMOTE_STALE, BTS_FORKID_ELOCAL_INCOMPATIBLE.
 *  Thread:  any. */
BTS_API bt_status bts_forkid_validate(const uint8_t genesis[32], const uint64_t *forks,
                                      size_t n_forks, uint64_t head,
                                      const struct bts_forkid *remote) BT_MUST_CHECK
    BT_NONNULL(1, 5);

/** Append RLP([hash as 4 bytes, next]). Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_forkid_encode(struct bts_buf *out, const struct bts_forkid *id) BT_MUST_CHECK;

/** Decode a fork id item: a list of exactly a 4-byte string and a canonical integer
 *  (go-ethereum decodes forkid.ID strictly).
 *  Returns: BT_OK, BT_EPROTO. Out: out (zeroed on failure). */
BTS_API bt_status bts_forkid_decode(struct bts_forkid *out,
                                    const struct bts_rlp_item *item) BT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* BTS_FORKID_H */
