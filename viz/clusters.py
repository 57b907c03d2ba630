"""Grouping a diagram's nodes into one Graphviz cluster per ``nn`` module call.

``nn.Module.__call__`` tags the nodes it creates with a scope: a '/'-joined path of
``"{display}#{uid}"`` components, outermost first (``MLP(3→1)#1/Linear(3→4)#2``).
Every distinct path prefix becomes a cluster, nested the way the modules are nested,
and titled with the display part. Clusters are named ``cluster_0, cluster_1, ...``
(Graphviz draws a subgraph as a box only when its name starts with "cluster"), so
no user text ever reaches an identifier.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import graphviz

from viz import theme
from viz.labels import escape


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
            "fillcolor": theme.CLUSTER_FILL, "color": theme.CLUSTER_BORDER, "fontname": theme.FONT,
        },
    )
