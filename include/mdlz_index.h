/*
 * mdlz_index.h - the public API of the retrieval document index: one SQLite
 * database file holding documents (text files and fetched URLs, stored
 * zstd-compressed and identified by the XXH3-64 of their body) and a
 * contentless FTS5 index over their words. The compressor's retrieval match
 * model selects related documents with mdlz_index_select() and reads them with
 * mdlz_index_get(); the `mdlz index` command adds, lists, removes and searches
 * documents.
 *
 * Schema, fingerprint, query construction and the determinism rules are in
 * docs/retrieval.md. In short:
 *   - documents are immutable: rm then add to replace one;
 *   - ids are never reused (AUTOINCREMENT);
 *   - the fingerprint is XXH3-64 over (id, hash, size) of every document
 *     in id order, so any add or rm changes it;
 *   - mdlz_index_select() depends only on the index content and its
 *     arguments, and uses integer arithmetic only, so a decoder that opens
 *     an index with the same fingerprint selects the same documents.
 *
 * Every function that can fail returns -1 (or NULL) and leaves a one-line
 * message in mdlz_index_errmsg(); those that take `err` also copy it there.
 * A handle is used by one thread at a time. All memory is owned by the
 * handle or returned to the caller as stated.
 */
#ifndef MDLZ_INDEX_H
#define MDLZ_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mdlz_index mdlz_index;

/** A selected document: its id, content hash (XXH3-64) and size. */
typedef struct {
    int64_t id;
    uint64_t hash;
    uint64_t size;
} mdlz_index_docref;

/* mdlz_index_open() modes. */
#define MDLZ_INDEX_READ 0 /* must exist; read-only */
#define MDLZ_INDEX_CREATE                                                      \
    1 /* read-write; created (with the schema) if missing */
#define MDLZ_INDEX_WRITE 2 /* read-write; must exist */

/** Default limit on a document's size (--max-size). */
#define MDLZ_INDEX_MAX_SIZE_DEFAULT ((uint64_t)64 << 20)

/** Opens the index at `path`. MDLZ_INDEX_READ: the file must exist and be an
 * mdlz index, opened read-only. MDLZ_INDEX_WRITE: the same, read-write.
 * MDLZ_INDEX_CREATE: opened read-write, created with the schema if missing or
 * empty; a database that is something else is refused. Returns 0 and sets *out,
 *  or -1 with a one-line message in `err` (may be NULL) and *out = NULL. */
MDLZ_API int mdlz_index_open(mdlz_index **out, const char *path, int mode,
                             char *err, size_t errlen);

/** Closes the index (rolling back an open transaction). NULL is a no-op. */
MDLZ_API void mdlz_index_close(mdlz_index *ix);

/** The last error message on this handle ("" if none). */
MDLZ_API const char *mdlz_index_errmsg(const mdlz_index *ix);

/** Sets *fp to the fingerprint of the index content: XXH3-64 over the
 *  little-endian (id, hash, size), 8 bytes each, of every document in id
 *  order. Returns 0 or -1. */
MDLZ_API int mdlz_index_fingerprint(mdlz_index *ix, uint64_t *fp);

/** Pins a snapshot: starts a read transaction, so that everything read
 *  through this handle until mdlz_index_unpin() (fingerprint, select, get,
 *  name) sees one state of the index while other processes add or remove
 *  documents. Sets *fp (may be NULL) to that state's fingerprint. Fails if
 *  a transaction is open on the handle. Returns 0 or -1. */
MDLZ_API int mdlz_index_pin(mdlz_index *ix, uint64_t *fp);

/** Ends the snapshot of mdlz_index_pin() (no-op without one). */
MDLZ_API void mdlz_index_unpin(mdlz_index *ix);

/** Query terms the compressor's retrieval uses in mdlz_index_select(). */
#define MDLZ_INDEX_QUERY_TERMS 24

/** Selects up to `max_docs` documents, of total size <= `max_bytes`, most
 *  relevant to `text` (`len` bytes), into `out` (room for max_docs):
 *  the terms of `text` (tokenized as terms.h says) are scored by
 *  tf * idf with idf from the index's document frequencies, the best
 *  `max_terms` (ties: term bytes) form an OR query, and the matching
 *  documents are ranked by an integer BM25 (ties: lower id first).
 *  Documents whose ids are in `exclude` (n_exclude of them, any order)
 *  are skipped, and so are those that would exceed the byte budget.
 *  Deterministic for the same index content and arguments.
 *  Returns the number of documents written (>= 0) or -1. */
MDLZ_API int mdlz_index_select(mdlz_index *ix, const uint8_t *text, size_t len,
                               int max_terms, int max_docs, uint64_t max_bytes,
                               const int64_t *exclude, int n_exclude,
                               mdlz_index_docref *out);

/** Reads document `id` into a malloc'd buffer (*body, *len; free() it;
 *  a 1-byte buffer for an empty document) after checking that its body
 *  decompresses to data whose hash is the stored one, and, unless
 *  expected_hash is 0, that the stored hash is expected_hash. Returns 0, or
 *  -1 with a message naming the document (id and name) when it is missing,
 *  changed or damaged. */
MDLZ_API int mdlz_index_get(mdlz_index *ix, int64_t id, uint64_t expected_hash,
                            uint8_t **body, size_t *len, char *err,
                            size_t errlen);

/** Writes the name or URL of document `id` into buf (truncated to fit,
 *  NUL-terminated). Returns 0, or -1 if there is no such document. */
MDLZ_API int mdlz_index_name(mdlz_index *ix, int64_t id, char *buf,
                             size_t buflen);

/* ---- transactions ------------------------------------------------------- */

/** Starts a write transaction (BEGIN IMMEDIATE, waiting up to the busy
 *  timeout for other writers). Everything added or removed until
 *  mdlz_index_commit() becomes visible at once, or not at all. Adding many
 *  documents is much faster inside one transaction. Returns 0 or -1. */
MDLZ_API int mdlz_index_begin(mdlz_index *ix);
/** Commits the transaction. Returns 0, or -1 (then it was rolled back:
 *  also when an add in it failed halfway). */
MDLZ_API int mdlz_index_commit(mdlz_index *ix);
/** Rolls the transaction back (no-op without one). */
MDLZ_API void mdlz_index_rollback(mdlz_index *ix);

/* ---- adding documents --------------------------------------------------- */

typedef struct {
    int force;            /* also add binary documents */
    uint64_t max_size;    /* refuse larger documents; 0 = default */
    long connect_timeout; /* seconds (URLs); 0 = default 10 */
    long timeout;         /* seconds for a whole transfer; 0 = default 300 */
    long max_redirects;   /* 0 = default 10; < 0 = follow none */
    int zstd_level;       /* 0 = default (3) */
} mdlz_index_add_opts;

/** What happened to one document during an add. */
typedef enum {
    MDLZ_INDEX_ADDED = 0,     /* stored under a new id */
    MDLZ_INDEX_DUPLICATE = 1, /* same content already indexed (id = existing) */
    MDLZ_INDEX_SKIPPED = 2    /* binary file met while walking a directory */
} mdlz_index_add_status;

/** Called once per document an add meets; `name` is the stored name. */
typedef void (*mdlz_index_add_report)(void *user, const char *name,
                                      mdlz_index_add_status status, int64_t id,
                                      uint64_t size);

/** Adds one document from memory under `name`. Refused (-1) if larger than
 *  the size limit, or binary (mdlz_index_text_check) without opts->force. If a
 *  document with the same hash exists, nothing is added and *dup is set to
 *  1. *id (may be NULL) gets the new or existing id. Returns 0 or -1.
 *  Outside a transaction the add is its own transaction. Inside one
 *  (mdlz_index_begin), a failure that happens after writing makes
 *  mdlz_index_commit() roll the whole transaction back, so a document is
 *  never stored half; refusals (size, binary) write nothing. The same
 *  holds for the add_path and add_url functions below. */
MDLZ_API int mdlz_index_add_buffer(mdlz_index *ix, const char *name,
                                   const uint8_t *body, size_t len,
                                   const mdlz_index_add_opts *opts, int64_t *id,
                                   int *dup);

/** Adds a file, or every regular file under a directory (recursively, in
 *  byte order of names, skipping names that start with '.'; binary files
 *  found in a directory are reported as MDLZ_INDEX_SKIPPED, a binary file named
 *  directly is an error). Names are stored as the path given (joined with
 *  '/'). Returns 0, or -1 at the first failure. Call it inside
 *  mdlz_index_begin()/mdlz_index_commit() to add a tree all or nothing (and
 *  fast); outside a transaction each document is committed on its own. */
MDLZ_API int mdlz_index_add_path(mdlz_index *ix, const char *path,
                                 const mdlz_index_add_opts *opts,
                                 mdlz_index_add_report report, void *user);

/** Fetches an http, https or file URL with libcurl and adds it under the
 *  URL as given (redirects followed up to opts->max_redirects, timeouts,
 *  size limit). Errors (HTTP status, DNS, TLS, refused connection, too
 *  large) return -1 with a one-line message; nothing is added. */
MDLZ_API int mdlz_index_add_url(mdlz_index *ix, const char *url,
                                const mdlz_index_add_opts *opts,
                                mdlz_index_add_report report, void *user);

/** 1 if `s` looks like a URL ("scheme://..."), else 0. */
MDLZ_API int mdlz_index_is_url(const char *s);

/** The text rule: 0 if body is text (no NUL byte, valid UTF-8, control
 *  characters other than TAB LF VT FF CR ESC at most 1% of the bytes),
 *  else -1 with the reason in `why` (may be NULL). */
MDLZ_API int mdlz_index_text_check(const uint8_t *body, size_t len,
                                   const char **why);

/* ---- removing, listing, statistics --------------------------------------- */

/** Removes document `id`, or every document named `name` when id < 0.
 *  Sets *removed to the number removed (0 if none matched: not an error).
 *  Returns 0 or -1. */
MDLZ_API int mdlz_index_remove(mdlz_index *ix, int64_t id, const char *name,
                               int *removed);

typedef struct {
    int64_t id;
    const char *name; /* valid during the callback only */
    uint64_t hash;
    uint64_t size;   /* original bytes */
    uint64_t stored; /* compressed bytes */
    int64_t added;   /* Unix time */
} mdlz_index_docinfo;

/** Calls fn for each document in id order; fn returns nonzero to stop.
 *  Returns 0 or -1. */
MDLZ_API int mdlz_index_list(mdlz_index *ix,
                             int (*fn)(void *user, const mdlz_index_docinfo *d),
                             void *user);

typedef struct {
    int64_t documents;
    uint64_t bytes;      /* original sizes */
    uint64_t stored;     /* compressed bodies */
    uint64_t file_bytes; /* database pages in use, in bytes */
    uint64_t terms;      /* distinct terms in the FTS5 index */
    uint64_t fingerprint;
} mdlz_index_summary;

/** Fills *st. Returns 0 or -1. */
MDLZ_API int mdlz_index_stats(mdlz_index *ix, mdlz_index_summary *st);

/* ---- search -------------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *name;    /* valid during the callback only */
    double score;        /* BM25 (higher = better) */
    const char *snippet; /* one line, query terms in [brackets] */
    uint64_t size;
} mdlz_index_hit;

/** Searches for documents containing all the words of `query` (any of
 *  them if `any` is nonzero; words as terms.h tokenizes them), best
 *  BM25 first, at most `limit`; calls fn (may be NULL) per hit, which
 *  returns nonzero to stop. Returns the number of hits reported (>= 0) or
 *  -1 (also for a query without words). */
MDLZ_API int mdlz_index_search(mdlz_index *ix, const char *query, int any,
                               int limit,
                               int (*fn)(void *user, const mdlz_index_hit *h),
                               void *user);

#ifdef __cplusplus
}
#endif
#endif
