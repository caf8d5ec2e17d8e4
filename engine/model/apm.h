/*
 * apm.h - adaptive probability map (secondary symbol estimation, SSE):
 * refines a probability given a small context by interpolating between
 * 33 learned points on the stretched input (Mahoney, DCE sec. 4.4; the
 * APM of lpaq1). Only the nearer point is trained, at rate 2^-rate.
 */
#ifndef MDLZ_APM_H
#define MDLZ_APM_H

#include "common.h"
#include "squash.h"

typedef struct {
    uint16_t *t; /* n contexts * 33 points, 16-bit probabilities */
    size_t n;
    size_t idx; /* point to train after this bit */
    int rate;
} apm;

mdlz_status apm_init(apm *a, size_t n, int rate);
void apm_free(apm *a);

/** Refined 12-bit probability of an input given in the stretch domain
 *  (s in -2047..2047), in context cx < n. */
static inline int apm_p_st(apm *a, int s, size_t cx) {
    s += 2048; /* 1..4095 */
    int lo = s >> 7, w = s & 127;
    const uint16_t *t = a->t + cx * 33;
    a->idx = cx * 33 + lo + (w >> 6);
    return (t[lo] * (128 - w) + t[lo + 1] * w) >> 11;
}

/** The same for a 12-bit probability p. */
static inline int apm_p(apm *a, const st_table *st, int p, size_t cx) {
    return apm_p_st(a, stretch(st, p), cx);
}

/* Starts loading the points of context cx (66 bytes: two cache lines at
 * most), so that a later apm_p() on it does not wait for memory. */
static inline void apm_prefetch(const apm *a, size_t cx) {
#if defined(__GNUC__)
    __builtin_prefetch(a->t + cx * 33, 1);
    __builtin_prefetch(a->t + cx * 33 + 32, 1);
#else
    (void)a, (void)cx;
#endif
}

static inline void apm_update(apm *a, int bit) {
    uint16_t *t = a->t + a->idx;
    int g = (bit << 16) + (bit << a->rate) - bit - bit;
    *t = (uint16_t)(*t + ((g - *t) >> a->rate));
}

#endif
