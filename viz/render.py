"""The diagram type ``viz`` returns: a ``graphviz.Digraph`` that explains a missing ``dot``.

Building a diagram is pure Python; only rendering (``render``, ``pipe``, inline display
in Jupyter) runs Graphviz's ``dot`` program. graphviz's own error for a missing ``dot``
only says it failed to execute it, so it is replaced by one that says how to install it.
"""
from __future__ import annotations

from typing import Any

import graphviz

INSTALL_COMMANDS = {
    "Debian/Ubuntu": "sudo apt-get install graphviz",
    "macOS": "brew install graphviz",
    "conda": "conda install -c conda-forge graphviz",
}


def install_commands() -> str:
    """``Debian/Ubuntu: sudo apt-get install graphviz; macOS: ...``: for any error message."""
    return "; ".join(f"{system}: {command}" for system, command in INSTALL_COMMANDS.items())


INSTALL_HINT = (
    "Graphviz's 'dot' program was not found on PATH, so the diagram cannot be rendered. "
    f"Install Graphviz (the system package, not only the Python one): {install_commands()}. "
    "The diagram itself was built without it: its DOT text is in .source, "
    "which you can save or paste into any Graphviz viewer."
)


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Raised when a diagram is rendered on a machine without Graphviz's ``dot``.

    It subclasses graphviz's own ``ExecutableNotFound`` (a ``RuntimeError``), so code
    that already catches that keeps working.
    """

    def __init__(self, message: str = INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering errors say how to install Graphviz."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error

    def __repr__(self) -> str:
        # Stable text (no memory address), so re-executed notebooks don't churn.
        return f"<Diagram {self.name!r}: DOT text in .source, SVG when displayed in Jupyter>"
