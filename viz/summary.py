"""The picture ``draw`` returns for a graph larger than ``max_nodes``.

``dot`` needs minutes for tens of thousands of nodes and the result cannot be read
anyway, so instead of the full diagram this draws a box that says so, counts of the
graph's operations and leaves, and, when ``nn`` modules tagged the nodes with scopes,
one box per module (at most ``MAX_GROUPS``, going only as deep in the module
nesting as that allows) with the edges between modules.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from viz import theme
from viz.clusters import display_name, node_scopes
from viz.labels import escape
from viz.options import DrawOptions
from viz.render import Diagram

_OUTSIDE = "(outside modules)"
MAX_GROUPS = 12  # module boxes in a summary; more would be the unreadable diagram again


def build(order: Sequence, engine, opts: DrawOptions) -> Diagram:
    graph = Diagram(name="tracegrad_summary",
                    graph_attr={"rankdir": opts.rankdir, "fontname": theme.FONT},
                    node_attr={"shape": "plain", "fontname": theme.FONT, "fontsize": "11"},
                    edge_attr={"fontname": theme.FONT, "fontsize": "10", "color": theme.EDGE})
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
            f'<TR><TD BGCOLOR="{theme.HEADER_FILL["op"]}"><B>{escape(title)}</B></TD></TR>'
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


def _summary_table(order: Sequence, engine, opts: DrawOptions) -> str:
    root = order[-1]
    kinds = Counter(engine.kind(node) for node in order)
    ops = Counter(node.op for node in order if node.op)
    op_text = ", ".join(f"{escape(op)} ×{n}" for op, n in ops.most_common(8))
    if len(ops) > 8:
        op_text += f", and {len(ops) - 8} more kinds"
    rows = [
        f'<TR><TD BGCOLOR="{theme.CURRENT_FILL}"><B>Summary only: this graph has {len(order)} nodes, '
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


def _module_groups(order: Sequence, limit: int):
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
