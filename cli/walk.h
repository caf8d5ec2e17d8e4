/*
 * walk.h - the inputs found under a directory for -r (--recursive), as
 * zstd -r finds them: every regular file below it, in byte order of the
 * names within each directory, symbolic links not followed.
 */
#ifndef MDLZ_CLI_WALK_H
#define MDLZ_CLI_WALK_H

#include <stddef.h>

#include "options.h"

typedef struct {
    char **paths; /* "DIR/sub/name", each malloc'd */
    size_t n, cap;
} walk_list;

/** Appends to `out` the files under directory `dir` that opt->mode works
 *  on: when compressing, all but those named *.mdlz (unless -f); else only
 *  those named *.mdlz. Symbolic links are skipped with a notice (unless
 *  -q), as zstd does. Errors (an unreadable directory) are reported and
 *  the walk goes on. Returns 0, or 1 if anything was reported as an error
 *  (out holds what was found in any case). */
int walk_collect(const cli_options *opt, const char *dir, walk_list *out);

/** Frees the paths of a list and empties it. */
void walk_free(walk_list *l);

#endif
