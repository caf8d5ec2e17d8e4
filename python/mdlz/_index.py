"""_index.py - mdlz.Index: the retrieval document index (include/mdlz_index.h,
docs/retrieval.md) that `mdlz index` builds and `mdlz -R` compresses against.
"""

import ctypes
import os
import threading

from . import _lib
from ._lib import MdlzError, lib

_MODES = {"r": 0, "c": 1, "w": 2}  # MDLZ_INDEX_READ, _CREATE, _WRITE
_ADD_STATUS = ("added", "duplicate", "skipped")


class Index:
    """An index opened at `path`.

    mode: "r" read-only (default; the file must be an index), "w" read-write
          (must exist), "c" read-write, created if missing (as dbm.open)

    add() and remove() are each one transaction, as `mdlz index add` and
    `mdlz index rm`: all of it or none of it. A handle is used by one thread
    at a time (calls are serialized here); open one Index per process to
    share a file. Failures raise MdlzError named MDLZ_ERROR_INDEX with the
    index's message as its detail.
    """

    def __init__(self, path, mode="r"):
        if mode not in _MODES:
            raise ValueError("mode must be 'r', 'w' or 'c'")
        self.path = os.fspath(path)
        self.mode = mode
        self._lock = threading.Lock()
        ptr = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        if lib.mdlz_index_open(ctypes.byref(ptr), _lib.fspath_bytes(path),
                               _MODES[mode], err, len(err)):
            raise MdlzError("MDLZ_ERROR_INDEX", _lib.text(err.value))
        self._ix = ptr.value

    # ---- life ------------------------------------------------------------

    def close(self):
        with self._lock:
            if self._ix:
                lib.mdlz_index_close(self._ix)
                self._ix = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_ix", None):
            lib.mdlz_index_close(self._ix)
            self._ix = None

    def _handle(self):
        if not self._ix:
            raise ValueError("I/O operation on closed index")
        return self._ix

    def _fail(self):
        raise MdlzError("MDLZ_ERROR_INDEX",
                        _lib.text(lib.mdlz_index_errmsg(self._ix)))

    # ---- adding and removing ---------------------------------------------

    @staticmethod
    def _opts(force, max_size, timeout):
        o = _lib.IndexAddOpts()
        o.force = int(bool(force))
        o.max_size = int(max_size or 0)
        o.timeout = int(timeout or 0)
        return o

    def add(self, *sources, force=False, max_size=None, timeout=None):
        """Adds files, directories (recursively, in byte order of names;
        names starting with '.' skipped) and http, https or file URLs, in one
        transaction. Returns a list of dicts, one per document met: name,
        status ("added", "duplicate" or "skipped": binary in a directory),
        id and size."""
        report = []

        def on_add(user, name, status, doc_id, size):
            report.append({"name": _lib.text(name),
                           "status": _ADD_STATUS[status], "id": doc_id,
                           "size": size})

        callback = _lib.INDEX_ADD_REPORT(on_add)
        opts = self._opts(force, max_size, timeout)
        with self._lock:
            ix = self._handle()
            if lib.mdlz_index_begin(ix):
                self._fail()
            for src in sources:
                b = _lib.fspath_bytes(src)
                add = lib.mdlz_index_add_url if lib.mdlz_index_is_url(b) \
                    else lib.mdlz_index_add_path
                if add(ix, b, ctypes.byref(opts), callback, None):
                    msg = _lib.text(lib.mdlz_index_errmsg(ix))
                    lib.mdlz_index_rollback(ix)
                    raise MdlzError("MDLZ_ERROR_INDEX", msg)
            if lib.mdlz_index_commit(ix):
                self._fail()
        return report

    def add_bytes(self, name, data, *, force=False, max_size=None):
        """Adds one document from memory under `name`. Returns a dict: name,
        status ("added" or "duplicate"), id and size."""
        keep, addr, n = _lib.buffer_of(data)
        doc_id = ctypes.c_int64()
        dup = ctypes.c_int()
        opts = self._opts(force, max_size, None)
        with self._lock:
            if lib.mdlz_index_add_buffer(self._handle(), name.encode(),
                                         addr, n, ctypes.byref(opts),
                                         ctypes.byref(doc_id),
                                         ctypes.byref(dup)):
                self._fail()
        del keep
        return {"name": name, "status": _ADD_STATUS[1 if dup.value else 0],
                "id": doc_id.value, "size": n}

    def remove(self, *docs):
        """Removes documents by id (an int) or by name (every document of
        that name), in one transaction; a document that matches nothing
        raises and nothing is removed. Returns the number removed."""
        total = 0
        removed = ctypes.c_int()
        with self._lock:
            ix = self._handle()
            if lib.mdlz_index_begin(ix):
                self._fail()
            for doc in docs:
                if isinstance(doc, int):
                    rc = lib.mdlz_index_remove(ix, doc, None,
                                               ctypes.byref(removed))
                else:
                    rc = lib.mdlz_index_remove(ix, -1, _lib.fspath_bytes(doc),
                                               ctypes.byref(removed))
                if rc or not removed.value:
                    msg = _lib.text(lib.mdlz_index_errmsg(ix)) if rc else \
                        "no document %r; nothing removed" % (doc,)
                    lib.mdlz_index_rollback(ix)
                    raise MdlzError("MDLZ_ERROR_INDEX", msg)
                total += removed.value
            if lib.mdlz_index_commit(ix):
                self._fail()
        return total

    # ---- reading ------------------------------------------------------------

    def documents(self):
        """Every document in id order: a list of dicts with id, name, hash,
        size (bytes), stored (compressed bytes) and added (Unix time)."""
        docs = []

        def on_doc(user, d):
            d = d.contents
            docs.append({"id": d.id, "name": _lib.text(d.name),
                         "hash": d.hash, "size": d.size, "stored": d.stored,
                         "added": d.added})
            return 0

        callback = _lib.INDEX_LIST_FN(on_doc)
        with self._lock:
            if lib.mdlz_index_list(self._handle(), callback, None):
                self._fail()
        return docs

    def search(self, query, *, any=False, limit=10):
        """Documents containing all the words of `query` (any of them with
        any=True), best BM25 first, at most `limit`: a list of dicts with
        id, name, score, snippet (query terms in [brackets]) and size."""
        hits = []

        def on_hit(user, h):
            h = h.contents
            hits.append({"id": h.id, "name": _lib.text(h.name),
                         "score": h.score, "snippet": _lib.text(h.snippet),
                         "size": h.size})
            return 0

        callback = _lib.INDEX_HIT_FN(on_hit)
        with self._lock:
            if lib.mdlz_index_search(self._handle(), query.encode(),
                                     int(bool(any)), int(limit), callback,
                                     None) < 0:
                self._fail()
        return hits

    def get(self, doc_id):
        """The body of document `doc_id` (checked against its hash)."""
        body = ctypes.c_void_p()
        n = ctypes.c_size_t()
        err = ctypes.create_string_buffer(512)
        with self._lock:
            if lib.mdlz_index_get(self._handle(), int(doc_id), 0,
                                  ctypes.byref(body), ctypes.byref(n), err,
                                  len(err)):
                raise MdlzError("MDLZ_ERROR_INDEX", _lib.text(err.value))
        try:
            return ctypes.string_at(body.value, n.value)
        finally:
            _lib.libc_free(body.value)

    def stats(self):
        """A dict: documents (visible in the newest generation), bytes (their
        original sizes), stored (compressed bodies, removed ones included),
        file_bytes (database pages in use), terms (distinct terms in the
        full-text index), generation and history (the newest generation's
        number and history hash, docs/retrieval.md), removed and
        removed_bytes (removed documents kept until gc), purged (their
        tombstones) and broken (generations no longer intact): the fields of
        `mdlz index stats`."""
        s = _lib.IndexSummary()
        with self._lock:
            if lib.mdlz_index_stats(self._handle(), ctypes.byref(s)):
                self._fail()
        out = {name: getattr(s, name) for name, _ in s._fields_
               if name != "newest"}
        out["generation"] = s.newest.gen
        out["history"] = s.newest.history
        return out

    def generation(self, gen=-1):
        """Generation `gen` of the index (the newest when gen < 0) as a dict:
        gen, history (the hash of the history up to it), docs, tokens, maxid,
        made (Unix time) and intact (False once gc purged documents visible
        in it). A generation is what a stream compressed with ONLINE
        retrieval needs; (gen, history) tells one index state from another."""
        g = _lib.IndexGen()
        with self._lock:
            if lib.mdlz_index_generation(self._handle(), int(gen),
                                         ctypes.byref(g)):
                self._fail()
        out = {name: getattr(g, name) for name, _ in g._fields_}
        out["intact"] = bool(out["intact"])
        return out

    def __len__(self):
        return self.stats()["documents"]

    def __repr__(self):
        state = "closed" if not self._ix else "mode %r" % self.mode
        return "<mdlz.Index %r, %s>" % (self.path, state)
