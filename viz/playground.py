"""The playground page: a network learning a 2-D data set, replayed frame by frame.

``Playground(meta, frames)`` turns the numbers ``nn.playground.train`` recorded into
one self-contained HTML page (scripts, styles and data inline; nothing is fetched,
so it works offline). A notebook displays the same player inline, and
``LivePlayground`` redraws it in place while training runs. The frame format is
documented in ``nn.playground``; ``viz`` reads it as plain dicts and never imports ``nn``.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import time
from importlib.resources import files
from pathlib import Path
from typing import Any, Sequence

from viz.files import write_atomic

_FRAME_KEYS = ("step", "loss", "acc", "w", "g", "boundary", "probes")
_META_KEYS = ("dataset", "sizes", "activation", "lr", "batch_size", "steps", "points", "labels",
              "probes", "grid")


def _asset(name: str) -> str:
    return (files("viz") / "playground_assets" / name).read_text(encoding="utf-8")


def _check(meta: Any, frames: Any) -> None:
    if not isinstance(meta, dict) or any(key not in meta for key in _META_KEYS):
        raise TypeError(f"Playground: meta must be a dict with the keys {', '.join(_META_KEYS)} "
                        "(as nn.playground.train records it)")
    if not isinstance(frames, Sequence) or not frames:
        raise ValueError("Playground: there are no frames to show; train for at least one step")
    for i, frame in enumerate(frames):
        if not isinstance(frame, dict) or any(key not in frame for key in _FRAME_KEYS):
            raise TypeError(f"Playground: frame {i} must be a dict with the keys {', '.join(_FRAME_KEYS)}")


def player_html(meta: dict, frames: Sequence[dict], *, page_keys: bool = False,
                start: str = "first") -> str:
    """The player as an HTML fragment: its style, markup, data and script."""
    _check(meta, frames)
    data = json.dumps({"meta": meta, "frames": list(frames)}, separators=(",", ":"), allow_nan=False)
    data = data.replace("</", "<\\/")  # a string in the data must not close the script element
    # A content hash keeps ids unique when a notebook shows several players and keeps
    # the page byte-for-byte reproducible.
    uid = "tgp-" + hashlib.sha1(f"{data}{page_keys}{start}".encode()).hexdigest()[:12]
    sizes = "→".join(map(str, meta["sizes"]))
    title = (f"{html.escape(str(meta['dataset']))} · MLP {sizes}, {html.escape(str(meta['activation']))} · "
             f"SGD lr {meta['lr']:g}, batch {meta['batch_size']} · {meta['steps']} steps")
    return (
        f"<style>{_asset('playground.css')}</style>"
        f'<div class="tgp" id="{uid}" tabindex="0" data-page-keys="{int(page_keys)}" data-start="{start}">'
        f'<div class="tgp-title"><b>tracegrad playground</b> <small>{title}</small></div>'
        '<div class="tgp-bar"><button class="tgp-prev" title="previous frame (←)">◀</button>'
        '<button class="tgp-play" title="play / pause (space)">Play</button>'
        '<button class="tgp-next" title="next frame (→)">▶</button>'
        f'<input class="tgp-slider" type="range" min="0" max="{len(frames) - 1}" value="0" aria-label="frame">'
        '<span class="tgp-count"></span></div>'
        '<div class="tgp-main"><svg class="tgp-net" width="560" height="400" role="img" '
        'aria-label="the network: neurons coloured by activation, edges by weight"></svg>'
        '<div class="tgp-side"><canvas class="tgp-boundary" width="300" height="300"></canvas>'
        '<canvas class="tgp-curves" width="300" height="120"></canvas></div></div>'
        '<div class="tgp-panel"></div>'
        '<div class="tgp-hint">← → frame · space play/pause · Home/End first/last · hover an edge for its '
        'weight and gradient, click it to follow its update · click a numbered point to probe it · '
        'blue: class 1 and positive values, orange: class 0 and negative</div></div>'
        f'<script type="application/json" id="{uid}-data">{data}</script>'
        f'<script>{_asset("playground.js")}("{uid}", {_asset("player.js")});</script>'
    )


def page_html(meta: dict, frames: Sequence[dict]) -> str:
    """The whole offline page (the favicon is inline, so not even that is requested)."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<link rel="icon" href="data:,"><title>tracegrad playground</title></head>'
            f"<body>{player_html(meta, frames, page_keys=True)}</body></html>\n")


class Playground:
    """The player for recorded frames: ``.html`` is the page; a notebook shows it inline."""

    def __init__(self, meta: dict, frames: Sequence[dict]) -> None:
        _check(meta, frames)
        self.meta, self.frames = meta, list(frames)

    @property
    def html(self) -> str:
        return page_html(self.meta, self.frames)

    def _repr_html_(self) -> str:
        return player_html(self.meta, self.frames)

    def __repr__(self) -> str:
        return (f"<Playground of {len(self.frames)} frames: display it in a notebook "
                "or write it with .save('playground.html')>")

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page atomically (a temporary file, then ``os.replace``)."""
        return write_atomic(path, self.html.encode("utf-8"))


class LivePlayground:
    """A notebook view that redraws in place while training runs: pass ``update`` as ``on_frame``.

    ``update(run)`` takes anything with ``meta`` and ``frames`` (``nn.playground.train``'s
    run). It redraws at most every ``interval`` seconds, showing the newest frame, and
    always once more when the run's last step arrives, so the cell ends with the full
    player: the same one ``Playground`` writes to a page.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = float(interval)
        self.handle = None
        self.updates = 0
        self._last = -float("inf")

    def update(self, run: Any) -> None:
        from IPython.display import HTML, display  # only a notebook needs IPython

        finished = run.frames and run.frames[-1]["step"] == run.meta["steps"]
        now = time.monotonic()
        if not finished and now - self._last < self.interval:
            return
        self._last = now
        content = HTML(player_html(run.meta, run.frames, start="last"))
        if self.handle is None:
            self.handle = display(content, display_id=True)
        else:
            self.handle.update(content)
        self.updates += 1
