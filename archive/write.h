/*
 * write.h - what writing an archive shares between create/add (write.c)
 * and remove (remove.c): the output file, a temporary file beside the
 * archive renamed over it when complete (tmpfile.h), and the writing of
 * the groups, each coded by a worker or copied from the old archive, in
 * order, then of the table of contents and the trailer.
 */
#ifndef MDLZ_ARCHIVE_WRITE_H
#define MDLZ_ARCHIVE_WRITE_H

#include "plan.h"
#include "tmpfile.h"

/** The archive being written. */
typedef struct {
    int dir_fd; /* the archive's directory */
    int fd;     /* the temporary file, or -1 */
    char *base; /* the archive's name in dir_fd */
    char tmp[ARC_TMP_NAME_MAX];
    mdlz_archive_cleanup *cleanup;
} arc_out;

/** Creates the temporary file beside `path` and writes the archive
 *  header. On failure (message in err) *w needs no arc_out_close. */
mdlz_status arc_out_open(arc_out *w, const char *path,
                         mdlz_archive_cleanup *cleanup, char *err,
                         size_t errlen);

/** Syncs the temporary file and renames it to the archive (replacing an
 *  existing one only if `replace`). */
mdlz_status arc_out_commit(arc_out *w, int replace, char *err, size_t errlen);

/** Removes the temporary file unless committed; frees *w. */
void arc_out_close(arc_out *w);

/** Where the groups of p->toc come from. */
typedef struct {
    const uint8_t *code;     /* per group: code it, else copy it; NULL:
                               * code those from p->first_group on */
    int old_fd;              /* copies come from there, at the group's */
    const uint64_t *old_off; /* offset there (NULL: its offset field) */
    const uint8_t *level;    /* per group: level to code at (NULL:
                               * o->level) */
    int keep_texts;          /* keep p->texts (else the texts no later
                               * group may retrieve are freed once coded) */
    int report;              /* report coded files through o->report */
} arc_sources;

/** Writes every group of p->toc to w at *pos, coded (from p->texts, or
 *  the files of p->src) or copied, in order; sets their offsets and sizes
 *  and the coded files' compressed sizes. */
mdlz_status arc_write_groups(arc_plan *p, const arc_sources *src,
                             const arc_write_opts *o, arc_out *w, uint64_t *pos,
                             char *err, size_t errlen);

/** Writes the table of contents (an mdlz stream at `level`) and the
 *  trailer at pos. */
mdlz_status arc_write_toc(const arc_toc *t, int level, arc_out *w, uint64_t pos,
                          char *err, size_t errlen);

#endif
