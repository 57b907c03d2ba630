"""``viz.backward_steps``: one diagram per step of ``backward()``.

Each frame is one step of the engine's own chain-rule loop (``viz.replay`` watches
it), so the user's graph is never touched: its ``.grad`` values stay exactly as
they were.
"""
from __future__ import annotations

from collections import Counter

from autograd.graph import topo_sort
from viz import diagram
from viz.engines import Node, engine_for
from viz.names import node_names
from viz.options import DrawOptions
from viz.render import Diagram
from viz.replay import replay


class BackwardSteps(list[Diagram]):
    """A list of diagrams, one per backward step; a notebook shows it as a player."""

    def _repr_html_(self) -> str:
        from viz.animate import player_html  # animate builds on steps, not the reverse

        return player_html(self)


def backward_steps(root: Node, *, rankdir: str = "LR", precision: int = 4, show_local: bool = True,
                   collapse_modules: bool = False, max_nodes: int = 60,
                   legend: bool = True) -> BackwardSteps:
    """Return one ``Diagram`` per node, in the reverse topological order backward uses.

    Frame k highlights the node being processed and its edges, which now carry the
    contributions it just sent; gradients filled in so far are shown, the others read
    '?'. The root's frame starts with the seed grad = 1. ``max_nodes`` (default 60)
    guards against thousands of frames: past it a ``ValueError`` says so.
    """
    engine = engine_for(root, "backward_steps")
    opts = DrawOptions(rankdir, precision, True, show_local, collapse_modules, max_nodes, legend)
    order = topo_sort(root)
    if len(order) > opts.max_nodes:
        raise ValueError(f"backward_steps: the graph has {len(order)} nodes, more than "
                         f"max_nodes={opts.max_nodes}, which would make {len(order)} diagrams; "
                         f"step through a smaller expression or pass max_nodes={len(order)}")
    names = node_names(order, engine.PREFIX, engine.const_name)
    steps: list[tuple] = []  # (node, the gradients right after it sent its shares)
    _, shares = replay(root, on_step=lambda node, grads: steps.append((node, dict(grads))))
    processed: set = set()
    uses = Counter(id(parent) for child in order for parent in child.parents)
    frames = BackwardSteps()
    for step, (node, grads) in enumerate(steps, start=1):
        processed.add(node)
        frames.append(diagram.build(
            order, engine, names, opts,
            grad_of=grads.get,
            upstream_of=lambda n: grads.get(n) if n in processed else None,
            share_of=lambda child, index: shares.get((child, index)) if child in processed else None,
            current=node, caption=_caption(step, len(steps), node, root, names, uses)))
    return frames


def _caption(step: int, total: int, node, root, names, uses: Counter) -> str:
    name = names[id(node)]
    head = f"Step {step} of {total}: "
    if node is root and node.parents:
        return head + f"seed {name}.grad = 1, then send local × 1 to each parent of {name}"
    if node is root:
        return head + f"seed {name}.grad = 1; {name} has no parents, so backward is done"
    if not node.parents:
        count = uses[id(node)]
        summed = f", summed over its {count} uses" if count > 1 else ""
        return head + f"{name} is a leaf; its gradient is complete{summed}"
    parents = ", ".join(dict.fromkeys(names[id(p)] for p in node.parents))
    return head + f"{name}.grad is complete; send local × {name}.grad to {parents}"
