/*
 * remove.c - removing entries from an archive (mdlz_archive_remove).
 *
 * A removed file's bytes must leave the archive, yet other groups may
 * have retrieved it: their streams were coded with its contents in their
 * prefix and cannot be decoded without them. So a group is recoded when
 * it held a removed file (from the files it keeps) or retrieved one (with
 * the dependencies it keeps, in the same order; nothing is retrieved in
 * place of the removed ones). Every other group is copied byte for byte:
 * its files and its prefix are unchanged, whatever happened to the groups
 * around it. Recoded groups keep the level their stream was coded at.
 * Entry and group numbers change, so the table of contents is rebuilt:
 * dependencies renumbered, depths recomputed from the dependencies left.
 * The new archive replaces the old one atomically (write.h), as `add`
 * does. Docs: docs/archive.md, "Removing files".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "common.h"
#include "write.h"

/* The old archive and the new table of contents made from it. */
typedef struct {
    const arc_toc *old;
    const uint8_t *gone; /* per old entry: removed */
    uint32_t *entry_map; /* old entry -> new entry, UINT32_MAX if removed */
    uint32_t *group_map; /* old group -> new group, UINT32_MAX if dropped */
    arc_toc toc;         /* the new one */
    uint8_t *recode;     /* per new group */
    uint8_t *level;      /* per new group: its stream's level */
    uint64_t *old_off;   /* per new group: its stream in the old archive */
} remover;

static void remover_free(remover *m) {
    free(m->entry_map);
    free(m->group_map);
    free(m->recode);
    free(m->level);
    free(m->old_off);
    arc_toc_free(&m->toc);
}

/* Builds the new TOC: kept entries renumbered, groups that keep a file,
 * their dependencies renumbered, which groups to recode. -1 if out of
 * memory. */
static int rebuild(remover *m) {
    const arc_toc *t = m->old;
    size_t ne = t->n_entries + 1, ng = t->n_groups + 1;
    m->entry_map = malloc(ne * sizeof *m->entry_map);
    m->group_map = malloc(ng * sizeof *m->group_map);
    m->recode = calloc(ng, 1);
    m->level = calloc(ng, 1);
    m->old_off = calloc(ng, sizeof *m->old_off);
    if (!m->entry_map || !m->group_map || !m->recode || !m->level ||
        !m->old_off)
        return -1;
    uint32_t next = 0;
    for (size_t i = 0; i < t->n_entries; i++)
        m->entry_map[i] = m->gone[i] ? UINT32_MAX : next++;
    for (size_t g = 0; g < t->n_groups; g++) {
        const arc_group *og = &t->groups[g];
        arc_group out = *og;
        uint32_t kept = 0, lost = 0;
        out.first = UINT32_MAX;
        for (uint32_t i = og->first; i < og->first + og->count; i++)
            if (!m->gone[i]) {
                if (!kept++) out.first = m->entry_map[i];
            }
        m->group_map[g] = UINT32_MAX;
        if (!kept) continue;
        out.n_deps = 0;
        for (uint32_t j = 0; j < og->n_deps; j++) {
            uint32_t d = m->entry_map[og->deps[j]];
            if (d == UINT32_MAX) lost++;
            else out.deps[out.n_deps++] = d;
        }
        out.count = kept;
        m->group_map[g] = (uint32_t)m->toc.n_groups;
        m->recode[m->toc.n_groups] = kept < og->count || lost > 0;
        m->old_off[m->toc.n_groups] = og->offset;
        if (arc_toc_add_group(&m->toc, &out) != 0) return -1;
    }
    for (size_t i = 0; i < t->n_entries; i++) {
        if (m->gone[i]) continue;
        arc_entry e = t->entries[i];
        if (e.group >= 0) e.group = m->group_map[e.group];
        if (arc_toc_add_entry(&m->toc, &e) != 0) return -1;
    }
    /* Depths from the dependencies left (a group that lost them all is a
     * base group now); recoding never changes what a group depends on. */
    for (size_t g = 0; g < m->toc.n_groups; g++) {
        arc_group *gr = &m->toc.groups[g];
        gr->depth = 0;
        for (uint32_t j = 0; j < gr->n_deps; j++) {
            uint32_t dd =
                m->toc.groups[m->toc.entries[gr->deps[j]].group].depth + 1;
            if (dd > gr->depth) gr->depth = dd;
        }
    }
    return 0;
}

/* The level each recoded group's stream was coded at, from its header. */
static mdlz_status levels(remover *m, const arc_reader *r, char *err,
                          size_t errlen) {
    for (size_t g = 0; g < m->old->n_groups; g++) {
        uint32_t ng = m->group_map[g];
        if (ng == UINT32_MAX || !m->recode[ng]) continue;
        uint8_t head[MDLZ_HEADER_MAX];
        size_t k;
        mdlz_frame_info fi;
        if (mdlz_archive_group_head(r, g, head, sizeof head, &k) != MDLZ_OK ||
            mdlz_get_frame_info(&fi, head, k) != MDLZ_OK) {
            snprintf(err, errlen, "group %zu is damaged", g);
            return MDLZ_ERROR_CORRUPT;
        }
        m->level[ng] = (uint8_t)fi.level;
    }
    return MDLZ_OK;
}

/* Decodes the texts the recoded groups need (their files, their
 * dependencies) into texts[] (new entry numbers). */
static mdlz_status load(remover *m, arc_reader *r, uint8_t **texts,
                        const arc_write_opts *o, char *err, size_t errlen) {
    const arc_toc *t = m->old;
    uint8_t *sel = calloc(t->n_entries + 1, 1);
    uint8_t **old = calloc(t->n_entries + 1, sizeof *old);
    mdlz_status st = MDLZ_ERROR_NOMEM;
    if (!sel || !old) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t g = 0; g < t->n_groups; g++) {
        uint32_t ng = m->group_map[g];
        if (ng == UINT32_MAX || !m->recode[ng]) continue;
        const arc_group *og = &t->groups[g];
        for (uint32_t i = og->first; i < og->first + og->count; i++)
            sel[i] = !m->gone[i];
        for (uint32_t j = 0; j < og->n_deps; j++)
            sel[og->deps[j]] |= !m->gone[og->deps[j]];
    }
    mdlz_archive_extract_opts lo;
    mdlz_archive_extract_opts_init(&lo);
    lo.threads = o->threads;
    lo.cleanup = o->cleanup;
    st = arc_load(r, sel, old, &lo, err, errlen);
    for (size_t i = 0; i < t->n_entries; i++) {
        if (old[i] && m->entry_map[i] != UINT32_MAX)
            texts[m->entry_map[i]] = old[i];
        else free(old[i]);
    }
out:
    free(sel);
    free(old);
    return st;
}

/* Marks the entries the names select; MDLZ_ERROR_PARAM for a name that
 * selects nothing. */
static mdlz_status select_names(const arc_reader *r, const char *const *names,
                                int n, uint8_t *gone, char *err,
                                size_t errlen) {
    for (int k = 0; k < n; k++)
        if (mdlz_archive_select(r, names[k], gone) == 0) {
            snprintf(err, errlen, "%s: not in the archive", names[k]);
            return MDLZ_ERROR_PARAM;
        }
    return MDLZ_OK;
}

/* Writes the new archive of m beside the old one and renames it over. */
static mdlz_status write_new(remover *m, arc_reader *r, const char *archive,
                             const arc_write_opts *o, char *err,
                             size_t errlen) {
    uint8_t **texts = calloc(m->toc.n_entries + 1, sizeof *texts);
    if (!texts) {
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
    arc_out w;
    arc_plan p = {&m->toc, m->toc.n_entries, m->toc.n_groups, NULL, texts, 0};
    arc_sources src = {m->recode, arc_reader_fd(r), m->old_off, m->level, 1, 0};
    uint64_t pos = ARC_HEADER_SIZE;
    mdlz_status st = arc_out_open(&w, archive, o->cleanup, err, errlen);
    if (st == MDLZ_OK) {
        st = levels(m, r, err, errlen);
        if (st == MDLZ_OK) st = load(m, r, texts, o, err, errlen);
        if (st == MDLZ_OK)
            st = arc_write_groups(&p, &src, o, &w, &pos, err, errlen);
        if (st == MDLZ_OK)
            st = arc_write_toc(&m->toc, arc_reader_toc_level(r), &w, pos, err,
                               errlen);
        if (st == MDLZ_OK) st = arc_out_commit(&w, 1, err, errlen);
        arc_out_close(&w);
    }
    for (size_t i = 0; i < m->toc.n_entries; i++) free(texts[i]);
    free(texts);
    return st;
}

mdlz_status mdlz_archive_remove(const char *archive, const char *const *names,
                                int n, const arc_write_opts *o, char *err,
                                size_t errlen) {
    if (errlen) err[0] = 0;
    if (arc_reserved_zero(o->reserved,
                          sizeof o->reserved / sizeof o->reserved[0], err,
                          errlen) != 0)
        return MDLZ_ERROR_PARAM;
    arc_reader *r;
    MDLZ_FORWARD(mdlz_archive_open(&r, archive, err, errlen));
    remover m = {0};
    m.old = arc_reader_toc(r);
    uint8_t *gone = calloc(m.old->n_entries + 1, 1);
    m.gone = gone;
    mdlz_status st = MDLZ_ERROR_NOMEM;
    if (mdlz_archive_damage(r)) {
        snprintf(err, errlen, "%s: extract its files instead",
                 mdlz_archive_damage(r));
        st = MDLZ_ERROR_CORRUPT;
    } else if (!gone) {
        snprintf(err, errlen, "out of memory");
    } else if ((st = select_names(r, names, n, gone, err, errlen)) == MDLZ_OK) {
        if (rebuild(&m) != 0) {
            st = MDLZ_ERROR_NOMEM;
            snprintf(err, errlen, "out of memory");
        } else {
            st = write_new(&m, r, archive, o, err, errlen);
        }
    }
    for (size_t i = 0; st == MDLZ_OK && o->report && i < m.old->n_entries; i++)
        if (gone[i]) {
            mdlz_archive_entry e;
            arc_entry_public(m.old, (uint32_t)i, &e);
            o->report(o->user, &e);
        }
    free(gone);
    remover_free(&m);
    mdlz_archive_close(r);
    return st;
}
