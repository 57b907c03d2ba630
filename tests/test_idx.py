"""The IDX format: round trips, digests, and every way a file can be broken."""
from __future__ import annotations

import gzip
import hashlib
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nn.datasets.idx import decode_idx, encode_idx, gunzip_if_needed, idx_sha256

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
    assert gunzip_if_needed(gzip.compress(blob), "x.gz", len(blob)) == blob
    assert gunzip_if_needed(blob, "x", len(blob)) == blob


def test_concatenated_members_and_zero_padding_read_as_gzip_reads_them():
    blob = encode_idx(np.arange(100, dtype=np.uint8))
    packed = gzip.compress(blob[:30]) + gzip.compress(blob[30:]) + b"\0" * 7
    assert gunzip_if_needed(packed, "x.gz", len(blob)) == gzip.decompress(packed) == blob
    with pytest.raises(ValueError, match="x.gz: corrupt or truncated gzip data"):
        gunzip_if_needed(packed + b"junk", "x.gz", len(blob))


def _bomb(inflated: int, chunk: int = 1 << 20) -> bytes:
    """Gzip data that inflates to ``inflated`` zero bytes, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(chunk)
    parts = [packer.compress(zeros) for _ in range(inflated // chunk)]
    return b"".join(parts) + packer.flush()


def test_a_gzip_bomb_stops_at_the_expected_size_without_inflating_it():
    bomb = _bomb(256 << 20)  # 256 MiB of zeros in about 250 KB
    assert len(bomb) < 300_000
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"bomb.gz: the gzip data inflates to more than the "
                                             r"10008 bytes"):
            gunzip_if_needed(bomb, "bomb.gz", 10_008)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(bomb) + (1 << 20)  # far below the 256 MiB it would inflate to


def test_exactly_the_expected_size_is_accepted_and_one_more_byte_is_not():
    blob = encode_idx(np.arange(50, dtype=np.uint8))
    assert gunzip_if_needed(gzip.compress(blob), "x.gz", len(blob)) == blob
    with pytest.raises(ValueError, match="inflates to more than"):
        gunzip_if_needed(gzip.compress(blob), "x.gz", len(blob) - 1)


# 2**64 wrapped to 0 in int64 arithmetic ("cannot reshape array of size 0"); the others to negatives.
@pytest.mark.parametrize("dims", [(2**22, 2**21, 2**21), (2**16, 2**16, 2**32 - 1), (2**32 - 1,) * 3])
def test_dimensions_whose_product_overflows_64_bits_are_named(dims):
    data = struct.pack(">BBBB3I", 0, 0, 8, 3, *dims) + bytes(100)
    with pytest.raises(ValueError, match=r"images: truncated: the header says shape .* but the file has 116"):
        decode_idx(data, "images", 3)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_gzip_is_a_value_error_naming_the_file(damage):
    packed = bytearray(gzip.compress(encode_idx(np.arange(200, dtype=np.uint8))))
    if damage == "truncate":
        packed = packed[: len(packed) // 2]
    else:
        packed[-6] ^= 0xFF  # corrupts the stored CRC/length trailer
    with pytest.raises(ValueError, match="labels.gz: corrupt or truncated gzip data"):
        gunzip_if_needed(bytes(packed), "labels.gz", 208)


@pytest.mark.parametrize("bad", [np.zeros(3, np.int64), [1, 2, 3], np.zeros(3, np.float32)])
def test_encode_refuses_anything_but_uint8_arrays(bad):
    with pytest.raises(TypeError, match="needs a uint8 numpy array"):
        encode_idx(bad)
