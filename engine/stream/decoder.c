/*
 * decoder.c - the stream decoder (stream.h): a small state machine that
 * reads the header, then one block at a time (header, payload), decodes
 * it, checks its XXH32, and hands the bytes out; the trailer's size and
 * XXH64 are checked before the stream is reported complete.
 *
 * Every size read from the input is checked against the limits in the
 * header before it is used, and the header itself (which sizes the model)
 * is checksummed and checked against the caller's memory limit.
 *
 * A segmented stream (seg_log set) has a fresh model every 2^seg_log
 * bytes: one thread decodes block after block and reopens the model at
 * each segment's start; several gather the framed blocks of one segment
 * each and decode them at once (segment.h), then hand the bytes out in
 * order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "block.h"
#include "segment.h"
#include "stream.h"

enum {
    ST_HEADER,
    ST_EXT,
    ST_BLOCKHDR,
    ST_PAYLOAD,
    ST_DRAIN,
    ST_DRAIN_MT, /* several threads: handing out the segments decoded */
    ST_TRAILER,
    ST_DONE
};

struct dec_stream {
    uint64_t out_limit; /* one-shot: bytes the destination can take */
    int stage;
    mdlz_status error; /* sticky */
    mdlz_config cfg;
    uint64_t declared;
    str_hooks hooks;
    predictor *pred;
    uint8_t hbuf[FMT_HEADER_MAX + FMT_TRAILER_SIZE];
    size_t hlen, hneed; /* bytes gathered in hbuf / needed */
    fmt_block blk;
    uint8_t *payload;
    size_t have;
    uint8_t *data; /* decoded block */
    size_t data_pos;
    XXH64_state_t *xs;
    uint64_t total;
    uint8_t *ebuf; /* extension area being gathered */
    size_t elen;
    fmt_records recs;  /* its records (pointing into ebuf) */
    unsigned threads;  /* asked for: 0 = one per core */
    size_t seg_blocks; /* blocks of a segment (0: not segmented) */
    size_t seg_count;  /* blocks of the current segment so far */
    seg_batch *mt;     /* several threads: the segments gathered */
    uint64_t mt_raw;   /* ... the bytes their blocks declare */
    unsigned emit;     /* ... the next one to hand out, once decoded */
};

void dec_free(dec_stream *d) {
    if (!d) return;
    seg_batch_free(d->mt);
    pred_free(d->pred);
    free(d->ebuf);
    free(d->payload);
    free(d->data);
    XXH64_freeState(d->xs);
    free(d);
}

mdlz_status dec_create(dec_stream **out, const str_hooks *h) {
    *out = NULL;
    dec_stream *d = calloc(1, sizeof *d);
    if (!d) return MDLZ_ERROR_NOMEM;
    d->xs = XXH64_createState();
    if (!d->xs) {
        free(d);
        return MDLZ_ERROR_NOMEM;
    }
    XXH64_reset(d->xs, 0);
    d->out_limit = UINT64_MAX;
    d->threads = 1;
    d->hooks = *h;
    *out = d;
    return MDLZ_OK;
}

int dec_started(const dec_stream *d) {
    return d->stage != ST_HEADER || d->hlen;
}

void dec_set_out_limit(dec_stream *d, uint64_t limit) { d->out_limit = limit; }

void dec_set_threads(dec_stream *d, unsigned threads) { d->threads = threads; }

/* Sets up the model and buffers once the header is known; the hooks
 * check what the stream needs against the caller's memory limit. With
 * segments, as many threads as asked for and the limit allows (else the
 * one thread decodes the same segments). */
static mdlz_status start_stream(dec_stream *d) {
    size_t bs = (size_t)1 << d->cfg.block_log;
    d->payload = malloc(bs);
    d->data = malloc(bs);
    if (!d->payload || !d->data) return MDLZ_ERROR_NOMEM;
    MDLZ_FORWARD(d->hooks.open_dec(d->hooks.user, &d->cfg, &d->recs, &d->pred));
    if (!d->cfg.seg_log) return MDLZ_OK;
    d->seg_blocks = (size_t)1 << (d->cfg.seg_log - d->cfg.block_log);
    uint64_t limit = 0, model = d->hooks.memory(d->hooks.user, &limit);
    unsigned t = seg_fit_threads(&d->cfg, seg_threads(d->threads), d->declared,
                                 model, limit);
    if (t >= 2 &&
        seg_batch_create(&d->mt, 1, &d->cfg, &d->hooks, t) == MDLZ_OK) {
        d->mt->job[0].pred = d->pred;
        d->pred = NULL;
    }
    return MDLZ_OK;
}

/* Turns the gathered payload into d->data and checks it, with a fresh
 * model when the block starts a segment. */
static mdlz_status decode_block(dec_stream *d) {
    const fmt_block *b = &d->blk;
    if (d->seg_blocks && d->seg_count == d->seg_blocks) {
        pred_free(d->pred);
        d->pred = NULL;
        MDLZ_FORWARD(d->hooks.open_seg(d->hooks.user, &d->cfg, &d->pred));
        d->seg_count = 0;
    }
    d->seg_count++;
    MDLZ_FORWARD(blk_unframe(d->pred, b, d->payload, d->data));
    XXH64_update(d->xs, d->data, b->raw_size);
    d->total += b->raw_size;
    if (d->declared != MDLZ_SIZE_UNKNOWN && d->total > d->declared)
        return MDLZ_ERROR_CORRUPT;
    d->data_pos = 0;
    return MDLZ_OK;
}

/* Several threads: decodes the segments gathered (the last may hold
 * fewer blocks) and accounts for their bytes, in order. */
static mdlz_status decode_batch(dec_stream *d) {
    seg_batch *b = d->mt;
    if (b->used < b->n_slots && b->job[b->used].n) b->used++;
    MDLZ_FORWARD(seg_batch_run(b));
    for (unsigned i = 0; i < b->used; i++) {
        XXH64_update(d->xs, b->job[i].dst, b->job[i].len);
        d->total += b->job[i].len;
    }
    d->mt_raw = 0;
    d->emit = 0;
    d->data_pos = 0;
    d->stage = ST_DRAIN_MT;
    if (d->hooks.check) MDLZ_FORWARD(d->hooks.check(d->hooks.user));
    return MDLZ_OK;
}

/* Several threads: a block header and payload are added to the segment
 * being gathered; a full batch is decoded. */
static mdlz_status gather_block(dec_stream *d) {
    seg_batch *b = d->mt;
    b->job[b->used].n += d->have;
    if (++d->seg_count < d->seg_blocks) return MDLZ_OK;
    d->seg_count = 0;
    if (++b->used < b->n_slots) return MDLZ_OK;
    return decode_batch(d);
}

static mdlz_status check_trailer(dec_stream *d) {
    uint64_t size = rd_le64(d->hbuf + 1);
    if (size != d->total) return MDLZ_ERROR_CORRUPT;
    if (d->declared != MDLZ_SIZE_UNKNOWN && size != d->declared)
        return MDLZ_ERROR_CORRUPT;
    if (rd_le64(d->hbuf + 9) != XXH64_digest(d->xs)) return MDLZ_ERROR_CHECKSUM;
    return MDLZ_OK;
}

/* One step of the state machine; returns MDLZ_OK with *wait set when it
 * needs more input or output space. */
static mdlz_status step(dec_stream *d, mdlz_outbuf *out, mdlz_inbuf *in,
                        int *wait) {
    const uint8_t *src = in->src ? (const uint8_t *)in->src + in->pos : NULL;
    size_t avail = in->size - in->pos;
    *wait = 0;
    switch (d->stage) {
    case ST_HEADER: {
        /* Byte by byte: the header's length is known only as it is read,
         * and no byte past it may be consumed. */
        if (!avail) break;
        d->hbuf[d->hlen++] = *src;
        in->pos++;
        size_t len;
        int has_ext;
        mdlz_status st = fmt_parse_header(d->hbuf, d->hlen, &d->cfg,
                                          &d->declared, &has_ext, &len);
        if (st == MDLZ_ERROR_TRUNCATED) {
            if (d->hlen >= FMT_HEADER_MAX) return MDLZ_ERROR_CORRUPT;
            return MDLZ_OK;
        }
        MDLZ_FORWARD(st);
        if (d->declared != MDLZ_SIZE_UNKNOWN && d->declared > d->out_limit)
            return MDLZ_ERROR_DST_SIZE;
        d->hlen = d->hneed = 0;
        if (has_ext) {
            d->ebuf = malloc(FMT_EXT_MAX + 6);
            if (!d->ebuf) return MDLZ_ERROR_NOMEM;
            d->stage = ST_EXT;
            return MDLZ_OK;
        }
        MDLZ_FORWARD(start_stream(d));
        d->stage = ST_BLOCKHDR;
        return MDLZ_OK;
    }
    case ST_EXT: {
        if (!avail) break;
        /* The length comes first: take it, then exactly the rest. */
        size_t need =
            d->elen < 2
                ? 2
                : 2 + ((size_t)d->ebuf[0] | (size_t)d->ebuf[1] << 8) + 4;
        if (need > FMT_EXT_MAX + 6) return MDLZ_ERROR_CORRUPT;
        size_t k = MDLZ_MIN(avail, need - d->elen);
        memcpy(d->ebuf + d->elen, src, k);
        d->elen += k;
        in->pos += k;
        size_t len;
        mdlz_status st = fmt_parse_ext(d->ebuf, d->elen, &d->recs, &len);
        if (st == MDLZ_ERROR_TRUNCATED) return MDLZ_OK;
        MDLZ_FORWARD(st);
        MDLZ_FORWARD(start_stream(d));
        d->stage = ST_BLOCKHDR;
        return MDLZ_OK;
    }
    case ST_BLOCKHDR:
    case ST_TRAILER: {
        if (!avail) break;
        if (d->hneed == 0 && *src == BLK_END && d->mt &&
            (d->mt->used || d->mt->job[0].n))
            return decode_batch(d); /* the trailer waits for the bytes */
        if (d->hneed == 0) {
            d->hneed = fmt_block_header_size(*src);
            if (d->hneed == 0) return MDLZ_ERROR_CORRUPT;
            if (*src == BLK_END) {
                d->stage = ST_TRAILER;
                d->hneed = FMT_TRAILER_SIZE;
            }
        }
        size_t k = MDLZ_MIN(avail, d->hneed - d->hlen);
        memcpy(d->hbuf + d->hlen, src, k);
        d->hlen += k;
        in->pos += k;
        if (d->hlen < d->hneed) return MDLZ_OK;
        d->hlen = d->hneed = 0;
        if (d->stage == ST_TRAILER) {
            MDLZ_FORWARD(check_trailer(d));
            d->stage = ST_DONE;
            return MDLZ_OK;
        }
        MDLZ_FORWARD(
            fmt_parse_block(d->hbuf, &d->blk, (uint32_t)1 << d->cfg.block_log));
        /* Fail before decoding a block the destination cannot take:
         * decoding costs time in proportion to the size it declares. */
        if (d->total + d->mt_raw + d->blk.raw_size > d->out_limit)
            return MDLZ_ERROR_DST_SIZE;
        d->have = 0;
        d->stage = ST_PAYLOAD;
        if (d->mt) {
            /* The block's header goes with its payload to the segment. */
            seg_job *j = &d->mt->job[d->mt->used];
            j->n += fmt_write_block(j->src + j->n, &d->blk);
            d->mt_raw += d->blk.raw_size;
            if (d->declared != MDLZ_SIZE_UNKNOWN &&
                d->total + d->mt_raw > d->declared)
                return MDLZ_ERROR_CORRUPT;
        }
        return MDLZ_OK;
    }
    case ST_PAYLOAD: {
        size_t k = MDLZ_MIN(avail, d->blk.payload_size - d->have);
        uint8_t *dst = d->payload;
        if (d->mt)
            dst = d->mt->job[d->mt->used].src + d->mt->job[d->mt->used].n;
        memcpy(dst + d->have, src, k);
        d->have += k;
        in->pos += k;
        if (d->have < d->blk.payload_size) break;
        if (d->mt) {
            d->stage = ST_BLOCKHDR;
            return gather_block(d);
        }
        MDLZ_FORWARD(decode_block(d));
        if (d->hooks.check) MDLZ_FORWARD(d->hooks.check(d->hooks.user));
        d->stage = ST_DRAIN;
        return MDLZ_OK;
    }
    case ST_DRAIN: {
        size_t k =
            MDLZ_MIN(d->blk.raw_size - d->data_pos, out->size - out->pos);
        memcpy((uint8_t *)out->dst + out->pos, d->data + d->data_pos, k);
        out->pos += k;
        d->data_pos += k;
        if (d->data_pos < d->blk.raw_size) break;
        d->stage = ST_BLOCKHDR;
        return MDLZ_OK;
    }
    case ST_DRAIN_MT: {
        seg_batch *b = d->mt;
        if (d->emit == b->used) {
            seg_batch_reset(b);
            d->stage = ST_BLOCKHDR;
            return MDLZ_OK;
        }
        const seg_job *j = &b->job[d->emit];
        size_t k = MDLZ_MIN(j->len - d->data_pos, out->size - out->pos);
        memcpy((uint8_t *)out->dst + out->pos, j->dst + d->data_pos, k);
        out->pos += k;
        d->data_pos += k;
        if (d->data_pos < j->len) break;
        d->emit++;
        d->data_pos = 0;
        return MDLZ_OK;
    }
    }
    *wait = 1;
    return MDLZ_OK;
}

mdlz_status dec_decompress(dec_stream *d, mdlz_outbuf *out, mdlz_inbuf *in,
                           int *done) {
    *done = 0;
    if (d->error) return d->error;
    if (out->pos > out->size || in->pos > in->size)
        return d->error = MDLZ_ERROR_PARAM;
    while (d->stage != ST_DONE) {
        int wait;
        mdlz_status st = step(d, out, in, &wait);
        if (st != MDLZ_OK) return d->error = st;
        if (wait) return MDLZ_OK;
    }
    *done = 1;
    return MDLZ_OK;
}

mdlz_status mdlz_get_trailer_info(mdlz_trailer_info *info, const void *tail,
                                  size_t tail_size) {
    if (tail_size < FMT_TRAILER_SIZE) return MDLZ_ERROR_TRUNCATED;
    const uint8_t *t = (const uint8_t *)tail + tail_size - FMT_TRAILER_SIZE;
    if (t[0] != BLK_END) return MDLZ_ERROR_CORRUPT;
    info->src_size = rd_le64(t + 1);
    info->checksum = rd_le64(t + 9);
    return MDLZ_OK;
}
