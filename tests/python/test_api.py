"""mdlz.compress/decompress, MdlzCompressor/MdlzDecompressor: the bytes of
the command, streaming with odd chunk sizes both ways, and the errors by
status name.

Like with like: `mdlz -c FILE` knows the input's size (a regular file) and
records it, so it equals mdlz.compress(data), which knows it too, and
MdlzCompressor(size=len(data)); `mdlz -c < pipe` does not know it, and
equals MdlzCompressor() fed in any pieces and mdlz.open(..., "wb")."""

import os
import re

import pytest

import mdlz
from conftest import SOURCE_ROOT, pipe_cli, run_cli


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_compress_equals_cli_file(cli, samples, tmp_path):
    # 38 KB (no default tools: under 64 KiB) and 115 KB (seq, the default
    # tool, is used: 64 KiB or more) at the default level and at -1/-9
    small, big = samples[0], samples[2]
    assert os.path.getsize(small) < 65536 <= os.path.getsize(big)
    for path in (small, big):
        data = read(path)
        assert mdlz.compress(data) == run_cli(cli, "-c", path)
        c = mdlz.MdlzCompressor(size=len(data))
        assert c.compress(data[:1000]) + c.compress(data[1000:]) + \
            c.flush() == run_cli(cli, "-c", path)
    data = read(small)
    for level in (1, 9):
        assert mdlz.compress(data, level=level) == \
            run_cli(cli, "-%d" % level, "-c", small)


def test_compress_equals_cli_options(cli, samples, sample_index, tmp_path):
    data = read(samples[4])
    assert mdlz.compress(data, tools="calc,seq") == \
        run_cli(cli, "--tools=calc,seq", "-c", samples[4])
    assert mdlz.compress(data, tools=["markup"]) == \
        run_cli(cli, "--tools=markup", "-c", samples[4])
    assert mdlz.compress(data, tools="all") == \
        run_cli(cli, "--tools=all", "-c", samples[4])
    assert mdlz.compress(data, tools="none") == \
        run_cli(cli, "--tools=none", "-c", samples[4])
    for mode in ("both", "whole", "online"):
        z = mdlz.compress(data, index=sample_index, retrieval=mode)
        assert z == run_cli(cli, "-R", sample_index, "--retrieval=" + mode,
                            "-c", samples[4])
        assert mdlz.decompress(z, index=sample_index) == data


def test_compressor_equals_cli_pipe(cli, samples):
    data = read(samples[2])  # 115 KB: the default tool takes part
    want = pipe_cli(cli, data)
    for chunk in (1, 7, 4093, 65536, len(data)):
        c = mdlz.MdlzCompressor()
        out = [c.compress(data[i:i + chunk])
               for i in range(0, len(data), chunk)]
        assert b"".join(out) + c.flush() == want, chunk
    with pytest.raises(ValueError):
        c.compress(b"more")


def test_decompress_cli_streams(cli, samples):
    data = read(samples[1])
    assert mdlz.decompress(run_cli(cli, "-c", samples[1])) == data
    assert mdlz.decompress(pipe_cli(cli, data, "-3")) == data
    # concatenated streams decode one after the other, as `mdlz -d`
    two = run_cli(cli, "-c", samples[1]) + mdlz.compress(b"tail")
    assert mdlz.decompress(two) == data + b"tail"


def test_bytes_like_inputs():
    data = b"bytes-like: bytearray, memoryview, array " * 50
    z = mdlz.compress(data)
    assert mdlz.compress(bytearray(data)) == z
    assert mdlz.compress(memoryview(data)) == z
    assert mdlz.compress(memoryview(data)[:]) == z
    import array

    arr = array.array("B", data)
    assert mdlz.compress(arr) == z
    assert mdlz.decompress(bytearray(z)) == data
    assert mdlz.decompress(mdlz.compress(b"")) == b""


@pytest.mark.parametrize("chunk", [1, 3, 17, 1000, 65537])
def test_decompressor_odd_chunks(samples, chunk):
    data = read(samples[2])
    z = mdlz.compress(data, level=1)
    d = mdlz.MdlzDecompressor()
    out = [d.decompress(z[i:i + chunk]) for i in range(0, len(z), chunk)]
    assert b"".join(out) == data
    assert d.eof and d.unused_data == b""
    with pytest.raises(EOFError):
        d.decompress(b"x")


@pytest.mark.parametrize("max_length", [1, 5, 4096, 100000])
def test_decompressor_max_length(samples, max_length):
    data = read(samples[0])
    z = mdlz.compress(data, level=1) + b"NEXT"
    d = mdlz.MdlzDecompressor()
    out = [d.decompress(z, max_length)]
    assert len(out[0]) <= max_length
    while not d.eof:
        piece = d.decompress(b"", max_length)
        assert len(piece) <= max_length
        out.append(piece)
        assert len(out) < len(data) + 10, "no progress"
    assert b"".join(out) == data
    assert d.unused_data == b"NEXT"


def test_decompressor_needs_input():
    z = mdlz.compress(b"abc" * 1000)
    d = mdlz.MdlzDecompressor()
    assert d.decompress(z[:10]) == b""
    assert d.needs_input and not d.eof
    assert d.decompress(z[10:]) == b"abc" * 1000
    assert d.eof and not d.needs_input


def status(fn, *args, **kw):
    with pytest.raises(mdlz.MdlzError) as e:
        fn(*args, **kw)
    return e.value


def test_errors_have_status_names(samples, sample_index, tmp_path):
    data = read(samples[0])
    z = mdlz.compress(data)
    assert status(mdlz.decompress, z[:-5]).name == "MDLZ_ERROR_TRUNCATED"
    assert status(mdlz.decompress, b"").name == "MDLZ_ERROR_TRUNCATED"
    assert status(mdlz.decompress, b"not mdlz at all").name == \
        "MDLZ_ERROR_NOT_MDLZ"
    assert status(mdlz.decompress, z + b"garbage!").name == \
        "MDLZ_ERROR_TRAILING"
    bad = bytearray(z)
    bad[len(bad) // 2] ^= 0xFF
    assert status(mdlz.decompress, bytes(bad)).name in (
        "MDLZ_ERROR_CORRUPT", "MDLZ_ERROR_CHECKSUM")
    e = status(mdlz.decompress, mdlz.compress(data, level=9), memory=1 << 20)
    assert e.name == "MDLZ_ERROR_MEMLIMIT" and "memory=" in e.detail
    assert mdlz.decompress(mdlz.compress(data, level=9),
                           memory=mdlz.MEMORY_UNLIMITED) == data
    zr = mdlz.compress(data, index=sample_index)
    assert status(mdlz.decompress, zr).name == "MDLZ_ERROR_NEED_INDEX"
    assert status(mdlz.compress, data, level=10).name == "MDLZ_ERROR_PARAM"
    # a size given is checked against the input, both ways
    for size in (len(data) - 1, len(data) + 1):
        c = mdlz.MdlzCompressor(size=size)
        e = status(lambda: c.compress(data) + c.flush())
        assert e.name == "MDLZ_ERROR_PARAM"
    e = status(mdlz.compress, data, tools="nosuchtool")
    assert e.name == "MDLZ_ERROR_TOOL" and "nosuchtool" in str(e)
    e = status(mdlz.compress, data, index=str(tmp_path / "missing.db"))
    assert e.name == "MDLZ_ERROR_INDEX" and "missing.db" in str(e)
    # the attributes and the message
    assert e.status == mdlz.STATUS_NAMES.index("MDLZ_ERROR_INDEX")
    assert str(e).startswith("MDLZ_ERROR_INDEX: ")
    # picklable (errors cross process boundaries in mdlz.measure)
    import pickle

    again = pickle.loads(pickle.dumps(e))
    assert (again.name, again.detail) == (e.name, e.detail)
    # a failed decompressor cannot be used again
    d = mdlz.MdlzDecompressor()
    with pytest.raises(mdlz.MdlzError):
        d.decompress(b"not mdlz at all")
    with pytest.raises(ValueError):
        d.decompress(b"")


def test_memory_limit_lowers_level():
    c = mdlz.MdlzCompressor(9, memory=64 << 20)
    assert 1 <= c.level < 9
    assert mdlz.MdlzCompressor(9).level == 9


def test_status_names_follow_the_header():
    with open(os.path.join(SOURCE_ROOT, "include", "mdlz.h")) as f:
        header = f.read()
    enum = re.search(r"typedef enum \{(.*?)\} mdlz_status;", header, re.S)
    pairs = re.findall(r"(MDLZ_\w+) = (\d+)", enum.group(1))
    assert pairs, "no status found in mdlz.h"
    assert [n for n, _ in pairs] == list(mdlz.STATUS_NAMES)
    assert [int(v) for _, v in pairs] == list(range(len(pairs)))


def test_defaults_follow_the_library():
    assert mdlz.LEVEL_DEFAULT == 5
    assert mdlz.default_tools() == ["seq"]
    assert set(mdlz.default_tools()) <= set(mdlz.builtin_tools())
    assert mdlz.DECODE_MEMORY_DEFAULT == 2 << 30
