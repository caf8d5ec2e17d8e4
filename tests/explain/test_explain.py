#!/usr/bin/env python3
"""test_explain.py - `mdlz explain` end to end (suite 'explain').

Builds an index of three samples and explains a fourth with -R and every
tool, as JSON, and checks:

  stream     the full configuration's payload is the size of what
             `mdlz -c` with the same flags writes, and each run without an
             augmentation the size `mdlz -c` writes without it;
  sums       the stream adds up: header + each block (header + payload) +
             trailer = payload; each model-coded block's payload is its
             bytes' code length (the sum of their costs) plus at most the
             coder's flush; the costs sum to model_cost; each saving sums
             to its total; payload_saved = payload without - payload with;
  notes      retrieval's sources point into the documents of the index
             (the bytes there are, for the most part, the input's), the
             tools' proposals name a tool;
  edges      an empty input (no bytes, one stream), a binary one (stored
             raw), --no-attribution (one run, no savings);
  command    -o - writes to standard output, an existing report is not
             overwritten without -f, and usage and input errors exit 2
             and 1 with a message.

Usage: test_explain.py MDLZ SAMPLES_DIR
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import check, finish  # noqa: E402

MDLZ, SAMPLES = sys.argv[1], sys.argv[2]
ONE = 65536


def run(*args):
    return subprocess.run([MDLZ, *args], capture_output=True)


def size_of(*args):
    r = run("-c", *args)
    assert r.returncode == 0, r.stderr
    return len(r.stdout)


def explain_json(*args):
    r = run("explain", "-q", "--format=json", "-o", "-", *args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def sums(j, what):
    l, blocks = j["layout"], j["blocks"]
    total = l["header"] + sum(b["header"] + b["payload"] for b in blocks) + l["trailer"]
    check(what + ": header + blocks + trailer = payload (%d)" % j["payload"],
          total == j["payload"], total)
    check(what + ": blocks cover the input",
          sum(b["size"] for b in blocks) == j["input_bytes"] == len(j["costs"]))
    check(what + ": the costs sum to model_cost", sum(j["costs"]) == j["model_cost"])
    for b in blocks:
        if b["kind"] != "model":
            continue
        cost = sum(j["costs"][b["start"]:b["start"] + b["size"]])
        check(what + ": block at %d: its costs sum to it" % b["start"], cost == b["model_cost"])
        gap = b["payload"] - cost / ONE / 8
        check(what + ": block at %d: payload %d = code length %.2f + flush" %
              (b["start"], b["payload"], cost / ONE / 8), -1 <= gap <= 5, gap)


def test_retrieval(work):
    kb = os.path.join(work, "kb.db")
    docs = ["1823_james_monroe_dr.txt", "1862_abraham_lincoln_r.txt",
            "1901_theodore_roosevelt_r.txt"]
    r = run("index", "add", kb, *[os.path.join(SAMPLES, d) for d in docs])
    assert r.returncode == 0, r.stderr
    src = os.path.join(SAMPLES, "1941_franklin_d_roosevelt_d.txt")
    data = open(src, "rb").read()
    j = explain_json("-R", kb, "--tools=all", src)
    flags = ["-R", kb, "--tools=all"]
    full = j["configurations"][0]
    check("full: payload = mdlz -c (%d)" % full["payload"],
          full["payload"] == j["payload"] == size_of(*flags, src))
    names = [a["name"] for a in j["augmentations"]]
    check("augmentations: retrieval and each tool", names == ["retrieval", "calc", "seq", "markup"], names)
    for a in j["augmentations"]:
        c = j["configurations"][a["configuration"]]
        if a["name"] == "retrieval":
            want = size_of("--tools=all", src)
        else:
            rest = [t for t in ("calc", "seq", "markup") if t != a["name"]]
            want = size_of("-R", kb, "--tools=" + ",".join(rest), src)
        check("without %s: payload = mdlz -c without it (%d)" % (a["name"], want),
              c["payload"] == want, c["payload"])
        check("%s: payload_saved" % a["name"], a["payload_saved"] == c["payload"] - full["payload"])
        s = j["savings"][a["name"]]
        check("%s: one saving per byte, summing to its total" % a["name"],
              len(s) == len(data) and sum(s) == a["saving"])
    check("retrieval saves", j["augmentations"][0]["saving"] > 0 and
          j["augmentations"][0]["payload_saved"] > 0)
    base = j["configurations"][-1]
    check("base: no retrieval, no tools", base["name"] == "base" and base["tools"] == [] and
          base["retrieval"] == [] and base["payload"] == size_of("--tools=none", src))
    for c in j["configurations"]:
        check("%s: DL = payload + code" % c["name"], c["dl"] == c["payload"] + c["code"] and
              c["code"] == sum(k["code_bytes"] for k in c["components"]))
    sums(j, "retrieval")
    texts = {}
    for d in j["documents"]:
        texts[len(texts)] = open(d["name"], "rb").read()
    # A run is one match of the retrieval match model: it starts where the
    # 8 bytes before it in the document are the 8 before it in the input
    # (the model verifies at least that much), and runs on in both.
    good = 0
    for pos, n, doc, off in j["sources"]:
        t = texts[doc]
        good += (off >= 8 and pos >= 8 and off + n <= len(t) and pos + n <= len(data)
                 and t[off - 8:off] == data[pos - 8:pos])
    check("sources: %d runs, each a match of 8 bytes of context" % len(j["sources"]),
          len(j["sources"]) > 100 and good == len(j["sources"]), good)
    check("proposals name a tool", j["proposals"] and
          all(0 < p[1] < len(names) for p in j["proposals"]), j["proposals"][:3])


def test_edges(work):
    empty = os.path.join(work, "empty")
    open(empty, "wb").close()
    j = explain_json(empty)
    check("empty: no bytes, no blocks", j["input_bytes"] == 0 and j["costs"] == [] and
          j["blocks"] == [] and j["augmentations"] == [])
    check("empty: payload = mdlz -c", j["payload"] == size_of(empty))
    sums(j, "empty")
    binary = os.path.join(work, "binary")
    x, out = 7, bytearray()
    for _ in range(100000):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out.append(x >> 16 & 255)
    open(binary, "wb").write(bytes(out))
    j = explain_json(binary)
    # incompressible: a STORE block, not modelled, 8 bits a byte
    check("binary: stored unmodelled", [b["kind"] for b in j["blocks"]] == ["store"], j["blocks"])
    check("binary: 8 bits a byte", j["blocks"][0]["model_cost"] == 8 * len(out) * ONE, j["blocks"])
    check("binary: payload = mdlz -c", j["payload"] == size_of(binary))
    sums(j, "binary")
    src = os.path.join(SAMPLES, "1962_john_f_kennedy_d.txt")
    j = explain_json("--no-attribution", "--tools=seq", src)
    check("--no-attribution: one run, no savings", len(j["configurations"]) == 1 and
          j["savings"] == {"seq": []}, (len(j["configurations"]), list(j["savings"])))


def test_command(work):
    src = os.path.join(work, "speech.txt")
    shutil.copy(os.path.join(SAMPLES, "1962_john_f_kennedy_d.txt"), src)
    r = run("explain", "-q", src)
    report = src + ".explain.html"
    check("writes FILE.explain.html", r.returncode == 0 and os.path.getsize(report) > 1000)
    before = open(report, "rb").read()
    r = run("explain", "-q", "-1", src)
    check("an existing report is not overwritten without -f",
          r.returncode == 1 and b"already exists" in r.stderr and open(report, "rb").read() == before)
    r = run("explain", "-q", "-f", "-1", src)
    check("-f overwrites", r.returncode == 0 and open(report, "rb").read() != before)
    r = run("explain", "-q", "-o", "-", src)
    check("-o - writes the page to stdout", r.returncode == 0 and r.stdout.startswith(b"<!DOCTYPE html>"))
    for args, code, what in ((["explain"], 2, "no input file"),
                             (["explain", "--tools=nosuch", src], 2, "nosuch"),
                             (["explain", "--retrieval=whole", src], 2, "needs -R"),
                             (["explain", "--format=xml", src], 2, "--format"),
                             (["explain", src, src], 2, "one FILE"),
                             (["explain", "-R", os.path.join(work, "none.db"), src], 1, "none.db"),
                             (["explain", os.path.join(work, "missing")], 1, "missing")):
        r = run(*args)
        check("%s: exit %d naming it" % (" ".join(args[1:]) or "no args", code),
              r.returncode == code and what.encode() in r.stderr, (r.returncode, r.stderr))


def main():
    work = tempfile.mkdtemp(prefix="mdlz-explain-")
    try:
        test_retrieval(work)
        test_edges(work)
        test_command(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(finish())


if __name__ == "__main__":
    main()
