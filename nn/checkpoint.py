"""Checkpoints: a module's parameters in one ``.npz`` file, saved atomically, loaded strictly.

The file holds one array per parameter, named as in ``state_dict()``, plus a
format marker. It is plain numpy (``np.load(path)`` reads it) and never pickled:
it is written and read with ``allow_pickle=False``.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from typing import Union

import numpy as np

from nn.module import Module

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
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".checkpoint-", suffix=".npz.tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, allow_pickle=False, **arrays)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the usual permissions instead.
        os.chmod(tmp, os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read(path: PathLike) -> dict[str, np.ndarray]:
    """Every array in a checkpoint file, fully read and checked (no model needed)."""
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError(f"load: {path!r} is a single .npy array, not a tracegrad "
                             "checkpoint (.npz written by nn.save)")
        with archive:
            # Read every member now: a truncated or corrupt member must fail here,
            # before any parameter is touched.
            arrays = {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no checkpoint at {path!r}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ValueError(f"load: {path!r} is truncated or corrupt and cannot be read ({error}); "
                         "save the checkpoint again") from None
    except ValueError as error:
        if str(error).startswith("load:"):
            raise
        raise ValueError(f"load: {path!r} is not a tracegrad checkpoint ({error})") from None
    version = arrays.pop(MARKER, None)
    if version is None:
        raise ValueError(f"load: {path!r} is an .npz file but not a tracegrad checkpoint "
                         f"(no {MARKER!r} entry); it holds {sorted(arrays)[:5]}")
    if version.shape != () or version.dtype.kind not in "iu" or int(version) != VERSION:
        raise ValueError(f"load: {path!r} has checkpoint format {version!r}; "
                         f"this version of tracegrad reads format {VERSION}")
    return arrays


def load(model: Module, path: PathLike) -> Module:
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
        raise ValueError(f"load: checkpoint {os.fspath(path)!r} does not fit the model.\n{error}") from None
    return model
