/*
 * index_cmd.c - `mdlz index`: builds and inspects the retrieval document
 * index (include/mdlz_index.h) from the command line: add, ls, rm, stats,
 * search, gc, check, vacuum. Each add or rm is one transaction (all of it
 * or none of it) and makes one generation of the index.
 * Exit status: 0 success, 1 data/IO error, 2 usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "mdlz_index.h"
#include "json.h"
#include "report.h"
#include "subcmd.h"

static void print_index_help(void) {
    printf(
        "Usage: mdlz index COMMAND [OPTION]... INDEX [ARG]...\n"
        "Build and query a retrieval index: one SQLite file of documents\n"
        "(stored zstd-compressed) with a full-text (FTS5) index of their "
        "words.\n"
        "\n"
        "Commands:\n"
        "  add INDEX PATH|URL...    add files, directories (recursively; "
        "names\n"
        "                           starting with '.' are skipped) and http,\n"
        "                           https or file URLs; creates INDEX if "
        "missing.\n"
        "                           One transaction: if any document fails or\n"
        "                           the command is interrupted, nothing is "
        "added.\n"
        "                           A document whose content is already "
        "indexed\n"
        "                           is not added again.\n"
        "  ls INDEX                 list documents: id, bytes, time added, "
        "name\n"
        "  rm INDEX ID|NAME...      remove documents by id or by name (every\n"
        "                           document of that name); all or nothing.\n"
        "                           Removed documents stay stored for the\n"
        "                           streams made before, until gc\n"
        "  stats INDEX              documents, bytes, stored bytes, "
        "generation\n"
        "  search INDEX WORDS...    documents containing all the words, best\n"
        "                           BM25 score first, with a snippet\n"
        "  gc INDEX [--keep STREAM...]\n"
        "                           purge removed documents; refuses if a\n"
        "                           STREAM named would no longer decode\n"
        "  check INDEX              check the file, the full-text index, "
        "every\n"
        "                           stored document and the generations; one\n"
        "                           line per problem, exit status 1 if any\n"
        "  vacuum INDEX             rewrite the file compactly (needs the "
        "index\n"
        "                           to itself)\n"
        "\n"
        "Options:\n"
        "  --force                  add: also add binary documents (NUL "
        "bytes,\n"
        "                           or over 1%% control characters); "
        "without it,\n"
        "                           binary files named are an error and "
        "those met\n"
        "                           in a directory are skipped. Text that is "
        "not\n"
        "                           UTF-8 is indexed as Windows-1252 "
        "(Latin-1).\n"
        "                           gc: purge even what kept streams need\n"
        "  --keep                   gc: the arguments after INDEX are "
        "streams\n"
        "                           (.mdlz files) that must stay decodable\n"
        "  --max-size=SIZE          add: refuse documents larger than SIZE\n"
        "                           (K, M, G suffixes; default 64M)\n"
        "  --timeout=SECONDS        add: limit on each URL transfer (default "
        "300)\n"
        "  -n N, --limit=N          search: at most N hits (default 10)\n"
        "  --or                     search: documents with any of the words\n"
        "  --json                   ls, stats: one JSON object per line, for\n"
        "                           scripts\n"
        "  -q, --quiet              print errors only (add, rm, gc, check, "
        "vacuum)\n"
        "  -h, --help               print this help and exit\n"
        "\n"
        "Exit status: 0 on success, 1 if an error occurred, 2 on a usage "
        "error.\n");
}

/* Parsed options and arguments of one `mdlz index` command. */
typedef struct {
    const char *cmd;
    mdlz_index_add_opts add;
    int limit, any, quiet, help, keep, json;
    char **args; /* INDEX, then the command's arguments */
    int nargs;
} index_args;

static int usage(const char *fmt, const char *arg) {
    fputs("mdlz: index: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see mdlz index --help)\n", stderr);
    return EXIT_USAGE;
}

/* Parses argv (argv[0] = "index"); returns 0 or an exit status. */
static int parse(int argc, char **argv, index_args *a) {
    memset(a, 0, sizeof *a);
    a->limit = 10;
    a->args = malloc(sizeof *a->args * (size_t)(argc > 0 ? argc : 1));
    if (!a->args) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
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
        } else if (!strcmp(s, "--force")) {
            a->add.force = 1;
        } else if (!strcmp(s, "--keep")) {
            a->keep = 1;
        } else if (!strcmp(s, "--json")) {
            a->json = 1;
        } else if (!strcmp(s, "--or")) {
            a->any = 1;
        } else if (!strncmp(s, "--max-size", 10) && (!s[10] || s[10] == '=')) {
            const char *val = cli_opt_value(argc, argv, &i, 10);
            if (!val || parse_size(val, &a->add.max_size) ||
                a->add.max_size == 0)
                return usage("bad --max-size value '%s'", val ? val : "");
        } else if (!strncmp(s, "--timeout", 9) && (!s[9] || s[9] == '=')) {
            const char *val = cli_opt_value(argc, argv, &i, 9);
            if (!val || parse_long(val, 1, 86400, &v))
                return usage("bad --timeout value '%s'", val ? val : "");
            a->add.timeout = v;
        } else if ((!strncmp(s, "--limit", 7) && (!s[7] || s[7] == '=')) ||
                   !strncmp(s, "-n", 2)) {
            const char *val =
                cli_opt_value(argc, argv, &i, s[1] == '-' ? 7 : 2);
            if (!val || parse_long(val, 1, 1000000, &v))
                return usage("bad -n value '%s'", val ? val : "");
            a->limit = (int)v;
        } else {
            return usage("unknown option '%s'", s);
        }
    }
    return 0;
}

/* ---- add ------------------------------------------------------------------ */

typedef struct {
    int quiet;
    uint64_t added, dups, skipped, bytes;
} add_tally;

static void on_added(void *user, const char *name, mdlz_index_add_status status,
                     int64_t id, uint64_t size) {
    add_tally *t = user;
    switch (status) {
    case MDLZ_INDEX_ADDED:
        t->added++;
        t->bytes += size;
        if (!t->quiet)
            printf("added %" PRId64 " %s (%" PRIu64 " bytes)\n", id, name,
                   size);
        break;
    case MDLZ_INDEX_DUPLICATE:
        t->dups++;
        if (!t->quiet) printf("%s: already indexed as %" PRId64 "\n", name, id);
        break;
    case MDLZ_INDEX_SKIPPED:
        t->skipped++;
        if (!t->quiet)
            fprintf(stderr, "mdlz: %s: binary file skipped (--force adds it)\n",
                    name);
        break;
    }
}

static int do_add(mdlz_index *ix, const index_args *a) {
    add_tally t = {a->quiet, 0, 0, 0, 0};
    if (mdlz_index_begin(ix)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    for (int i = 1; i < a->nargs; i++) {
        const char *arg = a->args[i];
        int rc = mdlz_index_is_url(arg)
                     ? mdlz_index_add_url(ix, arg, &a->add, on_added, &t)
                     : mdlz_index_add_path(ix, arg, &a->add, on_added, &t);
        if (rc) {
            report_error(NULL, "%s", mdlz_index_errmsg(ix));
            mdlz_index_rollback(ix);
            report_error(NULL, "index add failed: nothing was added to %s",
                         a->args[0]);
            return EXIT_DATA_ERROR;
        }
    }
    if (mdlz_index_commit(ix)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    if (!a->quiet) {
        printf("%" PRIu64 " added (%" PRIu64 " bytes), %" PRIu64
               " already indexed",
               t.added, t.bytes, t.dups);
        if (t.skipped) printf(", %" PRIu64 " binary skipped", t.skipped);
        printf("\n");
    }
    return 0;
}

/* ---- rm ------------------------------------------------------------------- */

/* An argument made of digits only is an id; anything else a name. */
static int64_t arg_id(const char *s) {
    if (!*s) return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    return errno ? -1 : (int64_t)v;
}

static int do_rm(mdlz_index *ix, const index_args *a) {
    if (mdlz_index_begin(ix)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    int total = 0;
    for (int i = 1; i < a->nargs; i++) {
        int removed;
        int64_t id = arg_id(a->args[i]);
        if (mdlz_index_remove(ix, id, a->args[i], &removed)) {
            report_error(NULL, "%s", mdlz_index_errmsg(ix));
            mdlz_index_rollback(ix);
            return EXIT_DATA_ERROR;
        }
        if (removed == 0) {
            report_error(a->args[0], "no document %s%s; nothing removed",
                         id >= 0 ? "with id " : "named ", a->args[i]);
            mdlz_index_rollback(ix);
            return EXIT_DATA_ERROR;
        }
        total += removed;
    }
    if (mdlz_index_commit(ix)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    if (!a->quiet) printf("%d removed\n", total);
    return 0;
}

/* ---- ls, stats, search ------------------------------------------------------ */

/* A row of ls (user: the index_args, for --json). */
static int print_doc(void *user, const mdlz_index_docinfo *d) {
    const index_args *a = user;
    char when[32] = "-";
    time_t t = (time_t)d->added;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (a->json) {
        json_obj o;
        json_begin(&o);
        json_i64(&o, "id", d->id);
        json_u64(&o, "bytes", d->size);
        json_str(&o, "added", when);
        json_str(&o, "name", d->name);
        json_u64(&o, "stored", d->stored);
        json_hex(&o, "hash", d->hash, 16);
        json_end(&o);
        putchar('\n');
        return 0;
    }
    printf("%6" PRId64 " %12" PRIu64 "  %s  %s\n", d->id, d->size, when,
           d->name);
    return 0;
}

static int do_ls(mdlz_index *ix, const index_args *a) {
    if (!a->json)
        printf("%6s %12s  %-20s  %s\n", "ID", "BYTES", "ADDED", "NAME");
    if (mdlz_index_list(ix, print_doc, (void *)a)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    return 0;
}

/* stats --json: the fields of the table, by the names of mdlz.Index.stats()
 * in Python (history as a string of hexadecimal digits, as the table). */
static void print_stats_json(const mdlz_index_summary *s) {
    json_obj o;
    json_begin(&o);
    json_i64(&o, "documents", s->documents);
    json_u64(&o, "bytes", s->bytes);
    json_u64(&o, "stored", s->stored);
    json_u64(&o, "file_bytes", s->file_bytes);
    json_u64(&o, "terms", s->terms);
    json_i64(&o, "generation", s->newest.gen);
    json_hex(&o, "history", s->newest.history, 16);
    json_i64(&o, "removed", s->removed);
    json_u64(&o, "removed_bytes", s->removed_bytes);
    json_i64(&o, "purged", s->purged);
    json_i64(&o, "broken", s->broken);
    json_end(&o);
    putchar('\n');
}

static int do_stats(mdlz_index *ix, const index_args *args) {
    mdlz_index_summary s;
    char a[32], b[32], c[32];
    if (mdlz_index_stats(ix, &s)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    if (args->json) {
        print_stats_json(&s);
        return 0;
    }
    format_size(a, sizeof a, s.bytes);
    format_size(b, sizeof b, s.stored);
    format_size(c, sizeof c, s.file_bytes);
    printf("documents    %" PRId64 "\n", s.documents);
    printf("bytes        %" PRIu64 " (%s)\n", s.bytes, a);
    printf("stored       %" PRIu64 " (%s, zstd)\n", s.stored, b);
    printf("database     %" PRIu64 " (%s, with the full-text index)\n",
           s.file_bytes, c);
    printf("terms        %" PRIu64 "\n", s.terms);
    printf("generation   %" PRId64 " (history %016" PRIx64 ")\n", s.newest.gen,
           s.newest.history);
    if (s.removed) {
        format_size(a, sizeof a, s.removed_bytes);
        printf("removed      %" PRId64 " (%s), kept until gc\n", s.removed, a);
    }
    if (s.purged)
        printf("purged       %" PRId64 " (%" PRId64
               " generations no longer intact)\n",
               s.purged, s.broken);
    return 0;
}

static int print_hit(void *user, const mdlz_index_hit *h) {
    int *rank = user;
    printf("%d. [%" PRId64 "] %s  (score %.4g, %" PRIu64 " bytes)\n   %s\n",
           ++*rank, h->id, h->name, h->score, h->size, h->snippet);
    return 0;
}

static int do_search(mdlz_index *ix, const index_args *a) {
    size_t qlen = 1;
    for (int i = 1; i < a->nargs; i++) qlen += strlen(a->args[i]) + 1;
    char *q = malloc(qlen);
    if (!q) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    q[0] = 0;
    for (int i = 1; i < a->nargs; i++) {
        if (i > 1) strcat(q, " ");
        strcat(q, a->args[i]);
    }
    int rank = 0;
    int n = mdlz_index_search(ix, q, a->any, a->limit, print_hit, &rank);
    free(q);
    if (n < 0) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    if (n == 0 && !a->quiet) fprintf(stderr, "mdlz: no document matches\n");
    return 0;
}

/* ---- gc, check, vacuum ------------------------------------------------------- */

static void print_note(void *user, const char *msg) {
    (void)user;
    report_error(NULL, "%s", msg);
}

/* Reads what stream `path` needs from the index into *need (docs: room
 * for 64). Returns 1 (needs the index), 0 (made without one) or -1. */
static int stream_need(const char *path, mdlz_index_need *need,
                       mdlz_docref *docs) {
    static uint8_t head[MDLZ_HEADER_MAX];
    FILE *f = fopen(path, "rb");
    if (!f) {
        report_error(path, "%s", strerror(errno));
        return -1;
    }
    size_t n = fread(head, 1, sizeof head, f);
    int bad = ferror(f) ? errno : 0;
    fclose(f);
    if (bad) {
        report_error(path, "%s", strerror(bad));
        return -1;
    }
    mdlz_frame_info fi;
    mdlz_status st = mdlz_get_frame_info(&fi, head, n);
    if (st != MDLZ_OK) {
        report_error(path, "%s", mdlz_strerror(st));
        return -1;
    }
    if (!fi.retrieval) return 0;
    need->gen = fi.retrieval & MDLZ_RETRIEVE_ONLINE ? fi.index_generation : -1;
    need->history = fi.index_history;
    need->n_docs = (int)mdlz_get_frame_docs(docs, 64, head, n);
    need->docs = docs;
    need->label = path;
    return 1;
}

static int do_gc(mdlz_index *ix, const index_args *a) {
    int n = a->nargs - 1, k = 0;
    if (n > 0 && !a->keep)
        return usage("gc takes streams to keep after --keep%s", "");
    mdlz_index_need *needs = calloc((size_t)(n > 0 ? n : 1), sizeof *needs);
    mdlz_docref *docs = calloc((size_t)(n > 0 ? n : 1) * 64, sizeof *docs);
    int rc = needs && docs ? 0 : EXIT_DATA_ERROR;
    for (int i = 0; rc == 0 && i < n; i++) {
        int r = stream_need(a->args[i + 1], &needs[k], docs + 64 * k);
        if (r < 0) rc = EXIT_DATA_ERROR;
        else if (r == 0 && !a->quiet)
            fprintf(stderr, "mdlz: %s: made without an index; ignored\n",
                    a->args[i + 1]);
        k += r > 0;
    }
    mdlz_index_gc_result res;
    if (rc == 0 &&
        mdlz_index_gc(ix, needs, k, a->add.force, print_note, NULL, &res)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        rc = EXIT_DATA_ERROR;
    } else if (rc == 0 && !a->quiet) {
        char b[32];
        format_size(b, sizeof b, res.bytes);
        printf("%" PRId64 " purged (%s)", res.purged, b);
        if (res.broken)
            printf(", %" PRId64 " older generations no longer intact",
                   res.broken);
        printf("\n");
    }
    free(needs);
    free(docs);
    return rc;
}

static int do_check(mdlz_index *ix, const index_args *a) {
    int n = mdlz_index_check(ix, print_note, NULL);
    if (n < 0) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    if (n > 0) {
        report_error(a->args[0], "%d problem%s found", n, n == 1 ? "" : "s");
        return EXIT_DATA_ERROR;
    }
    if (!a->quiet) printf("%s: no problem found\n", a->args[0]);
    return 0;
}

static int do_vacuum(mdlz_index *ix, const index_args *a) {
    uint64_t before, after;
    if (mdlz_index_vacuum(ix, &before, &after)) {
        report_error(NULL, "%s", mdlz_index_errmsg(ix));
        return EXIT_DATA_ERROR;
    }
    if (!a->quiet) {
        char b[32], c[32];
        format_size(b, sizeof b, before);
        format_size(c, sizeof c, after);
        printf("%s: %" PRIu64 " bytes (%s) before, %" PRIu64
               " bytes (%s) after\n",
               a->args[0], before, b, after, c);
    }
    return 0;
}

/* ---- entry point ----------------------------------------------------------- */

/* Removes an index this command created (an add that failed). */
static void remove_index(const char *path) {
    static const char *const suffix[] = {"-wal", "-shm", "-journal"};
    size_t n = strlen(path) + 16;
    char *p = malloc(n);
    unlink(path);
    for (size_t i = 0; p && i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, n, "%s%s", path, suffix[i]);
        unlink(p);
    }
    free(p);
}

static int run(const index_args *a) {
    static const struct {
        const char *name;
        int write, min_args, max_args; /* counting INDEX */
    } cmds[] = {{"add", 1, 2, -1},  {"ls", 0, 1, 1},      {"rm", 1, 2, -1},
                {"stats", 0, 1, 1}, {"search", 0, 2, -1}, {"gc", 1, 1, -1},
                {"check", 1, 1, 1}, {"vacuum", 1, 1, 1}};
    size_t c = 0, ncmds = sizeof cmds / sizeof cmds[0];
    while (c < ncmds && strcmp(cmds[c].name, a->cmd)) c++;
    if (c == ncmds) return usage("unknown command '%s'", a->cmd);
    if (a->nargs < cmds[c].min_args ||
        (cmds[c].max_args >= 0 && a->nargs > cmds[c].max_args))
        return usage("wrong number of arguments for '%s'", a->cmd);
    if ((a->add.max_size || a->add.timeout) && c != 0)
        return usage("--max-size and --timeout are for '%s'", "add");
    if (a->add.force && c != 0 && c != 5)
        return usage("--force is for '%s'", "add and gc");
    if (a->keep && c != 5) return usage("--keep is for '%s'", "gc");
    if ((a->any || a->limit != 10) && strcmp(a->cmd, "search"))
        return usage("-n and --or are for '%s'", "search");
    if (a->json && c != 1 && c != 3)
        return usage("--json is for '%s'", "ls and stats");

    mdlz_index *ix;
    char err[512];
    struct stat sb;
    int existed = stat(a->args[0], &sb) == 0;
    int mode = c == 0          ? MDLZ_INDEX_CREATE
               : cmds[c].write ? MDLZ_INDEX_WRITE
                               : MDLZ_INDEX_READ;
    if (mdlz_index_open(&ix, a->args[0], mode, err, sizeof err)) {
        report_error(NULL, "%s", err);
        return EXIT_DATA_ERROR;
    }
    int rc;
    switch (c) {
    case 0: rc = do_add(ix, a); break;
    case 1: rc = do_ls(ix, a); break;
    case 2: rc = do_rm(ix, a); break;
    case 3: rc = do_stats(ix, a); break;
    case 4: rc = do_search(ix, a); break;
    case 5: rc = do_gc(ix, a); break;
    case 6: rc = do_check(ix, a); break;
    default: rc = do_vacuum(ix, a); break;
    }
    mdlz_index_close(ix);
    if (rc && c == 0 && !existed) remove_index(a->args[0]);
    if (fflush(stdout) && !rc) {
        report_error(NULL, "standard output: %s", strerror(errno));
        rc = EXIT_DATA_ERROR;
    }
    return rc;
}

int cmd_index(int argc, char **argv) {
    index_args a;
    int rc = parse(argc, argv, &a);
    if (rc == 0) {
        if (a.help) print_index_help();
        else if (!a.cmd) rc = usage("a command is needed%s", "");
        else rc = run(&a);
    }
    free(a.args);
    return rc;
}
