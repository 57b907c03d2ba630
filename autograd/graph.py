"""The one topological sort that backward passes and diagrams share.

It is iterative on purpose: a recursive walk overflows Python's stack on deep
graphs (a 1,000,000-node chain), and raising the recursion limit only moves the
crash into the C stack.
"""
from __future__ import annotations

from typing import Any

# Stack marker: "every parent of the node below me has been emitted".
_EMIT = object()


def topo_sort(roots: Any) -> list:
    """Return every node reachable from ``roots`` (one node or an iterable of nodes),
    each parent before its children. A node is anything with a ``parents`` tuple.
    Repeated parents are listed once.
    """
    order: list = []
    # Nodes hash by identity (neither engine defines __eq__); keying the set on the
    # nodes themselves is 2-3x cheaper than on id(node), which allocates an int each.
    seen: set = set()
    stack: list = list(roots) if isinstance(roots, (list, tuple)) else [roots]
    stack.reverse()  # the first root is sorted first
    # Bound methods as locals: this loop runs once per node on every backward().
    push, pop, extend, emit, mark = stack.append, stack.pop, stack.extend, order.append, seen.add
    while stack:
        node = pop()
        if node is _EMIT:
            emit(pop())
            continue
        if node in seen:
            continue
        mark(node)
        parents = node.parents
        if parents:
            # The node waits under the marker until its parents, pushed above it,
            # have been emitted. A parent already seen is already emitted: in a
            # DAG it cannot still be waiting, as that would make it its own ancestor.
            push(node)
            push(_EMIT)
            extend(parents)
        else:
            emit(node)
    return order

