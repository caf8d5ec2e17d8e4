/*
 * table.c - the composition root's table and the opening of a stream's
 * model from it (table.h).
 */
#include "table.h"

#include <stdio.h>

#include "block.h"
#include "ctxmodel.h"
#include "host.h"
#include "match.h"
#include "prefix.h"
#include "retrieval.h"

/* Extension record types (docs/format.md): never reused. */
enum { REC_RETRIEVAL = 1, REC_TOOLS = 2, REC_PREFIX = 3 };

static mdlz_status orders_create(void *st, const mod_stream *s,
                                 const bh_table *bh, pr_component *c) {
    (void)st;
    return ctx_create(c, s->cfg, bh);
}

static mdlz_status match_create(void *st, const mod_stream *s,
                                const bh_table *bh, pr_component *c) {
    (void)st;
    return mm_create(c, s->cfg, bh);
}

static const mod_ops orders_ops = {.create = orders_create};
static const mod_ops match_ops = {.create = match_create};

const sys_row sys_table[SYS_ROWS] = {
    [ROW_ORDERS] = {"orders", COMP_ORDERS, 0, &orders_ops},
    [ROW_MATCH] = {"match", COMP_MATCH, 0, &match_ops},
    [ROW_PREFIX] = {"prefix", 0, REC_PREFIX, &prefix_module},
    [ROW_RETRIEVAL] = {"retrieval", 0, REC_RETRIEVAL, &ret_module},
    [ROW_TOOLS] = {"toolhost", 0, REC_TOOLS, &tool_host_module},
};

int sys_row_in(const sys_row *r, const mdlz_config *cfg,
               const fmt_records *recs) {
    return r->comp ? (cfg->components & r->comp) != 0
                   : fmt_find_record(recs, r->record) != NULL;
}

mdlz_status sys_ctx_init(sys_ctx *x) {
    for (int i = 0; i < SYS_ROWS; i++) {
        x->on[i] = 0;
        x->state[i] = x->self[i] = NULL;
        if (!sys_table[i].ops->state_new) continue;
        if (!(x->state[i] = sys_table[i].ops->state_new())) {
            sys_ctx_free(x);
            return MDLZ_ERROR_NOMEM;
        }
    }
    x->mem_limit = x->mem_need = 0; /* sys_open_plain's x is on the stack */
    x->detail[0] = 0;
    return MDLZ_OK;
}

void sys_ctx_free(sys_ctx *x) {
    for (int i = 0; i < SYS_ROWS; i++)
        if (x->state[i]) sys_table[i].ops->state_free(x->state[i]);
}

/* The model of a stream, both directions: the components of the rows
 * taking part, in table order, then what they prime it with. */
static mdlz_status open_model(sys_ctx *x, const mod_stream *s,
                              predictor **out) {
    predictor *p;
    MDLZ_FORWARD(pred_create(&p, s->cfg));
    mdlz_status st = MDLZ_OK;
    for (int i = 0; i < SYS_ROWS && st == MDLZ_OK; i++) {
        const mod_ops *ops = sys_table[i].ops;
        if (!x->on[i] || !ops->create) continue;
        pr_component c;
        st = ops->create(x->state[i], s, pred_states(p), &c);
        x->self[i] = st == MDLZ_OK ? c.self : NULL;
        if (st == MDLZ_OK) st = pred_add(p, &c);
    }
    if (st == MDLZ_OK) st = pred_start(p);
    if (st != MDLZ_OK) {
        pred_free(p);
        return st;
    }
    for (int i = 0; i < SYS_ROWS; i++) {
        const mod_ops *ops = sys_table[i].ops;
        size_t n = 0;
        const uint8_t *text =
            x->on[i] && ops->prime ? ops->prime(x->state[i], &n) : NULL;
        if (n) blk_train(p, text, n);
    }
    *out = p;
    return MDLZ_OK;
}

mdlz_status sys_open_encoder(sys_ctx *x, const mdlz_config *cfg,
                             uint64_t declared, const uint8_t *first, size_t n,
                             size_t block_size, fmt_records *recs,
                             predictor **pred) {
    mod_stream s = {cfg,        declared,  first,           n,
                    block_size, x->detail, sizeof x->detail};
    uint8_t rec[FMT_EXT_MAX];
    for (int i = 0; i < SYS_ROWS; i++) {
        const sys_row *r = &sys_table[i];
        if (r->comp) {
            x->on[i] = (cfg->components & r->comp) != 0;
            continue;
        }
        size_t len = sizeof rec;
        MDLZ_FORWARD(r->ops->encode(x->state[i], &s, rec, &len));
        x->on[i] = len > 0;
        if (len) MDLZ_FORWARD(fmt_add_record(recs, r->record, rec, len));
    }
    return open_model(x, &s, pred);
}

/* "1.5 GiB": a size for the messages below. */
static void size_str(char *buf, size_t cap, uint64_t n) {
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, u++;
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static mdlz_status refuse(sys_ctx *x, uint64_t model, uint64_t modules) {
    char need[32], m[32], lim[32];
    size_str(need, sizeof need, model + modules);
    size_str(m, sizeof m, model);
    size_str(lim, sizeof lim, x->mem_limit);
    if (modules) {
        char r[32];
        size_str(r, sizeof r, modules);
        snprintf(x->detail, sizeof x->detail,
                 "decoding needs %s (model %s, retrieval and tools %s), "
                 "the limit is %s",
                 need, m, r, lim);
    } else {
        snprintf(x->detail, sizeof x->detail,
                 "decoding needs %s for the model, the limit is %s", need, lim);
    }
    return MDLZ_ERROR_MEMLIMIT;
}

mdlz_status sys_open_decoder(sys_ctx *x, const mdlz_config *cfg,
                             const fmt_records *recs, predictor **pred) {
    mod_stream s = {cfg,       MDLZ_SIZE_UNKNOWN, NULL, 0, 0,
                    x->detail, sizeof x->detail};
    for (unsigned k = 0; k < recs->n; k++) {
        int owned = 0;
        for (int i = 0; i < SYS_ROWS; i++)
            owned |= sys_table[i].record == recs->rec[k].type;
        if (!owned) {
            snprintf(x->detail, sizeof x->detail,
                     "extension record %u is not known to this version",
                     (unsigned)recs->rec[k].type);
            return MDLZ_ERROR_VERSION;
        }
    }
    if (cfg->seg_log && sys_row_in(&sys_table[ROW_RETRIEVAL], cfg, recs)) {
        snprintf(x->detail, sizeof x->detail,
                 "segments with retrieval: not a stream an encoder makes");
        return MDLZ_ERROR_CORRUPT;
    }
    uint64_t model = cfg_memory(cfg), modules = 0;
    x->mem_need = model;
    if (x->mem_limit && model > x->mem_limit) return refuse(x, model, 0);
    for (int i = 0; i < SYS_ROWS; i++) {
        const sys_row *r = &sys_table[i];
        x->on[i] = (uint8_t)sys_row_in(r, cfg, recs);
        if (!x->on[i] || r->comp) continue;
        MDLZ_FORWARD(
            r->ops->decode(x->state[i], &s, fmt_find_record(recs, r->record)));
        if (r->ops->memory) modules += r->ops->memory(x->state[i], &s);
    }
    x->mem_need = model + modules;
    if (x->mem_limit && x->mem_need > x->mem_limit)
        return refuse(x, model, modules);
    return open_model(x, &s, pred);
}

mdlz_status sys_open_segment(sys_ctx *x, const mdlz_config *cfg,
                             predictor **pred) {
    char detail[sizeof x->detail]; /* its own: threads share x */
    mod_stream s = {cfg, MDLZ_SIZE_UNKNOWN, NULL, 0, 0, detail, sizeof detail};
    return open_model(x, &s, pred);
}

int sys_segmentable(const sys_ctx *x) { return !x->on[ROW_RETRIEVAL]; }

mdlz_status sys_open_plain(const mdlz_config *cfg, predictor **pred) {
    sys_ctx x;
    fmt_records none;
    fmt_records_init(&none);
    MDLZ_FORWARD(sys_ctx_init(&x));
    mdlz_status st = sys_open_decoder(&x, cfg, &none, pred);
    sys_ctx_free(&x); /* no module took part: nothing refers to it */
    return st;
}

mdlz_status sys_check(sys_ctx *x) {
    for (int i = 0; i < SYS_ROWS; i++) {
        const mod_ops *ops = sys_table[i].ops;
        if (x->on[i] && ops->check)
            MDLZ_FORWARD(ops->check(x->state[i], x->detail, sizeof x->detail));
    }
    return MDLZ_OK;
}
