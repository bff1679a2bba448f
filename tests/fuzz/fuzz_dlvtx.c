/* libFuzzer target for Delivery's tx envelope and message codec
 * (plugins/consensus-bttc/delivery/dlv_msg.c, dlv_tx.c): whatever decodes must validate or be
 * refused cleanly, give side-sign bytes of the documented sizes, and survive an
 * encode / decode round trip with the same canonical message text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlv_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_dlvtx: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dlv_tx tx, back;
    char err[128];
    if (dlv_tx_decode(&tx, data, size, err, sizeof err) != BT_OK)
        return 0;
    int valid = dlv_msg_validate(&tx.msg, err, sizeof err) == BT_OK;
    int signed_ok = dlv_tx_verify(&tx, "delivery-199") == BT_OK;
    /* Both answers are pure: asking again gives the same. */
    check(valid == (dlv_msg_validate(&tx.msg, NULL, 0) == BT_OK), "validate unstable");
    check(signed_ok == (dlv_tx_verify(&tx, "delivery-199") == BT_OK), "verify unstable");
    struct bts_buf sb, a, b, enc;
    bts_buf_init(&sb);
    bts_buf_init(&a);
    bts_buf_init(&b);
    bts_buf_init(&enc);
    if (dlv_msg_side_sign_bytes(&sb, &tx.msg) == BT_OK)
        check(sb.len == 0 || sb.len == 96 || sb.len == 160 || sb.len == 192 || sb.len == 224,
              "side-sign bytes size");
    check(dlv_tx_encode(&enc, &tx) == BT_OK, "re-encode");
    check(dlv_tx_decode(&back, enc.data, enc.len, err, sizeof err) == BT_OK, "re-decode");
    check(dlv_msg_canonical(&a, &tx.msg) == BT_OK && dlv_msg_canonical(&b, &back.msg) == BT_OK,
          "canonical");
    check(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "round trip changed the message");
    check(memcmp(tx.from, back.from, 20) == 0 && memcmp(tx.sig, back.sig, 65) == 0, "envelope");
    dlv_tx_free(&back);
    dlv_tx_free(&tx);
    bts_buf_free(&sb);
    bts_buf_free(&a);
    bts_buf_free(&b);
    bts_buf_free(&enc);
    return 0;
}
