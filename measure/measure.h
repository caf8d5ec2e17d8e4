/*
 * measure.h - what the measurements of measure/ share (the ablation, the
 * explanation, --auto): one-line errors, the index's own size, compressing
 * a buffer with a context, the code a stream needs, and lists of tools.
 */
#ifndef MDLZ_MEASURE_MEASURE_H
#define MDLZ_MEASURE_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz_measure.h"

/** Writes a one-line reason into err (may be NULL); returns st. */
__attribute__((format(printf, 4, 5))) mdlz_status
ms_err(char *err, size_t errlen, mdlz_status st, const char *fmt, ...);

/** The checks every measurement's parameters share: the reserved words
 *  reserved[0..n_reserved) zero, the level in 0..MDLZ_LEVEL_MAX (0: the
 *  default), a path for each of plugins[0..n_plugins). MDLZ_ERROR_PARAM
 *  with a reason. */
mdlz_status ms_check_params(const uint32_t *reserved, size_t n_reserved,
                            int level, const char *const *plugins,
                            size_t n_plugins, char *err, size_t errlen);

/** A malloc'd copy of s, or NULL. */
char *ms_strdup(const char *s);

/** The index's documents and its own size (its stored documents'
 *  compressed bytes, mdlz_index_stats). MDLZ_ERROR_INDEX with a reason. */
mdlz_status ms_index_size(const char *path, int64_t *documents,
                          uint64_t *stored, char *err, size_t errlen);

/** Compresses data[0..len) with c (set up, nothing given yet) into a
 *  malloc'd *z of *zn bytes. */
mdlz_status ms_compress(mdlz_cctx *c, const unsigned char *data, size_t len,
                        unsigned char **z, size_t *zn);

/** A context for `len` bytes (recorded in the header when size_known) at
 *  `level`, set up with s and index (mdlz_setting_apply). */
mdlz_status ms_cctx(mdlz_cctx **c, int level, size_t len, int size_known,
                    const mdlz_setting *s, const char *index);

/** Adds the code of each component the stream z needs (its header) to
 *  comps[0..*n) (room for cap), each component once, and to *code. */
void ms_add_code_costs(mdlz_component_cost *comps, size_t *n, size_t cap,
                       uint64_t *code, const unsigned char *z, size_t zn);

/** The built-in tools a list names: "all" (or NULL), "none", or names
 *  separated by commas, each of which must be a built-in tool
 *  (MDLZ_ERROR_TOOL naming it, `what` ending the message). Static names
 *  into names[0..cap); *n their count. */
mdlz_status ms_builtin_list(const char *list, const char **names, size_t cap,
                            size_t *n, const char *what, char *err,
                            size_t errlen);

#endif
