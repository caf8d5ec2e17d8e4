#!/usr/bin/env python3
"""test_ablate.py - `mdlz ablate` end to end (suite 'ablate').

Builds a two-document index with `mdlz index add`, runs `mdlz ablate` at
level 1 on two of the samples with -R, every built-in tool, JSON output and
--plot, and checks:

  payload    each row's payload is the size of the files that `mdlz -c`
             with the equivalent flags writes (default: no flags;
             retrieval-whole: --retrieval=whole -R KB.db; retrieval-online;
             retrieval-both: -R KB.db; tool-NAME: --tools=NAME; all:
             --tools=all -R KB.db), summed over the files;
  code       each row's components and code bytes are the `mdlz -l -v`
             breakdown of those files (each component counted once);
             cm-only: core and orders only, with the same sizes;
  figures    DL = payload + code, the change against the base row, the
             index column = `mdlz index stats` stored bytes (retrieval rows
             only), amortized = (DL + index) / files;
  formats    the JSON and CSV parse (json, csv modules) and agree; the table
             has one line per configuration; the SVG is well-formed XML with
             one <path> per configuration, titled with its name;
  errors     a tool that is not present (unknown name, plugin that does not
             load) is refused with exit 2 and a message naming it; other
             usage errors exit 2; a missing input exits 1; -q is silent.

Usage: test_ablate.py MDLZ SAMPLES_DIR
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import check, finish  # noqa: E402

MDLZ, SAMPLES = sys.argv[1], sys.argv[2]
FILES = [os.path.join(SAMPLES, n) for n in
         ("1941_franklin_d_roosevelt_d.txt", "1962_john_f_kennedy_d.txt")]
DOCS = [os.path.join(SAMPLES, n) for n in
        ("1823_james_monroe_dr.txt", "1862_abraham_lincoln_r.txt")]
SVG = "{http://www.w3.org/2000/svg}"

def run(*args, stdin=None):
    return subprocess.run([MDLZ, *args], capture_output=True, stdin=stdin)


def builtin_tools():
    """Tool names listed by `mdlz tools` (none if it is unavailable)."""
    r = run("tools")
    if r.returncode != 0:
        return []
    lines = r.stdout.decode().splitlines()[1:]
    return [ln.split()[0] for ln in lines if ln.strip()]


def written(flags, tmp):
    """Payload and code costs of the files `mdlz -1 -c FLAGS` writes."""
    payload, comps = 0, {}
    for i, f in enumerate(FILES):
        r = run("-1", "-c", *flags, f)
        if r.returncode != 0:
            return None, r.stderr.decode()
        payload += len(r.stdout)
        z = os.path.join(tmp, "w%d.mdlz" % i)
        with open(z, "wb") as out:
            out.write(r.stdout)
        listing = run("-l", "-v", z).stdout.decode()
        for name, n in re.findall(r"^\s+code (\S+)\s+(\d+) bytes$", listing,
                                  re.M):
            comps[name] = int(n)
    return payload, comps


def equivalent_flags(row, kb, cli_has_tools):
    """The `mdlz -c` flags that write what `row` measured (None: none)."""
    name = row["name"]
    ret = {"none": [], "whole": ["--retrieval=whole", "-R", kb],
           "online": ["--retrieval=online", "-R", kb],
           "both": ["-R", kb]}[row["retrieval"]]
    if not row["match"]:  # no flag turns the match model off
        return None
    if not cli_has_tools:
        return ret if not row["tools"] else None
    tools = "none" if not row["tools"] else ",".join(row["tools"])
    return ret + ["--tools=" + tools]


def main():
    tools = builtin_tools()
    cli_has_tools = b"--tools" in run("--help").stdout
    with tempfile.TemporaryDirectory() as tmp:
        kb = os.path.join(tmp, "kb.db")
        r = run("index", "add", kb, *DOCS)
        check("index add", r.returncode == 0, r.stderr)
        stored = int(re.search(rb"^stored\s+(\d+)", run("index", "stats", kb)
                               .stdout, re.M).group(1))
        svg = os.path.join(tmp, "plot.svg")
        r = run("ablate", "-1", "-q", "-R", kb, "--format=json",
                "--plot=" + svg, *FILES)
        check("ablate -R --format=json --plot exits 0", r.returncode == 0,
              r.stderr)
        check("-q: nothing on stderr", r.stderr == b"", r.stderr)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            check("JSON parses", False, e)
            return
        check("JSON parses", True)
        rows = doc["configurations"]
        names = [c["name"] for c in rows]
        want = (["cm-only", "default", "retrieval-whole", "retrieval-online",
                 "retrieval-both"] + ["tool-" + t for t in tools] + ["all", "auto"])
        check("rows in order", names == want, names)
        check("base row is default", doc["base"] == "default")
        check("index size = index stats stored",
              doc["index"]["stored_bytes"] == stored)
        base = rows[names.index("default")]
        base_dl = base["payload_bytes"] + base["code_bytes"]
        n_files = len(FILES)
        for row in rows:
            nm = row["name"]
            dl = row["payload_bytes"] + row["code_bytes"]
            check(nm + ": DL = payload + code", row["dl_bytes"] == dl)
            check(nm + ": code = sum of components", row["code_bytes"] ==
                  sum(c["code_bytes"] for c in row["components"]))
            check(nm + ": change against default",
                  row["delta_bytes"] == dl - base_dl and
                  abs(row["delta_percent"] - 100.0 * (dl - base_dl) / base_dl)
                  < 0.001)
            idx = stored if row["retrieval"] != "none" else None
            check(nm + ": index column", row["index_bytes"] == idx,
                  row["index_bytes"])
            check(nm + ": amortized = (DL + index) / files",
                  abs(row["amortized_bytes_per_file"] -
                      (dl + (idx or 0)) / n_files) < 0.1)
            flags = equivalent_flags(row, kb, cli_has_tools)
            if flags is None:
                continue
            payload, comps = written(flags, tmp)
            check(nm + ": payload = mdlz -c " + " ".join(flags),
                  payload == row["payload_bytes"],
                  (payload, row["payload_bytes"]))
            got = {c["name"]: c["code_bytes"] for c in row["components"]}
            check(nm + ": code = mdlz -l -v of the written files",
                  got == comps, (got, comps))
        cm = {c["name"]: c["code_bytes"] for c in rows[0]["components"]}
        dflt = {c["name"]: c["code_bytes"] for c in base["components"]}
        check("cm-only: core and orders, no match",
              sorted(cm) == ["core", "orders"] and
              all(cm[k] == dflt[k] for k in cm), cm)

        # SVG: well-formed, one path per configuration, titled.
        try:
            root = ET.parse(svg).getroot()
            paths = root.findall(SVG + "path")
            titles = [p.findtext(SVG + "title") for p in paths]
            check("SVG: one path per configuration", len(paths) == len(rows),
                  len(paths))
            check("SVG: paths titled with the configurations",
                  [t.split(":")[0] for t in titles] == names, titles)
            texts = " ".join(t.text or "" for t in root.iter(SVG + "text"))
            check("SVG: axis labels and legend",
                  "input position" in texts and
                  "cumulative compressed size" in texts and
                  all(n in texts for n in names))
        except (ET.ParseError, OSError) as e:
            check("SVG parses", False, e)

        # CSV (without the tool rows, to save time): parses, and its rows
        # have the JSON's payloads and DL (the output is deterministic).
        r = run("ablate", "-1", "-q", "-R", kb, "--tools=none",
                "--format=csv", *FILES)
        by_name = {c["name"]: c for c in rows}
        try:
            table = list(csv.DictReader(io.StringIO(r.stdout.decode())))
            check("CSV parses", r.returncode == 0 and len(table) == 7)
            check("CSV agrees with JSON", all(
                int(t["payload_bytes"]) == by_name[t["config"]]["payload_bytes"]
                and int(t["dl_bytes"]) == by_name[t["config"]]["dl_bytes"]
                for t in table if t["config"] not in ("all", "auto")))
        except (csv.Error, KeyError, ValueError) as e:
            check("CSV parses", False, e)

        # Table: a heading and one line per configuration.
        r = run("ablate", "-1", "-q", "--tools=none", FILES[0])
        lines = r.stdout.decode().splitlines()
        check("table: heading and rows", r.returncode == 0 and
              lines[1].split()[:5] == ["config", "payload", "bpb", "code",
                                       "DL"] and
              [ln.split()[0] for ln in lines[2:4]] == ["cm-only", "default"],
              lines)

        # Errors.
        r = run("ablate", "-1", "--tools=nosuchtool", FILES[0])
        check("unknown tool refused (exit 2, named)", r.returncode == 2 and
              b"'nosuchtool' is not present" in r.stderr, r.stderr)
        r = run("ablate", "-1", "--tool=" + os.path.join(tmp, "no.so"),
                FILES[0])
        check("plugin that does not load refused (exit 2, named)",
              r.returncode == 2 and b"no.so' is not present" in r.stderr,
              r.stderr)
        for args in (["--format=xml", FILES[0]], [], ["--bogus", FILES[0]],
                     ["-R"]):
            r = run("ablate", *args)
            check("usage error exits 2: " + " ".join(args),
                  r.returncode == 2, r.returncode)
        r = run("ablate", "-q", os.path.join(tmp, "missing.txt"))
        check("missing input exits 1", r.returncode == 1 and r.stdout == b"")
        r = run("ablate", "--help")
        check("--help", r.returncode == 0 and b"--plot" in r.stdout)


main()
sys.exit(finish())
