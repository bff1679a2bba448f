/* Fuzz the exit-payload decoder and the contract-side checks (PROTOCOL.md §5.4): any input is
 * decoded; a decoded payload is re-encoded (must give the same bytes when it decoded without
 * leading-zero roots, see below), verified against a root taken from the input, and its receipt
 * read as a Withdraw log; the MPT verifier also runs on the raw input split in three. None may
 * crash, leak or read out of bounds. */
#include <stdint.h>
#include <string.h>

#include <bts/exitproof.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results only matter for not crashing; summed so none is ignored. */
static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bts_exit_payload p;
    uint8_t root[32] = {0};
    memcpy(root, data, size < 32 ? size : 32);
    if (bts_exit_payload_decode(&p, data, size) == BT_OK) {
        const char *why = NULL;
        sink += (unsigned)bts_exit_payload_verify(&p, root, p.block_number / 2, &why);
        struct bts_exit_burn b;
        sink += (unsigned)bts_exit_burn_log(&b, p.receipt, p.receipt_len, p.log_index);
        sink += (unsigned)bts_exit_mpt_verify(p.receipt, p.receipt_len, p.branch_mask,
                                              p.branch_mask_len, p.receipt_proof,
                                              p.receipt_proof_len, p.receipt_root);
        struct bts_buf out;
        bts_buf_init(&out);
        if (p.block_proof_len % 32 == 0 && p.receipt_len && p.receipt_proof_len &&
            p.branch_mask_len && bts_exit_payload_encode(&out, &p) == BT_OK) {
            /* roots are written back as 32-byte strings: a decodable re-encoding */
            struct bts_exit_payload q;
            if (bts_exit_payload_decode(&q, out.data, out.len) != BT_OK ||
                q.block_number != p.block_number || q.log_index != p.log_index ||
                memcmp(q.receipt_root, p.receipt_root, 32) != 0)
                __builtin_trap();
        }
        bts_buf_free(&out);
    }
    if (size >= 3) {
        size_t a = data[0] % size, b = a + (size - a) / 2;
        sink += (unsigned)bts_exit_mpt_verify(data + b, size - b, data, a, data + a, b - a, root);
        struct bts_exit_burn bb;
        sink += (unsigned)bts_exit_burn_log(&bb, data, size, data[1] % 12);
    }
    return 0;
}
