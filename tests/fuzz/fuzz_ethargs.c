/* libFuzzer target: the eth_* argument decoders that see untrusted JSON and bytes: log filter
 * criteria (eth_getLogs, eth_newFilter, eth_subscribe "logs") matched against a log and a
 * bloom built from the input, and revert-data decoding (Error(string)) for call errors.
 * Input: first byte picks the decoder; the rest is its input. Nothing may crash or leak; the
 * revert message must stay NUL-terminated within its buffer and the data must be JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/receipt.h>

#include "eth_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_filter(const uint8_t *data, size_t size)
{
    json_t *crit = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    struct logfilter f;
    char err[200];
    if (logfilter_parse(&f, crit, err, sizeof(err)) == BT_OK) {
        /* A log whose address and topics come from the input's tail. */
        struct bt_hash topics[4];
        struct bts_log log;
        memset(topics, 0, sizeof(topics));
        memset(&log, 0, sizeof(log));
        size_t take = size < sizeof(topics) ? size : sizeof(topics);
        memcpy(topics, data + size - take, take);
        memcpy(log.address.bytes, topics[0].bytes, 20);
        log.topics = topics;
        log.n_topics = size % 5;
        uint8_t bloom[256];
        bts_receipt_bloom(bloom, &log, 1);
        int m = logfilter_match(&f, &log);
        /* A matching log always passes its own receipt's bloom. */
        if (m && !logfilter_bloom_ok(&f, bloom))
            abort();
        logfilter_free(&f);
    } else if (strnlen(err, sizeof(err)) == sizeof(err)) {
        abort();
    }
    json_decref(crit);
}

static void fuzz_revert(const uint8_t *data, size_t size)
{
    char msg[64];
    char *d = eth_revert_error(data, size, msg, sizeof(msg));
    if (strnlen(msg, sizeof(msg)) == sizeof(msg) || strncmp(msg, "execution reverted", 18) != 0)
        abort();
    json_t *v = d ? json_loads(d, JSON_DECODE_ANY, NULL) : NULL;
    if (d && !json_is_string(v))
        abort();
    json_decref(v);
    free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        fuzz_revert(data + 1, size - 1);
    else
        fuzz_filter(data + 1, size - 1);
    return 0;
}
