/*
 * fileio.c - safe input and output files, and the signal handlers that
 * clean up after an interrupted write (see fileio.h).
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The temporary file being written, for the signal handler. The only
 * mutable globals of the program; changed only with signals blocked. */
static char g_temp_path[PATH_MAX];
static volatile sig_atomic_t g_temp_active;

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CLEANUP_SIGNALS (sizeof cleanup_signals / sizeof cleanup_signals[0])

static void on_signal(int sig) {
    if (g_temp_active) unlink(g_temp_path);
    /* Die of the same signal, so the parent sees how we ended. */
    signal(sig, SIG_DFL);
    raise(sig);
}

void fileio_install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_CLEANUP_SIGNALS; i++)
        sigaddset(&sa.sa_mask, cleanup_signals[i]);
    for (size_t i = 0; i < N_CLEANUP_SIGNALS; i++) {
        struct sigaction old;
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 &&
            old.sa_handler == SIG_IGN)
            continue;
        sigaction(cleanup_signals[i], &sa, NULL);
    }
    /* Past a file size limit (ulimit -f) a write fails with EFBIG when
     * SIGXFSZ is ignored: reported and cleaned up like a full disk,
     * instead of killing the process with the temporary file left. */
    signal(SIGXFSZ, SIG_IGN);
}

static void block_signals(sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < N_CLEANUP_SIGNALS; i++)
        sigaddset(&set, cleanup_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old) {
    sigprocmask(SIG_SETMASK, old, NULL);
}

/* ---- input ---------------------------------------------------------- */

int in_open(in_file *f, const char *path) {
    f->is_stdin = strcmp(path, "-") == 0;
    if (f->is_stdin) {
        f->fd = STDIN_FILENO;
    } else {
        do f->fd = open(path, O_RDONLY | O_NOCTTY);
        while (f->fd < 0 && errno == EINTR);
        if (f->fd < 0) return -1;
    }
    if (fstat(f->fd, &f->st) != 0) {
        int e = errno;
        in_close(f);
        errno = e;
        return -1;
    }
    return 0;
}

void in_close(in_file *f) {
    if (!f->is_stdin && f->fd >= 0) close(f->fd);
    f->fd = -1;
}

ssize_t read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* ---- output --------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Length of the directory part of path, including its final '/'. */
static size_t dir_len(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* "DIR/.BASE.tmpXXXXXX" (or "DIR/.mdlz.tmpXXXXXX" for a long BASE). */
static char *temp_template(const char *path) {
    size_t d = dir_len(path);
    const char *base = path + d;
    if (strlen(base) > 200) base = "mdlz";
    size_t n = d + 1 + strlen(base) + 10 + 1;
    if (n > PATH_MAX) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    char *t = malloc(n);
    if (!t) return NULL;
    memcpy(t, path, d);
    t[d] = '.';
    strcpy(t + d + 1, base);
    strcat(t, ".tmpXXXXXX");
    return t;
}

int out_open(out_file *o, const char *path, int force) {
    o->fd = -1;
    o->direct = 0;
    o->path = NULL;
    o->temp = NULL;
    if (!path) {
        o->fd = STDOUT_FILENO;
        o->direct = 1;
        return 0;
    }
    if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
        errno = EISDIR;
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
        do o->fd = open(path, O_WRONLY | O_NOCTTY);
        while (o->fd < 0 && errno == EINTR);
        if (o->fd < 0) return -1;
        o->direct = 1;
        return 0;
    }
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return -1;
        }
        if (!force) {
            errno = EEXIST;
            return -1;
        }
    }
    o->path = strdup(path);
    o->temp = temp_template(path);
    if (!o->path || !o->temp) {
        int e = errno;
        free(o->path);
        free(o->temp);
        o->path = o->temp = NULL;
        errno = e;
        return -1;
    }
    /* Create and register the file with no signal in between, so that no
     * interruption can leave it behind. */
    sigset_t old;
    block_signals(&old);
    o->fd = mkstemp(o->temp);
    int e = errno;
    if (o->fd >= 0) {
        strcpy(g_temp_path, o->temp);
        g_temp_active = 1;
    }
    restore_signals(&old);
    if (o->fd < 0) {
        free(o->path);
        free(o->temp);
        o->path = o->temp = NULL;
        errno = e;
        return -1;
    }
    return 0;
}

int out_write(out_file *o, const void *buf, size_t n) {
    return write_all(o->fd, buf, n);
}

/* Forgets the temporary file (it was renamed or removed). */
static void unregister_temp(out_file *o) {
    g_temp_active = 0;
    free(o->temp);
    o->temp = NULL;
}

static void release(out_file *o) {
    free(o->path);
    o->path = NULL;
    o->fd = -1;
}

void out_abort(out_file *o) {
    int e = errno;
    if (o->temp) {
        if (o->fd >= 0) close(o->fd);
        unlink(o->temp);
        unregister_temp(o);
    } else if (o->direct && o->fd != STDOUT_FILENO && o->fd >= 0) {
        close(o->fd);
    }
    release(o);
    errno = e;
}

/* Gives the output the owner, permissions and times of the input. */
static void copy_metadata(int fd, const struct stat *src) {
    if (!src) {
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
        return;
    }
    /* Failing to set the owner is normal for non-root users; then keep
     * at least the group if allowed. Set the owner before the mode, since
     * chown may clear permission bits. */
    int owned = fchown(fd, src->st_uid, src->st_gid) == 0 ||
                fchown(fd, (uid_t)-1, src->st_gid) == 0;
    (void)owned; /* if neither worked, the file keeps our owner */
    fchmod(fd, src->st_mode & 0777);
    struct timespec times[2] = {src->st_atim, src->st_mtim};
    futimens(fd, times);
}

/* Makes the directory entry of path durable (best effort). */
static void sync_dir(const char *path) {
    size_t d = dir_len(path);
    char *dir = malloc(d + 2);
    if (!dir) return;
    if (d == 0) strcpy(dir, ".");
    else {
        memcpy(dir, path, d);
        dir[d] = '\0';
    }
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Moves the temporary file to its final name. Without force, link(2)
 * fails atomically if the name exists; filesystems without hard links
 * fall back to check-then-rename. */
static int install(const out_file *o, int force) {
    if (!force) {
        if (link(o->temp, o->path) == 0) {
            unlink(o->temp);
            return 0;
        }
        if (errno == EEXIST) return -1;
        struct stat st;
        if (lstat(o->path, &st) == 0) {
            errno = EEXIST;
            return -1;
        }
    }
    return rename(o->temp, o->path);
}

int out_commit(out_file *o, const struct stat *src, int force) {
    if (o->direct) {
        int rc = 0;
        if (o->fd != STDOUT_FILENO && close(o->fd) != 0) rc = -1;
        release(o);
        return rc;
    }
    copy_metadata(o->fd, src);
    if (fsync(o->fd) != 0 && errno != EINVAL) {
        out_abort(o);
        return -1;
    }
    int rc = close(o->fd);
    o->fd = -1;
    if (rc != 0) {
        out_abort(o);
        return -1;
    }
    sigset_t old;
    block_signals(&old);
    rc = install(o, force);
    int e = errno;
    if (rc == 0) unregister_temp(o);
    restore_signals(&old);
    if (rc != 0) {
        errno = e;
        out_abort(o);
        return -1;
    }
    sync_dir(o->path);
    release(o);
    return 0;
}

int read_whole(const char *path, unsigned char **data, size_t *len,
               int *regular) {
    in_file f;
    *data = NULL;
    *len = 0;
    if (in_open(&f, path) != 0) return errno;
    int err = S_ISDIR(f.st.st_mode) ? EISDIR : 0;
    *regular = S_ISREG(f.st.st_mode);
    size_t first = *regular ? (size_t)f.st.st_size + 1 : (size_t)1 << 16;
    size_t cap = 0;
    while (!err) {
        if (*len == cap) {
            cap = cap ? cap * 2 : first;
            unsigned char *p = realloc(*data, cap);
            if (!p) {
                err = ENOMEM;
                break;
            }
            *data = p;
        }
        ssize_t r = read_full(f.fd, *data + *len, cap - *len);
        if (r < 0) err = errno;
        else if ((*len += (size_t)r) < cap) break;
    }
    in_close(&f);
    if (err) {
        free(*data);
        *data = NULL;
        *len = 0;
    }
    return err;
}
