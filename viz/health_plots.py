"""The signal-health figure: per-layer activation histograms, gradient norms and loss curves.

One row of histograms per run (for example per activation and initialisation), one
column per hidden layer: the picture of DL-from-scratch ch. 6 in which std 1 sigmoid
layers saturate at 0 and 1 and std 0.01 layers collapse onto one value. Below it,
each run's weight-gradient norm per layer at the same step, and its loss curve.
A run is anything shaped like ``nn.SignalHealth`` (``names``, ``activation_edges``,
``activation_counts``, ``weight_grad_norms``, ``steps``); ``viz`` does not import ``nn``.
"""
from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from viz.plots import draw_loss_curves, save_figure


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
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.35 * len(runs), 4.0])
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
