"""Build the Digraph of one state of a graph: the finished backward pass (``draw``)
or a moment during it (``backward_steps``).

Node ids are ``n0, n1, ...`` in topological order, so they are stable for the same
expression and never contain user text. Edges run parent → child (the forward
direction); each carries the derivative of the child with respect to that parent
and, once sent, the contribution local × child.grad. A parent used twice (``a*a``)
gets two edges, because backward sends along each use.
"""
from __future__ import annotations

from typing import Callable, Sequence

from autograd.recording import BACKWARD_SCOPE
from viz import theme
from viz.clusters import node_scopes, place_nodes
from viz.labels import escape
from viz.names import formula
from viz.options import DrawOptions
from viz.render import Diagram


def legend(engine, show_grad: bool, show_local: bool) -> str:
    """One line under the diagram that says how to read it (only the parts shown)."""
    local, sent = engine.EDGE_LEGEND
    parts = ["data: forward value"]
    if show_grad:
        parts.append("grad: ∂root/∂node")
    if show_local and show_grad:
        parts.append(f"edge: {local}, then {sent}")
    elif show_local:
        parts.append(f"edge: {local}")
    elif show_grad:
        parts.append(f"edge: {sent}")
    return " · ".join(parts)


def build(order: Sequence, engine, names: dict[int, str], opts: DrawOptions, *,
          grad_of: Callable, upstream_of: Callable, share_of: Callable, current=None,
          caption: str | None = None) -> Diagram:
    """``grad_of(node)`` is the grad to show (None: not reached yet); ``upstream_of(child)``
    is the grad its edges multiply by and ``share_of(child, index)`` what the edge to
    ``child.parents[index]`` sent (None: nothing sent along them yet)."""
    root = order[-1]
    ids = {id(node): f"n{i}" for i, node in enumerate(order)}
    graph = new_diagram(opts, caption, legend(engine, opts.show_grad, opts.show_local))

    # Step frames draw every node, so there a collapsed view is shown clustered instead.
    clustered = opts.cluster_modules or opts.collapse_modules
    scopes = node_scopes(order) if clustered else {}
    entries = []
    for node in order:
        label = node_label(node, names, engine, opts, grad_of(node), node is root, node is current)
        entries.append((scopes.get(id(node)), ids[id(node)], {"label": label}))
    place_nodes(graph, entries, clustered)

    for child in order:
        upstream = upstream_of(child)
        just_sent = child is current
        for index, parent in enumerate(child.parents):
            lines = engine.edge_lines(child, index, names, upstream, share_of(child, index),
                                      opts.precision, opts.show_local, opts.show_grad)
            attrs = {}
            if lines:
                # decorate draws a line from the label to its edge: where two edges
                # converge, the reader still sees which label belongs to which.
                attrs.update(label=_edge_label(lines), decorate="true")
            if just_sent:
                attrs.update(color=theme.SENT_EDGE, penwidth="2.2", fontcolor=theme.SENT_EDGE)
            elif current is not None and upstream is None:
                attrs.update(color=theme.PENDING_TEXT, fontcolor=theme.PENDING_TEXT, style="dashed")
            graph.edge(ids[id(parent)], ids[id(child)], **attrs)
    return graph


def new_diagram(opts: DrawOptions, caption: str | None, legend_text: str) -> Diagram:
    """An empty diagram with the house style, its caption and its legend underneath."""
    # ordering=in keeps each node's inputs in argument order (w0 above x0), so the
    # picture reads like the expression.
    graph = Diagram(
        name="tracegrad",
        graph_attr={"rankdir": opts.rankdir, "fontname": theme.FONT, "nodesep": "0.45",
                    "ranksep": "0.5", "labelloc": "b", "ordering": "in"},
        node_attr={"shape": "plain", "fontname": theme.FONT, "fontsize": "11"},
        edge_attr={"fontname": theme.FONT, "fontsize": "10", "color": theme.EDGE,
                   "arrowsize": "0.7"},
    )
    lines = [escape(caption)] if caption else []
    if opts.legend:
        lines.append(escape(legend_text))
    if lines:
        graph.attr(label="<" + "<BR/>".join(lines) + ">", fontsize="10")
    return graph


def node_label(node, names, engine, opts, grad, is_root: bool, is_current: bool) -> str:
    name = escape(names[id(node)])
    kind = engine.kind(node)
    title = f"<B>{name}</B>"
    if node.parents:
        title += f" = {escape(formula(node, names))}"
    derivative = (node.scope or "").startswith(BACKWARD_SCOPE)
    tag = "root" if is_root else kind if kind != "op" else ""
    if derivative:  # made by autograd.grad(..., create_graph=True): part of a derivative
        tag = f"{tag} {node.scope}".strip()
    if tag:
        title += f' <FONT POINT-SIZE="9">{tag}</FONT>'
    fill = theme.HEADER_FILL["root" if is_root else "backward" if derivative else kind]
    border, width = (theme.ROOT_BORDER, "2") if is_root else (theme.BORDER, "1")
    if is_current:
        fill, border, width = theme.CURRENT_FILL, theme.CURRENT_BORDER, "3"
    rows = [f'<TR><TD COLSPAN="2" BGCOLOR="{fill}">{title}</TD></TR>']
    for key, value in engine.node_rows(node, grad, opts.precision, opts.show_grad):
        if key == "grad":
            color = theme.PENDING_TEXT if grad is None else "black"
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{color}"><B>grad</B></FONT></TD>'
                        f'<TD ALIGN="RIGHT"><FONT COLOR="{color}"><B>{value}</B></FONT></TD></TR>')
        else:
            rows.append(f'<TR><TD ALIGN="LEFT">{key}</TD><TD ALIGN="RIGHT">{value}</TD></TR>')
    return (f'<<TABLE BORDER="{width}" COLOR="{border}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="white">{"".join(rows)}</TABLE>>')


def _edge_label(lines: list[tuple[str, bool]]) -> str:
    parts = [f'<FONT COLOR="{theme.CONTRIBUTION}"><B>{text}</B></FONT>' if is_sent else text
             for text, is_sent in lines]
    return "<" + "<BR/>".join(parts) + ">"
