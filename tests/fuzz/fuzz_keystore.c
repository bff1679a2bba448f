/* Fuzz the keystore v3 reader (host/keys/keystore.c): any bytes as a key file, decrypted with
 * a fixed password, must fail cleanly or give a valid key whose address ks_peek_address agrees
 * with when the file names one. Files asking for more than a little scrypt/pbkdf2 work are
 * skipped: the reader's own bounds (1 GiB, 10^7 rounds) are far too slow for fuzzing. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keys_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The largest integer anywhere in the document. */
static json_int_t max_int(const json_t *v)
{
    json_int_t m = 0;
    const char *key;
    json_t *x;
    size_t i;
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, x)
        {
            json_int_t k = max_int(x);
            m = k > m ? k : m;
        }
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            json_int_t k = max_int(x);
            m = k > m ? k : m;
        }
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = json_loadb((const char *)data, size, 0, NULL);
    json_int_t cost = root ? max_int(root) : 0;
    json_decref(root);
    if (cost > 4096)
        return 0;
    uint8_t key[32], addr[20], peek[20];
    char err[256];
    bt_status st = ks_decrypt(key, addr, (const char *)data, size, "x", 1, err, sizeof(err));
    if (st == BT_OK) {
        if (ks_peek_address(peek, (const char *)data, size) == BT_OK && memcmp(peek, addr, 20) != 0)
            abort();
    } else {
        static const uint8_t zero[32];
        if (memcmp(key, zero, 32) != 0 || strlen(err) == 0)
            abort();
    }
    return 0;
}
