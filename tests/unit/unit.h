/*
 * unit.h - helpers shared by the engine unit tests: the TAP-like check()
 * and check_finish() of tests/api/check.h, a seeded pseudo-random
 * generator, coding-cost arithmetic, and a deterministic English-like text
 * generator. Everything is static: each test is one translation unit.
 */
#ifndef MDLZ_TEST_UNIT_H
#define MDLZ_TEST_UNIT_H

#include <math.h>

#include "check.h"

/* xorshift64*: small, fast, and the same sequence on every machine. */
typedef struct {
    uint64_t s;
} rng;

static inline void rng_seed(rng *r, uint64_t seed) {
    r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (!r->s) r->s = 1;
}

static inline uint64_t rng_next(rng *r) {
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n) (n > 0; the modulo bias is irrelevant here). */
static inline uint32_t rng_below(rng *r, uint32_t n) {
    return (uint32_t)((rng_next(r) >> 32) % n);
}

/* Uniform in [lo, hi]. */
static inline int32_t rng_range(rng *r, int32_t lo, int32_t hi) {
    return lo + (int32_t)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* 1 with probability num / den. */
static inline int rng_bernoulli(rng *r, uint32_t num, uint32_t den) {
    return rng_below(r, den) < num;
}

/* Bits it costs to code `bit` when P(1) = p1 / scale (0 < p1 < scale). */
static inline double bit_cost(int bit, double p1, double scale) {
    double p = bit ? p1 / scale : 1.0 - p1 / scale;
    return -log2(p);
}

/* n bytes of word salad with punctuation and line breaks: text-like
 * statistics without long repeats. Deterministic for a seed. */
static inline uint8_t *make_words(size_t n, uint64_t seed) {
    static const char *const words[] = {
        "the", "of", "and", "to", "in", "a", "that", "is", "for", "it",
        "as", "was", "with", "be", "by", "on", "not", "he", "this", "are",
        "or", "his", "from", "at", "which", "but", "have", "an", "had",
        "they", "you", "were", "their", "one", "all", "we", "can", "her",
        "has", "there", "been", "if", "more", "when", "will", "would",
        "who", "so", "no", "river", "mountain", "committee", "Parliament",
        "question", "between", "although", "seventeen", "1848", "42.5%",
        "compression", "arithmetic", "probability", "context", "model"};
    const size_t nw = sizeof words / sizeof words[0];
    uint8_t *t = xmalloc(n);
    rng r;
    rng_seed(&r, seed);
    size_t i = 0, line = 0;
    while (i < n) {
        const char *w = words[rng_below(&r, (uint32_t)nw)];
        size_t wl = strlen(w);
        for (size_t k = 0; k < wl && i < n; k++)
            t[i++] = (uint8_t)(k == 0 && line == 0 && w[k] >= 'a'
                                   ? w[k] - 32
                                   : w[k]);
        line += wl + 1;
        if (i < n) {
            if (line > 64 + rng_below(&r, 12)) {
                t[i++] = rng_below(&r, 4) ? ',' : '.';
                if (i < n) t[i++] = '\n';
                line = 0;
            } else {
                t[i++] = ' ';
            }
        }
    }
    return t;
}

#endif
