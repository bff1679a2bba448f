/* The receipt side of an exit proof: a JSON-RPC receipt back in its consensus encoding, and the
 * block's receipt trie rebuilt from those encodings to prove one of them. The rebuilt root must
 * equal the header's receiptsRoot, which catches any receipt the node reported differently
 * from what it hashed. */
#include <bts/exitproof.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/receipt.h>
#include <bts/trie.h>

bt_status bts_exit_receipt_proof(struct bts_buf *out_proof, const uint8_t *const *receipts,
                                 const size_t *receipt_lens, size_t n, size_t index,
                                 const uint8_t receipts_root[32])
{
    if (n == 0 || index >= n)
        return BT_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (receipt_lens[i] == 0)
            return BT_EINVAL;
    struct bts_trie *t = NULL;
    bt_status st = bts_trie_new(&t, NULL, NULL, 0);
    uint8_t key[BTS_INDEX_KEY_MAX], root[32];
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        size_t kl = bts_receipt_index_key(key, i);
        st = bts_trie_put(t, key, kl, receipts[i], receipt_lens[i]);
    }
    if (st == BT_OK)
        st = bts_trie_root(t, root);
    if (st == BT_OK && memcmp(root, receipts_root, 32) != 0)
        st = BT_EPROTO;
    if (st == BT_OK) {
        size_t kl = bts_receipt_index_key(key, index);
        size_t mark = out_proof->len;
        st = bts_trie_prove(t, key, kl, out_proof);
        if (st != BT_OK)
            out_proof->len = mark;
    }
    bts_trie_free(t);
    return st;
}

static void set_err(char *err, size_t err_cap, const char *what)
{
    if (err && err_cap)
        snprintf(err, err_cap, "receipt: %s", what);
}

static int get_u64(const json_t *o, const char *key, uint64_t *out)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && bts_hex_parse_u64(out, s, strlen(s)) == BT_OK;
}

/* Decode a 0x-hex string member of exactly n bytes (n 0: any length, into buf). */
static bt_status get_hex(const json_t *o, const char *key, struct bts_buf *buf)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        return BT_EPROTO;
    return bts_hex_decode_buf(buf, s, strlen(s), BTS_HEX_0X) == BT_OK ? BT_OK : BT_EPROTO;
}

bt_status bts_exit_receipt_from_json(struct bts_buf *out, const json_t *receipt, char *err,
                                     size_t err_cap)
{
    struct bts_receipt r;
    memset(&r, 0, sizeof(r));
    uint64_t type = 0, status = 0;
    const json_t *logs = json_object_get(receipt, "logs");
    if (json_object_get(receipt, "type") && !get_u64(receipt, "type", &type)) {
        set_err(err, err_cap, "type is not a quantity");
        return BT_EPROTO;
    }
    if (type > 0x7f || !get_u64(receipt, "status", &status) || status > 1) {
        set_err(err, err_cap, "no valid type/status (a pre-Byzantium receipt?)");
        return BT_EPROTO;
    }
    if (!get_u64(receipt, "cumulativeGasUsed", &r.cumulative_gas) || !json_is_array(logs)) {
        set_err(err, err_cap, "cumulativeGasUsed or logs missing");
        return BT_EPROTO;
    }
    r.type = (uint8_t)type;
    r.status = (uint8_t)status;
    const char *bloom = json_string_value(json_object_get(receipt, "logsBloom"));
    if (!bloom ||
        bts_hex_decode_exact(r.bloom, sizeof(r.bloom), bloom, strlen(bloom), BTS_HEX_0X) != BT_OK) {
        set_err(err, err_cap, "logsBloom is not 256 bytes of hex");
        return BT_EPROTO;
    }
    size_t n = json_array_size(logs), n_topics = 0;
    for (size_t i = 0; i < n; i++)
        n_topics += json_array_size(json_object_get(json_array_get(logs, i), "topics"));
    struct bts_log *lv = calloc(n ? n : 1, sizeof(*lv));
    struct bt_hash *tv = calloc(n_topics ? n_topics : 1, sizeof(*tv));
    struct bts_buf *dv = calloc(n ? n : 1, sizeof(*dv));
    bt_status st = lv && tv && dv ? BT_OK : BT_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (dv)
            bts_buf_init(&dv[i]);
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        const json_t *l = json_array_get(logs, i), *topics = json_object_get(l, "topics");
        const char *a = json_string_value(json_object_get(l, "address"));
        if (!a || bts_hex_parse_address(lv[i].address.bytes, a, strlen(a)) != BT_OK ||
            !json_is_array(topics) || get_hex(l, "data", &dv[i]) != BT_OK) {
            set_err(err, err_cap, "a log's address, topics or data is malformed");
            st = BT_EPROTO;
            break;
        }
        lv[i].topics = tv + used;
        lv[i].n_topics = json_array_size(topics);
        for (size_t k = 0; st == BT_OK && k < lv[i].n_topics; k++) {
            const char *s = json_string_value(json_array_get(topics, k));
            if (!s || bts_hex_parse_hash(tv[used + k].bytes, s, strlen(s)) != BT_OK) {
                set_err(err, err_cap, "a log topic is not 32 bytes of hex");
                st = BT_EPROTO;
            }
        }
        used += lv[i].n_topics;
        lv[i].data = dv[i].data;
        lv[i].data_len = dv[i].len;
    }
    r.logs = lv;
    r.n_logs = n;
    if (st == BT_OK)
        st = bts_receipt_encode(out, &r);
    for (size_t i = 0; dv && i < n; i++)
        bts_buf_free(&dv[i]);
    free(dv);
    free(tv);
    free(lv);
    return st;
}
