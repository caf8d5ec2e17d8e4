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
    uint16_t *cur; /* point to train after this bit */
    int rate;
    int g1; /* the target of a 1 bit: see apm_update() */
} apm;

mdlz_status apm_init(apm *a, size_t n, int rate);
void apm_free(apm *a);

/** Refined 16-bit probability of an input given in the stretch domain
 *  (s in -2047..2047), in context cx < n: the points' own precision, for
 *  the coder (a 12-bit probability caps the cost of a near-certain bit at
 *  2^-12 instead of 2^-16). */
static inline int apm_p16_st(apm *a, int s, size_t cx) {
    s += 2048; /* 1..4095 */
    int lo = s >> 7, w = s & 127;
    uint16_t *t = a->t + cx * 33 + lo;
    a->cur = t + (w >> 6);
    return (t[0] * (128 - w) + t[1] * w) >> 7;
}

/** The same for a 12-bit probability p. */
static inline int apm_p16(apm *a, const st_table *st, int p, size_t cx) {
    return apm_p16_st(a, stretch(st, p), cx);
}

/* Starts loading the points of contexts cx and cx + 1 (132 bytes, three
 * cache lines at most), so that a later apm_p() on either does not wait
 * for memory. */
static inline void apm_prefetch2(const apm *a, size_t cx) {
#if defined(__GNUC__)
    const char *t = (const char *)(a->t + cx * 33);
    __builtin_prefetch(t, 1);
    __builtin_prefetch(t + 64, 1);
    __builtin_prefetch(t + 131, 1);
#else
    (void)a, (void)cx;
#endif
}

/* Moves the trained point 2^-rate of the way to the bit: to 0, or to
 * g1 = 65536 + 2^rate - 2, which lets the point reach 65535 without
 * wrapping. */
static inline void apm_update(apm *a, int bit) {
    int v = *a->cur;
    *a->cur = (uint16_t)(v + (((bit ? a->g1 : 0) - v) >> a->rate));
}

#endif
