"""Where layers get their random numbers: one global seed, or an explicit generator.

``nn.manual_seed(0)`` before building a model makes its initial weights and its
dropout masks reproducible. A layer built with ``rng=`` ignores the global stream.
"""
from __future__ import annotations

import numbers

import numpy as np

_global = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator that layers use when they get no ``rng=``; returns it."""
    global _global
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"manual_seed: seed must be a non-negative int, got {seed!r}")
    _global = np.random.default_rng(int(seed))
    return _global


def resolve_rng(rng: np.random.Generator | int | None, where: str) -> np.random.Generator:
    """The generator a layer should use: ``rng`` itself, a new one seeded by it, or the global one."""
    if rng is None:
        return _global
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{where}: rng must be a numpy Generator, a non-negative int seed or None, got {rng!r}"
    )


def spawn_rng(rng: np.random.Generator | int | None, where: str) -> np.random.Generator:
    """A generator of the layer's own (for dropout masks), seeded from ``rng`` or the global stream.

    Owning a generator keeps one layer's masks independent of how many weights
    other layers draw later.
    """
    parent = resolve_rng(rng, where)
    return np.random.default_rng(parent.integers(0, 2**63))
