/* Delivery bridge: the per-root-chain listener (dlvb_listener.h). One round is a chain of
 * asynchronous adapter calls: heights → get_logs(window) → ... → get_logs(last window). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlvb_listener.h"

#define DEFAULT_MAX_BLOCKS 1000u
#define NAME_MAX_LEN       48u

struct dlvb_listener {
    const struct bt_rootchain_vtbl *vt;
    void *self;
    char name[NAME_MAX_LEN + 1];
    char key[NAME_MAX_LEN + 16];
    uint32_t root_type;
    uint8_t addrs[DLVB_ROLE_COUNT][20];
    int has_addr[DLVB_ROLE_COUNT];
    uint8_t filter_addrs[DLVB_ROLE_COUNT][20];
    size_t n_filter_addrs;
    uint64_t start_block, confirmations, max_blocks;
    struct dlvb_store store;
    dlvb_event_fn fn;
    void *arg;

    uint64_t window_to; /* last block of the window in flight */
    int dead;           /* freed while a call was in flight */
    struct dlvb_listener_stats st;
};

bt_status dlvb_listener_new(struct dlvb_listener **out, const struct bt_rootchain_vtbl *vt,
                            void *self, const struct dlvb_listener_config *cfg,
                            const struct dlvb_store *store, dlvb_event_fn fn, void *arg)
{
    *out = NULL;
    if (!cfg->name || !*cfg->name || strlen(cfg->name) > NAME_MAX_LEN)
        return BT_EINVAL;
    if (!cfg->staking_info && !cfg->state_sender && !cfg->root_chain)
        return BT_EINVAL;
    struct dlvb_listener *l = calloc(1, sizeof(*l));
    if (!l)
        return BT_ENOMEM;
    l->vt = vt;
    l->self = self;
    snprintf(l->name, sizeof(l->name), "%s", cfg->name);
    snprintf(l->key, sizeof(l->key), "%s-last-block", cfg->name);
    l->root_type = cfg->root_type ? cfg->root_type : vt->chain_type(self);
    const uint8_t *roles[DLVB_ROLE_COUNT] = {[DLVB_ROLE_STAKING_INFO] = cfg->staking_info,
                                             [DLVB_ROLE_STATE_SENDER] = cfg->state_sender,
                                             [DLVB_ROLE_ROOT_CHAIN] = cfg->root_chain};
    for (unsigned r = 0; r < DLVB_ROLE_COUNT; r++) {
        if (!roles[r])
            continue;
        memcpy(l->addrs[r], roles[r], 20);
        l->has_addr[r] = 1;
        memcpy(l->filter_addrs[l->n_filter_addrs++], roles[r], 20);
    }
    l->start_block = cfg->start_block;
    l->confirmations = cfg->confirmations;
    l->max_blocks = cfg->max_blocks ? cfg->max_blocks : DEFAULT_MAX_BLOCKS;
    l->store = *store;
    l->fn = fn;
    l->arg = arg;
    uint64_t last = 0;
    bt_status st = store->load(store->arg, l->key, &last);
    if (st == BT_OK) {
        l->st.last_block = last;
        l->st.has_last = 1;
    } else if (st != BT_ENOTFOUND) {
        free(l);
        return st;
    }
    *out = l;
    return BT_OK;
}

void dlvb_listener_free(struct dlvb_listener *l)
{
    if (!l)
        return;
    if (l->st.busy) {
        l->dead = 1; /* the pending callback frees it */
        return;
    }
    free(l);
}

void dlvb_listener_stats(const struct dlvb_listener *l, struct dlvb_listener_stats *out)
{
    *out = l->st;
}

/* End the round with a failure; the message names the step. */
static void fail(struct dlvb_listener *l, bt_status st, const char *what, const char *detail)
{
    l->st.busy = 0;
    l->st.errors++;
    l->st.last_status = st;
    snprintf(l->st.last_error, sizeof(l->st.last_error), "%s: %s: %s", l->name, what,
             detail && *detail ? detail : bts_status_str(st));
}

static const char *adapter_msg(struct dlvb_listener *l)
{
    return l->vt->error_message ? l->vt->error_message(l->self) : "";
}

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n);

/* Ask for the next window, or finish the round when the target is reached. */
static void next_window(struct dlvb_listener *l)
{
    uint64_t from = l->st.has_last ? l->st.last_block + 1 : l->start_block;
    if ((l->st.has_last && l->st.last_block >= l->st.target) || from > l->st.target) {
        l->st.busy = 0;
        l->st.rounds++;
        return;
    }
    uint64_t to = l->st.target;
    if (to - from >= l->max_blocks)
        to = from + l->max_blocks - 1;
    const uint8_t(*topics)[32] = dlvb_event_topics;
    struct bt_rootchain_filter f = {
        .struct_size = sizeof(f),
        .addresses = (const uint8_t(*)[20])l->filter_addrs,
        .n_addresses = l->n_filter_addrs,
        .topics = {topics, NULL, NULL, NULL},
        .n_topics = {DLVB_EV_COUNT, 0, 0, 0},
        .from_block = from,
        .to_block = to,
    };
    l->window_to = to;
    bt_status st = l->vt->get_logs(l->self, &f, on_logs, l);
    if (st != BT_OK)
        fail(l, st, "get_logs", adapter_msg(l));
}

/* Deliver a window's events in order; BT_OK when every one was accepted (or skipped). */
static bt_status deliver(struct dlvb_listener *l, const struct bt_rootchain_log *logs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct dlvb_event ev;
        bt_status st = dlvb_event_decode(&ev, &logs[i], l->root_type);
        if (st != BT_OK) {
            l->st.skipped++;
            continue;
        }
        enum dlvb_contract_role role = dlvb_event_role(ev.kind);
        if (!l->has_addr[role] || memcmp(l->addrs[role], ev.contract, 20) != 0) {
            l->st.skipped++; /* e.g. a StateSynced-shaped log from another contract */
            continue;
        }
        st = l->fn(l->arg, &ev);
        if (l->dead)
            return BT_ECANCELED; /* freed from inside the callback */
        if (st != BT_OK) {
            char msg[96];
            snprintf(msg, sizeof(msg), "%s at block %llu log %u refused", dlvb_event_name(ev.kind),
                     (unsigned long long)ev.block_number, ev.log_index);
            fail(l, st, "event", msg);
            return st;
        }
        l->st.events++;
    }
    return BT_OK;
}

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n)
{
    struct dlvb_listener *l = arg;
    if (l->dead) {
        free(l);
        return;
    }
    if (st != BT_OK) {
        fail(l, st, "get_logs", adapter_msg(l));
        return;
    }
    st = deliver(l, logs, n);
    if (l->dead) {
        free(l);
        return;
    }
    if (st != BT_OK)
        return;
    st = l->store.save(l->store.arg, l->key, l->window_to);
    if (st != BT_OK) {
        fail(l, st, "save progress", NULL);
        return;
    }
    l->st.last_block = l->window_to;
    l->st.has_last = 1;
    l->st.windows++;
    next_window(l);
}

static void on_heights(void *arg, bt_status st, uint64_t head, uint64_t finalized)
{
    struct dlvb_listener *l = arg;
    if (l->dead) {
        free(l);
        return;
    }
    if (st != BT_OK) {
        fail(l, st, "heights", adapter_msg(l));
        return;
    }
    uint64_t target = finalized;
    if (l->confirmations) {
        if (head < l->confirmations) {
            l->st.busy = 0; /* chain shorter than the depth: nothing confirmed yet */
            l->st.rounds++;
            return;
        }
        if (head - l->confirmations < target)
            target = head - l->confirmations;
    }
    l->st.target = target;
    next_window(l);
}

bt_status dlvb_listener_poll(struct dlvb_listener *l)
{
    if (l->st.busy)
        return BT_EBUSY;
    l->st.busy = 1;
    bt_status st = l->vt->heights(l->self, on_heights, l);
    if (st != BT_OK) {
        fail(l, st, "heights", adapter_msg(l));
        return st;
    }
    return BT_OK;
}
