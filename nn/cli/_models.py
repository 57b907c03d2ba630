"""Which network ``tracegrad mnist`` trains: built from the options, or to fit a checkpoint.

``--model mlp`` (the default) is an ``MLP`` with ``--hidden`` layers; ``--model cnn`` a
``CNN`` with ``--channels`` conv blocks and ``--hidden`` fully connected layers. A
checkpoint's layer sizes are read from its weight shapes, so ``--load`` needs no
size options.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from nn.checkpoint import load, read
from nn.cnn import CNN
from nn.mlp import MLP
from nn.module import Module

MODELS = ("mlp", "cnn")
DEFAULT_HIDDEN = {"mlp": [256], "cnn": [128]}
DEFAULT_CHANNELS = [16, 32]


def as_images(x: np.ndarray) -> np.ndarray:
    """Flat square images (N, side²) as (N, 1, side, side), a view; what a CNN reads."""
    side = math.isqrt(x.shape[1])
    if side * side != x.shape[1]:
        raise ValueError(f"--model cnn needs square images, got {x.shape[1]} pixels per image")
    return x.reshape(len(x), 1, side, side)


def _layer_weights(arrays: dict[str, np.ndarray], path: Path,
                   kind: str) -> list[np.ndarray]:
    """The ``layers.<i>.weight`` arrays in layer order (BatchNorm's 1-D weights left out)."""
    found = []
    for key, array in arrays.items():
        if key.startswith("layers.") and key.endswith(".weight"):
            index = key[len("layers."):-len(".weight")]
            if not index.isdecimal():
                raise ValueError(f"{path}: entry {key!r} is not a layer weight of {kind} "
                                 f"(expected layers.<number>.weight); this checkpoint was not "
                                 f"written by tracegrad mnist --save")
            if array.ndim > 1:
                found.append((int(index), array))
    return [array for _, array in sorted(found, key=lambda item: item[0])]


def mlp_sizes(path: Path) -> list[int]:
    """Layer sizes [784, ..., 10] of an MLP checkpoint, from its weight shapes."""
    shapes = [w.shape for w in _layer_weights(read(path), path, "an MLP")]
    if not shapes or any(len(s) != 2 for s in shapes) or \
            any(a[1] != b[0] for a, b in zip(shapes, shapes[1:])):
        raise ValueError(f"{path} is not an MLP checkpoint written by tracegrad mnist --save "
                         f"(its weights have shapes {shapes}); a CNN's needs --model cnn")
    return [shapes[0][0]] + [s[1] for s in shapes]


def cnn_sizes(path: Path) -> tuple[list[int], list[int], bool]:
    """Conv channels, hidden sizes and whether BatchNorm is used, of a CNN checkpoint."""
    arrays = read(path)
    weights = _layer_weights(arrays, path, "a CNN")
    convs = [w.shape for w in weights if w.ndim == 4]
    dense = [w.shape for w in weights if w.ndim == 2]
    if not convs or not dense or len(convs) + len(dense) != len(weights) or \
            any(w.ndim != 4 for w in weights[:len(convs)]):
        raise ValueError(f"{path} is not a CNN checkpoint written by tracegrad mnist --model cnn "
                         f"--save (its weights have shapes {[w.shape for w in weights]})")
    batch_norm = any(k.endswith(".running_mean") for k in arrays)
    return [s[0] for s in convs], [s[1] for s in dense[:-1]], batch_norm


def _check_matches(option: str, what: str, given: list[int] | None, saved: list[int],
                   path: Path) -> None:
    if given is not None and given != saved:
        raise ValueError(f"{option} {' '.join(map(str, given))} does not match the checkpoint "
                         f"{path}, whose {what} are {' '.join(map(str, saved)) or 'none'}; "
                         f"drop {option}")


def build_mlp(args: argparse.Namespace, n_features: int) -> MLP:
    """The MLP the options ask for, loaded from ``--load`` when given."""
    if args.load is not None:
        sizes = mlp_sizes(args.load)
        _check_matches("--hidden", "hidden sizes", args.hidden, sizes[1:-1], args.load)
        if sizes[0] != n_features or sizes[-1] != 10:
            raise ValueError(f"{args.load} maps {sizes[0]} inputs to {sizes[-1]} classes; "
                             f"the data has {n_features} inputs and 10 classes")
        return load(MLP(sizes[0], sizes[1:], rng=args.seed), args.load)
    hidden = DEFAULT_HIDDEN["mlp"] if args.hidden is None else args.hidden
    return MLP(n_features, [*hidden, 10], rng=args.seed)


def build_model(args: argparse.Namespace, n_features: int) -> Module:
    """The MLP or CNN the options ask for, loaded from ``--load`` when given."""
    channels = getattr(args, "channels", None)
    if getattr(args, "model", "mlp") == "mlp":
        if channels is not None:
            raise ValueError("--channels sets the CNN's conv layers; add --model cnn")
        return build_mlp(args, n_features)
    side = math.isqrt(n_features)
    if args.load is not None:
        saved_channels, hidden, batch_norm = cnn_sizes(args.load)
        _check_matches("--channels", "channels", channels, saved_channels, args.load)
        _check_matches("--hidden", "hidden sizes", args.hidden, hidden, args.load)
        model = CNN(channels=saved_channels, hidden=hidden, image_size=side,
                    batch_norm=batch_norm, rng=args.seed)
        return load(model, args.load)
    return CNN(channels=DEFAULT_CHANNELS if channels is None else channels,
               hidden=DEFAULT_HIDDEN["cnn"] if args.hidden is None else args.hidden,
               image_size=side, rng=args.seed)
