"""``MLP``: the Tensor multilayer perceptron, ``Linear`` layers with activations between."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.tensor import Tensor
from nn.init import Init, check_size, default_init
from nn.layers import Dropout, Linear, ReLU, Sigmoid, Tanh
from nn.module import Module
from nn.seeding import resolve_rng

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "linear": None}


class MLP(Module):
    """``nin → nouts[0] → … → nouts[-1]``: hidden layers use ``activation`` (and dropout,
    if ``dropout > 0``); the last layer is linear, giving logits.

    >>> model = MLP(784, [100, 10])            # Linear, ReLU, Linear
    >>> logits = model(Tensor(images))         # (N, 784) float32 -> (N, 10)

    ``layers`` lists the modules in order. The init defaults to He for ReLU and
    Glorot (xavier) otherwise; weights are float32 unless ``dtype=`` says otherwise.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "relu",
                 dropout: float = 0.0, bias: bool = True, init: Init | None = None,
                 dtype: Any = np.float32, rng: np.random.Generator | int | None = None) -> None:
        nin = check_size(nin, "nin", "MLP")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [nin] + [check_size(n, "each of nouts", "MLP") for n in nouts]
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(f"MLP: unknown activation {activation!r}; use one of "
                             f"{', '.join(map(repr, ACTIVATIONS))}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"MLP: dropout must be a probability in [0, 1), got {dropout!r}")
        rng = resolve_rng(rng, "MLP")
        init = default_init(activation) if init is None else init
        layers: list[Module] = []
        for i in range(len(sizes) - 1):
            layers.append(Linear(sizes[i], sizes[i + 1], bias, init, dtype, rng))
            if i < len(sizes) - 2:
                make_activation = ACTIVATIONS[activation]
                if make_activation is not None:
                    layers.append(make_activation())
                if dropout > 0.0:
                    layers.append(Dropout(dropout, rng))
        self.sizes = sizes
        self.activation = activation
        self.layers = layers

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def display(self) -> str:
        return f"MLP({'→'.join(map(str, self.sizes))})"

    def extra_repr(self) -> str:
        return f"{'→'.join(map(str, self.sizes))}, activation={self.activation!r}"
