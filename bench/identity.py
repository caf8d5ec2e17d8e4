#!/usr/bin/env python3
"""identity.py - the byte-identity check for refactors (python3, stdlib only).

A change that must not change behaviour (a refactor, a move of code between
folders) must leave every stream and archive byte for byte as it was. This
script writes a manifest, one line per output: its SHA-256, the command's
settings and the input; run it before and after the change and compare the
two manifests with `diff`.

Outputs made (paths relative to the corpus, ../shared/corpus):

  * every file of the corpus at -5;
  * every file of text/ at -1 and at -9;
  * collections/*: the files sorted by relative path, every 5th held out
    (as bench/retrieval.py splits them), the others indexed with
    `mdlz index add`; each held-out file with -R at the default mode;
  * every file of structured/ and arith/ with --tools=all;
  * one archive per collection (`mdlz archive create`, default settings).

Usage:
  python3 bench/identity.py [--mdlz build/cli/mdlz] [--jobs 2] --out FILE
  diff before.txt after.txt && echo identical
"""

import argparse
import concurrent.futures
import hashlib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
HOLD_OUT_EVERY = 5


def files_under(rel):
    out = []
    base = os.path.join(CORPUS, rel)
    for d, dirs, names in os.walk(base):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(os.path.relpath(p, CORPUS))
    return sorted(out)


def sha_of_cmd(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.decode(errors="replace").strip()))
    return hashlib.sha256(r.stdout).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true",
                    help="only text/canterbury, one collection (manpages) and its archive")
    a = ap.parse_args()
    mdlz = os.path.abspath(a.mdlz)
    if not os.path.isdir(CORPUS):
        sys.exit("identity.py: no corpus at %s" % CORPUS)
    tmp = tempfile.mkdtemp(prefix="mdlz-identity-")
    jobs = []  # (label, rel, cmd)
    all_files = files_under("")
    text = files_under("text")
    if a.quick:
        all_files = files_under("text/canterbury")
        text = all_files
    for f in all_files:
        jobs.append(("-5", f, [mdlz, "-5", "-q", "-c", os.path.join(CORPUS, f)]))
    for lv in ("-1", "-9"):
        for f in text:
            jobs.append((lv, f, [mdlz, lv, "-q", "-c", os.path.join(CORPUS, f)]))
    if not a.quick:
        for f in files_under("structured") + files_under("arith"):
            jobs.append(("-5 --tools=all", f,
                         [mdlz, "-5", "-q", "--tools=all", "-c", os.path.join(CORPUS, f)]))
    colls = ["manpages"] if a.quick else ["sotu", "python-docs", "manpages"]
    archives = []
    for c in colls:
        fs = files_under(os.path.join("collections", c))
        held = [f for i, f in enumerate(fs) if (i + 1) % HOLD_OUT_EVERY == 0]
        train = [f for i, f in enumerate(fs) if (i + 1) % HOLD_OUT_EVERY != 0]
        db = os.path.join(tmp, c + ".db")
        # Names as the sorted relative paths, added in that order.
        subprocess.run([mdlz, "index", "add", "-q", db] + train, cwd=CORPUS, check=True,
                       stdout=subprocess.DEVNULL)
        for f in held:
            jobs.append(("-5 -R", f, [mdlz, "-5", "-q", "-R", db, "-c",
                                       os.path.join(CORPUS, f)]))
        archives.append((c, os.path.join(tmp, c + ".mdlza")))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        futs = {ex.submit(sha_of_cmd, cmd): (label, rel) for label, rel, cmd in jobs}
        for c, path in archives:
            cmd = [mdlz, "archive", "create", "-q", "-T1", path,
                   os.path.join("collections", c)]
            futs[ex.submit(subprocess.run, cmd, cwd=CORPUS, check=True)] = ("archive", c)
        for fu in concurrent.futures.as_completed(futs):
            label, rel = futs[fu]
            r = fu.result()
            if label == "archive":
                with open(dict(archives)[rel], "rb") as fh:
                    r = hashlib.sha256(fh.read()).hexdigest()
            results[(label, rel)] = r
    with open(a.out, "w") as out:
        for (label, rel) in sorted(results):
            out.write("%s  %s  %s\n" % (results[(label, rel)], label, rel))
    subprocess.run(["rm", "-rf", tmp])
    print("identity.py: %d outputs hashed into %s" % (len(results), a.out))


if __name__ == "__main__":
    main()
