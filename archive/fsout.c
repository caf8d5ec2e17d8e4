/* fsout.c - see fsout.h. */
#include "fsout.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toc.h"

int fs_parent(int root_fd, const char *name, int create, const char **base) {
    if (!arc_name_ok(name, strlen(name))) {
        errno = EINVAL;
        return -1;
    }
    int fd = dup(root_fd);
    const char *p = name;
    for (;;) {
        const char *slash = strchr(p, '/');
        if (fd < 0 || !slash) break;
        char comp[ARC_NAME_MAX + 1];
        memcpy(comp, p, (size_t)(slash - p));
        comp[slash - p] = 0;
        int next =
            openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, comp, 0755) != 0 && errno != EEXIST) {
                int e = errno;
                close(fd);
                errno = e;
                return -1;
            }
            next = openat(fd, comp,
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        int e = errno;
        close(fd);
        errno = e;
        fd = next;
        p = slash + 1;
    }
    if (fd >= 0) *base = p;
    return fd;
}

int fs_exists(int dir_fd, const char *base) {
    struct stat st;
    return fstatat(dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int fs_file_open(fs_file *f, int root_fd, const char *name,
                 mdlz_archive_cleanup *cleanup) {
    f->fd = -1;
    f->cleanup = cleanup;
    f->dir_fd = fs_parent(root_fd, name, 1, &f->base);
    if (f->dir_fd < 0) return -1;
    f->fd = arc_tmp_open(cleanup, f->dir_fd, f->base, 0600, f->tmp);
    if (f->fd < 0) {
        int e = errno;
        close(f->dir_fd);
        f->dir_fd = -1;
        errno = e;
        return -1;
    }
    return 0;
}

int fs_write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int fs_file_write(fs_file *f, const void *buf, size_t n) {
    return fs_write_all(f->fd, buf, n);
}

int fs_file_commit(fs_file *f, uint32_t mode, int64_t mtime, int force) {
    struct timespec ts[2] = {{0, UTIME_OMIT}, {(time_t)mtime, 0}};
    if (fchmod(f->fd, mode & 0777) != 0 || futimens(f->fd, ts) != 0 ||
        (force && fs_exists(f->dir_fd, f->base) && fsync(f->fd) != 0) ||
        close(f->fd) != 0) {
        int e = errno;
        f->fd = -1;
        fs_file_abort(f);
        errno = e;
        return -1;
    }
    f->fd = -1;
    if (arc_tmp_commit(f->cleanup, f->dir_fd, f->tmp, f->base, force) != 0) {
        int e = errno;
        fs_file_abort(f);
        errno = e;
        return -1;
    }
    close(f->dir_fd);
    f->dir_fd = -1;
    return 0;
}

void fs_file_abort(fs_file *f) {
    if (f->fd >= 0) close(f->fd);
    if (f->dir_fd >= 0) {
        arc_tmp_abort(f->cleanup, f->dir_fd, f->tmp);
        close(f->dir_fd);
    }
    f->fd = f->dir_fd = -1;
}

int fs_dir(int root_fd, const char *name, uint32_t mode, int64_t mtime) {
    const char *base;
    int pfd = fs_parent(root_fd, name, 1, &base);
    if (pfd < 0) return -1;
    if (mkdirat(pfd, base, 0755) != 0 && errno != EEXIST) {
        int e = errno;
        close(pfd);
        errno = e;
        return -1;
    }
    int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(pfd);
    if (fd < 0) {
        errno = e;
        return -1;
    }
    struct timespec ts[2] = {{0, UTIME_OMIT}, {(time_t)mtime, 0}};
    int r = (fchmod(fd, (mode & 0777) | 0700) == 0 && futimens(fd, ts) == 0)
                ? 0
                : -1;
    e = errno;
    close(fd);
    errno = e;
    return r;
}
