/* `bttcd bridge exit-payload`: the exit proof of a burn on Bttc (PROTOCOL.md §5.4), from a Bttc
 * node (the burn's receipt, every receipt of its block to rebuild the receipt trie, the headers
 * of the checkpoint range for the checkpoint tree) and the root chain's RootChain (which header
 * block covers the burn). Everything is checked locally before printing: the rebuilt receipt
 * trie against the header's receiptsRoot, the rebuilt checkpoint root against the one on the
 * root chain, and the payload against the contracts' rules (bts_exit_payload_verify). With
 * --submit the payload goes to ERC20Predicate.startExitWithBurntTokens, which pays at once
 * (contracts/README.md: no exit queue, so no processExits step). */
#include "bridge_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/exitproof.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/merkle.h>
#include <bts/solabi.h>
#include <bts/u256.h>

#define BATCH 500

struct header_block {
    uint64_t id;
    uint8_t root[32];
    uint64_t start, end, created_at;
};

static void word_u64(uint8_t w[32], uint64_t v)
{
    bts_solabi_word_u64(w, v);
}

static int word_to_u64(const uint8_t w[32], uint64_t *out)
{
    return bts_solabi_word_to_u64(out, w) == BT_OK ? 0 : -1;
}

static bt_status read_header_block(const struct br_ctx *ctx, uint64_t id, struct header_block *hb,
                                   char *err, size_t err_cap)
{
    uint8_t arg[1][32], out[4][32];
    word_u64(arg[0], id);
    bt_status st = br_call_words(ctx->root_url, ctx->root_chain, "headerBlocks(uint256)",
                                 (const uint8_t(*)[32])arg, 1, out, 4, err, err_cap);
    if (st != BT_OK)
        return st;
    hb->id = id;
    memcpy(hb->root, out[0], 32);
    if (word_to_u64(out[1], &hb->start) || word_to_u64(out[2], &hb->end) ||
        word_to_u64(out[3], &hb->created_at)) {
        snprintf(err, err_cap, "headerBlocks(%" PRIu64 "): values out of range", id);
        return BT_EPROTO;
    }
    return BT_OK;
}

/* The header block whose range holds `number`: checkpoints are contiguous and in order, so a
 * binary search over ids 10000..current. BT_ENOTFOUND with a message saying why. */
static bt_status find_checkpoint(const struct br_ctx *ctx, uint64_t number,
                                 struct header_block *out, char *err, size_t err_cap)
{
    uint8_t w[1][32];
    uint64_t current = 0, last_child = 0;
    bt_status st = br_call_words(ctx->root_url, ctx->root_chain, "currentHeaderBlock()", NULL, 0, w,
                                 1, err, err_cap);
    if (st == BT_OK && word_to_u64(w[0], &current) != 0)
        st = BT_EPROTO;
    if (st != BT_OK)
        return st;
    if (current == 0) {
        snprintf(
            err, err_cap,
            "not checkpointed yet: no checkpoint on %s's RootChain so far; the burn is in Bttc "
            "block %" PRIu64 " (wait for the first checkpoint covering it)",
            ctx->root_name, number);
        return BT_ENOTFOUND;
    }
    struct header_block hb;
    if ((st = read_header_block(ctx, current, &hb, err, err_cap)) != BT_OK)
        return st;
    last_child = hb.end;
    if (number > last_child) {
        snprintf(err, err_cap,
                 "not checkpointed yet: the last checkpoint on %s (header block %" PRIu64
                 ", checkpoint %" PRIu64 ") ends at Bttc block %" PRIu64
                 "; the burn is in block %" PRIu64 " (wait for the next checkpoint)",
                 ctx->root_name, current, current / 10000, last_child, number);
        return BT_ENOTFOUND;
    }
    uint64_t lo = 1, hi = current / 10000;
    while (lo < hi) { /* first k with end(k) >= number */
        uint64_t mid = lo + (hi - lo) / 2;
        if ((st = read_header_block(ctx, mid * 10000, &hb, err, err_cap)) != BT_OK)
            return st;
        if (hb.end >= number)
            hi = mid;
        else
            lo = mid + 1;
    }
    if ((st = read_header_block(ctx, lo * 10000, out, err, err_cap)) != BT_OK)
        return st;
    if (number < out->start || number > out->end) {
        snprintf(err, err_cap,
                 "Bttc block %" PRIu64 " is in no checkpoint on %s (header block %" PRIu64
                 " covers %" PRIu64 "-%" PRIu64 ")",
                 number, ctx->root_name, out->id, out->start, out->end);
        return BT_ENOTFOUND;
    }
    return BT_OK;
}

/* Checkpoint leaves of Bttc blocks start..end (batched eth_getBlockByNumber). */
static bt_status fetch_leaves(const struct br_ctx *ctx, uint64_t start, uint64_t end,
                              uint8_t *leaves, char *err, size_t err_cap)
{
    for (uint64_t a = start; a <= end; a += BATCH) {
        uint64_t b = end - a >= BATCH ? a + BATCH - 1 : end;
        json_t *params = json_array(), *res = NULL;
        for (uint64_t n = a; n <= b; n++) {
            char q[24];
            snprintf(q, sizeof(q), "0x%" PRIx64, n);
            json_array_append_new(params, json_pack("[s,b]", q, 0));
        }
        bt_status st =
            br_rpc_batch(ctx->bttc_url, "eth_getBlockByNumber", params, &res, err, err_cap);
        for (uint64_t n = a; st == BT_OK && n <= b; n++) {
            const json_t *blk = json_array_get(res, n - a);
            uint64_t num, ts;
            uint8_t txr[32], rr[32];
            if (!json_is_object(blk) || br_json_u64(blk, "number", &num) || num != n ||
                br_json_u64(blk, "timestamp", &ts) || br_json_hash(blk, "transactionsRoot", txr) ||
                br_json_hash(blk, "receiptsRoot", rr)) {
                snprintf(err, err_cap, "Bttc block %" PRIu64 ": missing or malformed", n);
                st = BT_EPROTO;
                break;
            }
            bts_merkle_leaf(leaves + 32 * (n - start), n, ts, txr, rr);
        }
        json_decref(res);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}

/* The consensus receipts of a block, the index of `tx` among them. Bttc's state-sync "bor
 * receipt" (PROTOCOL.md §3.9) is not in the receipt trie: its hash is skipped. */
static bt_status block_receipts(const struct br_ctx *ctx, const json_t *blk, const uint8_t tx[32],
                                struct bts_buf **out, size_t *out_n, size_t *out_index, char *err,
                                size_t err_cap)
{
    const json_t *txs = json_object_get(blk, "transactions");
    uint8_t bhash[32], bor_hash[32], pre[18 + 8 + 32];
    uint64_t number = 0;
    if (!json_is_array(txs) || br_json_hash(blk, "hash", bhash) ||
        br_json_u64(blk, "number", &number)) {
        snprintf(err, err_cap, "the burn's block is malformed");
        return BT_EPROTO;
    }
    memcpy(pre, "matic-bor-receipt-", 18);
    for (int i = 0; i < 8; i++)
        pre[18 + i] = (uint8_t)(number >> (56 - 8 * i));
    memcpy(pre + 26, bhash, 32);
    bts_keccak256(bor_hash, pre, sizeof(pre));
    json_t *params = json_array(), *res = NULL;
    size_t n = 0;
    *out_index = SIZE_MAX;
    for (size_t i = 0; i < json_array_size(txs); i++) {
        const char *s = json_string_value(json_array_get(txs, i));
        uint8_t h[32];
        if (!s || bts_hex_parse_hash(h, s, strlen(s)) != BT_OK) {
            snprintf(err, err_cap, "the burn's block lists a malformed transaction hash");
            json_decref(params);
            return BT_EPROTO;
        }
        if (memcmp(h, bor_hash, 32) == 0)
            continue;
        if (memcmp(h, tx, 32) == 0)
            *out_index = n;
        json_array_append_new(params, json_pack("[s]", s));
        n++;
    }
    if (*out_index == SIZE_MAX) {
        snprintf(err, err_cap, "the burn's block does not list the transaction");
        json_decref(params);
        return BT_EPROTO;
    }
    bt_status st =
        br_rpc_batch(ctx->bttc_url, "eth_getTransactionReceipt", params, &res, err, err_cap);
    struct bts_buf *rc = st == BT_OK ? calloc(n, sizeof(*rc)) : NULL;
    if (st == BT_OK && !rc)
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        bts_buf_init(&rc[i]);
        char sub[160] = "";
        const json_t *r = json_array_get(res, i);
        if (!json_is_object(r) ||
            bts_exit_receipt_from_json(&rc[i], r, sub, sizeof(sub)) != BT_OK) {
            snprintf(err, err_cap, "receipt %zu of the block: %s", i, sub[0] ? sub : "missing");
            st = BT_EPROTO;
            for (size_t k = 0; k <= i; k++)
                bts_buf_free(&rc[k]);
            free(rc);
            rc = NULL;
        }
    }
    json_decref(res);
    *out = rc;
    *out_n = n;
    return st;
}

/* The first Withdraw log of a receipt, or the given one checked. */
static bt_status pick_log(const struct bts_buf *rc, int64_t want, uint64_t *out,
                          struct bts_exit_burn *burn, char *err, size_t err_cap)
{
    if (want >= 0) {
        bt_status st = bts_exit_burn_log(burn, rc->data, rc->len, (uint64_t)want);
        if (st == BT_ENOTFOUND)
            snprintf(err, err_cap, "wrong log: the receipt has no log %" PRId64, want);
        else if (st != BT_OK)
            snprintf(err, err_cap,
                     "wrong log: log %" PRId64 " is not a Withdraw(token, from, amount, ...) burn",
                     want);
        *out = (uint64_t)want;
        return st == BT_OK ? BT_OK : BT_EINVAL;
    }
    for (uint64_t i = 0;; i++) {
        bt_status st = bts_exit_burn_log(burn, rc->data, rc->len, i);
        if (st == BT_OK) {
            *out = i;
            return BT_OK;
        }
        if (st != BT_EINVAL) {
            snprintf(err, err_cap,
                     "the transaction has no Withdraw log (not a ChildERC20 withdraw/burn?)");
            return BT_EINVAL;
        }
    }
}

/* Send the payload to the predicate and report what it released. */
static int submit(const struct br_ctx *ctx_in, const struct bts_buf *payload,
                  const struct bts_exit_burn *burn, char *err, size_t err_cap)
{
    struct br_ctx c = *ctx_in, *ctx = &c;
    if (!ctx->has_key && br_dev_key_of(burn->exitor, ctx->key) == BT_OK) {
        ctx->has_key = 1;
        memcpy(ctx->from, burn->exitor, 20);
    }
    if (!ctx->has_predicate) {
        fprintf(stderr, "bttcd bridge: --submit needs the ERC20Predicate address (--predicate, "
                        "or a devnet)\n");
        return 2;
    }
    if (!ctx->has_key) {
        fprintf(stderr, "bttcd bridge: --submit needs the burner's key (--key; the burner is "
                        "not one of the dev keys)\n");
        explicit_bzero(c.key, sizeof(c.key));
        return 2;
    }
    if (memcmp(ctx->from, burn->exitor, 20) != 0) {
        char a[43], b[43];
        bts_hex_format_eip55(a, burn->exitor);
        bts_hex_format_eip55(b, ctx->from);
        fprintf(stderr,
                "bttcd bridge: only the burner %s may exit (the predicate checks msg.sender); the "
                "key given is %s\n",
                a, b);
        return 1;
    }
    struct bts_buf data;
    bts_buf_init(&data);
    struct bts_solabi_value v, tuple;
    struct bts_solabi_type *ty = NULL;
    uint8_t sel[4], hash[32];
    bts_solabi_val_bytes(&v, payload->data, payload->len);
    bts_solabi_val_list(&tuple, BTS_SOLABI_TUPLE, &v, 1);
    bt_status st = bts_solabi_selector(sel, "startExitWithBurntTokens(bytes)");
    if (st == BT_OK)
        st = bts_buf_append(&data, sel, 4);
    if (st == BT_OK)
        st = bts_solabi_type_parse(&ty, "(bytes)", 7);
    if (st == BT_OK)
        st = bts_solabi_encode(&data, ty, &tuple);
    bts_solabi_type_free(ty);
    json_t *rc = NULL;
    if (st == BT_OK)
        st = br_transact(ctx, ctx->root_url, ctx->predicate, data.data, data.len, hash, &rc, err,
                         err_cap);
    bts_buf_free(&data);
    explicit_bzero(c.key, sizeof(c.key));
    if (st != BT_OK) {
        fprintf(stderr, "bttcd bridge: exit refused: %s\n", err);
        return 1;
    }
    /* ExitStarted(address indexed exitor, uint256 indexed exitId, address indexed token, amount) */
    uint8_t topic[32], amount[32];
    int found = 0;
    if (bts_solabi_event_topic(topic, "ExitStarted(address,uint256,address,uint256)") != BT_OK)
        memset(topic, 0, 32);
    const json_t *logs = json_object_get(rc, "logs");
    for (size_t i = 0; !found && i < json_array_size(logs); i++) {
        const json_t *l = json_array_get(logs, i);
        const char *t0 = json_string_value(json_array_get(json_object_get(l, "topics"), 0));
        const char *d = json_string_value(json_object_get(l, "data"));
        uint8_t t[32];
        found = t0 && d && bts_hex_parse_hash(t, t0, strlen(t0)) == BT_OK &&
                memcmp(t, topic, 32) == 0 && bts_hex_parse_hash(amount, d, strlen(d)) == BT_OK;
    }
    json_decref(rc);
    char txh[67], tok[43], who[43], dec[BTS_U256_DEC_MAX];
    size_t n;
    struct bts_u256 a;
    bts_u256_load_be_bytes(&a, found ? amount : burn->amount, 32);
    bts_u256_to_dec(dec, &a);
    if (bts_hex_encode(txh, sizeof(txh), &n, hash, 32, BTS_HEX_0X) != BT_OK)
        txh[0] = '\0';
    bts_hex_format_eip55(tok, burn->root_token);
    bts_hex_format_eip55(who, burn->exitor);
    if (!found) {
        fprintf(stderr, "bttcd bridge: exit tx %s succeeded but logged no ExitStarted\n", txh);
        return 1;
    }
    printf("exited: released %s of root token %s to %s on %s (tx %s)\n", dec, tok, who,
           ctx->root_name, txh);
    return 0;
}

int br_exit_payload(const struct br_ctx *ctx, const uint8_t tx[32], int64_t log_index,
                    int is_submit)
{
    char err[1200] = "", txh[67];
    size_t hl;
    if (bts_hex_encode(txh, sizeof(txh), &hl, tx, 32, BTS_HEX_0X) != BT_OK)
        return 1;
    json_t *rcpt = NULL, *blk = NULL;
    bt_status st = br_rpc(ctx->bttc_url, "eth_getTransactionReceipt", json_pack("[s]", txh), &rcpt,
                          err, sizeof(err));
    if (st == BT_OK && !json_is_object(rcpt)) {
        snprintf(err, sizeof(err),
                 "transaction %s not found on Bttc (%s): not mined, or another chain", txh,
                 ctx->bttc_url);
        st = BT_ENOTFOUND;
    }
    uint64_t number = 0, status = 0;
    if (st == BT_OK &&
        (br_json_u64(rcpt, "blockNumber", &number) || br_json_u64(rcpt, "status", &status))) {
        snprintf(err, sizeof(err), "the receipt of %s has no blockNumber/status", txh);
        st = BT_EPROTO;
    }
    if (st == BT_OK && status != 1) {
        snprintf(err, sizeof(err), "transaction %s reverted on Bttc: nothing was burnt", txh);
        st = BT_EINVAL;
    }
    json_decref(rcpt);
    char q[24];
    snprintf(q, sizeof(q), "0x%" PRIx64, number);
    if (st == BT_OK)
        st = br_rpc(ctx->bttc_url, "eth_getBlockByNumber", json_pack("[s,b]", q, 0), &blk, err,
                    sizeof(err));
    struct bts_buf *rcs = NULL, proof, payload;
    bts_buf_init(&proof);
    bts_buf_init(&payload);
    size_t n_rc = 0, index = 0;
    struct bts_exit_payload p;
    memset(&p, 0, sizeof(p));
    if (st == BT_OK)
        st = block_receipts(ctx, blk, tx, &rcs, &n_rc, &index, err, sizeof(err));
    if (st == BT_OK && (br_json_u64(blk, "timestamp", &p.block_time) ||
                        br_json_hash(blk, "transactionsRoot", p.tx_root) ||
                        br_json_hash(blk, "receiptsRoot", p.receipt_root))) {
        snprintf(err, sizeof(err), "block %" PRIu64 " is malformed", number);
        st = BT_EPROTO;
    }
    json_decref(blk);
    struct bts_exit_burn burn;
    if (st == BT_OK)
        st = pick_log(&rcs[index], log_index, &p.log_index, &burn, err, sizeof(err));
    if (st == BT_OK && p.log_index >= BTS_EXIT_MAX_LOG_INDEX) {
        snprintf(err, sizeof(err), "wrong log: index %" PRIu64 " (the predicate takes 0-9)",
                 p.log_index);
        st = BT_EINVAL;
    }
    if (st == BT_OK) {
        const uint8_t **ptr = calloc(n_rc, sizeof(*ptr));
        size_t *len = calloc(n_rc, sizeof(*len));
        for (size_t i = 0; ptr && len && i < n_rc; i++) {
            ptr[i] = rcs[i].data;
            len[i] = rcs[i].len;
        }
        st = ptr && len ? bts_exit_receipt_proof(&proof, ptr, len, n_rc, index, p.receipt_root)
                        : BT_ENOMEM;
        if (st == BT_EPROTO)
            snprintf(err, sizeof(err),
                     "the receipts of block %" PRIu64 " do not rebuild its receiptsRoot (the "
                     "node reports receipts other than it hashed)",
                     number);
        free(ptr);
        free(len);
    }
    struct header_block hb;
    if (st == BT_OK)
        st = find_checkpoint(ctx, number, &hb, err, sizeof(err));
    uint8_t *leaves = NULL, bproof[32 * BTS_MERKLE_MAX_DEPTH], mask[BTS_EXIT_MASK_MAX], root[32];
    size_t bl = 0, n_leaves = st == BT_OK ? hb.end - hb.start + 1 : 0;
    if (st == BT_OK && (n_leaves == 0 || n_leaves > BTS_MERKLE_MAX_LEAVES)) {
        snprintf(err, sizeof(err), "header block %" PRIu64 " has an impossible range", hb.id);
        st = BT_EPROTO;
    }
    if (st == BT_OK && !(leaves = malloc(32 * n_leaves)))
        st = BT_ENOMEM;
    if (st == BT_OK)
        st = fetch_leaves(ctx, hb.start, hb.end, leaves, err, sizeof(err));
    if (st == BT_OK && (st = bts_merkle_root(root, leaves, n_leaves)) == BT_OK &&
        memcmp(root, hb.root, 32) != 0) {
        snprintf(err, sizeof(err),
                 "the checkpoint root of header block %" PRIu64 " (Bttc blocks %" PRIu64 "-%" PRIu64
                 ") on %s differs from the one rebuilt from this Bttc node's blocks "
                 "(another chain, or a reorganised one?)",
                 hb.id, hb.start, hb.end, ctx->root_name);
        st = BT_EPROTO;
    }
    if (st == BT_OK)
        st = bts_merkle_proof(bproof, sizeof(bproof), &bl, leaves, n_leaves, number - hb.start);
    free(leaves);
    if (st == BT_OK) {
        p.header_number = hb.id;
        p.block_proof = bproof;
        p.block_proof_len = bl;
        p.block_number = number;
        p.receipt = rcs[index].data;
        p.receipt_len = rcs[index].len;
        p.receipt_proof = proof.data;
        p.receipt_proof_len = proof.len;
        p.branch_mask = mask;
        p.branch_mask_len = bts_exit_branch_mask(mask, index);
        st = bts_exit_payload_encode(&payload, &p);
    }
    const char *why = "";
    if (st == BT_OK && bts_exit_payload_verify(&p, hb.root, hb.start, &why) != BT_OK) {
        snprintf(err, sizeof(err), "the payload fails the contract's check: %s", why);
        st = BT_EPROTO;
    }
    int rc = 0;
    if (st != BT_OK) {
        fprintf(stderr, "bttcd bridge: %s\n", err[0] ? err : bts_status_str(st));
        rc = 1;
    } else {
        if (!ctx->is_quiet)
            fprintf(stderr,
                    "burn in Bttc block %" PRIu64 " (receipt %zu, log %" PRIu64
                    "), checkpoint header block %" PRIu64 " on %s (blocks %" PRIu64 "-%" PRIu64
                    "); payload %zu bytes, checked against the contracts' rules\n",
                    number, index, p.log_index, hb.id, ctx->root_name, hb.start, hb.end,
                    payload.len);
        struct bts_buf hex;
        bts_buf_init(&hex);
        if (bts_hex_encode_buf(&hex, payload.data, payload.len, BTS_HEX_0X) == BT_OK &&
            bts_buf_append_byte(&hex, 0) == BT_OK)
            printf("%s\n", (const char *)hex.data);
        bts_buf_free(&hex);
        if (is_submit) {
            fflush(stdout);
            rc = submit(ctx, &payload, &burn, err, sizeof(err));
        }
    }
    for (size_t i = 0; rcs && i < n_rc; i++)
        bts_buf_free(&rcs[i]);
    free(rcs);
    bts_buf_free(&proof);
    bts_buf_free(&payload);
    return rc;
}
