"""mdlz.open / MdlzFile: streaming reads and writes (shutil.copyfileobj,
tarfile in streaming mode, io.TextIOWrapper), seeking by decoding,
concatenated streams, and the errors of damaged files."""

import io
import os
import shutil
import tarfile

import pytest

import mdlz
from conftest import pipe_cli, run_cli


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Trickle(io.RawIOBase):
    """A non-seekable file object that hands out at most `n` bytes per
    read, as a pipe may."""

    def __init__(self, data, n):
        self._data, self._pos, self._n = data, 0, n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self._n, len(self._data) - self._pos)
        b[:k] = self._data[self._pos:self._pos + k]
        self._pos += k
        return k


def test_write_equals_cli_pipe_and_reads_back(cli, samples, tmp_path):
    data = read(samples[2])
    path = tmp_path / "x.mdlz"
    with mdlz.open(path, "wb") as f:
        for i in range(0, len(data), 10007):
            assert f.write(data[i:i + 10007]) == len(data[i:i + 10007])
        assert f.tell() == len(data)
    # what the command writes when it does not know the size (a pipe)
    assert read(path) == pipe_cli(cli, data)
    assert run_cli(cli, "-d", "-c", str(path)) == data
    with mdlz.open(path) as f:
        assert f.read() == data
    # with size= the header records it, as `mdlz -c FILE` does
    with mdlz.open(tmp_path / "y.mdlz", "wb", size=len(data)) as f:
        f.write(data)
    assert read(tmp_path / "y.mdlz") == run_cli(cli, "-c", samples[2])


@pytest.mark.parametrize("chunk", [1, 7, 1000, 1 << 16])
def test_read_trickled_stream(samples, chunk):
    data = read(samples[0])
    z = mdlz.compress(data, level=1)
    with mdlz.MdlzFile(Trickle(z, chunk)) as f:
        got = []
        while True:
            piece = f.read(333)
            if not piece:
                break
            got.append(piece)
    assert b"".join(got) == data


def test_copyfileobj_both_ways(samples, tmp_path):
    src = samples[1]
    with open(src, "rb") as fin, mdlz.open(tmp_path / "c.mdlz", "wb") as fo:
        shutil.copyfileobj(fin, fo, 12345)
    out = io.BytesIO()
    with mdlz.open(tmp_path / "c.mdlz") as fin:
        shutil.copyfileobj(fin, out, 777)
    assert out.getvalue() == read(src)


def test_tarfile_streaming(cli, samples, tmp_path):
    tar_path = tmp_path / "s.tar"
    with tarfile.open(tar_path, "w") as t:
        for s in samples:
            t.add(s, arcname=os.path.basename(s))
    # written through mdlz.open in streaming mode ('w|'), read back with
    # the command, then read in streaming mode ('r|') from a pipe-like
    # file object
    with mdlz.open(tmp_path / "s.tar.mdlz", "wb", level=1) as f:
        with tarfile.open(fileobj=f, mode="w|") as t:
            for s in samples:
                t.add(s, arcname=os.path.basename(s))
    with tarfile.open(fileobj=io.BytesIO(
            run_cli(cli, "-d", "-c", str(tmp_path / "s.tar.mdlz")))) as t:
        assert sorted(t.getnames()) == sorted(os.path.basename(s)
                                              for s in samples)
    z = run_cli(cli, "-1", "-c", str(tar_path))
    with mdlz.MdlzFile(Trickle(z, 4099)) as f:
        with tarfile.open(fileobj=f, mode="r|") as t:
            got = {m.name: t.extractfile(m).read() for m in t}
    assert got == {os.path.basename(s): read(s) for s in samples}


def test_text_mode(tmp_path):
    lines = ["line %d: caf\u00e9 \u2013 na\u00efve\n" % i for i in range(2000)]
    with mdlz.open(tmp_path / "t.mdlz", "wt", encoding="utf-8") as f:
        f.writelines(lines)
    with mdlz.open(tmp_path / "t.mdlz", "rt", encoding="utf-8") as f:
        assert f.readline() == lines[0]
        assert list(f) == lines[1:]
    with mdlz.open(tmp_path / "t.mdlz", "rb") as f:
        assert io.TextIOWrapper(f, "utf-8").read() == "".join(lines)
    with pytest.raises(ValueError):
        mdlz.open(tmp_path / "t.mdlz", "rb", encoding="utf-8")


def test_seek(samples, tmp_path):
    data = read(samples[2])
    path = tmp_path / "s.mdlz"
    path.write_bytes(mdlz.compress(data, level=1))
    with mdlz.open(path) as f:
        assert f.seekable()
        assert f.seek(50000) == 50000 and f.read(10) == data[50000:50010]
        assert f.seek(100, io.SEEK_CUR) == 50110
        assert f.read(5) == data[50110:50115]
        assert f.seek(7) == 7 and f.read(3) == data[7:10]  # backward
        assert f.seek(-4, io.SEEK_END) == len(data) - 4
        assert f.read() == data[-4:]
        assert f.seek(len(data) + 100) == len(data) and f.read() == b""
    with mdlz.MdlzFile(Trickle(mdlz.compress(data), 999)) as f:
        assert not f.seekable()
        with pytest.raises(io.UnsupportedOperation):
            f.seek(0)


def test_append_makes_concatenated_streams(cli, tmp_path):
    path = tmp_path / "a.mdlz"
    with mdlz.open(path, "wb") as f:
        f.write(b"first\n")
    with mdlz.open(path, "ab") as f:
        f.write(b"second\n")
    with mdlz.open(path) as f:
        assert f.read() == b"first\nsecond\n"
    assert run_cli(cli, "-d", "-c", str(path)) == b"first\nsecond\n"
    with pytest.raises(FileExistsError):
        mdlz.open(path, "xb")


def test_damaged_files_raise_named_errors(samples, tmp_path):
    z = mdlz.compress(read(samples[0]))
    # an empty file is a truncated stream, as `mdlz -d` and
    # mdlz.decompress(b"") say
    cases = [("MDLZ_ERROR_TRUNCATED", z[:-20]),
             ("MDLZ_ERROR_TRUNCATED", b""),
             ("MDLZ_ERROR_TRAILING", z + b"garbage after"),
             ("MDLZ_ERROR_NOT_MDLZ", b"plain text, not a stream")]
    for k, (name, blob) in enumerate(cases):
        p = tmp_path / ("%d.mdlz" % k)
        p.write_bytes(blob)
        with mdlz.open(p) as f:
            with pytest.raises(mdlz.MdlzError) as e:
                f.read()
        assert e.value.name == name


def test_modes_and_closed_file(tmp_path):
    with pytest.raises(ValueError):
        mdlz.open(tmp_path / "m.mdlz", "r+")
    f = mdlz.open(tmp_path / "m.mdlz", "w")
    assert f.writable() and not f.readable()
    with pytest.raises(io.UnsupportedOperation):
        f.read()
    f.close()
    f.close()  # twice is fine
    assert f.closed
    with pytest.raises(ValueError):
        f.write(b"x")
    with mdlz.open(tmp_path / "m.mdlz") as f:
        assert f.read() == b""
        assert f.peek() == b""
