/* Fuzz every TRON parser: an arbitrary body is read as a java-tron HTTP answer by each parser of
 * bts/tron_http.h (block, constant call, broadcast, transaction info), and the same bytes as a
 * Transaction.raw by bts_tron_tx_decode, whose success promises canonical bytes: re-encoding
 * must give them back and wrapping must succeed. None may crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bts/tron.h>
#include <bts/tron_http.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char err[256];
    struct bts_tron_block b;
    if (bts_tron_parse_block(&b, body, size, err, sizeof(err)) == BT_OK && b.id[0] != 0)
        abort(); /* the id starts with the number, which is < 2^63 */
    struct bts_buf out = BTS_BUF_INIT;
    uint64_t energy;
    if (bts_tron_parse_constant(&out, &energy, body, size, err, sizeof(err)) != BT_OK && !err[0])
        abort(); /* every failure says why */
    bts_buf_free(&out);
    static const uint8_t id[32] = {0xeb, 0xdb, 0xf4, 0x1a};
    struct bts_tron_broadcast bc;
    if (bts_tron_parse_broadcast(&bc, NULL, body, size, err, sizeof(err)) == BT_OK &&
        (bc.action < BTS_TRON_BCAST_ACCEPTED || bc.action > BTS_TRON_BCAST_FATAL))
        abort();
    if (bts_tron_parse_broadcast(&bc, id, body, size, err, sizeof(err)) == BT_OK && bc.has_txid &&
        memcmp(bc.txid, id, 32) != 0)
        abort();
    struct bts_tron_txinfo ti;
    if (bts_tron_parse_txinfo(&ti, NULL, body, size, err, sizeof(err)) == BT_OK)
        for (size_t i = 0; i < ti.n_logs; i++)
            if (ti.logs[i].data_len)
                (void)ti.logs[i].data[ti.logs[i].data_len - 1];
    bts_tron_txinfo_free(&ti);
    if (bts_tron_parse_txinfo(&ti, id, body, size, err, sizeof(err)) == BT_OK &&
        memcmp(ti.id, id, 32) != 0)
        abort();
    bts_tron_txinfo_free(&ti);

    struct bts_tron_txinfo_list tl;
    if (bts_tron_parse_txinfo_list(&tl, 1001, body, size, err, sizeof(err)) == BT_OK)
        for (size_t i = 0; i < tl.n; i++)
            if (tl.infos[i].block_number != 1001)
                abort();
    bts_tron_txinfo_list_free(&tl);

    struct bts_tron_tx tx;
    struct bts_buf txdata = BTS_BUF_INIT, again = BTS_BUF_INIT, wrapped = BTS_BUF_INIT;
    if (bts_tron_tx_decode(&tx, &txdata, data, size) == BT_OK) {
        if (bts_tron_tx_encode(&again, &tx) != BT_OK || again.len != size ||
            memcmp(again.data, data, size) != 0)
            abort();
        static const uint8_t sig[1][65];
        if (bts_tron_tx_wrap(&wrapped, data, size, sig, 1) != BT_OK)
            abort();
    }
    bts_buf_free(&txdata);
    bts_buf_free(&again);
    bts_buf_free(&wrapped);
    return 0;
}
