#!/usr/bin/env python3
"""test_auto_cli.py - `mdlz --auto` end to end (suite 'auto').

  choice     `mdlz --auto -v` on one small file (all of it sampled) prints
             the candidates; the DL it reports for the chosen one equals
             payload + code of the `auto` row `mdlz ablate` measures on the
             same file, and the bytes written equal that payload;
  round trip what it writes decodes with plain `mdlz -d` (-R when the
             choice uses retrieval), for each objective and for a call on
             several files with -R;
  amortize   --amortize=N: each candidate's DL = payload + code * files / N;
  size       --auto=size: each DL = payload; the choice has the smallest;
  determinism two runs write the same bytes;
  errors     stdin, -d, --retrieval, --amortize without --auto, bad values:
             exit 2 with a message.

Usage: test_auto_cli.py MDLZ SAMPLES_DIR
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import check, finish  # noqa: E402

MDLZ, SAMPLES = sys.argv[1], sys.argv[2]


def run(*args, stdin=None):
    return subprocess.run([MDLZ, *args], capture_output=True, stdin=stdin)


def candidates(stderr):
    """(name, payload, code, dl, chosen) of each line of --auto -v."""
    out = []
    for m in re.finditer(r"^([* ]) (\S+)\s+(\d+)\s+(\d+)\s+([\d.]+)$",
                         stderr.decode(), re.M):
        out.append((m.group(2), int(m.group(3)), int(m.group(4)),
                    float(m.group(5)), m.group(1) == "*"))
    return out


def roundtrip(name, files, extra, tmp):
    """--auto on files into tmp, then plain -d; all bytes equal."""
    outs = []
    os.makedirs(os.path.join(tmp, "rt"), exist_ok=True)
    for f in files:
        dst = os.path.join(tmp, "rt", os.path.basename(f))
        shutil.copy(f, dst)
        outs.append(dst)
    r = run("-1", "--auto", "-v", "-f", *extra, *outs)
    if r.returncode != 0:
        check(name + ": --auto exits 0", False, r.stderr)
        return None
    ok = True
    for f, o in zip(files, outs):
        kb = ["-R", extra[extra.index("-R") + 1]] if "-R" in extra else []
        d = run("-d", "-c", *kb, o + ".mdlz")
        ok &= d.returncode == 0 and d.stdout == open(f, "rb").read()
    check(name + ": plain mdlz -d gives every file back", ok)
    return r


def main():
    small0 = os.path.join(SAMPLES, "1941_franklin_d_roosevelt_d.txt")
    docs = [os.path.join(SAMPLES, n) for n in
            ("1823_james_monroe_dr.txt", "1862_abraham_lincoln_r.txt")]
    calls = [os.path.join(SAMPLES, n) for n in
             ("1962_john_f_kennedy_d.txt", "2021_joseph_r_biden_d.txt",
              "1901_theodore_roosevelt_r.txt")]
    with tempfile.TemporaryDirectory() as tmp:
        kb = os.path.join(tmp, "kb.db")
        # one file the sample takes whole (up to MDLZ_AUTO_PIECE, 16 KiB)
        small = os.path.join(tmp, "small.txt")
        with open(small0, "rb") as f, open(small, "wb") as g:
            g.write(f.read(12000))
        r = run("index", "add", "-q", kb, *docs)
        check("index add", r.returncode == 0, r.stderr)

        # choice = ablate's auto row, on one file sampled whole
        r = run("-1", "--auto", "-v", "-R", kb, "-c", small)
        cands = candidates(r.stderr)
        chosen = [c for c in cands if c[4]]
        check("-v lists the candidates, one chosen",
              r.returncode == 0 and len(cands) >= 8 and len(chosen) == 1,
              r.stderr)
        check("-v: each DL = payload + code",
              all(abs(c[3] - (c[1] + c[2])) < 1e-6 for c in cands), cands)
        a = run("ablate", "-1", "-q", "-R", kb, "--format=json", small)
        rows = {c["name"]: c for c in json.loads(a.stdout)["configurations"]}
        auto = rows.get("auto")
        if chosen and auto:
            name, payload, code, dl, _ = chosen[0]
            check("the chosen DL = payload + code of ablate's auto row",
                  dl == auto["payload_bytes"] + auto["code_bytes"],
                  (dl, auto["payload_bytes"], auto["code_bytes"]))
            check("bytes written = the chosen payload",
                  len(r.stdout) == payload == auto["payload_bytes"],
                  (len(r.stdout), payload))
            check("the chosen DL is the smallest",
                  dl == min(c[3] for c in cands))
            fixed = [v["payload_bytes"] + v["code_bytes"]
                     for k, v in rows.items() if k not in ("auto", "all")]
            check("ablate: auto's DL <= every row's it chooses from",
                  auto["dl_bytes"] <= min(fixed), (auto["dl_bytes"], fixed))
        else:
            check("ablate has an auto row", False, a.stderr)

        # round trips: plain, -R on several files, size, amortize
        roundtrip("one file", [small], [], tmp)
        rr = roundtrip("three files -R", calls, ["-R", kb], tmp)
        roundtrip("--auto=size -R", calls, ["-R", kb, "--auto=size"], tmp)
        ra = roundtrip("--amortize=1000 -R", calls,
                       ["-R", kb, "--amortize=1000"], tmp)
        if ra:
            c = candidates(ra.stderr)
            check("--amortize=1000 on 3 files: DL = payload + code * 3/1000",
                  c and all(abs(x[3] - (x[1] + x[2] * 3 / 1000)) < 0.06
                            for x in c), c)
        rs = run("-1", "--auto=size", "-v", "-R", kb, "-c", *calls)
        c = candidates(rs.stderr)
        check("--auto=size: DL = payload, smallest chosen",
              c and all(x[3] == x[1] for x in c) and
              [x for x in c if x[4]][0][1] == min(x[1] for x in c), c)

        # determinism
        r1 = run("-1", "--auto", "-R", kb, "-c", *calls)
        r2 = run("-1", "--auto", "-R", kb, "-c", *calls)
        check("two runs write the same bytes",
              r1.returncode == 0 and r1.stdout == r2.stdout)

        # errors
        for args, what in (
                (["--auto", "-c", "-"], "standard input"),
                (["--auto", "-d", small], "compression only"),
                (["--auto", "--retrieval=whole", "-R", kb, small],
                 "retrieval mode"),
                (["--amortize=3", small], "needs --auto"),
                (["--auto=fast", small], "--auto takes"),
                (["--auto", "--amortize=0", small], "--amortize takes")):
            e = run(*args, stdin=subprocess.DEVNULL)
            check("%s: exit 2 (%s)" % (" ".join(args[:2]), what),
                  e.returncode == 2 and what.encode() in e.stderr, e.stderr)
    sys.exit(finish())


if __name__ == "__main__":
    main()
