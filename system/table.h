/*
 * table.h - the composition root: the one table of everything a stream's
 * model may be made of, and the one function that opens a stream's model
 * from it, for compression and decompression alike. This folder is the
 * only code that knows every component; the engine below it knows none of
 * them (it sees pr_component and mod_ops), and the command above it sees
 * only the public headers.
 *
 * A row is a core model switched by a bit of the model configuration
 * (recorded in the header) or a module (engine/stream/module.h) that owns
 * an extension record of the header. Rows are wired in table order:
 * components are added to the predictor (their mixer inputs) and the
 * model is primed in that order, so the prefix is learned before the
 * retrieved text. Records are written in order of their type
 * (docs/format.md), whatever the order of the rows.
 */
#ifndef MDLZ_SYSTEM_TABLE_H
#define MDLZ_SYSTEM_TABLE_H

#include "module.h"
#include "predictor.h"

typedef struct {
    const char *name;   /* its code-size entry (system/meson.build), its
                           name in `mdlz ablate` and `mdlz -l -v` */
    unsigned comp;      /* a core model: the COMP_* bit that turns it on */
    unsigned record;    /* a module: the extension record it owns */
    const mod_ops *ops; /* what it does */
} sys_row;

enum { ROW_ORDERS, ROW_MATCH, ROW_PREFIX, ROW_RETRIEVAL, ROW_TOOLS, SYS_ROWS };

extern const sys_row sys_table[SYS_ROWS];

/** Whether row r is part of the stream whose header holds cfg and recs. */
int sys_row_in(const sys_row *r, const mdlz_config *cfg,
               const fmt_records *recs);

/* What a context (mdlz_cctx, mdlz_dctx) holds of the table: each row's
 * module state, which rows take part in its stream, and the message of
 * the last failure. */
typedef struct {
    void *state[SYS_ROWS];
    void *self[SYS_ROWS]; /* each row's component (for measurement) */
    uint8_t on[SYS_ROWS];
    uint64_t mem_limit; /* decoder: refuse streams needing more (0: none) */
    uint64_t mem_need;  /* decoder: what the stream needs, once known */
    char detail[256];
} sys_ctx;

/** Creates each row's state. MDLZ_ERROR_NOMEM. */
mdlz_status sys_ctx_init(sys_ctx *x);
/** Frees the states; call after the stream's predictor is freed. */
void sys_ctx_free(sys_ctx *x);

/** Encoder (str_hooks.open_enc): each module decides whether it takes
 *  part and adds its record; then the model is opened. */
mdlz_status sys_open_encoder(sys_ctx *x, const mdlz_config *cfg,
                             uint64_t declared, const uint8_t *first, size_t n,
                             size_t block_size, fmt_records *recs,
                             predictor **pred);

/** Decoder (str_hooks.open_dec): each record goes to the module that
 *  owns it (MDLZ_ERROR_VERSION for a record no row owns); what the stream
 *  needs (the core model and each module) is checked against x->mem_limit
 *  (MDLZ_ERROR_MEMLIMIT, naming the need); then the model is opened. */
mdlz_status sys_open_decoder(sys_ctx *x, const mdlz_config *cfg,
                             const fmt_records *recs, predictor **pred);

/** Both sides, for every segment after the first (str_hooks.open_seg):
 *  the model opened and primed as the first one was, from what
 *  sys_open_encoder or sys_open_decoder set up, which it only reads: safe
 *  from several threads at once. */
mdlz_status sys_open_segment(sys_ctx *x, const mdlz_config *cfg,
                             predictor **pred);

/** Encoder, after sys_open_encoder (str_hooks.segmentable): whether the
 *  rows taking part allow segments. Retrieval does not: its online
 *  queries grow one session along the whole stream. */
int sys_segmentable(const sys_ctx *x);

/** The model of a stream without modules (the core rows its
 *  configuration turns on): for tests and measurements that drive the
 *  predictor directly. */
mdlz_status sys_open_plain(const mdlz_config *cfg, predictor **pred);

/** After each block (str_hooks.check): the check of every row taking part. */
mdlz_status sys_check(sys_ctx *x);

#endif
