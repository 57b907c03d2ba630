"""``viz.draw``: the diagram of a graph with its upstream and local gradients.

It draws every node (``viz.diagram``), or one box per module call (``viz.modules``),
or, for a graph larger than ``max_nodes``, a summary: ``dot`` needs minutes for tens
of thousands of nodes and the result cannot be read anyway, so instead of the full
diagram it draws a box that says so, counts of the graph's operations and leaves,
and, when ``nn`` modules tagged the nodes with scopes, one box per module (at most
``MAX_GROUPS``, going only as deep in the module nesting as that allows) with the
edges between modules.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from autograd.graph import topo_sort
from viz import diagram, modules
from viz.diagram import (CURRENT_FILL, DEFAULT_MAX_NODES, EDGE, FONT, HEADER_FILL, DrawOptions,
                         display_name, node_scopes)
from viz.labels import escape, node_names
from viz.render import Diagram
from viz.replay import Node, engine_for, is_last_root, replay


def draw(root: Node, *, rankdir: str = "LR", precision: int = 4, show_grad: bool = True,
         show_local: bool = True, collapse_modules: bool = False, cluster_modules: bool = False,
         max_nodes: int = DEFAULT_MAX_NODES, legend: bool = True) -> Diagram:
    """Draw the graph that ends at ``root`` as a ``graphviz.Digraph``.

    Nodes show data and grad; each edge parent → child shows ∂child/∂parent and the
    contribution local × child.grad that backward() added into parent.grad, so a
    node's outgoing contributions sum to its grad (after one ``root.backward()``).
    Gradients are shown only when ``root`` is the root of the latest ``backward()``;
    otherwise they read '?' and the caption says why, so a picture never mixes
    gradients of another root (or an earlier pass) with this graph's edges.
    Call ``.render(...)``, or just display it in Jupyter; ``.source`` is the DOT text.

    Options: ``rankdir`` ('LR', 'TB', ...), ``precision`` (significant digits),
    ``show_grad``, ``show_local``, ``collapse_modules`` (one box per nn module call: its
    shapes in and out and its parameters' data and grad; edges only between boxes),
    ``cluster_modules`` (every node, grouped in one cluster per module call),
    ``max_nodes`` (larger graphs get a summary diagram that says so) and ``legend``.
    """
    engine = engine_for(root, "draw")
    opts = DrawOptions(rankdir, precision, show_grad, show_local, collapse_modules, max_nodes,
                       legend, cluster_modules)
    order = topo_sort(root)
    if len(order) > opts.max_nodes:
        return summary(order, engine, opts)
    names = node_names(order, engine.PREFIX, engine.const_name)
    if opts.show_grad and not is_last_root(root):
        name = names[id(root)]
        caption = (f"grad: not computed for this graph ({name} is not the root of the latest "
                   f"backward()); call {name}.backward() to fill it in")
        no_grad = lambda *_: None  # noqa: E731
        if opts.collapse_modules:
            return modules.build(order, engine, names, opts, grad_of=no_grad)
        return diagram.build(order, engine, names, opts, grad_of=no_grad, upstream_of=no_grad,
                             share_of=no_grad, caption=caption)
    if opts.collapse_modules:
        return modules.build(order, engine, names, opts, grad_of=engine.grad)
    # The engine's own numbers on the nodes; on the edges, what the chain-rule loop sends.
    _, shares = replay(root) if opts.show_grad else ({}, {})
    return diagram.build(order, engine, names, opts, grad_of=engine.grad, upstream_of=engine.grad,
                         share_of=lambda child, index: shares.get((child, index)))


_OUTSIDE = "(outside modules)"
MAX_GROUPS = 12  # module boxes in a summary; more would be the unreadable diagram again


def summary(order: Sequence, engine: Any, opts: DrawOptions) -> Diagram:
    """A box that says the graph is too big, its counts, and its module calls with their links."""
    graph = Diagram(name="tracegrad_summary",
                    graph_attr={"rankdir": opts.rankdir, "fontname": FONT},
                    node_attr={"shape": "plain", "fontname": FONT, "fontsize": "11"},
                    edge_attr={"fontname": FONT, "fontsize": "10", "color": EDGE})
    graph.node("summary", label=_summary_table(order, engine, opts))
    groups = _module_groups(order, min(MAX_GROUPS, opts.max_nodes))
    if groups is None:
        return graph
    group_of, members = groups
    ids = {key: f"m{i}" for i, key in enumerate(members)}
    for key, nodes in members.items():
        title = _OUTSIDE if key is None else " / ".join(display_name(c) for c in key.split("/"))
        ops = Counter(node.op for node in nodes if node.op).most_common(3)
        detail = ", ".join(f"{escape(op)} ×{n}" for op, n in ops) or "leaves only"
        graph.node(ids[key], label=(
            f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4">'
            f'<TR><TD BGCOLOR="{HEADER_FILL["op"]}"><B>{escape(title)}</B></TD></TR>'
            f'<TR><TD>{len(nodes)} nodes: {detail}</TD></TR></TABLE>>'))
    links: Counter = Counter()
    for child in order:
        for parent in child.parents:
            a, b = group_of[id(parent)], group_of[id(child)]
            if a != b:
                links[(a, b)] += 1
    for (a, b), count in links.items():
        graph.edge(ids[a], ids[b], label=f"{count} edge{'s' if count > 1 else ''}")
    return graph


def _summary_table(order: Sequence, engine: Any, opts: DrawOptions) -> str:
    root = order[-1]
    kinds = Counter(engine.kind(node) for node in order)
    ops = Counter(node.op for node in order if node.op)
    op_text = ", ".join(f"{escape(op)} ×{n}" for op, n in ops.most_common(8))
    if len(ops) > 8:
        op_text += f", and {len(ops) - 8} more kinds"
    rows = [
        f'<TR><TD BGCOLOR="{CURRENT_FILL}"><B>Summary only: this graph has {len(order)} nodes, '
        f"more than max_nodes={opts.max_nodes}.</B></TD></TR>",
        "<TR><TD>A full diagram this large would take dot a long time and could not be read. "
        f"Draw a smaller expression, or pass max_nodes={len(order)} to draw it all.</TD></TR>",
        f"<TR><TD>operations: {op_text or 'none'}</TD></TR>",
        f"<TR><TD>leaves: {kinds['input']} inputs, {kinds['param']} parameters, "
        f"{kinds['const']} constants; depth {_depth(order)}</TD></TR>",
    ]
    root_rows = engine.node_rows(root, engine.grad(root), opts.precision, True)
    rows.append("<TR><TD>root: " + ", ".join(f"{key} {value}" for key, value in root_rows)
                + "</TD></TR>")
    return ('<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" BGCOLOR="white">'
            + "".join(rows) + "</TABLE>>")


def _depth(order: Sequence) -> int:
    """Length of the longest parent → child path (order is topological, so one pass)."""
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    return max(depth.values())


def _module_groups(order: Sequence, limit: int) -> tuple[dict, dict] | None:
    """Group nodes by module scope, as deep as ``limit`` boxes allow; None without scopes."""
    by_id = node_scopes(order)
    scopes = [by_id[id(node)] for node in order]
    deepest = max((s.count("/") + 1 for s in scopes if s), default=0)
    for depth in range(deepest, 0, -1):
        keys = ["/".join(s.split("/")[:depth]) if s else None for s in scopes]
        if len(set(keys)) <= limit:
            group_of = {id(node): key for node, key in zip(order, keys)}
            members: dict = {}
            for node, key in zip(order, keys):
                members.setdefault(key, []).append(node)
            return group_of, members
    return None
