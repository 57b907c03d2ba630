"""AdaGrad: each weight's step shrinks with the sum of its squared gradients.

The equations are ``torch.optim.Adagrad``'s, for step t = 1, 2, …::

    g   = grad + weight_decay * p
    lr_t = lr / (1 + (t - 1) * lr_decay)
    s   = s + g²                       (s starts at initial_accumulator_value)
    p   = p - lr_t * g / (√s + eps)
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from nn.optim.optimizer import Optimizer, check_hyper


class AdaGrad(Optimizer):
    """``AdaGrad(params, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)``."""

    def __init__(self, params: Iterable[Any], lr: float = 0.01, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_hyper(group, name, where="AdaGrad")

    def _init_state(self, group: dict[str, Any], data: np.ndarray) -> dict[str, np.ndarray]:
        return {"sum": np.full_like(data, group["initial_accumulator_value"])}

    def _update(self, group: dict[str, Any], data: np.ndarray, grad: np.ndarray,
                state: dict[str, Any]) -> None:
        wd = group["weight_decay"]
        g = grad + wd * data if wd else grad
        lr_t = group["lr"] / (1.0 + (state["step"] - 1) * group["lr_decay"])
        total = state["sum"]
        total += g * g
        data -= lr_t * g / (np.sqrt(total) + group["eps"])


Adagrad = AdaGrad  # PyTorch's spelling
