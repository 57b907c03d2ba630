"""Pictures of tracegrad graphs: diagrams, backward step-through, training plots."""
# Checked first: PyPI's ``autograd`` (HIPS autograd) installs a package of the same name,
# and where it wins, every import below would fail with a puzzling ImportError.
import autograd as _autograd

if not hasattr(_autograd, "Tensor"):
    raise ImportError(
        f"the package named 'autograd' imported here ({_autograd.__file__}) is not tracegrad's: "
        "another package named autograd (probably HIPS autograd from PyPI) is installed in this "
        "environment. tracegrad needs its own virtual environment: python3 -m venv .venv && "
        ".venv/bin/pip install -e . (or run make), then use .venv/bin/python or "
        ".venv/bin/tracegrad")
from viz.draw import draw
from viz.explain import explain
from viz.playground import LivePlayground, Playground
from viz.render import Diagram, GraphvizNotFoundError
from viz.steps import Animation, BackwardSteps, animate_backward, backward_steps

__all__ = [
    "draw", "backward_steps", "animate_backward", "explain",
    "Diagram", "GraphvizNotFoundError", "BackwardSteps", "Animation", "Playground", "LivePlayground",
]
