/*
 * mdlz_measure.h - the description length (docs/description-length.md):
 * the description of a stream is its payload plus the code of every
 * component needed to decode it. The code size of each component is
 * measured at build time (zstd -19 of its source files, in a documented
 * order) and compiled into the library; this header gives the table and
 * reads, from a stream header, which components the stream needs.
 */
#ifndef MDLZ_MEASURE_H
#define MDLZ_MEASURE_H

#include "mdlz.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;    /* static: "core", "orders", "match", ... */
    uint64_t raw_bytes;  /* its source files concatenated */
    uint64_t code_bytes; /* zstd -19 of that: its code size */
    unsigned n_files;    /* source files measured */
} mdlz_code_size;

/** The number of components measured. */
MDLZ_API size_t mdlz_code_size_count(void);

/** Component i (< mdlz_code_size_count()), or NULL. */
MDLZ_API const mdlz_code_size *mdlz_code_size_get(size_t i);

/** The component called `name`, or NULL. */
MDLZ_API const mdlz_code_size *mdlz_code_size_find(const char *name);

typedef struct {
    const char *name;    /* static: "core", "orders", "match", a tool ... */
    uint64_t code_bytes; /* zstd -19 size of the component's source files */
} mdlz_component_cost;

/** Code size of each component a stream needs to be decoded, read from its
 *  header (at least MDLZ_HEADER_MAX bytes of the stream, or all of it):
 *  the core, each model component it uses, and each built-in tool (a
 *  plugin's code size is in the plugin, not known from the header).
 *  Returns the count written (<= cap), or 0 on a bad header. */
MDLZ_API size_t mdlz_stream_code_costs(const void *header, size_t header_size,
                                       mdlz_component_cost *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
