/*
 * pipeline.c - adding a directory tree in two stages on two threads: a
 * worker reads each file, checks that it is text, hashes and compresses
 * it (ret_doc_prepare), while the calling thread stores the previous ones
 * in SQLite (FTS5 indexing is the larger cost). Documents reach the sink
 * in path order, so ids are assigned exactly as a serial add would. At
 * most RING documents are in flight; the sink stopping (an error) stops
 * the worker at its next document. All state lives in one ret_pipe on the
 * caller's stack.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RING 4

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ret_doc doc[RING];
    int ready[RING];
    char *const *paths;
    size_t n;
    size_t consumed; /* documents the sink is done with */
    int stop;        /* set by the consumer: produce no more */
    const mdlz_index_add_opts *opts;
    ZSTD_CCtx *cctx; /* the worker's */
} ret_pipe;

/* Reads and prepares paths[i] into d (errors are recorded in d). */
static void load(const ret_pipe *p, size_t i, ret_doc *d) {
    memset(d, 0, sizeof *d);
    if (ret_read_file(p->paths[i], ret_max_size(p->opts), &d->body, &d->len,
                      d->err, sizeof d->err)) {
        d->failed = 1;
        return;
    }
    d->own_body = 1;
    ret_doc_prepare(d, p->paths[i], p->cctx, p->opts);
}

static void *worker(void *arg) {
    ret_pipe *p = arg;
    for (size_t i = 0; i < p->n; i++) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && i - p->consumed >= RING)
            pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) break;
        ret_doc d;
        load(p, i, &d);
        pthread_mutex_lock(&p->mu);
        p->doc[i % RING] = d;
        p->ready[i % RING] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* The same work on the calling thread, one document at a time. */
static int run_serial(ret_pipe *p, ret_doc_sink sink, void *user) {
    for (size_t i = 0; i < p->n; i++) {
        ret_doc d;
        load(p, i, &d);
        int rc = sink(user, p->paths[i], &d);
        ret_doc_free(&d);
        if (rc) return -1;
    }
    return 0;
}

int ret_pipeline_files(char *const *paths, size_t n,
                       const mdlz_index_add_opts *opts, ret_doc_sink sink,
                       void *user) {
    ret_pipe p;
    memset(&p, 0, sizeof p);
    p.paths = paths;
    p.n = n;
    p.opts = opts;
    if (n == 0) return 0;
    if (!(p.cctx = ZSTD_createCCtx())) {
        ret_doc d;
        memset(&d, 0, sizeof d);
        d.failed = 1;
        strcpy(d.err, "out of memory");
        sink(user, paths[0], &d); /* reports the error */
        return -1;
    }
    pthread_t tid;
    int threaded = n > 1 && pthread_mutex_init(&p.mu, NULL) == 0;
    if (threaded && pthread_cond_init(&p.cv, NULL) != 0) {
        pthread_mutex_destroy(&p.mu);
        threaded = 0;
    }
    if (threaded && pthread_create(&tid, NULL, worker, &p) != 0) {
        pthread_cond_destroy(&p.cv);
        pthread_mutex_destroy(&p.mu);
        threaded = 0;
    }
    if (!threaded) {
        int rc = run_serial(&p, sink, user);
        ZSTD_freeCCtx(p.cctx);
        return rc;
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        ret_doc d;
        pthread_mutex_lock(&p.mu);
        while (!p.ready[i % RING]) pthread_cond_wait(&p.cv, &p.mu);
        d = p.doc[i % RING];
        pthread_mutex_unlock(&p.mu);
        rc = sink(user, paths[i], &d) ? -1 : 0;
        ret_doc_free(&d);
        pthread_mutex_lock(&p.mu);
        p.ready[i % RING] = 0;
        p.consumed = i + 1;
        if (rc) p.stop = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    pthread_join(tid, NULL);
    for (int k = 0; k < RING; k++)
        if (p.ready[k]) ret_doc_free(&p.doc[k]);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    ZSTD_freeCCtx(p.cctx);
    return rc;
}
