/*
 * mixer.h - a gated linear mixer in the logistic domain (a one-layer
 * neural network; Mahoney, DCE sec. 4.3; lpaq1's and paq7's Mixer).
 *
 * p = squash(sum_i w_i * x_i) with inputs x_i = stretch(p_i). The weight
 * vector is one of `nsets`, chosen per bit by a small context, so the
 * mixer learns which models to trust in which situation. Training is
 * online gradient descent on coding cost: w_i += lr * x_i * (bit - p).
 *
 * Fixed point: inputs are int16 in the stretch scale (|x| < 2048), weights
 * int16 with 1.0 = 8192 (range +-4). Products are summed exactly in 32
 * bits; the weight update is (x * err) >> 16 rounded, added with int16
 * saturation. These are exactly the semantics of SSE2's pmaddwd, pmulhw
 * and paddsw, so the vector path and the scalar reference agree bit for
 * bit (tests/unit checks it).
 */
#ifndef MDLZ_MIXER_H
#define MDLZ_MIXER_H

#include "common.h"

typedef struct {
    int n; /* inputs, rounded up to a multiple of 8 */
    int nsets;
    int lr;       /* learning rate in eighths: 8 = 1.0 */
    int16_t *w;   /* nsets * n weights */
    int16_t *cur; /* weights selected for this bit */
    int pr;       /* last output, 12-bit probability */
    int st;       /* last output in the stretch domain */
} mixer;

/** n inputs; x[] passed to predict/update must hold n rounded up to a
 *  multiple of 8 values, the extra ones zero. w0: initial weight. */
mdlz_status mix_init(mixer *m, int n, int nsets, int lr, int16_t w0);
void mix_free(mixer *m);

/** Computes the mixed prediction with weight set `set`; returns it as a
 *  12-bit probability (m->st holds the stretched value). */
int mix_predict(mixer *m, const int16_t *x, int set);

/** Trains the weights used by the last mix_predict(). */
void mix_update(mixer *m, const int16_t *x, int bit);

/* The same for k <= MIX_FUSE_MAX mixers of equal size that read the same
 * inputs, in one pass over x (sets[j] selects mixer j's weights). */
#define MIX_FUSE_MAX 4
void mix_predict_n(mixer *ms, int k, const int16_t *x, const int *sets);
void mix_update_n(mixer *ms, int k, const int16_t *x, int bit);

/* The kernels, exposed for the unit test that checks the vector path
 * against the scalar reference. */
int32_t mix_dot(const int16_t *x, const int16_t *w, int n, int use_simd);
void mix_train(const int16_t *x, int16_t *w, int n, int err, int use_simd);

#endif
