/*
 * open.c - opening an archive: its header, trailer and table of contents
 * (docs/archive.md), and what the reader handle tells about them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "archive.h"
#include "common.h"
#include "request.h"

/* The largest table of contents read. */
#define TOC_MAX ((uint64_t)1 << 30)

const arc_toc *arc_reader_toc(const arc_reader *r) { return &r->toc; }
uint64_t arc_reader_size(const arc_reader *r) { return r->size; }
int arc_reader_fd(const arc_reader *r) { return r->fd; }
int arc_reader_toc_level(const arc_reader *r) { return r->toc_level; }
const char *mdlz_archive_damage(const mdlz_archive *a) { return a->damage; }

void mdlz_archive_close(mdlz_archive *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    arc_toc_free(&r->toc);
    free(r);
}

int req_read_at(int fd, void *buf, size_t n, uint64_t off) {
    uint8_t *p = buf;
    while (n) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

/* Decodes a whole mdlz frame held in memory (the TOC); *level gets the
 * level it was coded at. */
static mdlz_status decode_frame(const uint8_t *src, size_t n, uint8_t **out,
                                size_t *len, int *level) {
    mdlz_frame_info fi;
    MDLZ_FORWARD(mdlz_get_frame_info(&fi, src, n));
    *level = fi.level;
    if (fi.src_size == MDLZ_SIZE_UNKNOWN || fi.src_size > TOC_MAX)
        return MDLZ_ERROR_CORRUPT;
    *out = malloc(fi.src_size ? fi.src_size : 1);
    if (!*out) return MDLZ_ERROR_NOMEM;
    mdlz_status st = mdlz_decompress(*out, fi.src_size, len, src, n, 0);
    if (st != MDLZ_OK || *len != fi.src_size) {
        free(*out);
        *out = NULL;
        return st != MDLZ_OK ? st : MDLZ_ERROR_CORRUPT;
    }
    return MDLZ_OK;
}

/* Decodes and parses the TOC frame src[0..n), found at toc_off. */
static mdlz_status read_toc(arc_reader *r, const uint8_t *src, size_t n,
                            uint64_t toc_off, char *err, size_t errlen) {
    uint8_t *body = NULL;
    size_t blen = 0;
    mdlz_status s = decode_frame(src, n, &body, &blen, &r->toc_level);
    if (s != MDLZ_OK) {
        snprintf(err, errlen, "table of contents is damaged (%s)",
                 mdlz_strerror(s));
        return s == MDLZ_ERROR_NOMEM ? s : MDLZ_ERROR_CORRUPT;
    }
    s = arc_toc_parse(body, blen, ARC_HEADER_SIZE, toc_off, &r->toc, err,
                      errlen);
    free(body);
    return s;
}

/* The TOC where a valid trailer says it is. */
static mdlz_status toc_at(arc_reader *r, uint64_t off, uint64_t len, char *err,
                          size_t errlen) {
    uint8_t *frame = malloc(len ? len : 1);
    if (!frame) {
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
    mdlz_status s = MDLZ_ERROR_GENERIC;
    if (req_read_at(r->fd, frame, len, off) != 0)
        snprintf(err, errlen, "read error: %s", strerror(errno));
    else s = read_toc(r, frame, len, off, err, errlen);
    free(frame);
    return s;
}

/* What the header says: HDR_OK, or why it cannot be trusted. */
enum { HDR_OK, HDR_FOREIGN, HDR_DAMAGED, HDR_VERSION };

static int check_header(const arc_reader *r) {
    uint8_t h[ARC_HEADER_SIZE];
    if (r->size < ARC_HEADER_SIZE || req_read_at(r->fd, h, sizeof h, 0) != 0 ||
        memcmp(h, ARC_MAGIC, 8) != 0)
        return HDR_FOREIGN;
    if (rd_le32(h + 12) != XXH32(h, 12, 0)) return HDR_DAMAGED;
    return h[8] != ARC_VERSION || h[9] != 0 ? HDR_VERSION : HDR_OK;
}

/* 0 and the TOC's place if the trailer is intact, else -1. */
static int check_trailer(const arc_reader *r, uint64_t *off, uint64_t *len) {
    uint8_t tr[ARC_TRAILER_SIZE];
    if (r->size < ARC_HEADER_SIZE + ARC_TRAILER_SIZE ||
        req_read_at(r->fd, tr, sizeof tr, r->size - sizeof tr) != 0 ||
        memcmp(tr + 20, ARC_TRAILER_MAGIC, 4) != 0 ||
        rd_le32(tr + 16) != XXH32(tr, 16, 0))
        return -1;
    *off = rd_le64(tr);
    *len = rd_le64(tr + 8);
    uint64_t data_end = r->size - ARC_TRAILER_SIZE;
    return *off < ARC_HEADER_SIZE || *len > data_end - *off ||
                   *off + *len != data_end || *len > TOC_MAX
               ? -1
               : 0;
}

/* Checks the header and the trailer, and reads the TOC. */
static mdlz_status open_toc(arc_reader *r, char *err, size_t errlen) {
    uint64_t off, len;
    switch (check_header(r)) {
    case HDR_FOREIGN:
        snprintf(err, errlen, "not an mdlz archive");
        return MDLZ_ERROR_NOT_MDLZ;
    case HDR_DAMAGED:
        snprintf(err, errlen, "archive header is damaged");
        return MDLZ_ERROR_CORRUPT;
    case HDR_VERSION: {
        uint8_t v = 0;
        req_read_at(r->fd, &v, 1, 8);
        snprintf(err, errlen, "archive version %u not supported", v);
        return MDLZ_ERROR_VERSION;
    }
    }
    if (check_trailer(r, &off, &len) != 0) {
        snprintf(err, errlen, "archive is truncated or its end is damaged");
        return MDLZ_ERROR_TRUNCATED;
    }
    return toc_at(r, off, len, err, errlen);
}

mdlz_status mdlz_archive_open(mdlz_archive **out, const char *path, char *err,
                              size_t errlen) {
    *out = NULL;
    if (errlen) err[0] = 0;
    arc_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return MDLZ_ERROR_NOMEM;
    }
    struct stat st;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0 || fstat(r->fd, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        mdlz_archive_close(r);
        return MDLZ_ERROR_GENERIC;
    }
    r->size = (uint64_t)st.st_size;
    mdlz_status s = open_toc(r, err, errlen);
    if (s != MDLZ_OK) {
        if (!err[0]) snprintf(err, errlen, "%s", mdlz_strerror(s));
        mdlz_archive_close(r);
        return s;
    }
    *out = r;
    return MDLZ_OK;
}
