/*
 * rmatch.h - the retrieval match model: a predictor component that finds
 * the recent context in the retrieved text (session.h) and predicts the
 * byte that followed it there.
 */
#ifndef MDLZ_RETRIEVAL_RMATCH_H
#define MDLZ_RETRIEVAL_RMATCH_H

#include "component.h"
#include "config.h"
#include "module.h"
#include "session.h"

/** Creates the component over session `s` (not owned). modes: the
 *  MDLZ_RETRIEVE_* bits of the stream (ONLINE makes it query the index at
 *  fixed positions); prime_bytes: bytes the model is primed with before
 *  coding starts (the component stays silent and does not query during
 *  them). */
mdlz_status rm_create(pr_component *c, ret_session *s, unsigned modes,
                      uint64_t prime_bytes, const bh_table *bh);

/** Bytes the component holds for a retrieved text of `text_len` bytes. */
uint64_t rm_memory(uint64_t text_len);

/** Measurement (mod_ops.annotate): the byte the component predicts next,
 *  the document it comes from and where; returns 1, or 0 with no match. */
int rm_note(const void *self, mod_note *n);

#endif
