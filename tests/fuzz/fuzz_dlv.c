/* libFuzzer target for the dlv/1 message decoder (host/net/p2p/dlv_codec.c): whatever decodes
 * must respect the limits and survive a re-encode/decode round trip unchanged. */
#include "dlv_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_dlv: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *name, *payload;
    size_t nl, pl;
    if (dlv_decode(data, size, &name, &nl, &payload, &pl) != BT_OK) {
        check(name == NULL && nl == 0 && payload == NULL && pl == 0, "outputs set on failure");
        return 0;
    }
    check(nl >= 1 && nl <= DLV_TOPIC_NAME_MAX, "name length");
    check(name >= data && name + nl <= data + size, "name outside input");
    check(payload >= data && payload + pl <= data + size, "payload outside input");
    struct bts_buf b;
    bts_buf_init(&b);
    check(dlv_encode(&b, (const char *)name, nl, payload, pl) == BT_OK, "re-encode");
    const uint8_t *n2, *p2;
    size_t nl2, pl2;
    check(dlv_decode(b.data, b.len, &n2, &nl2, &p2, &pl2) == BT_OK, "re-decode");
    check(nl2 == nl && memcmp(n2, name, nl) == 0, "name round trip");
    check(pl2 == pl && (pl == 0 || memcmp(p2, payload, pl) == 0), "payload round trip");
    check(b.len <= size, "re-encoding longer than the input");
    bts_buf_free(&b);
    return 0;
}
