"""mdlz.Archive: the entries against `mdlz archive list --json` and the
table, one member read as bytes against the files archived, by name and by
number; missing members, directories, a damaged archive, a closed one."""

import json
import os
import shutil

import pytest

import mdlz
from conftest import run_cli


@pytest.fixture(scope="module")
def archive(tmp_path_factory, samples, cli):
    tmp = tmp_path_factory.mktemp("archive")
    src = tmp / "docs"
    (src / "sub").mkdir(parents=True)
    for i, s in enumerate(samples):
        shutil.copy(s, src / ("sub" if i % 2 else ".") / os.path.basename(s))
    (src / "empty.txt").write_bytes(b"")
    path = str(tmp / "a.mdlza")
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        run_cli(cli, "archive", "create", "-q", "a.mdlza", "docs")
    finally:
        os.chdir(cwd)
    return path, str(tmp)


def test_entries_match_the_command(cli, archive):
    path, _ = archive
    with mdlz.Archive(path) as ar:
        entries = ar.entries()
        info = ar.info()
        assert ar.damage is None
        assert len(ar) == len(entries) == info["n_entries"]
    lines = run_cli(cli, "archive", "list", "--json", path).decode().splitlines()
    listed = [json.loads(line) for line in lines]
    assert [e["name"] for e in entries] == [e["name"] for e in listed]
    for mine, theirs in zip(entries, listed):
        for key in theirs:
            if key in mine:
                assert mine[key] == theirs[key], key
    files = [e for e in entries if e["type"] == "file"]
    assert sum(e["size"] for e in files) == info["file_bytes"]
    assert info["archive_bytes"] == os.path.getsize(path)
    assert {e["type"] for e in entries} == {"file", "dir"}
    assert [e["group"] for e in files if e["size"] == 0] == [None]


def test_read_members(archive):
    path, root = archive
    with mdlz.Archive(path) as ar:
        for e in ar:
            if e["type"] != "file":
                continue
            want = open(os.path.join(root, e["name"]), "rb").read()
            assert ar.read(e["name"]) == want
            assert ar.read(e["index"]) == want
        assert "docs/empty.txt" in ar and "nothing" not in ar
        with pytest.raises(KeyError):
            ar.read("docs/nothing.txt")
        with pytest.raises(KeyError):
            ar.read(len(ar))
        with pytest.raises(IsADirectoryError):
            ar.read("docs/sub")
    with pytest.raises(ValueError):
        ar.read("docs/empty.txt")


def test_errors(tmp_path, archive, samples):
    path, _ = archive
    with pytest.raises(mdlz.MdlzError) as e:
        mdlz.Archive(samples[0])
    assert e.value.name == "MDLZ_ERROR_NOT_MDLZ" or e.value.detail
    with pytest.raises(mdlz.MdlzError):
        mdlz.Archive(tmp_path / "missing.mdlza")
    # one byte of the first group's stream changed: reading fails, never
    # returns wrong bytes
    data = bytearray(open(path, "rb").read())
    with mdlz.Archive(path) as ar:
        first = next(e for e in ar if e["type"] == "file" and e["size"])
    data[len(data) // 4] ^= 0x40
    bad = tmp_path / "bad.mdlza"
    bad.write_bytes(bytes(data))
    try:
        ar = mdlz.Archive(bad)
    except mdlz.MdlzError:
        return  # the table of contents was hit: refused on opening
    failures = 0
    with ar:
        for e in ar:
            if e["type"] == "file" and e["size"]:
                try:
                    ar.read(e["name"])
                except mdlz.MdlzError as err:
                    failures += 1
                    assert err.name.startswith("MDLZ_ERROR_")
    assert failures > 0 or first is None
