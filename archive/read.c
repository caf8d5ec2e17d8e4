/*
 * read.c - extracting, testing and loading: what a request decodes, and in
 * which order.
 *
 * A request (extract, test, load) marks the files it wants; the closure
 * adds, for each group needed, the files its prefix is made of, and so on
 * down the dependencies (toc.h). Groups are decoded in archive order by a
 * few workers; a group waits until the groups holding its dependencies are
 * done. Each group is decoded only up to the last file needed. A file is
 * checked against its size and hash; a damaged group fails the files that
 * need it and nothing else. Decoding one group: group.c.
 *
 * With a write callback (mdlz_archive_extract_opts.write), the selected
 * files' bytes must come out in archive order while groups are decoded in
 * parallel: a worker about to write a file waits for its turn (the files
 * before it done). Workers always take the first ready group, and groups
 * depend only on earlier ones, so the group holding the turn is always
 * running or next to run: the wait ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "common.h"
#include "fsout.h"
#include "request.h"

int arc_threads(int threads) {
    if (threads > 0) return threads > 64 ? 64 : threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* ---- a request: what to decode (request.h) ------------------------------ */

/* Passes the turn to write to the next selected file still to come. */
static void advance_turn(request *q) {
    const arc_toc *t = &q->r->toc;
    while (q->next_out < t->n_entries &&
           !(q->want[q->next_out] && t->entries[q->next_out].group >= 0))
        q->next_out++;
}

/* Records the outcome of a selected entry (under the lock). */
void req_deliver(request *q, uint32_t i, mdlz_status st, const char *msg) {
    if (!q->want[i]) return;
    q->want[i] = 0;
    if (st != MDLZ_OK && q->first_err == MDLZ_OK) q->first_err = st;
    if (q->o->report) {
        mdlz_archive_entry e;
        arc_entry_public(&q->r->toc, i, &e);
        q->o->report(q->o->user, &e, st, msg);
    }
    if (q->o->write && i == q->next_out) {
        advance_turn(q);
        pthread_cond_broadcast(&q->cv);
    }
}

const char *req_stopped(request *q) {
    if (!q->stop && arc_tmp_cancelled(q->o->cleanup)) q->stop = "interrupted";
    return q->stop;
}

int req_wait_turn(request *q, uint32_t i) {
    while (q->next_out != i && !req_stopped(q))
        pthread_cond_wait(&q->cv, &q->mu);
    return q->next_out == i && !q->stop ? 0 : -1;
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
        if (req_stopped(q)) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(msg, sizeof msg, "%s", q->stop);
        } else if (q->load) {
            q->texts[i] = malloc(1);
            if (!q->texts[i]) st = MDLZ_ERROR_NOMEM;
        } else if (q->root_fd >= 0) {
            fs_file f;
            if (fs_file_open(&f, q->root_fd, e->name, q->o->cleanup) != 0 ||
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
        if (req_stopped(q)) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(msg, sizeof msg, "%s", q->stop);
        } else if (q->root_fd >= 0 &&
                   fs_dir(q->root_fd, e->name, e->mode, e->mtime)) {
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
        advance_turn(q);
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

/* The options of a request: o, or the defaults for NULL; MDLZ_OK, or
 * MDLZ_ERROR_PARAM with a message for a reserved field not zero. */
static mdlz_status request_opts(const arc_extract_opts *o,
                                arc_extract_opts *out, char *err,
                                size_t errlen) {
    if (errlen) err[0] = 0;
    if (!o) {
        mdlz_archive_extract_opts_init(out);
        return MDLZ_OK;
    }
    *out = *o;
    return arc_reserved_zero(o->reserved,
                             sizeof o->reserved / sizeof o->reserved[0], err,
                             errlen) == 0
               ? MDLZ_OK
               : MDLZ_ERROR_PARAM;
}

void mdlz_archive_extract_opts_init(mdlz_archive_extract_opts *o) {
    memset(o, 0, sizeof *o);
}

mdlz_status mdlz_archive_extract(arc_reader *r, const uint8_t *select,
                                 const arc_extract_opts *opts, char *err,
                                 size_t errlen) {
    arc_extract_opts o;
    MDLZ_FORWARD(request_opts(opts, &o, err, errlen));
    request q = {.r = r, .select = select, .o = &o, .root_fd = -1};
    if (o.dir) {
        q.root_fd = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (q.root_fd < 0 && errno == ENOENT && mkdir(o.dir, 0755) == 0)
            q.root_fd = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (q.root_fd < 0) {
            snprintf(err, errlen, "%s: %s", o.dir, strerror(errno));
            return MDLZ_ERROR_GENERIC;
        }
    }
    mdlz_status st = run_request(&q, o.threads);
    free(q.texts);
    if (q.root_fd >= 0) close(q.root_fd);
    if (st == MDLZ_ERROR_NOMEM) snprintf(err, errlen, "out of memory");
    else if (st != MDLZ_OK && q.stop) snprintf(err, errlen, "%s", q.stop);
    return st;
}

mdlz_status mdlz_archive_test(arc_reader *r, const uint8_t *select,
                              const arc_extract_opts *opts, char *err,
                              size_t errlen) {
    arc_extract_opts o;
    MDLZ_FORWARD(request_opts(opts, &o, err, errlen));
    o.dir = NULL;
    o.write = NULL;
    return mdlz_archive_extract(r, select, &o, err, errlen);
}

/* mdlz_archive_read: the member's bytes, appended as they come. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    mdlz_status st;
    char msg[320];
} membuf;

static int membuf_write(void *user, const mdlz_archive_entry *e,
                        const void *data, size_t n) {
    membuf *m = user;
    (void)e;
    if (m->n + n > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->n + n) cap *= 2;
        uint8_t *p = realloc(m->p, cap);
        if (!p) return -1;
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->n, data, n);
    m->n += n;
    return 0;
}

static void membuf_report(void *user, const mdlz_archive_entry *e,
                          mdlz_status st, const char *msg) {
    membuf *m = user;
    (void)e;
    m->st = st;
    if (msg) snprintf(m->msg, sizeof m->msg, "%s", msg);
}

mdlz_status mdlz_archive_read(arc_reader *r, uint64_t i, void **data,
                              size_t *len, const arc_extract_opts *opts,
                              char *err, size_t errlen) {
    arc_extract_opts o;
    *data = NULL;
    *len = 0;
    MDLZ_FORWARD(request_opts(opts, &o, err, errlen));
    if (i >= r->toc.n_entries || r->toc.entries[i].type != ARC_FILE) {
        snprintf(err, errlen, "no file entry %llu", (unsigned long long)i);
        return MDLZ_ERROR_PARAM;
    }
    membuf m = {NULL, 0, 0, MDLZ_ERROR_GENERIC, ""};
    uint8_t *sel = calloc(r->toc.n_entries, 1);
    if (!sel) {
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
    sel[i] = 1;
    o.dir = NULL;
    o.write = membuf_write;
    o.report = membuf_report;
    o.user = &m;
    mdlz_status st = mdlz_archive_extract(r, sel, &o, err, errlen);
    free(sel);
    if (st == MDLZ_OK && !m.p) m.p = malloc(1); /* an empty file */
    if (st == MDLZ_OK && !m.p) st = MDLZ_ERROR_NOMEM;
    if (st != MDLZ_OK) {
        if (m.msg[0]) snprintf(err, errlen, "%s", m.msg);
        else if (!err[0]) snprintf(err, errlen, "%s", mdlz_strerror(st));
        free(m.p);
        return st;
    }
    *data = m.p;
    *len = m.n;
    return MDLZ_OK;
}

mdlz_status arc_load(arc_reader *r, const uint8_t *select, uint8_t **texts,
                     const arc_extract_opts *opts, char *err, size_t errlen) {
    arc_extract_opts o;
    MDLZ_FORWARD(request_opts(opts, &o, err, errlen));
    o.dir = NULL;
    o.write = NULL;
    o.report = NULL;
    request q = {.r = r, .select = select, .o = &o, .root_fd = -1, .load = 1};
    mdlz_status st = run_request(&q, o.threads);
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
                 q.stop ? q.stop : mdlz_strerror(st));
    return st;
}
