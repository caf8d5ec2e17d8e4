/*
 * test_tools.c - the built-in tools (tools/calc, seq, markup) on crafted
 * inputs, and what every built-in owes the host: a valid description
 * (tool_validate), an embedded code size and hash equal to zstd -19 and
 * XXH64 of its sources, bounded and deterministic proposals on any bytes,
 * and a clean failure when the host's allocator fails.
 *
 * Arguments: --tool NAME FILE... groups (the sources of each built-in, as
 * tools/meson.build measures them).
 */
#include <xxhash.h>
#include <zstd.h>

#include "check.h"
#include "registry.h"

/* A tool state fed with text; p is the proposal after the last byte. */
typedef struct {
    const mdlz_tool *t;
    void *s;
    mdlz_tool_host host;
    mdlz_tool_proposal p;
} run;

static void run_feed(run *r, const char *text) {
    for (; *text; text++) {
        r->t->observe(r->s, (uint8_t)*text);
        memset(&r->p, 0, sizeof r->p);
        r->t->propose(r->s, &r->p);
    }
}

static int run_start(run *r, const char *name) {
    r->t = tool_find_builtin(name);
    tool_host_default(&r->host);
    r->s = NULL;
    memset(&r->p, 0, sizeof r->p);
    return r->t && r->t->create(&r->host, &r->s) == 0;
}

/* Feeds `text` to a fresh `tool` and checks that the proposal after it
 * begins with `want` (NULL: no proposal) and has class `cls` (-1: any). */
static void expect(const char *tool, const char *text, const char *want,
                   int cls) {
    run r;
    if (!check(run_start(&r, tool), "%s: create", tool)) return;
    run_feed(&r, text);
    char got[MDLZ_TOOL_MAX_PROPOSAL + 1];
    memcpy(got, r.p.bytes, r.p.len);
    got[r.p.len] = 0;
    int ok = want ? r.p.len >= strlen(want) && !memcmp(got, want, strlen(want))
                  : r.p.len == 0;
    if (cls >= 0 && want) ok &= (int)r.p.confidence == cls;
    char shown[160];
    size_t k = strlen(text) > 48 ? strlen(text) - 48 : 0;
    snprintf(shown, sizeof shown, "%s", text + k);
    for (char *c = shown; *c; c++)
        if (*c == '\n') *c = '|';
    check(ok, "%s: \"%s\" -> \"%s\" class %d (got \"%s\" class %u)", tool,
          shown, want ? want : "", cls, got, (unsigned)r.p.confidence);
    r.t->destroy(r.s);
}

static void test_calc(void) {
    expect("calc", "12 * 7 =", "84", 14);
    expect("calc", "12 * 7 = ", "84", 15);
    expect("calc", "a = b\n12 * 7 =", " 84", 14); /* the last '=' had a space */
    expect("calc", "12 * 7 = 8", "4", 15);
    expect("calc", "12 * 7 = 9", NULL, -1);
    expect("calc", "3.5 + 1.25 = ", "4.75", 15);
    expect("calc", "(44.1+56.7)/2 = ", "50.4", 15);
    expect("calc", "1,234 + 4,321 = ", "5,555", 15);
    expect("calc", "1,234,567 * 3 = ", "3,703,701", 15);
    expect("calc", "1.50 + 2.50 = ", "4.00", 15);
    expect("calc", "0.4*0.6 = ", "0.24", 15);
    expect("calc", "44.1-56.7 = ", "-12.6", 15);
    expect("calc", "7 - 10 = ", "-3", 15);
    expect("calc", "2 + 3 * 4 = ", "14", 15);
    expect("calc", "45000 x 3/10 = ", "13500", 15);
    expect("calc", "12 \xC3\x97 3 = ", "36", 15); /* × */
    expect("calc", "84 \xC3\xB7 4 = ", "21", 15); /* ÷ */
    expect("calc", "Natalia sold <<48/2=", "24>>24", 14);
    expect("calc", "1/3 = ", "0.33", 13);
    expect("calc", "2/3 =", "0.67", 12);
    expect("calc", "2/3 = 0.6", "7", 13);
    expect("calc", "10 / 0 = ", NULL, -1);
    expect("calc", "99999999999 * 99999999999 = ", NULL, -1);
    expect("calc", "123456789012345678 + 1 = ", NULL, -1);
    expect("calc", "x2 - 4 = ", NULL, -1);
    expect("calc", "y*(1/59) = ", NULL, -1);
    expect("calc", "x = 5", NULL, -1);
    expect("calc", "if (a == ", NULL, -1);
    expect("calc", "a <= ", NULL, -1);
    expect("calc", "2 + 2 = 5, while 3 + 4 = ", "7", 15);
    expect("calc", "2 + 2 = ", "4", 15);
    expect("calc", "It is 2 + 2 = 5", NULL, -1);
    expect("calc", "cost = $", NULL, -1);
    expect("calc", "8 + 2 = $", "10", 15);
    expect("calc", "s = \"x\\n3 * 3 = ", "9", 15);
    expect("calc",
           "a long line of words that pushes the expression past the buffer "
           "of ninety-six bytes, and then 3 + 4 = ",
           "7", 15);
    expect("calc",
           "{\n  \"Equation\": \"( 76.0 - 25.0 )\",\n  \"Answer\":", " 51.0",
           10);
    expect("calc", "\"Equation\": \"( 10.0 / 3.0 )\",\n\"Answer\": ", "3.33",
           11);
    expect("calc",
           "\"( 7.0 + 1.0 )\""
           "0123456789012345678901234567890123456789"
           "0123456789:",
           NULL, -1); /* too far */
    /* the rest of the latest number seen that begins with the digits
     * written: class by digits (1, 2, 3, 4+), +4 if only one fits */
    expect("calc", "had 26 red and 17 blue: ( 2", "6", 4);
    expect("calc", "had 26 red, 17 blue and 14 more: ( 1", "4", 0);
    expect("calc", "cells 1,452.4 and 44.1; total 1,4", "52.4", 6);
    expect("calc", "had 26 red: ( 3", NULL, -1);
    expect("calc", "had 26 red: ( 26", NULL, -1);          /* nothing more */
    expect("calc", "had x26 and b1c2 red: ( 2", NULL, -1); /* glued */
    expect("calc", "had 26m red: ( 2", NULL, -1);
}

static void test_seq(void) {
    expect("seq", "id 1,x\nid 2,x\nid 3,x\nid ", "4", -1);
    expect("seq", "id 1,x\nid 2,x\nid 3,x\nid 4,x\nid 5,x\nid ", "6", 5);
    expect("seq", "id 7,x\nid 8,x\nid 9,x\nid 1", "0", 12);
    expect("seq", "id 1,x\nid 2,x\nid ", NULL, -1); /* one step: not yet */
    expect("seq", "LineId,Time\n1,a\n2,b\n3,c\n4,d\n", "5", -1);
    expect("seq", "rec 0007;\nrec 0008;\nrec 0009;\nrec ", "0010", -1);
    expect("seq", "t=10 n=5\nt=20 n=5\nt=30 n=5\nt=40 n=5\nt=", "50", -1);
    expect("seq", "t=10 n=5\nt=20 n=5\nt=30 n=5\nt=40 n=", "5", -1);
    expect("seq",
           "1971-08-01,a\n1971-09-01,b\n1971-10-01,a\n1971-11-01,b\n"
           "1971-12-01,c\n1972-01-01,d\n1972-",
           "02", -1); /* the month wrapped; its step survives */
    expect("seq",
           "1971-10-01,a\n1971-11-01,b\n1971-12-01,c\n1972-01-01,d\n"
           "1972-02-01,e\n",
           "1972", -1);
    expect("seq",
           "\"ID\": \"chal-1\",\n\"ID\": \"chal-2\",\n\"ID\": "
           "\"chal-3\",\n\"ID\": \"chal-",
           "4", -1);
    expect("seq", "the cat sat on the mat\nthe cat sat on the mat\nthe ", NULL,
           -1);
    expect("seq", "n 5\nn 3\nn 1\nn ", NULL, -1); /* would be negative */
}

static void test_markup(void) {
    expect("markup", "<a><b>text</", "b>", 12);
    expect("markup", "<a><b>text</b></", "a>", 12);
    expect("markup", "<a><b>text</b", ">", 13);
    expect("markup", "<ns:a x=\"1\"><ns:b-c>t</", "ns:b-c>", 12);
    /* successors: what followed the same token in the same context */
    expect("markup", "<r><a>x</a><b>y</b><a>x</a><", "b>", 0);
    expect("markup", "<r><a>x</a><b>y</b><a>x</a><b>y</b><a>x</a><", "b>", 2);
    expect("markup", "<r><a>x</a><b>y</b><a>x</a>", NULL, -1);
    expect("markup",
           "<c l=\"da\">x</c><c l=\"de\">y</c><c l=\"da\">z</c><c l=\"", "de\"",
           8);
    expect("markup", "<c l=\"1\" m=\"2\"/><c l=\"3\"", " m=\"", 0);
    expect("markup", "<c l=\"1\" m=\"2\"/><c ", "l=\"", 0);
    expect("markup", "[{\"a\": 1, \"b\": 2}, {\"a\": 3, \"", "b\"", 0);
    expect("markup", "[{\"a\": 1, \"b\": 2}, {\"", "a\"", 0);
    expect("markup", "{\"t\": \"x\", \"t\": \"y\", \"t\": \"x\", \"t\": \"",
           "y\"", 8);
    expect("markup", "{\"t\": \"x\", \"u\": \"", NULL, -1);
    expect("markup", "<a><!-- <b> --><?pi x?><!DOCTYPE a><c/></", "a>", 12);
    expect("markup", "<a><b/></", "a>", 12);
    expect("markup", "<a href=\"x>y\"><b>t</", "b>", 12);
    expect("markup", "<a><b></a><c>t</", "c>", 12); /* pops past <b> */
    expect("markup", "<a><b></b></a></", NULL, -1);
    expect("markup", "if a < b then", NULL, -1);
    expect("markup", "{\n  \"a\": 1,\n  \"b\": 2\n", "}", 6);
    expect("markup", "[\n  {\n    \"a\": 1,\n    \"b\": \"x]\"\n", "  }", 6);
    expect("markup", "[\n  {\n    \"a\": 1,\n    \"b\": 2\n ", " }", 7);
    expect("markup", "{\n  \"x\": 0,\n  \"a\": [\n    1,\n    2\n  ]\n", "}",
           6);
    expect("markup", "{\n  \"a\": 1,\n  \"b\": {\n", NULL, -1);
    expect("markup", "{\n  \"a\": 1,\n  \"b\": \n", NULL, -1);
    expect("markup", "f(x) {\n  a = 1;\n  b = 2;\n", NULL, -1);
}

static void test_registry(void) {
    size_t n = 0;
    const mdlz_tool *const *b = tool_builtins(&n);
    check(n == 3 && !strcmp(b[0]->name, "calc") && !strcmp(b[1]->name, "seq") &&
              !strcmp(b[2]->name, "markup"),
          "three built-ins: calc, seq, markup");
    for (size_t i = 0; i < n; i++) {
        char err[256] = "";
        check(tool_validate(b[i], err, sizeof err) == MDLZ_OK,
              "%s validates (%s)", b[i]->name, err);
        check(tool_find_builtin(b[i]->name) == b[i], "find %s", b[i]->name);
    }
    check(!tool_find_builtin("nope") && !tool_find_builtin(NULL),
          "unknown names are not found");

    char err[256];
    mdlz_tool t = *b[0];
    t.abi_version = 2;
    check(tool_validate(&t, err, sizeof err) == MDLZ_ERROR_VERSION &&
              strstr(err, "version 2") && strstr(err, "version 1"),
          "other ABI version refused: %s", err);
    t = *b[0];
    t.struct_size = 8;
    check(tool_validate(&t, err, sizeof err) == MDLZ_ERROR_VERSION,
          "short struct refused: %s", err);
    const char *bad_names[] = {"", "Calc", "a-b", "a b",
                               "a_name_that_is_far_too_long_xyzw"};
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        t = *b[0];
        t.name = bad_names[i];
        check(tool_validate(&t, err, sizeof err) == MDLZ_ERROR_PARAM,
              "name \"%s\" refused", bad_names[i]);
    }
    t = *b[0];
    t.name = NULL;
    check(tool_validate(&t, NULL, 0) == MDLZ_ERROR_PARAM, "NULL name refused");
    t = *b[0];
    t.name = "a_name_that_is_31_chars_long_ok";
    check(tool_validate(&t, NULL, 0) == MDLZ_OK, "31-character name accepted");
    t = *b[0];
    t.propose = NULL;
    check(tool_validate(&t, err, sizeof err) == MDLZ_ERROR_PARAM &&
              strstr(err, "propose"),
          "NULL propose refused: %s", err);
    check(tool_validate(NULL, err, sizeof err) == MDLZ_ERROR_PARAM,
          "NULL description refused");
}

/* The --tool NAME FILE... groups: each built-in's code size and hash. */
static void test_codesize(int argc, char **argv) {
    int groups = 0;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--tool")) continue;
        const char *name = argv[++i];
        size_t len = 0, n;
        uint8_t *all = NULL;
        for (; i + 1 < argc && strcmp(argv[i + 1], "--tool"); i++) {
            uint8_t *d = read_file(argv[i + 1], &n);
            if (!d) break;
            all = xrealloc(all, len + n);
            memcpy(all + len, d, n);
            len += n;
            free(d);
        }
        size_t cap = ZSTD_compressBound(len);
        uint8_t *z = xmalloc(cap);
        size_t zn = ZSTD_compress(z, cap, all, len, 19);
        const mdlz_tool *t = tool_find_builtin(name);
        check(t && !ZSTD_isError(zn) && t->code_bytes == zn &&
                  t->code_hash == XXH64(all, len, 0),
              "%s: embedded code size %u and hash match its sources (%zu)",
              name, t ? (unsigned)t->code_bytes : 0, zn);
        free(z);
        free(all);
        groups++;
    }
    check(groups == 3, "code sizes of %d built-ins checked", groups);
}

static void *no_alloc(void *ctx, size_t n) {
    (void)ctx;
    (void)n;
    return NULL;
}

/* Random bytes and text: proposals within bounds, the same on two runs
 * and with propose() called any number of times. */
static void test_robust(void) {
    size_t n = 1 << 18, half = n / 2;
    uint8_t *data = xmalloc(n);
    fill_random(data, half, 42);
    uint8_t *text = make_text(n - half);
    memcpy(data + half, text, n - half);
    free(text);
    size_t nb;
    const mdlz_tool *const *b = tool_builtins(&nb);
    for (size_t k = 0; k < nb; k++) {
        const mdlz_tool *t = b[k];
        uint64_t h[2] = {0, 0};
        int bad = 0;
        long props = 0;
        for (int pass = 0; pass < 2; pass++) {
            run r;
            run_start(&r, t->name);
            XXH64_state_t *xs = XXH64_createState();
            XXH64_reset(xs, 0);
            for (size_t i = 0; i < n; i++) {
                for (int rep = 0; rep <= pass; rep++) {
                    memset(&r.p, 0, sizeof r.p);
                    t->propose(r.s, &r.p);
                }
                bad |= r.p.len > MDLZ_TOOL_MAX_PROPOSAL ||
                       r.p.confidence > MDLZ_TOOL_CONFIDENCE_MAX;
                props += r.p.len > 0;
                XXH64_update(xs, &r.p, sizeof r.p);
                t->observe(r.s, data[i]);
            }
            h[pass] = XXH64_digest(xs);
            XXH64_freeState(xs);
            t->destroy(r.s);
        }
        check(!bad, "%s: proposals within bounds on random bytes and text",
              t->name);
        check(h[0] == h[1],
              "%s: deterministic, propose() repeatable (%ld proposals)",
              t->name, props / 2);
        mdlz_tool_host host;
        tool_host_default(&host);
        host.alloc = no_alloc;
        void *s = (void *)1;
        check(t->create(&host, &s) != 0, "%s: create fails without memory",
              t->name);
    }
    free(data);
}

int main(int argc, char **argv) {
    test_calc();
    test_seq();
    test_markup();
    test_registry();
    test_codesize(argc, argv);
    test_robust();
    return check_finish();
}
