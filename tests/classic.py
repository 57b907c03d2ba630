"""The classic sigmoid neuron, sigmoid(w0*x0 + w1*x1 + b), shared by the diagram tests."""
from __future__ import annotations

from autograd import Value


def neuron() -> Value:
    """The neuron with the textbook inputs, backpropagated; its output is labelled 'o'."""
    w0, x0, w1, x1, b = (Value(v, label=n) for v, n in
                         [(2.0, "w0"), (-1.0, "x0"), (-3.0, "w1"), (-2.0, "x1"), (-3.0, "b")])
    out = (w0 * x0 + w1 * x1 + b).sigmoid()
    out.label = "o"
    out.backward()
    return out
