/*
 * probe.h - what measurements (measure/value.c, measure/select.c) ask of
 * a compression context beyond the public API: leave documents of the
 * index out of its retrieval, and learn which documents its retrieval
 * used. Not public: a stream made with exclusions and ONLINE retrieval
 * cannot be decoded (the decoder's queries would not skip them), so such
 * streams are measured, never kept.
 */
#ifndef MDLZ_SYSTEM_PROBE_H
#define MDLZ_SYSTEM_PROBE_H

#include <stdint.h>

#include "mdlz.h"

/** After mdlz_cctx_set_index(), before the first data: retrieval treats
 *  the documents with these content hashes (XXH3-64; copied) as not in
 *  the index, ranking statistics included (mdlz_index_select_without).
 *  MDLZ_ERROR_STAGE without an index or once data was given;
 *  MDLZ_ERROR_NOMEM. */
mdlz_status sys_cctx_exclude(mdlz_cctx *c, const uint64_t *hashes, int n);

/** After the stream: the content hashes of the documents its retrieval
 *  used, in load order (valid until the context is freed); *n = 0 if
 *  none. */
const uint64_t *sys_cctx_used(mdlz_cctx *c, int *n);

#endif
