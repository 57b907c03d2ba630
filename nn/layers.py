"""The Tensor layers: ``Linear``, the activations, ``Dropout`` and ``Flatten``."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor import Tensor, linear
from nn.functional import as_input
from nn.init import Init, check_size, float_dtype, init_std
from nn.module import Module
from nn.parameter import Parameter
from nn.seeding import resolve_rng, spawn_rng


class Linear(Module):
    """``y = x @ weight + bias`` with ``weight`` of shape ``(nin, nout)``.

    The weight is stored input-major (PyTorch stores ``(nout, nin)`` and computes
    ``x @ W.T``) so the forward pass is one plain matmul with no transpose node.
    Weights are drawn from a normal with the ``init`` scale (``"he"``, ``"xavier"``,
    ``"lecun"`` or a float standard deviation); biases start at zero.
    """

    def __init__(self, nin: int, nout: int, bias: bool = True, init: Init = "he",
                 dtype: Any = np.float32, rng: np.random.Generator | int | None = None) -> None:
        self.nin = check_size(nin, "nin", "Linear")
        self.nout = check_size(nout, "nout", "Linear")
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"Linear: bias must be True or False, got {bias!r}")
        dtype = float_dtype(dtype, "Linear")
        std = init_std(init, self.nin, self.nout, "Linear")
        generator = resolve_rng(rng, "Linear")
        self.weight = Parameter(generator.normal(0.0, std, (self.nin, self.nout)).astype(dtype),
                                label="weight")
        self.bias = Parameter(np.zeros(self.nout, dtype), label="bias") if bias else None

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):  # (display() is only worth formatting for a message)
            x = as_input(x, self.display())
        shape = x.shape
        if not shape or shape[-1] != self.nin:
            raise ValueError(f"{self.display()}: expected input with last dimension {self.nin}, "
                             f"got shape {x.shape}")
        if x.dtype != self.weight.dtype:
            # numpy would silently promote; PyTorch refuses, and so do we.
            raise TypeError(
                f"{self.display()}: input dtype {x.dtype} does not match the layer's "
                f"{self.weight.dtype}; convert the input (x.astype(np.{self.weight.dtype})) "
                "or build the layer with that dtype="
            )
        return x @ self.weight if self.bias is None else linear(x, self.weight, self.bias)

    def display(self) -> str:
        return f"Linear({self.nin}→{self.nout})"

    def extra_repr(self) -> str:
        return (f"in_features={self.nin}, out_features={self.nout}, bias={self.bias is not None}, "
                f"dtype={self.weight.dtype}")


class ReLU(Module):
    """``max(x, 0)`` elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return as_input(x, "ReLU").relu()


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise (stable for large |x|)."""

    def forward(self, x: Tensor) -> Tensor:
        return as_input(x, "Sigmoid").sigmoid()


class Tanh(Module):
    """``tanh(x)`` elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return as_input(x, "Tanh").tanh()


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability ``p`` and scale
    the rest by ``1/(1-p)``, so evaluation (``eval()``) is the identity.

    Masks come from the layer's own generator, seeded from ``rng`` or the global seed
    (``nn.manual_seed``) when the layer is built.
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | int | None = None) -> None:
        if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p!r}")
        self.p = float(p)
        self.rng = spawn_rng(rng, "Dropout")

    def forward(self, x: Tensor) -> Tensor:
        x = as_input(x, "Dropout")
        if not self.training or self.p == 0.0:
            return x
        if x.dtype.kind != "f":
            raise TypeError(f"Dropout: expected floating-point input, got dtype {x.dtype}")
        if self.p == 1.0:
            return x * np.zeros(x.shape, x.dtype)
        keep = self.rng.random(x.shape) >= self.p
        return x * (keep.astype(x.dtype) * (1.0 / (1.0 - self.p)))

    def display(self) -> str:
        return f"Dropout(p={self.p:g})"

    def extra_repr(self) -> str:
        return f"p={self.p:g}"


class Flatten(Module):
    """Keep the batch axis and flatten the rest: (N, C, H, W) -> (N, C·H·W)."""

    def forward(self, x: Tensor) -> Tensor:
        x = as_input(x, "Flatten")
        if x.ndim < 1:
            raise ValueError(f"Flatten: expected input with a batch axis, got shape {x.shape}")
        return x.reshape(x.shape[0], -1)
