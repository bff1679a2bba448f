/* Fuzz the JSON-RPC answer parsers of bts/ethrpc.h: an arbitrary body is a reply; its result is
 * read as a block, a log list and a receipt. None may crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include <bts/ethrpc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *res = NULL;
    int64_t code;
    char err[256];
    bt_status st =
        bts_ethrpc_parse_reply(&res, &code, (const char *)data, size, 1, err, sizeof(err));
    (void)bts_ethrpc_is_range_error(code, err, 200);
    if (st == BT_OK && res) {
        struct bts_ethrpc_block b;
        struct bts_ethrpc_logs l;
        struct bts_ethrpc_receipt r;
        if (bts_ethrpc_parse_block(&b, res, err, sizeof(err)) == BT_OK && b.has_base_fee)
            (void)b.base_fee;
        if (bts_ethrpc_parse_logs(&l, res, err, sizeof(err)) == BT_OK)
            for (size_t i = 0; i < l.n_logs; i++)
                if (l.logs[i].data_len)
                    (void)l.logs[i].data[l.logs[i].data_len - 1];
        bts_ethrpc_logs_free(&l);
        if (bts_ethrpc_parse_receipt(&r, res, err, sizeof(err)) == BT_OK && r.success)
            (void)r.gas_used;
        bts_ethrpc_receipt_free(&r);
    }
    json_decref(res);
    return 0;
}
