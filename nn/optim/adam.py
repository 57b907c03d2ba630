"""Adam and AdamW: momentum plus a per-weight scale, with bias correction.

The equations are ``torch.optim.Adam``'s and ``AdamW``'s, for step t = 1, 2, …::

    Adam:  g = grad + weight_decay * p          (L2 folded into the gradient)
    AdamW: p = p * (1 - lr * weight_decay)      (decoupled decay);  g = grad
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g²
    v̂ = max(v̂, v) if amsgrad else v
    p = p - lr / (1 - beta1**t) * m / (√v̂ / √(1 - beta2**t) + eps)

eps is added after the bias-corrected square root, as PyTorch does.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from nn.optim.optimizer import Optimizer, check_hyper


class Adam(Optimizer):
    """``Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)``."""

    decoupled = False  # AdamW sets this: decay the weights, not the gradient

    def __init__(self, params: Iterable[Any], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _check_group(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        super()._check_group(group)
        check_hyper(group, "eps", where=name)
        check_hyper(group, "weight_decay", where=name)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        pair = {"beta1": betas[0], "beta2": betas[1]}
        for key in pair:
            check_hyper(pair, key, high=1.0, high_open=True, where=name)
        group["betas"] = (pair["beta1"], pair["beta2"])
        if not isinstance(group["amsgrad"], (bool, np.bool_)):
            raise TypeError(f"{name}: amsgrad must be a bool, got {group['amsgrad']!r}")
        group["amsgrad"] = bool(group["amsgrad"])

    def _init_state(self, group: dict[str, Any], data: np.ndarray) -> dict[str, np.ndarray]:
        state = {"exp_avg": np.zeros_like(data), "exp_avg_sq": np.zeros_like(data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(data)
        return state

    def _update(self, group: dict[str, Any], data: np.ndarray, grad: np.ndarray,
                state: dict[str, Any]) -> None:
        lr, wd, (beta1, beta2) = group["lr"], group["weight_decay"], group["betas"]
        g = grad
        if wd and self.decoupled:
            data *= 1.0 - lr * wd
        elif wd:
            g = grad + wd * data
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        if group["amsgrad"]:
            v = np.maximum(state.setdefault("max_exp_avg_sq", np.zeros_like(data)), v,
                           out=state["max_exp_avg_sq"])
        # Python floats for a Tensor (an int step), so float32 stays float32;
        # arrays for packed Values, whose steps may differ.
        t = state["step"]
        bias1, bias2 = 1.0 - beta1 ** t, 1.0 - beta2 ** t
        denom = np.sqrt(v)
        denom /= bias2 ** 0.5
        denom += group["eps"]
        data -= (lr / bias1) * m / denom


class AdamW(Adam):
    """``AdamW(params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False)``.

    Weight decay shrinks the weights directly instead of being added to the
    gradient, so Adam's per-weight scaling does not weaken it (Loshchilov & Hutter).
    """

    decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
