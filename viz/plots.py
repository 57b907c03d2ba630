"""Training plots with matplotlib: per-epoch curves, loss curves of several runs, and the
signal-health figure of per-layer activations and gradient norms.

Figures are built with ``matplotlib.figure.Figure`` directly rather than pyplot, so
importing this module or saving a plot never changes the global backend and works
without a display. A history is anything with ``loss``, ``train_acc`` and
optionally ``test_loss``/``test_acc`` lists (``nn.train.History``); ``viz`` does not
import ``nn``.

The signal-health figure has one row of histograms per run (for example per activation
and initialisation) and one column per hidden layer: the picture of DL-from-scratch
ch. 6 in which std 1 sigmoid layers saturate at 0 and 1 and std 0.01 layers collapse
onto one value. Below it, each run's weight-gradient norm per layer at the same step,
and its loss curve. A run is anything shaped like ``nn.SignalHealth`` (``names``,
``activation_edges``, ``activation_counts``, ``weight_grad_norms``, ``steps``).
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


def plot_signal_health(runs: Mapping[str, Any], losses: Mapping[str, Sequence[float]] | None = None,
                       path: str | os.PathLike | None = None, record: int = 0,
                       title: str | None = None) -> Figure:
    """Histograms of record number ``record`` (0: the first step) for every run, saved to ``path``."""
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("plot_signal_health needs a non-empty mapping {label: SignalHealth}")
    for label, health in runs.items():
        if not getattr(health, "activation_counts", None):
            raise ValueError(f"plot_signal_health: run {label!r} recorded no step; record at least one")
        if not -len(health.activation_counts) <= record < len(health.activation_counts):
            raise ValueError(f"plot_signal_health: run {label!r} has {len(health.activation_counts)} "
                             f"records, so record {record} does not exist")
    layers = max(len(h.names) for h in runs.values())
    fig = Figure(figsize=(2.2 * layers + 1, 1.35 * len(runs) + 4.2), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.35 * len(runs), 4.0])  # type: ignore[misc]  # an array of two
    grid = top.subplots(len(runs), layers, squeeze=False)
    for row, (label, health) in enumerate(runs.items()):
        edges = health.activation_edges
        for col in range(layers):
            ax = grid[row, col]
            if col >= len(health.names):
                ax.set_visible(False)
                continue
            ax.stairs(health.activation_counts[record][col], edges, fill=True, alpha=0.8)
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            if row == 0:
                ax.set_title(f"hidden layer {col + 1}", fontsize=9)
        grid[row, 0].set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    step = next(iter(runs.values())).steps[record]
    top.suptitle(f"activations per hidden layer at step {step}" + (f": {title}" if title else ""), fontsize=11)
    ax_norm, ax_loss = bottom.subplots(1, 2)
    for label, health in runs.items():
        norms = np.asarray(health.weight_grad_norms[record], dtype=float)
        ax_norm.plot(np.arange(1, norms.size + 1), np.maximum(norms, 1e-30), marker="o", label=label)
    ax_norm.set_yscale("log")
    ax_norm.set(xlabel="Linear layer (1 = input side)", ylabel="‖∂loss/∂W‖",
                title=f"weight-gradient norm per layer at step {step}")
    ax_norm.xaxis.get_major_locator().set_params(integer=True)
    ax_norm.grid(alpha=0.3, which="both")
    ax_norm.legend(fontsize=7)
    if losses:
        draw_loss_curves(ax_loss, losses)
        ax_loss.set_title("training loss")
        ax_loss.legend(fontsize=7)
    else:
        ax_loss.set_visible(False)
    save_figure(fig, path)
    return fig
