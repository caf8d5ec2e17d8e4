/*
 * test_sniff.c - the incompressible-block test (engine/stream/sniff.h) and
 * STORE blocks (docs/format.md): random bytes are stored without the model,
 * text and the corpus binaries a model can code are not, random bytes
 * repeated within a block are modelled (the LZ pass sees the repeat), and a
 * mixed input (text, random, text) round-trips with its random blocks
 * stored and its text blocks coded. Argument: the corpus directory.
 */
#include "format.h"
#include "sniff.h"
#include "unit.h"

#define MIB ((size_t)1 << 20)

/* The block types of a stream, in order, into types[] (count returned). */
static int block_types(const uint8_t *z, size_t n, uint8_t *types, int cap) {
    mdlz_config cfg;
    uint64_t size;
    size_t len;
    fmt_records recs;
    if (fmt_parse_full(z, n, &cfg, &size, &recs, &len) != MDLZ_OK) return -1;
    int k = 0;
    while (len < n && k < cap) {
        fmt_block b;
        if (z[len] == BLK_END) break;
        if (fmt_parse_block(z + len, &b, (uint32_t)1 << cfg.block_log))
            return -1;
        types[k++] = b.type;
        len += fmt_block_header_size(b.type) + b.payload_size;
    }
    return k;
}

static void test_sniff(const char *corpus) {
    uint8_t *r = xmalloc(MIB), *t = make_text(MIB);
    fill_random(r, MIB, 7);
    check(sniff_incompressible(r, MIB), "1 MiB of random bytes: stored");
    check(!sniff_incompressible(t, MIB), "1 MiB of text: modelled");
    check(!sniff_incompressible(r, 1000), "a small block is always modelled");
    for (size_t off = 65536; off < MIB; off += 65536) memcpy(r + off, r, 65536);
    check(!sniff_incompressible(r, MIB),
          "64 KiB of random bytes repeated in the block: modelled");
    free(r);
    free(t);
    static const char *const bins[] = {"text/silesia/x-ray",
                                       "text/silesia/ooffice",
                                       "text/canterbury/kennedy.xls"};
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", corpus, bins[i]);
        size_t n;
        uint8_t *d = read_file(path, &n);
        if (!d) {
            printf("ok - # SKIP %s: corpus not found\n", bins[i]);
            continue;
        }
        int stored = 0;
        for (size_t off = 0; off < n; off += MIB)
            stored += sniff_incompressible(d + off, MDLZ_MIN(MIB, n - off));
        check(stored == 0, "%s: every block modelled (%d stored)", bins[i],
              stored);
        free(d);
    }
}

static void test_mixed(void) {
    size_t n = 6 * MIB;
    uint8_t *in = xmalloc(n), *t = make_text(2 * MIB);
    memcpy(in, t, 2 * MIB);
    fill_random(in + 2 * MIB, 2 * MIB, 11);
    memcpy(in + 4 * MIB, t, 2 * MIB);
    free(t);
    size_t cap = (size_t)mdlz_compress_bound(n), zn, outn;
    uint8_t *z = xmalloc(cap), *out = xmalloc(n);
    mdlz_status st = mdlz_compress(z, cap, &zn, in, n, 1);
    if (check(st == MDLZ_OK, "compress text+random+text (%s)",
              mdlz_strerror(st))) {
        uint8_t types[16];
        int k = block_types(z, zn, types, 16);
        check(k == 6, "6 blocks of 1 MiB (%d)", k);
        check(k == 6 && types[0] == BLK_CM && types[1] == BLK_CM &&
                  types[2] == BLK_STORE && types[3] == BLK_STORE &&
                  types[4] == BLK_CM && types[5] == BLK_CM,
              "text coded, random stored");
        check(zn < 2 * MIB + MIB,
              "random stored at its size, text coded "
              "(%zu bytes)",
              zn);
        st = mdlz_decompress(out, n, &outn, z, zn, 0);
        check(st == MDLZ_OK && outn == n && memcmp(out, in, n) == 0,
              "round trip (%s)", mdlz_strerror(st));
    }
    free(in);
    free(z);
    free(out);
}

int main(int argc, char **argv) {
    test_sniff(argc > 1 ? argv[1] : "../shared/corpus");
    test_mixed();
    return check_finish();
}
