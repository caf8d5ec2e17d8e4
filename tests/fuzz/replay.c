/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput() over files, so
 * the targets build and run without libFuzzer (any compiler, any build).
 *
 *   replay_TARGET [-v] PATH...
 *
 * Each PATH is a file or a directory (read recursively, in name order).
 * Every input runs in a child process (fork), so a crash or a failed check
 * counts as one failure and the run goes on; set MDLZ_REPLAY_NOFORK=1 to
 * run in-process (e.g. under a debugger). The input is copied to a buffer
 * of exactly its size, so sanitizers see reads past its end.
 *
 * Prints "not ok - FILE: why" per failure ("ok - FILE" too with -v) and
 * ends with the time taken and "N passed, M failed". Exit status 0 only
 * if nothing failed and at least one input ran.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

static int verbose, nofork;
static unsigned long n_passed, n_failed;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int read_file(const char *path, uint8_t **data, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = fuzz_malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return -1;
    }
    /* An exact-size copy: one byte past the end is outside the block. */
    *data = fuzz_malloc(n);
    memcpy(*data, buf, n);
    free(buf);
    *size = n;
    return 0;
}

static void run_one(const char *path) {
    uint8_t *data;
    size_t size;
    if (read_file(path, &data, &size) != 0) {
        printf("not ok - %s: cannot read: %s\n", path, strerror(errno));
        n_failed++;
        return;
    }
    double t0 = now();
    int ok = 1;
    char why[64] = "";
    fflush(stdout);
    if (nofork) {
        LLVMFuzzerTestOneInput(data, size); /* a failure aborts */
    } else {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(99);
        }
        if (pid == 0) {
            LLVMFuzzerTestOneInput(data, size);
            free(data);
            fflush(NULL);
            exit(0);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) {
                perror("waitpid");
                exit(99);
            }
        if (WIFSIGNALED(status)) {
            ok = 0;
            snprintf(why, sizeof why, "killed by signal %d (%s)",
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
        } else if (WEXITSTATUS(status) != 0) {
            ok = 0;
            snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
        }
    }
    double ms = (now() - t0) * 1e3;
    free(data);
    if (ok) {
        n_passed++;
        if (verbose) printf("ok - %s (%zu bytes, %.1f ms)\n", path, size, ms);
    } else {
        n_failed++;
        printf("not ok - %s (%zu bytes): %s\n", path, size, why);
    }
    fflush(stdout);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        printf("not ok - %s: %s\n", path, strerror(errno));
        n_failed++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        run_one(path);
        return;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        printf("not ok - %s: %s\n", path, strerror(errno));
        n_failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') continue; /* ., .., hidden files */
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) exit(99);
            names = nn;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = fuzz_malloc(len);
        snprintf(names[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(dir);
    if (n) qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        run_path(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    const char *nf = getenv("MDLZ_REPLAY_NOFORK");
    nofork = nf && *nf && strcmp(nf, "0") != 0;
    int first = 1;
    if (argc > 1 && !strcmp(argv[1], "-v")) {
        verbose = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    double t0 = now();
    for (int i = first; i < argc; i++) run_path(argv[i]);
    printf("replayed %lu inputs in %.2f s\n", n_passed + n_failed, now() - t0);
    printf("%lu passed, %lu failed\n", n_passed, n_failed);
    if (n_passed + n_failed == 0) {
        printf("no inputs found\n");
        return 1;
    }
    return n_failed ? 1 : 0;
}
