/*
 * request.h - what one extraction, test or load decodes, shared by its
 * workers (read.c schedules the groups, group.c decodes one of them).
 * Internal to archive/.
 */
#ifndef MDLZ_ARCHIVE_REQUEST_H
#define MDLZ_ARCHIVE_REQUEST_H

#include <pthread.h>
#include <stdint.h>

#include "archive.h"

struct mdlz_archive {
    int fd;
    uint64_t size;
    arc_toc toc;
    const char *damage; /* mdlz_archive_damage() */
    int toc_level;      /* level of the TOC's stream */
};

enum { G_IDLE, G_RUNNING, G_DONE };

typedef struct {
    arc_reader *r;
    const uint8_t *select; /* per entry, or NULL = all */
    const arc_extract_opts *o;
    int root_fd;     /* extraction target, or -1 */
    uint8_t **texts; /* per entry: kept text (dependency or load) */
    uint8_t *want;   /* per entry: selected, still to deliver */
    uint32_t *refs;  /* per entry: needed groups depending on it */
    uint32_t *need;  /* per group: last entry + 1, 0 = not needed */
    uint8_t *gstate; /* per group */
    mdlz_status first_err;
    int load;          /* arc_load: keep selected texts */
    uint32_t next_out; /* o->write: the entry whose bytes go next */
    const char *stop;  /* why the request stops early, or NULL */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} request;

static inline const arc_entry *req_entry(const request *q, uint32_t i) {
    return &q->r->toc.entries[i];
}

/** Records the outcome of a selected entry (call with q->mu held). */
void req_deliver(request *q, uint32_t i, mdlz_status st, const char *msg);

/** Why the request must stop (its output failed, or the cleanup handle
 *  ran), or NULL to go on (call with q->mu held). */
const char *req_stopped(request *q);

/** With o->write: waits until entry i's bytes may be written (all the
 *  selected files before it are done), or the request stops; 0 when it
 *  may, -1 when stopped (call with q->mu held). */
int req_wait_turn(request *q, uint32_t i);

/** Reads n bytes at off; 0 or -1 (errno). */
int req_read_at(int fd, void *buf, size_t n, uint64_t off);

/** Decodes group g up to entry q->need[g] - 1, delivering its selected
 *  files and keeping the texts later groups need (group.c). */
void req_decode_group(request *q, uint32_t g);

#endif
