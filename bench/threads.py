#!/usr/bin/env python3
"""threads.py - segments and threads (-T) on the tar of the corpus.

Makes the tar of ../shared/corpus (`tar cf`, names sorted, about 99 MB) and
measures at one level (default 5):

  1. speed: -T1 and -T2 (and -T0 if more cores), compress and decompress,
     wall and CPU time (user+sys of the child), every round trip checked,
     the -T1 and -T2 streams compared byte for byte; the target is -T2 at
     least 1.7x faster than -T1 in wall time, both ways;
  2. segment cost: the size with the level's segments against one segment
     for the whole input (--segment-log=30: the model of a stream without
     segments); target at most 1 %;
  3. sweep: the size with segments of 2^L bytes for each L of --sweep
     (compressed with -T2 to save time), to choose the level's size.

The machine's load (uptime) is printed before and after each step: on a
shared machine wall times mean little without it, CPU times still do.
--prefix N measures the first N bytes of the tar only (for a quick look:
the segment cost then differs from the whole tar's).

Usage: python3 bench/threads.py [--mdlz build/cli/mdlz] [--level 5]
           [--prefix BYTES] [--sweep 23,24,25] [--out FILE]
"""

import argparse
import filecmp
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
MB = 10**6


def load():
    return open("/proc/loadavg").read().split()[0]


def timed(cmd, src, dst):
    t0 = time.time()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(src, "rb") as i, open(dst, "wb") as o:
        subprocess.run(cmd, stdin=i, stdout=o, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return time.time() - t0, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mdlz", default=os.path.join(ROOT, "build", "cli", "mdlz"))
    ap.add_argument("--level", type=int, default=5)
    ap.add_argument("--prefix", type=int, default=0)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--sweep", default="23,24,25")
    ap.add_argument("--segment-log", type=int, default=0,
                    help="segments for the speed runs (0: the level's)")
    ap.add_argument("--out", help="append the lines to this file")
    a = ap.parse_args()
    if not os.path.isdir(CORPUS):
        print("threads.py: no corpus at " + CORPUS, file=sys.stderr)
        return 77
    lines = []

    def say(s):
        print(s, flush=True)
        lines.append(s)

    with tempfile.TemporaryDirectory(prefix="mdlz-threads-") as tmp:
        tar = os.path.join(tmp, "corpus.tar")
        subprocess.run(["tar", "cf", tar, "--sort=name", "-C",
                        os.path.dirname(CORPUS), os.path.basename(CORPUS)],
                       check=True)
        if a.prefix:
            with open(tar, "r+b") as f:
                f.truncate(a.prefix)
        n = os.path.getsize(tar)
        seg = ["--segment-log=%d" % a.segment_log] if a.segment_log else []
        say("# threads.py: %s, level %d, %d bytes, %d cores, %s" %
            (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), a.level, n,
             os.cpu_count(), "segments 2^%d" % a.segment_log if seg
             else "the level's segments"))
        base = [a.mdlz, "-%d" % a.level, "-q"]
        speed = {}
        streams = {}
        for t in [int(x) for x in a.threads.split(",")]:
            z = os.path.join(tmp, "t%d.mdlz" % t)
            back = os.path.join(tmp, "back")
            l0 = load()
            wc, cc = timed(base + seg + ["-T%d" % t, "-c"], tar, z)
            wd, cd = timed([a.mdlz, "-d", "-q", "-T%d" % t, "-c"], z, back)
            if not filecmp.cmp(tar, back, shallow=False):
                say("ERROR: -T%d round trip differs" % t)
                return 1
            os.remove(back)
            streams[t] = z
            speed[t] = (wc, wd)
            say("-T%d  %10d bytes  compress %7.1f s wall %7.1f s CPU  "
                "decompress %7.1f s wall %7.1f s CPU  (%.2f / %.2f MB/s "
                "wall; load %s -> %s)" %
                (t, os.path.getsize(z), wc, cc, wd, cd, n / MB / wc,
                 n / MB / wd, l0, load()))
        ts = sorted(streams)
        same = all(filecmp.cmp(streams[ts[0]], streams[t], shallow=False)
                   for t in ts)
        say("streams of %s identical: %s" %
            (", ".join("-T%d" % t for t in ts), "yes" if same else "NO"))
        if 1 in speed and 2 in speed:
            say("speed-up -T2 / -T1 (wall): compress %.2fx, decompress %.2fx"
                % (speed[1][0] / speed[2][0], speed[1][1] / speed[2][1]))
        # One segment for the whole input: the model without segments.
        one = os.path.join(tmp, "one.mdlz")
        l0 = load()
        w, c = timed(base + ["--segment-log=30", "-T1", "-c"], tar, one)
        ref = os.path.getsize(one)
        say("one model  %10d bytes  compress %7.1f s wall %7.1f s CPU "
            "(load %s -> %s)" % (ref, w, c, l0, load()))
        if ts:
            size = os.path.getsize(streams[ts[0]])
            say("segment cost (%s): %+d bytes, %+.3f %%" %
                ("2^%d" % a.segment_log if seg else "level's", size - ref,
                 100.0 * (size - ref) / ref))
        for lg in [int(x) for x in a.sweep.split(",") if x]:
            z = os.path.join(tmp, "s.mdlz")
            l0 = load()
            w, c = timed(base + ["--segment-log=%d" % lg, "-T2", "-c"], tar, z)
            size = os.path.getsize(z)
            say("sweep 2^%d (%d segments)  %10d bytes  %+.3f %%  "
                "(-T2 %7.1f s wall %7.1f s CPU, load %s -> %s)" %
                (lg, -(-n // (1 << lg)), size, 100.0 * (size - ref) / ref, w,
                 c, l0, load()))
    if a.out:
        with open(a.out, "a") as f:
            f.write("\n".join(lines) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
