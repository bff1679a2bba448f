/* Private to dlv_query*.c: the JSON builders and answer helpers shared by the REST answer
 * files (dlv_query.c: the original routes; dlv_query_more.c: overview, lists, proposers,
 * validator status). */
#ifndef DLV_QUERY_INT_H
#define DLV_QUERY_INT_H

#include <jansson.h>

#include "dlv_app_int.h"

/** One answer: status 200 with result (owned), or 4xx/5xx with an error text (static). */
struct dlvq_answer {
    uint32_t status;
    json_t *result; /* success */
    const char *error;
};

struct dlvq_answer dlvq_ok(json_t *r);              /* NULL r: 500 "out of memory" */
struct dlvq_answer dlvq_bad(const char *why);       /* 400 */
struct dlvq_answer dlvq_not_found(const char *why); /* 404 */

/** The envelope {"height","result"} (200) or {"error"} of an answer (result consumed).
 *  Returns: BT_OK, BT_ENOMEM. */
bt_status dlvq_write_answer(struct dlv_application *a, const struct dlvq_answer *ans,
                            uint32_t *out_status, struct bts_buf *out);

/** Decimal u64 of s[0..n) (digits only); 0 if not one. */
int dlvq_parse_u64(const char *s, size_t n, uint64_t *out);
/** Value of `key` in a query string into out (at most cap-1 chars); 0 if absent. */
int dlvq_query_get(const char *query, const char *key, char *out, size_t cap);

/** An object from (key, value) pairs; a NULL value makes the whole object NULL. */
json_t *dlvq_obj(int n, ...);
json_t *dlvq_u(uint64_t v);
json_t *dlvq_hex(const uint8_t *p, size_t n);
/** Upstream's Validator, with `accum` the proposer priority in the set. */
json_t *dlvq_validator_json(const struct dlv_validator *v, int64_t accum);
/** {"validators":[...],"proposer":V} of a set whose records are `vals` (same order). */
json_t *dlvq_valset_json(struct bts_valset *s, const struct dlv_validator *vals);
json_t *dlvq_span_json(struct dlv_span_rec *s);
/** Checkpoint (with_id: CheckpointWithID, "id" first). */
json_t *dlvq_checkpoint_json(const struct dlv_checkpoint *c, int with_id, uint64_t id);

/** The routes of dlv_query_more.c: 1 and *out set if seg[0..n) is one of them, else 0. */
int dlvq_route_more(struct dlv_application *a, char **seg, size_t n, const char *query,
                    struct dlvq_answer *out);

#endif /* DLV_QUERY_INT_H */
