"""Building one diagram: the house style, the drawing options, module clusters, and the
Digraph of one state of a graph, the finished backward pass (``draw``) or a moment
during it (``backward_steps``).

Node ids are ``n0, n1, ...`` in topological order, so they are stable for the same
expression and never contain user text. Edges run parent → child (the forward
direction); each carries the derivative of the child with respect to that parent
and, once sent, the contribution local × child.grad. A parent used twice (``a*a``)
gets two edges, because backward sends along each use.

Node kinds are told apart by the fill of their title row: inputs (labelled leaves),
parameters (``is_parameter``), constants (unlabelled leaves), operations, the root,
and the nodes of a derivative's graph (made by a create_graph backward pass). The
step-through adds a highlight for the node being processed and for the edges whose
contributions it just sent.

``cluster_modules`` groups the nodes into one Graphviz cluster per ``nn`` module call.
``nn.Module.__call__`` tags the nodes it creates with a scope: a '/'-joined path of
``"{display}#{uid}"`` components, outermost first (``MLP(3→1)#1/Linear(3→4)#2``).
Every distinct path prefix becomes a cluster, nested the way the modules are nested,
and titled with the display part. Clusters are named ``cluster_0, cluster_1, ...``
(Graphviz draws a subgraph as a box only when its name starts with "cluster"), so
no user text ever reaches an identifier.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import graphviz

from autograd.recording import BACKWARD_SCOPE
from viz.labels import check_precision, escape, formula
from viz.render import Diagram


# ---- the house style: colours and fonts, in one place so every picture matches
FONT = "Helvetica"

HEADER_FILL = {
    "input": "#cfe2ff",   # a leaf the user named: an input or a variable
    "param": "#ffd8a8",   # a trainable parameter
    "const": "#e9ecef",   # a plain number in the expression
    "op": "#f1f3f5",      # the result of an operation
    "root": "#b2f2bb",    # the node backward() starts from
    "backward": "#e5dbff",  # made by the backward pass (autograd.grad, create_graph=True)
}

BORDER = "#495057"
ROOT_BORDER = "#2b8a3e"

CURRENT_FILL = "#ffec99"      # step-through: the node being processed
CURRENT_BORDER = "#e67700"
PENDING_TEXT = "#adb5bd"      # step-through: a gradient not reached yet
SENT_EDGE = "#c92a2a"         # step-through: contributions sent in this step
EDGE = "#495057"
CONTRIBUTION = "#c92a2a"      # the number an edge adds into its parent's grad
CLUSTER_FILL = "#f8f9fa"
CLUSTER_BORDER = "#868e96"


# ---- the options every diagram accepts, checked once
RANKDIRS = ("LR", "RL", "TB", "BT")
DEFAULT_MAX_NODES = 250  # beyond this dot takes many seconds and the picture is unreadable


@dataclass(frozen=True)
class DrawOptions:
    rankdir: str = "LR"
    precision: int = 4
    show_grad: bool = True
    show_local: bool = True
    collapse_modules: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    legend: bool = True
    cluster_modules: bool = False  # every node drawn, grouped in one cluster per module call

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {self.rankdir!r}")
        check_precision(self.precision)
        for flag in ("show_grad", "show_local", "collapse_modules", "legend", "cluster_modules"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be True or False, got {getattr(self, flag)!r}")
        if self.collapse_modules and self.cluster_modules:
            raise ValueError("collapse_modules draws one box per module and cluster_modules draws "
                             "every node grouped by module: choose one")
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int):
            raise TypeError(f"max_nodes must be an int, got {self.max_nodes!r}")
        if self.max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1, got {self.max_nodes}")


# ---- the diagram
def legend(engine: Any, show_grad: bool, show_local: bool) -> str:
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


def build(order: Sequence, engine: Any, names: dict[int, str], opts: DrawOptions, *,
          grad_of: Callable, upstream_of: Callable, share_of: Callable, current: Any=None,
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
            attrs: dict[str, str] = {}
            if lines:
                # decorate draws a line from the label to its edge: where two edges
                # converge, the reader still sees which label belongs to which.
                attrs.update(label=_edge_label(lines), decorate="true")
            if just_sent:
                attrs.update(color=SENT_EDGE, penwidth="2.2", fontcolor=SENT_EDGE)
            elif current is not None and upstream is None:
                attrs.update(color=PENDING_TEXT, fontcolor=PENDING_TEXT, style="dashed")
            graph.edge(ids[id(parent)], ids[id(child)], **attrs)
    return graph


def new_diagram(opts: DrawOptions, caption: str | None, legend_text: str) -> Diagram:
    """An empty diagram with the house style, its caption and its legend underneath."""
    # ordering=in keeps each node's inputs in argument order (w0 above x0), so the
    # picture reads like the expression.
    graph = Diagram(
        name="tracegrad",
        graph_attr={"rankdir": opts.rankdir, "fontname": FONT, "nodesep": "0.45",
                    "ranksep": "0.5", "labelloc": "b", "ordering": "in"},
        node_attr={"shape": "plain", "fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "10", "color": EDGE,
                   "arrowsize": "0.7"},
    )
    lines = [escape(caption)] if caption else []
    if opts.legend:
        lines.append(escape(legend_text))
    if lines:
        graph.attr(label="<" + "<BR/>".join(lines) + ">", fontsize="10")
    return graph


def node_label(node: Any, names: Any, engine: Any, opts: Any, grad: Any, is_root: bool, is_current: bool) -> str:
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
    fill = HEADER_FILL["root" if is_root else "backward" if derivative else kind]
    border, width = (ROOT_BORDER, "2") if is_root else (BORDER, "1")
    if is_current:
        fill, border, width = CURRENT_FILL, CURRENT_BORDER, "3"
    rows = [f'<TR><TD COLSPAN="2" BGCOLOR="{fill}">{title}</TD></TR>']
    for key, value in engine.node_rows(node, grad, opts.precision, opts.show_grad):
        if key == "grad":
            color = PENDING_TEXT if grad is None else "black"
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{color}"><B>grad</B></FONT></TD>'
                        f'<TD ALIGN="RIGHT"><FONT COLOR="{color}"><B>{value}</B></FONT></TD></TR>')
        else:
            rows.append(f'<TR><TD ALIGN="LEFT">{key}</TD><TD ALIGN="RIGHT">{value}</TD></TR>')
    return (f'<<TABLE BORDER="{width}" COLOR="{border}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="white">{"".join(rows)}</TABLE>>')


def _edge_label(lines: list[tuple[str, bool]]) -> str:
    parts = [f'<FONT COLOR="{CONTRIBUTION}"><B>{text}</B></FONT>' if is_sent else text
             for text, is_sent in lines]
    return "<" + "<BR/>".join(parts) + ">"


# ---- one cluster per nn module call
def display_name(component: str) -> str:
    """``'Linear(784→100)#3'`` → ``'Linear(784→100)'``; the uid only keeps calls apart."""
    display, sep, _uid = component.rpartition("#")
    return display if sep else component


def node_scopes(order: Sequence) -> dict[int, str | None]:
    """Each node's module scope, by ``id``. A parameter is created in ``__init__``,
    outside any call, so it has none; it joins the module that uses it when only one does."""
    scopes = {id(node): getattr(node, "scope", None) for node in order}
    users: dict[int, set] = {}
    for child in order:
        for parent in child.parents:
            users.setdefault(id(parent), set()).add(scopes[id(child)])
    for node in order:
        if node.is_parameter and scopes[id(node)] is None and len(users.get(id(node), ())) == 1:
            scopes[id(node)] = next(iter(users[id(node)]))
    return scopes


def place_nodes(graph: graphviz.Digraph, entries: Iterable[tuple[str | None, str, dict]],
                collapse: bool) -> int:
    """Add nodes ``(scope, node_id, attrs)`` to ``graph``; returns how many clusters it made."""
    if not collapse:
        for _scope, node_id, attrs in entries:
            graph.node(node_id, **attrs)
        return 0
    clusters: dict[str, graphviz.Digraph] = {}
    for scope, node_id, attrs in entries:
        if not scope:
            graph.node(node_id, **attrs)
            continue
        parts = scope.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            if path not in clusters:
                clusters[path] = _cluster(len(clusters), display_name(parts[depth - 1]))
        clusters[scope].node(node_id, **attrs)
    # graphviz copies a subgraph's body when it is added, so attach the deepest
    # clusters first: each one is complete before its parent is.
    for path in sorted(clusters, key=lambda p: -p.count("/")):
        outer = path.rpartition("/")[0]
        (clusters[outer] if outer else graph).subgraph(clusters[path])
    return len(clusters)


def _cluster(index: int, title: str) -> graphviz.Digraph:
    return graphviz.Digraph(
        name=f"cluster_{index}",
        graph_attr={
            "label": f"<<B>{escape(title)}</B>>", "labeljust": "l", "style": "rounded,filled",
            "fillcolor": CLUSTER_FILL, "color": CLUSTER_BORDER, "fontname": FONT,
        },
    )
