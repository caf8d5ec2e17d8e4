/*
 * test_statemap.c - bit-history states and StateMaps (engine/model/statemap.h).
 *
 * bh_init() must build a consistent machine: state 0 is the empty history,
 * the states reachable from it have distinct (n0, n1) pairs, their next
 * states are reachable states, a bit never lowers its own count or raises
 * the other one, long runs reach a large count with the other count zero.
 * The reciprocal table is 65536 / (n + 1.5). sm_learn() and
 * sm_learn_fixed() converge to the frequency of a biased source and keep p
 * inside (0, 1); sm_init() seeds states from counts.
 */
#include "statemap.h"
#include "unit.h"

/* Marks the states reachable from state 0; returns how many there are. */
static int reachable(const bh_table *t, uint8_t seen[BH_STATES]) {
    int stack[BH_STATES], sp = 0, n = 0;
    memset(seen, 0, BH_STATES);
    seen[0] = 1;
    stack[sp++] = 0;
    while (sp) {
        int s = stack[--sp];
        n++;
        for (int y = 0; y < 2; y++) {
            int ns = t->next[s][y];
            if (!seen[ns]) {
                seen[ns] = 1;
                stack[sp++] = ns;
            }
        }
    }
    return n;
}

static void test_machine(const bh_table *t) {
    check(t->n0[0] == 0 && t->n1[0] == 0, "state 0 is the empty history");
    int a = t->next[0][0], b = t->next[0][1];
    check(t->n0[a] == 1 && t->n1[a] == 0 && t->n0[b] == 0 && t->n1[b] == 1,
          "state 0 goes to (1,0) on a 0 and (0,1) on a 1");

    uint8_t seen[BH_STATES];
    int n = reachable(t, seen);
    check(n > 100 && n <= BH_STATES, "%d states reachable from state 0", n);

    int dup = 0;
    for (int s = 0; s < BH_STATES; s++)
        for (int u = s + 1; u < BH_STATES; u++)
            if (seen[s] && seen[u] && t->n0[s] == t->n0[u] &&
                t->n1[s] == t->n1[u])
                dup++;
    check(dup == 0,
          "reachable states have distinct (n0, n1) pairs (%d "
          "duplicates)",
          dup);

    /* Every defined state (state 0, or nonzero counts), reachable or not:
     * its successors are defined states other than 0, a bit never lowers
     * its own count nor raises the other one. */
    int defined = 0, bad_dir = 0, stuck = 0, bad_next = 0;
    for (int s = 0; s < BH_STATES; s++) {
        if (s != 0 && t->n0[s] == 0 && t->n1[s] == 0) continue;
        defined++;
        for (int y = 0; y < 2; y++) {
            int ns = t->next[s][y];
            int own = y ? t->n1[s] : t->n0[s], own2 = y ? t->n1[ns] : t->n0[ns];
            int oth = y ? t->n0[s] : t->n1[s], oth2 = y ? t->n0[ns] : t->n1[ns];
            if (own2 < own || oth2 > oth) {
                if (bad_dir++ < 5)
                    printf("# state %d (%d,%d) --%d--> %d (%d,%d)\n", s,
                           t->n0[s], t->n1[s], y, ns, t->n0[ns], t->n1[ns]);
            }
            /* the bit's count grows unless it is already at its cap */
            if (own2 == own && oth2 == oth) stuck++;
            if (ns == 0 || (t->n0[ns] == 0 && t->n1[ns] == 0)) bad_next++;
        }
    }
    check(defined >= n, "%d states defined, %d of them reachable", defined, n);
    check(bad_dir == 0,
          "a bit never lowers its own count nor raises the "
          "other (%d violations)",
          bad_dir);
    check(bad_next == 0,
          "every transition leads to a defined, nonempty "
          "state (%d do not)",
          bad_next);
    check(stuck < defined / 4, "%d of %d transitions are at a count cap", stuck,
          2 * defined);

    /* long runs */
    for (int y = 0; y < 2; y++) {
        int s = 0;
        for (int i = 0; i < 1000; i++) s = t->next[s][y];
        int own = y ? t->n1[s] : t->n0[s], oth = y ? t->n0[s] : t->n1[s];
        check(own >= 30 && oth == 0 && t->next[s][y] == s,
              "1000 %ds in a row: state %d with n%d = %d, n%d = %d, fixed "
              "point",
              y, s, y, own, !y, oth);
        /* one opposite bit after the run: counted, and the run discounted */
        int u = t->next[s][!y];
        int own_u = y ? t->n1[u] : t->n0[u], oth_u = y ? t->n0[u] : t->n1[u];
        check(oth_u == 1 && own_u < own && own_u > 0,
              "after the run of %ds, a %d: n%d = %d, n%d = %d", y, !y, !y,
              oth_u, y, own_u);
    }
    /* alternating bits stay in low, balanced states */
    int s = 0, maxc = 0;
    for (int i = 0; i < 1000; i++) {
        s = t->next[s][i & 1];
        if (t->n0[s] > maxc) maxc = t->n0[s];
        if (t->n1[s] > maxc) maxc = t->n1[s];
    }
    check(maxc <= 4 && abs(t->n0[s] - t->n1[s]) <= 1,
          "alternating bits: counts stay small and balanced (max %d)", maxc);

    /* undefined states (after the defined ones) behave like the empty one */
    int unused_ok = 1;
    for (int u = defined; u < BH_STATES; u++)
        unused_ok &= t->n0[u] == 0 && t->n1[u] == 0 && t->next[u][0] == 0 &&
                     t->next[u][1] == 0;
    check(unused_ok, "the %d undefined states are empty and lead to state 0",
          BH_STATES - defined);

    int rec_bad = 0;
    for (int i = 0; i < 1024; i++) {
        double want = 65536.0 / (i + 1.5);
        if (fabs(t->rec[i] - want) > 1.0) rec_bad++;
    }
    check(rec_bad == 0 && t->rec[0] == 43691,
          "rec[n] = round(65536 / (n + 1.5)) (rec[0] = %d)", t->rec[0]);
}

/* Probability in [0, 1] held by a StateMap entry. */
static double entry_p(uint32_t e) { return (double)(e >> 10) / (1 << 22); }

static void test_learn(const bh_table *t) {
    static const double freq[] = {0.5, 0.3, 0.9, 0.02, 0.999};
    static const uint32_t limits[] = {1023, 255, 127};
    for (size_t li = 0; li < sizeof limits / sizeof limits[0]; li++)
        for (size_t fi = 0; fi < sizeof freq / sizeof freq[0]; fi++) {
            rng r;
            rng_seed(&r, 3 + fi);
            uint32_t e = (uint32_t)1 << 31; /* p = 1/2, n = 0 */
            uint32_t num = (uint32_t)(freq[fi] * 100000 + 0.5);
            /* the average of p over the second half of the run */
            double avg = 0;
            const int total = 400000;
            int ones = 0;
            for (int i = 0; i < total; i++) {
                int bit = rng_bernoulli(&r, num, 100000);
                ones += bit;
                sm_learn(&e, t->rec, limits[li], bit);
                if (i >= total / 2) avg += entry_p(e);
            }
            avg /= total / 2;
            double tol = limits[li] >= 1023 ? 0.01 : 0.02;
            check(fabs(avg - freq[fi]) < tol && (e & 1023) == limits[li],
                  "sm_learn, limit %u: source p = %.3f -> average p %.4f "
                  "(empirical %.4f), count %u",
                  limits[li], freq[fi], avg, (double)ones / total, e & 1023);
        }

    /* the first update moves p two thirds of the way (1 / (0 + 1.5)) */
    uint32_t e = (uint32_t)1 << 31;
    sm_learn(&e, t->rec, 1023, 1);
    double p = entry_p(e);
    check(fabs(p - (0.5 + 0.5 * 2.0 / 3.0)) < 0.001 && (e & 1023) == 1,
          "first update: 1/2 -> %.4f after a 1 (5/6 expected)", p);

    /* long runs keep p inside (0, 1) */
    for (int y = 0; y < 2; y++) {
        e = (uint32_t)1 << 31;
        for (int i = 0; i < 100000; i++) sm_learn(&e, t->rec, 1023, y);
        uint32_t raw = e >> 10;
        check(y ? raw < (1u << 22) && raw > (1u << 22) - 4096 : raw < 4096,
              "a run of 100000 %ds: p = %u / 2^22", y, raw);
    }
}

static void test_learn_fixed(void) {
    static const double freq[] = {0.5, 0.2, 0.95};
    for (int shift = 2; shift <= 7; shift += 5)
        for (size_t fi = 0; fi < sizeof freq / sizeof freq[0]; fi++) {
            rng r;
            rng_seed(&r, 30 + fi);
            uint32_t e = (uint32_t)1 << 21; /* p = 1/2 */
            uint32_t num = (uint32_t)(freq[fi] * 100000 + 0.5);
            double avg = 0;
            const int total = 200000;
            for (int i = 0; i < total; i++) {
                sm_learn_fixed(&e, rng_bernoulli(&r, num, 100000), shift);
                if (i >= total / 2) avg += (double)e / (1 << 22);
            }
            avg /= total / 2;
            check(fabs(avg - freq[fi]) < 0.01,
                  "sm_learn_fixed, rate 2^-%d: source p = %.3f -> average p "
                  "%.4f",
                  shift, freq[fi], avg);
        }
    for (int y = 0; y < 2; y++) {
        uint32_t e = (uint32_t)1 << 21; /* p = 1/2 */
        for (int i = 0; i < 10000; i++) sm_learn_fixed(&e, y, 4);
        uint32_t raw = e;
        check(y ? raw < (1u << 22) && raw >= (1u << 22) - 64 : raw < 64,
              "sm_learn_fixed: a run of 10000 %ds: p = %u / 2^22, in range", y,
              raw);
    }
}

static void test_sm_init(const bh_table *t) {
    statemap m;
    mdlz_status st = sm_init(&m, 2 * BH_STATES, 1023, t, 1);
    if (!check(st == MDLZ_OK, "sm_init from states (%s)", mdlz_strerror(st)))
        return;
    int bad = 0;
    for (int i = 0; i < 2 * BH_STATES; i++) {
        int s = i % BH_STATES, a = t->n0[s], b = t->n1[s];
        double want = (2.0 * b + 1) / (2.0 * (a + b) + 2);
        double got = entry_p(m.t[i]);
        if (fabs(got - want) > 1e-5 || (m.t[i] & 1023) != 0) bad++;
    }
    check(bad == 0,
          "sm_init: context i starts at (n1 + 1/2) / (n + 1) of "
          "state i %% 256 (%d bad)",
          bad);
    int s1 = t->next[t->next[0][1]][1]; /* (0, 2) */
    check(sm_p(&m, (size_t)s1) > 3000,
          "state after two 1s starts confident: %d / 4096",
          sm_p(&m, (size_t)s1));
    sm_update(&m, 0, 1);
    check(sm_p(&m, 0) > 2048 && sm_p(&m, BH_STATES) == 2048,
          "sm_update changes only its context");
    sm_free(&m);

    st = sm_init(&m, 100, 1023, t, 0);
    if (check(st == MDLZ_OK, "sm_init flat (%s)", mdlz_strerror(st))) {
        int flat = 1;
        for (int i = 0; i < 100; i++) flat &= sm_p(&m, (size_t)i) == 2048;
        check(flat, "sm_init without states starts every context at 1/2");
        sm_free(&m);
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    bh_table *t = xmalloc(sizeof *t);
    bh_init(t);
    test_machine(t);
    test_learn(t);
    test_learn_fixed();
    test_sm_init(t);
    free(t);
    return check_finish();
}
