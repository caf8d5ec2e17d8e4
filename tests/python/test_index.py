"""mdlz.Index: add, remove, search, documents, stats, get, against what
`mdlz index` says of the same file; transactions all or nothing; errors."""

import os
import re

import pytest

import mdlz
from conftest import run_cli


@pytest.fixture()
def index(tmp_path, samples):
    path = str(tmp_path / "kb.db")
    with mdlz.Index(path, "c") as ix:
        report = ix.add(*samples[:3])
    assert [r["status"] for r in report] == ["added"] * 3
    return path


def test_add_and_documents_match_the_command(cli, index, samples):
    with mdlz.Index(index) as ix:
        docs = ix.documents()
        stats = ix.stats()
        gen = ix.generation()
    assert [d["name"] for d in docs] == samples[:3]
    assert [d["size"] for d in docs] == [os.path.getsize(s)
                                         for s in samples[:3]]
    ls = run_cli(cli, "index", "ls", index).decode()
    assert [int(x) for x in re.findall(r"^\s*(\d+)\s", ls, re.M)] == \
        [d["id"] for d in docs]
    out = run_cli(cli, "index", "stats", index).decode()
    assert "documents    %d\n" % stats["documents"] in out
    assert "generation   %d (history %016x)\n" % (stats["generation"],
                                                   stats["history"]) in out
    assert (gen["gen"], gen["history"]) == (stats["generation"],
                                            stats["history"])
    assert gen["docs"] == stats["documents"] == 3 and gen["intact"]
    assert stats["removed"] == stats["purged"] == stats["broken"] == 0
    assert stats["bytes"] == sum(d["size"] for d in docs)
    assert stats["stored"] == sum(d["stored"] for d in docs)
    assert stats["terms"] > 100
    with mdlz.Index(index) as ix:
        assert ix.get(docs[1]["id"]) == open(samples[1], "rb").read()
        assert len(ix) == 3


def test_search_matches_the_command(cli, index):
    with mdlz.Index(index) as ix:
        hits = ix.search("congress", limit=2)
        anyw = ix.search("zzzunknown congress", any=True)
        none = ix.search("zzzunknown congress")
    out = run_cli(cli, "index", "search", "-n", "2", index,
                  "congress").decode()
    assert [h["id"] for h in hits] == \
        [int(x) for x in re.findall(r"^\d+\. \[(\d+)\]", out, re.M)]
    assert len(hits) == 2
    assert "[congress]" in hits[0]["snippet"].lower()
    assert hits[0]["score"] >= hits[1]["score"] > 0
    assert anyw and not none


def test_add_bytes_duplicate_and_remove(index):
    with mdlz.Index(index, "w") as ix:
        r = ix.add_bytes("notes", b"some notes about the union " * 20)
        assert r["status"] == "added"
        assert ix.add_bytes("again", b"some notes about the union " * 20)[
            "status"] == "duplicate"
        before = ix.generation()
        assert ix.remove(r["id"]) == 1
        after = ix.generation()
        assert after["gen"] == before["gen"] + 1
        assert after["history"] != before["history"]
        assert ix.generation(before["gen"]) == before
        assert ix.stats()["removed"] == 1
        n = len(ix)
        # all or nothing: the second name matches nothing
        with pytest.raises(mdlz.MdlzError) as e:
            ix.remove(ix.documents()[0]["name"], "no such name")
        assert e.value.name == "MDLZ_ERROR_INDEX"
        assert len(ix) == n
        assert ix.remove(ix.documents()[0]["name"]) == 1


def test_add_is_one_transaction(index, tmp_path):
    binary = tmp_path / "bin.dat"
    binary.write_bytes(b"\0\1\2" * 100)
    text = tmp_path / "t.txt"
    text.write_text("a new text document\n")
    with mdlz.Index(index, "w") as ix:
        n = len(ix)
        with pytest.raises(mdlz.MdlzError) as e:
            ix.add(str(text), str(binary))  # a binary file named: error
        assert e.value.name == "MDLZ_ERROR_INDEX" and "bin.dat" in str(e)
        assert len(ix) == n  # the text file was not added either
        assert [r["status"] for r in ix.add(str(text), str(binary),
                                            force=True)] == ["added"] * 2


def test_read_only_and_errors(index, tmp_path):
    with mdlz.Index(index) as ix:  # mode "r"
        with pytest.raises(mdlz.MdlzError):
            ix.add_bytes("x", b"text")
    with pytest.raises(mdlz.MdlzError) as e:
        mdlz.Index(str(tmp_path / "missing.db"))
    assert e.value.name == "MDLZ_ERROR_INDEX"
    assert not os.path.exists(tmp_path / "missing.db")
    with pytest.raises(ValueError):
        mdlz.Index(index, "rw")
    ix = mdlz.Index(index)
    ix.close()
    with pytest.raises(ValueError):
        ix.stats()


def test_compress_with_index_from_python(cli, index, samples):
    data = open(samples[4], "rb").read()
    z = mdlz.compress(data, index=index)
    assert z == run_cli(cli, "-R", index, "-c", samples[4])
    assert mdlz.decompress(z, index=index) == data
