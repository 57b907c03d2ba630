"""Pictures of tracegrad graphs: diagrams, backward step-through, training plots."""
from viz.draw import draw
from viz.explain import explain
from viz.render import Diagram, GraphvizNotFoundError

__all__ = ["draw", "explain", "Diagram", "GraphvizNotFoundError"]
