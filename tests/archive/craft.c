/*
 * craft.c - helper of test_archive.sh: writes archives the command would
 * never write (unsafe names, arbitrary table-of-contents bodies) with the
 * archive library's own serializer, and prints what the table of contents
 * of an archive says (groups, their offsets and dependencies), so that the
 * tests can damage one group and know which files depend on it.
 *
 *   craft name OUT NAME [dir]   an archive with one entry NAME: a file
 *                               holding "evil\n" (a directory with "dir");
 *                               NAME "hex:6100" gives the bytes 61 00
 *   craft toc OUT HEX           an archive without groups whose TOC body
 *                               is the bytes HEX (anything, even invalid)
 *   craft info ARCHIVE          one line per group: "group G OFFSET CSIZE
 *                               RAW DEPTH FIRST COUNT NDEPS [DEP...]", per
 *                               entry: "entry I TYPE GROUP SIZE NAME"
 *   craft needs ARCHIVE G       the names of the files whose extraction
 *                               needs group G (their closure holds it)
 *   craft open ARCHIVE          arc_open with a message buffer filled with
 *                               a marker: prints "ok" (exit 0) or the
 *                               message (exit 1); exit 3 when it failed
 *                               without writing a message
 *
 * The container is that of archive/write.c (docs/archive.md): header,
 * groups, the TOC body as one mdlz stream, trailer. Exit status 2 on
 * usage or I/O errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "archive.h"

static void le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void die(const char *what) {
    fprintf(stderr, "craft: %s\n", what);
    exit(2);
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a hex string into a malloc'd buffer. */
static uint8_t *unhex(const char *s, size_t *n) {
    size_t k = strlen(s);
    if (k % 2) die("odd number of hex digits");
    uint8_t *p = malloc(k / 2 + 1);
    if (!p) die("out of memory");
    for (size_t i = 0; i < k / 2; i++) {
        int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
        if (a < 0 || b < 0) die("bad hex digit");
        p[i] = (uint8_t)(a << 4 | b);
    }
    *n = k / 2;
    return p;
}

/* Writes header, `data` (the groups), the TOC body as an mdlz stream and
 * the trailer to `path`. */
static void write_archive(const char *path, const uint8_t *data, size_t dlen,
                          const uint8_t *body, size_t blen) {
    uint8_t hdr[ARC_HEADER_SIZE] = {0}, tr[ARC_TRAILER_SIZE];
    memcpy(hdr, ARC_MAGIC, 8);
    hdr[8] = ARC_VERSION;
    le32(hdr + 12, XXH32(hdr, 12, 0));
    size_t cap = (size_t)mdlz_compress_bound(blen), flen;
    uint8_t *frame = malloc(cap);
    if (!frame || mdlz_compress(frame, cap, &flen, body, blen, 1) != MDLZ_OK)
        die("cannot compress the table of contents");
    le64(tr, ARC_HEADER_SIZE + dlen);
    le64(tr + 8, flen);
    le32(tr + 16, XXH32(tr, 16, 0));
    memcpy(tr + 20, ARC_TRAILER_MAGIC, 4);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr ||
        fwrite(data, 1, dlen, f) != dlen || fwrite(frame, 1, flen, f) != flen ||
        fwrite(tr, 1, sizeof tr, f) != sizeof tr || fclose(f) != 0)
        die(strerror(errno));
    free(frame);
}

static int cmd_name(const char *out, const char *arg, int dir) {
    size_t nl;
    char *name;
    if (!strncmp(arg, "hex:", 4)) {
        name = (char *)unhex(arg + 4, &nl);
    } else {
        nl = strlen(arg);
        name = malloc(nl + 1);
        if (!name) die("out of memory");
        memcpy(name, arg, nl);
    }
    name[nl] = 0;
    /* arc_toc_write stores strlen(name) bytes: a name holding a NUL byte
     * goes in as as many 'Q's, replaced in the body afterwards. */
    int patch = strlen(name) != nl;
    char *stored = patch ? malloc(nl + 1) : name;
    if (!stored) die("out of memory");
    if (patch) {
        memset(stored, 'Q', nl);
        stored[nl] = 0;
    }
    static const char text[] = "evil\n";
    arc_toc t = {0};
    arc_entry e = {0};
    e.name = stored;
    e.type = dir ? ARC_DIR : ARC_FILE;
    e.mode = dir ? 0755 : 0644;
    e.mtime = 1000000000;
    e.group = -1;
    uint8_t *frame = NULL;
    size_t flen = 0;
    if (!dir) {
        size_t cap = (size_t)mdlz_compress_bound(sizeof text - 1);
        frame = malloc(cap);
        if (!frame || mdlz_compress(frame, cap, &flen, text, sizeof text - 1,
                                    1) != MDLZ_OK)
            die("cannot compress");
        arc_group g = {0};
        g.offset = ARC_HEADER_SIZE;
        g.csize = flen;
        g.raw = sizeof text - 1;
        e.size = sizeof text - 1;
        e.group = 0;
        e.hash32 = (uint32_t)XXH3_64bits(text, sizeof text - 1);
        e.csize = flen;
        if (arc_toc_add_group(&t, &g) != 0) die("out of memory");
    }
    if (arc_toc_add_entry(&t, &e) != 0) die("out of memory");
    uint8_t *body;
    size_t blen;
    if (arc_toc_write(&t, &body, &blen) != 0) die("out of memory");
    if (patch) {
        uint8_t *at = NULL;
        for (size_t k = 0; k + nl <= blen && !at; k++)
            if (!memcmp(body + k, stored, nl)) at = body + k;
        if (!at) die("cannot patch the name");
        memcpy(at, name, nl);
        free(stored);
    }
    write_archive(out, frame ? frame : (const uint8_t *)"", flen, body, blen);
    free(body);
    free(frame);
    free(name);
    arc_toc_free(&t);
    return 0;
}

static int cmd_toc(const char *out, const char *hex) {
    size_t n;
    uint8_t *body = unhex(hex, &n);
    write_archive(out, (const uint8_t *)"", 0, body, n);
    free(body);
    return 0;
}

static arc_reader *open_or_die(const char *path) {
    arc_reader *r;
    char err[512] = "";
    if (mdlz_archive_open(&r, path, err, sizeof err) != MDLZ_OK) {
        fprintf(stderr, "craft: %s: %s\n", path, err);
        exit(2);
    }
    return r;
}

static int cmd_info(const char *path) {
    arc_reader *r = open_or_die(path);
    const arc_toc *t = arc_reader_toc(r);
    for (size_t g = 0; g < t->n_groups; g++) {
        const arc_group *gr = &t->groups[g];
        printf("group %zu %llu %llu %llu %u %u %u %u", g,
               (unsigned long long)gr->offset, (unsigned long long)gr->csize,
               (unsigned long long)gr->raw, gr->depth, gr->first, gr->count,
               gr->n_deps);
        for (uint32_t j = 0; j < gr->n_deps; j++) printf(" %u", gr->deps[j]);
        printf("\n");
    }
    for (size_t i = 0; i < t->n_entries; i++) {
        const arc_entry *e = &t->entries[i];
        printf("entry %zu %u %lld %llu %s\n", i, e->type, (long long)e->group,
               (unsigned long long)e->size, e->name);
    }
    mdlz_archive_close(r);
    return 0;
}

/* 1 if extracting entry i decodes (part of) group g. */
static int needs(const arc_toc *t, uint32_t i, int64_t g, uint8_t *seen) {
    int64_t h = t->entries[i].group;
    if (h < 0) return 0;
    if (h == g) return 1;
    if (seen[h]) return 0;
    seen[h] = 1;
    for (uint32_t j = 0; j < t->groups[h].n_deps; j++)
        if (needs(t, t->groups[h].deps[j], g, seen)) return 1;
    return 0;
}

static int cmd_needs(const char *path, const char *gs) {
    arc_reader *r = open_or_die(path);
    const arc_toc *t = arc_reader_toc(r);
    int64_t g = strtoll(gs, NULL, 10);
    uint8_t *seen = malloc(t->n_groups + 1);
    if (!seen) die("out of memory");
    for (uint32_t i = 0; i < t->n_entries; i++) {
        memset(seen, 0, t->n_groups + 1);
        if (t->entries[i].type == ARC_FILE && needs(t, i, g, seen))
            printf("%s\n", t->entries[i].name);
    }
    free(seen);
    mdlz_archive_close(r);
    return 0;
}

static int cmd_open(const char *path) {
    arc_reader *r = NULL;
    char err[512];
    memset(err, 'Z', sizeof err - 1);
    err[sizeof err - 1] = 0;
    mdlz_status st = mdlz_archive_open(&r, path, err, sizeof err);
    if (st == MDLZ_OK) {
        printf("ok\n");
        mdlz_archive_close(r);
        return 0;
    }
    if (err[0] == 'Z' || err[0] == 0) {
        printf("failed (%s) without a message\n", mdlz_strerror(st));
        return 3;
    }
    printf("%s\n", err);
    return 1;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "name"))
        return cmd_name(argv[2], argv[3], 0);
    if (argc == 5 && !strcmp(argv[1], "name") && !strcmp(argv[4], "dir"))
        return cmd_name(argv[2], argv[3], 1);
    if (argc == 4 && !strcmp(argv[1], "toc")) return cmd_toc(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "info")) return cmd_info(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "needs"))
        return cmd_needs(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "open")) return cmd_open(argv[2]);
    fprintf(stderr,
            "usage: craft name OUT NAME [dir] | toc OUT HEX | info ARCHIVE |\n"
            "       needs ARCHIVE GROUP | open ARCHIVE\n");
    return 2;
}
