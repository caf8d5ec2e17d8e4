"""python3 -m mdlz.measure on a real Dask LocalCluster: two worker processes
over loopback, run by this interpreter (Debian's python3 with its
python3-distributed). The rows are identical to a serial run and to
`mdlz ablate --format=csv` of each document, in corpus order."""

import json
import os
import subprocess
import sys

import pytest


distributed = pytest.importorskip("distributed")
from mdlz import measure  # noqa: E402
from conftest import run_cli  # noqa: E402


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, samples):
    """A small corpus: two directories of 3 KB pieces of the samples, plus
    a dot-file that the walk skips."""
    root = tmp_path_factory.mktemp("corpus")
    for k, s in enumerate(samples):
        sub = root / ("b" if k % 2 else "a")
        sub.mkdir(exist_ok=True)
        with open(s, "rb") as f:
            (sub / ("doc%d.txt" % k)).write_bytes(f.read(3000))
    (root / "a" / ".hidden").write_bytes(b"skipped")
    return str(root)


def run_measure(*args):
    r = subprocess.run([sys.executable, "-m", "mdlz.measure"] + list(args),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout, r.stderr


def test_corpus_order(corpus_dir):
    docs = measure.corpus_documents([corpus_dir])
    rel = [os.path.relpath(d, corpus_dir) for d in docs]
    assert rel == ["a/doc0.txt", "a/doc2.txt", "a/doc4.txt", "b/doc1.txt",
                   "b/doc3.txt", "b/doc5.txt"]
    assert measure.batches(docs, [3000] * 6, 7000) == [
        (0, docs[0:2]), (2, docs[2:4]), (4, docs[4:6])]


def test_cluster_rows_identical_to_serial_and_to_the_command(
        cli, corpus_dir, sample_index):
    opts = ["--index", sample_index, "--tools", "seq", "-q"]
    dask_csv, _ = run_measure(corpus_dir, "--local", "2", "--copy-index",
                              "--batch-bytes", "5000", *opts)
    serial_csv, _ = run_measure(corpus_dir, "--serial", *opts)
    assert dask_csv == serial_csv
    lines = dask_csv.splitlines()
    docs = measure.corpus_documents([corpus_dir])
    assert lines[0].startswith("document,config,match,retrieval,")
    # each document's rows: `mdlz ablate --format=csv DOC` without its
    # timing column (compress_mb_per_s), prefixed with the document; as
    # many as the command prints (cm-only default retrieval-x3 tool-seq
    # all auto)
    refs = [run_cli(cli, "ablate", "--format=csv", "-q", "-R", sample_index,
                    "--tools=seq", doc).decode().splitlines() for doc in docs]
    assert len(lines) == 1 + sum(len(ref) - 1 for ref in refs)
    at = 1
    for doc, ref in zip(docs, refs):
        assert ref[0].split(",")[:-1] == lines[0].split(",")[1:]
        assert [r.split(",")[0] for r in ref[1:]] == [
            "cm-only", "default", "retrieval-whole", "retrieval-online",
            "retrieval-both", "tool-seq", "all", "auto"]
        got = lines[at:at + len(ref) - 1]
        assert got == [doc + "," + r.rsplit(",", 1)[0] for r in ref[1:]]
        at += len(ref) - 1


def test_json_on_a_cluster_api(corpus_dir):
    """The API under the command: run_dask on a LocalCluster of 2 worker
    processes on 127.0.0.1; JSON lines; a missing document names itself."""
    from distributed import Client, LocalCluster

    docs = measure.corpus_documents([corpus_dir])
    opts = measure.options(tools="none")
    serial = []
    measure.run_serial(docs, opts, lambda pos, rows: serial.append(
        (pos, rows)))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2 and os.getpid() not in \
            pids.values()
        got = []
        measure.run_dask(client, docs, opts,
                         lambda pos, rows: got.append((pos, rows)),
                         batch_bytes=1)
        assert [p for p, _ in got] == list(range(len(docs)))
        strip = [[{k: v for k, v in r.items() if k not in
                   measure.TIMING_COLUMNS} for r in rows] for _, rows in got]
        assert strip == [[{k: v for k, v in r.items() if k not in
                           measure.TIMING_COLUMNS} for r in rows]
                         for _, rows in serial]
        with pytest.raises(measure.DocumentError) as e:
            measure.run_dask(client, docs + [docs[0] + ".missing"], opts,
                             lambda pos, rows: None)
        assert docs[0] + ".missing" in str(e.value)
        # a failure on a worker (a directory is not a document) comes back
        # naming the document
        bad = os.path.dirname(docs[0])
        with pytest.raises(measure.DocumentError) as e:
            measure.run_dask(client, [docs[0], bad], opts,
                             lambda pos, rows: None)
        assert e.value.name_ == bad
    import io

    out = io.StringIO()
    w = measure.Writer(out, "json", False)
    w.document(docs[0], got[0][1])
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["config"] for r in rows] == ["cm-only", "default", "auto"]
    assert rows[0]["document"] == docs[0]
    assert rows[1]["index_bytes"] is None and "seconds" not in rows[1]


def test_errors_of_the_command(corpus_dir, tmp_path):
    r = subprocess.run([sys.executable, "-m", "mdlz.measure", "--serial",
                        str(tmp_path / "nope.txt")], capture_output=True,
                       text=True)
    assert r.returncode == 1 and "nope.txt" in r.stderr
    r = subprocess.run([sys.executable, "-m", "mdlz.measure", "--serial",
                        "--index", str(tmp_path / "none.db"), corpus_dir],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "MDLZ_ERROR_INDEX" in r.stderr
    r = subprocess.run([sys.executable, "-m", "mdlz.measure", "--serial",
                        "--local", "2", corpus_dir], capture_output=True,
                       text=True)
    assert r.returncode == 2  # usage: one of --serial/--local/--scheduler
