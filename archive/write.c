/*
 * write.c - creating an archive and adding files to one
 * (mdlz_archive_create, mdlz_archive_add).
 *
 * The plan (plan.h) fixes every new group and its prefix from the files
 * alone; output.c codes the groups and writes them, in order, to a
 * temporary file beside the archive, synced and renamed when complete.
 * `add` copies the existing groups unchanged into it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive.h"
#include "common.h"
#include "write.h"

void mdlz_archive_write_opts_init(arc_write_opts *o) {
    memset(o, 0, sizeof *o);
    o->group_size = ARC_GROUP_DEFAULT;
    o->depth = ARC_DEPTH_DEFAULT;
    o->fan_in = ARC_FANIN_DEFAULT;
    o->prime_pct = ARC_PRIME_DEFAULT;
}

static int cmp_entry_name(const void *a, const void *b) {
    return strcmp((*(const arc_entry *const *)a)->name,
                  (*(const arc_entry *const *)b)->name);
}

/* Index of the first of the n sorted entries whose name is >= key. */
static size_t lower_bound(const arc_entry *const *v, size_t n, const char *key,
                          size_t klen) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(v[mid]->name, key, klen);
        if (c < 0 || (c == 0 && strlen(v[mid]->name) < klen)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The entry of the sorted v named exactly key[0..klen), or NULL. */
static const arc_entry *find_name(const arc_entry *const *v, size_t n,
                                  const char *key, size_t klen) {
    size_t i = lower_bound(v, n, key, klen);
    return i < n && strlen(v[i]->name) == klen && !memcmp(v[i]->name, key, klen)
               ? v[i]
               : NULL;
}

/* Checks the new inputs against the stored entries (names sorted once,
 * then binary searches): a name already stored is refused, unless both are
 * directories (then the new one is dropped: the directory is there); so
 * is a new name under a stored file, or a new file where the archive has
 * a directory. Returns 0, or -1 with a message. */
static int merge_names(arc_inputs *in, const arc_toc *t, char *err,
                       size_t errlen) {
    const arc_entry **v = malloc((t->n_entries + 1) * sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < t->n_entries; i++) v[i] = &t->entries[i];
    qsort(v, t->n_entries, sizeof *v, cmp_entry_name);
    size_t n = t->n_entries, w = 0;
    int rc = 0;
    for (size_t k = 0; k < in->n; k++) {
        const arc_input *x = &in->v[k];
        if (rc != 0) { /* after an error: only compact, to free them all */
            in->v[w++] = in->v[k];
            continue;
        }
        size_t len = strlen(x->name);
        const arc_entry *same = find_name(v, n, x->name, len), *clash = NULL;
        for (size_t j = 0; j < len && !clash; j++) /* a stored file above */
            if (x->name[j] == '/') {
                const arc_entry *up = find_name(v, n, x->name, j);
                if (up && up->type == ARC_FILE) clash = up;
            }
        if (!clash && x->type == ARC_FILE) { /* stored names below it */
            char *key = malloc(len + 2);
            if (key) {
                memcpy(key, x->name, len);
                key[len] = '/';
                size_t i = lower_bound(v, n, key, len + 1);
                if (i < n && !strncmp(v[i]->name, key, len + 1)) clash = v[i];
            }
            free(key);
        }
        if (same && !(same->type == ARC_DIR && x->type == ARC_DIR)) {
            snprintf(err, errlen, "%s: already in the archive", x->name);
            rc = -1;
        } else if (clash) {
            snprintf(err, errlen,
                     "%s: clashes with %s in the archive (a file cannot "
                     "also be a directory)",
                     x->name, clash->name);
            rc = -1;
        }
        if (same && rc == 0) {
            free(in->v[k].name);
            free(in->v[k].path);
        } else {
            in->v[w++] = in->v[k];
        }
    }
    in->n = w;
    free(v);
    return rc;
}

/* The common part of create and add: walk, plan, code, write, rename. */
static mdlz_status build(const char *archive, arc_reader *old,
                         const char *const *paths, int n,
                         const arc_write_opts *o, char *err, size_t errlen) {
    arc_toc toc = {0};
    arc_inputs in = {0};
    arc_plan p = {&toc, 0, 0, NULL, NULL, 0};
    arc_out w;
    struct stat ts;
    mdlz_status st = arc_out_open(&w, archive, o->cleanup, err, errlen);
    if (st != MDLZ_OK) return st;
    st = MDLZ_ERROR_GENERIC;
    if (fstat(w.fd, &ts) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        goto out;
    }
    /* Never store the archive itself (replaced or added to) nor its
     * temporary file, when they lie in the tree being stored. */
    arc_skip skip[2] = {{ts.st_dev, ts.st_ino}, {0, 0}};
    struct stat as;
    int n_skip = 1;
    if (stat(archive, &as) == 0)
        skip[n_skip++] = (arc_skip){as.st_dev, as.st_ino};
    if (arc_walk(paths, n, skip, n_skip, o->warn, o->user, &in, err, errlen) !=
        0)
        goto out;
    const arc_toc *ot = old ? arc_reader_toc(old) : NULL;
    size_t n_old = ot ? ot->n_entries : 0, total = n_old + in.n + 1;
    p.src = calloc(total, sizeof *p.src);
    p.texts = calloc(total, sizeof *p.texts);
    if (!p.src || !p.texts) goto nomem;
    if (old) {
        if (merge_names(&in, ot, err, errlen) != 0) goto out;
        for (size_t i = 0; i < ot->n_entries; i++)
            if (arc_toc_add_entry(&toc, &ot->entries[i]) != 0) goto nomem;
        for (size_t g = 0; g < ot->n_groups; g++)
            if (arc_toc_add_group(&toc, &ot->groups[g]) != 0) goto nomem;
        /* The files new groups may retrieve from, decoded. */
        uint8_t *sel = calloc(n_old + 1, 1);
        if (!sel) goto nomem;
        for (size_t i = 0; i < n_old && o->depth > 0; i++)
            sel[i] = toc.entries[i].group >= 0 &&
                     (int)toc.groups[toc.entries[i].group].depth < o->depth;
        mdlz_archive_extract_opts lo;
        mdlz_archive_extract_opts_init(&lo);
        lo.threads = o->threads;
        lo.cleanup = o->cleanup;
        st = arc_load(old, sel, p.texts, &lo, err, errlen);
        free(sel);
        if (st != MDLZ_OK) goto out;
    }
    st = arc_plan_make(&p, &in, o, err, errlen);
    arc_sources src = {NULL, old ? arc_reader_fd(old) : -1, NULL, NULL, 0, 1};
    uint64_t pos = ARC_HEADER_SIZE;
    if (st == MDLZ_OK)
        st = arc_write_groups(&p, &src, o, &w, &pos, err, errlen);
    if (st == MDLZ_OK) st = arc_write_toc(&toc, o->level, &w, pos, err, errlen);
    if (st == MDLZ_OK) st = arc_out_commit(&w, old || o->force, err, errlen);
    goto out;
nomem:
    st = MDLZ_ERROR_NOMEM;
    snprintf(err, errlen, "out of memory");
out:
    arc_out_close(&w);
    for (size_t i = 0; p.texts && i < toc.n_entries; i++) free(p.texts[i]);
    free(p.texts);
    free(p.src);
    arc_toc_free(&toc);
    arc_inputs_free(&in);
    return st;
}

/* The options of a write call: MDLZ_OK, or MDLZ_ERROR_PARAM. */
static mdlz_status check_opts(const arc_write_opts *o, char *err,
                              size_t errlen) {
    if (errlen) err[0] = 0;
    if (arc_reserved_zero(o->reserved,
                          sizeof o->reserved / sizeof o->reserved[0], err,
                          errlen) != 0)
        return MDLZ_ERROR_PARAM;
    if (o->level < 0 || o->level > MDLZ_LEVEL_MAX || o->fan_in < 0 ||
        o->fan_in > ARC_DEPS_MAX || o->depth < 0 || o->prime_pct < 0 ||
        o->group_size == 0) {
        snprintf(err, errlen, "bad archive options");
        return MDLZ_ERROR_PARAM;
    }
    return MDLZ_OK;
}

mdlz_status mdlz_archive_create(const char *archive, const char *const *paths,
                                int n, const arc_write_opts *o, char *err,
                                size_t errlen) {
    MDLZ_FORWARD(check_opts(o, err, errlen));
    struct stat st;
    if (!o->force && lstat(archive, &st) == 0) {
        snprintf(err, errlen, "exists (use -f to overwrite)");
        return MDLZ_ERROR_GENERIC;
    }
    return build(archive, NULL, paths, n, o, err, errlen);
}

mdlz_status mdlz_archive_add(const char *archive, const char *const *paths,
                             int n, const arc_write_opts *o, char *err,
                             size_t errlen) {
    MDLZ_FORWARD(check_opts(o, err, errlen));
    arc_reader *r;
    mdlz_status st = mdlz_archive_open(&r, archive, err, errlen);
    if (st != MDLZ_OK) return st;
    if (mdlz_archive_damage(r)) {
        snprintf(err, errlen, "%s: extract its files instead of adding to it",
                 mdlz_archive_damage(r));
        st = MDLZ_ERROR_CORRUPT;
    } else {
        st = build(archive, r, paths, n, o, err, errlen);
    }
    mdlz_archive_close(r);
    return st;
}
