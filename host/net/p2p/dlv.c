/* dlv/1: the capability carrying plugin topics (host->topic_register / topic_send). One
 * message, code 0: RLP [topic-name, payload] (dlv_codec.c). Each topic declares its largest
 * payload; the capability's limit (checked by the session before decompressing) is the largest
 * declared, plus the envelope. A payload over its topic's limit gets the peer banned; a topic we do
 * not serve is ignored (peers may run other plugins). */
#include "p2p_priv.h"

#include <string.h>

#include "dlv_int.h"
#include "log_int.h"

_Static_assert(DLV_TOPIC_NAME_MAX == P2P_TOPIC_NAME_MAX, "one topic name limit");

/* Envelope: list header (9) + name string (1 + 64) + payload header (9), rounded up. */
#define DLV_OVERHEAD 128
/* dlv/1's limit with no topic registered. */
#define DLV_MIN_LIMIT 1024

void p2p_update_dlv_limit(struct p2p *p)
{
    size_t max = 0;
    for (size_t i = 0; i < p->n_topics; i++)
        if (p->topics[i].fn && p->topics[i].max_msg > max)
            max = p->topics[i].max_msg;
    p->caps[P2P_CAP_DLV].max_msg =
        max + DLV_OVERHEAD > DLV_MIN_LIMIT ? max + DLV_OVERHEAD : DLV_MIN_LIMIT;
}

static struct p2p_topic *find_name(struct p2p *p, const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < p->n_topics; i++)
        if (p->topics[i].fn && strlen(p->topics[i].name) == len &&
            memcmp(p->topics[i].name, name, len) == 0)
            return &p->topics[i];
    return NULL;
}

bt_status p2p_topic_register(struct p2p *p, void *owner, const char *topic, size_t max_msg,
                             bt_topic_fn fn, void *arg, uint32_t *out_id)
{
    size_t n = strnlen(topic, P2P_TOPIC_NAME_MAX + 1);
    *out_id = 0;
    if (n == 0 || n > P2P_TOPIC_NAME_MAX || max_msg == 0 || max_msg > P2P_TOPIC_MSG_MAX)
        return BT_EINVAL;
    if (find_name(p, (const uint8_t *)topic, n))
        return BT_EEXIST;
    struct p2p_topic *t = NULL;
    for (size_t i = 0; i < p->n_topics && !t; i++)
        if (!p->topics[i].fn)
            t = &p->topics[i];
    if (!t) {
        if (p->n_topics == P2P_MAX_TOPICS)
            return BT_EINVAL;
        t = &p->topics[p->n_topics];
        t->id = (uint32_t)++p->n_topics;
    }
    memcpy(t->name, topic, n);
    t->name[n] = 0;
    t->owner = owner;
    t->max_msg = max_msg;
    t->fn = fn;
    t->arg = arg;
    *out_id = t->id;
    p2p_update_dlv_limit(p);
    return BT_OK;
}

void p2p_topic_drop_owner(struct p2p *p, void *owner)
{
    for (size_t i = 0; i < p->n_topics; i++)
        if (p->topics[i].fn && p->topics[i].owner == owner)
            p->topics[i].fn = NULL; /* the id stays reserved: never reused for another name */
    p2p_update_dlv_limit(p);
}

bt_status p2p_topic_send(struct p2p *p, void *owner, uint32_t topic_id, uint64_t peer,
                         const uint8_t *msg, size_t msg_len)
{
    if (topic_id == 0 || topic_id > p->n_topics || !p->topics[topic_id - 1].fn ||
        p->topics[topic_id - 1].owner != owner)
        return BT_ENOTFOUND;
    const struct p2p_topic *t = &p->topics[topic_id - 1];
    if (msg_len > t->max_msg)
        return BT_ERANGE;
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = dlv_encode(&b, t->name, strlen(t->name), msg, msg_len);
    size_t sent = 0;
    for (struct p2p_peer *pe = p->peers; st == BT_OK && pe; pe = pe->next) {
        if (!pe->is_ready || pe->is_closing || pe->dlv_cap < 0)
            continue;
        if (peer != BT_PEER_BROADCAST && pe->id != peer)
            continue;
        bt_status ss = peer_send(pe, pe->dlv_cap, P2P_DLV_MSG, b.data, b.len);
        if (ss == BT_ENOMEM)
            st = ss;
        sent++;
    }
    bts_buf_free(&b);
    if (st == BT_OK && peer != BT_PEER_BROADCAST && sent == 0)
        return BT_ENOTFOUND;
    return st;
}

int dlv_on_msg(struct p2p_peer *pe, uint64_t code, const uint8_t *data, size_t len)
{
    const uint8_t *name, *payload;
    size_t name_len, payload_len;
    if (code != P2P_DLV_MSG ||
        dlv_decode(data, len, &name, &name_len, &payload, &payload_len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed dlv message");
        return 0;
    }
    if (!pe->is_ready)
        return 0;
    struct p2p_topic *t = find_name(pe->p2p, name, name_len);
    if (!t)
        return 0;
    if (payload_len > t->max_msg) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "oversized topic message");
        return 0;
    }
    t->fn(t->arg, pe->id, payload, payload_len);
    return 0;
}
