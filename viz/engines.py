"""Which node-text module draws a graph: scalar ``Value`` or numpy ``Tensor``.

Both modules answer the same questions (kind, node rows, edge lines, contributions),
so the diagram, step-through and explain code never branch on the engine.
"""
from __future__ import annotations

from types import ModuleType
from typing import Union

from autograd.tensor import Tensor
from autograd.value import Value
from viz import tensor_nodes, value_nodes

Node = Union[Value, Tensor]  # the root or any node of a graph viz can draw


def engine_for(root: object, caller: str) -> ModuleType:
    """Return the node-text module for ``root``'s engine; refuse anything that is not a node."""
    if isinstance(root, Value):
        return value_nodes
    if isinstance(root, Tensor):
        return tensor_nodes
    raise TypeError(
        f"{caller}: expected an autograd Value or Tensor (the root of a graph), "
        f"got {type(root).__name__}; build an expression first, e.g. c = a * b"
    )
