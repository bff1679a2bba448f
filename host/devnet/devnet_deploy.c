/* The root side of BTTC on one basechain, deployed from C as contracts/test/deploy.js wires it:
 * TestToken, Registry, StakingInfo, StakingNFT, ValidatorShareFactory, StakeManager (owning the
 * NFT, dynasty 2 = a short withdrawal delay), RootChain (for the Bttc devnet chain id, epoch
 * check on TRON only, as contracts/README.md says), StateSender, and the bridge's root side
 * (DepositManager, WithdrawManager, ERC20Predicate) registered in the Registry. Then every
 * validator stakes through stakeFor. TRON takes the berlin artifacts, Ethereum and BSC the
 * london ones. Transactions are signed with dev key 0 (the deployer, owner of everything) and
 * each validator's dev key, sent with explicit nonces without waiting in between (the CREATE
 * addresses follow from the nonces), then every receipt is checked. */
#include "devnet_tx.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/solabi.h>

#include "genesis_int.h"

#define GAS_CREATE 6000000
#define GAS_CALL   400000

/* 10^30 (token supply), 10^27 (checkpoint reward funds), 200 and 101 tokens, 100 and 1. */
static const char E30[] = "0xc9f2c9cd04674edea40000000";
static const char E27[] = "0x33b2e3c9fd0803ce8000000";
static const char T200[] = "0xad78ebc5ac6200000";
static const char T101[] = "0x579a814e10a740000";
static const char T100[] = "0x56bc75e2d63100000";
static const char T1[] = "0xde0b6b3a7640000";

#ifndef BT_CONTRACTS_BUILD_DIR
#define BT_CONTRACTS_BUILD_DIR ""
#endif

static int has_artifacts(const char *dir)
{
    char p[PATH_MAX];
    dn_fmt(p, sizeof(p), "%s/london/RootChain.json", dir);
    return access(p, R_OK) == 0;
}

const char *dn_contracts_dir(const char *exe, char *buf, size_t cap, char *err, size_t err_cap)
{
    const char *env = getenv("BTTCD_CONTRACTS_DIR");
    if (env && *env) {
        dn_fmt(buf, cap, "%s", env);
        if (has_artifacts(buf))
            return buf;
        dn_fmt(err, err_cap, "BTTCD_CONTRACTS_DIR=%s holds no london/RootChain.json", env);
        return NULL;
    }
    dn_fmt(buf, cap, "%s", BT_CONTRACTS_BUILD_DIR);
    if (*buf && has_artifacts(buf))
        return buf;
    /* installed: <prefix>/bin/bttcd -> <prefix>/share/bttcd/contracts */
    char tmp[PATH_MAX];
    dn_fmt(tmp, sizeof(tmp), "%s", exe);
    char *slash = strrchr(tmp, '/');
    if (slash) {
        *slash = '\0';
        dn_fmt(buf, cap, "%s/../share/bttcd/contracts", tmp);
        if (has_artifacts(buf))
            return buf;
    }
    dn_fmt(err, err_cap,
           "contract artifacts not found (looked in %s and <prefix>/share/bttcd/contracts; "
           "build them with 'cd contracts && npm ci && node scripts/build.js', or set "
           "BTTCD_CONTRACTS_DIR to a directory holding london/ and berlin/)",
           *BT_CONTRACTS_BUILD_DIR ? BT_CONTRACTS_BUILD_DIR : "(no source tree)");
    return NULL;
}

/* The creation bytecode of an artifact. */
static bt_status load_bytecode(struct bts_buf *out, const char *dir, const char *evm,
                               const char *name, char *err, size_t err_cap)
{
    char p[PATH_MAX];
    dn_fmt(p, sizeof(p), "%s/%s/%s.json", dir, evm, name);
    json_error_t je;
    json_t *root = json_load_file(p, 0, &je);
    const char *hex = root ? json_string_value(json_object_get(root, "bytecode")) : NULL;
    bt_status st = hex ? bts_hex_decode_buf(out, hex, strlen(hex), 0) : BT_EINVAL;
    if (st != BT_OK)
        dn_fmt(err, err_cap, "%s: %s", p, root ? "no valid bytecode" : je.text);
    json_decref(root);
    return st;
}

/* Append abi.encode(args) to out (the tuple of their types). */
bt_status dn_encode_args(struct bts_buf *out, const struct dn_arg *args, size_t n)
{
    if (n == 0)
        return BT_OK;
    char type[256] = "(";
    struct bts_solabi_value vals[8], tuple;
    if (n > 8)
        return BT_EINVAL;
    for (size_t i = 0; i < n; i++) {
        static const char *const names[] = {"address", "uint256", "bool", "string", "bytes"};
        const char *t = names[0];
        uint8_t word[32];
        switch (args[i].kind) {
        case 'a':
            bts_solabi_val_address(&vals[i], args[i].p);
            break;
        case 'u':
            t = names[1];
            bts_solabi_val_uint(&vals[i], args[i].u);
            break;
        case 'w':
            t = names[1];
            if (bts_hex_parse_u256(word, args[i].s, strlen(args[i].s)) != BT_OK)
                return BT_EINVAL;
            bts_solabi_val_word(&vals[i], BTS_SOLABI_UINT, word);
            break;
        case 'b':
            t = names[2];
            bts_solabi_val_bool(&vals[i], args[i].u != 0);
            break;
        case 'W':
            t = names[1];
            bts_solabi_val_word(&vals[i], BTS_SOLABI_UINT, args[i].p);
            break;
        case 's':
            t = names[3];
            bts_solabi_val_string(&vals[i], args[i].s);
            break;
        default:
            t = names[4];
            bts_solabi_val_bytes(&vals[i], args[i].p, args[i].n);
            break;
        }
        strcat(type, t);
        strcat(type, i + 1 < n ? "," : ")");
    }
    bts_solabi_val_list(&tuple, BTS_SOLABI_TUPLE, vals, n);
    struct bts_solabi_type *ty = NULL;
    bt_status st = bts_solabi_type_parse(&ty, type, strlen(type));
    if (st == BT_OK)
        st = bts_solabi_encode(out, ty, &tuple);
    bts_solabi_type_free(ty);
    return st;
}

static bt_status send_tx(struct dn_run *r, uint32_t key, const uint8_t *to, const uint8_t *data,
                         size_t len, uint64_t gas, const char *what)
{
    if (r->n_tx >= DN_MAX_TXS)
        return BT_ERANGE;
    bt_status st =
        dn_send_tx(r->b->url, r->b->chain_id, r->d->signer, r->d->val[key].addr, r->nonce[key],
                   r->gas_price, gas, to, data, len, r->hashes[r->n_tx], r->err, r->err_cap);
    if (st != BT_OK)
        return st;
    dn_fmt(r->what[r->n_tx++], sizeof(r->what[0]), "%s", what);
    r->nonce[key]++;
    return BT_OK;
}

bt_status dn_tx_create(struct dn_run *r, const char *dir, const char *evm, const char *name,
                       const struct dn_arg *args, size_t n, uint8_t out_addr[20])
{
    struct bts_buf code;
    bts_buf_init(&code);
    uint8_t deployer[20];
    struct bt_address a0;
    bt_status st = genesis_dev_address(&a0, 0);
    memcpy(deployer, a0.bytes, 20);
    if (st == BT_OK)
        st = load_bytecode(&code, dir, evm, name, r->err, r->err_cap);
    if (st == BT_OK && (st = dn_encode_args(&code, args, n)) != BT_OK)
        dn_fmt(r->err, r->err_cap, "%s: constructor arguments: %s", name, bts_status_str(st));
    if (st == BT_OK) {
        dn_create_address(out_addr, deployer, r->nonce[0]);
        st = send_tx(r, 0, NULL, code.data, code.len, GAS_CREATE, name);
    }
    bts_buf_free(&code);
    return st;
}

static bt_status create(struct dn_run *r, const char *dir, const char *evm, enum dn_contract c,
                        const struct dn_arg *args, size_t n)
{
    return dn_tx_create(r, dir, evm, dn_contract_names[c], args, n, r->b->addr[c]);
}

bt_status dn_tx_call(struct dn_run *r, uint32_t key, const uint8_t to[20], const char *sig,
                     const struct dn_arg *args, size_t n, uint64_t gas)
{
    uint8_t sel[4];
    struct bts_buf data;
    bts_buf_init(&data);
    bt_status st = bts_solabi_selector(sel, sig);
    if (st == BT_OK)
        st = bts_buf_append(&data, sel, 4);
    if (st == BT_OK)
        st = dn_encode_args(&data, args, n);
    if (st != BT_OK)
        dn_fmt(r->err, r->err_cap, "%s: encoding: %s", sig, bts_status_str(st));
    if (st == BT_OK)
        st = send_tx(r, key, to, data.data, data.len, gas, sig);
    bts_buf_free(&data);
    return st;
}

/* Wait for every receipt sent so far. */
bt_status dn_tx_settle(struct dn_run *r)
{
    for (size_t i = 0; i < r->n_tx; i++) {
        char e[512];
        bt_status st = dn_wait_receipt(r->b->url, r->hashes[i], 60000, e, sizeof(e));
        if (st != BT_OK) {
            dn_fmt(r->err, r->err_cap, "%s: %s", r->what[i], e);
            return st;
        }
    }
    r->n_tx = 0;
    return BT_OK;
}

bt_status dn_pending_nonce(const char *url, const uint8_t addr[20], uint64_t *out, char *err,
                           size_t err_cap)
{
    char h[43];
    dn_addr_hex(h, addr);
    json_t *res;
    bt_status st = dn_rpc(url, "eth_getTransactionCount", json_pack("[s,s]", h, "pending"), &res,
                          5000, err, err_cap);
    const char *s = json_string_value(res);
    if (st == BT_OK && (!s || bts_hex_parse_u64(out, s, strlen(s)) != BT_OK)) {
        dn_fmt(err, err_cap, "eth_getTransactionCount: not a quantity");
        st = BT_EPROTO;
    }
    json_decref(res);
    return st;
}

bt_status dn_tx_map_key(struct dn_run *r, const char *key, const uint8_t addr[20])
{
    uint8_t k[32];
    bts_keccak256(k, (const uint8_t *)key, strlen(key));
    /* bytes32 is one word like uint256; a hex QUANTITY would refuse the leading zero of
     * keccak256("childChain") */
    struct dn_arg a[] = {A_WORD32(k), A_ADDR(addr)};
    return dn_tx_call(r, 0, r->b->addr[DN_C_REGISTRY], "updateContractMap(bytes32,address)", a, 2,
                      GAS_CALL);
}

static bt_status deploy_contracts(struct dn_run *r, const char *dir, const char *evm,
                                  const uint8_t owner[20], int is_tron)
{
    uint8_t(*A)[20] = r->b->addr;
    bt_status st;
    struct dn_arg tok[] = {A_STR("Devnet Token"), A_STR("DEV"), A_WORD(E30)};
    struct dn_arg own[] = {A_ADDR(owner)};
    if ((st = create(r, dir, evm, DN_C_TOKEN, tok, 3)) ||
        (st = create(r, dir, evm, DN_C_REGISTRY, own, 1)))
        return st;
    struct dn_arg reg[] = {A_ADDR(A[DN_C_REGISTRY])};
    struct dn_arg nft[] = {A_STR("Validator"), A_STR("VAL"), A_ADDR(owner)};
    if ((st = create(r, dir, evm, DN_C_STAKING_INFO, reg, 1)) ||
        (st = create(r, dir, evm, DN_C_STAKING_NFT, nft, 3)) ||
        (st = create(r, dir, evm, DN_C_SHARE_FACTORY, NULL, 0)))
        return st;
    struct dn_arg sm[] = {A_ADDR(owner),
                          A_ADDR(A[DN_C_REGISTRY]),
                          A_ADDR(A[DN_C_TOKEN]),
                          A_ADDR(A[DN_C_STAKING_INFO]),
                          A_ADDR(A[DN_C_STAKING_NFT]),
                          A_ADDR(A[DN_C_SHARE_FACTORY])};
    struct dn_arg rc[] = {A_ADDR(owner), A_ADDR(A[DN_C_REGISTRY]), A_U64(DN_BTTC_CHAIN_ID),
                          A_BOOL(is_tron)};
    if ((st = create(r, dir, evm, DN_C_STAKE_MANAGER, sm, 6)) ||
        (st = create(r, dir, evm, DN_C_ROOT_CHAIN, rc, 4)) ||
        (st = create(r, dir, evm, DN_C_STATE_SENDER, own, 1)))
        return st;
    struct dn_arg dm[] = {A_ADDR(owner), A_ADDR(A[DN_C_REGISTRY]), A_ADDR(A[DN_C_ROOT_CHAIN])};
    struct dn_arg wm[] = {A_ADDR(A[DN_C_ROOT_CHAIN]), A_U64(0)};
    struct dn_arg pr[] = {A_ADDR(A[DN_C_REGISTRY]), A_ADDR(A[DN_C_WITHDRAW_MANAGER]),
                          A_ADDR(A[DN_C_DEPOSIT_MANAGER])};
    if ((st = create(r, dir, evm, DN_C_DEPOSIT_MANAGER, dm, 3)) ||
        (st = create(r, dir, evm, DN_C_WITHDRAW_MANAGER, wm, 2)) ||
        (st = create(r, dir, evm, DN_C_ERC20_PREDICATE, pr, 3)))
        return st;
    /* wiring */
    struct dn_arg to_sm[] = {A_ADDR(A[DN_C_STAKE_MANAGER])};
    struct dn_arg fund[] = {A_ADDR(A[DN_C_STAKE_MANAGER]), A_WORD(E27)};
    struct dn_arg dyn[] = {A_U64(2)};
    struct dn_arg pred[] = {A_ADDR(A[DN_C_ERC20_PREDICATE])};
    if ((st = dn_tx_call(r, 0, A[DN_C_STAKING_NFT], "transferOwnership(address)", to_sm, 1,
                         GAS_CALL)) ||
        (st = dn_tx_map_key(r, "stakeManager", A[DN_C_STAKE_MANAGER])) ||
        (st = dn_tx_map_key(r, "rootChain", A[DN_C_ROOT_CHAIN])) ||
        (st = dn_tx_map_key(r, "stateSender", A[DN_C_STATE_SENDER])) ||
        (st = dn_tx_map_key(r, "depositManager", A[DN_C_DEPOSIT_MANAGER])) ||
        (st = dn_tx_map_key(r, "withdrawManager", A[DN_C_WITHDRAW_MANAGER])) ||
        (st = dn_tx_call(r, 0, A[DN_C_STAKE_MANAGER], "updateDynastyValue(uint256)", dyn, 1,
                         GAS_CALL)) ||
        (st = dn_tx_call(r, 0, A[DN_C_TOKEN], "transfer(address,uint256)", fund, 2, GAS_CALL)) ||
        (st = dn_tx_call(r, 0, A[DN_C_REGISTRY], "addErc20Predicate(address)", pred, 1, GAS_CALL)))
        return st;
    if (r->d->n_val >= 7) {
        struct dn_arg th[] = {A_U64(r->d->n_val + 1)};
        st = dn_tx_call(r, 0, A[DN_C_STAKE_MANAGER], "updateValidatorThreshold(uint256)", th, 1,
                        GAS_CALL);
    }
    for (uint32_t i = 1; st == BT_OK && i < r->d->n_val; i++) {
        struct dn_arg give[] = {A_ADDR(r->d->val[i].addr), A_WORD(T200)};
        st = dn_tx_call(r, 0, A[DN_C_TOKEN], "transfer(address,uint256)", give, 2, GAS_CALL);
    }
    return st;
}

/* approve + stakeFor from each validator's own key (deploy.js stake()). */
static bt_status stake_all(struct dn_run *r)
{
    uint8_t(*A)[20] = r->b->addr;
    bt_status st = BT_OK;
    for (uint32_t i = 0; st == BT_OK && i < r->d->n_val; i++) {
        uint8_t key[32], pub[65];
        st = genesis_dev_key(key, i);
        if (st == BT_OK)
            st = bts_secp_seckey_to_pubkey(pub, key);
        explicit_bzero(key, sizeof(key));
        if (st != BT_OK)
            break;
        struct dn_arg ap[] = {A_ADDR(A[DN_C_STAKE_MANAGER]), A_WORD(T101)};
        struct dn_arg sf[] = {A_ADDR(r->d->val[i].addr), A_WORD(T100), A_WORD(T1), A_BOOL(0),
                              A_BYTES(pub + 1, 64)};
        if ((st = dn_tx_call(r, i, A[DN_C_TOKEN], "approve(address,uint256)", ap, 2, GAS_CALL)) ==
            BT_OK)
            st = dn_tx_call(r, i, A[DN_C_STAKE_MANAGER],
                            "stakeFor(address,uint256,uint256,bool,bytes)", sf, 5, 2 * GAS_CALL);
    }
    return st;
}

/* The deployed code and stakes of chain c, checked. */
static bt_status check(struct devnet *d, enum dn_chain c, char *err, size_t err_cap)
{
    const struct dn_base *b = &d->base[c];
    bt_status st = BT_OK;
    for (int k = 0; st == BT_OK && k < DN_N_CONTRACTS; k++) {
        size_t n = 0;
        st = dn_rpc_code_len(b->url, b->addr[k], &n, err, err_cap);
        if (st == BT_OK && n == 0) {
            dn_fmt(err, err_cap, "no code at the %s address", dn_contract_names[k]);
            st = BT_EPROTO;
        }
    }
    uint64_t staked = 0;
    if (st == BT_OK && (st = dn_staked_count(d, c, &staked, err, err_cap)) == BT_OK &&
        staked != d->n_val) {
        dn_fmt(err, err_cap, "%llu validators staked, want %u", (unsigned long long)staked,
               d->n_val);
        st = BT_EPROTO;
    }
    return st;
}

bt_status dn_deploy(struct devnet *d, const char *dir, enum dn_chain *out_failed, char *err,
                    size_t err_cap)
{
    /* Every chain goes through each phase before the next phase starts, so the chains'
     * blocks are waited for in parallel: send the deployment, settle, stake, settle, check. */
    struct dn_run *runs = calloc(DN_N_CHAINS, sizeof(*runs));
    if (!runs)
        return BT_ENOMEM;
    bt_status st = BT_OK;
    for (int phase = 0; phase < 5 && st == BT_OK; phase++) {
        for (int c = 0; c < DN_N_CHAINS && st == BT_OK; c++) {
            struct dn_run *r = &runs[c];
            struct dn_base *b = &d->base[c];
            if (!b->is_enabled || b->is_deployed)
                continue;
            *out_failed = (enum dn_chain)c;
            r->d = d;
            r->b = b;
            r->err = err;
            r->err_cap = err_cap;
            if (phase == 0) {
                uint64_t gp = 0;
                st = dn_rpc_u64(b->url, "eth_gasPrice", &gp, 5000, err, err_cap);
                r->gas_price = gp ? 2 * gp : 1000000000u;
                for (uint32_t i = 0; st == BT_OK && i < d->n_val; i++)
                    st = dn_pending_nonce(b->url, d->val[i].addr, &r->nonce[i], err, err_cap);
                if (st == BT_OK)
                    st = deploy_contracts(r, dir, c == DN_TRON ? "berlin" : "london",
                                          d->val[0].addr, c == DN_TRON);
            } else if (phase == 1 || phase == 3) {
                st = dn_tx_settle(r);
            } else if (phase == 2) {
                st = stake_all(r);
            } else {
                st = check(d, (enum dn_chain)c, err, err_cap);
            }
        }
    }
    for (int c = 0; st == BT_OK && c < DN_N_CHAINS; c++)
        if (d->base[c].is_enabled)
            d->base[c].is_deployed = 1;
    free(runs);
    return st;
}

bt_status dn_staked_count(const struct devnet *d, enum dn_chain c, uint64_t *out, char *err,
                          size_t err_cap)
{
    uint8_t sel[4], *res = NULL;
    size_t n = 0;
    bt_status st = bts_solabi_selector(sel, "currentValidatorSetSize()");
    if (st == BT_OK)
        st = dn_rpc_call(d->base[c].url, d->base[c].addr[DN_C_STAKE_MANAGER], sel, 4, &res, &n, err,
                         err_cap);
    if (st == BT_OK && (n != 32 || bts_solabi_word_to_u64(out, res) != BT_OK)) {
        dn_fmt(err, err_cap, "currentValidatorSetSize: %zu bytes", n);
        st = BT_EPROTO;
    }
    free(res);
    return st;
}
