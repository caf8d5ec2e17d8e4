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
 * Every hash is the last byte added into a base computed a byte earlier
 * (for an order-n context, from the n-1 bytes before it; see next_of), so
 * the look-ahead (below) costs one multiply-add per context and candidate
 * byte, and the second nibble's hash is the first's plus its nibble.
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
/* Odd multipliers of the last byte (next_hashes) and of the first nibble
 * (look_ahead) added to a context's hash: no two (byte, nibble) pairs give
 * the same sum modulo 2^16 (checked over all of them), so no two contexts
 * of one base share a line and a check by construction. */
#define NEXT_MUL 0x9E3779B1u
#define NIB_MUL  0xC2B2AE3Du
#define SLOT     16
#define LINE     64

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
    int n;     /* hashed contexts */
    int n_ord; /* of which the first n_ord are orders 2..7 */
    uint8_t kind[CTX_MAX];
    uint32_t h[CTX_MAX];    /* per-byte hashes */
    uint8_t *slot[CTX_MAX]; /* current slots */
    uint8_t *tab;
    size_t tab_size;
    uint32_t lines_mask;
    uint8_t o0[256]; /* order-0 states by c0 */
    uint8_t *o1;     /* order-1 states by c1 * 256 + c0 */
    uint8_t *o1_row; /* o1 + c1 * 256 for the current byte */
    uint32_t *sm;    /* (context, state) -> p, 256 per context: orders 0
                        and 1, then the hashed ones (sm_learn_fixed) */
    /* The state each context's input was read from, for this bit: its
     * map entry learns the bit (orders 0 and 1 first, then the hashed). */
    uint8_t q[CTX_MAX + 2];
    int nib; /* position in the nibble tree, 1..15 */
    /* Look-ahead: with one bit of a nibble left, the hashes of the next
     * nibble's (or byte's) contexts for either value of that bit. */
    uint32_t next_h[2][CTX_MAX];
    int next_ok;
};

/* Orders first (their number in *n_ord: the look-ahead's fast path),
 * then the others. */
static int n_contexts(const mdlz_config *cfg, uint8_t *kind, int *n_ord) {
    int n = 0;
    kind[n++] = K_O2;
    kind[n++] = K_O3;
    kind[n++] = K_O4;
    kind[n++] = K_O6;
    if (cfg->components & COMP_MORE) {
        kind[n++] = K_O5;
        kind[n++] = K_O7;
    }
    *n_ord = n;
    if (cfg->components & COMP_WORD) {
        kind[n++] = K_WORD;
        kind[n++] = K_BIGRAM;
    }
    if (cfg->components & COMP_EXT) kind[n++] = K_COL;
    if (cfg->components & COMP_MORE) {
        kind[n++] = K_SPARSE;
        kind[n++] = K_TRIGRAM;
        kind[n++] = K_ABOVE;
    }
    return n;
}

uint64_t ctx_memory(const mdlz_config *cfg) {
    uint8_t kind[CTX_MAX];
    int n_ord, n = n_contexts(cfg, kind, &n_ord);
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

/* The hash of a context for the byte after c, from the state sh before
 * c, is a base plus c (if the context holds c) times an odd constant. The
 * base depends on sh and on c's class only: whether c is a word byte, for
 * the word contexts (which hold c lowercased); whether it is a newline,
 * for the others (orders and the sparse context ignore it). Bases are
 * hashes (random), so adding c times NEXT_MUL spreads the contexts of one
 * base over lines and checks as well as a hash would, and the two
 * candidate bytes of the look-ahead share one base but where their
 * classes differ. In pr_shared after c the contexts are: for order n, the
 * last n-1 bytes and c; the word so far (after a word, the previous word
 * and c); the word with the previous one or two (after a word, the
 * previous ones alone); the column and c; the byte above and c; the two
 * bytes before c. A kind and a class make the key of a base unique. */
static int word_ctx(int kind) {
    return kind == K_WORD || kind == K_BIGRAM || kind == K_TRIGRAM;
}

static uint32_t base_after(int kind, int cls, const pr_shared *sh,
                           uint32_t *mask) {
    const uint32_t c4 = sh->c4, word = sh->word;
    const uint32_t w1 = word ? word : sh->word1,
                   w2 = word ? sh->word1 : sh->word2;
    const uint32_t kc = (uint32_t)(kind * 2 + cls) * 0x9E3779B9u;
    *mask = 0xff;
    switch (kind) {
    case K_WORD: return hash32(cls ? word : w1, kc);
    case K_BIGRAM:
        if (cls) return hash32(word, sh->word1 + kc);
        *mask = 0;
        return hash32(0, w1 + kc);
    case K_TRIGRAM:
        if (cls) return hash32(word, sh->word1 * 31 + sh->word2 + kc);
        *mask = 0;
        return hash32(0, w1 * 31 + w2 + kc);
    case K_COL:
        return hash32(cls ? 0 : sh->col + 1 < 255 ? sh->col + 1 : 255, kc);
    case K_ABOVE: { /* pr_shared_advance()'s rule, either way of c */
        uint32_t above =
            cls ? (sh->col ? sh->hist[(sh->pos - sh->col) & sh->hmask] : 0)
            : sh->col + 1 < sh->prevlen
                ? sh->hist[(sh->pos - sh->prevlen) & sh->hmask]
                : 0;
        return hash32(above, kc);
    }
    case K_SPARSE: *mask = 0; return hash32((c4 & 0xffff) << 8, kc);
    default: { /* order kind: the last kind-1 bytes */
        int n = kind - 1;
        if (n < 4) return hash32(c4 & ((1u << 8 * n) - 1), kc);
        return hash32(c4, kc ^ (sh->c8 & ((1u << 8 * (n - 4)) - 1)));
    }
    }
}

/* The context hashes after the two bytes c and c | 1 (c even) from the
 * state sh before them (see base_after), into h0 and h1. */
static void hashes_after(const ctx_model *m, const pr_shared *sh, uint32_t c,
                         uint32_t *h0, uint32_t *h1) {
    const uint32_t c1 = c | 1;
    int i = 0;
    for (; i < m->n_ord; i++) { /* one class, c held */
        uint32_t mask, b = base_after(m->kind[i], 0, sh, &mask);
        h0[i] = b + c * NEXT_MUL;
        h1[i] = b + c1 * NEXT_MUL;
    }
    for (; i < m->n; i++) {
        const int kind = m->kind[i], wc = word_ctx(kind);
        const uint32_t v0 = wc ? (uint32_t)pr_lower((int)c) : c,
                       v1 = wc ? (uint32_t)pr_lower((int)c1) : c1;
        const int k0 = wc ? pr_word_byte((int)c) : c == '\n',
                  k1 = wc ? pr_word_byte((int)c1) : c1 == '\n';
        uint32_t mask0, b0 = base_after(kind, k0, sh, &mask0);
        uint32_t mask1 = mask0, b1 = b0;
        if (k1 != k0) b1 = base_after(kind, k1, sh, &mask1);
        h0[i] = b0 + (v0 & mask0) * NEXT_MUL;
        h1[i] = b1 + (v1 & mask1) * NEXT_MUL;
    }
}

/* Computes the context hashes that follow each value of the bit still to
 * come in this nibble and starts loading their lines: by the time the bit
 * is coded, the lookups hit the cache (perf: the slot lookups otherwise
 * stall on memory for a quarter of the time). */
static void look_ahead(ctx_model *m, const pr_shared *sh) {
    const uint32_t c = (uint32_t)sh->c0 * 2;
    if (sh->bitpos == 3) {
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < m->n; i++)
                m->next_h[b][i] = m->h[i] + (c + (uint32_t)b) * NIB_MUL;
    } else {
        hashes_after(m, sh, c & 0xff, m->next_h[0], m->next_h[1]);
    }
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < m->n; i++) prefetch_line(m, m->next_h[b][i]);
    m->next_ok = 1;
}

/* Writes the inputs for the coming bit: each context's state (at c0 for
 * orders 0 and 1, at node `nib` of its nibble tree for the others),
 * through the context's map, stretched. Keeps the states in m->q for
 * ctx_update(). */
static void ctx_inputs(ctx_model *m, const pr_shared *sh, int16_t *x) {
    const st_table *st = sh->st;
    const uint32_t *t = m->sm;
    const int nib = m->nib, n = m->n;
    uint8_t *q = m->q;
    q[0] = m->o0[sh->c0];
    q[1] = m->o1_row[sh->c0];
    for (int i = 0; i < n; i++) q[i + 2] = m->slot[i][nib];
    for (int i = 0; i < n + 2; i++, t += BH_STATES)
        x[i] = (int16_t)stretch(st, (int)(t[q[i]] >> 10));
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
    uint32_t *const sm = m->sm;
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
        x[0] = (int16_t)stretch(st, (int)(sm[v] >> 10));
        v = o1[c0];
        q[1] = (uint8_t)v;
        x[1] = (int16_t)stretch(st, (int)(sm[BH_STATES + v] >> 10));
        for (int i = 0; i < n; i++, t += BH_STATES) {
            uint8_t *s = m->slot[i];
            learn(t, q[i + 2], s + nib, bit, bh);
            v = s[nib2];
            q[i + 2] = (uint8_t)v;
            x[i + 2] = (int16_t)stretch(st, (int)(t[v] >> 10));
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
    } else { /* the first byte: nothing looked ahead; as after a 0 byte */
        hashes_after(m, sh, 0, m->h, m->next_h[1]);
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
    free(m->sm);
    big_free(m->tab, m->tab_size);
    free(m->o1);
    free(m);
}

mdlz_status ctx_create(pr_component *c, const mdlz_config *cfg,
                       const bh_table *bh) {
    ctx_model *m = calloc(1, sizeof *m);
    if (!m) return MDLZ_ERROR_NOMEM;
    m->n = n_contexts(cfg, m->kind, &m->n_ord);
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
    const size_t nsm = (size_t)(m->n + 2) * BH_STATES;
    m->sm = malloc(nsm * sizeof *m->sm);
    mdlz_status st = m->tab && m->o1 && m->sm ? MDLZ_OK : MDLZ_ERROR_NOMEM;
    for (size_t i = 0; i < nsm && st == MDLZ_OK; i++)
        m->sm[i] = bh_p22(bh, (int)(i % BH_STATES));
    if (st != MDLZ_OK) ctx_destroy(m);
    return st;
}
