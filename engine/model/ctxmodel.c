/*
 * ctxmodel.c - the n-gram context model (after lpaq1; Mahoney, DCE 4.1).
 *
 * Contexts. Orders 0 and 1 index small direct tables. Every other context
 * is a 32-bit hash computed once per byte: orders 2, 3, 4 and 6; with
 * COMP_WORD the current word (or, between words, the previous word and
 * the last byte) and the word bigram; with COMP_EXT the column (bytes
 * since the last newline) with the last byte, which predicts line breaks
 * in wrapped text; with COMP_MORE orders 5 and 7, a sparse context that
 * skips the last byte, the word trigram, and the byte one line above.
 *
 * Storage. The hashed contexts share one table of 16-byte slots grouped in
 * 64-byte lines (one cache line). A slot holds the bit histories of one
 * context for one nibble: byte 0 is an 8-bit check of the hash, bytes
 * 1..15 the states of the 15 nodes of the nibble's binary tree. At each
 * nibble boundary every context looks for its check among the 4 slots of
 * its line; when absent it takes the slot whose first state has the
 * smallest count (states are numbered by total count, so the smallest
 * index is the least informed), clearing it.
 *
 * Prediction. Each context's current state goes through its own StateMap
 * to a probability, then to the mixer as stretch(p). The histories learn
 * from every coded bit, the maps at a fixed rate (CTX_SM_SHIFT).
 */
#include "ctxmodel.h"

#include "bigmem.h"

#include <stdlib.h>
#include <string.h>

#define CTX_MAX 16
/* The maps from bit-history state to probability learn at a fixed rate:
 * the states themselves adapt, and a count-based rate measured no better
 * (bench: +-0.05%) while costing twice the instructions per context. */
#define CTX_SM_SHIFT 9
#define SLOT         16
#define LINE         64

enum {
    K_O2 = 2,
    K_O3,
    K_O4,
    K_O5,
    K_O6,
    K_O7,
    K_WORD,
    K_BIGRAM,
    K_SPARSE,
    K_COL,
    K_TRIGRAM,
    K_ABOVE
};

struct ctx_model {
    int n; /* hashed contexts */
    uint8_t kind[CTX_MAX];
    uint32_t h[CTX_MAX];    /* per-byte hashes */
    uint8_t *slot[CTX_MAX]; /* current slots */
    uint8_t *tab;
    size_t tab_size;
    uint32_t lines_mask;
    uint8_t o0[256]; /* order-0 states by c0 */
    uint8_t *o1;     /* order-1 states by c1 * 256 + c0 */
    uint8_t *o1_row; /* o1 + c1 * 256 for the current byte */
    statemap sm;     /* (context i, state) -> p, 256 per context */
    /* The state each context's input was read from, for this bit: its
     * map entry learns the bit (orders 0 and 1 first, then the hashed). */
    uint8_t q[CTX_MAX + 2];
    int nib; /* position in the nibble tree, 1..15 */
    /* Look-ahead: with one bit of a nibble left, the hashes of the next
     * nibble's (or byte's) contexts for either value of that bit. */
    uint32_t next_h[2][CTX_MAX];
    int next_ok;
};

static int n_contexts(const mdlz_config *cfg, uint8_t *kind) {
    int n = 0;
    kind[n++] = K_O2;
    kind[n++] = K_O3;
    kind[n++] = K_O4;
    kind[n++] = K_O6;
    if (cfg->components & COMP_WORD) {
        kind[n++] = K_WORD;
        kind[n++] = K_BIGRAM;
    }
    if (cfg->components & COMP_EXT) kind[n++] = K_COL;
    if (cfg->components & COMP_MORE) {
        kind[n++] = K_O5;
        kind[n++] = K_O7;
        kind[n++] = K_SPARSE;
        kind[n++] = K_TRIGRAM;
        kind[n++] = K_ABOVE;
    }
    return n;
}

uint64_t ctx_memory(const mdlz_config *cfg) {
    uint8_t kind[CTX_MAX];
    int n = n_contexts(cfg, kind);
    return ((uint64_t)1 << cfg->ctx_bits) + 65536 +
           (uint64_t)(n + 2) * BH_STATES * sizeof(uint32_t) + sizeof(ctx_model);
}

static uint8_t *line_of(const ctx_model *m, uint32_t h) {
    return m->tab + (size_t)((h >> 8) & m->lines_mask) * LINE;
}

/* Lookups of all contexts are issued together so their cache misses
 * overlap instead of queuing. */
static void prefetch_line(const ctx_model *m, uint32_t h) {
#if defined(__GNUC__)
    __builtin_prefetch(line_of(m, h), 1);
#else
    (void)m, (void)h;
#endif
}

/* The slot for hash h in the line it selects (see file comment). */
static uint8_t *find_slot(ctx_model *m, uint32_t h) {
    uint8_t chk = (uint8_t)h;
    uint8_t *line = line_of(m, h);
    for (int j = 0; j < LINE / SLOT; j++)
        if (line[j * SLOT] == chk) return line + j * SLOT;
    uint8_t *victim = line;
    for (int j = 1; j < LINE / SLOT; j++)
        if (line[j * SLOT + 1] < victim[1]) victim = line + j * SLOT;
    memset(victim, 0, SLOT);
    victim[0] = chk;
    return victim;
}

static uint32_t context_hash(int kind, const pr_shared *sh) {
    uint32_t c4 = sh->c4, c8 = sh->c8;
    switch (kind) {
    case K_O2: return hash32(c4 & 0xffff, kind);
    case K_O3: return hash32(c4 & 0xffffff, kind);
    case K_O4: return hash32(c4, kind);
    case K_O5: return hash32(hash32(c4, kind), c8 & 0xff);
    case K_O6: return hash32(hash32(c4, kind), c8 & 0xffff);
    case K_O7: return hash32(hash32(c4, kind), c8 & 0xffffff);
    case K_WORD:
        return sh->word ? hash32(sh->word, kind)
                        : hash32(hash32(sh->word1, kind), c4 & 0xff);
    case K_BIGRAM: return hash32(hash32(sh->word, kind), sh->word1);
    case K_SPARSE: return hash32(c4 & 0xffff00, kind);
    case K_COL:
        return hash32(hash32(sh->col < 255 ? sh->col : 255, kind), c4 & 0xff);
    case K_TRIGRAM:
        return hash32(hash32(sh->word, kind), sh->word1 * 31 + sh->word2);
    case K_ABOVE: return hash32(hash32(sh->above, kind), c4 & 0xff);
    }
    return 0;
}

/* Computes the context hashes that follow each value of the bit still to
 * come in this nibble and starts loading their lines: by the time the bit
 * is coded, the lookups hit the cache (perf: the slot lookups otherwise
 * stall on memory for a quarter of the time). */
static void look_ahead(ctx_model *m, const pr_shared *sh) {
    for (int b = 0; b < 2; b++) {
        uint32_t *h = m->next_h[b];
        if (sh->bitpos == 3) {
            for (int i = 0; i < m->n; i++)
                h[i] = hash32(m->h[i], (uint32_t)(sh->c0 * 2 + b));
        } else {
            pr_shared next;
            pr_shared_advance(sh, (sh->c0 * 2 + b) & 0xff, &next);
            for (int i = 0; i < m->n; i++)
                h[i] = context_hash(m->kind[i], &next);
        }
        for (int i = 0; i < m->n; i++) prefetch_line(m, h[i]);
    }
    m->next_ok = 1;
}

/* Writes the inputs for the coming bit: each context's state (at c0 for
 * orders 0 and 1, at node `nib` of its nibble tree for the others),
 * through the context's map, stretched. Keeps the states in m->q for
 * ctx_update(). */
static void ctx_inputs(ctx_model *m, const pr_shared *sh, int16_t *x) {
    const st_table *st = sh->st;
    const uint32_t *t = m->sm.t;
    const int nib = m->nib, n = m->n;
    uint8_t *q = m->q;
    q[0] = m->o0[sh->c0];
    q[1] = m->o1_row[sh->c0];
    for (int i = 0; i < n; i++) q[i + 2] = m->slot[i][nib];
    for (int i = 0; i < n + 2; i++, t += BH_STATES)
        x[i] = (int16_t)stretch(st, (int)(t[q[i]] >> 20));
}

/* Learns the coded bit in a context whose map is t: the entry of state q
 * (the one its input was read from) moves toward the bit, and the state
 * *s follows its transition. */
static inline void learn(uint32_t *t, int q, uint8_t *s, int bit,
                         const bh_table *bh) {
    sm_learn_fixed(t + q, bit, CTX_SM_SHIFT);
    *s = bh->next[*s][bit];
}

void ctx_update(ctx_model *m, const pr_shared *sh, int bit, int16_t *x) {
    const bh_table *bh = sh->bh;
    /* Locals: the uint8_t stores below may alias anything, which would
     * otherwise force reloads of m's fields on every iteration. */
    const int n = m->n, nib = m->nib, c0 = sh->c0;
    uint32_t *const sm = m->sm.t;
    uint32_t *t = sm + 2 * BH_STATES;
    uint8_t *const o0 = m->o0, *const o1 = m->o1_row, *const q = m->q;
    /* Orders 0 and 1 walk the byte's tree: the bit was coded at node
     * c0 / 2, the next node is c0. */
    learn(sm, q[0], o0 + (c0 >> 1), bit, bh);
    learn(sm + BH_STATES, q[1], o1 + (c0 >> 1), bit, bh);
    if (sh->bitpos != 4 && sh->bitpos != 8) {
        /* Within a nibble: learn the bit at node nib and read the next
         * node, 2 * nib + bit, in one pass. */
        const st_table *st = sh->st;
        const int nib2 = nib * 2 + bit;
        int v = o0[c0];
        q[0] = (uint8_t)v;
        x[0] = (int16_t)stretch(st, (int)(sm[v] >> 20));
        v = o1[c0];
        q[1] = (uint8_t)v;
        x[1] = (int16_t)stretch(st, (int)(sm[BH_STATES + v] >> 20));
        for (int i = 0; i < n; i++, t += BH_STATES) {
            uint8_t *s = m->slot[i];
            learn(t, q[i + 2], s + nib, bit, bh);
            v = s[nib2];
            q[i + 2] = (uint8_t)v;
            x[i + 2] = (int16_t)stretch(st, (int)(t[v] >> 20));
        }
        m->nib = nib2;
        if (sh->bitpos == 3 || sh->bitpos == 7) look_ahead(m, sh);
        return;
    }
    for (int i = 0; i < n; i++, t += BH_STATES)
        learn(t, q[i + 2], m->slot[i] + nib, bit, bh);
    if (sh->bitpos == 4) { /* second nibble: new slots keyed by the first */
        m->nib = 1;
        const uint32_t *h = m->next_h[bit];
        for (int i = 0; i < m->n; i++) m->slot[i] = find_slot(m, h[i]);
        m->next_ok = 0;
        ctx_inputs(m, sh, x);
    } /* after bit 8, ctx_byte() finds the slots and writes the inputs */
}

void ctx_byte(ctx_model *m, const pr_shared *sh, int16_t *x) {
    m->nib = 1;
    if (m->next_ok) {
        memcpy(m->h, m->next_h[sh->c4 & 1], sizeof m->h);
    } else { /* the first byte: nothing looked ahead */
        for (int i = 0; i < m->n; i++) {
            m->h[i] = context_hash(m->kind[i], sh);
            prefetch_line(m, m->h[i]);
        }
    }
    m->next_ok = 0;
    for (int i = 0; i < m->n; i++) m->slot[i] = find_slot(m, m->h[i]);
    m->o1_row = m->o1 + ((sh->c4 & 0xff) << 8);
    ctx_inputs(m, sh, x);
}

/* The component interface's entries (the predictor calls the two above
 * directly: PR_KIND_ORDERS). */
static void ctx_update_any(void *self, const pr_shared *sh, int bit,
                           int16_t *x) {
    ctx_update(self, sh, bit, x);
}

static int ctx_byte_any(void *self, const pr_shared *sh, int16_t *x) {
    ctx_byte(self, sh, x);
    return 0;
}

static void ctx_destroy(void *self) {
    ctx_model *m = self;
    if (!m) return;
    sm_free(&m->sm);
    big_free(m->tab, m->tab_size);
    free(m->o1);
    free(m);
}

mdlz_status ctx_create(pr_component *c, const mdlz_config *cfg,
                       const bh_table *bh) {
    ctx_model *m = calloc(1, sizeof *m);
    if (!m) return MDLZ_ERROR_NOMEM;
    m->n = n_contexts(cfg, m->kind);
    m->tab_size = (size_t)1 << cfg->ctx_bits;
    m->tab = big_alloc(m->tab_size);
    m->o1 = calloc(65536, 1);
    m->lines_mask = (uint32_t)(((size_t)1 << cfg->ctx_bits) / LINE - 1);
    *c = (pr_component){.name = "orders",
                        .kind = PR_KIND_ORDERS,
                        .n_inputs = m->n + 2,
                        .self = m,
                        .update = ctx_update_any,
                        .byte_update = ctx_byte_any,
                        .destroy = ctx_destroy};
    mdlz_status st = m->tab && m->o1 ? MDLZ_OK : MDLZ_ERROR_NOMEM;
    if (st == MDLZ_OK)
        st = sm_init(&m->sm, (size_t)(m->n + 2) * BH_STATES, 0, bh, 1);
    if (st != MDLZ_OK) ctx_destroy(m);
    return st;
}
