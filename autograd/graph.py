"""The one topological sort that backward passes and diagrams share.

It is iterative on purpose: a recursive walk overflows Python's stack on deep
graphs (a 1,000,000-node chain), and raising the recursion limit only moves the
crash into the C stack.
"""
from __future__ import annotations

from typing import Any

# Stack marker: "every parent of the node below me has been emitted".
_EMIT = object()


def topo_sort(root: Any) -> list:
    """Return every node reachable from ``root``, each parent before its children.

    A node is anything with a ``parents`` tuple. Repeated parents are listed once.
    """
    order: list = []
    seen: set[int] = set()
    stack: list = [root]
    # Bound methods as locals: this loop runs once per node on every backward().
    push, pop, emit, mark = stack.append, stack.pop, order.append, seen.add
    while stack:
        node = pop()
        if node is _EMIT:
            emit(pop())
            continue
        key = id(node)
        if key in seen:
            continue
        mark(key)
        parents = node.parents
        if parents:
            # The node waits under the marker until its parents, pushed above it,
            # have been emitted. A parent already seen is already emitted: in a
            # DAG it cannot still be waiting, as that would make it its own ancestor.
            push(node)
            push(_EMIT)
            stack.extend(parents)
        else:
            emit(node)
    return order
