/* The validators' files: DIR/nodes/vI/ (datadir: keystore with dev key I under an empty
 * password, password.txt, nodekey, plugins.conf), DIR/bttc-genesis.json (the `--chain devnet`
 * genesis with the N validators as span 0's producers, written as geth-style JSON so every
 * validator and the p2p Status use the same file), DIR/delivery-genesis.json (devnet_delivery.c)
 * and DIR/spans.json (the span source of consensus-bttc when Delivery is off: see
 * docs/devnet.md). */
#include "devnet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/enode.h>
#include <bts/hex.h>

#include "genesis_int.h"
#include "keys_int.h"
#include "p2p_int.h"

#define PRODUCER_DELAY    2
#define BACKUP_MULTIPLIER 2

static json_t *hex_json(const uint8_t *p, size_t n)
{
    struct bts_buf b;
    bts_buf_init(&b);
    json_t *v = bts_hex_encode_buf(&b, p, n, BTS_HEX_0X) == BT_OK
                    ? json_stringn((const char *)b.data, b.len)
                    : NULL;
    bts_buf_free(&b);
    return v;
}

static json_t *u256_json(const struct bts_u256 *v)
{
    uint8_t be[32];
    char s[80];
    size_t n;
    bts_u256_store_be(be, v);
    return bts_hex_format_u256(s, sizeof(s), &n, be) == BT_OK ? json_string(s) : NULL;
}

/* The devnet genesis as geth-style JSON (alloc with code and storage). */
static json_t *genesis_json(const struct genesis *g)
{
    json_t *cfg = json_pack(
        "{s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:{s:i,s:i,s:i,s:i,s:s,s:s}}", "chainId",
        (json_int_t)g->config.chain_id, "homesteadBlock", 0, "eip150Block", 0, "eip155Block", 0,
        "eip158Block", 0, "byzantiumBlock", 0, "constantinopleBlock", 0, "petersburgBlock", 0,
        "istanbulBlock", 0, "muirGlacierBlock", 0, "berlinBlock", 0, "bor", "period", DN_PERIOD,
        "producerDelay", PRODUCER_DELAY, "sprint", DN_SPRINT, "backupMultiplier", BACKUP_MULTIPLIER,
        "validatorContract", "0x0000000000000000000000000000000000001000", "stateReceiverContract",
        "0x0000000000000000000000000000000000001001");
    json_t *alloc = json_object();
    for (size_t i = 0; cfg && alloc && i < g->alloc.n; i++) {
        const struct alloc_account *a = &g->alloc.accounts[i];
        char h[43];
        dn_addr_hex(h, a->addr.bytes);
        json_t *o = json_object();
        json_object_set_new(o, "balance", u256_json(&a->balance));
        if (a->nonce)
            json_object_set_new(o, "nonce", json_integer((json_int_t)a->nonce));
        if (a->code_len)
            json_object_set_new(o, "code", hex_json(a->code, a->code_len));
        if (a->n_storage) {
            json_t *s = json_object();
            for (size_t k = 0; k < a->n_storage; k++) {
                json_t *key = hex_json(a->storage[k].key.bytes, 32);
                json_object_set_new(s, json_string_value(key),
                                    hex_json(a->storage[k].value.bytes, 32));
                json_decref(key);
            }
            json_object_set_new(o, "storage", s);
        }
        json_object_set_new(alloc, h, o);
    }
    char ts[24], gl[24];
    dn_fmt(ts, sizeof(ts), "0x%llx", (unsigned long long)g->timestamp);
    dn_fmt(gl, sizeof(gl), "0x%llx", (unsigned long long)g->gas_limit);
    return json_pack("{s:o,s:s,s:s,s:s,s:o}", "config", cfg, "timestamp", ts, "gasLimit", gl,
                     "difficulty", "0x1", "alloc", alloc);
}

static bt_status write_genesis(const struct devnet *d, char *err, size_t err_cap)
{
    struct bt_address signers[DN_MAX_VALIDATORS];
    for (uint32_t i = 0; i < d->n_val; i++)
        memcpy(signers[i].bytes, d->val[i].addr, 20);
    uint32_t n_dev = d->n_val > GENESIS_DEV_ACCOUNTS ? d->n_val : GENESIS_DEV_ACCOUNTS;
    struct genesis g, back;
    memset(&back, 0, sizeof(back));
    bt_status st = genesis_devnet_signers(&g, n_dev, signers, d->n_val, err, err_cap);
    json_t *j = st == BT_OK ? genesis_json(&g) : NULL;
    char *text = j ? json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    char path[4200];
    dn_path(d, path, sizeof(path), "bttc-genesis.json", NULL);
    if (st == BT_OK && !text)
        st = BT_ENOMEM;
    if (st == BT_OK && dn_write_file(path, text, 0, err, err_cap) != 0)
        st = BT_EIO;
    /* The file must give the very block the preset code computes. */
    uint8_t h1[32], h2[32];
    if (st == BT_OK && (st = genesis_load_file(&back, path, err, err_cap)) == BT_OK &&
        (st = genesis_hash(&g, h1, NULL, err, err_cap)) == BT_OK &&
        (st = genesis_hash(&back, h2, NULL, err, err_cap)) == BT_OK && memcmp(h1, h2, 32) != 0) {
        dn_fmt(err, err_cap, "%s: the written genesis hashes differently (a bug)", path);
        st = BT_EINTERNAL;
    }
    free(text);
    genesis_free(&g);
    genesis_free(&back);
    return st;
}

/* spans.json: spans 0..DN_SPAN_COUNT-1 of DN_SPAN_LEN blocks, every validator a producer with
 * power 1 (span 0 is the genesis one). */
static bt_status write_spans(const struct devnet *d, char *err, size_t err_cap)
{
    json_t *arr = json_array();
    for (uint64_t k = 0; k < DN_SPAN_COUNT; k++) {
        json_t *vals = json_array(), *prods = json_array();
        for (uint32_t i = 0; i < d->n_val; i++) {
            char h[43];
            dn_addr_hex(h, d->val[i].addr);
            json_array_append_new(vals, json_pack("{s:i,s:i,s:s,s:i}", "ID", i + 1, "power", 1,
                                                  "signer", h, "accum", 0));
            json_array_append_new(prods,
                                  json_pack("{s:i,s:i,s:s}", "ID", i + 1, "power", 1, "signer", h));
        }
        json_array_append_new(
            arr, json_pack("{s:I,s:I,s:I,s:s,s:{s:o},s:o}", "span_id", (json_int_t)k, "start_block",
                           (json_int_t)(k * DN_SPAN_LEN), "end_block",
                           (json_int_t)(k * DN_SPAN_LEN + DN_SPAN_LEN - 1), "bor_chain_id", "1337",
                           "validator_set", "validators", vals, "selected_producers", prods));
    }
    char *text = json_dumps(arr, JSON_INDENT(1));
    json_decref(arr);
    char path[4200];
    dn_path(d, path, sizeof(path), "spans.json", NULL);
    int rc = text ? dn_write_file(path, text, 0, err, err_cap) : -1;
    free(text);
    return rc == 0 ? BT_OK : BT_EIO;
}

/* Dev key i in keystore directory kd (empty password, light scrypt) unless it is there. */
static bt_status store_dev_key(const char *kd, uint32_t i, const uint8_t addr[20], char *err,
                               size_t err_cap)
{
    struct keydir_list l;
    memset(&l, 0, sizeof(l));
    bt_status st = BT_OK;
    if (dn_mkdir(kd) != 0) {
        dn_fmt(err, err_cap, "%s: cannot create", kd);
        return BT_EIO;
    }
    const struct keydir_entry *found = NULL;
    int has_key =
        keydir_scan(&l, kd, err, err_cap) == BT_OK && keydir_find(&l, addr, &found) != BT_ENOTFOUND;
    keydir_list_free(&l);
    if (has_key)
        return BT_OK;
    uint8_t key[32];
    char *json = NULL, *out = NULL;
    st = genesis_dev_key(key, i);
    if (st == BT_OK)
        st = ks_encrypt(&json, key, "", 0, &ks_params_light, err, err_cap);
    explicit_bzero(key, sizeof(key));
    if (st == BT_OK)
        st = keydir_store(&out, kd, addr, json, err, err_cap);
    free(json);
    free(out);
    return st;
}

bt_status dn_setup_signer(struct devnet *d, char *err, size_t err_cap)
{
    char kd[4200];
    dn_path(d, kd, sizeof(kd), "keystore", NULL);
    bt_status st = BT_OK;
    for (uint32_t i = 0; st == BT_OK && i < d->n_val; i++)
        st = store_dev_key(kd, i, d->val[i].addr, err, err_cap);
    if (st == BT_OK)
        st = signer_new(&d->signer, kd, err, err_cap);
    for (uint32_t i = 0; st == BT_OK && i < d->n_val; i++)
        st = signer_unlock(d->signer, d->val[i].addr, "", 0, err, err_cap);
    return st;
}

/* password.txt, the keystore with dev key i, and the node key. */
static bt_status validator_keys(struct devnet *d, uint32_t i, const char *vdir, char *err,
                                size_t err_cap)
{
    char path[4200];
    dn_fmt(path, sizeof(path), "%s/password.txt", vdir);
    if (dn_write_file(path, "\n", 1, err, err_cap) != 0)
        return BT_EIO;
    char *kd = keydir_path(vdir);
    bt_status st = kd ? store_dev_key(kd, i, d->val[i].addr, err, err_cap) : BT_ENOMEM;
    free(kd);
    uint8_t nk[32], id[64];
    if (st == BT_OK && (st = p2p_nodekey_load(vdir, nk, err, err_cap)) == BT_OK) {
        st = bts_enode_id_from_seckey(id, nk);
        explicit_bzero(nk, sizeof(nk));
        char hx[129];
        size_t n;
        if (st == BT_OK && bts_hex_encode(hx, sizeof(hx), &n, id, 64, 0) == BT_OK)
            dn_fmt(d->val[i].enode, sizeof(d->val[i].enode), "enode://%s@127.0.0.1:%d", hx,
                   d->val[i].p2p_port);
    }
    return st;
}

static void conf_rootchain(struct bts_buf *b, const struct devnet *d, enum dn_chain c,
                           const struct dn_val *v)
{
    const struct dn_base *bs = &d->base[c];
    static const char *const section[] = {"rootchain-tron", "rootchain-bsc", "rootchain-ethereum"};
    if (!bs->is_enabled)
        return;
    char a[4][43];
    static const enum dn_contract keys[] = {DN_C_ROOT_CHAIN, DN_C_STATE_SENDER, DN_C_STAKE_MANAGER,
                                            DN_C_STAKING_INFO};
    for (int k = 0; k < 4; k++)
        (c == DN_TRON ? dn_tron_hex : dn_addr_hex)(a[k], bs->addr[keys[k]]);
    (void)!bts_buf_printf(b, "\n[plugin %s]\n", section[c]);
    if (c == DN_TRON)
        (void)!bts_buf_printf(b,
                              "url = http://127.0.0.1:%d\njsonrpc_url = "
                              "http://127.0.0.1:%d/jsonrpc\nchain_id = 0\n",
                              bs->tron_api_port, bs->tron_api_port);
    else
        (void)!bts_buf_printf(b, "url = %s\nchain_id = %llu\nconfirmations = 2\n", bs->url,
                              (unsigned long long)bs->chain_id);
    (void)!bts_buf_printf(b,
                          "poll_interval = 1s\nroot_chain = %s\nstate_sender = %s\nstake_manager "
                          "= %s\nstaking_info = %s\nsigner = %s\n",
                          a[0], a[1], a[2], a[3], v->addr_hex);
}

/* [plugin consensus-bttc]: Delivery on (TRON present) or the span file (no TRON: Delivery has
 * no staking chain). With Delivery on, its in-process span source serves the spans
 * (consensus-bttc takes a `bttc/span-source` service before span_file), so span_file is not
 * named at all. */
static void conf_consensus(struct bts_buf *b, const struct devnet *d, uint32_t i)
{
    const struct dn_val *v = &d->val[i];
    char path[4200];
    (void)!bts_buf_printf(b,
                          "\n[plugin consensus-bttc]\nchain = devnet\nsigner = %s\nsprint = "
                          "%d\nperiod = %d\nproducer_delay = %d\nbackup_multiplier = %d\n",
                          v->addr_hex, DN_SPRINT, DN_PERIOD, PRODUCER_DELAY, BACKUP_MULTIPLIER);
    if (!dn_has_delivery(d)) {
        dn_path(d, path, sizeof(path), "spans.json", NULL);
        (void)!bts_buf_printf(b, "# %s: spans from a file\nspan_file = %s\n",
                              dn_delivery_off_reason(d), path);
        return;
    }
    dn_path(d, path, sizeof(path), DN_DLV_GENESIS, NULL);
    (void)!bts_buf_printf(
        b,
        "# Delivery runs in this validator and serves the spans (bttc/span-source); its REST\n"
        "# server is the node's --rest.port (%d)\ndelivery = on\ndelivery_key = "
        "%s\ndelivery_genesis = %s\ndelivery_timeout_propose_ms = 2000\n"
        "delivery_timeout_vote_ms = 1000\ndelivery_timeout_commit_ms = 1000\n"
        "# the bridge's timers (dev values)\nbridge_poll_tron = 1s\nbridge_poll_eth = 2s\n"
        "bridge_poll_bsc = 2s\ncheckpoint_poll_interval = 1m\nspan_poll_interval = 5s\n"
        "# the dev TRON chain seals a block a second and never reorgs\n"
        "bridge_tron_confirmations = 2\n",
        v->rest_port, v->addr_hex, path);
}

bt_status dn_write_confs(const struct devnet *d, char *err, size_t err_cap)
{
    for (uint32_t i = 0; i < d->n_val; i++) {
        const struct dn_val *v = &d->val[i];
        char vdir[4200], path[4300];
        dn_fmt(vdir, sizeof(vdir), "%s/nodes/v%u", d->dir, i);
        struct bts_buf b;
        bts_buf_init(&b);
        (void)!bts_buf_printf(
            &b,
            "# Validator %u of a LOCAL DEVELOPMENT network, written by `bttcd devnet` (rewritten "
            "at\n# every start). Its signer is dev account %u of the PUBLIC anvil/hardhat test "
            "mnemonic:\n# development only, never on a real network.\n\n[node]\ndatadir = "
            "%s\n\n[signer]\nunlock = %s\npassword_file = %s/password.txt\n\n[storage]\nbackend "
            "= storage-leveldb\n\n[plugin evm]\n",
            i, i, vdir, v->addr_hex, vdir);
        conf_consensus(&b, d, i);
        for (int c = 0; c < DN_N_CHAINS; c++)
            conf_rootchain(&b, d, (enum dn_chain)c, v);
        dn_fmt(path, sizeof(path), "%s/plugins.conf", vdir);
        int rc = dn_write_file(path, (const char *)b.data, 0, err, err_cap);
        bts_buf_free(&b);
        if (rc != 0)
            return BT_EIO;
    }
    return BT_OK;
}

bt_status dn_setup_validators(struct devnet *d, char *err, size_t err_cap)
{
    char nodes[4200], path[4200];
    dn_path(d, nodes, sizeof(nodes), "nodes", NULL);
    if (dn_mkdir(nodes) != 0) {
        dn_fmt(err, err_cap, "%s: cannot create", nodes);
        return BT_EIO;
    }
    bt_status st = BT_OK;
    for (uint32_t i = 0; st == BT_OK && i < d->n_val; i++) {
        dn_fmt(path, sizeof(path), "%s/v%u", nodes, i);
        if (dn_mkdir(path) != 0) {
            dn_fmt(err, err_cap, "%s: cannot create", path);
            return BT_EIO;
        }
        st = validator_keys(d, i, path, err, err_cap);
    }
    dn_path(d, path, sizeof(path), "bttc-genesis.json", NULL);
    if (st == BT_OK && access(path, F_OK) != 0)
        st = write_genesis(d, err, err_cap);
    dn_path(d, path, sizeof(path), "spans.json", NULL);
    if (st == BT_OK && access(path, F_OK) != 0)
        st = write_spans(d, err, err_cap);
    if (st == BT_OK)
        st = dn_write_confs(d, err, err_cap);
    return st;
}
