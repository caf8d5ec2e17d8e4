/*
 * ctxmodel.h - the n-gram context model: orders 0-7, word and sparse
 * contexts, each mapped to a bit history and then to a probability.
 */
#ifndef MDLZ_CTXMODEL_H
#define MDLZ_CTXMODEL_H

#include "component.h"
#include "config.h"

/** Fills *c with the context-model component for cfg. */
mdlz_status ctx_create(pr_component *c, const mdlz_config *cfg,
                       const bh_table *bh);

/* The fixed per-bit path (component.h, PR_KIND_ORDERS): the predictor
 * calls these directly with the component's `self` instead of its update()
 * and byte_update(), which do the same. */
typedef struct ctx_model ctx_model;
void ctx_update(ctx_model *m, const pr_shared *sh, int bit, int16_t *x);
void ctx_byte(ctx_model *m, const pr_shared *sh, int16_t *x);

/** Bytes ctx_create() allocates for cfg. */
uint64_t ctx_memory(const mdlz_config *cfg);

#endif
