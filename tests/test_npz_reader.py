"""nn.npz_reader: every hostile .npz is one ValueError naming the file, never a big allocation."""
from __future__ import annotations

import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from nn.npz_reader import read_npz
from tests.hostile_zip import claim_size, npy_header, replace_member, set_encrypted_bit, set_unsupported_method


@pytest.fixture
def valid(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, weights=np.arange(12, dtype=np.float32).reshape(3, 4), names=np.array(["x", "yz"]),
             fortran=np.asfortranarray(np.arange(6.0).reshape(2, 3)), empty=np.zeros((0, 5)))
    return path


def test_reads_what_np_load_reads(valid, tmp_path):
    arrays = read_npz(valid)
    with np.load(valid, allow_pickle=False) as expected:
        assert sorted(arrays) == sorted(expected.files)
        for name in expected.files:
            np.testing.assert_array_equal(arrays[name], expected[name])
            assert arrays[name].dtype == expected[name].dtype
    assert arrays["fortran"].flags.f_contiguous
    compressed = tmp_path / "c.npz"
    np.savez_compressed(compressed, w=np.arange(1000.0))
    np.testing.assert_array_equal(read_npz(compressed)["w"], np.arange(1000.0))


def _flip_a_data_byte(path, member="weights.npy"):
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    data[local + 30 + name_len + extra_len + 128 + 5] ^= 0xFF  # after the 128-byte .npy header
    path.write_bytes(bytes(data))


HOSTILE = {
    "an encrypted flag": (lambda p: set_encrypted_bit(p, "weights.npy"), "'weights.npy' is marked as encrypted"),
    "implode compression": (lambda p: set_unsupported_method(p, "names.npy"), "compression method 6"),
    "a raw member": (lambda p: replace_member(p, "names.npy", b"hello", "notes.txt"), "'notes.txt' is not a .npy"),
    "raw bytes as .npy": (lambda p: replace_member(p, "names.npy", b"hello there, not an array"),
                          "'names.npy' has no valid .npy header: the magic string is not correct"),
    "a 10 TB header": (lambda p: replace_member(p, "weights.npy", npy_header((10**13,)) + bytes(64)),
                       r"declares uint8 \(10000000000000,\) \(10000000000000 bytes\) but holds 64"),
    "a 2**64-element header": (lambda p: replace_member(p, "weights.npy", npy_header((2**32, 2**32), "<f8")),
                               r"declares float64 \(4294967296, 4294967296\)"),
    "an object array": (lambda p: np.savez(p, x=np.array([object()], dtype=object)), "Python objects"),
    "a huge header text": (lambda p: replace_member(p, "weights.npy", b"\x93NUMPY\x01\x00\xff\xff" + b" " * 65535),
                           r"'weights.npy' has no valid .npy header: Header info length \(65535\) is large"),
    "not a zip": (lambda p: p.write_bytes(b"PK\x03\x04 but nothing else"), "not a readable .npz"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:300]), "not a readable .npz"),
    "a flipped data byte": (_flip_a_data_byte, "Bad CRC-32 for file 'weights.npy'"),
}


@pytest.mark.parametrize("damage", HOSTILE)
def test_every_hostile_file_is_one_value_error_naming_it(valid, damage):
    break_it, reason = HOSTILE[damage]
    break_it(valid)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=reason) as error:
            read_npz(valid)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(valid) in str(error.value)
    assert peak < 10 << 20  # nothing near the sizes the headers claim


def test_a_member_that_claims_more_than_deflate_can_give_is_refused(tmp_path):
    path = tmp_path / "c.npz"
    np.savez_compressed(path, w=np.zeros(10))
    claim_size(path, 2**31)  # 2 GiB from a few dozen deflated bytes
    with pytest.raises(ValueError, match=r"claims 2147483648 bytes from \d+ deflated bytes"):
        read_npz(path)


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_npz(tmp_path / "nope.npz")
