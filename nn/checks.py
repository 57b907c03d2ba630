"""Checks of arguments that many parts of ``nn`` take, so each is refused in one way.

``numbers.Integral`` admits numpy integers; ``bool`` is refused although it is an int,
since ``batch_size=True`` is a mistake, not a 1.
"""
from __future__ import annotations

import numbers


def positive_int(value: object, name: str, where: str | None = None, *, hint: str = "") -> int:
    """``value`` as an int >= 1, or a ValueError: ``"{where}: {name} must be a positive
    integer{hint}, got {value!r}"`` (``where`` names the caller; ``hint`` adds a note)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}{name} must be a positive integer{hint}, got {value!r}")
    return int(value)
