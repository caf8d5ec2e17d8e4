/*
 * exitcode.h - the exit status of mdlz and every subcommand, as xz and
 * zstd use them: 0 success, 1 a data or I/O error (including a failed
 * check), 2 a usage error (an unknown option, a bad value).
 */
#ifndef MDLZ_CLI_EXITCODE_H
#define MDLZ_CLI_EXITCODE_H

#define EXIT_DATA_ERROR 1
#define EXIT_USAGE      2

#endif
