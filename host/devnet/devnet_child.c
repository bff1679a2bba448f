/* The bridge's child side on the devnet, wired as contracts/test/bridge.test.js does: one
 * ChildChain per basechain on Bttc (so each DepositManager's deposit ids stay apart: ChildChain
 * credits a deposit id once) with a ChildERC20 mapped to that basechain's TestToken, and on the
 * basechain the Registry's "childChain" entry, Registry.mapToken and
 * StateSender.register(DepositManager, ChildChain). Deposits then travel as state syncs: the
 * StateSender log, Delivery's event record, commitState on Bttc's StateReceiver, and
 * ChildChain.onStateReceive mints the child token. Bttc has Berlin rules: berlin artifacts. */
#include "devnet_tx.h"

#include <stdlib.h>
#include <string.h>

#define GAS_CALL 400000

/* The StateReceiver genesis contract (PROTOCOL.md §2). */
static const uint8_t STATE_RECEIVER[20] = {[18] = 0x10, [19] = 0x01};

static bt_status start_run(struct dn_run *r, struct devnet *d, struct dn_base *b, char *err,
                           size_t err_cap)
{
    uint64_t gp = 0;
    r->d = d;
    r->b = b;
    r->err = err;
    r->err_cap = err_cap;
    bt_status st = dn_rpc_u64(b->url, "eth_gasPrice", &gp, 5000, err, err_cap);
    r->gas_price = gp ? 2 * gp : 1000000000u;
    if (st == BT_OK)
        st = dn_pending_nonce(b->url, d->val[0].addr, &r->nonce[0], err, err_cap);
    return st;
}

/* Bttc: ChildChain + ChildERC20 + ChildChain.mapToken for basechain c. */
static bt_status send_child(struct dn_run *r, const char *dir, enum dn_chain c)
{
    struct dn_base *b = &r->d->base[c];
    char name[64];
    dn_fmt(name, sizeof(name), "Devnet Token (%s)", dn_chain_names[c]);
    struct dn_arg cc[] = {A_ADDR(r->d->val[0].addr), A_ADDR(STATE_RECEIVER)};
    struct dn_arg ct[] = {A_ADDR(b->child_chain), A_ADDR(b->addr[DN_C_TOKEN]), A_STR(name),
                          A_STR("DEV"), A_U64(18)};
    struct dn_arg map[] = {A_ADDR(b->addr[DN_C_TOKEN]), A_ADDR(b->child_token), A_BOOL(0)};
    bt_status st = dn_tx_create(r, dir, "berlin", "ChildChain", cc, 2, b->child_chain);
    if (st == BT_OK) {
        ct[0] = A_ADDR(b->child_chain);
        st = dn_tx_create(r, dir, "berlin", "ChildERC20", ct, 5, b->child_token);
    }
    if (st == BT_OK)
        st = dn_tx_call(r, 0, b->child_chain, "mapToken(address,address,bool)", map, 3, GAS_CALL);
    return st;
}

/* Basechain c: the Registry entries and the StateSender registration. */
static bt_status send_root(struct dn_run *r)
{
    struct dn_base *b = r->b;
    struct dn_arg map[] = {A_ADDR(b->addr[DN_C_TOKEN]), A_ADDR(b->child_token), A_BOOL(0)};
    struct dn_arg reg[] = {A_ADDR(b->addr[DN_C_DEPOSIT_MANAGER]), A_ADDR(b->child_chain)};
    bt_status st = dn_tx_map_key(r, "childChain", b->child_chain);
    if (st == BT_OK)
        st = dn_tx_call(r, 0, b->addr[DN_C_REGISTRY], "mapToken(address,address,bool)", map, 3,
                        GAS_CALL);
    if (st == BT_OK)
        st = dn_tx_call(r, 0, b->addr[DN_C_STATE_SENDER], "register(address,address)", reg, 2,
                        GAS_CALL);
    return st;
}

bt_status dn_deploy_child(struct devnet *d, const char *dir, char *err, size_t err_cap)
{
    int todo[DN_N_CHAINS], n_todo = 0;
    for (int c = 0; c < DN_N_CHAINS; c++) {
        const struct dn_base *b = &d->base[c];
        todo[c] = b->is_enabled && b->is_deployed && !b->is_mapped;
        n_todo += todo[c];
    }
    if (n_todo == 0)
        return BT_OK;
    struct dn_run *runs = calloc(DN_N_CHAINS + 1, sizeof(*runs));
    struct dn_base *bttc = calloc(1, sizeof(*bttc));
    bt_status st = runs && bttc ? BT_OK : BT_ENOMEM;
    if (st == BT_OK) {
        dn_fmt(bttc->url, sizeof(bttc->url), "http://127.0.0.1:%d", d->val[0].http_port);
        bttc->chain_id = DN_BTTC_CHAIN_ID;
        st = start_run(&runs[DN_N_CHAINS], d, bttc, err, err_cap);
    }
    for (int c = 0; st == BT_OK && c < DN_N_CHAINS; c++)
        if (todo[c])
            st = send_child(&runs[DN_N_CHAINS], dir, (enum dn_chain)c);
    if (st == BT_OK)
        st = dn_tx_settle(&runs[DN_N_CHAINS]);
    /* the basechains' transactions all go out before any receipt is waited for */
    for (int c = 0; st == BT_OK && c < DN_N_CHAINS; c++)
        if (todo[c] && (st = start_run(&runs[c], d, &d->base[c], err, err_cap)) == BT_OK)
            st = send_root(&runs[c]);
    for (int c = 0; st == BT_OK && c < DN_N_CHAINS; c++)
        if (todo[c] && (st = dn_tx_settle(&runs[c])) == BT_OK)
            d->base[c].is_mapped = 1;
    if (st != BT_OK && st != BT_ENOMEM) {
        char e[512];
        dn_fmt(e, sizeof(e), "bridge child side: %s", err);
        dn_fmt(err, err_cap, "%s", e);
    }
    free(bttc);
    free(runs);
    return st;
}
