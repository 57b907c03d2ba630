"""Colours and fonts of the diagrams, in one place so every picture matches.

Node kinds are told apart by the fill of their title row: inputs (labelled leaves),
parameters (``is_parameter``), constants (unlabelled leaves), operations, the
root, and the nodes of a derivative's graph (made by a create_graph backward pass). The step-through adds a highlight for the node being processed and for the
edges whose contributions it just sent.
"""
from __future__ import annotations

FONT = "Helvetica"

HEADER_FILL = {
    "input": "#cfe2ff",   # a leaf the user named: an input or a variable
    "param": "#ffd8a8",   # a trainable parameter
    "const": "#e9ecef",   # a plain number in the expression
    "op": "#f1f3f5",      # the result of an operation
    "root": "#b2f2bb",    # the node backward() starts from
    "backward": "#e5dbff",  # made by the backward pass (autograd.grad, create_graph=True)
}

BORDER = "#495057"
ROOT_BORDER = "#2b8a3e"

CURRENT_FILL = "#ffec99"      # step-through: the node being processed
CURRENT_BORDER = "#e67700"
PENDING_TEXT = "#adb5bd"      # step-through: a gradient not reached yet
SENT_EDGE = "#c92a2a"         # step-through: contributions sent in this step
EDGE = "#495057"
CONTRIBUTION = "#c92a2a"      # the number an edge adds into its parent's grad
CLUSTER_FILL = "#f8f9fa"
CLUSTER_BORDER = "#868e96"
