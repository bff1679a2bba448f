/* The dispatch table: label of each opcode (interp.c); undefined ones go to op_invalid, and
 * opcodes a fork lacks are poisoned by the block analysis (analysis.c). */
static const void *const labels[256] = {
    &&op_stop,
    &&op_add,
    &&op_mul,
    &&op_sub, /* 0x00 */
    &&op_div,
    &&op_sdiv,
    &&op_mod,
    &&op_smod, /* 0x04 */
    &&op_addmod,
    &&op_mulmod,
    &&op_exp,
    &&op_signextend, /* 0x08 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0x0c */
    &&op_lt,
    &&op_gt,
    &&op_slt,
    &&op_sgt, /* 0x10 */
    &&op_eq,
    &&op_iszero,
    &&op_and,
    &&op_or, /* 0x14 */
    &&op_xor,
    &&op_not,
    &&op_byte,
    &&op_shl, /* 0x18 */
    &&op_shr,
    &&op_sar,
    &&op_invalid,
    &&op_invalid, /* 0x1c */
    &&op_keccak,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0x20 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0x24 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0x28 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0x2c */
    &&op_address,
    &&op_balance,
    &&op_origin,
    &&op_caller, /* 0x30 */
    &&op_callvalue,
    &&op_calldataload,
    &&op_calldatasize,
    &&op_calldatacopy, /* 0x34 */
    &&op_codesize,
    &&op_codecopy,
    &&op_gasprice,
    &&op_extcodesize, /* 0x38 */
    &&op_extcodecopy,
    &&op_returndatasize,
    &&op_returndatacopy,
    &&op_extcodehash, /* 0x3c */
    &&op_blockhash,
    &&op_coinbase,
    &&op_timestamp,
    &&op_number, /* 0x40 */
    &&op_difficulty,
    &&op_gaslimit,
    &&op_chainid,
    &&op_selfbalance, /* 0x44 */
    &&op_basefee,
    &&op_blobhash,
    &&op_blobbasefee,
    &&op_invalid, /* 0x48 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0x4c */
    &&op_pop,
    &&op_mload,
    &&op_mstore,
    &&op_mstore8, /* 0x50 */
    &&op_sload,
    &&op_sstore,
    &&op_jump,
    &&op_jumpi, /* 0x54 */
    &&op_pc,
    &&op_msize,
    &&op_gas,
    &&op_jumpdest, /* 0x58 */
    &&op_tload,
    &&op_tstore,
    &&op_mcopy,
    &&op_push0, /* 0x5c */
    &&op_push1,
    &&op_push2,
    &&op_push3,
    &&op_push4, /* 0x60 */
    &&op_push5,
    &&op_push6,
    &&op_push7,
    &&op_push8, /* 0x64 */
    &&op_push9,
    &&op_push10,
    &&op_push11,
    &&op_push12, /* 0x68 */
    &&op_push13,
    &&op_push14,
    &&op_push15,
    &&op_push16, /* 0x6c */
    &&op_push17,
    &&op_push18,
    &&op_push19,
    &&op_push20, /* 0x70 */
    &&op_push21,
    &&op_push22,
    &&op_push23,
    &&op_push24, /* 0x74 */
    &&op_push25,
    &&op_push26,
    &&op_push27,
    &&op_push28, /* 0x78 */
    &&op_push29,
    &&op_push30,
    &&op_push31,
    &&op_push32, /* 0x7c */
    &&op_dup1,
    &&op_dup2,
    &&op_dup3,
    &&op_dup4, /* 0x80 */
    &&op_dup5,
    &&op_dup6,
    &&op_dup7,
    &&op_dup8, /* 0x84 */
    &&op_dup9,
    &&op_dup10,
    &&op_dup11,
    &&op_dup12, /* 0x88 */
    &&op_dup13,
    &&op_dup14,
    &&op_dup15,
    &&op_dup16, /* 0x8c */
    &&op_swap1,
    &&op_swap2,
    &&op_swap3,
    &&op_swap4, /* 0x90 */
    &&op_swap5,
    &&op_swap6,
    &&op_swap7,
    &&op_swap8, /* 0x94 */
    &&op_swap9,
    &&op_swap10,
    &&op_swap11,
    &&op_swap12, /* 0x98 */
    &&op_swap13,
    &&op_swap14,
    &&op_swap15,
    &&op_swap16, /* 0x9c */
    &&op_log,
    &&op_log,
    &&op_log,
    &&op_log, /* 0xa0 */
    &&op_log,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xa4 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xa8 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xac */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xb0 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xb4 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xb8 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xbc */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xc0 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xc4 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xc8 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xcc */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xd0 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xd4 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xd8 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xdc */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xe0 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xe4 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xe8 */
    &&op_invalid,
    &&op_invalid,
    &&op_invalid,
    &&op_invalid, /* 0xec */
    &&op_create,
    &&op_call,
    &&op_callcode,
    &&op_return, /* 0xf0 */
    &&op_delegatecall,
    &&op_create2,
    &&op_invalid,
    &&op_invalid, /* 0xf4 */
    &&op_invalid,
    &&op_invalid,
    &&op_staticcall,
    &&op_invalid, /* 0xf8 */
    &&op_invalid,
    &&op_revert,
    &&op_invalid,
    &&op_selfdestruct, /* 0xfc */
};
