/*
 * auto.h - `mdlz --auto`: before anything is compressed, the library's
 * minimum description length selection (mdlz_auto, include/mdlz_measure.h)
 * reads a sample of every input of the call and chooses the setting that
 * all of them are then compressed with (ops.c applies it).
 */
#ifndef MDLZ_CLI_AUTO_H
#define MDLZ_CLI_AUTO_H

#include <stddef.h>

#include "mdlz_measure.h"
#include "options.h"

/** Chooses the setting for the inputs at paths[0..n) (regular files; any
 *  other is left to the operation, which reports it) and sets
 *  o->setting to it; *out owns it (mdlz_auto_free after compressing).
 *  With -v, prints the candidates and their description length on
 *  stderr. Returns 0, or an exit status after reporting the error. */
int auto_choose(cli_options *o, const char *const *paths, size_t n,
                mdlz_auto **out);

#endif
