/*
 * fileio.h - safe input and output files.
 *
 * Output never replaces anything until it is complete: it is written to a
 * temporary file next to the target (".NAME.tmpXXXXXX"), fsync'd, given
 * the input's mode and times, and only then renamed (or, when overwriting
 * is not allowed, hard-linked, which fails atomically if the name exists).
 * SIGINT/SIGTERM/SIGHUP remove the temporary file before the process dies.
 */
#ifndef MDLZ_CLI_FILEIO_H
#define MDLZ_CLI_FILEIO_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/** Installs the signal handlers that remove the current temporary file.
 *  Signals ignored at startup (e.g. under nohup) stay ignored. */
void fileio_install_signals(void);

typedef struct {
    int fd;
    int is_stdin;
    struct stat st; /* of the open descriptor */
} in_file;

/** Opens `path` ("-" = standard input) and fstat()s it. Returns 0, or -1
 *  with errno set. */
int in_open(in_file *f, const char *path);
void in_close(in_file *f);

/** Reads until `n` bytes or end of file (retrying on EINTR). Returns the
 *  byte count (< n only at end of file), or -1 with errno set. */
ssize_t read_full(int fd, void *buf, size_t n);

/** Reads all of `path` ("-" = standard input) into a malloc'd *data
 *  (*len bytes; *regular: a regular file, whose size is known in
 *  advance). Returns 0, or an errno value (EISDIR for a directory). */
int read_whole(const char *path, unsigned char **data, size_t *len,
               int *regular);

typedef struct {
    int fd;
    int direct; /* standard output or a device: written in place */
    char *path; /* final name (NULL for standard output) */
    char *temp; /* temporary file while one exists */
} out_file;

/** Prepares output to `path` (NULL = standard output). Unless `force`,
 *  fails with EEXIST if `path` exists. Character devices and FIFOs (e.g.
 *  /dev/null) are written directly. Returns 0, or -1 with errno set. */
int out_open(out_file *o, const char *path, int force);

/** Writes all of buf. Returns 0, or -1 with errno set. */
int out_write(out_file *o, const void *buf, size_t n);

/** Finishes the output: copies owner, mode and times from `src` (NULL:
 *  default mode), fsyncs, and moves the temporary file to its final name
 *  (failing with EEXIST if that appeared meanwhile and `force` is 0).
 *  On failure the temporary file is removed. Returns 0, or -1 with errno. */
int out_commit(out_file *o, const struct stat *src, int force);

/** Discards the output: closes and removes the temporary file. */
void out_abort(out_file *o);

#endif
