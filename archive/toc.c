/* toc.c - see toc.h; the byte layout is in docs/archive.md. */
#include "toc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "varint.h"

void arc_toc_free(arc_toc *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n_entries; i++) free(t->entries[i].name);
    free(t->entries);
    free(t->groups);
    memset(t, 0, sizeof *t);
}

/* Grows an array of `size`-byte items to hold one more. */
static int grow(void **p, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

int arc_toc_add_entry(arc_toc *t, const arc_entry *e) {
    if (grow((void **)&t->entries, &t->cap_entries, t->n_entries, sizeof *e) !=
        0)
        return -1;
    char *name = strdup(e->name);
    if (!name) return -1;
    t->entries[t->n_entries] = *e;
    t->entries[t->n_entries++].name = name;
    return 0;
}

int arc_toc_add_group(arc_toc *t, const arc_group *g) {
    if (grow((void **)&t->groups, &t->cap_groups, t->n_groups, sizeof *g) != 0)
        return -1;
    t->groups[t->n_groups++] = *g;
    return 0;
}

int arc_name_ok(const char *name, size_t len) {
    if (len == 0 || len > ARC_NAME_MAX || name[0] == '/' ||
        memchr(name, 0, len))
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && name[i] != '/') continue;
        size_t k = i - start;
        if (k == 0 || (k == 1 && name[start] == '.') ||
            (k == 2 && name[start] == '.' && name[start + 1] == '.'))
            return 0;
        start = i + 1;
    }
    return 1;
}

/* ---- writing: LEB128 varints into a growing buffer ---------------------- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
    int bad;
} wbuf;

static void put(wbuf *w, const void *src, size_t k) {
    if (w->bad) return;
    if (w->n + k > w->cap) {
        size_t c = w->cap ? w->cap : 4096;
        while (c < w->n + k) c *= 2;
        uint8_t *q = realloc(w->p, c);
        if (!q) {
            w->bad = 1;
            return;
        }
        w->p = q;
        w->cap = c;
    }
    memcpy(w->p + w->n, src, k);
    w->n += k;
}

static void put_varint(wbuf *w, uint64_t v) {
    uint8_t b[VARINT_MAX];
    put(w, b, varint_put(b, v));
}

/* Signed values (mtimes) as zigzag: small magnitudes stay short. */
static uint64_t zigzag(int64_t v) {
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static int64_t unzigzag(uint64_t v) {
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

int arc_toc_write(const arc_toc *t, uint8_t **out, size_t *len) {
    wbuf w = {0};
    uint8_t v = ARC_TOC_VERSION;
    put(&w, &v, 1);
    put_varint(&w, t->n_groups);
    for (size_t i = 0; i < t->n_groups; i++) {
        const arc_group *g = &t->groups[i];
        put_varint(&w, g->offset);
        put_varint(&w, g->csize);
        put_varint(&w, g->raw);
        put_varint(&w, g->depth);
        put_varint(&w, g->n_deps);
        for (uint32_t k = 0; k < g->n_deps; k++) put_varint(&w, g->deps[k]);
    }
    put_varint(&w, t->n_entries);
    for (size_t i = 0; i < t->n_entries; i++) {
        const arc_entry *e = &t->entries[i];
        size_t nl = strlen(e->name);
        put(&w, &e->type, 1);
        put_varint(&w, nl);
        put(&w, e->name, nl);
        put_varint(&w, e->mode);
        put_varint(&w, zigzag(e->mtime));
        if (e->type != ARC_FILE) continue;
        uint8_t h[4] = {(uint8_t)e->hash32, (uint8_t)(e->hash32 >> 8),
                        (uint8_t)(e->hash32 >> 16), (uint8_t)(e->hash32 >> 24)};
        put_varint(&w, e->size);
        put_varint(&w, (uint64_t)(e->group + 1));
        put(&w, h, 4);
        put_varint(&w, e->csize);
    }
    if (w.bad) {
        free(w.p);
        return -1;
    }
    *out = w.p;
    *len = w.n;
    return 0;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct {
    const uint8_t *p, *end;
    int bad;
} rbuf;

static uint64_t get_varint(rbuf *r) {
    return varint_get(&r->p, r->end, &r->bad);
}

static const uint8_t *get_bytes(rbuf *r, uint64_t k) {
    if (r->bad || (uint64_t)(r->end - r->p) < k) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += k;
    return p;
}

#define FAIL(...)                                                              \
    do {                                                                       \
        snprintf(err, errlen, __VA_ARGS__);                                    \
        arc_toc_free(t);                                                       \
        return MDLZ_ERROR_CORRUPT;                                             \
    } while (0)

static mdlz_status parse_groups(rbuf *r, arc_toc *t, char *err, size_t errlen) {
    uint64_t n = get_varint(r);
    if (r->bad || n > ARC_ENTRIES_MAX || n > (uint64_t)(r->end - r->p))
        FAIL("bad group count");
    t->groups = calloc(n ? n : 1, sizeof *t->groups);
    if (!t->groups) return MDLZ_ERROR_NOMEM;
    t->cap_groups = n ? n : 1;
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        arc_group *g = &t->groups[t->n_groups++];
        g->offset = get_varint(r);
        g->csize = get_varint(r);
        g->raw = get_varint(r);
        uint64_t depth = get_varint(r), nd = get_varint(r);
        if (depth > ARC_ENTRIES_MAX || nd > ARC_DEPS_MAX)
            FAIL("bad group %llu", (unsigned long long)i);
        g->depth = (uint32_t)depth;
        g->n_deps = (uint32_t)nd;
        for (uint32_t k = 0; k < g->n_deps; k++) {
            uint64_t d = get_varint(r);
            if (d >= ARC_ENTRIES_MAX) r->bad = 1;
            g->deps[k] = (uint32_t)d;
        }
    }
    return r->bad ? MDLZ_ERROR_CORRUPT : MDLZ_OK;
}

static mdlz_status parse_entries(rbuf *r, arc_toc *t, char *err,
                                 size_t errlen) {
    uint64_t n = get_varint(r);
    if (r->bad || n > ARC_ENTRIES_MAX || n > (uint64_t)(r->end - r->p))
        FAIL("bad entry count");
    t->entries = calloc(n ? n : 1, sizeof *t->entries);
    if (!t->entries) return MDLZ_ERROR_NOMEM;
    t->cap_entries = n ? n : 1;
    for (uint64_t i = 0; i < n; i++) {
        arc_entry *e = &t->entries[t->n_entries];
        const uint8_t *type = get_bytes(r, 1);
        uint64_t nl = get_varint(r);
        const uint8_t *name = nl <= ARC_NAME_MAX ? get_bytes(r, nl) : NULL;
        if (!type || !name || *type > ARC_DIR ||
            !arc_name_ok((const char *)name, nl))
            FAIL("bad entry %llu", (unsigned long long)i);
        e->name = malloc(nl + 1);
        if (!e->name) return MDLZ_ERROR_NOMEM;
        memcpy(e->name, name, nl);
        e->name[nl] = 0;
        t->n_entries++;
        e->type = *type;
        uint64_t mode = get_varint(r);
        e->mtime = unzigzag(get_varint(r));
        if (mode > 07777) FAIL("bad mode of %s", e->name);
        e->mode = (uint32_t)mode;
        e->group = -1;
        if (e->type != ARC_FILE) continue;
        e->size = get_varint(r);
        uint64_t g = get_varint(r);
        const uint8_t *h = get_bytes(r, 4);
        e->csize = get_varint(r);
        if (r->bad || g > t->n_groups || (g == 0) != (e->size == 0))
            FAIL("bad file entry %s", e->name);
        e->group = (int64_t)g - 1;
        e->hash32 = (uint32_t)h[0] | (uint32_t)h[1] << 8 |
                    (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    }
    return r->bad ? MDLZ_ERROR_CORRUPT : MDLZ_OK;
}

/* Derives first/count and offsets; checks that each group's files are
 * consecutive, sum to its size, and that its dependencies are files of
 * earlier groups, with depth one more than theirs. */
static mdlz_status link_groups(arc_toc *t, uint64_t data_start,
                               uint64_t data_end, char *err, size_t errlen) {
    int64_t cur = -1;
    uint64_t pos = 0, next_off = data_start;
    for (size_t i = 0; i < t->n_entries; i++) {
        arc_entry *e = &t->entries[i];
        if (e->group < 0) continue;
        if (e->group != cur) {
            if (e->group != cur + 1)
                FAIL("files of group %lld out of order", (long long)e->group);
            if (cur >= 0 && pos != t->groups[cur].raw)
                FAIL("group %lld size mismatch", (long long)cur);
            cur = e->group;
            t->groups[cur].first = (uint32_t)i;
            pos = 0;
        } else if (t->groups[cur].first + t->groups[cur].count != i) {
            FAIL("files of group %lld not consecutive", (long long)cur);
        }
        e->offset = pos;
        if (e->size > UINT64_MAX - pos) FAIL("bad size of %s", e->name);
        pos += e->size;
        t->groups[cur].count++;
    }
    if (cur + 1 != (int64_t)t->n_groups ||
        (cur >= 0 && pos != t->groups[cur].raw))
        FAIL("groups and files disagree");
    for (size_t k = 0; k < t->n_groups; k++) {
        arc_group *g = &t->groups[k];
        if (g->offset != next_off || g->csize > data_end - g->offset ||
            g->offset > data_end)
            FAIL("group %zu outside the archive data", k);
        next_off = g->offset + g->csize;
        uint32_t depth = 0;
        for (uint32_t j = 0; j < g->n_deps; j++) {
            uint32_t d = g->deps[j];
            if (d >= g->first || t->entries[d].type != ARC_FILE ||
                t->entries[d].group < 0)
                FAIL("group %zu depends on a later or empty entry", k);
            uint32_t dd = t->groups[t->entries[d].group].depth + 1;
            if (dd > depth) depth = dd;
        }
        if (depth != g->depth) FAIL("group %zu has a wrong depth", k);
    }
    if (next_off != data_end) FAIL("data between groups and TOC");
    return MDLZ_OK;
}

mdlz_status arc_toc_parse(const uint8_t *src, size_t n, uint64_t data_start,
                          uint64_t data_end, arc_toc *t, char *err,
                          size_t errlen) {
    memset(t, 0, sizeof *t);
    if (errlen) err[0] = 0;
    rbuf r = {src, src + n, 0};
    const uint8_t *v = get_bytes(&r, 1);
    if (!v) FAIL("empty table of contents");
    if (*v != ARC_TOC_VERSION) {
        snprintf(err, errlen, "table of contents version %u not supported",
                 (unsigned)*v);
        return MDLZ_ERROR_VERSION;
    }
    mdlz_status st = parse_groups(&r, t, err, errlen);
    if (st == MDLZ_OK) st = parse_entries(&r, t, err, errlen);
    if (st != MDLZ_OK) {
        if (!err[0])
            snprintf(err, errlen, "%s",
                     st == MDLZ_ERROR_NOMEM ? "out of memory"
                                            : "table of contents is damaged");
        arc_toc_free(t);
        return st;
    }
    if (r.p != r.end) FAIL("bytes after the table of contents");
    return link_groups(t, data_start, data_end, err, errlen);
}

int arc_toc_closure(const arc_toc *t, const uint8_t *want, uint32_t root,
                    uint32_t *need, uint32_t *refs) {
    /* Each group pushes its dependencies once, on its first visit. */
    uint32_t *stack =
        malloc((t->n_entries + 1 + arc_toc_deps(t)) * sizeof *stack);
    if (!stack) return -1;
    size_t sp = 0;
    for (uint32_t i = want ? 0 : root; i < (want ? t->n_entries : root + 1);
         i++)
        if ((!want || want[i]) && t->entries[i].group >= 0) stack[sp++] = i;
    while (sp) {
        uint32_t x = stack[--sp];
        int64_t g = t->entries[x].group;
        if (need[g] >= x + 1) continue;
        if (need[g] == 0) /* first visit: its prefix, and what it needs */
            for (uint32_t j = 0; j < t->groups[g].n_deps; j++) {
                uint32_t d = t->groups[g].deps[j];
                if (refs) refs[d]++;
                stack[sp++] = d;
            }
        need[g] = x + 1;
    }
    free(stack);
    return 0;
}

uint64_t arc_closure_cost(const arc_toc *t, uint32_t i, uint32_t *docs) {
    *docs = 0;
    uint32_t *need = calloc(t->n_groups + 1, sizeof *need);
    if (!need || arc_toc_closure(t, NULL, i, need, NULL) != 0) {
        free(need);
        return UINT64_MAX;
    }
    uint64_t cost = 0;
    for (size_t g = 0; g < t->n_groups; g++) {
        if (!need[g]) continue;
        const arc_entry *last = &t->entries[need[g] - 1];
        cost += last->offset + last->size;
        *docs += need[g] - t->groups[g].first;
        for (uint32_t j = 0; j < t->groups[g].n_deps; j++)
            cost += t->entries[t->groups[g].deps[j]].size;
    }
    free(need);
    return cost;
}

uint64_t arc_total_cost(const arc_toc *t) {
    uint64_t cost = 0;
    for (size_t g = 0; g < t->n_groups; g++) {
        cost += t->groups[g].raw;
        for (uint32_t j = 0; j < t->groups[g].n_deps; j++)
            cost += t->entries[t->groups[g].deps[j]].size;
    }
    return cost;
}

size_t arc_toc_deps(const arc_toc *t) {
    size_t n = 0;
    for (size_t g = 0; g < t->n_groups; g++) n += t->groups[g].n_deps;
    return n;
}

uint8_t *arc_concat(const arc_toc *t, uint8_t *const *texts,
                    const uint32_t *list, uint32_t first, uint32_t n,
                    size_t *len, uint32_t *missing) {
    *len = 0;
    *missing = UINT32_MAX;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = list ? list[k] : first + k;
        if (!texts[i]) {
            *missing = i;
            return NULL;
        }
        *len += t->entries[i].size;
    }
    uint8_t *out = malloc(*len ? *len : 1);
    size_t pos = 0;
    for (uint32_t k = 0; out && k < n; k++) {
        uint32_t i = list ? list[k] : first + k;
        memcpy(out + pos, texts[i], t->entries[i].size);
        pos += t->entries[i].size;
    }
    return out;
}

void arc_entry_public(const arc_toc *t, uint32_t i, mdlz_archive_entry *out) {
    const arc_entry *e = &t->entries[i];
    memset(out, 0, sizeof *out);
    out->name = e->name;
    out->index = i;
    out->type = e->type;
    out->mode = e->mode;
    out->mtime = e->mtime;
    out->size = e->size;
    out->csize = e->csize;
    out->group = e->group;
}

uint64_t arc_toc_select(const arc_toc *t, const char *name, uint8_t *sel) {
    size_t n = strlen(name);
    while (n > 1 && name[n - 1] == '/') n--;
    uint64_t hits = 0;
    for (size_t i = 0; i < t->n_entries; i++) {
        const char *e = t->entries[i].name;
        if (!strncmp(e, name, n) && (e[n] == 0 || e[n] == '/')) {
            sel[i] = 1;
            hits++;
        }
    }
    return hits;
}
