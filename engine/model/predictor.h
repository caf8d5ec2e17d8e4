/*
 * predictor.h - the bit predictor: all model components wired together.
 *
 * The coder asks pred_p() for P(next bit = 1), codes the bit, and calls
 * pred_update() with it; bytes are coded MSB first. Both sides make the
 * same calls in the same order, so they hold identical state.
 */
#ifndef MDLZ_PREDICTOR_H
#define MDLZ_PREDICTOR_H

#include "component.h"
#include "config.h"

typedef struct predictor predictor;

/** Allocates a predictor for `cfg` (already validated), without
 *  components: add them with pred_add(), then call pred_start(). */
mdlz_status pred_create(predictor **out, const mdlz_config *cfg);
void pred_free(predictor *p);

/** The bit-history state table the components share (for their
 *  StateMaps), valid while the predictor lives. */
const bh_table *pred_states(const predictor *p);

/** Adds a component; the predictor owns it from now on (it is destroyed
 *  with the predictor, or at once if this fails). Mixer inputs are
 *  assigned in the order components are added. MDLZ_ERROR_PARAM beyond
 *  the predictor's limits of components or inputs. */
mdlz_status pred_add(predictor *p, const pr_component *c);

/** Completes the predictor after the last pred_add(): sizes the mixers
 *  for the inputs. The predictor is then ready to code. */
mdlz_status pred_start(predictor *p);

/** Bytes pred_create() and pred_start() allocate for `cfg`, components
 *  not included (cfg_memory() counts those of the core models). */
uint64_t pred_memory(const mdlz_config *cfg);

/** P(next bit = 1) scaled by 16 bits, in [1, 65535]. */
uint32_t pred_p(predictor *p);

/** Learns the coded bit and advances to the next bit. */
void pred_update(predictor *p, int bit);

/** pred_update() then pred_p(), in one call: the coding loops' step. */
uint32_t pred_next(predictor *p, int bit);

#endif
