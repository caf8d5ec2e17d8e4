/*
 * test_corpus.c - streaming round trip of every file of the shared corpus's
 * text/ folder, whole, at level 1 (the fastest level; every level runs the
 * same coding path), in 64 KiB pieces (as a program reading a file would).
 * Prints size, compressed size and bits/byte per file and in total.
 *
 * Usage: test_corpus DIR   (meson passes ../shared/corpus/text)
 * Exits 77 (skip) when DIR is absent or holds no files.
 * Environment:
 *   MDLZ_TEST_LEVEL=L             compress at level L (1..9) instead of 1
 *   MDLZ_TEST_CORPUS_MAX_BYTES=N  take only the first N bytes of each file
 *                                 (scripts/test.sh sets it for the slower
 *                                 ASan run)
 */
#include <errno.h>
#include <sys/stat.h>

#include "check.h"

#define CHUNK ((size_t)64 << 10)

/* Regular files under dir, recursively (symlinks followed, dot files
 * skipped). */
static void walk(const char *dir, str_list *out) {
    str_list entries = {0};
    if (list_dir(dir, &entries) != 0) return;
    for (size_t i = 0; i < entries.n; i++) {
        struct stat sb;
        if (stat(entries.v[i], &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) walk(entries.v[i], out);
            else if (S_ISREG(sb.st_mode)) str_list_add(out, entries.v[i]);
        }
    }
    str_list_free(&entries);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_TEXT_DIR\n", argv[0]);
        return 99;
    }
    const char *root = argv[1];
    struct stat sb;
    if (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("# SKIP: corpus directory %s is absent (%s); this test needs "
               "the shared corpus at ../shared/corpus\n",
               root, strerror(errno));
        return 77;
    }
    str_list files = {0};
    walk(root, &files);
    if (files.n == 0) {
        printf("# SKIP: no files under %s\n", root);
        return 77;
    }
    qsort(files.v, files.n, sizeof *files.v, str_cmp);
    size_t max_bytes = SIZE_MAX;
    const char *env = getenv("MDLZ_TEST_CORPUS_MAX_BYTES");
    if (env && *env) {
        char *endp;
        unsigned long long v = strtoull(env, &endp, 10);
        if (*endp || v == 0) {
            fprintf(stderr, "bad MDLZ_TEST_CORPUS_MAX_BYTES=%s\n", env);
            return 99;
        }
        max_bytes = (size_t)v;
        printf("# MDLZ_TEST_CORPUS_MAX_BYTES: only the first %zu bytes of "
               "each file\n",
               max_bytes);
    }

    mdlz_params p;
    mdlz_params_init(&p);
    p.level = 1;
    env = getenv("MDLZ_TEST_LEVEL");
    if (env && *env) {
        char *endp;
        long v = strtol(env, &endp, 10);
        if (*endp || v < MDLZ_LEVEL_MIN || v > MDLZ_LEVEL_MAX) {
            fprintf(stderr, "bad MDLZ_TEST_LEVEL=%s (want %d..%d)\n", env,
                    MDLZ_LEVEL_MIN, MDLZ_LEVEL_MAX);
            return 99;
        }
        p.level = (int)v;
    }
    printf("# level %d, %zu files under %s, streaming in %zu-byte pieces\n",
           p.level, files.n, root, CHUNK);
    printf("# %-36s %10s %10s %8s %8s %8s\n", "file", "size", "compressed",
           "bpb", "comp s", "dec s");
    uint64_t total_in = 0, total_out = 0;
    double total_ct = 0, total_dt = 0;
    size_t rootlen = strlen(root);
    for (size_t i = 0; i < files.n; i++) {
        const char *path = files.v[i];
        const char *rel = path + rootlen + (path[rootlen] == '/');
        size_t n = 0;
        uint8_t *src = read_file(path, &n);
        if (!check(src != NULL, "%s: read", rel)) continue;
        if (n > max_bytes) n = max_bytes;

        double t0 = now_seconds();
        uint8_t *z = NULL, *back = NULL;
        size_t zn = 0, bn = 0, used = 0;
        mdlz_status st = stream_compress(&p, src, n, CHUNK, CHUNK, &z, &zn);
        double t1 = now_seconds();
        if (st == MDLZ_OK)
            st = stream_decompress(z, zn, CHUNK, CHUNK, 0, &back, &bn, &used);
        double t2 = now_seconds();
        int ok = st == MDLZ_OK && bn == n && used == zn &&
                 (n == 0 || memcmp(src, back, n) == 0);
        if (ok) {
            printf("# %-36s %10zu %10zu %8.3f %8.2f %8.2f\n", rel, n, zn,
                   n ? 8.0 * (double)zn / (double)n : 0.0, t1 - t0, t2 - t1);
            total_in += n;
            total_out += zn;
            total_ct += t1 - t0;
            total_dt += t2 - t1;
        }
        check(ok, "%s: round trip %zu -> %zu bytes (%s)", rel, n, zn,
              mdlz_strerror(st));
        free(src);
        free(z);
        free(back);
    }
    printf("# %-36s %10llu %10llu %8.3f %8.2f %8.2f\n", "total",
           (unsigned long long)total_in, (unsigned long long)total_out,
           total_in ? 8.0 * (double)total_out / (double)total_in : 0.0,
           total_ct, total_dt);
    if (total_ct > 0 && total_dt > 0)
        printf("# speed: compress %.2f MB/s, decompress %.2f MB/s\n",
               (double)total_in / 1e6 / total_ct,
               (double)total_in / 1e6 / total_dt);
    str_list_free(&files);
    return check_finish();
}
