/* inputs.c - see inputs.h. */
#include "inputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "options.h"
#include "report.h"
#include "walk.h"

/* Reads one regular file whole; 0, or -1 with errno set. */
static int read_whole(const char *path, uint8_t **data, size_t *len) {
    in_file f;
    if (in_open(&f, path) != 0) return -1;
    int err = S_ISDIR(f.st.st_mode) ? EISDIR : 0;
    size_t cap = S_ISREG(f.st.st_mode) ? (size_t)f.st.st_size + 1 : 65536;
    uint8_t *buf = NULL;
    size_t n = 0;
    while (!err) {
        if (n == cap || !buf) {
            if (buf) cap *= 2;
            uint8_t *p = realloc(buf, cap);
            if (!p) {
                err = ENOMEM;
                break;
            }
            buf = p;
        }
        ssize_t r = read_full(f.fd, buf + n, cap - n);
        if (r < 0) err = errno;
        else if ((n += (size_t)r) < cap) break;
    }
    in_close(&f);
    if (err) {
        free(buf);
        errno = err;
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

static int add_file(input_list *l, const char *path) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        input_file *p = realloc(l->f, cap * sizeof *p);
        if (!p) {
            report_error(path, "%s", strerror(ENOMEM));
            return 1;
        }
        l->f = p;
        l->cap = cap;
    }
    input_file *f = &l->f[l->n];
    if (!(f->name = strdup(path))) {
        report_error(path, "%s", strerror(ENOMEM));
        return 1;
    }
    if (read_whole(path, &f->data, &f->len) != 0) {
        report_error(path, "%s", strerror(errno));
        free(f->name);
        return 1;
    }
    l->n++;
    return 0;
}

int inputs_add(input_list *l, const char *path, int quiet) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return add_file(l, path);
    cli_options o;
    memset(&o, 0, sizeof o);
    o.mode = MODE_COMPRESS;
    o.force = 1; /* every file, *.mdlz too */
    o.quiet = quiet;
    walk_list w = {NULL, 0, 0};
    int rc = walk_collect(&o, path, &w);
    for (size_t i = 0; i < w.n && !rc; i++) rc = add_file(l, w.paths[i]);
    walk_free(&w);
    return rc;
}

void inputs_free(input_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->f[i].name);
        free(l->f[i].data);
    }
    free(l->f);
    memset(l, 0, sizeof *l);
}
