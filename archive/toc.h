/*
 * toc.h - the table of contents of an mdlz archive: its groups (solid
 * mdlz frames), their dependencies, and its entries (files, directories).
 * The serialized form and its checks are in docs/archive.md; the parser
 * takes untrusted bytes and is fuzzed (tests/fuzz/fuzz_toc.c).
 */
#ifndef MDLZ_ARCHIVE_TOC_H
#define MDLZ_ARCHIVE_TOC_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"
#include "mdlz_archive.h"

#define ARC_TOC_VERSION 1
#define ARC_NAME_MAX    4096 /* bytes of an entry name */
#define ARC_DEPS_MAX    64   /* files one group may retrieve */
#define ARC_ENTRIES_MAX (1u << 24)

enum { ARC_FILE = MDLZ_ARCHIVE_FILE, ARC_DIR = MDLZ_ARCHIVE_DIR };
#if ARC_DEPS_MAX != MDLZ_ARCHIVE_FANIN_MAX
#error "ARC_DEPS_MAX is the public MDLZ_ARCHIVE_FANIN_MAX"
#endif

/** One file or directory. Files of a group are consecutive entries. */
typedef struct {
    char *name;      /* relative, '/'-separated, checked by arc_name_ok */
    uint8_t type;    /* ARC_FILE or ARC_DIR */
    uint32_t mode;   /* permission bits (07777) */
    int64_t mtime;   /* seconds since the epoch */
    uint64_t size;   /* files: original bytes */
    uint32_t hash32; /* files: low 32 bits of XXH3-64 of the content */
    int64_t group;   /* files: group index, -1 for an empty file */
    uint64_t csize;  /* files: compressed bytes spent on it (estimate) */
    uint64_t offset; /* files: position in the group's text (derived) */
} arc_entry;

/** One group: an mdlz frame of its files' contents, concatenated, whose
 *  prefix is the contents of its dependencies, concatenated in order. */
typedef struct {
    uint64_t offset; /* of the frame in the archive file */
    uint64_t csize;  /* frame bytes */
    uint64_t raw;    /* sum of its files' sizes */
    uint32_t depth;  /* 0 without dependencies, else 1 + theirs */
    uint32_t n_deps;
    uint32_t deps[ARC_DEPS_MAX]; /* entry indices, earlier groups' files */
    uint32_t first, count;       /* its entries (derived) */
} arc_group;

typedef struct {
    arc_group *groups;
    size_t n_groups, cap_groups;
    arc_entry *entries;
    size_t n_entries, cap_entries;
} arc_toc;

void arc_toc_free(arc_toc *t);

/** Appends an entry (the name is copied) / a group; 0 or -1 (no memory). */
int arc_toc_add_entry(arc_toc *t, const arc_entry *e);
int arc_toc_add_group(arc_toc *t, const arc_group *g);

/** Serializes the TOC into a malloc'd buffer. Returns 0 or -1. */
int arc_toc_write(const arc_toc *t, uint8_t **out, size_t *len);

/** Parses and checks a serialized TOC (entries and groups consistent,
 *  frames inside [data_start, data_end) and not overlapping, dependencies
 *  on earlier files, names safe). MDLZ_OK, or MDLZ_ERROR_CORRUPT /
 *  MDLZ_ERROR_VERSION / MDLZ_ERROR_NOMEM with a message in err. */
mdlz_status arc_toc_parse(const uint8_t *src, size_t n, uint64_t data_start,
                          uint64_t data_end, arc_toc *t, char *err,
                          size_t errlen);

/** 1 if `name` is a safe relative entry name: not empty, no leading '/',
 *  no empty, "." or ".." component, no NUL, at most ARC_NAME_MAX bytes. */
int arc_name_ok(const char *name, size_t len);

/** Marks the closure of the files wanted (want[i] != 0; or, when want is
 *  NULL, of entry `root`): need[g] (n_groups slots, zeroed) becomes the
 *  last entry + 1 of group g to decode, 0 if not needed; refs (NULL, or
 *  n_entries zeroed slots) counts, per file, the needed groups whose
 *  prefix holds it. 0, or -1 when out of memory. */
int arc_toc_closure(const arc_toc *t, const uint8_t *want, uint32_t root,
                    uint32_t *need, uint32_t *refs);

/** Bytes a decoder must process to get entry i: its group's text up to
 *  and including it, with each dependency's own cost, counted once per
 *  group and prefix (the closure). *docs gets the files decoded. */
uint64_t arc_closure_cost(const arc_toc *t, uint32_t i, uint32_t *docs);

/** The contents texts[i] (each of its entry's size) of the entries
 *  list[0..n) (or, when list is NULL, first..first+n-1) concatenated, in
 *  a malloc'd buffer of *len bytes: a group's text, or its prefix. NULL
 *  with *missing = the first entry without a text, or with *missing =
 *  UINT32_MAX when out of memory. */
uint8_t *arc_concat(const arc_toc *t, uint8_t *const *texts,
                    const uint32_t *list, uint32_t first, uint32_t n,
                    size_t *len, uint32_t *missing);

/** Entry i as the public API gives it (decode cost not computed: 0). */
void arc_entry_public(const arc_toc *t, uint32_t i, mdlz_archive_entry *out);

/** Marks in sel the entry named `name` and, when it is a directory,
 *  every entry under it (a trailing '/' of name is ignored); returns how
 *  many matched. */
uint64_t arc_toc_select(const arc_toc *t, const char *name, uint8_t *sel);

/** Dependencies of all groups together. */
size_t arc_toc_deps(const arc_toc *t);

/** Bytes a decoder processes to get every file: all groups' texts and
 *  prefixes. */
uint64_t arc_total_cost(const arc_toc *t);

#endif
