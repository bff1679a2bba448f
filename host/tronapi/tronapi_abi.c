/* SmartContract.ABI (core/contract/smart_contract.proto) printed as java-tron prints it
 * (JsonFormat: field names as declared, enums by their capitalised names, defaults omitted):
 * {"entrys":[{"anonymous":true,"constant":true,"name":…,"inputs":[{"indexed":true,"name":…,
 * "type":…}],"outputs":[…],"type":"Function","payable":true,"stateMutability":"View"}]}. tronweb
 * lower-cases the enum names when it loads an ABI (ROOTCHAINS.md §4.2). A small protobuf reader:
 * the ABI is kept as the bytes the creator signed. */
#include "tronapi_int.h"

#include <stdint.h>
#include <string.h>

struct pb {
    const uint8_t *p;
    size_t len, i;
};

static int pb_varint(struct pb *b, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && b->i < b->len; shift += 7) {
        uint8_t c = b->p[b->i++];
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

/* The next field: number, wire type, and for length-delimited fields the bytes (else the
 * varint in *out_v). 0 at the end or on malformed input (*out_bad). */
static int pb_next(struct pb *b, uint32_t *out_field, const uint8_t **out_p, size_t *out_n,
                   uint64_t *out_v, int *out_bad)
{
    uint64_t key, n;
    *out_p = NULL;
    if (b->i >= b->len)
        return 0;
    if (!pb_varint(b, &key) || key >> 3 == 0 || key >> 3 > UINT32_MAX)
        goto bad;
    *out_field = (uint32_t)(key >> 3);
    if ((key & 7) == 0)
        return pb_varint(b, out_v) ? 1 : (*out_bad = 1, 0);
    if ((key & 7) != 2 || !pb_varint(b, &n) || n > b->len - b->i)
        goto bad;
    *out_p = b->p + b->i;
    *out_n = (size_t)n;
    b->i += (size_t)n;
    return 1;
bad:
    *out_bad = 1;
    return 0;
}

static json_t *str(const uint8_t *p, size_t n)
{
    return json_stringn((const char *)p, n); /* NULL (field left out) unless UTF-8 */
}

static json_t *param(const uint8_t *p, size_t n)
{
    struct pb b = {p, n, 0};
    json_t *o = json_object();
    uint32_t f;
    const uint8_t *s;
    size_t sn = 0;
    uint64_t v = 0;
    int bad = 0;
    while (o && pb_next(&b, &f, &s, &sn, &v, &bad)) {
        if (f == 1 && !s && v)
            json_object_set_new(o, "indexed", json_true());
        else if ((f == 2 || f == 3) && s)
            json_object_set_new(o, f == 2 ? "name" : "type", str(s, sn));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *entry(const uint8_t *p, size_t n)
{
    static const char *const types[] = {"UnknownEntryType", "Constructor", "Function", "Event",
                                        "Fallback",         "Receive",     "Error"};
    static const char *const muts[] = {"UnknownMutabilityType", "Pure", "View", "Nonpayable",
                                       "Payable"};
    struct pb b = {p, n, 0};
    json_t *o = json_object(), *in = json_array(), *out = json_array();
    uint32_t f;
    const uint8_t *s;
    size_t sn = 0;
    uint64_t v = 0;
    int bad = !o || !in || !out;
    while (!bad && pb_next(&b, &f, &s, &sn, &v, &bad)) {
        if ((f == 1 || f == 2 || f == 7) && !s && v)
            json_object_set_new(o,
                                f == 1   ? "anonymous"
                                : f == 2 ? "constant"
                                         : "payable",
                                json_true());
        else if (f == 3 && s)
            json_object_set_new(o, "name", str(s, sn));
        else if ((f == 4 || f == 5) && s) {
            json_t *pj = param(s, sn);
            if (!pj || json_array_append_new(f == 4 ? in : out, pj) != 0)
                bad = 1;
        } else if (f == 6 && !s && v < 7)
            json_object_set_new(o, "type", json_string(types[v]));
        else if (f == 8 && !s && v < 5)
            json_object_set_new(o, "stateMutability", json_string(muts[v]));
    }
    if (!bad && json_array_size(in))
        json_object_set(o, "inputs", in);
    if (!bad && json_array_size(out))
        json_object_set(o, "outputs", out);
    json_decref(in);
    json_decref(out);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *tronapi_abi_json(const uint8_t *abi, size_t abi_len)
{
    struct pb b = {abi, abi_len, 0};
    json_t *entrys = json_array();
    uint32_t f;
    const uint8_t *s;
    size_t sn = 0;
    uint64_t v = 0;
    int bad = !entrys;
    while (!bad && pb_next(&b, &f, &s, &sn, &v, &bad)) {
        if (f != 1 || !s)
            continue;
        json_t *e = entry(s, sn);
        if (!e || json_array_append_new(entrys, e) != 0)
            bad = 1;
    }
    if (bad) {
        json_decref(entrys);
        return NULL;
    }
    return json_pack("{s:o}", "entrys", entrys);
}
