/* session.c - see session.h. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "mdlz_index.h"

#define RET_MAX_LOADED (RET_WHOLE_DOCS + RET_ONLINE_DOCS * RET_ONLINE_QUERIES)

struct ret_session {
    mdlz_index *ix;
    mdlz_index_gen gen; /* the generation online queries see */
    uint8_t *text;
    size_t len, cap;
    uint64_t loaded[RET_MAX_LOADED]; /* content hashes in the text, to
                                        exclude from online queries */
    int64_t ids[RET_MAX_LOADED];     /* their ids; -1: loaded by content */
    size_t start[RET_MAX_LOADED];    /* where each begins in the text */
    int n_loaded;
    /* measurement only (ret_session_exclude): documents treated as not
     * in the index */
    uint64_t *without;
    int n_without;
    int failed; /* an online query failed: the stream cannot be trusted */
};

mdlz_status ret_session_open(ret_session **out, const char *path, char *err,
                             size_t errlen) {
    *out = NULL;
    ret_session *s = calloc(1, sizeof *s);
    if (!s) return MDLZ_ERROR_NOMEM;
    if (mdlz_index_open(&s->ix, path, MDLZ_INDEX_READ, err, errlen) != 0 ||
        mdlz_index_pin(s->ix, &s->gen) != 0) {
        if (s->ix) snprintf(err, errlen, "%s", mdlz_index_errmsg(s->ix));
        ret_session_free(s);
        return MDLZ_ERROR_INDEX;
    }
    *out = s;
    return MDLZ_OK;
}

void ret_session_free(ret_session *s) {
    if (!s) return;
    if (s->ix) {
        mdlz_index_unpin(s->ix);
        mdlz_index_close(s->ix);
    }
    free(s->text);
    free(s->without);
    free(s);
}

mdlz_status ret_session_exclude(ret_session *s, const uint64_t *hashes, int n) {
    free(s->without);
    s->without = NULL;
    s->n_without = 0;
    if (n <= 0) return MDLZ_OK;
    if (!(s->without = malloc((size_t)n * sizeof *s->without)))
        return MDLZ_ERROR_NOMEM;
    memcpy(s->without, hashes, (size_t)n * sizeof *s->without);
    s->n_without = n;
    return MDLZ_OK;
}

const uint64_t *ret_session_loaded(const ret_session *s, int *n) {
    *n = s->n_loaded;
    return s->loaded;
}

void ret_session_generation(const ret_session *s, int64_t *gen,
                            uint64_t *history) {
    *gen = s->gen.gen;
    *history = s->gen.history;
}

mdlz_status ret_session_use_generation(ret_session *s, int64_t gen,
                                       uint64_t history, char *err,
                                       size_t errlen) {
    mdlz_index_need need = {gen, history, NULL, 0, NULL};
    if (mdlz_index_need_check(s->ix, &need, err, errlen) != 0 ||
        mdlz_index_generation(s->ix, gen, &s->gen) != 0) {
        snprintf(err, errlen, "%s", mdlz_index_errmsg(s->ix));
        return MDLZ_ERROR_INDEX;
    }
    return MDLZ_OK;
}

const uint8_t *ret_session_text(const ret_session *s, size_t *len) {
    *len = s->len;
    return s->text;
}

/* Appends a fetched body to the text; 0 or -1 when it would not fit. */
static int append(ret_session *s, int64_t id, uint64_t hash,
                  const uint8_t *body, size_t n) {
    if (s->n_loaded == RET_MAX_LOADED || n > RET_TEXT_MAX - s->len) return -1;
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + n) cap *= 2;
        uint8_t *t = realloc(s->text, cap);
        if (!t) return -1;
        s->text = t;
        s->cap = cap;
    }
    memcpy(s->text + s->len, body, n);
    s->start[s->n_loaded] = s->len;
    s->ids[s->n_loaded] = id;
    s->len += n;
    s->loaded[s->n_loaded++] = hash;
    return 0;
}

/* Fetches a selected document (by id, checked against its hash and
 * size) or, when id < 0, a recorded one by its content; appends it. */
static int fetch(ret_session *s, int64_t id, uint64_t hash, uint64_t size,
                 char *err, size_t errlen) {
    uint8_t *body = NULL;
    size_t n = 0;
    int r = id < 0 ? mdlz_index_get_content(s->ix, hash, size, &body, &n, err,
                                            errlen)
                   : mdlz_index_get(s->ix, id, hash, &body, &n, err, errlen);
    if (r != 0) return -1;
    if (n != size) {
        snprintf(err, errlen, "document %lld: %zu bytes, %llu expected",
                 (long long)id, n, (unsigned long long)size);
        free(body);
        return -1;
    }
    /* recorded documents come by their 48-bit key: exclusions (online
     * queries) take full hashes, as the encoder's */
    r = append(s, id, id < 0 ? XXH3_64bits(body, n) : hash, body, n);
    if (r != 0) snprintf(err, errlen, "retrieved text over its limit");
    free(body);
    return r;
}

int ret_session_choose(ret_session *s, const uint8_t *text, size_t n,
                       mdlz_docref *refs, int max, char *err, size_t errlen) {
    mdlz_index_docref hits[RET_WHOLE_DOCS];
    if (max > RET_WHOLE_DOCS) max = RET_WHOLE_DOCS;
    int k = mdlz_index_select_without(
        s->ix, s->gen.gen, text, n, RET_QUERY_TERMS, max, RET_WHOLE_BYTES,
        s->loaded, s->n_loaded, s->without, s->n_without, hits);
    if (k < 0) {
        snprintf(err, errlen, "%s", mdlz_index_errmsg(s->ix));
        return -1;
    }
    int m = 0;
    for (int i = k - 1; i >= 0; i--) { /* least relevant first */
        refs[m] = (mdlz_docref){MDLZ_INDEX_KEY(hits[i].hash), hits[i].size};
        if (fetch(s, hits[i].id, hits[i].hash, hits[i].size, err, errlen) != 0)
            return -1;
        m++;
    }
    return m;
}

mdlz_status ret_session_load(ret_session *s, const mdlz_docref *ref, char *err,
                             size_t errlen) {
    if (ref->size == 0) { /* never recorded by an encoder */
        snprintf(err, errlen, "empty document %016llx recorded",
                 (unsigned long long)ref->hash);
        return MDLZ_ERROR_CORRUPT;
    }
    return fetch(s, -1, ref->hash, ref->size, err, errlen) == 0
               ? MDLZ_OK
               : MDLZ_ERROR_INDEX;
}

int ret_session_online(ret_session *s, const uint8_t *recent, size_t n) {
    mdlz_index_docref hits[RET_ONLINE_DOCS];
    uint64_t room = RET_TEXT_MAX - s->len;
    if (s->failed) return -1;
    if (s->n_loaded + RET_ONLINE_DOCS > RET_MAX_LOADED || room == 0) return 0;
    int k = mdlz_index_select_without(
        s->ix, s->gen.gen, recent, n, RET_QUERY_TERMS, RET_ONLINE_DOCS, room,
        s->loaded, s->n_loaded, s->without, s->n_without, hits);
    char err[256];
    for (int i = k - 1; i >= 0 && !s->failed; i--)
        if (fetch(s, hits[i].id, hits[i].hash, hits[i].size, err, sizeof err) !=
            0)
            s->failed = 1;
    if (k < 0) s->failed = 1;
    return s->failed ? -1 : k;
}

int ret_session_failed(const ret_session *s) { return s->failed; }

int ret_session_locate(const ret_session *s, size_t pos, int64_t *id,
                       uint64_t *offset) {
    int k = s->n_loaded;
    while (k > 0 && s->start[k - 1] > pos) k--;
    if (k == 0 || pos >= s->len) return -1;
    *id = s->ids[k - 1];
    *offset = pos - s->start[k - 1];
    return 0;
}
