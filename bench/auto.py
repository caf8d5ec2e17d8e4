#!/usr/bin/env python3
"""bench/auto.py - `mdlz --auto` against fixed configurations (issue 16).

One call per folder of the corpus (every folder holding files): the files
of the folder are compressed together, so the code of the components is
counted once for the call. A collection (a folder of many text documents:
collections/*) is compressed with -R, an index of the OTHER files of that
folder (those not in the call), built once per folder.

For each call it measures:
  auto      `mdlz --auto -v -c FILE` per file in ONE call: the payload is
            the bytes written, the code the chosen candidate's (from -v);
  fixed     `mdlz ablate` on the same files (and index): every fixed
            configuration it measures (cm-only, default, each retrieval
            mode, each tool alone, all), DL = payload + code; its `auto` row
            re-measures --auto's choice and must agree with the call;
  time      CPU time (user + system of the child processes) of the --auto
            call against `mdlz -c` with the default flags (-R for a
            collection) on the same files; the machine is shared, so CPU
            time is the fair measure (wall time is printed too).

Then, over the folders:
  best per folder  the fixed configuration with the smallest DL for each
                   folder, chosen after the fact (target: --auto within
                   0.5 %);
  best single      the one fixed configuration with the smallest total DL
                   over all folders (a retrieval row in a folder without an
                   index counts as its configuration without retrieval:
                   retrieval-* as default, all as its tools) (target:
                   --auto better);
  time ratio       sum of --auto CPU over sum of default CPU (target <= 3).

The folders are those of the corpus README (CATEGORY/NAME, with the files
under their subfolders). --budget BYTES limits each call to the first BYTES
of the folder in name order (the last file cut to fit), for a quicker run
on a loaded machine; the files left out of a collection's call are then its
index. Without it, every file of the corpus is compressed, but for the
collections: their even files (in name order), with an index of the odd
ones.

Usage: python3 bench/auto.py [--mdlz build/cli/mdlz] [--corpus DIR]
                             [--level N] [--budget BYTES] [-o results.txt]
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, **kw):
    """Runs cmd; returns (CompletedProcess, cpu seconds, wall seconds)."""
    c0, w0 = cpu_children(), time.monotonic()
    r = subprocess.run(cmd, capture_output=True, **kw)
    return r, cpu_children() - c0, time.monotonic() - w0


def folders(corpus):
    """The folders of the corpus README (CATEGORY/NAME), each with every
    file under it, in name order."""
    out = []
    for cat in sorted(os.listdir(corpus)):
        if not os.path.isdir(os.path.join(corpus, cat)):
            continue
        for name in sorted(os.listdir(os.path.join(corpus, cat))):
            top = os.path.join(corpus, cat, name)
            if not os.path.isdir(top):
                continue
            files = []
            for d, _, fs in sorted(os.walk(top)):
                files += [os.path.join(d, f) for f in sorted(fs)]
            if files:
                out.append((cat + "/" + name, sorted(files)))
    return out


def pick(files, budget, tmp):
    """The files of one call and the rest (the index of a collection): the
    first `budget` bytes of the folder in name order, the last file cut to
    fit (a copy of its first bytes in tmp)."""
    if not budget:
        return files, []
    take, total = [], 0
    for f in files:
        n = os.path.getsize(f)
        if total + n <= budget:
            take.append(f)
            total += n
            continue
        cut = os.path.join(tmp, "cut-" + os.path.basename(f))
        with open(f, "rb") as src, open(cut, "wb") as dst:
            dst.write(src.read(budget - total))
        take.append(cut)
        break
    rest = [f for f in files if f not in take]
    return take, rest


def auto_call(mdlz, level, files, kb, out_dir):
    """--auto on the files in one call: payload, code, choice, cpu, wall."""
    args = [mdlz, "-%d" % level, "--auto", "-v", "-f", "-k"]
    if kb:
        args += ["-R", kb]
    # -c writes one stream after the other: each file's size is its own
    r, cpu, wall = run(args + ["-c"] + files)
    if r.returncode != 0:
        sys.exit("mdlz --auto failed: " + r.stderr.decode()[-500:])
    err = r.stderr.decode()
    m = re.search(r"^\* (\S+)\s+(\d+)\s+(\d+)\s+([\d.]+)$", err, re.M)
    if not m:
        sys.exit("no chosen candidate in --auto -v output:\n" + err)
    return {"payload": len(r.stdout), "code": int(m.group(3)),
            "choice": m.group(1), "estimate": float(m.group(4)),
            "cpu": cpu, "wall": wall}


def default_call(mdlz, level, files, kb):
    args = [mdlz, "-%d" % level, "-c"]
    if kb:
        args += ["-R", kb]
    r, cpu, wall = run(args + files)
    if r.returncode != 0:
        sys.exit("mdlz failed: " + r.stderr.decode()[-500:])
    return {"payload": len(r.stdout), "cpu": cpu, "wall": wall}


def ablate_call(mdlz, level, files, kb):
    args = [mdlz, "ablate", "-%d" % level, "-q", "--format=json"]
    if kb:
        args += ["-R", kb]
    r, cpu, wall = run(args + files)
    if r.returncode != 0:
        sys.exit("mdlz ablate failed: " + r.stderr.decode()[-500:])
    doc = json.loads(r.stdout)
    return {c["name"]: c["payload_bytes"] + c["code_bytes"]
            for c in doc["configurations"]}


def fallback(name, rows):
    """A row's DL in a folder that lacks it (no index): see the docstring."""
    if name in rows:
        return rows[name]
    if name.startswith("retrieval-"):
        return rows["default"]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build/cli/mdlz"))
    ap.add_argument("--corpus",
                    default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--level", type=int, default=5)
    ap.add_argument("--budget", type=int, default=0)
    ap.add_argument("-o", "--output")
    ap.add_argument("-q", action="store_true")
    ap.add_argument("--log", help="append each folder's figures (a JSON "
                    "line) to this file as it is measured")
    ap.add_argument("--report", help="only print the report of a --log")
    a = ap.parse_args()
    if a.report:
        with open(a.report) as f:
            report([json.loads(ln) for ln in f if ln.strip()], a)
        return
    if not os.path.isdir(a.corpus):
        sys.exit("no corpus at " + a.corpus)
    res = []
    tmp = tempfile.mkdtemp(prefix="mdlz-bench-auto-")
    try:
        for name, files in folders(a.corpus):
            take, rest = pick(files, a.budget, tmp)
            kb = None
            if name.startswith("collections/"):
                others = rest if rest else []
                if not others:  # every file is compressed: none left over
                    half = take[1::2]
                    take, others = take[0::2], half
                kb = os.path.join(tmp, name.replace("/", "_") + ".db")
                r = subprocess.run([a.mdlz, "index", "add", "-q", kb, *others],
                                   capture_output=True)
                if r.returncode != 0:
                    sys.exit("index add failed: " + r.stderr.decode())
            if not a.q:
                print("%-28s %4d files %10d bytes%s" % (
                    name, len(take), sum(map(os.path.getsize, take)),
                    "  index of %d" % len(others) if kb else ""),
                    file=sys.stderr, flush=True)
            au = auto_call(a.mdlz, a.level, take, kb, tmp)
            de = default_call(a.mdlz, a.level, take, kb)
            rows = ablate_call(a.mdlz, a.level, take, kb)
            res.append({"folder": name, "files": len(take),
                        "bytes": sum(map(os.path.getsize, take)),
                        "index": bool(kb), "auto": au, "default": de,
                        "rows": rows})
            if a.log:
                with open(a.log, "a") as f:
                    f.write(json.dumps(res[-1]) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(res, a)


def report(res, a):
    lines = []
    p = lines.append
    p("mdlz --auto benchmark (bench/auto.py): level %d, %s" % (
        a.level, "budget %d bytes per call" % a.budget if a.budget
        else "every file of the corpus"))
    p("one call per folder; collections with -R, an index of the folder's "
      "other files")
    p("")
    p("%-28s %5s %10s %-34s %10s %-20s %10s %7s %7s %6s" % (
        "folder", "files", "bytes", "auto choice", "auto DL", "best fixed",
        "fixed DL", "auto-%", "ablate=", "cpu x"))
    t_auto = t_best = t_cpu_a = t_cpu_d = t_wall_a = t_wall_d = 0
    agree = True
    names = set()
    for r in res:
        names |= set(r["rows"])
    names.discard("auto")
    for r in res:
        au, rows = r["auto"], r["rows"]
        dl = au["payload"] + au["code"]
        fixed = {k: v for k, v in rows.items() if k != "auto"}
        best = min(fixed, key=lambda k: (fixed[k], k))
        ok = rows.get("auto") == dl
        agree &= ok
        t_auto += dl
        t_best += fixed[best]
        t_cpu_a += au["cpu"]
        t_cpu_d += r["default"]["cpu"]
        t_wall_a += au["wall"]
        t_wall_d += r["default"]["wall"]
        p("%-28s %5d %10d %-34s %10d %-20s %10d %+7.2f %7s %6.2f" % (
            r["folder"], r["files"], r["bytes"], au["choice"][:34], dl, best,
            fixed[best], 100.0 * (dl - fixed[best]) / fixed[best],
            "yes" if ok else "NO",
            au["cpu"] / r["default"]["cpu"] if r["default"]["cpu"] else 0))
    single = {}
    for n in names:
        tot = 0
        for r in res:
            v = fallback(n, r["rows"])
            if v is None:
                tot = None
                break
            tot += v
        if tot is not None:
            single[n] = tot
    best_single = min(single, key=lambda k: (single[k], k))
    p("")
    p("total DL: --auto %d; best fixed per folder (after the fact) %d "
      "(%+.3f%%, target within 0.5%%)" % (
          t_auto, t_best, 100.0 * (t_auto - t_best) / t_best))
    p("best single configuration for the whole corpus: %s %d (--auto "
      "%+.3f%%, target: better)" % (
          best_single, single[best_single],
          100.0 * (t_auto - single[best_single]) / single[best_single]))
    for n in sorted(single, key=lambda k: single[k]):
        p("  %-20s %12d" % (n, single[n]))
    p("time: --auto %.1f s CPU (%.1f s wall) against the default flags "
      "%.1f s CPU (%.1f s wall): %.2fx CPU (target <= 3x)" % (
          t_cpu_a, t_wall_a, t_cpu_d, t_wall_d,
          t_cpu_a / t_cpu_d if t_cpu_d else 0))
    p("--auto's DL = the ablate auto row (payload + code) in every folder: "
      "%s" % ("yes" if agree else "NO"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
