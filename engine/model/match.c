/*
 * match.c - the match model (lpaq1's MatchModel; Mahoney, DCE 4.2).
 *
 * An index maps the hash of the last MINLEN bytes to the position that
 * followed them. When no match is active, the model looks the current
 * context up, verifies how many bytes really match backwards (so hash
 * collisions cost nothing) and, if at least MINLEN do, predicts the byte
 * after the earlier occurrence. A verified match is extended byte by byte
 * while its predictions hold, and dropped at the first wrong bit.
 *
 * Its input to the mixer is a StateMap over (quantized match length,
 * predicted bit): the map learns how often a match of that length is
 * right, so long matches earn near-certain predictions and short ones
 * little. It publishes the quantized length and predicted bit
 * (PR_PUB_MATCH: pr_shared.match_len/match_bit) for the mixers' weight
 * selection and the retrieval match model.
 *
 * The history ring is owned by the predictor; positions are stored
 * modulo the ring size, so stale index entries just fail verification.
 */
#include "match.h"

#include "bigmem.h"

#include <stdlib.h>

#define MINLEN 6
#define MAXLEN 65535

struct mm_model {
    uint32_t *tab;
    uint32_t tmask;
    uint32_t ptr; /* ring position of the predicted byte */
    uint32_t len; /* verified match length in bytes, 0 = none */
    int expected; /* predicted byte, or -1 (no match, or a mispredicted bit) */
    int lc;       /* pr_len_class(len), set with expected once per byte */
    int ctx;      /* StateMap context used for this bit */
    statemap sm;
};
typedef mm_model match_model;

uint64_t mm_memory(const mdlz_config *cfg) {
    return ((uint64_t)4 << cfg->mtab_bits) + 64 * 2 * 4 + sizeof(match_model);
}

void mm_predict(mm_model *m, pr_shared *sh, int16_t *x) {
    /* expected >= 0 only with a match (len > 0): mm_byte() */
    if (m->expected >= 0 && pr_agrees(m->expected, sh)) {
        int bit = pr_next_bit(m->expected, sh);
        m->ctx = m->lc * 2 + bit;
        sh->match_len = m->lc;
        sh->match_bit = bit;
        x[0] = (int16_t)stretch(sh->st, sm_p(&m->sm, (size_t)m->ctx));
        return;
    }
    m->expected = -1;
    m->ctx = 0;
    sh->match_len = 0;
    sh->match_bit = 0;
    x[0] = 0;
}

/* Hash of the last MINLEN (6) bytes, given as pr_shared's c4 and c8. */
static uint32_t mm_hash_of(uint32_t c4, uint32_t c8) {
    return hash32(c4, c8 & 0xffff);
}

static uint32_t mm_hash(const pr_shared *sh) {
    return mm_hash_of(sh->c4, sh->c8);
}

void mm_update(mm_model *m, const pr_shared *sh, int bit) {
    if (m->ctx) sm_update(&m->sm, (size_t)m->ctx, bit);
#if defined(__GNUC__)
    /* With one bit of the byte left, the index entry mm_byte() will read
     * is one of two: start loading both (perf: the lookup stalled). */
    if (sh->bitpos == 7)
        for (uint32_t b = 0; b < 2; b++) {
            uint32_t c = ((uint32_t)sh->c0 * 2 + b) & 0xff;
            uint32_t h =
                mm_hash_of(sh->c4 << 8 | c, sh->c8 << 8 | sh->c4 >> 24);
            __builtin_prefetch(&m->tab[h & m->tmask]);
        }
#endif
}

/* Never quiet: mm_predict() publishes the match state every bit. */
void mm_byte(mm_model *m, const pr_shared *sh) {
    const uint8_t *buf = sh->hist;
    uint32_t mask = sh->hmask, pos = (uint32_t)sh->pos;
    if (m->len > 0 && m->expected == (int)(sh->c4 & 0xff)) {
        if (m->len < MAXLEN) m->len++;
        m->ptr = (m->ptr + 1) & mask;
    } else {
        m->len = 0;
    }
    if (sh->pos < MINLEN) {
        m->expected = -1;
        return;
    }
    uint32_t h = mm_hash(sh) & m->tmask;
    if (m->len == 0) {
        uint32_t cand = m->tab[h];
        uint32_t l = 0;
        uint64_t maxl = sh->pos < mask ? sh->pos : mask;
        if (cand != (pos & mask)) /* a position behind us in the ring */
            while (l < MAXLEN && l < maxl &&
                   buf[(cand - 1 - l) & mask] == buf[(pos - 1 - l) & mask])
                l++;
        if (l >= MINLEN) {
            m->len = l;
            m->ptr = cand;
        }
    }
    m->tab[h] = pos & mask;
    m->expected = m->len ? buf[m->ptr] : -1;
    m->lc = pr_len_class(m->len);
}

/* The component interface's entries (the predictor calls the three above
 * directly: PR_KIND_MATCH). */
static void mm_predict_any(void *self, pr_shared *sh, int16_t *x) {
    mm_predict(self, sh, x);
}

static void mm_update_any(void *self, const pr_shared *sh, int bit,
                          int16_t *x) {
    (void)x;
    mm_update(self, sh, bit);
}

static int mm_byte_any(void *self, const pr_shared *sh, int16_t *x) {
    (void)x;
    mm_byte(self, sh);
    return 0;
}

static void mm_destroy(void *self) {
    match_model *m = self;
    if (!m) return;
    sm_free(&m->sm);
    big_free(m->tab, (size_t)4 * (m->tmask + 1));
    free(m);
}

mdlz_status mm_create(pr_component *c, const mdlz_config *cfg,
                      const bh_table *bh) {
    match_model *m = calloc(1, sizeof *m);
    if (!m) return MDLZ_ERROR_NOMEM;
    m->tmask = ((uint32_t)1 << cfg->mtab_bits) - 1;
    m->tab = big_alloc((size_t)4 << cfg->mtab_bits);
    m->expected = -1;
    mdlz_status st =
        m->tab ? sm_init(&m->sm, 64, 1023, bh, 0) : MDLZ_ERROR_NOMEM;
    if (st != MDLZ_OK) {
        mm_destroy(m);
        return st;
    }
    *c = (pr_component){.name = "match",
                        .kind = PR_KIND_MATCH,
                        .n_inputs = 1,
                        .publishes = PR_PUB_MATCH,
                        .self = m,
                        .predict = mm_predict_any,
                        .update = mm_update_any,
                        .byte_update = mm_byte_any,
                        .destroy = mm_destroy};
    return MDLZ_OK;
}
