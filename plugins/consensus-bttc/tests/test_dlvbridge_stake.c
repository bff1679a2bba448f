/* The staking-sync glue (dlvbridge_stake.c, PROTOCOL.md §4.3.4): which side msgs the commit
 * hook keeps, and what a decided staking change leaves for its replay (the msg and only its
 * own H+2 votes, a bounded list). */
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#include "dlvbridge.h"

static const uint8_t ME[20] = {0xaa, 1, 2, 3};
static const uint8_t OTHER[20] = {0xbb, 1, 2, 3};

static void test_dlvbridge_stake_keep(void)
{
    struct bttc_dlvb x;
    memset(&x, 0, sizeof x);
    memcpy(x.me, ME, 20);
    struct dlv_msg m;
    memset(&m, 0, sizeof m);
    m.type = DLV_MSG_VALIDATOR_JOIN;
    memcpy(m.u.join.from, OTHER, 20);
    CU_ASSERT(bttc_dlvb_stake_keep(&x, &m)); /* relayed by anyone */
    m.type = DLV_MSG_VALIDATOR_EXIT;
    memcpy(m.u.exit.from, OTHER, 20);
    CU_ASSERT(bttc_dlvb_stake_keep(&x, &m));
    m.type = DLV_MSG_SIGNER_UPDATE;
    memcpy(m.u.signer_update.from, OTHER, 20);
    CU_ASSERT(bttc_dlvb_stake_keep(&x, &m));
    memset(&m, 0, sizeof m);
    m.type = DLV_MSG_STAKING_SYNC;
    memcpy(m.u.staking_sync.from, OTHER, 20);
    CU_ASSERT(!bttc_dlvb_stake_keep(&x, &m)); /* another validator's sync */
    memcpy(m.u.staking_sync.from, ME, 20);
    CU_ASSERT(bttc_dlvb_stake_keep(&x, &m));
    m.type = DLV_MSG_STAKING_SYNC_ACK;
    CU_ASSERT(!bttc_dlvb_stake_keep(&x, &m));
    m.type = DLV_MSG_TOPUP;
    CU_ASSERT(!bttc_dlvb_stake_keep(&x, &m));
}

/* Three votes in the last commit, two of them for tx 0x11.. */
static void set_votes(struct bttc_dlvb *x, struct bts_dlvside_vote v[3], uint8_t sigs[3][65])
{
    for (int i = 0; i < 3; i++) {
        memset(&v[i], 0, sizeof v[i]);
        memset(v[i].tx_hash, i == 1 ? 0x22 : 0x11, 32);
        v[i].validator[0] = (uint8_t)(i + 1);
        v[i].result = BTS_DLVSIDE_YES;
        memset(sigs[i], 0x30 + i, 65);
        v[i].sig = sigs[i];
        v[i].sig_len = 65;
    }
    x->votes = v;
    x->n_votes = 3;
}

static void test_dlvbridge_stake_decided_keeps_own_votes(void)
{
    struct bttc_dlvb x;
    memset(&x, 0, sizeof x);
    struct bts_dlvside_vote v[3];
    uint8_t sigs[3][65];
    set_votes(&x, v, sigs);
    struct bttc_dlvb_pending p;
    memset(&p, 0, sizeof p);
    memset(p.tx_hash, 0x11, 32);
    p.msg.type = DLV_MSG_VALIDATOR_EXIT;
    p.msg.u.exit.id = 4;
    p.msg.u.exit.nonce = 2;
    /* a staking change is never submitted at once; a No keeps nothing */
    CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 0) == 1);
    CU_ASSERT(x.n_staked == 0 && x.staked == NULL);
    CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 1) == 1);
    CU_ASSERT_FATAL(x.n_staked == 1 && x.staked != NULL);
    const struct bttc_dlvb_staked *s = x.staked;
    CU_ASSERT(s->n_votes == 2);
    CU_ASSERT(memcmp(s->tx_hash, p.tx_hash, 32) == 0);
    CU_ASSERT(s->msg.type == DLV_MSG_VALIDATOR_EXIT && s->msg.u.exit.id == 4 &&
              s->msg.u.exit.nonce == 2);
    CU_ASSERT(s->votes[0].validator[0] == 1 && s->votes[1].validator[0] == 3);
    /* the signatures are copies: the last commit's buffers are reused at the next height */
    CU_ASSERT(s->votes[1].sig != sigs[2] && memcmp(s->votes[1].sig, sigs[2], 65) == 0);
    memset(sigs[2], 0, 65);
    CU_ASSERT(s->votes[1].sig[0] == 0x32);
    /* no votes for the tx: nothing to replay, nothing kept */
    memset(p.tx_hash, 0x77, 32);
    CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 1) == 1);
    CU_ASSERT(x.n_staked == 1);
    bttc_dlvb_stake_free(&x);
    CU_ASSERT(x.staked == NULL && x.n_staked == 0);
}

static void test_dlvbridge_stake_decided_other_msgs(void)
{
    struct bttc_dlvb x;
    memset(&x, 0, sizeof x);
    struct bttc_dlvb_pending p;
    memset(&p, 0, sizeof p);
    p.msg.type = DLV_MSG_CHECKPOINT; /* for submit_one */
    CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 1) == 0);
    p.msg.type = DLV_MSG_CHECKPOINT_SYNC;
    CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 1) == 0);
    p.msg.type = DLV_MSG_STAKING_SYNC; /* decided No: no replay, but never submit_one's */
    CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 0) == 1);
    CU_ASSERT(x.n_staked == 0);
}

static void test_dlvbridge_stake_bounded(void)
{
    struct bttc_dlvb x;
    memset(&x, 0, sizeof x);
    struct bts_dlvside_vote v[3];
    uint8_t sigs[3][65];
    set_votes(&x, v, sigs);
    struct bttc_dlvb_pending p;
    memset(&p, 0, sizeof p);
    memset(p.tx_hash, 0x11, 32);
    p.msg.type = DLV_MSG_VALIDATOR_JOIN;
    for (uint64_t i = 1; i <= 300; i++) {
        p.msg.u.join.id = i;
        CU_ASSERT(bttc_dlvb_stake_decided(&x, &p, 1) == 1);
    }
    CU_ASSERT(x.n_staked == 256);
    CU_ASSERT(x.staked->msg.u.join.id == 300); /* newest first */
    const struct bttc_dlvb_staked *s = x.staked;
    while (s->next)
        s = s->next;
    CU_ASSERT(s->msg.u.join.id == 45); /* the 44 oldest were dropped */
    bttc_dlvb_stake_free(&x);
}

BTS_TEST_SUITE("dlvbridge_stake", NULL, NULL, BTS_TEST(test_dlvbridge_stake_keep),
               BTS_TEST(test_dlvbridge_stake_decided_keeps_own_votes),
               BTS_TEST(test_dlvbridge_stake_decided_other_msgs),
               BTS_TEST(test_dlvbridge_stake_bounded));
