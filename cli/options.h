/*
 * options.h - the settings of one mdlz invocation, as parsed from the
 * command line by main.c and read (never changed) by the operations.
 */
#ifndef MDLZ_CLI_OPTIONS_H
#define MDLZ_CLI_OPTIONS_H

#include <stdint.h>

#define CLI_PLUGINS_MAX 16

typedef enum { MODE_COMPRESS, MODE_DECOMPRESS, MODE_TEST, MODE_LIST } cli_mode;

typedef struct {
    cli_mode mode;
    int level;            /* MDLZ_LEVEL_MIN..MDLZ_LEVEL_MAX */
    uint64_t mem_limit;   /* bytes; 0 = no limit */
    int force;            /* -f: overwrite, allow terminal output, etc. */
    int remove_input;     /* --rm: delete the input after success */
    int recursive;        /* -r: the files under directories */
    int quiet;            /* -q: no progress, no verbose lines */
    int verbose;          /* -v: per-file summary lines */
    int to_stdout;        /* -c, or output named "-" */
    const char *out_name; /* -o FILE, or NULL */
    const char *index;    /* -R KB.db: retrieval index, or NULL */
    int retrieval;        /* --retrieval=: MDLZ_RETRIEVE_* bits (default 3) */
    int retrieval_set;    /* --retrieval was given (it needs -R) */
    const char *tools;    /* --tools=: "none", "all" or a,b,c (default below) */
    const char *plugins[CLI_PLUGINS_MAX]; /* --tool PATH (external tools) */
    int n_plugins;
} cli_options;

/* Tools used when --tools is not given, chosen by measurement
 * (bench/tools.sh, docs/tools.md): each built-in tool pays for its code on
 * its own data, but only seq pays on data of unknown kind: it costs under
 * 0.06% on text/ and saves 61 KB on structured/; calc and markup help on
 * their data only (arithmetic; XML and JSON), so they are asked for. */
#define CLI_TOOLS_DEFAULT "seq"

/* Name used in messages for standard input/output. */
#define CLI_STDIN_NAME "stdin"
#define CLI_SUFFIX     ".mdlz"

#endif
