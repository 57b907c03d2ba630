"""How an optimizer sees a parameter: as a data array and a grad array.

Every update rule is written once, on numpy arrays. A ``Tensor`` parameter already
is one (its ``data`` and ``grad`` arrays are updated in place). ``Value``
parameters are floats, so all the Values of a parameter group are gathered into one
float64 array, updated together, and written back: the scalar MLP then trains with
the very same code as the Tensor MLP, at numpy speed rather than per-float Python.
"""
from __future__ import annotations

from typing import Any

import numpy as np


class TensorSlot:
    """One ``Tensor`` parameter; its arrays are the parameter's own, updated in place."""

    __slots__ = ("param", "state")
    packed = False

    def __init__(self, param: Any) -> None:
        self.param = param
        self.state: dict[str, Any] = {}

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self.param.data, self.param.grad

    @property
    def params(self) -> list:
        return [self.param]


class ValueSlot:
    """The ``Value`` parameters of one group, seen as one float64 vector.

    Each Value is a parameter of its own, so its optimizer state (including the
    step count that Adam's bias correction uses) is one element of each state array.
    """

    __slots__ = ("values", "state")
    packed = True

    def __init__(self, values: list) -> None:
        self.values = values
        self.state: dict[str, Any] = {}

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.values)
        data = np.fromiter((v.data for v in self.values), np.float64, n)
        grad = np.fromiter((v.grad for v in self.values), np.float64, n)
        return data, grad

    def commit(self, data: np.ndarray) -> None:
        for value, x in zip(self.values, data.tolist()):
            value.data = x

    @property
    def params(self) -> list:
        return self.values


Slot = TensorSlot | ValueSlot  # what an optimizer steps: one Tensor, or a group's Values
