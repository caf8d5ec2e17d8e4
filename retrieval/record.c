/* record.c - the retrieval record (record.h, docs/format.md). */
#include "record.h"

#include <string.h>

size_t ret_record_write(const ret_record *r, uint8_t *d) {
    size_t n = 0;
    d[n++] = (uint8_t)r->modes;
    if (r->modes & MDLZ_RETRIEVE_ONLINE) {
        n += varint_put(d + n, (uint64_t)r->gen);
        wr_le64(d + n, r->hist);
        n += 8;
    }
    n += varint_put(d + n, r->prime_bytes);
    d[n++] = (uint8_t)r->n_docs;
    for (unsigned i = 0; i < r->n_docs; i++) { /* 48-bit content keys */
        for (int b = 0; b < 6; b++)
            d[n++] = (uint8_t)(r->docs[i].hash >> (16 + 8 * b));
        n += varint_put(d + n, r->docs[i].size);
    }
    return n;
}

mdlz_status ret_record_parse(const fmt_record *rec, ret_record *r) {
    fmt_reader rd = fmt_reader_of(rec);
    memset(r, 0, sizeof *r);
    r->modes = fmt_get_u8(&rd);
    if (!r->modes || (r->modes & ~3u)) rd.bad = 1;
    if (r->modes & MDLZ_RETRIEVE_ONLINE) {
        uint64_t gen = fmt_get_varint(&rd);
        if (gen > INT64_MAX) rd.bad = 1;
        r->gen = (int64_t)gen;
        r->hist = fmt_get_le(&rd, 8);
    }
    r->prime_bytes = fmt_get_varint(&rd);
    r->n_docs = fmt_get_u8(&rd);
    if (r->n_docs > RET_RECORD_DOCS_MAX) rd.bad = 1;
    for (unsigned i = 0; i < r->n_docs && !rd.bad; i++) {
        uint64_t key = 0;
        for (int b = 0; b < 6; b++)
            key |= (uint64_t)fmt_get_u8(&rd) << (16 + 8 * b);
        r->docs[i].hash = key;
        r->docs[i].size = fmt_get_varint(&rd);
    }
    return fmt_reader_ok(&rd) ? MDLZ_OK : MDLZ_ERROR_CORRUPT;
}
