/* record.c - the retrieval record (record.h, docs/format.md). */
#include "record.h"

#include <string.h>

size_t ret_record_write(const ret_record *r, uint8_t *d) {
    size_t n = 0;
    d[n++] = (uint8_t)r->modes;
    if (r->modes & MDLZ_RETRIEVE_ONLINE) {
        wr_le64(d + n, r->fp);
        n += 8;
    }
    n += varint_put(d + n, r->prime_bytes);
    d[n++] = (uint8_t)r->n_docs;
    for (unsigned i = 0; i < r->n_docs; i++) {
        n += varint_put(d + n, (uint64_t)r->docs[i].id);
        wr_le32(d + n, r->docs[i].hash32);
        n += 4;
        n += varint_put(d + n, r->docs[i].size);
    }
    return n;
}

mdlz_status ret_record_parse(const fmt_record *rec, ret_record *r) {
    fmt_reader rd = fmt_reader_of(rec);
    memset(r, 0, sizeof *r);
    r->modes = fmt_get_u8(&rd);
    if (!r->modes || (r->modes & ~3u)) rd.bad = 1;
    if (r->modes & MDLZ_RETRIEVE_ONLINE) r->fp = fmt_get_le(&rd, 8);
    r->prime_bytes = fmt_get_varint(&rd);
    r->n_docs = fmt_get_u8(&rd);
    if (r->n_docs > RET_RECORD_DOCS_MAX) rd.bad = 1;
    for (unsigned i = 0; i < r->n_docs && !rd.bad; i++) {
        r->docs[i].id = (int64_t)fmt_get_varint(&rd);
        r->docs[i].hash32 = (uint32_t)fmt_get_le(&rd, 4);
        r->docs[i].size = fmt_get_varint(&rd);
    }
    return fmt_reader_ok(&rd) ? MDLZ_OK : MDLZ_ERROR_CORRUPT;
}
