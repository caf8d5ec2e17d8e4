/*
 * archive.h - mdlz archives (.mdlza): a collection of files in which each
 * group of files is coded with the files it retrieved from earlier in the
 * archive as the model's prefix, so the archive needs no external index:
 * everything a decoder needs is in the file (the prequential view of
 * description length). Layout, grouping and dependency rules:
 * docs/archive.md. Internal to mdlz (used by `mdlz archive`).
 *
 * Functions that can fail return MDLZ_OK or an mdlz_status, with a
 * one-line message in `err`.
 */
#ifndef MDLZ_ARCHIVE_H
#define MDLZ_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"
#include "toc.h"

#define ARC_MAGIC         "MDLZA\r\n\x1a" /* 8 bytes: catches text-mode mangling */
#define ARC_VERSION       1
#define ARC_HEADER_SIZE   16
#define ARC_TRAILER_SIZE  24
#define ARC_TRAILER_MAGIC "MDLA"

#define ARC_GROUP_DEFAULT ((uint64_t)1 << 19)
#define ARC_DEPTH_DEFAULT 1
#define ARC_FANIN_DEFAULT 16
/* The prefix is learned at about the speed the group is decoded, so its
 * size trades ratio for the cost of extracting (bench/archive.py). */
#define ARC_PRIME_DEFAULT 100

/** How an archive is made (create, add). */
typedef struct {
    int level;           /* 1..9; 0 = MDLZ_LEVEL_DEFAULT */
    uint64_t group_size; /* files coded as one solid group; 0 = default */
    int depth;           /* dependency depth limit; 0 = no retrieval */
    int fan_in;          /* documents a group may retrieve (<= 64) */
    int prime_pct;       /* prefix bytes per 100 bytes of group text */
    int threads;         /* workers; 0 = one per core (output is the same) */
    int force;           /* create: replace an existing archive */
    /* Called per file added, in archive order, from the calling thread. */
    void (*report)(void *user, const arc_entry *e);
    /* Called for each input skipped (symlink, device...), with why. */
    void (*warn)(void *user, const char *path, const char *why);
    void *user;
} arc_write_opts;

/** Sets the defaults above. */
void arc_write_opts_init(arc_write_opts *o);

/** Creates `archive` from files and directories (recursively, names in
 *  byte order; names are the paths as given, without leading "/" or "./").
 *  Written to a temporary file beside it and renamed when complete. */
mdlz_status arc_create(const char *archive, char *const *paths, int n,
                       const arc_write_opts *o, char *err, size_t errlen);

/** Appends files to an existing archive without recompressing its groups
 *  (they are copied); names already in the archive are refused. */
mdlz_status arc_add(const char *archive, char *const *paths, int n,
                    const arc_write_opts *o, char *err, size_t errlen);

/* ---- reading ------------------------------------------------------------ */

typedef struct arc_reader arc_reader;

/** Opens an archive and reads its table of contents (no document is
 *  decoded). */
mdlz_status arc_open(arc_reader **out, const char *path, char *err,
                     size_t errlen);
void arc_close(arc_reader *r);
const arc_toc *arc_reader_toc(const arc_reader *r);
/** The open archive file (read-only; for copying its groups). */
int arc_reader_fd(const arc_reader *r);
/** Archive bytes: header + groups + TOC + trailer. */
uint64_t arc_reader_size(const arc_reader *r);

/** How documents are extracted or tested. */
typedef struct {
    const char *dir;    /* extract under it; NULL = test (write nothing) */
    int force;          /* replace existing files */
    int threads;        /* 0 = one per core */
    uint64_t mem_limit; /* per decoder (mdlz_dctx_create); 0 = none */
    /* Per selected entry, when done: status MDLZ_OK or the error, with a
     * message (NULL when OK). From any thread, serialized. */
    void (*report)(void *user, const arc_entry *e, mdlz_status st,
                   const char *msg);
    void *user;
} arc_extract_opts;

/** Extracts (or tests) the entries with select[i] != 0 (all when select is
 *  NULL), decoding only the groups they need, each up to the last file
 *  needed. A damaged group fails only the files that need it. Returns
 *  MDLZ_OK if every selected entry succeeded, else the first error. */
mdlz_status arc_extract(arc_reader *r, const uint8_t *select,
                        const arc_extract_opts *o, char *err, size_t errlen);

/** Decodes the selected files into memory: texts[i] (malloc'd, or NULL
 *  for an entry not selected or failed; caller frees). For `add`. */
mdlz_status arc_load(arc_reader *r, const uint8_t *select, uint8_t **texts,
                     int threads, char *err, size_t errlen);

/** Workers to use for `threads` (0 = online cores, at most 8). */
int arc_threads(int threads);

#endif
