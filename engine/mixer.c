/* mixer.c - see mixer.h. */
#include "mixer.h"

#include <stdlib.h>

#include "squash.h"

#define MIX_WMAX ((1 << 19) - 1) /* weight bound: 8.0 */

mdlz_status mix_init(mixer *m, int n, int nsets, int lr, int32_t w0) {
    m->n = (n + 7) & ~7; /* whole vectors; the caller zero-pads x[] */
    m->nsets = nsets;
    m->lr = lr;
    m->w = malloc((size_t)m->n * nsets * sizeof *m->w);
    if (!m->w) return MDLZ_ERROR_NOMEM;
    for (int i = 0; i < m->n * nsets; i++) m->w[i] = i % m->n < n ? w0 : 0;
    m->cur = m->w;
    m->pr = 2048;
    m->st = 0;
    return MDLZ_OK;
}

void mix_free(mixer *m) {
    free(m->w);
    m->w = NULL;
}

/* The two loops below are the hot spot of the whole compressor. They are
 * written so compilers vectorize them, and cloned for AVX2 where the
 * toolchain can; integer results are identical either way. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define MIX_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MIX_CLONES
#endif

/* |x| < 2^11 and |w| < 2^19, so each term (x*w) >> 8 is below 2^22 and
 * the sum of up to 256 terms fits 32 bits. */
MIX_CLONES
static int32_t dot(const int *x, const int32_t *w, int n) {
    int32_t sum[8] = {0};
    for (int i = 0; i < n; i += 8)
        for (int j = 0; j < 8; j++) sum[j] += (x[i + j] * w[i + j]) >> 8;
    return sum[0] + sum[1] + sum[2] + sum[3] + sum[4] + sum[5] + sum[6] +
           sum[7];
}

MIX_CLONES
static void train(const int *x, int32_t *w, int n, int err) {
    for (int i = 0; i < n; i += 8)
        for (int j = 0; j < 8; j++) {
            int32_t v = w[i + j] + ((x[i + j] * err + (1 << 15)) >> 16);
            v = v > MIX_WMAX ? MIX_WMAX : v;
            w[i + j] = v < -MIX_WMAX ? -MIX_WMAX : v;
        }
}

int mix_predict(mixer *m, const int *x, int set) {
    const int32_t *w = m->cur = m->w + (size_t)set * m->n;
    int s = dot(x, w, m->n) >> 8;
    s = s > 2047 ? 2047 : s < -2047 ? -2047 : s;
    m->st = s;
    return m->pr = squash(s);
}

void mix_update(mixer *m, const int *x, int bit) {
    train(x, m->cur, m->n, ((bit << 12) - m->pr) * m->lr);
}
