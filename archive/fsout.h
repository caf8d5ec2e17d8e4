/*
 * fsout.h - writing extracted entries under a target directory safely:
 * every path is walked one component at a time with openat(O_NOFOLLOW),
 * so a symlink (planted in the tree or in the archive's own earlier
 * entries) never leads outside the target; names are checked again with
 * arc_name_ok; a file is written to a hidden temporary name in its
 * directory (tmpfile.h: registered for cleanup on interrupt) and renamed
 * when complete and verified, without replacing an existing file unless
 * forced (renameat2 RENAME_NOREPLACE).
 */
#ifndef MDLZ_ARCHIVE_FSOUT_H
#define MDLZ_ARCHIVE_FSOUT_H

#include <stddef.h>
#include <stdint.h>

#include "tmpfile.h"

/** Opens the directory holding `name` under root_fd (creating missing
 *  directories when `create`), returning its fd and *base (the last
 *  component, pointing into name); -1 with errno set (ELOOP for a symlink
 *  on the way, EINVAL for an unsafe name). */
int fs_parent(int root_fd, const char *name, int create, const char **base);

/** Writes all of buf to fd (retrying short writes); 0 or -1 (errno). */
int fs_write_all(int fd, const void *buf, size_t n);

/** 1 if `base` exists in dir_fd (of any type, symlinks not followed). */
int fs_exists(int dir_fd, const char *base);

/** A file being written: temporary name in its directory. */
typedef struct {
    int dir_fd, fd;
    char tmp[ARC_TMP_NAME_MAX];
    const char *base;
    mdlz_archive_cleanup *cleanup;
} fs_file;

/** Starts writing entry `name`, its temporary file registered in cleanup
 *  (may be NULL); 0 or -1 (errno). */
int fs_file_open(fs_file *f, int root_fd, const char *name,
                 mdlz_archive_cleanup *cleanup);
/** Writes all of buf; 0 or -1 (errno). */
int fs_file_write(fs_file *f, const void *buf, size_t n);
/** Sets mode and mtime, renames over `base` (only if it does not exist,
 *  unless force; with force the data is synced first, so a crash never
 *  leaves a replaced file empty). 0 or -1 (errno; EEXIST if it exists). */
int fs_file_commit(fs_file *f, uint32_t mode, int64_t mtime, int force);
/** Removes the temporary file (after an error). */
void fs_file_abort(fs_file *f);

/** Creates directory `name` (and parents) and sets its mode and mtime. */
int fs_dir(int root_fd, const char *name, uint32_t mode, int64_t mtime);

#endif
