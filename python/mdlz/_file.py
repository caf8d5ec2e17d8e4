"""_file.py - MdlzFile and open(): mdlz streams as file objects, in the shape
of lzma.LZMAFile and lzma.open().

Reading decodes as it goes (one or more concatenated streams, as `mdlz -d`),
so a file object works with shutil.copyfileobj, tarfile's streaming modes
('r|') and io.TextIOWrapper in bounded memory. seek() moves forward by
decoding and backward by decoding again from the start (the file must be
seekable then), as LZMAFile does. Writing compresses into one stream.
"""

import builtins
import io
import os

from ._core import MdlzCompressor, MdlzDecompressor
from ._lib import MdlzError

READ_SIZE = 1 << 16  # compressed bytes read from the file at a time

_MODE_CLOSED, _MODE_READ, _MODE_WRITE = 0, 1, 2


class _Reader(io.RawIOBase):
    """Decoded bytes of the streams in a compressed file object."""

    def __init__(self, fp, options):
        self._fp = fp
        self._options = options  # MdlzDecompressor's keyword arguments
        self._dec = MdlzDecompressor(**options)
        self._streams = 0
        self._eof = False
        self._pos = 0
        self._size = -1  # known once the end was reached

    def readable(self):
        return True

    def seekable(self):
        return self._fp.seekable()

    def readinto(self, b):
        with memoryview(b) as view, view.cast("B") as byte_view:
            data = self.read(len(byte_view))
            byte_view[:len(data)] = data
        return len(data)

    def _next_stream(self):
        """After a stream ended: False at the end of the file, else True
        with a decompressor for the next stream holding its first bytes
        (the next read decodes them; bytes that are not a stream raise
        MDLZ_ERROR_TRAILING there, as `mdlz -d` reports them)."""
        rest = self._dec.unused_data or self._fp.read(READ_SIZE)
        if not rest:
            return False
        self._dec = MdlzDecompressor(**self._options)
        self._dec.decompress(rest, 0)
        return True

    def read(self, size=-1):
        if size < 0:
            return self.readall()
        if not size or self._eof:
            return b""
        data = b""
        while not data:
            if self._dec.eof:
                self._streams += 1
                if not self._next_stream():
                    self._eof = True
                    self._size = self._pos
                    return b""
                continue
            if self._dec.needs_input:
                raw = self._fp.read(READ_SIZE)
                if not raw:
                    raise MdlzError("MDLZ_ERROR_TRUNCATED",
                                    "the file ends inside stream %d"
                                    % (self._streams + 1))
            else:
                raw = b""
            try:
                data = self._dec.decompress(raw, size)
            except MdlzError as e:
                if self._streams and e.name == "MDLZ_ERROR_NOT_MDLZ":
                    raise MdlzError("MDLZ_ERROR_TRAILING") from None
                raise
        self._pos += len(data)
        return data

    def readall(self):
        chunks = []
        while True:
            data = self.read(io.DEFAULT_BUFFER_SIZE * 8)
            if not data:
                return b"".join(chunks)
            chunks.append(data)

    def _rewind(self):
        self._fp.seek(0)
        self._dec = MdlzDecompressor(**self._options)
        self._streams = 0
        self._eof = False
        self._pos = 0

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_CUR:
            offset = self._pos + offset
        elif whence == io.SEEK_END:
            if self._size < 0:
                while self.read(io.DEFAULT_BUFFER_SIZE * 8):
                    pass
            offset = self._size + offset
        elif whence != io.SEEK_SET:
            raise ValueError("Invalid value for whence: %r" % (whence,))
        if offset < self._pos:
            self._rewind()
        else:
            offset -= self._pos
        while offset > 0:
            data = self.read(min(io.DEFAULT_BUFFER_SIZE * 8, offset))
            if not data:
                break
            offset -= len(data)
        return self._pos

    def tell(self):
        return self._pos


class MdlzFile(io.BufferedIOBase):
    """A file object for mdlz-compressed data, as lzma.LZMAFile.

    filename: a path (str, bytes, os.PathLike), or a file object to read
              from or write to (it is not closed by close())
    mode:     "r"/"rb" (default), "w"/"wb", "x"/"xb", "a"/"ab" (appends a
              stream; reading decodes every stream in turn)
    Reading takes index, memory and tools as MdlzDecompressor; writing
    takes level, index, retrieval, tools, memory and size as
    MdlzCompressor.
    """

    def __init__(self, filename, mode="r", *, level=5, index=None,
                 retrieval="both", tools=None, memory=None, size=None):
        self._fp = None
        self._closefp = False
        self._mode = _MODE_CLOSED
        if mode in ("r", "rb"):
            mode_code = _MODE_READ
            options = {"index": index, "memory": memory,
                       "tools": () if tools is None else tools}
        elif mode in ("w", "wb", "a", "ab", "x", "xb"):
            mode_code = _MODE_WRITE
            self._compressor = MdlzCompressor(
                level, index=index, retrieval=retrieval, tools=tools,
                memory=memory, size=size)
            self._pos = 0
        else:
            raise ValueError("Invalid mode: %r" % (mode,))
        if isinstance(filename, (str, bytes, os.PathLike)):
            if "b" not in mode:
                mode += "b"
            self._fp = builtins.open(filename, mode)
            self._closefp = True
        elif hasattr(filename, "read") or hasattr(filename, "write"):
            self._fp = filename
        else:
            raise TypeError("filename must be a str, bytes, file or "
                            "PathLike object")
        self._mode = mode_code
        if mode_code == _MODE_READ:
            self._buffer = io.BufferedReader(_Reader(self._fp, options))

    def close(self):
        if self._mode == _MODE_CLOSED:
            return
        try:
            if self._mode == _MODE_READ:
                self._buffer.close()
                self._buffer = None
            elif self._mode == _MODE_WRITE:
                self._fp.write(self._compressor.flush())
                self._compressor = None
        finally:
            try:
                if self._closefp:
                    self._fp.close()
            finally:
                self._fp = None
                self._closefp = False
                self._mode = _MODE_CLOSED

    @property
    def closed(self):
        return self._mode == _MODE_CLOSED

    def fileno(self):
        self._check_not_closed()
        return self._fp.fileno()

    def seekable(self):
        return self.readable() and self._buffer.seekable()

    def readable(self):
        self._check_not_closed()
        return self._mode == _MODE_READ

    def writable(self):
        self._check_not_closed()
        return self._mode == _MODE_WRITE

    def _check_not_closed(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def _check_can_read(self):
        if not self.readable():
            raise io.UnsupportedOperation("File not open for reading")

    def _check_can_write(self):
        if not self.writable():
            raise io.UnsupportedOperation("File not open for writing")

    def peek(self, size=-1):
        self._check_can_read()
        return self._buffer.peek(size)

    def read(self, size=-1):
        self._check_can_read()
        return self._buffer.read(size)

    def read1(self, size=-1):
        self._check_can_read()
        if size < 0:
            size = io.DEFAULT_BUFFER_SIZE
        return self._buffer.read1(size)

    def readinto(self, b):
        self._check_can_read()
        return self._buffer.readinto(b)

    def readline(self, size=-1):
        self._check_can_read()
        return self._buffer.readline(size)

    def write(self, data):
        self._check_can_write()
        if isinstance(data, (bytes, bytearray)):
            length = len(data)
        else:
            data = memoryview(data)
            length = data.nbytes
        self._fp.write(self._compressor.compress(data))
        self._pos += length
        return length

    def seek(self, offset, whence=io.SEEK_SET):
        if not self.seekable():
            raise io.UnsupportedOperation("The underlying file object does "
                                          "not support seeking")
        return self._buffer.seek(offset, whence)

    def tell(self):
        self._check_not_closed()
        if self._mode == _MODE_READ:
            return self._buffer.tell()
        return self._pos


def open(filename, mode="rb", *, level=5, index=None, retrieval="both",
         tools=None, memory=None, size=None, encoding=None, errors=None,
         newline=None):
    """Opens an mdlz-compressed file in binary or text mode, as lzma.open():
    mode "r", "rb", "w", "wb", "x", "xb", "a", "ab" give an MdlzFile; "rt",
    "wt", "xt", "at" wrap it in io.TextIOWrapper with encoding, errors and
    newline. The other keywords are MdlzFile's."""
    if "t" in mode:
        if "b" in mode:
            raise ValueError("Invalid mode: %r" % (mode,))
    else:
        if encoding is not None:
            raise ValueError("Argument 'encoding' not supported in binary "
                             "mode")
        if errors is not None:
            raise ValueError("Argument 'errors' not supported in binary mode")
        if newline is not None:
            raise ValueError("Argument 'newline' not supported in binary "
                             "mode")
    binary = MdlzFile(filename, mode.replace("t", ""), level=level,
                      index=index, retrieval=retrieval, tools=tools,
                      memory=memory, size=size)
    if "t" in mode:
        encoding = io.text_encoding(encoding)
        return io.TextIOWrapper(binary, encoding, errors, newline)
    return binary
