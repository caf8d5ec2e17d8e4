#!/usr/bin/env python3
"""retrieval.py - the retrieval benchmark of mdlz (python3, stdlib only).

Does compressing a document against an index of related documents pay?

For each collection under ../shared/corpus/collections (sotu, python-docs,
manpages):

  * the files are listed recursively and sorted by relative path; every 5th
    one (the 5th, 10th, ... in that order) is held out, the rest indexed with
    `mdlz index add KB.db docs` (docs = a temporary tree of symbolic links
    mirroring the collection, so the walk order and names are the sorted
    relative paths; the add is timed: fastest wall of --index-repeat runs);
  * each held-out document is compressed on its own:
      (a)   mdlz -L                       no retrieval
      (b)   mdlz -L -R KB.db              retrieval, default mode (both)
      (b')  mdlz -L -R KB.db --retrieval=whole
      (b'') mdlz -L -R KB.db --retrieval=online
      (c)   zstd -19 -D DICT              DICT = `zstd --train` on the indexed
                                          documents (default size, 112640);
                                          only the .zst files are counted,
                                          the dictionary is reported apart
      (d)   zstd -19 --patch-from=REF     REF = the indexed document giving
                                          the smallest patch among the top 3
                                          hits of `mdlz index search --or`
                                          for the document's 10 most
                                          distinctive words (highest
                                          tf * log2(N / df) over the indexed
                                          documents, words = ASCII letter and
                                          digit runs, lowercased)
  * (e) the marginal cost of the held-out documents in a solid archive:
        size(tar(all documents) | xz -9e) - size(tar(indexed) | xz -9e),
        tar members in sorted order with fixed metadata.

Every output is decoded and compared byte for byte with the original (mdlz
(b) with -d -R KB.db); a mismatch or a failing command is reported loudly
and the exit status is 1.  Sizes count every byte of each output file.

Speeds are input bytes (never retrieved bytes) per second, MB = 10^6 bytes,
wall clock and CPU (user + system of the process and its threads, from
wait4).  Targets, printed as PASS/FAIL:

  * (b) <= 0.80 x (a) and (b) <= 0.85 x (c), on every collection;
  * compression with retrieval (b) at least 0.25 x the speed of (a), on the
    CPU time of all held-out documents (wall shown too; it is noisy on a
    loaded machine);
  * `mdlz index add` at least 20 MB/s of text (wall, fastest run).
(b) / (e) is printed for information.

Usage
-----
  python3 bench/retrieval.py [--collections sotu,python-docs,manpages]
        [--level 5] [--jobs 1] [--mdlz PATH] [--out FILE]

--mdlz defaults to build/cli/mdlz under the project root, as in bench.py.
"""

import argparse
import collections
import concurrent.futures
import filecmp
import io
import math
import os
import re
import shutil
import sys
import tarfile
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (CORPUS, ROOT, Failure, ensure_peers, fmt_row, mbs,  # noqa: E402
                   run, run_text, tool_versions)

COLLECTIONS_DIR = os.path.join(CORPUS, "collections")
DEFAULT_COLLECTIONS = "sotu,python-docs,manpages"
HOLD_OUT_EVERY = 5
SEARCH_WORDS = 10       # distinctive words in the query for (d)
SEARCH_HITS = 3         # candidates tried as --patch-from reference

T_VS_A = 0.80           # (b) <= 0.80 x (a)
T_VS_C = 0.85           # (b) <= 0.85 x (c)
T_SPEED = 0.25          # speed (b) >= 0.25 x speed (a)
T_INDEX_MBS = 20.0      # index add >= 20 MB/s

# method key -> row label; the mdlz ones get the level filled in
MDLZ_METHODS = [
    ("a", "(a)   mdlz -%d", []),
    ("b", "(b)   mdlz -%d -R", ["-R", "{kb}"]),
    ("bw", "(b')  mdlz -%d -R whole", ["-R", "{kb}", "--retrieval=whole"]),
    ("bo", "(b'') mdlz -%d -R online", ["-R", "{kb}", "--retrieval=online"]),
]
ZSTD_METHODS = [
    ("c", "(c)   zstd -19 -D dict"),
    ("d", "(d)   zstd -19 --patch-from"),
]
MDLZ_KEYS = [k for k, _, _ in MDLZ_METHODS]
ALL_KEYS = MDLZ_KEYS + [k for k, _ in ZSTD_METHODS]
SHORT = {"a": "a", "b": "b", "bw": "b'", "bo": "b''", "c": "c", "d": "d"}

WORD_RE = re.compile(rb"[A-Za-z0-9]+")
HIT_RE = re.compile(r"^\d+\. \[(\d+)\] (.*)  \(score [^,]*, (\d+) bytes\)$")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def same(a, b):
    return os.path.isfile(b) and filecmp.cmp(a, b, shallow=False)


def check_round_trip(what, orig, back):
    if not same(orig, back):
        got = os.path.getsize(back) if os.path.isfile(back) else "no file"
        raise Failure("ROUND TRIP MISMATCH (%s): decoded %s bytes, original %d bytes: %s"
                      % (what, got, os.path.getsize(orig), orig))


# --------------------------------------------------------------------------
# one collection
# --------------------------------------------------------------------------

def list_documents(root):
    """Relative paths of all regular files under root, sorted."""
    rels = []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p):
                rels.append(os.path.relpath(p, root))
    return sorted(rels)


def split(rels):
    """(indexed, held out): every HOLD_OUT_EVERY-th document is held out."""
    held = [r for i, r in enumerate(rels) if (i + 1) % HOLD_OUT_EVERY == 0]
    idx = [r for i, r in enumerate(rels) if (i + 1) % HOLD_OUT_EVERY != 0]
    return idx, held


def link_tree(src_root, rels, dst):
    for r in rels:
        p = os.path.join(dst, r)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(os.path.join(src_root, r), p)


def build_index(mdlz, work, repeat):
    """`mdlz index add KB.db docs`, repeat times into fresh files (the same
    index each time); return (KB.db path, fastest wall, CPU of that run)."""
    runs = []
    for k in range(max(1, repeat)):
        kb = os.path.join(work, "KB.db" if k == 0 else "kb%d.db" % k)
        runs.append(run([mdlz, "index", "add", "-q", kb, "docs"],
                        os.path.join(work, "add.out"), cwd=work))
        if k > 0:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(kb + suffix):
                    os.remove(kb + suffix)
    wall, cpu = min(runs)
    return os.path.join(work, "KB.db"), wall, cpu


def words(data):
    return [w.lower() for w in WORD_RE.findall(data)]


def document_frequencies(paths):
    df = collections.Counter()
    for p in paths:
        with open(p, "rb") as f:
            df.update(set(words(f.read())))
    return df


def distinctive_words(path, df, ndocs, k=SEARCH_WORDS):
    """The k words of the document with the highest tf * log2(N / df), among
    words present in the indexed documents (ties: the word, bytewise)."""
    with open(path, "rb") as f:
        tf = collections.Counter(words(f.read()))
    scored = [(-n * math.log2(ndocs / df[w]), w) for w, n in tf.items() if df[w]]
    return [w.decode("ascii") for _, w in sorted(scored)[:k]]


def search_hits(mdlz, kb, query, n=SEARCH_HITS):
    """Names of the top n indexed documents for `search --or`, best first."""
    if not query:
        return []
    out = run_text([mdlz, "index", "search", "-n", str(n), "--or", kb] + query)
    return [m.group(2) for m in map(HIT_RE.match, out.splitlines()) if m]


def zstd_long_flags(*sizes):
    """--long and -M only when a window above zstd's default 2^27 is needed
    (never for these collections: documents are below 1 MB)."""
    total = sum(sizes)
    if total <= 1 << 27:
        return [], []
    wlog = max(27, math.ceil(math.log2(total)))
    return ["--long=%d" % wlog], ["--long=%d" % wlog, "-M%dMB" % (2 ** (wlog - 20) + 1)]


def run_document(ctx, rel, job):
    """All methods on one held-out document; returns a result dict."""
    src = os.path.join(ctx["root"], rel)
    size = os.path.getsize(src)
    res = {"rel": rel, "size": size, "csize": {}, "ctime": {}, "ccpu": {},
           "dtime": {}, "ref": None, "ref_rank": None, "error": None}
    os.makedirs(job)
    try:
        mdlz, level, kb = ctx["mdlz"], ctx["level"], ctx["kb"]
        for key, _, extra in MDLZ_METHODS:
            z, back = os.path.join(job, key + ".mdlz"), os.path.join(job, key + ".back")
            opts = [x.format(kb=kb) for x in extra]
            wall, cpu = run([mdlz, "-%d" % level, "-c"] + opts + [src], z)
            res["csize"][key], res["ctime"][key], res["ccpu"][key] = os.path.getsize(z), wall, cpu
            dopts = ["-R", kb] if opts else []
            res["dtime"][key], _ = run([mdlz, "-d", "-c"] + dopts + [z], back)
            check_round_trip("mdlz %s" % " ".join(opts) if opts else "mdlz", src, back)

        z, back = os.path.join(job, "c.zst"), os.path.join(job, "c.back")
        run(["zstd", "-q", "-19", "-D", ctx["dict"], "-c", src], z)
        run(["zstd", "-q", "-d", "-D", ctx["dict"], "-c", z], back)
        check_round_trip("zstd -D", src, back)
        res["csize"]["c"] = os.path.getsize(z)

        # (d): the smallest patch among the top hits
        query = distinctive_words(src, ctx["df"], ctx["nindexed"])
        best = None
        for rank, name in enumerate(search_hits(mdlz, kb, query)):
            # names are as given to index add: docs/RELPATH
            ref = os.path.join(ctx["root"], os.path.relpath(name, "docs"))
            cflags, _ = zstd_long_flags(os.path.getsize(ref), size)
            z = os.path.join(job, "d%d.zst" % rank)
            run(["zstd", "-q", "-19"] + cflags + ["--patch-from=" + ref, "-c", src], z)
            if best is None or os.path.getsize(z) < best[0]:
                best = (os.path.getsize(z), rank, ref, z)
        if best is None:          # no word of the document is indexed
            z = os.path.join(job, "d.zst")
            run(["zstd", "-q", "-19", "-c", src], z)
            best = (os.path.getsize(z), None, None, z)
        csize, rank, ref, z = best
        back = os.path.join(job, "d.back")
        if ref:
            _, dflags = zstd_long_flags(os.path.getsize(ref), size)
            run(["zstd", "-q", "-d"] + dflags + ["--patch-from=" + ref, "-c", z], back)
        else:
            run(["zstd", "-q", "-d", "-c", z], back)
        check_round_trip("zstd --patch-from", src, back)
        res["csize"]["d"] = csize
        res["ref_rank"] = rank
        res["ref"] = os.path.relpath(ref, ctx["root"]) if ref else None
    except Failure as e:
        res["error"] = str(e)
    finally:
        shutil.rmtree(job, ignore_errors=True)
    return res


def tar_xz_size(root, rels, work, name):
    """Size of tar(rels, in this order, fixed metadata) | xz -9e -T1."""
    tpath = os.path.join(work, name + ".tar")
    with tarfile.open(tpath, "w", format=tarfile.GNU_FORMAT) as tar:
        for r in rels:
            p = os.path.join(root, r)
            info = tarfile.TarInfo(r)
            info.size, info.mode, info.mtime = os.path.getsize(p), 0o644, 0
            with open(p, "rb") as f:
                tar.addfile(info, f)
    xzpath = tpath + ".xz"
    wall, _ = run(["xz", "-9e", "-T1", "-c", tpath], xzpath)
    n = os.path.getsize(xzpath)
    os.remove(tpath)
    os.remove(xzpath)
    return n, wall


def run_collection(name, args, tmp_root):
    root = os.path.join(args.collections_dir, name)
    rels = list_documents(root)
    indexed, held = split(rels)
    work = os.path.join(tmp_root, name)
    os.makedirs(work)
    link_tree(root, indexed, os.path.join(work, "docs"))
    col = {"name": name, "ndocs": len(rels), "indexed": len(indexed), "held": len(held),
           "all_bytes": sum(os.path.getsize(os.path.join(root, r)) for r in rels),
           "idx_bytes": sum(os.path.getsize(os.path.join(root, r)) for r in indexed)}
    col["held_bytes"] = col["all_bytes"] - col["idx_bytes"]
    log("== %s: %d documents, %d indexed, %d held out" % (name, len(rels), len(indexed), len(held)))

    kb, wall, cpu = build_index(args.mdlz, work, args.index_repeat)
    col.update(add_wall=wall, add_cpu=cpu, kb_bytes=os.path.getsize(kb))
    log("  index add: %.2f s wall, %.2f s CPU (%.1f MB/s wall)"
        % (wall, cpu, mbs(col["idx_bytes"], wall)))

    dict_path = os.path.join(work, "dict")
    # zstd skips symbolic links: train on the original files
    wall, _ = run(["zstd", "--train"] + [os.path.join(root, r) for r in indexed]
                  + ["-o", dict_path], os.path.join(work, "train.out"))
    col.update(dict_bytes=os.path.getsize(dict_path), train_wall=wall)
    log("  zstd --train: %d bytes, %.1f s" % (col["dict_bytes"], wall))

    df = document_frequencies([os.path.join(root, r) for r in indexed])
    ctx = {"root": root, "work": work, "mdlz": args.mdlz, "level": args.level, "kb": kb,
           "dict": dict_path, "df": df, "nindexed": len(indexed)}
    results = [None] * len(held)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = {ex.submit(run_document, ctx, rel, os.path.join(work, "job%04d" % i)): i
                for i, rel in enumerate(held)}
        for done, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            r = results[futs[fut]] = fut.result()
            if r["error"]:
                log("  [%d/%d] %s FAILED: %s" % (done, len(held), r["rel"], r["error"]))
            else:
                log("  [%d/%d] %-40s %8d  a %7d  b %7d  c %7d  d %7d"
                    % (done, len(held), r["rel"], r["size"], r["csize"]["a"],
                       r["csize"]["b"], r["csize"]["c"], r["csize"]["d"]))
    col["docs"] = results

    base, w1 = tar_xz_size(root, indexed, work, "indexed")
    full, w2 = tar_xz_size(root, rels, work, "all")
    col.update(xz_indexed=base, xz_all=full, xz_wall=w1 + w2)
    log("  xz -9e: indexed %d, all %d, marginal %d" % (base, full, full - base))
    shutil.rmtree(work, ignore_errors=True)
    return col


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------

def totals(col):
    docs = [d for d in col["docs"] if not d["error"]]
    t = {"complete": len(docs) == len(col["docs"]),
         "size": sum(d["size"] for d in docs)}
    for k in ALL_KEYS:
        t[k] = sum(d["csize"][k] for d in docs)
    for k in MDLZ_KEYS:
        t["ctime_" + k] = sum(d["ctime"][k] for d in docs)
        t["ccpu_" + k] = sum(d["ccpu"][k] for d in docs)
        t["dtime_" + k] = sum(d["dtime"][k] for d in docs)
    t["e"] = col["xz_all"] - col["xz_indexed"]
    return t


def labels(level):
    lab = {k: l % level for k, l, _ in MDLZ_METHODS}
    lab.update(dict(ZSTD_METHODS))
    lab["e"] = "(e)   xz -9e solid, marginal"
    return lab


METHOD_HEAD = ["method", "bytes", "bits/byte", "vs (a)", "comp MB/s", "comp CPU MB/s",
               "decomp MB/s"]
METHOD_W = [28, 10, 9, 7, 9, 13, 11]


def method_table(t, lab, out):
    print(fmt_row(METHOD_HEAD, METHOD_W), file=out)
    for k in ALL_KEYS + ["e"]:
        cells = [lab[k], t[k], "%.3f" % (8.0 * t[k] / t["size"]), "%.3f" % (t[k] / t["a"])]
        if k in MDLZ_KEYS:
            cells += ["%.3f" % mbs(t["size"], t["ctime_" + k]),
                      "%.3f" % mbs(t["size"], t["ccpu_" + k]),
                      "%.3f" % mbs(t["size"], t["dtime_" + k])]
        print(fmt_row(cells, METHOD_W), file=out)


def doc_table(col, out):
    head = ["document", "bytes"] + [SHORT[k] for k in ALL_KEYS] + ["b/a", "d: reference (rank)"]
    w = max([8] + [len(d["rel"]) for d in col["docs"]])
    widths = [w, 8, 7, 7, 7, 7, 7, 7, 5, 0]
    print(fmt_row(head, widths), file=out)
    for d in col["docs"]:
        if d["error"]:
            print(fmt_row([d["rel"], d["size"], "FAILED"], widths), file=out)
            continue
        ref = "%s (%d)" % (d["ref"], d["ref_rank"] + 1) if d["ref"] else "(no hit: plain -19)"
        print(fmt_row([d["rel"], d["size"]] + [d["csize"][k] for k in ALL_KEYS]
                      + ["%.3f" % (d["csize"]["b"] / d["csize"]["a"]), ref], widths), file=out)


def report(cols, args, load_start, out):
    lab = labels(args.level)
    print("mdlz retrieval bench  %s" % time.strftime("%Y-%m-%d %H:%M:%S"), file=out)
    version = run_text([args.mdlz, "-V"]).strip().splitlines()
    print("  mdlz: %s (%s), level %d" % (args.mdlz, version[0] if version else "?", args.level),
          file=out)
    if args.note:
        print("  note: " + args.note, file=out)
    for l in tool_versions(["zstd", "xz"]):
        print("  " + l, file=out)
    load_end = os.getloadavg()[0]
    print("  jobs %d, cpus %d, 1-min load average %.2f at start, %.2f at end"
          " (a load above --jobs inflates wall times; CPU times much less)"
          % (args.jobs, os.cpu_count() or 0, load_start, load_end), file=out)
    print("  corpus %s; files sorted by relative path, every %dth held out and compressed"
          " alone, the rest indexed" % (args.collections_dir, HOLD_OUT_EVERY), file=out)
    print("  (d) reference: smallest patch among the top %d hits of `mdlz index search --or`"
          " for the document's %d most distinctive words" % (SEARCH_HITS, SEARCH_WORDS), file=out)
    print("  MB/s = 10^6 input bytes (held-out documents only) per second; sizes count"
          " every byte of each output file", file=out)
    print(file=out)

    tots = {}
    for col in cols:
        t = tots[col["name"]] = totals(col)
        print("== %s: %d documents (%d bytes); indexed %d (%d bytes), held out %d (%d bytes)"
              % (col["name"], col["ndocs"], col["all_bytes"], col["indexed"], col["idx_bytes"],
                 col["held"], col["held_bytes"]), file=out)
        print("  index add: %.3f s wall (fastest of %d), %.3f s CPU: %.1f MB/s wall,"
              " %.1f MB/s CPU; KB.db %d bytes"
              % (col["add_wall"], args.index_repeat, col["add_cpu"],
                 mbs(col["idx_bytes"], col["add_wall"]), mbs(col["idx_bytes"], col["add_cpu"]),
                 col["kb_bytes"]), file=out)
        print("  (c) dictionary: %d bytes (zstd --train, %.1f s), not counted below"
              % (col["dict_bytes"], col["train_wall"]), file=out)
        print("  (e) tar | xz -9e -T1: indexed %d, all %d, marginal %d bytes"
              % (col["xz_indexed"], col["xz_all"], t["e"]), file=out)
        if not t["complete"]:
            print("  !!! some documents FAILED: totals below leave them out", file=out)
        print(file=out)
        method_table(t, lab, out)
        ranks = collections.Counter(d["ref_rank"] for d in col["docs"] if not d["error"])
        print("  (d) chosen reference by search rank: %s"
              % ", ".join("%s: %d" % ("#%d" % (r + 1) if r is not None else "none", n)
                          for r, n in sorted(ranks.items(), key=lambda x: (x[0] is None, x[0]))),
              file=out)
        ok = [d for d in col["docs"] if not d["error"]]
        least = sorted(ok, key=lambda d: -d["csize"]["b"] / d["csize"]["a"])[:5]
        print("  least gain (highest b/a): %s"
              % ", ".join("%s %.3f" % (d["rel"], d["csize"]["b"] / d["csize"]["a"])
                          for d in least), file=out)
        print(file=out)
        doc_table(col, out)
        print(file=out)

    # all collections together
    if len(cols) > 1:
        s = {"size": sum(t["size"] for t in tots.values())}
        for k in list(next(iter(tots.values())).keys()):
            if k not in ("complete", "size"):
                s[k] = sum(t[k] for t in tots.values())
        print("== ALL %d collections (%d held-out documents, %d bytes)"
              % (len(cols), sum(c["held"] for c in cols), s["size"]), file=out)
        method_table(s, lab, out)
        print("  index add: %.1f MB/s wall, %.1f MB/s CPU over %d bytes"
              % (mbs(sum(c["idx_bytes"] for c in cols), sum(c["add_wall"] for c in cols)),
                 mbs(sum(c["idx_bytes"] for c in cols), sum(c["add_cpu"] for c in cols)),
                 sum(c["idx_bytes"] for c in cols)), file=out)
        print(file=out)

    met = True
    print("== TARGETS", file=out)

    def check(ok, text):
        nonlocal met
        met = met and ok
        print("  %s %s" % ("PASS" if ok else "FAIL", text), file=out)

    for col in cols:
        t, n = tots[col["name"]], col["name"]
        check(t["b"] <= T_VS_A * t["a"], "%-12s (b) <= %.2f x (a): %d / %d = %.3f"
              % (n, T_VS_A, t["b"], t["a"], t["b"] / t["a"]))
        check(t["b"] <= T_VS_C * t["c"], "%-12s (b) <= %.2f x (c): %d / %d = %.3f"
              % (n, T_VS_C, t["b"], t["c"], t["b"] / t["c"]))
    for col in cols:
        t, n = tots[col["name"]], col["name"]
        cpu = t["ccpu_a"] / t["ccpu_b"]
        wall = t["ctime_a"] / t["ctime_b"]
        check(cpu >= T_SPEED, "%-12s speed (b) >= %.2f x (a), CPU: %.3f"
              " (%.2f vs %.2f MB/s; wall %.3f: %.2f vs %.2f MB/s)"
              % (n, T_SPEED, cpu, mbs(t["size"], t["ccpu_b"]), mbs(t["size"], t["ccpu_a"]),
                 wall, mbs(t["size"], t["ctime_b"]), mbs(t["size"], t["ctime_a"])))
    for col in cols:
        v = mbs(col["idx_bytes"], col["add_wall"])
        check(v >= T_INDEX_MBS, "%-12s index add >= %.0f MB/s (wall): %.1f MB/s (CPU %.1f MB/s)"
              % (col["name"], T_INDEX_MBS, v, mbs(col["idx_bytes"], col["add_cpu"])))
    for col in cols:
        t = tots[col["name"]]
        print("  info %-12s (b) / (e) = %d / %d = %.3f;  (b') / (a) = %.3f, (b'') / (a) = %.3f"
              % (col["name"], t["b"], t["e"], t["b"] / t["e"], t["bw"] / t["a"],
                 t["bo"] / t["a"]), file=out)
    print(file=out)
    return met


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Retrieval benchmark: held-out documents compressed with mdlz with and "
        "without an index of the rest of their collection, zstd with a trained dictionary "
        "and with --patch-from, and xz -9e of a solid archive.")
    ap.add_argument("--collections", default=DEFAULT_COLLECTIONS,
                    help="comma list of directories of --collections-dir (default %s)"
                    % DEFAULT_COLLECTIONS)
    ap.add_argument("--collections-dir", default=COLLECTIONS_DIR,
                    help="where the collections are (default %s)" % COLLECTIONS_DIR)
    ap.add_argument("--level", type=int, default=5, help="mdlz level (default 5)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="documents run in parallel (default 1: clean timings)")
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"),
                    help="mdlz binary (default: build/cli/mdlz under the project root)")
    ap.add_argument("--index-repeat", type=int, default=3,
                    help="index add runs per collection, the fastest is reported (default 3)")
    ap.add_argument("--out", help="also write the report to this file")
    ap.add_argument("--note", default="",
                    help="printed in the header, e.g. the commit mdlz was built from")
    ap.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    ap.add_argument("--tmpdir", default=None, help="where to make the work directory")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    global log
    if args.quiet:
        log = lambda msg: None  # noqa: E731
    args.mdlz = os.path.abspath(args.mdlz)
    if not (os.path.isfile(args.mdlz) and os.access(args.mdlz, os.X_OK)):
        print("error: mdlz binary not found: %s (build it with: meson setup build && "
              "ninja -C build, or pass --mdlz)" % args.mdlz, file=sys.stderr)
        return 1
    if ensure_peers(["zstd", "xz"]) != ["zstd", "xz"]:
        print("error: zstd and xz are required", file=sys.stderr)
        return 1
    names = [c.strip() for c in args.collections.split(",") if c.strip()]
    for n in names:
        if not os.path.isdir(os.path.join(args.collections_dir, n)):
            print("error: no such collection: %s" % os.path.join(args.collections_dir, n),
                  file=sys.stderr)
            return 1

    load_start = os.getloadavg()[0]
    tmp_root = tempfile.mkdtemp(prefix="mdlz-retrieval-", dir=args.tmpdir)
    try:
        cols = []
        for n in names:
            try:
                cols.append(run_collection(n, args, tmp_root))
            except Failure as e:
                print("!" * 72 + "\nFAILURE: %s: %s\n" % (n, e) + "!" * 72, file=sys.stderr)
                return 1
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    text = io.StringIO()
    met = report(cols, args, load_start, text)
    sys.stdout.write(text.getvalue())
    if args.out:
        with open(args.out, "w") as f:
            f.write(text.getvalue())

    failures = [(c["name"], d) for c in cols for d in c["docs"] if d["error"]]
    if failures:
        for n, d in failures:
            print("!" * 72 + "\nFAILURE: %s/%s: %s\n" % (n, d["rel"], d["error"]) + "!" * 72,
                  file=sys.stderr)
        return 1
    if args.strict and not met:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
