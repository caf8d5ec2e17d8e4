"""_lib.py - libmdlz through ctypes: finding the library, the C structs and
the prototypes of the public headers (include/mdlz.h, mdlz_index.h,
mdlz_measure.h, mdlz_archive.h), the status names, and MdlzError.

Every function here is declared with its argument and result types, so a
wrong call fails in Python instead of corrupting memory. ctypes releases the
GIL around every call into a CDLL: other Python threads run while the
library codes.
"""

import ctypes
import ctypes.util
import os

# ---- finding the library ----------------------------------------------------

_SONAME = "libmdlz.so.0"


def _candidates():
    """Where libmdlz is looked for, in order: $MDLZ_LIBRARY (a path; nothing
    else is tried when it is set), the build tree of the source checkout
    this package sits in (python/mdlz -> ../../build), the library directory
    `meson install` recorded next to the package, then the system
    (ctypes.util.find_library, i.e. ldconfig's cache)."""
    env = os.environ.get("MDLZ_LIBRARY")
    if env:
        return [env], True
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    build = os.path.join(here, "..", "..", "build", _SONAME)
    if os.path.exists(build):
        found.append(os.path.normpath(build))
    try:
        from . import _installed  # written by meson install (python/meson.build)

        path = os.path.join(_installed.LIBDIR, _SONAME)
        if os.path.exists(path):
            found.append(path)
    except ImportError:
        pass
    system = ctypes.util.find_library("mdlz")
    if system:
        found.append(system)
    return found, False


def _load():
    paths, explicit = _candidates()
    errors = []
    for path in paths:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
            if explicit:
                break
    where = "; ".join(errors) if errors else "not found"
    raise ImportError(
        "mdlz: cannot load libmdlz (%s). Build it (meson setup build && "
        "ninja -C build), install it (meson install -C build; ldconfig), or "
        "set MDLZ_LIBRARY to the path of libmdlz.so.0" % where)


lib, path = _load()

# ---- status codes (include/mdlz.h: append only, never renumbered) ---------

STATUS_NAMES = (
    "MDLZ_OK",
    "MDLZ_ERROR_GENERIC",
    "MDLZ_ERROR_NOMEM",
    "MDLZ_ERROR_PARAM",
    "MDLZ_ERROR_NOT_MDLZ",
    "MDLZ_ERROR_VERSION",
    "MDLZ_ERROR_CORRUPT",
    "MDLZ_ERROR_TRUNCATED",
    "MDLZ_ERROR_CHECKSUM",
    "MDLZ_ERROR_MEMLIMIT",
    "MDLZ_ERROR_DST_SIZE",
    "MDLZ_ERROR_STAGE",
    "MDLZ_ERROR_TRAILING",
    "MDLZ_ERROR_NEED_INDEX",
    "MDLZ_ERROR_INDEX",
    "MDLZ_ERROR_TOOL",
    "MDLZ_ERROR_PREFIX",
)
STATUS = {name: value for value, name in enumerate(STATUS_NAMES)}


def status_name(status):
    if 0 <= status < len(STATUS_NAMES):
        return STATUS_NAMES[status]
    return "MDLZ_STATUS_%d" % status


class MdlzError(Exception):
    """A failure reported by libmdlz. `name` is the status's name in
    include/mdlz.h ("MDLZ_ERROR_TRUNCATED"), `status` its number, `message`
    mdlz_strerror()'s text and `detail` the library's one-line detail (which
    document, which tool, how much memory), or ""."""

    def __init__(self, status, detail=""):
        if isinstance(status, str):
            status = STATUS[status]
        self.status = status
        self.name = status_name(status)
        self.message = lib.mdlz_strerror(status).decode("utf-8", "replace")
        self.detail = detail or ""
        text = "%s: %s" % (self.name, self.message)
        if self.detail:
            text += ": " + self.detail
        super().__init__(text)

    def __reduce__(self):  # picklable, so it crosses Dask and multiprocessing
        return (MdlzError, (self.status, self.detail))


def text(b):
    """A C string from the library as str ("" for NULL)."""
    return b.decode("utf-8", "replace") if b else ""


# ---- types ----------------------------------------------------------------------

c_int, c_uint, c_size_t = ctypes.c_int, ctypes.c_uint, ctypes.c_size_t
c_u32, c_u64, c_i64 = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_int64
c_double, c_char_p, c_void_p = ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p
P = ctypes.POINTER

SIZE_UNKNOWN = (1 << 64) - 1
MEMORY_UNLIMITED = (1 << 64) - 1
DECODE_MEMORY_DEFAULT = 2 << 30
LEVEL_DEFAULT = 5
CPARAM_MATCH, CPARAM_RETRIEVAL, CPARAM_DEFAULT_TOOLS = 1, 2, 3
RETRIEVE = {"none": 0, "whole": 1, "online": 2, "both": 3}


class Params(ctypes.Structure):
    _fields_ = [("level", c_int), ("src_size", c_u64), ("mem_limit", c_u64),
                ("reserved", c_u32 * 8)]


class InBuf(ctypes.Structure):
    _fields_ = [("src", c_void_p), ("size", c_size_t), ("pos", c_size_t)]


class OutBuf(ctypes.Structure):
    _fields_ = [("dst", c_void_p), ("size", c_size_t), ("pos", c_size_t)]


class IndexDocinfo(ctypes.Structure):
    _fields_ = [("id", c_i64), ("name", c_char_p), ("hash", c_u64),
                ("size", c_u64), ("stored", c_u64), ("added", c_i64)]


class IndexGen(ctypes.Structure):
    _fields_ = [("gen", c_i64), ("history", c_u64), ("docs", c_i64),
                ("tokens", c_u64), ("maxid", c_i64), ("made", c_i64),
                ("intact", c_int)]


class IndexSummary(ctypes.Structure):
    _fields_ = [("documents", c_i64), ("bytes", c_u64), ("stored", c_u64),
                ("removed", c_i64), ("removed_bytes", c_u64),
                ("purged", c_i64), ("file_bytes", c_u64), ("terms", c_u64),
                ("newest", IndexGen), ("broken", c_i64)]


class IndexHit(ctypes.Structure):
    _fields_ = [("id", c_i64), ("name", c_char_p), ("score", c_double),
                ("snippet", c_char_p), ("size", c_u64)]


class IndexAddOpts(ctypes.Structure):
    _fields_ = [("force", c_int), ("max_size", c_u64),
                ("connect_timeout", ctypes.c_long), ("timeout", ctypes.c_long),
                ("max_redirects", ctypes.c_long), ("zstd_level", c_int)]


class ComponentCost(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("code_bytes", c_u64)]


class CurvePoint(ctypes.Structure):
    _fields_ = [("in_bytes", c_u64), ("out_bytes", c_u64)]


ABLATION_PROGRESS = ctypes.CFUNCTYPE(None, c_void_p, c_size_t, c_size_t,
                                     c_char_p)


class AblationParams(ctypes.Structure):
    _fields_ = [("level", c_int), ("index", c_char_p), ("tools", c_char_p),
                ("plugins", P(c_char_p)), ("n_plugins", c_size_t),
                ("progress", ABLATION_PROGRESS), ("progress_user", c_void_p),
                ("reserved", c_u32 * 8)]


class AblationSummary(ctypes.Structure):
    _fields_ = [("level", c_int), ("inputs", c_size_t),
                ("input_bytes", c_u64), ("index", c_char_p),
                ("index_documents", c_i64), ("index_stored", c_u64),
                ("rows", c_size_t), ("base", c_size_t)]


class AblationRow(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("match", c_int), ("retrieval", c_uint),
                ("tools", P(c_char_p)), ("n_tools", c_size_t),
                ("payload", c_u64), ("seconds", c_double),
                ("components", P(ComponentCost)), ("n_components", c_size_t),
                ("code", c_u64), ("curve", P(CurvePoint)),
                ("n_points", c_size_t), ("dl", c_u64), ("delta", c_i64),
                ("delta_percent", c_double), ("index_bytes", c_u64),
                ("per_file", c_double), ("breakeven", c_i64),
                ("bits_per_byte", c_double), ("mb_per_s", c_double)]


class ArchiveEntry(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("index", c_u32), ("type", c_int),
                ("mode", c_u32), ("mtime", c_i64), ("size", c_u64),
                ("csize", c_u64), ("group", c_i64), ("decode_cost", c_u64),
                ("decode_files", c_u32), ("reserved", c_u32 * 5)]


class ArchiveGroup(ctypes.Structure):
    _fields_ = [("offset", c_u64), ("csize", c_u64), ("raw", c_u64),
                ("depth", c_u32), ("first", c_u32), ("count", c_u32),
                ("n_deps", c_u32), ("deps", P(c_u32)),
                ("reserved", c_u32 * 4)]


class ArchiveInfo(ctypes.Structure):
    _fields_ = [("n_entries", c_u64), ("n_groups", c_u64),
                ("file_bytes", c_u64), ("archive_bytes", c_u64),
                ("decode_bytes", c_u64), ("reserved", c_u32 * 6)]


ARCHIVE_WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, P(ArchiveEntry),
                                    c_void_p, c_size_t)
ARCHIVE_REPORT_FN = ctypes.CFUNCTYPE(None, c_void_p, P(ArchiveEntry), c_int,
                                     c_char_p)


class ArchiveExtractOpts(ctypes.Structure):
    _fields_ = [("dir", c_char_p), ("force", c_int), ("threads", c_int),
                ("mem_limit", c_u64), ("write", ARCHIVE_WRITE_FN),
                ("report", ARCHIVE_REPORT_FN), ("user", c_void_p),
                ("cleanup", c_void_p), ("reserved", c_u32 * 8)]


INDEX_LIST_FN = ctypes.CFUNCTYPE(c_int, c_void_p, P(IndexDocinfo))
INDEX_HIT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, P(IndexHit))
INDEX_ADD_REPORT = ctypes.CFUNCTYPE(None, c_void_p, c_char_p, c_int, c_i64,
                                    c_u64)

# ---- prototypes -------------------------------------------------------------------

_PROTOTYPES = {
    # mdlz.h
    "mdlz_version_string": (c_char_p, []),
    "mdlz_strerror": (c_char_p, [c_int]),
    "mdlz_params_init": (None, [P(Params)]),
    "mdlz_compress_bound": (c_u64, [c_u64]),
    "mdlz_cctx_create": (c_int, [P(c_void_p), P(Params)]),
    "mdlz_cctx_free": (None, [c_void_p]),
    "mdlz_compress_stream": (c_int, [c_void_p, P(OutBuf), P(InBuf), c_int,
                                     P(c_int)]),
    "mdlz_cctx_get_model": (None, [c_void_p, P(c_int), P(c_u64)]),
    "mdlz_cctx_set_param": (c_int, [c_void_p, c_int, c_int]),
    "mdlz_cctx_set_index": (c_int, [c_void_p, c_char_p]),
    "mdlz_cctx_add_tool": (c_int, [c_void_p, c_char_p]),
    "mdlz_cctx_error_detail": (c_char_p, [c_void_p]),
    "mdlz_default_tools": (c_char_p, []),
    "mdlz_builtin_tools": (c_size_t, [P(c_char_p), c_size_t]),
    "mdlz_dctx_create": (c_int, [P(c_void_p), c_u64]),
    "mdlz_dctx_free": (None, [c_void_p]),
    "mdlz_dctx_memory_needed": (c_u64, [c_void_p]),
    "mdlz_decompress_stream": (c_int, [c_void_p, P(OutBuf), P(InBuf),
                                       P(c_int)]),
    "mdlz_dctx_set_index": (c_int, [c_void_p, c_char_p]),
    "mdlz_dctx_add_tool": (c_int, [c_void_p, c_char_p]),
    "mdlz_dctx_error_detail": (c_char_p, [c_void_p]),
    # mdlz_index.h
    "mdlz_index_open": (c_int, [P(c_void_p), c_char_p, c_int, c_char_p,
                                c_size_t]),
    "mdlz_index_close": (None, [c_void_p]),
    "mdlz_index_errmsg": (c_char_p, [c_void_p]),
    "mdlz_index_generation": (c_int, [c_void_p, c_i64, P(IndexGen)]),
    "mdlz_index_get": (c_int, [c_void_p, c_i64, c_u64, P(c_void_p),
                               P(c_size_t), c_char_p, c_size_t]),
    "mdlz_index_begin": (c_int, [c_void_p]),
    "mdlz_index_commit": (c_int, [c_void_p]),
    "mdlz_index_rollback": (None, [c_void_p]),
    "mdlz_index_add_buffer": (c_int, [c_void_p, c_char_p, c_void_p, c_size_t,
                                      P(IndexAddOpts), P(c_i64), P(c_int)]),
    "mdlz_index_add_path": (c_int, [c_void_p, c_char_p, P(IndexAddOpts),
                                    INDEX_ADD_REPORT, c_void_p]),
    "mdlz_index_add_url": (c_int, [c_void_p, c_char_p, P(IndexAddOpts),
                                   INDEX_ADD_REPORT, c_void_p]),
    "mdlz_index_is_url": (c_int, [c_char_p]),
    "mdlz_index_remove": (c_int, [c_void_p, c_i64, c_char_p, P(c_int)]),
    "mdlz_index_list": (c_int, [c_void_p, INDEX_LIST_FN, c_void_p]),
    "mdlz_index_stats": (c_int, [c_void_p, P(IndexSummary)]),
    "mdlz_index_search": (c_int, [c_void_p, c_char_p, c_int, c_int,
                                  INDEX_HIT_FN, c_void_p]),
    # mdlz_archive.h
    "mdlz_archive_open": (c_int, [P(c_void_p), c_char_p, c_char_p, c_size_t]),
    "mdlz_archive_close": (None, [c_void_p]),
    "mdlz_archive_damage": (c_char_p, [c_void_p]),
    "mdlz_archive_get_info": (None, [c_void_p, P(ArchiveInfo)]),
    "mdlz_archive_entry_get": (c_int, [c_void_p, c_u64, P(ArchiveEntry)]),
    "mdlz_archive_group_get": (c_int, [c_void_p, c_u64, P(ArchiveGroup)]),
    "mdlz_archive_extract_opts_init": (None, [P(ArchiveExtractOpts)]),
    "mdlz_archive_read": (c_int, [c_void_p, c_u64, P(c_void_p), P(c_size_t),
                                  P(ArchiveExtractOpts), c_char_p, c_size_t]),
    # mdlz_measure.h
    "mdlz_ablation_params_init": (None, [P(AblationParams)]),
    "mdlz_ablation_create": (c_int, [P(c_void_p), P(AblationParams),
                                     c_char_p, c_size_t]),
    "mdlz_ablation_free": (None, [c_void_p]),
    "mdlz_ablation_add": (c_int, [c_void_p, c_void_p, c_size_t, c_int]),
    "mdlz_ablation_set_curve": (c_int, [c_void_p, c_u32]),
    "mdlz_ablation_error_detail": (c_char_p, [c_void_p]),
    "mdlz_ablation_summary_get": (P(AblationSummary), [c_void_p]),
    "mdlz_ablation_row_get": (P(AblationRow), [c_void_p, c_size_t]),
    "mdlz_ablation_add_auto": (c_int, [c_void_p, P(c_void_p), P(c_size_t),
                                       c_size_t, c_char_p, c_size_t]),
}

for _name, (_res, _args) in _PROTOTYPES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args

libc_free = ctypes.CDLL(None).free
libc_free.restype = None
libc_free.argtypes = [c_void_p]


# ---- buffers ------------------------------------------------------------------------


def buffer_of(data):
    """(keepalive, address, length) of a bytes-like object, without a copy
    when it can be avoided (bytes, writable buffers); the caller keeps
    `keepalive` alive while the library reads the address."""
    if isinstance(data, bytes):
        return data, ctypes.cast(data, c_void_p).value or 0, len(data)
    view = memoryview(data)
    if view.ndim != 1 or view.itemsize != 1 or not view.c_contiguous:
        view = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
    n = view.nbytes
    if n == 0:
        return b"", 0, 0
    if view.readonly:
        copy = view.tobytes()
        return copy, ctypes.cast(copy, c_void_p).value, n
    arr = (ctypes.c_char * n).from_buffer(view)
    return (arr, view), ctypes.addressof(arr), n


def fspath_bytes(path):
    """A path (str, bytes, os.PathLike) as bytes for the library."""
    return os.fsencode(os.fspath(path))
