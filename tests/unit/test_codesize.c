/*
 * test_codesize.c - the component code sizes and mdlz_stream_code_costs()
 * (include/mdlz_measure.h).
 *
 * Arguments: the same `--name NAME FILE...` groups that measure/meson.build
 * gives gen_codesize. The test concatenates each group's files, compresses
 * them with ZSTD_compress at level 19 and checks that the embedded table
 * holds the same raw and compressed sizes (so the table is not stale), that
 * every component has a nonzero size, and that a real stream costs core +
 * orders + match, and a header without the match bit only core + orders.
 */
#include <zstd.h>

#include "mdlz_measure.h"
#include "format.h"
#include "unit.h"

/* Raw and zstd -19 sizes of files[0..n) concatenated; 0 on failure. */
static int measure(char **files, int n, uint64_t *raw, uint64_t *z) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) {
            perror(files[i]);
            free(buf);
            return 0;
        }
        for (;;) {
            if (cap - len < 65536) {
                cap = cap ? cap * 2 : 1 << 20;
                char *nb = realloc(buf, cap);
                if (!nb) {
                    fclose(f);
                    free(buf);
                    return 0;
                }
                buf = nb;
            }
            size_t r = fread(buf + len, 1, cap - len, f);
            len += r;
            if (r == 0) break;
        }
        fclose(f);
    }
    size_t bound = ZSTD_compressBound(len);
    void *dst = malloc(bound);
    size_t zs = dst ? ZSTD_compress(dst, bound, buf, len, 19) : 0;
    free(dst);
    free(buf);
    if (!dst || ZSTD_isError(zs)) return 0;
    *raw = len;
    *z = zs;
    return 1;
}

static void test_table(int argc, char **argv) {
    int groups = 0;
    int i = 1;
    while (i < argc) {
        if (!check(strcmp(argv[i], "--name") == 0 && i + 1 < argc,
                   "argument %d is --name NAME", i))
            return;
        const char *name = argv[i + 1];
        int first = i + 2, end = first;
        while (end < argc && strcmp(argv[end], "--name") != 0) end++;
        i = end;
        groups++;
        const mdlz_code_size *e = mdlz_code_size_find(name);
        if (!check(e != NULL, "%s is in the table", name)) continue;
        uint64_t raw = 0, z = 0;
        if (!check(measure(argv + first, end - first, &raw, &z),
                   "%s: sources read and compressed", name))
            continue;
        check(e->n_files == (unsigned)(end - first), "%s: %u files (%d)", name,
              e->n_files, end - first);
        check(e->raw_bytes == raw, "%s: raw %llu bytes (recomputed %llu)", name,
              (unsigned long long)e->raw_bytes, (unsigned long long)raw);
        check(e->code_bytes == z, "%s: zstd -19 %llu bytes (recomputed %llu)",
              name, (unsigned long long)e->code_bytes, (unsigned long long)z);
    }
    check(groups == (int)mdlz_code_size_count(), "%d groups given, table has %zu",
          groups, mdlz_code_size_count());
    for (size_t k = 0; k < mdlz_code_size_count(); k++) {
        const mdlz_code_size *e = mdlz_code_size_get(k);
        check(e->code_bytes > 0 && e->raw_bytes > e->code_bytes,
              "%s: nonzero size (%llu of %llu raw)", e->name,
              (unsigned long long)e->code_bytes,
              (unsigned long long)e->raw_bytes);
    }
    check(mdlz_code_size_find("core") && mdlz_code_size_find("orders") &&
              mdlz_code_size_find("match") && !mdlz_code_size_find("word"),
          "components: core, orders, match");
}

static int costs_are(const mdlz_component_cost *c, size_t n,
                     const char *const *names, size_t want) {
    if (n != want) return 0;
    for (size_t i = 0; i < n; i++) {
        const mdlz_code_size *e = mdlz_code_size_find(names[i]);
        if (!e || strcmp(c[i].name, names[i]) != 0 ||
            c[i].code_bytes != e->code_bytes)
            return 0;
    }
    return 1;
}

static void test_stream_costs(void) {
    static const char *const all[] = {"core", "orders", "match"};
    char src[4096];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = "the quick brown fox jumps over the lazy dog "[i % 44];
    size_t cap = (size_t)mdlz_compress_bound(sizeof src);
    uint8_t *dst = malloc(cap);
    size_t n = 0;
    mdlz_status st = mdlz_compress(dst, cap, &n, src, sizeof src, 5);
    if (check(st == MDLZ_OK, "compress a stream (%s)", mdlz_strerror(st))) {
        mdlz_component_cost c[8];
        size_t k = mdlz_stream_code_costs(dst, n, c, 8);
        check(costs_are(c, k, all, 3), "real stream: core+orders+match (%zu)",
              k);
        check(mdlz_stream_code_costs(dst, n, c, 2) == 2, "cap 2 -> 2 entries");
        check(mdlz_stream_code_costs(dst, n, NULL, 0) == 0, "cap 0 -> 0");
        dst[0] ^= 0xff;
        check(mdlz_stream_code_costs(dst, n, c, 8) == 0, "bad magic -> 0");
        check(mdlz_stream_code_costs(dst, 3, c, 8) == 0, "truncated -> 0");
    }
    free(dst);

    mdlz_config cfg;
    uint8_t hdr[FMT_HEADER_MAX];
    if (check(cfg_from_level(&cfg, 1, 0) == MDLZ_OK, "level 1 config")) {
        cfg.components &= (uint16_t)~COMP_MATCH;
        size_t len = fmt_write_header(hdr, &cfg, MDLZ_SIZE_UNKNOWN, 0);
        mdlz_component_cost c[8];
        size_t k = mdlz_stream_code_costs(hdr, len, c, 8);
        check(costs_are(c, k, all, 2), "header without match: core+orders (%zu)",
              k);
    }
}

int main(int argc, char **argv) {
    test_table(argc, argv);
    test_stream_costs();
    return check_finish();
}
