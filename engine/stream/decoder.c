/*
 * decoder.c - the stream decoder (stream.h): a small state machine that
 * reads the header, then one block at a time (header, payload), decodes
 * it, checks its XXH32, and hands the bytes out; the trailer's size and
 * XXH64 are checked before the stream is reported complete.
 *
 * Every size read from the input is checked against the limits in the
 * header before it is used, and the header itself (which sizes the model)
 * is checksummed and checked against the caller's memory limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "block.h"
#include "stream.h"

enum {
    ST_HEADER,
    ST_EXT,
    ST_BLOCKHDR,
    ST_PAYLOAD,
    ST_DRAIN,
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
    fmt_records recs; /* its records (pointing into ebuf) */
};

void dec_free(dec_stream *d) {
    if (!d) return;
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
    d->hooks = *h;
    *out = d;
    return MDLZ_OK;
}

int dec_started(const dec_stream *d) {
    return d->stage != ST_HEADER || d->hlen;
}

void dec_set_out_limit(dec_stream *d, uint64_t limit) { d->out_limit = limit; }

/* Sets up the model and buffers once the header is known; the hooks
 * check what the stream needs against the caller's memory limit. */
static mdlz_status start_stream(dec_stream *d) {
    size_t bs = (size_t)1 << d->cfg.block_log;
    d->payload = malloc(bs);
    d->data = malloc(bs);
    if (!d->payload || !d->data) return MDLZ_ERROR_NOMEM;
    return d->hooks.open_dec(d->hooks.user, &d->cfg, &d->recs, &d->pred);
}

/* Turns the gathered payload into d->data and checks it. */
static mdlz_status decode_block(dec_stream *d) {
    const fmt_block *b = &d->blk;
    switch (b->type) {
    case BLK_CM:
        if (!blk_decode(d->pred, d->payload, b->payload_size, d->data,
                        b->raw_size))
            return MDLZ_ERROR_CORRUPT;
        break;
    case BLK_STORE: /* never seen by the model (sniff.h) */
        memcpy(d->data, d->payload, b->raw_size);
        break;
    case BLK_RAW:
        memcpy(d->data, d->payload, b->raw_size);
        blk_train(d->pred, d->data, b->raw_size);
        break;
    case BLK_ZSTD: {
        size_t z =
            ZSTD_decompress(d->data, b->raw_size, d->payload, b->payload_size);
        if (ZSTD_isError(z) || z != b->raw_size) return MDLZ_ERROR_CORRUPT;
        blk_train(d->pred, d->data, b->raw_size);
        break;
    }
    default: return MDLZ_ERROR_CORRUPT;
    }
    if (XXH32(d->data, b->raw_size, 0) != b->checksum)
        return MDLZ_ERROR_CHECKSUM;
    XXH64_update(d->xs, d->data, b->raw_size);
    d->total += b->raw_size;
    if (d->declared != MDLZ_SIZE_UNKNOWN && d->total > d->declared)
        return MDLZ_ERROR_CORRUPT;
    d->data_pos = 0;
    return MDLZ_OK;
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
        if (d->total + d->blk.raw_size > d->out_limit)
            return MDLZ_ERROR_DST_SIZE;
        d->have = 0;
        d->stage = ST_PAYLOAD;
        return MDLZ_OK;
    }
    case ST_PAYLOAD: {
        size_t k = MDLZ_MIN(avail, d->blk.payload_size - d->have);
        memcpy(d->payload + d->have, src, k);
        d->have += k;
        in->pos += k;
        if (d->have < d->blk.payload_size) break;
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
