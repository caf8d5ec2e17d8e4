/*
 * codesize.c - code sizes of the components (table generated at build
 * time by gen_codesize.c) and mdlz_stream_code_costs(): which of them a
 * stream needs to be decoded, read from its header.
 */
#include "codesize.h"

#include <string.h>

#include "format.h"

#include "codesize_table.h"

#define CODESIZE_N (sizeof codesize_table / sizeof codesize_table[0])

size_t codesize_count(void) {
    return CODESIZE_N;
}

const codesize_entry *codesize_get(size_t i) {
    return i < CODESIZE_N ? &codesize_table[i] : NULL;
}

const codesize_entry *codesize_find(const char *name) {
    for (size_t i = 0; i < CODESIZE_N; i++)
        if (strcmp(codesize_table[i].name, name) == 0)
            return &codesize_table[i];
    return NULL;
}

size_t mdlz_stream_code_costs(const void *header, size_t header_size,
                              mdlz_component_cost *out, size_t cap) {
    mdlz_config cfg;
    uint64_t src_size;
    size_t len;
    fmt_ext ext;
    if (!header || fmt_parse_full(header, header_size, &cfg, &src_size, &ext,
                                  &len) != MDLZ_OK)
        return 0;
    /* core and orders always decode; the match model and retrieval only
     * if the stream was coded with them. */
    const char *used[4];
    size_t n_used = 0;
    used[n_used++] = "core";
    used[n_used++] = "orders";
    if (cfg.components & COMP_MATCH) used[n_used++] = "match";
    if (ext.ret_modes) used[n_used++] = "retrieval";
    size_t n = 0;
    for (size_t i = 0; i < n_used && n < cap && out; i++) {
        const codesize_entry *e = codesize_find(used[i]);
        if (!e) continue;
        out[n].name = e->name;
        out[n].code_bytes = e->bytes_zstd19;
        n++;
    }
    return n;
}
