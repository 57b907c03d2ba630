"""``viz.explain``: a node's gradient derived by the chain rule, with the engine's numbers.

    a.grad = ∂c/∂a·c.grad + ∂r/∂a·r.grad = (-3.0)(1.0) + (1.0)(1.0) = -2.0

The terms are the shares the engine's own chain-rule loop sends (``viz.replay``), in
the order it adds them (children last-first in topological order, then argument
order), so for a Value the printed sum is computed exactly as ``.grad`` was. Numbers
print with ``repr`` (every digit), or with ``precision`` significant digits when it is given.
"""
from __future__ import annotations

from typing import Any

from autograd.graph import topo_sort
from viz.labels import check_precision, node_names
from viz.replay import Node, engine_for, replay


class Explanation(str):
    """Plain text that shows as itself (not as a quoted string) in a REPL or notebook."""

    def __repr__(self) -> str:
        return str(self)


def explain(node: Node, root: Node | None = None, *, precision: int | None = None) -> Explanation:
    """Derive ``node.grad`` by the chain rule, as text with numbers.

    With ``root`` (the node you called ``backward()`` on), explain ``node``'s gradient
    inside that graph. Without it, ``node`` is taken as the root and every node of
    its graph is explained, one line each, in the order backward() processes them.
    ``precision`` rounds the numbers to that many significant digits (default: all).
    """
    engine = engine_for(node, "explain")
    if precision is not None:
        check_precision(precision)
    if root is None:
        root = node
    elif engine_for(root, "explain (root)") is not engine:
        raise TypeError("explain: node and root belong to different engines (Value vs Tensor)")
    order = topo_sort(root)
    if not any(n is node for n in order):
        raise ValueError(f"explain: {node!r} is not part of the graph of root {root!r}; "
                         "pass the root you called backward() on")
    names = node_names(order, engine.PREFIX, engine.const_name)
    uses = _uses(order)
    try:
        grads, shares = replay(root)
    except ValueError:  # a root with no gradient to start from: explain_seed says so
        grads, shares = {}, {}
    if node is not root:
        return Explanation(_line(node, root, uses, names, engine, grads, shares, precision))
    lines = [_line(n, root, uses, names, engine, grads, shares, precision)
             for n in reversed(order)]
    if not root.parents:
        lines.append(f"{names[id(root)]} is a single node. To explain its gradient inside a "
                     "larger graph, pass that graph's root: explain(node, root=loss).")
    return Explanation("\n".join(lines))


def _uses(order: Any) -> dict[int, list[tuple]]:
    """For each node, (child, argument index) of every use, in backward's order."""
    uses: dict[int, list[tuple]] = {id(n): [] for n in order}
    for child in reversed(order):
        for index, parent in enumerate(child.parents):
            uses[id(parent)].append((child, index))
    return uses


def _line(node: Any, root: Any, uses: Any, names: Any, engine: Any, grads: Any, shares: Any,
          precision: int | None) -> str:
    name = names[id(node)]
    if node is root:
        return engine.explain_seed(node, name, precision)
    return engine.explain_sum(node, name, uses[id(node)], names, grads, shares, precision)
