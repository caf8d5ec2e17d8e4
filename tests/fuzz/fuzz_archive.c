/*
 * fuzz_archive.c - the archive reader (archive/open.c, read.c, group.c,
 * toc.c; docs/archive.md) on untrusted archives, through the public API
 * (include/mdlz_archive.h) and, for the invariants of the table of
 * contents, the internal one (archive/archive.h).
 *
 * Byte 0 says how the rest is read:
 *   even  the rest is an archive file as it is (header, groups, TOC
 *         stream, trailer): the checksums of the header, the trailer and
 *         the mdlz streams stand in the way, as they would for damage;
 *   odd   the rest is: varint n, n bytes of group data, then a TOC *body*;
 *         the target wraps them into an archive (header, the data, the
 *         body compressed at level 1, trailer), so that mutations reach
 *         the TOC parser and the reader's logic (dependencies, closures,
 *         partial decoding, failures spreading to dependents) instead of
 *         dying at a checksum.
 *
 * The archive is written to a memfd (mdlz_archive_open takes a path: the
 * target opens /proc/self/fd/N), then:
 *  - mdlz_archive_open either fails with a message (its buffer is
 *    pre-filled with a marker that must be overwritten) or gives a TOC
 *    (maybe found without a damaged trailer) whose invariants hold:
 *    names safe (arc_name_ok), each group's files consecutive and their
 *    sizes summing to the group's bytes, dependencies on files of earlier
 *    groups, depth one more than the deepest dependency's, streams back to
 *    back from byte 16 to the TOC; arc_reader_size is the file's size;
 *  - arc_closure_cost on every entry: at most arc_total_cost (when the
 *    sums do not overflow), files decoded at most the number of entries,
 *    0 for directories and empty files;
 *  - mdlz_archive_test of everything, 2 threads (each decoder limited to
 *    FUZZ_MEM_LIMIT, as fuzz_decompress): every entry reported
 *    exactly once, with a message when it failed, and the result MDLZ_OK
 *    exactly when no entry failed;
 *  - mdlz_archive_extract to a write callback, 2 threads: the same verdict
 *    for every entry, and the bytes come in archive order (no file's bytes
 *    after a later file's), at most each file's size, all of it for the
 *    files that succeeded;
 *  - mdlz_archive_read of the last file alone, 1 thread: the same verdict
 *    for it as in the full run (a file's fate depends only on its closure)
 *    and, when it succeeds, as many bytes as it has.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "archive.h"
#include "fuzz.h"

static void le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void write_all(int fd, const void *buf, size_t n) {
    const uint8_t *p = buf;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        FUZZ_CHECK(k > 0, "write to the memfd: %s", strerror(errno));
        p += k;
        n -= (size_t)k;
    }
}

/* Mode "odd": header, group data, compressed TOC body, trailer. Returns 0,
 * or -1 when the input is too short to say where the data ends. */
static int wrap(int fd, const uint8_t *p, size_t n) {
    uint64_t dlen = 0;
    size_t k = 0;
    for (int shift = 0;; shift += 7) {
        if (k >= n || shift > 56) return -1;
        dlen |= (uint64_t)(p[k] & 0x7f) << shift;
        if (!(p[k++] & 0x80)) break;
    }
    if (dlen > n - k) return -1;
    const uint8_t *data = p + k, *body = p + k + dlen;
    size_t blen = n - k - (size_t)dlen;
    uint8_t hdr[ARC_HEADER_SIZE] = {0}, tr[ARC_TRAILER_SIZE];
    memcpy(hdr, ARC_MAGIC, 8);
    hdr[8] = ARC_VERSION;
    le32(hdr + 12, XXH32(hdr, 12, 0));
    size_t cap = (size_t)mdlz_compress_bound(blen), flen = 0;
    uint8_t *frame = xmalloc(cap);
    mdlz_status st = mdlz_compress(frame, cap, &flen, body, blen, 1);
    FUZZ_CHECK(st == MDLZ_OK, "compressing %zu bytes: %s", blen,
               mdlz_strerror(st));
    le64(tr, ARC_HEADER_SIZE + dlen);
    le64(tr + 8, flen);
    le32(tr + 16, XXH32(tr, 16, 0));
    memcpy(tr + 20, ARC_TRAILER_MAGIC, 4);
    write_all(fd, hdr, sizeof hdr);
    write_all(fd, data, (size_t)dlen);
    write_all(fd, frame, flen);
    write_all(fd, tr, sizeof tr);
    free(frame);
    return 0;
}

/* What arc_toc_parse promises (toc.h, docs/archive.md). */
static void check_toc(const arc_toc *t, uint64_t size) {
    uint64_t next = ARC_HEADER_SIZE;
    for (size_t g = 0; g < t->n_groups; g++) {
        const arc_group *gr = &t->groups[g];
        FUZZ_CHECK(gr->offset == next, "group %zu at %llu, expected %llu", g,
                   (unsigned long long)gr->offset, (unsigned long long)next);
        FUZZ_CHECK(gr->csize <= size && gr->offset <= size - gr->csize,
                   "group %zu outside the file", g);
        next = gr->offset + gr->csize;
        FUZZ_CHECK(gr->count >= 1 && gr->first < t->n_entries &&
                       gr->count <= t->n_entries - gr->first,
                   "group %zu: entries %u+%u of %zu", g, gr->first, gr->count,
                   t->n_entries);
        FUZZ_CHECK(gr->n_deps <= ARC_DEPS_MAX, "group %zu: %u deps", g,
                   gr->n_deps);
        uint64_t raw = 0;
        for (uint32_t i = gr->first; i < gr->first + gr->count; i++) {
            const arc_entry *e = &t->entries[i];
            FUZZ_CHECK(e->type == ARC_FILE && e->group == (int64_t)g &&
                           e->offset == raw && e->size > 0,
                       "entry %u in group %zu", i, g);
            raw += e->size;
        }
        FUZZ_CHECK(raw == gr->raw, "group %zu: files sum to %llu, not %llu", g,
                   (unsigned long long)raw, (unsigned long long)gr->raw);
        uint32_t depth = 0;
        for (uint32_t j = 0; j < gr->n_deps; j++) {
            uint32_t d = gr->deps[j];
            FUZZ_CHECK(d < gr->first && t->entries[d].type == ARC_FILE &&
                           t->entries[d].group >= 0 &&
                           t->entries[d].group < (int64_t)g,
                       "group %zu depends on entry %u", g, d);
            uint32_t dd = t->groups[t->entries[d].group].depth + 1;
            if (dd > depth) depth = dd;
        }
        FUZZ_CHECK(depth == gr->depth, "group %zu: depth %u, deps say %u", g,
                   gr->depth, depth);
    }
    FUZZ_CHECK(next + ARC_TRAILER_SIZE <= size, "groups overlap the TOC");
    for (size_t i = 0; i < t->n_entries; i++) {
        const arc_entry *e = &t->entries[i];
        FUZZ_CHECK(e->name && arc_name_ok(e->name, strlen(e->name)),
                   "entry %zu: unsafe name", i);
        FUZZ_CHECK(e->type == ARC_FILE || e->type == ARC_DIR, "entry %zu type",
                   i);
        FUZZ_CHECK(e->mode <= 07777, "entry %zu mode %o", i, e->mode);
        if (e->type == ARC_DIR || e->size == 0)
            FUZZ_CHECK(e->group == -1, "entry %zu: empty but in group %lld", i,
                       (long long)e->group);
        else
            FUZZ_CHECK(e->group >= 0 && (size_t)e->group < t->n_groups &&
                           i >= t->groups[e->group].first &&
                           i < t->groups[e->group].first +
                                   t->groups[e->group].count,
                       "entry %zu: group %lld", i, (long long)e->group);
    }
}

/* Outcomes of an extraction: per entry, times reported, the status, and
 * the bytes given to the write callback. */
typedef struct {
    const arc_toc *t;
    uint32_t *times;
    mdlz_status *st;
    uint64_t *bytes;
    uint32_t last; /* entry of the last write call */
    size_t n_failed;
} tally;

static void tally_init(tally *ty, const arc_toc *t) {
    memset(ty, 0, sizeof *ty);
    ty->t = t;
    ty->times = calloc(t->n_entries + 1, sizeof *ty->times);
    ty->st = calloc(t->n_entries + 1, sizeof *ty->st);
    ty->bytes = calloc(t->n_entries + 1, sizeof *ty->bytes);
    FUZZ_CHECK(ty->times && ty->st && ty->bytes, "out of memory");
}

static void tally_free(tally *ty) {
    free(ty->times);
    free(ty->st);
    free(ty->bytes);
}

static void on_report(void *user, const mdlz_archive_entry *e, mdlz_status st,
                      const char *msg) {
    tally *ty = user;
    size_t i = e->index;
    FUZZ_CHECK(i < ty->t->n_entries && e->name == ty->t->entries[i].name,
               "report of an entry outside the TOC");
    ty->times[i]++;
    ty->st[i] = st;
    if (st != MDLZ_OK) {
        ty->n_failed++;
        FUZZ_CHECK(msg && msg[0], "%s failed (%s) without a message", e->name,
                   mdlz_strerror(st));
    }
}

static int on_write(void *user, const mdlz_archive_entry *e, const void *data,
                    size_t n) {
    tally *ty = user;
    uint32_t i = e->index;
    FUZZ_CHECK(i < ty->t->n_entries && data && n > 0, "write of entry %u", i);
    FUZZ_CHECK(i >= ty->last, "bytes of entry %u after entry %u", i, ty->last);
    FUZZ_CHECK(ty->times[i] == 0, "bytes of entry %u after its report", i);
    ty->last = i;
    ty->bytes[i] += n;
    FUZZ_CHECK(ty->bytes[i] <= ty->t->entries[i].size,
               "entry %u: %llu bytes written, size %llu", i,
               (unsigned long long)ty->bytes[i],
               (unsigned long long)ty->t->entries[i].size);
    return 0;
}

static mdlz_status extract(arc_reader *r, int threads, int write, tally *ty) {
    mdlz_archive_extract_opts o;
    mdlz_archive_extract_opts_init(&o);
    o.threads = threads;
    o.mem_limit = FUZZ_MEM_LIMIT;
    o.report = on_report;
    o.write = write ? on_write : NULL;
    o.user = ty;
    char err[512] = "";
    return write ? mdlz_archive_extract(r, NULL, &o, err, sizeof err)
                 : mdlz_archive_test(r, NULL, &o, err, sizeof err);
}

static void check_reader(arc_reader *r, uint64_t size) {
    const arc_toc *t = arc_reader_toc(r);
    FUZZ_CHECK(arc_reader_size(r) == size, "size %llu, file %llu",
               (unsigned long long)arc_reader_size(r),
               (unsigned long long)size);
    check_toc(t, size);

    /* Closures: bounded by the cost of decoding everything. */
    uint64_t total = 0;
    int overflow = 0;
    for (size_t g = 0; g < t->n_groups && !overflow; g++) {
        uint64_t c = t->groups[g].raw;
        for (uint32_t j = 0; j < t->groups[g].n_deps; j++) {
            uint64_t s = t->entries[t->groups[g].deps[j]].size;
            overflow |= c + s < c;
            c += s;
        }
        overflow |= total + c < total;
        total += c;
    }
    if (!overflow)
        FUZZ_CHECK(arc_total_cost(t) == total, "arc_total_cost %llu, not %llu",
                   (unsigned long long)arc_total_cost(t),
                   (unsigned long long)total);
    for (size_t i = 0; i < t->n_entries; i++) {
        uint32_t docs = 0;
        uint64_t c = arc_closure_cost(t, (uint32_t)i, &docs);
        const arc_entry *e = &t->entries[i];
        if (e->group < 0)
            FUZZ_CHECK(c == 0 && docs == 0,
                       "entry %zu: cost %llu without a "
                       "group",
                       i, (unsigned long long)c);
        else if (!overflow && c != UINT64_MAX)
            FUZZ_CHECK(c >= e->size && c <= total && docs >= 1 &&
                           docs <= t->n_entries,
                       "entry %zu: cost %llu (total %llu), %u files", i,
                       (unsigned long long)c, (unsigned long long)total, docs);
    }

    /* Everything, in test mode. */
    size_t n = t->n_entries;
    tally all, out;
    tally_init(&all, t);
    mdlz_status st = extract(r, 2, 0, &all);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(all.times[i] == 1, "entry %zu (%s) reported %u times", i,
                   t->entries[i].name, all.times[i]);
    if (st != MDLZ_ERROR_NOMEM)
        FUZZ_CHECK((st == MDLZ_OK) == (all.n_failed == 0),
                   "extract says %s with %zu entries failed", mdlz_strerror(st),
                   all.n_failed);

    /* Everything to the write callback: the same verdicts, in order. */
    tally_init(&out, t);
    mdlz_status sto = extract(r, 2, 1, &out);
    for (size_t i = 0;
         i < n && st != MDLZ_ERROR_NOMEM && sto != MDLZ_ERROR_NOMEM; i++)
        FUZZ_CHECK(out.times[i] == 1 &&
                       (out.st[i] == MDLZ_OK) == (all.st[i] == MDLZ_OK),
                   "entry %zu (%s): %s written, %s tested", i,
                   t->entries[i].name, mdlz_strerror(out.st[i]),
                   mdlz_strerror(all.st[i]));
    for (size_t i = 0; i < n; i++)
        if (out.st[i] == MDLZ_OK && t->entries[i].type == ARC_FILE)
            FUZZ_CHECK(out.bytes[i] == t->entries[i].size,
                       "entry %zu: OK with %llu of %llu bytes written", i,
                       (unsigned long long)out.bytes[i],
                       (unsigned long long)t->entries[i].size);
    tally_free(&out);

    /* The last file alone, into memory: the same verdict. */
    size_t last = n;
    for (size_t i = 0; i < n; i++)
        if (t->entries[i].group >= 0) last = i;
    if (last < n && st != MDLZ_ERROR_NOMEM) {
        mdlz_archive_extract_opts o;
        mdlz_archive_extract_opts_init(&o);
        o.threads = 1;
        o.mem_limit = FUZZ_MEM_LIMIT;
        void *data = NULL;
        size_t len = 0;
        char err[512] = "";
        mdlz_status st1 =
            mdlz_archive_read(r, last, &data, &len, &o, err, sizeof err);
        if (st1 != MDLZ_ERROR_NOMEM)
            FUZZ_CHECK((st1 == MDLZ_OK) == (all.st[last] == MDLZ_OK),
                       "%s alone: %s, with all: %s", t->entries[last].name,
                       mdlz_strerror(st1), mdlz_strerror(all.st[last]));
        FUZZ_CHECK(st1 != MDLZ_OK || (data && len == t->entries[last].size),
                   "%s read: %zu bytes of %llu", t->entries[last].name, len,
                   (unsigned long long)t->entries[last].size);
        FUZZ_CHECK(st1 == MDLZ_OK || (!data && err[0]),
                   "%s read failed (%s) without a message or with data",
                   t->entries[last].name, mdlz_strerror(st1));
        free(data);
    }
    tally_free(&all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int fd = memfd_create("fuzz_archive", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
    if (data[0] & 1) {
        if (wrap(fd, data + 1, size - 1) != 0) {
            close(fd);
            return 0;
        }
    } else {
        write_all(fd, data + 1, size - 1);
    }
    off_t fsize = lseek(fd, 0, SEEK_END);
    FUZZ_CHECK(fsize >= 0, "lseek: %s", strerror(errno));
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    arc_reader *r = NULL;
    char err[512];
    memset(err, 'Z', sizeof err - 1);
    err[sizeof err - 1] = 0;
    mdlz_status st = mdlz_archive_open(&r, path, err, sizeof err);
    if (st != MDLZ_OK) {
        FUZZ_CHECK(!r, "mdlz_archive_open failed (%s) but gave a reader",
                   mdlz_strerror(st));
        FUZZ_CHECK(err[0] && err[0] != 'Z' && memchr(err, 0, sizeof err),
                   "mdlz_archive_open failed (%s) without a message",
                   mdlz_strerror(st));
    } else {
        check_reader(r, (uint64_t)fsize);
        mdlz_archive_close(r);
    }
    close(fd);
    return 0;
}
