/*
 * group.c - decoding one group of an archive: its prefix from the kept
 * texts of its dependencies, then its stream, routed file by file to the
 * extracted file, the write callback (in turn, read.c), the kept text and
 * the checksum (see request.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "common.h"
#include "fsout.h"
#include "request.h"

/* Where one group's decoded bytes go: the entry being decoded. */
typedef struct {
    request *q;
    uint32_t cur;  /* entry */
    uint64_t done; /* bytes of it so far */
    XXH3_state_t *xs;
    fs_file file;
    int writing;   /* file open */
    int calling;   /* bytes go to q->o->write (its turn came) */
    uint8_t *text; /* kept text being filled */
    size_t cap;
    int keep_text, text_failed;
    int hold;        /* the whole group is needed: the last file is
                      * delivered only once the stream's end (size,
                      * XXH64) is checked too */
    int held, extra; /* the last file is complete; data followed it */
    char msg[320];
} sink;

static int want_file(const request *q, uint32_t i) {
    return q->root_fd >= 0 && q->want[i];
}

/* Starts entry i; -1 if the request stopped while it waited its turn. */
static int sink_begin(sink *s, uint32_t i) {
    request *q = s->q;
    const arc_entry *e = req_entry(q, i);
    s->cur = i;
    s->done = 0;
    XXH3_64bits_reset(s->xs);
    s->writing = 0;
    s->calling = 0;
    s->text = NULL;
    s->cap = 0;
    s->keep_text = q->refs[i] || (q->load && q->want[i]);
    s->text_failed = 0;
    if (q->o->write) {
        pthread_mutex_lock(&q->mu);
        int wanted = q->want[i], turn = wanted ? req_wait_turn(q, i) : 0;
        if (turn != 0) snprintf(s->msg, sizeof s->msg, "%s", q->stop);
        pthread_mutex_unlock(&q->mu);
        if (turn != 0) return -1;
        s->calling = wanted;
    }
    if (want_file(q, i)) {
        if (fs_file_open(&s->file, q->root_fd, e->name, q->o->cleanup) == 0)
            s->writing = 1;
        else
            snprintf(s->msg, sizeof s->msg, "cannot create: %s",
                     strerror(errno));
    }
    return 0;
}

/* Gives n bytes of entry s->cur to the write callback; -1 (the request
 * stops) if it refused them. */
static int sink_call(sink *s, const uint8_t *p, size_t n) {
    request *q = s->q;
    mdlz_archive_entry e;
    arc_entry_public(&q->r->toc, s->cur, &e);
    if (q->o->write(q->o->user, &e, p, n) == 0) return 0;
    pthread_mutex_lock(&q->mu);
    if (!q->stop) q->stop = "output failed";
    snprintf(s->msg, sizeof s->msg, "%s", q->stop);
    pthread_mutex_unlock(&q->mu);
    return -1;
}

/* Finishes entry s->cur: checks it, commits the file, keeps the text. */
static void sink_end(sink *s, mdlz_status st) {
    request *q = s->q;
    const arc_entry *e = req_entry(q, s->cur);
    if (st == MDLZ_OK && (s->done != e->size ||
                          (uint32_t)XXH3_64bits_digest(s->xs) != e->hash32)) {
        st = MDLZ_ERROR_CHECKSUM;
        snprintf(s->msg, sizeof s->msg, "content does not match its checksum");
    }
    if (st == MDLZ_OK && s->keep_text && (s->text_failed || !s->text)) {
        st = MDLZ_ERROR_NOMEM;
        snprintf(s->msg, sizeof s->msg, "out of memory");
    }
    /* Verified: the groups that retrieved it can use its text, even if
     * its own file cannot be written (it exists, the disk is full...). */
    int verified = st == MDLZ_OK;
    if (s->writing) {
        if (st == MDLZ_OK &&
            fs_file_commit(&s->file, e->mode, e->mtime, q->o->force) != 0) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(s->msg, sizeof s->msg, "%s",
                     errno == EEXIST ? "exists (use -f to overwrite)"
                                     : strerror(errno));
        } else if (st != MDLZ_OK) {
            fs_file_abort(&s->file);
        }
    } else if (st == MDLZ_OK && want_file(q, s->cur)) {
        st = MDLZ_ERROR_GENERIC; /* the file could not be created */
    }
    pthread_mutex_lock(&q->mu);
    if (verified && s->text) {
        q->texts[s->cur] = s->text;
        s->text = NULL;
    }
    req_deliver(q, s->cur, st, st == MDLZ_OK ? NULL : s->msg);
    pthread_mutex_unlock(&q->mu);
    free(s->text);
    s->text = NULL;
    s->writing = 0;
    s->msg[0] = 0;
}

/* Appends to the kept text. It grows as data arrives, never beyond the
 * size the TOC declares: a damaged TOC cannot make it allocate more than
 * the stream really holds. */
static void keep(sink *s, uint64_t size, const uint8_t *p, size_t k) {
    if (s->done + k > s->cap) {
        uint64_t cap = s->cap ? s->cap : 65536;
        while (cap < s->done + k) cap *= 2;
        if (cap > size) cap = size;
        uint8_t *t = cap <= SIZE_MAX ? realloc(s->text, (size_t)cap) : NULL;
        if (!t) {
            free(s->text);
            s->text = NULL;
            s->text_failed = 1;
            return;
        }
        s->text = t;
        s->cap = (size_t)cap;
    }
    memcpy(s->text + s->done, p, k);
}

/* Feeds decoded bytes to the entries of the group, in order, up to entry
 * `end` (exclusive); s->cur == end once the needed part is complete.
 * -1 if the request stopped (s->msg says why). */
static int sink_put(sink *s, const uint8_t *p, size_t n, uint32_t end) {
    if (n && s->held) s->extra = 1;
    while (n && s->cur < end && !s->held) {
        const arc_entry *e = req_entry(s->q, s->cur);
        size_t k = (size_t)MDLZ_MIN((uint64_t)n, e->size - s->done);
        XXH3_64bits_update(s->xs, p, k);
        if (s->calling && sink_call(s, p, k) != 0) return -1;
        if (s->keep_text && !s->text_failed) keep(s, e->size, p, k);
        if (s->writing && fs_file_write(&s->file, p, k) != 0) {
            snprintf(s->msg, sizeof s->msg, "write: %s", strerror(errno));
            fs_file_abort(&s->file);
            s->writing = 0;
        }
        s->done += k;
        p += k;
        n -= k;
        if (s->done == e->size) {
            if (s->hold && s->cur + 1 == end) {
                s->held = 1;
                if (n) s->extra = 1;
                break;
            }
            sink_end(s, MDLZ_OK);
            if (++s->cur < end && sink_begin(s, s->cur) != 0) return -1;
        }
    }
    return 0;
}

/* The request's reason to stop, copied into msg, or 0 to go on. */
static int stopped(request *q, char *msg, size_t msglen) {
    pthread_mutex_lock(&q->mu);
    const char *why = req_stopped(q);
    if (why) snprintf(msg, msglen, "%s", why);
    pthread_mutex_unlock(&q->mu);
    return why != NULL;
}

/* The prefix of group g: its dependencies' texts, concatenated. NULL with
 * *len = 0 when it has none; NULL with a message when one failed. The
 * dependencies' groups are done (group_ready), their texts set under the
 * lock this worker took since, and kept until this group is done
 * (release_deps): reading them here needs no lock. */
static uint8_t *build_prefix(request *q, const arc_group *g, size_t *len,
                             char *msg, size_t msglen) {
    uint32_t missing;
    *len = 0;
    if (!g->n_deps) return NULL;
    uint8_t *p =
        arc_concat(&q->r->toc, q->texts, g->deps, 0, g->n_deps, len, &missing);
    if (!p && missing != UINT32_MAX)
        snprintf(msg, msglen, "needs %s, which could not be decoded",
                 req_entry(q, missing)->name);
    else if (!p) snprintf(msg, msglen, "out of memory");
    return p;
}

#define IN_CHUNK  ((size_t)1 << 20)
#define OUT_CHUNK ((size_t)1 << 18)

/* Decodes group g up to entry need[g] - 1. */
void req_decode_group(request *q, uint32_t g) {
    const arc_group *gr = &q->r->toc.groups[g];
    uint32_t end = q->need[g];
    sink s = {.q = q, .cur = gr->first, .hold = end == gr->first + gr->count};
    size_t plen = 0;
    mdlz_status st = MDLZ_OK;
    uint8_t *in = malloc(IN_CHUNK), *out = malloc(OUT_CHUNK);
    s.xs = XXH3_createState();
    mdlz_dctx *d = NULL;
    uint8_t *prefix = build_prefix(q, gr, &plen, s.msg, sizeof s.msg);
    if (gr->n_deps && !prefix) st = MDLZ_ERROR_PREFIX;
    else if (!in || !out || !s.xs ||
             mdlz_dctx_create(&d, q->o->mem_limit) != MDLZ_OK)
        st = MDLZ_ERROR_NOMEM;
    else if (gr->n_deps) st = mdlz_dctx_ref_prefix(d, prefix, plen);
    if (st == MDLZ_OK &&
        (stopped(q, s.msg, sizeof s.msg) || sink_begin(&s, gr->first) != 0))
        st = MDLZ_ERROR_GENERIC;
    uint64_t pos = 0, used = 0; /* bytes read; consumed by the decoder */
    int done = 0;
    while (st == MDLZ_OK && s.cur < end && !done) {
        if (stopped(q, s.msg, sizeof s.msg)) {
            st = MDLZ_ERROR_GENERIC;
            break;
        }
        size_t n = (size_t)MDLZ_MIN((uint64_t)IN_CHUNK, gr->csize - pos);
        if (n == 0) {
            st = MDLZ_ERROR_TRUNCATED;
            break;
        }
        if (req_read_at(q->r->fd, in, n, gr->offset + pos) != 0) {
            st = MDLZ_ERROR_GENERIC;
            snprintf(s.msg, sizeof s.msg, "read error: %s", strerror(errno));
            break;
        }
        pos += n;
        mdlz_inbuf ib = {in, n, 0};
        while (st == MDLZ_OK && s.cur < end && !done &&
               (ib.pos < ib.size || pos == gr->csize)) {
            mdlz_outbuf ob = {out, OUT_CHUNK, 0};
            st = mdlz_decompress_stream(d, &ob, &ib, &done);
            used = pos - n + ib.pos;
            if (sink_put(&s, out, ob.pos, end) != 0) {
                st = MDLZ_ERROR_GENERIC;
                break;
            }
            if (st == MDLZ_OK && ob.pos == 0 && ib.pos == ib.size) break;
        }
    }
    if (st == MDLZ_OK && s.held) { /* the group's last file, complete */
        if (done && used == gr->csize && !s.extra) {
            s.held = 0;
            sink_end(&s, MDLZ_OK);
            s.cur++;
        } else {
            st = MDLZ_ERROR_CORRUPT;
            snprintf(s.msg, sizeof s.msg, "group %u: %s", g,
                     s.extra ? "more data than its files"
                     : done  ? "bytes after the end of its stream"
                             : "its stream does not end with its data");
        }
    }
    if (st == MDLZ_OK && s.cur < end) /* the frame ended early */
        st = MDLZ_ERROR_CORRUPT;
    if (st != MDLZ_OK) {
        if (!s.msg[0])
            snprintf(s.msg, sizeof s.msg, "group %u: %s", g,
                     d && mdlz_dctx_error_detail(d)[0]
                         ? mdlz_dctx_error_detail(d)
                         : mdlz_strerror(st));
        char msg[sizeof s.msg];
        memcpy(msg, s.msg, sizeof msg);
        if (s.cur < end) sink_end(&s, st); /* the entry cut short */
        pthread_mutex_lock(&q->mu);
        for (uint32_t i = s.cur + 1; i < end; i++) req_deliver(q, i, st, msg);
        pthread_mutex_unlock(&q->mu);
    }
    mdlz_dctx_free(d);
    XXH3_freeState(s.xs);
    free(prefix);
    free(in);
    free(out);
}
