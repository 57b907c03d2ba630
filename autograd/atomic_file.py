"""Write a file so that a crash, a full disk or Ctrl-C never leaves half of it behind.

It lives in ``autograd`` although the engines write no files, because its users sit
on both sides of a line that imports may not cross: ``nn`` (checkpoints, the data set
cache) and ``viz`` (diagrams, plots, pages) may not import each other, and both
import ``autograd``. It depends on nothing but the standard library.

One rule for every file tracegrad writes: the data goes to a temporary file in the
same directory, is flushed to disk, and is then renamed over ``path`` with
``os.replace`` (atomic on POSIX and Windows). The file ends with the permissions a
plain ``open(path, "wb")`` would give it: an existing file keeps its mode, a new one
gets 0666 minus the umask (not ``mkstemp``'s private 0600).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO, Iterator


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new contents into; it replaces ``path`` on success.

    On any exception (KeyboardInterrupt included) the temporary file is removed and
    ``path`` is left as it was.
    """
    path = Path(path)
    # A random name: two writers of the same path (threads, processes) never collide.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open's mode is filtered by the umask, as open()'s is.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))  # an existing file keeps its mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` with ``atomic_write``; returns ``path`` as a ``Path``."""
    with atomic_write(path) as handle:
        handle.write(data)
    return Path(path)
