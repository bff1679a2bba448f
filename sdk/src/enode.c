/* enode:// URLs and node keys (go-ethereum p2p/enode/urlv4.go shape, IP literals only). */
#include <bts/enode.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <bts/secp.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int unhex(uint8_t *out, const char *s, size_t n_bytes)
{
    for (size_t i = 0; i < n_bytes; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

/* A decimal port 0..65535 spanning exactly s[0..n). */
static int parse_port(uint16_t *out, const char *s, size_t n)
{
    unsigned v = 0;
    if (n == 0 || n > 5)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535 || (n > 1 && s[0] == '0'))
        return 0;
    *out = (uint16_t)v;
    return 1;
}

bt_status bts_enode_id_from_pubkey(uint8_t out_id[64], const uint8_t *pub, size_t pub_len)
{
    uint8_t full[65], addr[20];
    int ok = 1;
    if (pub_len == 64) {
        full[0] = 0x04;
        memcpy(full + 1, pub, 64);
    } else if (pub_len == 65 && pub[0] == 0x04) {
        memcpy(full, pub, 65);
    } else {
        ok = 0;
    }
    memset(out_id, 0, 64); /* after the copy: out_id may alias pub */
    if (!ok)
        return BT_EINVAL;
    if (bts_secp_pubkey_to_address(addr, full, 65) != BT_OK)
        return BT_EINVAL;
    memcpy(out_id, full + 1, 64);
    return BT_OK;
}

bt_status bts_enode_id_from_seckey(uint8_t out_id[64], const uint8_t seckey[32])
{
    uint8_t pub[65];
    bt_status st = bts_secp_seckey_to_pubkey(pub, seckey);
    memset(out_id, 0, 64);
    if (st == BT_OK)
        memcpy(out_id, pub + 1, 64);
    return st;
}

bt_status bts_enode_parse(struct bts_enode *out, const char *s, size_t s_len)
{
    static const char scheme[] = "enode://";
    memset(out, 0, sizeof(*out));
    const char *end = s + s_len, *p = s + 8;
    if (s_len < 8 + 128 + 1 || memcmp(s, scheme, 8) != 0 || p[128] != '@' ||
        !unhex(out->id, p, 64) || bts_enode_id_from_pubkey(out->id, out->id, 64) != BT_OK)
        goto fail;
    p += 129;
    /* Host: [v6] or v4, then ':' port, then optional "?discport=N". */
    char host[64];
    const char *h0, *h1;
    if (p < end && *p == '[') {
        h0 = ++p;
        while (p < end && *p != ']')
            p++;
        if (p == end)
            goto fail;
        h1 = p++;
    } else {
        h0 = p;
        while (p < end && *p != ':')
            p++;
        h1 = p;
    }
    if (h1 == h0 || (size_t)(h1 - h0) >= sizeof(host) || p == end || *p != ':')
        goto fail;
    memcpy(host, h0, (size_t)(h1 - h0));
    host[h1 - h0] = 0;
    if (h0[-1] == '[') {
        if (inet_pton(AF_INET6, host, out->ip) != 1)
            goto fail;
        out->ip_len = 16;
    } else {
        if (inet_pton(AF_INET, host, out->ip) != 1)
            goto fail;
        out->ip_len = 4;
    }
    const char *port = ++p;
    while (p < end && *p != '?')
        p++;
    if (!parse_port(&out->tcp_port, port, (size_t)(p - port)))
        goto fail;
    out->udp_port = out->tcp_port;
    if (p < end) {
        static const char q[] = "?discport=";
        if ((size_t)(end - p) < sizeof(q) - 1 || memcmp(p, q, sizeof(q) - 1) != 0 ||
            !parse_port(&out->udp_port, p + sizeof(q) - 1, (size_t)(end - p) - (sizeof(q) - 1)))
            goto fail;
    }
    return BT_OK;
fail:
    memset(out, 0, sizeof(*out));
    return BT_EINVAL;
}

bt_status bts_enode_format(char *out, size_t out_cap, size_t *out_len, const struct bts_enode *n)
{
    char ip[INET6_ADDRSTRLEN], id[129], disc[20] = "";
    if (n->ip_len != 4 && n->ip_len != 16)
        return BT_EINVAL;
    if (!inet_ntop(n->ip_len == 4 ? AF_INET : AF_INET6, n->ip, ip, sizeof(ip)))
        return BT_EINVAL;
    for (size_t i = 0; i < 64; i++)
        snprintf(id + 2 * i, 3, "%02x", n->id[i]);
    if (n->udp_port != n->tcp_port)
        snprintf(disc, sizeof(disc), "?discport=%u", (unsigned)n->udp_port);
    int len = snprintf(out, out_cap, n->ip_len == 4 ? "enode://%s@%s:%u%s" : "enode://%s@[%s]:%u%s",
                       id, ip, (unsigned)n->tcp_port, disc);
    *out_len = (size_t)len;
    return (size_t)len < out_cap ? BT_OK : BT_ERANGE;
}

bt_status bts_enode_nodekey_parse(uint8_t out_seckey[32], const char *text, size_t text_len)
{
    uint8_t pub[65];
    memset(out_seckey, 0, 32);
    while (text_len > 64 && (text[text_len - 1] == '\n' || text[text_len - 1] == '\r' ||
                             text[text_len - 1] == ' ' || text[text_len - 1] == '\t'))
        text_len--;
    if (text_len != 64 || !unhex(out_seckey, text, 32) ||
        bts_secp_seckey_to_pubkey(pub, out_seckey) != BT_OK) {
        explicit_bzero(out_seckey, 32);
        return BT_EINVAL;
    }
    return BT_OK;
}

void bts_enode_nodekey_format(char out[65], const uint8_t seckey[32])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = digits[seckey[i] >> 4];
        out[2 * i + 1] = digits[seckey[i] & 15];
    }
    out[64] = 0;
}
