"""``viz.draw``: the diagram of a graph with its upstream and local gradients."""
from __future__ import annotations

from autograd.graph import topo_sort
from viz import diagram, modules, summary
from viz.engines import Node, engine_for
from viz.names import node_names
from viz.options import DEFAULT_MAX_NODES, DrawOptions
from viz.render import Diagram


def draw(root: Node, *, rankdir: str = "LR", precision: int = 4, show_grad: bool = True,
         show_local: bool = True, collapse_modules: bool = False, cluster_modules: bool = False,
         max_nodes: int = DEFAULT_MAX_NODES, legend: bool = True) -> Diagram:
    """Draw the graph that ends at ``root`` as a ``graphviz.Digraph``.

    Nodes show data and grad; each edge parent → child shows ∂child/∂parent and the
    contribution local × child.grad that backward() added into parent.grad, so a
    node's outgoing contributions sum to its grad (after one ``root.backward()``).
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
    if opts.collapse_modules:
        return modules.build(order, engine, names, opts, grad_of=engine.grad)
    # The engine's own numbers: each edge multiplies by its child's stored grad.
    return diagram.build(order, engine, names, opts, grad_of=engine.grad, upstream_of=engine.grad)
