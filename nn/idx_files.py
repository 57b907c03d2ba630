"""Turn the four stored IDX files of a data set (from a directory or a mirror) into Splits."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from nn.dataset_specs import DatasetSpec, Splits
from nn.idx import decode_idx, gunzip_if_needed

logger = logging.getLogger("tracegrad.datasets")


def decode_idx_files(spec: DatasetSpec, stored: list[bytes], names: list[str]) -> Splits:
    """Check, decompress and decode the four files, then verify counts and digests.

    ``stored`` holds each file as found (gzipped or not); ``names`` says where each
    came from, for error messages.
    """
    arrays = []
    for file_spec, blob, name in zip(spec.files, stored, names):
        is_gzip = blob[:2] == b"\x1f\x8b"
        # Check a published archive before decompressing it: a wrong file fails
        # here with a clear message rather than deep inside gzip.
        if is_gzip and file_spec.archive_sha256 and file_spec.raw_sha256 is None:
            actual = hashlib.sha256(blob).hexdigest()
            if actual != file_spec.archive_sha256:
                raise ValueError(f"{name}: SHA-256 {actual} does not match the published "
                                 f"{file_spec.archive_sha256}; the file is corrupt or not "
                                 f"{spec.title}: delete it and download it again")
        elif file_spec.raw_sha256 is None:
            logger.warning("%s: no published SHA-256 for the uncompressed %s file; checked its "
                           "IDX structure only (keep the .gz to have it verified)", name, spec.title)
        arrays.append(decode_idx(gunzip_if_needed(blob, name), name, file_spec.ndim))
    splits = Splits(*arrays)
    for images, labels, i in ((splits.train_images, splits.train_labels, 0),
                              (splits.test_images, splits.test_labels, 2)):
        if len(images) != len(labels):
            raise ValueError(f"{names[i]} has {len(images)} images but {names[i + 1]} has "
                             f"{len(labels)} labels; the files do not belong together")
    for file_spec, array, name in zip(spec.files, splits, names):
        if len(array) != file_spec.count:
            raise ValueError(f"{name}: {len(array)} items, but {spec.title}'s {file_spec.name} "
                             f"has {file_spec.count}; the file is incomplete or from another data set")
    spec.verify(splits, where=", ".join(names))
    return splits


def find_idx_file(directory: Path, name: str) -> Path | None:
    """``name`` or ``name.gz`` in ``directory``, preferring the uncompressed file."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_idx_directory(spec: DatasetSpec, directory: Path) -> Splits:
    """Read and verify the four standard IDX files (each optionally ``.gz``) in ``directory``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"data directory {directory} does not exist; create it with the four "
                                f"{spec.title} IDX files, or leave data_dir= (--data-dir) and "
                                f"$TRACEGRAD_DATA unset to download the data")
    paths = [find_idx_file(directory, f.name) for f in spec.files]
    missing = [f.name for f, p in zip(spec.files, paths) if p is None]
    if missing:
        raise FileNotFoundError(f"{directory} lacks {', '.join(missing)} (each may also be .gz); "
                                f"put the four {spec.title} IDX files there, or leave "
                                f"data_dir= (--data-dir) and $TRACEGRAD_DATA unset to download the data")
    return decode_idx_files(spec, [p.read_bytes() for p in paths], [str(p) for p in paths])
