/*
 * tmpfile.h - the temporary files of archive/: the archive being written
 * beside the old one, and each file being extracted beside its final name.
 * Each has a hidden name (".BASE.XXXXXX") in the directory of its final
 * name and, from its creation to its rename or removal, is registered in
 * the caller's cleanup handle (mdlz_archive_cleanup, mdlz_archive.h).
 * Creating, renaming and removing happen under the handle's lock, so once
 * mdlz_archive_cleanup_run() has removed the files none is created or
 * renamed any more: an interrupted command leaves nothing behind, and
 * nothing incomplete under a final name.
 */
#ifndef MDLZ_ARCHIVE_TMPFILE_H
#define MDLZ_ARCHIVE_TMPFILE_H

#include "mdlz_archive.h"

#define ARC_TMP_NAME_MAX 256 /* bytes of a temporary name, with the NUL */

/** Creates a new file ".BASE.XXXXXX" (".mdlza.XXXXXX" when BASE is long)
 *  in dir_fd with `mode`, open for reading and writing; its name goes to
 *  tmp. Returns the descriptor, or -1 with errno (ECANCELED once the
 *  cleanup ran). c may be NULL (nothing registered). */
int arc_tmp_open(mdlz_archive_cleanup *c, int dir_fd, const char *base,
                 unsigned mode, char tmp[ARC_TMP_NAME_MAX]);

/** Renames tmp to base in dir_fd (never over an existing file unless
 *  replace) and forgets it. 0, or -1 with errno (EEXIST, ECANCELED...):
 *  then tmp is still registered, for arc_tmp_abort. */
int arc_tmp_commit(mdlz_archive_cleanup *c, int dir_fd, const char *tmp,
                   const char *base, int replace);

/** Removes tmp (if it is still there) and forgets it. */
void arc_tmp_abort(mdlz_archive_cleanup *c, int dir_fd, const char *tmp);

/** 1 once mdlz_archive_cleanup_run() was called on c (0 for NULL). */
int arc_tmp_cancelled(mdlz_archive_cleanup *c);

#endif
