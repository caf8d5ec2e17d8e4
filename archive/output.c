/*
 * output.c - writing an archive file (write.h): the temporary file beside
 * the archive, the groups in order, the table of contents and trailer.
 *
 * The groups to code are coded independently by a few workers (the plan,
 * plan.h, fixed every group and its prefix beforehand) and written in
 * order with the copied ones: the archive is byte-identical for any
 * thread count.
 */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "common.h"
#include "fsout.h"
#include "write.h"

/* ---- the output file ---------------------------------------------------- */

static void header(uint8_t h[ARC_HEADER_SIZE]) {
    memset(h, 0, ARC_HEADER_SIZE);
    memcpy(h, ARC_MAGIC, 8);
    h[8] = ARC_VERSION;
    wr_le32(h + 12, XXH32(h, 12, 0));
}

mdlz_status arc_out_open(arc_out *w, const char *path,
                         mdlz_archive_cleanup *cleanup, char *err,
                         size_t errlen) {
    memset(w, 0, sizeof *w);
    w->fd = w->dir_fd = -1;
    w->cleanup = cleanup;
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    char *dir = malloc(dlen + 2);
    w->base = strdup(slash ? slash + 1 : path);
    if (!dir || !w->base) {
        free(dir);
        free(w->base);
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
    if (slash) {
        memcpy(dir, path, dlen);
        dir[dlen] = 0;
        if (!dlen) strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    int e = EISDIR;
    if (w->base[0]) {
        w->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (w->dir_fd < 0 && errno == EACCES) /* write-only directory */
            w->dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        e = errno;
    }
    free(dir);
    uint8_t h[ARC_HEADER_SIZE];
    header(h);
    if (w->dir_fd >= 0)
        w->fd = arc_tmp_open(cleanup, w->dir_fd, w->base, 0644, w->tmp);
    if (w->fd >= 0 && fs_write_all(w->fd, h, sizeof h) == 0) return MDLZ_OK;
    if (w->dir_fd >= 0) e = errno;
    snprintf(err, errlen, "cannot create a temporary file: %s",
             e == ECANCELED ? "interrupted" : strerror(e));
    arc_out_close(w);
    return MDLZ_ERROR_GENERIC;
}

mdlz_status arc_out_commit(arc_out *w, int replace, char *err, size_t errlen) {
    int r = fsync(w->fd);
    if (close(w->fd) != 0) r = -1;
    w->fd = -1;
    if (r == 0 &&
        arc_tmp_commit(w->cleanup, w->dir_fd, w->tmp, w->base, replace) == 0) {
        w->tmp[0] = 0;
        fsync(w->dir_fd); /* the rename itself, best effort */
        return MDLZ_OK;
    }
    snprintf(err, errlen, "%s",
             errno == EEXIST      ? "exists (use -f to overwrite)"
             : errno == ECANCELED ? "interrupted"
                                  : strerror(errno));
    return MDLZ_ERROR_GENERIC;
}

void arc_out_close(arc_out *w) {
    if (w->fd >= 0) close(w->fd);
    if (w->dir_fd >= 0 && w->tmp[0])
        arc_tmp_abort(w->cleanup, w->dir_fd, w->tmp);
    if (w->dir_fd >= 0) close(w->dir_fd);
    free(w->base);
    memset(w, 0, sizeof *w);
    w->fd = w->dir_fd = -1;
}

/* ---- coding groups ------------------------------------------------------ */

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
    const arc_sources *src;
    const arc_write_opts *o;
    uint32_t *todo; /* the groups to code */
    coded *c;       /* per group of todo */
    size_t n, next; /* groups; next to take */
    int stop;       /* the output failed: take no more */
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
            if (!p->src || !p->src[i]) {
                snprintf(msg, msglen, "%s: content missing", e->name);
                return MDLZ_ERROR_GENERIC;
            }
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

/* Codes group j->todo[k]. */
static void code_group(coder_job *j, size_t k) {
    arc_plan *p = j->p;
    uint32_t gi = j->todo[k];
    arc_group *g = &p->toc->groups[gi];
    coded *c = &j->c[k];
    uint8_t *text = NULL, *prefix = NULL;
    size_t plen = 0;
    mdlz_cctx *cc = NULL;
    c->ends = calloc(g->count, sizeof *c->ends);
    c->st = c->ends ? gather(p, g, &text, &prefix, &plen, c->msg, sizeof c->msg)
                    : MDLZ_ERROR_NOMEM;
    mdlz_params prm;
    mdlz_params_init(&prm);
    prm.level = j->src->level ? j->src->level[gi] : j->o->level;
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
        if (arc_tmp_cancelled(j->o->cleanup)) {
            c->st = MDLZ_ERROR_GENERIC;
            snprintf(c->msg, sizeof c->msg, "interrupted");
            break;
        }
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
    if (!j->src->keep_texts && (int)g->depth >= j->o->depth)
        for (uint32_t i = g->first; i < g->first + g->count; i++) {
            free(p->texts[i]);
            p->texts[i] = NULL;
        }
}

static void *coder(void *arg) {
    coder_job *j = arg;
    pthread_mutex_lock(&j->mu);
    while (j->next < j->n && !j->stop) {
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

/* Copies bytes [off, end) of src to dst. */
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

/* Writes coded group c as group g; sets its files' compressed sizes. */
static mdlz_status put_coded(coder_job *j, arc_group *g, coded *c, arc_out *w,
                             char *err, size_t errlen) {
    if (c->st != MDLZ_OK) {
        snprintf(err, errlen, "%s", c->msg);
        return c->st;
    }
    if (fs_write_all(w->fd, c->out, c->len) != 0) {
        snprintf(err, errlen, "write: %s", strerror(errno));
        return MDLZ_ERROR_GENERIC;
    }
    g->csize = c->len;
    for (uint32_t i = 0; i < g->count; i++) {
        arc_entry *e = &j->p->toc->entries[g->first + i];
        uint64_t a = i ? c->ends[i - 1] : 0;
        e->csize = c->ends[i] > a ? c->ends[i] - a : 0;
        if (j->src->report && j->o->report) {
            mdlz_archive_entry pub;
            arc_entry_public(j->p->toc, g->first + i, &pub);
            j->o->report(j->o->user, &pub);
        }
    }
    return MDLZ_OK;
}

mdlz_status arc_write_groups(arc_plan *p, const arc_sources *src,
                             const arc_write_opts *o, arc_out *w, uint64_t *pos,
                             char *err, size_t errlen) {
    arc_toc *t = p->toc;
    coder_job j = {p,
                   src,
                   o,
                   NULL,
                   NULL,
                   0,
                   0,
                   0,
                   PTHREAD_MUTEX_INITIALIZER,
                   PTHREAD_COND_INITIALIZER};
    j.todo = malloc((t->n_groups + 1) * sizeof *j.todo);
    j.c = calloc(t->n_groups + 1, sizeof *j.c);
    if (!j.todo || !j.c) {
        free(j.todo);
        free(j.c);
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
    for (uint32_t g = 0; g < t->n_groups; g++)
        if (src->code ? src->code[g] != 0 : g >= p->first_group)
            j.todo[j.n++] = g;
    int n = arc_threads(o->threads);
    pthread_t tid[64];
    int started = 0;
    for (int i = 0; i < n && (size_t)i < j.n; i++)
        if (pthread_create(&tid[started], NULL, coder, &j) == 0) started++;
    if (!started) coder(&j);
    mdlz_status st = MDLZ_OK;
    size_t k = 0;
    for (uint32_t g = 0; g < t->n_groups && st == MDLZ_OK; g++) {
        arc_group *gr = &t->groups[g];
        if (k < j.n && j.todo[k] == g) {
            pthread_mutex_lock(&j.mu);
            while (!j.c[k].done) pthread_cond_wait(&j.cv, &j.mu);
            pthread_mutex_unlock(&j.mu);
            st = put_coded(&j, gr, &j.c[k], w, err, errlen);
            free(j.c[k].out);
            j.c[k].out = NULL;
            k++;
        } else {
            uint64_t from = src->old_off ? src->old_off[g] : gr->offset;
            if (copy_range(src->old_fd, w->fd, from, from + gr->csize) != 0) {
                snprintf(err, errlen, "copying group %u: %s", g,
                         strerror(errno));
                st = MDLZ_ERROR_GENERIC;
            }
        }
        gr->offset = *pos;
        *pos += gr->csize;
        if (st == MDLZ_OK && arc_tmp_cancelled(o->cleanup)) {
            snprintf(err, errlen, "interrupted");
            st = MDLZ_ERROR_GENERIC;
        }
    }
    pthread_mutex_lock(&j.mu);
    j.stop = 1; /* after an error: the workers take no more groups */
    pthread_mutex_unlock(&j.mu);
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    for (size_t i = 0; i < j.n; i++) {
        free(j.c[i].out);
        free(j.c[i].ends);
    }
    free(j.c);
    free(j.todo);
    return st;
}

mdlz_status arc_write_toc(const arc_toc *t, int level, arc_out *w, uint64_t pos,
                          char *err, size_t errlen) {
    uint8_t *body, *frame;
    size_t blen, flen;
    if (arc_toc_write(t, &body, &blen) != 0) {
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
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
        if (fs_write_all(w->fd, frame, flen) != 0 ||
            fs_write_all(w->fd, tr, sizeof tr)) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(err, errlen, "write: %s", strerror(errno));
        }
    } else {
        snprintf(err, errlen, "table of contents: %s", mdlz_strerror(st));
    }
    free(frame);
    return st;
}
