"""``viz.draw``: the diagram of a graph with its upstream and local gradients."""
from __future__ import annotations

from autograd.graph import topo_sort
from viz import diagram, modules, summary
from viz.engines import Node, engine_for
from viz.names import node_names
from viz.options import DEFAULT_MAX_NODES, DrawOptions
from viz.render import Diagram
from viz.replay import is_last_root, replay


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
        return summary.build(order, engine, opts)
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
