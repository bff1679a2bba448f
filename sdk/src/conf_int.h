/* Private to sdk/src/conf*.c: the value converters behind bts_conf_parse(). */
#ifndef BTS_CONF_INT_H
#define BTS_CONF_INT_H

#include <bts/conf.h>

#include <stdbool.h>

bt_status bts_conf_parse_u64_(const char *s, uint64_t max, uint64_t *out, char *why,
                              size_t why_cap);
bt_status bts_conf_parse_bool_(const char *s, bool *out, char *why, size_t why_cap);
bt_status bts_conf_parse_duration_(const char *s, uint64_t *out, char *why, size_t why_cap);
bt_status bts_conf_parse_enum_(const char *s, const char *const *choices, uint32_t *out, char *why,
                               size_t why_cap);
bt_status bts_conf_check_url_(const char *s, size_t len, char *why, size_t why_cap);

#endif /* BTS_CONF_INT_H */
