/*
 * rmatch.c - the retrieval match model (after lpaq1's MatchModel, with
 * several candidates, over a second text: the retrieved documents).
 *
 * Index. Every position of the retrieved text is entered in a table of
 * buckets under the hash of the RM_HASHLEN bytes before it; a bucket keeps
 * the RM_WAYS most recent positions. The table grows (and is rebuilt) when
 * online retrieval adds text, so it stays a few entries per bucket.
 *
 * Matching. With no match active, the hash of the last RM_HASHLEN coded
 * bytes selects a bucket; each candidate is verified backwards against the
 * coded history and the longest, if at least RM_MINLEN bytes, becomes the
 * match. A match predicts the byte that follows it in the retrieved text,
 * grows while its predictions hold and ends at the first wrong bit; the
 * search resumes at the next byte.
 *
 * Inputs (2): a StateMap over (length class, predicted bit, whether the
 * history match model predicts the same bit), so the mixer gets a learned
 * confidence that accounts for the two models agreeing; and the predicted
 * bit with a fixed strength growing with the length, which the mixer
 * weighs by context. Both are 0 when nothing is predicted.
 *
 * Online mode: at coded positions RET_ONLINE_FIRST * 2^k the component asks
 * the session for documents matching the last RET_ONLINE_WINDOW bytes and
 * indexes what arrives. Encoder and decoder make the same calls at the
 * same positions at the same index generation (recorded and checked).
 */
#include "rmatch.h"

#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

#define RM_HASHLEN 6
#define RM_MINLEN  8
#define RM_WAYS    4
#define RM_MAXLEN  65535
#define RM_VERIFY  400 /* longest backward verification */

typedef struct {
    ret_session *s;
    unsigned modes;
    uint64_t prime; /* sh->pos at which coding proper starts */
    uint32_t *tab;  /* buckets of RM_WAYS positions + 1 (0 = empty) */
    uint32_t nbuckets;
    size_t indexed; /* bytes of the text entered in tab */
    uint32_t ptr;   /* text position of the predicted byte */
    uint32_t len;   /* verified match length, 0 = none */
    int expected;   /* predicted byte, -1 after a wrong bit */
    int ctx;        /* StateMap context of this bit, 0 = none */
    uint64_t next_query;
    int queries;
    statemap sm;
} rmatch;

uint64_t rm_memory(uint64_t text_len) {
    uint64_t buckets = 4096; /* as index_text() sizes the table */
    while (buckets * 2 < text_len) buckets *= 2;
    return sizeof(rmatch) + buckets * RM_WAYS * 4 + (32 * 2 * 3 + 1) * 4;
}

/* Hash of the RM_HASHLEN bytes before p, laid out as pr_shared's c4/c8 so
 * the coded side can compute it from those. */
static uint32_t hash_at(const uint8_t *p) {
    uint32_t c4 = (uint32_t)p[-4] << 24 | (uint32_t)p[-3] << 16 |
                  (uint32_t)p[-2] << 8 | p[-1];
    return hash32(c4, (uint32_t)p[-6] << 8 | p[-5]);
}

static void insert(rmatch *m, const uint8_t *text, size_t i) {
    uint32_t *b =
        m->tab + (size_t)(hash_at(text + i) & (m->nbuckets - 1)) * RM_WAYS;
    memmove(b + 1, b, (RM_WAYS - 1) * sizeof *b);
    b[0] = (uint32_t)i + 1;
}

/* Enters new text in the table, first growing it to about 1 bucket per
 * 2 bytes of text (rebuilt from scratch: the order is deterministic). */
static int index_text(rmatch *m) {
    size_t len;
    const uint8_t *text = ret_session_text(m->s, &len);
    uint32_t want = 4096;
    while ((size_t)want * 2 < len) want *= 2;
    if (want != m->nbuckets) {
        uint32_t *t = big_alloc((size_t)want * RM_WAYS * sizeof *t);
        if (!t) return -1;
        big_free(m->tab, (size_t)m->nbuckets * RM_WAYS * sizeof *m->tab);
        m->tab = t;
        m->nbuckets = want;
        m->indexed = 0;
    }
    size_t i = m->indexed > RM_HASHLEN ? m->indexed : RM_HASHLEN;
    for (; i < len; i++) insert(m, text, i);
    m->indexed = len;
    return 0;
}

static void rm_predict(void *self, pr_shared *sh, int16_t *x) {
    rmatch *m = self;
    x[0] = x[1] = 0;
    m->ctx = 0;
    if (!m->len || m->expected < 0) return;
    if (!pr_agrees(m->expected, sh)) {
        m->expected = -1;
        return;
    }
    int bit = pr_next_bit(m->expected, sh);
    int lc = pr_len_class(m->len);
    int agree = !sh->match_len ? 0 : sh->match_bit == bit ? 1 : 2;
    m->ctx = (lc * 2 + bit) * 3 + agree + 1;
    x[0] = (int16_t)stretch(sh->st, sm_p(&m->sm, (size_t)m->ctx));
    int strength = lc * 64 > 2047 ? 2047 : lc * 64;
    x[1] = (int16_t)(bit ? strength : -strength);
}

static void rm_update(void *self, const pr_shared *sh, int bit, int16_t *x) {
    rmatch *m = self;
    (void)sh, (void)x;
    if (m->ctx) sm_update(&m->sm, (size_t)m->ctx, bit);
}

/* Finds the longest verified candidate for the current context. */
static void find(rmatch *m, const pr_shared *sh) {
    size_t len;
    const uint8_t *text = ret_session_text(m->s, &len);
    uint32_t h = hash32(sh->c4, sh->c8 & 0xffff);
    const uint32_t *b = m->tab + (size_t)(h & (m->nbuckets - 1)) * RM_WAYS;
    uint64_t coded = sh->pos - m->prime;
    uint32_t maxl = coded < RM_VERIFY ? (uint32_t)coded : RM_VERIFY;
    for (int w = 0; w < RM_WAYS && b[w]; w++) {
        uint32_t cand = b[w] - 1, l = 0;
        while (l < maxl && l < cand &&
               text[cand - 1 - l] == sh->hist[(sh->pos - 1 - l) & sh->hmask])
            l++;
        if (l >= RM_MINLEN && l > m->len && cand < len) {
            m->len = l;
            m->ptr = cand;
        }
    }
}

static void online_query(rmatch *m, const pr_shared *sh) {
    uint8_t recent[RET_ONLINE_WINDOW];
    uint64_t coded = sh->pos - m->prime;
    size_t n = coded < RET_ONLINE_WINDOW ? (size_t)coded : RET_ONLINE_WINDOW;
    for (size_t i = 0; i < n; i++)
        recent[i] = sh->hist[(sh->pos - n + i) & sh->hmask];
    if (ret_session_online(m->s, recent, n) > 0) index_text(m);
    m->queries++;
    m->next_query *= 2;
}

static int rm_byte(void *self, const pr_shared *sh, int16_t *x) {
    rmatch *m = self;
    (void)x;
    if (sh->pos < m->prime + RM_HASHLEN) { /* priming, or too early */
        m->len = 0;
        m->expected = -1;
        return 1;
    }
    if ((m->modes & MDLZ_RETRIEVE_ONLINE) && m->queries < RET_ONLINE_QUERIES &&
        sh->pos - m->prime == m->next_query)
        online_query(m, sh);
    size_t len;
    const uint8_t *text = ret_session_text(m->s, &len);
    if (m->len && m->expected == (int)(sh->c4 & 0xff) && m->ptr + 1 < len) {
        if (m->len < RM_MAXLEN) m->len++;
        m->ptr++;
    } else {
        m->len = 0;
    }
    if (m->len < 16 && m->nbuckets) find(m, sh);
    m->expected = m->len ? text[m->ptr] : -1;
    return m->expected < 0; /* quiet without a match */
}

int rm_note(const void *self, mod_note *n) {
    const rmatch *m = self;
    if (!m->len || m->expected < 0) return 0;
    *n = (mod_note){.byte = m->expected, .source = -1, .length = m->len};
    if (ret_session_locate(m->s, m->ptr, &n->source, &n->offset) != 0)
        n->source = -1;
    return 1;
}

static void rm_destroy(void *self) {
    rmatch *m = self;
    if (!m) return;
    sm_free(&m->sm);
    big_free(m->tab, (size_t)m->nbuckets * RM_WAYS * sizeof *m->tab);
    free(m);
}

mdlz_status rm_create(pr_component *c, ret_session *s, unsigned modes,
                      uint64_t prime_bytes, const bh_table *bh) {
    rmatch *m = calloc(1, sizeof *m);
    if (!m) return MDLZ_ERROR_NOMEM;
    m->s = s;
    m->modes = modes;
    m->prime = prime_bytes;
    m->expected = -1;
    m->next_query = RET_ONLINE_FIRST;
    mdlz_status st = sm_init(&m->sm, 32 * 2 * 3 + 1, 1023, bh, 0);
    if (st == MDLZ_OK && index_text(m) != 0) st = MDLZ_ERROR_NOMEM;
    if (st != MDLZ_OK) {
        rm_destroy(m);
        return st;
    }
    *c = (pr_component){.name = "retrieval",
                        .n_inputs = 2,
                        .reads =
                            PR_PUB_MATCH, /* agreement with the match model */
                        .self = m,
                        .predict = rm_predict,
                        .update = rm_update,
                        .byte_update = rm_byte,
                        .destroy = rm_destroy};
    return MDLZ_OK;
}
