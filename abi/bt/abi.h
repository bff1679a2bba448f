/* bttcd plugin ABI: versions, status codes, attributes and the small value types every table
 * shares. This header is the specification (the SQLite way): what is not written here is not
 * promised. It needs only <stdint.h> and <stddef.h> and compiles as C11 and as C++. */
#ifndef BT_ABI_H
#define BT_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ABI version. The host loads a plugin only if its abi_major equals BT_ABI_MAJOR; a minor
 *  version only appends entries at the end of tables (abi/CHANGES.md records each change). */
#define BT_ABI_MAJOR 1
#define BT_ABI_MINOR 0

/* --- attributes -------------------------------------------------------------------------- */
#if defined(__GNUC__) || defined(__clang__)
#define BT_EXPORT         __attribute__((visibility("default")))
#define BT_MUST_CHECK     __attribute__((warn_unused_result))
#define BT_NONNULL(...)   __attribute__((nonnull(__VA_ARGS__)))
#define BT_PRINTF(fmt, a) __attribute__((format(printf, fmt, a)))
#else
#define BT_EXPORT
#define BT_MUST_CHECK
#define BT_NONNULL(...)
#define BT_PRINTF(fmt, a)
#endif

/* --- status codes ------------------------------------------------------------------------ */

/** Result of every call that can fail. 0 is success. The primary code sits in the low byte;
 *  sub-codes live in bits 8 and up, so old callers still understand new codes through
 *  BT_STATUS_PRIMARY(). A failing call may leave a message (host->set_error / last_error). */
typedef int32_t bt_status;

enum bt_status_code {
    BT_OK = 0,         /* success */
    BT_EINVAL = 1,     /* bad argument or malformed input */
    BT_ENOTFOUND = 2,  /* no such key, item or service */
    BT_EIO = 3,        /* I/O or remote failure */
    BT_EBUSY = 4,      /* try again later (lock held, queue full, rate limited) */
    BT_ESTALE = 5,     /* handle belongs to a retired instance (storage hot-swap) */
    BT_ERANGE = 6,     /* output buffer too small (needed size reported) or value out of range */
    BT_ENOMEM = 7,     /* allocation failed */
    BT_EPROTO = 8,     /* protocol violation by a peer or a remote answer */
    BT_EINTERNAL = 9,  /* a bug: invariant broken */
    BT_ENOTSUP = 10,   /* not supported by this host or plugin (yet) */
    BT_ETIMEDOUT = 11, /* deadline passed */
    BT_EEXIST = 12,    /* already exists (duplicate name, key, registration) */
    BT_EPERM = 13,     /* not allowed (read-only, unauthorised) */
    BT_ECANCELED = 14  /* cancelled by shutdown or by the caller */
};

/** The primary code of a status that may carry a sub-code in bits 8 and up. */
#define BT_STATUS_PRIMARY(st) ((st)&0xff)

/** True when the versioned table `tbl` (of struct type `type`, whose first member is
 *  `uint32_t struct_size`) is large enough to hold `field` and that entry is non-NULL.
 *  Use it before calling any entry appended after ABI 1.0. */
#define BT_HAS(type, tbl, field)                                                                   \
    ((tbl)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field) &&                   \
     (tbl)->field != NULL)

/* --- shared value types ------------------------------------------------------------------ */

/** A byte string handed from one side of the ABI to the other that the receiver must release.
 *  `data` is valid until `release(v)` is called, exactly once. `release` may be NULL when there
 *  is nothing to free (static data). `opaque` belongs to whoever filled the value. */
struct bt_value {
    const uint8_t *data;
    size_t len;
    void (*release)(struct bt_value *v);
    void *opaque;
};

/** A borrowed byte string: valid for the duration of the call that received it. */
struct bt_bytes {
    const uint8_t *data;
    size_t len;
};

/** 256-bit unsigned integers (balances, difficulty, fees) cross the ABI as 32 big-endian
 *  bytes, the EVMC convention. */
struct bt_u256 {
    uint8_t bytes[32];
};

/** A 20-byte EVM address. TRON addresses cross the ABI in this form too (without 0x41). */
struct bt_address {
    uint8_t bytes[20];
};

/** A 32-byte hash (Keccak-256 unless stated otherwise). */
struct bt_hash {
    uint8_t bytes[32];
};

#ifdef __cplusplus
}
#endif

#endif /* BT_ABI_H */
