/* plan.c - see plan.h; the rules are also in docs/archive.md. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mdlz_index.h"

/* Base: files up to group_size / BASE_FILE_DIV each, about group_size in
 * all, and only when the new files fill more than BASE_MIN_GROUPS groups. */
#define BASE_FILE_DIV   8
#define BASE_MIN_GROUPS 2

typedef struct {
    arc_plan *p;
    const arc_write_opts *o;
    mdlz_index *ix;     /* candidates, or NULL without retrieval */
    uint32_t *id_entry; /* index document id -> entry */
    size_t n_ids;
    char *err;
    size_t errlen;
} planner;

/* Reads the content of new entry i (kept in p->texts). */
static int load_text(planner *pl, uint32_t i) {
    arc_plan *p = pl->p;
    if (p->texts[i]) return 0;
    size_t len;
    if (arc_read_file(p->src[i]->path, &p->texts[i], &len) != 0) {
        snprintf(pl->err, pl->errlen, "%s: %s", p->src[i]->path,
                 strerror(errno));
        return -1;
    }
    p->toc->entries[i].size = len; /* what is read is what is stored */
    return 0;
}

/* Makes entry i a retrieval candidate (text files only). */
static int index_entry(planner *pl, uint32_t i) {
    const arc_entry *e = &pl->p->toc->entries[i];
    const uint8_t *t = pl->p->texts[i];
    if (!pl->ix || !t || e->size == 0 ||
        mdlz_index_text_check(t, e->size, NULL))
        return 0;
    mdlz_index_add_opts ao = {0};
    int64_t id;
    int dup = 0;
    ao.max_size = UINT64_MAX;
    if (mdlz_index_add_buffer(pl->ix, e->name, t, e->size, &ao, &id, &dup)) {
        snprintf(pl->err, pl->errlen, "retrieval index: %s",
                 mdlz_index_errmsg(pl->ix));
        return -1;
    }
    if (dup) return 0;
    if ((size_t)id >= pl->n_ids) {
        size_t n = (size_t)id * 2 + 16;
        uint32_t *v = realloc(pl->id_entry, n * sizeof *v);
        if (!v) return -1;
        pl->id_entry = v;
        pl->n_ids = n;
    }
    pl->id_entry[id] = i;
    return 0;
}

/* Indexes entries [a, b) in one transaction: the term tables that
 * selection reads are brought up to date at commit (retrieval/index.h). */
static int index_group(planner *pl, uint32_t a, uint32_t b) {
    if (mdlz_index_begin(pl->ix) != 0) {
        snprintf(pl->err, pl->errlen, "retrieval index: %s",
                 mdlz_index_errmsg(pl->ix));
        return -1;
    }
    for (uint32_t k = a; k < b; k++)
        if (index_entry(pl, k) != 0) {
            mdlz_index_rollback(pl->ix);
            return -1;
        }
    if (mdlz_index_commit(pl->ix) != 0) {
        snprintf(pl->err, pl->errlen, "retrieval index: %s",
                 mdlz_index_errmsg(pl->ix));
        return -1;
    }
    return 0;
}

/* Chooses group g's dependencies from the candidates for its text. */
static int choose_deps(planner *pl, arc_group *g) {
    arc_plan *p = pl->p;
    g->n_deps = 0;
    g->depth = 0;
    if (!pl->ix || pl->n_ids == 0) return 0;
    size_t len;
    uint32_t missing;
    uint8_t *text =
        arc_concat(p->toc, p->texts, NULL, g->first, g->count, &len, &missing);
    if (!text) return -1;
    mdlz_index_docref hits[ARC_DEPS_MAX];
    int max = pl->o->fan_in > ARC_DEPS_MAX ? ARC_DEPS_MAX : pl->o->fan_in;
    uint64_t budget = len * (uint64_t)pl->o->prime_pct / 100;
    int k = mdlz_index_select(pl->ix, -1, text, len, MDLZ_INDEX_QUERY_TERMS,
                              max, budget, NULL, 0, hits);
    free(text);
    if (k < 0) {
        snprintf(pl->err, pl->errlen, "retrieval index: %s",
                 mdlz_index_errmsg(pl->ix));
        return -1;
    }
    for (int j = k - 1; j >= 0; j--) { /* least relevant first */
        uint32_t d = pl->id_entry[hits[j].id];
        uint32_t dd = p->toc->groups[p->toc->entries[d].group].depth + 1;
        g->deps[g->n_deps++] = d;
        if (dd > g->depth) g->depth = dd;
        p->prime_bytes += p->toc->entries[d].size;
    }
    return 0;
}

/* Appends a new entry for input `in`. */
static int add_entry(planner *pl, const arc_input *in, int64_t group) {
    arc_plan *p = pl->p;
    arc_entry e = {0};
    e.name = in->name;
    e.type = in->type;
    e.mode = in->mode;
    e.mtime = in->mtime;
    e.size = in->size;
    e.group = group;
    size_t i = p->toc->n_entries;
    if (arc_toc_add_entry(p->toc, &e) != 0) return -1;
    p->src[i] = in;
    return 0;
}

/* Packs the inputs whose index is flagged in `take` into groups, in
 * order; base groups get no dependencies. */
static int make_groups(planner *pl, const arc_inputs *in, const uint8_t *take,
                       int base) {
    arc_plan *p = pl->p;
    uint64_t G = pl->o->group_size;
    size_t i = 0;
    while (i < in->n) {
        if (!take[i]) {
            i++;
            continue;
        }
        arc_group g = {0};
        g.first = (uint32_t)p->toc->n_entries;
        int64_t gi = (int64_t)p->toc->n_groups;
        uint64_t raw = 0;
        for (; i < in->n; i++) {
            if (!take[i]) continue;
            if (g.count && raw + in->v[i].size > G) break;
            if (add_entry(pl, &in->v[i], gi) != 0) return -1;
            if (load_text(pl, p->toc->n_entries - 1) != 0) return -1;
            raw += p->toc->entries[p->toc->n_entries - 1].size;
            g.count++;
        }
        if (!base && choose_deps(pl, &g) != 0) return -1;
        g.raw = raw;
        if (arc_toc_add_group(p->toc, &g) != 0) return -1;
        int candidate = pl->ix && (int)g.depth < pl->o->depth;
        if (candidate && index_group(pl, g.first, g.first + g.count) != 0)
            return -1;
        for (uint32_t k = g.first; !candidate && k < g.first + g.count; k++) {
            free(p->texts[k]); /* read again when coded */
            p->texts[k] = NULL;
        }
    }
    return 0;
}

/* Flags a base: small files spread evenly over the name order. */
static void pick_base(planner *pl, const arc_inputs *in, uint8_t *base,
                      uint64_t have) {
    uint64_t G = pl->o->group_size, total = 0;
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->v[i].type == ARC_FILE && in->v[i].size) {
            total += in->v[i].size;
            n++;
        }
    if (pl->o->depth <= 0 || have >= G / 2 || total <= G * BASE_MIN_GROUPS)
        return;
    uint64_t want = MDLZ_MIN(G, total / 8), got = 0;
    size_t m = (size_t)MDLZ_MAX(1, (uint64_t)n * want / total), k = 0;
    for (size_t i = 0; i < in->n && got < want; i++) {
        const arc_input *x = &in->v[i];
        if (x->type != ARC_FILE || !x->size) continue;
        if ((k + 1) * m / n != k * m / n && x->size <= G / BASE_FILE_DIV) {
            base[i] = 1;
            got += x->size;
        }
        k++;
    }
}

mdlz_status arc_plan_make(arc_plan *p, const arc_inputs *in,
                          const arc_write_opts *o, char *err, size_t errlen) {
    planner pl = {p, o, NULL, NULL, 0, err, errlen};
    mdlz_status st = MDLZ_ERROR_NOMEM;
    uint8_t *base = calloc(in->n + 1, 1), *rest = calloc(in->n + 1, 1);
    p->first_entry = p->toc->n_entries;
    p->first_group = p->toc->n_groups;
    p->prime_bytes = 0;
    if (!base || !rest) goto out;
    st = MDLZ_ERROR_INDEX;
    uint64_t have = 0;
    if (o->depth > 0) {
        if (mdlz_index_open(&pl.ix, ":memory:", MDLZ_INDEX_CREATE, err,
                            errlen) != 0)
            goto out;
        /* Existing files the caller loaded are the first candidates. */
        if (index_group(&pl, 0, (uint32_t)p->first_entry) != 0) goto out;
        for (uint32_t i = 0; i < p->first_entry; i++)
            if (p->texts[i]) have += p->toc->entries[i].size;
    }
    pick_base(&pl, in, base, have);
    for (size_t i = 0; i < in->n; i++)
        rest[i] = in->v[i].type == ARC_FILE && in->v[i].size && !base[i];
    st = MDLZ_ERROR_GENERIC;
    if (make_groups(&pl, in, base, 1) != 0 || make_groups(&pl, in, rest, 0))
        goto out;
    for (size_t i = 0; i < in->n; i++) /* empty files, then directories */
        if (in->v[i].type == ARC_FILE && !in->v[i].size &&
            add_entry(&pl, &in->v[i], -1) != 0)
            goto out;
    for (size_t i = 0; i < in->n; i++)
        if (in->v[i].type == ARC_DIR && add_entry(&pl, &in->v[i], -1) != 0)
            goto out;
    st = MDLZ_OK;
out:
    if (st != MDLZ_OK && !err[0]) snprintf(err, errlen, "out of memory");
    mdlz_index_close(pl.ix);
    free(pl.id_entry);
    free(base);
    free(rest);
    return st;
}
