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
    int regular, eno = read_whole(path, &f->data, &f->len, &regular);
    (void)regular;
    if (eno != 0) {
        report_error(path, "%s", strerror(eno));
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
