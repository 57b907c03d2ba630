"""Read an ``.npz`` file without trusting it (the data set cache and checkpoints).

``np.load`` trusts the archive: a member that is not ``.npy`` comes back as raw
bytes, a header may declare terabytes (MemoryError, or gigabytes really allocated),
and zip features numpy does not expect (the "encrypted" flag, other compression
methods) raise RuntimeError or NotImplementedError. Here every member's ``.npy``
header is checked against the sizes the zip directory records before any of its
data is read, so a hostile file costs at most what it could really inflate to, and
whatever is wrong is one ValueError naming the file and the member.
"""
from __future__ import annotations

import math
import os
import zipfile
import zlib

import numpy as np

_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0}
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
# Deflate cannot compress better than about 1032:1, so a deflated member that claims
# more is lying about its size; this bounds what a small file can make us allocate.
_DEFLATE_MAX_RATIO = 1032


class BadNpzFile(ValueError):
    """An ``.npz`` file that cannot be read safely; ``reason`` says why, without the path."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path} is not a readable .npz file: {reason}")
        self.path, self.reason = path, reason


def read_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array in the ``.npz`` file at ``path``, keyed by name (read-only arrays).

    Raises FileNotFoundError for a missing file and ``BadNpzFile`` (a ValueError
    naming ``path``) for anything else: not a zip, a damaged member, a member that is
    not a plain ``.npy`` array (object arrays would need pickle), or sizes that do not
    add up.
    """
    path = os.fspath(path)
    try:
        file_size = os.path.getsize(path)
        arrays: dict[str, np.ndarray] = {}
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                array = _read_member(archive, info, file_size)
                key = info.filename[:-len(".npy")]
                if key in arrays:
                    raise ValueError(f"member {info.filename!r} appears twice")
                arrays[key] = array
        return arrays
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
            RuntimeError, NotImplementedError, ValueError) as error:
        # RuntimeError / NotImplementedError: zip features checked below, raised early
        # by ZipFile itself on some damaged directories.
        raise BadNpzFile(path, str(error)) from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_size: int) -> np.ndarray:
    name = info.filename
    if not name.endswith(".npy"):
        raise ValueError(f"member {name!r} is not a .npy array")
    if info.flag_bits & 0x1:
        raise ValueError(f"member {name!r} is marked as encrypted")
    if info.compress_type not in _METHODS:
        raise ValueError(f"member {name!r} uses zip compression method {info.compress_type}; "
                         "only stored and deflated members are read")
    ratio = 1 if info.compress_type == zipfile.ZIP_STORED else _DEFLATE_MAX_RATIO
    if info.compress_size > file_size or info.file_size > info.compress_size * ratio + 1024:
        raise ValueError(f"member {name!r} claims {info.file_size} bytes from "
                         f"{info.compress_size} {_METHODS[info.compress_type]} bytes, "
                         f"in a file of {file_size}")
    with archive.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            if version not in _READERS:
                raise ValueError(f"format version {version}, expected one of {sorted(_READERS)}")
            shape, fortran_order, dtype = _READERS[version](member)  # refuses headers > 10 KB
        except ValueError as error:  # numpy's message; its first line says what is wrong
            raise ValueError(f"member {name!r} has no valid .npy header: "
                             f"{str(error).splitlines()[0]}") from None
        if dtype.hasobject:
            raise ValueError(f"member {name!r} holds Python objects, which need pickle; refused")
        nbytes = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
        header = member.tell()
        if header + nbytes != info.file_size:
            raise ValueError(f"member {name!r} declares {dtype} {shape} ({nbytes} bytes) "
                             f"but holds {info.file_size - header}")
        data = member.read()  # at most file_size bytes, checked above; the CRC is checked at the end
    if len(data) != nbytes:
        raise ValueError(f"member {name!r} is truncated ({len(data)} of {nbytes} bytes)")
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape, order="F" if fortran_order else "C")
