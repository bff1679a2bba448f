/* Constant gas and stack shape of every opcode per fork (Yellow Paper appendix G and H,
 * EIP-150, EIP-1884 (Istanbul), EIP-2929 (Berlin: the constant part of a state access is the
 * warm cost, the cold surcharge is dynamic), EIP-3198, EIP-3855, EIP-1153, EIP-5656, EIP-4844,
 * EIP-7516). Dynamic parts (memory, copies, cold access, SSTORE, calls) live in interp.c. */
#include "evm_int.h"

static void op(struct evm_optab *t, unsigned code, unsigned gas, unsigned req, int out)
{
    t->gas[code] = (uint16_t)gas;
    t->req[code] = (uint16_t)req;
    t->grow[code] = (int16_t)(out - (int)req);
}

void evm_optab_fill(struct evm_optab *t, uint32_t fork)
{
    int berlin = fork >= BT_EVM_BERLIN;
    unsigned access = berlin ? 100 : 700; /* BALANCE, EXTCODE*, CALL* constant part */
    for (unsigned i = 0; i < 256; i++) {
        t->gas[i] = 0;
        t->req[i] = 0xffff; /* undefined */
        t->grow[i] = 0;
    }
    op(t, 0x00, 0, 0, 0); /* STOP */
    op(t, 0x01, 3, 2, 1);
    op(t, 0x02, 5, 2, 1);
    op(t, 0x03, 3, 2, 1);
    op(t, 0x04, 5, 2, 1);
    op(t, 0x05, 5, 2, 1);
    op(t, 0x06, 5, 2, 1);
    op(t, 0x07, 5, 2, 1);
    op(t, 0x08, 8, 3, 1);
    op(t, 0x09, 8, 3, 1);
    op(t, 0x0a, 10, 2, 1); /* EXP: + 50 per exponent byte */
    op(t, 0x0b, 5, 2, 1);
    for (unsigned i = 0x10; i <= 0x14; i++)
        op(t, i, 3, 2, 1);
    op(t, 0x15, 3, 1, 1); /* ISZERO */
    op(t, 0x16, 3, 2, 1);
    op(t, 0x17, 3, 2, 1);
    op(t, 0x18, 3, 2, 1);
    op(t, 0x19, 3, 1, 1); /* NOT */
    op(t, 0x1a, 3, 2, 1);
    op(t, 0x1b, 3, 2, 1);
    op(t, 0x1c, 3, 2, 1);
    op(t, 0x1d, 3, 2, 1);
    op(t, 0x20, 30, 2, 1); /* KECCAK256 */
    op(t, 0x30, 2, 0, 1);
    op(t, 0x31, access, 1, 1); /* BALANCE (EIP-1884: 700) */
    op(t, 0x32, 2, 0, 1);
    op(t, 0x33, 2, 0, 1);
    op(t, 0x34, 2, 0, 1);
    op(t, 0x35, 3, 1, 1);
    op(t, 0x36, 2, 0, 1);
    op(t, 0x37, 3, 3, 0);
    op(t, 0x38, 2, 0, 1);
    op(t, 0x39, 3, 3, 0);
    op(t, 0x3a, 2, 0, 1);
    op(t, 0x3b, access, 1, 1);
    op(t, 0x3c, access, 4, 0);
    op(t, 0x3d, 2, 0, 1);
    op(t, 0x3e, 3, 3, 0);
    op(t, 0x3f, access, 1, 1);
    op(t, 0x40, 20, 1, 1);
    op(t, 0x41, 2, 0, 1);
    op(t, 0x42, 2, 0, 1);
    op(t, 0x43, 2, 0, 1);
    op(t, 0x44, 2, 0, 1);
    op(t, 0x45, 2, 0, 1);
    op(t, 0x46, 2, 0, 1); /* CHAINID */
    op(t, 0x47, 5, 0, 1); /* SELFBALANCE */
    if (fork >= BT_EVM_LONDON)
        op(t, 0x48, 2, 0, 1); /* BASEFEE */
    if (fork >= BT_EVM_CANCUN) {
        op(t, 0x49, 3, 1, 1); /* BLOBHASH */
        op(t, 0x4a, 2, 0, 1); /* BLOBBASEFEE */
    }
    op(t, 0x50, 2, 1, 0);
    op(t, 0x51, 3, 1, 1);
    op(t, 0x52, 3, 2, 0);
    op(t, 0x53, 3, 2, 0);
    op(t, 0x54, berlin ? 100 : 800, 1, 1); /* SLOAD (+2000 cold from Berlin) */
    op(t, 0x55, 0, 2, 0);                  /* SSTORE: all dynamic */
    op(t, 0x56, 8, 1, 0);
    op(t, 0x57, 10, 2, 0);
    op(t, 0x58, 2, 0, 1);
    op(t, 0x59, 2, 0, 1);
    op(t, 0x5a, 2, 0, 1);
    op(t, 0x5b, 1, 0, 0);
    if (fork >= BT_EVM_CANCUN) {
        op(t, 0x5c, 100, 1, 1); /* TLOAD */
        op(t, 0x5d, 100, 2, 0); /* TSTORE */
        op(t, 0x5e, 3, 3, 0);   /* MCOPY */
    }
    if (fork >= BT_EVM_SHANGHAI)
        op(t, 0x5f, 2, 0, 1); /* PUSH0 */
    for (unsigned i = 0x60; i <= 0x7f; i++)
        op(t, i, 3, 0, 1);
    for (unsigned i = 0; i < 16; i++) {
        op(t, 0x80 + i, 3, i + 1, (int)i + 2); /* DUPn */
        op(t, 0x90 + i, 3, i + 2, (int)i + 2); /* SWAPn */
    }
    for (unsigned i = 0; i <= 4; i++)
        op(t, 0xa0 + i, 375 + 375 * i, i + 2, 0); /* LOGn */
    op(t, 0xf0, 32000, 3, 1);
    op(t, 0xf1, access, 7, 1);
    op(t, 0xf2, access, 7, 1);
    op(t, 0xf3, 0, 2, 0);
    op(t, 0xf4, access, 6, 1);
    op(t, 0xf5, 32000, 4, 1);
    op(t, 0xfa, access, 6, 1);
    op(t, 0xfd, 0, 2, 0);
    /* 0xfe INVALID stays undefined: it halts exceptionally like any undefined opcode. */
    op(t, 0xff, 5000, 1, 0);
}
