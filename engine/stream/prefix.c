/* prefix.c - the prefix module (prefix.h). */
#include "prefix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct {
    const uint8_t *p;
    size_t len;
    int given;
    uint8_t *own; /* a copy, for a segmented stream */
} prefix_state;

static void *px_new(void) { return calloc(1, sizeof(prefix_state)); }

static void px_free(void *st) {
    prefix_state *x = st;
    free(x->own);
    free(x);
}

/* A segmented stream primes every segment's model with the prefix, long
 * after the caller's buffer had to stay valid (mdlz.h: until the header
 * is made or parsed): it keeps a copy. */
static mdlz_status keep(prefix_state *x, const mod_stream *s) {
    if (!s->cfg->seg_log || !x->p || x->own) return MDLZ_OK;
    if (!(x->own = malloc(x->len))) return MDLZ_ERROR_NOMEM;
    memcpy(x->own, x->p, x->len);
    x->p = x->own;
    return MDLZ_OK;
}

void prefix_set(void *st, const uint8_t *prefix, size_t len) {
    prefix_state *x = st;
    x->p = len ? prefix : NULL;
    x->len = len;
    x->given = 1;
}

/* Record 3: varint length, u64 XXH64 (seed 0) of the bytes. */
static mdlz_status px_encode(void *st, const mod_stream *s, uint8_t *rec,
                             size_t *len) {
    prefix_state *x = st;
    if (!x->p) {
        *len = 0;
        return MDLZ_OK;
    }
    MDLZ_FORWARD(keep(x, s));
    size_t n = varint_put(rec, x->len);
    wr_le64(rec + n, XXH64(x->p, x->len, 0));
    *len = n + 8;
    return MDLZ_OK;
}

mdlz_status prefix_record_parse(const fmt_record *r, uint64_t *len,
                                uint64_t *hash) {
    fmt_reader rd = fmt_reader_of(r);
    *len = fmt_get_varint(&rd);
    *hash = fmt_get_le(&rd, 8);
    return fmt_reader_ok(&rd) ? MDLZ_OK : MDLZ_ERROR_CORRUPT;
}

static mdlz_status px_decode(void *st, const mod_stream *s,
                             const fmt_record *r) {
    prefix_state *x = st;
    uint64_t len, hash;
    MDLZ_FORWARD(prefix_record_parse(r, &len, &hash));
    if (!x->given) {
        snprintf(s->detail, s->detail_len,
                 "the stream was made with a %llu-byte prefix",
                 (unsigned long long)len);
        return MDLZ_ERROR_PREFIX;
    }
    if (x->len != len ||
        XXH64(x->len ? (const void *)x->p : "", x->len, 0) != hash) {
        snprintf(s->detail, s->detail_len,
                 "prefix of %llu bytes given, the stream was made with "
                 "another (%llu bytes)",
                 (unsigned long long)x->len, (unsigned long long)len);
        return MDLZ_ERROR_PREFIX;
    }
    return keep(x, s);
}

static const uint8_t *px_prime(void *st, size_t *n) {
    prefix_state *x = st;
    *n = x->len;
    return x->p;
}

const mod_ops prefix_module = {
    .state_new = px_new,
    .state_free = px_free,
    .encode = px_encode,
    .decode = px_decode,
    .prime = px_prime,
};
