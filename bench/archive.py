#!/usr/bin/env python3
"""archive.py - the collections benchmark of mdlz archives (issue 7; python3,
stdlib only).

How small is an archive of a whole collection, and how cheap is extracting
one document from it?

For each collection under ../shared/corpus/collections (sotu, python-docs,
manpages; --collections to choose):

Size (every output is decoded and compared with the collection)
  * mdlz archive      `mdlz archive create -L [EXTRA] A.mdlza NAME`, run in
                      the collections directory (default options; --level,
                      --extra-args e.g. "--group-size=4M"); extracted with
                      `mdlz archive extract A.mdlza -C DIR`
  * tar | xz -9e -T1
  * tar | zstd -19 --long=27
  * zpaq -m5          `zpaq a X.zpaq NAME -m5` (the directory itself, not a
                      tar; zpaq's default threads), `zpaq x X.zpaq -to DIR`
  * tar | bzip2 -9
  * per-document      each file compressed alone with `mdlz -L -q -c FILE`
                      (no retrieval), sizes summed; decoded one by one with
                      `mdlz -d -q -c`.  --jobs files at a time (default 2):
                      its wall time is the elapsed time of the whole run,
                      its CPU time the sum over all processes
  tar is `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0
  -cf - -C COLLECTIONS NAME` piped into the compressor (no shell; extraction
  is `COMP -d -c X | tar -xf - -C DIR`).  The size table shows bytes,
  bits/byte (8 x bytes / the collection's file bytes), the ratio to
  tar | xz -9e, and wall + CPU seconds (user + system from wait4, summed over
  the processes of a pipeline) of one compression and one extraction.

Extracting one document versus the whole archive
  * the whole archive: `mdlz archive extract A -C DIR` (default threads: one
    per core) and with -T1;
  * single documents `mdlz archive extract A -C DIR NAME`: the one with the
    largest decode cost in `mdlz archive list` (column decode-cost; the
    worst case), the one with the median cost, and --random (default 5)
    others drawn with a fixed --seed;
  * every extraction goes into a fresh directory and is checked against the
    original (the whole tree; for one document: that file, and nothing else
    extracted); each is run --repeat times (default 3) and the fastest wall
    is reported (with the CPU of that run); speedup = whole / single, for
    both whole timings.

Targets, printed as PASS/FAIL:
  * mdlz archive <= 0.85 x tar | xz -9e, on each collection;
  * extracting the largest-decode-cost document at least 5x faster (wall)
    than extracting the whole archive with default threads, on python-docs
    and manpages (the -T1 speedup is printed beside it, for information).

The machine has 2 cores and is shared: the 1, 5 and 15 minute load
averages are printed at the start and at the end.  Compression and the
size table's extraction times are single runs; the extraction section is
the fastest of --repeat.

Usage
-----
  python3 bench/archive.py [--collections sotu,python-docs,manpages]
        [--level 5] [--extra-args "--group-size=1M"] [--jobs 2] [--repeat 3]
        [--random 5] [--seed 7] [--peers xz,zstd,zpaq,bzip2,perdoc]
        [--mdlz PATH] [--out FILE] [--note TEXT] [--strict]

--mdlz defaults to build/cli/mdlz under the project root, as in bench.py.
Missing peers (xz, zstd, zpaq, bzip2) are installed with apt-get when
running as root.  Exit status: 0, 1 when a command failed or a round trip
mismatched, 2 with --strict and a missed target.
"""

import argparse
import concurrent.futures
import filecmp
import io
import os
import random
import shlex
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (CORPUS, ROOT, Failure, ensure_peers, fmt_row, run,  # noqa: E402
                   run_text, tool_versions)

COLLECTIONS_DIR = os.path.join(CORPUS, "collections")
DEFAULT_COLLECTIONS = "sotu,python-docs,manpages"
DEFAULT_PEERS = "xz,zstd,zpaq,bzip2,perdoc"
KNOWN_PEERS = ["xz", "zstd", "zpaq", "bzip2", "perdoc"]

T_VS_XZ = 0.85                                 # archive <= 0.85 x tar | xz -9e
T_SINGLE = 5.0                                 # worst single >= 5x faster than whole
T_SINGLE_COLLECTIONS = ("python-docs", "manpages")

TAR_C = ["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
         "--mtime=@0", "-cf", "-"]

# key -> (label, compress filter, decompress filter); input is a tar stream
TAR_PEERS = {
    "xz": ("tar | xz -9e -T1", ["xz", "-9e", "-T1", "-c"], ["xz", "-d", "-c"]),
    "zstd": ("tar | zstd -19 --long=27", ["zstd", "-q", "-19", "--long=27", "-c"],
             ["zstd", "-q", "-d", "--long=27", "-c"]),
    "bzip2": ("tar | bzip2 -9", ["bzip2", "-9", "-c"], ["bzip2", "-d", "-c"]),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def fresh_dir(parent, prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=parent)


# --------------------------------------------------------------------------
# verifying
# --------------------------------------------------------------------------

def tree(root):
    """(set of relative directory paths, sorted relative regular-file paths)."""
    dirs, files = set(), []
    for d, dnames, fnames in os.walk(root):
        for n in dnames:
            dirs.add(os.path.relpath(os.path.join(d, n), root))
        for n in fnames:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                files.append(os.path.relpath(p, root))
            else:
                files.append(os.path.relpath(p, root) + " (not a regular file)")
    return dirs, sorted(files)


def compare_trees(what, orig, back):
    """Raise Failure unless back holds the same directories and files as
    orig, every file byte-identical."""
    if not os.path.isdir(back):
        raise Failure("ROUND TRIP MISMATCH (%s): %s was not extracted" % (what, back))
    d1, f1 = tree(orig)
    d2, f2 = tree(back)
    problems = []
    for p in sorted(set(f1) - set(f2)):
        problems.append("missing " + p)
    for p in sorted(set(f2) - set(f1)):
        problems.append("extra " + p)
    for p in sorted(d1 ^ d2):
        problems.append("directory only in %s: %s" % ("original" if p in d1 else "copy", p))
    for p in sorted(set(f1) & set(f2)):
        if not filecmp.cmp(os.path.join(orig, p), os.path.join(back, p), shallow=False):
            problems.append("differs " + p)
    if problems:
        raise Failure("ROUND TRIP MISMATCH (%s), %d problems: %s"
                      % (what, len(problems), "; ".join(problems[:8])))


def check_single(what, root, name, out_dir, rel):
    """out_dir must hold exactly NAME/rel (and its directories), equal to
    root/rel."""
    _, files = tree(out_dir)
    want = os.path.join(name, rel)
    if files != [want]:
        raise Failure("EXTRACTION MISMATCH (%s): expected only %s, got %s"
                      % (what, want, ", ".join(files[:8]) or "nothing"))
    if not filecmp.cmp(os.path.join(root, rel), os.path.join(out_dir, want), shallow=False):
        raise Failure("ROUND TRIP MISMATCH (%s): %s differs" % (what, want))


# --------------------------------------------------------------------------
# one collection
# --------------------------------------------------------------------------

def parse_list(text):
    """Rows of `mdlz archive list`: [(name, size, csize, cost, files)] for
    files, and the summary line.  Columns are found by the header's names
    (size, compressed, decode-cost, files; name last, it may hold spaces);
    directories ('-' sizes), -v lines and the summary line are left out."""
    lines = text.splitlines()
    head = lines[0].split() if lines else []
    for col in ("size", "compressed", "decode-cost", "files", "name"):
        if col not in head:
            raise Failure("`mdlz archive list`: no column %r in %r" % (col, lines[:1]))
    if head[-1] != "name":
        raise Failure("`mdlz archive list`: name is not the last column: %r" % lines[0])
    ix = {c: head.index(c) for c in ("size", "compressed", "decode-cost", "files")}
    rows, summary = [], ""
    for line in lines[1:]:
        parts = line.split(None, len(head) - 1)
        if len(parts) == len(head) and all(parts[i].isdigit() for i in ix.values()):
            rows.append((parts[-1], int(parts[ix["size"]]), int(parts[ix["compressed"]]),
                         int(parts[ix["decode-cost"]]), int(parts[ix["files"]])))
        elif " entries, " in line and " groups, " in line:
            summary = line.strip()
    return rows, summary


def run_archive(args, coll_dir, name, work, col):
    """mdlz archive create (once) and the verifying whole extraction."""
    arc = os.path.join(work, name + ".mdlza")
    extra = shlex.split(args.extra_args)
    wall, cpu = run([args.mdlz, "archive", "create", "-q", "-%d" % args.level] + extra
                    + [arc, name], os.path.join(work, "create.out"), cwd=coll_dir)
    col["archive"] = arc
    col["rows"]["mdlz"] = {"bytes": os.path.getsize(arc), "cwall": wall, "ccpu": cpu}
    log("  mdlz archive: %d bytes, create %.2f s wall, %.2f s CPU"
        % (os.path.getsize(arc), wall, cpu))


def run_tar_peer(key, coll_dir, name, work, col):
    label, comp, decomp = TAR_PEERS[key]
    out = os.path.join(work, "c." + key)
    wall, cpu = run([TAR_C + ["-C", coll_dir, name], comp], out)
    back = fresh_dir(work, "x-%s-" % key)
    dwall, dcpu = run([decomp + [out], ["tar", "-xf", "-", "-C", back]], os.devnull, cwd=work)
    compare_trees(label, os.path.join(coll_dir, name), os.path.join(back, name))
    shutil.rmtree(back)
    col["rows"][key] = {"bytes": os.path.getsize(out), "cwall": wall, "ccpu": cpu,
                        "dwall": dwall, "dcpu": dcpu}
    os.remove(out)
    log("  %s: %d bytes, %.2f s / %.2f s wall, round trip ok"
        % (label, col["rows"][key]["bytes"], wall, dwall))


def run_zpaq(coll_dir, name, work, col):
    out = os.path.join(work, "c.zpaq")
    wall, cpu = run(["zpaq", "a", out, name, "-m5"], os.path.join(work, "zpaq-a.out"),
                    cwd=coll_dir)
    back = fresh_dir(work, "x-zpaq-")
    dwall, dcpu = run(["zpaq", "x", out, "-to", back], os.path.join(work, "zpaq-x.out"),
                      cwd=work)
    compare_trees("zpaq -m5", os.path.join(coll_dir, name), os.path.join(back, name))
    shutil.rmtree(back)
    col["rows"]["zpaq"] = {"bytes": os.path.getsize(out), "cwall": wall, "ccpu": cpu,
                           "dwall": dwall, "dcpu": dcpu}
    os.remove(out)
    log("  zpaq -m5: %d bytes, %.2f s / %.2f s wall, round trip ok"
        % (col["rows"]["zpaq"]["bytes"], wall, dwall))


def run_perdoc(args, root, rels, work, col):
    """Each file alone with mdlz -L -q -c, decoded and compared."""
    jobdir = os.path.join(work, "perdoc")
    os.makedirs(jobdir)

    def one(i):
        src = os.path.join(root, rels[i])
        z = os.path.join(jobdir, "%05d.mdlz" % i)
        back = os.path.join(jobdir, "%05d.back" % i)
        cw, cc = run([args.mdlz, "-%d" % args.level, "-q", "-c", src], z)
        dw, dc = run([args.mdlz, "-d", "-q", "-c", z], back)
        if not filecmp.cmp(src, back, shallow=False):
            raise Failure("ROUND TRIP MISMATCH (per-document mdlz): %s" % src)
        n = os.path.getsize(z)
        for p in (z, back, z + ".err0", back + ".err0"):
            os.remove(p)
        return n, cw, cc, dw, dc

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        res = list(ex.map(one, range(len(rels))))
    elapsed = time.perf_counter() - t0
    shutil.rmtree(jobdir)
    row = {"bytes": sum(r[0] for r in res), "ccpu": sum(r[2] for r in res),
           "dcpu": sum(r[4] for r in res), "cwall_sum": sum(r[1] for r in res),
           "dwall_sum": sum(r[3] for r in res), "elapsed": elapsed}
    # elapsed wall of the two phases, apportioned by their summed process walls
    share = row["cwall_sum"] / (row["cwall_sum"] + row["dwall_sum"])
    row["cwall"], row["dwall"] = elapsed * share, elapsed * (1 - share)
    col["rows"]["perdoc"] = row
    log("  per-document mdlz -%d: %d bytes, %.1f s elapsed (--jobs %d), round trips ok"
        % (args.level, row["bytes"], elapsed, args.jobs))


def time_extract(args, arc, name, coll_dir, work, names, what, threads=None):
    """Fastest of --repeat extractions (whole archive if names is empty),
    each into a fresh directory and verified; return (walls, cpu of the
    fastest)."""
    runs = []
    for _ in range(max(1, args.repeat)):
        out = fresh_dir(work, "x-")
        argv = [args.mdlz, "archive", "extract", "-q"]
        if threads is not None:
            argv.append("-T%d" % threads)
        argv += [arc, "-C", out] + names
        wall, cpu = run(argv, os.path.join(work, "extract.out"))
        if names:
            rel = os.path.relpath(names[0], name)
            check_single(what, os.path.join(coll_dir, name), name, out, rel)
        else:
            compare_trees(what, os.path.join(coll_dir, name), os.path.join(out, name))
        shutil.rmtree(out)
        runs.append((wall, cpu))
    return [w for w, _ in runs], min(runs)[1]


def choose_singles(rows, n_random, seed):
    """[(role, row)]: largest decode cost, median cost, n_random others
    (fixed seed), among non-empty files."""
    files = [r for r in rows if r[1] > 0]
    if not files:
        return []
    worst = max(files, key=lambda r: r[3])          # first of equal maxima
    by_cost = sorted(files, key=lambda r: (r[3], r[0]))
    median = by_cost[(len(by_cost) - 1) // 2]
    picked = [("max cost", worst)]
    if median[0] != worst[0]:
        picked.append(("median", median))
    rest = sorted((r for r in files if r[0] not in (worst[0], median[0])), key=lambda r: r[0])
    rng = random.Random(seed)
    for r in rng.sample(rest, min(n_random, len(rest))):
        picked.append(("random", r))
    return picked


def run_collection(name, args, tmp_root):
    coll_dir = args.collections_dir
    root = os.path.join(coll_dir, name)
    _, rels = tree(root)
    work = os.path.join(tmp_root, name)
    os.makedirs(work)
    col = {"name": name, "nfiles": len(rels),
           "bytes": sum(os.path.getsize(os.path.join(root, r)) for r in rels), "rows": {}}
    log("== %s: %d files, %d bytes" % (name, col["nfiles"], col["bytes"]))

    run_archive(args, coll_dir, name, work, col)
    arc = col["archive"]
    rows, col["list_summary"] = parse_list(run_text([args.mdlz, "archive", "list", arc]))
    if sorted(r[0] for r in rows) != sorted(os.path.join(name, r) for r in rels):
        raise Failure("%s: `mdlz archive list` does not name the collection's files" % name)

    # whole extraction: default threads, then -T1 (all runs verified)
    walls, cpu = time_extract(args, arc, name, coll_dir, work, [], "mdlz archive extract")
    col["whole"] = {"walls": walls, "wall": min(walls), "cpu": cpu}
    col["rows"]["mdlz"].update(dwall=walls[0], dcpu=cpu)
    walls1, cpu1 = time_extract(args, arc, name, coll_dir, work, [],
                                "mdlz archive extract -T1", threads=1)
    col["whole1"] = {"walls": walls1, "wall": min(walls1), "cpu": cpu1}
    log("  whole extraction: %s s (default threads), %s s (-T1); all verified"
        % ("/".join("%.2f" % w for w in walls), "/".join("%.2f" % w for w in walls1)))

    singles = []
    for role, r in choose_singles(rows, args.random, args.seed):
        walls, cpu = time_extract(args, arc, name, coll_dir, work, [r[0]],
                                  "mdlz archive extract %s" % r[0])
        singles.append({"role": role, "name": r[0], "size": r[1], "cost": r[3],
                        "decoded": r[4], "walls": walls, "wall": min(walls), "cpu": cpu})
        log("  %-8s %-50s cost %8d: %s s" % (role, r[0], r[3],
                                               "/".join("%.2f" % w for w in walls)))
    col["singles"] = singles

    for key in args.peer_list:
        if key in TAR_PEERS:
            run_tar_peer(key, coll_dir, name, work, col)
        elif key == "zpaq":
            run_zpaq(coll_dir, name, work, col)
        elif key == "perdoc":
            run_perdoc(args, root, rels, work, col)
    shutil.rmtree(work, ignore_errors=True)
    return col


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------

SIZE_HEAD = ["method", "bytes", "bits/byte", "vs xz", "comp wall", "comp CPU",
             "extr wall", "extr CPU"]
SIZE_W = [28, 10, 9, 6, 9, 8, 9, 8]


def labels(args):
    extra = (" " + args.extra_args.strip()) if args.extra_args.strip() else ""
    lab = {"mdlz": "mdlz archive -%d%s" % (args.level, extra),
           "zpaq": "zpaq -m5",
           "perdoc": "per-document mdlz -%d *" % args.level}
    for k, (l, _, _) in TAR_PEERS.items():
        lab[k] = l
    return lab


def size_table(col, args, out):
    lab = labels(args)
    xz = col["rows"].get("xz")
    print(fmt_row(SIZE_HEAD, SIZE_W), file=out)
    for key in ["mdlz"] + [k for k in KNOWN_PEERS if k in col["rows"]]:
        r = col["rows"][key]
        print(fmt_row([lab[key], r["bytes"], "%.3f" % (8.0 * r["bytes"] / col["bytes"]),
                       "%.3f" % (r["bytes"] / xz["bytes"]) if xz else "-",
                       "%.2f" % r["cwall"], "%.2f" % r["ccpu"],
                       "%.2f" % r["dwall"], "%.2f" % r["dcpu"]], SIZE_W), file=out)


def single_table(col, out):
    whole, whole1 = col["whole"]["wall"], col["whole1"]["wall"]
    w = max([8] + [len(s["name"]) for s in col["singles"]])
    head = ["document", "role", "bytes", "decode-cost", "files", "wall s", "CPU s",
            "speedup", "vs -T1"]
    widths = [w, 8, 8, 11, 5, 7, 6, 7, 6]
    print(fmt_row(head, widths), file=out)
    print(fmt_row(["(whole archive, default threads)", "", col["bytes"], "", col["nfiles"],
                   "%.3f" % whole, "%.2f" % col["whole"]["cpu"], "", ""], widths), file=out)
    print(fmt_row(["(whole archive, -T1)", "", col["bytes"], "", col["nfiles"],
                   "%.3f" % whole1, "%.2f" % col["whole1"]["cpu"], "", ""], widths), file=out)
    for s in col["singles"]:
        print(fmt_row([s["name"], s["role"], s["size"], s["cost"], s["decoded"],
                       "%.3f" % s["wall"], "%.2f" % s["cpu"], "%.1fx" % (whole / s["wall"]),
                       "%.1fx" % (whole1 / s["wall"])], widths), file=out)
    if col["singles"]:
        mean = sum(s["wall"] for s in col["singles"]) / len(col["singles"])
        mcpu = sum(s["cpu"] for s in col["singles"]) / len(col["singles"])
        print(fmt_row(["(mean of %d)" % len(col["singles"]), "", "", "", "",
                       "%.3f" % mean, "%.2f" % mcpu, "%.1fx" % (whole / mean),
                       "%.1fx" % (whole1 / mean)], widths), file=out)


def fmt_load(l):
    return "%.2f %.2f %.2f" % l


def report(cols, args, load_start, out):
    print("mdlz archive bench  %s" % time.strftime("%Y-%m-%d %H:%M:%S"), file=out)
    version = run_text([args.mdlz, "-V"]).strip().splitlines()
    print("  mdlz: %s (%s); archive create -%d%s" % (
        args.mdlz, version[0] if version else "?", args.level,
        (" " + args.extra_args.strip()) if args.extra_args.strip() else " (default options)"),
        file=out)
    if args.note:
        print("  note: " + args.note, file=out)
    tools = [p for p in ("xz", "zstd", "zpaq", "bzip2") if p in args.peer_list]
    for l in tool_versions(tools) + ["tar: " + run_text(["tar", "--version"]).splitlines()[0]]:
        print("  " + l, file=out)
    print("  cpus %d, niceness %d; load average (1, 5, 15 min) %s at start, %s at end"
          % (os.cpu_count() or 0, os.nice(0), fmt_load(load_start), fmt_load(os.getloadavg())),
          file=out)
    print("  corpus %s" % args.collections_dir, file=out)
    print("  sizes: every byte of the output; bits/byte over the files' bytes; vs xz ="
          " bytes / tar|xz -9e bytes", file=out)
    print("  times: seconds, one run each in the size table (wall; CPU = user + system of"
          " all processes, wait4);", file=out)
    print("  extraction section: fastest wall of %d runs (CPU of that run), every run"
          " verified; speedup = whole (default threads) / single, vs -T1 = whole -T1 / single"
          % args.repeat, file=out)
    print("  * per-document: each file alone, mdlz -%d -q -c, %d processes at a time; its"
          " wall is the elapsed time of the run, split between compression and"
          " decompression by their summed process walls; CPU is summed" % (args.level, args.jobs),
          file=out)
    print(file=out)

    for col in cols:
        print("== %s: %d files, %d bytes" % (col["name"], col["nfiles"], col["bytes"]), file=out)
        print("  mdlz archive list: %s" % col["list_summary"], file=out)
        print(file=out)
        size_table(col, args, out)
        print(file=out)
        print("  extracting one document versus the whole archive (fastest of %d):"
              % args.repeat, file=out)
        single_table(col, out)
        print(file=out)

    if len(cols) > 1:
        print("== ALL %d collections (%d files, %d bytes)" % (
            len(cols), sum(c["nfiles"] for c in cols), sum(c["bytes"] for c in cols)), file=out)
        keys = [k for k in ["mdlz"] + KNOWN_PEERS if all(k in c["rows"] for c in cols)]
        tot = {"nfiles": sum(c["nfiles"] for c in cols), "bytes": sum(c["bytes"] for c in cols),
               "rows": {k: {f: sum(c["rows"][k][f] for c in cols)
                            for f in ("bytes", "cwall", "ccpu", "dwall", "dcpu")}
                        for k in keys}}
        size_table(tot, args, out)
        print(file=out)

    met = True
    print("== TARGETS", file=out)

    def check(ok, text):
        nonlocal met
        met = met and ok
        print("  %s %s" % ("PASS" if ok else "FAIL", text), file=out)

    for col in cols:
        a, x = col["rows"]["mdlz"]["bytes"], col["rows"].get("xz", {}).get("bytes")
        if x:
            check(a <= T_VS_XZ * x, "%-12s mdlz archive <= %.2f x tar|xz -9e: %d / %d = %.3f"
                  % (col["name"], T_VS_XZ, a, x, a / x))
    for col in cols:
        if col["name"] not in T_SINGLE_COLLECTIONS or not col["singles"]:
            continue
        s = col["singles"][0]          # the largest decode cost
        sp, sp1 = col["whole"]["wall"] / s["wall"], col["whole1"]["wall"] / s["wall"]
        check(sp >= T_SINGLE, "%-12s worst single document >= %.0fx faster than the whole"
              " archive (judged against the default-thread whole extraction): %.3f / %.3f s"
              " = %.1fx; against whole -T1 (info only): %.3f / %.3f s = %.1fx"
              "  [%s, decode cost %d]"
              % (col["name"], T_SINGLE, col["whole"]["wall"], s["wall"], sp,
                 col["whole1"]["wall"], s["wall"], sp1, s["name"], s["cost"]))
    for col in cols:
        r = col["rows"]
        parts = ["%s %.3f" % (k, r["mdlz"]["bytes"] / r[k]["bytes"])
                 for k in ("zstd", "zpaq", "bzip2", "perdoc") if k in r]
        if parts:
            print("  info %-12s mdlz archive / peer: %s" % (col["name"], ", ".join(parts)),
                  file=out)
    print(file=out)
    return met


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Archive benchmark: mdlz archive of each collection versus tar | xz, "
        "zstd, bzip2, zpaq and per-document mdlz; extraction of one document versus the "
        "whole archive.")
    ap.add_argument("--collections", default=DEFAULT_COLLECTIONS,
                    help="comma list of directories of --collections-dir (default %s)"
                    % DEFAULT_COLLECTIONS)
    ap.add_argument("--collections-dir", default=COLLECTIONS_DIR,
                    help="where the collections are (default %s)" % COLLECTIONS_DIR)
    ap.add_argument("--level", type=int, default=5,
                    help="mdlz level of the archive and of per-document mdlz (default 5)")
    ap.add_argument("--extra-args", default="",
                    help="more options for `mdlz archive create`, e.g. '--group-size=4M'")
    ap.add_argument("--peers", default=DEFAULT_PEERS,
                    help="comma list from %s (default all); xz is needed for the size target"
                    % ",".join(KNOWN_PEERS))
    ap.add_argument("--jobs", type=int, default=2,
                    help="per-document mdlz processes at a time (default 2)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each timed extraction, the fastest is reported (default 3)")
    ap.add_argument("--random", type=int, default=5,
                    help="random documents extracted alone (default 5)")
    ap.add_argument("--seed", type=int, default=7, help="seed of that choice (default 7)")
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"),
                    help="mdlz binary (default: build/cli/mdlz under the project root)")
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
    args.collections_dir = os.path.abspath(args.collections_dir)
    if not (os.path.isfile(args.mdlz) and os.access(args.mdlz, os.X_OK)):
        print("error: mdlz binary not found: %s (build it with: meson setup build && "
              "ninja -C build, or pass --mdlz)" % args.mdlz, file=sys.stderr)
        return 1
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    for p in peers:
        if p not in KNOWN_PEERS:
            print("error: unknown peer %r (known: %s)" % (p, ",".join(KNOWN_PEERS)),
                  file=sys.stderr)
            return 1
    tools = [p for p in peers if p != "perdoc"]
    if ensure_peers(tools) != tools:
        print("error: missing peer tools (see above)", file=sys.stderr)
        return 1
    if shutil.which("tar") is None:
        print("error: tar is required (apt-get install tar)", file=sys.stderr)
        return 1
    args.peer_list = [p for p in KNOWN_PEERS if p in peers]
    names = [c.strip() for c in args.collections.split(",") if c.strip()]
    for n in names:
        if not os.path.isdir(os.path.join(args.collections_dir, n)):
            print("error: no such collection: %s" % os.path.join(args.collections_dir, n),
                  file=sys.stderr)
            return 1

    load_start = os.getloadavg()
    tmp_root = tempfile.mkdtemp(prefix="mdlz-archive-", dir=args.tmpdir)
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
    if args.strict and not met:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
