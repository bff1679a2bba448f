/* Text-to-value converters for the config key table (bts/conf.h). Each returns BT_OK or
 * BT_EINVAL with a short reason in `why` (lower case, naming the value), which conf.c wraps
 * into "<file>:<line>: <key>: <reason>". */
#include "conf_int.h"

#include <stdio.h>
#include <string.h>

bt_status bts_conf_parse_u64_(const char *s, uint64_t max, uint64_t *out, char *why, size_t why_cap)
{
    uint64_t v = 0;
    if (!*s) {
        snprintf(why, why_cap, "empty value, want a number");
        return BT_EINVAL;
    }
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            snprintf(why, why_cap, "not a number: \"%s\"", s);
            return BT_EINVAL;
        }
        unsigned d = (unsigned)(*p - '0');
        if (v > (max - d) / 10) {
            snprintf(why, why_cap, "out of range: %s, max %llu", s, (unsigned long long)max);
            return BT_EINVAL;
        }
        v = v * 10 + d;
    }
    *out = v;
    return BT_OK;
}

bt_status bts_conf_parse_bool_(const char *s, bool *out, char *why, size_t why_cap)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(yes); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return BT_OK;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return BT_OK;
        }
    }
    snprintf(why, why_cap, "not a boolean: \"%s\" (true/false, yes/no, on/off, 1/0)", s);
    return BT_EINVAL;
}

bt_status bts_conf_parse_duration_(const char *s, uint64_t *out, char *why, size_t why_cap)
{
    static const struct {
        const char *suffix;
        uint64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
    size_t n = strspn(s, "0123456789");
    if (n == 0) {
        snprintf(why, why_cap, "not a duration: \"%s\" (like 250ms, 5s, 2m, 1h)", s);
        return BT_EINVAL;
    }
    char digits[32];
    if (n >= sizeof(digits)) {
        snprintf(why, why_cap, "out of range: %s", s);
        return BT_EINVAL;
    }
    memcpy(digits, s, n);
    digits[n] = 0;
    uint64_t v;
    if (bts_conf_parse_u64_(digits, UINT64_MAX, &v, why, why_cap) != BT_OK)
        return BT_EINVAL;
    const char *unit = s + n;
    if (!*unit && v == 0) { /* "0" needs no unit: zero is zero in every unit */
        *out = 0;
        return BT_OK;
    }
    for (size_t i = 0; i < BTS_ARRAY_SIZE(units); i++) {
        if (strcmp(unit, units[i].suffix) != 0)
            continue;
        if (v > UINT64_MAX / units[i].ms) {
            snprintf(why, why_cap, "out of range: %s", s);
            return BT_EINVAL;
        }
        *out = v * units[i].ms;
        return BT_OK;
    }
    snprintf(why, why_cap, "%s: unit missing or unknown (ms, s, m, h)", s);
    return BT_EINVAL;
}

bt_status bts_conf_parse_enum_(const char *s, const char *const *choices, uint32_t *out, char *why,
                               size_t why_cap)
{
    size_t used = (size_t)snprintf(why, why_cap, "not one of");
    for (uint32_t i = 0; choices && choices[i]; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return BT_OK;
        }
        if (used < why_cap)
            used +=
                (size_t)snprintf(why + used, why_cap - used, "%s %s", i ? "," : ":", choices[i]);
    }
    if (used < why_cap)
        snprintf(why + used, why_cap - used, ": \"%s\"", s);
    return BT_EINVAL;
}

bt_status bts_conf_check_url_(const char *s, size_t len, char *why, size_t why_cap)
{
    static const char *const schemes[] = {"http://", "https://", "ws://", "wss://"};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(schemes); i++) {
        size_t sl = strlen(schemes[i]);
        if (len <= sl || strncmp(s, schemes[i], sl) != 0)
            continue;
        for (size_t j = 0; j < len; j++) {
            if ((unsigned char)s[j] <= ' ' || s[j] == 0x7f) {
                snprintf(why, why_cap, "not a URL: \"%.*s\" (whitespace or control byte)", (int)len,
                         s);
                return BT_EINVAL;
            }
        }
        if (s[sl] == '/' || s[sl] == ':' || s[sl] == '?' || s[sl] == '#') {
            snprintf(why, why_cap, "not a URL: \"%.*s\" (no host)", (int)len, s);
            return BT_EINVAL;
        }
        return BT_OK;
    }
    snprintf(why, why_cap, "not a URL: \"%.*s\" (want http://, https://, ws:// or wss://)",
             (int)len, s);
    return BT_EINVAL;
}
