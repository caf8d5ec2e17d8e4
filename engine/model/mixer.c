/* mixer.c - see mixer.h. */
#include "mixer.h"

#include <stdlib.h>

#include "squash.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define MIX_HAVE_SSE2 1
#else
#define MIX_HAVE_SSE2 0
#endif

/* Kernels are inlined into callers that pass a constant k. */
#if defined(__GNUC__)
#define MIX_INLINE static inline __attribute__((always_inline))
#else
#define MIX_INLINE static inline
#endif

static inline int16_t sat16(int32_t v) {
    return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

/* Scalar reference kernels: the definition of the arithmetic. The sum
 * wraps modulo 2^32 exactly as the vector lanes do. */
static int32_t dot_ref(const int16_t *x, const int16_t *w, int n) {
    uint32_t sum = 0;
    for (int i = 0; i < n; i++) sum += (uint32_t)(x[i] * w[i]);
    return (int32_t)sum;
}

static void train_ref(const int16_t *x, int16_t *w, int n, int err) {
    for (int i = 0; i < n; i++) {
        int32_t t = (sat16(2 * x[i]) * err) >> 16;
        t = sat16(t + 1) >> 1;
        w[i] = sat16(w[i] + t);
    }
}

mdlz_status mix_init(mixer *m, int n, int nsets, int lr, int16_t w0) {
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

/* Output of mixer m from its raw dot product. */
static inline int finish(mixer *m, int32_t dot) {
    int s = dot >> 13;
    s = s > 2047 ? 2047 : s < -2047 ? -2047 : s;
    m->st = s;
    return m->pr = squash_tab[s + 2047]; /* s is in range already */
}

#if MIX_HAVE_SSE2
/* The vector kernels for k weight vectors sharing the inputs x, written
 * for a constant k so the accumulators stay in registers. */
MIX_INLINE void dots_k(const int16_t *x, const int16_t *const *w, int n,
                       int32_t *out, const int k) {
    __m128i acc[MIX_FUSE_MAX];
    for (int j = 0; j < k; j++) acc[j] = _mm_setzero_si128();
    for (int i = 0; i < n; i += 8) {
        __m128i xv = _mm_loadu_si128((const __m128i *)(x + i));
        for (int j = 0; j < k; j++)
            acc[j] = _mm_add_epi32(
                acc[j], _mm_madd_epi16(
                            xv, _mm_loadu_si128((const __m128i *)(w[j] + i))));
    }
    for (int j = 0; j < k; j++) {
        __m128i a = _mm_add_epi32(acc[j], _mm_srli_si128(acc[j], 8));
        a = _mm_add_epi32(a, _mm_srli_si128(a, 4));
        out[j] = _mm_cvtsi128_si32(a);
    }
}

MIX_INLINE void train_k(const int16_t *x, int16_t *const *w, int n,
                        const int *err, const int k) {
    __m128i e[MIX_FUSE_MAX];
    const __m128i one = _mm_set1_epi16(1);
    for (int j = 0; j < k; j++) e[j] = _mm_set1_epi16((int16_t)err[j]);
    for (int i = 0; i < n; i += 8) {
        __m128i xv = _mm_loadu_si128((const __m128i *)(x + i));
        xv = _mm_adds_epi16(xv, xv);
        for (int j = 0; j < k; j++) {
            __m128i t = _mm_mulhi_epi16(xv, e[j]);
            t = _mm_srai_epi16(_mm_adds_epi16(t, one), 1);
            __m128i *wp = (__m128i *)(w[j] + i);
            _mm_storeu_si128(wp, _mm_adds_epi16(_mm_loadu_si128(wp), t));
        }
    }
}
#endif

/* k dot products / training steps, vector or scalar. */
MIX_INLINE void dots(const int16_t *x, const int16_t *const *w, int n,
                     int32_t *out, int k, int use_simd) {
#if MIX_HAVE_SSE2
    if (use_simd) {
        switch (k) {
        case 1: dots_k(x, w, n, out, 1); return;
        case 2: dots_k(x, w, n, out, 2); return;
        case 3: dots_k(x, w, n, out, 3); return;
        default: dots_k(x, w, n, out, MIX_FUSE_MAX); return;
        }
    }
#endif
    (void)use_simd;
    for (int j = 0; j < k; j++) out[j] = dot_ref(x, w[j], n);
}

MIX_INLINE void trains(const int16_t *x, int16_t *const *w, int n,
                       const int *err, int k, int use_simd) {
#if MIX_HAVE_SSE2
    if (use_simd) {
        switch (k) {
        case 1: train_k(x, w, n, err, 1); return;
        case 2: train_k(x, w, n, err, 2); return;
        case 3: train_k(x, w, n, err, 3); return;
        default: train_k(x, w, n, err, MIX_FUSE_MAX); return;
        }
    }
#endif
    (void)use_simd;
    for (int j = 0; j < k; j++) train_ref(x, w[j], n, err[j]);
}

int32_t mix_dot(const int16_t *x, const int16_t *w, int n, int use_simd) {
    int32_t out;
    dots(x, &w, n, &out, 1, use_simd);
    return out;
}

void mix_train(const int16_t *x, int16_t *w, int n, int err, int use_simd) {
    trains(x, &w, n, &err, 1, use_simd);
}

/* The fused pass, written for a constant k (inlined per k below) so the
 * weight pointers and accumulators stay in registers. */
MIX_INLINE void predict_k(mixer *ms, const int16_t *x, const int *sets,
                          const int k) {
    const int16_t *w[MIX_FUSE_MAX];
    int32_t out[MIX_FUSE_MAX];
    const int n = ms[0].n;
    for (int j = 0; j < k; j++)
        w[j] = ms[j].cur = ms[j].w + (size_t)sets[j] * (size_t)n;
    dots(x, w, n, out, k, 1);
    for (int j = 0; j < k; j++) finish(&ms[j], out[j]);
}

MIX_INLINE void update_k(mixer *ms, const int16_t *x, int bit, const int k) {
    int16_t *w[MIX_FUSE_MAX];
    int err[MIX_FUSE_MAX];
    for (int j = 0; j < k; j++) {
        w[j] = ms[j].cur;
        err[j] = (((bit << 12) - ms[j].pr) * ms[j].lr) >> 3;
    }
    trains(x, w, ms[0].n, err, k, 1);
}

void mix_predict_n(mixer *ms, int k, const int16_t *x, const int *sets) {
    switch (k) {
    case 1: predict_k(ms, x, sets, 1); return;
    case 2: predict_k(ms, x, sets, 2); return;
    case 3: predict_k(ms, x, sets, 3); return;
    default: predict_k(ms, x, sets, MIX_FUSE_MAX); return;
    }
}

void mix_update_n(mixer *ms, int k, const int16_t *x, int bit) {
    switch (k) {
    case 1: update_k(ms, x, bit, 1); return;
    case 2: update_k(ms, x, bit, 2); return;
    case 3: update_k(ms, x, bit, 3); return;
    default: update_k(ms, x, bit, MIX_FUSE_MAX); return;
    }
}

int mix_predict(mixer *m, const int16_t *x, int set) {
    mix_predict_n(m, 1, x, &set);
    return m->pr;
}

void mix_update(mixer *m, const int16_t *x, int bit) {
    mix_update_n(m, 1, x, bit);
}
