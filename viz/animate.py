"""``viz.animate_backward``: the backward step-through as one self-contained HTML page.

Every frame is rendered to SVG and inlined; the controls (Previous, Play, Next, a
slider, and the arrow and space keys) are a few lines of inline JavaScript. Nothing
is loaded from the network, so the file works offline and can be mailed around.
The same player is what a notebook shows for an ``Animation`` or ``BackwardSteps``.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Sequence

from viz.engines import Node
from viz.files import write_atomic
from viz.render import Diagram
from viz.steps import backward_steps

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

_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  var frames = root.querySelectorAll(".tg-frame");
  var slider = root.querySelector(".tg-slider"), count = root.querySelector(".tg-count");
  var play = root.querySelector(".tg-play"), timer = null, k = 0;
  function show(i) {
    k = Math.max(0, Math.min(frames.length - 1, i));
    for (var j = 0; j < frames.length; j++) frames[j].hidden = (j !== k);
    slider.value = k;
    count.textContent = "step " + (k + 1) + " of " + frames.length;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; } }
  function start() {
    if (k >= frames.length - 1) show(0);
    play.textContent = "Pause";
    timer = setInterval(function () { if (k >= frames.length - 1) stop(); else show(k + 1); }, %(delay)d);
  }
  root.querySelector(".tg-prev").onclick = function () { stop(); show(k - 1); };
  root.querySelector(".tg-next").onclick = function () { stop(); show(k + 1); };
  play.onclick = function () { if (timer) stop(); else start(); };
  slider.oninput = function () { stop(); show(+slider.value); };
  var keys = root.getAttribute("data-page-keys") === "1" ? document : root;
  keys.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") { stop(); show(k + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(k - 1); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(frames.length - 1); }
    else if (e.key === " ") { if (timer) stop(); else start(); }
    else return;
    e.preventDefault();
  });
  show(0);
})();
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
        f"</div><script>{_SCRIPT % {'id': uid, 'delay': delay_ms}}</script>"
    )


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


def animate_backward(root: Node, path: str | os.PathLike | None = None, **options) -> Animation:
    """Render ``backward_steps(root, **options)`` into a player; write it to ``path`` if given.

    Needs Graphviz's ``dot`` to render the frames (``GraphvizNotFoundError`` otherwise).
    """
    animation = Animation(backward_steps(root, **options))
    if path is not None:
        animation.save(path)
    return animation
