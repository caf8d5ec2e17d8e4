#!/usr/bin/env python3
"""incompressible.py - speed of mdlz on data no model can compress.

Compresses and decompresses 20 MB of random bytes (and, as a mixed case, a
tar-like concatenation of 4 MB of corpus text, 8 MB of random bytes and
4 MB of text) with mdlz at the default level, fastest of --repeat runs,
CPU and wall time, every round trip checked. The target (the core issue):
at least 50 MB/s both ways on random data, with the text of the mixed input
still modelled (its size is printed beside the random part's).

Usage: python3 bench/incompressible.py [--mdlz build/cli/mdlz] [--repeat 3]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
MB = 10**6


def timed(cmd, stdin, stdout):
    t0 = time.time()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdin=stdin, stdout=stdout, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return time.time() - t0, cpu


def measure(mdlz, path, repeat):
    z, back = path + ".mdlz", path + ".back"
    best_c = best_d = None
    for _ in range(repeat):
        with open(path, "rb") as i, open(z, "wb") as o:
            c = timed([mdlz, "-q", "-c"], i, o)
        with open(z, "rb") as i, open(back, "wb") as o:
            d = timed([mdlz, "-d", "-q", "-c"], i, o)
        best_c = c if best_c is None or c[0] < best_c[0] else best_c
        best_d = d if best_d is None or d[0] < best_d[0] else best_d
    with open(path, "rb") as a, open(back, "rb") as b:
        if a.read() != b.read():
            sys.exit("incompressible.py: round trip of %s differs" % path)
    return os.path.getsize(path), os.path.getsize(z), best_c, best_d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mdlz-incomp-") as tmp:
        rnd = os.path.join(tmp, "random")
        with open(rnd, "wb") as f:
            f.write(os.urandom(20 * MB))
        cases = [("random 20 MB", rnd)]
        dickens = os.path.join(CORPUS, "text", "silesia", "dickens")
        if os.path.exists(dickens):
            with open(dickens, "rb") as f:
                text = f.read(8 * MB)
            mixed = os.path.join(tmp, "mixed")
            with open(mixed, "wb") as f:
                f.write(text[:4 * MB] + os.urandom(8 * MB) + text[4 * MB:])
            cases.append(("text 4 MB + random 8 MB + text 4 MB", mixed))
        print("%-38s %12s %12s %10s %10s %10s %10s" % (
            "input", "bytes", "mdlz", "comp MB/s", "(CPU)", "decomp MB/s", "(CPU)"))
        for name, path in cases:
            n, zn, c, d = measure(os.path.abspath(a.mdlz), path, a.repeat)
            print("%-38s %12d %12d %10.1f %10.1f %10.1f %10.1f" % (
                name, n, zn, n / MB / c[0], n / MB / max(c[1], 1e-9),
                n / MB / d[0], n / MB / max(d[1], 1e-9)))


if __name__ == "__main__":
    main()
