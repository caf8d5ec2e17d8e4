/*
 * explain.c - `mdlz explain FILE`: where the bits went. The command around
 * the library's explanation (mdlz_explain, include/mdlz_explain.h), which
 * compresses the input as `mdlz` with the same flags would, measures the
 * exact code length of every byte and, from a run without each
 * augmentation, what each saved on every byte. Here: the arguments,
 * reading the input, a progress line, and writing the report (HTML,
 * explain_html.c; JSON, explain_json.c) through the safe output of
 * fileio.c (a temporary file renamed when complete; nothing overwritten
 * without -f). Exit status: 0, 1 on a data or I/O error, 2 on a usage
 * error (including a tool that is not present).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "explain.h"
#include "fileio.h"
#include "options.h"
#include "report.h"
#include "subcmd.h"

static void print_explain_help(void) {
    printf("Usage: mdlz explain [OPTION]... FILE\n"
           "Compress FILE as mdlz would with the same options and report\n"
           "where the bits went: the code length of every character under\n"
           "the model and, for each augmentation the stream uses (retrieval,\n"
           "each tool), what it saved on every character (a second run\n"
           "without it); the document retrieval predicted from, the tools'\n"
           "proposals, the description length of each configuration.\n"
           "\n"
           "Options:\n"
           "  -1 .. -9          compression level (default %d)\n"
           "  -R, --index=KB.db compress against the retrieval index KB.db\n"
           "      --retrieval=MODE  with -R: whole, online or both (default)\n"
           "      --tools=LIST  none, all or NAME,...; default: mdlz's\n"
           "      --tool=PATH   a tool plugin\n"
           "      --format=FMT  html (default: one self-contained page) or\n"
           "                    json (the same data for programs)\n"
           "  -o FILE           write the report to FILE (- for standard\n"
           "                    output); default FILE.explain.html or .json\n"
           "  -f, --force       overwrite an existing report\n"
           "      --no-attribution  only the full run: costs, no savings\n"
           "  -q, --quiet       no progress on standard error\n"
           "  -h, --help        print this help and exit\n"
           "\n"
           "Exit status: 0 on success, 1 on a data or I/O error, 2 on a usage\n"
           "error (or a tool that is not present).\n",
           MDLZ_LEVEL_DEFAULT);
}

static int usage(const char *what, const char *arg) {
    return report_usage("explain", what, arg);
}

typedef struct {
    mdlz_explain_params p;
    const char *plugins[CLI_PLUGINS_MAX];
    const char *file, *out;
    int json, force, quiet, help, retrieval_set;
} ex_args;

/* The value of "--name=VALUE" or "--name VALUE", or NULL if `a` is not
 * --name; *bad when the value is missing. */
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

static int parse_short(ex_args *x, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    for (const char *c = a + 1; *c; c++) {
        if (*c >= '1' && *c <= '9' && (c[1] < '0' || c[1] > '9')) {
            x->p.level = *c - '0';
        } else if (*c == 'q' || *c == 'f' || *c == 'h') {
            x->quiet |= *c == 'q';
            x->force |= *c == 'f';
            x->help |= *c == 'h';
        } else if (*c == 'R' || *c == 'o') {
            const char *v = c[1] ? c + 1 : *i + 1 < argc ? argv[++*i] : NULL;
            if (!v) return usage("option requires an argument", a);
            if (*c == 'R') x->p.index = v;
            else x->out = v;
            return 0;
        } else {
            char bad[3] = {'-', *c, '\0'};
            return usage(*c >= '0' && *c <= '9' ? "no such level"
                                                : "unknown option",
                         bad);
        }
    }
    return 0;
}

static int parse_long_opt(ex_args *x, int argc, char **argv, int *i) {
    const char *a = argv[*i], *v = NULL;
    int bad = 0;
    static const char *const modes[] = {"none", "whole", "online", "both"};
    if (!strcmp(a, "--help")) x->help = 1;
    else if (!strcmp(a, "--quiet")) x->quiet = 1;
    else if (!strcmp(a, "--force")) x->force = 1;
    else if (!strcmp(a, "--no-attribution")) x->p.attribute = 0;
    else if ((v = long_value(a, "index", argc, argv, i, &bad))) x->p.index = v;
    else if ((v = long_value(a, "tools", argc, argv, i, &bad))) x->p.tools = v;
    else if ((v = long_value(a, "tool", argc, argv, i, &bad))) {
        if (x->p.n_plugins == CLI_PLUGINS_MAX)
            return usage("too many --tool options", NULL);
        x->plugins[x->p.n_plugins++] = v;
    } else if ((v = long_value(a, "format", argc, argv, i, &bad))) {
        if (strcmp(v, "html") && strcmp(v, "json"))
            return usage("--format takes html or json:", v);
        x->json = !strcmp(v, "json");
    } else if ((v = long_value(a, "retrieval", argc, argv, i, &bad))) {
        int m = 0;
        while (m < 4 && strcmp(v, modes[m])) m++;
        if (m == 4 || m == 0)
            return usage("--retrieval takes whole, online or both:", v);
        x->p.retrieval = (unsigned)m;
        x->retrieval_set = 1;
    } else
        return usage(bad ? "option requires an argument" : "unknown option", a);
    if (bad || (v && !*v)) return usage("option requires an argument", a);
    return 0;
}

static int parse_args(ex_args *x, int argc, char **argv) {
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (only_files || a[0] != '-' || a[1] == '\0') {
            if (x->file) return usage("one FILE at a time:", a);
            x->file = a;
        } else if (!strcmp(a, "--")) only_files = 1;
        else if (a[1] != '-') rc = parse_short(x, argc, argv, &i);
        else rc = parse_long_opt(x, argc, argv, &i);
        if (rc) return rc;
    }
    if (x->help) return 0;
    if (!x->file) return usage("no input file", NULL);
    if (x->retrieval_set && !x->p.index)
        return usage("--retrieval needs -R KB.db (a retrieval index)", NULL);
    return 0;
}

/* The progress line: which run. */
static void on_progress(void *user, size_t run, size_t runs, const char *name) {
    (void)user;
    fprintf(stderr, "\rmdlz explain: run %zu/%zu: %-40.40s", run + 1, runs,
            name);
}

/* The report's name: -o, or FILE.explain.html/.json (NULL: stdout). */
static char *out_name(const ex_args *x) {
    if (x->out) return strcmp(x->out, "-") ? strdup(x->out) : NULL;
    if (!strcmp(x->file, "-")) return NULL;
    const char *ext = x->json ? ".explain.json" : ".explain.html";
    char *s = malloc(strlen(x->file) + strlen(ext) + 1);
    if (s) strcat(strcpy(s, x->file), ext);
    return s;
}

static int write_report(const ex_args *x, const xbuf *b) {
    char *path = out_name(x);
    if (!path && (x->out ? strcmp(x->out, "-") : strcmp(x->file, "-"))) {
        report_error(NULL, "explain: %s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    const char *name = path ? path : "stdout";
    out_file o;
    int rc = 0;
    if (out_open(&o, path, x->force) != 0) {
        if (errno == EEXIST)
            report_error(name, "already exists; not overwritten (use -f)");
        else report_error(name, "%s", strerror(errno));
        rc = EXIT_DATA_ERROR;
    } else if (out_write(&o, b->p, b->n) != 0) {
        report_error(name, "%s", strerror(errno));
        out_abort(&o);
        rc = EXIT_DATA_ERROR;
    } else if (out_commit(&o, NULL, x->force) != 0) {
        report_error(name, "%s", strerror(errno));
        rc = EXIT_DATA_ERROR;
    } else if (!x->quiet && path) {
        fprintf(stderr, "mdlz explain: wrote %s (%zu bytes)\n", path, b->n);
    }
    free(path);
    return rc;
}

static int explain(ex_args *x) {
    const char *name = strcmp(x->file, "-") ? x->file : CLI_STDIN_NAME;
    x->p.plugins = x->plugins;
    int show = !x->quiet && isatty(STDERR_FILENO);
    if (show) x->p.progress = on_progress;
    char err[1024];
    mdlz_explain *e;
    mdlz_status st = mdlz_explain_create(&e, &x->p, err, sizeof err);
    if (st != MDLZ_OK) {
        if (st == MDLZ_ERROR_PARAM) return usage(err, NULL);
        report_error(NULL, "explain: %s", err);
        return st == MDLZ_ERROR_TOOL ? EXIT_USAGE : EXIT_DATA_ERROR;
    }
    unsigned char *data;
    size_t len;
    int regular, rc = 0;
    int eno = read_whole(x->file, &data, &len, &regular);
    if (eno) {
        report_error(name, "%s", strerror(eno));
        mdlz_explain_free(e);
        return EXIT_DATA_ERROR;
    }
    st = mdlz_explain_run(e, data, len, regular);
    if (show) fprintf(stderr, "\r%79s\r", "");
    if (st != MDLZ_OK) {
        report_error(name, "explain: %s", mdlz_explain_error_detail(e));
        rc = EXIT_DATA_ERROR;
    } else {
        ex_report r = {name, data, len, e};
        xbuf b = {0};
        if (x->json) ex_json(&b, &r);
        else if (ex_html(&b, &r) != 0) b.oom = 1;
        if (b.oom) {
            report_error(name, "explain: %s", strerror(ENOMEM));
            rc = EXIT_DATA_ERROR;
        } else {
            rc = write_report(x, &b);
        }
        xb_free(&b);
    }
    free(data);
    mdlz_explain_free(e);
    return rc;
}

int cmd_explain(int argc, char **argv) {
    ex_args x;
    memset(&x, 0, sizeof x);
    mdlz_explain_params_init(&x.p);
    int rc = parse_args(&x, argc, argv);
    if (rc) return rc;
    if (x.help) {
        print_explain_help();
        return 0;
    }
    fileio_install_signals();
    return explain(&x);
}
