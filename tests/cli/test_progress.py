#!/usr/bin/env python3
"""test_progress.py - the progress line of the mdlz command, on a terminal.

A pseudo-terminal (the pty module) stands for the terminal:

  - compressing an input of known size over 4 MiB with stderr on a
    terminal redraws a line with the percentage done and, after the first
    second, an ETA; the percentage never goes back; the line is erased at
    the end; the stream is the same as without a terminal;
  - the line is cut to the terminal's width (a wrapped line could not be
    redrawn in place);
  - nothing is printed when stderr is not a terminal, with -q, or for a
    small input;
  - with -f, compressing from a terminal as standard input reads what is
    typed until end of file (without -f it is refused: test_cli.sh).

Usage: test_progress.py PATH/TO/mdlz
Prints "ok - NAME" / "not ok - NAME" per case, then "N passed, M failed".
"""
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

BIG = (4 << 20) + (256 << 10)  # over the 4 MiB threshold
RUN_TIMEOUT = 600  # seconds, for a whole compression under the sanitizers


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, name, cond, detail=""):
        if cond:
            print("ok - " + name)
            self.passed += 1
        else:
            print("not ok - " + name)
            if detail:
                for line in str(detail).splitlines()[:8]:
                    print("#   " + line)
            self.failed += 1


def set_width(fd, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))


def run_on_pty(args, cols=200, stdin=subprocess.DEVNULL, stdout=None,
               stop_after=None, feed=None):
    """Runs args with stderr (or, with feed, stdin) on a new pseudo-terminal;
    returns (exit status, bytes the terminal received, seconds to the first
    byte or None). stop_after: SIGTERM after that many seconds. feed: bytes
    typed on the terminal, which is then standard input."""
    master, slave = pty.openpty()
    set_width(slave, cols)
    if feed is not None:
        stdin = slave
        stderr = subprocess.PIPE
    else:
        stderr = slave
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=stderr)
    os.close(slave)
    if feed is not None:
        os.write(master, feed)
    got, first = b"", None
    deadline = start + (stop_after if stop_after else RUN_TIMEOUT)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.send_signal(signal.SIGTERM)
            break
        ready, _, _ = select.select([master], [], [], min(left, 0.5))
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last holder of the terminal closed it
            break
        if not chunk:
            break
        if first is None:
            first = time.monotonic() - start
        got += chunk
    if feed is not None:
        got = proc.stderr.read()
        proc.stderr.close()
    rc = proc.wait()
    os.close(master)
    return rc, got, first


def redraws(term):
    """The progress lines drawn: the text between carriage returns."""
    return [s for s in term.split(b"\r") if s.strip()]


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: test_progress.py PATH/TO/mdlz", file=sys.stderr)
        return 2
    mdlz = os.path.abspath(sys.argv[1])
    try:
        os.close(os.openpty()[0])
    except OSError:
        print("ok - progress # SKIP no pseudo-terminal")
        return 77
    work = tempfile.mkdtemp(prefix="mdlz-progress.")
    try:
        return run(mdlz, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(mdlz, work):
    t = Checks()
    os.chdir(work)
    line = b"the quick brown fox jumps over the lazy dog, %d times\n"
    with open("big", "wb") as f:
        n = 0
        while n < BIG:
            s = line % n
            f.write(s)
            n += len(s)
    with open("small", "wb") as f:
        f.write(line * 2000)

    # A whole compression with stderr on a terminal.
    began = time.monotonic()
    rc, term, first = run_on_pty([mdlz, "-3", "big"])
    took = time.monotonic() - began
    lines = redraws(term)
    pcts = [int(m.group(1)) for m in
            (re.search(rb"(\d+)% done", s) for s in lines) if m]
    t.expect("compressing on a terminal: exit 0, output made",
             rc == 0 and os.path.getsize("big.mdlz") > 0, term[-300:])
    t.expect("the line names the file and shows the percentage done",
             pcts and all(s.startswith(b"big: ") for s in lines), term[:300])
    t.expect("the percentage grows from under 50% to over 50%, never back",
             pcts and pcts == sorted(pcts) and pcts[0] < 50 < pcts[-1]
             and pcts[-1] <= 100, pcts)
    # The ETA needs a second of measurement: a run that short cannot show it.
    if took >= 2.0:
        t.expect("an ETA (M:SS) is shown after the first second",
                 any(re.search(rb", ETA \d+:\d\d", s) for s in lines)
                 and not re.search(rb"ETA", lines[0]), lines[:3])
    else:
        print("# the run took %.1f s: too short to require an ETA" % took)
    t.expect("the line is redrawn a few times a second at most",
             len(lines) <= 6 * took + 2, "%d lines in %.1f s" % (len(lines),
                                                                  took))
    t.expect("the line is erased at the end (spaces, then \\r; nothing after)",
             re.search(rb"\r +\r$", term) is not None, repr(term[-120:]))
    subprocess.run([mdlz, "-3", "-c", "big"], stdout=open("plain.mdlz", "wb"),
                   stderr=subprocess.DEVNULL, check=False)
    with open("big.mdlz", "rb") as a, open("plain.mdlz", "rb") as b:
        t.expect("the stream is the same as without a terminal",
                 a.read() == b.read())

    # A narrow terminal: every redraw fits in width - 1 columns.
    rc, term, _ = run_on_pty([mdlz, "-1", "-c", "big"], cols=30,
                             stdout=subprocess.DEVNULL,
                             stop_after=max(3.0, 3 * (first or 1.0)))
    lines = redraws(term)
    t.expect("on a 30-column terminal every redraw is cut to 29 columns",
             lines and all(len(s) <= 29 for s in lines), lines[:3])

    # No terminal, -q, a small input: nothing at all. Progress starts with
    # the first block, `first` seconds into the run above: long before
    # these runs are stopped.
    wait = max(3.0, 3 * (first or 1.0))
    with open("err", "wb") as err:
        proc = subprocess.Popen([mdlz, "-1", "-c", "big"],
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            proc.wait()
    t.expect("stderr not a terminal: no progress bytes",
             os.path.getsize("err") == 0, open("err", "rb").read()[:200])
    rc, term, _ = run_on_pty([mdlz, "-q", "-1", "-c", "big"],
                             stdout=subprocess.DEVNULL, stop_after=wait)
    t.expect("-q on a terminal: no progress bytes", term == b"", term[:200])
    rc, term, _ = run_on_pty([mdlz, "-1", "small"])
    t.expect("a small input on a terminal: no progress line",
             rc == 0 and term == b"", term[:200])

    # -f: what is typed on the terminal is compressed, up to ^D.
    with open("typed.mdlz", "wb") as out:
        rc, err, _ = run_on_pty([mdlz, "-f", "-c"], stdout=out,
                                feed=b"hello\n\x04")
    dec = subprocess.run([mdlz, "-d", "-c", "typed.mdlz"],
                         capture_output=True, check=False)
    t.expect("-f compresses what is typed on a terminal (stdin), up to ^D",
             rc == 0 and dec.returncode == 0 and dec.stdout == b"hello\n",
             err + dec.stderr)

    print("%d passed, %d failed" % (t.passed, t.failed))
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
