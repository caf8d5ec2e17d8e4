/*
 * write.c - `archive create` and `archive add`.
 *
 * The plan (plan.h) fixes every group and its prefix from the files
 * alone, so the groups are then coded independently by a few workers and
 * written in order: the archive is byte-identical for any thread count.
 * Output goes to a temporary file beside the archive, synced and renamed
 * when complete; `add` copies the existing groups unchanged into it.
 */
#define _GNU_SOURCE /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "archive.h"
#include "common.h"
#include "fsout.h"
#include "plan.h"

void arc_write_opts_init(arc_write_opts *o) {
    memset(o, 0, sizeof *o);
    o->group_size = ARC_GROUP_DEFAULT;
    o->depth = ARC_DEPTH_DEFAULT;
    o->fan_in = ARC_FANIN_DEFAULT;
    o->prime_pct = ARC_PRIME_DEFAULT;
}

/* One coded group, waiting to be written. */
typedef struct {
    uint8_t *out;
    size_t len, cap;
    uint64_t *ends; /* output position at each file's end (trace) */
    mdlz_status st;
    char msg[320];
    int done;
} coded;

typedef struct {
    arc_plan *p;
    const arc_write_opts *o;
    coded *c;       /* per new group */
    size_t n, next; /* groups; next to take */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} coder_job;

/* Trace: the output size after each traced input position, so that each
 * file's compressed size is the output growth while it was coded. */
typedef struct {
    const arc_toc *t;
    const arc_group *g;
    uint64_t *ends;
    uint32_t cur; /* file of the group being coded */
} tracer;

static void on_trace(void *user, uint64_t in, uint64_t out) {
    tracer *tr = user;
    while (tr->cur < tr->g->count) {
        const arc_entry *e = &tr->t->entries[tr->g->first + tr->cur];
        if (in < e->offset + e->size) break;
        tr->ends[tr->cur++] = out;
    }
}

static int append(coded *c, const void *src, size_t n) {
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 65536;
        while (cap < c->len + n) cap *= 2;
        uint8_t *q = realloc(c->out, cap);
        if (!q) return -1;
        c->out = q;
        c->cap = cap;
    }
    memcpy(c->out + c->len, src, n);
    c->len += n;
    return 0;
}

/* The group's text (NULL for a group of one file: its content is the
 * text) and prefix: kept contents, else read from the file (then its size
 * and hash are those of the bytes read). */
static mdlz_status gather(arc_plan *p, arc_group *g, uint8_t **text,
                          uint8_t **prefix, size_t *plen, char *msg,
                          size_t msglen) {
    arc_toc *t = p->toc;
    uint64_t raw = 0;
    for (uint32_t i = g->first; i < g->first + g->count; i++) {
        arc_entry *e = &t->entries[i];
        if (!p->texts[i]) {
            size_t len;
            if (arc_read_file(p->src[i]->path, &p->texts[i], &len) != 0) {
                snprintf(msg, msglen, "%s: %s", p->src[i]->path,
                         strerror(errno));
                return MDLZ_ERROR_GENERIC;
            }
            e->size = len;
        }
        e->offset = raw;
        raw += e->size;
        e->hash32 = (uint32_t)XXH3_64bits(p->texts[i], e->size);
    }
    g->raw = raw;
    /* A group of one file (a large file) is coded from its content as
     * read: no second copy. */
    uint32_t missing;
    size_t len;
    if (g->count > 1 && !(*text = arc_concat(t, p->texts, NULL, g->first,
                                             g->count, &len, &missing)))
        return MDLZ_ERROR_NOMEM;
    /* Dependencies are candidates: their texts are kept (plan.c). */
    *prefix = arc_concat(t, p->texts, g->deps, 0, g->n_deps, plen, &missing);
    return *prefix ? MDLZ_OK : MDLZ_ERROR_NOMEM;
}

/* Codes group k of the job (p->first_group + k). */
static void code_group(coder_job *j, size_t k) {
    arc_plan *p = j->p;
    arc_group *g = &p->toc->groups[p->first_group + k];
    coded *c = &j->c[k];
    uint8_t *text = NULL, *prefix = NULL;
    size_t plen = 0;
    mdlz_cctx *cc = NULL;
    c->ends = calloc(g->count, sizeof *c->ends);
    c->st = c->ends ? gather(p, g, &text, &prefix, &plen, c->msg, sizeof c->msg)
                    : MDLZ_ERROR_NOMEM;
    mdlz_params prm;
    mdlz_params_init(&prm);
    prm.level = j->o->level;
    prm.src_size = g->raw;
    tracer tr = {p->toc, g, c->ends, 0};
    if (c->st == MDLZ_OK) c->st = mdlz_cctx_create(&cc, &prm);
    if (c->st == MDLZ_OK && plen)
        c->st = mdlz_cctx_ref_prefix(cc, prefix, plen);
    if (c->st == MDLZ_OK) c->st = mdlz_cctx_set_trace(cc, 256, on_trace, &tr);
    mdlz_inbuf in = {text ? text : p->texts[g->first], g->raw, 0};
    int done = 0;
    while (c->st == MDLZ_OK && !done) {
        uint8_t buf[65536];
        mdlz_outbuf out = {buf, sizeof buf, 0};
        c->st = mdlz_compress_stream(cc, &out, &in, 1, &done);
        if (c->st == MDLZ_OK && append(c, buf, out.pos) != 0)
            c->st = MDLZ_ERROR_NOMEM;
    }
    if (c->st == MDLZ_OK) on_trace(&tr, g->raw, c->len);
    if (c->st != MDLZ_OK && !c->msg[0])
        snprintf(c->msg, sizeof c->msg, "%s", mdlz_strerror(c->st));
    mdlz_cctx_free(cc);
    free(text);
    free(prefix);
    /* Contents later groups may retrieve stay; the others are done with. */
    if ((int)g->depth >= j->o->depth)
        for (uint32_t i = g->first; i < g->first + g->count; i++) {
            free(p->texts[i]);
            p->texts[i] = NULL;
        }
}

static void *coder(void *arg) {
    coder_job *j = arg;
    pthread_mutex_lock(&j->mu);
    while (j->next < j->n) {
        size_t k = j->next++;
        pthread_mutex_unlock(&j->mu);
        code_group(j, k);
        pthread_mutex_lock(&j->mu);
        j->c[k].done = 1;
        pthread_cond_broadcast(&j->cv);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* Codes the new groups and appends them to fd at *pos, in order. */
static mdlz_status code_groups(arc_plan *p, const arc_write_opts *o, int fd,
                               uint64_t *pos, char *err, size_t errlen) {
    coder_job j = {p,
                   o,
                   NULL,
                   p->toc->n_groups - p->first_group,
                   0,
                   PTHREAD_MUTEX_INITIALIZER,
                   PTHREAD_COND_INITIALIZER};
    j.c = calloc(j.n + 1, sizeof *j.c);
    if (!j.c) return MDLZ_ERROR_NOMEM;
    int n = arc_threads(o->threads);
    pthread_t tid[64];
    int started = 0;
    for (int i = 0; i < n && (size_t)i < j.n; i++)
        if (pthread_create(&tid[started], NULL, coder, &j) == 0) started++;
    if (!started) coder(&j);
    mdlz_status st = MDLZ_OK;
    for (size_t k = 0; k < j.n; k++) {
        pthread_mutex_lock(&j.mu);
        while (!j.c[k].done) pthread_cond_wait(&j.cv, &j.mu);
        pthread_mutex_unlock(&j.mu);
        coded *c = &j.c[k];
        arc_group *g = &p->toc->groups[p->first_group + k];
        if (st == MDLZ_OK && c->st != MDLZ_OK) {
            st = c->st;
            snprintf(err, errlen, "%s", c->msg);
        }
        if (st == MDLZ_OK && fs_write_all(fd, c->out, c->len) != 0) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(err, errlen, "write: %s", strerror(errno));
        }
        if (st == MDLZ_OK) {
            g->offset = *pos;
            g->csize = c->len;
            *pos += c->len;
            for (uint32_t i = 0; i < g->count; i++) {
                arc_entry *e = &p->toc->entries[g->first + i];
                uint64_t a = i ? c->ends[i - 1] : 0;
                e->csize = c->ends[i] > a ? c->ends[i] - a : 0;
                if (o->report) o->report(o->user, e);
            }
        }
        free(c->out);
        free(c->ends);
        c->out = NULL;
        c->ends = NULL;
    }
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    free(j.c);
    return st;
}

/* Writes the TOC frame and the trailer at *pos. */
static mdlz_status write_toc(const arc_toc *t, int level, int fd, uint64_t pos,
                             char *err, size_t errlen) {
    uint8_t *body, *frame;
    size_t blen, flen;
    if (arc_toc_write(t, &body, &blen) != 0) return MDLZ_ERROR_NOMEM;
    size_t cap = (size_t)mdlz_compress_bound(blen);
    frame = malloc(cap);
    mdlz_status st = frame ? mdlz_compress(frame, cap, &flen, body, blen, level)
                           : MDLZ_ERROR_NOMEM;
    free(body);
    if (st == MDLZ_OK) {
        uint8_t tr[ARC_TRAILER_SIZE];
        wr_le64(tr, pos);
        wr_le64(tr + 8, flen);
        wr_le32(tr + 16, XXH32(tr, 16, 0));
        memcpy(tr + 20, ARC_TRAILER_MAGIC, 4);
        if (fs_write_all(fd, frame, flen) != 0 ||
            fs_write_all(fd, tr, sizeof tr)) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(err, errlen, "write: %s", strerror(errno));
        }
    } else {
        snprintf(err, errlen, "table of contents: %s", mdlz_strerror(st));
    }
    free(frame);
    return st;
}

/* A temporary file beside `archive`; *tmp gets its malloc'd name. */
static int open_temp(const char *archive, char **tmp) {
    size_t n = strlen(archive);
    *tmp = malloc(n + 16);
    if (!*tmp) return -1;
    for (int i = 0; i < 100; i++) {
        snprintf(*tmp, n + 16, "%s.%d.tmp", archive, i);
        int fd = open(*tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

static void header(uint8_t h[ARC_HEADER_SIZE]) {
    memset(h, 0, ARC_HEADER_SIZE);
    memcpy(h, ARC_MAGIC, 8);
    h[8] = ARC_VERSION;
    wr_le32(h + 12, XXH32(h, 12, 0));
}

/* Copies the existing groups [ARC_HEADER_SIZE, end) of `src`. */
static int copy_range(int src, int dst, uint64_t off, uint64_t end) {
    uint8_t buf[1 << 16];
    while (off < end) {
        size_t k = (size_t)MDLZ_MIN((uint64_t)sizeof buf, end - off);
        ssize_t r = pread(src, buf, k, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || fs_write_all(dst, buf, (size_t)r) != 0) return -1;
        off += (uint64_t)r;
    }
    return 0;
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
                         char *const *paths, int n, const arc_write_opts *o,
                         char *err, size_t errlen) {
    arc_toc toc = {0};
    arc_inputs in = {0};
    arc_plan p = {&toc, 0, 0, NULL, NULL, 0};
    char *tmp = NULL;
    struct stat ts;
    mdlz_status st = MDLZ_ERROR_GENERIC;
    int fd = open_temp(archive, &tmp);
    if (fd < 0 || fstat(fd, &ts) != 0) {
        snprintf(err, errlen, "cannot create a temporary file: %s",
                 strerror(errno));
        free(tmp);
        return MDLZ_ERROR_GENERIC;
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
    uint8_t hdr[ARC_HEADER_SIZE];
    header(hdr);
    uint64_t pos = ARC_HEADER_SIZE;
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
        st = arc_load(old, sel, p.texts, o->threads, err, errlen);
        free(sel);
        if (st != MDLZ_OK) goto out;
        st = MDLZ_ERROR_GENERIC;
        pos = ot->n_groups ? ot->groups[ot->n_groups - 1].offset +
                                 ot->groups[ot->n_groups - 1].csize
                           : ARC_HEADER_SIZE;
    }
    if (fs_write_all(fd, hdr, sizeof hdr) != 0 ||
        (old &&
         copy_range(arc_reader_fd(old), fd, ARC_HEADER_SIZE, pos) != 0)) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    st = arc_plan_make(&p, &in, o, err, errlen);
    if (st == MDLZ_OK) st = code_groups(&p, o, fd, &pos, err, errlen);
    if (st == MDLZ_OK) st = write_toc(&toc, o->level, fd, pos, err, errlen);
    if (st == MDLZ_OK && (fsync(fd) != 0 || close(fd) != 0)) {
        fd = -1;
        st = MDLZ_ERROR_GENERIC;
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    } else if (st == MDLZ_OK) {
        fd = -1;
    }
    if (st == MDLZ_OK &&
        renameat2(AT_FDCWD, tmp, AT_FDCWD, archive,
                  old || o->force ? 0 : RENAME_NOREPLACE) != 0) {
        st = MDLZ_ERROR_GENERIC;
        snprintf(err, errlen, "%s",
                 errno == EEXIST ? "exists (use -f to overwrite)"
                                 : strerror(errno));
    }
    goto out;
nomem:
    st = MDLZ_ERROR_NOMEM;
    snprintf(err, errlen, "out of memory");
out:
    if (fd >= 0) close(fd);
    if (st != MDLZ_OK) unlink(tmp);
    for (size_t i = 0; p.texts && i < toc.n_entries; i++) free(p.texts[i]);
    free(p.texts);
    free(p.src);
    free(tmp);
    arc_toc_free(&toc);
    arc_inputs_free(&in);
    return st;
}

mdlz_status arc_create(const char *archive, char *const *paths, int n,
                       const arc_write_opts *o, char *err, size_t errlen) {
    struct stat st;
    if (!o->force && lstat(archive, &st) == 0) {
        snprintf(err, errlen, "exists (use -f to overwrite)");
        return MDLZ_ERROR_GENERIC;
    }
    return build(archive, NULL, paths, n, o, err, errlen);
}

mdlz_status arc_add(const char *archive, char *const *paths, int n,
                    const arc_write_opts *o, char *err, size_t errlen) {
    arc_reader *r;
    mdlz_status st = arc_open(&r, archive, err, errlen);
    if (st != MDLZ_OK) return st;
    st = build(archive, r, paths, n, o, err, errlen);
    arc_close(r);
    return st;
}
