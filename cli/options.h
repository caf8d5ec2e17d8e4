/*
 * options.h - the settings of one mdlz invocation, as parsed from the
 * command line by main.c and read (never changed) by the operations.
 */
#ifndef MDLZ_CLI_OPTIONS_H
#define MDLZ_CLI_OPTIONS_H

#include <stdint.h>

#include "mdlz_measure.h"

#define CLI_PLUGINS_MAX 16

typedef enum { MODE_COMPRESS, MODE_DECOMPRESS, MODE_TEST, MODE_LIST } cli_mode;

typedef struct {
    cli_mode mode;
    int level;            /* MDLZ_LEVEL_MIN..MDLZ_LEVEL_MAX */
    uint64_t mem_limit;   /* bytes; 0 = no limit */
    int threads;          /* -T N: threads for segments (0: one per core) */
    int segment_log;      /* --segment-log=N (tests): 0 = the level's */
    int force;            /* -f: overwrite, allow terminal output, etc. */
    int remove_input;     /* --rm: delete the input after success */
    int recursive;        /* -r: the files under directories */
    int quiet;            /* -q: no progress, no verbose lines */
    int verbose;          /* -v: per-file summary lines */
    int json;             /* --json: -l writes one JSON object per file */
    int to_stdout;        /* -c, or output named "-" */
    const char *out_name; /* -o FILE, or NULL */
    const char *index;    /* -R KB.db: retrieval index, or NULL */
    int retrieval;        /* --retrieval=: MDLZ_RETRIEVE_* bits (default 3) */
    int retrieval_set;    /* --retrieval was given (it needs -R) */
    const char *tools;    /* --tools=: "none", "all" or a,b,c; NULL: the
                             library's default tools */
    const char *plugins[CLI_PLUGINS_MAX]; /* --tool PATH (external tools) */
    int n_plugins;
    int auto_select;    /* --auto: choose the setting (auto.c) */
    int auto_objective; /* mdlz_auto_objective: --auto (DL), --auto=size */
    uint64_t amortize;  /* --amortize=N: the code counts once per N files */
    /* the setting --auto chose (it owns it), applied instead of the
     * tools and retrieval flags; NULL without --auto */
    const mdlz_setting *setting;
} cli_options;

/* Name used in messages for standard input/output. */
#define CLI_STDIN_NAME "stdin"
#define CLI_SUFFIX     ".mdlz"

#endif
