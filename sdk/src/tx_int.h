/* Private to the transaction codec (sdk/src/tx_*.c): the field layout of each envelope, shared
 * by decoding, encoding and the signing hash so the three cannot disagree. */
#ifndef BTS_TX_INT_H
#define BTS_TX_INT_H

#include <bts/tx.h>

enum tx_field {
    TXF_CHAIN_ID,
    TXF_NONCE,
    TXF_GAS_PRICE, /* legacy/2930 gasPrice; 1559/4844 maxFeePerGas */
    TXF_TIP_CAP,
    TXF_GAS,
    TXF_TO,
    TXF_VALUE,
    TXF_DATA,
    TXF_ACCESS_LIST,
    TXF_BLOB_FEE_CAP,
    TXF_BLOB_HASHES,
    TXF_V,
    TXF_R,
    TXF_S
};

#define TX_MAX_FIELDS 14

struct tx_layout {
    size_t n;                    /* fields, signature included */
    const enum tx_field *fields; /* the last three are always v, r, s */
};

/* The layout of `type` (0..3), or NULL for an unknown type. */
const struct tx_layout *tx_layout_of(uint8_t type);

#endif /* BTS_TX_INT_H */
