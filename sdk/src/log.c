/* The SDK's copy of the host services table, set once per plugin by bts_plugin_init(), and the
 * fallback for log lines written before it. */
#include <bts/log.h>

#include <stdatomic.h>
#include <stdio.h>

/* One per plugin .so (libbtsdk is static and hidden). Atomic because "Thread: any" services
 * such as log may read it from worker threads while a second instance's create stores it. */
static _Atomic(const struct bt_host *) bts_host_table;

void bts_plugin_init(const struct bt_host *host)
{
    atomic_store_explicit(&bts_host_table, host, memory_order_release);
}

const struct bt_host *bts_host(void)
{
    return atomic_load_explicit(&bts_host_table, memory_order_acquire);
}

void bts_log_uninit_(uint32_t level, const char *msg)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
    const char *lvl = level < BTS_ARRAY_SIZE(names) ? names[level] : "unknown";
    fprintf(stderr, "level=%s msg=\"%s\" note=\"logged before bts_plugin_init()\"\n", lvl,
            msg ? msg : "");
}
