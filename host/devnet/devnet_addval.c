/* `bttcd devnet add-validator` and `bttcd devnet unstake N` (issue #14, docs/devnet.md "Adding
 * and removing validators"): a validator joins or leaves a running devnet the way it does on
 * BTTC, through TRON's StakeManager. Its Staked / UnstakeInit event reaches Delivery through the
 * bridge (MsgValidatorJoin / MsgValidatorExit, PROTOCOL.md §4.3.2), Delivery's validator set
 * follows at the epoch the event names, and a later span picks it as a producer (§4.5).
 * The stake is mirrored on ETH/BSC as at the first start (devnet_deploy.c): their RootChains check
 * checkpoint signatures against their own StakeManager. The supervisor starts the new validator's
 * process: this command records it in devnet.json and sends the supervisor SIGUSR1
 * (dn_adopt_validators). */
#define _XOPEN_SOURCE 700
#include "devnet_tx.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bts/hex.h>
#include <bts/secp.h>
#include <bts/solabi.h>

#include "genesis_int.h"
#include "keys_int.h"

#define GAS_CALL   1000000u
#define T200       "0xad78ebc5ac6200000" /* 200 DEV: the stake (100) and fee (1), as at the start */
#define T101       "0x579a814e10a740000"
#define T100       "0x56bc75e2d63100000"
#define T1         "0xde0b6b3a7640000"
#define WAIT_MS    120000 /* the new validator's JSON-RPC (it may wait for a busy machine) */
#define RECEIPT_MS 60000

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A running devnet with Delivery, done starting (every basechain's child side mapped: the
 * supervisor's last step before its ready line). Returns 0 or prints why not and returns 1. */
static int need_running(struct devnet *d, const char *cmd)
{
    char err[1024];
    bt_status st = dn_state_load(d, err, sizeof(err));
    if (st != BT_OK) {
        fprintf(stderr, "bttcd devnet %s: %s\n", cmd,
                st == BT_ENOTFOUND ? "no devnet in this directory (bttcd devnet starts one)" : err);
        return 1;
    }
    if (!dn_pid_alive(d, "devnet")) {
        fprintf(stderr,
                "bttcd devnet %s: the devnet of %s is not running: start it first ('bttcd devnet "
                "--dir %s')\n",
                cmd, d->dir, d->dir);
        return 1;
    }
    if (!dn_has_delivery(d)) {
        fprintf(stderr,
                "bttcd devnet %s: Delivery is off in this devnet (%s): validators join and leave "
                "through TRON staking events in Delivery\n",
                cmd, dn_delivery_off_reason(d));
        return 1;
    }
    for (int c = 0; c < DN_N_CHAINS; c++)
        if (d->base[c].is_enabled && !d->base[c].is_mapped) {
            fprintf(stderr,
                    "bttcd devnet %s: the devnet of %s is still starting: wait for its ready "
                    "line\n",
                    cmd, d->dir);
            return 1;
        }
    return 0;
}

/* Word `word` (a uint256 that fits 64 bits) of the answer of view call sig(args) on basechain
 * c's contract k. */
static bt_status call_word(const struct devnet *d, enum dn_chain c, enum dn_contract k,
                           const char *sig, const struct dn_arg *args, size_t n, size_t word,
                           uint64_t *out, char *err, size_t err_cap)
{
    uint8_t sel[4], *res = NULL;
    size_t len = 0;
    struct bts_buf data;
    bts_buf_init(&data);
    bt_status st = bts_solabi_selector(sel, sig);
    if (st == BT_OK && (st = bts_buf_append(&data, sel, 4)) == BT_OK)
        st = dn_encode_args(&data, args, n);
    if (st == BT_OK)
        st = dn_rpc_call(d->base[c].url, d->base[c].addr[k], data.data, data.len, &res, &len, err,
                         err_cap);
    if (st == BT_OK &&
        (len < 32 * (word + 1) || bts_solabi_word_to_u64(out, res + 32 * word) != BT_OK)) {
        dn_fmt(err, err_cap, "%s: %zu bytes", sig, len);
        st = BT_EPROTO;
    }
    free(res);
    bts_buf_free(&data);
    return st;
}

/* A run on basechain c: gas price and the pending nonces of dev keys 0 and i. */
static bt_status call_u64(const struct devnet *d, enum dn_chain c, enum dn_contract k,
                          const char *sig, const struct dn_arg *args, size_t n, uint64_t *out,
                          char *err, size_t err_cap)
{
    return call_word(d, c, k, sig, args, n, 0, out, err, err_cap);
}

static bt_status run_init(struct dn_run *r, struct devnet *d, enum dn_chain c, uint32_t i,
                          char *err, size_t err_cap)
{
    memset(r, 0, sizeof(*r));
    r->d = d;
    r->b = &d->base[c];
    r->err = err;
    r->err_cap = err_cap;
    uint64_t gp = 0;
    bt_status st = dn_rpc_u64(r->b->url, "eth_gasPrice", &gp, 5000, err, err_cap);
    r->gas_price = gp ? 2 * gp : 1000000000u;
    if (st == BT_OK)
        st = dn_pending_nonce(r->b->url, d->val[0].addr, &r->nonce[0], err, err_cap);
    if (st == BT_OK && i != 0)
        st = dn_pending_nonce(r->b->url, d->val[i].addr, &r->nonce[i], err, err_cap);
    return st;
}

/* Stake validator i on basechain c as the first start does: dev key 0 gives it 200 DEV (and
 * raises the StakeManager's validator threshold when needed), then its own key approves and
 * calls stakeFor(itself, 100 DEV, 1 DEV fee, false, its public key). */
static bt_status stake_one(struct devnet *d, enum dn_chain c, uint32_t i, char *err, size_t err_cap)
{
    struct dn_run *r = calloc(1, sizeof(*r));
    if (!r)
        return BT_ENOMEM;
    const uint8_t(*A)[20] = (const uint8_t(*)[20])d->base[c].addr;
    uint64_t threshold = 0, size = 0;
    bt_status st = run_init(r, d, c, i, err, err_cap);
    if (st == BT_OK)
        st = call_u64(d, c, DN_C_STAKE_MANAGER, "validatorThreshold()", NULL, 0, &threshold, err,
                      err_cap);
    if (st == BT_OK)
        st = dn_staked_count(d, c, &size, err, err_cap);
    if (st == BT_OK && size + 1 >= threshold) {
        struct dn_arg th[] = {A_U64(size + 2)};
        st = dn_tx_call(r, 0, A[DN_C_STAKE_MANAGER], "updateValidatorThreshold(uint256)", th, 1,
                        GAS_CALL);
    }
    struct dn_arg give[] = {A_ADDR(d->val[i].addr), A_WORD(T200)};
    if (st == BT_OK)
        st = dn_tx_call(r, 0, A[DN_C_TOKEN], "transfer(address,uint256)", give, 2, GAS_CALL);
    if (st == BT_OK)
        st = dn_tx_settle(r);
    uint8_t key[32], pub[65];
    if (st == BT_OK && (st = genesis_dev_key(key, i)) == BT_OK)
        st = bts_secp_seckey_to_pubkey(pub, key);
    explicit_bzero(key, sizeof(key));
    struct dn_arg ap[] = {A_ADDR(A[DN_C_STAKE_MANAGER]), A_WORD(T101)};
    struct dn_arg sf[] = {A_ADDR(d->val[i].addr), A_WORD(T100), A_WORD(T1), A_BOOL(0),
                          A_BYTES(pub + 1, 64)};
    if (st == BT_OK)
        st = dn_tx_call(r, i, A[DN_C_TOKEN], "approve(address,uint256)", ap, 2, GAS_CALL);
    if (st == BT_OK)
        st = dn_tx_call(r, i, A[DN_C_STAKE_MANAGER], "stakeFor(address,uint256,uint256,bool,bytes)",
                        sf, 5, 2 * GAS_CALL);
    if (st == BT_OK)
        st = dn_tx_settle(r);
    free(r);
    return st;
}

/* Free loopback ports for validator i, none of the devnet's known ones. */
static int pick_ports(struct devnet *d, uint32_t i)
{
    int used[2 * DN_N_CHAINS + 4 * DN_MAX_VALIDATORS + 1];
    size_t n = 0;
    for (int c = 0; c < DN_N_CHAINS; c++)
        used[n++] = d->base[c].http_port, used[n++] = d->base[c].tron_api_port;
    used[n++] = d->status_port;
    for (uint32_t k = 0; k < i; k++)
        used[n++] = d->val[k].http_port, used[n++] = d->val[k].ws_port,
        used[n++] = d->val[k].p2p_port, used[n++] = d->val[k].rest_port;
    int *ports[] = {&d->val[i].http_port, &d->val[i].ws_port, &d->val[i].p2p_port,
                    &d->val[i].rest_port};
    for (int k = 0; k < 4; k++) {
        if (!(*ports[k] = dn_free_port(used, n)))
            return -1;
        used[n++] = *ports[k];
    }
    return 0;
}

int dn_add_validator(struct devnet *d)
{
    char err[1024];
    if (need_running(d, "add-validator") != 0)
        return 1;
    if (d->n_val >= DN_MAX_VALIDATORS) {
        fprintf(stderr,
                "bttcd devnet add-validator: the devnet has %u validators, the most it "
                "takes\n",
                d->n_val);
        return 1;
    }
    uint32_t i = d->n_val;
    struct dn_val *v = &d->val[i];
    struct bt_address a;
    if (genesis_dev_address(&a, i) != BT_OK)
        return 1;
    memcpy(v->addr, a.bytes, 20);
    bts_hex_format_eip55(v->addr_hex, v->addr);
    /* The basechains fund dev accounts 0..9 (or 0..N-1 of the first start) with ether. */
    for (int c = 0; c < DN_N_CHAINS; c++) {
        char h[43];
        json_t *res = NULL;
        if (!d->base[c].is_enabled)
            continue;
        dn_addr_hex(h, v->addr);
        bt_status st = dn_rpc(d->base[c].url, "eth_getBalance", json_pack("[s,s]", h, "latest"),
                              &res, 5000, err, sizeof(err));
        const char *s = json_string_value(res);
        int is_empty = st == BT_OK && (!s || strcmp(s, "0x0") == 0);
        json_decref(res);
        if (st != BT_OK || is_empty) {
            fprintf(stderr, "bttcd devnet add-validator: basechain %s: %s\n", dn_chain_names[c],
                    st != BT_OK ? err : "dev account has no ether to stake with");
            return 1;
        }
    }
    if (pick_ports(d, i) != 0) {
        fprintf(stderr, "bttcd devnet add-validator: no free loopback port\n");
        return 1;
    }
    d->n_val++;
    if (dn_setup_signer(d, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd devnet add-validator: keystore: %s\n", err);
        return 1;
    }
    /* Files first: a stake whose node cannot start would leave a staked validator offline. */
    if (dn_setup_validators(d, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd devnet add-validator: validator files: %s\n", err);
        return 1;
    }
    printf("validator v%u: %s (dev account %u), datadir %s/nodes/v%u\n", i, v->addr_hex, i, d->dir,
           i);
    fflush(stdout);
    /* TRON first: its Staked event is the one Delivery admits the validator from. */
    static const enum dn_chain order[] = {DN_TRON, DN_BSC, DN_ETH};
    for (int k = 0; k < DN_N_CHAINS; k++) {
        enum dn_chain c = order[k];
        uint64_t id = 0, epoch = 0;
        if (!d->base[c].is_enabled)
            continue;
        struct dn_arg sa[] = {A_ADDR(v->addr)};
        if (stake_one(d, c, i, err, sizeof(err)) != BT_OK ||
            call_u64(d, c, DN_C_STAKE_MANAGER, "signerToValidator(address)", sa, 1, &id, err,
                     sizeof(err)) != BT_OK) {
            fprintf(stderr, "bttcd devnet add-validator: staking on %s: %s\n", dn_chain_names[c],
                    err);
            return 1;
        }
        struct dn_arg ia[] = {A_U64(id)};
        if (call_word(d, c, DN_C_STAKE_MANAGER, "validators(uint256)", ia, 1, 2, &epoch, err,
                      sizeof(err)) != BT_OK) {
            fprintf(stderr, "bttcd devnet add-validator: staking on %s: %s\n", dn_chain_names[c],
                    err);
            return 1;
        }
        printf("basechain %s: staked 100 DEV as validator id %llu (activation epoch %llu)\n",
               dn_chain_names[c], (unsigned long long)id, (unsigned long long)epoch);
        fflush(stdout);
    }
    if (dn_state_save(d, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd devnet add-validator: state: %s\n", err);
        return 1;
    }
    pid_t sup = dn_pid_alive(d, "devnet");
    if (!sup || kill(sup, SIGUSR1) != 0) {
        fprintf(stderr,
                "bttcd devnet add-validator: the supervisor stopped: v%u is staked and "
                "recorded; the next 'bttcd devnet' start runs it\n",
                i);
        return 1;
    }
    char name[16], url[64];
    dn_fmt(name, sizeof(name), "v%u", i);
    dn_fmt(url, sizeof(url), "http://127.0.0.1:%d", v->http_port);
    long t0 = now_ms();
    uint64_t h = 0;
    while (!dn_pid_alive(d, name) ||
           dn_rpc_u64(url, "eth_blockNumber", &h, 1000, err, sizeof(err)) != BT_OK) {
        if (now_ms() - t0 > WAIT_MS) {
            fprintf(stderr,
                    "bttcd devnet add-validator: v%u does not answer at %s after %d s: see "
                    "%s/logs/v%u.log\n",
                    i, url, WAIT_MS / 1000, d->dir, i);
            return 1;
        }
        usleep(200 * 1000);
    }
    printf("validator v%u: started by the supervisor (pid %ld), JSON-RPC %s, Delivery REST "
           "http://127.0.0.1:%d\n",
           i, (long)dn_pid_alive(d, name), url, v->rest_port);
    printf("validator v%u: Delivery admits it once its Staked event is relayed and voted "
           "(/staking/validator-set); spans proposed from then on make it a producer\n",
           i);
    return 0;
}

int dn_unstake(struct devnet *d, uint32_t n)
{
    char err[1024];
    if (need_running(d, "unstake") != 0)
        return 1;
    if (n >= d->n_val) {
        fprintf(stderr, "bttcd devnet unstake: no validator v%u (the devnet has v0..v%u)\n", n,
                d->n_val - 1);
        return 2;
    }
    if (dn_setup_signer(d, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd devnet unstake: keystore: %s\n", err);
        return 1;
    }
    static const enum dn_chain order[] = {DN_TRON, DN_BSC, DN_ETH};
    for (int k = 0; k < DN_N_CHAINS; k++) {
        enum dn_chain c = order[k];
        uint64_t id = 0, epoch = 0;
        if (!d->base[c].is_enabled)
            continue;
        struct dn_arg sa[] = {A_ADDR(d->val[n].addr)};
        struct dn_run *r = calloc(1, sizeof(*r));
        bt_status st = r ? BT_OK : BT_ENOMEM;
        if (st == BT_OK)
            st = call_u64(d, c, DN_C_STAKE_MANAGER, "signerToValidator(address)", sa, 1, &id, err,
                          sizeof(err));
        if (st == BT_OK && id == 0) {
            dn_fmt(err, sizeof(err), "v%u (%s) is not staked there", n, d->val[n].addr_hex);
            st = BT_ENOTFOUND;
        }
        struct dn_arg ua[] = {A_U64(id)};
        if (st == BT_OK)
            st = run_init(r, d, c, n, err, sizeof(err));
        if (st == BT_OK)
            st = dn_tx_call(r, n, d->base[c].addr[DN_C_STAKE_MANAGER], "unstake(uint256)", ua, 1,
                            GAS_CALL);
        if (st == BT_OK && (st = dn_tx_settle(r)) == BT_EINVAL)
            dn_fmt(err, sizeof(err), "unstake(%llu) reverted: v%u is unstaking already",
                   (unsigned long long)id, n);
        if (st == BT_OK) /* StakeManager.unstake: currentEpoch + 1 when it ran */
            st = call_word(d, c, DN_C_STAKE_MANAGER, "validators(uint256)", ua, 1, 3, &epoch, err,
                           sizeof(err));
        free(r);
        if (st != BT_OK) {
            fprintf(stderr, "bttcd devnet unstake: %s: %s\n", dn_chain_names[c], err);
            return 1;
        }
        printf("basechain %s: validator id %llu (v%u) unstaked: it leaves the set at epoch "
               "%llu%s\n",
               dn_chain_names[c], (unsigned long long)id, n, (unsigned long long)epoch,
               c == DN_TRON ? " (Delivery: after the next TRON checkpoint is acked)" : "");
        fflush(stdout);
    }
    printf("validator v%u: its process keeps running; spans proposed after it left do not pick "
           "it\n",
           n);
    return 0;
}

bt_status dn_adopt_validators(struct devnet *d, char *err, size_t err_cap)
{
    struct devnet *t = calloc(1, sizeof(*t));
    if (!t)
        return BT_ENOMEM;
    memcpy(t->dir, d->dir, sizeof(t->dir));
    memcpy(t->exe, d->exe, sizeof(t->exe));
    bt_status st = dn_state_load(t, err, err_cap);
    uint32_t from = d->n_val;
    if (st == BT_OK && t->n_val > d->n_val) {
        memcpy(&d->val[from], &t->val[from], (t->n_val - from) * sizeof(d->val[0]));
        d->n_val = t->n_val;
    }
    free(t);
    if (st == BT_OK && from < d->n_val) /* their confs and enodes (the others' are unchanged) */
        st = dn_setup_validators(d, err, err_cap);
    for (uint32_t i = from; st == BT_OK && i < d->n_val; i++)
        if ((st = dn_start_validator(d, i, err, err_cap)) == BT_OK)
            printf("bttcd devnet: started v%u (%s), added by 'devnet add-validator'\n", i,
                   d->val[i].addr_hex);
    fflush(stdout);
    return st;
}
