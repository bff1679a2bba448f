/* The body of the interpreter, included twice by interp.c: INTERP_TRACED 0 gives the untraced
 * interpreter (basic-block gas, nothing else), 1 the traced one (struct bt_evm_tracer: every
 * instruction reported, its stack checked and constant gas charged by itself). One source, so
 * both execute the same semantics; the untraced one carries no tracing code at all.
 * In: INTERP_NAME (the function's name), INTERP_TRACED (0 or 1). */
static void INTERP_NAME(struct evm_ctx *c, const struct evm_msg *m, const struct evm_code *code,
                        struct evm_frame_result *r)
{
#include "interp_labels.h"
    struct evm_scratch *sc = evm_scratch_at(c, m->depth);
    if (!sc) {
        r->status = EVM_FATAL;
        r->gas_left = 0;
        r->out_len = 0;
        return;
    }
    const uint8_t *const pcode = code->padded;
#if !INTERP_TRACED
    const struct evm_block *const blk = code->blk;
#endif
    struct bts_u256 *const stack = sc->stack;
    struct bts_u256 *sp = stack;
    const uint8_t *ip = pcode;
    struct evm_account *self = NULL; /* m->recipient's account, looked up once */
    int64_t gas = m->gas;
    size_t msize = 0;
    uint8_t op;
    const int berlin = c->fork >= BT_EVM_BERLIN;
    sc->ret_len = 0;
    r->out = NULL;
    r->out_len = 0;
#if INTERP_TRACED
    const char *tr_err = NULL; /* why the frame failed */
    int64_t tr_gas0 = 0;       /* gas before the instruction being traced */
    int tr_pending = 0;        /* its step_result is still owed */
#endif

#if INTERP_TRACED
/* Traced: settle the previous instruction's cost, report this one, then check its stack and
 * charge its constant gas by itself (no block charging, so every step sees its own gas). */
#define FAIL(why)                                                                                  \
    do {                                                                                           \
        tr_err = (why);                                                                            \
        goto fail;                                                                                 \
    } while (0)
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        op = *ip;                                                                                  \
        if (tr_pending)                                                                            \
            c->tracer->step_result(c->tracer->ctx, (uint64_t)(tr_gas0 - gas), NULL);               \
        tr_gas0 = gas;                                                                             \
        tr_pending = 1;                                                                            \
        if (!evm_trace_step(c, m, sc, (uint64_t)(ip - pcode), op, gas, stack, sp, msize))          \
            goto fatal;                                                                            \
        if ((tr_err = evm_trace_check(c, op, sp - stack)) != NULL)                                 \
            goto fail;                                                                             \
        CHARGE(c->tab.gas[op]);                                                                    \
        goto *labels[op];                                                                          \
    } while (0)
/* The owed step_result of a frame's last instruction. */
#define TRACE_END(err)                                                                             \
    do {                                                                                           \
        if (tr_pending)                                                                            \
            c->tracer->step_result(c->tracer->ctx, (uint64_t)(tr_gas0 - gas), (err));              \
        tr_pending = 0;                                                                            \
    } while (0)
#define BLOCK()                                                                                    \
    do {                                                                                           \
    } while (0)
#define NEXT_BLOCK()                                                                               \
    do {                                                                                           \
        ip++;                                                                                      \
        DISPATCH();                                                                                \
    } while (0)
#else
#define FAIL(why) goto fail
#define TRACE_END(err)                                                                             \
    do {                                                                                           \
    } while (0)
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        op = *ip;                                                                                  \
        goto *labels[op];                                                                          \
    } while (0)
/* Enter the basic block starting at ip: its constant gas and stack bounds (analysis.c). */
#define BLOCK()                                                                                    \
    do {                                                                                           \
        const struct evm_block *b_ = &blk[ip - pcode];                                             \
        int64_t n_ = sp - stack;                                                                   \
        gas -= b_->gas;                                                                            \
        if (__builtin_expect((gas < 0) | (n_ < b_->req) | (n_ + b_->grow > EVM_STACK_MAX), 0))     \
            goto fail;                                                                             \
    } while (0)
/* After an instruction that ends a block without jumping: enter the next one, unless it
 * starts with a JUMPDEST, which enters its block itself. */
#define NEXT_BLOCK()                                                                               \
    do {                                                                                           \
        ip++;                                                                                      \
        if (*ip != 0x5b)                                                                           \
            BLOCK();                                                                               \
        DISPATCH();                                                                                \
    } while (0)
#endif
#define NEXT()                                                                                     \
    do {                                                                                           \
        ip++;                                                                                      \
        DISPATCH();                                                                                \
    } while (0)
#define CHARGE(n)                                                                                  \
    do {                                                                                           \
        gas -= (int64_t)(n);                                                                       \
        if (gas < 0)                                                                               \
            FAIL("out of gas");                                                                    \
    } while (0)
#define MEM(offp, lenp, o, l)                                                                      \
    do {                                                                                           \
        if (!mem_expand(sc, &msize, &gas, (offp), (lenp), &(o), &(l)))                             \
            FAIL("out of gas");                                                                    \
    } while (0)
#define BINOP(fn)                                                                                  \
    do {                                                                                           \
        fn(&sp[-2], &sp[-1], &sp[-2]);                                                             \
        sp--;                                                                                      \
        NEXT();                                                                                    \
    } while (0)
#define ACCT(var, addr)                                                                            \
    struct evm_account *var = evm_acct(c, (addr));                                                 \
    if (!var)                                                                                      \
        goto fatal;
#define SELF(var)                                                                                  \
    if (!self && !(self = evm_acct(c, m->recipient)))                                              \
        goto fatal;                                                                                \
    struct evm_account *var = self;

    if (*ip != 0x5b)
        BLOCK();
    DISPATCH();

op_stop:
    TRACE_END(NULL);
    r->status = EVM_OK;
    r->gas_left = gas;
    return;
op_add:
    BINOP(bts_u256_add);
op_mul:
    BINOP(fast_mul);
op_sub:
    BINOP(bts_u256_sub);
op_div:
    BINOP(fast_div);
op_sdiv:
    BINOP(fast_sdiv);
op_mod:
    BINOP(fast_mod);
op_smod:
    BINOP(bts_u256_smod);
op_addmod:
    fast_addmod(&sp[-3], &sp[-1], &sp[-2], &sp[-3], &sc->modctx);
    sp -= 2;
    NEXT();
op_mulmod:
    fast_mulmod(&sp[-3], &sp[-1], &sp[-2], &sp[-3], &sc->modctx);
    sp -= 2;
    NEXT();
op_exp:
    CHARGE(50 * bts_u256_byte_len(&sp[-2])); /* EIP-160 */
    bts_u256_exp(&sp[-2], &sp[-1], &sp[-2]);
    sp--;
    NEXT();
op_signextend:
    fast_signextend(&sp[-1], &sp[-2]);
    sp--;
    NEXT();
op_lt:
    sp[-2] = bts_u256_from_u64((uint64_t)bts_u256_lt(&sp[-1], &sp[-2]));
    sp--;
    NEXT();
op_gt:
    sp[-2] = bts_u256_from_u64((uint64_t)bts_u256_gt(&sp[-1], &sp[-2]));
    sp--;
    NEXT();
op_slt:
    sp[-2] = bts_u256_from_u64((uint64_t)bts_u256_slt(&sp[-1], &sp[-2]));
    sp--;
    NEXT();
op_sgt:
    sp[-2] = bts_u256_from_u64((uint64_t)bts_u256_sgt(&sp[-1], &sp[-2]));
    sp--;
    NEXT();
op_eq:
    sp[-2] = bts_u256_from_u64((uint64_t)bts_u256_eq(&sp[-1], &sp[-2]));
    sp--;
    NEXT();
op_iszero:
    sp[-1] = bts_u256_from_u64((uint64_t)bts_u256_is_zero(&sp[-1]));
    NEXT();
op_and:
    BINOP(fast_and);
op_or:
    BINOP(fast_or);
op_xor:
    BINOP(fast_xor);
op_not:
    bts_u256_not(&sp[-1], &sp[-1]);
    NEXT();
op_byte:
    bts_u256_byte(&sp[-2], &sp[-1], &sp[-2]);
    sp--;
    NEXT();
op_shl:
    bts_u256_shl(&sp[-2], &sp[-2], bts_u256_to_u64_sat(&sp[-1]));
    sp--;
    NEXT();
op_shr:
    bts_u256_shr(&sp[-2], &sp[-2], bts_u256_to_u64_sat(&sp[-1]));
    sp--;
    NEXT();
op_sar:
    bts_u256_sar(&sp[-2], &sp[-2], bts_u256_to_u64_sat(&sp[-1]));
    sp--;
    NEXT();
op_keccak : {
    uint64_t o, l;
    MEM(&sp[-1], &sp[-2], o, l);
    CHARGE(6 * evm_words(l));
    uint8_t h[32];
    bts_keccak256(h, l ? sc->mem + o : NULL, l);
    bts_u256_load_be(&sp[-2], h);
    sp--;
    NEXT();
}
op_address:
    evm_addr_to_u256(sp++, m->recipient);
    NEXT();
op_balance : {
    uint8_t a[20];
    evm_u256_to_addr(a, &sp[-1]);
    ACCT(acc, a);
    if (berlin && evm_warm_account(c, acc))
        CHARGE(2500);
    sp[-1] = acc->balance;
    NEXT();
}
op_origin:
    evm_addr_to_u256(sp++, c->origin);
    NEXT();
op_caller:
    evm_addr_to_u256(sp++, m->sender);
    NEXT();
op_callvalue:
    *sp++ = m->value;
    NEXT();
op_calldataload : {
    uint64_t o = bts_u256_to_u64_sat(&sp[-1]);
    if (o < m->input_len)
        bts_u256_load_be_padded(&sp[-1], m->input + o, m->input_len - o);
    else
        sp[-1] = bts_u256_from_u64(0);
    NEXT();
}
op_calldatasize:
    *sp++ = bts_u256_from_u64(m->input_len);
    NEXT();
op_calldatacopy : {
    uint64_t o, l;
    MEM(&sp[-1], &sp[-3], o, l);
    CHARGE(3 * evm_words(l));
    if (l)
        copy_padded(sc->mem + o, m->input, m->input_len, &sp[-2], l);
    sp -= 3;
    NEXT();
}
op_codesize:
    *sp++ = bts_u256_from_u64(code->len);
    NEXT();
op_codecopy : {
    uint64_t o, l;
    MEM(&sp[-1], &sp[-3], o, l);
    CHARGE(3 * evm_words(l));
    if (l)
        copy_padded(sc->mem + o, pcode, code->len, &sp[-2], l);
    sp -= 3;
    NEXT();
}
op_gasprice:
    *sp++ = c->gas_price;
    NEXT();
op_extcodesize : {
    uint8_t a[20];
    evm_u256_to_addr(a, &sp[-1]);
    ACCT(acc, a);
    if (berlin && evm_warm_account(c, acc))
        CHARGE(2500);
    size_t n;
    evm_acct_code(c, acc, &n);
    if (c->io_error)
        goto fatal;
    sp[-1] = bts_u256_from_u64(n);
    NEXT();
}
op_extcodecopy : {
    uint8_t a[20];
    evm_u256_to_addr(a, &sp[-1]);
    uint64_t o, l;
    MEM(&sp[-2], &sp[-4], o, l);
    CHARGE(3 * evm_words(l));
    ACCT(acc, a);
    if (berlin && evm_warm_account(c, acc))
        CHARGE(2500);
    if (l) {
        size_t n;
        const uint8_t *ec = evm_acct_code(c, acc, &n);
        if (c->io_error)
            goto fatal;
        copy_padded(sc->mem + o, ec, n, &sp[-3], l);
    }
    sp -= 4;
    NEXT();
}
op_returndatasize:
    *sp++ = bts_u256_from_u64(sc->ret_len);
    NEXT();
op_returndatacopy : {
    uint64_t o, l;
    MEM(&sp[-1], &sp[-3], o, l);
    CHARGE(3 * evm_words(l));
    /* EIP-211: reading past the end of the return data is an exceptional halt. */
    if (!bts_u256_fits_u64(&sp[-2]) || sp[-2].w[0] > sc->ret_len ||
        sc->ret_len - sp[-2].w[0] < bts_u256_to_u64_sat(&sp[-3]))
        FAIL("return data out of bounds");
    if (l)
        memcpy(sc->mem + o, sc->ret + sp[-2].w[0], l);
    sp -= 3;
    NEXT();
}
op_extcodehash : {
    uint8_t a[20];
    evm_u256_to_addr(a, &sp[-1]);
    ACCT(acc, a);
    if (berlin && evm_warm_account(c, acc))
        CHARGE(2500);
    if (evm_acct_is_dead(acc))
        sp[-1] = bts_u256_from_u64(0);
    else
        bts_u256_load_be(&sp[-1], acc->code_hash);
    NEXT();
}
op_blockhash : {
    uint64_t n = bts_u256_to_u64_sat(&sp[-1]), cur = c->block->number;
    sp[-1] = bts_u256_from_u64(0);
    if (n < cur && cur - n <= 256) {
        uint8_t h[32];
        bt_status st = c->st->get_block_hash(c->st_ctx, n, h);
        if (st == BT_OK)
            bts_u256_load_be(&sp[-1], h);
        else if (st != BT_ENOTFOUND) {
            c->io_error = 1;
            goto fatal;
        }
    }
    NEXT();
}
op_coinbase:
    evm_addr_to_u256(sp++, c->block->coinbase);
    NEXT();
op_timestamp:
    *sp++ = bts_u256_from_u64(c->block->timestamp);
    NEXT();
op_number:
    *sp++ = bts_u256_from_u64(c->block->number);
    NEXT();
op_difficulty:
    bts_u256_load_be(sp++, c->fork >= BT_EVM_PARIS ? c->block->prev_randao : c->block->difficulty);
    NEXT();
op_gaslimit:
    *sp++ = bts_u256_from_u64(c->block->gas_limit);
    NEXT();
op_chainid:
    *sp++ = bts_u256_from_u64(c->block->chain_id);
    NEXT();
op_selfbalance : {
    SELF(acc);
    *sp++ = acc->balance;
    NEXT();
}
op_basefee:
    bts_u256_load_be(sp++, c->block->base_fee);
    NEXT();
op_blobhash : {
    uint64_t i = bts_u256_to_u64_sat(&sp[-1]);
    if (i < c->tx->n_blob_hashes)
        bts_u256_load_be(&sp[-1], c->tx->blob_hashes[i]);
    else
        sp[-1] = bts_u256_from_u64(0);
    NEXT();
}
op_blobbasefee:
    bts_u256_load_be(sp++, c->block->blob_base_fee);
    NEXT();
op_pop:
    sp--;
    NEXT();
op_mload : {
    uint64_t o, l;
    struct bts_u256 w32 = bts_u256_from_u64(32);
    MEM(&sp[-1], &w32, o, l);
    load_word(&sp[-1], sc->mem + o);
    NEXT();
}
op_mstore : {
    uint64_t o, l;
    struct bts_u256 w32 = bts_u256_from_u64(32);
    MEM(&sp[-1], &w32, o, l);
    store_word(sc->mem + o, &sp[-2]);
    sp -= 2;
    NEXT();
}
op_mstore8 : {
    uint64_t o, l;
    struct bts_u256 w1 = bts_u256_from_u64(1);
    MEM(&sp[-1], &w1, o, l);
    sc->mem[o] = (uint8_t)sp[-2].w[0];
    sp -= 2;
    NEXT();
}
op_sload : {
    SELF(acc);
    struct evm_slot *s = evm_slot(c, acc, &sp[-1]);
    if (!s)
        goto fatal;
    if (berlin && evm_warm_slot(c, acc, s))
        CHARGE(2000);
    sp[-1] = s->cur;
    NEXT();
}
op_sstore : {
    if (m->is_static)
        FAIL("write protection");
    if (gas <= 2300) /* EIP-2200 sentry */
        FAIL("out of gas: not enough gas for reentrancy sentry");
    SELF(acc);
    struct evm_slot *s = evm_slot(c, acc, &sp[-1]);
    if (!s)
        goto fatal;
    int64_t read = berlin ? 100 : 800, reset = berlin ? 2900 : 5000;
    int64_t clears = c->fork >= BT_EVM_LONDON ? 4800 : 15000;
    if (berlin && evm_warm_slot(c, acc, s))
        CHARGE(2100);
    const struct bts_u256 *nv = &sp[-2];
    if (bts_u256_eq(&s->cur, nv)) {
        CHARGE(read);
    } else if (bts_u256_eq(&s->orig, &s->cur)) {
        if (bts_u256_is_zero(&s->orig)) {
            CHARGE(20000);
        } else {
            CHARGE(reset);
            if (bts_u256_is_zero(nv))
                evm_add_refund(c, clears);
        }
    } else {
        CHARGE(read);
        if (!bts_u256_is_zero(&s->orig)) {
            if (bts_u256_is_zero(&s->cur))
                evm_add_refund(c, -clears);
            else if (bts_u256_is_zero(nv))
                evm_add_refund(c, clears);
        }
        if (bts_u256_eq(&s->orig, nv))
            evm_add_refund(c, bts_u256_is_zero(&s->orig) ? 20000 - read : reset - read);
    }
    evm_slot_set(c, acc, s, nv);
    sp -= 2;
    NEXT_BLOCK();
}
op_jump:
    if (!bts_u256_fits_u64(&sp[-1]) || !evm_code_is_jumpdest(code, sp[-1].w[0]))
        FAIL("invalid jump destination");
    ip = pcode + sp[-1].w[0];
    sp--;
    DISPATCH();
op_jumpi:
    if (!bts_u256_is_zero(&sp[-2])) {
        if (!bts_u256_fits_u64(&sp[-1]) || !evm_code_is_jumpdest(code, sp[-1].w[0]))
            FAIL("invalid jump destination");
        ip = pcode + sp[-1].w[0];
        sp -= 2;
        DISPATCH();
    }
    sp -= 2;
    NEXT_BLOCK();
op_pc:
    *sp++ = bts_u256_from_u64((uint64_t)(ip - pcode));
    NEXT();
op_msize:
    *sp++ = bts_u256_from_u64(msize);
    NEXT();
op_gas:
    *sp++ = bts_u256_from_u64((uint64_t)gas);
    NEXT_BLOCK();
op_jumpdest:
#if !INTERP_TRACED
    if (ip[1] == 0x5b) { /* a block of this JUMPDEST alone: 1 gas, no stack effect */
        if (--gas < 0)
            goto fail;
        NEXT();
    }
    BLOCK();
#endif
    NEXT();
op_tload : {
    SELF(acc);
    sp[-1] = evm_tload(acc, &sp[-1]);
    NEXT();
}
op_tstore : {
    if (m->is_static)
        FAIL("write protection");
    SELF(acc);
    if (!evm_tstore(c, acc, &sp[-1], &sp[-2]))
        goto fatal;
    sp -= 2;
    NEXT();
}
op_mcopy : {
    uint64_t d, s, l, l2;
    MEM(&sp[-1], &sp[-3], d, l);
    MEM(&sp[-2], &sp[-3], s, l2);
    CHARGE(3 * evm_words(l));
    if (l)
        memmove(sc->mem + d, sc->mem + s, l);
    sp -= 3;
    NEXT();
}
op_push0:
    *sp++ = bts_u256_from_u64(0);
    NEXT();
op_push1:
    *sp++ = bts_u256_from_u64(ip[1]);
    ip += 2;
    DISPATCH();
#define PUSH(n)                                                                                    \
    op_push##n : push_n(sp++, ip + 1, n);                                                          \
    ip += n + 1;                                                                                   \
    DISPATCH();
    // clang-format off
    PUSH(2)
    PUSH(3)
    PUSH(4)
    PUSH(5)
    PUSH(6)
    PUSH(7)
    PUSH(8)
    PUSH(9)
    PUSH(10)
    PUSH(11)
    PUSH(12)
    PUSH(13)
    PUSH(14)
    PUSH(15)
    PUSH(16)
    PUSH(17)
    PUSH(18)
    PUSH(19)
    PUSH(20)
    PUSH(21)
    PUSH(22)
    PUSH(23)
    PUSH(24)
    PUSH(25)
    PUSH(26)
    PUSH(27)
    PUSH(28)
    PUSH(29)
    PUSH(30)
    PUSH(31)
    PUSH(32)
    // clang-format on
#undef PUSH
#define DUP(n)                                                                                     \
    op_dup##n : copy_word(sp, &sp[-(n)]);                                                          \
    sp++;                                                                                          \
    NEXT();
    // clang-format off
    DUP(1)
    DUP(2)
    DUP(3)
    DUP(4)
    DUP(5)
    DUP(6)
    DUP(7)
    DUP(8)
    DUP(9)
    DUP(10)
    DUP(11)
    DUP(12)
    DUP(13)
    DUP(14)
    DUP(15)
    DUP(16)
    // clang-format on
#undef DUP
#define SWAP(n)                                                                                    \
    op_swap##n:                                                                                    \
    {                                                                                              \
        swap_words(&sp[-1], &sp[-1 - (n)]);                                                        \
        NEXT();                                                                                    \
    }
    // clang-format off
    SWAP(1)
    SWAP(2)
    SWAP(3)
    SWAP(4)
    SWAP(5)
    SWAP(6)
    SWAP(7)
    SWAP(8)
    SWAP(9)
    SWAP(10)
    SWAP(11)
    SWAP(12)
    SWAP(13)
    SWAP(14)
    SWAP(15)
    SWAP(16)
    // clang-format on
#undef SWAP
op_log : {
    if (m->is_static)
        FAIL("write protection");
    unsigned nt = (unsigned)op - 0xa0;
    uint64_t o, l;
    MEM(&sp[-1], &sp[-2], o, l);
    CHARGE(8 * l);
    uint8_t topics[4][32];
    for (unsigned i = 0; i < nt; i++)
        bts_u256_store_be(topics[i], &sp[-3 - (int)i]);
    if (!evm_add_log(c, m->recipient, (const uint8_t(*)[32])topics, nt, l ? sc->mem + o : NULL, l))
        goto fatal;
    sp -= 2 + nt;
    NEXT();
}
op_create:
op_create2 : {
    if (m->is_static)
        FAIL("write protection");
    int is2 = op == 0xf5;
    uint64_t o, l;
    MEM(&sp[-2], &sp[-3], o, l);
    if (c->fork >= BT_EVM_SHANGHAI) {
        if (l > EVM_MAX_INITCODE)
            FAIL("max initcode size exceeded");
        CHARGE(2 * evm_words(l)); /* EIP-3860 */
    }
    if (is2)
        CHARGE(6 * evm_words(l));
#if INTERP_TRACED
    TRACE_END(NULL); /* before the init code's steps; the gas handed over is not its cost */
#endif
    struct evm_msg cm;
    cm.kind = is2 ? EVM_CREATE2 : EVM_CREATE;
    cm.is_static = 0;
    cm.depth = m->depth + 1;
    cm.gas = gas - gas / 64; /* EIP-150 */
    gas -= cm.gas;
    memcpy(cm.sender, m->recipient, 20);
    cm.value = sp[-1];
    cm.transfer = 1;
    cm.input = l ? sc->mem + o : NULL;
    cm.input_len = l;
    if (is2)
        cm.salt = sp[-4];
    sp -= is2 ? 3 : 2;
    struct evm_frame_result cr;
    evm_create(c, &cm, &cr);
    if (cr.status == EVM_FATAL)
        goto fatal;
    gas += cr.gas_left;
    if (!copy_ret(sc, cr.out, cr.status == EVM_REVERTED ? cr.out_len : 0))
        goto fatal;
    if (cr.status == EVM_OK)
        evm_addr_to_u256(&sp[-1], cr.created);
    else
        sp[-1] = bts_u256_from_u64(0);
    NEXT_BLOCK();
}
op_call:
op_callcode:
op_delegatecall:
op_staticcall : {
    int has_value = op == 0xf1 || op == 0xf2;
    struct bts_u256 value = bts_u256_from_u64(0);
    if (has_value)
        value = sp[-3];
    const struct bts_u256 *args = &sp[has_value ? -4 : -3];
    uint64_t io, il, oo, ol;
    if (op == 0xf1 && m->is_static && !bts_u256_is_zero(&value))
        FAIL("write protection");
    MEM(&args[0], &args[-1], io, il);
    MEM(&args[-2], &args[-3], oo, ol);
    uint8_t a[20];
    evm_u256_to_addr(a, &sp[-2]);
    ACCT(target, a);
    if (berlin && evm_warm_account(c, target))
        CHARGE(2500);
    int nonzero = !bts_u256_is_zero(&value);
    if (nonzero) {
        CHARGE(9000);
        if (op == 0xf1 && evm_acct_is_dead(target))
            CHARGE(25000);
    }
    int64_t avail = gas - gas / 64;
    int64_t cg =
        bts_u256_fits_u64(&sp[-1]) && sp[-1].w[0] < (uint64_t)avail ? (int64_t)sp[-1].w[0] : avail;
    gas -= cg;
    TRACE_END(NULL); /* before the callee's steps; geth counts the gas handed over, no stipend */
    if (nonzero)
        cg += 2300; /* stipend */
    struct evm_msg cm;
    cm.depth = m->depth + 1;
    cm.gas = cg;
    cm.is_static = m->is_static || op == 0xfa;
    cm.input = il ? sc->mem + io : NULL;
    cm.input_len = il;
    memcpy(cm.code_address, a, 20);
    cm.transfer = 0;
    switch (op) {
    case 0xf1:
        cm.kind = EVM_CALL;
        memcpy(cm.recipient, a, 20);
        memcpy(cm.sender, m->recipient, 20);
        cm.value = value;
        cm.transfer = 1;
        break;
    case 0xf2:
        cm.kind = EVM_CALLCODE;
        memcpy(cm.recipient, m->recipient, 20);
        memcpy(cm.sender, m->recipient, 20);
        cm.value = value;
        break;
    case 0xf4:
        cm.kind = EVM_DELEGATECALL;
        memcpy(cm.recipient, m->recipient, 20);
        memcpy(cm.sender, m->sender, 20);
        cm.value = m->value;
        break;
    default:
        cm.kind = EVM_STATICCALL;
        memcpy(cm.recipient, a, 20);
        memcpy(cm.sender, m->recipient, 20);
        cm.value = bts_u256_from_u64(0);
        break;
    }
    sp -= has_value ? 6 : 5;
    sc->ret_len = 0;
    if (cm.depth > EVM_MAX_DEPTH) {
        gas += cg;
        sp[-1] = bts_u256_from_u64(0);
        NEXT_BLOCK();
    }
    if (has_value) {
        SELF(me);
        if (bts_u256_lt(&me->balance, &value)) {
            gas += cg;
            sp[-1] = bts_u256_from_u64(0);
            NEXT_BLOCK();
        }
    }
    struct evm_frame_result cr;
    evm_call(c, &cm, &cr);
    if (cr.status == EVM_FATAL)
        goto fatal;
    gas += cr.gas_left;
    if (!copy_ret(sc, cr.out, cr.out_len))
        goto fatal;
    size_t nret = sc->ret_len < ol ? sc->ret_len : ol;
    if (nret) /* sc->ret may be NULL when nothing was returned */
        memcpy(sc->mem + oo, sc->ret, nret);
    sp[-1] = bts_u256_from_u64(cr.status == EVM_OK);
    NEXT_BLOCK();
}
op_return:
op_revert : {
    uint64_t o, l;
    MEM(&sp[-1], &sp[-2], o, l);
    TRACE_END(NULL);
    r->status = op == 0xf3 ? EVM_OK : EVM_REVERTED;
    r->gas_left = gas;
    r->out = l ? sc->mem + o : NULL;
    r->out_len = l;
    return;
}
op_selfdestruct : {
    if (m->is_static)
        FAIL("write protection");
    uint8_t a[20];
    evm_u256_to_addr(a, &sp[-1]);
    ACCT(ben, a);
    if (berlin && evm_warm_account(c, ben))
        CHARGE(2600);
    SELF(me);
    if (!bts_u256_is_zero(&me->balance) && evm_acct_is_dead(ben))
        CHARGE(25000);
    if (c->fork < BT_EVM_LONDON && !me->destructed)
        evm_add_refund(c, 24000);
    struct bts_u256 bal = me->balance, sum, zero = bts_u256_from_u64(0);
    if (c->fork >= BT_EVM_CANCUN && !me->created) {
        /* EIP-6780: only move the balance; the account stays. */
        evm_set_balance(c, me, &zero);
        bts_u256_add(&sum, &ben->balance, &bal);
        evm_set_balance(c, ben, &sum);
    } else {
        bts_u256_add(&sum, &ben->balance, &bal);
        evm_set_balance(c, ben, &sum);
        evm_set_balance(c, me, &zero);
        evm_destruct(c, self);
    }
    TRACE_END(NULL);
    r->status = EVM_OK;
    r->gas_left = gas;
    return;
}
op_invalid:
#if INTERP_TRACED
    tr_err = op == 0xfe ? "invalid opcode: INVALID" : evm_trace_undefined(c, op);
#endif
fail:
    TRACE_END(tr_err ? tr_err : "out of gas");
    r->status = EVM_FAILED;
    r->gas_left = 0;
    r->out_len = 0;
    return;
fatal:
    TRACE_END("state read failed");
    r->status = EVM_FATAL;
    r->gas_left = 0;
    r->out_len = 0;
    return;
#undef DISPATCH
#undef FAIL
#undef TRACE_END
#undef BLOCK
#undef NEXT_BLOCK
#undef SELF
#undef NEXT
#undef CHARGE
#undef MEM
#undef BINOP
#undef ACCT
}
