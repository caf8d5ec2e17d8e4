/*
 * ablate.c - the ablation behind `mdlz ablate` (include/mdlz_measure.h):
 * resolves the tools (built-in names, plugins), plans the rows (cm-only;
 * default, the base; retrieval-whole, -online, -both with an index;
 * tool-NAME per tool; all), reads the index's stored size, runs each
 * input under every row (ablate_run.c) and derives the figures of every
 * row (docs/description-length.md) so that every caller computes them the
 * same way.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ablate.h"
#include "measure.h"
#include "mdlz_index.h"
#include "mdlz_tool.h"

void mdlz_ablation_params_init(mdlz_ablation_params *p) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->level = MDLZ_LEVEL_DEFAULT;
}

/* ---- tools ---------------------------------------------------------------- */

/* Adds a tool to ablate; a plugin is loaded once here to learn its name
 * (MDLZ_ERROR_TOOL naming it if it does not load). */
static mdlz_status add_tool(mdlz_ablation *a, const char *name, int plugin,
                            char *err, size_t errlen) {
    for (size_t i = 0; i < a->n_tools; i++)
        if (strcmp(a->tool_names[i], name) == 0) return MDLZ_OK;
    if (a->n_tools == MDLZ_ABLATION_TOOLS_MAX)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "too many tools");
    char *label = a->tool_labels[a->n_tools];
    snprintf(label, AB_LABEL_MAX, "%s", name);
    if (plugin) {
        char why[512];
        mdlz_plugin *h;
        if (mdlz_plugin_open(&h, name, why, sizeof why) != MDLZ_OK)
            return ms_err(err, errlen, MDLZ_ERROR_TOOL,
                          "tool '%s' is not present (%s); no ablation row "
                          "for it",
                          name, why);
        snprintf(label, AB_LABEL_MAX, "%s", mdlz_plugin_tool(h)->name);
        mdlz_plugin_close(h);
    }
    if (!(a->tool_names[a->n_tools] = ms_strdup(name)))
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    a->tool_plugin[a->n_tools++] = plugin;
    return MDLZ_OK;
}

/* Every tool, all at once (the "all" row), must load before anything is
 * compressed. */
static mdlz_status check_tools_load(const mdlz_ablation *a, char *err,
                                    size_t errlen) {
    mdlz_cctx *c;
    if (mdlz_cctx_create(&c, NULL) != MDLZ_OK)
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    mdlz_status st = MDLZ_OK;
    for (size_t i = 0; st == MDLZ_OK && i < a->n_tools; i++) {
        mdlz_status t = mdlz_cctx_add_tool(c, a->tool_names[i]);
        if (t == MDLZ_OK) continue;
        const char *d = mdlz_cctx_error_detail(c);
        st = ms_err(err, errlen, MDLZ_ERROR_TOOL,
                    "tool '%s' is not present (%s%s%s); no ablation row "
                    "for it",
                    a->tool_names[i], mdlz_strerror(t), *d ? ": " : "", d);
    }
    mdlz_cctx_free(c);
    return st;
}

/* Resolves p->tools (all, none, or names of built-in tools) and the
 * plugins into a->tool_names and their labels (the tools' own names,
 * which must differ). */
static mdlz_status resolve_tools(mdlz_ablation *a,
                                 const mdlz_ablation_params *p, char *err,
                                 size_t errlen) {
    const char *names[MDLZ_ABLATION_TOOLS_MAX];
    size_t n;
    mdlz_status st =
        ms_builtin_list(p->tools, names, MDLZ_ABLATION_TOOLS_MAX, &n,
                        "; no ablation row for it", err, errlen);
    for (size_t i = 0; i < n && st == MDLZ_OK; i++)
        st = add_tool(a, names[i], 0, err, errlen);
    for (size_t i = 0; i < p->n_plugins && st == MDLZ_OK; i++)
        st = add_tool(a, p->plugins[i], 1, err, errlen);
    for (size_t i = 0; i < a->n_tools && st == MDLZ_OK; i++)
        for (size_t k = 0; k < i && st == MDLZ_OK; k++)
            if (!strcmp(a->tool_labels[i], a->tool_labels[k]))
                st = ms_err(err, errlen, MDLZ_ERROR_TOOL,
                            "two tools named '%s' (%s, %s)", a->tool_labels[i],
                            a->tool_names[k], a->tool_names[i]);
    if (st == MDLZ_OK && a->n_tools) st = check_tools_load(a, err, errlen);
    return st;
}

/* ---- rows ------------------------------------------------------------------ */

static void derive_figures(mdlz_ablation *a);

static ab_row *add_row(mdlz_ablation *a, const char *name, const char *arg,
                       int match, unsigned retrieval, uint32_t tools) {
    ab_row *r = &a->rows[a->sum.rows++];
    free(r->curve); /* a slot given back (mdlz_auto drops "all") */
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s%s", name, arg ? arg : "");
    r->tool_mask = tools;
    r->pub.name = r->name;
    r->pub.match = match;
    r->pub.retrieval = retrieval;
    for (size_t i = 0; i < a->n_tools; i++)
        if (tools >> i & 1) r->tools[r->pub.n_tools++] = a->tool_names[i];
    r->pub.tools = r->tools;
    r->pub.components = r->comps;
    return r;
}

mdlz_setting ab_setting(const ab_row *r) {
    return (mdlz_setting){r->pub.match, r->pub.retrieval, r->pub.tools,
                          r->pub.n_tools};
}

ab_row *ab_add_setting(mdlz_ablation *a, const char *name,
                       const mdlz_setting *s, mdlz_status *st) {
    *st = MDLZ_ERROR_PARAM;
    if (a->sum.rows == AB_ROWS_MAX || !s || (s->n_tools && !s->tools) ||
        (s->retrieval && !a->index) || s->match < 0 || s->match > 1 ||
        s->retrieval > (MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE))
        return NULL;
    uint32_t mask = 0;
    for (size_t i = 0; i < s->n_tools; i++) {
        size_t k = 0;
        while (k < a->n_tools && strcmp(a->tool_names[k], s->tools[i]) != 0)
            k++;
        if (k == a->n_tools) {
            *st = MDLZ_ERROR_TOOL;
            return NULL;
        }
        mask |= (uint32_t)1 << k;
    }
    *st = MDLZ_OK;
    return add_row(a, name, NULL, s->match, s->retrieval, mask);
}

mdlz_status mdlz_ablation_add_row(mdlz_ablation *a, const char *name,
                                  const mdlz_setting *s) {
    if (!a || !name) return MDLZ_ERROR_PARAM;
    if (a->sum.inputs) return MDLZ_ERROR_STAGE;
    mdlz_status st;
    if (ab_add_setting(a, name, s, &st)) derive_figures(a);
    return st;
}

/* The rows, in order; a->rows has room for AB_ROWS_MAX. */
static void plan_rows(mdlz_ablation *a) {
    const unsigned both = MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE;
    add_row(a, "cm-only", NULL, 0, 0, 0);
    a->sum.base = a->sum.rows;
    add_row(a, "default", NULL, 1, 0, 0);
    if (a->index) {
        add_row(a, "retrieval-whole", NULL, 1, MDLZ_RETRIEVE_WHOLE, 0);
        add_row(a, "retrieval-online", NULL, 1, MDLZ_RETRIEVE_ONLINE, 0);
        add_row(a, "retrieval-both", NULL, 1, both, 0);
    }
    for (size_t i = 0; i < a->n_tools; i++)
        add_row(a, "tool-", a->tool_labels[i], 1, 0, (uint32_t)1 << i);
    if (a->index || a->n_tools)
        add_row(a, "all", NULL, 1, a->index ? both : 0,
                a->n_tools ? (uint32_t)((1ull << a->n_tools) - 1) : 0);
}

/* Derives the figures of every row from the sums. */
static void derive_figures(mdlz_ablation *a) {
    const mdlz_ablation_row *b = &a->rows[a->sum.base].pub;
    double files = a->sum.inputs ? (double)a->sum.inputs : 1;
    uint64_t in_total = a->sum.input_bytes, base_dl = b->payload + b->code;
    for (size_t i = 0; i < a->sum.rows; i++) {
        mdlz_ablation_row *f = &a->rows[i].pub;
        f->dl = f->payload + f->code;
        f->delta = (int64_t)f->dl - (int64_t)base_dl;
        f->delta_percent =
            base_dl ? 100.0 * (double)f->delta / (double)base_dl : 0;
        f->index_bytes = f->retrieval ? a->sum.index_stored : 0;
        f->per_file = (double)(f->dl + f->index_bytes) / files;
        /* For n inputs like these, a row costs code + index + n * payload
         * per input; it beats the base row from the first n where that is
         * smaller (defined only when its payload per input is smaller). */
        double saving = ((double)b->payload - (double)f->payload) / files;
        double extra =
            (double)f->code + (double)f->index_bytes - (double)b->code;
        f->breakeven = -1;
        if (i != a->sum.base && saving > 0) {
            double n = extra < 0 ? 1 : floor(extra / saving) + 1;
            if (n < 1e15) f->breakeven = (int64_t)n;
        }
        f->bits_per_byte =
            in_total ? 8.0 * (double)f->payload / (double)in_total : 0;
        f->mb_per_s = f->seconds > 0 ? (double)in_total / 1e6 / f->seconds : 0;
    }
}

/* ---- the index -------------------------------------------------------------- */

static mdlz_status read_index_size(mdlz_ablation *a, char *err, size_t errlen) {
    return ms_index_size(a->index, &a->sum.index_documents,
                         &a->sum.index_stored, err, errlen);
}

/* ---- the handle ------------------------------------------------------------ */

static mdlz_status check_params(const mdlz_ablation_params *p, char *err,
                                size_t errlen) {
    return ms_check_params(p->reserved,
                           (sizeof p->reserved / sizeof p->reserved[0]),
                           p->level, p->plugins, p->n_plugins, err, errlen);
}

mdlz_status mdlz_ablation_create(mdlz_ablation **out,
                                 const mdlz_ablation_params *p, char *err,
                                 size_t errlen) {
    if (err && errlen) err[0] = '\0';
    if (!out) return ms_err(err, errlen, MDLZ_ERROR_PARAM, "no handle");
    *out = NULL;
    mdlz_ablation_params defaults;
    if (!p) {
        mdlz_ablation_params_init(&defaults);
        p = &defaults;
    }
    mdlz_status st = check_params(p, err, errlen);
    if (st != MDLZ_OK) return st;
    mdlz_ablation *a = calloc(1, sizeof *a);
    if (!a)
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    a->level = p->level ? p->level : MDLZ_LEVEL_DEFAULT;
    a->progress = p->progress;
    a->progress_user = p->progress_user;
    a->sum.level = a->level;
    a->rows = calloc(AB_ROWS_MAX, sizeof *a->rows);
    if (!a->rows || (p->index && !(a->index = ms_strdup(p->index))))
        st = ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                    mdlz_strerror(MDLZ_ERROR_NOMEM));
    a->sum.index = a->index;
    if (st == MDLZ_OK) st = resolve_tools(a, p, err, errlen);
    if (st == MDLZ_OK && a->index) st = read_index_size(a, err, errlen);
    if (st != MDLZ_OK) {
        mdlz_ablation_free(a);
        return st;
    }
    plan_rows(a);
    derive_figures(a);
    *out = a;
    return MDLZ_OK;
}

void mdlz_ablation_free(mdlz_ablation *a) {
    if (!a) return;
    for (size_t i = 0; a->rows && i < a->sum.rows; i++) free(a->rows[i].curve);
    for (size_t i = 0; i < a->n_tools; i++) free(a->tool_names[i]);
    free(a->rows);
    free(a->index);
    free(a);
}

/* What mdlz_ablation_add() restores in a row after a failure. */
typedef struct {
    uint64_t payload, code;
    double seconds;
    size_t n_components, n_points;
} ab_mark;

mdlz_status mdlz_ablation_add(mdlz_ablation *a, const void *data, size_t len,
                              int size_known) {
    if (!a) return MDLZ_ERROR_PARAM;
    a->detail[0] = '\0';
    if (!data && len) {
        snprintf(a->detail, sizeof a->detail, "no data");
        return MDLZ_ERROR_PARAM;
    }
    ab_mark mark[AB_ROWS_MAX];
    mdlz_status st = MDLZ_OK;
    size_t r = 0;
    for (; r < a->sum.rows && st == MDLZ_OK; r++) {
        mdlz_ablation_row *row = &a->rows[r].pub;
        mark[r] = (ab_mark){row->payload, row->code, row->seconds,
                            row->n_components, row->n_points};
        if (a->progress)
            a->progress(a->progress_user, a->sum.inputs, r, row->name);
        st = ab_run(a, &a->rows[r], data, len, size_known);
    }
    if (st != MDLZ_OK) {
        /* Rows 0..r-1 took part (the last one failed): as before. */
        for (size_t i = 0; i < r; i++) {
            mdlz_ablation_row *row = &a->rows[i].pub;
            row->payload = mark[i].payload;
            row->code = mark[i].code;
            row->seconds = mark[i].seconds;
            row->n_components = mark[i].n_components;
            row->n_points = mark[i].n_points;
        }
        return st;
    }
    a->sum.inputs++;
    a->sum.input_bytes += len;
    derive_figures(a);
    return MDLZ_OK;
}

mdlz_status mdlz_ablation_set_curve(mdlz_ablation *a, uint32_t interval) {
    if (!a) return MDLZ_ERROR_PARAM;
    if (a->sum.inputs) return MDLZ_ERROR_STAGE;
    a->curve_interval = interval;
    return MDLZ_OK;
}

const char *mdlz_ablation_error_detail(const mdlz_ablation *a) {
    return a ? a->detail : "";
}

const mdlz_ablation_summary *mdlz_ablation_summary_get(const mdlz_ablation *a) {
    return a ? &a->sum : NULL;
}

const mdlz_ablation_row *mdlz_ablation_row_get(const mdlz_ablation *a,
                                               size_t i) {
    return a && i < a->sum.rows ? &a->rows[i].pub : NULL;
}
