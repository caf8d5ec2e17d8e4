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

static void run_one(const char *path) {
    size_t size = 0;
    uint8_t *whole = read_file(path, &size);
    if (!whole) {
        printf("not ok - %s: cannot read: %s\n", path, strerror(errno));
        n_failed++;
        return;
    }
    /* An exact-size copy: one byte past the end is outside the block. */
    uint8_t *data = memcpy(xmalloc(size), whole, size);
    free(whole);
    double t0 = now_seconds();
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
    double ms = (now_seconds() - t0) * 1e3;
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
    str_list names = {0};
    if (list_dir(path, &names) != 0) {
        printf("not ok - %s: %s\n", path, strerror(errno));
        n_failed++;
        return;
    }
    for (size_t i = 0; i < names.n; i++) run_path(names.v[i]);
    str_list_free(&names);
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
    double t0 = now_seconds();
    for (int i = first; i < argc; i++) run_path(argv[i]);
    printf("replayed %lu inputs in %.2f s\n", n_passed + n_failed,
           now_seconds() - t0);
    printf("%lu passed, %lu failed\n", n_passed, n_failed);
    if (n_passed + n_failed == 0) {
        printf("no inputs found\n");
        return 1;
    }
    return n_failed ? 1 : 0;
}
