"""``tracegrad compare-optimizers``: the same network, the same start, the same batches.

    tracegrad compare-optimizers --epochs 3 --plot optimizers.png

Every optimizer trains a copy of one freshly initialised MLP, on batches drawn in
the same order, so the only difference between the runs is the update rule. It
prints a table of each run's last-epoch training loss, final test loss and test
accuracy; with ``--plot`` it also draws every run's per-step loss in one figure.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from nn.cli._models import build_mlp
from nn.cli._numbers import positive_int
from nn.cli._outputs import PLOT_SUFFIXES, check_output
from nn.cli._training import add_common_options, epochs_text, load_data
from nn.mlp import MLP
from nn.optim_presets import DEFAULT_LR, NAMES, make_optimizer
from nn.threads import blas_threads
from nn.train import fit

DEFAULT_OPTIMIZERS = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare-optimizers", help="train one MLP with SGD, Momentum, AdaGrad, RMSprop and Adam",
        description="The same network, the same start, the same batches: only the update rule "
                    "differs. Each optimizer runs with its default learning rate ("
        + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_LR.items()) + ").")
    add_common_options(parser)
    parser.add_argument("--epochs", type=positive_int, default=3, help="epochs per optimizer (default 3)")
    parser.add_argument("--optimizers", nargs="+", choices=NAMES, default=DEFAULT_OPTIMIZERS,
                        metavar="NAME", help=f"which to compare (default {' '.join(DEFAULT_OPTIMIZERS)}; "
                                             f"choices {', '.join(NAMES)})")
    parser.add_argument("--plot", type=Path, metavar="PATH",
                        help="also draw every run's loss curve (.png, .svg or .pdf)")
    parser.set_defaults(handler=run, load=None)


def run(args: argparse.Namespace) -> int:
    """Bad input raises ValueError (and friends); ``nn.cli.main`` reports it, exit code 2."""
    if args.plot is not None:
        check_output("--plot", args.plot, PLOT_SUFFIXES)
    if len(set(args.optimizers)) != len(args.optimizers):
        raise ValueError(f"--optimizers lists a name twice: {' '.join(args.optimizers)}")
    with blas_threads(args.threads):
        return compare(args)


def compare(args: argparse.Namespace) -> int:
    (x, y), test = load_data(args)
    initial = build_mlp(args, x.shape[1])
    start = initial.state_dict()
    print(f"{len(x)} train images, model {initial.display()}, {epochs_text(args.epochs)}, "
          f"batch {args.batch_size}, seed {args.seed}")
    rows, curves = [], {}
    for name in args.optimizers:
        model = MLP(initial.sizes[0], initial.sizes[1:], rng=args.seed)
        model.load_state_dict(start)  # the same initial weights for every optimizer
        optimizer = make_optimizer(name, model.parameters())
        # The same seed gives every run the same sequence of batches.
        history = fit(model, optimizer, (x, y), args.epochs, test_data=test,
                      batch_size=args.batch_size, rng=args.seed,
                      progress=False if args.quiet else None, threads=args.threads)
        rows.append((name, optimizer.param_groups[0]["lr"], history.loss[-1],
                     history.test_loss[-1], history.test_acc[-1], sum(history.seconds)))
        curves[f"{name} (lr {optimizer.param_groups[0]['lr']:g})"] = history.step_loss
        print(f"  {name}: done", flush=True)
    print(f"{'optimizer':<10}  {'lr':>7}  {'train loss':>10}  {'test loss':>9}  {'test acc':>8}  "
          f"{'time':>7}")
    for name, lr, loss, test_loss, acc, seconds in rows:
        print(f"{name:<10}  {lr:>7g}  {loss:>10.4f}  {test_loss:>9.4f}  {acc:>8.4f}  "
              f"{seconds:>5.1f} s")
    print(f"train loss: mean over the batches of epoch {args.epochs}, as trained; "
          f"test loss and accuracy: after epoch {args.epochs}")
    if args.plot is not None:
        from viz.plots import plot_loss_curves  # matplotlib loads only here

        steps = len(next(iter(curves.values()))) // args.epochs
        plot_loss_curves(curves, args.plot, steps_per_epoch=steps,
                         title=f"{initial.display()}: same start, same batches")
        print(f"wrote {args.plot}")
    return 0
