/*
 * test_golden.c - decodes every golden stream of tests/golden/streams with
 * this build and checks the XXH64 of what it decodes against MANIFEST
 * (written by make.sh when the streams were made): a format change that
 * would leave older streams undecodable, or decode them differently, is
 * caught here (docs/format.md, "Golden files").
 *
 * Arguments: the streams directory, MANIFEST, and the index the retrieval
 * streams need (built by test_golden.sh as make.sh built it).
 * MANIFEST lines: NAME XXH64 [-R].
 */
#include <xxhash.h>

#include "check.h"

/* Decodes a whole stream in 4 KiB pieces; returns the status and the
 * XXH64 of the output in *sum. */
static mdlz_status decode(const uint8_t *z, size_t n, const char *index,
                          uint64_t *sum, char *detail, size_t cap) {
    mdlz_dctx *d;
    mdlz_status st = mdlz_dctx_create(&d, 0);
    if (st != MDLZ_OK) return st;
    if (index) st = mdlz_dctx_set_index(d, index);
    XXH64_state_t *xs = XXH64_createState();
    XXH64_reset(xs, 0);
    uint8_t buf[4096];
    mdlz_inbuf in = {z, 0, 0};
    int done = 0;
    while (st == MDLZ_OK && !done) {
        in.size = in.size + 4096 < n ? in.size + 4096 : n;
        mdlz_outbuf out = {buf, sizeof buf, 0};
        size_t before = in.pos;
        st = mdlz_decompress_stream(d, &out, &in, &done);
        XXH64_update(xs, buf, out.pos);
        if (st == MDLZ_OK && !done && out.pos == 0 && in.pos == before &&
            in.size == n)
            st = MDLZ_ERROR_TRUNCATED;
    }
    if (st == MDLZ_OK && in.pos != n) st = MDLZ_ERROR_TRAILING;
    snprintf(detail, cap, "%s", mdlz_dctx_error_detail(d));
    *sum = XXH64_digest(xs);
    XXH64_freeState(xs);
    mdlz_dctx_free(d);
    return st;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: test_golden STREAMS MANIFEST INDEX\n");
        return 2;
    }
    FILE *m = fopen(argv[2], "r");
    if (!check(m != NULL, "MANIFEST opens")) return check_finish();
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, m)) {
        char name[256], want[32], opt[16] = "";
        if (sscanf(line, "%255s %31s %15s", name, want, opt) < 2) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[1], name);
        size_t zn = 0;
        uint8_t *z = read_file(path, &zn);
        if (!check(z != NULL, "%s: read", name)) continue;
        n++;
        mdlz_frame_info fi;
        mdlz_status st = mdlz_get_frame_info(&fi, z, zn);
        if (!check(st == MDLZ_OK, "%s: header parses (%s)", name,
                   mdlz_strerror(st)))
            printf("# a stream of another format version? Until 1.0 a format "
                   "change regenerates the golden files: bash "
                   "tests/golden/make.sh build/cli/mdlz\n");
        uint64_t sum = 0;
        char detail[256];
        st = decode(z, zn, strcmp(opt, "-R") == 0 ? argv[3] : NULL, &sum,
                    detail, sizeof detail);
        char got[32];
        snprintf(got, sizeof got, "%016llx", (unsigned long long)sum);
        check(st == MDLZ_OK && strcmp(got, want) == 0,
              "%s decodes to its original (%s%s%s; XXH64 %s, want %s)", name,
              mdlz_strerror(st), *detail ? ": " : "", detail, got, want);
        free(z);
    }
    fclose(m);
    check(n >= 12, "%d golden streams", n);
    return check_finish();
}
