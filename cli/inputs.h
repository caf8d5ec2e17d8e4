/*
 * inputs.h - whole files read into memory for the measuring commands
 * (`mdlz value --heldout`, `mdlz select`): files as named, directories
 * walked as -r walks them (walk.h).
 */
#ifndef MDLZ_CLI_INPUTS_H
#define MDLZ_CLI_INPUTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *name; /* the path, malloc'd */
    uint8_t *data;
    size_t len;
} input_file;

typedef struct {
    input_file *f;
    size_t n, cap;
} input_list;

/** Appends `path` (a file, or every file under a directory) to `l`.
 *  Errors are reported ("mdlz: NAME: reason"); returns 0 or 1 (an I/O
 *  error: the list holds what was read). */
int inputs_add(input_list *l, const char *path, int quiet);

/** Frees the files and empties the list. */
void inputs_free(input_list *l);

#endif
