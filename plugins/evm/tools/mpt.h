/* Minimal Merkle-Patricia trie root (Yellow Paper appendix D) for the state-test tool, until
 * the SDK trie (bts/trie.h) lands. */
#ifndef EVM_TOOLS_MPT_H
#define EVM_TOOLS_MPT_H

#include <stddef.h>
#include <stdint.h>

struct mpt_kv {
    uint8_t key[32]; /* already hashed (secure trie) */
    const uint8_t *val;
    size_t val_len;
};

/* Root of the trie holding kv[0..n) (sorted in place). Returns 0 on allocation failure. */
int mpt_root(uint8_t out[32], struct mpt_kv *kv, size_t n);

#endif
