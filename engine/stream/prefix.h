/*
 * prefix.h - the prefix module (module.h): bytes the caller gives on both
 * sides (mdlz_cctx_ref_prefix / mdlz_dctx_ref_prefix, as zstd's
 * ZSTD_CCtx_refPrefix), learned by the model before anything else. The
 * stream records only their length and XXH64 (docs/format.md, record 3).
 */
#ifndef MDLZ_PREFIX_H
#define MDLZ_PREFIX_H

#include "module.h"

extern const mod_ops prefix_module;

/** Sets the prefix (not copied: it must stay valid until the stream is
 *  opened). On the decoder a prefix is "given" even when empty. */
void prefix_set(void *st, const uint8_t *prefix, size_t len);

/** Parses record 3: MDLZ_OK or MDLZ_ERROR_CORRUPT. */
mdlz_status prefix_record_parse(const fmt_record *r, uint64_t *len,
                                uint64_t *hash);

#endif
