"""Shape and axis arithmetic for Tensor ops: check axes, sum gradients back, explain errors.

Everything here works on shapes and numpy arrays only, never on nodes.
"""
from __future__ import annotations

from typing import Any, overload

import numpy as np


def explain_shapes(op: str, sa: tuple, sb: tuple) -> None:
    """Turn numpy's shape errors into ones that name the op and both shapes."""
    if op != "matmul":
        try:
            np.broadcast_shapes(sa, sb)
        except ValueError:
            raise ValueError(f"{op}: shapes {sa} and {sb} cannot be broadcast together; "
                             "each trailing dimension must match or be 1") from None
        return
    if not sa or not sb:
        raise ValueError(f"matmul: shapes {sa} and {sb}: both operands need at least one "
                         "dimension; use * to multiply by a scalar") from None
    ka, kb = sa[-1], (sb[-2] if len(sb) > 1 else sb[0])
    if ka != kb:
        raise ValueError(f"matmul: shapes {sa} and {sb} do not align ({ka} != {kb}): the last "
                         "axis of the first must equal the first of the last two of the second"
                         ) from None
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise ValueError(f"matmul: shapes {sa} and {sb}: the batch dimensions {sa[:-2]} and "
                         f"{sb[:-2]} cannot be broadcast together") from None


@overload
def normalize_axes(axis: None, shape: tuple, op: str) -> None: ...
@overload
def normalize_axes(axis: int | tuple, shape: tuple, op: str) -> tuple: ...
def normalize_axes(axis: Any, shape: tuple, op: str) -> tuple | None:
    """Normalise ``axis`` (int, tuple of ints or None) to sorted non-negative ints."""
    if axis is None:
        return None
    items = axis if isinstance(axis, tuple) else (axis,)
    ndim, out = len(shape), []
    for ax in items:
        if isinstance(ax, (bool, np.bool_)) or not isinstance(ax, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an int, a tuple of ints or None, got {axis!r}")
        if not -ndim <= ax < ndim:
            raise ValueError(f"{op}: axis {int(ax)} is out of range for shape {shape} "
                             f"({ndim} dimensions)")
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis {axis!r} repeats an axis")
    return tuple(sorted(out))


def check_nonempty(shape: tuple, axes: tuple | None, op: str) -> None:
    """Refuse a reduction over zero elements where numpy would give nan or fail."""
    if any(shape[i] == 0 for i in (range(len(shape)) if axes is None else axes)):
        raise ValueError(f"{op}: cannot reduce over an empty axis of shape {shape}")


def is_basic_index(index: Any) -> bool:
    """True for ints, slices, None and Ellipsis only: numpy's basic indexing (a view)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(item is None or item is Ellipsis or isinstance(item, slice) or
               (isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)))
               for item in items)


def sum_to(g: np.ndarray | np.generic, shape: tuple) -> np.ndarray:
    """Sum a broadcast gradient back to ``shape`` (leading axes, then axes of size 1)."""
    lead = g.ndim - len(shape)
    if lead == 1 and shape and g.shape[1:] == shape:
        return np.add.reduce(g, axis=0)  # a bias broadcast over a batch: the hot case
    # Every other path ends in np.asarray: a full reduction gives a numpy scalar, and
    # backward's in-place ``+=`` on an (immutable) scalar would drop the contribution.
    if lead < 0:
        raise ValueError(f"backward: a gradient of shape {g.shape} cannot be summed to "
                         f"shape {shape}")
    if lead:
        g = g.sum(axis=tuple(range(lead)))
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if ones:
        g = g.sum(axis=ones, keepdims=True)
    return np.asarray(g)
