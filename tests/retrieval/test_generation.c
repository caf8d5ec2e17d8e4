/*
 * test_generation.c - selection at a generation (select.c, generation.c,
 * docs/retrieval.md "Generations"): after later adds, removals and
 * re-adds, mdlz_index_select() at generation g returns what it returned
 * when g was the newest, and that is the reference ranking (refselect.h)
 * of the documents visible at g with g's statistics; gc damages exactly
 * the generations its purged documents were visible in (select there
 * fails with a message, the others are unchanged); check finds no
 * problem along the way; the history tells indexes apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* ret_terms_verify */
#include "refselect.h"
#include "rettest.h"

enum { MAXD = 64, NGEN = 6, NQ = 4, NR = 12 };

static const char *const vocab[] = {
    "granite", "basalt", "magma",  "crater", "violin", "tempo",
    "melody",  "piston", "torque", "gear",   "reef",   "kelp",
    "lagoon",  "orbit",  "nebula", "quartz", "the",    "of",
    "and",     "a",      "harbor", "fjord",  "tundra", "zephyr"};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static const char *const queries[NQ] = {
    "granite basalt magma crater", "violin melody tempo the of",
    "reef kelp lagoon harbor fjord", "orbit nebula quartz torque gear"};

/* Document i: words of a topic (i % 6), common words, a few others. */
static char *gen_text(int i) {
    size_t cap = 4096, n = 0;
    char *t = malloc(cap);
    uint32_t x = 2463534242u + (uint32_t)i * 7919u;
    int words = 40 + (i * 13) % 60;
    for (int w = 0; w < words; w++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        size_t v = x % 4 ? (size_t)(i % 6) * 4 + x / 4 % 4 : x / 4 % NVOCAB;
        n += (size_t)snprintf(t + n, cap - n, "%s ", vocab[v % NVOCAB]);
    }
    return t;
}

/* The index's documents by id: text, generation added, generation removed
 * (0: never), and whether gc purged it. */
static char *text_of[MAXD + 1];
static int64_t gen_added[MAXD + 1], gen_removed[MAXD + 1];

static int64_t add(mdlz_index *ix, const char *text, int64_t gen) {
    int64_t id = add_text(ix, "doc", text, NULL);
    if (id > 0 && id <= MAXD) {
        text_of[id] = strdup(text);
        gen_added[id] = gen;
    }
    return id;
}

static void rm(mdlz_index *ix, int64_t id, int64_t gen) {
    int removed = 0;
    check(mdlz_index_remove(ix, id, NULL, &removed) == 0 && removed == 1,
          "rm %lld", (long long)id);
    gen_removed[id] = gen;
}

/* The reference selection at generation g for query q into want. */
static int ref_at(int64_t g, int q, int64_t *want) {
    char *vis[MAXD];
    for (int id = 1; id <= MAXD; id++)
        vis[id - 1] = text_of[id] && gen_added[id] <= g &&
                              (!gen_removed[id] || g < gen_removed[id])
                          ? text_of[id]
                          : NULL;
    return ref_select(vis, MAXD, queries[q], 8, NR, want);
}

static mdlz_index_docref seen[NGEN][NQ][NR];
static int nseen[NGEN][NQ];

/* Selects at g for every query; checks against the reference and, when
 * `again`, against what g selected when it was made. */
static void select_at(mdlz_index *ix, int64_t g, int again) {
    int ok = 1, same = 1;
    for (int q = 0; q < NQ; q++) {
        mdlz_index_docref got[NR];
        int64_t want[NR];
        int n = mdlz_index_select(ix, g, (const uint8_t *)queries[q],
                                  strlen(queries[q]), 8, NR, UINT64_MAX, NULL,
                                  0, got);
        int nw = ref_at(g, q, want);
        ok &= n == nw && n > 0;
        for (int i = 0; ok && i < n; i++) ok = got[i].id == want[i];
        if (!again) {
            memcpy(seen[g][q], got, sizeof got);
            nseen[g][q] = n;
        } else {
            same &= n == nseen[g][q] &&
                    !memcmp(got, seen[g][q], (size_t)n * sizeof *got);
        }
    }
    check(ok,
          "select at generation %lld: the reference ranking of its "
          "documents%s",
          (long long)g, again ? " (later)" : "");
    if (again)
        check(same,
              "select at generation %lld: what it selected when "
              "it was the newest",
              (long long)g);
}

static void problem_note(void *user, const char *msg) {
    (void)user;
    fprintf(stderr, "check: %s\n", msg);
}

static void test_generations(void) {
    mdlz_index *ix = open_new("gen.db");
    int64_t g = 1;
    mdlz_index_begin(ix); /* generation 1: 20 documents */
    for (int i = 0; i < 20; i++) {
        char *t = gen_text(i);
        add(ix, t, g);
        free(t);
    }
    check(mdlz_index_commit(ix) == 0 && generation(ix) == 1,
          "generation 1: one transaction of adds");
    select_at(ix, g, 0);
    mdlz_index_begin(ix); /* 2: two removals */
    g = 2;
    rm(ix, 3, g);
    rm(ix, 7, g);
    check(mdlz_index_commit(ix) == 0 && generation(ix) == 2,
          "generation 2: removals");
    select_at(ix, g, 0);
    g = 3; /* 3: eight adds */
    mdlz_index_begin(ix);
    for (int i = 20; i < 28; i++) {
        char *t = gen_text(i);
        add(ix, t, g);
        free(t);
    }
    mdlz_index_commit(ix);
    select_at(ix, g, 0);
    g = 4; /* 4: removals of an old and a new document */
    mdlz_index_begin(ix);
    rm(ix, 21, g);
    rm(ix, 10, g);
    mdlz_index_commit(ix);
    select_at(ix, g, 0);
    g = 5; /* 5: the text of document 3 again (a new id), one new */
    mdlz_index_begin(ix);
    int64_t again = add(ix, text_of[3], g);
    char *t = gen_text(40);
    add(ix, t, g);
    free(t);
    mdlz_index_commit(ix);
    check(again == 29 && generation(ix) == 5,
          "generation 5: re-added text gets a new id");
    select_at(ix, g, 0);
    for (g = 1; g <= 5; g++) select_at(ix, g, 1);
    check(ret_terms_verify(ix) == 0 &&
              mdlz_index_check(ix, problem_note, NULL) == 0,
          "check: no problem after adds, removals and re-adds (%s)",
          mdlz_index_errmsg(ix));

    /* gc purges 3, 7, 10, 21: visible in generations 1 to 3 */
    mdlz_index_gc_result res;
    check(mdlz_index_gc(ix, NULL, 0, 0, NULL, NULL, &res) == 0 &&
              res.purged == 4 && res.broken == 3,
          "gc: 4 documents purged, 3 generations damaged (%lld, %lld)",
          (long long)res.purged, (long long)res.broken);
    for (g = 1; g <= 3; g++) {
        mdlz_index_docref got[NR];
        int n = mdlz_index_select(ix, g, (const uint8_t *)queries[0],
                                  strlen(queries[0]), 8, NR, UINT64_MAX, NULL,
                                  0, got);
        check(n == -1 && strstr(mdlz_index_errmsg(ix), "is gone") &&
                  strstr(mdlz_index_errmsg(ix), "doc"),
              "gc: select at damaged generation %lld fails (%s)", (long long)g,
              mdlz_index_errmsg(ix));
    }
    for (g = 4; g <= 5; g++) select_at(ix, g, 1);
    check(ret_terms_verify(ix) == 0 &&
              mdlz_index_check(ix, problem_note, NULL) == 0,
          "check: no problem after gc (%s)", mdlz_index_errmsg(ix));

    /* what a stream needs */
    mdlz_index_gen g5;
    mdlz_index_generation(ix, 5, &g5);
    mdlz_docref d3 = {XXH3_64bits(text_of[3], strlen(text_of[3])),
                      strlen(text_of[3])};
    mdlz_docref d7 = {XXH3_64bits(text_of[7], strlen(text_of[7])),
                      strlen(text_of[7])};
    mdlz_index_need ok = {5, g5.history, &d3, 1, NULL};
    mdlz_index_need bad_hist = {5, g5.history ^ 1, NULL, 0, NULL};
    mdlz_index_need future = {9, g5.history, NULL, 0, NULL};
    mdlz_index_need gone = {-1, 0, &d7, 1, NULL};
    char err[512];
    check(mdlz_index_need_check(ix, &ok, err, sizeof err) == 0,
          "need: generation 5 and a re-added document (%s)", err);
    check(mdlz_index_need_check(ix, &bad_hist, err, sizeof err) == -1 &&
              strstr(err, "another index"),
          "need: another history (%s)", err);
    check(mdlz_index_need_check(ix, &future, err, sizeof err) == -1 &&
              strstr(err, "generation 9 needed"),
          "need: a generation the index does not have (%s)", err);
    check(mdlz_index_need_check(ix, &gone, err, sizeof err) == -1 &&
              strstr(err, "gc purged it: was 7 doc") &&
              strstr(err, "brings it back"),
          "need: a purged document, named (%s)", err);
    for (int id = 1; id <= MAXD; id++) free(text_of[id]);
    mdlz_index_close(ix);
}

/* Two indexes of the same texts added in another order differ in history
 * from the first generation on; in the same order they agree. */
static void test_history(void) {
    mdlz_index *a = open_new("ha.db"), *b = open_new("hb.db"),
               *c = open_new("hc.db");
    char *t0 = gen_text(0), *t1 = gen_text(1);
    add_text(a, "x", t0, NULL);
    add_text(a, "y", t1, NULL);
    add_text(b, "y", t1, NULL);
    add_text(b, "x", t0, NULL);
    add_text(c, "other name", t0, NULL);
    add_text(c, "y", t1, NULL);
    check(history(a) != history(b) && generation(a) == generation(b),
          "history: the same texts in another order differ");
    check(history(a) == history(c),
          "history: the same texts in the same order agree (names do not "
          "count)");
    free(t0);
    free(t1);
    mdlz_index_close(a);
    mdlz_index_close(b);
    mdlz_index_close(c);
}

/* Two stored documents of one size whose hashes share the 48-bit content
 * key (forced here: a real pair is ~2^-48 likely) make the lookup by
 * content an error, never a guess. */
static void test_key_clash(void) {
    mdlz_index *ix = open_new("clash.db");
    const char *a = "first text of thirty-two bytes.", *b = "other text of "
                                                            "thirty-two bytes";
    add_text(ix, "a", a, NULL);
    add_text(ix, "b", b, NULL);
    mdlz_index_close(ix);
    uint64_t ha = XXH3_64bits(a, strlen(a));
    char path[600], err[512], sql[200];
    sqlite3 *db;
    tmp_path(path, sizeof path, "clash.db");
    sqlite3_open(path, &db);
    snprintf(sql, sizeof sql,
             "UPDATE documents SET hash = %lld, size = %zu WHERE id = 2",
             (long long)(ha ^ 1), strlen(a));
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    mdlz_index_open(&ix, path, MDLZ_INDEX_READ, err, sizeof err);
    uint8_t *body;
    size_t len;
    int64_t id;
    check(mdlz_index_get_content(ix, ha, strlen(a), &body, &len, err,
                                 sizeof err) == -1 &&
              strstr(err, "same size and content key") && body == NULL,
          "content key shared by two documents: an error (%s)", err);
    check(mdlz_index_find(ix, ha, strlen(a), &id) == -1,
          "content key shared: find fails too");
    mdlz_index_close(ix);
}

int main(int argc, char **argv) {
    if (tmp_setup(argc > 1 ? argv[1] : NULL)) return 99;
    test_generations();
    test_history();
    test_key_clash();
    tmp_cleanup();
    return check_finish();
}
