"""``autograd.grad``: gradients as nodes, to any order, without touching ``.grad``.

    >>> x = Value(2.0, label="x"); y = x ** 3
    >>> (dy,) = grad(y, x, create_graph=True)    # 3x² = 12, as a node
    >>> (d2y,) = grad(dy, x)                      # 6x = 12
    >>> dy.data, d2y.data
    (12.0, 12.0)

It runs the same chain-rule loop as ``backward()``. With ``create_graph=True`` every
local derivative and VJP rule is applied to nodes instead of numbers, so the returned
gradients carry the graph that computes them (tagged ``backward of <op>``), which
``grad``, ``backward()`` and ``viz.draw`` accept like any other graph.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.chain_rule import backprop
from autograd.recording import derivative_scope, enable_grad, no_grad
from autograd.tensor import Tensor, _leaf as _tensor_leaf
from autograd.value import Value, _leaf as _value_leaf

Node = Value | Tensor


def _nodes(items: Any, what: str) -> list:
    """One node or a sequence of nodes, as a list; anything else is refused."""
    many = isinstance(items, (list, tuple))
    nodes = list(items) if many else [items]
    if not nodes:
        raise ValueError(f"grad: {what} is empty; pass at least one Value or Tensor")
    for i, node in enumerate(nodes):
        if not isinstance(node, (Value, Tensor)):
            at = f"{what}[{i}]" if many else what
            raise TypeError(f"grad: {at} must be a Value or a Tensor (a node of a graph), got "
                            f"{type(node).__name__}; wrap numbers first, e.g. Value(2.0) or "
                            "Tensor(x, requires_grad=True)")
    return nodes


def _seeds(outputs: list, grad_outputs: Any, create_graph: bool) -> list:
    """∂out/∂out for each output: 1 for one-element outputs, else ``grad_outputs``."""
    given = [None] * len(outputs) if grad_outputs is None else (
        list(grad_outputs) if isinstance(grad_outputs, (list, tuple)) else [grad_outputs])
    if len(given) != len(outputs):
        raise ValueError(f"grad: got {len(given)} grad_outputs for {len(outputs)} outputs; "
                         "pass one per output (None for a one-element output)")
    seeds: list = []
    for i, (out, g) in enumerate(zip(outputs, given)):
        if isinstance(out, Value):
            seed = 1.0 if g is None else float(g.data if isinstance(g, Value) else g)
            seeds.append(Value(seed) if create_graph else seed)
            continue
        if not out.requires_grad:
            raise ValueError(f"grad: output {i} does not require grad, so it has no graph; "
                             "create its inputs with requires_grad=True (outside no_grad())")
        seed = out._seed(g.data if isinstance(g, Tensor) else g, "grad")
        seeds.append(_tensor_leaf(seed) if create_graph else seed)
    return seeds


def grad(outputs: Node | Sequence[Node], inputs: Node | Sequence[Node],
         grad_outputs: Any = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to each of ``inputs``, as a tuple of nodes.

    Like ``torch.autograd.grad``: every ``.grad`` is left as it was. A Tensor output with
    more than one element needs ``grad_outputs`` (the upstream gradient, same shape); with
    several outputs their gradients add up. With ``create_graph=True`` the results are
    nodes of a graph and can be differentiated again; otherwise they are constant leaves.
    An input that the outputs do not depend on raises, unless ``allow_unused=True``, when
    its entry is None.
    """
    outputs = _nodes(outputs, "outputs")
    inputs = _nodes(inputs, "inputs")
    engines = {type(n) is Value or isinstance(n, Value) for n in outputs + inputs}
    if len(engines) > 1:
        raise TypeError("grad: outputs and inputs must all be Values or all be Tensors")
    for i, node in enumerate(inputs):
        if isinstance(node, Tensor) and not node.requires_grad:
            raise ValueError(f"grad: input {i} does not require grad, so no gradient flows to "
                             "it; create it with requires_grad=True")
    with derivative_scope("seed"):  # a create_graph seed is part of the derivative's graph
        seeds = _seeds(outputs, grad_outputs, create_graph)
    if create_graph:
        with enable_grad(), derivative_scope("sums"):  # the scope of the adds that sum shares
            _, grads = backprop(outputs, seeds, create_graph=True)
    else:
        with no_grad():
            _, grads = backprop(outputs, seeds)
    results = []
    for i, node in enumerate(inputs):
        g = grads.get(node)
        if g is None and not allow_unused:
            raise ValueError(f"grad: input {i} ({node!r}) is not used to compute the outputs, "
                             "so it has no gradient; pass allow_unused=True to get None for it")
        results.append(None if g is None else _as_node(g, node))
    return tuple(results)


def _as_node(g: Any, like: Node) -> Node:
    """A first-order gradient (a number or array) as a constant leaf; nodes pass through."""
    if isinstance(g, (Value, Tensor)):
        return g
    if isinstance(like, Value):
        return _value_leaf(float(g))
    return _tensor_leaf(np.array(g, dtype=like.data.dtype))
