"""Pictures of tracegrad graphs: diagrams, backward step-through, training plots."""
from viz.animate import Animation, animate_backward
from viz.draw import draw
from viz.explain import explain
from viz.playground import LivePlayground, Playground
from viz.render import Diagram, GraphvizNotFoundError
from viz.steps import BackwardSteps, backward_steps

__all__ = [
    "draw", "backward_steps", "animate_backward", "explain",
    "Diagram", "GraphvizNotFoundError", "BackwardSteps", "Animation", "Playground", "LivePlayground",
]
