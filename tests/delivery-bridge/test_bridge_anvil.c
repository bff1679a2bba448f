/* The Delivery bridge against a real root chain: anvil as Ethereum with the contracts/ root-chain
 * set deployed and exercised by tests/rootchain/scenario/setup.js (three staked validators,
 * StateSynced events), driven through rootchain-ethereum on a mock host:
 *  1. the listener reads StateSynced and Staked (and TopUpFee) back with the block numbers, log
 *     indexes and fields ethers saw, stores its progress, and the events become valid msgs;
 *  2. a checkpoint 0..255 voted by four validators (three staked, one not) is submitted by
 *     dlvb_submit (sigs built and sorted by the bridge) and lands; the listener then sees
 *     NewHeaderBlock 10000, which becomes MsgCheckpointAck number 1; submitting it again is
 *     "not needed";
 *  3. the proposer reads the chain's last header block and proposes 256..511;
 *  4. the oracle answers headerBlocks(10000) and a StateSynced receipt log.
 * Exit 77 when anvil, node or contracts/node_modules is missing (scripts/setup runs npm ci). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bts/dlvckpt.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>

#include "anvil_util.h"
#include "dlvb_listener.h"
#include "dlvb_msgs.h"
#include "dlvb_oracle.h"
#include "dlvb_proposer.h"
#include "dlvb_submit.h"

static int fails;

static void failf(const char *fmt, ...) BT_PRINTF(1, 2);
static void failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("    FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fails++;
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void addr_of(uint8_t out[20], const json_t *o, const char *k)
{
    const char *s = jstr(o, k);
    if (bts_hex_parse_address(out, s, strlen(s)) != BT_OK)
        memset(out, 0, 20);
}

static json_t *run_setup(const char *url)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s %s %s", NODE_PATH, SETUP_JS, url);
    FILE *p = popen(cmd, "r");
    json_t *j = p ? json_loadf(p, 0, NULL) : NULL;
    if (p && pclose(p) != 0) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* --- the listener's store and sink ---------------------------------------------------------- */

static uint64_t stored = 0;
static int has_stored = 0;

static bt_status st_load(void *arg, const char *key, uint64_t *out)
{
    (void)arg, (void)key;
    if (!has_stored)
        return BT_ENOTFOUND;
    *out = stored;
    return BT_OK;
}

static bt_status st_save(void *arg, const char *key, uint64_t v)
{
    (void)arg, (void)key;
    stored = v;
    has_stored = 1;
    return BT_OK;
}

#define MAX_EV 32

struct seen {
    int n;
    struct dlvb_event ev[MAX_EV];
    int n_msgs_ok;
    uint64_t ack_number;
};

static bt_status on_event(void *arg, const struct dlvb_event *ev)
{
    struct seen *s = arg;
    if (s->n >= MAX_EV)
        return BT_ERANGE;
    s->ev[s->n] = *ev;
    s->ev[s->n].u.state_synced.data = NULL; /* borrowed: do not keep */
    s->n++;
    uint8_t me[20];
    memset(me, 0x77, 20);
    struct dlv_msg m;
    char err[128] = "";
    if (dlvb_event_to_msg(&m, ev, me, "199") == BT_OK &&
        dlv_msg_validate(&m, err, sizeof(err)) == BT_OK)
        s->n_msgs_ok++;
    else
        failf("%s at %llu/%u: no valid msg (%s)", dlvb_event_name(ev->kind),
              (unsigned long long)ev->block_number, ev->log_index, err);
    if (m.type == DLV_MSG_CHECKPOINT_ACK)
        s->ack_number = m.u.ack.number;
    dlv_msg_free(&m);
    return BT_OK;
}

static void run_listener(struct adapter *ad, struct dlvb_listener *l)
{
    if (dlvb_listener_poll(l) != BT_OK) {
        failf("listener: poll refused");
        return;
    }
    struct dlvb_listener_stats st;
    uint64_t t0 = real_ms();
    do {
        int tick = 0;
        adapter_pump(ad, &tick, 20);
        dlvb_listener_stats(l, &st);
    } while (st.busy && real_ms() - t0 < 60000);
    if (st.busy || st.errors)
        failf("listener: busy %d errors %llu: %s", st.busy, (unsigned long long)st.errors,
              st.last_error);
}

static int count(const struct seen *s, enum dlvb_event_kind k)
{
    int n = 0;
    for (int i = 0; i < s->n; i++)
        n += s->ev[i].kind == k;
    return n;
}

/* Every Staked / StateSynced of setup.js was delivered with its block, index and tx. */
static void check_against_setup(const struct seen *s, const json_t *setup)
{
    size_t i;
    json_t *e;
    int matched = 0, want = 0;
    json_array_foreach(json_object_get(setup, "events"), i, e)
    {
        want++;
        uint64_t blk = (uint64_t)json_integer_value(json_object_get(e, "block"));
        uint64_t idx = (uint64_t)json_integer_value(json_object_get(e, "index"));
        uint8_t tx[32];
        const char *txs = jstr(e, "tx");
        if (bts_hex_parse_hash(tx, txs, strlen(txs)) != BT_OK)
            memset(tx, 0, 32);
        int is_sync = !strcmp(jstr(e, "name"), "StateSynced");
        for (int k = 0; k < s->n; k++) {
            const struct dlvb_event *ev = &s->ev[k];
            if (ev->block_number != blk || ev->log_index != idx || memcmp(ev->tx_hash, tx, 32))
                continue;
            if (is_sync && ev->kind == DLVB_EV_STATE_SYNCED &&
                ev->u.state_synced.id == strtoull(jstr(e, "id"), NULL, 10))
                matched++;
            if (!is_sync && ev->kind == DLVB_EV_STAKED &&
                ev->u.staked.validator_id == strtoull(jstr(e, "validatorId"), NULL, 10))
                matched++;
        }
    }
    printf("  listener: %d events (%d Staked, %d StateSynced, %d TopUpFee); %d/%d of setup.js "
           "matched; progress %llu\n",
           s->n, count(s, DLVB_EV_STAKED), count(s, DLVB_EV_STATE_SYNCED),
           count(s, DLVB_EV_TOPUP_FEE), matched, want, (unsigned long long)stored);
    if (matched != want || want == 0)
        failf("listener: %d of %d setup.js events matched", matched, want);
}

/* --- the checkpoint ------------------------------------------------------------------------ */

static uint8_t VKEY[4][32], VADDR[4][20];

static void validator_keys(void)
{
    for (int i = 0; i < 4; i++) {
        char s[40];
        snprintf(s, sizeof(s), "bttcd validator %d", i + 1); /* setup.js: ethers.id(...) */
        bts_keccak256(VKEY[i], s, strlen(s));
        if (bts_secp_seckey_to_address(VADDR[i], VKEY[i]) != BT_OK)
            failf("validator key %d", i + 1);
    }
}

struct done {
    int done;
    bt_status st;
    enum dlvb_submit_outcome oc;
    uint64_t block;
};

static void on_submitted(void *arg, bt_status st, enum dlvb_submit_outcome oc,
                         const struct bt_rootchain_receipt *r)
{
    struct done *d = arg;
    d->done = 1;
    d->st = st;
    d->oc = oc;
    d->block = r ? r->block_number : 0;
}

static void submit(struct adapter *ad, const uint8_t rc[20], const uint8_t data[224],
                   enum dlvb_submit_outcome want)
{
    uint8_t digest[32], tx[32], sigs[4][65];
    bts_dlvckpt_sign_digest(digest, data, 224);
    memset(tx, 0x5d, 32);
    struct bts_dlvside_vote v[5];
    memset(v, 0, sizeof(v));
    for (int i = 0; i < 4; i++) {
        if (bts_secp_sign(sigs[i], VKEY[i], digest) != BT_OK)
            failf("sign %d", i);
        memcpy(v[i].validator, VADDR[i], 20);
        memcpy(v[i].tx_hash, tx, 32);
        v[i].result = BTS_DLVSIDE_YES;
        v[i].sig = sigs[i];
        v[i].sig_len = 65;
    }
    v[4] = v[0]; /* a No vote from a validator is left out */
    v[4].result = BTS_DLVSIDE_NO;
    struct dlvb_submit_req req = {.kind = DLVB_SUBMIT_CHECKPOINT,
                                  .vt = ad->vt,
                                  .self = ad->self,
                                  .key_id = ANVIL_KEY_ID,
                                  .sign_data = data,
                                  .sign_data_len = 224,
                                  .votes = v,
                                  .n_votes = 5};
    memcpy(req.to, rc, 20);
    memcpy(req.tx_hash, tx, 32);
    struct done d = {0};
    bt_status st = dlvb_submit(&req, on_submitted, &d);
    if (st != BT_OK) {
        failf("submit refused: %s", bts_status_str(st));
        return;
    }
    if (!adapter_pump(ad, &d.done, 90000)) {
        failf("submit: no answer");
        return;
    }
    printf("  submitCheckpoint: outcome %d (%s), block %llu\n", d.oc, bts_status_str(d.st),
           (unsigned long long)d.block);
    if (d.oc != want)
        failf("submit: outcome %d, want %d: %s", d.oc, want, ad->vt->error_message(ad->self));
}

/* --- proposer and oracle ------------------------------------------------------------------- */

static int yes(void *arg)
{
    (void)arg;
    return 1;
}

static int not_buffered(void *arg, uint32_t rt, uint64_t *ts)
{
    (void)arg, (void)rt;
    *ts = 0;
    return 0;
}

static bt_status acct_root_of(void *arg, uint8_t out[32])
{
    (void)arg;
    memset(out, 0xac, 32);
    return BT_OK;
}

static bt_status lhead(void *arg, uint64_t *out)
{
    (void)arg;
    *out = 600;
    return BT_OK;
}

static bt_status lroot(void *arg, uint64_t s, uint64_t e, uint8_t out[32])
{
    (void)arg;
    memset(out, 0, 32);
    out[0] = 1;
    out[30] = (uint8_t)s;
    out[31] = (uint8_t)e;
    return BT_OK;
}

struct prop {
    int n;
    struct dlvb_proposal p;
};

static void on_prop(void *arg, const struct dlvb_proposal *p)
{
    struct prop *x = arg;
    x->n++;
    x->p = *p;
}

struct ans {
    int done;
    struct dlv_oracle_answer a;
    uint8_t data[64];
};

static void on_ans(void *arg, const struct dlv_oracle_answer *a)
{
    struct ans *x = arg;
    x->done = 1;
    x->a = *a;
    if (a->status == BT_OK && a->log.data_len && a->log.data_len <= sizeof(x->data))
        memcpy(x->data, a->log.data, a->log.data_len);
}

static void proposer_and_oracle(struct adapter *ad, const uint8_t rc[20], const uint8_t root[32],
                                const struct seen *s)
{
    struct dlvb_proposer_chain c = {.root_type = BT_ROOTCHAIN_ETH, .vt = ad->vt, .self = ad->self};
    memcpy(c.root_chain, rc, 20);
    struct dlvb_local loc = {lhead, lroot, NULL};
    struct dlvb_app_view av = {yes, not_buffered, acct_root_of, NULL};
    struct prop pr = {0};
    struct dlvb_proposer *p = NULL;
    if (dlvb_proposer_new(&p, &c, 1, 1000, &loc, &av, on_prop, &pr) != BT_OK) {
        failf("proposer_new");
        return;
    }
    if (dlvb_proposer_on_head(p, 600, (uint64_t)time(NULL)) == BT_OK)
        adapter_pump(ad, &pr.n, 30000);
    printf("  proposer: %d proposal(s), range %llu..%llu\n", pr.n, (unsigned long long)pr.p.start,
           (unsigned long long)pr.p.end);
    if (pr.n != 1 || pr.p.start != 256 || pr.p.end != 511)
        failf("proposer: want one proposal 256..511");
    dlvb_proposer_free(p);

    struct dlvb_oracle_chain oc = {.root = DLV_ROOT_ETH, .vt = ad->vt, .self = ad->self};
    memcpy(oc.root_chain, rc, 20);
    struct dlvb_oracle *o = NULL;
    if (dlvb_oracle_new(&o, &oc, 1, &loc) != BT_OK) {
        failf("oracle_new");
        return;
    }
    struct ans a = {0};
    struct dlv_oracle_query q = {.kind = DLV_Q_HEADER_BLOCK, .root = DLV_ROOT_ETH, .a = 10000};
    if (dlvb_oracle_iface.query(o, &q, on_ans, &a) == BT_OK)
        adapter_pump(ad, &a.done, 30000);
    if (!a.done || a.a.status != BT_OK || a.a.header.start != 0 || a.a.header.end != 255 ||
        memcmp(a.a.header.root, root, 32) || memcmp(a.a.header.proposer, VADDR[0], 20))
        failf("oracle: headerBlocks(10000) %s", bts_status_str(a.a.status));
    else
        printf("  oracle: headerBlocks(10000) = 0..255, root and proposer match\n");
    /* the receipt log of the last StateSynced the listener saw */
    const struct dlvb_event *ss = NULL;
    for (int i = 0; i < s->n; i++)
        if (s->ev[i].kind == DLVB_EV_STATE_SYNCED)
            ss = &s->ev[i];
    if (ss) {
        memset(&a, 0, sizeof(a));
        q = (struct dlv_oracle_query){.kind = DLV_Q_RECEIPT_LOG,
                                      .root = DLV_ROOT_ETH,
                                      .a = ss->block_number,
                                      .log_index = ss->log_index};
        memcpy(q.tx_hash, ss->tx_hash, 32);
        if (dlvb_oracle_iface.query(o, &q, on_ans, &a) == BT_OK)
            adapter_pump(ad, &a.done, 30000);
        if (!a.done || a.a.status != BT_OK || a.a.log.block_number != ss->block_number ||
            memcmp(a.a.log.address, ss->contract, 20) || a.a.log.n_topics != 3 ||
            a.a.log.topics[1][31] != (uint8_t)ss->u.state_synced.id)
            failf("oracle: receipt log %s", bts_status_str(a.a.status));
        else
            printf("  oracle: StateSynced id %llu found at %llu/%u\n",
                   (unsigned long long)ss->u.state_synced.id, (unsigned long long)ss->block_number,
                   ss->log_index);
    } else {
        failf("oracle: no StateSynced seen");
    }
    dlvb_oracle_free(o);
}

int main(void)
{
    if (access(ANVIL_PATH, X_OK) != 0 || access(NODE_PATH, X_OK) != 0 ||
        access(ETHERS_DIR, R_OK) != 0) {
        fprintf(stderr, "SKIPPED: anvil, node or contracts/node_modules missing (scripts/setup)\n");
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    validator_keys();
    struct anvil a = {0};
    if (anvil_start(&a, ANVIL_PATH, 0, "1", "1000000000", NULL) != 0) {
        printf("FAIL: cannot start anvil\n");
        return 1;
    }
    json_t *setup = run_setup(a.url);
    struct adapter ad = {0};
    const char *pairs[] = {"url",
                           a.url,
                           "chain_id",
                           "1",
                           "receipt_poll",
                           "200ms",
                           "tx_timeout",
                           "10s",
                           "request_timeout",
                           "2s",
                           "poll_interval",
                           "1h",
                           "finalized_tag",
                           "false",
                           "confirmations",
                           "0",
                           NULL};
    if (!setup) {
        failf("scenario/setup.js failed");
    } else if (adapter_open(&ad, ETH_PLUGIN, pairs) != 0) {
        failf("cannot open rootchain-ethereum");
    } else {
        uint8_t rc[20], sender[20], staking[20];
        addr_of(rc, setup, "rootChain");
        addr_of(sender, setup, "stateSender");
        addr_of(staking, setup, "stakingInfo");
        struct dlvb_store store = {st_load, st_save, NULL};
        struct dlvb_listener_config cfg = {.name = "eth",
                                           .staking_info = staking,
                                           .state_sender = sender,
                                           .root_chain = rc,
                                           .max_blocks = 7};
        struct seen s = {0};
        struct dlvb_listener *l = NULL;
        if (dlvb_listener_new(&l, ad.vt, ad.self, &cfg, &store, on_event, &s) != BT_OK) {
            failf("listener_new");
        } else {
            run_listener(&ad, l);
            check_against_setup(&s, setup);
            /* the checkpoint */
            uint8_t data[224], root[32], acct_root[32];
            memset(root, 0x3e, 32);
            memset(acct_root, 0, 32);
            bts_dlvckpt_sign_data(data, VADDR[0], 0, 255, root, acct_root, 199, 1);
            submit(&ad, rc, data, DLVB_SUBMIT_LANDED);
            run_listener(&ad, l);
            printf("  listener after the checkpoint: %d NewHeaderBlock, ack number %llu\n",
                   count(&s, DLVB_EV_NEW_HEADER_BLOCK), (unsigned long long)s.ack_number);
            if (count(&s, DLVB_EV_NEW_HEADER_BLOCK) != 1 || s.ack_number != 1)
                failf("NewHeaderBlock 10000 not seen as ack number 1");
            for (int i = 0; i < s.n; i++)
                if (s.ev[i].kind == DLVB_EV_NEW_HEADER_BLOCK &&
                    (s.ev[i].u.header_block.header_block_id != 10000 ||
                     s.ev[i].u.header_block.start != 0 || s.ev[i].u.header_block.end != 255 ||
                     memcmp(s.ev[i].u.header_block.root, root, 32)))
                    failf("NewHeaderBlock fields differ");
            if (s.n_msgs_ok != s.n)
                failf("%d of %d events gave valid msgs", s.n_msgs_ok, s.n);
            submit(&ad, rc, data, DLVB_SUBMIT_NOT_NEEDED);
            proposer_and_oracle(&ad, rc, root, &s);
            dlvb_listener_free(l);
        }
    }
    adapter_close(&ad);
    json_decref(setup);
    anvil_stop(&a);
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails ? 1 : 0;
}
