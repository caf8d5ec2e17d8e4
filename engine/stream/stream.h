/*
 * stream.h - the container as a stream (docs/format.md): the encoder cuts
 * the input into blocks, codes each with the predictor (or stores it raw
 * or with zstd when that is smaller) and frames them between a header and
 * a trailer; the decoder reverses it, checking every size before use and
 * every checksum before a byte is reported good.
 *
 * What a stream's model is made of is not the engine's business: the
 * layer above (the composition root, system/) opens the model through
 * str_hooks when the stream starts, and says what the extension records
 * hold. The engine knows the container, the coder and the predictor.
 */
#ifndef MDLZ_STREAM_H
#define MDLZ_STREAM_H

#include "block.h"
#include "format.h"
#include "predictor.h"

typedef struct {
    /* Encoder: opens the model once the first block is buffered (or the
     * input ended before it was full). `first` holds the start of the
     * input (n bytes, all of it when n is less than a block); `cfg` is
     * final. Adds the stream's extension records to recs and returns the
     * predictor, which the stream owns from then on. */
    mdlz_status (*open_enc)(void *user, const mdlz_config *cfg,
                            uint64_t declared, const uint8_t *first, size_t n,
                            size_t block_size, fmt_records *recs,
                            predictor **pred);
    /* Decoder: opens the model from the header's configuration and
     * extension records. */
    mdlz_status (*open_dec)(void *user, const mdlz_config *cfg,
                            const fmt_records *recs, predictor **pred);
    /* Both sides, for every segment after the first (segment.h): a fresh
     * model opened and primed exactly as the first one was. May be called
     * from several threads at once: it reads only what open_enc or
     * open_dec set up. */
    mdlz_status (*open_seg)(void *user, const mdlz_config *cfg,
                            predictor **pred);
    /* Encoder, after open_enc: whether the stream's modules allow
     * segments (0: the stream is coded by one model, seg_log 0). */
    int (*segmentable)(void *user);
    /* Decoder, after open_dec: the memory one model of the stream needs
     * (with its modules) and the caller's limit (0: none), for the number
     * of threads. */
    uint64_t (*memory)(void *user, uint64_t *limit);
    /* After each block (both sides): a status other than MDLZ_OK abandons
     * the stream (e.g. an online query of the index failed). May be NULL. */
    mdlz_status (*check)(void *user);
    void *user;
} str_hooks;

/* ---- encoder -------------------------------------------------------------- */
typedef struct enc_stream enc_stream;

/** A stream for the parameters p (level, size, memory limit; validated
 *  here). The hooks are copied. */
mdlz_status enc_create(enc_stream **out, const mdlz_params *p,
                       const str_hooks *h);
void enc_free(enc_stream *e);

/** Nonzero once data was given or output made: settings are then fixed. */
int enc_started(const enc_stream *e);

/** Turns a core model component (COMP_* bit) on or off before the start. */
void enc_set_component(enc_stream *e, unsigned comp, int on);

/** The model will learn `extra` bytes (a prefix) before the input: the
 *  tables are fitted to both when the input size is known. */
mdlz_status enc_fit_extra(enc_stream *e, uint64_t extra);

/** Threads for the segments (0: one per core; default 1): the output is
 *  the same for any number (segment.h). */
void enc_set_threads(enc_stream *e, unsigned threads);

/** Segments of 2^log bytes instead of the level's, for tests and
 *  measurements (CFG_SEG_LOG_MIN..CFG_SEG_LOG_MAX; 0: the level's).
 *  MDLZ_ERROR_PARAM. */
mdlz_status enc_set_segment_log(enc_stream *e, unsigned log);

/** As mdlz_cctx_set_trace(). */
void enc_set_trace(enc_stream *e, uint32_t interval, mdlz_trace_fn fn,
                   void *user);

/** Measurement: reports what the coder is given for every byte the model
 *  codes (block.h; the probe must outlive the stream). The output is the
 *  same with or without it. */
void enc_set_probe(enc_stream *e, const blk_probe *probe);

/** As mdlz_compress_stream(). */
mdlz_status enc_compress(enc_stream *e, mdlz_outbuf *out, mdlz_inbuf *in,
                         int end, int *done);

/** The configuration the stream will be coded with. */
const mdlz_config *enc_config(const enc_stream *e);

/** Input consumed and output produced so far. */
void enc_progress(const enc_stream *e, uint64_t *in_bytes, uint64_t *out_bytes);

/* ---- decoder -------------------------------------------------------------- */
typedef struct dec_stream dec_stream;

/** A decoder (the hooks open the model, and may refuse it). */
mdlz_status dec_create(dec_stream **out, const str_hooks *h);
void dec_free(dec_stream *d);

/** Nonzero once any input was taken: settings are then fixed. */
int dec_started(const dec_stream *d);

/** Threads for the segments (0: one per core; default 1). */
void dec_set_threads(dec_stream *d, unsigned threads);

/** One-shot decoding: the destination holds at most `limit` bytes, so a
 *  stream declaring more fails before any work (MDLZ_ERROR_DST_SIZE). */
void dec_set_out_limit(dec_stream *d, uint64_t limit);

/** As mdlz_decompress_stream(). */
mdlz_status dec_decompress(dec_stream *d, mdlz_outbuf *out, mdlz_inbuf *in,
                           int *done);

#endif
