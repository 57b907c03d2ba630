"""Readable, stable names for the nodes of a graph (used in diagrams and explain).

A node with a ``label`` is called by it. Unlabelled nodes are numbered in
topological order (``v1, v2, ...`` for Values, ``t1, t2, ...`` for Tensors), so the
same expression always gets the same names. A repeated label gets a suffix
(``x``, ``x[2]``) so every name in one graph means exactly one node.
"""
from __future__ import annotations

from typing import Callable, Sequence


def node_names(order: Sequence, prefix: str,
               const_name: Callable[[object], str | None] = lambda node: None) -> dict[int, str]:
    """Map ``id(node)`` to a unique display name for every node in ``order``.

    ``const_name(node)`` may name an unlabelled node itself (a scalar constant is
    clearer as ``2`` than as ``v7``); None falls back to the numbered name.
    """
    # Labels are reserved first so a generated name never shadows one the user chose.
    used = {node.label for node in order if node.label}
    names: dict[int, str] = {}
    taken: set[str] = set()
    counter = 0
    for node in order:
        given = node.label or const_name(node)
        if given and given not in taken:
            name = given
        elif given:
            k = 2
            while f"{given}[{k}]" in used or f"{given}[{k}]" in taken:
                k += 1
            name = f"{given}[{k}]"
        else:
            counter += 1
            while f"{prefix}{counter}" in used:
                counter += 1
            name = f"{prefix}{counter}"
        taken.add(name)
        names[id(node)] = name
    return names


_INFIX = {"+": "+", "-": "-", "*": "*", "/": "/", "**": "**", "matmul": "@"}
_MAX_ARGS = 4  # past this an n-ary op lists a count, so titles stay one short line


def formula(node, names: dict[int, str]) -> str:
    """How ``node`` was made, in terms of its parents' names: ``w0 * x0``, ``tanh(n)``."""
    args = [names[id(p)] for p in node.parents]
    op = node.op
    if op in _INFIX and len(args) == 2:
        return f"{args[0]} {_INFIX[op]} {args[1]}"
    if op.startswith("**") and len(args) == 1:  # constant exponent, e.g. '**2'
        return f"{args[0]}{op}"
    if op == "neg" and len(args) == 1:
        return f"-{args[0]}"
    if len(args) > _MAX_ARGS:
        return f"{op}({len(args)} terms)"
    return f"{op}({', '.join(args)})"
