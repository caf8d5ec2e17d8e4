/*
 * ablate.c - `mdlz ablate`: compresses the input files under each
 * configuration of the predictor (the context model alone; + the match
 * model, the default and the base row; + each retrieval mode with -R;
 * + each tool alone; everything), checks every round trip, and reports
 * payload, code and description length per configuration (ablate_out.c),
 * optionally with the cumulative code length plotted along the input.
 * Each file is compressed on its own, exactly as `mdlz -c FILE` with the
 * equivalent flags would; rows sum over the files. Exit status: 0
 * success, 1 data or I/O error (including a failed round trip), 2 usage
 * error (including a tool that is not present).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "ablate.h"
#include "fileio.h"
#include "mdlz_index.h"
#include "mdlz_measure.h"
#include "mdlz_tool.h"
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
           "each tool, and all (everything at once).\n"
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
    if (arg)
        report_error(NULL, "ablate: %s '%s' (see mdlz ablate --help)", what,
                     arg);
    else report_error(NULL, "ablate: %s (see mdlz ablate --help)", what);
    return EXIT_USAGE;
}

/* ---- arguments ------------------------------------------------------------ */

typedef struct {
    const char *tools; /* --tools= */
    const char *plugins[AB_TOOLS_MAX];
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
            if (p->n_plugins == AB_TOOLS_MAX)
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

/* ---- tools ------------------------------------------------------------------ */

/* Adds a tool to ablate; a plugin is loaded once here to learn its name
 * (a usage error naming it if it does not load). */
static int add_tool_name(ablation *ab, const char *name, int plugin) {
    for (size_t i = 0; i < ab->n_tools; i++)
        if (strcmp(ab->tool_names[i], name) == 0) return 0;
    if (ab->n_tools == AB_TOOLS_MAX) return usage("too many tools", NULL);
    char *label = ab->tool_labels[ab->n_tools];
    snprintf(label, sizeof ab->tool_labels[0], "%s", name);
    if (plugin) {
        char err[512];
        mdlz_plugin *h;
        if (mdlz_plugin_open(&h, name, err, sizeof err) != MDLZ_OK) {
            report_error(NULL,
                         "ablate: tool '%s' is not present (%s); no "
                         "ablation row for it",
                         name, err);
            return EXIT_USAGE;
        }
        snprintf(label, sizeof ab->tool_labels[0], "%s",
                 mdlz_plugin_tool(h)->name);
        mdlz_plugin_close(h);
    }
    ab->tool_plugin[ab->n_tools] = plugin;
    ab->tool_names[ab->n_tools++] = name;
    return 0;
}

/* Resolves --tools (all, none, or names of built-in tools) and --tool
 * plugins into ab->tool_names; a name that is not a built-in tool, or a
 * plugin that does not load, is a usage error naming it. `buf` holds the
 * copied list (names point into it). */
static int resolve_tools(ablation *ab, const ab_args *p, char *buf) {
    const char *builtin[AB_TOOLS_MAX];
    size_t nb = mdlz_builtin_tools(builtin, AB_TOOLS_MAX);
    if (nb > AB_TOOLS_MAX) nb = AB_TOOLS_MAX;
    const char *list = p->tools ? p->tools : "all";
    if (!strcmp(list, "all")) {
        for (size_t i = 0; i < nb; i++)
            if (add_tool_name(ab, builtin[i], 0)) return EXIT_USAGE;
    } else if (strcmp(list, "none") != 0) {
        strcpy(buf, list);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            size_t k = 0;
            while (k < nb && strcmp(builtin[k], t) != 0) k++;
            if (k == nb) {
                char known[256] = "";
                for (size_t i = 0; i < nb; i++)
                    snprintf(known + strlen(known),
                             sizeof known - strlen(known), "%s%s",
                             i ? ", " : "", builtin[i]);
                report_error(NULL,
                             "ablate: tool '%s' is not present "
                             "(built-in tools: %s); no ablation row for it",
                             t, nb ? known : "none in this build");
                return EXIT_USAGE;
            }
            if (add_tool_name(ab, builtin[k], 0)) return EXIT_USAGE;
        }
    }
    for (size_t i = 0; i < p->n_plugins; i++)
        if (add_tool_name(ab, p->plugins[i], 1)) return EXIT_USAGE;
    for (size_t i = 0; i < ab->n_tools; i++)
        for (size_t k = 0; k < i; k++)
            if (!strcmp(ab->tool_labels[i], ab->tool_labels[k])) {
                report_error(NULL, "ablate: two tools named '%s' (%s, %s)",
                             ab->tool_labels[i], ab->tool_names[k],
                             ab->tool_names[i]);
                return EXIT_USAGE;
            }
    if (ab->n_tools == 0) return 0;
    /* Every tool, all at once (the "all" row), must load before anything
     * is compressed. */
    mdlz_cctx *c;
    if (mdlz_cctx_create(&c, NULL) != MDLZ_OK) {
        report_error(NULL, "ablate: %s", mdlz_strerror(MDLZ_ERROR_NOMEM));
        return EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < ab->n_tools; i++) {
        mdlz_status st = mdlz_cctx_add_tool(c, ab->tool_names[i]);
        if (st != MDLZ_OK) {
            const char *d = mdlz_cctx_error_detail(c);
            report_error(NULL,
                         "ablate: tool '%s' is not present (%s%s%s); "
                         "no ablation row for it",
                         ab->tool_names[i], mdlz_strerror(st), *d ? ": " : "",
                         d);
            mdlz_cctx_free(c);
            return EXIT_USAGE;
        }
    }
    mdlz_cctx_free(c);
    return 0;
}

/* ---- configurations ---------------------------------------------------- */

static void add_config(ablation *ab, const char *name, const char *arg,
                       int match, int retrieval, uint32_t tools) {
    ab_config *c = &ab->configs[ab->n_configs++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s%s", name, arg ? arg : "");
    c->match = match;
    c->retrieval = retrieval;
    c->tools = tools;
}

/* The rows, in order; `configs` has room for 5 + n_tools + 1. */
static void plan_configs(ablation *ab) {
    add_config(ab, "cm-only", NULL, 0, 0, 0);
    ab->base = ab->n_configs;
    add_config(ab, "default", NULL, 1, 0, 0);
    if (ab->index) {
        add_config(ab, "retrieval-whole", NULL, 1, MDLZ_RETRIEVE_WHOLE, 0);
        add_config(ab, "retrieval-online", NULL, 1, MDLZ_RETRIEVE_ONLINE, 0);
        add_config(ab, "retrieval-both", NULL, 1,
                   MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE, 0);
    }
    for (size_t i = 0; i < ab->n_tools; i++)
        add_config(ab, "tool-", ab->tool_labels[i], 1, 0, (uint32_t)1 << i);
    if (ab->index || ab->n_tools)
        add_config(ab, "all", NULL, 1,
                   ab->index ? MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE : 0,
                   ab->n_tools ? ((uint32_t)1 << ab->n_tools) - 1 : 0);
}

/* ---- inputs ------------------------------------------------------------------ */

static int read_input(ab_input *in, const char *path) {
    in_file f;
    in->name = strcmp(path, "-") == 0 ? CLI_STDIN_NAME : path;
    if (in_open(&f, path) != 0) {
        report_error(in->name, "%s", strerror(errno));
        return EXIT_DATA_ERROR;
    }
    int err = S_ISDIR(f.st.st_mode) ? EISDIR : 0;
    in->regular = S_ISREG(f.st.st_mode);
    size_t first = in->regular ? (size_t)f.st.st_size + 1 : (size_t)1 << 16;
    size_t cap = 0;
    while (!err) {
        if (in->len == cap) {
            cap = cap ? cap * 2 : first;
            unsigned char *p = realloc(in->data, cap);
            if (!p) {
                err = ENOMEM;
                break;
            }
            in->data = p;
        }
        ssize_t r = read_full(f.fd, in->data + in->len, cap - in->len);
        if (r < 0) err = errno;
        else if ((in->len += (size_t)r) < cap) break;
    }
    in_close(&f);
    if (!err) return 0;
    report_error(in->name, "%s", strerror(err));
    free(in->data);
    in->data = NULL;
    return EXIT_DATA_ERROR;
}

/* ---- running one configuration on one file ------------------------------- */

typedef struct {
    ab_config *cfg;
    uint64_t x0, y0; /* input and payload bytes of the files before */
} trace_ctx;

static void add_point(ab_config *c, uint64_t x, uint64_t y) {
    if (c->n_pts == c->cap_pts) {
        size_t cap = c->cap_pts ? c->cap_pts * 2 : 256;
        svg_point *p = realloc(c->curve, cap * sizeof *p);
        if (!p) {
            c->oom = 1;
            return;
        }
        c->curve = p;
        c->cap_pts = cap;
    }
    c->curve[c->n_pts++] = (svg_point){(double)x, (double)y};
}

static void on_trace(void *user, uint64_t in_bytes, uint64_t out_bytes) {
    trace_ctx *t = user;
    add_point(t->cfg, t->x0 + in_bytes, t->y0 + out_bytes);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reports a failure of row `c` on file `in`; returns EXIT_DATA_ERROR. */
static int fail(const ab_config *c, const ab_input *in, mdlz_status st,
                const char *detail) {
    report_error(in->name, "ablate %s: %s%s%s", c->name, mdlz_strerror(st),
                 detail && *detail ? ": " : "", detail ? detail : "");
    return EXIT_DATA_ERROR;
}

/* Sets up a compression context exactly as `mdlz -c` with the row's
 * flags would (level, known size, index, retrieval modes, tools). */
static mdlz_status setup_cctx(const ablation *ab, const ab_config *cf,
                              const ab_input *in, mdlz_cctx **c) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = ab->level;
    p.src_size = in->regular ? (uint64_t)in->len : MDLZ_SIZE_UNKNOWN;
    mdlz_status st = mdlz_cctx_create(c, &p);
    if (st != MDLZ_OK) return st;
    st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_MATCH, cf->match);
    if (st == MDLZ_OK && cf->retrieval) {
        st = mdlz_cctx_set_index(*c, ab->index);
        if (st == MDLZ_OK)
            st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_RETRIEVAL, cf->retrieval);
    }
    for (size_t i = 0; st == MDLZ_OK && i < ab->n_tools; i++)
        if (cf->tools >> i & 1) st = mdlz_cctx_add_tool(*c, ab->tool_names[i]);
    return st;
}

/* Compresses `in` into a malloc'd *z (*zn bytes). */
static int compress_one(const ablation *ab, ab_config *cf, const ab_input *in,
                        trace_ctx *tr, unsigned char **z, size_t *zn) {
    double t0 = now();
    mdlz_cctx *c = NULL;
    mdlz_status st = setup_cctx(ab, cf, in, &c);
    if (st == MDLZ_OK && ab->plot) {
        uint64_t iv = ab->in_total / TRACE_POINTS;
        st = mdlz_cctx_set_trace(c,
                                 iv < 256          ? 256
                                 : iv > UINT32_MAX ? UINT32_MAX
                                                   : (uint32_t)iv,
                                 on_trace, tr);
    }
    size_t cap = (size_t)mdlz_compress_bound(in->len) + MDLZ_HEADER_MAX;
    unsigned char *buf = st == MDLZ_OK ? malloc(cap) : NULL;
    if (st == MDLZ_OK && !buf) st = MDLZ_ERROR_NOMEM;
    static const unsigned char empty[1];
    mdlz_inbuf ib = {in->len ? in->data : empty, in->len, 0};
    size_t n = 0;
    int done = 0;
    while (st == MDLZ_OK && !done) {
        if (n == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (!p) {
                st = MDLZ_ERROR_NOMEM;
                break;
            }
            buf = p;
        }
        mdlz_outbuf ob = {buf + n, cap - n, 0};
        st = mdlz_compress_stream(c, &ob, &ib, 1, &done);
        n += ob.pos;
        if (st == MDLZ_OK && !done && ob.pos < ob.size) st = MDLZ_ERROR_GENERIC;
    }
    cf->seconds += now() - t0;
    if (st != MDLZ_OK) {
        int rc = fail(cf, in, st, c ? mdlz_cctx_error_detail(c) : NULL);
        mdlz_cctx_free(c);
        free(buf);
        return rc;
    }
    mdlz_cctx_free(c);
    *z = buf;
    *zn = n;
    return 0;
}

/* Decodes z with the row's index and plugins and compares with `in`. */
static int verify_one(const ablation *ab, const ab_config *cf,
                      const ab_input *in, const unsigned char *z, size_t zn) {
    mdlz_dctx *d = NULL;
    mdlz_status st = mdlz_dctx_create(&d, 0);
    if (st == MDLZ_OK && cf->retrieval) st = mdlz_dctx_set_index(d, ab->index);
    for (size_t i = 0; st == MDLZ_OK && i < ab->n_tools; i++)
        if ((cf->tools >> i & 1) && ab->tool_plugin[i])
            st = mdlz_dctx_add_tool(d, ab->tool_names[i]);
    unsigned char *out = st == MDLZ_OK ? malloc(in->len + 1) : NULL;
    if (st == MDLZ_OK && !out) st = MDLZ_ERROR_NOMEM;
    mdlz_inbuf ib = {z, zn, 0};
    mdlz_outbuf ob = {out, in->len + 1, 0};
    int done = 0;
    while (st == MDLZ_OK && !done) {
        size_t before_in = ib.pos, before_out = ob.pos;
        st = mdlz_decompress_stream(d, &ob, &ib, &done);
        if (st == MDLZ_OK && !done && ib.pos == before_in &&
            ob.pos == before_out)
            st = ob.pos == ob.size ? MDLZ_ERROR_DST_SIZE : MDLZ_ERROR_TRUNCATED;
    }
    int rc = 0;
    if (st != MDLZ_OK)
        rc = fail(cf, in, st, d ? mdlz_dctx_error_detail(d) : NULL);
    else if (ib.pos != zn || ob.pos != in->len ||
             (in->len && memcmp(out, in->data, in->len) != 0))
        rc = fail(cf, in, MDLZ_ERROR_GENERIC,
                  "round trip failed: the decoded data differs from the input");
    free(out);
    mdlz_dctx_free(d);
    return rc;
}

/* Adds the code costs of the stream's components to the row (each
 * component once: the code is paid once for all the files). */
static void add_code_costs(ab_config *cf, const unsigned char *z, size_t zn) {
    mdlz_component_cost cc[AB_COMPS_MAX];
    size_t n = mdlz_stream_code_costs(
        z, zn < MDLZ_HEADER_MAX ? zn : MDLZ_HEADER_MAX, cc, AB_COMPS_MAX);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < cf->n_comps && strcmp(cf->comps[k].name, cc[i].name) != 0)
            k++;
        if (k < cf->n_comps || k == AB_COMPS_MAX) continue;
        cf->comps[cf->n_comps++] = cc[i];
        cf->code += cc[i].code_bytes;
    }
}

static int run_config(ablation *ab, size_t row) {
    ab_config *cf = &ab->configs[row];
    trace_ctx tr = {cf, 0, 0};
    int show = !ab->quiet && isatty(STDERR_FILENO);
    for (size_t i = 0; i < ab->n_inputs; i++) {
        const ab_input *in = &ab->inputs[i];
        if (show)
            fprintf(stderr, "\rmdlz ablate: %-18s %zu/%zu %-40.40s", cf->name,
                    i + 1, ab->n_inputs, in->name);
        unsigned char *z;
        size_t zn;
        int rc = compress_one(ab, cf, in, &tr, &z, &zn);
        if (!rc) rc = verify_one(ab, cf, in, z, zn);
        if (!rc) {
            add_code_costs(cf, z, zn);
            cf->payload += zn;
            tr.x0 += in->len;
            tr.y0 += zn;
            if (ab->plot) add_point(cf, tr.x0, tr.y0);
            free(z);
        }
        if (rc) {
            if (show) fputc('\n', stderr);
            return rc;
        }
    }
    if (show) fprintf(stderr, "\r%79s\r", "");
    return 0;
}

/* ---- the command ---------------------------------------------------------- */

/* The index's own size: its stored documents' compressed bytes. */
static int index_size(ablation *ab) {
    char err[512];
    mdlz_index *ix;
    mdlz_index_summary st;
    int rc = mdlz_index_open(&ix, ab->index, MDLZ_INDEX_READ, err, sizeof err);
    if (rc == 0 && (rc = mdlz_index_stats(ix, &st)) != 0)
        snprintf(err, sizeof err, "%s", mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
    if (rc != 0) {
        report_error(NULL, "ablate: %s", err);
        return EXIT_DATA_ERROR;
    }
    ab->index_docs = st.documents;
    ab->index_stored = st.stored;
    return 0;
}

static int run(ablation *ab, const ab_args *p) {
    int rc = 0;
    for (size_t i = 0; i < p->n_files && !rc; i++) {
        rc = read_input(&ab->inputs[i], p->files[i]);
        if (!rc) ab->in_total += ab->inputs[i].len;
        ab->n_inputs += !rc;
    }
    if (!rc && ab->index) rc = index_size(ab);
    for (size_t r = 0; !rc && r < ab->n_configs; r++) rc = run_config(ab, r);
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
    char *tool_buf = NULL;
    if (!rc && p.help) {
        print_ablate_help();
    } else if (!rc && p.n_files == 0) {
        rc = usage("no input files", NULL);
    } else if (!rc) {
        tool_buf = malloc(p.tools ? strlen(p.tools) + 1 : 1);
        rc = tool_buf ? resolve_tools(&ab, &p, tool_buf) : EXIT_DATA_ERROR;
    }
    if (!rc && !p.help) {
        fileio_install_signals();
        ab.inputs = calloc(p.n_files, sizeof *ab.inputs);
        ab.configs = calloc(6 + ab.n_tools, sizeof *ab.configs);
        if (!ab.inputs || !ab.configs) {
            report_error(NULL, "%s", strerror(ENOMEM));
            rc = EXIT_DATA_ERROR;
        } else {
            plan_configs(&ab);
            rc = run(&ab, &p);
        }
    }
    for (size_t i = 0; ab.inputs && i < ab.n_inputs; i++)
        free(ab.inputs[i].data);
    for (size_t r = 0; ab.configs && r < ab.n_configs; r++)
        free(ab.configs[r].curve);
    free(ab.inputs);
    free(ab.configs);
    free(tool_buf);
    free(p.files);
    return rc;
}
