"""Source 2, the cache: verified uint8 ``.npz`` files in ``$XDG_CACHE_HOME/tracegrad/``.

Each entry records the SHA-256 of its four arrays (in IDX form) and is checked
again on every read: its members and headers before any data is read (see
``nn.npz_reader``), then its arrays against the published digests. A bad entry is
reported, deleted and rebuilt by the caller; it is never used. Writes go through
``autograd.atomic_file``, so a crash never leaves half a cache file behind.
"""
from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import numpy as np

from autograd.atomic_file import atomic_write
from nn.datasets.idx import Splits, idx_sha256
from nn.datasets.specs import DatasetSpec
from nn.datasets.verify import verify_splits
from nn.npz_reader import BadNpzFile, read_npz

logger = logging.getLogger("tracegrad.datasets")
_KEYS = Splits._fields


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/tracegrad`` (default ``~/.cache/tracegrad``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tracegrad"


def write_cache(spec: DatasetSpec, splits: Splits, directory: Path | None = None) -> Path:
    """Atomically write ``splits`` as ``<directory>/<spec.cache_name>``; return its path."""
    directory = cache_dir() if directory is None else Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / spec.cache_name
    digests = np.array([idx_sha256(a) for a in splits])
    with atomic_write(path) as file:
        # Uncompressed: reading 55 MB from disk is faster than inflating 11 MB.
        np.savez(file, sha256=digests, **splits._asdict())
    return path


def store_in_cache(spec: DatasetSpec, splits: Splits, directory: Path | None = None) -> Path | None:
    """``write_cache``, but a cache that cannot be written is reported, not raised.

    The data was fetched and verified; losing it to an unwritable cache (a read-only
    directory, ``$XDG_CACHE_HOME`` pointing at a file) would be worse than fetching
    it again next time. Returns the entry's path, or None when it was not written.
    """
    try:
        return write_cache(spec, splits, directory)
    except OSError as err:
        _report(f"{spec.title}: could not cache the data ({err}); it is returned, but will be "
                f"fetched again next time. Set $XDG_CACHE_HOME to a writable directory.")
        return None


def _check_entry(spec: DatasetSpec, path: Path) -> Splits:
    try:
        arrays = read_npz(path)
    except BadNpzFile as err:
        raise ValueError(f"it cannot be read ({err.reason})") from None
    expected = {"sha256", *_KEYS}
    if set(arrays) != expected:
        raise ValueError(f"it holds the arrays {sorted(arrays)}, expected {sorted(expected)}")
    # The record written with the entry must name this data set's published digests;
    # the arrays themselves are then hashed and checked against them by verify().
    recorded = arrays["sha256"]
    published = [f.raw_sha256 for f in spec.files]
    if recorded.shape != (len(published),) or recorded.dtype.kind != "U" \
            or recorded.tolist() != published:
        raise ValueError(f"its SHA-256 record is not {spec.title}'s published digests")
    splits = Splits(*(arrays[k] for k in _KEYS))
    verify_splits(spec, splits, where=str(path))
    return splits


def read_cache(spec: DatasetSpec, directory: Path | None = None) -> Splits | None:
    """The verified cached arrays, or None when there is no entry or it is not valid.

    An entry that fails validation, for whatever reason, is reported (a warning and
    a log record) and deleted, so the next source rebuilds it. When it cannot be
    deleted (a read-only cache), that is reported too, and it is still not used.
    """
    directory = cache_dir() if directory is None else Path(directory)
    path = directory / spec.cache_name
    if not path.is_file():
        return None
    try:
        return _check_entry(spec, path)
    except Exception as err:  # noqa: BLE001 - a cache entry is disposable: any failure means rebuild
        reason = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
    try:
        path.unlink(missing_ok=True)
        action = "deleted it; rebuilding it"
    except OSError as err:
        action = f"could not delete it ({err}); fetching the data again"
    _report(f"ignoring corrupt {spec.title} cache entry {path}: {reason}; {action}")
    return None


def _report(message: str) -> None:
    logger.warning(message)
    warnings.warn(message, RuntimeWarning, stacklevel=3)
