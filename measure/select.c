/*
 * select.c - choosing the documents whose index makes a target set
 * cheapest (include/mdlz_value.h, `mdlz select`, docs/value.md).
 *
 * Every candidate goes into one scratch index; the cost of a target t
 * given a set S is mdlz's coding cost of t with that index and every
 * candidate outside S left out of the retrieval (system/probe.h: ranked
 * as an index of S alone would), so no index is ever rebuilt. The objective, the targets' total cost, is
 * minimised greedily by gain per byte of the budget, with lazy
 * re-evaluation (CELF: Leskovec et al., "Cost-effective outbreak
 * detection in networks", KDD 2007): a candidate's gain from an earlier
 * round is an upper bound of its gain now when the objective is
 * submodular, so only the candidate on top of the heap is re-evaluated,
 * and it is chosen when its fresh gain still tops the heap. Coding costs
 * are only nearly submodular; the greedy stays deterministic (ties go to
 * the earlier candidate) whatever they do.
 *
 * Locality: a candidate is scored on the targets that rank it among
 * their first `neighbours` documents in the full scratch index (BM25, the
 * retrieval's own ranking): the others would not retrieve it before
 * those. A gain sums, over those targets, their current cost minus their
 * cost with the candidate added; when a candidate is chosen, its
 * targets' costs become those it was scored with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "common.h"
#include "cost.h"
#include "measure.h"
#include "mdlz_index.h"
#include "mdlz_value.h"

#define SL_NEIGHBOURS 6

typedef struct {
    char *name;
    uint8_t *data;
    size_t len;
    uint64_t hash;
    int dup;     /* candidate: same content as an earlier one */
    size_t *rev; /* candidate: the targets that rank it (neighbours) */
    size_t n_rev;
    uint64_t *eval; /* candidate: its targets' costs at its last scoring */
    size_t scored;  /* candidate: picks made at its last scoring + 1 (0:
                       never scored) */
} sl_doc;

typedef struct {
    int64_t gain;
    uint64_t size;
    size_t cand;
    size_t round; /* picks made when it was scored */
} sl_entry;

struct mdlz_select {
    cost_coder coder;
    uint64_t budget;
    int neighbours;
    char dir[4096], db[4200];
    mdlz_value_progress_fn progress;
    void *progress_user;
    sl_doc *cand, *targ;
    size_t n_cand, cap_cand, n_targ, cap_targ;
    uint8_t *chosen; /* per candidate */
    uint64_t *cur;   /* per target: its cost given the picks */
    size_t *changed; /* per target: picks made when cur last changed */
    uint64_t *ex;    /* scratch: the exclusion list */
    sl_entry *heap;
    size_t n_heap;
    mdlz_select_pick *picks;
    mdlz_select_summary sum;
    char detail[700];
};

void mdlz_select_params_init(mdlz_select_params *p) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->level = MDLZ_LEVEL_DEFAULT;
}

mdlz_status mdlz_select_create(mdlz_select **out, const mdlz_select_params *p,
                               char *err, size_t errlen) {
    if (err && errlen) err[0] = '\0';
    if (!out || !p) return ms_err(err, errlen, MDLZ_ERROR_PARAM, "no params");
    *out = NULL;
    mdlz_status st = ms_check_params(
        p->reserved, (sizeof p->reserved / sizeof p->reserved[0]), p->level,
        NULL, 0, err, errlen);
    if (st != MDLZ_OK) return st;
    if (p->neighbours < 0 || p->budget == 0)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM,
                      "level, budget or neighbours out of range");
    mdlz_select *s = calloc(1, sizeof *s);
    if (!s)
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    s->coder.level = p->level ? p->level : MDLZ_LEVEL_DEFAULT;
    s->budget = p->budget;
    s->neighbours = p->neighbours ? p->neighbours : SL_NEIGHBOURS;
    s->progress = p->progress;
    s->progress_user = p->progress_user;
    const char *tmp = p->scratch ? p->scratch : getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/mdlz-select.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        st = ms_err(err, errlen, MDLZ_ERROR_PARAM,
                    "cannot make a scratch folder in %s",
                    tmp && *tmp ? tmp : "/tmp");
        s->dir[0] = '\0';
        mdlz_select_free(s);
        return st;
    }
    snprintf(s->db, sizeof s->db, "%s/select.db", s->dir);
    *out = s;
    return MDLZ_OK;
}

static void free_docs(sl_doc *d, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(d[i].name);
        free(d[i].data);
        free(d[i].rev);
        free(d[i].eval);
    }
    free(d);
}

void mdlz_select_free(mdlz_select *s) {
    if (!s) return;
    if (s->dir[0]) { /* the scratch index and its WAL files */
        static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
        char path[4300];
        for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
            snprintf(path, sizeof path, "%s%s", s->db, ext[i]);
            unlink(path);
        }
        rmdir(s->dir);
    }
    free_docs(s->cand, s->n_cand);
    free_docs(s->targ, s->n_targ);
    free(s->chosen);
    free(s->cur);
    free(s->changed);
    free(s->ex);
    free(s->heap);
    free(s->picks);
    free(s);
}

static mdlz_status add_doc(sl_doc **list, size_t *n, size_t *cap,
                           const char *name, const void *data, size_t len) {
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        sl_doc *p = realloc(*list, c * sizeof *p);
        if (!p) return MDLZ_ERROR_NOMEM;
        *list = p;
        *cap = c;
    }
    sl_doc *d = &(*list)[*n];
    memset(d, 0, sizeof *d);
    size_t nl = strlen(name ? name : "") + 1;
    d->name = malloc(nl);
    d->data = malloc(len ? len : 1);
    if (!d->name || !d->data) {
        free(d->name);
        free(d->data);
        return MDLZ_ERROR_NOMEM;
    }
    memcpy(d->name, name ? name : "", nl);
    if (len) memcpy(d->data, data, len);
    d->len = len;
    d->hash = XXH3_64bits(d->data, len);
    (*n)++;
    return MDLZ_OK;
}

mdlz_status mdlz_select_add_candidate(mdlz_select *s, const char *name,
                                      const void *data, size_t len) {
    if (!s || (!data && len)) return MDLZ_ERROR_PARAM;
    const char *why;
    if (mdlz_index_text_check(data, len, &why) < 0) {
        snprintf(s->detail, sizeof s->detail,
                 "%s: binary document (%s); not added", name, why);
        return MDLZ_ERROR_PARAM;
    }
    mdlz_status st =
        add_doc(&s->cand, &s->n_cand, &s->cap_cand, name, data, len);
    if (st != MDLZ_OK) return st;
    sl_doc *d = &s->cand[s->n_cand - 1];
    for (size_t i = 0; i + 1 < s->n_cand && !d->dup; i++)
        d->dup = s->cand[i].hash == d->hash;
    d->dup |= len == 0; /* nothing to retrieve */
    return MDLZ_OK;
}

mdlz_status mdlz_select_add_target(mdlz_select *s, const char *name,
                                   const void *data, size_t len) {
    if (!s || (!data && len)) return MDLZ_ERROR_PARAM;
    return add_doc(&s->targ, &s->n_targ, &s->cap_targ, name, data, len);
}

const char *mdlz_select_error_detail(const mdlz_select *s) {
    return s ? s->detail : "";
}

const mdlz_select_summary *mdlz_select_summary_get(const mdlz_select *s) {
    return s ? &s->sum : NULL;
}

const mdlz_select_pick *mdlz_select_pick_get(const mdlz_select *s, size_t i) {
    return s && i < s->sum.picks ? &s->picks[i] : NULL;
}

static void progress(mdlz_select *s, const char *stage, size_t done,
                     size_t total) {
    if (s->progress) s->progress(s->progress_user, stage, done, total);
}

/* ---- the scratch index and the neighbours ---------------------------------- */

static mdlz_status build_index(mdlz_select *s) {
    mdlz_index *ix;
    char why[512];
    if (mdlz_index_open(&ix, s->db, MDLZ_INDEX_CREATE, why, sizeof why) != 0) {
        snprintf(s->detail, sizeof s->detail, "scratch index: %s", why);
        return MDLZ_ERROR_INDEX;
    }
    mdlz_index_add_opts opts = {0};
    int dup, rc = mdlz_index_begin(ix);
    for (size_t i = 0; i < s->n_cand && rc == 0; i++)
        if (!s->cand[i].dup)
            rc = mdlz_index_add_buffer(ix, s->cand[i].name, s->cand[i].data,
                                       s->cand[i].len, &opts, NULL, &dup);
    if (rc == 0) rc = mdlz_index_commit(ix);
    if (rc != 0)
        snprintf(s->detail, sizeof s->detail, "scratch index: %s",
                 mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
    s->coder.index = s->db;
    return rc == 0 ? MDLZ_OK : MDLZ_ERROR_INDEX;
}

static size_t cand_of(const mdlz_select *s, uint64_t hash) {
    for (size_t i = 0; i < s->n_cand; i++)
        if (!s->cand[i].dup && s->cand[i].hash == hash) return i;
    return s->n_cand;
}

/* Each target's first `neighbours` candidates by the index's ranking,
 * stored the other way round: per candidate, its targets. */
static mdlz_status find_neighbours(mdlz_select *s) {
    mdlz_index *ix;
    char why[512];
    if (mdlz_index_open(&ix, s->db, MDLZ_INDEX_READ, why, sizeof why) != 0) {
        snprintf(s->detail, sizeof s->detail, "scratch index: %s", why);
        return MDLZ_ERROR_INDEX;
    }
    mdlz_index_docref *hits = malloc((size_t)s->neighbours * sizeof *hits);
    mdlz_status st = hits ? MDLZ_OK : MDLZ_ERROR_NOMEM;
    for (size_t t = 0; t < s->n_targ && st == MDLZ_OK; t++) {
        progress(s, "neighbours", t, s->n_targ);
        int k = mdlz_index_select(ix, -1, s->targ[t].data, s->targ[t].len,
                                  MDLZ_INDEX_QUERY_TERMS, s->neighbours,
                                  UINT64_MAX, NULL, 0, hits);
        if (k < 0) {
            snprintf(s->detail, sizeof s->detail, "%s", mdlz_index_errmsg(ix));
            st = MDLZ_ERROR_INDEX;
        }
        for (int i = 0; i < k && st == MDLZ_OK; i++) {
            size_t ci = cand_of(s, hits[i].hash);
            if (ci == s->n_cand) continue; /* cannot be: each was added */
            sl_doc *c = &s->cand[ci];
            size_t *r = realloc(c->rev, (c->n_rev + 1) * sizeof *r);
            if (!r) {
                st = MDLZ_ERROR_NOMEM;
                break;
            }
            c->rev = r;
            c->rev[c->n_rev++] = t;
        }
    }
    for (size_t i = 0; i < s->n_cand && st == MDLZ_OK; i++)
        if (s->cand[i].n_rev &&
            !(s->cand[i].eval = calloc(s->cand[i].n_rev, sizeof(uint64_t))))
            st = MDLZ_ERROR_NOMEM;
    free(hits);
    mdlz_index_close(ix);
    return st;
}

/* ---- costs -------------------------------------------------------------------- */

/* Target t's cost given the picks and, if extra < n_cand, that candidate. */
static mdlz_status target_cost(mdlz_select *s, size_t t, size_t extra,
                               uint64_t *bits) {
    int n = 0;
    for (size_t i = 0; i < s->n_cand; i++)
        if (!s->cand[i].dup && !s->chosen[i] && i != extra)
            s->ex[n++] = s->cand[i].hash;
    s->sum.evaluations++;
    if (cost_bits(&s->coder, s->targ[t].data, s->targ[t].len, s->ex, n, bits,
                  NULL, NULL) == MDLZ_OK)
        return MDLZ_OK;
    snprintf(s->detail, sizeof s->detail, "%s: %s", s->targ[t].name,
             s->coder.detail);
    return MDLZ_ERROR_GENERIC;
}

/* Scores candidate c now: what its targets save when it is added. Only
 * the targets whose cost changed since its last scoring (a pick that
 * ranks among their neighbours) are coded again: by the locality above,
 * the others would code as they did. */
static mdlz_status score(mdlz_select *s, size_t c, sl_entry *e) {
    sl_doc *d = &s->cand[c];
    int64_t gain = 0;
    for (size_t k = 0; k < d->n_rev; k++) {
        size_t t = d->rev[k];
        if (!d->scored || s->changed[t] >= d->scored)
            MDLZ_FORWARD(target_cost(s, t, c, &d->eval[k]));
        gain += (int64_t)s->cur[t] - (int64_t)d->eval[k];
    }
    d->scored = s->sum.picks + 1;
    *e = (sl_entry){gain, d->len ? d->len : 1, c, s->sum.picks};
    return MDLZ_OK;
}

/* ---- the heap (the best gain per byte on top; ties: earlier candidate) -- */

static int better(const sl_entry *a, const sl_entry *b) {
    __int128 l = (__int128)a->gain * (__int128)b->size;
    __int128 r = (__int128)b->gain * (__int128)a->size;
    return l != r ? l > r : a->cand < b->cand;
}

static void heap_push(mdlz_select *s, sl_entry e) {
    size_t i = s->n_heap++;
    while (i && better(&e, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = e;
}

static sl_entry heap_pop(mdlz_select *s) {
    sl_entry top = s->heap[0], e = s->heap[--s->n_heap];
    size_t i = 0, n = s->n_heap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && better(&s->heap[c + 1], &s->heap[c])) c++;
        if (!better(&s->heap[c], &e)) break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n) s->heap[i] = e;
    return top;
}

/* ---- the greedy --------------------------------------------------------------- */

static mdlz_status greedy(mdlz_select *s) {
    uint64_t used = 0;
    for (size_t c = 0; c < s->n_cand; c++) {
        progress(s, "scoring", c, s->n_cand);
        sl_entry e;
        if (s->cand[c].dup || !s->cand[c].n_rev || s->cand[c].len > s->budget)
            continue;
        MDLZ_FORWARD(score(s, c, &e));
        heap_push(s, e);
    }
    while (s->n_heap) {
        sl_entry e = heap_pop(s);
        sl_doc *d = &s->cand[e.cand];
        if (used + d->len > s->budget) continue; /* no longer fits */
        if (e.round != s->sum.picks) {           /* stale: score again */
            progress(s, "select", s->sum.picks, s->n_cand);
            MDLZ_FORWARD(score(s, e.cand, &e));
            heap_push(s, e);
            continue;
        }
        if (e.gain <= 0) break; /* the best fresh gain saves nothing */
        s->chosen[e.cand] = 1;
        used += d->len;
        for (size_t k = 0; k < d->n_rev; k++) {
            s->cur[d->rev[k]] = d->eval[k];
            s->changed[d->rev[k]] = s->sum.picks + 1;
        }
        s->picks[s->sum.picks++] =
            (mdlz_select_pick){e.cand, d->name, d->len, e.gain};
    }
    s->sum.picked_bytes = used;
    return MDLZ_OK;
}

mdlz_status mdlz_select_run(mdlz_select *s) {
    if (!s || s->sum.picks || s->coder.index) return MDLZ_ERROR_STAGE;
    s->detail[0] = '\0';
    if (!s->n_targ) /* the candidates are the targets */
        for (size_t i = 0; i < s->n_cand; i++)
            MDLZ_FORWARD(mdlz_select_add_target(
                s, s->cand[i].name, s->cand[i].data, s->cand[i].len));
    s->sum.candidates = s->n_cand;
    s->sum.targets = s->n_targ;
    s->chosen = calloc(s->n_cand ? s->n_cand : 1, 1);
    s->cur = calloc(s->n_targ ? s->n_targ : 1, sizeof *s->cur);
    s->changed = calloc(s->n_targ ? s->n_targ : 1, sizeof *s->changed);
    s->ex = malloc((s->n_cand ? s->n_cand : 1) * sizeof *s->ex);
    s->heap = malloc((s->n_cand ? s->n_cand : 1) * sizeof *s->heap);
    s->picks = malloc((s->n_cand ? s->n_cand : 1) * sizeof *s->picks);
    if (!s->chosen || !s->cur || !s->changed || !s->ex || !s->heap || !s->picks)
        return MDLZ_ERROR_NOMEM;
    MDLZ_FORWARD(build_index(s));
    MDLZ_FORWARD(find_neighbours(s));
    for (size_t t = 0; t < s->n_targ; t++) {
        progress(s, "targets", t, s->n_targ);
        MDLZ_FORWARD(target_cost(s, t, s->n_cand, &s->cur[t]));
        s->sum.bits_none += s->cur[t];
    }
    MDLZ_FORWARD(greedy(s));
    for (size_t t = 0; t < s->n_targ; t++) s->sum.bits_picked += s->cur[t];
    return MDLZ_OK;
}
