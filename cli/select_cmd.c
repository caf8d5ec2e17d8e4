/*
 * select_cmd.c - `mdlz select DOC... --budget SIZE|N%`: the documents
 * whose index makes a target set cheapest (the library's mdlz_select,
 * include/mdlz_value.h; docs/value.md). Writes the chosen paths, one a
 * line in the order chosen (-o FILE, else standard output), and with
 * --index builds that index from them (in the order given).
 * Exit status: 0 success, 1 data or I/O error, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "fileio.h"
#include "inputs.h"
#include "mdlz_index.h"
#include "mdlz_value.h"
#include "report.h"
#include "subcmd.h"

typedef struct {
    const char *budget, *out, *index;
    int level, quiet, help, force;
    input_list docs, targets;
    mdlz_select *s;
} select_cmd;

static void print_help(void) {
    printf(
        "Usage: mdlz select [OPTION]... DOC... --budget SIZE|N%%\n"
        "Choose, within a budget of bytes, the documents whose index makes\n"
        "the targets cheapest to code with mdlz -R: greedily by bits saved\n"
        "per byte, with lazy re-evaluation; deterministic. The targets are\n"
        "the DOCs themselves unless --target is given. Prints the chosen\n"
        "paths, one a line, in the order chosen.\n"
        "\n"
        "Options:\n"
        "  -1 .. -9             compression level (default %d)\n"
        "      --budget=B       bytes of documents (512k, 4M, ...) or N%% of\n"
        "                       the DOCs' bytes\n"
        "  -o FILE              write the list to FILE (not overwritten\n"
        "                       without -f)\n"
        "      --index=KB.db    build a new index of the chosen documents\n"
        "      --target P...    targets: files or folders (every argument\n"
        "                       after it, up to the next option)\n"
        "  -f, --force          overwrite the list file\n"
        "  -q, --quiet          no progress or summary on standard error\n"
        "  -h, --help           print this help and exit\n",
        MDLZ_LEVEL_DEFAULT);
}

static int usage(const char *what, const char *arg) {
    return report_usage("select", what, arg);
}

/* The value of --NAME=V or --NAME V (a short -o V too); NULL if absent. */
static const char *value_of(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n] || *i + 1 >= argc) return NULL;
    return argv[++*i];
}

/* The budget in bytes: SIZE, or N% of `total` (the documents' bytes). */
static int budget_bytes(const char *budget, uint64_t total, uint64_t *out) {
    size_t n = strlen(budget);
    if (n > 1 && budget[n - 1] == '%') {
        char num[32];
        char *end;
        if (n - 1 >= sizeof num) return -1;
        memcpy(num, budget, n - 1);
        num[n - 1] = '\0';
        double pct = strtod(num, &end);
        if (*end || !(pct > 0) || pct > 100) return -1;
        *out = (uint64_t)((double)total * pct / 100.0);
        if (!*out) *out = 1;
        return 0;
    }
    return parse_size(budget, out) == 0 && *out ? 0 : -1;
}

static int parse(select_cmd *c, int argc, char **argv, const char **docs,
                 size_t *n_docs, const char **targ, size_t *n_targ) {
    int in_targ = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (a[0] != '-' || a[1] == '\0') {
            if (in_targ) targ[(*n_targ)++] = a;
            else docs[(*n_docs)++] = a;
            continue;
        }
        in_targ = 0;
        if (!strcmp(a, "--target")) in_targ = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) c->help = 1;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) c->quiet = 1;
        else if (!strcmp(a, "-f") || !strcmp(a, "--force")) c->force = 1;
        else if (a[1] >= '1' && a[1] <= '9' && !a[2]) c->level = a[1] - '0';
        else if ((v = value_of(argc, argv, &i, "--budget"))) c->budget = v;
        else if ((v = value_of(argc, argv, &i, "--index"))) c->index = v;
        else if ((v = value_of(argc, argv, &i, "-o"))) c->out = v;
        else return usage("unknown option or missing value", a);
    }
    if (c->help) return 0;
    if (!*n_docs) return usage("no documents given", NULL);
    if (!c->budget) return usage("no --budget given", NULL);
    uint64_t b;
    if (budget_bytes(c->budget, 0, &b) != 0)
        return usage("--budget takes a size or a percentage:", c->budget);
    return 0;
}

static void on_progress(void *user, const char *stage, size_t done,
                        size_t total) {
    (void)user;
    fprintf(stderr, "\rmdlz select: %-10s %zu/%zu   ", stage, done + 1, total);
}

/* The list of chosen paths, one a line, in the order chosen. */
static int write_list(const select_cmd *c, const mdlz_select_summary *sum) {
    out_file o;
    if (out_open(&o, c->out, c->force) != 0) {
        report_error(c->out ? c->out : "stdout", "%s", strerror(errno));
        return EXIT_DATA_ERROR;
    }
    int rc = 0;
    for (size_t i = 0; i < sum->picks && !rc; i++) {
        const mdlz_select_pick *p = mdlz_select_pick_get(c->s, i);
        rc = out_write(&o, p->name, strlen(p->name)) || out_write(&o, "\n", 1);
    }
    if (!rc) rc = out_commit(&o, NULL, c->force);
    else out_abort(&o);
    if (!rc) return 0;
    report_error(c->out ? c->out : "stdout", "%s", strerror(errno));
    return EXIT_DATA_ERROR;
}

/* A new index of the chosen documents, added in the order given. */
static int build_index(const select_cmd *c, const mdlz_select_summary *sum) {
    struct stat st;
    if (stat(c->index, &st) == 0) {
        report_error(c->index, "already exists; not changed");
        return EXIT_DATA_ERROR;
    }
    uint8_t *chosen = calloc(c->docs.n ? c->docs.n : 1, 1);
    if (!chosen) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < sum->picks; i++)
        chosen[mdlz_select_pick_get(c->s, i)->candidate] = 1;
    mdlz_index *ix;
    char err[512];
    mdlz_index_add_opts opts = {0};
    int dup;
    int rc = mdlz_index_open(&ix, c->index, MDLZ_INDEX_CREATE, err, sizeof err);
    if (rc == 0) rc = mdlz_index_begin(ix);
    for (size_t i = 0; i < c->docs.n && rc == 0; i++)
        if (chosen[i])
            rc = mdlz_index_add_buffer(ix, c->docs.f[i].name, c->docs.f[i].data,
                                       c->docs.f[i].len, &opts, NULL, &dup);
    if (rc == 0) rc = mdlz_index_commit(ix);
    if (rc != 0 && ix) snprintf(err, sizeof err, "%s", mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
    free(chosen);
    if (rc == 0) return 0;
    unlink(c->index);
    report_error(c->index, "%s", err);
    return EXIT_DATA_ERROR;
}

static int run(select_cmd *c) {
    mdlz_select_params p;
    mdlz_select_params_init(&p);
    p.level = c->level;
    uint64_t total = 0;
    for (size_t i = 0; i < c->docs.n; i++) total += c->docs.f[i].len;
    budget_bytes(c->budget, total, &p.budget); /* checked by parse() */
    int show = !c->quiet && isatty(STDERR_FILENO);
    if (show) p.progress = on_progress;
    char err[600];
    mdlz_status st = mdlz_select_create(&c->s, &p, err, sizeof err);
    if (st != MDLZ_OK) {
        report_error(NULL, "select: %s", err);
        return EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < c->docs.n && st == MDLZ_OK; i++)
        st = mdlz_select_add_candidate(c->s, c->docs.f[i].name,
                                       c->docs.f[i].data, c->docs.f[i].len);
    for (size_t i = 0; i < c->targets.n && st == MDLZ_OK; i++)
        st = mdlz_select_add_target(c->s, c->targets.f[i].name,
                                    c->targets.f[i].data, c->targets.f[i].len);
    if (st == MDLZ_OK) st = mdlz_select_run(c->s);
    if (show) fprintf(stderr, "\r%60s\r", "");
    if (st != MDLZ_OK) {
        const char *d = mdlz_select_error_detail(c->s);
        report_error(NULL, "select: %s", *d ? d : mdlz_strerror(st));
        return EXIT_DATA_ERROR;
    }
    const mdlz_select_summary *sum = mdlz_select_summary_get(c->s);
    if (!c->quiet)
        fprintf(stderr,
                "mdlz select: %zu of %zu documents, %llu of %llu budget "
                "bytes; targets (%zu): %llu bits without, %llu bits with "
                "them as scored; %zu codings\n",
                sum->picks, sum->candidates,
                (unsigned long long)sum->picked_bytes,
                (unsigned long long)p.budget, sum->targets,
                (unsigned long long)sum->bits_none,
                (unsigned long long)sum->bits_picked, sum->evaluations);
    int rc = write_list(c, sum);
    if (!rc && c->index) rc = build_index(c, sum);
    return rc;
}

int cmd_select(int argc, char **argv) {
    select_cmd c;
    memset(&c, 0, sizeof c);
    c.level = MDLZ_LEVEL_DEFAULT;
    size_t cap = (size_t)(argc > 0 ? argc : 1), n_docs = 0, n_targ = 0;
    const char **docs = malloc(sizeof *docs * cap);
    const char **targ = malloc(sizeof *targ * cap);
    int rc = 0;
    if (!docs || !targ) {
        report_error(NULL, "%s", strerror(ENOMEM));
        rc = EXIT_DATA_ERROR;
    }
    if (!rc) rc = parse(&c, argc, argv, docs, &n_docs, targ, &n_targ);
    if (!rc && c.help) print_help();
    for (size_t i = 0; !rc && !c.help && i < n_docs; i++)
        rc = inputs_add(&c.docs, docs[i], c.quiet) ? EXIT_DATA_ERROR : 0;
    for (size_t i = 0; !rc && !c.help && i < n_targ; i++)
        rc = inputs_add(&c.targets, targ[i], c.quiet) ? EXIT_DATA_ERROR : 0;
    if (!rc && !c.help) rc = run(&c);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        report_error("stdout", "%s", strerror(errno));
        if (!rc) rc = EXIT_DATA_ERROR;
    }
    free(docs);
    free(targ);
    inputs_free(&c.docs);
    inputs_free(&c.targets);
    mdlz_select_free(c.s);
    return rc;
}
