/* Fees: eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory. Sources: go-ethereum
 * eth/gasprice/gasprice.go (SuggestTipCap), eth/gasprice/feehistory.go, consensus/misc/eip1559
 * (CalcBaseFee). */
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
    if (!eth_no_params(call))
        return;
    struct bts_u256 tip = suggest_tip(api);
    rpc_call_result_json(call, eth_u256_json(&tip));
}

static void m_gas_price(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (!eth_no_params(call))
        return;
    struct bts_u256 p = suggest_tip(api);
    const struct bts_header *h = &chain_head_header(api->c)->h;
    if (h->n_optional >= BTS_HEADER_OPT_BASE_FEE)
        bts_u256_add(&p, &p, &h->base_fee);
    rpc_call_result_json(call, eth_u256_json(&p));
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
    rpc_call_result_json(call, o);
out:
    json_decref(p);
}

bt_status eth_fee_register(struct eth_api *api)
{
    bt_status rc = rpc_register(api->srv, api, "eth_gasPrice", 0, m_gas_price, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_maxPriorityFeePerGas", 0, m_max_priority_fee, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_feeHistory", 0, m_fee_history, api);
    return rc;
}
