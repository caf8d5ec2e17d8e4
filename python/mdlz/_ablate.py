"""_ablate.py - mdlz.ablate(): what each component of the predictor earns on
given inputs, in description length (`mdlz ablate`, the ablation API of
include/mdlz_measure.h, docs/description-length.md).
"""

import ctypes
import os
import stat

from . import _lib
from ._lib import MdlzError, lib

RETRIEVAL_NAMES = ("none", "whole", "online", "both")

# The keys of a row, in the order of the columns of `mdlz ablate
# --format=csv` (cli/ablate_out.c), then the timing.
ROW_KEYS = ("config", "match", "retrieval", "tools", "components", "files",
            "input_bytes", "payload_bytes", "bits_per_byte", "code_bytes",
            "dl_bytes", "delta_bytes", "delta_percent", "index_bytes",
            "amortized_bytes_per_file", "breakeven_files",
            "compress_mb_per_s", "seconds")
# The keys whose values depend on the machine's speed, not on the inputs.
TIMING_KEYS = ("compress_mb_per_s", "seconds")


def _read(item):
    """(data, size_known) of an input: bytes-like data as it is (its size is
    known), or a path read whole (size known for a regular file, as `mdlz
    ablate FILE` records it)."""
    if isinstance(item, (bytes, bytearray, memoryview)):
        return item, True
    with open(item, "rb") as f:
        regular = stat.S_ISREG(os.fstat(f.fileno()).st_mode)
        return f.read(), regular


def _row(a, i, summary, curve):
    r = lib.mdlz_ablation_row_get(a, i).contents
    row = {
        "config": _lib.text(r.name),
        "match": bool(r.match),
        "retrieval": RETRIEVAL_NAMES[r.retrieval & 3],
        "tools": [_lib.text(r.tools[k]) for k in range(r.n_tools)],
        "components": [{"name": _lib.text(r.components[k].name),
                        "code_bytes": r.components[k].code_bytes}
                       for k in range(r.n_components)],
        "files": summary.inputs,
        "input_bytes": summary.input_bytes,
        "payload_bytes": r.payload,
        "bits_per_byte": r.bits_per_byte,
        "code_bytes": r.code,
        "dl_bytes": r.dl,
        "delta_bytes": r.delta,
        "delta_percent": r.delta_percent,
        "index_bytes": r.index_bytes if r.retrieval else None,
        "amortized_bytes_per_file": r.per_file,
        "breakeven_files": r.breakeven if r.breakeven >= 0 else None,
        "compress_mb_per_s": r.mb_per_s,
        "seconds": r.seconds,
    }
    if curve:
        row["curve"] = [(r.curve[k].in_bytes, r.curve[k].out_bytes)
                        for k in range(r.n_points)]
    return row


def _add_auto_row(a, read):
    """Adds the `auto` row of `mdlz ablate` (mdlz_ablation_add_auto, as the
    command does): the setting `mdlz --auto` chooses for the inputs, with
    the ablation's level, index and tools as candidates."""
    bufs = [_lib.buffer_of(data) for data, _known in read]
    n = len(bufs)
    addrs = (ctypes.c_void_p * max(n, 1))(*[b[1] for b in bufs])
    lens = (ctypes.c_size_t * max(n, 1))(*[b[2] for b in bufs])
    st = lib.mdlz_ablation_add_auto(a, addrs, lens, n, None, 0)
    del bufs  # the library has read them
    if st != 0:
        raise MdlzError(st, _lib.text(lib.mdlz_ablation_error_detail(a)))


def ablate(inputs, *, index=None, tools=None, level=_lib.LEVEL_DEFAULT,
           plugins=(), curve=0, progress=None):
    """Compresses the inputs under each configuration of the predictor,
    checks every round trip, and returns one dict per configuration, as
    `mdlz ablate` prints them (the same rows, in the same order: cm-only,
    default, retrieval-* with an index, tool-NAME per tool, all, auto: the
    setting `mdlz --auto` chooses for the inputs).

    inputs:   paths (str or os.PathLike, read whole) or bytes-like data
    index:    a retrieval index: adds the retrieval rows, and its stored
              size is amortized over the inputs
    tools:    the built-in tools to ablate: None or "all" (every one, the
              command's default), "none", names separated by commas, or a
              list of names
    plugins:  paths of tool plugins to ablate too
    curve:    if > 0, each row gets "curve": the cumulative compressed size,
              a point every `curve` input bytes
    progress: called as progress(input, row, row_name) before each input is
              compressed under a row

    A row: config, match, retrieval, tools, components (name and code_bytes
    of each), files, input_bytes, payload_bytes, bits_per_byte, code_bytes,
    dl_bytes (payload + code), delta_bytes and delta_percent (against the
    "default" row), index_bytes (None without retrieval),
    amortized_bytes_per_file, breakeven_files (None: never), and the timing
    compress_mb_per_s and seconds. Everything but the timing depends only
    on the inputs and the options. Raises MdlzError (MDLZ_ERROR_TOOL,
    MDLZ_ERROR_INDEX, MDLZ_ERROR_PARAM, or a failing input's status with
    the row in its detail)."""
    inputs = list(inputs)
    if tools is not None and not isinstance(tools, str):
        tools = ",".join(tools) or "none"
    p = _lib.AblationParams()
    lib.mdlz_ablation_params_init(ctypes.byref(p))
    p.level = level
    p.index = _lib.fspath_bytes(index) if index is not None else None
    p.tools = tools.encode() if tools is not None else None
    plugin_paths = [_lib.fspath_bytes(x) for x in plugins]
    arr = (ctypes.c_char_p * max(1, len(plugin_paths)))(*plugin_paths)
    p.plugins = arr
    p.n_plugins = len(plugin_paths)
    if progress is not None:
        def on_progress(user, i, row, name):
            progress(i, row, _lib.text(name))

        callback = _lib.ABLATION_PROGRESS(on_progress)
        p.progress = callback
    err = ctypes.create_string_buffer(1024)
    handle = ctypes.c_void_p()
    st = lib.mdlz_ablation_create(ctypes.byref(handle), ctypes.byref(p), err,
                                  len(err))
    if st != 0:
        raise MdlzError(st, _lib.text(err.value))
    a = handle.value
    try:
        if curve:
            st = lib.mdlz_ablation_set_curve(a, int(curve))
            if st != 0:
                raise MdlzError(st)
        # Every input is read first: the `auto` row is chosen on them all
        # before any is measured (as cli/ablate.c does).
        read = [_read(item) for item in inputs]
        _add_auto_row(a, read)
        for item, (data, known) in zip(inputs, read):
            keep, addr, n = _lib.buffer_of(data)
            st = lib.mdlz_ablation_add(a, addr, n, int(known))
            del keep
            if st != 0:
                detail = _lib.text(lib.mdlz_ablation_error_detail(a))
                if not isinstance(item, (bytes, bytearray, memoryview)):
                    detail = "%s: %s" % (os.fsdecode(item), detail)
                raise MdlzError(st, detail)
        summary = lib.mdlz_ablation_summary_get(a).contents
        return [_row(a, i, summary, curve) for i in range(summary.rows)]
    finally:
        lib.mdlz_ablation_free(a)
