/* The SDK's root-chain conformance suite on the built rootchain-example.so, against the node
 * named by the environment: BT_CONFORM_URL (JSON-RPC endpoint), BT_CONFORM_CHAIN_ID (what it
 * reports) and BT_CONFORM_KEY (64 hex digits: the private key of an account funded there; a test
 * key). Exit 77 (skipped) when BT_CONFORM_URL is not set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/conform_rootchain.h>
#include <bts/hex.h>

int main(int argc, char **argv)
{
    const char *url = getenv("BT_CONFORM_URL"), *chain = getenv("BT_CONFORM_CHAIN_ID"),
               *key_hex = getenv("BT_CONFORM_KEY");
    if (argc != 2)
        return fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]), 2;
    if (!url || !chain || !key_hex) {
        fprintf(stderr, "SKIPPED: set BT_CONFORM_URL, BT_CONFORM_CHAIN_ID and BT_CONFORM_KEY\n");
        return 77;
    }
    uint8_t key[32];
    size_t n = 0;
    if (!strncmp(key_hex, "0x", 2))
        key_hex += 2;
    if (bts_hex_decode(key, sizeof(key), &n, key_hex, strlen(key_hex), 0) != BT_OK || n != 32)
        return fprintf(stderr, "BT_CONFORM_KEY: not 32 hex bytes\n"), 2;
    /* A short depth keeps "finalized <= head" meaningful on a young dev chain. */
    static const char *const conf[] = {"confirmations", "2", NULL};
    struct bts_conform_rootchain c = {.plugin_path = argv[1],
                                      .url = url,
                                      .chain_id = strtoull(chain, NULL, 10),
                                      .seckey = key,
                                      .conf = conf};
    struct bts_conform_rootchain_result r;
    if (bts_conform_rootchain_run(&c, getenv("BT_CONFORM_ONLY"), &r) != BT_OK)
        return 1;
    return r.n_failed == 0 && r.n_passed > 0 ? 0 : 1;
}
