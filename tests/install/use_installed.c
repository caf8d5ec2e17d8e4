/*
 * use_installed.c - a program built against an installed mdlz (include/
 * and libmdlz from `meson install --destdir`, nothing of the source tree):
 * a one-shot round trip through mdlz.h, then an archive of one file
 * created, opened and read back through mdlz_archive.h. Compiled and run
 * by test_install.sh, not by meson.
 *
 *   use_installed DIR   (a scratch directory for the file and the archive)
 *
 * Prints "ok" and exits 0, or one line naming what failed and exits 1.
 */
#define _POSIX_C_SOURCE 200809L /* chdir */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mdlz.h> /* found only under the installed include directory */
#include <mdlz_archive.h>

static int fail(const char *what, mdlz_status st, const char *err) {
    printf("%s: %s%s%s\n", what, mdlz_strerror(st), err && err[0] ? ": " : "",
           err ? err : "");
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) return fail("usage: use_installed DIR", MDLZ_OK, NULL);
    static char text[4096];
    for (size_t i = 0; i + 1 < sizeof text; i++)
        text[i] = "to be or not to be, that is the question\n"[i % 41];
    size_t n = strlen(text), zn, outn;
    size_t cap = (size_t)mdlz_compress_bound(n);
    unsigned char *z = malloc(cap), *out = malloc(n);
    if (!z || !out) return fail("malloc", MDLZ_ERROR_NOMEM, NULL);
    mdlz_status st = mdlz_compress(z, cap, &zn, text, n, 1);
    if (st != MDLZ_OK) return fail("mdlz_compress", st, NULL);
    st = mdlz_decompress(out, n, &outn, z, zn, 0);
    if (st != MDLZ_OK) return fail("mdlz_decompress", st, NULL);
    if (outn != n || memcmp(out, text, n))
        return fail("round trip differs", MDLZ_OK, NULL);
    free(z);
    free(out);

    char err[256] = "";
    const char *file = "hamlet.txt", *arc = "hamlet.mdlza";
    if (chdir(argv[1]) != 0) return fail("chdir", MDLZ_OK, argv[1]);
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0)
        return fail("writing the input", MDLZ_OK, file);
    mdlz_archive_write_opts wo;
    mdlz_archive_write_opts_init(&wo);
    wo.level = 1;
    wo.threads = 1;
    const char *paths[1] = {file};
    st = mdlz_archive_create(arc, paths, 1, &wo, err, sizeof err);
    if (st != MDLZ_OK) return fail("mdlz_archive_create", st, err);
    mdlz_archive *a = NULL;
    st = mdlz_archive_open(&a, arc, err, sizeof err);
    if (st != MDLZ_OK) return fail("mdlz_archive_open", st, err);
    mdlz_archive_info info;
    mdlz_archive_get_info(a, &info);
    if (info.n_entries != 1 || info.file_bytes != n)
        return fail("archive info: not one file of its size", MDLZ_OK, NULL);
    void *data = NULL;
    size_t len = 0;
    st = mdlz_archive_read(a, 0, &data, &len, NULL, err, sizeof err);
    if (st != MDLZ_OK) return fail("mdlz_archive_read", st, err);
    if (len != n || memcmp(data, text, n))
        return fail("archive read differs", MDLZ_OK, NULL);
    free(data);
    mdlz_archive_close(a);
    puts("ok");
    return 0;
}
