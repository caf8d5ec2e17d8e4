/*
 * list.h - "mdlz -l": one table row per compressed file (sizes, ratio,
 * bits per byte, level, checksum, model components) and a total line;
 * with -v also memory, block size and the description length (payload +
 * code size of the components used) of each file. With --json, one JSON
 * object per file and no heading or total.
 */
#ifndef MDLZ_CLI_LIST_H
#define MDLZ_CLI_LIST_H

#include <stdint.h>

#include "options.h"

typedef struct {
    unsigned rows; /* files listed so far */
    uint64_t compressed, original;
} list_totals;

/** Lists `path` ("-" = standard input); prints the table heading before
 *  the first row. Returns 0, or 1 after reporting an error. */
int list_file(const cli_options *opt, const char *path, list_totals *t);

/** Prints the total line if more than one file was listed (not with
 *  --json). */
void list_total(const cli_options *opt, const list_totals *t);

#endif
