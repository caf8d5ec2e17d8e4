/*
 * internal.h - what the retrieval/ files share and nobody else sees: the
 * mdlz_index handle (database connection, cached prepared statements, zstd
 * contexts, last error) and helpers for errors and statements.
 */
#ifndef MDLZ_RETRIEVAL_INTERNAL_H
#define MDLZ_RETRIEVAL_INTERNAL_H

#include <sqlite3.h>
#include <zstd.h>

#include "mdlz_index.h"
#include "terms.h"

#if defined(__GNUC__)
#define RET_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RET_PRINTF(f, a)
#endif

/* Prepared statements cached on the handle, prepared on first use. */
typedef enum {
    RET_ST_FIND_HASH,  /* id, name of the visible document with a hash */
    RET_ST_INSERT_DOC, /* a new documents row */
    RET_ST_INSERT_FTS, /* its text into the FTS5 index */
    RET_ST_DELETE_FTS, /* the FTS5 'delete' command with the old text */
    RET_ST_DELETE_DOC, /* a documents row */
    RET_ST_GET,        /* name, hash, size, body of an id */
    RET_ST_META,       /* hash, size of an id */
    RET_ST_TERM,       /* df, tid of a term (terms) */
    RET_ST_POSTINGS,   /* last, data of a tid (postings) */
    RET_ST_GEN,        /* a generations row */
    RET_ST_GEN_NEWEST, /* the newest generations row */
    RET_ST_HIDDEN,     /* ids <= maxid of generation g removed by g */
    RET_ST_TERM_PUT,   /* insert or replace a terms row */
    RET_ST_TERM_DEL,   /* delete a terms row */
    RET_ST_POST_NEW,   /* a new postings row (tid assigned) */
    RET_ST_POST_PUT,   /* replace a postings row's last and data */
    RET_ST_POST_DEL,   /* delete a postings row */
    RET_ST_NEW_DOCS,   /* id, size, body of the documents after an id */
    RET_ST_CONTENT,    /* id, name, body of a stored document by hash/size */
    RET_ST_REMOVE,     /* mark a document removed by a generation */
    RET_ST_MAXID,      /* the largest stored document id */
    RET_ST_COUNT       /* number of cached statements */
} ret_stmt_id;

struct mdlz_index {
    sqlite3 *db;
    int readonly;
    ZSTD_CCtx *cctx; /* created on the first add */
    ZSTD_DCtx *dctx; /* created on the first read */
    sqlite3_stmt *stmt[RET_ST_COUNT];
    int broken;       /* a write failed halfway in the open transaction */
    int in_txn;       /* inside mdlz_index_begin() .. commit/rollback */
    int64_t txn_base; /* largest id at mdlz_index_begin(): the documents
                          after it get their postings at commit */
    int64_t txn_gen;  /* the generation the open transaction makes */
    struct ret_pending *pend; /* the term counts of the documents added in
                          the open transaction, gathered as they are
                          inserted (index.c); NULL outside one */
    char err[512];
};

/* zstd level of stored bodies (measured: keeps `index add` >= 20 MB/s). */
#define RET_ZSTD_LEVEL 3

/* ---- the term tables (docs/retrieval.md) ---------------------------------
 * Each postings row holds, for one term, an entry per document containing
 * it, in id order: varint(id - previous id, the first from 0),
 * varint(tf), varint(dl) (dl = the document's tokens); LEB128 varints. */

/** Appends the LEB128 varint of v at p; returns the bytes written (<= 10). */
static inline size_t ret_put_varint(uint8_t *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/** Reads a varint from p[*pos..end) into *v, advancing *pos. Returns 0, or
 *  -1 if it is truncated or longer than 10 bytes. */
static inline int ret_get_varint(const uint8_t *p, size_t end, size_t *pos,
                                 uint64_t *v) {
    uint64_t x = 0;
    size_t i = *pos;
    for (int shift = 0; i < end && shift < 70; shift += 7) {
        uint8_t b = p[i++];
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            *pos = i;
            return 0;
        }
    }
    return -1;
}

/** Sets the handle's error message (printf-style). Returns -1. */
int ret_fail(mdlz_index *ix, const char *fmt, ...) RET_PRINTF(2, 3);

/** Sets the error to "WHAT: <sqlite message>". Returns -1. */
int ret_fail_sql(mdlz_index *ix, const char *what);

/** The cached statement `id`, reset and with bindings cleared, or NULL
 *  (error set) if it cannot be prepared. */
sqlite3_stmt *ret_stmt(mdlz_index *ix, ret_stmt_id id);

/** Decompresses a stored body into a malloc'd buffer of exactly `size`
 *  bytes (1 byte allocated for 0). Returns 0, or -1 (error set) if the
 *  frame is damaged or does not decode to `size` bytes. */
int ret_unpack(mdlz_index *ix, const void *blob, size_t blen, uint64_t size,
               uint8_t **body);

/* ---- text (text.c) ------------------------------------------------------- */

/** The text the words of a document (or query) are taken from: the bytes
 *  themselves if they are UTF-8, else their Windows-1252 transcoding to
 *  UTF-8 (docs/retrieval.md). `edges`: a sequence cut at either end (a
 *  window of a larger text) does not count as invalid UTF-8. Sets *text
 *  (body itself, or a malloc'd buffer to free when *owned) and *tlen.
 *  Returns 0, or -1 if out of memory. */
int ret_words_text(const uint8_t *body, size_t len, int edges,
                   const uint8_t **text, size_t *tlen, int *owned);

/** 1 if p[0..n) is valid UTF-8 (with `edges`, a sequence cut at the start
 *  or the end is accepted), else 0. */
int ret_is_utf8(const uint8_t *p, size_t n, int edges);

/** The number of tokens of text[0..len) (what ret_termset_add_text
 *  counts in ntokens), without keeping the terms. */
uint64_t ret_count_tokens(const uint8_t *text, size_t len);

/** Counts the terms of a document's body (as ret_words_text sees it)
 *  into ts. Returns 0, or -1 if out of memory. */
int ret_termset_add_doc(ret_termset *ts, const uint8_t *body, size_t len);

/* ---- generations (generation.c) ----------------------------------------- */

/** Reads generation `gen` (< 0: the newest) into *g. Returns 0, or -1
 *  (error set) if there is none. */
int ret_gen_get(mdlz_index *ix, int64_t gen, mdlz_index_gen *g);

/** At the commit of a transaction that made generation ix->txn_gen:
 *  writes its generations row (totals, history hash) if it added or
 *  removed anything. Returns 0 or -1. */
int ret_gen_close(mdlz_index *ix);

/** The history hash of generation g from the previous one and the
 *  documents it added (ids, hashes, sizes) and removed (ids), both in id
 *  order (docs/retrieval.md). */
uint64_t ret_gen_history(uint64_t prev, int64_t g, const int64_t *add_id,
                         const uint64_t *add_hash, const uint64_t *add_size,
                         int64_t nadd, const int64_t *rm_id, int64_t nrm);

/** The ids <= g->maxid hidden at generation g (removed by it but still
 *  stored), sorted, into a malloc'd *ids (*n). Returns 0 or -1. */
int ret_gen_hidden(mdlz_index *ix, const mdlz_index_gen *g, int64_t **ids,
                   size_t *n);

/** The message for a generation that is gone (gc purged documents
 *  visible in it): names them and says what brings it back. */
void ret_gen_gone(mdlz_index *ix, int64_t gen);

/* ---- the term tables (postings.c) --------------------------------------- */

/* What a batch holds for one term: encoded entries (adding: id delta from
 * the previous entry, the first from 0, tf, dl; removing: id deltas only),
 * the last id and the number of documents. */
typedef struct {
    uint8_t *buf;
    size_t len, cap;
    int64_t last;
    int64_t df;
} term_acc;

typedef struct {
    ret_termset dict; /* the batch's terms (tf: documents, unused) */
    term_acc *acc;    /* parallel to dict.terms */
    size_t nacc;
    ret_termset doc; /* the terms of the document being added */
    size_t *idx;     /* their indices in dict */
    size_t nidx;
    int64_t docs;
    int64_t tokens;
    size_t bytes;    /* encoded bytes held */
    int with_counts; /* entries carry tf and dl (adding) */
} term_batch;

void ret_batch_init(term_batch *b, int with_counts);
void ret_batch_clear(term_batch *b);
void ret_batch_free(term_batch *b);
/** Adds document `id` (its body) to a batch; 0 or -1 (error set). */
int ret_batch_doc(mdlz_index *ix, term_batch *b, int64_t id,
                  const uint8_t *body, size_t len);
/** Takes a removal batch's entries out of the term tables (gc); 0 or -1. */
int ret_batch_apply_rm(mdlz_index *ix, term_batch *b);
/** The documents added in the open transaction, posted at commit. */
void ret_pending_start(mdlz_index *ix);
void ret_pending_drop(mdlz_index *ix);
int ret_post_new_docs(mdlz_index *ix);
/** A document added in the open transaction was removed: the pending
 *  counts are read back from the documents left at commit. */
void ret_pending_reread(mdlz_index *ix);
/** Steps a statement that returns no row; 0 or -1 (error set). */
int ret_step_done(mdlz_index *ix, sqlite3_stmt *st);
/** Runs a query returning one integer into *v; 0 or -1 (error set). */
int ret_query_int(mdlz_index *ix, const char *sql, int64_t *v);

/** Looks term w[0..n) up in the terms table: returns 1 (found: *df, *tid
 *  set), 0 (absent) or -1. */
int ret_term_lookup(mdlz_index *ix, const uint8_t *w, uint32_t n, int64_t *df,
                    int64_t *tid);

/** Records the term counts of document `id`, just inserted in the open
 *  transaction, for the commit to write (terms may be NULL: the commit
 *  then tokenizes the stored body). Never fails: what cannot be kept is
 *  read back from the documents at commit. */
void ret_post_doc(mdlz_index *ix, int64_t id, const ret_termset *terms);

/** Checks the term tables against the documents: rebuilds every stored
 *  document's postings in memory and compares them with the stored ones
 *  (check, tests; costs about as much as indexing the documents again).
 *  Returns 0, or -1 with the first difference in the error message. */
int ret_terms_verify(mdlz_index *ix);

/* Files and URLs (fetch.c). Each reads a whole document into a malloc'd
 * buffer (*body, *len; at least 1 byte allocated), refusing more than
 * max_size bytes, and returns 0 or -1 with a one-line message in err. */
int ret_read_file(const char *path, uint64_t max_size, uint8_t **body,
                  size_t *len, char *err, size_t errlen);
int ret_fetch_url(const char *url, const mdlz_index_add_opts *opts,
                  uint8_t **body, size_t *len, char *err, size_t errlen);

/* A document read and made ready to store (add.c): its body, hash and
 * zstd frame, computed off the database thread when walking directories
 * (pipeline.c). */
typedef struct {
    uint8_t *body; /* the text */
    size_t len;
    int own_body;  /* body is malloc'd and freed with the doc */
    uint64_t hash; /* XXH3-64 of the body */
    void *z;       /* zstd frame (malloc'd), NULL if not compressed */
    size_t zn;
    const char *why;      /* not NULL: binary (the reason), not compressed */
    const uint8_t *words; /* the text its words come from (text.c) */
    size_t wlen;
    int own_words;      /* words is malloc'd (a transcoding) */
    uint64_t tokens;    /* its tokens (dl), counted with its terms */
    ret_termset *terms; /* its terms and counts (malloc'd), NULL if not
                           counted (binary, failed, out of memory) */
    int failed;         /* reading or compressing failed: message in err */
    char err[400];
} ret_doc;

/** Checks, hashes, compresses and counts the terms of d->body (cctx: the
 *  caller's context).
 *  A binary body without `force` gets d->why and is not compressed; a body
 *  over max_size or a zstd failure sets d->failed. Returns 0 or -1. */
int ret_doc_prepare(ret_doc *d, const char *name, ZSTD_CCtx *cctx,
                    const mdlz_index_add_opts *opts);

/** Frees what d owns; d is left empty. */
void ret_doc_free(ret_doc *d);

/** Receives prepared documents in order; returns 0 to go on, -1 to stop. */
typedef int (*ret_doc_sink)(void *user, const char *path, ret_doc *d);

/** Reads and prepares the files paths[0..n) on a worker thread (or on
 *  this one if no thread can be started) and hands each to sink on this
 *  thread, in order. Returns 0, or -1 if sink stopped it. */
int ret_pipeline_files(char *const *paths, size_t n,
                       const mdlz_index_add_opts *opts, ret_doc_sink sink,
                       void *user);

/** The zstd level of opts (default when 0 or opts is NULL). */
int ret_zstd_level(const mdlz_index_add_opts *opts);

/** The effective size limit of opts (default when 0 or opts is NULL). */
uint64_t ret_max_size(const mdlz_index_add_opts *opts);

#endif
