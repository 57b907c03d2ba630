"""The one chain-rule loop: ``parent.grad += local × upstream``, in reverse topological order.

Every consumer runs this loop: ``Value.backward``, ``Tensor.backward``, ``autograd.grad``
(first or higher order), and ``viz``'s step-through and ``explain``, which watch it send
each contribution through ``on_step``. The engines differ only in how a node turns its
upstream gradient into one share per parent: a ``Value`` stores its local derivatives
as numbers, so its shares are ``local * g``, added right here (a scalar MLP's graph has
tens of thousands of nodes; this inline form made its backward pass a quarter faster
than a method call and a list per node); a ``Tensor`` runs its VJP rules in
``node._send(g, create_graph)``, as does a ``Value`` when a graph of the derivative is
wanted.

Gradients live in a dict keyed by node, never on the nodes, so the loop itself changes
nothing in the graph: ``backward()`` copies the result into ``.grad``; ``grad()`` returns
it. With ``create_graph=True`` the gradients are nodes, so the sums below build the
graph of the derivative.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from autograd.graph import topo_sort

# on_step(node, sent, grads): node was just processed and sent ``sent`` (one entry per
# parent, None where nothing flows; empty for leaves and unreached nodes).
StepHook = Callable[[Any, Sequence, dict], None]


def backprop(roots: Sequence, seeds: Sequence, *, create_graph: bool = False,
             on_step: StepHook | None = None) -> tuple[list, dict]:
    """Propagate ``seeds`` (∂out/∂root for each root) to every node that leads to a root.

    Returns the topological order (parents first) and ``{node: gradient}`` for every
    node a gradient reached.
    """
    order = topo_sort(list(roots))
    grads: dict = {}
    for root, seed in zip(roots, seeds):
        previous = grads.get(root)
        grads[root] = seed if previous is None else previous + seed
    get = grads.get
    for node in reversed(order):
        parents = node.parents
        if parents:
            g = get(node)
            if g is not None:
                if node.numeric_locals and not create_graph:
                    # parent.grad += local × upstream, literally (a Value's hot path).
                    for parent, local in zip(parents, node.local_grads):
                        grads[parent] = get(parent, 0.0) + local * g
                    if on_step is not None:
                        on_step(node, [local * g for local in node.local_grads], grads)
                    continue
                sent = node._send(g, create_graph)
                for parent, share in zip(parents, sent):
                    if share is not None:
                        previous = get(parent)
                        # A new sum, never +=: a share may be (a view of) another node's grad.
                        grads[parent] = share if previous is None else previous + share
                if on_step is not None:
                    on_step(node, sent, grads)
                continue
        if on_step is not None:  # a leaf, or a node no gradient reached: nothing to send
            on_step(node, (), grads)
    return order, grads
