/*
 * open.c - opening an archive: its header, trailer and table of contents
 * (docs/archive.md), and what the reader handle tells about them.
 *
 * Damage to the 16-byte header or the 24-byte trailer costs nothing: the
 * header holds only the magic and the version, and the table of contents
 * is a self-delimiting mdlz stream with its own checksum. When the trailer
 * cannot be trusted, the table of contents is looked for instead: the last
 * mdlz stream of the file, ending where the trailer starts (or, in a file
 * cut within the trailer, at most 24 bytes before its end), whose own
 * trailer records the size its header declares. The archive then opens,
 * and mdlz_archive_damage() says what was damaged. Damage to the table of
 * contents itself loses it: nothing else names the files.
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

/* The largest table of contents read, and the tail of the file searched
 * for it when the trailer is damaged. */
#define TOC_MAX  ((uint64_t)1 << 30)
#define SCAN_MAX ((uint64_t)64 << 20)

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

/* 1 if buf[p..e) looks like a whole mdlz stream: a valid header, and a
 * trailer recording the size the header declares. */
static int frame_fits(const uint8_t *buf, size_t p, size_t e) {
    mdlz_frame_info fi;
    mdlz_trailer_info ti;
    if (e < p + MDLZ_TRAILER_SIZE ||
        mdlz_get_frame_info(&fi, buf + p, e - p) != MDLZ_OK ||
        mdlz_get_trailer_info(&ti, buf + e - MDLZ_TRAILER_SIZE,
                              MDLZ_TRAILER_SIZE) != MDLZ_OK)
        return 0;
    return buf[e - MDLZ_TRAILER_SIZE] == 0 && fi.src_size == ti.src_size;
}

/* Looks for the TOC without the trailer (see the top of this file). */
static mdlz_status find_toc(arc_reader *r) {
    if (r->size < ARC_HEADER_SIZE + MDLZ_TRAILER_SIZE)
        return MDLZ_ERROR_CORRUPT;
    uint64_t span = MDLZ_MIN(r->size - ARC_HEADER_SIZE, SCAN_MAX);
    uint64_t base = r->size - span;
    uint8_t *buf = malloc((size_t)span);
    if (!buf) return MDLZ_ERROR_NOMEM;
    mdlz_status s = MDLZ_ERROR_CORRUPT;
    if (req_read_at(r->fd, buf, (size_t)span, base) != 0) {
        free(buf);
        return s;
    }
    size_t end_min = span > ARC_TRAILER_SIZE ? span - ARC_TRAILER_SIZE : 0;
    for (size_t p = span - MDLZ_TRAILER_SIZE + 1; p-- > 0 && s != MDLZ_OK;) {
        if (memcmp(buf + p, "MDLZ", 4) != 0) continue;
        for (size_t e = MDLZ_MAX(end_min, p + 1); e <= span; e++) {
            if (!frame_fits(buf, p, e)) continue;
            char err[8];
            s = read_toc(r, buf + p, e - p, base + p, err, sizeof err);
            if (s == MDLZ_OK) break;
            /* A whole stream that is not the TOC: the TOC was lost. */
            free(buf);
            return s == MDLZ_ERROR_NOMEM ? s : MDLZ_ERROR_CORRUPT;
        }
    }
    free(buf);
    return s;
}

/* What the header says: 0 intact, else why it cannot be trusted. */
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

/* Finds and reads the TOC, as the header and trailer allow. */
static mdlz_status open_toc(arc_reader *r, char *err, size_t errlen) {
    int hdr = check_header(r);
    uint64_t off, len;
    int tr_ok = check_trailer(r, &off, &len) == 0;
    if (hdr == HDR_VERSION) {
        uint8_t v = 0;
        req_read_at(r->fd, &v, 1, 8);
        snprintf(err, errlen, "archive version %u not supported", v);
        return MDLZ_ERROR_VERSION;
    }
    if (hdr == HDR_FOREIGN && !tr_ok) {
        snprintf(err, errlen, "not an mdlz archive");
        return MDLZ_ERROR_NOT_MDLZ;
    }
    mdlz_status s;
    if (tr_ok) {
        s = toc_at(r, off, len, err, errlen);
        if (s != MDLZ_OK && hdr == HDR_FOREIGN) {
            snprintf(err, errlen, "not an mdlz archive");
            return MDLZ_ERROR_NOT_MDLZ;
        }
    } else {
        s = find_toc(r);
        if (s == MDLZ_ERROR_NOMEM) snprintf(err, errlen, "out of memory");
        else if (s != MDLZ_OK)
            snprintf(err, errlen, "%s",
                     hdr == HDR_OK
                         ? "archive is truncated or its end is damaged"
                         : "archive header and end are damaged");
        if (s != MDLZ_OK && s != MDLZ_ERROR_NOMEM) s = MDLZ_ERROR_TRUNCATED;
    }
    if (s == MDLZ_OK && (hdr != HDR_OK || !tr_ok))
        r->damage = hdr == HDR_OK ? "archive trailer is damaged"
                    : tr_ok       ? "archive header is damaged"
                                  : "archive header and trailer are damaged";
    return s;
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
