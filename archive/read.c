/*
 * read.c - opening an archive, and scheduling what a request decodes.
 *
 * A request (extract, test, load) marks the files it wants; the closure
 * adds, for each group needed, the files its prefix is made of, and so on
 * down the dependencies (toc.h). Groups are decoded in archive order by a
 * few workers; a group waits until the groups holding its dependencies are
 * done. Each group is decoded only up to the last file needed. A file is
 * checked against its size and hash; a damaged group fails the files that
 * need it and nothing else. Decoding one group: group.c.
 */
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
#include "request.h"

const arc_toc *arc_reader_toc(const arc_reader *r) { return &r->toc; }
uint64_t arc_reader_size(const arc_reader *r) { return r->size; }
int arc_reader_fd(const arc_reader *r) { return r->fd; }

int arc_threads(int threads) {
    if (threads > 0) return threads > 64 ? 64 : threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

void arc_close(arc_reader *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    arc_toc_free(&r->toc);
    free(r);
}

int req_read_at(int fd, void *buf, size_t n, uint64_t off) {
    uint8_t *p = buf;
    while (n) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

/* Decodes a whole mdlz frame held in memory (the TOC). */
static mdlz_status decode_frame(const uint8_t *src, size_t n, uint8_t **out,
                                size_t *len) {
    mdlz_frame_info fi;
    MDLZ_FORWARD(mdlz_get_frame_info(&fi, src, n));
    if (fi.src_size == MDLZ_SIZE_UNKNOWN || fi.src_size > (1u << 30))
        return MDLZ_ERROR_CORRUPT;
    *out = malloc(fi.src_size ? fi.src_size : 1);
    if (!*out) return MDLZ_ERROR_NOMEM;
    mdlz_status st = mdlz_decompress(*out, fi.src_size, len, src, n, 0);
    if (st != MDLZ_OK || *len != fi.src_size) {
        free(*out);
        *out = NULL;
        return st != MDLZ_OK ? st : MDLZ_ERROR_CORRUPT;
    }
    return MDLZ_OK;
}

mdlz_status arc_open(arc_reader **out, const char *path, char *err,
                     size_t errlen) {
    *out = NULL;
    arc_reader *r = calloc(1, sizeof *r);
    if (!r) return MDLZ_ERROR_NOMEM;
    uint8_t hdr[ARC_HEADER_SIZE], tr[ARC_TRAILER_SIZE];
    struct stat st;
    mdlz_status s = MDLZ_ERROR_CORRUPT;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0 || fstat(r->fd, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        arc_close(r);
        return MDLZ_ERROR_GENERIC;
    }
    r->size = (uint64_t)st.st_size;
    if (r->size < ARC_HEADER_SIZE ||
        req_read_at(r->fd, hdr, sizeof hdr, 0) != 0 ||
        memcmp(hdr, ARC_MAGIC, 8) != 0) {
        snprintf(err, errlen, "not an mdlz archive");
        arc_close(r);
        return MDLZ_ERROR_NOT_MDLZ;
    }
    if (rd_le32(hdr + 12) != XXH32(hdr, 12, 0)) {
        snprintf(err, errlen, "archive header is damaged");
        arc_close(r);
        return MDLZ_ERROR_CORRUPT;
    }
    if (hdr[8] != ARC_VERSION || hdr[9] != 0) {
        snprintf(err, errlen, "archive version %u not supported", hdr[8]);
        arc_close(r);
        return MDLZ_ERROR_VERSION;
    }
    if (r->size < ARC_HEADER_SIZE + ARC_TRAILER_SIZE ||
        req_read_at(r->fd, tr, sizeof tr, r->size - sizeof tr) != 0 ||
        memcmp(tr + 20, ARC_TRAILER_MAGIC, 4) != 0 ||
        rd_le32(tr + 16) != XXH32(tr, 16, 0)) {
        snprintf(err, errlen, "archive is truncated or its end is damaged");
        arc_close(r);
        return MDLZ_ERROR_TRUNCATED;
    }
    uint64_t toc_off = rd_le64(tr), toc_len = rd_le64(tr + 8);
    uint64_t data_end = r->size - ARC_TRAILER_SIZE;
    if (toc_off < ARC_HEADER_SIZE || toc_len > data_end - toc_off ||
        toc_off + toc_len != data_end || toc_len > (1u << 30)) {
        snprintf(err, errlen, "archive trailer is damaged");
        arc_close(r);
        return MDLZ_ERROR_CORRUPT;
    }
    uint8_t *frame = malloc(toc_len ? toc_len : 1), *body = NULL;
    size_t blen = 0;
    if (!frame || req_read_at(r->fd, frame, toc_len, toc_off) != 0 ||
        (s = decode_frame(frame, toc_len, &body, &blen)) != MDLZ_OK) {
        snprintf(err, errlen, "table of contents is damaged (%s)",
                 mdlz_strerror(frame ? s : MDLZ_ERROR_NOMEM));
        free(frame);
        arc_close(r);
        return frame ? MDLZ_ERROR_CORRUPT : MDLZ_ERROR_NOMEM;
    }
    free(frame);
    s = arc_toc_parse(body, blen, ARC_HEADER_SIZE, toc_off, &r->toc, err,
                      errlen);
    free(body);
    if (s != MDLZ_OK) {
        arc_close(r);
        return s;
    }
    *out = r;
    return MDLZ_OK;
}

/* ---- a request: what to decode (request.h) ------------------------------ */

/* Records the outcome of a selected entry (under the lock). */
void req_deliver(request *q, uint32_t i, mdlz_status st, const char *msg) {
    if (!q->want[i]) return;
    q->want[i] = 0;
    if (st != MDLZ_OK && q->first_err == MDLZ_OK) q->first_err = st;
    if (q->o && q->o->report)
        q->o->report(q->o->user, req_entry(q, i), st, msg);
}

/* Frees kept texts no needed group still depends on (under the lock). */
static void release_deps(request *q, const arc_group *g) {
    for (uint32_t j = 0; j < g->n_deps; j++) {
        uint32_t d = g->deps[j];
        if (--q->refs[d] == 0 && !(q->load && q->select && q->select[d])) {
            free(q->texts[d]);
            q->texts[d] = NULL;
        }
    }
}

static int group_ready(const request *q, uint32_t g) {
    const arc_group *gr = &q->r->toc.groups[g];
    for (uint32_t j = 0; j < gr->n_deps; j++)
        if (q->gstate[req_entry(q, gr->deps[j])->group] != G_DONE) return 0;
    return 1;
}

static void *worker(void *arg) {
    request *q = arg;
    const arc_toc *t = &q->r->toc;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        int pending = 0;
        uint32_t pick = UINT32_MAX;
        for (uint32_t g = 0; g < t->n_groups && pick == UINT32_MAX; g++) {
            if (!q->need[g] || q->gstate[g] != G_IDLE) continue;
            pending = 1;
            if (group_ready(q, g)) pick = g;
        }
        if (pick == UINT32_MAX) {
            if (!pending) break;
            pthread_cond_wait(&q->cv, &q->mu);
            continue;
        }
        q->gstate[pick] = G_RUNNING;
        pthread_mutex_unlock(&q->mu);
        req_decode_group(q, pick);
        pthread_mutex_lock(&q->mu);
        q->gstate[pick] = G_DONE;
        release_deps(q, &t->groups[pick]);
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Empty files and directories: no decoding. Directories last, deepest
 * first, so their mtimes survive the files written into them. */
static void finish_entries(request *q) {
    const arc_toc *t = &q->r->toc;
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const arc_entry *e = req_entry(q, i);
        if (!q->want[i] || e->type != ARC_FILE || e->group >= 0) continue;
        mdlz_status st = MDLZ_OK;
        char msg[300] = "";
        if (q->load) {
            q->texts[i] = malloc(1);
            if (!q->texts[i]) st = MDLZ_ERROR_NOMEM;
        } else if (q->root_fd >= 0) {
            fs_file f;
            if (fs_file_open(&f, q->root_fd, e->name, i) != 0 ||
                fs_file_commit(&f, e->mode, e->mtime, q->o->force) != 0) {
                st = MDLZ_ERROR_GENERIC;
                snprintf(msg, sizeof msg, "%s",
                         errno == EEXIST ? "exists (use -f to overwrite)"
                                         : strerror(errno));
            }
        }
        req_deliver(q, i, st, st == MDLZ_OK ? NULL : msg);
    }
    for (uint32_t k = t->n_entries; k-- > 0;) {
        const arc_entry *e = req_entry(q, k);
        if (!q->want[k] || e->type != ARC_DIR) continue;
        mdlz_status st = MDLZ_OK;
        char msg[300] = "";
        if (q->root_fd >= 0 && fs_dir(q->root_fd, e->name, e->mode, e->mtime)) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(msg, sizeof msg, "%s", strerror(errno));
        }
        req_deliver(q, k, st, st == MDLZ_OK ? NULL : msg);
    }
}

static mdlz_status run_request(request *q, int threads) {
    const arc_toc *t = &q->r->toc;
    size_t ne = t->n_entries ? t->n_entries : 1,
           ng = t->n_groups ? t->n_groups : 1;
    q->texts = calloc(ne, sizeof *q->texts);
    q->want = calloc(ne, 1);
    q->refs = calloc(ne, sizeof *q->refs);
    q->need = calloc(ng, sizeof *q->need);
    q->gstate = calloc(ng, 1);
    mdlz_status st = MDLZ_ERROR_NOMEM;
    if (q->texts && q->want && q->refs && q->need && q->gstate) {
        for (size_t i = 0; i < t->n_entries; i++)
            q->want[i] = q->select ? q->select[i] != 0 : 1;
        if (arc_toc_closure(t, q->want, 0, q->need, q->refs) == 0) {
            pthread_mutex_init(&q->mu, NULL);
            pthread_cond_init(&q->cv, NULL);
            int n = arc_threads(threads);
            pthread_t tid[64];
            int started = 0;
            for (int i = 1; i < n; i++)
                if (pthread_create(&tid[started], NULL, worker, q) == 0)
                    started++;
            worker(q);
            for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
            finish_entries(q);
            pthread_cond_destroy(&q->cv);
            pthread_mutex_destroy(&q->mu);
            st = q->first_err;
        }
    }
    if (!q->load && q->texts)
        for (size_t i = 0; i < t->n_entries; i++) free(q->texts[i]);
    free(q->want);
    free(q->refs);
    free(q->need);
    free(q->gstate);
    return st;
}

mdlz_status arc_extract(arc_reader *r, const uint8_t *select,
                        const arc_extract_opts *o, char *err, size_t errlen) {
    request q = {.r = r, .select = select, .o = o, .root_fd = -1};
    if (o->dir) {
        q.root_fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (q.root_fd < 0 && errno == ENOENT && mkdir(o->dir, 0755) == 0)
            q.root_fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (q.root_fd < 0) {
            snprintf(err, errlen, "%s: %s", o->dir, strerror(errno));
            return MDLZ_ERROR_GENERIC;
        }
    }
    mdlz_status st = run_request(&q, o->threads);
    free(q.texts);
    if (q.root_fd >= 0) close(q.root_fd);
    if (st == MDLZ_ERROR_NOMEM) snprintf(err, errlen, "out of memory");
    return st;
}

mdlz_status arc_load(arc_reader *r, const uint8_t *select, uint8_t **texts,
                     int threads, char *err, size_t errlen) {
    arc_extract_opts o = {0};
    request q = {.r = r, .select = select, .o = &o, .root_fd = -1, .load = 1};
    mdlz_status st = run_request(&q, threads);
    const arc_toc *t = &r->toc;
    for (size_t i = 0; i < t->n_entries && q.texts; i++) {
        if (select && select[i]) {
            texts[i] = q.texts[i];
        } else {
            free(q.texts[i]);
            texts[i] = NULL;
        }
    }
    free(q.texts);
    if (st != MDLZ_OK)
        snprintf(err, errlen, "archive documents could not be decoded (%s)",
                 mdlz_strerror(st));
    return st;
}
