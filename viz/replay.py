"""What the chain-rule loop sends along each edge, for diagrams, step-through and explain.

``viz`` never applies the chain rule itself: it runs ``autograd.chain_rule.backprop``
from the root, watches each step through its ``on_step`` hook, and keeps what each
edge carried. The loop keeps its gradients in a dict, so the user's ``.grad`` values
stay exactly as they were.
"""
from __future__ import annotations


from typing import Any, Callable

from autograd.chain_rule import backprop
from autograd.recording import no_grad, state
from autograd.tensor import Tensor

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



