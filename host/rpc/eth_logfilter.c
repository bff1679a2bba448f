/* Log filter criteria and matching (go-ethereum eth/filters/filter.go filterLogs and
 * bloomFilter, interfaces.go FilterQuery.UnmarshalJSON): addresses are OR-ed, each topic
 * position is an OR-list, null or an empty list is a wildcard, and a log with fewer topics
 * than constrained positions does not match. */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/bloom.h>
#include <bts/json.h>

#define MAX_TOPICS 4

void logfilter_free(struct logfilter *f)
{
    free(f->addrs);
    for (size_t i = 0; i < MAX_TOPICS; i++)
        free(f->topics[i].h);
    json_decref(f->from_block);
    json_decref(f->to_block);
    memset(f, 0, sizeof(*f));
}

/* One value or a list of values, each read by `one` into an array of `size`-byte items. */
static bt_status read_set(const json_t *v, size_t size, uint8_t **out, size_t *out_n,
                          bt_status (*one)(uint8_t *, const json_t *, char *, size_t), char *err,
                          size_t err_cap)
{
    *out = NULL;
    *out_n = 0;
    if (!v || json_is_null(v))
        return BT_OK;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (n == 0)
        return BT_OK;
    uint8_t *a = calloc(n, size);
    if (!a)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        bt_status rc = one(a + i * size, e, err, err_cap);
        if (rc != BT_OK) {
            free(a);
            return rc;
        }
    }
    *out = a;
    *out_n = n;
    return BT_OK;
}

static bt_status one_addr(uint8_t *out, const json_t *v, char *err, size_t err_cap)
{
    return bts_json_as_address(out, v, err, err_cap);
}

static bt_status one_topic(uint8_t *out, const json_t *v, char *err, size_t err_cap)
{
    if (bts_json_as_hash(out, v, err, err_cap) != BT_OK) {
        snprintf(err, err_cap, "invalid topic(s)");
        return BT_EINVAL;
    }
    return BT_OK;
}

bt_status logfilter_parse(struct logfilter *f, const json_t *crit, char *err, size_t err_cap)
{
    memset(f, 0, sizeof(*f));
    if (crit && !json_is_null(crit) && !json_is_object(crit)) {
        snprintf(err, err_cap,
                 "json: cannot unmarshal non-object into Go value of type "
                 "filters.FilterCriteria");
        return BT_EINVAL;
    }
    const json_t *bh = json_object_get(crit, "blockHash");
    const json_t *from = json_object_get(crit, "fromBlock"), *to = json_object_get(crit, "toBlock");
    if (bh && !json_is_null(bh)) {
        if ((from && !json_is_null(from)) || (to && !json_is_null(to))) {
            snprintf(err, err_cap,
                     "cannot specify both BlockHash and FromBlock/ToBlock, choose "
                     "one or the other");
            return BT_EINVAL;
        }
        if (bts_json_as_hash(f->block_hash, bh, err, err_cap) != BT_OK)
            return BT_EINVAL;
        f->has_block_hash = 1;
    }
    if (from && !json_is_null(from))
        f->from_block = json_incref((json_t *)from);
    if (to && !json_is_null(to))
        f->to_block = json_incref((json_t *)to);
    uint8_t *addrs;
    bt_status rc =
        read_set(json_object_get(crit, "address"), 20, &addrs, &f->n_addrs, one_addr, err, err_cap);
    if (rc != BT_OK) {
        logfilter_free(f);
        return rc;
    }
    f->addrs = (uint8_t(*)[20])addrs;
    const json_t *topics = json_object_get(crit, "topics");
    if (topics && !json_is_null(topics)) {
        if (!json_is_array(topics)) {
            snprintf(err, err_cap, "invalid topic(s)");
            logfilter_free(f);
            return BT_EINVAL;
        }
        if (json_array_size(topics) > MAX_TOPICS) {
            snprintf(err, err_cap, "exceed max topics");
            logfilter_free(f);
            return BT_EINVAL;
        }
        f->n_topics = json_array_size(topics);
        for (size_t i = 0; i < f->n_topics; i++) {
            uint8_t *h;
            const json_t *t = json_array_get(topics, i);
            /* A nested list may hold nulls in geth only as a whole wildcard position. */
            rc = read_set(t, 32, &h, &f->topics[i].n, one_topic, err, err_cap);
            if (rc != BT_OK) {
                logfilter_free(f);
                return rc;
            }
            f->topics[i].h = (uint8_t(*)[32])h;
        }
    }
    return BT_OK;
}

int logfilter_bloom_ok(const struct logfilter *f, const uint8_t bloom[256])
{
    if (f->n_addrs) {
        int any = 0;
        for (size_t i = 0; !any && i < f->n_addrs; i++)
            any = bts_bloom_test(bloom, f->addrs[i], 20);
        if (!any)
            return 0;
    }
    for (size_t p = 0; p < f->n_topics; p++) {
        if (!f->topics[p].n)
            continue;
        int any = 0;
        for (size_t i = 0; !any && i < f->topics[p].n; i++)
            any = bts_bloom_test(bloom, f->topics[p].h[i], 32);
        if (!any)
            return 0;
    }
    return 1;
}

int logfilter_match(const struct logfilter *f, const struct bts_log *log)
{
    if (f->n_addrs) {
        int any = 0;
        for (size_t i = 0; !any && i < f->n_addrs; i++)
            any = memcmp(f->addrs[i], log->address.bytes, 20) == 0;
        if (!any)
            return 0;
    }
    if (f->n_topics > log->n_topics)
        return 0;
    for (size_t p = 0; p < f->n_topics; p++) {
        if (!f->topics[p].n)
            continue;
        int any = 0;
        for (size_t i = 0; !any && i < f->topics[p].n; i++)
            any = memcmp(f->topics[p].h[i], log->topics[p].bytes, 32) == 0;
        if (!any)
            return 0;
    }
    return 1;
}
