/*
 * archive.h - the internals shared by archive/'s files, which implement
 * include/mdlz_archive.h: constants of the container, the reader handle's
 * access to the table of contents, and decoding into memory (for add and
 * remove). Layout, grouping and dependency rules: docs/archive.md.
 *
 * Functions that can fail return MDLZ_OK or an mdlz_status, with a
 * one-line message in `err`.
 */
#ifndef MDLZ_ARCHIVE_INTERNAL_H
#define MDLZ_ARCHIVE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"
#include "mdlz_archive.h"
#include "toc.h"

#define ARC_MAGIC         "MDLZA\r\n\x1a" /* 8 bytes: catches text-mode mangling */
#define ARC_VERSION       1
#define ARC_HEADER_SIZE   16
#define ARC_TRAILER_SIZE  24
#define ARC_TRAILER_MAGIC "MDLA"

#define ARC_GROUP_DEFAULT MDLZ_ARCHIVE_GROUP_DEFAULT
#define ARC_DEPTH_DEFAULT MDLZ_ARCHIVE_DEPTH_DEFAULT
#define ARC_FANIN_DEFAULT MDLZ_ARCHIVE_FANIN_DEFAULT
/* The prefix is learned at about the speed the group is decoded, so its
 * size trades ratio for the cost of extracting (bench/archive.py). */
#define ARC_PRIME_DEFAULT MDLZ_ARCHIVE_PRIME_DEFAULT

typedef mdlz_archive_write_opts arc_write_opts;
typedef mdlz_archive_extract_opts arc_extract_opts;
typedef struct mdlz_archive arc_reader;

/** 0 if the reserved[] tail of an options struct is zero, else -1 with a
 *  message (MDLZ_ERROR_PARAM for the caller). */
int arc_reserved_zero(const uint32_t *reserved, size_t n, char *err,
                      size_t errlen);

const arc_toc *arc_reader_toc(const arc_reader *r);
/** The open archive file (read-only; for copying its groups). */
int arc_reader_fd(const arc_reader *r);
/** Archive bytes: header + groups + TOC + trailer. */
uint64_t arc_reader_size(const arc_reader *r);
/** The level the table of contents' stream was coded at. */
int arc_reader_toc_level(const arc_reader *r);

/** Decodes the selected files into memory: texts[i] (malloc'd, or NULL
 *  for an entry not selected or failed; caller frees), with o's threads,
 *  mem_limit and cleanup. For add, remove and mdlz_archive_read. */
mdlz_status arc_load(arc_reader *r, const uint8_t *select, uint8_t **texts,
                     const arc_extract_opts *o, char *err, size_t errlen);

/** Workers to use for `threads` (0 = online cores, at most 8). */
int arc_threads(int threads);

#endif
