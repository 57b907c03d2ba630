"""The training loop: ``fit`` a classifier for some epochs, ``evaluate`` it in batches.

``fit`` returns a ``History`` (per-epoch loss, train and test accuracy, seconds, and
every step's loss for loss curves). It shows a tqdm bar per epoch with the running
loss when stderr is a terminal; ``progress=False`` turns it off.
"""
from __future__ import annotations

import math
import numbers
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from tqdm import tqdm

from autograd import no_grad
from autograd.tensor import Tensor
from nn.checks import positive_int
from nn.data import DataLoader
from nn.functional import accuracy, cross_entropy
from nn.module import Module
from nn.optim import LRScheduler, Optimizer
from nn.threads import blas_threads

Data = tuple[np.ndarray, np.ndarray]


class TrainingDiverged(ValueError):
    """The loss became non-finite (or, for the playground, blew up): the learning rate is too high."""


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch (``step_loss``: one per batch)."""
    loss: list[float] = field(default_factory=list)       # mean training loss of the epoch
    train_acc: list[float] = field(default_factory=list)  # accuracy on the epoch's batches, as trained
    test_loss: list[float] = field(default_factory=list)  # empty without test data
    test_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)    # training plus evaluation
    step_loss: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.loss)


def format_epoch(history: History, epoch: int, epochs: int) -> str:
    """``epoch 3/10  loss 0.0712  train acc 0.9812  test acc 0.9771  4.1 s`` (epoch is 1-based)."""
    i = epoch - 1
    parts = [f"epoch {epoch}/{epochs}", f"loss {history.loss[i]:.4f}",
             f"train acc {history.train_acc[i]:.4f}"]
    if history.test_acc:
        parts.append(f"test acc {history.test_acc[i]:.4f}")
    parts.append(f"{history.seconds[i]:.1f} s")
    return "  ".join(parts)


def _check_data(data: object, name: str) -> Data:
    if not (isinstance(data, tuple) and len(data) == 2
            and all(isinstance(a, np.ndarray) for a in data)):
        raise TypeError(f"{name} must be a pair (x, y) of numpy arrays, got {type(data).__name__}")
    x, y = data
    if len(x) != len(y):
        raise ValueError(f"{name}: x of shape {x.shape} and y of shape {y.shape} must have the "
                         f"same number of samples")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    return x, y


def evaluate(model: Module, data: Data, batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``model`` on ``data = (x, y)``.

    Runs under ``no_grad`` in evaluation mode (dropout off), in batches so memory
    stays small; the model's previous mode is restored afterwards.
    """
    x, y = _check_data(data, "evaluate: data")
    positive_int(batch_size, "batch_size", "evaluate")
    was_training = getattr(model, "training", True)
    model.eval()
    total_loss, correct = 0.0, 0.0
    try:
        with no_grad():
            for start in range(0, len(x), batch_size):
                xb, yb = x[start:start + batch_size], y[start:start + batch_size]
                logits = model(Tensor(xb))
                total_loss += float(cross_entropy(logits, yb, reduction="sum").data)
                correct += accuracy(logits, yb) * len(xb)
    finally:
        model.train(was_training)
    return total_loss / len(x), correct / len(x)


def fit(model: Module, optimizer: Optimizer, train_data: Data | DataLoader, epochs: int, *,
        test_data: Data | None = None, batch_size: int = 128, scheduler: LRScheduler | None = None,
        rng: int | np.random.Generator | None = None, progress: bool | None = None,
        on_epoch: Callable[[int, History], None] | None = None,
        on_step: Callable[[int, Tensor], None] | None = None,
        threads: int | None = None) -> History:
    """Train ``model`` with softmax cross-entropy for ``epochs`` passes over ``train_data``.

    ``train_data`` is ``(x, y)`` (batched by a shuffling ``DataLoader`` seeded with
    ``rng``) or a ready ``DataLoader``. ``scheduler.step()`` runs after each epoch.
    ``on_epoch(epoch, history)`` is called after each epoch (1-based) with the
    history so far. ``on_step(step, loss)`` is called after each backward pass, before the
    optimizer steps (``step`` counts from 1 across epochs), so it sees the loss's graph
    and gradients (``nn.SignalHealth`` records them). ``progress=None`` shows the bar only
    when stderr is a terminal. numpy's BLAS runs ``threads`` threads meanwhile (default
    ``nn.threads.DEFAULT_THREADS``, 1: faster for an MLP's small matrices, see ``nn.threads``).
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"fit: scheduler must be an nn.optim schedule, got {type(scheduler).__name__}")
    loader = train_data if isinstance(train_data, DataLoader) else \
        DataLoader(*_check_data(train_data, "fit: train_data"), batch_size, shuffle=True, rng=rng)
    if test_data is not None:
        test_data = _check_data(test_data, "fit: test_data")
    with blas_threads(threads, "fit"):
        return _fit(model, optimizer, loader, epochs, test_data, scheduler, progress, on_epoch,
                    on_step)


def _fit(model: Module, optimizer: Optimizer, loader: DataLoader, epochs: int,
         test_data: Data | None, scheduler: LRScheduler | None, progress: bool | None,
         on_epoch: Callable[[int, History], None] | None,
         on_step: Callable[[int, Tensor], None] | None) -> History:
    show = sys.stderr.isatty() if progress is None else bool(progress)
    history = History()
    # Gradients are cleared right after each step rather than before each backward:
    # the freed buffers are reused by the next step while still in cache (about 4% of
    # an MNIST epoch). Clearing once first keeps stale gradients out of the first step.
    model.zero_grad()
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total_loss, correct, seen = 0.0, 0.0, 0
        # The bar is closed however the epoch ends (Ctrl-C included), so no half-drawn
        # bar is left on the terminal.
        with tqdm(loader, total=len(loader), desc=f"epoch {epoch}/{epochs}", unit="batch",
                  leave=False, disable=not show, dynamic_ncols=True) as bar:
            for step, (xb, yb) in enumerate(bar, 1):
                logits = model(Tensor(xb))
                loss = cross_entropy(logits, yb)
                value = float(loss.data)
                if not math.isfinite(value):
                    raise TrainingDiverged(f"fit: the loss became {value} at epoch {epoch}, "
                                           f"step {step}; training diverged: lower the learning rate")
                loss.backward()
                if on_step is not None:
                    on_step(len(history.step_loss) + 1, loss)
                optimizer.step()
                model.zero_grad()
                history.step_loss.append(value)
                total_loss += value * len(xb)
                correct += accuracy(logits, yb) * len(xb)
                seen += len(xb)
                if show:
                    bar.set_postfix_str(f"loss {total_loss / seen:.4f}", refresh=False)
        if scheduler is not None:
            scheduler.step()
        history.loss.append(total_loss / seen)
        history.train_acc.append(correct / seen)
        if test_data is not None:
            test_loss, test_acc = evaluate(model, test_data)
            history.test_loss.append(test_loss)
            history.test_acc.append(test_acc)
        history.seconds.append(time.perf_counter() - start)
        if on_epoch is not None:
            on_epoch(epoch, history)
    return history
