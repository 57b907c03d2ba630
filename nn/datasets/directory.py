"""Source 1: the four IDX files (each optionally ``.gz``) in ``data_dir`` or ``$TRACEGRAD_DATA``."""
from __future__ import annotations

import os
from pathlib import Path

from nn.datasets.idx import Splits
from nn.datasets.specs import DatasetSpec, FileSpec
from nn.datasets.verify import check_splits, decode_idx_file


def find_idx_file(directory: Path, name: str) -> Path | None:
    """``name`` or ``name.gz`` in ``directory``, preferring the uncompressed file."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _read(spec: DatasetSpec, file: FileSpec, path: Path) -> bytes:
    # Gzip adds at most a few bytes per 16 KB block to data it cannot compress, so
    # no copy of the file, plain or gzipped, is much bigger than the IDX file itself.
    limit = spec.idx_size(file) * 101 // 100 + 1024
    size = os.path.getsize(path)
    if size > limit:
        raise ValueError(f"{path}: {size} bytes, but {spec.title}'s {file.name} has "
                         f"{spec.idx_size(file)}; this is not the right file")
    return path.read_bytes()


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
    found = [p for p in paths if p is not None]  # all of them, as none is missing
    names = [str(p) for p in found]
    arrays = [decode_idx_file(spec, f, _read(spec, f, p), name)
              for f, p, name in zip(spec.files, found, names)]
    return check_splits(spec, arrays, names)
