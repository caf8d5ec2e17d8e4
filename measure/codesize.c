/*
 * codesize.c - the code sizes of the components (include/mdlz_measure.h):
 * the table generated at build time by engine/gen/gen_codesize.c from the
 * lists in system/meson.build, and which entries a stream needs: the core,
 * the rows of the composition root's table the stream uses (an entry has
 * the row's name), and each built-in tool's own code.
 */
#include <string.h>

#include "inspect.h"
#include "mdlz_measure.h"
#include "registry.h"

#include "codesize_table.h"

#define CODESIZE_N (sizeof codesize_table / sizeof codesize_table[0])

size_t mdlz_code_size_count(void) { return CODESIZE_N; }

const mdlz_code_size *mdlz_code_size_get(size_t i) {
    return i < CODESIZE_N ? &codesize_table[i] : NULL;
}

const mdlz_code_size *mdlz_code_size_find(const char *name) {
    for (size_t i = 0; name && i < CODESIZE_N; i++)
        if (strcmp(codesize_table[i].name, name) == 0)
            return &codesize_table[i];
    return NULL;
}

/* Appends the entry called `name`, if measured and there is room. */
static void add(mdlz_component_cost *out, size_t cap, size_t *n,
                const char *name, uint64_t bytes) {
    if (!out || *n >= cap) return;
    out[*n].name = name;
    out[*n].code_bytes = bytes;
    (*n)++;
}

size_t mdlz_stream_code_costs(const void *header, size_t header_size,
                              mdlz_component_cost *out, size_t cap) {
    sys_header h;
    if (!header || sys_read_header(&h, header, header_size) != MDLZ_OK)
        return 0;
    size_t n = 0;
    const mdlz_code_size *e = mdlz_code_size_find("core");
    if (e) add(out, cap, &n, e->name, e->code_bytes);
    for (int i = 0; i < SYS_ROWS; i++) {
        if (!sys_row_in(&sys_table[i], &h.cfg, &h.recs)) continue;
        if ((e = mdlz_code_size_find(sys_table[i].name)))
            add(out, cap, &n, e->name, e->code_bytes);
    }
    for (int i = 0; i < h.n_tools; i++) {
        const mdlz_tool *t = tool_find_builtin(h.tools[i].name);
        if (t) add(out, cap, &n, t->name, t->code_bytes);
    }
    return n;
}
