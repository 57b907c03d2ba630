"""What the training commands share: the common options, loading the data, wording.

``mnist``, ``compare-optimizers`` and ``compare-init`` all build on these, so no command
imports another.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path
from typing import Any, Iterator

from nn.cli._models import DEFAULT_HIDDEN, as_images
from nn.cli._numbers import non_negative_int, positive_int
from nn.datasets import Arrays, load_fashion_mnist, load_mnist
from nn.threads import DEFAULT_THREADS

DEFAULTS: dict[str, Any] = dict(hidden=DEFAULT_HIDDEN["mlp"], epochs=8, optimizer="adam",
                                batch_size=128, schedule="cosine", seed=0)


def add_common_options(parser: argparse.ArgumentParser, hidden: list[int] = DEFAULTS["hidden"]) -> None:
    """Options shared with ``compare-optimizers`` and ``compare-init``: data, model size,
    batches, seed, quiet. ``hidden`` is the command's default, for the help text."""
    parser.add_argument("--hidden", type=positive_int, nargs="+", metavar="N",
                        help=f"hidden layer sizes (default {' '.join(map(str, hidden))})")
    parser.add_argument("--batch-size", type=positive_int, default=DEFAULTS["batch_size"],
                        help=f"mini-batch size (default {DEFAULTS['batch_size']})")
    parser.add_argument("--seed", type=non_negative_int, default=DEFAULTS["seed"],
                        help="seed of the initial weights and the batch order (default 0)")
    parser.add_argument("--dataset", choices=("mnist", "fashion-mnist"), default="mnist",
                        help="which data set (default mnist)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="read the four IDX files from DIR instead of the cache/download "
                             "(also: $TRACEGRAD_DATA)")
    parser.add_argument("--train-size", type=positive_int, metavar="N",
                        help="train on the first N training images only (quick runs)")
    parser.add_argument("--threads", type=positive_int, default=DEFAULT_THREADS, metavar="N",
                        help=f"BLAS threads for numpy (default {DEFAULT_THREADS}: faster for these "
                             f"small matrices, especially on a busy machine)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no data-source messages")


@contextlib.contextmanager
def data_source_messages(quiet: bool) -> Iterator[None]:
    """Show the ``tracegrad.datasets`` log (which source served the data) on stderr."""
    logger = logging.getLogger("tracegrad.datasets")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("data: %(message)s"))
    handler.setLevel(logging.WARNING if quiet else logging.INFO)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(previous or logging.WARNING, handler.level))
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def load_data(args: argparse.Namespace) -> Arrays:
    """The chosen data set, cut to ``--train-size`` if given."""
    loader = load_mnist if args.dataset == "mnist" else load_fashion_mnist
    with data_source_messages(args.quiet):
        (x, y), (xt, yt) = loader(args.data_dir)
    if args.train_size is not None:
        if args.train_size > len(x):
            raise ValueError(f"--train-size {args.train_size} is more than the {len(x)} training images")
        x, y = x[:args.train_size], y[:args.train_size]
    if getattr(args, "model", "mlp") == "cnn":
        x, xt = as_images(x), as_images(xt)
    return (x, y), (xt, yt)


def epochs_text(epochs: int) -> str:
    return f"{epochs} epoch{'s' if epochs != 1 else ''}"
