/*
 * codesize.c - code sizes of the components (table generated at build
 * time by gen_codesize.c) and mdlz_stream_code_costs(): which of them a
 * stream needs to be decoded, read from its header.
 */
#include "codesize.h"

#include <string.h>

#include "format.h"
#include "registry.h"

#include "codesize_table.h"

#define CODESIZE_N (sizeof codesize_table / sizeof codesize_table[0])

size_t codesize_count(void) { return CODESIZE_N; }

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
    const char *used[5];
    size_t n_used = 0;
    used[n_used++] = "core";
    used[n_used++] = "orders";
    if (cfg.components & COMP_MATCH) used[n_used++] = "match";
    if (ext.ret_modes) used[n_used++] = "retrieval";
    if (ext.n_tools) used[n_used++] = "toolhost";
    size_t n = 0;
    for (size_t i = 0; i < n_used && n < cap && out; i++) {
        const codesize_entry *e = codesize_find(used[i]);
        if (!e) continue;
        out[n].name = e->name;
        out[n].code_bytes = e->bytes_zstd19;
        n++;
    }
    /* Each tool's own code, as its description declares (built-in tools;
     * a plugin's figure is in the plugin, not known from the header). */
    for (unsigned i = 0; i < ext.n_tools && n < cap && out; i++) {
        const mdlz_tool *t = tool_find_builtin(ext.tools[i].name);
        if (!t) continue;
        out[n].name = t->name;
        out[n].code_bytes = t->code_bytes;
        n++;
    }
    return n;
}
