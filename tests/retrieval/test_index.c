/*
 * test_index.c - the retrieval index API (retrieval/index.h): open modes
 * and refusals, add (duplicates, binary rule, size limit), get (hash
 * checks, damaged bodies), remove, transactions, read snapshots, the
 * generations and history hashes, stats and search. mdlz_index_select() and the
 * term tables it reads are tested in test_select.c.
 *
 * Usage: test_index [TMPDIR]. Prints "ok - ..." / "not ok - ..." per case
 * and "N passed, M failed".
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "internal.h" /* ret_terms_verify */
#include "rettest.h"

/* ---- open ------------------------------------------------------------------ */

static void test_open(void) {
    char path[600], err[512];
    mdlz_index *ix = (mdlz_index *)1;
    tmp_path(path, sizeof path, "missing.db");
    remove_db(path);
    check(mdlz_index_open(&ix, path, MDLZ_INDEX_READ, err, sizeof err) == -1 &&
              ix == NULL && strstr(err, "no such index"),
          "open: MDLZ_INDEX_READ of a missing file fails (%s)", err);
    check(access(path, F_OK) != 0, "open: MDLZ_INDEX_READ creates nothing");
    check(mdlz_index_open(&ix, path, MDLZ_INDEX_WRITE, err, sizeof err) == -1,
          "open: MDLZ_INDEX_WRITE of a missing file fails");

    tmp_path(path, sizeof path, "garbage.db");
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 2000; i++) fputs("not a database ", f);
    fclose(f);
    check(mdlz_index_open(&ix, path, MDLZ_INDEX_READ, err, sizeof err) == -1 &&
              strstr(err, "not an mdlz index"),
          "open: a non-SQLite file is refused (%s)", err);
    check(mdlz_index_open(&ix, path, MDLZ_INDEX_CREATE, err, sizeof err) == -1,
          "open: MDLZ_INDEX_CREATE refuses a non-SQLite file");

    sqlite3 *db;
    tmp_path(path, sizeof path, "other.db");
    remove_db(path);
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    check(mdlz_index_open(&ix, path, MDLZ_INDEX_CREATE, err, sizeof err) ==
                  -1 &&
              strstr(err, "not an mdlz index"),
          "open: MDLZ_INDEX_CREATE refuses another application's database (%s)",
          err);
    check(mdlz_index_open(&ix, path, 7, err, sizeof err) == -1,
          "open: a bad mode is refused");
    mdlz_index_close(NULL);
    check(1, "close: NULL is a no-op");

    tmp_path(path, sizeof path, "empty.db");
    remove_db(path);
    mdlz_index *w = open_new("empty.db");
    mdlz_index_close(w);
    int ok = mdlz_index_open(&ix, path, MDLZ_INDEX_READ, err, sizeof err) == 0;
    check(ok, "open: MDLZ_INDEX_READ of a created index works (%s)",
          ok ? "" : err);
    if (ok) {
        int dup;
        check(add_text(ix, "x", "some text", &dup) == -1 &&
                  strstr(mdlz_index_errmsg(ix), "read-only"),
              "add: refused on a read-only handle");
        check(history(ix) == XXH3_64bits("", 0) && generation(ix) == 0,
              "history: empty index = generation 0, XXH3_64 of nothing");
        mdlz_index_close(ix);
    }
}

/* ---- add, duplicates, text rule, size limit ---------------------------- */

static void test_add(void) {
    mdlz_index *ix = open_new("add.db");
    int dup = -1;
    uint64_t fp0 = history(ix);
    int64_t a = add_text(ix, "a.txt", "the quick brown fox", &dup);
    check(a == 1 && dup == 0, "add: first document gets id 1");
    uint64_t fp1 = history(ix);
    check(fp1 != fp0 && generation(ix) == 1, "history: changes on add");
    check(history(ix) == fp1, "history: stable without changes");
    int n;
    check(hist_reference(ix, &n) == fp1 && n == 1,
          "history: XXH3_64 chain over LE generation, (id, hash, size)");
    int64_t b = add_text(ix, "b.txt", "jumps over the lazy dog", &dup);
    check(b == 2 && dup == 0, "add: second document gets id 2");
    int64_t a2 = add_text(ix, "copy-of-a.txt", "the quick brown fox", &dup);
    check(a2 == 1 && dup == 1, "add: same content is a no-op (id of the "
                               "existing document)");
    check(count_docs(ix) == 2, "add: duplicate not stored");
    uint64_t fp2 = history(ix);
    check(fp2 != fp1 && hist_reference(ix, &n) == fp2 && n == 2 &&
              generation(ix) == 2,
          "history: matches the definition with two documents; a "
          "duplicate makes no generation");

    int64_t id;
    static const struct {
        const char *name;
        const char *body;
        size_t len;
    } binary[] = {
        {"nul", "abc\0def", 7},
        {"controls", "a\x01\x02\x03 plain text here", 23},
        {"late-nul", "plain text for a while, then\0", 29},
    };
    for (size_t i = 0; i < sizeof binary / sizeof binary[0]; i++) {
        int rc = mdlz_index_add_buffer(ix, binary[i].name,
                                       (const uint8_t *)binary[i].body,
                                       binary[i].len, NULL, &id, &dup);
        check(rc == -1 && strstr(mdlz_index_errmsg(ix), "binary") &&
                  strstr(mdlz_index_errmsg(ix), binary[i].name),
              "add: binary '%s' refused (%s)", binary[i].name,
              mdlz_index_errmsg(ix));
    }
    check(count_docs(ix) == 2 && history(ix) == fp2,
          "add: refused documents leave the index unchanged");
    mdlz_index_add_opts force = {0};
    force.force = 1;
    check(mdlz_index_add_buffer(ix, "nul", (const uint8_t *)"abc\0def", 7,
                                &force, &id, &dup) == 0 &&
              id == 3 && !dup,
          "add: --force adds a binary document");
    uint8_t *body;
    size_t len;
    check(mdlz_index_get(ix, 3, 0, &body, &len, NULL, 0) == 0 && len == 7 &&
              !memcmp(body, "abc\0def", 7),
          "get: binary document round trip");
    free(body);

    const char *utf8 = "na\xc3\xafve caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d"
                       " \xf0\x9f\x98\x80 tab\tnewline\n";
    check(mdlz_index_text_check((const uint8_t *)utf8, strlen(utf8), NULL) == 0,
          "text rule: UTF-8 with tabs and newlines is text");
    char ctl[200];
    memset(ctl, 'x', sizeof ctl);
    ctl[10] = 0x01; /* 1 control in 200 bytes: 0.5% */
    check(mdlz_index_text_check((uint8_t *)ctl, sizeof ctl, NULL) == 0,
          "text rule: 0.5%% control characters is text");
    ctl[20] = 0x02;
    ctl[30] = 0x7F; /* 3 in 200: 1.5% */
    check(mdlz_index_text_check((uint8_t *)ctl, sizeof ctl, NULL) == -1,
          "text rule: 1.5%% control characters is binary");
    static const struct {
        const char *name;
        const char *body;
        size_t len;
    } eight[] = {
        {"latin1", "caf\xe9 au lait", 12},
        {"overlong", "x\xc0\xaf", 3},
        {"surrogate", "\xed\xa0\x80", 3},
        {"truncated", "abc\xe2\x82", 5},
        {"cp1252", "\x93quoted\x94 \x80 5", 12},
    };
    for (size_t i = 0; i < sizeof eight / sizeof eight[0]; i++)
        check(mdlz_index_text_check((const uint8_t *)eight[i].body,
                                    eight[i].len, NULL) == 1,
              "text rule: '%s' (not UTF-8) is 8-bit text", eight[i].name);

    mdlz_index_add_opts small = {0};
    small.max_size = 10;
    check(mdlz_index_add_buffer(ix, "big", (const uint8_t *)"0123456789A", 11,
                                &small, &id, &dup) == -1 &&
              strstr(mdlz_index_errmsg(ix), "size limit"),
          "add: over --max-size refused (%s)", mdlz_index_errmsg(ix));
    check(mdlz_index_add_buffer(ix, "fits", (const uint8_t *)"0123456789", 10,
                                &small, &id, &dup) == 0 &&
              id == 4,
          "add: exactly --max-size accepted");
    check(add_text(ix, "empty", "", &dup) == 5, "add: an empty document");
    check(mdlz_index_add_buffer(ix, "latin1", (const uint8_t *)"caf\xe9", 4,
                                NULL, &id, &dup) == 0 &&
              id == 6 && mdlz_index_get(ix, 6, 0, &body, &len, NULL, 0) == 0 &&
              len == 4 && !memcmp(body, "caf\xe9", 4),
          "add: 8-bit text is added, its bytes unchanged");
    free(body);

    char name[64];
    check(mdlz_index_name(ix, 2, name, sizeof name) == 0 &&
              !strcmp(name, "b.txt"),
          "name: of id 2");
    check(mdlz_index_name(ix, 2, name, 3) == 0 && !strcmp(name, "b."),
          "name: truncated to the buffer");
    check(mdlz_index_name(ix, 99, name, sizeof name) == -1,
          "name: missing id fails");
    mdlz_index_close(ix);
}

/* ---- get --------------------------------------------------------------------- */

static void test_get(void) {
    mdlz_index *ix = open_new("get.db");
    const char *text = "Four score and seven years ago our fathers brought";
    int64_t id = add_text(ix, "gettysburg.txt", text, NULL);
    uint64_t h = XXH3_64bits(text, strlen(text));
    uint8_t *body;
    size_t len;
    char err[512];
    check(mdlz_index_get(ix, id, h, &body, &len, err, sizeof err) == 0 &&
              len == strlen(text) && !memcmp(body, text, len),
          "get: body with the expected hash");
    free(body);
    check(mdlz_index_get(ix, id, 0, &body, &len, err, sizeof err) == 0,
          "get: expected_hash 0 skips the comparison");
    free(body);
    check(mdlz_index_get(ix, id, h ^ 1, &body, &len, err, sizeof err) == -1 &&
              body == NULL && strstr(err, "has changed") &&
              strstr(err, "gettysburg.txt") && strstr(err, "document 1"),
          "get: hash mismatch names the document (%s)", err);
    check(mdlz_index_get(ix, 42, h, &body, &len, err, sizeof err) == -1 &&
              strstr(err, "42") && strstr(err, "not in the index"),
          "get: missing document (%s)", err);
    mdlz_index_close(ix);

    /* damage the stored body behind the index's back */
    char path[600];
    sqlite3 *db;
    tmp_path(path, sizeof path, "get.db");
    sqlite3_open(path, &db);
    sqlite3_exec(db, "UPDATE documents SET body = x'28b52ffd0000' WHERE id = 1",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    mdlz_index_open(&ix, path, MDLZ_INDEX_READ, err, sizeof err);
    check(mdlz_index_get(ix, 1, h, &body, &len, err, sizeof err) == -1 &&
              strstr(err, "damaged") && strstr(err, "gettysburg.txt"),
          "get: damaged body is an error (%s)", err);
    mdlz_index_close(ix);
    int removed = -1;
    mdlz_index_open(&ix, path, MDLZ_INDEX_WRITE, err, sizeof err);
    check(mdlz_index_remove(ix, 1, NULL, &removed) == -1 && removed == 0 &&
              strstr(mdlz_index_errmsg(ix), "cannot remove") &&
              count_docs(ix) == 1,
          "rm: a damaged document is not removed (%s)", mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
}

/* ---- remove, transactions ------------------------------------------------ */

static void test_remove(void) {
    mdlz_index *ix = open_new("rm.db");
    add_text(ix, "one", "alpha beta gamma", NULL);
    add_text(ix, "two", "delta epsilon", NULL);
    add_text(ix, "two", "zeta eta theta", NULL);
    uint64_t fp = history(ix);
    int removed = -1;
    check(mdlz_index_remove(ix, 1, NULL, &removed) == 0 && removed == 1,
          "rm: by id");
    uint64_t fp_rm = history(ix);
    check(fp_rm != fp, "history: changes on rm");
    check(mdlz_index_search(ix, "alpha", 0, 10, NULL, NULL) == 0,
          "rm: terms gone from the full-text index");
    check(mdlz_index_remove(ix, -1, "two", &removed) == 0 && removed == 2 &&
              count_docs(ix) == 0,
          "rm: by name removes every document of that name");
    check(mdlz_index_remove(ix, 7, NULL, &removed) == 0 && removed == 0,
          "rm: missing id removes nothing");
    int64_t id = add_text(ix, "one", "alpha beta gamma", NULL);
    check(id == 4, "add after rm: ids are never reused (got %lld)",
          (long long)id);
    mdlz_index_summary s;
    memset(&s, 0, sizeof s);
    int st = mdlz_index_stats(ix, &s);
    check(st == 0 && s.documents == 1 && s.terms == 3,
          "stats: vocabulary holds only live documents' terms (%llu)",
          (unsigned long long)s.terms);

    /* binary documents (NUL, invalid UTF-8) come out of FTS5 cleanly */
    mdlz_index_add_opts force = {0};
    force.force = 1;
    int64_t bin_id, l1_id;
    int dup;
    mdlz_index_add_buffer(ix, "nul", (const uint8_t *)"abc\0def ghi", 11,
                          &force, &bin_id, &dup);
    mdlz_index_add_buffer(ix, "latin1", (const uint8_t *)"caf\xe9 au lait", 12,
                          &force, &l1_id, &dup);
    check(mdlz_index_remove(ix, bin_id, NULL, &removed) == 0 && removed == 1 &&
              mdlz_index_remove(ix, l1_id, NULL, &removed) == 0 && removed == 1,
          "rm: binary documents added with --force");
    char path[600];
    sqlite3 *db;
    tmp_path(path, sizeof path, "rm.db");
    int integrity = sqlite3_open(path, &db) == SQLITE_OK &&
                    sqlite3_exec(db,
                                 "INSERT INTO documents_fts(documents_fts) "
                                 "VALUES('integrity-check')",
                                 NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    check(integrity, "rm: FTS5 integrity-check passes after removals");
    memset(&s, 0, sizeof s);
    st = mdlz_index_stats(ix, &s);
    check(st == 0 && s.documents == 1 && s.terms == 3,
          "rm: no terms of removed binary documents remain");

    /* one transaction: good document, then a failure => nothing */
    uint64_t before = history(ix);
    mdlz_index_begin(ix);
    add_text(ix, "new", "brand new words", NULL);
    char missing[600];
    tmp_path(missing, sizeof missing, "does-not-exist.txt");
    int rc = mdlz_index_add_path(ix, missing, NULL, NULL, NULL);
    check(rc == -1 && strstr(mdlz_index_errmsg(ix), "does-not-exist"),
          "add: missing file fails (%s)", mdlz_index_errmsg(ix));
    mdlz_index_rollback(ix);
    check(history(ix) == before && count_docs(ix) == 1 &&
              mdlz_index_search(ix, "brand", 0, 10, NULL, NULL) == 0,
          "transaction: rollback leaves the index as it was");
    mdlz_index_begin(ix);
    add_text(ix, "new", "brand new words", NULL);
    check(mdlz_index_commit(ix) == 0 && count_docs(ix) == 2,
          "transaction: commit keeps the documents");
    mdlz_index_close(ix);

    /* a write failing halfway: a trigger lets the documents row in, then
     * fails the statement (RAISE(FAIL) keeps the row) */
    tmp_path(path, sizeof path, "rm.db");
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "CREATE TRIGGER boom AFTER INSERT ON documents "
                 "WHEN NEW.name = 'boom' BEGIN SELECT RAISE(FAIL, 'boom'); "
                 "END",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    char err[512];
    mdlz_index_open(&ix, path, MDLZ_INDEX_WRITE, err, sizeof err);
    before = history(ix);
    check(add_text(ix, "boom", "exploding words", NULL) == -1 &&
              history(ix) == before && count_docs(ix) == 2,
          "add: failing halfway outside a transaction stores nothing (%s)",
          mdlz_index_errmsg(ix));
    mdlz_index_begin(ix);
    add_text(ix, "fine", "perfectly fine words", NULL);
    check(add_text(ix, "boom", "exploding words", NULL) == -1,
          "add: failing halfway inside a transaction");
    check(mdlz_index_commit(ix) == -1 &&
              strstr(mdlz_index_errmsg(ix), "rolled back") &&
              history(ix) == before && count_docs(ix) == 2,
          "transaction: commit after a halfway failure rolls back (%s)",
          mdlz_index_errmsg(ix));
    mdlz_index_begin(ix);
    add_text(ix, "fine", "perfectly fine words", NULL);
    check(mdlz_index_commit(ix) == 0 && count_docs(ix) == 3,
          "transaction: the next one commits");
    check(ret_terms_verify(ix) == 0,
          "term tables: in step after adds, rms, rollbacks and a failed "
          "commit (%s)",
          mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
}

/* ---- snapshots ---------------------------------------------------------- */

static void test_pin(void) {
    mdlz_index *w = open_new("pin.db"), *r;
    char path[600], err[512];
    add_text(w, "one", "granite basalt marble", NULL);
    tmp_path(path, sizeof path, "pin.db");
    if (mdlz_index_open(&r, path, MDLZ_INDEX_READ, err, sizeof err)) {
        check(0, "pin: open reader (%s)", err);
        mdlz_index_close(w);
        return;
    }
    mdlz_index_gen g0, g1;
    check(mdlz_index_pin(r, &g0) == 0 && g0.history == history(w) &&
              g0.gen == 1,
          "pin: snapshot generation");
    uint64_t fp0 = g0.history;
    check(mdlz_index_pin(r, &g1) == -1, "pin: twice is an error");
    int64_t id = add_text(w, "two", "granite quarry granite", NULL);
    mdlz_index_docref ref[4];
    const char *q = "granite";
    int n = mdlz_index_select(r, -1, (const uint8_t *)q, strlen(q), 4, 4,
                              UINT64_MAX, NULL, 0, ref);
    check(history(r) == fp0 && n == 1 && ref[0].id == 1,
          "pin: a concurrent add is not seen while pinned");
    mdlz_index_unpin(r);
    n = mdlz_index_select(r, -1, (const uint8_t *)q, strlen(q), 4, 4,
                          UINT64_MAX, NULL, 0, ref);
    check(history(r) == history(w) && history(r) != fp0 && n == 2 &&
              ref[0].id == id,
          "pin: seen after unpin");
    mdlz_index_close(r);
    mdlz_index_close(w);
}

/* ---- search and listing ----------------------------------------------------- */

typedef struct {
    int n;
    int64_t first;
    char snippet[600];
} hits;

static int on_hit(void *user, const mdlz_index_hit *h) {
    hits *x = user;
    if (x->n++ == 0) {
        x->first = h->id;
        snprintf(x->snippet, sizeof x->snippet, "%s", h->snippet);
    }
    return 0;
}

static void test_search(void) {
    mdlz_index *ix = open_new("search.db");
    add_text(ix, "a", "Lorem ipsum dolor sit amet, consectetur adipiscing",
             NULL);
    add_text(ix, "b", "The Quick brown fox jumps over the lazy dog", NULL);
    add_text(ix, "c", "quick quick quick: a fox is quick", NULL);
    hits h = {0, 0, ""};
    int n = mdlz_index_search(ix, "QUICK fox", 0, 10, on_hit, &h);
    check(n == 2 && h.n == 2 && h.first == 3,
          "search: AND of words, best BM25 first");
    check(strstr(h.snippet, "[quick]") && strstr(h.snippet, "[fox]"),
          "search: snippet marks the words (%s)", h.snippet);
    memset(&h, 0, sizeof h);
    n = mdlz_index_search(ix, "dolor fox", 1, 10, on_hit, &h);
    check(n == 3, "search: --or matches any word");
    memset(&h, 0, sizeof h);
    n = mdlz_index_search(ix, "quick", 0, 1, on_hit, &h);
    check(n == 1, "search: limit");
    check(mdlz_index_search(ix, "  ,;  ", 0, 10, on_hit, &h) == -1,
          "search: a query without words is an error");
    check(mdlz_index_search(ix, "\"or\" AND NEAR(", 0, 10, on_hit, &h) >= 0,
          "search: FTS5 syntax characters are only words");
    mdlz_index_close(ix);
}

int main(int argc, char **argv) {
    if (tmp_setup(argc > 1 ? argv[1] : NULL)) return 99;
    test_open();
    test_add();
    test_get();
    test_remove();
    test_pin();
    test_search();
    tmp_cleanup();
    return check_finish();
}
