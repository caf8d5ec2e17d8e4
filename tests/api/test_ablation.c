/*
 * test_ablation.c - the ablation API (include/mdlz_measure.h) behind
 * `mdlz ablate`, through the public headers only:
 *
 *   plan      the rows planned for each combination of index, built-in
 *             tools (none, some, all, repeated) and a plugin: names, match,
 *             retrieval modes, tools; the index's size as mdlz_index_stats;
 *   sums      two inputs added to one ablation give, per row, the sum of
 *             two ablations of one input each (payload, components, curve
 *             points run on), and each payload and code is what compressing
 *             with the equivalent cctx settings gives;
 *   figures   on one empty input the figures from the code size table by
 *             hand; on two inputs with an index every figure recomputed
 *             here (break-even by its integer definition);
 *   errors    a missing tool or plugin, two tools with one name, too many
 *             tools, a bad index, reserved fields, level, stage and data
 *             misuse; a failing input leaves the ablation as it was.
 *
 * Usage: test_ablation SAMPLES_DIR PLUGIN.so
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mdlz_index.h"
#include "mdlz_measure.h"
#include "samples.h"

#define LEVEL 1
#define CUT   6000 /* bytes of each sample used: keeps the test quick */

static const char *samples, *plugin;
static char tmpdir[] = "/tmp/mdlz_test_ablation_XXXXXX";
static char kb[512];

static mdlz_ablation *create(const char *index, const char *tools,
                             const char *const *plugins, size_t n_plugins) {
    mdlz_ablation_params p;
    mdlz_ablation_params_init(&p);
    p.level = LEVEL;
    p.index = index;
    p.tools = tools;
    p.plugins = plugins;
    p.n_plugins = n_plugins;
    char err[1024];
    mdlz_ablation *a = NULL;
    mdlz_status st = mdlz_ablation_create(&a, &p, err, sizeof err);
    if (st != MDLZ_OK) fprintf(stderr, "create: %s\n", err);
    return a;
}

static const mdlz_ablation_row *row(const mdlz_ablation *a, size_t i) {
    return mdlz_ablation_row_get(a, i);
}

static size_t n_rows(const mdlz_ablation *a) {
    return mdlz_ablation_summary_get(a)->rows;
}

/* ---- plan ------------------------------------------------------------------ */

/* The rows' names are `names` (n of them), "default" is the base. */
static int names_are(const mdlz_ablation *a, const char *const *names,
                     size_t n) {
    if (!a || n_rows(a) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(row(a, i)->name, names[i]) != 0) return 0;
    return mdlz_ablation_summary_get(a)->base == 1 && !row(a, n) &&
           !strcmp(row(a, 1)->name, "default");
}

/* Row i is (match, retrieval) with tools `tools` (n of them). */
static int config_is(const mdlz_ablation *a, size_t i, int match,
                     unsigned retrieval, const char *const *tools, size_t n) {
    const mdlz_ablation_row *r = row(a, i);
    if (!r || r->match != match || r->retrieval != retrieval || r->n_tools != n)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(r->tools[k], tools[k]) != 0) return 0;
    return 1;
}

static void test_plan(void) {
    const unsigned W = MDLZ_RETRIEVE_WHOLE, O = MDLZ_RETRIEVE_ONLINE;
    mdlz_ablation *a = create(NULL, "none", NULL, 0);
    static const char *const plain[] = {"cm-only", "default"};
    check(names_are(a, plain, 2) && config_is(a, 0, 0, 0, NULL, 0) &&
              config_is(a, 1, 1, 0, NULL, 0) &&
              !mdlz_ablation_summary_get(a)->index,
          "plan: no index, no tools: cm-only, default");
    mdlz_ablation_free(a);

    a = create(kb, "none", NULL, 0);
    static const char *const ret[] = {"cm-only",         "default",
                                      "retrieval-whole", "retrieval-online",
                                      "retrieval-both",  "all"};
    check(names_are(a, ret, 6) && config_is(a, 2, 1, W, NULL, 0) &&
              config_is(a, 3, 1, O, NULL, 0) &&
              config_is(a, 4, 1, W | O, NULL, 0) &&
              config_is(a, 5, 1, W | O, NULL, 0),
          "plan: index: the three retrieval rows and all");
    mdlz_index *ix;
    mdlz_index_summary st;
    int ok = a && !mdlz_index_open(&ix, kb, MDLZ_INDEX_READ, NULL, 0);
    ok = ok && !mdlz_index_stats(ix, &st);
    if (a) mdlz_index_close(ix);
    const mdlz_ablation_summary *s = a ? mdlz_ablation_summary_get(a) : NULL;
    check(ok && !strcmp(s->index, kb) && s->index_documents == 2 &&
              s->index_stored == st.stored && s->level == LEVEL,
          "plan: the index's documents and stored size as index stats");
    mdlz_ablation_free(a);

    a = create(NULL, "calc", NULL, 0);
    static const char *const calc[] = {"cm-only", "default", "tool-calc",
                                       "all"};
    static const char *const calc_t[] = {"calc"};
    check(names_are(a, calc, 4) && config_is(a, 2, 1, 0, calc_t, 1) &&
              config_is(a, 3, 1, 0, calc_t, 1),
          "plan: one tool: tool-calc and all without retrieval");
    mdlz_ablation_free(a);

    const char *builtin[MDLZ_ABLATION_TOOLS_MAX];
    size_t nb = mdlz_builtin_tools(builtin, MDLZ_ABLATION_TOOLS_MAX);
    a = create(NULL, NULL, NULL, 0);
    ok = a && n_rows(a) == 2 + nb + (nb > 0);
    for (size_t i = 0; ok && i < nb; i++) {
        char want[64];
        snprintf(want, sizeof want, "tool-%s", builtin[i]);
        ok = !strcmp(row(a, 2 + i)->name, want) &&
             config_is(a, 2 + i, 1, 0, &builtin[i], 1);
    }
    check(ok && (!nb || config_is(a, 2 + nb, 1, 0, builtin, nb)),
          "plan: tools NULL = every built-in tool (%zu), all of them in all",
          nb);
    mdlz_ablation_free(a);

    a = create(kb, "seq,calc,seq", NULL, 0);
    static const char *const two[] = {
        "cm-only",        "default",  "retrieval-whole", "retrieval-online",
        "retrieval-both", "tool-seq", "tool-calc",       "all"};
    static const char *const two_t[] = {"seq", "calc"};
    check(names_are(a, two, 8) && config_is(a, 5, 1, 0, two_t, 1) &&
              config_is(a, 6, 1, 0, two_t + 1, 1) &&
              config_is(a, 7, 1, W | O, two_t, 2),
          "plan: index and two tools (one named twice): all has both");
    mdlz_ablation_free(a);

    const char *plugins[] = {plugin};
    a = create(NULL, "none", plugins, 1);
    static const char *const pl[] = {"cm-only", "default", "tool-crlf", "all"};
    check(names_are(a, pl, 4) && config_is(a, 2, 1, 0, plugins, 1),
          "plan: a plugin's row is named as its tool, its tool is the path");
    mdlz_ablation_free(a);
}

/* ---- errors ---------------------------------------------------------------- */

/* Creating with these parameters fails with `want`, naming `needle`. */
static void refused(const mdlz_ablation_params *p, mdlz_status want,
                    const char *needle, const char *what) {
    static int sentinel; /* *out must be reset to NULL */
    char err[1024] = "unchanged";
    mdlz_ablation *a = (mdlz_ablation *)&sentinel;
    mdlz_status st = mdlz_ablation_create(&a, p, err, sizeof err);
    check(st == want && !a && strstr(err, needle) && !strchr(err, '\n'),
          "refused: %s (%s: %s)", what, mdlz_strerror(st), err);
    if (st == MDLZ_OK) mdlz_ablation_free(a);
    a = (mdlz_ablation *)&sentinel;
    st = mdlz_ablation_create(&a, p, NULL, 0);
    check(st == want && !a, "refused without an err buffer: %s", what);
    if (st == MDLZ_OK) mdlz_ablation_free(a);
}

static void test_errors(const buf *x) {
    mdlz_ablation_params p;
    mdlz_ablation_params_init(&p);
    p.tools = "nosuchtool";
    refused(&p, MDLZ_ERROR_TOOL, "tool 'nosuchtool' is not present",
            "unknown built-in tool");
    p.tools = "calc,bogus";
    refused(&p, MDLZ_ERROR_TOOL, "'bogus' is not present", "second name bad");
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no.so", tmpdir);
    const char *plugins[MDLZ_ABLATION_TOOLS_MAX + 1] = {missing};
    p.tools = "none";
    p.plugins = plugins;
    p.n_plugins = 1;
    refused(&p, MDLZ_ERROR_TOOL, "no.so' is not present", "missing plugin");

    /* The same plugin under two paths: two tools named alike. */
    char paths[MDLZ_ABLATION_TOOLS_MAX + 1][1100];
    for (size_t i = 0; i <= MDLZ_ABLATION_TOOLS_MAX; i++) {
        /* "/x/./y", "/x/././y", ...: distinct paths to one file */
        const char *slash = strrchr(plugin, '/');
        int dir = slash ? (int)(slash - plugin) : 0;
        snprintf(paths[i], sizeof paths[i], "%.*s%s", dir, plugin,
                 slash ? "" : ".");
        for (size_t k = 0; k <= i; k++)
            snprintf(paths[i] + strlen(paths[i]),
                     sizeof paths[i] - strlen(paths[i]), "/.");
        snprintf(paths[i] + strlen(paths[i]),
                 sizeof paths[i] - strlen(paths[i]), "/%s",
                 slash ? slash + 1 : plugin);
        plugins[i] = paths[i];
    }
    p.n_plugins = 2;
    refused(&p, MDLZ_ERROR_TOOL, "two tools named 'crlf'", "two tools alike");
    p.n_plugins = MDLZ_ABLATION_TOOLS_MAX + 1;
    refused(&p, MDLZ_ERROR_PARAM, "too many tools", "too many tools");
    p.n_plugins = 0;
    p.plugins = NULL;

    char nokb[600];
    snprintf(nokb, sizeof nokb, "%s/none.db", tmpdir);
    p.index = nokb;
    refused(&p, MDLZ_ERROR_INDEX, "no such index", "missing index");
    char notkb[1024];
    snprintf(notkb, sizeof notkb, "%s/README.md", samples);
    p.index = notkb;
    refused(&p, MDLZ_ERROR_INDEX, "not an mdlz index", "not an index");
    p.index = NULL;

    p.reserved[7] = 1;
    refused(&p, MDLZ_ERROR_PARAM, "reserved", "reserved field not zero");
    p.reserved[7] = 0;
    p.level = 10;
    refused(&p, MDLZ_ERROR_PARAM, "level 10", "level 10");
    p.level = -1;
    refused(&p, MDLZ_ERROR_PARAM, "level -1", "level -1");
    p.level = LEVEL;
    mdlz_ablation *a = NULL;
    check(mdlz_ablation_create(NULL, &p, NULL, 0) == MDLZ_ERROR_PARAM,
          "refused: no handle pointer");

    /* Misuse of a handle. */
    check(mdlz_ablation_create(&a, &p, NULL, 0) == MDLZ_OK && a,
          "create with tools none");
    check(mdlz_ablation_add(a, NULL, 5, 1) == MDLZ_ERROR_PARAM &&
              mdlz_ablation_summary_get(a)->inputs == 0,
          "add: NULL data with a length is refused");
    check(mdlz_ablation_add(a, x->p, 100, 1) == MDLZ_OK &&
              mdlz_ablation_set_curve(a, 256) == MDLZ_ERROR_STAGE,
          "set_curve after an input: MDLZ_ERROR_STAGE");
    check(!mdlz_ablation_row_get(a, 2) && !mdlz_ablation_row_get(NULL, 0) &&
              !mdlz_ablation_summary_get(NULL) &&
              !strcmp(mdlz_ablation_error_detail(NULL), "") &&
              mdlz_ablation_add(NULL, x->p, 1, 1) == MDLZ_ERROR_PARAM,
          "accessors: out of range and NULL");
    mdlz_ablation_free(a);
    mdlz_ablation_free(NULL);

    /* An input that fails (its index vanished) leaves everything as it
     * was: the rows before the failing one are rolled back. */
    char kb2[600];
    snprintf(kb2, sizeof kb2, "%s/kb2.db", tmpdir);
    int made = sample_index(samples, kb2) == 0;
    a = made ? create(kb2, "none", NULL, 0) : NULL;
    int ok = a && mdlz_ablation_set_curve(a, 256) == MDLZ_OK &&
             mdlz_ablation_add(a, x->p, 2000, 1) == MDLZ_OK;
    mdlz_ablation_row before[8];
    for (size_t i = 0; ok && i < n_rows(a); i++) before[i] = *row(a, i);
    ok = ok && unlink(kb2) == 0;
    mdlz_status st = ok ? mdlz_ablation_add(a, x->p, 3000, 1) : MDLZ_OK;
    const char *d = a ? mdlz_ablation_error_detail(a) : "";
    check(st == MDLZ_ERROR_INDEX && !strncmp(d, "retrieval-whole: ", 17) &&
              !strchr(d, '\n'),
          "a vanished index fails the retrieval rows (%s: %s)",
          mdlz_strerror(st), d);
    for (size_t i = 0; ok && i < n_rows(a); i++) {
        const mdlz_ablation_row *r = row(a, i);
        ok = r->payload == before[i].payload && r->code == before[i].code &&
             r->n_components == before[i].n_components &&
             r->n_points == before[i].n_points &&
             r->seconds == before[i].seconds && r->dl == before[i].dl;
    }
    check(ok && mdlz_ablation_summary_get(a)->inputs == 1 &&
              mdlz_ablation_summary_get(a)->input_bytes == 2000,
          "after the failure every row is as before");
    mdlz_ablation_free(a);
}

/* ---- sums -------------------------------------------------------------------- */

/* What compressing src with these settings writes (malloc'd, *n). */
static uint8_t *compress_as(const uint8_t *src, size_t len, int size_known,
                            int match, unsigned retrieval, const char *index,
                            const char *tool, size_t *n) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = LEVEL;
    p.src_size = size_known ? len : MDLZ_SIZE_UNKNOWN;
    mdlz_cctx *c;
    uint8_t *out = NULL;
    *n = 0;
    if (mdlz_cctx_create(&c, &p) != MDLZ_OK) return NULL;
    mdlz_status st = mdlz_cctx_set_param(c, MDLZ_CPARAM_MATCH, match);
    if (st == MDLZ_OK && retrieval) st = mdlz_cctx_set_index(c, index);
    if (st == MDLZ_OK && retrieval)
        st = mdlz_cctx_set_param(c, MDLZ_CPARAM_RETRIEVAL, (int)retrieval);
    if (st == MDLZ_OK && tool) st = mdlz_cctx_add_tool(c, tool);
    size_t used;
    if (st == MDLZ_OK)
        st = stream_loop(compress_step, c, "compress", src, len, 1 << 20,
                         1 << 20, &out, n, &used);
    mdlz_cctx_free(c);
    return st == MDLZ_OK ? out : NULL;
}

/* The row's payload and code are those of the stream the equivalent cctx
 * writes for one input. */
static int row_is_stream(const mdlz_ablation_row *r, const buf *x,
                         int size_known, const char *index, const char *tool) {
    size_t n;
    uint8_t *z = compress_as(x->p, x->n, size_known, r->match, r->retrieval,
                             index, tool, &n);
    if (!z) return 0;
    mdlz_component_cost cc[32];
    size_t k = mdlz_stream_code_costs(z, n, cc, 32);
    uint64_t code = 0;
    int ok = k == r->n_components;
    for (size_t i = 0; ok && i < k; i++) {
        code += cc[i].code_bytes;
        ok = !strcmp(cc[i].name, r->components[i].name);
    }
    free(z);
    return ok && r->payload == n && r->code == code;
}

static mdlz_ablation *measured(const buf *const *in, size_t n) {
    mdlz_ablation *a = create(kb, "calc", NULL, 0);
    if (!a || mdlz_ablation_set_curve(a, 256) != MDLZ_OK) return a;
    for (size_t i = 0; i < n; i++)
        if (mdlz_ablation_add(a, in[i]->p, in[i]->n, 1) != MDLZ_OK)
            fprintf(stderr, "add: %s\n", mdlz_ablation_error_detail(a));
    return a;
}

/* Row r of `ab` (x then y) sums rows r of `a` (x) and `b` (y). */
static int sums(const mdlz_ablation_row *ab, const mdlz_ablation_row *a,
                const mdlz_ablation_row *b, uint64_t xlen) {
    if (ab->payload != a->payload + b->payload ||
        ab->n_points != a->n_points + b->n_points || !a->n_points ||
        !b->n_points)
        return 0;
    for (size_t k = 0; k < a->n_points; k++)
        if (ab->curve[k].in_bytes != a->curve[k].in_bytes ||
            ab->curve[k].out_bytes != a->curve[k].out_bytes)
            return 0;
    for (size_t k = 0; k < b->n_points; k++) {
        const mdlz_curve_point *p = &ab->curve[a->n_points + k];
        if (p->in_bytes != xlen + b->curve[k].in_bytes ||
            p->out_bytes != a->payload + b->curve[k].out_bytes)
            return 0;
    }
    /* components: a's, then those of b's not among them */
    size_t n = a->n_components;
    uint64_t code = a->code;
    if (ab->n_components < n) return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ab->components[i].name, a->components[i].name)) return 0;
    for (size_t i = 0; i < b->n_components; i++) {
        size_t k = 0;
        while (k < a->n_components &&
               strcmp(a->components[k].name, b->components[i].name))
            k++;
        if (k < a->n_components) continue;
        if (n == ab->n_components ||
            strcmp(ab->components[n++].name, b->components[i].name))
            return 0;
        code += b->components[i].code_bytes;
    }
    return n == ab->n_components && code == ab->code &&
           a->curve[a->n_points - 1].in_bytes == xlen &&
           a->curve[a->n_points - 1].out_bytes == a->payload;
}

static void test_sums(const buf *x, const buf *y) {
    const buf *xy[] = {x, y};
    mdlz_ablation *both = measured(xy, 2), *ax = measured(xy, 1),
                  *ay = measured(xy + 1, 1);
    int ok = both && ax && ay && n_rows(both) == 7;
    const mdlz_ablation_summary *s = ok ? mdlz_ablation_summary_get(both) : 0;
    check(ok && s->inputs == 2 && s->input_bytes == x->n + y->n,
          "two inputs: counted");
    for (size_t r = 0; ok && r < n_rows(both); r++)
        check(sums(row(both, r), row(ax, r), row(ay, r), x->n),
              "%s: two inputs sum the single runs (payload %llu + %llu, "
              "components, curve)",
              row(both, r)->name, (unsigned long long)row(ax, r)->payload,
              (unsigned long long)row(ay, r)->payload);
    for (size_t r = 0; ok && r < n_rows(ax); r++) {
        const mdlz_ablation_row *w = row(ax, r);
        const char *tool = w->n_tools ? w->tools[0] : NULL;
        check(row_is_stream(w, x, 1, kb, tool),
              "%s: payload and code as the equivalent cctx writes", w->name);
    }
    mdlz_ablation_free(both);
    mdlz_ablation_free(ax);
    mdlz_ablation_free(ay);

    /* Size unknown: as a stream without its size in the header. */
    mdlz_ablation *a = create(NULL, "none", NULL, 0);
    ok = a && mdlz_ablation_add(a, x->p, x->n, 0) == MDLZ_OK;
    check(ok && row_is_stream(row(a, 1), x, 0, NULL, NULL) &&
              row(a, 1)->n_points == 0,
          "size unknown: default row as a stream without its size; no "
          "curve unless asked");
    mdlz_ablation_free(a);
}

/* ---- figures ------------------------------------------------------------------ */

static uint64_t code_of(const char *name) {
    const mdlz_code_size *e = mdlz_code_size_find(name);
    return e ? e->code_bytes : 0;
}

static int near(double a, double b) {
    return a - b < 1e-9 * (1 + (b < 0 ? -b : b)) &&
           b - a < 1e-9 * (1 + (b < 0 ? -b : b));
}

static void test_figures_empty(void) {
    mdlz_ablation *a = create(NULL, "none", NULL, 0);
    int ok = a && mdlz_ablation_add(a, NULL, 0, 1) == MDLZ_OK;
    size_t zn = 0;
    uint8_t z[256];
    ok = ok && mdlz_compress(z, sizeof z, &zn, "", 0, LEVEL) == MDLZ_OK;
    if (!check(ok, "one empty input")) {
        mdlz_ablation_free(a);
        return;
    }
    uint64_t core = code_of("core"), orders = code_of("orders"),
             match = code_of("match");
    const mdlz_ablation_row *cm = row(a, 0), *df = row(a, 1);
    uint64_t cm_dl = cm->payload + core + orders,
             df_dl = zn + core + orders + match;
    check(df->payload == zn && df->code == core + orders + match &&
              df->dl == df_dl && df->delta == 0 && df->delta_percent == 0,
          "empty: default = empty stream (%zu) + core + orders + match", zn);
    check(cm->code == core + orders && cm->dl == cm_dl &&
              cm->delta == (int64_t)cm_dl - (int64_t)df_dl &&
              near(cm->delta_percent,
                   100.0 * ((double)cm_dl - (double)df_dl) / (double)df_dl),
          "empty: cm-only = its payload + core + orders; delta %lld "
          "(%.3f%%)",
          (long long)cm->delta, cm->delta_percent);
    check(cm->per_file == (double)cm_dl && df->per_file == (double)df_dl &&
              cm->index_bytes == 0 && cm->bits_per_byte == 0 &&
              cm->mb_per_s == 0 && df->breakeven == -1 &&
              (cm->payload < zn || cm->breakeven == -1),
          "empty: per file = DL, no index, bpb and MB/s 0, no break-even");
    mdlz_ablation_free(a);
}

/* The smallest n >= 1 with code + index + n * payload / files below the
 * base's, in integers; -1 if the payload is not smaller. */
static int64_t breakeven(const mdlz_ablation_row *r, const mdlz_ablation_row *b,
                         uint64_t files) {
    if (r->payload >= b->payload) return -1;
    int64_t extra = (int64_t)(r->code + r->index_bytes) - (int64_t)b->code;
    uint64_t saving = b->payload - r->payload; /* per `files` inputs */
    if (extra < 0) return 1;
    return (int64_t)((uint64_t)extra * files / saving) + 1;
}

static void test_figures(const buf *x, const buf *y) {
    mdlz_ablation *a = create(kb, "none", NULL, 0);
    int ok = a && mdlz_ablation_add(a, x->p, x->n, 1) == MDLZ_OK &&
             mdlz_ablation_add(a, y->p, y->n, 1) == MDLZ_OK;
    if (!check(ok, "figures: two inputs with an index")) {
        mdlz_ablation_free(a);
        return;
    }
    const mdlz_ablation_summary *s = mdlz_ablation_summary_get(a);
    const mdlz_ablation_row *b = row(a, s->base);
    uint64_t in = x->n + y->n, bdl = b->payload + b->code;
    int some_breakeven = 0;
    for (size_t i = 0; i < s->rows; i++) {
        const mdlz_ablation_row *r = row(a, i);
        uint64_t dl = r->payload + r->code;
        uint64_t idx = r->retrieval ? s->index_stored : 0;
        int64_t be = i == s->base ? -1 : breakeven(r, b, 2);
        some_breakeven |= be > 0;
        check(r->dl == dl && r->delta == (int64_t)dl - (int64_t)bdl &&
                  near(r->delta_percent,
                       100.0 * ((double)dl - (double)bdl) / (double)bdl) &&
                  r->index_bytes == idx &&
                  near(r->per_file, (double)(dl + idx) / 2) &&
                  r->breakeven == be &&
                  near(r->bits_per_byte, 8.0 * (double)r->payload / in) &&
                  r->seconds > 0 &&
                  near(r->mb_per_s, (double)in / 1e6 / r->seconds),
              "%s: figures (DL %llu, index %llu, break-even %lld)", r->name,
              (unsigned long long)r->dl, (unsigned long long)r->index_bytes,
              (long long)r->breakeven);
    }
    check(some_breakeven, "some row has a break-even to check");
    mdlz_ablation_free(a);
}

/* The auto row: mdlz_auto's choice among the ablation's own candidates,
 * added after the planned rows and measured like them; refused once an
 * input was added. */
static void test_auto_row(const buf *x) {
    const char *plugins[1] = {plugin};
    mdlz_ablation *a = create(kb, "seq", plugins, 1);
    if (!check(a != NULL, "auto row: create")) return;
    size_t planned = mdlz_ablation_summary_get(a)->rows;
    const void *data[1] = {x->p};
    size_t len[1] = {x->n};
    char choice[256] = "";
    check(mdlz_ablation_add_auto(a, data, len, 1, choice, sizeof choice) ==
                  MDLZ_OK &&
              *choice,
          "auto row: chosen (%s)", choice);
    const mdlz_ablation_row *r = row(a, planned);
    check(mdlz_ablation_summary_get(a)->rows == planned + 1 && r &&
              !strcmp(r->name, "auto"),
          "auto row: one row named auto after the %zu planned", planned);
    check(mdlz_ablation_add(a, x->p, x->n, 1) == MDLZ_OK &&
              row(a, planned)->payload > 0,
          "auto row: measured with the input");
    check(mdlz_ablation_add_auto(a, data, len, 1, NULL, 0) == MDLZ_ERROR_STAGE,
          "auto row: after an input, MDLZ_ERROR_STAGE");
    mdlz_ablation_free(a);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SAMPLES_DIR PLUGIN.so\n", argv[0]);
        return 2;
    }
    samples = argv[1];
    plugin = argv[2];
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 99;
    }
    snprintf(kb, sizeof kb, "%s/kb.db", tmpdir);
    if (sample_index(samples, kb) != 0) return 99;
    buf x = sample_read(samples, "1941_franklin_d_roosevelt_d.txt", CUT),
        y = sample_read(samples, "1962_john_f_kennedy_d.txt", CUT);
    test_plan();
    test_errors(&x);
    test_sums(&x, &y);
    test_figures_empty();
    test_figures(&x, &y);
    test_auto_row(&x);
    free(x.p);
    free(y.p);
    unlink(kb);
    rmdir(tmpdir);
    return check_finish();
}
