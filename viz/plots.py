"""Training plots with matplotlib: per-epoch curves, and loss curves of several runs.

Figures are built with ``matplotlib.figure.Figure`` directly rather than pyplot, so
importing this module or saving a plot never changes the global backend and works
without a display. A history is anything with ``loss``, ``train_acc`` and
optionally ``test_loss``/``test_acc`` lists (``nn.train.History``); ``viz`` does not
import ``nn``.
"""
from __future__ import annotations

import io
import os
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from viz.files import write_atomic


def _check_series(values: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def save_figure(fig: Figure, path: str | os.PathLike | None) -> None:
    """Save ``fig`` to ``path`` (the format from its suffix) unless ``path`` is None."""
    if path is None:
        return
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    supported = fig.canvas.get_supported_filetypes()
    if suffix not in supported:
        raise ValueError(f"cannot save a plot as {os.fspath(path)!r}: use one of the suffixes "
                         f"{', '.join('.' + s for s in sorted(supported))}")
    # Rendered in memory, then written atomically: an interrupted save leaves no half file.
    buffer = io.BytesIO()
    fig.savefig(buffer, format=suffix, dpi=120)
    write_atomic(path, buffer.getvalue())


def plot_history(history: Any, path: str | os.PathLike | None = None,
                 title: str | None = None) -> Figure:
    """Loss (left) and accuracy (right) per epoch, for training and, if present, test data.

    Saves to ``path`` when given (the format follows its suffix) and returns the figure.
    """
    for attr in ("loss", "train_acc"):
        if not hasattr(history, attr):
            raise TypeError(f"plot_history needs a training history with .loss and .train_acc "
                            f"(nn.train.History), got {type(history).__name__}")
    loss = _check_series(history.loss, "history.loss")
    if loss.size == 0:
        raise ValueError("plot_history: the history has no epochs; train for at least one epoch")
    epochs = np.arange(1, loss.size + 1)
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    series = [(ax_loss, "loss", "train loss"), (ax_loss, "test_loss", "test loss"),
              (ax_acc, "train_acc", "train accuracy"), (ax_acc, "test_acc", "test accuracy")]
    for ax, attr, label in series:
        values = _check_series(getattr(history, attr, []), f"history.{attr}")
        if values.size:
            if values.size != loss.size:
                raise ValueError(f"history.{attr} has {values.size} entries but history.loss has "
                                 f"{loss.size}; every per-epoch list must have one per epoch")
            ax.plot(epochs, values, marker="o", label=label)
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    if title:
        fig.suptitle(title)
    save_figure(fig, path)
    return fig


def plot_loss_curves(curves: Mapping[str, Sequence[float]], path: str | os.PathLike | None = None,
                     smooth: int = 20, steps_per_epoch: int | None = None,
                     title: str = "training loss") -> Figure:
    """One training-loss curve per run (e.g. per optimizer), on a log scale.

    ``curves`` maps a label to the loss of every step. Each curve is smoothed with
    a running mean over ``smooth`` steps (1 = raw). With ``steps_per_epoch`` the x
    axis counts epochs instead of steps.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("plot_loss_curves needs a non-empty mapping {label: per-step losses}")
    if isinstance(smooth, bool) or not isinstance(smooth, int) or smooth < 1:
        raise ValueError(f"plot_loss_curves: smooth must be a positive int, got {smooth!r}")
    if steps_per_epoch is not None and (isinstance(steps_per_epoch, bool)
                                        or not isinstance(steps_per_epoch, int) or steps_per_epoch < 1):
        raise ValueError(f"plot_loss_curves: steps_per_epoch must be a positive int, got {steps_per_epoch!r}")
    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.subplots()
    draw_loss_curves(ax, curves, smooth, steps_per_epoch)
    ax.set_title(title)
    save_figure(fig, path)
    return fig


def draw_loss_curves(ax: Any, curves: Mapping[str, Sequence[float]], smooth: int = 20,
                     steps_per_epoch: int | None = None) -> None:
    """Draw ``plot_loss_curves``'s curves into an existing matplotlib axes."""
    for label, losses in curves.items():
        values = _check_series(losses, f"curve {label!r}")
        if values.size == 0:
            raise ValueError(f"plot_loss_curves: curve {label!r} is empty")
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ValueError(f"plot_loss_curves: curve {label!r} has non-positive or non-finite "
                             f"losses, which a log scale cannot show")
        window = min(smooth, values.size)
        # Running mean via cumulative sums: one numpy pass, no Python loop over steps.
        sums = np.cumsum(np.insert(values, 0, 0.0))
        smoothed = (sums[window:] - sums[:-window]) / window
        x = np.arange(window, values.size + 1, dtype=float)
        if steps_per_epoch:
            x /= steps_per_epoch
        ax.plot(x, smoothed, label=str(label), linewidth=1.5)
    ax.set_yscale("log")
    ax.set(xlabel="epoch" if steps_per_epoch else "step",
           ylabel=f"loss (running mean of {smooth} steps)" if smooth > 1 else "loss")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
