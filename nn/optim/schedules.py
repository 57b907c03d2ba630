"""Learning-rate schedules: call ``step()`` once per epoch, after ``optimizer.step()``.

Each schedule computes the rate for epoch t in closed form from the groups' initial
rates, like ``torch.optim.lr_scheduler``, so the result never drifts from the formula.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

from nn.checks import positive_int
from nn.optim.optimizer import Optimizer


def _real(value: object, name: str, where: str, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value < low:
        raise ValueError(f"{where}: {name} must be a finite number >= {low}, got {value!r}")
    return float(value)


class LRScheduler:
    """Base class: sets every group's ``lr`` to ``lr_at(base_lr, epoch)`` on each ``step()``."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an nn.optim optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.last_epoch = 0
        self._apply()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must define lr_at()")

    def _apply(self) -> None:
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base, self.last_epoch)

    def step(self) -> None:
        """Advance one epoch and set the new rates."""
        self.last_epoch += 1
        self._apply()

    def get_last_lr(self) -> list[float]:
        """The rate of each parameter group, as last set."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        return {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict) or set(state) != {"last_epoch", "base_lrs"}:
            raise ValueError(f"{type(self).__name__}.load_state_dict: expected the keys "
                             "'last_epoch' and 'base_lrs' (from state_dict())")
        if len(state["base_lrs"]) != len(self.base_lrs):
            raise ValueError(f"{type(self).__name__}.load_state_dict: {len(state['base_lrs'])} "
                             f"base rates in the state, {len(self.base_lrs)} groups here")
        self.last_epoch = int(state["last_epoch"])
        self.base_lrs = [float(lr) for lr in state["base_lrs"]]
        self._apply()


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs: ``lr·gamma^⌊t/step_size⌋``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = positive_int(step_size, "step_size", "StepLR")
        self.gamma = _real(gamma, "gamma", "StepLR")
        super().__init__(optimizer)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch: ``lr·gamma^t``."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = _real(gamma, "gamma", "ExponentialLR")
        super().__init__(optimizer)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from the base rate down to ``eta_min`` over ``T_max`` epochs.

    ``eta_min + (lr - eta_min)·(1 + cos(π·t/T_max))/2``; past ``T_max`` it rises
    again, as PyTorch's does.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        self.T_max = positive_int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = _real(eta_min, "eta_min", "CosineAnnealingLR")
        super().__init__(optimizer)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
