/*
 * api.c - what mdlz_archive.h tells about an open archive (its entries,
 * groups and sizes, selection by name) and the checks shared by the calls
 * that take options. Opening: open.c; extracting: read.c; writing:
 * write.c and remove.c.
 */
#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "common.h"
#include "request.h"

int arc_reserved_zero(const uint32_t *reserved, size_t n, char *err,
                      size_t errlen) {
    for (size_t i = 0; i < n; i++)
        if (reserved[i]) {
            snprintf(err, errlen, "reserved option fields must be zero");
            return -1;
        }
    return 0;
}

void mdlz_archive_get_info(const mdlz_archive *a, mdlz_archive_info *info) {
    const arc_toc *t = &a->toc;
    memset(info, 0, sizeof *info);
    info->n_entries = t->n_entries;
    info->n_groups = t->n_groups;
    for (size_t i = 0; i < t->n_entries; i++)
        info->file_bytes += t->entries[i].size;
    info->archive_bytes = a->size;
    info->decode_bytes = arc_total_cost(t);
}

mdlz_status mdlz_archive_entry_get(const mdlz_archive *a, uint64_t i,
                                   mdlz_archive_entry *e) {
    if (i >= a->toc.n_entries) return MDLZ_ERROR_PARAM;
    arc_entry_public(&a->toc, (uint32_t)i, e);
    if (e->group >= 0)
        e->decode_cost =
            arc_closure_cost(&a->toc, (uint32_t)i, &e->decode_files);
    return MDLZ_OK;
}

mdlz_status mdlz_archive_group_get(const mdlz_archive *a, uint64_t g,
                                   mdlz_archive_group *out) {
    if (g >= a->toc.n_groups) return MDLZ_ERROR_PARAM;
    const arc_group *gr = &a->toc.groups[g];
    memset(out, 0, sizeof *out);
    out->offset = gr->offset;
    out->csize = gr->csize;
    out->raw = gr->raw;
    out->depth = gr->depth;
    out->first = gr->first;
    out->count = gr->count;
    out->n_deps = gr->n_deps;
    out->deps = gr->deps;
    return MDLZ_OK;
}

mdlz_status mdlz_archive_group_head(const mdlz_archive *a, uint64_t g,
                                    void *buf, size_t cap, size_t *len) {
    *len = 0;
    if (g >= a->toc.n_groups) return MDLZ_ERROR_PARAM;
    const arc_group *gr = &a->toc.groups[g];
    size_t k = (size_t)MDLZ_MIN((uint64_t)cap, gr->csize);
    if (req_read_at(a->fd, buf, k, gr->offset) != 0) return MDLZ_ERROR_GENERIC;
    *len = k;
    return MDLZ_OK;
}

uint64_t mdlz_archive_select(const mdlz_archive *a, const char *name,
                             uint8_t *select) {
    return arc_toc_select(&a->toc, name, select);
}
