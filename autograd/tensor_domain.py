"""Where Tensor ops refuse input that would turn finite numbers into NaN or inf.

Policy, chosen for speed: only the ops that can *create* NaN/inf from finite input
check their input (``log``, ``sqrt``, ``**``, ``/``, ``exp`` overflow), and each check
is one vectorised comparison over that op's operand. Results of other ops are not
scanned: a full ``isfinite`` pass after every op would cost several percent of an
MNIST epoch and catch nothing these checks miss. NaN already present in the data
propagates as in numpy, and ``backward()`` refuses a root that is not finite.
Derivatives that are infinite at a point (``sqrt`` at 0) are refused lazily, in
backward, so a forward pass alone (for example under ``no_grad()``) is unaffected.
"""
from __future__ import annotations

import numpy as np


def first_index(mask: np.ndarray) -> tuple[int, ...]:
    """The position of the first True in ``mask``, as a tuple of ints."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def where(mask: np.ndarray, values: np.ndarray) -> str:
    """Describe the first True of ``mask`` (same shape as ``values``), e.g. 'at index (1, 0), value -2.0'."""
    index = first_index(mask)
    count = int(np.count_nonzero(mask))
    more = "" if count == 1 else f" (and {count - 1} more)"
    return f"at index {index}, value {values[index].item()!r}{more}"


def refuse_where(bad: np.ndarray, values: np.ndarray, message: str) -> None:
    """Raise ``ValueError(message + position)`` if any element of the mask ``bad`` is True."""
    if bad.any():
        raise ValueError(f"{message} {where(bad, values)}")
