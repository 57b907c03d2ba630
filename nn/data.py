"""``DataLoader``: mini-batches of numpy arrays, shuffled reproducibly.

A batch is taken with one fancy-indexing call per array, never a per-sample
Python loop, so an MNIST epoch costs microseconds of Python per batch.
"""
from __future__ import annotations

import numbers
from typing import Callable, Iterator

import numpy as np

from nn.checks import positive_int


class DataLoader:
    """Iterate over ``(x_batch, y_batch)`` pairs of numpy arrays.

    ``rng`` is a seed or a ``numpy.random.Generator``. Each pass over the loader
    draws a new permutation from it, so epochs differ, and two loaders built with
    the same seed yield the same batches in the same order. Without ``shuffle``
    the batches are views in the arrays' order. ``transform``, if given, maps each
    ``x`` batch to a new array (data augmentation such as ``nn.augment.RandomShift``).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool = True,
                 drop_last: bool = False, rng: int | np.random.Generator | None = None,
                 transform: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        for name, array in (("x", x), ("y", y)):
            if not isinstance(array, np.ndarray):
                raise TypeError(f"DataLoader: {name} must be a numpy array, got {type(array).__name__}; "
                                f"convert it with np.asarray")
            if array.ndim == 0:
                raise ValueError(f"DataLoader: {name} must have a first (sample) axis, got a 0-d array")
        if len(x) != len(y):
            raise ValueError(f"DataLoader: x of shape {x.shape} and y of shape {y.shape} must have "
                             f"the same number of samples")
        positive_int(batch_size, "batch_size", "DataLoader")
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, bool):
                raise TypeError(f"DataLoader: {name} must be True or False, got {flag!r}")
        if rng is not None and not isinstance(rng, (numbers.Integral, np.random.Generator)):
            raise TypeError(f"DataLoader: rng must be a seed (int), a numpy Generator or None, "
                            f"got {type(rng).__name__}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be a function of the x batch, got "
                            f"{type(transform).__name__}")
        if len(x) == 0:
            raise ValueError("DataLoader: x and y are empty; there is nothing to iterate over")
        if drop_last and batch_size > len(x):
            raise ValueError(f"DataLoader: batch_size {batch_size} is larger than the {len(x)} samples "
                             f"and drop_last=True would leave no batch; use a smaller batch_size")
        self.x, self.y = x, y
        self.batch_size = int(batch_size)
        self.shuffle, self.drop_last = shuffle, drop_last
        self.rng = np.random.default_rng(rng)
        self.transform = transform

    def __len__(self) -> int:
        """Number of batches per pass."""
        full, rest = divmod(len(self.x), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        if self.transform is None:
            return self._batches()
        return ((self.transform(xb), yb) for xb, yb in self._batches())

    def _batches(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        n, size = len(self.x), self.batch_size
        stop = len(self) * size
        if not self.shuffle:
            for start in range(0, stop, size):
                yield self.x[start:start + size], self.y[start:start + size]
            return
        order = self.rng.permutation(n)
        for start in range(0, stop, size):
            index = order[start:start + size]
            yield self.x[index], self.y[index]

    def __repr__(self) -> str:
        return (f"DataLoader({len(self.x)} samples, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, {len(self)} batches)")
