/* Where a JSON value ends in a byte stream (IPC connections, attach): bracket depth and
 * string state only; the JSON parser validates the value itself. */
#include "rpc_int.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_delim(char c)
{
    return is_ws(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"' ||
           c == ':';
}

int rpc_stream_next(const char *buf, size_t len, int is_eof, size_t *out_end)
{
    size_t i = 0;
    while (i < len && is_ws(buf[i]))
        i++;
    *out_end = 0;
    if (i == len)
        return 0;
    char c = buf[i];
    if (c == '{' || c == '[' || c == '"') {
        size_t depth = 0;
        int in_str = 0, esc = 0;
        for (size_t j = i; j < len; j++) {
            char d = buf[j];
            if (in_str) {
                if (esc)
                    esc = 0;
                else if (d == '\\')
                    esc = 1;
                else if (d == '"')
                    in_str = 0;
                if (!in_str && depth == 0) {
                    *out_end = j + 1;
                    return 1;
                }
                continue;
            }
            if (d == '"')
                in_str = 1;
            else if (d == '{' || d == '[')
                depth++;
            else if ((d == '}' || d == ']') && --depth == 0) {
                *out_end = j + 1;
                return 1;
            }
        }
        *out_end = i + 1;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
        size_t j = i;
        while (j < len && !is_delim(buf[j]))
            j++;
        *out_end = j < len || is_eof ? j : i + 1;
        return j < len || is_eof ? 1 : 0;
    }
    *out_end = i + 1;
    return -1;
}
