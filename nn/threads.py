"""How many threads numpy's BLAS may use while training.

An MLP's matrices are small: one thread finishes a matmul before a second would
have started, and on a busy machine OpenBLAS's spinning threads cost several times
the work itself (``tracegrad mnist --epochs 2``: see the README's figure). So
training pins BLAS to ``DEFAULT_THREADS`` through threadpoolctl, which works after
numpy is imported (unlike ``OPENBLAS_NUM_THREADS``), and restores it afterwards.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from threadpoolctl import threadpool_limits

from nn.checks import positive_int

DEFAULT_THREADS = 1


def check_threads(threads: object, where: str) -> int:
    """``threads`` as a positive int (None means ``DEFAULT_THREADS``), or a clear error."""
    if threads is None:
        return DEFAULT_THREADS
    return positive_int(threads, "threads", where, hint=f" (or None for the default, {DEFAULT_THREADS})")


def set_blas_threads(threads: int | None = None) -> int:
    """Limit numpy's BLAS to ``threads`` from now on (a notebook's first cell); returns it."""
    count = check_threads(threads, "set_blas_threads")
    threadpool_limits(limits=count, user_api="blas")
    return count


@contextmanager
def blas_threads(threads: int | None = None, where: str = "blas_threads") -> Iterator[int]:
    """Run the block with at most ``threads`` BLAS threads; yields the number used."""
    count = check_threads(threads, where)
    with threadpool_limits(limits=count, user_api="blas"):
        yield count
