/*
 * auto.c - `mdlz --auto` (auto.h): the sample of each input is read (no
 * more than mdlz_auto_want() asks for, so memory stays bounded by the
 * sample), the library measures the candidates and chooses, and -v
 * prints them. The chosen setting is recorded in each stream as the
 * equivalent flags would record it, so plain `mdlz -d` decodes it.
 */
#include "auto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "fileio.h"
#include "report.h"

/* Adds the sample of the regular file at path; a file that cannot be
 * read is skipped here (its operation reports it). 0, or -1 for a failure
 * of the library (reported). */
static int add_input(mdlz_auto *a, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        uint64_t size = (uint64_t)st.st_size;
        size_t want = mdlz_auto_want(a, size);
        unsigned char *buf = want ? malloc(want) : NULL;
        ssize_t got = want ? (buf ? read_full(fd, buf, want) : -1) : 0;
        mdlz_status s = MDLZ_OK;
        if (got < 0) {
            report_error(path, "%s", strerror(buf ? errno : ENOMEM));
            rc = -1;
        } else if ((size_t)got == want) {
            s = mdlz_auto_add(a, buf, want, size);
        } /* else it shrank meanwhile: left to the operation */
        if (s != MDLZ_OK) {
            report_error(path, "--auto: %s", mdlz_strerror(s));
            rc = -1;
        }
        free(buf);
    }
    close(fd);
    return rc;
}

static void print_candidates(const mdlz_auto *a, int objective) {
    uint64_t sampled, total;
    mdlz_auto_sample(a, &sampled, &total);
    char s1[32], s2[32];
    format_size(s1, sizeof s1, total);
    format_size(s2, sizeof s2, sampled);
    fprintf(stderr,
            "mdlz: --auto: %s of input, %s sampled; objective: %s\n"
            "  %-44s %12s %9s %14s\n",
            s1, s2, objective == MDLZ_AUTO_SIZE ? "payload" : "payload + code",
            "candidate", "payload", "code", "DL");
    size_t choice = mdlz_auto_choice(a);
    for (size_t i = 0; i < mdlz_auto_candidates(a); i++) {
        const mdlz_auto_candidate *c = mdlz_auto_candidate_get(a, i);
        fprintf(stderr, "%c %-44s %12llu %9llu %14.1f\n",
                i == choice ? '*' : ' ', c->name,
                (unsigned long long)c->payload, (unsigned long long)c->code,
                c->dl);
    }
}

int auto_choose(cli_options *o, const char *const *paths, size_t n,
                mdlz_auto **out) {
    mdlz_auto_params p;
    mdlz_auto_params_init(&p);
    p.level = o->level;
    p.index = o->index;
    p.tools = o->tools;
    p.plugins = o->plugins;
    p.n_plugins = (size_t)o->n_plugins;
    p.objective = o->auto_objective;
    p.amortize = o->amortize;
    char err[1024];
    mdlz_status st = mdlz_auto_create(out, &p, err, sizeof err);
    if (st != MDLZ_OK) {
        report_error(NULL, "--auto: %s", err);
        return st == MDLZ_ERROR_TOOL || st == MDLZ_ERROR_PARAM
                   ? EXIT_USAGE
                   : EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < n; i++)
        if (add_input(*out, paths[i]) != 0) return EXIT_DATA_ERROR;
    st = mdlz_auto_choose(*out);
    if (st != MDLZ_OK) {
        report_error(NULL, "--auto: %s", mdlz_auto_error_detail(*out));
        return EXIT_DATA_ERROR;
    }
    if (o->verbose && !o->quiet) print_candidates(*out, o->auto_objective);
    o->setting =
        &mdlz_auto_candidate_get(*out, mdlz_auto_choice(*out))->setting;
    return 0;
}
