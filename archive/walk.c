/* walk.c - see walk.h. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toc.h"

void arc_inputs_free(arc_inputs *in) {
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].name);
        free(in->v[i].path);
    }
    free(in->v);
    memset(in, 0, sizeof *in);
}

typedef struct {
    const arc_skip *skip;
    int n_skip;
    arc_warn_fn warn;
    void *user;
    arc_inputs *out;
    char *err;
    size_t errlen;
} walker;

/* The archive name of a path: without leading "/" and "./" components and
 * doubled slashes; NULL (with a message) if it has a ".." component. */
static char *archive_name(const char *path, char *err, size_t errlen) {
    size_t n = strlen(path);
    char *name = malloc(n + 1), *w = name;
    if (!name) return NULL;
    const char *p = path;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t k = slash ? (size_t)(slash - p) : strlen(p);
        if (k == 2 && p[0] == '.' && p[1] == '.') {
            snprintf(err, errlen, "%s: names with '..' are refused", path);
            free(name);
            return NULL;
        }
        if (k && !(k == 1 && p[0] == '.')) {
            if (w != name) *w++ = '/';
            memcpy(w, p, k);
            w += k;
        }
        p += k;
        while (*p == '/') p++;
    }
    *w = 0;
    return name;
}

static int add(walker *wk, const char *path, const char *name,
               const struct stat *st, uint8_t type) {
    arc_inputs *o = wk->out;
    if (o->n == o->cap) {
        size_t c = o->cap ? o->cap * 2 : 256;
        arc_input *v = realloc(o->v, c * sizeof *v);
        if (!v) return -1;
        o->v = v;
        o->cap = c;
    }
    arc_input *in = &o->v[o->n];
    in->name = strdup(name);
    in->path = strdup(path);
    if (!in->name || !in->path) {
        free(in->name);
        free(in->path);
        return -1;
    }
    in->type = type;
    in->mode = (uint32_t)st->st_mode & 07777;
    in->mtime = (int64_t)st->st_mtime;
    in->size = type == ARC_FILE ? (uint64_t)st->st_size : 0;
    o->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(walker *wk, const char *path, const char *name);

static int walk_dir(walker *wk, const char *path, const char *name) {
    DIR *d = opendir(path);
    if (!d) {
        snprintf(wk->err, wk->errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char **kids = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **k = realloc(kids, cap * sizeof *k);
            if (!k) {
                r = -1;
                break;
            }
            kids = k;
        }
        if (!(kids[n] = strdup(de->d_name))) {
            r = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (r == 0 && n) qsort(kids, n, sizeof *kids, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (r == 0) {
            size_t pl = strlen(path), nl = strlen(name), kl = strlen(kids[i]);
            char *cp = malloc(pl + kl + 2), *cn = malloc(nl + kl + 2);
            if (!cp || !cn) {
                r = -1;
            } else {
                sprintf(cp, "%s%s%s", path,
                        pl && path[pl - 1] == '/' ? "" : "/", kids[i]);
                sprintf(cn, "%s%s%s", name, nl ? "/" : "", kids[i]);
                r = walk(wk, cp, cn);
            }
            free(cp);
            free(cn);
        }
        free(kids[i]);
    }
    free(kids);
    if (r != 0 && !wk->err[0]) snprintf(wk->err, wk->errlen, "out of memory");
    return r;
}

static int walk(walker *wk, const char *path, const char *name) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        snprintf(wk->err, wk->errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (int i = 0; i < wk->n_skip; i++)
        if (st.st_dev == wk->skip[i].dev && st.st_ino == wk->skip[i].ino)
            return 0;
    if (S_ISREG(st.st_mode)) {
        if (!*name) {
            snprintf(wk->err, wk->errlen, "%s: no name to store", path);
            return -1;
        }
        return add(wk, path, name, &st, ARC_FILE);
    }
    if (S_ISDIR(st.st_mode)) {
        if (*name && add(wk, path, name, &st, ARC_DIR) != 0) return -1;
        return walk_dir(wk, path, name);
    }
    if (wk->warn)
        wk->warn(wk->user, path,
                 S_ISLNK(st.st_mode) ? "symbolic link not stored"
                                     : "not a regular file or directory");
    return 0;
}

static int cmp_input(const void *a, const void *b) {
    return strcmp(((const arc_input *)a)->name, ((const arc_input *)b)->name);
}

int arc_walk(const char *const *paths, int n, const arc_skip *skip, int n_skip,
             arc_warn_fn warn, void *user, arc_inputs *out, char *err,
             size_t errlen) {
    walker wk = {skip, n_skip, warn, user, out, err, errlen};
    memset(out, 0, sizeof *out);
    err[0] = 0;
    for (int i = 0; i < n; i++) {
        char *name = archive_name(paths[i], err, errlen);
        int r = name ? walk(&wk, paths[i], name) : -1;
        free(name);
        if (r != 0) {
            if (!err[0]) snprintf(err, errlen, "out of memory");
            arc_inputs_free(out);
            return -1;
        }
    }
    /* Byte order of names over all paths; a name given twice is refused
     * (a directory named twice would store its files twice). */
    qsort(out->v, out->n, sizeof *out->v, cmp_input);
    for (size_t i = 0; i + 1 < out->n; i++)
        if (!strcmp(out->v[i].name, out->v[i + 1].name)) {
            snprintf(err, errlen, "%s: named twice", out->v[i].name);
            arc_inputs_free(out);
            return -1;
        }
    for (size_t i = 0; i < out->n; i++)
        if (!arc_name_ok(out->v[i].name, strlen(out->v[i].name))) {
            snprintf(err, errlen, "%s: name cannot be stored", out->v[i].path);
            arc_inputs_free(out);
            return -1;
        }
    return 0;
}

int arc_read_file(const char *path, uint8_t **buf, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    *buf = NULL;
    *len = 0;
    if (fd < 0) return -1;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    uint8_t *p = malloc(cap);
    for (;;) {
        if (!p) {
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        if (n == cap) { /* the file grew while read */
            uint8_t *q = realloc(p, cap * 2);
            if (!q) free(p);
            p = q;
            cap *= 2;
            continue;
        }
        ssize_t k = read(fd, p + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            int e = errno;
            free(p);
            close(fd);
            errno = e;
            return -1;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    close(fd);
    *buf = p;
    *len = n;
    return 0;
}
