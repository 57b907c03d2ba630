"""The scalar MLP: neurons made of ``Value`` nodes, one node per weight.

Built only from the engine's ``*``, n-ary ``sum`` and activation nodes, so a drawn
graph shows every weight and every product. ``Neuron``, ``Layer`` and ``MLP`` take
and return what micrograd's do: a list of floats or Values in, a list of Values out
(a single Value when the layer has one output).
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Sequence, Union

import numpy as np

from autograd.value import Value
from nn.init import Init, check_size, default_init, init_std
from nn.module import Module
from nn.seeding import resolve_rng

Input = Union[float, Value]

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


class Parameter(Value):
    """A trainable scalar leaf: a ``Value`` that optimizers update and ``Module`` finds."""

    __slots__ = ()
    is_parameter = True


def check_activation(activation: object, where: str) -> str:
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(
            f"{where}: unknown activation {activation!r}; use one of "
            f"{', '.join(map(repr, ACTIVATIONS))}"
        )
    return activation


def _as_inputs(x: Any, nin: int, where: str) -> list:
    """The call's inputs as a list of ``nin`` Values (numpy rows and floats become leaves)."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{where}: expected a 1-D input of length {nin}, got an array of shape {x.shape}")
        x = x.tolist()
    elif isinstance(x, (Value, int, float, str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(
            f"{where}: expected a list of {nin} floats or Values, got {type(x).__name__}"
        )
    if len(x) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(x)}")
    # Plain numbers become one leaf each, shared by every neuron that reads them:
    # a diagram shows input x3 once, and a forward pass makes nin leaves, not nin*nout.
    return [v if isinstance(v, Value) else Value(v, label=f"x{i}") for i, v in enumerate(x)]


class Neuron(Module):
    """``activation(sum_i w_i * x_i + b)`` as one n-ary sum node over the products and the bias."""

    def __init__(self, nin: int, activation: str = "relu", init: Init | None = None,
                 rng: np.random.Generator | int | None = None, fan_out: int = 1) -> None:
        nin = check_size(nin, "nin", "Neuron")
        self.activation = check_activation(activation, "Neuron")
        std = init_std(default_init(activation) if init is None else init, nin,
                       check_size(fan_out, "fan_out", "Neuron"), "Neuron")
        weights = resolve_rng(rng, "Neuron").normal(0.0, std, nin).tolist()
        self.w = [Parameter(w, label=f"w{i}") for i, w in enumerate(weights)]
        self.b = Parameter(0.0, label="b")
        self._act = ACTIVATIONS[self.activation]

    def forward(self, x: Sequence[Input]) -> Value:
        # Callers (Layer, MLP) have checked len(x); zip would silently truncate otherwise.
        products = list(map(operator.mul, self.w, x))
        products.append(self.b)
        out = Value.sum(products)
        return out if self._act is None else self._act(out)

    def __call__(self, x: Sequence[Input]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}")
        return super().__call__(x)

    def display(self) -> str:
        return f"Neuron({len(self.w)}, {self.activation})"

    def extra_repr(self) -> str:
        return f"{len(self.w)}, activation={self.activation!r}"


class Layer(Module):
    """``nout`` neurons reading the same inputs; returns a list (one Value when ``nout == 1``)."""

    def __init__(self, nin: int, nout: int, activation: str = "relu", init: Init | None = None,
                 rng: np.random.Generator | int | None = None) -> None:
        nin = check_size(nin, "nin", "Layer")
        nout = check_size(nout, "nout", "Layer")
        check_activation(activation, "Layer")
        rng = resolve_rng(rng, "Layer")
        self.neurons = [Neuron(nin, activation, init, rng, fan_out=nout) for _ in range(nout)]

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        x = _as_inputs(x, len(self.neurons[0].w), "Layer")
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def display(self) -> str:
        n = self.neurons[0]
        return f"Layer({len(n.w)}→{len(self.neurons)}, {n.activation})"

    def extra_repr(self) -> str:
        n = self.neurons[0]
        return f"{len(n.w)}→{len(self.neurons)}, activation={n.activation!r}"

    def __repr__(self) -> str:  # neurons would fill a screen; summarise them
        return f"Layer({self.extra_repr()})"


class MLP(Module):
    """Layers of sizes ``nin → nouts[0] → … → nouts[-1]``; the last layer is linear.

    >>> model = MLP(3, [4, 4, 1])          # relu hidden layers, a linear output
    >>> y = model([2.0, 3.0, -1.0])        # one Value, as micrograd returns
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "relu",
                 output_activation: str = "linear", init: Init | None = None,
                 rng: np.random.Generator | int | None = None) -> None:
        nin = check_size(nin, "nin", "MLP")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [nin] + [check_size(n, "each of nouts", "MLP") for n in nouts]
        check_activation(activation, "MLP")
        check_activation(output_activation, "MLP")
        rng = resolve_rng(rng, "MLP")
        last = len(sizes) - 2
        self.layers = [
            Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation, init, rng)
            for i in range(len(sizes) - 1)
        ]
        self.sizes = sizes

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        h = _as_inputs(x, self.sizes[0], "MLP")
        for layer in self.layers:
            out = layer(h)
            h = [out] if isinstance(out, Value) else out  # a one-neuron layer returns its Value bare
        return h[0] if len(h) == 1 else h

    def display(self) -> str:
        return f"MLP({'→'.join(map(str, self.sizes))})"

    def extra_repr(self) -> str:
        return '→'.join(map(str, self.sizes))
