"""mdlz.ablate(): the rows of `mdlz ablate` through the ablation API of
mdlz_measure.h, compared with the command's JSON on the same inputs."""

import json

import pytest

import mdlz
from conftest import run_cli

# keys of mdlz.ablate's rows -> keys of `mdlz ablate --format=json`
JSON_KEYS = {"config": "name", "payload_bytes": "payload_bytes",
             "code_bytes": "code_bytes", "dl_bytes": "dl_bytes",
             "delta_bytes": "delta_bytes", "index_bytes": "index_bytes",
             "breakeven_files": "breakeven_files", "match": "match",
             "retrieval": "retrieval", "tools": "tools",
             "components": "components"}


def test_rows_equal_the_command(cli, samples, sample_index, tmp_path):
    paths = []
    for k, s in enumerate(samples[4:6]):  # two inputs, 12 KB each
        paths.append(str(tmp_path / ("in%d.txt" % k)))
        with open(s, "rb") as f, open(paths[-1], "wb") as g:
            g.write(f.read(12000))
    rows = mdlz.ablate(paths, index=sample_index, tools="calc,seq")
    out = json.loads(run_cli(cli, "ablate", "--format=json", "-q", "-R",
                             sample_index, "--tools=calc,seq", *paths))
    # the rows of the command, in its order (the planned ones, then the
    # `auto` row: what mdlz --auto chooses for these inputs)
    assert [r["config"] for r in rows] == [
        c["name"] for c in out["configurations"]]
    assert [r["config"] for r in rows] == [
        "cm-only", "default", "retrieval-whole", "retrieval-online",
        "retrieval-both", "tool-calc", "tool-seq", "all", "auto"]
    for row, ref in zip(rows, out["configurations"]):
        for key, ref_key in JSON_KEYS.items():
            assert row[key] == ref[ref_key], (row["config"], key)
        assert row["bits_per_byte"] == pytest.approx(ref["bits_per_byte"],
                                                     abs=1e-4)
        assert row["delta_percent"] == pytest.approx(ref["delta_percent"],
                                                     abs=1e-3)
        assert row["files"] == 2
        assert row["input_bytes"] == out["input_bytes"]
        assert row["seconds"] > 0


def test_data_inputs_and_progress(samples):
    data = open(samples[0], "rb").read()
    calls = []
    rows = mdlz.ablate([data], tools="none",
                       progress=lambda i, r, name: calls.append((i, name)))
    assert [r["config"] for r in rows] == ["cm-only", "default", "auto"]
    assert calls == [(0, "cm-only"), (0, "default"), (0, "auto")]
    # bytes are measured as a file of that size (size known)
    assert rows[1]["payload_bytes"] == len(mdlz.compress(data, tools="none"))
    rows = mdlz.ablate([data], tools="none", curve=4096)
    assert rows[0]["curve"][-1] == (len(data), rows[0]["payload_bytes"])


def test_errors(samples, tmp_path):
    with pytest.raises(mdlz.MdlzError) as e:
        mdlz.ablate(samples[:1], tools="nosuch")
    assert e.value.name == "MDLZ_ERROR_TOOL"
    with pytest.raises(mdlz.MdlzError) as e:
        mdlz.ablate(samples[:1], index=str(tmp_path / "none.db"))
    assert e.value.name == "MDLZ_ERROR_INDEX"
    with pytest.raises(FileNotFoundError):
        mdlz.ablate([str(tmp_path / "missing.txt")], tools="none")
