"""The IDX file format of MNIST: decode and validate, encode, digest; ``Splits`` holds a set's four arrays.

An IDX file is a big-endian header (two zero bytes, a type code, the number of
dimensions, then one uint32 per dimension) followed by the items. MNIST uses only
unsigned bytes (type code 0x08): images are 3-D (count, rows, cols) and labels 1-D.
"""
from __future__ import annotations

import hashlib
import math
import struct
import zlib
from typing import NamedTuple

import numpy as np

_UBYTE = 0x08
_GZIP_MAGIC = b"\x1f\x8b"


class Splits(NamedTuple):
    """The four arrays of an IDX image data set, as stored: uint8 pixels and labels."""
    train_images: np.ndarray  # (N, rows, cols) uint8
    train_labels: np.ndarray  # (N,) uint8
    test_images: np.ndarray
    test_labels: np.ndarray


def _header(shape: tuple[int, ...]) -> bytes:
    return struct.pack(f">BBBB{len(shape)}I", 0, 0, _UBYTE, len(shape), *shape)


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes of a uint8 array (what ``decode_idx`` reads back)."""
    if not isinstance(array, np.ndarray) or array.dtype != np.uint8:
        raise TypeError(f"encode_idx needs a uint8 numpy array, got {type(array).__name__} "
                        f"of dtype {getattr(array, 'dtype', None)}; convert it with .astype(np.uint8)")
    return _header(array.shape) + np.ascontiguousarray(array).tobytes()


def idx_sha256(array: np.ndarray) -> str:
    """SHA-256 of ``encode_idx(array)``, without building that 47 MB copy.

    Every source (IDX files, the cache, the package index) ends as uint8 arrays, so
    this one digest lets each of them be checked against the published digests of
    the uncompressed MNIST files.
    """
    digest = hashlib.sha256(_header(array.shape))
    digest.update(np.ascontiguousarray(array).reshape(-1).data)
    return digest.hexdigest()


def decode_idx(data: bytes, name: str, ndim: int) -> np.ndarray:
    """Parse uncompressed IDX bytes into a read-only uint8 array of ``ndim`` dimensions.

    ``name`` is only used in error messages so they say which file is bad.
    """
    if len(data) < 4:
        raise ValueError(f"{name}: truncated IDX file ({len(data)} bytes, the header alone "
                         f"needs {4 + 4 * ndim}); download it again")
    zero1, zero2, type_code, dims = data[0], data[1], data[2], data[3]
    magic = int.from_bytes(data[:4], "big")
    if zero1 or zero2 or type_code != _UBYTE or dims != ndim:
        expected = (_UBYTE << 8) | ndim
        raise ValueError(f"{name}: bad IDX magic number 0x{magic:08x}, expected 0x{expected:08x} "
                         f"(unsigned bytes, {ndim}-D); is this the right file, and is it "
                         f"decompressed correctly?")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{name}: truncated IDX header ({len(data)} of {header_size} bytes); "
                         f"download it again")
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    expected_size = header_size + math.prod(shape)  # Python ints: 2**64 must not wrap to 0
    if len(data) != expected_size:
        what = "truncated" if len(data) < expected_size else "has trailing bytes"
        raise ValueError(f"{name}: {what}: the header says shape {shape}, i.e. {expected_size} "
                         f"bytes, but the file has {len(data)}; download it again")
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)


def gunzip_if_needed(stored: bytes, name: str, max_size: int) -> bytes:
    """Decompress gzip data, refusing to inflate past ``max_size`` bytes; pass anything else through.

    The expected size of an IDX file is known from its data set, so a gzip bomb (a
    few MB that inflate to GBs) is stopped after ``max_size + 1`` bytes instead of
    exhausting memory. Concatenated gzip members and zero padding are read as gzip does.
    """
    if not stored.startswith(_GZIP_MAGIC):
        return stored
    out = bytearray()
    rest = stored
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # one gzip member
            while rest and not inflater.eof:
                # max_length > 0 always: 0 would mean "no limit" to zlib.
                out += inflater.decompress(rest, max_size + 1 - len(out))
                if len(out) > max_size:
                    raise ValueError(f"{name}: the gzip data inflates to more than the "
                                     f"{max_size} bytes this file should have (a gzip bomb or "
                                     f"the wrong file); download it again from another source")
                rest = inflater.unconsumed_tail
            if not inflater.eof:
                raise ValueError(f"{name}: corrupt or truncated gzip data (the stream ends "
                                 f"early); download it again")
            rest = inflater.unused_data.lstrip(b"\0")  # gzip allows zero padding at the end
    except zlib.error as err:  # a corrupt gzip stream
        raise ValueError(f"{name}: corrupt or truncated gzip data ({err}); download it again") from err
    return bytes(out)
