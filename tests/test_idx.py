"""The IDX format: round trips, digests, and every way a file can be broken."""
from __future__ import annotations

import gzip
import hashlib
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nn.idx import decode_idx, encode_idx, gunzip_if_needed, idx_sha256

shapes_1d = st.tuples(st.integers(0, 50))
shapes_3d = st.tuples(st.integers(0, 6), st.integers(1, 5), st.integers(1, 5))


@given(arrays(np.uint8, st.one_of(shapes_1d, shapes_3d)))
def test_encode_decode_round_trip(array):
    decoded = decode_idx(encode_idx(array), "x", array.ndim)
    assert decoded.dtype == np.uint8
    np.testing.assert_array_equal(decoded, array)
    assert decoded.shape == array.shape


@given(arrays(np.uint8, shapes_3d))
def test_idx_sha256_is_the_digest_of_the_encoded_file(array):
    assert idx_sha256(array) == hashlib.sha256(encode_idx(array)).hexdigest()
    # A non-contiguous view digests like its contiguous copy.
    view = array[:, ::-1]
    assert idx_sha256(view) == hashlib.sha256(encode_idx(np.ascontiguousarray(view))).hexdigest()


def test_header_layout_matches_the_mnist_spec():
    data = encode_idx(np.zeros((2, 28, 28), np.uint8))
    assert data[:16] == struct.pack(">IIII", 0x00000803, 2, 28, 28)
    assert encode_idx(np.arange(3, dtype=np.uint8)) == struct.pack(">II", 0x00000801, 3) + b"\x00\x01\x02"


@given(arrays(np.uint8, shapes_3d), st.data())
def test_every_truncation_is_rejected_with_the_file_name(array, data):
    blob = encode_idx(array)
    cut = data.draw(st.integers(0, len(blob) - 1))
    with pytest.raises(ValueError, match=r"train-images: .*truncated"):
        decode_idx(blob[:cut], "train-images", 3)


def test_trailing_bytes_are_rejected():
    blob = encode_idx(np.zeros((2, 3, 3), np.uint8)) + b"\x00"
    with pytest.raises(ValueError, match="f.idx: has trailing bytes.*shape \\(2, 3, 3\\)"):
        decode_idx(blob, "f.idx", 3)


@pytest.mark.parametrize("magic, ndim", [
    (0x00000801, 3),   # a label file where images were expected
    (0x00000803, 1),   # an image file where labels were expected
    (0x00000903, 3),   # signed bytes, not unsigned
    (0x01000803, 3),   # first byte not zero
    (0x00000d03, 3),   # float32 items
])
def test_bad_magic_numbers_are_rejected(magic, ndim):
    blob = struct.pack(">I", magic) + struct.pack(">I", 1) * 3 + b"\x00"
    with pytest.raises(ValueError, match=f"labels.bin: bad IDX magic number 0x{magic:08x}"):
        decode_idx(blob, "labels.bin", ndim)


def test_decoded_array_is_read_only_so_a_cache_cannot_be_mutated_by_accident():
    decoded = decode_idx(encode_idx(np.ones(4, np.uint8)), "x", 1)
    with pytest.raises(ValueError):
        decoded[0] = 3


def test_gzip_is_detected_by_content():
    blob = encode_idx(np.arange(10, dtype=np.uint8))
    assert gunzip_if_needed(gzip.compress(blob), "x.gz") == blob
    assert gunzip_if_needed(blob, "x") == blob


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_gzip_is_a_value_error_naming_the_file(damage):
    packed = bytearray(gzip.compress(encode_idx(np.arange(200, dtype=np.uint8))))
    if damage == "truncate":
        packed = packed[: len(packed) // 2]
    else:
        packed[-6] ^= 0xFF  # corrupts the stored CRC/length trailer
    with pytest.raises(ValueError, match="labels.gz: corrupt or truncated gzip data"):
        gunzip_if_needed(bytes(packed), "labels.gz")


@pytest.mark.parametrize("bad", [np.zeros(3, np.int64), [1, 2, 3], np.zeros(3, np.float32)])
def test_encode_refuses_anything_but_uint8_arrays(bad):
    with pytest.raises(TypeError, match="needs a uint8 numpy array"):
        encode_idx(bad)
