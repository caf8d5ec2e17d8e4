#!/usr/bin/env python3
"""corrupt_matrix.py - the corruption matrix of the mdlz command.

Compresses small inputs with the mdlz under test (levels 1, 2, 3, 5 and 9,
an empty input, random bytes that stay a RAW block, a stream read from a
pipe, which has no size in its header, two concatenated streams, streams
made with a retrieval index: -R with WHOLE documents and -R in both modes,
whose header records a generation; both decoded with -R), takes
the hand-built multi-block streams of the fuzz seeds if their directory is
given (many small RAW/ZSTD blocks; a CM, a RAW and a ZSTD block), and,
unless --quick, compresses 1 MiB + 3000 bytes into two 1 MiB blocks (the
CLI's block size). Then it complements every byte of each stream and cuts
it at every length (streams over FULL_MAX bytes: every byte of the header,
of the first two and last block headers, of the trailer, the type byte and
last payload bytes of every block, the first and last EDGE bytes and an
even sample of SAMPLE others; the 1 MiB stream: a few flips and a cut at
its block boundary), and decodes each damaged copy twice:

  file   `mdlz -d x.mdlz` in an empty directory: exit 1, exactly one line
         on stderr ("mdlz: x.mdlz: ..."), nothing on stdout, no x and no
         temporary file left, x.mdlz unchanged;
  pipe   `mdlz -d` from a pipe to a pipe: exit 1, exactly one line on
         stderr ("mdlz: ..."), and what reached stdout is a prefix of the
         original data (no wrong byte is ever written).

One exception: a cut right after a complete stream of a concatenation is
a valid shorter file (it must then exit 0 with that prefix). A flip in the
last bytes of an arithmetic-coded (CM) payload may leave the decoded bytes
unchanged (the coder's final bytes only need to fall inside its last
interval), but the decoder recomputes the coder's flush and refuses any
other ending, so such a flip must fail too: "slack" (a damaged stream that
exits 0) counts as a failure.
No case may crash, hang (--timeout) or exit with another status.

Archives (docs/archive.md): an archive of 12 small files in a few groups
(some retrieving from others) is damaged the same way (every byte of its
16-byte header, 24-byte trailer and stream headers, a sample of the rest,
every fourth byte of its table of contents; cuts at those places and at
every length within the trailer) and extracted with `mdlz archive extract
-C out`: exit 1 (0 only if every file came out identical and nothing was
said), every line on stderr "mdlz: ...", every file written identical to
its original, no temporary file left, the archive unchanged, and every
file that must survive there: all of them when the damage is in the header
or the trailer (the table of contents is found without them), those whose
closure does not hold the damaged group when it is in a group, none when
it is in the table of contents (nothing else names the files).

Usage: corrupt_matrix.py [--seeds DIR] [--quick] [--part P] [--jobs N] [-v]
                         MDLZ
  --seeds DIR  tests/fuzz seeds for the decompress target (builddir/
               tests/fuzz/seeds/decompress)
  --quick      for sanitizer builds (each run costs ~3x): every 10th
               position (of the sample, for the larger streams) and the
               type byte of each block only, no 1 MiB stream
  --part P     all (default), streams (everything but the archive) or
               archive (the archive alone): meson runs the two parts as two
               tests, in parallel and each within its timeout
Environment: MDLZ_ROBUST_JOBS (runs at once, default: CPUs, at most 4).
Prints one line per stream, the matrix size, then "N passed, M failed".
"""

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

FULL_MAX = 320  # streams up to this size: every byte and every length
SAMPLE = 96  # larger ones: about this many positions besides the marks
EDGE = 24  # ... and every position this close to either end
SLACK = 4  # last bytes of a CM payload whose flip may not change the data

WORDS = ("the of and to in a is that for it as was with be by on not he this "
         "are or his from at which but have an they you were their one all "
         "we can her has there been if more when will would who so no "
         "government people states congress nation world peace year time "
         "union country great power must public should law war new free "
         "1823 1862 1941 2021 $ 3.5% (see above) -- ;").split()


def text(rng, n):
    """Deterministic English-like text of exactly n bytes."""
    out, size, col = [], 0, 0
    while size < n:
        w = rng.choice(WORDS)
        sep = "\n" if col > 60 else " "
        col = 0 if sep == "\n" else col + len(w) + 1
        out.append(w + sep)
        size += len(w) + 1
    return "".join(out).encode()[:n]


class Layout:
    """Where the fields of stream(s) z are (docs/format.md)."""

    def __init__(self, z):
        self.marks = set()  # offsets a flip or cut should always hit
        self.ends = []  # offsets where a complete stream ends
        self.slack = set()  # last bytes of CM payloads
        self.blocks = []  # (offset, type) of every block, END included
        p = 0
        while p + 18 <= len(z) and z[p:p + 4] == b"MDLZ":
            hdr = 26 if z[p + 5] & 1 else 18
            if z[p + 5] & 2 and p + hdr + 2 <= len(z):  # extension area
                hdr += 2 + struct.unpack_from("<H", z, p + hdr)[0] + 4
            self.marks.update(range(p, p + hdr))
            p = self._blocks(z, p + hdr)
            if p is None or not self.ends or self.ends[-1] != p:
                break
        self.marks = set(m for m in self.marks if m < len(z))

    def _blocks(self, z, p):
        mine = []
        while p < len(z):
            t = z[p]
            mine.append(p)
            self.blocks.append((p, t))
            self.marks.add(p)
            if t == 0:  # END: type, u64 size, u64 xxh64
                p += 17
                self.ends.append(p)
                break
            if p + 13 > len(z):
                return None
            if t == 2:  # RAW: type, u32 size, u32 xxh32, bytes
                p += 9 + struct.unpack_from("<I", z, p + 1)[0]
            elif t in (1, 3):  # CM, ZSTD: type, u32, u32 payload, u32, ...
                p += 13 + struct.unpack_from("<I", z, p + 5)[0]
                if t == 1:
                    self.slack.update(range(p - SLACK, p))
            else:
                return None
            self.marks.update(range(max(p - 2, 0), p))
        for b in mine[:2] + mine[-2:]:  # whole headers of the outer blocks
            self.marks.update(range(b, b + 17))
        return p


def positions(z, layout, stride):
    """Byte offsets of z to damage (and lengths to cut it to)."""
    n = len(z)
    if stride > 1:  # quick: every stride-th byte, each block's type byte
        small = n <= FULL_MAX
        step = stride * (1 if small else max(1, (n - 2 * EDGE) // SAMPLE))
        return sorted(set(range(0, n, step)) | {n - 1} |
                      set(b for b, _ in layout.blocks))
    if n <= FULL_MAX:
        return list(range(n))
    keep = set(layout.marks) | {n - 1}
    keep.update(range(min(EDGE, n)))
    keep.update(range(max(n - EDGE, 0), n))
    keep.update(range(0, n, max(1, (n - 2 * EDGE) // SAMPLE)))
    return sorted(keep)


class Matrix:
    def __init__(self, mdlz, jobs, timeout, verbose):
        self.mdlz, self.timeout, self.verbose = mdlz, timeout, verbose
        self.lock = threading.Lock()
        self.failures = []
        self.slack = []
        self.cases = self.runs = 0
        self.tmp = tempfile.mkdtemp(prefix="mdlz-robust.")
        self.free = []
        for i in range(jobs):
            self.free.append(os.path.join(self.tmp, "slot%d" % i))
            os.mkdir(self.free[-1])

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def mdlz_run(self, args, **kw):
        return subprocess.run([self.mdlz] + args, capture_output=True,
                              timeout=self.timeout, **kw)

    def fail(self, name, why, r=None):
        msg = "%s: %s" % (name, why)
        if r is not None:
            err = r.stderr.decode("utf-8", "replace").strip().splitlines()
            msg += " (exit %d; stderr: %s)" % (r.returncode,
                                               " | ".join(err[:3]) or "empty")
        with self.lock:
            self.failures.append(msg)
        return False

    def verdict(self, name, r, good, out):
        """'fail' for an error exit as required (exit 1 and one line
        "mdlz: ..."), 'ok' for exit 0 with output `out` equal to `good`
        (a valid stream, or slack), None after recording a failure."""
        if r.returncode < 0:
            self.fail(name, "killed by signal %d" % -r.returncode, r)
            return None
        if r.returncode == 0 and good is not None:
            if r.stderr:
                self.fail(name, "exit 0 but stderr is not empty", r)
                return None
            if out() != good:
                self.fail(name, "exit 0 with wrong data", r)
                return None
            return "ok"
        if r.returncode != 1:
            self.fail(name, "exit status is not 1", r)
            return None
        lines = r.stderr.split(b"\n")
        if len(lines) != 2 or lines[1] or not lines[0].startswith(b"mdlz: "):
            self.fail(name, "stderr is not exactly one 'mdlz: ' line", r)
            return None
        return "fail"

    def file_case(self, name, data, good, must_pass, dargs=()):
        """`mdlz -d x.mdlz` in an empty directory."""
        with self.lock:
            d = self.free.pop()
        try:
            src = os.path.join(d, "x.mdlz")
            with open(src, "wb") as f:
                f.write(data)
            try:
                r = self.mdlz_run(["-d"] + list(dargs) + ["x.mdlz"], cwd=d,
                                  stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return self.fail(name, "no exit within %d s" % self.timeout)

            def out():
                with open(os.path.join(d, "x"), "rb") as f:
                    return f.read()
            v = self.verdict(name, r, good, out)
            if v is None:
                return None
            if must_pass and v != "ok":
                return self.fail(name, "a valid stream was refused", r)
            if v == "fail" and not r.stderr.startswith(b"mdlz: x.mdlz: "):
                return self.fail(name, "the error does not name x.mdlz", r)
            if r.stdout:
                return self.fail(name, "wrote to stdout", r)
            left = sorted(os.listdir(d))
            if left != (["x", "x.mdlz"] if v == "ok" else ["x.mdlz"]):
                return self.fail(name, "left %s" % left, r)
            with open(src, "rb") as f:
                if f.read() != data:
                    return self.fail(name, "the input was changed", r)
            return v
        finally:
            for e in os.listdir(d):
                os.unlink(os.path.join(d, e))
            with self.lock:
                self.free.append(d)

    def pipe_case(self, name, data, good, must_pass, orig, dargs=()):
        """`mdlz -d` from a pipe to a pipe."""
        try:
            r = self.mdlz_run(["-d"] + list(dargs), input=data)
        except subprocess.TimeoutExpired:
            return self.fail(name, "no exit within %d s" % self.timeout)
        v = self.verdict(name, r, good, lambda: r.stdout)
        if v is None:
            return None
        if must_pass and v != "ok":
            return self.fail(name, "a valid stream was refused", r)
        if v == "fail" and not orig.startswith(r.stdout):
            return self.fail(name, "wrote %d bytes that are not a prefix of "
                             "the original" % len(r.stdout), r)
        return v

    def case(self, name, data, orig, good=None, must_pass=False, dargs=()):
        """One damaged stream, decoded both ways. good: the data an exit 0
        must produce (None: exit 0 is wrong); must_pass: exit 0 required;
        dargs: decoding options (-R INDEX)."""
        a = self.file_case(name + " (file)", data, good, must_pass, dargs)
        b = self.pipe_case(name + " (pipe)", data, good, must_pass, orig,
                           dargs)
        with self.lock:
            self.cases += 1
            self.runs += 2
            if not must_pass and "ok" in (a, b):
                self.slack.append(name)
        if self.verbose and not (a and b):
            print("not ok - " + name, flush=True)

    def decode(self, z, dargs=()):
        r = self.mdlz_run(["-d"] + list(dargs), input=z)
        if r.returncode != 0:
            raise RuntimeError("a complete stream does not decode: %s" %
                               r.stderr.decode("utf-8", "replace"))
        return r.stdout

    def stream(self, pool, label, z, orig, flips, cuts, dargs=()):
        """Flips at offsets `flips` and cuts at lengths `cuts` of stream z
        (which decodes to orig, with decoding options dargs)."""
        lay = Layout(z)
        before = len(self.failures), len(self.slack)
        t0 = time.time()
        futs = []
        for p in flips:
            bad = z[:p] + bytes([z[p] ^ 0xFF]) + z[p + 1:]
            futs.append(pool.submit(self.case, "%s flip@%d" % (label, p), bad,
                                    orig, None, False, dargs))
        valid = {e: self.decode(z[:e], dargs) for e in lay.ends[:-1]}
        for n in sorted(set(cuts) | set(valid)):
            futs.append(pool.submit(self.case, "%s cut@%d" % (label, n),
                                    z[:n], orig, valid.get(n), n in valid,
                                    dargs))
        for f in futs:
            f.result()
        bad = len(self.failures) - before[0]
        slack = len(self.slack) - before[1]
        print("%-24s %6d bytes %4d flips %4d cuts %6.1f s  %s%s" % (
            label, len(z), len(flips), len(futs) - len(flips),
            time.time() - t0, "ok" if bad == 0 else "%d FAILED" % bad,
            ", %d slack" % slack if slack else ""), flush=True)


def big_stream(m, pool, rng, compress):
    """Two 1 MiB blocks: a few flips and a cut, each costing a decode of up
    to 1 MiB (~1 s)."""
    data = text(rng, (1 << 20) + 3000)
    z = compress(["-1"], "big", data)
    lay = Layout(z)
    blocks = [b for b, t in lay.blocks if t != 0]
    if len(blocks) != 2 or lay.blocks[0][1] != 1:
        raise RuntimeError("expected a CM block and another: %r" % lay.blocks)
    b1, b2 = blocks
    m.stream(pool, "2 blocks of 1 MiB, -1", z, data,
             [(b1 + b2) // 2, b2, b2 + 13, len(z) - 1], [b2])


class ArchiveCase:
    """An archive and what each of its damaged copies must still give."""

    def __init__(self, m, work, rng):
        self.m = m
        tree = os.path.join(work, "arc", "t")
        os.makedirs(tree)
        self.files = {}
        for i in range(12):
            name = "t/f%02d.txt" % i
            self.files[name] = text(rng, 280 + 10 * i)
            with open(os.path.join(work, "arc", name), "wb") as f:
                f.write(self.files[name])
        r = m.mdlz_run(["archive", "create", "-q", "-1", "--group-size=1K",
                        "a.mdlza", "t"], cwd=os.path.join(work, "arc"))
        if r.returncode != 0:
            raise RuntimeError("archive create failed: %s" % r.stderr)
        with open(os.path.join(work, "arc", "a.mdlza"), "rb") as f:
            self.z = f.read()
        self._layout()
        self._closures(work)

    def _layout(self):
        """Streams back to back from byte 16: the groups, then the TOC."""
        z = self.z
        lay = Layout(z[16:])
        self.bounds = [16] + [16 + e for e in lay.ends]  # stream starts/ends
        if len(self.bounds) < 3 or self.bounds[-1] != len(z) - 24:
            raise RuntimeError("archive layout not understood")
        self.toc = (self.bounds[-2], self.bounds[-1])
        self.marks = set(range(16)) | set(range(len(z) - 24, len(z)))
        self.marks.update(16 + p for p in lay.marks)
        self.marks.update(range(self.toc[0], self.toc[1], 4))

    def _closures(self, work):
        """Per file, the groups extracting it decodes (list -v)."""
        r = self.m.mdlz_run(["archive", "list", "-v", "a.mdlza"],
                            cwd=os.path.join(work, "arc"))
        group_of, deps, cur = {}, {}, None
        for line in r.stdout.decode().splitlines():
            if line.startswith("group "):
                cur = int(line.split()[1].rstrip(":"))
                tail = line.split("files", 1)[1]
                deps[cur] = [d.strip() for d in tail.lstrip(":").split(",")
                             if d.strip()]
            elif line.split() and line.split()[-1] in self.files:
                group_of[line.split()[-1]] = int(line.split()[2])
        if set(group_of) != set(self.files) or len(deps) < 3 or \
                not any(deps.values()):
            raise RuntimeError("expected groups that retrieve: %s" %
                               r.stdout.decode())

        def closure(g, seen):
            if g not in seen:
                seen.add(g)
                for d in deps[g]:
                    closure(group_of[d], seen)
            return seen
        self.needs = {f: closure(g, set()) for f, g in group_of.items()}
        self.n_groups = len(deps)

    def must_survive(self, pos, cut):
        """Files a flip at pos (or a cut to pos bytes) must not cost."""
        n = len(self.z)
        if cut:
            return set(self.files) if pos >= self.toc[1] else set()
        if pos < 16 or pos >= n - 24:
            return set(self.files)
        if pos >= self.toc[0]:
            return set()
        g = max(i for i, b in enumerate(self.bounds[:-2]) if b <= pos)
        return set(f for f, need in self.needs.items() if g not in need)

    def run(self, name, data, must):
        m = self.m
        with m.lock:
            d = m.free.pop()
        try:
            src = os.path.join(d, "a.mdlza")
            with open(src, "wb") as f:
                f.write(data)
            try:
                r = m.mdlz_run(["archive", "extract", "-q", "-C", "out",
                                "a.mdlza"], cwd=d, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return m.fail(name, "no exit within %d s" % m.timeout)
            if r.returncode < 0:
                return m.fail(name, "killed by signal %d" % -r.returncode, r)
            got = {}
            for root, dirs, files in os.walk(d):
                for e in files + dirs:
                    rel = os.path.relpath(os.path.join(root, e), d)
                    if e.startswith("."):
                        return m.fail(name, "left %s" % rel, r)
                    if os.path.isfile(os.path.join(root, e)) and \
                            rel != "a.mdlza":
                        with open(os.path.join(root, e), "rb") as f:
                            got[os.path.relpath(rel, "out")] = f.read()
            lines = r.stderr.split(b"\n")[:-1]
            if r.returncode not in (0, 1):
                return m.fail(name, "exit status is not 0 or 1", r)
            if any(not ln.startswith(b"mdlz: ") for ln in lines):
                return m.fail(name, "a line on stderr is not 'mdlz: ...'", r)
            if r.returncode == 0 and (lines or len(got) != len(self.files)):
                return m.fail(name, "exit 0 but not everything extracted", r)
            if r.returncode == 1 and not lines:
                return m.fail(name, "exit 1 without a message", r)
            for f, b in got.items():
                if self.files.get(f) != b:
                    return m.fail(name, "wrote %s with wrong content" % f, r)
            lost = sorted(must - set(got))
            if lost:
                return m.fail(name, "lost %d files it must not (%s)" % (
                    len(lost), ", ".join(lost[:3])), r)
            with open(src, "rb") as f:
                if f.read() != data:
                    return m.fail(name, "the archive was changed", r)
            return True
        finally:
            shutil.rmtree(d, ignore_errors=True)
            os.mkdir(d)
            with m.lock:
                m.free.append(d)

    def matrix(self, pool, stride):
        z, n = self.z, len(self.z)
        marks = self.marks | set(range(0, n, max(1, n // SAMPLE)))
        pos = sorted(p for p in marks if p % stride == 0 or p < 16 or
                     p >= n - 24)
        cuts = sorted(set(pos) | set(range(n - 24, n)))
        before = len(self.m.failures)
        t0 = time.time()
        futs = []
        for p in pos:
            bad = z[:p] + bytes([z[p] ^ 0xFF]) + z[p + 1:]
            futs.append(pool.submit(self.run, "archive flip@%d" % p, bad,
                                    self.must_survive(p, False)))
        for c in cuts:
            futs.append(pool.submit(self.run, "archive cut@%d" % c, z[:c],
                                    self.must_survive(c, True)))
        for f in futs:
            f.result()
        self.m.cases += len(futs)
        self.m.runs += len(futs)
        bad = len(self.m.failures) - before
        print("%-24s %6d bytes %4d flips %4d cuts %6.1f s  %s" % (
            "archive, %d groups" % self.n_groups, n, len(pos), len(cuts), time.time() - t0,
            "ok" if bad == 0 else "%d FAILED" % bad), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mdlz")
    ap.add_argument("--seeds")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--part", choices=("all", "streams", "archive"),
                    default="all")
    ap.add_argument("--jobs", type=int,
                    default=int(os.environ.get("MDLZ_ROBUST_JOBS", "0")))
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    jobs = a.jobs or min(os.cpu_count() or 1, 4)
    stride = 10 if a.quick else 1
    m = Matrix(os.path.abspath(a.mdlz), jobs, a.timeout, a.verbose)
    t0 = time.time()
    try:
        work = os.path.join(m.tmp, "in")
        os.mkdir(work)

        def compress(args, name, data, stdin=False):
            """mdlz ARGS -c NAME (or from stdin), NAME holding data."""
            if stdin:
                r = m.mdlz_run(args + ["-c"], cwd=work, input=data)
            else:
                with open(os.path.join(work, name), "wb") as f:
                    f.write(data)
                r = m.mdlz_run(args + ["-c", name], cwd=work)
            if r.returncode != 0:
                raise RuntimeError("mdlz %s failed: %s" % (
                    " ".join(args), r.stderr.decode("utf-8", "replace")))
            return r.stdout

        rng = random.Random(20261127)
        rand = bytes(rng.getrandbits(8) for _ in range(40))
        t = [text(rng, n) for n in (120, 120, 100, 120)]
        streams = [
            ("empty, -5", compress([], "empty", b""), b""),
            ("text, -1", compress(["-1"], "t1", t[0]), t[0]),
            ("text, -5", compress([], "t5", t[1]), t[1]),
            ("text, -9", compress(["-9"], "t9", t[2]), t[2]),
            ("stdin (no size), -3", compress(["-3"], "", t[3], True), t[3]),
            ("random (RAW), -2", compress(["-2"], "rand", rand), rand),
            ("concat rand+empty, -1",
             compress(["-1"], "rand", rand) + compress(["-1"], "empty", b""),
             rand),
        ]
        # A retrieval index of related text: its streams record documents
        # by content (WHOLE) and, over 8192 bytes (an online query), the
        # index generation; an index added to after compressing, so that
        # the generation asked for is not the newest.
        kb = os.path.join(m.tmp, "kb.db")
        docs = os.path.join(work, "docs")
        os.mkdir(docs)
        pool_text = text(rng, 24000)
        for i in range(6):
            with open(os.path.join(docs, "d%d.txt" % i), "wb") as f:
                f.write(pool_text[i * 4000:(i + 1) * 4000])
        r = m.mdlz_run(["index", "add", "-q", kb, docs])
        if r.returncode != 0:
            raise RuntimeError("mdlz index add failed: %s" %
                               r.stderr.decode("utf-8", "replace"))
        rx = ["-R", kb]
        small = pool_text[1000:1600] + text(rng, 200)
        big = pool_text[2000:8000] + text(rng, 3500)
        retrieval = [
            ("-R whole, -1", compress(["-1", "--retrieval=whole"] + rx, "rw",
                                      small), small),
            ("-R both (generation), -1", compress(["-1"] + rx, "rb", big),
             big),
        ]
        with open(os.path.join(work, "later.txt"), "wb") as f:
            f.write(text(rng, 3000))
        m.mdlz_run(["index", "add", "-q", kb, os.path.join(work, "later.txt")])
        for name in ("custom-many-blocks", "splice-cm-raw-zstd"):
            path = os.path.join(a.seeds or "", name + ".mdlz")
            if a.seeds and os.path.exists(path):
                with open(path, "rb") as f:
                    z = f.read()
                streams.append(("seed " + name, z, m.decode(z)))
            elif a.seeds:
                print("# seed %s not found in %s" % (name, a.seeds))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            if a.part != "archive":
                for label, z, orig in streams:
                    pos = positions(z, Layout(z), stride)
                    m.stream(pool, label, z, orig, pos, pos)
                for label, z, orig in retrieval:
                    pos = positions(z, Layout(z), stride)
                    m.stream(pool, label, z, orig, pos, pos, rx)
                if not a.quick:
                    big_stream(m, pool, rng, compress)
            if a.part != "streams":
                ArchiveCase(m, work, rng).matrix(pool, stride)
        elapsed = time.time() - t0
    finally:
        m.close()
    for f in m.failures[:50]:
        print("FAIL " + f)
    if len(m.failures) > 50:
        print("... and %d more" % (len(m.failures) - 50))
    if m.slack:
        print("slack: %d flips of the last bytes of a CM payload decoded to "
              "the original data (exit 0): %s%s" % (
                  len(m.slack), ", ".join(sorted(m.slack)[:8]),
                  " ..." if len(m.slack) > 8 else ""))
    print("corruption matrix: %d cases (%d runs of mdlz -d, %d at once) in "
          "%.1f s" % (m.cases, m.runs, jobs, elapsed))
    nfail = len(set(f.split(" (")[0] for f in m.failures))
    print("%d passed, %d failed" % (m.cases - nfail, nfail))
    return 1 if m.failures else 0


if __name__ == "__main__":
    sys.exit(main())
