#!/usr/bin/env python3
"""bench.py - compare mdlz with its peers from Debian (python3, stdlib only).

What it measures
----------------
For every compressor and every input file it runs one compression and one
decompression as separate processes in a temporary directory and records:

  * the compressed size (bytes, including any container/archive header),
  * bits/byte      = 8 * compressed / original,
  * comp MB/s      = original bytes / compress wall time   (MB = 10^6 bytes),
  * decomp MB/s    = original bytes / decompress wall time,
  * peak RSS (MiB) of the compress and of the decompress process: ru_maxrss
    of the child (and any children it waited for).  Taken from GNU time's %M
    when /usr/bin/time exists, because os.wait4's ru_maxrss of a child forked
    from Python also counts Python's own ~15 MB; else from os.wait4 (--rss),
  * the round trip: the decompressed output is compared byte for byte with
    the original.  A mismatch (or a failing command) is reported loudly and
    makes the script exit non-zero.

Compressors
-----------
  mdlz -L            `mdlz -L -c FILE > out`, `mdlz -d -c out > back`, for each
                     level in --levels (default 1,5,9; 5 is the default level)
  zstd               zstd -19            (peer "zstd-ultra": --ultra -22 --long=27)
  xz                 xz -9e -T1
  bzip2              bzip2 -9
  brotli             brotli -q 11, plus --large_window=30 when the installed
                     brotli supports it (a non-RFC-7932 stream; irrelevant for
                     files below 16 MB)
  ppmd               7-Zip PPMd (7z a -m0=PPMd:o=N:mem=256m), one row per order
                     in --ppmd-orders (default 4,6,8,10,16) and a "ppmd-best" row
                     holding, per file, the order that gave the smallest output.
                     7-Zip may shrink mem= for small inputs.  The size includes
                     the 7z container (~100-150 bytes of headers).
  zpaq               zpaq a ARCHIVE FILE -m5 -t1 (size includes the journaling
                     archive overhead, a few hundred bytes); extracted with
                     zpaq x ... -to and compared.  -t1 only affects timing/RSS:
                     blocks are the same with any thread count.

The archivers (7z, zpaq) are run in a directory holding a copy of the input
under its base name, so their archives store only that short name.

Targets (checked and printed when mdlz ran; informational unless --strict)
-------------------------------------------------------------------------
On the text set (default files):
  * default level (5) total  <= 0.78 x  xz -9e total
  * default level total      <= 0.96 x  sum over files of best PPMd order
  * highest level total      <= zpaq -m5 total
  * default level compresses and decompresses dickens at >= 1 MB/s
  * default level compress time on the largest file <= 12 x bzip2 -9's time
  * peak RSS of the default level <= 400 MiB (2^20 bytes)
On the binaries set (--set binaries: silesia ooffice and x-ray):
  * default level output no larger than xz -9e on each file

Usage
-----
  python3 bench/bench.py [--mdlz PATH] [--levels 1,5,9]
        [--peers zstd,xz,bzip2,brotli,ppmd,zpaq] [--format table|csv]
        [--set text|binaries|all] [--jobs 1] [FILE...]

The corpus is ../shared/corpus relative to the project root (the parent of
this script's directory); --mdlz defaults to build/cli/mdlz under the root.
Missing peer binaries are installed with apt-get when running as root,
otherwise that peer is skipped with a message.  A missing mdlz binary is
skipped with a message as well.
"""

import argparse
import concurrent.futures
import csv
import filecmp
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))

SETS = {
    "text": [
        "text/canterbury/alice29.txt",
        "text/canterbury/asyoulik.txt",
        "text/canterbury/lcet10.txt",
        "text/canterbury/plrabn12.txt",
        "text/enwik6",
        "text/silesia/dickens",
    ],
    "binaries": [
        "text/silesia/ooffice",
        "text/silesia/x-ray",
    ],
}
SETS["all"] = SETS["text"] + SETS["binaries"]

DEFAULT_LEVEL = 5               # MDLZ_LEVEL_DEFAULT in include/mdlz.h
DEFAULT_PEERS = "zstd,xz,bzip2,brotli,ppmd,zpaq"
KNOWN_PEERS = ["zstd", "zstd-ultra", "xz", "bzip2", "brotli", "ppmd", "zpaq"]

# peer -> (binary, Debian package)
PEER_BINARY = {
    "zstd": ("zstd", "zstd"),
    "zstd-ultra": ("zstd", "zstd"),
    "xz": ("xz", "xz-utils"),
    "bzip2": ("bzip2", "bzip2"),
    "brotli": ("brotli", "brotli"),
    "ppmd": ("7z", "p7zip-full"),
    "zpaq": ("zpaq", "zpaq"),
}

# targets (see docstring)
T_XZ = 0.78
T_PPMD = 0.96
T_ZPAQ = 1.00
T_MBS = 1.0
T_BZIP2_TIMES = 12.0
T_RSS_MB = 400.0

PPMD_BEST = "ppmd-best"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# compressor definitions
#
# A compressor is a dict:
#   name      row label
#   kind      "mdlz" | "peer" | "ppmd" (a PPMd order)
#   comp      f(src_dir, src_name, job_dir) -> (argv, stdout_file|None, cwd)
#             and writes job_dir/"c"
#   decomp    f(job_dir) -> (argv, stdout_file|None, cwd), writes job_dir/"d"
# The compressed artefact is always job_dir/"c", the decoded one job_dir/"d".
# --------------------------------------------------------------------------

def stream_compressor(name, kind, comp_args, decomp_args):
    """A filter-style tool: `tool ARGS FILE > c`, `tool DARGS c > d`."""
    def comp(src_dir, src_name, job):
        return comp_args + [os.path.join(src_dir, src_name)], os.path.join(job, "c"), job

    def decomp(job):
        return decomp_args + [os.path.join(job, "c")], os.path.join(job, "d"), job

    return {"name": name, "kind": kind, "comp": comp, "decomp": decomp}


def mdlz_compressor(path, level):
    return stream_compressor("mdlz -%d" % level, "mdlz",
                             [path, "-%d" % level, "-c"], [path, "-d", "-c"])


def ppmd_compressor(order, mem):
    def comp(src_dir, src_name, job):
        argv = ["7z", "a", "-t7z", "-bd", "-bso0", "-bsp0", "-y",
                os.path.join(job, "c.7z"), src_name,
                "-m0=PPMd:o=%d:mem=%s" % (order, mem)]
        return argv, None, src_dir

    def decomp(job):
        return ["7z", "x", "-so", "-bd", os.path.join(job, "c.7z")], os.path.join(job, "d"), job

    return {"name": "ppmd o%d" % order, "kind": "ppmd", "order": order,
            "comp": comp, "decomp": decomp, "artefact": "c.7z"}


def lpaq1_compressor(path):
    """lpaq1 -6 (Mahoney 2007), the nearest peer in ratio: not in Debian, so
    a binary the user builds from its public source (bench/README.md)."""
    def comp(src_dir, src_name, job):
        return [path, "6", os.path.join(src_dir, src_name),
                os.path.join(job, "c")], os.devnull, job

    def decomp(job):
        return [path, "d", os.path.join(job, "c"), os.path.join(job, "d")], \
            os.devnull, job

    return {"name": "lpaq1 -6", "kind": "peer", "comp": comp, "decomp": decomp}


def zpaq_compressor():
    state = {}

    def comp(src_dir, src_name, job):
        state[job] = src_name
        argv = ["zpaq", "a", os.path.join(job, "c.zpaq"), src_name, "-m5", "-t1"]
        return argv, os.devnull, src_dir

    def decomp(job):
        argv = ["zpaq", "x", os.path.join(job, "c.zpaq"), state[job],
                "-to", os.path.join(job, "d"), "-t1"]
        return argv, os.devnull, job

    return {"name": "zpaq -m5", "kind": "peer", "comp": comp, "decomp": decomp,
            "artefact": "c.zpaq"}


def brotli_supports_large_window():
    try:
        r = subprocess.run(["brotli", "-h"], capture_output=True, text=True)
    except OSError:
        return False
    return "--large_window" in r.stdout + r.stderr


def peer_compressors(peer, ppmd_orders, ppmd_mem):
    if peer == "zstd":
        return [stream_compressor("zstd -19", "peer", ["zstd", "-q", "-19", "-c"],
                                  ["zstd", "-q", "-d", "-c"])]
    if peer == "zstd-ultra":
        return [stream_compressor("zstd -22 long27", "peer",
                                  ["zstd", "-q", "--ultra", "-22", "--long=27", "-c"],
                                  ["zstd", "-q", "-d", "--long=27", "-c"])]
    if peer == "xz":
        return [stream_compressor("xz -9e", "peer", ["xz", "-9e", "-T1", "-c", "-k"],
                                  ["xz", "-d", "-c", "-k"])]
    if peer == "bzip2":
        return [stream_compressor("bzip2 -9", "peer", ["bzip2", "-9", "-c", "-k"],
                                  ["bzip2", "-d", "-c", "-k"])]
    if peer == "brotli":
        if brotli_supports_large_window():
            return [stream_compressor("brotli -q11 lw30", "peer",
                                      ["brotli", "-q", "11", "--large_window=30", "-c"],
                                      ["brotli", "-d", "--large_window=30", "-c"])]
        return [stream_compressor("brotli -q11", "peer", ["brotli", "-q", "11", "-c"],
                                  ["brotli", "-d", "-c"])]
    if peer == "ppmd":
        return [ppmd_compressor(o, ppmd_mem) for o in ppmd_orders]
    if peer == "zpaq":
        return [zpaq_compressor()]
    raise ValueError(peer)


def ensure_peers(peers):
    """Return the peers whose binary is available, installing when root."""
    missing = [p for p in peers if shutil.which(PEER_BINARY[p][0]) is None]
    if missing:
        pkgs = sorted({PEER_BINARY[p][1] for p in missing})
        if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
            log("installing missing peers: apt-get install -y " + " ".join(pkgs))
            subprocess.run(["apt-get", "install", "-y"] + pkgs,
                           stdout=sys.stderr, stderr=sys.stderr)
        else:
            log("not root: cannot install " + " ".join(pkgs))
    ok = []
    for p in peers:
        if shutil.which(PEER_BINARY[p][0]) is None:
            log("SKIP peer %s: binary '%s' not found (package %s)"
                % (p, PEER_BINARY[p][0], PEER_BINARY[p][1]))
        else:
            ok.append(p)
    return ok


def tool_versions(peers):
    """One line per peer tool, for the report header."""
    probes = {
        "zstd": ["zstd", "--version"], "zstd-ultra": ["zstd", "--version"],
        "xz": ["xz", "--version"], "bzip2": ["bzip2", "--help"],
        "brotli": ["brotli", "--version"], "ppmd": ["7z", "i"],
        "zpaq": ["zpaq"],
    }
    lines, seen = [], set()
    for p in peers:
        argv = probes[p]
        if argv[0] in seen:
            continue
        seen.add(argv[0])
        try:
            r = subprocess.run(argv, capture_output=True, text=True)
            text = (r.stdout + r.stderr).strip().splitlines()
            first = next((l.strip() for l in text if l.strip()), "?")
        except OSError:
            first = "?"
        lines.append("%s: %s" % (argv[0], first))
    return lines


# --------------------------------------------------------------------------
# running and measuring
# --------------------------------------------------------------------------

# Peak RSS.  ru_maxrss of a child forked from Python includes Python's own
# resident set at fork/exec time (Linux keeps the high-water mark of the
# pre-exec address space), so a 2 MB tool would show ~15 MB.  When GNU time
# is available the command is run under `/usr/bin/time -f %M`, which forks
# from a tiny process and reports the grandchild's ru_maxrss (from its own
# wait4) exactly; otherwise os.wait4's ru_maxrss of the direct child is used
# and small values are only a floor (the baseline is printed).
GNU_TIME = "/usr/bin/time"
RSS_METHOD = {"how": "wait4", "baseline": 0}


def setup_rss(mode, tmp):
    """Pick the RSS method: 'time' (GNU time) or 'wait4'."""
    if mode in ("auto", "time") and os.access(GNU_TIME, os.X_OK):
        probe = os.path.join(tmp, "probe.rss")
        try:
            subprocess.run([GNU_TIME, "-f", "%M", "-o", probe, "true"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(probe) as f:
                int(f.read().split()[-1])
            RSS_METHOD["how"] = "time"
            return
        except (OSError, ValueError, IndexError, subprocess.CalledProcessError):
            pass
    if mode == "time":
        log("GNU time (%s) not usable; falling back to os.wait4 ru_maxrss" % GNU_TIME)
    RSS_METHOD["how"] = "wait4"
    _, rss, _ = run_measured(["true"], None, tmp, os.path.join(tmp, "probe.err"))
    RSS_METHOD["baseline"] = rss


TIMEOUT = {"seconds": 0}


def run_measured(argv, stdout_path, cwd, err_path):
    """Run argv; return (wall seconds, peak RSS bytes, exit code).

    With --timeout, the process group is killed after that many seconds
    (the exit code is then negative)."""
    rss_file = err_path + ".rss"
    if RSS_METHOD["how"] == "time":
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + argv
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = open(err_path, "wb")
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, cwd=cwd,
                                start_new_session=TIMEOUT["seconds"] > 0)
        timer = None
        if TIMEOUT["seconds"] > 0:
            timer = threading.Timer(TIMEOUT["seconds"], os.killpg,
                                    (proc.pid, signal.SIGKILL))
            timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if out is not subprocess.DEVNULL:
            out.close()
        err.close()
    rss = ru.ru_maxrss * 1024
    if RSS_METHOD["how"] == "time":
        try:
            with open(rss_file) as f:
                # GNU time writes "Command exited with non-zero status N" first
                rss = int(f.read().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    return wall, rss, proc.returncode


# Shared by retrieval.py and archive.py: commands that must succeed.

class Failure(Exception):
    pass


def run(argvs, stdout_path, cwd=None):
    """Run a pipeline (a list of argv lists, or one argv) with the last
    stdout to stdout_path (os.devnull for none) and each stderr beside it
    (.err0, .err1, ...).  Return (wall s, CPU s): wall until the last
    process ended, CPU = user + system of all processes (wait4).  Raises
    Failure if any exits non-zero."""
    if argvs and isinstance(argvs[0], str):
        argvs = [argvs]
    errbase = (stdout_path if stdout_path != os.devnull
               else os.path.join(cwd or tempfile.gettempdir(), "devnull"))
    procs, errs = [], []
    out = open(stdout_path, "wb")
    try:
        t0 = time.perf_counter()
        prev = subprocess.DEVNULL
        for k, argv in enumerate(argvs):
            err = open("%s.err%d" % (errbase, k), "wb")
            errs.append(err)
            last = k == len(argvs) - 1
            p = subprocess.Popen(argv, stdin=prev, stdout=out if last else subprocess.PIPE,
                                 stderr=err, cwd=cwd)
            if prev is not subprocess.DEVNULL:
                prev.close()            # the child holds it now
            prev = p.stdout
            procs.append(p)
        cpu, codes = 0.0, []
        for p in procs:
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            cpu += ru.ru_utime + ru.ru_stime
            codes.append(p.returncode)
        wall = time.perf_counter() - t0
    finally:
        out.close()
        for e in errs:
            e.close()
    for k, (argv, rc) in enumerate(zip(argvs, codes)):
        if rc != 0:
            raise Failure("exit %d: %s\n  %s" % (rc, " | ".join(" ".join(a) for a in argvs),
                                                 read_tail("%s.err%d" % (errbase, k))))
    return wall, cpu


def run_text(argv, cwd=None):
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("exit %d: %s\n  %s" % (r.returncode, " ".join(argv), r.stderr.strip()))
    return r.stdout


def describe_exit(what, rc, argv, err_path):
    why = "exit %d" % rc if rc >= 0 else "killed by signal %d%s" % (
        -rc, " (--timeout)" if TIMEOUT["seconds"] > 0 else "")
    return "%s %s: %s\n  %s" % (what, why, " ".join(argv), read_tail(err_path))


def read_tail(path, n=600):
    try:
        with open(path, "rb") as f:
            data = f.read()
        return data[-n:].decode("utf-8", "replace").strip()
    except OSError:
        return ""


def run_job(comp, src_path, src_dir, src_name, tmp_root, job_id, repeat):
    """Compress + decompress one file with one compressor; return a result
    (times: the fastest of `repeat` runs in a row)."""
    size = os.path.getsize(src_path)
    res = {"file": src_name, "path": src_path, "size": size, "name": comp["name"],
           "kind": comp["kind"], "order": comp.get("order"), "ok": False,
           "error": None, "csize": None, "ctime": None, "dtime": None,
           "crss": None, "drss": None}
    artefact = comp.get("artefact", "c")
    job = os.path.join(tmp_root, "job%04d" % job_id)
    try:
        ctimes, dtimes, crss, drss = [], [], 0, 0
        for _ in range(repeat):
            shutil.rmtree(job, ignore_errors=True)
            os.makedirs(job)
            def step(what, cmd):
                argv, sout, cwd = cmd
                err = os.path.join(job, "err")
                wall, rss, rc = run_measured(argv, sout, cwd, err)
                if rc != 0:
                    res["error"] = describe_exit(what, rc, argv, err)
                return rc == 0, wall, rss

            ok, wall, rss = step("compress", comp["comp"](src_dir, src_name, job))
            if not ok:
                return res
            ctimes.append(wall)
            crss = max(crss, rss)
            csize = os.path.getsize(os.path.join(job, artefact))

            ok, wall, rss = step("decompress", comp["decomp"](job))
            if not ok:
                return res
            dtimes.append(wall)
            drss = max(drss, rss)
            back = os.path.join(job, "d")
            if not os.path.isfile(back) or not filecmp.cmp(src_path, back, shallow=False):
                got = os.path.getsize(back) if os.path.isfile(back) else "no file"
                res["error"] = ("ROUND TRIP MISMATCH: decoded output (%s bytes) differs "
                                "from the original (%d bytes)" % (got, size))
                return res
        res.update(ok=True, csize=csize, ctime=min(ctimes), dtime=min(dtimes),
                   crss=crss, drss=drss)
        return res
    finally:
        shutil.rmtree(job, ignore_errors=True)


def merge_rounds(results):
    """One result per (file, compressor) from its rounds: the median times
    (each round's kept in ctimes/dtimes, by round), the largest RSS; failed
    if any round failed."""
    groups = {}
    for r in sorted(results, key=lambda r: r.get("round", 0)):
        groups.setdefault((r["path"], r["name"]), []).append(r)
    merged = []
    for rs in groups.values():
        bad = [r for r in rs if not r["ok"]]
        if bad:
            merged.append(bad[0])
            continue
        m = dict(rs[0])
        m["ctimes"] = [r["ctime"] for r in rs]
        m["dtimes"] = [r["dtime"] for r in rs]
        m["ctime"] = statistics.median(m["ctimes"])
        m["dtime"] = statistics.median(m["dtimes"])
        m["crss"] = max(r["crss"] for r in rs)
        m["drss"] = max(r["drss"] for r in rs)
        merged.append(m)
    return merged


def paired_ratio(a, b, key):
    """Median over rounds of a's time / b's time in the same round."""
    return statistics.median(x / y for x, y in zip(a[key], b[key]))


def add_ppmd_best(results, files):
    """Append one synthetic 'ppmd-best' result per file (best order)."""
    out = list(results)
    for f in files:
        cands = [r for r in results if r["path"] == f and r["kind"] == "ppmd" and r["ok"]]
        if not cands:
            continue
        best = min(cands, key=lambda r: (r["csize"], r["order"]))
        row = dict(best)
        row.update(name=PPMD_BEST, kind="ppmd-best")
        out.append(row)
    return out


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------

def mbs(nbytes, secs):
    return nbytes / 1e6 / secs if secs and secs > 0 else float("inf")


def fmt_row(cells, widths):
    return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                     for i, (c, w) in enumerate(zip(cells, widths))).rstrip()


HEAD = ["compressor", "size", "compressed", "bits/byte", "comp MB/s",
        "decomp MB/s", "cRSS MiB", "dRSS MiB"]
WIDTHS = [17, 10, 10, 9, 9, 11, 8, 8]


def row_cells(r, size=None):
    size = r["size"] if size is None else size
    name = r["name"]
    if r["kind"] == "ppmd-best":
        name = "%s (o%d)" % (PPMD_BEST, r["order"])
    if not r["ok"]:
        return [name, size, "FAILED", "", "", "", "", ""]
    return [name, size, r["csize"], "%.3f" % (8.0 * r["csize"] / size),
            "%.2f" % mbs(size, r["ctime"]), "%.2f" % mbs(size, r["dtime"]),
            "%.1f" % (r["crss"] / 2**20), "%.1f" % (r["drss"] / 2**20)]


def totals(results, names, files):
    """Per compressor totals over the files (only if it succeeded on all)."""
    tot = {}
    for n in names:
        rows = [r for r in results if r["name"] == n]
        if len(rows) != len(files) or not all(r["ok"] for r in rows):
            continue
        tot[n] = {
            "size": sum(r["size"] for r in rows),
            "csize": sum(r["csize"] for r in rows),
            "ctime": sum(r["ctime"] for r in rows),
            "dtime": sum(r["dtime"] for r in rows),
            "crss": max(r["crss"] for r in rows),
            "drss": max(r["drss"] for r in rows),
        }
    return tot


def print_table(results, names, files, tot, out):
    for f in files:
        rows = {r["name"]: r for r in results if r["path"] == f}
        if not rows:
            continue
        size = os.path.getsize(f)
        ok = [r for r in rows.values() if r["ok"] and r["kind"] != "ppmd-best"]
        best = min(ok, key=lambda r: r["csize"])["name"] if ok else None
        print("== %s (%d bytes)" % (os.path.relpath(f, CORPUS) if f.startswith(CORPUS)
                                    else f, size), file=out)
        print(fmt_row(HEAD, WIDTHS), file=out)
        for n in names:
            if n in rows:
                cells = row_cells(rows[n], size)
                if n == best:
                    cells[0] = "*" + cells[0]
                print(fmt_row(cells, WIDTHS), file=out)
        print(file=out)

    print("== TOTAL over %d files" % len(files), file=out)
    print(fmt_row(HEAD, WIDTHS), file=out)
    for n in names:
        if n in tot:
            t = tot[n]
            print(fmt_row([n, t["size"], t["csize"],
                           "%.3f" % (8.0 * t["csize"] / t["size"]),
                           "%.2f" % mbs(t["size"], t["ctime"]),
                           "%.2f" % mbs(t["size"], t["dtime"]),
                           "%.1f" % (t["crss"] / 2**20), "%.1f" % (t["drss"] / 2**20)],
                          WIDTHS), file=out)
        elif any(r["name"] == n for r in results):
            print(fmt_row([n, "", "incomplete"] + [""] * 5, WIDTHS), file=out)
    if PPMD_BEST in tot:
        orders = ["%s:o%d" % (os.path.basename(r["path"]), r["order"])
                  for r in results if r["kind"] == "ppmd-best"]
        print("(ppmd-best = per-file best order: %s)" % ", ".join(orders), file=out)
    print("(MB/s = 10^6 original bytes per wall second; RSS = peak resident set; "
          "* = smallest output for the file)", file=out)
    print(file=out)


def target_lines(results, files, tot, levels, default_level):
    """Ratios vs peers and target checks. Returns (lines, all_met)."""
    lines, met = [], True

    def check(ok, text):
        nonlocal met
        met = met and ok
        lines.append("  [%s] %s" % ("ok" if ok else "MISS", text))

    mdlz_names = ["mdlz -%d" % l for l in levels]
    refs = [("xz -9e", T_XZ), (PPMD_BEST, T_PPMD), ("zpaq -m5", T_ZPAQ)]
    lines.append("== RATIOS (mdlz total / peer total)")
    for n in mdlz_names:
        if n not in tot:
            continue
        parts = []
        for ref, _ in refs:
            if ref in tot:
                parts.append("vs %s %.4f" % (ref, tot[n]["csize"] / tot[ref]["csize"]))
        lines.append("  %-8s %s" % (n, "   ".join(parts) if parts else "(no peers)"))

    basenames = {os.path.basename(f) for f in files}
    text_set = basenames & {os.path.basename(p) for p in SETS["text"]}
    dname = "mdlz -%d" % default_level
    hname = "mdlz -%d" % max(levels) if levels else None
    lines.append("")
    lines.append("== TARGETS")
    if text_set:
        if dname in tot and "xz -9e" in tot:
            r = tot[dname]["csize"] / tot["xz -9e"]["csize"]
            check(r <= T_XZ, "%s total <= %.2f x xz -9e total: %.4f" % (dname, T_XZ, r))
        if dname in tot and PPMD_BEST in tot:
            r = tot[dname]["csize"] / tot[PPMD_BEST]["csize"]
            check(r <= T_PPMD, "%s total <= %.2f x ppmd-best total: %.4f" % (dname, T_PPMD, r))
        if hname in tot and "zpaq -m5" in tot:
            r = tot[hname]["csize"] / tot["zpaq -m5"]["csize"]
            check(r <= T_ZPAQ, "%s total <= zpaq -m5 total: %.4f" % (hname, r))
    for r in results:
        if r["name"] == dname and r["ok"] and r["file"] == "dickens":
            c, d = mbs(r["size"], r["ctime"]), mbs(r["size"], r["dtime"])
            check(c >= T_MBS and d >= T_MBS,
                  "%s on dickens >= %.0f MB/s: comp %.2f, decomp %.2f MB/s"
                  % (dname, T_MBS, c, d))
        lp = [q for q in results if q["path"] == r["path"] and q["name"] == "lpaq1 -6"
              and q["ok"]]
        if r["name"] == dname and r["ok"] and r["file"] == "dickens" and lp:
            c, d = paired_ratio(r, lp[0], "ctimes"), paired_ratio(r, lp[0], "dtimes")
            check(c <= 1.0 and d <= 1.0,
                  "%s on dickens at least as fast as lpaq1 -6 (time ratio, median "
                  "of %d rounds): comp %.3f, decomp %.3f" % (dname, len(r["ctimes"]), c, d))
    if files:
        largest = max(files, key=os.path.getsize)
        m = [r for r in results if r["path"] == largest and r["name"] == dname and r["ok"]]
        b = [r for r in results if r["path"] == largest and r["name"] == "bzip2 -9" and r["ok"]]
        if m and b:
            x = m[0]["ctime"] / b[0]["ctime"]
            check(x <= T_BZIP2_TIMES,
                  "%s compress time on %s <= %.0f x bzip2 -9: %.2f s / %.2f s = %.1fx"
                  % (dname, os.path.basename(largest), T_BZIP2_TIMES,
                     m[0]["ctime"], b[0]["ctime"], x))
        elif m:
            lines.append("  [--] bzip2 -9 not run: no time ratio on %s"
                         % os.path.basename(largest))
    for n in mdlz_names:
        rows = [r for r in results if r["name"] == n and r["ok"]]
        if rows:
            peak = max(max(r["crss"], r["drss"]) for r in rows) / 2**20
            # The memory target is the default level's; higher levels
            # trade memory for ratio by design, so theirs is reported only.
            if n == dname:
                check(peak <= T_RSS_MB, "%s peak RSS <= %.0f MiB: %.1f MiB" % (n, T_RSS_MB, peak))
            else:
                lines.append("  [--] %s peak RSS %.1f MiB (no target)" % (n, peak))
    for r in results:
        if r["name"] == dname and r["ok"] and r["file"] in ("ooffice", "x-ray"):
            x = [q for q in results if q["path"] == r["path"] and q["name"] == "xz -9e" and q["ok"]]
            if x:
                check(r["csize"] <= x[0]["csize"], "%s on %s <= xz -9e: %d vs %d"
                      % (dname, r["file"], r["csize"], x[0]["csize"]))
    if len(lines) and lines[-1] == "== TARGETS":
        lines.append("  (nothing to check: mdlz did not run or peers missing)")
    lines.append("")
    lines += threshold_lines(results, files, tot)
    return lines, met


def threshold_lines(results, files, tot):
    """The targets as absolute numbers implied by the peers' results."""
    lines = ["== THRESHOLDS implied by the peers (what mdlz must reach)"]
    basenames = {os.path.basename(f) for f in files}
    if basenames & {os.path.basename(p) for p in SETS["text"]}:
        if "xz -9e" in tot:
            lines.append("  default level total <= %.2f x xz -9e     = %d bytes"
                         % (T_XZ, int(T_XZ * tot["xz -9e"]["csize"])))
        if PPMD_BEST in tot:
            lines.append("  default level total <= %.2f x ppmd-best  = %d bytes"
                         % (T_PPMD, int(T_PPMD * tot[PPMD_BEST]["csize"])))
        if "zpaq -m5" in tot:
            lines.append("  highest level total <= zpaq -m5          = %d bytes"
                         % tot["zpaq -m5"]["csize"])
    if files:
        largest = max(files, key=os.path.getsize)
        b = [r for r in results if r["path"] == largest and r["name"] == "bzip2 -9" and r["ok"]]
        if b:
            t = T_BZIP2_TIMES * b[0]["ctime"]
            lines.append("  default level compress of %s <= %.0f x %.2f s = %.1f s (%.2f MB/s)"
                         % (os.path.basename(largest), T_BZIP2_TIMES, b[0]["ctime"], t,
                            mbs(b[0]["size"], t)))
    for r in results:
        if r["name"] == "xz -9e" and r["ok"] and r["file"] in ("ooffice", "x-ray"):
            lines.append("  default level on %s <= xz -9e = %d bytes" % (r["file"], r["csize"]))
    lines.append("  peak RSS <= %.0f MiB; >= %.0f MB/s on dickens" % (T_RSS_MB, T_MBS))
    return lines


def print_csv(results, names, files, tot, out):
    w = csv.writer(out)
    w.writerow(["file", "compressor", "size", "compressed", "bits_per_byte",
                "comp_mb_s", "decomp_mb_s", "comp_rss_mib", "decomp_rss_mib",
                "comp_s", "decomp_s", "ppmd_order", "status"])
    for f in files:
        for n in names:
            for r in results:
                if r["path"] == f and r["name"] == n:
                    if not r["ok"]:
                        w.writerow([r["file"], n, r["size"]] + [""] * 9 + ["FAILED"])
                        continue
                    w.writerow([r["file"], n, r["size"], r["csize"],
                                "%.4f" % (8.0 * r["csize"] / r["size"]),
                                "%.3f" % mbs(r["size"], r["ctime"]),
                                "%.3f" % mbs(r["size"], r["dtime"]),
                                "%.1f" % (r["crss"] / 2**20), "%.1f" % (r["drss"] / 2**20),
                                "%.3f" % r["ctime"], "%.3f" % r["dtime"],
                                r["order"] if r["kind"] == "ppmd-best" else "", "ok"])
    for n in names:
        if n in tot:
            t = tot[n]
            w.writerow(["TOTAL", n, t["size"], t["csize"],
                        "%.4f" % (8.0 * t["csize"] / t["size"]),
                        "%.3f" % mbs(t["size"], t["ctime"]),
                        "%.3f" % mbs(t["size"], t["dtime"]),
                        "%.1f" % (t["crss"] / 2**20), "%.1f" % (t["drss"] / 2**20),
                        "%.3f" % t["ctime"], "%.3f" % t["dtime"], "", "ok"])


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def int_list(s):
    return [int(x) for x in s.split(",") if x.strip()]


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Benchmark mdlz against zstd, xz, bzip2, brotli, 7-Zip PPMd and zpaq.")
    ap.add_argument("files", nargs="*", metavar="FILE",
                    help="files to compress (default: the --set)")
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"),
                    help="mdlz binary (default: build/cli/mdlz under the project root)")
    ap.add_argument("--no-mdlz", action="store_true", help="run the peers only")
    ap.add_argument("--levels", default="1,5,9", type=int_list,
                    help="mdlz levels (default 1,5,9)")
    ap.add_argument("--default-level", type=int, default=DEFAULT_LEVEL,
                    help="level the targets refer to (default %d)" % DEFAULT_LEVEL)
    ap.add_argument("--peers", default=DEFAULT_PEERS,
                    help="comma list from %s; '' for none (default %s)"
                    % (",".join(KNOWN_PEERS), DEFAULT_PEERS))
    ap.add_argument("--ppmd-orders", default="4,6,8,10,16", type=int_list,
                    help="7-Zip PPMd orders (default 4,6,8,10,16)")
    ap.add_argument("--ppmd-mem", default="256m", help="7-Zip PPMd mem= (default 256m)")
    ap.add_argument("--set", choices=sorted(SETS), default="text",
                    help="file set when no FILE is given (default text)")
    ap.add_argument("--format", choices=["table", "csv"], default="table")
    ap.add_argument("--jobs", type=int, default=1,
                    help="parallel jobs (default 1: timings are noisy otherwise)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per job in a row; the fastest time is kept (default 1)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the whole job list N times in turn, so the compressors "
                    "alternate; the median time is kept (default 1)")
    ap.add_argument("--lpaq1", metavar="PATH",
                    help="also run lpaq1 -6 from this binary (built from its public "
                    "source: bench/README.md)")
    ap.add_argument("--timeout", type=float, default=0,
                    help="kill a (de)compression after this many seconds (default: none)")
    ap.add_argument("--strict", action="store_true",
                    help="exit 2 when a target is missed")
    ap.add_argument("--rss", choices=["auto", "time", "wait4"], default="auto",
                    help="peak RSS via GNU time's %%M (exact) or os.wait4 of the "
                    "direct child (includes Python's fork baseline); default auto")
    ap.add_argument("--tmpdir", default=None, help="where to make the work directory")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    global log
    if args.quiet:
        log = lambda msg: None  # noqa: E731

    TIMEOUT["seconds"] = args.timeout
    files = [os.path.abspath(f) for f in args.files] or \
        [os.path.join(CORPUS, p) for p in SETS[args.set]]
    for f in files:
        if not os.path.isfile(f):
            print("error: no such file: %s" % f, file=sys.stderr)
            return 1
    names_seen = {}
    for f in files:
        b = os.path.basename(f)
        if b in names_seen:
            print("error: two inputs share the base name %s" % b, file=sys.stderr)
            return 1
        names_seen[b] = f

    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    for p in peers:
        if p not in KNOWN_PEERS:
            print("error: unknown peer %r (known: %s)" % (p, ",".join(KNOWN_PEERS)),
                  file=sys.stderr)
            return 1
    peers = ensure_peers(peers)

    comps = []
    levels = [] if args.no_mdlz else args.levels
    if levels:
        mdlz = os.path.abspath(args.mdlz)
        if os.path.isfile(mdlz) and os.access(mdlz, os.X_OK):
            comps += [mdlz_compressor(mdlz, l) for l in levels]
        else:
            log("SKIP mdlz: binary not found or not executable: %s "
                "(build it with: meson setup build && ninja -C build)" % mdlz)
            levels = []
    for p in peers:
        comps += peer_compressors(p, args.ppmd_orders, args.ppmd_mem)
    if args.lpaq1:
        if os.access(args.lpaq1, os.X_OK):
            comps.append(lpaq1_compressor(os.path.abspath(args.lpaq1)))
        else:
            log("SKIP lpaq1: not an executable: %s" % args.lpaq1)
    if not comps:
        print("error: nothing to run", file=sys.stderr)
        return 1

    names = [c["name"] for c in comps]
    if "ppmd" in peers:
        i = max(i for i, c in enumerate(comps) if c["kind"] == "ppmd")
        names.insert(i + 1, PPMD_BEST)

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else -1
    tmp_root = tempfile.mkdtemp(prefix="mdlz-bench-", dir=args.tmpdir)
    results = []
    try:
        setup_rss(args.rss, tmp_root)
        # one private copy of each input, under its base name (for archivers)
        inputs = []
        for i, f in enumerate(files):
            d = os.path.join(tmp_root, "in%02d" % i)
            os.makedirs(d)
            shutil.copyfile(f, os.path.join(d, os.path.basename(f)))
            inputs.append((f, d, os.path.basename(f)))

        jobs = [(c, f, d, n) for (f, d, n) in inputs for c in comps]
        rounds = max(1, args.rounds)
        log("mdlz bench: %d files x %d compressors = %d jobs, --jobs %d, "
            "%d round(s), work dir %s"
            % (len(files), len(comps), len(jobs), args.jobs, rounds, tmp_root))

        def work(k):
            c, f, d, n = jobs[k % len(jobs)]
            r = run_job(c, f, d, n, tmp_root, k, max(1, args.repeat))
            r["round"] = k // len(jobs)
            return r

        done = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            # Round after round over the whole job list: the compressors of
            # a file take turns, so a drift of the machine's speed reaches
            # them alike (the median of the rounds is kept, merge_rounds).
            futs = [ex.submit(work, k) for k in range(len(jobs) * rounds)]
            for fut in concurrent.futures.as_completed(futs):
                r = fut.result()
                results.append(r)
                done += 1
                if r["ok"]:
                    log("[%d/%d] %-16s %-13s %10d -> %9d  %.3f bpb  c %.2fs  d %.2fs"
                        % (done, len(futs), r["name"], r["file"], r["size"], r["csize"],
                           8.0 * r["csize"] / r["size"], r["ctime"], r["dtime"]))
                else:
                    log("[%d/%d] %-16s %-13s FAILED: %s"
                        % (done, len(futs), r["name"], r["file"], r["error"]))
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    results = add_ppmd_best(merge_rounds(results), files)
    tot = totals(results, names, files)
    failures = [r for r in results if not r["ok"]]

    out = sys.stdout
    if args.format == "csv":
        print_csv(results, names, files, tot, out)
        tlines, met = target_lines(results, files, tot, levels, args.default_level)
        if levels:
            for l in tlines:
                log(l)
    else:
        print("mdlz bench  %s" % time.strftime("%Y-%m-%d %H:%M:%S"), file=out)
        for l in tool_versions(peers):
            print("  " + l, file=out)
        if levels:
            print("  mdlz: %s (levels %s)" % (os.path.abspath(args.mdlz),
                                              ",".join(map(str, levels))), file=out)
        load_end = os.getloadavg()[0] if hasattr(os, "getloadavg") else -1
        print("  jobs %d, repeat %d, cpus %d, 1-min load average %.2f at start, %.2f at end"
              " (timings are wall clock: a load above --jobs means they are inflated)"
              % (args.jobs, args.repeat, os.cpu_count() or 0, load_start, load_end), file=out)
        if RSS_METHOD["how"] == "time":
            print("  peak RSS: ru_maxrss via %s -f %%M" % GNU_TIME, file=out)
        else:
            print("  peak RSS: os.wait4 ru_maxrss; values below %.1f MiB are the "
                  "Python fork baseline" % (RSS_METHOD["baseline"] / 2**20), file=out)
        print(file=out)
        print_table(results, names, files, tot, out)
        tlines, met = target_lines(results, files, tot, levels, args.default_level)
        if not levels:
            tlines = threshold_lines(results, files, tot)
        for l in tlines:
            print(l, file=out)
        print(file=out)

    if failures:
        for r in failures:
            msg = "FAILURE: %s on %s: %s" % (r["name"], r["path"], r["error"])
            print("!" * 72 + "\n" + msg + "\n" + "!" * 72, file=sys.stderr)
        return 1
    if args.strict and levels and not met:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
