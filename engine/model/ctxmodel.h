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

/** Bytes ctx_create() allocates for cfg. */
uint64_t ctx_memory(const mdlz_config *cfg);

#endif
