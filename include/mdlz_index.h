/*
 * mdlz_index.h - the public API of the retrieval document index: one SQLite
 * database file holding documents (text files and fetched URLs, stored
 * zstd-compressed and identified by the XXH3-64 of their body) and a
 * contentless FTS5 index over their words. The compressor's retrieval match
 * model selects related documents with mdlz_index_select() and reads them with
 * mdlz_index_get(); the `mdlz index` command adds, lists, removes and searches
 * documents.
 *
 * Schema, generations, query construction and the determinism rules are in
 * docs/retrieval.md. In short:
 *   - documents are immutable and addressed by their content hash: rm then
 *     add to replace one; ids are never reused (AUTOINCREMENT);
 *   - every add or rm that changes the index makes a new generation; a
 *     removed document is hidden from later generations but kept (and
 *     still seen by the generations it was visible in) until `gc`;
 *   - a generation is identified by its number and the hash of the
 *     index's history up to it (every document added and removed, with
 *     its id, in order), so another index, or the same documents added in
 *     another order, is told apart;
 *   - mdlz_index_select() at generation g sees the index as it was at g
 *     (its documents and ranking statistics), depends only on that and its
 *     arguments, and uses integer arithmetic only, so a decoder selects
 *     what the encoder selected as long as generation g is intact.
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

/** One generation of the index: the state after one add or rm. */
typedef struct {
    int64_t gen;      /* its number: 0 = the empty index, then 1, 2, ... */
    uint64_t history; /* hash of the history up to it (docs/retrieval.md) */
    int64_t docs;     /* documents visible in it */
    uint64_t tokens;  /* their tokens (BM25's total length) */
    int64_t maxid;    /* the largest document id added up to it */
    int64_t made;     /* Unix time of its commit */
    int intact;       /* 0: `gc` purged documents visible in it */
} mdlz_index_gen;

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

/** Sets *g to generation `gen` of the index, or to the newest one when
 *  gen < 0. Returns 0, or -1 if there is no such generation. */
MDLZ_API int mdlz_index_generation(mdlz_index *ix, int64_t gen,
                                   mdlz_index_gen *g);

/** Pins a snapshot: starts a read transaction, so that everything read
 *  through this handle until mdlz_index_unpin() (generation, select, get,
 *  name) sees one state of the index while other processes add, remove or
 *  purge documents. Sets *g (may be NULL) to the newest generation of that
 *  state. Fails if a transaction is open on the handle. Returns 0 or -1. */
MDLZ_API int mdlz_index_pin(mdlz_index *ix, mdlz_index_gen *g);

/** Ends the snapshot of mdlz_index_pin() (no-op without one). */
MDLZ_API void mdlz_index_unpin(mdlz_index *ix);

/** Query terms the compressor's retrieval uses in mdlz_index_select(). */
#define MDLZ_INDEX_QUERY_TERMS 24

/** Selects up to `max_docs` documents, of total size <= `max_bytes`, most
 *  relevant to `text` (`len` bytes), into `out` (room for max_docs), among
 *  the documents of generation `gen` (< 0: the newest), ranked with that
 *  generation's statistics: the terms of `text` (tokenized as terms.h
 *  says) are scored by tf * idf, the best `max_terms` (ties: term bytes)
 *  form an OR query, and the matching documents are ranked by an integer
 *  BM25 (ties: lower id first). Documents whose content hashes are in
 *  `exclude` (n_exclude of them, any order) are skipped, and so are those
 *  that would exceed the byte budget. Deterministic for the same
 *  generation (number and history) and arguments; -1 if the generation
 *  does not exist or was damaged by `gc`.
 *  Returns the number of documents written (>= 0) or -1. */
MDLZ_API int mdlz_index_select(mdlz_index *ix, int64_t gen, const uint8_t *text,
                               size_t len, int max_terms, int max_docs,
                               uint64_t max_bytes, const uint64_t *exclude,
                               int n_exclude, mdlz_index_docref *out);

/** As mdlz_index_select(), but the documents (visible at `gen`) whose
 *  content hashes are in `without` (n_without of them) are treated as not
 *  in the index at all: they are never selected, and the ranking
 *  statistics (document count, document frequencies, total length) are
 *  those of the generation without them, so the result is what an index
 *  built from the same documents without those would select (ties still
 *  go to the lower id, the same order). For measurements (`mdlz value`,
 *  docs/value.md); streams use `exclude`, which keeps the statistics.
 *  Slower: frequencies are counted from the postings. */
MDLZ_API int mdlz_index_select_without(
    mdlz_index *ix, int64_t gen, const uint8_t *text, size_t len, int max_terms,
    int max_docs, uint64_t max_bytes, const uint64_t *exclude, int n_exclude,
    const uint64_t *without, int n_without, mdlz_index_docref *out);

/** Reads document `id` into a malloc'd buffer (*body, *len; free() it;
 *  a 1-byte buffer for an empty document) after checking that its body
 *  decompresses to data whose hash is the stored one, and, unless
 *  expected_hash is 0, that the stored hash is expected_hash. Returns 0, or
 *  -1 with a message naming the document (id and name) when it is missing,
 *  changed or damaged. */
MDLZ_API int mdlz_index_get(mdlz_index *ix, int64_t id, uint64_t expected_hash,
                            uint8_t **body, size_t *len, char *err,
                            size_t errlen);

/** The content key of a document: the top 48 bits of its XXH3-64 (the low
 *  16 bits zero). With its size, it is how a stream records a document
 *  (mdlz_docref) and how the index finds it. */
#define MDLZ_INDEX_KEY(hash) ((uint64_t)(hash) & ~(uint64_t)0xFFFF)

/** Reads the document whose content has key MDLZ_INDEX_KEY(hash) and
 *  `size` bytes, visible or removed (but not yet purged), checked against
 *  its full stored hash as mdlz_index_get() does. Returns 0, or -1 with a
 *  message saying that it is gone (naming it if `gc` purged it) and what
 *  brings it back (adding the same content), or that two stored documents
 *  share the key and size. */
MDLZ_API int mdlz_index_get_content(mdlz_index *ix, uint64_t hash,
                                    uint64_t size, uint8_t **body, size_t *len,
                                    char *err, size_t errlen);

/** Finds the stored document (visible, or removed but not purged; the
 *  visible one first) with content key MDLZ_INDEX_KEY(hash) and `size`
 *  bytes: returns 1 and sets *id, 0 if there is none, or -1. */
MDLZ_API int mdlz_index_find(mdlz_index *ix, uint64_t hash, uint64_t size,
                             int64_t *id);

/** Writes the name or URL of document `id` into buf (truncated to fit,
 *  NUL-terminated). Returns 0, or -1 if there is no such document. */
MDLZ_API int mdlz_index_name(mdlz_index *ix, int64_t id, char *buf,
                             size_t buflen);

/** What a stream needs from the index (from its header): a generation
 *  (gen >= 0, with its history hash; ONLINE retrieval) and documents by
 *  content (WHOLE retrieval). */
typedef struct {
    int64_t gen; /* -1: none */
    uint64_t history;
    const mdlz_docref *docs;
    int n_docs;
    const char *label; /* what needs it (a stream's name), for messages */
} mdlz_index_need;

/** Checks that the index can serve `need`: 0, or -1 with a one-line
 *  message (in `err` too) saying what is missing or different and what
 *  would bring it back. */
MDLZ_API int mdlz_index_need_check(mdlz_index *ix, const mdlz_index_need *need,
                                   char *err, size_t errlen);

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

/** The text rule (docs/retrieval.md, as git and grep tell binary files):
 *  binary if it has a NUL byte or more than 1% of control characters
 *  other than TAB LF VT FF CR ESC (DEL counts). Returns 0 for UTF-8 text,
 *  1 for text in an 8-bit encoding (not valid UTF-8: its words are
 *  indexed as Windows-1252), or -1 for binary with the reason in `why`
 *  (may be NULL). */
MDLZ_API int mdlz_index_text_check(const uint8_t *body, size_t len,
                                   const char **why);

/* ---- removing, listing, statistics --------------------------------------- */

/** Removes document `id`, or every document named `name` when id < 0,
 *  from the next generation (from the open transaction's, or in a
 *  transaction of its own): the generations it was visible in keep it
 *  until mdlz_index_gc(); `search` no longer finds it. Only visible
 *  documents match. Sets *removed to the number removed (0 if none
 *  matched: not an error). Returns 0 or -1. */
MDLZ_API int mdlz_index_remove(mdlz_index *ix, int64_t id, const char *name,
                               int *removed);

/** Called by gc and check with one message per finding. */
typedef void (*mdlz_index_note)(void *user, const char *msg);

typedef struct {
    int64_t purged;    /* documents purged */
    uint64_t bytes;    /* their original bytes */
    int64_t broken;    /* generations no longer intact */
    int64_t conflicts; /* needs of kept streams that the purge breaks */
} mdlz_index_gc_result;

/** Purges the removed documents (none of them is visible in the newest
 *  generation): their bodies and term entries go, a tombstone (id, name,
 *  hash, size, generations) stays, and every generation they were visible
 *  in is marked as no longer intact. Before that, each of `keep` (nkeep
 *  needs of streams to keep decodable) is checked: a need that the purge
 *  would break is reported through `note` and, unless `force`, nothing is
 *  purged and -1 is returned. Returns 0 or -1; *res (may be NULL) gets
 *  the counts. One transaction. */
MDLZ_API int mdlz_index_gc(mdlz_index *ix, const mdlz_index_need *keep,
                           int nkeep, int force, mdlz_index_note note,
                           void *user, mdlz_index_gc_result *res);

/** Checks the index: SQLite's integrity_check, FTS5's integrity-check,
 *  every stored body against its hash, size and token count, the term
 *  tables and generations against the documents, and the history chain.
 *  Calls `note` once per problem; returns the number of problems (0 =
 *  healthy) or -1 if the check itself could not run. */
MDLZ_API int mdlz_index_check(mdlz_index *ix, mdlz_index_note note, void *user);

/** Rewrites the file compactly (FTS5 'optimize', then VACUUM) and sets
 *  the file's bytes before and after. Needs the index to itself: fails
 *  (busy) while another process reads or writes it. Returns 0 or -1. */
MDLZ_API int mdlz_index_vacuum(mdlz_index *ix, uint64_t *before,
                               uint64_t *after);

typedef struct {
    int64_t id;
    const char *name; /* valid during the callback only */
    uint64_t hash;
    uint64_t size;   /* original bytes */
    uint64_t stored; /* compressed bytes */
    int64_t added;   /* Unix time */
} mdlz_index_docinfo;

/** Calls fn for each visible document (of the newest generation) in id
 *  order; fn returns nonzero to stop.
 *  Returns 0 or -1. */
MDLZ_API int mdlz_index_list(mdlz_index *ix,
                             int (*fn)(void *user, const mdlz_index_docinfo *d),
                             void *user);

typedef struct {
    int64_t documents; /* visible in the newest generation */
    uint64_t bytes;    /* their original sizes */
    uint64_t stored;   /* compressed bodies, removed ones included */
    int64_t removed;   /* removed documents kept until gc */
    uint64_t removed_bytes;
    int64_t purged;      /* tombstones of purged documents */
    uint64_t file_bytes; /* database pages in use, in bytes */
    uint64_t terms;      /* distinct terms in the FTS5 index */
    mdlz_index_gen newest;
    int64_t broken; /* generations no longer intact */
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
