/* Genesis: parsing geth's genesis.json, the presets, the genesis header and hash.
 * Sources: go-ethereum core/genesis.go (fields, Genesis.ToBlock defaults),
 * params/protocol_params.go (GenesisGasLimit, GenesisDifficulty, InitialBaseFee), PROTOCOL.md §2
 * and §3.10 (Bttc). */
#include "genesis_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/trie.h>

#define ERR(...) ((void)snprintf(err, err_cap, __VA_ARGS__))

#define GENESIS_GAS_LIMIT  4712388u    /* go-ethereum params.GenesisGasLimit */
#define GENESIS_DIFFICULTY 131072u     /* go-ethereum params.GenesisDifficulty */
#define INITIAL_BASE_FEE   1000000000u /* go-ethereum params.InitialBaseFee (EIP-1559) */

/* keccak(rlp([])): the hash of an empty uncle list (PROTOCOL.md §3.1). */
static const uint8_t empty_uncle_hash[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

/* Bttc genesis hashes, PROTOCOL.md §2 (bttcprotocol/bttc@v1.0.8:params/config.go). */
static const char mainnet_hash[] =
    "021eb3b7c4161d91f6f92632ebe6e28aa440dd23e3016c086d0fad4b119fcdc1";
static const char donau_hash[] = "9b0a7d8dcbdef00594103f1addbe206daa55f2e422ace24419b7680b3fb34cf5";

static void set_expected(struct genesis *g)
{
    const char *hex = NULL;
    if (g->config.has_bor && g->config.chain_id == 199)
        hex = mainnet_hash;
    else if (g->config.has_bor && g->config.chain_id == 1029)
        hex = donau_hash;
    if (!hex)
        return;
    g->has_expected_hash = bts_hex_decode_exact(g->expected_hash.bytes, 32, hex, 64, 0) == BT_OK;
}

static bt_status get_u64(uint64_t *out, const json_t *root, const char *name, char *err,
                         size_t err_cap)
{
    const json_t *v = json_object_get(root, name);
    *out = 0;
    if (!v || json_is_null(v))
        return BT_OK;
    return alloc_json_u64(out, v, name, err, err_cap);
}

static bt_status get_word(uint8_t out[32], const json_t *root, const char *name, char *err,
                          size_t err_cap)
{
    const json_t *v = json_object_get(root, name);
    memset(out, 0, 32);
    if (!v || json_is_null(v))
        return BT_OK;
    if (!json_is_string(v)) {
        ERR("%s: not a hex string", name);
        return BT_EINVAL;
    }
    return alloc_json_word(out, json_string_value(v), name, err, err_cap);
}

static bt_status parse_root(struct genesis *g, const json_t *root, char *err, size_t err_cap)
{
    bt_status st;
    const json_t *v;
    if (!json_is_object(root)) {
        ERR("genesis: not a JSON object");
        return BT_EINVAL;
    }
    if (!(v = json_object_get(root, "config")) || json_is_null(v)) {
        ERR("config: missing");
        return BT_EINVAL;
    }
    if ((st = chaincfg_parse(&g->config, v, err, err_cap)) != BT_OK)
        return st;
    if ((st = get_u64(&g->nonce, root, "nonce", err, err_cap)) ||
        (st = get_u64(&g->timestamp, root, "timestamp", err, err_cap)) ||
        (st = get_u64(&g->gas_limit, root, "gasLimit", err, err_cap)) ||
        (st = get_u64(&g->number, root, "number", err, err_cap)) ||
        (st = get_u64(&g->gas_used, root, "gasUsed", err, err_cap)) ||
        (st = get_word(g->mix_hash.bytes, root, "mixHash", err, err_cap)) ||
        (st = get_word(g->parent_hash.bytes, root, "parentHash", err, err_cap)))
        return st;
    if ((v = json_object_get(root, "extraData")) && !json_is_null(v) &&
        (st = alloc_json_bytes(&g->extra, &g->extra_len, v, "extraData", err, err_cap)))
        return st;
    if ((v = json_object_get(root, "difficulty")) && !json_is_null(v)) {
        if ((st = alloc_json_u256(&g->difficulty, v, "difficulty", err, err_cap)) != BT_OK)
            return st;
        g->has_difficulty = 1;
    }
    if ((v = json_object_get(root, "baseFeePerGas")) && !json_is_null(v)) {
        if ((st = alloc_json_u256(&g->base_fee, v, "baseFeePerGas", err, err_cap)) != BT_OK)
            return st;
        g->has_base_fee = 1;
    }
    if ((v = json_object_get(root, "coinbase")) && !json_is_null(v)) {
        if (!json_is_string(v)) {
            ERR("coinbase: not a string");
            return BT_EINVAL;
        }
        st = alloc_json_address(&g->coinbase, json_string_value(v), "coinbase", err, err_cap);
        if (st != BT_OK)
            return st;
    }
    /* Non-zero blob fields at genesis would need the blob gas rules here; nobody uses them. */
    static const char *const zero_only[] = {"excessBlobGas", "blobGasUsed"};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(zero_only); i++) {
        uint64_t x;
        if ((st = get_u64(&x, root, zero_only[i], err, err_cap)) != BT_OK)
            return st;
        if (x != 0) {
            ERR("%s: only 0 is supported", zero_only[i]);
            return BT_EINVAL;
        }
    }
    if ((v = json_object_get(root, "alloc")) && !json_is_null(v) &&
        (st = alloc_parse(&g->alloc, v, "alloc", err, err_cap)) != BT_OK)
        return st;
    g->is_alloc_known = 1;
    set_expected(g);
    return BT_OK;
}

bt_status genesis_parse(struct genesis *out, const char *text, size_t len, char *err,
                        size_t err_cap)
{
    json_error_t jerr;
    memset(out, 0, sizeof(*out));
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        ERR("genesis.json:%d:%d: %s", jerr.line, jerr.column, jerr.text);
        return BT_EINVAL;
    }
    bt_status st = parse_root(out, root, err, err_cap);
    json_decref(root);
    if (st == BT_ENOMEM)
        ERR("genesis: out of memory");
    return st;
}

bt_status genesis_load_file(struct genesis *out, const char *path, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f) {
        ERR("%s: cannot open", path);
        return BT_EIO;
    }
    struct bts_buf b = BTS_BUF_INIT;
    char chunk[65536];
    size_t n;
    bt_status st = BT_OK;
    while (st == BT_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        st = bts_buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (st != BT_OK || bad) {
        bts_buf_free(&b);
        ERR("%s: %s", path, bad ? "read error" : "out of memory");
        return bad ? BT_EIO : BT_ENOMEM;
    }
    char msg[512];
    st = genesis_parse(out, (const char *)b.data, b.len, msg, sizeof(msg));
    bts_buf_free(&b);
    if (st != BT_OK)
        ERR("%s: %s", path, msg);
    return st;
}

static bt_status preset_dev(struct genesis *g, uint32_t n_dev, char *err, size_t err_cap)
{
    bt_status st = chaincfg_preset(&g->config, CHAINCFG_DEV);
    if (st != BT_OK)
        return st;
    if (n_dev > GENESIS_DEV_ACCOUNTS_MAX) {
        ERR("dev accounts: %u requested, at most %u", n_dev, GENESIS_DEV_ACCOUNTS_MAX);
        return BT_EINVAL;
    }
    g->gas_limit = 30000000; /* hardhat's and anvil's default block gas limit */
    g->has_difficulty = 1;   /* 0: merged from genesis */
    g->has_base_fee = 1;
    g->base_fee = bts_u256_from_u64(INITIAL_BASE_FEE);
    struct bts_u256 bal = bts_u256_from_u64(GENESIS_DEV_BALANCE_ETHER), wei;
    struct bts_u256 ether = bts_u256_from_u64(1000000000000000000u);
    bts_u256_mul(&wei, &bal, &ether);
    for (uint32_t i = 0; i < n_dev; i++) {
        struct bt_address a;
        if ((st = genesis_dev_address(&a, i)) != BT_OK ||
            (st = alloc_add_balance(&g->alloc, &a, &wei)) != BT_OK)
            return st;
    }
    g->is_alloc_known = 1;
    return BT_OK;
}

bt_status genesis_preset(struct genesis *out, const char *name, uint32_t n_dev, char *err,
                         size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (strcmp(name, "dev") == 0)
        return preset_dev(out, n_dev, err, err_cap);
    if (strcmp(name, "devnet") == 0)
        return genesis_devnet(out, n_dev, err, err_cap);
    enum chaincfg_preset p;
    if (strcmp(name, "donau") == 0)
        p = CHAINCFG_DONAU;
    else if (strcmp(name, "mainnet") == 0)
        p = CHAINCFG_MAINNET;
    else {
        ERR("chain \"%s\": unknown (want dev, devnet, donau or mainnet)", name);
        return BT_EINVAL;
    }
    bt_status st = chaincfg_preset(&out->config, p);
    if (st != BT_OK)
        return st;
    /* PROTOCOL.md §3.10: both networks share these header fields. */
    out->timestamp = 0x5ce28211;
    out->gas_limit = 0x989680;
    out->has_difficulty = 1;
    out->difficulty = bts_u256_from_u64(1);
    /* FIXME: the allocations (validator set, state receiver, MRC20 code and 7 funded accounts:
     * bttcprotocol/bttc@v1.0.8:core/allocs/bttc-*.json) are not bundled; see docs/operator.md
     * "Chains". */
    out->is_alloc_known = 0;
    set_expected(out);
    return BT_OK;
}

void genesis_header(const struct genesis *g, const uint8_t state_root[32], struct bts_header *out)
{
    memset(out, 0, sizeof(*out));
    out->parent_hash = g->parent_hash;
    memcpy(out->uncle_hash.bytes, empty_uncle_hash, 32);
    out->coinbase = g->coinbase;
    memcpy(out->state_root.bytes, state_root, 32);
    memcpy(out->tx_root.bytes, bts_trie_empty_root, 32);
    memcpy(out->receipt_root.bytes, bts_trie_empty_root, 32);
    out->number = g->number;
    out->gas_limit = g->gas_limit ? g->gas_limit : GENESIS_GAS_LIMIT;
    out->gas_used = g->gas_used;
    out->time = g->timestamp;
    out->extra = g->extra;
    out->extra_len = g->extra_len;
    out->mix_hash = g->mix_hash;
    for (int i = 0; i < 8; i++)
        out->nonce[i] = (uint8_t)(g->nonce >> (56 - 8 * i));
    static const uint8_t zero[32];
    if (g->has_difficulty)
        out->difficulty = g->difficulty;
    else if (memcmp(g->mix_hash.bytes, zero, 32) == 0)
        out->difficulty = bts_u256_from_u64(GENESIS_DIFFICULTY);
    uint32_t fork = chaincfg_fork_at(&g->config, g->number, g->timestamp);
    if (fork >= BT_EVM_LONDON) {
        out->n_optional = BTS_HEADER_OPT_BASE_FEE;
        out->base_fee = g->has_base_fee ? g->base_fee : bts_u256_from_u64(INITIAL_BASE_FEE);
    }
    if (fork >= BT_EVM_SHANGHAI) {
        out->n_optional = BTS_HEADER_OPT_WITHDRAWALS_ROOT;
        memcpy(out->withdrawals_root.bytes, bts_trie_empty_root, 32); /* no withdrawals */
    }
    if (fork >= BT_EVM_CANCUN)
        out->n_optional = BTS_HEADER_OPT_PARENT_BEACON_ROOT; /* blob fields 0, root zero */
}

bt_status genesis_state_root(const struct genesis *g, uint8_t out[32], char *err, size_t err_cap)
{
    if (!g->is_alloc_known) {
        ERR("chain id %llu: the genesis allocation is not bundled; initialise with "
            "`bttcd init --genesis FILE`",
            (unsigned long long)g->config.chain_id);
        return BT_ENOTFOUND;
    }
    bt_status st = alloc_state_root(&g->alloc, out);
    if (st != BT_OK)
        ERR("genesis state root: %s", bts_status_str(st));
    return st;
}

bt_status genesis_hash(const struct genesis *g, uint8_t out_hash[32], struct bts_header *out_header,
                       char *err, size_t err_cap)
{
    uint8_t root[32];
    struct bts_header h;
    memset(out_hash, 0, 32);
    bt_status st = genesis_state_root(g, root, err, err_cap);
    if (st != BT_OK)
        return st;
    genesis_header(g, root, &h);
    if ((st = bts_header_hash(out_hash, &h)) != BT_OK) {
        ERR("genesis header: %s", bts_status_str(st));
        return st;
    }
    if (out_header)
        *out_header = h;
    if (g->has_expected_hash && memcmp(out_hash, g->expected_hash.bytes, 32) != 0) {
        char got[67], want[67];
        size_t n;
        if (bts_hex_encode(got, sizeof(got), &n, out_hash, 32, BTS_HEX_0X) != BT_OK ||
            bts_hex_encode(want, sizeof(want), &n, g->expected_hash.bytes, 32, BTS_HEX_0X))
            got[0] = want[0] = '\0';
        ERR("genesis hash %s differs from the network's %s (chain id %llu)", got, want,
            (unsigned long long)g->config.chain_id);
        return BT_ESTALE;
    }
    return BT_OK;
}

void genesis_free(struct genesis *g)
{
    chaincfg_free(&g->config);
    alloc_free(&g->alloc);
    free(g->extra);
    memset(g, 0, sizeof(*g));
}
