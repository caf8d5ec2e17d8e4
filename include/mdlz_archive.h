/*
 * mdlz_archive.h - the public API of mdlz archives (.mdlza): many files in
 * one file, coded in groups; each group is an mdlz stream whose model first
 * learns the files it retrieved from earlier in the archive, so the archive
 * needs no external index and any file can be extracted by decoding only
 * what it depends on. Layout, grouping and dependency rules, and the
 * format: docs/archive.md. The `mdlz archive` command uses this header
 * alone.
 *
 * Conventions as in mdlz.h: opaque handles with create/free pairs (freeing
 * NULL is a no-op), mdlz_status returns (mdlz_strerror() names them), and
 * option structs filled with defaults by an *_init function, whose
 * reserved[] tail must stay zero (MDLZ_ERROR_PARAM otherwise) so that
 * fields can be added later. Functions that take `err` leave a one-line
 * message there (errlen bytes, NUL-terminated; errlen may be 0) when they
 * fail. Names are the bytes stored, not escaped: a program printing them
 * to a terminal must escape control characters itself.
 *
 * Threads: an mdlz_archive handle is used by one call at a time; the calls
 * start worker threads of their own (opts.threads) and return when they
 * are done. Callbacks are made from those workers, one at a time.
 */
#ifndef MDLZ_ARCHIVE_H
#define MDLZ_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- defaults and limits ------------------------------------------------ */
#define MDLZ_ARCHIVE_GROUP_DEFAULT ((uint64_t)1 << 19) /* bytes of a group */
#define MDLZ_ARCHIVE_DEPTH_DEFAULT 1                   /* dependency depth */
#define MDLZ_ARCHIVE_FANIN_DEFAULT 16 /* files a group may retrieve */
#define MDLZ_ARCHIVE_FANIN_MAX     64
#define MDLZ_ARCHIVE_PRIME_DEFAULT 100 /* prefix bytes per 100 group bytes */

/* ---- entries and groups ------------------------------------------------- */
enum { MDLZ_ARCHIVE_FILE = 0, MDLZ_ARCHIVE_DIR = 1 };

/** One file or directory of an archive. */
typedef struct {
    const char *name;      /* relative, '/'-separated; valid while the
                            * archive is open (in a callback: during it) */
    uint32_t index;        /* entry number, in archive order */
    int type;              /* MDLZ_ARCHIVE_FILE or MDLZ_ARCHIVE_DIR */
    uint32_t mode;         /* permission bits (07777) */
    int64_t mtime;         /* seconds since the epoch */
    uint64_t size;         /* files: original bytes */
    uint64_t csize;        /* files: compressed bytes spent on it */
    int64_t group;         /* files: its group, -1 for an empty file */
    uint64_t decode_cost;  /* bytes decoded or learned to extract it alone
                            * (mdlz_archive_entry_get only, else 0) */
    uint32_t decode_files; /* files decoded to extract it alone (idem) */
    uint32_t reserved[5];  /* zero */
} mdlz_archive_entry;

/** One group: an mdlz stream of its files' contents, concatenated, whose
 *  prefix is the contents of its dependencies in the order listed. */
typedef struct {
    uint64_t offset;       /* of its stream in the archive file */
    uint64_t csize;        /* stream bytes */
    uint64_t raw;          /* its files' bytes */
    uint32_t depth;        /* 0 without dependencies, else 1 + theirs */
    uint32_t first, count; /* its entries */
    uint32_t n_deps;
    const uint32_t *deps; /* entry numbers of the files it retrieved;
                           * valid while the archive is open */
    uint32_t reserved[4]; /* zero */
} mdlz_archive_group;

/** The whole archive. */
typedef struct {
    uint64_t n_entries, n_groups;
    uint64_t file_bytes;    /* sum of the files' sizes */
    uint64_t archive_bytes; /* size of the archive file */
    uint64_t decode_bytes;  /* bytes decoded or learned to extract all */
    uint32_t reserved[6];   /* zero */
} mdlz_archive_info;

/* ---- interruption -------------------------------------------------------- */
/* A cleanup handle, given to the calls that write files (create, add,
 * remove, extract), keeps the names of the temporary files they have at
 * each moment (the archive being written beside the old one, each file
 * being extracted beside its final name). Another thread (e.g. one that
 * sigwait()s for SIGINT) calls mdlz_archive_cleanup_run() to remove them
 * and stop those calls: nothing is left behind, and no file appears under
 * its final name unless it was complete. */
typedef struct mdlz_archive_cleanup mdlz_archive_cleanup;

/** Creates a cleanup handle. MDLZ_OK or MDLZ_ERROR_NOMEM. */
MDLZ_API mdlz_status mdlz_archive_cleanup_create(mdlz_archive_cleanup **out);
/** Frees it; no call may be using it. */
MDLZ_API void mdlz_archive_cleanup_free(mdlz_archive_cleanup *c);
/** Removes the temporary files of the calls using `c` and makes them fail
 *  (with a message saying "interrupted") instead of creating any more.
 *  Thread-safe; not async-signal-safe (call it from a thread, not from a
 *  signal handler). Returns the number of files removed. */
MDLZ_API size_t mdlz_archive_cleanup_run(mdlz_archive_cleanup *c);

/* ---- writing ------------------------------------------------------------- */
/** How an archive is written (create, add, remove). */
typedef struct {
    int level;           /* 1..9; 0 = MDLZ_LEVEL_DEFAULT */
    uint64_t group_size; /* files coded as one solid group */
    int depth;           /* dependency depth limit; 0 = no retrieval */
    int fan_in;          /* files a group may retrieve (<= FANIN_MAX) */
    int prime_pct;       /* prefix bytes per 100 bytes of group text */
    int threads;         /* workers; 0 = one per core (same bytes for any) */
    int force;           /* create: replace an existing archive */
    /* Per file added (create, add) or entry removed (remove), in archive
     * order, from the calling thread. */
    void (*report)(void *user, const mdlz_archive_entry *e);
    /* Per input skipped (symbolic link, device...), with why. */
    void (*warn)(void *user, const char *path, const char *why);
    void *user;
    mdlz_archive_cleanup *cleanup; /* NULL: none */
    uint32_t reserved[8];          /* must be zero */
} mdlz_archive_write_opts;

/** Sets the defaults above (no callbacks, no cleanup handle). */
MDLZ_API void mdlz_archive_write_opts_init(mdlz_archive_write_opts *o);

/** Creates the archive `path` from files and directories (recursively,
 *  names in byte order; a name is the path as given without leading "/"
 *  or "./"; a ".." component is refused; symbolic links and special files
 *  are skipped through o->warn). Written to a hidden temporary file beside
 *  it, synced and renamed when complete; an existing `path` is refused
 *  unless o->force. The bytes depend only on the files and the options
 *  other than threads. */
MDLZ_API mdlz_status mdlz_archive_create(const char *path,
                                         const char *const *paths, int n,
                                         const mdlz_archive_write_opts *o,
                                         char *err, size_t errlen);

/** Appends files to the archive `path`: its groups are copied as they are
 *  and the new ones may retrieve from its files; a name already stored is
 *  refused (a directory already stored is skipped). Replaces the archive
 *  atomically, as create writes it. */
MDLZ_API mdlz_status mdlz_archive_add(const char *path,
                                      const char *const *paths, int n,
                                      const mdlz_archive_write_opts *o,
                                      char *err, size_t errlen);

/** Removes entries from the archive `path`: each of names[0..n) is an
 *  entry, or a directory with everything under it; a name that matches
 *  nothing is refused (MDLZ_ERROR_PARAM, the archive unchanged). The
 *  removed files' bytes are gone from the result: a group that held one is
 *  recoded from the files it keeps, and a group that retrieved one is
 *  recoded without it (the other groups are copied as they are; see
 *  docs/archive.md). Groups are recoded at the level they were coded with;
 *  o->level, group_size, depth, fan_in and prime_pct are not used. The
 *  archive is replaced atomically, as create writes it. */
MDLZ_API mdlz_status mdlz_archive_remove(const char *path,
                                         const char *const *names, int n,
                                         const mdlz_archive_write_opts *o,
                                         char *err, size_t errlen);

/* ---- reading ------------------------------------------------------------- */
typedef struct mdlz_archive mdlz_archive;

/** Opens an archive and reads its table of contents (nothing else is
 *  decoded). A damaged header or trailer does not prevent it when the
 *  table of contents is intact and found: the archive opens and
 *  mdlz_archive_damage() says what was damaged. */
MDLZ_API mdlz_status mdlz_archive_open(mdlz_archive **out, const char *path,
                                       char *err, size_t errlen);
MDLZ_API void mdlz_archive_close(mdlz_archive *a);

/** NULL for an intact archive; else a static one-line description of the
 *  damage that opening it overcame (its header or its trailer). */
MDLZ_API const char *mdlz_archive_damage(const mdlz_archive *a);

/** Sizes and counts of the whole archive. */
MDLZ_API void mdlz_archive_get_info(const mdlz_archive *a,
                                    mdlz_archive_info *info);

/** Entry i (< info.n_entries), with its decode cost. MDLZ_ERROR_PARAM if
 *  there is no such entry. */
MDLZ_API mdlz_status mdlz_archive_entry_get(const mdlz_archive *a, uint64_t i,
                                            mdlz_archive_entry *e);

/** Group g (< info.n_groups). MDLZ_ERROR_PARAM if there is no such group. */
MDLZ_API mdlz_status mdlz_archive_group_get(const mdlz_archive *a, uint64_t g,
                                            mdlz_archive_group *out);

/** Reads the first bytes of group g's stream (at most cap; *len gets how
 *  many), e.g. MDLZ_HEADER_MAX for mdlz_get_frame_info() or
 *  mdlz_stream_code_costs(). */
MDLZ_API mdlz_status mdlz_archive_group_head(const mdlz_archive *a, uint64_t g,
                                             void *buf, size_t cap,
                                             size_t *len);

/** Selects by name: sets select[i] = 1 (select has info.n_entries bytes)
 *  for the entry named `name` and, when it is a directory, every entry
 *  under it (a trailing '/' is ignored). Returns the number of entries
 *  that matched (0: none). */
MDLZ_API uint64_t mdlz_archive_select(const mdlz_archive *a, const char *name,
                                      uint8_t *select);

/** How entries are extracted or tested. */
typedef struct {
    const char *dir;    /* extract under it (created if missing); NULL:
                         * write no file */
    int force;          /* replace existing files */
    int threads;        /* decoding workers; 0 = one per core */
    uint64_t mem_limit; /* per worker's decoder (mdlz_dctx_create): 0 =
                         * MDLZ_DECODE_MEMORY_DEFAULT, MDLZ_MEMORY_UNLIMITED
                         * = none */
    /* The content of the selected files, in archive order: each file's
     * bytes in one or more calls, files one after the other (empty files
     * get no call). Called before the file's checksum is verified: a file
     * that fails afterwards is reported through `report`. Non-zero stops
     * the extraction (the file and the rest fail). */
    int (*write)(void *user, const mdlz_archive_entry *e, const void *data,
                 size_t n);
    /* Per selected entry, when done: MDLZ_OK, or the error with a one-line
     * message. In any order. */
    void (*report)(void *user, const mdlz_archive_entry *e, mdlz_status st,
                   const char *msg);
    void *user;
    mdlz_archive_cleanup *cleanup; /* NULL: none */
    uint32_t reserved[8];          /* must be zero */
} mdlz_archive_extract_opts;

/** Sets the defaults (no directory, no callbacks). */
MDLZ_API void mdlz_archive_extract_opts_init(mdlz_archive_extract_opts *o);

/** Extracts the entries with select[i] != 0 (all when select is NULL)
 *  under o->dir and/or to o->write, decoding only the groups they need,
 *  each up to the last file needed. Every file is checked against its size
 *  and checksum; a file is written to a hidden temporary name and renamed
 *  when verified (never over an existing file unless o->force; never
 *  through a symbolic link). A damaged group fails only the files that
 *  need it. MDLZ_OK if every selected entry succeeded, else the first
 *  error (each entry's is given to o->report). */
MDLZ_API mdlz_status mdlz_archive_extract(mdlz_archive *a,
                                          const uint8_t *select,
                                          const mdlz_archive_extract_opts *o,
                                          char *err, size_t errlen);

/** Tests the selected entries (all when select is NULL): decodes and
 *  verifies them as mdlz_archive_extract does, writing nothing (o->dir and
 *  o->write are not used; o may be NULL). */
MDLZ_API mdlz_status mdlz_archive_test(mdlz_archive *a, const uint8_t *select,
                                       const mdlz_archive_extract_opts *o,
                                       char *err, size_t errlen);

/** Decodes file entry i into a malloc'd buffer (*data, *len; free() it; a
 *  1-byte buffer for an empty file), verified. o may be NULL (threads and
 *  mem_limit are used). */
MDLZ_API mdlz_status mdlz_archive_read(mdlz_archive *a, uint64_t i, void **data,
                                       size_t *len,
                                       const mdlz_archive_extract_opts *o,
                                       char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* MDLZ_ARCHIVE_H */
