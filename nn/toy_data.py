"""Two-class 2-D toy data sets, generated in code from a seed: moons, circles, spiral, xor.

Each returns ``x`` of shape ``(n, 2)`` (float64, roughly within [-1.5, 1.5] so no
scaling is needed) and integer labels ``y`` in {0, 1}, half of each class (the
first point is class 0; an odd ``n`` gives class 0 one more point). The same seed
gives the same points.
"""
from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from nn.seeding import resolve_rng

Data = tuple[np.ndarray, np.ndarray]


def _labels(n: int) -> np.ndarray:
    return np.arange(n) % 2


def moons(n: int, noise: float, rng: np.random.Generator) -> Data:
    """Two interleaved half circles (scikit-learn's ``make_moons``), centred on the origin."""
    y = _labels(n)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)]
    x = np.where(y[:, None] == 0, upper, lower) - np.array([0.5, 0.25])
    return x + rng.normal(0.0, noise, x.shape), y


def circles(n: int, noise: float, rng: np.random.Generator) -> Data:
    """A disc of radius < 0.5 (class 1) inside a ring of radius 0.8 to 1.2 (class 0)."""
    y = _labels(n)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.8, 1.2, n))
    x = radius[:, None] * np.c_[np.cos(angle), np.sin(angle)]
    return x + rng.normal(0.0, noise, x.shape), y


def spiral(n: int, noise: float, rng: np.random.Generator) -> Data:
    """Two arms winding 1.75 turns around the origin, the second the first turned by π."""
    y = _labels(n)
    t = rng.uniform(0.0, 1.0, n)
    radius = 0.15 + 1.2 * t
    angle = 1.75 * 2 * np.pi * t + np.pi * y
    x = radius[:, None] * np.c_[np.cos(angle), np.sin(angle)]
    return x + rng.normal(0.0, noise, x.shape), y


def xor(n: int, noise: float, rng: np.random.Generator) -> Data:
    """Points in the square [-1, 1]²; class 1 where the coordinates' signs differ.

    Points within 0.1 of an axis are pushed away from it, so the quadrants are
    separated by a margin before noise is added.
    """
    x = rng.uniform(-1.0, 1.0, (n, 2))
    x += np.sign(x) * 0.1 * (np.abs(x) < 0.1)
    y = (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int64)
    return x + rng.normal(0.0, noise, x.shape), y


GENERATORS: dict[str, Callable[[int, float, np.random.Generator], Data]] = {
    "moons": moons, "circles": circles, "spiral": spiral, "xor": xor,
}
DATASETS = tuple(GENERATORS)


def check_dataset(name: object) -> str:
    if not isinstance(name, str) or name not in GENERATORS:
        raise ValueError(f"unknown data set {name!r}; use one of {', '.join(DATASETS)}")
    return name


def make_dataset(name: str, n: int = 200, noise: float = 0.1,
                 rng: np.random.Generator | int | None = 0) -> Data:
    """``n`` points of the named data set with Gaussian ``noise``: ``(x float64 (n, 2), y int64)``."""
    check_dataset(name)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"make_dataset: n must be an integer >= 2 (one point per class), got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0.0 <= noise < float("inf"):
        raise ValueError(f"make_dataset: noise must be a finite number >= 0, got {noise!r}")
    x, y = GENERATORS[name](int(n), float(noise), resolve_rng(rng, "make_dataset"))
    return x.astype(np.float64), y.astype(np.int64)
