/*
 * archive_cmd.c - `mdlz archive create|add|rm|list|extract|test`: archives
 * of many files, each group coded with retrieval over the files before it
 * (include/mdlz_archive.h, docs/archive.md). Names are printed escaped
 * (report_name); an interrupt removes every temporary file (guard below).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "exitcode.h"
#include "json.h"
#include "mdlz_archive.h"
#include "mdlz_measure.h"
#include "report.h"
#include "subcmd.h"

static void print_help(void) {
    printf(
        "Usage: mdlz archive COMMAND [OPTION]... ARCHIVE [PATH|NAME]...\n"
        "Archives of many files. Files are coded in groups; each group\n"
        "retrieves the most related files stored before it and codes with\n"
        "them as context, so the archive needs no external index.\n"
        "\n"
        "Commands:\n"
        "  create ARCHIVE PATH...   store files and directories (recursively)\n"
        "  add ARCHIVE PATH...      append files; stored groups are copied\n"
        "  rm ARCHIVE NAME...       remove files and directories (groups that\n"
        "                           held or retrieved them are recoded)\n"
        "  list ARCHIVE             per file: size, compressed size, group,\n"
        "                           files its group retrieved (-v: names),\n"
        "                           decode cost of extracting it alone\n"
        "                           (bytes decoded or learned) and files\n"
        "                           decoded\n"
        "  extract ARCHIVE [NAME]...  extract all, or the named files and\n"
        "                           directories (decoding only what they "
        "need)\n"
        "  test ARCHIVE             decode everything and verify checksums\n"
        "\n"
        "Options:\n"
        "  -C DIR            extract into DIR (default: current directory)\n"
        "  -O, --to-stdout   extract the files' contents to standard output,\n"
        "                    one after the other in archive order\n"
        "  -f, --force       replace an existing archive or existing files\n"
        "  -1 .. -9          compression level (default %d)\n"
        "  --group-size=SIZE files coded together (default 512KiB): larger\n"
        "                    compresses better, extracting one file costs "
        "more\n"
        "  --depth=N         dependency depth limit (default %d; 0 = no\n"
        "                    retrieval): the chain of groups one file needs\n"
        "  --fan-in=N        files a group may retrieve (default %d, max %d)\n"
        "  --prime=PERCENT   bytes retrieved per 100 bytes of a group\n"
        "                    (default %d): more compresses better, costs\n"
        "                    time when extracting\n"
        "  --memory=SIZE     extract/test: refuse groups whose model needs\n"
        "                    more memory than SIZE (per worker thread;\n"
        "                    default 2GiB)\n"
        "  -T, --threads=N   worker threads (default: one per core); the\n"
        "                    archive is the same for any number\n"
        "  -q, --quiet       no per-file output\n"
        "  -v, --verbose     more detail\n"
        "  --json            list: one JSON object per entry and line, for\n"
        "                    scripts (names as UTF-8, not escaped)\n"
        "Names are printed with control characters escaped (\\n, \\033...).\n",
        MDLZ_LEVEL_DEFAULT, MDLZ_ARCHIVE_DEPTH_DEFAULT,
        MDLZ_ARCHIVE_FANIN_DEFAULT, MDLZ_ARCHIVE_FANIN_MAX,
        MDLZ_ARCHIVE_PRIME_DEFAULT);
}

typedef struct {
    const char *cmd, *dir;
    mdlz_archive_write_opts w;
    int quiet, verbose, help, to_stdout, json;
    uint64_t mem_limit; /* --memory: per decoding worker */
    char **args;
    int nargs;
} archive_args;

static int usage(const char *fmt, const char *arg) {
    char esc[256];
    fputs("mdlz: archive: ", stderr);
    fprintf(stderr, fmt, report_escape(esc, sizeof esc, arg));
    fputs(" (see mdlz archive --help)\n", stderr);
    return EXIT_USAGE;
}

/* Parses "--name=V" / "--name V" / "-xV" / "-x V" as a long in range. */
static int long_opt(int argc, char **argv, int *i, size_t namelen, long min,
                    long max, long *out) {
    const char *val = cli_opt_value(argc, argv, i, namelen);
    if (!val || parse_long(val, min, max, out)) {
        usage("bad value for '%s'", argv[*i]);
        return -1;
    }
    return 0;
}

static int is_opt(const char *s, const char *name) {
    size_t n = strlen(name);
    return !strncmp(s, name, n) && (!s[n] || s[n] == '=');
}

static int parse(int argc, char **argv, archive_args *a) {
    memset(a, 0, sizeof *a);
    mdlz_archive_write_opts_init(&a->w);
    a->args = malloc(sizeof *a->args * (size_t)(argc > 0 ? argc : 1));
    if (!a->args) return EXIT_DATA_ERROR;
    int only_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        long v;
        if (only_args || s[0] != '-' || !s[1]) {
            if (!a->cmd) a->cmd = s;
            else a->args[a->nargs++] = argv[i];
        } else if (!strcmp(s, "--")) {
            only_args = 1;
        } else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            a->help = 1;
        } else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
            a->quiet = 1;
        } else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
            a->verbose = 1;
        } else if (!strcmp(s, "-f") || !strcmp(s, "--force")) {
            a->w.force = 1;
        } else if (!strcmp(s, "--json")) {
            a->json = 1;
        } else if (!strcmp(s, "-O") || !strcmp(s, "--to-stdout")) {
            a->to_stdout = 1;
        } else if (s[1] >= '1' && s[1] <= '9' && !s[2]) {
            a->w.level = s[1] - '0';
        } else if (!strncmp(s, "-C", 2)) {
            a->dir = cli_opt_value(argc, argv, &i, 2);
            if (!a->dir) return usage("'%s' needs a directory", s);
        } else if (is_opt(s, "--group-size")) {
            const char *val = cli_opt_value(argc, argv, &i, 12);
            if (!val || parse_size(val, &a->w.group_size) ||
                a->w.group_size < 1024 || a->w.group_size > ((uint64_t)1 << 32))
                return usage("bad --group-size '%s' (1K..4G)", val ? val : "");
        } else if (is_opt(s, "--memory")) {
            const char *val = cli_opt_value(argc, argv, &i, 8);
            if (!val || parse_size(val, &a->mem_limit) || !a->mem_limit)
                return usage("bad --memory '%s'", val ? val : "");
        } else if (is_opt(s, "--depth")) {
            if (long_opt(argc, argv, &i, 7, 0, 64, &v)) return EXIT_USAGE;
            a->w.depth = (int)v;
        } else if (is_opt(s, "--fan-in")) {
            if (long_opt(argc, argv, &i, 8, 0, MDLZ_ARCHIVE_FANIN_MAX, &v))
                return EXIT_USAGE;
            a->w.fan_in = (int)v;
        } else if (is_opt(s, "--prime")) {
            if (long_opt(argc, argv, &i, 7, 0, 400, &v)) return EXIT_USAGE;
            a->w.prime_pct = (int)v;
        } else if (is_opt(s, "--threads") || !strncmp(s, "-T", 2)) {
            if (long_opt(argc, argv, &i, s[1] == '-' ? 9 : 2, 0, 64, &v))
                return EXIT_USAGE;
            a->w.threads = (int)v;
        } else {
            return usage("unknown option '%s'", s);
        }
    }
    if (a->w.fan_in == 0) a->w.depth = 0;
    if (a->to_stdout && a->dir)
        return usage("%s", "-O and -C exclude each other");
    return 0;
}

/* ---- interrupts --------------------------------------------------------- */
/* The library's workers write temporary files from several threads at
 * once, so a signal handler (cli/fileio.c's, which removes the one file of
 * the plain command) cannot know them all or stop a worker creating one
 * right after it ran. Instead SIGINT, SIGTERM and SIGHUP are blocked in
 * every thread (the workers inherit the mask) and one thread waits for
 * them with sigwait(): it runs mdlz_archive_cleanup_run(), which removes
 * the temporary files under the lock the workers create and rename them
 * under, then dies of the same signal. Signals ignored at startup (nohup)
 * stay ignored. */
typedef struct {
    sigset_t set, old;
    pthread_t tid;
    int running;
    mdlz_archive_cleanup *cleanup;
} guard;

static void *guard_main(void *arg) {
    guard *g = arg;
    int sig;
    if (sigwait(&g->set, &sig) != 0) return NULL;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    mdlz_archive_cleanup_run(g->cleanup);
    /* Die of the same signal, so the parent sees how we ended. */
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    signal(sig, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
    _exit(128 + sig);
}

static int guard_start(guard *g) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    memset(g, 0, sizeof *g);
    if (mdlz_archive_cleanup_create(&g->cleanup) != MDLZ_OK) return -1;
    sigemptyset(&g->set);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaddset(&g->set, sigs[i]);
    }
    pthread_sigmask(SIG_BLOCK, &g->set, &g->old);
    g->running = pthread_create(&g->tid, NULL, guard_main, g) == 0;
    if (!g->running) pthread_sigmask(SIG_SETMASK, &g->old, NULL);
    return 0;
}

static void guard_stop(guard *g) {
    if (!g->cleanup) return;
    if (g->running) {
        pthread_cancel(g->tid);
        pthread_join(g->tid, NULL);
        pthread_sigmask(SIG_SETMASK, &g->old, NULL);
    }
    mdlz_archive_cleanup_free(g->cleanup);
    g->cleanup = NULL;
}

/* ---- create, add, rm ---------------------------------------------------- */

static void on_warn(void *user, const char *path, const char *why) {
    (void)user;
    report_error(path, "%s (skipped)", why);
}

static void on_added(void *user, const mdlz_archive_entry *e) {
    const archive_args *a = user;
    if (!a->verbose) return;
    report_name(stderr, e->name);
    fprintf(stderr, ": %" PRIu64 " -> %" PRIu64 " bytes\n", e->size, e->csize);
}

static void on_removed(void *user, const mdlz_archive_entry *e) {
    const archive_args *a = user;
    if (!a->verbose) return;
    fputs("removed ", stderr);
    report_name(stderr, e->name);
    fputs(e->type == MDLZ_ARCHIVE_DIR ? "/\n" : "\n", stderr);
}

/* Opens an archive; on failure says why. A damaged header or trailer
 * is said too, and sets *rc to 1 (the archive opened nevertheless). */
static mdlz_archive *open_archive(const char *path, int *rc) {
    char err[512];
    mdlz_archive *ar;
    if (mdlz_archive_open(&ar, path, err, sizeof err) != MDLZ_OK) {
        report_error(path, "%s", err);
        *rc = EXIT_DATA_ERROR;
        return NULL;
    }
    if (mdlz_archive_damage(ar)) {
        report_error(path, "%s (its table of contents is intact)",
                     mdlz_archive_damage(ar));
        *rc = EXIT_DATA_ERROR;
    }
    return ar;
}

/* The summary after create/add/rm: totals from the written archive. */
static int summarize(const archive_args *a, const char *path) {
    int rc = 0;
    mdlz_archive *ar = open_archive(path, &rc);
    if (!ar) return rc;
    mdlz_archive_info in;
    mdlz_archive_get_info(ar, &in);
    if (!a->quiet) {
        char ratio[32], bpb[32];
        format_ratio(ratio, sizeof ratio, in.archive_bytes, in.file_bytes);
        format_bpb(bpb, sizeof bpb, in.archive_bytes * 8, in.file_bytes * 8);
        report_name(stderr, path);
        fprintf(stderr,
                ": %" PRIu64 " entries, %" PRIu64 " -> %" PRIu64
                " bytes (%s, %s bpb), %" PRIu64 " groups\n",
                in.n_entries, in.file_bytes, in.archive_bytes, ratio, bpb,
                in.n_groups);
    }
    mdlz_archive_close(ar);
    return rc;
}

static int run_write(archive_args *a, guard *g) {
    int rm = !strcmp(a->cmd, "rm");
    if (a->nargs < 2)
        return usage(rm ? "%s needs ARCHIVE and NAME..."
                        : "%s needs ARCHIVE and PATH...",
                     a->cmd);
    char err[512] = "";
    const char *archive = a->args[0];
    const char *const *rest = (const char *const *)(a->args + 1);
    a->w.warn = on_warn;
    a->w.report = rm ? on_removed : on_added;
    a->w.user = a;
    a->w.cleanup = g->cleanup;
    mdlz_status st;
    if (rm)
        st = mdlz_archive_remove(archive, rest, a->nargs - 1, &a->w, err,
                                 sizeof err);
    else if (!strcmp(a->cmd, "add"))
        st = mdlz_archive_add(archive, rest, a->nargs - 1, &a->w, err,
                              sizeof err);
    else
        st = mdlz_archive_create(archive, rest, a->nargs - 1, &a->w, err,
                                 sizeof err);
    if (st != MDLZ_OK) {
        report_error(archive, "%s", err[0] ? err : mdlz_strerror(st));
        return EXIT_DATA_ERROR;
    }
    return summarize(a, archive);
}

/* ---- list --------------------------------------------------------------- */

static void print_entry(mdlz_archive *ar, const mdlz_archive_entry *e,
                        int verbose) {
    if (e->type == MDLZ_ARCHIVE_DIR) {
        printf("%12s %12s %5s %9s %12s %6s  ", "-", "-", "-", "-", "-", "-");
        report_name(stdout, e->name);
        printf("/\n");
        return;
    }
    mdlz_archive_group g = {0};
    if (e->group >= 0) mdlz_archive_group_get(ar, (uint64_t)e->group, &g);
    if (verbose && e->group >= 0 && e->index == g.first) {
        printf("group %" PRId64 ": %" PRIu64 " -> %" PRIu64
               " bytes, depth %" PRIu32 ", retrieved %" PRIu32 " files",
               e->group, g.raw, g.csize, g.depth, g.n_deps);
        for (uint32_t j = 0; j < g.n_deps; j++) {
            mdlz_archive_entry d;
            mdlz_archive_entry_get(ar, g.deps[j], &d);
            printf("%s ", j ? "," : ":");
            report_name(stdout, d.name);
        }
        printf("\n");
    }
    char group[24] = "-", deps[16] = "-";
    if (e->group >= 0) {
        snprintf(group, sizeof group, "%" PRId64, e->group);
        snprintf(deps, sizeof deps, "%" PRIu32, g.n_deps);
    }
    printf("%12" PRIu64 " %12" PRIu64 " %5s %9s %12" PRIu64 " %6" PRIu32 "  ",
           e->size, e->csize, group, deps, e->decode_cost, e->decode_files);
    report_name(stdout, e->name);
    printf("\n");
}

/* With -v: the description length of the archive: its bytes plus the code
 * a decoder needs (the components its groups use, and the archive reader;
 * docs/description-length.md). No retrieval code: the dependencies are
 * recorded, the decoder never queries an index. */
static void print_description_length(mdlz_archive *ar,
                                     const mdlz_archive_info *in) {
    mdlz_component_cost costs[8];
    size_t n = 0, k;
    uint8_t head[MDLZ_HEADER_MAX];
    if (in->n_groups &&
        mdlz_archive_group_head(ar, 0, head, sizeof head, &k) == MDLZ_OK)
        n = mdlz_stream_code_costs(head, k, costs, 7);
    const mdlz_code_size *arc = mdlz_code_size_find("archive");
    if (arc) costs[n++] = (mdlz_component_cost){arc->name, arc->code_bytes};
    uint64_t dl = in->archive_bytes;
    printf("description length:\n  %-18s %12" PRIu64 " bytes\n",
           "payload (archive)", dl);
    for (size_t i = 0; i < n; i++) {
        char label[32];
        snprintf(label, sizeof label, "code %s", costs[i].name);
        printf("  %-18s %12" PRIu64 " bytes\n", label, costs[i].code_bytes);
        dl += costs[i].code_bytes;
    }
    printf("  %-18s %12" PRIu64 " bytes\n", "total DL", dl);
}

/* --json: an entry as one line, the columns of the table by the names of
 * mdlz.Archive.entries() in Python (null where the table shows "-"). */
static void print_entry_json(mdlz_archive *ar, const mdlz_archive_entry *e) {
    json_obj o;
    mdlz_archive_group g = {0};
    int file = e->type == MDLZ_ARCHIVE_FILE;
    if (file && e->group >= 0)
        mdlz_archive_group_get(ar, (uint64_t)e->group, &g);
    json_begin(&o);
    json_str(&o, "name", e->name);
    json_u64(&o, "index", e->index);
    json_str(&o, "type", file ? "file" : "dir");
    json_u64(&o, "mode", e->mode);
    json_i64(&o, "mtime", e->mtime);
    json_u64(&o, "size", e->size);
    json_u64(&o, "csize", e->csize);
    if (file && e->group >= 0) {
        json_i64(&o, "group", e->group);
        json_u64(&o, "retrieved", g.n_deps);
    } else {
        json_null(&o, "group");
        json_null(&o, "retrieved");
    }
    json_u64(&o, "decode_cost", e->decode_cost);
    json_u64(&o, "decode_files", e->decode_files);
    json_end(&o);
    putchar('\n');
}

static int run_list(const archive_args *a) {
    if (a->nargs != 1) return usage("%s needs ARCHIVE", a->cmd);
    int rc = 0;
    mdlz_archive *ar = open_archive(a->args[0], &rc);
    if (!ar) return rc;
    mdlz_archive_info in;
    mdlz_archive_get_info(ar, &in);
    if (a->json) {
        for (uint64_t i = 0; i < in.n_entries; i++) {
            mdlz_archive_entry e;
            mdlz_archive_entry_get(ar, i, &e);
            print_entry_json(ar, &e);
        }
        mdlz_archive_close(ar);
        return rc;
    }
    printf("%12s %12s %5s %9s %12s %6s  %s\n", "size", "compressed", "group",
           "retrieved", "decode-cost", "files", "name");
    uint64_t worst = 0, sum = 0, files = 0;
    for (uint64_t i = 0; i < in.n_entries; i++) {
        mdlz_archive_entry e;
        mdlz_archive_entry_get(ar, i, &e);
        print_entry(ar, &e, a->verbose);
        if (e.type == MDLZ_ARCHIVE_FILE && e.size) {
            sum += e.decode_cost;
            worst = e.decode_cost > worst ? e.decode_cost : worst;
            files++;
        }
    }
    char ratio[32];
    format_ratio(ratio, sizeof ratio, in.archive_bytes, in.file_bytes);
    printf("%" PRIu64 " entries, %" PRIu64 " groups, %" PRIu64 " -> %" PRIu64
           " bytes (%s); decode cost of one file: mean %" PRIu64
           ", max %" PRIu64 " bytes; of all: %" PRIu64 " bytes\n",
           in.n_entries, in.n_groups, in.file_bytes, in.archive_bytes, ratio,
           files ? sum / files : 0, worst, in.decode_bytes);
    if (a->verbose) print_description_length(ar, &in);
    mdlz_archive_close(ar);
    return rc;
}

/* ---- extract, test ------------------------------------------------------ */

typedef struct {
    const archive_args *a;
    size_t ok, failed;
    int out_errno; /* -O: writing to standard output failed */
} extract_tally;

static void on_extracted(void *user, const mdlz_archive_entry *e,
                         mdlz_status st, const char *msg) {
    extract_tally *t = user;
    if (st != MDLZ_OK) {
        t->failed++;
        /* After standard output failed, that one line says it all. */
        if (!t->out_errno)
            report_error(e->name, "%s", msg ? msg : mdlz_strerror(st));
        return;
    }
    t->ok++;
    if (t->a->verbose) {
        report_name(stderr, e->name);
        fputc('\n', stderr);
    }
}

/* -O: the files' bytes, in archive order, as tar -O writes them (also to
 * a terminal). */
static int write_stdout(void *user, const mdlz_archive_entry *e,
                        const void *data, size_t n) {
    extract_tally *t = user;
    const char *p = data;
    (void)e;
    while (n) {
        ssize_t k = write(STDOUT_FILENO, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            t->out_errno = errno;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Marks entries named on the command line (a directory selects what is
 * under it); every name must match something. */
static int select_names(const archive_args *a, mdlz_archive *ar, uint8_t *sel) {
    int rc = 0;
    for (int k = 1; k < a->nargs; k++)
        if (mdlz_archive_select(ar, a->args[k], sel) == 0) {
            report_error(a->args[k], "not in the archive");
            rc = EXIT_DATA_ERROR;
        }
    return rc;
}

static int run_extract(const archive_args *a, guard *g, int test) {
    if (a->nargs < 1 || (test && a->nargs != 1))
        return usage("%s needs ARCHIVE", a->cmd);
    char err[512] = "";
    int rc = 0;
    mdlz_archive *ar = open_archive(a->args[0], &rc);
    if (!ar) return rc;
    mdlz_archive_info in;
    mdlz_archive_get_info(ar, &in);
    uint8_t *sel = NULL;
    if (a->nargs > 1) {
        sel = calloc(in.n_entries + 1, 1);
        if (!sel) {
            mdlz_archive_close(ar);
            return EXIT_DATA_ERROR;
        }
        if (select_names(a, ar, sel)) rc = EXIT_DATA_ERROR;
    }
    extract_tally tally = {a, 0, 0, 0};
    mdlz_archive_extract_opts o;
    mdlz_archive_extract_opts_init(&o);
    o.dir = a->to_stdout ? NULL : a->dir ? a->dir : ".";
    o.write = a->to_stdout ? write_stdout : NULL;
    o.force = a->w.force;
    o.threads = a->w.threads;
    o.mem_limit = a->mem_limit;
    o.report = on_extracted;
    o.user = &tally;
    o.cleanup = g->cleanup;
    mdlz_status st = test ? mdlz_archive_test(ar, sel, &o, err, sizeof err)
                          : mdlz_archive_extract(ar, sel, &o, err, sizeof err);
    if (tally.out_errno)
        report_error("stdout", "%s", strerror(tally.out_errno));
    else if (st != MDLZ_OK && err[0]) report_error(a->args[0], "%s", err);
    if (st != MDLZ_OK || tally.failed) rc = EXIT_DATA_ERROR;
    if (!a->quiet && !tally.out_errno) {
        report_name(stderr, a->args[0]);
        fprintf(stderr, ": %zu entries %s", tally.ok,
                test ? "OK" : "extracted");
        if (tally.failed) fprintf(stderr, ", %zu failed", tally.failed);
        fputc('\n', stderr);
    }
    free(sel);
    mdlz_archive_close(ar);
    return rc;
}

int cmd_archive(int argc, char **argv) {
    archive_args a;
    guard g = {0};
    int rc = parse(argc, argv, &a);
    if (rc == 0 && (a.help || !a.cmd)) {
        print_help();
        rc = a.help ? 0 : EXIT_USAGE;
    } else if (rc == 0 && guard_start(&g) != 0) {
        fputs("mdlz: out of memory\n", stderr);
        rc = EXIT_DATA_ERROR;
    } else if (rc == 0 && a.json && strcmp(a.cmd, "list") &&
               strcmp(a.cmd, "ls")) {
        rc = usage("--json is for '%s'", "list");
    } else if (rc == 0) {
        if (!strcmp(a.cmd, "create") || !strcmp(a.cmd, "add") ||
            !strcmp(a.cmd, "rm"))
            rc = run_write(&a, &g);
        else if (!strcmp(a.cmd, "list") || !strcmp(a.cmd, "ls"))
            rc = run_list(&a);
        else if (!strcmp(a.cmd, "extract") || !strcmp(a.cmd, "x"))
            rc = run_extract(&a, &g, 0);
        else if (!strcmp(a.cmd, "test")) rc = run_extract(&a, &g, 1);
        else rc = usage("unknown command '%s'", a.cmd);
    }
    guard_stop(&g);
    free(a.args);
    return rc;
}
