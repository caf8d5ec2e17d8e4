/*
 * gen_seeds_archive.c - the seeds of fuzz_archive, written at build time
 * (as gen_seeds.c does for the other targets: no blobs in the
 * repository, the seeds follow the library).
 *
 *   gen_seeds_archive OUTDIR STAMP
 *
 * makes small trees in a temporary directory, archives them with
 * arc_create (level 1, small groups so that there are several, with a base
 * and dependencies), and writes each archive twice into OUTDIR (its files
 * removed first): "a-NAME" = byte 0 then the archive as it is, "t-NAME" =
 * byte 1, varint n, the n bytes of group data, the TOC body (the form
 * fuzz_archive wraps itself, see there). Also damaged copies: truncated,
 * a byte flipped in a group, in the TOC body, in the trailer, in the
 * header, cut within the trailer; and an archive whose group asks for
 * the largest model (hostile_archive). The list of seeds goes to STAMP.
 * Deterministic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "archive.h"
#include "testutil.h"

static const char *out_dir;
static FILE *stamp;
static char tmp_root[256];

static void die(const char *what) {
    fprintf(stderr, "gen_seeds_archive: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void put_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) die(path);
}

static void seed(const char *name, const uint8_t *p, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    put_file(path, p, n);
    fprintf(stamp, "%s %zu\n", name, n);
}

/* ---- trees ------------------------------------------------------------- */

static void tpath(char *buf, size_t cap, const char *rel) {
    snprintf(buf, cap, "%s/%s", tmp_root, rel);
}

static void mk(const char *rel) {
    char p[512];
    tpath(p, sizeof p, rel);
    if (mkdir(p, 0755) != 0 && errno != EEXIST) die(p);
}

static void text_file(const char *rel, size_t n, uint64_t s) {
    char p[512];
    tpath(p, sizeof p, rel);
    uint8_t *t = make_words(n, s);
    put_file(p, t, n);
    free(t);
}

static void raw_file(const char *rel, const void *b, size_t n) {
    char p[512];
    tpath(p, sizeof p, rel);
    put_file(p, b, n);
}

/* Removes everything under tmp_root (one level of files or directories of
 * files suffices for the trees made here; deeper ones are walked). */
static void rm_tree(const char *path) {
    struct stat sb;
    if (lstat(path, &sb) != 0) return;
    if (S_ISDIR(sb.st_mode)) {
        str_list l = {0};
        if (list_dir(path, &l) == 0)
            for (size_t i = 0; i < l.n; i++) rm_tree(l.v[i]);
        str_list_free(&l);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- archives ---------------------------------------------------------- */

static uint8_t *read_all(const char *path, size_t *n) {
    uint8_t *p = read_file(path, n);
    if (!p) die(path);
    return p;
}

static uint64_t rd64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Writes the seeds of one archive (and its damaged copies). */
static void emit(const char *name, const uint8_t *a, size_t n) {
    char sname[256];
    uint8_t *buf = xmalloc(n + 16);

    buf[0] = 0;
    memcpy(buf + 1, a, n);
    snprintf(sname, sizeof sname, "a-%s", name);
    seed(sname, buf, n + 1);
    /* truncated, flipped in a group, flipped in the trailer */
    snprintf(sname, sizeof sname, "a-%s-trunc", name);
    seed(sname, buf, n / 2 + 1);
    if (n > ARC_HEADER_SIZE + ARC_TRAILER_SIZE + 8) {
        buf[1 + ARC_HEADER_SIZE + 4] ^= 0x20;
        snprintf(sname, sizeof sname, "a-%s-group", name);
        seed(sname, buf, n + 1);
        buf[1 + ARC_HEADER_SIZE + 4] ^= 0x20;
    }
    buf[1 + n - 10] ^= 1;
    snprintf(sname, sizeof sname, "a-%s-trailer", name);
    seed(sname, buf, n + 1);
    buf[1 + n - 10] ^= 1; /* the header instead (the TOC is found anyway) */
    buf[1 + 2] ^= 4;
    snprintf(sname, sizeof sname, "a-%s-header", name);
    seed(sname, buf, n + 1);
    /* cut within the trailer: the TOC is found without it */
    snprintf(sname, sizeof sname, "a-%s-cut-trailer", name);
    buf[1 + 2] ^= 4;
    seed(sname, buf, n + 1 - 7);
    free(buf);

    /* The wrapped form: data and TOC body. */
    uint64_t toc_off = rd64(a + n - 24), toc_len = rd64(a + n - 16);
    if (toc_off < ARC_HEADER_SIZE || toc_off + toc_len + 24 != n) {
        errno = EINVAL;
        die(name);
    }
    mdlz_frame_info fi;
    if (mdlz_get_frame_info(&fi, a + toc_off, (size_t)toc_len) != MDLZ_OK)
        die("TOC frame");
    size_t blen = (size_t)fi.src_size, got = 0;
    uint8_t *body = xmalloc(blen + 1);
    if (mdlz_decompress(body, blen, &got, a + toc_off, (size_t)toc_len, 0) !=
            MDLZ_OK ||
        got != blen)
        die("TOC decode");
    uint64_t dlen = toc_off - ARC_HEADER_SIZE;
    buf = xmalloc(1 + 10 + (size_t)dlen + blen);
    size_t k = 0;
    buf[k++] = 1;
    for (uint64_t v = dlen;; v >>= 7) {
        buf[k++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80) break;
    }
    memcpy(buf + k, a + ARC_HEADER_SIZE, (size_t)dlen);
    memcpy(buf + k + dlen, body, blen);
    size_t tn = k + (size_t)dlen + blen;
    snprintf(sname, sizeof sname, "t-%s", name);
    seed(sname, buf, tn);
    if (blen > 4) { /* a TOC body byte changed, then cut short */
        buf[tn - blen / 2] ^= 0x01;
        snprintf(sname, sizeof sname, "t-%s-body", name);
        seed(sname, buf, tn);
        buf[tn - blen / 2] ^= 0x01;
        snprintf(sname, sizeof sname, "t-%s-short", name);
        seed(sname, buf, tn - 2);
    }
    if (dlen > 40) { /* a byte of the last group's stream */
        buf[k + dlen - 30] ^= 0x40;
        snprintf(sname, sizeof sname, "t-%s-data", name);
        seed(sname, buf, tn);
    }
    free(buf);
    free(body);
}

static void le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Archives the paths (relative to tmp_root): the archive's bytes, malloc'd,
 * in *len. */
static uint8_t *make_archive(const char *name, uint64_t group_size, int depth,
                             const char *const *rel, int n, size_t *len) {
    char apath[512], *paths[8];
    snprintf(apath, sizeof apath, "%s/archive.mdlza", tmp_root);
    unlink(apath);
    if (chdir(tmp_root) != 0) die(tmp_root);
    for (int i = 0; i < n; i++) paths[i] = (char *)rel[i];
    arc_write_opts o;
    mdlz_archive_write_opts_init(&o);
    o.level = 1;
    o.group_size = group_size;
    o.depth = depth;
    o.threads = 1;
    char err[512] = "";
    if (mdlz_archive_create(apath, (const char *const *)paths, n, &o, err,
                            sizeof err) != MDLZ_OK) {
        fprintf(stderr, "gen_seeds_archive: %s: %s\n", name, err);
        exit(1);
    }
    uint8_t *a = read_all(apath, len);
    unlink(apath);
    return a;
}

/* Archives the paths (relative to tmp_root) and emits the seeds. */
static void archive(const char *name, uint64_t group_size, int depth,
                    const char *const *rel, int n) {
    size_t len;
    uint8_t *a = make_archive(name, group_size, depth, rel, n, &len);
    emit(name, a, len);
    free(a);
}

/* "hostile": the archive of "one" whose group's stream header asks for
 * the largest tables (level 9, 2^24-byte blocks, 2^31 contexts, 2^30
 * window, 2^28 match table), its checksum fixed: as the crafted header of
 * issue 15 (4.1 GiB reserved), which the decoder must refuse before
 * allocating anything (no level makes these parameters), within the
 * memory limit of the fuzz target. */
static void hostile_archive(void) {
    size_t len;
    uint8_t *a =
        make_archive("hostile", 1024, 1, (const char *const[]){"one"}, 1, &len);
    uint8_t *h = a + ARC_HEADER_SIZE;
    if (len < ARC_HEADER_SIZE + 26 || memcmp(h, "MDLZ", 4) != 0 || h[5] & 2) {
        errno = EINVAL; /* a group without an extension area expected */
        die("hostile");
    }
    size_t hlen = h[5] & 1 ? 26 : 18; /* docs/format.md, the header */
    static const uint8_t huge[] = {9, 24, 31, 30, 28, 0, 0xff, 0};
    memcpy(h + 6, huge, sizeof huge); /* level .. component mask */
    le32(h + hlen - 4, XXH32(h, hlen - 4, 0));
    emit("hostile", a, len);
    free(a);
}

/* "empty/zero" (an empty file), "empty/dir" and "empty" (directories):
 * header, no groups, the TOC, the trailer, as archive/write.c writes them. */
static void empty_archive(void) {
    static const struct {
        const char *name;
        uint8_t type;
    } ents[] = {
        {"empty/zero", ARC_FILE}, {"empty", ARC_DIR}, {"empty/dir", ARC_DIR}};
    arc_toc t = {0};
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
        arc_entry e = {0};
        e.name = (char *)ents[i].name;
        e.type = ents[i].type;
        e.mode = e.type == ARC_DIR ? 0755 : 0644;
        e.mtime = 1700000000 + (int64_t)i;
        e.group = -1;
        if (arc_toc_add_entry(&t, &e) != 0) die("arc_toc_add_entry");
    }
    uint8_t *body;
    size_t blen, flen;
    if (arc_toc_write(&t, &body, &blen) != 0) die("arc_toc_write");
    size_t cap = (size_t)mdlz_compress_bound(blen);
    uint8_t *a = xmalloc(ARC_HEADER_SIZE + cap + ARC_TRAILER_SIZE);
    memset(a, 0, ARC_HEADER_SIZE);
    memcpy(a, ARC_MAGIC, 8);
    a[8] = ARC_VERSION;
    le32(a + 12, XXH32(a, 12, 0));
    if (mdlz_compress(a + ARC_HEADER_SIZE, cap, &flen, body, blen, 1) !=
        MDLZ_OK)
        die("mdlz_compress");
    uint8_t *tr = a + ARC_HEADER_SIZE + flen;
    le64(tr, ARC_HEADER_SIZE);
    le64(tr + 8, flen);
    le32(tr + 16, XXH32(tr, 16, 0));
    memcpy(tr + 20, ARC_TRAILER_MAGIC, 4);
    emit("empty", a, ARC_HEADER_SIZE + flen + ARC_TRAILER_SIZE);
    free(a);
    free(body);
    arc_toc_free(&t);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: gen_seeds_archive OUTDIR STAMP\n");
        return 2;
    }
    out_dir = argv[1];
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", out_dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) { /* seeds/ may not exist yet */
        *slash = 0;
        if (mkdir(parent, 0777) != 0 && errno != EEXIST) die(parent);
    }
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) die(out_dir);
    str_list old = {0};
    if (list_dir(out_dir, &old) == 0)
        for (size_t i = 0; i < old.n; i++) unlink(old.v[i]);
    str_list_free(&old);
    stamp = fopen(argv[2], "w");
    if (!stamp) die(argv[2]);
    const char *tmp = getenv("TMPDIR");
    snprintf(tmp_root, sizeof tmp_root, "%s/mdlz-seeds.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmp_root)) die("mkdtemp");
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) die("getcwd");
    if (out_dir[0] != '/') { /* chdir below: make OUTDIR absolute */
        static char abs_out[4096 + 256];
        snprintf(abs_out, sizeof abs_out, "%s/%s", cwd, out_dir);
        out_dir = abs_out;
    }

    /* One file. */
    mk("one");
    raw_file("one/hello.txt", "hello, world\n", 13);
    archive("one", 1024, 1, (const char *const[]){"one"}, 1);
    hostile_archive();

    /* An empty file and an empty directory only: no groups (made by hand:
     * archive/walk.c passes qsort a NULL array for an empty directory,
     * which UBSan, fatal in the fuzz build, reports). */
    empty_archive();

    /* Text in small files: a base, several groups that retrieved. */
    mk("text");
    mk("text/a");
    mk("text/b");
    for (int i = 0; i < 24; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "text/%c/f%02d.txt", i % 2 ? 'b' : 'a', i);
        text_file(rel, i % 3 == 0 ? 90 : 200 + 17 * (size_t)i,
                  100 + (uint64_t)i);
    }
    archive("text", 1024, 1, (const char *const[]){"text"}, 1);
    archive("text-depth2", 768, 2, (const char *const[]){"text"}, 1);
    archive("text-nodeps", 1024, 0, (const char *const[]){"text"}, 1);

    /* Mixed: binary, a file larger than a group, nested, empty ones. */
    mk("mixed");
    mk("mixed/x");
    mk("mixed/x/y");
    uint8_t bin[700];
    fill_random(bin, sizeof bin, 7);
    raw_file("mixed/bin", bin, sizeof bin);
    text_file("mixed/big.txt", 2500, 9);
    text_file("mixed/x/y/z.txt", 300, 10);
    raw_file("mixed/x/empty", "", 0);
    archive("mixed", 1024, 1, (const char *const[]){"mixed", "one"}, 2);

    rm_tree(tmp_root);
    if (chdir(cwd) != 0) die(cwd);
    if (fclose(stamp) != 0) die(argv[2]);
    return 0;
}
