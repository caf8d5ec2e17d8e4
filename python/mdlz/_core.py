"""_core.py - compression and decompression, one-shot and incremental, with
the defaults of the mdlz command: level 5, the library's default tools
(MDLZ_CPARAM_DEFAULT_TOOLS, left out of inputs under 64 KiB), no memory
limit when compressing and the library's default limit when decompressing
(MDLZ_DECODE_MEMORY_DEFAULT, 2 GiB).

Shaped like the standard library's lzma and bz2 modules: compress() and
decompress() on whole buffers, MdlzCompressor (compress() then flush()) and
MdlzDecompressor (decompress(data, max_length), eof, unused_data,
needs_input).
"""

import ctypes
import threading
import weakref

from . import _lib
from ._lib import MdlzError, lib

CHUNK = 1 << 20  # most output bytes asked of the library per call
FIRST_CHUNK = 1 << 16  # the first output buffer of a (de)compressor


class _OutBuffer:
    """The output buffer of a (de)compressor: 64 KiB at first (small
    inputs, and many short-lived objects, stay cheap), doubled up to 1 MiB
    each time a call fills it."""

    def __init__(self):
        self._buf = ctypes.create_string_buffer(FIRST_CHUNK)
        self.size = FIRST_CHUNK
        self.addr = ctypes.addressof(self._buf)

    def grow(self):
        if self.size < CHUNK:
            self.size *= 2
            self._buf = ctypes.create_string_buffer(self.size)
            self.addr = ctypes.addressof(self._buf)

    def take(self, n):
        return ctypes.string_at(self.addr, n)


def _check(status, detail_fn=None, handle=None):
    if status != 0:
        detail = _lib.text(detail_fn(handle)) if detail_fn and handle else ""
        raise MdlzError(status, detail)


def _tool_list(tools):
    """The names (or plugin paths) --tools/--tool would add; None: the
    library's default tools (the command without --tools)."""
    if tools is None:
        return None
    if isinstance(tools, str):
        if tools == "all":
            return builtin_tools()
        if tools in ("none", ""):
            return []
        return [t for t in tools.split(",") if t]
    return [str(t) for t in tools]


def builtin_tools():
    """The names of the built-in tools ("calc", "seq", ...)."""
    n = lib.mdlz_builtin_tools(None, 0)
    arr = (ctypes.c_char_p * n)()
    lib.mdlz_builtin_tools(arr, n)
    return [_lib.text(arr[i]) for i in range(n)]


def default_tools():
    """The tools the command uses without --tools (mdlz_default_tools())."""
    return [t for t in _lib.text(lib.mdlz_default_tools()).split(",") if t]


def _memory(memory, default):
    if memory is None:
        return default
    memory = int(memory)
    if memory < 0:
        raise ValueError("memory must be >= 0 (bytes)")
    return memory


class _Context:
    """A library handle freed exactly once: by close(), or when garbage
    collected (weakref.finalize), whichever comes first."""

    def __init__(self, ptr, free):
        self.ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)

    def close(self):
        self._finalizer()
        self.ptr = None


class MdlzCompressor:
    """Compresses data incrementally into one mdlz stream, as
    lzma.LZMACompressor: compress() returns what is ready (often b""),
    flush() the rest of the stream. The stream is byte for byte what
    `mdlz -c` writes for the same input with the same options; with `size`
    (the total input length, recorded in the header and checked) it is what
    `mdlz -c FILE` writes for a regular file, without it what `mdlz -c`
    writes for a pipe.

    level:     1..9 (default 5)
    index:     path of a retrieval index (`mdlz index`, mdlz.Index), or None
    retrieval: with an index: "both" (default), "whole", "online", "none"
    tools:     None (the command's default tools), "all", "none", names
               separated by commas, or a list of names and plugin paths
    memory:    a memory limit in bytes (the level is lowered to fit), or
               None for no limit
    size:      the total input length, if known
    """

    def __init__(self, level=_lib.LEVEL_DEFAULT, *, index=None,
                 retrieval="both", tools=None, memory=None, size=None):
        p = _lib.Params()
        lib.mdlz_params_init(ctypes.byref(p))
        p.level = level
        p.mem_limit = _memory(memory, 0)
        p.src_size = _lib.SIZE_UNKNOWN if size is None else int(size)
        ptr = ctypes.c_void_p()
        _check(lib.mdlz_cctx_create(ctypes.byref(ptr), ctypes.byref(p)))
        self._ctx = _Context(ptr.value, lib.mdlz_cctx_free)
        self._lock = threading.Lock()
        self._flushed = False
        self._out = _OutBuffer()
        try:
            self._configure(index, retrieval, tools)
        except BaseException:
            self._ctx.close()
            raise

    def _configure(self, index, retrieval, tools):
        c = self._ctx.ptr
        detail = lib.mdlz_cctx_error_detail
        names = _tool_list(tools)
        if names is None:
            _check(lib.mdlz_cctx_set_param(c, _lib.CPARAM_DEFAULT_TOOLS, 1),
                   detail, c)
        for name in names or ():
            _check(lib.mdlz_cctx_add_tool(c, name.encode()), detail, c)
        if index is not None:
            if retrieval not in _lib.RETRIEVE:
                raise ValueError("retrieval must be one of %s"
                                 % ", ".join(_lib.RETRIEVE))
            _check(lib.mdlz_cctx_set_index(c, _lib.fspath_bytes(index)),
                   detail, c)
            _check(lib.mdlz_cctx_set_param(c, _lib.CPARAM_RETRIEVAL,
                                           _lib.RETRIEVE[retrieval]),
                   detail, c)
        elif retrieval != "both":
            raise ValueError("retrieval needs an index")

    @property
    def level(self):
        """The level used (lower than asked when a memory limit made it so)."""
        if self._ctx.ptr is None:
            raise ValueError("Compressor is flushed or failed")
        level = ctypes.c_int()
        mem = ctypes.c_uint64()
        lib.mdlz_cctx_get_model(self._ctx.ptr, ctypes.byref(level),
                                ctypes.byref(mem))
        return level.value

    def _code(self, data, end):
        if self._flushed:
            raise ValueError("Compressor has been flushed")
        if self._ctx.ptr is None:
            raise ValueError("Compressor failed; it can only be discarded")
        keep, addr, n = _lib.buffer_of(data)
        inb = _lib.InBuf(addr, n, 0)
        out = self._out
        done = ctypes.c_int(0)
        chunks = []
        while True:
            outb = _lib.OutBuf(out.addr, out.size, 0)
            before = inb.pos
            st = lib.mdlz_compress_stream(self._ctx.ptr, ctypes.byref(outb),
                                          ctypes.byref(inb), int(end),
                                          ctypes.byref(done))
            if outb.pos:
                chunks.append(out.take(outb.pos))
            if st == 0 and not done.value and not outb.pos and \
                    inb.pos == before and (end or inb.pos < inb.size):
                st = _lib.STATUS["MDLZ_ERROR_GENERIC"]  # no progress
            if st != 0:
                detail = _lib.text(lib.mdlz_cctx_error_detail(self._ctx.ptr))
                self._ctx.close()  # errors are final (mdlz.h)
                raise MdlzError(st, detail)
            full = outb.pos == outb.size
            if full:
                out.grow()
            if end:
                if done.value:
                    break
            elif inb.pos == inb.size and not full:
                break
        del keep
        return b"".join(chunks)

    def compress(self, data):
        """Gives data to the compressor; returns the compressed bytes ready."""
        with self._lock:
            return self._code(data, False)

    def flush(self):
        """Ends the stream; returns its last bytes. The compressor cannot be
        used after."""
        with self._lock:
            out = self._code(b"", True)
            self._flushed = True
            self._ctx.close()
            return out


class MdlzDecompressor:
    """Decompresses one mdlz stream incrementally, as lzma.LZMADecompressor:
    decompress(data, max_length=-1) returns at most max_length decoded bytes
    (all there are when negative) and keeps the input it did not use; `eof`
    is True once the stream ended and its checksum was verified, and then
    `unused_data` holds the bytes after it.

    index:  the retrieval index the stream needs, if it was made with one
    memory: refuse streams that need more memory than this (bytes); None:
            the library's default (2 GiB), mdlz.MEMORY_UNLIMITED: no limit
    tools:  plugin paths the stream may need (built-in tools are always
            available)
    """

    def __init__(self, *, index=None, memory=None, tools=()):
        ptr = ctypes.c_void_p()
        _check(lib.mdlz_dctx_create(ctypes.byref(ptr), _memory(memory, 0)))
        self._ctx = _Context(ptr.value, lib.mdlz_dctx_free)
        self._lock = threading.Lock()
        self._out = _OutBuffer()
        self._pending = b""  # input given but not consumed yet
        self.eof = False
        self.unused_data = b""
        self.needs_input = True
        d = self._ctx.ptr
        try:
            if index is not None:
                _check(lib.mdlz_dctx_set_index(d, _lib.fspath_bytes(index)),
                       lib.mdlz_dctx_error_detail, d)
            for t in _tool_list(tools) or ():
                if "/" in t:  # a plugin; built-in names need nothing
                    _check(lib.mdlz_dctx_add_tool(d, t.encode()),
                           lib.mdlz_dctx_error_detail, d)
        except BaseException:
            self._ctx.close()
            raise

    def _fail(self, st):
        d = self._ctx.ptr
        detail = _lib.text(lib.mdlz_dctx_error_detail(d))
        if st == _lib.STATUS["MDLZ_ERROR_MEMLIMIT"]:
            need = lib.mdlz_dctx_memory_needed(d)
            if need:
                detail += " (memory=%d allows it)" % need
        self._ctx.close()  # errors are sticky (mdlz.h)
        raise MdlzError(st, detail)

    def decompress(self, data, max_length=-1):
        with self._lock:
            if self.eof:
                raise EOFError("End of stream already reached")
            if self._ctx.ptr is None:
                raise ValueError("Decompressor failed; it can only be "
                                 "discarded")
            if self._pending:
                data = self._pending + bytes(data)
            keep, addr, n = _lib.buffer_of(data)
            inb = _lib.InBuf(addr, n, 0)
            limit = max_length if max_length is not None and max_length >= 0 \
                else -1
            chunks = []
            got = 0
            out = self._out
            done = ctypes.c_int(0)
            while limit < 0 or got < limit:
                cap = out.size if limit < 0 else min(out.size, limit - got)
                outb = _lib.OutBuf(out.addr, cap, 0)
                before = inb.pos
                st = lib.mdlz_decompress_stream(self._ctx.ptr,
                                                ctypes.byref(outb),
                                                ctypes.byref(inb),
                                                ctypes.byref(done))
                if outb.pos:
                    chunks.append(out.take(outb.pos))
                    got += outb.pos
                if st == 0 and not done.value and not outb.pos and \
                        before == inb.pos < inb.size:
                    # input left that the decoder does not take (as
                    # `mdlz -d` reports it)
                    st = _lib.STATUS["MDLZ_ERROR_GENERIC"]
                if st != 0:
                    self._fail(st)
                if done.value:
                    self.eof = True
                    break
                full = outb.pos == cap
                if full and cap == out.size:
                    out.grow()
                if inb.pos == inb.size and not full:
                    break  # everything given was used, nothing pending
            rest = bytes(data[inb.pos:]) if inb.pos < n else b""
            del keep
            if self.eof:
                self.unused_data = rest
                self._pending = b""
                self.needs_input = False
                self._ctx.close()
            else:
                self._pending = rest
                # As LZMADecompressor: more output may come without input
                # when max_length was reached.
                self.needs_input = not (limit >= 0 and got == limit)
            return b"".join(chunks)


def compress(data, level=_lib.LEVEL_DEFAULT, *, index=None, retrieval="both",
             tools=None, memory=None):
    """Compresses data into one mdlz stream: the bytes `mdlz -c FILE` writes
    for a file holding data, with the same options (the size is known and
    recorded, as the command records a regular file's). Options as
    MdlzCompressor."""
    size = len(data) if isinstance(data, bytes) else memoryview(data).nbytes
    c = MdlzCompressor(level, index=index, retrieval=retrieval, tools=tools,
                       memory=memory, size=size)
    with c._lock:  # the whole input with end set: one call codes it all
        out = c._code(data, True)
        c._flushed = True
        c._ctx.close()
    return out


def decompress(data, *, index=None, memory=None, tools=()):
    """Decompresses data: one or more concatenated mdlz streams, as
    `mdlz -d` does. Raises MdlzError: MDLZ_ERROR_TRUNCATED when the data
    ends inside a stream (or is empty), MDLZ_ERROR_TRAILING when bytes that
    are not a stream follow one, and the library's errors otherwise."""
    results = []
    data = bytes(data) if not isinstance(data, bytes) else data
    if not data:
        raise MdlzError("MDLZ_ERROR_TRUNCATED")
    streams = 0
    while data:
        d = MdlzDecompressor(index=index, memory=memory, tools=tools)
        try:
            results.append(d.decompress(data))
        except MdlzError as e:
            if streams and e.name == "MDLZ_ERROR_NOT_MDLZ":
                raise MdlzError("MDLZ_ERROR_TRAILING",
                                "after stream %d" % streams) from None
            raise
        if not d.eof:
            raise MdlzError("MDLZ_ERROR_TRUNCATED")
        streams += 1
        data = d.unused_data
    return b"".join(results)
