"""Check data against its spec: sizes while decoding, then shapes, counts, labels and digests.

Every source ends as the same four uint8 arrays, so every source is checked by
these functions, the same way: a file is decoded only up to its expected size, and
its array must have the published shape and SHA-256.
"""
from __future__ import annotations

import numpy as np

from nn.datasets.idx import Splits, decode_idx, gunzip_if_needed, idx_sha256
from nn.datasets.specs import DatasetSpec, FileSpec


def decode_idx_file(spec: DatasetSpec, file: FileSpec, blob: bytes, name: str) -> np.ndarray:
    """Decompress (if gzipped, never past the expected size) and decode one stored file.

    ``name`` says where it came from, for error messages. Shape and digest are
    checked by ``verify_file``.
    """
    return decode_idx(gunzip_if_needed(blob, name, spec.idx_size(file)), name, file.ndim)


def verify_file(spec: DatasetSpec, file: FileSpec, array: np.ndarray, where: str) -> None:
    """Raise ValueError unless ``array`` has ``file``'s shape and published digest."""
    expected_shape = spec.shape_of(file)
    if array.dtype != np.uint8 or array.shape != expected_shape:
        raise ValueError(f"{where}: {file.name} holds {array.dtype} {array.shape}, "
                         f"expected uint8 {expected_shape}; the data is not {spec.title}")
    if idx_sha256(array) != file.raw_sha256:
        raise ValueError(f"{where}: {file.name} does not match the published SHA-256 "
                         f"{file.raw_sha256} of {spec.title}; the data is corrupt or "
                         f"a different data set")


def verify_splits(spec: DatasetSpec, splits: Splits, where: str) -> None:
    """Raise ValueError unless ``splits`` has the right shapes, labels and digests."""
    for file, array in zip(spec.files, splits):
        verify_file(spec, file, array, where)
    for labels in (splits.train_labels, splits.test_labels):
        if labels.size and labels.max() > 9:
            raise ValueError(f"{where}: a label is {int(labels.max())}, but {spec.title} "
                             f"has classes 0-9; the label file is corrupt")


def check_splits(spec: DatasetSpec, arrays: list[np.ndarray], names: list[str]) -> Splits:
    """Verify four decoded arrays together: images against labels, counts, then digests."""
    splits = Splits(*arrays)
    for images, labels, i in ((splits.train_images, splits.train_labels, 0),
                              (splits.test_images, splits.test_labels, 2)):
        if len(images) != len(labels):
            raise ValueError(f"{names[i]} has {len(images)} images but {names[i + 1]} has "
                             f"{len(labels)} labels; the files do not belong together")
    for file, array, name in zip(spec.files, splits, names):
        if len(array) != file.count:
            raise ValueError(f"{name}: {len(array)} items, but {spec.title}'s {file.name} "
                             f"has {file.count}; the file is incomplete or from another data set")
    verify_splits(spec, splits, where=", ".join(names))
    return splits
