/* mixer.c - see mixer.h. */
#include "mixer.h"

#include <stdlib.h>

#include "squash.h"

mdlz_status mix_init(mixer *m, int n, int nsets, int lr, int32_t w0) {
    m->n = n;
    m->nsets = nsets;
    m->lr = lr;
    m->w = malloc((size_t)n * nsets * sizeof *m->w);
    if (!m->w) return MDLZ_ERROR_NOMEM;
    for (int i = 0; i < n * nsets; i++) m->w[i] = w0;
    m->cur = m->w;
    m->pr = 2048;
    m->st = 0;
    return MDLZ_OK;
}

void mix_free(mixer *m) {
    free(m->w);
    m->w = NULL;
}

int mix_predict(mixer *m, const int *x, int set) {
    const int32_t *w = m->cur = m->w + (size_t)set * m->n;
    int64_t dot = 0;
    for (int i = 0; i < m->n; i++) dot += (int64_t)x[i] * w[i];
    int s = (int)(dot >> 16);
    s = s > 2047 ? 2047 : s < -2047 ? -2047 : s;
    m->st = s;
    return m->pr = squash(s);
}

void mix_update(mixer *m, const int *x, int bit) {
    int err = ((bit << 12) - m->pr) * m->lr;
    int32_t *w = m->cur;
    for (int i = 0; i < m->n; i++) {
        int32_t v = w[i] + ((x[i] * err + (1 << 15)) >> 16);
        /* Bound weights so the dot product cannot overflow 32 bits
         * worth of meaning; +-2^22 is far beyond any useful weight. */
        w[i] = v > (1 << 22) ? (1 << 22) : v < -(1 << 22) ? -(1 << 22) : v;
    }
}
