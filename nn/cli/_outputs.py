"""The commands' output files: checked before any data is loaded or any time is spent,
and diagrams written as DOT source or rendered by Graphviz, as the file name says."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import graphviz

PLOT_SUFFIXES = (".png", ".svg", ".pdf")  # what matplotlib writes
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf", ".dot")  # .dot: the DOT source, needs no Graphviz


def check_output(option: str, path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse ``path`` unless it ends in one of ``suffixes`` and a file can be written there."""
    if path.is_dir():
        raise ValueError(f"{option} {path}: that is a directory; give a file name inside it")
    if path.suffix.lower() not in suffixes:
        *head, last = suffixes
        names = f"{', '.join(head)} or {last}" if head else last
        raise ValueError(f"{option} {path}: the file name must end in {names}")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ValueError(f"{option} {path}: the directory {directory} does not exist")
    # Files are written to a temporary name in the same directory, then renamed, so
    # that is what is tried. (os.access says yes to root even on a read-only file system.)
    try:
        tempfile.TemporaryFile(dir=directory).close()
    except OSError as error:
        raise ValueError(f"{option} {path}: the directory {directory} is not writable "
                         f"({error.strerror})") from None


def diagram_bytes(graph: graphviz.Digraph, path: Path) -> bytes:
    """The file ``path`` should hold: the DOT source for ``.dot``, else Graphviz's rendering
    (which raises ``viz.render.GraphvizNotFoundError`` without ``dot``)."""
    fmt = path.suffix.lower().lstrip(".")
    return graph.source.encode() if fmt == "dot" else graph.pipe(format=fmt)
