/*
 * explain.c - where the bits went (include/mdlz_explain.h): the full run
 * with the probe (explain_probe.c), then one run without each augmentation
 * the full stream used, and the base run; the savings, the blocks of the
 * full stream and the names of the documents retrieval predicted from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "format.h"
#include "mdlz_tool.h"
#include "measure.h"

void mdlz_explain_params_init(mdlz_explain_params *p) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->level = MDLZ_LEVEL_DEFAULT;
    p->attribute = 1;
}

static mdlz_status check_params(const mdlz_explain_params *p, char *err,
                                size_t errlen) {
    mdlz_status st = ms_check_params(
        p->reserved, (sizeof p->reserved / sizeof p->reserved[0]), p->level,
        p->plugins, p->n_plugins, err, errlen);
    if (st != MDLZ_OK) return st;
    if (p->retrieval > (MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE))
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "bad retrieval modes");
    if (p->attribute < 0 || p->attribute > 1)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "bad parameters");
    return MDLZ_OK;
}

/* Adds a tool to use: a built-in name or a plugin's path (loaded once to
 * learn its name). */
static mdlz_status add_tool(mdlz_explain *e, const char *name, int plugin,
                            char *err, size_t errlen) {
    if (e->n_tools == EX_TOOLS_MAX)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "too many tools");
    char *label = e->tool_names[e->n_tools];
    snprintf(label, sizeof e->tool_names[0], "%s", name);
    if (plugin) {
        char why[512];
        mdlz_plugin *h;
        if (mdlz_plugin_open(&h, name, why, sizeof why) != MDLZ_OK)
            return ms_err(err, errlen, MDLZ_ERROR_TOOL,
                          "tool '%s' is not present (%s)", name, why);
        snprintf(label, sizeof e->tool_names[0], "%s",
                 mdlz_plugin_tool(h)->name);
        mdlz_plugin_close(h);
    }
    if (!(e->tools[e->n_tools] = ms_strdup(name)))
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    e->n_tools++;
    return MDLZ_OK;
}

static mdlz_status setup(mdlz_explain *e, const mdlz_explain_params *p,
                         char *err, size_t errlen) {
    e->level = p->level ? p->level : MDLZ_LEVEL_DEFAULT;
    e->modes = p->retrieval ? p->retrieval
                            : MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE;
    e->attribute = p->attribute;
    e->progress = p->progress;
    e->progress_user = p->progress_user;
    e->default_tools = p->tools == NULL;
    mdlz_status st = MDLZ_OK;
    if (p->tools) {
        const char *names[EX_TOOLS_MAX];
        size_t n;
        st =
            ms_builtin_list(p->tools, names, EX_TOOLS_MAX, &n, "", err, errlen);
        for (size_t i = 0; i < n && st == MDLZ_OK; i++)
            st = add_tool(e, names[i], 0, err, errlen);
    }
    for (size_t i = 0; i < p->n_plugins && st == MDLZ_OK; i++)
        st = add_tool(e, p->plugins[i], 1, err, errlen);
    if (st == MDLZ_OK && p->index) {
        if (!(e->index = ms_strdup(p->index)))
            return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                          mdlz_strerror(MDLZ_ERROR_NOMEM));
        e->sum.index = e->index;
        st = ms_index_size(e->index, &e->sum.index_documents,
                           &e->sum.index_stored, err, errlen);
    }
    return st;
}

mdlz_status mdlz_explain_create(mdlz_explain **out,
                                const mdlz_explain_params *p, char *err,
                                size_t errlen) {
    if (err && errlen) err[0] = '\0';
    if (!out) return ms_err(err, errlen, MDLZ_ERROR_PARAM, "no handle");
    *out = NULL;
    mdlz_explain_params defaults;
    if (!p) {
        mdlz_explain_params_init(&defaults);
        p = &defaults;
    }
    mdlz_status st = check_params(p, err, errlen);
    if (st != MDLZ_OK) return st;
    mdlz_explain *e = calloc(1, sizeof *e);
    if (!e)
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    if ((st = setup(e, p, err, errlen)) != MDLZ_OK) {
        mdlz_explain_free(e);
        return st;
    }
    ex_init_log2(e);
    e->sum.level = e->level;
    *out = e;
    return MDLZ_OK;
}

void ex_clear(mdlz_explain *e) {
    for (size_t i = 0; i < EX_CONFIGS_MAX; i++) {
        free(e->cfg[i].cost);
        memset(&e->cfg[i], 0, sizeof e->cfg[i]);
    }
    for (size_t i = 0; i <= EX_TOOLS_MAX; i++) {
        free(e->aug[i].saving);
        memset(&e->aug[i], 0, sizeof e->aug[i]);
    }
    for (size_t i = 0; i < e->sum.documents; i++) free((char *)e->docs[i].name);
    free(e->blocks);
    e->blocks = NULL;
    e->layout = (mdlz_explain_layout){0, 0};
    e->sum.input_bytes = e->sum.model_cost = 0;
    e->sum.configs = e->sum.augmentations = e->sum.blocks = 0;
    e->sum.documents = e->sum.sources = e->sum.proposals = 0;
    e->detail[0] = '\0';
}

void mdlz_explain_free(mdlz_explain *e) {
    if (!e) return;
    ex_clear(e);
    free(e->docs);
    free(e->sources);
    free(e->props);
    for (size_t i = 0; i < e->n_tools; i++) free(e->tools[i]);
    free(e->index);
    free(e);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Adds a configuration to run; its tools are copied from tools[0..n). */
static ex_config *add_config(mdlz_explain *e, const char *name, int match,
                             unsigned retrieval, const char *const *tools,
                             size_t n) {
    ex_config *c = &e->cfg[e->sum.configs++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->pub.name = c->name;
    for (size_t i = 0; i < n; i++) c->tools[i] = tools[i];
    c->pub.setting = (mdlz_setting){match, retrieval, c->tools, n};
    c->pub.components = c->comps;
    return c;
}

/* Compresses the input under configuration c with the probe; the full run
 * (notes on) keeps its stream in *z (else it is freed). */
static mdlz_status run_config(mdlz_explain *e, ex_config *c,
                              const unsigned char *data, size_t len,
                              int size_known, int full, unsigned char **z,
                              size_t *zn) {
    if (e->progress)
        e->progress(e->progress_user, (size_t)(c - e->cfg), e->sum.configs,
                    c->name);
    double t0 = now();
    mdlz_cctx *cc = NULL;
    mdlz_status st = MDLZ_OK;
    if (!(c->cost = malloc((len ? len : 1) * sizeof *c->cost)))
        st = MDLZ_ERROR_NOMEM;
    if (st == MDLZ_OK)
        st = ms_cctx(&cc, e->level, len, size_known, &c->pub.setting, e->index);
    if (st == MDLZ_OK && full && e->default_tools)
        st = mdlz_cctx_set_param(cc, MDLZ_CPARAM_DEFAULT_TOOLS, 1);
    ex_run r = {e, c, full ? cc : NULL, 0, 0};
    blk_probe pb = ex_probe(&r);
    if (st == MDLZ_OK) st = sys_cctx_set_probe(cc, &pb);
    if (st == MDLZ_OK) st = ms_compress(cc, data, len, z, zn);
    if (st == MDLZ_OK && (r.oom || r.pos != len)) {
        free(*z);
        st = r.oom ? MDLZ_ERROR_NOMEM : MDLZ_ERROR_GENERIC;
    }
    c->pub.seconds = now() - t0;
    if (st != MDLZ_OK) {
        const char *d = cc ? mdlz_cctx_error_detail(cc) : "";
        snprintf(e->detail, sizeof e->detail, "%s: %s%s%s", c->name,
                 mdlz_strerror(st), *d ? ": " : "", d);
        mdlz_cctx_free(cc);
        return st;
    }
    mdlz_cctx_free(cc);
    mdlz_explain_config *p = &c->pub;
    p->cost = c->cost;
    p->payload = *zn;
    ms_add_code_costs(c->comps, &p->n_components, EX_COMPS_MAX, &p->code, *z,
                      *zn);
    p->dl = p->payload + p->code;
    p->index_bytes = p->setting.retrieval ? e->sum.index_stored : 0;
    for (size_t i = 0; i < len; i++) p->model_cost += c->cost[i];
    if (!full) free(*z);
    return MDLZ_OK;
}

/* The blocks of the full stream z (the container's framing, format.h). */
static mdlz_status read_blocks(mdlz_explain *e, const unsigned char *z,
                               size_t zn, const mdlz_frame_info *fi) {
    size_t pos = fi->header_size, cap = 0;
    uint64_t start = 0;
    const uint32_t *cost = e->cfg[0].cost;
    while (pos < zn && z[pos] != BLK_END) {
        size_t hs = fmt_block_header_size(z[pos]);
        fmt_block b;
        if (!hs || pos + hs > zn ||
            fmt_parse_block(z + pos, &b, fi->block_size) != MDLZ_OK ||
            pos + hs + b.payload_size > zn ||
            start + b.raw_size > e->sum.input_bytes)
            return MDLZ_ERROR_GENERIC;
        if (e->sum.blocks == cap) {
            cap = cap ? cap * 2 : 16;
            mdlz_explain_block *p = realloc(e->blocks, cap * sizeof *p);
            if (!p) return MDLZ_ERROR_NOMEM;
            e->blocks = p;
        }
        mdlz_explain_block *o = &e->blocks[e->sum.blocks++];
        *o = (mdlz_explain_block){
            start,          b.raw_size,   (mdlz_block_kind)b.type,
            b.payload_size, (uint32_t)hs, 0};
        for (uint64_t i = start; i < start + b.raw_size; i++)
            o->model_cost += cost[i];
        start += b.raw_size;
        pos += hs + b.payload_size;
    }
    if (pos + MDLZ_TRAILER_SIZE != zn || start != e->sum.input_bytes)
        return MDLZ_ERROR_GENERIC;
    e->layout = (mdlz_explain_layout){fi->header_size, MDLZ_TRAILER_SIZE};
    return MDLZ_OK;
}

/* The augmentations the full stream z used, and the configurations
 * without each (and the base, with two or more). */
static mdlz_status plan_attribution(mdlz_explain *e, const unsigned char *z,
                                    size_t zn, const mdlz_frame_info *fi) {
    ex_config *full = &e->cfg[0];
    /* The tools as the stream records them, asked for as they were given
     * (a plugin's path), in the stream's order. */
    const char *used[EX_TOOLS_MAX];
    size_t n_used = 0;
    for (unsigned i = 0; i < fi->n_tools && i < EX_TOOLS_MAX; i++) {
        char name[64];
        uint32_t version;
        if (mdlz_get_frame_tool(z, zn, i, name, sizeof name, &version) !=
            MDLZ_OK)
            return MDLZ_ERROR_GENERIC;
        const char *ask = NULL;
        for (size_t k = 0; k < e->n_tools && !ask; k++)
            if (!strcmp(e->tool_names[k], name)) ask = e->tools[k];
        if (!ask) { /* a default tool: a built-in name (static) */
            const char *builtin[EX_TOOLS_MAX];
            size_t nb = mdlz_builtin_tools(builtin, EX_TOOLS_MAX);
            for (size_t k = 0; k < nb && k < EX_TOOLS_MAX && !ask; k++)
                if (!strcmp(builtin[k], name)) ask = builtin[k];
        }
        if (!ask) return MDLZ_ERROR_GENERIC;
        used[n_used++] = ask;
    }
    for (size_t i = 0; i < n_used; i++) full->tools[i] = used[i];
    full->pub.setting.n_tools = n_used;
    full->pub.setting.retrieval = fi->retrieval;
    for (size_t i = 0; i < EX_TOOLS_MAX; i++) e->tool_aug[i] = -1;
    size_t na = 0;
    if (fi->retrieval) {
        snprintf(e->aug[na].name, sizeof e->aug[na].name, "retrieval");
        e->aug[na].pub.config = e->sum.configs;
        add_config(e, "without retrieval", 1, 0, used, n_used);
        na++;
    }
    for (size_t t = 0; t < n_used; t++) {
        const char *rest[EX_TOOLS_MAX];
        size_t k = 0;
        for (size_t i = 0; i < n_used; i++)
            if (i != t) rest[k++] = used[i];
        char name[64];
        const char *label = used[t];
        for (size_t i = 0; i < e->n_tools; i++)
            if (e->tools[i] == used[t]) label = e->tool_names[i];
        snprintf(e->aug[na].name, sizeof e->aug[na].name, "%s", label);
        snprintf(name, sizeof name, "without %s", label);
        e->aug[na].pub.config = e->sum.configs;
        e->tool_aug[t] = (int)na;
        add_config(e, name, 1, fi->retrieval, rest, k);
        na++;
    }
    for (size_t i = 0; i < na; i++) e->aug[i].pub.name = e->aug[i].name;
    /* Proposals were recorded by the stream's tool: now by augmentation. */
    for (size_t i = 0; i < e->sum.proposals; i++)
        e->props[i].tool = (uint32_t)e->tool_aug[e->props[i].tool];
    e->sum.augmentations = na;
    if (!e->attribute) e->sum.configs = 1;
    else if (na >= 2) add_config(e, "base", 1, 0, NULL, 0);
    return MDLZ_OK;
}

/* Each augmentation's saving on every byte. */
static mdlz_status savings(mdlz_explain *e) {
    uint64_t n = e->sum.input_bytes;
    const uint32_t *with = e->cfg[0].cost;
    for (size_t a = 0; a < e->sum.augmentations; a++) {
        ex_aug *g = &e->aug[a];
        if (!e->attribute) continue;
        const ex_config *c = &e->cfg[g->pub.config];
        if (!(g->saving = malloc((n ? n : 1) * sizeof *g->saving)))
            return MDLZ_ERROR_NOMEM;
        for (uint64_t i = 0; i < n; i++) {
            g->saving[i] = (int32_t)c->cost[i] - (int32_t)with[i];
            g->pub.total += g->saving[i];
        }
        g->pub.saving = g->saving;
        g->pub.payload_saved =
            (int64_t)c->pub.payload - (int64_t)e->cfg[0].pub.payload;
    }
    return MDLZ_OK;
}

mdlz_status mdlz_explain_run(mdlz_explain *e, const void *data, size_t len,
                             int size_known) {
    if (!e) return MDLZ_ERROR_PARAM;
    ex_clear(e);
    if (!data && len) {
        snprintf(e->detail, sizeof e->detail, "no data");
        return MDLZ_ERROR_PARAM;
    }
    e->sum.input_bytes = len;
    const char *asked[EX_TOOLS_MAX];
    for (size_t i = 0; i < e->n_tools; i++) asked[i] = e->tools[i];
    ex_config *full =
        add_config(e, "full", 1, e->index ? e->modes : 0, asked, e->n_tools);
    unsigned char *z = NULL;
    size_t zn = 0;
    mdlz_status st = run_config(e, full, data, len, size_known, 1, &z, &zn);
    if (st != MDLZ_OK) {
        ex_clear(e);
        return st;
    }
    mdlz_frame_info fi;
    st = mdlz_get_frame_info(&fi, z,
                             zn < MDLZ_HEADER_MAX ? zn : MDLZ_HEADER_MAX);
    if (st == MDLZ_OK) st = plan_attribution(e, z, zn, &fi);
    if (st == MDLZ_OK) st = read_blocks(e, z, zn, &fi);
    free(z);
    if (st != MDLZ_OK && !e->detail[0])
        snprintf(e->detail, sizeof e->detail, "full: %s", mdlz_strerror(st));
    for (size_t i = 1; st == MDLZ_OK && i < e->sum.configs; i++) {
        st = run_config(e, &e->cfg[i], data, len, size_known, 0, &z, &zn);
    }
    if (st == MDLZ_OK) st = savings(e);
    if (st == MDLZ_OK && e->index) st = ex_name_documents(e);
    if (st != MDLZ_OK) {
        char keep[sizeof e->detail];
        memcpy(keep, e->detail, sizeof keep);
        if (!keep[0]) snprintf(keep, sizeof keep, "%s", mdlz_strerror(st));
        ex_clear(e);
        memcpy(e->detail, keep, sizeof keep);
        return st;
    }
    e->sum.model_cost = full->pub.model_cost;
    return MDLZ_OK;
}

const char *mdlz_explain_error_detail(const mdlz_explain *e) {
    return e ? e->detail : "";
}

const mdlz_explain_summary *mdlz_explain_summary_get(const mdlz_explain *e) {
    return e ? &e->sum : NULL;
}

const mdlz_explain_config *mdlz_explain_config_get(const mdlz_explain *e,
                                                   size_t i) {
    return e && i < e->sum.configs ? &e->cfg[i].pub : NULL;
}

const mdlz_explain_augmentation *
mdlz_explain_augmentation_get(const mdlz_explain *e, size_t i) {
    return e && i < e->sum.augmentations ? &e->aug[i].pub : NULL;
}

const mdlz_explain_block *mdlz_explain_block_get(const mdlz_explain *e,
                                                 size_t i) {
    return e && i < e->sum.blocks ? &e->blocks[i] : NULL;
}

mdlz_explain_layout mdlz_explain_layout_get(const mdlz_explain *e) {
    return e ? e->layout : (mdlz_explain_layout){0, 0};
}

const mdlz_explain_document *mdlz_explain_document_get(const mdlz_explain *e,
                                                       size_t i) {
    return e && i < e->sum.documents ? &e->docs[i] : NULL;
}

const mdlz_explain_source *mdlz_explain_source_get(const mdlz_explain *e,
                                                   size_t i) {
    return e && i < e->sum.sources ? &e->sources[i] : NULL;
}

const mdlz_explain_source *mdlz_explain_source_at(const mdlz_explain *e,
                                                  uint64_t pos) {
    if (!e) return NULL;
    size_t lo = 0, hi = e->sum.sources; /* first run starting after pos */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->sources[mid].pos <= pos) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return NULL;
    const mdlz_explain_source *s = &e->sources[lo - 1];
    return pos < s->pos + s->len ? s : NULL;
}

const mdlz_explain_proposal *mdlz_explain_proposal_get(const mdlz_explain *e,
                                                       size_t i) {
    return e && i < e->sum.proposals ? &e->props[i] : NULL;
}
