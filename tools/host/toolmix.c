/*
 * toolmix.c - tools as a predictor component.
 *
 * After every byte, each tool observes it and proposes what comes next
 * (mdlz_tool.h). While the bits of the coming byte agree with the first
 * proposed byte, the tool predicts the next bit; its input to the mixer
 * is a StateMap over (tool, confidence class, run, bit position, predicted
 * bit), where run counts how many proposed bytes in a row were right
 * (0..3). The map learns how often each situation is right, so a tool
 * that is wrong costs little and one that is right earns near-certain
 * predictions. The input is 0 when the tool proposes nothing or its byte
 * was already contradicted.
 *
 * Tools are deterministic (integer arithmetic, no clock, no locale) and
 * see exactly the coded bytes, so both sides hold identical tool states.
 */
#include "toolmix.h"

#include <stdlib.h>
#include <string.h>

#include "registry.h"

#define RUNS         4
#define CTX_PER_TOOL ((MDLZ_TOOL_CONFIDENCE_MAX + 1) * RUNS * 8 * 2)

typedef struct {
    const mdlz_tool *t;
    void *state;
    mdlz_tool_proposal prop;
    int expected; /* proposed next byte, -1 if none or contradicted */
    int run;      /* proposed bytes in a row that were right, capped */
    int ctx;      /* StateMap context of this bit, 0 = none */
} tool_slot;

typedef struct {
    int n;
    int active; /* slots whose proposal still agrees with the byte */
    tool_slot slot[TOOLMIX_MAX];
    mdlz_tool_host host;
    statemap sm;
} toolmix;

static void tm_predict(void *self, pr_shared *sh, int16_t *x) {
    toolmix *m = self;
    if (!m->active) { /* the usual case: nothing proposed */
        memset(x, 0, (size_t)m->n * sizeof *x);
        return;
    }
    for (int i = 0; i < m->n; i++) {
        tool_slot *s = &m->slot[i];
        x[i] = 0;
        s->ctx = 0;
        if (s->expected < 0) continue;
        if (!pr_agrees(s->expected, sh)) {
            s->expected = -1;
            m->active--;
            continue;
        }
        int bit = pr_next_bit(s->expected, sh);
        int conf = (int)s->prop.confidence;
        s->ctx = 1 + i * CTX_PER_TOOL +
                 ((conf * RUNS + s->run) * 8 + sh->bitpos) * 2 + bit;
        x[i] = (int16_t)stretch(sh->st, sm_p(&m->sm, (size_t)s->ctx));
    }
}

static void tm_update(void *self, const pr_shared *sh, int bit, int16_t *x) {
    toolmix *m = self;
    (void)sh, (void)x;
    for (int i = 0; m->active && i < m->n; i++)
        if (m->slot[i].ctx) sm_update(&m->sm, (size_t)m->slot[i].ctx, bit);
}

static int tm_byte(void *self, const pr_shared *sh, int16_t *x) {
    toolmix *m = self;
    int c = (int)(sh->c4 & 0xff);
    (void)x;
    m->active = 0;
    for (int i = 0; i < m->n; i++) {
        tool_slot *s = &m->slot[i];
        if (sh->pos > 0) { /* not before the first byte */
            if (s->prop.len > 0)
                s->run = s->prop.bytes[0] == c
                             ? (s->run < RUNS - 1 ? s->run + 1 : s->run)
                             : 0;
            s->t->observe(s->state, c);
        }
        memset(&s->prop, 0, sizeof s->prop);
        s->t->propose(s->state, &s->prop);
        if (s->prop.len > MDLZ_TOOL_MAX_PROPOSAL ||
            s->prop.confidence > MDLZ_TOOL_CONFIDENCE_MAX)
            s->prop.len = 0; /* a broken proposal is no proposal */
        s->expected = s->prop.len ? s->prop.bytes[0] : -1;
        m->active += s->expected >= 0;
    }
    return m->active == 0; /* quiet: no tool proposes */
}

int toolmix_notes(const void *self, mod_note *notes, int cap) {
    const toolmix *m = self;
    int n = 0;
    for (int i = 0; i < m->n && n < cap; i++) {
        const tool_slot *s = &m->slot[i];
        if (s->expected < 0) continue;
        mod_note *o = &notes[n++];
        *o =
            (mod_note){.byte = s->expected, .source = i, .length = s->prop.len};
        memcpy(o->text, s->prop.bytes,
               s->prop.len < MOD_NOTE_TEXT ? s->prop.len : MOD_NOTE_TEXT);
    }
    return n;
}

static void tm_destroy(void *self) {
    toolmix *m = self;
    if (!m) return;
    for (int i = 0; i < m->n; i++)
        if (m->slot[i].t) m->slot[i].t->destroy(m->slot[i].state);
    sm_free(&m->sm);
    free(m);
}

mdlz_status toolmix_create(pr_component *c, const mdlz_tool *const *tools,
                           int n, const bh_table *bh) {
    if (n < 1 || n > TOOLMIX_MAX) return MDLZ_ERROR_PARAM;
    toolmix *m = calloc(1, sizeof *m);
    if (!m) return MDLZ_ERROR_NOMEM;
    tool_host_default(&m->host);
    mdlz_status st = sm_init(&m->sm, 1 + (size_t)n * CTX_PER_TOOL, 1023, bh, 0);
    for (int i = 0; i < n && st == MDLZ_OK; i++) {
        tool_slot *s = &m->slot[i];
        if (tools[i]->create(&m->host, &s->state) != 0) {
            st = MDLZ_ERROR_TOOL;
            break;
        }
        s->t = tools[i];
        s->expected = -1;
        m->n = i + 1;
    }
    if (st != MDLZ_OK) {
        tm_destroy(m);
        return st;
    }
    *c = (pr_component){.name = "tools",
                        .n_inputs = n,
                        .self = m,
                        .predict = tm_predict,
                        .update = tm_update,
                        .byte_update = tm_byte,
                        .destroy = tm_destroy};
    return MDLZ_OK;
}
