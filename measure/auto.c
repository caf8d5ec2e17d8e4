/*
 * auto.c - `mdlz --auto`: the setting of the model's optional parts that
 * minimizes the description length of everything one call compresses
 * (include/mdlz_measure.h, docs/description-length.md). It measures on a
 * sample of the inputs with the ablation's own rows (ablate.h, without
 * the round-trip check), so that one function compresses for `mdlz
 * ablate` and for --auto, predicts every combination from them (savings
 * add up, code counts once), and compresses the best combination too when
 * it is not one of the rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ablate.h"
#include "measure.h"

#define AUTO_DIV_DEFAULT 8
#define AUTO_ENUM_TOOLS  12 /* tools whose subsets are all tried */

typedef struct {
    unsigned char *data;
    size_t len;
} au_unit;

struct mdlz_auto {
    mdlz_ablation *ab;
    int objective;
    uint64_t amortize;
    uint32_t div;
    au_unit *units;
    size_t n_units, cap_units, n_inputs;
    uint64_t total, sampled, small_seen, small_taken;
    int chosen;
    mdlz_auto_candidate cand[AB_ROWS_MAX];
    size_t n_cand, choice;
    char detail[512];
};

void mdlz_auto_params_init(mdlz_auto_params *p) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->level = MDLZ_LEVEL_DEFAULT;
    p->sample_div = AUTO_DIV_DEFAULT;
}

mdlz_status mdlz_auto_create(mdlz_auto **out, const mdlz_auto_params *p,
                             char *err, size_t errlen) {
    if (err && errlen) err[0] = '\0';
    if (!out) return ms_err(err, errlen, MDLZ_ERROR_PARAM, "no handle");
    *out = NULL;
    mdlz_auto_params d;
    if (!p) {
        mdlz_auto_params_init(&d);
        p = &d;
    }
    mdlz_status st = ms_check_params(
        p->reserved, (sizeof p->reserved / sizeof p->reserved[0]), p->level,
        p->plugins, p->n_plugins, err, errlen);
    if (st != MDLZ_OK) return st;
    if (p->objective != MDLZ_AUTO_DL && p->objective != MDLZ_AUTO_SIZE)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "bad objective");
    mdlz_auto *a = calloc(1, sizeof *a);
    if (!a)
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    mdlz_ablation_params ap;
    mdlz_ablation_params_init(&ap);
    ap.level = p->level;
    ap.index = p->index;
    ap.tools = p->tools;
    ap.plugins = p->plugins;
    ap.n_plugins = p->n_plugins;
    ap.progress = p->progress;
    ap.progress_user = p->progress_user;
    st = mdlz_ablation_create(&a->ab, &ap, err, errlen);
    if (st != MDLZ_OK) {
        free(a);
        return st;
    }
    a->ab->no_check = 1;
    /* "all" is not a candidate of its own: combinations are predicted. */
    if (!strcmp(a->ab->rows[a->ab->sum.rows - 1].name, "all"))
        a->ab->sum.rows--;
    a->objective = p->objective;
    a->amortize = p->amortize;
    a->div = p->sample_div ? p->sample_div : AUTO_DIV_DEFAULT;
    *out = a;
    return MDLZ_OK;
}

void mdlz_auto_free(mdlz_auto *a) {
    if (!a) return;
    for (size_t i = 0; i < a->n_units; i++) free(a->units[i].data);
    free(a->units);
    mdlz_ablation_free(a->ab);
    free(a);
}

static int keep(mdlz_auto *a, const unsigned char *d, size_t n) {
    if (a->n_units == a->cap_units) {
        size_t cap = a->cap_units ? a->cap_units * 2 : 64;
        au_unit *u = realloc(a->units, cap * sizeof *u);
        if (!u) return -1;
        a->units = u;
        a->cap_units = cap;
    }
    unsigned char *c = malloc(n ? n : 1);
    if (!c) return -1;
    if (n) memcpy(c, d, n);
    a->units[a->n_units++] = (au_unit){c, n};
    a->sampled += n;
    return 0;
}

/* The sampling rule (mdlz_auto_want): the first input and then small
 * ones (up to MDLZ_AUTO_PIECE) whole whenever the bytes taken fall behind
 * 1/div of those seen; larger ones by their first max(MDLZ_AUTO_PIECE,
 * size / div) bytes. Sizes only: the same inputs give the same sample. */
static uint64_t want(const mdlz_auto *a, uint64_t size) {
    if (a->div == 1 || size <= MDLZ_AUTO_PIECE) {
        uint64_t seen = a->small_seen + size;
        return !a->n_units || a->small_taken * a->div < seen ? size : 0;
    }
    uint64_t piece = size / a->div;
    return piece > MDLZ_AUTO_PIECE ? piece : MDLZ_AUTO_PIECE;
}

size_t mdlz_auto_want(const mdlz_auto *a, uint64_t size) {
    if (!a || a->chosen) return 0;
    uint64_t w = want(a, size);
    return w > SIZE_MAX ? SIZE_MAX : (size_t)w;
}

mdlz_status mdlz_auto_add(mdlz_auto *a, const void *data, size_t len,
                          uint64_t size) {
    if (!a || (!data && len) || len > size) return MDLZ_ERROR_PARAM;
    if (a->chosen) return MDLZ_ERROR_STAGE;
    uint64_t w = want(a, size);
    if (len < w) return MDLZ_ERROR_PARAM;
    if (a->div == 1 || size <= MDLZ_AUTO_PIECE) {
        a->small_seen += size;
        a->small_taken += w;
    }
    a->n_inputs++;
    a->total += size;
    if (w && keep(a, data, (size_t)w) != 0) return MDLZ_ERROR_NOMEM;
    return MDLZ_OK;
}

/* ---- choosing ----------------------------------------------------------- */

/* Component code of a set: the union, by name, of the rows' components. */
typedef struct {
    mdlz_component_cost c[AB_COMPS_MAX];
    size_t n;
    uint64_t bytes;
} au_code;

static void code_add(au_code *u, const mdlz_ablation_row *r, const char *skip) {
    for (size_t i = 0; i < r->n_components; i++) {
        const mdlz_component_cost *c = &r->components[i];
        size_t k = 0;
        if (skip && !strcmp(c->name, skip)) continue;
        while (k < u->n && strcmp(u->c[k].name, c->name) != 0) k++;
        if (k < u->n || k == AB_COMPS_MAX) continue;
        u->c[u->n++] = *c;
        u->bytes += c->code_bytes;
    }
}

static double weight(const mdlz_auto *a) {
    if (a->objective == MDLZ_AUTO_SIZE) return 0;
    if (a->amortize && a->n_inputs < a->amortize)
        return (double)a->n_inputs / (double)a->amortize;
    return 1;
}

/* A row's payload over all the inputs: scaled from the sample. */
static uint64_t estimate(const mdlz_auto *a, const mdlz_ablation_row *r) {
    if (!a->sampled) return r->payload;
    return (uint64_t)((double)r->payload * (double)a->total /
                          (double)a->sampled +
                      0.5);
}

/* The rows' parts: index of each in a->ab->rows, -1 if absent. */
typedef struct {
    int def, cm, ret[4], tool[MDLZ_ABLATION_TOOLS_MAX];
    size_t n_tools;
} au_rows;

static au_rows find_rows(const mdlz_ablation *ab) {
    au_rows w = {-1, -1, {-1, -1, -1, -1}, {0}, 0};
    for (size_t i = 0; i < ab->sum.rows; i++) {
        const ab_row *r = &ab->rows[i];
        if (!strcmp(r->name, "default")) w.def = (int)i;
        else if (!strcmp(r->name, "cm-only")) w.cm = (int)i;
        else if (r->pub.retrieval && !r->tool_mask)
            w.ret[r->pub.retrieval] = (int)i;
        else if (!strncmp(r->name, "tool-", 5)) w.tool[w.n_tools++] = (int)i;
    }
    return w;
}

/* The best combination predicted from the rows (savings add up, code
 * counted once): match m, retrieval mode k, tools (mask of w.tool). */
static void predict_best(const mdlz_auto *a, const au_rows *w, int *best_m,
                         unsigned *best_k, uint32_t *best_mask) {
    const ab_row *rows = a->ab->rows;
    double base = (double)estimate(a, &rows[w->def].pub), wt = weight(a);
    double best = 0;
    int first = 1;
    size_t nt = w->n_tools < AUTO_ENUM_TOOLS ? w->n_tools : AUTO_ENUM_TOOLS;
    for (int m = 0; m <= 1; m++) {
        if (!m && w->cm < 0) continue;
        for (unsigned k = 0; k < 4; k++) {
            if (k && w->ret[k] < 0) continue;
            for (uint32_t mask = 0; mask < (uint32_t)1 << nt; mask++) {
                au_code u = {0};
                double p = base;
                code_add(&u, &rows[w->def].pub, m ? NULL : "match");
                if (!m) p += (double)estimate(a, &rows[w->cm].pub) - base;
                if (k) {
                    p += (double)estimate(a, &rows[w->ret[k]].pub) - base;
                    code_add(&u, &rows[w->ret[k]].pub, m ? NULL : "match");
                }
                for (size_t t = 0; t < nt; t++)
                    if (mask >> t & 1) {
                        p += (double)estimate(a, &rows[w->tool[t]].pub) - base;
                        code_add(&u, &rows[w->tool[t]].pub, m ? NULL : "match");
                    }
                double dl = p + wt * (double)u.bytes;
                if (first || dl < best) {
                    best = dl;
                    *best_m = m;
                    *best_k = k;
                    *best_mask = mask;
                    first = 0;
                }
            }
        }
    }
}

/* Compresses the sample under a new row for the combination, named by
 * its parts ("retrieval-whole+tool-seq", "cm-only+tool-calc"). */
static mdlz_status measure_combination(mdlz_auto *a, const au_rows *w, int m,
                                       unsigned k, uint32_t mask) {
    const char *tools[MDLZ_ABLATION_TOOLS_MAX];
    char name[256] = "";
    size_t n = 0;
    if (!m) snprintf(name, sizeof name, "cm-only");
    if (k)
        snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s",
                 *name ? "+" : "", a->ab->rows[w->ret[k]].name);
    for (size_t t = 0; t < w->n_tools; t++)
        if (mask >> t & 1) {
            const ab_row *r = &a->ab->rows[w->tool[t]];
            tools[n++] = r->pub.tools[0];
            snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s",
                     *name ? "+" : "", r->name);
        }
    mdlz_setting s = {m, k, tools, n};
    mdlz_status st;
    ab_row *r = ab_add_setting(a->ab, name, &s, &st);
    for (size_t i = 0; r && st == MDLZ_OK && i < a->n_units; i++) {
        if (a->ab->progress)
            a->ab->progress(a->ab->progress_user, i, a->ab->sum.rows - 1,
                            r->name);
        st = ab_run(a->ab, r, a->units[i].data, a->units[i].len, 1);
    }
    return st;
}

/* The candidates: every row, measured, with its estimate for all the
 * inputs. */
static void list_candidates(mdlz_auto *a) {
    double wt = weight(a);
    a->n_cand = 0;
    for (size_t i = 0; i < a->ab->sum.rows; i++) {
        const ab_row *r = &a->ab->rows[i];
        mdlz_auto_candidate *c = &a->cand[a->n_cand++];
        c->name = r->name;
        c->setting = ab_setting(r);
        c->sample_payload = r->pub.payload;
        c->payload = estimate(a, &r->pub);
        c->code = r->pub.code;
        c->dl = (double)c->payload + wt * (double)c->code;
    }
}

mdlz_status mdlz_auto_choose(mdlz_auto *a) {
    if (!a) return MDLZ_ERROR_PARAM;
    if (a->chosen) return MDLZ_ERROR_STAGE;
    mdlz_status st = MDLZ_OK;
    /* Each unit as a file of its size (a piece of a larger input, too:
     * what matters is the difference between the rows). */
    for (size_t i = 0; i < a->n_units && st == MDLZ_OK; i++)
        st = mdlz_ablation_add(a->ab, a->units[i].data, a->units[i].len, 1);
    au_rows w = find_rows(a->ab);
    if (st == MDLZ_OK && w.def >= 0) {
        int m = 1;
        unsigned k = 0;
        uint32_t mask = 0;
        predict_best(a, &w, &m, &k, &mask);
        int parts = !m + (k != 0) + __builtin_popcount(mask);
        if (parts >= 2) st = measure_combination(a, &w, m, k, mask);
    }
    for (size_t i = 0; i < a->n_units; i++) free(a->units[i].data);
    a->n_units = 0;
    if (st != MDLZ_OK) {
        snprintf(a->detail, sizeof a->detail, "%s",
                 mdlz_ablation_error_detail(a->ab));
        return st;
    }
    list_candidates(a);
    /* The smallest; on a tie the default (mdlz's own setting). */
    a->choice = w.def >= 0 ? (size_t)w.def : 0;
    for (size_t i = 0; i < a->n_cand; i++)
        if (a->cand[i].dl < a->cand[a->choice].dl) a->choice = i;
    a->chosen = 1;
    return MDLZ_OK;
}

const char *mdlz_auto_error_detail(const mdlz_auto *a) {
    return a ? a->detail : "";
}

size_t mdlz_auto_candidates(const mdlz_auto *a) {
    return a && a->chosen ? a->n_cand : 0;
}

const mdlz_auto_candidate *mdlz_auto_candidate_get(const mdlz_auto *a,
                                                   size_t i) {
    return a && a->chosen && i < a->n_cand ? &a->cand[i] : NULL;
}

size_t mdlz_auto_choice(const mdlz_auto *a) {
    return a && a->chosen ? a->choice : 0;
}

void mdlz_auto_sample(const mdlz_auto *a, uint64_t *sampled, uint64_t *total) {
    if (sampled) *sampled = a ? a->sampled : 0;
    if (total) *total = a ? a->total : 0;
}

mdlz_status mdlz_auto_apply(const mdlz_auto *a, mdlz_cctx *c) {
    if (!a || !c) return MDLZ_ERROR_PARAM;
    if (!a->chosen) return MDLZ_ERROR_STAGE;
    return mdlz_setting_apply(c, &a->cand[a->choice].setting, a->ab->index);
}

mdlz_status mdlz_ablation_add_auto(mdlz_ablation *ab, const void *const *data,
                                   const size_t *len, size_t n, char *choice,
                                   size_t cap) {
    if (!ab || (n && (!data || !len))) return MDLZ_ERROR_PARAM;
    if (ab->sum.inputs) return MDLZ_ERROR_STAGE;
    /* The candidates are the ablation's own tools, as given. */
    char builtins[MDLZ_ABLATION_TOOLS_MAX * AB_LABEL_MAX] = "none";
    const char *plugins[MDLZ_ABLATION_TOOLS_MAX];
    size_t n_plugins = 0, used = 0;
    for (size_t i = 0; i < ab->n_tools; i++) {
        if (ab->tool_plugin[i]) {
            plugins[n_plugins++] = ab->tool_names[i];
            continue;
        }
        int w = snprintf(builtins + used, sizeof builtins - used, "%s%s",
                         used ? "," : "", ab->tool_names[i]);
        if (w < 0 || (size_t)w >= sizeof builtins - used)
            return ms_err(ab->detail, sizeof ab->detail, MDLZ_ERROR_PARAM,
                          "auto: tool names too long");
        used += (size_t)w;
    }
    mdlz_auto_params ap;
    mdlz_auto_params_init(&ap);
    ap.level = ab->level;
    ap.index = ab->index;
    ap.tools = builtins;
    ap.plugins = plugins;
    ap.n_plugins = n_plugins;
    mdlz_auto *a = NULL;
    mdlz_status st = mdlz_auto_create(&a, &ap, ab->detail, sizeof ab->detail);
    for (size_t i = 0; st == MDLZ_OK && i < n; i++)
        st = mdlz_auto_add(a, data[i], len[i], len[i]);
    if (st == MDLZ_OK) st = mdlz_auto_choose(a);
    if (st == MDLZ_OK) {
        const mdlz_auto_candidate *c =
            mdlz_auto_candidate_get(a, mdlz_auto_choice(a));
        if (choice && cap) snprintf(choice, cap, "%s", c->name);
        st = mdlz_ablation_add_row(ab, "auto", &c->setting);
        if (st != MDLZ_OK)
            snprintf(ab->detail, sizeof ab->detail, "auto: %s",
                     mdlz_strerror(st));
    } else if (a) {
        snprintf(ab->detail, sizeof ab->detail, "auto: %s",
                 mdlz_auto_error_detail(a));
    }
    mdlz_auto_free(a);
    return st;
}
