"""mdlz - the mdlz compressor from Python, through libmdlz (ctypes; the
standard library only).

The interface follows the standard library's lzma and bz2 modules:

    >>> import mdlz
    >>> packed = mdlz.compress(b"to be or not to be")      # `mdlz -c FILE`
    >>> mdlz.decompress(packed)
    b'to be or not to be'
    >>> with mdlz.open("notes.txt.mdlz", "wt") as f:       # a file object
    ...     f.write("hello\\n")

compress(), decompress(), open() and MdlzFile, MdlzCompressor and
MdlzDecompressor code streams with the defaults of the `mdlz` command;
Index is the retrieval index of `mdlz index` (docs/retrieval.md); Archive
reads an archive of `mdlz archive` (docs/archive.md); ablate()
measures what each component earns, as `mdlz ablate`
(docs/description-length.md); `python3 -m mdlz.measure` runs that over a
corpus on a Dask cluster (docs/scale.md). Failures of the library raise
MdlzError, whose `name` is the status's name in include/mdlz.h.

The library is looked for at $MDLZ_LIBRARY, in the build tree of the
checkout this package sits in (build/), where `meson install` put it, and
then where the system finds shared libraries.
"""

from ._lib import (DECODE_MEMORY_DEFAULT, LEVEL_DEFAULT, MEMORY_UNLIMITED,
                   STATUS_NAMES, MdlzError)
from ._lib import path as library_path
from ._lib import lib as _lib_handle
from ._core import (MdlzCompressor, MdlzDecompressor, builtin_tools,
                    compress, decompress, default_tools)
from ._file import MdlzFile, open
from ._index import Index
from ._ablate import ablate

from ._archive import Archive

MdlzError.__module__ = __name__  # shown, and pickled, as mdlz.MdlzError

__version__ = _lib_handle.mdlz_version_string().decode()

__all__ = ["compress", "decompress", "open", "MdlzFile", "MdlzCompressor",
           "MdlzDecompressor", "MdlzError", "Index", "Archive", "ablate",
           "builtin_tools", "default_tools", "LEVEL_DEFAULT",
           "MEMORY_UNLIMITED", "DECODE_MEMORY_DEFAULT", "STATUS_NAMES",
           "library_path"]
