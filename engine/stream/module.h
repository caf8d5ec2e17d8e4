/*
 * module.h - what a stream may be made of beyond the core configuration:
 * a *module* is a part of the model with its own settings (an index, a
 * list of tools, a prefix) that may take part in a stream, records in the
 * stream header what decoding needs, may add a predictor component, and
 * may give the model bytes to learn before coding (priming).
 *
 * Modules are rows of the composition root's table (system/table.c): a
 * module implements mod_ops in its own folder (retrieval/module.c,
 * tools/host/module.c, engine/stream/prefix.c) against these engine types
 * only, and the root, the one place that knows every module, opens a
 * stream's model from the table, the same way for both directions:
 *
 *   encoder: encode() for each row (it decides whether it takes part and
 *            writes its record); decoder: decode() for each row whose
 *            record the header holds; then, for the rows taking part,
 *            create() their components in table order, and prime() in
 *            table order; check() after every block.
 *
 * Like SQLite's module structs (sqlite3_module), an ops table is static
 * and const; per-context state is created with the context (state_new),
 * holds the settings made through the public API, and lives as long as it.
 */
#ifndef MDLZ_MODULE_H
#define MDLZ_MODULE_H

#include "component.h"
#include "format.h"

/* What a module sees of the stream being opened. */
typedef struct {
    const mdlz_config *cfg;
    uint64_t declared;    /* encoder: input size if known, else unknown */
    const uint8_t *first; /* encoder: the start of the input ... */
    size_t n;             /* ... n bytes: all of it if n < block_size */
    size_t block_size;
    char *detail; /* a one-line message for the caller on failure */
    size_t detail_len;
} mod_stream;

/* Measurement (mdlz explain): what a module's component predicts for the
 * coming byte, in the module's own terms; the layers above turn them into
 * names (a document's, a tool's). Never used while coding. */
#define MOD_NOTE_TEXT 16
typedef struct {
    int row;         /* set by the composition root: the table row */
    int byte;        /* the byte predicted */
    int64_t source;  /* what it predicts from: retrieval, the document's id
                        in the index (-1 unknown); tools, the tool's place
                        in the stream's tools record */
    uint64_t offset; /* retrieval: where the byte is in that document */
    uint32_t length; /* retrieval: bytes matched so far; tools: bytes
                        proposed */
    uint8_t text[MOD_NOTE_TEXT]; /* tools: the first bytes proposed */
} mod_note;

typedef struct {
    /* Per-context state (NULL if the module has none); freed after the
     * stream's predictor, so components may refer to it. */
    void *(*state_new)(void);
    void (*state_free)(void *st);
    /* Encoder: writes the module's record into rec (room for *len bytes)
     * and sets *len, or sets *len to 0 when it takes no part. */
    mdlz_status (*encode)(void *st, const mod_stream *s, uint8_t *rec,
                          size_t *len);
    /* Decoder: the module's record, present in the header; the module
     * takes part. Checks what decoding needs (MDLZ_ERROR_CORRUPT for a
     * malformed record). */
    mdlz_status (*decode)(void *st, const mod_stream *s, const fmt_record *r);
    /* The module's predictor component, or NULL for none. */
    mdlz_status (*create)(void *st, const mod_stream *s, const bh_table *bh,
                          pr_component *c);
    /* Bytes the model learns before coding (*n = 0: none), or NULL. */
    const uint8_t *(*prime)(void *st, size_t *n);
    /* Decoder, after decode(): the most memory the module will use for
     * this stream beyond the core model (its component, its data), for
     * the caller's memory limit. NULL: nothing worth counting. */
    uint64_t (*memory)(void *st, const mod_stream *s);
    /* After each block: non-OK abandons the stream (message in detail).
     * NULL if it cannot fail. */
    mdlz_status (*check)(void *st, char *detail, size_t detail_len);
    /* Measurement, between bytes: what the module's component (`self`, as
     * create() made it) predicts for the coming byte, into notes[0..cap);
     * returns the count. NULL: nothing to say. */
    int (*annotate)(void *st, const void *self, mod_note *notes, int cap);
} mod_ops;

#endif
