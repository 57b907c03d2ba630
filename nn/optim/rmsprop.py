"""RMSprop: divide each step by a running root-mean-square of recent gradients.

The equations are ``torch.optim.RMSprop``'s::

    g = grad + weight_decay * p
    v = alpha * v + (1 - alpha) * g²
    centered:  a = alpha * a + (1 - alpha) * g;   d = √(v - a²) + eps
    otherwise: d = √v + eps
    momentum > 0:  b = momentum * b + g / d;  p = p - lr * b
    otherwise:                                p = p - lr * g / d
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from nn.optim.optimizer import Optimizer, check_hyper


class RMSprop(Optimizer):
    """``RMSprop(params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)``."""

    def __init__(self, params: Iterable[Any], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        check_hyper(group, "alpha", high=1.0, where="RMSprop")
        for name in ("eps", "weight_decay", "momentum"):
            check_hyper(group, name, where="RMSprop")
        if not isinstance(group["centered"], (bool, np.bool_)):
            raise TypeError(f"RMSprop: centered must be a bool, got {group['centered']!r}")
        group["centered"] = bool(group["centered"])

    def _init_state(self, group: dict[str, Any], data: np.ndarray) -> dict[str, np.ndarray]:
        state = {"square_avg": np.zeros_like(data)}
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(data)
        if group["momentum"]:
            state["momentum_buffer"] = np.zeros_like(data)
        return state

    def _update(self, group: dict[str, Any], data: np.ndarray, grad: np.ndarray,
                state: dict[str, Any]) -> None:
        alpha, wd, momentum = group["alpha"], group["weight_decay"], group["momentum"]
        g = grad + wd * data if wd else grad
        v = state["square_avg"]
        v *= alpha
        v += (1.0 - alpha) * g * g
        if group["centered"]:
            a = state.setdefault("grad_avg", np.zeros_like(data))
            a *= alpha
            a += (1.0 - alpha) * g
            denom = np.sqrt(v - a * a) + group["eps"]
        else:
            denom = np.sqrt(v) + group["eps"]
        if momentum:
            buf = state.setdefault("momentum_buffer", np.zeros_like(data))
            buf *= momentum
            buf += g / denom
            data -= group["lr"] * buf
        else:
            data -= group["lr"] * g / denom
