"""Per-layer signal health of a Tensor MLP: how activations and gradients are distributed.

Weight initialisation decides whether a deep network's signal survives: with std 1
sigmoid activations pile up at 0 and 1 (saturated, so gradients vanish), with std
0.01 they collapse onto 0.5 (every neuron says the same), while Xavier (sigmoid) and
He (ReLU) keep them spread layer after layer. ``SignalHealth`` records that picture:

    health = SignalHealth(model)
    nn.fit(model, optimizer, data, epochs=1, on_step=health)   # every step, or every=k
    # or, in your own loop, after loss.backward():  health.record(loss)

For each recorded step it keeps, per hidden layer (each activation module's output),
a histogram of the activations and a histogram of log10 |∂loss/∂activation| (exact
zeros, such as dead ReLUs, counted apart), and the norm of each ``Linear`` weight's
gradient. The layers' outputs are found in the loss's graph by the scope each module
call records, so the model needs no hooks; ``record`` must run after ``backward()``
and before the gradients are cleared.
"""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from autograd.graph import topo_sort
from nn.checks import positive_int
from nn.layers import Dropout, Linear
from nn.module import Module


def _range(value: Any, name: str) -> tuple[float, float]:
    if not (isinstance(value, Sequence) and len(value) == 2
            and all(isinstance(v, numbers.Real) and np.isfinite(float(v)) for v in value) and value[0] < value[1]):
        raise ValueError(f"SignalHealth: {name} must be a pair (low, high) of finite numbers with "
                         f"low < high, got {value!r}")
    return float(value[0]), float(value[1])


def histogram(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin; values outside the edges fall in the first or last bin, so none is lost."""
    return np.histogram(np.clip(values, edges[0], edges[-1]), edges)[0]


class SignalHealth:
    """Records per-layer histograms of activations and gradients of ``model`` (an ``nn.MLP``).

    ``bins``: bins per histogram. ``activation_range``: the activation histograms' span;
    None takes the smallest and largest activation of the first recorded step, then
    keeps it so later steps are comparable. ``gradient_range``: the span of log10 |grad|.
    ``every``: as an ``on_step`` callback, record steps 1, 1 + every, 1 + 2·every, …
    """

    def __init__(self, model: Module, bins: int = 30,
                 activation_range: tuple[float, float] | None = None,
                 gradient_range: tuple[float, float] = (-10.0, 1.0), every: int = 1) -> None:
        layers = getattr(model, "layers", None)
        if not isinstance(model, Module) or not isinstance(layers, list):
            raise TypeError(f"SignalHealth: expected an nn.MLP (a module with a list of layers), "
                            f"got {type(model).__name__}")
        for name, value in (("bins", bins), ("every", every)):
            positive_int(value, name, "SignalHealth")
        self.linears = [m for m in layers if isinstance(m, Linear)]
        activations = [m for m in layers if not isinstance(m, (Linear, Dropout))]
        # A network without activation modules: its hidden layers are the inner Linears.
        self.layers: list[Module] = activations or list(self.linears[:-1])
        if not self.layers:
            raise ValueError("SignalHealth: the model has no hidden layer to watch")
        self.names = [f"layer {i + 1}: {m.display()}" for i, m in enumerate(self.layers)]
        self.bins, self.every = int(bins), int(every)
        self.activation_range = (None if activation_range is None
                                 else _range(activation_range, "activation_range"))
        low, high = _range(gradient_range, "gradient_range")
        self.gradient_edges = np.linspace(low, high, self.bins + 1)
        self.activation_edges: np.ndarray | None = None
        self.steps: list[int] = []
        self.activation_counts: list[np.ndarray] = []  # per step: (layers, bins)
        self.gradient_counts: list[np.ndarray] = []    # per step: (layers, bins) of log10 |grad|
        self.gradient_zeros: list[np.ndarray] = []     # per step: (layers,) exact zeros
        self.activation_std: list[np.ndarray] = []     # per step: (layers,)
        self.weight_grad_norms: list[np.ndarray] = []  # per step: (linears,)

    def __call__(self, step: int, loss: Any) -> None:
        """The ``on_step`` callback of ``nn.fit``: records every ``every``-th step."""
        if (step - 1) % self.every == 0:
            self.record(loss, step)

    def outputs(self, loss: Any) -> list[Any]:
        """Each watched layer's output node in ``loss``'s graph (the last one it made)."""
        found: dict[str, Any] = {}
        suffixes = {m.scope_name: m.scope_name for m in self.layers}
        for node in topo_sort(loss):
            scope = getattr(node, "scope", None)
            if scope:
                own = scope.rsplit("/", 1)[-1]  # the innermost module that made this node
                if own in suffixes:
                    found[own] = node  # topological order: the last one is the output
        missing = [name for m, name in zip(self.layers, self.names) if m.scope_name not in found]
        if missing:
            raise ValueError(f"SignalHealth: {', '.join(missing)} took no part in this loss; record "
                             "the loss of this model's own forward pass")
        return [found[m.scope_name] for m in self.layers]

    def record(self, loss: Any, step: int | None = None) -> None:
        """Record the current step: call it after ``loss.backward()``, before ``zero_grad()``."""
        outputs = self.outputs(loss)
        acts = [np.asarray(node.data, dtype=np.float64).ravel() for node in outputs]
        grads = [np.asarray(node.grad, dtype=np.float64).ravel() for node in outputs]
        if self.activation_edges is None:
            low, high = self.activation_range or (min(a.min() for a in acts), max(a.max() for a in acts))
            high = high if high > low else low + 1.0  # every activation equal: one unit-wide span
            self.activation_edges = np.linspace(low, high, self.bins + 1)
        self.steps.append(len(self.steps) + 1 if step is None else int(step))
        self.activation_counts.append(np.array([histogram(a, self.activation_edges) for a in acts]))
        self.activation_std.append(np.array([a.std() for a in acts]))
        counts, zeros = [], []
        for g in grads:
            nonzero = np.abs(g[g != 0.0])
            counts.append(histogram(np.log10(nonzero), self.gradient_edges))
            zeros.append(g.size - nonzero.size)
        self.gradient_counts.append(np.array(counts))
        self.gradient_zeros.append(np.array(zeros))
        self.weight_grad_norms.append(np.array([np.linalg.norm(m.weight.grad) for m in self.linears]))
