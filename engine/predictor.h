/*
 * predictor.h - the bit predictor: all model components wired together.
 *
 * The coder asks pred_p() for P(next bit = 1), codes the bit, and calls
 * pred_update() with it; bytes are coded MSB first. Both sides make the
 * same calls in the same order, so they hold identical state.
 */
#ifndef MDLZ_PREDICTOR_H
#define MDLZ_PREDICTOR_H

#include "config.h"

typedef struct predictor predictor;

/** Allocates a predictor for `cfg` (already validated). */
mdlz_status pred_create(predictor **out, const mdlz_config *cfg);

/* What a stream adds to the model beyond its configuration. */
typedef struct ret_session ret_session;
struct mdlz_tool;
typedef struct {
    ret_session *ret;     /* retrieval session (not owned), or NULL */
    unsigned ret_modes;   /* MDLZ_RETRIEVE_* */
    uint64_t prime_bytes; /* bytes learned before coding starts */
    const struct mdlz_tool *const *tools; /* tools consulted (not owned) */
    int n_tools;
} pred_extras;

/** pred_create() with extra components; ex may be NULL. */
mdlz_status pred_create_ext(predictor **out, const mdlz_config *cfg,
                            const pred_extras *ex);
void pred_free(predictor *p);

/** Bytes pred_create() will allocate for `cfg`. */
uint64_t pred_memory(const mdlz_config *cfg);

/** P(next bit = 1) scaled by 16 bits, in [1, 65535]. */
uint32_t pred_p(predictor *p);

/** Learns the coded bit and advances to the next bit. */
void pred_update(predictor *p, int bit);

#endif
