/*
 * session.h - retrieval during one compression or decompression: the open
 * index (pinned to one snapshot) and the text retrieved from it so far.
 *
 * The text buffer is what the retrieval match model (rmatch.h) predicts
 * from and what the model may be primed with. Both sides fill it in the
 * same order: first the documents recorded in the stream header (WHOLE
 * mode, least relevant first so the best match is the most recent text),
 * then, in ONLINE mode, the hits of queries made at fixed positions of
 * the coded text, at the index generation the encoder saw (recorded in
 * the header with its history hash). Documents are found by their content
 * (hash and size) and verified, so an index that lost one is an error
 * that names it and says what brings it back.
 */
#ifndef MDLZ_RETRIEVAL_SESSION_H
#define MDLZ_RETRIEVAL_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"
#include "mdlz_index.h"

/* Limits of one stream's retrieval. WHOLE: documents chosen for the input;
 * ONLINE: documents per query and queries per stream. The text buffer is
 * bounded by RET_TEXT_MAX whatever the index holds. */
#define RET_WHOLE_DOCS     8
#define RET_WHOLE_BYTES    ((uint64_t)8 << 20)
#define RET_ONLINE_DOCS    2
#define RET_ONLINE_QUERIES 8
#define RET_ONLINE_WINDOW  4096
#define RET_ONLINE_FIRST   8192 /* first query at this coded position */
#define RET_TEXT_MAX       ((size_t)16 << 20)
#define RET_QUERY_TERMS    MDLZ_INDEX_QUERY_TERMS

typedef struct ret_session ret_session;

/** Opens the index at `path` read-only and pins its current snapshot;
 *  online queries see its newest generation until
 *  ret_session_use_generation(). Returns MDLZ_OK or MDLZ_ERROR_INDEX
 *  (message in err). */
mdlz_status ret_session_open(ret_session **out, const char *path, char *err,
                             size_t errlen);
void ret_session_free(ret_session *s);

/** Encoder: the generation online queries see (the newest when the
 *  session was opened): its number and history hash, for the header. */
void ret_session_generation(const ret_session *s, int64_t *gen,
                            uint64_t *history);

/** Decoder: online queries see generation `gen`, which must have history
 *  `history` and be intact. MDLZ_ERROR_INDEX (message in err: what is
 *  different or gone, and what would bring it back) otherwise. */
mdlz_status ret_session_use_generation(ret_session *s, int64_t gen,
                                       uint64_t history, char *err,
                                       size_t errlen);

/** Encoder, WHOLE mode: picks documents for `text` (the input's first
 *  block) and loads them; refs receives them in load order (best last).
 *  Returns the count (0..max) or -1 (message in err). */
int ret_session_choose(ret_session *s, const uint8_t *text, size_t n,
                       mdlz_docref *refs, int max, char *err, size_t errlen);

/** Loads a document recorded in a stream header, found by its content
 *  (hash and size). MDLZ_ERROR_INDEX naming it if it is not stored. */
mdlz_status ret_session_load(ret_session *s, const mdlz_docref *ref, char *err,
                             size_t errlen);

/** ONLINE mode, both sides: queries the index with `recent` (the last
 *  coded bytes) and appends up to RET_ONLINE_DOCS new documents to the
 *  text. Returns the number added, or -1 on an index error. */
int ret_session_online(ret_session *s, const uint8_t *recent, size_t n);

/** Nonzero once an online query failed (the index became unreadable):
 *  the two sides may now differ, so the stream must be abandoned. */
int ret_session_failed(const ret_session *s);

/** Measurement only (measure/value.c): queries treat the documents whose
 *  content hashes are given (copied) as not in the index, ranking
 *  statistics included (mdlz_index_select_without). A decoder is never
 *  told, so an ONLINE stream made so does not decode: such streams are
 *  measured, never kept. MDLZ_ERROR_NOMEM. */
mdlz_status ret_session_exclude(ret_session *s, const uint64_t *hashes, int n);

/** The content hashes of the documents in the text, in load order
 *  (WHOLE's first, then each online query's): what the stream used. */
const uint64_t *ret_session_loaded(const ret_session *s, int *n);

/** The retrieved text so far (the pointer may change when text is added). */
const uint8_t *ret_session_text(const ret_session *s, size_t *len);

/** Measurement: the document that position `pos` of the text belongs to,
 *  and the offset in it (id -1: a document loaded by its recorded content,
 *  as a decoder does). Returns 0, or -1 if pos is past the text. */
int ret_session_locate(const ret_session *s, size_t pos, int64_t *id,
                       uint64_t *offset);

#endif
