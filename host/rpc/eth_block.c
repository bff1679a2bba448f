/* Chain and block methods: eth_chainId, eth_blockNumber, eth_syncing, eth_accounts, net_*,
 * eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory, eth_getBlockBy{Number,Hash},
 * eth_getBlockTransactionCountBy*, eth_getUncleCountBy*. Sources: go-ethereum
 * internal/ethapi/api.go, eth/gasprice/gasprice.go and feehistory.go. */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/json.h>

/* geth gasprice defaults: 20 blocks, 60th percentile, ignore tips below 2 wei, at most
 * 500 gwei; in --dev geth's miner price (the default suggestion) is 1 wei. */
#define GPO_BLOCKS     20
#define GPO_PERCENTILE 60
#define GPO_IGNORE_WEI 2
#define GPO_DEFAULT    1
#define FEE_HIST_MAX   1024 /* geth maxBlockCount */

static int no_params(struct bt_rpc_call *call)
{
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return 0;
    json_decref(p);
    return 1;
}

static void m_chain_id(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (no_params(call))
        eth_reply(call, bts_json_new_u64(chain_config(api->c)->chain_id));
}

static void m_block_number(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    uint64_t n;
    uint8_t h[32];
    if (!no_params(call))
        return;
    chain_head(api->c, &n, h);
    eth_reply(call, bts_json_new_u64(n));
}

static void m_syncing(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (!no_params(call))
        return;
    struct chain_sync s;
    chain_sync_status(api->c, &s);
    if (!s.is_syncing) {
        rpc_call_result(call, "false");
        return;
    }
    json_t *o = json_object();
    if (o && (bts_json_set_u64(o, "startingBlock", s.starting_block) != BT_OK ||
              bts_json_set_u64(o, "currentBlock", s.current_block) != BT_OK ||
              bts_json_set_u64(o, "highestBlock", s.highest_block) != BT_OK)) {
        json_decref(o);
        o = NULL;
    }
    eth_reply(call, o);
}

static void m_accounts(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (no_params(call))
        rpc_call_result(call, "[]"); /* no keys are unlocked for RPC signing */
}

static void m_net_version(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (!no_params(call))
        return;
    char out[32];
    snprintf(out, sizeof(out), "\"%llu\"", (unsigned long long)chain_config(api->c)->chain_id);
    rpc_call_result(call, out);
}

static void m_net_listening(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (no_params(call))
        rpc_call_result(call, "true");
}

static void m_net_peer_count(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (no_params(call))
        rpc_call_result(call, "\"0x0\""); /* no p2p yet */
}

static int cmp_u256(const void *a, const void *b)
{
    return bts_u256_cmp(a, b);
}

/* The suggested tip: the 60th percentile of the tips paid in the last 20 blocks (each at
 * least 2 wei), or 1 wei when there are none. */
static struct bts_u256 suggest_tip(struct eth_api *api)
{
    uint64_t head;
    uint8_t hh[32];
    chain_head(api->c, &head, hh);
    struct bts_u256 *tips = NULL, ignore = bts_u256_from_u64(GPO_IGNORE_WEI);
    size_t n = 0, cap = 0;
    for (uint64_t b = head + 1; b-- > 0 && head - b < GPO_BLOCKS;) {
        struct chain_receipts rs;
        struct chain_header hd;
        if (chain_header_by_number(api->c, b, &hd) != BT_OK)
            break;
        if (chain_receipts_by_number(api->c, b, &rs) == BT_OK) {
            for (size_t i = 0; i < rs.n; i++) {
                struct bts_u256 tip = rs.r[i].effective_gas_price;
                if (hd.h.n_optional >= BTS_HEADER_OPT_BASE_FEE)
                    bts_u256_sub(&tip, &tip, &hd.h.base_fee);
                if (bts_u256_lt(&tip, &ignore))
                    continue;
                if (n == cap) {
                    size_t nc = cap ? 2 * cap : 64;
                    struct bts_u256 *t = realloc(tips, nc * sizeof(*t));
                    if (!t)
                        break;
                    tips = t;
                    cap = nc;
                }
                tips[n++] = tip;
            }
        }
        chain_receipts_free(&rs);
        chain_header_free(&hd);
    }
    struct bts_u256 out = bts_u256_from_u64(GPO_DEFAULT);
    if (n) {
        qsort(tips, n, sizeof(*tips), cmp_u256);
        out = tips[(n - 1) * GPO_PERCENTILE / 100];
        struct bts_u256 max = bts_u256_from_u64(500000000000ull);
        if (bts_u256_gt(&out, &max))
            out = max;
    }
    free(tips);
    return out;
}

/* EIP-1559 base fee of the block after `h` (elasticity 2, change denominator 8). */
static struct bts_u256 next_base_fee(const struct chaincfg *cfg, const struct bts_header *h)
{
    if (h->number + 1 < cfg->london_block)
        return bts_u256_from_u64(0);
    if (h->n_optional < BTS_HEADER_OPT_BASE_FEE)
        return bts_u256_from_u64(1000000000); /* the London fork block: InitialBaseFee */
    uint64_t target = h->gas_limit / 2;
    struct bts_u256 fee = h->base_fee, d, t = bts_u256_from_u64(target ? target : 1),
                    eight = bts_u256_from_u64(8);
    if (h->gas_used == target)
        return fee;
    uint64_t delta = h->gas_used > target ? h->gas_used - target : target - h->gas_used;
    struct bts_u256 dl = bts_u256_from_u64(delta);
    bts_u256_mul(&d, &fee, &dl);
    bts_u256_div(&d, &d, &t);
    bts_u256_div(&d, &d, &eight);
    if (h->gas_used > target) {
        if (bts_u256_is_zero(&d))
            d = bts_u256_from_u64(1);
        bts_u256_add(&fee, &fee, &d);
    } else if (bts_u256_lt(&d, &fee)) {
        bts_u256_sub(&fee, &fee, &d);
    } else {
        fee = bts_u256_from_u64(0);
    }
    return fee;
}

static void m_max_priority_fee(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (!no_params(call))
        return;
    struct bts_u256 tip = suggest_tip(api);
    eth_reply(call, eth_u256_json(&tip));
}

static void m_gas_price(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (!no_params(call))
        return;
    struct bts_u256 p = suggest_tip(api);
    const struct bts_header *h = &chain_head_header(api->c)->h;
    if (h->n_optional >= BTS_HEADER_OPT_BASE_FEE)
        bts_u256_add(&p, &p, &h->base_fee);
    eth_reply(call, eth_u256_json(&p));
}

struct tipgas {
    struct bts_u256 tip;
    uint64_t gas;
};

static int cmp_tipgas(const void *a, const void *b)
{
    return bts_u256_cmp(&((const struct tipgas *)a)->tip, &((const struct tipgas *)b)->tip);
}

/* The rewards of one block at the given percentiles of gas used (geth processBlock). */
static json_t *block_rewards(struct eth_api *api, uint64_t number, const struct bts_header *h,
                             const double *pct, size_t n_pct)
{
    json_t *arr = json_array();
    struct chain_receipts rs;
    if (!arr || chain_receipts_by_number(api->c, number, &rs) != BT_OK) {
        json_decref(arr);
        return NULL;
    }
    struct tipgas *tg = rs.n ? calloc(rs.n, sizeof(*tg)) : NULL;
    for (size_t i = 0; tg && i < rs.n; i++) {
        tg[i].tip = rs.r[i].effective_gas_price;
        if (h->n_optional >= BTS_HEADER_OPT_BASE_FEE)
            bts_u256_sub(&tg[i].tip, &tg[i].tip, &h->base_fee);
        tg[i].gas = rs.r[i].gas_used;
    }
    if (tg)
        qsort(tg, rs.n, sizeof(*tg), cmp_tipgas);
    size_t k = 0;
    uint64_t sum = tg && rs.n ? tg[0].gas : 0;
    for (size_t p = 0; p < n_pct; p++) {
        struct bts_u256 z = bts_u256_from_u64(0);
        if (!tg) {
            json_array_append_new(arr, eth_u256_json(&z));
            continue;
        }
        double threshold = (double)h->gas_used * pct[p] / 100.0;
        while (sum < threshold && k + 1 < rs.n)
            sum += tg[++k].gas;
        json_array_append_new(arr, eth_u256_json(&tg[k].tip));
    }
    free(tg);
    chain_receipts_free(&rs);
    return arr;
}

static void m_fee_history(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 3, 2, &p) != BT_OK)
        return;
    char err[200];
    uint64_t count, newest;
    const json_t *jc = json_array_get(p, 0);
    double pct[100];
    size_t n_pct = 0;
    /* geth's math.HexOrDecimal64: a decimal number is accepted too. */
    if (json_is_integer(jc) && json_integer_value(jc) >= 0)
        count = (uint64_t)json_integer_value(jc);
    else if (bts_json_as_u64(&count, jc, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        goto out;
    }
    if (eth_block_number_of(api, json_array_get(p, 1), &newest, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 1, err);
        goto out;
    }
    const json_t *jp = json_array_get(p, 2);
    if (jp && !json_is_null(jp)) {
        if (!json_is_array(jp) || json_array_size(jp) > 100) {
            eth_bad_arg(call, 2, "invalid reward percentiles");
            goto out;
        }
        for (size_t i = 0; i < json_array_size(jp); i++) {
            const json_t *e = json_array_get(jp, i);
            double v = json_number_value(e);
            if (!json_is_number(e) || v < 0 || v > 100 || (i && v < pct[i - 1])) {
                char m[80];
                snprintf(m, sizeof(m), "invalid reward percentile: %g", v);
                eth_server_error(call, m);
                goto out;
            }
            pct[n_pct++] = v;
        }
    }
    uint64_t head;
    uint8_t hh[32];
    chain_head(api->c, &head, hh);
    if (newest > head) {
        snprintf(err, sizeof(err), "request beyond head block: requested %llu, head %llu",
                 (unsigned long long)newest, (unsigned long long)head);
        eth_server_error(call, err);
        goto out;
    }
    if (count > FEE_HIST_MAX)
        count = FEE_HIST_MAX;
    if (count > newest + 1)
        count = newest + 1;
    json_t *o = json_object(), *fees = json_array(), *ratio = json_array(),
           *rewards = n_pct ? json_array() : NULL;
    uint64_t oldest = newest + 1 - count;
    struct chain_header hd = {0};
    for (uint64_t b = oldest; b <= newest && count; b++) {
        chain_header_free(&hd);
        if (chain_header_by_number(api->c, b, &hd) != BT_OK)
            break;
        struct bts_u256 fee =
            hd.h.n_optional >= BTS_HEADER_OPT_BASE_FEE ? hd.h.base_fee : bts_u256_from_u64(0);
        json_array_append_new(fees, eth_u256_json(&fee));
        json_array_append_new(
            ratio, json_real(hd.h.gas_limit ? (double)hd.h.gas_used / (double)hd.h.gas_limit : 0));
        if (rewards)
            json_array_append_new(rewards, block_rewards(api, b, &hd.h, pct, n_pct));
    }
    if (count && hd.rlp) {
        struct bts_u256 next = next_base_fee(chain_config(api->c), &hd.h);
        json_array_append_new(fees, eth_u256_json(&next));
    }
    chain_header_free(&hd);
    if (o) {
        json_object_set_new(o, "oldestBlock", bts_json_new_u64(count ? oldest : 0));
        if (count) {
            json_object_set_new(o, "baseFeePerGas", fees);
            json_object_set_new(o, "gasUsedRatio", ratio);
            if (rewards)
                json_object_set_new(o, "reward", rewards);
            fees = ratio = rewards = NULL;
        }
    }
    json_decref(fees);
    json_decref(ratio);
    json_decref(rewards);
    eth_reply(call, o);
out:
    json_decref(p);
}

/* Blocks: unknown numbers and hashes answer null (geth). */
static void reply_block(struct eth_api *api, struct bt_rpc_call *call, struct chain_header *hd,
                        int is_full)
{
    struct chain_body body;
    struct bts_u256 td;
    bt_status rc = chain_body_by_hash(api->c, hd->hash, &body);
    if (rc != BT_OK) {
        chain_header_free(hd);
        eth_server_error(call, bts_status_str(rc));
        return;
    }
    /* The stored body has no senders: they are kept with the receipts. */
    struct chain_receipts rs;
    if (is_full && body.n_txs && body.senders &&
        chain_receipts_by_hash(api->c, hd->hash, &rs) == BT_OK) {
        for (size_t i = 0; i < rs.n && i < body.n_txs; i++)
            body.senders[i] = rs.r[i].from;
        chain_receipts_free(&rs);
    }
    int has_td = chain_td(api->c, hd->hash, &td) == BT_OK;
    eth_reply(call, ethjson_block(hd, &body, has_td ? &td : NULL, is_full));
    chain_body_free(&body);
    chain_header_free(hd);
}

static int full_flag(struct bt_rpc_call *call, json_t *p)
{
    const json_t *f = json_array_get(p, 1);
    if (!json_is_boolean(f)) {
        eth_bad_arg(call, 1, "json: cannot unmarshal non-bool into Go value of type bool");
        return -1;
    }
    return json_is_true(f);
}

/* The header a block-number argument names, or not found (answered null). */
static int header_by_number_arg(struct eth_api *api, struct bt_rpc_call *call, json_t *p,
                                struct chain_header *hd)
{
    uint64_t n;
    char err[200];
    if (eth_block_number_of(api, json_array_get(p, 0), &n, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        return -1;
    }
    if (chain_header_by_number(api->c, n, hd) != BT_OK) {
        rpc_call_result(call, "null");
        return -1;
    }
    return 0;
}

static int header_by_hash_arg(struct eth_api *api, struct bt_rpc_call *call, json_t *p,
                              struct chain_header *hd)
{
    uint8_t h[32];
    char err[200];
    if (bts_json_as_hash(h, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        return -1;
    }
    if (chain_header_by_hash(api->c, h, hd) != BT_OK) {
        rpc_call_result(call, "null");
        return -1;
    }
    return 0;
}

static void m_block_by_number(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 2, 2, &p) != BT_OK)
        return;
    int full = full_flag(call, p);
    if (full >= 0 && header_by_number_arg(api, call, p, &hd) == 0)
        reply_block(api, call, &hd, full);
    json_decref(p);
}

static void m_block_by_hash(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 2, 2, &p) != BT_OK)
        return;
    int full = full_flag(call, p);
    if (full >= 0 && header_by_hash_arg(api, call, p, &hd) == 0)
        reply_block(api, call, &hd, full);
    json_decref(p);
}

static void reply_tx_count(struct eth_api *api, struct bt_rpc_call *call, struct chain_header *hd)
{
    struct chain_body body;
    if (chain_body_by_hash(api->c, hd->hash, &body) == BT_OK)
        eth_reply(call, bts_json_new_u64(body.n_txs));
    else
        rpc_call_result(call, "null");
    chain_body_free(&body);
    chain_header_free(hd);
}

static void m_count_by_number(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    if (header_by_number_arg(api, call, p, &hd) == 0)
        reply_tx_count(api, call, &hd);
    json_decref(p);
}

static void m_count_by_hash(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    if (header_by_hash_arg(api, call, p, &hd) == 0)
        reply_tx_count(api, call, &hd);
    json_decref(p);
}

/* Bttc blocks have no uncles: "0x0" for a known block, null otherwise. */
static void m_uncles_by_number(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    if (header_by_number_arg(api, call, p, &hd) == 0) {
        rpc_call_result(call, "\"0x0\"");
        chain_header_free(&hd);
    }
    json_decref(p);
}

static void m_uncles_by_hash(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    if (header_by_hash_arg(api, call, p, &hd) == 0) {
        rpc_call_result(call, "\"0x0\"");
        chain_header_free(&hd);
    }
    json_decref(p);
}

bt_status eth_block_register(struct eth_api *api)
{
    static const struct {
        const char *name;
        bt_rpc_fn fn;
    } m[] = {
        {"eth_chainId", m_chain_id},
        {"eth_blockNumber", m_block_number},
        {"eth_syncing", m_syncing},
        {"eth_accounts", m_accounts},
        {"net_version", m_net_version},
        {"net_listening", m_net_listening},
        {"net_peerCount", m_net_peer_count},
        {"eth_gasPrice", m_gas_price},
        {"eth_maxPriorityFeePerGas", m_max_priority_fee},
        {"eth_feeHistory", m_fee_history},
        {"eth_getBlockByNumber", m_block_by_number},
        {"eth_getBlockByHash", m_block_by_hash},
        {"eth_getBlockTransactionCountByNumber", m_count_by_number},
        {"eth_getBlockTransactionCountByHash", m_count_by_hash},
        {"eth_getUncleCountByBlockNumber", m_uncles_by_number},
        {"eth_getUncleCountByBlockHash", m_uncles_by_hash},
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        bt_status rc = rpc_register(api->srv, api, m[i].name, 0, m[i].fn, api);
        if (rc != BT_OK)
            return rc;
    }
    return BT_OK;
}
