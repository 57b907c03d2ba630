"""``tracegrad compare-init``: the same deep MLP from four initialisations, sigmoid and ReLU.

    tracegrad compare-init --plot init.png

Trains 784-100-100-100-100-100-10 with init std 1.0, std 0.01, Xavier and He, once
with sigmoid and once with ReLU (plain SGD, the same batches for every run), records
each hidden layer's activations and gradients with ``nn.SignalHealth``, prints a table
of final losses and plots the activation histograms at the first step, the weight-
gradient norm per layer and the loss curves.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from nn.cli._numbers import positive_float, positive_int
from nn.cli._outputs import PLOT_SUFFIXES, check_output
from nn.cli._training import add_common_options, load_data
from nn.mlp import MLP
from nn.optim import SGD
from nn.signal_health import SignalHealth
from nn.train import TrainingDiverged, fit

HIDDEN = [100] * 5  # the depth of the book's experiment
INITS: dict[str, str | float] = {"std 1.0": 1.0, "std 0.01": 0.01, "xavier": "xavier", "he": "he"}
ACTIVATIONS = ("sigmoid", "relu")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare-init", help="train one deep MLP from std 1.0, std 0.01, Xavier and He initial weights",
        description=__doc__.split("\n\n")[0])
    add_common_options(parser, hidden=HIDDEN)
    parser.add_argument("--epochs", type=positive_int, default=1, help="epochs per run (default 1)")
    parser.add_argument("--lr", type=positive_float, default=0.01, help="SGD learning rate (default 0.01)")
    parser.add_argument("--plot", type=Path, default=Path("init.png"), metavar="PATH",
                        help="the figure (.png, .svg or .pdf; default init.png)")
    parser.set_defaults(handler=run, load=None, hidden=None)


def run(args: argparse.Namespace) -> int:
    """Bad input raises ValueError (and friends); ``nn.cli.main`` reports it, exit code 2."""
    check_output("--plot", args.plot, PLOT_SUFFIXES)
    hidden = args.hidden or HIDDEN
    (x, y), test = load_data(args)
    print(f"{len(x)} train images, MLP {'→'.join(map(str, [x.shape[1], *hidden, 10]))}, SGD lr "
          f"{args.lr:g}, batch {args.batch_size}, {args.epochs} epoch(s), seed {args.seed}", flush=True)
    rows, healths, curves = [], {}, {}
    for activation in ACTIVATIONS:
        for name, init in INITS.items():
            label = f"{activation}, {name}"
            model = MLP(x.shape[1], [*hidden, 10], activation=activation, init=init, rng=args.seed)
            health = SignalHealth(model, activation_range=(0.0, 1.0) if activation == "sigmoid" else None,
                                  every=50)
            try:  # std 1.0 with ReLU overflows float32; fit stops it, numpy need not warn too
                with np.errstate(over="ignore", invalid="ignore"):
                    history = fit(model, SGD(model.parameters(), lr=args.lr), (x, y), args.epochs,
                                  test_data=test, batch_size=args.batch_size, rng=args.seed,
                                  progress=False if args.quiet else None, on_step=health)
                outcome = (history.loss[-1], history.test_acc[-1])
            except TrainingDiverged:
                outcome = (math.nan, math.nan)  # the table says so; the figure still shows its start
            rows.append((label, *outcome, health.weight_grad_norms[0][0], health.activation_std[0][-1]))
            healths[label] = health
            if not math.isnan(outcome[0]):
                curves[label] = history.step_loss
            print(f"  {label}: done", flush=True)
    print(f"{'run':<18}  {'final loss':>10}  {'test acc':>8}  {'step 1: |∂W1|':>13}  {'std, last layer':>15}")
    for label, loss, acc, norm, std in rows:
        shown = f"{'diverged':>10}  {'-':>8}" if loss != loss else f"{loss:>10.4f}  {acc:>8.4f}"
        print(f"{label:<18}  {shown}  {norm:>13.3g}  {std:>15.3g}")
    from viz.plots import plot_signal_health  # matplotlib loads only here

    plot_signal_health(healths, curves, args.plot, title="MNIST" if args.dataset == "mnist" else "Fashion-MNIST")
    print(f"wrote {args.plot}")
    return 0
