"""Initial weights: the scale that keeps activations from exploding or saturating.

A layer with 784 inputs and unit-variance weights would produce pre-activations of
size ~28 and saturate every sigmoid; scaling the standard deviation by the fan-in
keeps them near 1. ``"he"`` suits ReLU (which zeroes half its inputs), ``"xavier"``
(Glorot) suits tanh and sigmoid, and ``"lecun"`` is the plain ``1/fan_in`` rule.
"""
from __future__ import annotations

import math
import numbers
from typing import Union

import numpy as np

Init = Union[str, float]
INIT_NAMES = ("he", "xavier", "lecun")


def default_init(activation: str) -> str:
    """The init that suits an activation: He for ReLU, Glorot for the rest."""
    return "he" if activation == "relu" else "xavier"


def init_std(init: Init, fan_in: int, fan_out: int, where: str) -> float:
    """The standard deviation of the normal distribution the weights are drawn from."""
    if isinstance(init, str):
        if init == "he":
            return math.sqrt(2.0 / fan_in)
        if init == "xavier":
            return math.sqrt(2.0 / (fan_in + fan_out))
        if init == "lecun":
            return math.sqrt(1.0 / fan_in)
        raise ValueError(
            f"{where}: unknown init {init!r}; use one of {', '.join(map(repr, INIT_NAMES))} "
            "or a float standard deviation"
        )
    if isinstance(init, bool) or not isinstance(init, numbers.Real):
        raise TypeError(
            f"{where}: init must be one of {', '.join(map(repr, INIT_NAMES))} or a float "
            f"standard deviation, got {type(init).__name__} {init!r}"
        )
    std = float(init)
    if not (math.isfinite(std) and std >= 0.0):
        raise ValueError(f"{where}: an init standard deviation must be finite and >= 0, got {init!r}")
    return std


def check_size(value: object, name: str, where: str) -> int:
    """A layer width: a positive int (numpy ints too), never a bool or float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{where}: {name} must be >= 1, got {value}")
    return int(value)


def float_dtype(dtype: object, where: str) -> np.dtype:
    """A floating-point numpy dtype (parameters need gradients, so never ints)."""
    try:
        resolved = np.dtype(dtype)  # type: ignore[call-overload]  # any object: TypeError is the check
    except TypeError:
        raise TypeError(f"{where}: {dtype!r} is not a numpy dtype; use np.float32 or np.float64") from None
    if resolved.kind != "f":
        raise TypeError(
            f"{where}: parameters need a floating-point dtype, got {resolved}; "
            "use np.float32 (fast) or np.float64 (for gradcheck)"
        )
    return resolved
