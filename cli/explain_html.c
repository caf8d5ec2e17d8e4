/*
 * explain_html.c - the HTML report of `mdlz explain`: one self-contained
 * page (no network, no external script, font or image: inline CSS, JS and
 * SVG). On top the summary (explain_view.c); then the text, coloured by
 * the code length of each character or by the saving of one augmentation,
 * with a legend of fixed bands, a tooltip per character, and pages of at
 * most PAGE_MAX bytes so that a large input opens at once: the page's
 * data is in inert <script> elements, one per page of text, each the
 * base64 of a raw-deflate block (zlib level 6: level 9 took 3x the time
 * for 2% less) that the reader (report/explain.js,
 * which describes the layout) inflates with the browser's own
 * DecompressionStream when the page is shown. Costs and savings are kept
 * to 1/100 bit, which the tooltip shows.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "explain.h"
#include "explain_assets.h"

#define PAGE_MAX  8192u /* bytes of text per page: a switch renders one */
#define PAGE_MIN  4096u /* a page ends at a newline after this many */
#define CENTI_MAX 32767 /* savings are kept in 16 signed bits */

/* Page boundaries: at a newline between PAGE_MIN and PAGE_MAX bytes when
 * there is one, else at PAGE_MAX, never inside a UTF-8 character. */
static size_t *paginate(const unsigned char *d, size_t n, size_t *pages) {
    size_t cap = n / PAGE_MIN + 2, k = 0;
    size_t *p = malloc(cap * sizeof *p);
    if (!p) return NULL;
    size_t at = 0;
    p[k++] = 0;
    while (at < n) {
        size_t end = at + PAGE_MAX;
        if (end >= n) end = n;
        else {
            size_t nl = end;
            while (nl > at + PAGE_MIN && d[nl - 1] != '\n') nl--;
            if (nl > at + PAGE_MIN) end = nl;
            else
                while (end > at + 1 && (d[end] & 0xc0) == 0x80) end--;
        }
        p[k++] = end;
        at = end;
    }
    if (k == 1) p[k++] = 0; /* an empty input: one empty page */
    *pages = k - 1;
    return p;
}

static int centibits(int64_t v) {
    int64_t c =
        (v * 100 + (v >= 0 ? MDLZ_EXPLAIN_ONE / 2 : -MDLZ_EXPLAIN_ONE / 2)) /
        MDLZ_EXPLAIN_ONE;
    return c > CENTI_MAX ? CENTI_MAX : c < -CENTI_MAX ? -CENTI_MAX : (int)c;
}

/* The page's sources and proposals, as JSON, positions from `lo`; the
 * cursors *si and *pi move on page after page (both lists are in order
 * of position). */
static void page_notes(xbuf *j, const mdlz_explain *e, size_t lo, size_t hi,
                       size_t *si, size_t *pi) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    xb_str(j, "{\"src\":[");
    const char *sep = "";
    for (; *si < s->sources; ++*si) {
        const mdlz_explain_source *r = mdlz_explain_source_get(e, *si);
        if (r->pos >= hi) break;
        if (r->pos + r->len <= lo) continue;
        uint64_t a = r->pos < lo ? lo : r->pos;
        uint64_t b = r->pos + r->len > hi ? hi : r->pos + r->len;
        xb_printf(j, "%s[%" PRIu64 ",%" PRIu64 ",%u,%" PRIu64 "]", sep, a - lo,
                  b - a, (unsigned)r->document, r->offset + (a - r->pos));
        sep = ",";
        if (r->pos + r->len > hi) break; /* goes on in the next page */
    }
    xb_str(j, "],\"prop\":[");
    sep = "";
    for (; *pi < s->proposals; ++*pi) {
        const mdlz_explain_proposal *p = mdlz_explain_proposal_get(e, *pi);
        if (p->pos >= hi) break;
        xb_printf(j, "%s[%" PRIu64 ",%u,%u,", sep, p->pos - lo,
                  (unsigned)p->tool, (unsigned)p->len);
        size_t k = p->len < MDLZ_EXPLAIN_PROPOSAL_MAX
                       ? p->len
                       : MDLZ_EXPLAIN_PROPOSAL_MAX;
        xb_json(j, (const char *)p->bytes, k, 0);
        xb_str(j, "]");
        sep = ",";
    }
    xb_str(j, "]}");
}

/* Deflates src (raw, zlib level 6) and appends its base64 to b. */
static int deflate_b64(xbuf *b, const unsigned char *src, size_t n) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&z, (uLong)n);
    unsigned char *out = malloc(cap);
    int rc = -1;
    if (out) {
        z.next_in = (Bytef *)src;
        z.avail_in = (uInt)n;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
            xb_base64(b, out, cap - z.avail_out);
            rc = 0;
        }
    }
    deflateEnd(&z);
    free(out);
    return rc;
}

/* One page's data element. */
static int page_data(xbuf *b, const ex_report *r, size_t page, size_t lo,
                     size_t hi, size_t *si, size_t *pi) {
    const mdlz_explain *e = r->e;
    size_t n = hi - lo, na = mdlz_explain_summary_get(e)->augmentations;
    xbuf raw = {0};
    xb_put(&raw, r->data + lo, n);
    const uint32_t *cost = mdlz_explain_config_get(e, 0)->cost;
    for (int plane = 0; plane < 2; plane++)
        for (size_t i = lo; i < hi; i++) {
            unsigned v = (unsigned)centibits(cost[i]);
            unsigned char c = (unsigned char)(plane ? v >> 8 : v);
            xb_put(&raw, &c, 1);
        }
    for (size_t a = 0; a < na; a++) {
        const int32_t *sv = mdlz_explain_augmentation_get(e, a)->saving;
        for (int plane = 0; plane < 2; plane++)
            for (size_t i = lo; i < hi; i++) {
                unsigned v = (uint16_t)(sv ? centibits(sv[i]) : 0);
                unsigned char c = (unsigned char)(plane ? v >> 8 : v);
                xb_put(&raw, &c, 1);
            }
    }
    xbuf js = {0};
    page_notes(&js, e, lo, hi, si, pi);
    unsigned char len4[4] = {(unsigned char)js.n, (unsigned char)(js.n >> 8),
                             (unsigned char)(js.n >> 16),
                             (unsigned char)(js.n >> 24)};
    xb_put(&raw, len4, 4);
    xb_put(&raw, js.p, js.n);
    int rc = raw.oom || js.oom ? -1 : 0;
    xb_printf(b, "<script type=\"application/octet-stream\" id=\"p%zu\">",
              page);
    if (rc == 0) rc = deflate_b64(b, (unsigned char *)raw.p, raw.n);
    xb_str(b, "</script>\n");
    xb_free(&raw);
    xb_free(&js);
    return rc;
}

static void meta(xbuf *b, const ex_report *r, const size_t *pages, size_t np) {
    const mdlz_explain *e = r->e;
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    xb_str(b, "<script type=\"application/json\" id=\"meta\">{\"name\":");
    xb_json(b, r->name, strlen(r->name), 1);
    xb_printf(b, ",\"bytes\":%" PRIu64 ",\"augs\":[", s->input_bytes);
    for (size_t a = 0; a < s->augmentations; a++) {
        const char *n = mdlz_explain_augmentation_get(e, a)->name;
        if (a) xb_str(b, ",");
        xb_json(b, n, strlen(n), 1);
    }
    xb_str(b, "],\"docs\":[");
    for (size_t i = 0; i < s->documents; i++) {
        const char *n = mdlz_explain_document_get(e, i)->name;
        if (i) xb_str(b, ",");
        xb_json(b, n, strlen(n), 1);
    }
    xb_str(b, "],\"pages\":[");
    for (size_t i = 0; i <= np; i++) xb_printf(b, i ? ",%zu" : "%zu", pages[i]);
    xb_str(b, "]}</script>\n");
}

/* The bar above the text: colour-by switch, legends, page navigation. */
static void bar(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    xb_str(b, "<div id=\"bar\"><label>Colour by <select id=\"mode\">"
              "<option value=\"-1\">cost (bits per character)</option>");
    for (size_t a = 0; a < s->augmentations; a++) {
        const char *n = mdlz_explain_augmentation_get(e, a)->name;
        xb_printf(b, "<option value=\"%zu\">saving by ", a);
        xb_html(b, n, strlen(n));
        xb_str(b, "</option>");
    }
    xb_str(
        b,
        "</select></label>\n<div class=\"legend\" id=\"legend-cost\" "
        "title=\"bits per character\"><span class=\"c0\">&lt;0.5</span>"
        "<span class=\"c1\">0.5-1</span><span class=\"c2\">1-2</span>"
        "<span class=\"c3\">2-3</span><span class=\"c4\">3-4</span>"
        "<span class=\"c5\">4-6</span><span class=\"c6\">6-8</span>"
        "<span class=\"c7\">8-12</span><span class=\"c8\">&ge;12 "
        "bits</span></div>\n<div class=\"legend\" id=\"legend-save\" "
        "title=\"bits saved per character\" hidden><span class=\"s0\">"
        "&le;-2</span><span class=\"s1\">-2 to -0.5</span><span "
        "class=\"s2\">-0.5 to -0.05</span><span class=\"s3\">about 0"
        "</span><span class=\"s4\">0.05-0.5</span><span class=\"s5\">"
        "0.5-2</span><span class=\"s6\">&ge;2 bits saved</span></div>\n"
        "<span><button id=\"prev\" type=\"button\">&larr;</button> page "
        "<input id=\"pageno\" type=\"number\" min=\"1\" value=\"1\" "
        "size=\"5\" aria-label=\"page\"> of <span id=\"pages\"></span> "
        "<button id=\"next\" type=\"button\">&rarr;</button></span></div>\n");
}

int ex_html(xbuf *b, const ex_report *r) {
    size_t np;
    size_t *pages = paginate(r->data, r->len, &np);
    if (!pages) return -1;
    xb_str(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
              "charset=\"utf-8\">\n<meta name=\"viewport\" "
              "content=\"width=device-width, initial-scale=1\">\n<title>mdlz "
              "explain: ");
    xb_html(b, r->name, strlen(r->name));
    xb_str(b, "</title>\n<style>\n");
    xb_str(b, explain_css);
    xb_str(b, "</style>\n</head>\n<body>\n");
    ex_html_summary(b, r);
    bar(b, r->e);
    xb_str(b, "<div id=\"text\"></div>\n<div id=\"tip\" "
              "role=\"tooltip\"></div>\n");
    meta(b, r, pages, np);
    int rc = 0;
    size_t si = 0, pi = 0;
    for (size_t i = 0; i < np && rc == 0; i++)
        rc = page_data(b, r, i, pages[i], pages[i + 1], &si, &pi);
    xb_str(b, "<script>\n");
    xb_str(b, explain_js);
    xb_str(b, "</script>\n</body>\n</html>\n");
    free(pages);
    return rc;
}
