/* Delivery REST answers beyond Bttc's own needs (dlv_query.h): /overview, /checkpoints/list,
 * /bor/span/list, /staking/proposer/{times}, /staking/validator-status/{address}. Shapes and
 * errors as bttcprotocol/delivery@v1.0.9 {checkpoint,bor,staking}/client/rest/query.go and
 * their queriers; same envelope as every route (dlv_query.c write_answer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/dlvside.h>
#include <bts/hex.h>
#include <bts/keccak.h>

#include "dlv_query.h"
#include "dlv_query_int.h"

/* Text of the last argument error: answers are written before the next request is read
 * (Thread: loop), so one buffer is enough. */
static char arg_err[160];

/* cosmos-sdk rest.ParseUint64OrReturnBadRequest: a missing or non-decimal value is a 400 with
 * strconv's wording. */
static int arg_u64(const char *query, const char *key, uint64_t *out, struct dlvq_answer *err)
{
    char v[64] = "";
    if (key)
        (void)dlvq_query_get(query, key, v, sizeof v);
    else
        snprintf(v, sizeof v, "%s", query);
    if (dlvq_parse_u64(v, strlen(v), out))
        return 1;
    snprintf(arg_err, sizeof arg_err, "'%s' is not a valid uint64", v);
    *err = dlvq_bad(arg_err);
    return 0;
}

/* The next of 1..n in the order of their decimal strings (1, 10, 100, 11, ..., 2, 20, ...),
 * the order of upstream's keys prefix ‖ strconv.FormatUint(number, 10), which list routes
 * page through; 0 after the last. */
static uint64_t lex_next(uint64_t cur, uint64_t n)
{
    if (cur <= n / 10)
        return cur * 10;
    while (cur % 10 == 9 || cur + 1 > n) {
        cur /= 10;
        if (cur == 0)
            return 0;
    }
    return cur + 1;
}

/* One page of a keyed list (upstream KVStorePrefixIteratorPaginated with the limit capped at
 * 20): skip (page-1)*limit entries (Go's uint arithmetic: page 0 wraps and skips everything),
 * then take up to limit. An empty page is JSON null (a nil Go slice). */
struct pager {
    uint64_t skip, left;
    json_t *arr;
    int oom;
};

static void pager_init(struct pager *p, uint64_t page, uint64_t limit)
{
    if (limit > 20)
        limit = 20;
    p->skip = (page - 1) * limit;
    p->left = limit;
    p->arr = NULL;
    p->oom = 0;
}

/* Offer one existing entry (built lazily by the caller when this returns 1). */
static int pager_wants(struct pager *p)
{
    if (p->skip) {
        p->skip--;
        return 0;
    }
    return p->left > 0;
}

static void pager_add(struct pager *p, json_t *v)
{
    if (!p->arr && !(p->arr = json_array()))
        p->oom = 1;
    if (!v || p->oom || json_array_append_new(p->arr, v) != 0) {
        p->oom = 1;
        return;
    }
    p->left--;
}

static struct dlvq_answer pager_answer(struct pager *p)
{
    if (p->oom) {
        json_decref(p->arr);
        return dlvq_ok(NULL);
    }
    return dlvq_ok(p->arr ? p->arr : json_null());
}

/* GET /checkpoints/list?root=R&page=P&limit=L: the checkpoints of R (Checkpoint, no id). */
static struct dlvq_answer q_checkpoint_list(struct dlv_application *a, const char *query)
{
    char root_s[16] = "";
    enum dlv_root r;
    uint64_t page, limit;
    struct dlvq_answer err;
    (void)dlvq_query_get(query, "root", root_s, sizeof root_s);
    if (dlv_root_parse(&r, root_s) != BT_OK) {
        snprintf(arg_err, sizeof arg_err, "valid root chain %s", root_s);
        return dlvq_bad(arg_err);
    }
    if (!arg_u64(query, "page", &page, &err) || !arg_u64(query, "limit", &limit, &err))
        return err;
    struct pager p;
    pager_init(&p, page, limit);
    uint64_t n = dlv_ack_count(a, r, 1);
    for (uint64_t k = n ? 1 : 0; k && p.left && !p.oom; k = lex_next(k, n)) {
        struct dlv_checkpoint c;
        if (dlv_get_checkpoint(a, DLV_T_CKPT, r, k, &c, 1) == BT_OK && pager_wants(&p))
            pager_add(&p, dlvq_checkpoint_json(&c, 0, 0));
    }
    return pager_answer(&p);
}

static int add_span(struct dlv_application *a, struct pager *p, uint64_t id)
{
    struct dlv_span_rec s;
    if (dlv_get_span(a, id, &s, 1) != BT_OK)
        return 0;
    if (pager_wants(p))
        pager_add(p, dlvq_span_json(&s));
    dlv_span_rec_free(&s);
    return 1;
}

/* GET /bor/span/list?page=P&limit=L: spans 0..latest in key order ("0" first). */
static struct dlvq_answer q_span_list(struct dlv_application *a, const char *query)
{
    uint64_t page, limit, latest = 0;
    struct dlvq_answer err;
    if (!arg_u64(query, "page", &page, &err) || !arg_u64(query, "limit", &limit, &err))
        return err;
    struct pager p;
    pager_init(&p, page, limit);
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_LATEST_SPAN);
    if (dlv_get_u64(a, &k, &latest, 1) != BT_OK)
        latest = 0;
    (void)add_span(a, &p, 0);
    for (uint64_t id = latest ? 1 : 0; id && p.left && !p.oom; id = lex_next(id, latest))
        (void)add_span(a, &p, id);
    return pager_answer(&p);
}

/* The current validator set with its records (vals[i] matches s->v[i]); BT_ENOTFOUND if none. */
static bt_status load_set(struct dlv_application *a, struct bts_valset *s,
                          struct dlv_validator **out_vals)
{
    *out_vals = NULL;
    bts_valset_init(s);
    bt_status st = dlv_get_valset(a, s, 1);
    struct dlv_validator *vals = st == BT_OK ? calloc(s->n ? s->n : 1, sizeof *vals) : NULL;
    if (st == BT_OK && !vals)
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < s->n; i++)
        st = dlv_get_validator(a, s->v[i].address, &vals[i], 1);
    if (st != BT_OK) {
        free(vals);
        bts_valset_free(s);
        return st;
    }
    *out_vals = vals;
    return BT_OK;
}

/* GET /overview: stateDump {ack_count, checkpoint_buffer, validator_count, validator_set,
 * last_noack_time}. ack_count is the TRON (staking root) ack count (QueryEpoch).
 * checkpoint_buffer is always null: upstream asks the buffer of root "" (root id 0), which
 * is never written. last_noack_time is time.Unix(lastNoAck, 0) in RFC 3339 (UTC). */
static struct dlvq_answer q_overview(struct dlv_application *a)
{
    struct bts_valset s;
    struct dlv_validator *vals;
    json_t *set;
    size_t count = 0;
    if (load_set(a, &s, &vals) == BT_OK) {
        count = s.n;
        set = dlvq_valset_json(&s, vals);
        free(vals);
        bts_valset_free(&s);
    } else {
        set = dlvq_obj(2, "validators", json_null(), "proposer", json_null());
    }
    uint64_t noack = 0;
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_LAST_NOACK);
    if (dlv_get_u64(a, &k, &noack, 1) != BT_OK || noack > UINT64_MAX / 1000)
        noack = 0;
    char t[40];
    dlv_format_time(t, noack * 1000);
    return dlvq_ok(dlvq_obj(5, "ack_count", dlvq_u(dlv_ack_count(a, DLV_ROOT_TRON, 1)),
                            "checkpoint_buffer", json_null(), "validator_count", dlvq_u(count),
                            "validator_set", set, "last_noack_time", json_string(t)));
}

/* GET /staking/proposer/{times}: the next min(times, n) proposers of the current set, the set
 * advanced by IncrementProposerPriority(1) after each (accum as it was when chosen). */
static struct dlvq_answer q_proposers(struct dlv_application *a, const char *times_s)
{
    uint64_t times;
    struct dlvq_answer err;
    if (!arg_u64(times_s, NULL, &times, &err))
        return err;
    struct bts_valset s;
    struct dlv_validator *vals;
    if (load_set(a, &s, &vals) != BT_OK)
        return dlvq_ok(json_null()); /* an empty set: no proposers (nil slice) */
    if (times > s.n)
        times = s.n;
    json_t *arr = times ? json_array() : json_null();
    for (uint64_t i = 0; arr && i < times; i++) {
        size_t p = bts_valset_proposer(&s);
        /* The set is sorted by signer, so the record of slot p stays vals[p]. */
        if (json_array_append_new(arr, dlvq_validator_json(&vals[p], s.v[p].priority)) != 0 ||
            bts_valset_increment(&s, 1) != BT_OK) {
            json_decref(arr);
            arr = NULL;
        }
    }
    free(vals);
    bts_valset_free(&s);
    return dlvq_ok(arr);
}

/* GET /staking/validator-status/{address}: {"result": isCurrentValidator(ackCount)}; an
 * unknown or malformed address is false (go-ethereum HexToAddress never fails). */
static struct dlvq_answer q_validator_status(struct dlv_application *a, const char *addr_s)
{
    uint8_t addr[20];
    struct dlv_validator v;
    int cur = bts_hex_parse_address(addr, addr_s, strlen(addr_s)) == BT_OK &&
              dlv_get_validator(a, addr, &v, 1) == BT_OK &&
              dlv_val_is_current(&v, dlv_ack_count(a, DLV_ROOT_TRON, 1));
    return dlvq_ok(dlvq_obj(1, "result", json_boolean(cur)));
}

/* --- /clerk/isoldtx (answered through the oracle, dlv_rest.c) ------------------------------- */

#define NOT_CONFIRMED "Transaction is not confirmed yet. Please wait for sometime and try again"

bt_status dlv_query_isoldtx_start(struct dlv_application *a, const char *query,
                                  struct dlv_oracle_query *q, uint32_t *out_status,
                                  struct bts_buf *out_body)
{
    char hash_s[80] = "", root_s[16] = "";
    struct dlvq_answer ans;
    memset(q, 0, sizeof *q);
    q->kind = DLV_Q_RECEIPT_LOG;
    *out_status = 0;
    if (!arg_u64(query ? query : "", "logindex", &q->log_index, &ans))
        return dlvq_write_answer(a, &ans, out_status, out_body);
    /* Upstream's handler returns without writing when txhash or rootchaintype is empty: an
     * empty 200. */
    if (!dlvq_query_get(query, "txhash", hash_s, sizeof hash_s) || !hash_s[0] ||
        !dlvq_query_get(query, "rootchaintype", root_s, sizeof root_s) || !root_s[0]) {
        *out_status = 200;
        return BT_OK;
    }
    if (dlv_root_parse(&q->root, root_s) != BT_OK) {
        snprintf(arg_err, sizeof arg_err,
                 "wrong chain type = %s please pass correct chainType like eth or tron", root_s);
        ans = (struct dlvq_answer){500, NULL, arg_err};
        return dlvq_write_answer(a, &ans, out_status, out_body);
    }
    if (bts_hex_parse_hash(q->tx_hash, hash_s, strlen(hash_s)) != BT_OK) {
        ans = (struct dlvq_answer){500, NULL, NOT_CONFIRMED}; /* no such receipt anywhere */
        return dlvq_write_answer(a, &ans, out_status, out_body);
    }
    return BT_OK; /* ask the oracle */
}

bt_status dlv_query_isoldtx_answer(struct dlv_application *a, const struct dlv_oracle_query *q,
                                   const struct dlv_oracle_answer *ans, uint32_t *out_status,
                                   struct bts_buf *out_body)
{
    struct dlvq_answer r;
    uint64_t seq;
    if (ans->status != BT_OK ||
        bts_dlvside_clerk_sequence(&seq, ans->log.block_number, q->log_index, (uint64_t)q->root) !=
            BT_OK)
        r = (struct dlvq_answer){500, NULL, NOT_CONFIRMED};
    else if (!dlv_has_sequence(a, SEQ_CLERK, seq))
        r = dlvq_not_found("No sequence found");
    else
        r = dlvq_ok(json_true());
    return dlvq_write_answer(a, &r, out_status, out_body);
}

/* --- /topup/account-proof/{address}[/verify] ------------------------------------------------- */

/* The Merkle path of `user` in the dividend-account tree of bts_dlvckpt_account_root
 * (cbergoon/merkletree GetMerklePath: the sibling at each level from the leaf up, a lone node
 * being its own sibling), concatenated; index = the account's position. An unknown user has an
 * empty path and index 0 (GetMerklePath finds no leaf). Returns BT_EINVAL when there are no
 * accounts (upstream cannot build an empty tree), BT_ENOMEM. */
static bt_status account_proof(struct dlv_application *a, const uint8_t user[20],
                               struct bts_buf *out, uint64_t *out_index)
{
    struct bts_dlvckpt_account *acc;
    size_t n;
    *out_index = 0;
    bt_status st = dlv_list_accounts(a, &acc, &n, 1);
    if (st != BT_OK)
        return st;
    size_t idx = n, len = n + (n & 1);
    uint8_t *lvl = n ? malloc(len * 32) : NULL;
    st = n == 0 ? BT_EINVAL : lvl ? BT_OK : BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        uint8_t leaf[64] = {0};
        memcpy(leaf + 12, acc[i].user, 20);
        memcpy(leaf + 32, acc[i].fee, 32);
        bts_keccak256(lvl + 32 * i, leaf, 64);
        if (idx == n && memcmp(acc[i].user, user, 20) == 0)
            idx = i;
    }
    if (st == BT_OK && (n & 1))
        memcpy(lvl + 32 * n, lvl + 32 * (n - 1), 32);
    if (st == BT_OK && idx < n) {
        *out_index = idx;
        for (size_t at = idx; st == BT_OK; at /= 2) {
            size_t sib = (at ^ 1) < len ? (at ^ 1) : at;
            st = bts_buf_append(out, lvl + 32 * sib, 32);
            if (len == 2)
                break;
            /* The next level, in place (as bts_dlvckpt_account_root builds it). */
            size_t next = 0;
            for (size_t i = 0; i < len; i += 2, next++) {
                uint8_t pair[64];
                memcpy(pair, lvl + 32 * i, 32);
                memcpy(pair + 32, lvl + 32 * (i + 1 < len ? i + 1 : i), 32);
                bts_keccak256(lvl + 32 * next, pair, 64);
            }
            len = next;
        }
    }
    free(lvl);
    free(acc);
    return st;
}

/* GET /topup/account-proof/{address}: {"user","accountProof","index"}. Upstream first compares
 * the tree's root with StakingInfo.currentAccountStateRoot on Ethereum and refuses (400) when
 * they differ; this node answers from its committed state alone (the rootchain ABI is not
 * reachable from a synchronous query). GET .../verify?proof=P: {"result": P equals the path}. */
static struct dlvq_answer q_account_proof(struct dlv_application *a, const char *addr_s, int verify,
                                          const char *query)
{
    uint8_t user[20] = {0};
    if (bts_hex_parse_address(user, addr_s, strlen(addr_s)) != BT_OK)
        memset(user, 0, 20); /* go-ethereum HexToAddress never fails */
    struct bts_buf proof;
    uint64_t index;
    bts_buf_init(&proof);
    bt_status st = account_proof(a, user, &proof, &index);
    struct dlvq_answer ans;
    if (verify) {
        char want_s[4096] = "";
        struct bts_buf want;
        bts_buf_init(&want);
        (void)dlvq_query_get(query, "proof", want_s, sizeof want_s);
        int same = st == BT_OK && bts_hex_decode_buf(&want, want_s, strlen(want_s), 0) == BT_OK &&
                   want.len == proof.len &&
                   (!want.len || memcmp(want.data, proof.data, want.len) == 0);
        bts_buf_free(&want);
        ans = dlvq_ok(dlvq_obj(1, "result", json_boolean(same)));
    } else if (st == BT_EINVAL) {
        ans = dlvq_bad("could fetch account proof: error: cannot construct tree with no content");
    } else if (st != BT_OK) {
        ans = dlvq_ok(NULL);
    } else {
        struct bts_buf hex;
        bts_buf_init(&hex);
        json_t *p = bts_hex_encode_buf(&hex, proof.data, proof.len, BTS_HEX_0X) == BT_OK
                        ? json_stringn((const char *)hex.data, hex.len)
                        : NULL;
        bts_buf_free(&hex);
        ans = dlvq_ok(
            dlvq_obj(3, "user", dlvq_hex(user, 20), "accountProof", p, "index", dlvq_u(index)));
    }
    bts_buf_free(&proof);
    return ans;
}

int dlvq_route_more(struct dlv_application *a, char **seg, size_t n, const char *query,
                    struct dlvq_answer *out)
{
    if (n == 1 && strcmp(seg[0], "overview") == 0)
        *out = q_overview(a);
    else if (n == 2 && strcmp(seg[0], "checkpoints") == 0 && strcmp(seg[1], "list") == 0)
        *out = q_checkpoint_list(a, query);
    else if (n == 3 && strcmp(seg[0], "bor") == 0 && strcmp(seg[1], "span") == 0 &&
             strcmp(seg[2], "list") == 0)
        *out = q_span_list(a, query);
    else if (n == 3 && strcmp(seg[0], "staking") == 0 && strcmp(seg[1], "proposer") == 0)
        *out = q_proposers(a, seg[2]);
    else if (n == 3 && strcmp(seg[0], "staking") == 0 && strcmp(seg[1], "validator-status") == 0)
        *out = q_validator_status(a, seg[2]);
    else if ((n == 3 || (n == 4 && strcmp(seg[3], "verify") == 0)) &&
             strcmp(seg[0], "topup") == 0 && strcmp(seg[1], "account-proof") == 0)
        *out = q_account_proof(a, seg[2], n == 4, query);
    else
        return 0;
    return 1;
}
