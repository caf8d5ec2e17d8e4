/*
 * match.h - the match model: predicts the byte that followed the last
 * occurrence of the current context in the coded history.
 */
#ifndef MDLZ_MATCH_H
#define MDLZ_MATCH_H

#include "component.h"
#include "config.h"

/** Fills *c with the match-model component for cfg. The component
 *  publishes its state in pr_shared.match_len / match_bit. */
mdlz_status mm_create(pr_component *c, const mdlz_config *cfg,
                      const bh_table *bh);

/* The fixed per-bit path (component.h, PR_KIND_MATCH): the predictor
 * calls these directly with the component's `self` instead of its
 * predict(), update() and byte_update(), which do the same. */
typedef struct mm_model mm_model;
void mm_predict(mm_model *m, pr_shared *sh, int16_t *x);
void mm_update(mm_model *m, const pr_shared *sh, int bit);
void mm_byte(mm_model *m, const pr_shared *sh);

/** Bytes mm_create() allocates for cfg. */
uint64_t mm_memory(const mdlz_config *cfg);

#endif
