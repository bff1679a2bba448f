/* libFuzzer target for the Delivery bridge's root-chain decoding (plugins/consensus-bttc/bridge):
 * arbitrary bytes become an adapter log (byte 0 picks the event's topic0 or a random one, byte 1
 * the topic count, then 32-byte topics, the rest is the data) and go through dlvb_event_decode;
 * what decodes must borrow its StateSynced bytes from inside the data, and is turned into a
 * Delivery msg that must pass the app's stateless checks and encode to JSON. The same bytes also
 * go through the headerBlocks and uint256 output decoders. Any violation aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dlvb_msgs.h"
#include "dlvb_submit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_dlvbridge: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dlvb_header_block hb;
    uint64_t v;
    if (dlvb_decode_header_block(&hb, data, size) == BT_OK)
        check(size >= 160 && memcmp(hb.proposer, data + 140, 20) == 0, "headerBlocks decode");
    if (dlvb_decode_u64(&v, data, size) == BT_OK)
        check(size >= 32 && (v & 0xff) == data[31], "uint256 decode");
    if (size < 2)
        return 0;
    struct bt_rootchain_log l;
    memset(&l, 0, sizeof(l));
    l.n_topics = data[1] % 5;
    size_t off = 2;
    for (uint32_t i = 0; i < l.n_topics; i++) {
        size_t n = size - off < 32 ? size - off : 32;
        memcpy(l.topics[i], data + off, n);
        off += n;
    }
    if (l.n_topics && data[0] < DLVB_EV_COUNT * 8)
        memcpy(l.topics[0], dlvb_event_topics[data[0] % DLVB_EV_COUNT], 32);
    l.data = data + off;
    l.data_len = size - off;
    l.block_number = data[0];
    l.log_index = data[1];
    struct dlvb_event ev;
    bt_status st = dlvb_event_decode(&ev, &l, 1 + data[0] % 3);
    if (st != BT_OK)
        return 0;
    if (ev.kind == DLVB_EV_STATE_SYNCED && ev.u.state_synced.data_len)
        check(ev.u.state_synced.data >= l.data &&
                  ev.u.state_synced.data + ev.u.state_synced.data_len <= l.data + l.data_len,
              "StateSynced data outside the log");
    uint8_t from[20] = {1};
    struct dlv_msg m;
    st = dlvb_event_to_msg(&m, &ev, from, "199");
    if (st != BT_OK) {
        check(ev.kind == DLVB_EV_CHECKPOINT_SYNC_ACK, "event without a msg");
        return 0;
    }
    json_t *j = NULL;
    if (dlv_msg_to_json(&j, &m) == BT_OK)
        json_decref(j);
    char err[128];
    bt_status vs = dlv_msg_validate(&m, err, sizeof(err)); /* zero ids are refused there */
    (void)vs;
    dlv_msg_free(&m);
    return 0;
}
