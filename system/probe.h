/*
 * probe.h - measurement hooks of a compression context, for measure/.
 * Not part of the public API; measure/ builds include/mdlz_explain.h and
 * include/mdlz_value.h on them.
 * - mdlz explain: the code length of every byte and what the components
 *   of the table's rows predicted for it. They only report: a stream is
 *   the same with or without them (bench/identity.py).
 * - mdlz value, mdlz select: leave documents of the index out of its
 *   retrieval, and learn which documents its retrieval used. A stream made
 *   with exclusions and ONLINE retrieval cannot be decoded (the decoder's
 *   queries would not skip them), so such streams are measured, never
 *   kept.
 */
#ifndef MDLZ_SYSTEM_PROBE_H
#define MDLZ_SYSTEM_PROBE_H

#include <stdint.h>

#include "block.h"
#include "mdlz.h"
#include "table.h"

/** Reports what the coder is given for every byte the model codes to
 *  probe (block.h), which must outlive the context. Before the first
 *  data; MDLZ_ERROR_STAGE after. */
mdlz_status sys_cctx_set_probe(mdlz_cctx *c, const blk_probe *probe);

/** The table's rows of the context (their states and components). */
const sys_ctx *sys_cctx_rows(const mdlz_cctx *c);

/** What the components of the rows taking part predict for the coming
 *  byte (mod_ops.annotate), into notes[0..cap), each with its row set;
 *  returns the count. Call from blk_probe.before(). */
int sys_annotate(const sys_ctx *x, mod_note *notes, int cap);

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
