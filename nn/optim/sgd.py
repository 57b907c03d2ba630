"""Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay.

The equations are ``torch.optim.SGD``'s, for step t = 1, 2, …::

    g = grad + weight_decay * p
    b = g                                  (t = 1)
    b = momentum * b + (1 - dampening) * g (t > 1)
    g = g + momentum * b  if nesterov else  b      (only when momentum > 0)
    p = p - lr * g
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from nn.optim.optimizer import Optimizer, check_hyper


class SGD(Optimizer):
    """``SGD(params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)``.

    The defaults are ``torch.optim.SGD``'s in PyTorch 2.13, including ``lr=1e-3``: a
    cautious rate for plain SGD, so pass your own (the command line's ``sgd`` uses 0.1
    on MNIST).
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        for name in ("momentum", "dampening", "weight_decay"):
            check_hyper(group, name, where="SGD")
        if not isinstance(group["nesterov"], (bool, np.bool_)):
            raise TypeError(f"SGD: nesterov must be a bool, got {group['nesterov']!r}")
        group["nesterov"] = bool(group["nesterov"])
        if group["nesterov"] and (group["momentum"] <= 0.0 or group["dampening"] != 0.0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")

    def _init_state(self, group: dict[str, Any], data: np.ndarray) -> dict[str, np.ndarray]:
        return {"momentum_buffer": np.zeros_like(data)} if group["momentum"] else {}

    def _update(self, group: dict[str, Any], data: np.ndarray, grad: np.ndarray,
                state: dict[str, Any]) -> None:
        lr, momentum, wd = group["lr"], group["momentum"], group["weight_decay"]
        g = grad + wd * data if wd else grad
        if momentum:
            buf = state.setdefault("momentum_buffer", np.zeros_like(data))
            # The buffer starts at zero, so b = momentum*0 + 1*g = g on the first step;
            # later steps damp g. (step > 1) is a bool, or a bool array for packed Values.
            buf *= momentum
            buf += (1.0 - group["dampening"] * (state["step"] > 1)) * g
            g = g + momentum * buf if group["nesterov"] else buf
        data -= lr * g
