/* The mock's service registry, metrics and programmable signer, plus the entries it never
 * backs (routes, topics): those only trap, or answer what a test patches into the table. */
#include <string.h>

#include "mockhost_int.h"

static bt_status mk_service_provide(struct bt_host_ctx *h, const char *name, const void *iface,
                                    void *self)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_SERVICE_PROVIDE, &st);
    if (!m)
        return st;
    return bts_mockhost_service_add(m, name, iface, self);
}

static bt_status mk_service_find(struct bt_host_ctx *h, const char *name, const void **out_iface,
                                 void **out_self)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_SERVICE_FIND, &st);
    *out_iface = NULL;
    *out_self = NULL;
    if (!m)
        return st;
    for (size_t i = 0; i < m->services.n; i++) {
        if (strcmp(m->services.v[i].name, name) == 0) {
            *out_iface = m->services.v[i].iface;
            *out_self = m->services.v[i].self;
            return BT_OK;
        }
    }
    return BT_ENOTFOUND;
}

static void mk_service_each(struct bt_host_ctx *h, const char *prefix,
                            int (*fn)(void *arg, const char *name, const void *iface, void *self),
                            void *arg)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_SERVICE_EACH, &st);
    if (!m)
        return;
    size_t pl = strlen(prefix);
    /* By index, re-reading n: fn may register more services while we walk. */
    for (size_t i = 0; i < m->services.n; i++) {
        struct mock_service s = m->services.v[i];
        if (strncmp(s.name, prefix, pl) == 0 && fn(arg, s.name, s.iface, s.self))
            return;
    }
}

bt_status bts_mockhost_service_add(struct bts_mockhost *m, const char *name, const void *iface,
                                   void *self)
{
    bts_mockhost_use_services(m);
    bts_mk_lock(m);
    for (size_t i = 0; i < m->services.n; i++) {
        if (strcmp(m->services.v[i].name, name) == 0) {
            bts_mk_unlock(m);
            return BT_EEXIST;
        }
    }
    *MOCK_PUSH(m->services) =
        (struct mock_service){.name = bts_mk_strdup(name), .iface = iface, .self = self};
    bts_mk_unlock(m);
    return BT_OK;
}

void bts_mockhost_use_services(struct bts_mockhost *m)
{
    bts_mockhost_use(m, BTS_MOCK_SERVICE_PROVIDE);
    bts_mockhost_use(m, BTS_MOCK_SERVICE_FIND);
    bts_mockhost_use(m, BTS_MOCK_SERVICE_EACH);
}

/* --- metrics -------------------------------------------------------------------------------- */

static bt_status mk_metric_register(struct bt_host_ctx *h, uint32_t type, const char *name,
                                    const char *help, const double *buckets, size_t n_buckets,
                                    uint32_t *out_id)
{
    (void)help, (void)buckets, (void)n_buckets;
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_METRIC_REGISTER, &st);
    if (!m)
        return st;
    bts_mk_lock(m);
    for (size_t i = 0; i < m->metrics.n; i++) {
        if (strcmp(m->metrics.v[i].name, name) == 0) {
            bts_mk_unlock(m);
            return BT_EEXIST;
        }
    }
    *MOCK_PUSH(m->metrics) = (struct mock_metric){.name = bts_mk_strdup(name), .type = type};
    *out_id = (uint32_t)m->metrics.n; /* ids start at 1 */
    bts_mk_unlock(m);
    return BT_OK;
}

static void mk_metric_update(struct bt_host_ctx *h, uint32_t id, double v)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_METRIC_UPDATE, &st);
    if (!m)
        return;
    bts_mk_lock(m);
    if (id == 0 || id > m->metrics.n) {
        bts_mk_unlock(m);
        bts_mk_fail(m, "misuse: metric_update of unknown id %u", id);
        return;
    }
    struct mock_metric *x = &m->metrics.v[id - 1];
    switch ((enum bt_metric_type)x->type) {
    case BT_METRIC_COUNTER:
        x->value += v;
        break;
    case BT_METRIC_GAUGE:
        x->value = v;
        break;
    case BT_METRIC_HISTOGRAM:
        x->value += 1;
        break;
    }
    bts_mk_unlock(m);
}

void bts_mockhost_use_metrics(struct bts_mockhost *m)
{
    bts_mockhost_use(m, BTS_MOCK_METRIC_REGISTER);
    bts_mockhost_use(m, BTS_MOCK_METRIC_UPDATE);
}

bt_status bts_mockhost_metric(const struct bts_mockhost *m, const char *name, double *out_value)
{
    for (size_t i = 0; i < m->metrics.n; i++) {
        if (strcmp(m->metrics.v[i].name, name) == 0) {
            *out_value = m->metrics.v[i].value;
            return BT_OK;
        }
    }
    return BT_ENOTFOUND;
}

/* --- signer --------------------------------------------------------------------------------- */

static bt_status mk_sign(struct bt_host_ctx *h, uint8_t out_sig65[65], const char *key_id,
                         const uint8_t digest[32])
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_SIGN, &st);
    if (!m)
        return st;
    return m->sign(m->signer_arg, out_sig65, key_id, digest);
}

static bt_status mk_key_address(struct bt_host_ctx *h, const char *key_id, uint8_t out_addr[20])
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_KEY_ADDRESS, &st);
    if (!m)
        return st;
    return m->key_address(m->signer_arg, key_id, out_addr);
}

void bts_mockhost_set_signer(struct bts_mockhost *m, bts_mock_sign_fn sign,
                             bts_mock_key_address_fn addr, void *arg)
{
    if (!sign) {
        bts_mk_fail(m, "misuse: set_signer with a NULL sign");
        return;
    }
    bts_mk_lock(m);
    m->sign = sign;
    m->key_address = addr;
    m->signer_arg = arg;
    bts_mk_unlock(m);
    bts_mockhost_use(m, BTS_MOCK_SIGN);
    if (addr)
        bts_mockhost_use(m, BTS_MOCK_KEY_ADDRESS);
}

/* --- never backed: traps unless the test patches the table ---------------------------------- */

static bt_status mk_rpc_register(struct bt_host_ctx *h, const char *method, bt_rpc_fn fn, void *arg)
{
    (void)method, (void)fn, (void)arg;
    bt_status st = BT_EINTERNAL;
    bts_mk_enter(h, BTS_MOCK_RPC_REGISTER, &st);
    return st;
}

static void mk_rpc_result(struct bt_host_ctx *h, struct bt_rpc_call *call, const char *json)
{
    (void)call, (void)json;
    bt_status st;
    bts_mk_enter(h, BTS_MOCK_RPC_RESULT, &st);
}

static void mk_rpc_error(struct bt_host_ctx *h, struct bt_rpc_call *call, int32_t code,
                         const char *message, const char *data_json)
{
    (void)call, (void)code, (void)message, (void)data_json;
    bt_status st;
    bts_mk_enter(h, BTS_MOCK_RPC_ERROR, &st);
}

static bt_status mk_http_register(struct bt_host_ctx *h, const char *method, const char *pattern,
                                  bt_http_fn fn, void *arg)
{
    (void)method, (void)pattern, (void)fn, (void)arg;
    bt_status st = BT_EINTERNAL;
    bts_mk_enter(h, BTS_MOCK_HTTP_REGISTER, &st);
    return st;
}

static void mk_http_reply(struct bt_host_ctx *h, struct bt_http_request *req, uint32_t status,
                          const char *content_type, const uint8_t *body, size_t body_len)
{
    (void)req, (void)status, (void)content_type, (void)body, (void)body_len;
    bt_status st;
    bts_mk_enter(h, BTS_MOCK_HTTP_REPLY, &st);
}

static bt_status mk_topic_register(struct bt_host_ctx *h, const char *topic, size_t max_msg_size,
                                   bt_topic_fn fn, void *arg, uint32_t *out_id)
{
    (void)topic, (void)max_msg_size, (void)fn, (void)arg, (void)out_id;
    bt_status st = BT_EINTERNAL;
    bts_mk_enter(h, BTS_MOCK_TOPIC_REGISTER, &st);
    return st;
}

static bt_status mk_topic_send(struct bt_host_ctx *h, uint32_t topic_id, uint64_t peer,
                               const uint8_t *msg, size_t msg_len)
{
    (void)topic_id, (void)peer, (void)msg, (void)msg_len;
    bt_status st = BT_EINTERNAL;
    bts_mk_enter(h, BTS_MOCK_TOPIC_SEND, &st);
    return st;
}

static void mk_peer_penalise(struct bt_host_ctx *h, uint64_t peer, const char *reason)
{
    (void)peer, (void)reason;
    bt_status st;
    bts_mk_enter(h, BTS_MOCK_PEER_PENALISE, &st);
}

void bts_mk_install_registry(struct bt_host *t)
{
    t->service_provide = mk_service_provide;
    t->service_find = mk_service_find;
    t->service_each = mk_service_each;
    t->metric_register = mk_metric_register;
    t->metric_update = mk_metric_update;
    t->sign = mk_sign;
    t->key_address = mk_key_address;
    t->rpc_register = mk_rpc_register;
    t->rpc_result = mk_rpc_result;
    t->rpc_error = mk_rpc_error;
    t->http_register = mk_http_register;
    t->http_reply = mk_http_reply;
    t->topic_register = mk_topic_register;
    t->topic_send = mk_topic_send;
    t->peer_penalise = mk_peer_penalise;
}
