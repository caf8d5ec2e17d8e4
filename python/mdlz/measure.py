"""mdlz.measure - per-document measurement of a corpus on a Dask cluster.

    python3 -m mdlz.measure CORPUS... [--index KB.db [--copy-index]]
        [--tools LIST] [--tool PATH]... [--level N]
        [--scheduler tcp://HOST:PORT | --local N | --serial]
        [--format csv|json] [--timing] [-o FILE] [-q]

For every document of the corpus (files, and the files under directories in
byte order of their paths, names starting with '.' skipped, as `mdlz index
add` walks), the ablation rows of `mdlz ablate DOCUMENT` (one row per
configuration of the predictor: payload, code, DL, ...), each prefixed with
the document's name. Documents are batched (by bytes, in corpus order) and
measured by the workers of a Dask distributed cluster; results are written
in corpus order as they arrive, and are identical to a serial run
(--serial, or `mdlz ablate --format=csv` per document): everything but the
timing columns (--timing) depends on the documents and the options only.

Workers read the documents and the index by path: the corpus and the index
must be at the same paths on every worker (a shared file system), or, with
--copy-index, the index is sent to each worker's local directory first
(through the scheduler, so it is held in memory once there). Every worker
checks the index's newest generation (number and history hash) against the
client's before measuring. See
docs/scale.md.
"""

import argparse
import contextlib
import json
import os
import sys
import threading
import time

from . import _ablate
from ._index import Index
from ._lib import MdlzError

# ---- the corpus ----------------------------------------------------------


def _walk(top):
    """The regular files under directory `top`, in byte order of their paths
    relative to it, names starting with '.' skipped (mdlz_index_add_path's
    walk), joined with '/' onto `top`."""
    out = []
    entries = sorted(os.listdir(os.fsencode(top)))
    for name in entries:
        if name.startswith(b"."):
            continue
        path = os.path.join(os.fsencode(top), name)
        if os.path.isdir(path) and not os.path.islink(path):
            out.extend(_walk(os.fsdecode(path)))
        elif os.path.isfile(path):
            out.append(os.fsdecode(path))
    return out


def corpus_documents(paths):
    """The documents of CORPUS arguments, in corpus order."""
    docs = []
    for p in paths:
        docs.extend(_walk(p) if os.path.isdir(p) else [p])
    return docs


def batches(docs, sizes, per_batch):
    """Consecutive documents grouped into batches of about `per_batch`
    bytes (at least one document each): [(first position, [paths])]."""
    out, cur, cur_bytes, first = [], [], 0, 0
    for i, (doc, size) in enumerate(zip(docs, sizes)):
        if cur and cur_bytes + size > per_batch:
            out.append((first, cur))
            cur, cur_bytes, first = [], 0, i
        cur.append(doc)
        cur_bytes += size
    if cur:
        out.append((first, cur))
    return out


# ---- what is measured per document ------------------------------------------

class DocumentError(Exception):
    """A document (or the index) that could not be measured: its name and
    why. Picklable, so it crosses from a worker to the client."""

    def __init__(self, name, why):
        super().__init__("%s: %s" % (name, why))
        self.name_ = name
        self.why = why

    def __reduce__(self):
        return (DocumentError, (self.name_, self.why))


def _ablate_rows(path, opts):
    return _ablate.ablate([path], index=opts["index"], tools=opts["tools"],
                          level=opts["level"], plugins=opts["plugins"])


# What is measured, by name: a function (path, options) -> rows, run on the
# workers. This is where `value` plugs in once the `mdlz value` command and
# its library API exist: its per-document function here, its columns beside
# COLUMNS (Writer), and --measure chooses among them.
MEASURES = {"ablate": _ablate_rows}


def _generation_key(ix):
    """(number, history hash) of the index's newest generation: what tells
    one state of an index from another (docs/retrieval.md)."""
    g = ix.generation()
    return (g["gen"], g["history"])


def _worker_index(opts):
    """The index path on this worker (the copy in its local directory with
    --copy-index), checked against the client's generation."""
    path = opts["index"]
    if path is None:
        return None
    if opts["copied"]:
        from distributed import get_worker

        path = os.path.join(get_worker().local_directory, opts["copied"])
    try:
        with Index(path) as ix:
            g = _generation_key(ix)
    except MdlzError as e:
        raise DocumentError(path, str(e)) from None
    if g != tuple(opts["generation"]):
        raise DocumentError(path, "index differs from the client's "
                            "(generation %d, history %016x; expected "
                            "generation %d, history %016x)"
                            % (g + tuple(opts["generation"])))
    return path


def measure_batch(first, paths, opts):
    """Runs on a worker: the rows of each document of a batch, as
    [(position, [row, ...])]."""
    opts = dict(opts, index=_worker_index(opts))
    measure = MEASURES[opts["measure"]]
    out = []
    for k, path in enumerate(paths):
        try:
            rows = measure(path, opts)
        except (MdlzError, OSError) as e:
            raise DocumentError(path, str(e)) from None
        out.append((first + k, rows))
    return out


# ---- output -------------------------------------------------------------------

# The columns of `mdlz ablate --format=csv` (cli/ablate_out.c) after the
# document's name, formatted as it formats them; the timing ones only with
# --timing.
COLUMNS = ("document",) + tuple(k for k in _ablate.ROW_KEYS
                                if k not in _ablate.TIMING_KEYS)
TIMING_COLUMNS = _ablate.TIMING_KEYS


def _csv_field(s):
    """RFC 4180 quoting when needed, as csv_field() of cli/ablate_out.c."""
    if any(c in s for c in ",\"\r\n"):
        return '"' + s.replace('"', '""') + '"'
    return s


def _csv_value(key, v):
    if v is None:
        return ""
    if key in ("tools",):
        return "+".join(v)
    if key == "components":
        return "+".join(c["name"] for c in v)
    if key == "match":
        return "1" if v else "0"
    if key == "bits_per_byte":
        return "%.4f" % v
    if key in ("delta_percent", "compress_mb_per_s"):
        return "%.3f" % v
    if key == "amortized_bytes_per_file":
        return "%.1f" % v
    if key == "seconds":
        return "%.4f" % v
    return str(v)


class Writer:
    """Writes rows as CSV (a header, then one line per row) or as JSON lines
    (one object per row)."""

    def __init__(self, out, fmt, timing):
        self.out, self.fmt = out, fmt
        self.columns = COLUMNS + (TIMING_COLUMNS if timing else ())
        if fmt == "csv":
            out.write(",".join(self.columns) + "\n")

    def document(self, name, rows):
        for row in rows:
            row = dict(row, document=name)
            if self.fmt == "csv":
                self.out.write(",".join(_csv_field(_csv_value(k, row[k]))
                                        for k in self.columns) + "\n")
            else:
                self.out.write(json.dumps({k: row[k] for k in self.columns})
                               + "\n")


# ---- running --------------------------------------------------------------------


def options(index=None, tools=None, level=5, plugins=(), measure="ablate"):
    """The options every task gets (plain data: they are pickled)."""
    gen = None
    if index is not None:
        with Index(index) as ix:
            gen = _generation_key(ix)
    return {"index": index, "generation": gen, "copied": None,
            "tools": tools, "level": level, "plugins": list(plugins),
            "measure": measure}


def run_serial(docs, opts, on_document):
    """Measures the documents one after the other in this process."""
    for i, path in enumerate(docs):
        for pos, rows in measure_batch(i, [path], opts):
            on_document(pos, rows)


class _IndexCopy:
    """A Dask worker plugin that writes the index into each worker's local
    directory (also on workers that join later)."""

    name = "mdlz-index-copy"

    def __init__(self, path, filename):
        with open(path, "rb") as f:
            self.data = f.read()
        self.filename = filename

    def setup(self, worker):
        dst = os.path.join(worker.local_directory, self.filename)
        tmp = dst + ".tmp"
        with open(tmp, "wb") as f:
            f.write(self.data)
        os.replace(tmp, dst)

    def teardown(self, worker):
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(worker.local_directory, self.filename))


def copy_index(client, opts):
    """Sends the index to every worker; returns the options that point the
    tasks at the copies."""
    name = "mdlz-index-%d-%016x.db" % tuple(opts["generation"])
    client.register_worker_plugin(_IndexCopy(opts["index"], name),
                                  name=_IndexCopy.name)
    return dict(opts, copied=name)


def _progress_bar(futures):
    """Dask's text progress bar for `futures`, drawn on standard error (the
    results go to standard output) from a thread, while the results are
    written as they arrive."""
    from distributed.diagnostics.progressbar import TextProgressBar

    class Bar(TextProgressBar):
        def _draw_bar(self, *args, **kwargs):
            with contextlib.redirect_stdout(sys.stderr):
                super()._draw_bar(*args, **kwargs)

        def _draw_stop(self, *args, **kwargs):
            with contextlib.redirect_stdout(sys.stderr):
                super()._draw_stop(*args, **kwargs)

    t = threading.Thread(target=Bar, args=(futures,), daemon=True)
    t.start()
    return t


def run_dask(client, docs, opts, on_document, batch_bytes=None,
             progress=False):
    """Measures the documents on the cluster of `client`: batches in corpus
    order, the results handed to on_document(position, rows) in corpus order
    as they arrive. Raises the first DocumentError of a task."""
    from distributed import as_completed

    sizes = []
    for d in docs:
        try:
            sizes.append(os.path.getsize(d))
        except OSError as e:
            raise DocumentError(d, e.strerror) from None
    if batch_bytes is None:
        workers = max(1, len(client.scheduler_info()["workers"]))
        # About 8 batches per worker: enough to even out documents of
        # different sizes, few enough that scheduling costs nothing.
        batch_bytes = max(1, sum(sizes) // (8 * workers))
    copied = opts["index"] is not None and opts.get("copy") and \
        not opts["copied"]
    if copied:
        opts = copy_index(client, opts)
    try:
        plan = batches(docs, sizes, batch_bytes)
        futures = [client.submit(measure_batch, first, paths, opts,
                                 key="mdlz-measure-%d-%d"
                                 % (first, len(paths)), pure=False)
                   for first, paths in plan]
        bar = _progress_bar(futures) if progress else None
        done, next_pos = {}, 0
        for fut in as_completed(futures):
            for pos, rows in fut.result():
                done[pos] = rows
            fut.release()
            while next_pos in done:
                on_document(next_pos, done.pop(next_pos))
                next_pos += 1
        if bar is not None:
            bar.join(timeout=5)
    finally:
        if copied:  # the copies go, and the scheduler forgets the data
            client.unregister_worker_plugin(_IndexCopy.name)


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="python3 -m mdlz.measure",
        description="Per-document ablation rows (as mdlz ablate) over a "
        "corpus, on a Dask cluster. Results in corpus order, identical to "
        "a serial run.")
    ap.add_argument("corpus", nargs="+", metavar="CORPUS",
                    help="files and directories (walked in byte order of "
                    "their paths)")
    ap.add_argument("--index", metavar="KB.db",
                    help="retrieval index: adds the retrieval rows")
    ap.add_argument("--copy-index", action="store_true",
                    help="send the index to each worker's local directory "
                    "instead of reading it at the same path")
    ap.add_argument("--tools", metavar="LIST",
                    help="tools to ablate: all (default), none, or "
                    "NAME,NAME,...")
    ap.add_argument("--tool", metavar="PATH", action="append", default=[],
                    help="also ablate a tool plugin (same path on every "
                    "worker)")
    ap.add_argument("--level", type=int, default=5, choices=range(1, 10),
                    metavar="N", help="compression level 1..9 (default 5)")
    ap.add_argument("--measure", choices=sorted(MEASURES), default="ablate",
                    help="what is measured per document (default ablate)")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="a running Dask scheduler")
    where.add_argument("--local", type=int, metavar="N",
                       help="a local cluster of N worker processes over "
                       "loopback (default: one per core)")
    where.add_argument("--serial", action="store_true",
                       help="no cluster: measure in this process")
    ap.add_argument("--batch-bytes", type=int, metavar="N",
                    help="bytes of documents per task (default: about 8 "
                    "tasks per worker)")
    ap.add_argument("--format", choices=("csv", "json"), default="csv",
                    help="csv (default) or json (one object per line)")
    ap.add_argument("--timing", action="store_true",
                    help="add the columns that depend on the machine: "
                    "compress_mb_per_s and seconds")
    ap.add_argument("-o", "--output", metavar="FILE",
                    help="write to FILE instead of standard output")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="no progress bar and no summary")
    return ap.parse_args(argv)


def _local_cluster(n):
    from distributed import LocalCluster

    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=":0")


def main(argv=None):
    args = parse_args(argv)
    docs = corpus_documents(args.corpus)
    missing = [d for d in docs if not os.path.isfile(d)]
    if missing:
        print("mdlz.measure: %s: no such file" % missing[0], file=sys.stderr)
        return 1
    try:
        opts = options(args.index, args.tools, args.level, args.tool,
                       args.measure)
    except MdlzError as e:
        print("mdlz.measure: %s" % e, file=sys.stderr)
        return 1
    opts["copy"] = args.copy_index
    out = open(args.output, "w") if args.output else sys.stdout
    writer = Writer(out, args.format, args.timing)
    total = sum(os.path.getsize(d) for d in docs)

    def on_document(pos, rows):
        writer.document(docs[pos], rows)

    start = time.monotonic()
    workers = 1
    try:
        if args.serial:
            run_serial(docs, opts, on_document)
        else:
            from distributed import Client

            cluster = None
            if args.scheduler:
                client = Client(args.scheduler)
            else:
                n = args.local or len(os.sched_getaffinity(0))
                cluster = _local_cluster(n)
                client = Client(cluster)
            try:
                workers = len(client.scheduler_info()["workers"])
                start = time.monotonic()
                run_dask(client, docs, opts, on_document, args.batch_bytes,
                         progress=not args.quiet and sys.stderr.isatty())
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
    except DocumentError as e:
        print("mdlz.measure: %s" % e, file=sys.stderr)
        return 1
    finally:
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    secs = time.monotonic() - start
    if not args.quiet:
        print("mdlz.measure: %d documents, %d bytes in %.1f s on %d "
              "worker%s (%.3f MB/s of documents)"
              % (len(docs), total, secs, workers, "" if workers == 1 else "s",
                 total / 1e6 / secs if secs > 0 else 0.0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
