/* tmpfile.c - see tmpfile.h. */
#define _GNU_SOURCE /* renameat2 */
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

typedef struct {
    int dir_fd;
    char name[ARC_TMP_NAME_MAX];
} tmp_entry;

struct mdlz_archive_cleanup {
    pthread_mutex_t mu;
    int cancelled;
    tmp_entry *v;
    size_t n, cap;
};

mdlz_status mdlz_archive_cleanup_create(mdlz_archive_cleanup **out) {
    *out = calloc(1, sizeof **out);
    if (!*out) return MDLZ_ERROR_NOMEM;
    pthread_mutex_init(&(*out)->mu, NULL);
    return MDLZ_OK;
}

void mdlz_archive_cleanup_free(mdlz_archive_cleanup *c) {
    if (!c) return;
    pthread_mutex_destroy(&c->mu);
    free(c->v);
    free(c);
}

size_t mdlz_archive_cleanup_run(mdlz_archive_cleanup *c) {
    if (!c) return 0;
    pthread_mutex_lock(&c->mu);
    size_t removed = 0;
    for (size_t i = 0; i < c->n; i++)
        removed += unlinkat(c->v[i].dir_fd, c->v[i].name, 0) == 0;
    c->n = 0;
    c->cancelled = 1;
    pthread_mutex_unlock(&c->mu);
    return removed;
}

int arc_tmp_cancelled(mdlz_archive_cleanup *c) {
    if (!c) return 0;
    pthread_mutex_lock(&c->mu);
    int r = c->cancelled;
    pthread_mutex_unlock(&c->mu);
    return r;
}

static void lock(mdlz_archive_cleanup *c) {
    if (c) pthread_mutex_lock(&c->mu);
}
static void unlock(mdlz_archive_cleanup *c) {
    if (c) pthread_mutex_unlock(&c->mu);
}

/* Forgets tmp (under the lock). */
static void forget(mdlz_archive_cleanup *c, int dir_fd, const char *tmp) {
    for (size_t i = 0; c && i < c->n; i++)
        if (c->v[i].dir_fd == dir_fd && !strcmp(c->v[i].name, tmp)) {
            c->v[i] = c->v[--c->n];
            return;
        }
}

/* Six characters of [A-Za-z0-9] as mkstemp(3) makes them, from the
 * thread, the clock and the attempt: no state shared between calls. */
static void suffix(char out[7], const char *base, int attempt) {
    static const char set[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    struct {
        struct timespec ts;
        pthread_t self;
        pid_t pid;
        int attempt;
        const char *base;
    } seed;
    memset(&seed, 0, sizeof seed);
    clock_gettime(CLOCK_REALTIME, &seed.ts);
    seed.self = pthread_self();
    seed.pid = getpid();
    seed.attempt = attempt;
    seed.base = base;
    uint64_t h = XXH3_64bits(&seed, sizeof seed);
    for (int i = 0; i < 6; i++, h /= 62) out[i] = set[h % 62];
    out[6] = 0;
}

int arc_tmp_open(mdlz_archive_cleanup *c, int dir_fd, const char *base,
                 unsigned mode, char tmp[ARC_TMP_NAME_MAX]) {
    if (strlen(base) > 200) base = "mdlza";
    int fd = -1, e = 0;
    lock(c);
    if (c && c->cancelled) {
        e = ECANCELED;
    } else if (c && c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        tmp_entry *v = realloc(c->v, cap * sizeof *v);
        if (v) {
            c->v = v;
            c->cap = cap;
        } else {
            e = ENOMEM;
        }
    }
    for (int attempt = 0; !e && fd < 0 && attempt < 100; attempt++) {
        char sfx[7];
        suffix(sfx, base, attempt);
        snprintf(tmp, ARC_TMP_NAME_MAX, ".%s.%s", base, sfx);
        fd = openat(dir_fd, tmp,
                    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    (mode_t)mode);
        if (fd < 0 && errno != EEXIST) e = errno;
    }
    if (fd >= 0 && c) {
        c->v[c->n].dir_fd = dir_fd;
        memcpy(c->v[c->n++].name, tmp, ARC_TMP_NAME_MAX);
    } else if (fd < 0 && !e) {
        e = EEXIST;
    }
    unlock(c);
    errno = e;
    return fd;
}

int arc_tmp_commit(mdlz_archive_cleanup *c, int dir_fd, const char *tmp,
                   const char *base, int replace) {
    lock(c);
    int r = -1, e = ECANCELED;
    if (!c || !c->cancelled) {
        r = renameat2(dir_fd, tmp, dir_fd, base,
                      replace ? 0 : RENAME_NOREPLACE);
        e = errno;
    }
    if (r == 0) forget(c, dir_fd, tmp);
    unlock(c);
    errno = e;
    return r;
}

void arc_tmp_abort(mdlz_archive_cleanup *c, int dir_fd, const char *tmp) {
    int e = errno;
    lock(c);
    unlinkat(dir_fd, tmp, 0);
    forget(c, dir_fd, tmp);
    unlock(c);
    errno = e;
}
