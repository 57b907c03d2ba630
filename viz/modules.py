"""``draw(..., collapse_modules=True)``: one box per ``nn`` module call.

Each node a module call made (its innermost scope, see ``viz.diagram``), and each
parameter only that call uses, folds into one box: the module's name, the shapes
going in and out, and every parameter's data and grad. Nodes made outside any
module (the input, the loss) keep their own boxes. Edges run only between boxes,
labelled with the shape passed forward. A container's modules (the Linears of an
MLP) sit in a cluster titled with the container.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Sequence

import numpy as np

from viz.diagram import (BORDER, HEADER_FILL, DrawOptions, display_name, new_diagram, node_label,
                         node_scopes, place_nodes)
from viz.labels import escape
from viz.render import Diagram
from viz.tensor_nodes import shape_text

LEGEND = ("one box per module call: shapes in and out, each parameter's data and grad"
          " · edge: the shape passed forward")


def build(order: Sequence, engine: Any, names: dict[int, str], opts: DrawOptions, *,
          grad_of: Callable) -> Diagram:
    scopes = node_scopes(order)
    root = order[-1]
    # A box is a module scope, or one node: outside any module, or an input a module
    # named (the scalar MLP's x0, x1), which reads better drawn as itself.
    box = {id(node): id(node) if _own_box(node, scopes[id(node)]) else scopes[id(node)]
           for node in order}
    members: dict[object, list] = {}
    for node in order:
        members.setdefault(box[id(node)], []).append(node)
    ids = {key: f"n{i}" for i, key in enumerate(members)}
    # Outside boxes name a module's output by the module: loss = cross_entropy(Linear(100→10)).
    shown = dict(names)
    for node in order:
        scope = box[id(node)]
        if isinstance(scope, str) and not node.is_parameter:
            shown[id(node)] = display_name(scope.rpartition("/")[2])

    crossing = [(parent, child) for child in order for parent in child.parents
                if box[id(parent)] != box[id(child)]]
    leaving = {id(parent) for parent, _ in crossing}
    graph = new_diagram(opts, None, LEGEND)
    entries = []
    for key, nodes in members.items():
        if isinstance(key, str):
            label = _module_label(key, nodes, leaving, names, engine, opts, grad_of, root)
            outer = key.rpartition("/")[0] or None  # the containers become clusters
        else:
            node = nodes[0]
            label = node_label(node, shown, engine, opts, grad_of(node), node is root, False)
            outer = None
        entries.append((outer, ids[key], {"label": label}))
    place_nodes(graph, entries, True)

    passed: dict[tuple, list] = {}
    for parent, child in crossing:
        texts = passed.setdefault((box[id(parent)], box[id(child)]), [])
        if _shape(parent) not in texts:
            texts.append(_shape(parent))
    for (a, b), texts in passed.items():
        graph.edge(ids[a], ids[b], label=escape(", ".join(texts)))
    return graph


def _module_label(scope: str, nodes: list, leaving: set, names: dict[int, str], engine: Any,
                  opts: DrawOptions, grad_of: Callable, root: Any) -> str:
    """``leaving``: ids of the nodes some other box reads."""
    inside = {id(node) for node in nodes}
    inputs = {id(p): p for node in nodes for p in node.parents if id(p) not in inside}
    outputs = [node for node in nodes if id(node) in leaving or node is root]
    ops = Counter(node.op for node in nodes if node.op)
    fill = HEADER_FILL["root" if any(node is root for node in nodes) else "op"]
    rows = [f'<TR><TD COLSPAN="2" BGCOLOR="{fill}"><B>{escape(display_name(scope.rpartition("/")[2]))}'
            f'</B></TD></TR>',
            _row("in", _shapes(inputs.values())), _row("out", _shapes(outputs))]
    if ops:
        rows.append(_row("ops", ", ".join(op if n == 1 else f"{op} ×{n}" for op, n in ops.items())))
    for p in (node for node in nodes if node.is_parameter):
        rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{escape(names[id(p)])}</B></TD></TR>')
        for key, value in engine.node_rows(p, grad_of(p), opts.precision, opts.show_grad):
            rows.append(_row(key, value, escaped=True))
    return ('<<TABLE BORDER="1" COLOR="' + BORDER + '" CELLBORDER="0" CELLSPACING="0" '
            'CELLPADDING="3" BGCOLOR="white">' + "".join(rows) + "</TABLE>>")


def _own_box(node: Any, scope: str | None) -> bool:
    return not scope or (not node.parents and not node.is_parameter and bool(node.label))


def _row(key: str, value: str, escaped: bool = False) -> str:
    return (f'<TR><TD ALIGN="LEFT">{escape(key)}</TD>'
            f'<TD ALIGN="RIGHT">{value if escaped else escape(value)}</TD></TR>')


def _shape(node: Any) -> str:
    return shape_text(node.data) if isinstance(node.data, np.ndarray) else "scalar"


def _shapes(nodes: Any) -> str:
    """``32×784 float32``, or ``3 × scalar`` for several of one shape."""
    counts = Counter(_shape(node) for node in nodes)
    return ", ".join(text if n == 1 else f"{n} × {text}" for text, n in counts.items()) or "none"
