/*
 * predictor.c - wires the model components, the mixers and the APM stages
 * into one bit predictor (the architecture of lpaq1, extended):
 *
 *   components (orders, match, retrieval, tools: pred_add) --> inputs
 *           x[] = stretch(p_i)
 *   x[] --> mixers, each with weights selected by its own small context:
 *           c0 (the partial byte), the match state, the previous byte
 *   mixer outputs --> averaged (COMP_MIX2: 2 mixers), a final mixer
 *                     (+COMP_MIX3: 3 mixers), or the single mixer alone
 *   --> APM on order 1 (and, with COMP_SSE, on a hashed order 2)
 *   --> averaged, scaled to 16 bits for the coder.
 *
 * All arithmetic is integer; the tables are built at creation time from
 * integer formulas, so encoder and decoder agree on every machine.
 */
#include "predictor.h"

#include <stdlib.h>
#include <string.h>

#include "apm.h"
#include "bigmem.h"
#include "ctxmodel.h"
#include "match.h"
#include "mixer.h"

#define MAX_COMPONENTS 8
#define MAX_INPUTS     64
#define MAX_MIXERS     3
#define MIX_LR         7 /* first-layer learning rate (eighths, mixer.h) */
#define MIX2_LR        4 /* final mixer: slower, it sees only 3 inputs */
#define APM_RATE       7 /* APM points move 1/128 of the way per bit */
/* Order-2 APM: 2^12 contexts, 16 hash groups of the last two bytes x c0.
 * Small enough to stay in cache: 2^16 gave 0.1% smaller output for 17%
 * more time (perf, dickens), nearly all of it waiting on memory. */
#define A2_BITS 12

struct predictor {
    mdlz_config cfg;
    pr_shared sh;
    st_table st;
    bh_table bh;
    uint8_t *hist;
    pr_component comp[MAX_COMPONENTS];
    int ncomp;
    /* The core components (component.h, PR_KIND_*), called directly on
     * the fixed per-bit path, and their first inputs; the per-bit loops
     * below visit the others. */
    ctx_model *cm;
    mm_model *mm;
    int cm_off, mm_off;
    uint8_t quiet[MAX_COMPONENTS]; /* skipped for this byte (component.h) */
    uint8_t off[MAX_COMPONENTS];   /* first input of each component */
    /* Components in the order their predict() runs: publishers of shared
     * state first (component.h), otherwise as added. */
    uint8_t order[MAX_COMPONENTS];
    /* The per-bit loops visit only these (set once per byte): components
     * not quiet, and those of them with a predict(). */
    uint8_t act[MAX_COMPONENTS], act_pred[MAX_COMPONENTS];
    int n_act, n_act_pred;
    int16_t x[MAX_INPUTS];
    int nx;
    mixer mx[MAX_MIXERS];
    int nmx;
    mixer final;
    int16_t xf[(MAX_MIXERS + 8) & ~7]; /* zero-padded, see mixer.h */
    apm a1, a2;
    /* Order-2 APM context, hashed once per byte with room for c0: the
     * bits of a byte then share one region of the table. */
    uint32_t a2_base;
};

uint64_t pred_memory(const mdlz_config *cfg) {
    uint64_t m = sizeof(predictor) + ((uint64_t)1 << cfg->win_bits);
    m += (uint64_t)65536 * 33 * 2; /* order-1 APM */
    if (cfg->components & COMP_SSE) m += ((uint64_t)33 * 2) << A2_BITS;
    m += (uint64_t)MAX_INPUTS * 2 * (256 + 512 + 256 + 8); /* mixers */
    return m;
}

void pred_free(predictor *p) {
    if (!p) return;
    for (int i = 0; i < p->ncomp; i++) p->comp[i].destroy(p->comp[i].self);
    for (int i = 0; i < p->nmx; i++) mix_free(&p->mx[i]);
    mix_free(&p->final);
    apm_free(&p->a1);
    apm_free(&p->a2);
    big_free(p->hist, (size_t)1 << p->cfg.win_bits);
    free(p);
}

/* Weight-set selectors of the first-layer mixers: the partial byte, the
 * match state (length class, predicted bit) by bit position, the last
 * byte (`sets` in predict()). Each lets the mixer trust the models
 * differently per situation. */
static int n_sets(int i) { return i == 1 ? 64 * 8 : 256; }

/* A new byte for every component; a quiet one gets zero inputs and is
 * skipped until the next byte. The core ones are never quiet. */
static void next_components(predictor *p) {
    if (p->cm) ctx_byte(p->cm, &p->sh, p->x + p->cm_off);
    if (p->mm) mm_byte(p->mm, &p->sh);
    p->n_act = p->n_act_pred = 0;
    for (int i = 0; i < p->ncomp; i++) {
        if (p->comp[i].kind != PR_KIND_OTHER) continue;
        int16_t *x = p->x + p->off[i];
        p->quiet[i] =
            (uint8_t)(p->comp[i].byte_update(p->comp[i].self, &p->sh, x) != 0);
        if (p->quiet[i]) {
            memset(x, 0, sizeof *x * p->comp[i].n_inputs);
            continue;
        }
        p->act[p->n_act++] = (uint8_t)i;
    }
    for (int j = 0; j < p->ncomp; j++) {
        int i = p->order[j];
        if (p->comp[i].kind == PR_KIND_OTHER && !p->quiet[i] &&
            p->comp[i].predict)
            p->act_pred[p->n_act_pred++] = (uint8_t)i;
    }
}

mdlz_status pred_create(predictor **out, const mdlz_config *cfg) {
    predictor *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) return MDLZ_ERROR_NOMEM;
    p->cfg = *cfg;
    st_init(&p->st);
    bh_init(&p->bh);
    p->hist = big_alloc((size_t)1 << cfg->win_bits);
    if (!p->hist) {
        pred_free(p);
        return MDLZ_ERROR_NOMEM;
    }
    *out = p;
    return MDLZ_OK;
}

const bh_table *pred_states(const predictor *p) { return &p->bh; }

mdlz_status pred_add(predictor *p, const pr_component *c) {
    /* One input is kept for the bias (pred_start). */
    if (p->ncomp == MAX_COMPONENTS || p->nx + c->n_inputs > MAX_INPUTS - 1) {
        c->destroy(c->self);
        return MDLZ_ERROR_PARAM;
    }
    p->off[p->ncomp] = (uint8_t)p->nx;
    if (c->kind == PR_KIND_ORDERS && !p->cm) {
        p->cm = c->self;
        p->cm_off = p->nx;
    } else if (c->kind == PR_KIND_MATCH && !p->mm) {
        p->mm = c->self;
        p->mm_off = p->nx;
    } else if (c->kind != PR_KIND_OTHER) {
        c->destroy(c->self); /* a second core model: not a configuration */
        return MDLZ_ERROR_PARAM;
    }
    p->nx += c->n_inputs;
    p->comp[p->ncomp++] = *c;
    return MDLZ_OK;
}

mdlz_status pred_start(predictor *p) {
    const mdlz_config *cfg = &p->cfg;
    mdlz_status st = MDLZ_OK;
    int k = 0; /* publishers first (component.h), then the others */
    for (int i = 0; i < p->ncomp; i++)
        if (p->comp[i].publishes) p->order[k++] = (uint8_t)i;
    for (int i = 0; i < p->ncomp; i++)
        if (!p->comp[i].publishes) p->order[k++] = (uint8_t)i;
    p->nx++; /* bias input */
    /* The third mixer costs ~6% of the time for ~0.5% of size (dickens):
     * levels choose (config.c). */
    p->nmx = !(cfg->components & COMP_MIX2)  ? 1
             : (cfg->components & COMP_MIX3) ? 3
                                               : 2;
    for (int i = 0; i < p->nmx && st == MDLZ_OK; i++)
        st = mix_init(&p->mx[i], p->nx, n_sets(i), MIX_LR, 8192 / 4);
    if (st == MDLZ_OK && p->nmx > 2)
        st = mix_init(&p->final, p->nmx + 1, 8, MIX2_LR,
                      (int16_t)(8192 / p->nmx));
    if (st == MDLZ_OK) st = apm_init(&p->a1, 65536, APM_RATE);
    if (st == MDLZ_OK && (cfg->components & COMP_SSE))
        st = apm_init(&p->a2, (size_t)1 << A2_BITS, APM_RATE);
    if (st != MDLZ_OK) return st;
    p->x[p->nx - 1] = 256; /* bias inputs: constant, set once */
    p->xf[p->nmx] = 256;
    p->sh.c0 = 1;
    p->sh.hist = p->hist;
    p->sh.hmask = ((uint32_t)1 << cfg->win_bits) - 1;
    p->sh.st = &p->st;
    p->sh.bh = &p->bh;
    next_components(p);
    return MDLZ_OK;
}

/* Order-2 APM context of the byte after `c4` (see a2_base). */
static uint32_t a2_base_of(uint32_t c4) {
    return (hash32(c4 & 0xffff, 2) >> (32 - A2_BITS + 8)) << 8;
}

/* The APM points of the next bit are at one of two places, known now:
 * loading both while this bit is mixed and coded hides the cache misses
 * of the 4 MiB order-1 table (perf), and of the order-2 table, which the
 * context tables push out of the L2 cache. Within a byte the two are
 * neighbours (c0 * 2 and c0 * 2 + 1). */
static void prefetch_next(const predictor *p) {
    const pr_shared *sh = &p->sh;
    uint32_t c0 = (uint32_t)sh->c0 * 2, c1 = sh->c4 & 0xff;
    int sse = p->cfg.components & COMP_SSE;
    if (c0 < 256) {
        apm_prefetch2(&p->a1, c1 << 8 | c0);
        if (sse) apm_prefetch2(&p->a2, p->a2_base | c0);
        return;
    }
    for (uint32_t b = 0; b < 2; b++) { /* the byte ends with this bit */
        c1 = (c0 + b) & 0xff;
        apm_prefetch2(&p->a1, c1 << 8 | 1);
        if (sse) apm_prefetch2(&p->a2, a2_base_of(sh->c4 << 8 | c1) | 1);
    }
}

/* Combines the first-layer mixers, in the stretch domain: two are averaged in the stretch domain
 * (a learned final mixer measured 0.05-0.1% worse there, for ~6% of the
 * instructions); three go through the final mixer, selected by the bit
 * position (it gains 0.1-0.6% at level 9). */
static int mix_final(predictor *p) {
    if (p->nmx == 1) return p->mx[0].st;
    if (p->nmx == 2) return (p->mx[0].st + p->mx[1].st) / 2;
    for (int i = 0; i < p->nmx; i++) p->xf[i] = (int16_t)p->mx[i].st;
    mix_predict(&p->final, p->xf, p->sh.bitpos);
    return p->final.st;
}

/* The two halves of a bit: inlined into pred_p() and pred_update() and,
 * one after the other, into pred_next() (one call per coded bit). */
static inline uint32_t predict(predictor *p) {
    pr_shared *sh = &p->sh;
    /* The match model publishes: its predict() runs first (component.h). */
    if (p->mm) mm_predict(p->mm, sh, p->x + p->mm_off);
    for (int j = 0, n = p->n_act_pred; j < n; j++) {
        const pr_component *c = &p->comp[p->act_pred[j]];
        c->predict(c->self, sh, p->x + p->off[p->act_pred[j]]);
    }
    const int sets[MAX_MIXERS] = {
        sh->c0, (sh->match_len * 2 + sh->match_bit) * 8 + sh->bitpos,
        (int)(sh->c4 & 0xff)}; /* see n_sets() */
    mix_predict_n(p->mx, p->nmx, p->x, sets);
    /* The mixed prediction goes to the APM in the stretch domain it was
     * computed in: no squash-then-stretch on the bit's critical path. */
    int s = mix_final(p);
    int pr = squash(s) << 4; /* 16 bits, as the APMs' outputs */
    uint32_t c1 = sh->c4 & 0xff;
    int p1 = apm_p16_st(&p->a1, s, (size_t)(c1 << 8 | (uint32_t)sh->c0));
    if (p->cfg.components & COMP_SSE) {
        uint32_t h = p->a2_base | (uint32_t)sh->c0;
        /* a chain: refines p1 (stretch() takes 12 bits) */
        int p2 = apm_p16(&p->a2, &p->st, p1 >> 4, h);
        pr = (pr + p1 + 2 * p2 + 2) >> 2;
    } else {
        pr = (pr + 3 * p1 + 2) >> 2;
    }
    pr = pr < 1 ? 1 : pr > 65535 ? 65535 : pr;
    prefetch_next(p);
    return (uint32_t)pr;
}

void pr_shared_advance(const pr_shared *in, int c, pr_shared *sh) {
    if (sh != in) *sh = *in;
    sh->pos++;
    sh->c8 = sh->c8 << 8 | sh->c4 >> 24;
    sh->c4 = sh->c4 << 8 | (uint32_t)c;
    if (pr_word_byte(c)) {
        sh->word = hash32(sh->word, (uint32_t)pr_lower(c)) | 1;
    } else if (sh->word) {
        sh->word2 = sh->word1;
        sh->word1 = sh->word;
        sh->word = 0;
    }
    if (c == '\n') {
        sh->prevlen = sh->col;
        sh->col = 0;
    } else sh->col++;
    /* Reads only bytes before c, so it also works before c is stored. */
    sh->above = sh->col < sh->prevlen
                    ? sh->hist[(sh->pos - sh->prevlen - 1) & sh->hmask]
                    : 0;
    sh->c0 = 1;
    sh->bitpos = 0;
}

/* Advances the shared byte-level state once a byte is complete. */
static void next_byte(predictor *p) {
    pr_shared *sh = &p->sh;
    int c = sh->c0 & 0xff;
    p->hist[sh->pos & sh->hmask] = (uint8_t)c;
    pr_shared_advance(sh, c, sh);
    p->a2_base = a2_base_of(sh->c4);
    next_components(p);
}

static inline void update(predictor *p, int bit) {
    pr_shared *sh = &p->sh;
    mix_update_n(p->mx, p->nmx, p->x, bit);
    if (p->nmx > 2) mix_update(&p->final, p->xf, bit);
    apm_update(&p->a1, bit);
    if (p->cfg.components & COMP_SSE) apm_update(&p->a2, bit);
    sh->c0 = sh->c0 * 2 + bit;
    sh->bitpos++;
    if (p->cm) ctx_update(p->cm, sh, bit, p->x + p->cm_off);
    if (p->mm) mm_update(p->mm, sh, bit);
    for (int j = 0, n = p->n_act; j < n; j++) {
        const pr_component *c = &p->comp[p->act[j]];
        c->update(c->self, sh, bit, p->x + p->off[p->act[j]]);
    }
    if (sh->bitpos == 8) next_byte(p);
}

uint32_t pred_p(predictor *p) { return predict(p); }

void pred_update(predictor *p, int bit) { update(p, bit); }

uint32_t pred_next(predictor *p, int bit) {
    update(p, bit);
    return predict(p);
}
