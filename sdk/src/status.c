/* Names of the ABI status codes, for logs and error messages. */
#include <bts/common.h>

const char *bts_status_str(bt_status st)
{
    switch ((enum bt_status_code)BT_STATUS_PRIMARY(st)) {
    case BT_OK:
        return "ok";
    case BT_EINVAL:
        return "invalid argument";
    case BT_ENOTFOUND:
        return "not found";
    case BT_EIO:
        return "i/o error";
    case BT_EBUSY:
        return "busy";
    case BT_ESTALE:
        return "stale handle";
    case BT_ERANGE:
        return "out of range";
    case BT_ENOMEM:
        return "out of memory";
    case BT_EPROTO:
        return "protocol error";
    case BT_EINTERNAL:
        return "internal error";
    case BT_ENOTSUP:
        return "not supported";
    case BT_ETIMEDOUT:
        return "timed out";
    case BT_EEXIST:
        return "already exists";
    case BT_EPERM:
        return "not permitted";
    case BT_ECANCELED:
        return "cancelled";
    }
    return "unknown status";
}
