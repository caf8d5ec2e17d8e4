/* sniff.c - is a block worth modelling? (sniff.h) */
#include "sniff.h"

#include <stdlib.h>
#include <zstd.h>

/* Entropy threshold: 7.9 bits per byte, in 1/256 bits. Text is under 5,
 * executables and images a model can code (silesia's ooffice, x-ray) are
 * under 7.5; compressed and random bytes are above 7.98 on 1 MiB. */
#define SNIFF_MIN_BITS_Q8 ((79 * 256) / 10)
/* A fast LZ pass must save less than 1/SNIFF_LZ_SHARE of the block. */
#define SNIFF_LZ_SHARE 100
/* Smaller blocks are always modelled: the look would cost more than it
 * saves, and a model codes them in a few milliseconds. */
#define SNIFF_MIN_BLOCK 4096

/* log2(x) for x >= 1 in 1/256 units, by the bits of the mantissa squared
 * repeatedly (integer only; error under 1/256). */
static uint32_t log2_q8(uint32_t x) {
    uint32_t e = 0;
    while ((x >> e) > 1) e++;
    /* mantissa in [1, 2) with 16 fraction bits */
    uint64_t m = e >= 16 ? (uint64_t)x >> (e - 16) : (uint64_t)x << (16 - e);
    uint32_t frac = 0;
    for (int i = 0; i < 8; i++) {
        m = (m * m) >> 16;
        frac <<= 1;
        if (m >= (2u << 16)) {
            m >>= 1;
            frac |= 1;
        }
    }
    return e << 8 | frac;
}

/* Order-0 entropy of src in 1/256 bits per byte. */
static uint32_t entropy_q8(const uint8_t *src, size_t n) {
    uint32_t count[256] = {0};
    for (size_t i = 0; i < n; i++) count[src[i]]++;
    /* n * H = sum c * (log2 n - log2 c) */
    uint64_t lg_n = log2_q8((uint32_t)n), bits = 0;
    for (int s = 0; s < 256; s++)
        if (count[s]) bits += (uint64_t)count[s] * (lg_n - log2_q8(count[s]));
    return (uint32_t)(bits / n);
}

int sniff_incompressible(const uint8_t *src, size_t n) {
    if (n < SNIFF_MIN_BLOCK || n > UINT32_MAX) return 0;
    if (entropy_q8(src, n) < SNIFF_MIN_BITS_Q8) return 0;
    size_t cap = ZSTD_compressBound(n);
    void *tmp = malloc(cap);
    if (!tmp) return 0; /* no room to look: model it */
    size_t z = ZSTD_compress(tmp, cap, src, n, 1);
    free(tmp);
    return !ZSTD_isError(z) && z > n - n / SNIFF_LZ_SHARE;
}
