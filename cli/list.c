/*
 * list.c - "mdlz -l": reads only the header (first bytes) and the trailer
 * (last bytes) of each file, so listing is fast for any size; input that
 * cannot seek (a pipe) is read through once, keeping just those bytes.
 * With -v, each row is followed by the stream's description length.
 * With --json, one JSON object per file instead, with all of it.
 */
#include "list.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "json.h"
#include "mdlz_index.h"
#include "mdlz.h"
#include "mdlz_measure.h"
#include "ops.h"
#include "report.h"

#define LIST_BUF_SIZE ((size_t)1 << 20)

/* What a listing needs from a file. */
typedef struct {
    unsigned char head[MDLZ_HEADER_MAX];
    size_t head_len;
    unsigned char tail[MDLZ_TRAILER_SIZE];
    size_t tail_len;
    uint64_t size;
} ends;

static int pread_full(int fd, void *buf, size_t n, off_t at) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, at + (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return got == n ? 0 : (errno = EIO, -1);
}

static int read_ends_seekable(const in_file *f, ends *e) {
    e->size = (uint64_t)f->st.st_size;
    e->head_len = e->size < sizeof e->head ? (size_t)e->size : sizeof e->head;
    e->tail_len = e->size < sizeof e->tail ? (size_t)e->size : sizeof e->tail;
    if (pread_full(f->fd, e->head, e->head_len, 0) != 0) return -1;
    return pread_full(f->fd, e->tail, e->tail_len,
                      (off_t)(e->size - e->tail_len));
}

/* Keeps the last bytes of a stream of chunks in e->tail. */
static void keep_tail(ends *e, const unsigned char *p, size_t n) {
    size_t cap = sizeof e->tail;
    if (n >= cap) {
        memcpy(e->tail, p + n - cap, cap);
        e->tail_len = cap;
        return;
    }
    size_t keep = e->tail_len + n > cap ? cap - n : e->tail_len;
    memmove(e->tail, e->tail + e->tail_len - keep, keep);
    memcpy(e->tail + keep, p, n);
    e->tail_len = keep + n;
}

static int read_ends_stream(const in_file *f, ends *e) {
    unsigned char *buf = malloc(LIST_BUF_SIZE);
    if (!buf) return -1;
    e->size = e->head_len = e->tail_len = 0;
    for (;;) {
        ssize_t r = read_full(f->fd, buf, LIST_BUF_SIZE);
        if (r < 0) {
            free(buf);
            return -1;
        }
        size_t n = (size_t)r;
        if (e->head_len < sizeof e->head) {
            size_t k = sizeof e->head - e->head_len;
            if (k > n) k = n;
            memcpy(e->head + e->head_len, buf, k);
            e->head_len += k;
        }
        keep_tail(e, buf, n);
        e->size += n;
        if (n < LIST_BUF_SIZE) break;
    }
    free(buf);
    return 0;
}

static void print_heading(const cli_options *opt) {
    printf("%12s %12s %7s %6s %3s ", "Compressed", "Original", "Ratio", "bpb",
           "Lvl");
    if (opt->verbose) printf("%10s %9s ", "Memory", "Block");
    printf(" %-16s  %-30s  %s\n", "Checksum", "Components", "Name");
}

/* The model components, then "+tool" for each tool the stream used. */
static void join_components(char *buf, size_t cap, const mdlz_frame_info *fi,
                            const ends *e) {
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < fi->n_components && i < MDLZ_COMPONENTS_MAX; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i ? "," : "",
                         fi->components[i]);
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
    }
    for (unsigned i = 0; i < fi->n_tools; i++) {
        char name[64];
        uint32_t version;
        if (mdlz_get_frame_tool(e->head, e->head_len, i, name, sizeof name,
                                &version) != MDLZ_OK)
            break;
        int n = snprintf(buf + used, cap - used, "+%s", name);
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
    }
}

static void print_row(const cli_options *opt, const char *name,
                      const mdlz_frame_info *fi, const mdlz_trailer_info *ti,
                      const ends *e) {
    uint64_t compressed = e->size;
    char ratio[32], bpb[32], comps[256];
    format_ratio(ratio, sizeof ratio, compressed, ti->src_size);
    format_bpb(bpb, sizeof bpb, compressed, ti->src_size);
    join_components(comps, sizeof comps, fi, e);
    printf("%12" PRIu64 " %12" PRIu64 " %7s %6s %3d ", compressed, ti->src_size,
           ratio, bpb, fi->level);
    if (opt->verbose) {
        char mem[32], blk[32];
        format_size(mem, sizeof mem, fi->model_memory);
        format_size(blk, sizeof blk, fi->block_size);
        printf("%10s %9s ", mem, blk);
    }
    printf(" %016" PRIx64 "  %-30s  %s\n", ti->checksum, comps, name);
}

#define LIST_COSTS_MAX 8

/* The description length (docs/description-length.md): the payload (the
 * whole file) plus the code size of each component the stream needs to be
 * decoded, which go to costs (room for LIST_COSTS_MAX; *n of them). */
static uint64_t description_length(const ends *e, mdlz_component_cost *costs,
                                   size_t *n) {
    *n = mdlz_stream_code_costs(e->head, e->head_len, costs, LIST_COSTS_MAX);
    if (*n > LIST_COSTS_MAX) *n = LIST_COSTS_MAX;
    uint64_t dl = e->size;
    for (size_t i = 0; i < *n; i++) dl += costs[i].code_bytes;
    return dl;
}

/* With -v: the description length and its parts. */
static void print_description_length(const ends *e,
                                     const mdlz_trailer_info *ti) {
    mdlz_component_cost costs[LIST_COSTS_MAX];
    size_t n;
    uint64_t dl = description_length(e, costs, &n);
    printf("  description length:\n");
    printf("    %-18s %12" PRIu64 " bytes\n", "payload (file)", e->size);
    for (size_t i = 0; i < n; i++) {
        char label[32];
        snprintf(label, sizeof label, "code %s", costs[i].name);
        printf("    %-18s %12" PRIu64 " bytes\n", label, costs[i].code_bytes);
    }
    char bpb_payload[32], bpb_dl[32];
    format_bpb(bpb_payload, sizeof bpb_payload, e->size, ti->src_size);
    format_bpb(bpb_dl, sizeof bpb_dl, dl, ti->src_size);
    printf("    %-18s %12" PRIu64 " bytes\n", "total DL", dl);
    printf("    bpb: payload %s, payload+code %s\n", bpb_payload, bpb_dl);
}

/* The segments of a segmented stream, each coded by a model of its own
 * (-T): as many as the trailer's size fills, the last maybe short; 0 for
 * a stream without segments. */
static uint64_t n_segments(const mdlz_frame_info *fi,
                           const mdlz_trailer_info *ti) {
    if (!fi->segment_size) return 0;
    return (ti->src_size + fi->segment_size - 1) / fi->segment_size;
}

/* -v: the segments (n_segments). */
static void print_segments(const mdlz_frame_info *fi,
                           const mdlz_trailer_info *ti) {
    if (!fi->segment_size) return;
    uint64_t n = n_segments(fi, ti);
    uint64_t last = ti->src_size - (n ? n - 1 : 0) * fi->segment_size;
    char seg[32], tail[32];
    format_size(seg, sizeof seg, fi->segment_size);
    format_size(tail, sizeof tail, last);
    printf("  segments: %" PRIu64 " of %s (the last %s), each coded by a "
           "model of its own\n",
           n, seg, tail);
}

/* The index -R names, to name the documents a stream records (NULL
 * without -R, or if it does not open: the documents are then unnamed). */
static mdlz_index *open_named_index(const cli_options *opt) {
    mdlz_index *ix = NULL;
    char err[256];
    if (opt->index &&
        mdlz_index_open(&ix, opt->index, MDLZ_INDEX_READ, err, sizeof err) != 0)
        ix = NULL;
    return ix;
}

/* The name of a recorded document in `ix`: "" without an index, "(not in
 * this index)" when it is not there. */
static void doc_name(mdlz_index *ix, const mdlz_docref *d, char *name,
                     size_t cap) {
    int64_t id = 0;
    name[0] = '\0';
    if (ix && (mdlz_index_find(ix, d->hash, d->size, &id) != 1 ||
               mdlz_index_name(ix, id, name, cap) != 0))
        snprintf(name, cap, "(not in this index)");
}

#define LIST_DOCS_MAX 64

/* What the stream needs besides mdlz: the retrieval index (generation,
 * documents by content; named when -R gives the index) and the tools. */
static void print_augmentations(const cli_options *opt, const ends *e,
                                const mdlz_frame_info *fi) {
    if (fi->retrieval) {
        printf("  retrieval: %s%s%s, primed %" PRIu64 " bytes",
               fi->retrieval & MDLZ_RETRIEVE_WHOLE ? "whole" : "",
               fi->retrieval == 3 ? "+" : "",
               fi->retrieval & MDLZ_RETRIEVE_ONLINE ? "online" : "",
               fi->primed_bytes);
        if (fi->retrieval & MDLZ_RETRIEVE_ONLINE)
            printf(", index generation %" PRId64 " (history %016" PRIx64 ")",
                   fi->index_generation, fi->index_history);
        printf("\n");
        mdlz_docref docs[LIST_DOCS_MAX];
        size_t n =
            mdlz_get_frame_docs(docs, LIST_DOCS_MAX, e->head, e->head_len);
        mdlz_index *ix = open_named_index(opt);
        for (size_t i = 0; i < n; i++) {
            char name[256];
            doc_name(ix, &docs[i], name, sizeof name);
            printf("    document %012" PRIx64 " %10" PRIu64 " bytes  %s\n",
                   docs[i].hash >> 16, docs[i].size, name);
        }
        mdlz_index_close(ix);
    }
    for (unsigned i = 0; opt->verbose && i < fi->n_tools; i++) {
        char name[64];
        uint32_t version;
        if (mdlz_get_frame_tool(e->head, e->head_len, i, name, sizeof name,
                                &version) == MDLZ_OK)
            printf("  tool: %s version %u\n", name, (unsigned)version);
    }
}

/* --json: everything of the row, the augmentations and the description
 * length as one object on one line (docs in mdlz.1). */
static void print_json(const cli_options *opt, const char *name,
                       const mdlz_frame_info *fi, const mdlz_trailer_info *ti,
                       const ends *e) {
    json_obj o, in;
    json_begin(&o);
    json_str(&o, "name", name);
    json_u64(&o, "compressed", e->size);
    json_u64(&o, "original", ti->src_size);
    double orig = (double)ti->src_size;
    json_num(&o, "ratio", orig > 0 ? (double)e->size / orig : NAN, 6);
    json_num(&o, "bpb", orig > 0 ? 8.0 * (double)e->size / orig : NAN, 4);
    json_i64(&o, "level", fi->level);
    json_u64(&o, "memory", fi->model_memory);
    json_u64(&o, "block_size", fi->block_size);
    json_u64(&o, "segment_size", fi->segment_size); /* 0: no segments */
    json_u64(&o, "segments", n_segments(fi, ti));
    json_hex(&o, "checksum", ti->checksum, 16);
    json_key(&o, "components");
    putchar('[');
    for (unsigned i = 0; i < fi->n_components && i < MDLZ_COMPONENTS_MAX; i++) {
        if (i) fputs(", ", stdout);
        json_string(fi->components[i]);
    }
    fputs("]", stdout);
    json_key(&o, "tools");
    putchar('[');
    for (unsigned i = 0; i < fi->n_tools; i++) {
        char tool[64];
        uint32_t version;
        if (mdlz_get_frame_tool(e->head, e->head_len, i, tool, sizeof tool,
                                &version) != MDLZ_OK)
            break;
        if (i) fputs(", ", stdout);
        json_begin(&in);
        json_str(&in, "name", tool);
        json_u64(&in, "version", version);
        json_end(&in);
    }
    putchar(']');
    json_key(&o, "retrieval");
    printf("[%s%s%s]", fi->retrieval & MDLZ_RETRIEVE_WHOLE ? "\"whole\"" : "",
           fi->retrieval == 3 ? ", " : "",
           fi->retrieval & MDLZ_RETRIEVE_ONLINE ? "\"online\"" : "");
    json_u64(&o, "primed_bytes", fi->primed_bytes);
    if (fi->retrieval & MDLZ_RETRIEVE_ONLINE) {
        json_i64(&o, "index_generation", fi->index_generation);
        json_hex(&o, "index_history", fi->index_history, 16);
    } else {
        json_null(&o, "index_generation");
        json_null(&o, "index_history");
    }
    mdlz_docref docs[LIST_DOCS_MAX];
    size_t n = mdlz_get_frame_docs(docs, LIST_DOCS_MAX, e->head, e->head_len);
    mdlz_index *ix = n ? open_named_index(opt) : NULL;
    json_key(&o, "documents");
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        char doc[256];
        doc_name(ix, &docs[i], doc, sizeof doc);
        if (i) fputs(", ", stdout);
        json_begin(&in);
        json_hex(&in, "key", docs[i].hash >> 16, 12);
        json_u64(&in, "size", docs[i].size);
        json_str(&in, "name", doc[0] ? doc : NULL);
        json_end(&in);
    }
    putchar(']');
    mdlz_index_close(ix);
    mdlz_component_cost costs[LIST_COSTS_MAX];
    size_t nc;
    uint64_t dl = description_length(e, costs, &nc);
    json_key(&o, "code");
    putchar('[');
    for (size_t i = 0; i < nc; i++) {
        if (i) fputs(", ", stdout);
        json_begin(&in);
        json_str(&in, "name", costs[i].name);
        json_u64(&in, "code_bytes", costs[i].code_bytes);
        json_end(&in);
    }
    putchar(']');
    json_u64(&o, "dl", dl);
    json_end(&o);
    putchar('\n');
}

int list_file(const cli_options *opt, const char *path, list_totals *t) {
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? CLI_STDIN_NAME : path;
    in_file f;
    if (op_open_input(opt, &f, path, name) != 0) return 1;
    ends e;
    int rc = S_ISREG(f.st.st_mode) ? read_ends_seekable(&f, &e)
                                   : read_ends_stream(&f, &e);
    int err = errno;
    in_close(&f);
    if (rc != 0) {
        report_error(name, "%s", strerror(err));
        return 1;
    }

    mdlz_frame_info fi;
    mdlz_trailer_info ti;
    mdlz_status st = mdlz_get_frame_info(&fi, e.head, e.head_len);
    if (st == MDLZ_OK && e.size < fi.header_size + MDLZ_TRAILER_SIZE)
        st = MDLZ_ERROR_TRUNCATED;
    if (st == MDLZ_OK) st = mdlz_get_trailer_info(&ti, e.tail, e.tail_len);
    /* The header's size (when recorded) must agree with the trailer's. */
    if (st == MDLZ_OK && fi.src_size != MDLZ_SIZE_UNKNOWN &&
        fi.src_size != ti.src_size) {
        report_error(name, "header and trailer disagree on the size "
                           "(damaged, or concatenated streams; try -t)");
        return 1;
    }
    if (st != MDLZ_OK) {
        report_error(name, "%s", mdlz_strerror(st));
        return 1;
    }
    if (opt->json) {
        print_json(opt, name, &fi, &ti, &e);
    } else {
        if (t->rows == 0) print_heading(opt);
        print_row(opt, name, &fi, &ti, &e);
        print_augmentations(opt, &e, &fi);
        if (opt->verbose) print_segments(&fi, &ti);
        if (opt->verbose) print_description_length(&e, &ti);
    }
    t->rows++;
    t->compressed += e.size;
    t->original += ti.src_size;
    fflush(stdout);
    return 0;
}

void list_total(const cli_options *opt, const list_totals *t) {
    if (t->rows < 2 || opt->json) return;
    char ratio[32], bpb[32];
    format_ratio(ratio, sizeof ratio, t->compressed, t->original);
    format_bpb(bpb, sizeof bpb, t->compressed, t->original);
    printf("%12" PRIu64 " %12" PRIu64 " %7s %6s  total (%u files)\n",
           t->compressed, t->original, ratio, bpb, t->rows);
}
