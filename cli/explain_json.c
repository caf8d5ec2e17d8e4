/*
 * explain_json.c - the JSON report of `mdlz explain --format=json`: the
 * same data as the page, for programs. Costs and savings are integers in
 * 1/65536 bit ("cost_unit"), one per input byte, as compact arrays.
 */
#include <inttypes.h>
#include <string.h>

#include "explain.h"

static void setting(xbuf *b, const mdlz_setting *s) {
    xb_printf(b, "\"match\":%d,\"retrieval\":[", s->match);
    static const char *const mode[] = {"whole", "online"};
    int first = 1;
    for (unsigned m = 0; m < 2; m++)
        if (s->retrieval >> m & 1) {
            xb_printf(b, "%s\"%s\"", first ? "" : ",", mode[m]);
            first = 0;
        }
    xb_str(b, "],\"tools\":[");
    for (size_t i = 0; i < s->n_tools; i++) {
        if (i) xb_str(b, ",");
        xb_json(b, s->tools[i], strlen(s->tools[i]), 1);
    }
    xb_str(b, "]");
}

static void configs(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    xb_str(b, "\"configurations\":[");
    for (size_t i = 0; i < s->configs; i++) {
        const mdlz_explain_config *c = mdlz_explain_config_get(e, i);
        xb_str(b, i ? ",\n{\"name\":" : "\n{\"name\":");
        xb_json(b, c->name, strlen(c->name), 1);
        xb_str(b, ",");
        setting(b, &c->setting);
        xb_printf(b,
                  ",\"payload\":%" PRIu64 ",\"code\":%" PRIu64
                  ",\"dl\":%" PRIu64 ",\"index_bytes\":%" PRIu64
                  ",\"model_cost\":%" PRIu64 ",\"seconds\":%.3f,"
                  "\"components\":[",
                  c->payload, c->code, c->dl, c->index_bytes, c->model_cost,
                  c->seconds);
        for (size_t k = 0; k < c->n_components; k++)
            xb_printf(b, "%s{\"name\":\"%s\",\"code_bytes\":%" PRIu64 "}",
                      k ? "," : "", c->components[k].name,
                      c->components[k].code_bytes);
        xb_str(b, "]}");
    }
    xb_str(b, "],\n");
}

static void blocks(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    static const char *const kind[] = {"?", "model", "raw", "zstd", "store"};
    mdlz_explain_layout l = mdlz_explain_layout_get(e);
    xb_printf(b,
              "\"layout\":{\"header\":%" PRIu64 ",\"trailer\":%" PRIu64
              "},\n\"blocks\":[",
              l.header, l.trailer);
    for (size_t i = 0; i < s->blocks; i++) {
        const mdlz_explain_block *k = mdlz_explain_block_get(e, i);
        xb_printf(b,
                  "%s{\"start\":%" PRIu64 ",\"size\":%u,\"kind\":\"%s\","
                  "\"header\":%u,\"payload\":%u,\"model_cost\":%" PRIu64 "}",
                  i ? "," : "", k->start, (unsigned)k->size,
                  kind[k->kind <= 4 ? k->kind : 0], (unsigned)k->header,
                  (unsigned)k->payload, k->model_cost);
    }
    xb_str(b, "],\n");
}

static void notes(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    xb_str(b, "\"documents\":[");
    for (size_t i = 0; i < s->documents; i++) {
        const mdlz_explain_document *d = mdlz_explain_document_get(e, i);
        xb_printf(b, "%s{\"id\":%" PRId64 ",\"name\":", i ? "," : "", d->id);
        xb_json(b, d->name, strlen(d->name), 1);
        xb_str(b, "}");
    }
    xb_str(b, "],\n\"sources\":[");
    for (size_t i = 0; i < s->sources; i++) {
        const mdlz_explain_source *r = mdlz_explain_source_get(e, i);
        xb_printf(b, "%s[%" PRIu64 ",%u,%u,%" PRIu64 "]", i ? "," : "", r->pos,
                  (unsigned)r->len, (unsigned)r->document, r->offset);
    }
    xb_str(b, "],\n\"proposals\":[");
    for (size_t i = 0; i < s->proposals; i++) {
        const mdlz_explain_proposal *p = mdlz_explain_proposal_get(e, i);
        xb_printf(b, "%s[%" PRIu64 ",%u,%u,", i ? "," : "", p->pos,
                  (unsigned)p->tool, (unsigned)p->len);
        size_t k = p->len < MDLZ_EXPLAIN_PROPOSAL_MAX
                       ? p->len
                       : MDLZ_EXPLAIN_PROPOSAL_MAX;
        xb_json(b, (const char *)p->bytes, k, 0);
        xb_str(b, "]");
    }
    xb_str(b, "],\n");
}

void ex_json(xbuf *b, const ex_report *r) {
    const mdlz_explain *e = r->e;
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    const mdlz_explain_config *full = mdlz_explain_config_get(e, 0);
    xb_str(b, "{\"file\":");
    xb_json(b, r->name, strlen(r->name), 1);
    xb_printf(b,
              ",\"input_bytes\":%" PRIu64 ",\"level\":%d,"
              "\"cost_unit\":\"1/%d bit\",\"payload\":%" PRIu64
              ",\"model_cost\":%" PRIu64 ",\n\"index\":",
              s->input_bytes, s->level, MDLZ_EXPLAIN_ONE, full->payload,
              s->model_cost);
    if (s->index) {
        xb_str(b, "{\"path\":");
        xb_json(b, s->index, strlen(s->index), 1);
        xb_printf(b, ",\"documents\":%" PRId64 ",\"stored_bytes\":%" PRIu64 "}",
                  s->index_documents, s->index_stored);
    } else {
        xb_str(b, "null");
    }
    xb_str(b, ",\n");
    configs(b, e);
    blocks(b, e);
    xb_str(b, "\"augmentations\":[");
    for (size_t a = 0; a < s->augmentations; a++) {
        const mdlz_explain_augmentation *g =
            mdlz_explain_augmentation_get(e, a);
        xb_str(b, a ? ",{\"name\":" : "{\"name\":");
        xb_json(b, g->name, strlen(g->name), 1);
        xb_printf(b,
                  ",\"configuration\":%zu,\"saving\":%" PRId64
                  ",\"payload_saved\":%" PRId64 "}",
                  g->config, g->total, g->payload_saved);
    }
    xb_str(b, "],\n");
    notes(b, e);
    xb_str(b, "\"costs\":[");
    for (uint64_t i = 0; i < s->input_bytes; i++)
        xb_printf(b, i ? ",%u" : "%u", (unsigned)full->cost[i]);
    xb_str(b, "],\n\"savings\":{");
    for (size_t a = 0; a < s->augmentations; a++) {
        const mdlz_explain_augmentation *g =
            mdlz_explain_augmentation_get(e, a);
        xb_str(b, a ? ",\n" : "");
        xb_json(b, g->name, strlen(g->name), 1);
        xb_str(b, ":[");
        for (uint64_t i = 0; g->saving && i < s->input_bytes; i++)
            xb_printf(b, i ? ",%d" : "%d", (int)g->saving[i]);
        xb_str(b, "]");
    }
    xb_str(b, "}}\n");
}
