/*
 * fuzz.h - helpers shared by the fuzz targets (cf. zstd's tests/fuzz):
 * the libFuzzer entry point's prototype, a check macro that aborts (so
 * both libFuzzer and the replay driver report the input as a crash), and a
 * small deterministic generator of buffer sizes; tests/common/testutil.h
 * (included here) brings allocation, the pseudo-random generator and file
 * reading. Allocation failures are the machine's problem, not a finding,
 * but abort all the same.
 *
 * A target never reads outside data[0..size) and never keeps state from
 * one input to the next: the same input always takes the same path.
 */
#ifndef MDLZ_FUZZ_H
#define MDLZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mdlz.h"

#define TESTUTIL_OUT_OF_MEMORY() abort()
#include "testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Memory limit every decoder runs with: a header cannot make the library
 * allocate more than this (plus small buffers). */
#define FUZZ_MEM_LIMIT ((uint64_t)256 << 20)
/* Output cap of the decoding targets: larger outputs stop the target early
 * (and are expected to fail with MDLZ_ERROR_DST_SIZE in one-shot mode). */
#define FUZZ_OUT_CAP ((size_t)4 << 20)

/* Aborts with a message when `cond` is false; `...` is a printf format and
 * its arguments (at least the format). */
#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__,   \
                    #cond);                                                    \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            fflush(stderr);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A buffer size: mostly tiny (1..4), sometimes 0, small, or large, so that
 * every internal boundary (headers, block headers, payloads, trailer) gets
 * split in many ways. `max_small` bounds the common case. */
static inline size_t fuzz_chunk(rng *r, size_t max_small) {
    uint32_t v = rng_next32(r);
    switch (v & 15) {
    case 0: return 0;
    case 1:
    case 2: return 1 + (v >> 8) % 4096;
    case 3: return 1 + (v >> 8) % 65536;
    default: return 1 + (v >> 8) % (max_small ? max_small : 1);
    }
}

#endif
