/*
 * walk.h - the inputs of `archive create` / `add`: files and directories
 * found under the paths given, in byte order of names, with the names
 * they get in the archive.
 */
#ifndef MDLZ_ARCHIVE_WALK_H
#define MDLZ_ARCHIVE_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
    char *name;   /* archive name (arc_name_ok) */
    char *path;   /* where to read it */
    uint8_t type; /* ARC_FILE or ARC_DIR */
    uint32_t mode;
    int64_t mtime;
    uint64_t size; /* at walk time; the bytes read are what counts */
} arc_input;

typedef struct {
    arc_input *v;
    size_t n, cap;
} arc_inputs;

typedef void (*arc_warn_fn)(void *user, const char *path, const char *why);

/** A file never to include (the archive and its temporary file). */
typedef struct {
    dev_t dev;
    ino_t ino;
} arc_skip;

/** Collects the inputs under `paths`, leaving out the n_skip files of
 *  `skip`. Symlinks and special files are skipped with a warning. Fails
 *  (-1, message in err) on an unreadable path, a name with a ".."
 *  component, or a duplicate name. */
int arc_walk(const char *const *paths, int n, const arc_skip *skip, int n_skip,
             arc_warn_fn warn, void *user, arc_inputs *out, char *err,
             size_t errlen);

void arc_inputs_free(arc_inputs *in);

/** Reads a whole file into a malloc'd buffer; 0 or -1 (errno). */
int arc_read_file(const char *path, uint8_t **buf, size_t *len);

#endif
