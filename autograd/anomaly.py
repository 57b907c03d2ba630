"""``detect_anomaly()``: find the op, and the line of your code, where inf or NaN began.

Off by default, so it costs nothing then (one flag test per op). Inside the context
every new node records the file and line that created it, every Tensor result and
every gradient share is checked for inf and NaN, and the first one found raises a
``ValueError`` that names the op and that line. Like ``torch.autograd.detect_anomaly``
it is slow: use it to debug, not to train.
"""
from __future__ import annotations

import os
import sys
import weakref
from contextlib import contextmanager
from types import FrameType
from typing import Any, Iterator, Sequence

import numpy as np

active = False  # inside detect_anomaly(); process-wide like PyTorch's, and one global read per op
_origins: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Context manager: record where nodes are made and stop at the first inf or NaN."""
    global active
    previous, active = active, True
    try:
        yield
    finally:
        active = previous


def record(node: Any) -> None:
    """Remember the first caller outside autograd, and check a Tensor result."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _PACKAGE:
        frame = frame.f_back
    _origins[node] = "an unknown place" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"
    data = node.data
    if isinstance(data, np.ndarray) and data.dtype.kind == "f" and not np.isfinite(data).all():
        raise ValueError(f"detect_anomaly: the {node.op or 'leaf'!r} op made inf or nan "
                         f"at {where(node)}")


def where(node: Any) -> str:
    """file:line where ``node`` was created under ``detect_anomaly()``, if it was."""
    return _origins.get(node, "an unknown place (created outside detect_anomaly())")


def check_sent(node: Any, sent: Sequence) -> None:
    """Refuse a gradient share that is inf or NaN, naming the op that sent it."""
    for parent, share in zip(node.parents, sent):
        if share is not None and not np.isfinite(share).all():
            raise ValueError(f"detect_anomaly: the backward of the {node.op!r} op (created at "
                             f"{where(node)}) sent inf or nan to its input of shape "
                             f"{parent.data.shape}")
