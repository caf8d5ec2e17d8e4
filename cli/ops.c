/*
 * ops.c - compress, decompress or test one file with the streaming API,
 * in bounded memory, through the safe output of fileio.c: on any failure
 * the partial output is removed and the input is left as it was.
 */
#include "ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "mdlz.h"
#include "mdlz_measure.h"
#include "report.h"

#define IO_BUF_SIZE ((size_t)1 << 20)

/* One file being processed. */
typedef struct {
    const cli_options *opt;
    const char *name;     /* input, for messages */
    const char *out_name; /* output, for messages */
    in_file in;
    out_file out;
    int writing; /* output is open (not a test) */
    unsigned char *ibuf, *obuf;
    progress prog;
    uint64_t in_total, out_total;
} job;

int has_mdlz_suffix(const char *name) {
    size_t n = strlen(name), s = strlen(CLI_SUFFIX);
    return n >= s && strcmp(name + n - s, CLI_SUFFIX) == 0;
}

/* Prints "mdlz: NAME: MESSAGE" below any progress line; returns 1. */
static int fail(job *j, const char *name, const char *msg) {
    progress_end(&j->prog);
    report_error(name, "%s", msg);
    return 1;
}

static int fail_errno(job *j, const char *name, int err) {
    return fail(j, name, strerror(err));
}

static int fail_status(job *j, mdlz_status st) {
    return fail(j, j->name, mdlz_strerror(st));
}

/* A failure with the library's detail line, when it has one. */
static int fail_detail(job *j, mdlz_status st, const char *detail) {
    if (!detail || !*detail) return fail_status(j, st);
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", mdlz_strerror(st), detail);
    return fail(j, j->name, msg);
}

/* Sends decoded or compressed bytes to the output (nowhere for -t). */
static int emit(job *j, size_t n) {
    j->out_total += n;
    if (!j->writing || n == 0) return 0;
    if (out_write(&j->out, j->obuf, n) != 0)
        return fail_errno(j, j->out_name, errno);
    return 0;
}

/* Reads the next chunk into ibuf; sets *n and *eof. */
static int fill(job *j, size_t *n, int *eof) {
    ssize_t r = read_full(j->in.fd, j->ibuf, IO_BUF_SIZE);
    if (r < 0) return fail_errno(j, j->name, errno);
    *n = (size_t)r;
    *eof = *n < IO_BUF_SIZE;
    j->in_total += *n;
    return 0;
}

/* ---- compression ------------------------------------------------------ */

/* Adds the tools of --tools (names, "all", "none"; without it the
 * library's default tools, which it leaves out of small inputs) and the
 * plugins of --tool to a compression context. */
static int add_tools(job *j, mdlz_cctx *c) {
    const char *list = j->opt->tools;
    const char *names[32];
    size_t n = 0;
    char buf[256];
    if (!list) {
        mdlz_status st = mdlz_cctx_set_param(c, MDLZ_CPARAM_DEFAULT_TOOLS, 1);
        if (st != MDLZ_OK) return fail_detail(j, st, mdlz_cctx_error_detail(c));
    } else if (strcmp(list, "all") == 0) {
        n = mdlz_builtin_tools(names, 32);
        if (n > 32) n = 32;
    } else if (strcmp(list, "none") != 0) {
        snprintf(buf, sizeof buf, "%s", list);
        for (char *tok = strtok(buf, ","); tok && n < 32;
             tok = strtok(NULL, ","))
            names[n++] = tok;
    }
    for (int i = 0; i < j->opt->n_plugins && n < 32; i++)
        names[n++] = j->opt->plugins[i];
    for (size_t i = 0; i < n; i++) {
        mdlz_status st = mdlz_cctx_add_tool(c, names[i]);
        if (st != MDLZ_OK) return fail_detail(j, st, mdlz_cctx_error_detail(c));
    }
    return 0;
}

/* The model codes a block (1 MiB) at a time: the library's trace reports
 * progress within one, so that the line moves more than once a block. It
 * only reports; the stream is the same with or without it. */
#define PROGRESS_TRACE_INTERVAL (64u << 10)

static void on_trace(void *user, uint64_t in_bytes, uint64_t out_bytes) {
    job *j = user;
    progress_update(&j->prog, in_bytes, out_bytes);
}

static int create_cctx(job *j, mdlz_cctx **c, uint64_t src_size) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = j->opt->level;
    p.mem_limit = j->opt->mem_limit;
    p.src_size = src_size;
    mdlz_status st = mdlz_cctx_create(c, &p);
    if (st == MDLZ_ERROR_MEMLIMIT) {
        char lim[32], msg[128];
        format_size(lim, sizeof lim, j->opt->mem_limit);
        snprintf(msg, sizeof msg, "%s: %s is too little to compress",
                 mdlz_strerror(st), lim);
        return fail(j, j->name, msg);
    }
    if (st != MDLZ_OK) return fail_status(j, st);
    int level;
    uint64_t mem;
    mdlz_cctx_get_model(*c, &level, &mem);
    if (level != j->opt->level && !j->opt->quiet) {
        /* As xz says when it adjusts settings to a memory limit. */
        char lim[32], need[32];
        format_size(lim, sizeof lim, j->opt->mem_limit);
        format_size(need, sizeof need, mem);
        report_error(j->name,
                     "adjusted level %d to level %d (%s of memory) to fit "
                     "the limit of %s",
                     j->opt->level, level, need, lim);
    }
    st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_THREADS, j->opt->threads);
    if (st == MDLZ_OK && j->opt->segment_log)
        st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_SEGMENT_LOG,
                                 j->opt->segment_log);
    if (st != MDLZ_OK) {
        mdlz_cctx_free(*c);
        *c = NULL;
        return fail_status(j, st);
    }
    if (j->prog.enabled)
        mdlz_cctx_set_trace(*c, PROGRESS_TRACE_INTERVAL, on_trace, j);
    if (j->opt->setting) { /* --auto's choice */
        st = mdlz_setting_apply(*c, j->opt->setting, j->opt->index);
        if (st != MDLZ_OK) {
            int rc = fail_detail(j, st, mdlz_cctx_error_detail(*c));
            mdlz_cctx_free(*c);
            *c = NULL;
            return rc;
        }
        return 0;
    }
    if (add_tools(j, *c) != 0) {
        mdlz_cctx_free(*c);
        *c = NULL;
        return 1;
    }
    if (j->opt->index) {
        st = mdlz_cctx_set_index(*c, j->opt->index);
        if (st == MDLZ_OK)
            st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_RETRIEVAL,
                                     j->opt->retrieval);
        if (st != MDLZ_OK) {
            int rc = fail_detail(j, st, mdlz_cctx_error_detail(*c));
            mdlz_cctx_free(*c);
            *c = NULL;
            return rc;
        }
    }
    return 0;
}

static int compress_data(job *j) {
    int regular = S_ISREG(j->in.st.st_mode);
    uint64_t expect =
        regular ? (uint64_t)j->in.st.st_size : (uint64_t)MDLZ_SIZE_UNKNOWN;
    mdlz_cctx *c;
    if (create_cctx(j, &c, expect)) return 1;
    int end = 0, done = 0, rc = 0;
    while (!done && !rc) {
        mdlz_inbuf in = {j->ibuf, 0, 0};
        if (!end) {
            if ((rc = fill(j, &in.size, &end))) break;
            if (expect != MDLZ_SIZE_UNKNOWN &&
                (j->in_total > expect || (end && j->in_total != expect))) {
                rc = fail(j, j->name, "file changed size while being read");
                break;
            }
        }
        do {
            mdlz_outbuf out = {j->obuf, IO_BUF_SIZE, 0};
            mdlz_status st = mdlz_compress_stream(c, &out, &in, end, &done);
            if ((rc = emit(j, out.pos))) break;
            if (st != MDLZ_OK) {
                rc = fail_detail(j, st, mdlz_cctx_error_detail(c));
                break;
            }
            uint64_t pin, pout;
            mdlz_cctx_progress(c, &pin, &pout);
            progress_update(&j->prog, pin, pout);
        } while (in.pos < in.size || (end && !done));
    }
    mdlz_cctx_free(c);
    return rc;
}

/* ---- decompression ---------------------------------------------------- */

/* The error for a stream that needs more memory than the limit (--memory,
 * or the library's default), naming the need and the flag that allows it. */
static int fail_memlimit(job *j, const mdlz_dctx *d) {
    char msg[384], need_arg[32];
    format_size_ceil(need_arg, sizeof need_arg, mdlz_dctx_memory_needed(d));
    snprintf(msg, sizeof msg, "%s: %s (use --memory=%s)",
             mdlz_strerror(MDLZ_ERROR_MEMLIMIT), mdlz_dctx_error_detail(d),
             need_arg);
    return fail(j, j->name, msg);
}

/* Decodes one or more concatenated streams from the input to the end. */
static int decompress_data(job *j) {
    mdlz_dctx *d = NULL;
    unsigned streams = 0;
    int eof = 0, rc = 0;
    mdlz_inbuf in = {j->ibuf, 0, 0};
    for (;;) {
        if (in.pos == in.size && !eof) {
            in.pos = 0;
            if ((rc = fill(j, &in.size, &eof))) break;
        }
        if (!d) {
            if (in.pos == in.size && eof) {
                /* An empty input is a truncated stream. */
                if (streams == 0) rc = fail_status(j, MDLZ_ERROR_TRUNCATED);
                break;
            }
            mdlz_status st = mdlz_dctx_create(&d, j->opt->mem_limit);
            if (st == MDLZ_OK)
                st = mdlz_dctx_set_param(d, MDLZ_DPARAM_THREADS,
                                         j->opt->threads);
            if (st == MDLZ_OK && j->opt->index)
                st = mdlz_dctx_set_index(d, j->opt->index);
            for (int i = 0; st == MDLZ_OK && i < j->opt->n_plugins; i++)
                st = mdlz_dctx_add_tool(d, j->opt->plugins[i]);
            if (st != MDLZ_OK) {
                rc = fail_status(j, st);
                break;
            }
        }
        mdlz_outbuf out = {j->obuf, IO_BUF_SIZE, 0};
        size_t before = in.pos;
        int done = 0;
        mdlz_status st = mdlz_decompress_stream(d, &out, &in, &done);
        if ((rc = emit(j, out.pos))) break;
        if (st != MDLZ_OK) {
            /* After a complete stream, anything but another stream is
             * trailing garbage. */
            if (st == MDLZ_ERROR_NOT_MDLZ && streams > 0)
                st = MDLZ_ERROR_TRAILING;
            if (st == MDLZ_ERROR_MEMLIMIT) rc = fail_memlimit(j, d);
            else rc = fail_detail(j, st, mdlz_dctx_error_detail(d));
            break;
        }
        progress_update(&j->prog, j->in_total - (in.size - in.pos),
                        j->out_total);
        if (done) {
            streams++;
            mdlz_dctx_free(d);
            d = NULL;
            continue;
        }
        if (in.pos == before && out.pos == 0) { /* no progress */
            if (in.pos < in.size) {
                rc = fail_status(j, MDLZ_ERROR_GENERIC);
                break;
            }
            if (eof) {
                rc = fail_status(j, MDLZ_ERROR_TRUNCATED);
                break;
            }
        }
    }
    mdlz_dctx_free(d);
    return rc;
}

/* ---- one file ----------------------------------------------------------- */

/* Why an input of this type is not read (NULL: it is). Like zstd and xz,
 * anything but a regular file (a device, a FIFO, a socket) is skipped:
 * `mdlz /dev/null` must not compress a device, let alone write
 * /dev/null.mdlz. With -f it is read as a stream, but, as xz does, only
 * into -c or -o: an output is never created next to a device node. */
static const char *input_refusal(const cli_options *o, mode_t mode) {
    if (S_ISDIR(mode))
        return o->recursive ? "is a directory -- ignored"
                            : "is a directory -- ignored (use -r for the "
                              "files in it)";
    if (S_ISREG(mode)) return NULL;
    int writes = o->mode == MODE_COMPRESS || o->mode == MODE_DECOMPRESS;
    if (!o->force)
        return writes ? "not a regular file, skipped (use -f with -c or -o "
                        "to read it as a stream)"
                      : "not a regular file, skipped (use -f to read it as "
                        "a stream)";
    if (writes && !o->to_stdout && !o->out_name)
        return "not a regular file, skipped: no output is made next to it "
               "(use -c or -o)";
    return NULL;
}

int op_open_input(const cli_options *o, in_file *f, const char *path,
                  const char *name) {
    f->fd = -1;
    const char *why = NULL;
    if (strcmp(path, "-") != 0) {
        /* Decided before opening: opening a FIFO waits for a writer and
         * opening a device can act on it (a tape rewinds). */
        struct stat st;
        if (stat(path, &st) != 0) {
            report_error(name, "%s", strerror(errno));
            return 1;
        }
        why = input_refusal(o, st.st_mode);
    }
    if (!why) {
        if (in_open(f, path) != 0) {
            report_error(name, "%s", strerror(errno));
            return 1;
        }
        /* Again on what was opened, in case the name changed meanwhile. */
        if (!f->is_stdin) why = input_refusal(o, f->st.st_mode);
        if (why) in_close(f);
    }
    if (why) report_error(name, "%s", why);
    return why != NULL;
}

/* Output name for decompressing `path`: the name without ".mdlz". */
static char *strip_suffix(const char *path) {
    size_t n = strlen(path) - strlen(CLI_SUFFIX);
    const char *slash = strrchr(path, '/');
    size_t base = slash ? (size_t)(slash - path) + 1 : 0;
    if (n <= base) return NULL; /* nothing left of the name */
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, path, n);
        s[n] = '\0';
    }
    return s;
}

static char *add_suffix(const char *path) {
    size_t n = strlen(path);
    char *s = malloc(n + strlen(CLI_SUFFIX) + 1);
    if (s) {
        memcpy(s, path, n);
        strcpy(s + n, CLI_SUFFIX);
    }
    return s;
}

/* Chooses the output: sets *path (malloc'd, or NULL for stdout). */
static int choose_output(job *j, const char *path, char **out) {
    const cli_options *o = j->opt;
    *out = NULL;
    if (o->to_stdout || (j->in.is_stdin && !o->out_name)) return 0;
    const char *src = o->out_name;
    char *made = NULL;
    if (!src) {
        if (o->mode == MODE_COMPRESS) {
            made = add_suffix(path);
        } else {
            if (!has_mdlz_suffix(path) || !(made = strip_suffix(path)))
                return fail(j, j->name,
                            "unknown suffix (expected " CLI_SUFFIX
                            ") -- ignored; use -o or -c");
        }
        if (!made) return fail_errno(j, j->name, ENOMEM);
        src = made;
    }
    *out = made ? made : strdup(src);
    if (!*out) return fail_errno(j, j->name, ENOMEM);
    return 0;
}

/* Refuses to write over the input itself (possible with -o and -f). */
static int same_file(const job *j, const char *out_path) {
    struct stat st;
    return out_path && stat(out_path, &st) == 0 &&
           st.st_dev == j->in.st.st_dev && st.st_ino == j->in.st.st_ino;
}

static int open_output(job *j, char *out_path) {
    j->out_name = out_path ? out_path : "stdout";
    if (same_file(j, out_path))
        return fail(j, j->name, "input and output are the same file");
    if (out_open(&j->out, out_path, j->opt->force) != 0) {
        if (errno == EEXIST)
            return fail(j, out_path,
                        "already exists; not overwritten (use -f to force)");
        return fail_errno(j, j->out_name, errno);
    }
    j->writing = 1;
    return 0;
}

/* Commits the output and, for --rm, removes the input. */
static int finish(job *j, const char *path, int to_file) {
    const struct stat *meta =
        (!j->in.is_stdin && S_ISREG(j->in.st.st_mode)) ? &j->in.st : NULL;
    j->writing = 0;
    if (out_commit(&j->out, meta, j->opt->force) != 0) {
        if (errno == EEXIST)
            return fail(j, j->out_name,
                        "already exists; not overwritten (use -f to force)");
        return fail_errno(j, j->out_name, errno);
    }
    if (j->opt->verbose && !j->opt->quiet) {
        int c = j->opt->mode == MODE_COMPRESS;
        report_result(j->name, j->in_total, j->out_total,
                      c ? j->in_total : j->out_total,
                      c ? j->out_total : j->in_total);
    }
    if (j->opt->remove_input && to_file && meta && unlink(path) != 0)
        return fail_errno(j, j->name, errno);
    return 0;
}

int op_run(const cli_options *opt, const char *path) {
    job j;
    memset(&j, 0, sizeof j);
    j.opt = opt;
    j.in.fd = -1;
    int is_stdin = strcmp(path, "-") == 0;
    j.name = is_stdin ? CLI_STDIN_NAME : path;
    progress_init(&j.prog, j.name, !opt->quiet, 0, opt->mode != MODE_COMPRESS);

    if (opt->mode == MODE_COMPRESS && !is_stdin && !opt->force &&
        has_mdlz_suffix(path))
        return fail(&j, j.name,
                    "already has " CLI_SUFFIX " suffix -- ignored "
                    "(use -f to force)");
    if (op_open_input(opt, &j.in, path, j.name) != 0) return 1;
    int rc = 0;
    char *out_path = NULL;
    if (S_ISREG(j.in.st.st_mode)) j.prog.known_size = (uint64_t)j.in.st.st_size;
    if (opt->mode != MODE_TEST) {
        if ((rc = choose_output(&j, path, &out_path))) goto done;
        if ((rc = open_output(&j, out_path))) goto done;
    }
    j.ibuf = malloc(IO_BUF_SIZE);
    j.obuf = malloc(IO_BUF_SIZE);
    if (!j.ibuf || !j.obuf) rc = fail_errno(&j, j.name, ENOMEM);
    else if (opt->mode == MODE_COMPRESS) rc = compress_data(&j);
    else rc = decompress_data(&j);
    progress_end(&j.prog);
    if (rc == 0 && opt->mode != MODE_TEST)
        rc = finish(&j, path, out_path != NULL);
    else if (rc == 0 && opt->verbose && !opt->quiet)
        report_result(j.name, j.in_total, j.out_total, j.out_total, j.in_total);
done:
    if (j.writing) out_abort(&j.out);
    in_close(&j.in);
    free(j.ibuf);
    free(j.obuf);
    free(out_path);
    return rc;
}
