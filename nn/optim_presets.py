"""Optimizers by name, with learning rates that train an MNIST MLP well.

The command line (``tracegrad mnist --optimizer NAME``, ``tracegrad
compare-optimizers``) picks optimizers by these names. The default rates were
tuned on MNIST with batch 128 (Adam's 0.002 with a cosine schedule gives
98.2% with 784-256-10 in 8 epochs); every one can be overridden.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from nn import optim

DEFAULT_LR = {
    "sgd": 0.1,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.05,
    "rmsprop": 0.001,
    "adam": 0.002,
    "adamw": 0.002,
}
NAMES = tuple(DEFAULT_LR)


def make_optimizer(name: str, params: Iterable[Any], lr: float | None = None,
                   weight_decay: float | None = None) -> optim.Optimizer:
    """Build optimizer ``name`` (one of ``NAMES``); ``None`` means the default rate / decay.

    "momentum" and "nesterov" are SGD with momentum 0.9 (the latter with Nesterov's
    look-ahead). AdamW's default weight decay is 0.01, every other one's is 0.
    """
    if name not in DEFAULT_LR:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(NAMES)}")
    lr = DEFAULT_LR[name] if lr is None else lr
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    decay: dict[str, Any] = {} if weight_decay is None else {"weight_decay": weight_decay}
    if name == "sgd":
        return optim.SGD(params, lr=lr, **decay)
    if name in ("momentum", "nesterov"):
        return optim.SGD(params, lr=lr, momentum=0.9, nesterov=name == "nesterov", **decay)
    if name == "adagrad":
        return optim.AdaGrad(params, lr=lr, **decay)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr, **decay)
    if name == "adam":
        return optim.Adam(params, lr=lr, **decay)
    return optim.AdamW(params, lr=lr, **decay)
