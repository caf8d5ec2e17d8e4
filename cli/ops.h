/*
 * ops.h - the work done on one input file: compress it, decompress it, or
 * test it (decompress, verify, discard). Each reports its own errors on
 * stderr and returns 0 on success or 1 on failure.
 */
#ifndef MDLZ_CLI_OPS_H
#define MDLZ_CLI_OPS_H

#include "fileio.h"
#include "options.h"

/** Compresses, decompresses or (MODE_TEST) verifies `path`, a file name
 *  or "-" for standard input, as opt->mode says. */
int op_run(const cli_options *opt, const char *path);

/** Opens input `path` ("-" = standard input; `name` for messages) unless
 *  it is a directory or, without -f (or, for an operation that writes an
 *  output, without -f and -c or -o), not a regular file. Returns 0, or 1
 *  after reporting why not. */
int op_open_input(const cli_options *opt, in_file *f, const char *path,
                  const char *name);

/** True if name ends in ".mdlz". */
int has_mdlz_suffix(const char *name);

#endif
