/*
 * main.c - the mdlz command: parses the command line (zstd/xz style
 * options, combinable short flags, "--" to end them), checks what cannot
 * work before touching any file, and runs the chosen operation on each
 * input in turn. Exit status: 0 success, 1 some file failed, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto.h"
#include "exitcode.h"
#include "fileio.h"
#include "list.h"
#include "mdlz.h"
#include "ops.h"
#include "options.h"
#include "report.h"
#include "subcmd.h"
#include "walk.h"

static void print_help(void) {
    printf(
        "Usage: mdlz [OPTION]... [FILE]...\n"
        "       mdlz index add|ls|rm|stats|search KB.db ...  (mdlz index "
        "--help)\n"
        "       mdlz tools [--load PLUGIN.so]  list the tools\n"
        "       mdlz ablate [-R KB.db] [--tools=...] FILE...  what each "
        "component gains\n"
        "       mdlz archive create|list|extract|add|test A.mdlza ...  (mdlz "
        "archive --help)\n"
        "       mdlz explain [-R KB.db] [--tools=...] [-o REPORT] FILE  where "
        "the bits went\n"
        "       mdlz value KB.db [--heldout FILE|DIR...]  what each indexed "
        "document is worth\n"
        "       mdlz select DOC... --budget SIZE|N%%  the documents to index\n"
        "Compress or decompress FILEs with mdlz (context mixing).\n"
        "With no FILE, or when FILE is -, read standard input.\n"
        "\n"
        "Operations (the last one given wins):\n"
        "  -z, --compress    compress (default): FILE -> FILE.mdlz\n"
        "  -d, --decompress  decompress: FILE.mdlz -> FILE\n"
        "  -t, --test        test compressed files (decode and verify)\n"
        "  -l, --list        list information about compressed files\n"
        "\n"
        "Options:\n"
        "  -c, --stdout      write to standard output\n"
        "  -o FILE           write to FILE (one input only)\n"
        "  -f, --force       overwrite existing output; write compressed data\n"
        "                    to a terminal, read input from one; compress\n"
        "                    .mdlz files; read devices and FIFOs as streams\n"
        "                    (with -c or -o; without -f they are skipped)\n"
        "  -r, --recursive   operate on the files under directories: each\n"
        "                    regular file (-d, -t, -l: each *.mdlz), names\n"
        "                    sorted, symbolic links skipped\n"
        "  -k, --keep        keep input files (default)\n"
        "      --rm          remove input files after success\n"
        "  -1 .. -9          compression level (default %d); higher is\n"
        "                    slower, uses more memory, compresses better\n"
        "  -R, --index=KB.db compress against (or decompress with) the\n"
        "                    retrieval index KB.db (see mdlz index)\n"
        "      --retrieval=MODE  with -R: whole (documents chosen for the\n"
        "                    input, listed in the header), online (queries\n"
        "                    while coding), both (default) or none\n"
        "      --tools=LIST  tools the model consults: none, all, or names\n"
        "                    (calc,seq,markup; see mdlz tools); default %s,\n"
        "                    left out of inputs under 64 KiB (named tools\n"
        "                    are always used)\n"
        "      --tool=PATH   a tool plugin (shared library): used when\n"
        "                    compressing, made available when decompressing\n"
        "      --auto[=size] choose the components (match model, retrieval\n"
        "                    mode with -R, each tool of --tools, default\n"
        "                    all) that minimize the description length of\n"
        "                    all the FILEs: payloads + the code of the\n"
        "                    components, counted once (size: payloads\n"
        "                    only); decided on a sample (docs/auto.md); -v\n"
        "                    prints the candidates\n"
        "      --amortize=N  with --auto: the code counts once per N files\n"
        "      --memory=SIZE memory limit (K, M, G, KiB, MiB, GiB suffixes);\n"
        "                    compression takes the highest level that fits,\n"
        "                    decompression refuses streams that need more\n"
        "                    (default 2GiB)\n"
        "  -T, --threads=N   threads (default 0: one per core): inputs over\n"
        "                    one segment (16 MiB, 32 MiB at -7..-9, or of\n"
        "                    unknown size) are cut into segments coded at\n"
        "                    once, both ways; the output is the same for any\n"
        "                    N, --memory bounds all threads together\n"
        "      --segment-log=N  (tests, measurements) segments of 2^N bytes\n"
        "                    (18..30) instead of the level's\n"
        "  -q, --quiet       no progress line (on a terminal, for 4 MiB or\n"
        "                    more of input; with percentage done and ETA if\n"
        "                    its size is known) and no summary\n"
        "  -v, --verbose     print a summary per file; with -l, more columns "
        "and the\n"
        "                    description length (payload + code)\n"
        "      --json        with -l: one JSON object per file (all the\n"
        "                    columns, -v's included), for scripts\n"
        "  -h, --help        print this help and exit\n"
        "  -V, --version     print the version and exit\n"
        "  --                treat all following arguments as file names\n"
        "\n"
        "Exit status: 0 on success, 1 if an error occurred, 2 on a usage "
        "error.\n",
        MDLZ_LEVEL_DEFAULT, mdlz_default_tools());
}

/* Reports a usage error; returns the exit status for it. */
static int usage_error(const char *what, const char *arg) {
    if (arg) fprintf(stderr, "mdlz: %s '%s' (see mdlz --help)\n", what, arg);
    else fprintf(stderr, "mdlz: %s (see mdlz --help)\n", what);
    return EXIT_USAGE;
}

/* What parsing found besides the options. */
typedef struct {
    int help, version;
    const char **files;
    size_t n_files;
} parsed;

/* Applies a flag option given by its short letter ('R' is --rm). */
static void set_flag(cli_options *o, parsed *p, char flag) {
    switch (flag) {
    case 'z': o->mode = MODE_COMPRESS; break;
    case 'd': o->mode = MODE_DECOMPRESS; break;
    case 't': o->mode = MODE_TEST; break;
    case 'l': o->mode = MODE_LIST; break;
    case 'c':
        o->to_stdout = 1;
        o->out_name = NULL;
        break;
    case 'f': o->force = 1; break;
    case 'r': o->recursive = 1; break;
    case 'k': o->remove_input = 0; break;
    case 'X': /* --rm */ o->remove_input = 1; break;
    case 'q':
        o->quiet = 1;
        o->verbose = 0;
        break;
    case 'v':
        o->verbose = 1;
        o->quiet = 0;
        break;
    case 'J': /* --json */ o->json = 1; break;
    case 'h': p->help = 1; break;
    case 'V': p->version = 1; break;
    }
}

/* A count of threads or the like: decimal digits, 0..4096. */
static int parse_count(const char *s, int *out) {
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 4) return -1;
    int v = atoi(s);
    if (v > 4096) return -1;
    *out = v;
    return 0;
}

/* Handles one long option (`arg` is all of it, "--" included); `next` is
 * the argument after it, consumed (*used = 1) by "--memory SIZE". */
static int long_option(cli_options *o, parsed *p, const char *arg,
                       const char *next, int *used) {
    static const struct {
        const char *name;
        char flag;
    } flags[] = {{"compress", 'z'}, {"decompress", 'd'}, {"uncompress", 'd'},
                 {"test", 't'},     {"list", 'l'},       {"stdout", 'c'},
                 {"force", 'f'},    {"keep", 'k'},       {"rm", 'X'},
                 {"quiet", 'q'},    {"verbose", 'v'},    {"help", 'h'},
                 {"version", 'V'},  {"recursive", 'r'},  {"json", 'J'}};
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    if (len == 5 && strncmp(name, "tools", 5) == 0) {
        if (!eq || !eq[1])
            return usage_error("--tools takes none, all or NAME,...", arg);
        o->tools = eq + 1;
        return 0;
    }
    if (len == 4 && strncmp(name, "tool", 4) == 0) {
        const char *val = eq ? eq + 1 : next;
        if (!val || !*val)
            return usage_error("option requires an argument", arg);
        if (!eq) *used = 1;
        if (o->n_plugins == CLI_PLUGINS_MAX)
            return usage_error("too many --tool options", NULL);
        o->plugins[o->n_plugins++] = val;
        return 0;
    }
    if (len == 5 && strncmp(name, "index", 5) == 0) {
        const char *val = eq ? eq + 1 : next;
        if (!val || !*val)
            return usage_error("option requires an argument", arg);
        if (!eq) *used = 1;
        o->index = val;
        return 0;
    }
    if (len == 9 && strncmp(name, "retrieval", 9) == 0) {
        static const char *const modes[] = {"none", "whole", "online", "both"};
        const char *val = eq ? eq + 1 : "";
        for (int m = 0; m < 4; m++)
            if (strcmp(val, modes[m]) == 0) {
                o->retrieval = m;
                o->retrieval_set = 1;
                return 0;
            }
        return usage_error("--retrieval takes none, whole, online or both:",
                           val);
    }
    if ((len == 7 && strncmp(name, "threads", 7) == 0) ||
        (len == 11 && strncmp(name, "segment-log", 11) == 0)) {
        const char *val = eq ? eq + 1 : next;
        if (!val) return usage_error("option requires an argument", arg);
        if (!eq) *used = 1;
        int *dst = len == 7 ? &o->threads : &o->segment_log;
        return parse_count(val, dst) ? usage_error("invalid number:", val) : 0;
    }
    if (len == 4 && strncmp(name, "auto", 4) == 0) {
        const char *val = eq ? eq + 1 : "dl";
        if (strcmp(val, "dl") != 0 && strcmp(val, "size") != 0)
            return usage_error("--auto takes dl (the default) or size:", val);
        o->auto_select = 1;
        o->auto_objective =
            strcmp(val, "size") == 0 ? MDLZ_AUTO_SIZE : MDLZ_AUTO_DL;
        return 0;
    }
    if (len == 8 && strncmp(name, "amortize", 8) == 0) {
        const char *val = eq ? eq + 1 : next;
        long v;
        if (!val) return usage_error("option requires an argument", arg);
        if (!eq) *used = 1;
        if (parse_long(val, 1, 1L << 30, &v) != 0)
            return usage_error("--amortize takes a number of files (1 or "
                               "more):",
                               val);
        o->amortize = (uint64_t)v;
        return 0;
    }
    if (len == 6 && strncmp(name, "memory", 6) == 0) {
        const char *val = eq ? eq + 1 : next;
        if (!val) return usage_error("option requires an argument", arg);
        if (!eq) *used = 1;
        if (parse_size(val, &o->mem_limit) != 0)
            return usage_error("invalid size for --memory:", val);
        return 0;
    }
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strlen(flags[i].name) != len || strncmp(name, flags[i].name, len))
            continue;
        if (eq) return usage_error("option takes no argument:", arg);
        set_flag(o, p, flags[i].flag);
        return 0;
    }
    return usage_error("unknown option", arg);
}

/* Handles a cluster of short flags such as "-dc" or "-9v" or "-oFILE". */
static int short_options(cli_options *o, parsed *p, const char *arg,
                         const char *next, int *used) {
    for (const char *c = arg + 1; *c; c++) {
        if (*c >= '0' && *c <= '9') {
            /* A level is one digit: "-12" is not level 1 then level 2 (nor
             * a silently truncated 12) but a level that does not exist. */
            size_t n = strspn(c, "0123456789");
            int level = *c - '0';
            if (n > 1 || level < MDLZ_LEVEL_MIN || level > MDLZ_LEVEL_MAX) {
                char what[64], bad[32];
                snprintf(what, sizeof what,
                         "no such level (levels are -%d .. -%d):",
                         MDLZ_LEVEL_MIN, MDLZ_LEVEL_MAX);
                snprintf(bad, sizeof bad, "-%.*s", (int)(n < 29 ? n : 29), c);
                return usage_error(what, bad);
            }
            o->level = level;
        } else if (*c == 'T') {
            const char *val = c[1] ? c + 1 : next;
            if (!val) return usage_error("option requires an argument", "-T");
            if (!c[1]) *used = 1;
            if (parse_count(val, &o->threads))
                return usage_error("invalid number of threads:", val);
            return 0;
        } else if (*c == 'o' || *c == 'R') {
            const char *val = c[1] ? c + 1 : next;
            if (!val) {
                char opt[3] = {'-', *c, '\0'};
                return usage_error("option requires an argument", opt);
            }
            if (!c[1]) *used = 1;
            if (*c == 'R') {
                o->index = val;
                return 0;
            }
            o->out_name = val;
            o->to_stdout = 0;
            return 0;
        } else if (strchr("zdtlcfrkqvhV", *c)) {
            set_flag(o, p, *c);
        } else {
            char bad[3] = {'-', *c, '\0'};
            return usage_error("unknown option", bad);
        }
    }
    return 0;
}

static int parse_args(int argc, char **argv, cli_options *o, parsed *p) {
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 0, rc;
        if (only_files || arg[0] != '-' || arg[1] == '\0') {
            p->files[p->n_files++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (arg[1] == '-') rc = long_option(o, p, arg, next, &used);
        else rc = short_options(o, p, arg, next, &used);
        if (rc) return rc;
        i += used;
    }
    return 0;
}

/* Checks that need no file: terminals and option combinations. */
static int check_plan(cli_options *o, const parsed *p) {
    if (o->out_name && strcmp(o->out_name, "-") == 0) {
        o->out_name = NULL;
        o->to_stdout = 1;
    }
    if (o->out_name && p->n_files > 1)
        return usage_error("-o can only be used with a single input file",
                           NULL);
    if (o->out_name && o->recursive)
        return usage_error("-o cannot be used with -r", NULL);
    if (o->json && o->mode != MODE_LIST)
        return usage_error("--json goes with -l (--list)", NULL);
    /* Without an index the mode would be silently ignored. */
    if (o->retrieval_set && !o->index)
        return usage_error("--retrieval needs -R KB.db (a retrieval index)",
                           NULL);
    int reads_stdin = 0;
    for (size_t i = 0; i < p->n_files; i++)
        if (strcmp(p->files[i], "-") == 0) reads_stdin = 1;
    if (o->amortize && !o->auto_select)
        return usage_error("--amortize needs --auto", NULL);
    if (o->auto_select && o->mode != MODE_COMPRESS)
        return usage_error("--auto chooses how to compress: it applies to "
                           "compression only",
                           NULL);
    if (o->auto_select && o->retrieval_set)
        return usage_error("--auto chooses the retrieval mode (drop "
                           "--retrieval)",
                           NULL);
    if (o->auto_select && reads_stdin)
        return usage_error("--auto reads its inputs twice (to choose, then "
                           "to compress): give files, not standard input",
                           NULL);
    int writes_stdout = o->to_stdout || (reads_stdin && !o->out_name);
    if (o->mode == MODE_COMPRESS && writes_stdout && !o->force &&
        isatty(STDOUT_FILENO)) {
        report_error(NULL, "stdout is a terminal; refusing to write "
                           "compressed data to it (use -f to force)");
        return EXIT_DATA_ERROR;
    }
    /* As zstd: what is typed is rarely meant to be compressed; a command
     * run without its input pipe would otherwise wait silently. */
    if (reads_stdin && !o->force && isatty(STDIN_FILENO)) {
        report_error(NULL,
                     "stdin is a terminal; refusing to read %s from it "
                     "(use -f to force)",
                     o->mode == MODE_COMPRESS ? "data to compress"
                                              : "compressed data");
        return EXIT_DATA_ERROR;
    }
    return 0;
}

/* Runs the operation on one input; 0, or 1 if it failed. */
static int run_one(const cli_options *o, const char *path, list_totals *t) {
    return o->mode == MODE_LIST ? list_file(o, path, t) : op_run(o, path);
}

/* With -r, a directory named on the command line (a symbolic link to one
 * is followed, as zstd does; those inside it are not): its files, all
 * found before the first is worked on, so that no output made meanwhile
 * is taken as an input. */
static int run_tree(const cli_options *o, const char *dir, list_totals *t) {
    walk_list files = {NULL, 0, 0};
    int failed = walk_collect(o, dir, &files);
    for (size_t i = 0; i < files.n; i++)
        failed |= run_one(o, files.paths[i], t);
    walk_free(&files);
    return failed;
}

/* --auto: every input of the call (the files under directories with -r)
 * is known before the first is compressed, the setting is chosen from all
 * of them, then each is compressed with it. */
static int run_auto(cli_options *o, parsed *p) {
    walk_list files = {NULL, 0, 0};
    int failed = 0;
    for (size_t i = 0; i < p->n_files; i++) {
        const char *f = p->files[i];
        struct stat st;
        if (o->recursive && stat(f, &st) == 0 && S_ISDIR(st.st_mode)) {
            failed |= walk_collect(o, f, &files);
            continue;
        }
        char **grown =
            files.n == files.cap
                ? realloc(files.paths, (files.cap = files.cap * 2 + 16) *
                                           sizeof *files.paths)
                : files.paths;
        if (grown) files.paths = grown;
        if (!grown || !(files.paths[files.n] = strdup(f))) {
            report_error(NULL, "%s", strerror(ENOMEM));
            walk_free(&files);
            return EXIT_DATA_ERROR;
        }
        files.n++;
    }
    mdlz_auto *a = NULL;
    int rc = auto_choose(o, (const char *const *)files.paths, files.n, &a);
    for (size_t i = 0; !rc && i < files.n; i++)
        failed |= op_run(o, files.paths[i]);
    mdlz_auto_free(a);
    o->setting = NULL;
    walk_free(&files);
    return rc ? rc : failed ? EXIT_DATA_ERROR : 0;
}

/* Runs the operation on every file; returns the exit status. */
static int run_all(cli_options *o, parsed *p) {
    if (p->n_files == 0) p->files[p->n_files++] = "-";
    int rc = check_plan(o, p);
    if (rc) return rc;
    fileio_install_signals();
    if (o->auto_select) return run_auto(o, p);
    list_totals totals = {0, 0, 0};
    for (size_t i = 0; i < p->n_files; i++) {
        const char *f = p->files[i];
        struct stat st;
        int tree = o->recursive && strcmp(f, "-") != 0 && stat(f, &st) == 0 &&
                   S_ISDIR(st.st_mode);
        if (tree ? run_tree(o, f, &totals) : run_one(o, f, &totals))
            rc = EXIT_DATA_ERROR;
    }
    if (o->mode == MODE_LIST) list_total(o, &totals);
    return rc;
}

/* Subcommands (`mdlz index ...`): each lives in its own cli/ file and
 * parses its own arguments; argv[0] is the subcommand name. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommands[] = {
    {"index", cmd_index},     {"tools", cmd_tools},   {"ablate", cmd_ablate},
    {"archive", cmd_archive}, {"explain", cmd_explain}, {"value", cmd_value},
    {"select", cmd_select},   {NULL, NULL},
};

int main(int argc, char **argv) {
    for (size_t i = 0; argc > 1 && subcommands[i].name; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);

    cli_options opt;
    memset(&opt, 0, sizeof opt);
    opt.mode = MODE_COMPRESS;
    opt.level = MDLZ_LEVEL_DEFAULT;
    opt.threads = 0; /* one per core, as `mdlz archive` (README, "Threads") */
    opt.retrieval = MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE;
    opt.tools = NULL; /* the library's default tools */
    parsed p = {0, 0, NULL, 0};
    p.files = malloc(sizeof *p.files * (size_t)(argc > 0 ? argc : 1));
    if (!p.files) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    int rc = parse_args(argc, argv, &opt, &p);
    if (rc == 0) {
        if (p.help) print_help();
        else if (p.version) printf("mdlz %s\n", mdlz_version_string());
        else rc = run_all(&opt, &p);
    }
    free(p.files);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        report_error("stdout", "%s", strerror(errno));
        if (rc == 0) rc = EXIT_DATA_ERROR;
    }
    return rc;
}
