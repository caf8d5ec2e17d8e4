#!/usr/bin/env python3
"""test_value.py - `mdlz value` and `mdlz select` end to end (suite 'value').

On the samples (six State of the Union addresses), at level 1:

  alone        a document's bits alone are 8 x the bytes `mdlz -1 -c` writes;
  loo          its leave-one-out bits equal compressing it with -R and an
               index built without it (retrieval ranks as that index would);
  held-out     the held-out bits are 8 x what `mdlz -1 -R KB.db` writes;
  utility      each document's utility against two real runs (an index
               without it): within UTIL_TOL of the held-out bits, the
               difference being the held-out files that did not use it (not
               re-coded; printed); a document no held-out file used has
               utility 0;
  formats      CSV and JSON agree; the table says what is exact and has
               totals; --plot writes SVG with one circle
               per document and named outliers;
  select       deterministic (two runs, same list), within the budget, the
               list's documents in the index --index builds; a binary
               candidate is refused as the index refuses it;
  edge cases   an empty index, one document, near-duplicates (each nearly
               free given the other), identical content stored once;
  errors       usage errors exit 2, a missing index exits 1.

Usage: test_value.py MDLZ SAMPLES_DIR
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import check, finish  # noqa: E402

MDLZ, SAMPLES = os.path.abspath(sys.argv[1]), sys.argv[2]
NAMES = ["1823_james_monroe_dr.txt", "1862_abraham_lincoln_r.txt",
         "1901_theodore_roosevelt_r.txt", "1941_franklin_d_roosevelt_d.txt"]
HELD = ["1962_john_f_kennedy_d.txt", "2021_joseph_r_biden_d.txt"]
UTIL_TOL = 0.01   # files not re-coded: |utility - real| / held-out bits
SVG = "{http://www.w3.org/2000/svg}"

def run(*args, cwd=None):
    return subprocess.run([MDLZ, *args], capture_output=True, cwd=cwd)


def bits(*args):
    r = run("-1", "-q", "-c", *args)
    assert r.returncode == 0, r.stderr
    return 8 * len(r.stdout)


def index(db, files):
    r = run("index", "add", "-q", db, *files)
    assert r.returncode == 0, r.stderr


def value_json(db, *extra):
    r = run("value", "-1", "-q", "--format=json", db, *extra)
    if r.returncode != 0:
        return None, r.stderr.decode()
    return json.loads(r.stdout), ""


def main():
    tmp = tempfile.mkdtemp(prefix="mdlz-value-test-")
    try:
        tests(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


def tests(tmp):
    docs = [os.path.join(tmp, n) for n in NAMES]
    held = [os.path.join(tmp, n) for n in HELD]
    for n in NAMES + HELD:
        shutil.copy(os.path.join(SAMPLES, n), tmp)
    kb = os.path.join(tmp, "kb.db")
    index(kb, docs)
    v, err = value_json(kb, "--heldout", *held)
    check("value runs", v is not None, err)
    if v is None:
        return
    rows = {os.path.basename(d["name"]): d for d in v["documents"]}
    check("every document listed", sorted(rows) == sorted(NAMES), sorted(rows))
    check("json says unused files are not re-coded", v["unused_recoded"] is False)

    # alone, leave-one-out, held-out, utility against real runs
    full = sum(bits("-R", kb, h) for h in held)
    check("held-out bits = mdlz -R", v["total"]["heldout_bits"] == full,
          (v["total"]["heldout_bits"], full))
    for i, name in enumerate(NAMES):
        d = rows[name]
        check("alone = mdlz -c: " + name, d["bits_alone"] == bits(docs[i]),
              (d["bits_alone"], bits(docs[i])))
        kb_wo = os.path.join(tmp, "wo%d.db" % i)
        index(kb_wo, [x for x in docs if x != docs[i]])
        real = bits("-R", kb_wo, docs[i])
        check("loo = mdlz -R with an index without it: " + name,
              d["bits_loo"] == real, (d["bits_loo"], real))
        util = sum(bits("-R", kb_wo, h) for h in held) - full
        print("# %s: utility %d, real %d (used by %d)" % (name, d["utility"], util,
                                                         d["used_by"]))
        check("utility within %.0f%% of held-out bits of two real runs: %s"
              % (100 * UTIL_TOL, name),
              abs(d["utility"] - util) <= UTIL_TOL * full, (d["utility"], util))
        if d["used_by"] == 0:
            check("unused document: utility 0: " + name, d["utility"] == 0)
    check("total utility is the sum",
          v["total"]["utility"] == sum(d["utility"] for d in v["documents"]))

    # formats
    r = run("value", "-1", "-q", "--format=csv", kb, "--heldout", *held)
    lines = list(csv.reader(io.StringIO(r.stdout.decode())))
    check("csv: header, one row per document, totals",
          r.returncode == 0 and len(lines) == 2 + len(NAMES) and lines[-1][0] == "total")
    same = all(int(row[3]) == rows[os.path.basename(row[1])]["bits_alone"] and
               int(row[6]) == rows[os.path.basename(row[1])]["utility"]
               for row in lines[1:-1])
    check("csv agrees with json", same)
    svg = os.path.join(tmp, "v.svg")
    r = run("value", "-1", "-q", kb, "--heldout", *held, "--plot=" + svg)
    out = r.stdout.decode()
    check("table: what is exact, totals", r.returncode == 0 and "(exact)" in out and
          "\ntotal" in out, out)
    try:
        root = ET.parse(svg).getroot()
        circles = root.findall(".//" + SVG + "circle")
        texts = [t.text for t in root.iter(SVG + "text")]
        check("svg: one circle per document", len(circles) == len(NAMES))
        check("svg: outliers named", any(t in NAMES for t in texts), texts)
    except (ET.ParseError, OSError) as e:
        check("svg well-formed", False, e)

    edge_cases(tmp, docs)
    select_tests(tmp, docs)
    errors(tmp, kb)


def edge_cases(tmp, docs):
    empty_dir = os.path.join(tmp, "empty")
    os.mkdir(empty_dir)
    kb0 = os.path.join(tmp, "empty.db")
    index(kb0, [empty_dir])
    v, err = value_json(kb0)
    check("empty index: no documents, zero totals",
          v is not None and v["documents"] == [] and v["total"]["bits_alone"] == 0, err)
    kb1 = os.path.join(tmp, "one.db")
    index(kb1, docs[:1])
    v, err = value_json(kb1)
    ok = v is not None and len(v["documents"]) == 1
    d = v["documents"][0] if ok else {}
    # nothing else to retrieve: given the rest it costs what it costs alone
    # plus at most the retrieval record
    check("one document: loo about alone",
          ok and d["bits_alone"] <= d["bits_loo"] <= d["bits_alone"] + 8 * 32, d or err)

    # near-duplicates: the second differs in a few lines
    a = open(docs[0], "rb").read()
    n = len(a)
    near = (a[:n // 4] + b"\nA line that the other copy does not have.\n" +
            a[n // 4:n // 2] + b"\nAnd a second one.\n" + a[n // 2:3 * n // 4] +
            b"\nAnd a third.\n" + a[3 * n // 4:])
    b_path, c_path = os.path.join(tmp, "near.txt"), os.path.join(tmp, "copy.txt")
    open(b_path, "wb").write(near)
    shutil.copy(docs[0], c_path)
    kbn = os.path.join(tmp, "near.db")
    index(kbn, [docs[0], b_path, c_path, docs[1]])
    v, err = value_json(kbn)
    if v is None:
        check("near-duplicates: value runs", False, err)
        return
    names = [os.path.basename(d["name"]) for d in v["documents"]]
    check("identical content stored once", len(names) == 3 and "copy.txt" not in names,
          names)
    nov = {os.path.basename(d["name"]): d["novelty"] for d in v["documents"]}
    check("near-duplicates: near-zero novelty",
          nov.get("near.txt", 1) < 0.1 and nov.get(NAMES[0], 1) < 0.1, nov)
    check("a distinct document keeps its novelty", nov.get(NAMES[1], 0) > 0.5, nov)


def select_tests(tmp, docs):
    l1, l2 = os.path.join(tmp, "s1.txt"), os.path.join(tmp, "s2.txt")
    sdb = os.path.join(tmp, "sel.db")
    budget = sum(os.path.getsize(d) for d in docs) // 2
    r1 = run("select", "-1", "-q", *docs, "--budget", str(budget), "-o", l1,
             "--index", sdb)
    r2 = run("select", "-1", "-q", *docs, "--budget", str(budget), "-o", l2)
    check("select runs", r1.returncode == 0 and r2.returncode == 0,
          r1.stderr + r2.stderr)
    if r1.returncode or r2.returncode:
        return
    p1, p2 = open(l1).read().split(), open(l2).read().split()
    check("select is deterministic", p1 == p2 and len(p1) > 0, (p1, p2))
    check("select keeps the budget", sum(os.path.getsize(p) for p in p1) <= budget)
    ls = run("index", "ls", sdb).stdout.decode()
    check("--index holds the list", all(os.path.basename(p) in ls for p in p1) and
          all(os.path.basename(d) not in ls for d in docs if d not in p1), ls)
    r = run("select", "-1", "-q", *docs, "--budget", "50%", "--index", sdb)
    check("--index never changes an existing index", r.returncode == 1 and
          b"exists" in r.stderr, r.stderr)
    r = run("select", "-1", "-q", *docs[:2], "--budget", "100%",
            "--target", docs[2])
    check("--target: select runs", r.returncode == 0, r.stderr)
    binf = os.path.join(tmp, "blob.bin")
    open(binf, "wb").write(bytes(range(256)) * 4)
    r = run("select", "-1", "-q", docs[0], binf, "--budget", "50%")
    check("binary candidate refused as the index refuses it",
          r.returncode == 1 and b"binary document" in r.stderr, r.stderr)
    r = run("index", "add", "-q", os.path.join(tmp, "bin.db"), binf)
    check("... and the index refuses it too", r.returncode != 0)


def errors(tmp, kb):
    for args in (["value"], ["value", kb, "--format=xml"], ["value", kb, "--plot=x.svg"],
                 ["select", "x.txt"], ["select", "--budget", "10%"],
                 ["select", "x.txt", "--budget", "nonsense"]):
        r = run(*args, cwd=tmp)
        check("usage error exits 2: " + " ".join(args[1:]), r.returncode == 2,
              (r.returncode, r.stderr))
    r = run("value", os.path.join(tmp, "missing.db"))
    check("missing index exits 1", r.returncode == 1 and r.stderr.count(b"\n") == 1,
          r.stderr)


if __name__ == "__main__":
    sys.exit(main())
