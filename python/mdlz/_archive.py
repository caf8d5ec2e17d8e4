"""_archive.py - mdlz.Archive: reading an mdlz archive (.mdlza; docs/archive.md)
through its public header include/mdlz_archive.h: the entries and their
sizes, as `mdlz archive list`, and one member's content as bytes, decoding
only the groups it depends on.
"""

import ctypes
import os
import threading

from . import _lib
from ._lib import DECODE_MEMORY_DEFAULT, MEMORY_UNLIMITED, MdlzError, lib

_TYPES = ("file", "dir")  # MDLZ_ARCHIVE_FILE, MDLZ_ARCHIVE_DIR


class Archive:
    """An archive opened at `path` for reading (as `mdlz archive list` and
    `extract` read it). Only the table of contents is read on opening.

    memory: the decompression memory limit of each decoder, as `mdlz -d
            --memory` (default that of the command; None: no limit)
    threads: decoding workers (0: one per core)

    Members are named by their stored names (str, decoded as os.fsdecode
    decodes file names) or by their entry numbers. A handle is used by one
    thread at a time (calls are serialized here). Failures raise MdlzError
    with the library's one-line message as its detail.
    """

    def __init__(self, path, *, memory=DECODE_MEMORY_DEFAULT, threads=0):
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._memory = MEMORY_UNLIMITED if memory is None else int(memory)
        self._threads = int(threads)
        ptr = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        st = lib.mdlz_archive_open(ctypes.byref(ptr), _lib.fspath_bytes(path),
                                   err, len(err))
        if st:
            raise MdlzError(st, _lib.text(err.value))
        self._ar = ptr.value
        info = _lib.ArchiveInfo()
        lib.mdlz_archive_get_info(self._ar, ctypes.byref(info))
        self._info = {name: getattr(info, name) for name, _ in info._fields_
                      if name != "reserved"}
        damage = lib.mdlz_archive_damage(self._ar)
        self.damage = _lib.text(damage) if damage else None
        self._entries = None
        self._by_name = None

    # ---- life ---------------------------------------------------------------

    def close(self):
        with self._lock:
            if self._ar:
                lib.mdlz_archive_close(self._ar)
                self._ar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_ar", None):
            lib.mdlz_archive_close(self._ar)
            self._ar = None

    def _handle(self):
        if not self._ar:
            raise ValueError("I/O operation on closed archive")
        return self._ar

    # ---- listing ------------------------------------------------------------

    def info(self):
        """A dict: n_entries, n_groups, file_bytes (the files' sizes),
        archive_bytes (the archive file) and decode_bytes (decoded or
        learned to extract everything)."""
        return dict(self._info)

    def entries(self):
        """Every entry in archive order, as a list of dicts: name, index,
        type ("file" or "dir"), mode (permission bits), mtime (Unix time),
        size, csize (compressed bytes spent on it), group and retrieved (its
        group, and the files that group retrieved; None for a directory or
        an empty file), decode_cost and decode_files (bytes decoded or
        learned, and files decoded, to extract it alone): the columns of
        `mdlz archive list`, and the fields of `mdlz archive list --json`."""
        with self._lock:
            if self._entries is None:
                self._entries = [self._entry(i)
                                 for i in range(self._info["n_entries"])]
                self._by_name = {e["name"]: e["index"] for e in self._entries}
        return [dict(e) for e in self._entries]

    def _entry(self, i):
        e = _lib.ArchiveEntry()
        st = lib.mdlz_archive_entry_get(self._handle(), i, ctypes.byref(e))
        if st:
            raise MdlzError(st, "no entry %d" % i)
        group = retrieved = None
        if e.type == 0 and e.group >= 0:
            g = _lib.ArchiveGroup()
            st = lib.mdlz_archive_group_get(self._handle(), e.group,
                                            ctypes.byref(g))
            if st:
                raise MdlzError(st, "no group %d" % e.group)
            group, retrieved = e.group, g.n_deps
        return {"name": os.fsdecode(e.name), "index": e.index,
                "type": _TYPES[e.type], "mode": e.mode, "mtime": e.mtime,
                "size": e.size, "csize": e.csize, "group": group,
                "retrieved": retrieved, "decode_cost": e.decode_cost,
                "decode_files": e.decode_files}

    def names(self):
        """The entries' names, in archive order."""
        return [e["name"] for e in self.entries()]

    def __len__(self):
        return self._info["n_entries"]

    def __iter__(self):
        return iter(self.entries())

    def __contains__(self, name):
        self.entries()
        return name in self._by_name

    # ---- reading --------------------------------------------------------------

    def _index(self, member):
        if isinstance(member, int):
            if not 0 <= member < self._info["n_entries"]:
                raise KeyError(member)
            return member
        self.entries()
        name = os.fsdecode(member).rstrip("/") if member else member
        if name not in self._by_name:
            raise KeyError(member)
        return self._by_name[name]

    def read(self, member):
        """The content of file `member` (a name or an entry number) as bytes,
        decoded and verified against its size and checksum; KeyError if the
        archive has no such entry, IsADirectoryError for a directory."""
        i = self._index(member)
        if self._entries[i]["type"] == "dir":
            raise IsADirectoryError("%s: a directory" % self._entries[i]["name"])
        opts = _lib.ArchiveExtractOpts()
        lib.mdlz_archive_extract_opts_init(ctypes.byref(opts))
        opts.threads = self._threads
        opts.mem_limit = 0 if self._memory == MEMORY_UNLIMITED else self._memory
        data = ctypes.c_void_p()
        n = ctypes.c_size_t()
        err = ctypes.create_string_buffer(512)
        with self._lock:
            st = lib.mdlz_archive_read(self._handle(), i, ctypes.byref(data),
                                       ctypes.byref(n), ctypes.byref(opts),
                                       err, len(err))
        if st:
            raise MdlzError(st, _lib.text(err.value))
        try:
            return ctypes.string_at(data.value, n.value)
        finally:
            _lib.libc_free(data.value)

    def __repr__(self):
        state = "closed" if not self._ar else "%d entries" % len(self)
        return "<mdlz.Archive %r, %s>" % (self.path, state)
