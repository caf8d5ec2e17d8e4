/*
 * mixer.h - a gated linear mixer in the logistic domain (a one-layer
 * neural network; Mahoney, DCE sec. 4.3, and lpaq1's Mixer).
 *
 * p = squash(sum_i w_i * x_i) with inputs x_i = stretch(p_i). The weight
 * vector is one of `nsets`, chosen per bit by a small context, so the
 * mixer learns which models to trust in which situation. Training is
 * online gradient descent on coding cost: w_i += lr * x_i * (bit - p).
 * Weights are 16.16 fixed point; inputs are 8.8 (stretch scale).
 */
#ifndef MDLZ_MIXER_H
#define MDLZ_MIXER_H

#include "common.h"

typedef struct {
    int n;        /* inputs, rounded up to a multiple of 8 */
    int nsets;
    int lr;       /* learning rate, scaled: 1..32 */
    int32_t *w;   /* nsets * n weights */
    int32_t *cur; /* weights selected for this bit */
    int pr;       /* last output, 12-bit probability */
    int st;       /* last output in the stretch domain */
} mixer;

/** n inputs; x[] passed to predict/update must hold n rounded up to a
 *  multiple of 8 values, the extra ones zero. */
mdlz_status mix_init(mixer *m, int n, int nsets, int lr, int32_t w0);
void mix_free(mixer *m);

/** Computes the mixed prediction with weight set `set`; returns it as a
 *  12-bit probability (m->st holds the stretched value). */
int mix_predict(mixer *m, const int *x, int set);

/** Trains the weights used by the last mix_predict(). */
void mix_update(mixer *m, const int *x, int bit);

#endif
