"""What new nodes record: whether a graph is built at all, and in which scope.

The state is thread-local, like PyTorch's grad mode, so evaluation under
``no_grad()`` in one thread does not stop training in another.
"""
from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from typing import Any, ContextManager, Iterator


class _State(threading.local):
    enabled: bool = True       # record parents and local derivatives?
    scope: str | None = None   # name of the module call that is creating nodes
    last_root: weakref.ref[Any] | None = None  # the root of the latest backward() in this thread


state = _State()


def is_grad_enabled() -> bool:
    """True when new nodes record their parents (the default)."""
    return state.enabled


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    previous = state.enabled
    state.enabled = enabled
    try:
        yield
    finally:
        state.enabled = previous


def no_grad() -> ContextManager[None]:
    """Context manager: ops inside it build no graph (their results are leaves).

    Use it for evaluation and for updating parameters in place.
    """
    return _grad_mode(False)


def enable_grad() -> ContextManager[None]:
    """Context manager that turns recording back on inside a ``no_grad()`` block."""
    return _grad_mode(True)


@contextmanager
def scope(name: str) -> Iterator[None]:
    """Tag nodes created inside the block with ``name`` (nested scopes join with '/').

    ``nn.Module.__call__`` uses this so diagrams can group a layer's nodes without
    ``viz`` having to import ``nn``.
    """
    previous = state.scope
    state.scope = name if previous is None else f"{previous}/{name}"
    try:
        yield
    finally:
        state.scope = previous


BACKWARD_SCOPE = "backward"  # the scope of every node that a create_graph pass makes


@contextmanager
def derivative_scope(what: str) -> Iterator[None]:
    """Tag the nodes made while differentiating as ``backward <what>`` (``backward of tanh``).

    It replaces, rather than nests in, the current scope: such nodes belong to the
    derivative, not to the module that made the forward node. Diagrams style them apart.
    """
    previous = state.scope
    state.scope = f"{BACKWARD_SCOPE} {what}"
    try:
        yield
    finally:
        state.scope = previous
