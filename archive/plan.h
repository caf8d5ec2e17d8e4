/*
 * plan.h - which files form which group, and what each group retrieves.
 *
 * Groups are runs of files in name order of at most group_size bytes (a
 * larger file is a group alone): related files sit together in most
 * trees, and a solid group codes them as one text. Each group then
 * retrieves, from an in-memory FTS5 index of the earlier groups' files
 * whose depth is below the limit, the files most relevant to its text
 * (integer BM25, retrieval/select.c) up to a byte budget; their contents,
 * least relevant first, are its prefix. Depth: 0 for a group without
 * dependencies, else one more than its deepest dependency's group.
 *
 * A new archive (or one with little to retrieve from) first gets a base:
 * a sample of small files spread evenly over the name order, about
 * group_size bytes, stored first as depth-0 groups. Every later group can
 * then retrieve from across the whole collection, and extracting any file
 * needs at most the base, its own group and its group's prefix (depth 1).
 */
#ifndef MDLZ_ARCHIVE_PLAN_H
#define MDLZ_ARCHIVE_PLAN_H

#include "archive.h"
#include "walk.h"

typedef struct {
    arc_toc *toc;          /* existing entries/groups, then the new ones */
    size_t first_entry;    /* first new entry */
    size_t first_group;    /* first new group */
    const arc_input **src; /* per entry: its input (new files), or NULL */
    uint8_t **texts;       /* per entry: content kept in memory, or NULL */
    uint64_t prime_bytes;  /* total prefix bytes of the new groups */
} arc_plan;

/** Appends the new files of `in` to p->toc (existing entries must be
 *  there, with p->texts holding the existing files it may retrieve from,
 *  and p->src/p->texts sized for every entry of `in` more), grouped and
 *  with dependencies chosen; directories and empty files come last.
 *  Reads the files it indexes and keeps their contents in p->texts.
 *  Returns MDLZ_OK or an error with a message. */
mdlz_status arc_plan_make(arc_plan *p, const arc_inputs *in,
                          const arc_write_opts *o, char *err, size_t errlen);

#endif
