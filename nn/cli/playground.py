"""``tracegrad playground``: watch a scalar MLP learn a 2-D data set, as one offline page.

    tracegrad playground                                   # moons, 2→8→8→1 tanh, 400 SGD steps
    tracegrad playground --dataset spiral --hidden 16 16 --steps 2000 -o spiral.html

Trains ``nn.scalar.MLP`` with plain SGD and writes a page that replays training frame
by frame: every neuron's activation and gradient for a chosen point, every weight,
the decision boundary, the loss and accuracy curves, and one weight's update in numbers.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from nn.cli._outputs import check_output
from nn.playground import ACTIVATIONS, DEFAULTS, check_options, train
from nn.toy_data import DATASETS
from viz.playground import Playground


def register(subparsers: argparse._SubParsersAction) -> None:
    d = DEFAULTS
    parser = subparsers.add_parser(
        "playground", help="replay a scalar MLP learning a 2-D data set, as an offline HTML page",
        description=__doc__.split("\n\n")[0],
        epilog="example: tracegrad playground --dataset circles --activation relu -o circles.html")
    # Plain types here: every value is checked in run(), so each refusal is one line.
    parser.add_argument("--dataset", default=d["dataset"], metavar="NAME",
                        help=f"{', '.join(DATASETS)} (default {d['dataset']})")
    parser.add_argument("--hidden", type=int, nargs="+", default=d["hidden"], metavar="N",
                        help=f"hidden layer sizes (default {' '.join(map(str, d['hidden']))})")
    parser.add_argument("--activation", default=d["activation"], metavar="NAME",
                        help=f"{', '.join(ACTIVATIONS)} (default {d['activation']})")
    parser.add_argument("--steps", type=int, default=d["steps"], help=f"SGD steps (default {d['steps']})")
    parser.add_argument("--lr", type=float, default=d["lr"], help=f"learning rate (default {d['lr']})")
    parser.add_argument("--batch-size", type=int, default=d["batch_size"],
                        help=f"points per step (default {d['batch_size']})")
    parser.add_argument("--seed", type=int, default=d["seed"],
                        help="seed of the data, the initial weights and the batches (default 0)")
    parser.add_argument("--points", type=int, default=d["points"],
                        help=f"size of the data set (default {d['points']})")
    parser.add_argument("--frames", type=int, default=d["frames"],
                        help=f"at most this many frames on the page (default {d['frames']})")
    parser.add_argument("-o", "--output", type=Path, default=Path("playground.html"), metavar="PATH",
                        help="the page to write (default playground.html)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Bad input raises ValueError; ``nn.cli.main`` reports it in one line, exit code 2."""
    check_options(args.dataset, args.hidden, args.activation, args.steps, args.lr, args.batch_size,
                  args.frames, args.points)
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    check_output("--output", args.output, (".html", ".htm"))
    sizes = "→".join(map(str, [2, *args.hidden, 1]))
    print(f"{args.dataset}: {args.points} points; scalar MLP {sizes} ({args.activation}), "
          f"SGD lr {args.lr:g}, batch {args.batch_size}, {args.steps} steps, seed {args.seed}", flush=True)
    result = train(args.dataset, args.hidden, args.activation, args.steps, args.lr, args.batch_size,
                   args.seed, points=args.points, frames=args.frames)
    print(f"final training accuracy {result.accuracy:.2%} (loss {result.frames[-1]['loss']:.4f}) "
          f"after {args.steps} steps, {result.seconds:.1f} s")
    path = Playground(result.meta, result.frames).save(args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(result.frames)} frames)")
    return 0
