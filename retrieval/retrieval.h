/*
 * retrieval.h - retrieval as a stream module (engine/stream/module.h): with
 * an index, the encoder chooses documents for the input (WHOLE) and both
 * sides may query the index while coding (ONLINE); the retrieved text
 * primes the model and feeds the retrieval match model (rmatch.h).
 * Record 1 of the stream header (record.h) says what decoding needs.
 */
#ifndef MDLZ_RETRIEVAL_H
#define MDLZ_RETRIEVAL_H

#include "module.h"
#include "record.h"

extern const mod_ops ret_module;

/** Encoder: compress against the index at `path` (opened now, read-only,
 *  pinned until the context is freed). MDLZ_ERROR_INDEX (message in
 *  detail) if it cannot be used. */
mdlz_status ret_module_open(void *st, const char *path, char *detail,
                            size_t detail_len);

/** Encoder: the MDLZ_RETRIEVE_* modes to use (default both). */
void ret_module_set_modes(void *st, unsigned modes);

/** Encoder, measurement only (measure/value.c): queries rank as if the
 *  index did not hold these documents (ret_session_exclude; the stream is
 *  not decodable when it uses ONLINE). Needs an open index. */
mdlz_status ret_module_exclude(void *st, const uint64_t *hashes, int n);

/** Encoder, after the stream: the content hashes of the documents its
 *  retrieval used (*n = 0 without an index). */
const uint64_t *ret_module_used(void *st, int *n);

/** Decoder: the index a stream may need (opened only if it does). */
mdlz_status ret_module_set_path(void *st, const char *path);

#endif
