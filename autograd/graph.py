"""The one topological sort that backward passes and diagrams share.

It is iterative on purpose: a recursive walk overflows Python's stack on deep
graphs (a 1,000,000-node chain), and raising the recursion limit only moves the
crash into the C stack.
"""
from __future__ import annotations

from typing import Any


def topo_sort(root: Any) -> list:
    """Return every node reachable from ``root``, each parent before its children.

    A node is anything with a ``parents`` tuple. Repeated parents are visited once.
    """
    order: list = []
    visited: set[int] = set()
    # Each stack entry is (node, its parents still to visit); a node is appended to
    # ``order`` once that iterator is exhausted, i.e. after all its ancestors.
    stack = [(root, iter(root.parents))]
    visited.add(id(root))
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            if id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order
