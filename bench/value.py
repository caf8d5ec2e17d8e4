#!/usr/bin/env python3
"""value.py - which documents to index: `mdlz select` against its rivals
(python3, stdlib only; not a timed test).

For each collection under ../shared/corpus/collections (sotu, python-docs,
manpages), with the split of bench/retrieval.py (files sorted by relative
path, every 5th held out), an index is built from a budget of 20% of the
training bytes chosen:

  (a) by `mdlz select TRAINING... --budget 20%` (scored by mdlz's coding
      cost, targets = the training documents themselves);
  (b) at random: 5 seeds, each a shuffled order filled while documents fit;
  (c) ZIP-style (Entropy Law, Yin et al. 2024): greedy by zlib compression
      ratio; each round takes the K1 = 100 candidates of lowest ratio
      (original / compressed) alone, keeps the K2 = 10 that give the
      selection the lowest ratio when added, and adds them one by one
      (re-ranked after each), while they fit;
  (d) every training document (no budget).

and every held-out file is compressed on its own with `mdlz -R KB.db`; the
table gives the totals, (b) as mean and spread (min..max), the fraction of
(d)'s gain over no index that (a) reaches, and PASS/FAIL of the target
(a) < (b) mean and (a) < (c). Timing (CPU, user + system from wait4): the
select, and compressing the training documents once without an index (its
target: select <= 30x that).

With --value-cpu, also `mdlz value KB.db --heldout HELD...` on index (d),
its CPU against coding the held-out files with -R once (target <= 20x).

Usage: python3 bench/value.py [--collections sotu,...] [--level 5]
       [--jobs 2] [--limit N] [--mdlz PATH] [--out FILE] [--value-cpu]
--limit N keeps the first N documents (sorted) of each collection: a
stated subset when full runs take too long.
"""

import argparse
import concurrent.futures
import os
import random
import shutil
import sys
import tempfile
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import CORPUS, ROOT, run  # noqa: E402
from retrieval import list_documents, split  # noqa: E402

BUDGET = 0.20
SEEDS = 5
K1, K2 = 100, 10


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def zsize(b):
    return len(zlib.compress(b, 9))


def zip_select(paths, budget):
    """ZIP-style greedy by zlib compression ratio (see the docstring)."""
    data = {p: open(p, "rb").read() for p in paths}
    alone = {p: len(data[p]) / max(1, zsize(data[p])) for p in paths}
    chosen, used = [], 0
    sel = zlib.compressobj(9)
    sel_raw = sel_comp = 0
    left = [p for p in paths if len(data[p]) <= budget]

    def union_ratio(p):
        c = sel.copy()
        n = len(c.compress(data[p])) + len(c.flush())
        return (sel_raw + len(data[p])) / max(1, sel_comp + n), p

    while left:
        pool = sorted(left, key=lambda p: (alone[p], p))[:K1]
        local = [p for _, p in sorted(union_ratio(p) for p in pool)[:K2]]
        added = False
        while local:
            _, best = min(union_ratio(p) for p in local)
            local.remove(best)
            left.remove(best)
            if used + len(data[best]) > budget:
                continue
            chosen.append(best)
            used += len(data[best])
            sel_comp += len(sel.compress(data[best]))
            sel_raw += len(data[best])
            added = True
        left = [p for p in left if used + len(data[p]) <= budget]
        if not added and not left:
            break
    return chosen


def random_select(paths, budget, seed):
    order = list(paths)
    random.Random(seed).shuffle(order)
    chosen, used = [], 0
    for p in order:
        n = os.path.getsize(p)
        if used + n <= budget:
            chosen.append(p)
            used += n
    return chosen


def build_index(mdlz, db, paths, tmp):
    lst = db + ".list"
    with open(lst, "w") as f:
        f.write("\n".join(paths))
    run([mdlz, "index", "add", "-q", db] + sorted(paths), os.devnull, cwd=tmp)


def heldout_total(mdlz, level, db, held, tmp, jobs):
    def one(i):
        out = os.path.join(tmp, "h%d.mdlz" % i)
        argv = [mdlz, "-%d" % level, "-q", "-c"] + (["-R", db] if db else []) + [held[i]]
        _, cpu = run(argv, out, cwd=tmp)
        n = os.path.getsize(out)
        os.unlink(out)
        return n, cpu
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        res = list(ex.map(one, range(len(held))))
    return sum(n for n, _ in res), sum(c for _, c in res)


def collection(name, args, out):
    root = os.path.join(CORPUS, "collections", name)
    rels = list_documents(root)
    if args.limit:
        rels = rels[:args.limit]
    train_rel, held_rel = split(rels)
    train = [os.path.join(root, r) for r in train_rel]
    held = [os.path.join(root, r) for r in held_rel]
    tbytes = sum(os.path.getsize(p) for p in train)
    budget = int(tbytes * BUDGET)
    tmp = tempfile.mkdtemp(prefix="mdlz-value-")
    mdlz = args.mdlz
    res = {}
    try:
        log("%s: %d training (%d bytes), %d held out; budget %d bytes"
            % (name, len(train), tbytes, len(held), budget))
        # the baseline of the timing target: every training document once
        _, once_cpu = heldout_total(mdlz, args.level, None, train, tmp, args.jobs)
        # (a) mdlz select
        lst = os.path.join(tmp, "a.txt")
        dba = os.path.join(tmp, "a.db")
        _, sel_cpu = run([mdlz, "select", "-%d" % args.level, "-q"] + train +
                         ["--budget", "20%", "-o", lst, "--index", dba],
                         os.devnull, cwd=tmp)
        picked = open(lst).read().split("\n")
        picked = [p for p in picked if p]
        res["a"] = heldout_total(mdlz, args.level, dba, held, tmp, args.jobs)[0]
        a_bytes = sum(os.path.getsize(p) for p in picked)
        log("  (a) select: %d docs, %d bytes, %.1f s CPU (%.1fx once); held-out %d"
            % (len(picked), a_bytes, sel_cpu, sel_cpu / once_cpu, res["a"]))
        # (b) random
        rb = []
        for seed in range(SEEDS):
            db = os.path.join(tmp, "b%d.db" % seed)
            build_index(mdlz, db, random_select(train, budget, seed), tmp)
            rb.append(heldout_total(mdlz, args.level, db, held, tmp, args.jobs)[0])
            log("  (b) seed %d: held-out %d" % (seed, rb[-1]))
        # (c) ZIP
        db = os.path.join(tmp, "c.db")
        zc = zip_select(train, budget)
        build_index(mdlz, db, zc, tmp)
        res["c"] = heldout_total(mdlz, args.level, db, held, tmp, args.jobs)[0]
        log("  (c) zip: %d docs; held-out %d" % (len(zc), res["c"]))
        # (d) all, and no index
        db = os.path.join(tmp, "d.db")
        build_index(mdlz, db, train, tmp)
        res["d"], d_cpu = heldout_total(mdlz, args.level, db, held, tmp, args.jobs)
        if args.value_cpu:
            # value --heldout on the full index against coding the held-out
            # files with it once (target <= 20x, issue 17)
            _, val_cpu = run([mdlz, "value", "-%d" % args.level, "-q", db,
                              "--heldout"] + held, os.devnull, cwd=tmp)
            log("  value --heldout: %.1f s CPU, -R once %.1f s" % (val_cpu, d_cpu))
        res["none"] = heldout_total(mdlz, args.level, None, held, tmp, args.jobs)[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mean = sum(rb) / len(rb)
    gain_d = res["none"] - res["d"]
    reach = (res["none"] - res["a"]) / gain_d if gain_d else float("nan")
    ok = res["a"] < mean and res["a"] < res["c"]
    lines = [
        "%s%s: %d training documents (%d bytes), %d held out (%d bytes); "
        "budget 20%% = %d bytes" % (name, " (first %d files)" % args.limit if args.limit else "",
                                    len(train), tbytes, len(held),
                                    sum(os.path.getsize(p) for p in held), budget),
        "  held-out -R totals (bytes), level %d:" % args.level,
        "    no index              %10d" % res["none"],
        "    (a) mdlz select       %10d   (%d docs, %d bytes)" % (res["a"], len(picked), a_bytes),
        "    (b) random x%d         %10.0f   (min %d .. max %d)" % (SEEDS, mean, min(rb), max(rb)),
        "    (c) ZIP (zlib ratio)  %10d   (%d docs)" % (res["c"], len(zc)),
        "    (d) all training      %10d" % res["d"],
        "  (a) reaches %.1f%% of (d)'s gain over no index; (a) < (b) and (a) < (c): %s"
        % (100 * reach, "PASS" if ok else "FAIL"),
        "  select CPU %.1f s = %.1fx compressing the training documents once (%.1f s); "
        "target <= 30x: %s" % (sel_cpu, sel_cpu / once_cpu, once_cpu,
                                "PASS" if sel_cpu <= 30 * once_cpu else "FAIL"),
    ]
    if args.value_cpu:
        lines.append("  value --heldout (index (d)) CPU %.1f s = %.1fx coding the held-out "
                     "files with -R once (%.1f s); target <= 20x: %s"
                     % (val_cpu, val_cpu / d_cpu, d_cpu,
                        "PASS" if val_cpu <= 20 * d_cpu else "FAIL"))
    for line in lines:
        print(line, file=out, flush=True)
        if out is not sys.stdout:
            print(line, flush=True)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--collections", default="sotu,python-docs,manpages")
    ap.add_argument("--level", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"))
    ap.add_argument("--out")
    ap.add_argument("--value-cpu", action="store_true",
                    help="also time `mdlz value --heldout` on the full index")
    args = ap.parse_args()
    out = open(args.out, "a") if args.out else sys.stdout
    ok = True
    for name in args.collections.split(","):
        ok &= collection(name, args, out)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
