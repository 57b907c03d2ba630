"""Build hostile zip archives (``.npz`` files, wheels) from valid ones, in place.

Used by the cache, checkpoint and package-index tests. Each function edits the
archive at ``path`` so that one member is broken in one way; none of them allocates
more than the file's size.
"""
from __future__ import annotations

import io
import struct
import zipfile

import numpy as np

# Offsets of the fields we edit, from the zip specification (APPNOTE 4.3.7 and 4.3.12).
_LOCAL = (b"PK\x03\x04", 6, 8)     # signature, flag bits, compression method
_CENTRAL = (b"PK\x01\x02", 8, 10)


def _patch_headers(path, member: str, offset_of) -> None:
    """Rewrite a 2-byte field of ``member``'s local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(member).header_offset
        central = archive.start_dir
        entries = archive.infolist()
    targets = [(local, _LOCAL)]
    for info in entries:  # the central directory lists members in order
        assert data[central:central + 4] == _CENTRAL[0]
        if info.filename == member:
            targets.append((central, _CENTRAL))
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, central + 28)
        central += 46 + name_len + extra_len + comment_len
    for start, (signature, flags_at, method_at) in targets:
        assert data[start:start + 4] == signature
        field = flags_at if offset_of == "flags" else method_at
        old = struct.unpack_from("<H", data, start + field)[0]
        new = old | 0x1 if offset_of == "flags" else 6  # bit 0: encrypted; method 6: implode
        struct.pack_into("<H", data, start + field, new)
    path.write_bytes(bytes(data))


def set_encrypted_bit(path, member: str) -> None:
    """Flip on the "encrypted" flag of one member (zipfile then asks for a password)."""
    _patch_headers(path, member, "flags")


def set_unsupported_method(path, member: str) -> None:
    """Mark one member as compressed with "implode" (method 6), which zipfile cannot read."""
    _patch_headers(path, member, "method")


def claim_size(path, size: int) -> None:
    """Make the central directory claim ``size`` uncompressed bytes for the first member."""
    data = bytearray(path.read_bytes())
    central = data.find(_CENTRAL[0])
    struct.pack_into("<I", data, central + 24, size)  # APPNOTE 4.3.12: uncompressed size
    path.write_bytes(bytes(data))


def replace_member(path, member: str, data: bytes, name: str | None = None) -> None:
    """Replace ``member``'s bytes (and optionally its name) with ``data``, stored."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for filename, blob in members:
            if filename == member:
                filename, blob = name or filename, data
            archive.writestr(filename, blob)


def npy_header(shape: tuple, descr: str = "|u1") -> bytes:
    """A valid ``.npy`` header (format 1.0) that declares ``shape``, with no data after it."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": descr, "fortran_order": False, "shape": shape})
    return out.getvalue()
