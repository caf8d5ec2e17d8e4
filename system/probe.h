/*
 * probe.h - measurement hooks of a compression context, for measure/
 * (mdlz explain): the code length of every byte and what the components
 * of the table's rows predicted for it. They only report: a stream is the
 * same with or without them (bench/identity.py). Not part of the public
 * API; measure/ builds include/mdlz_explain.h on them.
 */
#ifndef MDLZ_SYSTEM_PROBE_H
#define MDLZ_SYSTEM_PROBE_H

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

#endif
