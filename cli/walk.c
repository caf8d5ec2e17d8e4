/*
 * walk.c - the inputs under a directory for -r (see walk.h).
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ops.h"
#include "report.h"

void walk_free(walk_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->paths[i]);
    free(l->paths);
    l->paths = NULL;
    l->n = l->cap = 0;
}

static int push(walk_list *l, char *path) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p) return -1;
        l->paths = p;
        l->cap = cap;
    }
    l->paths[l->n++] = path;
    return 0;
}

/* Byte order, whatever the locale, so that the order is reproducible. */
static int cmp_names(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dots(const struct dirent *d) {
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* Whether the operation takes a file of this name: compression leaves out
 * what is already compressed (as an explicit FILE.mdlz is refused without
 * -f), the others take only compressed files. */
static int wanted(const cli_options *o, const char *name) {
    if (o->mode == MODE_COMPRESS) return o->force || !has_mdlz_suffix(name);
    return has_mdlz_suffix(name);
}

/* Depth-first; no depth limit is needed: symbolic links are not followed,
 * and a deeper path than the system takes (PATH_MAX, e.g. through a bind
 * mount loop) ends in ENAMETOOLONG, reported like any error. */
int walk_collect(const cli_options *o, const char *dir, walk_list *out) {
    struct dirent **names;
    int n = scandir(dir, &names, not_dots, cmp_names);
    if (n < 0) {
        report_error(dir, "%s", strerror(errno));
        return 1;
    }
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/') dlen--;
    int failed = 0, oom = 0;
    for (int i = 0; i < n; i++) {
        const char *base = names[i]->d_name;
        char *path = oom ? NULL : malloc(dlen + strlen(base) + 2);
        struct stat st;
        if (oom) {
            ; /* out of memory: only free the rest */
        } else if (!path) {
            oom = 1;
        } else {
            int slash = dlen > 0 && dir[dlen - 1] != '/'; /* not for "/" */
            memcpy(path, dir, dlen);
            path[dlen] = '/';
            strcpy(path + dlen + slash, base);
            if (lstat(path, &st) != 0) {
                report_error(path, "%s", strerror(errno));
                failed = 1;
            } else if (S_ISLNK(st.st_mode)) {
                if (!o->quiet) report_error(path, "symbolic link -- skipped");
            } else if (S_ISDIR(st.st_mode)) {
                failed |= walk_collect(o, path, out);
            } else if (wanted(o, base)) {
                /* Devices and FIFOs too: op_run says why it skips them. */
                if (push(out, path) == 0) path = NULL;
                else oom = 1;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    if (oom) {
        report_error(dir, "%s", strerror(ENOMEM));
        failed = 1;
    }
    return failed;
}
