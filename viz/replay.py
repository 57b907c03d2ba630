"""What ``draw``, ``backward_steps`` and ``explain`` read off a graph: which engine's node
text describes it, and what the chain-rule loop sends along each edge.

``viz`` never applies the chain rule itself: it runs ``autograd.chain_rule.backprop``
from the root, watches each step through its ``on_step`` hook, and keeps what each
edge carried. The loop keeps its gradients in a dict, so the user's ``.grad`` values
stay exactly as they were.

The node text modules (``viz.value_nodes``, ``viz.tensor_nodes``) answer the same
questions (kind, node rows, edge lines, explanations), so the diagram, step-through
and explain code never branch on the engine.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Union

from autograd.chain_rule import backprop
from autograd.recording import no_grad, state
from autograd.tensor import Tensor
from autograd.value import Value
from viz import tensor_nodes, value_nodes

Node = Union[Value, Tensor]  # the root or any node of a graph viz can draw
Shares = dict  # (child, index) -> what child sent to child.parents[index]


def seed(root: Any) -> Any:
    """∂root/∂root: 1.0 for a Value; ones for a one-element Tensor. A bigger Tensor
    root starts from the ``grad=`` its latest ``backward()`` was given."""
    if isinstance(root, Tensor):
        if root.data.size != 1 and is_last_root(root) and root.has_grad:
            return root.grad
        if root.data.size != 1:
            raise ValueError(f"backward needs a one-element root to start from, this one has "
                             f"shape {root.data.shape}; reduce it first, e.g. .sum() or .mean()")
        return root._seed(None, "backward")
    return 1.0


def is_last_root(root: Any) -> bool:
    """True when ``root`` is the node the latest ``backward()`` (in this thread) ran from."""
    last = state.last_root
    return last is not None and last() is root


def replay(root: Any, on_step: Callable | None = None) -> tuple[dict, Shares]:
    """Run the chain-rule loop from ``root``: each node's gradient and each edge's share."""
    shares: Shares = {}

    def record(node: Any, sent: Any, grads: dict) -> None:
        for index, share in enumerate(sent):
            shares[node, index] = share
        if on_step is not None:
            on_step(node, grads)

    with no_grad():
        _, grads = backprop((root,), (seed(root),), on_step=record)
    return grads, shares


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
