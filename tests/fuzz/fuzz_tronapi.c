/* libFuzzer target: the dev TRON API's request parsing (host/tronapi/tronapi_parse.c) on
 * arbitrary bytes: as a query string, as a POST body, as a transaction object for
 * wallet/broadcasttransaction and as a serialized Transaction for wallet/broadcasthex. Every
 * transaction accepted must print back (tronapi_tx_json) to JSON that parses to the same txID
 * and canonical bytes; nothing may leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tronapi_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The accepted transaction, printed and parsed again, must be the same. */
static void round_trip(const struct tronapi_txin *in)
{
    json_t *j = tronapi_tx_json(in->raw.data, in->raw.len,
                                (const uint8_t(*)[BTS_TRON_SIG_LEN])in->sigs, in->n_sigs);
    if (!j)
        abort(); /* the raw bytes came from our encoder: they must decode */
    struct tronapi_txin again;
    char err[256];
    tronapi_txin_init(&again);
    if (tronapi_tx_from_json(&again, j, err, sizeof(err)) != BT_OK ||
        memcmp(again.txid, in->txid, 32) != 0 || again.raw.len != in->raw.len ||
        memcmp(again.raw.data, in->raw.data, in->raw.len) != 0 || again.n_sigs != in->n_sigs)
        abort();
    tronapi_txin_free(&again);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* a query string (up to the first NUL) */
    json_t *q = tronapi_params(text, NULL, 0, err, sizeof(err));
    json_decref(q);
    /* a body, and the body as a transaction object */
    json_t *b = tronapi_params(NULL, text, size, err, sizeof(err));
    if (b) {
        struct tronapi_txin in;
        tronapi_txin_init(&in);
        if (tronapi_tx_from_json(&in, b, err, sizeof(err)) == BT_OK)
            round_trip(&in);
        tronapi_txin_free(&in);
        uint8_t addr[BTS_TRON_ADDR_LEN];
        int64_t v;
        (void)tronapi_get_address(addr, b, "address");
        (void)tronapi_get_i64(&v, b, "num", 0);
        json_decref(b);
    }
    /* a serialized Transaction */
    struct tronapi_txin in;
    tronapi_txin_init(&in);
    if (tronapi_tx_from_proto(&in, data, size, err, sizeof(err)) == BT_OK)
        round_trip(&in);
    tronapi_txin_free(&in);
    free(text);
    return 0;
}
