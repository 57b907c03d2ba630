"""The data set cache: verified uint8 ``.npz`` files in ``$XDG_CACHE_HOME/tracegrad/``.

Each entry records the SHA-256 of its four arrays (in IDX form) and is checked
again on every read, against that record and against the published digests when
there are some. A bad entry is reported, deleted and rebuilt by the caller; it is
never used. Writes go to a temp file that is renamed into place, so a crash never
leaves half a cache file behind.
"""
from __future__ import annotations

import logging
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

from nn.dataset_specs import DatasetSpec, Splits
from nn.idx import idx_sha256

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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.cache_name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as tmp:
            # Uncompressed: reading 55 MB from disk is faster than inflating 11 MB.
            np.savez(tmp, sha256=digests, **splits._asdict())
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        os.unlink(tmp_name)
        raise
    return path


def _check_entry(spec: DatasetSpec, path: Path) -> Splits:
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = {"sha256", *_KEYS} - set(npz.files)
            if missing:
                raise ValueError(f"it lacks the arrays {sorted(missing)}")
            splits = Splits(*(npz[k] for k in _KEYS))
            recorded = [str(d) for d in npz["sha256"]]
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise ValueError(f"it cannot be read ({err})") from err
    actual = [idx_sha256(a) for a in splits]
    if actual != recorded:
        raise ValueError("its arrays do not match the SHA-256 recorded when it was written")
    spec.verify(splits, where=str(path))
    return splits


def read_cache(spec: DatasetSpec, directory: Path | None = None) -> Splits | None:
    """The verified cached arrays, or None when there is no entry or it is corrupt.

    A corrupt entry is reported (a warning and a log record) and deleted, so the
    next source rebuilds it.
    """
    directory = cache_dir() if directory is None else Path(directory)
    path = directory / spec.cache_name
    if not path.is_file():
        return None
    try:
        return _check_entry(spec, path)
    except ValueError as err:
        message = f"ignoring corrupt {spec.title} cache entry {path}: {err}; deleting it and rebuilding"
        logger.warning(message)
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        path.unlink(missing_ok=True)
        return None
