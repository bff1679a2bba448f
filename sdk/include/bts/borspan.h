/* Spans and state-sync records as Bttc consumes them from Delivery (PROTOCOL.md §3.7, §3.9,
 * §4.9): the JSON of `/bor/span/{id}` and `/clerk/event-record/list`, the RLP payloads and call
 * data of the `commitSpan` and `commitState` system calls, and the interface of a span and
 * event-record source that a plugin offers in the host's service registry (a Delivery running
 * in-process, a REST client, a file). */
#ifndef BTS_BORSPAN_H
#define BTS_BORSPAN_H

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Service name of the span and event-record source (struct bts_span_source_iface). */
#define BTS_SPAN_SOURCE_SERVICE "bttc/span-source"

/** Longest chain id string kept ("199", "1029"). */
#define BTS_BORSPAN_CHAIN_ID_MAX 31

/** A Delivery validator as Bttc reads it (`ID`, `power`, `signer`, `accum`). */
struct bts_span_validator {
    uint64_t id;
    int64_t power;
    uint8_t signer[20];
    int64_t accum;
};

/** A span: id, block range, chain id and two lists in JSON order. Owns its arrays. */
struct bts_span {
    uint64_t id;
    uint64_t start_block;
    uint64_t end_block;
    char chain_id[BTS_BORSPAN_CHAIN_ID_MAX + 1];
    struct bts_span_validator *validators;
    size_t n_validators;
    struct bts_span_validator *producers;
    size_t n_producers;
};

/** A state-sync record. `record_time` is Unix seconds (floor of the RFC 3339 time). */
struct bts_event_record {
    uint64_t id;
    uint8_t contract[20];
    uint8_t *data;
    size_t data_len;
    uint8_t tx_hash[32];
    uint64_t log_index;
    char chain_id[BTS_BORSPAN_CHAIN_ID_MAX + 1];
    int64_t record_time;
};

/** A list of records; owns them. */
struct bts_event_list {
    struct bts_event_record *v;
    size_t n;
};

/** Parse a span from JSON: the bare object or Delivery's REST envelope {"height","result"}.
 *  Numbers may be JSON numbers or decimal strings.
 *  Returns: BT_OK; BT_EINVAL (malformed: `err` names the field); BT_ENOMEM.
 *  Out:     out: free with bts_span_free (zeroed on error). err: errcap bytes, may be NULL.
 *  Thread:  any. Source: bttcprotocol/delivery@v1.0.9:bor/client/rest/query.go. */
BTS_API bt_status bts_span_parse_json(struct bts_span *out, const char *json, size_t json_len,
                                      char *err, size_t errcap) BT_MUST_CHECK BT_NONNULL(1);

/** Release a span's arrays and zero it. NULL ignored. Thread: any. */
BTS_API void bts_span_free(struct bts_span *s);

/** Deep copy. Returns: BT_OK, BT_ENOMEM (dst zeroed). Thread: any. */
BTS_API bt_status bts_span_copy(struct bts_span *dst, const struct bts_span *src) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Parse an event-record list: a JSON array or the REST envelope whose result is an array (or
 *  null: empty). Appends to `out`.
 *  Returns: BT_OK; BT_EINVAL (err names the record and field); BT_ENOMEM.
 *  Thread:  any. Source: bttcprotocol/delivery@v1.0.9:clerk/client/rest/query.go. */
BTS_API bt_status bts_event_list_parse_json(struct bts_event_list *out, const char *json,
                                            size_t json_len, char *err, size_t errcap) BT_MUST_CHECK
    BT_NONNULL(1);

/** Append a deep copy of `rec` to a list. Returns: BT_OK, BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_event_list_push(struct bts_event_list *l,
                                      const struct bts_event_record *rec) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Release a list's records and zero it. NULL ignored. Thread: any. */
BTS_API void bts_event_list_free(struct bts_event_list *l);

/** Parse an RFC 3339 UTC time ("2021-12-08T10:20:00.123456789Z", offsets +hh:mm allowed) to
 *  Unix seconds, rounded down. Returns: BT_OK, BT_EINVAL. Thread: any. */
BTS_API bt_status bts_borspan_parse_time(int64_t *out, const char *s, size_t len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Append rlp([[ID, power, signer] ...]) of a validator list (`validatorBytes` and
 *  `producerBytes` of commitSpan): ID and power as RLP unsigned integers, signer 20 bytes.
 *  Returns: BT_OK, BT_EINVAL (negative power), BT_ENOMEM. Thread: any.
 *  Source: bttcprotocol/bttc@v1.0.8:consensus/bor/bor.go, PROTOCOL.md §3.7, §7.7. */
BTS_API bt_status bts_span_validator_bytes(struct bts_buf *out, const struct bts_span_validator *v,
                                           size_t n) BT_MUST_CHECK BT_NONNULL(1);

/** Append the call data of commitSpan(uint256 id, uint256 start, uint256 end, bytes validators,
 *  bytes producers) (selector 0x23c2a2b4) for a span.
 *  Returns: BT_OK, BT_EINVAL, BT_ENOMEM. Thread: any. Source: PROTOCOL.md §3.7. */
BTS_API bt_status bts_span_commit_calldata(struct bts_buf *out,
                                           const struct bts_span *s) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Append recordBytes = rlp([id, contract, data, tx_hash, log_index, chain id string]).
 *  Returns: BT_OK, BT_ENOMEM. Thread: any. Source: PROTOCOL.md §3.9, §7.7. */
BTS_API bt_status bts_event_record_bytes(struct bts_buf *out,
                                         const struct bts_event_record *r) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Append the call data of commitState(uint256 record_time, bytes recordBytes) (0x19494a17).
 *  Returns: BT_OK, BT_ENOMEM. Thread: any. Source: PROTOCOL.md §3.9, §7.7. */
BTS_API bt_status bts_event_commit_calldata(struct bts_buf *out,
                                            const struct bts_event_record *r) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** The span and event-record source (service BTS_SPAN_SOURCE_SERVICE). Calls never block: a
 *  source that must ask a remote answers BT_EBUSY, starts fetching, and has the answer on a
 *  later call (the caller retries on its next head or timer). Every entry: Thread: loop. */
struct bts_span_source_iface {
    uint32_t struct_size;
    /** Span `id`. Returns: BT_OK (out: free with bts_span_free), BT_EBUSY (being fetched),
     *  BT_ENOTFOUND (the source has no such span and never will), BT_EIO. */
    bt_status (*span)(void *self, uint64_t id, struct bts_span *out);
    /** Every record with id >= from_id, consecutive ids, record_time < to_time, in id order
     *  (Delivery's /clerk/event-record/list paged by 50 until a short page).
     *  Returns: BT_OK (out filled; free with bts_event_list_free), BT_EBUSY, BT_EIO. */
    bt_status (*event_records)(void *self, uint64_t from_id, int64_t to_time,
                               struct bts_event_list *out);
};

#ifdef __cplusplus
}
#endif

#endif /* BTS_BORSPAN_H */
