#ifndef CALLOPS_CSHA256_H
#define CALLOPS_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor has the SHA extensions (and SSSE3, SSE4.1) that
/// `callops_sha256_blocks` needs: x86-64 only, asked of CPUID (the caller keeps the answer).
int callops_sha256_hardware(void);

/// Runs SHA-256's compression over `blocks` 64-byte blocks at `data`, updating `state` (the eight
/// words H0..H7 in order). Only when `callops_sha256_hardware()` said yes.
void callops_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

/// The same compression in portable C, on any processor.
void callops_sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
