"""``nn.Parameter``: the Tensor leaves a module trains.

Optimizers take them from ``module.parameters()``, checkpoints save them, and
diagrams draw them apart from activations (``is_parameter``). The scalar package's
counterpart is ``nn.scalar.Parameter``, a ``Value``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor import Tensor


class Parameter(Tensor):
    """A ``Tensor`` that requires grad and holds floating-point data.

    An ndarray is used as is, not copied (like ``torch.nn.Parameter``); lists and
    numbers become float arrays. Integer data is refused, since it cannot carry a
    gradient.
    """

    __slots__ = ()
    is_parameter = True

    def __init__(self, data: Any, label: str | None = None) -> None:
        array = data.data if isinstance(data, Tensor) else data
        if not isinstance(array, np.ndarray):
            try:
                array = np.asarray(array, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"Parameter: expected a float array, a number or a list of "
                                f"numbers, got {type(data).__name__}") from None
        if array.dtype.kind != "f":
            raise TypeError(
                f"Parameter: parameters need floating-point data, got dtype {array.dtype}; "
                "convert first, e.g. Parameter(x.astype(np.float32))"
            )
        super().__init__(array, requires_grad=True, label=label)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
