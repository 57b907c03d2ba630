"""``viz.backward_steps`` and ``viz.animate_backward``: ``backward()`` one step at a time.

Each frame is one step of the engine's own chain-rule loop (``viz.replay`` watches
it), so the user's graph is never touched: its ``.grad`` values stay exactly as
they were.

The player shows the frames as one self-contained HTML page: every frame is rendered
to SVG and inlined, and the controls (Previous, Play, Next, a slider, and the arrow
and space keys) are a few lines of inline JavaScript. Nothing is loaded from the
network, so the file works offline and can be mailed around. The same player is what
a notebook shows for an ``Animation`` or ``BackwardSteps``.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any, Sequence

from autograd.graph import topo_sort
from viz import diagram
from viz.diagram import DrawOptions
from viz.files import write_atomic
from viz.labels import node_names
from viz.render import Diagram
from viz.replay import Node, engine_for, replay


class BackwardSteps(list[Diagram]):
    """A list of diagrams, one per backward step; a notebook shows it as a player."""

    def _repr_html_(self) -> str:
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
            # build() calls these before the loop moves on, so late binding is harmless.
            upstream_of=lambda n: grads.get(n) if n in processed else None,  # noqa: B023
            share_of=lambda child, index: shares.get((child, index)) if child in processed else None,
            current=node, caption=_caption(step, len(steps), node, root, names, uses)))
    return frames


def _caption(step: int, total: int, node: Any, root: Any, names: Any, uses: Counter) -> str:
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


# ---- the player
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)  # XML declaration, DOCTYPE and comments
_IDS = re.compile(r'\s(id|class)="[^"]*"')   # graphviz reuses ids in every frame
_TITLES = re.compile(r"<title>[^<]*</title>")  # hover text naming internal node ids (n3)

_STYLE = """
.tg-player{font-family:Helvetica,Arial,sans-serif;outline:none}
.tg-player .tg-bar{display:flex;gap:.5em;align-items:center;margin:.4em 0}
.tg-player button{font-size:14px;padding:.2em .8em;cursor:pointer}
.tg-player .tg-slider{flex:1;max-width:24em}
.tg-player .tg-frame svg{max-width:100%;height:auto}
.tg-player .tg-hint{color:#868e96;font-size:12px}
"""

# Each frame is an inline SVG; the controls are player.js, shared with the playground.
_SCRIPT = """
(function (root, controls) {
  var frames = root.querySelectorAll(".tg-frame"), count = root.querySelector(".tg-count");
  controls(root, "tg", frames.length, %(delay)d, function (k) {
    for (var j = 0; j < frames.length; j++) frames[j].hidden = (j !== k);
    count.textContent = "step " + (k + 1) + " of " + frames.length;
  })(0);
})(document.getElementById("%(id)s"), %(controls)s);
"""


def player_html(frames: Sequence[Diagram], *, delay_ms: int = 1200,
                page_keys: bool = False) -> str:
    """The player as an HTML fragment (a div, its style and its script)."""
    if not frames:
        raise ValueError("player_html: there are no frames to show")
    svgs = [_svg(frame) for frame in frames]
    # A content hash keeps ids unique when a notebook shows several players, and
    # keeps the file byte-for-byte reproducible.
    uid = "tg-" + hashlib.sha1("".join(svgs).encode()).hexdigest()[:12]
    body = "".join(f'<div class="tg-frame"{" hidden" if i else ""}>{svg}</div>'
                   for i, svg in enumerate(svgs))
    last = len(svgs) - 1
    return (
        f"<style>{_STYLE}</style>"
        f'<div class="tg-player" id="{uid}" tabindex="0" data-page-keys="{int(page_keys)}">'
        '<div class="tg-bar"><button class="tg-prev" title="previous step (←)">Previous</button>'
        '<button class="tg-play" title="play / pause (space)">Play</button>'
        '<button class="tg-next" title="next step (→)">Next</button>'
        f'<input class="tg-slider" type="range" min="0" max="{last}" value="0" '
        'aria-label="step">'
        f'<span class="tg-count">step 1 of {len(svgs)}</span></div>'
        f"{body}"
        '<div class="tg-hint">← → step · space play/pause · Home/End first/last</div>'
        f"</div><script>{_SCRIPT % {'id': uid, 'delay': delay_ms, 'controls': _controls()}}"
        "</script>"
    )


def _controls() -> str:
    """player.js: the Previous/Play/Next, slider and keyboard controls."""
    return (files("viz") / "playground_assets" / "player.js").read_text(encoding="utf-8")


def _svg(frame: Diagram) -> str:
    """A frame as a bare inline <svg> element."""
    svg = _PROLOG.sub("", frame.pipe(format="svg", encoding="utf-8"))
    return _TITLES.sub("", _IDS.sub("", svg))


class Animation:
    """The step-through player: ``.html`` is the page; a notebook displays it inline."""

    def __init__(self, frames: Sequence[Diagram], title: str = "tracegrad backward pass") -> None:
        self.frames = list(frames)
        self.path: Path | None = None  # where .save() last wrote the page
        self.fragment = player_html(self.frames)
        page_player = player_html(self.frames, page_keys=True)
        self.html = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>{page_player}</body></html>\n"
        )

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        where = (f"written to {self.path}" if self.path is not None
                 else "write it with .save('steps.html')")
        return f"<Animation of {len(self.frames)} backward steps: display it in a notebook; {where}>"

    def _repr_html_(self) -> str:
        return self.fragment

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page atomically (a temporary file, then ``os.replace``)."""
        self.path = write_atomic(path, self.html.encode("utf-8"))
        return self.path


def animate_backward(root: Node, path: str | os.PathLike | None = None, **options: Any) -> Animation:
    """Render ``backward_steps(root, **options)`` into a player; write it to ``path`` if given.

    Needs Graphviz's ``dot`` to render the frames (``GraphvizNotFoundError`` otherwise).
    """
    animation = Animation(backward_steps(root, **options))
    if path is not None:
        animation.save(path)
    return animation
