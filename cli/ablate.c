/*
 * ablate.c - `mdlz ablate`: the command around the library's ablation
 * (mdlz_ablation, include/mdlz_measure.h), which compresses the input
 * files under each configuration of the predictor (the context model
 * alone; + the match model, the default and the base row; + each
 * retrieval mode with -R; + each tool alone; everything; the setting
 * --auto chooses for these inputs), checks every
 * round trip and derives the figures of each row. Here: the arguments,
 * reading the files, the progress line, and the report (ablate_out.c).
 * Exit status: 0 success, 1 data or I/O error (including a failed round
 * trip), 2 usage error (including a tool that is not present).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "ablate.h"
#include "fileio.h"
#include "mdlz_measure.h"
#include "options.h"
#include "report.h"
#include "subcmd.h"

#define TRACE_POINTS 500 /* about this many curve points per row */

static void print_ablate_help(void) {
    printf("Usage: mdlz ablate [OPTION]... FILE...\n"
           "Compress each FILE under each configuration of the predictor,\n"
           "verify every round trip, and print one row per configuration:\n"
           "payload, bits/byte, code bytes of the components used, DL\n"
           "(payload + code) and its change against the default, speed.\n"
           "Rows: cm-only (no match model), default (+ match model, the\n"
           "base), with -R retrieval-whole, -online, -both, tool-NAME for\n"
           "each tool, all (everything at once), and auto (what\n"
           "mdlz --auto chooses for these FILEs).\n"
           "\n"
           "Options:\n"
           "  -1 .. -9          compression level (default %d)\n"
           "  -R, --index=KB.db add the retrieval rows; the index's stored\n"
           "                    size is reported and amortized over the files\n"
           "      --tools=LIST  tools to ablate: all (default: the built-in\n"
           "                    ones), none, or NAME,NAME,...\n"
           "      --tool=PATH   also ablate a tool plugin (shared library)\n"
           "      --format=FMT  table (default), csv or json\n"
           "      --plot=FILE.svg  write the cumulative code length over the\n"
           "                    input position, one line per configuration\n"
           "                    (several FILEs: positions run on across them)\n"
           "  -q, --quiet       no progress or notes on standard error\n"
           "  -h, --help        print this help and exit\n"
           "\n"
           "Exit status: 0 on success, 1 on a data or I/O error (or a failed\n"
           "round trip), 2 on a usage error (or a tool that is not present).\n",
           MDLZ_LEVEL_DEFAULT);
}

static int usage(const char *what, const char *arg) {
    return report_usage("ablate", what, arg);
}

/* ---- arguments ------------------------------------------------------------ */

typedef struct {
    const char *tools; /* --tools= */
    const char *plugins[MDLZ_ABLATION_TOOLS_MAX];
    size_t n_plugins;
    const char **files;
    size_t n_files;
    int help;
} ab_args;

/* The value of "--name=VALUE" or "--name VALUE"; NULL if `a` is not
 * --name. Sets *bad when the value is missing. */
static const char *long_value(const char *a, const char *name, int argc,
                              char **argv, int *i, int *bad) {
    size_t n = strlen(name);
    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0) return NULL;
    if (a[2 + n] == '=') return a + 3 + n;
    if (a[2 + n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        *bad = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_short(ablation *ab, char **argv, int argc, int *i,
                       ab_args *p) {
    const char *a = argv[*i];
    for (const char *c = a + 1; *c; c++) {
        if (*c >= '1' && *c <= '9') {
            ab->level = *c - '0';
        } else if (*c == 'q') {
            ab->quiet = 1;
        } else if (*c == 'h') {
            p->help = 1;
        } else if (*c == 'R') {
            if (c[1]) ab->index = c + 1;
            else if (*i + 1 < argc) ab->index = argv[++*i];
            else return usage("option requires an argument", "-R");
            return 0;
        } else {
            char bad[3] = {'-', *c, '\0'};
            return usage("unknown option", bad);
        }
    }
    return 0;
}

static int parse_args(ablation *ab, int argc, char **argv, ab_args *p) {
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int bad = 0;
        if (only_files || a[0] != '-' || a[1] == '\0') {
            p->files[p->n_files++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (a[1] != '-') {
            int rc = parse_short(ab, argv, argc, &i, p);
            if (rc) return rc;
        } else if (!strcmp(a, "--help")) {
            p->help = 1;
        } else if (!strcmp(a, "--quiet")) {
            ab->quiet = 1;
        } else if ((v = long_value(a, "index", argc, argv, &i, &bad))) {
            if (!*v) return usage("option requires an argument", a);
            ab->index = v;
        } else if ((v = long_value(a, "tools", argc, argv, &i, &bad))) {
            p->tools = v;
        } else if ((v = long_value(a, "tool", argc, argv, &i, &bad))) {
            if (!*v) return usage("option requires an argument", a);
            if (p->n_plugins == MDLZ_ABLATION_TOOLS_MAX)
                return usage("too many --tool options", NULL);
            p->plugins[p->n_plugins++] = v;
        } else if ((v = long_value(a, "plot", argc, argv, &i, &bad))) {
            if (!*v) return usage("option requires an argument", a);
            ab->plot = v;
        } else if ((v = long_value(a, "format", argc, argv, &i, &bad))) {
            if (!strcmp(v, "table")) ab->format = AB_TABLE;
            else if (!strcmp(v, "csv")) ab->format = AB_CSV;
            else if (!strcmp(v, "json")) ab->format = AB_JSON;
            else return usage("--format takes table, csv or json:", v);
        } else {
            return usage(bad ? "option requires an argument" : "unknown option",
                         a);
        }
        if (bad) return usage("option requires an argument", a);
    }
    return 0;
}

/* ---- inputs ------------------------------------------------------------------ */

static int read_input(ab_input *in, const char *path) {
    in->name = strcmp(path, "-") == 0 ? CLI_STDIN_NAME : path;
    int err = read_whole(path, &in->data, &in->len, &in->regular);
    if (!err) return 0;
    report_error(in->name, "%s", strerror(err));
    return EXIT_DATA_ERROR;
}

/* ---- the measurement ------------------------------------------------------- */

/* The progress line: row, input and its name. */
static void on_progress(void *user, size_t input, size_t row,
                        const char *row_name) {
    const ablation *ab = user;
    (void)row;
    fprintf(stderr, "\rmdlz ablate: %-18s %zu/%zu %-40.40s", row_name,
            input + 1, ab->n_inputs, ab->inputs[input].name);
}

/* Creates the ablation: tools resolved (a tool that is not present is a
 * usage error naming it), rows planned, the index's size read. */
static int create(ablation *ab, const ab_args *p) {
    mdlz_ablation_params ap;
    mdlz_ablation_params_init(&ap);
    ap.level = ab->level;
    ap.index = ab->index;
    ap.tools = p->tools;
    ap.plugins = p->plugins;
    ap.n_plugins = p->n_plugins;
    if (!ab->quiet && isatty(STDERR_FILENO)) {
        ap.progress = on_progress;
        ap.progress_user = ab;
    }
    char err[1024];
    mdlz_status st = mdlz_ablation_create(&ab->a, &ap, err, sizeof err);
    if (st == MDLZ_OK) return 0;
    if (st == MDLZ_ERROR_PARAM) return usage(err, NULL);
    report_error(NULL, "ablate: %s", err);
    return st == MDLZ_ERROR_TOOL ? EXIT_USAGE : EXIT_DATA_ERROR;
}

/* The `auto` row: the setting `mdlz --auto` chooses for these inputs
 * (same level, index and candidate tools), measured as every other row. */
static int add_auto_row(ablation *ab) {
    const void **data = calloc(ab->n_inputs + 1, sizeof *data);
    size_t *len = calloc(ab->n_inputs + 1, sizeof *len);
    mdlz_status st = data && len ? MDLZ_OK : MDLZ_ERROR_NOMEM;
    for (size_t i = 0; st == MDLZ_OK && i < ab->n_inputs; i++) {
        data[i] = ab->inputs[i].data;
        len[i] = ab->inputs[i].len;
    }
    if (st == MDLZ_OK)
        st = mdlz_ablation_add_auto(ab->a, data, len, ab->n_inputs,
                                    ab->auto_choice, sizeof ab->auto_choice);
    free(data);
    free(len);
    if (st != MDLZ_OK)
        report_error(NULL, "ablate: %s",
                     st == MDLZ_ERROR_NOMEM
                         ? mdlz_strerror(st)
                         : mdlz_ablation_error_detail(ab->a));
    return st == MDLZ_OK ? 0 : EXIT_DATA_ERROR;
}

/* Measures every input under every row; each input's data is freed once
 * it has been measured. */
static int measure(ablation *ab) {
    if (ab->plot) {
        uint64_t total = 0;
        for (size_t i = 0; i < ab->n_inputs; i++) total += ab->inputs[i].len;
        uint64_t iv = total / TRACE_POINTS;
        mdlz_ablation_set_curve(ab->a, iv < 256          ? 256
                                       : iv > UINT32_MAX ? UINT32_MAX
                                                         : (uint32_t)iv);
    }
    int show = !ab->quiet && isatty(STDERR_FILENO);
    for (size_t i = 0; i < ab->n_inputs; i++) {
        ab_input *in = &ab->inputs[i];
        mdlz_status st =
            mdlz_ablation_add(ab->a, in->data, in->len, in->regular);
        free(in->data);
        in->data = NULL;
        if (st != MDLZ_OK) {
            if (show) fputc('\n', stderr);
            report_error(in->name, "ablate %s",
                         mdlz_ablation_error_detail(ab->a));
            return EXIT_DATA_ERROR;
        }
    }
    if (show) fprintf(stderr, "\r%79s\r", "");
    return 0;
}

/* ---- the command ---------------------------------------------------------- */

static int run(ablation *ab, const ab_args *p) {
    int rc = 0;
    for (size_t i = 0; i < p->n_files && !rc; i++) {
        rc = read_input(&ab->inputs[i], p->files[i]);
        ab->n_inputs += !rc;
    }
    if (!rc) rc = add_auto_row(ab);
    if (!rc) rc = measure(ab);
    if (!rc) ab_print(ab);
    if (!rc && ab->plot) rc = ab_write_plot(ab);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        report_error("stdout", "%s", strerror(errno));
        if (!rc) rc = EXIT_DATA_ERROR;
    }
    return rc;
}

int cmd_ablate(int argc, char **argv) {
    ablation ab;
    memset(&ab, 0, sizeof ab);
    ab.level = MDLZ_LEVEL_DEFAULT;
    ab.format = AB_TABLE;
    ab_args p;
    memset(&p, 0, sizeof p);
    p.files = malloc(sizeof *p.files * (size_t)(argc > 0 ? argc : 1));
    if (!p.files) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    int rc = parse_args(&ab, argc, argv, &p);
    if (!rc && p.help) print_ablate_help();
    else if (!rc && p.n_files == 0) rc = usage("no input files", NULL);
    else if (!rc) rc = create(&ab, &p);
    if (!rc && !p.help) {
        fileio_install_signals();
        ab.inputs = calloc(p.n_files, sizeof *ab.inputs);
        if (!ab.inputs) {
            report_error(NULL, "%s", strerror(ENOMEM));
            rc = EXIT_DATA_ERROR;
        } else {
            rc = run(&ab, &p);
        }
    }
    for (size_t i = 0; ab.inputs && i < ab.n_inputs; i++)
        free(ab.inputs[i].data);
    free(ab.inputs);
    mdlz_ablation_free(ab.a);
    free(p.files);
    return rc;
}
