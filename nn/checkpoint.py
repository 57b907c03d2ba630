"""Checkpoints: a module's parameters in one ``.npz`` file, saved atomically, loaded strictly.

The file holds one array per parameter, named as in ``state_dict()``, plus a
format marker. It is plain numpy (``np.load(path)`` reads it) and never pickled:
it is written and read with ``allow_pickle=False``.
"""
from __future__ import annotations

import os
from typing import TypeVar, Union

import numpy as np

from autograd.atomic_file import atomic_write
from nn.module import Module
from nn.npz_reader import BadNpzFile, read_npz

PathLike = Union[str, "os.PathLike[str]"]
MARKER = "__tracegrad_checkpoint__"
VERSION = 1


def save(model: Module, path: PathLike) -> None:
    """Write ``model``'s parameters to ``path`` (written as given: no suffix is added).

    The file appears complete or not at all: it is written to a temporary file in
    the same directory, then renamed over ``path``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"save: expected an nn.Module, got {type(model).__name__}")
    path = os.fspath(path)
    arrays = model.state_dict()
    if MARKER in arrays:
        raise ValueError(f"save: a parameter may not be named {MARKER!r}")
    arrays[MARKER] = np.array(VERSION)
    with atomic_write(path) as file:
        np.savez(file, allow_pickle=False, **arrays)


def read(path: PathLike) -> dict[str, np.ndarray]:
    """Every array in a checkpoint file, fully read and checked (no model needed).

    Any malformed file is a ``ValueError`` naming it: each member's header is checked
    against the zip's sizes before its data is read (see ``nn.npz_reader``).
    """
    path = os.fspath(path)
    try:
        arrays = read_npz(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no checkpoint at {path!r}") from None
    except BadNpzFile as error:
        raise ValueError(f"load: {path!r} {_what_is_wrong(path, error.reason)}") from None
    version = arrays.pop(MARKER, None)
    if version is None:
        raise ValueError(f"load: {path!r} is an .npz file but not a tracegrad checkpoint "
                         f"(no {MARKER!r} entry); it holds {sorted(arrays)[:5]}")
    if version.shape != () or version.dtype.kind not in "iu" or int(version) != VERSION:
        raise ValueError(f"load: {path!r} has checkpoint format {version!r}; "
                         f"this version of tracegrad reads format {VERSION}")
    return arrays


def _what_is_wrong(path: str, reason: str) -> str:
    try:
        with open(path, "rb") as f:
            start = f.read(6)
    except OSError:  # a directory, say: the reason already says so
        start = b""
    if start == b"\x93NUMPY":
        return "is a single .npy array, not a tracegrad checkpoint (.npz written by nn.save)"
    if start and not start.startswith(b"PK"):  # an empty file is a truncated one
        return "is not a tracegrad checkpoint (not an .npz file: save one with nn.save)"
    return f"is truncated or corrupt and cannot be read ({reason}); save the checkpoint again"


M = TypeVar("M", bound=Module)


def load(model: M, path: PathLike) -> M:
    """Load parameters saved by ``save`` into ``model``, in place; returns ``model``.

    Every name, shape and dtype must match. Otherwise a ``ValueError`` lists all the
    differences and the model is left untouched; a truncated or foreign file also
    raises ``ValueError``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"load: expected an nn.Module, got {type(model).__name__}")
    arrays = read(path)
    try:
        model.load_state_dict(arrays)
    except ValueError as error:
        raise ValueError(f"load: checkpoint {os.fspath(path)!r} cannot be loaded into the "
                         f"model; nothing was changed.\n{error}") from None
    return model
