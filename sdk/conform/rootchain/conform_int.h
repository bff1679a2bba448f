/* Private to sdk/conform/rootchain. */
#ifndef CONFORM_ROOTCHAIN_INT_H
#define CONFORM_ROOTCHAIN_INT_H

#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/conform_rootchain.h>
#include <bts/ethrpc.h>
#include <bts/keccak.h>
#include <bts/mockhost.h>

#define CRC_KEY_ID "conform-key"

struct crc {
    const struct bts_conform_rootchain *c;
    const struct bt_plugin_desc *desc;
    const struct bt_rootchain_vtbl *vt;
    struct bts_mockhost *m; /* of the instance open now */
    uint8_t from[20];       /* address of the test key */
    uint8_t contract[20];   /* the deployed Conform */
    const char *check;
    int failed;
};

struct crc_check {
    const char *name;
    void (*fn)(struct crc *t);
    int needs_contract;
};
extern const struct crc_check crc_checks[];

uint64_t crc_real_ms(void);
void crc_fail(struct crc *t, const char *fmt, ...) BT_PRINTF(2, 3);
/** Run the mock loop until *done (1) or real_limit_ms passed (0). */
int crc_pump(struct crc *t, const int *done, uint64_t real_limit_ms);
struct bts_mockhost *crc_mock(struct crc *t);
/** A new mock (t->m) and plugin instance with the suite's config plus `extra` pairs. */
bt_status crc_open(struct crc *t, const char *url, const char *const *extra, void **out_self);
void crc_close(struct crc *t, void *self);

#endif
