/*
 * retrieval.c - retrieval as a stream module (retrieval.h).
 *
 * Encoder: with an index open, the stream takes part when a mode is left
 * after the input's size is known: an input that ends before the first
 * online query has no use for ONLINE (nor for its fingerprint). WHOLE
 * chooses documents for the first block; the model is primed with the end
 * of the retrieved text, in proportion to the input.
 * Decoder: the record names the documents (by content) and the generation
 * online queries see; the index must still hold them (docs/retrieval.md:
 * an index may grow and hide documents, but keeps what older streams need
 * until gc).
 */
#include "retrieval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmatch.h"
#include "session.h"

/* Primed bytes per 2 input bytes (of the first block): priming costs as
 * much time as coding, and with the queries retrieval must keep at least
 * 1/4 of the speed (bench/retrieval.py). */
#define PRIME_PER_2_INPUT 3
#define PRIME_MAX         ((uint64_t)4 << 20)
/* Documents recorded per input byte: each costs ~8 header bytes, which a
 * small input cannot win back (bench: 288-byte pages grew with 8). */
#define DOC_PER_INPUT 2048

typedef struct {
    ret_session *s;
    char *path;     /* decoder: the index given */
    unsigned modes; /* encoder: the modes asked */
    ret_record rec; /* this stream's */
} ret_state;

static void *rs_new(void) {
    ret_state *x = calloc(1, sizeof *x);
    if (x) x->modes = MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE;
    return x;
}

static void rs_free(void *st) {
    ret_state *x = st;
    if (!x) return;
    ret_session_free(x->s);
    free(x->path);
    free(x);
}

mdlz_status ret_module_open(void *st, const char *path, char *detail,
                            size_t detail_len) {
    ret_state *x = st;
    ret_session_free(x->s);
    x->s = NULL;
    return ret_session_open(&x->s, path, detail, detail_len);
}

void ret_module_set_modes(void *st, unsigned modes) {
    ((ret_state *)st)->modes = modes;
}

mdlz_status ret_module_exclude(void *st, const uint64_t *hashes, int n) {
    ret_state *x = st;
    return x->s ? ret_session_exclude(x->s, hashes, n) : MDLZ_ERROR_STAGE;
}

const uint64_t *ret_module_used(void *st, int *n) {
    ret_state *x = st;
    *n = 0;
    return x->s ? ret_session_loaded(x->s, n) : NULL;
}

mdlz_status ret_module_set_path(void *st, const char *path) {
    ret_state *x = st;
    free(x->path);
    x->path = strdup(path);
    return x->path ? MDLZ_OK : MDLZ_ERROR_NOMEM;
}

static mdlz_status rs_encode(void *st, const mod_stream *s, uint8_t *rec,
                             size_t *len) {
    ret_state *x = st;
    ret_record *r = &x->rec;
    memset(r, 0, sizeof *r);
    *len = 0;
    unsigned modes = x->s ? x->modes : 0;
    if (s->n < s->block_size && s->n <= RET_ONLINE_FIRST)
        modes &= ~MDLZ_RETRIEVE_ONLINE;
    if (!modes) return MDLZ_OK;
    r->modes = modes;
    if (modes & MDLZ_RETRIEVE_ONLINE)
        ret_session_generation(x->s, &r->gen, &r->hist);
    if (modes & MDLZ_RETRIEVE_WHOLE) {
        int max = (int)MDLZ_MIN(RET_WHOLE_DOCS, 1 + s->n / DOC_PER_INPUT);
        int k = ret_session_choose(x->s, s->first, s->n, r->docs, max,
                                   s->detail, s->detail_len);
        if (k < 0) return MDLZ_ERROR_INDEX;
        r->n_docs = (unsigned)k;
    }
    size_t text_len;
    ret_session_text(x->s, &text_len);
    uint64_t budget =
        MDLZ_MIN((uint64_t)s->n * PRIME_PER_2_INPUT / 2, PRIME_MAX);
    r->prime_bytes = MDLZ_MIN((uint64_t)text_len, budget);
    *len = ret_record_write(r, rec);
    return MDLZ_OK;
}

static mdlz_status rs_decode(void *st, const mod_stream *s,
                             const fmt_record *rec) {
    ret_state *x = st;
    ret_record *r = &x->rec;
    MDLZ_FORWARD(ret_record_parse(rec, r));
    if (!x->path) return MDLZ_ERROR_NEED_INDEX;
    MDLZ_FORWARD(ret_session_open(&x->s, x->path, s->detail, s->detail_len));
    if (r->modes & MDLZ_RETRIEVE_ONLINE)
        MDLZ_FORWARD(ret_session_use_generation(x->s, r->gen, r->hist,
                                                s->detail, s->detail_len));
    for (unsigned i = 0; i < r->n_docs; i++)
        MDLZ_FORWARD(
            ret_session_load(x->s, &r->docs[i], s->detail, s->detail_len));
    size_t len;
    ret_session_text(x->s, &len);
    if (r->prime_bytes > len) return MDLZ_ERROR_CORRUPT;
    return MDLZ_OK;
}

/* The retrieved text (its buffer at most twice its size) and the match
 * model's table; with ONLINE the text may grow to RET_TEXT_MAX. */
static uint64_t rs_memory(void *st, const mod_stream *s) {
    ret_state *x = st;
    size_t len;
    (void)s;
    ret_session_text(x->s, &len);
    uint64_t text = (x->rec.modes & MDLZ_RETRIEVE_ONLINE) ? RET_TEXT_MAX : len;
    return 2 * text + rm_memory(text);
}

static mdlz_status rs_create(void *st, const mod_stream *s, const bh_table *bh,
                             pr_component *c) {
    ret_state *x = st;
    (void)s;
    return rm_create(c, x->s, x->rec.modes, x->rec.prime_bytes, bh);
}

static const uint8_t *rs_prime(void *st, size_t *n) {
    ret_state *x = st;
    size_t len;
    const uint8_t *text = ret_session_text(x->s, &len);
    *n = (size_t)x->rec.prime_bytes;
    return text + len - *n;
}

static mdlz_status rs_check(void *st, char *detail, size_t detail_len) {
    ret_state *x = st;
    if (!ret_session_failed(x->s)) return MDLZ_OK;
    snprintf(detail, detail_len, "an online query failed");
    return MDLZ_ERROR_INDEX;
}

static int rs_annotate(void *st, const void *self, mod_note *notes, int cap) {
    (void)st;
    return cap > 0 ? rm_note(self, notes) : 0;
}

const mod_ops ret_module = {
    .state_new = rs_new,
    .state_free = rs_free,
    .encode = rs_encode,
    .decode = rs_decode,
    .create = rs_create,
    .prime = rs_prime,
    .memory = rs_memory,
    .check = rs_check,
    .annotate = rs_annotate,
};
